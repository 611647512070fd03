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
    /// Height of the title (navigation) bar in CSS pixels, below the status bar.
    pub title_bar_height: u32,
    /// The part of the screen no system chrome covers: below the status bar (or notch) and
    /// above the home indicator, in screen coordinates (WeChat's `safeArea`).
    pub safe_area: SafeArea,
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

/// A rectangle of the screen in CSS pixels from its top left corner, in the platforms'
/// `{left, right, top, bottom, width, height}` shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeArea {
    /// Left edge.
    pub left: u32,
    /// Right edge.
    pub right: u32,
    /// Top edge: the top inset (status bar or notch).
    pub top: u32,
    /// Bottom edge: the screen height less the bottom inset (home indicator).
    pub bottom: u32,
    /// `right - left`.
    pub width: u32,
    /// `bottom - top`.
    pub height: u32,
}

impl SafeArea {
    /// The safe area of a `width` × `height` screen whose top `top_inset` and bottom
    /// `bottom_inset` pixels are covered.
    pub fn new(width: u32, height: u32, top_inset: u32, bottom_inset: u32) -> Self {
        let bottom = height.saturating_sub(bottom_inset);
        let top = top_inset.min(bottom);
        Self {
            left: 0,
            right: width,
            top,
            bottom,
            width,
            height: bottom - top,
        }
    }
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
    /// A modal question with a confirm and (optionally) a cancel button; the page answers
    /// `{"confirm": bool}`.
    #[serde(rename_all = "camelCase")]
    Modal {
        /// Bold first line; may be empty.
        title: String,
        /// The message; may be empty.
        content: String,
        /// Whether the cancel button is shown.
        show_cancel: bool,
        /// Label of the confirm button.
        confirm_text: String,
        /// Label of the cancel button.
        cancel_text: String,
    },
    /// A spinner with a message over a mask that blocks the page, until
    /// [`UiRequest::HideLoading`]; answered `{}` at once.
    #[serde(rename_all = "camelCase")]
    Loading {
        /// The text under the spinner; may be empty.
        content: String,
        /// Milliseconds before it shows; a `HideLoading` before then means it never does.
        delay_ms: u64,
    },
    /// Hides the loading spinner, if any; answered `{}`.
    HideLoading,
    /// Hides the toast, if any; answered `{}`.
    HideToast,
    /// A sheet of choices sliding up from the bottom, with a cancel row; the page answers
    /// `{"index": n}`, `-1` when cancelled.
    #[serde(rename_all = "camelCase")]
    ActionSheet {
        /// Text above the choices; may be empty.
        title: String,
        /// The choices, each non-empty.
        items: Vec<String>,
        /// Label of the cancel row.
        cancel_text: String,
    },
    /// The camera's stand-in when the host has no scan source: the user picks a picture of
    /// the code. Answered `{"image": "<the file, base64>"}`, or `{}` when cancelled.
    #[serde(rename_all = "camelCase")]
    ScanImage {
        /// What the sheet says the picture is for (`Scan a QR code or barcode`).
        title: String,
    },
    /// The live camera preview of a scan: a sheet showing the frames [`UiRequest::CameraFrame`]
    /// pushes, with a cancel button. Answered `{"cancel": true}` when the user cancels, `{}`
    /// when [`UiRequest::HideCameraPreview`] closes it.
    #[serde(rename_all = "camelCase")]
    CameraPreview {
        /// What the sheet says (`Scan: aim the camera at the code`).
        title: String,
    },
    /// One frame for the open camera preview: `src` is a small JPEG `data:` URL. Answered
    /// `{}` once drawn (also when no preview is open); the next frame waits for the answer.
    CameraFrame {
        /// `data:image/jpeg;base64,...`, at most 320 pixels wide.
        src: String,
    },
    /// Closes the camera preview, if open; answered `{}`.
    HideCameraPreview,
    /// Changes the page's navigation bar; `None` fields stay as they are. Answered `{}` by
    /// the host (an H5 page has no bar: its title becomes the document title).
    #[serde(rename_all = "camelCase")]
    NavigationBar {
        /// The title text.
        title: Option<String>,
        /// Bar colour, `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`.
        background_color: Option<String>,
        /// Colour of the title and buttons, in the same form.
        front_color: Option<String>,
        /// Whether the bar shows a loading spinner next to the title.
        loading: Option<bool>,
    },
    /// Sets what the tab bar item at `index` shows in its corner; answered `{}` by the host.
    TabBarBadge {
        /// Position of the tab bar item, from 0 on the left.
        index: u32,
        /// What to show.
        badge: TabBadge,
    },
    /// Scrolls the page; answered `{}` by the host.
    #[serde(rename_all = "camelCase")]
    PageScrollTo {
        /// Where the page's top should end up, in CSS pixels from the document top.
        scroll_top: f64,
        /// Length of the scroll animation in milliseconds (0: jump).
        duration_ms: u64,
    },
    /// Starts (`true`) or stops the page's pull-down refresh animation; answered `{}` by the
    /// host.
    PullDownRefresh {
        /// Whether refreshing starts or stops.
        start: bool,
    },
}

/// What a tab bar item shows in its corner.
///
/// JSON: `{"kind": "none"}`, `{"kind": "redDot"}` or `{"kind": "text", "text": "3"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "camelCase")]
pub enum TabBadge {
    /// Nothing.
    None,
    /// A small red dot.
    RedDot,
    /// A red badge with this text.
    Text(String),
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

    /// Draws `request` over page `page` and answers `reply` when it is shown (toast,
    /// loading, page chrome) or dismissed (alert, modal, action sheet) with the page's answer
    /// (see each [`UiRequest`] variant). A host that cannot show it answers with an error.
    fn show_ui(&self, page: u64, request: UiRequest, reply: Reply);

    /// Carries out `request` on the window stack of page `page` (Nebula's H5 window APIs)
    /// and answers `reply` with its result. Hosts without windows keep this default, which
    /// answers that they have none.
    fn window(&self, page: u64, request: crate::window_request::WindowRequest, reply: Reply) {
        let _ = (page, request);
        reply.send(Err(crate::ApiError::unknown("this host has no windows")));
    }

    /// Delivers native event `name` (for example `taskProgress`) to page `page`. Hosts that
    /// cannot deliver events keep this default, which drops them.
    fn send_event(&self, page: u64, name: &str, data: serde_json::Value) {
        let _ = (page, name, data);
    }
}
