//! libFuzzer target: bytes as a page template, component template and view scripts, rendered and updated.
#![no_main]

#[path = "../../runtime/view/tests/fuzz_support/mod.rs"]
mod fuzz_support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_support::exercise_template(&String::from_utf8_lossy(data));
});
