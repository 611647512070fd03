//! Container UI APIs of both dialects: toasts, dialogs, loading, action sheets and the page
//! chrome (navigation bar, tab bar badges, scrolling, pull-down refresh). Each API reads its
//! arguments in the caller's dialect into a [`UiRequest`], the device draws it, and the
//! page's answer is shaped for the dialect.

use serde_json::{Value, json};

use crate::{
    ApiCall, ApiError, ApiResult, Args, Dialect, JsApi, Permission, Registry, Reply, TabBadge,
    ToastIcon, UiRequest,
};

/// Longest text shown in any UI field (title, message, button, item), in bytes.
const MAX_UI_TEXT_BYTES: usize = 16 << 10;
/// Longest toast duration accepted, in milliseconds.
const MAX_TOAST_MS: u64 = 10 * 60 * 1000;
/// Longest scroll animation accepted, in milliseconds.
const MAX_SCROLL_MS: u64 = 60 * 1000;
/// Furthest scroll position accepted, in CSS pixels.
const MAX_SCROLL_TOP: f64 = 1e7;
/// Most choices in a WeChat action sheet (the platform's rule).
const MAX_SHEET_ITEMS_WECHAT: usize = 6;
/// Most choices in an Alipay action sheet.
const MAX_SHEET_ITEMS_ALIPAY: usize = 30;
/// Highest tab bar item index: tab bars have two to five items.
const MAX_TAB_INDEX: u64 = 4;
/// Code of a WeChat action sheet the user cancelled (its `errMsg` is `...:fail cancel`).
const CANCELLED: i64 = 10;

/// Label of a confirm button the caller names none for.
const DEFAULT_CONFIRM: &str = "OK";
/// Label of a cancel button the caller names none for.
const DEFAULT_CANCEL: &str = "Cancel";

/// Reads a call's arguments, in the caller's dialect, into the request to draw.
type Build = fn(Dialect, &Args<'_>) -> Result<UiRequest, ApiError>;

pub(crate) fn register(registry: &mut Registry) {
    let apis: [(&str, Build, Answer); 21] = [
        ("showToast", toast, Answer::Done),
        // Nebula's name for it, in Alipay's shape.
        (
            "toast",
            |_, args| toast(Dialect::Alipay, args),
            Answer::Done,
        ),
        ("hideToast", |_, _| Ok(UiRequest::HideToast), Answer::Done),
        ("alert", alert, Answer::Done),
        ("confirm", confirm, Answer::Confirm),
        ("showModal", modal, Answer::Modal),
        ("showLoading", loading, Answer::Done),
        (
            "hideLoading",
            |_, _| Ok(UiRequest::HideLoading),
            Answer::Done,
        ),
        ("showActionSheet", action_sheet, Answer::ActionSheet),
        ("setNavigationBar", navigation_bar, Answer::Done),
        ("setNavigationBarTitle", navigation_bar_title, Answer::Done),
        ("setNavigationBarColor", navigation_bar_color, Answer::Done),
        (
            "showNavigationBarLoading",
            |_, _| Ok(bar_loading(true)),
            Answer::Done,
        ),
        (
            "hideNavigationBarLoading",
            |_, _| Ok(bar_loading(false)),
            Answer::Done,
        ),
        ("setTabBarBadge", tab_bar_badge, Answer::Done),
        (
            "removeTabBarBadge",
            |_, args| tab_badge(args, TabBadge::None),
            Answer::Done,
        ),
        (
            "showTabBarRedDot",
            |_, args| tab_badge(args, TabBadge::RedDot),
            Answer::Done,
        ),
        (
            "hideTabBarRedDot",
            |_, args| tab_badge(args, TabBadge::None),
            Answer::Done,
        ),
        ("pageScrollTo", page_scroll_to, Answer::Done),
        (
            "startPullDownRefresh",
            |_, _| Ok(UiRequest::PullDownRefresh { start: true }),
            Answer::Done,
        ),
        (
            "stopPullDownRefresh",
            |_, _| Ok(UiRequest::PullDownRefresh { start: false }),
            Answer::Done,
        ),
    ];
    for (name, build, answer) in apis {
        registry.register(name, UiApi { build, answer });
    }
}

/// How an API turns the page's answer into its result.
#[derive(Debug, Clone, Copy)]
enum Answer {
    /// `{}`: shown, hidden or dismissed.
    Done,
    /// Alipay `confirm`: `{confirm}`, with Nebula's `ok` beside it.
    Confirm,
    /// WeChat `showModal`: `{confirm, cancel}`.
    Modal,
    /// Alipay `{index}` (-1 when cancelled); WeChat `{tapIndex}`, or a `cancel` failure.
    ActionSheet,
}

impl Answer {
    /// The result for the page's answer. A page whose UI script failed answers `{}`, which
    /// reads as "not confirmed" and "cancelled".
    fn shape(self, dialect: Dialect, page: &Value) -> ApiResult {
        let confirmed = page["confirm"].as_bool().unwrap_or(false);
        match self {
            Self::Done => Ok(json!({})),
            Self::Confirm => Ok(json!({ "confirm": confirmed, "ok": confirmed })),
            Self::Modal => Ok(json!({ "confirm": confirmed, "cancel": !confirmed })),
            Self::ActionSheet => match (dialect, page["index"].as_u64()) {
                (Dialect::Alipay, index) => Ok(json!({ "index": index.map_or(-1, |i| i as i64) })),
                (Dialect::Wechat, Some(index)) => Ok(json!({ "tapIndex": index })),
                (Dialect::Wechat, None) => Err(ApiError::new(CANCELLED, "cancel")),
            },
        }
    }
}

/// A container UI API: builds its request, has the device draw it, shapes the answer.
struct UiApi {
    build: Build,
    answer: Answer,
}

impl JsApi for UiApi {
    fn permission(&self) -> Permission {
        Permission::UI
    }

    fn call(&self, call: ApiCall, reply: Reply) {
        let dialect = call.caller.dialect;
        match Args::new(&call.api, &call.args).and_then(|args| (self.build)(dialect, &args)) {
            Ok(request) => {
                let answer = self.answer;
                let shaped = Reply::new(move |result: ApiResult| {
                    reply.send(result.and_then(|page| answer.shape(dialect, &page)));
                });
                call.device.show_ui(call.caller.page, request, shaped);
            }
            Err(error) => reply.send(Err(error)),
        }
    }
}

/// An optional text field.
fn text(args: &Args<'_>, name: &str) -> Result<Option<String>, ApiError> {
    Ok(args.opt_str(name, MAX_UI_TEXT_BYTES)?.map(str::to_owned))
}

/// A required text field.
fn required_text(args: &Args<'_>, name: &str) -> Result<String, ApiError> {
    Ok(args.str(name, MAX_UI_TEXT_BYTES)?.to_owned())
}

/// Alipay `showToast({content, type, duration})`, `type` one of none (default), success,
/// fail, exception, loading, 2 s by default; WeChat `showToast({title, icon, duration})`,
/// `icon` one of success (default), error, loading, none, 1.5 s by default.
fn toast(dialect: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    let (content, icon_field, default_icon, default_ms) = match dialect {
        Dialect::Alipay => (text(args, "content")?, "type", ToastIcon::None, 2000),
        Dialect::Wechat => (
            Some(required_text(args, "title")?),
            "icon",
            ToastIcon::Success,
            1500,
        ),
    };
    let icon = match (dialect, args.opt_str(icon_field, 32)?) {
        (_, None) => default_icon,
        (_, Some("none")) => ToastIcon::None,
        (_, Some("success")) => ToastIcon::Success,
        (_, Some("loading")) => ToastIcon::Loading,
        (Dialect::Alipay, Some("fail")) | (Dialect::Wechat, Some("error")) => ToastIcon::Fail,
        (Dialect::Alipay, Some("exception")) => ToastIcon::Exception,
        (_, Some(other)) => {
            let allowed = match dialect {
                Dialect::Alipay => "none, success, fail, exception or loading",
                Dialect::Wechat => "success, error, loading or none",
            };
            return Err(ApiError::invalid_param(format!(
                "{}: '{icon_field}' must be {allowed}, got '{other}'",
                args.api()
            )));
        }
    };
    Ok(UiRequest::Toast {
        content: content.unwrap_or_default(),
        icon,
        duration_ms: args
            .opt_u64("duration", 0..=MAX_TOAST_MS)?
            .unwrap_or(default_ms),
    })
}

/// The text field `primary`, else its other name `alias` (Nebula's H5 names for the fields of
/// Alipay's mini-program APIs).
fn either(args: &Args<'_>, primary: &str, alias: &str) -> Result<Option<String>, ApiError> {
    match text(args, primary)? {
        Some(value) => Ok(Some(value)),
        None => text(args, alias),
    }
}

/// `alert({title, content, buttonText})`; Nebula's `message` and `button` are accepted too.
fn alert(_: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    let either = |primary: &str, alias: &str| either(args, primary, alias);
    Ok(UiRequest::Alert {
        title: text(args, "title")?.unwrap_or_default(),
        content: either("content", "message")?.unwrap_or_default(),
        button_text: either("buttonText", "button")?.unwrap_or_else(|| DEFAULT_CONFIRM.into()),
    })
}

/// Alipay `confirm({title, content, confirmButtonText, cancelButtonText})`; Nebula's
/// `message`, `okButton` and `cancelButton` are accepted too.
fn confirm(_: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    let either = |primary: &str, alias: &str| either(args, primary, alias);
    Ok(UiRequest::Modal {
        title: text(args, "title")?.unwrap_or_default(),
        content: either("content", "message")?.unwrap_or_default(),
        show_cancel: true,
        confirm_text: either("confirmButtonText", "okButton")?
            .unwrap_or_else(|| DEFAULT_CONFIRM.into()),
        cancel_text: either("cancelButtonText", "cancelButton")?
            .unwrap_or_else(|| DEFAULT_CANCEL.into()),
    })
}

/// WeChat `showModal({title, content, showCancel = true, cancelText, confirmText})`.
fn modal(_: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    Ok(UiRequest::Modal {
        title: text(args, "title")?.unwrap_or_default(),
        content: text(args, "content")?.unwrap_or_default(),
        show_cancel: args.opt_bool("showCancel")?.unwrap_or(true),
        confirm_text: text(args, "confirmText")?.unwrap_or_else(|| DEFAULT_CONFIRM.into()),
        cancel_text: text(args, "cancelText")?.unwrap_or_else(|| DEFAULT_CANCEL.into()),
    })
}

/// Alipay `showLoading({content, delay})` (Nebula's `text` for `content`); WeChat
/// `showLoading({title})`, where `title` is required.
fn loading(dialect: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    let (content, delay_ms) = match dialect {
        Dialect::Alipay => (
            either(args, "content", "text")?.unwrap_or_default(),
            args.opt_u64("delay", 0..=MAX_TOAST_MS)?.unwrap_or(0),
        ),
        Dialect::Wechat => (required_text(args, "title")?, 0),
    };
    Ok(UiRequest::Loading { content, delay_ms })
}

/// Alipay `showActionSheet({title, items, cancelButtonText})` (at most 30 items); WeChat
/// `showActionSheet({itemList, alertText})` (at most 6).
fn action_sheet(dialect: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    let (title_field, items_field, cancel_field, max_items) = match dialect {
        Dialect::Alipay => (
            "title",
            "items",
            Some("cancelButtonText"),
            MAX_SHEET_ITEMS_ALIPAY,
        ),
        Dialect::Wechat => ("alertText", "itemList", None, MAX_SHEET_ITEMS_WECHAT),
    };
    let items = args.str_list(items_field, 1..=max_items, MAX_UI_TEXT_BYTES)?;
    if let Some(index) = items.iter().position(|item| item.is_empty()) {
        return Err(ApiError::invalid_param(format!(
            "showActionSheet: '{items_field}[{index}]' is empty"
        )));
    }
    let cancel_text = match cancel_field {
        Some(field) => text(args, field)?,
        None => None,
    };
    Ok(UiRequest::ActionSheet {
        title: text(args, title_field)?.unwrap_or_default(),
        items: items.into_iter().map(str::to_owned).collect(),
        cancel_text: cancel_text.unwrap_or_else(|| DEFAULT_CANCEL.into()),
    })
}

/// An optional colour field of API `api`: `#` and 3, 4, 6 or 8 hex digits, lowercased.
fn colour(args: &Args<'_>, api: &str, name: &str) -> Result<Option<String>, ApiError> {
    let Some(value) = args.opt_str(name, 16)? else {
        return Ok(None);
    };
    let digits = value.strip_prefix('#').unwrap_or_default();
    if ![3, 4, 6, 8].contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApiError::invalid_param(format!(
            "{api}: '{name}' must be a hex colour such as #1677ff, got '{value}'"
        )));
    }
    Ok(Some(value.to_ascii_lowercase()))
}

/// Alipay `setNavigationBar({title, backgroundColor, frontColor})`, each optional.
fn navigation_bar(_: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    Ok(UiRequest::NavigationBar {
        title: text(args, "title")?,
        background_color: colour(args, "setNavigationBar", "backgroundColor")?,
        front_color: colour(args, "setNavigationBar", "frontColor")?,
        loading: None,
    })
}

/// WeChat `setNavigationBarTitle({title})`.
fn navigation_bar_title(_: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    Ok(UiRequest::NavigationBar {
        title: Some(required_text(args, "title")?),
        background_color: None,
        front_color: None,
        loading: None,
    })
}

/// WeChat `setNavigationBarColor({frontColor, backgroundColor})`; `frontColor` is `#ffffff`
/// or `#000000` (the platform's rule), both are required.
fn navigation_bar_color(_: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    const API: &str = "setNavigationBarColor";
    let required = |name: &str| {
        colour(args, API, name)?.ok_or_else(|| {
            ApiError::invalid_param(format!("{API}: missing required colour '{name}'"))
        })
    };
    let front = required("frontColor")?;
    if front != "#ffffff" && front != "#000000" {
        return Err(ApiError::invalid_param(format!(
            "{API}: 'frontColor' must be #ffffff or #000000, got '{front}'"
        )));
    }
    Ok(UiRequest::NavigationBar {
        title: None,
        background_color: Some(required("backgroundColor")?),
        front_color: Some(front),
        loading: None,
    })
}

/// `showNavigationBarLoading` / `hideNavigationBarLoading`.
fn bar_loading(loading: bool) -> UiRequest {
    UiRequest::NavigationBar {
        title: None,
        background_color: None,
        front_color: None,
        loading: Some(loading),
    }
}

/// `setTabBarBadge({index, text})`.
fn tab_bar_badge(_: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    tab_badge(args, TabBadge::Text(required_text(args, "text")?))
}

/// A badge change of the tab bar item `index`.
fn tab_badge(args: &Args<'_>, badge: TabBadge) -> Result<UiRequest, ApiError> {
    let index = args.u64("index", 0..=MAX_TAB_INDEX)?;
    // At most MAX_TAB_INDEX, so the cast is exact.
    Ok(UiRequest::TabBarBadge {
        index: index as u32,
        badge,
    })
}

/// `pageScrollTo({scrollTop, duration})`; the animation lasts 0 ms by default on Alipay and
/// 300 ms on WeChat.
fn page_scroll_to(dialect: Dialect, args: &Args<'_>) -> Result<UiRequest, ApiError> {
    let default_ms = match dialect {
        Dialect::Alipay => 0,
        Dialect::Wechat => 300,
    };
    let scroll_top = args
        .opt_f64("scrollTop", 0.0..=MAX_SCROLL_TOP)?
        .ok_or_else(|| {
            ApiError::invalid_param("pageScrollTo: missing required number 'scrollTop'")
        })?;
    Ok(UiRequest::PageScrollTo {
        scroll_top,
        duration_ms: args
            .opt_u64("duration", 0..=MAX_SCROLL_MS)?
            .unwrap_or(default_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: [Dialect; 2] = [Dialect::Alipay, Dialect::Wechat];

    fn build(build: Build, dialect: Dialect, params: &Value) -> Result<UiRequest, ApiError> {
        Args::new("api", params).and_then(|args| build(dialect, &args))
    }

    fn code(build_fn: Build, dialect: Dialect, params: &Value) -> Option<i64> {
        build(build_fn, dialect, params).err().map(|e| e.code)
    }

    #[test]
    fn toasts_read_each_dialects_names() {
        let alipay = json!({"content": "Saved", "type": "fail", "duration": 1000});
        assert_eq!(
            build(toast, Dialect::Alipay, &alipay),
            Ok(UiRequest::Toast {
                content: "Saved".into(),
                icon: ToastIcon::Fail,
                duration_ms: 1000
            })
        );
        assert_eq!(
            build(toast, Dialect::Alipay, &json!({})),
            Ok(UiRequest::Toast {
                content: String::new(),
                icon: ToastIcon::None,
                duration_ms: 2000
            })
        );
        let wechat = json!({"title": "Oops", "icon": "error"});
        assert_eq!(
            build(toast, Dialect::Wechat, &wechat),
            Ok(UiRequest::Toast {
                content: "Oops".into(),
                icon: ToastIcon::Fail,
                duration_ms: 1500
            })
        );
        assert_eq!(
            build(toast, Dialect::Wechat, &json!({"title": "Done"})).map(|r| match r {
                UiRequest::Toast { icon, .. } => icon,
                _ => ToastIcon::None,
            }),
            Ok(ToastIcon::Success)
        );
        for (dialect, bad) in [
            (Dialect::Alipay, json!({"type": "error"})),
            (Dialect::Alipay, json!({"type": "sparkles"})),
            (Dialect::Alipay, json!({"duration": -5})),
            (Dialect::Alipay, json!({"content": 1})),
            (Dialect::Wechat, json!({})),
            (Dialect::Wechat, json!({"title": "x", "icon": "fail"})),
            (
                Dialect::Wechat,
                json!({"title": "x".repeat(MAX_UI_TEXT_BYTES + 1)}),
            ),
        ] {
            assert_eq!(code(toast, dialect, &bad), Some(2), "{dialect:?} {bad}");
        }
    }

    #[test]
    fn alert_accepts_nebula_names() {
        let params = json!({"title": "T", "message": "M", "button": "Fine"});
        assert_eq!(
            build(alert, Dialect::Alipay, &params),
            Ok(UiRequest::Alert {
                title: "T".into(),
                content: "M".into(),
                button_text: "Fine".into()
            })
        );
    }

    #[test]
    fn confirm_and_modal() {
        let params = json!({"title": "T", "content": "C", "confirmButtonText": "Yes", "cancelButtonText": "No"});
        assert_eq!(
            build(confirm, Dialect::Alipay, &params),
            Ok(UiRequest::Modal {
                title: "T".into(),
                content: "C".into(),
                show_cancel: true,
                confirm_text: "Yes".into(),
                cancel_text: "No".into()
            })
        );
        assert_eq!(
            build(
                modal,
                Dialect::Wechat,
                &json!({"content": "C", "showCancel": false})
            ),
            Ok(UiRequest::Modal {
                title: String::new(),
                content: "C".into(),
                show_cancel: false,
                confirm_text: "OK".into(),
                cancel_text: "Cancel".into()
            })
        );
        for dialect in BOTH {
            assert_eq!(code(confirm, dialect, &json!({"title": 5})), Some(2));
            assert_eq!(code(modal, dialect, &json!({"showCancel": "no"})), Some(2));
            assert_eq!(code(modal, dialect, &json!({"confirmText": []})), Some(2));
        }
    }

    #[test]
    fn loading_title_is_required_on_wechat_only() {
        assert_eq!(
            build(loading, Dialect::Alipay, &json!({"content": "Wait"})),
            Ok(UiRequest::Loading {
                content: "Wait".into(),
                delay_ms: 0
            })
        );
        // Nebula's H5 names: `text`, and a delay before it shows.
        assert_eq!(
            build(
                loading,
                Dialect::Alipay,
                &json!({"text": "Wait", "delay": 300})
            ),
            Ok(UiRequest::Loading {
                content: "Wait".into(),
                delay_ms: 300
            })
        );
        assert!(build(loading, Dialect::Alipay, &json!({})).is_ok());
        assert_eq!(
            build(loading, Dialect::Wechat, &json!({"title": "Wait"})),
            Ok(UiRequest::Loading {
                content: "Wait".into(),
                delay_ms: 0
            })
        );
        assert_eq!(code(loading, Dialect::Wechat, &json!({})), Some(2));
        assert_eq!(
            code(loading, Dialect::Wechat, &json!({"content": "Wait"})),
            Some(2)
        );
    }

    #[test]
    fn action_sheets_check_their_items() {
        let alipay =
            json!({"title": "Pick", "items": ["A", "B"], "cancelButtonText": "Never mind"});
        assert_eq!(
            build(action_sheet, Dialect::Alipay, &alipay),
            Ok(UiRequest::ActionSheet {
                title: "Pick".into(),
                items: vec!["A".into(), "B".into()],
                cancel_text: "Never mind".into()
            })
        );
        let wechat = json!({"alertText": "Pick", "itemList": ["A"]});
        assert_eq!(
            build(action_sheet, Dialect::Wechat, &wechat),
            Ok(UiRequest::ActionSheet {
                title: "Pick".into(),
                items: vec!["A".into()],
                cancel_text: "Cancel".into()
            })
        );
        let seven = json!({"items": vec!["x"; 7], "itemList": vec!["x"; 7]});
        assert!(build(action_sheet, Dialect::Alipay, &seven).is_ok());
        assert_eq!(code(action_sheet, Dialect::Wechat, &seven), Some(2));
        assert_eq!(
            code(
                action_sheet,
                Dialect::Alipay,
                &json!({"items": vec!["x"; 31]})
            ),
            Some(2)
        );
        for bad in [
            json!({}),
            json!({"items": [], "itemList": []}),
            json!({"items": "A", "itemList": "A"}),
            json!({"items": ["A", 2], "itemList": ["A", 2]}),
            json!({"items": ["A", ""], "itemList": ["A", ""]}),
        ] {
            for dialect in BOTH {
                assert_eq!(
                    code(action_sheet, dialect, &bad),
                    Some(2),
                    "{dialect:?} {bad}"
                );
            }
        }
    }

    #[test]
    fn navigation_bar_changes() {
        let bar = |title: Option<&str>, background: Option<&str>, front: Option<&str>| {
            UiRequest::NavigationBar {
                title: title.map(str::to_owned),
                background_color: background.map(str::to_owned),
                front_color: front.map(str::to_owned),
                loading: None,
            }
        };
        assert_eq!(
            build(
                navigation_bar,
                Dialect::Alipay,
                &json!({"title": "Home", "backgroundColor": "#FFF"})
            ),
            Ok(bar(Some("Home"), Some("#fff"), None))
        );
        assert_eq!(
            build(
                navigation_bar_title,
                Dialect::Wechat,
                &json!({"title": "Home"})
            ),
            Ok(bar(Some("Home"), None, None))
        );
        assert_eq!(
            build(
                navigation_bar_color,
                Dialect::Wechat,
                &json!({"frontColor": "#FFFFFF", "backgroundColor": "#1677ff"})
            ),
            Ok(bar(None, Some("#1677ff"), Some("#ffffff")))
        );
        for bad in [
            json!({"backgroundColor": "red"}),
            json!({"frontColor": "#12345"}),
            json!({"backgroundColor": "#ggg"}),
            json!({"title": 1}),
        ] {
            assert_eq!(
                code(navigation_bar, Dialect::Alipay, &bad),
                Some(2),
                "{bad}"
            );
        }
        assert_eq!(
            code(navigation_bar_title, Dialect::Wechat, &json!({})),
            Some(2)
        );
        for bad in [
            json!({"frontColor": "#ffffff"}),
            json!({"backgroundColor": "#ffffff"}),
            json!({"frontColor": "#ff0000", "backgroundColor": "#ffffff"}),
            json!({"frontColor": "#000000", "backgroundColor": "url(x)"}),
        ] {
            assert_eq!(
                code(navigation_bar_color, Dialect::Wechat, &bad),
                Some(2),
                "{bad}"
            );
        }
    }

    #[test]
    fn tab_badges_and_scrolling() {
        assert_eq!(
            build(
                tab_bar_badge,
                Dialect::Wechat,
                &json!({"index": 1, "text": "3"})
            ),
            Ok(UiRequest::TabBarBadge {
                index: 1,
                badge: TabBadge::Text("3".into())
            })
        );
        for bad in [
            json!({"text": "3"}),
            json!({"index": 5, "text": "3"}),
            json!({"index": "1", "text": "3"}),
            json!({"index": 1}),
        ] {
            assert_eq!(code(tab_bar_badge, Dialect::Alipay, &bad), Some(2), "{bad}");
        }
        assert_eq!(
            build(
                page_scroll_to,
                Dialect::Alipay,
                &json!({"scrollTop": 120.5})
            ),
            Ok(UiRequest::PageScrollTo {
                scroll_top: 120.5,
                duration_ms: 0
            })
        );
        assert_eq!(
            build(page_scroll_to, Dialect::Wechat, &json!({"scrollTop": 0})),
            Ok(UiRequest::PageScrollTo {
                scroll_top: 0.0,
                duration_ms: 300
            })
        );
        for bad in [
            json!({}),
            json!({"scrollTop": -1}),
            json!({"scrollTop": "10"}),
            json!({"scrollTop": 1, "duration": 1e9}),
        ] {
            assert_eq!(
                code(page_scroll_to, Dialect::Wechat, &bad),
                Some(2),
                "{bad}"
            );
        }
    }

    #[test]
    fn answers_are_shaped_per_dialect() {
        let yes = json!({"confirm": true});
        let no = json!({"confirm": false});
        assert_eq!(
            Answer::Confirm.shape(Dialect::Alipay, &yes),
            Ok(json!({"confirm": true, "ok": true}))
        );
        assert_eq!(
            Answer::Modal.shape(Dialect::Wechat, &no),
            Ok(json!({"confirm": false, "cancel": true}))
        );
        assert_eq!(
            Answer::Modal.shape(Dialect::Wechat, &json!({})),
            Ok(json!({"confirm": false, "cancel": true})),
            "a page that could not draw the modal did not confirm"
        );
        assert_eq!(
            Answer::ActionSheet.shape(Dialect::Alipay, &json!({"index": -1})),
            Ok(json!({"index": -1}))
        );
        assert_eq!(
            Answer::ActionSheet.shape(Dialect::Wechat, &json!({"index": 2})),
            Ok(json!({"tapIndex": 2}))
        );
        let cancelled = Answer::ActionSheet
            .shape(Dialect::Wechat, &json!({"index": -1}))
            .expect_err("cancel fails on WeChat");
        assert_eq!(
            Dialect::Wechat.failure("showActionSheet", &cancelled)["errMsg"],
            "showActionSheet:fail cancel"
        );
        assert_eq!(Answer::Done.shape(Dialect::Alipay, &yes), Ok(json!({})));
    }

    #[test]
    fn request_json_forms() {
        let badge = UiRequest::TabBarBadge {
            index: 2,
            badge: TabBadge::Text("9".into()),
        };
        assert_eq!(
            serde_json::to_value(&badge).ok(),
            Some(
                json!({"type": "tabBarBadge", "index": 2, "badge": {"kind": "text", "text": "9"}})
            )
        );
        assert_eq!(
            serde_json::to_value(TabBadge::RedDot).ok(),
            Some(json!({"kind": "redDot"}))
        );
        assert_eq!(
            serde_json::from_value::<TabBadge>(json!({"kind": "none"})).ok(),
            Some(TabBadge::None)
        );
        assert_eq!(
            serde_json::to_value(UiRequest::HideLoading).ok(),
            Some(json!({"type": "hideLoading"}))
        );
    }
}
