//! The first built-in APIs: system facts, clipboard and container UI.

use serde_json::{Value, json};

use crate::{
    ApiCall, ApiError, ApiResult, Args, JsApi, Permission, Registry, Reply, ToastIcon, UiRequest,
};

/// Longest clipboard text accepted, in bytes.
const MAX_CLIPBOARD_BYTES: usize = 1 << 20;
/// Longest text shown in a toast or alert field, in bytes.
const MAX_UI_TEXT_BYTES: usize = 16 << 10;
/// Longest toast duration accepted, in milliseconds.
const MAX_TOAST_MS: u64 = 10 * 60 * 1000;
/// Toast duration when the caller gives none, in milliseconds (both platforms' default).
const DEFAULT_TOAST_MS: u64 = 2000;

pub(crate) fn register(registry: &mut Registry) {
    registry.register_fn("getSystemInfo", Permission::SYSTEM, get_system_info);
    registry.register_fn("getSystemInfoSync", Permission::SYSTEM, get_system_info);
    registry.register_fn("getClipboard", Permission::CLIPBOARD, get_clipboard);
    registry.register_fn("setClipboard", Permission::CLIPBOARD, set_clipboard);
    registry.register("showToast", UiApi(toast_request));
    registry.register("alert", UiApi(alert_request));
}

fn get_system_info(call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    serde_json::to_value(call.device.system_info()).map_err(|e| ApiError::unknown(e.to_string()))
}

fn get_clipboard(call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    Ok(json!({ "text": call.device.clipboard_text() }))
}

fn set_clipboard(call: &ApiCall) -> ApiResult {
    let args = Args::new(&call.api, &call.args)?;
    let text = args.str("text", MAX_CLIPBOARD_BYTES)?;
    call.device.set_clipboard_text(text.to_owned());
    Ok(json!({}))
}

/// An API that turns its arguments into a [`UiRequest`] and answers when the host has
/// shown (or the user has dismissed) it.
struct UiApi(fn(&Args<'_>) -> Result<UiRequest, ApiError>);

impl JsApi for UiApi {
    fn permission(&self) -> Permission {
        Permission::UI
    }

    fn call(&self, call: ApiCall, reply: Reply) {
        let request = Args::new(&call.api, &call.args).and_then(|args| (self.0)(&args));
        match request {
            Ok(request) => call.device.show_ui(call.caller.page, request, reply),
            Err(error) => reply.send(Err(error)),
        }
    }
}

/// `showToast({content, type, duration})`; `type` is `none`, `success`, `fail`,
/// `exception` or `loading`.
fn toast_request(args: &Args<'_>) -> Result<UiRequest, ApiError> {
    let icon = match args.opt_str("type", 32)? {
        None => ToastIcon::None,
        Some(name) => serde_json::from_value(Value::String(name.to_owned())).map_err(|_| {
            ApiError::invalid_param(format!(
                "showToast: 'type' must be none, success, fail, exception or loading, got '{name}'"
            ))
        })?,
    };
    Ok(UiRequest::Toast {
        content: args
            .opt_str("content", MAX_UI_TEXT_BYTES)?
            .unwrap_or_default()
            .to_owned(),
        icon,
        duration_ms: args
            .opt_u64("duration", 0..=MAX_TOAST_MS)?
            .unwrap_or(DEFAULT_TOAST_MS),
    })
}

/// `alert({title, content, buttonText})`; Nebula's `message` and `button` are accepted too.
fn alert_request(args: &Args<'_>) -> Result<UiRequest, ApiError> {
    let text = |primary: &str, alias: &str| -> Result<Option<String>, ApiError> {
        let value = args.opt_str(primary, MAX_UI_TEXT_BYTES)?;
        let value = match value {
            Some(value) => Some(value),
            None => args.opt_str(alias, MAX_UI_TEXT_BYTES)?,
        };
        Ok(value.map(str::to_owned))
    };
    Ok(UiRequest::Alert {
        title: text("title", "title")?.unwrap_or_default(),
        content: text("content", "message")?.unwrap_or_default(),
        button_text: text("buttonText", "button")?.unwrap_or_else(|| "OK".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn toast_arguments_are_checked() {
        let ok = json!({"content": "Saved", "type": "success", "duration": 1500});
        let args = Args::new("showToast", &ok).expect("object");
        assert_eq!(
            toast_request(&args),
            Ok(UiRequest::Toast {
                content: "Saved".into(),
                icon: ToastIcon::Success,
                duration_ms: 1500
            })
        );
        for bad in [
            json!({"type": "sparkles"}),
            json!({"duration": -5}),
            json!({"content": 1}),
        ] {
            let args = Args::new("showToast", &bad).expect("object");
            assert_eq!(toast_request(&args).map_err(|e| e.code), Err(2), "{bad}");
        }
    }

    #[test]
    fn alert_accepts_nebula_names() {
        let params = json!({"title": "T", "message": "M", "button": "Fine"});
        let args = Args::new("alert", &params).expect("object");
        assert_eq!(
            alert_request(&args),
            Ok(UiRequest::Alert {
                title: "T".into(),
                content: "M".into(),
                button_text: "Fine".into()
            })
        );
    }
}
