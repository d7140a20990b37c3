"""pytest plugin: fixtures for softcard cards.

Registered through the ``pytest11`` entry point when the package is installed; otherwise load it
with ``-p softcard.pytest_plugin``.

Fixtures
--------
``card``
    A fresh in-process card made from ``softcard_profile`` (default ``"gids"``) in the test's
    temporary directory.
``blank_card``
    A fresh factory-state card (profile ``gids-blank``).
``trace``
    The ``card`` fixture's trace (:class:`softcard.Trace`).
``rig``
    A :class:`softcard.Rig` (private PC/SC world) with ``card`` inserted; ``rig[0]`` is its reader
    name. Skipped, with the reason, where the machine cannot make a private world.
``softcard_profile``
    Override it (in a module or conftest) to change the profile ``card`` is made from.

When a test fails, the trace of every card these fixtures made is added to its report as a
"softcard trace" section.
"""

from __future__ import annotations

from typing import Iterator, List

import pytest

from .card import Card

_CARDS_ATTR = "_softcard_cards"


def _register(request: "pytest.FixtureRequest", name: str, card: Card) -> None:
    cards: List = getattr(request.node, _CARDS_ATTR, None) or []
    cards.append((name, card))
    setattr(request.node, _CARDS_ATTR, cards)


@pytest.fixture
def softcard_profile() -> str:
    return "gids"


@pytest.fixture
def card(request: "pytest.FixtureRequest", tmp_path, softcard_profile) -> Iterator[Card]:
    c = Card.create(tmp_path / "card.img", softcard_profile)
    _register(request, "card", c)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def blank_card(request: "pytest.FixtureRequest", tmp_path) -> Iterator[Card]:
    c = Card.create(tmp_path / "blank.img", "gids-blank")
    _register(request, "blank_card", c)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def trace(card: Card):
    return card.trace


@pytest.fixture
def rig(card: Card):
    from .rig import Rig, RigUnavailable
    try:
        r = Rig(card).start()
    except RigUnavailable as e:
        pytest.skip(f"no private PC/SC world on this machine: {e}")
    try:
        yield r
    finally:
        r.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("call", "setup") or not report.failed:
        return
    for name, c in getattr(item, _CARDS_ATTR, None) or []:
        try:
            text = c.trace.text() if not c.closed else None
        except Exception as e:  # never hide the real failure
            text = f"(trace unavailable: {e})"
        if text is not None:
            report.sections.append((f"softcard trace ({name})", text or "(empty)"))

