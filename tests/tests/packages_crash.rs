//! Crash test: a child process installs package after package into one store and is killed
//! with SIGKILL at random moments; after every kill the store must open, recover and prove
//! consistent, with either the last reported version or the one being installed active.
//!
//! A second phase kills a child that installs, rolls back and removes in turn, and checks
//! the store after each kill.
//!
//! Runs as its own binary (`harness = false`): with `--child` or `--churn` it is the child.

mod packages_support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use capsule_packages::{InstallOptions, PublicKey, Store, TrustedKeys, Verifier, pack};
use packages_support::{app_folder, new_key};

const VERSIONS: [&str; 3] = ["1.0.0", "2.0.0", "3.0.0"];
const KILLS: usize = 30;
const CHURN_KILLS: usize = 15;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--child") => child(&args[2..], false),
        Some("--churn") => child(&args[2..], true),
        _ => parent(),
    }
}

/// Installs the packages in turn, forever, reporting each finished install on stdout; with
/// `churn`, also rolls back and removes the app after each round of installs.
fn child(args: &[String], churn: bool) {
    let [store_dir, public_key, packages @ ..] = args else {
        panic!("usage: --child <store> <public key line> <packages...>");
    };
    let mut trusted = TrustedKeys::new();
    trusted.add(PublicKey::from_line(public_key).expect("public key"));
    let verifier = Verifier::new(trusted);
    let mut store = Store::open(Path::new(store_dir)).expect("open store");
    let options = InstallOptions {
        allow_downgrade: true,
        ..InstallOptions::default()
    };
    loop {
        for package in packages {
            let installed = store
                .install(&verifier, Path::new(package), &options)
                .expect("install");
            println!("installed {}", installed.version);
        }
        if churn {
            store.rollback("corpus.app").expect("rollback");
            store.remove("corpus.app").expect("remove");
        }
    }
}

fn parent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = new_key();
    let packages: Vec<PathBuf> = VERSIONS
        .iter()
        .map(|version| {
            let source = dir.path().join(format!("src-{version}"));
            let extra: Vec<(String, Vec<u8>)> = (0..20)
                .map(|i| (format!("assets/{i}.bin"), noise(32 << 10, i)))
                .collect();
            let extra: Vec<(&str, &[u8])> = extra
                .iter()
                .map(|(name, data)| (name.as_str(), data.as_slice()))
                .collect();
            app_folder(&source, version, &extra);
            let out = dir.path().join(format!("app-{version}.capsule"));
            pack(&source, &key, &out, &mut |_, _| {}).expect("pack");
            out
        })
        .collect();
    let store_dir = dir.path().join("store");
    let mut trusted = TrustedKeys::new();
    trusted.add(key.public_key());
    let verifier = Verifier::new(trusted);

    // Kill times spread over about three installs, measured here first.
    let mut scratch = Store::open(&dir.path().join("scratch")).expect("scratch store");
    scratch
        .install(&verifier, &packages[0], &InstallOptions::default())
        .expect("a first install");
    let started = std::time::Instant::now();
    for package in &packages[1..] {
        scratch
            .install(&verifier, package, &InstallOptions::default())
            .expect("an update");
    }
    let install_ms = (started.elapsed().as_millis() as u64 / 2).max(1);
    drop(scratch);
    let mut random = Lcg::seeded();
    println!(
        "packages_crash: seed {}, one install takes {install_ms} ms",
        random.0
    );
    let start_child = |mode: &str| {
        Command::new(std::env::current_exe().expect("own path"))
            .arg(mode)
            .arg(&store_dir)
            .arg(key.public_key().to_line())
            .args(&packages)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the child")
    };
    let mut new_active = 0;
    let mut previous_active: Option<String> = None;
    let mut finished = 0;
    for round in 0..KILLS {
        let mut child = start_child("--child");
        std::thread::sleep(Duration::from_millis(random.below(3 * install_ms + 50)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let reported: Vec<String> = BufReader::new(child.stdout.take().expect("stdout"))
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| line.strip_prefix("installed ").map(str::to_owned))
            .collect();

        let store = Store::open(&store_dir).expect("the store opens after a crash");
        store
            .check()
            .unwrap_or_else(|e| panic!("round {round}: inconsistent store: {e}"));
        let active = store
            .active_version("corpus.app")
            .expect("index readable")
            .map(|v| v.version.to_string());
        // Each child starts its cycle at the first package. Before the kill it had finished
        // `reported` and was installing the next one; with nothing reported, the version
        // active before it started is still allowed.
        let (last, next) = match reported.last() {
            Some(last) => (Some(last.clone()), next_version(last)),
            None => (previous_active.clone(), VERSIONS[0]),
        };
        let allowed = [last.clone(), Some(next.to_owned())];
        assert!(
            allowed.contains(&active),
            "round {round}: active {active:?}, last finished {last:?}, next {next}"
        );
        if active.as_deref() == Some(next) && last.as_deref() != Some(next) {
            new_active += 1;
        }
        check_active_app(&store, &verifier, active.as_deref());
        finished += reported.len();
        previous_active = active;
        drop(store);
    }
    for round in 0..CHURN_KILLS {
        let mut child = start_child("--churn");
        std::thread::sleep(Duration::from_millis(random.below(6 * install_ms + 50)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let store = Store::open(&store_dir).expect("the store opens after a crash");
        store
            .check()
            .unwrap_or_else(|e| panic!("churn round {round}: inconsistent store: {e}"));
        let active = store
            .active_version("corpus.app")
            .expect("index readable")
            .map(|v| v.version.to_string());
        check_active_app(&store, &verifier, active.as_deref());
    }
    println!(
        "packages_crash: {KILLS} kills after {finished} finished installs, store consistent \
         after each; {new_active} left the version being installed active, the others the one \
         before; {CHURN_KILLS} kills during install/rollback/remove, consistent after each"
    );
}

/// The active version, if any, opens and serves its own entry page.
fn check_active_app(store: &Store, verifier: &Verifier, active: Option<&str>) {
    let Some(active) = active else { return };
    let app = store
        .open_app(verifier, "corpus.app")
        .expect("the active version opens");
    assert_eq!(app.manifest.version.to_string(), active);
    let index = capsule_packages::RelativePath::new("index.html").expect("path");
    let page = app.files.read(&index).expect("the entry page reads");
    assert_eq!(page, format!("<h1>version {active}</h1>").into_bytes());
}

/// The version the child installs after `last`.
fn next_version(last: &str) -> &'static str {
    let at = VERSIONS
        .iter()
        .position(|v| *v == last)
        .expect("known version");
    VERSIONS[(at + 1) % VERSIONS.len()]
}

fn noise(len: usize, seed: usize) -> Vec<u8> {
    let mut lcg = Lcg(seed as u64 + 1);
    (0..len).map(|_| lcg.next() as u8).collect()
}

/// A small linear congruential generator: enough to spread kill times.
struct Lcg(u64);

impl Lcg {
    fn seeded() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Self(nanos | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, limit: u64) -> u64 {
        self.next() % limit
    }
}
