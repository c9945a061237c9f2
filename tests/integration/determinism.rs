//! Reproducibility: the same seed gives bit-identical results whatever the
//! number of threads, and every deployment sees the same sampled outages.

use std::sync::atomic::{AtomicU64, Ordering};

use zonesim::prelude::*;
use zonesim::stats::TrialOutcome;

use crate::common::*;

/// A study that exercises every path of the engine: two regions, seven
/// distributions, a region-wide and a zone-list common cause, all four rules,
/// and deployments with replica failures. 5000 trials: five batches, the last
/// one partial.
pub fn mixed_study(seed: u64, start: Start) -> Study {
    let ln = |m, s| Duration::lognormal(m, s).unwrap();
    let mut st = settings(5000, 8760.0, seed, start);
    st.sla_targets = vec![0.99, 0.999, 0.9999, 1.0];
    Study::new(st)
        .region(region("r1"))
        .region(region("r2"))
        .zone(zone("a", "r1", exp(1000.0), ln(4.0, 1.2)))
        .zone(zone(
            "b",
            "r1",
            Duration::weibull(0.7, 900.0).unwrap(),
            Duration::gamma(2.0, 3.0).unwrap(),
        ))
        .zone(zone(
            "c",
            "r1",
            Duration::uniform(500.0, 2500.0).unwrap(),
            Duration::empirical(vec![0.5, 2.0, 9.0, 30.0]).unwrap(),
        ))
        .zone(zone("d", "r2", fixed(1500.0), exp(6.0)))
        .zone(zone(
            "e",
            "r2",
            exp(2000.0),
            Duration::uniform(1.0, 8.0).unwrap(),
        ))
        .common_cause(CommonCause::new(
            "r1-wide",
            ["r1"],
            exp(5000.0),
            ln(6.0, 1.0),
        ))
        .common_cause(CommonCause::new(
            "b-d-link",
            ["b", "d"],
            Duration::weibull(1.5, 6000.0).unwrap(),
            fixed(3.0),
        ))
        .deployment(Deployment::new("single", &["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("2of3", &["a", "b", "c"], Rule::AtLeast(2)))
        .deployment(Deployment::new(
            "maj5",
            &["a", "b", "c", "d", "e"],
            Rule::Majority,
        ))
        .deployment(
            Deployment::new("zones2", &["a", "a", "d", "e"], Rule::ZonesUp(2))
                .with_replica_failures(OutageProcess::new(
                    exp(700.0),
                    Duration::fixed(0.5).unwrap(),
                )),
        )
        .deployment(Deployment::new(
            "ap",
            &["a", "d", "b"],
            Rule::active_passive(0.25),
        ))
        .deployment(
            Deployment::new("ap+replicas", &["c", "e"], Rule::active_passive(0.1))
                .with_replica_failures(OutageProcess::new(
                    Duration::weibull(1.2, 800.0).unwrap(),
                    Duration::lognormal(0.5, 0.7).unwrap(),
                )),
        )
}

fn json(study: &Study, threads: Option<usize>) -> String {
    let sim = Simulation::new(study).unwrap();
    let r = sim
        .run(&threads.map_or(RunOptions::new(), |t| RunOptions::new().threads(t)))
        .unwrap();
    serde_json::to_string(&r).unwrap()
}

/// 1, 2, 3 and 4 threads and the global pool give byte-identical JSON,
/// for both start states.
#[test]
fn bit_identical_across_thread_counts() {
    for start in [Start::SteadyState, Start::AllUp] {
        let study = mixed_study(2026, start);
        let one = json(&study, Some(1));
        for threads in [Some(2), Some(3), Some(4), None] {
            assert_eq!(
                json(&study, threads),
                one,
                "{start:?}: {threads:?} threads differ from 1 thread"
            );
        }
        // The run is not trivially identical: there is downtime to differ in.
        let r: serde_json::Value = serde_json::from_str(&one).unwrap();
        assert!(
            r["deployments"][0]["downtime_minutes"]["mean"]
                .as_f64()
                .unwrap()
                > 0.0
        );
    }
    // And the seed matters.
    assert_ne!(
        json(&mixed_study(2026, Start::SteadyState), Some(2)),
        json(&mixed_study(2027, Start::SteadyState), Some(2))
    );
}

/// `run` is `run_accumulators` then `summarise`; the progress callback sees
/// every trial once.
#[test]
fn run_equals_accumulators_and_progress_counts_trials() {
    let study = mixed_study(5, Start::SteadyState);
    let sim = Simulation::new(&study).unwrap();
    let seen = AtomicU64::new(0);
    let progress = |n: u64| {
        seen.fetch_add(n, Ordering::Relaxed);
    };
    let opts = RunOptions::new().threads(3).progress(&progress);
    let acc = sim.run_accumulators(&opts).unwrap();
    assert_eq!(seen.load(Ordering::Relaxed), 5000);
    assert_eq!(acc.trials, 5000);
    let r = sim.run(&RunOptions::default()).unwrap();
    assert_eq!(sim.summarise(&acc), r);
}

/// Per-trial outcomes are a pure function of (seed, trial): the same on a
/// second simulation, and their totals are the summary's.
#[test]
fn trials_are_reproducible_and_sum_to_the_summary() {
    let study = mixed_study(9, Start::SteadyState);
    let sim = Simulation::new(&study).unwrap();
    let again = Simulation::new(&study).unwrap();
    let all = per_trial(&sim, 5000);
    let mut buf = Vec::new();
    for i in [0u64, 17, 1023, 1024, 4999] {
        again.trial(i, &mut buf).unwrap();
        assert_eq!(buf, all[i as usize], "trial {i}");
    }
    let r = sim.run(&RunOptions::new().threads(2)).unwrap();
    for (j, d) in r.deployments.iter().enumerate() {
        let outages: u64 = all.iter().map(|o| o[j].outages as u64).sum();
        assert_eq!(d.outages.mean, outages as f64 / 5000.0, "{}", d.name);
        let none = all.iter().filter(|o| o[j].outages == 0).count();
        assert_eq!(d.outages.p_none, none as f64 / 5000.0, "{}", d.name);
        let down: f64 = all.iter().map(|o| o[j].downtime_hours).sum::<f64>() / 5000.0;
        assert_close(&d.name, d.downtime_minutes.mean, down * 60.0, 1e-9);
        let longest: f64 = all.iter().map(|o| o[j].longest_hours).sum::<f64>() / 5000.0;
        assert_close(&d.name, d.longest_outage_minutes.mean, longest * 60.0, 1e-9);
        // The paired comparison against the baseline (deployment 0).
        if j > 0 {
            let c = &r.comparison.against[j - 1];
            assert_eq!(c.name, d.name);
            let diffs: Vec<f64> = all
                .iter()
                .map(|o| (o[j].downtime_hours - o[0].downtime_hours) * 60.0)
                .collect();
            let (m, v) = mean_var(&diffs);
            assert_close(&c.name, c.downtime_minutes_diff.mean, m, 1e-9);
            let half = 1.959_963_984_540_054 * (v / 5000.0).sqrt();
            assert_close(&c.name, c.downtime_minutes_diff.ci95[0], m - half, 1e-9);
            assert_close(&c.name, c.downtime_minutes_diff.ci95[1], m + half, 1e-9);
            let less = diffs.iter().filter(|&&x| x < 0.0).count() as f64 / 5000.0;
            let more = diffs.iter().filter(|&&x| x > 0.0).count() as f64 / 5000.0;
            assert_eq!(c.p_less_downtime, less, "{}", c.name);
            assert_eq!(c.p_more_downtime, more, "{}", c.name);
            let var_of = |k: usize| {
                let x: Vec<f64> = all.iter().map(|o| o[k].downtime_hours * 60.0).collect();
                mean_var(&x).1
            };
            let reduction = (var_of(j) + var_of(0)) / v;
            assert_close(&c.name, c.variance_reduction.unwrap(), reduction, 1e-9);
        }
        for s in &d.sla {
            let meets = all
                .iter()
                .filter(|o| 1.0 - o[j].downtime_hours / 8760.0 >= s.target)
                .count();
            assert_eq!(
                s.p_meets,
                meets as f64 / 5000.0,
                "{} sla {}",
                d.name,
                s.target
            );
        }
    }
}

/// Common random numbers: every deployment is judged on the same zone
/// timelines, so adding a replica to a 1-of-n deployment can only remove
/// downtime, trial by trial, and a deployment appended to a study leaves the
/// others' results unchanged.
#[test]
fn deployments_share_outages() {
    let base = mixed_study(3, Start::SteadyState);
    let study = base
        .clone()
        .deployment(Deployment::new("1of(a,b)", &["a", "b"], Rule::AtLeast(1)))
        .deployment(Deployment::new(
            "1of(a,b,d)",
            &["a", "b", "d"],
            Rule::AtLeast(1),
        ));
    let sim = Simulation::new(&study).unwrap();
    let n = base.deployments.len();
    let mut strictly_less = 0;
    for t in per_trial(&sim, 5000) {
        let (single, two, three): (&TrialOutcome, _, _) = (&t[0], &t[n], &t[n + 1]);
        assert!(two.downtime_hours <= single.downtime_hours);
        assert!(three.downtime_hours <= two.downtime_hours);
        strictly_less += (three.downtime_hours < single.downtime_hours) as u32;
    }
    assert!(strictly_less > 100, "the check must bite: {strictly_less}");

    let r_base = Simulation::new(&base)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    assert_eq!(r.deployments[..n], r_base.deployments[..]);
    assert_eq!(r.zones, r_base.zones);
    assert_eq!(r.comparison.against[..n - 1], r_base.comparison.against[..]);
}

/// The engine's documentation promises that "adding or removing one
/// deployment leaves the others' results unchanged", replica failures
/// included. Removing the first deployment must then leave the later ones,
/// with their own replica-failure streams, exactly as they were.
#[test]
fn removing_a_deployment_leaves_the_others_unchanged() {
    let full = mixed_study(4, Start::SteadyState);
    let mut less = full.clone();
    less.deployments.remove(0);
    let r_full = Simulation::new(&full)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    let r_less = Simulation::new(&less)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    for (a, b) in r_full.deployments[1..].iter().zip(&r_less.deployments) {
        assert_eq!(
            a, b,
            "deployment {} changed when the first was removed",
            a.name
        );
    }
}
