//! Capsule's webview-side assets: what runs inside the page next to the app's own code.
//!
//! The container UI that native APIs draw over the page (toast, loading, alert, modal,
//! action sheet), and the page host that renders mini-program pages with their built-in
//! components (view, text, button, ...).

/// Script defining `window.__capsuleUi.show(request, uiId)`, which draws a
/// `capsule_jsapi::UiRequest` (in its JSON form) over the page and resolves with the page's
/// answer when a toast or loading has shown, or when the user dismissed an alert, modal or
/// action sheet; navigation bar and tab bar requests (an H5 page has neither) resolve at
/// once. It keeps its markup and styles in a shadow root on a `<capsule-ui>` element, so
/// page styles cannot reach it. `__capsuleUi.answer(uiId, {confirm} | {index})` presses the
/// matching button of an open dialog, as testers' scripted answers do.
pub const CONTAINER_UI_SCRIPT: &str = include_str!("../assets/container-ui.js");

/// Script defining `window.__capsulePageHost.receive(message)`, the webview side of a
/// mini-program page. The bridge hands it every message whose `kind` starts with `mp`:
///
/// - `mpRender` builds the page from virtual DOM nodes inside a `<page>` element (one DOM
///   node per `VNode`, so patch paths are DOM child indices), sets the page CSS and draws the
///   chrome, then answers `mpRendered` after two frames; `mpPatch` applies patch operations
///   and answers `mpRendered` with its `seq`; `mpChrome`, `mpScrollTo`, `mpSetValue`,
///   `mpStartRefresh`, `mpStopRefresh`, and `mpAct` (a test acting as the user, answered
///   by `mpActed`).
/// - User input goes back as `mpEvent` (one per DOM event, at the innermost mini-program
///   element; the runtime does bubbling and catch), `mpTab`, `mpBack`, `mpNavigate`,
///   `mpScroll`, `mpReachBottom` and `mpPullDownRefresh`.
///
/// Built-in component styles are part of the script; they go first in `<head>` with no
/// specificity, so app CSS wins. The phone's chrome (status bar, navigation bar, menu
/// button, tab bar, home indicator, pull-down refresh) lives in a shadow root on a
/// `<capsule-chrome>` element outside `<page>`, drawn where the chrome JSON says. The page
/// shows no scrollbars, as on a phone. Until the first `mp*` message the script does
/// nothing, so H5 pages are unaffected.
///
/// Both scripts use one `FONT_STACK`: the platforms' system fonts, PingFang SC / Noto Sans
/// CJK SC for Chinese, and Noto Color Emoji.
pub const PAGE_HOST_SCRIPT: &str = include_str!("../assets/page-host.js");

#[cfg(test)]
mod tests {
    use super::*;

    /// The `FONT_STACK` literal of a script.
    fn font_stack(script: &str) -> &str {
        let start = script
            .find("const FONT_STACK = `")
            .expect("defines FONT_STACK")
            + 20;
        let length = script[start..].find('`').expect("closed");
        &script[start..start + length]
    }

    #[test]
    fn the_page_host_and_the_container_ui_use_one_font_stack() {
        let stack = font_stack(PAGE_HOST_SCRIPT);
        assert_eq!(font_stack(CONTAINER_UI_SCRIPT), stack);
        // The platforms' system fonts first, CJK, then colour emoji before the generic.
        for (earlier, later) in [
            ("-apple-system", "\"PingFang SC\""),
            ("\"PingFang SC\"", "\"Noto Sans CJK SC\""),
            ("\"Noto Sans CJK SC\"", "\"Noto Color Emoji\""),
            ("\"Noto Color Emoji\"", "sans-serif"),
        ] {
            let at = |name: &str| {
                stack
                    .find(name)
                    .unwrap_or_else(|| panic!("{name} in {stack}"))
            };
            assert!(at(earlier) < at(later), "{earlier} before {later}: {stack}");
        }
    }
}
