//! Per reference study, back to back so that the ratios compare runs made
//! under the same machine load: the draws floor (`draws-floor/STUDY`: the
//! random durations a trial needs, from the same generators and samplers,
//! only summed), then whole runs (`STUDY/threads/N`: sampling, timelines,
//! every deployment's sweep, statistics and the exact merge) on 1 and 2
//! threads.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};
use zonesim::RunOptions;

use super::{compile, config, studies};

fn engine_and_floor(c: &mut Criterion) {
    for (name, study, trials) in studies() {
        let sim = compile(&study, trials);
        let mut floor = c.benchmark_group("draws-floor");
        // Iterations of ~0.1 s: flat sampling fits 10+ samples in the time.
        floor.sampling_mode(SamplingMode::Flat);
        floor.throughput(Throughput::Elements(trials));
        floor.bench_function(name, |b| b.iter(|| black_box(sim.draws_floor(0, trials))));
        floor.finish();
        let mut group = c.benchmark_group(name);
        group.sampling_mode(SamplingMode::Flat);
        group.throughput(Throughput::Elements(trials));
        for threads in [1usize, 2] {
            let opts = RunOptions::new().threads(threads);
            group.bench_with_input(BenchmarkId::new("threads", threads), &opts, |b, opts| {
                b.iter(|| black_box(sim.run_accumulators(opts).expect("runs")))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = engine_and_floor
}
