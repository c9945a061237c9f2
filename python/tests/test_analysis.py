"""Fits, sweeps, tornadoes and parameter uncertainty from Python equal the
CLI's JSON (and TOML) for the same inputs, and bad input raises the
package's errors with the CLI's messages."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import List

import pytest

import zonesim

from conftest import ROOT, SMALL, cli_json

LOG = ROOT / "examples" / "data" / "zone-incidents.csv"
QUIET = ["fleet-z05", "fleet-z06"]

UNCERTAIN = SMALL.replace("trials = 3000", "trials = 400") + """
[uncertainty]
draws = 5
seed = 3

[[uncertain]]
path = "zone.alibaba-fr-par-*.time_to_failure.mean"
prior = { dist = "lognormal", median = 48667, sigma = 0.7 }
"""


def cli_error(cli: Path, args: List[str]) -> str:
    out = subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=300)
    assert out.returncode == 2, out.stderr
    return out.stderr.strip()


def cli_text(cli: Path, args: List[str]) -> str:
    out = subprocess.run([str(cli), *args], check=True, capture_output=True, text=True, timeout=300)
    return out.stdout


# ---------------------------------------------------------------------------
# fit


def test_fit_equals_the_cli_json_and_toml(cli: Path) -> None:
    args = ["fit", str(LOG), "--window-hours", "43800", *sum((["--no-outages", q] for q in QUIET), [])]
    f = zonesim.fit(str(LOG), window_hours=43800, no_outages=QUIET)
    assert f.to_dict() == cli_json(cli, args)
    assert f.to_toml() == cli_text(cli, args)
    # The sourced figures of docs/PARAMETERS.md: 29 outages, exponential up
    # times and lognormal repairs by AIC.
    assert f.time_to_repair.observed == 29
    assert f.time_to_failure.chosen == "exponential" and f.time_to_repair.chosen == "lognormal"
    assert f.time_to_repair.best().family == "lognormal"
    assert f.ids[-2:] == QUIET
    # Forced families: the CLI's --ttf-family / --ttr-family.
    forced = zonesim.fit(LOG, window_hours=43800, families={"time_to_repair": "weibull"})
    args = ["fit", str(LOG), "--window-hours", "43800", "--ttr-family", "weibull"]
    assert forced.to_dict() == cli_json(cli, args)
    assert forced.to_toml() == cli_text(cli, args)
    both = zonesim.fit(LOG, window_hours=43800, families="gamma")
    assert both.time_to_failure.chosen == "gamma" and both.time_to_repair.chosen == "gamma"


def test_fit_rows_equal_the_file(tmp_path: Path) -> None:
    rows = [
        {"zone": "a", "start": 100, "end": 102.5},
        {"zone": "a", "start": 500.25, "end": 503},
        {"zone": "b", "start": 10, "end": 13.5},
        {"zone": "b", "start": 700, "end": None},
    ]
    text = "zone,start,end\na,100,102.5\na,500.25,503\nb,10,13.5\nb,700,\n"
    p = tmp_path / "log.csv"
    p.write_text(text)
    from_file = zonesim.fit(p, window_hours=1000).to_dict()
    from_rows = zonesim.fit(rows, window_hours=1000)
    assert from_rows.file == "<rows>"
    assert {**from_rows.to_dict(), "file": str(p)} == from_file
    # One outage still open at the end: a censored repair.
    assert from_rows.time_to_repair.censored == 1
    # RFC 3339 times and a window FROM..TO.
    timed = [{"region": "r", "start": "2025-01-01T10:00:00Z", "end": "2025-01-01T12:00:00Z"}]
    r = zonesim.fit(timed, window="2025-01-01T00:00:00Z..2025-01-02T00:00:00Z", families="exponential")
    assert r.subject == "region" and r.window_hours == 24.0
    assert r.time_to_repair.best().params[0].value == pytest.approx(2.0, rel=1e-12)
    assert "[[common_cause]]\nname = \"r-region-event\"" in r.to_toml()


def test_fit_errors_are_the_cli_messages(cli: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("zone,start,end\na,100,102\na,300,290\n")
    message = cli_error(cli, ["fit", str(bad), "--window-hours", "1000"])
    with pytest.raises(zonesim.FitError) as e:
        zonesim.fit(bad, window_hours=1000)
    assert message == f"error: {e.value}"
    assert (e.value.path, e.value.line, e.value.field) == (str(bad), 3, "end")
    assert isinstance(e.value, ValueError)
    # Rows: row i is line i + 2 of "<rows>".
    with pytest.raises(zonesim.FitError) as e:
        zonesim.fit([{"zone": "a", "start": 1, "end": 2}, {"zone": "a", "start": 5, "end": 4}], window_hours=10)
    assert (e.value.path, e.value.line, e.value.field) == ("<rows>", 3, "end")
    # A forced family that cannot be fitted: no line, the CLI's message.
    one = tmp_path / "one.csv"
    one.write_text("zone,start,end\na,100,102\n")
    message = cli_error(cli, ["fit", str(one), "--window-hours", "1000", "--ttr-family", "weibull"])
    with pytest.raises(zonesim.FitError) as e:
        zonesim.fit(one, window_hours=1000, families={"time_to_repair": "weibull"})
    assert message == f"error: {e.value}" and e.value.line is None
    missing = tmp_path / "missing.csv"
    message = cli_error(cli, ["fit", str(missing), "--window-hours", "10"])
    with pytest.raises(zonesim.FitError) as e:
        zonesim.fit(missing, window_hours=10)
    assert message == f"error: {e.value}"


def test_fit_argument_errors() -> None:
    with pytest.raises(ValueError, match="window_hours=H"):
        zonesim.fit(LOG)
    with pytest.raises(ValueError, match="not both"):
        zonesim.fit(LOG, window_hours=1, window="a..b")
    with pytest.raises(ValueError, match="window: "):
        zonesim.fit(LOG, window="yesterday")
    with pytest.raises(ValueError, match="ttr_family must be one of"):
        zonesim.fit(LOG, window_hours=43800, families={"time_to_repair": "pareto"})
    with pytest.raises(ValueError, match="unknown key"):
        zonesim.fit(LOG, window_hours=43800, families={"repair": "gamma"})
    with pytest.raises(TypeError, match="window_hours must be a number"):
        zonesim.fit(LOG, window_hours="43800")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="row 0"):
        zonesim.fit([("a", 1, 2)], window_hours=10)  # type: ignore[list-item]


# ---------------------------------------------------------------------------
# sweep and tornado


def test_sweep_equals_the_cli_json(cli: Path, small_toml: Path) -> None:
    study = zonesim.load(small_toml)
    py = study.sweep({"zone.alibaba-fr-par-a.time_to_repair.mean": [1, 2.5, 6]}, trials=800)
    args = ["sweep", str(small_toml), "--set", "zone.alibaba-fr-par-a.time_to_repair.mean=1,2.5,6", "--trials", "800"]
    assert py.to_dict() == cli_json(cli, args)
    # Longer repairs of the one zone: the single zone strictly less available
    # on the same random numbers (a monotone coupling, not noise).
    a = py.series("single")
    assert a[0] > a[1] > a[2]
    assert [p.values for p in py.points] == [[1.0], [2.5], [6.0]]
    # Two axes, a seed override, numpy values.
    import numpy as np

    two = study.sweep(
        {
            "zone.alibaba-fr-par-*.time_to_repair.median": np.array([1.0, 4.0]),
            "deployment.failover.rule.active_passive.failover_hours": [0.1, 1],
        },
        trials=500,
        seed=9,
    )
    args = [
        "sweep",
        str(small_toml),
        "--set",
        "zone.alibaba-fr-par-*.time_to_repair.median=1,4",
        "--set",
        "deployment.failover.rule.active_passive.failover_hours=0.1,1",
        "--trials",
        "500",
        "--seed",
        "9",
    ]
    assert two.to_dict() == cli_json(cli, args)
    assert len(two.points) == 4 and two.seed == 9


def test_tornado_equals_the_cli_json_and_ranks_as_its_table(cli: Path, small_toml: Path) -> None:
    study = zonesim.load(small_toml)
    py = study.tornado(trials=600)  # the catalogue's ranges
    args = ["sweep", str(small_toml), "--tornado", "--trials", "600"]
    assert py.to_dict() == cli_json(cli, args)
    assert len(py.bars) >= 3
    table = cli_text(cli, [*args, "--deployment", "pair"])
    lines = table.splitlines()
    head = lines.index(next(line for line in lines if line.startswith("parameter")))
    labels = [re.split(r"\s{2,}", line)[0] for line in lines[head + 1 :] if line.strip()]
    assert [b.param.label for b in py.ranked("pair")] == labels
    # Given ranges: the CLI's --range.
    given = study.tornado(
        {"zone.alibaba-fr-par-a.time_to_repair.mean": (1, 4), "common_cause.alibaba-fr-par-region-event.time_to_failure.per_year": (0.005, 0.1)},
        trials=400,
    )
    args = [
        "sweep",
        str(small_toml),
        "--tornado",
        "--range",
        "zone.alibaba-fr-par-a.time_to_repair.mean=1..4",
        "--range",
        "common_cause.alibaba-fr-par-region-event.time_to_failure.per_year=0.005..0.1",
        "--trials",
        "400",
    ]
    assert given.to_dict() == cli_json(cli, args)


def test_sweep_errors_are_the_cli_messages(cli: Path, small_toml: Path) -> None:
    study = zonesim.load(small_toml)
    # Nothing to sweep, a path naming nothing, an unknown deployment: the
    # CLI's message after "error: ".
    cases = [
        (lambda: study.sweep(), ["sweep", str(small_toml)]),
        (
            lambda: study.sweep({"zone.nowhere.time_to_repair.mean": [1, 2]}, trials=10),
            ["sweep", str(small_toml), "--set", "zone.nowhere.time_to_repair.mean=1,2", "--trials", "10"],
        ),
        (
            lambda: study.tornado(deployment="nope", trials=10),
            ["sweep", str(small_toml), "--tornado", "--deployment", "nope", "--trials", "10"],
        ),
        (
            lambda: study.sweep({"zone.alibaba-fr-par-a.time_to_repair.mean": [-1]}, trials=10),
            ["sweep", str(small_toml), "--set", "zone.alibaba-fr-par-a.time_to_repair.mean=-1", "--trials", "10"],
        ),
    ]
    for call, args in cases:
        message = cli_error(cli, args)
        with pytest.raises(zonesim.ScenarioError) as e:
            call()
        assert message == f"error: {e.value}"
        assert e.value.path == str(small_toml)
    # A path that does not parse: the CLI's reason, the argument named.
    message = cli_error(cli, ["sweep", str(small_toml), "--set", "zone.x=1"])
    with pytest.raises(zonesim.ScenarioError) as e:
        study.sweep({"zone.x": [1]})
    reason = message.removeprefix("error: --set zone.x=1: ")
    assert str(e.value) == f'set["zone.x"]: {reason}' and e.value.field == 'set["zone.x"]'
    message = cli_error(cli, ["sweep", str(small_toml), "--tornado", "--range", "zone.a.time_to_repair.mean=4..1"])
    with pytest.raises(zonesim.ScenarioError) as e:
        study.tornado({"zone.a.time_to_repair.mean": (4, 1)})
    assert str(e.value).endswith(message.removeprefix("error: --range zone.a.time_to_repair.mean=4..1: "))
    with pytest.raises(TypeError, match="must hold numbers"):
        study.sweep({"zone.alibaba-fr-par-a.time_to_repair.mean": ["1"]})
    with pytest.raises(TypeError, match=r"must be \(low, high\)"):
        study.tornado({"zone.alibaba-fr-par-a.time_to_repair.mean": (1, 2, 3)})  # type: ignore[dict-item]


# ---------------------------------------------------------------------------
# uncertain


def test_uncertain_equals_the_cli_json(cli: Path, tmp_path: Path) -> None:
    p = tmp_path / "uncertain.toml"
    p.write_text(UNCERTAIN)
    study = zonesim.load(p)
    py = study.uncertain()
    assert py.to_dict() == cli_json(cli, ["uncertain", str(p)])
    assert py.draws == 5 and len(py.parameter_sets) == 5
    more = study.uncertain(7, trials=300, seed=4)
    assert more.to_dict() == cli_json(cli, ["uncertain", str(p), "--draws", "7", "--trials", "300", "--seed", "4"])
    # Set j is the same whatever the number of draws.
    assert more.parameter_sets[:5] == py.parameter_sets
    pair = py.pair("single", "pair")
    assert 0.0 <= pair.p_second_better <= 1.0
    assert py.deployment("pair").availability.mean > py.deployment("single").availability.mean


def test_uncertain_errors(cli: Path, small_toml: Path) -> None:
    message = cli_error(cli, ["uncertain", str(small_toml)])
    with pytest.raises(zonesim.ScenarioError) as e:
        zonesim.load(small_toml).uncertain()
    assert message == f"error: {e.value}"
    assert e.value.field == "uncertain"
    with pytest.raises(ValueError, match="draws must be in"):
        zonesim.load(small_toml).uncertain(0)
