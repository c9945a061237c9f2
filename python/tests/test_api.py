"""The Python API: round trips, threads, per-trial arrays, exact timelines,
errors and argument types."""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path
from typing import Any, Dict

import numpy as np
import pytest

import zonesim

from conftest import SMALL

# One zone, fixed durations, all-up start: every trial is the same exact
# timeline. Up 100 h, down 10 h, from t = 0 over 1000 h: nine full cycles
# (990 h, 90 h down) and 10 h up, so 90 h = 5400 minutes down in 9 outages
# of 600 minutes; availability 0.91.
FIXED = {
    "simulation": {"trials": 2500, "horizon_hours": 1000, "start": "all_up", "seed": 1},
    "region": [{"id": "r", "name": "R", "provider": "p", "country": "FR"}],
    "zone": [
        {
            "id": "a",
            "region": "r",
            "time_to_failure": {"dist": "fixed", "value": 100},
            "time_to_repair": {"dist": "fixed", "value": 10},
        }
    ],
    "deployment": [{"name": "one", "replicas": ["a"], "rule": {"at_least": 1}}],
}


def test_exact_timeline_through_python() -> None:
    study = zonesim.Study.from_dict(FIXED)
    d = study.run().deployment("one")
    assert d.downtime_minutes.mean == 5400.0
    assert d.downtime_minutes.std == 0.0
    assert d.outages.mean == 9.0 and d.outages.p_none == 0.0
    assert d.longest_outage_minutes.mean == 600.0
    assert d.availability.mean == pytest.approx(0.91, abs=1e-15)
    out = study.trial_outcomes()["one"]
    assert out["downtime_minutes"].shape == (2500,)
    assert np.all(out["downtime_minutes"] == 5400.0)
    assert np.all(out["outages"] == 9)
    assert np.all(out["longest_outage_minutes"] == 600.0)


def test_round_trip_from_dict_to_dict() -> None:
    for study in (zonesim.loads(SMALL), zonesim.default_study()):
        d = study.to_dict()
        back = zonesim.Study.from_dict(d)
        assert back.to_dict() == d
        assert back.run(trials=1500).to_dict() == study.run(trials=1500).to_dict()
    # A plan survives the round trip too.
    plan = zonesim.load(Path(__file__).parents[2] / "scenarios" / "plan-france-only.toml")
    d = plan.to_dict()
    assert "plan" in d and zonesim.Study.from_dict(d).to_dict() == d


def test_catalog_dict_runs_as_the_default_study() -> None:
    cat = zonesim.catalog()
    assert {z["id"] for z in cat["zone"]} >= {"alibaba-fr-par-a", "aws-de-fra-az1"}
    from_cat = zonesim.Study.from_dict(cat).run(trials=1500).to_dict()
    assert from_cat == zonesim.default_study().run(trials=1500).to_dict()
    with pytest.raises(ValueError, match="unknown catalogue 'mars'.*eu-hubs"):
        zonesim.catalog("mars")


def test_threads_do_not_change_results() -> None:
    study = zonesim.loads(SMALL)
    one = study.run(threads=1).to_dict()
    two = study.run(threads=2).to_dict()
    assert one == two
    a = study.trial_outcomes(5000, threads=1)
    b = study.trial_outcomes(5000, threads=2)
    for name in study.deployment_names:
        for key in ("downtime_minutes", "outages", "longest_outage_minutes"):
            assert np.array_equal(a[name][key], b[name][key])


def test_per_trial_means_equal_the_summary() -> None:
    study = zonesim.loads(SMALL)
    result = study.run()
    n = result.trials
    horizon_min = result.horizon_hours * 60.0
    outcomes = study.trial_outcomes()
    for name in study.deployment_names:
        d = result.deployment(name)
        o = outcomes[name]
        down = o["downtime_minutes"]
        assert down.shape == (n,) and down.dtype == np.float64
        assert o["outages"].dtype == np.uint32
        assert math.fsum(down) / n == pytest.approx(d.downtime_minutes.mean, rel=1e-12, abs=1e-12)
        assert math.fsum(o["longest_outage_minutes"]) / n == pytest.approx(
            d.longest_outage_minutes.mean, rel=1e-12, abs=1e-12
        )
        # Counts are exact.
        assert int(o["outages"].sum()) / n == d.outages.mean
        assert float(np.mean(o["outages"] == 0)) == d.outages.p_none
        availability = 1.0 - down / horizon_min
        for s in d.sla:
            p = float(np.mean(availability >= s.target - 1e-15))
            assert p == pytest.approx(s.p_meets, abs=0.5 / n)
        if d.downtime_minutes.std > 0:
            assert float(np.std(down, ddof=1)) == pytest.approx(d.downtime_minutes.std, rel=1e-9)


def test_trial_ranges_are_slices_of_one_sequence() -> None:
    study = zonesim.loads(SMALL)
    whole = study.trial_outcomes(3000)
    part = study.trial_outcomes(700, first=1100)
    for name in study.deployment_names:
        for key in ("downtime_minutes", "outages", "longest_outage_minutes"):
            assert np.array_equal(part[name][key], whole[name][key][1100:1800])
    # Another seed gives other trials.
    other = study.trial_outcomes(3000, seed=8)
    assert not np.array_equal(other["single"]["downtime_minutes"], whole["single"]["downtime_minutes"])


def test_progress_callback_sees_every_trial() -> None:
    seen = []
    zonesim.loads(SMALL).run(trials=20_000, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (20_000, 20_000)
    assert all(t == 20_000 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_raising_progress_callback_stops_the_run() -> None:
    def stop(done: int, total: int) -> None:
        raise RuntimeError("enough")

    t = time.monotonic()
    with pytest.raises(RuntimeError, match="enough"):
        zonesim.default_study().run(trials=50_000_000, progress=stop)
    assert time.monotonic() - t < 5.0


def test_the_gil_is_released_while_running() -> None:
    ticks = 0
    stop = threading.Event()

    def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    th = threading.Thread(target=ticker)
    th.start()
    t = time.monotonic()
    zonesim.default_study().run(trials=400_000)
    elapsed = time.monotonic() - t
    stop.set()
    th.join()
    # With the GIL held for the run the ticker would not run at all until it
    # ends; released, it ticks about every millisecond (every 20 ms is
    # allowed, for a loaded machine).
    assert elapsed > 0.1
    assert ticks >= elapsed / 0.02, (ticks, elapsed)


# ---------------------------------------------------------------------------
# Errors


def test_syntax_error_carries_line_column_field(tmp_path: Path) -> None:
    p = tmp_path / "study.toml"
    p.write_text(SMALL.replace("mean = 4000.0", "mean = -5.0"))
    with pytest.raises(zonesim.ScenarioError) as info:
        zonesim.load(p)
    e = info.value
    assert isinstance(e, ValueError)
    assert e.path == str(p)
    assert e.line == SMALL.splitlines().index(
        next(line for line in SMALL.splitlines() if "mean = 4000.0" in line)
    ) + 1
    assert e.column is not None
    assert e.field == "deployment[2].replica_failures.time_to_failure"
    assert "exponential mean must be a finite number > 0, got -5" in str(e)
    assert str(e).startswith(f"{p}:{e.line}:{e.column}: {e.field}: ")


def test_unknown_field_and_bad_type() -> None:
    with pytest.raises(zonesim.ScenarioError) as info:
        zonesim.loads(SMALL + '\n[[zone]]\nid = "x"\ncolour = "red"\n', name="s.toml")
    assert info.value.field == "zone[0].colour" or "colour" in str(info.value)
    assert "unknown field `colour`" in str(info.value)
    with pytest.raises(zonesim.ScenarioError) as info:
        zonesim.loads('{"simulation": {"trials": "many"}}', format="json")
    assert info.value.field == "simulation.trials" and info.value.line == 1


def test_semantic_problems_are_all_listed_with_lines() -> None:
    text = SMALL.replace('"alibaba-fr-par-b"', '"fr-par-x"').replace(
        "at_least = 1 }\n\n[[deployment]]\nname = \"failover\"", "at_least = 5 }\n\n[[deployment]]\nname = \"failover\""
    )
    with pytest.raises(zonesim.ScenarioError) as info:
        zonesim.loads(text, name="s.toml")
    e = info.value
    lines = text.splitlines()
    assert len(e.problems) == 2, e.problems
    assert e.problems[0].field == 'deployment[1] "pair".replicas[1]'
    assert "fr-par-x" in lines[e.problems[0].line - 1]
    assert e.problems[1].field == 'deployment[1] "pair".rule'
    assert "at_least = 5" in lines[e.problems[1].line - 1]
    assert (e.line, e.field) == (e.problems[0].line, e.problems[0].field)
    assert str(e).startswith("s.toml: 2 problems in the study")


def test_dict_errors_name_the_field_without_a_line() -> None:
    d: Dict[str, Any] = zonesim.loads(SMALL).to_dict()
    d["deployment"][0]["replicas"] = ["nowhere"]
    with pytest.raises(zonesim.ScenarioError) as info:
        zonesim.Study.from_dict(d)
    assert info.value.line is None and info.value.path == "<dict>"
    assert info.value.field == 'deployment[0] "single".replicas[0]'
    d = zonesim.loads(SMALL).to_dict()
    d["simulation"]["horizon_hours"] = float("nan")
    with pytest.raises(zonesim.ScenarioError) as info:
        zonesim.Study.from_dict(d)
    assert info.value.field == "simulation.horizon_hours"
    d["simulation"]["horizon_hours"] = {1, 2}
    with pytest.raises(TypeError, match="simulation.horizon_hours.*set"):
        zonesim.Study.from_dict(d)


def test_numpy_values_in_dicts_are_converted() -> None:
    d = dict(FIXED)
    d["simulation"] = dict(FIXED["simulation"], sla_targets=np.array([0.9, 0.95]))
    d["zone"] = [
        dict(
            FIXED["zone"][0],
            time_to_failure={"dist": "empirical", "samples": np.array([100, 100], dtype=np.int64)},
            time_to_repair={"dist": "fixed", "value": np.int64(10)},
        )
    ]
    d["simulation"]["trials"] = np.int32(2500)
    r = zonesim.Study.from_dict(d).run()
    one = r.deployment("one")
    assert one.downtime_minutes.mean == 5400.0
    assert [s.target for s in one.sla] == [0.9, 0.95]
    assert one.sla_for(0.9).p_meets == 1.0 and one.sla_for(0.95).p_meets == 0.0


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(zonesim.ScenarioError, match="cannot read") as info:
        zonesim.load(tmp_path / "none.toml")
    assert info.value.path == str(tmp_path / "none.toml")
    (tmp_path / "x.yaml").write_text("")
    with pytest.raises(zonesim.ScenarioError, match=r"use \.toml or \.json"):
        zonesim.load(tmp_path / "x.yaml")
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (16 * 1024 * 1024 + 1))
    with pytest.raises(zonesim.ScenarioError, match="16 MiB"):
        zonesim.load(big)


def test_run_errors() -> None:
    with pytest.raises(zonesim.RunError) as info:
        zonesim.default_study().run(trials=10**13)
    assert isinstance(info.value, RuntimeError)
    assert info.value.kind == "too_large"
    assert str(info.value).startswith("the default study: study too large")
    with pytest.raises(zonesim.ScenarioError) as serr:
        zonesim.loads(SMALL).run(baseline="nope")
    assert serr.value.field == "simulation.baseline"
    with pytest.raises(zonesim.ScenarioError, match="no \\[plan\\] table"):
        zonesim.plan(zonesim.loads(SMALL))


def test_argument_types() -> None:
    s = zonesim.loads(SMALL)
    assert s.run(trials=np.int64(1000), seed=np.uint64(3)).trials == 1000
    for bad in (1.5, "10", True, None.__class__):
        with pytest.raises(TypeError, match="trials must be an integer"):
            s.run(trials=bad)
    with pytest.raises(ValueError, match="trials must be in"):
        s.run(trials=0)
    with pytest.raises(ValueError, match="seed must be in"):
        s.run(seed=-1)
    with pytest.raises(ValueError, match="threads must be in"):
        s.run(threads=0)
    with pytest.raises(TypeError, match="progress must be"):
        s.run(progress="yes")
    with pytest.raises(TypeError, match="load takes a path"):
        zonesim.load(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="from_dict takes a dict"):
        zonesim.Study.from_dict([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match='format must be "toml" or "json"'):
        zonesim.loads(SMALL, format="yaml")
    with pytest.raises(TypeError, match="plan takes a zonesim.Study"):
        zonesim.plan("study.toml")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Result objects


def test_result_objects_mirror_the_json() -> None:
    r = zonesim.loads(SMALL).run()
    raw = r.to_dict()
    d = r.deployment("pair")
    j = raw["deployments"][1]
    assert d.name == "pair" and d.estimator == j["estimator"]
    assert d.availability.mean == j["availability"]["mean"]
    assert d.availability.ci95 == j["availability"]["ci95"]
    assert d.availability.percentiles["p99.9"] == j["availability"]["percentiles"]["p99.9"]
    assert d.unavailability.mean == j["unavailability"]["mean"]
    assert d.sla[1].target == 0.9999 and d.sla_for(0.9999) == d.sla[1]
    assert r.comparison.baseline == "single"
    assert [a.name for a in r.comparison.against] == ["pair", "failover"]
    assert r.names == ["single", "pair", "failover"]
    assert r["deployments"][0].name == "single"
    with pytest.raises(KeyError, match="no deployment 'nope'.*single, pair, failover"):
        r.deployment("nope")
    with pytest.raises(AttributeError, match="read-only"):
        d.name = "x"  # type: ignore[misc]
    # to_dict is a copy: changing it leaves the result alone.
    raw["trials"] = -1
    assert r.trials == 3000
    # A field the library adds later is there at once.
    later = zonesim.Result(dict(r.to_dict(), services=[{"name": "api", "p": 0.5}]))
    assert later.services[0].name == "api"


def test_warnings_and_rare_estimates_are_objects() -> None:
    r = zonesim.default_study().run(trials=1000)
    assert r.deployment("single-zone").importance is None
    rare = r.deployment("three-hubs-active")
    assert rare.estimator == "importance"
    assert rare.importance is not None and rare.importance.unavailability.mean > 0
    assert rare.unavailability.mean == rare.importance.unavailability.mean
    w = r.warnings
    assert {x.deployment for x in w} == {"paris-quorum-2+1", "paris-quorum+frankfurt"}
    assert all(x.kind and x.message for x in w)


def test_to_pandas_one_row_per_deployment() -> None:
    pd = pytest.importorskip("pandas")
    r = zonesim.loads(SMALL).run()
    df = r.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == ["single", "pair", "failover"]
    pair = r.deployment("pair")
    assert df.loc["pair", "availability_mean"] == pair.availability.mean
    assert df.loc["pair", "availability_ci95_low"] == pair.availability.ci95[0]
    assert df.loc["pair", "downtime_minutes_p99"] == pair.downtime_minutes.percentiles["p99"]
    assert df.loc["pair", "sla_0.9999_p_meets"] == pair.sla_for(0.9999).p_meets
    assert df.loc["pair", "outages_p_none"] == pair.outages.p_none
    plan = zonesim.plan(
        zonesim.load(Path(__file__).parents[2] / "scenarios" / "plan-france-vs-eu.toml"),
        trials=1000,
    )
    frontier = plan.to_pandas()
    assert len(frontier) == len(plan.frontier) > 0
    assert "replicas" in frontier.columns


def test_to_polars_needs_polars() -> None:
    r = zonesim.loads(SMALL).run(trials=1000)
    try:
        import polars  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="to_polars\\(\\) needs polars"):
            r.to_polars()
    else:
        assert r.to_polars().height == 3


def test_progress_true_draws_on_stderr(capsys: pytest.CaptureFixture) -> None:  # type: ignore[type-arg]
    zonesim.loads(SMALL).run(trials=20_000, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.endswith("20000/20000 trials\n")
    assert "[" + "#" * 30 + "]" in captured.err
