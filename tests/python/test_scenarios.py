"""Every scenario, run as `python3 -m softcard.scenarios NAME` in a fresh process."""
import os
import subprocess
import sys

import pytest

from softcard.scenarios import SCENARIOS


def run_scenario(*args, env=None):
    return subprocess.run([sys.executable, "-m", "softcard.scenarios", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(name):
    p = run_scenario(name)
    if p.returncode == 77:
        pytest.skip(p.stdout.strip().splitlines()[-1])
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"PASS {name}" in p.stdout
    assert "    ok    " in p.stdout  # it printed what it checked


def test_ca_key_archival_with_the_client_over_pcsc():
    p = run_scenario("ca-key-archival", env={"SOFTCARD_SCENARIO_PCSC": "1"})
    if p.returncode == 77:
        pytest.skip(p.stdout.strip().splitlines()[-1])
    assert p.returncode == 0, p.stdout + p.stderr
    assert "through PC/SC reader" in p.stdout


def test_scenario_failure_exits_nonzero_with_trace():
    # Ask the 6F00 scenario to expect a fault on a command that never comes: a check must fail.
    p = run_scenario("nth-6f00", env={"SOFTCARD_SCENARIO_N": "9"})
    assert p.returncode == 1, p.stdout + p.stderr
    assert "FAIL" in p.stdout and "--- trace of" in p.stdout


def test_list_and_unknown():
    p = run_scenario("--list")
    assert p.returncode == 0 and all(n in p.stdout for n in SCENARIOS)
    assert run_scenario("no-such-scenario").returncode == 2
