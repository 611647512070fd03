//! What the container records about its apps (see `capsule_analytics`): the context every
//! event carries, and the app-facing `reportAnalytics`.
//!
//! Nothing here blocks: events go to the journal's [`Recorder`], whose own thread writes
//! them. Without a recorder (the host gave none) nothing is captured at all.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use capsule_analytics::{Capture, Context, Event, Kind, Measurement, Recorder};
use capsule_jsapi::{ApiCall, ApiError, ApiResult, Args};
use serde_json::{Map, Number, Value, json};
use sha2::{Digest, Sha256};

use crate::App;

/// The longest event name `reportAnalytics` takes, in bytes.
const MAX_EVENT_NAME_BYTES: usize = 64;
/// The largest `data` object `reportAnalytics` takes, as JSON bytes.
const MAX_EVENT_DATA_BYTES: usize = 16 * 1024;

/// The container's analytics: where events go, and the context of each running app.
#[derive(Default)]
pub(crate) struct Analytics {
    recorder: Option<Recorder>,
    /// The host's user id, hashed.
    user_hash: Mutex<Option<String>>,
    /// The context of each running app's session, by app id.
    running: Mutex<HashMap<String, Arc<Context>>>,
    /// What the host lets be captured.
    capture: Mutex<Capture>,
    /// The names of measurements (API names, page paths), shared so that recording one
    /// allocates nothing.
    names: Mutex<HashSet<Arc<str>>>,
}

/// The most measurement names [`Analytics`] keeps shared; beyond, each is allocated (an app
/// calling APIs by made-up names cannot grow the set without bound).
const MAX_SHARED_NAMES: usize = 4096;

impl Analytics {
    /// Analytics recording through `recorder` (none: nothing is captured).
    pub(crate) fn new(recorder: Option<Recorder>) -> Self {
        Self {
            recorder,
            ..Self::default()
        }
    }

    /// Whether events are captured at all (callers skip measuring what nobody records).
    pub(crate) fn is_on(&self) -> bool {
        self.recorder.is_some()
    }

    /// Sets the user the events of apps launched from now on are about; only a hash of
    /// `id` is kept.
    pub(crate) fn set_user_id(&self, id: Option<&str>) {
        let hash = id.map(|id| {
            let digest = Sha256::digest(format!("capsule-user:{id}").as_bytes());
            digest[..16]
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect()
        });
        *self
            .user_hash
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = hash;
    }

    /// Starts a session of `app` on `device` and records its launch.
    pub(crate) fn launch(&self, app: &App, device: &str) {
        if !self.is_on() {
            return;
        }
        let context = Context {
            app_id: app.id().to_owned(),
            app_version: app.manifest().version.to_string(),
            session_id: Event::new_id(),
            user_hash: self
                .user_hash
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            device: device.to_owned(),
        };
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(app.id().to_owned(), Arc::new(context));
        self.record(app.id(), Kind::AppLaunch, app.id(), Map::new());
    }

    /// Records the exit of app `app_id` and ends its session.
    pub(crate) fn exit(&self, app_id: &str) {
        self.record(app_id, Kind::AppExit, app_id, Map::new());
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(app_id);
    }

    /// Sets what is captured from now on.
    pub(crate) fn set_capture(&self, capture: Capture) {
        *self.capture.lock().unwrap_or_else(PoisonError::into_inner) = capture;
    }

    /// Records an event of running app `app_id` (nothing for an app not launched, or one
    /// the host's [`Capture`] leaves out).
    pub(crate) fn record(
        &self,
        app_id: &str,
        kind: Kind,
        name: &str,
        attributes: Map<String, Value>,
    ) {
        let Some((recorder, context)) = self.capturing(app_id, kind) else {
            return;
        };
        let mut event = Event::in_session(kind, name, context);
        event.attributes = attributes;
        recorder.record(event);
    }

    /// Records a measurement of running app `app_id`, as [`Analytics::record`] records an
    /// event but without allocating on the caller's thread (for the hot paths: API calls,
    /// `setData`).
    pub(crate) fn measure(
        &self,
        app_id: &str,
        kind: Kind,
        name: &str,
        figures: [(&'static str, Number); 2],
    ) {
        let Some((recorder, context)) = self.capturing(app_id, kind) else {
            return;
        };
        recorder.measure(Measurement::now(
            kind,
            self.shared_name(name),
            context,
            figures,
        ));
    }

    /// Where events of `kind` of app `app_id` go and their session, if they are captured.
    fn capturing(&self, app_id: &str, kind: Kind) -> Option<(&Recorder, Arc<Context>)> {
        let recorder = self.recorder.as_ref()?;
        let captured = self
            .capture
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .allows(app_id, kind);
        if !captured {
            return None;
        }
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        Some((recorder, Arc::clone(running.get(app_id)?)))
    }

    /// `name`, shared with earlier measurements of the same name.
    fn shared_name(&self, name: &str) -> Arc<str> {
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(shared) = names.get(name) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(name);
        if names.len() < MAX_SHARED_NAMES {
            names.insert(Arc::clone(&shared));
        }
        shared
    }

    /// `reportAnalytics({eventName, data})` (the logic layer and the H5 bridge both pass
    /// this object): the app's own event, recorded as [`Kind::Custom`]. An empty or long
    /// name, `data` that is not an object, or `data` over [`MAX_EVENT_DATA_BYTES`] is refused
    /// with code 2, never cut short.
    pub(crate) fn report(&self, call: &ApiCall) -> ApiResult {
        let args = Args::new(&call.api, &call.args)?;
        let name = args.str("eventName", MAX_EVENT_NAME_BYTES)?;
        if name.trim().is_empty() {
            return Err(ApiError::invalid_param(format!(
                "{}: 'eventName' is empty",
                call.api
            )));
        }
        let data = match args.value("data") {
            None => Map::new(),
            Some(Value::Object(data)) => data.clone(),
            Some(other) => {
                return Err(ApiError::invalid_param(format!(
                    "{}: 'data' must be an object, got {other}",
                    call.api
                )));
            }
        };
        let size = json_len(&Value::Object(data.clone()));
        if size > MAX_EVENT_DATA_BYTES {
            return Err(ApiError::invalid_param(format!(
                "{}: 'data' is {size} bytes, more than the {MAX_EVENT_DATA_BYTES} an event may carry",
                call.api
            )));
        }
        self.record(
            &call.caller.app_id,
            Kind::Custom,
            name,
            attributes([("data", Value::Object(data))]),
        );
        Ok(json!({}))
    }
}

/// The largest message a `getLogManager()` call may write, in bytes (WeChat: 100 KB).
const MAX_LOG_BYTES: usize = 100 * 1024;
/// The largest message a `getRealtimeLogManager()` call may write, in bytes (WeChat: 5 KB).
const MAX_REALTIME_LOG_BYTES: usize = 5 * 1024;
/// The longest filter keyword of a realtime log (WeChat: 1 KB).
const MAX_FILTER_BYTES: usize = 1024;
/// The most filter keywords a realtime log carries.
const MAX_FILTERS: usize = 16;
/// The levels the log managers write at.
const LOG_LEVELS: [&str; 5] = ["debug", "info", "log", "warn", "error"];

impl Analytics {
    /// `writeLog({level, message, realtime, page, filters})`: a line of the app's log
    /// managers (`getLogManager`, `getRealtimeLogManager`; H5 pages call it through the
    /// bridge), recorded as [`Kind::Log`]. A message over its manager's limit (100 KB, or
    /// 5 KB for realtime logs) or a filter keyword over 1 KB is refused with code 2, never
    /// cut short.
    pub(crate) fn write_log(&self, call: &ApiCall) -> ApiResult {
        let args = Args::new(&call.api, &call.args)?;
        let level = args.str("level", 8)?;
        if !LOG_LEVELS.contains(&level) {
            return Err(ApiError::invalid_param(format!(
                "{}: 'level' must be one of {}, got '{level}'",
                call.api,
                LOG_LEVELS.join(", ")
            )));
        }
        let realtime = args.opt_bool("realtime")?.unwrap_or(false);
        let limit = if realtime {
            MAX_REALTIME_LOG_BYTES
        } else {
            MAX_LOG_BYTES
        };
        let message = args.str("message", limit)?;
        let page = args.opt_str("page", MAX_EVENT_NAME_BYTES * 4)?;
        let filters = match args.value("filters") {
            Some(_) => args.str_list("filters", 0..=MAX_FILTERS, MAX_FILTER_BYTES)?,
            None => Vec::new(),
        };
        let mut fields = attributes([
            ("message", message.into()),
            ("manager", if realtime { "realtime" } else { "log" }.into()),
        ]);
        if let Some(page) = page.filter(|page| !page.is_empty()) {
            fields.insert("page".into(), page.into());
        }
        if !filters.is_empty() {
            fields.insert("filters".into(), filters.into());
        }
        self.record(&call.caller.app_id, Kind::Log, level, fields);
        Ok(json!({}))
    }
}

/// The length of `value` as JSON text, counted without building the text.
pub(crate) fn json_len(value: &Value) -> usize {
    /// Counts what is written to it.
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing a JSON value to a counter cannot fail.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// `value` as a JSON number (0 for the NaN and infinities no measurement makes).
pub(crate) fn figure(value: f64) -> Number {
    Number::from_f64(value).unwrap_or_else(|| Number::from(0))
}

/// Milliseconds since `start`.
pub(crate) fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Attributes from `pairs`, for [`Analytics::record`].
pub(crate) fn attributes<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

/// The APIs that make network requests.
const NETWORK_APIS: [&str; 4] = ["request", "httpRequest", "uploadFile", "downloadFile"];

/// What is recorded of a network request: where it went and how, never its path, query,
/// headers or bodies.
pub(crate) struct NetworkRequest {
    /// The host, with its port when the URL names one.
    domain: String,
    method: String,
}

impl NetworkRequest {
    /// The request a call of `api` with `params` makes, if it is one. A call whose URL does
    /// not parse is not a request: it fails as such, and its `api.call` records that.
    pub(crate) fn of(api: &str, params: &Value) -> Option<Self> {
        if !NETWORK_APIS.contains(&api) {
            return None;
        }
        let url = url::Url::parse(params.get("url")?.as_str()?).ok()?;
        let host = url.host_str()?;
        let domain = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let default_method = if api == "uploadFile" { "POST" } else { "GET" };
        let method = params
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or(default_method)
            .to_ascii_uppercase();
        Some(Self { domain, method })
    }

    /// The request as answered by `result`: its status (none when it failed before a
    /// response) and the bytes of the response body it returned.
    pub(crate) fn answered(self, result: &ApiResult) -> AnsweredRequest {
        let response = result.as_ref().ok();
        let status = response
            .and_then(|value| value.get("statusCode").or_else(|| value.get("status")))
            .and_then(Value::as_u64);
        let bytes = match response.and_then(|value| value.get("data")) {
            None | Some(Value::Null) => 0,
            Some(Value::String(text)) => text.len(),
            Some(other) => json_len(other),
        };
        AnsweredRequest {
            request: self,
            status,
            bytes,
        }
    }
}

/// A [`NetworkRequest`] and what its answer was, ready to be recorded.
pub(crate) struct AnsweredRequest {
    request: NetworkRequest,
    status: Option<u64>,
    bytes: usize,
}

impl AnsweredRequest {
    /// Records the request, answered after `duration_ms`.
    pub(crate) fn record(self, analytics: &Analytics, app_id: &str, duration_ms: f64) {
        analytics.record(
            app_id,
            Kind::Network,
            &self.request.domain,
            attributes([
                ("method", self.request.method.into()),
                ("status", self.status.map_or(Value::Null, Value::from)),
                ("bytes", self.bytes.into()),
                ("duration_ms", duration_ms.into()),
            ]),
        );
    }
}
