"""What scenarios use to check and report."""

from __future__ import annotations

from typing import Any, List


class ScenarioFailed(AssertionError):
    pass


class ScenarioSkipped(Exception):
    pass


class Checker:
    def __init__(self, name: str, verbose: bool = False) -> None:
        self.name = name
        self.verbose = verbose
        self.count = 0
        self._cards: List[Any] = []
        self._dumped = False

    def watch(self, card) -> None:
        """Cards whose trace is printed if the scenario fails."""
        self._cards.append(card)

    def step(self, text: str) -> None:
        print(f"  - {text}")
        for c in self._cards:
            if not c.closed:
                c.note(text)

    def that(self, condition: bool, what: str, detail: str = "") -> None:
        """One check: prints it, raises ScenarioFailed if it does not hold."""
        self.count += 1
        if condition:
            print(f"    ok    {what}")
            return
        print(f"    FAIL  {what}" + (f": {detail}" if detail else ""))
        self.dump_traces()  # now, while the cards are still open
        raise ScenarioFailed(what + (f" ({detail})" if detail else ""))

    def equal(self, got, want, what: str) -> None:
        self.that(got == want, what, f"got {got!r}, want {want!r}")

    def sw(self, response, want: int, what: str) -> None:
        self.that(response.sw == want, what, f"got {response.sw:04X}, want {want:04X}")

    def raises(self, exc_type, fn, what: str):
        try:
            result = fn()
        except exc_type as e:
            self.that(True, what)
            return e
        self.that(False, what, f"no {exc_type.__name__}; got {result!r}")

    def skip(self, why: str) -> None:
        raise ScenarioSkipped(why)

    def dump_traces(self) -> None:
        if self._dumped:
            return
        self._dumped = True
        for c in self._cards:
            if not c.closed:
                print(f"--- trace of {c!r}\n{c.trace.text()}")
