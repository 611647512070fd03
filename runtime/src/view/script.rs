//! View scripts (WXS, SJS) in a boa context owned by the view layer.
//!
//! WXS modules are CommonJS (`module.exports`); SJS modules are ES modules whose
//! `export default` is the module object. Their functions are called from template
//! expressions (`{{m.format(price)}}`); values cross as JSON values, converted directly.

use std::cell::RefCell;
use std::collections::HashMap;

use boa_engine::builtins::promise::PromiseState;
use boa_engine::module::Module;
use boa_engine::{Context, JsObject, JsValue, Source, js_string};
use serde_json::Value;

use super::ViewError;
use super::expr::ScriptCalls;
use super::page::LinkedScript;

/// Bounds that stop a runaway view script instead of hanging rendering.
const LOOP_LIMIT: u64 = 10_000_000;
const RECURSION_LIMIT: usize = 400;

/// The view-side script context and its loaded modules.
pub(crate) struct ScriptHost {
    context: RefCell<Context>,
    modules: HashMap<String, JsObject>,
}

impl ScriptHost {
    pub(crate) fn new(scripts: &[LinkedScript]) -> Result<Self, ViewError> {
        let mut context = Context::default();
        context
            .runtime_limits_mut()
            .set_loop_iteration_limit(LOOP_LIMIT);
        context
            .runtime_limits_mut()
            .set_recursion_limit(RECURSION_LIMIT);
        let mut modules = HashMap::new();
        for script in scripts {
            let module = load(&mut context, script).map_err(|message| ViewError::Script {
                file: script.file.clone(),
                message,
            })?;
            if modules.insert(script.name.clone(), module).is_some() {
                tracing::warn!(target: "capsule::view", "view-script module '{}' declared twice; {} wins", script.name, script.file);
            }
        }
        Ok(Self {
            context: RefCell::new(context),
            modules,
        })
    }
}

fn load(context: &mut Context, script: &LinkedScript) -> Result<JsObject, String> {
    let exports = if script.source.contains("export ") {
        let source = Source::from_bytes(script.source.as_bytes());
        let module = Module::parse(source, None, context).map_err(|e| e.to_string())?;
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
            .map_err(|e| e.to_string())?
    } else {
        let wrapped = format!(
            "(function(){{var module={{exports:{{}}}};var exports=module.exports;\n{}\n;return module.exports;}})()",
            script.source
        );
        context
            .eval(Source::from_bytes(wrapped.as_bytes()))
            .map_err(|e| e.to_string())?
    };
    exports
        .as_object()
        .ok_or_else(|| "the module exports no object".to_owned())
}

fn display(value: &JsValue, context: &mut Context) -> String {
    value
        .to_string(context)
        .map_or_else(|_| "the module threw".into(), |s| s.to_std_string_escaped())
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
}

impl ScriptCalls for ScriptHost {
    fn call(&self, module: &str, function: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let object = self.modules.get(module)?;
        Some(self.invoke(object, module, function, args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn script(name: &str, source: &str) -> LinkedScript {
        LinkedScript {
            name: name.into(),
            file: format!("{name}.js"),
            source: source.into(),
        }
    }

    #[test]
    fn wxs_and_sjs_modules_are_callable() {
        let host = ScriptHost::new(&[
            script(
                "w",
                "module.exports = { add: function (a, b) { return a + b; }, up: function (s) { return s.toUpperCase(); } };",
            ),
            script(
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
        assert!(ScriptHost::new(&[script("b", "module.exports = {")]).is_err());
        assert!(ScriptHost::new(&[script("t", "throw new Error('no')")]).is_err());
        assert!(ScriptHost::new(&[script("e", "export default 1; throw 2;")]).is_err());
        let host = ScriptHost::new(&[script(
            "r",
            "module.exports = { spin: function () { while (true) {} }, deep: function f(n) { return f(n + 1); } };",
        )])
        .expect("loads");
        assert!(matches!(host.call("r", "spin", &[]), Some(Err(_))));
        assert!(matches!(host.call("r", "deep", &[json!(0)]), Some(Err(_))));
        // The context stays usable after a runaway call.
        assert!(matches!(host.call("r", "spin", &[]), Some(Err(_))));
    }
}
