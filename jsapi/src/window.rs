//! Nebula's H5 page APIs: the app's stack of windows (`pushWindow`, `popWindow`, `popTo`,
//! `closeWebview`, `exitApp`), each window's title bar and option menu (`setTitle`,
//! `showTitleLoading`, `setOptionMenu`, ...) and the app-level calls (`getStartupParams`,
//! `startApp`, `setSessionData`, `getSessionData`).
//!
//! Each API reads its arguments into a [`WindowRequest`]; the device carries it out on the
//! window stack of the calling page ([`Device::window`](crate::Device::window)) and answers
//! with the result.

use serde_json::{Map, Value};

use crate::window_request::{
    BackBehavior, MAX_WINDOW_DATA_BYTES, OptionMenuChange, OptionMenuItem, PopTarget, Transparency,
    WindowParams, WindowRequest,
};
use crate::{ApiCall, ApiError, Args, JsApi, Permission, Registry, Reply};

/// Longest title, subtitle or menu title, in bytes.
const MAX_TITLE_BYTES: usize = 1 << 10;
/// Longest URL accepted (a page to push, an icon), in bytes.
const MAX_URL_BYTES: usize = 64 << 10;
/// Most option menu items (the platform draws at most a few; more is a mistake).
const MAX_MENU_ITEMS: usize = 8;
/// Most keys `getSessionData` reads at once.
const MAX_SESSION_KEYS: usize = 1000;
/// Longest session data key, in bytes.
const MAX_KEY_BYTES: usize = 256;

/// Builds a request from a call's arguments.
type Build = fn(&Args<'_>) -> Result<WindowRequest, ApiError>;

pub(crate) fn register(registry: &mut Registry) {
    let window: [(&str, Build); 12] = [
        ("pushWindow", push_window),
        ("popWindow", |args| {
            Ok(WindowRequest::Pop {
                data: data_field(args, "data")?,
            })
        }),
        ("popTo", pop_to),
        ("closeWebview", |_| Ok(WindowRequest::Close)),
        ("exitApp", |_| Ok(WindowRequest::ExitApp)),
        ("setTitle", set_title),
        ("showTitleLoading", |_| {
            Ok(WindowRequest::TitleLoading(true))
        }),
        ("hideTitleLoading", |_| {
            Ok(WindowRequest::TitleLoading(false))
        }),
        ("setOptionMenu", set_option_menu),
        ("showOptionMenu", |_| {
            Ok(WindowRequest::OptionMenu(OptionMenuChange::Visible(true)))
        }),
        ("hideOptionMenu", |_| {
            Ok(WindowRequest::OptionMenu(OptionMenuChange::Visible(false)))
        }),
        ("getStartupParams", startup_params),
    ];
    for (name, build) in window {
        registry.register(
            name,
            WindowApi {
                build,
                permission: Permission::WINDOW,
            },
        );
    }
    let session: [(&str, Build); 2] = [
        ("setSessionData", set_session_data),
        ("getSessionData", get_session_data),
    ];
    for (name, build) in session {
        registry.register(
            name,
            WindowApi {
                build,
                permission: Permission::WINDOW,
            },
        );
    }
    registry.register(
        "startApp",
        WindowApi {
            build: start_app,
            permission: Permission::START_APP,
        },
    );
}

/// A window API: reads its request and has the device carry it out.
struct WindowApi {
    build: Build,
    permission: Permission,
}

impl JsApi for WindowApi {
    fn permission(&self) -> Permission {
        self.permission.clone()
    }

    fn call(&self, call: ApiCall, reply: Reply) {
        match Args::new(&call.api, &call.args).and_then(|args| (self.build)(&args)) {
            Ok(request) => call.device.window(call.caller.page, request, reply),
            Err(error) => reply.send(Err(error)),
        }
    }
}

/// A flag Nebula accepts as a boolean or as `"YES"` / `"NO"` (the startup parameter form).
fn flag(
    args: &Args<'_>,
    object: &Map<String, Value>,
    name: &str,
) -> Result<Option<bool>, ApiError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("yes") => Ok(Some(true)),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("no") => Ok(Some(false)),
        Some(other) => Err(ApiError::invalid_param(format!(
            "{}: '{name}' must be true, false, \"YES\" or \"NO\", got {other}",
            args.api()
        ))),
    }
}

/// A text of `object`, at most [`MAX_TITLE_BYTES`].
fn object_text(
    args: &Args<'_>,
    object: &Map<String, Value>,
    name: &str,
) -> Result<Option<String>, ApiError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.len() <= MAX_TITLE_BYTES => Ok(Some(text.clone())),
        Some(Value::String(_)) => Err(ApiError::invalid_param(format!(
            "{}: '{name}' is longer than {MAX_TITLE_BYTES} bytes",
            args.api()
        ))),
        Some(other) => Err(ApiError::invalid_param(format!(
            "{}: '{name}' must be a string, got {other}",
            args.api()
        ))),
    }
}

/// A colour: `#rrggbb` or `#aarrggbb`, or an ARGB number as Nebula's Android API takes it.
fn colour(
    args: &Args<'_>,
    object: &Map<String, Value>,
    name: &str,
) -> Result<Option<String>, ApiError> {
    let bad = |shown: &dyn std::fmt::Display| {
        ApiError::invalid_param(format!(
            "{}: '{name}' must be a colour such as #1677ff or #ff1677ff, got {shown}",
            args.api()
        ))
    };
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => {
            let argb = number
                .as_i64()
                .filter(|value| (-(1 << 31)..(1 << 32)).contains(value))
                .ok_or_else(|| bad(number))?;
            // The low 24 bits are the colour; Nebula's numbers may carry alpha above them.
            Ok(Some(format!("#{:06x}", argb & 0xff_ffff)))
        }
        Some(Value::String(text)) => {
            let digits = text.strip_prefix('#').unwrap_or_default();
            let hex = digits.chars().all(|c| c.is_ascii_hexdigit());
            match digits.len() {
                6 if hex => Ok(Some(format!("#{}", digits.to_ascii_lowercase()))),
                8 if hex => Ok(Some(format!("#{}", digits[2..].to_ascii_lowercase()))),
                _ => Err(bad(text)),
            }
        }
        Some(other) => Err(bad(other)),
    }
}

/// A JSON value field carried to another page, at most [`MAX_WINDOW_DATA_BYTES`] as JSON;
/// absent is `{}`.
fn data_field(args: &Args<'_>, name: &str) -> Result<Value, ApiError> {
    let Some(value) = args.value(name) else {
        return Ok(Value::Object(Map::new()));
    };
    check_size(args, name, value)?;
    Ok(value.clone())
}

fn check_size(args: &Args<'_>, name: &str, value: &Value) -> Result<(), ApiError> {
    let size = serde_json::to_string(value).map_or(usize::MAX, |json| json.len());
    if size > MAX_WINDOW_DATA_BYTES {
        return Err(ApiError::invalid_param(format!(
            "{}: '{name}' is {size} bytes as JSON, more than {MAX_WINDOW_DATA_BYTES}",
            args.api()
        )));
    }
    Ok(())
}

/// An object field; absent is empty.
fn object_field(args: &Args<'_>, name: &str) -> Result<Map<String, Value>, ApiError> {
    match args.value(name) {
        None => Ok(Map::new()),
        Some(Value::Object(object)) => {
            check_size(args, name, &Value::Object(object.clone()))?;
            Ok(object.clone())
        }
        Some(other) => Err(ApiError::invalid_param(format!(
            "{}: '{name}' must be an object, got {other}",
            args.api()
        ))),
    }
}

/// `pushWindow({url, param, passData})`.
fn push_window(args: &Args<'_>) -> Result<WindowRequest, ApiError> {
    let url = args.str("url", MAX_URL_BYTES)?;
    if url.trim().is_empty() {
        return Err(ApiError::invalid_param("pushWindow: 'url' is empty"));
    }
    let param = object_field(args, "param")?;
    Ok(WindowRequest::Push {
        url: url.to_owned(),
        params: window_params(args, &param)?,
        pass_data: object_field(args, "passData")?,
    })
}

impl WindowParams {
    /// The window parameters among startup parameters `param` (of `startApp`, or of an app
    /// the host opens), defaults for those absent; `api` names the call in errors.
    pub fn from_startup(api: &str, param: &Map<String, Value>) -> Result<Self, ApiError> {
        let params = Value::Null;
        window_params(&Args::new(api, &params)?, param)
    }
}

/// The window parameters among `param`, the `param` object of a call to `args.api()`.
fn window_params(args: &Args<'_>, param: &Map<String, Value>) -> Result<WindowParams, ApiError> {
    let defaults = WindowParams::default();
    let named = |name: &str| {
        object_text(args, param, name).map(|text| text.map(|t| t.to_ascii_lowercase()))
    };
    // Nebula's tables also write YES / NO for always / none.
    let transparent_title = match named("transparentTitle")?.as_deref() {
        None | Some("none" | "no") => Transparency::None,
        Some("always" | "yes") => Transparency::Always,
        Some("auto") => Transparency::Auto,
        Some(other) => {
            return Err(ApiError::invalid_param(format!(
                "{}: 'transparentTitle' must be always, auto or none, got '{other}'",
                args.api()
            )));
        }
    };
    let back_behavior = match named("backBehavior")?.as_deref() {
        None | Some("pop" | "auto") => BackBehavior::Pop,
        Some("back") => BackBehavior::Back,
        Some(other) => {
            return Err(ApiError::invalid_param(format!(
                "{}: 'backBehavior' must be pop, back or auto, got '{other}'",
                args.api()
            )));
        }
    };
    Ok(WindowParams {
        default_title: object_text(args, param, "defaultTitle")?.unwrap_or_default(),
        show_title_bar: flag(args, param, "showTitleBar")?.unwrap_or(defaults.show_title_bar),
        transparent_title,
        title_bar_color: colour(args, param, "titleBarColor")?,
        read_title: flag(args, param, "readTitle")?.unwrap_or(defaults.read_title),
        show_option_menu: flag(args, param, "showOptionMenu")?.unwrap_or(defaults.show_option_menu),
        back_behavior,
    })
}

/// `popTo({index})` or `popTo({urlPattern})`, with optional `data`.
fn pop_to(args: &Args<'_>) -> Result<WindowRequest, ApiError> {
    let index = match args.value("index") {
        None => None,
        Some(value) => Some(value.as_i64().ok_or_else(|| {
            ApiError::invalid_param(format!("popTo: 'index' must be an integer, got {value}"))
        })?),
    };
    let pattern = args.opt_str("urlPattern", MAX_URL_BYTES)?;
    let target = match (index, pattern) {
        (Some(index), None) => PopTarget::Index(index),
        (None, Some(pattern)) if !pattern.is_empty() => PopTarget::UrlPattern(pattern.to_owned()),
        (None, Some(_)) => return Err(ApiError::invalid_param("popTo: 'urlPattern' is empty")),
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_param(
                "popTo: give either 'index' or 'urlPattern', not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::invalid_param(
                "popTo: missing 'index' or 'urlPattern'",
            ));
        }
    };
    Ok(WindowRequest::PopTo {
        target,
        data: data_field(args, "data")?,
    })
}

/// `setTitle({title, subtitle})`.
fn set_title(args: &Args<'_>) -> Result<WindowRequest, ApiError> {
    let title = args.opt_str("title", MAX_TITLE_BYTES)?.map(str::to_owned);
    let subtitle = args
        .opt_str("subtitle", MAX_TITLE_BYTES)?
        .map(str::to_owned);
    Ok(WindowRequest::SetTitle { title, subtitle })
}

/// `setOptionMenu({title | icon, redDot, color})` for one button, or `{menus: [...]}` for
/// several; `reset: true` goes back to the default button.
fn set_option_menu(args: &Args<'_>) -> Result<WindowRequest, ApiError> {
    let reset = args.opt_bool("reset")?.unwrap_or(false);
    let items = match args.value("menus") {
        None => match args.fields().filter(|whole| {
            ["title", "icon", "icontype"]
                .iter()
                .any(|key| whole.contains_key(*key))
        }) {
            Some(whole) => vec![menu_item(args, whole, "")?],
            None => Vec::new(),
        },
        Some(Value::Array(menus)) => {
            if menus.len() > MAX_MENU_ITEMS {
                return Err(ApiError::invalid_param(format!(
                    "setOptionMenu: at most {MAX_MENU_ITEMS} 'menus', got {}",
                    menus.len()
                )));
            }
            menus
                .iter()
                .enumerate()
                .map(|(index, menu)| match menu {
                    Value::Object(object) => menu_item(args, object, &format!("menus[{index}].")),
                    other => Err(ApiError::invalid_param(format!(
                        "setOptionMenu: 'menus[{index}]' must be an object, got {other}"
                    ))),
                })
                .collect::<Result<_, _>>()?
        }
        Some(other) => {
            return Err(ApiError::invalid_param(format!(
                "setOptionMenu: 'menus' must be an array, got {other}"
            )));
        }
    };
    if items.is_empty() && !reset {
        return Err(ApiError::invalid_param(
            "setOptionMenu: give 'title', 'icon' or 'menus' (or 'reset': true)",
        ));
    }
    Ok(WindowRequest::OptionMenu(OptionMenuChange::Set {
        items,
        reset,
    }))
}

/// One option menu button; `at` names where it came from in error messages.
fn menu_item(
    args: &Args<'_>,
    object: &Map<String, Value>,
    at: &str,
) -> Result<OptionMenuItem, ApiError> {
    let named = |name: &str| format!("{at}{name}");
    let title = object_text(args, object, "title")
        .map_err(|e| renamed(&e, "title", &named("title")))?
        .unwrap_or_default();
    let icon = match object.get("icon") {
        None | Some(Value::Null) => None,
        Some(Value::String(icon)) if !icon.is_empty() && icon.len() <= MAX_URL_BYTES => {
            Some(icon.clone())
        }
        Some(other) => {
            return Err(ApiError::invalid_param(format!(
                "setOptionMenu: '{}' must be a non-empty URL, got {}",
                named("icon"),
                shorten(other)
            )));
        }
    };
    let icon_type = object_text(args, object, "icontype")
        .map_err(|e| renamed(&e, "icontype", &named("icontype")))?
        .filter(|name| !name.is_empty());
    if title.is_empty() && icon.is_none() && icon_type.is_none() {
        return Err(ApiError::invalid_param(format!(
            "setOptionMenu: '{}' needs a 'title', an 'icon' or an 'icontype'",
            at.trim_end_matches('.')
        )));
    }
    // redDot: -1 (or absent) none, 0 a dot, 1-99 a number; a string is shown as it is.
    let red_dot = match object.get("redDot") {
        None | Some(Value::Null) => None,
        Some(Value::Number(number)) => match number.as_i64() {
            Some(-1) => None,
            Some(0) => Some(String::new()),
            Some(count @ 1..=99) => Some(count.to_string()),
            _ => {
                return Err(ApiError::invalid_param(format!(
                    "setOptionMenu: '{}' must be -1, 0 or 1 to 99, got {number}",
                    named("redDot")
                )));
            }
        },
        Some(Value::String(text)) => match text.trim().parse::<i64>() {
            Ok(-1) => None,
            Ok(0) => Some(String::new()),
            _ if text.len() <= 8 => Some(text.clone()),
            _ => {
                return Err(ApiError::invalid_param(format!(
                    "setOptionMenu: '{}' is longer than 8 bytes",
                    named("redDot")
                )));
            }
        },
        Some(other) => {
            return Err(ApiError::invalid_param(format!(
                "setOptionMenu: '{}' must be a number or a string, got {other}",
                named("redDot")
            )));
        }
    };
    let color = colour(args, object, "color").map_err(|e| renamed(&e, "color", &named("color")))?;
    Ok(OptionMenuItem {
        title,
        icon,
        icon_type,
        red_dot,
        color,
    })
}

/// `error` with the field name `from` in its message replaced by its full path `to`.
fn renamed(error: &ApiError, from: &str, to: &str) -> ApiError {
    ApiError::new(
        error.code,
        error
            .message
            .replace(&format!("'{from}'"), &format!("'{to}'")),
    )
}

/// A value for an error message, at most 80 characters.
fn shorten(value: &Value) -> String {
    value.to_string().chars().take(80).collect()
}

/// `getStartupParams({key: [...]})`; without `key`, all of them.
fn startup_params(args: &Args<'_>) -> Result<WindowRequest, ApiError> {
    if args.value("key").is_none() {
        return Ok(WindowRequest::StartupParams(None));
    }
    let keys = args.str_list("key", 1..=MAX_SESSION_KEYS, MAX_KEY_BYTES)?;
    Ok(WindowRequest::StartupParams(Some(
        keys.into_iter().map(str::to_owned).collect(),
    )))
}

/// `startApp({appId, param, closeCurrentApp})`.
fn start_app(args: &Args<'_>) -> Result<WindowRequest, ApiError> {
    let app_id = args.str("appId", 64)?;
    if app_id.is_empty() {
        return Err(ApiError::invalid_param("startApp: 'appId' is empty"));
    }
    Ok(WindowRequest::StartApp {
        app_id: app_id.to_owned(),
        param: object_field(args, "param")?,
        close_current_app: args.opt_bool("closeCurrentApp")?.unwrap_or(false),
    })
}

/// `setSessionData({data: {key: value}})`.
fn set_session_data(args: &Args<'_>) -> Result<WindowRequest, ApiError> {
    match args.value("data") {
        Some(Value::Object(_)) => Ok(WindowRequest::SetSessionData(object_field(args, "data")?)),
        None => Err(ApiError::invalid_param(
            "setSessionData: missing required object 'data'",
        )),
        Some(other) => Err(ApiError::invalid_param(format!(
            "setSessionData: 'data' must be an object, got {}",
            shorten(other)
        ))),
    }
}

/// `getSessionData({keys: [...]})`; without `keys`, all of it.
fn get_session_data(args: &Args<'_>) -> Result<WindowRequest, ApiError> {
    if args.value("keys").is_none() {
        return Ok(WindowRequest::GetSessionData(None));
    }
    let keys = args.str_list("keys", 0..=MAX_SESSION_KEYS, MAX_KEY_BYTES)?;
    Ok(WindowRequest::GetSessionData(Some(
        keys.into_iter().map(str::to_owned).collect(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn build(build: Build, params: &Value) -> Result<WindowRequest, ApiError> {
        Args::new("api", params).and_then(|args| build(&args))
    }

    #[test]
    fn push_window_reads_nebula_params_in_either_form() {
        let request = build(
            push_window,
            &json!({"url": "detail.html?id=3", "param": {
                "defaultTitle": "Detail", "showTitleBar": "NO", "transparentTitle": "always",
                "readTitle": false, "showOptionMenu": "YES", "titleBarColor": 16711680,
            }, "passData": {"from": "list"}}),
        );
        assert_eq!(
            request,
            Ok(WindowRequest::Push {
                url: "detail.html?id=3".into(),
                params: WindowParams {
                    default_title: "Detail".into(),
                    show_title_bar: false,
                    transparent_title: Transparency::Always,
                    title_bar_color: Some("#ff0000".into()),
                    read_title: false,
                    show_option_menu: true,
                    back_behavior: BackBehavior::Pop,
                },
                pass_data: json!({"from": "list"})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            })
        );
        let plain = build(push_window, &json!({"url": "a.html"}));
        assert!(
            matches!(plain, Ok(WindowRequest::Push { params, .. }) if params == WindowParams::default())
        );
    }

    #[test]
    fn bad_window_arguments_are_refused_with_their_name() {
        let cases: [(Build, Value, &str); 9] = [
            (push_window, json!({}), "'url'"),
            (push_window, json!({"url": " "}), "'url' is empty"),
            (
                push_window,
                json!({"url": "a", "param": {"transparentTitle": "x"}}),
                "transparentTitle",
            ),
            (
                push_window,
                json!({"url": "a", "param": {"showTitleBar": 1}}),
                "showTitleBar",
            ),
            (
                push_window,
                json!({"url": "a", "param": []}),
                "'param' must be an object",
            ),
            (pop_to, json!({}), "missing 'index' or 'urlPattern'"),
            (pop_to, json!({"index": 1.5}), "'index' must be an integer"),
            (
                set_option_menu,
                json!({"menus": [{"title": "A"}, {"redDot": 3}]}),
                "'menus[1]' needs a 'title', an 'icon' or an 'icontype'",
            ),
            (
                set_session_data,
                json!({"data": [1]}),
                "'data' must be an object",
            ),
        ];
        for (build_fn, params, expected) in cases {
            let error = build(build_fn, &params).expect_err("refused");
            assert_eq!(error.code, 2, "{params}");
            assert!(
                error.message.contains(expected),
                "{params}: {}",
                error.message
            );
        }
        let huge = "x".repeat(MAX_WINDOW_DATA_BYTES);
        let error = build(push_window, &json!({"url": "a", "passData": {"x": huge}}))
            .expect_err("too large");
        assert!(error.message.contains("more than"), "{}", error.message);
    }

    #[test]
    fn option_menus_read_one_button_or_several() {
        assert_eq!(
            build(
                set_option_menu,
                &json!({"title": "Share", "redDot": "5", "color": "#ffff6600"})
            ),
            Ok(WindowRequest::OptionMenu(OptionMenuChange::Set {
                items: vec![OptionMenuItem {
                    title: "Share".into(),
                    icon: None,
                    icon_type: None,
                    red_dot: Some("5".into()),
                    color: Some("#ff6600".into()),
                }],
                reset: false,
            }))
        );
        let several = build(
            set_option_menu,
            &json!({"menus": [{"title": "A", "redDot": 0}, {"icon": "data:image/png;base64,AA==", "redDot": -1}]}),
        );
        let Ok(WindowRequest::OptionMenu(OptionMenuChange::Set { items, .. })) = several else {
            panic!("{several:?}");
        };
        assert_eq!(items[0].red_dot, Some(String::new()));
        assert_eq!(items[1].red_dot, None);
        assert_eq!(items[1].icon.as_deref(), Some("data:image/png;base64,AA=="));
        assert!(build(set_option_menu, &json!({})).is_err());
        assert_eq!(
            build(set_option_menu, &json!({"reset": true})),
            Ok(WindowRequest::OptionMenu(OptionMenuChange::Set {
                items: Vec::new(),
                reset: true
            }))
        );
    }

    #[test]
    fn pop_to_takes_an_index_or_a_pattern() {
        assert_eq!(
            build(pop_to, &json!({"index": -2, "data": {"ok": true}})),
            Ok(WindowRequest::PopTo {
                target: PopTarget::Index(-2),
                data: json!({"ok": true})
            })
        );
        assert_eq!(
            build(pop_to, &json!({"urlPattern": "list.html"})),
            Ok(WindowRequest::PopTo {
                target: PopTarget::UrlPattern("list.html".into()),
                data: json!({})
            })
        );
        assert!(build(pop_to, &json!({"index": 0, "urlPattern": "a"})).is_err());
    }
}
