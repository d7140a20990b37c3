#!/usr/bin/python3
"""A reference SKI server written only from docs/ski.md (python3-cryptography).

Usage: ski_reference_server.py <path to ski_vectors>
Checks, against the C++ minidriver in no-card mode:
  1. every blob MDEncryptData made opens here, and re-sealing it with the same header gives the
     same bytes (byte-for-byte agreement on key schedule, IV derivation, padding, MAC/tag);
  2. blobs sealed here (card->server session-PIN blobs) open in the C++ library, and a tampered
     one is refused.
Exit status 0 on success.
"""
import hashlib
import hmac
import os
import subprocess
import sys

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ALG_IDS = {("AES", 16): 1, ("AES", 24): 2, ("AES", 32): 3, ("3DES", 24): 4, ("3DES_112", 16): 5}
MODE_IDS = {"CBC": 1, "GCM": 2}


def hkdf(ikm, info, length, salt=None):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def block_len(alg):
    return 8 if alg in (4, 5) else 16


def block_cipher(alg, key):
    if alg in (4, 5):
        if len(key) == 16:  # 3DES_112: K3 = K1
            key = key + key[:8]
        return algorithms.TripleDES(key)
    return algorithms.AES(key)


class Key:
    def __init__(self, name, key, mode, iv):
        self.alg = ALG_IDS[(name, len(key))]
        self.key, self.mode, self.iv = key, MODE_IDS[mode], iv
        self.key_id = hkdf(key, b"softcard-ski-v1 key-id" + bytes([self.alg]), 8)
        kb = hkdf(key, b"softcard-ski-v1 keys" + bytes([self.alg, self.mode]), len(key) + 32)
        self.k_enc, self.k_mac = kb[: len(key)], kb[len(key):]

    def header(self, function, direction, seq, nonce):
        return (b"SK\x01" + bytes([function, direction, self.alg, self.mode, len(self.iv)]) + self.key_id
                + seq.to_bytes(4, "big") + nonce + self.iv)

    def blob_iv(self, h, n):
        return hmac.new(self.k_mac, b"IV" + h, hashlib.sha256).digest()[:n]

    def seal(self, function, direction, seq, nonce, plain):
        h = self.header(function, direction, seq, nonce)
        if self.mode == 2:
            return h + AESGCM(self.k_enc).encrypt(self.blob_iv(h, 12), plain, h)
        p = padding.PKCS7(block_len(self.alg) * 8).padder()
        padded = p.update(plain) + p.finalize()
        e = Cipher(block_cipher(self.alg, self.k_enc), modes.CBC(self.blob_iv(h, block_len(self.alg)))).encryptor()
        ct = e.update(padded) + e.finalize()
        tag = hmac.new(self.k_mac, b"MAC" + h + ct, hashlib.sha256).digest()[:16]
        return h + ct + tag

    def open(self, function, direction, blob):
        n = blob[7]
        h, body, tag = blob[: 28 + n], blob[28 + n: -16], blob[-16:]
        assert h[:3] == b"SK\x01", "magic/version"
        assert h[3] == function and h[4] == direction, "function/direction"
        assert h[5] == self.alg and h[6] == self.mode, "algorithm/mode"
        assert h[8:16] == self.key_id, "key id"
        assert h[28:] == self.iv, "base IV"
        seq = int.from_bytes(h[16:20], "big")
        if self.mode == 2:
            plain = AESGCM(self.k_enc).decrypt(self.blob_iv(h, 12), body + tag, h)
        else:
            want = hmac.new(self.k_mac, b"MAC" + h + body, hashlib.sha256).digest()[:16]
            assert hmac.compare_digest(want, tag), "MAC"
            d = Cipher(block_cipher(self.alg, self.k_enc), modes.CBC(self.blob_iv(h, block_len(self.alg)))).decryptor()
            u = padding.PKCS7(block_len(self.alg) * 8).unpadder()
            plain = u.update(d.update(body) + d.finalize()) + u.finalize()
        return seq, h[20:28], plain


def check_example(exe):
    """Recomputes docs/ski.md §10 (printed by `ski_vectors --example`) from the document's rules."""
    out = subprocess.run([exe, "--example"], check=True, capture_output=True, text=True).stdout
    sections, cur = {}, None
    for line in out.splitlines():
        if line.startswith("=="):
            cur = sections.setdefault(line.strip("= "), {})
        else:
            name, hexval = line[:8].strip(), line[8:].replace(" ", "")
            cur[name] = bytes.fromhex(hexval)
    n = 0
    for title, mode in (("AES-256 GCM, CSF_AUTHENTICATE", "GCM"), ("AES-128 CBC, CSF_AUTHENTICATE", "CBC")):
        v = sections[title]
        k = Key("AES", v["SK"], mode, v["base IV"])
        assert k.key_id == v["key_id"] and k.k_enc == v["K_enc"] and k.k_mac == v["K_mac"], title
        assert k.seal(3, 1, 1, bytes(range(8)), v["P"]) == v["blob"], title
        assert k.blob_iv(v["H"], 12 if mode == "GCM" else 16) == v["IVb"], title
        apdu = bytes.fromhex("806203") + b"\x00" + bytes([len(v["blob"]) + 5 + (1 if len(v["blob"]) >= 128 else 0)])
        assert v["APDU"].startswith(apdu) and v["APDU"].endswith(v["blob"] + b"\x00"), title
        n += 4
    v = sections["shared key #1, AES-256"]
    ns, nc = v["hello S"][5:21], v["hello C"][21:37]
    sk = hkdf(v["KS"], b"softcard-ski-v1 shared" + bytes([1, 3]), 32, salt=ns + nc)
    assert sk == v["SK"], "shared SK"
    assert v["hello C"][37:] == hkdf(sk, b"softcard-ski-v1 key-id" + bytes([3]), 8), "card hello key id"
    kd = sections["RSA key establishment: the wrapped plaintext"]["KeyData"]
    assert kd[:12] == (0x4D42444B).to_bytes(4, "little") + (1).to_bytes(4, "little") + (32).to_bytes(4, "little")
    return n + 3


def main():
    exe = sys.argv[1]
    example_checks = check_example(exe)
    proc = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    checked = 0
    cases = []
    while True:
        line = proc.stdout.readline().split()
        if not line:
            print("ski_vectors ended early", file=sys.stderr)
            return 1
        if line[0] == "ready":
            break
        _, name, key, mode, iv, function, plain, blob = line
        k = Key(name, bytes.fromhex(key), mode, bytes.fromhex(iv))
        blob = bytes.fromhex(blob)
        seq, nonce, got = k.open(int(function, 16), 1, blob)
        assert got == bytes.fromhex(plain), "plaintext differs"
        again = k.seal(int(function, 16), 1, seq, nonce, got)
        assert again == blob, f"re-sealed blob differs for {name}/{mode}"
        checked += 1
        cases.append((name, key, mode, iv))
    # Reference-made card->server session PIN blobs must open in the library; a flipped bit must not.
    for name, key, mode, iv in cases:
        k = Key(name, bytes.fromhex(key), mode, bytes.fromhex(iv))
        token = os.urandom(16)
        blob = k.seal(0x83, 2, 1, os.urandom(8), token)
        proc.stdin.write(f"open {name} {key} {mode} {iv} {blob.hex()}\n")
        proc.stdin.flush()
        answer = proc.stdout.readline().split()
        assert answer == ["ok", token.hex()], f"library did not open reference blob: {answer}"
        bad = bytearray(blob)
        bad[-1] ^= 1
        proc.stdin.write(f"open {name} {key} {mode} {iv} {bytes(bad).hex()}\n")
        proc.stdin.flush()
        answer = proc.stdout.readline().split()
        assert answer[0] == "err", f"library accepted a tampered blob: {answer}"
        checked += 2
    proc.stdin.close()
    proc.wait()
    checked += example_checks
    print(f"reference server: {checked} checks passed (worked example included)")
    return 0 if checked >= 15 else 1


if __name__ == "__main__":
    sys.exit(main())
