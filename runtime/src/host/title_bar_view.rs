//! The title bar [`WryHost`](super::WryHost) draws for an H5 page: native GTK widgets styled
//! like a phone app's bar (a `gtk::CssProvider`), kept in step with the container's
//! [`TitleBar`] and reporting touches as [`TitleBarPress`]es.
//!
//! Layout, left to right: the back button (`‹`), the title (bold, centred in the bar, a
//! spinner before it while loading, the subtitle in a smaller line under it) and the option
//! menu's buttons, `menu[0]` rightmost as Nebula lists them. Each menu button shows its
//! `icontype`'s glyph, else its `data:` URL icon, else its title, with a red badge for
//! `redDot`.

use std::cell::Cell;
use std::rc::Rc;

use capsule_jsapi::{OptionMenuItem, Transparency};
use gtk::gdk_pixbuf::{InterpType, Pixbuf, PixbufLoader};
use gtk::glib;
use gtk::prelude::*;

use super::{DrawnMenuButton, DrawnTitleBar, PageId, TitleBar, TitleBarPress};
use crate::{Error, Result};

/// What a touch on the bar is handed to; it must not block (the GTK signal runs on the UI
/// thread).
pub(super) type PressHandler = Rc<dyn Fn(TitleBarPress)>;

/// Height of a menu button's picture, in pixels.
const ICON_SIZE: i32 = 22;
/// Widest a menu button's picture may be drawn, in pixels.
const ICON_MAX_WIDTH: i32 = 44;
/// A picture larger than this many pixels (before scaling) is not drawn.
const ICON_MAX_PIXELS: i64 = 4096 * 4096;

/// The bars' shared style, installed once for the screen.
const STYLE: &str = r#"
.capsule-title-bar {
  background-color: #ffffff;
  color: #111111;
  border-bottom: 1px solid rgba(0, 0, 0, 0.12);
  font-family: "PingFang SC", "Noto Sans CJK SC", "DejaVu Sans", sans-serif;
}
.capsule-title-bar.over-page {
  background-color: transparent;
  border-bottom-color: transparent;
}
.capsule-title-bar button {
  background: none;
  border: none;
  border-radius: 6px;
  box-shadow: none;
  text-shadow: none;
  -gtk-icon-shadow: none;
  outline: none;
  color: inherit;
  min-height: 0;
  min-width: 0;
  padding: 0 8px;
  margin: 0;
}
.capsule-title-bar button:hover { background-color: rgba(0, 0, 0, 0.05); }
.capsule-title-bar button:active { background-color: rgba(0, 0, 0, 0.1); }
.capsule-title-bar label { color: inherit; }
.capsule-title-bar .title { font-size: 17px; font-weight: bold; padding: 0 4px; }
.capsule-title-bar.with-subtitle .title { font-size: 15px; }
.capsule-title-bar .subtitle { font-size: 10px; padding: 0 4px; }
.capsule-title-bar .subtitle label { opacity: 0.6; }
.capsule-title-bar .back {
  font-family: "DejaVu Sans", sans-serif;
  font-size: 34px;
  font-weight: 300;
  padding: 0 14px 0 10px;
}
.capsule-title-bar .menu-item { font-size: 15px; padding: 0 9px; }
.capsule-title-bar .menu-item.glyph { font-size: 19px; }
.capsule-title-bar .menu-item.badged { padding-right: 15px; }
.capsule-title-bar .badge {
  background-color: #ff3b30;
  color: #ffffff;
  font-size: 9px;
  font-weight: bold;
  border-radius: 7px;
  min-height: 14px;
  min-width: 6px;
  padding: 0 4px;
  margin: 4px 0 0 0;
}
.capsule-title-bar .badge.dot {
  min-height: 8px;
  min-width: 8px;
  padding: 0;
  border-radius: 4px;
  margin: 8px 4px 0 0;
}
"#;

thread_local! {
    /// Whether [`STYLE`] is installed (GTK runs on one thread).
    static STYLE_INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// Installs [`STYLE`] for the default screen, once.
fn install_style() {
    if STYLE_INSTALLED.with(Cell::get) {
        return;
    }
    let Some(screen) = gtk::gdk::Screen::default() else {
        tracing::warn!("no screen: the title bar is drawn without its style");
        return;
    };
    let provider = gtk::CssProvider::new();
    if let Err(error) = provider.load_from_data(STYLE.as_bytes()) {
        tracing::warn!(%error, "the title bar's style does not load");
        return;
    }
    gtk::StyleContext::add_provider_for_screen(
        &screen,
        &provider,
        gtk::STYLE_PROVIDER_PRIORITY_APPLICATION,
    );
    STYLE_INSTALLED.with(|installed| installed.set(true));
}

/// One drawn option menu button.
struct MenuButton {
    /// Its position in [`TitleBar::menu`].
    index: usize,
    /// What is added to the menu box: the button with its badge over it.
    holder: gtk::Overlay,
    button: gtk::Button,
    /// The text it shows, when it shows one.
    label: Option<gtk::Label>,
    badge: Option<gtk::Label>,
}

/// The GTK widgets of one page's title bar.
pub(super) struct TitleBarView {
    /// The bar: a horizontal box of the device's title bar height.
    root: gtk::Box,
    back: gtk::Button,
    spinner: gtk::Spinner,
    title: gtk::Button,
    title_label: gtk::Label,
    subtitle: gtk::Button,
    subtitle_label: gtk::Label,
    /// The option menu's buttons, left to right.
    menu: gtk::Box,
    menu_buttons: Vec<MenuButton>,
    /// The bar's own colours (`TitleBar::color`).
    colours: gtk::CssProvider,
    on_press: PressHandler,
    /// What is drawn now.
    shown: TitleBar,
}

impl TitleBarView {
    /// Builds the bar for `bar`, `height` pixels high; touches go to `on_press`.
    pub(super) fn new(height: u32, bar: &TitleBar, on_press: PressHandler) -> Self {
        install_style();
        let root = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        root.style_context().add_class("capsule-title-bar");
        root.set_size_request(-1, i32::try_from(height).unwrap_or(44));
        root.set_valign(gtk::Align::Start);
        // Shown and hidden by `update` alone, not by its parent's `show_all`.
        root.set_no_show_all(true);
        let colours = gtk::CssProvider::new();
        root.style_context()
            .add_provider(&colours, gtk::STYLE_PROVIDER_PRIORITY_APPLICATION + 1);

        let back = text_button("‹", "back");
        back.set_tooltip_text(Some("Back"));
        back.set_no_show_all(true);
        root.pack_start(&back, false, false, 0);

        let spinner = gtk::Spinner::new();
        spinner.set_no_show_all(true);
        spinner.set_margin_end(2);
        let title_label = gtk::Label::new(None);
        title_label.set_ellipsize(gtk::pango::EllipsizeMode::End);
        title_label.set_max_width_chars(16);
        title_label.show();
        let title = gtk::Button::new();
        title.style_context().add_class("title");
        title.set_relief(gtk::ReliefStyle::None);
        title.add(&title_label);
        title.show();
        let title_line = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        title_line.set_halign(gtk::Align::Center);
        title_line.pack_start(&spinner, false, false, 0);
        title_line.pack_start(&title, false, false, 0);
        title_line.show();
        let subtitle_label = gtk::Label::new(None);
        subtitle_label.set_ellipsize(gtk::pango::EllipsizeMode::End);
        subtitle_label.set_max_width_chars(28);
        subtitle_label.show();
        let subtitle = gtk::Button::new();
        subtitle.style_context().add_class("subtitle");
        subtitle.set_relief(gtk::ReliefStyle::None);
        subtitle.set_halign(gtk::Align::Center);
        subtitle.add(&subtitle_label);
        subtitle.set_no_show_all(true);
        let middle = gtk::Box::new(gtk::Orientation::Vertical, 0);
        middle.set_valign(gtk::Align::Center);
        middle.pack_start(&title_line, false, false, 0);
        middle.pack_start(&subtitle, false, false, 0);
        middle.show();
        root.set_center_widget(Some(&middle));

        let menu = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        menu.set_no_show_all(true);
        menu.set_margin_end(4);
        root.pack_end(&menu, false, false, 0);

        for (button, press) in [
            (&back, TitleBarPress::Back),
            (&title, TitleBarPress::Title),
            (&subtitle, TitleBarPress::Subtitle),
        ] {
            let on_press = Rc::clone(&on_press);
            button.connect_clicked(move |_| on_press(press));
        }

        let mut view = Self {
            root,
            back,
            spinner,
            title,
            title_label,
            subtitle,
            subtitle_label,
            menu,
            menu_buttons: Vec::new(),
            colours,
            on_press,
            shown: TitleBar::default(),
        };
        view.draw(bar, true);
        view
    }

    /// The bar's widget, to be placed above the page (or over it: see
    /// [`TitleBarView::over_page`]).
    pub(super) fn widget(&self) -> &gtk::Box {
        &self.root
    }

    /// Whether the bar is drawn over the top of the page rather than above it.
    pub(super) fn over_page(&self) -> bool {
        over_page(&self.shown)
    }

    /// The title drawn.
    pub(super) fn title(&self) -> &str {
        &self.shown.title
    }

    /// Draws `bar` from now on (the caller moves the widget when
    /// [`TitleBarView::over_page`] changes).
    pub(super) fn update(&mut self, bar: &TitleBar) {
        self.draw(bar, false);
    }

    fn draw(&mut self, bar: &TitleBar, first: bool) {
        if !first && *bar == self.shown {
            return;
        }
        self.root.set_visible(bar.visible);
        self.back.set_visible(bar.back_button);
        self.title_label.set_text(&bar.title);
        self.subtitle_label.set_text(&bar.subtitle);
        self.subtitle.set_visible(!bar.subtitle.is_empty());
        // A smaller title fits the subtitle under it in the bar's height.
        if bar.subtitle.is_empty() {
            self.root.style_context().remove_class("with-subtitle");
        } else {
            self.root.style_context().add_class("with-subtitle");
        }
        if bar.loading {
            self.spinner.start();
        } else {
            self.spinner.stop();
        }
        self.spinner.set_visible(bar.loading);
        let style = self.root.style_context();
        if over_page(bar) {
            style.add_class("over-page");
        } else {
            style.remove_class("over-page");
        }
        if first || bar.color != self.shown.color || over_page(bar) != self.over_page() {
            let css = match (&bar.color, over_page(bar)) {
                (Some(colour), false) => bar_colours(colour).unwrap_or_default(),
                _ => String::new(),
            };
            if let Err(error) = self.colours.load_from_data(css.as_bytes()) {
                tracing::warn!(%error, "the title bar's colour does not load");
            }
        }
        if first || bar.menu != self.shown.menu {
            self.draw_menu(&bar.menu);
        }
        self.menu
            .set_visible(bar.menu_visible && !bar.menu.is_empty());
        self.shown = bar.clone();
    }

    /// Replaces the menu's buttons by those of `items`, `items[0]` rightmost.
    fn draw_menu(&mut self, items: &[OptionMenuItem]) {
        for old in self.menu_buttons.drain(..) {
            self.menu.remove(&old.holder);
        }
        for (index, item) in items.iter().enumerate().rev() {
            let drawn = menu_button(index, item, &self.on_press);
            self.menu.pack_start(&drawn.holder, false, false, 0);
            self.menu_buttons.push(drawn);
        }
    }

    /// Clicks the widget of `press` (emits its `clicked` signal, as a click does); fails when
    /// it is not drawn.
    pub(super) fn press(&self, press: TitleBarPress) -> Result<()> {
        if !self.root.is_visible() {
            return Err(Error::NotDrawn("the page's title bar is hidden".into()));
        }
        let button = match press {
            TitleBarPress::Back => Some(&self.back).filter(|back| back.is_visible()),
            TitleBarPress::Title => Some(&self.title),
            TitleBarPress::Subtitle => Some(&self.subtitle).filter(|sub| sub.is_visible()),
            TitleBarPress::Menu(index) => self
                .menu_buttons
                .iter()
                .find(|drawn| drawn.index == index)
                .filter(|_| self.menu.is_visible())
                .map(|drawn| &drawn.button),
        };
        let Some(button) = button else {
            let what = match press {
                TitleBarPress::Back => "no back button is drawn".to_owned(),
                TitleBarPress::Title => "no title is drawn".to_owned(),
                TitleBarPress::Subtitle => "no subtitle is drawn".to_owned(),
                TitleBarPress::Menu(index) if self.menu.is_visible() => format!(
                    "no option menu button {index} is drawn (the menu has {})",
                    self.menu_buttons.len()
                ),
                TitleBarPress::Menu(_) => "the option menu is hidden".to_owned(),
            };
            return Err(Error::NotDrawn(what));
        };
        button.clicked();
        Ok(())
    }

    /// What the widgets show; `shown_page` is the page their window shows.
    pub(super) fn drawn(&self, shown_page: PageId) -> DrawnTitleBar {
        let menu = if self.menu.is_visible() {
            self.menu_buttons
                .iter()
                .map(|drawn| DrawnMenuButton {
                    text: drawn
                        .label
                        .as_ref()
                        .map(|label| label.text().to_string())
                        .unwrap_or_default(),
                    picture: drawn.label.is_none(),
                    badge: drawn.badge.as_ref().map(|badge| badge.text().to_string()),
                })
                .collect()
        } else {
            Vec::new()
        };
        DrawnTitleBar {
            visible: self.root.is_visible(),
            title: self.title_label.text().to_string(),
            subtitle: if self.subtitle.is_visible() {
                self.subtitle_label.text().to_string()
            } else {
                String::new()
            },
            loading: self.spinner.is_visible() && self.spinner.is_active(),
            back_button: self.back.is_visible(),
            over_page: self.root.style_context().has_class("over-page"),
            menu,
            shown_page,
        }
    }
}

/// Whether `bar` is drawn over the page. `Auto` is drawn like `Always`: Nebula makes an auto
/// bar opaque once the page scrolls, and this host does not follow the page's scrolling.
fn over_page(bar: &TitleBar) -> bool {
    bar.transparent != Transparency::None
}

/// A flat button showing `text`, with the style class `class`.
fn text_button(text: &str, class: &str) -> gtk::Button {
    let button = gtk::Button::with_label(text);
    button.set_relief(gtk::ReliefStyle::None);
    button.style_context().add_class(class);
    button.set_valign(gtk::Align::Center);
    button
}

/// The button of option menu item `item`, at `index` of the menu.
fn menu_button(index: usize, item: &OptionMenuItem, on_press: &PressHandler) -> MenuButton {
    let glyph = item.icon_type.as_deref().map(icon_glyph);
    let picture = match (&glyph, &item.icon) {
        (None, Some(icon)) => icon_picture(icon),
        _ => None,
    };
    let (button, label) = match (glyph, picture) {
        (Some(glyph), _) => {
            let button = text_button(glyph, "menu-item");
            button.style_context().add_class("glyph");
            let label = button.child().and_then(|c| c.downcast::<gtk::Label>().ok());
            (button, label)
        }
        (None, Some(picture)) => {
            let button = gtk::Button::new();
            button.set_relief(gtk::ReliefStyle::None);
            button.style_context().add_class("menu-item");
            button.set_valign(gtk::Align::Center);
            button.set_image(Some(&gtk::Image::from_pixbuf(Some(&picture))));
            button.set_always_show_image(true);
            (button, None)
        }
        (None, None) => {
            let text = if item.title.is_empty() {
                "•••"
            } else {
                &item.title
            };
            let button = text_button(text, "menu-item");
            let label = button.child().and_then(|c| c.downcast::<gtk::Label>().ok());
            (button, label)
        }
    };
    if let Some(tooltip) = Some(&item.title).filter(|title| !title.is_empty()) {
        button.set_tooltip_text(Some(tooltip));
    }
    if let Some(css) = item.color.as_deref().and_then(hex_colour) {
        let provider = gtk::CssProvider::new();
        let css = format!("button {{ color: {css}; }}");
        if provider.load_from_data(css.as_bytes()).is_ok() {
            button
                .style_context()
                .add_provider(&provider, gtk::STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
        }
    }
    let handler = Rc::clone(on_press);
    button.connect_clicked(move |_| handler(TitleBarPress::Menu(index)));
    // As high as the bar, so that the badge sits at its top, right of the button's text.
    let holder = gtk::Overlay::new();
    holder.add(&button);
    let badge = item.red_dot.as_ref().map(|text| {
        button.style_context().add_class("badged");
        let badge = gtk::Label::new(Some(text));
        let style = badge.style_context();
        style.add_class("badge");
        if text.is_empty() {
            style.add_class("dot");
        }
        badge.set_halign(gtk::Align::End);
        badge.set_valign(gtk::Align::Start);
        holder.add_overlay(&badge);
        holder.set_overlay_pass_through(&badge, true);
        badge
    });
    holder.show_all();
    MenuButton {
        index,
        holder,
        button,
        label,
        badge,
    }
}

/// The glyph drawn for Nebula's `icontype` `name`; unknown names are drawn as they are.
fn icon_glyph(name: &str) -> &str {
    match name.to_ascii_lowercase().as_str() {
        "scan" => "⊡",
        "user" => "👤",
        "add" => "+",
        "filter" => "▽",
        "search" => "🔍",
        "settings" | "setting" => "⚙",
        "info" => "ⓘ",
        "help" => "?",
        "locate" | "location" => "◎",
        "more" => "•••",
        "mail" => "✉",
        "share" => "↗",
        "close" => "✕",
        "refresh" => "↻",
        "cart" => "🛒",
        "delete" => "🗑",
        "star" | "favorite" => "☆",
        "like" | "heart" => "♡",
        "menu" | "list" => "☰",
        _ => name,
    }
}

/// The picture of icon `url`, scaled to [`ICON_SIZE`] high: only `data:` URLs are drawn (an
/// icon file of the app or a web address is shown as the item's title instead).
fn icon_picture(url: &str) -> Option<Pixbuf> {
    let Some(data) = url
        .get(..5)
        .filter(|scheme| scheme.eq_ignore_ascii_case("data:"))
        .map(|_| &url[5..])
    else {
        let shown = url
            .char_indices()
            .nth(80)
            .map_or(url, |(end, _)| &url[..end]);
        tracing::debug!(
            icon = shown,
            "only data: URL icons are drawn; showing the title"
        );
        return None;
    };
    let (meta, payload) = data.split_once(',')?;
    let bytes = if meta.to_ascii_lowercase().ends_with(";base64") {
        let text: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
        let text = percent_encoding::percent_decode_str(&text)
            .decode_utf8()
            .ok()?;
        glib::base64_decode(&text)
    } else {
        percent_encoding::percent_decode_str(payload).collect()
    };
    let loader = PixbufLoader::new();
    let too_large = Rc::new(Cell::new(false));
    let flag = Rc::clone(&too_large);
    // Scaled while decoding where the format can (SVG), so a huge declared size is never
    // rasterised; other formats are scaled after.
    loader.connect_size_prepared(move |loader, width, height| {
        if width <= 0 || height <= 0 || i64::from(width) * i64::from(height) > ICON_MAX_PIXELS {
            flag.set(true);
            loader.set_size(1, 1);
        } else {
            let (width, height) = icon_size(width, height);
            loader.set_size(width, height);
        }
    });
    let loaded = loader.write(&bytes).and_then(|()| loader.close());
    if let Err(error) = loaded {
        tracing::debug!(%error, "a data: URL icon does not decode; showing the title");
        return None;
    }
    if too_large.get() {
        tracing::debug!("a data: URL icon is too large; showing the title");
        return None;
    }
    let picture = loader.pixbuf()?;
    let (width, height) = icon_size(picture.width(), picture.height());
    if (width, height) == (picture.width(), picture.height()) {
        Some(picture)
    } else {
        picture.scale_simple(width, height, InterpType::Bilinear)
    }
}

/// A picture of `width` × `height` scaled to [`ICON_SIZE`] high, at most [`ICON_MAX_WIDTH`]
/// wide.
fn icon_size(width: i32, height: i32) -> (i32, i32) {
    let (width, height) = (i64::from(width.max(1)), i64::from(height.max(1)));
    let size = i64::from(ICON_SIZE);
    let max_width = i64::from(ICON_MAX_WIDTH);
    let (mut w, mut h) = (width * size / height, size);
    if w > max_width {
        h = (height * max_width / width).max(1);
        w = max_width;
    }
    (
        i32::try_from(w.max(1)).unwrap_or(ICON_SIZE),
        i32::try_from(h).unwrap_or(ICON_SIZE),
    )
}

/// The CSS colour of `#rrggbb` text, if it is one.
fn hex_colour(text: &str) -> Option<String> {
    let digits = text.strip_prefix('#')?;
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_hexdigit())).then(|| text.to_owned())
}

/// The bar's own style for background colour `colour`: white text on a dark colour.
fn bar_colours(colour: &str) -> Option<String> {
    let css = hex_colour(colour)?;
    let channel = |at: usize| u8::from_str_radix(&colour[at..at + 2], 16).map(f64::from);
    let (r, g, b) = (channel(1).ok()?, channel(3).ok()?, channel(5).ok()?);
    let luma = (0.299 * r + 0.587 * g + 0.114 * b) / 255.0;
    let text = if luma < 0.6 { "#ffffff" } else { "#111111" };
    Some(format!(
        ".capsule-title-bar {{ background-color: {css}; color: {text}; }}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_scaled_to_the_bar() {
        assert_eq!(icon_size(44, 44), (22, 22));
        assert_eq!(icon_size(10, 20), (11, 22));
        assert_eq!(icon_size(400, 10), (44, 1));
        assert_eq!(icon_size(0, 0), (22, 22));
    }

    #[test]
    fn only_hex_colours_reach_the_style() {
        assert_eq!(hex_colour("#1a2B3c").as_deref(), Some("#1a2B3c"));
        assert_eq!(hex_colour("#12345"), None);
        assert_eq!(hex_colour("red; } * {"), None);
        assert!(bar_colours("#000000").is_some_and(|css| css.contains("#ffffff")));
        assert!(bar_colours("#ffffff").is_some_and(|css| css.contains("#111111")));
    }

    #[test]
    fn icon_types_have_glyphs() {
        assert_eq!(icon_glyph("scan"), "⊡");
        assert_eq!(icon_glyph("MORE"), "•••");
        assert_eq!(icon_glyph("rocket"), "rocket");
    }
}
