//! Diffing two renders into patch operations, and applying them.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::vdom::{EventBinding, VElement, VNode};

/// Child indices from the page root to a node (`[]` is the page itself).
pub type NodePath = Vec<u32>;

/// One change to the rendered page. Paths refer to the tree as it is when the op applies
/// (ops apply in order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum PatchOp {
    /// Set (or add) an attribute.
    SetAttr {
        /// The element.
        path: NodePath,
        /// Attribute name.
        name: String,
        /// New value.
        value: Value,
    },
    /// Remove an attribute.
    RemoveAttr {
        /// The element.
        path: NodePath,
        /// Attribute name.
        name: String,
    },
    /// Replace the text of a text node.
    SetText {
        /// The text node.
        path: NodePath,
        /// New text.
        text: String,
    },
    /// Replace the dataset of an element.
    SetDataset {
        /// The element.
        path: NodePath,
        /// New dataset.
        dataset: Map<String, Value>,
    },
    /// Replace the event bindings of an element.
    SetEvents {
        /// The element.
        path: NodePath,
        /// New bindings.
        events: Vec<EventBinding>,
    },
    /// Insert a node as child `index` of `parent`.
    Insert {
        /// The parent.
        parent: NodePath,
        /// Position among the children.
        index: u32,
        /// The new subtree.
        node: VNode,
    },
    /// Remove child `index` of `parent`.
    Remove {
        /// The parent.
        parent: NodePath,
        /// Position among the children.
        index: u32,
    },
    /// Move child `from` of `parent` to position `to` (keyed reorder).
    Move {
        /// The parent.
        parent: NodePath,
        /// Current position.
        from: u32,
        /// New position (after removal from `from`).
        to: u32,
    },
    /// Replace a node by a new subtree.
    Replace {
        /// The node.
        path: NodePath,
        /// The new subtree.
        node: VNode,
    },
}

/// A patch that does not fit the tree it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("patch does not apply: {0}")]
pub struct PatchError(String);

/// The ops that turn `old` (the page's root nodes) into `new`.
pub fn diff(old: &[VNode], new: &[VNode]) -> Vec<PatchOp> {
    let mut ops = Vec::new();
    let mut path = Vec::new();
    diff_children(old, new, &mut path, 0, &mut ops);
    ops
}

/// Adds to `ops` what turns the children `old` of `parent`, which start at child `base`,
/// into `new` (the children around them stay as they are).
pub(crate) fn diff_range(
    old: &[VNode],
    new: &[VNode],
    parent: &mut NodePath,
    base: usize,
    ops: &mut Vec<PatchOp>,
) {
    diff_children(old, new, parent, base, ops);
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Sibling identity: the key when there is one, else the tag and ordinal among unkeyed nodes.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Identity<'a> {
    Keyed(&'a str, &'a str),
    Unkeyed(usize),
}

fn identities(nodes: &[VNode]) -> Option<Vec<Identity<'_>>> {
    let mut unkeyed = 0;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(nodes.len());
    let mut any_key = false;
    for node in nodes {
        let id = match node {
            VNode::Element(VElement {
                key: Some(k), tag, ..
            }) => {
                any_key = true;
                Identity::Keyed(tag, k)
            }
            _ => {
                unkeyed += 1;
                Identity::Unkeyed(unkeyed - 1)
            }
        };
        if !seen.insert(id.clone()) {
            return None;
        }
        out.push(id);
    }
    any_key.then_some(out)
}

/// The ops that turn children `old` of `path` (from child `base` on) into `new`.
fn diff_children(
    old: &[VNode],
    new: &[VNode],
    path: &mut NodePath,
    base: usize,
    ops: &mut Vec<PatchOp>,
) {
    if let (Some(old_ids), Some(new_ids)) = (identities(old), identities(new)) {
        diff_keyed(old, new, &old_ids, &new_ids, path, base, ops);
        return;
    }
    let common = old.len().min(new.len());
    for i in 0..common {
        path.push(index(base + i));
        diff_node(&old[i], &new[i], path, ops);
        path.pop();
    }
    for i in (common..old.len()).rev() {
        ops.push(PatchOp::Remove {
            parent: path.clone(),
            index: index(base + i),
        });
    }
    for (i, node) in new.iter().enumerate().skip(common) {
        ops.push(PatchOp::Insert {
            parent: path.clone(),
            index: index(base + i),
            node: node.clone(),
        });
    }
}

fn diff_keyed(
    old: &[VNode],
    new: &[VNode],
    old_ids: &[Identity<'_>],
    new_ids: &[Identity<'_>],
    path: &mut NodePath,
    base: usize,
    ops: &mut Vec<PatchOp>,
) {
    let wanted: HashSet<&Identity<'_>> = new_ids.iter().collect();
    // Current order of surviving old children, as indices into `old`.
    let mut current: Vec<usize> = Vec::with_capacity(old.len());
    for (i, id) in old_ids.iter().enumerate().rev() {
        if wanted.contains(id) {
            current.push(i);
        } else {
            ops.push(PatchOp::Remove {
                parent: path.clone(),
                index: index(base + i),
            });
        }
    }
    current.reverse();
    let old_pos: HashMap<&Identity<'_>, usize> =
        old_ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
    // Old index matched to each new child (None: inserted).
    let mut matched: Vec<Option<usize>> = Vec::with_capacity(new.len());
    for (i, id) in new_ids.iter().enumerate() {
        match old_pos.get(id) {
            Some(&o) => {
                if current.get(i) != Some(&o) {
                    let from = current[i..]
                        .iter()
                        .position(|&c| c == o)
                        .map(|p| p + i)
                        .expect("a surviving old child is still in the current order");
                    current.remove(from);
                    current.insert(i, o);
                    ops.push(PatchOp::Move {
                        parent: path.clone(),
                        from: index(base + from),
                        to: index(base + i),
                    });
                }
                matched.push(Some(o));
            }
            None => {
                current.insert(i, usize::MAX);
                ops.push(PatchOp::Insert {
                    parent: path.clone(),
                    index: index(base + i),
                    node: new[i].clone(),
                });
                matched.push(None);
            }
        }
    }
    for (i, m) in matched.into_iter().enumerate() {
        if let Some(o) = m {
            path.push(index(base + i));
            diff_node(&old[o], &new[i], path, ops);
            path.pop();
        }
    }
}

fn diff_node(old: &VNode, new: &VNode, path: &mut NodePath, ops: &mut Vec<PatchOp>) {
    match (old, new) {
        (VNode::Text { text: a }, VNode::Text { text: b }) => {
            if a != b {
                ops.push(PatchOp::SetText {
                    path: path.clone(),
                    text: b.clone(),
                });
            }
        }
        // Another component instance gets a subtree of its own.
        (VNode::Element(a), VNode::Element(b))
            if a.tag == b.tag
                && a.key == b.key
                && a.component == b.component
                && a.instance == b.instance
                && a.virtual_host == b.virtual_host =>
        {
            diff_shell(a, b, path, ops);
            diff_children(&a.children, &b.children, path, 0, ops);
        }
        _ => ops.push(PatchOp::Replace {
            path: path.clone(),
            node: new.clone(),
        }),
    }
}

/// Adds to `ops` what turns element `a` at `path` into `b`, children aside: attributes,
/// dataset and handlers.
pub(crate) fn diff_shell(a: &VElement, b: &VElement, path: &NodePath, ops: &mut Vec<PatchOp>) {
    diff_attrs(&a.attrs, &b.attrs, path, ops);
    if a.dataset != b.dataset {
        ops.push(PatchOp::SetDataset {
            path: path.clone(),
            dataset: b.dataset.clone(),
        });
    }
    if a.events != b.events {
        ops.push(PatchOp::SetEvents {
            path: path.clone(),
            events: b.events.clone(),
        });
    }
}

fn diff_attrs(
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
    path: &NodePath,
    ops: &mut Vec<PatchOp>,
) {
    for name in old.keys() {
        if !new.contains_key(name) {
            ops.push(PatchOp::RemoveAttr {
                path: path.clone(),
                name: name.clone(),
            });
        }
    }
    for (name, value) in new {
        if old.get(name) != Some(value) {
            ops.push(PatchOp::SetAttr {
                path: path.clone(),
                name: name.clone(),
                value: value.clone(),
            });
        }
    }
}

/// Applies `ops` in order to `root` (the page's root nodes).
pub fn apply(root: &mut Vec<VNode>, ops: &[PatchOp]) -> Result<(), PatchError> {
    for op in ops {
        apply_one(root, op)?;
    }
    Ok(())
}

fn children_at<'a>(
    root: &'a mut Vec<VNode>,
    path: &[u32],
) -> Result<&'a mut Vec<VNode>, PatchError> {
    let mut list = root;
    for &i in path {
        match list.get_mut(i as usize) {
            Some(VNode::Element(el)) => list = &mut el.children,
            _ => return Err(PatchError(format!("no element at {path:?}"))),
        }
    }
    Ok(list)
}

fn node_at<'a>(root: &'a mut Vec<VNode>, path: &[u32]) -> Result<&'a mut VNode, PatchError> {
    let (last, parent) = path
        .split_last()
        .ok_or_else(|| PatchError("empty path names no node".into()))?;
    children_at(root, parent)?
        .get_mut(*last as usize)
        .ok_or_else(|| PatchError(format!("no node at {path:?}")))
}

fn element_at<'a>(root: &'a mut Vec<VNode>, path: &[u32]) -> Result<&'a mut VElement, PatchError> {
    match node_at(root, path)? {
        VNode::Element(el) => Ok(el),
        VNode::Text { .. } => Err(PatchError(format!("{path:?} is text, not an element"))),
    }
}

fn apply_one(root: &mut Vec<VNode>, op: &PatchOp) -> Result<(), PatchError> {
    match op {
        PatchOp::SetAttr { path, name, value } => {
            element_at(root, path)?
                .attrs
                .insert(name.clone(), value.clone());
        }
        PatchOp::RemoveAttr { path, name } => {
            element_at(root, path)?.attrs.remove(name);
        }
        PatchOp::SetText { path, text } => match node_at(root, path)? {
            VNode::Text { text: t } => t.clone_from(text),
            VNode::Element(_) => return Err(PatchError(format!("{path:?} is not text"))),
        },
        PatchOp::SetDataset { path, dataset } => {
            element_at(root, path)?.dataset.clone_from(dataset);
        }
        PatchOp::SetEvents { path, events } => element_at(root, path)?.events.clone_from(events),
        PatchOp::Insert {
            parent,
            index,
            node,
        } => {
            let list = children_at(root, parent)?;
            if *index as usize > list.len() {
                return Err(PatchError(format!(
                    "insert at {index} past the end of {parent:?}"
                )));
            }
            list.insert(*index as usize, node.clone());
        }
        PatchOp::Remove { parent, index } => {
            let list = children_at(root, parent)?;
            if *index as usize >= list.len() {
                return Err(PatchError(format!("no child {index} of {parent:?}")));
            }
            list.remove(*index as usize);
        }
        PatchOp::Move { parent, from, to } => {
            let list = children_at(root, parent)?;
            if *from as usize >= list.len() || *to as usize >= list.len() {
                return Err(PatchError(format!(
                    "move {from}→{to} out of range in {parent:?}"
                )));
            }
            let node = list.remove(*from as usize);
            list.insert(*to as usize, node);
        }
        PatchOp::Replace { path, node } => *node_at(root, path)? = node.clone(),
    }
    Ok(())
}
