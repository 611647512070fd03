//! Custom components in both dialects: lifecycles, props, data, events.

mod logic_support;

use capsule_runtime::{DataChange, LogicCommand, LogicToView, PathKey};
use logic_support::Harness;
use serde_json::{Map, Value, json};

fn props(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields,
        other => panic!("not an object: {other}"),
    }
}

fn mount(app: &mut Harness, component: u64, path: &str, given: Value) {
    mount_inside(app, component, path, given, &[]);
}

/// Runs method `handler` of component `component` as the view would for an event.
fn call(app: &mut Harness, component: u64, handler: &str, reply_id: Option<u64>) {
    app.send(LogicCommand::Event(Box::new(capsule_runtime::ViewEvent {
        page: 1,
        component: Some(component),
        handler: handler.into(),
        event: capsule_runtime::EventObject::default(),
        reply_id,
    })));
}

/// Mounts `component` inside the instances `ancestors` (nearest first).
fn mount_inside(app: &mut Harness, component: u64, path: &str, given: Value, ancestors: &[u64]) {
    app.send(LogicCommand::MountComponent {
        page: 1,
        component,
        path: path.into(),
        props: props(given),
        owner: None,
        ancestors: ancestors.to_vec(),
        host: capsule_runtime::HostElement::default(),
    });
}

#[test]
fn alipay_component_lifecycle_props_and_mixins() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        (
            "pages/index/index.js",
            "Page({ data: {}, saved(v) { console.log('page saved ' + v + ' ' + this.route); } })",
        ),
        (
            "mixins/log.js",
            "module.exports = { data: { fromMixin: true }, methods: { say(x) { console.log('say ' + x); } }, didMount() { console.log('mixin didMount'); } };",
        ),
        (
            "components/card/card.js",
            "Component({
               mixins: [require('../../mixins/log')],
               props: { title: 'untitled', count: 0 },
               data: { open: false },
               onInit() { console.log('onInit ' + this.props.title + ' ' + this.is); },
               deriveDataFromProps(next) { console.log('derive ' + next.count); },
               didMount() { console.log('didMount ' + this.props.count + ' ' + this.data.fromMixin); this.say('hi'); },
               didUpdate(prevProps, prevData) { console.log('didUpdate ' + prevProps.count + '->' + this.props.count); },
               didUnmount() { console.log('didUnmount'); },
               methods: {
                 toggle() { this.setData({ open: !this.data.open }); this.props.onSave('v1'); },
               },
             })",
        ),
    ];
    let mut app = Harness::start("alipay", &files);
    app.launch();
    app.new_logs();
    mount(
        &mut app,
        41,
        "components/card/card",
        json!({"count": 2, "onSave": "saved"}),
    );
    assert_eq!(
        app.new_logs(),
        [
            "onInit untitled components/card/card",
            "derive 2",
            "mixin didMount",
            "didMount 2 true",
            "say hi"
        ]
    );
    // The template starts from the props' defaults (`x` and `props.x`; the view puts the
    // parent's props over them) under the data; handler props stay in the logic.
    assert!(app.seen.contains(&LogicToView::ComponentCreated {
        component: 41,
        data: json!({
            "title": "untitled", "count": 0, "fromMixin": true, "open": false,
            "props": {"title": "untitled", "count": 0}
        }),
        shares_page_styles: false,
        virtual_host: false,
    }));

    call(&mut app, 41, "toggle", None);
    assert_eq!(app.new_logs(), ["page saved v1 pages/index/index"]);
    let set_data = app
        .seen
        .iter()
        .find(|m| {
            matches!(
                m,
                LogicToView::SetData {
                    component: Some(41),
                    ..
                }
            )
        })
        .expect("component setData");
    assert!(
        matches!(set_data, LogicToView::SetData { page: 1, changes, .. }
        if *changes == [DataChange { path: vec![PathKey::Key("open".into())], value: json!(true) }])
    );

    app.send(LogicCommand::UpdateProps {
        component: 41,
        props: props(json!({"count": 3, "onSave": "saved"})),
    });
    assert_eq!(app.new_logs(), ["derive 3", "didUpdate 2->3"]);
    app.send(LogicCommand::UnmountComponent { component: 41 });
    app.send(LogicCommand::UpdateProps {
        component: 41,
        props: Map::new(),
    });
    assert_eq!(app.new_logs(), ["didUnmount"]);
}

#[test]
fn wechat_component_properties_observers_behaviors_and_events() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({})"),
        (
            "behaviors/base.js",
            "module.exports = Behavior({ data: { base: 1 }, lifetimes: { attached() { console.log('behavior attached'); } }, methods: { hello() { return 'hello'; } } });",
        ),
        (
            "components/item/item.js",
            "Component({
               options: { addGlobalClass: true },
               behaviors: [require('../../behaviors/base')],
               properties: {
                 label: String,
                 size: { type: Number, value: 3, observer(now, old) { console.log('size ' + old + '->' + now); } },
                 tags: Array,
               },
               data: { a: 1, b: { c: 2 } },
               observers: {
                 'a, b.c': function (a, c) { console.log('observed ' + a + ' ' + c); },
                 'label': function (label) { console.log('label ' + label); },
               },
               lifetimes: {
                 created() { console.log('created ' + JSON.stringify(this.data)); },
                 attached() { console.log('attached ' + this.hello()); },
                 ready() { console.log('ready'); },
                 detached() { console.log('detached'); },
               },
               pageLifetimes: { hide() { console.log('page hide'); }, show() { console.log('page show'); } },
               methods: {
                 bump() { this.setData({ 'b.c': 5 }); this.triggerEvent('change', { value: this.data.b.c }, { bubbles: true }); },
               },
             })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    app.new_logs();
    mount(&mut app, 7, "components/item/item", json!({"label": "x"}));
    assert_eq!(
        app.new_logs(),
        [
            // created sees the definition's data; the parent's values arrive before
            // attached, and observers of the properties they set run then.
            r#"created {"base":1,"a":1,"b":{"c":2},"label":"","size":3,"tags":[]}"#,
            "label x",
            "behavior attached",
            "attached hello",
            "ready"
        ]
    );
    assert!(app.seen.iter().any(|m| matches!(
        m,
        LogicToView::ComponentCreated {
            component: 7,
            shares_page_styles: true,
            ..
        }
    )));
    app.eval("0").expect("barrier");
    call(&mut app, 7, "bump", None);
    assert_eq!(app.new_logs(), ["observed 1 5"]);
    assert!(app.seen.contains(&LogicToView::ComponentEvent {
        component: 7,
        name: "change".into(),
        detail: json!({"value": 5}),
        bubbles: true,
        composed: false,
    }));
    app.send(LogicCommand::UpdateProps {
        component: 7,
        props: props(json!({"label": "y", "size": 4})),
    });
    // Observers run first, then the observers of the properties that changed.
    assert_eq!(app.new_logs(), ["label y", "size 3->4"]);
    app.send(LogicCommand::EnterBackground);
    app.send(LogicCommand::EnterForeground);
    assert_eq!(app.new_logs(), ["page hide", "page show"]);
    app.send(LogicCommand::Route(capsule_runtime::Route::ReLaunch {
        url: "pages/index/index".into(),
    }));
    assert_eq!(
        app.new_logs()[0],
        "detached",
        "unloading a page detaches its components"
    );
}

/// The changes a component's `setData` calls sent to the view, in order.
fn component_changes(app: &Harness, component: u64) -> Vec<Vec<DataChange>> {
    app.seen
        .iter()
        .filter_map(|m| match m {
            LogicToView::SetData {
                component: Some(c),
                changes,
                ..
            } if *c == component => Some(changes.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn wechat_observers_watch_paths_and_run_for_the_parents_values_and_own_set_data() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({})"),
        (
            "components/watch/watch.js",
            "Component({
               properties: {
                 size: { type: Number, value: 3, observer(now, old) { console.log('size ' + old + '->' + now); } },
                 title: { type: String, observer: 'titleChanged' },
                 flag: Boolean,
               },
               data: { obj: { a: { b: 1 } }, list: [{ x: 1 }] },
               observers: {
                 'obj.a': function (a) { console.log('obj.a ' + JSON.stringify(a)); },
                 'obj.**': function (obj) { console.log('obj.** ' + JSON.stringify(obj)); },
                 'list[0].x': function (x) { console.log('list[0].x ' + x); },
                 'size, title': function (size, title) { console.log('size,title ' + size + ' ' + title); },
                 '**': function () { console.log('**'); },
                 flag: 'flagChanged',
               },
               attached() { console.log('attached ' + this.data.size + ' ' + this.data.title); },
               methods: {
                 titleChanged(now, old) { console.log('title ' + JSON.stringify(old) + '->' + JSON.stringify(now)); },
                 flagChanged(flag) { console.log('flag ' + flag); },
                 deep() { this.setData({ 'obj.a.b': 2 }); },
                 whole() { this.setData({ obj: { a: 5 } }); },
                 item() { this.setData({ 'list[0].x': 7 }); },
                 list() { this.setData({ list: [{ x: 8 }] }); },
                 own() { this.setData({ size: '12' }); console.log(typeof this.data.size); },
                 same() { this.setData({ title: 'hi' }); },
               },
             })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    app.new_logs();
    // The parent gives size (equal to its default) and title: every observer of a property
    // set runs once, a property's own observer only when its value changed.
    mount(
        &mut app,
        7,
        "components/watch/watch",
        json!({"size": 3, "title": "hi"}),
    );
    assert_eq!(
        app.new_logs(),
        [
            "size,title 3 hi",
            "**",
            r#"title ""->"hi""#,
            "attached 3 hi"
        ]
    );
    // 'obj.a' watches obj.a and obj, not what is inside obj.a; 'obj.**' watches all of it.
    call(&mut app, 7, "deep", None);
    assert_eq!(app.new_logs(), [r#"obj.** {"a":{"b":2}}"#, "**"]);
    call(&mut app, 7, "whole", None);
    assert_eq!(app.new_logs(), ["obj.a 5", r#"obj.** {"a":5}"#, "**"]);
    call(&mut app, 7, "item", None);
    assert_eq!(app.new_logs(), ["list[0].x 7", "**"]);
    call(&mut app, 7, "list", None);
    assert_eq!(app.new_logs(), ["list[0].x 8", "**"]);
    // The component's own setData of a property converts the value and runs its observer.
    call(&mut app, 7, "own", None);
    assert_eq!(
        app.new_logs(),
        ["size,title 12 hi", "**", "size 3->12", "number"]
    );
    assert_eq!(
        component_changes(&app, 7).last().expect("setData"),
        &[DataChange {
            path: vec![PathKey::Key("size".into())],
            value: json!(12)
        }]
    );
    // Setting an equal value runs the observers but not the property's observer.
    call(&mut app, 7, "same", None);
    assert_eq!(app.new_logs(), ["size,title 12 hi", "**"]);
    // Only what the parent changed is set again; observers may be method names.
    app.send(LogicCommand::UpdateProps {
        component: 7,
        props: props(json!({"size": 3, "title": "hi", "flag": "yes"})),
    });
    assert_eq!(app.new_logs(), ["**", "flag true"]);
}

#[test]
fn wechat_properties_convert_what_they_are_given_to_their_types() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({})"),
        (
            "components/typed/typed.js",
            "Component({
               properties: {
                 s: String, n: Number, bad: Number, b: Boolean, a: Array, o: Object, any: null,
                 seven: { type: Number, value: 7 },
                 multi: { type: String, optionalTypes: [Number] },
                 first: { type: null, optionalTypes: [Array, String] },
                 untouched: { type: String, value: 'kept' },
               },
               created() { console.log('created ' + JSON.stringify(this.data)); },
               attached() { console.log('attached ' + JSON.stringify(this.data)); },
             })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    app.new_logs();
    mount(
        &mut app,
        3,
        "components/typed/typed",
        json!({
            "s": 5, "n": "12", "bad": "abc", "b": 1, "a": null, "o": "text", "any": "x",
            "seven": null, "multi": 3, "first": 4, "undeclared": 1
        }),
    );
    assert_eq!(
        app.new_logs(),
        [
            r#"created {"s":"","n":0,"bad":0,"b":false,"a":[],"o":null,"any":null,"seven":7,"multi":"","first":[],"untouched":"kept"}"#,
            r#"attached {"s":"5","n":12,"bad":0,"b":true,"a":[],"o":null,"any":"x","seven":0,"multi":3,"first":[],"untouched":"kept"}"#,
        ]
    );
}

#[test]
fn wechat_page_lifetimes_of_every_behavior_run_on_the_instance() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        (
            "app.js",
            "App({ onError(m) { console.log('onError ' + m.split('\\n')[0]); } })",
        ),
        ("pages/index/index.js", "Page({})"),
        (
            "behaviors/seen.js",
            "module.exports = Behavior({ pageLifetimes: { show() { console.log('behavior show ' + this.is); } } });",
        ),
        (
            "components/life/life.js",
            "Component({
               behaviors: [require('../../behaviors/seen'), require('../../behaviors/seen')],
               properties: { name: String },
               observers: { 'a..b': function () {} },
               pageLifetimes: {
                 show() { console.log('show ' + this.data.name); },
                 hide() { console.log('hide ' + this.data.name); },
               },
             })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    app.new_logs();
    mount(&mut app, 5, "components/life/life", json!({"name": "n"}));
    assert_eq!(
        app.new_logs(),
        [r#"onError components/life/life: observers: bad path "a..b": empty key"#]
    );
    app.send(LogicCommand::EnterBackground);
    app.send(LogicCommand::EnterForeground);
    assert_eq!(
        app.new_logs(),
        ["hide n", "behavior show components/life/life", "show n"]
    );
}

#[test]
fn functions_in_data_stay_in_the_logic_and_never_reach_the_view() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        (
            "app.js",
            "App({ onError(m) { console.log('onError ' + m.split('\\n')[0]); } })",
        ),
        (
            "pages/index/index.js",
            "Page({ data: { format: function (v) { return v; }, n: 1 } })",
        ),
        (
            "components/dialog/dialog.js",
            "Component({
               data: { loading: { confirm: false }, callback: function () {} },
               methods: {
                 open() {
                   const fn = () => 'called';
                   this.setData({ callback: fn, obj: { a: 1, fn: fn }, list: [1, fn] });
                   console.log(this.data.callback() + ' ' + typeof this.data.obj.fn);
                 },
                 loop() {
                   const o = { name: 'o' };
                   o.self = o;
                   this.setData({ o: o });
                 },
               },
             })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    assert!(
        app.seen.iter().any(
            |m| matches!(m, LogicToView::PageCreated { data, .. } if *data == json!({"n": 1}))
        )
    );
    app.new_logs();
    mount(&mut app, 2, "components/dialog/dialog", json!({}));
    app.eval("0").expect("barrier");
    assert!(app.seen.contains(&LogicToView::ComponentCreated {
        component: 2,
        data: json!({"loading": {"confirm": false}}),
        shares_page_styles: false,
        virtual_host: false,
    }));
    call(&mut app, 2, "open", None);
    assert_eq!(app.new_logs(), ["called function"]);
    let key = |k: &str| PathKey::Key(k.into());
    assert_eq!(
        component_changes(&app, 2),
        [vec![
            DataChange {
                path: vec![key("obj")],
                value: json!({"a": 1})
            },
            DataChange {
                path: vec![key("list")],
                value: json!([1, null])
            },
        ]]
    );
    call(&mut app, 2, "loop", None);
    assert_eq!(
        app.new_logs(),
        [
            r#"onError TypeError: setData: the value of "o" contains itself, which the view cannot be sent"#
        ]
    );
    assert_eq!(component_changes(&app, 2).len(), 1, "nothing more was sent");
}

#[test]
fn wechat_relations_link_parents_children_and_ancestors_both_ways() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({})"),
        (
            "behaviors/field.js",
            "module.exports = Behavior({});",
        ),
        (
            "components/list/list.js",
            "Component({
               relations: {
                 '../item/item': {
                   type: 'child',
                   linked(item) { console.log('list linked ' + item.data.name); },
                   unlinked(item) { console.log('list unlinked ' + item.data.name); },
                 },
                 fields: { type: 'descendant', target: require('../../behaviors/field'),
                           linked(field) { console.log('list field ' + field.is); } },
               },
               methods: { names() { return this.getRelationNodes('../item/item').map(i => i.data.name); } },
             })",
        ),
        (
            "components/item/item.js",
            "Component({
               properties: { name: String },
               behaviors: [require('../../behaviors/field')],
               relations: {
                 '/components/list/list': {
                   type: 'parent',
                   linked(list) { console.log(this.data.name + ' linked to ' + list.is); },
                 },
                 '../list/list': { type: 'ancestor' },
               },
             })",
        ),
        (
            "components/lone/lone.js",
            "Component({ relations: { '../list/list': { type: 'parent', linked() { console.log('lone linked'); } } } })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    app.new_logs();
    mount(&mut app, 1, "components/list/list", json!({}));
    mount_inside(
        &mut app,
        2,
        "components/item/item",
        json!({"name": "a"}),
        &[1],
    );
    mount_inside(
        &mut app,
        3,
        "components/item/item",
        json!({"name": "b"}),
        &[1],
    );
    assert_eq!(
        app.new_logs(),
        [
            "list linked a",
            "a linked to components/list/list",
            "list linked b",
            "b linked to components/list/list"
        ]
    );
    // A component the list does not declare back links to nothing; an item two levels down
    // is no child, but it is a descendant of the behaviour the list looks for.
    mount_inside(&mut app, 4, "components/lone/lone", json!({}), &[1]);
    mount_inside(
        &mut app,
        5,
        "components/item/item",
        json!({"name": "deep"}),
        &[4, 1],
    );
    assert_eq!(app.new_logs(), ["list field components/item/item"]);
    call(&mut app, 1, "names", Some(9));
    let answer = app.wait_for(|m| matches!(m, LogicToView::EventReturn { reply_id: 9, .. }));
    assert_eq!(
        answer,
        LogicToView::EventReturn {
            reply_id: 9,
            value: json!(["a", "b"])
        }
    );
    app.send(LogicCommand::UnmountComponent { component: 2 });
    assert_eq!(app.new_logs(), ["list unlinked a"]);
}

#[test]
fn a_missing_component_file_is_reported_not_fatal() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        (
            "app.js",
            "App({ onError(m) { console.log('onError ' + m) } })",
        ),
        ("pages/index/index.js", "Page({})"),
        ("components/empty/empty.js", "module.exports = {};"),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    mount(&mut app, 1, "components/none/none", json!({}));
    mount(&mut app, 2, "components/empty/empty", json!({}));
    assert_eq!(
        app.new_logs(),
        [
            "onError Error: component components/none/none not found",
            "onError Error: components/empty/empty.js did not call Component()"
        ]
    );
}
