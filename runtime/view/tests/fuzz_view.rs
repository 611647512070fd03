//! A stable-toolchain fuzz harness (the cargo-fuzz targets in `fuzz/` need nightly): random
//! and mutated inputs, seeded from the golden corpus, go to the template parser and
//! renderer, the expression parser and the style compiler (`fuzz_support`); any panic is a
//! failure and its input is printed.
//!
//! `cargo test -p capsule-runtime --test fuzz_view` runs a short round (a few seconds);
//! `FUZZ_SECONDS=300 cargo test --release -p capsule-runtime --test fuzz_view` runs longer.
//! `FUZZ_SEED` picks the random seed (default: fixed, so a plain run is reproducible).
//! Inputs also serve as view scripts (required, imported, declared); every input must finish
//! within [`SLOW_INPUT`], so a runaway script or render fails the run too. `FUZZ_LAST=path`
//! writes each input to `path` before running it, to find one that aborts the process.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use fuzz_support::exercise;

mod fuzz_support;

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
