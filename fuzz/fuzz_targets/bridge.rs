//! libFuzzer target: bytes as a page's bridge message, parsed and delivered to a container
//! with an open H5 app, which must still answer afterwards.
#![no_main]

use std::sync::{Mutex, OnceLock, PoisonError};

#[path = "../../tests/tests/fuzz_support/bridge.rs"]
mod bridge;

/// One container for the whole run: opening a page per input would be most of the work.
static BRIDGE: OnceLock<Mutex<bridge::Bridge>> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    BRIDGE
        .get_or_init(|| Mutex::new(bridge::Bridge::new()))
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .exercise(data);
});
