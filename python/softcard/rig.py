"""A private PC/SC world for in-process cards.

``Rig`` drives ``softcard rig --hold --host-network --print-env`` (the emulator's own private
pcscd with vpcd reader slots, see ``softcard rig --help``) and serves in-process
:class:`softcard.Card` objects into its empty slots, with the fault layer in between. Clients in
this process (pyscard) or in child processes reach the private pcscd through
``PCSCLITE_CSOCK_NAME``, which the rig sets in ``os.environ``.

libpcsclite reads ``PCSCLITE_CSOCK_NAME`` once per process, so one process gets one world: the
first Rig starts it and later Rigs in the same process reuse it (it stops when the process
exits, or on :func:`shutdown_world`). Each ``with Rig(...)`` block only inserts and removes its
own cards::

    with softcard.Rig(card) as rig:
        reader = rig.readers[0]          # pyscard talks to the card through this reader
        rig.remove(card); rig.insert(card)
"""

from __future__ import annotations

import atexit
import ctypes
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from typing import Dict, Iterator, List, Mapping, Optional, Union

from . import _core
from .card import Card

__all__ = ["Rig", "RigUnavailable", "World", "find_softcard_binary", "shutdown_world"]

DEFAULT_SLOTS = 2  # vpcd: one reader entry (two slots) per pcscd works reliably


class RigUnavailable(RuntimeError):
    """This machine cannot make a private PC/SC world; the message says why."""


def find_softcard_binary() -> Optional[str]:
    """$SOFTCARD_BIN, else <build>/bin/softcard next to the build tree's _core, else PATH."""
    env = os.environ.get("SOFTCARD_BIN")
    if env:
        return env if os.access(env, os.X_OK) else None
    core_dir = os.path.dirname(os.path.abspath(_core.__file__))
    candidate = os.path.normpath(os.path.join(core_dir, "..", "..", "bin", "softcard"))
    if os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("softcard")


def _set_pdeathsig() -> None:  # runs in the child before exec: die with us
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class World:
    """One running ``softcard rig --hold`` process and its slots."""

    def __init__(self, slots: int = DEFAULT_SLOTS, timeout: float = 30.0,
                 binary: Optional[str] = None) -> None:
        self.binary = binary or find_softcard_binary()
        if not self.binary:
            raise RigUnavailable("the softcard program was not found (build target 'softcard', or set SOFTCARD_BIN)")
        for need, what in (("/usr/sbin/pcscd", "pcscd (apt install pcscd)"),
                           ("/usr/lib/pcsc/drivers/serial/libifdvpcd.so", "vpcd (apt install vsmartcard-vpcd)")):
            if not os.path.exists(need):
                raise RigUnavailable(f"{what} is not installed")
        self._logdir = tempfile.TemporaryDirectory(prefix="softcard-pyrig-")
        self._log_path = os.path.join(self._logdir.name, "rig.log")
        self._log = open(self._log_path, "wb")
        self.env: Dict[str, str] = {}
        self.proc = subprocess.Popen(
            [self.binary, "rig", "--hold", "--print-env", "--host-network", "--slots", str(slots),
             "--timeout", str(timeout)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log,
            preexec_fn=_set_pdeathsig, close_fds=True)
        try:
            self._read_env(timeout)
        except BaseException:
            self.stop()
            raise
        self.slots: List[str] = []
        self.endpoints: List[str] = []
        for i in range(int(self.env["SOFTCARD_RIG_SLOTS"])):
            self.slots.append(self.env[f"SOFTCARD_RIG_READER_{i}"])
            self.endpoints.append(self.env[f"SOFTCARD_RIG_VPCD_{i}"])
        self.socket = self.env["PCSCLITE_CSOCK_NAME"]

    def _read_env(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        buf = b""
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RigUnavailable(f"softcard rig did not get ready within {timeout} s:\n{self.log_tail()}")
                if not sel.select(left):
                    continue
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    self.proc.wait()
                    raise RigUnavailable(
                        f"softcard rig exited with status {self.proc.returncode} before it was ready "
                        f"(a private PC/SC world needs mount/network namespaces):\n{self.log_tail()}")
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    key, _, value = line.decode().partition("=")
                    if key == "SOFTCARD_RIG_READY":
                        return
                    if key:
                        self.env[key] = value
        finally:
            sel.close()

    def log_tail(self, limit: int = 4000) -> str:
        try:
            with open(self._log_path, "rb") as f:
                return f.read()[-limit:].decode(errors="replace")
        except OSError:
            return ""

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._log.close()
        self._logdir.cleanup()


_world_lock = threading.Lock()
_world: Optional[World] = None


def _shared_world(slots: int, timeout: float) -> World:
    global _world
    with _world_lock:
        if _world is not None and not _world.alive:
            _world.stop()
            _world = None
        if _world is None:
            prior = os.environ.get("PCSCLITE_CSOCK_NAME")
            _world = World(max(slots, DEFAULT_SLOTS), timeout)
            if prior and prior != _world.socket and _pcsc_used():
                # libpcsclite already cached the old socket name: this process cannot reach the
                # new world. Say so instead of timing out later.
                w, _world = _world, None
                w.stop()
                raise RigUnavailable(
                    "this process already talked to another PC/SC world (PCSCLITE_CSOCK_NAME is read "
                    "once per process); run the rig in a fresh process")
            os.environ["PCSCLITE_CSOCK_NAME"] = _world.socket
            atexit.register(shutdown_world)
        elif len(_world.slots) < slots:
            raise RigUnavailable(f"the running world has {len(_world.slots)} slots, {slots} wanted "
                                 "(call softcard.rig.shutdown_world() first, or ask for them up front)")
        return _world


def _pcsc_used() -> bool:
    import sys
    return "smartcard.scard" in sys.modules and getattr(_pcsc_used, "contexts", 0) > 0


def shutdown_world() -> None:
    """Stops the process's private PC/SC world (cards still served are unserved by their Rig)."""
    global _world
    with _world_lock:
        if _world is not None:
            _world.stop()
            _world = None


def _wait_reader(reader: str, present: bool, timeout: float) -> bool:
    """Waits on pcscd's events (no polling sleeps) until `reader` has a card (or none)."""
    try:
        from smartcard import scard  # type: ignore
    except ImportError:
        return True  # no pyscard: the served link state is all we can know
    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise RigUnavailable(f"cannot reach the private pcscd: {scard.SCardGetErrorMessage(hresult)}")
    _pcsc_used.contexts = getattr(_pcsc_used, "contexts", 0) + 1  # type: ignore[attr-defined]
    try:
        deadline = time.monotonic() + timeout
        state = scard.SCARD_STATE_UNAWARE
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            hresult, states = scard.SCardGetStatusChange(ctx, int(left * 1000), [(reader, state)])
            if hresult == scard.SCARD_E_TIMEOUT:
                return False
            if hresult != scard.SCARD_S_SUCCESS:
                raise RuntimeError(f"SCardGetStatusChange({reader!r}): {scard.SCardGetErrorMessage(hresult)}")
            _, event, _atr = states[0]
            is_present = bool(event & scard.SCARD_STATE_PRESENT) and not event & scard.SCARD_STATE_MUTE
            if is_present == present and not event & scard.SCARD_STATE_UNAVAILABLE:
                return True
            state = event & ~scard.SCARD_STATE_CHANGED
    finally:
        scard.SCardReleaseContext(ctx)


class Rig:
    """Context manager: a private PC/SC world with the given cards inserted.

    ``cards`` are :class:`Card` objects (served from this process, faults apply) or profile
    names / dicts (a fresh in-memory card is made, and closed with the rig). The rig is a
    sequence of the reader names of its inserted cards, in order."""

    def __init__(self, *cards: Union[Card, str, Mapping], slots: Optional[int] = None,
                 timeout: float = 30.0, reconnect_after_drop: float = 1.0) -> None:
        self._requested = cards
        self.reconnect_after_drop = reconnect_after_drop
        self._slots_wanted = slots or len(cards)
        self.timeout = timeout
        self.world: Optional[World] = None
        self.cards: List[Card] = []
        self._owned: List[Card] = []
        self._slot_of: Dict[int, int] = {}

    # -- context -------------------------------------------------------------------------
    def __enter__(self) -> "Rig":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> "Rig":
        self.world = _shared_world(self._slots_wanted, self.timeout)
        try:
            for c in self._requested:
                card = c if isinstance(c, Card) else Card.create(None, c)
                if card is not c:
                    self._owned.append(card)
                self.insert(card)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        for card in list(self.cards):
            reader = self.reader(card)
            if not card.closed:
                card.unserve()
            # The next card in this slot must not meet pcscd's idea of this one: wait until the
            # reader is seen empty.
            _wait_reader(reader, False, self.timeout)
            self._release(card)
        for card in self._owned:
            card.close()
        self._owned.clear()

    # -- readers -------------------------------------------------------------------------
    @property
    def env(self) -> Dict[str, str]:
        """What a child process needs to reach the world (PCSCLITE_CSOCK_NAME)."""
        assert self.world is not None, "the rig is not started"
        return {"PCSCLITE_CSOCK_NAME": self.world.socket}

    @property
    def readers(self) -> List[str]:
        assert self.world is not None, "the rig is not started"
        return [self.world.slots[self._slot_of[id(c)]] for c in self.cards]

    def reader(self, card: Card) -> str:
        assert self.world is not None, "the rig is not started"
        return self.world.slots[self._slot_of[id(card)]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.readers)

    def __len__(self) -> int:
        return len(self.cards)

    def __getitem__(self, i: int) -> str:
        return self.readers[i]

    # -- insertion -----------------------------------------------------------------------
    def _free_slot(self) -> int:
        assert self.world is not None
        used = _used_slots()
        for i in range(len(self.world.slots)):
            if i not in used:
                return i
        raise RigUnavailable(f"all {len(self.world.slots)} reader slots of the world are in use")

    def _release(self, card: Card) -> None:
        slot = self._slot_of.pop(id(card), None)
        if slot is not None:
            _used_slots().discard(slot)
        if card in self.cards:
            self.cards.remove(card)

    def insert(self, card: Card, *, wait: bool = True) -> str:
        """Inserts ``card`` (first time: into a free slot and served; after remove(): back into
        its slot). Returns the reader name. Waits until PC/SC sees the card unless wait=False."""
        assert self.world is not None, "the rig is not started"
        if id(card) in self._slot_of:
            if card.serve_state in ("removed", "connecting"):
                # pcscd must have seen the card go before it comes back, or it keeps stale
                # handles to the old insertion.
                _wait_reader(self.reader(card), False, self.timeout)
            card.insert()
        else:
            slot = self._free_slot()
            _used_slots().add(slot)
            self._slot_of[id(card)] = slot
            self.cards.append(card)
            # After a dropped link the card stays away long enough for pcscd's presence poll to
            # notice, so clients see a removal and a new insertion.
            card.serve(vpcd=self.world.endpoints[slot], reconnect_after_drop=self.reconnect_after_drop)
        reader = self.reader(card)
        if wait:
            if not card.wait_served("connected", self.timeout):
                raise RuntimeError(f"card did not connect to vpcd for {reader!r}:\n{self.world.log_tail()}")
            if not _wait_reader(reader, True, self.timeout):
                raise RuntimeError(f"PC/SC does not see the card in {reader!r}")
        return reader

    def remove(self, card: Card, *, wait: bool = True) -> None:
        """Pulls ``card`` out of its reader (it keeps the slot for a later insert())."""
        card.remove()
        if wait:
            card.wait_served("removed", self.timeout)
            if not _wait_reader(self.reader(card), False, self.timeout):
                raise RuntimeError(f"PC/SC still sees a card in {self.reader(card)!r}")

    def wait_present(self, card: Card, present: bool = True, timeout: Optional[float] = None) -> bool:
        """Waits on PC/SC events until the card's reader has (or has no) card."""
        return _wait_reader(self.reader(card), present, self.timeout if timeout is None else timeout)


_slots_in_use: set = set()


def _used_slots() -> set:
    return _slots_in_use


def available(timeout: float = 30.0) -> "tuple[bool, str]":
    """(True, "") if a private world can be made here, else (False, reason)."""
    try:
        _shared_world(1, timeout)
        return True, ""
    except RigUnavailable as e:
        return False, str(e)
