//! libFuzzer target: bytes as a stylesheet, compiled.
#![no_main]

#[path = "../../runtime/view/tests/fuzz_support/mod.rs"]
mod fuzz_support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_support::exercise_style(&String::from_utf8_lossy(data));
});
