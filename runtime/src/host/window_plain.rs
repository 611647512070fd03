//! The windows of [`WryHost`](super::WryHost) where there is no GTK: one tao window per page,
//! the webview filling it. Pages pushed over others get a window of their own and no title
//! bar is drawn (the window's title is the bar's title).

use tao::dpi::{LogicalPosition, LogicalSize};
use tao::event_loop::EventLoopWindowTarget;
use tao::window::{Window, WindowBuilder, WindowId};
use wry::{WebView, WebViewBuilder};

use super::{DrawnTitleBar, PageId, TitleBar, TitleBarPress};
use crate::{Error, Result};

/// A tao window and its page.
pub(super) struct HostWindow {
    window: Window,
    page: Option<PageId>,
    has_bar: bool,
    default_title: String,
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
        Ok(Self {
            window,
            page: None,
            has_bar: false,
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

    /// Whether pages can be pushed over this window's (never: each page has its own).
    pub(super) fn can_stack(&self) -> bool {
        false
    }

    /// Whether no page is left.
    pub(super) fn is_empty(&self) -> bool {
        self.page.is_none()
    }

    /// The window's page.
    pub(super) fn bottom(&self) -> Option<PageId> {
        self.page
    }

    /// Builds `page`'s webview filling the window; the bar is not drawn, its title titles
    /// the window.
    pub(super) fn push_page(
        &mut self,
        page: PageId,
        bar: Option<&TitleBar>,
        _bar_height: u32,
        _on_press: impl Fn(TitleBarPress) + 'static,
        builder: WebViewBuilder<'_>,
    ) -> Result<WebView> {
        let webview = builder
            .build(&self.window)
            .map_err(|e| Error::Webview(e.to_string()))?;
        self.page = Some(page);
        self.has_bar = bar.is_some();
        if let Some(bar) = bar {
            self.set_title(&bar.title);
        }
        Ok(webview)
    }

    /// Takes `page` out of the window, dropping its webview.
    pub(super) fn close_page(&mut self, page: PageId, webview: WebView) {
        if self.page == Some(page) {
            self.page = None;
        }
        drop(webview);
    }

    /// Titles the window after `bar`.
    pub(super) fn set_title_bar(&mut self, page: PageId, bar: &TitleBar) {
        if self.page == Some(page) {
            self.set_title(&bar.title);
        }
    }

    /// Titles the window after the document when the page has no title bar.
    pub(super) fn set_document_title(&mut self, page: PageId, title: &str) {
        if self.page == Some(page) && !self.has_bar {
            self.set_title(title);
        }
    }

    /// Fails: no title bar is drawn.
    pub(super) fn press(&self, page: PageId, _press: TitleBarPress) -> Result<()> {
        Err(Error::NotDrawn(format!(
            "page {}: this platform's host draws no title bar",
            page.0
        )))
    }

    /// `None`: no title bar is drawn.
    pub(super) fn drawn(&self, _page: PageId) -> Option<DrawnTitleBar> {
        None
    }

    fn set_title(&self, title: &str) {
        let title = if title.is_empty() {
            self.default_title.as_str()
        } else {
            title
        };
        self.window.set_title(title);
    }
}
