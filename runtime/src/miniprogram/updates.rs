//! The host's side of `wx.getUpdateManager()` / `my.getUpdateManager()`: the host's updater
//! tells a running mini-program what it found (`MiniProgram::notify_update`), and the app's `applyUpdate()` restarts it on
//! the downloaded version, in the same window, at its home page.

use std::fmt;
use std::sync::Arc;

use crate::App;

/// What the host's updater found for a running mini-program.
#[derive(Debug, Clone)]
pub enum UpdateStatus {
    /// The check finished: `onCheckForUpdate({hasUpdate})`.
    Checked {
        /// Whether a newer version exists.
        has_update: bool,
    },
    /// A new version is downloaded and installed but not active: `onUpdateReady()`.
    Ready(PendingUpdate),
    /// Download or install failed: `onUpdateFailed()`; the reason is logged.
    Failed(String),
}

/// A downloaded version waiting for `applyUpdate()`.
#[derive(Clone)]
pub struct PendingUpdate {
    version: String,
    apply: Arc<dyn Fn() -> Result<App, String> + Send + Sync>,
}

impl PendingUpdate {
    /// A downloaded `version`; `apply` opens it (activating it in the host's store, say) when
    /// the app calls `applyUpdate()`. An error leaves the running version as it is.
    pub fn new(
        version: impl Into<String>,
        apply: impl Fn() -> Result<App, String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            version: version.into(),
            apply: Arc::new(apply),
        }
    }

    /// The downloaded version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Opens the downloaded version.
    pub(crate) fn apply(&self) -> Result<App, String> {
        (self.apply)()
    }
}

impl fmt::Debug for PendingUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingUpdate")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}
