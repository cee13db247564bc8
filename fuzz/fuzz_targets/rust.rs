//! Rust sources (syn parse, gates, env reads, includes, HTTP calls, webhook handlers) in server, client, shared, unpackaged and test files.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The input is analyzed as the file at `PATHS[input.len() % PATHS.len()]`.
fuzz_target!(|data: &[u8]| {
    launchlint_fuzz::run_single(launchlint_fuzz::paths::RUST, data);
});
