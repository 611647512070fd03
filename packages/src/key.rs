//! Publisher keys: Ed25519 key pairs, their one-line text forms and key ids.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

const SECRET_PREFIX: &str = "capsule-secret-key ed25519 ";
const PUBLIC_PREFIX: &str = "capsule-public-key ed25519 ";
const SIGNATURE_PREFIX: &str = "ed25519 ";

/// A publisher's signing key. Its file holds one line and is created readable by its owner
/// only.
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A new random key from the operating system's random source.
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Key {
            path: "<random source>".into(),
            reason: e.to_string(),
        })?;
        Ok(Self(SigningKey::from_bytes(&bytes)))
    }

    /// Writes the key to a new file `path` with permissions 0600; never overwrites a file.
    pub fn write_new(&self, path: &Path) -> Result<()> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let line = format!("{SECRET_PREFIX}{}\n", hex(&self.0.to_bytes()));
        options
            .open(path)
            .and_then(|mut file| {
                file.write_all(line.as_bytes())?;
                file.sync_all()
            })
            .map_err(|source| Error::io(path, source))
    }

    /// Reads a key file written by [`SecretKey::write_new`].
    pub fn read(path: &Path) -> Result<Self> {
        let text = fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        let bytes = text
            .trim_end()
            .strip_prefix(SECRET_PREFIX)
            .and_then(unhex::<32>)
            .ok_or_else(|| Error::Key {
                path: path.display().to_string(),
                reason: "not a capsule secret key file".into(),
            })?;
        Ok(Self(SigningKey::from_bytes(&bytes)))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs the bytes of a package digest; returns the text of the signature entry.
    pub fn sign(&self, digest: &[u8]) -> String {
        let signature = self.0.sign(digest);
        format!(
            "{SIGNATURE_PREFIX}{} {}\n",
            self.public_key().key_id(),
            hex(&signature.to_bytes())
        )
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SecretKey")
            .field(&self.public_key().key_id())
            .finish()
    }
}

/// A publisher's public key, written as one line:
/// `capsule-public-key ed25519 <64 hex digits>`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses the one-line form (surrounding whitespace is ignored).
    pub fn from_line(line: &str) -> Option<Self> {
        let bytes = line
            .trim()
            .strip_prefix(PUBLIC_PREFIX)
            .and_then(unhex::<32>)?;
        VerifyingKey::from_bytes(&bytes).ok().map(Self)
    }

    /// Reads a public key file: its one line.
    pub fn read(path: &Path) -> Result<Self> {
        let text = fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        Self::from_line(&text).ok_or_else(|| Error::Key {
            path: path.display().to_string(),
            reason: "not a capsule public key (capsule-public-key ed25519 <hex>)".into(),
        })
    }

    /// The one-line form.
    pub fn to_line(&self) -> String {
        format!("{PUBLIC_PREFIX}{}", hex(self.0.as_bytes()))
    }

    /// The key id: the first 16 hex digits of the SHA-256 of the key bytes.
    pub fn key_id(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes())[..8])
    }

    /// Whether `signature` (the text of a signature entry) signs `digest` with this key.
    fn verifies(&self, digest: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify_strict(digest, &Signature::from_bytes(signature))
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_line())
    }
}

/// The keys whose signatures a host accepts.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys(Vec<PublicKey>);

impl TrustedKeys {
    /// No trusted key yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts `key` too.
    pub fn add(&mut self, key: PublicKey) {
        if !self.0.contains(&key) {
            self.0.push(key);
        }
    }

    /// Trusts every `*.pub` file in `dir`; a missing folder adds nothing.
    pub fn add_dir(&mut self, dir: &Path) -> Result<()> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => return Err(Error::io(dir, source)),
        };
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.map_err(|source| Error::io(dir, source))?.path();
            if path.extension().is_some_and(|ext| ext == "pub") {
                paths.push(path);
            }
        }
        paths.sort();
        for path in paths {
            self.add(PublicKey::read(&path)?);
        }
        Ok(())
    }

    /// The trusted keys.
    pub fn iter(&self) -> impl Iterator<Item = PublicKey> + '_ {
        self.0.iter().copied()
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks the text of a signature entry over `digest`; returns the signer's key id.
    pub(crate) fn check(&self, digest: &[u8], signature_entry: &[u8]) -> Result<String> {
        let malformed = |reason: &str| Error::MalformedSignature {
            reason: reason.to_owned(),
        };
        let text = std::str::from_utf8(signature_entry).map_err(|_| malformed("not UTF-8"))?;
        let (key_id, signature) = text
            .strip_suffix('\n')
            .and_then(|line| line.strip_prefix(SIGNATURE_PREFIX))
            .and_then(|rest| rest.split_once(' '))
            .ok_or_else(|| malformed("expected one line 'ed25519 <key id> <signature>'"))?;
        let signature = unhex::<64>(signature).ok_or_else(|| malformed("bad signature hex"))?;
        let key = self
            .0
            .iter()
            .find(|key| key.key_id() == key_id)
            .ok_or_else(|| Error::UnknownKey {
                key_id: key_id.to_owned(),
            })?;
        if !key.verifies(digest, &signature) {
            return Err(Error::BadSignature {
                key_id: key_id.to_owned(),
            });
        }
        Ok(key_id.to_owned())
    }
}

/// Lowercase hex digits of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Exactly `N` bytes from `2N` lowercase hex digits.
pub(crate) fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let value = |d: u8| match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = value(pair[0])? << 4 | value(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_line_round_trips_and_rejects_garbage() {
        let key = SecretKey::generate().expect("key").public_key();
        let line = key.to_line();
        assert!(!line.contains('\n'));
        assert_eq!(PublicKey::from_line(&format!("  {line}\n")), Some(key));
        assert_eq!(key.key_id().len(), 16);
        for bad in [
            "",
            "capsule-public-key ed25519 00",
            &line.replace("ed25519", "rsa"),
        ] {
            assert_eq!(PublicKey::from_line(bad), None, "{bad}");
        }
    }

    #[test]
    fn secret_key_file_is_private_and_never_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("publisher.key");
        let key = SecretKey::generate().expect("key");
        key.write_new(&path).expect("written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let read = SecretKey::read(&path).expect("read back");
        assert_eq!(read.public_key(), key.public_key());
        assert!(matches!(key.write_new(&path), Err(Error::Io { .. })));
    }

    #[test]
    fn signatures_check_against_the_right_key_only() {
        let signer = SecretKey::generate().expect("key");
        let other = SecretKey::generate().expect("key");
        let signature = signer.sign(b"digest");
        let mut trusted = TrustedKeys::new();
        trusted.add(other.public_key());
        assert!(matches!(
            trusted.check(b"digest", signature.as_bytes()),
            Err(Error::UnknownKey { .. })
        ));
        trusted.add(signer.public_key());
        assert_eq!(
            trusted
                .check(b"digest", signature.as_bytes())
                .expect("valid"),
            signer.public_key().key_id()
        );
        assert!(matches!(
            trusted.check(b"digest!", signature.as_bytes()),
            Err(Error::BadSignature { .. })
        ));
    }
}
