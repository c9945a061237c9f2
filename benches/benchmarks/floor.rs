//! The draws floor: the random durations a trial needs, drawn from the same
//! generators and samplers and only summed. The engine's overhead is its cost
//! above this.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};

use super::{compile, config, studies};

fn draws_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("draws-floor");
    for (name, study, trials) in studies() {
        let sim = compile(&study, trials);
        group.throughput(Throughput::Elements(trials));
        group.bench_function(name, |b| b.iter(|| black_box(sim.draws_floor(0, trials))));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = draws_floor
}
