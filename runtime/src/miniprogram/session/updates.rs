//! What the host's updater found reaches the app's update manager; its `applyUpdate()`
//! restarts the app on the downloaded version.

use capsule_packages::AppKind;
use serde_json::json;

use super::{Session, watch_refusals};
use crate::miniprogram::UpdateStatus;
use crate::miniprogram::diagnostic::Diagnostic;
use capsule_logic::LogicCommand;

impl Session {
    /// Passes an updater report on to the logic layer's update manager.
    pub(super) fn notify_update(&mut self, status: UpdateStatus) {
        let (name, data) = match status {
            UpdateStatus::Checked { has_update } => {
                ("updateCheck", json!({"hasUpdate": has_update}))
            }
            UpdateStatus::Ready(update) => {
                tracing::info!(
                    app = self.app.id(),
                    version = update.version(),
                    "update ready"
                );
                self.pending_update = Some(update);
                ("updateReady", json!({}))
            }
            UpdateStatus::Failed(reason) => {
                tracing::warn!(app = self.app.id(), "update failed: {reason}");
                ("updateFailed", json!({}))
            }
        };
        self.logic(LogicCommand::NativeEvent {
            name: name.to_owned(),
            data,
        });
    }

    /// The app called `applyUpdate()`: opens the downloaded version and cold-starts it in the
    /// same window at its home page. If it cannot be opened, the running version goes on.
    pub(super) fn apply_update(&mut self) {
        let Some(update) = self.pending_update.clone() else {
            tracing::warn!(
                app = self.app.id(),
                "applyUpdate with no downloaded version"
            );
            return;
        };
        let opened = update.apply().and_then(|app| {
            if app.id() != self.app.id() {
                Err(format!("it is app {}, not {}", app.id(), self.app.id()))
            } else if app.manifest().kind != AppKind::MiniProgram {
                Err("it is not a mini-program".into())
            } else {
                Ok(app)
            }
        });
        let restarted = match opened {
            Ok(app) => {
                watch_refusals(&app, &self.inbox);
                self.restart(app, None).map_err(|error| error.to_string())
            }
            Err(error) => Err(error),
        };
        match restarted {
            Ok(()) => self.pending_update = None,
            Err(error) => {
                let message = format!("cannot apply update {}: {error}", update.version());
                tracing::error!(app = self.app.id(), "{message}");
                self.errors.push(Diagnostic::new(message));
            }
        }
    }
}
