//! The figures of the real window, each against a plain wry window measured in the same run:
//!
//! - cold start: from starting a process to the first paint of the todo example
//!   (`examples/todo-wechat`), against a process that opens a plain wry window on one page
//!   served over a custom protocol and reports its first paint;
//! - a tap: the page's element clicked → the logic's handler → `setData` → the DOM patched,
//!   against a raw round trip: the page posts an IPC message and the native side's
//!   `evaluate_script` changes the DOM;
//! - an H5 bridge call (`getNetworkType`) against the raw IPC round trip that resolves a
//!   promise;
//! - peak resident memory of the process and its web and logic processes with the todo app
//!   open, against the plain window's.
//!
//! Each run is a fresh process of this executable (`--child plain` or `--child capsule`),
//! started by the parent one after the other under one display (a private Xvfb when there
//! is none); the figures are medians over the runs.
//!
//! `cargo bench -p capsule-runtime --bench window_figures` (`-- --quick`: one run each and
//! fewer round trips; the figures then mean little).

#[path = "support/figure.rs"]
mod figure;
#[path = "../tests/window_support/mod.rs"]
mod window_support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use capsule_runtime::{App, Container, ContainerEvent, VirtualDisplay};
use figure::{Figure, Goal};
use serde_json::{Value, json};

/// The window's size, a phone's.
const WINDOW: (u32, u32) = (390, 844);

fn quick() -> bool {
    std::env::args().any(|arg| arg == "--quick")
}

/// Processes started per kind.
fn runs() -> usize {
    if quick() { 1 } else { 5 }
}

/// Round trips measured per process.
fn trips() -> usize {
    if quick() { 20 } else { 200 }
}

/// What one child process measured.
#[derive(Debug)]
struct Run {
    /// From spawning the process to its first-paint line, in ms.
    first_paint_ms: f64,
    /// From spawning the process to its line saying it opens the window (the process
    /// started, GTK and the host set up), in ms.
    opening_ms: f64,
    /// Median tap (or raw DOM round trip) in ms.
    tap_ms: f64,
    /// Median bridge call (or raw IPC round trip) in ms.
    call_ms: f64,
    /// Summed peak resident memory of the process tree, in KiB.
    peak_rss_kib: f64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let child = args
        .iter()
        .position(|arg| arg == "--child")
        .and_then(|at| args.get(at + 1));
    let outcome = match child.map(String::as_str) {
        Some("plain") => plain::run(),
        Some("capsule") => return capsule_child(),
        Some(other) => Err(anyhow::anyhow!("unknown child {other}")),
        None => parent(),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("window_figures: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn parent() -> Result<()> {
    let mut plain_runs = Vec::new();
    let mut capsule_runs = Vec::new();
    // Alternated, so that a slow moment of the machine does not fall on one side only.
    for _ in 0..runs() {
        plain_runs.push(child("plain")?);
        capsule_runs.push(child("capsule")?);
    }
    let median_of = |runs: &[Run], field: fn(&Run) -> f64| median(runs.iter().map(field).collect());
    println!("window figures, medians of {} runs each:", runs());
    println!("  {:<34} {:>12} {:>12}", "", "plain wry", "capsule");
    for (label, field) in [
        (
            "window opened (ms)",
            (|run: &Run| run.opening_ms) as fn(&Run) -> f64,
        ),
        ("first paint (ms)", |run| run.first_paint_ms),
        ("tap / DOM round trip (ms)", |run| run.tap_ms),
        ("bridge call / IPC round trip (ms)", |run| run.call_ms),
        ("peak RSS of the tree (MiB)", |run| {
            run.peak_rss_kib / 1024.0
        }),
    ] {
        println!(
            "  {label:<34} {:>12.2} {:>12.2}",
            median_of(&plain_runs, field),
            median_of(&capsule_runs, field)
        );
    }
    let figures = [
        (
            "cold start to first paint of the todo example (window)",
            "a plain wry window loading one page over a custom protocol",
            (|run: &Run| run.first_paint_ms) as fn(&Run) -> f64,
            "ms",
            1.3,
        ),
        (
            "tap → handler → setData → DOM patched (real webview)",
            "a raw evaluate_script round trip changing the DOM",
            |run| run.tap_ms,
            "ms",
            2.0,
        ),
        (
            "H5 bridge call round trip",
            "a raw wry IPC round trip",
            |run| run.call_ms,
            "ms",
            1.2,
        ),
        (
            "peak RSS, one app open (with its web and logic processes)",
            "the plain wry window's",
            |run| run.peak_rss_kib / 1024.0,
            "MiB",
            1.2,
        ),
    ];
    for (name, baseline, field, unit, goal) in figures {
        Figure {
            name: name.into(),
            value: median_of(&capsule_runs, field),
            baseline: baseline.into(),
            baseline_value: median_of(&plain_runs, field),
            unit: unit.into(),
            goal: Goal::AtMost(goal),
        }
        .print();
    }
    Ok(())
}

/// Starts this executable as child `kind` and reads what it measured. With no display, each
/// child gets an Xvfb of its own, started before the clock (it ends with its last client).
fn child(kind: &str) -> Result<Run> {
    let virtual_display = match std::env::var_os("DISPLAY").filter(|value| !value.is_empty()) {
        Some(_) => None,
        None => Some(VirtualDisplay::start(1280, 1024)?),
    };
    let display = match &virtual_display {
        Some(display) => display.name().to_owned(),
        None => std::env::var("DISPLAY")?,
    };
    let data = tempfile::tempdir()?;
    let mut command = Command::new(std::env::current_exe()?);
    command
        .args(["--child", kind])
        .args(quick().then_some("--quick"))
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_BENCH_DATA", data.path())
        .env("CAPSULE_LOG", "warn")
        .stdout(Stdio::piped());
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        command.env("DBUS_SESSION_BUS_ADDRESS", "disabled:");
    }
    let started = Instant::now();
    let mut process = command.spawn()?;
    let stdout = process.stdout.take().context("child stdout")?;
    let mut first_paint_ms = None;
    let mut opening_ms = None;
    let mut result = None;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if line == "opening" {
            opening_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
        } else if line == "painted" {
            first_paint_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
        } else if let Some(json) = line.strip_prefix("phases ") {
            println!("  {kind} cold start phases (ms): {json}");
        } else if let Some(json) = line.strip_prefix("result ") {
            result = Some(serde_json::from_str::<Value>(json)?);
        }
    }
    let status = process.wait()?;
    if !status.success() {
        bail!("child {kind} failed: {status}");
    }
    let result = result.with_context(|| format!("child {kind} reported nothing"))?;
    let number = |key: &str| {
        result[key]
            .as_f64()
            .with_context(|| format!("{kind}: no {key} in {result}"))
    };
    Ok(Run {
        first_paint_ms: first_paint_ms.with_context(|| format!("child {kind} never painted"))?,
        opening_ms: opening_ms.with_context(|| format!("child {kind} never said it opens"))?,
        tap_ms: number("tapMs")?,
        call_ms: number("callMs")?,
        peak_rss_kib: number("peakRssKib")?,
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The summed peak resident memory (`VmHWM`) of this process and all its descendants, in KiB.
fn tree_peak_rss_kib() -> Result<f64> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc")? {
        let name = entry?.file_name();
        let Some(pid) = name.to_str().and_then(|name| name.parse::<u32>().ok()) else {
            continue;
        };
        // A process may end while it is read: skip it.
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let after_comm = stat.rfind(')').map_or("", |at| &stat[at + 1..]);
        if let Some(ppid) = after_comm
            .split_whitespace()
            .nth(1)
            .and_then(|ppid| ppid.parse::<u32>().ok())
        {
            parents.push((pid, ppid));
        }
    }
    let mut tree = vec![std::process::id()];
    let mut at = 0;
    while at < tree.len() {
        let parent = tree[at];
        tree.extend(
            parents
                .iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        at += 1;
    }
    let mut total = 0.0;
    for pid in tree {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
            continue;
        };
        if let Some(kib) = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.split_whitespace().next())
            .and_then(|kib| kib.parse::<f64>().ok())
        {
            total += kib;
        }
    }
    Ok(total)
}

/// In-page code shared by both sides: `medianOf(count, once)` runs the async `once(i)`
/// `count` times, one after the other, in batches of up to fifty, and returns the median of
/// the batches' mean times in ms (WebKit's clock counts whole milliseconds). `changed(node)`
/// resolves when anything in `node` changes.
const MEDIAN_OF: &str = "
const medianOf = async (count, once) => {
  const means = [];
  for (let i = 0; i < count; ) {
    const start = performance.now();
    const batch = Math.min(50, count - i);
    for (let j = 0; j < batch; j++, i++) await once(i);
    means.push((performance.now() - start) / batch);
  }
  means.sort((a, b) => a - b);
  return means[Math.floor(means.length / 2)];
};
const changed = (node) => new Promise((done) => {
  const observer = new MutationObserver(() => { observer.disconnect(); done(); });
  observer.observe(node, { attributes: true, childList: true, subtree: true, characterData: true });
});
";

/// The plain wry window: the baseline.
mod plain {
    use super::*;
    use tao::event::{Event, WindowEvent};
    use tao::event_loop::{ControlFlow, EventLoopBuilder};
    use tao::platform::unix::WindowExtUnix;
    use tao::window::WindowBuilder;
    use wry::http::Response;
    use wry::{WebViewBuilder, WebViewBuilderExtUnix};

    /// The page: reports its first paint, then measures the raw round trips.
    fn page() -> String {
        format!(
            r#"<!doctype html><html><head><meta charset="utf-8"><title>plain</title></head>
<body><h1>Todos</h1><p id="out">0</p><script>
{MEDIAN_OF}
window.__answer = null;
requestAnimationFrame(() => requestAnimationFrame(async () => {{
  window.ipc.postMessage('painted');
  const out = document.getElementById('out');
  const tapMs = await medianOf({trips}, (i) => {{
    const done = changed(out);
    window.ipc.postMessage('dom:' + i);
    return done;
  }});
  const callMs = await medianOf({trips}, (i) => new Promise((done) => {{
    window.__answer = done;
    window.ipc.postMessage('call:' + i);
  }}));
  window.ipc.postMessage('result:' + JSON.stringify({{ tapMs, callMs }}));
}}));
</script></body></html>"#,
            trips = trips()
        )
    }

    pub(super) fn run() -> Result<()> {
        let event_loop = EventLoopBuilder::<String>::with_user_event().build();
        println!("opening");
        let proxy = event_loop.create_proxy();
        let window = WindowBuilder::new()
            .with_title("plain")
            .with_inner_size(tao::dpi::LogicalSize::new(WINDOW.0, WINDOW.1))
            .build(&event_loop)?;
        let vbox = window.default_vbox().context("a GTK box")?;
        let html = page();
        let webview = WebViewBuilder::new()
            .with_custom_protocol("capsule".into(), move |_, _request| {
                Response::builder()
                    .header("Content-Type", "text/html; charset=utf-8")
                    .body(std::borrow::Cow::Owned(html.clone().into_bytes()))
                    .unwrap_or_default()
            })
            .with_url("capsule://plain/index.html")
            .with_ipc_handler(move |request| {
                proxy.send_event(request.into_body()).ok();
            })
            .build_gtk(vbox)?;
        event_loop.run(move |event, _, control_flow| {
            *control_flow = ControlFlow::Wait;
            match event {
                Event::UserEvent(message) => {
                    if message == "painted" {
                        println!("painted");
                    } else if let Some(n) = message.strip_prefix("dom:") {
                        let script = format!("document.getElementById('out').textContent = '{n}'");
                        webview.evaluate_script(&script).ok();
                    } else if message.starts_with("call:") {
                        webview.evaluate_script("window.__answer()").ok();
                    } else if let Some(json) = message.strip_prefix("result:") {
                        report(json);
                        *control_flow = ControlFlow::Exit;
                    }
                }
                Event::WindowEvent {
                    event: WindowEvent::CloseRequested,
                    ..
                } => *control_flow = ControlFlow::Exit,
                _ => {}
            }
        });
    }
}

/// Prints the child's result line: the page's `json` and the tree's peak memory.
fn report(json: &str) {
    let mut result: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    match tree_peak_rss_kib() {
        Ok(kib) => result["peakRssKib"] = json!(kib),
        Err(error) => eprintln!("cannot read the process tree's memory: {error}"),
    }
    println!("result {result}");
}

/// Capsule: the todo example in the window, its taps, then an H5 app's bridge calls.
fn capsule_child() -> ExitCode {
    let data =
        std::env::var_os("CAPSULE_BENCH_DATA").map_or_else(std::env::temp_dir, PathBuf::from);
    let apps = data.join("apps");
    window_support::run("window_figures", WINDOW, move |handle| {
        let container = Container::builder()
            .data_dir(&data)
            .build(Arc::new(handle.clone()));
        let handle = handle.clone();
        let driving = container.clone();
        let drive = move || measure_capsule(&driving, &handle, &apps).map_err(|e| format!("{e:#}"));
        (container, Box::new(drive))
    })
}

fn measure_capsule(
    container: &Container,
    handle: &capsule_runtime::WryHandle,
    apps: &Path,
) -> Result<()> {
    let todo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/todo-wechat");
    println!("opening");
    let program = window_support::launch(container, &todo);
    // The session records the cold start once the first render is on screen (the page host
    // answers two frames after applying it) and `onReady` has run.
    let deadline = Instant::now() + window_support::TIMEOUT;
    let cold_start = loop {
        if let Some(cold_start) = program.snapshot()?.cold_start {
            break cold_start;
        }
        if Instant::now() > deadline {
            bail!("the todo page never rendered");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    println!("painted");
    // The session's own phases, for reading the figure.
    println!("phases {}", serde_json::to_string(&cold_start)?);
    // One todo to toggle: each tap flips it (a path setData, the count, and storage).
    program
        .evaluate("getCurrentPages()[0].commit([{ id: 1, text: 'bench', done: false }]); true")?;
    window_support::wait(&program, "the todo to toggle", |snapshot| {
        snapshot.html.contains("class=\"toggle\"")
    })
    .map_err(anyhow::Error::msg)?;
    let tap = format!(
        "{MEDIAN_OF}
         const todo = document.querySelector('.todo');
         const toggle = document.querySelector('.toggle');
         if (!todo || !toggle) throw new Error('no todo to toggle');
         return await medianOf({trips}, () => {{
           const done = changed(todo);
           toggle.click();
           return done;
         }});",
        trips = trips()
    );
    let timeout = Duration::from_secs(300);
    let tap_ms = handle.run_script(program.page(), &tap, timeout)?;
    let peak_rss_kib = tree_peak_rss_kib()?;

    let events = container.subscribe();
    let h5 = apps.join("h5");
    std::fs::create_dir_all(&h5)?;
    let manifest = json!({
        "appId": "bench-h5", "name": "Bench", "version": "1.0.0", "kind": "h5",
        "entry": "index.html", "permissions": { "apis": ["system"] },
    });
    std::fs::write(h5.join("manifest.json"), manifest.to_string())?;
    std::fs::write(h5.join("index.html"), "<!doctype html><h1>bench</h1>")?;
    let page = container.open(App::open_dir(&h5)?)?;
    let deadline = Instant::now() + window_support::TIMEOUT;
    loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(ContainerEvent::PageLoaded(loaded)) if loaded == page => break,
            Ok(_) => {}
            Err(_) => bail!("the H5 page did not load"),
        }
    }
    let call = format!(
        "{MEDIAN_OF}
         return await medianOf({trips}, () => AlipayJSBridge.call('getNetworkType', {{}}));",
        trips = trips()
    );
    let call_ms = handle.run_script(page, &call, timeout)?;
    let result = json!({ "tapMs": tap_ms, "callMs": call_ms, "peakRssKib": peak_rss_kib });
    println!("result {result}");
    Ok(())
}
