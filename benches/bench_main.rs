//! zonesim's benchmarks: engine throughput (trials per second) on the
//! reference studies of issue 4, on 1 and 2 threads, against the draws floor;
//! the rare-event estimator (`benchmarks::rare`); and the fixed cost of a
//! shard: writing, reading, merging and finishing partials
//! (`benchmarks::shard`).
//!
//! `cargo bench --bench bench_main`; see docs/PERFORMANCE.md for the figures
//! and for `benches/ratios.py`, which turns criterion's estimates into the
//! ratios that the targets are stated in.
// Inputs may be built with `std`'s elementary functions (clippy.toml is
// for the library's figures, issue 16).
#![allow(clippy::disallowed_methods)]

use criterion::criterion_main;

mod benchmarks;

criterion_main!(
    benchmarks::studies::benches,
    benchmarks::rare::benches,
    benchmarks::shard::benches
);
