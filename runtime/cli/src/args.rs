//! Command-line arguments more than one command takes.

use std::path::PathBuf;

use capsule_runtime::DeviceProfile;

#[derive(clap::Args)]
pub(crate) struct TrustArgs {
    /// Also trust this public key file (repeatable).
    #[arg(long = "trust", value_name = "KEY.pub")]
    pub(crate) keys: Vec<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// An app folder, a .capsule package, or an installed app's id.
    pub(crate) app: PathBuf,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
    /// Refuse unsigned app folders (developer mode), as a production host would.
    #[arg(long)]
    pub(crate) signed_only: bool,
    /// Write a PNG of the window here once the page has loaded (and --exec has finished),
    /// then exit.
    #[arg(long)]
    pub(crate) screenshot: Option<PathBuf>,
    /// Run this JavaScript file in the page once it has loaded, as the body of an async
    /// function; print its returned value as JSON, then exit.
    #[arg(long)]
    pub(crate) exec: Option<PathBuf>,
    /// Simulated device.
    #[arg(long, default_value = "iphone-8", value_parser = device_names())]
    pub(crate) device: String,
    /// The image `scan` / `scanCode` read, standing in for the camera (PNG or JPEG).
    #[arg(long, value_name = "FILE")]
    pub(crate) scan_image: Option<PathBuf>,
    /// Mini-programs: run without a window and print the current page's rendered HTML.
    #[arg(long)]
    pub(crate) headless: bool,
    /// An installed app: check this update channel (base URL) in the background while it
    /// runs; an update is installed for the next launch, or at once when the app applies
    /// it (getUpdateManager). An app not installed yet is installed from it first.
    #[arg(long, requires = "user", value_name = "URL")]
    pub(crate) channel: Option<String>,
    /// With --channel: the user's id.
    #[arg(long, requires = "channel")]
    pub(crate) user: Option<String>,
    /// With --channel: the user is internal (an employee or tester).
    #[arg(long, requires = "channel")]
    pub(crate) internal: bool,
}

pub(crate) fn device_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(DeviceProfile::ALL.map(|profile| profile.name))
}
