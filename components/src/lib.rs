//! Capsule's webview-side assets: what runs inside the page next to the app's own code.
//!
//! So far: the container UI that native APIs draw over the page (toast, loading, alert,
//! modal, action sheet). The built-in mini-program components (view, text, button, ...)
//! join it here.

/// Script defining `window.__capsuleUi.show(request)`, which draws a
/// `capsule_jsapi::UiRequest` (in its JSON form) over the page and resolves with the page's
/// answer when a toast or loading has shown, or when the user dismissed an alert, modal or
/// action sheet; navigation bar and tab bar requests (an H5 page has neither) resolve at
/// once. It keeps its markup and styles in a shadow root on a `<capsule-ui>` element, so
/// page styles cannot reach it.
pub const CONTAINER_UI_SCRIPT: &str = include_str!("../assets/container-ui.js");
