//! The stable fuzz harness (`fuzz/stable`) for scenario files: the repository's scenarios
//! (`tests/scenarios/`), mutated, go to [`Scenario::load`]; it must refuse or load each,
//! never panic, and a file it loads has one step per entry of its `steps`. The cargo-fuzz
//! target `scenario` parses steps through `capsule-scenario`, which this binary crate's
//! loader builds on. `FUZZ_SECONDS`, `FUZZ_SEED`, `FUZZ_LAST` and `FUZZ_REPLAY` as
//! `fuzz/stable/mod.rs` says.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use stable::{Kind, play};

use super::Scenario;

#[path = "../../../../fuzz/stable/mod.rs"]
mod stable;

/// Step names, keys and values scenario files use, and what goes wrong in them (every name
/// of [`capsule_scenario::STEP_NAMES`]: see the test).
const TOKENS: &[&str] = &[
    "steps",
    "name",
    "app",
    "device",
    "query",
    "user",
    "iphone-se",
    "pixel-7",
    "tap",
    "longpress",
    "input",
    "confirm",
    "change",
    "scroll",
    "swipe",
    "tapTab",
    "back",
    "background",
    "foreground",
    "navigate",
    "open",
    "answer",
    "wait",
    "expect",
    "screenshot",
    "selector",
    "index",
    "value",
    "top",
    "to",
    "ms",
    "timeoutMs",
    "text",
    "contains",
    "page",
    "count",
    "visible",
    "attr",
    "data",
    "equals",
    "storage",
    "exists",
    "toast",
    "modal",
    "console",
    "noErrors",
    "compare",
    "tolerance",
    "actionSheet",
    "scanImage",
    "scanCancel",
    "cancel",
    ".a",
    "#b > .c",
    "view:nth-child(2)",
    "a >",
    "[x=",
    "::",
    "../",
    "/",
    "-1",
    "1e400",
    "18446744073709551616",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "null",
    "true",
    "中",
];

/// The scenario files of the repository's example apps.
fn corpus() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    let mut pending = vec![Path::new("../../tests/scenarios").to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("the scenarios folder")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                seeds.push(std::fs::read(&path).expect("reads a scenario"));
            }
        }
    }
    assert!(seeds.len() > 10, "found {} scenario files", seeds.len());
    seeds
}

#[test]
fn every_step_name_is_a_token() {
    let missing: Vec<_> = capsule_scenario::STEP_NAMES
        .iter()
        .filter(|name| !TOKENS.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "steps the fuzzer never writes: {missing:?}"
    );
}

#[test]
fn fuzz_scenario_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("scenario.json");
    let kind = Kind {
        name: "scenario",
        seeds: corpus(),
        tokens: TOKENS,
        seconds: 2,
        slow: Duration::from_secs(10),
    };
    play(kind, move |input| {
        std::fs::write(&file, input).expect("writes the scenario");
        if let Ok(scenario) = Scenario::load(&file) {
            let root: Value = serde_json::from_slice(input).expect("a loaded file is JSON");
            let steps = root["steps"].as_array().map_or(0, Vec::len);
            assert_eq!(scenario.len(), steps, "one step per entry");
        }
    });
}
