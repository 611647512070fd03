//! Finding and loading an app's script files: path resolution shared by CommonJS `require`
//! and ES `import`, and boa's module loader for the latter.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use boa_engine::module::{ModuleLoader, ModuleRequest, Referrer};
use boa_engine::{Context, JsNativeError, JsResult, JsString, Module, Source};
use capsule_packages::RelativePath;

use crate::App;
use crate::view::{skip_regex, skip_trivia};

/// Joins `specifier` onto the folder of `referrer` (or the package root for `/x`), folding
/// `.` and `..`; `None` when it climbs out of the package.
pub(super) fn join(referrer: &str, specifier: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    if !specifier.starts_with('/') {
        parts.extend(referrer.split('/').filter(|p| !p.is_empty()));
        parts.pop();
    }
    for part in specifier.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Reads a file of the app as text.
pub(super) fn read_text(app: &App, path: &str) -> Option<String> {
    let relative = RelativePath::new(path).ok()?;
    let bytes = app.files().read(&relative).ok()?;
    String::from_utf8(bytes).ok()
}

fn exists(app: &App, path: &str) -> bool {
    RelativePath::new(path)
        .ok()
        .is_some_and(|relative| app.files().read(&relative).is_ok())
}

/// Resolves what `require(specifier)` or `import … from specifier` means in file `referrer`:
/// relative (`./x`, `../x`), package-absolute (`/x`), or bare (`x`: next to the file first,
/// then `miniprogram_npm/x` and `node_modules/x`), trying the name as is, with `.js`, with
/// `.json` and as a folder with `index.js`.
pub(super) fn resolve(app: &App, referrer: &str, specifier: &str) -> Option<String> {
    let bare = !(specifier.starts_with('.') || specifier.starts_with('/'));
    let mut bases = vec![join(referrer, specifier)];
    if bare {
        bases.push(Some(format!("miniprogram_npm/{specifier}")));
        bases.push(Some(format!("node_modules/{specifier}")));
    }
    bases.into_iter().flatten().find_map(|base| {
        [
            base.clone(),
            format!("{base}.js"),
            format!("{base}.json"),
            format!("{base}/index.js"),
        ]
        .into_iter()
        .find(|candidate| !candidate.is_empty() && exists(app, candidate))
    })
}

/// Whether a script uses ES module syntax (an `import` or `export` statement at the start of
/// a line), so it must be loaded as a module rather than wrapped as CommonJS.
pub(super) fn is_es_module(source: &str) -> bool {
    source.lines().any(|line| {
        let line = line.trim_start();
        ["import", "export"].iter().any(|keyword| {
            line.strip_prefix(keyword)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|next| next == '{' || next == '*' || next.is_whitespace())
        })
    })
}

/// Loads ES modules from the app's files, each resolved path parsed once.
pub(super) struct AppModuleLoader {
    app: App,
    cache: RefCell<HashMap<String, Module>>,
}

impl AppModuleLoader {
    pub(super) fn new(app: App) -> Self {
        Self {
            app,
            cache: RefCell::default(),
        }
    }

    /// The module at resolved path `path`, parsed on first use.
    pub(super) fn module(&self, path: &str, context: &mut Context) -> JsResult<Module> {
        if let Some(module) = self.cache.borrow().get(path) {
            return Ok(module.clone());
        }
        let source = read_text(&self.app, path).ok_or_else(|| {
            JsNativeError::error().with_message(format!("cannot read module {path}"))
        })?;
        super::engine::check_nesting(&source, path)?;
        let module = if path.ends_with(".json") {
            Module::parse_json(JsString::from(source.as_str()), context)?
        } else {
            Module::parse(
                Source::from_bytes(pin_arrow_this(&source).as_bytes()).with_path(Path::new(path)),
                None,
                context,
            )
            .map_err(|error| {
                let message = super::engine::describe(&error, context);
                JsNativeError::syntax().with_message(format!("{path}: {message}"))
            })?
        };
        self.cache
            .borrow_mut()
            .insert(path.to_owned(), module.clone());
        Ok(module)
    }
}

/// Works around a boa 0.22 bug: `this` used only in an arrow function nested in another
/// arrow function does not make the enclosing function keep its `this` (boa marks the outer
/// arrow instead), so the inner arrow sees the global object:
/// `onLoad() { list.forEach((x) => { list.map(() => this.data) }) }`. A `this;` at the start
/// of every block-bodied arrow function marks each arrow's enclosing function, as a direct
/// use would. Positions before each insertion, and all line numbers, stay as written.
pub(super) fn pin_arrow_this(source: &str) -> Cow<'_, str> {
    let bytes = source.as_bytes();
    let mut inserts = Vec::new();
    // The last significant byte: tells a regular expression `/` from a division.
    let mut last = b';';
    let mut i = 0;
    while i < bytes.len() {
        if let Some(next) = skip_trivia(bytes, i) {
            last = b'"';
            i = next;
            continue;
        }
        match bytes[i] {
            b'/' if b"(,=:[!&|?{};+-*%<>~^".contains(&last) => {
                i = skip_regex(bytes, i);
                last = b'/';
                continue;
            }
            b'=' if bytes.get(i + 1) == Some(&b'>') => {
                let mut j = i + 2;
                while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                if bytes.get(j) == Some(&b'{') {
                    inserts.push(j + 1);
                }
                last = b'>';
                i += 2;
                continue;
            }
            b if b.is_ascii_whitespace() => {}
            b => last = b,
        }
        i += 1;
    }
    if inserts.is_empty() {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len() + inserts.len() * 5);
    let mut from = 0;
    for at in inserts {
        // Each insertion follows an ASCII `{`: a character boundary.
        out.push_str(&source[from..at]);
        out.push_str("this;");
        from = at;
    }
    out.push_str(&source[from..]);
    Cow::Owned(out)
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
        let resolved = resolve(&self.app, &from, &specifier).ok_or_else(|| {
            JsNativeError::error().with_message(format!(
                "cannot find module '{specifier}' imported from {from}"
            ))
        })?;
        self.module(&resolved, &mut context.borrow_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths_inside_the_package() {
        let cases = [
            ("pages/a/a.js", "./b", Some("pages/a/b")),
            ("pages/a/a.js", "../../util/x", Some("util/x")),
            ("pages/a/a.js", "/util/x.js", Some("util/x.js")),
            ("app.js", "./util", Some("util")),
            ("app.js", "../x", None),
            ("pages/a/a.js", "x", Some("pages/a/x")),
        ];
        for (referrer, specifier, expected) in cases {
            assert_eq!(
                join(referrer, specifier).as_deref(),
                expected,
                "{referrer} + {specifier}"
            );
        }
    }

    #[test]
    fn block_bodied_arrows_keep_their_functions_this() {
        let source = "const f = (a) => { return () => this; }; g(x => x, () =>\n {}); s = '=> {'; r = /=> {/;";
        assert_eq!(
            pin_arrow_this(source),
            "const f = (a) => {this; return () => this; }; g(x => x, () =>\n {this;}); s = '=> {'; r = /=> {/;"
        );
        assert!(matches!(pin_arrow_this("a => a"), Cow::Borrowed(_)));
    }

    #[test]
    fn tells_es_modules_from_commonjs() {
        assert!(is_es_module("import a from './a'\n"));
        assert!(is_es_module("const x = 1;\nexport default x;"));
        assert!(is_es_module("export{ a }"));
        assert!(is_es_module("import * as m from './m'"));
        assert!(!is_es_module("module.exports = { importData() {} };"));
        assert!(!is_es_module("const exported = require('./x');"));
        assert!(!is_es_module("exports.a = 1;"));
    }
}
