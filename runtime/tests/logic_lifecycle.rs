//! App and page lifecycles and routing of the logic layer, both dialects.

mod logic_support;

use capsule_runtime::{LogicCommand, LogicToView, Route};
use logic_support::Harness;
use serde_json::json;

const TRACE: &str = r"
module.exports = function trace(name) {
  return {
    onLoad(query) { console.log(name + ' onLoad ' + JSON.stringify(query)); },
    onShow() { console.log(name + ' onShow'); },
    onReady() { console.log(name + ' onReady'); },
    onHide() { console.log(name + ' onHide'); },
    onUnload() { console.log(name + ' onUnload'); },
  };
};
";

fn wechat_app() -> Harness {
    Harness::start(
        "wechat",
        &[
            (
                "app.json",
                r#"{"pages":["pages/index/index","pages/detail/detail","pages/me/me"],
                   "tabBar":{"list":[{"pagePath":"pages/index/index","text":"Home"},
                                     {"pagePath":"pages/me/me","text":"Me"}]}}"#,
            ),
            (
                "app.js",
                "App({ onLaunch(o) { console.log('app onLaunch ' + o.path + ' ' + o.scene) },
                       onShow() { console.log('app onShow') }, onHide() { console.log('app onHide') },
                       globalData: { user: 'ann' } })",
            ),
            ("util/trace.js", TRACE),
            (
                "pages/index/index.js",
                "const trace = require('../../util/trace'); Page({ ...trace('index'), data: {} })",
            ),
            (
                "pages/detail/detail.js",
                "const trace = require('/util/trace.js'); Page(trace('detail'))",
            ),
            (
                "pages/me/me.js",
                "Page(require('../../util/trace')('me'))",
            ),
        ],
    )
}

fn route(app: &mut Harness, route: Route) {
    app.send(LogicCommand::Route(route));
}

fn navigate(url: &str) -> Route {
    Route::NavigateTo { url: url.into() }
}

fn switch_tab(url: &str) -> Route {
    Route::SwitchTab { url: url.into() }
}

#[test]
fn wechat_cold_start_navigate_back_and_tabs() {
    let mut app = wechat_app();
    app.launch();
    assert_eq!(
        app.new_logs(),
        [
            "app onLaunch pages/index/index 1001",
            "app onShow",
            "index onLoad {}",
            "index onShow"
        ]
    );
    assert_eq!(app.stack(), [1]);
    app.send(LogicCommand::PageReady { page: 1 });
    app.send(LogicCommand::PageReady { page: 1 });
    assert_eq!(app.new_logs(), ["index onReady"], "onReady runs once");

    route(&mut app, navigate("/pages/detail/detail?id=7&name=a%20b"));
    assert_eq!(
        app.new_logs(),
        [
            "index onHide",
            r#"detail onLoad {"id":"7","name":"a b"}"#,
            "detail onShow"
        ]
    );
    assert_eq!(app.stack(), [1, 2]);
    assert_eq!(
        app.eval("getCurrentPages().map(p => p.route)"),
        Ok(json!(["pages/index/index", "pages/detail/detail"]))
    );

    route(&mut app, Route::NavigateBack { delta: 1 });
    assert_eq!(app.new_logs(), ["detail onUnload", "index onShow"]);
    assert_eq!(app.stack(), [1]);
    assert!(app.seen.contains(&LogicToView::PageDestroyed { page: 2 }));

    route(&mut app, switch_tab("/pages/me/me"));
    assert_eq!(
        app.new_logs(),
        ["index onHide", "me onLoad {}", "me onShow"]
    );
    assert_eq!(app.stack(), [3]);

    // Tab pages stay alive: switching back shows, not reloads.
    route(&mut app, switch_tab("pages/index/index"));
    assert_eq!(app.new_logs(), ["me onHide", "index onShow"]);
    assert_eq!(app.stack(), [1]);

    // switchTab closes the non-tab pages above.
    route(&mut app, navigate("pages/detail/detail"));
    route(&mut app, switch_tab("pages/me/me"));
    assert_eq!(
        app.new_logs(),
        [
            "index onHide",
            "detail onLoad {}",
            "detail onShow",
            "detail onUnload",
            "me onShow"
        ]
    );
    assert_eq!(app.stack(), [3]);

    app.send(LogicCommand::EnterBackground);
    app.send(LogicCommand::EnterForeground);
    assert_eq!(
        app.new_logs(),
        ["me onHide", "app onHide", "app onShow", "me onShow"]
    );

    route(
        &mut app,
        Route::ReLaunch {
            url: "pages/detail/detail?x=1".into(),
        },
    );
    assert_eq!(
        app.new_logs(),
        [
            "me onUnload",
            "index onUnload",
            r#"detail onLoad {"x":"1"}"#,
            "detail onShow"
        ]
    );
    assert_eq!(app.eval("getApp().globalData.user"), Ok(json!("ann")));
}

#[test]
fn refused_routes_change_nothing() {
    let mut app = wechat_app();
    app.launch();
    app.new_logs();
    let refusals = [
        (navigate("/pages/me/me"), "use switchTab"),
        (
            Route::NavigateBack { delta: 1 },
            "already at the first page",
        ),
        (switch_tab("/pages/detail/detail"), "is not a tab page"),
        (navigate("/pages/nowhere/nowhere"), "not found"),
        (Route::RedirectTo { url: String::new() }, "url is required"),
    ];
    for (refused, why) in refusals {
        route(&mut app, refused.clone());
        let LogicToView::RouteFailed { message } =
            app.wait_for(|m| matches!(m, LogicToView::RouteFailed { .. }))
        else {
            unreachable!()
        };
        assert!(message.contains(why), "{refused:?}: {message}");
        assert!(app.new_logs().is_empty(), "{refused:?} ran lifecycles");
        assert_eq!(app.stack(), [1]);
    }
    for _ in 0..9 {
        route(&mut app, navigate("pages/detail/detail"));
    }
    assert_eq!(app.eval("getCurrentPages().length"), Ok(json!(10)));
    route(&mut app, navigate("pages/detail/detail"));
    let failed = app.wait_for(|m| matches!(m, LogicToView::RouteFailed { .. }));
    assert!(format!("{failed:?}").contains("full"));
    assert_eq!(app.eval("getCurrentPages().length"), Ok(json!(10)));
    route(&mut app, Route::NavigateBack { delta: 50 });
    assert_eq!(app.eval("getCurrentPages().length"), Ok(json!(1)));
}

#[test]
fn alipay_pages_route_from_scripts_after_the_handler() {
    let mut app = Harness::start(
        "alipay",
        &[
            ("app.json", r#"{"pages":["pages/a/a","pages/b/b"]}"#),
            ("app.js", "App({ onLaunch() { console.log('launch') } })"),
            (
                "pages/a/a.js",
                "Page({
                   onLoad(q) { console.log('a onLoad ' + q.from) },
                   onHide() { console.log('a onHide') },
                   go() {
                     my.navigateTo({ url: '/pages/b/b?n=2', success() { console.log('navigated') } });
                     console.log('handler done');
                   },
                 })",
            ),
            (
                "pages/b/b.js",
                "Page({ onLoad(q) { console.log('b onLoad ' + q.n + ' ' + getCurrentPages().length) },
                        onUnload() { console.log('b onUnload') },
                        back() { return my.navigateBack().then(() => console.log('back done')) } })",
            ),
        ],
    );
    app.send(LogicCommand::Launch {
        path: Some("pages/a/a".into()),
        query: serde_json::from_value(json!({"from": "qr"})).expect("map"),
        scene: 0,
    });
    app.wait_for(|m| matches!(m, LogicToView::Stack { .. }));
    assert_eq!(app.new_logs(), ["launch", "a onLoad qr"]);
    app.eval("getCurrentPages()[0].go()").expect("handler runs");
    assert_eq!(
        app.new_logs(),
        ["handler done", "a onHide", "b onLoad 2 2", "navigated"]
    );
    app.eval("getCurrentPages()[1].back()")
        .expect("handler runs");
    assert_eq!(app.new_logs(), ["b onUnload", "back done"]);
    assert_eq!(app.stack(), [1]);
}

#[test]
fn page_and_app_are_plain_globals_apps_may_wrap() {
    let mut app = Harness::start(
        "wechat",
        &[
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            (
                "app.js",
                "const original = Page;
                 Page = function (options) { options.shared = function () { return 'shared ' + this.route; }; return original(options); };
                 const originalApp = App;
                 App = (options) => originalApp({ ...options, wrapped: true });
                 App({ onLaunch() { console.log('wrapped ' + this.wrapped); } });",
            ),
            ("pages/index/index.js", "Page({ onLoad() { console.log(this.shared()); } })"),
        ],
    );
    app.launch();
    assert_eq!(app.new_logs(), ["wrapped true", "shared pages/index/index"]);
}

#[test]
fn routes_open_declared_pages_subpackages_and_relative_urls() {
    let mut app = Harness::start(
        "wechat",
        &[
            (
                "app.json",
                r#"{"pages":["pages/index/index","pages/list/list"],
                   "subPackages":[{"root":"shop/","pages":["pages/cart/cart"]}]}"#,
            ),
            ("app.js", "App({})"),
            (
                "pages/index/index.js",
                "Page({ go(url) { wx.navigateTo({ url, fail: (e) => console.log(e.errMsg) }) } })",
            ),
            (
                "pages/list/list.js",
                "Page({ onLoad(q) { console.log('list ' + q.n) } })",
            ),
            ("pages/hidden/hidden.js", "Page({})"),
            (
                "shop/pages/cart/cart.js",
                "Page({ onLoad() { console.log('cart ' + this.route) },
                        up() { wx.redirectTo({ url: '../../../pages/list/list?n=3' }) } })",
            ),
        ],
    );
    app.launch();
    app.new_logs();
    app.eval("getCurrentPages()[0].go('../list/list?n=1')")
        .expect("handler runs");
    assert_eq!(app.new_logs(), ["list 1"]);
    route(&mut app, Route::NavigateBack { delta: 1 });
    // A page file that app.json does not declare is not a page.
    app.eval("getCurrentPages()[0].go('/pages/hidden/hidden')")
        .expect("handler runs");
    assert_eq!(
        app.new_logs(),
        [r#"navigateTo:fail page "pages/hidden/hidden" is not found in app.json"#]
    );
    app.eval("getCurrentPages()[0].go('/shop/pages/cart/cart')")
        .expect("handler runs");
    assert_eq!(app.new_logs(), ["cart shop/pages/cart/cart"]);
    app.eval("getCurrentPages()[1].up()").expect("handler runs");
    assert_eq!(app.new_logs(), ["list 3"]);
    assert_eq!(
        app.eval("getCurrentPages().map(p => p.route)"),
        Ok(json!(["pages/index/index", "pages/list/list"]))
    );
}

#[test]
fn navigate_to_opens_an_event_channel_between_the_two_pages() {
    let mut app = Harness::start(
        "wechat",
        &[
            ("app.json", r#"{"pages":["pages/a/a","pages/b/b"]}"#),
            ("app.js", "App({})"),
            (
                "pages/a/a.js",
                "Page({ go() {
                   wx.navigateTo({
                     url: '/pages/b/b',
                     events: { fromB(x) { console.log('a got ' + x); } },
                     success(res) { res.eventChannel.emit('toB', 'hello'); },
                   });
                 } })",
            ),
            (
                "pages/b/b.js",
                "Page({ onLoad() {
                   const channel = this.getOpenerEventChannel();
                   channel.once('toB', (x) => { console.log('b got ' + x); channel.emit('fromB', 'thanks'); });
                 },
                 again() { this.getOpenerEventChannel().emit('fromB', 'more'); } })",
            ),
        ],
    );
    app.launch();
    app.new_logs();
    app.eval("getCurrentPages()[0].go()").expect("navigates");
    assert_eq!(app.new_logs(), ["b got hello", "a got thanks"]);
    app.eval("getCurrentPages()[1].again()").expect("emits");
    assert_eq!(app.new_logs(), ["a got more"]);
    // A page not opened by navigateTo has a channel with nobody on the other end.
    assert_eq!(
        app.eval("typeof getCurrentPages()[0].getOpenerEventChannel().emit"),
        Ok(json!("function"))
    );
}
