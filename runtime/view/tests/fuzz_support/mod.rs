//! What the fuzzers run on one input: the template parser and renderer, the expression
//! parser, the style compiler and `setData` paths. Shared by the stable-toolchain harness
//! (`fuzz_view.rs`) and the cargo-fuzz targets in `fuzz/`. Each returns normally unless
//! something panics or a check fails.
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::time::Duration;

use capsule_view::style::{StyleOptions, compile};
use capsule_view::{PageView, View, set_path};
use serde_json::json;

/// The view-script budget of each render (three renders per input).
const SCRIPT_BUDGET: Duration = Duration::from_millis(500);

/// Every entry point on `input`.
pub fn exercise(input: &str) {
    exercise_template(input);
    exercise_style(input);
    exercise_expression(input);
}

/// `input` as a page template, a component template and every kind of view script; the
/// page rendered and updated twice.
pub fn exercise_template(input: &str) {
    let mut files = package(input);
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
}

/// `input` as a stylesheet that imports another.
pub fn exercise_style(input: &str) {
    let _ = compile(&package(input), "p/a.wxss", &StyleOptions::default());
}

/// `input` as the expression of an interpolation.
pub fn exercise_expression(input: &str) {
    let mut files = package(input);
    files.insert(
        "p/e.wxml".to_owned(),
        format!("<text>{{{{{input}}}}}</text>"),
    );
    if let Ok(page) = PageView::compile(&files, "p/e.wxml", &Default::default()) {
        let data = json!({"a": 1, "b": "s", "c": [1, 2], "o": {"k": {"n": null}}});
        if let Ok(view) = View::with_script_budget(page, data, SCRIPT_BUDGET) {
            let _ = view.html();
        }
    }
}

/// Each line of `input` as a `setData` path: set alone on a data object (a refused path leaves
/// the data as it was; an accepted one stores the value exactly once), then all together on a
/// rendered page that reads those paths.
pub fn exercise_data_path(input: &str) {
    const MARK: &str = "mark";
    let data = json!({"a": {"b": [{"c": 1}]}, "list": [{"id": 1}, {"id": 2}], "o": null, "s": "t"});
    for path in input.lines() {
        let mut changed = data.clone();
        match set_path(&mut changed, path, json!(MARK)) {
            Ok(()) => {
                let stored = count_values(&changed, MARK);
                assert_eq!(
                    stored, 1,
                    "{path:?} stored the value {stored} times: {changed}"
                );
            }
            Err(error) => {
                assert_eq!(
                    changed, data,
                    "{path:?} was refused ({error}) but changed the data"
                );
            }
        }
    }
    let files = HashMap::from([(
        "p/d.wxml".to_owned(),
        "<view wx:for=\"{{list}}\" wx:key=\"id\">{{item.id}}</view><text>{{a.b[0].c}} {{o.k}} {{s}}</text>"
            .to_owned(),
    )]);
    let page =
        PageView::compile(&files, "p/d.wxml", &Default::default()).expect("the page compiles");
    let mut view = View::new(page, data).expect("the page renders");
    let changes: Vec<(String, serde_json::Value)> = input
        .lines()
        .enumerate()
        .map(|(i, path)| (path.to_owned(), json!(i)))
        .collect();
    let _ = view.set_data(&changes);
    let _ = view.html();
}

/// How many values in `data` (not keys) are the string `wanted`.
fn count_values(data: &serde_json::Value, wanted: &str) -> usize {
    match data {
        serde_json::Value::String(text) => usize::from(text == wanted),
        serde_json::Value::Array(items) => items.iter().map(|v| count_values(v, wanted)).sum(),
        serde_json::Value::Object(map) => map.values().map(|v| count_values(v, wanted)).sum(),
        _ => 0,
    }
}

/// A package holding `input` as a template and a stylesheet, beside fixed files.
fn package(input: &str) -> HashMap<String, String> {
    HashMap::from([
        ("p/index.wxml".to_owned(), input.to_owned()),
        ("p/x.wxml".to_owned(), input.to_owned()),
        (
            "x.wxml".to_owned(),
            "<template name=\"t\"><text>{{a}}</text></template>".to_owned(),
        ),
        (
            "p/a.wxss".to_owned(),
            format!("@import './b.wxss';\n{input}"),
        ),
        ("p/b.wxss".to_owned(), ".b{width:1rpx}".to_owned()),
    ])
}
