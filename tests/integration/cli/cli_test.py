#!/usr/bin/python3
"""Each bad command line must fail within seconds, exit non-zero and name what is wrong."""
import os
import subprocess
import sys
import tempfile

SOFTCARD = os.environ["SOFTCARD_BIN"]
failures = []


def run(args, timeout=20):
    try:
        p = subprocess.run([SOFTCARD, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "(still running after %ds)" % timeout
    return p.returncode, p.stdout + p.stderr


def refused(args, *needles):
    rc, out = run(args)
    ok = rc not in (None, 0) and all(n in out for n in needles)
    print("%s %s -> rc=%s %s" % ("ok  " if ok else "FAIL", args, rc, out.strip()[:200]))
    if not ok:
        failures.append((args, needles, rc, out))


def accepted(args):
    rc, out = run(args, timeout=120)
    print("%s %s -> rc=%s" % ("ok  " if rc == 0 else "FAIL", args, rc))
    if rc != 0:
        failures.append((args, "accepted", rc, out))


with tempfile.TemporaryDirectory() as tmp:
    img = os.path.join(tmp, "card.img")
    refused(["frobnicate"], "unknown subcommand", "frobnicate")
    refused(["init", "--profile", "iso", "--serial", "zz", img], "--serial", "zz")
    refused(["init", "--profile", "iso", "--serial", "", img], "--serial")
    assert not os.path.exists(img), "a refused init left an image behind"
    accepted(["init", "--profile", "iso", "--serial", "0102A0", img])
    refused(["run", "--vpcd", "garbage", img], "--vpcd", "garbage")
    refused(["run", "--vpcd", "garbage.invalid", img], "--vpcd", "garbage.invalid")
    refused(["run", "--vpcd", "127.0.0.1:0", img], "--vpcd", "port 0")
    refused(["run", "--vpcd", "127.0.0.1:99999", img], "--vpcd", "bad port")
    refused(["run", "--vpcd", "127.0.0.1:x", img], "--vpcd")
    for t in ["-1", "0", "nan", "inf", "1e300", "abc"]:
        refused(["rig", "--timeout", t, "--profile", "iso", "--", "true"], "--timeout", t)
    for s in ["0", "3", "-1"]:
        refused(["rig", "--slots", s, "--profile", "iso", "--", "true"], "--slots")

if failures:
    print("%d command line(s) misjudged" % len(failures))
    sys.exit(1)
print("all command lines judged right")
