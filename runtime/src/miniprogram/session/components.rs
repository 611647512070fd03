//! Component instances with logic: keeping the logic layer's instances in step with each
//! render, and WeChat `triggerEvent`. Headless, also what the built-in `<image>` reports
//! once drawn (the page host's `loadImage` in a window): `load` with the picture's size.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

use super::{Session, ms_since};
use crate::miniprogram::events::{ancestry, propagate, propagate_component_event, target_of};
use crate::miniprogram::images;
use crate::view::{ComponentInstance, Dialect, NodePath, VNode, path_of_instance};
use capsule_logic::{EventObject, HostElement, LogicCommand, LogicPageId, ViewEvent};
use capsule_packages::RelativePath;

impl Session {
    /// Mounts, updates and unmounts the logic of `page`'s component instances so they match
    /// its rendered tree: instances new to the tree are mounted (owners first), changed
    /// properties are sent, instances gone from it are unmounted.
    pub(super) fn reconcile(&mut self, page: LogicPageId) {
        let Some(Ok(view)) = self.pages.get(&page).map(|p| &p.view) else {
            return;
        };
        let mut found = Vec::new();
        collect_instances(view.tree(), &mut Vec::new(), &mut found);
        let Some(state) = self.pages.get_mut(&page) else {
            return;
        };
        let live: std::collections::HashSet<&str> =
            found.iter().map(|f| f.instance.id.as_str()).collect();
        let gone: Vec<String> = state
            .mounted
            .keys()
            .filter(|id| !live.contains(id.as_str()))
            .cloned()
            .collect();
        let mut commands = Vec::new();
        for id in gone {
            if let Some((component, _)) = state.mounted.remove(&id) {
                self.instances.remove(&component);
                commands.push(LogicCommand::UnmountComponent { component });
            }
        }
        for found in found {
            match state.mounted.get_mut(&found.instance.id) {
                Some((component, props)) => {
                    if *props != found.props {
                        props.clone_from(&found.props);
                        commands.push(LogicCommand::UpdateProps {
                            component: *component,
                            props: found.props,
                        });
                    }
                }
                None => {
                    let component = self.next_component;
                    self.next_component += 1;
                    let owner = found
                        .instance
                        .owner
                        .as_ref()
                        .and_then(|owner| state.mounted.get(owner))
                        .map(|(id, _)| *id);
                    let ancestors = found
                        .ancestors
                        .iter()
                        .filter_map(|ancestor| state.mounted.get(ancestor))
                        .map(|(id, _)| *id)
                        .collect();
                    state
                        .mounted
                        .insert(found.instance.id.clone(), (component, found.props.clone()));
                    self.instances
                        .insert(component, (page, found.instance.id.clone()));
                    commands.push(LogicCommand::MountComponent {
                        page,
                        component,
                        path: found.path,
                        props: found.props,
                        owner,
                        ancestors,
                        host: found.host,
                    });
                }
            }
        }
        for command in commands {
            self.logic(command);
        }
        self.report_images(page);
    }

    /// Headless, the images of `page` that show a picture they have not reported yet report
    /// `load` with its size (`{width, height}`, read from the package file's header) or
    /// `error` (`{errMsg}`) when there is no such file or it is not a picture, as a window's
    /// do once drawn: a page being opened (not shown yet) and the page shown, not the pages
    /// under it. A picture from the network (a URL with a scheme) is not loaded headless, and
    /// reports nothing. A page shown again is drawn anew in a window and its images load
    /// again; headless they report again at its next render.
    fn report_images(&mut self, page: LogicPageId) {
        if self.webview {
            return;
        }
        let Some(state) = self.pages.get(&page) else {
            return;
        };
        let Ok(view) = &state.view else {
            return;
        };
        let shown = self.shown == Some(page) && state.ready;
        if state.ready && !shown {
            return;
        }
        let mut found = Vec::new();
        collect_images(view.tree(), &mut Vec::new(), &mut found);
        if shown {
            self.fields.take_early_loads(page);
        }
        let mut reports = Vec::new();
        for (path, src) in found {
            if shown {
                if self.fields.loaded(&path) != Some(src.as_str()) {
                    self.fields.set_loaded(&path, src.clone());
                    reports.push((path, src));
                }
            } else {
                let early: &mut BTreeMap<NodePath, String> = self.fields.early_loads(page);
                if early.get(&path) != Some(&src) {
                    early.insert(path.clone(), src.clone());
                    reports.push((path, src));
                }
            }
        }
        for (path, src) in reports {
            let event = match self.picture_size(&src) {
                Some(Some((width, height))) => ("load", json!({"width": width, "height": height})),
                Some(None) => ("error", json!({"errMsg": format!("GET {src} failed")})),
                None => continue,
            };
            self.emit_on(page, &path, event.0, &event.1);
        }
    }

    /// The size of the picture at `src` (a package path, root-relative as the view layer
    /// resolves it): `Some(None)` when the package has no such picture, `None` for a URL with
    /// a scheme.
    fn picture_size(&self, src: &str) -> Option<Option<(u32, u32)>> {
        if src.starts_with("//")
            || src
                .split_once(':')
                .is_some_and(|(scheme, _)| !scheme.contains('/'))
        {
            return None;
        }
        let path = src.split(['?', '#']).next().unwrap_or_default();
        let path = percent_decode_str(path.trim_start_matches('/')).decode_utf8_lossy();
        let bytes = RelativePath::new(&path)
            .ok()
            .and_then(|path| self.app.read(&path).ok());
        Some(bytes.as_deref().and_then(images::dimensions))
    }

    /// An event the element at `path` of `page` (shown or being opened) reports without a
    /// touch, run by the handlers it reaches.
    fn emit_on(&mut self, page: LogicPageId, path: &[u32], kind: &str, detail: &Value) {
        let Some(Ok(view)) = self.pages.get(&page).map(|p| &p.view) else {
            return;
        };
        let Some((target, calls)) = propagate(view.tree(), path, kind) else {
            return;
        };
        for call in calls {
            let event = EventObject {
                kind: kind.to_owned(),
                time_stamp: ms_since(self.timing.launched),
                target: target.clone(),
                current_target: call.current_target,
                detail: detail.clone(),
                mark: (self.dialect == Dialect::WeChat).then_some(call.mark),
                ..EventObject::default()
            };
            self.logic(LogicCommand::Event(Box::new(ViewEvent {
                page,
                component: self.component_number(page, call.owner.as_ref()),
                handler: call.handler,
                event,
                reply_id: None,
            })));
        }
    }

    /// The logic number of instance `id` of `page` (`None`: the page itself).
    pub(super) fn component_number(&self, page: LogicPageId, id: Option<&String>) -> Option<u64> {
        let state = self.pages.get(&page)?;
        id.and_then(|id| state.mounted.get(id)).map(|(n, _)| *n)
    }

    /// A WeChat component's `triggerEvent(name, detail, options)`: runs the handlers its
    /// host element binds to `name` (`bind:name`) and, as `(bubbles, composed)` say, those
    /// of the elements around it, each in the instance or page that declared it.
    pub(super) fn component_event(
        &mut self,
        component: u64,
        name: &str,
        detail: &Value,
        (bubbles, composed): (bool, bool),
    ) {
        let Some((page, instance)) = self.instances.get(&component).cloned() else {
            return;
        };
        let Some(Ok(view)) = self.pages.get(&page).map(|p| &p.view) else {
            return;
        };
        let Some(path) = path_of_instance(view.tree(), &instance) else {
            return;
        };
        let chain = ancestry(view.tree(), &path);
        let Some(host) = chain.last() else {
            return;
        };
        let target = target_of(host);
        let calls = propagate_component_event(&chain, name, bubbles, composed);
        for call in calls {
            let event = EventObject {
                kind: name.to_owned(),
                time_stamp: ms_since(self.timing.launched),
                target: target.clone(),
                current_target: call.current_target,
                detail: detail.clone(),
                mark: Some(call.mark),
                ..EventObject::default()
            };
            self.logic(LogicCommand::Event(Box::new(ViewEvent {
                page,
                component: self.component_number(page, call.owner.as_ref()),
                handler: call.handler,
                event,
                reply_id: None,
            })));
        }
    }
}

/// A component instance found in a rendered tree.
struct FoundInstance {
    instance: ComponentInstance,
    path: String,
    props: Map<String, Value>,
    /// The identities of the instances it sits inside, nearest first.
    ancestors: Vec<String>,
    host: HostElement,
}

/// Every component instance in `nodes`, in document order (owners and enclosing instances
/// before what they own and enclose); `enclosing` holds the instances around `nodes`,
/// outermost first.
fn collect_instances(nodes: &[VNode], enclosing: &mut Vec<String>, out: &mut Vec<FoundInstance>) {
    for node in nodes {
        let VNode::Element(element) = node else {
            continue;
        };
        let Some((instance, path)) = element.instance.as_ref().zip(element.component.as_ref())
        else {
            collect_instances(&element.children, enclosing, out);
            continue;
        };
        // The logic layer names a component by its path without the extension.
        let path = [".wxml", ".axml"]
            .iter()
            .find_map(|ext| path.strip_suffix(ext))
            .unwrap_or(path);
        let attr = |name: &str| match element.attrs.get(name) {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        out.push(FoundInstance {
            instance: instance.clone(),
            path: path.to_owned(),
            props: element.properties(),
            ancestors: enclosing.iter().rev().cloned().collect(),
            host: HostElement {
                tag: element.tag.clone(),
                id: attr("id"),
                class: attr("class"),
            },
        });
        enclosing.push(instance.id.clone());
        collect_instances(&element.children, enclosing, out);
        enclosing.pop();
    }
}

/// Every `<image>` under `nodes` (at `at`) with a `src`, and that `src` as text, in page
/// order.
fn collect_images(nodes: &[VNode], at: &mut NodePath, out: &mut Vec<(NodePath, String)>) {
    for (index, node) in nodes.iter().enumerate() {
        let (VNode::Element(element), Ok(index)) = (node, u32::try_from(index)) else {
            continue;
        };
        at.push(index);
        if element.tag == "image" && element.component.is_none() {
            let src = match element.attrs.get("src") {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Null | Value::Bool(false)) | None => String::new(),
                Some(other) => other.to_string(),
            };
            if !src.is_empty() {
                out.push((at.clone(), src));
            }
        }
        collect_images(&element.children, at, out);
        at.pop();
    }
}
