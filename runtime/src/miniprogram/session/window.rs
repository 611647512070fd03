//! What comes from the app's window: page host messages (user events, tab and back taps,
//! scrolling, render acknowledgements), container events, and the UI requests the app makes.

use std::sync::mpsc::Sender;
use std::time::Instant;

use capsule_jsapi::{Reply, UiRequest};
use serde_json::{Value, json};

use super::{Session, UiShown, badge_of, navigator_route};
use crate::ContainerEvent;
use crate::bridge::{FromPage, ToPage};
use crate::miniprogram::diagnostic::Diagnostic;
use crate::miniprogram::events::propagate;
use crate::view::{Dialect, NodePath, element_at, truthy};
use capsule_logic::{EventObject, LogicCommand, Route, Touch, ViewEvent};

impl Session {
    /// Handles a container event; false ends the session.
    pub(super) fn on_container(&mut self, event: ContainerEvent) -> bool {
        match event {
            ContainerEvent::PageLoaded(page) if page == self.page => {
                self.loaded = true;
                self.timing.window_loaded.get_or_insert_with(Instant::now);
                self.render_shown();
            }
            ContainerEvent::PageClosed(page) if page == self.page => return false,
            ContainerEvent::WebProcessGone {
                page,
                reason,
                reloaded,
            } if page == self.page => {
                // A reloaded window loads again and is then sent the shown page whole.
                self.loaded = false;
                let next = if reloaded { "reloaded" } else { "closed" };
                self.errors.push(Diagnostic::new(format!(
                    "window: its web process {reason}; {next}"
                )));
            }
            ContainerEvent::Console {
                page,
                level,
                message,
            } if page == self.page => {
                if level == "error" {
                    self.errors
                        .push(Diagnostic::new(format!("page: {message}")));
                }
                self.console.push(format!("{level}: {message}"));
            }
            ContainerEvent::PageMessage { page, message } if page == self.page => {
                self.on_page_message(&message);
            }
            ContainerEvent::Backgrounded(page) if page == self.page => {
                self.container_moved(true);
            }
            ContainerEvent::Foregrounded(page) if page == self.page => {
                self.container_moved(false);
            }
            _ => {}
        }
        true
    }

    pub(super) fn on_page_message(&mut self, message: &Value) {
        let text = |key: &str| message.get(key).and_then(Value::as_str).unwrap_or_default();
        let number = |key: &str| message.get(key).and_then(Value::as_f64).unwrap_or_default();
        let path =
            || -> Option<NodePath> { serde_json::from_value(message.get("path")?.clone()).ok() };
        match text("kind") {
            "mpEvent" => {
                let Some(path) = path() else { return };
                let touches = |key: &str| -> Vec<Touch> {
                    message
                        .get(key)
                        .and_then(|t| serde_json::from_value(t.clone()).ok())
                        .unwrap_or_default()
                };
                if text("type") == "input" {
                    self.typed_in_window(&path, message.pointer("/detail/value"));
                }
                if text("type") == "refresherrefresh" {
                    self.refresher_triggered(&path);
                }
                let event = EventObject {
                    kind: text("type").to_owned(),
                    time_stamp: number("timeStamp"),
                    detail: message.get("detail").cloned().unwrap_or(json!({})),
                    touches: touches("touches"),
                    changed_touches: touches("changedTouches"),
                    ..EventObject::default()
                };
                self.dispatch(&path, event);
            }
            "mpRendered" => {
                let seq = match message.get("seq").and_then(Value::as_u64) {
                    Some(0) | None => self.render_seq,
                    Some(seq) => seq,
                };
                self.rendered_seq = self.rendered_seq.max(seq);
                let done = self.rendered_seq;
                let (acked, waiting): (Vec<_>, Vec<_>) =
                    self.acks.drain(..).partition(|(seq, _)| *seq <= done);
                self.acks = waiting;
                for (_, ack_id) in acked {
                    self.logic(LogicCommand::SetDataAck { ack_id });
                }
                let (released, waiting): (Vec<_>, Vec<_>) = self
                    .waiting_render
                    .drain(..)
                    .partition(|(seq, _)| *seq <= done);
                self.waiting_render = waiting;
                for (_, answer) in released {
                    answer.send(()).ok();
                }
                if seq >= self.render_seq
                    && let Some(page) = self.shown
                {
                    self.rendered(page);
                }
            }
            "mpActed" => {
                if let Some(answer) = self.acting.take() {
                    let result = if message.get("ok").and_then(Value::as_bool) == Some(true) {
                        Ok(())
                    } else {
                        Err(text("error").to_owned())
                    };
                    answer.send(result).ok();
                }
            }
            "mpTab" => {
                let index = message.get("index").and_then(Value::as_u64).unwrap_or(0);
                if let Err(error) = self.tab_pressed(index as usize) {
                    tracing::warn!(app = self.app.id(), "{error}");
                }
            }
            "mpBack" => self.back_pressed(),
            "mpWebViewCall" => self.web_view_call(message),
            "mpWebViewMessage" => {
                if let (Some(path), Some(state)) =
                    (path(), self.shown.and_then(|p| self.pages.get_mut(&p)))
                {
                    let data = message.get("data").cloned().unwrap_or(Value::Null);
                    state.web_view_messages.push((path, data));
                }
            }
            "mpTitleClick" => self.page_hook("onTitleClick", json!({})),
            // A button with an open-type was tapped (its `tap` hook, after its tap event).
            "mpOpenType" => {
                if let Some(path) = path() {
                    self.open_type(&path);
                }
            }
            "mpIntersection" => self.intersected(message),
            "mpQueryResult" => {
                let results = message.get("results").and_then(Value::as_array);
                let query = message.get("queryId").and_then(Value::as_u64);
                if let (Some(query), Some(results)) = (query, results) {
                    self.measured(query, results);
                }
            }
            "mpCallResult" => {
                if let Some(call_id) = message.get("callId").and_then(Value::as_u64) {
                    self.logic(LogicCommand::ElementCallResult {
                        call_id,
                        ok: message.get("ok").and_then(Value::as_bool) == Some(true),
                        value: message.get("value").cloned().unwrap_or(Value::Null),
                        error: text("error").to_owned(),
                    });
                }
            }
            "mpAudioEvent" => self.logic(LogicCommand::NativeEvent {
                name: "audio".to_owned(),
                data: json!({
                    "audioId": message.get("audioId").cloned().unwrap_or(Value::Null),
                    "type": text("type"),
                    "detail": message.get("detail").cloned().unwrap_or_else(|| json!({})),
                }),
            }),
            "mpScroll" => {
                let top = number("scrollTop");
                if let Some(state) = self.shown.and_then(|p| self.pages.get_mut(&p)) {
                    state.scroll_top = top;
                }
                self.page_hook("onPageScroll", json!({"scrollTop": top}));
            }
            "mpReachBottom" => self.page_hook("onReachBottom", json!({})),
            "mpPullDownRefresh" => {
                let enabled = self
                    .shown
                    .and_then(|p| self.pages.get(&p))
                    .is_some_and(|s| s.window.pulls_to_refresh());
                if enabled {
                    self.page_hook("onPullDownRefresh", json!({}));
                } else {
                    self.send_page(json!({"kind": "mpStopRefresh"}));
                }
            }
            "mpNavigate" => {
                let delta = message.get("delta").and_then(Value::as_u64).unwrap_or(1);
                // Any route but navigateTo leaves the page for good.
                if !matches!(text("openType"), "" | "navigate" | "navigateTo") {
                    self.hand_over_web_view_messages();
                }
                let from = self.shown_path().unwrap_or_default();
                if let Some(route) =
                    navigator_route(from, text("openType"), text("url"), delta as usize)
                {
                    self.logic(LogicCommand::Route(route));
                }
            }
            other => tracing::debug!(kind = other, "unknown page host message"),
        }
    }

    pub(super) fn page_hook(&self, hook: &str, arg: Value) {
        if let Some(page) = self.shown {
            self.logic(LogicCommand::PageHook {
                page,
                hook: hook.to_owned(),
                arg,
                reply_id: None,
            });
        }
    }

    /// Runs the handlers a user event at `path` of the shown page reaches.
    pub(super) fn dispatch(&mut self, path: &[u32], mut event: EventObject) {
        let Some(page) = self.shown else { return };
        let Some(Ok(view)) = self.pages.get(&page).map(|p| &p.view) else {
            return;
        };
        let Some((target, calls)) = propagate(view.tree(), path, &event.kind) else {
            tracing::debug!(?path, "event for an element that is gone");
            return;
        };
        event.target = target;
        let wants_reply = event.kind == "input";
        for call in calls {
            let reply_id = wants_reply.then(|| {
                let id = self.next_reply;
                self.next_reply += 1;
                self.input_replies.insert(id, path.to_vec());
                id
            });
            let mut event = event.clone();
            event.current_target = call.current_target;
            if self.dialect == Dialect::WeChat {
                event.mark = Some(call.mark);
            }
            let component = self.component_number(page, call.owner.as_ref());
            self.logic(LogicCommand::Event(Box::new(ViewEvent {
                page,
                component,
                handler: call.handler,
                event,
                reply_id,
            })));
        }
    }

    /// The user typed `value` into the text field at `path` in the window: the field holds
    /// it now (an Alipay `controlled` field keeps showing its `value` attribute).
    fn typed_in_window(&mut self, path: &[u32], value: Option<&Value>) {
        let (Some(tree), Some(Value::String(text))) = (self.shown_tree(), value) else {
            return;
        };
        let field = element_at(&tree, path).filter(|element| {
            matches!(element.tag.as_str(), "input" | "textarea")
                && !element.attrs.get("controlled").is_some_and(truthy)
        });
        if field.is_some() {
            self.fields.set_value(path, text.clone());
        }
    }

    /// The app went to the background or came back (the home key, a tester's step, the
    /// host): the logic calls the top page's and the app's `onHide`, or `onShow`. Nothing
    /// happens when the session already knows.
    /// The container reports the app moved (the window's home key, or a move this session
    /// made itself, which it has already acted on).
    fn container_moved(&mut self, background: bool) {
        if self.own_moves.front() == Some(&background) {
            self.own_moves.pop_front();
        } else {
            self.moved_to_background(background);
        }
    }

    pub(super) fn moved_to_background(&mut self, background: bool) {
        if self.in_background == background {
            return;
        }
        self.in_background = background;
        self.logic(if background {
            LogicCommand::EnterBackground
        } else {
            LogicCommand::EnterForeground
        });
    }

    /// Presses tab `index` of the tab bar drawn: in a window, the page host clicks the item
    /// it drew (whose listener reports `mpTab`); headless, what that click does. No tab bar
    /// drawn (not a tab page), or no such tab, is an error.
    pub(super) fn press_tab(&mut self, index: usize, answer: Sender<Result<(), String>>) {
        if let Err(error) = self.tab_drawn(index) {
            answer.send(Err(error)).ok();
        } else if self.webview && self.loaded {
            self.acting = Some(answer);
            self.send_page(json!({"kind": "mpPress", "control": "tab", "index": index}));
        } else {
            answer.send(self.tab_pressed(index)).ok();
        }
    }

    /// Presses the navigation bar's back button drawn: in a window, the page host clicks it
    /// (its listener reports `mpBack`); headless, what that click does. No back button drawn
    /// (nothing to go back to, or a page drawing its own navigation bar) is an error.
    pub(super) fn press_back(&mut self, answer: Sender<Result<(), String>>) {
        if let Err(error) = self.back_drawn() {
            answer.send(Err(error)).ok();
        } else if self.webview && self.loaded {
            self.acting = Some(answer);
            self.send_page(json!({"kind": "mpPress", "control": "back"}));
        } else {
            self.back_pressed();
            answer.send(Ok(())).ok();
        }
    }

    /// Whether the shown page has a tab bar with tab `index` drawn, and if not, why.
    fn tab_drawn(&self, index: usize) -> Result<(), String> {
        let bar = self
            .config
            .tab_bar
            .as_ref()
            .ok_or("the app has no tab bar")?;
        let route = self.shown_path().unwrap_or("no page");
        if self.config.tab_of(route).is_none() {
            return Err(format!(
                "no tab bar is drawn on {route}: it is not one of the tab bar's pages"
            ));
        }
        if index >= bar.items.len() {
            return Err(format!(
                "the tab bar has no tab {index} (it has {})",
                bar.items.len()
            ));
        }
        Ok(())
    }

    /// Whether the shown page has a back button drawn, and if not, why.
    pub(super) fn back_drawn(&self) -> Result<(), String> {
        let state = self.shown.and_then(|page| self.pages.get(&page));
        let route = state.map_or("no page", |s| s.path.as_str());
        if self.stack.len() <= 1 {
            return Err(format!(
                "nothing to go back to: {route} is the only page open, no back button is drawn"
            ));
        }
        if self.config.tab_of(route).is_some() {
            return Err(format!("no back button is drawn on tab page {route}"));
        }
        if state.is_some_and(|s| s.window.custom_navigation == Some(true)) {
            return Err(format!(
                "no back button is drawn on {route}: it draws its own navigation bar \
                 (navigationStyle custom)"
            ));
        }
        Ok(())
    }

    /// What a press on the back button does: back by one page.
    fn back_pressed(&mut self) {
        self.hand_over_web_view_messages();
        self.logic(LogicCommand::Route(Route::NavigateBack { delta: 1 }));
    }

    /// The user pulled the refresher of the scroll-view at `path` of the shown page: its
    /// `refresher-triggered` is now true, so the app's `setData({triggered: false})` ends the
    /// refresh even when its data held false already (as the platforms' demos do).
    fn refresher_triggered(&mut self, path: &[u32]) {
        if let Some(Ok(view)) = self
            .shown
            .and_then(|p| self.pages.get_mut(&p))
            .map(|state| &mut state.view)
        {
            for name in ["refresher-triggered", "refresherTriggered"] {
                view.note_user_attr(path, name, Value::Bool(true));
            }
        }
    }

    /// A JSBridge call from the H5 page of a `<web-view>` (`{frameCall, origin, api, params}`,
    /// the origin as the browser gave it to the page host): the container checks and answers
    /// it as an H5 page's call of that origin; the answer goes back to the page host as
    /// `mpWebViewReply`, which hands it to that frame.
    fn web_view_call(&mut self, message: &Value) {
        let Some(frame_call) = message.get("frameCall").and_then(Value::as_u64) else {
            return;
        };
        let text = |key: &str| message.get(key).and_then(Value::as_str).unwrap_or_default();
        let (container, page) = (self.container.clone(), self.page);
        let reply = Reply::new(move |result| {
            let (ok, result) = match result {
                Ok(value) => (true, value),
                Err(error) => (false, error.to_json()),
            };
            let answer = json!({"kind": "mpWebViewReply", "frameCall": frame_call, "ok": ok, "result": result});
            container.post(page, ToPage::MiniProgram(answer));
        });
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        self.container
            .invoke_from_frame(self.page, text("origin"), text("api"), params, reply);
    }

    /// WeChat hands a page what the H5 pages of its `<web-view>`s posted when the page is
    /// left (back, or a route that closes it): one `message` per web-view, `{data}` the list
    /// of what it posted, in order.
    fn hand_over_web_view_messages(&mut self) {
        let Some(state) = self.shown.and_then(|p| self.pages.get_mut(&p)) else {
            return;
        };
        let mut by_web_view: Vec<(NodePath, Vec<Value>)> = Vec::new();
        for (path, data) in std::mem::take(&mut state.web_view_messages) {
            match by_web_view.iter_mut().find(|(at, _)| *at == path) {
                Some((_, list)) => list.push(data),
                None => by_web_view.push((path, vec![data])),
            }
        }
        for (path, data) in by_web_view {
            self.emit(&path, "message", json!({ "data": data }));
        }
    }

    /// What a press on tab `index` does: that tab's page, and `onTabItemTap` once it shows.
    fn tab_pressed(&mut self, index: usize) -> Result<(), String> {
        let item = self
            .config
            .tab_bar
            .as_ref()
            .ok_or("the app has no tab bar")?
            .items
            .get(index)
            .ok_or_else(|| format!("the tab bar has no tab {index}"))?;
        let url = format!("/{}", item.page);
        self.tapped_tab = Some(json!({"index": index, "pagePath": item.page, "text": item.text}));
        self.logic(LogicCommand::Route(Route::SwitchTab { url }));
        // Tapping the tab already shown changes no page.
        self.tab_item_tapped();
        Ok(())
    }

    pub(super) fn on_ui(&mut self, id: u64, request: &UiRequest) {
        let value = serde_json::to_value(request).unwrap_or_default();
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let open = matches!(kind, "alert" | "modal" | "actionSheet");
        match kind {
            "navigationBar" => {
                if let Some(loading) = value.get("loading").and_then(Value::as_bool) {
                    self.bar_loading = loading;
                }
                if let Some(state) = self.shown.and_then(|p| self.pages.get_mut(&p)) {
                    state.window.apply_request(&value);
                }
                self.send_page(json!({"kind": "mpChrome", "chrome": self.chrome()}));
            }
            "tabBarBadge" => {
                let index = value.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
                if let Some(slot) = self.badges.get_mut(index) {
                    *slot = badge_of(value.get("badge"));
                }
                self.send_page(json!({"kind": "mpChrome", "chrome": self.chrome()}));
            }
            "pageScrollTo" => self.send_page(json!({
                "kind": "mpScrollTo",
                "scrollTop": value.get("scrollTop").cloned().unwrap_or(json!(0)),
                "duration": value.get("durationMs").cloned().unwrap_or(json!(0)),
            })),
            "pullDownRefresh" => {
                if value.get("start").and_then(Value::as_bool) == Some(true) {
                    // As if the user pulled: the window shows the refresh animation.
                    self.send_page(json!({"kind": "mpStartRefresh"}));
                    self.page_hook("onPullDownRefresh", json!({}));
                } else {
                    self.send_page(json!({"kind": "mpStopRefresh"}));
                }
            }
            // Without a window nothing draws a toast or a loading indicator: it counts as
            // shown at once, as the window answers it once drawn, so `success` runs.
            "toast" | "loading" | "hideToast" | "hideLoading" if !self.webview => {
                let origin = self.app.origin();
                self.container.receive(
                    self.page,
                    &origin,
                    FromPage::UiResult {
                        ui_id: id,
                        result: Value::Null,
                    },
                );
            }
            _ => {}
        }
        self.remember_ui(UiShown {
            id,
            request: value,
            open,
        });
    }
}

/// The most closed dialogs a session keeps (those open are all kept).
const MAX_CLOSED_UI: usize = 200;

impl Session {
    /// Remembers a dialog, toast or sheet the app showed, forgetting the oldest closed ones
    /// past [`MAX_CLOSED_UI`] (scenarios look at the ones shown since their last step).
    fn remember_ui(&mut self, shown: UiShown) {
        self.ui.push(shown);
        let closed = self.ui.iter().filter(|shown| !shown.open).count();
        let mut excess = closed.saturating_sub(MAX_CLOSED_UI);
        self.ui.retain(|shown| {
            let forget = excess > 0 && !shown.open;
            excess -= usize::from(forget);
            !forget
        });
    }
}
