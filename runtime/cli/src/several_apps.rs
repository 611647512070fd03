//! `capsule run` of several apps at once: one container, each app in a window of its own
//! beside the others, with its own logic, storage, files and web data, as a host app runs
//! the mini-programs and H5 apps of several publishers.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use capsule_packages::AppKind;
use capsule_runtime::{
    App, Container, DeviceProfile, MiniProgram, MiniProgramOptions, PageId, WryHandle, WryHost,
};

use crate::args::RunArgs;
use crate::mini_commands::{launch, report, wait_ready};
use crate::recording;
use crate::simulator::{
    Unpacked, absolute, container_builder, ensure_display, host_policy, open_app_at,
    screenshot_when_painted, wait_loaded, watch_stops,
};

/// An app `run` opened, and what shows it.
enum Running {
    H5 {
        app_id: String,
        page: PageId,
        /// Subscribed before the page opened: its load is in there.
        events: std::sync::mpsc::Receiver<capsule_runtime::ContainerEvent>,
    },
    MiniProgram {
        app_id: String,
        program: MiniProgram,
    },
}

impl Running {
    fn app_id(&self) -> &str {
        match self {
            Self::H5 { app_id, .. } | Self::MiniProgram { app_id, .. } => app_id,
        }
    }

    fn page(&self) -> PageId {
        match self {
            Self::H5 { page, .. } => *page,
            Self::MiniProgram { program, .. } => program.page(),
        }
    }

    /// Waits until the app's first page is ready to be seen.
    fn wait_ready(&self, package_open: Duration) -> Result<()> {
        match self {
            Self::H5 { page, events, .. } => wait_loaded(events, *page),
            Self::MiniProgram { program, .. } => {
                let snapshot = wait_ready(program)?;
                report(&snapshot, package_open);
                Ok(())
            }
        }
    }
}

/// `capsule run APP MORE_APPS...`: opens every app, each in its own window, until the windows
/// are closed; on a virtual display, writes `capsule-<appId>.png` of each window once its app
/// is ready, then exits. Exits 1 when an app fails to start or is stopped.
pub(crate) fn run(args: &RunArgs, data_dir: Option<&Path>) -> Result<i32> {
    let count = args.apps().count();
    let one_app_only = [
        (args.headless, "--headless"),
        (args.exec.is_some(), "--exec"),
        (args.channel.is_some(), "--channel"),
        (args.screenshot.is_some(), "--screenshot"),
    ];
    if let Some((_, flag)) = one_app_only.iter().find(|(given, _)| *given) {
        bail!(
            "{flag} takes one app; {count} were given (on a virtual display, each window is written to capsule-<appId>.png)"
        );
    }
    let profile = DeviceProfile::named(&args.device).context("unknown device")?;
    let opening = Instant::now();
    let mut apps: Vec<(App, Option<Unpacked>)> = Vec::new();
    for path in args.apps() {
        let (app, unpacked) = open_app_at(path, args.signed_only, &args.trust, data_dir)?;
        if apps.iter().any(|(open, _)| open.id() == app.id()) {
            bail!("{} is given twice: an app runs once", app.id());
        }
        if app.manifest().kind == AppKind::H5 {
            // Before a window opens, as for one app.
            host_policy().check_csp(&app)?;
        }
        apps.push((app, unpacked));
    }
    let package_open = opening.elapsed();
    let (builder, recording) = container_builder(args, profile, data_dir)?;
    let display = ensure_display(profile)?;
    let host = WryHost::new();
    let handle = host.handle();
    let container = builder.build(Arc::new(handle.clone()));
    let kinds = apps
        .iter()
        .map(|(app, _)| {
            let kind = match app.manifest().kind {
                AppKind::H5 => "H5 app",
                AppKind::MiniProgram => "mini-program",
            };
            (app.id().to_owned(), kind)
        })
        .collect();
    let stopped = watch_stops(&container, kinds);
    let options = MiniProgramOptions {
        webview: true,
        limits: args.limits.app_limits(),
        ..MiniProgramOptions::default()
    };
    let mut running = Vec::new();
    let mut unpacked = Vec::new();
    for (app, folder) in apps {
        unpacked.extend(folder);
        running.push(open(&container, app, &options)?);
    }
    if display.is_some() {
        std::thread::spawn(move || {
            let code = match screenshot_each(&handle, &running, package_open) {
                Ok(()) => 0,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    1
                }
            };
            handle.exit(code);
        });
    }
    let mut code = host.run(&container);
    if code == 0 && stopped.load(Ordering::Relaxed) {
        code = 1;
    }
    drop(unpacked);
    recording::finish(recording.as_ref());
    // See `run` in main.rs: exit while the virtual display still runs.
    std::process::exit(code);
}

/// Opens `app` in a window of its own.
fn open(container: &Container, app: App, options: &MiniProgramOptions) -> Result<Running> {
    match app.manifest().kind {
        AppKind::H5 => {
            let app_id = app.id().to_owned();
            let events = container.subscribe();
            let page = container.open(app)?;
            Ok(Running::H5 {
                app_id,
                page,
                events,
            })
        }
        AppKind::MiniProgram => Ok(Running::MiniProgram {
            app_id: app.id().to_owned(),
            program: launch(container, app, options)?,
        }),
    }
}

/// Waits for each app to be ready and writes its window to `capsule-<appId>.png`.
fn screenshot_each(handle: &WryHandle, running: &[Running], package_open: Duration) -> Result<()> {
    for app in running {
        let app_id = app.app_id();
        app.wait_ready(package_open)
            .with_context(|| format!("{app_id} did not start"))?;
        let path = PathBuf::from(format!("capsule-{app_id}.png"));
        screenshot_when_painted(handle, app.page(), &path)?;
        println!("screenshot: {}", absolute(&path).display());
    }
    Ok(())
}
