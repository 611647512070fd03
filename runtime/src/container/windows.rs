//! H5 apps' windows, as Nebula's container keeps them: each app a stack of windows (one
//! page each, with its own title bar), opened with `pushWindow`, closed with `popWindow`,
//! `popTo`, `closeWebview`, `exitApp` and the back key, and the data and startup parameters
//! its windows share. The handlers of [`WindowRequest`]s, which the device hands over.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use capsule_jsapi::{
    ApiError, BackBehavior, OptionMenuChange, PopTarget, Reply, WindowParams, WindowRequest,
};
use serde_json::{Map, Value, json};

use super::launcher::{Launched, StartAppError};
use super::{Container, H5Window, OpenPage, page_path};
use crate::protocol::origin_of;
use crate::{PageId, PageSpec, TitleBar, TitleBarPress};

/// Nebula's code for `popTo` finding no such window, and for `startApp` finding no such app.
const NOT_FOUND: i64 = 10;
/// Nebula's code for `startApp` failing to open the app.
const START_FAILED: i64 = 11;
/// A page that prevents this many back presses in a row, each within
/// [`FORCED_BACK_WINDOW`] of the last, is left anyway: a page cannot trap the user.
const FORCED_BACK_PRESSES: u32 = 3;
const FORCED_BACK_WINDOW: std::time::Duration = std::time::Duration::from_secs(2);

impl Container {
    /// Carries out `request` of H5 page `page` on its app's stack of windows.
    pub(super) fn window_request(&self, page: PageId, request: WindowRequest, reply: Reply) {
        let is_window = self
            .pages()
            .get(&page)
            .is_some_and(|open| open.window.is_some());
        if !is_window {
            return reply.send(Err(ApiError::unknown(
                "window APIs are for the pages of H5 apps",
            )));
        }
        match request {
            WindowRequest::Push {
                url,
                params,
                pass_data,
            } => reply.send(self.push_window(page, &url, &params, pass_data)),
            WindowRequest::Pop { data } => {
                reply.send(Ok(json!({})));
                self.pop_window(page, data);
            }
            WindowRequest::Close => {
                reply.send(Ok(json!({})));
                self.pop_window(page, json!({}));
            }
            WindowRequest::PopTo { target, data } => match self.pop_target(page, &target) {
                Ok(target) => {
                    reply.send(Ok(json!({})));
                    self.pop_to(target, data);
                }
                Err(error) => reply.send(Err(error)),
            },
            WindowRequest::ExitApp => {
                reply.send(Ok(json!({})));
                if let Some(root) = self.window_root(page) {
                    self.close(root);
                }
            }
            WindowRequest::SetTitle { title, subtitle } => {
                self.change_title_bar(page, |bar| {
                    if let Some(title) = title {
                        bar.title = title;
                    }
                    if let Some(subtitle) = subtitle {
                        bar.subtitle = subtitle;
                    }
                });
                reply.send(Ok(json!({})));
            }
            WindowRequest::TitleLoading(loading) => {
                self.change_title_bar(page, |bar| bar.loading = loading);
                reply.send(Ok(json!({})));
            }
            WindowRequest::OptionMenu(change) => {
                self.change_title_bar(page, |bar| match change {
                    OptionMenuChange::Set { items, reset } => {
                        bar.menu = if reset { Vec::new() } else { items };
                    }
                    OptionMenuChange::Visible(visible) => bar.menu_visible = visible,
                });
                reply.send(Ok(json!({})));
            }
            WindowRequest::StartupParams(keys) => reply.send(Ok(self.startup_params(page, keys))),
            WindowRequest::StartApp {
                app_id,
                param,
                close_current_app,
            } => reply.send(self.start_app(page, &app_id, &param, close_current_app)),
            WindowRequest::SetSessionData(data) => reply.send(self.set_session_data(page, data)),
            WindowRequest::GetSessionData(keys) => {
                reply.send(Ok(self.session_data(page, keys.as_deref())));
            }
        }
    }

    /// The user pressed the back key or the title bar's back button on H5 page `page`: the
    /// page hears `back`, and unless it prevents it the window goes back. When the page has
    /// prevented the last presses, quickly one after another, the window closes anyway.
    pub fn press_back(&self, page: PageId) {
        let forced = {
            let mut pages = self.pages();
            let Some(window) = pages.get_mut(&page).and_then(|open| open.window.as_mut()) else {
                tracing::debug!(page = page.0, "back key on a page that is no H5 window");
                return;
            };
            let now = std::time::Instant::now();
            let (count, last) = window.prevented_backs;
            let in_a_row = last.is_some_and(|last| now.duration_since(last) < FORCED_BACK_WINDOW);
            let count = if in_a_row { count + 1 } else { 1 };
            window.prevented_backs = (count, Some(now));
            count >= FORCED_BACK_PRESSES
        };
        if forced {
            tracing::warn!(
                page = page.0,
                "the page kept preventing back; closing its window"
            );
            self.pop_window(page, json!({}));
        } else {
            self.send_event(page, "back", json!({}));
        }
    }

    /// The user touched the title bar of H5 page `page`: the back button goes back (see
    /// [`Container::press_back`]), the title and subtitle fire `titleClick` and
    /// `subtitleClick`, an option menu button fires `optionMenu` with its `index` and
    /// `title`. Touches on what is not drawn are ignored.
    pub fn title_bar_pressed(&self, page: PageId, press: TitleBarPress) {
        let Some(bar) = self.title_bar(page) else {
            return;
        };
        match press {
            TitleBarPress::Back if bar.back_button => self.press_back(page),
            TitleBarPress::Title => self.send_event(page, "titleClick", json!({})),
            TitleBarPress::Subtitle if !bar.subtitle.is_empty() => {
                self.send_event(page, "subtitleClick", json!({}));
            }
            TitleBarPress::Menu(index) if bar.menu_visible => match bar.menu.get(index) {
                Some(item) => self.send_event(
                    page,
                    "optionMenu",
                    json!({"index": index, "title": item.title}),
                ),
                None => tracing::debug!(page = page.0, index, "no such option menu button"),
            },
            _ => tracing::debug!(page = page.0, ?press, "title bar touch on nothing drawn"),
        }
    }

    /// The document of H5 page `page` has the title `title`: the title bar shows it when
    /// the window reads titles. Render hosts call this when a page's title changes.
    pub fn page_title_changed(&self, page: PageId, title: &str) {
        let reads = self
            .pages()
            .get(&page)
            .and_then(|open| open.window.as_ref())
            .is_some_and(|window| window.read_title);
        if reads && !title.is_empty() {
            let title = title.to_owned();
            self.change_title_bar(page, |bar| bar.title = title);
        }
    }

    /// The title bar of H5 page `page` as it is drawn now.
    pub fn title_bar(&self, page: PageId) -> Option<TitleBar> {
        self.pages()
            .get(&page)
            .and_then(|open| open.window.as_ref())
            .map(|window| window.title_bar.clone())
    }

    /// The windows of the H5 app `page` belongs to, bottom first.
    pub fn window_stack(&self, page: PageId) -> Vec<PageId> {
        with_root(&mut self.pages(), page, |_, window| window.stack.clone()).unwrap_or_default()
    }

    /// The page's `back` event was not prevented: back in its history when its window goes
    /// back so and it has history, else the window closes.
    pub(super) fn back_unhandled(&self, page: PageId, can_go_back: bool) {
        let behavior = self
            .pages()
            .get_mut(&page)
            .and_then(|open| open.window.as_mut())
            .map(|window| {
                window.prevented_backs = (0, None);
                window.back_behavior
            });
        match behavior {
            Some(BackBehavior::Back) if can_go_back => self.post(page, crate::ToPage::HistoryBack),
            Some(_) => self.pop_window(page, json!({})),
            None => {}
        }
    }

    /// The first window of `page`'s app, if `page` is an H5 window.
    fn window_root(&self, page: PageId) -> Option<PageId> {
        self.pages()
            .get(&page)
            .and_then(|open| open.window.as_ref())
            .map(|window| window.root)
    }

    /// Changes the title bar of `page` and has the host draw it.
    fn change_title_bar(&self, page: PageId, change: impl FnOnce(&mut TitleBar)) {
        let bar = {
            let mut pages = self.pages();
            let Some(window) = pages.get_mut(&page).and_then(|open| open.window.as_mut()) else {
                return;
            };
            let before = window.title_bar.clone();
            change(&mut window.title_bar);
            if window.title_bar == before {
                return;
            }
            window.title_bar.clone()
        };
        self.inner.host.set_title_bar(page, &bar);
    }

    /// `pushWindow`: opens `url` (relative to `page`'s) in a window over the top of the
    /// stack; the window it covers hears `pause`.
    fn push_window(
        &self,
        page: PageId,
        url: &str,
        params: &WindowParams,
        pass_data: Map<String, Value>,
    ) -> Result<Value, ApiError> {
        let (app, base) = {
            let pages = self.pages();
            let open = pages
                .get(&page)
                .ok_or_else(|| ApiError::unknown("page closed"))?;
            let window = open
                .window
                .as_ref()
                .ok_or_else(|| ApiError::unknown("no window"))?;
            (open.app.clone(), window.url.clone())
        };
        let target = url::Url::parse(&base)
            .and_then(|base| base.join(url))
            .map_err(|e| ApiError::invalid_param(format!("pushWindow: '{url}' is not a URL: {e}")))?
            .to_string();
        let own = origin_of(&app.origin());
        let target_origin = origin_of(&target);
        if target_origin != own {
            let other_app = target.starts_with(&format!("{}://", crate::SCHEME));
            let allowed = target_origin
                .as_deref()
                .is_some_and(|origin| self.inner.dispatcher.policy.allows_origin(origin));
            if other_app || !allowed {
                let hint = if other_app {
                    "another app's pages open with startApp"
                } else {
                    "the host does not allow that origin"
                };
                return Err(ApiError::invalid_param(format!(
                    "pushWindow: cannot open {target}: {hint}"
                )));
            }
        }
        let id = PageId(self.inner.next_page.fetch_add(1, Ordering::Relaxed));
        let mut startup = Map::new();
        startup.insert("appId".into(), Value::String(app.id().to_owned()));
        startup.insert("url".into(), Value::String(target.clone()));
        startup.insert("passData".into(), Value::Object(pass_data));
        let (root, below, title_bar) = {
            let mut pages = self.pages();
            let (root, below) = with_root(&mut pages, page, |root, window| {
                let below = *window.stack.last().unwrap_or(&root);
                window.stack.push(id);
                (root, below)
            })?;
            let mut window = H5Window::new(root, target.clone(), params, startup.clone());
            window.title_bar.back_button = true;
            let title_bar = window.title_bar.clone();
            let mut open = OpenPage::of(&app);
            open.window = Some(window);
            pages.insert(id, open);
            (root, below, title_bar)
        };
        tracing::info!(
            app = app.id(),
            page = id.0,
            root = root.0,
            url = target,
            "pushing a window"
        );
        self.inner.host.open_page(PageSpec {
            id,
            app: app.clone(),
            url: target.clone(),
            stacked_on: Some(below),
            title_bar: Some(title_bar),
            startup_params: Value::Object(startup),
        });
        self.page_entered(app.id(), &target, Some(&page_path(&base)));
        self.send_event(below, "pause", json!({}));
        Ok(json!({}))
    }

    /// Closes `page`'s window; when it was the top one, the window below hears `resume` with
    /// `data`. The app's only window closes the app.
    fn pop_window(&self, page: PageId, data: Value) {
        let stack = self.window_stack(page);
        let Some(position) = stack.iter().position(|member| *member == page) else {
            return;
        };
        if position == 0 {
            return self.close(page);
        }
        let was_top = position + 1 == stack.len();
        self.close(page);
        if was_top {
            self.send_event(stack[position - 1], "resume", data);
        }
    }

    /// The window `popTo` from `page` returns to.
    fn pop_target(&self, page: PageId, target: &PopTarget) -> Result<PageId, ApiError> {
        let stack = self.window_stack(page);
        let position = stack
            .iter()
            .position(|member| *member == page)
            .ok_or_else(|| ApiError::unknown("page closed"))?;
        match target {
            PopTarget::Index(index) => {
                let wanted = if *index < 0 {
                    i64::try_from(position).unwrap_or(i64::MAX) + index
                } else {
                    *index
                };
                usize::try_from(wanted)
                    .ok()
                    .filter(|wanted| *wanted < position)
                    .map(|wanted| stack[wanted])
                    .ok_or_else(|| {
                        ApiError::new(
                            NOT_FOUND,
                            format!(
                                "popTo: no window at index {index} below this one (it is window {position} of {})",
                                stack.len()
                            ),
                        )
                    })
            }
            PopTarget::UrlPattern(pattern) => {
                let matcher = regex::Regex::new(pattern).map_err(|e| {
                    ApiError::invalid_param(format!(
                        "popTo: 'urlPattern' is no regular expression: {e}"
                    ))
                })?;
                let pages = self.pages();
                stack[..position]
                    .iter()
                    .rev()
                    .find(|member| {
                        pages
                            .get(member)
                            .and_then(|open| open.window.as_ref())
                            .is_some_and(|window| matcher.is_match(&window.url))
                    })
                    .copied()
                    .ok_or_else(|| {
                        ApiError::new(
                            NOT_FOUND,
                            format!(
                                "popTo: no window below this one has a URL matching '{pattern}'"
                            ),
                        )
                    })
            }
        }
    }

    /// Closes every window above `target`, top first; `target` hears `resume` with `data`.
    fn pop_to(&self, target: PageId, data: Value) {
        let stack = self.window_stack(target);
        let Some(position) = stack.iter().position(|member| *member == target) else {
            return;
        };
        for above in stack[position + 1..].iter().rev() {
            self.close(*above);
        }
        self.send_event(target, "resume", data);
    }

    /// What `getStartupParams` answers: the page's startup parameters, only `keys` when
    /// given (unknown keys are left out).
    fn startup_params(&self, page: PageId, keys: Option<Vec<String>>) -> Value {
        let startup = self
            .pages()
            .get(&page)
            .and_then(|open| open.window.as_ref())
            .map(|window| window.startup.clone())
            .unwrap_or_default();
        Value::Object(match keys {
            None => startup,
            Some(keys) => keys
                .into_iter()
                .filter_map(|key| startup.get(&key).cloned().map(|value| (key, value)))
                .collect(),
        })
    }

    /// `startApp`: the host's launcher opens the app; the caller's app closes after when
    /// `close_current_app`.
    fn start_app(
        &self,
        page: PageId,
        app_id: &str,
        param: &Map<String, Value>,
        close_current_app: bool,
    ) -> Result<Value, ApiError> {
        let from = self
            .app_of(page)
            .map(|app| app.id().to_owned())
            .unwrap_or_default();
        let launcher = self.inner.launcher.clone().ok_or_else(|| {
            ApiError::new(NOT_FOUND, format!("startApp: no app {app_id} is installed"))
        })?;
        let failed = |error: StartAppError| {
            let code = match error {
                StartAppError::NotFound(_) => NOT_FOUND,
                StartAppError::Failed(_) => START_FAILED,
            };
            ApiError::new(code, format!("startApp: {error}"))
        };
        match launcher.start(&from, app_id, param).map_err(failed)? {
            Launched::OpenH5(app) => {
                self.open_with(app, param.clone())
                    .map_err(|error| failed(StartAppError::Failed(error.to_string())))?;
            }
            Launched::Opened => {}
        }
        tracing::info!(from, app = app_id, "started an app");
        if close_current_app && let Some(root) = self.window_root(page) {
            self.close(root);
        }
        Ok(json!({"success": true}))
    }

    /// `setSessionData`: stores `data`'s keys in the data the app's windows share, refused
    /// whole when the result would exceed the limit.
    fn set_session_data(&self, page: PageId, data: Map<String, Value>) -> Result<Value, ApiError> {
        with_root(&mut self.pages(), page, |_, window| {
            let mut merged = window.session_data.clone();
            merged.extend(data);
            let size = serde_json::to_string(&merged).map_or(usize::MAX, |json| json.len());
            if size > capsule_jsapi::MAX_WINDOW_DATA_BYTES {
                return Err(ApiError::invalid_param(format!(
                    "setSessionData: the session data would be {size} bytes as JSON, more than {}",
                    capsule_jsapi::MAX_WINDOW_DATA_BYTES
                )));
            }
            window.session_data = merged;
            Ok(json!({}))
        })?
    }

    /// `getSessionData`: `{data}` with the keys asked for that are set (all without keys).
    fn session_data(&self, page: PageId, keys: Option<&[String]>) -> Value {
        let data = with_root(&mut self.pages(), page, |_, window| {
            window.session_data.clone()
        })
        .unwrap_or_default();
        let data: Map<String, Value> = match keys {
            None => data,
            Some(keys) => keys
                .iter()
                .filter_map(|key| data.get(key).map(|value| (key.clone(), value.clone())))
                .collect(),
        };
        json!({ "data": data })
    }
}

/// Runs `with` on the first window of `page`'s app (which holds the stack and the session
/// data), given its page; an error when `page` is no H5 window or its app's first window is
/// closed.
fn with_root<T>(
    pages: &mut HashMap<PageId, OpenPage>,
    page: PageId,
    with: impl FnOnce(PageId, &mut H5Window) -> T,
) -> Result<T, ApiError> {
    let root = pages
        .get(&page)
        .and_then(|open| open.window.as_ref())
        .map(|window| window.root)
        .ok_or_else(|| ApiError::unknown("the page is no open H5 window"))?;
    let window = pages
        .get_mut(&root)
        .and_then(|open| open.window.as_mut())
        .ok_or_else(|| ApiError::unknown("the app's first window is closed"))?;
    Ok(with(root, window))
}
