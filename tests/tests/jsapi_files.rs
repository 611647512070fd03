//! The sandboxed file area through the container's bridge: the file system manager basics,
//! both platforms' path spellings, isolation between apps, and refused escapes.

mod support;

use capsule_jsapi::ApiConfig;
use serde_json::json;
use support::Harness;

#[test]
fn write_read_list_stat_and_remove() {
    let mut harness = Harness::new();
    let page = harness.open("files-a", &["files"], &[]);
    let ok = |api: &str, params: serde_json::Value| {
        harness
            .call(&page, api, params)
            .unwrap_or_else(|e| panic!("{api}: {e}"))
    };
    ok(
        "mkdir",
        json!({"dirPath": "https://usr/notes/2024", "recursive": true}),
    );
    ok(
        "writeFile",
        json!({"filePath": "https://usr/notes/2024/a.txt", "data": "héllo", "encoding": "utf8"}),
    );
    ok(
        "writeFile",
        json!({"filePath": "wxfile://usr/notes/b.bin", "data": "AAEC", "encoding": "base64"}),
    );
    ok(
        "writeFile",
        json!({"filePath": "wxfile://usr/notes/c.bin",
        "data": {"__capsuleType": "ArrayBuffer", "base64": "/w=="}}),
    );
    assert_eq!(
        ok(
            "readFile",
            json!({"filePath": "wxfile://usr/notes/2024/a.txt", "encoding": "utf8"})
        ),
        json!({"data": "héllo"}),
        "both spellings reach the same file"
    );
    assert_eq!(
        ok(
            "readFile",
            json!({"filePath": "https://usr/notes/b.bin", "encoding": "hex"})
        ),
        json!({"data": "000102"})
    );
    assert_eq!(
        ok("readFile", json!({"filePath": "https://usr/notes/c.bin"})),
        json!({"data": {"__capsuleType": "ArrayBuffer", "base64": "/w=="}})
    );
    assert_eq!(
        ok("readdir", json!({"dirPath": "https://usr/notes"})),
        json!({"files": ["2024", "b.bin", "c.bin"]})
    );
    let stats = ok("stat", json!({"path": "https://usr/notes/2024/a.txt"}))["stats"].clone();
    assert_eq!(
        (
            stats["size"].clone(),
            stats["isFile"].clone(),
            stats["isDirectory"].clone()
        ),
        (json!(6), json!(true), json!(false))
    );
    ok("access", json!({"path": "https://usr/notes/b.bin"}));
    ok("unlink", json!({"filePath": "https://usr/notes/b.bin"}));
    let gone = harness
        .call(&page, "access", json!({"path": "https://usr/notes/b.bin"}))
        .expect_err("removed");
    assert!(
        gone["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("no such file")),
        "{gone}"
    );
    let not_empty = harness.call(&page, "mkdir", json!({"dirPath": "https://usr/notes"}));
    assert!(
        not_empty.expect_err("exists")["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("exists"))
    );
}

#[test]
fn temporary_files_are_read_only_until_saved() {
    let mut harness = Harness::new();
    let page = harness.open("files-save", &["files"], &[]);
    let temp_dir = harness.data_dir.path().join("files/files-save/tmp");
    std::fs::create_dir_all(&temp_dir).expect("tmp");
    std::fs::write(temp_dir.join("shot.png"), b"png bytes").expect("temp file");
    let write = harness.error_code(
        &page,
        "writeFile",
        json!({"filePath": "https://resource/shot.png", "data": "x"}),
    );
    assert_eq!(write, 2, "temporary files are read-only");
    let saved = harness
        .call(
            &page,
            "saveFile",
            json!({"apFilePath": "https://resource/shot.png"}),
        )
        .expect("saved");
    let saved_path = saved["apFilePath"].as_str().expect("saved path").to_owned();
    assert_eq!(saved_path, "https://store/shot.png");
    assert_eq!(
        harness.call(
            &page,
            "readFile",
            json!({"filePath": saved_path, "encoding": "utf8"})
        ),
        Ok(json!({"data": "png bytes"}))
    );
    assert!(!temp_dir.join("shot.png").exists(), "moved, not copied");
    assert_eq!(
        harness.error_code(&page, "saveFile", json!({"apFilePath": "https://usr/x"})),
        2
    );
}

#[test]
fn apps_cannot_reach_other_apps_or_the_host() {
    let mut harness = Harness::new();
    let a = harness.open("files-a", &["files"], &[]);
    let b = harness.open("files-b", &["files"], &[]);
    harness
        .call(
            &a,
            "writeFile",
            json!({"filePath": "https://usr/secret.txt", "data": "a's"}),
        )
        .expect("write");
    let other = harness
        .call(
            &b,
            "readFile",
            json!({"filePath": "https://usr/secret.txt"}),
        )
        .expect_err("b has its own area");
    assert!(
        other["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("no such file"))
    );
    for path in [
        "https://usr/../../files-a/usr/secret.txt",
        "wxfile://usr/../secret.txt",
        "/etc/passwd",
        "file:///etc/passwd",
        "../../storage.sqlite3",
        "https://usr/%2e%2e/secret.txt",
    ] {
        let code = harness.error_code(&b, "readFile", json!({"filePath": path}));
        assert!(code == 2 || code == 3, "{path}: {code}");
        let code = harness.error_code(&b, "writeFile", json!({"filePath": path, "data": "x"}));
        assert!(code == 2 || code == 3, "{path}: {code}");
    }
    assert_eq!(
        harness.error_code(
            &b,
            "readFile",
            json!({"filePath": "https://usr/secret.txt", "encoding": "utf16"})
        ),
        2
    );
}

#[test]
fn kept_files_are_limited_per_app() {
    let mut harness = Harness::with(|builder| {
        builder.api_config(ApiConfig {
            file_limit_bytes: 1000,
            ..ApiConfig::default()
        })
    });
    let page = harness.open("files-quota", &["files"], &[]);
    let write = |path: &str, n: usize| {
        harness.call(
            &page,
            "writeFile",
            json!({"filePath": path, "data": "x".repeat(n)}),
        )
    };
    write("https://usr/a", 600).expect("fits");
    let over = write("https://usr/b", 600).expect_err("over the limit");
    assert_eq!(over["error"], 12);
    assert!(
        over["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("limit"))
    );
    assert_eq!(
        harness.error_code(&page, "access", json!({"path": "https://usr/b"})),
        3,
        "nothing was written"
    );
    write("https://usr/a", 900).expect("replacing counts only the difference");
    let temp_dir = harness.data_dir.path().join("files/files-quota/tmp");
    std::fs::create_dir_all(&temp_dir).expect("tmp");
    std::fs::write(temp_dir.join("big.bin"), vec![0; 200]).expect("temp file");
    let save = harness.call(
        &page,
        "saveFile",
        json!({"tempFilePath": "wxfile://tmp/big.bin"}),
    );
    let save = save.expect_err("saving goes over");
    assert_eq!(save["error"], 12, "{save}");
    assert!(
        temp_dir.join("big.bin").exists(),
        "the temporary file stays"
    );
}

#[test]
fn copy_file_copies_within_the_quota_and_keeps_the_target_when_it_cannot() {
    let mut harness = Harness::with(|builder| {
        builder.api_config(ApiConfig {
            file_limit_bytes: 1000,
            ..ApiConfig::default()
        })
    });
    let page = harness.open("files-copy", &["files"], &[]);
    let temp_dir = harness.data_dir.path().join("files/files-copy/tmp");
    std::fs::create_dir_all(&temp_dir).expect("tmp");
    std::fs::write(temp_dir.join("photo.bin"), vec![7; 400]).expect("temp file");
    // WeChat's FileSystemManager.copyFile({srcPath, destPath}); a temporary file can be the
    // source, and the copy is the app's own.
    harness
        .call(
            &page,
            "copyFile",
            json!({"srcPath": "wxfile://tmp/photo.bin", "destPath": "wxfile://usr/a.bin"}),
        )
        .expect("copied");
    let stat = harness
        .call(&page, "stat", json!({"path": "https://usr/a.bin"}))
        .expect("the copy is there");
    assert_eq!(stat["stats"]["size"], 400);
    assert!(temp_dir.join("photo.bin").exists(), "the source stays");
    harness
        .call(
            &page,
            "writeFile",
            json!({"filePath": "https://usr/b.bin", "data": "old", "encoding": "utf8"}),
        )
        .expect("written");
    harness
        .call(
            &page,
            "copyFile",
            json!({"srcPath": "https://usr/a.bin", "destPath": "https://usr/c.bin"}),
        )
        .expect("fits");
    // 400 + 3 + 400 kept: replacing b.bin with 400 bytes is over the 1000-byte limit (code
    // 12), and b.bin is as it was.
    let over = harness
        .call(
            &page,
            "copyFile",
            json!({"srcPath": "https://usr/a.bin", "destPath": "https://usr/b.bin"}),
        )
        .expect_err("over the limit");
    assert_eq!(over["error"], 12, "{over}");
    let old = harness
        .call(
            &page,
            "readFile",
            json!({"filePath": "https://usr/b.bin", "encoding": "utf8"}),
        )
        .expect("still there");
    assert_eq!(old["data"], "old");
    let listed = harness
        .call(&page, "readdir", json!({"dirPath": "https://usr"}))
        .expect("listed");
    assert_eq!(
        listed["files"],
        json!(["a.bin", "b.bin", "c.bin"]),
        "no partial copy is left behind"
    );
}
