//! `capsule build-npm`, WeChat's "build npm": each dependency of the project's package.json
//! and theirs copied from node_modules/ into miniprogram_npm/; a mini-program package's
//! `miniprogram` folder (default `miniprogram_dist/`) only; bad projects refused with a
//! message that says what to do.

use std::fs;
use std::path::Path;

mod cli_support;
use cli_support::text;

fn write(root: &Path, path: &str, content: &str) {
    let file = root.join(path);
    fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
    fs::write(file, content).expect("write");
}

fn build_npm(project: &Path) -> std::process::Output {
    cli_support::capsule(&["build-npm", project.to_str().expect("utf-8")], "warn")
}

#[test]
fn dependencies_and_theirs_are_copied_into_miniprogram_npm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "package.json",
        r#"{"dependencies": {"@scope/ui": "1.0.0", "dist-lib": "^2"}}"#,
    );
    // A mini-program package naming its folder, which depends on a plain package.
    write(
        root,
        "node_modules/@scope/ui/package.json",
        r#"{"miniprogram": "lib", "dependencies": {"plain": "1"}}"#,
    );
    write(
        root,
        "node_modules/@scope/ui/lib/button/index.wxml",
        "<button/>",
    );
    write(
        root,
        "node_modules/@scope/ui/lib/button/index.js",
        "Component({})",
    );
    write(root, "node_modules/@scope/ui/src/button.ts", "source");
    // The default folder, miniprogram_dist/.
    write(
        root,
        "node_modules/dist-lib/package.json",
        r#"{"main": "x.js"}"#,
    );
    write(
        root,
        "node_modules/dist-lib/miniprogram_dist/index.js",
        "exports.a = 1",
    );
    write(root, "node_modules/dist-lib/README.md", "readme");
    // A plain package: copied whole, its own node_modules left out.
    write(
        root,
        "node_modules/plain/package.json",
        r#"{"main": "main.js"}"#,
    );
    write(root, "node_modules/plain/main.js", "module.exports = 1");
    write(root, "node_modules/plain/node_modules/deep/index.js", "");
    // What an earlier build left is replaced.
    write(root, "miniprogram_npm/plain/stale.js", "");

    let output = build_npm(root);
    let log = text(&output);
    assert!(output.status.success(), "{log}");
    assert!(log.contains("miniprogram_npm/@scope/ui: 2 files"), "{log}");
    let npm = root.join("miniprogram_npm");
    for present in [
        "@scope/ui/button/index.wxml",
        "@scope/ui/button/index.js",
        "dist-lib/index.js",
        "plain/package.json",
        "plain/main.js",
    ] {
        assert!(npm.join(present).is_file(), "{present} missing:\n{log}");
    }
    for absent in [
        "@scope/ui/src",
        "@scope/ui/lib",
        "dist-lib/README.md",
        "plain/node_modules",
        "plain/stale.js",
    ] {
        assert!(!npm.join(absent).exists(), "{absent} copied:\n{log}");
    }
}

#[test]
fn a_project_that_cannot_be_built_is_refused_with_what_to_do() {
    let cases = [
        (None, "package.json"),
        (Some("{not json"), "is not valid JSON"),
        (Some(r#"{"dependencies": ["a"]}"#), "must be an object"),
        (
            Some(r#"{"dependencies": {"../../etc": "1"}}"#),
            "'../../etc' is not a package name",
        ),
        (
            Some(r#"{"dependencies": {"missing": "1"}}"#),
            "missing is not installed",
        ),
    ];
    for (package_json, wanted) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Some(content) = package_json {
            write(dir.path(), "package.json", content);
        }
        let output = build_npm(dir.path());
        let log = text(&output);
        assert!(!output.status.success(), "{package_json:?} passed:\n{log}");
        assert!(
            log.contains(wanted),
            "{package_json:?}: wanted {wanted:?}:\n{log}"
        );
        assert!(
            !dir.path().join("miniprogram_npm").exists(),
            "{package_json:?} wrote output"
        );
    }
}
