//! The windows of [`WryHost`](super::WryHost) on Linux. Each tao window holds a `gtk::Stack`
//! of pages, bottom first: an H5 app's first page and the pages pushed over it
//! (`pushWindow`), or a mini-program's one page. A pushed page slides in from the right and
//! slides back out when it closes; its webview lives until it is out of sight.
//!
//! Each page is one child of the stack: a `gtk::Overlay` holding a vertical box with the
//! page's title bar (see [`TitleBarView`]) above a box of its own that wry packs the webview
//! into. A transparent title bar is an overlay child instead, over the top of the page.

use std::rc::Rc;
use std::time::Duration;

use gtk::glib;
use gtk::prelude::*;
use tao::dpi::{LogicalPosition, LogicalSize};
use tao::event_loop::EventLoopWindowTarget;
use tao::platform::unix::WindowExtUnix;
use tao::window::{Window, WindowBuilder, WindowId};
use wry::{WebView, WebViewBuilder, WebViewBuilderExtUnix};

use super::title_bar_view::{PressHandler, TitleBarView};
use super::{DrawnTitleBar, PageId, TitleBar, TitleBarPress};
use crate::{Error, Result};

/// How long a page takes to slide in or out, in milliseconds.
const SLIDE_MS: u32 = 250;

/// A tao window and the pages stacked in it.
pub(super) struct HostWindow {
    window: Window,
    stack: gtk::Stack,
    /// Bottom first; the last is the one shown.
    pages: Vec<StackedPage>,
    /// The window's title while the page shown has none.
    default_title: String,
}

/// One page of a window.
struct StackedPage {
    id: PageId,
    /// The stack's child.
    overlay: gtk::Overlay,
    /// The overlay's main child: the title bar (unless it is over the page) above the
    /// webview's box.
    content: gtk::Box,
    bar: Option<TitleBarView>,
    /// The document's title, the window's for a page without a title bar.
    document_title: String,
}

impl HostWindow {
    /// Opens an empty window of `size` titled `title`, at `position` (else where the window
    /// system puts it).
    pub(super) fn new<T: 'static>(
        target: &EventLoopWindowTarget<T>,
        title: &str,
        size: LogicalSize<u32>,
        position: Option<LogicalPosition<u32>>,
    ) -> Result<Self> {
        let mut builder = WindowBuilder::new().with_title(title).with_inner_size(size);
        if let Some(position) = position {
            builder = builder.with_position(position);
        }
        let window = builder
            .build(target)
            .map_err(|e| Error::Webview(e.to_string()))?;
        let vbox = window
            .default_vbox()
            .ok_or_else(|| Error::Webview("window has no GTK box".into()))?;
        let stack = gtk::Stack::new();
        stack.set_transition_duration(SLIDE_MS);
        stack.set_hhomogeneous(true);
        stack.set_vhomogeneous(true);
        vbox.pack_start(&stack, true, true, 0);
        stack.show();
        Ok(Self {
            window,
            stack,
            pages: Vec::new(),
            default_title: title.to_owned(),
        })
    }

    /// The tao window's id.
    pub(super) fn id(&self) -> WindowId {
        self.window.id()
    }

    /// The tao window.
    pub(super) fn window(&self) -> &Window {
        &self.window
    }

    /// Whether pages can be pushed over this window's (always, with GTK).
    pub(super) fn can_stack(&self) -> bool {
        true
    }

    /// Whether no page is left.
    pub(super) fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// The bottom page, which the window's close button closes (with the pages over it).
    pub(super) fn bottom(&self) -> Option<PageId> {
        self.pages.first().map(|page| page.id)
    }

    /// Pushes page `page` over the window's pages (sliding it in unless it is the first), with
    /// title bar `bar` (of `bar_height` pixels; touches go to `on_press`), and builds its
    /// webview.
    pub(super) fn push_page(
        &mut self,
        page: PageId,
        bar: Option<&TitleBar>,
        bar_height: u32,
        on_press: impl Fn(TitleBarPress) + 'static,
        builder: WebViewBuilder<'_>,
    ) -> Result<WebView> {
        let overlay = gtk::Overlay::new();
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        overlay.add(&content);
        let webview_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.pack_end(&webview_box, true, true, 0);
        let on_press: PressHandler = Rc::new(on_press);
        let bar = bar.map(|bar| TitleBarView::new(bar_height, bar, on_press));
        if let Some(bar) = &bar {
            place_bar(bar, &overlay, &content);
        }
        let name = child_name(page);
        self.stack.add_named(&overlay, &name);
        overlay.show_all();
        let webview = match builder.build_gtk(&webview_box) {
            Ok(webview) => webview,
            Err(error) => {
                self.stack.remove(&overlay);
                return Err(Error::Webview(error.to_string()));
            }
        };
        if self.pages.is_empty() {
            self.stack.set_visible_child(&overlay);
        } else {
            self.stack
                .set_visible_child_full(&name, gtk::StackTransitionType::SlideLeft);
        }
        self.pages.push(StackedPage {
            id: page,
            overlay,
            content,
            bar,
            document_title: String::new(),
        });
        self.show_title();
        Ok(webview)
    }

    /// Takes page `page` out of the window. The page shown slides out to the right, showing
    /// the one under it, and `webview` is dropped once it is out of sight; a page under
    /// another goes at once.
    pub(super) fn close_page(&mut self, page: PageId, webview: WebView) {
        let Some(position) = self.pages.iter().position(|stacked| stacked.id == page) else {
            return;
        };
        let closed = self.pages.remove(position);
        let was_shown = self
            .stack
            .visible_child()
            .is_some_and(|child| child == closed.overlay);
        let new_top = self.pages.last().map(|top| child_name(top.id));
        match new_top {
            Some(name) if was_shown => {
                self.stack
                    .set_visible_child_full(&name, gtk::StackTransitionType::SlideRight);
                let stack = self.stack.clone();
                let out_of_sight = Duration::from_millis(u64::from(SLIDE_MS) + 50);
                glib::timeout_add_local_once(out_of_sight, move || {
                    // Gone already when the window was closed in the meantime.
                    if closed.overlay.parent().is_some() {
                        stack.remove(&closed.overlay);
                    }
                    drop(webview);
                    drop(closed);
                });
            }
            _ => {
                self.stack.remove(&closed.overlay);
                drop(webview);
            }
        }
        self.show_title();
    }

    /// Draws `bar` as `page`'s title bar from now on.
    pub(super) fn set_title_bar(&mut self, page: PageId, bar: &TitleBar) {
        let Some(stacked) = self.pages.iter_mut().find(|stacked| stacked.id == page) else {
            return;
        };
        let Some(view) = &mut stacked.bar else {
            tracing::debug!(page = page.0, "a title bar for a page opened without one");
            return;
        };
        view.update(bar);
        place_bar(view, &stacked.overlay, &stacked.content);
        self.show_title();
    }

    /// The document of `page` is titled `title` (the window's title when it shows `page` and
    /// `page` has no title bar).
    pub(super) fn set_document_title(&mut self, page: PageId, title: &str) {
        if let Some(stacked) = self.pages.iter_mut().find(|stacked| stacked.id == page) {
            title.clone_into(&mut stacked.document_title);
            self.show_title();
        }
    }

    /// Clicks the widget of `press` in `page`'s title bar; fails when it is not drawn or the
    /// page is covered by another.
    pub(super) fn press(&self, page: PageId, press: TitleBarPress) -> Result<()> {
        let stacked = self
            .pages
            .iter()
            .find(|stacked| stacked.id == page)
            .ok_or(Error::NoSuchPage(page.0))?;
        let bar = stacked
            .bar
            .as_ref()
            .ok_or_else(|| Error::NotDrawn(format!("page {} has no title bar", page.0)))?;
        let shown = self.shown_page();
        if shown != Some(page) {
            return Err(Error::NotDrawn(format!(
                "page {}'s title bar is covered by page {}",
                page.0,
                shown.map_or(0, |shown| shown.0)
            )));
        }
        bar.press(press)
    }

    /// What `page`'s title bar shows; `None` for a page without one.
    pub(super) fn drawn(&self, page: PageId) -> Option<DrawnTitleBar> {
        let stacked = self.pages.iter().find(|stacked| stacked.id == page)?;
        let shown = self.shown_page().unwrap_or(page);
        stacked.bar.as_ref().map(|bar| bar.drawn(shown))
    }

    /// The page the stack shows.
    fn shown_page(&self) -> Option<PageId> {
        let child = self.stack.visible_child()?;
        self.pages
            .iter()
            .find(|stacked| child == stacked.overlay)
            .map(|stacked| stacked.id)
    }

    /// Titles the window after its top page: its title bar's title, else its document's.
    fn show_title(&self) {
        let title = self.pages.last().map(|top| match &top.bar {
            Some(bar) => bar.title(),
            None => &top.document_title,
        });
        let title = title
            .filter(|title| !title.is_empty())
            .unwrap_or(&self.default_title);
        if self.window.title() != title {
            self.window.set_title(title);
        }
    }
}

/// The stack child's name of `page`.
fn child_name(page: PageId) -> String {
    format!("page-{}", page.0)
}

/// Puts `bar` where it is drawn: over the top of the page (an overlay child) or above it (the
/// first child of `content`), moving it when that changed.
fn place_bar(bar: &TitleBarView, overlay: &gtk::Overlay, content: &gtk::Box) {
    let widget = bar.widget();
    let parent: Option<gtk::Widget> = if bar.over_page() {
        Some(overlay.clone().upcast())
    } else {
        Some(content.clone().upcast())
    };
    if widget.parent() == parent {
        return;
    }
    if let Some(old) = widget
        .parent()
        .and_then(|old| old.downcast::<gtk::Container>().ok())
    {
        old.remove(widget);
    }
    if bar.over_page() {
        overlay.add_overlay(widget);
    } else {
        content.pack_start(widget, false, false, 0);
        content.reorder_child(widget, 0);
    }
}
