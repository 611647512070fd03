//! System and device APIs through the container's bridge: system info, canIUse, network
//! type, clipboard under both names, recorded device actions, the configured position, and
//! the platform APIs that exist only to fail with "not supported".

mod support;

use capsule_jsapi::{ApiConfig, Caller, Dialect, Position, Registry, UNSUPPORTED_APIS};
use serde_json::json;
use support::{Harness, call_registry};

#[test]
fn system_info_reflects_the_simulated_device() {
    let mut harness = Harness::with(|builder| {
        builder.device(capsule_runtime::DeviceProfile::named("pixel-5").expect("preset"))
    });
    let page = harness.open("sys-app", &["system"], &[]);
    let info = harness
        .call(&page, "getSystemInfoSync", json!({}))
        .expect("info");
    assert_eq!(info["model"], "Pixel 5");
    assert_eq!(info["platform"], "android");
    assert_eq!(info["windowWidth"], 393);
    assert!(info["SDKVersion"].is_string());
    assert_eq!(
        harness.call(&page, "getSystemInfo", json!({})),
        Ok(info.clone())
    );
    // The newer split of the same facts.
    let window = harness
        .call(&page, "getWindowInfo", json!({}))
        .expect("window");
    assert_eq!(window["windowWidth"], info["windowWidth"]);
    assert_eq!(window["safeArea"]["top"], info["statusBarHeight"]);
    assert_eq!(window["safeArea"]["bottom"], 851);
    assert_eq!(window["safeArea"], info["safeArea"]);
    // Android: a 48 px title bar under the status bar.
    assert_eq!(info["titleBarHeight"], 48);
    let device = harness
        .call(&page, "getDeviceInfo", json!({}))
        .expect("device");
    assert_eq!(
        (&device["brand"], &device["model"]),
        (&info["brand"], &info["model"])
    );
    let app = harness
        .call(&page, "getAppBaseInfo", json!({}))
        .expect("app");
    assert_eq!(app["SDKVersion"], info["SDKVersion"]);
    assert_eq!(app["language"], info["language"]);
    // pixel-5: a 24 px status bar, a 48 px title bar with the 87 × 32 button in its middle,
    // 7 px from the right of 393 px.
    let menu = harness
        .call(&page, "getMenuButtonBoundingClientRect", json!({}))
        .expect("menu button");
    assert_eq!(
        menu,
        json!({"width": 87, "height": 32, "top": 32, "bottom": 64, "right": 386, "left": 299})
    );
}

#[test]
fn can_i_use_knows_what_is_registered() {
    let mut harness = Harness::new();
    let page = harness.open("sys-app", &["system"], &[]);
    let can = |name: &str| {
        harness
            .call(&page, "canIUse", json!({"name": name}))
            .expect("answer")["canIUse"]
            .clone()
    };
    assert_eq!(can("request"), json!(true));
    assert_eq!(can("getStorageSync"), json!(true));
    assert_eq!(can("request.object.header"), json!(true));
    assert_eq!(can("wx.setStorage"), json!(true));
    assert_eq!(
        can("openBluetoothAdapter"),
        json!(false),
        "unsupported APIs are not usable"
    );
    assert_eq!(can("teleport"), json!(false));
    assert_eq!(harness.error_code(&page, "canIUse", json!({})), 2);
}

#[test]
fn can_i_use_counts_the_hosts_own_apis() {
    let mut registry = Registry::with_builtins();
    registry.register_fn(
        "hostEcho",
        capsule_jsapi::Permission::custom("echo"),
        |call| Ok(call.args.clone()),
    );
    let mut harness = Harness::with(|builder| builder.registry(registry));
    let page = harness.open("sys-app", &["system"], &[]);
    let answer = harness.call(&page, "canIUse", json!({"name": "hostEcho"}));
    assert_eq!(answer, Ok(json!({"canIUse": true})));
}

#[test]
fn network_type_clipboard_and_recorded_actions() {
    let mut harness = Harness::new();
    let page = harness.open("sys-app", &["system", "clipboard"], &[]);
    assert_eq!(
        harness.call(&page, "getNetworkType", json!({})),
        Ok(json!({"networkType": "WIFI", "networkAvailable": true}))
    );
    harness
        .call(&page, "setClipboardData", json!({"data": "copied"}))
        .expect("set");
    assert_eq!(
        harness.call(&page, "getClipboard", json!({})),
        Ok(json!({"text": "copied"}))
    );
    assert_eq!(
        harness.call(&page, "getClipboardData", json!({})),
        Ok(json!({"data": "copied"}))
    );

    harness
        .call(&page, "vibrateShort", json!({}))
        .expect("vibrate");
    harness
        .call(
            &page,
            "makePhoneCall",
            json!({"phoneNumber": "+86 571 0000"}),
        )
        .expect("call");
    assert_eq!(
        harness.error_code(&page, "makePhoneCall", json!({"phoneNumber": "rm -rf /"})),
        2
    );
    let actions: Vec<_> = harness
        .events(&page)
        .into_iter()
        .filter(|(name, _)| name == "deviceAction")
        .map(|(_, data)| data)
        .collect();
    assert_eq!(
        actions,
        vec![
            json!({"api": "vibrateShort"}),
            json!({"api": "makePhoneCall", "phoneNumber": "+86 571 0000"})
        ]
    );
}

#[test]
fn location_is_the_configured_position() {
    let position = Position {
        latitude: 31.23,
        longitude: 121.47,
        accuracy: 10.0,
    };
    let mut harness = Harness::with(|builder| {
        builder.api_config(ApiConfig {
            position,
            ..ApiConfig::default()
        })
    });
    let page = harness.open("geo-app", &["location"], &[]);
    let here = harness
        .call(&page, "getLocation", json!({"type": "gcj02"}))
        .expect("location");
    assert_eq!(
        (here["latitude"].clone(), here["longitude"].clone()),
        (json!(31.23), json!(121.47))
    );
    let denied = harness.open("no-geo", &["system"], &[]);
    assert_eq!(harness.error_code(&denied, "getLocation", json!({})), 4);
}

#[test]
fn unsupported_platform_apis_fail_clearly_in_both_dialects() {
    let registry = Registry::with_builtins();
    for dialect in [Dialect::Alipay, Dialect::Wechat] {
        let caller = Caller {
            dialect,
            ..Caller::new("app", 1, "logic")
        };
        for api in UNSUPPORTED_APIS {
            let error = call_registry(&registry, &caller, api, json!({})).expect_err(api);
            assert!(error.message.starts_with("not supported"), "{api}: {error}");
            if dialect == Dialect::Wechat {
                let errmsg = dialect.failure(api, &error)["errMsg"]
                    .as_str()
                    .map(str::to_owned);
                assert!(
                    errmsg.is_some_and(|m| m.starts_with(&format!("{api}:fail not supported")))
                );
            }
        }
    }
    let caller = Caller {
        dialect: Dialect::Wechat,
        ..Caller::new("app", 1, "logic")
    };
    assert_eq!(
        call_registry(&registry, &caller, "getNetworkType", json!({})),
        Ok(json!({"networkType": "wifi", "signalStrength": 4}))
    );
}
