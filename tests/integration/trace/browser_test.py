#!/usr/bin/python3
"""The HTML report in a real browser (docs/trace.md): headless Chromium loads the report of a
known trace (tests/data/trace/demo-ski.jsonl, a `softcard demo --trace-file` run) with
`#x15` in the URL, runs its script, and the rendered DOM is checked: one arrow per logical
command, the host calls and command names, the 19 steps, node 15 expanded with its decoded
tree. A screenshot is saved next to the test's build directory (trace-report.png)."""
import os
import re
import subprocess
import sys

SOFTCARD = os.environ["SOFTCARD_BIN"]
DATA = os.environ["SOFTCARD_TEST_DATA_DIR"]
OUT = os.environ["SOFTCARD_TRACE_OUT"]
CHROMIUM = "/usr/bin/chromium"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def chromium(*args):
    # As root Chromium needs --no-sandbox; --disable-gpu: no display on CI.
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--user-data-dir=" + os.path.join(OUT, "chromium-profile"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    if not os.access(CHROMIUM, os.X_OK):
        print("chromium is not installed (apt-get install chromium; make deps installs it)")
        return 1
    trace = os.path.join(DATA, "trace", "demo-ski.jsonl")
    report = os.path.join(OUT, "browser-report.html")
    r = subprocess.run([SOFTCARD, "trace", "html", trace, "-o", report], capture_output=True,
                       text=True)
    check(r.returncode == 0, "softcard trace html")
    shown = subprocess.run([SOFTCARD, "trace", "show", trace], capture_output=True, text=True)
    commands = int(re.search(r"(\d+) logical commands", shown.stdout).group(1))

    url = "file://" + report + "#x15"
    dom = chromium("--dump-dom", url).stdout
    check('data-ready="1"' in dom, "the report's script ran")
    arrows = len(re.findall(r'<div class="arrow c\d+"', dom))
    check(arrows == commands == 73, "one arrow per logical command (%d arrows, %d commands)"
          % (arrows, commands))
    check(len(re.findall(r'class="row step"', dom)) == 19, "the 19 demo steps are rows")
    for name in ["CardAcquireContext()", "CardGetProperty(\"Key Import Support\")",
                 "CardSignData(container 1)", "#2 GET SKI CAPABILITIES", "#1 SELECT GIDS",
                 "demo client (pid", "demo server (pid"]:
        check(name.replace('"', "&quot;") in dom or name in dom, "the diagram names " + name)
    row = re.search(r'<div class="row cmd[^"]*" id="x15"[^>]*>', dom)
    check(row is not None and " open" in row.group(0), "#x15 is expanded by the script")
    expanded = dom[row.end():row.end() + 6000] if row else ""
    check("GENERATE ASYMMETRIC KEY PAIR RSA-2048 in key file B081" in expanded
          and "class=\"tree\"" in expanded and "7F49 public key" in expanded,
          "the expanded node shows its decoded TLV tree")
    others = re.findall(r'<div class="row cmd[^"]*" id="x\d+"', dom)
    check(sum(" open" in o for o in others) == 1, "only that node is expanded")

    shot = os.path.join(OUT, "trace-report.png")
    if os.path.exists(shot):
        os.remove(shot)
    chromium("--window-size=1400,1600", "--screenshot=" + shot, "file://" + report)
    ok = os.path.exists(shot) and open(shot, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    check(ok and os.path.getsize(shot) > 10000, "screenshot saved: " + shot)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
