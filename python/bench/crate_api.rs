//! The crate-API side of the Python benchmark (bench/bench.py): runs the
//! default study (or a scenario file) for N trials through
//! `Simulation::new(..).run(..)`, as the Python package does, and prints
//! each repetition's wall time in seconds, one a line.
//!
//! `cargo run --release --example crate_api -- TRIALS REPS [FILE]`

use std::time::Instant;

use zonesim::{RunOptions, Simulation};

fn main() {
    let mut args = std::env::args().skip(1);
    let trials: u64 = args.next().map_or(1_000_000, |a| a.parse().expect("TRIALS"));
    let reps: usize = args.next().map_or(3, |a| a.parse().expect("REPS"));
    let mut study = match args.next() {
        Some(path) => zonesim::scenario::Scenario::from_path(&path)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_study(),
        None => zonesim::catalog::default_study(),
    };
    // Warm the thread pool, as the Python side does.
    study.simulation.trials = 10_000;
    Simulation::new(&study)
        .and_then(|sim| Ok(sim.run(&RunOptions::new())?))
        .unwrap_or_else(|e| panic!("{e}"));
    study.simulation.trials = trials;
    for _ in 0..reps {
        let t = Instant::now();
        let result = Simulation::new(&study)
            .and_then(|sim| Ok(sim.run(&RunOptions::new())?))
            .unwrap_or_else(|e| panic!("{e}"));
        let secs = t.elapsed().as_secs_f64();
        std::hint::black_box(&result);
        println!("{secs:.6}");
    }
}
