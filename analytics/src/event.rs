//! Events: what the runtime saw, of which kind, in which app, with which attributes.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

use crate::error::Error;

/// One thing the runtime saw, with the context every event carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// 32 lowercase hex chars, random, unique: exporters use it to drop duplicates.
    pub id: String,
    /// Milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// What happened.
    pub kind: Kind,
    /// What the event is about: the API name, the page path, the custom event's name, ...
    /// (see [`Kind`] for each kind's convention).
    pub name: String,
    /// The app, session and device the event happened in.
    /// Shared by the events of a session: recording one clones no strings.
    pub context: Arc<Context>,
    /// Kind-specific fields (see [`Kind`]); never personal data.
    pub attributes: Map<String, Value>,
}

impl Event {
    /// An event of `kind` about `name` happening now, with a fresh id and no attributes.
    pub fn new(kind: Kind, name: impl Into<String>, context: &Context) -> Event {
        Event::in_session(kind, name, Arc::new(context.clone()))
    }

    /// An event of `kind` about `name` happening now in the session of `context`, with a
    /// fresh id and no attributes.
    pub fn in_session(kind: Kind, name: impl Into<String>, context: Arc<Context>) -> Event {
        Event {
            id: Event::new_id(),
            time_ms: now_ms(),
            kind,
            name: name.into(),
            context,
            attributes: Map::new(),
        }
    }

    /// The event with attribute `key` set to `value`.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Event {
        self.attributes.insert(key.to_owned(), value.into());
        self
    }

    /// A fresh id, for an event or a session: 32 lowercase hex digits, a random prefix
    /// drawn once per process and a counter, so ids are unique without a system call each.
    /// Should the operating system's generator fail, the prefix comes from std's randomly
    /// keyed hasher over the time and the process id.
    pub fn new_id() -> String {
        static PREFIX: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let prefix = *PREFIX.get_or_init(|| {
            let mut bytes = [0u8; 8];
            match getrandom::fill(&mut bytes) {
                Ok(()) => u64::from_le_bytes(bytes),
                Err(_) => {
                    let nanos = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |elapsed| elapsed.as_nanos());
                    RandomState::new().hash_one((nanos, std::process::id()))
                }
            }
        });
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        format!("{prefix:016x}{count:016x}")
    }
}

/// A figure measured on a hot path (an API call, a `setData`), recorded with
/// [`Recorder::measure`](crate::Recorder::measure): made only of shared and plain values, so
/// that recording one allocates nothing on the measuring thread; the journal's writer thread
/// makes it an [`Event`].
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// What was measured.
    pub kind: Kind,
    /// What it is about, as [`Event::name`].
    pub name: Arc<str>,
    /// The session it happened in.
    pub context: Arc<Context>,
    /// When it happened, in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Its two figures, as attribute names and values.
    pub figures: [(&'static str, Number); 2],
}

impl Measurement {
    /// A measurement of `kind` about `name` in the session of `context`, happening now.
    pub fn now(
        kind: Kind,
        name: Arc<str>,
        context: Arc<Context>,
        figures: [(&'static str, Number); 2],
    ) -> Measurement {
        Measurement {
            kind,
            name,
            context,
            time_ms: now_ms(),
            figures,
        }
    }

    /// The event this measurement is, with a fresh id.
    pub fn into_event(self) -> Event {
        Event {
            id: Event::new_id(),
            time_ms: self.time_ms,
            kind: self.kind,
            name: self.name.as_ref().to_owned(),
            context: self.context,
            attributes: self
                .figures
                .into_iter()
                .map(|(key, value)| (key.to_owned(), Value::Number(value)))
                .collect(),
        }
    }
}

/// Milliseconds since the Unix epoch, now (negative if the clock is set before 1970).
pub(crate) fn now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// The context every event carries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Context {
    /// The app's id.
    pub app_id: String,
    /// The app's version.
    pub app_version: String,
    /// The run of the app the event belongs to (a new one per launch).
    pub session_id: String,
    /// A one-way hash identifying the user, if the host provides one.
    pub user_hash: Option<String>,
    /// The device model or platform, e.g. `linux-x86_64`.
    pub device: String,
}

/// What kind of thing an event records; stored and serialised as [`Kind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `app.launch`: the app started. Name: the app id.
    AppLaunch,
    /// `app.show`: the app came to the foreground.
    AppShow,
    /// `app.hide`: the app went to the background.
    AppHide,
    /// `app.exit`: the app stopped.
    AppExit,
    /// `page.enter`: a page was shown. Name: the page path (`pages/index/index` or an H5 URL
    /// path). Attribute `from` (string): the previous page's path, absent on the first page.
    PageEnter,
    /// `page.leave`: a page was left. Name: the page path. Attribute `dwell_ms` (number): how
    /// long it was shown.
    PageLeave,
    /// `api.call`: a JSAPI call finished. Name: the API name. Attributes `code` (integer, 0 =
    /// ok, else the error code) and `duration_ms` (number).
    ApiCall,
    /// `perf.cold_start`: launch to first page ready. Name: `cold_start`. Attributes
    /// `duration_ms` (number) and optionally `phases` (object of phase name -> ms).
    ColdStart,
    /// `perf.first_render`: a page's first render. Name: the page path. Attribute
    /// `duration_ms` (number).
    FirstRender,
    /// `perf.set_data`: a setData round. Name: the page path. Attributes `bytes` (integer) and
    /// `render_ms` (number).
    SetData,
    /// `error.script`: an uncaught script error. Name: the message. Attributes `file`
    /// (string), `line` and `column` (integers).
    ScriptError,
    /// `network.request`: a network request finished. Name: the domain. Attributes `method`
    /// (string), `status` (integer), `bytes` (integer) and `duration_ms` (number).
    Network,
    /// `custom`: the app's own event. Name: the app's event name. Attribute `data` (object).
    Custom,
    /// `log`: a console message. Name: the level (`log`, `info`, `warn`, `debug`, `error`).
    /// Attribute `message` (string).
    Log,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 14] = [
        Kind::AppLaunch,
        Kind::AppShow,
        Kind::AppHide,
        Kind::AppExit,
        Kind::PageEnter,
        Kind::PageLeave,
        Kind::ApiCall,
        Kind::ColdStart,
        Kind::FirstRender,
        Kind::SetData,
        Kind::ScriptError,
        Kind::Network,
        Kind::Custom,
        Kind::Log,
    ];

    /// The kind's stable name, e.g. `page.enter`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AppLaunch => "app.launch",
            Kind::AppShow => "app.show",
            Kind::AppHide => "app.hide",
            Kind::AppExit => "app.exit",
            Kind::PageEnter => "page.enter",
            Kind::PageLeave => "page.leave",
            Kind::ApiCall => "api.call",
            Kind::ColdStart => "perf.cold_start",
            Kind::FirstRender => "perf.first_render",
            Kind::SetData => "perf.set_data",
            Kind::ScriptError => "error.script",
            Kind::Network => "network.request",
            Kind::Custom => "custom",
            Kind::Log => "log",
        }
    }
}

impl FromStr for Kind {
    type Err = Error;

    fn from_str(name: &str) -> Result<Kind, Error> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| Error::UnknownKind(name.to_owned()))
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Kind, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>().ok(), Some(kind));
            assert_eq!(kind.to_string(), kind.as_str());
            let json = serde_json::to_string(&kind).expect("serialise");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<Kind>(&json).expect("parse"), kind);
        }
        let names: std::collections::BTreeSet<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), Kind::ALL.len());
    }

    #[test]
    fn unknown_kinds_are_errors() {
        for name in ["", "page", "PAGE.ENTER", "page.enter ", "perf.unknown"] {
            match name.parse::<Kind>() {
                Err(Error::UnknownKind(got)) => assert_eq!(got, name),
                other => panic!("{name:?} parsed as {other:?}"),
            }
        }
        assert!(serde_json::from_str::<Kind>("\"nope\"").is_err());
    }

    #[test]
    fn new_events_have_fresh_ids_the_time_and_attributes() {
        let context = Context {
            app_id: "app".into(),
            ..Context::default()
        };
        let before = now_ms();
        let event = Event::new(Kind::ApiCall, "wx.request", &context)
            .with("code", 0)
            .with("duration_ms", 12.5);
        let after = now_ms();
        assert!((before..=after).contains(&event.time_ms));
        assert_eq!(event.id.len(), 32);
        assert!(event.id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_ne!(event.id, Event::new(Kind::Log, "info", &context).id);
        assert_eq!(*event.context, context);
        assert_eq!(event.attributes["code"], 0);
        assert_eq!(event.attributes["duration_ms"], 12.5);
        let json = serde_json::to_value(&event).expect("serialise");
        assert_eq!(json["kind"], "api.call");
        assert_eq!(serde_json::from_value::<Event>(json).expect("parse"), event);
    }
}
