//! The `.capsule` archive: a zip holding `manifest.json`, the app's files, the digest of every
//! file (`_capsule/digest`) and a detached Ed25519 signature over it (`_capsule/signature`).

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::digest::{self, DIGEST_ENTRY, FileDigest, SIGNATURE_ENTRY, Sha256Hash, sha256};
use crate::key::hex;
use crate::{
    Error, Inference, InstalledApp, MAX_MANIFEST_BYTES, Manifest, PackageFiles, RelativePath,
    Result, SecretKey, TrustedKeys, infer_manifest,
};

const MANIFEST: &str = "manifest.json";
/// Largest signature entry read, in bytes.
const MAX_SIGNATURE_BYTES: u64 = 1024;
/// Longest digest line: hash, space, path of at most 1024 bytes, newline.
const MAX_DIGEST_LINE_BYTES: u64 = 64 + 1 + 1024 + 1;
/// Entries smaller than this are exempt from the ratio cap: small text compresses well.
const RATIO_FLOOR_BYTES: u64 = 1 << 20;
const COPY_BUFFER_BYTES: usize = 256 << 10;

/// Caps that keep a hostile archive from exhausting memory or disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries in one archive.
    pub max_entries: usize,
    /// Largest uncompressed entry, in bytes.
    pub max_entry_bytes: u64,
    /// Largest total uncompressed size, in bytes.
    pub max_total_bytes: u64,
    /// Highest uncompressed:compressed ratio of an entry of 1 MiB or more.
    pub max_ratio: u64,
}

impl Default for Limits {
    /// 10 000 entries, 64 MiB per entry, 512 MiB in all, ratio 100:1.
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_entry_bytes: 64 << 20,
            max_total_bytes: 512 << 20,
            max_ratio: 100,
        }
    }
}

/// What [`pack`] wrote.
#[derive(Debug, Clone)]
pub struct PackSummary {
    /// The manifest as written into the package (with `keyId` set).
    pub manifest: Manifest,
    /// Id of the signing key.
    pub key_id: String,
    /// Number of files, `manifest.json` included.
    pub files: usize,
    /// Their total size, in bytes.
    pub bytes: u64,
    /// How the manifest was inferred, for a project folder without `manifest.json`.
    pub inferred: Option<Inference>,
}

/// Packs app folder `dir` into a signed package at `out`.
///
/// `manifest.json` gets the signing key's id as `keyId` (a different `keyId` already there is
/// an error). A project folder without `manifest.json` is packed as [`crate::App::open_project`]
/// opens it: the files of its `miniprogramRoot` with the inferred manifest written in.
/// Symbolic links, special files and a top-level `_capsule` folder are refused.
/// `progress(done, total)` is called with byte counts as files are written. The package is
/// written next to `out` and renamed into place only when complete.
pub fn pack(
    dir: &Path,
    key: &SecretKey,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<PackSummary> {
    let manifest_path = dir.join(MANIFEST);
    let (manifest_bytes, source, inferred) = if manifest_path.exists() {
        let bytes = fs::read(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
        (bytes, dir.to_owned(), None)
    } else {
        let (manifest, inference) = infer_manifest(dir)?;
        let bytes =
            serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Manifest(e.to_string()))?;
        (bytes, inference.root.clone(), Some(inference))
    };
    let files = list_source_files(&source)?;
    let total: u64 = files.iter().map(|(_, _, size)| size).sum();
    let key_id = key.public_key().key_id();
    let manifest = Manifest::from_json(&manifest_bytes)?;
    if manifest.key_id.as_ref().is_some_and(|id| *id != key_id) {
        return Err(Error::KeyIdMismatch {
            manifest: manifest.key_id,
            signature: key_id,
        });
    }
    let manifest_bytes = with_key_id(&manifest_bytes, &key_id)?;
    let manifest = Manifest::from_json(&manifest_bytes)?;

    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let written = write_package(&files, &manifest_bytes, key, &partial, total, progress)
        .and_then(|()| fs::rename(&partial, out).map_err(|e| Error::io(out, e)));
    if written.is_err() {
        // Best effort: the partial file is garbage either way.
        let _ = fs::remove_file(&partial);
    }
    written?;
    Ok(PackSummary {
        manifest,
        key_id,
        files: files.len() + 1,
        bytes: total + manifest_bytes.len() as u64,
        inferred,
    })
}

/// `manifest.json` bytes with `keyId` set.
fn with_key_id(manifest: &[u8], key_id: &str) -> Result<Vec<u8>> {
    let mut json: serde_json::Value =
        serde_json::from_slice(manifest).map_err(|e| Error::Manifest(e.to_string()))?;
    json["keyId"] = key_id.into();
    let mut bytes = serde_json::to_vec_pretty(&json).map_err(|e| Error::Manifest(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The files below `dir` except `manifest.json`: package path, file path, size; sorted.
fn list_source_files(dir: &Path) -> Result<Vec<(RelativePath, PathBuf, u64)>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).map_err(|e| Error::io(&folder, e))? {
            let entry = entry.map_err(|e| Error::io(&folder, e))?;
            let path = entry.path();
            let relative = path
                .strip_prefix(dir)
                .ok()
                .and_then(Path::to_str)
                .ok_or_else(|| Error::Path {
                    path: path.display().to_string(),
                    reason: "not UTF-8",
                })?
                .replace(std::path::MAIN_SEPARATOR, "/");
            if digest::is_reserved(&relative) {
                return Err(Error::Path {
                    path: relative,
                    reason: "reserved for the package signature",
                });
            }
            let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                if relative != MANIFEST {
                    let size = entry.metadata().map_err(|e| Error::io(&path, e))?.len();
                    files.push((RelativePath::new(&relative)?, path, size));
                }
            } else {
                let kind = if kind.is_symlink() {
                    "symbolic link"
                } else {
                    "special file"
                };
                return Err(Error::NotAFile {
                    entry: relative,
                    kind,
                });
            }
        }
    }
    files.sort();
    Ok(files)
}

fn write_package(
    files: &[(RelativePath, PathBuf, u64)],
    manifest: &[u8],
    key: &SecretKey,
    out: &Path,
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<()> {
    let zip_error = |e: zip::result::ZipError| Error::Archive {
        reason: e.to_string(),
    };
    let write_error = |e: io::Error| Error::io(out, e);
    let file = File::create(out).map_err(write_error)?;
    let mut zip = ZipWriter::new(BufWriter::new(file));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let mut digest = FileDigest::default();
    zip.start_file(MANIFEST, options).map_err(zip_error)?;
    zip.write_all(manifest).map_err(write_error)?;
    digest.insert(RelativePath::new(MANIFEST)?, sha256(manifest));

    let mut done = 0;
    let mut buffer = vec![0; COPY_BUFFER_BYTES];
    for (path, source, size) in files {
        let options = options.large_file(*size >= u64::from(u32::MAX));
        zip.start_file(path.as_str(), options).map_err(zip_error)?;
        let mut input = File::open(source).map_err(|e| Error::io(source, e))?;
        let mut hasher = Sha256::new();
        loop {
            let read = input.read(&mut buffer).map_err(|e| Error::io(source, e))?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            zip.write_all(&buffer[..read]).map_err(write_error)?;
            done += read as u64;
            progress(done, total);
        }
        digest.insert(path.clone(), hasher.finalize().into());
    }
    let text = digest.to_text();
    zip.start_file(DIGEST_ENTRY, options).map_err(zip_error)?;
    zip.write_all(text.as_bytes()).map_err(write_error)?;
    zip.start_file(SIGNATURE_ENTRY, options)
        .map_err(zip_error)?;
    zip.write_all(key.sign(text.as_bytes()).as_bytes())
        .map_err(write_error)?;
    let writer = zip.finish().map_err(zip_error)?;
    let file = writer
        .into_inner()
        .map_err(|e| write_error(e.into_error()))?;
    file.sync_all().map_err(write_error)
}

/// Checks packages against trusted keys, size caps and this runtime's version.
#[derive(Debug, Clone)]
pub struct Verifier {
    trusted: TrustedKeys,
    limits: Limits,
    runtime_version: semver::Version,
}

/// A package whose signature, structure, manifest and every file's hash have been checked.
#[derive(Debug, Clone)]
pub struct VerifiedPackage {
    /// The manifest.
    pub manifest: Manifest,
    /// Id of the key that signed it.
    pub key_id: String,
    /// Every file's SHA-256.
    pub files: FileDigest,
    /// Hex SHA-256 of the signed digest text: identifies the exact package content.
    pub package_digest: String,
    /// Total uncompressed size of the files, in bytes.
    pub bytes: u64,
    /// The signed digest text and the signature entry, kept so the store can re-check them.
    pub(crate) signed: SignedDigest,
}

/// The digest text and its signature entry, as found in a package.
#[derive(Debug, Clone)]
pub(crate) struct SignedDigest {
    pub(crate) digest: Vec<u8>,
    pub(crate) signature: Vec<u8>,
}

impl Verifier {
    /// Accepts packages signed by `trusted`, with the default [`Limits`], for a runtime of
    /// this crate's version.
    pub fn new(trusted: TrustedKeys) -> Self {
        Self {
            trusted,
            limits: Limits::default(),
            runtime_version: semver::Version::parse(env!("CARGO_PKG_VERSION"))
                .expect("the crate version is semver"),
        }
    }

    /// Uses other caps.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Checks `minRuntimeVersion` against `version` instead of this crate's version.
    #[must_use]
    pub fn with_runtime_version(mut self, version: semver::Version) -> Self {
        self.runtime_version = version;
        self
    }

    /// The keys whose signatures it accepts.
    pub fn trusted(&self) -> &TrustedKeys {
        &self.trusted
    }

    /// The runtime version `minRuntimeVersion` is checked against.
    pub fn runtime_version(&self) -> &semver::Version {
        &self.runtime_version
    }

    /// Checks the package at `path` completely (every file is decompressed and hashed).
    pub fn verify(&self, path: &Path) -> Result<VerifiedPackage> {
        self.check(path, None)
    }

    /// Checks the package at `path` and writes its files below `dest` (an empty folder), to
    /// run it without installing it. Reading the files re-checks their hashes. On error
    /// `dest` may hold some files; the caller discards it.
    pub fn unpack(&self, path: &Path, dest: &Path) -> Result<InstalledApp> {
        let verified = self.unpack_verified(path, dest)?;
        Ok(InstalledApp {
            manifest: verified.manifest,
            files: PackageFiles::new(dest.to_path_buf(), verified.files),
        })
    }

    /// [`Verifier::unpack`], returning what was verified; every file is synced to disk.
    pub(crate) fn unpack_verified(&self, path: &Path, dest: &Path) -> Result<VerifiedPackage> {
        self.check(path, Some(dest))
    }

    /// Re-checks a digest and signature stored earlier against the trusted keys.
    pub(crate) fn check_signed(&self, signed: &SignedDigest) -> Result<FileDigest> {
        self.trusted.check(&signed.digest, &signed.signature)?;
        FileDigest::parse(&signed.digest)
    }

    fn check(&self, path: &Path, dest: Option<&Path>) -> Result<VerifiedPackage> {
        let mut archive = Archive::open(path, &self.limits)?;
        let signature = archive.read_small(SIGNATURE_ENTRY, MAX_SIGNATURE_BYTES)?;
        let digest_cap = 32 + MAX_DIGEST_LINE_BYTES * archive.entries.len() as u64;
        let digest_text = archive.read_small(DIGEST_ENTRY, digest_cap)?;
        let key_id = self.trusted.check(&digest_text, &signature)?;
        let files = FileDigest::parse(&digest_text)?;
        archive.check_coverage(&files)?;

        let manifest_path = RelativePath::new(MANIFEST)?;
        let manifest_hash = files
            .get(&manifest_path)
            .ok_or_else(|| Error::MissingEntry {
                entry: MANIFEST.into(),
            })?;
        let manifest_bytes = archive.read_small(MANIFEST, MAX_MANIFEST_BYTES as u64)?;
        if *manifest_hash != sha256(&manifest_bytes) {
            return Err(Error::HashMismatch {
                entry: MANIFEST.into(),
            });
        }
        let manifest = Manifest::from_json(&manifest_bytes)?;
        if manifest.key_id.as_deref() != Some(key_id.as_str()) {
            return Err(Error::KeyIdMismatch {
                manifest: manifest.key_id,
                signature: key_id,
            });
        }
        if let Some(required) = &manifest.min_runtime_version
            && *required > self.runtime_version
        {
            return Err(Error::RuntimeTooOld {
                required: required.clone(),
                runtime: self.runtime_version.clone(),
            });
        }

        let mut bytes = 0;
        for path in files.paths() {
            let expected = files.get(path).expect("path comes from this digest");
            bytes += archive.check_file(path, expected, dest)?;
        }
        if let Some(dest) = dest {
            sync_tree(dest)?;
        }
        Ok(VerifiedPackage {
            manifest,
            key_id,
            files,
            package_digest: hex(&sha256(&digest_text)),
            bytes,
            signed: SignedDigest {
                digest: digest_text,
                signature,
            },
        })
    }
}

/// What [`inspect`] reads from a package without checking its signature.
#[derive(Debug, Clone)]
pub struct PackageInfo {
    /// The manifest (unverified).
    pub manifest: Manifest,
    /// Entries: name, uncompressed size, compressed size.
    pub entries: Vec<(String, u64, u64)>,
}

/// Reads a package's manifest and entry list, checking its structure and caps but not its
/// signature or hashes.
pub fn inspect(path: &Path) -> Result<PackageInfo> {
    let mut archive = Archive::open(path, &Limits::default())?;
    let manifest = Manifest::from_json(&archive.read_small(MANIFEST, MAX_MANIFEST_BYTES as u64)?)?;
    let entries = archive
        .entries
        .iter()
        .map(|(name, entry)| (name.clone(), entry.size, entry.compressed))
        .collect();
    Ok(PackageInfo { manifest, entries })
}

/// An opened archive whose entry list passed the structural checks.
struct Archive {
    zip: ZipArchive<BufReader<File>>,
    entries: BTreeMap<String, EntryHeader>,
}

#[derive(Debug, Clone, Copy)]
struct EntryHeader {
    index: usize,
    size: u64,
    compressed: u64,
}

fn archive_error(e: &zip::result::ZipError) -> Error {
    Error::Archive {
        reason: e.to_string(),
    }
}

impl Archive {
    fn open(path: &Path, limits: &Limits) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut zip = ZipArchive::new(BufReader::new(file)).map_err(|e| archive_error(&e))?;
        if zip.has_duplicate_names() {
            let entry = first_duplicate(path, zip.central_directory_start())
                .unwrap_or_else(|| "<unknown>".into());
            return Err(Error::DuplicateEntry { entry });
        }
        if zip.len() > limits.max_entries {
            return Err(Error::TooManyEntries {
                count: zip.len(),
                limit: limits.max_entries,
            });
        }
        let mut entries = BTreeMap::new();
        let mut total: u64 = 0;
        for index in 0..zip.len() {
            let entry = zip.by_index_raw(index).map_err(|e| archive_error(&e))?;
            let name = std::str::from_utf8(entry.name_raw())
                .map_err(|_| Error::Path {
                    path: String::from_utf8_lossy(entry.name_raw()).into_owned(),
                    reason: "not UTF-8",
                })?
                .to_owned();
            if let Some(kind) = non_file_kind(entry.is_symlink(), entry.is_dir(), entry.unix_mode())
            {
                return Err(Error::NotAFile { entry: name, kind });
            }
            RelativePath::new(&name)?;
            if entry.encrypted() {
                return Err(Error::UnsupportedEntry {
                    entry: name,
                    reason: "encrypted".into(),
                });
            }
            let method = entry.compression();
            if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
                return Err(Error::UnsupportedEntry {
                    entry: name,
                    reason: format!("compression method {method}"),
                });
            }
            let (size, compressed) = (entry.size(), entry.compressed_size());
            if size > limits.max_entry_bytes {
                return Err(Error::EntryTooLarge {
                    entry: name,
                    size,
                    limit: limits.max_entry_bytes,
                });
            }
            total = total.saturating_add(size);
            if total > limits.max_total_bytes {
                return Err(Error::TotalTooLarge {
                    entry: name,
                    size: total,
                    limit: limits.max_total_bytes,
                });
            }
            let ratio = size / compressed.max(1);
            if size >= RATIO_FLOOR_BYTES && ratio > limits.max_ratio {
                return Err(Error::CompressionRatio {
                    entry: name,
                    ratio,
                    limit: limits.max_ratio,
                });
            }
            drop(entry);
            entries.insert(
                name,
                EntryHeader {
                    index,
                    size,
                    compressed,
                },
            );
        }
        if zip
            .has_overlapping_entries()
            .map_err(|e| archive_error(&e))?
        {
            return Err(Error::Archive {
                reason: "entries overlap (a zip bomb technique)".into(),
            });
        }
        Ok(Self { zip, entries })
    }

    /// Every entry but the digest and signature is in `files`, and every file is an entry.
    fn check_coverage(&self, files: &FileDigest) -> Result<()> {
        for name in self.entries.keys() {
            if name == DIGEST_ENTRY || name == SIGNATURE_ENTRY {
                continue;
            }
            let covered = RelativePath::new(name).is_ok_and(|path| files.get(&path).is_some());
            if !covered || digest::is_reserved(name) {
                return Err(Error::NotCovered {
                    entry: name.clone(),
                });
            }
        }
        if let Some(missing) = files
            .paths()
            .find(|path| !self.entries.contains_key(path.as_str()))
        {
            return Err(Error::MissingFile {
                entry: missing.to_string(),
            });
        }
        Ok(())
    }

    /// The whole content of a small entry, refusing more than `cap` bytes.
    fn read_small(&mut self, name: &str, cap: u64) -> Result<Vec<u8>> {
        let header = *self.entries.get(name).ok_or_else(|| Error::MissingEntry {
            entry: name.to_owned(),
        })?;
        if header.size > cap {
            if name == MANIFEST {
                return Err(Error::ManifestTooLarge {
                    size: usize::try_from(header.size).unwrap_or(usize::MAX),
                    limit: MAX_MANIFEST_BYTES,
                });
            }
            return Err(Error::EntryTooLarge {
                entry: name.to_owned(),
                size: header.size,
                limit: cap,
            });
        }
        let mut bytes = Vec::new();
        self.copy_entry(name, header, &mut bytes, |e| Error::Archive {
            reason: format!("entry '{name}': {e}"),
        })?;
        Ok(bytes)
    }

    /// Decompresses file `path`, checks its SHA-256 and writes it below `dest` if given;
    /// returns its size.
    fn check_file(
        &mut self,
        path: &RelativePath,
        expected: &Sha256Hash,
        dest: Option<&Path>,
    ) -> Result<u64> {
        let header = self.entries[path.as_str()];
        let mut hashing = HashingWriter {
            hasher: Sha256::new(),
            inner: match dest {
                Some(dest) => Some(create_file(dest, path)?),
                None => None,
            },
        };
        let target = dest.map(|dest| dest.join(path.as_str()));
        self.copy_entry(path.as_str(), header, &mut hashing, |e| match &target {
            Some(target) => Error::io(target, e),
            None => Error::Archive {
                reason: format!("entry '{path}': {e}"),
            },
        })?;
        if hashing.hasher.finalize().as_slice() != expected {
            return Err(Error::HashMismatch {
                entry: path.to_string(),
            });
        }
        if let (Some(mut file), Some(dest)) = (hashing.inner, dest) {
            // Synced later, all together (see `sync_tree`): one fsync after another while
            // writing would wait for each file's writeback in turn.
            file.flush()
                .map_err(|e| Error::io(&dest.join(path.as_str()), e))?;
        }
        Ok(header.size)
    }

    /// Copies an entry's data to `out`, refusing data longer than its header says. Reading
    /// errors are the archive's; writing errors (a full disk) go through `write_error`.
    fn copy_entry(
        &mut self,
        name: &str,
        header: EntryHeader,
        out: &mut dyn Write,
        write_error: impl Fn(io::Error) -> Error,
    ) -> Result<()> {
        let corrupt = |reason: String| Error::Archive {
            reason: format!("entry '{name}': {reason}"),
        };
        let mut entry = self
            .zip
            .by_index(header.index)
            .map_err(|e| corrupt(e.to_string()))?
            .take(header.size + 1);
        let mut buffer = vec![0u8; COPY_BUFFER_BYTES];
        let mut copied = 0u64;
        loop {
            let read = match entry.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(corrupt(e.to_string())),
            };
            out.write_all(&buffer[..read]).map_err(&write_error)?;
            copied += read as u64;
        }
        if copied != header.size {
            return Err(corrupt(format!(
                "{copied} bytes of data, the header says {}",
                header.size
            )));
        }
        Ok(())
    }
}

/// What an entry is when it is not a regular file, from its zip flags and Unix mode.
fn non_file_kind(symlink: bool, dir: bool, unix_mode: Option<u32>) -> Option<&'static str> {
    let file_type = unix_mode.map(|mode| mode & 0o170_000);
    if symlink || file_type == Some(0o120_000) {
        Some("symbolic link")
    } else if dir || file_type == Some(0o040_000) {
        Some("directory")
    } else if file_type.is_some_and(|t| t != 0 && t != 0o100_000) {
        Some("special file")
    } else {
        None
    }
}

/// The first name that occurs twice in the central directory starting at `start`.
fn first_duplicate(path: &Path, start: u64) -> Option<String> {
    let mut reader = File::open(path).ok()?;
    reader.seek(io::SeekFrom::Start(start)).ok()?;
    let mut directory = Vec::new();
    reader.read_to_end(&mut directory).ok()?;
    let mut seen = HashSet::new();
    let mut at = 0;
    // Central directory records: signature PK\1\2, name length at 28, extra length at 30,
    // comment length at 32, name from 46.
    while directory.get(at..at + 4) == Some(b"PK\x01\x02") {
        let field = |offset: usize| -> Option<usize> {
            let bytes = directory.get(at + offset..at + offset + 2)?;
            Some(usize::from(u16::from_le_bytes([bytes[0], bytes[1]])))
        };
        let (name_len, extra_len, comment_len) = (field(28)?, field(30)?, field(32)?);
        let name = directory.get(at + 46..at + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
}

/// Creates file `path` below `dest`, with its parent folders.
fn create_file(dest: &Path, path: &RelativePath) -> Result<BufWriter<File>> {
    let target = dest.join(path.as_str());
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    File::create(&target)
        .map(|file| BufWriter::with_capacity(COPY_BUFFER_BYTES, file))
        .map_err(|e| Error::io(&target, e))
}

/// Syncs every file and folder below `dir` to disk, so an unpacked version survives a crash.
fn sync_tree(dir: &Path) -> Result<()> {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).map_err(|e| Error::io(&folder, e))? {
            let path = entry.map_err(|e| Error::io(&folder, e))?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                File::open(&path)
                    .and_then(|file| file.sync_all())
                    .map_err(|e| Error::io(&path, e))?;
            }
        }
        sync_dir(&folder)?;
    }
    Ok(())
}

/// Syncs one folder's entry list.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|folder| folder.sync_all())
        .map_err(|e| Error::io(dir, e))
}

/// Hashes what passes through, and writes it on to a file when there is one.
struct HashingWriter {
    hasher: Sha256,
    inner: Option<BufWriter<File>>,
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = match &mut self.inner {
            Some(inner) => inner.write(buf)?,
            None => buf.len(),
        };
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.as_mut().map_or(Ok(()), Write::flush)
    }
}
