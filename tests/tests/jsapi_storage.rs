//! Storage through the container's bridge: shapes, isolation between apps, quotas with the
//! platforms' codes, persistence across containers, and durability when the process is
//! killed.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use capsule_jsapi::{ApiConfig, StorageLimits};
use serde_json::{Value, json};
use support::Harness;

#[test]
fn set_get_remove_clear_and_info() {
    let mut harness = Harness::new();
    let page = harness.open("store-a", &["storage"], &[]);
    let value = json!({"name": "Ann", "tags": ["a", "b"], "n": 1.5, "ok": true, "none": null});
    assert_eq!(
        harness.call(&page, "setStorage", json!({"key": "user", "data": value})),
        Ok(json!({}))
    );
    assert_eq!(
        harness.call(&page, "getStorageSync", json!({"key": "user"})),
        Ok(json!({ "data": value }))
    );
    harness
        .call(&page, "setStorageSync", json!({"key": "count", "data": 3}))
        .expect("set");
    harness
        .call(
            &page,
            "setStorageSync",
            json!({"key": "nothing", "data": null}),
        )
        .expect("null is a value");
    let info = harness
        .call(&page, "getStorageInfoSync", json!({}))
        .expect("info");
    assert_eq!(info["keys"], json!(["count", "nothing", "user"]));
    assert_eq!(info["currentSize"], 1);
    assert_eq!(info["limitSize"], 10240);

    harness
        .call(&page, "removeStorage", json!({"key": "user"}))
        .expect("remove");
    assert_eq!(
        harness.call(&page, "getStorage", json!({"key": "user"})),
        Ok(json!({"data": null})),
        "a missing key reads as null (Alipay shape)"
    );
    harness
        .call(&page, "clearStorageSync", json!({}))
        .expect("clear");
    let info = harness
        .call(&page, "getStorageInfo", Value::Null)
        .expect("info");
    assert_eq!(
        (info["keys"].clone(), info["currentSize"].clone()),
        (json!([]), json!(0))
    );
}

#[test]
fn tagged_dates_round_trip_unchanged() {
    let mut harness = Harness::new();
    let page = harness.open("store-dates", &["storage"], &[]);
    let data = json!({"when": {"__capsuleType": "Date", "value": "2024-02-29T12:34:56.789Z"}});
    harness
        .call(&page, "setStorageSync", json!({"key": "d", "data": data}))
        .expect("set");
    assert_eq!(
        harness.call(&page, "getStorageSync", json!({"key": "d"})),
        Ok(json!({ "data": data }))
    );
}

#[test]
fn one_app_cannot_see_another_apps_items() {
    let mut harness = Harness::new();
    let a = harness.open("store-a", &["storage"], &[]);
    let b = harness.open("store-b", &["storage"], &[]);
    harness
        .call(
            &a,
            "setStorageSync",
            json!({"key": "secret", "data": "a's"}),
        )
        .expect("set");
    assert_eq!(
        harness.call(&b, "getStorageSync", json!({"key": "secret"})),
        Ok(json!({"data": null}))
    );
    harness
        .call(&b, "clearStorageSync", json!({}))
        .expect("clear b");
    assert_eq!(
        harness.call(&a, "getStorageSync", json!({"key": "secret"})),
        Ok(json!({"data": "a's"}))
    );
    // A foreign origin in app a's page gets nothing either (the host granted it nothing).
    let foreign = support::Page {
        id: a.id,
        origin: "https://evil.example".into(),
    };
    assert_eq!(
        harness.error_code(&foreign, "getStorageSync", json!({"key": "secret"})),
        4
    );
    // An app that does not declare storage is refused.
    let c = harness.open("store-c", &["system"], &[]);
    assert_eq!(
        harness.error_code(&c, "getStorageSync", json!({"key": "secret"})),
        4
    );
}

#[test]
fn quotas_answer_the_platform_codes_and_keep_what_was_there() {
    let limits = StorageLimits {
        alipay_item_bytes: 1000,
        wechat_item_bytes: 1000,
        app_bytes: 2500,
    };
    let mut harness = Harness::with(|builder| {
        builder.api_config(ApiConfig {
            storage_limits: limits,
            ..ApiConfig::default()
        })
    });
    let page = harness.open("store-quota", &["storage"], &[]);
    let big = |n: usize| json!("x".repeat(n));
    let too_long = harness.call(&page, "setStorage", json!({"key": "k", "data": big(1000)}));
    assert_eq!(too_long.expect_err("over the item limit")["error"], 14);
    for key in ["a", "b"] {
        harness
            .call(&page, "setStorage", json!({"key": key, "data": big(900)}))
            .expect("fits");
    }
    let over = harness.call(&page, "setStorage", json!({"key": "c", "data": big(900)}));
    let over = over.expect_err("over the app limit");
    assert_eq!(over["error"], 12);
    assert!(
        over["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("2500")),
        "{over}"
    );
    assert_eq!(
        harness.call(&page, "getStorage", json!({"key": "c"})),
        Ok(json!({"data": null}))
    );
    assert_eq!(
        harness.call(&page, "getStorage", json!({"key": "a"})),
        Ok(json!({"data": big(900)}))
    );
}

#[test]
fn items_persist_across_containers() {
    let mut first = Harness::new();
    let page = first.open("store-persist", &["storage"], &[]);
    first
        .call(
            &page,
            "setStorageSync",
            json!({"key": "k", "data": [1, 2, 3]}),
        )
        .expect("set");
    let Harness { data_dir, .. } = first;
    let mut second = Harness::in_dir(data_dir, |builder| builder);
    let page = second.open("store-persist", &["storage"], &[]);
    assert_eq!(
        second.call(&page, "getStorageSync", json!({"key": "k"})),
        Ok(json!({"data": [1, 2, 3]}))
    );
}

#[test]
fn a_damaged_storage_file_is_set_aside_and_a_new_one_used() {
    let data_dir = tempfile::tempdir().expect("data dir");
    let damaged = b"not a database: what was stored before the damage";
    std::fs::write(data_dir.path().join("storage.sqlite3"), damaged).expect("damaged file");
    let mut harness = Harness::in_dir(data_dir, |builder| builder);
    let page = harness.open("store-damaged", &["storage"], &[]);
    assert_eq!(
        harness.call(&page, "getStorageSync", json!({"key": "k"})),
        Ok(json!({"data": null}))
    );
    harness
        .call(&page, "setStorageSync", json!({"key": "k", "data": 7}))
        .expect("set");
    assert_eq!(
        harness.call(&page, "getStorageSync", json!({"key": "k"})),
        Ok(json!({"data": 7}))
    );
    let set_aside: Vec<_> = std::fs::read_dir(harness.data_dir.path())
        .expect("data dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("storage.sqlite3.damaged-"))
        })
        .collect();
    assert_eq!(set_aside.len(), 1, "{set_aside:?}");
    assert_eq!(std::fs::read(&set_aside[0]).expect("kept"), damaged);
}

/// A writer process reports each write the bridge acknowledged, then dies by SIGKILL in the
/// middle of writing: every acknowledged write must be in the database afterwards.
#[test]
fn acknowledged_writes_survive_kill_9() {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let mut writer = Command::new(env!("CARGO_BIN_EXE_storage-writer"))
        .arg(data_dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("writer starts");
    let mut lines = BufReader::new(writer.stdout.take().expect("stdout")).lines();
    let mut acknowledged = 0;
    while acknowledged < 300 {
        let line = lines.next().expect("writer alive").expect("readable");
        acknowledged = line
            .strip_prefix("ok ")
            .and_then(|n| n.parse::<u64>().ok())
            .expect("an `ok <n>` line")
            + 1;
    }
    writer.kill().expect("SIGKILL");
    let status = writer.wait().expect("reaped");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "killed by SIGKILL"
    );

    let database = rusqlite::Connection::open(data_dir.path().join("storage.sqlite3"))
        .expect("database opens after the crash");
    let check: String = database
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok");
    drop(database);

    let mut harness = Harness::in_dir(data_dir, |builder| builder);
    let page = harness.open("crash-test", &["storage"], &[]);
    for n in 0..acknowledged {
        let got = harness
            .call(&page, "getStorageSync", json!({"key": format!("key-{n}")}))
            .expect("readable");
        assert_eq!(got["data"]["n"], n, "acknowledged write {n} was lost");
    }
}
