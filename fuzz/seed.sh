#!/usr/bin/env bash
# Seeds corpus/<target>/ from ../fixtures (plus a few generated source maps and wasm modules).
set -eu
cd "$(dirname "$0")"
C=corpus
mkdir -p $C/{rust,js,env,config_files,markdown,source_map,wasm,project,launchlint_config}
cp_to() { t=$1; shift; find ../fixtures -type f \( "$@" \) -print0 |
  while IFS= read -r -d '' f; do cp "$f" "$C/$t/$(sha1sum "$f" | cut -c1-16)"; done; }
cp_to rust -name '*.rs'
cp_to js -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.mjs' -o -name '*.svelte' \
  -o -name '*.vue' -o -name '*.astro' -o -name '*.html' -o -name '*.hbs'
cp_to env -name '.env' -o -name '.env.*'
cp_to config_files -name '*.toml' -o -name '*.yaml' -o -name '*.yml' -o -name '*.json'
cp_to markdown -name '*.md' -o -name '*.txt'
cp_to source_map -name '*.map'
cp_to wasm -name '*.wasm'
cp_to launchlint_config -name 'launchlint.toml' -o -name '.launchlint.toml'
grep -rl launchlint ../fixtures --include=Cargo.toml | while read -r f; do
  cp "$f" "$C/launchlint_config/$(sha1sum "$f" | cut -c1-16)"; done
python3 seeds.py
