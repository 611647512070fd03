//! What analytics capture costs a mini-program, measured in one run with capture on and
//! off: a page handler making a storage call and a `setData` per item, run in the logic
//! layer, until the session has applied every update. With capture on, each call is an
//! `api.call` event and each `setData` a `perf.set_data` event recorded into an SQLite
//! journal. Two figures: the wall time of a round, and the CPU time the logic thread spent
//! in it (Linux: `/proc/self/task/<tid>/schedstat`), which leaves out what other threads
//! and processes of a busy machine take.
//!
//! `cargo bench -p capsule-runtime --bench analytics_capture` (`-- --quick` for one short round)

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use capsule_analytics::{Filter, Journal, Limits};
use capsule_runtime::{App, Container, HeadlessHost, MiniProgram, MiniProgramOptions};

/// Handler runs per round.
const ITEMS: u32 = 500;
/// Rounds per measurement; the best round is reported.
const ROUNDS: usize = 7;

fn write_app(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir.join("pages/index"))?;
    let files = [
        (
            "manifest.json",
            r#"{"appId":"bench.capture","name":"Bench","version":"1.0.0","kind":"miniprogram",
               "dialect":"wechat","entry":"app.json","permissions":{"apis":["storage"]}}"#,
        ),
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({});"),
        (
            "pages/index/index.wxml",
            r#"<view wx:for="{{rows}}" wx:key="*this">{{item}}</view><text>{{count}}</text>"#,
        ),
        (
            "pages/index/index.js",
            r#"Page({
  data: { rows: ['a', 'b', 'c'], count: 0 },
  work(n) {
    for (let i = 0; i < n; i++) {
      wx.getStorageSync('count');
      this.setData({ count: this.data.count + 1 });
    }
  },
});"#,
        ),
    ];
    for (path, content) in files {
        std::fs::write(dir.join(path), content)?;
    }
    Ok(())
}

/// The best wall time and the best logic thread CPU time of a round.
#[derive(Clone, Copy)]
struct Best {
    wall: Duration,
    logic_cpu: Duration,
}

impl Best {
    const NONE: Best = Best {
        wall: Duration::MAX,
        logic_cpu: Duration::MAX,
    };

    fn min(self, other: Best) -> Best {
        Best {
            wall: self.wall.min(other.wall),
            logic_cpu: self.logic_cpu.min(other.logic_cpu),
        }
    }
}

/// The CPU time the app's logic thread (`logic-<appId>`, cut to 15 bytes by the kernel) has
/// used so far.
fn logic_thread_cpu() -> Result<Duration> {
    for task in std::fs::read_dir("/proc/self/task")? {
        let task = task?.path();
        let name = std::fs::read_to_string(task.join("comm"))?;
        if name.trim_end() == "logic-bench.cap" {
            let stat = std::fs::read_to_string(task.join("schedstat"))?;
            let nanos: u64 = stat
                .split_whitespace()
                .next()
                .context("an empty schedstat")?
                .parse()?;
            return Ok(Duration::from_nanos(nanos));
        }
    }
    anyhow::bail!("no logic thread")
}

/// The best times of `rounds` rounds of `items` handler runs, capture on or off.
fn measure(app_dir: &Path, capture: bool, items: u32, rounds: usize) -> Result<Best> {
    let data = tempfile::tempdir()?;
    let journal = Journal::open(&data.path().join("analytics.sqlite"), Limits::default())?;
    let mut builder = Container::builder().data_dir(data.path());
    if capture {
        builder = builder.analytics(journal.recorder());
    }
    let container = builder.build(Arc::new(HeadlessHost::new()));
    let program = MiniProgram::launch(
        &container,
        App::open_dir(app_dir)?,
        &MiniProgramOptions::default(),
    )?;
    program.settle()?;
    let mut best = Best::NONE;
    for _ in 0..rounds {
        let (start, cpu) = (Instant::now(), logic_thread_cpu()?);
        program.evaluate(&format!("getCurrentPages()[0].work({items})"))?;
        program.settle()?;
        best = best.min(Best {
            wall: start.elapsed(),
            logic_cpu: logic_thread_cpu()? - cpu,
        });
    }
    program.close();
    journal.recorder().flush()?;
    let recorded = journal.events(&Filter::default())?.len();
    let expected = items as usize * rounds * 2;
    if capture {
        ensure!(
            recorded >= expected,
            "{recorded} events recorded, {expected} expected"
        );
    } else {
        ensure!(recorded == 0, "{recorded} events recorded with capture off");
    }
    Ok(best)
}

/// Capture on against off, measured this many times (alternating, to spread any drift of
/// the machine over both); the median cost is reported.
const PAIRS: usize = 5;

fn main() -> Result<()> {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let (items, rounds, pairs) = if quick {
        (20, 1, 1)
    } else {
        (ITEMS, ROUNDS, PAIRS)
    };
    let app = tempfile::tempdir()?;
    write_app(app.path()).context("the bench app")?;
    let mut measured = Vec::new();
    for _ in 0..pairs {
        let off = measure(app.path(), false, items, rounds)?;
        let on = measure(app.path(), true, items, rounds)?;
        measured.push((off, on));
    }
    let per_item = |total: Duration| total.as_secs_f64() * 1e6 / f64::from(items);
    println!(
        "{items} handler runs (a storage call and a setData each), best of {rounds} rounds, \
         median of {pairs} pairs:"
    );
    println!("                    capture off    capture on      cost");
    for (name, figure) in [
        (
            "wall time",
            (|best: &Best| best.wall) as fn(&Best) -> Duration,
        ),
        ("logic thread CPU", |best: &Best| best.logic_cpu),
    ] {
        let mut costs: Vec<(f64, Duration, Duration)> = measured
            .iter()
            .map(|(off, on)| {
                let (off, on) = (figure(off), figure(on));
                let cost = (on.as_secs_f64() / off.as_secs_f64() - 1.0) * 100.0;
                (cost, off, on)
            })
            .collect();
        costs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (cost, off, on) = costs[costs.len() / 2];
        println!(
            "  {name:<16} {:8.1} µs   {:8.1} µs   {cost:+6.1} %",
            per_item(off),
            per_item(on),
        );
    }
    Ok(())
}
