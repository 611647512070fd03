//! The first built-in APIs: system facts and the clipboard.

use serde_json::json;

use crate::{ApiCall, ApiError, ApiResult, Args, Permission, Registry};

/// Longest clipboard text accepted, in bytes.
const MAX_CLIPBOARD_BYTES: usize = 1 << 20;

pub(crate) fn register(registry: &mut Registry) {
    registry.register_fn("getSystemInfo", Permission::SYSTEM, get_system_info);
    registry.register_fn("getSystemInfoSync", Permission::SYSTEM, get_system_info);
    registry.register_fn("getClipboard", Permission::CLIPBOARD, get_clipboard);
    registry.register_fn("setClipboard", Permission::CLIPBOARD, set_clipboard);
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
