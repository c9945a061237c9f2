//! The crate-API side of the Python benchmark (bench/bench.py): runs the
//! default study (or a scenario file) for N trials through
//! `Simulation::new(..).run(..)`, as the Python package does, and prints
//! each repetition's wall time and the process's CPU time in seconds.
//!
//! `cargo run --release --example crate_api -- TRIALS REPS THREADS [FILE]`
//! (THREADS 0: every core).

use std::time::Instant;

use zonesim::{RunOptions, Simulation};

/// CPU time (user + system) of the whole process, every thread, in seconds.
fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let trials: u64 = args
        .next()
        .map_or(1_000_000, |a| a.parse().expect("TRIALS"));
    let reps: usize = args.next().map_or(3, |a| a.parse().expect("REPS"));
    let threads: usize = args.next().map_or(0, |a| a.parse().expect("THREADS"));
    let mut study = match args.next() {
        Some(path) => zonesim::scenario::Scenario::from_path(&path)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_study(),
        None => zonesim::catalog::default_study(),
    };
    let opts = if threads == 0 {
        RunOptions::new()
    } else {
        RunOptions::new().threads(threads)
    };
    // Warm the thread pool, as the Python side does.
    study.simulation.trials = 10_000;
    Simulation::new(&study)
        .and_then(|sim| Ok(sim.run(&opts)?))
        .unwrap_or_else(|e| panic!("{e}"));
    study.simulation.trials = trials;
    for _ in 0..reps {
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let result = Simulation::new(&study)
            .and_then(|sim| Ok(sim.run(&opts)?))
            .unwrap_or_else(|e| panic!("{e}"));
        let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        std::hint::black_box(&result);
        println!("{secs:.6} {cpu:.6}");
    }
}
