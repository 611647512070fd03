//! What the container records into the analytics journal, headless and through the H5
//! bridge: an app's launch and exit, the windows it enters and leaves, every API call with
//! its code, network requests without their paths, queries or bodies, the user as a hash,
//! and `reportAnalytics` with its bad arguments refused (code 2) and never recorded.

mod support;

use capsule_analytics::{Capture, Event, Filter, Journal, Kind, Limits};
use capsule_runtime::FromPage;
use serde_json::{Value, json};
use support::http::TestServer;
use support::{Harness, Page};

const APP: &str = "h5-metrics";

/// A harness recording into a journal in its data folder.
fn recording() -> (Harness, Journal) {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let journal = Journal::open(&data_dir.path().join("analytics.sqlite"), Limits::default())
        .expect("journal");
    let recorder = journal.recorder();
    let harness = Harness::in_dir(data_dir, |builder| {
        builder.developer_mode(true).analytics(recorder)
    });
    (harness, journal)
}

fn events(journal: &Journal) -> Vec<Event> {
    journal.recorder().flush().expect("flushed");
    journal.events(&Filter::default()).expect("events")
}

fn kinds(events: &[Event]) -> Vec<(Kind, String)> {
    events
        .iter()
        .map(|event| (event.kind, event.name.clone()))
        .collect()
}

/// The page the last `pushWindow` opened.
fn pushed(harness: &Harness) -> Page {
    support::last_pushed(harness, APP)
}

#[test]
fn an_h5_app_is_recorded_from_launch_to_exit() {
    let (mut harness, journal) = recording();
    harness.container.set_user_id(Some("alice@example.com"));
    let page = harness.open(APP, &["window", "system", "storage"], &[]);
    // The page paints (twice: its web process was replaced): one first render.
    let url = Some(format!("{}/index.html", page.origin));
    for _ in 0..2 {
        harness
            .container
            .receive(page.id, &page.origin, FromPage::Loaded { url: url.clone() });
    }
    harness
        .call(
            &page,
            "setStorage",
            json!({"key": "k", "data": "secret value"}),
        )
        .expect("setStorage");
    assert_eq!(
        harness.error_code(&page, "getStorage", json!({"key": 5})),
        2
    );
    harness
        .call(&page, "pushWindow", json!({"url": "detail.html?id=7#top"}))
        .expect("pushWindow");
    let detail = pushed(&harness);
    harness
        .call(&detail, "popWindow", json!({}))
        .expect("popWindow");
    harness.container.close(page.id);

    let events = events(&journal);
    assert_eq!(
        kinds(&events),
        [
            (Kind::AppLaunch, APP.to_owned()),
            (Kind::PageEnter, "index.html".to_owned()),
            (Kind::FirstRender, "index.html".to_owned()),
            (Kind::ColdStart, "cold_start".to_owned()),
            (Kind::ApiCall, "setStorage".to_owned()),
            (Kind::ApiCall, "getStorage".to_owned()),
            (Kind::PageEnter, "detail.html".to_owned()),
            (Kind::ApiCall, "pushWindow".to_owned()),
            // popWindow answers, then closes the window.
            (Kind::ApiCall, "popWindow".to_owned()),
            (Kind::PageLeave, "detail.html".to_owned()),
            (Kind::PageLeave, "index.html".to_owned()),
            (Kind::AppExit, APP.to_owned()),
        ]
    );
    let codes: Vec<&Value> = events
        .iter()
        .filter(|event| event.kind == Kind::ApiCall)
        .map(|event| &event.attributes["code"])
        .collect();
    assert_eq!(codes, [&json!(0), &json!(2), &json!(0), &json!(0)]);
    assert_eq!(events[6].attributes["from"], "index.html");
    let session = &events[0].context.session_id;
    let user = events[0].context.user_hash.clone().expect("a user hash");
    assert_eq!(user.len(), 32, "{user}");
    for event in &events {
        assert_eq!(&event.context.session_id, session);
        assert_eq!(event.context.user_hash.as_ref(), Some(&user));
        assert_eq!(event.context.app_version, "1.0.0");
    }
    assert_no_trace(&harness, &["secret value", "alice"]);

    // The next launch is another session.
    let again = harness.open(APP, &["window"], &[]);
    harness.container.close(again.id);
    let later = self::events(&journal);
    assert_ne!(&later.last().expect("exit").context.session_id, session);
}

#[test]
fn navigations_inside_an_h5_window_are_page_views() {
    let (mut harness, journal) = recording();
    let page = harness.open(APP, &["window"], &[]);
    let harness = harness;
    let loaded = |path: &str| {
        let url = format!("{}/{path}", page.origin);
        harness
            .container
            .receive(page.id, &page.origin, FromPage::Loaded { url: Some(url) });
    };
    let navigate = |path: &str| {
        let url = format!("{}/{path}", page.origin);
        assert!(harness.container.allows_navigation(page.id, &url));
    };
    loaded("index.html");
    // A document claiming a URL of another origin than its own is not believed.
    harness.container.receive(
        page.id,
        &page.origin,
        FromPage::Loaded {
            url: Some("https://elsewhere.example/list.html".to_owned()),
        },
    );
    // A frame in the page loads another page: the window still shows its own.
    navigate("frame.html");
    // The page follows a link, then changes only its query and fragment: one new page.
    navigate("list.html?sort=new");
    loaded("list.html?sort=new");
    navigate("list.html?sort=old#end");
    loaded("list.html?sort=old#end");
    harness.container.close(page.id);

    let events = events(&journal);
    assert_eq!(
        kinds(&events),
        [
            (Kind::AppLaunch, APP.to_owned()),
            (Kind::PageEnter, "index.html".to_owned()),
            (Kind::FirstRender, "index.html".to_owned()),
            (Kind::ColdStart, "cold_start".to_owned()),
            (Kind::PageLeave, "index.html".to_owned()),
            (Kind::PageEnter, "list.html".to_owned()),
            // The new document's first render; the app's cold start was the first one.
            (Kind::FirstRender, "list.html".to_owned()),
            (Kind::PageLeave, "list.html".to_owned()),
            (Kind::AppExit, APP.to_owned()),
        ]
    );
    assert_eq!(events[5].attributes["from"], "index.html");
    for left in [&events[4], &events[7]] {
        let dwell = left.attributes["dwell_ms"].as_f64().expect("a dwell time");
        assert!(dwell >= 0.0, "{left:?}");
    }
}

#[test]
fn network_requests_are_recorded_without_paths_queries_or_bodies() {
    let server = TestServer::http();
    let (mut harness, journal) = recording();
    let page = harness.open(APP, &["network"], &[&server.origin]);
    let response = harness
        .call(
            &page,
            "httpRequest",
            json!({"url": server.url("/echo?token=query-secret"), "method": "POST", "data": "body-secret"}),
        )
        .expect("httpRequest");
    assert_eq!(response["status"], 200);
    let error = harness
        .call(
            &page,
            "httpRequest",
            json!({"url": "https://not-declared.example/x"}),
        )
        .expect_err("undeclared domain");
    let events = events(&journal);
    let requests: Vec<&Event> = events
        .iter()
        .filter(|event| event.kind == Kind::Network)
        .collect();
    assert_eq!(requests.len(), 2, "{events:#?}");
    let port = server.origin.rsplit(':').next().expect("port");
    assert_eq!(requests[0].name, format!("localhost:{port}"));
    assert_eq!(requests[0].attributes["method"], "POST");
    assert_eq!(requests[0].attributes["status"], 200);
    assert!(
        requests[0].attributes["bytes"]
            .as_u64()
            .is_some_and(|b| b > 0)
    );
    assert_eq!(requests[1].name, "not-declared.example");
    assert_eq!(requests[1].attributes["status"], Value::Null);
    let call = events
        .iter()
        .rfind(|event| event.kind == Kind::ApiCall)
        .expect("the refused call");
    assert_eq!(call.attributes["code"], error["error"]);
    assert_no_trace(&harness, &["query-secret", "body-secret", "/echo"]);
}

#[test]
fn report_analytics_records_the_apps_event_and_refuses_bad_arguments() {
    let (mut harness, journal) = recording();
    let page = harness.open(APP, &["system"], &[]);
    harness
        .call(
            &page,
            "reportAnalytics",
            json!({"eventName": "purchase", "data": {"sku": "A-1", "amount": 3}}),
        )
        .expect("reported");
    harness
        .call(&page, "reportEvent", json!({"eventName": "share"}))
        .expect("reported");
    let bad = [
        json!({}),
        json!({"eventName": 5}),
        json!({"eventName": "  "}),
        json!({"eventName": "x".repeat(65)}),
        json!({"eventName": "ok", "data": "not an object"}),
        json!({"eventName": "ok", "data": [1, 2]}),
        json!({"eventName": "big", "data": {"blob": "x".repeat(17 * 1024)}}),
        json!("purchase"),
    ];
    for params in bad {
        assert_eq!(
            harness.error_code(&page, "reportAnalytics", params.clone()),
            2,
            "{params}"
        );
    }
    let custom: Vec<(String, Value)> = events(&journal)
        .into_iter()
        .filter(|event| event.kind == Kind::Custom)
        .map(|event| (event.name, event.attributes["data"].clone()))
        .collect();
    assert_eq!(
        custom,
        [
            ("purchase".to_owned(), json!({"sku": "A-1", "amount": 3})),
            ("share".to_owned(), json!({})),
        ]
    );
    // Without a declared `system`, the app may not report.
    let other = harness.open("h5-other", &["ui"], &[]);
    assert_eq!(
        harness.error_code(&other, "reportAnalytics", json!({"eventName": "x"})),
        4
    );
}

#[test]
fn write_log_records_the_log_managers_lines_and_refuses_what_is_too_big() {
    let (mut harness, journal) = recording();
    let page = harness.open(APP, &["system"], &[]);
    harness
        .call(
            &page,
            "writeLog",
            json!({"level": "warn", "message": "slow checkout", "realtime": true, "filters": ["cart"]}),
        )
        .expect("written");
    harness
        .call(
            &page,
            "writeLog",
            json!({"level": "log", "message": "y".repeat(50 * 1024)}),
        )
        .expect("100 KB fits a log manager's line");
    let bad = [
        json!({"message": "no level"}),
        json!({"level": "fatal", "message": "m"}),
        json!({"level": "info"}),
        json!({"level": "info", "message": 5}),
        json!({"level": "info", "message": "x".repeat(5 * 1024 + 1), "realtime": true}),
        json!({"level": "info", "message": "x".repeat(100 * 1024 + 1)}),
        json!({"level": "info", "message": "m", "realtime": "yes"}),
        json!({"level": "info", "message": "m", "filters": "cart"}),
        json!({"level": "info", "message": "m", "filters": ["f".repeat(1025)]}),
    ];
    for params in bad {
        assert_eq!(
            harness.error_code(&page, "writeLog", params.clone()),
            2,
            "{params}"
        );
    }
    let lines: Vec<(String, Value, Value)> = events(&journal)
        .into_iter()
        .filter(|event| event.kind == Kind::Log)
        .map(|event| {
            let message = event.attributes["message"].as_str().map(str::len);
            (
                event.name,
                json!(message),
                event.attributes["manager"].clone(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("warn".to_owned(), json!(13), json!("realtime")),
            ("log".to_owned(), json!(50 * 1024), json!("log")),
        ]
    );
}

#[test]
fn the_host_turns_capture_off_per_app_or_per_kind() {
    let (mut harness, journal) = recording();
    harness.container.set_capture(
        Capture::default()
            .without_app("h5-private")
            .without_kind(Kind::ApiCall),
    );
    let private = harness.open("h5-private", &["system"], &[]);
    let public = harness.open(APP, &["system"], &[]);
    for page in [&private, &public] {
        harness
            .call(page, "reportAnalytics", json!({"eventName": "seen"}))
            .expect("reported");
    }
    let events = events(&journal);
    assert!(
        events.iter().all(|event| event.context.app_id == APP),
        "{events:#?}"
    );
    assert_eq!(
        kinds(&events),
        [
            (Kind::AppLaunch, APP.to_owned()),
            (Kind::PageEnter, "index.html".to_owned()),
            (Kind::Custom, "seen".to_owned()),
        ]
    );
    // Back on: the next call is recorded.
    harness.container.set_capture(Capture::default());
    harness
        .call(&public, "reportAnalytics", json!({"eventName": "again"}))
        .expect("reported");
    let last = self::events(&journal);
    assert_eq!(
        kinds(&last[last.len() - 2..]),
        [
            (Kind::Custom, "again".to_owned()),
            (Kind::ApiCall, "reportAnalytics".to_owned()),
        ]
    );
}

#[test]
fn without_a_recorder_nothing_is_captured_and_report_analytics_still_answers() {
    let mut harness = Harness::new();
    let page = harness.open(APP, &["system"], &[]);
    harness
        .call(&page, "reportAnalytics", json!({"eventName": "purchase"}))
        .expect("answered");
    assert_eq!(
        harness.error_code(&page, "reportAnalytics", json!({"eventName": 1})),
        2
    );
    assert!(!harness.data_dir.path().join("analytics.sqlite").exists());
}

/// No file of the data folder (the journal and its WAL) holds any of `secrets`.
fn assert_no_trace(harness: &Harness, secrets: &[&str]) {
    for entry in std::fs::read_dir(harness.data_dir.path()).expect("data dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !name.starts_with("analytics") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
    }
}
