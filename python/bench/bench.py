"""Benchmark: a run from Python against the same run through the crate API.

    cargo build --release --manifest-path python/Cargo.toml --example crate_api
    python python/bench/bench.py [--trials 1000000] [--reps 5] [--threads N] [FILE]

Runs the default study (or FILE) for the given trials, alternately from
Python (``study.run()``: argument checks, the run on its own thread with the
GIL released, signal polling, the result's JSON parsed into objects) and
through the crate API (``Simulation::new(..).run(..)`` in the Rust example
``crate_api``, same release profile), and prints for each the best wall time
and the median and best CPU time of the whole process (every thread), and their
ratios. CPU time is the steadier figure on a shared machine; runs are
interleaved so that both sides see the same load.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import zonesim

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?")
    ap.add_argument("--trials", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0, help="0: every core")
    ap.add_argument(
        "--crate-bin",
        default=str(HERE.parent / "target" / "release" / "examples" / "crate_api"),
    )
    a = ap.parse_args()
    study = zonesim.load(a.file) if a.file else zonesim.default_study()
    threads = a.threads or None
    study.run(trials=10_000, threads=threads)  # warm the thread pool
    py_wall, py_cpu, rs_wall, rs_cpu = [], [], [], []
    for _ in range(a.reps):
        t, c = time.perf_counter(), time.process_time()
        study.run(trials=a.trials, threads=threads)
        py_wall.append(time.perf_counter() - t)
        py_cpu.append(time.process_time() - c)
        args = [a.crate_bin, str(a.trials), "1", str(a.threads)] + ([a.file] if a.file else [])
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout.split()
        rs_wall.append(float(out[0]))
        rs_cpu.append(float(out[1]))

    def show(xs: list) -> str:
        return ", ".join(f"{x:.3f}" for x in xs)

    print(f"trials: {a.trials}, repetitions: {a.reps}, threads: {a.threads or 'all'}")
    print(f"python wall: best {min(py_wall):.3f} s ({show(py_wall)})")
    print(f"crate  wall: best {min(rs_wall):.3f} s ({show(rs_wall)})")
    print(f"python cpu:  median {statistics.median(py_cpu):.3f} s ({show(py_cpu)})")
    print(f"crate  cpu:  median {statistics.median(rs_cpu):.3f} s ({show(rs_cpu)})")
    print(f"python / crate, best wall:  {min(py_wall) / min(rs_wall):.3f}")
    print(f"python / crate, median cpu: {statistics.median(py_cpu) / statistics.median(rs_cpu):.3f}")
    print(f"python / crate, best cpu:   {min(py_cpu) / min(rs_cpu):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
