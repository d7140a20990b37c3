import argparse
import sys

from . import SCENARIOS, load, run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m softcard.scenarios",
                                 description="Run a softcard conformance scenario.")
    ap.add_argument("name", nargs="*", help="scenario name(s); 'all' runs every one")
    ap.add_argument("--list", action="store_true", help="list the scenarios")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the APDU trace as it goes")
    args = ap.parse_args(argv)
    if args.list or not args.name:
        for name in SCENARIOS:
            print(f"{name:28} {load(name).DESCRIPTION}")
        return 0 if args.list else 2
    names = list(SCENARIOS) if args.name == ["all"] else args.name
    worst = 0
    for name in names:
        if name not in SCENARIOS:
            print(f"unknown scenario {name!r} (known: {', '.join(SCENARIOS)})", file=sys.stderr)
            return 2
        status = run(name, verbose=args.verbose)
        if status == 1 or (status == 77 and worst == 0):
            worst = status
    return worst


if __name__ == "__main__":
    sys.exit(main())
