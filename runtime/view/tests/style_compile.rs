//! Stylesheet compilation: rpx, imports, scoping, ordering and errors.

use std::collections::HashMap;

use capsule_view::style::{StyleError, StyleOptions, compile, component_scope, page_styles};

fn files(list: &[(&str, &str)]) -> HashMap<String, String> {
    list.iter()
        .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
        .collect()
}

fn options(width: f32) -> StyleOptions {
    StyleOptions {
        window_width: width,
        scope: None,
        ..StyleOptions::default()
    }
}

fn css(source: &str, width: f32) -> String {
    let f = files(&[("a.wxss", source)]);
    let compiled =
        compile(&f, "a.wxss", &options(width)).unwrap_or_else(|e| panic!("{source}: {e}"));
    assert!(
        compiled.warnings.is_empty(),
        "{source}: {:?}",
        compiled.warnings
    );
    compiled.css
}

#[test]
fn rpx_becomes_px_for_the_window_width() {
    let cases = [
        (".a{width:750rpx}", 375.0, ".a{width:375px}"),
        (".a{width:750rpx}", 414.0, ".a{width:414px}"),
        (".a{width:1.5rpx}", 375.0, ".a{width:.75px}"),
        (".a{margin-left:-20rpx}", 375.0, ".a{margin-left:-10px}"),
        (".a{font-size:28RPX}", 375.0, ".a{font-size:14px}"),
        (
            ".a{width:calc(100% - 20rpx)}",
            375.0,
            ".a{width:calc(100% - 10px)}",
        ),
        (
            ".a{transform:translateX(100rpx) rotate(10deg)}",
            375.0,
            ".a{transform:translate(50px)rotate(10deg)}",
        ),
        (
            ".a{margin:10rpx 20rpx 10rpx 20rpx}",
            375.0,
            ".a{margin:5px 10px}",
        ),
        (
            ".a{border:2rpx solid red}",
            375.0,
            ".a{border:1px solid red}",
        ),
        (
            ".a{width:var(--w, 100rpx)}",
            375.0,
            ".a{width:var(--w,50px)}",
        ),
        (
            "@media (max-width: 600rpx) { .a{color:red} }",
            375.0,
            "@media (width<=300px){.a{color:red}}",
        ),
    ];
    for (source, width, want) in cases {
        assert_eq!(css(source, width), want, "{source} at {width}");
    }
}

#[test]
fn real_world_forms_survive() {
    let cases = [
        (
            "page{background:#fff}body,page{margin:0}",
            "page{background:#fff}body,page{margin:0}",
        ),
        (
            ".a{padding-bottom:constant(safe-area-inset-bottom)}",
            ".a{padding-bottom:env(safe-area-inset-bottom)}",
        ),
        (":host{display:block}", ":host{display:block}"),
        (".x[data-a='1']{color:blue}", ".x[data-a=\"1\"]{color:#00f}"),
        ("/* comment */\n.a { color : red ; }", ".a{color:red}"),
    ];
    for (source, want) in cases {
        assert_eq!(css(source, 375.0), want, "{source}");
    }
}

#[test]
fn imports_are_inlined_first_and_once() {
    let f = files(&[
        (
            "pages/a/a.wxss",
            "@import \"../../common/base.wxss\";\n@import url('/common/more');\n.page{color:red}",
        ),
        ("common/base.wxss", ".base{margin:0}"),
        (
            "common/more.wxss",
            "@import './base.wxss';\n.more{padding:20rpx}",
        ),
    ]);
    let out = compile(&f, "pages/a/a.wxss", &options(375.0))
        .expect("compiles")
        .css;
    assert_eq!(out, ".base{margin:0}.more{padding:10px}.page{color:red}");
}

/// `url()`s are relative to the stylesheet that holds them (an imported one's too), as CSS
/// resolves them; the window's document lives elsewhere, so they come out root-relative.
#[test]
fn urls_resolve_against_their_own_stylesheet() {
    let f = files(&[
        (
            "pages/kind/kind.wxss",
            "@import '../../common/icons.wxss';\n\
             .a{background-image:url(resources/bg.png)}\n\
             .b{background:url('../../img/b.png') no-repeat}\n\
             .c{background-image:url(\"/img/c.png?v=2#x\")}\n\
             .d{background-image:url(https://cdn.example.com/d.png)}\n\
             .e{background-image:url(data:image/png;base64,iVBORw0KGgo=)}\n\
             .f{--bg:url(f.png)}\n\
             .g{background-image:url(../../../g.png)}\n\
             @font-face{font-family:K;src:url(./k.woff2) format('woff2')}",
        ),
        ("common/icons.wxss", ".i{background:url(icons/i.svg)}"),
    ]);
    let out = compile(&f, "pages/kind/kind.wxss", &options(375.0))
        .expect("compiles")
        .css;
    for want in [
        ".i{background:url(/common/icons/i.svg)}",
        ".a{background-image:url(/pages/kind/resources/bg.png)}",
        ".b{background:url(/img/b.png) no-repeat}",
        ".c{background-image:url(/img/c.png?v=2#x)}",
        ".d{background-image:url(https://cdn.example.com/d.png)}",
        "url(data:image/png;base64,iVBORw0KGgo=)",
        ".f{--bg:url(/pages/kind/f.png)}",
        ".g{background-image:url(/__capsule__/unresolved/",
        "src:url(/pages/kind/k.woff2)",
    ] {
        assert!(out.contains(want), "{want} not in {out}");
    }
    assert!(!out.contains("../"), "{out}");
}

#[test]
fn import_problems_are_located_errors() {
    let f = files(&[
        ("a.wxss", "@import 'b.wxss';"),
        ("b.wxss", "\n  @import 'a.wxss';"),
    ]);
    let err = compile(&f, "a.wxss", &options(375.0)).expect_err("cycle");
    assert!(
        matches!(err, StyleError::Cycle(ref c) if c == "a.wxss → b.wxss → a.wxss"),
        "{err}"
    );

    let f = files(&[("x/a.wxss", "\n@import 'missing.wxss';")]);
    let err = compile(&f, "x/a.wxss", &options(375.0)).expect_err("missing");
    assert_eq!(
        err.to_string(),
        "x/missing.wxss: no such stylesheet (imported at x/a.wxss:2:1)"
    );

    let f = files(&[("a.wxss", ".a{}\n@import 'b.wxss' {}\n.b{}")]);
    let err = compile(&f, "a.wxss", &options(375.0)).expect_err("a block after @import");
    assert_eq!(err.to_string(), "a.wxss:2:1: @import must end with ';'");

    let f = files(&[("a.wxss", "@import '../../etc/passwd';")]);
    let err = compile(&f, "a.wxss", &options(375.0)).expect_err("escape");
    assert!(err.to_string().contains("leaves the package"), "{err}");

    assert!(compile(&files(&[]), "none.wxss", &options(375.0)).is_err());
}

#[test]
fn syntax_errors_point_at_the_source() {
    // A sheet of which no rule survives is refused at its first problem.
    let cases = [
        ("a.wxss", "// comment\n.c{}", "a.wxss:1:1: "),
        ("a.wxss", "}}\n.b{color:red}", "a.wxss:1:1: "),
        ("imported.wxss", "\n\n  :not( {}", "imported.wxss:3:"),
    ];
    for (name, source, prefix) in cases {
        let f = files(&[(name, source)]);
        let err = compile(&f, name, &options(375.0)).expect_err(source);
        assert!(matches!(err, StyleError::Syntax { .. }), "{err:?}");
        assert!(err.to_string().starts_with(prefix), "{source}: {err}");
    }
    // Functions nested deeply enough to make the CSS parser work for hours are refused
    // at once; the usual depths compile.
    let deep = format!(".x{{width:{}1px}}", "calc(".repeat(28));
    let f = files(&[("a.wxss", deep.as_str())]);
    let err = compile(&f, "a.wxss", &options(375.0)).expect_err("too deep");
    assert!(
        err.to_string()
            .starts_with("a.wxss:1:54: parentheses nested more than 8 deep"),
        "{err}"
    );
    assert_eq!(
        css(
            ".x{width:calc(var(--a,calc(2*(3rpx + (1px)))) + 1px)}",
            750.0
        ),
        ".x{width:calc(var(--a,calc(2*(3px + (1px)))) + 1px)}"
    );
    // An error in an imported file names that file.
    let f = files(&[("a.wxss", "@import 'b.wxss';"), ("b.wxss", "\n:not( {}")]);
    let err = compile(&f, "a.wxss", &options(375.0)).expect_err("bad import");
    assert!(err.to_string().starts_with("b.wxss:2:"), "{err}");
}

#[test]
fn component_styles_are_scoped() {
    let path = "components/card/card.wxml";
    assert_eq!(component_scope(path), "components-card-card");
    let f = files(&[(
        "components/card/card.wxss",
        ".a .b:hover,view.c>.d{color:red}text{color:blue}",
    )]);
    let scoped = StyleOptions {
        window_width: 375.0,
        scope: Some(component_scope(path)),
        ..StyleOptions::default()
    };
    let out = compile(&f, "components/card/card.wxss", &scoped)
        .expect("compiles")
        .css;
    assert_eq!(
        out,
        ".components-card-card--a .components-card-card--b:hover,view.components-card-card--c>.components-card-card--d{color:red}text{color:#00f}"
    );
}

#[test]
fn page_styles_come_after_app_styles() {
    let f = files(&[
        ("app.acss", ".t{color:red}"),
        ("pages/p/p.acss", ".t{color:blue}"),
    ]);
    let out = page_styles(&f, "app.acss", "pages/p/p.acss", &options(375.0))
        .expect("compiles")
        .css;
    assert_eq!(out, ".t{color:red}.t{color:#00f}");
    let only_page = files(&[("pages/p/p.acss", ".t{width:75rpx}")]);
    let out = page_styles(&only_page, "app.acss", "pages/p/p.acss", &options(375.0))
        .expect("compiles")
        .css;
    assert_eq!(out, ".t{width:37.5px}");
}

#[test]
fn host_selects_the_component_host_element() {
    let scoped = |source: &str| {
        let f = files(&[("c/box.wxss", source)]);
        let options = StyleOptions {
            window_width: 375.0,
            scope: Some(component_scope("c/box.wxml")),
            ..StyleOptions::default()
        };
        compile(&f, "c/box.wxss", &options)
            .unwrap_or_else(|e| panic!("{source}: {e}"))
            .css
    };
    let cases = [
        (":host{display:block}", ".c-box{display:block}"),
        (":host .t{margin:20rpx}", ".c-box .c-box--t{margin:10px}"),
        (
            ":host>.t,.u{color:red}",
            ".c-box>.c-box--t,.c-box--u{color:red}",
        ),
        // The classes in `:host(…)` are the ones the parent put on the host element.
        (":host(.on){color:red}", ".c-box.on{color:red}"),
        (":host(.on) .t{color:red}", ".c-box.on .c-box--t{color:red}"),
        // Classes inside other pseudo-classes are scoped too.
        (
            ".t:not(.on){color:red}",
            ".c-box--t:not(.c-box--on){color:red}",
        ),
        (":host:hover{color:red}", ".c-box:hover{color:red}"),
    ];
    for (source, want) in cases {
        assert_eq!(scoped(source), want, "{source}");
    }
    // Without a scope (page styles) `:host` is left alone.
    assert_eq!(css(":host{display:block}", 375.0), ":host{display:block}");
    // Bad `:host` forms are located syntax errors, not panics.
    for bad in [":host(.a .b){}", ":host({}", ":host(){}"] {
        let f = files(&[("c/box.wxss", bad)]);
        let options = StyleOptions {
            window_width: 375.0,
            scope: Some(component_scope("c/box.wxml")),
            ..StyleOptions::default()
        };
        let result = compile(&f, "c/box.wxss", &options);
        assert!(result.is_err(), "{bad}: {result:?}");
    }
}

#[test]
fn vh_is_the_page_viewport_between_the_bars_when_given() {
    let f = files(&[(
        "p.wxss",
        ".a{min-height:100vh}.b{height:calc(50vh - 10rpx)}.c{height:10dvh;width:50vw}",
    )]);
    let page = StyleOptions {
        viewport_height: Some(573.0),
        ..StyleOptions::default()
    };
    assert_eq!(
        compile(&f, "p.wxss", &page).expect("compiles").css,
        ".a{min-height:573px}.b{height:281.5px}.c{width:50vw;height:57.3px}"
    );
    let webview = compile(&f, "p.wxss", &StyleOptions::default())
        .expect("compiles")
        .css;
    assert!(webview.contains("min-height:100vh"), "{webview}");
}

/// Compiles `source` as `a.wxss` (beside `b.wxss`, which holds `.b{color:red}`); returns the
/// CSS and the warnings as text.
fn lenient(source: &str) -> (String, Vec<String>) {
    let f = files(&[("a.wxss", source), ("b.wxss", ".b{color:red}")]);
    let compiled =
        compile(&f, "a.wxss", &options(375.0)).unwrap_or_else(|e| panic!("{source}: {e}"));
    let warnings = compiled.warnings.iter().map(ToString::to_string).collect();
    (compiled.css, warnings)
}

/// The platforms' compilers take an `@import` without its `;`: it ends with its line.
#[test]
fn an_import_without_its_semicolon_ends_with_its_line() {
    let (css, warnings) = lenient(".a{color:#00f}\n@import './x/../b.wxss'\n.c{width:20rpx}");
    assert_eq!(css, ".b{color:red}.a{color:#00f}.c{width:10px}");
    assert_eq!(
        warnings,
        [
            "a.wxss:2:24: warning: @import './x/../b.wxss' has no ';'; taken to end at the end of the line"
        ]
    );
    let (css, warnings) = lenient(".a{color:#00f}\n  @import \"b.wxss\"");
    assert_eq!(css, ".b{color:red}.a{color:#00f}");
    assert_eq!(
        warnings,
        ["a.wxss:2:19: warning: @import 'b.wxss' has no ';'; taken to end at the end of the file"]
    );
    // With its `;` there is nothing to say.
    assert_eq!(lenient("@import 'b.wxss';").1, Vec::<String>::new());
}

/// What the webview would drop is dropped with a warning at it; the rest of the sheet stays.
#[test]
fn declarations_and_rules_a_browser_drops_are_warnings() {
    let cases: &[(&str, &str, &[&str])] = &[
        // mini-ali-ui's modal: a `var()` whose name is not its first argument. The
        // declaration before it (the fallback authors write for old webviews) stays.
        (
            ".m{padding:20px 12px;padding:var(20px --pad,20px 12px)}\n.n{width:750rpx}",
            ".m{padding:20px 12px}.n{width:375px}",
            &[
                "a.wxss:1:34: warning: unexpected '20px'; the declaration is ignored, as a browser ignores it",
            ],
        ),
        // antd-mini's Feedback: a `var()` fallback without its comma.
        (
            ".f{color:#333;color:var(--text #333);font-size:28rpx}",
            ".f{color:#333;font-size:14px}",
            &[
                "a.wxss:1:32: warning: unexpected '#333'; the declaration is ignored, as a browser ignores it",
            ],
        ),
        // mini-ali-ui's theme: a custom property holding `var(12px)`.
        (
            "page{--gap:var(12px);--ok:1px}",
            "page{--ok:1px}",
            &[
                "a.wxss:1:16: warning: unexpected '12px'; the declaration is ignored, as a browser ignores it",
            ],
        ),
        // Columns count characters; the declarations around the dropped one stay.
        (
            ".a{content:\"é\";color:var(1px);width:2rpx}",
            ".a{content:\"é\";width:1px}",
            &[
                "a.wxss:1:26: warning: unexpected '1px'; the declaration is ignored, as a browser ignores it",
            ],
        ),
        // Old IE hacks.
        (
            ".c{*zoom:1;overflow:hidden}",
            ".c{overflow:hidden}",
            &[
                "a.wxss:1:11: warning: unexpected ';'; the declaration is ignored, as a browser ignores it",
            ],
        ),
        // mini-ali-ui's tips dialog: a selector after a pseudo-element drops its rule only.
        (
            ".w::before .r{display:none}.x{color:red}",
            ".x{color:red}",
            &[
                "a.wxss:1:12: warning: Pseudo-elements like '::before' or '::after' can't be followed by selectors like 'Delim('.')'; the rule is ignored, as a browser ignores it",
            ],
        ),
        // A `//` line is no CSS comment: it becomes the next rule's selector, as in a browser.
        (
            ".a{color:red}\n// note\n.b{color:blue}\n.c{color:green}",
            ".a{color:red}.c{color:green}",
            &[
                "a.wxss:2:1: warning: Invalid empty selector; the rule is ignored, as a browser ignores it",
            ],
        ),
        // A stray `}` swallows the rule after it.
        (
            ".a{color:red}}\n.b{color:blue}\n.c{color:green}",
            ".a{color:red}.c{color:green}",
            &[
                "a.wxss:1:14: warning: Invalid empty selector; the rule is ignored, as a browser ignores it",
            ],
        ),
    ];
    for (source, css, warnings) in cases {
        assert_eq!(
            lenient(source),
            (
                (*css).to_owned(),
                warnings.iter().map(|w| (*w).to_owned()).collect()
            ),
            "{source}"
        );
    }
}

/// What CSS's own grammar repairs needs no warning: stray `;`, blocks the file's end closes.
#[test]
fn what_css_itself_repairs_is_no_warning() {
    for (source, css) in [
        (".a{color:red;;width:2rpx;}", ".a{color:red;width:1px}"),
        (".a{color:red}\n.b{width:2rpx", ".a{color:red}.b{width:1px}"),
        (
            "@media (min-width:100px){.a{color:red}",
            "@media (width>=100px){.a{color:red}}",
        ),
    ] {
        assert_eq!(lenient(source), (css.to_owned(), Vec::new()), "{source}");
    }
}

/// Warnings name the imported file they are in, imported files first, then page after app.
#[test]
fn warnings_of_imports_and_of_page_styles_come_in_css_order() {
    let f = files(&[
        (
            "app.wxss",
            "@import 'common.wxss';\n.app{width:var(--w 1px)}",
        ),
        ("common.wxss", ".c{color:var(1px)}"),
        ("pages/p/p.wxss", "@import '/common.wxss'\n.p{color:red}"),
    ]);
    let compiled =
        page_styles(&f, "app.wxss", "pages/p/p.wxss", &options(375.0)).expect("compiles");
    let warnings: Vec<String> = compiled.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "common.wxss:1:14: warning: unexpected '1px'; the declaration is ignored, as a browser ignores it",
            "app.wxss:2:20: warning: unexpected '1px'; the declaration is ignored, as a browser ignores it",
            "pages/p/p.wxss:1:23: warning: @import '/common.wxss' has no ';'; taken to end at the end of the line",
            "common.wxss:1:14: warning: unexpected '1px'; the declaration is ignored, as a browser ignores it",
        ]
    );
    assert_eq!(compiled.css, ".p{color:red}");
}
