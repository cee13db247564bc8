#!/usr/bin/env bash
# Runs every target in turn, one fuzzer process at a time (fork mode with one child, so a
# crash, timeout or OOM is saved under artifacts/<target>/ and fuzzing goes on).
# Usage: fuzz/run_all.sh [seconds-per-target] [target...]   (default 600 s, all targets)
# Uses the binaries built by `RUSTC_BOOTSTRAP=1 cargo fuzz build -s none` (run from fuzz/);
# set BIN to use others (for example BIN=target/latest/x86_64-unknown-linux-gnu/release after
# `cargo fuzz build -s none --target-dir target/latest`).
set -u
cd "$(dirname "$0")"
SECS=${1:-600}; shift || true
TARGETS=${*:-rust js env config_files markdown source_map wasm project launchlint_config}
BIN=${BIN:-target/x86_64-unknown-linux-gnu/release}
ART=${ART:-artifacts}   # crashes go to $ART/<target>/, logs to $ART/logs/
mkdir -p "$ART/logs"
for t in $TARGETS; do
  case $t in project) LEN=131072;; *) LEN=65536;; esac
  mkdir -p corpus/$t "$ART/$t"
  echo "== $t start $(date -u +%FT%TZ)" >> "$ART"/logs/summary.txt
  "$BIN/$t" corpus/$t -dict=dicts/$t.dict -artifact_prefix="$ART/$t/" \
    -max_total_time=$SECS -max_len=$LEN -timeout=10 -rss_limit_mb=2048 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1 \
    > "$ART"/logs/$t.log 2>&1
  rc=$?
  echo "== $t end $(date -u +%FT%TZ) rc=$rc" >> "$ART"/logs/summary.txt
  grep -E '^#[0-9]+' "$ART"/logs/$t.log | tail -1 >> "$ART"/logs/summary.txt
  rm -rf /dev/shm/launchlint-fuzz-*
done
