//! Shared by the tests of a page's web process ending: a fixture H5 app, the page's
//! `WebKitWebProcess` found under this process in `/proc`, and waiting for container events.
#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use capsule_runtime::{ContainerEvent, PageId};
use serde_json::json;

/// How long these tests wait for an event.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(20);

/// Writes an H5 app `app_id` into `dir`: a page whose script marks it ready, allowed the
/// `system` APIs (`getSystemInfo`).
pub fn write_app(dir: &Path, app_id: &str) {
    let manifest = json!({
        "appId": app_id, "name": app_id, "version": "1.0.0",
        "kind": "h5", "entry": "index.html", "permissions": { "apis": ["system"] },
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(
        dir.join("index.html"),
        r#"<!doctype html><title>web process</title><script src="page.js"></script><p>alive</p>"#,
    )
    .expect("page");
    std::fs::write(dir.join("page.js"), "window.loadedAt = Date.now();").expect("script");
}

/// Waits for the first event `pick` accepts (others are skipped); the error lists what came.
pub fn wait_for<T>(
    events: &Receiver<ContainerEvent>,
    what: &str,
    pick: impl Fn(&ContainerEvent) -> Option<T>,
) -> Result<T, String> {
    let deadline = Instant::now() + EVENT_TIMEOUT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(event) => {
                if let Some(found) = pick(&event) {
                    return Ok(found);
                }
                seen.push(event);
            }
            Err(_) => {
                return Err(format!(
                    "no {what} within {} s; events: {seen:?}",
                    EVENT_TIMEOUT.as_secs()
                ));
            }
        }
    }
}

/// Waits until `page` has loaded.
pub fn wait_loaded(events: &Receiver<ContainerEvent>, page: PageId) -> Result<(), String> {
    wait_for(events, &format!("load of page {}", page.0), |event| {
        matches!(event, ContainerEvent::PageLoaded(loaded) if *loaded == page).then_some(())
    })
}

/// The `WebKitWebProcess`es under this process: (pid, resident bytes).
pub fn web_processes() -> Vec<(u32, u64)> {
    let own = std::process::id();
    let mut table = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_owned();
        let parent: u32 = stat[close + 1..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        table.push((pid, parent, name));
    }
    let descends = |mut pid: u32| {
        for _ in 0..64 {
            match table.iter().find(|(p, _, _)| *p == pid) {
                Some((_, parent, _)) if *parent == own => return true,
                Some((_, parent, _)) if *parent > 1 => pid = *parent,
                _ => return false,
            }
        }
        false
    };
    table
        .iter()
        .filter(|(pid, _, name)| name == "WebKitWebProces" && descends(*pid))
        .map(|(pid, _, _)| {
            let resident = std::fs::read_to_string(format!("/proc/{pid}/statm"))
                .ok()
                .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
                .unwrap_or(0);
            (*pid, resident * 4096) // 4 KiB pages, as on x86-64
        })
        .collect()
}
