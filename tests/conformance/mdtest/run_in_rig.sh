#!/usr/bin/env bash
# Inside `softcard rig --slots 2`: serve two fresh GIDS cards with `softcard run` (so the suite's
# reconnect hooks can remove and insert them with SIGUSR2), then run the suite given as "$@".
set -euo pipefail
: "${SOFTCARD:?path of the softcard program}"
tmp=$(mktemp -d)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# gids + shared SKI key 1 (the config names the same key)
"$SOFTCARD" init --profile "$here/gids-mdtest.json" "$tmp/a.img" >/dev/null
"$SOFTCARD" init --profile "$here/gids-mdtest.json" "$tmp/b.img" >/dev/null
"$SOFTCARD" run --vpcd "${SOFTCARD_RIG_VPCD_0}" "$tmp/a.img" "$tmp/b.img" 2>"$tmp/run.log" &
pid=$!
export MDTEST_RUN_PID=$pid
status=0
"$@" || status=$?
if [[ $status -ne 0 ]]; then echo "--- softcard run log"; tail -n 40 "$tmp/run.log"; fi
exit $status
