//! What a tap on a `<button open-type>` does, alike headless and in a window (the page host's
//! button reports the tap as `mpOpenType`): what the platforms document where the container
//! can do it, otherwise the event the platform reports when it fails, with a detail saying
//! why, and a console line. Nothing here waits on anything, so a tap never hangs.
//!
//! WeChat (`open-type`): `share` runs the page's `onShareAppMessage({from: "button",
//! target})`; `getPhoneNumber`, `getRealtimePhoneNumber`, `getUserInfo` and `liveActivity`
//! report `getphonenumber`, `getrealtimephonenumber`, `getuserinfo` and
//! `createliveactivity` with `{errMsg: "<name>:fail ..."}` (there is no WeChat user);
//! `openSetting` reports `opensetting` with `{errMsg: "openSetting:ok", authSetting: {}}` (the
//! container never asks the user for a scope, so the settings page lists none);
//! `agreePrivacyAuthorization` reports `agreeprivacyauthorization` (the tap is the user's
//! agreement); `launchApp` reports `error` with `{errMsg: "invalid scene"}`, the value WeChat
//! documents for an app not opened from an app; `contact`, `feedback` and `chooseAvatar`
//! report nothing (their events come back only when the user does something in a page the
//! container does not have, as after a cancel on a phone).
//!
//! Alipay (`open-type`): `share` as WeChat's; `getAuthorize` (`scope` `phoneNumber` or
//! `userInfo`), `contactShare` and `launchApp` report `error` (`onError`) with `{type,
//! errorMessage}`; `lifestyle` reports `followlifestyle` (`onFollowLifestyle`) with
//! `{followStatus: 3}` (3: an error, as Alipay documents it) and the `errorMessage`.

use serde_json::{Value, json};

use super::Session;
use super::controls::{disabled, text_of_value};
use crate::miniprogram::events::ancestry;
use crate::view::{Dialect, NodePath, VElement, VNode, element_at};

/// What a tap on a button with an open-type does.
#[derive(Debug, Clone, PartialEq)]
enum OpenAction {
    /// The page's `onShareAppMessage` runs with this argument.
    Share(Value),
    /// The button reports this event, with this detail; `reason` goes to the console.
    Report {
        event: &'static str,
        detail: Value,
        reason: Option<String>,
    },
    /// Nothing reaches the app; this goes to the console.
    Nothing(String),
}

impl Session {
    /// After a headless tap at `path` of `tree`: the `<button open-type>` around the element
    /// tapped acts, as the page host's button does in a window.
    pub(super) fn tapped_open_type(&mut self, tree: &[VNode], path: &[u32]) {
        let chain = ancestry(tree, path);
        if let Some(depth) = chain.iter().rposition(|el| el.tag == "button")
            && open_type_of(chain[depth]).is_some()
        {
            self.open_type(&path[..=depth]);
        }
    }

    /// The `<button>` at `path` of the shown page was tapped: what its open-type does.
    pub(super) fn open_type(&mut self, path: &[u32]) {
        let Some(tree) = self.shown_tree() else {
            return;
        };
        let Some(button) = element_at(&tree, path).filter(|el| el.tag == "button") else {
            return;
        };
        let Some(open_type) = open_type_of(button).filter(|_| !disabled(button)) else {
            return;
        };
        let button_path: NodePath = path.to_vec();
        match open_action(self.dialect, &open_type, button) {
            OpenAction::Share(arg) => self.page_hook("onShareAppMessage", arg),
            OpenAction::Report {
                event,
                detail,
                reason,
            } => {
                if let Some(reason) = reason {
                    self.open_type_refused(&open_type, &reason);
                }
                self.emit(&button_path, event, detail);
            }
            OpenAction::Nothing(reason) => self.open_type_refused(&open_type, &reason),
        }
    }

    /// Says on the console why a tap on a button of `open_type` did not do what it does on a
    /// phone.
    fn open_type_refused(&mut self, open_type: &str, reason: &str) {
        let line = format!("<button open-type=\"{open_type}\">: {reason}");
        tracing::warn!(app = self.app.id(), "{line}");
        self.console.push(format!("warn: {line}"));
    }
}

/// The button's open-type (`open-type`, or Alipay's `openType`), when it has one.
fn open_type_of(button: &VElement) -> Option<String> {
    ["open-type", "openType"]
        .iter()
        .find_map(|name| button.attrs.get(*name))
        .map(text_of_value)
        .filter(|open_type| !open_type.is_empty())
}

/// What a tap on `button`, of `open_type`, does in `dialect`.
fn open_action(dialect: Dialect, open_type: &str, button: &VElement) -> OpenAction {
    let attr = |name: &str| button.attrs.get(name).map(text_of_value);
    let id = attr("id").unwrap_or_default();
    let report = |event, detail, reason: String| OpenAction::Report {
        event,
        detail,
        reason: Some(reason),
    };
    // WeChat's failure detail, `{errMsg: "<api>:fail <why>"}`.
    let fail = |event, api: &str, why: &str| {
        report(
            event,
            json!({ "errMsg": format!("{api}:fail {why}") }),
            why.to_owned(),
        )
    };
    // Alipay's onError detail, `{type, errorMessage}`.
    let alipay_error = |kind: &str, why: &str| {
        report(
            "error",
            json!({"type": kind, "errorMessage": why}),
            why.to_owned(),
        )
    };
    match (dialect, open_type) {
        (_, "share") => OpenAction::Share(json!({
            "from": "button",
            "target": {"id": id, "dataset": button.dataset},
        })),
        (Dialect::WeChat, "getPhoneNumber") => fail(
            "getphonenumber",
            "getPhoneNumber",
            "the container has no WeChat user, so no phone number to give",
        ),
        (Dialect::WeChat, "getRealtimePhoneNumber") => fail(
            "getrealtimephonenumber",
            "getRealtimePhoneNumber",
            "the container has no WeChat user, so no phone number to verify",
        ),
        (Dialect::WeChat, "getUserInfo") => fail(
            "getuserinfo",
            "getUserInfo",
            "the container has no WeChat user whose information it could give",
        ),
        (Dialect::WeChat, "liveActivity") => fail(
            "createliveactivity",
            "liveActivity",
            "the container has no WeChat service to issue a live activity code",
        ),
        (Dialect::WeChat, "openSetting") => OpenAction::Report {
            event: "opensetting",
            detail: json!({"errMsg": "openSetting:ok", "authSetting": {}}),
            reason: None,
        },
        (Dialect::WeChat, "agreePrivacyAuthorization") => OpenAction::Report {
            event: "agreeprivacyauthorization",
            detail: json!({}),
            reason: None,
        },
        (Dialect::WeChat, "launchApp") => report(
            "error",
            json!({"errMsg": "invalid scene"}),
            "the mini-program was not opened from an app, so there is no app to go back to \
             (error: invalid scene)"
                .to_owned(),
        ),
        (Dialect::WeChat, "contact") => OpenAction::Nothing(
            "the container has no customer service conversation to open; `contact` comes \
             only from a message card tapped in one"
                .to_owned(),
        ),
        (Dialect::WeChat, "feedback") => {
            OpenAction::Nothing("the container has no feedback page to open".to_owned())
        }
        (Dialect::WeChat, "chooseAvatar") => OpenAction::Nothing(
            "the container has no avatar sheet to choose from; `chooseavatar` comes only \
             with a chosen picture"
                .to_owned(),
        ),
        (Dialect::Alipay, "getAuthorize") => match attr("scope").as_deref() {
            Some("phoneNumber") => alipay_error(
                "getAuthorize",
                "the container has no Alipay user, so no phone number to authorize",
            ),
            Some("userInfo") => alipay_error(
                "getAuthorize",
                "the container has no Alipay user whose information it could authorize",
            ),
            Some(scope) if !scope.is_empty() => alipay_error(
                "getAuthorize",
                &format!("scope \"{scope}\" is not one Alipay documents (phoneNumber, userInfo)"),
            ),
            _ => alipay_error(
                "getAuthorize",
                "open-type=\"getAuthorize\" needs a scope (phoneNumber or userInfo)",
            ),
        },
        (Dialect::Alipay, "contactShare") => alipay_error(
            "contactShare",
            "the container has no Alipay contacts to share with",
        ),
        (Dialect::Alipay, "launchApp") => alipay_error(
            "launchApp",
            "the mini-program was not opened from an app, so there is no app to open",
        ),
        (Dialect::Alipay, "lifestyle") => {
            let why = "the container has no Alipay user to follow a lifestyle account";
            report(
                "followlifestyle",
                json!({"followStatus": 3, "errorMessage": why}),
                why.to_owned(),
            )
        }
        (dialect, other) => {
            let platform = match dialect {
                Dialect::WeChat => "WeChat",
                Dialect::Alipay => "Alipay",
            };
            OpenAction::Nothing(format!(
                "\"{other}\" is not an open-type {platform} documents; the tap does nothing more"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(attrs: Value) -> VElement {
        VElement {
            tag: "button".into(),
            attrs: serde_json::from_value(attrs).unwrap_or_default(),
            dataset: serde_json::from_value(json!({"name": "b"})).unwrap_or_default(),
            ..VElement::default()
        }
    }

    fn event_of(action: &OpenAction) -> Option<(&'static str, &Value)> {
        match action {
            OpenAction::Report { event, detail, .. } => Some((event, detail)),
            _ => None,
        }
    }

    /// Each open-type of both dialects does what its platform documents, or reports the
    /// documented event with a failure detail.
    #[test]
    fn open_types_report_what_the_platforms_document() {
        let wechat = |open_type: &str| {
            open_action(
                Dialect::WeChat,
                open_type,
                &button(json!({"id": "go", "open-type": open_type})),
            )
        };
        assert_eq!(
            wechat("share"),
            OpenAction::Share(json!({
                "from": "button", "target": {"id": "go", "dataset": {"name": "b"}},
            }))
        );
        for (open_type, event, prefix) in [
            ("getPhoneNumber", "getphonenumber", "getPhoneNumber:fail "),
            (
                "getRealtimePhoneNumber",
                "getrealtimephonenumber",
                "getRealtimePhoneNumber:fail ",
            ),
            ("getUserInfo", "getuserinfo", "getUserInfo:fail "),
            ("liveActivity", "createliveactivity", "liveActivity:fail "),
        ] {
            let action = wechat(open_type);
            let (got, detail) = event_of(&action).unwrap_or(("none", &Value::Null));
            assert_eq!(got, event, "{open_type}");
            let message = detail["errMsg"].as_str().unwrap_or_default();
            assert!(message.starts_with(prefix), "{open_type}: {message}");
        }
        assert_eq!(
            event_of(&wechat("openSetting")),
            Some((
                "opensetting",
                &json!({"errMsg": "openSetting:ok", "authSetting": {}})
            ))
        );
        assert_eq!(
            event_of(&wechat("launchApp")),
            Some(("error", &json!({"errMsg": "invalid scene"})))
        );
        assert_eq!(
            event_of(&wechat("agreePrivacyAuthorization")),
            Some(("agreeprivacyauthorization", &json!({})))
        );
        for quiet in ["contact", "feedback", "chooseAvatar", "getAuthorize"] {
            assert!(
                matches!(wechat(quiet), OpenAction::Nothing(_)),
                "{quiet} reports nothing under WeChat"
            );
        }

        let alipay = |attrs: Value| {
            let element = button(attrs);
            let open_type = open_type_of(&element).unwrap_or_default();
            open_action(Dialect::Alipay, &open_type, &element)
        };
        let error_type = |action: &OpenAction| {
            event_of(action)
                .filter(|(event, _)| *event == "error")
                .and_then(|(_, detail)| detail["type"].as_str().map(str::to_owned))
        };
        for scope in ["phoneNumber", "userInfo", "email", ""] {
            let action = alipay(json!({"open-type": "getAuthorize", "scope": scope}));
            assert_eq!(
                error_type(&action).as_deref(),
                Some("getAuthorize"),
                "{scope}"
            );
        }
        let action = alipay(json!({"openType": "contactShare"}));
        assert_eq!(error_type(&action).as_deref(), Some("contactShare"));
        let action = alipay(json!({"open-type": "launchApp"}));
        assert_eq!(error_type(&action).as_deref(), Some("launchApp"));
        let action = alipay(json!({"open-type": "lifestyle", "public-id": "2019"}));
        assert_eq!(
            event_of(&action).map(|(event, detail)| (event, detail["followStatus"].clone())),
            Some(("followlifestyle", json!(3)))
        );
        assert!(matches!(
            alipay(json!({"open-type": "share", "id": "s"})),
            OpenAction::Share(_)
        ));
        assert!(matches!(
            alipay(json!({"open-type": "getPhoneNumber"})),
            OpenAction::Nothing(_)
        ));
        assert_eq!(open_type_of(&button(json!({"open-type": ""}))), None);
    }
}
