//! Unit tests of the engine's internals: fast paths against the general
//! sweep, a closed form, and thread independence.

use super::compile::CompiledDeployment;
use super::merge::merge_events;
use super::trial::Scratch;
use super::*;
use crate::deployment::{Deployment, Rule};
use crate::distributions::Duration;
use crate::stats::TrialOutcome;
use crate::study::Settings;
use crate::study::Study;
use crate::topology::OutageProcess;
use crate::topology::{CommonCause, Region, Zone};

fn region(id: &str) -> Region {
    Region::new(id, id, "test", "FR")
}

fn zone(id: &str, region: &str, ttf: Duration, ttr: Duration) -> Zone {
    Zone {
        id: id.into(),
        region: region.into(),
        time_to_failure: ttf,
        time_to_repair: ttr,
    }
}

/// Zones with non-exponential durations, two common causes (one over a
/// region, one over a zone pair across regions) and counting rules of
/// every shape: zones holding several replicas, zones outside the
/// deployment, tolerances of 0 and more.
fn mixed_study(trials: u64) -> Study {
    let d = |x: Result<Duration, _>| x.unwrap();
    let mut s = Study::new(Settings::new(trials, 2000.0))
        .region(region("r1"))
        .region(region("r2"));
    let zones = [
        (
            "a",
            "r1",
            d(Duration::weibull(0.7, 300.0)),
            d(Duration::lognormal(5.0, 1.0)),
        ),
        (
            "b",
            "r1",
            d(Duration::exponential(250.0)),
            d(Duration::gamma(2.0, 4.0)),
        ),
        (
            "c",
            "r1",
            d(Duration::exponential(400.0)),
            d(Duration::fixed(6.0)),
        ),
        (
            "d",
            "r2",
            d(Duration::uniform(50.0, 600.0)),
            d(Duration::exponential(10.0)),
        ),
        (
            "e",
            "r2",
            d(Duration::exponential(300.0)),
            d(Duration::empirical(vec![1.0, 3.0, 20.0])),
        ),
    ];
    for (id, r, ttf, ttr) in zones {
        s = s.zone(zone(id, r, ttf, ttr));
    }
    s.common_cause(CommonCause {
        name: "r1".into(),
        affects: vec!["r1".into()],
        time_to_failure: d(Duration::exponential(900.0)),
        time_to_repair: d(Duration::exponential(8.0)),
        zone_recovery: None,
    })
    .common_cause(CommonCause {
        name: "pair".into(),
        affects: vec!["b".into(), "d".into()],
        time_to_failure: d(Duration::exponential(1500.0)),
        time_to_repair: d(Duration::lognormal(3.0, 0.8)),
        zone_recovery: None,
    })
    .deployment(Deployment::new("1of1", &["a"], Rule::AtLeast(1)))
    .deployment(Deployment::new("2of3", &["a", "b", "c"], Rule::ZonesUp(2)))
    .deployment(Deployment::new(
        "maj5",
        &["a", "a", "b", "d", "e"],
        Rule::Majority,
    ))
    .deployment(Deployment::new(
        "3of4",
        &["c", "c", "d", "e"],
        Rule::AtLeast(3),
    ))
    .deployment(Deployment::new(
        "all",
        &["a", "b", "c", "d", "e"],
        Rule::ZonesUp(5),
    ))
    .deployment(Deployment::new(
        "ap",
        &["b", "d"],
        Rule::active_passive(0.5),
    ))
}

/// Reference for a counting rule: the general, per-slot state sweep over
/// the merged events of all zones.
fn reference_counting(sim: &Simulation, sc: &mut Scratch, d: &CompiledDeployment) -> TrialOutcome {
    merge_events(&sc.raw, &sc.zone_rng, 0, &mut sc.heads, &mut sc.events);
    if sc.events.is_empty() {
        return TrialOutcome::default();
    }
    d.rule
        .sweep_events(d, &sc.events, sim.horizon, &mut sc.eval, 0, None)
}

/// The fast paths for counting rules (the "cannot fail" filter and the
/// interval sweep over a deployment's own zones) give exactly what the
/// general event sweep gives, trial by trial.
#[test]
fn counting_fast_paths_match_the_event_sweep() {
    let study = mixed_study(1);
    let sim = Simulation::new(&study).unwrap();
    let mut sc = Scratch::default();
    let mut down_trials = 0;
    for trial in 0..20_000 {
        sim.run_trial(trial, &mut sc).unwrap();
        let fast = sc.outcomes.clone();
        for (j, d) in sim.deployments.iter().enumerate() {
            if !d.rule.is_counting() {
                continue;
            }
            let slow = reference_counting(&sim, &mut sc, d);
            assert_eq!(fast[j], slow, "trial {trial}, deployment {}", d.name);
            down_trials += (slow.outages > 0) as u32;
        }
    }
    // The comparison must cover many trials with outages.
    assert!(
        down_trials > 5_000,
        "only {down_trials} trials with outages"
    );
}

/// ref-2of3 of issue 4: mean availability against the binomial value
/// P(at least 2 of 3 zones up) with a = 2190/2194, within 4 SE.
#[test]
fn two_of_three_matches_the_binomial() {
    let exp = |m| Duration::exponential(m).unwrap();
    let mut study = Study::new(Settings::new(400_000, 8760.0)).region(region("r"));
    for z in ["a", "b", "c"] {
        study = study.zone(zone(z, "r", exp(2190.0), exp(4.0)));
    }
    let study = study.deployment(Deployment::new("2of3", &["a", "b", "c"], Rule::ZonesUp(2)));
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    let a = 2190.0 / 2194.0;
    let exact = a * a * a + 3.0 * a * a * (1.0 - a);
    let s = &r.deployments[0].availability;
    let se = s.std / (r.trials as f64).sqrt();
    assert!(se > 0.0);
    assert!(
        (s.mean - exact).abs() < 4.0 * se,
        "mean {} vs exact {exact}, se {se}",
        s.mean
    );
}

/// Every rule, common causes and replica failures: the same results on
/// 1 and 3 threads, bit for bit.
#[test]
fn threads_do_not_change_results() {
    let mut study = mixed_study(30_000);
    let replica = OutageProcess::new(
        Duration::weibull(1.5, 500.0).unwrap(),
        Duration::uniform(0.5, 3.0).unwrap(),
    );
    study = study.deployment(
        Deployment::new("rep", &["a", "b", "b"], Rule::ZonesUp(2))
            .with_replica_failures(replica.clone()),
    );
    study = study.deployment(
        Deployment::new("rep-ap", &["c", "a"], Rule::active_passive(0.2))
            .with_replica_failures(replica),
    );
    let sim = Simulation::new(&study).unwrap();
    let one = sim.run(&RunOptions::new().threads(1)).unwrap();
    let three = sim.run(&RunOptions::new().threads(3)).unwrap();
    assert_eq!(one, three);
}

/// A cancel flag set during a run stops it before the next batch, on one
/// thread (batches in order: exactly one ran) and on a pool (fewer than all
/// ran); a flag never set changes nothing.
#[test]
fn cancel_stops_a_run_between_batches() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let sim = Simulation::new(&mixed_study(20 * BATCH_TRIALS)).unwrap();
    for threads in [1, 2] {
        let stop = AtomicBool::new(false);
        let ran = AtomicU64::new(0);
        let tick = |n: u64| {
            ran.fetch_add(n, Ordering::Relaxed);
            stop.store(true, Ordering::Relaxed);
        };
        let opts = RunOptions::new()
            .threads(threads)
            .progress(&tick)
            .cancel(&stop);
        assert_eq!(sim.run(&opts).unwrap_err(), RunError::Cancelled);
        let ran = ran.load(Ordering::Relaxed);
        if threads == 1 {
            assert_eq!(ran, BATCH_TRIALS);
        }
        assert!(ran < sim.trials(), "{threads} threads ran {ran} trials");
    }
    let never = AtomicBool::new(false);
    let a = sim
        .run(&RunOptions::new().threads(2).cancel(&never))
        .unwrap();
    let b = sim.run(&RunOptions::new().threads(2)).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

/// The cancel flag is also checked before each importance-sampled
/// deployment's estimate.
#[test]
fn cancel_stops_before_an_importance_estimate() {
    use std::sync::atomic::AtomicBool;
    let exp = |m| Duration::exponential(m).unwrap();
    let mut study = Study::new(Settings::new(2000, 8760.0)).region(region("r"));
    for z in ["a", "b"] {
        study = study.zone(zone(z, "r", exp(2190.0), exp(4.0)));
    }
    let study = study.deployment(
        Deployment::new("pair", ["a", "b"], Rule::AtLeast(1))
            .with_estimator(crate::study::Estimator::Importance),
    );
    let sim = Simulation::new(&study).unwrap();
    let mut result = sim.summarise(&sim.run_accumulators(&RunOptions::new()).unwrap());
    let stop = AtomicBool::new(true);
    let opts = RunOptions::new().cancel(&stop);
    assert_eq!(
        sim.estimate_rare(&mut result, &opts).unwrap_err(),
        RunError::Cancelled
    );
    assert!(result.deployments[0].importance.is_none());
    sim.estimate_rare(&mut result, &RunOptions::new()).unwrap();
    assert!(result.deployments[0].importance.is_some());
}
