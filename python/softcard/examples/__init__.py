"""Cards written in Python (docs/python.md, "Cards defined in Python"):

- :mod:`.vendor_card`: a small proprietary card (its own SELECT answer, a PIN, files, an on-card
  signing key) and :mod:`.vendor_client`, the host side a vendor's minidriver would speak;
- :mod:`.scripted`: a card that answers a scripted sequence of status words, for negative tests.
"""
