//! The dispatcher, driven through `HeadlessHost`: every bridge call a page can make, and the
//! error code each wrong one gets.

use std::sync::Arc;

use capsule_jsapi::{ApiError, Permission, PermissionSet, Registry};
use capsule_runtime::{App, Container, ContainerEvent, HeadlessHost, HostPolicy, PageId, ToPage};
use serde_json::{Value, json};

const ORIGIN: &str = "capsule://bridge-test";

/// An H5 app in a temporary folder declaring `apis`.
fn app(apis: &[&str]) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": "bridge-test",
        "name": "Bridge test",
        "version": "1.0.0",
        "kind": "h5",
        "entry": "index.html",
        "permissions": { "apis": apis },
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(dir.path().join("index.html"), "<p>test</p>").expect("page");
    let app = App::open_dir(dir.path()).expect("valid app");
    (dir, app)
}

struct Harness {
    host: Arc<HeadlessHost>,
    container: Container,
    page: PageId,
    _dir: tempfile::TempDir,
}

impl Harness {
    fn new(apis: &[&str]) -> Self {
        Self::with(apis, Container::builder())
    }

    fn with(apis: &[&str], builder: capsule_runtime::ContainerBuilder) -> Self {
        let host = Arc::new(HeadlessHost::new());
        let container = builder.build(host.clone());
        let (dir, app) = app(apis);
        let page = container.open(app).expect("opens");
        Self {
            host,
            container,
            page,
            _dir: dir,
        }
    }

    /// Sends an invoke from the app's own origin and returns the reply, if one was posted.
    fn call(&self, call_id: u64, api: &str, params: Value) -> Option<(bool, Value)> {
        self.call_from(ORIGIN, call_id, api, params)
    }

    fn call_from(
        &self,
        origin: &str,
        call_id: u64,
        api: &str,
        params: Value,
    ) -> Option<(bool, Value)> {
        let mut message = json!({"kind": "invoke", "callId": call_id, "api": api});
        message["params"] = params;
        self.host
            .inject(&self.container, self.page, origin, &message.to_string());
        self.reply(call_id)
    }

    fn reply(&self, wanted: u64) -> Option<(bool, Value)> {
        self.host
            .posted(self.page)
            .into_iter()
            .find_map(|message| match message {
                ToPage::Reply {
                    call_id,
                    ok,
                    result,
                } if call_id == wanted => Some((ok, result)),
                _ => None,
            })
    }

    fn error_code(&self, call_id: u64, api: &str, params: Value) -> i64 {
        let (ok, result) = self.call(call_id, api, params).expect("answered");
        assert!(!ok, "{api} should fail: {result}");
        result["error"].as_i64().expect("numeric code")
    }
}

#[test]
fn declared_apis_answer() {
    let harness = Harness::new(&["system", "clipboard"]);
    let (ok, info) = harness
        .call(1, "getSystemInfo", Value::Null)
        .expect("answered");
    assert!(ok);
    assert_eq!(info["platform"], "ios");
    assert_eq!(info["windowWidth"], 375);

    let (ok, _) = harness
        .call(2, "setClipboard", json!({"text": "héllo"}))
        .expect("answered");
    assert!(ok);
    let (ok, clipboard) = harness
        .call(3, "getClipboard", json!({}))
        .expect("answered");
    assert!(ok);
    assert_eq!(clipboard, json!({"text": "héllo"}));
}

#[test]
fn unknown_api_is_code_1() {
    let harness = Harness::new(&["*"]);
    assert_eq!(harness.error_code(1, "teleport", json!({})), 1);
    let (_, result) = harness.call(1, "teleport", json!({})).expect("answered");
    assert_eq!(result["errorMessage"], "API not found: teleport");
}

#[test]
fn bad_parameters_are_code_2() {
    let harness = Harness::new(&["*"]);
    let cases = [
        ("setClipboard", json!({})),
        ("setClipboard", json!({"text": 5})),
        ("setClipboard", json!({"text": "a".repeat((1 << 20) + 1)})),
        ("getSystemInfo", json!([1, 2])),
        ("getSystemInfo", json!("text")),
        ("showToast", json!({"type": "sparkles"})),
        ("showToast", json!({"duration": -1})),
        ("alert", json!({"title": ["not", "text"]})),
    ];
    for (index, (api, params)) in cases.into_iter().enumerate() {
        let shown = params.to_string().chars().take(60).collect::<String>();
        assert_eq!(
            harness.error_code(index as u64 + 1, api, params),
            2,
            "{api} {shown}"
        );
    }
    // Nothing was drawn for the rejected UI requests.
    assert!(
        !harness
            .host
            .posted(harness.page)
            .iter()
            .any(|message| matches!(message, ToPage::Ui { .. }))
    );
}

#[test]
fn undeclared_api_is_code_4() {
    let harness = Harness::new(&["system", "setClipboard"]);
    assert_eq!(harness.error_code(1, "getClipboard", json!({})), 4);
    assert_eq!(harness.error_code(2, "showToast", json!({})), 4);
    // The declared single API passes even though its group is not declared.
    assert!(
        harness
            .call(3, "setClipboard", json!({"text": "x"}))
            .expect("answered")
            .0
    );
}

#[test]
fn host_denial_wins_over_declaration() {
    let policy = HostPolicy::default().deny("clipboard");
    let harness = Harness::with(&["*"], Container::builder().policy(policy));
    assert_eq!(harness.error_code(1, "getClipboard", json!({})), 4);
    assert!(
        harness
            .call(2, "getSystemInfo", json!({}))
            .expect("answered")
            .0
    );

    let granting_system_only =
        HostPolicy::default().granting(PermissionSet::from_names(["system".to_owned()]));
    let harness = Harness::with(&["*"], Container::builder().policy(granting_system_only));
    assert_eq!(harness.error_code(1, "showToast", json!({})), 4);
    assert!(
        harness
            .call(2, "getSystemInfo", json!({}))
            .expect("answered")
            .0
    );
}

#[test]
fn foreign_origins_get_only_what_the_host_grants_them() {
    let trusted = "https://m.example.com";
    let policy = HostPolicy::default().allow_origin(
        trusted,
        PermissionSet::from_names(["getSystemInfo".to_owned()]),
    );
    let harness = Harness::with(&["*"], Container::builder().policy(policy));
    let code = |origin: &str, id: u64, api: &str| {
        let (ok, result) = harness
            .call_from(origin, id, api, json!({}))
            .expect("answered");
        if ok {
            0
        } else {
            result["error"].as_i64().expect("code")
        }
    };
    assert_eq!(code(trusted, 1, "getSystemInfo"), 0);
    assert_eq!(code(trusted, 2, "getClipboard"), 4);
    assert_eq!(code("https://evil.example", 3, "getSystemInfo"), 4);
    assert_eq!(code("capsule://other-app", 4, "getSystemInfo"), 4);
}

#[test]
fn host_registered_closure_api() {
    let mut registry = Registry::with_builtins();
    registry.register_fn("echo", Permission::custom("echo"), |call| {
        Ok(json!({"echo": call.args["say"], "app": call.caller.app_id}))
    });
    let harness = Harness::with(&["echo"], Container::builder().registry(registry));
    let (ok, result) = harness
        .call(1, "echo", json!({"say": "hi"}))
        .expect("answered");
    assert!(ok);
    assert_eq!(result, json!({"echo": "hi", "app": "bridge-test"}));
    // Builtins stay available alongside but undeclared.
    assert_eq!(harness.error_code(2, "getSystemInfo", json!({})), 4);
}

#[test]
fn failing_and_panicking_handlers_are_code_3() {
    let mut registry = Registry::new();
    registry.register_fn("explode", Permission::custom("test"), |_| {
        panic!("handler bug")
    });
    registry.register_fn("fail", Permission::custom("test"), |_| {
        Err(ApiError::unknown("disk on fire"))
    });
    let harness = Harness::with(&["test"], Container::builder().registry(registry));
    assert_eq!(harness.error_code(1, "explode", json!({})), 3);
    let (_, result) = harness.call(2, "fail", json!({})).expect("answered");
    assert_eq!(result, json!({"error": 3, "errorMessage": "disk on fire"}));
    // The container still answers afterwards.
    assert_eq!(harness.error_code(3, "missing", json!({})), 1);
}

#[test]
fn alert_answers_when_the_page_reports_the_tap() {
    let harness = Harness::new(&["ui"]);
    let params = json!({"title": "T", "content": "C", "buttonText": "Fine"});
    assert_eq!(harness.call(1, "alert", params), None, "waits for the user");
    let ui_id = harness
        .host
        .posted(harness.page)
        .into_iter()
        .find_map(|message| match message {
            ToPage::Ui { ui_id, request } => {
                let request = serde_json::to_value(request).expect("serializable");
                assert_eq!(
                    request,
                    json!({"type": "alert", "title": "T", "content": "C", "buttonText": "Fine"})
                );
                Some(ui_id)
            }
            _ => None,
        })
        .expect("the alert was sent to the page");

    // An answer for a request the page does not own is ignored.
    let other = json!({"kind": "uiResult", "uiId": ui_id + 100, "result": {}});
    harness
        .host
        .inject(&harness.container, harness.page, ORIGIN, &other.to_string());
    assert_eq!(harness.reply(1), None);

    // The API shapes its result; what else the page says is not passed on.
    let answer = json!({"kind": "uiResult", "uiId": ui_id, "result": {"confirm": true}});
    harness.host.inject(
        &harness.container,
        harness.page,
        ORIGIN,
        &answer.to_string(),
    );
    assert_eq!(harness.reply(1), Some((true, json!({}))));
}

#[test]
fn closing_a_page_fails_its_open_ui() {
    let harness = Harness::new(&["ui"]);
    assert_eq!(harness.call(1, "alert", json!({"content": "bye"})), None);
    harness.container.close(harness.page);
    let (ok, result) = harness.reply(1).expect("answered on close");
    assert!(!ok);
    assert_eq!(result["error"], 3);
}

#[test]
fn malformed_messages_are_dropped() {
    let harness = Harness::new(&["*"]);
    let events = harness.container.subscribe();
    for bad in [
        "",
        "not json",
        "[]",
        "{}",
        r#"{"kind":"invoke"}"#,
        r#"{"kind":"invoke","callId":"one","api":"getSystemInfo"}"#,
        r#"{"kind":"invoke","callId":-3,"api":"getSystemInfo"}"#,
        r#"{"kind":"uiResult"}"#,
        r#"{"kind":"teleport"}"#,
    ] {
        harness
            .host
            .inject(&harness.container, harness.page, ORIGIN, bad);
    }
    assert!(harness.host.posted(harness.page).is_empty());
    assert!(events.try_recv().is_err());
    // A good message after the bad ones still works.
    assert!(
        harness
            .call(1, "getSystemInfo", Value::Null)
            .expect("answered")
            .0
    );
}

#[test]
fn calls_from_closed_pages_fail() {
    let harness = Harness::new(&["*"]);
    harness.container.close(harness.page);
    assert_eq!(harness.error_code(1, "getSystemInfo", json!({})), 3);
}

#[test]
fn native_events_and_console_reach_their_audience() {
    let harness = Harness::new(&[]);
    let events = harness.container.subscribe();
    harness
        .container
        .send_event(harness.page, "resume", json!({"from": "background"}));
    assert_eq!(
        harness.host.posted(harness.page),
        vec![ToPage::Event {
            name: "resume".into(),
            data: json!({"from": "background"})
        }]
    );
    let console = json!({"kind": "console", "level": "warn", "message": "careful"});
    harness.host.inject(
        &harness.container,
        harness.page,
        ORIGIN,
        &console.to_string(),
    );
    harness.host.inject(
        &harness.container,
        harness.page,
        ORIGIN,
        r#"{"kind":"loaded"}"#,
    );
    assert_eq!(
        events.try_recv(),
        Ok(ContainerEvent::Console {
            page: harness.page,
            level: "warn".into(),
            message: "careful".into()
        })
    );
    assert_eq!(
        events.try_recv(),
        Ok(ContainerEvent::PageLoaded(harness.page))
    );
}

#[test]
fn navigation_is_limited_to_own_and_allowed_origins() {
    let policy =
        HostPolicy::default().allow_origin("https://m.example.com", PermissionSet::default());
    let harness = Harness::with(&[], Container::builder().policy(policy));
    let events = harness.container.subscribe();
    let page = harness.page;
    assert!(
        harness
            .container
            .allows_navigation(page, "capsule://bridge-test/other.html")
    );
    assert!(
        harness
            .container
            .allows_navigation(page, "https://m.example.com/path?q=1")
    );
    for blocked in [
        "https://evil.example/",
        "capsule://other-app/index.html",
        "http://m.example.com/",
        "https://m.example.com:8443/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "not a url",
    ] {
        assert!(
            !harness.container.allows_navigation(page, blocked),
            "{blocked}"
        );
        assert_eq!(
            events.try_recv(),
            Ok(ContainerEvent::NavigationBlocked {
                page,
                url: blocked.into()
            })
        );
    }
}

#[test]
fn mini_programs_are_refused_for_now() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": "mp", "name": "MP", "version": "1.0.0", "kind": "miniprogram",
        "dialect": "wechat", "entry": "app.json",
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).expect("manifest");
    let app = App::open_dir(dir.path()).expect("valid");
    let container = Container::builder().build(Arc::new(HeadlessHost::new()));
    let error = container.open(app).expect_err("unsupported");
    assert!(error.to_string().contains("mini-program"), "{error}");
}
