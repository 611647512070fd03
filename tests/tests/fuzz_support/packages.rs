//! What the fuzzers run on a manifest or a package archive. Shared by the stable harness
//! (`fuzz_inputs.rs`) and the cargo-fuzz targets `manifest`, `package` and
//! `package_entries` in `fuzz/`; needs only `capsule-packages` (and zip, sha2, tempfile to
//! build archives). Each returns normally unless something panics or a check fails.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use capsule_packages::{Manifest, SecretKey, TrustedKeys, Verifier, inspect};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The fuzzing publisher key (not a secret: it signs only fuzz inputs), so a signed input
/// found once verifies again in a later run.
const KEY_LINE: &str =
    "capsule-secret-key ed25519 5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

/// The fuzzing key, read from its one-line form.
pub fn key() -> SecretKey {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("fuzz.key");
    std::fs::write(&file, KEY_LINE).expect("writes the key");
    SecretKey::read(&file).expect("the fuzzing key reads")
}

/// A verifier trusting `key` only.
pub fn verifier(key: &SecretKey) -> Verifier {
    let mut trusted = TrustedKeys::new();
    trusted.add(key.public_key());
    Verifier::new(trusted)
}

/// `input` as a `manifest.json`: refused, or read back the same after writing it out.
pub fn exercise_manifest(input: &[u8]) {
    if let Ok(manifest) = Manifest::from_json(input) {
        let written = serde_json::to_vec(&manifest).expect("a manifest serialises");
        let again = Manifest::from_json(&written).expect("a written manifest reads back");
        assert_eq!(
            again,
            manifest,
            "written as {}",
            String::from_utf8_lossy(&written)
        );
    }
}

/// `input` as a `.capsule` file: inspected, verified and unpacked by a verifier that trusts
/// the fuzzing key. Unpacking succeeds exactly when verifying does, and writes only regular
/// files, those of the digest, inside its folder.
pub fn exercise_archive(input: &[u8], key: &SecretKey) {
    let dir = tempfile::tempdir().expect("temp dir");
    let package = dir.path().join("app.capsule");
    std::fs::write(&package, input).expect("writes the package");
    let dest = dir.path().join("out").join("app");
    std::fs::create_dir_all(&dest).expect("creates the target folder");
    let verifier = verifier(key);
    let _ = inspect(&package);
    let verified = verifier.verify(&package);
    let unpacked = verifier.unpack(&package, &dest);
    assert_eq!(
        verified.is_ok(),
        unpacked.is_ok(),
        "verify: {:?}, unpack: {:?}",
        verified.as_ref().err(),
        unpacked.as_ref().err()
    );
    let mut outside = files_below(dir.path());
    outside.retain(|path| !path.starts_with(&dest));
    assert_eq!(
        outside,
        [dir.path().join("app.capsule")],
        "unpacking wrote outside its folder"
    );
    let written = files_below(&dest);
    if let Ok(verified) = verified {
        assert_eq!(
            written.len(),
            verified.files.len(),
            "files unpacked: {written:?}"
        );
    }
}

/// Every file (not folder) below `dir`, symbolic links included and not followed; fails on
/// anything but a regular file or folder.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("reads a folder") {
            let path = entry.expect("a folder entry").path();
            let kind = std::fs::symlink_metadata(&path)
                .expect("an entry's metadata")
                .file_type();
            assert!(kind.is_file() || kind.is_dir(), "{path:?} is a {kind:?}");
            if kind.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `input` as the entries of a package (see [`signed_archive`]), exercised as an archive.
pub fn exercise_entries(input: &[u8], key: &SecretKey) {
    if let Some(archive) = signed_archive(input, key) {
        exercise_archive(&archive, key);
    }
}

/// A package of the entries in `input`, NUL-separated `name`, `content`, `name`, ...,
/// digested and signed with `key` as the format says, so that verification goes past the
/// signature to the names and files. `KEYID` in a content stands for the key's id (a
/// manifest's `keyId` must name the signing key). `None` when the zip writer refuses it.
pub fn signed_archive(input: &[u8], key: &SecretKey) -> Option<Vec<u8>> {
    let key_id = key.public_key().key_id();
    let mut parts = input.split(|&b| b == 0);
    let mut entries = Vec::new();
    while let Some(name) = parts.next() {
        let content = parts.next().unwrap_or_default();
        let content = String::from_utf8_lossy(content).replace("KEYID", &key_id);
        entries.push((String::from_utf8_lossy(name).into_owned(), content));
    }
    let mut hashes = BTreeMap::new();
    for (name, content) in &entries {
        let hash: String = Sha256::digest(content.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        hashes.insert(name.as_bytes(), hash);
    }
    let mut digest = String::from("capsule-digest-v1\n");
    for (name, hash) in hashes {
        digest.push_str(&format!("{hash} {}\n", String::from_utf8_lossy(name)));
    }
    let signature = key.sign(digest.as_bytes());
    entries.push(("_capsule/digest".to_owned(), digest));
    entries.push(("_capsule/signature".to_owned(), signature));
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (index, (name, content)) in entries.iter().enumerate() {
        let method = if index.is_multiple_of(2) {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let options = SimpleFileOptions::default().compression_method(method);
        zip.start_file(name.as_str(), options).ok()?;
        zip.write_all(content.as_bytes()).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

/// A manifest that verifies (with `KEYID` standing for the key's id), first in every seed.
macro_rules! seed {
    ($($rest:literal),*) => {
        concat!(
            "manifest.json\0{\"appId\":\"fuzz.app\",\"name\":\"Fuzz\",\"version\":\"1.0.0\",",
            "\"kind\":\"h5\",\"entry\":\"index.html\",\"keyId\":\"KEYID\"}\0index.html\0<h1>fuzz</h1>"
            $(, "\0", $rest)*
        )
    };
}

/// Entry lists to start from (see [`signed_archive`]): a good app, and names that must be
/// refused.
pub const ENTRY_SEEDS: &[&str] = &[
    seed!("js/app.js", "console.log(1)", "a/b/c/d.txt", ""),
    seed!("../evil", "x"),
    seed!("/etc/passwd", "x", "a/./b", "y", "a\\b", "z"),
    seed!("_capsule/extra", "x", "C:/x", "y", "a//b", "z", "dir/", ""),
];
