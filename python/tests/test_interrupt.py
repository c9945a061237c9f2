"""Ctrl-C (SIGINT sent to the process) during a long run raises
KeyboardInterrupt within a second."""

from __future__ import annotations

import select
import signal
import subprocess
import sys
import time

import pytest

# The child installs Python's own SIGINT handler (the one that raises
# KeyboardInterrupt): a process started in the background of a
# non-interactive shell (as CI may be) inherits SIGINT ignored, and Python
# then leaves it ignored. A notebook kernel installs its own handler too.
CHILD = r"""
import signal, sys, time, zonesim
signal.signal(signal.SIGINT, signal.default_int_handler)
study = zonesim.default_study()
what = sys.argv[1]
print("ready", flush=True)
try:
    if what == "run":
        study.run(trials=50_000_000)
    else:
        zonesim.Study.from_dict({
            "catalog": "eu-hubs",
            "deployment": [{"name": "one", "replicas": ["alibaba-fr-par-a"], "rule": {"at_least": 1}}],
        }).trial_outcomes(20_000_000)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(0)
print("finished", flush=True)
sys.exit(3)
"""


@pytest.mark.parametrize("what", ["run", "trial_outcomes"])
def test_sigint_stops_a_long_run_within_a_second(what: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, what], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.7)  # the run is well under way (it takes tens of seconds)
        assert child.poll() is None
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        # Wait at most 5 s for "interrupted" (a child that ignores the signal
        # would otherwise run for minutes).
        ready, _, _ = select.select([child.stdout], [], [], 5.0)
        latency = time.monotonic() - sent
        assert ready, f"no answer {latency:.1f} s after SIGINT"
        line = child.stdout.readline().strip()
        assert line == "interrupted"
        assert child.wait(timeout=10) == 0
        print(f"{what}: KeyboardInterrupt {latency * 1000:.0f} ms after SIGINT")
        assert latency < 1.0, f"{latency:.3f} s"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
