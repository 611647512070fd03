//! The stable-toolchain fuzz harness (`fuzz/stable`) for what reaches the runtime from
//! outside: bridge messages from pages, `manifest.json` files and `.capsule` packages (whole
//! archives, and entry lists signed so that verification reaches the files). Mutations of a
//! small corpus of valid inputs go to the entry points in `fuzz_support/`, which the
//! cargo-fuzz targets `bridge`, `manifest`, `package` and `package_entries` share; a panic
//! (also on a JSAPI handler's thread), a failed check or a slow input fails the run with the
//! input printed.
//!
//! `cargo test -p capsule-tests --test fuzz_inputs` plays each kind for a few seconds;
//! `FUZZ_SECONDS=300 cargo test --release -p capsule-tests --test fuzz_inputs` longer;
//! `FUZZ_SEED`, `FUZZ_LAST` and `FUZZ_REPLAY` as `fuzz/stable/mod.rs` says.

use std::time::Duration;

use stable::{Kind, play};

#[path = "fuzz_support/bridge.rs"]
mod bridge;
#[path = "fuzz_support/packages.rs"]
mod packages;
#[path = "../../fuzz/stable/mod.rs"]
mod stable;

/// An input taking longer than this fails the run.
const SLOW_INPUT: Duration = Duration::from_secs(10);

/// Manifests to start from: each kind of app, every field.
const MANIFESTS: &[&str] = &[
    r#"{"appId":"a.b","name":"A","version":"1.0.0","kind":"h5","entry":"index.html"}"#,
    r#"{"appId":"mini","name":"M","version":"2.1.0-beta.1+b","kind":"miniprogram","dialect":"wechat","entry":"app.json","permissions":{"apis":["ui","storage"],"domains":["api.example.com"]},"minRuntimeVersion":"0.1.0","keyId":"0123456789abcdef"}"#,
    r#"{"appId":"csp","name":"C","version":"1.0.0","kind":"h5","entry":"a/b.html","csp":"default-src 'self'; script-src 'self' 'unsafe-eval' https://cdn.example; img-src data: *"}"#,
];

/// Names and values manifests know, and what goes wrong in them.
const MANIFEST_TOKENS: &[&str] = &[
    "appId",
    "name",
    "version",
    "kind",
    "h5",
    "miniprogram",
    "dialect",
    "alipay",
    "wechat",
    "entry",
    "permissions",
    "apis",
    "domains",
    "minRuntimeVersion",
    "keyId",
    "csp",
    "default-src",
    "script-src",
    "'self'",
    "'none'",
    "'unsafe-inline'",
    "'nonce-",
    "*",
    ";",
    "https:",
    "data:",
    "../",
    "/",
    "\\",
    "1.0.0",
    "0.0.0-",
    "99999999999999999999.0.0",
    "+",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "null",
    "中",
    "A",
];

#[test]
fn fuzz_bridge_messages() {
    let kind = Kind {
        name: "bridge",
        seeds: bridge::SEEDS
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        tokens: bridge::TOKENS,
        seconds: 3,
        slow: SLOW_INPUT,
    };
    let mut bridge = bridge::Bridge::new();
    play(kind, move |input| bridge.exercise(input));
}

#[test]
fn fuzz_manifests() {
    let kind = Kind {
        name: "manifest",
        seeds: MANIFESTS.iter().map(|s| s.as_bytes().to_vec()).collect(),
        tokens: MANIFEST_TOKENS,
        seconds: 2,
        slow: SLOW_INPUT,
    };
    play(kind, packages::exercise_manifest);
}

/// Signed packages: the entry lists written as archives, and one packed by `pack` itself.
fn archive_seeds(key: &capsule_packages::SecretKey) -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = packages::ENTRY_SEEDS
        .iter()
        .filter_map(|entries| packages::signed_archive(entries.as_bytes(), key))
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = dir.path().join("app");
    std::fs::create_dir_all(app.join("js")).expect("creates the app folder");
    std::fs::write(app.join("manifest.json"), MANIFESTS[0]).expect("manifest");
    std::fs::write(app.join("index.html"), "<h1>packed</h1>".repeat(50)).expect("page");
    std::fs::write(app.join("js/app.js"), "console.log(1)").expect("script");
    let out = dir.path().join("app.capsule");
    capsule_packages::pack(&app, key, &out, &mut |_, _| {}).expect("packs the app");
    seeds.push(std::fs::read(&out).expect("reads the package"));
    seeds
}

#[test]
fn fuzz_package_archives() {
    let key = packages::key();
    let kind = Kind {
        name: "package",
        seeds: archive_seeds(&key),
        tokens: &[
            "PK\u{3}\u{4}",
            "PK\u{1}\u{2}",
            "PK\u{5}\u{6}",
            "\u{0}",
            "\u{ff}",
            "../",
            "_capsule/",
        ],
        seconds: 2,
        slow: SLOW_INPUT,
    };
    play(kind, move |input| packages::exercise_archive(input, &key));
}

#[test]
fn fuzz_package_entries() {
    let key = packages::key();
    let kind = Kind {
        name: "package-entries",
        seeds: packages::ENTRY_SEEDS
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        tokens: &[
            "\u{0}",
            "/",
            "../",
            "./",
            "..",
            "\\",
            "_capsule/",
            "_capsule/digest",
            "manifest.json",
            "index.html",
            "C:",
            "//",
            "\u{7f}",
            "中",
            " ",
            "a/",
            "KEYID",
            "{}",
            "\"entry\":",
        ],
        seconds: 2,
        slow: SLOW_INPUT,
    };
    play(kind, move |input| packages::exercise_entries(input, &key));
}

/// The entry seeds reach what they are for: the good app verifies and unpacks whole, and
/// each hostile name is refused as a path.
#[test]
fn entry_seeds_reach_the_files() {
    let key = packages::key();
    let dir = tempfile::tempdir().expect("temp dir");
    for (index, entries) in packages::ENTRY_SEEDS.iter().enumerate() {
        let archive = packages::signed_archive(entries.as_bytes(), &key).expect("writes");
        let package = dir.path().join(format!("{index}.capsule"));
        std::fs::write(&package, archive).expect("writes the package");
        let dest = dir.path().join(format!("out{index}"));
        std::fs::create_dir(&dest).expect("creates the target");
        let unpacked = packages::verifier(&key).unpack(&package, &dest);
        if index == 0 {
            let app = unpacked.expect("the good seed unpacks");
            assert_eq!(app.manifest.app_id.as_str(), "fuzz.app");
            let page = std::fs::read_to_string(dest.join("a/b/c/d.txt")).expect("unpacked");
            assert_eq!(page, "");
        } else {
            let error = unpacked.expect_err("a hostile name is refused");
            assert!(
                matches!(error, capsule_packages::Error::Path { .. }),
                "seed {index}: {error:?}"
            );
        }
    }
}
