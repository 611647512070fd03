//! Network APIs against real servers on 127.0.0.1: request shapes and bodies, HTTPS with a
//! test certificate authority, the domain allowlist, timeouts, abort, cookies per app (the
//! lasting ones kept across containers), downloads and uploads with progress, and WeChat's
//! shapes through the registry.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use capsule_jsapi::{ApiConfig, Caller, Dialect, NetworkTimeout, Registry};
use serde_json::{Value, json};
use support::http::{TestCa, TestServer};
use support::{Harness, Page, call_registry};

/// A developer-mode container (plain HTTP to declared loopback domains) and one app page
/// declaring `server`'s origin.
fn dev_harness(server: &TestServer) -> (Harness, Page) {
    let mut harness = Harness::with(|builder| builder.developer_mode(true));
    let page = harness.open("net-app", &["network", "files"], &[&server.origin]);
    (harness, page)
}

#[test]
fn request_sends_methods_headers_and_bodies() {
    let server = TestServer::http();
    let (harness, page) = dev_harness(&server);
    let get = harness
        .call(
            &page,
            "request",
            json!({
                "url": server.url("/echo?x=0"), "data": {"a": 1, "b": "two words"},
                "headers": {"X-Token": "abc"},
            }),
        )
        .expect("GET");
    assert_eq!(get["status"], 200);
    assert_eq!(get["headers"]["x-test-server"], "capsule");
    assert_eq!(get["data"]["method"], "GET");
    assert_eq!(get["data"]["query"], "x=0&a=1&b=two+words");
    assert_eq!(get["data"]["headers"]["x-token"], "abc");

    let post =
        |data: Value, headers: Value| {
            harness
            .call(&page, "request", json!({
                "url": server.url("/echo"), "method": "POST", "data": data, "headers": headers,
            }))
            .expect("POST")["data"]
            .clone()
        };
    let json_body = post(json!({"n": 1, "list": [true]}), json!({}));
    assert_eq!(json_body["headers"]["content-type"], "application/json");
    assert_eq!(json_body["body"], r#"{"list":[true],"n":1}"#);
    let form = post(
        json!({"a": 1, "b": "x&y"}),
        json!({"content-type": "application/x-www-form-urlencoded"}),
    );
    assert_eq!(form["body"], "a=1&b=x%26y");
    let text = post(json!("raw text"), json!({"Content-Type": "text/plain"}));
    assert_eq!(
        (
            text["body"].clone(),
            text["headers"]["content-type"].clone()
        ),
        (json!("raw text"), json!("text/plain"))
    );

    for method in ["PUT", "DELETE", "PATCH", "options"] {
        let answer = harness
            .call(
                &page,
                "request",
                json!({"url": server.url("/echo"), "method": method}),
            )
            .expect(method);
        assert_eq!(answer["data"]["method"], method.to_uppercase());
    }
}

#[test]
fn request_answers_in_the_data_type_asked_for() {
    let server = TestServer::http();
    let (harness, page) = dev_harness(&server);
    let fetch = |path: &str, data_type: &str| {
        harness.call(
            &page,
            "request",
            json!({"url": server.url(path), "dataType": data_type}),
        )
    };
    assert_eq!(fetch("/text", "text").expect("text")["data"], "hello, text");
    assert_eq!(
        fetch("/text", "base64").expect("base64")["data"],
        "aGVsbG8sIHRleHQ="
    );
    assert_eq!(
        fetch("/bytes/3", "arraybuffer").expect("arraybuffer")["data"],
        json!({"__capsuleType": "ArrayBuffer", "base64": "AAEC"})
    );
    let not_json = fetch("/not-json", "json").expect_err("not JSON");
    assert_eq!(not_json["error"], 14);
    let missing = fetch("/status/404", "json").expect_err("HTTP error");
    assert_eq!(missing["error"], 19);
    assert!(
        missing["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("404")),
        "{missing}"
    );
}

#[test]
fn https_works_with_a_trusted_test_ca_and_fails_without() {
    let ca = TestCa::new();
    let server = TestServer::https(&ca);
    // The server is on this machine: reachable in developer mode only.
    let mut trusted = Harness::with(|builder| {
        builder.api_config(ApiConfig {
            trusted_certificates: vec![ca.root_der.clone()],
            developer_mode: true,
            ..ApiConfig::default()
        })
    });
    let page = trusted.open("tls-app", &["network"], &[&server.origin]);
    let answer = trusted
        .call(&page, "request", json!({"url": server.url("/echo")}))
        .expect("HTTPS with the CA trusted");
    assert_eq!(answer["data"]["method"], "GET");

    let mut untrusted = Harness::with(|builder| builder.developer_mode(true));
    let page = untrusted.open("tls-app", &["network"], &[&server.origin]);
    let refused = untrusted
        .call(&page, "request", json!({"url": server.url("/echo")}))
        .expect_err("unknown CA");
    assert_eq!(refused["error"], 12);
    assert!(
        refused["errorMessage"]
            .as_str()
            .is_some_and(|m| m.to_lowercase().contains("certificate")),
        "{refused}"
    );
}

#[test]
fn only_declared_domains_are_reachable() {
    let server = TestServer::http();
    let other = TestServer::http();
    let (harness, page) = dev_harness(&server);
    let code = |url: String| harness.error_code(&page, "request", json!({"url": url}));
    assert_eq!(code(other.url("/echo")), 11, "undeclared port");
    assert_eq!(
        code(server.url("/echo").replace("localhost", "127.0.0.1")),
        11,
        "other host"
    );
    assert_eq!(code("https://example.com/".into()), 11);
    assert_eq!(code("file:///etc/passwd".into()), 11);
    // A redirect may not lead to an undeclared origin either.
    let escape = server.url(&format!("/redirect?to={}", other.url("/echo")));
    assert_eq!(code(escape), 11, "redirect to undeclared origin");
    let inside = server.url(&format!("/redirect?to={}", server.url("/text")));
    let followed = harness
        .call(&page, "request", json!({"url": inside, "dataType": "text"}))
        .expect("redirect within the domain");
    assert_eq!(followed["data"], "hello, text");

    // Without developer mode plain HTTP is refused even to a declared loopback domain.
    let mut strict = Harness::new();
    let page = strict.open("net-app", &["network"], &[&server.origin]);
    let refused = strict
        .call(&page, "request", json!({"url": server.url("/echo")}))
        .expect_err("plain HTTP");
    assert_eq!(refused["error"], 11);
    // And an app without the network permission never gets that far.
    let mut harness = Harness::with(|builder| builder.developer_mode(true));
    let page = harness.open("no-net", &["storage"], &[&server.origin]);
    assert_eq!(
        harness.error_code(&page, "request", json!({"url": server.url("/echo")})),
        4
    );
}

#[test]
fn timeouts_and_aborts_end_the_call_with_their_codes() {
    let server = TestServer::http();
    let (harness, page) = dev_harness(&server);
    let started = Instant::now();
    let timed_out = harness
        .call(
            &page,
            "request",
            json!({"url": server.url("/slow"), "timeout": 300}),
        )
        .expect_err("timeout");
    assert_eq!(timed_out["error"], 13);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the 5 s answer was not awaited"
    );

    let started = Instant::now();
    let call = harness.send(
        &page,
        "request",
        json!({"url": server.url("/slow"), "taskId": "t1"}),
    );
    std::thread::sleep(Duration::from_millis(200));
    let aborted = harness
        .call(&page, "abortTask", json!({"taskId": "t1"}))
        .expect("abort");
    assert_eq!(aborted, json!({"aborted": true}));
    assert_eq!(harness.wait(&page, call).expect_err("aborted")["error"], 9);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the abort ended the call early"
    );
    let again = harness
        .call(&page, "abortTask", json!({"taskId": "t1"}))
        .expect("abort");
    assert_eq!(again, json!({"aborted": false}), "a finished task is gone");
}

#[test]
fn an_aborted_download_leaves_no_file() {
    let server = TestServer::http();
    let (harness, page) = dev_harness(&server);
    let call = harness.send(
        &page,
        "downloadFile",
        json!({"url": server.url("/stall"), "taskId": "d"}),
    );
    let temp = harness.data_dir.path().join("files/net-app/tmp");
    let deadline = Instant::now() + Duration::from_secs(3);
    while std::fs::read_dir(&temp).map_or(0, Iterator::count) == 0 {
        assert!(Instant::now() < deadline, "the download started writing");
        std::thread::sleep(Duration::from_millis(10));
    }
    harness
        .call(&page, "abortTask", json!({"taskId": "d"}))
        .expect("abort");
    assert_eq!(harness.wait(&page, call).expect_err("aborted")["error"], 9);
    let deadline = Instant::now() + Duration::from_secs(3);
    while std::fs::read_dir(&temp).map_or(0, Iterator::count) != 0 {
        assert!(Instant::now() < deadline, "the partial file was removed");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The `Cookie` header a request from `page` carries (`null`: none).
fn cookie_sent(harness: &Harness, server: &TestServer, page: &Page) -> Value {
    harness
        .call(page, "request", json!({"url": server.url("/echo")}))
        .expect("echo")["data"]["headers"]["cookie"]
        .clone()
}

#[test]
fn cookies_are_kept_per_app() {
    let server = TestServer::http();
    let mut harness = Harness::with(|builder| builder.developer_mode(true));
    let a = harness.open("cookie-a", &["network"], &[&server.origin]);
    let b = harness.open("cookie-b", &["network"], &[&server.origin]);
    harness
        .call(&a, "request", json!({"url": server.url("/cookie/set")}))
        .expect("set cookie");
    let echo = |page: &Page| cookie_sent(&harness, &server, page);
    assert_eq!(echo(&a), "session=s3cret");
    assert_eq!(echo(&b), Value::Null, "app b does not see app a's cookie");
}

#[test]
fn lasting_cookies_outlive_the_container_and_session_cookies_do_not() {
    let server = TestServer::http();
    let mut first = Harness::with(|builder| builder.developer_mode(true));
    let page = first.open("cookie-login", &["network"], &[&server.origin]);
    first
        .call(
            &page,
            "request",
            json!({"url": server.url("/cookie/login")}),
        )
        .expect("log in");
    let Harness { data_dir, .. } = first;
    let saved = data_dir.path().join("cookies/cookie-login.json");
    assert!(saved.is_file(), "no {}", saved.display());
    let mut second = Harness::in_dir(data_dir, |builder| builder.developer_mode(true));
    let page = second.open("cookie-login", &["network"], &[&server.origin]);
    let other = second.open("cookie-other", &["network"], &[&server.origin]);
    let broken = second.open("cookie-broken", &["network"], &[&server.origin]);
    let echo = |page: &Page| cookie_sent(&second, &server, page);
    assert_eq!(echo(&page), "login=kept");
    assert_eq!(echo(&other), Value::Null, "another app sees none of them");
    // A cookie file that cannot be read is set aside, not lost, and the app starts afresh.
    let dir = second.data_dir.path().join("cookies");
    std::fs::write(dir.join("cookie-broken.json"), "{not json").expect("write");
    assert_eq!(echo(&broken), Value::Null);
    assert_eq!(
        std::fs::read_to_string(dir.join("cookie-broken.json.unreadable")).expect("set aside"),
        "{not json"
    );
}

#[test]
fn downloads_and_uploads_report_progress() {
    let server = TestServer::http();
    let (harness, page) = dev_harness(&server);
    let size = 300_000;
    let download = harness
        .call(
            &page,
            "downloadFile",
            json!({"url": server.url(&format!("/bytes/{size}")), "taskId": "d1"}),
        )
        .expect("download");
    let path = download["apFilePath"]
        .as_str()
        .expect("a temporary path")
        .to_owned();
    assert!(path.starts_with("https://resource/"), "{path}");
    assert_eq!(
        (
            download["statusCode"].clone(),
            download["totalBytes"].clone()
        ),
        (json!(200), json!(size))
    );
    let read = harness
        .call(
            &page,
            "readFile",
            json!({"filePath": path, "encoding": "base64"}),
        )
        .expect("the downloaded file is readable");
    let expected: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    assert_eq!(read["data"], base64_of(&expected));
    let progress = |task: &str| -> Vec<Value> {
        harness
            .events(&page)
            .into_iter()
            .filter(|(name, data)| name == "taskProgress" && data["taskId"] == task)
            .map(|(_, data)| data)
            .collect()
    };
    let downloaded = progress("d1");
    assert!(
        downloaded.len() > 1,
        "several progress events: {downloaded:?}"
    );
    let last = downloaded.last().expect("events");
    assert_eq!(
        (last["progress"].clone(), last["totalBytesWritten"].clone()),
        (json!(100), json!(size))
    );

    let upload = harness
        .call(
            &page,
            "uploadFile",
            json!({
                "url": server.url("/upload"), "filePath": path, "fileName": "photo",
                "formData": {"album": "holidays", "n": 2}, "taskId": "u1",
            }),
        )
        .expect("upload");
    assert_eq!(upload["statusCode"], 200);
    let echo: Value =
        serde_json::from_str(upload["data"].as_str().expect("text")).expect("echo JSON");
    assert!(
        echo["headers"]["content-type"]
            .as_str()
            .is_some_and(|t| t.starts_with("multipart/form-data"))
    );
    let body = echo["body"].as_str().expect("body");
    assert!(
        body.contains("name=\"album\"\r\n\r\nholidays"),
        "form field"
    );
    assert!(
        body.contains("name=\"n\"\r\n\r\n2"),
        "non-string form field"
    );
    assert!(body.contains("name=\"photo\"; filename="), "file part");
    let uploaded = progress("u1");
    let last = uploaded.last().expect("upload progress");
    assert_eq!(
        (last["progress"].clone(), last["totalBytesSent"].clone()),
        (json!(100), json!(size))
    );
}

fn base64_of(bytes: &[u8]) -> Value {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    json!(out)
}

#[test]
fn wechat_callers_get_wechat_shapes() {
    let server = TestServer::http();
    let data_dir = tempfile::tempdir().expect("tempdir");
    let registry = Registry::with_config(&ApiConfig {
        data_dir: Some(data_dir.path().to_owned()),
        developer_mode: true,
        ..ApiConfig::default()
    });
    let caller = Caller {
        dialect: Dialect::Wechat,
        domains: Arc::from([server.origin.clone()]),
        ..Caller::new("wx-app", 1, "logic")
    };
    let call = |api: &str, params: Value| call_registry(&registry, &caller, api, params);
    let answer = call(
        "request",
        json!({"url": server.url("/echo"), "header": {"X-A": "1"}}),
    )
    .expect("request");
    assert_eq!(answer["statusCode"], 200);
    assert_eq!(answer["header"]["x-test-server"], "capsule");
    assert_eq!(answer["data"]["headers"]["x-a"], "1");
    assert!(answer["cookies"].is_array());
    let missing = call("request", json!({"url": server.url("/status/404")}))
        .expect("not an error for WeChat");
    assert_eq!(missing["statusCode"], 404);
    let not_json = call("request", json!({"url": server.url("/not-json")})).expect("text");
    assert_eq!(not_json["data"], "{not json");
    let buffer = call(
        "request",
        json!({"url": server.url("/bytes/2"), "responseType": "arraybuffer"}),
    )
    .expect("buffer");
    assert_eq!(buffer["data"]["base64"], "AAE=");
    // app.json's networkTimeout, passed on the caller, applies when the call names none.
    let impatient = Caller {
        network_timeout: NetworkTimeout {
            request_ms: 200,
            ..NetworkTimeout::default()
        },
        ..caller.clone()
    };
    let slow = call_registry(
        &registry,
        &impatient,
        "request",
        json!({"url": server.url("/slow")}),
    );
    assert_eq!(slow.map_err(|e| e.code), Err(13));
    let refused = call("request", json!({"url": "https://example.com/"})).expect_err("domain");
    assert!(
        Dialect::Wechat.failure("request", &refused)["errMsg"]
            .as_str()
            .is_some_and(|m| m.starts_with("request:fail url not in domain list")),
    );
    let download = call("downloadFile", json!({"url": server.url("/bytes/10")})).expect("download");
    assert!(
        download["tempFilePath"]
            .as_str()
            .is_some_and(|p| p.starts_with("wxfile://tmp/")),
        "{download}"
    );

    assert_eq!(
        call("getStorageSync", json!({"key": "none"})),
        Ok(json!({"data": ""}))
    );
    assert!(
        call("getStorage", json!({"key": "none"})).is_err(),
        "WeChat's getStorage fails on a missing key"
    );
    let item = json!("y".repeat(500 << 10));
    call("setStorageSync", json!({"key": "big", "data": item}))
        .expect("500 KB fits WeChat's 1 MB item limit");
}
