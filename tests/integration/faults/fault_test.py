#!/usr/bin/python3
"""Fault scenarios through the real processes, run INSIDE `softcard rig --slots 2` (see
CMakeLists.txt): cards are served by a separate `softcard run` that the test kills with SIGKILL.

  kills     kill -9 of `softcard run` while a client streams writes, SOFTCARD_SOAK_KILLS times
            (default 20); after each: the image opens (`softcard inspect`) and the file holds
            exactly an acknowledged write or the one in flight (no half-written state).
  verify    kill -9 right after a wrong VERIFY was answered, and while one is in flight: a try the
            card reported spent is never given back.
  pykills   like kills, with a Python applet (`softcard run --applet`, crash_applet.py) whose
            every write spans two records (SOFTCARD_SOAK_PYKILLS times, default 8): both records
            always hold the same acknowledged write or the one in flight.
  load      2 cards x 4 client processes running transactions (SOFTCARD_SOAK_ROUNDS each, default
            150): 0 errors, and the RSS of `softcard run` grows less than a generous byte bound.
Reuses the PC/SC helpers of tests/integration/vpcd/pcsc_test.py.
"""
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vpcd"))
import pcsc_test as p  # noqa: E402
from smartcard import scard as sc  # noqa: E402

SOFTCARD = p.SOFTCARD
READERS = [os.environ["SOFTCARD_RIG_READER_0"], os.environ["SOFTCARD_RIG_READER_1"]]
VPCD0 = os.environ["SOFTCARD_RIG_VPCD_0"]
# Bytes; a leak per APDU would pass this within the run. Evidence behind the measurement: the
# bound failed 3 times at ~16.8 MB. Sampling /proc/PID/status showed RssAnon jump from 1.4 MB to
# 67.5 MB during the warm-up and then stay within 16 KB over 3 x 4 x 50 more transactions, i.e.
# no per-APDU leak: each VERIFY's scrypt takes 16 MiB (docs/card-image.md), glibc's dynamic mmap
# threshold then kept such blocks in the arenas of the serving threads, and a load that made one
# more thread verify added one more 16 MiB block (the 16.8 MB). `softcard run` now fixes the mmap
# threshold (emulator/src/main.cpp): RSS after the warm-up is 12 MB and the blocks go back to the
# system after each VERIFY. The growth is measured at two checkpoints after the warm-up, so a
# leak shows in the second half as well as in the first.
RSS_GROWTH_LIMIT = 16 * 1024 * 1024


class Run:
    """`softcard run` serving IMAGES into slots 0.. of the rig."""

    def __init__(self, images, applets=()):
        self.images = images
        self.applets = [a for spec in applets for a in ("--applet", spec)]
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([SOFTCARD, "run", "--vpcd", VPCD0, *self.applets, *self.images],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=p.die_with_parent)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=p.TIMEOUT)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=p.TIMEOUT)
        p.check(rc == 0, "softcard run exited %d on SIGTERM" % rc)

    def rss(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        p.fail("no VmRSS for softcard run")


def inspect_ok(image):
    r = subprocess.run([SOFTCARD, "inspect", image], capture_output=True, text=True)
    p.check(r.returncode == 0, "image does not open after a kill: " + r.stdout + r.stderr)


def connect(pcsc, reader):
    """Connects once the (restarted) card is back in `reader`."""
    deadline = time.monotonic() + p.TIMEOUT
    while True:
        p.check(time.monotonic() < deadline, "card never came back in " + reader)
        pcsc.wait(reader, True)
        rv, handle, proto = sc.SCardConnect(pcsc.ctx, reader, sc.SCARD_SHARE_SHARED,
                                            sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1)
        if rv == sc.SCARD_S_SUCCESS:
            return p.Card(handle, proto)


def login(card):
    p.select_app(card)
    card.expect("002000810431323334", "9000")
    card.expect("00A4000C025001", "9000")


def read_file(card):
    data, sw = card.tx("00B0000080")
    p.check(sw == "9000", "READ BINARY after restart: " + sw)
    return data


def case_kills(tmp):
    image = p.make_image(tmp)
    kills = int(os.environ.get("SOFTCARD_SOAK_KILLS", "20"))
    pcsc = p.Pcsc()
    rng = random.Random(1)
    acked = 0  # value of the last write the card acknowledged
    for n in range(kills):
        run = Run([image])
        run.start()
        card = connect(pcsc, READERS[0])
        login(card)
        got = read_file(card)
        p.check(len(set(got)) == 1, "half-written file after kill %d: %s" % (n, got.hex()))
        p.check(got[0] in (acked % 256, (acked + 1) % 256),
                "after kill %d the file holds %d; last acknowledged %d" % (n, got[0], acked))
        acked = got[0]
        stop = threading.Event()

        def writer():
            nonlocal acked
            while not stop.is_set():
                v = (acked + 1) % 256
                rv, resp = card.transmit_raw("00D6000080" + ("%02X" % v) * 128)
                if rv != sc.SCARD_S_SUCCESS:
                    return  # the process died under us
                if bytes(resp[-2:]) == b"\x90\x00":
                    acked = v

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(rng.uniform(0.005, 0.1))  # not an assertion: where in the stream to kill
        run.kill9()
        stop.set()
        t.join(timeout=p.TIMEOUT)
        card.close()
        pcsc.wait(READERS[0], False)
        inspect_ok(image)
    print("kills survived: %d, last value %d" % (kills, acked))


CRASH_APPLET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crash_applet.py")
CRASH_AID = "F0736F66746B696C6C01"


def case_pykills(tmp):
    image = p.make_image(tmp)
    kills = int(os.environ.get("SOFTCARD_SOAK_PYKILLS", "8"))
    pcsc = p.Pcsc()
    rng = random.Random(2)
    acked = 0
    for n in range(kills):
        run = Run([image], applets=[CRASH_APPLET + ":CrashProbe"])
        run.start()
        card = connect(pcsc, READERS[0])
        card.expect("00A404000A" + CRASH_AID, "9000")
        data, sw = card.tx("00B0000000")
        p.check(sw == "9000" and len(data) == 256, "READ after restart: %s %d" % (sw, len(data)))
        p.check(len(set(data)) == 1,
                "half-written state after kill %d: %s" % (n, data.hex()))  # a == b, uniform
        p.check(data[0] in (acked % 256, (acked + 1) % 256),
                "after kill %d the records hold %d; last acknowledged %d" % (n, data[0], acked))
        acked = data[0]
        stop = threading.Event()

        def writer():
            nonlocal acked
            while not stop.is_set():
                v = (acked + 1) % 256
                rv, resp = card.transmit_raw("00D6000080" + ("%02X" % v) * 128)
                if rv != sc.SCARD_S_SUCCESS:
                    return
                if bytes(resp[-2:]) == b"\x90\x00":
                    acked = v

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(rng.uniform(0.05, 0.3))  # not an assertion: where in the stream to kill
        run.kill9()
        stop.set()
        t.join(timeout=p.TIMEOUT)
        card.close()
        pcsc.wait(READERS[0], False)
        inspect_ok(image)
    p.check(acked > 0, "no write was ever acknowledged")
    print("python applet kills survived: %d, last value %d" % (kills, acked))


def tries(card):
    _, sw = card.tx("0020008100")
    p.check(sw.startswith("63C"), "VERIFY status: " + sw)
    return int(sw[3], 16)


def case_verify(tmp):
    image = p.make_image(tmp)
    pcsc = p.Pcsc()
    for in_flight in (False, True, False, True):
        run = Run([image])
        run.start()
        card = connect(pcsc, READERS[0])
        p.select_app(card)
        card.expect("002000810431323334", "9000")  # right PIN: counter back to max
        card.reset()  # forget the verified state, so VERIFY without data reports the counter
        p.select_app(card)
        before = tries(card)
        answered = []

        def wrong():
            rv, resp = card.transmit_raw("002000810439393939")
            if rv == sc.SCARD_S_SUCCESS:
                answered.append("%02X%02X" % (resp[-2], resp[-1]))

        if in_flight:
            t = threading.Thread(target=wrong)
            t.start()
            run.kill9()
            t.join(timeout=p.TIMEOUT)
        else:
            wrong()
            run.kill9()
        card.close()
        pcsc.wait(READERS[0], False)
        inspect_ok(image)
        run = Run([image])
        run.start()
        card = connect(pcsc, READERS[0])
        p.select_app(card)
        after = tries(card)
        if answered:
            p.check(answered[0] == "63C%X" % (before - 1), "wrong VERIFY answered " + answered[0])
            p.check(after == before - 1, "a reported try came back: %d -> %d" % (before, after))
        else:
            p.check(after in (before, before - 1), "tries %d -> %d" % (before, after))
        card.close()
        run.stop()
        pcsc.wait(READERS[0], False)
    print("verify: no try came back")


def client(reader_index, rounds):
    """One client process: transactions of SELECT, READ, UPDATE, READ-back on both cards."""
    pcsc = p.Pcsc()
    cards = [connect(pcsc, r) for r in READERS]
    errors = 0
    for i in range(rounds):
        for c in cards:
            rv = sc.SCardBeginTransaction(c.handle)
            if rv != sc.SCARD_S_SUCCESS:
                errors += 1
                continue
            try:
                login(c)
                value = "%02X" % ((reader_index * 37 + i) % 256)
                c.expect("00D6000080" + value * 128, "9000")
                p.check(read_file(c) == bytes.fromhex(value * 128), "read-back differs")
            finally:
                sc.SCardEndTransaction(c.handle, sc.SCARD_LEAVE_CARD)
    for c in cards:
        c.close()
    sys.exit(1 if errors else 0)


def case_load(tmp):
    images = [p.make_image(tmp, "a.img"), p.make_image(tmp, "b.img")]
    rounds = int(os.environ.get("SOFTCARD_SOAK_ROUNDS", "150"))
    run = Run(images)
    run.start()
    pcsc = p.Pcsc()
    for r in READERS:
        pcsc.wait(r, True)
    # Warm-up: allocator pools and caches settle before the baseline is taken.
    warm = [subprocess.Popen([sys.executable, __file__, "client", str(k), "10"]) for k in range(4)]
    p.check(all(w.wait() == 0 for w in warm), "a warm-up client failed")
    baseline = run.rss()
    half = max(1, rounds // 2)
    codes = []
    checkpoints = []
    for n in (half, rounds - half):
        procs = [subprocess.Popen([sys.executable, __file__, "client", str(k), str(n)])
                 for k in range(4)]
        codes += [pr.wait() for pr in procs]
        checkpoints.append(run.rss())
    grown = checkpoints[-1] - baseline
    p.check(codes == [0] * len(codes), "client exit codes %s" % codes)
    p.check(grown < RSS_GROWTH_LIMIT, "softcard run RSS grew by %d bytes" % grown)
    p.check(checkpoints[1] - checkpoints[0] < RSS_GROWTH_LIMIT // 2,
            "softcard run RSS grew by %d bytes in the second half alone"
            % (checkpoints[1] - checkpoints[0]))
    run.stop()
    print("load: 2 cards x 4 clients x %d transactions each per card, 0 errors, RSS %d bytes after "
          "the warm-up, %+d bytes at half time, %+d bytes at the end"
          % (rounds, baseline, checkpoints[0] - baseline, grown))


def main():
    import tempfile
    case = sys.argv[1]
    if case == "client":
        client(int(sys.argv[2]), int(sys.argv[3]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        {"kills": case_kills, "verify": case_verify, "load": case_load,
         "pykills": case_pykills}[case](tmp)
    print("OK " + case)


if __name__ == "__main__":
    main()
