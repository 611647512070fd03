//! Events as OpenTelemetry (OTLP/HTTP, protobuf) requests: each event one log record, and
//! the metrics a batch of events gives (API latency and cold start histograms, API error
//! counts), grouped by the app session they come from.
//!
//! Resources carry the semantic conventions' names: `service.name` (the app id),
//! `service.version`, `session.id`, `user.hash` and `device.model.name`. A log record's
//! `event_name` is the kind (`api.call`), its body the event's name, its attributes the
//! event's, and `log.record.uid` its id, so a collector can drop the duplicates a retry
//! may bring.

use std::collections::BTreeMap;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList, any_value,
};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs, SeverityNumber};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Histogram, HistogramDataPoint, Metric, NumberDataPoint,
    ResourceMetrics, ScopeMetrics, Sum, metric, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message as _;
use serde_json::Value;

use crate::event::{Context, Event, Kind};

/// The upper bounds (ms) of the latency histograms' buckets; the last bucket is unbounded.
pub const LATENCY_BOUNDS_MS: [f64; 14] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 30000.0,
];

/// The encoded bodies of one export: `POST /v1/logs` and, when the events give any
/// metrics, `POST /v1/metrics`.
#[derive(Debug, Clone, PartialEq)]
pub struct OtlpBatch {
    /// An `ExportLogsServiceRequest`.
    pub logs: Vec<u8>,
    /// An `ExportMetricsServiceRequest`, when the events hold API calls or cold starts.
    pub metrics: Option<Vec<u8>>,
}

/// Encodes `events` as one export.
pub fn encode(events: &[Event]) -> OtlpBatch {
    let sessions = by_session(events);
    let logs = ExportLogsServiceRequest {
        resource_logs: sessions
            .iter()
            .map(|(context, events)| ResourceLogs {
                resource: Some(resource(context)),
                scope_logs: vec![ScopeLogs {
                    scope: Some(scope()),
                    log_records: events.iter().map(|event| log_record(event)).collect(),
                    ..ScopeLogs::default()
                }],
                ..ResourceLogs::default()
            })
            .collect(),
    };
    let resource_metrics: Vec<ResourceMetrics> = sessions
        .iter()
        .filter_map(|(context, events)| {
            let metrics = metrics(events);
            (!metrics.is_empty()).then(|| ResourceMetrics {
                resource: Some(resource(context)),
                scope_metrics: vec![ScopeMetrics {
                    scope: Some(scope()),
                    metrics,
                    ..ScopeMetrics::default()
                }],
                ..ResourceMetrics::default()
            })
        })
        .collect();
    OtlpBatch {
        logs: logs.encode_to_vec(),
        metrics: (!resource_metrics.is_empty())
            .then(|| ExportMetricsServiceRequest { resource_metrics }.encode_to_vec()),
    }
}

/// The events of each session, sessions in the order they first appear.
fn by_session(events: &[Event]) -> Vec<(&Context, Vec<&Event>)> {
    let mut sessions: Vec<(&Context, Vec<&Event>)> = Vec::new();
    for event in events {
        match sessions
            .iter_mut()
            .find(|(context, _)| **context == *event.context)
        {
            Some((_, members)) => members.push(event),
            None => sessions.push((&event.context, vec![event])),
        }
    }
    sessions
}

fn resource(context: &Context) -> Resource {
    let mut attributes = vec![
        string("service.name", &context.app_id),
        string("service.version", &context.app_version),
        string("session.id", &context.session_id),
        string("device.model.name", &context.device),
    ];
    if let Some(user) = &context.user_hash {
        attributes.push(string("user.hash", user));
    }
    Resource {
        attributes,
        ..Resource::default()
    }
}

fn scope() -> InstrumentationScope {
    InstrumentationScope {
        name: "capsule".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..InstrumentationScope::default()
    }
}

fn log_record(event: &Event) -> LogRecord {
    let time = nanos(event.time_ms);
    let mut attributes = vec![string("log.record.uid", &event.id)];
    attributes.extend(
        event
            .attributes
            .iter()
            .filter_map(|(key, value)| Some(key_value(key, any_value(value)?))),
    );
    let severity = severity(event);
    LogRecord {
        time_unix_nano: time,
        observed_time_unix_nano: time,
        severity_number: severity as i32,
        severity_text: severity
            .as_str_name()
            .trim_start_matches("SEVERITY_NUMBER_")
            .into(),
        body: Some(text(&event.name)),
        attributes,
        event_name: event.kind.as_str().into(),
        ..LogRecord::default()
    }
}

/// Errors are errors, failed calls and requests warnings, an app's log its own level.
fn severity(event: &Event) -> SeverityNumber {
    let number = |key: &str| event.attributes.get(key).and_then(Value::as_i64);
    match event.kind {
        Kind::ScriptError => SeverityNumber::Error,
        Kind::ApiCall if number("code").is_some_and(|code| code != 0) => SeverityNumber::Warn,
        Kind::Network if number("status").is_none_or(|status| status >= 400) => {
            SeverityNumber::Warn
        }
        Kind::Log => match event.name.as_str() {
            "error" => SeverityNumber::Error,
            "warn" => SeverityNumber::Warn,
            "debug" => SeverityNumber::Debug,
            _ => SeverityNumber::Info,
        },
        _ => SeverityNumber::Info,
    }
}

/// The metrics of one session's events: `capsule.api.duration` and
/// `capsule.cold_start.duration` histograms (ms) and the `capsule.api.errors` count, as
/// deltas over the events' time span.
fn metrics(events: &[&Event]) -> Vec<Metric> {
    let start = events.iter().map(|e| e.time_ms).min().unwrap_or_default();
    let end = events.iter().map(|e| e.time_ms).max().unwrap_or_default();
    let span = (nanos(start), nanos(end));
    let duration = |event: &Event| event.attributes.get("duration_ms").and_then(Value::as_f64);
    let mut api_durations: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut api_errors: BTreeMap<(&str, i64), i64> = BTreeMap::new();
    let mut cold_starts = Vec::new();
    for event in events {
        match event.kind {
            Kind::ApiCall => {
                if let Some(ms) = duration(event) {
                    api_durations.entry(&event.name).or_default().push(ms);
                }
                let code = event.attributes.get("code").and_then(Value::as_i64);
                if let Some(code) = code.filter(|code| *code != 0) {
                    *api_errors.entry((&event.name, code)).or_default() += 1;
                }
            }
            Kind::ColdStart => cold_starts.extend(duration(event)),
            _ => {}
        }
    }
    let mut metrics = Vec::new();
    if !api_durations.is_empty() {
        let points = api_durations
            .iter()
            .map(|(api, values)| histogram_point(values, vec![string("api.name", api)], span))
            .collect();
        metrics.push(histogram_metric(
            "capsule.api.duration",
            "Time from a JSAPI call to its answer",
            points,
        ));
    }
    if !cold_starts.is_empty() {
        metrics.push(histogram_metric(
            "capsule.cold_start.duration",
            "Time from a mini-program's launch to its first page's onReady",
            vec![histogram_point(&cold_starts, Vec::new(), span)],
        ));
    }
    if !api_errors.is_empty() {
        let data_points = api_errors
            .iter()
            .map(|((api, code), count)| NumberDataPoint {
                attributes: vec![string("api.name", api), key_value("error.code", int(*code))],
                start_time_unix_nano: span.0,
                time_unix_nano: span.1,
                value: Some(number_data_point::Value::AsInt(*count)),
                ..NumberDataPoint::default()
            })
            .collect();
        metrics.push(Metric {
            name: "capsule.api.errors".into(),
            description: "JSAPI calls answered with an error".into(),
            unit: "{call}".into(),
            data: Some(metric::Data::Sum(Sum {
                data_points,
                aggregation_temporality: AggregationTemporality::Delta as i32,
                is_monotonic: true,
            })),
            ..Metric::default()
        });
    }
    metrics
}

fn histogram_metric(name: &str, description: &str, points: Vec<HistogramDataPoint>) -> Metric {
    Metric {
        name: name.into(),
        description: description.into(),
        unit: "ms".into(),
        data: Some(metric::Data::Histogram(Histogram {
            data_points: points,
            aggregation_temporality: AggregationTemporality::Delta as i32,
        })),
        ..Metric::default()
    }
}

/// A histogram of `values` over [`LATENCY_BOUNDS_MS`].
fn histogram_point(
    values: &[f64],
    attributes: Vec<KeyValue>,
    span: (u64, u64),
) -> HistogramDataPoint {
    let mut bucket_counts = vec![0; LATENCY_BOUNDS_MS.len() + 1];
    for value in values {
        let bucket = LATENCY_BOUNDS_MS.partition_point(|bound| bound < value);
        bucket_counts[bucket] += 1;
    }
    HistogramDataPoint {
        attributes,
        start_time_unix_nano: span.0,
        time_unix_nano: span.1,
        count: values.len() as u64,
        sum: Some(values.iter().sum()),
        bucket_counts,
        explicit_bounds: LATENCY_BOUNDS_MS.to_vec(),
        min: values.iter().copied().reduce(f64::min),
        max: values.iter().copied().reduce(f64::max),
        ..HistogramDataPoint::default()
    }
}

/// A JSON value as an attribute value; `null` has none.
fn any_value(value: &Value) -> Option<AnyValue> {
    let value = match value {
        Value::Null => return None,
        Value::Bool(flag) => any_value::Value::BoolValue(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(whole) => any_value::Value::IntValue(whole),
            None => any_value::Value::DoubleValue(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => any_value::Value::StringValue(text.clone()),
        Value::Array(items) => any_value::Value::ArrayValue(ArrayValue {
            values: items.iter().filter_map(self::any_value).collect(),
        }),
        Value::Object(fields) => any_value::Value::KvlistValue(KeyValueList {
            values: fields
                .iter()
                .filter_map(|(key, value)| Some(key_value(key, self::any_value(value)?)))
                .collect(),
        }),
    };
    Some(AnyValue { value: Some(value) })
}

fn nanos(time_ms: i64) -> u64 {
    u64::try_from(time_ms).unwrap_or_default() * 1_000_000
}

fn text(value: &str) -> AnyValue {
    AnyValue {
        value: Some(any_value::Value::StringValue(value.to_owned())),
    }
}

fn int(value: i64) -> AnyValue {
    AnyValue {
        value: Some(any_value::Value::IntValue(value)),
    }
}

fn string(key: &str, value: &str) -> KeyValue {
    key_value(key, text(value))
}

fn key_value(key: &str, value: AnyValue) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(value),
        ..KeyValue::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn context(session: &str) -> Context {
        Context {
            app_id: "shop".into(),
            app_version: "1.0.0".into(),
            session_id: session.into(),
            user_hash: Some("ab12".into()),
            device: "iphone-8".into(),
        }
    }

    fn call(context: &Context, api: &str, code: i64, ms: f64) -> Event {
        Event::new(Kind::ApiCall, api, context)
            .with("code", code)
            .with("duration_ms", ms)
    }

    #[test]
    fn each_event_is_a_log_record_of_its_session() {
        let (one, two) = (context("s1"), context("s2"));
        let events = vec![
            call(&one, "getStorage", 0, 1.5),
            Event::new(Kind::Custom, "purchase", &two).with("data", json!({"sku": "A", "n": 2})),
            Event::new(Kind::ScriptError, "boom", &one).with("line", 3),
        ];
        let batch = encode(&events);
        let request = ExportLogsServiceRequest::decode(batch.logs.as_slice()).expect("decodes");
        assert_eq!(request.resource_logs.len(), 2);
        let first = &request.resource_logs[0];
        let resource: Vec<(&str, Option<&any_value::Value>)> = first
            .resource
            .as_ref()
            .expect("resource")
            .attributes
            .iter()
            .map(|kv| {
                (
                    kv.key.as_str(),
                    kv.value.as_ref().and_then(|v| v.value.as_ref()),
                )
            })
            .collect();
        assert!(resource.contains(&(
            "service.name",
            Some(&any_value::Value::StringValue("shop".into()))
        )));
        assert!(resource.contains(&(
            "session.id",
            Some(&any_value::Value::StringValue("s1".into()))
        )));
        let records = &first.scope_logs[0].log_records;
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].event_name, "api.call");
        assert_eq!(records[0].severity_number, SeverityNumber::Info as i32);
        assert_eq!(records[1].severity_number, SeverityNumber::Error as i32);
        assert_eq!(records[1].severity_text, "ERROR");
        assert_eq!(
            records[0].time_unix_nano,
            u64::try_from(events[0].time_ms).expect("positive") * 1_000_000
        );
        let uid = records[0]
            .attributes
            .iter()
            .find(|kv| kv.key == "log.record.uid")
            .and_then(|kv| kv.value.clone());
        assert_eq!(uid, Some(text(&events[0].id)));
        let custom = &request.resource_logs[1].scope_logs[0].log_records[0];
        assert_eq!(custom.body, Some(text("purchase")));
        let data = custom
            .attributes
            .iter()
            .find(|kv| kv.key == "data")
            .and_then(|kv| kv.value.as_ref()?.value.clone());
        let Some(any_value::Value::KvlistValue(list)) = data else {
            panic!("data is a key-value list: {data:?}");
        };
        assert_eq!(list.values.len(), 2);
    }

    #[test]
    fn api_calls_and_cold_starts_give_histograms_and_error_counts() {
        let session = context("s1");
        let mut events: Vec<Event> = [0.5, 1.0, 3.0, 40_000.0]
            .iter()
            .map(|ms| call(&session, "request", 0, *ms))
            .collect();
        events.push(call(&session, "request", 11, 2.0));
        events.push(Event::new(Kind::ColdStart, "cold_start", &session).with("duration_ms", 150.0));
        let batch = encode(&events);
        let metrics = batch.metrics.expect("metrics");
        let request = ExportMetricsServiceRequest::decode(metrics.as_slice()).expect("decodes");
        let metrics = &request.resource_metrics[0].scope_metrics[0].metrics;
        let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "capsule.api.duration",
                "capsule.cold_start.duration",
                "capsule.api.errors"
            ]
        );
        let Some(metric::Data::Histogram(latency)) = &metrics[0].data else {
            panic!("a histogram");
        };
        let point = &latency.data_points[0];
        assert_eq!(point.count, 5);
        // (.., 1], (1, 2], (2, 5], ..., (30000, ..)
        let mut expected = vec![0; LATENCY_BOUNDS_MS.len() + 1];
        expected[0] = 2;
        expected[1] = 1;
        expected[2] = 1;
        expected[LATENCY_BOUNDS_MS.len()] = 1;
        assert_eq!(point.bucket_counts, expected);
        assert_eq!((point.min, point.max), (Some(0.5), Some(40_000.0)));
        let Some(metric::Data::Sum(errors)) = &metrics[2].data else {
            panic!("a sum");
        };
        assert_eq!(
            errors.data_points[0].value,
            Some(number_data_point::Value::AsInt(1))
        );
        // Page views alone give no metrics.
        let pages = [Event::new(Kind::PageEnter, "pages/a", &session)];
        assert_eq!(encode(&pages).metrics, None);
    }
}
