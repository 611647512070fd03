//! `capsule test`: scenario files (see the README) played against a running mini-program,
//! headless or in the real window.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use capsule_jsapi::{ApiError, SCAN_FAILED, ScanImage, ScanRequest, ScanSource};
use capsule_runtime::{ContainerEvent, DeviceProfile, MiniProgram, Route, Snapshot, UserAction};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use serde_json::{Map, Value, json};

use capsule_runtime::view::{Selector, VNode, describe, element_at, text_of};

use crate::visual;

/// How long an `expect` step retries before it fails: updates that an action starts
/// asynchronously (a storage call, a timer) get this long to arrive.
const EXPECT_SETTLE: Duration = Duration::from_millis(1500);
/// Default timeout of `wait` steps and of `answer` steps waiting for their dialog.
const DEFAULT_WAIT: Duration = Duration::from_secs(5);
/// Pause between polls.
const POLL: Duration = Duration::from_millis(40);
/// How the error of an app stopped for good begins (`stopped: <reason>`) in
/// [`Snapshot::errors`].
pub(crate) const STOPPED: &str = "stopped: ";

/// Why the app was stopped for good (over its memory or time budget, crashed), if it was.
fn stop_reason(snapshot: &Snapshot) -> Option<&str> {
    if !snapshot.crashed {
        return None;
    }
    snapshot
        .errors
        .iter()
        .rev()
        .find_map(|error| error.strip_prefix(STOPPED))
}

/// What the user is told of an app stopped for good or running low on memory:
/// `error: mini-program <id> was stopped: <reason>` or
/// `warn: mini-program <id> is low on memory (level 10): 75.0 of its 96.0 MiB in use`.
pub(crate) fn event_line(event: &ContainerEvent) -> Option<String> {
    match event {
        ContainerEvent::AppStopped { app, reason, .. } => {
            Some(format!("error: mini-program {app} was stopped: {reason}"))
        }
        ContainerEvent::MemoryWarning {
            app,
            level,
            used,
            budget,
            ..
        } => Some(format!(
            "warn: mini-program {app} is low on memory (level {level}): {:.1} of its {:.1} MiB \
             in use",
            mib(*used),
            mib(*budget)
        )),
        _ => None,
    }
}

/// `bytes` in MiB.
fn mib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1 << 20)
}

/// The failure of any step once the app has been stopped: nothing it checks can change.
fn stopped_error(reason: &str) -> anyhow::Error {
    anyhow::anyhow!("the mini-program was stopped: {reason}")
}

/// A parsed scenario file.
#[derive(Debug)]
pub(crate) struct Scenario {
    /// `name`, or the file name.
    pub(crate) name: String,
    /// `device`: the preset it runs on, when it names one.
    pub(crate) device: Option<DeviceProfile>,
    /// `query` for the home page.
    pub(crate) query: Option<String>,
    /// Where the approved images of its `compare` screenshots live:
    /// `approved/<file stem>/` beside the scenario file.
    pub(crate) approved_dir: PathBuf,
    steps: Vec<Value>,
}

impl Scenario {
    /// Reads and checks a scenario file's top level; steps are checked as they run.
    pub(crate) fn load(file: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let root: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", file.display()))?;
        let Some(root) = root.as_object() else {
            bail!("{}: a scenario is a JSON object", file.display());
        };
        let text_field = |key: &str| -> Result<Option<String>> {
            match root.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => bail!("{}: '{key}' must be a string", file.display()),
            }
        };
        let steps = match root.get("steps") {
            Some(Value::Array(steps)) => steps.clone(),
            _ => bail!("{}: 'steps' must be a list", file.display()),
        };
        Ok(Self {
            name: text_field("name")?.unwrap_or_else(|| file.display().to_string()),
            device: text_field("device")?
                .map(|name| {
                    DeviceProfile::named(&name)
                        .with_context(|| format!("{}: unknown device '{name}'", file.display()))
                })
                .transpose()?,
            query: text_field("query")?,
            approved_dir: file
                .parent()
                .unwrap_or(Path::new("."))
                .join("approved")
                .join(file.file_stem().unwrap_or_default()),
            steps,
        })
    }

    /// Number of steps.
    pub(crate) fn len(&self) -> usize {
        self.steps.len()
    }
}

/// What a scan step queued for the app's next scan.
#[derive(Debug, Clone)]
enum ScanAnswer {
    Image(PathBuf),
    Cancel,
}

/// The camera stand-in of a test run: scans take the images `answer` steps queued.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScriptedScans(Arc<Mutex<VecDeque<ScanAnswer>>>);

impl ScriptedScans {
    fn push(&self, answer: ScanAnswer) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(answer);
    }
}

impl ScanSource for ScriptedScans {
    fn image(&self, _request: &ScanRequest) -> Result<Option<ScanImage>, ApiError> {
        let next = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        match next {
            Some(ScanAnswer::Image(path)) => ScanImage::from_file(&path).map(Some),
            Some(ScanAnswer::Cancel) => Ok(None),
            None => Err(ApiError::new(
                SCAN_FAILED,
                "no scan answer: add an {\"answer\": {\"scanImage\": ...}} step before the scan",
            )),
        }
    }
}

/// The outcome of one scenario.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The scenario's name.
    pub(crate) name: String,
    /// The failure that ended the run, if one did: `step N (...): message`.
    pub(crate) failure: Option<String>,
    /// Wall time.
    pub(crate) elapsed: Duration,
}

/// Takes a screenshot of the window into a file.
pub(crate) type Screenshot<'a> = &'a dyn Fn(&Path) -> Result<()>;

/// What a scenario runs against.
pub(crate) struct Target<'a> {
    /// The running app.
    pub(crate) app: &'a MiniProgram,
    /// Whether the app is WeChat-dialect (storage calls differ).
    pub(crate) wechat: bool,
    /// Where screenshots go.
    pub(crate) out_dir: &'a Path,
    /// Takes a screenshot of the window, when there is one.
    pub(crate) screenshot: Option<Screenshot<'a>>,
    /// The run's scripted camera.
    pub(crate) scans: &'a ScriptedScans,
    /// The scenario's folder of approved screenshots.
    pub(crate) approved_dir: &'a Path,
    /// Whether `compare` screenshots are approved as taken instead of compared.
    pub(crate) approve: bool,
    /// The container's events: the app's memory warnings and stop are printed among the
    /// steps.
    pub(crate) events: &'a Receiver<ContainerEvent>,
}

impl Target<'_> {
    /// Prints what the container reported of this app since the last call (memory warnings,
    /// its stop); events of other windows are dropped.
    fn print_events(&self) {
        let page = self.app.page();
        for event in self.events.try_iter() {
            let ours = match &event {
                ContainerEvent::AppStopped { page: of, .. }
                | ContainerEvent::MemoryWarning { page: of, .. } => *of == page,
                _ => false,
            };
            if let Some(line) = event_line(&event).filter(|_| ours) {
                println!("  {line}");
            }
        }
    }

    /// The error of a step that failed: once the app was stopped, the stop and its reason
    /// (whatever the step found then, a missing element or a timeout, follows from it).
    fn explain(&self, error: anyhow::Error) -> anyhow::Error {
        match self.app.snapshot() {
            Ok(snapshot) => stop_reason(&snapshot).map_or(error, stopped_error),
            Err(_) => error,
        }
    }
}

/// Plays `scenario`, printing one line per step.
pub(crate) fn play(scenario: &Scenario, target: &Target<'_>) -> Outcome {
    let started = Instant::now();
    println!("{}", scenario.name);
    let mut passed = 0;
    let mut failure = None;
    for (index, step) in scenario.steps.iter().enumerate() {
        let number = index + 1;
        let label = label_of(step);
        match run_step(step, target).and_then(|()| target.app.settle().map_err(Into::into)) {
            Ok(()) => {
                passed += 1;
                println!("  ok   {number:>3} {label}");
                target.print_events();
            }
            Err(error) => {
                let error = target.explain(error);
                // What led to the failure (the app's stop, say) first.
                target.print_events();
                println!("  FAIL {number:>3} {label}\n       {error:#}");
                failure = Some(format!("step {number} ({label}): {error:#}"));
                break;
            }
        }
    }
    let skipped = scenario.len() - passed - usize::from(failure.is_some());
    println!(
        "  {passed} passed, {} failed{}",
        usize::from(failure.is_some()),
        if skipped > 0 {
            format!(", {skipped} skipped")
        } else {
            String::new()
        }
    );
    Outcome {
        name: scenario.name.clone(),
        failure,
        elapsed: started.elapsed(),
    }
}

/// A step as one line: `tap .todo .toggle [1]`.
fn label_of(step: &Value) -> String {
    let object = step.as_object();
    // A screenshot step's options sit beside its key (and may sort before it).
    let first = object.and_then(|o| o.get_key_value("screenshot").or_else(|| o.iter().next()));
    match first {
        Some((kind, arg)) => {
            let arg = arg.to_string();
            let arg: String = arg.chars().take(90).collect();
            format!("{kind} {arg}")
        }
        None => step.to_string(),
    }
}

fn run_step(step: &Value, target: &Target<'_>) -> Result<()> {
    // The one step with options beside its key: {"screenshot": "x.png", "compare": true}.
    if let Some(step) = step.as_object()
        && let Some(name) = step.get("screenshot")
    {
        return screenshot(target, name, step);
    }
    let Some((kind, arg)) = step
        .as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.iter().next())
    else {
        bail!("a step is an object with one key, like {{\"tap\": {{\"selector\": \".x\"}}}}");
    };
    let app = target.app;
    match kind.as_str() {
        "tap" => act(target, arg, UserAction::Tap),
        "longpress" => act(target, arg, UserAction::LongPress),
        "input" => act(target, arg, UserAction::Input(string_field(arg, "value")?)),
        "confirm" => act(target, arg, UserAction::Confirm),
        "change" => {
            let value = arg
                .get("value")
                .cloned()
                .context("'change' needs a 'value'")?;
            act(target, arg, UserAction::Change(value))
        }
        "tapTab" => {
            let index = arg.as_u64().context("'tapTab' takes a tab number")?;
            Ok(app.tap_tab(index as usize)?)
        }
        "back" => {
            let presses = match arg {
                Value::Bool(true) => 1,
                Value::Number(n) => n
                    .as_u64()
                    .filter(|n| *n > 0)
                    .context("'back' takes true or a count of presses")?,
                _ => bail!("'back' takes true or a count of presses"),
            };
            // One press after another: each page between is shown, then left.
            for press in 1..=presses {
                app.press_back()
                    .with_context(|| format!("back press {press} of {presses}"))?;
                app.settle()?;
            }
            Ok(())
        }
        "navigate" => {
            let url = arg.as_str().context("'navigate' takes a URL")?.to_owned();
            Ok(app.route(Route::NavigateTo { url })?)
        }
        "open" => {
            let url = arg.as_str().context("'open' takes a URL")?.to_owned();
            Ok(app.route(Route::ReLaunch { url })?)
        }
        "answer" => answer(target, arg),
        "wait" => wait(target, arg),
        "expect" => expect(target, arg),
        "scroll" => {
            let top = arg
                .get("top")
                .and_then(Value::as_f64)
                .context("'scroll' needs a number 'top'")?;
            if arg.get("selector").is_some() {
                act(target, arg, UserAction::Scroll(top))
            } else {
                Ok(app.scroll_page(top)?)
            }
        }
        "swipe" => {
            let to = arg
                .get("to")
                .and_then(Value::as_u64)
                .context("'swipe' needs an item number 'to'")?;
            act(target, arg, UserAction::Swipe(u32::try_from(to)?))
        }
        other => bail!("unknown step '{other}'"),
    }
}

fn string_field(arg: &Value, key: &str) -> Result<String> {
    arg.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("needs a string '{key}'"))
}

/// The element a step names with `selector` and `index`, on the current page.
fn locate(snapshot: &Snapshot, arg: &Value) -> Result<Vec<u32>> {
    let selector = string_field(arg, "selector")?;
    let index = arg.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
    let matches = Selector::parse(&selector)?.find(&snapshot.tree);
    match matches.get(index) {
        Some(path) => Ok(path.clone()),
        None if matches.is_empty() => bail!(
            "no element matches '{selector}' on {}; the page has: {}",
            snapshot.route.as_deref().unwrap_or("no page"),
            describe(&snapshot.tree)
        ),
        None => bail!(
            "'{selector}' matches {} elements, no index {index}",
            matches.len()
        ),
    }
}

fn act(target: &Target<'_>, arg: &Value, action: UserAction) -> Result<()> {
    let path = locate(&target.app.snapshot()?, arg)?;
    Ok(target.app.act(path, action)?)
}

/// Retries `check` until it passes or `limit` has passed; the error is the last failure.
/// Once the app has been stopped nothing can change: a failing check fails at once.
fn poll(target: &Target<'_>, limit: Duration, check: impl Fn() -> Result<()>) -> Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        match check() {
            Ok(()) => return Ok(()),
            Err(error) if Instant::now() >= deadline => return Err(error),
            Err(_) => {
                if let Some(reason) = stop_reason(&target.app.snapshot()?) {
                    return Err(stopped_error(reason));
                }
                std::thread::sleep(POLL);
                target.app.settle()?;
            }
        }
    }
}

fn answer(target: &Target<'_>, arg: &Value) -> Result<()> {
    if let Some(file) = arg.get("scanImage") {
        let file = file.as_str().context("'scanImage' takes an image file")?;
        target.scans.push(ScanAnswer::Image(PathBuf::from(file)));
        return Ok(());
    }
    if arg.get("scanCancel").is_some() {
        target.scans.push(ScanAnswer::Cancel);
        return Ok(());
    }
    let result = if let Some(choice) = arg.get("modal") {
        match choice.as_str() {
            Some("confirm") => json!({"confirm": true}),
            Some("cancel") => json!({"confirm": false}),
            _ => bail!("'modal' takes \"confirm\" or \"cancel\""),
        }
    } else if let Some(index) = arg.get("actionSheet") {
        json!({"index": index.as_i64().context("'actionSheet' takes an item number")?})
    } else {
        bail!("'answer' takes modal, actionSheet, scanImage or scanCancel");
    };
    let deadline = Instant::now() + DEFAULT_WAIT;
    loop {
        let snapshot = target.app.snapshot()?;
        let open = snapshot.ui.iter().rev().find(|shown| shown.open);
        if let Some(dialog) = open {
            return Ok(target.app.answer_ui(dialog.id, result)?);
        }
        if let Some(reason) = stop_reason(&snapshot) {
            return Err(stopped_error(reason));
        }
        if Instant::now() >= deadline {
            bail!("no dialog opened within {} s", DEFAULT_WAIT.as_secs());
        }
        std::thread::sleep(POLL);
    }
}

/// What a `wait` step may name.
const WAIT_KEYS: [&str; 7] = [
    "selector",
    "index",
    "text",
    "contains",
    "page",
    "ms",
    "timeoutMs",
];

fn wait(target: &Target<'_>, arg: &Value) -> Result<()> {
    let Some(fields) = arg.as_object() else {
        bail!("'wait' takes an object");
    };
    if let Some(unknown) = fields.keys().find(|key| !WAIT_KEYS.contains(&key.as_str())) {
        bail!(
            "unknown key '{unknown}' in a wait step (it takes {})",
            WAIT_KEYS.join(", ")
        );
    }
    if let Some(ms) = arg.get("ms").and_then(Value::as_u64) {
        std::thread::sleep(Duration::from_millis(ms.min(60_000)));
        return Ok(());
    }
    let selector = fields.contains_key("selector");
    // Without a selector, `text` (or `contains`) may appear anywhere on the page.
    let anywhere = if selector {
        None
    } else {
        match arg.get("text").or_else(|| arg.get("contains")) {
            Some(text) => Some(text.as_str().context("'text' takes a string")?),
            None => None,
        }
    };
    let page = arg.get("page").and_then(Value::as_str);
    if !selector && anywhere.is_none() && page.is_none() {
        bail!("'wait' needs selector, text, page or ms");
    }
    let limit = arg
        .get("timeoutMs")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_WAIT, Duration::from_millis);
    poll(target, limit, || {
        let snapshot = target.app.snapshot()?;
        if let Some(page) = page {
            check_page(&snapshot, page)?;
        }
        if selector {
            check_element(&snapshot, arg)?;
        }
        if let Some(wanted) = anywhere {
            let text = page_text(&snapshot.tree);
            if !text.contains(wanted) {
                bail!("expected the text {wanted:?} on the page, found {text:?}");
            }
        }
        Ok(())
    })
    .context("timed out")
}

/// The rendered text of the whole page.
fn page_text(tree: &[VNode]) -> String {
    tree.iter()
        .map(|node| match node {
            VNode::Text { text } => text.clone(),
            VNode::Element(element) => text_of(element),
        })
        .collect()
}

fn check_page(snapshot: &Snapshot, page: &str) -> Result<()> {
    let wanted = page.trim_start_matches('/');
    let current = snapshot.route.as_deref().unwrap_or("(none)");
    if current != wanted {
        bail!("expected page {wanted}, found {current}");
    }
    Ok(())
}

/// Checks `text`, `contains`, `count`, `visible` and `attr` of the element a step names.
fn check_element(snapshot: &Snapshot, arg: &Value) -> Result<()> {
    if let Some(count) = arg.get("count").and_then(Value::as_u64) {
        let selector = string_field(arg, "selector")?;
        let found = Selector::parse(&selector)?.find(&snapshot.tree).len();
        if found as u64 != count {
            bail!("expected {count} × '{selector}', found {found}");
        }
        if count == 0 {
            return Ok(());
        }
    }
    let path = locate(snapshot, arg)?;
    let element = element_at(&snapshot.tree, &path).context("element vanished")?;
    let text = text_of(element);
    if let Some(wanted) = arg.get("text").and_then(Value::as_str)
        && text != wanted.trim()
    {
        bail!("expected text {wanted:?}, found {text:?}");
    }
    if let Some(wanted) = arg.get("contains").and_then(Value::as_str)
        && !text.contains(wanted)
    {
        bail!("expected text containing {wanted:?}, found {text:?}");
    }
    if let Some(visible) = arg.get("visible").and_then(Value::as_bool) {
        let hidden = element
            .attrs
            .get("hidden")
            .is_some_and(|h| !matches!(h, Value::Bool(false) | Value::Null));
        if hidden == visible {
            bail!(
                "expected the element {}",
                if visible { "visible" } else { "hidden" }
            );
        }
    }
    if let Some(Value::Object(attrs)) = arg.get("attr") {
        for (name, wanted) in attrs {
            let actual = element.attrs.get(name).cloned().unwrap_or(Value::Null);
            if !loosely_equal(&actual, wanted) {
                bail!("expected attribute {name}={wanted}, found {actual}");
            }
        }
    }
    Ok(())
}

/// Equal as JSON, or equal as text (attributes written as strings in templates).
fn loosely_equal(actual: &Value, wanted: &Value) -> bool {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    actual == wanted || text(actual) == text(wanted)
}

fn expect(target: &Target<'_>, arg: &Value) -> Result<()> {
    let Some(arg) = arg.as_object() else {
        bail!("'expect' takes an object");
    };
    if let Some(Value::Bool(true)) = arg.get("noErrors") {
        let errors = target.app.snapshot()?.errors;
        if !errors.is_empty() {
            bail!("expected no errors, found: {}", errors.join(" | "));
        }
        return Ok(());
    }
    let value = Value::Object(arg.clone());
    poll(target, EXPECT_SETTLE, || expect_once(target, arg, &value))
}

fn expect_once(target: &Target<'_>, arg: &Map<String, Value>, value: &Value) -> Result<()> {
    let snapshot = target.app.snapshot()?;
    let text = |key: &str| arg.get(key).and_then(Value::as_str);
    if let Some(page) = text("page") {
        return check_page(&snapshot, page);
    }
    if arg.contains_key("selector") {
        return check_element(&snapshot, value);
    }
    if let Some(path) = text("data") {
        let wanted = arg.get("equals").context("'data' needs 'equals'")?;
        let source = format!(
            "(function () {{ const pages = getCurrentPages(); \
             return pages[pages.length - 1].data.{path}; }})()"
        );
        let found = target.app.evaluate(&source)?;
        if found != *wanted {
            bail!("expected data {path} = {wanted}, found {found}");
        }
        return Ok(());
    }
    if let Some(key) = text("storage") {
        return check_storage(target, key, arg);
    }
    let ui_text = |types: &[&str], wanted: &str| {
        snapshot.ui.iter().any(|shown| {
            let kind = shown.request.get("type").and_then(Value::as_str);
            let field = |k: &str| shown.request.get(k).and_then(Value::as_str).unwrap_or("");
            types.contains(&kind.unwrap_or(""))
                && (field("content").contains(wanted) || field("title").contains(wanted))
        })
    };
    if let Some(wanted) = text("toast") {
        if !ui_text(&["toast"], wanted) {
            bail!(
                "expected a toast {wanted:?}; shown: {}",
                ui_summary(&snapshot)
            );
        }
        return Ok(());
    }
    if let Some(wanted) = text("modal") {
        if !ui_text(&["modal", "alert"], wanted) {
            bail!(
                "expected a modal {wanted:?}; shown: {}",
                ui_summary(&snapshot)
            );
        }
        return Ok(());
    }
    if let Some(wanted) = text("console") {
        let all = snapshot.console.iter().chain(&snapshot.errors);
        if !all.clone().any(|line| line.contains(wanted)) {
            let last: Vec<&String> = all.collect();
            bail!("expected console output containing {wanted:?}; found {last:?}");
        }
        return Ok(());
    }
    bail!("'expect' takes page, selector, data, storage, toast, modal, console or noErrors")
}

fn ui_summary(snapshot: &Snapshot) -> String {
    let mut text = String::new();
    for shown in &snapshot.ui {
        let _ = write!(text, "{} ", shown.request);
    }
    if text.is_empty() {
        "nothing".into()
    } else {
        text
    }
}

fn check_storage(target: &Target<'_>, key: &str, arg: &Map<String, Value>) -> Result<()> {
    let key_json = Value::String(key.to_owned()).to_string();
    let (keys, get) = if target.wechat {
        (
            "wx.getStorageInfoSync().keys".to_owned(),
            format!("wx.getStorageSync({key_json})"),
        )
    } else {
        (
            "my.getStorageInfoSync().keys".to_owned(),
            format!("my.getStorageSync({{key: {key_json}}}).data"),
        )
    };
    let exists = target
        .app
        .evaluate(&format!("{keys}.includes({key_json})"))?
        .as_bool()
        .unwrap_or(false);
    if let Some(wanted) = arg.get("exists").and_then(Value::as_bool)
        && exists != wanted
    {
        bail!(
            "expected storage '{key}' to {}exist",
            if wanted { "" } else { "not " }
        );
    }
    if let Some(wanted) = arg.get("equals") {
        if !exists {
            bail!("expected storage '{key}' = {wanted}, but there is no such key");
        }
        let found = target.app.evaluate(&get)?;
        if found != *wanted {
            bail!("expected storage '{key}' = {wanted}, found {found}");
        }
    }
    Ok(())
}

/// Share of pixels (percent) a `compare` screenshot may differ in unless its step says.
const DEFAULT_TOLERANCE: f64 = 0.5;

/// `{"screenshot": "x.png", "compare"?: bool, "tolerance"?: percent}`: saves a screenshot
/// (headless: the page's HTML), and with `compare` checks it against the approved one.
fn screenshot(target: &Target<'_>, name: &Value, step: &Map<String, Value>) -> Result<()> {
    if let Some(unknown) = step
        .keys()
        .find(|key| !["screenshot", "compare", "tolerance"].contains(&key.as_str()))
    {
        bail!("unknown key '{unknown}' in a screenshot step (it takes compare and tolerance)");
    }
    let name = name.as_str().context("'screenshot' takes a file name")?;
    let compare = match step.get("compare") {
        None => false,
        Some(Value::Bool(compare)) => *compare,
        Some(_) => bail!("'compare' takes true or false"),
    };
    let tolerance = match step.get("tolerance") {
        None => DEFAULT_TOLERANCE,
        Some(value) => value
            .as_f64()
            .filter(|t| (0.0..=100.0).contains(t))
            .context("'tolerance' takes a percentage of pixels, 0 to 100")?,
    };
    let mut path = target.out_dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match target.screenshot {
        Some(take) => {
            take(&path)?;
            println!("       screenshot: {}", path.display());
        }
        None => {
            path = path.with_extension("html");
            std::fs::write(&path, target.app.snapshot()?.html)?;
            println!("       page HTML: {}", path.display());
        }
    }
    if !compare {
        return Ok(());
    }
    let file_name = path.file_name().context("a screenshot file name")?;
    let approved = target
        .approved_dir
        .join(Path::new(name).with_file_name(file_name));
    if target.approve {
        if let Some(parent) = approved.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&path, &approved)
            .with_context(|| format!("cannot write {}", approved.display()))?;
        println!("       approved: {}", approved.display());
        return Ok(());
    }
    if !approved.exists() {
        bail!(
            "no approved image {}: look at {} and run with --approve to accept it",
            approved.display(),
            path.display()
        );
    }
    if target.screenshot.is_some() {
        compare_images(&path, &approved, tolerance)
    } else {
        compare_html(&path, &approved)
    }
}

/// Fails when the screenshot at `path` differs from `approved` in more than `tolerance`
/// percent of its pixels; writes `<name>.diff.png` showing where.
fn compare_images(path: &Path, approved: &Path, tolerance: f64) -> Result<()> {
    let actual = visual::Image::read_png(path)?;
    let expected = visual::Image::read_png(approved)?;
    let difference = visual::compare(&actual, &expected)
        .with_context(|| format!("{} against {}", path.display(), approved.display()))?;
    if difference.percent <= tolerance {
        return Ok(());
    }
    let diff = path.with_extension("diff.png");
    difference.picture.write_png(&diff)?;
    bail!(
        "the screenshot differs from {} in {} pixels ({:.2} %, tolerance {tolerance} %): \
         see {} (differences in red); run with --approve if the change is meant",
        approved.display(),
        difference.pixels,
        difference.percent,
        diff.display()
    )
}

/// Fails when the page HTML at `path` is not the approved HTML; names the first line that
/// differs.
fn compare_html(path: &Path, approved: &Path) -> Result<()> {
    let read = |file: &Path| {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
    };
    let (actual, expected) = (read(path)?, read(approved)?);
    if actual == expected {
        return Ok(());
    }
    let line = actual
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
    bail!(
        "the page HTML differs from {} from line {}: {:?} (approved: {:?}); run with \
         --approve if the change is meant",
        approved.display(),
        line + 1,
        actual
            .lines()
            .nth(line)
            .unwrap_or("<end>")
            .chars()
            .take(120)
            .collect::<String>(),
        expected
            .lines()
            .nth(line)
            .unwrap_or("<end>")
            .chars()
            .take(120)
            .collect::<String>()
    )
}

/// Writes a JUnit XML report: one test case per scenario.
///
/// quick-xml escapes `&`, `<`, `>`, `"` and `'` (and, in attribute values, tab, line feed
/// and carriage return, which attribute-value normalisation would otherwise turn into
/// spaces). Characters XML 1.0 cannot hold in any form (most C0 controls, U+FFFE, U+FFFF)
/// are written as U+FFFD.
pub(crate) fn write_junit(path: &Path, outcomes: &[Outcome]) -> Result<()> {
    let xml = junit_xml(outcomes).context("cannot build the JUnit report")?;
    std::fs::write(path, xml).with_context(|| format!("cannot write {}", path.display()))
}

fn junit_xml(outcomes: &[Outcome]) -> std::io::Result<Vec<u8>> {
    let failures = outcomes.iter().filter(|o| o.failure.is_some()).count();
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let suite = BytesStart::new("testsuite").with_attributes([
        ("name", "capsule"),
        ("tests", &outcomes.len().to_string()),
        ("failures", &failures.to_string()),
    ]);
    writer.write_event(Event::Start(suite))?;
    for outcome in outcomes {
        let case = BytesStart::new("testcase").with_attributes([
            ("name", &*xml_chars(&outcome.name)),
            ("time", &format!("{:.3}", outcome.elapsed.as_secs_f64())),
        ]);
        match &outcome.failure {
            Some(message) => {
                writer.write_event(Event::Start(case))?;
                let failure =
                    BytesStart::new("failure").with_attributes([("message", &*xml_chars(message))]);
                writer.write_event(Event::Empty(failure))?;
                writer.write_event(Event::End(BytesEnd::new("testcase")))?;
            }
            None => writer.write_event(Event::Empty(case))?,
        }
    }
    writer.write_event(Event::End(BytesEnd::new("testsuite")))?;
    let mut xml = writer.into_inner();
    xml.push(b'\n');
    Ok(xml)
}

/// `text` with every character XML 1.0 does not allow (production `Char`: tab, line feed,
/// carriage return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF) replaced by U+FFFD.
fn xml_chars(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_scenario_files_are_clear_errors() {
        let dir = tempfile::tempdir().expect("test value");
        for (text, expected) in [
            ("{", "not valid JSON"),
            ("[]", "a scenario is a JSON object"),
            ("{}", "'steps' must be a list"),
            (r#"{"steps": [], "name": 3}"#, "'name' must be a string"),
        ] {
            let file = dir.path().join("s.json");
            std::fs::write(&file, text).expect("test value");
            let error = format!("{:#}", Scenario::load(&file).expect_err("fails"));
            assert!(error.contains(expected), "{text}: {error}");
        }
        let missing = format!(
            "{:#}",
            Scenario::load(&dir.path().join("none.json")).expect_err("fails")
        );
        assert!(missing.contains("cannot read"), "{missing}");
    }

    #[test]
    fn junit_reports_escape_and_count_failures() {
        let dir = tempfile::tempdir().expect("test value");
        let file = dir.path().join("out.xml");
        let outcomes = [
            Outcome {
                name: "a <b>".into(),
                failure: None,
                elapsed: Duration::from_millis(5),
            },
            Outcome {
                name: "c".into(),
                failure: Some("step 2 (tap \".x\"): no element".into()),
                elapsed: Duration::from_millis(5),
            },
        ];
        write_junit(&file, &outcomes).expect("test value");
        let xml = std::fs::read_to_string(file).expect("test value");
        assert!(xml.contains(r#"tests="2" failures="1""#), "{xml}");
        assert!(xml.contains("a &lt;b&gt;"), "{xml}");
        assert!(
            xml.contains(r#"message="step 2 (tap &quot;.x&quot;): no element""#),
            "{xml}"
        );
    }

    /// What XML 1.0 allows at all (production `Char`): tab, line feed, carriage return,
    /// U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
    fn xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    }

    /// Markup characters are escaped, characters XML 1.0 cannot hold become U+FFFD, and the
    /// file parses back, to its end, into the same structure and text.
    #[test]
    fn junit_is_well_formed_whatever_the_messages_hold() {
        use quick_xml::events::Event;
        use quick_xml::{Reader, XmlVersion};

        let dir = tempfile::tempdir().expect("test value");
        let file = dir.path().join("out.xml");
        let message = "step 1 (expect \"<view>\" & 'b'): ]]> got \u{0}\u{1b}[31mred\u{1b}[0m \
                       \u{fffe}\u{ffff}\u{b}\u{c}\u{7f} tab\there\nline\r\n中文 \u{1f600}";
        let outcomes = [
            Outcome {
                name: "a & <b> \"c\" \u{0}".into(),
                failure: Some(message.into()),
                elapsed: Duration::from_millis(1234),
            },
            Outcome {
                name: "ok".into(),
                failure: None,
                elapsed: Duration::ZERO,
            },
        ];
        write_junit(&file, &outcomes).expect("test value");
        let xml = std::fs::read_to_string(&file).expect("UTF-8");
        assert!(xml.chars().all(xml_char), "{xml:?}");
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            "{xml}"
        );
        assert!(!xml.contains("]]>"), "{xml}");

        let mut reader = Reader::from_str(&xml);
        let (mut open, mut elements, mut attributes) = (Vec::new(), Vec::new(), Vec::new());
        loop {
            let event = reader.read_event().unwrap_or_else(|e| {
                panic!("not well-formed at {}: {e}\n{xml}", reader.error_position())
            });
            let (element, empty) = match event {
                Event::Eof => break,
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    let name: String = open.pop().expect("an element is open");
                    assert_eq!(e.name().as_ref(), name);
                    continue;
                }
                Event::Decl(_) => continue,
                Event::Text(text) => {
                    assert!(text.as_ref().trim_ascii().is_empty(), "{text:?}");
                    continue;
                }
                other => panic!("unexpected {other:?}"),
            };
            let name = element.name().as_ref().to_owned();
            for attribute in element.attributes() {
                let attribute = attribute.expect("well-formed attribute");
                let key = attribute.key.as_ref().to_owned();
                // As a conforming parser reads it: character references resolved, then
                // attribute-value normalisation (a literal tab or line break is a space).
                let value = attribute
                    .normalized_value(XmlVersion::Explicit1_0)
                    .expect("escaped")
                    .into_owned();
                attributes.push((format!("{name}.{key}"), value));
            }
            elements.push(name.clone());
            if !empty {
                open.push(name);
            }
        }
        assert!(open.is_empty(), "unclosed {open:?}");
        assert_eq!(
            elements,
            ["testsuite", "testcase", "failure", "testcase"],
            "{xml}"
        );
        let replaced = |s: &str| -> String {
            s.chars()
                .map(|c| if xml_char(c) { c } else { '\u{fffd}' })
                .collect()
        };
        let attribute = |key: &str| {
            attributes
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(attribute("testsuite.tests"), ["2"]);
        assert_eq!(attribute("testsuite.failures"), ["1"]);
        assert_eq!(
            attribute("testcase.name"),
            [&*replaced(&outcomes[0].name), "ok"]
        );
        assert_eq!(attribute("testcase.time"), ["1.234", "0.000"]);
        let expected = replaced(message);
        assert_eq!(attribute("failure.message"), [expected.as_str()]);
        assert!(
            expected.contains("]]> got \u{fffd}\u{fffd}[31mred"),
            "{expected:?}"
        );
        assert!(
            expected.contains("\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{7f} tab\there\nline\r\n"),
            "{expected:?}"
        );
    }
}
