//! The update channel: a folder of static files that any web server, CDN or bucket serves.
//!
//! ```text
//! apps/<appId>/index.json                    the app's signed index (short cache)
//! apps/<appId>/packages/<sha256>.capsule     its packages, named by content (cache forever)
//! ```
//!
//! An index ([`ChannelIndex`]) lists the app's releases and the rollout of each. It is signed
//! with a publisher key, as packages are, and carries a sequence number and an expiry: a
//! client keeps the highest sequence it has seen per app and refuses an older or expired
//! index, so an attacker (or a stale cache) can neither replay an old index nor freeze a
//! client on one. The file is `{"signed": <index>, "signature": "ed25519 <keyId> <hex>"}`;
//! the signature covers [`SIGNING_CONTEXT`] followed by the canonical JSON of `signed`
//! (object keys sorted by their bytes, no whitespace, integers only).

mod publisher;
mod rollout;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::key::hex;
use crate::{AppId, Error, Result, SecretKey, TrustedKeys};

pub use publisher::{Publisher, RolloutChange};
pub use rollout::{Audience, BASIS_POINTS, Plan, Rollout, Stage, bucket, user_hash};

/// The `format` of every index this runtime reads and writes.
pub const INDEX_FORMAT: &str = "capsule-channel-index/1";
/// What an index signature signs ahead of the index's canonical JSON, so that a signature
/// over an index can never pass for one over a package digest.
pub const SIGNING_CONTEXT: &[u8] = b"capsule-channel-index-v1\n";
/// Largest index accepted, in bytes.
pub const MAX_INDEX_BYTES: usize = 1 << 20;

/// Where an app's index lives in a channel, relative to the channel's root.
pub fn index_path(app_id: &AppId) -> String {
    format!("apps/{app_id}/index.json")
}

/// The signed content of an app's `index.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelIndex {
    /// Always [`INDEX_FORMAT`].
    pub format: String,
    /// The app.
    pub app_id: AppId,
    /// Grows by one with every rewrite of the index.
    pub sequence: u64,
    /// Seconds since the Unix epoch after which clients refuse the index.
    pub expires: u64,
    /// Every release, oldest first.
    pub releases: Vec<Release>,
}

/// One published version of the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Release {
    /// The package's version.
    pub version: semver::Version,
    /// The package, relative to the index's folder: `packages/<sha256>.capsule`.
    pub package: String,
    /// The package file's size in bytes.
    pub size: u64,
    /// Hex SHA-256 of the package file.
    pub sha256: String,
    /// Oldest runtime that can run it (the manifest's `minRuntimeVersion`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_runtime_version: Option<semver::Version>,
    /// When it was published, in seconds since the Unix epoch.
    pub published_at: u64,
    /// Who gets it.
    pub rollout: Rollout,
}

impl Release {
    /// The content-addressed package path for a package whose SHA-256 is `sha256`.
    pub fn package_path(sha256: &str) -> String {
        format!("packages/{sha256}.capsule")
    }
}

/// An index whose signature was checked by a trusted key.
#[derive(Debug, Clone)]
pub struct VerifiedIndex {
    /// The index.
    pub index: ChannelIndex,
    /// Id of the key that signed it.
    pub key_id: String,
}

impl VerifiedIndex {
    /// Refuses the index once `now` (seconds since the Unix epoch) has reached its expiry.
    pub fn ensure_fresh(&self, now: u64) -> Result<()> {
        if now >= self.index.expires {
            return Err(Error::IndexExpired {
                app_id: self.index.app_id.to_string(),
                expired_at: self.index.expires,
            });
        }
        Ok(())
    }
}

/// The file form of an index: the index and its signature.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedFile {
    signed: Value,
    signature: String,
}

impl ChannelIndex {
    /// An empty index for `app_id`, before its first release.
    pub fn new(app_id: AppId) -> Self {
        Self {
            format: INDEX_FORMAT.to_owned(),
            app_id,
            sequence: 0,
            expires: 0,
            releases: Vec::new(),
        }
    }

    /// The index file's bytes, signed with `key`.
    pub fn sign(&self, key: &SecretKey) -> Result<Vec<u8>> {
        self.check()?;
        let signed = serde_json::to_value(self).map_err(|e| Error::ChannelIndex(e.to_string()))?;
        let mut message = SIGNING_CONTEXT.to_vec();
        message.extend_from_slice(canonical_json(&signed)?.as_bytes());
        let signature = key.sign(&message).trim_end().to_owned();
        let mut bytes = serde_json::to_vec_pretty(&SignedFile { signed, signature })
            .map_err(|e| Error::ChannelIndex(e.to_string()))?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Parses an index file and checks its signature against `trusted` and its structure.
    /// Expiry and replay are the caller's to check (see [`VerifiedIndex::ensure_fresh`]).
    pub fn verify(bytes: &[u8], trusted: &TrustedKeys) -> Result<VerifiedIndex> {
        if bytes.len() > MAX_INDEX_BYTES {
            return Err(Error::ChannelIndex(format!(
                "the index is {} bytes, the limit is {MAX_INDEX_BYTES}",
                bytes.len()
            )));
        }
        let file: SignedFile = serde_json::from_slice(bytes)
            .map_err(|e| Error::ChannelIndex(format!("not a signed index: {e}")))?;
        let mut message = SIGNING_CONTEXT.to_vec();
        message.extend_from_slice(canonical_json(&file.signed)?.as_bytes());
        let key_id = trusted.check(&message, format!("{}\n", file.signature).as_bytes())?;
        let index: Self =
            serde_json::from_value(file.signed).map_err(|e| Error::ChannelIndex(e.to_string()))?;
        index.check()?;
        Ok(VerifiedIndex { index, key_id })
    }

    /// The release of `version`, if published.
    pub fn release(&self, version: &semver::Version) -> Option<&Release> {
        self.releases.iter().find(|r| &r.version == version)
    }

    /// The newest release, if any.
    pub fn newest(&self) -> Option<&Release> {
        self.releases
            .iter()
            .max_by(|a, b| a.version.cmp(&b.version))
    }

    /// What a client of `audience` running `installed` (none: not installed) should do, on a
    /// runtime of version `runtime`: the newest release the audience is admitted to, that is
    /// neither paused nor revoked and that the runtime can run, when it is newer; a release
    /// or the previous installed version when the installed one was revoked.
    pub fn plan(
        &self,
        audience: &Audience,
        runtime: &semver::Version,
        installed: Option<&semver::Version>,
    ) -> Plan {
        let target = self
            .releases
            .iter()
            .filter(|r| !r.rollout.paused && !r.rollout.revoked)
            .filter(|r| {
                r.min_runtime_version
                    .as_ref()
                    .is_none_or(|min| min <= runtime)
            })
            .filter(|r| r.rollout.admits(&self.app_id, audience))
            .max_by(|a, b| a.version.cmp(&b.version));
        let Some(installed) = installed else {
            return target.map_or(Plan::NoRelease, |r| Plan::Install(r.clone()));
        };
        let revoked = self
            .release(installed)
            .is_some_and(|release| release.rollout.revoked);
        match target {
            Some(release) if release.version > *installed => Plan::Install(release.clone()),
            Some(release) if revoked => Plan::Revert(release.clone()),
            None if revoked => Plan::RollBack,
            _ => Plan::UpToDate,
        }
    }

    /// Checks what the types cannot: the format, content-addressed package paths, hex
    /// hashes, one release per version, rollouts within bounds.
    fn check(&self) -> Result<()> {
        let bad = |what: String| Err(Error::ChannelIndex(what));
        if self.format != INDEX_FORMAT {
            return bad(format!(
                "format is '{}', this runtime reads '{INDEX_FORMAT}'",
                self.format
            ));
        }
        for (i, release) in self.releases.iter().enumerate() {
            let version = &release.version;
            if !is_sha256_hex(&release.sha256) {
                return bad(format!("release {version}: sha256 is not 64 hex digits"));
            }
            if release.package != Release::package_path(&release.sha256) {
                return bad(format!(
                    "release {version}: package must be '{}'",
                    Release::package_path(&release.sha256)
                ));
            }
            if self.releases[..i].iter().any(|r| &r.version == version) {
                return bad(format!("release {version} is listed twice"));
            }
            release
                .rollout
                .check()
                .map_err(|why| Error::ChannelIndex(format!("release {version}: {why}")))?;
        }
        Ok(())
    }
}

/// Whether `text` is a SHA-256 in lowercase hex.
pub(crate) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&crate::digest::sha256(bytes))
}

/// The canonical JSON text of `value`: object keys sorted by their bytes, no whitespace,
/// strings escaped as serde_json escapes them. Fractional numbers are refused: they have
/// more than one spelling.
fn canonical_json(value: &Value) -> Result<String> {
    let mut out = String::new();
    write_canonical(value, &mut out)?;
    Ok(out)
}

fn write_canonical(value: &Value, out: &mut String) -> Result<()> {
    match value {
        Value::Number(number) if number.is_f64() => {
            return Err(Error::ChannelIndex(format!(
                "{number}: an index holds integers only"
            )));
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write_canonical(item, out)?;
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    fn trusted(key: &SecretKey) -> TrustedKeys {
        let mut keys = TrustedKeys::new();
        keys.add(key.public_key());
        keys
    }

    /// A release of `version` (its package hash made up from the version).
    pub(crate) fn test_release(version: &str, rollout: Rollout) -> Release {
        let sha256 = sha256_hex(version.as_bytes());
        Release {
            version: version.parse().expect("version"),
            package: Release::package_path(&sha256),
            size: 10,
            sha256,
            min_runtime_version: None,
            published_at: 1,
            rollout,
        }
    }

    fn index(releases: Vec<Release>) -> ChannelIndex {
        ChannelIndex {
            sequence: 3,
            expires: 2_000_000_000,
            releases,
            ..ChannelIndex::new(AppId::new("demo").expect("id"))
        }
    }

    #[test]
    fn canonical_json_sorts_keys_and_refuses_fractions() {
        let value = json!({"b": [1, {"z": null, "a": "\u{e9}\n"}], "a": true});
        assert_eq!(
            canonical_json(&value).expect("canonical"),
            r#"{"a":true,"b":[1,{"a":"é\n","z":null}]}"#
        );
        assert!(canonical_json(&json!({"a": 1.5})).is_err());
    }

    #[test]
    fn a_signed_index_verifies_and_any_change_breaks_it() {
        let key = SecretKey::generate().expect("key");
        let original = index(vec![test_release("1.0.0", Rollout::full())]);
        let bytes = original.sign(&key).expect("signed");
        let verified = ChannelIndex::verify(&bytes, &trusted(&key)).expect("verifies");
        assert_eq!(verified.index, original);
        assert_eq!(verified.key_id, key.public_key().key_id());

        // Reformatting is fine: the signature covers the canonical form.
        let value: Value = serde_json::from_slice(&bytes).expect("json");
        let compact = serde_json::to_vec(&value).expect("compact");
        ChannelIndex::verify(&compact, &trusted(&key)).expect("reformatted still verifies");

        let mut changed = value.clone();
        changed["signed"]["sequence"] = json!(4);
        let changed = serde_json::to_vec(&changed).expect("json");
        assert!(matches!(
            ChannelIndex::verify(&changed, &trusted(&key)),
            Err(Error::BadSignature { .. })
        ));
        let other = SecretKey::generate().expect("key");
        assert!(matches!(
            ChannelIndex::verify(&bytes, &trusted(&other)),
            Err(Error::UnknownKey { .. })
        ));
    }

    #[test]
    fn a_package_signature_does_not_pass_for_an_index_signature() {
        let key = SecretKey::generate().expect("key");
        let signed = serde_json::to_value(index(vec![])).expect("value");
        let without_context = key.sign(canonical_json(&signed).expect("json").as_bytes());
        let file = json!({"signed": signed, "signature": without_context.trim_end()});
        let bytes = serde_json::to_vec(&file).expect("json");
        assert!(matches!(
            ChannelIndex::verify(&bytes, &trusted(&key)),
            Err(Error::BadSignature { .. })
        ));
    }

    #[test]
    fn malformed_indexes_are_refused_with_the_reason() {
        let key = SecretKey::generate().expect("key");
        let mut wrong_path = test_release("1.0.0", Rollout::full());
        wrong_path.package = "../../etc/passwd".into();
        let mut too_many_points = Rollout::full();
        too_many_points.stage = Stage::Percentage;
        too_many_points.basis_points = 10_001;
        let cases = [
            (
                index(vec![test_release("1.0.0", Rollout::full()); 2]),
                "listed twice",
            ),
            (index(vec![wrong_path]), "package must be"),
            (
                index(vec![test_release("1.0.0", too_many_points)]),
                "basis points",
            ),
            (
                ChannelIndex {
                    format: "v0".into(),
                    ..index(vec![])
                },
                "format",
            ),
        ];
        for (bad, reason) in cases {
            let error = bad.sign(&key).expect_err("refused when signing");
            assert!(error.to_string().contains(reason), "{error}");
        }
        for garbage in [
            &b"{}"[..],
            b"not json",
            b"{\"signed\": {}, \"signature\": \"x\"}",
        ] {
            assert!(ChannelIndex::verify(garbage, &trusted(&key)).is_err());
        }
    }

    #[test]
    fn an_index_expires() {
        let key = SecretKey::generate().expect("key");
        let bytes = index(vec![]).sign(&key).expect("signed");
        let verified = ChannelIndex::verify(&bytes, &trusted(&key)).expect("verifies");
        verified.ensure_fresh(1_999_999_999).expect("fresh");
        assert!(matches!(
            verified.ensure_fresh(2_000_000_000),
            Err(Error::IndexExpired { .. })
        ));
    }
}
