#!/usr/bin/python3
"""Integration tests of `softcard rig` itself, run from OUTSIDE any rig:
  opensc   -- opensc-tool -a / -s inside a rig see the card's ATR and get 9000 for SELECT MF
  status   -- rig exits with COMMAND's status and prints the reader names
  hold     -- `rig --hold --print-env` keeps a private pcscd reachable from outside the namespaces
              via PCSCLITE_CSOCK_NAME (opensc-tool and pyscard here), stops on SIGTERM with 0
Waits are on events (output lines, process exit), each bounded by a generous timeout.
"""
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading

SOFTCARD = os.environ["SOFTCARD_BIN"]
TIMEOUT = 30


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT * 2, **kw)


def make_image(tmp):
    path = os.path.join(tmp, "card.img")
    subprocess.run([SOFTCARD, "init", "--profile", "iso", path], check=True, stdout=subprocess.DEVNULL)
    return path


def case_opensc():
    with tempfile.TemporaryDirectory() as tmp:
        image = make_image(tmp)
        r = run([SOFTCARD, "rig", "--card", image, "--", "opensc-tool", "-a"])
        check(r.returncode == 0, "opensc-tool -a failed: " + r.stdout + r.stderr)
        atr = r.stdout.strip().splitlines()[-1]
        check(re.fullmatch(r"3b(:[0-9a-f]{2})+", atr), "no ATR in %r" % r.stdout)
        r = run([SOFTCARD, "rig", "--card", image, "--", "opensc-tool", "-s", "00A4000C023F00",
                 "-s", "00A4020C022F00", "-s", "00B0000011"])
        check(r.returncode == 0, "opensc-tool -s failed: " + r.stdout + r.stderr)
        check(r.stdout.count("SW1=0x90, SW2=0x00") == 3, "expected three 9000 in %r" % r.stdout)
        check("softcard ISO card" in r.stdout or "73 6F 66 74 63 61 72 64" in r.stdout.upper(),
              "EF 2F00 content missing in %r" % r.stdout)


def case_status():
    with tempfile.TemporaryDirectory() as tmp:
        image = make_image(tmp)
        r = run([SOFTCARD, "rig", "--card", image, "--", "sh", "-c", "exit 7"])
        check(r.returncode == 7, "rig exited %d, expected COMMAND's 7" % r.returncode)
        check("reader 'Virtual PCD 00 00'" in r.stderr, "reader names not printed: %r" % r.stderr)
        r = run([SOFTCARD, "rig", "--card", image, "--", "sh", "-c",
                 'test -n "$PCSCLITE_CSOCK_NAME" && test "$SOFTCARD_RIG_READER_0" = "Virtual PCD 00 00"'])
        check(r.returncode == 0, "COMMAND did not get the rig environment: " + r.stderr)
        r = run([SOFTCARD, "rig", "--card", image, "--", "/nonexistent/command"])
        check(r.returncode == 127, "missing COMMAND gave %d, expected 127" % r.returncode)
        r = run([SOFTCARD, "rig", "--card", image, "--slots", "3", "--", "true"])
        check(r.returncode != 0 and "at most 2" in r.stderr, "3 slots accepted: %r" % r.stderr)


def case_hold():
    with tempfile.TemporaryDirectory() as tmp:
        image = make_image(tmp)
        rig = subprocess.Popen([SOFTCARD, "rig", "--card", image, "--hold", "--print-env"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = queue.Queue()

        def pump():
            for line in rig.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        env = {}
        try:
            while True:
                line = lines.get(timeout=TIMEOUT)
                if line is None:
                    fail("rig exited before it was ready: " + rig.stderr.read())
                key, _, value = line.rstrip("\n").partition("=")
                env[key] = value
                if key == "SOFTCARD_RIG_READY":
                    break
        except queue.Empty:
            rig.kill()
            fail("rig --hold never printed SOFTCARD_RIG_READY")
        sock = env.get("PCSCLITE_CSOCK_NAME", "")
        check(os.path.exists(sock), "socket %r missing" % sock)
        client_env = dict(os.environ, PCSCLITE_CSOCK_NAME=sock)
        r = run(["opensc-tool", "-a"], env=client_env)
        check(r.returncode == 0 and r.stdout.strip().startswith("3b"), "outside opensc-tool -a: " + r.stdout + r.stderr)
        r = run(["/usr/bin/python3", "-c",
                 "from smartcard.System import readers\n"
                 "c = readers()[0].createConnection(); c.connect()\n"
                 "d, s1, s2 = c.transmit([0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00])\n"
                 "print(readers()[0], '%02X%02X' % (s1, s2))"], env=client_env)
        check(r.returncode == 0 and r.stdout.strip() == env["SOFTCARD_RIG_READER_0"] + " 9000",
              "outside pyscard: " + r.stdout + r.stderr)
        rig.send_signal(signal.SIGTERM)
        check(rig.wait(timeout=TIMEOUT) == 0, "rig --hold did not exit 0 on SIGTERM")
        check(not os.path.exists(env["SOFTCARD_RIG_DIR"]), "rig left its directory behind")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        fail("usage: rig_test.py {%s}" % "|".join(sorted(CASES)))
    CASES[sys.argv[1]]()
    print("ok: " + sys.argv[1])
