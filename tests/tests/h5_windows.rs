//! Nebula's H5 page APIs through the bridge, headless: the stack of windows (`pushWindow`,
//! `popWindow`, `popTo`, `closeWebview`, `exitApp`, the back key), title bars and option
//! menus, startup parameters, `startApp`, session data and `httpRequest`. Expected behaviour
//! follows Nebula's JSAPI documentation: `resume` carries `popWindow`'s data as `event.data`,
//! `popTo` takes a negative index from the caller and an absolute one from the bottom, error
//! 10 is "no such window" / "no such app", `setOptionMenu` only sets and `showOptionMenu`
//! shows.

mod support;

use std::sync::{Arc, Mutex};

use capsule_runtime::{
    App, AppLauncher, FromPage, HostRecord, Launched, PageId, StartAppError, TitleBarPress, ToPage,
};
use serde_json::{Map, Value, json};
use support::http::TestServer;
use support::{Harness, Page};

const APP: &str = "h5-shop";

fn shop(harness: &mut Harness) -> Page {
    harness.open(APP, &["window", "ui", "network"], &[])
}

/// The page the last `pushWindow` opened.
fn pushed(harness: &Harness) -> Page {
    support::last_pushed(harness, APP)
}

fn push(harness: &Harness, from: &Page, params: Value) -> Page {
    harness
        .call(from, "pushWindow", params)
        .expect("pushWindow");
    pushed(harness)
}

fn url(harness: &Harness, page: &Page) -> String {
    harness
        .host
        .records()
        .into_iter()
        .find_map(|record| match record {
            HostRecord::Opened { page: opened, url } if opened == page.id => Some(url),
            _ => None,
        })
        .expect("opened")
}

fn closed(harness: &Harness, page: &Page) -> bool {
    harness
        .host
        .records()
        .contains(&HostRecord::Closed { page: page.id })
}

fn events_named(harness: &Harness, page: &Page, name: &str) -> Vec<Value> {
    harness
        .events(page)
        .into_iter()
        .filter(|(event, _)| event == name)
        .map(|(_, data)| data)
        .collect()
}

fn stack(harness: &Harness, page: &Page) -> Vec<PageId> {
    harness.container.window_stack(page.id)
}

#[test]
fn push_window_stacks_a_page_and_pop_window_hands_its_data_below() {
    let mut harness = Harness::new();
    let list = shop(&mut harness);
    let detail = push(
        &harness,
        &list,
        json!({"url": "detail.html?id=7", "param": {"defaultTitle": "Detail"}, "passData": {"id": 7}}),
    );
    assert_eq!(url(&harness, &detail), "capsule://h5-shop/detail.html?id=7");
    assert!(harness.host.records().contains(&HostRecord::Stacked {
        page: detail.id,
        below: list.id
    }));
    assert_eq!(stack(&harness, &list), vec![list.id, detail.id]);
    assert_eq!(events_named(&harness, &list, "pause").len(), 1);
    let bar = harness.host.title_bar(detail.id).expect("a title bar");
    assert_eq!(bar.title, "Detail");
    assert!(bar.visible && bar.back_button);
    assert!(!harness.host.title_bar(list.id).expect("bar").back_button);

    harness
        .call(&detail, "popWindow", json!({"data": {"picked": 7}}))
        .expect("popWindow");
    assert!(closed(&harness, &detail));
    assert_eq!(
        events_named(&harness, &list, "resume"),
        vec![json!({"picked": 7})]
    );
    assert_eq!(stack(&harness, &list), vec![list.id]);

    // A relative URL is read against the calling page's; closeWebview is a pop without data.
    let nested = push(&harness, &list, json!({"url": "items/a.html"}));
    let sibling = push(&harness, &nested, json!({"url": "b.html"}));
    assert_eq!(url(&harness, &sibling), "capsule://h5-shop/items/b.html");
    harness
        .call(&sibling, "closeWebview", json!({}))
        .expect("closeWebview");
    assert_eq!(events_named(&harness, &nested, "resume"), vec![json!({})]);

    // The app's only window: popWindow closes the app.
    harness.call(&nested, "popWindow", json!({})).expect("pop");
    harness.call(&list, "popWindow", json!({})).expect("pop");
    assert!(closed(&harness, &list));
    assert!(!harness.container.has_pages());
}

#[test]
fn push_window_stays_in_the_app() {
    let mut harness = Harness::new();
    let list = shop(&mut harness);
    for (url, expected) in [
        ("capsule://other-app/index.html", "startApp"),
        ("https://m.example.com/", "does not allow"),
        ("", "'url' is empty"),
    ] {
        let error = harness
            .call(&list, "pushWindow", json!({"url": url}))
            .expect_err("refused");
        assert_eq!(error["error"], 2, "{url}: {error}");
        let message = error["errorMessage"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{url}: {message}");
    }
    assert_eq!(stack(&harness, &list), vec![list.id]);
}

#[test]
fn pop_to_returns_by_index_or_pattern_and_fails_with_code_10() {
    let mut harness = Harness::new();
    let home = shop(&mut harness);
    let list = push(&harness, &home, json!({"url": "list.html"}));
    let detail = push(&harness, &list, json!({"url": "detail.html"}));
    let pay = push(&harness, &detail, json!({"url": "pay.html"}));

    for (params, expected) in [
        (json!({"index": 3}), "no window at index 3"),
        (json!({"index": -4}), "no window at index -4"),
        (json!({"urlPattern": "cart"}), "matching 'cart'"),
    ] {
        let error = harness
            .call(&pay, "popTo", params.clone())
            .expect_err("no such window");
        assert_eq!(error["error"], 10, "{params}: {error}");
        let message = error["errorMessage"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{params}: {message}");
    }
    let error = harness
        .call(&pay, "popTo", json!({"urlPattern": "(unclosed"}))
        .expect_err("bad pattern");
    assert_eq!(error["error"], 2);

    // -2 from the fourth window is the second: the two above it close, it hears resume.
    harness
        .call(&pay, "popTo", json!({"index": -2, "data": {"paid": false}}))
        .expect("popTo");
    assert!(closed(&harness, &pay) && closed(&harness, &detail));
    assert_eq!(
        events_named(&harness, &list, "resume"),
        vec![json!({"paid": false})]
    );
    assert_eq!(stack(&harness, &home), vec![home.id, list.id]);

    // A pattern is a regular expression over the URL; index 0 is the first window.
    let detail = push(&harness, &list, json!({"url": "detail.html"}));
    harness
        .call(&detail, "popTo", json!({"urlPattern": "list\\.html$"}))
        .expect("popTo by pattern");
    assert_eq!(stack(&harness, &home), vec![home.id, list.id]);
    harness
        .call(&list, "popTo", json!({"index": 0}))
        .expect("popTo 0");
    assert_eq!(stack(&harness, &home), vec![home.id]);
    assert_eq!(events_named(&harness, &home, "resume").len(), 1);
}

#[test]
fn exit_app_closes_every_window_top_first() {
    let mut harness = Harness::new();
    let home = shop(&mut harness);
    let a = push(&harness, &home, json!({"url": "a.html"}));
    let b = push(&harness, &a, json!({"url": "b.html"}));
    harness.call(&a, "exitApp", json!({})).expect("exitApp");
    let closes: Vec<PageId> = harness
        .host
        .records()
        .into_iter()
        .filter_map(|record| match record {
            HostRecord::Closed { page } => Some(page),
            _ => None,
        })
        .collect();
    assert_eq!(closes, vec![b.id, a.id, home.id]);
    assert!(!harness.container.has_pages());
}

/// Plays the page's bridge answering a `back` event it did not prevent.
fn back_unhandled(harness: &Harness, page: &Page, can_go_back: bool) {
    harness.container.receive(
        page.id,
        &page.origin,
        FromPage::BackUnhandled { can_go_back },
    );
}

#[test]
fn the_back_key_fires_back_and_goes_back_as_the_window_says() {
    let mut harness = Harness::new();
    let home = shop(&mut harness);
    let detail = push(&harness, &home, json!({"url": "detail.html"}));
    harness.host.inject(
        &harness.container,
        detail.id,
        &detail.origin,
        r#"{"kind":"backKey"}"#,
    );
    assert_eq!(events_named(&harness, &detail, "back"), vec![json!({})]);
    // The page prevented it: nothing happens until its bridge says it did not.
    assert_eq!(stack(&harness, &home), vec![home.id, detail.id]);
    back_unhandled(&harness, &detail, true);
    assert!(
        closed(&harness, &detail),
        "an H5 app's window pops by default"
    );
    assert_eq!(events_named(&harness, &home, "resume"), vec![json!({})]);

    // backBehavior back: the page's history first, then the window.
    let article = push(
        &harness,
        &home,
        json!({"url": "article.html", "param": {"backBehavior": "back"}}),
    );
    harness
        .container
        .title_bar_pressed(article.id, TitleBarPress::Back);
    assert_eq!(events_named(&harness, &article, "back").len(), 1);
    back_unhandled(&harness, &article, true);
    assert!(
        harness
            .host
            .posted(article.id)
            .contains(&ToPage::HistoryBack)
    );
    assert!(!closed(&harness, &article));
    back_unhandled(&harness, &article, false);
    assert!(closed(&harness, &article));

    // A page that keeps preventing back cannot trap the user: the third press in a row
    // closes its window.
    let trap = push(&harness, &home, json!({"url": "trap.html"}));
    harness.container.press_back(trap.id);
    harness.container.press_back(trap.id);
    assert!(!closed(&harness, &trap));
    assert_eq!(events_named(&harness, &trap, "back").len(), 2);
    harness.container.press_back(trap.id);
    assert!(closed(&harness, &trap));
    assert_eq!(events_named(&harness, &trap, "back").len(), 2);

    // The first window has no back button; the back key there leaves the app.
    harness
        .container
        .title_bar_pressed(home.id, TitleBarPress::Back);
    assert!(events_named(&harness, &home, "back").is_empty());
    harness.container.press_back(home.id);
    back_unhandled(&harness, &home, false);
    assert!(closed(&harness, &home));
}

#[test]
fn title_bars_follow_set_title_the_document_title_and_the_option_menu() {
    let mut harness = Harness::new();
    let home = shop(&mut harness);
    let bar = || harness.host.title_bar(home.id).expect("bar");
    assert_eq!(
        bar().title,
        APP,
        "the app's name until the page has a title"
    );
    harness.container.page_title_changed(home.id, "Shop");
    assert_eq!(bar().title, "Shop");
    harness
        .call(
            &home,
            "setTitle",
            json!({"title": "Cart", "subtitle": "3 items"}),
        )
        .expect("setTitle");
    assert_eq!(
        (bar().title.as_str(), bar().subtitle.as_str()),
        ("Cart", "3 items")
    );
    harness
        .call(&home, "showTitleLoading", json!({}))
        .expect("loading");
    assert!(bar().loading);
    harness
        .call(&home, "hideTitleLoading", json!({}))
        .expect("loading");
    assert!(!bar().loading);

    harness
        .call(
            &home,
            "setOptionMenu",
            json!({"menus": [{"title": "Share"}, {"icontype": "scan", "redDot": "3"}]}),
        )
        .expect("setOptionMenu");
    assert!(!bar().menu_visible, "setOptionMenu only sets");
    harness
        .container
        .title_bar_pressed(home.id, TitleBarPress::Menu(0));
    assert!(
        events_named(&harness, &home, "optionMenu").is_empty(),
        "nothing drawn yet"
    );
    harness
        .call(&home, "showOptionMenu", json!({}))
        .expect("show");
    assert!(bar().menu_visible);
    assert_eq!(bar().menu[1].icon_type.as_deref(), Some("scan"));
    assert_eq!(bar().menu[1].red_dot.as_deref(), Some("3"));
    harness
        .container
        .title_bar_pressed(home.id, TitleBarPress::Menu(1));
    harness
        .container
        .title_bar_pressed(home.id, TitleBarPress::Subtitle);
    harness
        .container
        .title_bar_pressed(home.id, TitleBarPress::Title);
    assert_eq!(
        events_named(&harness, &home, "optionMenu"),
        vec![json!({"index": 1, "title": ""})]
    );
    assert_eq!(events_named(&harness, &home, "subtitleClick").len(), 1);
    assert_eq!(events_named(&harness, &home, "titleClick").len(), 1);
    harness
        .call(&home, "hideOptionMenu", json!({}))
        .expect("hide");
    assert!(!bar().menu_visible);
    harness
        .call(&home, "setOptionMenu", json!({"reset": true}))
        .expect("reset");
    assert!(bar().menu.is_empty());

    // readTitle off: the document's title never shows.
    let fixed = push(
        &harness,
        &home,
        json!({"url": "a.html", "param": {"readTitle": false, "defaultTitle": "Fixed", "showTitleBar": "YES", "transparentTitle": "always"}}),
    );
    harness
        .container
        .page_title_changed(fixed.id, "Document title");
    let fixed_bar = harness.host.title_bar(fixed.id).expect("bar");
    assert_eq!(fixed_bar.title, "Fixed");
    assert_eq!(fixed_bar.transparent, capsule_jsapi::Transparency::Always);
}

#[test]
fn startup_params_and_session_data_are_the_apps() {
    let mut harness = Harness::new();
    let home = shop(&mut harness);
    assert_eq!(
        harness.call(&home, "getStartupParams", json!({})),
        Ok(json!({"appId": APP, "url": "capsule://h5-shop/index.html"}))
    );
    let detail = push(
        &harness,
        &home,
        json!({"url": "d.html", "passData": {"id": 7}}),
    );
    assert_eq!(
        harness.call(
            &detail,
            "getStartupParams",
            json!({"key": ["passData", "nope"]})
        ),
        Ok(json!({"passData": {"id": 7}}))
    );
    let error = harness
        .call(&detail, "getStartupParams", json!({"key": []}))
        .expect_err("empty key list");
    assert_eq!(error["error"], 2);

    harness
        .call(
            &home,
            "setSessionData",
            json!({"data": {"user": "ann", "cart": [1, 2]}}),
        )
        .expect("set");
    harness
        .call(&detail, "setSessionData", json!({"data": {"cart": [3]}}))
        .expect("set");
    assert_eq!(
        harness.call(
            &home,
            "getSessionData",
            json!({"keys": ["cart", "missing"]})
        ),
        Ok(json!({"data": {"cart": [3]}}))
    );
    assert_eq!(
        harness.call(&detail, "getSessionData", json!({})),
        Ok(json!({"data": {"user": "ann", "cart": [3]}}))
    );
    let error = harness
        .call(
            &home,
            "setSessionData",
            json!({"data": {"big": "x".repeat(1 << 20)}}),
        )
        .expect_err("too large");
    assert_eq!(error["error"], 2);

    // Another app, and another run of the same app, start with none.
    let other = harness.open("h5-news", &["window"], &[]);
    assert_eq!(
        harness.call(&other, "getSessionData", json!({})),
        Ok(json!({"data": {}}))
    );
    let denied = harness.open("h5-bare", &["ui"], &[]);
    let error = harness
        .call(&denied, "pushWindow", json!({"url": "a.html"}))
        .expect_err("not declared");
    assert_eq!(error["error"], 4);
}

/// A `startApp` a launcher was asked for: the calling app, the app, its parameters.
type Asked = (String, String, Map<String, Value>);

/// A host's list of installed apps: records what it was asked.
struct Installed {
    apps: Vec<App>,
    asked: Mutex<Vec<Asked>>,
}

impl AppLauncher for Installed {
    fn start(
        &self,
        from: &str,
        app_id: &str,
        param: &Map<String, Value>,
    ) -> Result<Launched, StartAppError> {
        self.asked
            .lock()
            .expect("not poisoned")
            .push((from.into(), app_id.into(), param.clone()));
        self.apps
            .iter()
            .find(|app| app.id() == app_id)
            .cloned()
            .map(Launched::OpenH5)
            .ok_or_else(|| StartAppError::NotFound(app_id.into()))
    }
}

fn h5_app(dir: &std::path::Path, app_id: &str) -> App {
    let manifest = json!({
        "appId": app_id, "name": "News", "version": "1.0.0", "kind": "h5",
        "entry": "index.html", "permissions": {"apis": ["window"]},
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(dir.join("index.html"), "<p>news</p>").expect("page");
    App::open_dir(dir).expect("app")
}

#[test]
fn start_app_opens_what_the_host_has_installed() {
    let launcher_app = |harness: &mut Harness| harness.open(APP, &["window", "startApp"], &[]);
    let mut harness = Harness::new();
    let home = launcher_app(&mut harness);
    let without = harness.call(&home, "startApp", json!({"appId": "h5-news"}));
    assert_eq!(without.expect_err("no launcher")["error"], 10);
    // Opening other apps is a permission of its own.
    let home = shop(&mut harness);
    let undeclared = harness.call(&home, "startApp", json!({"appId": "h5-news"}));
    assert_eq!(undeclared.expect_err("not declared")["error"], 4);

    let news_dir = tempfile::tempdir().expect("tempdir");
    let launcher = Arc::new(Installed {
        apps: vec![h5_app(news_dir.path(), "h5-news")],
        asked: Mutex::default(),
    });
    let mut harness = Harness::with(|builder| builder.app_launcher(launcher.clone()));
    let home = launcher_app(&mut harness);
    let error = harness
        .call(&home, "startApp", json!({"appId": "h5-missing"}))
        .expect_err("not installed");
    assert_eq!(error["error"], 10);
    assert!(
        error["errorMessage"]
            .as_str()
            .unwrap_or_default()
            .contains("h5-missing")
    );

    let result = harness
        .call(
            &home,
            "startApp",
            json!({"appId": "h5-news", "param": {"url": "story.html?id=3", "defaultTitle": "Story"}}),
        )
        .expect("started");
    assert_eq!(result, json!({"success": true}));
    let (from, app_id, _) = launcher.asked.lock().expect("not poisoned")[1].clone();
    assert_eq!((from.as_str(), app_id.as_str()), (APP, "h5-news"));
    let story = harness
        .host
        .records()
        .into_iter()
        .find_map(|record| match record {
            HostRecord::Opened { page, url } if url.starts_with("capsule://h5-news/") => {
                Some((page, url))
            }
            _ => None,
        })
        .expect("the other app opened");
    assert_eq!(story.1, "capsule://h5-news/story.html?id=3");
    let story_page = Page {
        id: story.0,
        origin: "capsule://h5-news".into(),
    };
    let startup = harness
        .call(&story_page, "getStartupParams", json!({}))
        .expect("params");
    assert_eq!(startup["appId"], "h5-news");
    assert_eq!(startup["defaultTitle"], "Story");
    assert_eq!(harness.host.title_bar(story.0).expect("bar").title, "Story");
    assert_eq!(
        harness.container.window_stack(story.0),
        vec![story.0],
        "a stack of its own"
    );
    assert!(!closed(&harness, &home));

    // closeCurrentApp: the caller's app closes once the other has opened.
    harness
        .call(
            &home,
            "startApp",
            json!({"appId": "h5-news", "closeCurrentApp": true}),
        )
        .expect("started");
    assert!(closed(&harness, &home));

    // A url outside the app is refused as the app opens.
    let mut harness = Harness::with(|builder| builder.app_launcher(launcher.clone()));
    let home = launcher_app(&mut harness);
    let error = harness
        .call(
            &home,
            "startApp",
            json!({"appId": "h5-news", "param": {"url": "capsule://h5-shop/x.html"}}),
        )
        .expect_err("outside the app");
    assert_eq!(error["error"], 11);
    assert!(
        error["errorMessage"]
            .as_str()
            .unwrap_or_default()
            .contains("not a page of h5-news")
    );
}

#[test]
fn nebula_dialogs_toast_and_http_request() {
    let server = TestServer::http();
    let mut harness = Harness::with(|builder| builder.developer_mode(true));
    let page = harness.open(APP, &["ui", "network"], &[&server.origin]);
    let response = harness
        .call(
            &page,
            "httpRequest",
            json!({"url": server.url("/echo"), "method": "POST", "data": "a=1", "headers": {"X-From": "h5"}}),
        )
        .expect("httpRequest");
    assert_eq!(response["status"], 200);
    assert_eq!(response["data"]["method"], "POST");
    assert_eq!(response["data"]["headers"]["x-from"], "h5");
    assert_eq!(response["data"]["body"], "a=1");
    let error = harness
        .call(
            &page,
            "httpRequest",
            json!({"url": "https://not-declared.example/"}),
        )
        .expect_err("undeclared domain");
    assert_eq!(error["error"], 11);

    // Nobody draws here: the requests are what the window would draw.
    harness.send(
        &page,
        "toast",
        json!({"content": "Saved", "type": "success", "duration": 1000}),
    );
    harness.send(
        &page,
        "showLoading",
        json!({"text": "Paying", "delay": 500}),
    );
    let drawn: Vec<Value> = support::ui_requests(&harness, &page)
        .into_iter()
        .map(|(_, request)| request)
        .collect();
    assert_eq!(
        drawn,
        vec![
            json!({"type": "toast", "content": "Saved", "icon": "success", "durationMs": 1000}),
            json!({"type": "loading", "content": "Paying", "delayMs": 500}),
        ]
    );
}
