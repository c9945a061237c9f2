//! Property tests of the engine on the same sampled timelines (issue #9).
//!
//! proptest draws a seed; the seeded study generator of tests/reference
//! turns it into a small random study (every family, rule and start, ties,
//! more than 16 zones sometimes), rendered as scenario TOML. Then, with the
//! same study and seed, trial by trial (`Simulation::trial`):
//! - adding a replica never lowers `at_least(1)` availability;
//! - `at_least(k)` availability is non-increasing in k;
//! - availability is within [0, 1], downtime within the horizon, the longest
//!   outage at most the downtime, and downtime > 0 only with an outage;
//! - removing a deployment leaves the others' outcomes unchanged;
//! - run summaries are the same bytes (serde JSON) for 1 to 4 threads, i.e.
//!   whatever grouping the exact accumulators were merged in.
//!
//! Replica failures are dropped where a property compares deployments with
//! different names: their streams are keyed by the deployment's name.
// The shared reference model may use `std`'s elementary functions; the
// library's figures use `libm`'s (clippy.toml, issue 16).
#![allow(clippy::disallowed_methods)]

#[path = "../reference/generate.rs"]
mod generate;
#[path = "../reference/model.rs"]
#[allow(dead_code)]
mod model;

use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256StarStar;
use zonesim::stats::TrialOutcome;
use zonesim::{RunOptions, Simulation};

use model::{DeploymentSpec, RuleSpec, StudySpec, engine_study};

/// Trials per case.
const TRIALS: u64 = 200;

fn spec(seed: u64) -> StudySpec {
    generate::study(&mut Xoshiro256StarStar::seed_from_u64(seed))
}

fn sim(spec: &StudySpec, trials: u64, seed: u64) -> Simulation {
    Simulation::new(&engine_study(&spec.toml(trials, seed), "property")).unwrap()
}

/// `out[trial][deployment]` for trials `0..n`.
fn per_trial(sim: &Simulation, n: u64) -> Vec<Vec<TrialOutcome>> {
    let mut buf = Vec::new();
    (0..n)
        .map(|i| {
            sim.trial(i, &mut buf).unwrap();
            buf.clone()
        })
        .collect()
}

fn dep(name: String, replicas: Vec<usize>, rule: RuleSpec) -> DeploymentSpec {
    DeploymentSpec {
        name,
        replicas,
        rule,
        replica_failures: None,
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn adding_a_replica_never_lowers_at_least_one(seed: u64, extra: usize) {
        let mut s = spec(seed);
        let replicas = s.deployments[0].replicas.clone();
        let mut more = replicas.clone();
        more.push(extra % s.zones.len());
        s.deployments = vec![
            dep("base".into(), replicas, RuleSpec::AtLeast(1)),
            dep("plus".into(), more, RuleSpec::AtLeast(1)),
        ];
        for (t, o) in per_trial(&sim(&s, TRIALS, seed), TRIALS).iter().enumerate() {
            prop_assert!(o[1].downtime_hours <= o[0].downtime_hours + 1e-9,
                "trial {t}: {:?} with the extra replica, {:?} without", o[1], o[0]);
        }
    }

    #[test]
    fn at_least_k_is_monotone_in_k(seed: u64) {
        let mut s = spec(seed);
        let replicas = s.deployments[0].replicas.clone();
        s.deployments = (1..=replicas.len())
            .map(|k| dep(format!("k{k}"), replicas.clone(), RuleSpec::AtLeast(k)))
            .collect();
        for (t, o) in per_trial(&sim(&s, TRIALS, seed), TRIALS).iter().enumerate() {
            for k in 1..o.len() {
                prop_assert!(o[k - 1].downtime_hours <= o[k].downtime_hours + 1e-9,
                    "trial {t}: at_least({k}) {:?}, at_least({}) {:?}", o[k - 1], k + 1, o[k]);
            }
        }
    }

    #[test]
    fn outcomes_are_within_bounds(seed: u64) {
        let s = spec(seed);
        let h = s.horizon;
        for (t, o) in per_trial(&sim(&s, TRIALS, seed), TRIALS).iter().enumerate() {
            for (d, o) in o.iter().enumerate() {
                let a = 1.0 - o.downtime_hours / h;
                prop_assert!((0.0..=1.0).contains(&a), "trial {t} d{d}: availability {a}");
                prop_assert!(o.downtime_hours >= 0.0 && o.downtime_hours <= h + 1e-9 * h,
                    "trial {t} d{d}: downtime {} of {h}", o.downtime_hours);
                prop_assert!(o.longest_hours <= o.downtime_hours + 1e-9 * h,
                    "trial {t} d{d}: {o:?}");
                prop_assert!(o.longest_hours >= 0.0, "trial {t} d{d}: {o:?}");
                prop_assert_eq!(o.outages == 0, o.downtime_hours == 0.0, "trial {} d{}: {:?}", t, d, o);
            }
        }
    }

    #[test]
    fn removing_a_deployment_leaves_the_others_unchanged(seed: u64, which: usize) {
        let mut s = spec(seed);
        // At least two deployments, so one is left.
        let first = s.deployments[0].clone();
        s.deployments.push(DeploymentSpec { name: "extra".into(), rule: RuleSpec::Majority, ..first });
        let gone = which % s.deployments.len();
        let mut fewer = s.clone();
        fewer.deployments.remove(gone);
        let all = per_trial(&sim(&s, TRIALS, seed), TRIALS);
        let rest = per_trial(&sim(&fewer, TRIALS, seed), TRIALS);
        for (t, (a, r)) in all.iter().zip(&rest).enumerate() {
            let mut a = a.clone();
            a.remove(gone);
            prop_assert_eq!(&a, r, "trial {}", t);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..config() })]

    #[test]
    fn any_thread_count_gives_the_same_bytes(seed: u64) {
        // 5 batches of the engine's 1024 trials: 1-4 threads merge them in
        // different groupings.
        let s = spec(seed);
        let sim = sim(&s, 4500, seed);
        let json = |threads| {
            let acc = sim.run_accumulators(&RunOptions::new().threads(threads)).unwrap();
            serde_json::to_string(&sim.summarise(&acc)).unwrap()
        };
        let one = json(1);
        for t in 2..=4 {
            prop_assert!(json(t) == one, "{} threads differ from 1", t);
        }
    }
}
