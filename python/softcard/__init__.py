"""softcard: virtual smart cards in-process, served to a private PC/SC world, with fault
injection and an APDU trace. See docs/python.md."""

# The native half (_core) is built into <build>/python/softcard/ while this pure-Python half
# lives in <repo>/python/softcard/: with both on PYTHONPATH they form one package.
__path__ = __import__("pkgutil").extend_path(__path__, __name__)  # type: ignore[name-defined]

from . import _core  # noqa: E402
from .applet import Applet, Command, Keys, Pin, StatusWordError, Store  # noqa: E402
from .card import Card, CardError, Response  # noqa: E402
from .faults import CardTorn, Faults, LinkDropped, Rule  # noqa: E402
from .inspection import ContainerRecord, decode_cmapfile  # noqa: E402
from .status import SW, describe_sw, is_success, sw_name  # noqa: E402
from .trace import Trace, TraceEntry  # noqa: E402

ImageError = _core.ImageError
ProfileError = _core.ProfileError

__version__ = "0.1.0"

__all__ = [
    "Applet", "Command", "StatusWordError", "Store", "Pin", "Keys",
    "Card", "CardError", "Response", "SW", "describe_sw", "is_success", "sw_name",
    "Faults", "Rule", "LinkDropped", "CardTorn", "Trace", "TraceEntry",
    "ContainerRecord", "decode_cmapfile", "ImageError", "ProfileError",
    "Rig", "builtin_profiles", "builtin_applets",
]


def builtin_profiles() -> "list[str]":
    """Profiles built into this softcard (for Card.create(profile=...))."""
    return list(_core.builtin_profiles())


def builtin_applets() -> "list[str]":
    return list(_core.builtin_applets())


def __getattr__(name: str):
    # The rig pulls in subprocess handling; load it on first use.
    if name == "Rig":
        from .rig import Rig
        return Rig
    raise AttributeError(f"module 'softcard' has no attribute {name!r}")
