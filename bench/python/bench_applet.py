"""Throughput of an applet written in Python, against the C++ ISO applet measured in the same
run (ratios, not absolute figures, are what compare across machines).

    PYTHONPATH=<build>/python:<repo>/python SOFTCARD_BIN=<build>/bin/softcard \\
        /usr/bin/python3 bench/python/bench_applet.py [--seconds S] [--pcsc N]

In-process: a trivial Python applet (answers 4 bytes and 9000, writes nothing) through
``Card.transmit_raw`` called from a Python loop and through ``_core.transmit_many`` (a native
loop: the card path alone), and the ISO applet's PIN status (VERIFY without data, answers 63C3)
the same two ways. Through
PC/SC (a private pcscd + vpcd, ``softcard.Rig``, pyscard as the client in a child process, as a
real host is; skipped when no world can be made): N round trips to each, interleaved. Target: >= 50k APDU/s in-process for the Python applet.
"""

import argparse
import json
import subprocess
import sys
import time

import softcard
from softcard import Applet

AID = "F062656E636801"  # F0 'bench' 01
PY_APDU = bytes.fromhex("8001000004")
ISO_AID = "F0534349534F01"  # the ISO applet
ISO_APDU = bytes.fromhex("0020008100")  # VERIFY without data: the PIN's status, nothing written


class Trivial(Applet):
    aid = AID
    name = "trivial"

    def process(self, command):
        return b"\x01\x02\x03\x04"


def rate_python(card, apdu, seconds):
    tx = card.transmit_raw
    n, batch = 0, 2000
    start = time.perf_counter()
    while True:
        for _ in range(batch):
            tx(apdu)
        n += batch
        now = time.perf_counter()
        if now - start >= seconds:
            return n / (now - start)


def rate_native(card, apdu, seconds):
    n, batch = 0, 5000
    start = time.perf_counter()
    while True:
        softcard._core.transmit_many(card._handle, apdu, batch)
        n += batch
        now = time.perf_counter()
        if now - start >= seconds:
            return n / (now - start)


def pcsc_client(reader_name, n):
    """Runs in a child process, as a real host would: PC/SC round trips to each applet,
    interleaved so a burst of load elsewhere hits both alike. Prints the two rates."""
    from smartcard.System import readers
    reader = next(r for r in readers() if str(r) == reader_name)
    conn = reader.createConnection()
    conn.connect()
    spent = {"python": 0.0, "iso": 0.0}
    rounds = 4
    for _ in range(rounds):
        for label, aid, apdu in (("python", AID, PY_APDU), ("iso", ISO_AID, ISO_APDU)):
            conn.transmit(list(bytes.fromhex("00A4040007" + aid)))
            cmd = list(apdu)
            start = time.perf_counter()
            for _ in range(n // rounds):
                conn.transmit(cmd)
            spent[label] += time.perf_counter() - start
    conn.disconnect()
    print(json.dumps({k: (n // rounds) * rounds / t for k, t in spent.items()}))


def pcsc_rate(card, n):
    from softcard.rig import Rig, RigUnavailable
    try:
        rig = Rig(card).start()
    except RigUnavailable as e:
        print(f"PC/SC: skipped ({e})")
        return None
    try:  # the rig put PCSCLITE_CSOCK_NAME into os.environ: the child finds the private pcscd
        # A blocking read and wait, not subprocess.run: its communicate() loop keeps taking the
        # GIL, which the served Python applet needs for every command (a measured 2-3x slowdown).
        child = subprocess.Popen([sys.executable, __file__, "--client", rig[0], str(n)],
                                 stdout=subprocess.PIPE, text=True)
        output = child.stdout.read()
        if child.wait() != 0:
            print("PC/SC client failed")
            return None
        return json.loads(output.strip().splitlines()[-1])
    finally:
        rig.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--pcsc", type=int, default=2000, help="round trips per applet (0: skip)")
    ap.add_argument("--client", nargs=2, metavar=("READER", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.client:
        pcsc_client(args.client[0], int(args.client[1]))
        return 0
    card = softcard.Card.create(None, "iso", applets=[Trivial()])
    card.trace.enabled = False
    assert card.select(AID).ok and card.transmit(PY_APDU).data == b"\x01\x02\x03\x04"
    py_loop = rate_python(card, PY_APDU, args.seconds)
    py_native = rate_native(card, PY_APDU, args.seconds)
    assert card.select(ISO_AID).ok and card.transmit(ISO_APDU).sw == 0x63C3
    iso_loop = rate_python(card, ISO_APDU, args.seconds)
    iso_native = rate_native(card, ISO_APDU, args.seconds)
    print("in-process, trace off (APDU/s):")
    print(f"  python applet   Python loop {py_loop:10.0f}   native loop {py_native:10.0f}")
    print(f"  C++ ISO applet  Python loop {iso_loop:10.0f}   native loop {iso_native:10.0f}")
    print(f"  ratio python/C++: Python loop {py_loop / iso_loop:.2f}, native loop "
          f"{py_native / iso_native:.2f}   (target python >= 50000/s: "
          f"{'met' if py_loop >= 50000 else 'NOT met'})")
    if args.pcsc:
        card.trace.enabled = True
        r = pcsc_rate(card, args.pcsc)
        if r:
            py, iso = r["python"], r["iso"]
            print(f"PC/SC (pcscd + vpcd, pyscard in a child process), {args.pcsc} round trips "
                  "each (APDU/s):")
            print(f"  python applet {py:8.0f}   C++ ISO applet {iso:8.0f}   ratio {py / iso:.2f}")
    card.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
