//! Command-line arguments more than one command takes.

use std::path::PathBuf;
use std::time::Duration;

use capsule_runtime::{AppLimits, DeviceProfile};

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
    /// More apps to open beside the first, each in a window of its own with its own logic,
    /// storage, files and web data.
    #[arg(value_name = "MORE_APPS")]
    pub(crate) more: Vec<PathBuf>,
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
    /// The V4L2 camera `scan` / `scanCode` show and decode live (default: the first
    /// /dev/video*, unless --scan-image is given); the picture stays the fallback.
    #[arg(long, value_name = "DEVICE", conflicts_with = "camera_frames")]
    pub(crate) camera: Option<PathBuf>,
    /// A folder of PNG/JPEG frames played in name order, 10 a second, in a loop, standing
    /// in for the camera.
    #[arg(long, value_name = "DIR")]
    pub(crate) camera_frames: Option<PathBuf>,
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
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

impl RunArgs {
    /// Every app given, the first first.
    pub(crate) fn apps(&self) -> impl Iterator<Item = &PathBuf> {
        std::iter::once(&self.app).chain(&self.more)
    }
}

/// `--memory-budget` and `--time-budget`: a mini-program's limits, tighter or looser than
/// the simulated device's.
#[derive(clap::Args)]
pub(crate) struct LimitArgs {
    /// Mini-programs: the memory the app's logic may hold, in MiB (default: the device's
    /// budget: iphone-8 256, ipad 1024, the others 512). An app over it is
    /// stopped; memory warnings come at 60, 75 and 90 %.
    #[arg(long, value_name = "MiB", value_parser = parse_memory_budget)]
    memory_budget: Option<u64>,
    /// Mini-programs: how long one task of the app's logic (an event handler, a lifecycle
    /// hook, a timer) may run, in seconds (default 10). An app over it is stopped.
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_budget)]
    time_budget: Option<Duration>,
}

impl LimitArgs {
    /// Whether either limit was given.
    pub(crate) fn given(&self) -> bool {
        self.memory_budget.is_some() || self.time_budget.is_some()
    }

    /// The limits to run the app with; what was not given is the default.
    pub(crate) fn app_limits(&self) -> AppLimits {
        AppLimits {
            memory_budget: self.memory_budget,
            time_budget: self.time_budget,
            ..AppLimits::default()
        }
    }
}

/// `--memory-budget`: a whole number of MiB, at least 1; in bytes.
fn parse_memory_budget(text: &str) -> Result<u64, String> {
    let mib: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number of MiB (like 96)"))?;
    if mib == 0 {
        return Err("the memory budget must be at least 1 MiB".into());
    }
    mib.checked_mul(1 << 20)
        .ok_or_else(|| format!("{mib} MiB is more memory than can be counted"))
}

/// `--time-budget`: a number of seconds, at least a millisecond.
fn parse_time_budget(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds (like 2 or 0.5)"))?;
    if seconds.is_nan() || seconds < 0.001 {
        return Err("the time budget must be a positive number of seconds, at least 0.001".into());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text} s is too long a time budget"))
}

pub(crate) fn device_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(DeviceProfile::ALL.map(|profile| profile.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_budgets_are_whole_positive_mib() {
        assert_eq!(parse_memory_budget("96"), Ok(96 << 20));
        assert_eq!(parse_memory_budget(" 1 "), Ok(1 << 20));
        for bad in ["0", "-5", "1.5", "abc", "", "99999999999999999999"] {
            assert!(parse_memory_budget(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(parse_memory_budget(&u64::MAX.to_string()).is_err());
    }

    #[test]
    fn time_budgets_are_positive_seconds() {
        assert_eq!(parse_time_budget("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_time_budget("0.5"), Ok(Duration::from_millis(500)));
        for bad in ["0", "-1", "0.0001", "abc", "NaN", "inf", "", "1e300"] {
            assert!(parse_time_budget(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
