//! Events per second through the logic layer: the view sends a tap, the page's handler calls
//! `setData` on a 100-item list, the view receives the update and acknowledges it.
//!
//! Baselines measured in the same run: the same handler body called directly in a plain boa
//! `Context` (the engine's floor, no thread, no messages), and a handler that does nothing
//! (the message round trip without `setData`).
//!
//! Each figure is measured twice: with the logic on a thread of this process, and in a worker
//! process (this executable started again as one), where every message crosses a pipe as a
//! line of JSON — the price of holding an app to its budgets.
//!
//! The handlers call no JSAPI, so no container is needed: API calls would be refused.
//!
//! Run with `cargo bench -p capsule-logic --bench logic_events` (`-- --quick`: 100 events
//! per figure).

#[path = "../../benches/support/figure.rs"]
mod figure;

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use boa_engine::{Context, Source};
use capsule_jsapi::Reply;
use capsule_logic::{
    ApiDispatch, BudgetAllocator, EventObject, EventTarget, Isolation, LogicCommand, LogicHandle,
    LogicOptions, LogicToView, ViewEvent,
};
use capsule_packages::App;
use figure::{Figure, Goal};
use serde_json::{Map, Value, json};

/// Refuses every JSAPI call: dropping the reply answers it with an error.
struct NoApis;

impl ApiDispatch for NoApis {
    fn invoke(&self, _: &App, _: &str, _: Value, _: Reply) {}
}

/// Events per figure: 2,000, or 100 with `--quick`.
fn events() -> u64 {
    if std::env::args().any(|arg| arg == "--quick") {
        100
    } else {
        2_000
    }
}

const PAGE: &str = "
const list = [];
for (let i = 0; i < 100; i++) list.push({ id: i, title: 'item ' + i, done: false, tags: ['a', 'b'] });
Page({
  data: { list },
  noop() {},
  togglePath(e) {
    const i = e.currentTarget.dataset.index;
    this.setData({ ['list[' + i + '].done']: !this.data.list[i].done });
  },
  replaceList(e) {
    const i = e.currentTarget.dataset.index;
    this.data.list[i].done = !this.data.list[i].done;
    this.setData({ list: this.data.list });
  },
});
";

/// As in the `capsule` executable, so that both sides pay for the counting.
#[global_allocator]
static ALLOCATOR: BudgetAllocator = BudgetAllocator;

fn main() -> anyhow::Result<()> {
    // Started again as the worker of the process-isolated half.
    let no_service = Box::new(|_: &App, _: Value| Err("this bench offers no service".to_owned()));
    if let Some(code) = capsule_logic::worker_main(no_service) {
        std::process::exit(code);
    }
    let dir = tempfile::tempdir()?;
    let manifest = json!({"appId": "bench", "name": "Bench", "version": "1.0.0",
        "kind": "miniprogram", "dialect": "wechat", "entry": "app.json"});
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string())?;
    std::fs::write(
        dir.path().join("app.json"),
        r#"{"pages":["pages/index/index"]}"#,
    )?;
    std::fs::write(dir.path().join("app.js"), "App({})")?;
    std::fs::create_dir_all(dir.path().join("pages/index"))?;
    std::fs::write(dir.path().join("pages/index/index.js"), PAGE)?;
    let app = App::open_dir(dir.path())?;

    println!("events/s over {} events (higher is better)", events());
    let floor = engine_floor()?;
    println!("  baseline: same handler body in a plain boa Context   {floor:>9.0}");
    for isolation in [Isolation::Thread, Isolation::best_available()] {
        let name = match isolation {
            Isolation::Thread => "logic on a thread of this process",
            Isolation::Process(_) => "logic in a worker process",
        };
        println!(" {name}:");
        let options = LogicOptions {
            isolation,
            ..LogicOptions::default()
        };
        let acked = measure(LogicHandle::spawn(Arc::new(NoApis), app.clone(), options)?)?;
        Figure {
            name: format!("logic event → handler → setData acked ({name})"),
            value: acked,
            baseline: "the handler body in a bare boa Context".into(),
            baseline_value: floor,
            unit: "events/s".into(),
            goal: Goal::AtLeast(0.5),
        }
        .print();
    }
    Ok(())
}

/// The figures of one logic layer, launched here and shut down at the end; returns the rate
/// of events whose `setData` of the list was acknowledged before the next was sent.
fn measure((logic, out): (LogicHandle, Receiver<LogicToView>)) -> anyhow::Result<f64> {
    logic.send(LogicCommand::Launch {
        path: None,
        query: Map::new(),
        scene: 0,
    })?;
    wait(&out, |m| matches!(m, LogicToView::Stack { .. }))?;
    let mut acked = 0.0;
    for (handler, label) in [
        ("noop", "baseline: no-op handler, full round trip"),
        ("togglePath", "setData({'list[i].done': ...}), acked"),
        ("replaceList", "setData({list}) of 100 items, acked"),
    ] {
        let rate = round_trips(&logic, &out, handler)?;
        println!("  {label:<52} {rate:>9.0}");
        if handler == "replaceList" {
            acked = rate;
        }
    }
    let rate = pipelined(&logic, &out, "replaceList")?;
    println!(
        "  {:<52} {rate:>9.0}",
        "setData({list}), events sent without waiting"
    );
    logic.send(LogicCommand::Shutdown)?;
    Ok(acked)
}

fn tap(handler: &str, index: u64, reply_id: Option<u64>) -> LogicCommand {
    let mut dataset = Map::new();
    dataset.insert("index".into(), json!(index % 100));
    LogicCommand::Event(Box::new(ViewEvent {
        page: 1,
        component: None,
        handler: handler.into(),
        event: EventObject {
            kind: "tap".into(),
            current_target: EventTarget {
                dataset,
                ..EventTarget::default()
            },
            ..EventObject::default()
        },
        reply_id,
    }))
}

fn wait(
    out: &Receiver<LogicToView>,
    pred: impl Fn(&LogicToView) -> bool,
) -> anyhow::Result<LogicToView> {
    loop {
        let message = out.recv_timeout(Duration::from_secs(30))?;
        if let LogicToView::ScriptError { message } = &message {
            anyhow::bail!("script failed: {message}");
        }
        if let LogicToView::Stopped { reason } = &message {
            anyhow::bail!("the app stopped: {reason}");
        }
        if pred(&message) {
            return Ok(message);
        }
    }
}

/// One event at a time: send, wait for the update (or the handler's return), acknowledge.
fn round_trips(
    logic: &LogicHandle,
    out: &Receiver<LogicToView>,
    handler: &str,
) -> anyhow::Result<f64> {
    let start = Instant::now();
    for i in 0..events() {
        if handler == "noop" {
            logic.send(tap(handler, i, Some(i)))?;
            wait(out, |m| matches!(m, LogicToView::EventReturn { .. }))?;
        } else {
            logic.send(tap(handler, i, None))?;
            if let LogicToView::SetData { ack_id, .. } =
                wait(out, |m| matches!(m, LogicToView::SetData { .. }))?
            {
                logic.send(LogicCommand::SetDataAck { ack_id })?;
            }
        }
    }
    Ok(events() as f64 / start.elapsed().as_secs_f64())
}

/// All events queued at once, updates acknowledged as they arrive.
fn pipelined(
    logic: &LogicHandle,
    out: &Receiver<LogicToView>,
    handler: &str,
) -> anyhow::Result<f64> {
    let start = Instant::now();
    for i in 0..events() {
        logic.send(tap(handler, i, None))?;
    }
    for _ in 0..events() {
        if let LogicToView::SetData { ack_id, .. } =
            wait(out, |m| matches!(m, LogicToView::SetData { .. }))?
        {
            logic.send(LogicCommand::SetDataAck { ack_id })?;
        }
    }
    Ok(events() as f64 / start.elapsed().as_secs_f64())
}

/// The handler body (flip one item, hand the list over as JSON) in a bare Context.
fn engine_floor() -> anyhow::Result<f64> {
    let mut context = Context::default();
    let setup = "
      const data = { list: [] };
      for (let i = 0; i < 100; i++) data.list.push({ id: i, title: 'item ' + i, done: false, tags: ['a', 'b'] });
      function handler(i) { data.list[i].done = !data.list[i].done; return { list: data.list }; }
    ";
    context
        .eval(Source::from_bytes(setup))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let handler = context
        .global_object()
        .get(boa_engine::js_string!("handler"), &mut context)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let handler = handler
        .as_callable()
        .ok_or_else(|| anyhow::anyhow!("handler is not a function"))?;
    let start = Instant::now();
    for i in 0..events() {
        let value = handler
            .call(
                &boa_engine::JsValue::undefined(),
                &[boa_engine::JsValue::from(i % 100)],
                &mut context,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let json = value
            .to_json(&mut context)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        std::hint::black_box(json);
    }
    Ok(events() as f64 / start.elapsed().as_secs_f64())
}
