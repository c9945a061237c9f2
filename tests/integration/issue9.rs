//! Issue 9: engine and statistics defects, each pinned by an exact check.
//!
//! - tied instants with more than 16 event lists (the merge must keep an
//!   interval's end before the next one's start at the same instant);
//! - percentiles that left their range;
//! - a variance that did not cancel to 0 for identical trials, and Wilson
//!   ends that missed 0 and 1;
//! - a run's memory bound (fewer threads, or a refusal before running).

use zonesim::engine::{RUN_MEMORY_BUDGET, RunError};
use zonesim::prelude::*;

use crate::common::*;

/// 17 zones: z0 has gamma(shape 0.01, scale 1000) up times (most draws are
/// far below an ulp of the clock, so its outages touch: one ends at the
/// instant the next starts) and fixed(1) down times; z1..z16 fail often
/// (exponential up, mean 5 h; fixed 1 h down), so every trial has 17
/// non-empty event lists. Horizon 100 h, all up at the start.
fn seventeen_zones(trials: u64) -> Study {
    let mut s = Study::new(settings(trials, 100.0, 2026, Start::AllUp)).region(region("r"));
    s = s.zone(zone(
        "z0",
        "r",
        Duration::gamma(0.01, 1000.0).unwrap(),
        fixed(1.0),
    ));
    for i in 1..17 {
        s = s.zone(zone(&format!("z{i}"), "r", exp(5.0), fixed(1.0)));
    }
    s
}

/// Issue 9 (1): with 17 event lists the merge once sorted events by time
/// alone, so an "up" could follow a "down" at the same instant and z0 was
/// marked up through its next outage. Each deployment below is down exactly
/// when z0 is, so its mean availability is z0's own (to rounding: the
/// zone's downtime is summed interval by interval, the service's outage by
/// outage).
///
/// - active-passive over [z0, z0] with failover 0, with all 17 zones in the
///   study (before the fix: 0.7019 against z0's 0.6683);
/// - at least 17 of [z0 x 17, z1, ..., z16]: down iff z0 is (z0 takes 17
///   replicas, the others at most 16 together), and it spans 17 zones, so it
///   is swept on the merged events (before: above z0's availability too);
/// - active-passive over [z0, z0] with replica failures that never happen
///   in the horizon: the path that merges zone and replica events.
#[test]
fn issue9_tied_instants_over_sixteen_lists() {
    let mut replicas = vec!["z0"; 17];
    let others: Vec<String> = (1..17).map(|i| format!("z{i}")).collect();
    replicas.extend(others.iter().map(String::as_str));
    let study = seventeen_zones(3000)
        .deployment(Deployment::new(
            "ap",
            &["z0", "z0"],
            Rule::active_passive(0.0),
        ))
        .deployment(Deployment::new("17of33", &replicas, Rule::AtLeast(17)))
        .deployment(
            Deployment::new("ap+replicas", &["z0", "z0"], Rule::active_passive(0.0))
                .with_replica_failures(OutageProcess::new(fixed(1e6), fixed(1.0))),
        );
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    let z0 = r.zones[0].mean_availability;
    // The zone itself is down a good part of the time (the check is not
    // vacuous): about a third.
    assert!((0.5..0.8).contains(&z0), "z0 availability {z0}");
    for d in &r.deployments {
        assert_close(
            &format!("{} against z0", d.name),
            d.availability.mean,
            z0,
            1e-12,
        );
    }
    // Trial by trial too: the deployments agree with each other exactly.
    let mut out = Vec::new();
    for trial in 0..200 {
        sim.trial(trial, &mut out).unwrap();
        for o in &out[1..] {
            assert!(
                (o.downtime_hours - out[0].downtime_hours).abs() <= 1e-9,
                "trial {trial}: {o:?} vs {:?}",
                out[0]
            );
        }
    }
}

/// A zone that is down for the whole horizon in every trial (steady-state
/// start, down for 1e15 h at a time).
fn always_down(horizon: f64) -> Study {
    Study::new(settings(2100, horizon, 7, Start::SteadyState))
        .region(region("r"))
        .zone(zone("z", "r", fixed(1.0), fixed(1e15)))
        .deployment(Deployment::new("z", &["z"], Rule::AtLeast(1)))
}

/// Issue 9 (2): percentiles lie within their range and are exact when every
/// trial is the same. With a horizon of exactly 2^30 ms the histogram bucket
/// holding the horizon has its midpoint past it: before the fix availability
/// percentiles read -0.000488 and downtime and longest-outage percentiles
/// exceeded the horizon; with a one-year horizon the availability
/// percentiles of a zone down all year read 0.000121.
#[test]
fn issue9_percentiles_stay_in_range() {
    for horizon in [(1u64 << 30) as f64 / 3.6e6, 8760.0, 1000.0 / 3.0] {
        let r = Simulation::new(&always_down(horizon))
            .unwrap()
            .run(&RunOptions::default())
            .unwrap();
        let d = &r.deployments[0];
        let minutes = horizon * 60.0;
        for (level, p) in d.availability.percentiles.iter() {
            assert_eq!(p, 0.0, "horizon {horizon}: availability p{level}");
        }
        for (level, p) in d.downtime_minutes.percentiles.iter() {
            assert_eq!(p, minutes, "horizon {horizon}: downtime p{level}");
        }
        assert_eq!(d.longest_outage_minutes.p99, minutes, "horizon {horizon}");
        assert_eq!(d.outages.mean, 1.0);
        assert_eq!(d.availability.std, 0.0);
    }
}

/// Issue 9 (3): every trial alike (fixed durations, all up at the start,
/// times that are not binary fractions): the standard deviations are exactly
/// 0 and the variance reduction undefined (before: 0.033 min and 0.98), and
/// the Wilson interval ends are exactly 0 at p = 0 and 1 at p = 1.
#[test]
fn issue9_identical_trials_have_zero_variance() {
    let mut s = settings(3000, 8760.0, 11, Start::AllUp);
    s.sla_targets = vec![0.5, 0.99, 0.9999];
    let study = Study::new(s)
        .region(region("r"))
        .zone(zone("a", "r", fixed(3.3), fixed(0.7)))
        .zone(zone("b", "r", fixed(5.1), fixed(1.3)))
        .zone(zone("c", "r", fixed(0.3), fixed(0.1)))
        .deployment(Deployment::new("a", &["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("b", &["b"], Rule::AtLeast(1)))
        .deployment(Deployment::new("c", &["c"], Rule::AtLeast(1)))
        .deployment(Deployment::new("a+b", &["a", "b"], Rule::AtLeast(1)));
    let r = Simulation::new(&study)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    let (mut zeros, mut ones) = (0, 0);
    for d in &r.deployments {
        assert_eq!(d.availability.std, 0.0, "{}: availability std", d.name);
        assert_eq!(d.downtime_minutes.std, 0.0, "{}: downtime std", d.name);
        assert_eq!(d.availability.ci95[0], d.availability.mean, "{}", d.name);
        for s in &d.sla {
            if s.p_meets == 0.0 {
                zeros += 1;
                assert_eq!(s.p_meets_ci95[0], 0.0, "{}: {}", d.name, s.target);
            }
            if s.p_meets == 1.0 {
                ones += 1;
                assert_eq!(s.p_meets_ci95[1], 1.0, "{}: {}", d.name, s.target);
            }
        }
    }
    assert!(zeros > 0 && ones > 0, "both ends must be exercised");
    for c in &r.comparison.against {
        assert_eq!(c.variance_reduction, None, "{}", c.name);
        let [lo, hi] = c.downtime_minutes_diff.ci95;
        assert_eq!(lo, c.downtime_minutes_diff.mean, "{}", c.name);
        assert_eq!(hi, c.downtime_minutes_diff.mean, "{}", c.name);
    }
}

/// A study of `n` deployments over 4 zones (all rules), for the memory bound.
fn many_deployments(n: usize, trials: u64) -> Study {
    let mut s = Study::new(settings(trials, 8760.0, 5, Start::SteadyState)).region(region("r"));
    for z in ["a", "b", "c", "d"] {
        s = s.zone(zone(z, "r", exp(1000.0), exp(20.0)));
    }
    let sets: [&[&str]; 4] = [&["a", "b"], &["a", "b", "c"], &["b", "c", "d"], &["a", "d"]];
    for i in 0..n {
        let replicas = sets[i % 4];
        let rule = match i % 3 {
            0 => Rule::AtLeast(1),
            1 => Rule::ZonesUp(2),
            _ => Rule::active_passive(0.5),
        };
        s = s.deployment(Deployment::new(format!("d{i}"), replicas, rule));
    }
    s
}

/// Issue 9 (5): a run whose accumulators would not fit in the memory budget
/// on even one thread is refused before it runs, naming the figures (before:
/// 6,000 deployments aborted with "memory allocation failed").
#[test]
fn issue9_too_many_deployments_are_refused() {
    let sim = Simulation::new(&many_deployments(6000, 2000)).unwrap();
    let per_thread = sim.accumulator_bytes();
    assert!(per_thread > RUN_MEMORY_BUDGET, "{per_thread} bytes");
    let err = sim.run(&RunOptions::new().threads(2)).unwrap_err();
    let RunError::TooLarge(msg) = &err else {
        panic!("expected TooLarge, got {err:?}");
    };
    assert!(msg.contains("6000 deployments"), "{msg}");
    assert!(msg.contains(&format!("{per_thread} bytes")), "{msg}");
    assert!(msg.contains(&format!("{RUN_MEMORY_BUDGET} bytes")), "{msg}");
    // Through the crate's entry point as well.
    let e = zonesim::run(&many_deployments(6000, 10)).unwrap_err();
    assert!(matches!(
        e.kind(),
        zonesim::ErrorKind::Run(RunError::TooLarge(_))
    ));
}

/// Issue 9 (5): a budget that affords two sets of accumulators runs a
/// 4-thread request on 2 threads, with the same results as 1 and 4 threads
/// unbounded; one that affords none refuses.
#[test]
fn issue9_memory_budget_lowers_threads_not_results() {
    let sim = Simulation::new(&many_deployments(60, 3000)).unwrap();
    let per_thread = sim.accumulator_bytes();
    assert!(per_thread > 60 * 1000, "{per_thread}");
    let opts = |t| RunOptions::new().threads(t);
    let one = sim.run(&opts(1)).unwrap();
    let four = sim.run(&opts(4)).unwrap();
    assert_eq!(one, four);
    let tight = sim
        .clone()
        .with_memory_budget(2 * per_thread + per_thread / 2);
    assert_eq!(tight.worker_threads(Some(4)).unwrap(), 2);
    assert_eq!(tight.worker_threads(Some(1)).unwrap(), 1);
    assert_eq!(tight.run(&opts(4)).unwrap(), one);
    let none = sim.with_memory_budget(per_thread - 1);
    assert!(matches!(
        none.worker_threads(Some(4)),
        Err(RunError::TooLarge(_))
    ));
    assert!(matches!(none.run(&opts(1)), Err(RunError::TooLarge(_))));
}

/// Issue 9 (11): a country that is not an ISO 3166-1 alpha-2 code is an
/// error naming the region (it used to count silently as non-EU), an empty
/// deployment name is refused, and an absurd horizon is printed compactly.
#[test]
fn issue9_validation_gaps() {
    use zonesim::prelude::*;
    let exp = |m| Duration::exponential(m).unwrap();
    let study = Study::new(Settings::new(10, 1e300))
        .region(Region::new("par", "Paris", "p", "France"))
        .region(Region::new("fra", "Frankfurt", "p", "de"))
        .zone(Zone::new("a", "par", exp(100.0), exp(1.0)))
        .zone(Zone::new("b", "fra", exp(100.0), exp(1.0)))
        .deployment(Deployment::new("", ["a"], Rule::AtLeast(1)));
    let err = study.validate().unwrap_err();
    let text = err.to_string();
    assert!(
        err.problems
            .iter()
            .any(|p| p.at == "region \"par\".country"
                && p.message.contains("not an ISO 3166-1 alpha-2")),
        "{text}"
    );
    // A lowercase code is still a code.
    assert!(
        !err.problems.iter().any(|p| p.at.contains("\"fra\"")),
        "{text}"
    );
    assert!(
        err.problems.iter().any(|p| p.at == "deployment[0].name"),
        "{text}"
    );
    assert!(text.contains("1e300 hours is over the limit"), "{text}");
    assert!(!text.contains("000000000000"), "{text}");
    // A mean of 1e300 hours names what is wrong, not a sigma it does not have.
    let e = Duration::exponential(1e300).unwrap_err().to_string();
    assert!(e.contains("too large") && !e.contains("sigma"), "{e}");
}

/// Issue 8: a result round-trips through serde JSON exactly (every float to
/// the bit, `float_roundtrip`), importance-sampled deployments included.
#[test]
fn results_round_trip_through_json_exactly() {
    let mut study = zonesim::catalog::default_study();
    study.simulation.trials = 3_000;
    let result = zonesim::run(&study).unwrap();
    let text = serde_json::to_string(&result).unwrap();
    let back: zonesim::StudyResult = serde_json::from_str(&text).unwrap();
    assert_eq!(back, result);
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    let three = result.deployment("three-hubs-active").unwrap();
    assert!(three.importance.is_some());
    assert!(result.deployment("nowhere").is_none());
    assert!(three.sla(0.9999).is_some() && three.sla(0.5).is_none());
}
