//! Writes storage items through the bridge of a headless container, forever, printing
//! `ok <n>` after each write the bridge answered as successful. The crash test kills it with
//! SIGKILL and checks that every acknowledged write is there.
//!
//! Usage: `storage-writer <data-dir>`

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use capsule_runtime::{App, Container, HeadlessHost};
use serde_json::json;

fn main() -> Result<()> {
    let data_dir = std::env::args()
        .nth(1)
        .context("usage: storage-writer <data-dir>")?;
    let app_dir = tempfile::tempdir()?;
    let manifest = json!({
        "appId": "crash-test", "name": "Crash test", "version": "1.0.0", "kind": "h5",
        "entry": "index.html", "permissions": { "apis": ["storage"] },
    });
    std::fs::write(app_dir.path().join("manifest.json"), manifest.to_string())?;
    std::fs::write(app_dir.path().join("index.html"), "")?;
    let host = Arc::new(HeadlessHost::new());
    let container = Container::builder().data_dir(&data_dir).build(host.clone());
    let page = container.open(App::open_dir(app_dir.path())?)?;
    let mut stdout = std::io::stdout().lock();
    for n in 0_u64.. {
        let message = json!({
            "kind": "invoke", "callId": n, "api": "setStorageSync",
            "params": { "key": format!("key-{n}"), "data": { "n": n, "text": "x".repeat(100) } },
        });
        host.inject(
            &container,
            page,
            "capsule://crash-test",
            &message.to_string(),
        );
        match host.wait_reply(page, n, Duration::from_secs(10)) {
            Some((true, _)) => {}
            other => bail!("write {n} failed: {other:?}"),
        }
        writeln!(stdout, "ok {n}")?;
        stdout.flush()?;
        if n >= 100_000 {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    Ok(())
}
