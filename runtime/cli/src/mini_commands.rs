//! `capsule run` for mini-programs (window or `--headless`) and `capsule test`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use capsule_packages::{AppKind, Dialect};
use capsule_runtime::{
    App, AppLimits, Container, ContainerEvent, DeviceProfile, HeadlessHost, MiniProgram,
    MiniProgramError, MiniProgramOptions, Snapshot, WryHandle, WryHost,
};

use crate::args::{LimitArgs, RunArgs, TrustArgs, device_names};
use crate::diagnostics::eprint;
use crate::package_commands;
use crate::recording::{self, Recording};
use crate::scenario::{
    Outcome, STOPPED, Scenario, Screenshot, ScriptedScans, Target, event_line, play, write_junit,
};
use crate::simulator::{
    UPDATE_INTERVAL, Unpacked, Window, absolute, container_builder, ensure_display, open_app_at,
    screenshot_when_painted, updater,
};
use crate::watch::FolderWatch;

/// How long the home page may take to be ready.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long errors with no page shown are given before the start counts as failed.
const START_GRACE: Duration = Duration::from_secs(2);

#[derive(clap::Args)]
pub(crate) struct TestArgs {
    /// The mini-program (an app folder, a .capsule package or an installed app's id), then
    /// the scenario files (`.json`). Without an app, the scenarios' own `app` is used.
    #[arg(required = true, value_name = "[APP] SCENARIO")]
    paths: Vec<PathBuf>,
    /// Run in the real window (WebKitGTK; a virtual display when there is none).
    #[arg(long)]
    webview: bool,
    /// Also write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Folder for screenshots (headless runs save the page HTML instead); by default each
    /// scenario's own folder, where its paths start.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Simulated device (a scenario's own `device` wins).
    #[arg(long, default_value = "iphone-8", value_parser = device_names())]
    device: String,
    #[command(flatten)]
    trust: TrustArgs,
    /// Refuse unsigned app folders (developer mode).
    #[arg(long)]
    signed_only: bool,
    /// Save this run's `compare` screenshots as the approved images (in `approved/<scenario>/`
    /// beside each scenario file) instead of comparing them. Look at them first.
    #[arg(long)]
    approve: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// `capsule run` of a mini-program.
pub(crate) fn run(
    args: &RunArgs,
    (app, unpacked): (App, Option<Unpacked>),
    package_open: Duration,
    data_dir: Option<&Path>,
) -> Result<i32> {
    let profile = DeviceProfile::named(&args.device).context("unknown device")?;
    let (builder, recording) = container_builder(args, profile, data_dir)?;
    if args.headless {
        if args.channel.is_some() {
            bail!(
                "--channel checks for updates while the app runs in a window; use `capsule update` without one"
            );
        }
        let container = builder.build(Arc::new(HeadlessHost::new()));
        let events = container.subscribe();
        let options = MiniProgramOptions {
            limits: args.limits.app_limits(),
            ..MiniProgramOptions::default()
        };
        let program = launch(&container, app, &options)?;
        let snapshot = wait_ready(&program);
        // Everything the start emitted is in the channel by now.
        for event in events.try_iter() {
            if let Some(line) = event_line(&event) {
                eprintln!("{line}");
            }
        }
        let snapshot = snapshot?;
        println!("{}", snapshot.html);
        report(&snapshot, package_open);
        drop(unpacked);
        recording::finish(recording.as_ref());
        return Ok(if snapshot.errors.is_empty() { 0 } else { 1 });
    }
    if args.exec.is_some() {
        bail!("--exec runs scripts in H5 pages; mini-program logic is not in the page");
    }
    let Window {
        host,
        handle,
        screenshot,
        display: _display,
    } = Window::open(args, &app, profile)?;
    let container = builder.build(Arc::new(handle.clone()));
    let stopped = report_events(container.subscribe());
    let options = MiniProgramOptions {
        webview: true,
        limits: args.limits.app_limits(),
        ..MiniProgramOptions::default()
    };
    let program = launch(&container, app.clone(), &options)?;
    let app_id = app.manifest().app_id.clone();
    let _updates = updater(args, data_dir)?.map(|u| u.drive(app_id, &program, UPDATE_INTERVAL));
    // An app folder someone is editing: start it afresh whenever a file changes.
    if args.app.is_dir() && screenshot.is_none() {
        let (folder, program) = (args.app.clone(), program.clone());
        std::thread::spawn(move || reload_on_change(&folder, &program));
    }
    std::thread::spawn(move || {
        let outcome = wait_ready(&program).and_then(|snapshot| {
            report(&snapshot, package_open);
            if let Some(path) = &screenshot {
                screenshot_when_painted(&handle, program.page(), path)?;
                println!("screenshot: {}", absolute(path).display());
                // The window shows why the app was stopped; the run still failed.
                handle.exit(i32::from(snapshot.crashed));
            }
            Ok(())
        });
        if let Err(error) = outcome {
            eprintln!("error: {error:#}");
            handle.exit(1);
        }
    });
    let mut code = host.run(&container);
    if code == 0 && stopped.load(Ordering::Relaxed) {
        code = 1;
    }
    drop(unpacked);
    recording::finish(recording.as_ref());
    // See `run` in main.rs: exit while the virtual display still runs.
    std::process::exit(code);
}

/// Prints a line for each memory warning and stop of an app as the container reports them
/// (see [`event_line`]); the flag tells whether an app was stopped, so that the run then
/// exits with 1.
fn report_events(events: Receiver<ContainerEvent>) -> Arc<AtomicBool> {
    let stopped = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopped);
    std::thread::spawn(move || {
        for event in events {
            if let Some(line) = event_line(&event) {
                eprintln!("{line}");
            }
            if matches!(event, ContainerEvent::AppStopped { .. }) {
                flag.store(true, Ordering::Relaxed);
            }
        }
    });
    stopped
}

/// Reloads `program` whenever a file under `folder` changes, until the app stops, and
/// prints the errors each reload brings.
fn reload_on_change(folder: &Path, program: &MiniProgram) {
    let watch = match FolderWatch::start(folder) {
        Ok(watch) => watch,
        Err(error) => {
            eprintln!(
                "warning: {} is not watched, changes will not reload the app: {error}",
                folder.display()
            );
            return;
        }
    };
    while let Some(changed) = watch.next_change() {
        let before = match program.snapshot() {
            Ok(snapshot) => snapshot.diagnostics.len(),
            Err(MiniProgramError::Stopped(_)) => return,
            Err(error) => {
                eprintln!("error: before the reload: {error}");
                0
            }
        };
        let what = match changed.as_slice() {
            [] => folder.display().to_string(),
            [one] => one.display().to_string(),
            [first, more @ ..] => format!("{} and {} more", first.display(), more.len()),
        };
        match program.reload() {
            Ok(()) => {
                eprintln!("reloaded: {what} changed");
                // The new start's page (or its errors) is there once the logic answers.
                let after = program.settle().and_then(|()| program.snapshot());
                match after {
                    Ok(after) => after.diagnostics.iter().skip(before).for_each(eprint),
                    Err(MiniProgramError::Stopped(_)) => return,
                    Err(error) => eprintln!("error: after the reload: {error}"),
                }
            }
            Err(MiniProgramError::Stopped(_)) => return,
            Err(MiniProgramError::Source(diagnostic)) => {
                eprint(&diagnostic);
                eprintln!("not reloaded: {what} changed");
            }
            Err(error) => eprintln!("not reloaded: {error}"),
        }
    }
}

/// Launches `app`; an error in one of its files (app.json) is printed with its line first.
pub(crate) fn launch(
    container: &Container,
    app: App,
    options: &MiniProgramOptions,
) -> Result<MiniProgram> {
    MiniProgram::launch(container, app, options).map_err(|error| {
        if let MiniProgramError::Source(diagnostic) = &error {
            eprint(diagnostic);
        }
        anyhow::Error::new(error).context("the mini-program did not start")
    })
}

/// Waits until the first page is ready (or the app failed, or was stopped: its window then
/// shows why) and everything has settled. When the app is not going to start, its errors
/// are printed (with their lines) before the error that says so.
pub(crate) fn wait_ready(program: &MiniProgram) -> Result<Snapshot> {
    let deadline = Instant::now() + READY_TIMEOUT;
    let mut failing_since: Option<Instant> = None;
    loop {
        let snapshot = program.snapshot()?;
        if snapshot.crashed {
            // Once the window shows the notice.
            program.settle()?;
            return Ok(program.snapshot()?);
        }
        if snapshot.cold_start.is_some() {
            program.settle()?;
            return Ok(program.snapshot()?);
        }
        // Errors with no page shown for a while (app.js threw, the home page is missing):
        // the app is not going to start. A page that failed to compile still opens.
        let no_page = snapshot.route.is_none() && !snapshot.errors.is_empty();
        let given_up =
            no_page && failing_since.get_or_insert_with(Instant::now).elapsed() > START_GRACE;
        if given_up {
            snapshot.diagnostics.iter().for_each(eprint);
            bail!(
                "the mini-program did not start: {}",
                snapshot.errors.join(" | ")
            );
        }
        if Instant::now() >= deadline {
            bail!(
                "the first page was not ready within {} s",
                READY_TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Prints cold start phases (after `package_open`) and errors (with their lines) to stderr;
/// a stop is left to [`event_line`].
pub(crate) fn report(snapshot: &Snapshot, package_open: Duration) {
    if let Some(cold) = snapshot.cold_start {
        eprintln!(
            "cold start: package open {:.1} ms, window {:.1} ms, logic {:.1} ms, \
             first render {:.1} ms, onReady {:.1} ms",
            package_open.as_secs_f64() * 1000.0,
            cold.window_ms,
            cold.logic_ms,
            cold.first_render_ms,
            cold.ready_ms
        );
    }
    for diagnostic in &snapshot.diagnostics {
        if !(snapshot.crashed && diagnostic.message.starts_with(STOPPED)) {
            eprint(diagnostic);
        }
    }
}

/// `capsule test`.
pub(crate) fn test(args: &TestArgs, data_dir: Option<&Path>) -> Result<i32> {
    let default_device = DeviceProfile::named(&args.device).context("unknown device")?;
    let (given_app, scenario_files) = split_app(&args.paths);
    if scenario_files.is_empty() {
        bail!("no scenario files: name them after the app");
    }
    // Each scenario with the device it runs on (its own `device`, else the command line's)
    // and its app (the command line's, else its own `app`); each app is opened once.
    let mut apps: Vec<TestApp> = Vec::new();
    let mut planned = Vec::new();
    for file in scenario_files {
        let scenario = Scenario::load(file)?;
        let path = match (given_app, &scenario.app) {
            (Some(path), _) => path.to_owned(),
            (None, Some(path)) => path.clone(),
            (None, None) => bail!(
                "{} names no app: give it an \"app\" or name the app before the scenarios",
                file.display()
            ),
        };
        let app = match apps.iter().position(|app| app.is_at(&path)) {
            Some(index) => index,
            None => {
                apps.push(TestApp::open(&path, args, data_dir)?);
                apps.len() - 1
            }
        };
        let device = scenario.device.unwrap_or(default_device);
        planned.push(Planned {
            scenario,
            device,
            app,
        });
    }
    // Test runs keep app data in a folder of their own, emptied before each scenario.
    let data = Unpacked::new()?;
    let run = TestRun {
        apps,
        data: data.path().to_owned(),
        recording: Recording::open(&package_commands::data_dir(data_dir)?),
        out: args.out.clone(),
        failures: args
            .junit
            .as_deref()
            .map(|junit| junit.parent().unwrap_or(Path::new("")).to_owned())
            .or_else(|| args.out.clone()),
        scans: ScriptedScans::default(),
        approve: args.approve,
        limits: args.limits.app_limits(),
    };
    if args.webview {
        // Never returns: the window's event loop ends the process.
        return run.in_window(planned, default_device, args.junit.clone());
    }
    let outcomes = planned
        .iter()
        .map(|planned| run.headless(planned))
        .collect::<Result<Vec<_>>>()?;
    let code = finish(&outcomes, args.junit.as_deref())?;
    recording::finish(run.recording.as_ref());
    // The apps' unpacked packages, then the run's data folder.
    drop(run);
    drop(data);
    Ok(code)
}

/// `[APP] SCENARIO...`: the app, unless the first path is a scenario file (`.json`), and the
/// scenario files.
fn split_app(paths: &[PathBuf]) -> (Option<&Path>, &[PathBuf]) {
    let is_scenario = |path: &Path| {
        path.extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
            && !path.is_dir()
    };
    match paths.split_first() {
        Some((first, rest)) if !is_scenario(first) => (Some(first.as_path()), rest),
        _ => (None, paths),
    }
}

/// An app of a test run.
struct TestApp {
    app: App,
    /// Where the command line or a scenario named it.
    path: PathBuf,
    /// Whether it is an unsigned app folder (developer mode).
    developer_mode: bool,
    /// The unpacked package, removed when the run ends.
    _unpacked: Option<Unpacked>,
}

impl TestApp {
    fn open(path: &Path, args: &TestArgs, data_dir: Option<&Path>) -> Result<Self> {
        let (app, unpacked) = open_app_at(path, args.signed_only, &args.trust, data_dir)?;
        if app.manifest().kind != AppKind::MiniProgram {
            bail!("{} is an H5 app; scenarios drive mini-programs", app.id());
        }
        Ok(Self {
            app,
            path: path.to_owned(),
            developer_mode: path.is_dir(),
            _unpacked: unpacked,
        })
    }

    /// Whether `path` names this app (the same file or folder, however it is written).
    fn is_at(&self, path: &Path) -> bool {
        match (self.path.canonicalize(), path.canonicalize()) {
            (Ok(own), Ok(other)) => own == other,
            _ => self.path == path,
        }
    }

    fn wechat(&self) -> bool {
        self.app.manifest().dialect == Some(Dialect::Wechat)
    }
}

/// A scenario with the device it runs on and its app (an index into [`TestRun::apps`]).
struct Planned {
    scenario: Scenario,
    device: DeviceProfile,
    app: usize,
}

/// Prints the totals, writes the JUnit report; the exit status.
fn finish(outcomes: &[Outcome], junit: Option<&Path>) -> Result<i32> {
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    println!(
        "{} scenarios: {} passed, {failed} failed",
        outcomes.len(),
        outcomes.len() - failed
    );
    if let Some(path) = junit {
        write_junit(path, outcomes)?;
    }
    Ok(if failed == 0 { 0 } else { 1 })
}

/// What every scenario of one `capsule test` run shares.
struct TestRun {
    apps: Vec<TestApp>,
    data: PathBuf,
    /// Records into the analytics journal of the data folder (not the test's own one).
    recording: Option<Recording>,
    /// `--out`: where screenshots go instead of each scenario's folder.
    out: Option<PathBuf>,
    /// Where a failed scenario's screenshot goes: beside the JUnit report, else in `--out`,
    /// else in the scenario's folder.
    failures: Option<PathBuf>,
    scans: ScriptedScans,
    /// `--approve`.
    approve: bool,
    /// `--memory-budget` and `--time-budget`.
    limits: AppLimits,
}

impl TestRun {
    fn container(
        &self,
        device: DeviceProfile,
        developer_mode: bool,
        host: Arc<dyn capsule_runtime::RenderHost>,
    ) -> Container {
        let builder = Container::builder()
            .device(device)
            .data_dir(&self.data)
            .developer_mode(developer_mode)
            .scan_source(Arc::new(self.scans.clone()));
        recording::recording(builder, self.recording.as_ref()).build(host)
    }

    fn options(&self, scenario: &Scenario, webview: bool) -> MiniProgramOptions {
        MiniProgramOptions {
            webview,
            start_url: scenario.query.as_ref().map(|q| format!("?{q}")),
            fresh_storage: true,
            limits: self.limits.clone(),
        }
    }

    /// Plays one scenario on a container of its own, without a window.
    fn headless(&self, planned: &Planned) -> Result<Outcome> {
        let app = &self.apps[planned.app];
        let container = self.container(
            planned.device,
            app.developer_mode,
            Arc::new(HeadlessHost::new()),
        );
        let events = container.subscribe();
        let program = launch(
            &container,
            app.app.clone(),
            &self.options(&planned.scenario, false),
        )?;
        let outcome = self.play(planned, &program, &events, None);
        program.close();
        Ok(outcome)
    }

    fn play(
        &self,
        planned: &Planned,
        program: &MiniProgram,
        events: &Receiver<ContainerEvent>,
        screenshot: Option<Screenshot<'_>>,
    ) -> Outcome {
        let scenario = &planned.scenario;
        let started = Instant::now();
        if let Err(error) = wait_ready(program) {
            println!("{}\n  FAIL   0 launch\n       {error:#}", scenario.name);
            return Outcome {
                name: scenario.name.clone(),
                failure: Some(format!("launch: {error:#}")),
                saved: None,
                elapsed: started.elapsed(),
            };
        }
        let outcome = play(
            scenario,
            &Target {
                app: program,
                wechat: self.apps[planned.app].wechat(),
                out_dir: self.out.as_deref().unwrap_or(scenario.folder()),
                failure_dir: self.failures.as_deref().unwrap_or(scenario.folder()),
                screenshot,
                scans: &self.scans,
                approved_dir: &scenario.approved_dir,
                approve: self.approve,
                events,
            },
        );
        // The app's own errors of this scenario (templates, styles, scripts), with their lines.
        match program.snapshot() {
            Ok(snapshot) => snapshot.diagnostics.iter().for_each(eprint),
            Err(error) => eprintln!("error: {}: no errors read: {error}", scenario.name),
        }
        outcome
    }

    /// Plays every scenario in the real window: one window per scenario, sized for the
    /// scenario's device, in one process. The container is in developer mode when one of
    /// the apps is an unsigned folder.
    fn in_window(
        self,
        planned: Vec<Planned>,
        device: DeviceProfile,
        junit: Option<PathBuf>,
    ) -> Result<i32> {
        let largest = planned
            .iter()
            .map(|planned| planned.device)
            .max_by_key(|device| device.width * device.height)
            .unwrap_or(device);
        let _display = ensure_display(largest)?;
        let host = WryHost::new();
        let handle = host.handle();
        let developer_mode = self.apps.iter().any(|app| app.developer_mode);
        let container = self.container(device, developer_mode, Arc::new(handle.clone()));
        let driver_container = container.clone();
        let events = container.subscribe();
        std::thread::spawn(move || {
            let code = self
                .play_in_window(
                    &driver_container,
                    &handle,
                    &events,
                    &planned,
                    junit.as_deref(),
                )
                .unwrap_or_else(|error| {
                    eprintln!("error: {error:#}");
                    1
                });
            recording::finish(self.recording.as_ref());
            handle.exit(code);
        });
        let code = host.run(&container);
        // See `run` in main.rs: exit while the virtual display still runs.
        std::process::exit(code);
    }

    fn play_in_window(
        &self,
        container: &Container,
        handle: &WryHandle,
        events: &Receiver<ContainerEvent>,
        planned: &[Planned],
        junit: Option<&Path>,
    ) -> Result<i32> {
        let mut outcomes = Vec::new();
        let mut previous: Option<MiniProgram> = None;
        for planned in planned {
            container.set_device_profile(planned.device);
            let program = launch(
                container,
                self.apps[planned.app].app.clone(),
                &self.options(&planned.scenario, true),
            )?;
            // Closing the last window ends the event loop: close the previous one only now.
            if let Some(previous) = previous.take() {
                previous.close();
            }
            let page = program.page();
            let screenshot =
                |path: &Path| -> Result<()> { screenshot_when_painted(handle, page, path) };
            outcomes.push(self.play(planned, &program, events, Some(&screenshot)));
            previous = Some(program);
        }
        finish(&outcomes, junit)
    }
}
