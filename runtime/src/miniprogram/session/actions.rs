//! User actions a tester scripts (`MiniProgram::act`): played on the real element by the
//! page host in a window, or as the events a user's input produces when headless.

use std::sync::mpsc::Sender;

use serde_json::{Value, json};

use super::controls::{
    attr_of, check_change, disabled, is_text_field, reset_form_of, text_of_value,
};
use super::{Session, ms_since, navigator_route};
use crate::miniprogram::UserAction;
use crate::miniprogram::events::ancestry;
use crate::view::{Dialect, VElement, VNode, to_number, truthy};
use capsule_logic::{EventObject, LogicCommand, Touch};

impl Session {
    /// Does `action` on the element at `path` of the shown page; answers when done.
    pub(super) fn act(
        &mut self,
        path: &[u32],
        action: UserAction,
        answer: Sender<Result<(), String>>,
    ) {
        let Some(tree) = self.shown_tree() else {
            answer.send(Err("no page is shown".into())).ok();
            return;
        };
        let chain = ancestry(&tree, path);
        let Some(element) = chain.last() else {
            answer.send(Err(format!("no element at {path:?}"))).ok();
            return;
        };
        let is_input = is_text_field(element);
        if matches!(action, UserAction::Input(_) | UserAction::Confirm) && !is_input {
            let tag = &element.tag;
            answer
                .send(Err(format!("<{tag}> is not an input or textarea")))
                .ok();
            return;
        }
        if matches!(action, UserAction::Input(_) | UserAction::Confirm) && disabled(element) {
            let tag = &element.tag;
            answer
                .send(Err(format!(
                    "<{tag}> is disabled: a user cannot type into it"
                )))
                .ok();
            return;
        }
        if let UserAction::Change(value) = &action
            && let Err(error) = check_change(&tree, path, element, value)
        {
            answer.send(Err(error)).ok();
            return;
        }
        if let UserAction::Swipe(to) = action
            && let Err(error) = check_swipe(element, to)
        {
            answer.send(Err(error)).ok();
            return;
        }
        if self.webview && self.loaded {
            // A tap on a reset button puts its form's fields back in the window (the page
            // host's `resetForm`); what the session knows they hold follows.
            if matches!(action, UserAction::Tap)
                && let Some(form) = reset_form_of(&chain, path)
            {
                self.fields.reset_under(&form);
            }
            let (name, value) = match &action {
                UserAction::Tap => ("tap", Value::Null),
                UserAction::LongPress => ("longpress", Value::Null),
                UserAction::Input(text) => ("input", json!(text)),
                UserAction::Confirm => ("confirm", Value::Null),
                UserAction::Change(value) => ("change", value.clone()),
                UserAction::Scroll(top) => ("scroll", json!(top)),
                UserAction::Swipe(to) => ("swipe", json!(to)),
            };
            self.acting = Some(answer);
            self.send_page(json!({"kind": "mpAct", "path": path, "action": name, "value": value}));
            return;
        }
        let time_stamp = ms_since(self.timing.launched);
        let touch = Touch::default();
        let event = |kind: &str, detail: Value| EventObject {
            kind: kind.to_owned(),
            time_stamp,
            detail,
            touches: vec![touch.clone()],
            changed_touches: vec![touch.clone()],
            ..EventObject::default()
        };
        // A press on (or in) a disabled button, input or textarea does nothing.
        let pressed_disabled = chain
            .iter()
            .rev()
            .find(|el| el.tag == "button" || is_text_field(el))
            .is_some_and(|el| disabled(el));
        match action {
            UserAction::Tap | UserAction::LongPress if pressed_disabled => {}
            UserAction::Tap => {
                self.dispatch(path, event("touchstart", json!({})));
                if is_input {
                    self.focus_field(&tree, path);
                }
                self.dispatch(path, event("touchend", json!({})));
                self.dispatch(path, event("tap", json!({"x": 0, "y": 0})));
                self.after_tap(&tree, path);
                self.follow_navigator(&chain);
            }
            UserAction::LongPress => {
                for (kind, detail) in [
                    ("touchstart", json!({})),
                    ("longpress", json!({"x": 0, "y": 0})),
                    ("longtap", json!({"x": 0, "y": 0})),
                    ("touchend", json!({})),
                ] {
                    self.dispatch(path, event(kind, detail));
                }
            }
            UserAction::Input(text) => {
                // The field takes what its maxlength lets in, as the page host's does.
                let text = within_maxlength(element, text);
                // The cursor at the end, counted as JavaScript counts (UTF-16 units).
                let cursor = text.encode_utf16().count();
                let lines_before = line_count(&self.field_value(path, element));
                // An Alipay controlled field keeps showing its `value` attribute.
                if !element.attrs.get("controlled").is_some_and(truthy) {
                    self.fields.set_value(path, text.clone());
                }
                if self.fields.focused() == Some(path) {
                    self.fields.set_caret(None);
                }
                self.dispatch(
                    path,
                    event("input", json!({"value": text, "cursor": cursor})),
                );
                // WeChat's textarea reports a change of its line count. Without a window
                // there is no layout: lines are counted at line breaks, and their height is 0.
                let lines = line_count(&self.field_value(path, element));
                if element.tag == "textarea"
                    && self.dialect == Dialect::WeChat
                    && lines != lines_before
                {
                    let detail = json!({"height": 0, "heightRpx": 0, "lineCount": lines});
                    self.emit(path, "linechange", detail);
                }
            }
            UserAction::Confirm => {
                let value = self.field_value(path, element);
                self.dispatch(path, event("confirm", json!({ "value": value })));
                // The confirm key closes the keyboard, and the field loses the focus, unless
                // it has confirm-hold (both platforms), as the page host's `confirmField`.
                if !attr_of(element, &["confirm-hold", "confirmHold"]).is_some_and(truthy) {
                    self.blur_field(&tree, path);
                }
            }
            UserAction::Change(value) => self.change_control(path, &value),
            // Headless there is no layout: the sizes are 0, and no edge is ever reached
            // (`scrolltoupper` / `scrolltolower` need the window).
            UserAction::Scroll(top) => self.dispatch(
                path,
                event(
                    "scroll",
                    json!({
                        "scrollTop": top, "scrollLeft": 0, "scrollHeight": 0, "scrollWidth": 0,
                        "deltaX": 0, "deltaY": top,
                    }),
                ),
            ),
            UserAction::Swipe(to) => self.swipe(path, element, to),
        }
        answer.send(Ok(())).ok();
    }

    /// After a tap: the `<navigator>` around the element (the last of `chain`) opens its
    /// page.
    fn follow_navigator(&self, chain: &[&VElement]) {
        let Some(navigator) = chain.iter().rev().find(|el| el.tag == "navigator") else {
            return;
        };
        let attr = |name: &str| {
            navigator
                .attrs
                .get(name)
                .map(text_of_value)
                .unwrap_or_default()
        };
        let delta = attr("delta").parse().unwrap_or(1);
        let from = self.shown_path().unwrap_or_default();
        if let Some(route) = navigator_route(from, &attr("open-type"), &attr("url"), delta) {
            self.logic(LogicCommand::Route(route));
        }
    }

    /// Moves the swiper `element` at `path` to item `to` (checked by [`check_swipe`]), as the
    /// page host's `swipeTo`: nothing when it shows that item, else `change` and the end of
    /// the move as the dialect names it, `animationfinish` (WeChat) or `animationend`
    /// (Alipay's `animationEnd`, bound with `onAnimationEnd`), each with `{current,
    /// currentItemId, source: "touch"}`.
    fn swipe(&mut self, path: &[u32], element: &VElement, to: u32) {
        let items = swiper_items(element);
        let last = u32::try_from(items.len().saturating_sub(1)).unwrap_or(u32::MAX);
        let current = self.fields.current(path).unwrap_or_else(|| {
            let attribute = element.attrs.get("current").map(text_of_value);
            let number = attribute.and_then(|text| text.trim().parse::<f64>().ok());
            // Math.max(0, Math.trunc(Number(current) || 0)), as the page host reads it.
            number
                .filter(|n| n.is_finite() && *n > 0.0)
                .map_or(0, |n| n.trunc() as u32)
        });
        if to == current.min(last) {
            return;
        }
        self.fields.set_current(path, to);
        let item_id = items
            .get(to as usize)
            .and_then(|item| item.attrs.get("item-id"))
            .map(text_of_value)
            .unwrap_or_default();
        let detail = json!({"current": to, "currentItemId": item_id, "source": "touch"});
        self.emit(path, "change", detail.clone());
        let end = match self.dialect {
            Dialect::Alipay => "animationend",
            Dialect::WeChat => "animationfinish",
        };
        self.emit(path, end, detail);
    }
}

/// What a text field `element` holds when `text` is typed into it: at most its `maxlength`
/// (140 when it has none; a negative one or one that is not a whole number, none)
/// characters, counted as JavaScript and the webview count them (UTF-16 units), a character
/// that would not fit whole left out.
fn within_maxlength(element: &VElement, text: String) -> String {
    let max = match element.attrs.get("maxlength") {
        None | Some(Value::Null) => 140.0,
        Some(value) => to_number(value),
    };
    if !(max >= 0.0 && max.fract() == 0.0) {
        return text;
    }
    let mut units = 0.0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            units += f64::from(u8::try_from(c.len_utf16()).unwrap_or(2));
            units > max
        })
        .map_or(text.len(), |(at, _)| at);
    text[..end].to_owned()
}

/// How many lines `text` has, counted at its line breaks (at least one).
fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The `swiper-item` children of a swiper.
fn swiper_items(swiper: &VElement) -> Vec<&VElement> {
    swiper
        .children
        .iter()
        .filter_map(|node| match node {
            VNode::Element(el) if el.tag == "swiper-item" => Some(el),
            _ => None,
        })
        .collect()
}

/// Why a swipe of `element` to item `to` cannot be done, in either mode: it is not a swiper,
/// or it has no such item.
fn check_swipe(element: &VElement, to: u32) -> Result<(), String> {
    if element.tag != "swiper" {
        return Err(format!("<{}> is not a swiper", element.tag));
    }
    let count = swiper_items(element).len();
    if to as usize >= count {
        return Err(format!("the swiper has {count} items, no item {to}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(maxlength: Option<Value>) -> VElement {
        VElement {
            tag: "input".into(),
            attrs: maxlength
                .map(|max| [("maxlength".to_owned(), max)].into_iter().collect())
                .unwrap_or_default(),
            ..VElement::default()
        }
    }

    /// What a field keeps of the text typed, by its maxlength, counted in UTF-16 units.
    #[test]
    fn a_field_keeps_what_its_maxlength_lets_in() {
        let long = "x".repeat(150);
        let cases = [
            (Some(json!(4)), "123456", "1234"),
            (Some(json!("4")), "123456", "1234"),
            (Some(json!(4)), "12", "12"),
            (Some(json!(0)), "abc", ""),
            (Some(json!(-1)), "123456", "123456"),
            (Some(json!(2.5)), "123456", "123456"),
            (Some(json!("many")), "123456", "123456"),
            // An emoji is two UTF-16 units: one that would not fit whole is left out.
            (Some(json!(3)), "A😀😀", "A😀"),
            (Some(json!(2)), "A😀", "A"),
            (Some(json!(3)), "añb c", "añb"),
        ];
        for (max, typed, kept) in cases {
            assert_eq!(
                within_maxlength(&field(max.clone()), typed.to_owned()),
                kept,
                "maxlength {max:?}"
            );
        }
        // Without a maxlength the platforms' default is 140.
        assert_eq!(within_maxlength(&field(None), long.clone()).len(), 140);
        assert_eq!(within_maxlength(&field(Some(Value::Null)), long).len(), 140);
    }
}
