//! A rendered page and the headless renderer.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::data::{set_path, set_path_changed};
use crate::deps::{Change, DataPath, Rec};
use crate::diff::{PatchOp, diff};
use crate::error::ViewError;
use crate::page::PageView;
use crate::render::{InstanceData, Instances, MAX_BYTES, MAX_NODES, Renderer};
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
    /// What each root template node of the page rendered and read (the dependency map),
    /// when `set_data` can render again only what a change reaches: a page without view
    /// scripts whose last render was not cut short.
    recs: Option<Vec<Rec>>,
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
            recs: None,
        };
        (view.tree, view.warnings) = view.render();
        view
    }

    /// Renders the whole page (recording its dependency map when it can).
    fn render(&mut self) -> (Vec<VNode>, Vec<Warning>) {
        self.recs = None;
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
        let renderer =
            Renderer::new(&self.page, &self.instances, None, self.script_budget).recording();
        let (tree, recs) = renderer.record_page(&self.data);
        self.recs = recs;
        (tree, renderer.into_warnings())
    }

    /// The current virtual DOM (the page's root nodes).
    pub fn tree(&self) -> &[VNode] {
        &self.tree
    }

    /// The user changed attribute `name` of the element at `path` to `value` where the page
    /// is drawn (a scroll-view's refresher the user pulled is now triggered): the tree says
    /// so, and the next render that sets it from data (`triggered: false`, even when the
    /// data held false already) patches it back. Returns whether the element has that
    /// attribute (only an attribute the template sets is noted).
    pub fn note_user_attr(&mut self, path: &[u32], name: &str, value: Value) -> bool {
        let mut nodes = &mut self.tree;
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        for index in parents {
            match nodes.get_mut(*index as usize) {
                Some(VNode::Element(element)) => nodes = &mut element.children,
                _ => return false,
            }
        }
        match nodes.get_mut(*last as usize) {
            Some(VNode::Element(element)) if element.attrs.contains_key(name) => {
                element.attrs.insert(name.to_owned(), value);
                true
            }
            _ => false,
        }
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
    ///
    /// Only the parts of the page whose bindings read a changed path render again (one
    /// item of a `wx:for` when the change is inside it), and only they are diffed; a page
    /// with view scripts renders whole.
    pub fn set_data(&mut self, changes: &[(String, Value)]) -> Vec<PatchOp> {
        let mut changed = Vec::with_capacity(changes.len());
        for (path, value) in changes {
            match set_path_changed(&mut self.data, path, value.clone()) {
                Ok((path, grown_from)) => changed.push(Change {
                    path: DataPath::from_joined(path),
                    grown_from,
                }),
                Err(e) => tracing::warn!(target: "capsule::view", "setData: {e}"),
            }
        }
        if changed.is_empty() && self.recs.is_some() {
            return Vec::new();
        }
        let Some(mut recs) = self.recs.take() else {
            return self.rerender();
        };
        let renderer =
            Renderer::new(&self.page, &self.instances, None, self.script_budget).recording();
        let mut ops = Vec::new();
        let updated =
            renderer.update_page(&self.data, &mut recs, &changed, &mut self.tree, &mut ops);
        let (nodes, bytes) = recs.iter().fold((0, 0), |(n, b), rec| {
            (n + rec.cost.nodes, b + rec.cost.bytes)
        });
        if updated.is_ok() && nodes <= MAX_NODES && bytes <= MAX_BYTES {
            self.recs = Some(recs);
            self.warnings.clear();
            return ops;
        }
        // `ops` took the tree to where the update stopped: a full render goes on from there.
        ops.extend(self.rerender());
        ops
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::{Deps, RecKind};
    use serde_json::json;

    fn view(template: &str, data: Value) -> View {
        let files = std::collections::HashMap::from([("p.wxml".to_owned(), template.to_owned())]);
        let page = PageView::compile(&files, "p.wxml", &Default::default()).expect("compiles");
        View::new(page, data).expect("renders")
    }

    /// A refresher the user pulled is noted as triggered; the app's `triggered: false`, the
    /// value its data held already, then patches it back.
    #[test]
    fn an_attribute_the_user_changed_is_set_back_by_the_same_data() {
        let mut view = view(
            r#"<view><scroll-view refresher-triggered="{{t}}"/></view>"#,
            json!({"t": false}),
        );
        assert!(view.set_data(&[("t".into(), json!(false))]).is_empty());
        assert!(view.note_user_attr(&[0, 0], "refresher-triggered", json!(true)));
        assert!(
            !view.note_user_attr(&[0, 0], "refresher-enabled", json!(true)),
            "not set"
        );
        assert!(
            !view.note_user_attr(&[0, 7], "refresher-triggered", json!(true)),
            "no node"
        );
        let ops = view.set_data(&[("t".into(), json!(false))]);
        assert_eq!(
            ops,
            [PatchOp::SetAttr {
                path: vec![0, 0],
                name: "refresher-triggered".into(),
                value: json!(false),
            }]
        );
    }

    fn paths(deps: &Deps) -> Vec<String> {
        let mut out: Vec<String> = deps.iter().map(|p| format!("{p:?}")).collect();
        out.sort();
        out
    }

    fn p(s: &str) -> String {
        format!("{:?}", DataPath::from_joined(s.to_owned()))
    }

    const LIST: &str = r#"<view class="list {{mode}}"><view wx:for="{{list}}" wx:key="id">{{item.title}} {{title}}</view></view><text>{{n}}</text>"#;

    fn rows(n: usize) -> Value {
        (0..n)
            .map(|i| json!({"id": i, "title": format!("row {i}")}))
            .collect()
    }

    #[test]
    fn the_map_records_what_each_part_reads() {
        let v = view(LIST, json!({"list": rows(3), "title": "t", "n": 1}));
        let recs = v
            .recs
            .as_ref()
            .expect("a page without scripts keeps its map");
        assert_eq!(recs.len(), 2);
        let RecKind::Element { own, children } = &recs[0].kind else {
            panic!("the list element keeps its structure: {:?}", recs[0]);
        };
        assert_eq!(paths(own), [p("mode")]);
        let RecKind::For(list) = &children[0].kind else {
            panic!("a loop keeps its items: {:?}", children[0]);
        };
        assert_eq!(paths(&list.list), [p("list")]);
        assert_eq!(paths(&list.shared), [p("title")]);
        assert_eq!(
            paths(&list.items[1].own),
            [p("list.1.id"), p("list.1.title")]
        );
        assert_eq!(list.starts, [0, 1, 2, 3]);
        assert_eq!(paths(&recs[0].summary), [p("list"), p("mode"), p("title")]);
        let RecKind::Element { own, children } = &recs[1].kind else {
            panic!("an element: {:?}", recs[1]);
        };
        assert!(paths(own).is_empty());
        assert!(matches!(children[0].kind, RecKind::Whole));
        assert_eq!(paths(&children[0].summary), [p("n")]);
        assert_eq!(paths(&recs[1].summary), [p("n")]);
    }

    /// Marks row `i` of [`LIST`] in the view's tree: rendering the row again undoes it.
    fn mark_row(v: &mut View, i: usize) {
        let VNode::Element(list) = &mut v.tree[0] else {
            panic!("an element");
        };
        let VNode::Element(row) = &mut list.children[i] else {
            panic!("an element");
        };
        row.children[0] = VNode::text("marked");
    }

    /// The text of row `i` of [`LIST`] as the view holds it.
    fn row_text(v: &View, i: usize) -> String {
        let VNode::Element(list) = &v.tree[0] else {
            panic!("an element");
        };
        let VNode::Element(row) = &list.children[i] else {
            panic!("an element");
        };
        match &row.children[0] {
            VNode::Text { text } => text.clone(),
            VNode::Element(_) => panic!("text"),
        }
    }

    #[test]
    fn a_change_in_one_item_renders_that_item_alone() {
        let mut v = view(LIST, json!({"list": rows(100), "title": "t", "n": 1}));
        mark_row(&mut v, 7);
        let ops = v.set_data(&[("list[50].title".to_owned(), json!("new"))]);
        assert_eq!(
            ops,
            [PatchOp::SetText {
                path: vec![0, 50, 0],
                text: "new t".to_owned()
            }]
        );
        assert_eq!(row_text(&v, 7), "marked");
        assert_eq!(row_text(&v, 50), "new t");
        // Read by no binding: nothing renders.
        assert!(
            v.set_data(&[("list[3].other".to_owned(), json!(1))])
                .is_empty()
        );
        assert_eq!(row_text(&v, 7), "marked");
        // Read by the list's element alone: the element renders again, not its rows.
        let ops = v.set_data(&[("mode".to_owned(), json!("wide"))]);
        assert_eq!(
            ops,
            [PatchOp::SetAttr {
                path: vec![0],
                name: "class".to_owned(),
                value: json!("list wide")
            }]
        );
        assert_eq!(row_text(&v, 7), "marked");
        // Read by every item: the loop renders again.
        v.set_data(&[("title".to_owned(), json!("u"))]);
        assert_eq!(row_text(&v, 7), "row 7 u");
        assert!(v.recs.is_some());
    }

    #[test]
    fn items_set_past_the_end_render_alone() {
        let mut v = view(LIST, json!({"list": rows(100), "title": "t", "n": 1}));
        mark_row(&mut v, 7);
        // Two items: 100 (null, rendered empty) and 101.
        let ops = v.set_data(&[("list[101]".to_owned(), json!({"id": 101, "title": "x"}))]);
        assert_eq!(ops.len(), 2, "{ops:?}");
        assert!(
            ops.iter()
                .all(|op| matches!(op, PatchOp::Insert { parent, .. } if *parent == [0]))
        );
        assert_eq!(row_text(&v, 7), "marked");
        assert_eq!(row_text(&v, 101), "x t");
        let ops = v.set_data(&[("list[100].title".to_owned(), json!("y"))]);
        assert_eq!(ops.len(), 1, "{ops:?}");
        assert_eq!(row_text(&v, 100), "y t");
        assert_eq!(row_text(&v, 7), "marked");
    }

    #[test]
    fn an_item_that_grows_moves_the_items_after_it() {
        let template = r#"<view><block wx:for="{{list}}"><text>{{item.t}}</text><text wx:if="{{item.on}}">!</text></block><text>end</text></view>"#;
        let mut v = view(
            template,
            json!({"list": [{"t": "a"}, {"t": "b"}, {"t": "c"}]}),
        );
        let mut patched = v.tree().to_vec();
        let ops = v.set_data(&[("list[0].on".to_owned(), json!(true))]);
        let ops2 = v.set_data(&[("list[2].t".to_owned(), json!("z"))]);
        crate::diff::apply(&mut patched, &ops).expect("applies");
        crate::diff::apply(&mut patched, &ops2).expect("applies");
        assert_eq!(patched, v.tree());
        assert_eq!(
            v.html(),
            "<view><text>a</text><text>!</text><text>b</text><text>z</text><text>end</text></view>"
        );
    }

    fn card_view(template: &str, data: Value) -> View {
        let files = std::collections::HashMap::from([
            ("p.wxml".to_owned(), template.to_owned()),
            (
                "p.json".to_owned(),
                r#"{"usingComponents": {"my-card": "/c"}}"#.to_owned(),
            ),
            (
                "c.wxml".to_owned(),
                "<view>{{label}}<slot/></view>".to_owned(),
            ),
        ]);
        let page = PageView::compile(&files, "p.wxml", &Default::default()).expect("compiles");
        View::new(page, data).expect("renders")
    }

    /// `set_data` ends where a fresh render of the new data is, and its ops take the old tree
    /// there.
    fn check_update(v: &mut View, changes: &[(String, Value)]) {
        let mut patched = v.tree().to_vec();
        let ops = v.set_data(changes);
        crate::diff::apply(&mut patched, &ops).expect("applies");
        assert_eq!(patched, v.tree());
        let fresh = View::new((*v.page).clone(), v.data().clone()).expect("renders");
        assert_eq!(fresh.tree(), v.tree());
    }

    #[test]
    fn component_items_render_alone() {
        for template in [
            r#"<view><my-card wx:for="{{list}}" wx:key="id" label="{{item.title}}"/></view>"#,
            // Unkeyed: numbered after the first instance.
            r#"<my-card label="first"/><view><my-card wx:for="{{list}}" label="{{item.title}}"/></view>"#,
        ] {
            let mut v = card_view(template, json!({"list": rows(20)}));
            let at = v.tree.len() - 1;
            let VNode::Element(list) = &mut v.tree[at] else {
                panic!("an element");
            };
            let VNode::Element(card) = &mut list.children[3] else {
                panic!("an element");
            };
            card.attrs.insert("marked".to_owned(), json!(true));
            let mut patched = v.tree.clone();
            let ops = v.set_data(&[("list[9].title".to_owned(), json!("new"))]);
            assert_eq!(ops.len(), 2, "{template}: {ops:?}");
            crate::diff::apply(&mut patched, &ops).expect("applies");
            assert_eq!(patched, v.tree);
            let VNode::Element(list) = &v.tree[at] else {
                panic!("an element");
            };
            let VNode::Element(card) = &list.children[3] else {
                panic!("an element");
            };
            assert!(card.attrs.contains_key("marked"), "{template}: row 3 stays");
            let VNode::Element(card) = &list.children[9] else {
                panic!("an element");
            };
            let fresh = View::new((*v.page).clone(), v.data().clone()).expect("renders");
            let VNode::Element(fresh_list) = &fresh.tree[at] else {
                panic!("an element");
            };
            assert_eq!(Some(&list.children[9]), fresh_list.children.get(9));
            assert!(card.instance.is_some());
        }
    }

    #[test]
    fn instances_keep_their_numbers() {
        // Unkeyed instances are numbered in order; one left out of the tree (its slot is
        // nowhere) still takes a number.
        let template = r#"<my-card wx:for="{{groups}}" wx:key="name" label="{{item.name}}"><my-card wx:if="{{item.open}}" slot="{{item.name == 'p' ? '' : 'nowhere'}}" label="x"/></my-card><my-card wx:for="{{cards}}" label="{{item}}"/>"#;
        let mut v = card_view(
            template,
            json!({"groups": [{"name": "q", "open": true}, {"name": "p", "open": true}], "cards": [1, 2]}),
        );
        check_update(&mut v, &[("groups[0].open".to_owned(), json!(false))]);
        check_update(&mut v, &[("groups[0].open".to_owned(), json!(true))]);
        check_update(&mut v, &[("cards[0]".to_owned(), json!(5))]);
        check_update(&mut v, &[("groups[1].open".to_owned(), json!(false))]);
        check_update(&mut v, &[("cards[1]".to_owned(), json!(7))]);
    }

    #[test]
    fn pages_with_view_scripts_keep_no_map() {
        let v = view(
            r#"<wxs module="m">module.exports = {f: function (x) { return x; }};</wxs><text>{{m.f(a)}}</text>"#,
            json!({"a": 1}),
        );
        assert!(v.recs.is_none());
    }
}
