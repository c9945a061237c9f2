//! Issue 11: the cost of sharding, apart from the trials themselves:
//! writing a partial (serialise + checksum), reading it back (checks
//! included), merging two and finishing a merged partial into the result.
//! Each is a fixed cost per shard, independent of the number of trials;
//! docs/PERFORMANCE.md compares it with a run of 10^7 trials.

use criterion::{Criterion, criterion_group};
use zonesim::RunOptions;
use zonesim::partial::Partial;

use super::{compile, config};

fn shard_overhead(c: &mut Criterion) {
    let study = zonesim::catalog::default_study();
    let sim = compile(&study, 16 * 1024);
    let opts = RunOptions::new().threads(1);
    let a = Partial::run(&sim, sim.shard_batches(0, 2), &opts).expect("runs");
    let b = Partial::run(&sim, sim.shard_batches(1, 2), &opts).expect("runs");
    let bytes = a.to_bytes();
    let mut g = c.benchmark_group("shard/eu-hubs");
    g.bench_function("write", |bch| bch.iter(|| a.to_bytes()));
    g.bench_function("read", |bch| {
        bch.iter(|| Partial::from_bytes(&bytes, "a").expect("reads"))
    });
    g.bench_function("merge", |bch| {
        bch.iter(|| a.clone().merge("a", b.clone(), "b").expect("merges"))
    });
    let whole = a.clone().merge("a", b.clone(), "b").expect("merges");
    g.bench_function("finish", |bch| {
        bch.iter(|| whole.finish(&sim, &opts).expect("finishes"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = shard_overhead
}
