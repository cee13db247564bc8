#!/usr/bin/env bash
# Rebuilds dicts/<target>.dict from the *.part files.
cd "$(dirname "$0")"
cat common.part rust.part > rust.dict
cat common.part js.part > js.dict
cat common.part env.part > env.dict
cat common.part config.part > config_files.dict
cat common.part > markdown.dict
cat common.part sourcemap.part js.part > source_map.dict
cat common.part wasm.part > wasm.dict
cat common.part rust.part js.part env.part config.part > project.dict
cat common.part config.part > launchlint_config.dict
