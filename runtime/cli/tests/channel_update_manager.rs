//! The platforms' update API made real: a mini-program installed from an update channel
//! (nginx on 127.0.0.1) runs headless while an `Updater` checks the channel in the
//! background; `wx.getUpdateManager()` hears the check and the finished download, and
//! `applyUpdate()` restarts the app on the new version, which is then the installed one.

mod channel_support;
#[path = "../../tests/mp_support/mod.rs"]
mod mp_support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use capsule_packages::channel::Audience;
use capsule_packages::{AppId, PublicKey, Store, TrustedKeys, Verifier};
use capsule_runtime::{
    App, BackgroundUpdates, Container, HeadlessHost, MiniProgram, MiniProgramOptions, Updater,
};
use channel_support::{Nginx, Publisher, capsule, ok, path};
use mp_support::{wait, write_files};

const APP: &str = "updating-app";

/// A WeChat-dialect app whose home page shows its version; onLaunch registers the update
/// listeners as the platform's documentation shows, and applies a ready update.
fn write_app(root: &Path, version: &str) {
    let manifest = format!(
        r#"{{"appId": "{APP}", "name": "Updating", "version": "{version}", "kind": "miniprogram",
            "dialect": "wechat", "entry": "app.json", "permissions": {{"apis": ["storage"]}}}}"#
    );
    let page = format!("<view class=\"version\">version {version}</view>");
    write_files(
        root,
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            (
                "app.js",
                r#"App({ onLaunch() {
                    const updates = wx.getUpdateManager();
                    updates.onCheckForUpdate((res) => console.log('hasUpdate ' + res.hasUpdate));
                    updates.onUpdateReady(() => { console.log('ready'); updates.applyUpdate(); });
                    updates.onUpdateFailed(() => console.log('update failed'));
                } });"#,
            ),
            ("pages/index/index.js", "Page({});"),
            ("pages/index/index.wxml", &page),
        ],
    );
}

struct Device {
    data: tempfile::TempDir,
    verifier: Verifier,
}

impl Device {
    /// A device with version 1.0.0 installed from the channel.
    fn with_first_version(publisher: &Publisher, url: &str) -> Self {
        let data = tempfile::tempdir().expect("tempdir");
        ok(&capsule(&[
            "update",
            APP,
            "--channel",
            url,
            "--user",
            "frank",
            "--trust",
            path(&publisher.public_key),
            "--data-dir",
            path(data.path()),
        ]));
        let mut trusted = TrustedKeys::new();
        trusted.add(PublicKey::read(&publisher.public_key).expect("key"));
        Self {
            data,
            verifier: Verifier::new(trusted),
        }
    }

    /// Launches the installed app headless, as a host does at a cold start.
    fn launch(&self) -> (MiniProgram, Container) {
        let installed = Store::open(self.data.path())
            .expect("store")
            .launch(&self.verifier, APP)
            .expect("installed");
        let container = Container::builder()
            .data_dir(self.data.path().join("app-data"))
            .build(Arc::new(HeadlessHost::new()));
        let program = MiniProgram::launch(
            &container,
            App::from_package(installed),
            &MiniProgramOptions::default(),
        )
        .expect("launch");
        wait(&program, |s| s.cold_start.is_some());
        (program, container)
    }

    /// Checks the channel at `url` for `program` in the background, as `run --channel` does.
    fn follow(&self, url: &str, program: &MiniProgram) -> BackgroundUpdates {
        let audience = Audience {
            user_id: "frank".into(),
            internal: false,
        };
        Updater::new(url, audience, self.data.path(), self.verifier.clone())
            .expect("updater")
            .drive(
                AppId::new(APP).expect("id"),
                program,
                Duration::from_secs(3600),
            )
    }

    fn active(&self) -> String {
        Store::open(self.data.path())
            .expect("store")
            .active_version(APP)
            .expect("index")
            .expect("installed")
            .version
            .to_string()
    }
}

fn published_channel() -> (Publisher, Nginx, tempfile::TempDir) {
    let publisher = Publisher::new();
    let nginx = Nginx::serve(&publisher.channel);
    let sources = tempfile::tempdir().expect("tempdir");
    write_app(&sources.path().join("v1"), "1.0.0");
    write_app(&sources.path().join("v2"), "2.0.0");
    let v1 = publisher.pack(&sources.path().join("v1"), "v1");
    ok(&publisher.publish(&v1, &["--full"]));
    (publisher, nginx, sources)
}

#[test]
fn apply_update_restarts_a_running_app_on_the_version_the_channel_delivered() {
    let (publisher, nginx, sources) = published_channel();
    let device = Device::with_first_version(&publisher, &nginx.url());
    let v2 = publisher.pack(&sources.path().join("v2"), "v2");
    ok(&publisher.publish(&v2, &["--full"]));

    let (program, _container) = device.launch();
    assert!(
        program
            .snapshot()
            .expect("snapshot")
            .html
            .contains("version 1.0.0")
    );
    let _updates = device.follow(&nginx.url(), &program);
    wait(&program, |s| s.html.contains("version 2.0.0"));
    let console = program.snapshot().expect("snapshot").console.join("\n");
    assert!(console.contains("hasUpdate true"), "{console}");
    assert!(console.contains("ready"), "{console}");
    assert_eq!(device.active(), "2.0.0", "applying the update activated it");
}

#[test]
fn without_a_new_release_the_app_hears_no_update_and_keeps_running() {
    let (publisher, nginx, _sources) = published_channel();
    let device = Device::with_first_version(&publisher, &nginx.url());
    let (program, _container) = device.launch();
    let _updates = device.follow(&nginx.url(), &program);
    wait(&program, |s| {
        s.console
            .iter()
            .any(|line| line.contains("hasUpdate false"))
    });
    let snapshot = program.snapshot().expect("snapshot");
    assert!(snapshot.html.contains("version 1.0.0"));
    assert!(!snapshot.console.iter().any(|line| line.contains("ready")));
}

#[test]
fn a_download_that_fails_reaches_on_update_failed_and_the_app_keeps_its_version() {
    let (publisher, nginx, sources) = published_channel();
    let device = Device::with_first_version(&publisher, &nginx.url());
    let v2 = publisher.pack(&sources.path().join("v2"), "v2");
    ok(&publisher.publish(&v2, &["--full"]));
    // The CDN serves a corrupted copy of the new package.
    let packages = publisher.channel.join("apps").join(APP).join("packages");
    for entry in std::fs::read_dir(&packages).expect("packages") {
        let file = entry.expect("entry").path();
        let mut bytes = std::fs::read(&file).expect("read");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        std::fs::write(&file, bytes).expect("corrupt");
    }
    let (program, _container) = device.launch();
    let _updates = device.follow(&nginx.url(), &program);
    wait(&program, |s| {
        s.console.iter().any(|line| line.contains("update failed"))
    });
    let snapshot = program.snapshot().expect("snapshot");
    assert!(
        snapshot
            .console
            .iter()
            .any(|line| line.contains("hasUpdate true"))
    );
    assert!(snapshot.html.contains("version 1.0.0"));
    assert_eq!(device.active(), "1.0.0");
}
