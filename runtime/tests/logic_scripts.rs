//! setData, timers, promises, modules and error routing in the logic layer.

mod logic_support;

use capsule_runtime::{DataChange, LogicCommand, LogicToView, PathKey, Splice};
use logic_support::Harness;
use serde_json::{Value, json};

fn one_page(dialect: &str, page_js: &str) -> Harness {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        (
            "app.js",
            "App({ onError(msg) { console.log('onError: ' + msg.split('\\n')[0]) } })",
        ),
        ("pages/index/index.js", page_js),
    ];
    let mut app = Harness::start(dialect, &files);
    app.launch();
    app
}

fn key(name: &str) -> PathKey {
    PathKey::Key(name.into())
}

fn last_set_data(app: &Harness) -> (Vec<DataChange>, u64) {
    app.seen
        .iter()
        .rev()
        .find_map(|m| match m {
            LogicToView::SetData {
                changes, ack_id, ..
            } => Some((changes.clone(), *ack_id)),
            _ => None,
        })
        .expect("a setData message")
}

#[test]
fn set_data_path_semantics() {
    let mut app = one_page(
        "wechat",
        "Page({ data: { a: { b: 1 }, list: [{ done: false }, { done: false }], s: 'x' } })",
    );
    // (initial data, setData argument, expected data after, expected changed paths)
    let cases: [(&str, Value, Vec<Vec<PathKey>>); 9] = [
        (
            "{'a.b': 2}",
            json!({"a": {"b": 2}}),
            vec![vec![key("a"), key("b")]],
        ),
        (
            "{'a.c.d': 'new'}",
            json!({"a": {"b": 2, "c": {"d": "new"}}}),
            vec![vec![key("a"), key("c"), key("d")]],
        ),
        (
            "{'list[1].done': true}",
            json!({"a": {"b": 2, "c": {"d": "new"}}, "list": [{"done": false}, {"done": true}]}),
            vec![vec![key("list"), PathKey::Index(1), key("done")]],
        ),
        (
            "{'fresh[2]': 'z'}",
            json!({"fresh": [null, null, "z"]}),
            vec![vec![key("fresh"), PathKey::Index(2)]],
        ),
        (
            "{'m[0][1]': 5}",
            json!({"m": [[null, 5]]}),
            vec![vec![key("m"), PathKey::Index(0), PathKey::Index(1)]],
        ),
        (
            "{'s.t': 1}",
            json!({"s": {"t": 1}}),
            vec![vec![key("s"), key("t")]],
        ),
        (
            "{x: 1, 'y.z': [1, 2]}",
            json!({"x": 1, "y": {"z": [1, 2]}}),
            vec![vec![key("x")], vec![key("y"), key("z")]],
        ),
        (
            "{' spaced key ': 1}",
            json!({" spaced key ": 1}),
            vec![vec![key(" spaced key ")]],
        ),
        (
            "{u: undefined, v: null}",
            json!({"v": null}),
            vec![vec![key("v")]],
        ),
    ];
    for (argument, expected_subset, paths) in cases {
        app.eval(&format!("getCurrentPages()[0].setData({argument})"))
            .unwrap_or_else(|e| panic!("{argument}: {e}"));
        let (changes, _) = last_set_data(&app);
        assert_eq!(
            changes.iter().map(|c| c.path.clone()).collect::<Vec<_>>(),
            paths,
            "{argument}"
        );
        let data = app.eval("getCurrentPages()[0].data").expect("data");
        for (field, value) in expected_subset.as_object().expect("object") {
            assert_eq!(&data[field], value, "{argument}: field {field}");
        }
    }
    assert!(
        app.console()
            .iter()
            .any(|l| l.starts_with("warn:") && l.contains("\"u\" is undefined"))
    );

    // Bad paths are refused before anything is sent or changed.
    for bad in [
        "'a..b'", "'[0]'", "'a[x]'", "'a[1'", "'a.'", "''", "'a[1]b'",
    ] {
        let before = app.seen.len();
        let result = app.eval(&format!("getCurrentPages()[0].setData({{[{bad}]: 1}})"));
        assert!(
            result.as_ref().is_err_and(|e| e.contains("bad path")),
            "{bad}: {result:?}"
        );
        assert!(
            !app.seen[before..]
                .iter()
                .any(|m| matches!(m, LogicToView::SetData { .. }))
        );
    }
    assert!(app.eval("getCurrentPages()[0].setData('str')").is_err());
}

#[test]
fn set_data_callbacks_run_after_the_view_acknowledges() {
    let mut app = one_page(
        "alipay",
        "Page({ data: { n: 0 }, bump() { this.data.n += 10; this.setData({ n: this.data.n + 1 }, () => console.log('applied ' + this.data.n)); } })",
    );
    app.eval("getCurrentPages()[0].bump()").expect("runs");
    let (changes, ack) = last_set_data(&app);
    assert_eq!(
        changes,
        [DataChange {
            path: vec![key("n")],
            value: json!(11)
        }]
    );
    assert!(app.new_logs().is_empty(), "callback waits for the view");
    app.send(LogicCommand::SetDataAck { ack_id: ack });
    app.send(LogicCommand::SetDataAck { ack_id: ack });
    assert_eq!(app.new_logs(), ["applied 11"], "runs once");
}

#[test]
fn splice_data_and_batched_updates() {
    let mut app = one_page("alipay", "Page({ data: { a: { list: [1, 2, 3, 4] } } })");
    app.eval("getCurrentPages()[0].$spliceData({ 'a.list': [1, 2, 'x', 'y', 'z'] })")
        .expect("splices");
    let splices = app
        .seen
        .iter()
        .find_map(|m| match m {
            LogicToView::SpliceData { splices, .. } => Some(splices.clone()),
            _ => None,
        })
        .expect("a spliceData message");
    assert_eq!(
        splices,
        [Splice {
            path: vec![key("a"), key("list")],
            start: 1,
            delete_count: 2,
            items: vec![json!("x"), json!("y"), json!("z")]
        }]
    );
    assert_eq!(
        app.eval("getCurrentPages()[0].data.a.list"),
        Ok(json!([1, "x", "y", "z", 4]))
    );
    assert!(
        app.eval("getCurrentPages()[0].$spliceData({ 'a': [0, 1] })")
            .is_err_and(|e| e.contains("not an array"))
    );
    assert!(
        app.eval("getCurrentPages()[0].$spliceData({ 'a.list': 3 })")
            .is_err_and(|e| e.contains("[start, deleteCount"))
    );

    let before = app
        .seen
        .iter()
        .filter(|m| matches!(m, LogicToView::SetData { .. }))
        .count();
    app.eval(
        "const p = getCurrentPages()[0];
         p.$batchedUpdates(() => { p.setData({ x: 1 }, () => console.log('one')); p.setData({ y: 2 }, () => console.log('two')); });",
    )
    .expect("batches");
    let set_data: Vec<_> = app
        .seen
        .iter()
        .filter(|m| matches!(m, LogicToView::SetData { .. }))
        .collect();
    assert_eq!(set_data.len(), before + 1, "one message for the batch");
    let (changes, ack) = last_set_data(&app);
    assert_eq!(changes.len(), 2);
    app.send(LogicCommand::SetDataAck { ack_id: ack });
    assert_eq!(app.new_logs(), ["one", "two"]);
}

/// The view gets what JSON carries: functions and undefined leave objects and become null in
/// arrays, `toJSON` applies (a Date becomes its ISO text), NaN becomes null; a change whose
/// whole value is a function is not sent, while the logic keeps it in `this.data`.
#[test]
fn set_data_sends_the_view_what_json_carries() {
    let mut app = one_page("wechat", "Page({})");
    app.eval(
        "getCurrentPages()[0].setData({
           o: { f() {}, u: undefined, n: NaN, keep: 'k\u{e9}\\\"' },
           list: [1, undefined, function () {}, { d: new Date(Date.UTC(2024, 0, 31)) }],
           fn() {},
         })",
    )
    .expect("setData");
    let (changes, _) = last_set_data(&app);
    let sent: Vec<(Vec<PathKey>, Value)> = changes
        .into_iter()
        .map(|change| (change.path, change.value))
        .collect();
    assert_eq!(
        sent,
        [
            (vec![key("o")], json!({"n": null, "keep": "k\u{e9}\""})),
            (
                vec![key("list")],
                json!([1, null, null, {"d": "2024-01-31T00:00:00.000Z"}])
            ),
        ]
    );
    assert_eq!(
        app.eval("typeof getCurrentPages()[0].data.fn"),
        Ok(json!("function"))
    );
}

/// Half a surrogate pair is a valid JavaScript string but no JSON text: the view gets U+FFFD
/// in its place, and whole pairs and escaped backslashes arrive as they were.
#[test]
fn set_data_replaces_half_surrogate_pairs() {
    let mut app = one_page("wechat", "Page({})");
    app.eval(
        r#"getCurrentPages()[0].setData({
           s: 'a\uD800b\uDC00c',
           pair: 'x\uD83D\uDE00y',
           slash: '\\uD800',
         })"#,
    )
    .expect("setData");
    let (changes, _) = last_set_data(&app);
    let sent: Vec<Value> = changes.into_iter().map(|change| change.value).collect();
    assert_eq!(
        sent,
        [
            json!("a\u{fffd}b\u{fffd}c"),
            json!("x\u{1F600}y"),
            json!("\\uD800")
        ]
    );
}

#[test]
fn set_data_size_limits() {
    let mut app = one_page("wechat", "Page({ data: { keep: 1 } })");
    app.eval("getCurrentPages()[0].setData({ big: 'x'.repeat(300 * 1024) })")
        .expect("warned, not refused");
    assert!(
        app.console()
            .iter()
            .any(|l| l.starts_with("warn:") && l.contains("above 262144"))
    );
    let refused =
        app.eval("getCurrentPages()[0].setData({ keep: 2, huge: 'x'.repeat(1100 * 1024) })");
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.contains("over the limit of 1048576")),
        "{refused:?}"
    );
    assert_eq!(
        app.eval("[getCurrentPages()[0].data.keep, 'huge' in getCurrentPages()[0].data]"),
        Ok(json!([1, false]))
    );
}

#[test]
fn timers_and_promise_jobs() {
    let mut app = one_page("wechat", "Page({})");
    app.eval(
        "const order = [];
         setTimeout(() => order.push('t20'), 20);
         setTimeout((a, b) => order.push('t0 ' + a + b), 0, 'x', 'y');
         const cancelled = setTimeout(() => order.push('never'), 5); clearTimeout(cancelled);
         let ticks = 0; const iv = setInterval(() => { ticks++; order.push('tick' + ticks); if (ticks === 3) { clearInterval(iv); console.log(order.join(',')); } }, 1);
         Promise.resolve().then(() => order.push('micro'));
         (async () => { await null; order.push('async'); })();
         order.push('sync');",
    )
    .expect("schedules");
    let done = app.wait_for(
        |m| matches!(m, LogicToView::Console { message, .. } if message.contains("tick3")),
    );
    let LogicToView::Console { message, .. } = done else {
        unreachable!()
    };
    let order: Vec<&str> = message.split(',').collect();
    assert_eq!(&order[..3], ["sync", "micro", "async"]);
    assert_eq!(order[3], "t0 xy");
    assert!(order.contains(&"tick1") && !order.contains(&"never"));
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(
        app.eval("[order.includes('t20'), order.includes('never'), ticks]"),
        Ok(json!([true, false, 3]))
    );
}

#[test]
fn require_resolution_caching_cycles_and_json() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        (
            "util/count.js",
            "globalThis.loads = (globalThis.loads || 0) + 1; exports.n = 1;",
        ),
        (
            "util/a.js",
            "exports.fromA = 'a'; const b = require('./b'); exports.seenB = b.fromB; exports.bSawA = b.sawA;",
        ),
        (
            "util/b.js",
            "const a = require('./a'); exports.fromB = 'b'; exports.sawA = a.fromA;",
        ),
        ("util/index.js", "module.exports = 'folder index';"),
        ("config.json", r#"{"name": "cfg", "list": [1, 2]}"#),
        (
            "miniprogram_npm/lodashish/index.js",
            "module.exports = { npm: true, file: __filename, dir: __dirname };",
        ),
        (
            "pages/index/index.js",
            "
            const c1 = require('../../util/count');
            const c2 = require('/util/count.js');
            const a = require('../../util/a.js');
            Page({ data: {
              same: c1 === c2, a: a.seenB + a.bSawA,
              cfg: require('/config.json').name, folder: require('/util'),
              npm: require('lodashish'),
            } })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    assert_eq!(
        app.eval("[getCurrentPages()[0].data, globalThis.loads]"),
        Ok(
            json!([{"same": true, "a": "ba", "cfg": "cfg", "folder": "folder index",
                   "npm": {"npm": true, "file": "miniprogram_npm/lodashish/index.js", "dir": "miniprogram_npm/lodashish"}}, 1])
        )
    );
}

#[test]
fn es_modules_import_export() {
    let files = [
        (
            "app.json",
            r#"{"pages":["pages/index/index","pages/cjs/cjs"]}"#,
        ),
        (
            "app.js",
            "import { hello } from './util/greet.js';\nApp({ greeting: hello('app') });",
        ),
        (
            "util/greet.js",
            "import data from '../data.json';\nexport function hello(who) { return 'hi ' + who + ' ' + data.v; }\nexport default 'dflt';",
        ),
        (
            "util/cycle-a.js",
            "import { b } from './cycle-b';\nexport const a = 'A';\nexport function both() { return a + b; }",
        ),
        (
            "util/cycle-b.js",
            "import { a } from './cycle-a';\nexport const b = 'B';",
        ),
        ("data.json", r#"{"v": 3}"#),
        (
            "pages/cjs/cjs.js",
            "Page({ data: { v: require('../../util/greet').hello('cjs'), d: require('/util/greet.js').default } })",
        ),
        (
            "pages/index/index.js",
            "import greet, { hello } from '../../util/greet';\nimport { both } from '/util/cycle-a.js';\nPage({ data: { text: hello('page'), d: greet, both: both() } });",
        ),
    ];
    let mut app = Harness::start("alipay", &files);
    app.launch();
    assert_eq!(app.eval("getApp().greeting"), Ok(json!("hi app 3")));
    assert_eq!(
        app.eval("getCurrentPages()[0].data"),
        Ok(json!({"text": "hi page 3", "d": "dflt", "both": "AB"}))
    );
    // CommonJS require of an ES module gets its namespace, evaluated once.
    app.send(LogicCommand::Route(capsule_runtime::Route::NavigateTo {
        url: "pages/cjs/cjs".into(),
    }));
    assert_eq!(
        app.eval("getCurrentPages()[1].data"),
        Ok(json!({"v": "hi cjs 3", "d": "dflt"}))
    );
}

/// Packages as "build npm" lays them out (WeChat: `miniprogram_npm/`, a package's own
/// dependencies in a nested `miniprogram_npm/`) and as npm does (Alipay: `node_modules/`),
/// found by walking up from the requiring file, nearest first, as Node does; `package.json`
/// names the entry.
#[test]
fn packages_resolve_from_the_nearest_package_folder_and_their_package_json() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        (
            "miniprogram_npm/tslib/index.js",
            "exports.which = 'top tslib';",
        ),
        (
            "miniprogram_npm/ui/button/index.js",
            "exports.tslib = require('tslib').which; exports.day = require('dayjs').name;",
        ),
        (
            "miniprogram_npm/ui/miniprogram_npm/tslib/index.js",
            "exports.which = 'ui tslib';",
        ),
        (
            "node_modules/dayjs/package.json",
            r#"{"name": "dayjs", "main": "dayjs.min.js", "module": "esm/index.js"}"#,
        ),
        (
            "node_modules/dayjs/dayjs.min.js",
            "exports.name = 'dayjs main';",
        ),
        (
            "node_modules/esonly/package.json",
            r#"{"module": "es/index.js"}"#,
        ),
        (
            "node_modules/esonly/es/index.js",
            "export const kind = 'module field';",
        ),
        (
            "node_modules/mp-lib/package.json",
            r#"{"miniprogram": "dist"}"#,
        ),
        (
            "node_modules/mp-lib/dist/index.js",
            "exports.entry = 'dist index';",
        ),
        (
            "node_modules/mp-lib/dist/part.js",
            "exports.part = 'dist part';",
        ),
        (
            "pages/index/index.js",
            "
            const ui = require('ui/button/index');
            Page({ data: {
              page: require('tslib').which, ui: ui.tslib, day: ui.day,
              es: require('esonly').kind,
              entry: require('mp-lib').entry, part: require('mp-lib/part').part,
            } })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    assert_eq!(
        app.eval("getCurrentPages()[0].data"),
        Ok(json!({
            "page": "top tslib", "ui": "ui tslib", "day": "dayjs main",
            "es": "module field", "entry": "dist index", "part": "dist part",
        }))
    );
}

/// `import` of a CommonJS file, with the interop Babel and the platforms' compilers use:
/// named imports read `module.exports`; `default` is `module.exports` itself unless it sets
/// `__esModule`, then its `default`. Minified ES modules (`export` mid-line) are modules.
#[test]
fn es_modules_import_commonjs_files_with_babel_interop() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        (
            "util/catalog.js",
            "globalThis.catalogRuns = (globalThis.catalogRuns || 0) + 1;\nmodule.exports = { items: ['a', 'b'], count: 2 };",
        ),
        (
            "util/compiled.js",
            "Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = 'the default';\nexports.named = 'named';",
        ),
        (
            "util/hidden.js",
            "Object.defineProperty(exports, '__decorate', { value: function () { return 'decorated'; }, enumerable: false });",
        ),
        (
            "util/fn.js",
            "module.exports = function () { return 'called'; };",
        ),
        ("util/min.js", "const props={a:1};export default props;"),
        (
            "pages/index/index.js",
            "import catalog, { items } from '../../util/catalog';\n\
             import compiled, { named } from '../../util/compiled';\n\
             import { __decorate } from '../../util/hidden';\n\
             import * as whole from '../../util/catalog';\n\
             import fn from '../../util/fn';\n\
             import min from '../../util/min';\n\
             const again = require('../../util/catalog');\n\
             Page({ data: { items, count: catalog.count, compiled, named, decorated: __decorate(),\n\
               wholeCount: whole.count, wholeDefault: whole.default === catalog, called: fn(), min: min.a,\n\
               same: again === catalog } });",
        ),
    ];
    let mut app = Harness::start("alipay", &files);
    app.launch();
    assert_eq!(
        app.eval("[getCurrentPages()[0].data, globalThis.catalogRuns]"),
        Ok(json!([{
            "items": ["a", "b"], "count": 2, "compiled": "the default", "named": "named",
            "decorated": "decorated", "wholeCount": 2, "wholeDefault": true, "called": "called",
            "min": 1, "same": true,
        }, 1]))
    );
}

#[test]
fn errors_name_file_and_line_and_go_to_on_error() {
    let files = [
        (
            "app.json",
            r#"{"pages":["pages/index/index","pages/broken/broken","pages/syntax/syntax"]}"#,
        ),
        (
            "app.js",
            "App({ onError(msg) { console.log('onError: ' + msg.split('\\n')[0]) } })",
        ),
        (
            "util/bad.js",
            "exports.fail = function () {\n  return null.field;\n};",
        ),
        (
            "pages/index/index.js",
            "const bad = require('../../util/bad');\nPage({ tap() { bad.fail(); }, missing() { require('./nope'); } })",
        ),
        (
            "pages/broken/broken.js",
            "Page({ onLoad() { throw new Error('load failed'); }, onShow() { console.log('still shown'); } })",
        ),
        ("pages/syntax/syntax.js", "Page({\n  data: {,\n})"),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    app.eval("getCurrentPages()[0].tap()")
        .expect_err("throws to the caller");
    app.send(LogicCommand::Event(Box::new(capsule_runtime::ViewEvent {
        page: 1,
        component: None,
        handler: "tap".into(),
        event: capsule_runtime::EventObject::default(),
        reply_id: None,
    })));
    let error = app.wait_for(|m| matches!(m, LogicToView::ScriptError { .. }));
    let LogicToView::ScriptError { message } = error else {
        unreachable!()
    };
    assert!(message.contains("util/bad.js:2:"), "{message}");
    assert!(message.contains("pages/index/index.js:2:"), "{message}");
    assert!(
        app.new_logs()
            .iter()
            .any(|l| l.starts_with("onError: TypeError"))
    );

    app.send(LogicCommand::Route(capsule_runtime::Route::NavigateTo {
        url: "pages/broken/broken".into(),
    }));
    let logs = app.new_logs();
    assert_eq!(
        logs,
        ["onError: Error: load failed", "still shown"],
        "onShow still runs"
    );

    app.send(LogicCommand::Route(capsule_runtime::Route::NavigateTo {
        url: "pages/syntax/syntax".into(),
    }));
    let failed = app.wait_for(|m| matches!(m, LogicToView::RouteFailed { .. }));
    assert!(
        format!("{failed:?}").contains("pages/syntax/syntax.js"),
        "{failed:?}"
    );
    let missing = app.eval("getCurrentPages()[0].missing()");
    assert!(missing.is_err_and(|e| e.contains("cannot find module './nope'")));
}

#[test]
fn this_in_arrows_nested_in_arrows_is_the_methods_this() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        (
            "pages/index/index.js",
            "Page({
               data: { n: 2 },
               nested() { return [1].map(() => { return [1].map(() => this.data.n)[0]; })[0]; },
               expressions() { return [1].map(() => [1].map(() => this.data.n)[0])[0]; },
               timer() { setTimeout(() => { [1].forEach(() => { console.log('timer ' + this.data.n); }); }, 0); },
             });",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    app.new_logs();
    assert_eq!(app.eval("getCurrentPages()[0].nested()"), Ok(json!(2)));
    assert_eq!(app.eval("getCurrentPages()[0].expressions()"), Ok(json!(2)));
    app.eval("getCurrentPages()[0].timer()").expect("runs");
    app.wait_for(
        |m| matches!(m, LogicToView::Console { message, .. } if message.starts_with("timer")),
    );
    assert_eq!(app.new_logs(), ["timer 2"]);
}

/// `global` is the logic layer's global object, shared by every file (WeChat's own demo app
/// sets `global.isDemo` in app.js), in both dialects.
#[test]
fn global_is_the_shared_global_object() {
    for dialect in ["wechat", "alipay"] {
        let files = [
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "global.isDemo = true; App({})"),
            (
                "pages/index/index.js",
                "Page({ seen() { return [global.isDemo, global === globalThis, typeof global.getApp]; } })",
            ),
        ];
        let mut app = Harness::start(dialect, &files);
        app.launch();
        assert_eq!(
            app.eval("getCurrentPages()[0].seen()"),
            Ok(json!([true, true, "function"])),
            "{dialect}"
        );
    }
}

/// The same, in the forms minifiers and transpilers write: one line, a regular expression
/// after `return`, strings holding quotes and braces, function declarations and class
/// methods holding nested arrows, getters, and an ES module.
#[test]
fn this_in_nested_arrows_holds_in_minified_code_and_modules() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        (
            "pages/index/index.js",
            r#"import {twice} from "../../util.js";var q="'{",r='=> {';Page({data:{n:2},quoted(s){return/'/.test(s)?[1].map(()=>[1].map(()=>this.data.n+q.length+r.length)[0])[0]:-1},declared(){const o={n:5};return(()=>{function g(){return[1].map(()=>[1].map(()=>this.n)[0])[0]}return g.call(o)})()},classy(){return new(class{constructor(){this.n=7}get v(){return[1].map(()=>[1].map(()=>this.n)[0])[0]}})().v},imported(){return twice.call(this)}});"#,
        ),
        (
            "util.js",
            "export function twice() { return [1].map(() => [1].map(() => this.data.n * 2)[0])[0]; }",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    let page = "getCurrentPages()[0]";
    assert_eq!(
        app.eval(&format!("{page}.quoted(\"it's\")")),
        Ok(json!(2 + 2 + 4))
    );
    assert_eq!(app.eval(&format!("{page}.quoted('its')")), Ok(json!(-1)));
    assert_eq!(app.eval(&format!("{page}.declared()")), Ok(json!(5)));
    assert_eq!(app.eval(&format!("{page}.classy()")), Ok(json!(7)));
    assert_eq!(app.eval(&format!("{page}.imported()")), Ok(json!(4)));
}
