use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::{Camera, Position, ScanSource, StorageLimits};

/// What a host tells the native modules: where app data lives, how much of it an app may
/// keep, and what the network may reach.
///
/// ```
/// use capsule_jsapi::{ApiConfig, Registry};
/// let config = ApiConfig { data_dir: Some("/tmp/capsule-data".into()), ..ApiConfig::default() };
/// let registry = Registry::with_config(&config);
/// assert!(registry.get("setStorageSync").is_some());
/// ```
#[derive(Clone)]
pub struct ApiConfig {
    /// The host's data directory: one storage database for all apps, and each app's files.
    /// APIs that keep data fail (code 3, naming the problem) while it is unset.
    pub data_dir: Option<PathBuf>,
    /// Storage quotas.
    pub storage_limits: StorageLimits,
    /// Most bytes an app may keep in its file area (`usr` and saved files; WeChat: 200 MB).
    pub file_limit_bytes: u64,
    /// Developer mode: apps may use plain `http://` to loopback domains they declare
    /// (`http://localhost:8080`). Everything else needs HTTPS either way.
    pub developer_mode: bool,
    /// Extra root certificates (DER) trusted for HTTPS next to the system's, for example a
    /// company or test certificate authority.
    pub trusted_certificates: Vec<Vec<u8>>,
    /// Where `getLocation` says the device is.
    pub position: Position,
    /// Where `scan` / `scanCode` get their image (the camera's stand-in). Without one,
    /// scans fail with code 11.
    pub scan_source: Option<Arc<dyn ScanSource>>,
    /// A camera `scan` / `scanCode` decode live frames of, in a preview sheet, before
    /// [`ApiConfig::scan_source`] or the picture chooser; they stay the fallback when it
    /// cannot be opened.
    pub camera: Option<Arc<dyn Camera>>,
    /// How long a camera scan looks for a code before it fails (code 11); 60 s by default.
    pub camera_time_limit: Duration,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            data_dir: None,
            storage_limits: StorageLimits::default(),
            file_limit_bytes: 200 << 20,
            developer_mode: false,
            trusted_certificates: Vec::new(),
            position: Position::default(),
            scan_source: None,
            camera: None,
            camera_time_limit: Duration::from_secs(60),
        }
    }
}

impl fmt::Debug for ApiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiConfig")
            .field("data_dir", &self.data_dir)
            .field("storage_limits", &self.storage_limits)
            .field("file_limit_bytes", &self.file_limit_bytes)
            .field("developer_mode", &self.developer_mode)
            .field("trusted_certificates", &self.trusted_certificates.len())
            .field("position", &self.position)
            .field("scan_source", &self.scan_source.is_some())
            .field("camera", &self.camera.is_some())
            .field("camera_time_limit", &self.camera_time_limit)
            .finish()
    }
}
