#!/bin/sh
# A rig next to an already running pcscd: the rig must not see, stop or disturb it.
# The "system" pcscd here is itself private (its own mount + network namespace, tmpfs on
# /run/pcscd, Debian's /etc/reader.conf.d), so this test never touches the machine's real pcscd.
# Usage: coexist_test.sh SOFTCARD_BIN    (run as root)
set -eu
SOFTCARD=$1
exec unshare --mount --net --fork sh -eu -c '
SOFTCARD=$1
mount --make-rprivate /
mkdir -p /run/pcscd
mount -t tmpfs softcard-test /run/pcscd
ip link set lo up
TMP=$(mktemp -d)
trap "kill \$PCSCD 2>/dev/null; wait \$PCSCD 2>/dev/null; rm -rf \$TMP" EXIT
# Socket-activated, like systemd does it: the socket exists and listens before pcscd runs, so
# clients can connect at once (no readiness wait at all).
mkfifo "$TMP/listening"
/usr/bin/python3 -c "
import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(\"/run/pcscd/pcscd.comm\"); s.listen(64)
with open(sys.argv[2], \"w\") as f: f.write(\"1\\n\")
os.dup2(s.fileno(), 3)
os.environ.update(LISTEN_FDS=\"1\", LISTEN_PID=str(os.getpid()))
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644); os.dup2(out, 1); os.dup2(out, 2)
os.execv(\"/usr/sbin/pcscd\", [\"pcscd\", \"--foreground\"])
" "$TMP/system-pcscd.log" "$TMP/listening" &
PCSCD=$!
read _ <"$TMP/listening"  # the socket listens: clients may connect from now on
# Wait (on pcscd reader-list events) until it has set up Debian'"'"'s vpcd reader.
/usr/bin/python3 "$2/wait_readers.py" "Virtual PCD"
BEFORE=$(timeout 10 opensc-tool -l)
"$SOFTCARD" init --profile iso "$TMP/card.img" >/dev/null
# Inside the rig only the rig reader exists and it holds our card.
"$SOFTCARD" rig --card "$TMP/card.img" -- sh -c "opensc-tool -l | grep -c Yes" >"$TMP/inside" 2>/dev/null
test "$(cat "$TMP/inside")" = 1 || { echo "rig saw: $(cat "$TMP/inside")"; exit 1; }
# The system pcscd is still the same process, still answers, still shows the same readers.
kill -0 $PCSCD || { echo "the system pcscd died"; exit 1; }
AFTER=$(timeout 10 opensc-tool -l)
test "$BEFORE" = "$AFTER" || { printf "readers changed:\n%s\n---\n%s\n" "$BEFORE" "$AFTER"; exit 1; }
test -S /run/pcscd/pcscd.comm || { echo "the system socket is gone"; exit 1; }
echo "ok: coexist"
' coexist "$SOFTCARD" "$(dirname "$0")"
