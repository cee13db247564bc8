//! WebAssembly binaries: data-segment string extraction and secret scan.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The input is analyzed as the file at `PATHS[input.len() % PATHS.len()]`.
fuzz_target!(|data: &[u8]| {
    launchlint_fuzz::run_single(launchlint_fuzz::paths::WASM, data);
});
