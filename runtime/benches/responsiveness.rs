//! Whether a page stays responsive while another app works: two H5 apps side by side in the
//! real window, one drawing frames and calling the bridge, the other writing 10,000 storage
//! items and copying a 100 MB file. The watched page's frame gaps and bridge round trips are
//! measured with the other app idle (the baseline, in the same run) and while it works.
//!
//! `cargo bench -p capsule-runtime --bench responsiveness` (under a private Xvfb when there is
//! no display).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use capsule_runtime::{App, Container, ContainerEvent, PageId, WryHandle};
use serde_json::{Value, json};

#[path = "../tests/window_support/mod.rs"]
mod window_support;

/// Storage items the busy app writes, all in flight at once.
const WRITES: usize = 10_000;
/// The size of the file it copies.
const COPY_BYTES: usize = 100 << 20;
/// How long the baseline is measured.
const IDLE: Duration = Duration::from_secs(3);
/// How long a script may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(600);

/// Starts measuring in the watched page: every frame's time, and the round trip of a bridge
/// call (`getSystemInfo`, answered on the UI thread) made every 5 ms.
const START: &str = r"
window.__measure = { frames: [], trips: [], running: true };
const m = window.__measure;
const frame = (t) => { m.frames.push(t); if (m.running) requestAnimationFrame(frame); };
requestAnimationFrame(frame);
(async () => {
  while (m.running) {
    const start = performance.now();
    await AlipayJSBridge.call('getSystemInfo', {});
    m.trips.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
})();
return true;
";

/// Stops measuring and returns what was measured.
const STOP: &str = r"
const m = window.__measure;
m.running = false;
const gaps = m.frames.slice(1).map((t, i) => t - m.frames[i]);
const seconds = (m.frames[m.frames.length - 1] - m.frames[0]) / 1000;
return { fps: (m.frames.length - 1) / seconds, gaps, trips: m.trips };
";

/// The busy app's work: every write in flight at once, then the copy; how long each took.
fn busy_work() -> String {
    format!(
        r"
const text = 'x'.repeat(100);
let start = performance.now();
const writes = [];
for (let i = 0; i < {WRITES}; i++) {{
  writes.push(AlipayJSBridge.call('setStorage', {{ key: 'item-' + i, data: {{ i, text }} }}));
}}
await Promise.all(writes);
const writesMs = performance.now() - start;
start = performance.now();
await AlipayJSBridge.call('copyFile', {{ srcPath: 'https://resource/big.bin', destPath: 'https://usr/big.bin' }});
return {{ writesMs, copyMs: performance.now() - start }};
"
    )
}

fn main() -> ExitCode {
    let data = tempfile::tempdir().expect("data folder");
    let apps = tempfile::tempdir().expect("apps folder");
    window_support::run("responsiveness", (1280, 1024), move |handle| {
        let container = Container::builder()
            .data_dir(data.path())
            .build(Arc::new(handle.clone()));
        let events = container.subscribe();
        let watched = open(&container, apps.path(), "watched", &["system"]);
        let busy = open(&container, apps.path(), "busy", &["storage", "files"]);
        let big = data.path().join("files/busy/tmp");
        std::fs::create_dir_all(&big).expect("temporary folder");
        std::fs::write(big.join("big.bin"), vec![7_u8; COPY_BYTES]).expect("big file");
        let handle = handle.clone();
        let drive = move || {
            let _keep = (data, apps);
            measure(&handle, &events, watched, busy)
        };
        (container, Box::new(drive))
    })
}

/// Opens H5 app `app_id` (a blank page declaring `apis`) written under `root`.
fn open(container: &Container, root: &Path, app_id: &str, apis: &[&str]) -> PageId {
    let dir = root.join(app_id);
    std::fs::create_dir_all(&dir).expect("app folder");
    let manifest = json!({
        "appId": app_id, "name": app_id, "version": "1.0.0", "kind": "h5",
        "entry": "index.html", "permissions": { "apis": apis },
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(
        dir.join("index.html"),
        format!("<!doctype html><title>{app_id}</title><h1>{app_id}</h1>"),
    )
    .expect("page");
    container
        .open(App::open_dir(&dir).expect("valid app"))
        .expect("opens")
}

fn measure(
    handle: &WryHandle,
    events: &Receiver<ContainerEvent>,
    watched: PageId,
    busy: PageId,
) -> Result<(), String> {
    let mut loaded = Vec::new();
    let deadline = Instant::now() + window_support::TIMEOUT;
    while !(loaded.contains(&watched) && loaded.contains(&busy)) {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(ContainerEvent::PageLoaded(page)) => loaded.push(page),
            Ok(_) => {}
            Err(_) => return Err("the pages did not load".into()),
        }
    }
    let script = |page, body: &str| {
        handle
            .run_script(page, body, SCRIPT_TIMEOUT)
            .map_err(|e| e.to_string())
    };

    script(watched, START)?;
    std::thread::sleep(IDLE);
    let idle = script(watched, STOP)?;

    script(watched, START)?;
    let worker = handle.clone();
    let work = std::thread::spawn(move || {
        worker
            .run_script(busy, &busy_work(), SCRIPT_TIMEOUT)
            .map_err(|e| e.to_string())
    });
    let done = work
        .join()
        .map_err(|_| "the busy app's driver panicked")??;
    let loaded = script(watched, STOP)?;

    println!(
        "responsiveness: page A while app B writes {WRITES} storage items ({:.0} ms) and copies {} MB ({:.0} ms)",
        done["writesMs"].as_f64().unwrap_or(f64::NAN),
        COPY_BYTES >> 20,
        done["copyMs"].as_f64().unwrap_or(f64::NAN),
    );
    println!("{:<28}{:>12}{:>12}", "", "B idle", "B busy");
    println!(
        "{:<28}{:>12.1}{:>12.1}",
        "A frames per second",
        idle["fps"].as_f64().unwrap_or(f64::NAN),
        loaded["fps"].as_f64().unwrap_or(f64::NAN)
    );
    for (label, key, quantile) in [
        ("A frame gap p50 (ms)", "gaps", 0.5),
        ("A frame gap p99 (ms)", "gaps", 0.99),
        ("A frame gap max (ms)", "gaps", 1.0),
        ("A bridge call p50 (ms)", "trips", 0.5),
        ("A bridge call p99 (ms)", "trips", 0.99),
        ("A bridge call max (ms)", "trips", 1.0),
    ] {
        println!(
            "{label:<28}{:>12.1}{:>12.1}",
            quantile_of(&idle[key], quantile),
            quantile_of(&loaded[key], quantile)
        );
    }
    Ok(())
}

/// The `q` quantile (0 to 1) of the numbers in `values`.
fn quantile_of(values: &Value, q: f64) -> f64 {
    let mut numbers: Vec<f64> = values
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if numbers.is_empty() {
        return f64::NAN;
    }
    numbers.sort_by(f64::total_cmp);
    let index = ((numbers.len() - 1) as f64 * q).round() as usize;
    numbers[index.min(numbers.len() - 1)]
}
