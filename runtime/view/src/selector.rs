//! CSS selectors over a rendered mini-program page, for test scenarios and selector queries:
//! element names are the template's tag names, with its `id` and `class`; matching crosses
//! component boundaries (a class inside a component matches without its scope prefix).
//!
//! Supported: `tag`, `*`, `.class`, `#id`, `[attr]`, `[attr=value]`, compounds of those,
//! the descendant (` `) and child (`>`) combinators, and `,` lists.

use serde_json::Value;

use crate::diff::NodePath;
use crate::vdom::{VElement, VNode};

/// A selector this module cannot use, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(String);

type Result<T> = std::result::Result<T, SelectorError>;

/// Returns a [`SelectorError`] from a format string.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err(SelectorError(format!($($arg)*)))
    };
}

/// One compound selector: every part must match the same element.
#[derive(Debug, Clone, PartialEq, Default)]
struct Compound {
    tag: Option<String>,
    ids: Vec<String>,
    classes: Vec<String>,
    attrs: Vec<(String, Option<String>)>,
}

/// A chain of compounds, rightmost last; `child[i]` tells whether compound `i + 1` must be a
/// direct child of compound `i`.
#[derive(Debug, Clone, PartialEq)]
struct Complex {
    compounds: Vec<Compound>,
    child: Vec<bool>,
}

/// A parsed selector list.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector(Vec<Complex>);

impl Selector {
    /// Parses `text`; errors say what is not supported.
    pub fn parse(text: &str) -> Result<Self> {
        let list = text
            .split(',')
            .map(|part| parse_complex(part.trim()))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self(list))
    }

    /// Paths of the matching elements of `tree`, in document order.
    pub fn find(&self, tree: &[VNode]) -> Vec<NodePath> {
        let mut found = Vec::new();
        let mut ancestors = Vec::new();
        walk(tree, &mut Vec::new(), &mut ancestors, &mut |path, chain| {
            if self.0.iter().any(|complex| matches_complex(complex, chain)) {
                found.push(path.to_vec());
            }
        });
        found
    }
}

fn walk<'a>(
    nodes: &'a [VNode],
    path: &mut Vec<u32>,
    chain: &mut Vec<&'a VElement>,
    visit: &mut dyn FnMut(&[u32], &[&'a VElement]),
) {
    for (index, node) in nodes.iter().enumerate() {
        if let VNode::Element(element) = node {
            path.push(index as u32);
            chain.push(element);
            visit(path, chain);
            walk(&element.children, path, chain, visit);
            chain.pop();
            path.pop();
        }
    }
}

fn parse_complex(text: &str) -> Result<Complex> {
    if text.is_empty() {
        bail!("empty selector");
    }
    let mut compounds = Vec::new();
    let mut child = Vec::new();
    let mut pending_child = false;
    for token in text.replace('>', " > ").split_whitespace() {
        if token == ">" {
            if compounds.is_empty() || pending_child {
                bail!("'>' needs an element on each side in '{text}'");
            }
            pending_child = true;
            continue;
        }
        if !compounds.is_empty() {
            child.push(pending_child);
        }
        pending_child = false;
        compounds.push(parse_compound(token)?);
    }
    if pending_child {
        bail!("'>' needs an element on each side in '{text}'");
    }
    Ok(Complex { compounds, child })
}

fn parse_compound(token: &str) -> Result<Compound> {
    let mut compound = Compound::default();
    let mut rest = token;
    let name_end = |s: &str| {
        s.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(s.len())
    };
    if let Some(after) = rest.strip_prefix('*') {
        rest = after;
    } else {
        let end = name_end(rest);
        if end > 0 {
            compound.tag = Some(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    while let Some(first) = rest.chars().next() {
        match first {
            '.' | '#' => {
                let end = name_end(&rest[1..]) + 1;
                if end == 1 {
                    bail!("'{first}' needs a name in '{token}'");
                }
                let name = rest[1..end].to_owned();
                if first == '.' {
                    compound.classes.push(name);
                } else {
                    compound.ids.push(name);
                }
                rest = &rest[end..];
            }
            '[' => {
                let close = rest
                    .find(']')
                    .ok_or_else(|| SelectorError(format!("unclosed '[' in '{token}'")))?;
                let inner = &rest[1..close];
                let attr = match inner.split_once('=') {
                    Some((name, value)) => (
                        name.trim().to_owned(),
                        Some(value.trim().trim_matches(['"', '\'']).to_owned()),
                    ),
                    None => (inner.trim().to_owned(), None),
                };
                if attr.0.is_empty() {
                    bail!("'[]' needs an attribute name in '{token}'");
                }
                compound.attrs.push(attr);
                rest = &rest[close + 1..];
            }
            _ => bail!("'{token}': only tag, .class, #id and [attr] selectors are supported"),
        }
    }
    Ok(compound)
}

fn attr_text(element: &VElement, name: &str) -> Option<String> {
    element.attrs.get(name).map(|value| match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn matches_compound(compound: &Compound, element: &VElement) -> bool {
    if compound.tag.as_ref().is_some_and(|tag| *tag != element.tag) {
        return false;
    }
    let id = attr_text(element, "id").unwrap_or_default();
    if compound.ids.iter().any(|wanted| *wanted != id) {
        return false;
    }
    let class = attr_text(element, "class").unwrap_or_default();
    let has_class = |wanted: &str| {
        class
            .split_whitespace()
            .any(|c| c == wanted || c.strip_suffix(wanted).is_some_and(|p| p.ends_with("--")))
    };
    if !compound.classes.iter().all(|c| has_class(c)) {
        return false;
    }
    compound
        .attrs
        .iter()
        .all(|(name, value)| match (attr_text(element, name), value) {
            (Some(actual), Some(wanted)) => actual == *wanted,
            (Some(_), None) => true,
            (None, _) => false,
        })
}

/// Whether the last element of `chain` (root first) matches `complex`.
fn matches_complex(complex: &Complex, chain: &[&VElement]) -> bool {
    let Some((last, ancestors)) = chain.split_last() else {
        return false;
    };
    let Some((wanted, before)) = complex.compounds.split_last() else {
        return false;
    };
    matches_compound(wanted, last) && matches_ancestors(before, &complex.child, ancestors)
}

/// Whether `compounds` (with their `child` flags, the last flag linking to the element
/// already matched) match among `ancestors`, nearest last.
fn matches_ancestors(compounds: &[Compound], child: &[bool], ancestors: &[&VElement]) -> bool {
    let Some((wanted, before)) = compounds.split_last() else {
        return true;
    };
    let direct = child.last().copied().unwrap_or(false);
    let child_before = &child[..child.len().saturating_sub(1)];
    for depth in (0..ancestors.len()).rev() {
        if matches_compound(wanted, ancestors[depth])
            && matches_ancestors(before, child_before, &ancestors[..depth])
        {
            return true;
        }
        if direct {
            break;
        }
    }
    false
}

/// The element at `path`.
pub fn element_at<'a>(tree: &'a [VNode], path: &[u32]) -> Option<&'a VElement> {
    let (last, parents) = path.split_last()?;
    let mut children = tree;
    for &index in parents {
        match children.get(index as usize)? {
            VNode::Element(element) => children = &element.children,
            VNode::Text { .. } => return None,
        }
    }
    match children.get(*last as usize)? {
        VNode::Element(element) => Some(element),
        VNode::Text { .. } => None,
    }
}

/// The path of the host element of component instance `id` (see [`VElement::instance`]).
pub fn path_of_instance(tree: &[VNode], id: &str) -> Option<NodePath> {
    tree.iter().enumerate().find_map(|(index, node)| {
        let VNode::Element(element) = node else {
            return None;
        };
        let index = u32::try_from(index).ok()?;
        if element.instance.as_ref().is_some_and(|i| i.id == id) {
            return Some(vec![index]);
        }
        let mut path = path_of_instance(&element.children, id)?;
        path.insert(0, index);
        Some(path)
    })
}

/// An element's rendered text: its text nodes in order, whitespace runs collapsed, trimmed.
pub fn text_of(element: &VElement) -> String {
    fn collect(nodes: &[VNode], out: &mut String) {
        for node in nodes {
            match node {
                VNode::Text { text } => out.push_str(text),
                VNode::Element(element) => collect(&element.children, out),
            }
        }
    }
    let mut raw = String::new();
    collect(&element.children, &mut raw);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A short list of what the page has, for "no match" messages: tags with their classes.
pub fn describe(tree: &[VNode]) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut ancestors = Vec::new();
    walk(tree, &mut Vec::new(), &mut ancestors, &mut |_, chain| {
        if let Some(element) = chain.last() {
            let class = attr_text(element, "class").unwrap_or_default();
            let mut name = element.tag.clone();
            for c in class.split_whitespace() {
                name.push('.');
                name.push_str(c);
            }
            if !seen.contains(&name) {
                seen.push(name);
            }
        }
    });
    let shown: Vec<&str> = seen.iter().take(20).map(String::as_str).collect();
    let more = seen.len().saturating_sub(shown.len());
    let mut text = shown.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::test_tree as tree;

    fn find(selector: &str, tree: &[VNode]) -> Vec<NodePath> {
        Selector::parse(selector).expect("test value").find(tree)
    }

    #[test]
    fn compounds_and_combinators() {
        let page = tree(
            r#"<view class="list"><view class="todo done" id="a"><text class="label">x</text></view><view class="todo"><view><text class="label">y</text></view></view></view><input class="new" type="text"/>"#,
        );
        assert_eq!(find(".todo", &page), [vec![0, 0], vec![0, 1]]);
        assert_eq!(find(".todo.done", &page), [vec![0, 0]]);
        assert_eq!(find("view#a", &page), [vec![0, 0]]);
        assert_eq!(
            find(".todo .label", &page),
            [vec![0, 0, 0], vec![0, 1, 0, 0]]
        );
        assert_eq!(find(".todo > .label", &page), [vec![0, 0, 0]]);
        assert_eq!(find("input.new", &page), [vec![1]]);
        assert_eq!(find("[type=text]", &page), [vec![1]]);
        assert_eq!(find("[type]", &page), [vec![1]]);
        assert_eq!(find("text, input", &page).len(), 3);
        assert!(find(".missing", &page).is_empty());
        assert_eq!(
            text_of(element_at(&page, &[0, 1]).expect("test value")),
            "y"
        );
        assert!(describe(&page).contains("view.todo.done"));
    }

    #[test]
    fn scoped_component_classes_match_by_their_own_name() {
        let page = tree(r#"<view class="components-card-card--title">t</view>"#);
        assert_eq!(find(".title", &page), [vec![0]]);
        assert!(find(".card--title", &page).is_empty());
    }

    #[test]
    fn unsupported_selectors_are_clear_errors() {
        for bad in ["", "a:hover", "a > ", "> a", ".", "[x", "a,,b", "[]"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }
}
