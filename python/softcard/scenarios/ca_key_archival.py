"""CA key archival with secure key injection: a CA (server, no-card minidriver) wraps a key pair
for the card, the client host only relays ciphertext (docs/ski.md)."""

from .. import minidriver

DESCRIPTION = ("CA key archival over SKI: the server wraps a key pair for the card's container, the "
               "client relays only ciphertext, the card imports it and signs with it")


def run(check) -> None:
    if not minidriver.available():
        check.skip(f"the minidriver binding is not available: {minidriver.why_unavailable()}")
    minidriver.ca_key_archival(check)
