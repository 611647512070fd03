//! `capsule test`: scenario files (see the README) played against a running mini-program,
//! headless or in the real window.
//!
//! A file is checked whole when it loads ([`steps`]); playing it keeps what one run of it
//! needs to know (the answers waiting for their dialog, where "since the previous step"
//! starts, whether the app is in the background) in a [`Player`].

#[cfg(test)]
mod fuzz;
mod junit;
mod scans;
mod screenshots;
mod target;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use capsule_runtime::view::{Selector, VNode, closest, element_at, text_of};
use capsule_runtime::{ContainerEvent, DeviceProfile, Route, Snapshot, UserAction};
use serde_json::{Map, Value};

use capsule_scenario::{Answer, Element, Expect, Step, Wait};
pub(crate) use junit::{Outcome, write_junit};
pub(crate) use scans::ScriptedScans;
pub(crate) use target::{Screenshot, Target};

/// How long an `expect` step retries before it fails: updates that an action starts
/// asynchronously (a storage call, a timer) get this long to arrive.
const EXPECT_SETTLE: Duration = Duration::from_millis(1500);
/// Default timeout of `wait` steps.
const DEFAULT_WAIT: Duration = Duration::from_secs(5);
/// Pause between polls.
const POLL: Duration = Duration::from_millis(40);
/// How the error of an app stopped for good begins (`stopped: <reason>`) in
/// [`Snapshot::errors`].
pub(crate) const STOPPED: &str = "stopped: ";
/// What a scenario file may hold at its top level.
const TOP_LEVEL_KEYS: [&str; 6] = ["name", "app", "device", "user", "query", "steps"];

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
    /// The file it was read from.
    pub(crate) file: PathBuf,
    /// `app`, resolved against the file's folder.
    pub(crate) app: Option<PathBuf>,
    /// `device`: the preset it runs on, when it names one.
    pub(crate) device: Option<DeviceProfile>,
    /// `query` for the home page.
    pub(crate) query: Option<String>,
    /// Where the approved images of its `compare` screenshots live:
    /// `approved/<file stem>/` beside the scenario file.
    pub(crate) approved_dir: PathBuf,
    steps: Vec<Step>,
    /// Each step as one line, for the run's output.
    labels: Vec<String>,
}

impl Scenario {
    /// Reads and checks a whole scenario file: a step or key it does not know, or a check
    /// with nothing to check, is an error naming the step.
    pub(crate) fn load(file: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let root: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", file.display()))?;
        let Some(root) = root.as_object() else {
            bail!("{}: a scenario is a JSON object", file.display());
        };
        if let Some(unknown) = root
            .keys()
            .find(|key| !TOP_LEVEL_KEYS.contains(&key.as_str()))
        {
            bail!(
                "{}: unknown key '{unknown}' (a scenario takes {})",
                file.display(),
                TOP_LEVEL_KEYS.join(", ")
            );
        }
        let text_field = |key: &str| -> Result<Option<String>> {
            match root.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => bail!("{}: '{key}' must be a string", file.display()),
            }
        };
        let Some(Value::Array(raw_steps)) = root.get("steps") else {
            bail!("{}: 'steps' must be a list", file.display());
        };
        let folder = file.parent().unwrap_or(Path::new("")).to_owned();
        let steps = raw_steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                Step::parse(step, &folder).map_err(|error| {
                    anyhow::anyhow!(
                        "{}: step {} ({}): {error}",
                        file.display(),
                        index + 1,
                        label_of(step)
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if let Some(user) = text_field("user")? {
            println!(
                "note: {}: 'user' ({user}) has no effect in capsule test, which runs without a \
                 release channel",
                file.display()
            );
        }
        Ok(Self {
            name: text_field("name")?.unwrap_or_else(|| file.display().to_string()),
            file: file.to_owned(),
            app: text_field("app")?.map(|app| folder.join(app)),
            device: text_field("device")?
                .map(|name| {
                    DeviceProfile::named(&name).with_context(|| {
                        format!(
                            "{}: unknown device '{name}' (the devices are {})",
                            file.display(),
                            DeviceProfile::ALL.map(|profile| profile.name).join(", ")
                        )
                    })
                })
                .transpose()?,
            query: text_field("query")?,
            approved_dir: folder
                .join("approved")
                .join(file.file_stem().unwrap_or_default()),
            labels: raw_steps.iter().map(label_of).collect(),
            steps,
        })
    }

    /// The folder of the scenario file: where its relative paths start.
    pub(crate) fn folder(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new(""))
    }

    /// Number of steps.
    pub(crate) fn len(&self) -> usize {
        self.steps.len()
    }
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

    /// Saves what the user sees after a failure beside the report; says where.
    fn save_failure(&self, scenario: &Scenario) -> Option<PathBuf> {
        let stem = scenario.file.file_stem().unwrap_or_default();
        let file = self
            .failure_dir
            .join(format!("{}.failure.png", stem.to_string_lossy()));
        match screenshots::save_view(self, &file) {
            Ok(saved) => {
                println!("       saved at the failure: {}", saved.display());
                Some(saved)
            }
            Err(error) => {
                println!("       nothing saved at the failure: {error:#}");
                None
            }
        }
    }
}

/// Plays `scenario`, printing one line per step.
pub(crate) fn play(scenario: &Scenario, target: &Target<'_>) -> Outcome {
    let started = Instant::now();
    println!("{}", scenario.name);
    let mut player = Player::new(target);
    let mut passed = 0;
    let mut failure = None;
    for (index, step) in scenario.steps.iter().enumerate() {
        let number = index + 1;
        let label = &scenario.labels[index];
        match player.step(number, step) {
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
    if target.scans.waiting() > 0 {
        println!("  note: a scan was still waiting for its answer when the scenario ended");
    }
    // Answers nothing used are a failure: the dialog or scan they were for never opened.
    let unused = player.unused_answers();
    if failure.is_none()
        && let Some((number, answer)) = unused.first()
    {
        let label = &scenario.labels[number - 1];
        let error = format!(
            "its answer was never used: no {} opened after it",
            answer.target()
        );
        println!("  FAIL {number:>3} {label}\n       {error}");
        failure = Some(format!("step {number} ({label}): {error}"));
        passed -= 1;
    }
    let saved = failure.as_ref().and_then(|_| target.save_failure(scenario));
    let failed = usize::from(failure.is_some());
    let skipped = scenario.len() - passed - failed;
    println!(
        "  {passed} passed, {failed} failed{}",
        if skipped > 0 {
            format!(", {skipped} skipped")
        } else {
            String::new()
        }
    );
    Outcome {
        name: scenario.name.clone(),
        failure,
        saved,
        elapsed: started.elapsed(),
    }
}

/// A step as one line: `tap {"selector":".todo .toggle"}`.
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

/// One run of a scenario: what its steps leave for the steps after them.
struct Player<'t, 'a> {
    target: &'t Target<'a>,
    /// The last UI request shown before the latest action step: toasts and modals after it
    /// count as shown "since the previous step".
    shown_before: u64,
    /// Dialog answers waiting for their dialog to open, with their step numbers.
    answers: VecDeque<(usize, Answer)>,
    /// Whether a step sent the app to the background.
    in_background: bool,
}

impl<'t, 'a> Player<'t, 'a> {
    fn new(target: &'t Target<'a>) -> Self {
        target.scans.start_scenario();
        Self {
            target,
            shown_before: 0,
            answers: VecDeque::new(),
            in_background: false,
        }
    }

    fn step(&mut self, number: usize, step: &Step) -> Result<()> {
        let app = self.target.app;
        if self.in_background && step.touches_window() {
            bail!(
                "the app is in the background, where the user cannot touch it: add a foreground step first"
            );
        }
        if step.is_action() {
            self.shown_before = last_shown(&app.snapshot()?);
        }
        match step {
            Step::Tap(element) => self.act(element, UserAction::Tap)?,
            Step::LongPress(element) => self.act(element, UserAction::LongPress)?,
            Step::Input(element, text) => self.act(element, UserAction::Input(text.clone()))?,
            Step::Confirm(element) => self.act(element, UserAction::Confirm)?,
            Step::Change(element, value) => {
                self.act(element, UserAction::Change(value.clone()))?;
            }
            Step::Scroll(Some(element), top) => self.act(element, UserAction::Scroll(*top))?,
            Step::Scroll(None, top) => app.scroll_page(*top)?,
            Step::Swipe(element, to) => self.act(element, UserAction::Swipe(*to))?,
            Step::TapTab(index) => app.tap_tab(*index)?,
            Step::Back(presses) => {
                // One press after another: each page between is shown, then left.
                for press in 1..=*presses {
                    app.press_back()
                        .with_context(|| format!("back press {press} of {presses}"))?;
                    self.settle()?;
                }
            }
            Step::Background(away) => {
                app.enter_background()?;
                self.in_background = true;
                if let Some(away) = away {
                    self.settle()?;
                    std::thread::sleep(*away);
                    app.enter_foreground()?;
                    self.in_background = false;
                }
            }
            Step::Foreground => {
                app.enter_foreground()?;
                self.in_background = false;
            }
            Step::Navigate(url) => app.route(Route::NavigateTo { url: url.clone() })?,
            Step::Open(url) => app.route(Route::ReLaunch { url: url.clone() })?,
            Step::Answer(answer) => self.answer(number, answer)?,
            Step::Wait(wait) => self.wait(wait)?,
            Step::Expect(expect) => self.expect(expect)?,
            Step::Screenshot(screenshot) => screenshots::take(self.target, screenshot)?,
        }
        self.settle()
    }

    /// Waits until the app handled everything sent so far, answering the dialogs that
    /// opened meanwhile with the answers waiting for them.
    fn settle(&mut self) -> Result<()> {
        self.target.app.settle()?;
        if self.answer_open_dialogs()? {
            self.target.app.settle()?;
        }
        Ok(())
    }

    fn act(&self, element: &Element, action: UserAction) -> Result<()> {
        let path = locate(&self.target.app.snapshot()?, element)?;
        Ok(self.target.app.act(path, action)?)
    }

    /// Answers the open dialogs, oldest first, with the waiting answers in their order;
    /// whether it answered any. A dialog of another kind than the next answer is for is an
    /// error.
    fn answer_open_dialogs(&mut self) -> Result<bool> {
        if self.answers.is_empty() {
            return Ok(false);
        }
        let snapshot = self.target.app.snapshot()?;
        let mut answered = false;
        for shown in snapshot.ui.iter().filter(|shown| shown.open) {
            let Some((number, answer)) = self.answers.front() else {
                break;
            };
            let kind = shown
                .request
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !answer.fits(kind) {
                bail!(
                    "the app opened {}, but the next answer (step {number}) is for {}",
                    kind_name(kind),
                    with_article(answer.target())
                );
            }
            self.target.app.answer_ui(shown.id, answer.result())?;
            self.answers.pop_front();
            answered = true;
        }
        Ok(answered)
    }

    /// Answers the dialog or scan that is open, or else the next one to open.
    fn answer(&mut self, number: usize, answer: &Answer) -> Result<()> {
        if answer.is_dialog() {
            self.answers.push_back((number, answer.clone()));
            self.answer_open_dialogs()?;
        } else {
            self.target.scans.push(number, answer);
        }
        Ok(())
    }

    /// The answers of this run that no dialog or scan took, by step number; ends the
    /// scenario's scans (a scan still waiting fails).
    fn unused_answers(&mut self) -> Vec<(usize, Answer)> {
        let mut unused: Vec<(usize, Answer)> = self.answers.drain(..).collect();
        unused.extend(self.target.scans.end_scenario());
        unused.sort_by_key(|(number, _)| *number);
        unused
    }

    /// Retries `check` until it passes or `limit` has passed; the error is the last failure.
    /// Once the app has been stopped nothing can change: a failing check fails at once.
    fn poll(&mut self, limit: Duration, check: &dyn Fn() -> Result<()>) -> Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            match check() {
                Ok(()) => return Ok(()),
                Err(error) if Instant::now() >= deadline => return Err(error),
                Err(_) => {
                    if let Some(reason) = stop_reason(&self.target.app.snapshot()?) {
                        return Err(stopped_error(reason));
                    }
                    std::thread::sleep(POLL);
                    self.settle()?;
                }
            }
        }
    }

    fn wait(&mut self, wait: &Wait) -> Result<()> {
        if let Some(ms) = wait.ms {
            std::thread::sleep(Duration::from_millis(ms.min(60_000)));
            return Ok(());
        }
        let limit = wait.timeout_ms.map_or(DEFAULT_WAIT, Duration::from_millis);
        let app = self.target.app;
        let element = wait.selector.as_deref().map(|selector| ElementCheck {
            selector,
            index: wait.index.unwrap_or(0),
            text: wait.text.as_deref(),
            contains: wait.contains.as_deref(),
            ..ElementCheck::default()
        });
        self.poll(limit, &|| {
            let snapshot = app.snapshot()?;
            let mut failures = Vec::new();
            if let Some(page) = &wait.page {
                failures.extend(check_page(&snapshot, page).err());
            }
            match &element {
                Some(element) => failures.extend(element.check(&snapshot).err()),
                None => {
                    // Without a selector, the text may appear anywhere on the page.
                    let text = page_text(&snapshot.tree);
                    for wanted in [&wait.text, &wait.contains].into_iter().flatten() {
                        if !text.contains(wanted.as_str()) {
                            failures.push(anyhow::anyhow!(
                                "expected the text {wanted:?} on the page, found {text:?}"
                            ));
                        }
                    }
                }
            }
            all_of(&failures)
        })
        .context("timed out")
    }

    fn expect(&mut self, expect: &Expect) -> Result<()> {
        let (target, shown_before) = (self.target, self.shown_before);
        self.poll(EXPECT_SETTLE, &|| expect_once(target, expect, shown_before))
    }
}

/// The id of the last UI request the app made (0: none yet).
fn last_shown(snapshot: &Snapshot) -> u64 {
    snapshot.ui.iter().map(|shown| shown.id).max().unwrap_or(0)
}

/// A dialog kind (`actionSheet`) as messages say it: `an action sheet`.
fn kind_name(kind: &str) -> String {
    with_article(if kind == "actionSheet" {
        "action sheet"
    } else {
        kind
    })
}

/// `a noun` or `an noun`.
fn with_article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// Passes when `failures` is empty; else fails with all of them.
fn all_of(failures: &[anyhow::Error]) -> Result<()> {
    if failures.is_empty() {
        return Ok(());
    }
    let messages: Vec<String> = failures.iter().map(|e| format!("{e:#}")).collect();
    bail!("{}", messages.join("; "))
}

/// The element a step names, on the current page.
fn locate(snapshot: &Snapshot, element: &Element) -> Result<Vec<u32>> {
    locate_at(snapshot, &element.selector, element.index)
}

fn locate_at(snapshot: &Snapshot, selector: &str, index: usize) -> Result<Vec<u32>> {
    let matches = Selector::parse(selector)?.find(&snapshot.tree);
    match matches.get(index) {
        Some(path) => Ok(path.clone()),
        None if matches.is_empty() => bail!(
            "no element matches '{selector}' on {}; {}",
            snapshot.route.as_deref().unwrap_or("no page"),
            closest(&snapshot.tree, selector)
        ),
        None => bail!(
            "'{selector}' matches {} elements, no index {index}",
            matches.len()
        ),
    }
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

/// What a step checks of an element: `text`, `contains`, `count`, `visible` and `attr` of
/// the `index`-th match of `selector`.
#[derive(Default)]
struct ElementCheck<'s> {
    selector: &'s str,
    index: usize,
    text: Option<&'s str>,
    contains: Option<&'s str>,
    count: Option<usize>,
    visible: Option<bool>,
    attr: Option<&'s Map<String, Value>>,
}

impl ElementCheck<'_> {
    fn check(&self, snapshot: &Snapshot) -> Result<()> {
        let selector = self.selector;
        if let Some(count) = self.count {
            let found = Selector::parse(selector)?.find(&snapshot.tree).len();
            if found != count {
                bail!("expected {count} × '{selector}', found {found}");
            }
            if count == 0 {
                return Ok(());
            }
        }
        let path = locate_at(snapshot, selector, self.index)?;
        let element = element_at(&snapshot.tree, &path).context("element vanished")?;
        let text = text_of(element);
        let mut failures = Vec::new();
        if let Some(wanted) = self.text
            && text != wanted.trim()
        {
            failures.push(anyhow::anyhow!("expected text {wanted:?}, found {text:?}"));
        }
        if let Some(wanted) = self.contains
            && !text.contains(wanted)
        {
            failures.push(anyhow::anyhow!(
                "expected text containing {wanted:?}, found {text:?}"
            ));
        }
        if let Some(visible) = self.visible {
            let hidden = element
                .attrs
                .get("hidden")
                .is_some_and(|h| !matches!(h, Value::Bool(false) | Value::Null));
            if hidden == visible {
                failures.push(anyhow::anyhow!(
                    "expected the element {}",
                    if visible { "visible" } else { "hidden" }
                ));
            }
        }
        let field = matches!(element.tag.as_str(), "input" | "textarea");
        for (name, wanted) in self.attr.into_iter().flatten() {
            // A text field's value is what it shows: what was typed, or what a handler set,
            // else its `value` attribute, else nothing ("").
            let shown = snapshot
                .field_values
                .get(&path)
                .filter(|_| field && name == "value");
            let actual = match (shown, element.attrs.get(name)) {
                (Some(text), _) => Value::String(text.clone()),
                (None, None | Some(Value::Null)) if field && name == "value" => {
                    Value::String(String::new())
                }
                (None, value) => value.cloned().unwrap_or(Value::Null),
            };
            if !loosely_equal(&actual, wanted) {
                failures.push(anyhow::anyhow!(
                    "expected attribute {name}={wanted}, found {actual}"
                ));
            }
        }
        all_of(&failures)
    }
}

/// Equal as JSON, or equal as text (attributes written as strings in templates).
fn loosely_equal(actual: &Value, wanted: &Value) -> bool {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    actual == wanted || text(actual) == text(wanted)
}

/// Checks every condition of `expect` once; the error names each that failed. Toasts and
/// modals count when on screen now or shown after UI request `shown_before`.
fn expect_once(target: &Target<'_>, expect: &Expect, shown_before: u64) -> Result<()> {
    let snapshot = target.app.snapshot()?;
    let mut failures = Vec::new();
    if let Some(page) = &expect.page {
        failures.extend(check_page(&snapshot, page).err());
    }
    if let Some(selector) = &expect.selector {
        let element = ElementCheck {
            selector,
            index: expect.index.unwrap_or(0),
            text: expect.text.as_deref(),
            contains: expect.contains.as_deref(),
            count: expect.count,
            visible: expect.visible,
            attr: expect.attr.as_ref(),
        };
        failures.extend(element.check(&snapshot).err());
    }
    if let (Some(path), Some(wanted)) = (&expect.data, &expect.equals) {
        failures.extend(check_data(target, path, wanted).err());
    }
    if let Some(key) = &expect.storage {
        failures.extend(check_storage(target, key, expect).err());
    }
    let recent = |types: &[&str], wanted: &str| {
        snapshot.ui.iter().any(|shown| {
            let kind = shown.request.get("type").and_then(Value::as_str);
            let field = |k: &str| shown.request.get(k).and_then(Value::as_str).unwrap_or("");
            (shown.open || shown.id > shown_before)
                && types.contains(&kind.unwrap_or(""))
                && (field("content").contains(wanted) || field("title").contains(wanted))
        })
    };
    if let Some(wanted) = &expect.toast
        && !recent(&["toast"], wanted)
    {
        failures.push(anyhow::anyhow!(
            "expected a toast {wanted:?} since the previous step; shown since: {}",
            ui_summary(&snapshot, shown_before)
        ));
    }
    if let Some(wanted) = &expect.modal
        && !recent(&["modal", "alert"], wanted)
    {
        failures.push(anyhow::anyhow!(
            "expected a modal {wanted:?} since the previous step; shown since: {}",
            ui_summary(&snapshot, shown_before)
        ));
    }
    if let Some(wanted) = &expect.console {
        let all = snapshot.console.iter().chain(&snapshot.errors);
        if !all.clone().any(|line| line.contains(wanted.as_str())) {
            let found: Vec<&String> = all.collect();
            failures.push(anyhow::anyhow!(
                "expected console output containing {wanted:?}; found {found:?}"
            ));
        }
    }
    if expect.no_errors == Some(true) && !snapshot.errors.is_empty() {
        failures.push(anyhow::anyhow!(
            "expected no errors, found: {}",
            snapshot.errors.join(" | ")
        ));
    }
    all_of(&failures)
}

/// The UI requests open now or made after `shown_before`, for messages.
fn ui_summary(snapshot: &Snapshot, shown_before: u64) -> String {
    let mut text = String::new();
    for shown in &snapshot.ui {
        if shown.open || shown.id > shown_before {
            let _ = write!(text, "{} ", shown.request);
        }
    }
    if text.is_empty() {
        "nothing".into()
    } else {
        text
    }
}

fn check_data(target: &Target<'_>, path: &str, wanted: &Value) -> Result<()> {
    let source = format!(
        "(function () {{ const pages = getCurrentPages(); \
         return pages[pages.length - 1].data.{path}; }})()"
    );
    let found = target.app.evaluate(&source)?;
    if found != *wanted {
        bail!("expected data {path} = {wanted}, found {found}");
    }
    Ok(())
}

fn check_storage(target: &Target<'_>, key: &str, expect: &Expect) -> Result<()> {
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
    if let Some(wanted) = expect.exists
        && exists != wanted
    {
        bail!(
            "expected storage '{key}' to {}exist",
            if wanted { "" } else { "not " }
        );
    }
    if let Some(wanted) = &expect.equals {
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
            (r#"{"steps": [], "devcie": "x"}"#, "unknown key 'devcie'"),
            (
                r#"{"steps": [], "device": "nokia"}"#,
                "unknown device 'nokia'",
            ),
            (
                r#"{"steps": [{"tap": {"selector": ".a"}}, {"expect": {"selector": ".a", "txet": "b"}}]}"#,
                r#"step 2 (expect {"selector":".a","txet":"b"}): unknown field `txet`"#,
            ),
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
    fn paths_in_a_scenario_start_at_its_folder() {
        let dir = tempfile::tempdir().expect("test value");
        let folder = dir.path().join("scenarios");
        std::fs::create_dir_all(&folder).expect("test value");
        let file = folder.join("s.json");
        std::fs::write(
            &file,
            r#"{"app": "../app", "device": "iphone-se",
                "steps": [{"answer": {"scanImage": "codes/qr.png"}}]}"#,
        )
        .expect("test value");
        let scenario = Scenario::load(&file).expect("loads");
        assert_eq!(scenario.app, Some(folder.join("../app")));
        assert_eq!(scenario.device.map(|d| d.name), Some("iphone-se"));
        assert_eq!(
            scenario.steps,
            [Step::Answer(Answer::ScanImage(folder.join("codes/qr.png")))]
        );
    }
}
