#!/usr/bin/env python3
"""Reads criterion's estimates after `cargo bench --bench bench_main` and prints
trials per second for every bench and the ratios the targets of issue 4 are
stated in (engine / draws floor on 1 thread; 2 threads / 1 thread).

Usage: python3 benches/ratios.py [CRITERION_DIR]
(default: $CARGO_TARGET_DIR/criterion, else target/criterion)."""
import json
import os
import sys
from pathlib import Path

TRIALS = {"ref-2of3": 200_000, "ref-4of7": 100_000, "eu-hubs": 100_000}  # as in benchmarks/mod.rs


def rate(root, *parts):
    f = Path(root, *parts, "new", "estimates.json")
    if not f.exists():
        return None
    ns = json.loads(f.read_text())["median"]["point_estimate"]
    bench = parts[-1] if parts[0] == "draws-floor" else parts[0]
    return TRIALS[bench] / (ns * 1e-9)


def main():
    default = Path(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")
    root = sys.argv[1] if len(sys.argv) > 1 else default
    print(f"{'study':<10} {'floor /s':>12} {'1 thread /s':>12} {'2 threads /s':>13}"
          f" {'1t/floor':>9} {'2t/1t':>6}")
    for s in TRIALS:
        floor = rate(root, "draws-floor", s)
        one = rate(root, s, "threads", "1")
        two = rate(root, s, "threads", "2")
        fmt = lambda x: f"{x:,.0f}" if x else "-"
        r1 = f"{one / floor:.3f}" if one and floor else "-"
        r2 = f"{two / one:.2f}" if one and two else "-"
        print(f"{s:<10} {fmt(floor):>12} {fmt(one):>12} {fmt(two):>13} {r1:>9} {r2:>6}")


if __name__ == "__main__":
    main()
