//! libFuzzer target: bytes as a `manifest.json`, refused or read back the same.
#![no_main]

#[path = "../../tests/tests/fuzz_support/packages.rs"]
mod packages;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    packages::exercise_manifest(data);
});
