//! Shared by the tests that drive the real WebKitGTK window. GTK must own the main thread, so
//! each such test has a `main` of its own (`harness = false`): [`run`] starts the host's event
//! loop there and the test's driver on another thread, and with no display re-runs the test
//! under a private Xvfb. (Each test file uses a part of it.)
#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use capsule_runtime::{
    App, Container, MiniProgram, MiniProgramOptions, Snapshot, VirtualDisplay, WryHandle, WryHost,
};

/// How long a window test waits for anything.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// What checks the window from the driver thread; an error fails the test with its text.
pub type Driver = Box<dyn FnOnce() -> Result<(), String> + Send>;

/// Runs window test `name`: `set_up` builds the container on the window host (and opens what
/// the test needs) and returns the driver. Prints `test <name> ... ok` or the failure. With
/// no display, re-runs itself under an Xvfb of `display` (width, height).
pub fn run(
    name: &str,
    display: (u32, u32),
    set_up: impl FnOnce(&WryHandle) -> (Container, Driver),
) -> ExitCode {
    let has_display = std::env::var_os("DISPLAY").is_some_and(|value| !value.is_empty());
    if !has_display {
        return rerun_under_xvfb(display);
    }
    let host = WryHost::new();
    let handle = host.handle();
    let (container, drive) = set_up(&handle);
    let driver = std::thread::spawn(move || {
        let outcome = drive();
        handle.exit(i32::from(outcome.is_err()));
        outcome
    });
    let code = host.run(&container);
    match driver.join().expect("driver thread") {
        Ok(()) if code == 0 => {
            println!("test {name} ... ok");
            ExitCode::SUCCESS
        }
        Ok(()) => {
            eprintln!("{name}: host exited with {code}");
            ExitCode::FAILURE
        }
        Err(message) => {
            eprintln!("{name}: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn rerun_under_xvfb((width, height): (u32, u32)) -> ExitCode {
    let display = VirtualDisplay::start(width, height).expect("Xvfb starts");
    let mut command = std::process::Command::new(std::env::current_exe().expect("own path"));
    command
        .env("DISPLAY", display.name())
        .env_remove("WAYLAND_DISPLAY");
    // As on capsule's own virtual display: no session bus, so that libdbus does not start one
    // each time a window is built (and wait on a pipe a logic worker may have inherited).
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        command.env("DBUS_SESSION_BUS_ADDRESS", "disabled:");
    }
    let status = command.status().expect("re-runs itself");
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The dialect this run of a test checks, named by environment variable `variable`. Without
/// it, runs this executable once per dialect with it set, and gives back how those runs
/// went (`Err`). One window per process: on a machine without a GPU, where WebKit does not
/// composite, a second window's later paints did not reach the screen.
pub fn dialect_of_this_run(variable: &str) -> Result<String, ExitCode> {
    if let Ok(dialect) = std::env::var(variable) {
        return Ok(dialect);
    }
    for dialect in ["wechat", "alipay"] {
        let status = std::process::Command::new(std::env::current_exe().expect("own path"))
            .env(variable, dialect)
            .status()
            .expect("runs itself");
        if !status.success() {
            return Err(ExitCode::FAILURE);
        }
    }
    Err(ExitCode::SUCCESS)
}

/// Launches the mini-program folder `root` in a window of `container`.
pub fn launch(container: &Container, root: &Path) -> MiniProgram {
    let options = MiniProgramOptions {
        webview: true,
        ..MiniProgramOptions::default()
    };
    MiniProgram::launch(container, App::open_dir(root).expect("app"), &options).expect("launches")
}

/// Settles and polls until `done` holds (at most [`TIMEOUT`]); the error shows the page.
pub fn wait(
    program: &MiniProgram,
    what: &str,
    done: impl Fn(&Snapshot) -> bool,
) -> Result<Snapshot, String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        program.settle().map_err(|error| error.to_string())?;
        let snapshot = program.snapshot().map_err(|error| error.to_string())?;
        if done(&snapshot) {
            return Ok(snapshot);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no {what}: {}\nerrors: {:?}\nconsole: {:?}",
                snapshot.html, snapshot.errors, snapshot.console
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Writes a solid PNG of `size` in `colour` (creating its folder).
pub fn write_picture(path: &Path, (width, height): (u32, u32), colour: [u8; 3]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("picture folder");
    let file = std::fs::File::create(path).expect("picture file");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let pixels: Vec<u8> = (0..width * height).flat_map(|_| colour).collect();
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels))
        .expect("picture written");
}

/// The page's events so far: the lines its script pushed into `data.events`.
pub fn page_events(program: &MiniProgram) -> Result<Vec<String>, String> {
    program.settle().map_err(|error| error.to_string())?;
    let events = program
        .evaluate("getCurrentPages()[0].data.events")
        .map_err(|error| error.to_string())?;
    serde_json::from_value(events).map_err(|error| error.to_string())
}

/// The page's events once `done` holds for them (at most [`TIMEOUT`]).
pub fn wait_events(
    program: &MiniProgram,
    what: &str,
    done: impl Fn(&[String]) -> bool,
) -> Result<Vec<String>, String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let events = page_events(program)?;
        if done(&events) {
            return Ok(events);
        }
        if Instant::now() > deadline {
            return Err(format!("no {what}: the events were {events:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
