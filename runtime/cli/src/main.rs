//! `capsule`: the Capsule simulator and tools.

mod channel_commands;
mod mini_commands;
mod package_commands;
mod scenario;
mod visual;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use capsule_jsapi::ImageFileSource;
use capsule_packages::channel::Audience;
use capsule_packages::{AppId, AppKind, Store};
use capsule_runtime::{
    App, Container, ContainerEvent, DeviceProfile, PageId, Updater, WryHandle, WryHost,
    WryHostOptions,
};
use clap::{Parser, Subcommand};

/// How long a page may take to load before `run` gives up.
const LOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an `--exec` script may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);
/// How often `run --channel` checks for updates (give or take a fifth).
pub(crate) const UPDATE_INTERVAL: Duration = Duration::from_secs(30 * 60);

#[derive(Parser)]
#[command(
    name = "capsule",
    version,
    about = "Run mini-programs and offline H5 apps in the Capsule container"
)]
struct Cli {
    /// Package store folder (default: $CAPSULE_DATA_DIR, else $XDG_DATA_HOME/capsule, else
    /// ~/.local/share/capsule). Trusted keys are the *.pub files in its trusted-keys/ folder.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Open an app in a simulator window: an app folder (unsigned developer mode), a signed
    /// .capsule package, or the id of an installed app.
    ///
    /// With no display (DISPLAY unset) it starts a virtual one (Xvfb), renders the app,
    /// writes a screenshot and exits.
    Run(RunArgs),
    /// Play scenario files (JSON) against a mini-program: taps, input, waits and
    /// expectations, one line per step. Headless by default; --webview runs them in the
    /// real window. Exits 1 when a step fails.
    Test(mini_commands::TestArgs),
    /// Create a publisher key pair: <out> (secret, mode 0600) and <out>.pub (one line).
    Keygen {
        /// Secret key file to create.
        #[arg(short, long, default_value = "publisher.key")]
        out: PathBuf,
    },
    /// Pack and sign an app folder into a .capsule package.
    Pack {
        /// The app folder (with manifest.json).
        dir: PathBuf,
        /// The publisher's secret key file.
        #[arg(long)]
        key: PathBuf,
        /// The package to write.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Check a package's signature, structure, manifest and every file's hash.
    Verify {
        /// The package.
        package: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Show a package's manifest and entries (without checking the signature).
    Inspect {
        /// The package.
        package: PathBuf,
    },
    /// Verify a package and install it as its app's active version.
    Install {
        /// The package.
        package: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
        /// Allow installing a version that is not newer than the active one.
        #[arg(long)]
        force: bool,
        /// Allow an update signed by another trusted key than the installed version's.
        #[arg(long)]
        allow_key_change: bool,
        /// Refuse the package unless it is this app.
        #[arg(long)]
        app_id: Option<String>,
        /// How many versions of the app to keep installed (older ones are deleted).
        #[arg(long, default_value_t = capsule_packages::DEFAULT_KEEP_VERSIONS as u64,
              value_parser = clap::value_parser!(u64).range(1..=100))]
        keep: u64,
    },
    /// List installed apps and their kept versions.
    List,
    /// Make the version installed before the active one active again.
    Rollback {
        /// The app.
        app_id: String,
    },
    /// Uninstall every version of an app.
    Remove {
        /// The app.
        app_id: String,
    },
    /// Trust a publisher's public key file for every later command (copies it into the
    /// data folder's trusted-keys/).
    Trust {
        /// The public key file (one line, as written by keygen).
        public_key: PathBuf,
    },
    /// Add a signed package to an update channel folder as a new release, rolled out to
    /// the stage given. The channel's signed index is rewritten atomically.
    Publish {
        /// The package (signed with --key, newer than the app's releases in the channel).
        package: PathBuf,
        /// The channel folder (what a static web server, CDN or bucket serves).
        #[arg(long)]
        channel: PathBuf,
        #[command(flatten)]
        stage: channel_commands::StageArgs,
        #[command(flatten)]
        signing: channel_commands::SigningArgs,
    },
    /// Change a release's rollout in an update channel folder, or show a channel.
    Channel {
        #[command(subcommand)]
        command: channel_commands::ChannelCommand,
    },
    /// Check an update channel and install the release meant for a user; it is active at
    /// once. Exits 0 when the app is on that release.
    Update {
        /// The app.
        app_id: String,
        /// The channel's base URL.
        #[arg(long)]
        channel: String,
        /// The user's id (rollouts pick users by it).
        #[arg(long)]
        user: String,
        /// The user is internal (an employee or tester).
        #[arg(long)]
        internal: bool,
        #[command(flatten)]
        trust: TrustArgs,
    },
}

#[derive(clap::Args)]
pub(crate) struct TrustArgs {
    /// Also trust this public key file (repeatable).
    #[arg(long = "trust", value_name = "KEY.pub")]
    keys: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct RunArgs {
    /// An app folder, a .capsule package, or an installed app's id.
    app: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// Refuse unsigned app folders (developer mode), as a production host would.
    #[arg(long)]
    signed_only: bool,
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
    /// The image `scan` / `scanCode` read, standing in for the camera (PNG or JPEG).
    #[arg(long, value_name = "FILE")]
    scan_image: Option<PathBuf>,
    /// Mini-programs: run without a window and print the current page's rendered HTML.
    #[arg(long)]
    headless: bool,
    /// An installed app: check this update channel (base URL) in the background while it
    /// runs; an update is installed for the next launch, or at once when the app applies
    /// it (getUpdateManager). An app not installed yet is installed from it first.
    #[arg(long, requires = "user", value_name = "URL")]
    channel: Option<String>,
    /// With --channel: the user's id.
    #[arg(long, requires = "channel")]
    user: Option<String>,
    /// With --channel: the user is internal (an employee or tester).
    #[arg(long, requires = "channel")]
    internal: bool,
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
    match execute(cli.command, cli.data_dir.as_deref()) {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
    }
}

/// Runs a command; returns the exit status.
fn execute(command: Command, data_dir: Option<&Path>) -> Result<i32> {
    use package_commands as cmd;
    let data = || cmd::data_dir(data_dir);
    let open_store = || -> Result<Store> {
        let dir = data()?;
        Store::open(&dir)
            .with_context(|| format!("cannot open the package store {}", dir.display()))
    };
    let done = match command {
        Command::Run(args) => return run(&args, data_dir),
        Command::Test(args) => return mini_commands::test(&args, data_dir),
        Command::Keygen { out } => cmd::keygen(&out),
        Command::Pack { dir, key, out } => cmd::pack_dir(&dir, &key, &out),
        Command::Verify { package, trust } => {
            cmd::verify(&cmd::verifier(&data()?, &trust.keys)?, &package)
        }
        Command::Inspect { package } => cmd::inspect_package(&package),
        Command::Install {
            package,
            trust,
            force,
            allow_key_change,
            app_id,
            keep,
        } => {
            let verifier = cmd::verifier(&data()?, &trust.keys)?;
            let options =
                cmd::install_options(&package, force, allow_key_change, app_id.as_deref())?;
            let keep = usize::try_from(keep)?;
            cmd::install(
                &mut open_store()?.keeping(keep),
                &verifier,
                &package,
                &options,
            )
        }
        Command::List => cmd::list(&open_store()?),
        Command::Rollback { app_id } => cmd::rollback(&mut open_store()?, &app_id),
        Command::Remove { app_id } => cmd::remove(&mut open_store()?, &app_id),
        Command::Trust { public_key } => cmd::trust(&data()?, &public_key),
        Command::Publish {
            package,
            channel,
            stage,
            signing,
        } => channel_commands::publish(&package, &channel, &stage, &signing),
        Command::Channel { command } => channel_commands::channel(&command, data_dir),
        Command::Update {
            app_id,
            channel,
            user,
            internal,
            trust,
        } => {
            let audience = Audience {
                user_id: user,
                internal,
            };
            channel_commands::update(&app_id, &channel, audience, &trust, data_dir)
        }
    };
    done.map(|()| 0)
}

/// Opens the app `run` names: an app folder (developer mode, unless `--signed-only`), a
/// package (verified and unpacked into a temporary folder) or an installed app.
fn open_app(args: &RunArgs, data_dir: Option<&Path>) -> Result<(App, Option<Unpacked>)> {
    if let Some(channel) = &args.channel {
        install_if_missing(args, channel, data_dir)?;
    }
    open_app_at(&args.app, args.signed_only, &args.trust, data_dir)
}

/// `run --channel` of an app not installed yet: installs it from the channel first.
fn install_if_missing(args: &RunArgs, channel: &str, data_dir: Option<&Path>) -> Result<()> {
    let app_id = args
        .app
        .to_str()
        .and_then(|id| AppId::new(id).ok())
        .filter(|_| !args.app.exists())
        .with_context(|| {
            format!(
                "--channel updates installed apps; {} is not an app id",
                args.app.display()
            )
        })?;
    let installed = Store::open(&package_commands::data_dir(data_dir)?)?
        .active_version(app_id.as_str())?
        .is_some();
    if !installed {
        channel_commands::update(
            app_id.as_str(),
            channel,
            audience(args)?,
            &args.trust,
            data_dir,
        )?;
    }
    Ok(())
}

/// The user `run --channel` updates for.
fn audience(args: &RunArgs) -> Result<Audience> {
    Ok(Audience {
        user_id: args.user.clone().context("--channel needs --user")?,
        internal: args.internal,
    })
}

/// With `--channel`: the updater of the app `run` opens.
pub(crate) fn updater(args: &RunArgs, data_dir: Option<&Path>) -> Result<Option<Updater>> {
    args.channel
        .as_deref()
        .map(|channel| channel_commands::updater(channel, audience(args)?, &args.trust, data_dir))
        .transpose()
}

/// Opens an app folder, package or installed app id (see [`open_app`]).
pub(crate) fn open_app_at(
    app: &Path,
    signed_only: bool,
    trust: &TrustArgs,
    data_dir: Option<&Path>,
) -> Result<(App, Option<Unpacked>)> {
    let name = app.display();
    if app.is_dir() {
        if signed_only {
            bail!("{name} is an unsigned app folder (developer mode); --signed-only refuses it");
        }
        tracing::info!(app = %name, "developer mode: running an unsigned app folder");
        let app = App::open_dir(app).with_context(|| format!("cannot open {name}"))?;
        return Ok((app, None));
    }
    let data_dir = package_commands::data_dir(data_dir)?;
    let verifier = package_commands::verifier(&data_dir, &trust.keys)?;
    if app.is_file() {
        let unpacked = Unpacked::new()?;
        let app = verifier
            .unpack(app, &unpacked.0)
            .with_context(|| format!("{name} is refused"))?;
        return Ok((App::from_package(app), Some(unpacked)));
    }
    let app_id = app
        .to_str()
        .and_then(|id| AppId::new(id).ok())
        .with_context(|| format!("{name} is not an app folder, a package or an app id"))?;
    let mut store = Store::open(&data_dir)
        .with_context(|| format!("cannot open the package store {}", data_dir.display()))?;
    // A launch: an update installed for the next launch becomes active now.
    let app = store
        .launch(&verifier, app_id.as_str())
        .with_context(|| format!("cannot open installed app {app_id}"))?;
    Ok((App::from_package(app), None))
}

/// A temporary folder (a package unpacked for `run`, a test run's app data); deleted when
/// dropped.
pub(crate) struct Unpacked(PathBuf);

impl Unpacked {
    pub(crate) fn new() -> Result<Self> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("capsule-run-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Unpacked {
    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        // Best effort: a leftover in the temporary folder is harmless.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &RunArgs, data_dir: Option<&Path>) -> Result<i32> {
    let opening = Instant::now();
    let (app, unpacked) = open_app(args, data_dir)?;
    if app.manifest().kind == AppKind::MiniProgram {
        return mini_commands::run(args, (app, unpacked), opening.elapsed(), data_dir);
    }
    if args.headless {
        bail!("--headless runs mini-programs; {} is an H5 app", app.id());
    }
    let script = match &args.exec {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => None,
    };
    let profile = DeviceProfile::named(&args.device).context("unknown device")?;
    let window = Window::open(args, &app, profile)?;
    let container =
        container_builder(args, profile, data_dir)?.build(Arc::new(window.handle.clone()));
    let Window {
        host,
        handle,
        screenshot,
        display: _display,
    } = window;
    let events = container.subscribe();
    // An H5 app has no update manager: updates are logged and start at the next launch.
    let app_id = app.manifest().app_id.clone();
    let _updates = updater(args, data_dir)?.map(|u| u.spawn(app_id, UPDATE_INTERVAL, |_| {}));
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
    drop(unpacked);
    // Exit while the virtual display still runs: killing the X server under live GTK and
    // WebKit connections makes their I/O error handlers end the process with status 1.
    // Xvfb (started with -terminate) stops by itself once its last client is gone.
    std::process::exit(code);
}

/// The window `run` shows an app in, on a virtual display when there is no display.
pub(crate) struct Window {
    pub(crate) host: WryHost,
    pub(crate) handle: WryHandle,
    /// Where the screenshot goes: `--screenshot`, or a default on a virtual display.
    pub(crate) screenshot: Option<PathBuf>,
    /// Keep it until the process exits.
    pub(crate) display: DisplayGuard,
}

impl Window {
    pub(crate) fn open(args: &RunArgs, app: &App, profile: DeviceProfile) -> Result<Self> {
        let display = ensure_display(profile)?;
        let screenshot = match (&args.screenshot, display.is_some()) {
            (Some(path), _) => Some(path.clone()),
            (None, true) => Some(PathBuf::from(format!("capsule-{}.png", app.id()))),
            (None, false) => None,
        };
        let host = WryHost::new(WryHostOptions {
            title: app.manifest().name.clone(),
        });
        Ok(Self {
            handle: host.handle(),
            host,
            screenshot,
            display,
        })
    }
}

/// The container `run` uses: the device, the data folder, developer mode for app folders
/// (they may also reach http://localhost) and the scan image.
pub(crate) fn container_builder(
    args: &RunArgs,
    profile: DeviceProfile,
    data_dir: Option<&Path>,
) -> Result<capsule_runtime::ContainerBuilder> {
    let builder = Container::builder()
        .device(profile)
        .data_dir(package_commands::data_dir(data_dir)?)
        .developer_mode(args.app.is_dir());
    Ok(match &args.scan_image {
        Some(image) => builder.scan_source(Arc::new(ImageFileSource(image.clone()))),
        None => builder,
    })
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

/// The virtual display `ensure_display` started, if any; it stops when dropped.
#[cfg(target_os = "linux")]
pub(crate) type DisplayGuard = Option<capsule_runtime::VirtualDisplay>;
/// The virtual display `ensure_display` started, if any; it stops when dropped.
#[cfg(not(target_os = "linux"))]
pub(crate) type DisplayGuard = Option<()>;

/// Starts a virtual display when there is no display to draw on.
#[cfg(target_os = "linux")]
fn ensure_display(profile: DeviceProfile) -> Result<DisplayGuard> {
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
fn ensure_display(_profile: DeviceProfile) -> Result<DisplayGuard> {
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
