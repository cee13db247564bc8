//! The launchlint config as a scanned repository supplies it; see `src/config_target.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    launchlint_fuzz::config_target::run(data);
});
