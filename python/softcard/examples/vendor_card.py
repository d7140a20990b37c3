"""A small proprietary "vendor card", written as a softcard.Applet.

Protocol (CLA 80 for every command but SELECT; all lengths short):

=======  ====================  ===========================================================
INS      command               behaviour
=======  ====================  ===========================================================
A4 (00)  SELECT by AID         FCI: ``VNDR`` version(1) serial(4)
10       GET INFO              version(1) serial(4) tries_left(1) signatures(4, big-endian)
20       VERIFY                P2=01; data = PIN (6..8 ASCII digits); no data = status
24       CHANGE PIN            P2=01; data = len(old) old new
B0       READ FILE             P1 = file (01 public label, 02 notes: PIN); P2 = offset
D6       WRITE FILE            P1 = 02 only; data replaces the file (PIN), at most 255 bytes
42       GET PUBLIC KEY        SubjectPublicKeyInfo (DER) of the P-256 signing key
2A       SIGN                  data = SHA-256 hash (32 bytes); DER ECDSA (PIN); counts
46       GENERATE KEY          a new P-256 signing key (PIN); answers its SPKI
=======  ====================  ===========================================================

Errors: 6E00 wrong class, 6D00 unknown INS, 6A86 bad P1/P2, 6700 bad length, 6A82 no such
file, 6982 PIN not verified, 63Cx / 6983 from VERIFY, 6A80 a PIN of bad length.
"""

from softcard import Applet, StatusWordError

AID = bytes.fromhex("F0564E4452010001")  # F0 'VNDR' 01 00 01
VERSION = 3
PIN_REF = 0x01
INITIAL_PIN = "123456"
LABEL = b"softcard vendor card"
MAX_FILE = 255  # one short READ FILE returns it whole


class VendorCard(Applet):
    aid = AID
    name = "vendor"
    secret_ins = (0x20, 0x24)  # VERIFY and CHANGE PIN carry PINs: traces zero their data

    def __init__(self, serial: int = 0x00C0FFEE) -> None:
        self.serial = serial

    def personalize(self) -> None:
        self.pin(PIN_REF).create(INITIAL_PIN, min_length=6, max_length=8, max_tries=3)
        self.store["file/01"] = LABEL
        self.store["file/02"] = b""
        self.store["serial"] = self.serial
        self.store["signatures"] = 0
        self.keys.generate("sign", "ec-p256")

    def select(self, command):
        return b"VNDR" + bytes((VERSION,)) + self.store["serial"].to_bytes(4, "big")

    def process(self, c):
        if c.cla != 0x80:
            raise StatusWordError(0x6E00)
        handler = self._handlers.get(c.ins)
        if handler is None:
            raise StatusWordError(0x6D00)
        return handler(self, c)

    # -- commands --------------------------------------------------------------------------
    def _info(self, c):
        pin = self.pin(PIN_REF)
        return (bytes((VERSION,)) + self.store["serial"].to_bytes(4, "big") +
                bytes((pin.tries_left,)) + self.store["signatures"].to_bytes(4, "big"))

    def _verify(self, c):
        if c.p1 != 0 or c.p2 != PIN_REF:
            raise StatusWordError(0x6A86)
        pin = self.pin(PIN_REF)
        return pin.verify(c.data) if c.data else pin.status()

    def _change(self, c):
        if c.p1 != 0 or c.p2 != PIN_REF:
            raise StatusWordError(0x6A86)
        if not c.data or c.data[0] + 1 > len(c.data):
            raise StatusWordError(0x6700)
        n = c.data[0]
        return self.pin(PIN_REF).change(c.data[1:1 + n], c.data[1 + n:])

    def _read(self, c):
        name = f"file/{c.p1:02X}"
        if name not in self.store:
            raise StatusWordError(0x6A82)
        if c.p1 == 0x02:
            self._require_pin()
        content = self.store[name]
        if c.p2 > len(content):
            raise StatusWordError(0x6A86)
        return content[c.p2:c.p2 + (c.le or 256)]

    def _write(self, c):
        if c.p1 != 0x02 or c.p2 != 0:
            raise StatusWordError(0x6A86)
        self._require_pin()
        if len(c.data) > MAX_FILE:
            raise StatusWordError(0x6700)
        self.store["file/02"] = c.data
        return None

    def _public_key(self, c):
        return self.keys.public_key("sign")

    def _sign(self, c):
        if len(c.data) != 32:
            raise StatusWordError(0x6700)
        self._require_pin()
        self.store["signatures"] = self.store["signatures"] + 1
        return self.keys.sign("sign", c.data, "ecdsa-der")

    def _generate(self, c):
        self._require_pin()
        return self.keys.generate("sign", "ec-p256")

    def _require_pin(self):
        if not self.pin(PIN_REF).verified:
            raise StatusWordError(0x6982)

    _handlers = {0x10: _info, 0x20: _verify, 0x24: _change, 0xB0: _read, 0xD6: _write,
                 0x42: _public_key, 0x2A: _sign, 0x46: _generate}
