//! What a long mini-program session leaves in memory: the process's resident set (Linux:
//! `/proc/self/statm`) and its live heap (the bytes held through [`BudgetAllocator`], this
//! bench's global allocator) after a round of opening and closing 200 pages, 10,000
//! `setData` calls (each logging a console line) and 10,000 toasts, then after each of
//! four more such rounds, each time once the session has been idle for a moment. A session
//! that kept every console line, error or dialog it saw, or a page it closed, grows with
//! each round; the goal is to stay within 10 % of the first round. Launch is shown too: the
//! first round starts the threads and fills the bounded histories a session keeps.
//!
//! `cargo bench -p capsule-runtime --bench session_memory` (`-- --quick` for a short run)

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
#[path = "support/figure.rs"]
mod figure;

use capsule_logic::BudgetAllocator;
use capsule_runtime::{App, Container, HeadlessHost, MiniProgram, MiniProgramOptions};
use figure::{Figure, Goal};

#[global_allocator]
static ALLOCATOR: BudgetAllocator = BudgetAllocator;

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

/// The process's resident set and live heap, in bytes, once the session has been idle for
/// a moment (the logic thread collects a burst's garbage when nothing follows it for a while).
fn memory() -> Result<(u64, u64)> {
    std::thread::sleep(std::time::Duration::from_millis(500));
    let statm = std::fs::read_to_string("/proc/self/statm")?;
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .context("a short statm")?
        .parse()?;
    Ok((pages * 4096, BudgetAllocator::held_bytes()))
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
    let launched = memory()?;
    exercise(&program, 1, 0, 0)?;
    let first_page = memory()?;
    exercise(&program, 49, 0, 0)?;
    let fifty_pages = memory()?;
    exercise(&program, pages, updates, toasts)?;
    let start = memory()?;
    let mut after = Vec::new();
    for _ in 0..4 {
        exercise(&program, pages, updates, toasts)?;
        after.push(memory()?);
    }
    let snapshot = program.snapshot()?;
    program.close();
    let mib = |bytes: u64| bytes as f64 / f64::from(1 << 20);
    let figures = [
        Figure {
            name: "resident set after opening and closing 50 pages".into(),
            value: mib(fifty_pages.0),
            baseline: "after the first".into(),
            baseline_value: mib(first_page.0),
            unit: "MiB".into(),
            goal: Goal::AtMost(1.1),
        },
        Figure {
            name: "resident set after five rounds of pages, setData and toasts".into(),
            value: mib(after.last().context("rounds")?.0),
            baseline: "after the first round".into(),
            baseline_value: mib(start.0),
            unit: "MiB".into(),
            goal: Goal::AtMost(1.1),
        },
    ];
    let growth = |from: u64, to: u64| (to as f64 / from as f64 - 1.0) * 100.0;
    println!(
        "rounds of {pages} pages opened and closed, {updates} setData, {toasts} toasts in one \
         session (goal: each round within 10 % of the first):"
    );
    println!("                        resident set            live heap");
    let row = |name: &str, (rss, heap): (u64, u64)| {
        println!(
            "  {name:<20} {:>6.1} MiB {:>+7.1} %   {:>6.1} MiB {:>+7.1} %",
            mib(rss),
            growth(start.0, rss),
            mib(heap),
            growth(start.1, heap)
        );
    };
    row("launched", launched);
    row("after round 1", start);
    for (round, memory) in after.iter().enumerate() {
        row(&format!("after round {}", round + 2), *memory);
    }
    println!(
        "  the session keeps {} console lines, {} dialogs, {} errors",
        snapshot.console.len(),
        snapshot.ui.len(),
        snapshot.errors.len()
    );
    for figure in figures {
        figure.print();
    }
    Ok(())
}
