//! Every API with bad arguments: wrong types, missing fields, huge values, paths outside the
//! sandbox. Each gets its documented error code in both dialects and nothing panics. The
//! table must name every registered API, so a new API cannot ship without its bad cases.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use capsule_jsapi::{ApiConfig, Caller, Dialect, Registry, UNSUPPORTED_APIS};
use serde_json::{Value, json};
use support::call_registry;

const URL: &str = "https://api.example.com/v1";

fn huge(bytes: usize) -> Value {
    json!("x".repeat(bytes))
}

/// `(api, bad params, expected code)`.
fn table() -> Vec<(&'static str, Value, i64)> {
    let mut rows = vec![
        ("setStorage", json!({}), 2),
        ("setStorage", json!({"key": 1, "data": 1}), 2),
        ("setStorage", json!({"key": "k"}), 2),
        ("setStorage", json!({"key": huge(2 << 20), "data": 1}), 2),
        (
            "setStorage",
            json!({"key": "k", "data": huge(11 << 20)}),
            14,
        ),
        ("setStorageSync", json!({"key": ["k"], "data": 1}), 2),
        ("getStorage", json!({}), 2),
        ("getStorage", json!({"key": 5}), 2),
        ("getStorageSync", json!({"key": {"a": 1}}), 2),
        ("removeStorage", json!({"key": true}), 2),
        ("removeStorageSync", json!({}), 2),
        ("clearStorage", json!("all"), 2),
        ("clearStorageSync", json!([1]), 2),
        ("getStorageInfo", json!(7), 2),
        ("getStorageInfoSync", json!("x"), 2),
        ("request", json!({}), 2),
        ("request", json!({"url": 5}), 2),
        ("request", json!({"url": "not a url"}), 2),
        ("request", json!({"url": "x".repeat(10_000)}), 2),
        ("request", json!({"url": URL, "method": "FETCH"}), 2),
        ("request", json!({"url": URL, "headers": "x"}), 2),
        (
            "request",
            json!({"url": URL, "header": {"bad name": "v"}}),
            2,
        ),
        (
            "request",
            json!({"url": URL, "headers": {"a": "line\nbreak"}}),
            2,
        ),
        (
            "request",
            json!({"url": URL, "headers": {"a": {"nested": 1}}}),
            2,
        ),
        ("request", json!({"url": URL, "timeout": -1}), 2),
        ("request", json!({"url": URL, "timeout": 1e12}), 2),
        ("request", json!({"url": URL, "dataType": 5}), 2),
        ("request", json!({"url": URL, "taskId": 5}), 2),
        ("request", json!({"url": URL, "data": 5}), 2),
        ("request", json!({"url": "https://evil.example.com/"}), 11),
        ("downloadFile", json!({}), 2),
        ("downloadFile", json!({"url": 1}), 2),
        (
            "downloadFile",
            json!({"url": URL, "filePath": "wxfile://tmp/x"}),
            2,
        ),
        (
            "downloadFile",
            json!({"url": URL, "filePath": "/etc/passwd"}),
            2,
        ),
        ("uploadFile", json!({"url": URL}), 2),
        (
            "uploadFile",
            json!({"url": URL, "filePath": "https://usr/a.txt"}),
            2,
        ),
        (
            "uploadFile",
            json!({"url": URL, "filePath": "https://usr/a.txt", "name": "f", "fileName": "f", "formData": "x"}),
            2,
        ),
        (
            "uploadFile",
            json!({"url": URL, "filePath": "../../etc/passwd", "name": "f", "fileName": "f"}),
            2,
        ),
        (
            "uploadFile",
            json!({"url": URL, "filePath": "https://usr/missing", "name": "f", "fileName": "f"}),
            3,
        ),
        ("abortTask", json!({}), 2),
        ("abortTask", json!({"taskId": 1}), 2),
        ("abortTask", json!({"taskId": "t".repeat(65)}), 2),
        ("copyFile", json!({}), 2),
        ("copyFile", json!({"srcPath": "https://usr/a.txt"}), 2),
        (
            "copyFile",
            json!({"srcPath": "/etc/passwd", "destPath": "https://usr/p"}),
            2,
        ),
        (
            "copyFile",
            json!({"srcPath": "https://usr/a.txt", "destPath": "wxfile://tmp/a"}),
            2,
        ),
        (
            "copyFile",
            json!({"srcPath": "https://usr/missing", "destPath": "https://usr/b"}),
            3,
        ),
        ("readFile", json!({}), 2),
        ("readFile", json!({"filePath": 1}), 2),
        ("readFile", json!({"filePath": "/etc/passwd"}), 2),
        (
            "readFile",
            json!({"filePath": "https://usr/a.txt", "encoding": "utf16"}),
            2,
        ),
        ("readFile", json!({"filePath": "https://usr/missing"}), 3),
        ("writeFile", json!({"filePath": "https://usr/a.txt"}), 2),
        (
            "writeFile",
            json!({"filePath": "https://usr/a.txt", "data": 5}),
            2,
        ),
        (
            "writeFile",
            json!({"filePath": "https://usr/a.txt", "data": "zz", "encoding": "hex"}),
            2,
        ),
        (
            "writeFile",
            json!({"filePath": "https://usr/a.txt", "data": "%%", "encoding": "base64"}),
            2,
        ),
        (
            "writeFile",
            json!({"filePath": "wxfile://tmp/a", "data": "x"}),
            2,
        ),
        (
            "writeFile",
            json!({"filePath": "https://usr/../../x", "data": "x"}),
            2,
        ),
        (
            "writeFile",
            json!({"filePath": "https://usr/a", "data": {"__capsuleType": "ArrayBuffer"}}),
            2,
        ),
        ("access", json!({}), 2),
        ("access", json!({"path": 1}), 2),
        ("access", json!({"path": "wxfile://usr/a\u{1}"}), 2),
        ("stat", json!({"path": "../x"}), 2),
        ("stat", json!({"path": "x".repeat(5000)}), 2),
        ("mkdir", json!({}), 2),
        (
            "mkdir",
            json!({"dirPath": "https://usr/d", "recursive": "yes"}),
            2,
        ),
        ("mkdir", json!({"dirPath": "wxfile://store/d"}), 2),
        ("readdir", json!({"dirPath": 5}), 2),
        ("readdir", json!({"dirPath": "wxfile://usr/nope"}), 3),
        ("unlink", json!({}), 2),
        ("unlink", json!({"filePath": "wxfile://usr/../x"}), 2),
        ("saveFile", json!({}), 2),
        ("saveFile", json!({"tempFilePath": 5}), 2),
        ("saveFile", json!({"tempFilePath": "https://usr/x"}), 2),
        ("writeTempImage", json!({}), 2),
        ("writeTempImage", json!({"data": "iVBORw0KGgo="}), 2),
        (
            "writeTempImage",
            json!({"data": {"__capsuleType": "ArrayBuffer", "base64": "iVBORw0KGgo="}, "fileType": "gif"}),
            2,
        ),
        (
            "writeTempImage",
            json!({"data": {"__capsuleType": "ArrayBuffer", "base64": "PGh0bWw+"}}),
            2,
        ),
        (
            "writeTempImage",
            json!({"data": {"__capsuleType": "ArrayBuffer", "base64": "iVBORw0KGgo="}, "fileType": "jpg"}),
            2,
        ),
        ("scan", json!({"scanType": "qrCode"}), 2),
        ("scan", json!({"scanType": [1]}), 2),
        ("scan", json!({"scanType": vec!["qrCode"; 9]}), 2),
        ("scanCode", json!({"onlyFromCamera": 1}), 2),
        ("scanCode", json!({"hideAlbum": "no"}), 2),
        ("getSystemInfo", json!("x"), 2),
        ("getSystemInfoSync", json!([1]), 2),
        ("getWindowInfo", json!("x"), 2),
        ("getDeviceInfo", json!([1]), 2),
        ("getAppBaseInfo", json!(1), 2),
        ("getMenuButtonBoundingClientRect", json!("x"), 2),
        ("getClipboard", json!(1), 2),
        ("getClipboardData", json!(false), 2),
        ("setClipboard", json!({}), 2),
        ("setClipboard", json!({"text": 5}), 2),
        ("setClipboard", json!({"text": huge((1 << 20) + 1)}), 2),
        ("setClipboardData", json!({"data": ["x"]}), 2),
        ("getNetworkType", json!("wifi"), 2),
        ("vibrate", json!([]), 2),
        ("vibrateShort", json!("short"), 2),
        ("vibrateLong", json!(3), 2),
        ("makePhoneCall", json!({}), 2),
        ("makePhoneCall", json!({"phoneNumber": 123}), 2),
        ("makePhoneCall", json!({"phoneNumber": "call me"}), 2),
        ("makePhoneCall", json!({"phoneNumber": "1".repeat(65)}), 2),
        ("getLocation", json!({"type": "mars"}), 2),
        ("getLocation", json!("here"), 2),
        ("canIUse", json!({}), 2),
        ("canIUse", json!({"name": 5}), 2),
        ("canIUse", json!({"name": huge(300)}), 2),
        ("showToast", json!({"type": "sparkles"}), 2),
        ("showToast", json!({"duration": -1}), 2),
        ("alert", json!({"title": []}), 2),
        ("showToast", json!({"content": 1, "title": 1}), 2),
        (
            "showToast",
            json!({"content": huge(17 << 10), "title": huge(17 << 10)}),
            2,
        ),
        ("hideToast", json!("now"), 2),
        ("confirm", json!({"title": []}), 2),
        ("confirm", json!({"confirmButtonText": huge(17 << 10)}), 2),
        ("confirm", json!(3), 2),
        ("showModal", json!({"showCancel": "yes"}), 2),
        ("showModal", json!({"cancelText": 1}), 2),
        ("showLoading", json!({"content": 1, "title": 1}), 2),
        ("showLoading", json!([]), 2),
        ("hideLoading", json!(1), 2),
        ("showActionSheet", json!({}), 2),
        ("showActionSheet", json!({"items": "a", "itemList": "a"}), 2),
        (
            "showActionSheet",
            json!({"items": vec!["x"; 31], "itemList": vec!["x"; 7]}),
            2,
        ),
        (
            "showActionSheet",
            json!({"items": [""], "itemList": [""]}),
            2,
        ),
        ("showActionSheet", json!({"items": [1], "itemList": [1]}), 2),
        ("setNavigationBar", json!({"backgroundColor": "red"}), 2),
        ("setNavigationBar", json!({"frontColor": "#1234567"}), 2),
        ("setNavigationBar", json!({"title": huge(17 << 10)}), 2),
        ("setNavigationBarTitle", json!({}), 2),
        ("setNavigationBarTitle", json!({"title": 1}), 2),
        ("setNavigationBarColor", json!({}), 2),
        (
            "setNavigationBarColor",
            json!({"frontColor": "#ff0000", "backgroundColor": "#ffffff"}),
            2,
        ),
        (
            "setNavigationBarColor",
            json!({"frontColor": "#000000", "backgroundColor": "blue;x"}),
            2,
        ),
        ("showNavigationBarLoading", json!("x"), 2),
        ("hideNavigationBarLoading", json!(2), 2),
        ("setTabBarBadge", json!({"index": 0}), 2),
        ("setTabBarBadge", json!({"index": 9, "text": "1"}), 2),
        ("setTabBarBadge", json!({"index": 0, "text": 1}), 2),
        ("removeTabBarBadge", json!({}), 2),
        ("showTabBarRedDot", json!({"index": -1}), 2),
        ("hideTabBarRedDot", json!({"index": "0"}), 2),
        ("pageScrollTo", json!({}), 2),
        ("pageScrollTo", json!({"scrollTop": -5}), 2),
        (
            "pageScrollTo",
            json!({"scrollTop": 1, "duration": "slow"}),
            2,
        ),
        ("startPullDownRefresh", json!("now"), 2),
        ("stopPullDownRefresh", json!([1]), 2),
        // Nebula's names for the same modules.
        ("toast", json!({"type": "rainbow"}), 2),
        ("toast", json!({"content": 5}), 2),
        ("httpRequest", json!({}), 2),
        ("httpRequest", json!({"url": URL, "method": "FETCH"}), 2),
        // Nebula's window APIs.
        ("pushWindow", json!({}), 2),
        ("pushWindow", json!({"url": 5}), 2),
        ("pushWindow", json!({"url": "a.html", "param": "NO"}), 2),
        (
            "pushWindow",
            json!({"url": "a.html", "param": {"transparentTitle": "sometimes"}}),
            2,
        ),
        (
            "pushWindow",
            json!({"url": "a.html", "param": {"titleBarColor": "blue"}}),
            2,
        ),
        ("pushWindow", json!({"url": "a.html", "passData": [1]}), 2),
        ("popWindow", json!("now"), 2),
        ("popTo", json!({}), 2),
        ("popTo", json!({"index": "1"}), 2),
        ("popTo", json!({"urlPattern": ""}), 2),
        ("closeWebview", json!([1]), 2),
        ("exitApp", json!("now"), 2),
        ("setTitle", json!({"title": 7}), 2),
        ("setTitle", json!({"subtitle": "x".repeat(5000)}), 2),
        ("showTitleLoading", json!(5), 2),
        ("hideTitleLoading", json!(true), 2),
        ("setOptionMenu", json!({}), 2),
        ("setOptionMenu", json!({"menus": "Share"}), 2),
        ("setOptionMenu", json!({"title": "Share", "redDot": 100}), 2),
        ("setOptionMenu", json!({"menus": [{"redDot": "1"}]}), 2),
        ("showOptionMenu", json!([1]), 2),
        ("hideOptionMenu", json!("x"), 2),
        ("getStartupParams", json!({"key": "url"}), 2),
        ("getStartupParams", json!({"key": []}), 2),
        ("startApp", json!({}), 2),
        ("startApp", json!({"appId": "news", "param": "url"}), 2),
        (
            "startApp",
            json!({"appId": "news", "closeCurrentApp": "yes"}),
            2,
        ),
        ("setSessionData", json!({}), 2),
        ("setSessionData", json!({"data": "user"}), 2),
        ("getSessionData", json!({"keys": "user"}), 2),
    ];
    for api in UNSUPPORTED_APIS {
        rows.push((api, json!({"anything": 1}), 3));
    }
    rows
}

#[test]
fn every_api_refuses_bad_arguments_with_its_code() {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let registry = Registry::with_config(&ApiConfig {
        data_dir: Some(data_dir.path().to_owned()),
        ..ApiConfig::default()
    });
    let table = table();
    let covered: BTreeSet<&str> = table.iter().map(|(api, _, _)| *api).collect();
    let missing: Vec<&str> = registry
        .names()
        .into_iter()
        .filter(|name| !covered.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "APIs without bad-argument cases: {missing:?}"
    );

    // uploadFile's bad cases need a file that exists.
    let usr = data_dir.path().join("files/bad-args/usr");
    std::fs::create_dir_all(&usr).expect("area");
    std::fs::write(usr.join("a.txt"), "a").expect("file");

    for dialect in [Dialect::Alipay, Dialect::Wechat] {
        let caller = Caller {
            dialect,
            domains: Arc::from([URL.to_owned()]),
            ..Caller::new("bad-args", 1, "logic")
        };
        for (api, params, code) in &table {
            let shown: String = params.to_string().chars().take(80).collect();
            let result = call_registry(&registry, &caller, api, params.clone());
            let error = result.expect_err(&format!("{api}({shown}) must fail ({dialect:?})"));
            assert_eq!(
                error.code, *code,
                "{api}({shown}) {dialect:?}: {}",
                error.message
            );
            assert!(!error.message.is_empty());
        }
    }
    // Nothing a bad call was refused for was stored.
    let caller = Caller::new("bad-args", 1, "logic");
    let info = call_registry(&registry, &caller, "getStorageInfoSync", json!({})).expect("info");
    assert_eq!(info["keys"], json!([]));
}
