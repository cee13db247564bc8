//! Front-end files (.ts/.tsx/.js/.svelte/.vue/.astro/.html/templates): env reads, fetch calls, imports, directives, server functions.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The input is analyzed as the file at `PATHS[input.len() % PATHS.len()]`.
fuzz_target!(|data: &[u8]| {
    launchlint_fuzz::run_single(launchlint_fuzz::paths::JS, data);
});
