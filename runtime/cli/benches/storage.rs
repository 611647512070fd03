//! Storage throughput, all measured in the same run:
//! - raw rusqlite doing the same writes and reads on the same kind of database;
//! - `setStorageSync` / `getStorageSync` through the container's bridge in Rust (message
//!   parsing, permission check, handler, reply encoded as the page script a webview runs);
//! - the same calls from JavaScript in a real WebKitGTK page (`capsule run --exec`, under a
//!   virtual display), next to a no-op bridge call (`getNetworkType`) as the IPC floor.
//!
//! `cargo bench -p capsule-cli --bench storage` (`-- --quick`: a tenth of the items and
//! calls, one round)

#[path = "../../benches/support/figure.rs"]
mod figure;

use std::hint::black_box;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use capsule_runtime::{App, Container, FromPage, PageId, PageSpec, RenderHost, ToPage};
use figure::{Figure, Goal};
use serde_json::json;

fn quick() -> bool {
    std::env::args().any(|arg| arg == "--quick")
}

/// Items written and read per round.
fn items() -> u64 {
    if quick() { 200 } else { 2_000 }
}

/// Rounds per measurement; the best round is reported.
fn rounds() -> usize {
    if quick() { 1 } else { 5 }
}

/// A render host that hands each reply over, encoded as a webview host would send it.
/// (Storage handlers answer from the app's lane, not from the caller's thread.)
struct Replies(Mutex<Sender<(bool, String)>>);

impl RenderHost for Replies {
    fn open_page(&self, _page: PageSpec) {}
    fn post(&self, _page: PageId, message: ToPage) {
        let ok = matches!(message, ToPage::Reply { ok: true, .. });
        let sender = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        sender.send((ok, message.to_script())).ok();
    }
    fn close_page(&self, _page: PageId) {}
}

fn value(n: u64) -> serde_json::Value {
    json!({"id": n, "name": format!("item {n}"), "tags": ["a", "b"], "done": n.is_multiple_of(2)})
}

fn best_ops_per_second(mut round: impl FnMut(u64) -> Result<()>) -> Result<f64> {
    let mut best = Duration::MAX;
    for r in 0..rounds() {
        let start = Instant::now();
        round(r as u64)?;
        best = best.min(start.elapsed());
    }
    Ok(items() as f64 / best.as_secs_f64())
}

fn bridge(data_dir: &std::path::Path) -> Result<Throughput> {
    let app_dir = tempfile::tempdir()?;
    let manifest = json!({
        "appId": "bench", "name": "Bench", "version": "1.0.0", "kind": "h5",
        "entry": "index.html", "permissions": { "apis": ["storage"] },
    });
    std::fs::write(app_dir.path().join("manifest.json"), manifest.to_string())?;
    std::fs::write(app_dir.path().join("index.html"), "")?;
    let (replies, answered) = mpsc::channel();
    let host = Arc::new(Replies(Mutex::new(replies)));
    let container = Container::builder().data_dir(data_dir).build(host.clone());
    let page = container.open(App::open_dir(app_dir.path())?)?;
    let call = |api: &str, params: serde_json::Value| -> Result<String> {
        let message = json!({"kind": "invoke", "callId": 1, "api": api, "params": params});
        let parsed = FromPage::parse(&message.to_string()).context("valid message")?;
        container.receive(page, "capsule://bench", parsed);
        let (ok, script) = answered
            .recv_timeout(Duration::from_secs(10))
            .context("answered")?;
        ensure!(ok, "{api} failed: {script}");
        Ok(script)
    };
    // All calls of a round sent before the first answer is read, as a page that does not
    // await each call makes them: the throughput of the dispatcher and the app's lane.
    let pipelined = |api: &str, params: &dyn Fn(u64) -> serde_json::Value| -> Result<()> {
        for n in 0..items() {
            let message = json!({"kind": "invoke", "callId": n, "api": api, "params": params(n)});
            let parsed = FromPage::parse(&message.to_string()).context("valid message")?;
            container.receive(page, "capsule://bench", parsed);
        }
        for _ in 0..items() {
            let (ok, script) = answered
                .recv_timeout(Duration::from_secs(10))
                .context("answered")?;
            ensure!(ok, "{api} failed: {script}");
            black_box(script);
        }
        Ok(())
    };
    let set = best_ops_per_second(|round| {
        pipelined(
            "setStorageSync",
            &|n| json!({"key": format!("k{n}"), "data": value(n + round)}),
        )
    })?;
    let get =
        best_ops_per_second(|_| pipelined("getStorageSync", &|n| json!({"key": format!("k{n}")})))?;
    // One call at a time, each answer awaited: bound by the hop to the lane and back.
    let one_by_one = best_ops_per_second(|_| {
        for n in 0..items() {
            black_box(call("getStorageSync", json!({"key": format!("k{n}")}))?);
        }
        Ok(())
    })?;
    Ok(Throughput {
        set,
        get,
        one_by_one,
    })
}

/// Calls per second through the container's dispatcher.
struct Throughput {
    /// `setStorageSync`, calls sent without waiting.
    set: f64,
    /// `getStorageSync`, calls sent without waiting.
    get: f64,
    /// `getStorageSync`, each answer awaited before the next call.
    one_by_one: f64,
}

fn raw(data_dir: &std::path::Path) -> Result<(f64, f64)> {
    let connection = rusqlite::Connection::open(data_dir.join("raw.sqlite3"))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.execute_batch(
        "CREATE TABLE items (app TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
         PRIMARY KEY (app, key)) WITHOUT ROWID;",
    )?;
    let set = best_ops_per_second(|round| {
        let mut insert = connection
            .prepare_cached("INSERT OR REPLACE INTO items (app, key, value) VALUES (?1, ?2, ?3)")?;
        for n in 0..items() {
            let text = value(n + round).to_string();
            insert.execute(rusqlite::params!["bench", format!("k{n}"), text])?;
        }
        Ok(())
    })?;
    let get = best_ops_per_second(|_| {
        let mut select =
            connection.prepare_cached("SELECT value FROM items WHERE app = ?1 AND key = ?2")?;
        for n in 0..items() {
            let text: String = select
                .query_row(rusqlite::params!["bench", format!("k{n}")], |row| {
                    row.get(0)
                })?;
            black_box(serde_json::from_str::<serde_json::Value>(&text)?);
        }
        Ok(())
    })?;
    Ok((set, get))
}

/// Calls per measurement in the page.
fn page_calls() -> u32 {
    if quick() { 100 } else { 1_000 }
}

/// Ops/s of set, get and a no-op call from JavaScript in a real page.
fn page(data_home: &std::path::Path) -> Result<(f64, f64, f64)> {
    let app_dir = tempfile::tempdir()?;
    let manifest = json!({
        "appId": "bench-page", "name": "Bench", "version": "1.0.0", "kind": "h5",
        "entry": "index.html", "permissions": { "apis": ["storage", "system"] },
    });
    std::fs::write(app_dir.path().join("manifest.json"), manifest.to_string())?;
    std::fs::write(
        app_dir.path().join("index.html"),
        "<!doctype html><p>bench</p>",
    )?;
    let calls = page_calls();
    let script = format!(
        r#"
        const n = {calls};
        const call = (api, params) => CapsuleJSBridge.call(api, params);
        const rate = async (work) => {{
            const start = performance.now();
            for (let i = 0; i < n; i++) await work(i);
            return n / ((performance.now() - start) / 1000);
        }};
        const item = (i) => ({{ id: i, name: "item " + i, tags: ["a", "b"], done: i % 2 === 0 }});
        await rate((i) => call("setStorageSync", {{ key: "warm" + i, data: item(i) }}));
        const set = await rate((i) => call("setStorageSync", {{ key: "k" + i, data: item(i) }}));
        const get = await rate((i) => call("getStorageSync", {{ key: "k" + i }}));
        const noop = await rate(() => call("getNetworkType"));
        return {{ set, get, noop }};
        "#
    );
    let script_path = app_dir.path().join("bench.js");
    std::fs::write(&script_path, script)?;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_capsule"))
        .arg("run")
        .arg(app_dir.path())
        .arg("--exec")
        .arg(&script_path)
        .arg("--screenshot")
        .arg(app_dir.path().join("shot.png"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "warn")
        .env("XDG_DATA_HOME", data_home)
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "capsule failed: {}\n{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let end = stdout.rfind("\nscreenshot: ").context("screenshot line")?;
    let value: serde_json::Value = serde_json::from_str(&stdout[..end])?;
    let rate = |name: &str| value[name].as_f64().context("a rate");
    Ok((rate("set")?, rate("get")?, rate("noop")?))
}

fn main() -> Result<()> {
    let data_dir = tempfile::tempdir()?;
    let (raw_set, raw_get) = raw(data_dir.path())?;
    let bridge = bridge(data_dir.path())?;
    let (page_set, page_get, page_noop) = page(data_dir.path())?;
    println!(
        "storage, {} items of ~60 bytes, best of {} rounds (ops/s):",
        items(),
        rounds()
    );
    println!("  {:<34} {:>10} {:>10}", "", "set", "get");
    println!(
        "  {:<34} {raw_set:>10.0} {raw_get:>10.0}",
        "raw rusqlite (WAL, autocommit)"
    );
    println!(
        "  {:<34} {:>10.0} {:>10.0}",
        "through the dispatcher, pipelined", bridge.set, bridge.get
    );
    println!(
        "  {:<34} {:>10} {:>10.0}",
        "the same, each answer awaited", "", bridge.one_by_one
    );
    println!(
        "  {:<34} {page_set:>10.0} {page_get:>10.0}",
        "the same from JS in a WebKit page"
    );
    println!(
        "  {:<34} {page_noop:>10.0}",
        "no-op bridge call from JS (floor)"
    );
    println!(
        "  page / raw: set {:.3}, get {:.3} ({} calls each)",
        page_set / raw_set,
        page_get / raw_get,
        page_calls()
    );
    for (name, bridge, raw) in [
        ("setStorageSync", bridge.set, raw_set),
        ("getStorageSync", bridge.get, raw_get),
    ] {
        Figure {
            name: format!("{name} through the dispatcher (calls not awaited one by one)"),
            value: bridge,
            baseline: "raw rusqlite, same durability".into(),
            baseline_value: raw,
            unit: "ops/s".into(),
            goal: Goal::AtLeast(0.5),
        }
        .print();
    }
    Ok(())
}
