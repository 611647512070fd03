//! Every kind of bad package is refused with its own error, and the store is unchanged after
//! each attempt.

mod packages_support;

use std::path::PathBuf;

use capsule_packages::{AppId, Error, InstallOptions, Limits, SecretKey, Store, Verifier};
use packages_support::{DIGEST, Kind, RawPackage, SIGNATURE, manifest, new_key, patch, verifier};
use serde_json::json;

type Check = fn(&Error) -> bool;

/// One hostile or unacceptable package and the error it must produce.
struct Case {
    name: &'static str,
    package: PathBuf,
    options: InstallOptions,
    verifier: Option<Verifier>,
    expected: Check,
}

struct Corpus {
    dir: tempfile::TempDir,
    key: SecretKey,
    stranger: SecretKey,
    cases: Vec<Case>,
}

impl Corpus {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.capsule"))
    }

    fn add(&mut self, name: &'static str, raw: &RawPackage, expected: Check) {
        let package = raw.write(&self.path(name));
        self.add_file(name, package, expected);
    }

    fn add_bytes(&mut self, name: &'static str, bytes: &[u8], expected: Check) {
        let package = self.path(name);
        std::fs::write(&package, bytes).expect("write");
        self.add_file(name, package, expected);
    }

    fn add_file(&mut self, name: &'static str, package: PathBuf, expected: Check) {
        self.cases.push(Case {
            name,
            package,
            options: InstallOptions::default(),
            verifier: None,
            expected,
        });
    }

    /// The good v2 package, before signing.
    fn v2(&self) -> RawPackage {
        RawPackage::app(&manifest(&self.key, "2.0.0"))
    }
}

fn build_corpus() -> Corpus {
    let mut c = Corpus {
        dir: tempfile::tempdir().expect("tempdir"),
        key: new_key(),
        stranger: new_key(),
        cases: Vec::new(),
    };
    let key_id = c.key.public_key().key_id();

    // Signatures and keys.
    let raw = RawPackage::app(&manifest(&c.stranger, "2.0.0")).sign(&c.stranger);
    c.add(
        "unknown key",
        &raw,
        |e| matches!(e, Error::UnknownKey { key_id } if key_id.len() == 16),
    );
    let stranger_id = c.stranger.public_key().key_id();
    let digest = c.v2().digest_text();
    let forged = c
        .stranger
        .sign(digest.as_bytes())
        .replace(&stranger_id, &key_id);
    c.add(
        "signature claims a trusted key id",
        &c.v2().with_signed(&digest, &forged),
        |e| matches!(e, Error::BadSignature { .. }),
    );
    let raw = RawPackage::app(&manifest(&c.stranger, "2.0.0")).sign(&c.key);
    c.add("manifest keyId of another key", &raw, |e| {
        matches!(
            e,
            Error::KeyIdMismatch {
                manifest: Some(_),
                ..
            }
        )
    });
    let mut no_key_id = manifest(&c.key, "2.0.0");
    no_key_id.as_object_mut().expect("object").remove("keyId");
    c.add(
        "manifest without keyId",
        &RawPackage::app(&no_key_id).sign(&c.key),
        |e| matches!(e, Error::KeyIdMismatch { manifest: None, .. }),
    );
    let signature = c.key.sign(c.v2().digest_text().as_bytes());
    let grown = c.v2().file("extra.js", b"alert(1)");
    let raw = grown.clone().with_signed(&grown.digest_text(), &signature);
    c.add("digest changed after signing", &raw, |e| {
        matches!(e, Error::BadSignature { .. })
    });
    let raw = c
        .v2()
        .with_signed(&c.v2().digest_text(), "ed25519 not-a-signature\n");
    c.add("malformed signature entry", &raw, |e| {
        matches!(e, Error::MalformedSignature { .. })
    });
    let raw = c.v2().file(DIGEST, c.v2().digest_text().as_bytes());
    c.add(
        "no signature entry",
        &raw,
        |e| matches!(e, Error::MissingEntry { entry } if entry == SIGNATURE),
    );
    let raw = c.v2().sign(&c.key).without(DIGEST);
    c.add(
        "no digest entry",
        &raw,
        |e| matches!(e, Error::MissingEntry { entry } if entry == DIGEST),
    );
    let unsorted = {
        let text = c.v2().digest_text();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        format!("{}\n", lines.join("\n"))
    };
    c.add(
        "digest out of order",
        &c.v2().with_digest(&unsorted, &c.key),
        |e| matches!(e, Error::MalformedDigest { line: 3, .. }),
    );

    // Coverage and content.
    let raw = c.v2().sign(&c.key).file("extra.js", b"alert(1)");
    c.add(
        "file not covered by the digest",
        &raw,
        |e| matches!(e, Error::NotCovered { entry } if entry == "extra.js"),
    );
    let raw = c.v2().sign(&c.key).file("_capsule/extra", b"x");
    c.add(
        "extra entry in the reserved folder",
        &raw,
        |e| matches!(e, Error::NotCovered { entry } if entry == "_capsule/extra"),
    );
    let raw = c.v2().sign(&c.key).without("js/app.js");
    c.add(
        "digest entry with no file",
        &raw,
        |e| matches!(e, Error::MissingFile { entry } if entry == "js/app.js"),
    );
    let raw = c.v2().sign(&c.key).replace("js/app.js", b"steal()");
    c.add(
        "file content not matching its hash",
        &raw,
        |e| matches!(e, Error::HashMismatch { entry } if entry == "js/app.js"),
    );
    let raw = c.v2().without("manifest.json").sign(&c.key);
    c.add(
        "no manifest.json",
        &raw,
        |e| matches!(e, Error::MissingEntry { entry } if entry == "manifest.json"),
    );
    let raw = c
        .v2()
        .entry("data.bin", b"CORRUPT-ME-PLEASE", Kind::Stored)
        .sign(&c.key);
    let mut bytes = raw.to_bytes();
    assert_eq!(patch(&mut bytes, b"CORRUPT-ME", b"CORRUPTED!"), 1);
    c.add_bytes(
        "entry data corrupted (CRC)",
        &bytes,
        |e| matches!(e, Error::Archive { reason } if reason.contains("data.bin")),
    );

    // Entry names and kinds.
    let raw = c
        .v2()
        .file("aaaa.js", b"one")
        .file("bbbb.js", b"two")
        .sign(&c.key);
    let mut bytes = raw.to_bytes();
    assert!(patch(&mut bytes, b"bbbb.js", b"aaaa.js") >= 2);
    c.add_bytes(
        "duplicate entries",
        &bytes,
        |e| matches!(e, Error::DuplicateEntry { entry } if entry == "aaaa.js"),
    );
    for (name, path) in [
        ("absolute path", "/etc/passwd"),
        ("parent-directory path", "../../evil.sh"),
        ("backslash path", "..\\evil.sh"),
        ("drive-letter path", "C:/evil.sh"),
    ] {
        let raw = c.v2().file(path, b"evil").sign(&c.key);
        c.add(name, &raw, |e| matches!(e, Error::Path { .. }));
    }
    let raw = c.v2().file("nameXX.js", b"x").sign(&c.key);
    let mut bytes = raw.to_bytes();
    assert!(patch(&mut bytes, b"nameXX.js", b"name\xff\xfe.js") >= 2);
    c.add_bytes("non-UTF-8 name", &bytes, |e| {
        matches!(
            e,
            Error::Path {
                reason: "not UTF-8",
                ..
            }
        )
    });
    let raw = c
        .v2()
        .entry("link.js", b"/etc/passwd", Kind::Symlink)
        .sign(&c.key);
    c.add(
        "symbolic link entry",
        &raw,
        |e| matches!(e, Error::NotAFile { entry, kind: "symbolic link" } if entry == "link.js"),
    );
    let raw = c.v2().entry("pages/", b"", Kind::Directory);
    c.add("directory entry", &raw, |e| {
        matches!(
            e,
            Error::NotAFile {
                kind: "directory",
                ..
            }
        )
    });
    let raw = c.v2().entry("pipe", b"", Kind::Fifo).sign(&c.key);
    c.add(
        "special file entry",
        &raw,
        |e| matches!(e, Error::NotAFile { entry, kind: "special file" } if entry == "pipe"),
    );

    // Sizes and bombs.
    let zeros = vec![0u8; 16 << 20];
    let raw = c.v2().file("bomb.bin", &zeros).sign(&c.key);
    c.add(
        "compression ratio bomb",
        &raw,
        |e| matches!(e, Error::CompressionRatio { entry, .. } if entry == "bomb.bin"),
    );
    let noise: Vec<u8> = (0..3u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let small = Limits {
        max_entry_bytes: 2 << 20,
        max_total_bytes: 4 << 20,
        max_entries: 8,
        ..Limits::default()
    };
    let raw = c.v2().entry("big.bin", &noise, Kind::Stored).sign(&c.key);
    c.add(
        "entry over the size cap",
        &raw,
        |e| matches!(e, Error::EntryTooLarge { entry, .. } if entry == "big.bin"),
    );
    let half = &noise[..(3 << 19)];
    let raw = c
        .v2()
        .entry("part1.bin", half, Kind::Stored)
        .entry("part2.bin", half, Kind::Stored)
        .entry("part3.bin", half, Kind::Stored)
        .sign(&c.key);
    c.add(
        "total size over the cap",
        &raw,
        |e| matches!(e, Error::TotalTooLarge { entry, .. } if entry == "part3.bin"),
    );
    let mut many = c.v2();
    for i in 0..10 {
        many = many.file(&format!("f{i}.js"), b"x");
    }
    c.add("too many entries", &many.sign(&c.key), |e| {
        matches!(
            e,
            Error::TooManyEntries {
                count: 15,
                limit: 8
            }
        )
    });
    let n = c.cases.len();
    for case in &mut c.cases[n - 3..] {
        case.verifier = Some(verifier(&[&c.key]).with_limits(small));
    }

    // Manifests.
    let raw = c
        .v2()
        .replace("manifest.json", b"{\"appId\": ")
        .sign(&c.key);
    c.add("manifest not JSON", &raw, |e| {
        matches!(e, Error::Manifest(_))
    });
    let mut big = manifest(&c.key, "2.0.0");
    big["name"] = "x".repeat(70_000).into();
    let raw = c
        .v2()
        .replace("manifest.json", big.to_string().as_bytes())
        .sign(&c.key);
    c.add("oversized manifest", &raw, |e| {
        matches!(e, Error::ManifestTooLarge { .. })
    });
    let mut unknown = manifest(&c.key, "2.0.0");
    unknown["autoUpdate"] = true.into();
    let raw = c
        .v2()
        .replace("manifest.json", unknown.to_string().as_bytes())
        .sign(&c.key);
    c.add(
        "unknown manifest field",
        &raw,
        |e| matches!(e, Error::Manifest(m) if m.contains("autoUpdate")),
    );
    let mut wrong_type = manifest(&c.key, "2.0.0");
    wrong_type["permissions"] = json!({"apis": "ui"});
    let raw = c
        .v2()
        .replace("manifest.json", wrong_type.to_string().as_bytes())
        .sign(&c.key);
    c.add(
        "manifest field of the wrong type",
        &raw,
        |e| matches!(e, Error::Manifest(m) if m.contains("expected a sequence")),
    );
    let mut future = manifest(&c.key, "2.0.0");
    future["minRuntimeVersion"] = "99.0.0".into();
    let raw = c
        .v2()
        .replace("manifest.json", future.to_string().as_bytes())
        .sign(&c.key);
    c.add("runtime too old", &raw, |e| {
        matches!(e, Error::RuntimeTooOld { .. })
    });

    // Updates.
    let mut other_app = manifest(&c.key, "2.0.0");
    other_app["appId"] = "other.app".into();
    let raw = RawPackage::app(&other_app).sign(&c.key);
    c.add("appId mismatch on update", &raw, |e| {
        matches!(e, Error::AppIdMismatch { expected, found } if expected == "corpus.app" && found == "other.app")
    });
    c.cases.last_mut().expect("case").options.expected_app_id =
        Some(AppId::new("corpus.app").expect("app id"));
    let raw = RawPackage::app(&manifest(&c.stranger, "3.0.0")).sign(&c.stranger);
    c.add("update signed by another trusted key", &raw, |e| {
        matches!(e, Error::KeyChanged { .. })
    });
    c.cases.last_mut().expect("case").verifier = Some(verifier(&[&c.key, &c.stranger]));
    let raw = RawPackage::app(&manifest(&c.key, "0.9.0")).sign(&c.key);
    c.add("version downgrade", &raw, |e| {
        matches!(e, Error::Downgrade { .. })
    });
    let raw = RawPackage::app(&manifest(&c.key, "1.0.0"))
        .replace("index.html", b"<h1>same version, other content</h1>")
        .sign(&c.key);
    c.add("same version with other content", &raw, |e| {
        matches!(e, Error::Downgrade { .. })
    });

    // Not an archive, or a cut one.
    let good = c.v2().sign(&c.key).to_bytes();
    for (name, len) in [
        ("truncated to half", good.len() / 2),
        ("truncated before the end record", good.len() - 10),
        ("truncated to 10 bytes", 10),
        ("empty file", 0),
    ] {
        c.add_bytes(name, &good[..len], |e| matches!(e, Error::Archive { .. }));
    }
    c.add_bytes("not a zip at all", b"<html>not a package</html>", |e| {
        matches!(e, Error::Archive { .. })
    });
    c
}

#[test]
fn every_bad_package_is_refused_with_its_own_error_and_changes_nothing() {
    let corpus = build_corpus();
    assert!(corpus.cases.len() >= 25, "{} cases", corpus.cases.len());
    let good = corpus.path("good-v1");
    RawPackage::app(&manifest(&corpus.key, "1.0.0"))
        .sign(&corpus.key)
        .write(&good);
    let default_verifier = verifier(&[&corpus.key]);
    let store_dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(store_dir.path()).expect("store");
    store
        .install(&default_verifier, &good, &InstallOptions::default())
        .expect("the good package installs");
    let before = packages_support::snapshot(&store);

    let mut failures = Vec::new();
    for case in &corpus.cases {
        let verifier = case.verifier.as_ref().unwrap_or(&default_verifier);
        match store.install(verifier, &case.package, &case.options) {
            Ok(installed) => failures.push(format!("{}: installed as {installed:?}", case.name)),
            Err(error) if !(case.expected)(&error) => {
                failures.push(format!("{}: wrong error: {error:?}", case.name));
            }
            Err(error) => {
                let message = error.to_string();
                assert!(!message.is_empty());
                eprintln!("{:40} -> {message}", case.name);
            }
        }
        if packages_support::snapshot(&store) != before {
            failures.push(format!("{}: the store changed", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    store.check().expect("the store is consistent");
}

#[test]
fn the_same_cases_fail_verification_without_a_store() {
    let corpus = build_corpus();
    let default_verifier = verifier(&[&corpus.key]);
    for case in corpus
        .cases
        .iter()
        .filter(|c| c.options.expected_app_id.is_none())
    {
        let verifier = case.verifier.as_ref().unwrap_or(&default_verifier);
        let result = verifier.verify(&case.package);
        // Downgrades and key changes are store decisions: the package itself is fine.
        let store_decision = ["downgrade", "same version", "another trusted key"];
        if store_decision.iter().any(|name| case.name.contains(name)) {
            assert!(result.is_ok(), "{}: {result:?}", case.name);
        } else {
            let error = result.expect_err(case.name);
            assert!((case.expected)(&error), "{}: {error:?}", case.name);
        }
    }
}
