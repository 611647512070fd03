//! `capsule`: the Capsule simulator and tools.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use capsule_runtime::{
    App, Container, ContainerEvent, DeviceProfile, PageId, WryHandle, WryHost, WryHostOptions,
};
use clap::{Parser, Subcommand};

/// How long a page may take to load before `run` gives up.
const LOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an `--exec` script may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Parser)]
#[command(
    name = "capsule",
    version,
    about = "Run mini-programs and offline H5 apps in the Capsule container"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Open an app folder (with a manifest.json) in a simulator window.
    ///
    /// With no display (DISPLAY unset) it starts a virtual one (Xvfb), renders the app,
    /// writes a screenshot and exits.
    Run(RunArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// The app folder.
    app: PathBuf,
    /// Write a PNG of the window here once the page has loaded (and --exec has finished),
    /// then exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Run this JavaScript file in the page once it has loaded, as the body of an async
    /// function; print its returned value as JSON, then exit.
    #[arg(long)]
    exec: Option<PathBuf>,
    /// Simulated device.
    #[arg(long, default_value = "iphone-8", value_parser = device_names())]
    device: String,
}

fn device_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(DeviceProfile::ALL.map(|profile| profile.name))
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CAPSULE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Run(args) => run(&args),
    };
    match code {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
    }
}

fn run(args: &RunArgs) -> Result<i32> {
    let app =
        App::open_dir(&args.app).with_context(|| format!("cannot open {}", args.app.display()))?;
    let script = match &args.exec {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => None,
    };
    let profile = DeviceProfile::named(&args.device).context("unknown device")?;
    let display = ensure_display(profile)?;
    let headless = display.is_some();
    let screenshot = match (&args.screenshot, headless) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => Some(PathBuf::from(format!("capsule-{}.png", app.id()))),
        (None, false) => None,
    };

    let host = WryHost::new(WryHostOptions {
        title: app.manifest().name.clone(),
        width: profile.width,
        height: profile.height,
    });
    let handle = host.handle();
    let container = Container::builder()
        .device(profile)
        .build(Arc::new(handle.clone()));
    let events = container.subscribe();
    let page = container.open(app)?;
    if script.is_some() || screenshot.is_some() {
        let driver = Driver {
            handle,
            events,
            page,
            script,
            screenshot,
        };
        std::thread::spawn(move || driver.drive());
    }
    let code = host.run(&container);
    // Exit while the virtual display still runs: killing the X server under live GTK and
    // WebKit connections makes their I/O error handlers end the process with status 1.
    // Xvfb (started with -terminate) stops by itself once its last client is gone.
    std::process::exit(code);
}

/// Runs the scripted part of `run` off the UI thread: wait for the page, run the script,
/// take the screenshot, exit.
struct Driver {
    handle: WryHandle,
    events: Receiver<ContainerEvent>,
    page: PageId,
    script: Option<String>,
    screenshot: Option<PathBuf>,
}

impl Driver {
    fn drive(self) {
        let code = match self.steps() {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("error: {error:#}");
                1
            }
        };
        self.handle.exit(code);
    }

    fn steps(&self) -> Result<()> {
        self.wait_until_loaded()?;
        if let Some(script) = &self.script {
            let value = self.handle.run_script(self.page, script, SCRIPT_TIMEOUT)?;
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        if let Some(path) = &self.screenshot {
            // Let the last DOM changes and CSS transitions reach the screen.
            std::thread::sleep(Duration::from_millis(300));
            self.handle.screenshot(self.page, path)?;
            println!("screenshot: {}", absolute(path).display());
        }
        Ok(())
    }

    fn wait_until_loaded(&self) -> Result<()> {
        let deadline = Instant::now() + LOAD_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(ContainerEvent::PageLoaded(page)) if page == self.page => return Ok(()),
                Ok(ContainerEvent::PageClosed(page)) if page == self.page => {
                    bail!("the page closed before it loaded")
                }
                Ok(_) => {}
                Err(_) => bail!("the page did not load within {} s", LOAD_TIMEOUT.as_secs()),
            }
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Starts a virtual display when there is no display to draw on.
#[cfg(target_os = "linux")]
fn ensure_display(profile: DeviceProfile) -> Result<Option<capsule_runtime::VirtualDisplay>> {
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()));
    if has_display {
        return Ok(None);
    }
    let virtual_display =
        capsule_runtime::VirtualDisplay::start(profile.width.max(1280), profile.height.max(1024))?;
    let name = virtual_display.name();
    tracing::info!(display = name, "no display found; started a virtual one");
    set_display_variable(name);
    Ok(Some(virtual_display))
}

#[cfg(not(target_os = "linux"))]
fn ensure_display(_profile: DeviceProfile) -> Result<Option<()>> {
    Ok(None)
}

/// Points GTK at the virtual display.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn set_display_variable(name: &str) {
    // SAFETY: called from `main` before any other thread is started, so nothing reads the
    // environment concurrently.
    unsafe {
        std::env::set_var("DISPLAY", name);
        std::env::remove_var("WAYLAND_DISPLAY");
    }
}
