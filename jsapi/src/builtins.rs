//! The first built-in APIs: system facts and the clipboard.

use serde_json::json;

use crate::{ApiCall, ApiError, ApiResult, Args, MenuButton, Permission, Registry};

/// Longest clipboard text accepted, in bytes.
const MAX_CLIPBOARD_BYTES: usize = 1 << 20;

pub(crate) fn register(registry: &mut Registry) {
    registry.register_fn("getSystemInfo", Permission::SYSTEM, get_system_info);
    registry.register_fn("getSystemInfoSync", Permission::SYSTEM, get_system_info);
    registry.register_fn("getWindowInfo", Permission::SYSTEM, get_window_info);
    registry.register_fn("getDeviceInfo", Permission::SYSTEM, get_device_info);
    registry.register_fn("getAppBaseInfo", Permission::SYSTEM, get_app_base_info);
    registry.register_fn(
        "getMenuButtonBoundingClientRect",
        Permission::SYSTEM,
        get_menu_button_rect,
    );
    registry.register_fn("getClipboard", Permission::CLIPBOARD, get_clipboard);
    registry.register_fn("setClipboard", Permission::CLIPBOARD, set_clipboard);
}

fn get_system_info(call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    serde_json::to_value(call.device.system_info()).map_err(|e| ApiError::unknown(e.to_string()))
}

/// The window part of `getSystemInfo` (WeChat's newer split of it), with the safe area: the
/// screen below the status bar (or notch) and above the home indicator.
fn get_window_info(call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    let info = call.device.system_info();
    Ok(json!({
        "pixelRatio": info.pixel_ratio,
        "screenWidth": info.screen_width,
        "screenHeight": info.screen_height,
        "windowWidth": info.window_width,
        "windowHeight": info.window_height,
        "statusBarHeight": info.status_bar_height,
        "screenTop": 0,
        "safeArea": info.safe_area,
    }))
}

/// The device part of `getSystemInfo`.
fn get_device_info(call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    let info = call.device.system_info();
    Ok(json!({
        "brand": info.brand,
        "model": info.model,
        "system": info.system,
        "platform": info.platform,
        "pixelRatio": info.pixel_ratio,
    }))
}

/// The app part of `getSystemInfo`: base library, language, client version.
fn get_app_base_info(call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    let info = call.device.system_info();
    Ok(json!({
        "SDKVersion": info.sdk_version,
        "language": info.language,
        "version": info.version,
        "enableDebug": false,
        "theme": "light",
    }))
}

/// Where the platforms' menu button (the "capsule" at the top right) sits: see
/// [`MenuButton::of`], which the window draws it from too. Pages that draw their own
/// navigation bar line it up with this.
fn get_menu_button_rect(call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    let button = MenuButton::of(&call.device.system_info(), call.caller.dialect);
    serde_json::to_value(button).map_err(|e| ApiError::unknown(e.to_string()))
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
