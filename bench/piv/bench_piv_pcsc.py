"""PIV signing and ECDH through PC/SC (pyscard -> pcscd -> vpcd -> softcard run) next to the same
commands in-process (Card.transmit) and OpenSSL alone (python3-cryptography), plus the wall time
of yubico-piv-tool's key generation on softcard. Run it inside a rig serving a yubikey card:

    softcard rig --profile yubikey -- env PYTHONPATH=<build>/python:<repo>/python \\
        /usr/bin/python3 bench/piv/bench_piv_pcsc.py [--count N]
"""

import argparse
import os
import subprocess
import time

import softcard
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from smartcard.System import readers

from softcard.gids import PcscChannel
from softcard.piv import ALG_ECCP256, Piv

HASH = bytes(range(32))


def per_op(fn, count: int) -> float:
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return (time.perf_counter() - start) / count * 1e6


def setup(piv: Piv) -> bytes:
    assert piv.select().ok
    assert piv.authenticate().ok
    assert piv.generate(0x9A, ALG_ECCP256).ok
    g = piv.generate(0x9D, ALG_ECCP256)
    assert g.ok and piv.verify().ok
    return g.data


def measure(piv: Piv, count: int):
    setup(piv)
    peer = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint)

    def sign():
        assert piv.use_key(0x9A, ALG_ECCP256, HASH).ok

    def ecdh():
        assert piv.use_key(0x9D, ALG_ECCP256, peer, ecdh=True).ok

    return per_op(sign, count), per_op(ecdh, count)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=200)
    args = ap.parse_args()
    reader = os.environ.get("SOFTCARD_RIG_READER_0", "Virtual PCD 00 00")
    conn = next(r for r in readers() if str(r) == reader).createConnection()
    conn.connect()
    pcsc = measure(Piv(PcscChannel(conn)), args.count)
    conn.disconnect()
    with softcard.Card.create(None, "yubikey") as card:
        local = measure(Piv(card), args.count)
    key = ec.generate_private_key(ec.SECP256R1())
    peer = ec.generate_private_key(ec.SECP256R1()).public_key()
    alone = (per_op(lambda: key.sign(HASH, ec.ECDSA(Prehashed(hashes.SHA256()))), args.count),
             per_op(lambda: key.exchange(ec.ECDH(), peer), args.count))
    print("operation          PC/SC (us)  in-process (us)  python-cryptography alone (us)")
    for i, name in enumerate(("ECDSA P-256 sign", "ECDH P-256")):
        print(f"{name:18} {pcsc[i]:10.0f}  {local[i]:15.0f}  {alone[i]:18.0f}")
    for alg in ("ECCP256", "RSA2048"):
        start = time.perf_counter()
        subprocess.run(["yubico-piv-tool", "-r", reader, "-s", "9e", "-A", alg, "-a", "generate",
                        "-o", "/dev/null"], check=True, capture_output=True)
        print(f"yubico-piv-tool generate {alg}: {(time.perf_counter() - start) * 1000:.0f} ms wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
