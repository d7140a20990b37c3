"""The host-side minidriver library (minidriver/, cardmod.h names) from Python.

Status: the native library exists in the build (``libsoftcard_minidriver``) but its Python
binding (SKI calls with Pythonic names, bytes in and out) is not written yet; ``available()``
says so and scenarios that need it skip with that reason.
"""

from __future__ import annotations

from . import _core

__all__ = ["available", "why_unavailable"]


def available() -> bool:
    return False


def why_unavailable() -> str:
    if not getattr(_core, "has_minidriver", False):
        return "this softcard build has no minidriver library"
    return "the SKI / minidriver Python binding is not implemented yet (softcard.minidriver)"


def ca_key_archival(check) -> None:  # pragma: no cover - placeholder until the binding exists
    check.skip(why_unavailable())
