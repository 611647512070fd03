use serde::{Deserialize, Serialize};

use crate::Reply;

/// What the device looks like to an app: the answer of `getSystemInfo`.
///
/// Field names follow the platforms' result shape (`windowWidth`, `pixelRatio`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemInfo {
    /// Device model, e.g. `iPhone 12`.
    pub model: String,
    /// Device brand, e.g. `Apple`.
    pub brand: String,
    /// Physical pixels per CSS pixel.
    pub pixel_ratio: f64,
    /// Width of the page area in CSS pixels.
    pub window_width: u32,
    /// Height of the page area in CSS pixels.
    pub window_height: u32,
    /// Screen width in CSS pixels.
    pub screen_width: u32,
    /// Screen height in CSS pixels.
    pub screen_height: u32,
    /// Height of the status bar in CSS pixels.
    pub status_bar_height: u32,
    /// Height of the title (navigation) bar in CSS pixels.
    pub title_bar_height: u32,
    /// UI language, e.g. `zh-CN`.
    pub language: String,
    /// Version of the container (the platforms' client version).
    pub version: String,
    /// Operating system and version, e.g. `iOS 14.0`.
    pub system: String,
    /// Platform name, e.g. `ios`, `android` or `devtools`.
    pub platform: String,
    /// Version of the mini-program base library this runtime implements.
    #[serde(rename = "SDKVersion")]
    pub sdk_version: String,
}

/// The icon of a toast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToastIcon {
    /// Text only.
    None,
    /// A check mark.
    Success,
    /// A cross, for failures (Alipay `fail`, WeChat `error`).
    Fail,
    /// An exclamation mark (Alipay `exception`).
    Exception,
    /// A spinner (WeChat `loading`).
    Loading,
}

/// Container UI that an API asks the host to draw over the calling page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum UiRequest {
    /// A short message that disappears by itself.
    #[serde(rename_all = "camelCase")]
    Toast {
        /// The text shown.
        content: String,
        /// The icon shown above the text.
        icon: ToastIcon,
        /// How long the toast stays, in milliseconds.
        duration_ms: u64,
    },
    /// A modal message with one button; answered when the user dismisses it.
    #[serde(rename_all = "camelCase")]
    Alert {
        /// Bold first line; may be empty.
        title: String,
        /// The message.
        content: String,
        /// Label of the dismiss button.
        button_text: String,
    },
}

/// The device a call runs on, implemented by each render host.
///
/// Methods are called from whatever thread the bridge runs on; implementations hand work to
/// their UI thread themselves.
pub trait Device: Send + Sync {
    /// The simulated or real device's facts.
    fn system_info(&self) -> SystemInfo;

    /// The clipboard's text.
    fn clipboard_text(&self) -> String;

    /// Replaces the clipboard's text.
    fn set_clipboard_text(&self, text: String);

    /// Draws `request` over page `page` and answers `reply` when it is shown (toast) or
    /// dismissed (alert). A host that cannot show it answers with an error.
    fn show_ui(&self, page: u64, request: UiRequest, reply: Reply);

    /// Delivers native event `name` (for example `taskProgress`) to page `page`. Hosts that
    /// cannot deliver events keep this default, which drops them.
    fn send_event(&self, page: u64, name: &str, data: serde_json::Value) {
        let _ = (page, name, data);
    }
}
