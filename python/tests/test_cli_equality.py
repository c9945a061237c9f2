"""Python results are the CLI's JSON, for the same file, trials and seed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import zonesim

from conftest import SCENARIOS, cli_json


def test_run_equals_the_cli_json(cli: Path, small_toml: Path) -> None:
    py = zonesim.load(small_toml).run().to_dict()
    assert py == cli_json(cli, ["run", str(small_toml)])
    # Overrides: the same flags, the same figures.
    py = zonesim.load(small_toml).run(trials=2500, seed=11, baseline="pair").to_dict()
    assert py == cli_json(
        cli, ["run", str(small_toml), "--trials", "2500", "--seed", "11", "--baseline", "pair"]
    )
    assert py["trials"] == 2500 and py["seed"] == 11
    assert py["comparison"]["baseline"] == "pair"


def test_shipped_scenario_and_default_study_equal_the_cli(cli: Path) -> None:
    path = SCENARIOS / "two-zone-quorum.toml"
    py = zonesim.load(path).run(trials=3000, seed=5).to_dict()
    assert py == cli_json(cli, ["run", str(path), "--trials", "3000", "--seed", "5"])
    # The default study has an importance-sampled deployment: its estimate
    # crosses too ("unavailability", "importance").
    py = zonesim.default_study().run(trials=4000).to_dict()
    assert py == cli_json(cli, ["run", "--trials", "4000"])
    assert any(d["estimator"] == "importance" for d in py["deployments"])


def test_plan_equals_the_cli_json(cli: Path) -> None:
    path = SCENARIOS / "plan-france-vs-eu.toml"
    py = zonesim.plan(zonesim.load(path), trials=2000, seed=3).to_dict()
    assert py == cli_json(cli, ["plan", str(path), "--trials", "2000", "--seed", "3"])
    assert py["best"] is not None


def test_catalog_equals_the_cli_dump(cli: Path) -> None:
    out = subprocess.run(
        [str(cli), "catalog", "--format", "json"], check=True, capture_output=True, text=True
    )
    assert zonesim.catalog("eu-hubs") == json.loads(out.stdout)


def test_error_message_is_the_cli_message(cli: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'catalog = "eu-hubs"\n[[deployment]]\nname = "d"\nreplicas = ["nowhere"]\n'
        'rule = { at_least = 2 }\n'
    )
    out = subprocess.run([str(cli), "run", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2
    try:
        zonesim.load(bad)
    except zonesim.ScenarioError as e:
        assert out.stderr.strip() == f"error: {e}"
    else:
        raise AssertionError("no error")


def test_study_error_message_is_the_cli_message(cli: Path) -> None:
    # A valid file with no deployment to run: refused by `run` in both.
    path = SCENARIOS / "plan-france-only.toml"
    out = subprocess.run([str(cli), "run", str(path), "--trials", "10"], capture_output=True, text=True)
    assert out.returncode == 2
    try:
        zonesim.load(path).run(trials=10)
    except zonesim.ScenarioError as e:
        assert out.stderr.strip() == f"error: {e}"
        assert e.field == "deployment" and e.path == str(path)
    else:
        raise AssertionError("no error")
    # Too large: the CLI's message, exit 2; a RunError here.
    out = subprocess.run([str(cli), "run", "--trials", str(10**13)], capture_output=True, text=True)
    assert out.returncode == 2
    try:
        zonesim.default_study().run(trials=10**13)
    except zonesim.RunError as e:
        assert out.stderr.strip() == f"error: {e}"
    else:
        raise AssertionError("no error")
