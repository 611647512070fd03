//! Evaluating a linked page's IR against data into virtual DOM nodes.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::assets;
use crate::deps::{Change, Cost, DataPath, Deps, ForRec, ItemRec, Reach, Rec, RecKind};
use crate::diff::{NodePath, PatchOp, diff_range, diff_shell};
use crate::expr::{Expr, Modules, Scope, ScriptCalls, to_js_string, truthy};
use crate::page::PageView;
use crate::source::{Dialect, Location, Warning};
use crate::style::component_scope;
use crate::template::{
    Element, ForLoop, Interp, KeySpec, Node, Part, dash_to_camel, decode_text, prop_name,
};
use crate::vdom::{ComponentInstance, EventBinding, HOST_ATTRS, VElement, VNode};

/// Elements, template calls and component instances nested deeper than this render nothing
/// (with a warning): recursive templates must not exhaust the stack.
const MAX_DEPTH: usize = 200;

/// One render creates at most this many nodes (loop items and template calls count too);
/// the rest of the page is left out with a warning (nested loops and recursive templates
/// could otherwise exhaust memory and time).
pub(crate) const MAX_NODES: usize = 200_000;

/// One render creates at most this many bytes of text and attribute values (scripts can
/// return long strings, and loops and slots repeat them).
pub(crate) const MAX_BYTES: usize = 64 << 20;

/// A `for` over a number renders at most this many items.
const MAX_RANGE: f64 = 100_000.0;

/// What a page's component instances that have logic render with, by instance identity (see
/// [`ComponentInstance`]).
pub type Instances = HashMap<String, InstanceData>;

/// What a component instance that has logic renders with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceData {
    /// Its logic's data.
    pub data: Value,
    /// The parent's property values its logic has taken in, by property name: its data holds
    /// what became of them (converted to the property's type, or set since by its own
    /// `setData`). A property the parent has changed since is shown as the parent gives it
    /// until the logic takes the new value in.
    pub taken: Map<String, Value>,
}

/// Rendered slot content of the component instance being rendered, by slot name.
type Slots = HashMap<String, Vec<VNode>>;

/// External classes of the component instance being rendered: class name → the classes the
/// parent gave it (already in the parent's scope; empty when not given).
type Externals = HashMap<String, String>;

pub(crate) struct Renderer<'p> {
    page: &'p PageView,
    scripts: Option<&'p dyn ScriptCalls>,
    /// The script budget of this render, for the warning when it runs out.
    script_budget: Duration,
    /// Nodes created so far in this render.
    created: Cell<usize>,
    /// Bytes of text and attribute values created so far in this render.
    bytes: Cell<usize>,
    /// Data of component instances that have logic, by instance identity.
    instances: &'p Instances,
    /// Instances numbered so far in this render, by owner, component and key.
    seen_instances: RefCell<HashMap<String, usize>>,
    /// Instances numbered so far in this render.
    numbered: Cell<usize>,
    /// Problems met while rendering (the script budget running out), each once.
    warnings: RefCell<Vec<Warning>>,
    budget_reported: Cell<bool>,
    /// When the render records what it reads: the page data paths read and not yet taken
    /// into a [`Rec`].
    reads: Option<RefCell<Vec<DataPath>>>,
}

/// An update that only a full render can make: the render's budget ran out, or a part
/// rendered again changed which component instances (numbered in render order) it holds.
#[derive(Debug)]
pub(crate) struct FullRender;

/// Where the nodes being rendered come from.
#[derive(Clone, Copy)]
struct Ctx<'c> {
    /// File whose templates (and imports) `<template is>` looks up.
    file: &'c str,
    /// File the nodes being rendered were parsed from (differs from `file` in an include);
    /// relative package paths in their attributes resolve against its folder.
    src: &'c str,
    /// The page or component whose `usingComponents` applies.
    owner: &'c str,
    slots: Option<&'c Slots>,
    /// Inside a component: the prefix its class names get (its styles are scoped alike).
    class_scope: Option<&'c str>,
    externals: Option<&'c Externals>,
    /// Inside a component: the identity of the instance being rendered.
    instance: Option<&'c str>,
    depth: usize,
}

impl<'p> Renderer<'p> {
    pub(crate) fn new(
        page: &'p PageView,
        instances: &'p Instances,
        scripts: Option<&'p dyn ScriptCalls>,
        script_budget: Duration,
    ) -> Self {
        Self {
            page,
            scripts,
            script_budget,
            created: Cell::new(0),
            bytes: Cell::new(0),
            instances,
            seen_instances: RefCell::default(),
            numbered: Cell::new(0),
            warnings: RefCell::default(),
            budget_reported: Cell::new(false),
            reads: None,
        }
    }

    /// This renderer, recording what each part of the page reads ([`Renderer::record_page`],
    /// [`Renderer::update_page`]).
    pub(crate) fn recording(mut self) -> Self {
        self.reads = Some(RefCell::default());
        self
    }

    /// The view-script modules that template `file` declares.
    fn modules<'f>(&self, file: &'f str) -> Option<Modules<'f>>
    where
        'p: 'f,
    {
        self.scripts.map(|scripts| Modules { scripts, file })
    }

    /// The scope the page's own template renders in: page data at its root.
    fn page_scope<'a>(&self, data: &'a Value) -> Scope<'a>
    where
        'p: 'a,
    {
        Scope::Root {
            data,
            modules: self.modules(self.page.entry()),
            page: true,
        }
    }

    /// The warnings of this render.
    pub(crate) fn into_warnings(self) -> Vec<Warning> {
        self.warnings.into_inner()
    }

    pub(crate) fn render_page(&self, data: &Value) -> Vec<VNode> {
        let entry = self.page.entry();
        let scope = self.page_scope(data);
        let mut out = Vec::new();
        if let Some(file) = self.page.file(entry) {
            self.nodes(page_ctx(entry), &file.root, &scope, &mut out);
        }
        out
    }

    /// Renders the page as [`Renderer::render_page`] does (on a [recording](Self::recording)
    /// renderer), with the record of each of its root template nodes; no records when the
    /// render's budget ran out (the page was cut short).
    pub(crate) fn record_page(&self, data: &Value) -> (Vec<VNode>, Option<Vec<Rec>>) {
        let entry = self.page.entry();
        let scope = self.page_scope(data);
        let mut out = Vec::new();
        let mut recs = Vec::new();
        if let Some(file) = self.page.file(entry) {
            for node in &file.root {
                recs.push(self.node_rec(page_ctx(entry), node, &scope, &mut out));
            }
        }
        let recs = (!self.spent()).then_some(recs);
        (out, recs)
    }

    /// Brings `tree`, rendered with records `recs`, up to date with `data` after `changes`
    /// (the paths `set_path` changed): renders again only the parts whose reads a change
    /// reaches, applies them to `tree` and `recs` and adds the ops to `ops`, which take the
    /// tree as it was to the tree as it is, whether or not this succeeds. `Err` when only a
    /// full render can finish the update.
    pub(crate) fn update_page(
        &self,
        data: &Value,
        recs: &mut [Rec],
        changes: &[Change],
        tree: &mut Vec<VNode>,
        ops: &mut Vec<PatchOp>,
    ) -> Result<(), FullRender> {
        let entry = self.page.entry();
        let scope = self.page_scope(data);
        let Some(file) = self.page.file(entry) else {
            return Ok(());
        };
        let mut path = NodePath::new();
        let mut at = Place {
            list: tree,
            offset: 0,
        };
        self.update_nodes(
            page_ctx(entry),
            &file.root,
            recs,
            &scope,
            changes,
            &mut at,
            &mut path,
            ops,
        )?;
        if self.spent() {
            return Err(FullRender);
        }
        Ok(())
    }

    fn nodes(&self, ctx: Ctx<'_>, nodes: &[Node], scope: &Scope<'_>, out: &mut Vec<VNode>) {
        for node in nodes {
            self.node(ctx, node, scope, out);
        }
    }

    /// Whether this render has created all the nodes or bytes it may.
    fn spent(&self) -> bool {
        self.created.get() > MAX_NODES
    }

    /// Counts `nodes` more nodes holding `bytes` of text; false (with a warning, once) when
    /// that goes over the budget, and from then on.
    fn charge(&self, nodes: usize, bytes: usize) -> bool {
        if self.spent() {
            return false;
        }
        let n = self.created.get().saturating_add(nodes);
        let b = self.bytes.get().saturating_add(bytes);
        self.bytes.set(b);
        if n > MAX_NODES || b > MAX_BYTES {
            self.created.set(MAX_NODES + 1);
            tracing::warn!(target: "capsule::view", "page renders more than {MAX_NODES} nodes or {MAX_BYTES} bytes of text; the rest is left out");
            return false;
        }
        self.created.set(n);
        true
    }

    /// Where the reads recorded so far end (none recorded: 0).
    fn mark(&self) -> usize {
        self.reads.as_ref().map_or(0, |r| r.borrow().len())
    }

    /// The reads recorded since `mark`, taken out of the record.
    fn take_reads(&self, mark: usize) -> Deps {
        let mut deps = Deps::default();
        if let Some(reads) = &self.reads {
            deps.extend(reads.borrow_mut().drain(mark..));
        }
        deps
    }

    /// The reads an item of a loop recorded since `mark`: those within its own item
    /// (`item_path`) returned, the others added to `shared`.
    fn take_item_reads(
        &self,
        mark: usize,
        item_path: Option<&DataPath>,
        shared: &mut Deps,
    ) -> Deps {
        let mut own = Deps::default();
        if let Some(reads) = &self.reads {
            for read in reads.borrow_mut().drain(mark..) {
                if item_path.is_some_and(|item| read.within(item)) {
                    own.insert(read);
                } else {
                    shared.insert(read);
                }
            }
        }
        own
    }

    /// What this render has charged so far.
    fn cost(&self) -> Cost {
        Cost {
            nodes: self.created.get(),
            bytes: self.bytes.get(),
            instances: self.numbered.get(),
        }
    }

    /// What this render has charged since it had charged `before`.
    fn cost_since(&self, before: Cost) -> Cost {
        Cost::default().replace(before, self.cost())
    }

    /// Renders `node` as [`Renderer::node`] does, recording what it reads.
    fn node_rec(&self, ctx: Ctx<'_>, node: &Node, scope: &Scope<'_>, out: &mut Vec<VNode>) -> Rec {
        let (mark, start, before) = (self.mark(), out.len(), self.cost());
        let kind = match node {
            Node::Element(el) if self.page.component(ctx.owner, &el.tag).is_none() => {
                let mut children = Vec::new();
                self.element(ctx, el, None, scope, out, Some(&mut children));
                if out.len() == start + 1 {
                    RecKind::Element {
                        own: self.take_reads(mark),
                        children,
                    }
                } else {
                    RecKind::Whole
                }
            }
            Node::If(branches) => {
                let taken = branches.iter().position(|(test, _)| {
                    test.as_ref()
                        .is_none_or(|t| truthy(&self.value(ctx, t, scope)))
                });
                let conds = self.take_reads(mark);
                let branch =
                    taken.map(|i| (i, Box::new(self.node_rec(ctx, &branches[i].1, scope, out))));
                RecKind::If { conds, branch }
            }
            Node::For(f) => match self.for_loop(ctx, f, scope, out, true) {
                Some(rec) => RecKind::For(Box::new(rec)),
                None => RecKind::Whole,
            },
            Node::Block(children) => RecKind::Seq(
                children
                    .iter()
                    .map(|child| self.node_rec(ctx, child, scope, out))
                    .collect(),
            ),
            Node::Include { src, .. } => match self.page.file_entry(src) {
                Some((src, file)) => {
                    let inner = Scope::File {
                        parent: scope,
                        modules: self.modules(src),
                    };
                    let ctx = Ctx { src, ..ctx };
                    RecKind::Seq(
                        file.root
                            .iter()
                            .map(|child| self.node_rec(ctx, child, &inner, out))
                            .collect(),
                    )
                }
                None => RecKind::Seq(Vec::new()),
            },
            _ => {
                self.node(ctx, node, scope, out);
                RecKind::Whole
            }
        };
        let summary = match &kind {
            RecKind::Whole => self.take_reads(mark),
            kind => summary(kind),
        };
        Rec {
            len: out.len() - start,
            cost: self.cost_since(before),
            summary,
            kind,
        }
    }

    /// Brings the nodes rendered from `nodes` (records `recs`), which start at `at`, up to
    /// date with `changes`.
    #[allow(clippy::too_many_arguments)]
    fn update_nodes(
        &self,
        ctx: Ctx<'_>,
        nodes: &[Node],
        recs: &mut [Rec],
        scope: &Scope<'_>,
        changes: &[Change],
        at: &mut Place<'_>,
        path: &mut NodePath,
        ops: &mut Vec<PatchOp>,
    ) -> Result<(), FullRender> {
        let start = at.offset;
        for (node, rec) in nodes.iter().zip(recs.iter_mut()) {
            if rec.summary.affected_by_any(changes) {
                self.update_node(ctx, node, rec, scope, changes, at, path, ops)?;
            }
            at.offset += rec.len;
        }
        at.offset = start;
        Ok(())
    }

    /// Brings the nodes rendered from `node` (record `rec`), which start at `at`, up to date
    /// with `changes`.
    #[allow(clippy::too_many_arguments)]
    fn update_node(
        &self,
        ctx: Ctx<'_>,
        node: &Node,
        rec: &mut Rec,
        scope: &Scope<'_>,
        changes: &[Change],
        at: &mut Place<'_>,
        path: &mut NodePath,
        ops: &mut Vec<PatchOp>,
    ) -> Result<(), FullRender> {
        match (node, &mut rec.kind) {
            (Node::Element(el), RecKind::Element { own, children }) => {
                if own.affected_by_any(changes) {
                    // Its attributes, dataset or handlers changed: render the element
                    // alone again; its key changed: the whole element.
                    let (mark, before) = (self.mark(), self.cost());
                    let shell = self.shell(ctx, el, None, scope).ok_or(FullRender)?;
                    let new_own = self.take_reads(mark);
                    let Some(VNode::Element(element)) = at.list.get_mut(at.offset) else {
                        return Err(FullRender);
                    };
                    if shell.component.is_some() || shell.node.key != element.key {
                        return self.rerender(ctx, node, rec, scope, at, path, ops);
                    }
                    let mut new = shell.node;
                    path.push(index(at.offset));
                    diff_shell(element, &new, path, ops);
                    path.pop();
                    new.children = std::mem::take(&mut element.children);
                    *element = new;
                    let old_own = rec.cost.replace(totals(children).1, Cost::default());
                    rec.cost = rec.cost.replace(old_own, self.cost_since(before));
                    *own = new_own;
                }
                let Some(VNode::Element(element)) = at.list.get_mut(at.offset) else {
                    return Err(FullRender);
                };
                let before = totals(children);
                path.push(index(at.offset));
                let mut inner = Place {
                    list: &mut element.children,
                    offset: 0,
                };
                let ctx = Ctx {
                    depth: ctx.depth + 1,
                    ..ctx
                };
                let done = self.update_nodes(
                    ctx,
                    &el.children,
                    children,
                    scope,
                    changes,
                    &mut inner,
                    path,
                    ops,
                );
                path.pop();
                done?;
                rec.cost = rec.cost.replace(before.1, totals(children).1);
            }
            (
                Node::If(branches),
                RecKind::If {
                    conds,
                    branch: Some((i, body)),
                },
            ) if !conds.affected_by_any(changes) => {
                let before = body.cost;
                let (_, taken) = branches.get(*i).ok_or(FullRender)?;
                self.update_node(ctx, taken, body, scope, changes, at, path, ops)?;
                rec.len = body.len;
                rec.cost = rec.cost.replace(before, body.cost);
            }
            (Node::Block(children), RecKind::Seq(recs)) => {
                self.update_nodes(ctx, children, recs, scope, changes, at, path, ops)?;
                (rec.len, rec.cost) = totals(recs);
            }
            (Node::Include { src, .. }, RecKind::Seq(recs)) => {
                let (src, file) = self.page.file_entry(src).ok_or(FullRender)?;
                let inner = Scope::File {
                    parent: scope,
                    modules: self.modules(src),
                };
                let ctx = Ctx { src, ..ctx };
                self.update_nodes(ctx, &file.root, recs, &inner, changes, at, path, ops)?;
                (rec.len, rec.cost) = totals(recs);
            }
            (Node::For(f), RecKind::For(fr)) => match fr.reach(changes) {
                Reach::Nothing => {}
                Reach::Items { items, append } => {
                    let reach = (items.as_slice(), append);
                    self.update_items(ctx, f, fr, &mut rec.cost, scope, reach, at, path, ops)?;
                    rec.len = fr.len();
                }
                Reach::Whole => return self.rerender(ctx, node, rec, scope, at, path, ops),
            },
            _ => return self.rerender(ctx, node, rec, scope, at, path, ops),
        }
        rec.summary = summary(&rec.kind);
        Ok(())
    }

    /// Renders `node` (record `rec`, its nodes at `at`) again whole.
    #[allow(clippy::too_many_arguments)]
    fn rerender(
        &self,
        ctx: Ctx<'_>,
        node: &Node,
        rec: &mut Rec,
        scope: &Scope<'_>,
        at: &mut Place<'_>,
        path: &mut NodePath,
        ops: &mut Vec<PatchOp>,
    ) -> Result<(), FullRender> {
        let mut new = Vec::new();
        self.number_from(at, rec.len);
        let new_rec = self.node_rec(ctx, node, scope, &mut new);
        self.replace(at, (rec.len, rec.cost), new, new_rec.cost, path, ops)?;
        *rec = new_rec;
        Ok(())
    }

    /// Renders items `items` of loop `f` (record `fr`, its nodes at `at`, its cost `cost`)
    /// again, and with `append` the items past the last rendered.
    #[allow(clippy::too_many_arguments)]
    fn update_items(
        &self,
        ctx: Ctx<'_>,
        f: &ForLoop,
        fr: &mut ForRec,
        cost: &mut Cost,
        scope: &Scope<'_>,
        (items, append): (&[usize], bool),
        at: &mut Place<'_>,
        path: &mut NodePath,
        ops: &mut Vec<PatchOp>,
    ) -> Result<(), FullRender> {
        let mark = self.mark();
        let list = self.value(ctx, &f.list, scope);
        self.take_reads(mark);
        let Value::Array(values) = &*list else {
            return Err(FullRender);
        };
        if values.len() < fr.items.len() || (values.len() > fr.items.len() && !append) {
            return Err(FullRender);
        }
        let start = at.offset;
        for &i in items {
            let item_path = Some(fr.path.index(i));
            let (mark, before) = (self.mark(), self.cost());
            let mut new = Vec::new();
            at.offset = start + fr.starts[i];
            self.number_from(at, fr.items[i].len);
            if !self.item(
                ctx,
                f,
                &Value::from(i),
                &values[i],
                item_path.as_ref(),
                scope,
                &mut new,
            ) {
                return Err(FullRender);
            }
            let own = self.take_item_reads(mark, item_path.as_ref(), &mut fr.shared);
            let item = ItemRec {
                len: new.len(),
                cost: self.cost_since(before),
                own,
            };
            let old = &fr.items[i];
            self.replace(at, (old.len, old.cost), new, item.cost, path, ops)?;
            *cost = cost.replace(fr.items[i].cost, item.cost);
            let resized = item.len != fr.items[i].len;
            fr.items[i] = item;
            if resized {
                fr.restart();
            }
        }
        if values.len() > fr.items.len() {
            let (mut new, mut recs, before) = (Vec::new(), Vec::new(), self.cost());
            at.offset = start + fr.len();
            self.number_from(at, 0);
            for (i, value) in values.iter().enumerate().skip(fr.items.len()) {
                let item_path = Some(fr.path.index(i));
                let (mark, start, before) = (self.mark(), new.len(), self.cost());
                if !self.item(
                    ctx,
                    f,
                    &Value::from(i),
                    value,
                    item_path.as_ref(),
                    scope,
                    &mut new,
                ) {
                    return Err(FullRender);
                }
                let own = self.take_item_reads(mark, item_path.as_ref(), &mut fr.shared);
                recs.push(ItemRec {
                    len: new.len() - start,
                    cost: self.cost_since(before),
                    own,
                });
            }
            let added = self.cost_since(before);
            self.replace(at, (0, Cost::default()), new, added, path, ops)?;
            *cost = cost.replace(Cost::default(), added);
            fr.items.extend(recs);
            fr.restart();
        }
        at.offset = start;
        Ok(())
    }

    /// Makes the instances of the part about to render again in place of the `len` nodes at
    /// `at` take their numbers from where those nodes' start (see [`Renderer::replace`]).
    fn number_from(&self, at: &Place<'_>, len: usize) {
        let mut old = Vec::new();
        if let Some(nodes) = at.list.get(at.offset..at.offset + len) {
            instances(nodes, &mut old);
        }
        let mut seen = self.seen_instances.borrow_mut();
        seen.clear();
        for instance in old {
            if let Some((base, n)) = instance.id.rsplit_once('#')
                && let Ok(n) = n.parse::<usize>()
            {
                let first = seen.entry(base.to_owned()).or_insert(n);
                *first = (*first).min(n);
            }
        }
    }

    /// Replaces the `len` nodes at `at` (which cost `old_cost`) by `new` (rendered at
    /// `new_cost` with instances numbered [from the old nodes' first
    /// numbers](Renderer::number_from)), adding the ops that do it.
    ///
    /// Component instances are numbered in render order among those of the same owner,
    /// component and key: the new nodes may only take the place of the old when they hold
    /// the same instances, numbered alike, and neither numbered one it left out of the tree
    /// (slot content no slot took), so that those after keep their numbers. Else `Err`: a
    /// full render numbers them.
    fn replace(
        &self,
        at: &mut Place<'_>,
        (len, old_cost): (usize, Cost),
        new: Vec<VNode>,
        new_cost: Cost,
        path: &mut NodePath,
        ops: &mut Vec<PatchOp>,
    ) -> Result<(), FullRender> {
        let range = at.offset..at.offset + len;
        let old = at.list.get(range.clone()).ok_or(FullRender)?;
        let (mut old_instances, mut new_instances) = (Vec::new(), Vec::new());
        instances(old, &mut old_instances);
        instances(&new, &mut new_instances);
        if self.spent()
            || old_instances != new_instances
            || old_cost.instances != old_instances.len()
            || new_cost.instances != new_instances.len()
        {
            return Err(FullRender);
        }
        diff_range(old, &new, path, at.offset, ops);
        if new.len() == len {
            for (slot, node) in at.list[range].iter_mut().zip(new) {
                *slot = node;
            }
        } else {
            at.list.splice(range, new);
        }
        Ok(())
    }

    fn node(&self, ctx: Ctx<'_>, node: &Node, scope: &Scope<'_>, out: &mut Vec<VNode>) {
        if self.spent() {
            return;
        }
        match node {
            Node::Text(interp) => {
                let text = self.text(ctx, interp, scope);
                if !text.is_empty() && self.charge(1, text.len()) {
                    out.push(VNode::Text { text });
                }
            }
            Node::Element(el) => self.element(ctx, el, None, scope, out, None),
            Node::If(branches) => {
                let taken = branches.iter().find(|(test, _)| {
                    test.as_ref()
                        .is_none_or(|t| truthy(&self.value(ctx, t, scope)))
                });
                if let Some((_, body)) = taken {
                    self.node(ctx, body, scope, out);
                }
            }
            Node::For(f) => {
                self.for_loop(ctx, f, scope, out, false);
            }
            Node::Block(children) => self.nodes(ctx, children, scope, out),
            Node::TemplateCall { is, data } => {
                // A template call counts as a node: calls refused for depth would otherwise
                // be free, and a template calling itself several times multiplies them.
                if !self.charge(1, 0) {
                    return;
                }
                let name = self.text(ctx, is, scope);
                let Some((file, body)) = self.page.template(ctx.file, &name) else {
                    tracing::warn!(target: "capsule::view", "{}: template '{name}' is not defined", ctx.file);
                    return;
                };
                if ctx.depth >= MAX_DEPTH {
                    tracing::warn!(target: "capsule::view", "template '{name}' nested too deeply");
                    return;
                }
                let data = match data {
                    Some((d, at)) => self
                        .eval(ctx, d, *at, scope)
                        .map_or(Value::Null, Cow::into_owned),
                    None => Value::Object(Map::new()),
                };
                let inner = Scope::Root {
                    data: &data,
                    modules: self.modules(file),
                    page: false,
                };
                let inner_ctx = Ctx {
                    file,
                    src: file,
                    depth: ctx.depth + 1,
                    ..ctx
                };
                self.nodes(inner_ctx, body, &inner, out);
            }
            Node::Slot { name, fallback } => {
                let name = self.text(ctx, name, scope);
                let Some(content) = ctx.slots.and_then(|s| s.get(&name)) else {
                    self.nodes(ctx, fallback, scope, out);
                    return;
                };
                // Slot content is copied: count it again, or slots in recursive components
                // would multiply nodes past any budget.
                for node in content {
                    let (nodes, bytes) = size(node);
                    if !self.charge(nodes, bytes) {
                        return;
                    }
                    out.push(node.clone());
                }
            }
            Node::Include { src, .. } => {
                if let Some((src, file)) = self.page.file_entry(src) {
                    let inner = Scope::File {
                        parent: scope,
                        modules: self.modules(src),
                    };
                    self.nodes(Ctx { src, ..ctx }, &file.root, &inner, out);
                }
            }
        }
    }

    /// Renders a `for` loop; with `record`, also what it and each of its items read when its
    /// list is an array at a page data path (`None` else: what it read stays among the
    /// reads since it began).
    fn for_loop(
        &self,
        ctx: Ctx<'_>,
        f: &ForLoop,
        scope: &Scope<'_>,
        out: &mut Vec<VNode>,
        record: bool,
    ) -> Option<ForRec> {
        let mark = self.mark();
        let list = self.value(ctx, &f.list, scope);
        let path = match (&f.list.parts[..], &*list) {
            ([Part::Expr(e, _)], Value::Array(_)) if record && self.reads.is_some() => {
                e.path(scope, &mut Vec::new()).map(Cow::into_owned)
            }
            _ => None,
        };
        let list_reads = match &path {
            Some(_) => self.take_reads(mark),
            None => Deps::default(),
        };
        let items: Vec<(Value, Cow<'_, Value>)> = match &*list {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), Cow::Borrowed(v)))
                .collect(),
            Value::Object(o) => o
                .iter()
                .map(|(k, v)| (Value::String(k.clone()), Cow::Borrowed(v)))
                .collect(),
            Value::String(s) => s
                .chars()
                .take(MAX_NODES + 1)
                .enumerate()
                .map(|(i, c)| (Value::from(i), Cow::Owned(Value::String(c.into()))))
                .collect(),
            Value::Number(n) => {
                let count = n.as_f64().unwrap_or(0.0).clamp(0.0, MAX_RANGE);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let count = count as u64;
                (0..count)
                    .map(|i| (Value::from(i), Cow::Owned(Value::from(i))))
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut shared = Deps::default();
        let mut recs = Vec::new();
        for (i, (index, item)) in items.iter().enumerate() {
            let item_path = path.as_ref().map(|p| p.index(i));
            let (mark, start, before) = (self.mark(), out.len(), self.cost());
            if !self.item(ctx, f, index, item, item_path.as_ref(), scope, out) {
                break;
            }
            if path.is_some() {
                let own = self.take_item_reads(mark, item_path.as_ref(), &mut shared);
                recs.push(ItemRec {
                    len: out.len() - start,
                    cost: self.cost_since(before),
                    own,
                });
            }
        }
        path.map(|path| ForRec::new(list_reads, path, shared, recs))
    }

    /// Renders one item of loop `f` (`item_path`: where the item is in the page data);
    /// false when the render's budget is spent.
    #[allow(clippy::too_many_arguments)]
    fn item(
        &self,
        ctx: Ctx<'_>,
        f: &ForLoop,
        index: &Value,
        item: &Value,
        item_path: Option<&DataPath>,
        scope: &Scope<'_>,
        out: &mut Vec<VNode>,
    ) -> bool {
        // Each item counts, even one that renders nothing: nested loops multiply.
        if !self.charge(1, 0) {
            return false;
        }
        let inner = Scope::Bind {
            parent: scope,
            item_name: &f.item,
            item,
            item_path,
            index_name: &f.index,
            index,
        };
        let key = f
            .key
            .as_ref()
            .map(|k| self.key(ctx, k, item, item_path, &inner));
        if let (Node::Element(el), Some(_)) = (&f.body, &key) {
            self.element(ctx, el, key, &inner, out, None);
            return true;
        }
        let start = out.len();
        self.node(ctx, &f.body, &inner, out);
        if let Some(key) = key {
            for node in &mut out[start..] {
                if let VNode::Element(el) = node {
                    el.key.get_or_insert_with(|| key.clone());
                }
            }
        }
        true
    }

    /// The key of `item` (at `item_path` in the page data) by `spec`.
    fn key(
        &self,
        ctx: Ctx<'_>,
        spec: &KeySpec,
        item: &Value,
        item_path: Option<&DataPath>,
        scope: &Scope<'_>,
    ) -> String {
        if let (Some(reads), Some(path)) = (&self.reads, item_path) {
            let read = match spec {
                KeySpec::This => Some(path.clone()),
                KeySpec::Field(field) => Some(path.child(field).unwrap_or_else(|| path.clone())),
                // Its expression's reads are recorded as it is evaluated.
                KeySpec::Expr(_) => None,
            };
            reads.borrow_mut().extend(read);
        }
        match spec {
            KeySpec::This => to_js_string(item),
            KeySpec::Field(field) => to_js_string(item.get(field).unwrap_or(&Value::Null)),
            KeySpec::Expr(interp) => self.text(ctx, interp, scope),
        }
    }

    /// Renders element `el`; with `children`, its children's records go there (for an
    /// element that is no component instance).
    fn element(
        &self,
        ctx: Ctx<'_>,
        el: &Element,
        key: Option<String>,
        scope: &Scope<'_>,
        out: &mut Vec<VNode>,
        children: Option<&mut Vec<Rec>>,
    ) {
        let Some(Shell {
            mut node,
            component,
            host_scope,
            externals,
        }) = self.shell(ctx, el, key, scope)
        else {
            return;
        };
        let inner = Ctx {
            depth: ctx.depth + 1,
            ..ctx
        };
        match (component, &host_scope) {
            (Some(path), Some(host)) => {
                let instance = Instance {
                    path,
                    class_scope: host,
                    externals: &externals,
                };
                self.component(inner, &instance, el, scope, &mut node);
            }
            _ => match children {
                Some(recs) => {
                    for child in &el.children {
                        recs.push(self.node_rec(inner, child, scope, &mut node.children));
                    }
                }
                None => self.nodes(inner, &el.children, scope, &mut node.children),
            },
        }
        out.push(VNode::Element(node));
    }

    /// Element `el` without its children (`None` when it is not rendered: too deep, or past
    /// the render's budget).
    fn shell(
        &self,
        ctx: Ctx<'_>,
        el: &Element,
        key: Option<String>,
        scope: &Scope<'_>,
    ) -> Option<Shell<'p>> {
        if !self.charge(1, 0) {
            return None;
        }
        if ctx.depth >= MAX_DEPTH {
            tracing::warn!(target: "capsule::view", "<{}> nested too deeply; not rendered", el.tag);
            return None;
        }
        let component = self.page.component(ctx.owner, &el.tag);
        let declared = component.and_then(|path| self.page.external_classes(path));
        let virtual_host = component.is_some_and(|path| self.page.is_virtual_host(path));
        let mut attrs = BTreeMap::new();
        let mut externals = Externals::new();
        for (name, value) in &el.attrs {
            let mut value = self.value(ctx, value, scope).into_owned();
            // A list of class names given to `class` or an external class is the names
            // joined by spaces, as WeChat's template engine takes it.
            if let Value::Array(names) = &value
                && (name == "class" || name.ends_with("-class"))
            {
                value = Value::String(names.iter().map(to_js_string).collect::<Vec<_>>().join(" "));
            }
            // Alipay takes a style object (`style="{{ color: c }}"`) as the CSS it stands for.
            if let Value::Object(properties) = &value
                && name == "style"
                && Dialect::of_path(ctx.src) == Dialect::Alipay
            {
                value = Value::String(style_text(properties));
            }
            let shared = self.page.shares_page_styles(ctx.owner);
            if let (Some(prefix), "class", Value::String(class)) =
                (ctx.class_scope, name.as_str(), &value)
            {
                value = Value::String(scoped_classes(prefix, class, ctx.externals, shared));
            }
            if component.is_none() {
                attrs.insert(name.clone(), value);
                continue;
            }
            // `my-class="a b"`: classes of this template for the component's `my-class`; a
            // virtual host's `class` is the external class `class`.
            let host_class = name == "class";
            let external = (virtual_host && host_class)
                || declared.map_or(name.ends_with("-class"), |d| d.contains(name));
            if external {
                let classes = if host_class {
                    to_js_string(&value)
                } else {
                    match ctx.class_scope {
                        Some(prefix) => {
                            scoped_classes(prefix, &to_js_string(&value), ctx.externals, shared)
                        }
                        None => to_js_string(&value),
                    }
                };
                let classes = classes.split_whitespace().collect::<Vec<_>>().join(" ");
                externals.insert(name.clone(), classes);
                if declared.is_some() && !host_class {
                    continue;
                }
            }
            let name = if HOST_ATTRS.contains(&name.as_str()) {
                name.clone()
            } else {
                prop_name(name)
            };
            attrs.insert(name, value);
        }
        let host_scope = component.map(component_scope);
        if let Some(host) = &host_scope {
            // The host element carries the scope itself: `:host` in its styles selects it
            // (a virtual host is drawn without classes: nothing to select).
            if !virtual_host {
                let class = attrs.get("class").map(to_js_string).unwrap_or_default();
                let class = if class.trim().is_empty() {
                    host.clone()
                } else {
                    format!("{} {host}", class.trim())
                };
                attrs.insert("class".to_owned(), Value::String(class));
            }
            let host_class = virtual_host.then(|| "class".to_owned());
            for name in declared.unwrap_or_default().iter().chain(&host_class) {
                externals.entry(name.clone()).or_default();
            }
        }
        // Package paths (`src`, `poster`, `url()` in `style`) as the platforms resolve them:
        // against the folder of the template that wrote the element.
        assets::resolve_attrs(ctx.src, &el.tag, &mut attrs, component.is_none());
        // An Alipay component takes `onXxx="handler"` as a property naming the handler, and
        // `data-x` as a property of that name.
        let alipay_component = component.is_some() && Dialect::of_path(ctx.src) == Dialect::Alipay;
        let mut dataset = Map::new();
        for (name, value) in &el.dataset {
            let value = self.value(ctx, value, scope).into_owned();
            if alipay_component {
                attrs.insert(format!("data-{name}"), value);
            } else {
                dataset.insert(dash_to_camel(name), value);
            }
        }
        let mut events = Vec::new();
        for e in &el.events {
            let handler = self.text(ctx, &e.handler, scope);
            if alipay_component {
                attrs.insert(e.attr.clone(), Value::String(handler));
            } else {
                events.push(EventBinding {
                    event: e.event.clone(),
                    phase: e.phase,
                    handler,
                    owner: ctx.instance.map(str::to_owned),
                });
            }
        }
        let key = key.or_else(|| {
            el.key
                .as_ref()
                .map(|k| self.key(ctx, k, &Value::Null, None, scope))
        });
        let bytes = attrs
            .values()
            .chain(dataset.values())
            .map(value_bytes)
            .sum();
        if !self.charge(0, bytes) {
            return None;
        }
        let node = VElement {
            tag: el.tag.clone(),
            key,
            attrs,
            dataset,
            events,
            component: None,
            instance: None,
            virtual_host,
            children: Vec::new(),
        };
        Some(Shell {
            node,
            component,
            host_scope,
            externals,
        })
    }

    /// Renders a component instance: its template over its data and properties, with the
    /// instance's children (rendered in the parent's scope) placed in its slots.
    fn component(
        &self,
        ctx: Ctx<'_>,
        instance: &Instance<'_>,
        el: &Element,
        scope: &Scope<'_>,
        node: &mut VElement,
    ) {
        let path = instance.path;
        let mut content = Vec::new();
        self.nodes(ctx, &el.children, scope, &mut content);
        let mut slots: Slots = HashMap::new();
        for child in content {
            let name = match &child {
                VNode::Element(c) => c.attrs.get("slot").map(to_js_string).unwrap_or_default(),
                VNode::Text { .. } => String::new(),
            };
            slots.entry(name).or_default().push(child);
        }
        let identity = self.identity(ctx.instance, path, node.key.as_deref());
        let state = self.instances.get(&identity);
        let mut data = state.map_or_else(|| Value::Object(Map::new()), |s| s.data.clone());
        if let Value::Object(d) = &mut data {
            let props = node.properties();
            for (name, value) in &props {
                // WeChat: a property is part of the component's data; the parent's value
                // shows until the logic has taken it in.
                let taken = Dialect::of_path(path) == Dialect::WeChat
                    && d.contains_key(name)
                    && state.and_then(|s| s.taken.get(name)) == Some(value);
                if !taken {
                    d.insert(name.clone(), value.clone());
                }
            }
            if Dialect::of_path(path) == Dialect::Alipay {
                // Alipay templates read properties as `props.x`: the parent's over the
                // defaults the component's logic gave.
                let mut all = match d.remove("props") {
                    Some(Value::Object(defaults)) => defaults,
                    _ => Map::new(),
                };
                all.extend(props);
                d.insert("props".to_owned(), Value::Object(all));
                // `$slots.name` / `$slots.$default`: which slots the parent filled.
                let filled = slots
                    .keys()
                    .map(|name| {
                        let name = if name.is_empty() { "$default" } else { name };
                        (name.to_owned(), Value::Bool(true))
                    })
                    .collect();
                d.insert("$slots".to_owned(), Value::Object(filled));
            }
        }
        let inner = Scope::Root {
            data: &data,
            modules: self.modules(path),
            page: false,
        };
        let inner_ctx = Ctx {
            file: path,
            src: path,
            owner: path,
            slots: Some(&slots),
            class_scope: Some(instance.class_scope),
            externals: Some(instance.externals),
            instance: Some(&identity),
            depth: ctx.depth + 1,
        };
        if let Some(file) = self.page.file(path) {
            self.nodes(inner_ctx, &file.root, &inner, &mut node.children);
        }
        node.component = Some(path.to_owned());
        node.instance = Some(ComponentInstance {
            id: identity,
            owner: ctx.instance.map(str::to_owned),
        });
    }

    /// The identity of a component instance, the same in every render while the instance
    /// stays: its owner's identity, its component, and its key (`wx:key`) or else its place
    /// among that owner's instances of the component.
    fn identity(&self, owner: Option<&str>, path: &str, key: Option<&str>) -> String {
        let base = match key {
            Some(key) => format!("{}>{path}@{key}", owner.unwrap_or_default()),
            None => format!("{}>{path}", owner.unwrap_or_default()),
        };
        self.numbered.set(self.numbered.get() + 1);
        let mut seen = self.seen_instances.borrow_mut();
        let n = seen.entry(base.clone()).or_default();
        *n += 1;
        format!("{base}#{}", *n - 1)
    }

    /// The value of an interpolation: a lone `{{ }}` keeps its type; mixed text is a string.
    fn value<'s>(&self, ctx: Ctx<'_>, interp: &Interp, scope: &Scope<'s>) -> Cow<'s, Value> {
        if let [Part::Expr(e, at)] = interp.parts.as_slice() {
            return self
                .eval(ctx, e, *at, scope)
                .unwrap_or(Cow::Owned(Value::Null));
        }
        Cow::Owned(Value::String(self.text(ctx, interp, scope)))
    }

    fn text(&self, ctx: Ctx<'_>, interp: &Interp, scope: &Scope<'_>) -> String {
        let mut out = String::new();
        for part in &interp.parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Expr(e, at) => {
                    if let Some(v) = self.eval(ctx, e, *at, scope) {
                        out.push_str(&to_js_string(&v));
                    }
                }
                Part::Decoded { expr, at, when } => {
                    if let Some(v) = self.eval(ctx, expr, *at, scope) {
                        let text = to_js_string(&v);
                        if truthy(&self.value(ctx, when, scope)) {
                            out.push_str(&decode_text(&text));
                        } else {
                            out.push_str(&text);
                        }
                    }
                }
            }
        }
        out
    }

    /// Evaluates expression `e` found at byte `at` of `ctx.src`; `None` (with a warning) when
    /// it fails.
    fn eval<'s>(
        &self,
        ctx: Ctx<'_>,
        e: &Expr,
        at: usize,
        scope: &Scope<'s>,
    ) -> Option<Cow<'s, Value>> {
        let result = e.eval(scope);
        if let Some(reads) = &self.reads {
            e.reads(scope, &mut reads.borrow_mut());
        }
        if !self.budget_reported.get() && self.scripts.is_some_and(ScriptCalls::budget_spent) {
            self.budget_reported.set(true);
            let location = self.page.file(ctx.src).map_or_else(
                || Location {
                    file: ctx.src.into(),
                    line: 1,
                    column: 1,
                },
                |f| f.map.locate(at),
            );
            let warning = Warning {
                location,
                message: format!(
                    "view scripts used up this render's {:?} budget here; later calls in the render gave undefined",
                    self.script_budget
                ),
            };
            tracing::warn!(target: "capsule::view", "{warning}");
            self.warnings.borrow_mut().push(warning);
        }
        result
            .map_err(|e| {
                tracing::warn!(target: "capsule::view", "{}: {}", ctx.src, e.0);
            })
            .ok()
    }
}

/// Where the nodes of a page's part are: among `list`, from `offset` on.
struct Place<'t> {
    list: &'t mut Vec<VNode>,
    offset: usize,
}

/// The context of the page's own template nodes.
fn page_ctx(entry: &str) -> Ctx<'_> {
    Ctx {
        file: entry,
        src: entry,
        owner: entry,
        slots: None,
        class_scope: None,
        externals: None,
        instance: None,
        depth: 0,
    }
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The nodes and cost of records `recs` together.
fn totals(recs: &[Rec]) -> (usize, Cost) {
    recs.iter().fold((0, Cost::default()), |(len, cost), rec| {
        (len + rec.len, cost.replace(Cost::default(), rec.cost))
    })
}

/// Every path a record's part reads, but its loops' items' own (under their list's path).
fn summary(kind: &RecKind) -> Deps {
    let mut deps = Deps::default();
    match kind {
        RecKind::Whole => {}
        RecKind::Element { own, children } => {
            deps.extend(own.iter().cloned());
            for child in children {
                deps.extend(child.summary.iter().cloned());
            }
        }
        RecKind::If { conds, branch } => {
            deps.extend(conds.iter().cloned());
            if let Some((_, body)) = branch {
                deps.extend(body.summary.iter().cloned());
            }
        }
        RecKind::Seq(children) => {
            for child in children {
                deps.extend(child.summary.iter().cloned());
            }
        }
        RecKind::For(rec) => {
            deps.extend(rec.list.iter().cloned());
            deps.extend(rec.shared.iter().cloned());
        }
    }
    deps
}

/// The component instances among `nodes` and their descendants, in document order.
fn instances<'n>(nodes: &'n [VNode], out: &mut Vec<&'n ComponentInstance>) {
    for node in nodes {
        if let VNode::Element(el) = node {
            out.extend(&el.instance);
            instances(&el.children, out);
        }
    }
}

/// Properties whose numbers take no unit in a style object (`{zIndex: 2}`, `{flex: 1}`);
/// others' numbers are px (`{width: 100}` is `width:100px`), as React's style objects.
const UNITLESS: &[&str] = &[
    "animation-iteration-count",
    "aspect-ratio",
    "border-image-outset",
    "border-image-slice",
    "border-image-width",
    "box-flex",
    "box-flex-group",
    "box-ordinal-group",
    "column-count",
    "columns",
    "fill-opacity",
    "flex",
    "flex-grow",
    "flex-negative",
    "flex-order",
    "flex-positive",
    "flex-shrink",
    "flood-opacity",
    "font-weight",
    "grid-area",
    "grid-column",
    "grid-column-end",
    "grid-column-span",
    "grid-column-start",
    "grid-row",
    "grid-row-end",
    "grid-row-span",
    "grid-row-start",
    "line-clamp",
    "line-height",
    "opacity",
    "order",
    "orphans",
    "scale",
    "stop-opacity",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "tab-size",
    "widows",
    "z-index",
    "zoom",
];

/// A style object as CSS declarations: camelCase names in dash-case (`fontSize` →
/// `font-size`, `WebkitBoxOrient` → `-webkit-box-orient`, `msFlex` → `-ms-flex`; custom
/// properties `--x` as written), numbers in px unless the property takes none (or the number
/// is 0), and properties whose value is `null`/`undefined`, a boolean or `''` left out.
fn style_text(properties: &Map<String, Value>) -> String {
    let mut out = String::new();
    for (name, value) in properties {
        let name = if name.starts_with("--") {
            name.clone()
        } else {
            let mut dashed = String::with_capacity(name.len() + 4);
            for c in name.chars() {
                if c.is_ascii_uppercase() {
                    dashed.push('-');
                    dashed.push(c.to_ascii_lowercase());
                } else {
                    dashed.push(c);
                }
            }
            if dashed.starts_with("ms-") {
                dashed.insert(0, '-');
            }
            dashed
        };
        let value = match value {
            Value::Null | Value::Bool(_) => continue,
            Value::String(s) if s.trim().is_empty() => continue,
            Value::Number(n) => {
                let unprefixed = name
                    .strip_prefix('-')
                    .and_then(|n| n.split_once('-'))
                    .map_or(name.as_str(), |(_, rest)| rest);
                let number = to_js_string(value);
                if n.as_f64() == Some(0.0)
                    || name.starts_with("--")
                    || UNITLESS.contains(&unprefixed)
                {
                    number
                } else {
                    format!("{number}px")
                }
            }
            other => to_js_string(other),
        };
        out.push_str(&name);
        out.push(':');
        out.push_str(value.trim());
        out.push(';');
    }
    out
}

/// Roughly how many bytes a value holds (its strings, and a word per other value).
fn value_bytes(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len(),
        Value::Array(a) => a.iter().map(value_bytes).sum::<usize>() + 8,
        Value::Object(o) => {
            o.iter()
                .map(|(k, v)| k.len() + value_bytes(v))
                .sum::<usize>()
                + 8
        }
        _ => 8,
    }
}

/// The nodes in `node`'s subtree and the bytes of their text and attribute values.
fn size(node: &VNode) -> (usize, usize) {
    match node {
        VNode::Text { text } => (1, text.len()),
        VNode::Element(el) => {
            let bytes = el
                .attrs
                .values()
                .chain(el.dataset.values())
                .map(value_bytes)
                .sum();
            el.children
                .iter()
                .map(size)
                .fold((1, bytes), |(n, b), (cn, cb)| {
                    (n.saturating_add(cn), b.saturating_add(cb))
                })
        }
    }
}

/// An element without its children, and for a component instance what its template needs.
struct Shell<'p> {
    node: VElement,
    /// The component's template path.
    component: Option<&'p str>,
    /// The component's scope class.
    host_scope: Option<String>,
    externals: Externals,
}

/// The component instance being rendered.
struct Instance<'i> {
    path: &'i str,
    class_scope: &'i str,
    externals: &'i Externals,
}

/// `a b` → `scope--a scope--b`, as [`crate::style::compile`] rewrites the component's
/// selectors; an external class of the component becomes the classes its parent gave it.
/// A component that shares the page's styles (`styleIsolation: apply-shared` or `shared`)
/// keeps each class as written too: `scope--a a`.
fn scoped_classes(scope: &str, class: &str, externals: Option<&Externals>, shared: bool) -> String {
    let mut out = String::new();
    for c in class.split_whitespace() {
        let replaced = match externals.and_then(|e| e.get(c)) {
            Some(given) => given.clone(),
            None if shared => format!("{scope}--{c} {c}"),
            None => format!("{scope}--{c}"),
        };
        if !replaced.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&replaced);
        }
    }
    out
}
