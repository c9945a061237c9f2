//! Bench modules and what they share: the reference studies and the config.

pub mod rare;
pub mod shard;
pub mod studies;

use std::time::Duration;

use criterion::Criterion;
use zonesim::{Simulation, Study};

/// Short runs: the figures are stable to a few percent at this length.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
}

/// A reference study kept under `benches/` as a scenario file.
pub fn reference(name: &str) -> Study {
    let text = match name {
        "ref-2of3" => include_str!("../ref-2of3.toml"),
        "ref-4of7" => include_str!("../ref-4of7.toml"),
        _ => panic!("no reference study {name}"),
    };
    zonesim::scenario::Scenario::from_str(text, zonesim::scenario::Format::Toml, name)
        .expect("reference study parses")
        .into_study()
}

/// The studies benched, each with the trials one timed iteration runs:
/// enough (about 0.1 s of work) that a run's fixed costs (thread pool,
/// accumulators, the final merge: about 1 ms) stay small, as in the runs of
/// millions of trials that matter.
pub fn studies() -> Vec<(&'static str, Study, u64)> {
    vec![
        ("ref-2of3", reference("ref-2of3"), 200_000),
        ("ref-4of7", reference("ref-4of7"), 100_000),
        ("eu-hubs", zonesim::catalog::default_study(), 100_000),
    ]
}

/// The compiled study with `trials` trials.
pub fn compile(study: &Study, trials: u64) -> Simulation {
    Simulation::new(study)
        .and_then(|s| s.with_trials(study, trials))
        .expect("reference study compiles")
}
