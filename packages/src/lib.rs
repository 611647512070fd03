//! Capsule offline packages: the app manifest, the signed `.capsule` archive, and the store
//! of installed packages.
//!
//! A package is a zip archive holding `manifest.json`, the app's files, a canonical digest of
//! every file (`_capsule/digest`: path and SHA-256 per line) and a detached Ed25519 signature
//! over that digest (`_capsule/signature`). [`pack`] writes one, a [`Verifier`] checks one
//! against [`TrustedKeys`], and a [`Store`] installs verified packages side by side.
//! [`channel`] is the update channel that delivers packages: its signed index format, staged
//! rollouts and the publisher's side. [`csp`] parses an H5 app's own Content-Security-Policy
//! (the manifest's `csp`).
//!
//! ```
//! use capsule_packages::{AppKind, Manifest};
//!
//! let manifest = Manifest::from_json(br#"{
//!     "appId": "demo", "name": "Demo", "version": "1.0.0",
//!     "kind": "h5", "entry": "index.html",
//!     "permissions": {"apis": ["ui", "system"]}
//! }"#).unwrap();
//! assert_eq!(manifest.kind, AppKind::H5);
//! assert_eq!(manifest.entry.as_str(), "index.html");
//! ```

mod app;
mod archive;
pub mod channel;
pub mod csp;
mod digest;
mod error;
mod key;
mod manifest;
mod path;
mod project;
mod store;

pub use app::{App, AppFiles, DirFiles, FileRefusal, InstalledApp, PackageFiles, SCHEME};
pub use archive::{Limits, PackSummary, PackageInfo, VerifiedPackage, Verifier, inspect, pack};
/// A damaged index moved out of the way ([`Store::set_aside`]).
pub use capsule_sqlite::SetAside;
pub use csp::ContentSecurityPolicy;
pub use digest::FileDigest;
pub use error::{Error, Result};
pub use key::{PublicKey, SecretKey, TrustedKeys};
pub use manifest::{AppId, AppKind, Dialect, MAX_MANIFEST_BYTES, Manifest, Permissions};
pub use path::RelativePath;
pub use project::{ALIPAY_PROJECT_FILE, Inference, WECHAT_PROJECT_FILE, infer_manifest};
pub use store::{ChannelState, DEFAULT_KEEP_VERSIONS, InstallOptions, InstalledVersion, Store};
