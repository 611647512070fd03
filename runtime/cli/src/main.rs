//! `capsule`: the Capsule simulator and tools.

mod analytics_commands;
mod app_launcher;
mod args;
mod camera;
mod channel_commands;
mod diagnostics;
mod mini_commands;
mod npm_command;
mod package_commands;
mod recording;
mod scenario;
mod several_apps;
mod simulator;
mod visual;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use capsule_packages::channel::Audience;
use capsule_packages::{AppId, AppKind, Store};
use capsule_runtime::{App, ContainerEvent, DeviceProfile, PageId, WryHandle};
use clap::{Parser, Subcommand};

use crate::args::{RunArgs, TrustArgs};
use crate::simulator::{
    UPDATE_INTERVAL, Unpacked, Window, absolute, audience, container_builder, host_policy,
    open_app_at, screenshot_when_painted, updater, wait_loaded, watch_stops,
};

/// How long an `--exec` script may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);
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
    /// Build a WeChat project's npm packages as WeChat's developer tools do ("build npm"):
    /// copy each dependency in package.json (and theirs) from node_modules/ into
    /// miniprogram_npm/, a mini-program package's miniprogram folder only.
    BuildNpm {
        /// The project folder (with package.json and node_modules/).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Create a publisher key pair: <out> (secret, mode 0600) and <out>.pub (one line).
    Keygen {
        /// Secret key file to create.
        #[arg(short, long, default_value = "publisher.key")]
        out: PathBuf,
    },
    /// Pack and sign an app folder into a .capsule package.
    Pack {
        /// The app folder: with a manifest.json, or a project folder of the platforms' tools
        /// (project.config.json, mini.project.json), whose inferred manifest is written in.
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
    /// Read the analytics journal of the data folder, which `run` and `test` record into.
    Analytics {
        #[command(subcommand)]
        command: analytics_commands::AnalyticsCommand,
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

/// Counts what each process holds, so that a logic worker (this executable started with
/// `capsule_runtime::WORKER_ARG`) holds its app to the app's memory budget.
#[global_allocator]
static ALLOCATOR: capsule_runtime::BudgetAllocator = capsule_runtime::BudgetAllocator;

fn main() {
    // Started as an app's logic worker: serve it and end (see `capsule_runtime::Isolation`).
    if let Some(code) = capsule_runtime::worker_main() {
        std::process::exit(code);
    }
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
    let open_store = || -> Result<Store> { cmd::open_store(&data()?) };
    let done = match command {
        Command::Run(args) => return run(&args, data_dir),
        Command::Test(args) => return mini_commands::test(&args, data_dir),
        Command::Keygen { out } => cmd::keygen(&out),
        Command::Pack { dir, key, out } => cmd::pack_dir(&dir, &key, &out),
        Command::BuildNpm { dir } => npm_command::build_npm(&dir),
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
        Command::Analytics { command } => analytics_commands::analytics(&command, &data()?),
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
    let installed = package_commands::open_store(&package_commands::data_dir(data_dir)?)?
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

fn run(args: &RunArgs, data_dir: Option<&Path>) -> Result<i32> {
    if !args.more.is_empty() {
        return several_apps::run(args, data_dir);
    }
    let opening = Instant::now();
    let (app, unpacked) = open_app(args, data_dir)?;
    if app.manifest().kind == AppKind::MiniProgram {
        return mini_commands::run(args, (app, unpacked), opening.elapsed(), data_dir);
    }
    if args.headless {
        bail!("--headless runs mini-programs; {} is an H5 app", app.id());
    }
    if args.limits.given() {
        bail!(
            "--memory-budget and --time-budget limit mini-programs; {} is an H5 app (its pages' web processes are capped at {} MiB)",
            app.id(),
            capsule_runtime::WEB_PROCESS_MEMORY_LIMIT >> 20
        );
    }
    let script = match &args.exec {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => None,
    };
    let profile = DeviceProfile::named(&args.device).context("unknown device")?;
    // An app whose own csp goes beyond the host's cap, and bad arguments (a --camera-frames
    // folder), fail before a window opens (`Container::open` would refuse the app too).
    host_policy().check_csp(&app)?;
    let (builder, recording) = container_builder(args, profile, data_dir)?;
    let window = Window::open(args, &app, profile)?;
    let container = builder.build(Arc::new(window.handle.clone()));
    let Window {
        host,
        handle,
        screenshot,
        display: _display,
    } = window;
    let events = container.subscribe();
    let stopped = watch_stops(&container, [(app.id().to_owned(), "H5 app")].into());
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
    let mut code = host.run(&container);
    if code == 0 && stopped.load(Ordering::Relaxed) {
        code = 1;
    }
    drop(unpacked);
    crate::recording::finish(recording.as_ref());
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
        wait_loaded(&self.events, self.page)?;
        if let Some(script) = &self.script {
            let value = self.handle.run_script(self.page, script, SCRIPT_TIMEOUT)?;
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        if let Some(path) = &self.screenshot {
            screenshot_when_painted(&self.handle, self.page, path)?;
            println!("screenshot: {}", absolute(path).display());
        }
        Ok(())
    }
}
