//! `capsule test` records into the analytics journal of the data folder: a scenario walks a
//! test app from its home page to a detail page and back, the detail page reports an event
//! of its own and makes an API call that fails, and the journal holds those events with
//! their fields; `capsule analytics report` summarises them.

use std::path::Path;

mod cli_support;
use cli_support::{ANALYTICS_APP as APP, capsule, play_analytics_walk, text};

use capsule_analytics::{Event, Filter, Journal, Kind, Limits};
use serde_json::{Value, json};

fn journal_events(data: &Path) -> Vec<Event> {
    Journal::open(&data.join("analytics.sqlite"), Limits::default())
        .expect("the run's journal")
        .events(&Filter::default())
        .expect("events")
}

/// The events of `kind`, as (name, attribute `key`).
fn named(events: &[Event], kind: Kind, key: &str) -> Vec<(String, Value)> {
    events
        .iter()
        .filter(|event| event.kind == kind)
        .map(|event| {
            let value = event.attributes.get(key).cloned().unwrap_or(Value::Null);
            (event.name.clone(), value)
        })
        .collect()
}

fn check_walk(events: &[Event]) {
    let launch = &events[0];
    assert_eq!(launch.kind, Kind::AppLaunch, "{events:#?}");
    for event in events {
        assert_eq!(event.context.app_id, "analytics.wechat");
        assert_eq!(event.context.app_version, "1.2.0");
        assert_eq!(event.context.session_id, launch.context.session_id);
        assert_eq!(event.context.device, "iphone-8");
        assert_eq!(event.id.len(), 32);
    }
    assert_eq!(
        named(events, Kind::PageEnter, "from"),
        [
            ("pages/home/home".to_owned(), Value::Null),
            ("pages/detail/detail".to_owned(), json!("pages/home/home")),
            ("pages/home/home".to_owned(), json!("pages/detail/detail")),
        ]
    );
    let left: Vec<String> = named(events, Kind::PageLeave, "dwell_ms")
        .into_iter()
        .map(|(page, dwell)| {
            assert!(dwell.as_f64().is_some_and(|ms| ms >= 0.0), "{dwell}");
            page
        })
        .collect();
    assert_eq!(left[..2], ["pages/home/home", "pages/detail/detail"]);
    assert_eq!(
        named(events, Kind::Custom, "data"),
        [("detail_open".to_owned(), json!({"id": 7, "from": "home"}))]
    );
    // The log managers' lines; the one over the realtime limit is not among them.
    let logs: Vec<(String, Value, Value, Value)> = events
        .iter()
        .filter(|event| event.kind == Kind::Log)
        .map(|event| {
            let field = |key: &str| event.attributes.get(key).cloned().unwrap_or(Value::Null);
            (
                event.name.clone(),
                field("message"),
                field("manager"),
                field("filters"),
            )
        })
        .collect();
    assert_eq!(
        logs,
        [
            (
                "info".to_owned(),
                json!("opened item 7"),
                json!("realtime"),
                json!(["detail"])
            ),
            (
                "log".to_owned(),
                json!(r#"detail {"id":"7"}"#),
                json!("log"),
                Value::Null
            ),
        ]
    );
    let calls = named(events, Kind::ApiCall, "code");
    let code_of = |api: &str| {
        calls
            .iter()
            .find(|(name, _)| name == api)
            .map(|(_, code)| code.clone())
    };
    assert_eq!(code_of("reportAnalytics"), Some(json!(0)), "{calls:?}");
    // Routing APIs, which the logic layer answers itself, are API calls too: the tap's
    // navigateTo, the detail page's to a page the app does not have, and the way back.
    let codes_of = |api: &str| -> Vec<Value> {
        calls
            .iter()
            .filter(|(name, _)| name == api)
            .map(|(_, code)| code.clone())
            .collect()
    };
    assert_eq!(codes_of("navigateTo"), [json!(0), json!(3)], "{calls:?}");
    assert_eq!(codes_of("navigateBack"), [json!(0)], "{calls:?}");
    let failed = code_of("getStorage").expect("getStorage was recorded");
    assert!(failed.as_i64().is_some_and(|code| code != 0), "{calls:?}");
    let cold_starts = named(events, Kind::ColdStart, "duration_ms");
    assert_eq!(cold_starts.len(), 1, "{events:#?}");
    // Every setData of a page: onLoad's on the home page, the failure's on the detail page.
    let set_data = named(events, Kind::SetData, "bytes");
    assert!(
        set_data.contains(&("pages/home/home".to_owned(), json!(7))),
        "{set_data:?}"
    );
    assert!(
        set_data.contains(&("pages/detail/detail".to_owned(), json!(15))),
        "{set_data:?}"
    );
}

#[test]
fn a_scenario_run_is_recorded_in_the_data_folders_journal_and_reported() {
    let data = tempfile::tempdir().expect("temp dir");
    play_analytics_walk(data.path(), false);
    let events = journal_events(data.path());
    check_walk(&events);

    let data_dir = data.path().to_str().expect("utf-8 path");
    let report = capsule(
        &["--data-dir", data_dir, "analytics", "report", "--json"],
        "warn",
    );
    assert!(report.status.success(), "{}", text(&report));
    let report: Value = serde_json::from_slice(&report.stdout).expect("JSON report");
    assert_eq!(report["sessions"], 1, "{report:#}");
    assert_eq!(
        report["page_views"],
        json!([["pages/home/home", 2], ["pages/detail/detail", 1]])
    );
    let flows = report["page_flow"].as_array().expect("flows");
    for (from, to) in [
        ("(launch)", "pages/home/home"),
        ("pages/home/home", "pages/detail/detail"),
        ("pages/detail/detail", "pages/home/home"),
    ] {
        assert!(
            flows.contains(&json!({"from": from, "to": to, "count": 1})),
            "{from} -> {to}: {flows:?}"
        );
    }
    let get_storage = report["apis"]
        .as_array()
        .and_then(|apis| apis.iter().find(|api| api["name"] == "getStorage"))
        .expect("getStorage in the report");
    assert_eq!(get_storage["errors"], 1, "{get_storage}");
    assert_eq!(get_storage["error_rate"], 1.0, "{get_storage}");

    let text_report = capsule(&["--data-dir", data_dir, "analytics", "report"], "warn");
    let printed = text(&text_report);
    assert!(text_report.status.success(), "{printed}");
    for expected in ["pages/detail/detail", "getStorage", "detail_open"] {
        assert!(printed.contains(expected), "{expected}: {printed}");
    }
    // Another app's report is empty.
    let other = capsule(
        &[
            "--data-dir",
            data_dir,
            "analytics",
            "report",
            "other.app",
            "--json",
        ],
        "warn",
    );
    let other: Value = serde_json::from_slice(&other.stdout).expect("JSON report");
    assert_eq!(other["events"], 0, "{other:#}");
}

#[test]
fn the_window_records_the_same_walk() {
    let data = tempfile::tempdir().expect("temp dir");
    play_analytics_walk(data.path(), true);
    check_walk(&journal_events(data.path()));
}

#[test]
fn a_journal_that_is_no_database_is_set_aside_and_a_run_records_into_a_new_one() {
    let data = tempfile::tempdir().expect("temp dir");
    let journal = data.path().join("analytics.sqlite");
    std::fs::write(&journal, "not a database").expect("write");
    // The run says so, keeps the damaged file under another name and records its walk.
    let printed = play_analytics_walk(data.path(), false);
    assert!(
        printed.contains("warning: the analytics journal")
            && printed.contains("was damaged (not an SQLite database)"),
        "{printed}"
    );
    let set_aside: Vec<_> = std::fs::read_dir(data.path())
        .expect("data dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("analytics.sqlite.damaged-"))
        })
        .collect();
    assert_eq!(set_aside.len(), 1, "{set_aside:?}");
    assert_eq!(
        std::fs::read_to_string(&set_aside[0]).expect("kept"),
        "not a database"
    );
    check_walk(&journal_events(data.path()));
    // The report reads the new journal, and has nothing to set aside.
    let data_dir = data.path().to_str().expect("utf-8 path");
    let output = capsule(&["--data-dir", data_dir, "analytics", "report"], "warn");
    let printed = text(&output);
    assert!(output.status.success(), "{printed}");
    assert!(!printed.contains("warning"), "{printed}");
}

#[test]
fn an_alipay_app_reports_and_logs_through_my() {
    let data = tempfile::tempdir().expect("temp dir");
    let app = data.path().join("app");
    std::fs::create_dir_all(app.join("pages/index")).expect("dirs");
    let files = [
        (
            "manifest.json",
            r#"{"appId":"analytics.alipay","name":"Analytics (alipay)","version":"3.1.0",
               "kind":"miniprogram","dialect":"alipay","entry":"app.json",
               "permissions":{"apis":["system"]}}"#,
        ),
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({});"),
        (
            "pages/index/index.axml",
            "<view class=\"refused\">{{refused}}</view>",
        ),
        (
            "pages/index/index.js",
            r#"Page({
  data: { refused: '' },
  onLoad() {
    my.reportAnalytics('alipay_open', { source: 'test' });
    my.getRealtimeLogManager().error('failed', 2);
    try { my.reportAnalytics(5); } catch (e) { this.setData({ refused: e.message }); }
  },
});"#,
        ),
    ];
    for (path, content) in files {
        std::fs::write(app.join(path), content).expect("file");
    }
    let data_dir = data.path().to_str().expect("utf-8 path");
    let app_dir = app.to_str().expect("utf-8 path");
    let output = capsule(
        &["--data-dir", data_dir, "run", app_dir, "--headless"],
        "warn",
    );
    let printed = text(&output);
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains("reportAnalytics: 'eventName' must be a string, got a number"),
        "{printed}"
    );
    let events = journal_events(data.path());
    assert_eq!(
        named(&events, Kind::Custom, "data"),
        [("alipay_open".to_owned(), json!({"source": "test"}))]
    );
    assert_eq!(
        named(&events, Kind::Log, "message"),
        [("error".to_owned(), json!("failed 2"))]
    );
    assert!(
        events
            .iter()
            .all(|event| event.context.app_version == "3.1.0")
    );
}

#[test]
fn a_run_killed_keeps_every_event_it_committed() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_capsule"))
        .args([
            "--data-dir",
            data.path().to_str().expect("utf-8 path"),
            "run",
            APP,
        ])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("capsule run starts");
    // The window's home page is entered and its cold start measured, then committed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    let committed = loop {
        let journal = data.path().join("analytics.sqlite");
        let events = if journal.exists() {
            journal_events(data.path())
        } else {
            Vec::new()
        };
        if events.iter().any(|event| event.kind == Kind::ColdStart) {
            break events;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "nothing committed: {events:#?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    run.kill().expect("SIGKILL");
    run.wait().expect("ended");
    let after = journal_events(data.path());
    for event in &committed {
        assert!(after.contains(event), "{event:?} was lost");
    }
    assert_eq!(
        named(&after, Kind::PageEnter, "from")[0].0,
        "pages/home/home"
    );
}
