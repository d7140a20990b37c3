"""PIN lockout and unblock with the PUK (GIDS user PIN 80, PUK 81), in-process."""

from ..card import Card
from ..gids import Gids

DESCRIPTION = "wrong PINs count down 63C2..63C0, then 6983; the PUK unblocks and sets a new PIN"

PROFILE = {
    "softcard_profile": 1, "name": "gids-puk", "serial": "random", "applets": ["gids"],
    "gids": {"state": "initialized",
             "user_pin": {"value": "123456", "min_length": 4, "max_length": 16, "max_tries": 3},
             "puk": {"value": "87654321", "max_tries": 3}},
}


def run(check) -> None:
    with Card.create(None, PROFILE) as card:
        check.watch(card)
        g = Gids(card)
        check.step("select GIDS, the PIN has all its tries")
        check.sw(g.select(), 0x9000, "SELECT GIDS answers 9000")
        check.sw(g.pin_status(), 0x63C3, "VERIFY without data reports 3 tries (63C3)")
        check.step("three wrong PINs")
        for left in (2, 1, 0):
            check.sw(g.verify("000000"), 0x63C0 | left, f"wrong PIN answers 63C{left}")
        check.equal(card.inspect.pin(0x80).tries_left, 0, "stored retry counter is 0")
        check.step("the right PIN no longer works; the block survives a power cycle")
        check.sw(g.verify("123456"), 0x6983, "right PIN on a blocked PIN answers 6983")
        card.power_off()
        g.select()
        check.sw(g.verify("123456"), 0x6983, "still 6983 after power off/on")
        check.step("a wrong PUK counts down the PUK, not the PIN")
        check.sw(g.unblock_with_puk("00000000", "2468"), 0x63C2, "wrong PUK answers 63C2")
        check.step("the PUK unblocks and sets a new PIN")
        check.sw(g.unblock_with_puk("87654321", "2468"), 0x9000, "RESET RETRY COUNTER with the PUK")
        check.sw(g.verify("123456"), 0x63C2, "the old PIN is gone (63C2)")
        check.sw(g.verify("2468"), 0x9000, "the new PIN verifies")
        check.equal(card.inspect.pin(0x80).tries_left, 3, "retry counter restored to 3")
