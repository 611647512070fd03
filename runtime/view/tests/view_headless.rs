//! The headless renderer over a mini-program folder on disk: templates, a component, a view
//! script and styles read through the same `SourceFiles` seam a package would use.

use std::path::Path;

use anyhow::Result;
use capsule_view::style::{StyleOptions, compile, component_scope, page_styles};
use capsule_view::{PageView, View, render_html};
use serde_json::json;

fn write(root: &Path, path: &str, text: &str) -> Result<()> {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().expect("has a parent"))?;
    std::fs::write(full, text)?;
    Ok(())
}

#[test]
fn renders_a_page_folder_headlessly() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    write(root, "app.wxss", "page{font-size:28rpx}")?;
    write(
        root,
        "pages/todo/todo.json",
        r#"{"usingComponents": {"todo-item": "/components/item/item"}}"#,
    )?;
    write(
        root,
        "pages/todo/todo.wxml",
        r#"<wxs module="fmt" src="../../utils/fmt.wxs"/>
<view class="title">{{fmt.count(todos)}}</view>
<todo-item wx:for="{{todos}}" wx:key="id" item-title="{{item.title}}" done="{{item.done}}" data-id="{{item.id}}" bind:toggle="onToggle"/>"#,
    )?;
    write(
        root,
        "pages/todo/todo.wxss",
        "@import '../../common/base.wxss';\n.title{margin:20rpx}",
    )?;
    write(root, "common/base.wxss", ".title{color:#333}")?;
    write(
        root,
        "utils/fmt.wxs",
        "module.exports = { count: function (l) { return l.filter(function (t) { return !t.done; }).length + ' left'; } };",
    )?;
    write(
        root,
        "components/item/item.wxml",
        r#"<text class="t {{done ? 'done' : ''}}">{{itemTitle}}</text>"#,
    )?;
    write(
        root,
        "components/item/item.wxss",
        ":host{display:block}.t{padding:10rpx}.done{opacity:.5}",
    )?;

    let files = |path: &str| std::fs::read_to_string(root.join(path)).ok();
    let data = json!({"todos": [{"id": 1, "title": "milk", "done": false}, {"id": 2, "title": "eggs", "done": true}]});
    let html = render_html(&files, "pages/todo/todo.wxml", &Default::default(), data)?;
    assert_eq!(
        html,
        "<view class=\"title\">1 left</view>\
<todo-item class=\"components-item-item\" itemTitle=\"milk\" data-id=\"1\" bind:toggle=\"onToggle\"><text class=\"components-item-item--t\">milk</text></todo-item>\
<todo-item class=\"components-item-item\" done itemTitle=\"eggs\" data-id=\"2\" bind:toggle=\"onToggle\"><text class=\"components-item-item--t components-item-item--done\">eggs</text></todo-item>"
    );

    let options = StyleOptions {
        window_width: 375.0,
        scope: None,
        ..StyleOptions::default()
    };
    let css = page_styles(&files, "app.wxss", "pages/todo/todo.wxss", &options)?.css;
    assert_eq!(
        css,
        "page{font-size:14px}.title{color:#333}.title{margin:10px}"
    );
    let scoped = StyleOptions {
        window_width: 375.0,
        scope: Some(component_scope("components/item/item.wxml")),
        ..StyleOptions::default()
    };
    let css = compile(&files, "components/item/item.wxss", &scoped)?.css;
    assert_eq!(
        css,
        ".components-item-item{display:block}.components-item-item--t{padding:5px}.components-item-item--done{opacity:.5}"
    );
    Ok(())
}

#[test]
fn endless_template_recursion_stops_at_the_depth_limit() -> Result<()> {
    let files = std::collections::HashMap::from([(
        "p.wxml".to_owned(),
        r#"<template name="r"><view><template is="r"/></view></template><template is="r"/>"#
            .to_owned(),
    )]);
    // Runs on a test thread's ordinary stack: the limit must come before the stack runs out.
    let html = render_html(&files, "p.wxml", &Default::default(), json!({}))?;
    assert_eq!(html.matches("<view>").count(), 100);
    assert!(html.starts_with("<view><view>") && html.ends_with("</view></view>"));
    Ok(())
}

#[test]
fn exploding_loops_stop_at_the_node_budget() -> Result<()> {
    let files = std::collections::HashMap::from([(
        "p.wxml".to_owned(),
        r#"<view wx:for="{{1e9}}"><text wx:for="{{1e9}}">{{item}}</text></view>"#.to_owned(),
    )]);
    let html = render_html(&files, "p.wxml", &Default::default(), json!({}))?;
    // Each inner item counts three: the item, its element and its text.
    let elements = html.matches("<view>").count() + html.matches("<text>").count();
    assert!(elements <= 200_000 && elements > 60_000, "{elements}");
    Ok(())
}

#[test]
fn slow_view_scripts_stop_at_the_render_budget() -> Result<()> {
    // 298 calls of 100k loop iterations each take seconds; the budget cuts it short. (Items
    // 0 and 1 return at once, so that a render of only those is within any budget, however
    // busy the machine.)
    let files = std::collections::HashMap::from([(
        "p.wxml".to_owned(),
        r#"<wxs module="m">module.exports = { slow: function (x) { if (x < 2) return x; var s = 0; for (var i = 0; i < 100000; i++) { s += i % 7; } return x; } };</wxs>
<text wx:for="{{n}}">{{m.slow(item)}}</text>"#
            .to_owned(),
    )]);
    let page = PageView::compile(&files, "p.wxml", &Default::default())?;
    let budget = std::time::Duration::from_millis(300);
    let mut view = View::with_script_budget(page.clone(), json!({"n": 300}), budget)?;
    let check = |view: &View| {
        let html = view.html();
        // The page still renders every item; the calls after the budget give undefined.
        assert_eq!(html.matches("<text>").count(), 300, "{html}");
        assert!(html.starts_with("<text>0</text>"), "{html}");
        assert!(html.ends_with("<text></text>"), "{html}");
        let warnings = view.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let warning = warnings[0].to_string();
        assert!(warning.starts_with("p.wxml:2:24: warning: "), "{warning}");
        assert!(warning.contains("300ms budget"), "{warning}");
    };
    check(&view);
    // Each render gets the whole budget again.
    view.set_data(&[("x".to_owned(), json!(1))]);
    check(&view);
    // A render within the budget has no warnings.
    view.set_data(&[("n".to_owned(), json!(2))]);
    assert_eq!(view.html(), "<text>0</text><text>1</text>");
    assert!(view.warnings().is_empty());
    let fast = View::new(page, json!({"n": 3}))?;
    assert_eq!(fast.html(), "<text>0</text><text>1</text><text>2</text>");
    assert!(fast.warnings().is_empty());
    Ok(())
}

#[test]
fn views_can_move_between_threads() -> Result<()> {
    fn assert_send<T: Send>(_: &T) {}
    let files = std::collections::HashMap::from([(
        "p.wxml".to_owned(),
        r#"<wxs module="m">module.exports = { f: function (x) { return x * 2; } };</wxs><text>{{m.f(n)}}</text>"#
            .to_owned(),
    )]);
    let page = PageView::compile(&files, "p.wxml", &Default::default())?;
    let view = View::new(page, json!({"n": 2}))?;
    assert_send(&view);
    let mut view = std::thread::spawn(move || view)
        .join()
        .expect("the thread returns the view");
    view.set_data(&[("n".to_owned(), json!(5))]);
    assert_eq!(view.html(), "<text>10</text>");
    Ok(())
}

#[test]
fn one_endless_call_is_cut_off_at_the_budget() -> Result<()> {
    // A single call that would run for hours: each step copies a growing string.
    let files = std::collections::HashMap::from([(
        "p.wxml".to_owned(),
        r#"<wxs module="m">
var renders = 0;
module.exports = {
  count: function () { renders++; return renders; },
  grow: function () { var s = 'x'; for (var i = 0; i < 9000000; i++) { s = s + i + s.charAt(i); } return s.length; }
};
</wxs>
<text>{{m.count()}}</text><text>[{{m.grow()}}]</text><text>{{m.count()}}</text>"#
            .to_owned(),
    )]);
    let page = PageView::compile(&files, "p.wxml", &Default::default())?;
    let budget = std::time::Duration::from_millis(300);
    let mut view = View::with_script_budget(page, json!({}), budget)?;
    assert_eq!(view.html(), "<text>1</text><text>[]</text><text></text>");
    assert!(view.warnings()[0].to_string().starts_with("p.wxml:8:36: "));
    // The cut-off call left the engine mid-run: the next render loads the scripts afresh.
    view.set_data(&[("x".to_owned(), json!(1))]);
    assert_eq!(view.html(), "<text>1</text><text>[]</text><text></text>");
    assert_eq!(view.warnings().len(), 1);
    Ok(())
}

#[test]
fn slots_of_recursive_components_stay_within_the_node_budget() -> Result<()> {
    // Each level copies its content into 20 slots: 20^levels nodes without a budget.
    let slots = "<slot/>".repeat(20);
    let files = std::collections::HashMap::from([
        (
            "p.wxml".to_owned(),
            "<c-c><c-c><c-c><c-c><c-c><c-c><text>x</text></c-c></c-c></c-c></c-c></c-c></c-c>"
                .to_owned(),
        ),
        (
            "p.json".to_owned(),
            r#"{"usingComponents": {"c-c": "/c"}}"#.to_owned(),
        ),
        ("c.wxml".to_owned(), format!("<view>{slots}</view>")),
    ]);
    let html = render_html(&files, "p.wxml", &Default::default(), json!({}))?;
    // Rendering stops once the budget is spent (here while filling the innermost slots).
    let nodes = html.matches("<text>").count() + html.matches("<view>").count();
    assert!(nodes <= 200_000, "{nodes}");
    assert!(
        html.starts_with("<c-c class=\"c\">"),
        "{}",
        &html[..html.len().min(300)]
    );
    // Long strings repeated by a loop stop at the byte budget.
    let files = std::collections::HashMap::from([(
        "p.wxml".to_owned(),
        "<text wx:for=\"{{100000}}\">{{big}}</text>".to_owned(),
    )]);
    let big = "x".repeat(1 << 20);
    let html = render_html(&files, "p.wxml", &Default::default(), json!({"big": big}))?;
    assert!(html.len() < 100 << 20, "{}", html.len());
    Ok(())
}

#[test]
fn nested_loops_that_render_nothing_still_stop() -> Result<()> {
    let files = std::collections::HashMap::from([(
        "p.wxml".to_owned(),
        r#"<block wx:for="{{1e9}}"><block wx:for="{{1e9}}"><text wx:if="{{false}}">x</text></block></block><text>end</text>"#
            .to_owned(),
    )]);
    // 10^10 empty iterations without a budget; the page renders (without its tail).
    let html = render_html(&files, "p.wxml", &Default::default(), json!({}))?;
    assert_eq!(html, "");
    Ok(())
}
