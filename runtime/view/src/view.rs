//! A rendered page and the headless renderer.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::data::set_path;
use crate::diff::{PatchOp, diff};
use crate::error::ViewError;
use crate::page::PageView;
use crate::render::{InstanceData, Instances, Renderer};
use crate::script::{RenderJob, ScriptHost, ScriptRunner};
use crate::selector::{element_at, path_of_instance};
use crate::source::{SourceFiles, Warning};
use crate::vdom::{VElement, VNode, to_html};

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
    scripts: Option<Box<dyn ScriptRunner>>,
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
        let scripts: Option<Box<dyn ScriptRunner>> = if page.has_scripts() {
            Some(Box::new(ScriptHost::load(&page)?))
        } else {
            None
        };
        Ok(Self::build(page, data, scripts, script_budget))
    }

    /// Renders `data` for the first time with `page`'s view scripts run by `scripts` (for a
    /// page that [has them](PageView::has_scripts)), with [`View::SCRIPT_BUDGET`] per render.
    pub fn with_scripts(page: PageView, data: Value, scripts: Box<dyn ScriptRunner>) -> Self {
        Self::build(page, data, Some(scripts), Self::SCRIPT_BUDGET)
    }

    fn build(
        page: PageView,
        data: Value,
        scripts: Option<Box<dyn ScriptRunner>>,
        script_budget: Duration,
    ) -> Self {
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
        view
    }

    fn render(&mut self) -> (Vec<VNode>, Vec<Warning>) {
        if let Some(scripts) = &mut self.scripts {
            let rendered = scripts.render(RenderJob {
                page: Arc::clone(&self.page),
                data: std::mem::take(&mut self.data),
                instances: Arc::clone(&self.instances),
                budget: self.script_budget,
            });
            self.data = rendered.data;
            return (rendered.tree, rendered.warnings);
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
        let taken = self.parent_properties(id);
        Arc::make_mut(&mut self.instances).insert(id.to_owned(), InstanceData { data, taken });
        self.rerender()
    }

    /// Applies changed paths of component instance `id`'s data (its logic's `setData`), as
    /// [`View::set_data`] does for the page.
    pub fn set_instance_changes(&mut self, id: &str, changes: &[(String, Value)]) -> Vec<PatchOp> {
        let parent = self.parent_properties(id);
        let instances = Arc::make_mut(&mut self.instances);
        let state = instances
            .entry(id.to_owned())
            .or_insert_with(|| InstanceData {
                data: Value::Object(serde_json::Map::new()),
                taken: serde_json::Map::new(),
            });
        for (path, value) in changes {
            if let Err(e) = set_path(&mut state.data, path, value.clone()) {
                tracing::warn!(target: "capsule::view", "component setData: {e}");
            }
            // The component set one of its properties itself: that wins over the parent's
            // value until the parent gives another.
            let key = path.split(['.', '[']).next().unwrap_or_default();
            if let Some(given) = parent.get(key) {
                state.taken.insert(key.to_owned(), given.clone());
            }
        }
        self.rerender()
    }

    /// The property values component instance `id`'s parent gives it in the current tree.
    fn parent_properties(&self, id: &str) -> serde_json::Map<String, Value> {
        path_of_instance(&self.tree, id)
            .and_then(|path| element_at(&self.tree, &path))
            .map(VElement::properties)
            .unwrap_or_default()
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

    /// Makes the host element of component `component` (its template path) virtual from now
    /// on, as its logic's `options.virtualHost` asks; returns the patch ops.
    pub fn make_virtual_host(&mut self, component: &str) -> Vec<PatchOp> {
        if self.page.is_virtual_host(component) {
            return Vec::new();
        }
        Arc::make_mut(&mut self.page).set_virtual_host(component);
        self.rerender()
    }

    /// The data component instance `id` renders with, once its logic has given it some.
    pub fn instance_data(&self, id: &str) -> Option<&Value> {
        self.instances.get(id).map(|state| &state.data)
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
