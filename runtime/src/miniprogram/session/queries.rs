//! Layout questions of the logic layer. Selector queries (`createSelectorQuery().exec()`):
//! the elements are found on the session's virtual DOM, which also gives what they hold (id,
//! dataset, properties); where they are (rect, size, scroll offset, computed style) comes
//! from the page host's layout. Headless there is no layout, and those numbers are 0.
//! Intersection observers: the elements are found the same way and watched by the page host
//! (`IntersectionObserver`) while their page is drawn; headless nothing ever intersects.
//! Element calls (a video context's `play`, a canvas context's drawing): the element is
//! found the same way and its component's `call` hook in the page host does the work.

use serde_json::{Map, Value, json};

use super::Session;
use super::pending::{Observer, PendingQuery, Target};
use crate::miniprogram::events::target_of;
use crate::view::{NodePath, Selector, VElement, VNode, element_at, path_of_instance};
use capsule_logic::{LogicCommand, LogicPageId};

/// The layout fields a query may ask for, with the numbers each one reports.
const LAYOUT_FIELDS: [(&str, &[&str]); 3] = [
    ("rect", &["left", "right", "top", "bottom"]),
    ("size", &["width", "height"]),
    (
        "scrollOffset",
        &["scrollLeft", "scrollTop", "scrollWidth", "scrollHeight"],
    ),
];

impl Session {
    /// Answers query `query_id` about page `page` (inside instance `component` when given):
    /// at once headless or when nothing needs a layout, else once the page host measured.
    pub(super) fn selector_query(
        &mut self,
        page: LogicPageId,
        component: Option<u64>,
        query_id: u64,
        requests: &[Value],
    ) {
        let (tree, scope) = self.tree_and_scope(page, component);
        let mut targets = Vec::new();
        let mut results = Vec::new();
        let mut wants_layout = false;
        for request in requests {
            let fields = request.get("fields").cloned().unwrap_or_else(|| json!({}));
            wants_layout |= LAYOUT_FIELDS.iter().any(|(field, _)| flag(&fields, field))
                || !names(&fields, "computedStyle").is_empty();
            let all = flag(request, "all");
            let target = match request.get("selector").and_then(Value::as_str) {
                None => Target::Viewport,
                Some(text) => {
                    let found = self.matching(text, &tree, scope.as_deref());
                    if all {
                        Target::All(found)
                    } else {
                        Target::One(found.into_iter().next())
                    }
                }
            };
            // A context finds its element again as this request's match number `index`.
            let selector = request.get("selector").cloned().unwrap_or(Value::Null);
            let described = |index: usize, path: &NodePath| {
                let mut result =
                    element_at(&tree, path).map_or(Value::Null, |el| describe(el, &fields));
                if let Some(Value::Object(context)) = result.get_mut("context") {
                    context.insert("selector".into(), selector.clone());
                    context.insert("index".into(), index.into());
                }
                result
            };
            results.push(match &target {
                Target::Viewport => layout_placeholder(&fields),
                Target::One(found) => found.as_ref().map_or(Value::Null, |p| described(0, p)),
                Target::All(found) => Value::Array(
                    found
                        .iter()
                        .enumerate()
                        .map(|(index, path)| described(index, path))
                        .collect(),
                ),
            });
            targets.push(target);
        }
        let measurable = self.webview && self.loaded && self.shown == Some(page);
        if !(wants_layout && measurable) {
            self.logic(LogicCommand::SelectorResult { query_id, results });
            return;
        }
        let asks: Vec<Value> = targets
            .iter()
            .zip(requests)
            .map(|(target, request)| {
                json!({
                    "viewport": matches!(target, Target::Viewport),
                    "paths": target.paths(),
                    "fields": request.get("fields").cloned().unwrap_or_else(|| json!({})),
                })
            })
            .collect();
        self.send_page(json!({"kind": "mpQuery", "queryId": query_id, "requests": asks}));
        self.queries
            .insert(query_id, PendingQuery { targets, results });
    }

    /// The page host's measurements for query `query_id` (`measured[i]`: one object per
    /// path of request `i`, or one object for the viewport), merged into its results.
    pub(super) fn measured(&mut self, query_id: u64, measured: &[Value]) {
        let Some(PendingQuery {
            targets,
            mut results,
        }) = self.queries.remove(&query_id)
        else {
            return;
        };
        for (index, target) in targets.iter().enumerate() {
            let layout = measured.get(index).and_then(Value::as_array);
            let layout_of = |n: usize| layout.and_then(|l| l.get(n));
            match (target, &mut results[index]) {
                (Target::Viewport | Target::One(Some(_)), result) => merge(result, layout_of(0)),
                (Target::All(_), Value::Array(each)) => {
                    for (n, result) in each.iter_mut().enumerate() {
                        merge(result, layout_of(n));
                    }
                }
                _ => {}
            }
        }
        self.logic(LogicCommand::SelectorResult { query_id, results });
    }
}

impl Session {
    /// Starts intersection observer `id` of `page`; the page host watches while it is drawn.
    pub(super) fn observe(
        &mut self,
        page: LogicPageId,
        component: Option<u64>,
        id: u64,
        request: Value,
    ) {
        self.observers.insert(
            id,
            Observer {
                page,
                component,
                request,
                paths: Vec::new(),
            },
        );
        if self.shown == Some(page) {
            self.send_observer(id);
        }
    }

    /// Stops intersection observer `id`.
    pub(super) fn unobserve(&mut self, id: u64) {
        if self.observers.remove(&id).is_some() {
            self.send_page(json!({"kind": "mpUnobserve", "observerId": id}));
        }
    }

    /// Hands the page host every observer of `page`, which it has just drawn.
    pub(super) fn send_observers(&mut self, page: LogicPageId) {
        let ids: Vec<u64> = self
            .observers
            .iter()
            .filter(|(_, observer)| observer.page == page)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.send_observer(id);
        }
    }

    fn send_observer(&mut self, id: u64) {
        if !(self.webview && self.loaded) {
            return;
        }
        let Some(observer) = self.observers.get(&id) else {
            return;
        };
        let request = observer.request.clone();
        let (tree, scope) = self.tree_and_scope(observer.page, observer.component);
        let mut find = |key: &str| -> Vec<NodePath> {
            request
                .get(key)
                .and_then(Value::as_str)
                .map(|text| self.matching(text, &tree, scope.as_deref()))
                .unwrap_or_default()
        };
        let mut paths = find("selector");
        if !flag(&request, "observeAll") {
            paths.truncate(1);
        }
        let relative_to = find("relativeTo").into_iter().next();
        let message = json!({
            "kind": "mpObserve",
            "observerId": id,
            "paths": paths,
            "relativeTo": relative_to,
            "margins": request.get("margins"),
            "thresholds": request.get("thresholds"),
            "initialRatio": request.get("initialRatio"),
        });
        if let Some(observer) = self.observers.get_mut(&id) {
            observer.paths = paths;
        }
        self.send_page(message);
    }

    /// An element of observer `observerId` (its `index`-th) crossed a threshold:
    /// `{observerId, index, entry}` from the page host.
    pub(super) fn intersected(&mut self, message: &Value) {
        let id = message.get("observerId").and_then(Value::as_u64);
        let Some((id, observer)) = id.and_then(|id| Some((id, self.observers.get(&id)?))) else {
            return;
        };
        let index = message.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
        let tree = self
            .pages
            .get(&observer.page)
            .map(super::PageState::tree)
            .unwrap_or_default();
        let mut entry = message.get("entry").cloned().unwrap_or_else(|| json!({}));
        if let (Some(element), Value::Object(fields)) = (
            observer
                .paths
                .get(index)
                .and_then(|path| element_at(&tree, path)),
            &mut entry,
        ) {
            let target = target_of(element);
            fields.insert("id".into(), json!(target.id));
            fields.insert("dataset".into(), Value::Object(target.dataset));
        }
        self.logic(LogicCommand::Intersection {
            observer_id: id,
            entry,
        });
    }
}

impl Session {
    /// The rendered tree of `page` and, for a question from `component`, the path of that
    /// instance's host element: its questions look inside it only.
    fn tree_and_scope(
        &self,
        page: LogicPageId,
        component: Option<u64>,
    ) -> (Vec<VNode>, Option<NodePath>) {
        let tree = self
            .pages
            .get(&page)
            .map(super::PageState::tree)
            .unwrap_or_default();
        let scope = component
            .and_then(|n| self.instances.get(&n))
            .filter(|(owner, _)| *owner == page)
            .and_then(|(_, instance)| path_of_instance(&tree, instance));
        (tree, scope)
    }

    /// The paths selector `text` matches in `tree`, or inside the element at `scope` only; a
    /// selector that cannot be used matches nothing and is reported on the console.
    fn matching(&mut self, text: &str, tree: &[VNode], scope: Option<&[u32]>) -> Vec<NodePath> {
        let selector = match Selector::parse(text) {
            Ok(selector) => selector,
            Err(error) => {
                self.console.push(format!("warn: {error}"));
                return Vec::new();
            }
        };
        match scope {
            Some(scope) => selector.find_inside(tree, scope),
            None => selector.find(tree),
        }
    }
}

/// What the virtual DOM tells of `element`: the asked-for `id`, `dataset` and `properties`,
/// what a `<canvas type="2d">`'s `node` and an element's `context` are made from, and the
/// layout fields at 0.
fn describe(element: &VElement, fields: &Value) -> Value {
    let mut result = layout_placeholder(fields);
    let target = target_of(element);
    if flag(fields, "node")
        && let Some(node) = canvas_node(element, &target.id)
    {
        result["node"] = node;
    }
    if flag(fields, "context") {
        result["context"] = element_context(element);
    }
    if flag(fields, "id") {
        result["id"] = json!(target.id);
    }
    if flag(fields, "dataset") {
        result["dataset"] = Value::Object(target.dataset);
    }
    for name in names(fields, "properties") {
        result[name.as_str()] = element.attrs.get(&name).cloned().unwrap_or(Value::Null);
    }
    result
}

/// The logic makes a Canvas 2D node (`contexts/canvas.js`) from this: the attributes that
/// find the canvas again (`id`, else `canvas-id`), its type, and its first size (Alipay's
/// `width` / `height`, else the 300 × 150 a canvas starts with). Other elements have none.
fn canvas_node(element: &VElement, id: &str) -> Option<Value> {
    let attr = |name: &str| element.attrs.get(name).filter(|value| !value.is_null());
    let kind = attr("type").and_then(Value::as_str)?;
    if element.tag != "canvas" || !matches!(kind, "2d" | "webgl") {
        return None;
    }
    let text = |name: &str| match attr(name) {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let size = |name: &str| {
        attr(name)
            .and_then(|value| match value {
                Value::String(text) => text.trim().parse::<f64>().ok(),
                other => other.as_f64(),
            })
            .filter(|n| n.is_finite() && *n > 0.0)
    };
    Some(json!({
        "__capsuleNode": "canvas",
        "type": kind,
        "id": id,
        "canvasId": text("canvas-id"),
        "width": size("width"),
        "height": size("height"),
    }))
}

/// What the logic makes a `context` field's object from (`contexts/*.js`): the element's
/// tag, for the elements that have a context (`<editor>`, `<video>`); null for others, as
/// the platforms answer. The query adds what finds the element again.
fn element_context(element: &VElement) -> Value {
    if matches!(element.tag.as_str(), "editor" | "video") {
        json!({"__capsuleContext": element.tag})
    } else {
        Value::Null
    }
}

/// An object with every asked-for layout number at 0.
fn layout_placeholder(fields: &Value) -> Value {
    let mut result = Map::new();
    for (field, numbers) in LAYOUT_FIELDS {
        if flag(fields, field) {
            for number in numbers {
                result.insert((*number).to_owned(), json!(0));
            }
        }
    }
    Value::Object(result)
}

/// Copies the measured fields into `result`.
fn merge(result: &mut Value, layout: Option<&Value>) {
    if let (Value::Object(result), Some(Value::Object(layout))) = (result, layout) {
        for (key, value) in layout {
            result.insert(key.clone(), value.clone());
        }
    }
}

fn flag(object: &Value, name: &str) -> bool {
    object.get(name).and_then(Value::as_bool).unwrap_or(false)
}

/// The names listed under `fields[key]` (`properties`, `computedStyle`).
fn names(fields: &Value, key: &str) -> Vec<String> {
    fields
        .get(key)
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

impl Session {
    /// Calls `method` on the element `selector` finds on page `page` (inside instance
    /// `component` when given), where the page host draws it. Headless, or while the page is
    /// not drawn, nothing is drawn to call: the call succeeds with `null`, as a player's
    /// `play` on a page the user left does nothing.
    pub(super) fn element_call(
        &mut self,
        page: LogicPageId,
        component: Option<u64>,
        call_id: u64,
        (selector, index): (&str, usize),
        method: &str,
        args: &Value,
    ) {
        let (tree, scope) = self.tree_and_scope(page, component);
        let answer = |ok: bool, error: String| LogicCommand::ElementCallResult {
            call_id,
            ok,
            value: Value::Null,
            error,
        };
        let Some(path) = self
            .matching(selector, &tree, scope.as_deref())
            .into_iter()
            .nth(index)
        else {
            self.logic(answer(false, format!("no element matches {selector}")));
            return;
        };
        if !(self.webview && self.loaded && self.shown == Some(page)) {
            self.logic(answer(true, String::new()));
            return;
        }
        self.send_page(json!({
            "kind": "mpCall", "callId": call_id, "path": path, "method": method, "args": args,
        }));
    }

    /// Passes a call on audio player `audio_id` to the page host, which plays it. Headless
    /// there is nothing to play on: the player reports an error (10001, the platforms'
    /// system error) for `play`.
    pub(super) fn audio_call(&mut self, audio_id: u64, method: &str, args: &Value) {
        if self.webview {
            self.send_page(json!({
                "kind": "mpAudio", "audioId": audio_id, "method": method, "args": args,
            }));
        } else if method == "play" {
            self.logic(LogicCommand::NativeEvent {
                name: "audio".to_owned(),
                data: json!({
                    "audioId": audio_id, "type": "error",
                    "detail": {"errCode": 10001, "errMsg": "a headless session plays no audio"},
                }),
            });
        }
    }
}
