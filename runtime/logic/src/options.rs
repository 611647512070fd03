//! Limits and settings for one app's logic thread, and the layer's error.

use std::time::Duration;

/// Why the logic layer could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogicError {
    /// The operating system refused to start the thread.
    #[error("cannot start the logic thread: {0}")]
    Spawn(#[source] std::io::Error),
    /// The logic thread has stopped (shut down or crashed).
    #[error("the logic thread has stopped")]
    Stopped,
}

/// Limits for one app's scripts.
#[derive(Debug, Clone, Copy)]
pub struct LogicOptions {
    /// Loop iterations one call frame may run before it is cut (boa counts per frame).
    pub loop_iteration_limit: u64,
    /// Nested calls before a script is cut.
    pub recursion_limit: usize,
    /// Native stack of the logic thread; deep nesting in source needs a large one.
    pub stack_size: usize,
    /// How long a `...Sync` API may block the logic thread.
    pub sync_api_timeout: Duration,
    /// The bars the window draws around each page; when set, `getSystemInfo`'s
    /// `windowHeight` is the page area between them, as on a phone.
    pub bars: Option<PageBars>,
}

/// Heights in CSS px of the bars a window draws around a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageBars {
    /// The navigation bar with the status bar above it, over every page that does not draw
    /// under them (`navigationStyle: "custom"`, Alipay `transparentTitle`).
    pub navigation_bar: u32,
    /// The tab bar with the bottom safe-area inset below it, under tab pages.
    pub tab_bar: u32,
}

impl Default for LogicOptions {
    fn default() -> Self {
        Self {
            loop_iteration_limit: 20_000_000,
            recursion_limit: 4_000,
            stack_size: 256 << 20,
            sync_api_timeout: Duration::from_secs(30),
            bars: None,
        }
    }
}
