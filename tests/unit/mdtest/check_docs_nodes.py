#!/usr/bin/python3
"""docs/mdtest.md lists every node of softcard-mdtest (appendix between the nodes markers) with
the description `--list` prints. Fails on any difference, so the documentation cannot rot.
Usage: check_docs_nodes.py SOFTCARD_MDTEST DOCS_MD   (--write rewrites the appendix)"""
import re
import subprocess
import sys

BEGIN, END = "<!-- nodes:begin -->", "<!-- nodes:end -->"


def listed(binary):
    out = subprocess.run([binary, "--list"], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        if "  " not in line:
            continue  # the "N nodes" trailer
        name, desc = line.split("  ", 1)
        rows.append((name, desc))
    return rows


def table(rows):
    lines = ["| node | checks |", "|---|---|"]
    for name, desc in rows:
        lines.append("| `%s` | %s |" % (name, desc.replace("|", "\\|")))
    return "\n".join(lines)


def main():
    binary, docs = sys.argv[1], sys.argv[2]
    text = open(docs, encoding="utf-8").read()
    if BEGIN not in text or END not in text:
        sys.exit("docs: the node list markers are missing")
    head, rest = text.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    want = table(listed(binary))
    if "--write" in sys.argv:
        open(docs, "w", encoding="utf-8").write(head + BEGIN + "\n" + want + "\n" + END + tail)
        return
    if body.strip() != want.strip():
        have = set(re.findall(r"^\| `([^`]+)`", body, re.M))
        names = set(n for n, _ in listed(binary))
        print("missing from docs:", sorted(names - have))
        print("not a node:", sorted(have - names))
        sys.exit("docs/mdtest.md node list differs from `softcard-mdtest --list`; regenerate it "
                 "with tests/unit/mdtest/check_docs_nodes.py BINARY docs/mdtest.md --write")


main()
