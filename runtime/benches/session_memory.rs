//! What a long mini-program session leaves in memory: the process's resident set (Linux:
//! `/proc/self/statm`) after a round of opening and closing 200 pages, 10,000 `setData`
//! calls (each logging a console line) and 10,000 toasts, then after each of two more such
//! rounds. A session that kept every console line, error or dialog it saw, or a page it
//! closed, grows with each round; the goal is to stay within 10 % of where the rounds
//! started. The first round is measured too: it sets the allocator's high-water mark (the
//! handler makes its 10,000 calls before any is answered, and glibc keeps what was freed).
//!
//! `cargo bench -p capsule-runtime --bench session_memory` (`-- --quick` for a short run)

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use capsule_runtime::{App, Container, HeadlessHost, MiniProgram, MiniProgramOptions};

fn write_app(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir.join("pages/index"))?;
    std::fs::create_dir_all(dir.join("pages/detail"))?;
    let files = [
        (
            "manifest.json",
            r#"{"appId":"bench.memory","name":"Bench","version":"1.0.0","kind":"miniprogram",
               "dialect":"wechat","entry":"app.json","permissions":{"apis":["ui"]}}"#,
        ),
        (
            "app.json",
            r#"{"pages":["pages/index/index","pages/detail/detail"]}"#,
        ),
        ("app.js", "App({});"),
        (
            "pages/index/index.wxml",
            r#"<text class="count">{{count}}</text>"#,
        ),
        (
            "pages/index/index.js",
            r#"Page({
  data: { count: 0 },
  churn(n) {
    for (let i = 0; i < n; i++) {
      this.setData({ count: this.data.count + 1 });
      console.log('update', i);
    }
  },
  toasts(n) {
    for (let i = 0; i < n; i++) wx.showToast({ title: 'toast ' + i });
  },
});"#,
        ),
        (
            "pages/detail/detail.wxml",
            r#"<view class="detail">{{text}}</view>"#,
        ),
        (
            "pages/detail/detail.js",
            "Page({ data: { text: 'x'.repeat(2000) } });",
        ),
    ];
    for (path, content) in files {
        std::fs::write(dir.join(path), content)?;
    }
    Ok(())
}

/// The process's resident set, in bytes.
fn resident() -> Result<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm")?;
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .context("a short statm")?
        .parse()?;
    Ok(pages * 4096)
}

/// Opens and closes the detail page `times` times, makes `updates` setData calls and shows
/// `toasts` toasts, waiting for the session after each part.
fn exercise(program: &MiniProgram, times: usize, updates: usize, toasts: usize) -> Result<()> {
    for _ in 0..times {
        program.evaluate("wx.navigateTo({ url: '/pages/detail/detail' })")?;
        program.settle()?;
        program.evaluate("wx.navigateBack()")?;
        program.settle()?;
    }
    program.evaluate(&format!("getCurrentPages()[0].churn({updates})"))?;
    program.settle()?;
    program.evaluate(&format!("getCurrentPages()[0].toasts({toasts})"))?;
    program.settle()?;
    Ok(())
}

fn main() -> Result<()> {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let (pages, updates, toasts) = if quick {
        (20, 500, 500)
    } else {
        (200, 10_000, 10_000)
    };
    let app = tempfile::tempdir()?;
    write_app(app.path()).context("the bench app")?;
    let data = tempfile::tempdir()?;
    let container = Container::builder()
        .data_dir(data.path())
        .build(Arc::new(HeadlessHost::new()));
    let program = MiniProgram::launch(
        &container,
        App::open_dir(app.path())?,
        &MiniProgramOptions::default(),
    )?;
    program.settle()?;
    let launched = resident()?;
    exercise(&program, pages, updates, toasts)?;
    let start = resident()?;
    let mut after = Vec::new();
    for _ in 0..2 {
        exercise(&program, pages, updates, toasts)?;
        after.push(resident()?);
    }
    let snapshot = program.snapshot()?;
    program.close();
    let mib = |bytes: u64| bytes as f64 / f64::from(1 << 20);
    let growth = |from: u64, to: u64| (to as f64 / from as f64 - 1.0) * 100.0;
    println!(
        "rounds of {pages} pages opened and closed, {updates} setData, {toasts} toasts in one \
         session (resident set):"
    );
    println!(
        "  launched {:.1} MiB   after the first round {:.1} MiB ({:+.1} %, the high-water mark)",
        mib(launched),
        mib(start),
        growth(launched, start)
    );
    for (round, bytes) in after.iter().enumerate() {
        println!(
            "  after round {}: {:.1} MiB   {:+.1} % of the first round's (goal: within 10 %)",
            round + 2,
            mib(*bytes),
            growth(start, *bytes)
        );
    }
    println!(
        "  the session keeps {} console lines, {} dialogs, {} errors",
        snapshot.console.len(),
        snapshot.ui.len(),
        snapshot.errors.len()
    );
    Ok(())
}
