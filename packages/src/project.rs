//! An author's project folder as the platforms' tools create it, opened without a
//! `manifest.json`: the manifest is inferred (developer mode).
//!
//! - WeChat's `project.config.json` (with `project.private.config.json` over it) gives
//!   `appid`, `projectname`, `miniprogramRoot` and `compileType`; Alipay's
//!   `mini.project.json` gives `miniprogramRoot`, `compileType` and sometimes `appid`.
//! - The app id comes from the project file, else from the folder name; the dialect from the
//!   first page's template (`.wxml` or `.axml`), else the other templates, else the project
//!   file; the name from `projectname`, else the app's title, else the folder name; the
//!   version from a `package.json`, else `0.0.0`.
//! - Every API is declared (`*`) and network domains are unchecked (`*`), as the platforms'
//!   tools allow while developing (WeChat's `setting.urlCheck: false`): a project folder
//!   holds no domain list, which the platforms keep in their consoles.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::{AppId, AppKind, Dialect, Error, Manifest, Permissions, RelativePath, Result};

/// WeChat's project file.
pub const WECHAT_PROJECT_FILE: &str = "project.config.json";
/// WeChat's per-developer settings, read over [`WECHAT_PROJECT_FILE`].
const WECHAT_PRIVATE_FILE: &str = "project.private.config.json";
/// Alipay's project file.
pub const ALIPAY_PROJECT_FILE: &str = "mini.project.json";
/// Largest project file read, in bytes.
const MAX_PROJECT_FILE_BYTES: u64 = 1 << 20;
/// Template files looked at, at most, when the first page does not tell the dialect.
const MAX_FILES_LOOKED_AT: usize = 20_000;

/// How the manifest of a project folder was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inference {
    /// The project file read, if the folder has one.
    pub project_file: Option<&'static str>,
    /// The folder holding `app.json`: the project's `miniprogramRoot`, or the folder itself.
    pub root: PathBuf,
    /// The fields that were guessed rather than read, each with where the guess came from
    /// (`name from the folder name`).
    pub guessed: Vec<String>,
}

/// One line: where the manifest came from and what was guessed.
impl fmt::Display for Inference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = self.project_file.unwrap_or("app.json");
        write!(f, "no manifest.json, inferred from {source}")?;
        if self.project_file.is_some() {
            write!(f, " (app files in {})", self.root.display())?;
        }
        write!(f, "; guessed: {}", self.guessed.join(", "))
    }
}

/// Infers the manifest of project folder `dir`, which has no `manifest.json`.
///
/// Fails when the folder holds no mini-program (no `app.json` where the project file says),
/// when the project is not a mini-program (a plugin or a game), or when a project file is not
/// valid JSON.
pub fn infer_manifest(dir: &Path) -> Result<(Manifest, Inference)> {
    let mut wechat = read_project_file(dir, WECHAT_PROJECT_FILE)?;
    if let Some(config) = &mut wechat {
        // The developer's own settings win, as in WeChat's tool.
        if let Some(private) = read_project_file(dir, WECHAT_PRIVATE_FILE)? {
            merge(config, private);
        }
    }
    let alipay = read_project_file(dir, ALIPAY_PROJECT_FILE)?;
    let (project_file, config) = match (wechat, alipay) {
        (Some(config), _) => (Some(WECHAT_PROJECT_FILE), config),
        (None, Some(config)) => (Some(ALIPAY_PROJECT_FILE), config),
        (None, None) => (None, Map::new()),
    };
    if let Some(file) = project_file {
        check_compile_type(file, &config)?;
    }
    let root = project_root(dir, project_file, &config)?;
    let app_json = read_app_json(&root, project_file)?;
    let mut guessed = Vec::new();

    let folder_name = folder_name(dir);
    let app_id = match config
        .get("appid")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && *id != "touristappid")
        .and_then(|id| AppId::new(&id.to_ascii_lowercase()).ok())
    {
        Some(id) => id,
        None => {
            let id = app_id_from(&folder_name);
            guessed.push(format!("appId '{id}' from the folder name"));
            id
        }
    };

    let (dialect, why) = dialect_of(&root, &app_json, project_file)?;
    guessed.push(format!("dialect {} ({why})", dialect_name(dialect)));

    let name = match config
        .get("projectname")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
    {
        Some(name) => percent_decoded(name),
        None => match app_title(&app_json) {
            Some(title) => {
                guessed.push("name from the app's title".into());
                title
            }
            None => {
                guessed.push("name from the folder name".into());
                folder_name.clone()
            }
        },
    };

    let version = match package_version(dir, &root) {
        Some(version) => version,
        None => {
            guessed.push("version 0.0.0".into());
            semver::Version::new(0, 0, 0)
        }
    };
    guessed.push("every API (developer mode)".into());
    guessed.push("network domains unchecked".into());

    let manifest = Manifest {
        app_id,
        name,
        version,
        kind: AppKind::MiniProgram,
        dialect: Some(dialect),
        entry: RelativePath::new("app.json")?,
        permissions: Permissions {
            apis: vec!["*".into()],
            domains: vec!["*".into()],
        },
        min_runtime_version: None,
        key_id: None,
        csp: None,
    };
    Ok((
        manifest,
        Inference {
            project_file,
            root,
            guessed,
        },
    ))
}

/// A project file as a JSON object; `None` when the folder has none.
fn read_project_file(dir: &Path, name: &str) -> Result<Option<Map<String, Value>>> {
    let path = dir.join(name);
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(Error::io(&path, error)),
    };
    if meta.len() > MAX_PROJECT_FILE_BYTES {
        return Err(project_error(
            &path,
            format!(
                "{} bytes, the limit is {MAX_PROJECT_FILE_BYTES}",
                meta.len()
            ),
        ));
    }
    let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(config)) => Ok(Some(config)),
        Ok(_) => Err(project_error(&path, "not a JSON object".into())),
        Err(error) => Err(project_error(&path, error.to_string())),
    }
}

fn project_error(path: &Path, message: String) -> Error {
    Error::Project {
        path: path.display().to_string(),
        message,
    }
}

/// Puts `over`'s fields over `base`'s, objects (`setting`) field by field.
fn merge(base: &mut Map<String, Value>, over: Map<String, Value>) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(inner)), Value::Object(value)) => merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Refuses projects that are not mini-programs: plugins and games.
fn check_compile_type(file: &str, config: &Map<String, Value>) -> Result<()> {
    let accepted = if file == WECHAT_PROJECT_FILE {
        "miniprogram"
    } else {
        "mini"
    };
    match config.get("compileType") {
        None => Ok(()),
        Some(Value::String(kind)) if kind == accepted => Ok(()),
        Some(other) => Err(Error::Project {
            path: file.into(),
            message: format!(
                "compileType {other} is not a mini-program (\"{accepted}\"); plugins and games do not run in Capsule"
            ),
        }),
    }
}

/// The folder the mini-program's files are in: `miniprogramRoot`, inside `dir`.
fn project_root(
    dir: &Path,
    project_file: Option<&str>,
    config: &Map<String, Value>,
) -> Result<PathBuf> {
    let Some(root) = config.get("miniprogramRoot") else {
        return Ok(dir.to_owned());
    };
    let file = project_file.unwrap_or_default();
    let written = root.as_str().ok_or_else(|| Error::Project {
        path: file.into(),
        message: format!("miniprogramRoot must be a folder path, got {root}"),
    })?;
    let trimmed = written
        .trim_start_matches("./")
        .trim_end_matches('/')
        .trim();
    if trimmed.is_empty() || trimmed == "." {
        return Ok(dir.to_owned());
    }
    let relative = RelativePath::new(trimmed).map_err(|_| Error::Project {
        path: file.into(),
        message: format!("miniprogramRoot '{written}' must be a folder inside the project"),
    })?;
    let root = dir.join(relative.as_str());
    if !root.is_dir() {
        return Err(Error::Project {
            path: file.into(),
            message: format!(
                "miniprogramRoot '{written}' is not a folder of {} (build the project first?)",
                dir.display()
            ),
        });
    }
    Ok(root)
}

/// The app's `app.json`, which every mini-program has at its root.
fn read_app_json(root: &Path, project_file: Option<&str>) -> Result<Map<String, Value>> {
    let path = root.join("app.json");
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let looked = match project_file {
                Some(file) => format!("where {file} says the mini-program is"),
                None => "and no project.config.json or mini.project.json".into(),
            };
            return Err(Error::Project {
                path: root.display().to_string(),
                message: format!("no manifest.json, and no app.json {looked}"),
            });
        }
        Err(error) => return Err(Error::io(&path, error)),
    };
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(app)) => Ok(app),
        Ok(_) => Err(project_error(&path, "not a JSON object".into())),
        Err(error) => Err(project_error(&path, error.to_string())),
    }
}

/// The dialect and why: the first page's template, else the templates found, else the
/// project file.
fn dialect_of(
    root: &Path,
    app_json: &Map<String, Value>,
    project_file: Option<&str>,
) -> Result<(Dialect, String)> {
    let first_page = app_json
        .get("entryPagePath")
        .or_else(|| app_json.get("pages").and_then(|pages| pages.get(0)))
        .and_then(Value::as_str);
    if let Some(page) = first_page.filter(|page| RelativePath::new(page).is_ok()) {
        for (dialect, ext) in [(Dialect::Wechat, "wxml"), (Dialect::Alipay, "axml")] {
            if root.join(format!("{page}.{ext}")).is_file() {
                return Ok((dialect, format!("the first page is {page}.{ext}")));
            }
        }
    }
    let (wxml, axml) = count_templates(root);
    if wxml != axml {
        let (dialect, ext, count) = if wxml > axml {
            (Dialect::Wechat, "wxml", wxml)
        } else {
            (Dialect::Alipay, "axml", axml)
        };
        return Ok((dialect, format!("{count} .{ext} files")));
    }
    match project_file {
        Some(WECHAT_PROJECT_FILE) => Ok((Dialect::Wechat, WECHAT_PROJECT_FILE.into())),
        Some(ALIPAY_PROJECT_FILE) => Ok((Dialect::Alipay, ALIPAY_PROJECT_FILE.into())),
        _ => Err(Error::Project {
            path: root.display().to_string(),
            message: "cannot tell the dialect: no .wxml or .axml templates and no project file"
                .into(),
        }),
    }
}

/// `.wxml` and `.axml` files under `root`, leaving out packages and hidden folders.
fn count_templates(root: &Path) -> (usize, usize) {
    let (mut wxml, mut axml, mut seen) = (0, 0, 0);
    let mut folders = vec![root.to_owned()];
    while let Some(folder) = folders.pop() {
        // An unreadable folder tells nothing about the dialect; the others still do.
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "node_modules" || name == "miniprogram_npm" {
                continue;
            }
            seen += 1;
            if seen > MAX_FILES_LOOKED_AT {
                return (wxml, axml);
            }
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                folders.push(entry.path());
            } else if name.ends_with(".wxml") {
                wxml += 1;
            } else if name.ends_with(".axml") {
                axml += 1;
            }
        }
    }
    (wxml, axml)
}

fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Alipay => "alipay",
        Dialect::Wechat => "wechat",
    }
}

/// The title the app's window shows: WeChat's `navigationBarTitleText`, Alipay's
/// `defaultTitle`.
fn app_title(app_json: &Map<String, Value>) -> Option<String> {
    let window = app_json.get("window")?;
    ["navigationBarTitleText", "defaultTitle"]
        .iter()
        .find_map(|key| window.get(key).and_then(Value::as_str))
        .filter(|title| !title.trim().is_empty())
        .map(str::to_owned)
}

/// The name of folder `dir` (of the current folder for `.`).
fn folder_name(dir: &Path) -> String {
    fs::canonicalize(dir)
        .ok()
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".into())
}

/// An app id from a folder name: lowercase, other characters as `-`.
fn app_id_from(folder_name: &str) -> AppId {
    let mut id = String::new();
    for c in folder_name.chars().flat_map(char::to_lowercase) {
        let c = if c.is_ascii_alphanumeric() || c == '.' {
            c
        } else {
            '-'
        };
        if !(c == '-' && (id.is_empty() || id.ends_with('-'))) {
            id.push(c);
        }
    }
    let id: String = id
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-')
        .chars()
        .take(64)
        .collect();
    AppId::new(&id).unwrap_or_else(|_| AppId::new("app").expect("'app' is a valid app id"))
}

/// WeChat's tool writes a `projectname` with other than ASCII letters percent-encoded.
fn percent_decoded(name: &str) -> String {
    percent_encoding::percent_decode_str(name)
        .decode_utf8()
        .map_or_else(|_| name.to_owned(), std::borrow::Cow::into_owned)
}

/// The `version` of the project's `package.json` (beside `app.json`, else at the top).
fn package_version(dir: &Path, root: &Path) -> Option<semver::Version> {
    [root, dir].iter().find_map(|folder| {
        let text = fs::read(folder.join("package.json")).ok()?;
        let json: Value = serde_json::from_slice(&text).ok()?;
        semver::Version::parse(json.get("version")?.as_str()?).ok()
    })
}
