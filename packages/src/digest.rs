//! The canonical digest of a package: every file's path and SHA-256, the bytes a signature
//! signs.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::key::{hex, unhex};
use crate::{Error, RelativePath, Result};

/// Archive entry holding the digest text.
pub(crate) const DIGEST_ENTRY: &str = "_capsule/digest";
/// Archive entry holding the detached signature over the digest text.
pub(crate) const SIGNATURE_ENTRY: &str = "_capsule/signature";
/// Folder of the archive reserved for the two entries above.
pub(crate) const RESERVED_DIR: &str = "_capsule";
const HEADER: &str = "capsule-digest-v1";

/// A SHA-256 value.
pub(crate) type Sha256Hash = [u8; 32];

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> Sha256Hash {
    Sha256::digest(bytes).into()
}

/// The SHA-256 of every file of a package (including `manifest.json`), by path.
///
/// Its text form, which signatures sign, is the line `capsule-digest-v1` followed by one line
/// `<64 hex digits> <path>` per file, sorted by the path's bytes, each ending in `\n`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDigest(BTreeMap<RelativePath, Sha256Hash>);

impl FileDigest {
    /// Records `path` with `hash`; false when the path was already there.
    pub(crate) fn insert(&mut self, path: RelativePath, hash: Sha256Hash) -> bool {
        self.0.insert(path, hash).is_none()
    }

    /// The SHA-256 recorded for `path`.
    pub(crate) fn get(&self, path: &RelativePath) -> Option<&Sha256Hash> {
        self.0.get(path)
    }

    /// The paths, in canonical order.
    pub fn paths(&self) -> impl Iterator<Item = &RelativePath> {
        self.0.keys()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no file.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The canonical text form.
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\n");
        for (path, hash) in &self.0 {
            text.push_str(&hex(hash));
            text.push(' ');
            text.push_str(path.as_str());
            text.push('\n');
        }
        text
    }

    /// Parses the canonical text form; anything not exactly canonical is refused.
    pub fn parse(text: &[u8]) -> Result<Self> {
        let malformed = |line: usize, reason: &str| Error::MalformedDigest {
            line,
            reason: reason.to_owned(),
        };
        let text = std::str::from_utf8(text).map_err(|_| malformed(1, "not UTF-8"))?;
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| malformed(1, "does not end with a newline"))?;
        let mut lines = body.split('\n');
        if lines.next() != Some(HEADER) {
            return Err(malformed(1, "first line is not capsule-digest-v1"));
        }
        let mut digest = Self::default();
        let mut previous: Option<RelativePath> = None;
        for (index, line) in lines.enumerate() {
            let number = index + 2;
            let (hash, path) = line
                .split_once(' ')
                .ok_or_else(|| malformed(number, "expected '<sha256> <path>'"))?;
            let hash = unhex::<32>(hash)
                .ok_or_else(|| malformed(number, "hash is not 64 lowercase hex digits"))?;
            let path = RelativePath::new(path)?;
            if previous.as_ref().is_some_and(|p| *p >= path) {
                return Err(malformed(
                    number,
                    &format!("'{path}' is repeated or out of order"),
                ));
            }
            previous = Some(path.clone());
            digest.insert(path, hash);
        }
        Ok(digest)
    }
}

/// Whether `path` lies in the folder reserved for the digest and signature.
pub(crate) fn is_reserved(path: &str) -> bool {
    path.split('/').next() == Some(RESERVED_DIR)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> RelativePath {
        RelativePath::new(p).expect("valid path")
    }

    #[test]
    fn text_form_is_sorted_and_round_trips() {
        let mut digest = FileDigest::default();
        digest.insert(path("b.js"), sha256(b"b"));
        digest.insert(path("a/z.js"), sha256(b"z"));
        digest.insert(path("manifest.json"), sha256(b"{}"));
        let text = digest.to_text();
        let paths: Vec<_> = text.lines().skip(1).map(|l| &l[65..]).collect();
        assert_eq!(paths, ["a/z.js", "b.js", "manifest.json"]);
        assert_eq!(FileDigest::parse(text.as_bytes()).expect("parses"), digest);
    }

    #[test]
    fn non_canonical_text_is_refused_with_its_line() {
        let h = hex(&sha256(b"x"));
        let cases = [
            (format!("capsule-digest-v2\n{h} a\n"), 1),
            (format!("capsule-digest-v1\n{h} a"), 1),
            (format!("capsule-digest-v1\n{h} b\n{h} a\n"), 3),
            (format!("capsule-digest-v1\n{h} a\n{h} a\n"), 3),
            (format!("capsule-digest-v1\n{}  a\n", &h[..63]), 2),
            (format!("capsule-digest-v1\n{}\n", h.to_uppercase()), 2),
        ];
        for (text, line) in cases {
            match FileDigest::parse(text.as_bytes()) {
                Err(Error::MalformedDigest { line: found, .. }) => {
                    assert_eq!(found, line, "{text}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        let traversal = format!("capsule-digest-v1\n{h} ../a\n");
        assert!(matches!(
            FileDigest::parse(traversal.as_bytes()),
            Err(Error::Path { .. })
        ));
    }
}
