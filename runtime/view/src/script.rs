//! View scripts (WXS, SJS) in a boa context owned by the view layer.
//!
//! WXS modules are CommonJS (`module.exports`, `require('./other.wxs')`); SJS modules are ES
//! modules whose `export default` is the module object (`import x from './other.sjs'`). The
//! linker finds every file a module requires or imports ([`requests`]), so each file is
//! evaluated once per page, deps first. Their functions are called from template expressions
//! (`{{m.format(price)}}`); values cross as JSON values, converted directly.
//!
//! The engine runs on a thread of its own with a large stack (boa's parser recurses deeply:
//! a dozen nested brackets can take a 2 MB stack), and each call is a message to it; source
//! that would nest deeper than that stack allows is refused before parsing ([`check_depth`]).
//!
//! Each render has a time budget for script calls: once it is spent, later calls in that
//! render give `undefined` without running. Calls run through boa's instruction-budgeted
//! evaluation ([`Caller`]), so a call still running at the deadline is cut off; its context is
//! dropped and the scripts load afresh for the next render (module state starts over). What
//! builtins call back (a `map` callback, a getter) runs without yielding, bounded by boa's
//! per-frame loop limit (lowered as the budget runs out) and recursion limit. In debug builds
//! the budgeted loop is compiled in this crate, unoptimised: loops run ~14x slower than in a
//! release build.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use boa_engine::builtins::promise::PromiseState;
use boa_engine::module::{Module, ModuleLoader, ModuleRequest, Referrer};
use boa_engine::object::builtins::JsArray;
use boa_engine::property::PropertyDescriptor;
use boa_engine::{
    Context, JsNativeError, JsObject, JsResult, JsString, JsValue, Script, Source, js_string,
};
use serde_json::Value;

use capsule_jsscan::{regex_may_follow, skip_regex, skip_trivia, template_text};

use crate::error::ViewError;
use crate::expr::ScriptCalls;
use crate::page::{LinkedScript, PageView, ScriptFile};
use crate::render::{Instances, Renderer};
use crate::source::Warning;
use crate::vdom::VNode;

/// Bounds that stop a runaway view script instead of hanging rendering.
const LOOP_LIMIT: u64 = 10_000_000;
/// How long loading a page's CommonJS scripts may take.
const LOAD_BUDGET: Duration = Duration::from_secs(2);
/// Instruction "cycles" between two looks at the clock during a call.
const POLL_BUDGET: u32 = 20_000;
const RECURSION_LIMIT: usize = 400;
/// Loop iterations a call may run per millisecond of budget left (boa manages 20k–60k).
const ITERATIONS_PER_MS: u64 = 20_000;
/// The engine thread's stack: boa's parser takes up to ~170 KB per nested bracket.
const ENGINE_STACK: usize = 256 << 20;
/// Source deeper than this ([`check_depth`]) is refused: well inside [`ENGINE_STACK`].
const MAX_DEPTH: usize = 4096;
/// What one open bracket counts towards [`MAX_DEPTH`] (other nesting tokens count 1).
const BRACKET_DEPTH: usize = 8;

/// Results nested deeper than this, or with more values than [`MAX_RESULT_VALUES`], are
/// refused: converting and rendering them recurses per level (JSON data nests 128 at most).
const MAX_RESULT_DEPTH: u32 = 100;
const MAX_RESULT_VALUES: u32 = 1_000_000;

/// Whether a call's result is within [`MAX_RESULT_DEPTH`] and [`MAX_RESULT_VALUES`], walked
/// without recursion.
const RESULT_CHECK: &str = "(function (value, maxDepth, maxValues) {
  var stack = [value], depths = [0], values = 0;
  while (stack.length > 0) {
    var v = stack.pop(), d = depths.pop();
    if (v === null || typeof v !== 'object') continue;
    if (d >= maxDepth || ++values > maxValues) return false;
    var keys = Object.keys(v);
    for (var i = 0; i < keys.length; i++) { stack.push(v[keys[i]]); depths.push(d + 1); }
  }
  return true;
})";

/// What WXS and SJS have beyond ES5: `getRegExp(pattern, flags)`, `getDate(...)` (the
/// arguments of `new Date(...)`), and the type's name as `x.constructor` ('Array', 'Object',
/// 'Function', 'RegExp', 'Date', 'Number', 'String', 'Boolean'), read through [`TYPE_NAME`].
const GLOBALS: &str = "(function (global, typeName) {
  var toString = Object.prototype.toString;
  Object.defineProperty(Object.prototype, typeName, {
    get: function () { return toString.call(this).slice(8, -1); }
  });
  global.getRegExp = function getRegExp(pattern, flags) { return new RegExp(pattern, flags); };
  global.getDate = function getDate() {
    return Reflect.construct(Date, Array.prototype.slice.call(arguments));
  };
})";

/// What view scripts read instead of `constructor` ([`GLOBALS`] defines it): as long as
/// `constructor`, so renaming keeps every offset.
const TYPE_NAME: &str = "__wxsType__";
const _: () = assert!(TYPE_NAME.len() == "constructor".len());

/// Builds a module's `require` from the registry of loaded CommonJS exports and the module's
/// own specifier → path map.
const REQUIRE_FACTORY: &str = "(function (registry, deps) {
  return function require(spec) {
    if (!Object.prototype.hasOwnProperty.call(deps, spec)) {
      throw new Error(\"require('\" + spec + \"'): only a literal path to a .wxs file of the package can be required\");
    }
    return registry[deps[spec]];
  };
})";

/// A render of a page with view scripts: the page, its data (handed back with the result),
/// the data of its component instances and the wall time the scripts' calls may take.
#[derive(Debug)]
pub struct RenderJob {
    /// The page.
    pub page: Arc<PageView>,
    /// The page's data.
    pub data: Value,
    /// Data of the page's component instances that have logic, by instance identity.
    pub instances: Arc<Instances>,
    /// Wall time for the render's script calls.
    pub budget: Duration,
}

/// What a render gave: the tree, what went wrong without stopping it, and the job's data
/// handed back.
#[derive(Debug)]
pub struct Rendered {
    /// The page's root nodes.
    pub tree: Vec<VNode>,
    /// The render's warnings (a spent script budget, located).
    pub warnings: Vec<Warning>,
    /// The job's data, unchanged.
    pub data: Value,
}

/// Where a page's view scripts run: every render of a page that has them goes through its
/// runner. [`ScriptHost`] runs them in this process; a host may run them elsewhere (the
/// runtime: in the app's worker process, within the app's memory budget).
pub trait ScriptRunner: Send {
    /// Renders `job.page` for `job.data`.
    fn render(&mut self, job: RenderJob) -> Rendered;
}

/// A page's view scripts loaded on an engine thread of their own, where the page's renders
/// run.
pub struct ScriptHost {
    jobs: Option<mpsc::Sender<RenderJob>>,
    results: mpsc::Receiver<Rendered>,
    thread: Option<JoinHandle<()>>,
}

impl ScriptHost {
    /// Starts the engine thread and loads `page`'s view scripts.
    pub fn load(page: &PageView) -> Result<Self, ViewError> {
        Self::new(page.scripts(), page.script_files())
    }

    /// Starts the engine thread and loads `files` (deps before the files that need them) and
    /// the `declared` modules.
    fn new(declared: &[LinkedScript], files: &[ScriptFile]) -> Result<Self, ViewError> {
        let engine_error = |message: String| ViewError::Script {
            file: "<view scripts>".into(),
            message,
        };
        let (job_tx, job_rx) = mpsc::channel::<RenderJob>();
        let (result_tx, result_rx) = mpsc::channel();
        let (loaded_tx, loaded_rx) = mpsc::channel();
        let (declared, files) = (declared.to_vec(), files.to_vec());
        let thread = std::thread::Builder::new()
            .name("capsule-view-scripts".into())
            .stack_size(ENGINE_STACK)
            .spawn(move || {
                let engine = match Engine::load(&declared, &files) {
                    Ok(engine) => engine,
                    Err(e) => {
                        let _ = loaded_tx.send(Err(e));
                        return;
                    }
                };
                if loaded_tx.send(Ok(())).is_err() {
                    return;
                }
                while let Ok(job) = job_rx.recv() {
                    engine.begin_render(job.budget);
                    let renderer =
                        Renderer::new(&job.page, &job.instances, Some(&engine), job.budget);
                    let tree = renderer.render_page(&job.data);
                    let rendered = Rendered {
                        tree,
                        warnings: renderer.into_warnings(),
                        data: job.data,
                    };
                    if result_tx.send(rendered).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| engine_error(format!("cannot start the script engine: {e}")))?;
        match loaded_rx.recv() {
            Ok(Ok(())) => Ok(Self {
                jobs: Some(job_tx),
                results: result_rx,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                // The thread panicked while loading: let the panic go on here.
                if let Err(panic) = thread.join() {
                    std::panic::resume_unwind(panic);
                }
                Err(engine_error(
                    "the script engine stopped while loading".into(),
                ))
            }
        }
    }

    /// The engine thread is gone: a panic there goes on here, as if the render ran here.
    fn stopped(&mut self, data: Value) -> Rendered {
        self.jobs = None;
        if let Some(Err(panic)) = self.thread.take().map(JoinHandle::join) {
            std::panic::resume_unwind(panic);
        }
        Rendered {
            tree: Vec::new(),
            warnings: Vec::new(),
            data,
        }
    }
}

impl ScriptRunner for ScriptHost {
    /// Renders on the engine thread.
    fn render(&mut self, job: RenderJob) -> Rendered {
        let Some(jobs) = &self.jobs else {
            return Rendered {
                tree: Vec::new(),
                warnings: Vec::new(),
                data: job.data,
            };
        };
        if let Err(mpsc::SendError(job)) = jobs.send(job) {
            return self.stopped(job.data);
        }
        match self.results.recv() {
            Ok(rendered) => rendered,
            Err(_) => self.stopped(Value::Null),
        }
    }
}

impl Drop for ScriptHost {
    fn drop(&mut self) {
        // Closing the channel ends the engine thread's loop.
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The page's scripts on the engine thread, and the budget of the running render.
struct Engine {
    declared: Vec<LinkedScript>,
    files: Vec<ScriptFile>,
    /// `None` after a call was cut off mid-run (its context is dropped), until the next
    /// render loads the scripts again.
    loaded: RefCell<Option<Loaded>>,
    /// When the running render's budget ends (`None`: no limit).
    deadline: Cell<Option<Instant>>,
    /// Whether the running render has spent its budget.
    spent: Cell<bool>,
    /// Module objects read as values in the running render (`{{m.title}}`), by template and
    /// name.
    values: RefCell<HashMap<String, HashMap<String, Option<Value>>>>,
}

/// A boa context with the modules loaded.
struct Loaded {
    context: Context,
    /// Each template's modules by name.
    modules: HashMap<String, HashMap<String, JsObject>>,
    caller: Caller,
    /// [`RESULT_CHECK`].
    result_check: JsValue,
}

impl Engine {
    fn load(declared: &[LinkedScript], files: &[ScriptFile]) -> Result<Self, ViewError> {
        let loaded = Loaded::load(declared, files)?;
        Ok(Self {
            declared: declared.to_vec(),
            files: files.to_vec(),
            loaded: RefCell::new(Some(loaded)),
            deadline: Cell::new(None),
            spent: Cell::new(false),
            values: RefCell::default(),
        })
    }

    /// Starts a render: script calls from now on share `budget` of wall time. Scripts whose
    /// context was dropped by a cut-off call are loaded again.
    fn begin_render(&self, budget: Duration) {
        self.deadline.set(Instant::now().checked_add(budget));
        self.spent.set(false);
        self.values.borrow_mut().clear();
        let mut loaded = self.loaded.borrow_mut();
        if loaded.is_none() {
            match Loaded::load(&self.declared, &self.files) {
                Ok(fresh) => *loaded = Some(fresh),
                Err(e) => {
                    tracing::warn!(target: "capsule::view", "view scripts do not load again: {e}");
                }
            }
        }
    }

    /// Loop iterations the next call may run per frame: fewer as the budget runs out. `None`
    /// when the budget is spent.
    fn loop_limit(&self) -> Option<u64> {
        if self.spent.get() {
            return None;
        }
        let Some(deadline) = self.deadline.get() else {
            return Some(LOOP_LIMIT);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            self.spent.set(true);
            return None;
        }
        let ms = u64::try_from(left.as_millis()).unwrap_or(u64::MAX).max(1);
        Some(ms.saturating_mul(ITERATIONS_PER_MS).min(LOOP_LIMIT))
    }
}

impl ScriptCalls for Engine {
    fn call(
        &self,
        file: &str,
        module: &str,
        function: Option<&str>,
        args: &[Value],
    ) -> Option<Result<Value, String>> {
        let mut slot = self.loaded.borrow_mut();
        let Some(loaded) = slot.as_mut() else {
            // Only after a cut-off call, when the budget is spent anyway.
            return self
                .declared
                .iter()
                .any(|d| d.template == file && d.name == module)
                .then_some(Ok(Value::Null));
        };
        let object = loaded.module(file, module)?;
        let Some(loop_limit) = self.loop_limit() else {
            return Some(Ok(Value::Null));
        };
        let result = loaded.invoke(
            &object,
            module,
            function,
            args,
            loop_limit,
            self.deadline.get(),
        );
        if self
            .deadline
            .get()
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            self.spent.set(true);
        }
        Some(match result {
            Some(result) => result,
            None => {
                // Cut off mid-run: the context is in the middle of the call; drop it.
                *slot = None;
                Ok(Value::Null)
            }
        })
    }

    fn budget_spent(&self) -> bool {
        self.spent.get()
    }

    fn value(&self, file: &str, module: &str) -> Option<Value> {
        if let Some(value) = self.values.borrow().get(file).and_then(|m| m.get(module)) {
            return value.clone();
        }
        let mut slot = self.loaded.borrow_mut();
        let loaded = slot.as_mut()?;
        let object = loaded.module(file, module)?;
        let value = loaded.module_json(&object).ok();
        self.values
            .borrow_mut()
            .entry(file.to_owned())
            .or_default()
            .insert(module.to_owned(), value.clone());
        value
    }
}

impl Loaded {
    fn load(declared: &[LinkedScript], files: &[ScriptFile]) -> Result<Self, ViewError> {
        let files: Vec<ScriptFile> = files
            .iter()
            .map(|f| ScriptFile {
                source: type_names(&f.source),
                ..f.clone()
            })
            .collect();
        let loader = Rc::new(ViewModuleLoader {
            files: files
                .iter()
                .filter(|f| f.es)
                .map(|f| (f.file.clone(), f.clone()))
                .collect(),
            cache: RefCell::default(),
        });
        let fail = |file: &str| {
            let file = file.to_owned();
            move |message: String| ViewError::Script { file, message }
        };
        for file in &files {
            check_depth(&file.source).map_err(fail(&file.file))?;
        }
        let mut context = Context::builder()
            .module_loader(loader.clone())
            .build()
            .map_err(|e| fail("<view scripts>")(e.to_string()))?;
        context
            .runtime_limits_mut()
            .set_loop_iteration_limit(LOOP_LIMIT);
        context
            .runtime_limits_mut()
            .set_recursion_limit(RECURSION_LIMIT);
        let internal = |source: &str, context: &mut Context| {
            context
                .eval(Source::from_bytes(source))
                .map_err(|e| fail("<view scripts>")(e.to_string()))
        };
        internal(&format!("{GLOBALS}(this, '{TYPE_NAME}')"), &mut context)?;
        let factory = internal(REQUIRE_FACTORY, &mut context)?;
        let result_check = internal(RESULT_CHECK, &mut context)?;
        let caller = Caller::new(&mut context).map_err(fail("<view scripts>"))?;
        let registry = JsObject::with_null_proto();
        let load_deadline = Instant::now().checked_add(LOAD_BUDGET);
        for file in files.iter().filter(|f| !f.es) {
            let exports = load_commonjs(
                &mut context,
                &caller,
                file,
                &registry,
                &factory,
                load_deadline,
            )
            .map_err(fail(&file.file))?;
            registry
                .set(
                    JsString::from(file.file.as_str()),
                    exports,
                    false,
                    &mut context,
                )
                .map_err(|e| fail(&file.file)(e.to_string()))?;
        }
        let mut modules: HashMap<String, HashMap<String, JsObject>> = HashMap::new();
        for script in declared {
            let es = files.iter().any(|f| f.file == script.file && f.es);
            let exports = if es {
                load_es(&mut context, &loader, &script.file)
            } else {
                registry
                    .get(JsString::from(script.file.as_str()), &mut context)
                    .map_err(|e| e.to_string())
            }
            .map_err(fail(&script.file))?;
            let exports = exports
                .as_object()
                .ok_or_else(|| fail(&script.file)("the module exports no object".to_owned()))?;
            let declared_before = modules
                .entry(script.template.clone())
                .or_default()
                .insert(script.name.clone(), exports);
            if declared_before.is_some() {
                tracing::warn!(target: "capsule::view", "{}: view-script module '{}' declared twice; {} wins", script.template, script.name, script.file);
            }
        }
        Ok(Self {
            context,
            modules,
            caller,
            result_check,
        })
    }

    /// Module `name` of template `file`.
    fn module(&self, file: &str, name: &str) -> Option<JsObject> {
        self.modules.get(file)?.get(name).cloned()
    }

    /// Calls `name.function(...args)`, or module `name` itself when `function` is `None`;
    /// `None` when it was cut off at `deadline`.
    fn invoke(
        &mut self,
        object: &JsObject,
        name: &str,
        function: Option<&str>,
        args: &[Value],
        loop_limit: u64,
        deadline: Option<Instant>,
    ) -> Option<Result<Value, String>> {
        let label = function.map_or_else(|| name.to_owned(), |f| format!("{name}.{f}"));
        let context = &mut self.context;
        context
            .runtime_limits_mut()
            .set_loop_iteration_limit(loop_limit);
        // The caller calls `this[key](...)`: a module that is a function sits in a holder.
        let prepared = (|| {
            let (this, key) = match function {
                Some(function) => (object.clone(), function),
                None => {
                    let holder = JsObject::with_null_proto();
                    holder
                        .set(js_string!("module"), object.clone(), false, context)
                        .map_err(|e| e.to_string())?;
                    (holder, "module")
                }
            };
            let f = this
                .get(JsString::from(key), context)
                .map_err(|e| e.to_string())?;
            if !f.is_callable() {
                return Err(format!("{label} is not a function"));
            }
            let args = args
                .iter()
                .map(|a| JsValue::from_json(a, context))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?;
            Ok((this, key, args))
        })();
        let (this, key, js_args) = match prepared {
            Ok(prepared) => prepared,
            Err(e) => return Some(Err(e)),
        };
        let result = match self.caller.call(context, &this, key, js_args, deadline)? {
            Ok(result) => result,
            Err(e) => return Some(Err(format!("{label}: {e}"))),
        };
        Some(
            self.result_json(&result)
                .map_err(|e| format!("{label}: {e}")),
        )
    }

    /// A call's result as JSON, refused when too deep or large to render.
    fn result_json(&mut self, result: &JsValue) -> Result<Value, String> {
        self.check_size(result)?;
        let json = result
            .to_json(&mut self.context)
            .map_err(|e| e.to_string())?;
        Ok(json.unwrap_or(Value::Null))
    }

    /// A module object as data, as `JSON.stringify` sees it (its functions left out).
    fn module_json(&mut self, module: &JsObject) -> Result<Value, String> {
        let module = JsValue::from(module.clone());
        self.check_size(&module)?;
        let context = &mut self.context;
        let json = context
            .global_object()
            .get(JsString::from("JSON"), context)
            .map_err(|e| e.to_string())?;
        let stringify = json
            .as_object()
            .map(|json| json.get(JsString::from("stringify"), context))
            .transpose()
            .map_err(|e| e.to_string())?
            .ok_or("JSON.stringify is missing")?;
        let text = stringify
            .as_callable()
            .ok_or("JSON.stringify is not a function")?
            .call(&json, &[module], context)
            .map_err(|e| e.to_string())?;
        match text.as_string() {
            Some(text) => {
                serde_json::from_str(&text.to_std_string_escaped()).map_err(|e| e.to_string())
            }
            None => Ok(Value::Null),
        }
    }

    /// Refuses a value nested deeper than [`MAX_RESULT_DEPTH`] or holding more than
    /// [`MAX_RESULT_VALUES`] values.
    fn check_size(&mut self, value: &JsValue) -> Result<(), String> {
        if !value.is_object() {
            return Ok(());
        }
        let context = &mut self.context;
        context
            .runtime_limits_mut()
            .set_loop_iteration_limit(LOOP_LIMIT);
        let fits = self
            .result_check
            .as_callable()
            .map(|check| {
                check.call(
                    &JsValue::undefined(),
                    &[
                        value.clone(),
                        MAX_RESULT_DEPTH.into(),
                        MAX_RESULT_VALUES.into(),
                    ],
                    context,
                )
            })
            .transpose()
            .map_err(|e| e.to_string())?;
        if fits.is_none_or(|fits| !fits.to_boolean()) {
            return Err(format!(
                "the result nests deeper than {MAX_RESULT_DEPTH} levels or holds over {MAX_RESULT_VALUES} values"
            ));
        }
        Ok(())
    }
}

/// Calls functions through a script evaluated with boa's instruction budget, so that the
/// engine thread gets control back every so often and can cut a call off at a deadline.
/// (Calls that builtins make, like a `map` callback, run to their end or their loop limit.)
struct Caller {
    /// By argument count: `__capsuleCall[0][__capsuleCall[1]](__capsuleCall[2], …)`; the
    /// last one spreads `__capsuleCall[2]`.
    scripts: Vec<Script>,
    /// `__capsuleCall`: this, the function name, the arguments.
    holder: JsObject,
}

/// Calls with up to this many arguments pass them without an array.
const DIRECT_ARGS: usize = 4;

impl Caller {
    fn new(context: &mut Context) -> Result<Self, String> {
        let holder = JsObject::with_null_proto();
        context
            .global_object()
            .define_property_or_throw(
                js_string!("__capsuleCall"),
                PropertyDescriptor::builder()
                    .value(holder.clone())
                    .writable(false)
                    .enumerable(false)
                    .configurable(false),
                context,
            )
            .map_err(|e| e.to_string())?;
        let scripts = (0..=DIRECT_ARGS + 1)
            .map(|arity| {
                let args = if arity > DIRECT_ARGS {
                    "...__capsuleCall[2]".to_owned()
                } else {
                    (0..arity)
                        .map(|i| format!("__capsuleCall[{}]", i + 2))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let source = format!("__capsuleCall[0][__capsuleCall[1]]({args})");
                Script::parse(Source::from_bytes(source.as_bytes()), None, context)
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { scripts, holder })
    }

    /// `this[function](...args)`; `None` when cut off at `deadline`, which leaves `context`
    /// in the middle of the call: it must not be used again.
    fn call(
        &self,
        context: &mut Context,
        this: &JsObject,
        function: &str,
        args: Vec<JsValue>,
        deadline: Option<Instant>,
    ) -> Option<JsResult<JsValue>> {
        let arity = args.len();
        let mut values = vec![
            JsValue::from(this.clone()),
            JsValue::from(JsString::from(function)),
        ];
        if arity > DIRECT_ARGS {
            values.push(JsArray::from_iter(args, context).into());
        } else {
            values.extend(args);
        }
        let set = values
            .into_iter()
            .enumerate()
            .try_for_each(|(i, value)| self.holder.set(i, value, true, context).map(drop));
        if let Err(e) = set {
            return Some(Err(e));
        }
        let script = &self.scripts[arity.min(DIRECT_ARGS + 1)];
        let mut future = std::pin::pin!(script.evaluate_async_with_budget(context, POLL_BUDGET));
        let mut poll = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(result) = future.as_mut().poll(&mut poll) {
                return Some(result);
            }
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return None;
            }
        }
    }
}

/// Evaluates a CommonJS file with its own `require`, `module` and `exports`, cut off at
/// `deadline`.
fn load_commonjs(
    context: &mut Context,
    caller: &Caller,
    file: &ScriptFile,
    registry: &JsObject,
    factory: &JsValue,
    deadline: Option<Instant>,
) -> Result<JsValue, String> {
    let err = |e: boa_engine::JsError| e.to_string();
    let deps: serde_json::Map<String, Value> = file
        .deps
        .iter()
        .map(|(spec, path)| (spec.clone(), Value::String(path.clone())))
        .collect();
    let deps = JsValue::from_json(&Value::Object(deps), context).map_err(err)?;
    let factory = factory
        .as_callable()
        .ok_or_else(|| "no require factory".to_owned())?;
    let require = factory
        .call(
            &JsValue::undefined(),
            &[registry.clone().into(), deps],
            context,
        )
        .map_err(err)?;
    let wrapped = format!(
        "(function (require, module, exports) {{\n{}\n}})",
        file.source
    );
    let function = context
        .eval(Source::from_bytes(wrapped.as_bytes()))
        .map_err(err)?;
    if !function.is_callable() {
        return Err("the module does not parse as a function body".to_owned());
    }
    let exports = JsObject::with_object_proto(context.intrinsics());
    let module = JsObject::with_object_proto(context.intrinsics());
    module
        .set(js_string!("exports"), exports.clone(), false, context)
        .map_err(err)?;
    let holder = JsObject::with_null_proto();
    holder
        .set(js_string!("run"), function, false, context)
        .map_err(err)?;
    caller
        .call(
            context,
            &holder,
            "run",
            vec![require, module.clone().into(), exports.into()],
            deadline,
        )
        .ok_or_else(|| format!("loading took longer than {LOAD_BUDGET:?}"))?
        .map_err(err)?;
    module.get(js_string!("exports"), context).map_err(err)
}

/// Loads, links and evaluates an ES module (and what it imports); its `default` export.
fn load_es(
    context: &mut Context,
    loader: &ViewModuleLoader,
    file: &str,
) -> Result<JsValue, String> {
    let module = loader.module(file, context).map_err(|e| e.to_string())?;
    let promise = module.load_link_evaluate(context);
    context.run_jobs().map_err(|e| e.to_string())?;
    match promise.state() {
        PromiseState::Fulfilled(_) => {}
        PromiseState::Rejected(e) => return Err(display(&e, context)),
        PromiseState::Pending => return Err("the module did not finish loading".into()),
    }
    module
        .namespace(context)
        .get(js_string!("default"), context)
        .map_err(|e| e.to_string())
}

fn display(value: &JsValue, context: &mut Context) -> String {
    value
        .to_string(context)
        .map_or_else(|_| "the module threw".into(), |s| s.to_std_string_escaped())
}

/// Serves `import`s from the linked `.sjs` files, each parsed once.
struct ViewModuleLoader {
    files: HashMap<String, ScriptFile>,
    cache: RefCell<HashMap<String, Module>>,
}

impl ViewModuleLoader {
    fn module(&self, path: &str, context: &mut Context) -> JsResult<Module> {
        if let Some(module) = self.cache.borrow().get(path) {
            return Ok(module.clone());
        }
        let file = self.files.get(path).ok_or_else(|| {
            JsNativeError::error().with_message(format!("{path} is not a linked view script"))
        })?;
        let source = Source::from_bytes(file.source.as_bytes()).with_path(Path::new(path));
        let module = Module::parse(source, None, context)?;
        self.cache
            .borrow_mut()
            .insert(path.to_owned(), module.clone());
        Ok(module)
    }
}

impl ModuleLoader for ViewModuleLoader {
    async fn load_imported_module(
        self: Rc<Self>,
        referrer: Referrer,
        request: ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> JsResult<Module> {
        let from = referrer
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let spec = request.specifier().to_std_string_escaped();
        let path = self
            .files
            .get(&from)
            .and_then(|f| f.deps.iter().find(|(s, _)| *s == spec))
            .map(|(_, path)| path.clone())
            .ok_or_else(|| {
                JsNativeError::error().with_message(format!(
                    "import '{spec}' in {from}: only a literal path to a .sjs file of the package can be imported"
                ))
            })?;
        self.module(&path, &mut context.borrow_mut())
    }
}

/// `source` with each member read of `constructor` (`x.constructor`, `x?.constructor`) renamed
/// to [`TYPE_NAME`]: in WXS and SJS it gives the type's name, which boa's builtins must not see
/// (`map`, `slice`, `split` look up `constructor` for a species). Strings, comments, template
/// literals and regular expressions are left alone.
fn type_names(source: &str) -> String {
    const NAME: &[u8] = b"constructor";
    let bytes = source.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let mut out = source.to_owned();
    // The last byte that was not whitespace, and where it is.
    let (mut last, mut last_at) = (b';', 0);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && !matches!(bytes.get(i + 1), Some(b'/' | b'*')) && regex_may_follow(last) {
            i = skip_regex(bytes, i);
            (last, last_at) = (b'/', i - 1);
            continue;
        }
        if let Some(next) = skip_trivia(bytes, i) {
            if !matches!(b, b'/') {
                (last, last_at) = (b'"', next - 1);
            }
            i = next;
            continue;
        }
        if !is_word(b) {
            (last, last_at) = (b, i);
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word(bytes[i]) {
            i += 1;
        }
        // A member name (not `...constructor`, a spread of a variable).
        let member = last == b'.' && !bytes[..last_at].ends_with(b"..");
        if member && &bytes[start..i] == NAME {
            out.replace_range(start..i, TYPE_NAME);
        }
        (last, last_at) = (bytes[i - 1], i - 1);
    }
    out
}

/// Refuses source that would take boa's recursive-descent parser deeper than the engine
/// thread's stack allows. The estimate is an upper bound for the forms that nest: each open
/// bracket counts [`BRACKET_DEPTH`], and each token that nests without brackets (prefix and
/// infix operators, `?`, `=`, `=>`, `if`, `else`, `new`, `typeof` …) counts 1 until the
/// statement, list element or bracket it is in ends. Strings, comments and regular
/// expressions are skipped.
pub(crate) fn check_depth(source: &str) -> Result<(), String> {
    const NESTING_WORDS: &[&[u8]] = &[
        b"if",
        b"else",
        b"new",
        b"typeof",
        b"void",
        b"delete",
        b"await",
        b"yield",
        b"in",
        b"instanceof",
        b"return",
        b"throw",
        b"case",
    ];
    let bytes = source.as_bytes();
    // Per open bracket (and the top level): the nesting tokens of its current statement, and
    // whether it is a template literal's `${`.
    let mut open: Vec<(usize, bool)> = vec![(0, false)];
    let mut depth = 0usize;
    // The last byte that was not whitespace, to tell a regular expression from a division.
    let mut last = b';';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let regex =
            b == b'/' && !matches!(bytes.get(i + 1), Some(b'/' | b'*')) && regex_may_follow(last);
        if regex {
            i = skip_regex(bytes, i);
            last = b'/';
            continue;
        }
        // A template literal's text, up to its end or a `${` that opens a bracket.
        let template = |from: usize, open: &mut Vec<(usize, bool)>, depth: &mut usize| {
            let (next, substitution) = template_text(bytes, from);
            if substitution {
                open.push((0, true));
                *depth += BRACKET_DEPTH;
            }
            next
        };
        if b == b'`' {
            i = template(i + 1, &mut open, &mut depth);
            last = b'"';
            continue;
        }
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            if !matches!(b, b'/') {
                last = b'"';
            }
            continue;
        }
        let mut step = 1;
        match b {
            b'(' | b'[' | b'{' => {
                open.push((0, false));
                depth += BRACKET_DEPTH;
            }
            b')' | b']' | b'}' if open.len() > 1 => {
                let (tokens, substitution) = open.pop().unwrap_or_default();
                depth = depth.saturating_sub(BRACKET_DEPTH + tokens);
                if substitution && b == b'}' {
                    i = template(i + 1, &mut open, &mut depth);
                    last = b'"';
                    continue;
                }
            }
            b';' | b',' => {
                if let Some((tokens, _)) = open.last_mut() {
                    depth = depth.saturating_sub(*tokens);
                    *tokens = 0;
                }
            }
            b'?' | b'!' | b'~' | b'-' | b'+' | b'=' | b'*' | b'&' | b'|' | b'<' | b'>' | b'%'
            | b'^' | b':' | b'.' => {
                // Each character counts: `!!!!x` nests four deep (`===` over-counts, safely).
                if let Some((tokens, _)) = open.last_mut() {
                    *tokens += 1;
                    depth += 1;
                }
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                while bytes.get(i + step).is_some_and(|&c| {
                    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
                }) {
                    step += 1;
                }
                if NESTING_WORDS.contains(&&bytes[i..i + step])
                    && let Some((tokens, _)) = open.last_mut()
                {
                    *tokens += 1;
                    depth += 1;
                }
            }
            _ => {}
        }
        if depth > MAX_DEPTH {
            return Err(format!(
                "the source nests too deeply to parse (brackets, operators or if/else chains, at byte {i})"
            ));
        }
        last = bytes[i + step - 1];
        i += step;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use capsule_jsscan::is_es_module;
    use serde_json::json;

    fn linked(scripts: &[(&str, &str)]) -> (Vec<LinkedScript>, Vec<ScriptFile>) {
        let files: Vec<ScriptFile> = scripts
            .iter()
            .map(|(name, source)| ScriptFile {
                file: format!("{name}.js"),
                source: (*source).to_owned(),
                es: is_es_module(source),
                deps: Vec::new(),
            })
            .collect();
        let declared: Vec<LinkedScript> = scripts
            .iter()
            .map(|(name, _)| LinkedScript {
                template: TEMPLATE.to_owned(),
                name: (*name).to_owned(),
                file: format!("{name}.js"),
            })
            .collect();
        (declared, files)
    }

    /// The template that declares the test modules.
    const TEMPLATE: &str = "p.wxml";

    /// `module.function(args)` as written in [`TEMPLATE`].
    fn call(
        engine: &Engine,
        module: &str,
        function: &str,
        args: &[Value],
    ) -> Option<Result<Value, String>> {
        engine.call(TEMPLATE, module, Some(function), args)
    }

    /// The engine on the test's own thread (small sources only: the stack is small).
    fn host(scripts: &[(&str, &str)]) -> Result<Engine, ViewError> {
        let (declared, files) = linked(scripts);
        Engine::load(&declared, &files)
    }

    /// The engine on its thread, as views use it.
    fn threaded(scripts: &[(&str, &str)]) -> Result<ScriptHost, ViewError> {
        let (declared, files) = linked(scripts);
        ScriptHost::new(&declared, &files)
    }

    #[test]
    fn wxs_and_sjs_modules_are_callable() {
        let host = host(&[
            (
                "w",
                "module.exports = { add: function (a, b) { return a + b; }, up: function (s) { return s.toUpperCase(); } };",
            ),
            (
                "s",
                "export default { pick(o, k) { return o[k]; }, list(n) { return [n, n * 2]; } };",
            ),
        ])
        .expect("loads");
        assert_eq!(
            call(&host, "w", "add", &[json!(2), json!(3)]),
            Some(Ok(json!(5)))
        );
        assert_eq!(
            call(&host, "w", "up", &[json!("ab")]),
            Some(Ok(json!("AB")))
        );
        assert_eq!(
            call(&host, "s", "pick", &[json!({"k": [1]}), json!("k")]),
            Some(Ok(json!([1])))
        );
        assert_eq!(
            call(&host, "s", "list", &[json!(2)]),
            Some(Ok(json!([2, 4])))
        );
        assert_eq!(call(&host, "nope", "f", &[]), None);
        assert!(matches!(call(&host, "w", "missing", &[]), Some(Err(_))));
    }

    #[test]
    fn constructor_reads_are_renamed_outside_strings_comments_and_regexes() {
        let source = "a.constructor; b ?. constructor; '.constructor'; // x.constructor\n/\\.constructor/; f(...constructor); ({constructor: 1}); `${x}.constructor`";
        let renamed = type_names(source);
        assert_eq!(renamed.len(), source.len());
        assert_eq!(
            renamed,
            "a.__wxsType__; b ?. __wxsType__; '.constructor'; // x.constructor\n/\\.constructor/; f(...constructor); ({constructor: 1}); `${x}.constructor`"
        );
    }

    #[test]
    fn bad_scripts_are_errors_and_runaway_ones_stop() {
        assert!(host(&[("b", "module.exports = {")]).is_err());
        assert!(host(&[("t", "throw new Error('no')")]).is_err());
        assert!(host(&[("e", "export default 1; throw 2;")]).is_err());
        assert!(host(&[("n", &"(".repeat(100_000))]).is_err());
        let runaway = host(&[(
            "r",
            "module.exports = { spin: function () { while (true) {} }, deep: function f(n) { return f(n + 1); } };",
        )])
        .expect("loads");
        assert!(matches!(call(&runaway, "r", "spin", &[]), Some(Err(_))));
        assert!(matches!(
            call(&runaway, "r", "deep", &[json!(0)]),
            Some(Err(_))
        ));
        // The context stays usable after a runaway call.
        assert!(matches!(call(&runaway, "r", "spin", &[]), Some(Err(_))));
        // Results too deep to convert and render safely, or cyclic, are errors.
        let nested = host(&[(
            "n",
            "module.exports = { nest: function (n) { var a = []; for (var i = 0; i < n; i++) a = [a]; return a; }, cycle: function () { var o = {}; o.o = o; return o; } };",
        )])
        .expect("loads");
        assert!(matches!(
            call(&nested, "n", "nest", &[json!(50)]),
            Some(Ok(_))
        ));
        for n in [101, 1_000_000] {
            let result = call(&nested, "n", "nest", &[json!(n)]);
            assert!(
                matches!(&result, Some(Err(e)) if e.contains("nests deeper")),
                "{result:?}"
            );
        }
        assert!(matches!(call(&nested, "n", "cycle", &[]), Some(Err(_))));
    }

    #[test]
    fn a_spent_budget_makes_calls_undefined_until_the_next_render() {
        let host = host(&[(
            "m",
            "module.exports = { slow: function () { var s = 0; for (var i = 0; i < 2000000; i++) s += i; return 1; } };",
        )])
        .expect("loads");
        host.begin_render(Duration::ZERO);
        assert_eq!(call(&host, "m", "slow", &[]), Some(Ok(Value::Null)));
        assert!(host.budget_spent());
        // Unknown modules are still errors, not undefined.
        assert_eq!(call(&host, "x", "f", &[]), None);
        host.begin_render(Duration::from_secs(60));
        assert!(!host.budget_spent());
        assert_eq!(call(&host, "m", "slow", &[]), Some(Ok(json!(1))));
    }

    #[test]
    fn a_call_running_past_the_deadline_is_cut_off_and_the_scripts_load_again() {
        // Each loop step copies a growing string: far too slow for the loop limit to help.
        let engine = host(&[(
            "m",
            "var calls = 0; module.exports = { grow: function () { calls++; var s = 'x'; for (var i = 0; i < 5000000; i++) { s = s + i + s.charAt(i); } return s.length; }, calls: function () { calls++; return calls; } };",
        )])
        .expect("loads");
        engine.begin_render(Duration::from_millis(200));
        let started = Instant::now();
        assert_eq!(call(&engine, "m", "grow", &[]), Some(Ok(Value::Null)));
        assert!(started.elapsed() < Duration::from_secs(30));
        assert!(engine.budget_spent());
        assert_eq!(call(&engine, "m", "calls", &[]), Some(Ok(Value::Null)));
        assert_eq!(call(&engine, "x", "f", &[]), None);
        // The next render has fresh scripts: module state starts over.
        engine.begin_render(Duration::from_secs(60));
        assert_eq!(call(&engine, "m", "calls", &[]), Some(Ok(json!(1))));
        assert_eq!(call(&engine, "m", "calls", &[]), Some(Ok(json!(2))));
    }

    #[test]
    fn slow_module_top_level_code_is_a_load_error() {
        let Err(e) = host(&[(
            "m",
            "var s = 'x'; for (var i = 0; i < 5000000; i++) { s = s + i + s.charAt(i); } module.exports = {};",
        )]) else {
            panic!("loads");
        };
        assert!(e.to_string().contains("loading took longer than"), "{e}");
    }

    /// The deepest source of each nesting form that [`check_depth`] lets through loads
    /// without overflowing the engine's stack (an overflow would abort the test binary).
    #[test]
    fn the_deepest_accepted_sources_do_not_overflow() {
        type Form = (&'static str, fn(usize) -> String);
        let forms: &[Form] = &[
            ("parens", |n| {
                format!(
                    "module.exports = {{ v: {}1{} }};",
                    "(".repeat(n),
                    ")".repeat(n)
                )
            }),
            ("arrays", |n| {
                format!(
                    "module.exports = {{ v: {}1{} }};",
                    "[".repeat(n),
                    "]".repeat(n)
                )
            }),
            ("objects", |n| {
                format!(
                    "module.exports = {};",
                    "{a:".repeat(n) + "1" + &"}".repeat(n)
                )
            }),
            ("functions", |n| {
                format!(
                    "module.exports = {{ v: {}1{} }};",
                    "function(){return ".repeat(n),
                    "}".repeat(n)
                )
            }),
            ("blocks", |n| {
                format!(
                    "{}var x = 1;{}module.exports = {{}};",
                    "{".repeat(n),
                    "}".repeat(n)
                )
            }),
            ("not", |n| {
                format!("module.exports = {{ v: {}1 }};", "!".repeat(n))
            }),
            ("minus", |n| {
                format!("module.exports = {{ v: {}1 }};", "- ".repeat(n))
            }),
            ("typeof", |n| {
                format!("module.exports = {{ v: {}1 }};", "typeof ".repeat(n))
            }),
            ("ternary", |n| {
                format!("module.exports = {{ v: {}1 }};", "1?1:".repeat(n))
            }),
            ("assign", |n| {
                format!("var a; module.exports = {{ v: {}1 }};", "a=".repeat(n))
            }),
            ("arrows", |n| {
                format!("module.exports = {{ v: {}1 }};", "x=>".repeat(n))
            }),
            ("ifs", |n| {
                format!("{}var x = 1; module.exports = {{}};", "if (1) ".repeat(n))
            }),
            ("else ifs", |n| {
                format!(
                    "if (0) {{}}{} module.exports = {{}};",
                    " else if (0) {}".repeat(n)
                )
            }),
            ("new", |n| {
                format!(
                    "function F() {{}} module.exports = {{ v: {}F }};",
                    "new ".repeat(n)
                )
            }),
            ("plus", |n| {
                format!("module.exports = {{ v: 1{} }};", "+1".repeat(n))
            }),
            ("members", |n| {
                format!(
                    "var a = {{}}; module.exports = {{ v: a{} }};",
                    ".b".repeat(n)
                )
            }),
            ("templates", |n| {
                format!(
                    "module.exports = {{ v: {}1{} }};",
                    "`${".repeat(n),
                    "}`".repeat(n)
                )
            }),
        ];
        for (name, make) in forms {
            let mut n = 1;
            while check_depth(&make(n * 2)).is_ok() && n < 1 << 20 {
                n *= 2;
            }
            let mut step = n / 2;
            while step > 0 {
                if check_depth(&make(n + step)).is_ok() {
                    n += step;
                }
                step /= 2;
            }
            let source = make(n);
            assert!(check_depth(&source).is_ok(), "{name}");
            assert!(
                check_depth(&make(n + 1)).is_err(),
                "{name} is never refused"
            );
            let loaded = threaded(&[("m", &source)]);
            eprintln!("{name}: {n} levels accepted, loads: {}", loaded.is_ok());
        }
        // Ordinary code is far from the limit.
        let ordinary = "module.exports = { f: function (list) { var out = []; for (var i = 0; i < list.length; i++) { if (list[i] && list[i].ok) { out.push({ id: list[i].id, label: (list[i].a || '') + '-' + (list[i].b ? 'y' : 'n') }); } else if (list[i]) { out.push(null); } } return out; } };";
        assert!(check_depth(&ordinary.repeat(200)).is_ok());
        assert!(check_depth("var r = /((((((((((/; var s = '((((((';").is_ok());
    }
}
