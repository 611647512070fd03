//! An H5 page that allocates without end: its web process is killed at
//! `WEB_PROCESS_MEMORY_LIMIT`, the host survives and reports `WebProcessGone { reason:
//! ExceededMemoryLimit }`, reloads the page once, and closes it when it does it again; another
//! app's page answers bridge calls throughout.
//!
//! A window test (see `window_support`).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

mod web_process_support;
mod window_support;

use capsule_runtime::{
    App, Container, ContainerEvent, Error, PageId, WEB_PROCESS_MEMORY_LIMIT, WebProcessGoneReason,
    WryHandle,
};
use web_process_support::{wait_for, wait_loaded, web_processes, write_app};

/// Keeps 16 MiB buffers, each written so that its pages are really in memory.
const BOMB: &str = r#"
    const hoard = [];
    for (;;) {
        const chunk = new Uint8Array(16 << 20);
        chunk.fill(hoard.length % 250 + 1);
        hoard.push(chunk);
    }
"#;

const CALL: &str =
    r#"const info = await CapsuleJSBridge.call("getSystemInfo"); return typeof info.model;"#;

fn main() -> ExitCode {
    let calm_dir = tempfile::tempdir().expect("tempdir");
    let bomb_dir = tempfile::tempdir().expect("tempdir");
    write_app(calm_dir.path(), "calm-app");
    write_app(bomb_dir.path(), "bomb-app");
    window_support::run("web_process_memory_window", (800, 600), |handle| {
        let container = Container::builder()
            .data_dir(calm_dir.path().join("data"))
            .build(Arc::new(handle.clone()));
        let events = container.subscribe();
        let calm = container
            .open(App::open_dir(calm_dir.path()).expect("calm app"))
            .expect("opens");
        let bomb = container
            .open(App::open_dir(bomb_dir.path()).expect("bomb app"))
            .expect("opens");
        let (handle, driving) = (handle.clone(), container.clone());
        let driver: window_support::Driver = Box::new(move || {
            // The two pages load in either order.
            let mut waiting = vec![calm, bomb];
            while !waiting.is_empty() {
                let loaded = wait_for(&events, "page loads", |event| match event {
                    ContainerEvent::PageLoaded(page) => Some(*page),
                    _ => None,
                })?;
                waiting.retain(|page| *page != loaded);
            }
            drive(&handle, &driving, &events, calm, bomb)
        });
        (container, driver)
    })
}

fn drive(
    handle: &WryHandle,
    container: &Container,
    events: &Receiver<ContainerEvent>,
    calm: PageId,
    bomb: PageId,
) -> Result<(), String> {
    let answers = |page: PageId, when: &str| -> Result<(), String> {
        match handle.run_script(page, CALL, Duration::from_secs(20)) {
            Ok(answer) if answer == "string" => Ok(()),
            other => Err(format!(
                "page {} {when}: getSystemInfo gave {other:?}",
                page.0
            )),
        }
    };
    answers(calm, "before the bomb")?;
    answers(bomb, "before the bomb")?;
    println!("web processes before: {:?}", mib(&web_processes()));

    for (round, reload_expected) in [(1, true), (2, false)] {
        let started = Instant::now();
        match handle.run_script(bomb, BOMB, Duration::from_secs(25)) {
            Err(Error::WebProcessGone(WebProcessGoneReason::ExceededMemoryLimit)) => {}
            other => return Err(format!("bomb {round}: the script ended with {other:?}")),
        }
        let reloaded = wait_for(events, "WebProcessGone", |event| match event {
            ContainerEvent::WebProcessGone {
                page,
                reason: WebProcessGoneReason::ExceededMemoryLimit,
                reloaded,
            } if *page == bomb => Some(*reloaded),
            _ => None,
        })?;
        println!(
            "bomb {round}: web process gone after {:?}, reloaded {reloaded}; now {:?}",
            started.elapsed(),
            mib(&web_processes())
        );
        if reloaded != reload_expected {
            return Err(format!(
                "bomb {round}: want reloaded {reload_expected}, got {reloaded}"
            ));
        }
        if reloaded {
            wait_loaded(events, bomb)?;
            answers(bomb, "after its reload")?;
        } else {
            wait_for(events, "PageClosed", |event| {
                matches!(event, ContainerEvent::PageClosed(page) if *page == bomb).then_some(())
            })?;
        }
        answers(calm, &format!("after bomb {round}"))?;
    }
    if container.app_of(bomb).is_some() || container.app_of(calm).is_none() {
        return Err("want the bomb page closed and the calm page open".into());
    }
    // A killed process may linger a moment as a zombie (no resident memory).
    let mut left = Vec::new();
    for _ in 0..50 {
        left = web_processes();
        left.retain(|(_, bytes)| *bytes > 0);
        if left.len() == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if left.len() != 1
        || left
            .iter()
            .any(|(_, bytes)| *bytes > WEB_PROCESS_MEMORY_LIMIT)
    {
        return Err(format!(
            "want only the calm page's web process left, found {left:?}"
        ));
    }
    Ok(())
}

/// (pid, resident MiB) for printing.
fn mib(processes: &[(u32, u64)]) -> Vec<(u32, u64)> {
    processes
        .iter()
        .map(|(pid, bytes)| (*pid, bytes >> 20))
        .collect()
}
