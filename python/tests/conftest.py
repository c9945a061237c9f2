"""Shared fixtures: the repository, the CLI binary and small studies."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def cli_path() -> Path:
    """The zonesim binary: $ZONESIM_CLI, else target/quick or target/release."""
    env = os.environ.get("ZONESIM_CLI")
    if env:
        return Path(env)
    for profile in ("quick", "release"):
        p = ROOT / "target" / profile / "zonesim"
        if p.exists():
            return p
    pytest.skip("no zonesim binary: build it with `cargo build --profile quick` or set ZONESIM_CLI")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def cli() -> Path:
    return cli_path()


def cli_json(cli: Path, args: List[str]) -> Dict[str, Any]:
    out = subprocess.run(
        [str(cli), *args, "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result: Dict[str, Any] = json.loads(out.stdout)
    return result


SMALL = """
catalog = "eu-hubs"
[simulation]
trials = 3000
seed = 7
sla_targets = [0.999, 0.9999]

[[deployment]]
name = "single"
replicas = ["alibaba-fr-par-a"]
rule = { at_least = 1 }

[[deployment]]
name = "pair"
replicas = ["alibaba-fr-par-a", "alibaba-fr-par-b"]
rule = { at_least = 1 }

[[deployment]]
name = "failover"
replicas = ["alibaba-fr-par-a", "alibaba-de-fra-a"]
rule = { active_passive = { failover_hours = 0.25 } }
replica_failures = { time_to_failure = { dist = "exponential", mean = 4000.0 }, time_to_repair = { dist = "fixed", value = 0.5 } }
"""


@pytest.fixture()
def small_toml(tmp_path: Path) -> Path:
    p = tmp_path / "small.toml"
    p.write_text(SMALL)
    return p
