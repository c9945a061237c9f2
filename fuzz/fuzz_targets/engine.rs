//! Tiny random studies decoded from the fuzz bytes (tests/reference's study
//! description, rendered as scenario TOML), a few trials on a short horizon:
//! no panic, no hang, and the invariants hold: availability in [0, 1],
//! downtime within the horizon, longest outage at most the downtime, per
//! trial and in the run summary.
#![no_main]

#[path = "../../tests/reference/model.rs"]
#[allow(dead_code)]
mod model;

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use model::{CauseSpec, DeploymentSpec, Dist, Proc, RuleSpec, StudySpec};
use zonesim::{RunOptions, Simulation};

/// A positive value from 0.1 to 1000 (raw `f64`s mostly fail the scenario's
/// checks, which the scenario target already covers; the lower bound keeps a
/// trial to a few thousand intervals, so each run takes milliseconds).
fn value(u: &mut Unstructured) -> Result<f64> {
    let x = u.int_in_range(0u16..=u16::MAX)? as f64 / u16::MAX as f64;
    let v = 10f64.powf(-1.0 + 4.0 * x);
    // Whole hours half the time, for tied instants.
    Ok(if u.arbitrary::<bool>()? {
        v.round().max(1.0)
    } else {
        v
    })
}

fn dist(u: &mut Unstructured) -> Result<Dist> {
    Ok(match u.int_in_range(0u8..=6)? {
        0 => Dist::Exponential(value(u)?),
        1 => Dist::Weibull(value(u)?.clamp(0.05, 20.0), value(u)?),
        2 => Dist::Lognormal(value(u)?, value(u)?.min(4.0)),
        3 => Dist::Gamma(value(u)?, value(u)?),
        4 => {
            let (a, b) = (value(u)?, value(u)?);
            let low = if u.arbitrary::<bool>()? {
                0.0
            } else {
                a.min(b)
            };
            Dist::Uniform(low, a.max(b) + 1e-3)
        }
        5 => Dist::Fixed(value(u)?),
        _ => {
            let n = u.int_in_range(1..=4)?;
            Dist::Empirical((0..n).map(|_| value(u)).collect::<Result<_>>()?)
        }
    })
}

fn process(u: &mut Unstructured) -> Result<Proc> {
    Ok(Proc::new(dist(u)?, dist(u)?))
}

fn study(u: &mut Unstructured) -> Result<StudySpec> {
    let horizon = 0.5 + u.int_in_range(0u16..=400)? as f64 / 4.0;
    let all_up = u.arbitrary()?;
    let regions = u.int_in_range(1..=3)?;
    let n_zones = u.int_in_range(1..=20)?;
    let zones = (0..n_zones)
        .map(|z| {
            Ok((
                if z < regions {
                    z
                } else {
                    u.choose_index(regions)?
                },
                process(u)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let causes = (0..u.int_in_range(0..=2)?)
        .map(|_| {
            Ok(CauseSpec {
                regions: vec![u.choose_index(regions)?],
                zones: vec![u.choose_index(n_zones)?],
                proc: process(u)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let deployments = (0..u.int_in_range(1..=3)?)
        .map(|d| {
            let n = u.int_in_range(1..=6)?;
            let replicas = (0..n)
                .map(|_| u.choose_index(n_zones))
                .collect::<Result<Vec<_>>>()?;
            let rule = match u.int_in_range(0u8..=3)? {
                0 => RuleSpec::AtLeast(u.int_in_range(1..=n)?),
                1 => RuleSpec::Majority,
                2 => {
                    let mut distinct = replicas.clone();
                    distinct.sort_unstable();
                    distinct.dedup();
                    RuleSpec::ZonesUp(u.int_in_range(1..=distinct.len())?)
                }
                _ => RuleSpec::ActivePassive(if u.arbitrary()? { 0.0 } else { value(u)? }),
            };
            let replica_failures = if u.arbitrary()? {
                Some(process(u)?)
            } else {
                None
            };
            Ok(DeploymentSpec {
                name: format!("d{d}"),
                replicas,
                rule,
                replica_failures,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(StudySpec {
        horizon,
        all_up,
        regions,
        zones,
        causes,
        deployments,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(spec) = study(&mut u) else { return };
    let Ok(scenario) = zonesim::scenario::Scenario::from_str(
        &spec.toml(3, 7),
        zonesim::scenario::Format::Toml,
        "fuzz",
    ) else {
        // Only a distribution whose mean overflows may be rejected.
        return;
    };
    let study = scenario.into_study();
    // A study too large to run is refused cleanly (the size checks).
    let Ok(sim) = Simulation::new(&study) else {
        return;
    };
    let h = spec.horizon;
    let mut out = Vec::new();
    for t in 0..3 {
        if sim.trial(t, &mut out).is_err() {
            return; // the interval cap: a clean error
        }
        assert_eq!(out.len(), spec.deployments.len());
        for o in &out {
            let a = 1.0 - o.downtime_hours / h;
            assert!(
                (0.0..=1.0).contains(&a),
                "availability {a}: {o:?}\n{}",
                spec.toml(3, 7)
            );
            assert!(
                o.downtime_hours <= h * (1.0 + 1e-9),
                "{o:?}\n{}",
                spec.toml(3, 7)
            );
            assert!(
                o.longest_hours <= o.downtime_hours + 1e-9 * h,
                "{o:?}\n{}",
                spec.toml(3, 7)
            );
        }
    }
    let res = sim
        .run(&RunOptions::new().threads(1))
        .expect("run after trials ran");
    for d in &res.deployments {
        assert!((0.0..=1.0).contains(&d.availability.mean), "{d:?}");
        assert!(d.downtime_minutes.mean <= 60.0 * h * (1.0 + 1e-9), "{d:?}");
    }
});
