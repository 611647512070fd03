//! The virtual DOM a page renders to, and its headless HTML form.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::expr::to_js_string;
use crate::template::EventPhase;

/// A rendered node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum VNode {
    /// Text content.
    Text {
        /// The text, unescaped.
        text: String,
    },
    /// An element or a custom-component instance.
    Element(VElement),
}

/// A rendered element.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VElement {
    /// Tag as written (`view`, `my-card`).
    pub tag: String,
    /// Identity among siblings for keyed diffing (`wx:key` / `a:key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Attributes with their typed values; component properties use camelCase names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, Value>,
    /// `data-*` attributes as `dataset` (camelCase names, typed values).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub dataset: Map<String, Value>,
    /// Event handlers declared on this element.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventBinding>,
    /// For a custom-component instance, the component's template path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// For a custom-component instance, which instance it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<ComponentInstance>,
    /// A WeChat virtual host (the component's `options.virtualHost`): the element draws no
    /// box of its own (its children lay out in its parent) and neither its `class` nor its
    /// `style`; `style` is a property instead, `class` an external class.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub virtual_host: bool,
    /// Child nodes (for a component: its rendered template with slots filled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<VNode>,
}

/// A custom-component instance in a rendered page: an identity that stays the same across
/// renders (the component's path with its `wx:key`/`a:key`, or its position among the
/// instances of that component in the same template), and the instance whose template
/// declared it (`None`: the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentInstance {
    /// The identity.
    pub id: String,
    /// The declaring instance's identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// One event handler on an element, the same for both dialects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventBinding {
    /// Event name, lowercase (`tap`, `touchstart`, `input`).
    pub event: String,
    /// Propagation behaviour.
    pub phase: EventPhase,
    /// Name of the page or component method to call.
    pub handler: String,
    /// The component instance whose template declared the handler (`None`: the page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// Attributes of a component's host element that stay attributes instead of becoming
/// properties.
pub(crate) const HOST_ATTRS: &[&str] = &["class", "style", "id", "slot"];

impl VElement {
    /// For a component's host element: the properties it passes (every attribute but
    /// `class`, `style`, `id` and `slot`; a virtual host passes `style` too).
    pub fn properties(&self) -> Map<String, Value> {
        self.attrs
            .iter()
            .filter(|(name, _)| {
                !HOST_ATTRS.contains(&name.as_str()) || (self.virtual_host && *name == "style")
            })
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect()
    }
}

impl VNode {
    /// A text node.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }
}

/// Serialises nodes as HTML: attributes sorted, dataset as `data-*` (JSON for non-strings),
/// events as `bind:tap="h"` / `catch:tap` / `capture-bind:tap` / `capture-catch:tap` /
/// `mut-bind:tap`, `false`/`null` attributes omitted and `true` ones valueless; a virtual
/// host as the page host draws it: `virtual-host`, without `class` and `style`.
pub fn to_html(nodes: &[VNode]) -> String {
    let mut out = String::new();
    for node in nodes {
        write_node(&mut out, node);
    }
    out
}

fn write_node(out: &mut String, node: &VNode) {
    match node {
        VNode::Text { text } => escape(out, text, false),
        VNode::Element(el) => {
            out.push('<');
            out.push_str(&el.tag);
            if el.virtual_host {
                out.push_str(" virtual-host");
            }
            for (name, value) in &el.attrs {
                if !(el.virtual_host && matches!(name.as_str(), "class" | "style")) {
                    write_attr(out, name, value);
                }
            }
            for (name, value) in &el.dataset {
                write_attr(out, &format!("data-{}", camel_to_dash(name)), value);
            }
            for e in &el.events {
                let prefix = match e.phase {
                    EventPhase::Bubble => "bind:",
                    EventPhase::Catch => "catch:",
                    EventPhase::Capture => "capture-bind:",
                    EventPhase::CaptureCatch => "capture-catch:",
                    EventPhase::Mutated => "mut-bind:",
                };
                write_attr(
                    out,
                    &format!("{prefix}{}", e.event),
                    &Value::String(e.handler.clone()),
                );
            }
            out.push('>');
            for child in &el.children {
                write_node(out, child);
            }
            let _ = write!(out, "</{}>", el.tag);
        }
    }
}

fn write_attr(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null | Value::Bool(false) => {}
        Value::Bool(true) => {
            out.push(' ');
            out.push_str(name);
        }
        Value::String(s) => {
            let _ = write!(out, " {name}=\"");
            escape(out, s, true);
            out.push('"');
        }
        Value::Array(_) | Value::Object(_) => {
            let _ = write!(out, " {name}=\"");
            escape(out, &value.to_string(), true);
            out.push('"');
        }
        Value::Number(_) => {
            let _ = write!(out, " {name}=\"{}\"", to_js_string(value));
        }
    }
}

fn escape(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

fn camel_to_dash(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
