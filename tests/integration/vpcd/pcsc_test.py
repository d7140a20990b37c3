#!/usr/bin/python3
"""Integration tests for the vpcd bridge through a real pcscd + vpcd, run INSIDE `softcard rig`.

CMake runs each case as
    softcard rig --profile iso --slots 2 -- /usr/bin/python3 pcsc_test.py CASE
so slot 0 holds a fresh ISO card served by the rig itself and slot 1 is free for a card served by a
separate `softcard run` process (which the test can kill, signal and restart). Everything waits on
events (PC/SC state changes, log lines) bounded by generous timeouts; nothing sleeps a fixed time.
"""
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

from smartcard import scard as sc

SOFTCARD = os.environ["SOFTCARD_BIN"]
TIMEOUT = 20.0  # seconds; generous, never a measured duration

ISO_DF_AID = "A0000000015053"


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def h(s):
    return list(bytes.fromhex(s.replace(" ", "")))


class Pcsc:
    def __init__(self):
        rv, self.ctx = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
        check(rv == sc.SCARD_S_SUCCESS, "SCardEstablishContext: " + sc.SCardGetErrorMessage(rv))

    def wait(self, reader, present):
        """Waits until `reader` has a card (present=True) or none (False)."""
        state = sc.SCARD_STATE_UNAWARE
        deadline = time.monotonic() + TIMEOUT
        while True:
            left = int((deadline - time.monotonic()) * 1000)
            check(left > 0, "reader %r did not become %s" % (reader, "present" if present else "empty"))
            rv, states = sc.SCardGetStatusChange(self.ctx, left, [(reader, state)])
            if rv == sc.SCARD_E_TIMEOUT:
                continue
            check(rv == sc.SCARD_S_SUCCESS, "SCardGetStatusChange: " + sc.SCardGetErrorMessage(rv))
            _, event, _atr = states[0]
            if bool(event & sc.SCARD_STATE_PRESENT) == present and not (event & sc.SCARD_STATE_MUTE):
                return
            state = event & ~sc.SCARD_STATE_CHANGED

    def connect(self, reader):
        rv, card, proto = sc.SCardConnect(self.ctx, reader, sc.SCARD_SHARE_SHARED,
                                          sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1)
        check(rv == sc.SCARD_S_SUCCESS, "SCardConnect(%r): %s" % (reader, sc.SCardGetErrorMessage(rv)))
        return Card(card, proto)

    def connect_when_present(self, reader):
        self.wait(reader, True)
        return self.connect(reader)


class Card:
    def __init__(self, handle, proto):
        self.handle = handle
        self.proto = proto

    def transmit_raw(self, apdu):
        rv, resp = sc.SCardTransmit(self.handle, self.proto, h(apdu) if isinstance(apdu, str) else apdu)
        return rv, resp

    def tx(self, apdu):
        rv, resp = self.transmit_raw(apdu)
        check(rv == sc.SCARD_S_SUCCESS, "SCardTransmit(%s): %s" % (apdu, sc.SCardGetErrorMessage(rv)))
        return bytes(resp[:-2]), "%02X%02X" % (resp[-2], resp[-1])

    def expect(self, apdu, sw, data=None):
        got, got_sw = self.tx(apdu)
        check(got_sw == sw, "%s -> %s, expected %s" % (apdu, got_sw, sw))
        if data is not None:
            check(got == data, "%s -> data %s, expected %s" % (apdu, got.hex(), data.hex()))
        return got

    def reset(self):
        rv, self.proto = sc.SCardReconnect(self.handle, sc.SCARD_SHARE_SHARED,
                                           sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1, sc.SCARD_RESET_CARD)
        check(rv == sc.SCARD_S_SUCCESS, "SCardReconnect(reset): " + sc.SCardGetErrorMessage(rv))

    def atr(self):
        rv, reader, state, proto, atr = sc.SCardStatus(self.handle)
        check(rv == sc.SCARD_S_SUCCESS, "SCardStatus: " + sc.SCardGetErrorMessage(rv))
        return bytes(atr)

    def close(self, disposition=sc.SCARD_LEAVE_CARD):
        sc.SCardDisconnect(self.handle, disposition)


def die_with_parent():
    """The served card must not outlive a failed test (PR_SET_PDEATHSIG = 1)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


class Served:
    """A card served by a separate `softcard run` process into the rig's free slot 1."""

    def __init__(self, image, extra=()):
        self.image = image
        self.extra = list(extra)
        self.proc = None
        self.lines = queue.Queue()

    def start(self):
        self.lines = queue.Queue()  # a fresh log per process
        self.proc = subprocess.Popen(
            [SOFTCARD, "run", "--vpcd", os.environ["SOFTCARD_RIG_VPCD_1"]] + self.extra + [self.image],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=die_with_parent)
        threading.Thread(target=self._pump, args=(self.proc, self.lines), daemon=True).start()
        self.wait_log("connected to vpcd")

    @staticmethod
    def _pump(proc, lines):
        for line in proc.stdout:
            sys.stderr.write("  [softcard run] " + line)
            lines.put(line)
        lines.put(None)

    def wait_log(self, text):
        deadline = time.monotonic() + TIMEOUT
        while True:
            left = deadline - time.monotonic()
            check(left > 0, "softcard run never logged %r" % text)
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            check(line is not None, "softcard run exited while waiting for %r" % text)
            if text in line:
                return

    def send(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=TIMEOUT)


def make_image(tmp, name="card.img"):
    path = os.path.join(tmp, name)
    subprocess.run([SOFTCARD, "init", "--profile", "iso", path], check=True, stdout=subprocess.DEVNULL)
    return path


def select_app(card):
    card.expect("00A4040C07" + ISO_DF_AID, "9000")


# ---- cases ----

def case_atr():
    pcsc = Pcsc()
    card = pcsc.connect_when_present(os.environ["SOFTCARD_RIG_READER_0"])
    atr = card.atr()
    check(len(atr) >= 2 and atr[0] in (0x3B, 0x3F), "bad ATR " + atr.hex())
    # GET ATR is side-effect free: many status polls later the card still answers.
    for _ in range(50):
        check(card.atr() == atr, "ATR changed")
    card.expect("00A4000C023F00", "9000")


def case_roundtrip():
    pcsc = Pcsc()
    card = pcsc.connect_when_present(os.environ["SOFTCARD_RIG_READER_0"])
    card.expect("00A4000C023F00", "9000")
    card.expect("00A4020C022F00", "9000")
    data = card.expect("00B0000011", "9000")
    check(data == b"softcard ISO card", "EF 2F00 holds %r" % data)
    for _ in range(500):
        card.expect("00A4000C023F00", "9000")
    card.expect("00FF0000", "6D00")  # unknown INS answered by the card, not the bridge


def case_reset():
    pcsc = Pcsc()
    card = pcsc.connect_when_present(os.environ["SOFTCARD_RIG_READER_0"])
    select_app(card)
    card.expect("0020008104" + b"1234".hex(), "9000")
    card.expect("00200081", "9000")  # verified in this session
    card.reset()
    select_app(card)
    card.expect("00200081", "63C3")  # reset cleared it; no try was spent
    card.expect("0020008104" + b"1234".hex(), "9000")


def case_removal():
    with tempfile.TemporaryDirectory() as tmp:
        reader = os.environ["SOFTCARD_RIG_READER_1"]
        served = Served(make_image(tmp))
        served.start()
        pcsc = Pcsc()
        card = pcsc.connect_when_present(reader)
        card.expect("00A4000C023F00", "9000")
        served.send(signal.SIGUSR2)  # pull the card
        pcsc.wait(reader, False)
        rv, _ = card.transmit_raw("00A4000C023F00")
        check(rv != sc.SCARD_S_SUCCESS, "transmit to a removed card succeeded")
        card.close()
        served.send(signal.SIGUSR2)  # insert it again
        card = pcsc.connect_when_present(reader)
        card.expect("00A4000C023F00", "9000")
        card.close()
        check(served.stop() == 0, "softcard run did not exit 0 on SIGTERM")
        pcsc.wait(reader, False)
        # And back once more: a fresh process on the same image.
        served.start()
        card = pcsc.connect_when_present(reader)
        card.expect("00A4000C023F00", "9000")
        card.close()
        check(served.stop(signal.SIGINT) == 0, "softcard run did not exit 0 on SIGINT")


def retry_until_ok(pcsc, reader, apdu):
    """After a link drop pcscd may or may not have seen a removal: reconnect until the card answers."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        pcsc.wait(reader, True)
        card = pcsc.connect(reader)
        rv, resp = card.transmit_raw(apdu)
        if rv == sc.SCARD_S_SUCCESS:
            return card
        card.close()
    fail("card never came back")


def case_linkdrop():
    with tempfile.TemporaryDirectory() as tmp:
        reader = os.environ["SOFTCARD_RIG_READER_1"]
        image = make_image(tmp)
        served = Served(image)
        served.start()
        pcsc = Pcsc()
        card = pcsc.connect_when_present(reader)
        select_app(card)
        card.expect("0020008104" + b"1234".hex(), "9000")
        card.expect("00A4020C025001", "9000")
        card.expect("00D6000004CAFEF00D", "9000")  # committed before the drop
        # 1. The link drops (fault drill) and the bridge reconnects by itself.
        served.send(signal.SIGUSR1)
        served.wait_log("dropping the link")
        served.wait_log("connected to vpcd")
        card.close()
        card = retry_until_ok(pcsc, reader, "00A4000C023F00")
        select_app(card)
        card.expect("00200081", "63C3")  # volatile state is gone with the link
        card.expect("00A4020C025001", "9000")
        card.expect("00B0000004", "9000", bytes.fromhex("CAFEF00D"))  # committed state is not
        # 2. The serving process dies mid-stream (SIGKILL while APDUs flow), then comes back.
        card.expect("0020008104" + b"1234".hex(), "9000")
        card.expect("00D6000004" + "0BADCAFE", "9000")
        stop = threading.Event()
        errors = []

        def pump():
            while not stop.is_set():
                rv, _ = card.transmit_raw("00B0000004")
                if rv != sc.SCARD_S_SUCCESS:
                    errors.append(rv)
                    return

        t = threading.Thread(target=pump)
        t.start()
        served.stop(signal.SIGKILL)
        t.join(timeout=TIMEOUT)
        stop.set()
        check(errors, "the client never noticed the link going away")
        card.close()
        served.start()
        card = retry_until_ok(pcsc, reader, "00A4000C023F00")
        select_app(card)
        card.expect("00A4020C025001", "9000")
        card.expect("00B0000004", "9000", bytes.fromhex("0BADCAFE"))
        card.close()
        check(served.stop() == 0, "softcard run did not exit 0")


def reader_state(pcsc, reader, known=sc.SCARD_STATE_UNAWARE, timeout_ms=0):
    """(event state, event counter) of `reader`; counter = pcscd's insert/remove count."""
    rv, states = sc.SCardGetStatusChange(pcsc.ctx, timeout_ms, [(reader, known)])
    if rv == sc.SCARD_E_TIMEOUT:
        return None
    check(rv == sc.SCARD_S_SUCCESS, "SCardGetStatusChange: " + sc.SCardGetErrorMessage(rv))
    event = states[0][1]
    return event, (event >> 16) & 0xFFFF


def wait_back(pcsc, reader, counter):
    """Waits until pcscd saw the card go and come back (counter advanced by 2, PRESENT)."""
    known = sc.SCARD_STATE_UNAWARE
    deadline = time.monotonic() + TIMEOUT
    while True:
        left = int((deadline - time.monotonic()) * 1000)
        check(left > 0, "pcscd did not see the card leave %r and come back (state %#x, %d events)"
              % (reader, known, (known >> 16) - counter))
        got = reader_state(pcsc, reader, known, left)
        if got is None:
            continue
        event, now = got
        back = (now - counter) & 0xFFFF
        if back >= 2 and event & sc.SCARD_STATE_PRESENT and not event & sc.SCARD_STATE_MUTE:
            return
        known = event & ~sc.SCARD_STATE_CHANGED


def case_reconnect():
    """Issue 10 item 1: the link drops while a client holds the card (and at once sends a command
    into the dead link, the case that wedged with vpcd 3.3). Every time, pcscd must see the card
    leave and come back, and the client's handle must reconnect to a card whose volatile state
    is visibly fresh. Prints the time each round took for the card to come back."""
    rounds = int(os.environ.get("SOFTCARD_RECONNECT_ROUNDS", "10"))
    with tempfile.TemporaryDirectory() as tmp:
        reader = os.environ["SOFTCARD_RIG_READER_1"]
        served = Served(make_image(tmp))
        served.start()
        pcsc = Pcsc()
        card = pcsc.connect_when_present(reader)
        figures = []
        for i in range(rounds):
            select_app(card)
            card.expect("0020008104" + b"1234".hex(), "9000")
            _, counter = reader_state(pcsc, reader)
            start = time.monotonic()
            served.send(signal.SIGUSR1)
            served.wait_log("dropping the link")
            card.transmit_raw("00A4000C023F00")  # into the dead link: fails, or sees the removal
            wait_back(pcsc, reader, counter)
            figures.append(time.monotonic() - start)
            rv, card.proto = sc.SCardReconnect(card.handle, sc.SCARD_SHARE_SHARED,
                                               sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1,
                                               sc.SCARD_LEAVE_CARD)
            check(rv == sc.SCARD_S_SUCCESS,
                  "round %d: SCardReconnect after the drop: %s" % (i, sc.SCardGetErrorMessage(rv)))
            select_app(card)
            card.expect("00200081", "63C3")  # a new session: the PIN is no longer verified
        card.close()
        check(served.stop() == 0, "softcard run did not exit 0")
        print("reconnect: %d drops with a client connected; card back after %s s (max %.3f s)" % (
            rounds, " ".join("%.3f" % f for f in figures), max(figures)))


FAULT_RULES = """{
  "softcard_faults": 1,
  "rules": [
    {"action": "answer_sw", "sw": "6A82", "match": {"prefix": "00A4020C022F00"}, "nth": 2,
     "label": "2nd SELECT 2F00"},
    {"action": "drop_link", "match": {"cla": "00", "ins": "B0"}, "label": "READ BINARY drops"},
    {"action": "tear_after", "match": {"ins": "D6"}, "label": "UPDATE BINARY tears"}
  ]
}"""


def case_faults():
    """`softcard run --faults FILE`: injected status word, dropped link and torn power, seen
    through pcscd by pyscard; a malformed rule file is refused with the file and field named."""
    with tempfile.TemporaryDirectory() as tmp:
        image = make_image(tmp)
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            f.write('{"softcard_faults": 1, "rules": [{"action": "answer_sw", "sw": "6A8"}]}')
        r = subprocess.run([SOFTCARD, "run", "--faults", bad, "--vpcd", os.environ["SOFTCARD_RIG_VPCD_1"],
                            image], capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == 1, "a bad rule file was not refused (exit %d)" % r.returncode)
        check(bad + ": rules[0].sw: expected 4 hex digits" in r.stderr,
              "the error does not name the file and field: %r" % r.stderr)
        check("connected to vpcd" not in r.stderr, "served before the rule file was checked")

        rules = os.path.join(tmp, "faults.json")
        with open(rules, "w") as f:
            f.write(FAULT_RULES)
        reader = os.environ["SOFTCARD_RIG_READER_1"]
        served = Served(image, ["--faults", rules])
        served.start()
        pcsc = Pcsc()
        card = pcsc.connect_when_present(reader)
        # 1. The injected status word, on the 2nd matching command only.
        card.expect("00A4000C023F00", "9000")
        card.expect("00A4020C022F00", "9000")
        card.expect("00A4020C022F00", "6A82")
        served.wait_log("fault on 00a4020c: 2nd SELECT 2F00 -> answered SW 6a82")
        card.expect("00A4020C022F00", "9000")
        # 2. The link drops instead of answering READ BINARY; the card comes back.
        _, counter = reader_state(pcsc, reader)
        rv, resp = card.transmit_raw("00B0000004")
        # vpcd 3.3 turns the lost answer into an empty R-APDU with success, or pcscd an error.
        check(rv != sc.SCARD_S_SUCCESS or len(resp) < 2,
              "READ BINARY was answered although its link was dropped: %r" % resp)
        served.wait_log("fault on 00b00000: READ BINARY drops -> dropped")
        wait_back(pcsc, reader, counter)
        rv, card.proto = sc.SCardReconnect(card.handle, sc.SCARD_SHARE_SHARED,
                                           sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1, sc.SCARD_LEAVE_CARD)
        check(rv == sc.SCARD_S_SUCCESS, "SCardReconnect after the drop: " + sc.SCardGetErrorMessage(rv))
        card.expect("00A4000C023F00", "9000")
        card.expect("00A4020C022F00", "9000")
        data = card.expect("00B0000011", "9000")  # the drop fired once
        check(data == b"softcard ISO card", "EF 2F00 holds %r" % data)
        # 3. Power torn after the card committed UPDATE BINARY: the reader empties until SIGUSR2.
        select_app(card)
        card.expect("0020008104" + b"1234".hex(), "9000")
        card.expect("00A4020C025001", "9000")
        rv, resp = card.transmit_raw("00D6000004CAFEF00D")
        check(rv != sc.SCARD_S_SUCCESS or len(resp) < 2,
              "UPDATE BINARY was answered although the power was torn: %r" % resp)
        served.wait_log("UPDATE BINARY tears -> torn")
        pcsc.wait(reader, False)
        card.close()
        served.send(signal.SIGUSR2)  # insert it again
        card = pcsc.connect_when_present(reader)
        select_app(card)
        card.expect("0020008104" + b"1234".hex(), "9000")
        card.expect("00A4020C025001", "9000")
        card.expect("00B0000004", "9000", bytes.fromhex("CAFEF00D"))  # committed before the tear
        card.close()
        check(served.stop() == 0, "softcard run --faults did not exit 0")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        fail("usage: pcsc_test.py {%s}" % "|".join(sorted(CASES)))
    CASES[sys.argv[1]]()
    print("ok: " + sys.argv[1])
