#!/usr/bin/python3
"""Trace files end to end, through the real binary (docs/trace.md).

1. Two `softcard demo` runs with --trace-file: `softcard trace diff` finds no difference; a
   trace with one status word changed differs (exit 1); the HTML report has every step and one
   arrow per logical command, with the host calls above their APDUs.
2. Secrets: a PIN VERIFY, a CHANGE REFERENCE DATA, a plaintext GIDS key import (gids-tool
   --initialize writes the admin key with PUT DATA 3FFF), the SKI demo and, when
   yubico-piv-tool is installed, a YubiKey key import and management-key change, all with the
   trace on: neither the PIN bytes nor the key bytes appear anywhere in the trace files.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOFTCARD = os.environ["SOFTCARD_BIN"]
OUT = os.environ.get("SOFTCARD_TRACE_OUT", tempfile.gettempdir())
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=300, **kw)


def demo_and_diff(work):
    a, b = os.path.join(work, "demo-a.jsonl"), os.path.join(work, "demo-b.jsonl")
    for t in (a, b):
        r = run(SOFTCARD, "demo", "--trace-file", t)
        check(r.returncode == 0, "softcard demo --trace-file %s exits 0 (%s)" % (t, r.stdout[-300:]))
    steps = len(re.findall(r"^\s*\d+\. \[", r.stdout, re.M))
    d = run(SOFTCARD, "trace", "diff", a, b)
    check(d.returncode == 0 and "no difference" in d.stdout,
          "trace diff of two demo runs: no difference (%s)" % d.stdout[:2000])
    # One status word changed: a difference, exit 1.
    lines = open(b).read().splitlines()
    for i, line in enumerate(lines):
        e = json.loads(line)
        if e["type"] == "apdu" and e["r"].endswith("9000") and "VERIFY" in e.get("name", ""):
            e["r"] = e["r"][:-4] + "63C2"
            lines[i] = json.dumps(e)
            break
    c = os.path.join(work, "demo-changed.jsonl")
    open(c, "w").write("\n".join(lines) + "\n")
    d = run(SOFTCARD, "trace", "diff", a, c)
    check(d.returncode == 1 and "63C2" in d.stdout, "a changed status word is a difference (exit 1)")
    # The report: every step, one arrow per logical command, host calls.
    html = os.path.join(OUT, "demo-report.html")
    h = run(SOFTCARD, "trace", "html", a, "-o", html)
    check(h.returncode == 0, "trace html writes the report")
    text = open(html).read()
    show = run(SOFTCARD, "trace", "show", a).stdout
    m = re.search(r"(\d+) logical commands", show)
    commands = int(m.group(1)) if m else -1
    check(text.count('class="row step"') == steps,
          "report has the %d demo steps (%d)" % (steps, text.count('class="row step"')))
    check(text.count('class="arrow ') == commands and commands > 50,
          "report has one arrow per logical command (%d)" % commands)
    check("CardSignData(container 1)" in text and "CardImportSessionKey(container 0" in text,
          "host calls above their APDUs")
    check("demo server (pid" in text and "demo client (pid" in text, "both host processes are lanes")
    check("http" not in text and "src=" not in text, "report is self-contained")
    return a


def secrets(work, demo_trace):
    pin, new_pin = b"123456".hex(), b"654321".hex()
    t = os.path.join(work, "pins.jsonl")
    apdus = ["00 A4 04 00 09 A0 00 00 03 97 42 54 46 59 00",
             "00 20 00 80 06 " + " ".join(pin[i:i + 2] for i in range(0, 12, 2)),
             "00 24 00 80 0C " + pin + new_pin,
             "00 20 00 80 06 " + new_pin]
    args = " ".join("-s '%s'" % a for a in apdus)
    r = run(SOFTCARD, "rig", "--profile", "gids", "--trace-file", t, "--",
            "sh", "-c", 'opensc-tool -r "$SOFTCARD_RIG_READER_0" ' + args)
    check(r.returncode == 0 and r.stdout.count("SW1=0x90") == 4,
          "VERIFY, CHANGE REFERENCE DATA, VERIFY with the trace on")
    # Plaintext key import: gids-tool --initialize sends the admin key with PUT DATA 3FFF.
    admin = "1A2B3C4D5E6F70811A2B3C4D5E6F70811A2B3C4D5E6F7081"
    t2 = os.path.join(work, "admin.jsonl")
    r = run(SOFTCARD, "rig", "--profile", "gids-blank", "--trace-file", t2, "--",
            "gids-tool", "--initialize", "--pin", "123456", "--admin-key", admin,
            "--serial", "00112233445566778899AABBCCDDEEFF")
    check(r.returncode == 0, "gids-tool --initialize with the trace on (%s)" % r.stderr[-300:])
    files = {t: [pin, new_pin], t2: [pin, admin.lower()], demo_trace: [pin]}
    piv = shutil.which("yubico-piv-tool")
    if piv:
        key = os.path.join(work, "k.pem")
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-out", key)
        text = run("openssl", "pkey", "-in", key, "-text", "-noout").stdout
        priv = re.search(r"priv:\n((?:\s+[0-9a-f:]+\n)+)", text).group(1)
        d = re.sub(r"[\s:]", "", priv)[-64:]
        mgm = "0F1E2D3C4B5A69780F1E2D3C4B5A69780F1E2D3C4B5A6978"
        t3 = os.path.join(work, "yubikey.jsonl")
        r = run(SOFTCARD, "rig", "--profile", "yubikey", "--trace-file", t3, "--", "sh", "-c",
                'yubico-piv-tool -r "$SOFTCARD_RIG_READER_0" -a import-key -s 9d -i %s && '
                'yubico-piv-tool -r "$SOFTCARD_RIG_READER_0" -a set-mgm-key -n %s' % (key, mgm))
        check(r.returncode == 0, "yubico-piv-tool import-key and set-mgm-key with the trace on (%s)"
              % r.stderr[-400:])
        files[t3] = [d, mgm.lower()]
    for path, secrets_ in files.items():
        raw = open(path).read().lower()
        # A redacted APDU says so: the record is there, its data is zeros.
        check('"redacted":true' in raw, "%s records redacted exchanges" % os.path.basename(path))
        for s in secrets_:
            check(s not in raw, "%s does not contain %s..." % (os.path.basename(path), s[:8]))
        shown = run(SOFTCARD, "trace", "show", path).stdout.lower().replace(" ", "")
        for s in secrets_:
            check(s not in shown, "trace show of %s does not contain it either" % os.path.basename(path))


def main():
    work = tempfile.mkdtemp(prefix="softcard-trace-")
    try:
        demo = demo_and_diff(work)
        secrets(work, demo)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
