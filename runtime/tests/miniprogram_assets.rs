//! Package paths in a running mini-program, headless: a relative `src` resolves against the
//! folder of the template that wrote it (the page's, a component's own, an included file's),
//! an absolute one against the package root, bound values alike, inline `url()`s and
//! stylesheet `url()`s too; the snapshot's HTML and selector queries see the resolved paths.

mod mp_support;

use capsule_runtime::Snapshot;
use mp_support::{launch, wait, write_files};
use serde_json::json;

const WECHAT_PAGE: &str = r#"<view class="page">
  <image id="logo" src="resources/kind/logo.png" bindload="loaded"/>
  <image id="abs" src="/images/shared.png"/>
  <image id="bound" src="{{pic}}"/>
  <image id="remote" src="https://example.com/r.png"/>
  <image id="escape" src="../../../../x.png"/>
  <view id="bg" style="background-image: url(bg.png); height: 10px"></view>
  <my-card pic="from-page.png"><image id="slotted" src="resources/slotted.png"/></my-card>
  <include src="../common/footer.wxml"/>
</view>"#;

fn wechat_app(root: &std::path::Path) {
    write_files(
        root,
        &[
            (
                "manifest.json",
                r#"{"appId":"assets.wechat","name":"Assets","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
            ),
            ("app.json", r#"{"pages":["pages/component/index"]}"#),
            ("app.js", "App({});"),
            ("app.wxss", ".page{background:url(images/app-bg.png)}"),
            (
                "pages/component/index.json",
                r#"{"usingComponents":{"my-card":"/components/card/card"}}"#,
            ),
            ("pages/component/index.wxml", WECHAT_PAGE),
            (
                "pages/component/index.wxss",
                "#bg{border-image:url('./resources/border.png') 30}",
            ),
            (
                "pages/component/index.js",
                r#"Page({
                  data: { pic: 'resources/bound.png' },
                  swap() { this.setData({ pic: '../other/swapped.png' }); },
                  measure() {
                    wx.createSelectorQuery()
                      .selectAll('#logo, #abs, #bound, #remote, #escape, #slotted, #footer')
                      .fields({ id: true, properties: ['src'] })
                      .exec((res) => { getApp().query = res[0]; });
                  },
                });"#,
            ),
            ("components/card/card.json", r#"{"component":true}"#),
            (
                "components/card/card.js",
                "Component({ properties: { pic: String } });",
            ),
            (
                "components/card/card.wxml",
                r#"<image class="icon" src="icon.png"/><image class="pic" src="{{pic}}"/><slot/>"#,
            ),
            (
                "components/card/card.wxss",
                ".icon{background:url(card-bg.png)}",
            ),
            (
                "pages/common/footer.wxml",
                r#"<image id="footer" src="./footer.png"/>"#,
            ),
        ],
    );
}

/// The `src` of the element `id` in the snapshot's HTML.
fn src_of(snapshot: &Snapshot, id: &str) -> String {
    let html = &snapshot.html;
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let start = html[..at].rfind('<').expect("element start");
    let end = at + html[at..].find('>').expect("element end");
    let element = &html[start..end];
    let value = element
        .split(" src=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no src in {element}"));
    value[..value.find('"').expect("closing quote")].to_owned()
}

#[test]
fn wechat_paths_resolve_against_the_template_that_wrote_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    wechat_app(dir.path());
    let launched = launch(dir.path());
    let program = &launched.program;
    let snapshot = wait(program, |s| s.html.contains("footer"));
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);

    for (id, want) in [
        ("logo", "/pages/component/resources/kind/logo.png"),
        ("abs", "/images/shared.png"),
        ("bound", "/pages/component/resources/bound.png"),
        ("remote", "https://example.com/r.png"),
        (
            "escape",
            "/__capsule__/unresolved/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fx%2Epng",
        ),
        ("slotted", "/pages/component/resources/slotted.png"),
        ("footer", "/pages/common/footer.png"),
    ] {
        assert_eq!(src_of(&snapshot, id), want, "#{id}");
    }
    let html = &snapshot.html;
    assert!(
        html.contains(r#"style="background-image: url(/pages/component/bg.png); height: 10px""#),
        "{html}"
    );
    // The component's template resolves against its own folder, the value its parent passed
    // included (what the platform does with a path handed to a component).
    assert!(
        html.contains(r#"src="/components/card/icon.png""#),
        "{html}"
    );
    assert!(
        html.contains(r#"src="/components/card/from-page.png""#),
        "{html}"
    );
    // The property itself stays as the page wrote it.
    assert!(html.contains(r#"pic="from-page.png""#), "{html}");

    // setData with a new relative value: resolved the same way.
    program
        .evaluate("getCurrentPages()[0].swap()")
        .expect("swaps");
    let snapshot = wait(program, |s| s.html.contains("swapped"));
    assert_eq!(src_of(&snapshot, "bound"), "/pages/other/swapped.png");

    // Selector queries read the virtual DOM: they see the resolved paths.
    program
        .evaluate("getCurrentPages()[0].measure()")
        .expect("queries");
    program.settle().expect("settles");
    let query = program.evaluate("getApp().query").expect("answered");
    assert_eq!(
        query,
        json!([
            {"id": "logo", "src": "/pages/component/resources/kind/logo.png"},
            {"id": "abs", "src": "/images/shared.png"},
            {"id": "bound", "src": "/pages/other/swapped.png"},
            {"id": "remote", "src": "https://example.com/r.png"},
            {"id": "escape", "src": "/__capsule__/unresolved/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fx%2Epng"},
            {"id": "slotted", "src": "/pages/component/resources/slotted.png"},
            {"id": "footer", "src": "/pages/common/footer.png"},
        ])
    );
}

#[test]
fn stylesheet_urls_resolve_against_their_own_files() {
    use capsule_runtime::view::style::{StyleOptions, compile, component_scope, page_styles};
    let dir = tempfile::tempdir().expect("tempdir");
    wechat_app(dir.path());
    let read = |path: &str| std::fs::read_to_string(dir.path().join(path)).ok();
    let page = page_styles(
        &read,
        "app.wxss",
        "pages/component/index.wxss",
        &StyleOptions::default(),
    )
    .expect("page styles")
    .css;
    assert!(page.contains("url(/images/app-bg.png)"), "{page}");
    assert!(
        page.contains("url(/pages/component/resources/border.png)"),
        "{page}"
    );
    let options = StyleOptions {
        scope: Some(component_scope("components/card/card.wxml")),
        ..StyleOptions::default()
    };
    let card = compile(&read, "components/card/card.wxss", &options)
        .expect("card styles")
        .css;
    assert!(card.contains("url(/components/card/card-bg.png)"), "{card}");
}

#[test]
fn alipay_paths_resolve_the_same_way() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[
            (
                "manifest.json",
                r#"{"appId":"assets.alipay","name":"Assets","version":"1.0.0","kind":"miniprogram","dialect":"alipay","entry":"app.json"}"#,
            ),
            ("app.json", r#"{"pages":["page/component/index"]}"#),
            ("app.js", "App({});"),
            (
                "page/component/index.axml",
                r#"<view><image id="logo" src="resources/kind/logo.png"/><image id="bound" src="{{pic}}" default-source="../d.png"/><view style="background:url('bg.png')"/></view>"#,
            ),
            (
                "page/component/index.js",
                "Page({ data: { pic: './p.png' } });",
            ),
        ],
    );
    let launched = launch(dir.path());
    let snapshot = wait(&launched.program, |s| s.html.contains("logo"));
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
    assert_eq!(
        src_of(&snapshot, "logo"),
        "/page/component/resources/kind/logo.png"
    );
    assert_eq!(src_of(&snapshot, "bound"), "/page/component/p.png");
    let html = &snapshot.html;
    assert!(html.contains(r#"default-source="/page/d.png""#), "{html}");
    assert!(
        html.contains(r#"style="background:url('/page/component/bg.png')""#),
        "{html}"
    );
}
