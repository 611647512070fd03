//! What Nebula's window APIs ask of the container: a [`WindowRequest`] and the parameters
//! of a window (read from a call by the `window` module, carried out by the device).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Largest JSON value carried between pages (`popWindow` data, `passData`, session data).
pub const MAX_WINDOW_DATA_BYTES: usize = 1 << 20;

/// How a window's title bar lets the page show through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Transparency {
    /// An opaque bar above the page (the default).
    #[default]
    None,
    /// A transparent bar over the page.
    Always,
    /// Transparent over the top of the page, opaque once the page scrolls.
    Auto,
}

/// What the back button and back key do in a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BackBehavior {
    /// Close the window (`popWindow`): the default of offline H5 apps.
    #[default]
    Pop,
    /// Go back in the page's history first, close the window when there is none.
    Back,
}

/// How a window opened with `pushWindow` looks, from its `param` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowParams {
    /// The title shown until the page has one (`defaultTitle`).
    pub default_title: String,
    /// Whether the window has a title bar (`showTitleBar`, default true).
    pub show_title_bar: bool,
    /// Whether the title bar lets the page show through (`transparentTitle`).
    pub transparent_title: Transparency,
    /// The title bar's colour, `#rrggbb` (`titleBarColor`).
    pub title_bar_color: Option<String>,
    /// Whether the title follows the page's `<title>` (`readTitle`, default true).
    pub read_title: bool,
    /// Whether the option menu is shown (`showOptionMenu`, default false).
    pub show_option_menu: bool,
    /// What the back button does (`backBehavior`).
    pub back_behavior: BackBehavior,
}

impl Default for WindowParams {
    fn default() -> Self {
        Self {
            default_title: String::new(),
            show_title_bar: true,
            transparent_title: Transparency::None,
            title_bar_color: None,
            read_title: true,
            show_option_menu: false,
            back_behavior: BackBehavior::Pop,
        }
    }
}

/// One button of a window's option menu, at the right of its title bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionMenuItem {
    /// The button's text (shown when it has no icon).
    pub title: String,
    /// An icon: a `data:` URL or a file of the app; drawn instead of the title.
    pub icon: Option<String>,
    /// One of the container's own icons by name (`icontype`: `scan`, `user`, `add`,
    /// `filter`, `more`, ...); drawn instead of the title and the icon.
    pub icon_type: Option<String>,
    /// A red badge: `None` for none, `""` for a dot, else its text (`redDot`).
    pub red_dot: Option<String>,
    /// The title's colour, `#rrggbb` or `#aarrggbb` (`color`).
    pub color: Option<String>,
}

/// Which window `popTo` returns to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PopTarget {
    /// A position in the stack: from the bottom when 0 or more (0 is the first window),
    /// from the top when negative (-1 is the window below the caller's).
    Index(i64),
    /// The topmost window below the caller's whose URL contains this text.
    UrlPattern(String),
}

/// A change to the option menu of the calling window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OptionMenuChange {
    /// `setOptionMenu`: the buttons to draw (`menus`, or the one `title`/`icon` button);
    /// `reset` drops custom buttons for the container's default one.
    Set {
        /// The buttons, right to left as the platform lists them.
        items: Vec<OptionMenuItem>,
        /// Back to the default button.
        reset: bool,
    },
    /// `showOptionMenu` / `hideOptionMenu`.
    Visible(bool),
}

/// What a Nebula window API asks of the container, carried out on the caller's window stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum WindowRequest {
    /// Opens `url` (relative to the calling page) in a new window on top of the caller's;
    /// answered `{}` once it is opening.
    #[serde(rename_all = "camelCase")]
    Push {
        /// The page to open.
        url: String,
        /// How the window looks.
        params: WindowParams,
        /// Data the new page reads from its startup parameters (`passData`).
        pass_data: Map<String, Value>,
    },
    /// Closes the caller's window; the window below hears `resume` with `data`. On the
    /// app's only window it closes the app.
    Pop {
        /// Handed to the window below.
        data: Value,
    },
    /// Closes the windows above the target; it hears `resume` with `data`.
    PopTo {
        /// The window to return to.
        target: PopTarget,
        /// Handed to it.
        data: Value,
    },
    /// Closes the caller's window (`closeWebview`).
    Close,
    /// Closes every window of the app (`exitApp`).
    ExitApp,
    /// Changes the title bar's texts; `None` leaves one as it is.
    SetTitle {
        /// The title.
        title: Option<String>,
        /// The smaller line under it.
        subtitle: Option<String>,
    },
    /// Shows or hides the spinner next to the title.
    TitleLoading(bool),
    /// Changes the option menu.
    OptionMenu(OptionMenuChange),
    /// The parameters the app was opened with (`appId`, `url` and those the opener
    /// passed), only the keys named when `Some`; answered with them.
    StartupParams(Option<Vec<String>>),
    /// Opens another installed app (`startApp`).
    #[serde(rename_all = "camelCase")]
    StartApp {
        /// The app to open.
        app_id: String,
        /// Its startup parameters (`param`): `url` and `query` pick the page.
        param: Map<String, Value>,
        /// Whether the calling app closes once the other opens.
        close_current_app: bool,
    },
    /// Stores these keys in the data the app's windows share for the life of the app.
    SetSessionData(Map<String, Value>),
    /// Reads these keys (all when `None`); answered `{data: {...}}`.
    GetSessionData(Option<Vec<String>>),
}
