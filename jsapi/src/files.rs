//! Each app's sandboxed file area and the `getFileSystemManager` basics over it: `readFile`,
//! `writeFile`, `access`, `mkdir`, `readdir`, `unlink`, `stat`, `saveFile`; and
//! `writeTempImage`, which keeps a picture the page drew (`canvasToTempFilePath`) as a new
//! temporary file.
//!
//! An app sees virtual paths only. Its area under `<data dir>/files/<appId>/` has four
//! folders, each reachable under either platform's spelling:
//!
//! | folder      | WeChat             | Alipay               | writable by the app |
//! |-------------|--------------------|----------------------|---------------------|
//! | `usr/`      | `wxfile://usr/…`   | `https://usr/…`      | yes                 |
//! | `tmp/`      | `wxfile://tmp/…`   | `https://resource/…` | unlink only         |
//! | `store/`    | `wxfile://store/…` | `https://store/…`    | through `saveFile`  |
//!
//! Paths with `..`, `.`, empty segments, backslashes or control characters (also
//! percent-encoded, once or twice) are refused, and a path whose real location (after
//! symbolic links, including one to nothing yet) leaves the area is refused too. What an
//! app keeps (`usr` and `store`) is limited by [`ApiConfig::file_limit_bytes`]
//! (`crate::ApiConfig`); a write over it fails with code 12 and changes nothing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::{ApiCall, ApiError, ApiResult, Args, Dialect, Permission, Registry, value};

/// Longest virtual path accepted, in bytes.
const MAX_PATH_BYTES: usize = 1024;
/// Largest file `readFile` returns and `writeFile` writes, in bytes.
const MAX_FILE_BYTES: usize = 50 << 20;

/// A folder of an app's file area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Folder {
    /// The app's own files (`USER_DATA_PATH`).
    User,
    /// Temporary files: downloads and the like.
    Temp,
    /// Files kept with `saveFile`.
    Saved,
}

impl Folder {
    fn dir_name(self) -> &'static str {
        match self {
            Self::User => "usr",
            Self::Temp => "tmp",
            Self::Saved => "store",
        }
    }

    /// The virtual prefix of the folder in `dialect`.
    fn prefix(self, dialect: Dialect) -> &'static str {
        match (self, dialect) {
            (Self::User, Dialect::Wechat) => "wxfile://usr",
            (Self::Temp, Dialect::Wechat) => "wxfile://tmp",
            (Self::Saved, Dialect::Wechat) => "wxfile://store",
            (Self::User, Dialect::Alipay) => "https://usr",
            (Self::Temp, Dialect::Alipay) => "https://resource",
            (Self::Saved, Dialect::Alipay) => "https://store",
        }
    }

    const ALL: [Self; 3] = [Self::User, Self::Temp, Self::Saved];
}

/// A virtual path resolved into an app's area.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) folder: Folder,
    pub(crate) real: PathBuf,
}

/// The file areas of all apps under one data directory.
pub(crate) struct FileAreas {
    root: Option<PathBuf>,
    /// Most bytes an app may keep in `usr` and `store` together.
    limit: u64,
    next_name: AtomicU64,
}

impl FileAreas {
    pub(crate) fn new(data_dir: Option<&Path>, limit: u64) -> Self {
        Self {
            root: data_dir.map(|dir| dir.join("files")),
            limit,
            next_name: AtomicU64::new(1),
        }
    }

    /// Fails with code 12 unless `app` may add `adding` bytes to its kept files while
    /// `replacing` (a file about to be overwritten) goes away.
    fn check_quota(&self, app: &str, adding: u64, replacing: &Path) -> Result<(), ApiError> {
        let root = self.app_root(app)?;
        let used: u64 = [Folder::User, Folder::Saved]
            .iter()
            .map(|folder| folder_bytes(&root.join(folder.dir_name())))
            .sum();
        let replaced = fs::symlink_metadata(replacing)
            .ok()
            .filter(fs::Metadata::is_file)
            .map_or(0, |meta| meta.len());
        let total = used.saturating_sub(replaced) + adding;
        if total > self.limit {
            return Err(ApiError::new(
                crate::TOTAL_OVER_LIMIT,
                format!(
                    "the maximum size of the file storage limit is exceeded: the app would keep {total} bytes, the limit is {}",
                    self.limit
                ),
            ));
        }
        Ok(())
    }

    /// Replaces file `real` (the app's `path`) with what `write` puts in a file beside it,
    /// renamed over it once complete: a write that fails (a full disk) leaves the old file
    /// as it was and no partial one.
    fn replace(
        &self,
        real: &Path,
        path: &str,
        write: impl FnOnce(&Path) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let partial = real.with_file_name(format!(
            ".partial-{}",
            self.next_name.fetch_add(1, Ordering::Relaxed)
        ));
        let written = write(&partial)
            .and_then(|()| fs::rename(&partial, real).map_err(|e| io_error(path, &e)));
        if written.is_err() {
            // Best effort: the partial file is not the app's.
            let _ = fs::remove_file(&partial);
        }
        written
    }

    fn app_root(&self, app: &str) -> Result<PathBuf, ApiError> {
        let root = self.root.as_ref().ok_or_else(|| {
            ApiError::unknown("files are unavailable: the host set no data directory")
        })?;
        Ok(root.join(app))
    }

    /// Maps a virtual path of `app` to its real location, refusing anything outside the area.
    pub(crate) fn resolve(&self, app: &str, path: &str) -> Result<Resolved, ApiError> {
        let refuse =
            |why: &str| ApiError::invalid_param(format!("permission denied: '{path}' {why}"));
        let (folder, rest) = Folder::ALL
            .iter()
            .flat_map(|folder| {
                [Dialect::Wechat, Dialect::Alipay].map(|d| (*folder, folder.prefix(d)))
            })
            .find_map(|(folder, prefix)| {
                let rest = path.strip_prefix(prefix)?;
                (rest.is_empty() || rest.starts_with('/')).then_some((folder, rest))
            })
            .ok_or_else(|| {
                refuse("is not in the app's file area (wxfile://usr/..., https://usr/...)")
            })?;
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let mut real = self.app_root(app)?.join(folder.dir_name());
        if !rest.is_empty() {
            for segment in rest.split('/') {
                if !plain_segment(segment) {
                    return Err(refuse("has a '..', '.', empty or invalid segment"));
                }
                real.push(segment);
            }
        }
        // Symbolic links cannot lead out: the deepest existing ancestor (a link counts, even
        // one to nothing, which a write would follow) must stay inside.
        let area = self.app_root(app)?;
        if let Some(existing) = real.ancestors().find(|p| p.symlink_metadata().is_ok()) {
            let area = area.canonicalize().map_err(|e| io_error(path, &e))?;
            let inside = existing
                .canonicalize()
                .is_ok_and(|canonical| canonical.starts_with(&area));
            if !inside {
                return Err(refuse("leads outside the app's file area"));
            }
        }
        Ok(Resolved { folder, real })
    }

    /// A new, unused temporary file of `app`: its real path and its virtual path.
    pub(crate) fn new_temp_file(
        &self,
        app: &str,
        dialect: Dialect,
        extension: &str,
    ) -> Result<(PathBuf, String), ApiError> {
        let dir = self.app_root(app)?.join(Folder::Temp.dir_name());
        fs::create_dir_all(&dir).map_err(|e| io_error("temporary folder", &e))?;
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let n = self.next_name.fetch_add(1, Ordering::Relaxed);
        let name = format!("{stamp}-{n}{extension}");
        Ok((
            dir.join(&name),
            format!("{}/{name}", Folder::Temp.prefix(dialect)),
        ))
    }

    fn ensure_area(&self, app: &str) -> Result<(), ApiError> {
        let root = self.app_root(app)?;
        for folder in Folder::ALL {
            fs::create_dir_all(root.join(folder.dir_name()))
                .map_err(|e| io_error("file area", &e))?;
        }
        Ok(())
    }
}

/// Whether `segment` names one entry of a folder: not empty, `.` or `..`, without a
/// backslash or control character, also once percent-decoded (once or twice), so that no
/// layer that decodes it later finds a way out.
fn plain_segment(segment: &str) -> bool {
    let mut text = segment.to_owned();
    for _ in 0..3 {
        let bad = text.is_empty()
            || text == "."
            || text == ".."
            || text.contains(['/', '\\'])
            || text.chars().any(char::is_control);
        if bad {
            return false;
        }
        let decoded = percent_decoded(&text);
        if decoded == text {
            return true;
        }
        text = decoded;
    }
    // Encoded three times over: no real file name looks like that.
    false
}

/// `text` with its `%XX` escapes decoded (invalid UTF-8 replaced).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Bytes of the regular files below `dir` (symbolic links are not followed).
fn folder_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let meta = fs::symlink_metadata(entry.path()).ok()?;
            Some(if meta.is_dir() {
                folder_bytes(&entry.path())
            } else if meta.is_file() {
                meta.len()
            } else {
                0
            })
        })
        .sum()
}

fn io_error(path: &str, error: &io::Error) -> ApiError {
    let reason = match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::AlreadyExists => "file already exists".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::DirectoryNotEmpty => "directory not empty".to_owned(),
        _ => error.to_string(),
    };
    ApiError::unknown(format!("{reason}: {path}"))
}

/// A file API's handler.
type Handler = fn(&FileAreas, &ApiCall, &Args<'_>) -> ApiResult;

pub(crate) fn register(registry: &mut Registry, areas: &Arc<FileAreas>) {
    let handlers: [(&str, Handler); 10] = [
        ("readFile", read_file),
        ("writeFile", write_file),
        ("copyFile", copy_file),
        ("access", access),
        ("mkdir", mkdir),
        ("readdir", readdir),
        ("unlink", unlink),
        ("stat", stat),
        ("saveFile", save_file),
        ("writeTempImage", write_temp_image),
    ];
    for (name, handler) in handlers {
        let areas = Arc::clone(areas);
        registry.register_fn(name, Permission::FILES, move |call| {
            let args = Args::new(&call.api, &call.args)?;
            areas.ensure_area(&call.caller.app_id)?;
            handler(&areas, call, &args)
        });
    }
}

fn path_arg<'a>(args: &Args<'a>, name: &str) -> Result<&'a str, ApiError> {
    args.str(name, MAX_PATH_BYTES)
}

fn writable(resolved: &Resolved, path: &str) -> Result<(), ApiError> {
    if resolved.folder == Folder::User {
        Ok(())
    } else {
        Err(ApiError::invalid_param(format!(
            "permission denied: '{path}' is read-only; write under USER_DATA_PATH"
        )))
    }
}

/// The encodings `readFile` and `writeFile` take; none means binary (an ArrayBuffer).
fn encoding(args: &Args<'_>) -> Result<Option<&'static str>, ApiError> {
    match args.opt_str("encoding", 16)? {
        None | Some("binary") => Ok(None),
        Some("utf8" | "utf-8") => Ok(Some("utf8")),
        Some("base64") => Ok(Some("base64")),
        Some("hex") => Ok(Some("hex")),
        Some(other) => Err(ApiError::invalid_param(format!(
            "unsupported encoding '{other}': use utf8, base64, hex or none"
        ))),
    }
}

fn read_file(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let path = path_arg(args, "filePath")?;
    let encoding = encoding(args)?;
    let resolved = areas.resolve(&call.caller.app_id, path)?;
    let size = fs::metadata(&resolved.real)
        .map_err(|e| io_error(path, &e))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(ApiError::unknown(format!(
            "'{path}' is {size} bytes; readFile returns at most {MAX_FILE_BYTES}"
        )));
    }
    let bytes = fs::read(&resolved.real).map_err(|e| io_error(path, &e))?;
    let data = match encoding {
        None => value::array_buffer(&bytes),
        Some("utf8") => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
        Some("base64") => Value::String(base64::engine::general_purpose::STANDARD.encode(&bytes)),
        Some(_) => Value::String(bytes.iter().map(|b| format!("{b:02x}")).collect()),
    };
    Ok(json!({ "data": data }))
}

fn decode(data: &Value, encoding: Option<&str>) -> Result<Vec<u8>, ApiError> {
    if let Some(bytes) = value::array_buffer_bytes(data) {
        return bytes;
    }
    let Value::String(text) = data else {
        return Err(ApiError::invalid_param(
            "'data' must be a string or an ArrayBuffer",
        ));
    };
    match encoding {
        None | Some("utf8") => Ok(text.clone().into_bytes()),
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| ApiError::invalid_param(format!("'data' is not base64: {e}"))),
        Some(_) => (0..text.len())
            .step_by(2)
            .map(|i| {
                text.get(i..i + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .ok_or_else(|| ApiError::invalid_param("'data' is not hex"))
            })
            .collect(),
    }
}

fn write_file(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let path = path_arg(args, "filePath")?;
    let encoding = encoding(args)?;
    let data = call
        .args
        .get("data")
        .ok_or_else(|| ApiError::invalid_param("writeFile: missing 'data'"))?;
    let bytes = decode(data, encoding)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ApiError::invalid_param(format!(
            "writeFile: 'data' is {} bytes, the limit is {MAX_FILE_BYTES}",
            bytes.len()
        )));
    }
    let resolved = areas.resolve(&call.caller.app_id, path)?;
    writable(&resolved, path)?;
    areas.check_quota(&call.caller.app_id, bytes.len() as u64, &resolved.real)?;
    areas.replace(&resolved.real, path, |partial| {
        fs::write(partial, &bytes).map_err(|e| io_error(path, &e))
    })?;
    Ok(json!({}))
}

/// `copyFile({srcPath, destPath})`: copies any file of the app's into its own files.
fn copy_file(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let (source, target) = (path_arg(args, "srcPath")?, path_arg(args, "destPath")?);
    let from = areas.resolve(&call.caller.app_id, source)?;
    let to = areas.resolve(&call.caller.app_id, target)?;
    writable(&to, target)?;
    let size = fs::metadata(&from.real)
        .map_err(|e| io_error(source, &e))?
        .len();
    areas.check_quota(&call.caller.app_id, size, &to.real)?;
    areas.replace(&to.real, target, |partial| {
        fs::copy(&from.real, partial)
            .map(drop)
            .map_err(|e| io_error(source, &e))
    })?;
    Ok(json!({}))
}

fn access(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let path = path_arg(args, "path")?;
    let resolved = areas.resolve(&call.caller.app_id, path)?;
    fs::symlink_metadata(&resolved.real).map_err(|e| io_error(path, &e))?;
    Ok(json!({}))
}

fn mkdir(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let path = path_arg(args, "dirPath")?;
    let recursive = match call.args.get("recursive") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => {
            return Err(ApiError::invalid_param(
                "mkdir: 'recursive' must be a boolean",
            ));
        }
    };
    let resolved = areas.resolve(&call.caller.app_id, path)?;
    writable(&resolved, path)?;
    let made = if recursive {
        fs::create_dir_all(&resolved.real)
    } else {
        fs::create_dir(&resolved.real)
    };
    made.map_err(|e| io_error(path, &e))?;
    Ok(json!({}))
}

fn readdir(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let path = path_arg(args, "dirPath")?;
    let resolved = areas.resolve(&call.caller.app_id, path)?;
    let mut files = fs::read_dir(&resolved.real)
        .and_then(|entries| {
            entries
                .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect::<io::Result<Vec<String>>>()
        })
        .map_err(|e| io_error(path, &e))?;
    files.sort();
    Ok(json!({ "files": files }))
}

fn unlink(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let path = path_arg(args, "filePath")?;
    let resolved = areas.resolve(&call.caller.app_id, path)?;
    if resolved.folder == Folder::Saved {
        writable(&resolved, path)?;
    }
    if resolved.real.is_dir() {
        return Err(ApiError::unknown(format!(
            "operation not permitted: '{path}' is a directory"
        )));
    }
    fs::remove_file(&resolved.real).map_err(|e| io_error(path, &e))?;
    Ok(json!({}))
}

fn stat(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let path = path_arg(args, "path")?;
    let resolved = areas.resolve(&call.caller.app_id, path)?;
    let meta = fs::metadata(&resolved.real).map_err(|e| io_error(path, &e))?;
    let seconds = |time: io::Result<SystemTime>| {
        time.ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs())
    };
    Ok(json!({ "stats": {
        "size": meta.len(),
        "isFile": meta.is_file(),
        "isDirectory": meta.is_dir(),
        "lastModifiedTime": seconds(meta.modified()),
        "lastAccessedTime": seconds(meta.accessed()),
    }}))
}

/// `writeTempImage({data, fileType})`: a PNG or JPEG picture (`data`, an ArrayBuffer; the
/// logic layer's `canvasToTempFilePath` passes what the page host encoded) written as a new
/// temporary file; answers `{tempFilePath}`. Bytes that are not a picture of that type are
/// refused, so only pictures land here.
fn write_temp_image(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    temp_image(areas, &call.caller.app_id, call.caller.dialect, args)
}

fn temp_image(areas: &FileAreas, app: &str, dialect: Dialect, args: &Args<'_>) -> ApiResult {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const JPEG: &[u8] = &[0xff, 0xd8, 0xff];
    let (extension, magic, name) = match args.opt_str("fileType", 16)? {
        None | Some("png") => (".png", PNG, "PNG"),
        Some("jpg" | "jpeg") => (".jpg", JPEG, "JPEG"),
        Some(other) => {
            return Err(ApiError::invalid_param(format!(
                "writeTempImage: fileType '{other}' is neither png nor jpg"
            )));
        }
    };
    let data = args
        .value("data")
        .ok_or_else(|| ApiError::invalid_param("writeTempImage: missing 'data'"))?;
    let bytes = value::array_buffer_bytes(data).ok_or_else(|| {
        ApiError::invalid_param("writeTempImage: 'data' must be an ArrayBuffer")
    })??;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ApiError::invalid_param(format!(
            "writeTempImage: 'data' is {} bytes, the limit is {MAX_FILE_BYTES}",
            bytes.len()
        )));
    }
    if !bytes.starts_with(magic) {
        return Err(ApiError::invalid_param(format!(
            "writeTempImage: 'data' is not a {name} picture"
        )));
    }
    let (real, path) = areas.new_temp_file(app, dialect, extension)?;
    areas.replace(&real, &path, |partial| {
        fs::write(partial, &bytes).map_err(|e| io_error(&path, &e))
    })?;
    Ok(json!({ "tempFilePath": path }))
}

/// `saveFile({tempFilePath | apFilePath, filePath?})`: moves a temporary file into the saved
/// files (or to `filePath` under `USER_DATA_PATH`) and answers its new path.
fn save_file(areas: &FileAreas, call: &ApiCall, args: &Args<'_>) -> ApiResult {
    let source = match args.opt_str("tempFilePath", MAX_PATH_BYTES)? {
        Some(path) => path,
        None => path_arg(args, "apFilePath").map_err(|_| {
            ApiError::invalid_param("saveFile: missing 'tempFilePath' (or 'apFilePath')")
        })?,
    };
    let from = areas.resolve(&call.caller.app_id, source)?;
    if from.folder != Folder::Temp {
        return Err(ApiError::invalid_param(format!(
            "saveFile: '{source}' is not a temporary file"
        )));
    }
    let dialect = call.caller.dialect;
    let (to, saved) = match args.opt_str("filePath", MAX_PATH_BYTES)? {
        Some(target) => {
            let to = areas.resolve(&call.caller.app_id, target)?;
            writable(&to, target)?;
            (to.real, target.to_owned())
        }
        None => {
            let name = from
                .real
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let to = areas
                .app_root(&call.caller.app_id)?
                .join(Folder::Saved.dir_name())
                .join(&name);
            (to, format!("{}/{name}", Folder::Saved.prefix(dialect)))
        }
    };
    let size = fs::metadata(&from.real)
        .map_err(|e| io_error(source, &e))?
        .len();
    areas.check_quota(&call.caller.app_id, size, &to)?;
    fs::rename(&from.real, &to).map_err(|e| io_error(source, &e))?;
    Ok(match dialect {
        Dialect::Wechat => json!({ "savedFilePath": saved }),
        Dialect::Alipay => json!({ "apFilePath": saved }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_becomes_a_new_temporary_file_and_anything_else_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let areas = FileAreas::new(Some(dir.path()), u64::MAX);
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        let call = |dialect: Dialect, params: Value| {
            temp_image(
                &areas,
                "app",
                dialect,
                &Args::new("writeTempImage", &params)?,
            )
        };
        let written =
            call(Dialect::Wechat, json!({"data": value::array_buffer(&png)})).expect("written");
        let path = written["tempFilePath"].as_str().expect("a path");
        assert!(
            path.starts_with("wxfile://tmp/") && path.ends_with(".png"),
            "{path}"
        );
        let resolved = areas.resolve("app", path).expect("in the area");
        assert_eq!(fs::read(&resolved.real).expect("the file"), png);
        let alipay =
            call(Dialect::Alipay, json!({"data": value::array_buffer(&png)})).expect("written");
        assert!(
            alipay["tempFilePath"]
                .as_str()
                .is_some_and(|p| p.starts_with("https://resource/"))
        );
        for bad in [
            json!({"data": value::array_buffer(b"<html>")}),
            json!({"data": value::array_buffer(&png), "fileType": "jpg"}),
            json!({"data": "not a buffer"}),
            json!({"data": value::array_buffer(&png), "fileType": "gif"}),
        ] {
            let error = call(Dialect::Wechat, bad.clone()).expect_err("refused");
            assert_eq!(error.code, ApiError::invalid_param("x").code, "{bad}");
        }
    }

    #[test]
    fn virtual_paths_map_inside_the_area_or_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let areas = FileAreas::new(Some(dir.path()), u64::MAX);
        areas.ensure_area("app").expect("area");
        let root = dir.path().join("files/app");
        let ok = [
            ("wxfile://usr/a/b.txt", Folder::User, "usr/a/b.txt"),
            ("https://usr/a.txt", Folder::User, "usr/a.txt"),
            ("wxfile://tmp/x.png", Folder::Temp, "tmp/x.png"),
            ("https://resource/x.png", Folder::Temp, "tmp/x.png"),
            ("wxfile://store/s", Folder::Saved, "store/s"),
            ("wxfile://usr", Folder::User, "usr"),
            ("wxfile://usr/", Folder::User, "usr"),
        ];
        for (path, folder, real) in ok {
            let resolved = areas.resolve("app", path).expect(path);
            assert_eq!(
                (resolved.folder, resolved.real),
                (folder, root.join(real)),
                "{path}"
            );
        }
        let bad = [
            "wxfile://usr/../../etc/passwd",
            "wxfile://usr/a/../b",
            "wxfile://usr/./a",
            "wxfile://usr//a",
            "wxfile://usr/a\\..\\b",
            "wxfile://usr/a\u{0}b",
            "wxfile://usr/%2e%2e/x",
            "wxfile://usr/%2E./x",
            "wxfile://usr/%252e%252e/x",
            "wxfile://usr/a%2fb",
            "wxfile://usr/a%5cb",
            "wxfile://usr/a%00b",
            "wxfile://usrx/a",
            "/etc/passwd",
            "file:///etc/passwd",
            "https://example.com/a",
            "",
        ];
        for path in bad {
            assert_eq!(
                areas.resolve("app", path).map(|_| ()).map_err(|e| e.code),
                Err(2),
                "{path:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_cannot_lead_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let areas = FileAreas::new(Some(dir.path()), u64::MAX);
        areas.ensure_area("app").expect("area");
        let outside = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("files/app/usr/link"))
            .expect("symlink");
        let error = areas
            .resolve("app", "wxfile://usr/link/secret")
            .expect_err("escape");
        assert!(error.message.contains("outside"), "{error}");
        // A link to nothing yet counts too: writing through it would create its target.
        std::os::unix::fs::symlink(
            outside.path().join("new.txt"),
            dir.path().join("files/app/usr/dangling"),
        )
        .expect("symlink");
        let error = areas
            .resolve("app", "wxfile://usr/dangling")
            .expect_err("escape");
        assert!(error.message.contains("outside"), "{error}");
    }
}
