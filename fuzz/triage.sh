#!/usr/bin/env bash
# Groups the saved artifacts of one target by where they fail.
# Usage: fuzz/triage.sh <target>     (runs each $ART/<target>/* once with the binary in $BIN)
set -u
cd "$(dirname "$0")"
t=$1
BIN=${BIN:-target/x86_64-unknown-linux-gnu/release}
ART=${ART:-artifacts}
for f in "$ART"/$t/crash-* "$ART"/$t/timeout-* "$ART"/$t/oom-* "$ART"/$t/slow-unit-* "$ART"/$t/minimized-*; do
  [ -e "$f" ] || continue
  where=$(timeout 60 "$BIN/$t" -timeout=10 -rss_limit_mb=2048 "$f" 2>&1 |
    grep -m1 -oE "panicked at [^ ]+|has overflowed its stack|ERROR: libFuzzer: [a-z-]+|out-of-memory")
  echo "${where:-no failure (fixed or flaky)}	$f	$(stat -c %s "$f")"
done | sort | awk -F'\t' '{ if ($1 != last) { print "== " $1; last = $1 } print "   " $2 " (" $3 " bytes)" }'
