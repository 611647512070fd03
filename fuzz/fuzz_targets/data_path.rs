//! libFuzzer target: lines of bytes as `setData` paths, set on a data object and a rendered
//! page.
#![no_main]

#[path = "../../runtime/view/tests/fuzz_support/mod.rs"]
mod fuzz_support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_support::exercise_data_path(&String::from_utf8_lossy(data));
});
