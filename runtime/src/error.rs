/// Everything the runtime can fail at.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A package or app folder is unusable.
    #[error(transparent)]
    Package(#[from] capsule_packages::Error),
    /// An app's own Content-Security-Policy (its manifest's `csp`) relaxes more than the host
    /// allows ([`CspCap`](crate::CspCap)), or reaches hosts the app does not declare. The
    /// message names the app, the directive and the source, and how it could be allowed.
    #[error("{0}")]
    Csp(String),
    /// The app's kind cannot run in this runtime yet.
    #[error("{0}")]
    Unsupported(String),
    /// An H5 app's startup parameters are unusable (a `url` outside the app, a bad window
    /// parameter).
    #[error("bad startup parameters for {0}")]
    StartupParams(String),
    /// The window system or webview failed.
    #[error("webview error: {0}")]
    Webview(String),
    /// The virtual display could not be started.
    #[error("cannot start a virtual display (Xvfb): {0}")]
    Display(String),
    /// The page referred to is not open.
    #[error("page {0} is not open")]
    NoSuchPage(u64),
    /// A script run in a page threw or could not be run.
    #[error("script failed in the page: {0}")]
    Script(String),
    /// The host stopped before answering.
    #[error("the render host stopped")]
    HostStopped,
    /// The page's web process ended while the host waited for the page (a script's result).
    #[error("the page's web process {0}")]
    WebProcessGone(crate::WebProcessGoneReason),
    /// A tester asked to press what the window does not draw: a title bar button that is
    /// hidden, or a page's bar covered by a page pushed over it.
    #[error("nothing drawn to press: {0}")]
    NotDrawn(String),
    /// A screenshot could not be taken or written.
    #[error("screenshot failed: {0}")]
    Screenshot(String),
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;
