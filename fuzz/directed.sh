#!/usr/bin/env bash
# Scans each input of artifacts/directed/ (see directed.py) with a real cargo-launchlint binary,
# inside a throwaway project, and prints the exit code and the time it took.
# Usage: fuzz/directed.sh [path/to/cargo-launchlint]   (default: target/release/cargo-launchlint
# of the repository)
set -u
here=$(dirname "$0")
BIN=$(realpath "${1:-$here/../target/release/cargo-launchlint}")
cd "$here"
[ -d artifacts/directed ] || python3 directed.py
for input in artifacts/directed/*; do
  name=$(basename "$input")
  dir=$(mktemp -d /tmp/launchlint-directed.XXXXXX)
  mkdir -p "$dir/src" "$dir/web/src" "$dir/config"
  printf '[package]\nname = "shop"\nversion = "0.1.0"\nedition = "2021"\n[dependencies]\naxum = "0.7"\n' > "$dir/Cargo.toml"
  echo 'fn main() {}' > "$dir/src/main.rs"
  echo '{"dependencies":{"vite":"5"}}' > "$dir/web/package.json"
  case $name in
    *.rs) cp "$input" "$dir/src/main.rs" ;;
    *.ts) cp "$input" "$dir/web/src/main.ts" ;;
    *.env) cp "$input" "$dir/.env" ;;
    *.toml) cp "$input" "$dir/config/production.toml" ;;
  esac
  start=$(date +%s.%N)
  timeout 600 "$BIN" launchlint "$dir" > "$dir.out" 2>&1
  rc=$?
  end=$(date +%s.%N)
  printf '%-36s rc=%-3s %6.1fs  %s\n' "$name" "$rc" "$(echo "$end - $start" | bc)" \
    "$(grep -m1 -oE 'overflowed its stack|panicked at [^ ]+|internal error while analyzing|[0-9]+ files? scanned.*' "$dir.out")"
  rm -rf "$dir" "$dir.out"
done
