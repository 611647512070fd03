//! Capsule's runtime: runs offline H5 apps (and, as they land, mini-programs) in a container
//! whose pages call native APIs through one permission-checked JSBridge.
//!
//! A host builds a [`Container`] on a [`RenderHost`] — [`WryHost`] for real webviews,
//! [`HeadlessHost`] for tests — and opens [`App`]s in it:
//!
//! ```
//! use std::sync::Arc;
//! use capsule_runtime::{Container, HeadlessHost, HostRecord};
//!
//! let host = Arc::new(HeadlessHost::new());
//! let container = Container::builder().build(host.clone());
//! # let dir = tempfile::tempdir().unwrap();
//! # std::fs::write(dir.path().join("manifest.json"), r#"{"appId":"demo","name":"Demo",
//! #   "version":"1.0.0","kind":"h5","entry":"index.html"}"#).unwrap();
//! let app = capsule_runtime::App::open_dir(dir.path()).unwrap();
//! let page = container.open(app).unwrap();
//! assert_eq!(host.records()[0], HostRecord::Opened { page, url: "capsule://demo/index.html".into() });
//! ```

mod analytics;
mod bridge;
mod container;
mod csp;
mod device;
mod error;
mod host;
mod lanes;
mod miniprogram;
mod otlp_export;
mod policy;
mod protocol;
mod updater;

pub use bridge::{FromPage, ToPage};
pub use capsule_logic::{
    ApiDispatch, BudgetAllocator, DataChange, EventObject, EventTarget, HostElement, Isolation,
    LogicCommand, LogicError, LogicHandle, LogicOptions, LogicPageId, LogicToView, PageBars,
    PathKey, Route, Splice, StopReason, Touch, ViewEvent, WORKER_ARG, WorkerCommand,
};
pub use capsule_packages::{App, AppFiles, DirFiles};
/// The view layer ([`capsule_view`]): templates, virtual DOM, diff, styles.
pub use capsule_view as view;
pub use container::launcher::{AppLauncher, Launched, StartAppError};
pub use container::{
    CRASH_LOOP_WINDOW, Container, ContainerBuilder, ContainerEvent, default_data_dir,
};
pub use device::DeviceProfile;
pub use error::{Error, Result};
pub use host::{
    DrawnMenuButton, DrawnTitleBar, HeadlessHost, HostRecord, PageId, PageSpec, RenderHost,
    TitleBar, TitleBarPress, WebProcessGoneReason, WryHandle, WryHost,
};
#[cfg(target_os = "linux")]
pub use host::{VirtualDisplay, WEB_PROCESS_MEMORY_LIMIT};
pub use miniprogram::{
    AppLimits, ColdStart, Diagnostic, MiniProgram, MiniProgramError, MiniProgramOptions,
    PendingUpdate, Snapshot, UiShown, UpdateStatus, UserAction,
};
pub use otlp_export::{BackgroundExport, ExportError, OTLP_BATCH_SIZE, OtlpConfig, OtlpExporter};
pub use policy::{CspCap, HostPolicy};

/// Call this first thing in `main` of an executable that hosts apps, and install
/// [`BudgetAllocator`] as its global allocator: started as an app's logic worker (with
/// [`WORKER_ARG`]), the process serves that app — its logic and its pages' view scripts —
/// and this returns its exit status for [`std::process::exit`]; otherwise it returns `None`
/// and apps launched from now on run in workers started from this executable
/// ([`Isolation::best_available`]).
pub fn worker_main() -> Option<i32> {
    capsule_logic::worker_main(miniprogram::view_script_service())
}
pub use protocol::{SCHEME, content_security_policy, serve};
pub use updater::{
    Activation, BackgroundUpdates, Check, UpdateError, UpdateEvent, UpdateOutcome, Updater,
    fetch_index,
};
