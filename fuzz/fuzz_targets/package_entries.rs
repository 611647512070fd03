//! libFuzzer target: bytes as a package's entries (NUL-separated names and contents),
//! written, signed, and then verified and unpacked.
#![no_main]

use std::sync::OnceLock;

use capsule_packages::SecretKey;

#[path = "../../tests/tests/fuzz_support/packages.rs"]
mod packages;

static KEY: OnceLock<SecretKey> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    packages::exercise_entries(data, KEY.get_or_init(packages::key));
});
