//! Project folders as the platforms' tools create them, without `manifest.json`: the
//! manifest is inferred from WeChat's `project.config.json` (and its private settings) or
//! Alipay's `mini.project.json`, the app's files come from `miniprogramRoot`, and `pack`
//! writes the inferred manifest into the package.

use std::fs;
use std::path::{Path, PathBuf};

use capsule_packages::{
    App, AppKind, Dialect, SecretKey, WECHAT_PROJECT_FILE, infer_manifest, inspect, pack,
};

/// A fixture app of the repository's `tests/apps`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/apps")
        .join(name)
}

/// A folder named `name` holding `files`.
fn project(name: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join(name);
    for (path, text) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("folders");
        fs::write(path, text).expect("write");
    }
    (temp, dir)
}

const APP_JSON: (&str, &str) = ("app.json", r#"{"pages": ["pages/index/index"]}"#);
const WXML_PAGE: (&str, &str) = ("pages/index/index.wxml", "<view/>");

fn error_of(dir: &Path) -> String {
    infer_manifest(dir).expect_err("refused").to_string()
}

#[test]
fn a_wechat_devtools_project_opens_from_its_miniprogram_root() {
    let dir = fixture("wechat-project");
    let (app, inference) = App::open_project(&dir).expect("opens");
    let inference = inference.expect("inferred");
    let manifest = app.manifest();
    // project.config.json's appid; project.private.config.json's projectname wins, as it
    // does in WeChat DevTools, and is percent-decoded as the tool writes it.
    assert_eq!(manifest.app_id.as_str(), "wx6f3a2b1c0d9e8f7a");
    assert_eq!(manifest.name, "日志演示");
    assert_eq!(manifest.kind, AppKind::MiniProgram);
    assert_eq!(manifest.dialect, Some(Dialect::Wechat));
    assert_eq!(manifest.entry.as_str(), "app.json");
    assert_eq!(manifest.version, semver::Version::new(0, 0, 0));
    assert_eq!(manifest.permissions.apis, ["*"]);
    assert_eq!(manifest.permissions.domains, ["*"]);
    assert_eq!(inference.project_file, Some(WECHAT_PROJECT_FILE));
    assert_eq!(inference.root, dir.join("miniprogram"));
    assert_eq!(
        inference.guessed,
        [
            "dialect wechat (the first page is pages/index/index.wxml)",
            "version 0.0.0",
            "every API (developer mode)",
            "network domains unchecked",
        ]
    );
    let line = inference.to_string();
    assert!(
        line.starts_with("no manifest.json, inferred from project.config.json (app files in "),
        "{line}"
    );
    // The app's files are those under miniprogramRoot.
    let app_json = capsule_packages::RelativePath::new("app.json").expect("path");
    assert!(app.read(&app_json).is_ok());
}

#[test]
fn an_alipay_studio_project_takes_its_id_from_the_folder_and_its_version_from_package_json() {
    let (app, inference) = App::open_project(&fixture("alipay-project")).expect("opens");
    let inference = inference.expect("inferred");
    let manifest = app.manifest();
    assert_eq!(manifest.app_id.as_str(), "alipay-project");
    assert_eq!(manifest.dialect, Some(Dialect::Alipay));
    assert_eq!(manifest.name, "小店", "app.json's defaultTitle");
    assert_eq!(manifest.version, semver::Version::new(1, 4, 2));
    assert_eq!(
        inference.guessed,
        [
            "appId 'alipay-project' from the folder name",
            "dialect alipay (the first page is pages/index/index.axml)",
            "name from the app's title",
            "every API (developer mode)",
            "network domains unchecked",
        ]
    );
}

#[test]
fn a_folder_with_a_manifest_is_opened_by_it() {
    let (_temp, dir) = project(
        "with-manifest",
        &[
            APP_JSON,
            WXML_PAGE,
            (
                "manifest.json",
                r#"{"appId": "declared.app", "name": "Declared", "version": "2.0.0",
                    "kind": "miniprogram", "dialect": "wechat", "entry": "app.json"}"#,
            ),
            (WECHAT_PROJECT_FILE, r#"{"appid": "wx0000000000000000"}"#),
        ],
    );
    let (app, inference) = App::open_project(&dir).expect("opens");
    assert_eq!(inference, None);
    assert_eq!(app.id(), "declared.app");
}

#[test]
fn ids_come_from_the_project_file_lowercased_or_from_the_folder_name() {
    let (_temp, dir) = project(
        "Any",
        &[
            APP_JSON,
            WXML_PAGE,
            (WECHAT_PROJECT_FILE, r#"{"appid": "WX12AB"}"#),
        ],
    );
    assert_eq!(
        infer_manifest(&dir).expect("infers").0.app_id.as_str(),
        "wx12ab"
    );
    // The id WeChat DevTools gives projects without one names no app.
    let (_temp, dir) = project(
        "My Shop_2 (copy)",
        &[
            APP_JSON,
            WXML_PAGE,
            (WECHAT_PROJECT_FILE, r#"{"appid": "touristappid"}"#),
        ],
    );
    let (manifest, inference) = infer_manifest(&dir).expect("infers");
    assert_eq!(manifest.app_id.as_str(), "my-shop-2-copy");
    assert_eq!(
        manifest.name, "My Shop_2 (copy)",
        "no title: the folder name"
    );
    assert!(
        inference
            .guessed
            .contains(&"appId 'my-shop-2-copy' from the folder name".to_owned())
    );
    let (_temp, dir) = project("项目", &[APP_JSON, WXML_PAGE]);
    assert_eq!(
        infer_manifest(&dir).expect("infers").0.app_id.as_str(),
        "app"
    );
}

#[test]
fn the_dialect_follows_the_templates_then_the_project_file() {
    // No page template yet: the templates there are.
    let (_temp, dir) = project(
        "counted",
        &[
            APP_JSON,
            ("components/a/a.axml", "<view/>"),
            ("components/b/b.axml", "<view/>"),
            ("node_modules/lib/x.wxml", "<view/>"),
            ("node_modules/lib/y.wxml", "<view/>"),
            ("node_modules/lib/z.wxml", "<view/>"),
        ],
    );
    let (manifest, inference) = infer_manifest(&dir).expect("infers");
    assert_eq!(manifest.dialect, Some(Dialect::Alipay));
    assert!(
        inference
            .guessed
            .contains(&"dialect alipay (2 .axml files)".to_owned())
    );
    // No templates at all: the project file's platform.
    let (_temp, dir) = project(
        "empty",
        &[APP_JSON, ("mini.project.json", r#"{"format": 2}"#)],
    );
    assert_eq!(
        infer_manifest(&dir).expect("infers").0.dialect,
        Some(Dialect::Alipay)
    );
    let (_temp, dir) = project("bare", &[APP_JSON]);
    assert!(
        error_of(&dir).contains("cannot tell the dialect"),
        "{}",
        error_of(&dir)
    );
}

#[test]
fn projects_that_are_not_mini_programs_are_refused_by_name() {
    for (file, kind) in [
        (WECHAT_PROJECT_FILE, "plugin"),
        (WECHAT_PROJECT_FILE, "game"),
        ("mini.project.json", "plugin"),
    ] {
        let config = format!(r#"{{"compileType": "{kind}"}}"#);
        let (_temp, dir) = project("p", &[APP_JSON, WXML_PAGE, (file, &config)]);
        let error = error_of(&dir);
        assert!(
            error.contains(&format!("compileType \"{kind}\" is not a mini-program")),
            "{error}"
        );
    }
}

#[test]
fn every_bad_project_folder_says_what_is_wrong() {
    let cases: [(&[(&str, &str)], &str); 7] = [
        (
            &[],
            "no manifest.json, and no app.json and no project.config.json",
        ),
        (
            &[(WECHAT_PROJECT_FILE, r#"{"appid": "wx1""#)],
            "project.config.json: EOF while parsing an object at line 1",
        ),
        (
            &[
                APP_JSON,
                WXML_PAGE,
                (WECHAT_PROJECT_FILE, "{}"),
                ("project.private.config.json", "[1,"),
            ],
            "project.private.config.json: EOF while parsing a value at line 1 column 3",
        ),
        (
            &[(WECHAT_PROJECT_FILE, "[]")],
            "project.config.json: not a JSON object",
        ),
        (
            &[(
                WECHAT_PROJECT_FILE,
                r#"{"miniprogramRoot": "../elsewhere"}"#,
            )],
            "miniprogramRoot '../elsewhere' must be a folder inside the project",
        ),
        (
            &[(WECHAT_PROJECT_FILE, r#"{"miniprogramRoot": "dist/"}"#)],
            "miniprogramRoot 'dist/' is not a folder of",
        ),
        (
            &[
                ("src/app.js", "App({})"),
                (WECHAT_PROJECT_FILE, r#"{"miniprogramRoot": "src"}"#),
            ],
            "no manifest.json, and no app.json where project.config.json says the mini-program is",
        ),
    ];
    for (files, expected) in cases {
        let (_temp, dir) = project("bad", files);
        let error = error_of(&dir);
        assert!(error.contains(expected), "{files:?}: {error}");
    }
}

#[test]
fn pack_writes_the_inferred_manifest_and_the_miniprogram_root() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("logs.capsule");
    let key = SecretKey::generate().expect("key");
    let summary = pack(&fixture("wechat-project"), &key, &out, &mut |_, _| {}).expect("packs");
    let inferred = summary.inferred.expect("says the manifest was inferred");
    assert!(inferred.guessed.contains(&"version 0.0.0".to_owned()));
    let info = inspect(&out).expect("readable");
    assert_eq!(info.manifest.app_id.as_str(), "wx6f3a2b1c0d9e8f7a");
    assert_eq!(info.manifest.name, "日志演示");
    assert_eq!(info.manifest.permissions.domains, ["*"]);
    let names: Vec<&str> = info
        .entries
        .iter()
        .map(|(name, _, _)| name.as_str())
        .collect();
    assert!(names.contains(&"app.json"), "{names:?}");
    assert!(names.contains(&"pages/logs/logs.wxml"), "{names:?}");
    assert!(
        !names.iter().any(|name| name.contains("project.config")),
        "the project files stay outside miniprogramRoot: {names:?}"
    );
}
