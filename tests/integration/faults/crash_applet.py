"""The Python applet of the crash test (fault_test.py pykills): each WRITE puts the same 128
bytes into two records, so a half-applied command would show as two different records or a
mixed record after a kill -9."""
from softcard import Applet, StatusWordError

AID = "F0736F66746B696C6C01"


class CrashProbe(Applet):
    aid = AID
    name = "crashprobe"

    def personalize(self):
        self.store["a"] = bytes(128)
        self.store["b"] = bytes(128)

    def process(self, c):
        if c.ins == 0xD6:  # WRITE: both records, one transaction
            if len(c.data) != 128:
                raise StatusWordError(0x6700)
            self.store["a"] = c.data
            self.store["b"] = c.data
            return None
        if c.ins == 0xB0:  # READ: a || b
            return self.store["a"] + self.store["b"]
        raise StatusWordError(0x6D00)
