#!/usr/bin/env python3
"""Reads criterion's estimates after `cargo bench --bench bench_main` and prints
trials per second for every bench and the ratios the targets of issues 4 and
14 are stated in: engine on 1 thread / plain floor (27 exponential draws a
trial for ref-2of3, 9 a zone), engine on 1 thread / the study's own draws
floor, 2 threads / 1 thread.

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
    bench = parts[-1] if parts[0] in ("draws-floor", "plain-floor") else parts[0]
    return TRIALS[bench] / (ns * 1e-9)


def main():
    default = Path(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")
    root = sys.argv[1] if len(sys.argv) > 1 else default
    print(f"{'study':<10} {'plain /s':>12} {'floor /s':>12} {'1 thread /s':>12} {'2 threads /s':>13}"
          f" {'1t/plain':>9} {'1t/floor':>9} {'2t/1t':>6}")
    for s in TRIALS:
        plain = rate(root, "plain-floor", s)
        floor = rate(root, "draws-floor", s)
        one = rate(root, s, "threads", "1")
        two = rate(root, s, "threads", "2")
        fmt = lambda x: f"{x:,.0f}" if x else "-"
        ratio = lambda a, b, digits: f"{a / b:.{digits}f}" if a and b else "-"
        print(f"{s:<10} {fmt(plain):>12} {fmt(floor):>12} {fmt(one):>12} {fmt(two):>13}"
              f" {ratio(one, plain, 3):>9} {ratio(one, floor, 3):>9} {ratio(two, one, 2):>6}")


if __name__ == "__main__":
    main()
