//! Builders for packages tests: keys, app folders, and hand-made archives (good or hostile)
//! written entry by entry with the zip crate.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use capsule_packages::{SecretKey, Store, TrustedKeys, Verifier};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

pub const DIGEST: &str = "_capsule/digest";
pub const SIGNATURE: &str = "_capsule/signature";

/// A verifier trusting exactly `keys`.
pub fn verifier(keys: &[&SecretKey]) -> Verifier {
    let mut trusted = TrustedKeys::new();
    for key in keys {
        trusted.add(key.public_key());
    }
    Verifier::new(trusted)
}

pub fn new_key() -> SecretKey {
    SecretKey::generate().expect("random key")
}

/// The manifest of the corpus app, signed-for `key`.
pub fn manifest(key: &SecretKey, version: &str) -> Value {
    json!({
        "appId": "corpus.app", "name": "Corpus", "version": version, "kind": "h5",
        "entry": "index.html", "permissions": {"apis": ["ui"]},
        "keyId": key.public_key().key_id(),
    })
}

/// How an entry is stored in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Deflated,
    Stored,
    Symlink,
    Directory,
    /// A regular-file entry whose Unix mode says FIFO.
    Fifo,
}

/// An archive described entry by entry; `sign` adds the digest and signature the way the
/// format specifies, from this test code's own reading of the format.
#[derive(Debug, Clone, Default)]
pub struct RawPackage {
    pub entries: Vec<(String, Vec<u8>, Kind)>,
}

impl RawPackage {
    /// manifest.json, index.html and js/app.js.
    pub fn app(manifest: &Value) -> Self {
        Self::default()
            .file("manifest.json", manifest.to_string().as_bytes())
            .file(
                "index.html",
                b"<!doctype html><title>corpus</title><h1>corpus</h1>",
            )
            .file("js/app.js", b"console.log('corpus');")
    }

    pub fn file(self, name: &str, data: &[u8]) -> Self {
        self.entry(name, data, Kind::Deflated)
    }

    pub fn entry(mut self, name: &str, data: &[u8], kind: Kind) -> Self {
        self.entries.push((name.to_owned(), data.to_vec(), kind));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.entries.retain(|(n, _, _)| n != name);
        self
    }

    /// Replaces the content of entry `name`.
    pub fn replace(mut self, name: &str, data: &[u8]) -> Self {
        let entry = self
            .entries
            .iter_mut()
            .find(|(n, _, _)| n == name)
            .expect("entry to replace");
        entry.1 = data.to_vec();
        self
    }

    /// The canonical digest text of every entry present now.
    pub fn digest_text(&self) -> String {
        let mut lines = BTreeMap::new();
        for (name, data, _) in &self.entries {
            let hash: String = Sha256::digest(data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            lines.insert(name.clone(), hash);
        }
        let mut text = String::from("capsule-digest-v1\n");
        for (name, hash) in lines {
            writeln!(text, "{hash} {name}").expect("string write");
        }
        text
    }

    /// Adds the digest of the entries present now and `key`'s signature over it.
    pub fn sign(self, key: &SecretKey) -> Self {
        let digest = self.digest_text();
        self.with_digest(&digest, key)
    }

    /// Adds `digest` as the digest entry and `key`'s signature over it.
    pub fn with_digest(self, digest: &str, key: &SecretKey) -> Self {
        let signature = key.sign(digest.as_bytes());
        self.with_signed(digest, &signature)
    }

    /// Adds `digest` and `signature` as they are (stored, so tests can patch their bytes).
    pub fn with_signed(self, digest: &str, signature: &str) -> Self {
        self.entry(DIGEST, digest.as_bytes(), Kind::Stored).entry(
            SIGNATURE,
            signature.as_bytes(),
            Kind::Stored,
        )
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data, kind) in &self.entries {
            let options = SimpleFileOptions::default().unix_permissions(0o644);
            match kind {
                Kind::Deflated | Kind::Stored | Kind::Fifo => {
                    let method = if *kind == Kind::Deflated {
                        CompressionMethod::Deflated
                    } else {
                        CompressionMethod::Stored
                    };
                    let mut options = options.compression_method(method);
                    if *kind == Kind::Fifo {
                        options = options.external_attributes(0o010_644 << 16);
                    }
                    zip.start_file(name.as_str(), options).expect("start file");
                    zip.write_all(data).expect("write");
                }
                Kind::Symlink => zip
                    .add_symlink(name.as_str(), String::from_utf8_lossy(data), options)
                    .expect("symlink"),
                Kind::Directory => zip.add_directory(name.as_str(), options).expect("dir"),
            }
        }
        zip.finish().expect("finish").into_inner()
    }

    pub fn write(&self, path: &Path) -> PathBuf {
        std::fs::write(path, self.to_bytes()).expect("write package");
        path.to_owned()
    }
}

/// Replaces every occurrence of `from` with `to` (same length) in `bytes`.
pub fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len(), "patches keep lengths");
    let mut count = 0;
    let mut at = 0;
    while at + from.len() <= bytes.len() {
        if &bytes[at..at + from.len()] == from {
            bytes[at..at + from.len()].copy_from_slice(to);
            count += 1;
            at += from.len();
        } else {
            at += 1;
        }
    }
    count
}

/// Writes a small H5 app folder for `pack`.
pub fn app_folder(dir: &Path, version: &str, extra: &[(&str, &[u8])]) {
    let manifest = json!({
        "appId": "corpus.app", "name": "Corpus", "version": version, "kind": "h5",
        "entry": "index.html", "permissions": {"apis": ["ui"]},
    });
    std::fs::create_dir_all(dir.join("js")).expect("mkdir");
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(
        dir.join("index.html"),
        format!("<h1>version {version}</h1>"),
    )
    .expect("html");
    std::fs::write(dir.join("js/app.js"), "console.log('app');").expect("js");
    for (name, data) in extra {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, data).expect("extra file");
    }
}

/// What a store holds, for before/after comparisons: the index's view and every file under
/// `apps/` and `staging/` with its content hash.
pub fn snapshot(store: &Store) -> (Vec<String>, Vec<(String, Vec<u8>)>) {
    let versions = store
        .list()
        .expect("list")
        .iter()
        .map(|v| format!("{v:?}"))
        .collect();
    let mut files = Vec::new();
    for top in ["apps", "staging"] {
        let mut pending = vec![store.root().join(top)];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir") {
                let path = entry.expect("entry").path();
                let name = path
                    .strip_prefix(store.root())
                    .expect("below root")
                    .display()
                    .to_string();
                if path.is_dir() {
                    pending.push(path.clone());
                    files.push((name, Vec::new()));
                } else {
                    let data = std::fs::read(&path).expect("read");
                    files.push((name, Sha256::digest(data).to_vec()));
                }
            }
        }
    }
    files.sort();
    (versions, files)
}
