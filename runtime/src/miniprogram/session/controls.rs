//! What a tap does to the built-in form controls when there is no window (the page host does
//! it in one): a `switch` or `checkbox` flips and a `radio` becomes checked, also when the tap
//! is in a `label` around one or naming one with `for`; the control's `change` (`{value}`:
//! checked or not) and its group's follow (`checkbox-group`: the checked boxes' values,
//! `radio-group`: the chosen radio's value).

use serde_json::{Value, json};

use super::{PageState, Session, ms_since};
use crate::miniprogram::events::ancestry;
use crate::view::{NodePath, VElement, VNode, element_at, truthy};
use capsule_logic::EventObject;

const CONTROLS: &[&str] = &["switch", "checkbox", "radio"];

impl Session {
    /// After a headless tap at `path`: the control the tap acts on changes and says so.
    pub(super) fn tap_control(&mut self, path: &[u32]) {
        let Some(tree) = self
            .shown
            .and_then(|page| self.pages.get(&page))
            .map(PageState::tree)
        else {
            return;
        };
        let Some((control, element)) =
            control_of(&tree, path).and_then(|at| Some((at.clone(), element_at(&tree, &at)?)))
        else {
            return;
        };
        let was = self.is_checked(&control, element);
        if element.attrs.get("disabled").is_some_and(truthy) || (element.tag == "radio" && was) {
            return;
        }
        self.set_checked(&control, element, !was);
        self.change(&control, &json!(!was));
        let group_tag = match element.tag.as_str() {
            "checkbox" => "checkbox-group",
            "radio" => "radio-group",
            _ => return,
        };
        let Some(depth) = ancestry(&tree, &control)
            .iter()
            .rposition(|el| el.tag == group_tag)
        else {
            return;
        };
        let group = &control[..=depth];
        let mut members = Vec::new();
        if let Some(el) = element_at(&tree, group) {
            collect_members(&el.children, &mut group.to_vec(), element, &mut members);
        }
        let value = if element.tag == "radio" {
            for (path, other) in &members {
                if *path != control {
                    self.set_checked(path, other, false);
                }
            }
            json!(value_of(element))
        } else {
            members
                .iter()
                .filter(|(path, el)| self.is_checked(path, el))
                .map(|(_, el)| json!(value_of(el)))
                .collect()
        };
        self.change(group, &value);
    }

    /// Whether the control at `path` is checked: as a tap left it, until its `checked`
    /// attribute changes (as a patch would set it in a window).
    fn is_checked(&self, path: &[u32], element: &VElement) -> bool {
        let attribute = element.attrs.get("checked").is_some_and(truthy);
        match self.checked.get(path) {
            Some(&(then, now)) if then == attribute => now,
            _ => attribute,
        }
    }

    fn set_checked(&mut self, path: &[u32], element: &VElement, now: bool) {
        let attribute = element.attrs.get("checked").is_some_and(truthy);
        self.checked.insert(path.to_vec(), (attribute, now));
    }

    fn change(&mut self, path: &[u32], value: &Value) {
        let event = EventObject {
            kind: "change".to_owned(),
            time_stamp: ms_since(self.timing.launched),
            detail: json!({ "value": value }),
            ..EventObject::default()
        };
        self.dispatch(path, event);
    }
}

/// The control a tap at `path` acts on: the nearest around it, else the one its nearest
/// `label` names with `for`, else the first in that label.
fn control_of(tree: &[VNode], path: &[u32]) -> Option<NodePath> {
    let chain = ancestry(tree, path);
    let is_control = |el: &VElement| CONTROLS.contains(&el.tag.as_str());
    if let Some(depth) = chain.iter().rposition(|el| is_control(el)) {
        return Some(path[..=depth].to_vec());
    }
    let depth = chain.iter().rposition(|el| el.tag == "label")?;
    match chain[depth].attrs.get("for") {
        Some(id) => find(tree, &mut Vec::new(), &|el| el.attrs.get("id") == Some(id))
            .filter(|at| element_at(tree, at).is_some_and(is_control)),
        None => find(
            &chain[depth].children,
            &mut path[..=depth].to_vec(),
            &is_control,
        ),
    }
}

/// The path of the first element under `nodes` (at `at`) that is `wanted`, depth first.
fn find(
    nodes: &[VNode],
    at: &mut NodePath,
    wanted: &dyn Fn(&VElement) -> bool,
) -> Option<NodePath> {
    for (index, node) in nodes.iter().enumerate() {
        let (VNode::Element(el), Ok(index)) = (node, u32::try_from(index)) else {
            continue;
        };
        at.push(index);
        if wanted(el) {
            return Some(at.clone());
        }
        if let Some(found) = find(&el.children, at, wanted) {
            return Some(found);
        }
        at.pop();
    }
    None
}

/// The controls of `like`'s kind under `nodes` (at `at`), leaving out those of a group
/// inside.
fn collect_members<'a>(
    nodes: &'a [VNode],
    at: &mut NodePath,
    like: &VElement,
    out: &mut Vec<(NodePath, &'a VElement)>,
) {
    let group_tag = format!("{}-group", like.tag);
    for (index, node) in nodes.iter().enumerate() {
        let (VNode::Element(el), Ok(index)) = (node, u32::try_from(index)) else {
            continue;
        };
        at.push(index);
        if el.tag == like.tag {
            out.push((at.clone(), el));
        } else if el.tag != group_tag {
            collect_members(&el.children, at, like, out);
        }
        at.pop();
    }
}

/// A control's `value` attribute as the group reports it: text ('' when absent).
fn value_of(element: &VElement) -> String {
    match element.attrs.get("value") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}
