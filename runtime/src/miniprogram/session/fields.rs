//! What the user changed in the shown page's elements that their attributes do not say, kept
//! for headless sessions as a window's elements keep it: the text typed into an input or
//! textarea, the checked state a tap gave a switch, checkbox or radio, the value chosen on a
//! slider, picker or picker-view, the item a swiper was moved to, which text field has the
//! focus, and the picture each image reported `load` (or `error`) for. A patch that sets the
//! attribute (`value`, `checked`, `current`) wins, as the page host then writes it into the
//! element; an entry moves with its element as patches insert, remove and move nodes, and goes
//! with it; a page drawn anew starts from its attributes (and its images load again).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::view::{NodePath, PatchOp};
use capsule_logic::LogicPageId;

/// One element's state beyond its attributes.
#[derive(Debug, Default)]
struct Entry {
    value: Option<String>,
    checked: Option<bool>,
    chosen: Option<Value>,
    current: Option<u32>,
    /// The `src` of the picture an image reported `load` or `error` for.
    loaded: Option<String>,
}

impl Entry {
    fn is_empty(&self) -> bool {
        self.value.is_none()
            && self.checked.is_none()
            && self.chosen.is_none()
            && self.current.is_none()
            && self.loaded.is_none()
    }
}

/// The shown page's element state beyond its attributes, by element path.
#[derive(Debug, Default)]
pub(super) struct Fields {
    entries: HashMap<NodePath, Entry>,
    focused: Option<NodePath>,
    /// Where the focused field's cursor is, when not after its text (UTF-16 units).
    caret: Option<u32>,
    /// The pictures the images of a page reported before it was shown (a page reports them
    /// as it is created, before the session shows it): by path, the `src` of each. They
    /// become the shown page's once it is that page.
    early_loads: Option<(LogicPageId, BTreeMap<NodePath, String>)>,
}

impl Fields {
    /// The text the field at `path` holds, when it is not its `value` attribute.
    pub(super) fn value(&self, path: &[u32]) -> Option<&str> {
        self.entries.get(path)?.value.as_deref()
    }

    /// Every field whose text is not its `value` attribute, with that text.
    pub(super) fn values(&self) -> BTreeMap<NodePath, String> {
        self.entries
            .iter()
            .filter_map(|(path, entry)| Some((path.clone(), entry.value.clone()?)))
            .collect()
    }

    /// The field at `path` now holds `text`.
    pub(super) fn set_value(&mut self, path: &[u32], text: String) {
        self.entry(path).value = Some(text);
    }

    /// Whether the control at `path` is checked, when that is not its `checked` attribute.
    pub(super) fn checked(&self, path: &[u32]) -> Option<bool> {
        self.entries.get(path)?.checked
    }

    /// The control at `path` is now checked or not.
    pub(super) fn set_checked(&mut self, path: &[u32], checked: bool) {
        self.entry(path).checked = Some(checked);
    }

    /// The value chosen on the slider, picker or picker-view at `path`, when it is not its
    /// `value` attribute.
    pub(super) fn chosen(&self, path: &[u32]) -> Option<&Value> {
        self.entries.get(path)?.chosen.as_ref()
    }

    /// The user chose `value` on the slider, picker or picker-view at `path`.
    pub(super) fn set_chosen(&mut self, path: &[u32], value: Value) {
        self.entry(path).chosen = Some(value);
    }

    /// The item the swiper at `path` shows, when it is not its `current` attribute.
    pub(super) fn current(&self, path: &[u32]) -> Option<u32> {
        self.entries.get(path)?.current
    }

    /// The swiper at `path` now shows item `current`.
    pub(super) fn set_current(&mut self, path: &[u32], current: u32) {
        self.entry(path).current = Some(current);
    }

    /// The text field with the focus.
    pub(super) fn focused(&self) -> Option<&[u32]> {
        self.focused.as_deref()
    }

    /// The text field at `path` now has the focus, its cursor after its text.
    pub(super) fn focus(&mut self, path: &[u32]) {
        self.focused = Some(path.to_vec());
        self.caret = None;
    }

    /// No text field has the focus now.
    pub(super) fn blur(&mut self) {
        self.focused = None;
        self.caret = None;
    }

    /// Where the focused field's cursor is, when not after its text.
    pub(super) fn caret(&self) -> Option<u32> {
        self.caret
    }

    /// The focused field's cursor is at `caret` (`None`: after its text, as typing or a
    /// new value leaves it).
    pub(super) fn set_caret(&mut self, caret: Option<u32>) {
        self.caret = caret;
    }

    /// Everything under `path` is back to its attributes (a form reset).
    pub(super) fn reset_under(&mut self, path: &[u32]) {
        for (at, entry) in &mut self.entries {
            if at.starts_with(path) {
                entry.value = None;
                entry.checked = None;
                entry.chosen = None;
            }
        }
    }

    /// The `src` the image at `path` of the shown page reported `load` or `error` for.
    pub(super) fn loaded(&self, path: &[u32]) -> Option<&str> {
        self.entries.get(path)?.loaded.as_deref()
    }

    /// The image at `path` of the shown page reported `load` or `error` for `src`.
    pub(super) fn set_loaded(&mut self, path: &[u32], src: String) {
        self.entry(path).loaded = Some(src);
    }

    /// What the images of `page`, not shown yet, reported: by path, the `src` of each (empty
    /// when it reported nothing yet).
    pub(super) fn early_loads(&mut self, page: LogicPageId) -> &mut BTreeMap<NodePath, String> {
        if self.early_loads.as_ref().is_some_and(|(of, _)| *of != page) {
            self.early_loads = None;
        }
        &mut self
            .early_loads
            .get_or_insert_with(|| (page, BTreeMap::new()))
            .1
    }

    /// `page` is the page shown now: what its images reported before it was shown is what
    /// its images have loaded.
    pub(super) fn take_early_loads(&mut self, page: LogicPageId) {
        if self.early_loads.as_ref().is_some_and(|(of, _)| *of == page)
            && let Some((_, loads)) = self.early_loads.take()
        {
            for (path, src) in loads {
                self.set_loaded(&path, src);
            }
        }
    }

    /// Forgets everything: the page is drawn anew from its attributes (the pictures a page
    /// not shown yet reported stay for it).
    pub(super) fn clear(&mut self) {
        self.entries.clear();
        self.blur();
    }

    fn entry(&mut self, path: &[u32]) -> &mut Entry {
        self.entries.entry(path.to_vec()).or_default()
    }

    /// Follows the patch `ops` of the shown page, in order, as the page host applies them.
    pub(super) fn follow(&mut self, ops: &[PatchOp]) {
        for op in ops {
            match op {
                PatchOp::SetAttr { path, name, .. } | PatchOp::RemoveAttr { path, name } => {
                    // The page host writes a new value into the field: its cursor goes after
                    // the text.
                    if name == "value" && self.focused.as_deref() == Some(path.as_slice()) {
                        self.caret = None;
                    }
                    if let Some(entry) = self.entries.get_mut(path) {
                        match name.as_str() {
                            "value" => {
                                entry.value = None;
                                entry.chosen = None;
                            }
                            "checked" => entry.checked = None,
                            "current" => entry.current = None,
                            _ => {}
                        }
                    }
                }
                PatchOp::Insert { parent, index, .. } => {
                    self.renumber(parent, |child| Some(child + u32::from(child >= *index)));
                }
                PatchOp::Remove { parent, index } => {
                    self.renumber(parent, |child| match child.cmp(index) {
                        std::cmp::Ordering::Less => Some(child),
                        std::cmp::Ordering::Equal => None,
                        std::cmp::Ordering::Greater => Some(child - 1),
                    });
                }
                PatchOp::Move { parent, from, to } => {
                    self.renumber(parent, |child| {
                        if child == *from {
                            return Some(*to);
                        }
                        let rest = child - u32::from(child > *from);
                        Some(rest + u32::from(rest >= *to))
                    });
                }
                PatchOp::Replace { path, .. } => {
                    self.entries.retain(|at, _| !at.starts_with(path));
                    if self.focused.as_ref().is_some_and(|at| at.starts_with(path)) {
                        self.blur();
                    }
                }
                PatchOp::SetText { .. }
                | PatchOp::SetDataset { .. }
                | PatchOp::SetEvents { .. } => {}
            }
        }
        self.entries.retain(|_, entry| !entry.is_empty());
    }

    /// Gives the elements under child `i` of `parent` the child number `to(i)`, dropping
    /// them where it is `None`.
    fn renumber(&mut self, parent: &[u32], to: impl Fn(u32) -> Option<u32>) {
        let depth = parent.len();
        let moved = |mut at: NodePath| -> Option<NodePath> {
            if at.len() > depth && at.starts_with(parent) {
                at[depth] = to(at[depth])?;
            }
            Some(at)
        };
        self.entries = std::mem::take(&mut self.entries)
            .into_iter()
            .filter_map(|(at, entry)| Some((moved(at)?, entry)))
            .collect();
        self.focused = self.focused.take().and_then(moved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::VNode;

    fn text() -> VNode {
        VNode::Text {
            text: String::new(),
        }
    }

    #[test]
    fn entries_follow_their_elements_and_yield_to_attributes() {
        let mut fields = Fields::default();
        fields.set_value(&[0, 1], "typed".into());
        fields.set_value(&[0, 2, 0], "deep".into());
        fields.set_checked(&[1], true);
        fields.focus(&[0, 1]);
        // A node inserted before the field moves it on; one after it does not.
        fields.follow(&[PatchOp::Insert {
            parent: vec![0],
            index: 0,
            node: text(),
        }]);
        fields.follow(&[PatchOp::Insert {
            parent: vec![0],
            index: 9,
            node: text(),
        }]);
        assert_eq!(fields.value(&[0, 2]), Some("typed"));
        assert_eq!(fields.focused(), Some(&[0, 2][..]));
        assert_eq!(fields.value(&[0, 3, 0]), Some("deep"));
        assert_eq!(fields.checked(&[1]), Some(true));
        // Moving child 2 to the end: the others close up behind it.
        fields.follow(&[PatchOp::Move {
            parent: vec![0],
            from: 2,
            to: 3,
        }]);
        assert_eq!(fields.value(&[0, 3]), Some("typed"));
        assert_eq!(fields.value(&[0, 2, 0]), Some("deep"));
        // Removing a node drops what was inside it and moves its later siblings back.
        fields.follow(&[PatchOp::Remove {
            parent: vec![0],
            index: 2,
        }]);
        assert_eq!(fields.value(&[0, 2]), Some("typed"));
        assert_eq!(fields.entries.len(), 2);
        // The attribute set by a patch wins over what was typed or tapped.
        fields.set_current(&[3], 2);
        fields.follow(&[
            PatchOp::SetAttr {
                path: vec![0, 2],
                name: "value".into(),
                value: serde_json::json!(""),
            },
            PatchOp::RemoveAttr {
                path: vec![1],
                name: "checked".into(),
            },
        ]);
        assert_eq!(fields.value(&[0, 2]), None);
        assert_eq!(fields.checked(&[1]), None);
        assert_eq!(fields.current(&[3]), Some(2));
        // The focused field keeps its cursor until the page host writes a new value into it.
        fields.focus(&[0, 2]);
        fields.set_caret(Some(2));
        fields.follow(&[PatchOp::SetAttr {
            path: vec![0, 3],
            name: "value".into(),
            value: serde_json::json!("other field"),
        }]);
        assert_eq!(fields.caret(), Some(2));
        fields.follow(&[PatchOp::SetAttr {
            path: vec![0, 2],
            name: "value".into(),
            value: serde_json::json!("new"),
        }]);
        assert_eq!(fields.caret(), None);
        fields.set_caret(Some(1));
        fields.blur();
        assert_eq!((fields.focused(), fields.caret()), (None, None));
        fields.focus(&[0, 2]);
        // A replaced node is drawn afresh, and loses the focus.
        fields.follow(&[PatchOp::Replace {
            path: vec![0],
            node: text(),
        }]);
        assert_eq!(fields.focused(), None);
        // A form reset puts its fields back to their attributes.
        fields.set_value(&[4, 0], "x".into());
        fields.set_checked(&[4, 1], true);
        fields.reset_under(&[4]);
        assert_eq!(fields.value(&[4, 0]), None);
        assert_eq!(fields.checked(&[4, 1]), None);
        assert_eq!(fields.current(&[3]), Some(2));
    }

    /// What the images of a page reported before it was shown becomes the shown page's once
    /// it is shown; a page drawn anew forgets it (its images load again).
    #[test]
    fn image_loads_reported_before_a_page_shows_carry_over() {
        let mut fields = Fields::default();
        fields
            .early_loads(7)
            .insert(vec![0, 1], "/a.png".to_owned());
        fields.clear();
        // Another page's records go when a page starts reporting.
        fields.early_loads(8).insert(vec![2], "/b.png".to_owned());
        fields.take_early_loads(7);
        assert_eq!(fields.loaded(&[0, 1]), None);
        fields.take_early_loads(8);
        assert_eq!(fields.loaded(&[2]), Some("/b.png"));
        // Loads move with their images, and a reset leaves them be.
        fields.follow(&[PatchOp::Insert {
            parent: vec![],
            index: 0,
            node: text(),
        }]);
        fields.reset_under(&[]);
        assert_eq!(fields.loaded(&[3]), Some("/b.png"));
        fields.clear();
        assert_eq!(fields.loaded(&[3]), None);
    }
}
