//! Packing, verifying and the installed-package store: versions side by side, activation,
//! garbage collection, rollback, removal, and hash re-checks when files are read.

mod packages_support;

use std::path::{Path, PathBuf};

use capsule_packages::{
    Error, InstallOptions, RelativePath, SecretKey, Store, Verifier, inspect, pack,
};
use packages_support::{app_folder, new_key, verifier};

struct Fixture {
    dir: tempfile::TempDir,
    key: SecretKey,
    verifier: Verifier,
}

impl Fixture {
    fn new() -> Self {
        let key = new_key();
        let verifier = verifier(&[&key]);
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
            key,
            verifier,
        }
    }

    /// Packs the corpus app at `version` and returns the package path.
    fn package(&self, version: &str) -> PathBuf {
        let source = self.dir.path().join(format!("src-{version}"));
        app_folder(&source, version, &[("pages/about.html", b"<p>about</p>")]);
        let out = self.dir.path().join(format!("app-{version}.capsule"));
        pack(&source, &self.key, &out, &mut |_, _| {}).expect("pack");
        out
    }

    fn store(&self) -> Store {
        Store::open(&self.dir.path().join("store")).expect("store")
    }

    /// The store with the corpus app installed at `version`.
    fn store_with(&self, version: &str) -> Store {
        let mut store = self.store();
        store
            .install(
                &self.verifier,
                &self.package(version),
                &InstallOptions::default(),
            )
            .expect("install");
        store
    }
}

fn versions(store: &Store) -> Vec<(String, bool)> {
    store
        .list()
        .expect("list")
        .into_iter()
        .map(|v| (v.version.to_string(), v.active))
        .collect()
}

fn path(p: &str) -> RelativePath {
    RelativePath::new(p).expect("valid path")
}

#[test]
fn pack_writes_a_package_that_verifies_and_inspects() {
    let fx = Fixture::new();
    let source = fx.dir.path().join("src");
    app_folder(&source, "1.0.0", &[("img/logo.svg", b"<svg/>")]);
    let out = fx.dir.path().join("app.capsule");
    let mut calls = Vec::new();
    let summary = pack(&source, &fx.key, &out, &mut |done, total| {
        calls.push((done, total));
    })
    .expect("pack");
    assert_eq!(summary.files, 4);
    assert_eq!(summary.key_id, fx.key.public_key().key_id());
    assert_eq!(
        summary.manifest.key_id.as_deref(),
        Some(summary.key_id.as_str())
    );
    let (done, total) = *calls.last().expect("progress reported");
    assert_eq!(done, total);
    assert!(!fx.dir.path().join("app.capsule.partial").exists());

    let verified = fx.verifier.verify(&out).expect("verifies");
    assert_eq!(verified.manifest, summary.manifest);
    let paths: Vec<_> = verified.files.paths().map(ToString::to_string).collect();
    assert_eq!(
        paths,
        ["img/logo.svg", "index.html", "js/app.js", "manifest.json"]
    );

    let info = inspect(&out).expect("inspect");
    assert_eq!(info.manifest.app_id.as_str(), "corpus.app");
    let names: Vec<_> = info
        .entries
        .iter()
        .map(|(name, _, _)| name.as_str())
        .collect();
    assert!(names.contains(&"_capsule/signature") && names.contains(&"img/logo.svg"));
}

#[test]
fn pack_refuses_what_it_cannot_sign_faithfully() {
    let fx = Fixture::new();
    let out = fx.dir.path().join("out.capsule");
    let source = fx.dir.path().join("links");
    app_folder(&source, "1.0.0", &[]);
    std::os::unix::fs::symlink("/etc/passwd", source.join("passwd")).expect("symlink");
    assert!(matches!(
        pack(&source, &fx.key, &out, &mut |_, _| {}),
        Err(Error::NotAFile { entry, kind: "symbolic link" }) if entry == "passwd"
    ));
    let source = fx.dir.path().join("reserved");
    app_folder(&source, "1.0.0", &[("_capsule/signature", b"x")]);
    assert!(matches!(
        pack(&source, &fx.key, &out, &mut |_, _| {}),
        Err(Error::Path { path, .. }) if path == "_capsule"
    ));
    let source = fx.dir.path().join("other-key");
    app_folder(&source, "1.0.0", &[]);
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(source.join("manifest.json")).expect("read"))
            .expect("json");
    manifest["keyId"] = "0000000000000000".into();
    std::fs::write(source.join("manifest.json"), manifest.to_string()).expect("write");
    assert!(matches!(
        pack(&source, &fx.key, &out, &mut |_, _| {}),
        Err(Error::KeyIdMismatch { .. })
    ));
    assert!(!out.exists());
}

#[test]
fn versions_install_side_by_side_roll_back_and_are_collected() {
    let fx = Fixture::new();
    let mut store = fx.store();
    let options = InstallOptions::default();
    let v1 = fx.package("1.0.0");
    let installed = store.install(&fx.verifier, &v1, &options).expect("v1");
    assert!(installed.active);
    assert_eq!(installed.key_id, fx.key.public_key().key_id());
    store
        .install(&fx.verifier, &fx.package("2.0.0"), &options)
        .expect("v2");
    assert_eq!(
        versions(&store),
        [("1.0.0".into(), false), ("2.0.0".into(), true)]
    );

    store
        .install(&fx.verifier, &fx.package("3.0.0"), &options)
        .expect("v3");
    assert_eq!(
        versions(&store),
        [("2.0.0".into(), false), ("3.0.0".into(), true)]
    );
    let dirs = std::fs::read_dir(store.root().join("apps/corpus.app"))
        .expect("app dir")
        .count();
    assert_eq!(dirs, 2, "version 1 is deleted from disk too");

    let back = store.rollback("corpus.app").expect("rollback");
    assert_eq!(back.version.to_string(), "2.0.0");
    let app = store.open_app(&fx.verifier, "corpus.app").expect("open");
    assert_eq!(app.manifest.version.to_string(), "2.0.0");
    assert_eq!(
        app.files.read(&path("index.html")).expect("read"),
        b"<h1>version 2.0.0</h1>"
    );
    assert!(matches!(
        store.rollback("corpus.app"),
        Err(Error::NoPreviousVersion { .. })
    ));

    // Installing the same package again re-activates it; an older one needs force.
    store
        .install(&fx.verifier, &fx.package("3.0.0"), &options)
        .expect("v3 again");
    assert_eq!(
        versions(&store),
        [("2.0.0".into(), false), ("3.0.0".into(), true)]
    );
    assert!(matches!(
        store.install(&fx.verifier, &v1, &options),
        Err(Error::Downgrade { .. })
    ));
    let forced = InstallOptions {
        allow_downgrade: true,
        ..InstallOptions::default()
    };
    store
        .install(&fx.verifier, &v1, &forced)
        .expect("forced downgrade");
    assert_eq!(
        versions(&store),
        [("3.0.0".into(), false), ("1.0.0".into(), true)]
    );
    store.check().expect("consistent");

    store.remove("corpus.app").expect("remove");
    assert!(versions(&store).is_empty());
    assert!(!store.root().join("apps/corpus.app").exists());
    assert!(matches!(
        store.remove("corpus.app"),
        Err(Error::NotInstalled { .. })
    ));
    assert!(matches!(
        store.rollback("corpus.app"),
        Err(Error::NotInstalled { .. })
    ));
    store.check().expect("consistent");
}

#[test]
fn keeping_more_versions_keeps_more() {
    let fx = Fixture::new();
    let mut store = fx.store().keeping(3);
    for version in ["1.0.0", "1.1.0", "1.2.0", "1.3.0"] {
        store
            .install(
                &fx.verifier,
                &fx.package(version),
                &InstallOptions::default(),
            )
            .expect("install");
    }
    let kept: Vec<_> = versions(&store).into_iter().map(|(v, _)| v).collect();
    assert_eq!(kept, ["1.1.0", "1.2.0", "1.3.0"]);
}

#[test]
fn a_file_changed_on_disk_is_refused_when_read() {
    let fx = Fixture::new();
    let store = fx.store_with("1.0.0");
    let app = store.open_app(&fx.verifier, "corpus.app").expect("open");
    assert!(app.files.read(&path("js/app.js")).is_ok());
    let on_disk = find_file(store.root(), "app.js");
    std::fs::write(&on_disk, "steal()").expect("tamper");
    let error = app.files.read(&path("js/app.js")).expect_err("refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    assert!(matches!(store.check(), Err(Error::Store(m)) if m.contains("js/app.js")));
    assert_eq!(
        app.files.read(&path("nope.js")).expect_err("absent").kind(),
        std::io::ErrorKind::NotFound
    );
    // A file added on disk is not part of the package.
    std::fs::write(on_disk.with_file_name("added.js"), "x").expect("add");
    assert_eq!(
        app.files
            .read(&path("js/added.js"))
            .expect_err("absent")
            .kind(),
        std::io::ErrorKind::NotFound
    );
}

#[test]
fn opening_an_app_rechecks_trust() {
    let fx = Fixture::new();
    let store = fx.store_with("1.0.0");
    let stranger = verifier(&[&new_key()]);
    assert!(matches!(
        store.open_app(&stranger, "corpus.app"),
        Err(Error::UnknownKey { .. })
    ));
    assert!(matches!(
        store.open_app(&fx.verifier, "missing.app"),
        Err(Error::NotInstalled { .. })
    ));
}

#[test]
fn leftovers_of_an_interrupted_install_are_removed_on_open() {
    let fx = Fixture::new();
    let root = fx.store_with("1.0.0").root().to_path_buf();
    std::fs::create_dir_all(root.join("staging/123-456/js")).expect("staging leftover");
    std::fs::create_dir_all(root.join("apps/corpus.app/9.9.9+0000")).expect("orphan");
    let store = fx.store();
    store.check().expect("consistent after recovery");
    assert_eq!(versions(&store), [("1.0.0".into(), true)]);
}

#[test]
fn a_damaged_index_is_set_aside_with_the_versions_it_named() {
    let fx = Fixture::new();
    let root = fx.store_with("1.0.0").root().to_path_buf();
    let index = root.join("index.sqlite");
    let damaged = b"no longer a database".to_vec();
    std::fs::write(&index, &damaged).expect("damage the index");

    let store = fx.store();
    let set_aside = store.set_aside().expect("set aside").clone();
    assert_eq!(set_aside.path, index);
    assert_eq!(std::fs::read(&set_aside.moved_to).expect("kept"), damaged);
    // The installed files went with it, not deleted as leftovers of the new, empty index.
    let mut kept = set_aside.moved_to.clone().into_os_string();
    kept.push(".apps");
    find_file(Path::new(&kept), "about.html");
    assert_eq!(versions(&store), []);
    store.check().expect("a consistent, empty store");
    drop(store);

    // Installed again, the app runs; the store opens without setting anything aside.
    let store = fx.store_with("1.0.0");
    assert!(store.set_aside().is_none());
    assert_eq!(versions(&store), [("1.0.0".into(), true)]);
}

fn find_file(root: &Path, name: &str) -> PathBuf {
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().is_some_and(|n| n == name) {
                return path;
            }
        }
    }
    panic!("{name} not found below {}", root.display());
}

#[test]
fn only_the_apps_own_publisher_may_update_it_unless_allowed() {
    let fx = Fixture::new();
    let mut store = fx.store_with("1.0.0");
    let other = new_key();
    let source = fx.dir.path().join("src-other");
    app_folder(&source, "2.0.0", &[]);
    let package = fx.dir.path().join("other.capsule");
    pack(&source, &other, &package, &mut |_, _| {}).expect("pack");
    let both = verifier(&[&fx.key, &other]);
    assert!(matches!(
        store.install(&both, &package, &InstallOptions::default()),
        Err(Error::KeyChanged { .. })
    ));
    let allowed = InstallOptions {
        allow_key_change: true,
        ..InstallOptions::default()
    };
    let installed = store.install(&both, &package, &allowed).expect("allowed");
    assert_eq!(installed.key_id, other.public_key().key_id());
}

#[test]
fn one_store_folder_has_one_user_at_a_time() {
    let fx = Fixture::new();
    let first = fx.store();
    let released = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let second = std::thread::spawn({
        let root = first.root().to_path_buf();
        let released = released.clone();
        move || {
            let store = Store::open(&root).expect("second open");
            assert!(
                released.load(std::sync::atomic::Ordering::SeqCst),
                "opened while the first store was open"
            );
            drop(store);
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    released.store(true, std::sync::atomic::Ordering::SeqCst);
    drop(first);
    second.join().expect("second thread");
}

#[test]
fn a_deferred_update_waits_for_the_next_launch_and_is_never_collected() {
    let fx = Fixture::new();
    let mut store = fx.store_with("1.0.0").keeping(1);
    let deferred = InstallOptions {
        defer_activation: true,
        ..InstallOptions::default()
    };
    let installed = store
        .install(&fx.verifier, &fx.package("1.1.0"), &deferred)
        .expect("deferred install");
    assert!(!installed.active);
    assert_eq!(
        versions(&store),
        [("1.0.0".into(), true), ("1.1.0".into(), false)],
        "keeping 1 version still keeps the pending one"
    );
    let app = &installed.app_id;
    let pending = store.pending_version(app).expect("pending").expect("one");
    assert_eq!(pending.version.to_string(), "1.1.0");
    assert_eq!(
        store
            .open_app(&fx.verifier, app)
            .expect("opens")
            .manifest
            .version
            .to_string(),
        "1.0.0",
        "the running version stays until the next launch"
    );
    let launched = store.launch(&fx.verifier, app).expect("launch");
    assert_eq!(launched.manifest.version.to_string(), "1.1.0");
    assert_eq!(store.pending_version(app).expect("pending"), None);
    assert_eq!(versions(&store), [("1.1.0".into(), true)]);
    store.check().expect("consistent");
}

#[test]
fn a_deferred_first_install_is_active_at_once_and_a_discarded_one_never_starts() {
    let fx = Fixture::new();
    let mut store = fx.store();
    let deferred = InstallOptions {
        defer_activation: true,
        ..InstallOptions::default()
    };
    let first = store
        .install(&fx.verifier, &fx.package("1.0.0"), &deferred)
        .expect("install");
    assert!(first.active, "nothing else could run");
    store
        .install(&fx.verifier, &fx.package("1.1.0"), &deferred)
        .expect("deferred");
    store.discard_pending(&first.app_id).expect("discard");
    let launched = store.launch(&fx.verifier, &first.app_id).expect("launch");
    assert_eq!(launched.manifest.version.to_string(), "1.0.0");
}

mod channel_state {
    use capsule_packages::channel::ChannelIndex;
    use capsule_packages::{AppId, Error, SecretKey, Store, TrustedKeys};

    fn verified(
        key: &SecretKey,
        sequence: u64,
        expires: u64,
    ) -> (Vec<u8>, capsule_packages::channel::VerifiedIndex) {
        let mut index = ChannelIndex::new(AppId::new("demo").expect("id"));
        index.sequence = sequence;
        index.expires = expires;
        let bytes = index.sign(key).expect("signed");
        let mut trusted = TrustedKeys::new();
        trusted.add(key.public_key());
        let verified = ChannelIndex::verify(&bytes, &trusted).expect("verifies");
        (bytes, verified)
    }

    #[test]
    fn an_older_or_expired_index_is_refused_and_the_newest_remembered() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = SecretKey::generate().expect("key");
        let future = 4_102_444_800;
        let url = "https://cdn.example/apps/demo/index.json";
        let mut store = Store::open(dir.path()).expect("store");
        let (five, index_five) = verified(&key, 5, future);
        store
            .accept_index(&index_five, &five, (url, Some("\"e5\"")))
            .expect("accepted");
        let (four, index_four) = verified(&key, 4, future);
        assert!(matches!(
            store.accept_index(&index_four, &four, (url, None)),
            Err(Error::IndexReplayed {
                sequence: 4,
                seen: 5,
                ..
            })
        ));
        let (expired, index_expired) = verified(&key, 6, 1);
        assert!(matches!(
            store.accept_index(&index_expired, &expired, (url, None)),
            Err(Error::IndexExpired { .. })
        ));
        drop(store);
        // Remembered across restarts, with what a conditional request needs.
        let state = Store::open(dir.path())
            .expect("store")
            .channel_state("demo")
            .expect("state")
            .expect("remembered");
        assert_eq!(state.sequence, 5);
        assert_eq!(state.etag.as_deref(), Some("\"e5\""));
        assert_eq!(state.url, url);
        assert_eq!(state.index_file, five);
    }
}
