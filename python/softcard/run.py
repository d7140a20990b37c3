"""``softcard run --applet MODULE:CLASS IMAGE...`` lands here (the CLI execs
``python3 -m softcard.run``): each image is opened with a fresh instance of every applet class,
served to vpcd (slot N at PORT+N) through the same bridge as the C++ runner, with the same fault
rule files and a printed trace. SIGINT/SIGTERM: stop, close the images, exit 0. SIGUSR2: remove
the cards / insert them again. docs/python.md, "softcard run --applet".

Exit status: 0 after a signal, 2 for a usage error (a bad applet spec, an unloadable module, a
bad image or key), as the C++ ``softcard run`` does.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import signal
import sys
import threading
from typing import List, Optional, Type

from . import _core
from .applet import Applet
from .card import Card, _parse_endpoint


def load_applet_class(spec: str) -> Type[Applet]:
    """``package.module:Class`` or ``path/to/file.py:Class``."""
    where, sep, cls_name = spec.rpartition(":")
    if not sep or not where or not cls_name:
        raise ValueError(f"--applet {spec!r}: expected MODULE:CLASS or FILE.py:CLASS")
    if where.endswith(".py"):
        mod_name = "softcard_applet_" + os.path.splitext(os.path.basename(where))[0]
        loader = importlib.util.spec_from_file_location(mod_name, where)
        if loader is None or loader.loader is None:
            raise ValueError(f"--applet {spec!r}: cannot load {where}")
        module = importlib.util.module_from_spec(loader)
        sys.modules[mod_name] = module
        loader.loader.exec_module(module)
    else:
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        module = importlib.import_module(where)
    cls = getattr(module, cls_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Applet)):
        raise ValueError(f"--applet {spec!r}: {cls_name} is not a softcard.Applet subclass")
    return cls


def read_key(args) -> Optional[bytes]:
    if args.key_file:
        with open(args.key_file, "rb") as f:
            return _core.parse_image_key(f.read(), args.key_file)
    if args.key_fd is not None:
        chunks = []
        while True:
            b = os.read(args.key_fd, 4096)
            if not b:
                break
            chunks.append(b)
        return _core.parse_image_key(b"".join(chunks), f"file descriptor {args.key_fd}")
    return None


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="softcard run", description=__doc__.split("\n\n")[0])
    p.add_argument("--applet", action="append", required=True, metavar="MODULE:CLASS")
    p.add_argument("--default-applet", metavar="NAME")
    p.add_argument("--vpcd", default="127.0.0.1:35963", metavar="HOST:PORT")
    p.add_argument("--listen", metavar="ADDR:PORT")
    p.add_argument("--trace", action="store_true")
    p.add_argument("--faults", metavar="FILE")
    p.add_argument("--key-file", metavar="PATH")
    p.add_argument("--key-fd", type=int, metavar="N")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    return p.parse_args(argv)


def log(text: str) -> None:
    print(f"softcard run: {text}", file=sys.stderr, flush=True)


class TracePrinter(threading.Thread):
    """Prints each card's new trace entries (the C++ runner prints them as they happen; here
    they come from the trace buffer a moment later)."""

    def __init__(self, cards: List[Card], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.cards, self.stop, self.seen = cards, stop, [0] * len(cards)

    def flush(self) -> None:
        for i, card in enumerate(self.cards):
            for e in card.trace.entries:
                if e.seq > self.seen[i]:
                    self.seen[i] = e.seq
                    print(f"card {i}: {e}", file=sys.stderr, flush=True)

    def run(self) -> None:
        while not self.stop.wait(0.1):
            self.flush()


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.listen:
        log("--listen is not available with --applet (cards with Python applets connect to "
            "vpcd: use --vpcd)")
        return 2
    try:
        classes = [load_applet_class(s) for s in args.applet]
        key = read_key(args)
        host, port = _parse_endpoint(args.vpcd)
        cards: List[Card] = []
        for i, image in enumerate(args.images):
            cards.append(Card.open(image, key=key, applets=[cls() for cls in classes],
                                   default_applet=args.default_applet))
            if args.faults:
                n = _core.apply_fault_file(cards[-1]._handle, args.faults, i, len(args.images))
                log(f"fault rules from {args.faults}: {n} rule(s) in the file")
    except Exception as e:  # a usage error: say it the way the C++ runner does
        log(f"error: {e}")
        return 2

    stop = threading.Event()
    removed = [False]

    def on_stop(signum, frame):
        stop.set()

    def on_usr2(signum, frame):
        removed[0] = not removed[0]
        for c in cards:
            c.remove() if removed[0] else c.insert()

    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGUSR2, on_usr2)
    printer = TracePrinter(cards, stop) if args.trace else None
    for i, card in enumerate(cards):
        card.serve(vpcd=f"{host}:{port + i}")
        log(f"card {i} ({args.images[i]}): vpcd at {host}:{port + i}, applets "
            f"{', '.join(card.applets)}")
    if printer:
        printer.start()
    while not stop.wait(3600):
        pass
    if printer:
        printer.flush()
    for card in cards:
        card.unserve()
        card.close()
    log("stopped; images closed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
