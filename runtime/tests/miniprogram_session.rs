//! A mini-program session headless, through the library: lifecycle order with first renders,
//! chrome from app.json, the UI APIs and `<page-meta>`, page host messages (events with marks, scrolling,
//! pull-down, title, tab and back taps), input handler return values and dialogs.

use std::sync::Arc;
use std::time::{Duration, Instant};

mod mp_support;

use capsule_runtime::view::VNode;
use capsule_runtime::{Container, HeadlessHost, MiniProgram, Route, Snapshot, UserAction};
use mp_support::{Launched, wait};
use serde_json::{Value, json};

const APP_JS: &str = r#"
App({
  globalData: { log: [] },
  onLaunch() { this.globalData.log.push('app.onLaunch'); },
  onShow() { this.globalData.log.push('app.onShow'); },
});
"#;

/// A page whose lifecycle hooks log `name.hook` into `getApp().globalData.log`.
fn page_js(name: &str, extra: &str) -> String {
    let hooks: Vec<String> = [
        "onLoad",
        "onShow",
        "onReady",
        "onHide",
        "onUnload",
        "onPullDownRefresh",
        "onReachBottom",
        "onTabItemTap",
        "onTitleClick",
    ]
    .iter()
    .map(|hook| format!("{hook}() {{ getApp().globalData.log.push('{name}.{hook}'); }},"))
    .collect();
    format!(
        "Page({{ data: {{ text: 'hi' }}, {} {extra} }});",
        hooks.join(" ")
    )
}

struct Fixture {
    _dir: tempfile::TempDir,
    program: MiniProgram,
    container: Container,
    host: Arc<HeadlessHost>,
}

fn launch() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let index_extra = r#"
        upper(e) { return e.detail.value.toUpperCase(); },
        confirmed(e) { this.setData({ text: e.detail.value }); },
        tapped(e) { this.setData({ text: 'tapped ' + e.currentTarget.dataset.n + ' ' + JSON.stringify(e.mark) }); },
        scrolled(e) { this.setData({ text: 'scrolled ' + e.detail.scrollTop }); },
        onPageScroll(e) { getApp().globalData.log.push('index.onPageScroll ' + e.scrollTop); },
        measure() {
          wx.createSelectorQuery()
            .select('.t').boundingClientRect()
            .selectAll('.in, .s').fields({ id: true, dataset: true, properties: ['class'] })
            .selectViewport().scrollOffset()
            .select('.nowhere').boundingClientRect()
            .exec((res) => { getApp().globalData.query = res; });
        },
        ask() { wx.showModal({ title: 'Sure?', content: 'Really', success: (r) => this.setData({ text: 'confirm ' + r.confirm }) }); },
        chrome() {
          wx.setNavigationBarTitle({ title: 'Renamed' });
          wx.setTabBarBadge({ index: 1, text: '3' });
          wx.showNavigationBarLoading();
        },
    "#;
    let files = [
        (
            "manifest.json",
            r#"{"appId":"session.test","name":"Session","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json","permissions":{"apis":["storage","ui","system"]}}"#.to_owned(),
        ),
        (
            "app.json",
            r##"{"pages":["pages/index/index","pages/b/b","pages/tab/tab","pages/custom/custom"],
              "window":{"navigationBarTitleText":"App","navigationBarBackgroundColor":"#123456","navigationBarTextStyle":"white"},
              "tabBar":{"list":[{"pagePath":"pages/index/index","text":"Home","iconPath":"i.png"},{"pagePath":"pages/tab/tab","text":"Tab"}]}}"##.to_owned(),
        ),
        ("app.js", APP_JS.to_owned()),
        ("pages/index/index.js", page_js("index", index_extra)),
        (
            "pages/index/index.wxml",
            r#"<input class="in" id="field" data-kind="text" bindinput="upper" bindconfirm="confirmed"/><view mark:row="{{2}}"><view class="t" bindtap="tapped" data-n="{{7}}" mark:n="seven">{{text}}</view></view><scroll-view class="s" scroll-y bindscroll="scrolled"/><button class="ask" bindtap="ask">Ask</button><button class="chrome" bindtap="chrome">Chrome</button>"#.to_owned(),
        ),
        ("pages/index/index.json", r#"{"enablePullDownRefresh": true}"#.to_owned()),
        ("pages/b/b.js", page_js("b", "")),
        ("pages/b/b.wxml", "<view>b</view>".to_owned()),
        ("pages/b/b.json", r#"{"navigationBarTitleText": "Page B"}"#.to_owned()),
        ("pages/tab/tab.js", page_js("tab", "")),
        ("pages/custom/custom.js", page_js("custom", "")),
        ("pages/custom/custom.wxml", "<view>custom</view>".to_owned()),
        ("pages/custom/custom.json", r#"{"navigationStyle": "custom"}"#.to_owned()),
        ("pages/tab/tab.wxml", "<view>tab</view>".to_owned()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    mp_support::write_files(root, &files);
    let Launched {
        program,
        container,
        host,
    } = mp_support::launch(root);
    Fixture {
        _dir: dir,
        program,
        container,
        host,
    }
}

fn log(program: &MiniProgram) -> Vec<String> {
    let value = program
        .evaluate("getApp().globalData.log.splice(0)")
        .expect("log");
    serde_json::from_value(value).expect("strings")
}

fn text_of(snapshot: &Snapshot) -> String {
    let html = &snapshot.html;
    let start = html.find(r#"class="t""#).expect("the text view");
    let body = &html[start..];
    body[body.find('>').expect("tag end") + 1..body.find("</view>").expect("close")].to_owned()
}

/// Plays the page host sending `message` from the app's window.
fn from_page(fixture: &Fixture, message: &Value) {
    fixture.host.inject(
        &fixture.container,
        fixture.program.page(),
        "capsule://session.test",
        &message.to_string(),
    );
}

#[test]
fn lifecycle_order_follows_the_spec_with_on_ready_after_the_first_render() {
    let fixture = launch();
    let program = &fixture.program;
    assert_eq!(
        log(program),
        [
            "app.onLaunch",
            "app.onShow",
            "index.onLoad",
            "index.onShow",
            "index.onReady"
        ]
    );
    program
        .route(Route::NavigateTo {
            url: "/pages/b/b?x=1".into(),
        })
        .expect("route");
    let snapshot = wait(program, |s| s.route.as_deref() == Some("pages/b/b"));
    assert_eq!(snapshot.stack, ["pages/index/index", "pages/b/b"]);
    assert_eq!(
        log(program),
        ["index.onHide", "b.onLoad", "b.onShow", "b.onReady"]
    );
    // The navigation bar's back button.
    from_page(&fixture, &json!({"kind": "mpBack"}));
    wait(program, |s| s.route.as_deref() == Some("pages/index/index"));
    assert_eq!(log(program), ["b.onUnload", "index.onShow"]);
    // A tab bar tap from the window.
    from_page(&fixture, &json!({"kind": "mpTab", "index": 1}));
    wait(program, |s| s.route.as_deref() == Some("pages/tab/tab"));
    assert_eq!(
        log(program),
        [
            "index.onHide",
            "tab.onLoad",
            "tab.onShow",
            "tab.onReady",
            "tab.onTabItemTap"
        ]
    );
    program.tap_tab(0).expect("tab");
    wait(program, |s| s.route.as_deref() == Some("pages/index/index"));
    // Tab pages stay alive: no second onLoad or onReady.
    assert_eq!(
        log(program),
        ["tab.onHide", "index.onShow", "index.onTabItemTap"]
    );
    // The tab already shown: only onTabItemTap.
    program.tap_tab(0).expect("tab");
    program.settle().expect("settle");
    assert_eq!(log(program), ["index.onTabItemTap"]);
    assert!(program.tap_tab(5).is_err(), "no such tab");
}

#[test]
fn chrome_comes_from_app_json_page_json_and_the_ui_apis() {
    let fixture = launch();
    let program = &fixture.program;
    let chrome = program.snapshot().expect("snapshot").chrome;
    assert_eq!(chrome["navigationBar"]["title"], "App");
    assert_eq!(chrome["navigationBar"]["backgroundColor"], "#123456");
    assert_eq!(chrome["navigationBar"]["frontColor"], "#ffffff");
    assert_eq!(chrome["navigationBar"]["showBack"], false);
    assert_eq!(
        chrome["enablePullDownRefresh"], true,
        "from the page's .json"
    );
    assert_eq!(chrome["tabBar"]["selected"], 0);
    assert_eq!(
        chrome["tabBar"]["items"][0]["iconPath"],
        "capsule://session.test/i.png"
    );

    let snapshot = program.snapshot().expect("snapshot");
    let button = find(&snapshot, "chrome");
    program.act(button, UserAction::Tap).expect("tap");
    let chrome = wait(program, |s| s.chrome["navigationBar"]["loading"] == true).chrome;
    assert_eq!(chrome["navigationBar"]["title"], "Renamed");
    assert_eq!(chrome["tabBar"]["items"][1]["badge"], "3");

    program
        .route(Route::NavigateTo {
            url: "/pages/b/b".into(),
        })
        .expect("route");
    let chrome = wait(program, |s| s.route.as_deref() == Some("pages/b/b")).chrome;
    assert_eq!(chrome["navigationBar"]["title"], "Page B");
    assert_eq!(chrome["navigationBar"]["showBack"], true);
    assert_eq!(chrome["enablePullDownRefresh"], false);
    assert_eq!(
        chrome["tabBar"],
        Value::Null,
        "no tab bar on a non-tab page"
    );
}

/// The path of the first element with class `class`.
fn find(snapshot: &Snapshot, class: &str) -> Vec<u32> {
    fn search(nodes: &[VNode], class: &str, path: &mut Vec<u32>) -> bool {
        for (index, node) in nodes.iter().enumerate() {
            let VNode::Element(el) = node else { continue };
            path.push(u32::try_from(index).expect("small"));
            if el.attrs.get("class") == Some(&json!(class)) || search(&el.children, class, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::new();
    assert!(
        search(&snapshot.tree, class, &mut path),
        "no .{class} in {}",
        snapshot.html
    );
    path
}

#[test]
fn input_handlers_return_values_replace_what_was_typed() {
    let fixture = launch();
    let program = &fixture.program;
    let input = find(&program.snapshot().expect("snapshot"), "in");
    program
        .act(input.clone(), UserAction::Input("milk".into()))
        .expect("input");
    program.settle().expect("settle");
    program.act(input, UserAction::Confirm).expect("confirm");
    let snapshot = wait(program, |s| text_of(s) == "MILK");
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
}

#[test]
fn page_host_messages_reach_handlers_and_page_hooks() {
    let fixture = launch();
    let program = &fixture.program;
    log(program);
    let snapshot = program.snapshot().expect("snapshot");
    let view = find(&snapshot, "t");
    // A tap on the text inside the view: the view's handler with its typed dataset and the
    // marks of the whole path.
    let mut text = view.clone();
    text.push(0);
    from_page(
        &fixture,
        &json!({"kind": "mpEvent", "path": text, "type": "tap", "detail": {"x": 1, "y": 2}}),
    );
    wait(program, |s| {
        text_of(s) == r#"tapped 7 {"n":"seven","row":2}"#
    });
    let scroll_view = find(&snapshot, "s");
    program
        .act(scroll_view, UserAction::Scroll(120.0))
        .expect("scroll");
    wait(program, |s| text_of(s) == "scrolled 120");
    program.scroll_page(40.0).expect("scroll");
    program.settle().expect("settle");
    assert_eq!(log(program), ["index.onPageScroll 40"]);
    // Page host messages arrive in order among themselves (through the container).
    from_page(&fixture, &json!({"kind": "mpScroll", "scrollTop": 33}));
    from_page(&fixture, &json!({"kind": "mpReachBottom"}));
    from_page(&fixture, &json!({"kind": "mpPullDownRefresh"}));
    from_page(&fixture, &json!({"kind": "mpTitleClick"}));
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while seen.len() < 4 && Instant::now() < deadline {
        program.settle().expect("settle");
        seen.extend(log(program));
    }
    assert_eq!(
        seen,
        [
            "index.onPageScroll 33",
            "index.onReachBottom",
            "index.onPullDownRefresh",
            "index.onTitleClick"
        ]
    );
    // Malformed and unknown messages change nothing.
    from_page(&fixture, &json!({"kind": "mpEvent", "type": "tap"}));
    from_page(
        &fixture,
        &json!({"kind": "mpEvent", "path": [99, 3], "type": "tap"}),
    );
    from_page(&fixture, &json!({"kind": "mpWhatever"}));
    let after = wait(program, |_| true);
    assert_eq!(text_of(&after), "scrolled 120");
    assert!(after.errors.is_empty(), "{:?}", after.errors);
}

#[test]
fn pull_down_refresh_needs_the_page_to_enable_it() {
    let fixture = launch();
    let program = &fixture.program;
    program.tap_tab(1).expect("tab");
    wait(program, |s| s.route.as_deref() == Some("pages/tab/tab"));
    log(program);
    from_page(&fixture, &json!({"kind": "mpPullDownRefresh"}));
    // Page host messages keep their order: once this one has arrived, the pull has too.
    from_page(&fixture, &json!({"kind": "mpReachBottom"}));
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while seen.is_empty() && Instant::now() < deadline {
        program.settle().expect("settle");
        seen.extend(log(program));
    }
    assert_eq!(
        seen,
        ["tab.onReachBottom"],
        "the tab page did not enable the pull"
    );
}

#[test]
fn dialogs_are_recorded_and_answered() {
    let fixture = launch();
    let program = &fixture.program;
    let ask = find(&program.snapshot().expect("snapshot"), "ask");
    program.act(ask, UserAction::Tap).expect("tap");
    let snapshot = wait(program, |s| s.ui.iter().any(|shown| shown.open));
    let dialog = snapshot.ui.iter().find(|shown| shown.open).expect("open");
    assert_eq!(dialog.request["type"], "modal");
    assert_eq!(dialog.request["title"], "Sure?");
    program
        .answer_ui(dialog.id, json!({"confirm": true}))
        .expect("answer");
    let snapshot = wait(program, |s| text_of(s) == "confirm true");
    assert!(snapshot.ui.iter().all(|shown| !shown.open));
}

#[test]
fn acting_on_nothing_or_the_wrong_element_is_a_clear_error() {
    let fixture = launch();
    let program = &fixture.program;
    let error = program
        .act(vec![42], UserAction::Tap)
        .expect_err("no element");
    assert!(error.to_string().contains("no element at [42]"), "{error}");
    let view = find(&program.snapshot().expect("snapshot"), "t");
    let error = program
        .act(view.clone(), UserAction::Input("x".into()))
        .expect_err("not an input");
    assert!(
        error.to_string().contains("<view> is not an input"),
        "{error}"
    );
    let error = program
        .act(view, UserAction::Swipe(1))
        .expect_err("not a swiper");
    assert!(
        error.to_string().contains("<view> is not a swiper"),
        "{error}"
    );
    let error = program
        .evaluate("throw new Error('nope')")
        .expect_err("throws");
    assert!(error.to_string().contains("nope"), "{error}");
}

#[test]
fn can_i_use_answers_synchronously_for_native_and_logic_apis() {
    let fixture = launch();
    let answers = fixture
        .program
        .evaluate(
            "[wx.canIUse('showModal'), wx.canIUse('wx.request.object.header'), \
             wx.canIUse('navigateTo'), wx.canIUse('canIUse'), \
             wx.canIUse('openBluetoothAdapter'), wx.canIUse('noSuchApi')]",
        )
        .expect("evaluates");
    assert_eq!(answers, json!([true, true, true, true, false, false]));
}

#[test]
fn window_height_is_the_page_area_between_the_bars() {
    let fixture = launch();
    let program = &fixture.program;
    let height = |expr: &str| program.evaluate(expr).expect("evaluates");
    // iphone-8: 667 px, less the 20 px status bar, the 44 px navigation bar and, on a tab
    // page, the 50 px tab bar.
    assert_eq!(height("wx.getSystemInfoSync().screenHeight"), json!(667));
    assert_eq!(height("wx.getSystemInfoSync().windowHeight"), json!(553));
    // getWindowInfo answers synchronously, though its name has no Sync.
    assert_eq!(height("wx.getWindowInfo().windowHeight"), json!(553));
    program
        .route(Route::NavigateTo {
            url: "/pages/b/b".into(),
        })
        .expect("route");
    wait(program, |s| s.route.as_deref() == Some("pages/b/b"));
    assert_eq!(height("wx.getSystemInfoSync().windowHeight"), json!(603));
    program
        .evaluate("wx.getSystemInfo().then((r) => { globalThis.asyncHeight = r.windowHeight; })")
        .expect("asks");
    program.settle().expect("settles");
    assert_eq!(height("globalThis.asyncHeight"), json!(603));
    // A page that draws its own navigation bar gets none from the container, and the whole
    // screen; the menu button's place is where its bar must leave room.
    program
        .route(Route::NavigateTo {
            url: "/pages/custom/custom".into(),
        })
        .expect("route");
    let snapshot = wait(program, |s| {
        s.route.as_deref() == Some("pages/custom/custom")
    });
    assert_eq!(snapshot.chrome["navigationBar"], Value::Null);
    assert_eq!(height("wx.getWindowInfo().windowHeight"), json!(667));
    // WeChat on iOS: 4 px under the 20 px status bar.
    assert_eq!(
        height("wx.getMenuButtonBoundingClientRect().top"),
        json!(24)
    );
}

#[test]
fn selector_queries_find_elements_on_the_virtual_dom() {
    let fixture = launch();
    let program = &fixture.program;
    program
        .evaluate("getCurrentPages()[0].measure()")
        .expect("queries");
    program.settle().expect("settles");
    let results = program
        .evaluate("getApp().globalData.query")
        .expect("answered");
    // Headless there is no layout: the numbers are 0, the rest comes from the page.
    assert_eq!(
        results,
        json!([
            {"id": "", "dataset": {"n": 7}, "left": 0, "right": 0, "top": 0, "bottom": 0, "width": 0, "height": 0},
            [
                {"id": "field", "dataset": {"kind": "text"}, "class": "in"},
                {"id": "", "dataset": {}, "class": "s"}
            ],
            {"scrollLeft": 0, "scrollTop": 0, "scrollWidth": 0, "scrollHeight": 0},
            null
        ])
    );
}

/// A long session keeps its last console lines and closed dialogs, and says how many lines
/// it dropped; a dialog still open is never dropped.
#[test]
fn a_long_session_keeps_its_last_console_lines_and_dialogs() {
    let dir = tempfile::tempdir().expect("tempdir");
    mp_support::write_files(
        dir.path(),
        &[
            (
                "manifest.json",
                r#"{"appId":"long.session","name":"Long","version":"1.0.0","kind":"miniprogram",
                   "dialect":"wechat","entry":"app.json","permissions":{"apis":["ui"]}}"#,
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({});"),
            ("pages/index/index.wxml", "<text>long</text>"),
            (
                "pages/index/index.js",
                r"Page({
                  onReady() {
                    wx.showModal({ title: 'first', content: 'still open' });
                    for (let i = 0; i < 1500; i++) console.log('line ' + i);
                    for (let i = 0; i < 300; i++) wx.showToast({ title: 'toast ' + i });
                  },
                });",
            ),
        ],
    );
    let Launched { program, .. } = mp_support::launch(dir.path());
    let snapshot = wait(&program, |s| {
        s.ui.iter()
            .any(|shown| shown.request["content"] == "toast 299")
    });
    assert_eq!(snapshot.console.len(), 1001, "{:?}", &snapshot.console[..3]);
    assert_eq!(
        snapshot.console[0],
        "(500 earlier console lines were dropped)"
    );
    assert_eq!(snapshot.console[1], "log: line 500");
    assert_eq!(snapshot.console[1000], "log: line 1499");
    let toasts: Vec<&str> = snapshot
        .ui
        .iter()
        .filter(|shown| shown.request["type"] == "toast")
        .filter_map(|shown| shown.request["content"].as_str())
        .collect();
    assert_eq!(toasts.len(), 200, "{toasts:?}");
    assert_eq!(toasts[0], "toast 100");
    let open: Vec<&Value> = snapshot
        .ui
        .iter()
        .filter(|shown| shown.open)
        .map(|shown| &shown.request)
        .collect();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["content"], "still open");
}

/// `<page-meta>` as a page's first node and its `<navigation-bar>` set the window as the
/// APIs they stand for do, following the data they are bound to (WeChat); an Alipay page's
/// `<page-meta>` background colour is its page's; one out of place sets nothing and says so.
#[test]
fn page_meta_and_navigation_bar_set_the_window_from_the_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = |dialect: &str, template: &str, page: &str| {
        let root = dir.path().join(dialect);
        let manifest = format!(
            r#"{{"appId":"meta.{dialect}","name":"Meta","version":"1.0.0","kind":"miniprogram",
                "dialect":"{dialect}","entry":"app.json","permissions":{{"apis":["ui"]}}}}"#
        );
        mp_support::write_files(
            &root,
            &[
                ("manifest.json", &manifest),
                (
                    "app.json",
                    r#"{"pages":["pages/index/index"],"window":{"navigationBarTitleText":"From app.json"}}"#,
                ),
                ("app.js", "App({});"),
                (template, page),
                (
                    "pages/index/index.js",
                    "Page({ data: { title: 'Orders', busy: true, shade: '#1677ff' } });",
                ),
            ],
        );
        root
    };
    let wechat = app(
        "wechat",
        "pages/index/index.wxml",
        r##"<page-meta background-color="#eeeeee" background-text-style="light" page-style="color: #333">
  <navigation-bar title="{{title}}" loading="{{busy}}" front-color="#FFFFFF" background-color="{{shade}}"/>
</page-meta>
<view>orders</view>
<navigation-bar title="Ignored"/>"##,
    );
    let Launched { program, .. } = mp_support::launch(&wechat);
    let snapshot = wait(&program, |s| s.chrome["navigationBar"]["title"] == "Orders");
    let bar = &snapshot.chrome["navigationBar"];
    assert_eq!(bar["loading"], true);
    assert_eq!(bar["frontColor"], "#ffffff");
    assert_eq!(bar["backgroundColor"], "#1677ff");
    assert_eq!(snapshot.chrome["backgroundColor"], "#eeeeee");
    assert_eq!(snapshot.chrome["backgroundTextStyle"], "light");
    assert!(
        snapshot.console.iter().any(|line| line.starts_with(
            "warn: <navigation-bar> is taken only as the first node of the page's <page-meta>"
        )),
        "{:?}",
        snapshot.console
    );
    program
        .evaluate(
            "getCurrentPages()[0].setData({ title: 'Paid', busy: false, shade: '#07c160' }); true",
        )
        .expect("setData");
    let snapshot = wait(&program, |s| s.chrome["navigationBar"]["title"] == "Paid");
    assert_eq!(snapshot.chrome["navigationBar"]["loading"], false);
    assert_eq!(
        snapshot.chrome["navigationBar"]["backgroundColor"],
        "#07c160"
    );

    let alipay = app(
        "alipay",
        "pages/index/index.axml",
        r##"<page-meta background-color="#fafafa"/><view>orders</view>"##,
    );
    let Launched { program, .. } = mp_support::launch(&alipay);
    let snapshot = wait(&program, |s| s.chrome["pageBackgroundColor"] == "#fafafa");
    assert_eq!(snapshot.chrome["navigationBar"]["title"], "From app.json");
}

/// A selector query's `context()` gives an `<editor>`'s or a `<video>`'s context, found by
/// id or not, and null for elements that have none, as the platforms answer.
#[test]
fn selector_query_contexts_are_made_for_the_elements_that_have_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    mp_support::write_files(
        dir.path(),
        &[
            (
                "manifest.json",
                r#"{"appId":"contexts","name":"Contexts","version":"1.0.0","kind":"miniprogram",
                   "dialect":"wechat","entry":"app.json"}"#,
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({});"),
            (
                "pages/index/index.wxml",
                r#"<editor id="ed"/><video id="clip" src="a.webm"/><view id="plain"/><editor class="nameless"/>"#,
            ),
            (
                "pages/index/index.js",
                r"Page({
                  ask() {
                    wx.createSelectorQuery()
                      .select('#ed').context().select('#clip').context()
                      .select('#plain').context().select('.nameless').context()
                      .exec((res) => {
                        getApp().contexts = res.map((r) => r.context && Object.keys(r.context).sort().join(' '));
                      });
                  },
                });",
            ),
        ],
    );
    let Launched { program, .. } = mp_support::launch(dir.path());
    program
        .evaluate("getCurrentPages()[0].ask()")
        .expect("queries");
    program.settle().expect("settles");
    let contexts = program.evaluate("getApp().contexts").expect("answered");
    let editor = "blur clear format getContents getSelectionText insertDivider insertImage \
                  insertText redo removeFormat scrollIntoView setContents undo";
    let video = contexts[1].as_str().unwrap_or_default();
    assert_eq!(contexts[0], editor, "{contexts}");
    assert!(
        video.contains("play") && video.contains("seek"),
        "{contexts}"
    );
    assert_eq!(contexts[2], Value::Null);
    assert_eq!(contexts[3], editor, "an editor without an id has one too");
}
