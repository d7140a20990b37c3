#!/usr/bin/python3
"""Waits, on pcscd's reader-list events, until a reader whose name starts with argv[1] exists."""
import sys
import time

from smartcard import scard as sc

prefix = sys.argv[1]
deadline = time.monotonic() + 20
rv, ctx = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
assert rv == sc.SCARD_S_SUCCESS, sc.SCardGetErrorMessage(rv)
while True:
    rv, readers = sc.SCardListReaders(ctx, [])
    if rv == sc.SCARD_S_SUCCESS and any(r.startswith(prefix) for r in readers):
        break
    left = int((deadline - time.monotonic()) * 1000)
    if left <= 0:
        sys.exit("no reader %r appeared (rv=%x, readers=%r)" % (prefix, rv & 0xFFFFFFFF, readers))
    count = len(readers) if rv == sc.SCARD_S_SUCCESS else 0
    sc.SCardGetStatusChange(ctx, min(left, 1000), [("\\\\?PnP?\\Notification", count << 16)])
