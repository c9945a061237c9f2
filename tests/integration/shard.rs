//! Issue 11: shards of a run merge to exactly one run; every refusal of a
//! partial that does not belong; runs to a target precision.
//!
//! "Exactly" means the JSON of the merged result is byte-identical to the
//! one-process run's: every accumulator merges exactly, and shards split on
//! the engine's batch boundaries.

use zonesim::engine::{BATCH_TRIALS, CHECKPOINT_BATCHES};
use zonesim::partial::{FORMAT_VERSION, Header, MAGIC, Partial, PartialProblem};
use zonesim::prelude::*;
use zonesim::study::{Estimator, Precision};

use super::common::*;

/// Three zones in two regions, a common cause, and every kind of rule:
/// counting with replica failures, active-passive, zones_up. Not a whole
/// number of batches (the last batch is short).
fn study(start: Start, seed: u64) -> Study {
    let trials = 9 * BATCH_TRIALS + 37;
    let rf = OutageProcess::new(exp(3000.0), fixed(2.0));
    Study::new(settings(trials, 2000.0, seed, start))
        .region(region("r1"))
        .region(region("r2"))
        .zone(zone("a", "r1", exp(900.0), exp(6.0)))
        .zone(zone("b", "r1", exp(1200.0), fixed(3.0)))
        .zone(zone("c", "r2", exp(700.0), exp(9.0)))
        .common_cause(CommonCause::new("r1-event", ["r1"], exp(5000.0), exp(5.0)))
        .deployment(Deployment::new("single", ["a"], Rule::AtLeast(1)))
        .deployment(
            Deployment::new("two-of-three", ["a", "b", "c"], Rule::AtLeast(2))
                .with_replica_failures(rf),
        )
        .deployment(Deployment::new("ap", ["a", "c"], Rule::active_passive(0.5)))
        .deployment(Deployment::new("zones", ["a", "b", "c"], Rule::ZonesUp(2)))
}

fn json(r: &StudyResult) -> String {
    serde_json::to_string_pretty(r).unwrap()
}

/// Shard `i` of `n`, written to bytes and read back.
fn shard(sim: &Simulation, i: u64, n: u64) -> Partial {
    let p = Partial::run(sim, sim.shard_batches(i, n), &RunOptions::new().threads(2)).unwrap();
    Partial::from_bytes(&p.to_bytes(), &format!("part-{i}")).unwrap()
}

/// Any N from 1 to 7, merged in order, in reverse, and as a tree of merged
/// partials (written and read back at each level), gives the one-process
/// JSON byte for byte; for both start states.
#[test]
fn any_number_of_shards_in_any_order_and_grouping_gives_one_run() {
    for start in [Start::SteadyState, Start::AllUp] {
        let study = study(start, 11);
        let sim = Simulation::new(&study).unwrap();
        let one = json(&sim.run(&RunOptions::new().threads(1)).unwrap());
        for n in 1..=7 {
            let parts: Vec<Partial> = (0..n).map(|i| shard(&sim, i, n)).collect();
            let in_order = Partial::merge_all(parts.iter().cloned().zip(0..)).unwrap();
            let reversed = Partial::merge_all(parts.iter().cloned().zip(0..99).rev()).unwrap();
            // Pairs first, each pair through bytes, then the pairs.
            let pairs: Vec<Partial> = parts
                .chunks(2)
                .map(|c| {
                    let m = Partial::merge_all(c.iter().cloned().zip(0..)).unwrap();
                    Partial::from_bytes(&m.to_bytes(), "pair").unwrap()
                })
                .collect();
            let tree = Partial::merge_all(pairs.into_iter().zip(0..99).rev()).unwrap();
            for (how, m) in [
                ("in order", in_order),
                ("reversed", reversed),
                ("tree", tree),
            ] {
                assert!(m.is_complete(), "{n} shards {how}");
                let got = json(&m.finish(&sim, &RunOptions::new()).unwrap());
                assert!(
                    got == one,
                    "{start:?}: {n} shards merged {how} differ from one run"
                );
            }
        }
    }
}

/// Importance-sampled deployments shard too: their excursions split on the
/// same batch boundaries (the default study's two: three hubs, and Alibaba
/// with OVHcloud in Paris).
#[test]
fn importance_sampled_deployments_shard_exactly() {
    let mut study = zonesim::catalog::default_study();
    study.simulation.trials = 5 * BATCH_TRIALS + 100;
    let sim = Simulation::new(&study).unwrap();
    let one = json(&sim.run(&RunOptions::new()).unwrap());
    for n in [2, 4] {
        let parts: Vec<Partial> = (0..n).map(|i| shard(&sim, i, n)).collect();
        assert!(parts.iter().all(|p| p.rare_parts().len() == 2));
        let m = Partial::merge_all(parts.into_iter().zip(0..99).rev()).unwrap();
        assert_eq!(json(&m.finish(&sim, &RunOptions::new()).unwrap()), one);
    }
    let r: StudyResult = serde_json::from_str(&one).unwrap();
    assert!(
        r.deployment("three-hubs-active")
            .unwrap()
            .importance
            .is_some()
    );
}

/// The study written into a partial loads back into the same study (its
/// hash checks it), so a merge needs nothing but the partials.
#[test]
fn a_partial_carries_its_study() {
    for study in [study(Start::AllUp, 3), zonesim::catalog::default_study()] {
        let sim = Simulation::new(&study).unwrap();
        let p = Partial::run(&sim, 0..1, &RunOptions::new()).unwrap();
        assert_eq!(p.study("p").unwrap(), study);
        assert_eq!(
            p.header().study_sha256,
            zonesim::partial::study_sha256(&study)
        );
    }
}

fn problem(r: Result<Partial, zonesim::partial::PartialError>, file: &str) -> PartialProblem {
    let e = r.expect_err("refused");
    assert_eq!(e.file, file, "the error names the file: {e}");
    e.problem
}

/// Parts of different seeds, studies, estimators, trial counts or versions
/// are refused naming the file; so are overlaps.
#[test]
fn parts_of_another_run_are_refused_naming_the_file() {
    let base = study(Start::SteadyState, 5);
    let sim = Simulation::new(&base).unwrap();
    let a = shard(&sim, 0, 2);
    let other = |s: Study| shard(&Simulation::new(&s).unwrap(), 1, 2);

    let mismatch = |p: PartialProblem, what: &str| match p {
        PartialProblem::Mismatch { what: w, other, .. } => {
            assert_eq!(w, what);
            assert_eq!(other, "a.zsp");
        }
        p => panic!("{what}: {p:?}"),
    };
    mismatch(
        problem(
            a.clone()
                .merge("a.zsp", other(study(Start::SteadyState, 6)), "b.zsp"),
            "b.zsp",
        ),
        "the seed",
    );
    let mut s = base.clone();
    s.simulation.estimator = Estimator::Importance;
    s.deployments
        .retain(|d| d.name == "single" || d.name == "two-of-three");
    let mut t = base.clone();
    t.deployments
        .retain(|d| d.name == "single" || d.name == "two-of-three");
    let small = shard(&Simulation::new(&t).unwrap(), 0, 2);
    mismatch(
        problem(small.merge("a.zsp", other(s), "b.zsp"), "b.zsp"),
        "the estimator of each deployment",
    );
    let mut s = base.clone();
    s.simulation.trials += 1;
    mismatch(
        problem(a.clone().merge("a.zsp", other(s), "b.zsp"), "b.zsp"),
        "the number of trials",
    );
    let mut s = base.clone();
    s.zones[1] = zone("b", "r1", exp(1201.0), fixed(3.0));
    mismatch(
        problem(a.clone().merge("a.zsp", other(s), "b.zsp"), "b.zsp"),
        "the study (SHA-256)",
    );
    let mut s = base.clone();
    s.simulation.baseline = Some("ap".into());
    mismatch(
        problem(a.clone().merge("a.zsp", other(s), "b.zsp"), "b.zsp"),
        "the study (SHA-256)",
    );
    // The same shard twice, and overlapping shards of two splits.
    match problem(a.clone().merge("a.zsp", a.clone(), "b.zsp"), "b.zsp") {
        PartialProblem::Overlap { overlap, other } => {
            assert_eq!((overlap, other.as_str()), (0..5, "a.zsp"));
        }
        p => panic!("{p:?}"),
    }
    let third = shard(&sim, 1, 3); // batches 3..6 overlap 0..5
    assert!(matches!(
        problem(a.clone().merge("a.zsp", third, "c.zsp"), "c.zsp"),
        PartialProblem::Overlap { .. }
    ));
    // Another crate version (a forged header, checksum recomputed).
    let forged = forge(&other(base.clone()), |h| h.crate_version = "0.0.9".into());
    let forged = Partial::from_bytes(&forged, "f.zsp").unwrap();
    mismatch(
        problem(a.clone().merge("a.zsp", forged, "f.zsp"), "f.zsp"),
        "the zonesim version",
    );
}

/// Re-encodes a partial with a changed header, a correct checksum.
fn forge(p: &Partial, change: impl FnOnce(&mut Header)) -> Vec<u8> {
    let bytes = p.to_bytes();
    let body = &bytes[20..bytes.len() - 4];
    let (mut h, acc, rare): (
        Header,
        zonesim::engine::Accumulators,
        Vec<zonesim::engine::RarePart>,
    ) = postcard::from_bytes(body).unwrap();
    change(&mut h);
    frame(
        FORMAT_VERSION,
        &postcard::to_stdvec(&(&h, &acc, &rare)).unwrap(),
    )
}

fn frame(version: u32, body: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Truncated, damaged, foreign, future-version and inconsistent files are
/// refused with what is wrong, never a panic.
#[test]
fn damaged_files_are_refused() {
    let sim = Simulation::new(&study(Start::SteadyState, 5)).unwrap();
    let p = shard(&sim, 1, 3);
    let bytes = p.to_bytes();
    let read = |b: &[u8]| problem(Partial::from_bytes(b, "x.zsp"), "x.zsp");

    assert_eq!(read(b"not a partial at all"), PartialProblem::NotPartial);
    assert_eq!(read(b""), PartialProblem::NotPartial);
    for cut in [bytes.len() - 1, bytes.len() / 2, 21, 8] {
        assert!(
            matches!(read(&bytes[..cut]), PartialProblem::Truncated { .. }),
            "cut at {cut}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(read(&longer), PartialProblem::Truncated { .. }));
    // Every single-byte change after the magic is caught (version, length,
    // checksum or content).
    for at in (8..bytes.len()).step_by(97).chain([bytes.len() - 1]) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        let pr = read(&bad);
        assert!(
            matches!(
                pr,
                PartialProblem::Corrupted { .. }
                    | PartialProblem::Truncated { .. }
                    | PartialProblem::Version { .. }
            ),
            "byte {at}: {pr:?}"
        );
    }
    // A future version, framed correctly.
    let body = &bytes[20..bytes.len() - 4];
    assert_eq!(read(&frame(2, body)), PartialProblem::Version { found: 2 });
    // Valid framing around a body that does not decode, or does not add up.
    assert!(matches!(
        read(&frame(FORMAT_VERSION, &body[..body.len() / 2])),
        PartialProblem::Invalid(_)
    ));
    let lie = forge(&p, |h| h.ranges = std::iter::once(0..1).collect());
    assert!(matches!(read(&lie), PartialProblem::Invalid(m) if m.contains("trials recorded")));
    let lie = forge(&p, |h| h.ranges = [4..6, 1..4].to_vec());
    assert!(matches!(read(&lie), PartialProblem::Invalid(_)));
    let lie = forge(&p, |h| h.batches = 99);
    assert!(matches!(read(&lie), PartialProblem::Invalid(_)));
}

/// A merge that misses batches says which; finishing it is refused.
#[test]
fn missing_batches_are_named() {
    let sim = Simulation::new(&study(Start::SteadyState, 5)).unwrap();
    let parts = [shard(&sim, 0, 4), shard(&sim, 3, 4)];
    let m = Partial::merge_all(parts.into_iter().zip(0..)).unwrap();
    assert_eq!(m.missing(), vec![2..7]);
    let e = m.finish(&sim, &RunOptions::new()).unwrap_err();
    assert!(
        e.to_string().contains("batches 2..7 are missing (of 10)"),
        "{e}"
    );
    // And a finish with another study's simulation is refused.
    let all = Partial::merge_all((0..2).map(|i| (shard(&sim, i, 2), i))).unwrap();
    let other = Simulation::new(&study(Start::SteadyState, 6)).unwrap();
    assert!(all.finish(&other, &RunOptions::new()).is_err());
}

/// A run to a target precision is refused as a shard.
#[test]
fn a_run_to_a_precision_does_not_shard() {
    let mut s = study(Start::SteadyState, 5);
    s.simulation.precision = Some(Precision::new(0.1));
    let sim = Simulation::new(&s).unwrap();
    let e = Partial::run(&sim, 0..1, &RunOptions::new()).unwrap_err();
    assert!(e.to_string().contains("target precision"), "{e}");
}

/// `--precision`: identical on 1 and 2 threads; stops at the first
/// checkpoint where every deployment's 95% half-width is within the
/// target (so the checkpoint before did not meet it); the result is
/// exactly that of a run of as many trials; with both estimators.
#[test]
fn a_run_to_a_precision_stops_at_the_first_checkpoint_that_meets_it() {
    let checkpoint = CHECKPOINT_BATCHES * BATCH_TRIALS;
    let mut crude = study(Start::SteadyState, 8);
    crude.simulation.trials = 40 * checkpoint;
    let mut is = zonesim::catalog::default_study();
    is.simulation.trials = 20 * checkpoint;
    for (base, goal) in [(crude, 0.03), (is, 0.2)] {
        let mut s = base.clone();
        s.simulation.precision = Some(Precision::new(goal));
        let sim = Simulation::new(&s).unwrap();
        let r1 = sim.run(&RunOptions::new().threads(1)).unwrap();
        let r2 = sim.run(&RunOptions::new().threads(2)).unwrap();
        assert_eq!(json(&r1), json(&r2));
        let p = r1.precision.clone().unwrap();
        assert!(p.met, "{p:?}");
        assert!(p.trials < base.simulation.trials && p.trials.is_multiple_of(checkpoint));
        assert_eq!(
            (p.trials, p.checkpoints),
            (r1.trials, p.trials / checkpoint)
        );
        // The same as a fixed run of that many trials, whose every
        // deployment is within the target...
        let fixed_at = |n: u64| {
            let mut f = base.clone();
            f.simulation.trials = n;
            Simulation::new(&f)
                .unwrap()
                .run(&RunOptions::new())
                .unwrap()
        };
        let within = |r: &StudyResult| {
            r.deployments.iter().all(|d| {
                d.unavailability
                    .relative_error
                    .is_some_and(|e| 1.959963984540054 * e <= goal)
            })
        };
        let at = fixed_at(p.trials);
        let mut without = r1.clone();
        without.precision = None;
        assert_eq!(json(&without), json(&at));
        assert!(within(&at));
        // ...and one checkpoint earlier, some deployment was not.
        assert!(p.trials == checkpoint || !within(&fixed_at(p.trials - checkpoint)));
    }
}

/// A target that cannot be met runs `max_trials` and says so.
#[test]
fn an_unmet_precision_runs_max_trials() {
    let mut s = study(Start::SteadyState, 8);
    s.simulation.precision = Some(Precision::new(0.001).with_max_trials(3 * BATCH_TRIALS + 5));
    let sim = Simulation::new(&s).unwrap();
    let r = sim.run(&RunOptions::new()).unwrap();
    let p = r.precision.unwrap();
    assert!(!p.met);
    assert_eq!(
        (p.trials, r.trials, p.max_trials),
        (
            3 * BATCH_TRIALS + 5,
            3 * BATCH_TRIALS + 5,
            3 * BATCH_TRIALS + 5
        )
    );
    assert!(p.deployments.iter().all(|d| !d.met));
    // Invalid targets are problems of the study.
    for bad in [0.0, 1.0, -0.1, f64::NAN] {
        let mut s = study(Start::SteadyState, 8);
        s.simulation.precision = Some(Precision::new(bad));
        let e = s.validate().unwrap_err();
        assert!(e.to_string().contains("relative_half_width"), "{e}");
    }
}

/// The per-trial observer sees every trial once, in order, on any number
/// of threads, with the outcomes `Simulation::trial` gives; its means are
/// the result's.
#[test]
fn the_observer_sees_every_trial_in_order() {
    let s = study(Start::SteadyState, 9);
    let sim = Simulation::new(&s).unwrap();
    let mut seen: Vec<Vec<Vec<zonesim::stats::TrialOutcome>>> = Vec::new();
    for threads in [1, 2, 3] {
        let mut rows = Vec::new();
        let mut obs =
            |t: u64, o: &[zonesim::stats::TrialOutcome], _: &[zonesim::rare::Excursion]| {
                assert_eq!(t, rows.len() as u64);
                rows.push(o.to_vec());
                true
            };
        let (_, r) = sim
            .run_detailed(&RunOptions::new().threads(threads), Some(&mut obs))
            .unwrap();
        assert_eq!(json(&r), json(&sim.run(&RunOptions::new()).unwrap()));
        assert_eq!(rows.len() as u64, s.simulation.trials);
        let n = rows.len() as f64;
        for (j, d) in r.deployments.iter().enumerate() {
            let outages: u64 = rows.iter().map(|t| t[j].outages as u64).sum();
            assert_eq!(outages as f64 / n, d.outages.mean);
            let mut down = zonesim::stats::ExactSum::new();
            for t in &rows {
                down.add(t[j].downtime_hours);
            }
            assert_eq!(down.value() / n * 60.0, d.downtime_minutes.mean);
        }
        seen.push(rows);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(seen[0][..50], per_trial(&sim, 50)[..]);
}

/// More shards than batches: the extra shards are empty, still merge, and
/// the result is still one run's; one complete partial finishes alone.
#[test]
fn more_shards_than_batches() {
    let mut s = study(Start::AllUp, 12);
    s.simulation.trials = 2 * BATCH_TRIALS + 1; // 3 batches
    let sim = Simulation::new(&s).unwrap();
    let one = json(&sim.run(&RunOptions::new()).unwrap());
    let parts: Vec<Partial> = (0..5).map(|i| shard(&sim, i, 5)).collect();
    let empty = parts
        .iter()
        .filter(|p| p.accumulators().trials == 0)
        .count();
    assert_eq!(empty, 2);
    let m = Partial::merge_all(parts.into_iter().zip(0..99).rev()).unwrap();
    assert_eq!(json(&m.finish(&sim, &RunOptions::new()).unwrap()), one);
    let whole = shard(&sim, 0, 1);
    assert_eq!(json(&whole.finish(&sim, &RunOptions::new()).unwrap()), one);
}

/// With importance-sampled deployments the observer also gets, for trial
/// `i`, excursion `i` of each one's estimate (study order), on any number of
/// threads; the estimate is exactly `R × ΣL·D / n` over them, and the run's
/// result is the plain run's (to a target precision too).
#[test]
fn the_observer_gets_the_weighted_excursions() {
    let mut study = zonesim::catalog::default_study();
    study.simulation.trials = 2 * CHECKPOINT_BATCHES * BATCH_TRIALS + 300;
    for precision in [None, Some(Precision::new(0.2))] {
        study.simulation.precision = precision;
        let sim = Simulation::new(&study).unwrap();
        let names: Vec<String> = sim.rare_deployments().map(String::from).collect();
        assert_eq!(names.len(), 2);
        let plain = json(&sim.run(&RunOptions::new()).unwrap());
        let mut seen = Vec::new();
        for threads in [1, 2] {
            let mut rows: Vec<Vec<zonesim::rare::Excursion>> = Vec::new();
            let mut obs =
                |t: u64, _: &[zonesim::stats::TrialOutcome], e: &[zonesim::rare::Excursion]| {
                    assert_eq!(t, rows.len() as u64);
                    rows.push(e.to_vec());
                    true
                };
            let (_, r) = sim
                .run_detailed(&RunOptions::new().threads(threads), Some(&mut obs))
                .unwrap();
            assert_eq!(json(&r), plain);
            assert_eq!(rows.len() as u64, r.trials);
            for (k, name) in names.iter().enumerate() {
                let est = r.deployment(name).unwrap().importance.as_ref().unwrap();
                let mut w = zonesim::stats::ExactSum::new();
                let mut l = zonesim::stats::ExactSum::new();
                for row in &rows {
                    w.add(row[k].likelihood_ratio * row[k].downtime_hours);
                    l.add(row[k].likelihood_ratio);
                }
                let n = rows.len() as f64;
                let rate = est.diagnostics.excursion_rate_per_hour;
                assert_eq!(rate * (w.value() / n), est.unavailability.mean, "{name}");
                assert_eq!(l.value() / n, est.diagnostics.mean_likelihood_ratio.mean);
                assert!(est.unavailability.mean > 0.0);
            }
            seen.push(rows);
        }
        assert_eq!(seen[0], seen[1]);
    }
}
