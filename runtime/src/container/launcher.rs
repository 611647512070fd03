//! How a host lets H5 apps open other apps (`startApp`).

use serde_json::{Map, Value};

use crate::App;

/// Opens the apps H5 pages ask for with `startApp`: the host's list of installed apps and
/// its policy on which app may open which.
pub trait AppLauncher: Send + Sync {
    /// Finds app `app_id` for app `from`, to open with startup parameters `param` (`url`
    /// picks the page): an H5 app is handed back for the container to open, a mini-program
    /// the host launches itself.
    fn start(
        &self,
        from: &str,
        app_id: &str,
        param: &Map<String, Value>,
    ) -> Result<Launched, StartAppError>;
}

/// What an [`AppLauncher`] did with a `startApp`.
#[derive(Debug)]
pub enum Launched {
    /// The container opens this H5 app with the call's startup parameters.
    OpenH5(App),
    /// The host opened the app itself.
    Opened,
}

/// Why `startApp` did not open an app.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartAppError {
    /// No app of that id is installed (Nebula's code 10).
    #[error("no app {0} is installed")]
    NotFound(String),
    /// The app is there but could not be opened, or the host does not let this app open it
    /// (code 11).
    #[error("{0}")]
    Failed(String),
}
