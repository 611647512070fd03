//! `<page-meta>` and its `<navigation-bar>`: window settings a page's template writes, bound
//! to its data. They apply to the page's window as the APIs they stand for would
//! (`setBackgroundColor`, `setBackgroundTextStyle`, `setNavigationBarTitle`,
//! `setNavigationBarColor`, `show`/`hideNavigationBarLoading`), each time one of them
//! changes. The settings that belong to the page's document (`page-style`, `root-font-size`,
//! `scroll-top`, the scroll and resize events) are the page host's
//! (`components/library/page-meta/`).

use serde_json::json;

use super::Session;
use super::controls::{attr_of, text_of_value};
use crate::miniprogram::config::PageMeta;
use crate::view::{VElement, VNode, truthy};
use capsule_logic::LogicPageId;

impl Session {
    /// Applies what `page`'s `<page-meta>` says now to its window, when it changed since its
    /// last render, and redraws the chrome if the page is shown.
    pub(super) fn follow_page_meta(&mut self, page: LogicPageId) {
        let Some(state) = self.pages.get_mut(&page) else {
            return;
        };
        let Ok(view) = &state.view else {
            return;
        };
        let meta = page_meta(view.tree());
        if meta == state.page_meta {
            return;
        }
        state.window.apply_page_meta(&meta);
        for refusal in &meta.refusals {
            if !state.page_meta.refusals.contains(refusal) {
                tracing::warn!(app = self.app.id(), "{refusal}");
                self.console.push(format!("warn: {refusal}"));
            }
        }
        let loading = meta.loading;
        state.page_meta = meta;
        if self.shown == Some(page) {
            if let Some(loading) = loading {
                self.bar_loading = loading;
            }
            self.send_page(json!({"kind": "mpChrome", "chrome": self.chrome()}));
        }
    }

    /// As the page shown changes: its `<navigation-bar>`'s loading, if it has one, is the
    /// bar's.
    pub(super) fn show_page_meta_loading(&mut self) {
        let shown = self.shown.and_then(|page| self.pages.get(&page));
        if let Some(loading) = shown.and_then(|state| state.page_meta.loading) {
            self.bar_loading = loading;
        }
    }
}

/// What the `<page-meta>` of a page's `tree` sets: the page's first element, whose first
/// element may be a `<navigation-bar>`, as both platforms document them. Either anywhere
/// else sets nothing and says why.
fn page_meta(tree: &[VNode]) -> PageMeta {
    let mut meta = PageMeta::default();
    let first = first_element(tree);
    let page_meta = first.filter(|element| is_builtin(element, "page-meta"));
    if let Some(element) = page_meta {
        let text = |names: &[&str]| {
            attr_of(element, names)
                .map(text_of_value)
                .filter(|value| !value.is_empty())
        };
        meta.background = text(&["background-color", "backgroundColor"]);
        meta.background_top = text(&["background-color-top", "backgroundColorTop"]);
        meta.background_bottom = text(&["background-color-bottom", "backgroundColorBottom"]);
        meta.background_text_style = match text(&["background-text-style", "backgroundTextStyle"]) {
            Some(style) if style == "dark" || style == "light" => Some(style),
            Some(style) => {
                meta.refusals.push(format!(
                    "<page-meta background-text-style=\"{style}\">: only dark and light are \
                     drawn"
                ));
                None
            }
            None => None,
        };
        if let Some(bar) =
            first_element(&element.children).filter(|e| is_builtin(e, "navigation-bar"))
        {
            navigation_bar(bar, &mut meta);
        }
    }
    let (metas, bars) = count_meta(tree);
    if metas > usize::from(page_meta.is_some()) {
        meta.refusals.push(
            "<page-meta> is taken only as the first node of a page; the others set nothing".into(),
        );
    }
    let taken_bar = page_meta
        .and_then(|element| first_element(&element.children))
        .is_some_and(|element| is_builtin(element, "navigation-bar"));
    if bars > usize::from(taken_bar) {
        meta.refusals.push(
            "<navigation-bar> is taken only as the first node of the page's <page-meta>; the \
             others set nothing"
                .into(),
        );
    }
    meta
}

/// What a `<navigation-bar>` sets: its title, loading, and colours (the front colour is
/// `#ffffff` or `#000000`, as `setNavigationBarColor` takes it).
fn navigation_bar(bar: &VElement, meta: &mut PageMeta) {
    let text = |names: &[&str]| attr_of(bar, names).map(text_of_value);
    meta.title = text(&["title"]);
    meta.loading = attr_of(bar, &["loading"]).map(truthy);
    meta.bar_background = text(&["background-color", "backgroundColor"]).filter(|c| !c.is_empty());
    match text(&["front-color", "frontColor"]).filter(|c| !c.is_empty()) {
        Some(color) if ["#ffffff", "#000000"].contains(&color.to_ascii_lowercase().as_str()) => {
            meta.bar_front = Some(color.to_ascii_lowercase());
        }
        Some(color) => meta.refusals.push(format!(
            "<navigation-bar front-color=\"{color}\">: the front colour is #ffffff or #000000"
        )),
        None => {}
    }
}

/// The first element among `nodes` (text between them aside).
fn first_element(nodes: &[VNode]) -> Option<&VElement> {
    nodes.iter().find_map(|node| match node {
        VNode::Element(element) => Some(element),
        VNode::Text { .. } => None,
    })
}

/// Whether `element` is the built-in `tag`: an app's own component may take its name
/// (WeChat's project template has a `navigation-bar` component), and then it is the app's.
fn is_builtin(element: &VElement, tag: &str) -> bool {
    element.tag == tag && element.component.is_none()
}

/// How many built-in `<page-meta>` and `<navigation-bar>` elements `tree` has, at any depth.
fn count_meta(tree: &[VNode]) -> (usize, usize) {
    tree.iter().fold((0, 0), |(metas, bars), node| match node {
        VNode::Element(element) => {
            let (inner_metas, inner_bars) = count_meta(&element.children);
            (
                metas + inner_metas + usize::from(is_builtin(element, "page-meta")),
                bars + inner_bars + usize::from(is_builtin(element, "navigation-bar")),
            )
        }
        VNode::Text { .. } => (metas, bars),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn element(tag: &str, attrs: Value, children: Vec<VNode>) -> VNode {
        VNode::Element(VElement {
            tag: tag.into(),
            attrs: serde_json::from_value(attrs).unwrap_or_default(),
            children,
            ..VElement::default()
        })
    }

    #[test]
    fn the_first_page_meta_and_its_first_navigation_bar_set_the_window() {
        let bar = element(
            "navigation-bar",
            json!({"title": "Orders", "loading": true, "front-color": "#FFFFFF", "background-color": "#1677ff"}),
            vec![],
        );
        let tree = [
            VNode::Text {
                text: "\n  ".into(),
            },
            element(
                "page-meta",
                json!({"background-color": "#f0f0f0", "background-text-style": "light", "page-style": "color: red"}),
                vec![bar],
            ),
            element("view", json!({}), vec![]),
        ];
        let meta = page_meta(&tree);
        assert_eq!(meta.title.as_deref(), Some("Orders"));
        assert_eq!(meta.loading, Some(true));
        assert_eq!(meta.bar_front.as_deref(), Some("#ffffff"));
        assert_eq!(meta.bar_background.as_deref(), Some("#1677ff"));
        assert_eq!(meta.background.as_deref(), Some("#f0f0f0"));
        assert_eq!(meta.background_text_style.as_deref(), Some("light"));
        assert!(meta.refusals.is_empty(), "{:?}", meta.refusals);
    }

    #[test]
    fn an_app_component_named_navigation_bar_is_the_apps() {
        let mut custom = VElement {
            tag: "navigation-bar".into(),
            attrs: serde_json::from_value(json!({"title": "Weixin"})).unwrap_or_default(),
            ..VElement::default()
        };
        custom.component = Some("components/navigation-bar/navigation-bar".into());
        let tree = [VNode::Element(custom.clone())];
        assert_eq!(page_meta(&tree), PageMeta::default());
        let tree = [element(
            "page-meta",
            json!({}),
            vec![VNode::Element(custom)],
        )];
        assert_eq!(page_meta(&tree), PageMeta::default());
    }

    #[test]
    fn settings_out_of_place_or_out_of_range_set_nothing_and_say_why() {
        let tree = [
            element("view", json!({}), vec![]),
            element(
                "page-meta",
                json!({"background-color": "#f0f0f0"}),
                vec![element("navigation-bar", json!({"title": "Lost"}), vec![])],
            ),
        ];
        let meta = page_meta(&tree);
        assert_eq!(meta.title, None);
        assert_eq!(meta.background, None);
        assert_eq!(meta.refusals.len(), 2, "{:?}", meta.refusals);

        let tree = [element(
            "page-meta",
            json!({"background-text-style": "grey"}),
            vec![element(
                "navigation-bar",
                json!({"title": "Shop", "front-color": "#ff0000"}),
                vec![],
            )],
        )];
        let meta = page_meta(&tree);
        assert_eq!(meta.title.as_deref(), Some("Shop"));
        assert_eq!(meta.bar_front, None);
        assert_eq!(meta.background_text_style, None);
        assert_eq!(
            meta.refusals,
            [
                "<page-meta background-text-style=\"grey\">: only dark and light are drawn",
                "<navigation-bar front-color=\"#ff0000\">: the front colour is #ffffff or #000000",
            ]
        );
    }
}
