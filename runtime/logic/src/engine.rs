//! The logic thread: one boa `Context` per running app, its event loop (commands, API
//! answers, timers, promise jobs) and the native functions the JavaScript prelude builds on.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use boa_engine::job::{Job, JobExecutor, NativeAsyncJob};
use boa_engine::object::ObjectInitializer;
use boa_engine::object::builtins::{AlignedVec, JsArrayBuffer};
use boa_engine::property::Attribute;
use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction, Source,
    js_string,
};
use capsule_jsapi::value::{array_buffer, array_buffer_bytes, has_tagged};
use capsule_jsapi::{ApiResult, Reply};
use capsule_packages::{App, Dialect};
use serde_json::{Value, json};

use crate::apis::ApiDispatch;
use crate::messages::{LogicCommand, LogicToView};
use crate::modules::{self, AppModuleLoader};
use crate::options::{LogicError, LogicOptions, PageBars, StopReason};
use crate::script::{PRELUDE_PATH, check_nesting, describe, syntax_error};

/// `setData` payloads above this size are logged as a warning.
pub(crate) const SET_DATA_WARN_BYTES: usize = 256 * 1024;
/// `setData` payloads above this size are refused.
pub(crate) const SET_DATA_MAX_BYTES: usize = 1024 * 1024;

/// The prelude with its element contexts (`contexts/*.js`: the objects `create…Context`
/// returns) in place of its `//@contexts` line, so that they share its closure.
static PRELUDE: LazyLock<String> = LazyLock::new(|| {
    const CONTEXTS: &str = concat!(
        include_str!("contexts/media.js"),
        include_str!("contexts/web-view.js"),
        include_str!("contexts/canvas.js"),
        include_str!("contexts/editor.js")
    );
    include_str!("prelude.js").replacen("  //@contexts\n", CONTEXTS, 1)
});

/// What reaches the logic thread.
pub(crate) enum Inbox {
    Command(LogicCommand),
    ApiAnswer {
        call_id: u64,
        result: ApiResult,
    },
    /// The app's memory has reached a warning level (`onMemoryWarning`'s 5, 10 or 15).
    MemoryWarning {
        level: u8,
    },
}

/// What the logic thread is busy with, for a watchdog on another thread: a task starts when
/// the thread takes a message or a timer and ends when it waits again.
#[derive(Debug)]
pub(crate) struct Activity {
    epoch: Instant,
    /// Milliseconds from `epoch` to the start of the running task, plus one; 0 when idle.
    busy_since: AtomicU64,
    task: Mutex<String>,
}

impl Activity {
    fn new() -> Self {
        Self {
            epoch: Instant::now(),
            busy_since: AtomicU64::new(0),
            task: Mutex::new(String::new()),
        }
    }

    fn start(&self, task: impl Into<String>) {
        *self.task.lock().unwrap_or_else(PoisonError::into_inner) = task.into();
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.busy_since
            .store(now.saturating_add(1), Ordering::Relaxed);
    }

    fn idle(&self) {
        self.busy_since.store(0, Ordering::Relaxed);
    }

    /// The running task and how long it has run, unless the thread is waiting.
    pub(crate) fn running(&self) -> Option<(String, Duration)> {
        let since = self.busy_since.load(Ordering::Relaxed).checked_sub(1)?;
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let task = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Some((task, Duration::from_millis(now.saturating_sub(since))))
    }
}

/// Everything the native functions need, kept per logic thread (one Context per thread).
struct Host {
    out: Sender<LogicToView>,
    inbox: Sender<Inbox>,
    apis: Arc<dyn ApiDispatch>,
    app: App,
    options: LogicOptions,
    loader: Rc<AppModuleLoader>,
    timers: BTreeSet<(Instant, u64)>,
    timer_deadlines: HashMap<u64, Instant>,
    activity: Arc<Activity>,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

fn with_host<T>(f: impl FnOnce(&mut Host) -> T) -> JsResult<T> {
    HOST.with(|host| {
        host.borrow_mut().as_mut().map(f).ok_or_else(|| {
            JsNativeError::error()
                .with_message("logic host is gone")
                .into()
        })
    })
}

/// Runs the promise and async jobs boa queues, in order, until none are left.
#[derive(Default)]
struct Jobs {
    queue: RefCell<VecDeque<Job>>,
}

impl JobExecutor for Jobs {
    fn enqueue_job(self: Rc<Self>, job: Job, _context: &mut Context) {
        self.queue.borrow_mut().push_back(job);
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        let mut first_error = None;
        loop {
            let Some(job) = self.queue.borrow_mut().pop_front() else {
                break;
            };
            let result = match job {
                Job::PromiseJob(job) => job.call(context).map(drop),
                Job::GenericJob(job) => job.call(context).map(drop),
                Job::AsyncJob(job) => run_async(job, context),
                Job::TimeoutJob(job) => job.call(context).map(drop),
                Job::IntervalJob(job) => job.call(context).map(drop),
                _ => Ok(()),
            };
            // One failing job must not drop the others.
            if let Err(error) = result {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Drives an async job; ours never wait on anything outside the thread, so polling until it
/// is ready terminates.
fn run_async(job: NativeAsyncJob, context: &mut Context) -> JsResult<()> {
    let cell = RefCell::new(context);
    let mut future = std::pin::pin!(job.call(&cell));
    let mut task = TaskContext::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(result) = future.as_mut().poll(&mut task) {
            return result.map(drop);
        }
    }
    Err(JsNativeError::error()
        .with_message("an async job never finished")
        .into())
}

/// A started logic thread: its inbox, what it sends, and what it is busy with.
pub(crate) struct Spawned {
    pub(crate) inbox: Sender<Inbox>,
    pub(crate) out: Receiver<LogicToView>,
    pub(crate) activity: Arc<Activity>,
}

/// Starts the logic thread for `app`.
pub(crate) fn spawn(
    apis: Arc<dyn ApiDispatch>,
    app: App,
    options: LogicOptions,
) -> Result<Spawned, LogicError> {
    let (inbox_tx, inbox_rx) = mpsc::channel();
    let (out_tx, out_rx) = mpsc::channel();
    let crash_out = out_tx.clone();
    let inbox = inbox_tx.clone();
    let activity = Arc::new(Activity::new());
    let thread_activity = Arc::clone(&activity);
    std::thread::Builder::new()
        .name(format!("logic-{}", app.id()))
        .stack_size(options.stack_size)
        .spawn(move || {
            report_death(&crash_out, || {
                run(
                    apis,
                    app,
                    options,
                    out_tx,
                    inbox,
                    &inbox_rx,
                    thread_activity,
                )
            });
        })
        .map_err(LogicError::Spawn)?;
    Ok(Spawned {
        inbox: inbox_tx,
        out: out_rx,
        activity,
    })
}

/// Runs the thread's body; if it fails or panics, tells the host the app crashed (the
/// host itself keeps running).
fn report_death(out: &Sender<LogicToView>, body: impl FnOnce() -> Result<(), String>) {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    let message = match outcome {
        Ok(Ok(())) => return,
        Ok(Err(message)) => message,
        Err(panic) => panic_message(panic.as_ref()),
    };
    tracing::error!(%message, "logic thread died");
    HOST.with(|host| host.borrow_mut().take());
    let _ = out.send(LogicToView::Stopped {
        reason: StopReason::Crashed { message },
    });
}

/// What a caught panic says (its `&str` or `String` payload).
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

fn run(
    apis: Arc<dyn ApiDispatch>,
    app: App,
    options: LogicOptions,
    out: Sender<LogicToView>,
    inbox: Sender<Inbox>,
    receiver: &Receiver<Inbox>,
    activity: Arc<Activity>,
) -> Result<(), String> {
    let loader = Rc::new(AppModuleLoader::new(app.clone()));
    let jobs = Rc::new(Jobs::default());
    let mut context = Context::builder()
        .job_executor(jobs)
        .module_loader(loader.clone())
        .build()
        .map_err(|error| format!("cannot create the script context: {error}"))?;
    let limits = context.runtime_limits_mut();
    limits.set_loop_iteration_limit(options.loop_iteration_limit);
    limits.set_recursion_limit(options.recursion_limit);
    let dialect = match app.manifest().dialect {
        Some(Dialect::Wechat) => "wechat",
        _ => "alipay",
    };
    let bars = options.bars;
    HOST.with(|host| {
        *host.borrow_mut() = Some(Host {
            out,
            inbox,
            apis,
            app,
            options,
            loader,
            timers: BTreeSet::new(),
            timer_deadlines: HashMap::new(),
            activity: Arc::clone(&activity),
        });
    });
    let capsule = install(&mut context, dialect, bars).map_err(|error| {
        let message = describe(&error, &mut context);
        format!("the logic prelude failed: {message}")
    })?;
    let mut event_loop = EventLoop {
        context,
        capsule,
        activity,
        work_since_collection: Duration::ZERO,
        last_collection_took: Duration::ZERO,
        last_message: Instant::now(),
    };
    event_loop.run(receiver);
    HOST.with(|host| host.borrow_mut().take());
    Ok(())
}

type NativeFn = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

fn install(context: &mut Context, dialect: &str, bars: Option<PageBars>) -> JsResult<JsObject> {
    let natives: [(&str, usize, NativeFn); 14] = [
        ("send", 1, native_send),
        ("sendJson", 1, native_send_json),
        ("log", 3, native_log),
        ("setTimer", 2, native_set_timer),
        ("clearTimer", 1, native_clear_timer),
        ("invoke", 3, native_invoke),
        ("invokeSync", 2, native_invoke_sync),
        ("resolve", 2, native_resolve),
        ("compile", 2, native_compile),
        ("loadJson", 1, native_load_json),
        ("importModule", 1, native_import_module),
        ("readText", 1, native_read_text),
        ("tagBuffer", 1, native_tag_buffer),
        ("untagBuffer", 1, native_untag_buffer),
    ];
    let mut native = ObjectInitializer::new(context);
    for (name, length, function) in natives {
        native.function(
            NativeFunction::from_fn_ptr(function),
            JsString::from(name),
            length,
        );
    }
    native.property(
        js_string!("dialect"),
        JsString::from(dialect),
        Attribute::READONLY,
    );
    if let Some(bars) = bars {
        let bars = serde_json::json!({
            "navigationBar": bars.navigation_bar,
            "tabBar": bars.tab_bar,
        });
        let bars = JsValue::from_json(&bars, native.context())?;
        native.property(js_string!("bars"), bars, Attribute::READONLY);
    }
    let native = native.build();
    context.register_global_property(js_string!("__native"), native, Attribute::CONFIGURABLE)?;
    context.eval(Source::from_bytes(PRELUDE.as_str()).with_path(Path::new(PRELUDE_PATH)))?;
    let capsule = context
        .global_object()
        .get(js_string!("__capsule"), context)?
        .as_object()
        .ok_or_else(|| JsNativeError::typ().with_message("the prelude defines no __capsule"))?;
    Ok(capsule)
}

/// What ended the logic thread's wait.
enum Wake {
    Message(Inbox),
    /// A timer is due.
    Timer,
    /// No message came in for [`EventLoop::QUIET`] after enough work.
    Quiet,
    /// Every sender is gone.
    Closed,
}

struct EventLoop {
    context: Context,
    capsule: JsObject,
    activity: Arc<Activity>,
    /// The time spent working since the garbage was last collected on going quiet.
    work_since_collection: Duration,
    /// How long the last collection on going quiet took.
    last_collection_took: Duration,
    /// When the last message came in.
    last_message: Instant,
}

impl EventLoop {
    fn run(&mut self, receiver: &Receiver<Inbox>) {
        self.activity.start("app.js");
        let mut working_since = Instant::now();
        loop {
            self.run_jobs();
            self.fire_due_timers();
            let next = with_host(|host| host.timers.first().map(|(at, _)| *at))
                .ok()
                .flatten();
            self.activity.idle();
            self.work_since_collection += working_since.elapsed();
            let wake = self.wait(receiver, next);
            working_since = Instant::now();
            let message = match wake {
                Wake::Message(message) => message,
                Wake::Timer => continue,
                Wake::Quiet => {
                    self.collect_garbage();
                    continue;
                }
                Wake::Closed => return,
            };
            self.last_message = working_since;
            self.activity.start(task_of(&message));
            match message {
                Inbox::Command(LogicCommand::Shutdown) => return,
                Inbox::Command(LogicCommand::Evaluate { id, source }) => self.evaluate(id, &source),
                Inbox::Command(command) => match serde_json::to_value(&command) {
                    Ok(command) => self.call("command", &[command]),
                    Err(error) => tracing::error!(%error, "unencodable logic command"),
                },
                Inbox::ApiAnswer { call_id, result } => {
                    let (ok, value) = match result {
                        Ok(value) => (true, value),
                        Err(error) => (false, error.to_json()),
                    };
                    let has_tags = has_tagged(&value);
                    self.call(
                        "apiAnswer",
                        &[json!(call_id), json!(ok), value, json!(has_tags)],
                    );
                }
                Inbox::MemoryWarning { level } => self.call("memoryWarning", &[json!(level)]),
            }
        }
    }

    /// The least work after which the logic thread collects its garbage once quiet: a
    /// handler that built and dropped large data, or made thousands of calls whose promises
    /// and answers it left behind. It is also at least ten times what the last collection
    /// took, so that collecting costs a busy app at most a tenth of its time.
    const WORK_BEFORE_COLLECTION: Duration = Duration::from_millis(100);

    /// How long no message must come in, after that much work, before the garbage is
    /// collected.
    const QUIET: Duration = Duration::from_millis(200);

    /// Waits for the next message, until the next timer is due or, after enough work, until
    /// the thread has had no message for [`EventLoop::QUIET`].
    fn wait(&self, receiver: &Receiver<Inbox>, next_timer: Option<Instant>) -> Wake {
        let enough_work = Self::WORK_BEFORE_COLLECTION.max(self.last_collection_took * 10);
        let quiet =
            (self.work_since_collection >= enough_work).then(|| self.last_message + Self::QUIET);
        let Some(until) = next_timer.into_iter().chain(quiet).min() else {
            return receiver.recv().map_or(Wake::Closed, Wake::Message);
        };
        match receiver.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(message) => Wake::Message(message),
            Err(RecvTimeoutError::Disconnected) => Wake::Closed,
            Err(RecvTimeoutError::Timeout) if Some(until) == quiet => Wake::Quiet,
            Err(RecvTimeoutError::Timeout) => Wake::Timer,
        }
    }

    /// Collects the garbage and gives the freed memory back to the system. boa collects
    /// only past a threshold that a large heap raises, and the allocator keeps what was
    /// freed, so without this a session would hold the high-water mark of its largest
    /// burst of work for good.
    fn collect_garbage(&mut self) {
        let started = Instant::now();
        boa_engine::gc::force_collect();
        crate::memory::return_free_memory();
        self.last_collection_took = started.elapsed();
        self.work_since_collection = Duration::ZERO;
    }

    fn fire_due_timers(&mut self) {
        let now = Instant::now();
        let due: Vec<u64> = with_host(|host| {
            let due: Vec<(Instant, u64)> = host.timers.range(..=(now, u64::MAX)).copied().collect();
            for entry in &due {
                host.timers.remove(entry);
                host.timer_deadlines.remove(&entry.1);
            }
            due.into_iter().map(|(_, id)| id).collect()
        })
        .unwrap_or_default();
        for id in due {
            self.activity.start("a timer");
            self.call("fireTimer", &[json!(id)]);
            self.run_jobs();
        }
    }

    fn run_jobs(&mut self) {
        if let Err(error) = self.context.run_jobs() {
            self.report(&error);
        }
    }

    /// Calls `__capsule[name](...args)`; errors that escape (uncatchable ones such as runtime
    /// limits) are reported like any uncaught error.
    fn call(&mut self, name: &str, args: &[Value]) {
        let result = self.try_call(name, args);
        if let Err(error) = result {
            self.report(&error);
        }
        self.run_jobs();
    }

    fn try_call(&mut self, name: &str, args: &[Value]) -> JsResult<JsValue> {
        let function = self.capsule.get(JsString::from(name), &mut self.context)?;
        let function = function.as_callable().ok_or_else(|| {
            JsNativeError::typ().with_message(format!("__capsule.{name} is not a function"))
        })?;
        let args = args
            .iter()
            .map(|arg| JsValue::from_json(arg, &mut self.context))
            .collect::<JsResult<Vec<_>>>()?;
        function.call(&self.capsule.clone().into(), &args, &mut self.context)
    }

    fn report(&mut self, error: &JsError) {
        let message = describe(error, &mut self.context);
        let routed = self.try_call("reportError", &[json!(message)]);
        if routed.is_err() {
            send(LogicToView::ScriptError { message });
        }
    }

    fn evaluate(&mut self, id: u64, source: &str) {
        let result = check_nesting(source, "<evaluate>")
            .and_then(|()| {
                self.context
                    .eval(Source::from_bytes(source).with_path(Path::new("<evaluate>")))
            })
            .and_then(|value| {
                self.context.run_jobs()?;
                value.to_json(&mut self.context)
            });
        let result = match result {
            Ok(value) => {
                let mut value = value.unwrap_or(Value::Null);
                integral_numbers(&mut value);
                Ok(value)
            }
            Err(error) => Err(describe(&error, &mut self.context)),
        };
        send(LogicToView::Evaluated { id, result });
    }
}

/// What handling `message` is, in words, for a time-budget report.
fn task_of(message: &Inbox) -> String {
    match message {
        Inbox::Command(LogicCommand::Event(event)) => {
            format!("the {} handler of '{}'", event.handler, event.event.kind)
        }
        Inbox::Command(LogicCommand::PageHook { hook, .. }) => format!("the page's {hook}"),
        Inbox::Command(LogicCommand::Launch { .. }) => "the app's launch".to_owned(),
        Inbox::Command(LogicCommand::Evaluate { .. }) => "an evaluated script".to_owned(),
        Inbox::Command(command) => match serde_json::to_value(command) {
            Ok(Value::Object(fields)) => match fields.get("kind").and_then(Value::as_str) {
                Some(kind) => format!("the {kind} command"),
                None => "a command".to_owned(),
            },
            _ => "a command".to_owned(),
        },
        Inbox::ApiAnswer { .. } => "an API callback".to_owned(),
        Inbox::MemoryWarning { .. } => "onMemoryWarning".to_owned(),
    }
}

fn send(message: LogicToView) {
    let _ = with_host(|host| host.out.send(message));
}

fn arg(args: &[JsValue], index: usize) -> JsValue {
    args.get(index).cloned().unwrap_or_default()
}

fn string_arg(args: &[JsValue], index: usize, context: &mut Context) -> JsResult<String> {
    Ok(arg(args, index).to_string(context)?.to_std_string_escaped())
}

/// Argument `index` as JSON, with integral numbers as integers (boa hands out `2.0`).
fn json_arg(args: &[JsValue], index: usize, context: &mut Context) -> JsResult<Value> {
    let mut value = arg(args, index).to_json(context)?.unwrap_or(Value::Null);
    integral_numbers(&mut value);
    Ok(value)
}

fn native_send(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    deliver(serde_json::from_value(json_arg(args, 0, context)?))
}

/// `sendJson(text)`: a message as JSON text, as the prelude builds those that carry app data
/// (the engine's `JSON.stringify` walks a value much faster than `to_json` does).
fn native_send_json(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let text = string_arg(args, 0, context)?;
    match serde_json::from_str(&text) {
        // Half a surrogate pair is a valid JavaScript string, and JSON.stringify writes it as
        // an escape that JSON parsers refuse: it becomes U+FFFD.
        Err(_) => deliver(serde_json::from_str(&replace_lone_surrogates(&text))),
        parsed => deliver(parsed),
    }
}

/// JSON text with each `\uXXXX` escape of a lone surrogate replaced by `\ufffd`.
fn replace_lone_surrogates(text: &str) -> String {
    let escape_at = |at: usize| -> Option<u32> {
        let hex = text.get(at..at + 6)?.strip_prefix("\\u")?;
        u32::from_str_radix(hex, 16).ok()
    };
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut at) = (0, 0);
    while let Some(offset) = text.get(at..).and_then(|rest| rest.find('\\')) {
        at += offset;
        match escape_at(at) {
            Some(0xD800..=0xDBFF)
                if escape_at(at + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
            {
                at += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.push_str(&text[copied..at]);
                out.push_str("\\ufffd");
                at += 6;
                copied = at;
            }
            // Any other escape is two characters: an escaped backslash is not read again.
            _ => at += 2,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Sends a message from the prelude, refusing one it could not build and a `setData` over
/// the size limit.
fn deliver(message: serde_json::Result<LogicToView>) -> JsResult<JsValue> {
    let message = message
        .map_err(|error| JsNativeError::typ().with_message(format!("bad message: {error}")))?;
    if let LogicToView::SetData { changes, .. } = &message {
        check_size(serde_json::to_vec(changes).map_or(0, |bytes| bytes.len()))?;
    }
    if let LogicToView::SpliceData { splices, .. } = &message {
        check_size(serde_json::to_vec(splices).map_or(0, |bytes| bytes.len()))?;
    }
    send(message);
    Ok(JsValue::undefined())
}

/// boa may hand whole numbers over as floats (`2.0`); indexes and counts must be integers,
/// and the view should see `2`, not `2.0`.
fn integral_numbers(value: &mut Value) {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            if let Some(float) = number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() <= MAX_SAFE)
            {
                *value = Value::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

fn check_size(size: usize) -> JsResult<()> {
    if size > SET_DATA_MAX_BYTES {
        return Err(JsNativeError::range()
            .with_message(format!(
                "setData payload is {size} bytes, over the limit of {SET_DATA_MAX_BYTES} bytes; nothing was changed"
            ))
            .into());
    }
    if size > SET_DATA_WARN_BYTES {
        let message = format!(
            "setData payload is {size} bytes (above {SET_DATA_WARN_BYTES}); large updates are slow"
        );
        tracing::warn!("{message}");
        send(LogicToView::Console {
            level: "warn".into(),
            page: None,
            message,
        });
    }
    Ok(())
}

fn native_log(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let level = string_arg(args, 0, context)?;
    let page = arg(args, 1);
    let page = if page.is_string() {
        Some(string_arg(args, 1, context)?)
    } else {
        None
    };
    let message = string_arg(args, 2, context)?;
    let app = with_host(|host| host.app.id().to_owned())?;
    match level.as_str() {
        "error" => tracing::error!(app, page, "{message}"),
        "warn" => tracing::warn!(app, page, "{message}"),
        "debug" => tracing::debug!(app, page, "{message}"),
        _ => tracing::info!(app, page, "{message}"),
    }
    send(LogicToView::Console {
        level,
        page,
        message,
    });
    Ok(JsValue::undefined())
}

fn native_set_timer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let id = arg(args, 0).to_number(context)? as u64;
    let delay = arg(args, 1).to_number(context)?;
    let delay = if delay.is_finite() && delay > 0.0 {
        delay.min(2_147_483_647.0)
    } else {
        0.0
    };
    let at = Instant::now() + Duration::from_micros((delay * 1000.0) as u64);
    with_host(|host| {
        host.timers.insert((at, id));
        host.timer_deadlines.insert(id, at);
    })?;
    Ok(JsValue::undefined())
}

fn native_clear_timer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let id = arg(args, 0).to_number(context)? as u64;
    with_host(|host| {
        if let Some(at) = host.timer_deadlines.remove(&id) {
            host.timers.remove(&(at, id));
        }
    })?;
    Ok(JsValue::undefined())
}

/// Hands a call to the app's [`ApiDispatch`] (the container's dispatcher, the path H5 pages take).
fn dispatch(api: &str, params: Value, reply: Reply) -> JsResult<()> {
    let (apis, app) = with_host(|host| (host.apis.clone(), host.app.clone()))?;
    apis.invoke(&app, api, params, reply);
    Ok(())
}

fn native_invoke(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let api = string_arg(args, 0, context)?;
    let params = json_arg(args, 1, context)?;
    let call_id = arg(args, 2).to_number(context)? as u64;
    let inbox = with_host(|host| host.inbox.clone())?;
    dispatch(
        &api,
        params,
        Reply::new(move |result| {
            let _ = inbox.send(Inbox::ApiAnswer { call_id, result });
        }),
    )?;
    Ok(JsValue::undefined())
}

fn native_invoke_sync(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let api = string_arg(args, 0, context)?;
    let params = json_arg(args, 1, context)?;
    let (tx, rx) = mpsc::channel();
    dispatch(
        &api,
        params,
        Reply::new(move |result| {
            let _ = tx.send(result);
        }),
    )?;
    let (timeout, activity) =
        with_host(|host| (host.options.sync_api_timeout, Arc::clone(&host.activity)))?;
    // Waiting for the host is not the app's time.
    let task = activity.running().map(|(task, _)| task);
    activity.idle();
    let answered = rx.recv_timeout(timeout);
    activity.start(task.unwrap_or_default());
    let answer = match answered {
        Ok(Ok(value)) => json!({"ok": true, "hasTags": has_tagged(&value), "value": value}),
        Ok(Err(error)) => json!({"ok": false, "value": error.to_json()}),
        Err(_) => {
            json!({"ok": false, "value": {"error": 3, "errorMessage": format!("{api} did not answer within {} ms", timeout.as_millis())}})
        }
    };
    JsValue::from_json(&answer, context)
}

fn native_resolve(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let specifier = string_arg(args, 0, context)?;
    let referrer = string_arg(args, 1, context)?;
    let resolved = with_host(|host| host.loader.resolve(&referrer, &specifier))?;
    Ok(resolved.map_or(JsValue::null(), |path| JsString::from(path.as_str()).into()))
}

fn native_read_text(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let path = string_arg(args, 0, context)?;
    let text = with_host(|host| modules::read_text(&host.app, &path))?;
    Ok(text.map_or(JsValue::null(), |text| JsString::from(text.as_str()).into()))
}

/// What a CommonJS file is wrapped in (before its first line; `\n})` after it).
const COMMONJS_WRAPPER: &str = "(function (exports, require, module, __filename, __dirname) {";

/// Compiles CommonJS file `path` (`null` for an ES module) into `function (exports, require, module, __filename,
/// __dirname)`; the wrapper adds nothing before the first line, so lines stay right.
fn native_compile(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let path = string_arg(args, 0, context)?;
    let source = with_host(|host| modules::read_text(&host.app, &path))?
        .ok_or_else(|| JsNativeError::error().with_message(format!("cannot read {path}")))?;
    check_nesting(&source, &path)?;
    if capsule_jsscan::is_es_module(&source) {
        return Ok(JsValue::null());
    }
    let wrapped = format!("{COMMONJS_WRAPPER}{source}\n}})");
    context
        .eval(Source::from_bytes(wrapped.as_bytes()).with_path(Path::new(&path)))
        .map_err(|error| syntax_error(&path, COMMONJS_WRAPPER.len(), error, context))
}

/// ArrayBuffer `args[0]` as the tagged value native APIs take (`capsule_jsapi::value`).
fn native_tag_buffer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let buffer = arg(args, 0)
        .as_object()
        .and_then(|object| JsArrayBuffer::from_object(object.clone()).ok())
        .ok_or_else(|| JsNativeError::typ().with_message("not an ArrayBuffer"))?;
    // A detached buffer holds no bytes.
    let bytes = buffer.data().map(|data| data.to_vec()).unwrap_or_default();
    JsValue::from_json(&array_buffer(&bytes), context)
}

/// The ArrayBuffer a tagged value (`capsule_jsapi::value`) from a native API stands for.
fn native_untag_buffer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let tagged = json_arg(args, 0, context)?;
    let bytes = match array_buffer_bytes(&tagged) {
        Some(Ok(bytes)) => bytes,
        Some(Err(error)) => {
            return Err(JsNativeError::typ().with_message(error.to_string()).into());
        }
        None => {
            return Err(JsNativeError::typ()
                .with_message("not a tagged ArrayBuffer")
                .into());
        }
    };
    // boa's buffers are 64-byte aligned whatever is asked for.
    let block = AlignedVec::from_slice(64, &bytes);
    Ok(JsArrayBuffer::from_byte_block(block, context)?.into())
}

fn native_load_json(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let path = string_arg(args, 0, context)?;
    let text = with_host(|host| modules::read_text(&host.app, &path))?
        .ok_or_else(|| JsNativeError::error().with_message(format!("cannot read {path}")))?;
    let value: Value = serde_json::from_str(&text).map_err(|error| {
        JsNativeError::syntax().with_message(format!(
            "{path}:{}:{}: {error}",
            error.line(),
            error.column()
        ))
    })?;
    JsValue::from_json(&value, context)
}

/// Loads, links and runs ES module `path` (once) and returns its namespace object.
fn native_import_module(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let path = string_arg(args, 0, context)?;
    let loader = with_host(|host| host.loader.clone())?;
    let module = loader.module(&path, context)?;
    let promise = module.load_link_evaluate(context);
    context.run_jobs()?;
    match promise.state() {
        boa_engine::builtins::promise::PromiseState::Fulfilled(_) => {
            Ok(module.namespace(context).into())
        }
        boa_engine::builtins::promise::PromiseState::Rejected(reason) => {
            Err(JsError::from_opaque(reason))
        }
        boa_engine::builtins::promise::PromiseState::Pending => Err(JsNativeError::error()
            .with_message(format!("module {path} awaits something that never settles"))
            .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dying_thread_is_reported_as_a_crash() {
        let (out, received) = mpsc::channel();
        report_death(&out, || panic!("boa broke"));
        report_death(&out, || Err("the prelude failed".to_owned()));
        report_death(&out, || Ok(()));
        drop(out);
        let messages: Vec<LogicToView> = received.iter().collect();
        assert_eq!(
            messages,
            [
                LogicToView::Stopped {
                    reason: StopReason::Crashed {
                        message: "boa broke".into()
                    }
                },
                LogicToView::Stopped {
                    reason: StopReason::Crashed {
                        message: "the prelude failed".into()
                    }
                }
            ]
        );
    }

    #[test]
    fn whole_numbers_become_integers() {
        let mut value = json!({"a": [2.0, 2.5, -3.0], "b": 1e300});
        integral_numbers(&mut value);
        assert_eq!(value, json!({"a": [2, 2.5, -3], "b": 1e300}));
    }
}
