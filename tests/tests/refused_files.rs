//! A file of an app that exists but is refused (a signed file changed on disk, or one that
//! cannot be read) stops the app with an error naming the file, never a silently missing
//! module: for an H5 app, each of its windows shows the notice in place of the page and the
//! host hears `AppStopped` once; for a mini-program, the session stops before its logic can
//! report what the missing file breaks. A file that does not exist stops nothing.
//!
//! The real signed-package case (a file of an installed package rewritten) runs end to end in
//! `runtime/cli/tests/packages_e2e.rs`; here the refusal comes from a file source that refuses
//! one file as a package does.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use capsule_packages::{Manifest, RelativePath};
use capsule_runtime::{
    App, AppFiles, Container, ContainerEvent, DirFiles, HeadlessHost, HostRecord, MiniProgram,
    MiniProgramError, MiniProgramOptions, RenderHost, StopReason, serve,
};

/// What a package answers for a file whose bytes no longer match its signature.
const MISMATCH: &str = "the file does not match its signed SHA-256";

/// An app folder whose file `refused` reads as a signed package's tampered file does.
struct RefusingFiles {
    folder: DirFiles,
    refused: &'static str,
}

impl AppFiles for RefusingFiles {
    fn read(&self, path: &RelativePath) -> io::Result<Vec<u8>> {
        if path.as_str() == self.refused {
            return Err(io::Error::new(io::ErrorKind::InvalidData, MISMATCH));
        }
        self.folder.read(path)
    }
}

fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
        std::fs::write(path, text).expect("file");
    }
}

/// The app in `dir`, its file `refused` refused.
fn refusing_app(dir: &Path, refused: &'static str) -> App {
    let manifest = std::fs::read(dir.join("manifest.json")).expect("manifest");
    let manifest = Manifest::from_json(&manifest).expect("a valid manifest");
    let folder = DirFiles::new(dir).expect("app folder");
    App::new(manifest, Arc::new(RefusingFiles { folder, refused }))
}

fn container() -> (Container, Arc<HeadlessHost>, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("data dir");
    let host = Arc::new(HeadlessHost::new());
    let container = Container::builder()
        .data_dir(data.path())
        .build(Arc::clone(&host) as Arc<dyn RenderHost>);
    (container, host, data)
}

fn stops(events: &Receiver<ContainerEvent>) -> Vec<(String, StopReason)> {
    events
        .try_iter()
        .filter_map(|event| match event {
            ContainerEvent::AppStopped { app, reason, .. } => Some((app, reason)),
            _ => None,
        })
        .collect()
}

fn file_refused(path: &str) -> StopReason {
    StopReason::FileRefused {
        path: path.to_owned(),
        reason: MISMATCH.to_owned(),
    }
}

#[test]
fn an_h5_app_stops_when_its_page_asks_for_a_refused_file() {
    let dir = tempfile::tempdir().expect("app dir");
    write_files(
        dir.path(),
        &[
            (
                "manifest.json",
                r#"{"appId":"refusing-h5","name":"Refusing","version":"1.0.0","kind":"h5",
                   "entry":"index.html","permissions":{"apis":["window"]}}"#,
            ),
            ("index.html", "<script src=\"app.js\"></script>"),
            ("app.js", "document.title = 'ran';"),
        ],
    );
    let (container, host, _data) = container();
    let events = container.subscribe();
    let app = refusing_app(dir.path(), "app.js");
    let first = container.open(app.clone()).expect("opens");
    let second = container.open(app.clone()).expect("opens again");

    // A file that does not exist is only not found.
    let missing = serve(&app, "GET", "capsule://refusing-h5/nowhere.js");
    assert_eq!(missing.status(), 404);
    assert_eq!(stops(&events), []);

    let refused = serve(&app, "GET", "capsule://refusing-h5/app.js");
    assert_eq!(refused.status(), 403);
    assert_eq!(
        stops(&events),
        [("refusing-h5".to_owned(), file_refused("app.js"))]
    );
    let notice = format!("This app was stopped: its file app.js was refused: {MISMATCH}.");
    let mut shown: Vec<_> = host
        .records()
        .into_iter()
        .filter_map(|record| match record {
            HostRecord::Notice { page, notice } => Some((page, notice)),
            _ => None,
        })
        .collect();
    shown.sort_by_key(|(page, _)| page.0);
    assert_eq!(shown, [(first, notice.clone()), (second, notice)]);

    // Stopped once: the page asking again changes nothing.
    assert_eq!(
        serve(&app, "GET", "capsule://refusing-h5/app.js").status(),
        403
    );
    assert_eq!(stops(&events), []);
}

/// A mini-program whose home page requires `utils/greeting.js`.
fn write_mini_program(dir: &Path) {
    write_files(
        dir,
        &[
            (
                "manifest.json",
                r#"{"appId":"refusing.mini","name":"Refusing","version":"1.0.0",
                   "kind":"miniprogram","dialect":"wechat","entry":"app.json",
                   "permissions":{"apis":[]}}"#,
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({});"),
            (
                "utils/greeting.js",
                "module.exports = { greet: (name) => 'hello ' + name };",
            ),
            (
                "pages/index/index.js",
                "const { greet } = require('../../utils/greeting.js');\n\
                 Page({ data: { text: greet('you') } });",
            ),
            ("pages/index/index.wxml", "<text>{{text}}</text>"),
        ],
    );
}

#[test]
fn a_mini_program_stops_naming_a_refused_module_before_anything_else_is_reported() {
    let dir = tempfile::tempdir().expect("app dir");
    write_mini_program(dir.path());
    let (container, _host, _data) = container();
    let events = container.subscribe();
    let program = MiniProgram::launch(
        &container,
        refusing_app(dir.path(), "utils/greeting.js"),
        &MiniProgramOptions::default(),
    )
    .expect("launches");
    program.settle().expect("settles");
    let snapshot = program.snapshot().expect("snapshot");
    assert!(snapshot.crashed, "{snapshot:#?}");
    let stopped = format!("stopped: its file utils/greeting.js was refused: {MISMATCH}");
    assert_eq!(snapshot.errors, [stopped], "{snapshot:#?}");
    // The session said so before it answered the settle.
    assert_eq!(
        stops(&events),
        [(
            "refusing.mini".to_owned(),
            file_refused("utils/greeting.js")
        )]
    );
}

#[test]
fn a_mini_program_whose_app_json_is_refused_does_not_start_and_says_so() {
    let dir = tempfile::tempdir().expect("app dir");
    write_mini_program(dir.path());
    let (container, _host, _data) = container();
    let launched = MiniProgram::launch(
        &container,
        refusing_app(dir.path(), "app.json"),
        &MiniProgramOptions::default(),
    );
    match launched {
        Err(MiniProgramError::Config { file, message }) => {
            assert_eq!(file, "app.json");
            assert_eq!(message, format!("refused: {MISMATCH}"));
        }
        Err(other) => panic!("another error: {other}"),
        Ok(_) => panic!("a mini-program without its app.json started"),
    }
}
