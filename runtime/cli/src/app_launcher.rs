//! `startApp` in `capsule run`: an H5 app opens the apps installed in the data folder's
//! package store, verified as `capsule run <appId>` verifies them.

use std::path::PathBuf;

use capsule_packages::AppKind;
use capsule_runtime::{App, AppLauncher, Launched, StartAppError};
use serde_json::{Map, Value};

use crate::package_commands;

/// The apps installed in a data folder, trusted as `run` trusts them.
pub(crate) struct InstalledApps {
    /// The data folder holding the package store.
    pub(crate) data_dir: PathBuf,
    /// The `--trust` key files.
    pub(crate) trust: Vec<PathBuf>,
}

impl AppLauncher for InstalledApps {
    fn start(
        &self,
        from: &str,
        app_id: &str,
        _param: &Map<String, Value>,
    ) -> Result<Launched, StartAppError> {
        let failed = |what: &str, error: &dyn std::fmt::Display| {
            StartAppError::Failed(format!("{what}: {error:#}"))
        };
        let mut store = package_commands::open_store(&self.data_dir)
            .map_err(|e| failed("cannot start the app", &e))?;
        let installed = store
            .active_version(app_id)
            .map_err(|e| failed("cannot read the package store", &e))?;
        if installed.is_none() {
            return Err(StartAppError::NotFound(app_id.to_owned()));
        }
        let verifier = package_commands::verifier(&self.data_dir, &self.trust)
            .map_err(|e| failed("cannot verify installed apps", &e))?;
        let app = store
            .launch(&verifier, app_id)
            .map_err(|e| failed(&format!("{app_id} is refused"), &e))?;
        let app = App::from_package(app);
        if app.manifest().kind != AppKind::H5 {
            return Err(StartAppError::Failed(format!(
                "{app_id} is a mini-program: `capsule run` opens H5 apps for {from}'s startApp"
            )));
        }
        Ok(Launched::OpenH5(app))
    }
}
