//! The package commands of the `capsule` binary, headless: what they print, their exit
//! status, and that refusals leave the store as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Relative to the package root, which is where cargo runs tests.
const DEMO: &str = "../../examples/h5-demo";

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_capsule"))
            .args(args)
            .arg("--data-dir")
            .arg(self.path("data"))
            .env_remove("CAPSULE_DATA_DIR")
            .output()
            .expect("capsule runs")
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8")
    }

    /// Runs a command that must fail; returns its stderr.
    fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_eq!(output.status.code(), Some(1), "{args:?} should fail");
        String::from_utf8(output.stderr).expect("UTF-8")
    }

    /// A key pair `name` and `name.pub`.
    fn keygen(&self, name: &str) -> (String, String) {
        let key = self.path(name).display().to_string();
        self.ok(&["keygen", "-o", &key]);
        (key.clone(), format!("{key}.pub"))
    }

    /// A copy of the demo at `version`, packed and signed with `key`.
    fn pack_demo(&self, version: &str, key: &str) -> String {
        let source = self.path(&format!("demo-{version}"));
        std::fs::create_dir_all(&source).expect("mkdir");
        for entry in std::fs::read_dir(DEMO).expect("demo") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), source.join(entry.file_name())).expect("copy");
        }
        let manifest = source.join("manifest.json");
        let text = std::fs::read_to_string(&manifest).expect("manifest");
        let text = text.replace("\"1.0.0\"", &format!("\"{version}\""));
        std::fs::write(&manifest, text).expect("manifest");
        let out = self
            .path(&format!("demo-{version}.capsule"))
            .display()
            .to_string();
        self.ok(&[
            "pack",
            &source.display().to_string(),
            "--key",
            key,
            "-o",
            &out,
        ]);
        out
    }
}

#[test]
fn keygen_writes_a_private_key_and_a_one_line_public_key() {
    let cli = Cli::new();
    let (key, public) = cli.keygen("publisher.key");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&key).expect("key").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let line = std::fs::read_to_string(&public).expect("public key");
    assert_eq!(line.lines().count(), 1);
    assert!(line.starts_with("capsule-public-key ed25519 "), "{line}");
    let again = cli.fails(&["keygen", "-o", &key]);
    assert!(again.contains("exists already"), "{again}");
}

#[test]
fn verify_and_install_need_a_trusted_key() {
    let cli = Cli::new();
    let (key, public) = cli.keygen("publisher.key");
    let (_, stranger) = cli.keygen("stranger.key");
    let package = cli.pack_demo("1.0.0", &key);

    let untrusted = cli.fails(&["verify", &package]);
    assert!(
        untrusted.contains("no trusted publisher keys"),
        "{untrusted}"
    );
    let wrong = cli.fails(&["install", &package, "--trust", &stranger]);
    assert!(wrong.contains("which is not trusted"), "{wrong}");
    let ok = cli.ok(&["verify", &package, "--trust", &public]);
    assert!(ok.starts_with("ok: h5-demo 1.0.0 signed by key"), "{ok}");
    let inspect = cli.ok(&["inspect", &package]);
    assert!(inspect.contains("appId:     h5-demo") && inspect.contains("_capsule/signature"));
    assert!(cli.ok(&["list"]).starts_with("no apps installed"));
}

#[test]
fn install_list_rollback_remove() {
    let cli = Cli::new();
    let (key, public) = cli.keygen("publisher.key");
    cli.ok(&["trust", &public]);
    let v1 = cli.pack_demo("1.0.0", &key);
    let v2 = cli.pack_demo("1.1.0", &key);
    assert!(
        cli.ok(&["install", &v1])
            .contains("installed h5-demo 1.0.0")
    );
    assert!(
        cli.ok(&["install", &v2])
            .contains("installed h5-demo 1.1.0")
    );
    let list = cli.ok(&["list"]);
    let active: Vec<&str> = list.lines().filter(|l| l.contains("active")).collect();
    assert_eq!(active.len(), 1, "{list}");
    assert!(active[0].contains("1.1.0"), "{list}");

    let downgrade = cli.fails(&["install", &v1]);
    assert!(downgrade.contains("is not newer"), "{downgrade}");
    let pinned = cli.fails(&["install", &v2, "--app-id", "other.app"]);
    assert!(pinned.contains("expected app 'other.app'"), "{pinned}");
    assert_eq!(cli.ok(&["list"]), list, "refusals change nothing");

    assert!(
        cli.ok(&["rollback", "h5-demo"])
            .contains("h5-demo 1.0.0 is active again")
    );
    assert!(
        cli.fails(&["rollback", "h5-demo"])
            .contains("no older version")
    );
    assert!(cli.ok(&["remove", "h5-demo"]).contains("removed h5-demo"));
    assert!(
        cli.fails(&["remove", "h5-demo"])
            .contains("is not installed")
    );
    let run = cli.fails(&["run", "h5-demo"]);
    assert!(run.contains("is not installed"), "{run}");
    assert!(!Path::new(&cli.path("data/apps/h5-demo")).exists());
}

#[test]
fn install_keeps_as_many_versions_as_asked() {
    let cli = Cli::new();
    let (key, public) = cli.keygen("publisher.key");
    cli.ok(&["trust", &public]);
    let versions = ["1.0.0", "1.1.0", "1.2.0", "1.3.0"];
    for version in versions {
        let package = cli.pack_demo(version, &key);
        cli.ok(&["install", &package, "--keep", "3"]);
    }
    let list = cli.ok(&["list"]);
    assert!(!list.contains("1.0.0"), "the oldest is gone: {list}");
    for kept in &versions[1..] {
        assert!(list.contains(kept), "{kept} kept: {list}");
    }
    let zero = cli.run(&["install", &cli.pack_demo("1.4.0", &key), "--keep", "0"]);
    assert_eq!(zero.status.code(), Some(2), "a usage error");
    let message = String::from_utf8_lossy(&zero.stderr);
    assert!(message.contains("--keep"), "{message}");
}
