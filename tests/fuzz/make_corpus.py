#!/usr/bin/python3
"""Turns recorded APDUs into seed inputs for the APDU fuzz targets (tests/fuzz/fuzz_card_apdu.cpp).

Input: APDU scripts (tests/data/apdu/*.apdu: '> hex' lines) or `softcard run/rig --trace` logs
('> hex  NAME' lines). Output: one seed file per source in OUT_DIR, named after the source; a
seed is the commands in order, each as a 1-byte length (0xFF + 2-byte big-endian length when
longer than 254) followed by the bytes, the framing fuzz_support.h's Splitter reads.
usage: make_corpus.py OUT_DIR FILE... [--max N]  (at most N commands per seed, default 64)
"""
import os
import re
import sys

HEX = re.compile(r"^[0-9A-Fa-f ]+$")


def commands(path):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line.startswith(">"):
                continue
            body = line[1:].strip()
            # trace lines: "> 00 a4 ...  SELECT" (two spaces before the name), maybe "(data redacted)"
            body = re.split(r"\s{2,}", body)[0]
            if not HEX.match(body):
                continue
            b = bytes.fromhex(body.replace(" ", ""))
            if b:
                out.append(b)
    return out


def frame(cmds):
    out = bytearray()
    for c in cmds:
        if len(c) < 0xFF:
            out.append(len(c))
        else:
            out += bytes([0xFF, len(c) >> 8, len(c) & 0xFF])
        out += c
    return bytes(out)


def main(argv):
    limit = 64
    if "--max" in argv:
        i = argv.index("--max")
        limit = int(argv[i + 1])
        del argv[i : i + 2]
    out_dir, files = argv[0], argv[1:]
    os.makedirs(out_dir, exist_ok=True)
    for path in files:
        cmds = commands(path)
        for n in range(0, max(len(cmds), 1), limit):
            chunk = cmds[n : n + limit]
            if not chunk:
                continue
            name = os.path.splitext(os.path.basename(path))[0] + ("-%d" % (n // limit) if n else "")
            with open(os.path.join(out_dir, name), "wb") as f:
                f.write(frame(chunk))
            print("%s: %d commands" % (name, len(chunk)))


if __name__ == "__main__":
    main(sys.argv[1:])
