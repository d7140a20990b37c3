#!/usr/bin/env bash
# `make demo`: the most complete end-to-end scenario through real pcscd + vpcd.
set -euo pipefail
build=${1:-build}
softcard="$build/bin/softcard"
shift || true
if "$softcard" demo --help >/dev/null 2>&1; then
  exec "$softcard" demo "$@"
fi
echo "softcard demo is not built in this tree" >&2
exit 1
