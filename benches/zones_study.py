#!/usr/bin/env python3
"""Writes a scenario file of N independent zones like ref-2of3's (time to
failure exponential mean 2190 h, repair exponential mean 4 h, one-year
horizon, steady-state start) with one counting deployment over all of them,
for measuring the per-zone cost of the sweep at any zone count.

Usage: python3 benches/zones_study.py N [RULE] > zones-N.toml
RULE: "majority" (default), "all" (zones_up = N: any zone outage counts) or
"tolerant" (zones_up = N - 2)."""
import sys


def main():
    n = int(sys.argv[1])
    rule = sys.argv[2] if len(sys.argv) > 2 else "majority"
    rules = {"majority": '"majority"', "all": f"{{ zones_up = {n} }}",
             "tolerant": f"{{ zones_up = {max(n - 2, 1)} }}"}
    print(f"# {n} zones as in ref-2of3, one deployment: {rule} (benches/zones_study.py)")
    print("[simulation]\ntrials = 100000\nhorizon_hours = 8760\nseed = 2026\n"
          'start = "steady_state"\n')
    print('[[region]]\nid = "ref"\nname = "Reference region"\nprovider = "reference"\n'
          'country = "FR"\n')
    ids = [f"z{i}" for i in range(n)]
    for z in ids:
        print(f'[[zone]]\nid = "{z}"\nregion = "ref"\n'
              'time_to_failure = { dist = "exponential", mean = 2190.0 }\n'
              'time_to_repair = { dist = "exponential", mean = 4.0 }\n')
    replicas = ", ".join(f'"{z}"' for z in ids)
    print(f'[[deployment]]\nname = "{rule}-of-{n}"\nreplicas = [{replicas}]\nrule = {rules[rule]}')


if __name__ == "__main__":
    main()
