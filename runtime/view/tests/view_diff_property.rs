//! Property: for random data changes, applying the diff's patches to the old tree gives
//! exactly the tree a fresh render of the new data gives, and `set_data` (which renders
//! again only what its dependency map says a change reaches) ends with that tree too.

use std::collections::HashMap;

use capsule_view::{PageView, View, apply};
use proptest::prelude::*;
use serde_json::{Value, json};

const TEMPLATE: &str = r#"
<view class="head {{flag ? 'on' : 'off'}}" hidden="{{!flag}}">{{title}}</view>
<view wx:if="{{n > 2}}"><text>big {{n}}</text></view>
<text wx:elif="{{n > 0}}">small</text>
<block wx:else><text>zero</text><text>!</text></block>
<view class="keyed">
  <view wx:for="{{list}}" wx:key="id" data-id="{{item.id}}" bindtap="open" class="row {{item.on ? 'sel' : ''}}">
    <text>{{item.title}}</text><text wx:if="{{item.on}}">*</text>
  </view>
</view>
<view class="plain"><text wx:for="{{list}}">{{index}}:{{item.title}}</text></view>
<my-card wx:for="{{cards}}" wx:key="*this" label="{{item}}"><text>{{title}}</text></my-card>
"#;

fn page() -> PageView {
    let files = HashMap::from([
        ("pages/p/p.wxml".to_owned(), TEMPLATE.to_owned()),
        (
            "pages/p/p.json".to_owned(),
            r#"{"usingComponents": {"my-card": "/c/card"}}"#.to_owned(),
        ),
        (
            "c/card.wxml".to_owned(),
            r#"<view class="card">{{label}}<slot/></view>"#.to_owned(),
        ),
    ]);
    PageView::compile(&files, "pages/p/p.wxml", &Default::default()).expect("compiles")
}

fn row() -> impl Strategy<Value = Value> {
    (0u8..12, "[a-c]{0,3}", any::<bool>())
        .prop_map(|(id, title, on)| json!({"id": id, "title": title, "on": on}))
}

fn change() -> impl Strategy<Value = (String, Value)> {
    prop_oneof![
        any::<bool>().prop_map(|b| ("flag".to_owned(), json!(b))),
        (0i64..5).prop_map(|n| ("n".to_owned(), json!(n))),
        "[a-z]{0,4}".prop_map(|t| ("title".to_owned(), json!(t))),
        prop::collection::vec(row(), 0..8).prop_map(|l| ("list".to_owned(), Value::Array(l))),
        (0usize..8, "[a-c]{0,3}").prop_map(|(i, t)| (format!("list[{i}].title"), json!(t))),
        (0usize..8, any::<bool>()).prop_map(|(i, b)| (format!("list[{i}].on"), json!(b))),
        prop::collection::vec(0u8..6, 0..5).prop_map(|c| ("cards".to_owned(), json!(c))),
        Just(("list".to_owned(), Value::Null)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn patches_equal_fresh_render(
        initial in prop::collection::vec(change(), 0..4),
        updates in prop::collection::vec(prop::collection::vec(change(), 1..4), 1..6),
    ) {
        let page = page();
        let mut view = View::new(page.clone(), json!({})).expect("renders");
        view.set_data(&initial);
        for batch in updates {
            let mut patched = view.tree().to_vec();
            let ops = view.set_data(&batch);
            apply(&mut patched, &ops).expect("ops apply");
            prop_assert_eq!(&patched, view.tree());
            let fresh = View::new(page.clone(), view.data().clone()).expect("renders");
            prop_assert_eq!(fresh.tree(), view.tree());
        }
    }
}

/// A page with every kind of binding the dependency map records: nested loops (with their
/// own item and index names, a key expression, an item read by another item), `if` chains
/// inside items and around components, templates (static and dynamic names, spread data),
/// an include, component properties and slots.
const RICH: &str = r#"
<view class="head {{flag ? 'on' : 'off'}}">{{title}} {{obj.a.b}} {{obj.a.c[1]}} {{list.length}}</view>
<view wx:if="{{n > 2}}"><text>big {{n}}</text></view>
<text wx:elif="{{n > 0}}">small</text>
<block wx:else><text>zero</text><text>!</text></block>
<view class="rows {{mode}}" data-n="{{n}}" id="{{sel.value}}">
  <view wx:for="{{list}}" wx:key="id" data-id="{{item.id}}" bindtap="open" class="row {{item.on ? 'sel' : ''}}">
    <text>{{item.title}}</text><text wx:if="{{item.on}}">*{{flag}}</text>
    <text wx:for="{{item.tags}}" wx:for-item="t" wx:key="*this">{{t}}</text>
  </view>
</view>
<view class="first"><text wx:for="{{list}}">{{list[0].title}}/{{item.title}}</text></view>
<view class="groups" wx:key="{{mode}}">
  <block wx:for="{{groups}}" wx:for-item="g" wx:for-index="gi" wx:key="name">
    <text>{{gi}} {{g.name}} of {{groups.length}}</text>
    <view wx:for="{{g.rows}}" wx:for-item="r" wx:key="{{r}}-{{gi}}" class="{{r === sel.value ? 'sel' : ''}}">{{r}}</view>
    <text wx:if="{{g.open}}">open {{g.rows.length}}</text>
  </block>
</view>
<template name="cell"><view class="cell">{{label}}: {{value.a.b}}</view></template>
<template name="other"><text>other {{label}}</text></template>
<template is="cell" data="{{label: title, value: obj}}"/>
<template is="{{flag ? 'cell' : 'other'}}" data="{{label: n}}"/>
<block wx:for="{{list}}" wx:key="id"><template is="cell" data="{{...item, label: item.title, value: obj}}"/></block>
<view wx:for="{{obj.a.c}}">{{index}}={{item}}</view>
<view wx:for="{{title}}">{{item}}</view>
<my-card wx:if="{{flag}}" label="{{obj.a.b}}"><text>{{n}}</text></my-card>
<my-card wx:for="{{cards}}" label="{{item}}"><text>{{title}}</text></my-card>
<my-card wx:for="{{list}}" wx:key="id" label="{{item.title}}"><text wx:if="{{item.on}}">on {{n}}</text></my-card>
<my-card wx:for="{{groups}}" wx:key="name" label="{{item.name}}"><my-card wx:if="{{item.open}}" slot="{{item.name == 'p' ? '' : 'nowhere'}}" label="{{item.rows.length}}"/></my-card>
<include src="inc.wxml"/>
"#;

/// [`RICH`], or without its components: a render that reaches a component instance is a
/// full one (instances are numbered in render order), so without them more updates are
/// incremental.
fn rich_page(components: bool) -> PageView {
    let template: String = RICH
        .lines()
        .filter(|line| components || !line.contains("my-card"))
        .map(|line| format!("{line}\n"))
        .collect();
    let files = HashMap::from([
        ("pages/p/p.wxml".to_owned(), template),
        (
            "pages/p/inc.wxml".to_owned(),
            r#"<text>{{title}}</text><view wx:if="{{sel}}">{{sel.value}}</view>"#.to_owned(),
        ),
        (
            "pages/p/p.json".to_owned(),
            r#"{"usingComponents": {"my-card": "/c/card"}}"#.to_owned(),
        ),
        (
            "c/card.wxml".to_owned(),
            r#"<view class="card">{{label}}<slot/></view>"#.to_owned(),
        ),
    ]);
    PageView::compile(&files, "pages/p/p.wxml", &Default::default()).expect("compiles")
}

/// Any small value: what a path may be set to besides what it usually holds.
fn anything() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0i64..4).prop_map(Value::from),
        "[a-c]{0,2}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[abc]|id|title|on|tags|rows|name|open", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn rich_row() -> impl Strategy<Value = Value> {
    (
        0u8..6,
        "[a-c]{0,2}",
        any::<bool>(),
        prop::collection::vec("[xy]", 0..3),
    )
        .prop_map(|(id, title, on, tags)| json!({"id": id, "title": title, "on": on, "tags": tags}))
}

fn group() -> impl Strategy<Value = Value> {
    ("[pq]", prop::collection::vec(0u8..4, 0..4), any::<bool>())
        .prop_map(|(name, rows, open)| json!({"name": name, "rows": rows, "open": open}))
}

/// A `setData` path: top-level, nested, indexed (also past the end of a list), into a value
/// that is not an object, or a whole list or object.
fn rich_path() -> impl Strategy<Value = String> {
    let i = 0usize..5;
    prop_oneof![
        prop::sample::select(vec![
            "flag",
            "n",
            "mode",
            "title",
            "sel",
            "sel.value",
            "obj",
            "obj.a",
            "obj.a.b",
            "obj.a.c",
            "list",
            "groups",
            "cards",
            "title.x",
            "n.a.b",
        ])
        .prop_map(str::to_owned),
        i.clone().prop_map(|i| format!("obj.a.c[{i}]")),
        i.clone().prop_map(|i| format!("list[{i}]")),
        (
            i.clone(),
            prop::sample::select(vec!["title", "on", "id", "tags", "x"])
        )
            .prop_map(|(i, f)| format!("list[{i}].{f}")),
        (i.clone(), 0usize..3).prop_map(|(i, j)| format!("list[{i}].tags[{j}]")),
        i.clone().prop_map(|i| format!("groups[{i}]")),
        (
            i.clone(),
            prop::sample::select(vec!["name", "rows", "open"])
        )
            .prop_map(|(i, f)| format!("groups[{i}].{f}")),
        (i.clone(), 0usize..4).prop_map(|(i, j)| format!("groups[{i}].rows[{j}]")),
        i.prop_map(|i| format!("cards[{i}]")),
    ]
}

/// A value for `path`: mostly what it usually holds, sometimes anything.
fn rich_value(path: &str) -> BoxedStrategy<Value> {
    let last = path.rsplit(['.', '[']).next().unwrap_or(path);
    let usual: BoxedStrategy<Value> = match last {
        "flag" | "on" | "open" => any::<bool>().prop_map(Value::from).boxed(),
        "n" | "id" => (0i64..5).prop_map(Value::from).boxed(),
        "list" => prop::collection::vec(rich_row(), 0..5)
            .prop_map(Value::Array)
            .boxed(),
        "groups" => prop::collection::vec(group(), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        "cards" => prop::collection::vec(0u8..4, 0..3)
            .prop_map(|c| json!(c))
            .boxed(),
        "rows" => prop::collection::vec(0u8..4, 0..4)
            .prop_map(|r| json!(r))
            .boxed(),
        "sel" => (0u8..4).prop_map(|v| json!({"value": v})).boxed(),
        "obj" => ("[a-c]", prop::collection::vec(0u8..3, 0..3))
            .prop_map(|(b, c)| json!({"a": {"b": b, "c": c}}))
            .boxed(),
        _ if path.starts_with("list[") && !path.contains('.') => rich_row().boxed(),
        _ if path.starts_with("groups[") && !path.contains('.') => group().boxed(),
        _ => "[a-c]{0,2}".prop_map(Value::from).boxed(),
    };
    prop_oneof![4 => usual, 1 => anything()].boxed()
}

fn rich_change() -> impl Strategy<Value = (String, Value)> {
    rich_path().prop_flat_map(|path| {
        let value = rich_value(&path);
        (Just(path), value)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn updates_equal_fresh_render_for_random_paths(
        initial in prop::collection::vec(rich_change(), 0..8),
        updates in prop::collection::vec(prop::collection::vec(rich_change(), 1..4), 1..8),
    ) {
        for components in [false, true] {
            let page = rich_page(components);
            let mut view = View::new(page.clone(), json!({})).expect("renders");
            view.set_data(&initial);
            for batch in &updates {
                let mut patched = view.tree().to_vec();
                let ops = view.set_data(batch);
                apply(&mut patched, &ops).expect("ops apply");
                prop_assert_eq!(&patched, view.tree(), "ops of {:?}", batch);
                let fresh = View::new(page.clone(), view.data().clone()).expect("renders");
                prop_assert_eq!(fresh.tree(), view.tree(), "update {:?}", batch);
            }
        }
    }
}

#[test]
fn one_changed_row_of_a_thousand_is_one_op() {
    let list: Vec<Value> = (0..1000)
        .map(|i| json!({"id": i, "title": format!("row {i}"), "on": false}))
        .collect();
    let mut view = View::new(page(), json!({"list": list, "n": 1})).expect("renders");
    let ops = view.set_data(&[("list[500].title".to_owned(), json!("changed"))]);
    // The keyed row's text and the unkeyed list's text: one op each.
    assert_eq!(ops.len(), 2, "{ops:#?}");
    let ops = view.set_data(&[("list[10].on".to_owned(), json!(true))]);
    // class attribute + the inserted `*` in the keyed row.
    assert_eq!(ops.len(), 2, "{ops:#?}");
}
