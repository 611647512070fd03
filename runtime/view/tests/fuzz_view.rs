//! The stable-toolchain fuzz harness of the view layer (`fuzz/stable`; the cargo-fuzz
//! targets in `fuzz/` need nightly): random and mutated inputs, seeded from the golden
//! corpus, go to the template parser and renderer, the expression parser and the style
//! compiler, and lines of `setData` paths to the path parser and `View::set_data`
//! (`fuzz_support`); any panic is a failure and its input is printed.
//!
//! `cargo test -p capsule-view --test fuzz_view` runs a short round (a few seconds);
//! `FUZZ_SECONDS=300 cargo test --release -p capsule-view --test fuzz_view` runs longer.
//! `FUZZ_SEED` picks the random seed (default: fixed, so a plain run is reproducible).
//! Inputs also serve as view scripts (required, imported, declared); every input must finish
//! within [`SLOW_INPUT`], so a runaway script or render fails the run too. `FUZZ_LAST=path`
//! writes each input to `path.<kind>` before running it, to find one that aborts the process;
//! `FUZZ_REPLAY=path` runs one input.

use std::path::Path;
use std::time::Duration;

use fuzz_support::{exercise, exercise_data_path};
use stable::{Kind, play};

mod fuzz_support;
#[path = "../../../fuzz/stable/mod.rs"]
mod stable;

/// An input taking longer than this fails the run.
const SLOW_INPUT: Duration = Duration::from_secs(10);

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

#[test]
fn fuzz_parsers_and_compiler() {
    let mut seeds = corpus();
    seeds.extend(CSS_SEEDS.iter().chain(EXPR_SEEDS).map(|s| (*s).to_owned()));
    let kind = Kind {
        name: "view",
        seeds: seeds.into_iter().map(String::into_bytes).collect(),
        tokens: TOKENS,
        seconds: 3,
        slow: SLOW_INPUT,
    };
    play(kind, |input| exercise(&String::from_utf8_lossy(input)));
}

/// Paths a page's `setData` may name, valid ones and near misses.
const PATH_SEEDS: &[&str] = &[
    "a",
    "a.b[0].c",
    "list[1].id",
    "list[3]",
    "o.k.n",
    "s.t",
    "m[2][1]",
    "a.b.c.d.e.f",
    "list[0]\nlist[1].id\na.b",
];

/// Fragments of paths, and what goes wrong in them.
const PATH_TOKENS: &[&str] = &[
    ".",
    "[",
    "]",
    "[0]",
    "[1]",
    "[ 2 ]",
    "[-1]",
    "[1048576]",
    "[1048577]",
    "[18446744073709551616]",
    "[]",
    "][",
    "..",
    "\n",
    "a",
    "list",
    "o",
    "__proto__",
    "constructor",
    " ",
    "中",
    "\u{0}",
    "🎉",
    "\\",
    "'",
    "\"",
];

#[test]
fn fuzz_data_paths() {
    let kind = Kind {
        name: "data-path",
        seeds: PATH_SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect(),
        tokens: PATH_TOKENS,
        seconds: 2,
        slow: SLOW_INPUT,
    };
    play(kind, |input| {
        exercise_data_path(&String::from_utf8_lossy(input));
    });
}
