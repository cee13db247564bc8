//! A whole hostile repository; see `src/project.rs` for the input format and how the model
//! is built.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    launchlint_fuzz::project::run(data);
});
