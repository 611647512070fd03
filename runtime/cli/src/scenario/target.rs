//! What a scenario plays against: the running app and where its pictures go.

use std::path::Path;
use std::sync::mpsc::Receiver;

use anyhow::Result;
use capsule_runtime::{ContainerEvent, MiniProgram};

use super::scans::ScriptedScans;

/// Takes a screenshot of the window into a file.
pub(crate) type Screenshot<'a> = &'a dyn Fn(&Path) -> Result<()>;

/// What a scenario runs against.
pub(crate) struct Target<'a> {
    /// The running app.
    pub(crate) app: &'a MiniProgram,
    /// Whether the app is WeChat-dialect (storage calls differ).
    pub(crate) wechat: bool,
    /// Where screenshots go.
    pub(crate) out_dir: &'a Path,
    /// Where the screenshot (or page HTML) of a failed scenario goes.
    pub(crate) failure_dir: &'a Path,
    /// Takes a screenshot of the window, when there is one.
    pub(crate) screenshot: Option<Screenshot<'a>>,
    /// The run's scripted camera.
    pub(crate) scans: &'a ScriptedScans,
    /// The scenario's folder of approved screenshots.
    pub(crate) approved_dir: &'a Path,
    /// Whether `compare` screenshots are approved as taken instead of compared.
    pub(crate) approve: bool,
    /// The container's events: the app's memory warnings and stop are printed among the
    /// steps.
    pub(crate) events: &'a Receiver<ContainerEvent>,
}
