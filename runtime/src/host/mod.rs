//! Render hosts: where pages are shown. [`WryHost`] draws them in real webviews;
//! [`HeadlessHost`] records what would be shown, for tests.

mod headless;
#[cfg(target_os = "linux")]
mod title_bar_view;
#[cfg(target_os = "linux")]
mod virtual_display;
#[cfg(target_os = "linux")]
mod web_process;
#[cfg(not(target_os = "linux"))]
mod window_plain;
#[cfg(target_os = "linux")]
mod window_stack;
mod wry_host;

pub use headless::{HeadlessHost, HostRecord};
#[cfg(target_os = "linux")]
pub use virtual_display::VirtualDisplay;
#[cfg(target_os = "linux")]
pub use web_process::WEB_PROCESS_MEMORY_LIMIT;
pub use wry_host::{WryHandle, WryHost};

use capsule_jsapi::{OptionMenuItem, Transparency};

use crate::App;
use crate::bridge::ToPage;

/// The container's number for one open page (one webview).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub u64);

/// A page to open: which app it belongs to and the URL to load.
#[derive(Debug, Clone)]
pub struct PageSpec {
    /// The page's number.
    pub id: PageId,
    /// The app whose files the page's `capsule://` requests are served from.
    pub app: App,
    /// The first URL to load.
    pub url: String,
    /// An H5 window pushed over another page of its app (`pushWindow`): shown in the same
    /// window as `stacked_on`, over it, until it is closed. `None` for a new window.
    pub stacked_on: Option<PageId>,
    /// The title bar the host draws above an H5 page (kept current with
    /// [`RenderHost::set_title_bar`]); `None` for a mini-program's window, whose page host
    /// draws its own navigation bar.
    pub title_bar: Option<TitleBar>,
    /// What the page reads as `AlipayJSBridge.startupParams` (an object; `null` for none).
    pub startup_params: serde_json::Value,
}

/// The title bar of an H5 window, as the container keeps it and the host draws it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TitleBar {
    /// Whether the window has a title bar at all.
    pub visible: bool,
    /// The title.
    pub title: String,
    /// The smaller line under the title; empty for none.
    pub subtitle: String,
    /// Whether a spinner turns next to the title.
    pub loading: bool,
    /// Whether a back button is drawn (every window above the first of its app).
    pub back_button: bool,
    /// Whether the bar lets the page show through.
    pub transparent: Transparency,
    /// The bar's colour, `#rrggbb`; the host's own when `None`.
    pub color: Option<String>,
    /// The option menu's buttons, drawn at the right when [`TitleBar::menu_visible`].
    pub menu: Vec<OptionMenuItem>,
    /// Whether the option menu is drawn.
    pub menu_visible: bool,
}

/// What the user touched in an H5 window's title bar, as a host reports it to
/// [`Container::title_bar_pressed`](crate::Container::title_bar_pressed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleBarPress {
    /// The back button.
    Back,
    /// The title.
    Title,
    /// The subtitle.
    Subtitle,
    /// The option menu button at this position of [`TitleBar::menu`].
    Menu(usize),
}

/// What a [`WryHost`] window draws as an H5 page's title bar, read back from its GTK widgets
/// ([`WryHandle::drawn_title_bar`]), for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnTitleBar {
    /// Whether the bar is drawn at all.
    pub visible: bool,
    /// The title's text.
    pub title: String,
    /// The subtitle's text; empty when no subtitle is drawn.
    pub subtitle: String,
    /// Whether the spinner is shown, turning.
    pub loading: bool,
    /// Whether the back button is shown.
    pub back_button: bool,
    /// Whether the bar is drawn over the top of the page, letting it show through.
    pub over_page: bool,
    /// The option menu's buttons, left to right as drawn (so `menu[0]` of the
    /// [`TitleBar`] is the last); empty when the menu is hidden.
    pub menu: Vec<DrawnMenuButton>,
    /// The page the window shows: the top of its stack (the visible child of the window's
    /// `gtk::Stack`), this page or one pushed over it.
    pub shown_page: PageId,
}

/// One option menu button as drawn (see [`DrawnTitleBar::menu`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnMenuButton {
    /// The text it shows: the item's title, the glyph of its `icontype` (or the name when
    /// the glyph is unknown); empty when it shows a picture.
    pub text: String,
    /// Whether it shows a picture (its `data:` URL icon).
    pub picture: bool,
    /// Its red badge: `None` for none, `""` for a dot, else the badge's text.
    pub badge: Option<String>,
}

/// What the container needs from whatever shows pages. Implementations are handles that can
/// be used from any thread; they hand the work to their UI thread.
pub trait RenderHost: Send + Sync {
    /// Opens a page.
    fn open_page(&self, page: PageSpec);
    /// Delivers a message to a page's bridge. Messages to closed pages are dropped.
    fn post(&self, page: PageId, message: ToPage);
    /// Closes a page.
    fn close_page(&self, page: PageId);
    /// Serves `page`'s `capsule://` requests from `app` from now on (a mini-program restarted
    /// on a new version in the same window). Hosts that serve no files need not do anything.
    fn set_app(&self, _page: PageId, _app: App) {}
    /// Loads `page` again (its web process died and was replaced). Hosts whose pages have no
    /// web process need not do anything.
    fn reload_page(&self, _page: PageId) {}
    /// Replaces what H5 page `page` shows with `notice`, a message for the user (its app was
    /// stopped). Hosts that draw nothing need not do anything.
    fn show_notice(&self, _page: PageId, _notice: &str) {}
    /// Draws `bar` as the title bar of H5 page `page` from now on.
    fn set_title_bar(&self, _page: PageId, _bar: &TitleBar) {}
}

/// Why the web process behind a page ended (see [`crate::ContainerEvent::WebProcessGone`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebProcessGoneReason {
    /// It crashed or was killed from outside (a signal such as `SIGKILL`, the kernel's OOM
    /// killer).
    Crashed,
    /// It used more memory than its limit ([`WEB_PROCESS_MEMORY_LIMIT`] in [`WryHost`]).
    ExceededMemoryLimit,
    /// The host ended it on purpose.
    TerminatedByHost,
}

impl std::fmt::Display for WebProcessGoneReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Crashed => "crashed or was killed",
            Self::ExceededMemoryLimit => "exceeded its memory limit",
            Self::TerminatedByHost => "was terminated by the host",
        })
    }
}
