"""Benchmark: a run from Python against the same run through the crate API.

    cargo build --release --manifest-path python/Cargo.toml --example crate_api
    python python/bench/bench.py [--trials 1000000] [--reps 5] [FILE]

Runs the default study (or FILE) for the given trials, alternately from
Python (``study.run()``: argument checks, the run on its own thread with the
GIL released, signal polling, the result's JSON parsed into objects) and
through the crate API (``Simulation::new(..).run(..)`` in the Rust example
``crate_api``, same profile, all cores), and prints the best time of each and
their ratio. Best-of-N, interleaved, because the machine is shared.
"""

from __future__ import annotations

import argparse
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
    ap.add_argument(
        "--crate-bin",
        default=str(HERE.parent / "target" / "release" / "examples" / "crate_api"),
    )
    a = ap.parse_args()
    study = zonesim.load(a.file) if a.file else zonesim.default_study()
    study.run(trials=10_000)  # warm the thread pool
    py, rs = [], []
    for _ in range(a.reps):
        t = time.perf_counter()
        study.run(trials=a.trials)
        py.append(time.perf_counter() - t)
        args = [a.crate_bin, str(a.trials), "1"] + ([a.file] if a.file else [])
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
        rs.append(float(out.split()[0]))
    best_py, best_rs = min(py), min(rs)
    print(f"trials: {a.trials}, repetitions: {a.reps}")
    print(f"python: best {best_py:.3f} s  (all: {', '.join(f'{x:.3f}' for x in py)})")
    print(f"crate:  best {best_rs:.3f} s  (all: {', '.join(f'{x:.3f}' for x in rs)})")
    print(f"python / crate: {best_py / best_rs:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
