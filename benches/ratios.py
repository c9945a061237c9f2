#!/usr/bin/env python3
"""Reads criterion's estimates after `cargo bench --bench bench_main` and prints
trials per second for every bench and the ratios the targets of issues 4 and
14 are stated in: engine on 1 thread / plain floor (27 exponential draws a
trial for ref-2of3, 9 a zone), engine on 1 thread / the study's own draws
floor, 2 threads / 1 thread.

After `cargo bench --bench avx512_lanes` too, it prints what AVX-512 lanes
would make of ref-2of3 (issue 14's fourth pass): each lane bench's rate, its
cost in units of the plain floor's trial, and the engine's one-thread ratio
if its sampling cost that and the rest (judging, above the own draws floor)
what it costs now.

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

    lanes(root)


LANES = ["plain", "plain-no-slow-path", "ref-2of3-sampling-scalar", "ref-2of3-sampling",
         "ref-2of3-sampling-no-slow-path"]


def lanes(root):
    """The avx512_lanes benches against ref-2of3's floors and engine."""
    plain = rate(root, "plain-floor", "ref-2of3")
    floor = rate(root, "draws-floor", "ref-2of3")
    one = rate(root, "ref-2of3", "threads", "1")
    found = {n: r for n in LANES if (r := rate_of(root, "avx512", n))}
    if not (found and plain):
        return
    print()
    judging = plain / one - plain / floor if one and floor else None
    if judging is not None:
        print(f"ref-2of3: a trial costs {plain / one:.2f} plain-floor trials: sampling (own draws floor)"
              f" {plain / floor:.2f}, judging {judging:.2f}; the goal (1t/plain >= 0.5) allows 2.00")
    print(f"{'avx512 bench':<32} {'trials/s':>12} {'/ plain':>8} {'cost':>6} {'1t/plain if sampled so':>24}")
    for n, r in found.items():
        implied = "-"
        if judging is not None and n.startswith("ref-"):
            implied = f"{1 / (plain / r + judging):.3f}"
        print(f"{n:<32} {r:>12,.0f} {r / plain:>8.3f} {plain / r:>6.2f} {implied:>24}")


def rate_of(root, group, name, trials=200_000):
    f = Path(root, group, name, "new", "estimates.json")
    if not f.exists():
        return None
    return trials / (json.loads(f.read_text())["median"]["point_estimate"] * 1e-9)


if __name__ == "__main__":
    main()
