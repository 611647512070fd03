use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{ContentSecurityPolicy, Error, RelativePath, Result};

/// Largest `manifest.json` accepted, in bytes.
pub const MAX_MANIFEST_BYTES: usize = 64 << 10;

/// An app's identity and needs, read from the `manifest.json` at the root of its package.
/// Serializes back to the same JSON shape (a logic worker process receives it that way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    /// Unique id; also the host part of the app's `capsule://<appId>/` origin.
    pub app_id: AppId,
    /// Display name.
    pub name: String,
    /// Package version.
    pub version: semver::Version,
    /// Mini-program or offline H5 app.
    pub kind: AppKind,
    /// Mini-program dialect; required for mini-programs.
    #[serde(default)]
    pub dialect: Option<Dialect>,
    /// The page opened first (an HTML file for H5 apps).
    pub entry: RelativePath,
    /// APIs and network domains the app asks for.
    #[serde(default)]
    pub permissions: Permissions,
    /// Oldest runtime that can run the package.
    #[serde(default)]
    pub min_runtime_version: Option<semver::Version>,
    /// Id of the publisher key that signed the package.
    #[serde(default)]
    pub key_id: Option<String>,
    /// An H5 app's own Content-Security-Policy for its pages, instead of the container's
    /// default (e.g. `"default-src 'self'; script-src 'self' 'unsafe-eval'"` for a page that
    /// compiles templates at run time). One policy of CSP Level 3, checked when the manifest
    /// is read (see [`ContentSecurityPolicy::parse`]); the host decides what it may relax.
    /// Mini-programs have none: their pages are the container's page host.
    #[serde(default)]
    pub csp: Option<String>,
}

impl Manifest {
    /// Parses and checks a `manifest.json`.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(Error::ManifestTooLarge {
                size: bytes.len(),
                limit: MAX_MANIFEST_BYTES,
            });
        }
        let manifest: Self =
            serde_json::from_slice(bytes).map_err(|e| Error::Manifest(e.to_string()))?;
        if manifest.kind == AppKind::MiniProgram && manifest.dialect.is_none() {
            return Err(Error::Manifest(
                "a mini-program needs \"dialect\": \"alipay\" or \"wechat\"".into(),
            ));
        }
        if let Some(csp) = &manifest.csp {
            if manifest.kind == AppKind::MiniProgram {
                return Err(Error::Manifest(
                    "csp is for H5 apps: a mini-program's pages are the container's page host, \
                     which runs under the container's own policy"
                        .into(),
                ));
            }
            ContentSecurityPolicy::parse(csp)?;
        }
        Ok(manifest)
    }
}

/// An app id: 1 to 64 lowercase ASCII letters, digits, `.` or `-`, starting with a letter or
/// digit, so that it is usable as the host of a URL unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct AppId(String);

impl AppId {
    /// Checks `id` and wraps it.
    pub fn new(id: &str) -> Result<Self> {
        let valid_char =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
        let starts_well = id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
        if id.len() > 64 || !starts_well || !id.chars().all(valid_char) {
            return Err(Error::Manifest(format!(
                "appId '{id}' must be 1 to 64 lowercase letters, digits, '.' or '-', starting with a letter or digit"
            )));
        }
        Ok(Self(id.to_owned()))
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for AppId {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl TryFrom<String> for AppId {
    type Error = Error;

    fn try_from(id: String) -> Result<Self> {
        Self::new(&id)
    }
}

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RelativePath {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RelativePath {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let path = String::deserialize(deserializer)?;
        Self::new(&path).map_err(serde::de::Error::custom)
    }
}

/// What an app runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppKind {
    /// A mini-program: logic in the JS engine, pages rendered from templates.
    #[serde(rename = "miniprogram")]
    MiniProgram,
    /// An offline H5 app: HTML pages served from the package, calling the JSBridge.
    H5,
}

/// The mini-program dialect: file extensions, directives and the `my`/`wx` API shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// Alipay: `.axml`, `.acss`, `a:` directives, `my.*`.
    Alipay,
    /// WeChat: `.wxml`, `.wxss`, `wx:` directives, `wx.*`.
    Wechat,
}

/// The `permissions` object of a manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Permissions {
    /// API names or permission groups (`ui`, `clipboard`, `system`, ...).
    #[serde(default)]
    pub apis: Vec<String>,
    /// Origins the app may reach over the network, e.g. `https://api.example.com`.
    #[serde(default)]
    pub domains: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"appId": "demo.app", "name": "Demo", "version": "1.2.3", "kind": "h5", "entry": "index.html"}"#;

    #[test]
    fn a_manifest_serializes_back_to_itself() {
        let full = r#"{"appId": "demo.app", "name": "Demo", "version": "1.2.3", "kind": "miniprogram",
            "dialect": "wechat", "entry": "pages/index/index", "keyId": "k1",
            "permissions": {"apis": ["ui"], "domains": ["https://api.example.com"]},
            "minRuntimeVersion": "0.3.0"}"#;
        let with_csp = r#"{"appId": "demo.app", "name": "Demo", "version": "1.2.3", "kind": "h5",
            "entry": "index.html", "csp": "default-src 'self'; script-src 'self' 'unsafe-eval'"}"#;
        for text in [GOOD, full, with_csp] {
            let manifest = Manifest::from_json(text.as_bytes()).expect("valid");
            let again = serde_json::to_vec(&manifest).expect("serializes");
            assert_eq!(Manifest::from_json(&again).expect("reads back"), manifest);
        }
    }

    #[test]
    fn reads_a_minimal_manifest() {
        let manifest = Manifest::from_json(GOOD.as_bytes()).expect("valid");
        assert_eq!(manifest.app_id.as_str(), "demo.app");
        assert_eq!(manifest.version, semver::Version::new(1, 2, 3));
        assert_eq!(manifest.permissions, Permissions::default());
    }

    #[test]
    fn every_bad_manifest_says_what_is_wrong() {
        let with = |key: &str, value: &str| {
            let mut json: serde_json::Value = serde_json::from_str(GOOD).expect("json");
            json[key] = serde_json::from_str(value).expect("value json");
            json.to_string()
        };
        let cases = [
            ("{".to_owned(), "EOF while parsing"),
            (with("appId", r#""Demo""#), "appId 'Demo' must be"),
            (with("appId", r#""""#), "appId '' must be"),
            (
                with("version", r#""1.0""#),
                "unexpected end of input while parsing minor version",
            ),
            (with("kind", r#""applet""#), "unknown variant `applet`"),
            (with("kind", r#""miniprogram""#), "needs \"dialect\""),
            (
                with("entry", r#""../index.html""#),
                "invalid path '../index.html'",
            ),
            (
                with("entry", "5"),
                "invalid type: integer `5`, expected a string",
            ),
            (
                with("permissions", r#"{"apis": "ui"}"#),
                "invalid type: string \"ui\", expected a sequence",
            ),
            (with("colour", r#""red""#), "unknown field `colour`"),
            (
                with("csp", "5"),
                "invalid type: integer `5`, expected a string",
            ),
            (with("csp", r#""""#), "csp: the policy is empty"),
            (
                with("csp", r#""default-src 'self'; scirpt-src 'self'""#),
                "csp: scirpt-src is not a CSP Level 3 directive (did you mean script-src?)",
            ),
            (
                with("csp", r#""script-src 'self'; script-src 'unsafe-eval'""#),
                "csp: script-src is given twice",
            ),
            (
                with("csp", r#""script-src 'self' 'unsafe-everything'""#),
                "csp: script-src: 'unsafe-everything' is not a CSP keyword",
            ),
            (
                with("csp", r#""script-src 'self'\r\nX-Injected: 1""#),
                "csp: control character U+000D",
            ),
            (
                with("csp", r#""script-src 'self', script-src 'unsafe-eval'""#),
                "csp: a comma separates policies",
            ),
        ];
        for (json, expected) in cases {
            let error = Manifest::from_json(json.as_bytes())
                .expect_err(&json)
                .to_string();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }

    #[test]
    fn a_mini_program_has_no_csp() {
        let manifest = r#"{"appId": "mp", "name": "Mp", "version": "1.0.0", "kind": "miniprogram",
            "dialect": "alipay", "entry": "app.json", "csp": "script-src 'self'"}"#;
        let error = Manifest::from_json(manifest.as_bytes())
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains(
                "csp is for H5 apps: a mini-program's pages are the container's page host"
            ),
            "{error}"
        );
    }

    #[test]
    fn oversized_manifest_is_refused_before_parsing() {
        let big = vec![b' '; MAX_MANIFEST_BYTES + 1];
        assert!(matches!(
            Manifest::from_json(&big),
            Err(Error::ManifestTooLarge { .. })
        ));
    }
}
