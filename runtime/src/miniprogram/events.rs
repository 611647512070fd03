//! Which handlers a user event runs: capture, bubble and catch over the rendered page, the
//! same for both dialects (SPEC.md "Events").

use serde_json::{Map, Value};

use crate::view::{EventBinding, EventPhase, VElement, VNode};
use capsule_logic::EventTarget;

/// The attribute prefix of WeChat's event marks (`mark:item="{{id}}"`).
const MARK_PREFIX: &str = "mark:";

/// Event types that bubble; every other type runs only on its target.
const BUBBLING: &[&str] = &[
    "touchstart",
    "touchmove",
    "touchcancel",
    "touchend",
    "tap",
    "longpress",
    "longtap",
    "transitionend",
    "animationstart",
    "animationiteration",
    "animationend",
    "touchforcechange",
];

/// One handler to run, with the element it is declared on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HandlerCall {
    pub(crate) handler: String,
    pub(crate) current_target: EventTarget,
    /// The component instance whose method it is (`None`: the page's).
    pub(crate) owner: Option<String>,
    /// WeChat's `mark`: the marks on the path from the handler's scope down to the target,
    /// the one nearer the target winning a name both declare.
    pub(crate) mark: Map<String, Value>,
}

/// The elements from the page root down to the element at `path` (a text node's path
/// stands for its parent element). Empty when nothing is there.
pub(crate) fn ancestry<'a>(tree: &'a [VNode], path: &[u32]) -> Vec<&'a VElement> {
    let mut chain = Vec::new();
    let mut children = tree;
    for &index in path {
        match children.get(index as usize) {
            Some(VNode::Element(element)) => {
                chain.push(element);
                children = &element.children;
            }
            Some(VNode::Text { .. }) => break,
            None => return Vec::new(),
        }
    }
    chain
}

/// The `target` / `currentTarget` fields of an element.
pub(crate) fn target_of(element: &VElement) -> EventTarget {
    EventTarget {
        id: element
            .attrs
            .get("id")
            .map(|id| match id {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default(),
        tag_name: element.tag.clone(),
        dataset: element.dataset.clone(),
    }
}

/// The handlers an event of `event_type` at `path` runs, in order: capture handlers from
/// the root down, then (for bubbling types) bubble handlers from the target up, stopping at
/// the first catch. `None` when `path` names no element.
pub(crate) fn propagate(
    tree: &[VNode],
    path: &[u32],
    event_type: &str,
) -> Option<(EventTarget, Vec<HandlerCall>)> {
    let chain = ancestry(tree, path);
    let target = *chain.last()?;
    let bubbles = BUBBLING.contains(&event_type);
    let path_elements: &[&VElement] = if bubbles {
        &chain
    } else {
        &chain[chain.len() - 1..]
    };
    let mut calls = Vec::new();
    let call = |element: &VElement, binding: &EventBinding| HandlerCall {
        handler: binding.handler.clone(),
        current_target: target_of(element),
        owner: binding.owner.clone(),
        mark: marks(&chain, binding.owner.as_deref()),
    };
    for element in path_elements {
        for binding in element.events.iter().filter(|b| b.event == event_type) {
            match binding.phase {
                EventPhase::Capture => calls.push(call(element, binding)),
                EventPhase::CaptureCatch => {
                    calls.push(call(element, binding));
                    return Some((target_of(target), calls));
                }
                _ => {}
            }
        }
    }
    let mut mutated = false;
    for element in path_elements.iter().rev() {
        let mut stop = false;
        for binding in element.events.iter().filter(|b| b.event == event_type) {
            match binding.phase {
                EventPhase::Bubble => calls.push(call(element, binding)),
                EventPhase::Catch => {
                    calls.push(call(element, binding));
                    stop = true;
                }
                EventPhase::Mutated if !mutated => {
                    calls.push(call(element, binding));
                    mutated = true;
                }
                _ => {}
            }
        }
        if stop {
            break;
        }
    }
    Some((target_of(target), calls))
}

/// The handlers a WeChat component event runs (`triggerEvent(name, detail, options)`), in
/// order: those the host element (the last of `chain`, which runs from the root) binds; with
/// `bubbles`, those of its ancestors in the same template; with `composed` as well, on out
/// through the templates around it. A catch binding stops it.
pub(crate) fn propagate_component_event(
    chain: &[&VElement],
    event_type: &str,
    bubbles: bool,
    composed: bool,
) -> Vec<HandlerCall> {
    let Some((host, above)) = chain.split_last() else {
        return Vec::new();
    };
    // Which template's bindings the event meets: the one that declared the element.
    let mut scope = host.instance.as_ref().and_then(|i| i.owner.clone());
    let mut calls = Vec::new();
    let mut run = |element: &VElement, scope: &Option<String>| {
        let mut stop = false;
        for binding in element
            .events
            .iter()
            .filter(|b| b.event.eq_ignore_ascii_case(event_type) && b.owner == *scope)
        {
            match binding.phase {
                EventPhase::Bubble => {}
                EventPhase::Catch => stop = true,
                _ => continue,
            }
            calls.push(HandlerCall {
                handler: binding.handler.clone(),
                current_target: target_of(element),
                owner: binding.owner.clone(),
                mark: marks(chain, binding.owner.as_deref()),
            });
        }
        stop
    };
    if run(host, &scope) || !bubbles {
        return calls;
    }
    for element in above.iter().rev() {
        let leaving = element
            .instance
            .as_ref()
            .filter(|instance| scope.as_deref() == Some(instance.id.as_str()));
        if let Some(instance) = leaving {
            // The host of the template the event was in: only a composed event goes on.
            if !composed {
                break;
            }
            scope.clone_from(&instance.owner);
        }
        if run(element, &scope) {
            break;
        }
    }
    calls
}

/// The marks a handler of `owner` sees: those of the elements from the root (for a page
/// handler) or from inside the owner component's host element down to the target.
fn marks(chain: &[&VElement], owner: Option<&str>) -> Map<String, Value> {
    let inside = owner.map_or(0, |owner| {
        chain
            .iter()
            .rposition(|element| element.instance.as_ref().is_some_and(|i| i.id == owner))
            .map_or(0, |host| host + 1)
    });
    let mut marks = Map::new();
    for element in &chain[inside..] {
        for (name, value) in &element.attrs {
            if let Some(mark) = name.strip_prefix(MARK_PREFIX) {
                marks.insert(mark.to_owned(), value.clone());
            }
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::view::{PageView, View};

    /// The tree a WeChat-dialect `template` renders to with no data.
    fn tree(template: &str) -> Vec<VNode> {
        let files = HashMap::from([("p.wxml".to_owned(), template.to_owned())]);
        let page = PageView::compile(&files, "p.wxml", &Default::default()).expect("compiles");
        View::new(page, serde_json::json!({}))
            .expect("renders")
            .tree()
            .to_vec()
    }

    fn handlers(tree: &[VNode], path: &[u32], event: &str) -> Vec<String> {
        propagate(tree, path, event)
            .map(|(_, calls)| calls.into_iter().map(|c| c.handler).collect())
            .unwrap_or_default()
    }

    #[test]
    fn bubbling_stops_at_catch_and_capture_runs_first() {
        let page = tree(
            r#"<view id="outer" bindtap="outer" capture-bind:tap="capture"><view catchtap="middle"><view bindtap="inner" data-n="{{3}}">x</view></view><view bindtap="sibling"/></view>"#,
        );
        assert_eq!(
            handlers(&page, &[0, 0, 0], "tap"),
            ["capture", "inner", "middle"]
        );
        assert_eq!(
            handlers(&page, &[0, 1], "tap"),
            ["capture", "sibling", "outer"]
        );
        // A text node stands for its element.
        assert_eq!(
            handlers(&page, &[0, 0, 0, 0], "tap"),
            ["capture", "inner", "middle"]
        );
        let (target, calls) = propagate(&page, &[0, 0, 0], "tap").expect("test value");
        assert_eq!(target.dataset["n"], 3);
        assert_eq!(calls[0].current_target.id, "outer");
    }

    #[test]
    fn non_bubbling_events_run_on_the_target_only() {
        let page = tree(r#"<view bindinput="outer"><input bindinput="typed"/></view>"#);
        assert_eq!(handlers(&page, &[0, 0], "input"), ["typed"]);
        assert_eq!(handlers(&page, &[0], "input"), ["outer"]);
    }

    #[test]
    fn capture_catch_stops_everything_and_mut_bind_runs_once() {
        let page = tree(
            r#"<view capture-catch:tap="gate" bindtap="outer"><view bindtap="inner"/></view>"#,
        );
        assert_eq!(handlers(&page, &[0, 0], "tap"), ["gate"]);
        let page = tree(r#"<view mut-bind:tap="m1" bindtap="b"><view mut-bind:tap="m2"/></view>"#);
        assert_eq!(handlers(&page, &[0, 0], "tap"), ["m2", "b"]);
    }

    #[test]
    fn alipay_attributes_propagate_the_same_way() {
        let files = HashMap::from([(
            "p.axml".to_owned(),
            r#"<view onTap="outer"><view catchTap="inner"/><view onTap="other"/></view>"#
                .to_owned(),
        )]);
        let page = PageView::compile(&files, "p.axml", &Default::default()).expect("test value");
        let tree = View::new(page, serde_json::json!({}))
            .expect("test value")
            .tree()
            .to_vec();
        assert_eq!(handlers(&tree, &[0, 0], "tap"), ["inner"]);
        assert_eq!(handlers(&tree, &[0, 1], "tap"), ["other", "outer"]);
    }

    #[test]
    fn marks_gather_along_the_path_and_the_nearest_wins() {
        let page = tree(
            r#"<view mark:list="todo" mark:row="{{0}}" bindtap="outer"><view mark:row="{{7}}" bindtap="inner"/></view>"#,
        );
        let (_, calls) = propagate(&page, &[0, 0], "tap").expect("test value");
        let expected = serde_json::json!({"list": "todo", "row": 7});
        assert_eq!(Value::Object(calls[0].mark.clone()), expected);
        assert_eq!(Value::Object(calls[1].mark.clone()), expected);
        let (_, calls) = propagate(&page, &[0], "tap").expect("test value");
        assert_eq!(calls[0].mark["row"], 0);
    }

    #[test]
    fn a_component_handler_sees_no_marks_from_outside_the_component() {
        let element = |mark: &str, instance: Option<&str>| VElement {
            tag: "view".into(),
            attrs: [(format!("mark:{mark}"), Value::from(mark))].into(),
            instance: instance.map(|id| crate::view::ComponentInstance {
                id: id.into(),
                owner: None,
            }),
            ..VElement::default()
        };
        let (page, host, inner) = (
            element("page", None),
            element("host", Some("card#0")),
            element("inner", None),
        );
        let chain = [&page, &host, &inner];
        assert_eq!(
            marks(&chain, Some("card#0")).keys().collect::<Vec<_>>(),
            ["inner"]
        );
        assert_eq!(marks(&chain, None).len(), 3);
    }

    #[test]
    fn component_events_bubble_in_their_template_and_composed_ones_beyond() {
        // page: <view bind:pick="page"><card bind:pick="onCard"/></view>
        // card: <view bind:pick="inCard" catch:stop="catcher"><item bind:pick="onItem"/></view>
        let element = |instance: Option<(&str, Option<&str>)>,
                       bindings: &[(&str, &str, Option<&str>)]| {
            VElement {
                tag: "view".into(),
                instance: instance.map(|(id, owner)| crate::view::ComponentInstance {
                    id: id.into(),
                    owner: owner.map(Into::into),
                }),
                events: bindings
                    .iter()
                    .map(|(event, handler, owner)| EventBinding {
                        event: (*event).into(),
                        phase: if handler.starts_with("catch") {
                            EventPhase::Catch
                        } else {
                            EventPhase::Bubble
                        },
                        handler: (*handler).into(),
                        owner: owner.map(Into::into),
                    })
                    .collect(),
                ..VElement::default()
            }
        };
        let page = element(None, &[("pick", "page", None), ("stop", "pageStop", None)]);
        let card = element(Some(("card#0", None)), &[("pick", "onCard", None)]);
        let inner = element(
            None,
            &[
                ("pick", "inCard", Some("card#0")),
                ("stop", "catcher", Some("card#0")),
            ],
        );
        let item = element(
            Some(("item#0", Some("card#0"))),
            &[
                ("pick", "onItem", Some("card#0")),
                ("stop", "onItemStop", Some("card#0")),
            ],
        );
        let chain = [&page, &card, &inner, &item];
        let run = |event: &str, bubbles, composed| -> Vec<String> {
            propagate_component_event(&chain, event, bubbles, composed)
                .into_iter()
                .map(|call| call.handler)
                .collect()
        };
        assert_eq!(run("pick", false, false), ["onItem"]);
        assert_eq!(run("pick", true, false), ["onItem", "inCard"]);
        assert_eq!(
            run("pick", true, true),
            ["onItem", "inCard", "onCard", "page"]
        );
        assert_eq!(run("stop", true, true), ["onItemStop", "catcher"]);
        // The card's own event starts in the page's template.
        let calls = propagate_component_event(&[&page, &card], "pick", true, false);
        let handlers: Vec<_> = calls.iter().map(|call| call.handler.as_str()).collect();
        assert_eq!(handlers, ["onCard", "page"]);
    }

    #[test]
    fn paths_to_nothing_run_nothing() {
        let page = tree("<view bindtap='a'/>");
        assert!(propagate(&page, &[5], "tap").is_none());
        assert!(propagate(&page, &[], "tap").is_none());
    }
}
