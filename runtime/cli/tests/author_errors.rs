//! Errors in an app's files as its author sees them in the terminal: `capsule run` and
//! `capsule test` print each template, style, JSON and script error with `file:line:col`,
//! the line and a caret under the column; and `capsule run <folder>` in the window reloads
//! when a file is fixed or broken again, printing what the reload brings.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod cli_support;
use cli_support::{capsule, text};

#[path = "../../tests/mp_support/mod.rs"]
mod mp_support;
use mp_support::write_files;

/// A WeChat app with one page whose files are `page` (extension, text), beside fine ones.
fn write_app(root: &Path, page: &[(&str, &str)]) {
    write_files(
        root,
        &[
            (
                "manifest.json",
                r#"{"appId":"author-errors","name":"errors","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", "Page({data: {n: 1}})"),
            ("pages/index/index.wxml", "<view>{{n}}</view>"),
        ],
    );
    for (ext, text) in page {
        let path = if *ext == "app.json" {
            root.join("app.json")
        } else {
            root.join(format!("pages/index/index.{ext}"))
        };
        std::fs::write(path, text).expect("write");
    }
}

/// Checks `log` shows the error at `place` (`file:line:col`) with `line` and, under it, a
/// caret at the start of the last `at` in `line`.
fn assert_caret(log: &str, place: &str, line: &str, at: &str) {
    let lines: Vec<&str> = log.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains(&format!("┌─ {place}")))
        .unwrap_or_else(|| panic!("no {place} in:\n{log}"));
    let source = (header..lines.len())
        .find(|&i| lines[i].ends_with(line))
        .unwrap_or_else(|| panic!("no line {line:?} after {place} in:\n{log}"));
    let caret = lines.get(source + 1).copied().unwrap_or_default();
    let column = |text: &str, byte: usize| text[..byte].chars().count();
    let source_text = lines[source];
    let wanted = source_text.len() - line.len() + line.rfind(at).expect("`at` is in the line");
    assert_eq!(
        caret.find('^').map(|b| column(caret, b)),
        Some(column(source_text, wanted)),
        "caret not under {at:?}:\n{log}"
    );
}

#[test]
fn run_prints_each_kind_of_error_with_its_line_and_a_caret() {
    let cases: [(&str, &str, &str, &str, &str); 5] = [
        (
            "wxml",
            "<view>\n  <text>{{n +}}</text>\n</view>",
            "pages/index/index.wxml:2:14",
            "  <text>{{n +}}</text>",
            "}}</text>",
        ),
        (
            "wxss",
            ".a { color: red; }\n@import \"x.wxss\"\n",
            "pages/index/index.wxss:2:1",
            "@import \"x.wxss\"",
            "@import",
        ),
        (
            "json",
            "{\n  \"navigationBarTitleText\": \"x\",,\n}",
            "pages/index/index.json:2:33",
            "  \"navigationBarTitleText\": \"x\",,",
            ",",
        ),
        (
            "js",
            "Page({\n  onLoad() {\n    var x = 1 +;\n  }\n})",
            "pages/index/index.js:3:16",
            "    var x = 1 +;",
            ";",
        ),
        (
            "app.json",
            "{\"pages\": [\"pages/index/index\"]\n  \"window\": {}}",
            "app.json:2:3",
            "  \"window\": {}}",
            "\"window",
        ),
    ];
    for (ext, broken, place, line, at) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        write_app(dir.path(), &[(ext, broken)]);
        let output = capsule(
            &["run", "--headless", dir.path().to_str().expect("utf-8")],
            "off",
        );
        let log = text(&output);
        assert_eq!(output.status.code(), Some(1), "{ext}: {log}");
        assert_caret(&String::from_utf8_lossy(&output.stderr), place, line, at);
    }
}

/// What the template parser and the style compiler take with a warning still reaches the
/// author, with its place; the page renders.
#[test]
fn run_prints_what_was_repaired_as_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(
        dir.path(),
        &[
            ("wxml", "<view>\n  <text>{{n}}\n</view>"),
            ("wxss", ".a { color: red; color: var(--text #333); }\n"),
        ],
    );
    let output = capsule(
        &["run", "--headless", dir.path().to_str().expect("utf-8")],
        "warn",
    );
    let log = text(&output);
    assert!(output.status.success(), "{log}");
    assert!(
        log.contains("pages/index/index.wxml:2:3: warning: <text> is not closed"),
        "{log}"
    );
    assert!(
        log.contains("pages/index/index.wxss:1:36: warning: unexpected '#333'"),
        "{log}"
    );
    assert!(log.contains("<view><text>1"), "{log}");
}

#[test]
fn test_prints_the_errors_of_each_scenario_with_their_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("app");
    write_app(&root, &[("wxml", "<view>{{n +}}</view>")]);
    let scenario = dir.path().join("open.json");
    std::fs::write(&scenario, r#"{"name": "open", "steps": []}"#).expect("scenario");
    let out = dir.path().join("out");
    let output = capsule(
        &[
            "test",
            root.to_str().expect("utf-8"),
            scenario.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ],
        "off",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_caret(
        &stderr,
        "pages/index/index.wxml:1:12",
        "<view>{{n +}}</view>",
        "}}</view>",
    );
}

/// Lines `capsule run` prints to stderr, as they come.
struct Stderr(mpsc::Receiver<String>, Vec<String>);

impl Stderr {
    /// Waits (at most 60 s) for a line containing `wanted`; every line seen so far.
    fn wait_for(&mut self, wanted: &str) -> &[String] {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.1.iter().any(|line| line.contains(wanted)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.0.recv_timeout(left) {
                Ok(line) => self.1.push(line),
                Err(_) => panic!("no {wanted:?} in:\n{}", self.1.join("\n")),
            }
        }
        &self.1
    }

    /// Every line printed from now on, until `quiet` passes without one.
    fn next_lines(&mut self, quiet: Duration) -> Vec<String> {
        self.1.clear();
        while let Ok(line) = self.0.recv_timeout(quiet) {
            self.1.push(line);
        }
        self.1.clone()
    }
}

#[test]
fn run_in_the_window_reloads_when_a_file_is_fixed_and_shows_new_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    write_app(&root, &[("wxml", "<view>{{n +}}</view>")]);
    // A display of the test's own: with none, `capsule run` starts one, takes a screenshot
    // and ends.
    let display = capsule_runtime::VirtualDisplay::start(480, 800).expect("Xvfb starts");
    let mut child = Command::new(env!("CARGO_BIN_EXE_capsule"))
        .args(["run", root.to_str().expect("utf-8")])
        .env("DISPLAY", display.name())
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("capsule runs");
    let (sender, lines) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    let mut stderr = Stderr(lines, Vec::new());
    stderr.wait_for("cold start");
    stderr.wait_for("┌─ pages/index/index.wxml:1:12");
    let log = stderr.wait_for("^").join("\n");
    assert_caret(
        &log,
        "pages/index/index.wxml:1:12",
        "<view>{{n +}}</view>",
        "}}</view>",
    );

    // Fixed: one reload for the save, and no error.
    std::fs::write(
        root.join("pages/index/index.wxml"),
        "<view>{{n + 1}}</view>",
    )
    .expect("fix");
    stderr.wait_for("reloaded: pages/index/index.wxml changed");
    let after = stderr.next_lines(Duration::from_secs(2));
    assert!(after.is_empty(), "after the fix: {after:?}");

    // A change in a hidden folder is none of the app's.
    std::fs::create_dir_all(root.join(".git")).expect("dirs");
    std::fs::write(root.join(".git/index"), "x").expect("write");
    let after = stderr.next_lines(Duration::from_secs(1));
    assert!(after.is_empty(), "after a hidden change: {after:?}");

    // Broken again, in its stylesheet this time.
    std::fs::write(root.join("pages/index/index.wxss"), "@import \"x.wxss\"\n").expect("break");
    stderr.wait_for("reloaded: pages/index/index.wxss changed");
    stderr.wait_for("┌─ pages/index/index.wxss:1:1");
    let log = stderr.wait_for("^").join("\n");
    assert_caret(
        &log,
        "pages/index/index.wxss:1:1",
        "@import \"x.wxss\"",
        "@import",
    );
    child.kill().expect("stops");
    child.wait().expect("ended");
    drop(display);
}
