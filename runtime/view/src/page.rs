//! Linking: a page template with its includes, imports, components and view scripts.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::error::ViewError;
use crate::source::{Dialect, Location, SourceFiles};
use crate::source::{SourceMap, Warning};
use crate::template::{Node, TemplateFile, parse_file};
use capsule_jsscan::resolve::{PackageTree, resolve_component};
use capsule_jsscan::{is_es_module, requests};

/// A page's templates, linked and ready to render.
#[derive(Debug, Clone)]
pub struct PageView {
    entry: String,
    files: HashMap<String, TemplateFile>,
    /// Per page/component template: tag → component template path.
    components: HashMap<String, HashMap<String, String>>,
    /// Per component template: the `externalClasses` its `.json` declares.
    external_classes: HashMap<String, Vec<String>>,
    /// Component templates whose `.json` lets the page's styles in (`styleIsolation`
    /// `apply-shared` or `shared`).
    shared_styles: HashSet<String>,
    /// Component templates whose logic makes their host virtual (`options.virtualHost`).
    virtual_hosts: HashSet<String>,
    scripts: Vec<LinkedScript>,
    /// Every view-script file, each once, the files it requires before it.
    script_files: Vec<ScriptFile>,
}

/// A view-script module a template declares: the template, the module's name and its file.
/// Only expressions written in that template see the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkedScript {
    pub(crate) template: String,
    pub(crate) name: String,
    pub(crate) file: String,
}

/// A view-script file with its source and what it requires or imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptFile {
    /// Package path (inline modules: `template#module`).
    pub(crate) file: String,
    pub(crate) source: String,
    /// An ES module (SJS `import`/`export`) rather than CommonJS.
    pub(crate) es: bool,
    /// (specifier as written, resolved package path).
    pub(crate) deps: Vec<(String, String)>,
}

impl PageView {
    /// Loads and links the page template `entry` (package path such as
    /// `pages/index/index.wxml`), everything it includes and imports, its view scripts, and
    /// the custom components named under `usingComponents` in its `.json` and in
    /// `app_components` (the app-wide `usingComponents`), recursively.
    pub fn compile(
        files: &dyn SourceFiles,
        entry: &str,
        app_components: &Map<String, Value>,
    ) -> Result<Self, ViewError> {
        let entry = normalize(entry).ok_or_else(|| ViewError::Path(entry.to_owned()))?;
        let ext = template_ext(&entry);
        let app_components = resolve_components(files, "app.json", app_components, ext)?;
        let mut linker = Linker {
            files,
            page: PageView {
                entry: entry.clone(),
                files: HashMap::new(),
                components: HashMap::new(),
                external_classes: HashMap::new(),
                shared_styles: HashSet::new(),
                virtual_hosts: HashSet::new(),
                scripts: Vec::new(),
                script_files: Vec::new(),
            },
            app_components: &app_components,
            stack: Vec::new(),
            script_stack: Vec::new(),
        };
        linker.owner(&entry)?;
        Ok(linker.page)
    }

    /// Every warning the parser recovered from, by file.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut names: Vec<&String> = self.files.keys().collect();
        names.sort();
        names
            .into_iter()
            .flat_map(|n| self.files[n].warnings.iter().cloned())
            .collect()
    }

    /// The entry template path.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    pub(crate) fn file(&self, path: &str) -> Option<&TemplateFile> {
        self.files.get(path)
    }

    /// A file with its path as stored (borrowed from the page).
    pub(crate) fn file_entry(&self, path: &str) -> Option<(&str, &TemplateFile)> {
        self.files.get_key_value(path).map(|(k, f)| (k.as_str(), f))
    }

    /// Whether the page or a template it uses declares view scripts (WXS, SJS).
    pub fn has_scripts(&self) -> bool {
        !self.scripts.is_empty()
    }

    pub(crate) fn scripts(&self) -> &[LinkedScript] {
        &self.scripts
    }

    pub(crate) fn script_files(&self) -> &[ScriptFile] {
        &self.script_files
    }

    /// Whether the page's and app's styles reach inside `component` (`styleIsolation`
    /// `apply-shared` or `shared` in its `.json`).
    pub(crate) fn shares_page_styles(&self, component: &str) -> bool {
        self.shared_styles.contains(component)
    }

    /// Lets the page's styles reach inside `component` (its logic's options ask for it).
    pub fn share_styles(&mut self, component: &str) {
        self.shared_styles.insert(component.to_owned());
    }

    /// The component templates the page's styles reach inside, sorted.
    pub fn styles_shared_with(&self) -> Vec<&str> {
        let mut shared: Vec<&str> = self.shared_styles.iter().map(String::as_str).collect();
        shared.sort_unstable();
        shared
    }

    /// Whether `component`'s host element is virtual (WeChat `options.virtualHost`).
    pub(crate) fn is_virtual_host(&self, component: &str) -> bool {
        self.virtual_hosts.contains(component)
    }

    /// Makes `component`'s host element virtual (its logic's options ask for it).
    pub fn set_virtual_host(&mut self, component: &str) {
        self.virtual_hosts.insert(component.to_owned());
    }

    /// The component templates whose host element is virtual, sorted.
    pub fn virtual_hosts(&self) -> Vec<&str> {
        let mut hosts: Vec<&str> = self.virtual_hosts.iter().map(String::as_str).collect();
        hosts.sort_unstable();
        hosts
    }

    /// The `externalClasses` a component's `.json` declares, if it declares them.
    pub(crate) fn external_classes(&self, component: &str) -> Option<&[String]> {
        self.external_classes.get(component).map(Vec::as_slice)
    }

    /// Template `name` as seen from `file`: its own, then those defined in files it imports
    /// (imports are not transitive). Returns the defining file too.
    pub(crate) fn template(&self, file: &str, name: &str) -> Option<(&str, &[Node])> {
        let (key, f) = self.files.get_key_value(file)?;
        if let Some(body) = f.templates.get(name) {
            return Some((key.as_str(), body));
        }
        f.imports.iter().rev().find_map(|(path, _)| {
            let (key, imported) = self.files.get_key_value(path)?;
            imported
                .templates
                .get(name)
                .map(|b| (key.as_str(), b.as_slice()))
        })
    }

    /// Template paths of every custom component the page uses, sorted.
    pub fn component_paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self
            .components
            .values()
            .flat_map(|tags| tags.values().map(String::as_str))
            .collect();
        paths.sort_unstable();
        paths.dedup();
        paths
    }

    pub(crate) fn component(&self, owner: &str, tag: &str) -> Option<&str> {
        self.components.get(owner)?.get(tag).map(String::as_str)
    }
}

struct Linker<'a> {
    files: &'a dyn SourceFiles,
    page: PageView,
    /// The app-wide `usingComponents`: tag → component template path.
    app_components: &'a HashMap<String, String>,
    /// Files being linked, to reject include/import cycles.
    stack: Vec<String>,
    /// View-script files being linked, to reject require/import cycles.
    script_stack: Vec<String>,
}

impl Linker<'_> {
    /// Links a page or component template and the components its `.json` declares.
    fn owner(&mut self, path: &str) -> Result<(), ViewError> {
        if self.page.components.contains_key(path) {
            return Ok(());
        }
        let json_path = format!("{}.json", strip_ext(path));
        let mut tags = self.app_components.clone();
        if let Some(text) = self.files.read_text(&json_path) {
            let json: Value = serde_json::from_str(&text).map_err(|e| {
                let (location, message) = Location::of_json_error(&json_path, &text, &e);
                ViewError::Json { location, message }
            })?;
            if let Some(Value::Object(map)) = json.get("usingComponents") {
                let own = resolve_components(self.files, &json_path, map, template_ext(path))?;
                tags.extend(own);
            }
            if let Some(Value::Array(names)) = json.get("externalClasses") {
                let names = names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                self.page.external_classes.insert(path.to_owned(), names);
            }
            let isolation = json.get("styleIsolation").and_then(Value::as_str);
            if matches!(isolation, Some("apply-shared" | "shared")) {
                self.page.shared_styles.insert(path.to_owned());
            }
        }
        self.page.components.insert(path.to_owned(), tags.clone());
        self.file(path, None)?;
        let mut targets: Vec<String> = tags.into_values().collect();
        targets.sort();
        targets.dedup();
        for t in targets {
            self.owner(&t)?;
        }
        Ok(())
    }

    /// Loads and parses `path` and what it includes, imports and loads as scripts.
    fn file(&mut self, path: &str, from: Option<(&str, usize)>) -> Result<(), ViewError> {
        if self.stack.iter().any(|p| p == path) {
            return Err(ViewError::Cycle(format!(
                "{} → {path}",
                self.stack.join(" → ")
            )));
        }
        if self.page.files.contains_key(path) {
            return Ok(());
        }
        // The referring file was parsed before what it refers to.
        let referrer =
            from.and_then(|(f, at)| self.page.files.get(f).map(|file| file.map.locate(at)));
        let text = self
            .files
            .read_text(path)
            .ok_or_else(|| ViewError::Missing {
                path: path.to_owned(),
                referrer,
            })?;
        let mut parsed = parse_file(path, &text, Dialect::of_path(path))?;
        let map = parsed.map.clone();
        // Resolve relative paths now so rendering never has to.
        for (src, at) in &mut parsed.imports {
            *src = resolve(path, src).ok_or_else(|| outside(&map, *at, src))?;
        }
        let mut includes = Vec::new();
        resolve_includes(&mut parsed.root, path, &map, &mut includes)?;
        for body in parsed.templates.values_mut() {
            resolve_includes(body, path, &map, &mut includes)?;
        }
        for decl in &parsed.scripts {
            let (file, source) = match (&decl.src, &decl.inline) {
                (Some(src), _) => {
                    let resolved =
                        resolve(path, src).ok_or_else(|| outside(&map, decl.offset, src))?;
                    let source =
                        self.files
                            .read_text(&resolved)
                            .ok_or_else(|| ViewError::Missing {
                                path: resolved.clone(),
                                referrer: Some(map.locate(decl.offset)),
                            })?;
                    (resolved, source)
                }
                (None, Some(inline)) => (format!("{path}#{}", decl.name), inline.clone()),
                (None, None) => continue,
            };
            self.script(&file, source)?;
            self.page.scripts.push(LinkedScript {
                template: path.to_owned(),
                name: decl.name.clone(),
                file,
            });
        }
        let imports = parsed.imports.clone();
        self.page.files.insert(path.to_owned(), parsed);
        self.stack.push(path.to_owned());
        let result = includes
            .iter()
            .chain(imports.iter())
            .try_for_each(|(target, at)| self.file(target, Some((path, *at))));
        self.stack.pop();
        result
    }
}

impl Linker<'_> {
    /// Links view-script `file` and, first, the files it requires or imports.
    fn script(&mut self, file: &str, source: String) -> Result<(), ViewError> {
        if let Some(at) = self.script_stack.iter().position(|f| f == file) {
            return Err(ViewError::Script {
                file: file.to_owned(),
                message: format!(
                    "view scripts require each other in a cycle: {} → {file}",
                    self.script_stack[at..].join(" → ")
                ),
            });
        }
        if self.page.script_files.iter().any(|f| f.file == file) {
            return Ok(());
        }
        let es = is_es_module(&source);
        let map = SourceMap::new(file, &source);
        let (ext, verb) = if script_ext(file) == "sjs" {
            ("sjs", "import")
        } else {
            ("wxs", "require")
        };
        let mut deps = Vec::new();
        let mut texts = Vec::new();
        for (spec, at) in requests(&source, es) {
            let bad = |why: &str| ViewError::Script {
                file: map.locate(at).to_string(),
                message: if verb == "require" {
                    format!("require('{spec}'): {why}")
                } else {
                    format!("import '{spec}': {why}")
                },
            };
            let dir = file.rfind('/').map_or("", |i| &file[..i]);
            let joined = if spec.starts_with('/') {
                spec.clone()
            } else {
                format!("{dir}/{spec}")
            };
            let mut resolved =
                normalize(&joined).ok_or_else(|| bad("the path leaves the package"))?;
            if !resolved
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .contains('.')
            {
                resolved = format!("{resolved}.{ext}");
            }
            if !resolved.ends_with(&format!(".{ext}")) {
                return Err(bad(&format!(
                    "only .{ext} files can be used from a .{ext} module"
                )));
            }
            let text = self
                .files
                .read_text(&resolved)
                .ok_or_else(|| ViewError::Missing {
                    path: resolved.clone(),
                    referrer: Some(map.locate(at)),
                })?;
            if !deps.iter().any(|(s, _)| *s == spec) {
                deps.push((spec, resolved.clone()));
                texts.push((resolved, text));
            }
        }
        self.script_stack.push(file.to_owned());
        let result = texts
            .into_iter()
            .try_for_each(|(dep, text)| self.script(&dep, text));
        self.script_stack.pop();
        result?;
        self.page.script_files.push(ScriptFile {
            file: file.to_owned(),
            source,
            es,
            deps,
        });
        Ok(())
    }
}

/// The template files of a `usingComponents` map declared in `file`: tag → template path
/// with extension `ext`. Plugin components (`plugin://…`) are not files of the package and
/// are left out.
fn resolve_components(
    files: &dyn SourceFiles,
    file: &str,
    using: &Map<String, Value>,
    ext: &str,
) -> Result<HashMap<String, String>, ViewError> {
    let tree = Tree(files);
    let mut tags = HashMap::new();
    for (tag, target) in using {
        let Some(target) = target.as_str().filter(|t| !t.contains("://")) else {
            continue;
        };
        let template =
            resolve_component(&tree, file, target, ext).ok_or_else(|| ViewError::Component {
                file: file.to_owned(),
                tag: tag.clone(),
                target: target.to_owned(),
                ext: ext.to_owned(),
            })?;
        tags.insert(tag.clone(), template);
    }
    Ok(tags)
}

/// Source files as module resolution sees them.
struct Tree<'a>(&'a dyn SourceFiles);

impl PackageTree for Tree<'_> {
    fn is_file(&self, path: &str) -> bool {
        self.0.read_text(path).is_some()
    }

    fn read_text(&self, path: &str) -> Option<String> {
        self.0.read_text(path)
    }
}

/// The template extension of a template path (`wxml` unless it ends in `.axml`).
fn template_ext(path: &str) -> &'static str {
    if Dialect::of_path(path) == Dialect::Alipay {
        "axml"
    } else {
        "wxml"
    }
}

/// The view-script extension that goes with a script or template file (`sjs` for Alipay).
fn script_ext(file: &str) -> &'static str {
    let path = file.split('#').next().unwrap_or(file);
    if Dialect::of_path(path) == Dialect::Alipay {
        "sjs"
    } else {
        "wxs"
    }
}

fn outside(map: &SourceMap, at: usize, src: &str) -> ViewError {
    ViewError::Syntax {
        location: map.locate(at),
        message: format!("path '{src}' leaves the package"),
    }
}

/// Resolves the `src` of every `<include>` in `nodes`, collecting (path, offset).
fn resolve_includes(
    nodes: &mut [Node],
    path: &str,
    map: &SourceMap,
    out: &mut Vec<(String, usize)>,
) -> Result<(), ViewError> {
    for node in nodes {
        match node {
            Node::Include { src, offset } => {
                *src = resolve(path, src).ok_or_else(|| outside(map, *offset, src))?;
                out.push((src.clone(), *offset));
            }
            Node::Element(el) => resolve_includes(&mut el.children, path, map, out)?,
            Node::Block(children)
            | Node::Slot {
                fallback: children, ..
            } => resolve_includes(children, path, map, out)?,
            Node::If(branches) => {
                for (_, body) in branches {
                    resolve_includes(std::slice::from_mut(body), path, map, out)?;
                }
            }
            Node::For(f) => resolve_includes(std::slice::from_mut(&mut f.body), path, map, out)?,
            Node::Text(_) | Node::TemplateCall { .. } => {}
        }
    }
    Ok(())
}

fn strip_ext(path: &str) -> &str {
    match path.rfind('.') {
        Some(dot) if !path[dot..].contains('/') => &path[..dot],
        _ => path,
    }
}

/// Normalises a package path: no leading `/`, no `.`, `..` resolved; `None` if it escapes.
pub(crate) fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Resolves `target` as written in file `from`: `/x` from the package root, else relative.
/// A target without an extension gets `from`'s extension.
pub(crate) fn resolve(from: &str, target: &str) -> Option<String> {
    let joined = if target.starts_with('/') {
        target.to_owned()
    } else {
        let dir = from.rfind('/').map_or("", |i| &from[..i]);
        format!("{dir}/{target}")
    };
    let resolved = normalize(&joined)?;
    let last = resolved.rsplit('/').next().unwrap_or_default();
    let ext = from
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.contains('/'));
    Some(match ext {
        Some(ext) if !last.contains('.') => format!("{resolved}.{ext}"),
        _ => resolved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_inside_the_package() {
        assert_eq!(
            resolve("pages/a/a.wxml", "./b.wxml").as_deref(),
            Some("pages/a/b.wxml")
        );
        assert_eq!(
            resolve("pages/a/a.wxml", "../t/x").as_deref(),
            Some("pages/t/x.wxml")
        );
        assert_eq!(
            resolve("pages/a/a.axml", "/common/h").as_deref(),
            Some("common/h.axml")
        );
        assert_eq!(resolve("pages/a/a.wxml", "../../../x.wxml"), None);
        assert_eq!(normalize("/a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("/"), None);
    }
}
