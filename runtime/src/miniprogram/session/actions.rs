//! User actions a tester scripts (`MiniProgram::act`): played on the real element by the
//! page host in a window, or as the events a user's input produces when headless.

use std::sync::mpsc::Sender;

use serde_json::{Value, json};

use super::{PageState, Session, ms_since, navigator_route};
use crate::miniprogram::UserAction;
use crate::miniprogram::events::ancestry;
use crate::view::truthy;
use capsule_logic::{EventObject, LogicCommand, Touch};

impl Session {
    /// Does `action` on the element at `path` of the shown page; answers when done.
    pub(super) fn act(
        &mut self,
        path: &[u32],
        action: UserAction,
        answer: Sender<Result<(), String>>,
    ) {
        let Some(tree) = self
            .shown
            .and_then(|page| self.pages.get(&page))
            .map(PageState::tree)
        else {
            answer.send(Err("no page is shown".into())).ok();
            return;
        };
        let chain = ancestry(&tree, path);
        let Some(element) = chain.last() else {
            answer.send(Err(format!("no element at {path:?}"))).ok();
            return;
        };
        let is_input = matches!(element.tag.as_str(), "input" | "textarea");
        if matches!(action, UserAction::Input(_) | UserAction::Confirm) && !is_input {
            let tag = &element.tag;
            answer
                .send(Err(format!("<{tag}> is not an input or textarea")))
                .ok();
            return;
        }
        if self.webview && self.loaded {
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
        let navigator = chain
            .iter()
            .rev()
            .find(|el| el.tag == "navigator")
            .map(|el| (*el).clone());
        let current_value = element
            .attrs
            .get("value")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
        let touch = Touch::default();
        let event = |kind: &str, detail: Value| EventObject {
            kind: kind.to_owned(),
            time_stamp: ms_since(self.timing.launched),
            detail,
            touches: vec![touch.clone()],
            changed_touches: vec![touch.clone()],
            ..EventObject::default()
        };
        let events = match action {
            UserAction::Tap => vec![
                event("touchstart", json!({})),
                event("touchend", json!({})),
                event("tap", json!({"x": 0, "y": 0})),
            ],
            UserAction::LongPress => vec![
                event("touchstart", json!({})),
                event("longpress", json!({"x": 0, "y": 0})),
                event("longtap", json!({"x": 0, "y": 0})),
                event("touchend", json!({})),
            ],
            UserAction::Input(text) => {
                let cursor = text.chars().count();
                // An Alipay controlled field keeps showing its `value` attribute.
                let controlled = element.attrs.get("controlled").is_some_and(truthy);
                if !controlled {
                    self.input_values.insert(path.to_vec(), text.clone());
                }
                vec![event("input", json!({"value": text, "cursor": cursor}))]
            }
            UserAction::Confirm => {
                let value = self
                    .input_values
                    .get(path)
                    .cloned()
                    .or(current_value)
                    .unwrap_or_default();
                vec![event("confirm", json!({"value": value}))]
            }
            UserAction::Change(value) => vec![event("change", json!({"value": value}))],
            UserAction::Scroll(top) => vec![event(
                "scroll",
                json!({"scrollTop": top, "scrollLeft": 0, "deltaX": 0, "deltaY": top}),
            )],
            UserAction::Swipe(to) => {
                if element.tag != "swiper" {
                    let tag = &element.tag;
                    answer.send(Err(format!("<{tag}> is not a swiper"))).ok();
                    return;
                }
                vec![event(
                    "change",
                    json!({"current": to, "currentItemId": "", "source": "touch"}),
                )]
            }
        };
        let tapped = events.iter().any(|e| e.kind == "tap");
        for event in events {
            self.dispatch(path, event);
        }
        if tapped {
            self.tap_control(path);
        }
        if let (true, Some(navigator)) = (tapped, navigator) {
            let attr = |name: &str| {
                navigator
                    .attrs
                    .get(name)
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .unwrap_or_default()
            };
            let delta = attr("delta").parse().unwrap_or(1);
            let open_type = attr("open-type");
            let from = self.shown_path().unwrap_or_default();
            if let Some(route) = navigator_route(from, &open_type, &attr("url"), delta) {
                self.logic(LogicCommand::Route(route));
            }
        }
        answer.send(Ok(())).ok();
    }
}
