//! Finding and loading an app's script files: path resolution shared by CommonJS `require`
//! and ES `import`, and boa's module loader for the latter.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use boa_engine::module::{ModuleLoader, ModuleRequest, Referrer, SyntheticModuleInitializer};
use boa_engine::property::PropertyKey;
use boa_engine::{Context, JsNativeError, JsResult, JsString, JsValue, Module, Source, js_string};
use capsule_jsscan::resolve::{PackageTree, resolve_script};
use capsule_jsscan::{is_es_module, requests};
use capsule_packages::{App, RelativePath};

/// Reads a file of the app as text.
pub(crate) fn read_text(app: &App, path: &str) -> Option<String> {
    let relative = RelativePath::new(path).ok()?;
    let bytes = app.read(&relative).ok()?;
    String::from_utf8(bytes).ok()
}

/// The app's files as module resolution sees them.
struct AppTree<'a>(&'a App);

impl PackageTree for AppTree<'_> {
    fn is_file(&self, path: &str) -> bool {
        RelativePath::new(path)
            .ok()
            .is_some_and(|relative| self.0.read(&relative).is_ok())
    }

    fn read_text(&self, path: &str) -> Option<String> {
        read_text(self.0, path)
    }
}

/// Loads ES modules from the app's files, each resolved path parsed once.
pub(crate) struct AppModuleLoader {
    app: App,
    cache: RefCell<HashMap<String, Module>>,
    /// Resolutions by (folder of the referrer, specifier): every component of a library
    /// requires the same few files, and each probe may be a read through the host.
    resolved: RefCell<HashMap<(String, String), Option<String>>>,
}

impl AppModuleLoader {
    pub(crate) fn new(app: App) -> Self {
        Self {
            app,
            cache: RefCell::default(),
            resolved: RefCell::default(),
        }
    }

    /// The file `require(specifier)` or `import … from specifier` in file `referrer` means
    /// ([`resolve_script`]).
    pub(crate) fn resolve(&self, referrer: &str, specifier: &str) -> Option<String> {
        let folder = referrer.rfind('/').map_or("", |at| &referrer[..at]);
        let key = (folder.to_owned(), specifier.to_owned());
        if let Some(known) = self.resolved.borrow().get(&key) {
            return known.clone();
        }
        let found = resolve_script(&AppTree(&self.app), referrer, specifier);
        self.resolved.borrow_mut().insert(key, found.clone());
        found
    }

    /// The module at resolved path `path`, parsed on first use.
    pub(crate) fn module(&self, path: &str, context: &mut Context) -> JsResult<Module> {
        if let Some(module) = self.cache.borrow().get(path) {
            return Ok(module.clone());
        }
        let source = read_text(&self.app, path).ok_or_else(|| {
            JsNativeError::error().with_message(format!("cannot read module {path}"))
        })?;
        crate::script::check_nesting(&source, path)?;
        let module = if path.ends_with(".json") {
            Module::parse_json(JsString::from(source.as_str()), context)?
        } else if !is_es_module(&source) {
            commonjs_module(path, context)?
        } else {
            // The platforms compile modules to CommonJS, so their `require` works in a file
            // that also imports; it goes before the first statement, on line 1.
            let require = if requests(&source, false).is_empty() {
                String::new()
            } else {
                format!(
                    "const require = __capsule.requireFrom({});",
                    serde_json::Value::from(path)
                )
            };
            let source = format!("{require}{source}");
            Module::parse(
                Source::from_bytes(source.as_bytes()).with_path(Path::new(path)),
                None,
                context,
            )
            .map_err(|error| {
                crate::script::syntax_error(path, require.chars().count(), error, context)
            })?
        };
        self.cache
            .borrow_mut()
            .insert(path.to_owned(), module.clone());
        Ok(module)
    }
}

/// CommonJS file `path` as an ES module, with the interop Babel and the platforms'
/// compilers give `import` of a CommonJS file: the file runs (once, through the prelude's
/// `require`) when it is linked; each own property of its `module.exports` is a named export;
/// `default` is `module.exports` itself, or its `default` when it sets `__esModule`.
fn commonjs_module(path: &str, context: &mut Context) -> JsResult<Module> {
    let capsule = context
        .global_object()
        .get(js_string!("__capsule"), context)?;
    let require_file = capsule
        .as_object()
        .map(|capsule| capsule.get(js_string!("requireFile"), context))
        .transpose()?
        .and_then(|function| function.as_callable())
        .ok_or_else(|| JsNativeError::error().with_message("the prelude has no requireFile"))?;
    let exports = require_file.call(
        &JsValue::undefined(),
        &[JsString::from(path).into()],
        context,
    )?;
    let mut names = vec![js_string!("default")];
    if let Some(object) = exports.as_object() {
        for key in object.own_property_keys(context)? {
            if let PropertyKey::String(name) = key
                && name != js_string!("default")
            {
                names.push(name);
            }
        }
    }
    let export_names = names.clone();
    Ok(Module::synthetic(
        &export_names,
        SyntheticModuleInitializer::from_copy_closure_with_captures(
            |module, (exports, names), context| {
                let object = exports.as_object();
                let es_module = match &object {
                    Some(object) => object.get(js_string!("__esModule"), context)?.to_boolean(),
                    None => false,
                };
                for name in names {
                    let value = match &object {
                        Some(object) if *name != js_string!("default") || es_module => {
                            object.get(name.clone(), context)?
                        }
                        _ => exports.clone(),
                    };
                    module.set_export(name, value)?;
                }
                Ok(())
            },
            (exports, names),
        ),
        Some(PathBuf::from(path)),
        None,
        context,
    ))
}

impl ModuleLoader for AppModuleLoader {
    async fn load_imported_module(
        self: Rc<Self>,
        referrer: Referrer,
        request: ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> JsResult<Module> {
        let from = referrer
            .path()
            .map(|path| path.to_string_lossy().into_owned())
            .unwrap_or_default();
        let specifier = request.specifier().to_std_string_escaped();
        let resolved = self.resolve(&from, &specifier).ok_or_else(|| {
            JsNativeError::error().with_message(format!(
                "cannot find module '{specifier}' imported from {from}"
            ))
        })?;
        self.module(&resolved, &mut context.borrow_mut())
    }
}
