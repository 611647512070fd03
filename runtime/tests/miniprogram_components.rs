//! Custom components with logic, through a headless session: each instance has its own data,
//! its own handlers and lifecycles, keeps its state while keyed lists move, and talks to its
//! owner (`triggerEvent` in WeChat, handler properties in Alipay). Also what a headless tap
//! does to the built-in form controls.

mod mp_support;

use capsule_runtime::view::{VElement, VNode};
use capsule_runtime::{MiniProgram, Snapshot, UserAction};
use mp_support::{wait, write_files};

fn launch(root: &std::path::Path) -> MiniProgram {
    mp_support::launch(root).program
}

/// Paths of elements whose class list contains `class` (scoped or not), in document order.
/// A folder with a one-page app of `dialect` (`app.json`, `app.js`, the manifest) and `files`
/// (the page and its components).
fn one_page_app(app_id: &str, dialect: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = format!(
        r#"{{"appId":"{app_id}","name":"C","version":"1.0.0","kind":"miniprogram","dialect":"{dialect}","entry":"app.json"}}"#
    );
    write_files(
        dir.path(),
        &[
            ("manifest.json", manifest.as_str()),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
        ],
    );
    write_files(dir.path(), files);
    dir
}

fn find(snapshot: &Snapshot, class: &str) -> Vec<Vec<u32>> {
    fn walk(nodes: &[VNode], path: &mut Vec<u32>, class: &str, out: &mut Vec<Vec<u32>>) {
        for (i, node) in nodes.iter().enumerate() {
            if let VNode::Element(VElement {
                attrs, children, ..
            }) = node
            {
                path.push(u32::try_from(i).expect("small"));
                let classes = attrs.get("class").and_then(|c| c.as_str()).unwrap_or("");
                if classes
                    .split_whitespace()
                    .any(|c| c == class || c.ends_with(&format!("--{class}")))
                {
                    out.push(path.clone());
                }
                walk(children, path, class, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    walk(&snapshot.tree, &mut Vec::new(), class, &mut out);
    out
}

fn texts(snapshot: &Snapshot, class: &str) -> Vec<String> {
    find(snapshot, class)
        .iter()
        .map(|path| {
            let mut nodes = snapshot.tree.as_slice();
            let mut element = None;
            for &i in path {
                if let VNode::Element(el) = &nodes[i as usize] {
                    element = Some(el);
                    nodes = &el.children;
                }
            }
            let mut text = String::new();
            for child in &element.expect("element").children {
                if let VNode::Text { text: t } = child {
                    text.push_str(t);
                }
            }
            text
        })
        .collect()
}

#[test]
fn wechat_components_keep_their_own_data_and_trigger_events_on_their_owner() {
    let dir = one_page_app(
        "comp.wechat",
        "wechat",
        &[
            (
                "pages/index/index.json",
                r#"{"usingComponents":{"counter":"/components/counter/counter"}}"#,
            ),
            (
                "pages/index/index.wxml",
                r#"<counter wx:for="{{items}}" wx:key="id" label="{{item.name}}" bind:changed="onChanged"/><view class="log">{{log}}</view><view class="front" bindtap="addFront">front</view>"#,
            ),
            (
                "pages/index/index.js",
                r#"Page({
                  data: { items: [{id: 1, name: 'A'}, {id: 2, name: 'B'}], log: '' },
                  onChanged(e) { this.setData({ log: this.data.log + e.currentTarget.tagName + ':' + e.detail.label + '=' + e.detail.count + ';' }); },
                  addFront() { this.setData({ items: [{id: 0, name: 'Z'}].concat(this.data.items) }); },
                });"#,
            ),
            ("components/counter/counter.json", r#"{"component": true}"#),
            (
                "components/counter/counter.wxml",
                r#"<view class="c" bindtap="inc">{{label}}:{{count}}</view>"#,
            ),
            (
                "components/counter/counter.js",
                r#"Component({
                  options: { addGlobalClass: true },
                  properties: { label: String },
                  data: { count: 0 },
                  lifetimes: { attached() { this.setData({ count: 10 }); } },
                  methods: {
                    inc() {
                      this.setData({ count: this.data.count + 1 });
                      this.triggerEvent('changed', { label: this.data.label, count: this.data.count });
                    },
                  },
                });"#,
            ),
        ],
    );
    let program = launch(dir.path());
    // attached() ran per instance and its setData reached that instance only.
    let snapshot = wait(&program, |s| texts(s, "c") == ["A:10", "B:10"]);
    // addGlobalClass: the page's styles reach in, so each class is kept as written too.
    assert!(
        snapshot
            .html
            .contains(r#"class="components-counter-counter--c c""#),
        "{}",
        snapshot.html
    );
    let counters = find(&snapshot, "c");
    program
        .act(counters[1].clone(), UserAction::Tap)
        .expect("tap");
    let snapshot = wait(&program, |s| texts(s, "c") == ["A:10", "B:11"]);
    // triggerEvent ran the page's bind:changed handler with the detail.
    assert_eq!(texts(&snapshot, "log"), ["counter:B=11;"]);
    // A new item in front: the keyed instances keep their own state.
    let front = find(&snapshot, "front");
    program.act(front[0].clone(), UserAction::Tap).expect("tap");
    wait(&program, |s| texts(s, "c") == ["Z:10", "A:10", "B:11"]);
    assert!(program.snapshot().expect("snapshot").errors.is_empty());
}

#[test]
fn wechat_components_slotted_into_each_other_link_relations_and_bubble_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[
            (
                "manifest.json",
                r#"{"appId":"comp.relations","name":"R","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({ globalData: {} })"),
            (
                "pages/index/index.json",
                r#"{"usingComponents":{"menu":"/components/menu/menu","entry":"/components/entry/entry"}}"#,
            ),
            (
                "pages/index/index.wxml",
                r#"<view bind:picked="onPicked"><menu class="main menu"><entry wx:for="{{names}}" wx:key="*this" id="entry-{{item}}" name="{{item}}"/></menu></view><view class="picked">{{picked}}</view>"#,
            ),
            (
                "pages/index/index.js",
                "Page({ data: { names: ['a', 'b', 'c'], picked: '' },
                        drop() { this.setData({ names: ['a', 'c'] }); },
                        onPicked(e) { this.setData({ picked: e.detail.name + ' via ' + e.currentTarget.tagName }); } });",
            ),
            ("components/menu/menu.json", r#"{"component": true}"#),
            (
                "components/menu/menu.wxml",
                r#"<view class="count">{{names}}</view><slot/>"#,
            ),
            (
                "components/menu/menu.js",
                r#"Component({
                  data: { names: '' },
                  relations: {
                    '../entry/entry': {
                      type: 'child',
                      linked() { this.show(); },
                      unlinked() { this.show(); },
                    },
                  },
                  methods: {
                    show() {
                      const names = this.getRelationNodes('../entry/entry').map((e) => e.data.name);
                      this.setData({ names: names.join(',') });
                    },
                  },
                });"#,
            ),
            ("components/entry/entry.json", r#"{"component": true}"#),
            (
                "components/entry/entry.wxml",
                r#"<view class="entry" bindtap="pick">{{name}}{{menu}}</view>"#,
            ),
            (
                "components/entry/entry.js",
                r#"Component({
                  properties: { name: String },
                  data: { menu: '' },
                  relations: {
                    '../menu/menu': { type: 'parent', linked(menu) { this.setData({ menu: ' in ' + menu.is }); } },
                  },
                  methods: {
                    pick() {
                      this.triggerEvent('picked', { name: this.data.name }, { bubbles: true });
                      // A component's query looks inside the component only.
                      this.createSelectorQuery().selectAll('.entry').fields({ properties: ['class'] })
                        .exec((res) => { getApp().globalData.seen = res[0].length; });
                    },
                  },
                });"#,
            ),
        ],
    );
    let program = launch(dir.path());
    // The entries are the page's (their owner) but sit in the menu's slot: the menu is
    // their parent, and both sides' linked() ran.
    let snapshot = wait(&program, |s| texts(s, "count") == ["a,b,c"]);
    assert_eq!(
        texts(&snapshot, "entry"),
        [
            "a in components/menu/menu",
            "b in components/menu/menu",
            "c in components/menu/menu"
        ]
    );
    // A bubbling event from an entry passes the menu (the entry is the page's) and reaches
    // the page's wrapper.
    program
        .act(find(&snapshot, "entry")[1].clone(), UserAction::Tap)
        .expect("tap");
    wait(&program, |s| texts(s, "picked") == ["b via view"]);
    assert_eq!(
        program
            .evaluate("getApp().globalData.seen")
            .expect("queried"),
        1
    );
    program
        .evaluate("wx.createSelectorQuery().selectAll('.entry').boundingClientRect().exec((r) => { getApp().globalData.all = r[0].length; })")
        .expect("queries the page");
    program.settle().expect("settles");
    assert_eq!(
        program
            .evaluate("getApp().globalData.all")
            .expect("queried"),
        3
    );
    // selectComponent: the page's own instances by tag, #id or .class; slot content is the
    // page's, not the menu's.
    let select = |expr: &str| program.evaluate(expr).expect("selects");
    assert_eq!(
        select("getCurrentPages()[0].selectComponent('#entry-b').data.name"),
        "b"
    );
    assert_eq!(
        select("getCurrentPages()[0].selectAllComponents('entry').length"),
        3
    );
    assert_eq!(
        select(
            "getCurrentPages()[0].selectComponent('menu.main').selectAllComponents('entry').length"
        ),
        0
    );
    assert_eq!(
        select("getCurrentPages()[0].selectComponent('.nope, #nope')"),
        serde_json::Value::Null
    );
    assert_eq!(
        select(
            "getCurrentPages()[0].selectComponent('#entry-a').selectOwnerComponent() === getCurrentPages()[0]"
        ),
        true
    );
    program
        .evaluate("getCurrentPages()[0].drop()")
        .expect("drop");
    wait(&program, |s| texts(s, "count") == ["a,c"]);
}

#[test]
fn alipay_components_call_handler_props_of_their_owner() {
    let dir = one_page_app(
        "comp.alipay",
        "alipay",
        &[
            (
                "pages/index/index.json",
                r#"{"usingComponents":{"counter":"/components/counter/counter"}}"#,
            ),
            (
                "pages/index/index.axml",
                r#"<counter label="A" onInc="handleInc" ref="saveCounter"/><counter label="B" onInc="handleInc"/><view class="log">{{log}}</view>"#,
            ),
            (
                "pages/index/index.js",
                r#"Page({
                  data: { log: '' },
                  handleInc(label, count) { this.setData({ log: this.data.log + label + count + ';' }); },
                  // ref="saveCounter": the mounted instance, to drive from the page.
                  saveCounter(counter) { this.counter = counter; },
                });"#,
            ),
            ("components/counter/counter.json", r#"{"component": true}"#),
            (
                "components/counter/counter.axml",
                r#"<view class="c" onTap="tap">{{props.label}}:{{count}}</view>"#,
            ),
            (
                "components/counter/counter.js",
                r#"Component({
                  props: { label: '', onInc: () => {} },
                  data: { count: 0 },
                  didMount() { this.setData({ count: 5 }); },
                  methods: {
                    tap() {
                      this.setData({ count: this.data.count + 1 });
                      this.props.onInc(this.props.label, this.data.count);
                    },
                  },
                });"#,
            ),
        ],
    );
    let program = launch(dir.path());
    // Alipay templates read properties as `props.x`.
    let snapshot = wait(&program, |s| texts(s, "c") == ["A:5", "B:5"]);
    let counters = find(&snapshot, "c");
    program
        .act(counters[0].clone(), UserAction::Tap)
        .expect("tap");
    wait(&program, |s| texts(s, "log") == ["A6;"]);
    program
        .evaluate("getCurrentPages()[0].counter.tap()")
        .expect("the ref drives its instance");
    let snapshot = wait(&program, |s| texts(s, "log") == ["A6;A7;"]);
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
}

#[test]
fn a_wechat_page_written_as_a_component_runs_as_a_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[
            (
                "manifest.json",
                r#"{"appId":"comp.page","name":"C","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
            ),
            (
                "app.json",
                r#"{"pages":["pages/index/index","pages/item/item"]}"#,
            ),
            ("app.js", "App({ globalData: { log: [] } })"),
            ("pages/index/index.js", "Page({})"),
            ("pages/index/index.wxml", "<view>home</view>"),
            (
                "pages/item/item.wxml",
                r#"<view class="item" bindtap="bump">{{id}}:{{n}}</view>"#,
            ),
            (
                "pages/item/item.js",
                r#"const log = (s) => getApp().globalData.log.push(s);
                Component({
                  behaviors: [Behavior({ data: { n: 1 }, methods: { bump() { this.setData({ n: this.data.n + 1 }); } } })],
                  properties: { id: String },
                  lifetimes: { attached() { log('attached ' + this.data.id); }, ready() { log('ready'); }, detached() { log('detached'); } },
                  pageLifetimes: { show() { log('show'); } },
                  methods: { onLoad(query) { log('onLoad ' + query.id); }, onShow() { log('onShow'); } },
                });"#,
            ),
        ],
    );
    let program = launch(dir.path());
    program
        .route(capsule_runtime::Route::NavigateTo {
            url: "/pages/item/item?id=7".into(),
        })
        .expect("route");
    let snapshot = wait(&program, |s| texts(s, "item") == ["7:1"]);
    let item = find(&snapshot, "item");
    program.act(item[0].clone(), UserAction::Tap).expect("tap");
    wait(&program, |s| texts(s, "item") == ["7:2"]);
    program
        .route(capsule_runtime::Route::NavigateBack { delta: 1 })
        .expect("back");
    wait(&program, |s| {
        s.route.as_deref() == Some("pages/index/index")
    });
    let log = program.evaluate("getApp().globalData.log").expect("log");
    assert_eq!(
        log,
        serde_json::json!([
            "attached 7",
            "onLoad 7",
            "show",
            "onShow",
            "ready",
            "detached"
        ])
    );
}

#[test]
fn reload_runs_the_changed_files_on_the_page_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = |title: &str| {
        [
            (
                "manifest.json",
                r#"{"appId":"reload","name":"R","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#.to_owned(),
            ),
            ("app.json", r#"{"pages":["pages/index/index","pages/b/b"]}"#.to_owned()),
            ("app.js", "App({})".to_owned()),
            ("pages/index/index.js", "Page({})".to_owned()),
            ("pages/index/index.wxml", "<view>home</view>".to_owned()),
            ("pages/b/b.js", format!("Page({{ data: {{ title: '{title}' }} }})")),
            ("pages/b/b.wxml", r#"<view class="title">{{title}}</view>"#.to_owned()),
        ]
    };
    let write = |title: &str| {
        let files = files(title);
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        write_files(dir.path(), &files);
    };
    write("first");
    let program = launch(dir.path());
    program
        .route(capsule_runtime::Route::NavigateTo {
            url: "/pages/b/b".into(),
        })
        .expect("route");
    wait(&program, |s| texts(s, "title") == ["first"]);

    write("second");
    program.reload().expect("reload");
    let snapshot = wait(&program, |s| texts(s, "title") == ["second"]);
    assert_eq!(snapshot.route.as_deref(), Some("pages/b/b"), "same page");
    assert_eq!(snapshot.stack, ["pages/b/b"]);

    // A broken app.json is refused and the app keeps running.
    std::fs::write(dir.path().join("app.json"), "{").expect("write");
    let error = program.reload().expect_err("broken app.json");
    assert!(error.to_string().starts_with("app.json:1:1: "), "{error}");
    assert_eq!(
        program.evaluate("getCurrentPages().length").expect("alive"),
        serde_json::json!(1)
    );
}

/// The element at `path` of the snapshot's tree.
fn element_at<'s>(snapshot: &'s Snapshot, path: &[u32]) -> &'s VElement {
    let mut nodes = snapshot.tree.as_slice();
    let mut element = None;
    for &i in path {
        if let VNode::Element(el) = &nodes[i as usize] {
            element = Some(el);
            nodes = &el.children;
        }
    }
    element.expect("an element")
}

#[test]
fn a_wechat_virtual_host_passes_its_class_and_style_in_and_taps_inside_reach_the_component() {
    let dir = one_page_app(
        "comp.virtual",
        "wechat",
        &[
            (
                "pages/index/index.json",
                r#"{"usingComponents":{"t-cell":"/components/cell/cell"}}"#,
            ),
            (
                "pages/index/index.wxml",
                r#"<view class="row"><t-cell id="c1" class="mine" style="color: red" custom-style="margin: 1px" label="A" bind:click="onClick"/></view><view class="log">{{log}}</view>"#,
            ),
            (
                "pages/index/index.js",
                r#"Page({
                  data: { log: '' },
                  onClick(e) { this.setData({ log: e.detail.style + '|' + e.detail.n }); },
                });"#,
            ),
            ("components/cell/cell.json", r#"{"component": true}"#),
            (
                "components/cell/cell.wxml",
                r#"<view class="class cell" style="{{style}}; {{customStyle}}" bindtap="tap">{{label}}:{{n}}</view>"#,
            ),
            (
                "components/cell/cell.js",
                r#"Component({
                  options: { virtualHost: true },
                  externalClasses: ['class'],
                  properties: { style: String, customStyle: String, label: String },
                  data: { n: 0 },
                  methods: {
                    tap() {
                      this.setData({ n: this.data.n + 1 });
                      this.triggerEvent('click', { style: this.data.style, n: this.data.n });
                    },
                  },
                });"#,
            ),
        ],
    );
    let program = launch(dir.path());
    let snapshot = wait(&program, |s| {
        find(s, "row")
            .first()
            .is_some_and(|row| element_at(s, &[row[0], 0]).virtual_host)
    });
    // The host draws no box, class or style of its own ...
    let host = element_at(&snapshot, &[find(&snapshot, "row")[0][0], 0]);
    assert_eq!(host.tag, "t-cell");
    assert!(
        snapshot.html.contains(r#"<t-cell virtual-host customStyle="margin: 1px" id="c1" label="A" bind:click="onClick">"#),
        "{}",
        snapshot.html
    );
    // ... they land on the component's root: `class` as an external class, `style` as a property.
    let cell = element_at(&snapshot, &find(&snapshot, "cell")[0]);
    assert_eq!(cell.attrs["class"], "mine components-cell-cell--cell");
    assert_eq!(cell.attrs["style"], "color: red; margin: 1px");
    assert_eq!(texts(&snapshot, "cell"), ["A:0"]);
    // A tap inside runs the component's handler, whose event reaches the page.
    program
        .act(find(&snapshot, "cell")[0].clone(), UserAction::Tap)
        .expect("tap");
    let snapshot = wait(&program, |s| texts(s, "log") == ["color: red|1"]);
    assert_eq!(texts(&snapshot, "cell"), ["A:1"]);
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
}

#[test]
fn alipay_components_get_data_attributes_as_props_for_the_events_they_fire() {
    let dir = one_page_app(
        "comp.dataset",
        "alipay",
        &[
            (
                "pages/index/index.json",
                r#"{"usingComponents":{"my-button":"/components/button/button"}}"#,
            ),
            (
                "pages/index/index.axml",
                r#"<my-button data-id="{{7}}" data-item-name="x" onTap="handle"/><view class="log">{{log}}</view>"#,
            ),
            (
                "pages/index/index.js",
                r#"Page({
                  data: { log: '' },
                  handle(e) { const d = e.currentTarget.dataset; this.setData({ log: typeof d.id + d.id + ':' + d['item-name'] }); },
                });"#,
            ),
            ("components/button/button.json", r#"{"component": true}"#),
            (
                "components/button/button.axml",
                r#"<view class="b" onTap="tap">tap</view>"#,
            ),
            (
                "components/button/button.js",
                r#"Component({
                  props: { onTap: () => {} },
                  methods: {
                    // As component libraries do: the event's dataset from the data-* props.
                    tap(e) {
                      const dataset = {};
                      Object.keys(this.props).forEach((key) => {
                        if (key.indexOf('data-') === 0) dataset[key.slice(5)] = this.props[key];
                      });
                      this.props.onTap(Object.assign({}, e, { currentTarget: { dataset } }));
                    },
                  },
                });"#,
            ),
        ],
    );
    let program = launch(dir.path());
    let snapshot = wait(&program, |s| !find(s, "b").is_empty());
    program
        .act(find(&snapshot, "b")[0].clone(), UserAction::Tap)
        .expect("tap");
    let snapshot = wait(&program, |s| texts(s, "log") == ["number7:x"]);
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
}

#[test]
fn a_headless_tap_toggles_checkboxes_radios_and_switches_and_their_groups_change() {
    let dir = one_page_app(
        "controls.wechat",
        "wechat",
        &[
            (
                "pages/index/index.wxml",
                r#"<checkbox-group bindchange="on" data-name="boxes">
                     <checkbox class="a" value="a" bindchange="on" data-name="box"/>
                     <label><checkbox value="b" checked="{{true}}"/><text class="b">B</text></label>
                   </checkbox-group>
                   <radio-group bindchange="on" data-name="radios">
                     <radio class="r1" value="1" checked/>
                     <radio class="r2" value="{{2}}"/>
                   </radio-group>
                   <label class="for" for="sw">switch</label>
                   <switch id="sw" bindchange="on" data-name="switch"/>
                   <checkbox class="off" disabled value="x" bindchange="on" data-name="off"/>
                   <view class="log">{{log}}</view>"#,
            ),
            (
                "pages/index/index.js",
                r#"Page({
                  data: { log: '' },
                  on(e) {
                    const entry = e.currentTarget.dataset.name + ':' + JSON.stringify(e.detail.value) + ';';
                    this.setData({ log: this.data.log + entry });
                  },
                });"#,
            ),
        ],
    );
    let program = launch(dir.path());
    let snapshot = wait(&program, |s| !find(s, "log").is_empty());
    // checkbox-group: detail.value holds the values of the checked boxes; radio-group: the
    // chosen radio's value; a checked radio stays checked; a disabled control does nothing.
    for class in ["a", "b", "r2", "r2", "r1", "for", "off"] {
        let path = find(&snapshot, class)[0].clone();
        program.act(path, UserAction::Tap).expect("tap");
    }
    let snapshot = wait(&program, |s| {
        texts(s, "log")
            == [r#"box:true;boxes:["a","b"];boxes:["a"];radios:"2";radios:"1";switch:true;"#]
    });
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
}

/// WeChat: a component's properties are part of its data. Its template shows them as its
/// logic holds them (converted to the declared type), its own `setData` of a property shows
/// until the parent gives another value, and a new value from the parent shows again.
#[test]
fn wechat_templates_show_properties_as_the_component_holds_them() {
    let dir = one_page_app(
        "comp.props",
        "wechat",
        &[
            (
                "pages/index/index.json",
                r#"{"usingComponents":{"my-panel":"/components/panel/panel"}}"#,
            ),
            (
                "pages/index/index.wxml",
                r#"<my-panel count="5" show="{{shown}}"/><view class="hide" bindtap="hide">hide</view><view class="show" bindtap="show">show</view>"#,
            ),
            (
                "pages/index/index.js",
                r#"Page({
                  data: { shown: true },
                  hide() { this.setData({ shown: false }); },
                  show() { this.setData({ shown: true }); },
                });"#,
            ),
            ("components/panel/panel.json", r#"{"component": true}"#),
            (
                "components/panel/panel.wxml",
                r#"<view class="sum">{{count + 1}}</view><view wx:if="{{show}}" class="panel" bindtap="close">open</view>"#,
            ),
            (
                "components/panel/panel.js",
                r#"Component({
                  properties: { count: Number, show: Boolean },
                  methods: { close() { this.setData({ show: false }); } },
                });"#,
            ),
        ],
    );
    let program = launch(dir.path());
    // "5" given to a Number property is 5 in the template.
    let snapshot = wait(&program, |s| texts(s, "sum") == ["6"]);
    assert_eq!(find(&snapshot, "panel").len(), 1);
    // The component closes itself: its own setData of `show` wins over the parent's `true`.
    program
        .act(find(&snapshot, "panel")[0].clone(), UserAction::Tap)
        .expect("tap");
    let snapshot = wait(&program, |s| find(s, "panel").is_empty());
    // The parent changing its value hands it over again.
    program
        .act(find(&snapshot, "hide")[0].clone(), UserAction::Tap)
        .expect("tap");
    let snapshot = wait(&program, |_| {
        program.evaluate("getCurrentPages()[0].data.shown").ok() == Some(serde_json::json!(false))
    });
    assert!(find(&snapshot, "panel").is_empty());
    program
        .act(find(&snapshot, "show")[0].clone(), UserAction::Tap)
        .expect("tap");
    let snapshot = wait(&program, |s| find(s, "panel").len() == 1);
    assert_eq!(texts(&snapshot, "sum"), ["6"]);
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
}
