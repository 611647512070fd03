//! `app.json` and page `.json` window settings of both dialects, and the window chrome
//! they describe: the phone's status bar, the navigation bar, the menu button (capsule), the
//! tab bar and the home indicator, placed by [`Frame`].

use capsule_jsapi::{Dialect as ApiDialect, MenuButton, NetworkTimeout};
use serde_json::{Map, Value, json};

use super::diagnostic::Diagnostic;
use super::model::MiniProgramError;
use crate::App;
use crate::device::DeviceProfile;
use crate::view::Dialect;
use capsule_logic::PageBars;

/// Height of the tab bar's buttons, above the bottom safe-area inset.
pub(crate) const TAB_BAR_HEIGHT: u32 = 50;

/// The time the status bar shows: fixed, so that screenshots stay the same.
const STATUS_BAR_TIME: &str = "9:41";

/// Where the phone's chrome sits on a simulated device for an app of one dialect, in CSS px:
/// the one source of the numbers the page host draws with, that page styles (`100vh`) are
/// compiled with, and that the logic layer's `getSystemInfo().windowHeight` subtracts. The
/// status bar, title bar, safe area and menu button come from the device's [`SystemInfo`]
/// through [`MenuButton::of`], as `getSystemInfo` and `getMenuButtonBoundingClientRect`
/// answer them.
///
/// [`SystemInfo`]: capsule_jsapi::SystemInfo
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    /// Screen height.
    pub(crate) height: u32,
    /// The status bar at the top of the screen.
    pub(crate) status_bar: u32,
    /// The navigation (title) bar under it.
    pub(crate) title_bar: u32,
    /// The bottom safe-area inset (home indicator).
    pub(crate) safe_bottom: u32,
    /// The menu button, in screen coordinates.
    pub(crate) menu_button: MenuButton,
    /// `ios` or `android`: how the status bar looks.
    pub(crate) platform: &'static str,
    /// Whose menu button is drawn.
    pub(crate) dialect: ApiDialect,
}

impl Frame {
    pub(crate) fn of(profile: &DeviceProfile, dialect: ApiDialect) -> Self {
        let info = profile.system_info();
        Self {
            height: info.screen_height,
            status_bar: info.status_bar_height,
            title_bar: info.title_bar_height,
            safe_bottom: info.screen_height.saturating_sub(info.safe_area.bottom),
            menu_button: MenuButton::of(&info, dialect),
            platform: profile.platform,
            dialect,
        }
    }

    /// What the logic layer subtracts from the screen for `windowHeight`: the status and
    /// navigation bars (unless the page draws under them) and, on tab pages, the tab bar
    /// with the bottom inset under it.
    pub(crate) fn bars(&self) -> PageBars {
        PageBars {
            navigation_bar: self.status_bar + self.title_bar,
            tab_bar: TAB_BAR_HEIGHT + self.safe_bottom,
        }
    }

    /// Where a page with `window` settings starts: under the navigation bar, or at the top
    /// of the screen when it draws its own bar (`navigationStyle: "custom"`) or the bar is
    /// transparent over it (Alipay `transparentTitle`).
    pub(crate) fn page_top(&self, window: &WindowConfig) -> u32 {
        if window.under_title_bar() {
            0
        } else {
            self.bars().navigation_bar
        }
    }

    /// How much of the screen's bottom the tab bar covers (0 on pages without one).
    pub(crate) fn page_bottom(&self, tab_page: bool) -> u32 {
        if tab_page { self.bars().tab_bar } else { 0 }
    }

    /// The page area's height: what `100vh` is in page styles.
    pub(crate) fn page_height(&self, window: &WindowConfig, tab_page: bool) -> u32 {
        self.height
            .saturating_sub(self.page_top(window) + self.page_bottom(tab_page))
    }
}

/// The dialect `app`'s API calls are answered in (the container's choice: WeChat only when
/// the manifest says so).
pub(crate) fn api_dialect(app: &App) -> ApiDialect {
    match app.manifest().dialect {
        Some(capsule_packages::Dialect::Wechat) => ApiDialect::Wechat,
        _ => ApiDialect::Alipay,
    }
}

/// What a mini-program's `app.json` says about its pages and window.
#[derive(Debug, Clone)]
pub(crate) struct AppConfig {
    /// Window defaults for every page.
    pub(crate) window: WindowConfig,
    /// The tab bar, when the app has one.
    pub(crate) tab_bar: Option<TabBar>,
    /// App-wide `usingComponents`.
    pub(crate) components: Map<String, Value>,
    /// The light theme's variables of the `themeLocation` file (WeChat's DarkMode), which
    /// `@name` values in app.json and page json windows stand for.
    pub(crate) theme: Map<String, Value>,
    /// WeChat `networkTimeout`: the default timeouts of `request`, `uploadFile` and
    /// `downloadFile`, in milliseconds (the platform's where it names none).
    pub(crate) network_timeout: NetworkTimeout,
}

/// What a page's `<page-meta>` and `<navigation-bar>` set on its window (read by the
/// session's `page_meta.rs`); `None` where the template leaves a setting out.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PageMeta {
    pub(crate) title: Option<String>,
    pub(crate) loading: Option<bool>,
    pub(crate) bar_front: Option<String>,
    pub(crate) bar_background: Option<String>,
    pub(crate) background: Option<String>,
    pub(crate) background_top: Option<String>,
    pub(crate) background_bottom: Option<String>,
    pub(crate) background_text_style: Option<String>,
    /// Why a setting was not taken, said once per change.
    pub(crate) refusals: Vec<String>,
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
    /// WeChat `backgroundTextStyle`: `dark` or `light` pull-down refresh dots.
    pub(crate) background_text_style: Option<String>,
    /// WeChat `backgroundColorTop`, Alipay `backgroundImageColor` (both fall back to
    /// `backgroundColor`): the window above the page, shown while pulling down.
    pub(crate) background_top: Option<String>,
    /// WeChat `backgroundColorBottom`: the window under the page.
    pub(crate) background_bottom: Option<String>,
    /// Alipay `transparentTitle`: `none`, `always` (the bar is transparent over the page)
    /// or `auto` (transparent at the top, opaque once the page scrolls).
    pub(crate) transparent_title: Option<String>,
    /// Alipay `allowsBounceVertical`: whether the page may be pulled past its top (pull-down
    /// refresh needs it).
    pub(crate) bounce: Option<bool>,
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

/// The `light` variables of the theme file at `location` (a package path; WeChat's
/// DarkMode). The simulated device is in light mode, as `getSystemInfo().theme` says.
fn read_theme(
    location: &str,
    read: &dyn Fn(&str) -> Option<String>,
) -> Result<Map<String, Value>, MiniProgramError> {
    let file = location.trim_start_matches('/').to_owned();
    let bad = |message: String| MiniProgramError::Config {
        file: file.clone(),
        message,
    };
    let text =
        read(&file).ok_or_else(|| bad("not found: app.json names it as themeLocation".into()))?;
    let theme: Value = serde_json::from_str(&text)
        .map_err(|e| MiniProgramError::Source(Diagnostic::of_json(&file, &text, &e)))?;
    match theme.get("light") {
        Some(Value::Object(light)) => Ok(light.clone()),
        _ => Err(bad("needs a \"light\" object of variables".into())),
    }
}

/// Replaces every string `@name` inside `value` with the theme's `name`; a variable the
/// theme does not define is an error naming it.
fn apply_theme(value: &mut Value, theme: &Map<String, Value>) -> Result<(), String> {
    match value {
        Value::String(text) if text.starts_with('@') => {
            let name = &text[1..];
            *value = theme.get(name).cloned().ok_or_else(|| {
                format!("'@{name}' is not a variable of the theme (themeLocation, \"light\")")
            })?;
        }
        Value::Array(items) => {
            for item in items {
                apply_theme(item, theme)?;
            }
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                apply_theme(item, theme)?;
            }
        }
        _ => {}
    }
    Ok(())
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
    /// Reads `app.json` text (page paths are checked; the logic layer opens them); `read`
    /// gives other files of the package as text (the `themeLocation` file).
    pub(crate) fn parse(
        text: &str,
        read: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, MiniProgramError> {
        let bad = |message: String| MiniProgramError::Config {
            file: "app.json".into(),
            message,
        };
        let mut root: Value = serde_json::from_str(text)
            .map_err(|e| MiniProgramError::Source(Diagnostic::of_json("app.json", text, &e)))?;
        let theme = match root.get("themeLocation") {
            None => Map::new(),
            Some(Value::String(location)) => read_theme(location, read)?,
            Some(_) => return Err(bad("'themeLocation' must be a file path".into())),
        };
        let root = root
            .as_object_mut()
            .ok_or_else(|| bad("must be a JSON object".into()))?;
        for key in ["window", "tabBar"] {
            if let Some(value) = root.get_mut(key) {
                apply_theme(value, &theme).map_err(|e| bad(format!("{key}: {e}")))?;
            }
        }
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
        let network_timeout = match root.get("networkTimeout") {
            Some(value) => {
                network_timeout(value).map_err(|e| bad(format!("networkTimeout: {e}")))?
            }
            None => NetworkTimeout::default(),
        };
        Ok(Self {
            window,
            tab_bar,
            components,
            theme,
            network_timeout,
        })
    }

    /// Puts the theme's values in place of the `@name` variables of a page's json window
    /// settings; component paths (`@vant/weapp/...` is a package) are not settings.
    pub(crate) fn apply_theme(&self, page_json: &mut Value) -> Result<(), String> {
        let Value::Object(settings) = page_json else {
            return apply_theme(page_json, &self.theme);
        };
        for (key, value) in settings {
            if !matches!(
                key.as_str(),
                "usingComponents" | "componentPlaceholder" | "componentGenerics"
            ) {
                apply_theme(value, &self.theme)?;
            }
        }
        Ok(())
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

/// app.json `networkTimeout`: `{request, uploadFile, downloadFile, connectSocket}` in
/// milliseconds, each optional (sockets are not supported, their timeout is taken and unused).
fn network_timeout(value: &Value) -> Result<NetworkTimeout, String> {
    let settings = value.as_object().ok_or("must be an object")?;
    let mut timeout = NetworkTimeout::default();
    for (key, value) in settings {
        let ms = value
            .as_u64()
            .filter(|ms| *ms > 0)
            .ok_or_else(|| format!("'{key}' must be a number of milliseconds above 0"))?;
        match key.as_str() {
            "request" => timeout.request_ms = ms,
            "uploadFile" => timeout.upload_ms = ms,
            "downloadFile" => timeout.download_ms = ms,
            "connectSocket" => {}
            other => return Err(format!("unknown key '{other}'")),
        }
    }
    Ok(timeout)
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
        // Alipay writes switches as "YES" / "NO" as often as booleans.
        let switch = |keys: &[&str]| {
            keys.iter().find_map(|key| match value.get(*key)? {
                Value::Bool(on) => Some(*on),
                Value::String(s) => Some(s.eq_ignore_ascii_case("yes") || s == "true"),
                _ => None,
            })
        };
        let one_of = |key: &str, allowed: &[&str]| {
            text(&[key]).filter(|value| allowed.contains(&value.as_str()))
        };
        Self {
            title: text(&["navigationBarTitleText", "defaultTitle"]),
            bar_background: text(&["navigationBarBackgroundColor", "titleBarColor"]),
            bar_front: front,
            background: text(&["backgroundColor"]),
            pull_refresh: switch(&["enablePullDownRefresh", "pullRefresh"]),
            custom_navigation: text(&["navigationStyle"]).map(|style| style == "custom"),
            background_text_style: one_of("backgroundTextStyle", &["dark", "light"]),
            background_top: text(&["backgroundColorTop", "backgroundImageColor"]),
            background_bottom: text(&["backgroundColorBottom"]),
            transparent_title: one_of("transparentTitle", &["none", "always", "auto"]),
            bounce: switch(&["allowsBounceVertical"]),
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
            background_text_style: over
                .background_text_style
                .clone()
                .or_else(|| self.background_text_style.clone()),
            background_top: over
                .background_top
                .clone()
                .or_else(|| self.background_top.clone()),
            background_bottom: over
                .background_bottom
                .clone()
                .or_else(|| self.background_bottom.clone()),
            transparent_title: over
                .transparent_title
                .clone()
                .or_else(|| self.transparent_title.clone()),
            bounce: over.bounce.or(self.bounce),
        }
    }

    /// Whether the page starts at the top of the screen, under where the navigation bar
    /// would be: it draws its own (`navigationStyle: "custom"`) or the bar is transparent
    /// (`transparentTitle` `always` or `auto`).
    pub(crate) fn under_title_bar(&self) -> bool {
        self.custom_navigation == Some(true)
            || matches!(self.transparent_title.as_deref(), Some("always" | "auto"))
    }

    /// Whether pulling the page down refreshes it: enabled, and (Alipay) the page may be
    /// pulled at all.
    pub(crate) fn pulls_to_refresh(&self) -> bool {
        self.pull_refresh == Some(true) && self.bounce != Some(false)
    }

    /// Applies the settings a page's `<page-meta>` gives (those it leaves out stay).
    pub(crate) fn apply_page_meta(&mut self, meta: &PageMeta) {
        let set = |slot: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                slot.clone_from(value);
            }
        };
        set(&mut self.title, &meta.title);
        set(&mut self.bar_front, &meta.bar_front);
        set(&mut self.bar_background, &meta.bar_background);
        set(&mut self.background, &meta.background);
        set(&mut self.background_top, &meta.background_top);
        set(&mut self.background_bottom, &meta.background_bottom);
        set(&mut self.background_text_style, &meta.background_text_style);
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
        background_text_style: Some("dark".into()),
        background_top: None,
        background_bottom: None,
        transparent_title: Some("none".into()),
        bounce: Some(true),
    }
}

/// What the page host draws around a page, as its `Chrome` JSON.
pub(crate) struct ChromeState<'a> {
    pub(crate) origin: &'a str,
    pub(crate) frame: &'a Frame,
    pub(crate) window: &'a WindowConfig,
    pub(crate) loading: bool,
    pub(crate) show_back: bool,
    pub(crate) tab_bar: Option<(&'a TabBar, usize, &'a [Badge])>,
}

impl ChromeState<'_> {
    /// The chrome JSON the page host draws: every position and size in it comes from the
    /// [`Frame`], every colour and text from the window settings.
    pub(crate) fn to_json(&self) -> Value {
        let frame = self.frame;
        let window = self.window;
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
                "height": TAB_BAR_HEIGHT,
                "safeAreaBottom": frame.safe_bottom,
                "color": bar.color,
                "selectedColor": bar.selected_color,
                "backgroundColor": bar.background_color,
                "borderStyle": bar.border_style,
                "selected": selected,
                "items": items,
            })
        });
        let transparent = window
            .transparent_title
            .clone()
            .unwrap_or_else(|| "none".into());
        let navigation_bar = (window.custom_navigation != Some(true)).then(|| {
            json!({
                "top": frame.status_bar,
                "height": frame.title_bar,
                "title": window.title.clone().unwrap_or_default(),
                "backgroundColor": window.bar_background,
                "frontColor": window.bar_front,
                "transparent": transparent,
                "loading": self.loading,
                "showBack": self.show_back,
            })
        });
        let button = frame.menu_button;
        json!({
            "dialect": match frame.dialect {
                ApiDialect::Wechat => "wechat",
                ApiDialect::Alipay => "alipay",
            },
            "platform": frame.platform,
            "statusBar": {
                "height": frame.status_bar,
                "time": STATUS_BAR_TIME,
                // The status bar's text and icons take the navigation bar's front colour,
                // also when the page draws its own bar.
                "frontColor": window.bar_front,
            },
            "navigationBar": navigation_bar,
            "menuButton": {
                "width": button.width,
                "height": button.height,
                "top": button.top,
                "right": button.right,
                "bottom": button.bottom,
                "left": button.left,
                "frontColor": window.bar_front,
            },
            "tabBar": tab_bar,
            "homeIndicator": frame.safe_bottom,
            "pageTop": frame.page_top(window),
            "pageBottom": frame.page_bottom(self.tab_bar.is_some()),
            "backgroundColor": window.background,
            // WeChat's backgroundColor is the window behind the page (seen when pulling
            // down); Alipay's is the page's own background.
            "pageBackgroundColor": match frame.dialect {
                ApiDialect::Wechat => Value::Null,
                ApiDialect::Alipay => json!(window.background),
            },
            "backgroundColorTop": window.background_top.clone().or_else(|| window.background.clone()),
            "backgroundColorBottom": window.background_bottom.clone().or_else(|| window.background.clone()),
            "backgroundTextStyle": window.background_text_style.clone().unwrap_or_else(|| "dark".into()),
            "enablePullDownRefresh": window.pulls_to_refresh(),
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
            &|_| None,
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
            &|_| None,
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

    /// WeChat's DarkMode: `themeLocation` names a file of `light` / `dark` variables that
    /// app.json's window and tabBar (and page json) use as `@name`.
    #[test]
    fn theme_variables_stand_in_for_window_and_tab_bar_values() {
        let theme = r##"{"light": {"navBg": "#F7F7F7", "navText": "black", "icon": "image/a.png"},
                         "dark": {"navBg": "#1F1F1F", "navText": "white", "icon": "image/a_dark.png"}}"##;
        let read = |path: &str| (path == "theme.json").then(|| theme.to_owned());
        let config = AppConfig::parse(
            r#"{"pages":["pages/a/a"], "themeLocation": "theme.json",
                "window": {"navigationBarBackgroundColor": "@navBg", "navigationBarTextStyle": "@navText"},
                "tabBar": {"list": [{"pagePath": "pages/a/a", "text": "A", "iconPath": "@icon"}]}}"#,
            &read,
        )
        .expect("parses");
        assert_eq!(config.window.bar_background.as_deref(), Some("#F7F7F7"));
        assert_eq!(
            config.window.bar_front.as_deref(),
            Some("#000000"),
            "black text"
        );
        let tab = &config.tab_bar.as_ref().expect("tab bar").items[0];
        assert_eq!(tab.icon.as_deref(), Some("image/a.png"));

        let mut page = serde_json::json!({"navigationBarBackgroundColor": "@navBg",
            "usingComponents": {"van-button": "@vant/weapp/button/index"}});
        config.apply_theme(&mut page).expect("known variable");
        assert_eq!(page["navigationBarBackgroundColor"], "#F7F7F7");
        assert_eq!(
            page["usingComponents"]["van-button"], "@vant/weapp/button/index",
            "a scoped npm package is a component path, not a theme variable"
        );
        let mut unknown = serde_json::json!({"backgroundColor": "@nowhere"});
        let error = config
            .apply_theme(&mut unknown)
            .expect_err("unknown variable");
        assert!(error.contains("@nowhere"), "{error}");

        for (app_json, expected) in [
            (
                r#"{"pages":["a"],"themeLocation":"missing.json"}"#,
                "missing.json: not found",
            ),
            (
                r#"{"pages":["a"],"themeLocation":7}"#,
                "'themeLocation' must be",
            ),
            (
                r#"{"pages":["a"],"themeLocation":"theme.json","window":{"backgroundColor":"@nope"}}"#,
                "'@nope'",
            ),
        ] {
            let error = AppConfig::parse(app_json, &read)
                .expect_err("fails")
                .to_string();
            assert!(error.contains(expected), "{app_json}: {error}");
        }
    }

    #[test]
    fn network_timeouts_default_to_the_platforms() {
        let config = AppConfig::parse(
            r#"{"pages":["a"],"networkTimeout":{"request":1500,"downloadFile":9000,"connectSocket":100}}"#,
            &|_| None,
        )
        .expect("valid");
        assert_eq!(
            config.network_timeout,
            NetworkTimeout {
                request_ms: 1500,
                download_ms: 9000,
                ..NetworkTimeout::default()
            }
        );
        let plain = AppConfig::parse(r#"{"pages":["a"]}"#, &|_| None).expect("valid");
        assert_eq!(plain.network_timeout, NetworkTimeout::default());
    }

    #[test]
    fn bad_app_json_is_a_clear_error() {
        for (text, expected) in [
            ("{", "app.json:1:1: EOF while parsing"),
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
            (
                r#"{"pages":["a"],"networkTimeout":5}"#,
                "networkTimeout: must be an object",
            ),
            (
                r#"{"pages":["a"],"networkTimeout":{"request":"5s"}}"#,
                "'request' must be a number of milliseconds",
            ),
            (
                r#"{"pages":["a"],"networkTimeout":{"requset":1000}}"#,
                "unknown key 'requset'",
            ),
        ] {
            let error = AppConfig::parse(text, &|_| None)
                .expect_err("fails")
                .to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn a_custom_navigation_style_draws_no_navigation_bar() {
        let app = default_window(Dialect::WeChat);
        let custom = app.overlay(&WindowConfig::from_json(
            &json!({"navigationStyle": "custom"}),
        ));
        let iphone_8 = Frame::of(&DeviceProfile::default(), ApiDialect::Wechat);
        let chrome = |window: &WindowConfig| {
            ChromeState {
                origin: "capsule://a",
                frame: &iphone_8,
                window,
                loading: false,
                show_back: true,
                tab_bar: None,
            }
            .to_json()
        };
        assert_eq!(chrome(&custom)["navigationBar"], Value::Null);
        // The status bar and the menu button stay; the page starts at the top.
        assert_eq!(chrome(&custom)["statusBar"]["height"], 20);
        assert_eq!(chrome(&custom)["menuButton"]["top"], 24);
        assert_eq!(chrome(&custom)["pageTop"], 0);
        assert_eq!(chrome(&app)["navigationBar"]["top"], 20);
        assert_eq!(chrome(&app)["navigationBar"]["height"], 44);
        assert_eq!(chrome(&app)["pageTop"], 64);
        let back = custom.overlay(&WindowConfig::from_json(
            &json!({"navigationStyle": "default"}),
        ));
        assert_eq!(chrome(&back)["navigationBar"]["showBack"], true);
    }

    #[test]
    fn the_frame_places_the_bars_of_each_device() {
        let frame =
            |name: &str, dialect| Frame::of(&DeviceProfile::named(name).expect("preset"), dialect);
        let plain = WindowConfig::default();
        let iphone_12 = frame("iphone-12", ApiDialect::Alipay);
        // 47 px status bar, 44 px title bar; the tab bar sits on the 34 px home indicator.
        assert_eq!(
            iphone_12.bars(),
            PageBars {
                navigation_bar: 91,
                tab_bar: 84
            }
        );
        assert_eq!(iphone_12.page_height(&plain, true), 844 - 91 - 84);
        assert_eq!(iphone_12.menu_button.top, 53);
        let pixel = frame("pixel-5", ApiDialect::Wechat);
        assert_eq!(
            (pixel.status_bar, pixel.title_bar, pixel.safe_bottom),
            (24, 48, 0)
        );
        assert_eq!(pixel.page_height(&plain, false), 851 - 72);
        // A page under a transparent Alipay title bar has the whole screen.
        let transparent = WindowConfig::from_json(&json!({"transparentTitle": "auto"}));
        assert_eq!(iphone_12.page_height(&transparent, false), 844);
    }

    #[test]
    fn window_settings_of_both_dialects_reach_the_chrome() {
        let frame = Frame::of(&DeviceProfile::default(), ApiDialect::Wechat);
        let chrome = |window: &WindowConfig| {
            ChromeState {
                origin: "capsule://a",
                frame: &frame,
                window,
                loading: false,
                show_back: false,
                tab_bar: None,
            }
            .to_json()
        };
        let wechat = default_window(Dialect::WeChat).overlay(&WindowConfig::from_json(&json!({
            "navigationBarBackgroundColor": "#ffffff",
            "navigationBarTextStyle": "black",
            "backgroundColor": "#eeeeee",
            "backgroundColorTop": "#111111",
            "backgroundTextStyle": "light",
            "enablePullDownRefresh": true,
        })));
        let shown = chrome(&wechat);
        assert_eq!(shown["navigationBar"]["frontColor"], "#000000");
        assert_eq!(shown["statusBar"]["frontColor"], "#000000");
        assert_eq!(shown["menuButton"]["frontColor"], "#000000");
        assert_eq!(shown["backgroundColor"], "#eeeeee");
        assert_eq!(
            shown["pageBackgroundColor"],
            Value::Null,
            "WeChat: the window's"
        );
        assert_eq!(shown["backgroundColorTop"], "#111111");
        assert_eq!(shown["backgroundColorBottom"], "#eeeeee");
        assert_eq!(shown["backgroundTextStyle"], "light");
        assert_eq!(shown["enablePullDownRefresh"], true);

        let alipay = default_window(Dialect::Alipay).overlay(&WindowConfig::from_json(&json!({
            "defaultTitle": "Home",
            "titleBarColor": "#1677ff",
            "backgroundColor": "#fafafa",
            "backgroundImageColor": "#222222",
            "transparentTitle": "always",
            "pullRefresh": "YES",
            "allowsBounceVertical": "NO",
        })));
        let alipay_frame = Frame::of(&DeviceProfile::default(), ApiDialect::Alipay);
        let shown = ChromeState {
            origin: "capsule://a",
            frame: &alipay_frame,
            window: &alipay,
            loading: false,
            show_back: false,
            tab_bar: None,
        }
        .to_json();
        assert_eq!(
            shown["pageBackgroundColor"], "#fafafa",
            "Alipay: the page's"
        );
        assert_eq!(shown["backgroundColorTop"], "#222222");
        assert_eq!(shown["navigationBar"]["title"], "Home");
        assert_eq!(shown["navigationBar"]["backgroundColor"], "#1677ff");
        assert_eq!(shown["navigationBar"]["transparent"], "always");
        assert_eq!(shown["pageTop"], 0);
        assert_eq!(
            shown["enablePullDownRefresh"], false,
            "no pull without bouncing"
        );
        // Unknown values are ignored.
        let odd = WindowConfig::from_json(
            &json!({"backgroundTextStyle": "purple", "transparentTitle": "sometimes"}),
        );
        assert_eq!(
            (odd.background_text_style, odd.transparent_title),
            (None, None)
        );
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
