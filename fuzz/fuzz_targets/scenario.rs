//! libFuzzer target: bytes as a scenario file, each entry of its `steps` (or the whole
//! value) read as a step.
#![no_main]

use std::path::Path;

use capsule_scenario::Step;
use serde_json::Value;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(file) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let steps = match file.get("steps") {
        Some(Value::Array(steps)) => steps.clone(),
        _ => vec![file],
    };
    for step in &steps {
        let _ = Step::parse(step, Path::new("scenarios"));
    }
});
