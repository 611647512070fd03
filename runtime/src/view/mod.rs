//! The view layer: AXML/WXML templates compiled once into an IR, rendered against page data
//! into a virtual DOM in Rust, diffed into patch operations for the webview, and serialised as
//! HTML for headless runs.
//!
//! ```
//! use capsule_runtime::view::{PageView, View};
//! use serde_json::json;
//! use std::collections::HashMap;
//!
//! let files = HashMap::from([(
//!     "pages/index/index.wxml".to_owned(),
//!     r#"<view wx:for="{{list}}" wx:key="id" bindtap="open">{{item.name}}</view>"#.to_owned(),
//! )]);
//! let page = PageView::compile(&files, "pages/index/index.wxml", &Default::default()).unwrap();
//! let mut view = View::new(page, json!({"list": [{"id": 1, "name": "a"}]})).unwrap();
//! assert_eq!(view.html(), r#"<view bind:tap="open">a</view>"#);
//! let ops = view.set_data(&[("list[0].name".into(), json!("b"))]);
//! assert_eq!(ops.len(), 1);
//! ```

mod assets;
mod data;
mod diff;
mod expr;
mod lexer;
mod page;
mod render;
mod script;
mod selector;
mod source;
mod template;
mod vdom;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

pub use data::{DataPathError, set_path};
pub use diff::{NodePath, PatchError, PatchOp, apply, diff};
pub use page::PageView;
pub use selector::{Selector, SelectorError, describe, element_at, text_of};
pub use source::{Location, Warning};
pub use template::EventPhase;
pub use vdom::{ComponentInstance, EventBinding, VElement, VNode, to_html};

pub(crate) use assets::resolve_path as resolve_asset_path;
pub(crate) use expr::truthy;
pub(crate) use page::resolve;
use render::{Instances, Renderer};
use script::ScriptHost;
pub(crate) use script::{skip_regex, skip_trivia};

/// Which mini-program platform a file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Alipay: `.axml`, `a:` directives, `.sjs` view scripts.
    Alipay,
    /// WeChat: `.wxml`, `wx:` directives, `.wxs` view scripts.
    WeChat,
}

impl Dialect {
    /// The dialect of a file by its extension (Alipay for `.axml`/`.acss`/`.sjs`).
    pub fn of_path(path: &str) -> Self {
        if [".axml", ".acss", ".sjs"].iter().any(|e| path.ends_with(e)) {
            Self::Alipay
        } else {
            Self::WeChat
        }
    }

    /// The directive prefix, `a:` or `wx:`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Alipay => "a:",
            Self::WeChat => "wx:",
        }
    }

    /// The directive an attribute names (`wx:if` → `if`). Both prefixes are accepted in
    /// both dialects: shared templates in real apps mix them.
    fn directive(name: &str) -> Option<&str> {
        name.strip_prefix("wx:").or_else(|| name.strip_prefix("a:"))
    }
}

/// Everything that can go wrong compiling or running a page view.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ViewError {
    /// A template does not parse.
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A referenced file is not in the package.
    #[error("{path}: no such file{}", referrer.as_ref().map(|r| format!(" (referenced at {r})")).unwrap_or_default())]
    Missing {
        /// The package path looked for.
        path: String,
        /// Where it was referenced, as `file:line:col`.
        referrer: Option<String>,
    },
    /// Includes or imports form a cycle.
    #[error("include cycle: {0}")]
    Cycle(String),
    /// A path leaves the package.
    #[error("path '{0}' leaves the package")]
    Path(String),
    /// A page or component `.json` is not valid JSON.
    #[error("{file}: {message}")]
    Json {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// A view script (WXS/SJS) failed to load.
    #[error("{file}: {message}")]
    Script {
        /// The script file (inline scripts: `template#module`).
        file: String,
        /// The engine's message.
        message: String,
    },
}

/// Where templates, page `.json` files and view scripts are read from (package paths without
/// a leading `/`).
pub trait SourceFiles {
    /// The text of `path`, or `None` when there is no such file.
    fn read_text(&self, path: &str) -> Option<String>;
}

impl SourceFiles for HashMap<String, String> {
    fn read_text(&self, path: &str) -> Option<String> {
        self.get(path).cloned()
    }
}

impl<F: Fn(&str) -> Option<String>> SourceFiles for F {
    fn read_text(&self, path: &str) -> Option<String> {
        self(path)
    }
}

/// Renders page template `entry` for `data` and returns its HTML: the headless renderer used
/// by tests and headless runs.
pub fn render_html(
    files: &dyn SourceFiles,
    entry: &str,
    app_components: &serde_json::Map<String, Value>,
    data: Value,
) -> Result<String, ViewError> {
    let page = PageView::compile(files, entry, app_components)?;
    Ok(View::new(page, data)?.html())
}

/// A rendered page: its linked templates, the view's copy of page data, and the current tree.
///
/// A page with view scripts renders on a thread of the view's own, where its script engine
/// lives (with a large stack); a page without renders on the caller's thread.
pub struct View {
    page: Arc<PageView>,
    scripts: Option<ScriptHost>,
    script_budget: Duration,
    data: Value,
    /// Data of component instances that have logic, by instance identity.
    instances: Arc<Instances>,
    tree: Vec<VNode>,
    warnings: Vec<Warning>,
}

impl View {
    /// The wall time view-script calls may take in one render ([`View::new`] or one
    /// [`View::set_data`]). Once it is spent, the render goes on and the remaining calls give
    /// `undefined`; [`View::warnings`] says where.
    pub const SCRIPT_BUDGET: Duration = Duration::from_secs(2);

    /// Loads the page's view scripts and renders `data` for the first time.
    pub fn new(page: PageView, data: Value) -> Result<Self, ViewError> {
        Self::with_script_budget(page, data, Self::SCRIPT_BUDGET)
    }

    /// [`View::new`] with a script budget per render other than [`View::SCRIPT_BUDGET`].
    pub fn with_script_budget(
        page: PageView,
        data: Value,
        script_budget: Duration,
    ) -> Result<Self, ViewError> {
        let scripts = if page.scripts().is_empty() {
            None
        } else {
            Some(ScriptHost::new(page.scripts(), page.script_files())?)
        };
        let mut view = Self {
            page: Arc::new(page),
            scripts,
            script_budget,
            data,
            instances: Arc::default(),
            tree: Vec::new(),
            warnings: Vec::new(),
        };
        (view.tree, view.warnings) = view.render();
        Ok(view)
    }

    fn render(&mut self) -> (Vec<VNode>, Vec<Warning>) {
        if let Some(scripts) = &mut self.scripts {
            let data = std::mem::take(&mut self.data);
            let (tree, warnings, data) = scripts.render(
                Arc::clone(&self.page),
                data,
                Arc::clone(&self.instances),
                self.script_budget,
            );
            self.data = data;
            return (tree, warnings);
        }
        let renderer = Renderer::new(&self.page, &self.instances, None, self.script_budget);
        let tree = renderer.render_page(&self.data);
        (tree, renderer.into_warnings())
    }

    /// The current virtual DOM (the page's root nodes).
    pub fn tree(&self) -> &[VNode] {
        &self.tree
    }

    /// The view's copy of page data.
    pub fn data(&self) -> &Value {
        &self.data
    }

    /// What went wrong in the last render (`new` or `set_data`) without stopping it: the
    /// view-script budget running out, located at the expression whose call spent it.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The current page as HTML (see [`to_html`]).
    pub fn html(&self) -> String {
        to_html(&self.tree)
    }

    /// Applies changed paths from the logic layer (`("list[2].done", true)`), re-renders and
    /// returns the patch ops that bring the previous tree up to date. A path that cannot be
    /// set is skipped with a warning.
    pub fn set_data(&mut self, changes: &[(String, Value)]) -> Vec<PatchOp> {
        for (path, value) in changes {
            if let Err(e) = set_path(&mut self.data, path, value.clone()) {
                tracing::warn!(target: "capsule::view", "setData: {e}");
            }
        }
        self.rerender()
    }

    /// Re-renders and returns the ops from the previous tree to the new one.
    fn rerender(&mut self) -> Vec<PatchOp> {
        let (new, warnings) = self.render();
        let ops = diff(&self.tree, &new);
        self.tree = new;
        self.warnings = warnings;
        ops
    }

    /// Gives component instance `id` (a [`ComponentInstance`] identity in the tree) the data
    /// of its logic, replacing what its template saw before; returns the patch ops.
    pub fn set_instance_data(&mut self, id: &str, data: Value) -> Vec<PatchOp> {
        Arc::make_mut(&mut self.instances).insert(id.to_owned(), data);
        self.rerender()
    }

    /// Applies changed paths of component instance `id`'s data (its logic's `setData`), as
    /// [`View::set_data`] does for the page.
    pub fn set_instance_changes(&mut self, id: &str, changes: &[(String, Value)]) -> Vec<PatchOp> {
        let instances = Arc::make_mut(&mut self.instances);
        let data = instances
            .entry(id.to_owned())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        for (path, value) in changes {
            if let Err(e) = set_path(data, path, value.clone()) {
                tracing::warn!(target: "capsule::view", "component setData: {e}");
            }
        }
        self.rerender()
    }

    /// Lets the page's and app's styles reach inside component `component` (its template
    /// path) from now on, as its logic's `options` ask; returns the patch ops.
    pub fn share_page_styles(&mut self, component: &str) -> Vec<PatchOp> {
        if self.page.shares_page_styles(component) {
            return Vec::new();
        }
        Arc::make_mut(&mut self.page).share_styles(component);
        self.rerender()
    }

    /// The data component instance `id` renders with, once its logic has given it some.
    pub fn instance_data(&self, id: &str) -> Option<&Value> {
        self.instances.get(id)
    }
}

/// The tree a WeChat-dialect `template` renders to with no data (unit tests).
#[cfg(test)]
pub(crate) fn test_tree(template: &str) -> Vec<VNode> {
    let files = std::collections::HashMap::from([("p.wxml".to_owned(), template.to_owned())]);
    let page = PageView::compile(&files, "p.wxml", &Default::default()).expect("test value");
    View::new(page, serde_json::json!({}))
        .expect("test value")
        .tree()
        .to_vec()
}
