//! Capsule offline packages: the app manifest and the package-relative paths every file is
//! named by.
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

mod error;
mod manifest;
mod path;

pub use error::{Error, Result};
pub use manifest::{AppId, AppKind, Dialect, MAX_MANIFEST_BYTES, Manifest, Permissions};
pub use path::RelativePath;
