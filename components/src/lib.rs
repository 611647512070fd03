//! Capsule's webview-side assets: what runs inside the page next to the app's own code.
//!
//! The container UI that native APIs draw over the page (toast, loading, alert, modal,
//! action sheet), and the page host that renders mini-program pages with their built-in
//! components (view, text, button, ...).
//!
//! Each built-in component is one folder of `library/`: its script and default styles,
//! which the build joins into [`PAGE_HOST_SCRIPT`], and its [`Component`] descriptor
//! (properties, defaults, events), which the template layer and the component reference
//! (`docs/COMPONENTS.md`, [`reference`]) read.

mod descriptor;
mod regions;

pub use descriptor::{Component, Event, Property, PropertyKind, component, components, reference};
pub use regions::region_codes;

/// Script defining `window.__capsuleUi.show(request, uiId)`, which draws a
/// `capsule_jsapi::UiRequest` (in its JSON form) over the page and resolves with the page's
/// answer when a toast or loading has shown, or when the user dismissed an alert, modal or
/// action sheet; navigation bar and tab bar requests (an H5 page has neither) resolve at
/// once. It keeps its markup and styles in a shadow root on a `<capsule-ui>` element, so
/// page styles cannot reach it. `__capsuleUi.answer(uiId, {confirm} | {index})` presses the
/// matching button of an open dialog, as testers' scripted answers do.
pub const CONTAINER_UI_SCRIPT: &str = include_str!("../assets/container-ui.js");

/// The web-view SDK, for every frame of a page: in a frame (never the page itself) it gives
/// an H5 page inside a mini-program's `<web-view>` the platforms' calls to the mini-program
/// (`wx.miniProgram.*`, Alipay `my.postMessage` / `my.onMessage` / routes / `getEnv`),
/// carried to the page host by `window.parent.postMessage`.
pub const WEB_VIEW_SDK_SCRIPT: &str = include_str!("../assets/web-view-sdk.js");

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
/// Built-in component styles (`library/<tag>/<tag>.css`) are part of the script; they go
/// first in `<head>` with no specificity, so app CSS wins. The phone's chrome (status bar, navigation bar, menu
/// button, tab bar, home indicator, pull-down refresh) lives in a shadow root on a
/// `<capsule-chrome>` element outside `<page>`, drawn where the chrome JSON says. The page
/// shows no scrollbars, as on a phone. Until the first `mp*` message the script does
/// nothing, so H5 pages are unaffected.
///
/// Both scripts use one `FONT_STACK`: the platforms' system fonts, PingFang SC / Noto Sans
/// CJK SC for Chinese, and Noto Color Emoji.
pub const PAGE_HOST_SCRIPT: &str = include_str!(concat!(env!("OUT_DIR"), "/page-host.js"));

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

    /// The tags the page host's library scripts `define`.
    fn defined_tags() -> Vec<&'static str> {
        PAGE_HOST_SCRIPT
            .split("\ndefine(\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').expect("closed")])
            .collect()
    }

    #[test]
    fn every_component_the_page_host_defines_is_described_once() {
        let defined = defined_tags();
        assert!(
            defined.contains(&"slider") && defined.contains(&"radio-group"),
            "{defined:?}"
        );
        for tag in &defined {
            let described = components().filter(|c| c.tag == *tag).count();
            assert_eq!(
                described, 1,
                "<{tag}> is defined and described {described} times"
            );
        }
        let mut tags: Vec<&str> = components().map(|c| c.tag).collect();
        let count = tags.len();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), count, "a tag is described twice: {tags:?}");
    }

    #[test]
    fn every_property_has_a_name_and_every_event_a_detail() {
        for component in components() {
            for property in component.properties {
                assert!(
                    !property.names.is_empty(),
                    "<{}> has a nameless property",
                    component.tag
                );
            }
            for event in component.events {
                assert!(
                    !event.name.is_empty() && !event.detail.is_empty(),
                    "<{}>: {event:?}",
                    component.tag
                );
            }
        }
        let slider = component("slider").expect("described");
        assert_eq!(slider.property("showValue"), slider.property("show-value"));
        assert_eq!(slider.property("max").map(|p| p.default), Some("100"));
        assert!(component("no-such-tag").is_none());
    }

    /// `docs/COMPONENTS.md` is what [`reference`] writes; `CAPSULE_WRITE_REFERENCE=1` rewrites it.
    #[test]
    fn the_component_reference_in_docs_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/COMPONENTS.md");
        let expected = reference();
        if std::env::var_os("CAPSULE_WRITE_REFERENCE").is_some() {
            std::fs::write(&path, &expected).expect("docs/COMPONENTS.md written");
        }
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            written == expected,
            "docs/COMPONENTS.md is out of date: run CAPSULE_WRITE_REFERENCE=1 cargo test -p capsule-components"
        );
    }
}
