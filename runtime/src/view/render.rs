//! Evaluating a linked page's IR against data into virtual DOM nodes.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::expr::{Scope, ScriptCalls, to_js_string, truthy};
use super::page::PageView;
use super::template::{Element, ForLoop, Interp, KeySpec, Node, Part, prop_name};
use super::vdom::{EventBinding, VElement, VNode};
use crate::style::component_scope;

/// Elements, template calls and component instances nested deeper than this render nothing
/// (with a warning): recursive templates must not exhaust the stack.
const MAX_DEPTH: usize = 200;

/// One render creates at most this many nodes; the rest of the page is left out with a
/// warning (nested loops and recursive templates could otherwise exhaust memory).
const MAX_NODES: usize = 200_000;

/// A `for` over a number renders at most this many items.
const MAX_RANGE: f64 = 100_000.0;

/// Attributes that stay attributes on a component instance instead of becoming properties.
const HOST_ATTRS: &[&str] = &["class", "style", "id", "slot"];

/// Rendered slot content of the component instance being rendered, by slot name.
type Slots = HashMap<String, Vec<VNode>>;

pub(crate) struct Renderer<'p> {
    pub(crate) page: &'p PageView,
    pub(crate) scripts: Option<&'p dyn ScriptCalls>,
    /// Nodes created so far in this render.
    pub(crate) created: Cell<usize>,
}

/// Where the nodes being rendered come from.
#[derive(Clone, Copy)]
struct Ctx<'c> {
    /// File whose templates (and imports) `<template is>` looks up.
    file: &'c str,
    /// The page or component whose `usingComponents` applies.
    owner: &'c str,
    slots: Option<&'c Slots>,
    /// Inside a component: the prefix its class names get (its styles are scoped alike).
    class_scope: Option<&'c str>,
    depth: usize,
}

impl Renderer<'_> {
    pub(crate) fn render_page(&self, data: &Value) -> Vec<VNode> {
        let entry = self.page.entry();
        let scope = Scope::Root {
            data,
            scripts: self.scripts,
        };
        let ctx = Ctx {
            file: entry,
            owner: entry,
            slots: None,
            class_scope: None,
            depth: 0,
        };
        let mut out = Vec::new();
        if let Some(file) = self.page.file(entry) {
            self.nodes(ctx, &file.root, &scope, &mut out);
        }
        out
    }

    fn nodes(&self, ctx: Ctx<'_>, nodes: &[Node], scope: &Scope<'_>, out: &mut Vec<VNode>) {
        for node in nodes {
            self.node(ctx, node, scope, out);
        }
    }

    /// Counts one more node; false (with a warning, once) when the budget is spent.
    fn budget(&self) -> bool {
        let n = self.created.get() + 1;
        self.created.set(n);
        if n == MAX_NODES + 1 {
            tracing::warn!(target: "capsule::view", "page renders more than {MAX_NODES} nodes; the rest is left out");
        }
        n <= MAX_NODES
    }

    fn node(&self, ctx: Ctx<'_>, node: &Node, scope: &Scope<'_>, out: &mut Vec<VNode>) {
        if self.created.get() > MAX_NODES {
            return;
        }
        match node {
            Node::Text(interp) => {
                let text = self.text(interp, scope);
                if !text.is_empty() && self.budget() {
                    out.push(VNode::Text { text });
                }
            }
            Node::Element(el) => self.element(ctx, el, None, scope, out),
            Node::If(branches) => {
                let taken = branches
                    .iter()
                    .find(|(test, _)| test.as_ref().is_none_or(|t| truthy(&self.value(t, scope))));
                if let Some((_, body)) = taken {
                    self.node(ctx, body, scope, out);
                }
            }
            Node::For(f) => self.for_loop(ctx, f, scope, out),
            Node::Block(children) => self.nodes(ctx, children, scope, out),
            Node::TemplateCall { is, data } => {
                let name = self.text(is, scope);
                let Some((file, body)) = self.page.template(ctx.file, &name) else {
                    tracing::warn!(target: "capsule::view", "{}: template '{name}' is not defined", ctx.file);
                    return;
                };
                if ctx.depth >= MAX_DEPTH {
                    tracing::warn!(target: "capsule::view", "template '{name}' nested too deeply");
                    return;
                }
                let data = match data {
                    Some(d) => d.eval(scope).map_or_else(
                        |e| {
                            tracing::warn!(target: "capsule::view", "template data: {}", e.0);
                            Value::Null
                        },
                        Cow::into_owned,
                    ),
                    None => Value::Object(Map::new()),
                };
                let inner = Scope::Root {
                    data: &data,
                    scripts: self.scripts,
                };
                let inner_ctx = Ctx {
                    file,
                    depth: ctx.depth + 1,
                    ..ctx
                };
                self.nodes(inner_ctx, body, &inner, out);
            }
            Node::Slot { name } => {
                let name = self.text(name, scope);
                if let Some(nodes) = ctx.slots.and_then(|s| s.get(&name)) {
                    out.extend(nodes.iter().cloned());
                }
            }
            Node::Include { src, .. } => {
                if let Some(file) = self.page.file(src) {
                    self.nodes(ctx, &file.root, scope, out);
                }
            }
        }
    }

    fn for_loop(&self, ctx: Ctx<'_>, f: &ForLoop, scope: &Scope<'_>, out: &mut Vec<VNode>) {
        let list = self.value(&f.list, scope);
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
        for (index, item) in &items {
            if self.created.get() > MAX_NODES {
                return;
            }
            let inner = Scope::Bind {
                parent: scope,
                item_name: &f.item,
                item,
                index_name: &f.index,
                index,
            };
            let key = f.key.as_ref().map(|k| self.key(k, item, &inner));
            if let (Node::Element(el), Some(_)) = (&f.body, &key) {
                self.element(ctx, el, key, &inner, out);
                continue;
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
        }
    }

    fn key(&self, spec: &KeySpec, item: &Value, scope: &Scope<'_>) -> String {
        match spec {
            KeySpec::This => to_js_string(item),
            KeySpec::Field(field) => to_js_string(item.get(field).unwrap_or(&Value::Null)),
            KeySpec::Expr(interp) => self.text(interp, scope),
        }
    }

    fn element(
        &self,
        ctx: Ctx<'_>,
        el: &Element,
        key: Option<String>,
        scope: &Scope<'_>,
        out: &mut Vec<VNode>,
    ) {
        if ctx.depth >= MAX_DEPTH {
            tracing::warn!(target: "capsule::view", "<{}> nested too deeply; not rendered", el.tag);
            return;
        }
        if !self.budget() {
            return;
        }
        let component = self.page.component(ctx.owner, &el.tag);
        let mut attrs = BTreeMap::new();
        for (name, value) in &el.attrs {
            let mut value = self.value(value, scope).into_owned();
            if let (Some(prefix), "class", Value::String(class)) =
                (ctx.class_scope, name.as_str(), &value)
            {
                value = Value::String(scoped_classes(prefix, class));
            }
            let name = match component {
                Some(_) if !HOST_ATTRS.contains(&name.as_str()) => prop_name(name),
                _ => name.clone(),
            };
            attrs.insert(name, value);
        }
        let dataset: Map<String, Value> = el
            .dataset
            .iter()
            .map(|(n, v)| (n.clone(), self.value(v, scope).into_owned()))
            .collect();
        let events = el
            .events
            .iter()
            .map(|e| EventBinding {
                event: e.event.clone(),
                phase: e.phase,
                handler: self.text(&e.handler, scope),
            })
            .collect();
        let key = key.or_else(|| el.key.as_ref().map(|k| self.key(k, &Value::Null, scope)));
        let mut node = VElement {
            tag: el.tag.clone(),
            key,
            attrs,
            dataset,
            events,
            component: None,
            children: Vec::new(),
        };
        let inner = Ctx {
            depth: ctx.depth + 1,
            ..ctx
        };
        match component {
            Some(path) => self.component(inner, path, el, scope, &mut node),
            None => self.nodes(inner, &el.children, scope, &mut node.children),
        }
        out.push(VNode::Element(node));
    }

    /// Renders a component instance: its template over its data and properties, with the
    /// instance's children (rendered in the parent's scope) placed in its slots.
    fn component(
        &self,
        ctx: Ctx<'_>,
        path: &str,
        el: &Element,
        scope: &Scope<'_>,
        node: &mut VElement,
    ) {
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
        let mut data = self.page.component_data(path);
        if let Value::Object(d) = &mut data {
            for (k, v) in &node.attrs {
                if !HOST_ATTRS.contains(&k.as_str()) {
                    d.insert(k.clone(), v.clone());
                }
            }
        }
        let inner = Scope::Root {
            data: &data,
            scripts: self.scripts,
        };
        let class_scope = component_scope(path);
        let inner_ctx = Ctx {
            file: path,
            owner: path,
            slots: Some(&slots),
            class_scope: Some(&class_scope),
            depth: ctx.depth + 1,
        };
        if let Some(file) = self.page.file(path) {
            self.nodes(inner_ctx, &file.root, &inner, &mut node.children);
        }
        node.component = Some(path.to_owned());
    }

    /// The value of an interpolation: a lone `{{ }}` keeps its type; mixed text is a string.
    fn value<'s>(&self, interp: &Interp, scope: &Scope<'s>) -> Cow<'s, Value> {
        if let [Part::Expr(e)] = interp.parts.as_slice() {
            return e.eval(scope).unwrap_or_else(|e| {
                tracing::warn!(target: "capsule::view", "{}", e.0);
                Cow::Owned(Value::Null)
            });
        }
        Cow::Owned(Value::String(self.text(interp, scope)))
    }

    fn text(&self, interp: &Interp, scope: &Scope<'_>) -> String {
        let mut out = String::new();
        for part in &interp.parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Expr(e) => match e.eval(scope) {
                    Ok(v) => out.push_str(&to_js_string(&v)),
                    Err(e) => tracing::warn!(target: "capsule::view", "{}", e.0),
                },
            }
        }
        out
    }
}

/// `a b` → `scope--a scope--b`, as [`crate::style::compile`] rewrites the component's selectors.
fn scoped_classes(scope: &str, class: &str) -> String {
    class
        .split_whitespace()
        .map(|c| format!("{scope}--{c}"))
        .collect::<Vec<_>>()
        .join(" ")
}
