//! The simulated device apps run on: its screen, its clipboard and the UI the container draws.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use capsule_jsapi::{ApiError, Device, Reply, SafeArea, SystemInfo, UiRequest, WindowRequest};
use serde_json::Value;

use crate::bridge::ToPage;
use crate::{PageId, RenderHost};

/// A device the simulator pretends to be: what `getSystemInfo` reports and the window size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeviceProfile {
    /// Name used on the command line, e.g. `iphone-12`.
    pub name: &'static str,
    /// Model reported to apps.
    pub model: &'static str,
    /// Brand reported to apps.
    pub brand: &'static str,
    /// Screen width in CSS pixels (also the window width).
    pub width: u32,
    /// Screen height in CSS pixels (also the window height).
    pub height: u32,
    /// Physical pixels per CSS pixel reported to apps.
    pub pixel_ratio: f64,
    /// Operating system reported to apps.
    pub system: &'static str,
    /// Platform reported to apps.
    pub platform: &'static str,
    /// Status bar height in CSS pixels: also the top safe-area inset (on iPhones with a
    /// notch the status bar is as tall as the notch).
    pub status_bar_height: u32,
    /// Bottom safe-area inset in CSS pixels: the home indicator of iPhones without a home
    /// button (0 elsewhere).
    pub safe_area_bottom: u32,
    /// Bytes one app's logic may hold on this device before it is stopped (see
    /// `LogicOptions::memory_budget`): a share of the device's memory like the one a phone
    /// leaves a mini-program before killing it.
    pub memory_budget: u64,
}

impl DeviceProfile {
    /// The profiles the simulator offers; the first is the default.
    pub const ALL: [Self; 7] = [
        Self {
            name: "iphone-8",
            model: "iPhone 8",
            brand: "Apple",
            width: 375,
            height: 667,
            pixel_ratio: 2.0,
            system: "iOS 16.0",
            platform: "ios",
            status_bar_height: 20,
            safe_area_bottom: 0,
            memory_budget: 256 << 20,
        },
        Self {
            name: "iphone-12",
            model: "iPhone 12",
            brand: "Apple",
            width: 390,
            height: 844,
            pixel_ratio: 3.0,
            system: "iOS 16.0",
            platform: "ios",
            status_bar_height: 47,
            safe_area_bottom: 34,
            memory_budget: 512 << 20,
        },
        Self {
            name: "iphone-se",
            model: "iPhone SE",
            brand: "Apple",
            width: 375,
            height: 667,
            pixel_ratio: 2.0,
            system: "iOS 16.0",
            platform: "ios",
            status_bar_height: 20,
            safe_area_bottom: 0,
            memory_budget: 512 << 20,
        },
        Self {
            name: "iphone-14",
            model: "iPhone 14",
            brand: "Apple",
            width: 390,
            height: 844,
            pixel_ratio: 3.0,
            system: "iOS 16.0",
            platform: "ios",
            status_bar_height: 47,
            safe_area_bottom: 34,
            memory_budget: 512 << 20,
        },
        Self {
            name: "pixel-5",
            model: "Pixel 5",
            brand: "Google",
            width: 393,
            height: 851,
            pixel_ratio: 2.75,
            system: "Android 13",
            platform: "android",
            status_bar_height: 24,
            safe_area_bottom: 0,
            memory_budget: 512 << 20,
        },
        Self {
            name: "pixel-7",
            model: "Pixel 7",
            brand: "Google",
            width: 412,
            height: 915,
            pixel_ratio: 2.625,
            system: "Android 13",
            platform: "android",
            status_bar_height: 24,
            safe_area_bottom: 0,
            memory_budget: 512 << 20,
        },
        Self {
            name: "ipad",
            model: "iPad",
            brand: "Apple",
            width: 768,
            height: 1024,
            pixel_ratio: 2.0,
            system: "iPadOS 16.0",
            platform: "ios",
            status_bar_height: 20,
            safe_area_bottom: 0,
            memory_budget: 1024 << 20,
        },
    ];

    /// The profile named `name`.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|profile| profile.name == name)
    }

    /// Height of the mini-program title (navigation) bar under the status bar: 44 px on iOS,
    /// 48 px on Android, in both WeChat and Alipay.
    pub fn title_bar_height(&self) -> u32 {
        if self.platform == "android" { 48 } else { 44 }
    }

    /// What `getSystemInfo` answers on this device.
    pub fn system_info(&self) -> SystemInfo {
        SystemInfo {
            model: self.model.into(),
            brand: self.brand.into(),
            pixel_ratio: self.pixel_ratio,
            window_width: self.width,
            window_height: self.height,
            screen_width: self.width,
            screen_height: self.height,
            status_bar_height: self.status_bar_height,
            title_bar_height: self.title_bar_height(),
            safe_area: SafeArea::new(
                self.width,
                self.height,
                self.status_bar_height,
                self.safe_area_bottom,
            ),
            language: "zh-CN".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            system: self.system.into(),
            platform: self.platform.into(),
            sdk_version: "2.0.0".into(),
        }
    }
}

impl Default for DeviceProfile {
    fn default() -> Self {
        Self::ALL[0]
    }
}

/// The container's [`Device`]: the profile, one clipboard shared by all apps, and UI
/// requests forwarded to the page through the render host.
pub(crate) struct SimulatedDevice {
    /// Switchable while the container runs (the scenario runner plays each scenario on its
    /// own device).
    profile: Mutex<DeviceProfile>,
    clipboard: Mutex<String>,
    host: Arc<dyn RenderHost>,
    next_ui: AtomicU64,
    open_ui: Mutex<HashMap<u64, (PageId, Reply)>>,
    watchers: Mutex<HashMap<PageId, UiWatcher>>,
    /// Pages whose native events go to a handler instead of the page.
    event_watchers: Mutex<HashMap<PageId, EventHandler>>,
    /// Carries out the window requests of H5 pages (set by the container once built).
    windows: std::sync::OnceLock<WindowHandler>,
}

/// What carries out an H5 page's [`WindowRequest`]s: the container.
pub(crate) type WindowHandler = Box<dyn Fn(PageId, WindowRequest, Reply) + Send + Sync>;

/// Sees a page's UI requests (id, request) as they are made; false once it is gone.
pub(crate) type UiWatcher = Box<dyn Fn(u64, UiRequest) -> bool + Send + Sync>;

/// Takes a page's native events (name, data) in its place.
pub(crate) type EventHandler = Box<dyn Fn(&str, Value) + Send + Sync>;

/// Whether a UI request changes the window's chrome (navigation bar, tab bar, scrolling,
/// refreshing) rather than showing something over the page.
pub(crate) fn is_chrome(request: &UiRequest) -> bool {
    let kind = serde_json::to_value(request).ok();
    let kind = kind
        .as_ref()
        .and_then(|v| v.get("type"))
        .and_then(Value::as_str);
    matches!(
        kind,
        Some("navigationBar" | "tabBarBadge" | "pageScrollTo" | "pullDownRefresh")
    )
}

impl SimulatedDevice {
    pub(crate) fn new(profile: DeviceProfile, host: Arc<dyn RenderHost>) -> Self {
        Self {
            profile: Mutex::new(profile),
            clipboard: Mutex::default(),
            host,
            next_ui: AtomicU64::new(1),
            open_ui: Mutex::default(),
            watchers: Mutex::default(),
            event_watchers: Mutex::default(),
            windows: std::sync::OnceLock::new(),
        }
    }

    /// Hands H5 pages' window requests to `handler` from now on (once; later calls are
    /// ignored).
    pub(crate) fn handle_windows(&self, handler: WindowHandler) {
        if self.windows.set(handler).is_err() {
            tracing::warn!("the window handler is already set");
        }
    }

    /// The device simulated now.
    pub(crate) fn profile(&self) -> DeviceProfile {
        *self.profile.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Simulates `profile` from now on.
    pub(crate) fn set_profile(&self, profile: DeviceProfile) {
        *self.profile.lock().unwrap_or_else(PoisonError::into_inner) = profile;
    }

    /// Hands every later UI request of `page` to `watcher` too, on the thread that makes it
    /// (so it comes in order with what that thread does next); chrome requests (see
    /// [`is_chrome`]) then go only there and are answered at once.
    pub(crate) fn watch(&self, page: PageId, watcher: UiWatcher) {
        self.watchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(page, watcher);
    }

    /// Hands the native events of `page` (`taskProgress`, ...) to `handler` from now on,
    /// instead of to the page.
    pub(crate) fn watch_events(&self, page: PageId, handler: EventHandler) {
        self.event_watchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(page, handler);
    }

    /// Answers UI request `ui_id` of `page` with what the user chose. Answers from another
    /// page or for unknown requests are ignored.
    pub(crate) fn finish_ui(&self, page: PageId, ui_id: u64, result: Value) {
        let mut open = self.open_ui.lock().unwrap_or_else(PoisonError::into_inner);
        if open.get(&ui_id).is_some_and(|(owner, _)| *owner == page) {
            if let Some((_, reply)) = open.remove(&ui_id) {
                drop(open);
                reply.send(Ok(if result.is_null() {
                    Value::Object(Default::default())
                } else {
                    result
                }));
            }
        } else {
            tracing::warn!(
                page = page.0,
                ui_id,
                "answer for a UI request the page does not own"
            );
        }
    }

    /// Fails every UI request still open on `page`, which is going away.
    pub(crate) fn close_page(&self, page: PageId) {
        let mut open = self.open_ui.lock().unwrap_or_else(PoisonError::into_inner);
        let ids: Vec<u64> = open
            .iter()
            .filter(|(_, (owner, _))| *owner == page)
            .map(|(id, _)| *id)
            .collect();
        let replies: Vec<Reply> = ids
            .into_iter()
            .filter_map(|id| open.remove(&id))
            .map(|(_, r)| r)
            .collect();
        drop(open);
        for reply in replies {
            reply.send(Err(ApiError::unknown("the page was closed")));
        }
    }
}

impl Device for SimulatedDevice {
    fn system_info(&self) -> SystemInfo {
        self.profile().system_info()
    }

    fn clipboard_text(&self) -> String {
        self.clipboard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_clipboard_text(&self, text: String) {
        *self
            .clipboard
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = text;
    }

    fn show_ui(&self, page: u64, request: UiRequest, reply: Reply) {
        let page = PageId(page);
        let ui_id = self.next_ui.fetch_add(1, Ordering::Relaxed);
        let mut watchers = self.watchers.lock().unwrap_or_else(PoisonError::into_inner);
        let chrome = watchers.contains_key(&page) && is_chrome(&request);
        // A dialog is open before its watcher hears of it, so that an answer the watcher
        // gives at once finds it.
        let chrome_reply = if chrome {
            Some(reply)
        } else {
            self.open_ui
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(ui_id, (page, reply));
            None
        };
        let watched = watchers
            .get(&page)
            .is_some_and(|watcher| watcher(ui_id, request.clone()));
        if !watched {
            watchers.remove(&page);
        }
        drop(watchers);
        match chrome_reply {
            Some(reply) if watched => reply.send(Ok(Value::Object(Default::default()))),
            Some(reply) => {
                // The watcher is gone: the page draws it.
                self.open_ui
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(ui_id, (page, reply));
                self.host.post(page, ToPage::Ui { ui_id, request });
            }
            None => self.host.post(page, ToPage::Ui { ui_id, request }),
        }
    }

    fn window(&self, page: u64, request: WindowRequest, reply: Reply) {
        match self.windows.get() {
            Some(handler) => handler(PageId(page), request, reply),
            None => reply.send(Err(ApiError::unknown("this container has no windows"))),
        }
    }

    fn send_event(&self, page: u64, name: &str, data: Value) {
        let watchers = self
            .event_watchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(handler) = watchers.get(&PageId(page)) {
            handler(name, data);
            return;
        }
        drop(watchers);
        self.host.post(
            PageId(page),
            ToPage::Event {
                name: name.to_owned(),
                data,
            },
        );
    }
}
