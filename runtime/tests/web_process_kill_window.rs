//! A page's WebKit web process killed with SIGKILL: the host survives, reports
//! `WebProcessGone { reason: Crashed, reloaded: true }`, reloads the page in a new web process
//! and the page answers bridge calls again. A script waiting in the page fails at once.
//!
//! A window test (see `window_support`).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod web_process_support;
mod window_support;

use capsule_runtime::{App, Container, ContainerEvent, Error, WebProcessGoneReason, WryHandle};
use web_process_support::{wait_for, wait_loaded, web_processes, write_app};

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    write_app(dir.path(), "killed-app");
    window_support::run("web_process_kill_window", (800, 600), |handle| {
        let container = Container::builder()
            .data_dir(dir.path().join("data"))
            .build(Arc::new(handle.clone()));
        let events = container.subscribe();
        let app = App::open_dir(dir.path()).expect("fixture app");
        let page = container.open(app).expect("opens");
        let (handle, driving) = (handle.clone(), container.clone());
        let driver: window_support::Driver = Box::new(move || {
            wait_loaded(&events, page)?;
            drive(&handle, &driving, &events, page)
        });
        (container, driver)
    })
}

fn drive(
    handle: &WryHandle,
    container: &Container,
    events: &std::sync::mpsc::Receiver<ContainerEvent>,
    page: capsule_runtime::PageId,
) -> Result<(), String> {
    let call =
        r#"const info = await CapsuleJSBridge.call("getSystemInfo"); return typeof info.model;"#;
    let answer = handle
        .run_script(page, call, Duration::from_secs(20))
        .map_err(|e| format!("before the kill: {e}"))?;
    if answer != "string" {
        return Err(format!("getSystemInfo before the kill answered {answer}"));
    }
    let before = web_processes();
    let [(pid, resident)] = before[..] else {
        return Err(format!(
            "want one web process under the host, found {before:?}"
        ));
    };
    println!(
        "web process {pid}: {} MiB resident before the kill",
        resident >> 20
    );

    // A script still waiting in the page when its process dies must fail, not time out.
    let waiting = {
        let handle = handle.clone();
        std::thread::spawn(move || {
            handle.run_script(
                page,
                "await new Promise(() => {});",
                Duration::from_secs(20),
            )
        })
    };
    std::thread::sleep(Duration::from_millis(300));

    let killed_at = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .map_err(|e| format!("cannot run kill: {e}"))?;
    if !status.success() {
        return Err(format!("kill -KILL {pid} failed: {status}"));
    }
    let (reason, reloaded) = wait_for(events, "WebProcessGone", |event| match event {
        ContainerEvent::WebProcessGone {
            page: gone,
            reason,
            reloaded,
        } if *gone == page => Some((*reason, *reloaded)),
        _ => None,
    })?;
    println!("WebProcessGone {:?} after the kill", killed_at.elapsed());
    if (reason, reloaded) != (WebProcessGoneReason::Crashed, true) {
        return Err(format!(
            "want reason Crashed and a reload, got {reason:?}, reloaded {reloaded}"
        ));
    }
    match waiting
        .join()
        .map_err(|_| "the waiting script's thread panicked")?
    {
        Err(Error::WebProcessGone(WebProcessGoneReason::Crashed)) => {}
        other => return Err(format!("the waiting script ended with {other:?}")),
    }
    if !container.has_pages() {
        return Err("the page was closed instead of reloaded".into());
    }

    wait_loaded(events, page)?;
    println!("page loaded again {:?} after the kill", killed_at.elapsed());
    let answer = handle
        .run_script(page, call, Duration::from_secs(20))
        .map_err(|e| format!("after the reload: {e}"))?;
    if answer != "string" {
        return Err(format!("getSystemInfo after the reload answered {answer}"));
    }
    let after = web_processes();
    if after.len() != 1 || after[0].0 == pid {
        return Err(format!(
            "want one new web process, found {after:?} (killed {pid})"
        ));
    }
    Ok(())
}
