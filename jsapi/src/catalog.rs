//! The built-in API catalogue: a [`Registry`] with every native module of this crate.

use std::sync::Arc;

use crate::ApiConfig;
use crate::registry::Registry;

impl Registry {
    /// A registry holding Capsule's built-in APIs, with no data directory: storage and file
    /// APIs fail until a host gives one through [`Registry::with_config`].
    pub fn with_builtins() -> Self {
        Self::with_config(&ApiConfig::default())
    }

    /// A registry holding Capsule's built-in APIs, configured by the host.
    pub fn with_config(config: &ApiConfig) -> Self {
        let mut registry = Self::new();
        crate::builtins::register(&mut registry);
        crate::ui::register(&mut registry);
        crate::window::register(&mut registry);
        let store = Arc::new(crate::storage::Store::new(
            config.data_dir.clone(),
            config.storage_limits,
        ));
        crate::storage::register(&mut registry, &store);
        let files = Arc::new(crate::files::FileAreas::new(
            config.data_dir.as_deref(),
            config.file_limit_bytes,
        ));
        crate::files::register(&mut registry, &files);
        let network = Arc::new(crate::network::Network::new(
            config.developer_mode,
            config.trusted_certificates.clone(),
            files,
            config.data_dir.as_deref(),
        ));
        crate::network::register(&mut registry, &network);
        crate::scan::register(
            &mut registry,
            config.scan_source.as_ref(),
            config.camera.as_ref(),
            config.camera_time_limit,
        );
        crate::system::register(&mut registry, config.position);
        registry.register_can_i_use();
        registry
    }

    /// Registers (or refreshes) `canIUse` so that it answers for the APIs registered now.
    /// The container calls this on the final registry, so a host's own APIs count too.
    pub fn register_can_i_use(&mut self) {
        crate::system::register_can_i_use(self);
    }
}
