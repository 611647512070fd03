//! The container UI APIs: the request each one sends to the page and the result it shapes
//! from the page's answer. Alipay calls go through a container on `HeadlessHost`, playing the
//! page's container UI script; WeChat calls go straight to the registry, as the mini-program
//! logic layer makes them, on a device that answers like the page would.

mod support;

use std::sync::{Arc, Mutex, PoisonError};

use capsule_jsapi::{
    ApiCall, ApiError, Caller, Device, Dialect, Registry, Reply, SystemInfo, UiRequest,
};
use serde_json::{Value, json};
use support::{Harness, show, ui_requests};

#[test]
fn alipay_dialogs_and_their_answers() {
    let mut harness = Harness::new();
    let page = harness.open("ui-app", &["ui"], &[]);
    let confirm = json!({"title": "Delete?", "content": "It is gone for good.", "confirmButtonText": "Delete", "cancelButtonText": "Keep"});
    let drawn = json!({"type": "modal", "title": "Delete?", "content": "It is gone for good.", "showCancel": true, "confirmText": "Delete", "cancelText": "Keep"});
    assert_eq!(
        show(
            &harness,
            &page,
            "confirm",
            confirm.clone(),
            &drawn,
            json!({"confirm": true})
        ),
        Ok(json!({"confirm": true, "ok": true}))
    );
    assert_eq!(
        show(
            &harness,
            &page,
            "confirm",
            confirm,
            &drawn,
            json!({"confirm": false})
        ),
        Ok(json!({"confirm": false, "ok": false}))
    );
    // Nebula's H5 names for the same dialog, answered with its `ok`.
    let nebula = json!({"title": "Delete?", "message": "It is gone for good.", "okButton": "Delete", "cancelButton": "Keep"});
    assert_eq!(
        show(
            &harness,
            &page,
            "confirm",
            nebula,
            &drawn,
            json!({"confirm": true})
        )
        .map(|result| result["ok"].clone()),
        Ok(json!(true))
    );
    let sheet =
        json!({"title": "Share", "items": ["Copy link", "Save"], "cancelButtonText": "Not now"});
    let drawn = json!({"type": "actionSheet", "title": "Share", "items": ["Copy link", "Save"], "cancelText": "Not now"});
    assert_eq!(
        show(
            &harness,
            &page,
            "showActionSheet",
            sheet.clone(),
            &drawn,
            json!({"index": 1})
        ),
        Ok(json!({"index": 1}))
    );
    assert_eq!(
        show(
            &harness,
            &page,
            "showActionSheet",
            sheet,
            &drawn,
            json!({"index": -1})
        ),
        Ok(json!({"index": -1})),
        "a cancelled sheet still succeeds on Alipay"
    );
    assert_eq!(
        show(
            &harness,
            &page,
            "showToast",
            json!({"content": "Saved", "type": "success"}),
            &json!({"type": "toast", "content": "Saved", "icon": "success", "durationMs": 2000}),
            json!({})
        ),
        Ok(json!({}))
    );
    assert_eq!(
        show(
            &harness,
            &page,
            "hideToast",
            json!({}),
            &json!({"type": "hideToast"}),
            json!({})
        ),
        Ok(json!({}))
    );
    assert_eq!(
        show(
            &harness,
            &page,
            "showLoading",
            json!({"content": "Loading"}),
            &json!({"type": "loading", "content": "Loading", "delayMs": 0}),
            json!({})
        ),
        Ok(json!({}))
    );
    assert_eq!(
        show(
            &harness,
            &page,
            "hideLoading",
            Value::Null,
            &json!({"type": "hideLoading"}),
            json!({})
        ),
        Ok(json!({}))
    );
}

#[test]
fn alipay_page_chrome_requests() {
    let mut harness = Harness::new();
    let page = harness.open("ui-app", &["ui"], &[]);
    let bar = |title: Value, background: Value, front: Value, loading: Value| json!({"type": "navigationBar", "title": title, "backgroundColor": background, "frontColor": front, "loading": loading});
    let badge =
        |index: u32, badge: Value| json!({"type": "tabBarBadge", "index": index, "badge": badge});
    let cases = [
        (
            "setNavigationBar",
            json!({"title": "Orders", "backgroundColor": "#1677FF"}),
            bar(json!("Orders"), json!("#1677ff"), Value::Null, Value::Null),
        ),
        (
            "showNavigationBarLoading",
            json!({}),
            bar(Value::Null, Value::Null, Value::Null, json!(true)),
        ),
        (
            "hideNavigationBarLoading",
            json!({}),
            bar(Value::Null, Value::Null, Value::Null, json!(false)),
        ),
        (
            "setTabBarBadge",
            json!({"index": 1, "text": "12"}),
            badge(1, json!({"kind": "text", "text": "12"})),
        ),
        (
            "removeTabBarBadge",
            json!({"index": 1}),
            badge(1, json!({"kind": "none"})),
        ),
        (
            "showTabBarRedDot",
            json!({"index": 2}),
            badge(2, json!({"kind": "redDot"})),
        ),
        (
            "hideTabBarRedDot",
            json!({"index": 2}),
            badge(2, json!({"kind": "none"})),
        ),
        (
            "pageScrollTo",
            json!({"scrollTop": 240}),
            json!({"type": "pageScrollTo", "scrollTop": 240.0, "durationMs": 0}),
        ),
        (
            "startPullDownRefresh",
            json!({}),
            json!({"type": "pullDownRefresh", "start": true}),
        ),
        (
            "stopPullDownRefresh",
            json!({}),
            json!({"type": "pullDownRefresh", "start": false}),
        ),
    ];
    for (api, params, drawn) in cases {
        assert_eq!(
            show(&harness, &page, api, params, &drawn, json!({})),
            Ok(json!({})),
            "{api}"
        );
    }
}

#[test]
fn ui_needs_the_ui_permission() {
    let mut harness = Harness::new();
    let page = harness.open("no-ui", &["system"], &[]);
    for api in [
        "confirm",
        "showActionSheet",
        "setNavigationBar",
        "pageScrollTo",
    ] {
        assert_eq!(harness.error_code(&page, api, json!({})), 4, "{api}");
    }
    assert!(ui_requests(&harness, &page).is_empty());
}

/// A device that records the UI requests it is given and answers each like the page would,
/// with the next prepared answer.
#[derive(Default)]
struct ScriptedPage {
    drawn: Mutex<Vec<UiRequest>>,
    answers: Mutex<Vec<Value>>,
}

impl Device for ScriptedPage {
    fn system_info(&self) -> SystemInfo {
        capsule_runtime::DeviceProfile::default().system_info()
    }
    fn clipboard_text(&self) -> String {
        String::new()
    }
    fn set_clipboard_text(&self, _text: String) {}
    fn show_ui(&self, _page: u64, request: UiRequest, reply: Reply) {
        self.drawn
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        let answer = if answers.is_empty() {
            json!({})
        } else {
            answers.remove(0)
        };
        reply.send(Ok(answer));
    }
}

/// WeChat calls, made as the logic layer makes them.
struct Wechat {
    registry: Registry,
    device: Arc<ScriptedPage>,
}

impl Wechat {
    fn new() -> Self {
        Self {
            registry: Registry::with_builtins(),
            device: Arc::default(),
        }
    }

    /// Calls `api` with the page answering `answer`; returns the request drawn and the
    /// callback object the app's `success` or `fail` receives.
    fn call(&self, api: &str, params: Value, answer: Value) -> (UiRequest, Result<Value, Value>) {
        self.device
            .answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(answer);
        let (sender, receiver) = std::sync::mpsc::channel();
        let handler = self.registry.get(api).expect("registered");
        let device: Arc<dyn Device> = self.device.clone();
        handler.call(
            ApiCall {
                api: api.to_owned(),
                caller: Caller {
                    dialect: Dialect::Wechat,
                    ..Caller::new("wx-ui", 0, "logic")
                },
                args: params,
                device,
            },
            Reply::new(move |result| {
                let _ = sender.send(result);
            }),
        );
        let result: Result<Value, ApiError> = receiver
            .recv_timeout(support::REPLY_TIMEOUT)
            .expect("answered");
        let drawn = self
            .device
            .drawn
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .expect("a request was drawn");
        (drawn, Dialect::Wechat.settle(api, result))
    }
}

#[test]
fn wechat_modal_and_action_sheet_results() {
    let wx = Wechat::new();
    let (drawn, confirmed) = wx.call(
        "showModal",
        json!({"title": "Pay?", "content": "¥12", "confirmText": "Pay", "cancelText": "Back"}),
        json!({"confirm": true}),
    );
    assert_eq!(
        drawn,
        UiRequest::Modal {
            title: "Pay?".into(),
            content: "¥12".into(),
            show_cancel: true,
            confirm_text: "Pay".into(),
            cancel_text: "Back".into(),
        }
    );
    assert_eq!(
        confirmed,
        Ok(json!({"confirm": true, "cancel": false, "errMsg": "showModal:ok"}))
    );
    let (drawn, cancelled) = wx.call(
        "showModal",
        json!({"content": "Sure?", "showCancel": false}),
        json!({"confirm": false}),
    );
    assert!(matches!(
        drawn,
        UiRequest::Modal {
            show_cancel: false,
            ..
        }
    ));
    assert_eq!(
        cancelled,
        Ok(json!({"confirm": false, "cancel": true, "errMsg": "showModal:ok"}))
    );

    let sheet = json!({"itemList": ["Camera", "Album"], "alertText": "Add a photo"});
    let (drawn, tapped) = wx.call("showActionSheet", sheet.clone(), json!({"index": 1}));
    assert_eq!(
        drawn,
        UiRequest::ActionSheet {
            title: "Add a photo".into(),
            items: vec!["Camera".into(), "Album".into()],
            cancel_text: "Cancel".into(),
        }
    );
    assert_eq!(
        tapped,
        Ok(json!({"tapIndex": 1, "errMsg": "showActionSheet:ok"}))
    );
    let (_, cancelled) = wx.call("showActionSheet", sheet, json!({"index": -1}));
    assert_eq!(
        cancelled,
        Err(json!({"errMsg": "showActionSheet:fail cancel"}))
    );
}

#[test]
fn wechat_toasts_loading_and_chrome() {
    let wx = Wechat::new();
    let (drawn, result) = wx.call(
        "showToast",
        json!({"title": "Failed", "icon": "error", "duration": 3000}),
        json!({}),
    );
    assert_eq!(
        serde_json::to_value(drawn).expect("serializable"),
        json!({"type": "toast", "content": "Failed", "icon": "fail", "durationMs": 3000})
    );
    assert_eq!(result, Ok(json!({"errMsg": "showToast:ok"})));
    let cases = [
        (
            "showLoading",
            json!({"title": "Uploading"}),
            json!({"type": "loading", "content": "Uploading", "delayMs": 0}),
        ),
        ("hideLoading", json!({}), json!({"type": "hideLoading"})),
        ("hideToast", json!({}), json!({"type": "hideToast"})),
        (
            "setNavigationBarTitle",
            json!({"title": "Cart"}),
            json!({"type": "navigationBar", "title": "Cart", "backgroundColor": null, "frontColor": null, "loading": null}),
        ),
        (
            "setNavigationBarColor",
            json!({"frontColor": "#ffffff", "backgroundColor": "#07C160"}),
            json!({"type": "navigationBar", "title": null, "backgroundColor": "#07c160", "frontColor": "#ffffff", "loading": null}),
        ),
        (
            "showNavigationBarLoading",
            json!({}),
            json!({"type": "navigationBar", "title": null, "backgroundColor": null, "frontColor": null, "loading": true}),
        ),
        (
            "setTabBarBadge",
            json!({"index": 0, "text": "new"}),
            json!({"type": "tabBarBadge", "index": 0, "badge": {"kind": "text", "text": "new"}}),
        ),
        (
            "showTabBarRedDot",
            json!({"index": 3}),
            json!({"type": "tabBarBadge", "index": 3, "badge": {"kind": "redDot"}}),
        ),
        (
            "pageScrollTo",
            json!({"scrollTop": 0}),
            json!({"type": "pageScrollTo", "scrollTop": 0.0, "durationMs": 300}),
        ),
        (
            "startPullDownRefresh",
            json!({}),
            json!({"type": "pullDownRefresh", "start": true}),
        ),
    ];
    for (api, params, expected) in cases {
        let (drawn, result) = wx.call(api, params, json!({}));
        assert_eq!(
            serde_json::to_value(drawn).expect("serializable"),
            expected,
            "{api}"
        );
        assert_eq!(result, Ok(json!({"errMsg": format!("{api}:ok")})), "{api}");
    }
}
