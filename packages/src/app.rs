//! A loaded app: its manifest and where its files come from (a folder, or a signed package
//! whose files are hash-checked on every read).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::digest::sha256;
use crate::{Error, FileDigest, Inference, Manifest, RelativePath, Result, infer_manifest};

/// The URL scheme apps are served under: an app's origin is `capsule://<appId>`.
pub const SCHEME: &str = "capsule";

/// Where an app's files are read from: a source folder in developer mode ([`DirFiles`]), or
/// a signed package, installed or unpacked ([`PackageFiles`]), which re-checks each file's
/// hash when it is read.
pub trait AppFiles: Send + Sync {
    /// The bytes of file `path`; `ErrorKind::NotFound` when there is no such regular file.
    fn read(&self, path: &RelativePath) -> io::Result<Vec<u8>>;
}

/// An unsigned app folder (developer mode). Symbolic links that lead outside the folder and
/// anything but regular files read as not found.
#[derive(Debug, Clone)]
pub struct DirFiles {
    root: PathBuf,
}

impl DirFiles {
    /// Serves files below `root`.
    pub fn new(root: &Path) -> io::Result<Self> {
        Ok(Self {
            root: root.canonicalize()?,
        })
    }
}

impl AppFiles for DirFiles {
    fn read(&self, path: &RelativePath) -> io::Result<Vec<u8>> {
        let resolved = self.root.join(path.as_str()).canonicalize()?;
        if !resolved.starts_with(&self.root) || !resolved.is_file() {
            return Err(io::ErrorKind::NotFound.into());
        }
        fs::read(resolved)
    }
}

/// The files of an installed (or unpacked) package. Every read re-checks the file's SHA-256
/// against the signed digest, so a file changed on disk is refused.
#[derive(Debug, Clone)]
pub struct PackageFiles {
    root: PathBuf,
    digest: FileDigest,
}

impl PackageFiles {
    pub(crate) fn new(root: PathBuf, digest: FileDigest) -> Self {
        Self { root, digest }
    }

    /// The bytes of `path`: `NotFound` when the package has no such file, `InvalidData` when
    /// the file on disk no longer matches its signed SHA-256.
    pub fn read(&self, path: &RelativePath) -> io::Result<Vec<u8>> {
        let expected = self.digest.get(path).ok_or(io::ErrorKind::NotFound)?;
        let bytes = fs::read(self.root.join(path.as_str()))?;
        if sha256(&bytes) != *expected {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the file does not match its signed SHA-256",
            ));
        }
        Ok(bytes)
    }

    /// The manifest, read (and hash-checked) from the files.
    pub(crate) fn manifest(&self) -> Result<Manifest> {
        let path = RelativePath::new("manifest.json")?;
        let bytes = self.read(&path).map_err(|source| {
            if source.kind() == io::ErrorKind::InvalidData {
                Error::HashMismatch {
                    entry: path.to_string(),
                }
            } else {
                Error::io(&self.root.join(path.as_str()), source)
            }
        })?;
        Manifest::from_json(&bytes)
    }
}

/// An installed app ready to run: its manifest and hash-checked files.
#[derive(Debug, Clone)]
pub struct InstalledApp {
    /// The manifest of the active version.
    pub manifest: Manifest,
    /// Its files.
    pub files: PackageFiles,
}

/// Files of a signed package: a file whose bytes no longer match the signed SHA-256 reads as
/// `ErrorKind::InvalidData`, which the custom protocol answers with 403, never the bytes.
impl AppFiles for PackageFiles {
    fn read(&self, path: &RelativePath) -> io::Result<Vec<u8>> {
        PackageFiles::read(self, path)
    }
}

/// An app ready to open: its manifest and its files.
#[derive(Clone)]
pub struct App {
    manifest: Arc<Manifest>,
    files: Arc<dyn AppFiles>,
    /// Shared by the clones of the app: whoever hears of its refused files.
    refusals: Arc<Refusals>,
}

/// A file of an app that exists but could not be read: changed on disk since it was signed,
/// or unreadable. An app with such a file cannot run as its author made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRefusal {
    /// The file, as a path inside the app.
    pub path: String,
    /// Why it was refused.
    pub reason: String,
}

impl fmt::Display for FileRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// A listener of [`App::on_refusal`]; it returns whether it still listens.
type RefusalListener = Box<dyn Fn(&FileRefusal) -> bool + Send + Sync>;

#[derive(Default)]
struct Refusals {
    listeners: Mutex<Vec<RefusalListener>>,
}

impl App {
    /// An app from a manifest and a file source.
    pub fn new(manifest: Manifest, files: Arc<dyn AppFiles>) -> Self {
        Self {
            manifest: Arc::new(manifest),
            files,
            refusals: Arc::default(),
        }
    }

    /// Opens an app folder in developer mode: `manifest.json` at its root names the app.
    pub fn open_dir(dir: &Path) -> Result<Self> {
        let folder_error = |source| Error::AppFolder {
            path: dir.display().to_string(),
            source,
        };
        let files = DirFiles::new(dir).map_err(folder_error)?;
        let manifest_path = RelativePath::new("manifest.json")?;
        let bytes = files.read(&manifest_path).map_err(|source| Error::Io {
            path: dir.join("manifest.json").display().to_string(),
            source,
        })?;
        Ok(Self::new(Manifest::from_json(&bytes)?, Arc::new(files)))
    }

    /// Opens an app folder in developer mode as authors have it: with a `manifest.json`, as
    /// [`App::open_dir`]; without one, a project folder of the platforms' tools (see
    /// [`crate::infer_manifest`]), whose manifest is inferred and its files read from the
    /// project's `miniprogramRoot`. The [`Inference`] says how, when the manifest was inferred.
    pub fn open_project(dir: &Path) -> Result<(Self, Option<Inference>)> {
        if dir.join("manifest.json").exists() {
            return Ok((Self::open_dir(dir)?, None));
        }
        let (manifest, inference) = infer_manifest(dir)?;
        let files = DirFiles::new(&inference.root).map_err(|source| Error::AppFolder {
            path: inference.root.display().to_string(),
            source,
        })?;
        Ok((Self::new(manifest, Arc::new(files)), Some(inference)))
    }

    /// A signed app from the package store (or unpacked by `Verifier::unpack`).
    pub fn from_package(app: InstalledApp) -> Self {
        Self::new(app.manifest, Arc::new(app.files))
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The bytes of the app's file `path`: `ErrorKind::NotFound` when it has no such file.
    /// Any other error (a signed file changed on disk, a file that cannot be read) is also
    /// told to the [`App::on_refusal`] listeners: the file exists, and the app cannot run
    /// without it as its author made it.
    pub fn read(&self, path: &RelativePath) -> io::Result<Vec<u8>> {
        let result = self.files.read(path);
        if let Err(error) = &result
            && error.kind() != io::ErrorKind::NotFound
        {
            let refusal = FileRefusal {
                path: path.to_string(),
                reason: error.to_string(),
            };
            self.refusals
                .listeners
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|listener| listener(&refusal));
        }
        result
    }

    /// Calls `listener` with each file of this app (or a clone of it) refused from now on
    /// (see [`App::read`]), until it returns `false`.
    pub fn on_refusal(&self, listener: impl Fn(&FileRefusal) -> bool + Send + Sync + 'static) {
        self.refusals
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Box::new(listener));
    }

    /// The app's id.
    pub fn id(&self) -> &str {
        self.manifest.app_id.as_str()
    }

    /// The origin its pages are served from: `capsule://<appId>`.
    pub fn origin(&self) -> String {
        format!("{}://{}", SCHEME, self.id())
    }

    /// The URL of a file of the app.
    pub fn url_of(&self, path: &RelativePath) -> String {
        format!("{}/{}", self.origin(), path)
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}
