//! Property: for random data changes, applying the diff's patches to the old tree gives
//! exactly the tree a fresh render of the new data gives.

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
