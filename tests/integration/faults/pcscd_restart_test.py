#!/usr/bin/python3
"""pcscd killed (SIGKILL) and started again while `softcard run` serves a card.

Runs as root inside its own mount + network namespace (CMakeLists.txt starts it under
`unshare --mount --net --fork`): a tmpfs on /run/pcscd and a private loopback, so neither the
machine's pcscd nor its ports are touched. The test starts its own pcscd with one vpcd reader,
serves a fresh ISO card into it with `softcard run`, and then, ROUNDS times:
  1. a PC/SC client connects and SELECTs the ISO DF (9000);
  2. pcscd is killed with SIGKILL;
  3. while pcscd is gone, a listener on the vpcd port accepts and at once closes every connection
     for a while: `softcard run` must still live, and must not hammer the port (a reconnect loop
     without delay would connect thousands of times; the bridge waits ~1 s after a drop);
  4. pcscd starts again; with a NEW PC/SC context the reader and the card come back, and the
     client works again.
Finally `softcard run` exits 0 on SIGTERM. Every wait is bounded by a generous timeout; nothing
asserts a duration.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vpcd"))
import pcsc_test as p  # noqa: E402
from smartcard import scard as sc  # noqa: E402

SOFTCARD = p.SOFTCARD
PCSCD = os.environ.get("SOFTCARD_PCSCD", "/usr/sbin/pcscd")
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
PORT = 0x8C7B  # vpcd's usual port: the network namespace is ours
READER = "Virtual PCD 00 00"
ROUNDS = int(os.environ.get("SOFTCARD_SOAK_PCSCD_RESTARTS", "3"))
DOWN_SECONDS = 3.0  # how long pcscd stays dead per round (a bound for the listener, not a check)
# Connections a sane bridge makes in DOWN_SECONDS (about one per second after each drop), with a
# wide margin; a reconnect loop without delay makes thousands.
MAX_CONNECTS_WHILE_DOWN = 30


def private_run_dir():
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    os.makedirs("/run/pcscd", exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "softcard-test", "/run/pcscd"], check=True)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


class Pcscd:
    def __init__(self, tmp):
        self.conf = os.path.join(tmp, "reader.conf.d")
        os.makedirs(self.conf)
        with open(os.path.join(self.conf, "softcard-test"), "w") as f:
            f.write('FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x%04X\nLIBPATH %s\n'
                    "CHANNELID 0x%04X\n" % (PORT, VPCD_DRIVER, PORT))
        self.log = os.path.join(tmp, "pcscd.log")
        self.proc = None

    def start(self):
        # What a SIGKILLed pcscd leaves behind (socket, pid file) must not stop the new one.
        for name in os.listdir("/run/pcscd"):
            os.unlink(os.path.join("/run/pcscd", name))
        log = open(self.log, "a")
        self.proc = subprocess.Popen([PCSCD, "--foreground", "--config", self.conf],
                                     stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                     preexec_fn=p.die_with_parent)
        log.close()
        deadline = time.monotonic() + p.TIMEOUT
        while not os.path.exists("/run/pcscd/pcscd.comm"):
            p.check(self.proc.poll() is None, "pcscd exited: " + self.tail())
            p.check(time.monotonic() < deadline, "pcscd never made its socket: " + self.tail())
            time.sleep(0.05)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=p.TIMEOUT)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=p.TIMEOUT)

    def tail(self):
        with open(self.log) as f:
            return "".join(f.readlines()[-20:])


def wait_reader(pcsc):
    """Waits until pcscd lists READER (it sets the vpcd reader up after start)."""
    deadline = time.monotonic() + p.TIMEOUT
    while True:
        rv, readers = sc.SCardListReaders(pcsc.ctx, [])
        if rv == sc.SCARD_S_SUCCESS and READER in readers:
            return
        p.check(time.monotonic() < deadline, "reader %s never appeared (%s)" % (READER, readers))
        rv, _ = sc.SCardGetStatusChange(pcsc.ctx, 500, [(r"\\?PnP?\Notification",
                                                         sc.SCARD_STATE_UNAWARE)])


def use_card(pcsc):
    pcsc.wait(READER, True)
    rv, handle, proto = sc.SCardConnect(pcsc.ctx, READER, sc.SCARD_SHARE_SHARED,
                                        sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1)
    p.check(rv == sc.SCARD_S_SUCCESS, "SCardConnect: " + sc.SCardGetErrorMessage(rv))
    card = p.Card(handle, proto)
    card.expect("00A4040007" + p.ISO_DF_AID, "9000")
    sc.SCardDisconnect(handle, sc.SCARD_LEAVE_CARD)


def count_connects(seconds, run):
    """Listens on the vpcd port while pcscd is gone; accepts and drops each connection."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", PORT))
    srv.listen(64)
    srv.settimeout(0.1)
    connects = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        p.check(run.poll() is None, "softcard run died while pcscd was gone")
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        connects += 1
        conn.close()
    srv.close()
    return connects


def main():
    private_run_dir()
    tmp = tempfile.mkdtemp(prefix="softcard-pcscd-restart-")
    pcscd = Pcscd(tmp)
    run = None
    try:
        image = os.path.join(tmp, "card.img")
        subprocess.run([SOFTCARD, "init", "--profile", "iso", image], check=True,
                       stdout=subprocess.DEVNULL)
        pcscd.start()
        run_log = open(os.path.join(tmp, "run.log"), "w")
        run = subprocess.Popen([SOFTCARD, "run", "--vpcd", "127.0.0.1:%d" % PORT, image],
                               stdout=run_log, stderr=run_log, preexec_fn=p.die_with_parent)
        for rnd in range(ROUNDS):
            pcsc = p.Pcsc()
            wait_reader(pcsc)
            use_card(pcsc)
            pcscd.kill9()
            connects = count_connects(DOWN_SECONDS, run)
            print("round %d: %d connections while pcscd was gone" % (rnd, connects))
            p.check(connects <= MAX_CONNECTS_WHILE_DOWN,
                    "softcard run reconnected %d times in %.0f s while pcscd was gone"
                    % (connects, DOWN_SECONDS))
            pcscd.start()
        pcsc = p.Pcsc()
        wait_reader(pcsc)
        use_card(pcsc)
        p.check(run.poll() is None, "softcard run exited")
        run.send_signal(signal.SIGTERM)
        rc = run.wait(timeout=p.TIMEOUT)
        run = None
        p.check(rc == 0, "softcard run exited %d on SIGTERM" % rc)
        print("ok: pcscd restarted %d times, the card came back each time" % ROUNDS)
    except SystemExit:
        print("pcscd log:\n" + pcscd.tail(), file=sys.stderr)
        with open(os.path.join(tmp, "run.log")) as f:
            print("softcard run log:\n" + f.read()[-4000:], file=sys.stderr)
        raise
    finally:
        if run is not None:
            run.kill()
            run.wait()
        pcscd.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
