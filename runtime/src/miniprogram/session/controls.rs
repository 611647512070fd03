//! What a tap and a tester's `change` do to the built-in form components when there is no
//! window, as the page host does them in one: a tap flips a `switch` or `checkbox` and checks
//! a `radio`, also when the tap is in a `label` around one or naming one with `for`; the
//! control's `change` (`{value}`: checked or not) and its group's follow (`checkbox-group`:
//! the checked boxes' values, `radio-group`: the chosen radio's value). A tap on a text field
//! (or its label) focuses it; a `button` with `form-type` submits or resets its `form`, and
//! one with an `open-type` does what `open_types.rs` says.

use serde_json::{Value, json};

use super::{Session, ms_since, pickers};
use crate::miniprogram::events::ancestry;
use crate::view::{Dialect, NodePath, VElement, VNode, element_at, json_number, to_number, truthy};
use capsule_logic::EventObject;

const CONTROLS: &[&str] = &["switch", "checkbox", "radio"];

/// The components whose `disabled` keeps a user from changing their value.
const DISABLEABLE: &[&str] = &["switch", "checkbox", "radio", "slider", "picker"];

impl Session {
    /// After a headless tap at `path` of `tree`, as the page host's `afterTap`: the control
    /// the tap acts on changes and says so (a text field takes the focus), and a `button`
    /// with `form-type` submits or resets its `form`.
    pub(super) fn after_tap(&mut self, tree: &[VNode], path: &[u32]) {
        if let Some(control) = control_of(tree, path)
            && let Some(element) = element_at(tree, &control)
        {
            if is_text_field(element) {
                self.focus_field(tree, &control);
            } else if !disabled(element) {
                self.toggle(tree, &control);
            }
        }
        let chain = ancestry(tree, path);
        if let Some((button, form_type, form)) = form_button_of(&chain, path) {
            self.press_form_button(tree, button, &form_type, &form);
        }
        // A button with an open-type acts after its form's submit or reset, as the page
        // host's button does.
        self.tapped_open_type(tree, path);
    }

    /// A tap on `button`, of `form_type`, in the form at `form` of `tree`: `submit` submits
    /// it, `reset` puts its fields back.
    fn press_form_button(
        &mut self,
        tree: &[VNode],
        button: &VElement,
        form_type: &str,
        form: &[u32],
    ) {
        match form_type {
            "submit" => {
                let value = self.form_values(tree, form);
                // Alipay's onSubmit also says which button submitted: its dataset.
                let detail = match self.dialect {
                    Dialect::Alipay => json!({
                        "value": value,
                        "buttonTarget": {"dataset": button.dataset},
                    }),
                    Dialect::WeChat => json!({ "value": value }),
                };
                self.emit(form, "submit", detail);
            }
            "reset" => {
                self.fields.reset_under(form);
                self.emit(form, "reset", json!({}));
            }
            _ => {}
        }
    }

    /// The text field at `path` of `tree` takes the focus as a tap gives it (the page host's
    /// `focusField`): the field focused before is blurred (`blur`, `{value, cursor}`), then
    /// this one reports `focus` (`{value}`), and, in WeChat, `keyboardheightchange`. The
    /// cursor goes where the field's `selection-start` / `selection-end` or `cursor` put it
    /// (the page host's `placeCaret`), else after the text. Nothing happens to the field
    /// focused already or a disabled one.
    pub(super) fn focus_field(&mut self, tree: &[VNode], path: &[u32]) {
        let Some(element) = element_at(tree, path) else {
            return;
        };
        if self.fields.focused() == Some(path) || disabled(element) {
            return;
        }
        if let Some(before) = self.fields.focused().map(<[u32]>::to_vec) {
            self.blur_field(tree, &before);
        }
        self.fields.focus(path);
        let value = self.field_value(path, element);
        self.fields.set_caret(caret_on_focus(element, &value));
        self.emit(path, "focus", self.focus_detail(&value));
        self.keyboard_moved(path);
    }

    /// The text field at `path` of `tree`, which has the focus, loses it (another field
    /// takes it, or a confirm without `confirm-hold` closes the keyboard): `blur` with
    /// `{value, cursor}`, then, in WeChat, `keyboardheightchange`, as the page host's
    /// `onFocus` reports them.
    pub(super) fn blur_field(&mut self, tree: &[VNode], path: &[u32]) {
        if self.fields.focused() != Some(path) {
            return;
        }
        let caret = self.fields.caret();
        self.fields.blur();
        let Some(field) = element_at(tree, path).filter(|el| is_text_field(el)) else {
            return;
        };
        let value = self.field_value(path, field);
        let length = u32::try_from(value.encode_utf16().count()).unwrap_or(u32::MAX);
        let cursor = caret.map_or(length, |at| at.min(length));
        self.emit(path, "blur", json!({"value": value, "cursor": cursor}));
        self.keyboard_moved(path);
    }

    /// WeChat's `keyboardheightchange` of the field at `path` as the keyboard opens or
    /// closes: `{height: 0, duration: 0}`, there is no keyboard here. Alipay documents none.
    fn keyboard_moved(&mut self, path: &[u32]) {
        if self.dialect == Dialect::WeChat {
            self.emit(
                path,
                "keyboardheightchange",
                json!({"height": 0, "duration": 0}),
            );
        }
    }

    /// A text field's `focus` detail: `{value}`, with WeChat's `height` of the keyboard
    /// (there is none here: 0), as the page host's `onFocus` gives it.
    fn focus_detail(&self, value: &str) -> Value {
        match self.dialect {
            Dialect::WeChat => json!({"value": value, "height": 0}),
            Dialect::Alipay => json!({ "value": value }),
        }
    }

    /// What the text field `element` at `path` shows: what was typed, unless a patch set its
    /// `value` since.
    pub(super) fn field_value(&self, path: &[u32], element: &VElement) -> String {
        self.fields
            .value(path)
            .map_or_else(|| value_of(element), str::to_owned)
    }

    /// The form at `form` of `tree` as `submit` reports it, as the page host's `formValues`:
    /// each element with a `name` under it by that name: a text field's text, a switch's
    /// checked state, a checkbox group's checked values, a radio group's chosen value ('' for
    /// none), a slider's, picker's or picker-view's chosen value, else its `value`.
    fn form_values(&self, tree: &[VNode], form: &[u32]) -> Value {
        let mut named = Vec::new();
        if let Some(el) = element_at(tree, form) {
            collect_named(&el.children, &mut form.to_vec(), &mut named);
        }
        let mut values = serde_json::Map::new();
        for (path, element) in named {
            let name = element
                .attrs
                .get("name")
                .map(text_of_value)
                .unwrap_or_default();
            let value = match element.tag.as_str() {
                "input" | "textarea" => json!(self.field_value(&path, element)),
                "switch" => json!(self.is_checked(&path, element)),
                "checkbox-group" => self.checked_values(&members(tree, &path, "checkbox")),
                "radio-group" => json!(
                    members(tree, &path, "radio")
                        .into_iter()
                        .find(|(at, radio)| self.is_checked(at, radio))
                        .map(|(_, radio)| value_of(radio))
                        .unwrap_or_default()
                ),
                "slider" | "picker" | "picker-view" => {
                    match self.fields.chosen(&path).or(element.attrs.get("value")) {
                        Some(value) => value.clone(),
                        None => continue,
                    }
                }
                _ => continue,
            };
            values.insert(name, value);
        }
        Value::Object(values)
    }

    /// A headless `change` of the element at `path` (checked by [`check_change`] first), as
    /// the page host plays it on the element: a switch or checkbox is tapped unless it is in
    /// the state wanted already, a radio is tapped (choosing it; nothing when it is chosen),
    /// a checkbox group checks the boxes of the values given and a radio group chooses the
    /// radio of the value given, a text field takes the text; then `change` with `{value}`.
    pub(super) fn change_control(&mut self, path: &[u32], value: &Value) {
        let Some(tree) = self.shown_tree() else {
            return;
        };
        let Some(element) = element_at(&tree, path) else {
            return;
        };
        match element.tag.as_str() {
            "switch" | "checkbox" => {
                if self.is_checked(path, element) != (value == &Value::Bool(true)) {
                    self.toggle(&tree, path);
                }
            }
            "radio" => self.toggle(&tree, path),
            "radio-group" => {
                let chosen = members(&tree, path, "radio")
                    .into_iter()
                    .find(|(_, radio)| value_of(radio) == text_of_value(value));
                if let Some((radio, _)) = chosen {
                    self.toggle(&tree, &radio);
                }
            }
            // Each box that changes reports its own change (`{value}`: checked or not, as a
            // tap on it does), in page order; then the group, once.
            "checkbox-group" => {
                let wanted: Vec<String> = value
                    .as_array()
                    .map(|values| values.iter().map(text_of_value).collect())
                    .unwrap_or_default();
                let boxes = members(&tree, path, "checkbox");
                for (at, checkbox) in &boxes {
                    let checked = wanted.contains(&value_of(checkbox));
                    if self.is_checked(at, checkbox) != checked {
                        self.fields.set_checked(at, checked);
                        self.change(at, &json!(checked));
                    }
                }
                let checked = self.checked_values(&boxes);
                self.change(path, &checked);
            }
            // A multiSelector reports each column that turns (`columnchange`, in column
            // order) before `change`, as the page host's sheet does.
            "picker" => {
                let shown = self.fields.chosen(path).or(element.attrs.get("value"));
                for (column, index) in pickers::turned_columns(element, shown, value) {
                    self.emit(
                        path,
                        "columnchange",
                        json!({"column": column, "value": index}),
                    );
                }
                self.fields.set_chosen(path, value.clone());
                self.emit(path, "change", pickers::picker_detail(element, value));
            }
            // A slider takes the value on its step a user's finger would reach.
            "slider" => {
                let value = slider_value(element, value);
                self.fields.set_chosen(path, value.clone());
                self.change(path, &value);
            }
            "picker-view" => {
                self.fields.set_chosen(path, value.clone());
                self.change(path, value);
            }
            _ => {
                if is_text_field(element) {
                    self.fields.set_value(path, text_of_value(value));
                }
                self.change(path, value);
            }
        }
    }

    /// What a tap does to the control at `path` of `tree`, as the page host's `toggle`: a
    /// switch or checkbox flips, a radio not chosen yet becomes checked and the others of its
    /// group unchecked; the control's `change` (`{value}`: checked or not) and its group's
    /// follow.
    fn toggle(&mut self, tree: &[VNode], control: &[u32]) {
        let Some(element) = element_at(tree, control) else {
            return;
        };
        let was = self.is_checked(control, element);
        if element.tag == "radio" && was {
            return;
        }
        self.fields.set_checked(control, !was);
        self.change(control, &json!(!was));
        let group_tag = match element.tag.as_str() {
            "checkbox" => "checkbox-group",
            "radio" => "radio-group",
            _ => return,
        };
        let Some(depth) = ancestry(tree, control)
            .iter()
            .rposition(|el| el.tag == group_tag)
        else {
            return;
        };
        let group = &control[..=depth];
        let members = members(tree, group, &element.tag);
        let value = if element.tag == "radio" {
            for (path, _) in &members {
                if path != control {
                    self.fields.set_checked(path, false);
                }
            }
            json!(value_of(element))
        } else {
            self.checked_values(&members)
        };
        self.change(group, &value);
    }

    /// The values of the checked boxes among `boxes`, in page order.
    fn checked_values(&self, boxes: &[(NodePath, &VElement)]) -> Value {
        boxes
            .iter()
            .filter(|(path, el)| self.is_checked(path, el))
            .map(|(_, el)| json!(value_of(el)))
            .collect()
    }

    /// Whether the control at `path` is checked: as a tap left it, until a patch sets its
    /// `checked` attribute (as the page host then does in a window).
    fn is_checked(&self, path: &[u32], element: &VElement) -> bool {
        self.fields
            .checked(path)
            .unwrap_or_else(|| element.attrs.get("checked").is_some_and(truthy))
    }

    /// A `change` of the element at `path`, with `{value}`.
    fn change(&mut self, path: &[u32], value: &Value) {
        self.emit(path, "change", json!({ "value": value }));
    }

    /// An event the element at `path` reports without a touch (the page host's `emit`).
    pub(super) fn emit(&mut self, path: &[u32], kind: &str, detail: Value) {
        let event = EventObject {
            kind: kind.to_owned(),
            time_stamp: ms_since(self.timing.launched),
            detail,
            ..EventObject::default()
        };
        self.dispatch(path, event);
    }
}

/// Why a `change` of `element` at `path` of `tree` to `value` cannot be done as a user would,
/// in either mode: a switch or checkbox takes true or false, a radio is chosen with true, a
/// disabled control does not change, a checkbox group takes a list of its boxes' values and
/// a radio group one of its radios' values.
pub(super) fn check_change(
    tree: &[VNode],
    path: &[u32],
    element: &VElement,
    value: &Value,
) -> Result<(), String> {
    let tag = element.tag.as_str();
    if DISABLEABLE.contains(&tag) && disabled(element) {
        return Err(format!("<{tag}> is disabled: a user cannot change it"));
    }
    let known = |of: &str, wanted: &Value| {
        let wanted = text_of_value(wanted);
        if members(tree, path, of)
            .iter()
            .any(|(_, el)| value_of(el) == wanted)
        {
            Ok(())
        } else {
            Err(format!("<{tag}> has no <{of}> with value {wanted:?}"))
        }
    };
    match (tag, value) {
        ("switch" | "checkbox", Value::Bool(_)) | ("radio", Value::Bool(true)) => Ok(()),
        ("switch" | "checkbox", _) => {
            Err(format!("a <{tag}> change takes true or false, not {value}"))
        }
        ("radio", _) => Err(format!(
            "a <radio> change takes true (a radio is unchecked by choosing another), not {value}"
        )),
        ("checkbox-group", Value::Array(values)) => {
            values.iter().try_for_each(|v| known("checkbox", v))
        }
        ("checkbox-group", _) => Err(format!(
            "a <checkbox-group> change takes the list of values to check, not {value}"
        )),
        ("radio-group", value) => known("radio", value),
        ("slider", Value::Number(_)) => Ok(()),
        ("slider", _) => Err(format!("a <slider> change takes a number, not {value}")),
        ("picker", value) => pickers::check_picker(element, value),
        ("picker-view", value) => pickers::check_picker_view(element, value),
        _ => Ok(()),
    }
}

/// The control a tap at `path` acts on, as the page host finds it: the nearest switch,
/// checkbox or radio around it, else the control or text field its nearest `label` names
/// with `for`, else the first in that label.
fn control_of(tree: &[VNode], path: &[u32]) -> Option<NodePath> {
    let chain = ancestry(tree, path);
    let is_control = |el: &VElement| CONTROLS.contains(&el.tag.as_str());
    if let Some(depth) = chain.iter().rposition(|el| is_control(el)) {
        return Some(path[..=depth].to_vec());
    }
    let labelled = |el: &VElement| is_control(el) || is_text_field(el);
    let depth = chain.iter().rposition(|el| el.tag == "label")?;
    match chain[depth].attrs.get("for") {
        Some(id) => find(tree, &mut Vec::new(), &|el| el.attrs.get("id") == Some(id))
            .filter(|at| element_at(tree, at).is_some_and(labelled)),
        None => find(
            &chain[depth].children,
            &mut path[..=depth].to_vec(),
            &labelled,
        ),
    }
}

/// The `button` around the element at `path` (whose elements from the root are `chain`),
/// its `form-type` and the path of the `form` around it, when it has a form-type and a form.
fn form_button_of<'a>(
    chain: &[&'a VElement],
    path: &[u32],
) -> Option<(&'a VElement, String, NodePath)> {
    let button = chain.iter().rposition(|el| el.tag == "button")?;
    let form_type = chain[button].attrs.get("form-type").map(text_of_value)?;
    let form = chain[..button].iter().rposition(|el| el.tag == "form")?;
    Some((chain[button], form_type, path[..=form].to_vec()))
}

/// The form a tap at `path` (whose elements from the root are `chain`) resets: the one
/// around a `form-type="reset"` button the tap is on, unless that button is disabled.
pub(super) fn reset_form_of(chain: &[&VElement], path: &[u32]) -> Option<NodePath> {
    let (button, form_type, form) = form_button_of(chain, path)?;
    (form_type == "reset" && !disabled(button)).then_some(form)
}

/// Whether `element` is an input or a textarea.
pub(super) fn is_text_field(element: &VElement) -> bool {
    matches!(element.tag.as_str(), "input" | "textarea")
}

/// Whether `element` is disabled (its `disabled` attribute is truthy).
pub(super) fn disabled(element: &VElement) -> bool {
    element.attrs.get("disabled").is_some_and(truthy)
}

/// The first of `names` (a property's spellings) that `element` has.
pub(super) fn attr_of<'a>(element: &'a VElement, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|name| element.attrs.get(*name))
}

/// A position attribute (`cursor`, `selection-start`, `selection-end`) as the page host's
/// `positionOf` reads it: a number from 0, its whole part; none when absent, empty, negative
/// or not a number.
fn position_of(value: Option<&Value>) -> Option<u32> {
    let number = match value? {
        Value::Null => return None,
        Value::String(text) if text.trim().is_empty() => return None,
        other => to_number(other),
    };
    (number.is_finite() && number >= 0.0).then(|| number.trunc().min(f64::from(u32::MAX)) as u32)
}

/// Where the cursor of text field `element`, holding `value`, is once it takes the focus,
/// as the page host's `placeCaret` puts it (`setSelectionRange`): at `selection-start` when
/// it and `selection-end` are both given (the text between selected), else at `cursor`, each
/// no further than the end of the text (in UTF-16 units); `None` leaves it after the text.
pub(super) fn caret_on_focus(element: &VElement, value: &str) -> Option<u32> {
    let length = u32::try_from(value.encode_utf16().count()).unwrap_or(u32::MAX);
    let start = position_of(attr_of(element, &["selection-start", "selectionStart"]));
    let end = position_of(attr_of(element, &["selection-end", "selectionEnd"]));
    match (start, end) {
        // As the DOM's setSelectionRange: a start after the end goes to the end.
        (Some(start), Some(end)) => Some(start.min(end).min(length)),
        _ => position_of(element.attrs.get("cursor")).map(|cursor| cursor.min(length)),
    }
}

/// The elements with a `name` under `nodes` (at `at`), in page order.
fn collect_named<'a>(
    nodes: &'a [VNode],
    at: &mut NodePath,
    out: &mut Vec<(NodePath, &'a VElement)>,
) {
    for (index, node) in nodes.iter().enumerate() {
        let (VNode::Element(el), Ok(index)) = (node, u32::try_from(index)) else {
            continue;
        };
        at.push(index);
        if el
            .attrs
            .get("name")
            .is_some_and(|name| !matches!(name, Value::Null | Value::Bool(false)))
        {
            out.push((at.clone(), el));
        }
        collect_named(&el.children, at, out);
        at.pop();
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

/// The `tag` controls (`checkbox`, `radio`) of the group at `group` of `tree`, leaving out
/// those of a group inside.
fn members<'a>(tree: &'a [VNode], group: &[u32], tag: &str) -> Vec<(NodePath, &'a VElement)> {
    let mut out = Vec::new();
    if let Some(el) = element_at(tree, group) {
        collect_members(&el.children, &mut group.to_vec(), tag, &mut out);
    }
    out
}

fn collect_members<'a>(
    nodes: &'a [VNode],
    at: &mut NodePath,
    tag: &str,
    out: &mut Vec<(NodePath, &'a VElement)>,
) {
    let group_tag = format!("{tag}-group");
    for (index, node) in nodes.iter().enumerate() {
        let (VNode::Element(el), Ok(index)) = (node, u32::try_from(index)) else {
            continue;
        };
        at.push(index);
        if el.tag == tag {
            out.push((at.clone(), el));
        } else if el.tag != group_tag {
            collect_members(&el.children, at, tag, out);
        }
        at.pop();
    }
}

/// The value slider `element` takes when set to `wanted` (a number): brought between its
/// `min` (0) and `max` (100) and onto its `step` (1) counted from `min`, as the page host's
/// `sliderSnap` does and a user's finger can only reach.
fn slider_value(element: &VElement, wanted: &Value) -> Value {
    let attr = |name: &str, fallback: f64| {
        let number = match element.attrs.get(name) {
            None | Some(Value::Null) => f64::NAN,
            Some(Value::String(text)) if text.is_empty() => f64::NAN,
            Some(value) => to_number(value),
        };
        if number.is_finite() { number } else { fallback }
    };
    let min = attr("min", 0.0);
    let max = attr("max", 100.0).max(min);
    let step = Some(attr("step", 1.0))
        .filter(|step| *step > 0.0)
        .unwrap_or(1.0);
    let wanted = to_number(wanted);
    let wanted = if wanted.is_nan() { 0.0 } else { wanted };
    let steps = ((wanted.clamp(min, max) - min) / step).round();
    let snapped = (min + steps * step).min(max);
    // As `Number(snapped.toFixed(10))`: 0.1 + 0.2 steps stay 0.3.
    let snapped = format!("{snapped:.10}").parse().unwrap_or(snapped);
    json_number(snapped)
}

/// A control's `value` attribute as the group reports it: text ('' when absent).
fn value_of(element: &VElement) -> String {
    element
        .attrs
        .get("value")
        .map(text_of_value)
        .unwrap_or_default()
}

/// A value as text, as the page host's `String(value)` makes it ('' for null).
pub(super) fn text_of_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slider(attrs: Value) -> VElement {
        VElement {
            tag: "slider".into(),
            attrs: serde_json::from_value(attrs).unwrap_or_default(),
            ..VElement::default()
        }
    }

    /// A test's value lands where a finger could put the handle: within min and max, on a
    /// step counted from min, as the page host's `sliderSnap` puts it.
    #[test]
    fn a_slider_takes_the_value_on_its_nearest_step() {
        let cases = [
            (json!({"step": 5}), json!(47), json!(45)),
            (json!({"step": 5}), json!(48), json!(50)),
            (json!({"step": "5"}), json!(47.5), json!(50)),
            (json!({}), json!(33.4), json!(33)),
            (
                json!({"min": 10, "max": 20, "step": 3}),
                json!(20),
                json!(19),
            ),
            (
                json!({"min": 10, "max": 20, "step": 3}),
                json!(5),
                json!(10),
            ),
            (json!({"min": 10, "max": 20}), json!(99), json!(20)),
            (
                json!({"min": 0, "max": 1, "step": 0.1}),
                json!(0.3),
                json!(0.3),
            ),
            (json!({"step": 0}), json!(7.6), json!(8)),
            (json!({"step": -2}), json!(7.6), json!(8)),
            (json!({"max": 5, "min": 9}), json!(1), json!(9)),
        ];
        for (attrs, wanted, want) in cases {
            assert_eq!(
                slider_value(&slider(attrs.clone()), &wanted),
                want,
                "{attrs} set to {wanted}"
            );
        }
    }

    /// Where a field's cursor is once focused, as the page host's `placeCaret` puts it.
    #[test]
    fn the_cursor_goes_where_cursor_or_the_selection_says() {
        let field = |attrs: Value| VElement {
            tag: "input".into(),
            attrs: serde_json::from_value(attrs).unwrap_or_default(),
            ..VElement::default()
        };
        let cases = [
            (json!({}), None),
            (json!({"cursor": 2}), Some(2)),
            (json!({"cursor": "3"}), Some(3)),
            (json!({"cursor": 2.7}), Some(2)),
            (json!({"cursor": 40}), Some(6)),
            (json!({"cursor": -1}), None),
            (json!({"cursor": ""}), None),
            (json!({"cursor": "far"}), None),
            (json!({"selection-start": 1, "selection-end": 4}), Some(1)),
            (
                json!({"selectionStart": 1, "selectionEnd": 4, "cursor": 5}),
                Some(1),
            ),
            (json!({"selection-start": 5, "selection-end": 2}), Some(2)),
            (json!({"selection-start": 9, "selection-end": 12}), Some(6)),
            // Only both make a selection: one alone leaves it to `cursor`.
            (json!({"selection-start": 1, "cursor": 3}), Some(3)),
            (json!({"selection-start": 1, "selection-end": -1}), None),
        ];
        for (attrs, want) in cases {
            assert_eq!(
                caret_on_focus(&field(attrs.clone()), "abcdef"),
                want,
                "{attrs}"
            );
        }
        // Counted in UTF-16 units, as the webview counts.
        assert_eq!(caret_on_focus(&field(json!({"cursor": 9})), "a😀"), Some(3));
    }

    #[test]
    fn a_slider_change_takes_a_number_and_a_disabled_slider_or_picker_none() {
        let tree = [VNode::Element(slider(json!({})))];
        let check = |element: &VElement, value: Value| check_change(&tree, &[0], element, &value);
        assert!(check(&slider(json!({})), json!(40)).is_ok());
        assert_eq!(
            check(&slider(json!({})), json!("40")),
            Err("a <slider> change takes a number, not \"40\"".to_owned())
        );
        assert_eq!(
            check(&slider(json!({"disabled": true})), json!(40)),
            Err("<slider> is disabled: a user cannot change it".to_owned())
        );
        let picker = VElement {
            tag: "picker".into(),
            attrs: serde_json::from_value(json!({"range": ["a"], "disabled": true}))
                .unwrap_or_default(),
            ..VElement::default()
        };
        assert_eq!(
            check(&picker, json!(0)),
            Err("<picker> is disabled: a user cannot change it".to_owned())
        );
    }
}
