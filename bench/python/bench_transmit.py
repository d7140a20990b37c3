"""In-process Card.transmit throughput from Python for a read-only APDU (GIDS GET DATA of the
cardcf object, which writes nothing).

    PYTHONPATH=<build>/python:<repo>/python /usr/bin/python3 bench/python/bench_transmit.py [--seconds S]

Prints APDU/s for: transmit_raw (bytes in/out), transmit (Response objects), each with the trace
on (default) and off, and the in-memory vs SQLite image. Target: >= 100k APDU/s.
"""

import argparse
import os
import tempfile
import time

import softcard
from softcard.gids import GIDS_AID

GET_CARDCF = bytes.fromhex("00CBA010045C02DF2200")


def rate(fn, seconds: float) -> float:
    n = 0
    batch = 2000
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(batch):
            fn(GET_CARDCF)
        n += batch
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        cards = {"memory": softcard.Card.create(None, "gids"),
                 "sqlite": softcard.Card.create(os.path.join(d, "bench.img"), "gids")}
        results = []
        for where, card in cards.items():
            card.select(GIDS_AID)
            assert card.transmit(GET_CARDCF).ok, card.transmit(GET_CARDCF)
            for trace in (True, False):
                card.trace.enabled = trace
                card.trace.clear()
                for label, fn in (("transmit_raw", card.transmit_raw), ("transmit", card.transmit)):
                    r = rate(fn, args.seconds)
                    results.append(r)
                    print(f"{where:6}  trace {'on ' if trace else 'off'}  {label:12}  {r / 1000:8.1f} k APDU/s")
            card.close()
    best_default = results[1]  # memory, trace on, transmit (the default, Pythonic path)
    print(f"in-process Card.transmit (memory image, trace on): {best_default / 1000:.1f} k APDU/s "
          f"({'meets' if best_default >= 100_000 else 'below'} the 100k APDU/s target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
