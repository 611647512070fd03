//! View scripts (WXS, SJS) in a boa context owned by the view layer.
//!
//! WXS modules are CommonJS (`module.exports`, `require('./other.wxs')`); SJS modules are ES
//! modules whose `export default` is the module object (`import x from './other.sjs'`). The
//! linker finds every file a module requires or imports ([`requests`]), so each file is
//! evaluated once per page, deps first. Their functions are called from template expressions
//! (`{{m.format(price)}}`); values cross as JSON values, converted directly.
//!
//! Each render has a time budget for script calls ([`ScriptHost::begin_render`]): once it is
//! spent, later calls in that render give `undefined` without running. A single call is bounded
//! by boa's per-frame loop-iteration limit (lowered as the budget runs out) and recursion limit.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use boa_engine::builtins::promise::PromiseState;
use boa_engine::module::{Module, ModuleLoader, ModuleRequest, Referrer};
use boa_engine::{
    Context, JsNativeError, JsObject, JsResult, JsString, JsValue, Source, js_string,
};
use serde_json::Value;

use super::ViewError;
use super::expr::ScriptCalls;
use super::page::{LinkedScript, ScriptFile};

/// Bounds that stop a runaway view script instead of hanging rendering.
const LOOP_LIMIT: u64 = 10_000_000;
const RECURSION_LIMIT: usize = 400;
/// Loop iterations a call may run per millisecond of budget left (boa manages 20k–60k).
const ITERATIONS_PER_MS: u64 = 20_000;
/// Source nested deeper than this is refused: boa's parser recurses per level.
const MAX_SOURCE_NESTING: usize = 256;

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

/// The view-side script context and its loaded modules.
pub(crate) struct ScriptHost {
    context: RefCell<Context>,
    modules: HashMap<String, JsObject>,
    /// When the running render's budget ends (`None`: no limit).
    deadline: Cell<Option<Instant>>,
    /// Whether the running render has spent its budget.
    spent: Cell<bool>,
}

impl ScriptHost {
    /// Loads `files` (deps before the files that need them) and the `declared` modules.
    pub(crate) fn new(declared: &[LinkedScript], files: &[ScriptFile]) -> Result<Self, ViewError> {
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
        let registry = JsObject::with_null_proto();
        let factory = context
            .eval(Source::from_bytes(REQUIRE_FACTORY))
            .map_err(|e| fail("<view scripts>")(e.to_string()))?;
        for file in files {
            check_nesting(&file.source).map_err(fail(&file.file))?;
            if file.es {
                continue;
            }
            let exports =
                load_commonjs(&mut context, file, &registry, &factory).map_err(fail(&file.file))?;
            registry
                .set(
                    JsString::from(file.file.as_str()),
                    exports,
                    false,
                    &mut context,
                )
                .map_err(|e| fail(&file.file)(e.to_string()))?;
        }
        let mut modules = HashMap::new();
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
            if modules.insert(script.name.clone(), exports).is_some() {
                tracing::warn!(target: "capsule::view", "view-script module '{}' declared twice; {} wins", script.name, script.file);
            }
        }
        Ok(Self {
            context: RefCell::new(context),
            modules,
            deadline: Cell::new(None),
            spent: Cell::new(false),
        })
    }

    /// Starts a render: script calls from now on share `budget` of wall time.
    pub(crate) fn begin_render(&self, budget: Duration) {
        self.deadline.set(Instant::now().checked_add(budget));
        self.spent.set(false);
    }
}

/// Evaluates a CommonJS file with its own `require`, `module` and `exports`.
fn load_commonjs(
    context: &mut Context,
    file: &ScriptFile,
    registry: &JsObject,
    factory: &JsValue,
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
    let function = function
        .as_callable()
        .ok_or_else(|| "the module does not parse as a function body".to_owned())?;
    let exports = JsObject::with_object_proto(context.intrinsics());
    let module = JsObject::with_object_proto(context.intrinsics());
    module
        .set(js_string!("exports"), exports.clone(), false, context)
        .map_err(err)?;
    function
        .call(
            &JsValue::undefined(),
            &[require, module.clone().into(), exports.into()],
            context,
        )
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

impl ScriptHost {
    fn invoke(
        &self,
        object: &JsObject,
        name: &str,
        function: &str,
        args: &[Value],
    ) -> Result<Value, String> {
        let mut context = self.context.borrow_mut();
        let context = &mut *context;
        let f = object
            .get(js_string!(function), context)
            .map_err(|e| e.to_string())?;
        let f = f
            .as_callable()
            .ok_or_else(|| format!("{name}.{function} is not a function"))?;
        let js_args = args
            .iter()
            .map(|a| JsValue::from_json(a, context))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let result = f
            .call(&JsValue::from(object.clone()), &js_args, context)
            .map_err(|e| format!("{name}.{function}: {e}"))?;
        let json = result.to_json(context).map_err(|e| e.to_string())?;
        Ok(json.unwrap_or(Value::Null))
    }

    /// Loop iterations the next call may run: fewer as the budget runs out. `None` when the
    /// budget is spent.
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

impl ScriptCalls for ScriptHost {
    fn call(&self, module: &str, function: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let object = self.modules.get(module)?;
        let Some(limit) = self.loop_limit() else {
            return Some(Ok(Value::Null));
        };
        self.context
            .borrow_mut()
            .runtime_limits_mut()
            .set_loop_iteration_limit(limit);
        let result = self.invoke(object, module, function, args);
        if self
            .deadline
            .get()
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            self.spent.set(true);
        }
        Some(result)
    }

    fn budget_spent(&self) -> bool {
        self.spent.get()
    }
}

/// Whether a view script is an ES module (SJS with `import`/`export`) rather than CommonJS.
pub(crate) fn is_es_module(source: &str) -> bool {
    source.contains("export ")
        || source.lines().any(|line| {
            line.trim_start()
                .strip_prefix("import")
                .is_some_and(|rest| {
                    rest.starts_with(|c: char| {
                        c.is_whitespace() || matches!(c, '{' | '*' | '"' | '\'')
                    })
                })
        })
}

/// Refuses source whose brackets nest deeper than boa's parser can take on a small stack
/// (strings and comments skipped; an upper bound is enough).
fn check_nesting(source: &str) -> Result<(), String> {
    let bytes = source.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_SOURCE_NESTING {
                    return Err(format!(
                        "brackets nest deeper than {MAX_SOURCE_NESTING} levels"
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i = skip_trivia(bytes, i).unwrap_or(i + 1);
    }
    Ok(())
}

/// If a comment or string literal starts at `i`, the index after it.
fn skip_trivia(bytes: &[u8], i: usize) -> Option<usize> {
    match (bytes[i], bytes.get(i + 1)) {
        (b'/', Some(b'/')) => Some(
            bytes[i..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |n| i + n + 1),
        ),
        (b'/', Some(b'*')) => Some(
            bytes[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(bytes.len(), |n| i + 2 + n + 2),
        ),
        (quote @ (b'"' | b'\'' | b'`'), _) => {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != quote {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            Some((j + 1).min(bytes.len()))
        }
        _ => None,
    }
}

/// The files a view script asks for, as written, with their byte offsets: `require('x')`
/// in CommonJS, `import … from 'x'`, `import 'x'` and `export … from 'x'` in an ES module.
/// Only literal paths count (as in WXS, where `require` must name a file literally).
pub(crate) fn requests(source: &str, es: bool) -> Vec<(String, usize)> {
    let bytes = source.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let skip_ws = |mut j: usize| {
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        j
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            continue;
        }
        if !is_word(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word(bytes[i]) {
            i += 1;
        }
        let word = &bytes[start..i];
        if start > 0 && bytes[start - 1] == b'.' {
            continue;
        }
        let mut j = skip_ws(i);
        let wanted = if es {
            word == b"from" || word == b"import"
        } else if word == b"require" && bytes.get(j) == Some(&b'(') {
            j = skip_ws(j + 1);
            true
        } else {
            false
        };
        if !wanted {
            continue;
        }
        let Some(&quote @ (b'"' | b'\'')) = bytes.get(j) else {
            continue;
        };
        let Some(len) = bytes[j + 1..]
            .iter()
            .position(|&b| b == quote || b == b'\n')
        else {
            continue;
        };
        let end = j + 1 + len;
        if bytes[end] == quote {
            // Both ends are ASCII quotes, so these are char boundaries.
            out.push((source[j + 1..end].to_owned(), j));
            i = end + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn host(scripts: &[(&str, &str)]) -> Result<ScriptHost, ViewError> {
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
                name: (*name).to_owned(),
                file: format!("{name}.js"),
            })
            .collect();
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
            host.call("w", "add", &[json!(2), json!(3)]),
            Some(Ok(json!(5)))
        );
        assert_eq!(host.call("w", "up", &[json!("ab")]), Some(Ok(json!("AB"))));
        assert_eq!(
            host.call("s", "pick", &[json!({"k": [1]}), json!("k")]),
            Some(Ok(json!([1])))
        );
        assert_eq!(host.call("s", "list", &[json!(2)]), Some(Ok(json!([2, 4]))));
        assert_eq!(host.call("nope", "f", &[]), None);
        assert!(matches!(host.call("w", "missing", &[]), Some(Err(_))));
    }

    #[test]
    fn bad_scripts_are_errors_and_runaway_ones_stop() {
        assert!(host(&[("b", "module.exports = {")]).is_err());
        assert!(host(&[("t", "throw new Error('no')")]).is_err());
        assert!(host(&[("e", "export default 1; throw 2;")]).is_err());
        assert!(host(&[("n", &"(".repeat(100_000))]).is_err());
        let host = host(&[(
            "r",
            "module.exports = { spin: function () { while (true) {} }, deep: function f(n) { return f(n + 1); } };",
        )])
        .expect("loads");
        assert!(matches!(host.call("r", "spin", &[]), Some(Err(_))));
        assert!(matches!(host.call("r", "deep", &[json!(0)]), Some(Err(_))));
        // The context stays usable after a runaway call.
        assert!(matches!(host.call("r", "spin", &[]), Some(Err(_))));
    }

    #[test]
    fn a_spent_budget_makes_calls_undefined_until_the_next_render() {
        let host = host(&[(
            "m",
            "module.exports = { slow: function () { var s = 0; for (var i = 0; i < 2000000; i++) s += i; return 1; } };",
        )])
        .expect("loads");
        host.begin_render(Duration::ZERO);
        assert_eq!(host.call("m", "slow", &[]), Some(Ok(Value::Null)));
        assert!(host.budget_spent());
        // Unknown modules are still errors, not undefined.
        assert_eq!(host.call("x", "f", &[]), None);
        host.begin_render(Duration::from_secs(60));
        assert!(!host.budget_spent());
        assert_eq!(host.call("m", "slow", &[]), Some(Ok(json!(1))));
    }

    #[test]
    fn requests_are_found_outside_comments_and_strings() {
        let cjs = "var a = require('./a.wxs');\n// require('./no.wxs')\nvar s = \"require('./no2.wxs')\";\nvar b = require ( \"../b\" ); x.require('./no3'); require(name);";
        let got: Vec<String> = requests(cjs, false).into_iter().map(|(s, _)| s).collect();
        assert_eq!(got, ["./a.wxs", "../b"]);
        let es = "import a from './a.sjs';\nimport { f, g } from \"./u.sjs\";\nimport './side.sjs';\nexport { h } from './h.sjs';\n/* import x from './no.sjs' */ var from = 1;";
        let got: Vec<String> = requests(es, true).into_iter().map(|(s, _)| s).collect();
        assert_eq!(got, ["./a.sjs", "./u.sjs", "./side.sjs", "./h.sjs"]);
        assert_eq!(requests("require('./a", false), []);
        assert_eq!(requests("é require('x')", false)[0].1, 11);
        assert!(is_es_module("import a from './a.sjs'\nexport default {}"));
        assert!(is_es_module("import { f } from './u.sjs';"));
        assert!(!is_es_module("module.exports = { importance: 1 };"));
    }
}
