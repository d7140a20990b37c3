"""Conformance scenarios: small scripts that drive a card (in-process, or through the private
PC/SC world) and print every check they make. Run one with::

    /usr/bin/python3 -m softcard.scenarios NAME [--verbose]

``/usr/bin/python3 -m softcard.scenarios --list`` lists them. Each exits 0 when every check
passed, 1 when one failed (the card's trace is printed then), 77 when it cannot run here
(a missing prerequisite, e.g. no private PC/SC world).
"""

from __future__ import annotations

import importlib
from typing import Dict

from ._check import Checker, ScenarioFailed, ScenarioSkipped

__all__ = ["SCENARIOS", "run", "Checker", "ScenarioFailed", "ScenarioSkipped"]

# name -> module (each module has DESCRIPTION and run(check: Checker))
SCENARIOS: Dict[str, str] = {
    "pin-lockout": "pin_lockout",
    "nth-6f00": "nth_6f00",
    "removed-during-signature": "removed_during_signature",
    "ca-key-archival": "ca_key_archival",
    "piv-enroll": "piv_enroll",
}


def load(name: str):
    try:
        return importlib.import_module(f".{SCENARIOS[name]}", __name__)
    except KeyError:
        raise KeyError(f"unknown scenario {name!r} (known: {', '.join(SCENARIOS)})") from None


def run(name: str, verbose: bool = False) -> int:
    """Runs one scenario; returns its exit status (0 ok, 1 failed, 77 skipped)."""
    module = load(name)
    check = Checker(name, verbose=verbose)
    print(f"scenario {name}: {module.DESCRIPTION}")
    try:
        module.run(check)
    except ScenarioSkipped as e:
        print(f"SKIP {name}: {e}")
        return 77
    except ScenarioFailed as e:
        print(f"FAIL {name}: {e}")
        check.dump_traces()
        return 1
    except Exception as e:  # an unexpected error is a failure too, with its context
        print(f"FAIL {name}: unexpected {type(e).__name__}: {e}")
        check.dump_traces()
        return 1
    print(f"PASS {name}: {check.count} checks")
    return 0
