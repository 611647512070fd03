//! The JSAPI side of Capsule: what a mini-program or H5 page may ask of the device.
//!
//! A [`Registry`] maps canonical API names (`getSystemInfo`, `showToast`, ...) to handlers.
//! Every handler declares the [`Permission`] it needs; the runtime's bridge checks that
//! permission before the call and hands the handler an [`ApiCall`] plus a [`Reply`] to answer
//! with, now or later. Handlers reach the device (UI, clipboard, system facts) through the
//! [`Device`] trait, which each render host implements.
//!
//! [`Registry::with_config`] registers the native modules a host configures with an
//! [`ApiConfig`]: storage (SQLite, per app, with quotas), network (`request`,
//! `downloadFile`, `uploadFile` to declared domains), the sandboxed file area, scanning from a
//! [`ScanSource`], system and device APIs, and the container UI (toasts, dialogs, loading,
//! action sheets, navigation bar and tab bar changes) drawn through [`Device::show_ui`].
//! Each [`Caller`] carries its [`Dialect`], which picks Alipay's or WeChat's argument and
//! result shapes.
//!
//! ```
//! use capsule_jsapi::{ApiError, Permission, Registry};
//! use serde_json::json;
//!
//! let mut registry = Registry::with_builtins();
//! registry.register_fn("echo", Permission::custom("echo"), |call| Ok(call.args.clone()));
//! assert!(registry.get("echo").is_some());
//! assert_eq!(ApiError::not_found("nope").code, 1);
//! # let _ = json!({});
//! ```

mod args;
mod builtins;
mod catalog;
mod config;
mod cookies;
mod device;
mod dialect;
mod error;
mod files;
mod menu_button;
mod network;
mod permission;
mod registry;
mod reply;
mod scan;
mod storage;
mod system;
mod ui;
pub mod value;
mod window;
mod window_request;

pub use args::Args;
pub use config::ApiConfig;
pub use device::{Device, SafeArea, SystemInfo, TabBadge, ToastIcon, UiRequest};
pub use dialect::Dialect;
pub use error::{ApiError, ApiResult};
pub use menu_button::MenuButton;
pub use network::{
    ABORTED, DECODE_ERROR, DOMAIN_NOT_ALLOWED, HTTP_ERROR, NETWORK_ERROR, TIMEOUT, tls_config,
};
pub use permission::{Permission, PermissionSet};
pub use registry::{ApiCall, Caller, JsApi, NetworkTimeout, Registry};
pub use reply::Reply;
pub use scan::{
    Camera, CodeFormat, DecodeOptions, FrameSource, ImageFileSource, PREVIEW_FPS, RecordedFrames,
    SCAN_CANCELLED, SCAN_FAILED, ScanImage, ScanRequest, ScanSource, ScannedCode,
};
pub use storage::{StorageLimits, TOTAL_OVER_LIMIT, VALUE_TOO_LONG};
pub use system::{Position, UNSUPPORTED_APIS};
pub use window_request::{
    BackBehavior, MAX_WINDOW_DATA_BYTES, OptionMenuChange, OptionMenuItem, PopTarget, Transparency,
    WindowParams, WindowRequest,
};
