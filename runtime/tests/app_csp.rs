//! An H5 app's own Content-Security-Policy through `Container::open`: within the host's cap
//! it opens, beyond it nothing opens and the error says why and how the host could allow it.
//! (What the window does with the policy: `app_csp_window.rs`.)

use std::path::Path;
use std::sync::Arc;

use capsule_runtime::{
    App, Container, CspCap, Error, HeadlessHost, HostPolicy, HostRecord, MiniProgram,
    MiniProgramError, MiniProgramOptions,
};
use serde_json::json;

/// An H5 app `id` in `dir` with `csp` (none when `None`), declaring one domain.
fn h5_app(dir: &Path, id: &str, csp: Option<&str>) -> App {
    let mut manifest = json!({
        "appId": id, "name": id, "version": "1.0.0", "kind": "h5", "entry": "index.html",
        "permissions": { "apis": [], "domains": ["https://api.example.com"] },
    });
    if let Some(csp) = csp {
        manifest["csp"] = csp.into();
    }
    let root = dir.join(id);
    std::fs::create_dir_all(&root).expect("app folder");
    std::fs::write(root.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(root.join("index.html"), "<p>page</p>").expect("page");
    App::open_dir(&root).expect("app")
}

fn build(dir: &Path, policy: HostPolicy) -> (Arc<HeadlessHost>, Container) {
    let host = Arc::new(HeadlessHost::new());
    let container = Container::builder()
        .policy(policy)
        .data_dir(dir.join("data"))
        .build(host.clone());
    (host, container)
}

#[test]
fn an_app_relaxing_more_than_the_host_allows_does_not_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (host, container) = build(dir.path(), HostPolicy::default());
    let inline = h5_app(
        dir.path(),
        "inline-app",
        Some("default-src 'self'; script-src 'self' 'unsafe-inline'"),
    );
    let Err(Error::Csp(message)) = container.open(inline) else {
        panic!("an app with inline scripts opened under the default cap");
    };
    assert_eq!(
        message,
        "app inline-app: its csp allows 'unsafe-inline' in script-src: inline scripts and event \
         handler attributes would run, so markup injected into a page could run code; a host \
         that trusts the app allows it with \
         HostPolicy::csp_cap(CspCap { inline_scripts: true, ..CspCap::default() })"
    );
    let foreign = h5_app(
        dir.path(),
        "cdn-app",
        Some("default-src 'self'; img-src 'self' https://cdn.example.com"),
    );
    let error = container.open(foreign).expect_err("refused");
    assert!(
        error.to_string().starts_with(
            "app cdn-app: its csp allows https://cdn.example.com in img-src: \
             https://cdn.example.com is neither the app's own origin (capsule://cdn-app) nor a \
             domain its manifest declares"
        ),
        "{error}"
    );
    assert_eq!(host.records(), [], "nothing opened");
    assert!(!container.has_pages());
}

#[test]
fn apps_within_the_cap_open_and_the_host_may_widen_or_narrow_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let eval = "default-src 'self'; script-src 'self' 'unsafe-eval'";
    let inline = "default-src 'self'; script-src 'self' 'unsafe-inline'";

    let (host, container) = build(dir.path(), HostPolicy::default());
    let page = container
        .open(h5_app(dir.path(), "eval-app", Some(eval)))
        .expect("'unsafe-eval' is within the default cap");
    let plain = container
        .open(h5_app(dir.path(), "plain-app", None))
        .expect("an app without csp opens");
    let opened: Vec<HostRecord> = host
        .records()
        .into_iter()
        .filter(|record| matches!(record, HostRecord::Opened { .. }))
        .collect();
    assert_eq!(
        opened,
        [
            HostRecord::Opened {
                page,
                url: "capsule://eval-app/index.html".into()
            },
            HostRecord::Opened {
                page: plain,
                url: "capsule://plain-app/index.html".into()
            }
        ]
    );

    let trusting = HostPolicy::default().csp_cap(CspCap {
        inline_scripts: true,
        ..CspCap::default()
    });
    let (_, container) = build(dir.path(), trusting);
    container
        .open(h5_app(dir.path(), "inline-app", Some(inline)))
        .expect("the host allows inline scripts");

    let strict = HostPolicy::default().csp_cap(CspCap {
        eval: false,
        ..CspCap::default()
    });
    let (host, container) = build(dir.path(), strict);
    let Err(Error::Csp(message)) = container.open(h5_app(dir.path(), "eval-app", Some(eval)))
    else {
        panic!("'unsafe-eval' opened on a host that refuses it");
    };
    assert!(
        message.starts_with("app eval-app: its csp allows 'unsafe-eval' in script-src: "),
        "{message}"
    );
    assert!(
        message.ends_with("HostPolicy::csp_cap(CspCap { eval: true, ..CspCap::default() })"),
        "{message}"
    );
    assert_eq!(host.records(), []);
}

/// `from_json` refuses a mini-program's `csp`; one built in code is refused at launch.
#[test]
fn a_mini_program_with_a_csp_does_not_launch() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("app.json"),
        r#"{"pages": ["pages/index/index"]}"#,
    )
    .expect("app.json");
    let files = Arc::new(capsule_runtime::DirFiles::new(dir.path()).expect("dir"));
    let mut manifest = capsule_packages::Manifest::from_json(
        br#"{"appId":"mp","name":"Mp","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
    )
    .expect("manifest");
    manifest.csp = Some("default-src 'self'".into());
    let (host, container) = build(dir.path(), HostPolicy::default());
    let launched = MiniProgram::launch(
        &container,
        App::new(manifest, files),
        &MiniProgramOptions::default(),
    );
    let Err(MiniProgramError::Config { file, message }) = launched else {
        panic!("a mini-program with a csp launched");
    };
    assert_eq!(file, "manifest.json");
    assert!(
        message.starts_with(
            "app mp: csp is for H5 apps: a mini-program's pages are the container's page host"
        ),
        "{message}"
    );
    assert_eq!(host.records(), []);
}
