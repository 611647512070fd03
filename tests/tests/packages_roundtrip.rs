//! Round trip of the H5 demo: pack → verify → install → serve through the custom protocol →
//! tamper with a file on disk → refused.

mod packages_support;

use std::path::{Path, PathBuf};

use capsule_packages::{InstallOptions, Store, pack};
use capsule_runtime::{App, serve};
use packages_support::{new_key, verifier};

/// Relative to the package root, which is where cargo runs tests.
const DEMO: &str = "../examples/h5-demo";

#[test]
fn the_demo_round_trips_and_a_tampered_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = new_key();
    let verifier = verifier(&[&key]);
    let package = dir.path().join("h5-demo.capsule");
    let summary = pack(Path::new(DEMO), &key, &package, &mut |_, _| {}).expect("pack");
    let verified = verifier.verify(&package).expect("verify");
    assert_eq!(verified.manifest, summary.manifest);

    let mut store = Store::open(&dir.path().join("store")).expect("store");
    let installed = store
        .install(&verifier, &package, &InstallOptions::default())
        .expect("install");
    let app_id = installed.app_id.clone();
    let app = App::from_package(store.open_app(&verifier, &app_id).expect("open"));
    let entry = app.manifest().entry.clone();

    for name in ["index.html", "app.js", "style.css"] {
        let response = serve(&app, "GET", &format!("capsule://{app_id}/{name}"));
        assert_eq!(response.status(), 200, "{name}");
        let original = std::fs::read(Path::new(DEMO).join(name)).expect("demo file");
        assert_eq!(response.body().as_ref(), original.as_slice(), "{name}");
    }
    let response = serve(&app, "GET", &format!("capsule://{app_id}/"));
    assert_eq!(response.status(), 200, "the entry page {entry}");
    assert_eq!(
        serve(&app, "GET", &format!("capsule://{app_id}/missing.js")).status(),
        404
    );

    let on_disk = installed_file(store.root(), "app.js");
    std::fs::write(&on_disk, "document.body.innerHTML = 'tampered';").expect("tamper");
    let response = serve(&app, "GET", &format!("capsule://{app_id}/app.js"));
    assert_eq!(response.status(), 403);
    assert!(!String::from_utf8_lossy(response.body()).contains("tampered"));
    // Files not tampered with are still served.
    assert_eq!(
        serve(&app, "GET", &format!("capsule://{app_id}/style.css")).status(),
        200
    );
}

#[test]
fn an_unpacked_package_serves_without_installing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = new_key();
    let package = dir.path().join("h5-demo.capsule");
    pack(Path::new(DEMO), &key, &package, &mut |_, _| {}).expect("pack");
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).expect("mkdir");
    let app = App::from_package(
        verifier(&[&key])
            .unpack(&package, &unpacked)
            .expect("unpack"),
    );
    let index = format!("capsule://{}/index.html", app.id());
    assert_eq!(serve(&app, "GET", &index).status(), 200);
    std::fs::write(unpacked.join("index.html"), "<h1>tampered</h1>").expect("tamper");
    assert_eq!(serve(&app, "GET", &index).status(), 403);
}

fn installed_file(root: &Path, name: &str) -> PathBuf {
    let apps = root.join("apps");
    let app_dir = std::fs::read_dir(&apps)
        .expect("apps")
        .next()
        .expect("one app")
        .expect("entry")
        .path();
    let version_dir = std::fs::read_dir(app_dir)
        .expect("versions")
        .next()
        .expect("one version")
        .expect("entry")
        .path();
    version_dir.join(name)
}
