//! `app.json` and page `.json` window settings of both dialects, and the window chrome
//! (navigation bar, tab bar) they describe.

use serde_json::{Map, Value, json};

use super::MiniProgramError;
use crate::logic::PageBars;
use crate::view::Dialect;

/// The bars the page host draws around each page, at these heights (sent with the chrome).
pub(crate) const BARS: PageBars = PageBars {
    navigation_bar: 44,
    tab_bar: 50,
};

/// What a mini-program's `app.json` says about its pages and window.
#[derive(Debug, Clone)]
pub(crate) struct AppConfig {
    /// Window defaults for every page.
    pub(crate) window: WindowConfig,
    /// The tab bar, when the app has one.
    pub(crate) tab_bar: Option<TabBar>,
    /// App-wide `usingComponents`.
    pub(crate) components: Map<String, Value>,
}

/// Navigation bar and page background settings; `None` leaves the value to whatever is
/// below (app defaults under page settings under API calls).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct WindowConfig {
    pub(crate) title: Option<String>,
    pub(crate) bar_background: Option<String>,
    pub(crate) bar_front: Option<String>,
    pub(crate) background: Option<String>,
    pub(crate) pull_refresh: Option<bool>,
    /// `navigationStyle: "custom"`: the page draws its own bar; the container draws none.
    pub(crate) custom_navigation: Option<bool>,
}

/// The tab bar of `app.json`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TabBar {
    pub(crate) color: String,
    pub(crate) selected_color: String,
    pub(crate) background_color: String,
    pub(crate) border_style: String,
    pub(crate) items: Vec<TabItem>,
}

/// One tab: its page and how it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TabItem {
    pub(crate) page: String,
    pub(crate) text: String,
    pub(crate) icon: Option<String>,
    pub(crate) selected_icon: Option<String>,
}

/// A tab's badge, as the tab bar APIs set it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Badge {
    #[default]
    None,
    RedDot,
    Text(String),
}

impl AppConfig {
    /// Reads `app.json` text (page paths are checked; the logic layer opens them).
    pub(crate) fn parse(text: &str) -> Result<Self, MiniProgramError> {
        let bad = |message: String| MiniProgramError::Config {
            file: "app.json".into(),
            message,
        };
        let root: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let root = root
            .as_object()
            .ok_or_else(|| bad("must be a JSON object".into()))?;
        // The logic layer opens the pages; a list it cannot use is refused here, up front.
        match root.get("pages") {
            Some(Value::Array(list)) if list.is_empty() => {
                return Err(bad("'pages' is empty".into()));
            }
            Some(Value::Array(list)) if list.iter().all(Value::is_string) => {}
            Some(Value::Array(_)) => return Err(bad("'pages' must list strings".into())),
            _ => return Err(bad("'pages' must be a list of page paths".into())),
        }
        let window = root
            .get("window")
            .map(WindowConfig::from_json)
            .unwrap_or_default();
        let tab_bar = match root.get("tabBar") {
            Some(value) => Some(TabBar::from_json(value).map_err(bad)?),
            None => None,
        };
        let components = root
            .get("usingComponents")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        Ok(Self {
            window,
            tab_bar,
            components,
        })
    }

    /// The tab index of page `path`, if it is a tab page.
    pub(crate) fn tab_of(&self, path: &str) -> Option<usize> {
        self.tab_bar
            .as_ref()?
            .items
            .iter()
            .position(|item| item.page == path)
    }
}

impl WindowConfig {
    /// Window keys of both dialects, from `app.json` `window` or a page's `.json`.
    pub(crate) fn from_json(value: &Value) -> Self {
        let text = |keys: &[&str]| {
            keys.iter()
                .find_map(|key| value.get(*key).and_then(Value::as_str))
                .map(str::to_owned)
        };
        let front = text(&["navigationBarTextStyle"]).map(|style| {
            if style == "black" {
                "#000000"
            } else {
                "#ffffff"
            }
            .to_owned()
        });
        let pull_refresh = ["enablePullDownRefresh", "pullRefresh"]
            .iter()
            .find_map(|key| match value.get(*key)? {
                Value::Bool(on) => Some(*on),
                Value::String(s) => Some(s.eq_ignore_ascii_case("yes") || s == "true"),
                _ => None,
            });
        Self {
            title: text(&["navigationBarTitleText", "defaultTitle"]),
            bar_background: text(&["navigationBarBackgroundColor", "titleBarColor"]),
            bar_front: front,
            background: text(&["backgroundColor"]),
            pull_refresh,
            custom_navigation: text(&["navigationStyle"]).map(|style| style == "custom"),
        }
    }

    /// `self` with every value `over` sets replaced.
    pub(crate) fn overlay(&self, over: &Self) -> Self {
        Self {
            title: over.title.clone().or_else(|| self.title.clone()),
            bar_background: over
                .bar_background
                .clone()
                .or_else(|| self.bar_background.clone()),
            bar_front: over.bar_front.clone().or_else(|| self.bar_front.clone()),
            background: over.background.clone().or_else(|| self.background.clone()),
            pull_refresh: over.pull_refresh.or(self.pull_refresh),
            custom_navigation: over.custom_navigation.or(self.custom_navigation),
        }
    }

    /// Applies a navigation bar API request (`{title, backgroundColor, frontColor}`).
    pub(crate) fn apply_request(&mut self, request: &Value) {
        let text = |key: &str| request.get(key).and_then(Value::as_str).map(str::to_owned);
        if let Some(title) = text("title") {
            self.title = Some(title);
        }
        if let Some(color) = text("backgroundColor") {
            self.bar_background = Some(color);
        }
        if let Some(color) = text("frontColor") {
            self.bar_front = Some(color);
        }
    }
}

impl TabBar {
    fn from_json(value: &Value) -> Result<Self, String> {
        let text = |keys: &[&str], default: &str| {
            keys.iter()
                .find_map(|key| value.get(*key).and_then(Value::as_str))
                .unwrap_or(default)
                .to_owned()
        };
        let list = value
            .get("list")
            .or_else(|| value.get("items"))
            .and_then(Value::as_array)
            .ok_or("'tabBar' needs a 'list' (WeChat) or 'items' (Alipay) array")?;
        let items = list
            .iter()
            .map(|item| {
                let field = |keys: &[&str]| {
                    keys.iter()
                        .find_map(|key| item.get(*key).and_then(Value::as_str))
                        .map(|s| s.trim_start_matches('/').to_owned())
                };
                Ok(TabItem {
                    page: field(&["pagePath"]).ok_or("every tab needs a 'pagePath'")?,
                    text: field(&["text", "name"]).unwrap_or_default(),
                    icon: field(&["iconPath", "icon"]),
                    selected_icon: field(&["selectedIconPath", "activeIcon"]),
                })
            })
            .collect::<Result<Vec<_>, &str>>()?;
        if items.is_empty() {
            return Err("'tabBar' lists no tabs".into());
        }
        Ok(Self {
            color: text(&["color", "textColor"], "#7a7e83"),
            selected_color: text(&["selectedColor"], "#1677ff"),
            background_color: text(&["backgroundColor"], "#ffffff"),
            border_style: text(&["borderStyle"], "black"),
            items,
        })
    }
}

/// The window's navigation bar defaults of each platform.
pub(crate) fn default_window(dialect: Dialect) -> WindowConfig {
    let (background, front) = match dialect {
        Dialect::WeChat => ("#000000", "#ffffff"),
        Dialect::Alipay => ("#ffffff", "#000000"),
    };
    WindowConfig {
        title: Some(String::new()),
        bar_background: Some(background.into()),
        bar_front: Some(front.into()),
        background: Some("#ffffff".into()),
        pull_refresh: Some(false),
        custom_navigation: Some(false),
    }
}

/// What the page host draws around a page, as its `Chrome` JSON.
pub(crate) struct ChromeState<'a> {
    pub(crate) origin: &'a str,
    pub(crate) window: &'a WindowConfig,
    pub(crate) loading: bool,
    pub(crate) show_back: bool,
    pub(crate) tab_bar: Option<(&'a TabBar, usize, &'a [Badge])>,
}

impl ChromeState<'_> {
    pub(crate) fn to_json(&self) -> Value {
        let url = |path: &Option<String>| {
            path.as_ref()
                .map(|p| Value::String(format!("{}/{p}", self.origin)))
                .unwrap_or(Value::Null)
        };
        let tab_bar = self.tab_bar.map(|(bar, selected, badges)| {
            let items: Vec<Value> = bar
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let badge = badges.get(i).cloned().unwrap_or_default();
                    json!({
                        "text": item.text,
                        "iconPath": url(&item.icon),
                        "selectedIconPath": url(&item.selected_icon),
                        "badge": match &badge { Badge::Text(t) => Value::String(t.clone()), _ => Value::Null },
                        "redDot": badge == Badge::RedDot,
                    })
                })
                .collect();
            json!({
                "height": BARS.tab_bar,
                "color": bar.color,
                "selectedColor": bar.selected_color,
                "backgroundColor": bar.background_color,
                "borderStyle": bar.border_style,
                "selected": selected,
                "items": items,
            })
        });
        let navigation_bar = (self.window.custom_navigation != Some(true)).then(|| {
            json!({
                "height": BARS.navigation_bar,
                "title": self.window.title.clone().unwrap_or_default(),
                "backgroundColor": self.window.bar_background,
                "frontColor": self.window.bar_front,
                "loading": self.loading,
                "showBack": self.show_back,
            })
        });
        json!({
            "navigationBar": navigation_bar,
            "tabBar": tab_bar,
            "backgroundColor": self.window.background,
            "enablePullDownRefresh": self.window.pull_refresh == Some(true),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_window_and_tab_bar_keys() {
        let wechat = AppConfig::parse(
            r##"{"pages":["pages/a/a","/pages/b/b"],
            "window":{"navigationBarTitleText":"W","navigationBarTextStyle":"black","enablePullDownRefresh":true},
            "tabBar":{"color":"#111","list":[{"pagePath":"pages/a/a","text":"A","iconPath":"i/a.png"}]}}"##,
        )
        .expect("test value");
        assert_eq!(wechat.window.title.as_deref(), Some("W"));
        assert_eq!(wechat.window.bar_front.as_deref(), Some("#000000"));
        assert_eq!(wechat.window.pull_refresh, Some(true));
        let bar = wechat.tab_bar.as_ref().expect("test value");
        assert_eq!(
            (bar.color.as_str(), bar.items[0].text.as_str()),
            ("#111", "A")
        );
        assert_eq!(wechat.tab_of("pages/a/a"), Some(0));

        let alipay = AppConfig::parse(
            r##"{"pages":["pages/a/a"],"window":{"defaultTitle":"A","pullRefresh":"YES"},
            "tabBar":{"textColor":"#222","items":[{"pagePath":"pages/a/a","name":"Home","activeIcon":"x.png"}]}}"##,
        )
        .expect("test value");
        assert_eq!(alipay.window.title.as_deref(), Some("A"));
        assert_eq!(alipay.window.pull_refresh, Some(true));
        let item = &alipay.tab_bar.as_ref().expect("test value").items[0];
        assert_eq!(
            (item.text.as_str(), item.selected_icon.as_deref()),
            ("Home", Some("x.png"))
        );
    }

    #[test]
    fn bad_app_json_is_a_clear_error() {
        for (text, expected) in [
            ("{", "app.json: EOF"),
            ("[]", "must be a JSON object"),
            ("{}", "'pages' must be a list"),
            (r#"{"pages":[]}"#, "'pages' is empty"),
            (r#"{"pages":[1]}"#, "'pages' must list strings"),
            (r#"{"pages":["a"],"tabBar":{}}"#, "'tabBar' needs a 'list'"),
            (r#"{"pages":["a"],"tabBar":{"list":[]}}"#, "lists no tabs"),
            (
                r#"{"pages":["a"],"tabBar":{"list":[{}]}}"#,
                "needs a 'pagePath'",
            ),
        ] {
            let error = AppConfig::parse(text).expect_err("fails").to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn a_custom_navigation_style_draws_no_navigation_bar() {
        let app = default_window(Dialect::WeChat);
        let custom = app.overlay(&WindowConfig::from_json(
            &json!({"navigationStyle": "custom"}),
        ));
        let chrome = |window: &WindowConfig| {
            ChromeState {
                origin: "capsule://a",
                window,
                loading: false,
                show_back: true,
                tab_bar: None,
            }
            .to_json()
        };
        assert_eq!(chrome(&custom)["navigationBar"], Value::Null);
        assert_eq!(chrome(&app)["navigationBar"]["height"], 44);
        let back = custom.overlay(&WindowConfig::from_json(
            &json!({"navigationStyle": "default"}),
        ));
        assert_eq!(chrome(&back)["navigationBar"]["showBack"], true);
    }

    #[test]
    fn page_settings_win_over_app_settings() {
        let app = WindowConfig::from_json(
            &json!({"navigationBarTitleText": "App", "backgroundColor": "#eee"}),
        );
        let page = WindowConfig::from_json(&json!({"navigationBarTitleText": "Page"}));
        let merged = app.overlay(&page);
        assert_eq!(merged.title.as_deref(), Some("Page"));
        assert_eq!(merged.background.as_deref(), Some("#eee"));
    }
}
