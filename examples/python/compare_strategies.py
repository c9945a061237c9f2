"""Notebook-style: compare the default study's strategies from Python and
draw the yearly downtime CCDF.

    pip install ./python 'matplotlib>=3.5' pandas   # matplotlib and pandas are optional
    python examples/python/compare_strategies.py [--trials N] [--plot downtime.png]

Each cell checks what it shows (as the crate's examples do), so this script
also runs in CI-like checks; without matplotlib it skips the picture, without
pandas it prints the table by hand.
"""

# %% Load and run: every deployment is judged on the same sampled years.
import argparse
import math

import numpy as np

import zonesim

ap = argparse.ArgumentParser()
ap.add_argument("--trials", type=int, default=50_000)
ap.add_argument("--plot", default=None, help="write the CCDF picture here (needs matplotlib)")
args = ap.parse_args()

study = zonesim.default_study()
result = study.run(trials=args.trials, seed=2026)
print(f"{result.trials} simulated years, seed {result.seed}\n")

# %% One row per deployment.
try:
    frame = result.to_pandas()
    cols = ["availability_mean", "downtime_minutes_mean", "downtime_minutes_p99", "outages_mean",
            "sla_0.9999_p_meets"]
    print(frame[cols].to_string(float_format=lambda x: f"{x:.6g}"))
except ImportError:
    for d in result.deployments:
        print(f"{d.name:30} {d.availability.mean:.7f} {d.downtime_minutes.mean:8.1f} min/yr")
print()

# %% The paired comparison: both Paris zones never do worse than one.
single = result.deployment("single-zone")
both = result.deployment("paris-both-zones")
diff = next(a for a in result.comparison.against if a.name == "paris-both-zones")
print(f"both Paris zones vs one: {diff.downtime_minutes_diff.mean:+.1f} min/yr "
      f"[{diff.downtime_minutes_diff.ci95[0]:+.1f}, {diff.downtime_minutes_diff.ci95[1]:+.1f}], "
      f"less downtime in {diff.p_less_downtime:.1%} of years, more in {diff.p_more_downtime:.1%}")
assert diff.p_more_downtime == 0.0
assert both.availability.mean > single.availability.mean

# %% The 2+1 quorum in Paris is a single zone in disguise: the same downtime every year.
outcomes = study.trial_outcomes(args.trials, seed=2026)
same = np.array_equal(outcomes["single-zone"]["downtime_minutes"],
                      outcomes["paris-quorum-2+1"]["downtime_minutes"])
print(f"paris-quorum-2+1 has the single zone's downtime in every year: {same}")
assert same
for w in result.warnings:
    print(f"warning: {w.deployment}: {w.message}")

# %% Per-year arrays agree with the summary.
for name in study.deployment_names:
    mean = math.fsum(outcomes[name]["downtime_minutes"]) / args.trials
    assert math.isclose(mean, result.deployment(name).downtime_minutes.mean, rel_tol=1e-12, abs_tol=1e-12)

# %% The downtime CCDF: P(a year has more than x minutes of downtime).
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("\n(matplotlib is not installed: no picture; pip install matplotlib)")
if plt is not None and args.plot:
    fig, ax = plt.subplots(figsize=(8, 6))
    drawn = {}
    for name in study.deployment_names:
        years = outcomes[name]["downtime_minutes"]
        x = np.sort(years[years > 0])
        if x.size == 0:
            print(f"{name}: no downtime in {args.trials} years (not drawn)")
            continue
        # Fraction of all years with downtime above each observed value.
        ccdf = (x.size - np.arange(x.size)) / args.trials
        # A deployment identical to one already drawn, year by year, is drawn
        # dashed over it and says so, rather than hidden under it.
        twin = next((n for n, y in drawn.items() if np.array_equal(y, years)), None)
        label = name if twin is None else f"{name} (identical to {twin})"
        ax.step(x, ccdf, where="post", label=label, ls="-" if twin is None else "--")
        drawn[name] = years
    for target, label in [(0.999, "99.9%"), (0.9999, "99.99%")]:
        ax.axvline((1 - target) * 8760 * 60, color="grey", ls=":", lw=1)
        ax.text((1 - target) * 8760 * 60, 0.97, f" {label} SLA budget", color="grey",
                va="top", fontsize=8, transform=ax.get_xaxis_transform())
    ax.set(xscale="log", yscale="log", xlabel="downtime in a year (minutes)",
           ylabel="P(downtime > x)", title="Default study: yearly downtime, same sampled years")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(args.plot, dpi=110)
    print(f"\nwrote {args.plot}")
