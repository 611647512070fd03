//! Shared by the headless mini-program session tests: write an app folder, launch it on a
//! `HeadlessHost`, wait for a state. (Each test file uses a part of it.)
#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use capsule_runtime::{App, Container, HeadlessHost, MiniProgram, MiniProgramOptions, Snapshot};

/// Writes `files` (path, text) under `root`.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(path, text).expect("write");
    }
}

/// A running mini-program from the folder `root`, its home page ready.
pub struct Launched {
    pub program: MiniProgram,
    pub container: Container,
    pub host: Arc<HeadlessHost>,
}

/// Launches the app folder `root` headless, with app data under `root/data`.
pub fn launch(root: &Path) -> Launched {
    let host = Arc::new(HeadlessHost::new());
    let container = Container::builder()
        .data_dir(root.join("data"))
        .build(host.clone());
    let app = App::open_dir(root).expect("app");
    let program =
        MiniProgram::launch(&container, app, &MiniProgramOptions::default()).expect("launch");
    wait(&program, |s| s.cold_start.is_some());
    Launched {
        program,
        container,
        host,
    }
}

/// Settles and polls until `done` holds (at most 5 s); returns the snapshot.
pub fn wait(program: &MiniProgram, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        program.settle().expect("settles");
        let snapshot = program.snapshot().expect("snapshot");
        if done(&snapshot) {
            return snapshot;
        }
        assert!(
            Instant::now() < deadline,
            "timed out: {}\nerrors: {:?}\nconsole: {:?}",
            snapshot.html,
            snapshot.errors,
            snapshot.console
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
