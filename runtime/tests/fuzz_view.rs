//! A stable-toolchain fuzz harness (cargo-fuzz needs nightly): random and mutated inputs,
//! seeded from the golden corpus, go to the template parser and renderer, the expression
//! parser and the style compiler; any panic is a failure and its input is printed.
//!
//! `cargo test -p capsule-runtime --test fuzz_view` runs a short round (a few seconds);
//! `FUZZ_SECONDS=300 cargo test --release -p capsule-runtime --test fuzz_view` runs longer.
//! `FUZZ_SEED` picks the random seed (default: fixed, so a plain run is reproducible).
//! Inputs also serve as view scripts (required, imported, declared); every input must finish
//! within [`SLOW_INPUT`], so a runaway script or render fails the run too. `FUZZ_LAST=path`
//! writes each input to `path` before running it, to find one that aborts the process.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use capsule_runtime::style::{StyleOptions, compile};
use capsule_runtime::view::{PageView, View};
use serde_json::json;

/// The view-script budget of each render here (three renders per input).
const SCRIPT_BUDGET: Duration = Duration::from_millis(500);

/// An input taking longer than this fails the run.
const SLOW_INPUT: Duration = Duration::from_secs(10);

/// xorshift64*: enough randomness for mutation, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "<",
    ">",
    "/>",
    "</",
    "\"",
    "'",
    "=",
    " ",
    "\n",
    "\u{1}",
    "<view>",
    "</view>",
    "wx:if=\"{{a}}\"",
    "wx:else",
    "wx:for=\"{{list}}\"",
    "wx:key=\"*this\"",
    "<block>",
    "<template is=\"t\" data=\"{{...o}}\"/>",
    "<template name=\"t\">",
    "</template>",
    "<slot/>",
    "<include src=\"x.wxml\"/>",
    "<import src=\"/x\"/>",
    "<wxs module=\"m\">",
    "</wxs>",
    "m.f(1)",
    "a.b[0]",
    "...",
    "?",
    ":",
    "&&",
    "||",
    "!",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "-",
    "+",
    "*",
    "/",
    "%",
    "1e309",
    "0x",
    "'\\",
    "&lt;",
    "&#x110000;",
    "&#99999999999;",
    "中",
    "🎉",
    "rpx",
    "750rpx",
    "@import 'a.wxss';",
    "@import",
    "@media (max-width: 10rpx)",
    "calc(",
    "constant(",
    "var(--x,",
    ";",
    ",",
    "/*",
    "*/",
    "//",
    ":host",
    ":host(.a)",
    "page",
    "<wxs module=\"r\" src=\"./r.wxs\"/>",
    "<wxs module=\"f\" src=\"./f.wxs\"/>",
    "<import-sjs name=\"s\" from=\"./s.sjs\"/>",
    "require('./f.wxs')",
    "require('./r.wxs')",
    "require('../../x.wxs')",
    "import x from './s.sjs';",
    "import { f } from './t.sjs';",
    "export default ",
    "module.exports = ",
    "while (true) {}",
    "for (var i = 0; i < 1e6; i++) {}",
    "r.f(item)",
    "$slots.$default",
    "$slots.x",
    "my-class",
    "class=\"my-class\"",
    "<c-c my-class=\"p\">",
    "</c-c>",
];

const CSS_SEEDS: &[&str] = &[
    ".a{width:750rpx;margin:10rpx 20rpx}",
    ".a{width:calc(100% - 20rpx);transform:translateX(10rpx)}",
    "@media (max-width: 600rpx) { .a{color:red} }",
    "@import './b.wxss';\n.c{padding:constant(safe-area-inset-bottom)}",
    "page{background:#fff} body,page{margin:0} :host{display:block}",
    ".x[data-a='1'] > .y:not(.z){font-size:28rpx}",
    ".a{width:var(--w, 100rpx)}",
];

const EXPR_SEEDS: &[&str] = &[
    "a + b * c",
    "list[index].name",
    "a ? b : c ? d : e",
    "{a: 1, ...o}",
    "[1, ...l]",
    "!x && y || z",
    "'s' + n",
    "m.f(a, [b])",
    "typeof a === 'string'",
    "-(-a)",
    "a.b.c.d",
];

fn corpus() -> Vec<String> {
    let dir = Path::new("tests/view");
    let mut seeds = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("golden corpus exists")
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for case in text.split("\n### ") {
            let template: Vec<&str> = case
                .lines()
                .skip(1)
                .filter(|l| {
                    !l.starts_with("data:") && !l.starts_with("html:") && !l.starts_with("update:")
                })
                .map(|l| {
                    l.strip_prefix("wx: ")
                        .or_else(|| l.strip_prefix("ax: "))
                        .unwrap_or(l)
                })
                .collect();
            seeds.push(template.join("\n"));
        }
    }
    seeds
}

fn mutate(rng: &mut Rng, seeds: &[String], input: &str) -> String {
    let mut s: Vec<u8> = input.as_bytes().to_vec();
    for _ in 0..=rng.below(6) {
        let at = rng.below(s.len() + 1);
        match rng.below(6) {
            0 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                s.splice(at..at, t.iter().copied());
            }
            1 if !s.is_empty() => {
                let end = (at + rng.below(16)).min(s.len());
                s.drain(at.min(end)..end);
            }
            2 if !s.is_empty() => {
                let end = (at + rng.below(32)).min(s.len());
                let chunk: Vec<u8> = s[at.min(end)..end].to_vec();
                let to = rng.below(s.len() + 1);
                s.splice(to..to, chunk);
            }
            3 => {
                let other = seeds[rng.below(seeds.len())].as_bytes();
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(64)).min(other.len());
                s.splice(at..at, other[from..end].iter().copied());
            }
            4 if !s.is_empty() => {
                let i = rng.below(s.len());
                s[i] = u8::try_from(rng.below(128)).unwrap_or(b'x');
            }
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())];
                for _ in 0..rng.below(50) {
                    s.splice(at..at, t.bytes());
                }
            }
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

/// Runs every entry point on `input`; returns normally unless something panics.
fn exercise(input: &str) {
    let mut files = HashMap::from([
        ("p/index.wxml".to_owned(), input.to_owned()),
        ("p/x.wxml".to_owned(), input.to_owned()),
        (
            "x.wxml".to_owned(),
            "<template name=\"t\"><text>{{a}}</text></template>".to_owned(),
        ),
        ("p/a.wxss".to_owned(), input.to_owned()),
        ("p/b.wxss".to_owned(), ".b{width:1rpx}".to_owned()),
    ]);
    files.insert(
        "p/index.json".to_owned(),
        r#"{"usingComponents": {"c-c": "/p/x"}}"#.to_owned(),
    );
    // View scripts: the input itself, and files that require or import it.
    for (path, text) in [
        ("p/f.wxs", input.to_owned()),
        ("p/s.sjs", input.to_owned()),
        ("p/t.sjs", input.to_owned()),
        (
            "p/r.wxs",
            "var f = require('./f.wxs'); module.exports = { f: function (x) { return [f, x]; } };"
                .to_owned(),
        ),
        (
            "p/x.json",
            r#"{"externalClasses": ["my-class"]}"#.to_owned(),
        ),
    ] {
        files.insert(path.to_owned(), text);
    }
    if let Ok(page) = PageView::compile(&files, "p/index.wxml", &Default::default()) {
        let data =
            json!({"a": 1, "b": "s", "c": [1, 2], "list": [{"id": 1}, {"id": 2}], "o": {"k": 1}});
        if let Ok(mut view) = View::with_script_budget(page, data, SCRIPT_BUDGET) {
            let _ = view.html();
            let _ = view.set_data(&[
                ("list[1].id".to_owned(), json!(3)),
                ("a".to_owned(), json!(null)),
            ]);
            let _ = view.set_data(&[("list".to_owned(), json!([{"id": 2}, {"id": 1}, {"id": 0}]))]);
        }
    }
    let _ = compile(&files, "p/a.wxss", &StyleOptions::default());
    files.insert(
        "p/e.wxml".to_owned(),
        format!("<text>{{{{{input}}}}}</text>"),
    );
    let _ = PageView::compile(&files, "p/e.wxml", &Default::default());
}

#[test]
fn fuzz_parsers_and_compiler() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED);
    let last_input = std::env::var("FUZZ_LAST").ok();
    let mut seeds = corpus();
    seeds.extend(CSS_SEEDS.iter().chain(EXPR_SEEDS).map(|s| (*s).to_owned()));
    // Deep-stack inputs must be refused by the parsers, not crash: run with an ordinary stack.
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            std::panic::set_hook(Box::new(|_| {}));
            let mut rng = Rng(seed | 1);
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut tried = 0u64;
            let mut crashes = Vec::new();
            let mut slowest = (Duration::ZERO, String::new());
            while Instant::now() < deadline {
                let base = seeds[rng.below(seeds.len())].clone();
                let input = if rng.below(10) == 0 {
                    (0..rng.below(200))
                        .map(|_| TOKENS[rng.below(TOKENS.len())])
                        .collect()
                } else {
                    mutate(&mut rng, &seeds, &base)
                };
                tried += 1;
                if let Some(path) = &last_input {
                    std::fs::write(path, &input).expect("writes FUZZ_LAST");
                }
                let started = Instant::now();
                if catch_unwind(AssertUnwindSafe(|| exercise(&input))).is_err() {
                    crashes.push(input);
                } else if started.elapsed() > slowest.0 {
                    slowest = (started.elapsed(), input);
                }
            }
            let _ = std::panic::take_hook();
            (tried, crashes, slowest)
        })
        .expect("spawns");
    let (tried, crashes, (slowest, slow_input)) = handle.join().expect("fuzz thread survives");
    println!(
        "fuzz: {tried} inputs in {seconds}s (seed {seed}), {} crashes, slowest input {slowest:?}",
        crashes.len()
    );
    assert!(
        slowest < SLOW_INPUT,
        "an input took {slowest:?}:\n{slow_input:?}"
    );
    assert!(
        crashes.is_empty(),
        "panicking inputs:\n{}",
        crashes
            .iter()
            .take(5)
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
