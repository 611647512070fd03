//! The isolation suite: what one app can reach of another, of this machine and of the
//! network, and what a page can make of the bridge. Every bad case is refused with the
//! platform's error (or the page does not load) and the refusal is logged; each test also
//! checks that the legitimate path still works, so none can pass by refusing everything.
//!
//! - storage: app A reads, writes, removes and clears only its own keys, whatever it names
//!   in the parameters; a call claiming B's origin is refused (code 4);
//! - files: B's files through `wxfile://` / `https://usr|resource|store/` paths with `..`,
//!   percent-encoded dots and slashes (once and twice), absolute paths, other schemes
//!   (`file://`, `ttfile://`), backslashes and NUL bytes; symbolic links planted in A's
//!   folder pointing into B's, at `/etc`, or at a file B does not have yet;
//! - cookies set for A's requests are not sent with B's (a real HTTP server on 127.0.0.1);
//! - `capsule://B/...` from A, through the protocol handler;
//! - network: `request` / `httpRequest` / `downloadFile` / `uploadFile` to an undeclared
//!   domain, a declared one answering 302 to an undeclared one, a name resolving to loopback
//!   and literal loopback, unspecified and private addresses outside developer mode (and
//!   reached in developer mode);
//! - H5 navigation (`Container::allows_navigation`, which the window host asks for every
//!   navigation, frames included): other apps, undeclared origins, other schemes;
//! - a mini-program's logic: another app's `globalThis`, `getApp()` and modules;
//! - forged bridge messages: replies and UI answers the page never got (or another page
//!   got), calls claiming another app or origin, 10 MB messages, JSON nested 100,000 deep,
//!   non-JSON and binary garbage.

#[path = "../../runtime/tests/mp_support/mod.rs"]
mod mp_support;
mod support;

use std::path::Path;
use std::time::Duration;

use capsule_jsapi::ApiConfig;
use capsule_runtime::{
    App, Container, ContainerBuilder, ContainerEvent, HeadlessHost, HostPolicy, MiniProgram,
    MiniProgramOptions, PageId, ToPage,
};
use serde_json::{Value, json};
use support::http::{TestCa, TestServer};
use support::{Harness, Page, logs, show};

/// Calls `api` from `page`, which must fail with `code`; checks that the refusal was logged
/// and returns its message.
fn refused(harness: &Harness, page: &Page, api: &str, params: Value, code: i64) -> String {
    let shown = params.to_string().chars().take(120).collect::<String>();
    let error = harness
        .call(page, api, params)
        .expect_err(&format!("{api}({shown}) is refused"));
    assert_eq!(error["error"], code, "{api}({shown}): {error}");
    let message = error["errorMessage"]
        .as_str()
        .expect("an errorMessage")
        .to_owned();
    // The log names the app whose page made the call.
    let app = harness
        .container
        .app_of(page.id)
        .map(|app| app.id().to_owned())
        .unwrap_or_default();
    logs::wait_for(&[
        "capsule::api",
        &format!("app=\"{app}\""),
        &format!("api=\"{api}\""),
        &format!("code={code}"),
        &message,
    ]);
    message
}

/// A harness capturing logs.
fn harness_with(configure: impl FnOnce(ContainerBuilder) -> ContainerBuilder) -> Harness {
    logs::capture();
    Harness::with(configure)
}

// ---------------------------------------------------------------------------------------
// Storage

#[test]
fn storage_of_another_app_is_out_of_reach() {
    let mut harness = harness_with(|builder| builder);
    let a = harness.open("iso-store-a", &["storage"], &[]);
    let b = harness.open("iso-store-b", &["storage"], &[]);
    let call = |page: &Page, api: &str, params: Value| {
        harness
            .call(page, api, params)
            .unwrap_or_else(|error| panic!("{api}: {error}"))
    };
    call(&b, "setStorage", json!({"key": "secret", "data": "b-only"}));
    call(&a, "setStorage", json!({"key": "mine", "data": "a-only"}));

    // Nothing A names, whatever it adds to the parameters, reaches B's keys.
    for params in [
        json!({"key": "secret"}),
        json!({"key": "secret", "appId": "iso-store-b"}),
        json!({"key": "iso-store-b/secret"}),
        json!({"key": "../iso-store-b/secret"}),
    ] {
        for api in ["getStorage", "getStorageSync"] {
            assert_eq!(
                call(&a, api, params.clone()),
                json!({"data": null}),
                "{api}({params})"
            );
        }
    }
    let info = call(&a, "getStorageInfo", json!({"appId": "iso-store-b"}));
    assert_eq!(info["keys"], json!(["mine"]), "{info}");
    call(&a, "setStorage", json!({"key": "secret", "data": "from a"}));
    call(
        &a,
        "setStorageSync",
        json!({"key": "secret", "data": "from a"}),
    );
    call(&a, "removeStorage", json!({"key": "secret"}));
    call(&a, "removeStorageSync", json!({"key": "secret"}));
    call(&a, "clearStorage", json!({"appId": "iso-store-b"}));
    call(&a, "clearStorageSync", json!({}));
    assert_eq!(
        call(&b, "getStorage", json!({"key": "secret"})),
        json!({"data": "b-only"}),
        "B's key outlived everything A did"
    );
    assert_eq!(
        call(&b, "getStorageInfo", json!({}))["keys"],
        json!(["secret"])
    );

    // A document of B's origin inside A's page (a frame, say) gets nothing: only the app's
    // own origin, and those the host grants, may call.
    let forged = Page {
        id: a.id,
        origin: "capsule://iso-store-b".into(),
    };
    for api in ["getStorageInfoSync", "removeStorageSync"] {
        let message = refused(&harness, &forged, api, json!({"key": "secret"}), 4);
        assert!(message.contains("no permission"), "{message}");
    }
    assert_eq!(
        call(&b, "getStorage", json!({"key": "secret"})),
        json!({"data": "b-only"})
    );
    // A's own calls still work.
    call(&a, "setStorage", json!({"key": "mine", "data": "again"}));
    assert_eq!(
        call(&a, "getStorage", json!({"key": "mine"})),
        json!({"data": "again"})
    );
}

// ---------------------------------------------------------------------------------------
// Files

/// Two apps with files, B keeping `secret.txt` in its user folder; returns (harness, A, B).
fn two_apps_with_files(a_id: &str, b_id: &str) -> (Harness, Page, Page) {
    let mut harness = harness_with(|builder| builder);
    let a = harness.open(a_id, &["files"], &[]);
    let b = harness.open(b_id, &["files"], &[]);
    harness
        .call(
            &b,
            "writeFile",
            json!({"filePath": "wxfile://usr/secret.txt", "data": "b-only", "encoding": "utf8"}),
        )
        .expect("B writes its file");
    // A has a file area too, so its own folders exist.
    harness
        .call(
            &a,
            "writeFile",
            json!({"filePath": "https://usr/own.txt", "data": "a-only", "encoding": "utf8"}),
        )
        .expect("A writes its file");
    (harness, a, b)
}

/// Checks that B's secret is intact and that A still reads its own file.
fn files_still_work(harness: &Harness, a: &Page, b: &Page) {
    let read = |page: &Page, path: &str| {
        harness.call(
            page,
            "readFile",
            json!({"filePath": path, "encoding": "utf8"}),
        )
    };
    assert_eq!(
        read(b, "wxfile://usr/secret.txt"),
        Ok(json!({"data": "b-only"}))
    );
    assert_eq!(
        read(a, "wxfile://usr/own.txt"),
        Ok(json!({"data": "a-only"}))
    );
}

#[test]
fn files_of_another_app_are_out_of_reach_by_any_spelling() {
    let (harness, a, b) = two_apps_with_files("iso-files-a", "iso-files-b");
    let b_real = harness
        .data_dir
        .path()
        .join("files/iso-files-b/usr/secret.txt");
    assert!(b_real.is_file(), "B's file is where the test looks");
    let b_real = b_real.to_str().expect("UTF-8 path").to_owned();
    let paths = [
        "wxfile://usr/../../iso-files-b/usr/secret.txt".to_owned(),
        "https://usr/../../iso-files-b/usr/secret.txt".to_owned(),
        "https://resource/../../iso-files-b/usr/secret.txt".to_owned(),
        "https://store/../../iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://tmp/./../../iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://usr/%2e%2e/%2e%2e/iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://usr/%2E%2E/%2E%2E/iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://usr/..%2f..%2fiso-files-b%2fusr%2fsecret.txt".to_owned(),
        "wxfile://usr/%252e%252e/%252e%252e/iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://usr/%25252e%25252e/%25252e%25252e/iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://usr/..\\..\\iso-files-b\\usr\\secret.txt".to_owned(),
        "wxfile://usr/..%5c..%5ciso-files-b%5cusr%5csecret.txt".to_owned(),
        "wxfile://usr/own.txt\u{0}/../../../iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://usr/own.txt%00/../../../iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://usr//../iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://iso-files-b/usr/secret.txt".to_owned(),
        "wxfile://usr-b/secret.txt".to_owned(),
        "ttfile://user/../../iso-files-b/usr/secret.txt".to_owned(),
        "file://".to_owned() + &b_real,
        b_real.clone(),
        "/etc/passwd".to_owned(),
        "../iso-files-b/usr/secret.txt".to_owned(),
    ];
    for path in &paths {
        let message = refused(
            &harness,
            &a,
            "readFile",
            json!({"filePath": path, "encoding": "utf8"}),
            2,
        );
        assert!(
            message.starts_with("permission denied") && message.contains(path.as_str()),
            "{path:?}: {message}"
        );
        refused(
            &harness,
            &a,
            "writeFile",
            json!({"filePath": path, "data": "from a", "encoding": "utf8"}),
            2,
        );
        for api in ["unlink", "stat", "access"] {
            let key = if api == "unlink" { "filePath" } else { "path" };
            refused(&harness, &a, api, json!({ key: path }), 2);
        }
    }
    files_still_work(&harness, &a, &b);
}

#[cfg(unix)]
#[test]
fn planted_symbolic_links_do_not_lead_out() {
    let (harness, a, b) = two_apps_with_files("iso-links-a", "iso-links-b");
    let files = harness.data_dir.path().join("files");
    let a_usr = files.join("iso-links-a/usr");
    let b_usr = files.join("iso-links-b/usr");
    let plant = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, a_usr.join(name)).expect("symlink planted");
    };
    plant(&b_usr, "to-b");
    plant(&b_usr.join("secret.txt"), "b-secret");
    plant(Path::new("/etc"), "etc");
    plant(&b_usr.join("planted.txt"), "dangling");
    plant(Path::new("../../iso-links-b/usr"), "relative-to-b");

    let outside = |api: &str, params: Value| {
        let message = refused(&harness, &a, api, params, 2);
        assert!(message.contains("outside the app's file area"), "{message}");
    };
    for path in [
        "wxfile://usr/to-b/secret.txt",
        "https://usr/b-secret",
        "wxfile://usr/etc/hostname",
        "wxfile://usr/relative-to-b/secret.txt",
    ] {
        outside("readFile", json!({"filePath": path, "encoding": "utf8"}));
        outside("stat", json!({ "path": path }));
    }
    outside("readdir", json!({"dirPath": "wxfile://usr/to-b"}));
    outside("readdir", json!({"dirPath": "wxfile://usr/etc"}));
    outside(
        "unlink",
        json!({"filePath": "wxfile://usr/to-b/secret.txt"}),
    );
    outside(
        "writeFile",
        json!({"filePath": "wxfile://usr/b-secret", "data": "from a"}),
    );
    // A link to a file B does not have yet: writing through it would create it.
    outside(
        "writeFile",
        json!({"filePath": "wxfile://usr/dangling", "data": "from a"}),
    );
    outside(
        "mkdir",
        json!({"dirPath": "wxfile://usr/to-b/new", "recursive": true}),
    );
    assert!(
        !b_usr.join("planted.txt").exists(),
        "nothing written in B's folder"
    );
    assert!(!b_usr.join("new").exists(), "no folder made in B's folder");
    files_still_work(&harness, &a, &b);
}

// ---------------------------------------------------------------------------------------
// Cookies

#[test]
fn cookies_set_for_one_app_are_not_sent_for_another() {
    let server = TestServer::http();
    let mut harness = harness_with(|builder| builder.developer_mode(true));
    let a = harness.open("iso-cookie-a", &["network"], &[&server.origin]);
    let b = harness.open("iso-cookie-b", &["network"], &[&server.origin]);
    let cookie = |page: &Page| {
        harness
            .call(page, "request", json!({"url": server.url("/echo")}))
            .expect("echo")["data"]["headers"]["cookie"]
            .clone()
    };
    harness
        .call(&a, "request", json!({"url": server.url("/cookie/set")}))
        .expect("A gets a cookie");
    assert_eq!(cookie(&a), "session=s3cret", "A's own cookie is sent");
    assert_eq!(cookie(&b), Value::Null, "B gets none of A's cookies");
    // Nor through the other network APIs.
    let download = harness
        .call(&b, "downloadFile", json!({"url": server.url("/echo")}))
        .expect("B downloads");
    assert_eq!(download["statusCode"], 200);
    assert_eq!(cookie(&b), Value::Null);
    assert_eq!(cookie(&a), "session=s3cret", "A's cookie is still A's");
}

// ---------------------------------------------------------------------------------------
// capsule://

/// An H5 app `id` in `root/id` with `index.html` and `secret.html`: apps made in one `root`
/// are siblings, so a path leaving one app's folder would find the other's files (unlike
/// `support::h5_app`'s folders of their own).
fn sibling_h5_app(root: &Path, id: &str) -> App {
    let dir = root.join(id);
    mp_support::write_files(
        &dir,
        &[
            (
                "manifest.json",
                &json!({"appId": id, "name": id, "version": "1.0.0", "kind": "h5",
                    "entry": "index.html"})
                .to_string(),
            ),
            ("index.html", "<p>index</p>"),
            ("secret.html", &format!("<p>secret of {id}</p>")),
        ],
    );
    App::open_dir(&dir).expect("app")
}

#[test]
fn capsule_urls_of_another_app_are_not_served() {
    logs::capture();
    let dir = tempfile::tempdir().expect("tempdir");
    let a = sibling_h5_app(dir.path(), "iso-proto-a");
    let b = sibling_h5_app(dir.path(), "iso-proto-b");
    std::fs::write(dir.path().join("outside.html"), "outside").expect("write");
    let status = |app: &App, uri: &str| capsule_runtime::serve(app, "GET", uri).status().as_u16();
    // The legitimate path.
    assert_eq!(status(&a, "capsule://iso-proto-a/secret.html"), 200);
    assert_eq!(status(&b, "capsule://iso-proto-b/secret.html"), 200);
    for uri in [
        "capsule://iso-proto-b/secret.html",
        "capsule://iso-proto-b/",
        "capsule://ISO-PROTO-B/secret.html",
        "capsule://iso-proto-a/../iso-proto-b/secret.html",
        "capsule://iso-proto-a/%2e%2e/iso-proto-b/secret.html",
        "capsule://iso-proto-a/..%2fiso-proto-b%2fsecret.html",
        "capsule://iso-proto-a/%2e%2e%2foutside.html",
        "capsule://iso-proto-a/..\\outside.html",
        "capsule://iso-proto-a//etc/passwd",
        "capsule://iso-proto-a/%2Fetc%2Fpasswd",
        "capsule://iso-proto-a@iso-proto-b/secret.html",
        "capsule://iso-proto-a/secret.html%00.png",
    ] {
        assert_eq!(status(&a, uri), 404, "{uri}");
        logs::wait_for(&[
            "refused request path",
            "app=\"iso-proto-a\"",
            &format!("{uri:?}"),
        ]);
    }
    // Other methods are not served at all.
    assert_eq!(
        capsule_runtime::serve(&a, "POST", "capsule://iso-proto-a/secret.html")
            .status()
            .as_u16(),
        405
    );
}

// ---------------------------------------------------------------------------------------
// Network

#[test]
fn network_apis_refuse_undeclared_domains() {
    let declared = TestServer::http();
    let undeclared = TestServer::http();
    let mut harness = harness_with(|builder| builder.developer_mode(true));
    let page = harness.open(
        "iso-net-domains",
        &["network", "files"],
        &[&declared.origin],
    );
    harness
        .call(
            &page,
            "writeFile",
            json!({"filePath": "https://usr/up.txt", "data": "upload me"}),
        )
        .expect("file to upload");
    let call = |server: &TestServer, api: &str| {
        let url = server.url(if api == "uploadFile" {
            "/upload"
        } else {
            "/echo"
        });
        let mut params = json!({ "url": url });
        if api == "uploadFile" {
            params["filePath"] = json!("https://usr/up.txt");
            params["fileName"] = json!("file");
        }
        params
    };
    for api in ["request", "httpRequest", "downloadFile", "uploadFile"] {
        harness
            .call(&page, api, call(&declared, api))
            .unwrap_or_else(|error| panic!("{api} to the declared domain: {error}"));
        let message = refused(&harness, &page, api, call(&undeclared, api), 11);
        assert!(
            message.contains("not in domain list") && message.contains(&undeclared.origin),
            "{message}"
        );
    }
    for url in [
        "https://example.com/".to_owned(),
        "ftp://example.com/".to_owned(),
        "file:///etc/passwd".to_owned(),
        declared
            .url("/echo")
            .replace("http://localhost", "http://localhost.localdomain"),
        format!("{}@evil.example/", declared.origin),
    ] {
        refused(&harness, &page, "request", json!({ "url": url }), 11);
    }
}

#[test]
fn redirects_to_undeclared_domains_are_refused() {
    let declared = TestServer::http();
    let undeclared = TestServer::http();
    let mut harness = harness_with(|builder| builder.developer_mode(true));
    let page = harness.open(
        "iso-net-redirect",
        &["network", "files"],
        &[&declared.origin],
    );
    harness
        .call(
            &page,
            "writeFile",
            json!({"filePath": "https://usr/up.txt", "data": "upload me"}),
        )
        .expect("file to upload");
    let via = |to: &str| declared.url(&format!("/redirect?to={to}"));
    // Within the declared origin, a redirect is followed.
    let followed = harness
        .call(
            &page,
            "request",
            json!({"url": via(&declared.url("/text")), "dataType": "text"}),
        )
        .expect("redirect within the domain");
    assert_eq!(followed["data"], "hello, text");
    let literal = undeclared.url("/echo").replace("localhost", "127.0.0.1");
    for target in [
        undeclared.url("/echo"),
        literal,
        "https://example.com/".into(),
    ] {
        for api in ["request", "downloadFile", "uploadFile"] {
            let mut params = json!({ "url": via(&target) });
            if api == "uploadFile" {
                params["filePath"] = json!("https://usr/up.txt");
                params["fileName"] = json!("file");
            }
            let message = refused(&harness, &page, api, params, 11);
            let origin = target.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
            assert!(
                message.contains("not in domain list") && message.contains(&origin),
                "{api}: {message}"
            );
            logs::wait_for(&["redirect refused", "app=iso-net-redirect", &target]);
        }
    }
    // A refused download leaves no file behind.
    let temp = harness.data_dir.path().join("files/iso-net-redirect/tmp");
    assert_eq!(
        std::fs::read_dir(&temp).map_or(0, Iterator::count),
        0,
        "no partial download"
    );
}

/// A container trusting `ca`, in developer mode or not, with an app declaring `domains`.
fn tls_harness(ca: &TestCa, developer_mode: bool, id: &str, domains: &[&str]) -> (Harness, Page) {
    let mut harness = harness_with(|builder| {
        builder.api_config(ApiConfig {
            trusted_certificates: vec![ca.root_der.clone()],
            developer_mode,
            ..ApiConfig::default()
        })
    });
    let page = harness.open(id, &["network"], domains);
    (harness, page)
}

#[test]
fn names_resolving_to_loopback_need_developer_mode() {
    let ca = TestCa::new();
    let server = TestServer::https(&ca);
    // `localhost` is a name: what it resolves to is checked, not how it is spelled.
    assert!(server.origin.starts_with("https://localhost:"));
    let (strict, page) = tls_harness(&ca, false, "iso-net-loopback", &[&server.origin]);
    for api in ["request", "downloadFile"] {
        let message = refused(&strict, &page, api, json!({"url": server.url("/echo")}), 11);
        assert!(
            message.contains("localhost resolves to 127.0.0.1")
                && message.contains("developer mode"),
            "{message}"
        );
    }
    logs::wait_for(&["address refused", "localhost resolves to"]);
    // Every declared name that /etc/hosts points at this machine is refused the same way.
    let port = server.origin.rsplit(':').next().expect("a port");
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    let names: Vec<&str> = hosts
        .lines()
        .filter_map(|line| line.split('#').next())
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let address = words.next()?;
            address.starts_with("127.").then_some(words)
        })
        .flatten()
        .filter(|name| {
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
        })
        .collect();
    let origins: Vec<String> = names
        .iter()
        .map(|name| format!("https://{name}:{port}"))
        .collect();
    let domains: Vec<&str> = origins.iter().map(String::as_str).collect();
    let (strict_hosts, hosts_page) = tls_harness(&ca, false, "iso-net-hosts", &domains);
    for origin in &origins {
        let message = refused(
            &strict_hosts,
            &hosts_page,
            "request",
            json!({"url": format!("{origin}/echo")}),
            11,
        );
        assert!(message.contains("resolves to 127."), "{message}");
    }

    // In developer mode the same request reaches the server.
    let (developer, page) = tls_harness(&ca, true, "iso-net-loopback-dev", &[&server.origin]);
    let answer = developer
        .call(&page, "request", json!({"url": server.url("/echo")}))
        .expect("developer mode reaches loopback");
    assert_eq!(answer["status"], 200);
}

#[test]
fn literal_loopback_and_private_addresses_need_developer_mode() {
    let ca = TestCa::new();
    let server = TestServer::https(&ca);
    let port = server.origin.rsplit(':').next().expect("a port").to_owned();
    let loopback = format!("https://127.0.0.1:{port}");
    // `*`: the domain list checks nothing, so only the address can refuse.
    let (strict, page) = tls_harness(&ca, false, "iso-net-literal", &["*"]);
    for origin in [
        loopback.clone(),
        format!("https://[::1]:{port}"),
        format!("https://0.0.0.0:{port}"),
        format!("https://[::ffff:127.0.0.1]:{port}"),
        format!("https://2130706433:{port}"),
        "https://10.0.0.1".into(),
        "https://172.16.0.1".into(),
        "https://192.168.0.1".into(),
        "https://169.254.169.254".into(),
        "https://[fd00::1]".into(),
        "https://[fe80::1]".into(),
    ] {
        for api in ["request", "httpRequest", "downloadFile"] {
            let message = refused(
                &strict,
                &page,
                api,
                json!({"url": format!("{origin}/echo")}),
                11,
            );
            assert!(
                message.contains("loopback, private or link-local")
                    && message.contains("developer mode"),
                "{origin}: {message}"
            );
        }
    }
    // Declared by address, it is refused all the same.
    let (declared, page) = tls_harness(&ca, false, "iso-net-literal-declared", &[&loopback]);
    refused(
        &declared,
        &page,
        "request",
        json!({"url": format!("{loopback}/echo")}),
        11,
    );
    // In developer mode it is reached (the test certificate names 127.0.0.1).
    let (developer, page) = tls_harness(&ca, true, "iso-net-literal-dev", &["*"]);
    let answer = developer
        .call(&page, "request", json!({"url": format!("{loopback}/echo")}))
        .expect("developer mode reaches 127.0.0.1");
    assert_eq!(answer["status"], 200);
}

// ---------------------------------------------------------------------------------------
// Navigation

#[test]
fn h5_pages_navigate_only_to_their_own_and_allowed_origins() {
    logs::capture();
    let dir = tempfile::tempdir().expect("tempdir");
    let host = std::sync::Arc::new(HeadlessHost::new());
    let container = Container::builder()
        .data_dir(dir.path().join("data"))
        .policy(HostPolicy::default().allow_origin(
            "https://allowed.example",
            capsule_jsapi::PermissionSet::default(),
        ))
        .build(host);
    let a = container
        .open(sibling_h5_app(dir.path(), "iso-nav-a"))
        .expect("A opens");
    container
        .open(sibling_h5_app(dir.path(), "iso-nav-b"))
        .expect("B opens");
    let events = container.subscribe();
    for url in [
        "capsule://iso-nav-a/secret.html",
        "capsule://iso-nav-a/index.html?x=1#top",
        "https://allowed.example/page",
        "https://ALLOWED.example:443/other",
    ] {
        assert!(container.allows_navigation(a, url), "{url} is allowed");
    }
    let blocked = [
        "capsule://iso-nav-b/secret.html",
        "capsule://iso-nav-b/",
        "https://evil.example/",
        "http://allowed.example/",
        "https://allowed.example:8443/",
        "https://allowed.example.evil.example/",
        "https://allowed.example@evil.example/",
        "https://evil.example/?next=https://allowed.example/",
        "http://localhost:8080/",
        "http://127.0.0.1/",
        "file:///etc/passwd",
        "data:text/html,<p>hi</p>",
        "javascript:alert(1)",
        "about:blank",
        "blob:https://evil.example/1",
        "not a url",
    ];
    for url in blocked {
        assert!(!container.allows_navigation(a, url), "{url} is blocked");
        logs::wait_for(&["navigation blocked", &format!("url={url:?}")]);
    }
    let reported: Vec<String> = events
        .try_iter()
        .filter_map(|event| match event {
            ContainerEvent::NavigationBlocked { page, url } if page == a => Some(url),
            _ => None,
        })
        .collect();
    assert_eq!(reported, blocked, "each blocked navigation is reported");
    // A page that is not open goes nowhere.
    assert!(!container.allows_navigation(PageId(9999), "capsule://iso-nav-a/"));
}

// ---------------------------------------------------------------------------------------
// Mini-program logic

/// Writes a WeChat mini-program `id` in `root`, whose app's `globalData` holds its id, the
/// owner its own module names, and what became of requiring `other`'s module.
fn mini_program(root: &Path, id: &str, other: &str) -> App {
    let dir = root.join(id);
    let app_js = format!(
        "let escape;
        try {{ require('../{other}/util.js'); escape = 'loaded'; }}
        catch (error) {{ escape = String(error && error.message || error); }}
        App({{ globalData: {{ name: '{id}', owner: require('./util.js').owner, escape }} }});"
    );
    mp_support::write_files(
        &dir,
        &[
            (
                "manifest.json",
                &json!({"appId": id, "name": id, "version": "1.0.0", "kind": "miniprogram",
                    "dialect": "wechat", "entry": "app.json",
                    "permissions": {"apis": ["storage"]}})
                .to_string(),
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", &app_js),
            ("util.js", &format!("module.exports = {{ owner: '{id}' }};")),
            ("pages/index/index.js", "Page({ data: {} })"),
            ("pages/index/index.wxml", "<view>index</view>"),
        ],
    );
    App::open_dir(&dir).expect("app")
}

#[test]
fn mini_program_logic_cannot_reach_another_apps_globals() {
    logs::capture();
    let dir = tempfile::tempdir().expect("tempdir");
    let container = Container::builder()
        .data_dir(dir.path().join("data"))
        .build(std::sync::Arc::new(HeadlessHost::new()));
    let launch = |id: &str, other: &str| {
        let program = MiniProgram::launch(
            &container,
            mini_program(dir.path(), id, other),
            &MiniProgramOptions::default(),
        )
        .expect("launches");
        mp_support::wait(&program, |s| s.cold_start.is_some());
        program
    };
    let a = launch("iso-logic-a", "iso-logic-b");
    let b = launch("iso-logic-b", "iso-logic-a");
    let run = |program: &MiniProgram, source: &str| program.evaluate(source).expect(source);
    assert_eq!(
        run(
            &a,
            "globalThis.leaked = 'from A'; App.leaked = 1; wx.leaked = 2; leaked"
        ),
        "from A"
    );
    assert_eq!(
        run(
            &b,
            "[typeof leaked, typeof globalThis.leaked, typeof App.leaked, wx.leaked === 2]"
        ),
        json!(["undefined", "undefined", "undefined", false])
    );
    // Each app's `getApp()` and modules are its own.
    for (program, id, other) in [
        (&a, "iso-logic-a", "iso-logic-b"),
        (&b, "iso-logic-b", "iso-logic-a"),
    ] {
        let data = run(program, "getApp().globalData");
        assert_eq!((&data["name"], &data["owner"]), (&json!(id), &json!(id)));
        // The other app's module is outside the package: not found.
        let escape = data["escape"].as_str().expect("an error message");
        assert!(
            escape != "loaded" && escape.contains(&format!("../{other}/util.js")),
            "{id}: {escape}"
        );
    }
    // And A's global is still A's.
    assert_eq!(run(&a, "leaked"), "from A");
}

// ---------------------------------------------------------------------------------------
// Forged bridge messages

/// Checks that `page` still answers a normal call.
fn still_answers(harness: &Harness, page: &Page) {
    assert_eq!(
        harness.call(page, "getStorage", json!({"key": "missing"})),
        Ok(json!({"data": null})),
        "the page still works"
    );
}

#[test]
fn replies_and_ui_answers_the_page_never_got_are_dropped() {
    let mut harness = harness_with(|builder| builder);
    let a = harness.open("iso-forge-ui-a", &["ui", "storage"], &[]);
    let b = harness.open("iso-forge-ui-b", &["ui", "storage"], &[]);
    let inject = |page: &Page, json: &str| {
        harness
            .host
            .inject(&harness.container, page.id, &page.origin, json);
    };
    // The page sending "replies" of its own: the container never takes those from a page.
    inject(
        &a,
        r#"{"kind":"reply","callId":424242,"ok":true,"result":{"forged":1}}"#,
    );
    logs::wait_for(&["dropped a malformed bridge message", "424242"]);
    still_answers(&harness, &a);

    // A UI answer for a request never made, and for one shown on B's page.
    inject(
        &a,
        r#"{"kind":"uiResult","uiId":515151,"result":{"confirm":true}}"#,
    );
    logs::wait_for(&["UI request the page does not own", "ui_id=515151"]);
    let call = harness.send(&b, "confirm", json!({"title": "Pay?", "content": "B asks"}));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let ui_id = loop {
        if let Some((id, _)) = support::ui_requests(&harness, &b).into_iter().next() {
            break id;
        }
        assert!(std::time::Instant::now() < deadline, "B's dialog is drawn");
        std::thread::sleep(Duration::from_millis(5));
    };
    inject(
        &a,
        &json!({"kind": "uiResult", "uiId": ui_id, "result": {"confirm": true}}).to_string(),
    );
    logs::wait_for(&[
        "UI request the page does not own",
        &format!("page={}", a.id.0),
        &format!("ui_id={ui_id}"),
    ]);
    assert!(
        !harness
            .host
            .posted(b.id)
            .iter()
            .any(|message| matches!(message, ToPage::Reply { call_id, .. } if *call_id == call)),
        "A's answer did not answer B's dialog"
    );
    // B answers its own dialog: the legitimate path.
    inject(
        &b,
        &json!({"kind": "uiResult", "uiId": ui_id, "result": {"confirm": false}}).to_string(),
    );
    assert_eq!(
        harness.wait(&b, call),
        Ok(json!({"confirm": false, "ok": false}))
    );
    // A's own dialogs still work.
    let drawn = json!({"type": "modal", "title": "Sure?", "content": "", "showCancel": true,
        "confirmText": "OK", "cancelText": "Cancel"});
    assert_eq!(
        show(
            &harness,
            &a,
            "confirm",
            json!({"title": "Sure?"}),
            &drawn,
            json!({"confirm": true})
        ),
        Ok(json!({"confirm": true, "ok": true}))
    );
    still_answers(&harness, &a);
}

#[test]
fn calls_claiming_another_app_are_refused() {
    let mut harness = harness_with(|builder| builder);
    let a = harness.open("iso-forge-app-a", &["storage"], &[]);
    let b = harness.open("iso-forge-app-b", &["storage"], &[]);
    harness
        .call(&b, "setStorage", json!({"key": "token", "data": "b-token"}))
        .expect("B stores");
    // Fields naming another app are not the page's to set: the call is A's.
    harness.host.inject(
        &harness.container,
        a.id,
        &a.origin,
        r#"{"kind":"invoke","callId":900001,"api":"getStorage","appId":"iso-forge-app-b","origin":"capsule://iso-forge-app-b","page":2,"params":{"key":"token"}}"#,
    );
    assert_eq!(harness.wait(&a, 900001), Ok(json!({"data": null})));
    // A document of another origin in A's page gets no API (the host says which origin
    // sent a message, never the page).
    for (origin, api) in [
        ("capsule://iso-forge-app-b", "getStorage"),
        ("https://evil.example", "getStorageSync"),
        ("", "getStorageInfo"),
        ("null", "getStorageInfoSync"),
    ] {
        let forged = Page {
            id: a.id,
            origin: origin.into(),
        };
        let message = refused(&harness, &forged, api, json!({"key": "token"}), 4);
        assert!(message.contains(api), "{message}");
    }
    // A page that is not open gets nothing either.
    let gone = Page {
        id: PageId(987_654),
        origin: a.origin.clone(),
    };
    let message = refused(&harness, &gone, "removeStorage", json!({"key": "token"}), 3);
    assert!(message.contains("not open"), "{message}");
    assert_eq!(
        harness.call(&b, "getStorage", json!({"key": "token"})),
        Ok(json!({"data": "b-token"}))
    );
    still_answers(&harness, &a);
}

#[test]
fn huge_nested_and_garbage_messages_are_dropped() {
    let mut harness = harness_with(|builder| builder);
    let page = harness.open("iso-forge-junk", &["storage"], &[]);
    let inject = |json: &str| {
        harness
            .host
            .inject(&harness.container, page.id, &page.origin, json);
    };
    let ten_mb = 10 << 20;
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let garbage: String = (0..=255_u8).cycle().take(4096).map(char::from).collect();
    let dropped: [(String, &str); 10] = [
        (format!("junk{}", "x".repeat(ten_mb)), "expected value"),
        (nested(100_000), "recursion limit"),
        (
            format!(
                r#"{{"kind":"invoke","callId":777001,"api":"getStorage","params":{}}}"#,
                nested(100_000)
            ),
            "recursion limit",
        ),
        ("not json at all".into(), "expected"),
        (garbage, "expected value"),
        (
            r#"{"kind":"invoke","callId":-1,"api":"getStorage"}"#.into(),
            "callId",
        ),
        (
            r#"{"kind":"invoke","callId":"7","api":"getStorage"}"#.into(),
            "invalid type",
        ),
        (
            r#"{"kind":"invoke","callId":18446744073709551616,"api":"getStorage"}"#.into(),
            "callId",
        ),
        (
            r#"{"kind":"summon","callId":777001}"#.into(),
            "unknown variant",
        ),
        ("null".into(), "invalid type"),
    ];
    for (json, reason) in &dropped {
        inject(json);
        let start: String = json.chars().take(40).collect();
        let line = logs::wait_for(&["dropped a malformed bridge message", reason]);
        assert!(
            line.len() < 2_000,
            "the log keeps only the start: {}",
            line.len()
        );
        still_answers(&harness, &page);
        assert!(
            !harness.host.posted(page.id).iter().any(|message| matches!(
                message,
                ToPage::Reply {
                    call_id: 777_001,
                    ..
                }
            )),
            "{start}: nothing answered"
        );
    }
    // A well-formed 10 MB call is parsed and refused by the API's own limit.
    let message = refused(
        &harness,
        &page,
        "setStorage",
        json!({"key": "huge", "data": "x".repeat(ten_mb)}),
        14,
    );
    assert!(message.contains("'huge'"), "{message}");
    let message = refused(
        &harness,
        &page,
        "getStorage",
        json!({"key": "k".repeat(ten_mb)}),
        2,
    );
    assert!(
        message.contains("key"),
        "{}",
        &message[..message.len().min(200)]
    );
    // Deep but legal nesting within the limits is an ordinary value.
    let deep = (0..100).fold(json!(1), |inner, _| json!([inner]));
    harness
        .call(
            &page,
            "setStorage",
            json!({"key": "deep", "data": deep.clone()}),
        )
        .expect("a value 100 deep");
    assert_eq!(
        harness.call(&page, "getStorage", json!({"key": "deep"})),
        Ok(json!({ "data": deep }))
    );
    still_answers(&harness, &page);
}
