#!/bin/sh
# Debian's python3 with the ASan runtime preloaded, for the sanitizer build (`make sanitize`).
# The sanitized extension (softcard._core) needs the shared ASan runtime loaded before anything
# else, which only LD_PRELOAD can do for an uninstrumented interpreter; `softcard run --applet`
# execs $SOFTCARD_PYTHON, so the integration tier points it here. Leak detection is off in the
# interpreter: its own allocations at exit are not ours to report (the unit and integration
# tiers run our binaries with it on).
rt=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
LD_PRELOAD="$rt${LD_PRELOAD:+:$LD_PRELOAD}" \
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec /usr/bin/python3 "$@"
