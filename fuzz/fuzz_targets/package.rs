//! libFuzzer target: bytes as a `.capsule` package, inspected, verified and unpacked.
#![no_main]

use std::sync::OnceLock;

use capsule_packages::SecretKey;

#[path = "../../tests/tests/fuzz_support/packages.rs"]
mod packages;

static KEY: OnceLock<SecretKey> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    packages::exercise_archive(data, KEY.get_or_init(packages::key));
});
