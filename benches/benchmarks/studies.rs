//! Per reference study, back to back so that the ratios compare runs made
//! under the same machine load: the plain floor of issue 14
//! (`plain-floor/STUDY`: 9 exponential draws a zone and trial, 27 for
//! ref-2of3, from a Xoshiro256++ seeded per trial, summed: about the draws a
//! trial of the study needs, with no sampler around them), the study's own
//! draws floor (`draws-floor/STUDY`: the random durations a trial needs, from
//! the same generators and samplers, only summed), then whole runs
//! (`STUDY/threads/N`: sampling, timelines, every deployment's sweep,
//! statistics and the exact merge) on 1 and 2 threads.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use zonesim::RunOptions;

use super::{compile, config, studies};

fn engine_and_floor(c: &mut Criterion) {
    for (name, study, trials) in studies() {
        let sim = compile(&study, trials);
        if name.starts_with("ref-") {
            let draws = 9 * study.zones.len();
            let mut plain = c.benchmark_group("plain-floor");
            plain.sampling_mode(SamplingMode::Flat);
            plain.throughput(Throughput::Elements(trials));
            plain.bench_function(name, |b| b.iter(|| black_box(plain_floor(trials, draws))));
            plain.finish();
        }
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

/// `draws` exponential draws for each of `trials` trials, each trial from a
/// Xoshiro256++ of its own (seeded as the engine seeds one), summed.
fn plain_floor(trials: u64, draws: usize) -> f64 {
    let mut sum = 0.0;
    for t in 0..trials {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(black_box(t));
        for _ in 0..draws {
            let e: f64 = Exp1.sample(&mut rng);
            sum += e;
        }
    }
    sum
}

criterion_group! {
    name = benches;
    config = config();
    targets = engine_and_floor
}
