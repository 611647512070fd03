//! The analytics journal reaches an OpenTelemetry collector over OTLP/HTTP at least once: a
//! collector in the test (decoding the real protobuf with the OpenTelemetry proto types)
//! gets every event once after an outage of several retries, none is lost when the
//! exporting process is killed between batches, and `capsule test` exports what it recorded
//! when `OTEL_EXPORTER_OTLP_ENDPOINT` names a collector.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod cli_support;
use cli_support::text;

use capsule_analytics::{Context, Event, Filter, Journal, Kind, Limits};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value;
use prost::Message as _;
use serde_json::json;

const APP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/apps/analytics-wechat"
);

/// What the collector does with a logs request, by its number (from 1).
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    /// 503 Service Unavailable, keeping nothing.
    Unavailable,
    /// Keeps the records, then never answers.
    Hang,
    /// Keeps the records and answers 200.
    Accept,
}

/// What a collector received.
#[derive(Default)]
struct Received {
    logs_requests: usize,
    /// `log.record.uid` → how many times it arrived in a kept request.
    uids: BTreeMap<String, usize>,
    /// Each record's (`event_name`, `service.name`).
    records: Vec<(String, String)>,
    metric_names: Vec<String>,
    /// The `x-api-key` header of each request.
    api_keys: Vec<String>,
}

/// An OTLP/HTTP collector on 127.0.0.1 answering logs requests as `plan` says (then
/// accepting) and accepting every metrics request.
fn collector(plan: Vec<Answer>) -> (String, Arc<Mutex<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    let received = Arc::new(Mutex::new(Received::default()));
    let state = Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (state, plan) = (Arc::clone(&state), plan.clone());
            std::thread::spawn(move || serve(stream, &state, &plan));
        }
    });
    (endpoint, received)
}

fn serve(stream: TcpStream, state: &Mutex<Received>, plan: &[Answer]) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().expect("length");
                } else if name.eq_ignore_ascii_case("x-api-key") {
                    state
                        .lock()
                        .expect("state")
                        .api_keys
                        .push(value.trim().to_owned());
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let status = if request_line.contains("/v1/logs") {
            let answer = {
                let mut received = state.lock().expect("state");
                received.logs_requests += 1;
                plan.get(received.logs_requests - 1)
                    .copied()
                    .unwrap_or(Answer::Accept)
            };
            if answer != Answer::Unavailable {
                keep_logs(&body, state);
            }
            if answer == Answer::Hang {
                std::thread::sleep(Duration::from_secs(600));
                return;
            }
            if answer == Answer::Accept { 200 } else { 503 }
        } else {
            let request = ExportMetricsServiceRequest::decode(body.as_slice()).expect("metrics");
            let mut received = state.lock().expect("state");
            for resource in request.resource_metrics {
                for scope in resource.scope_metrics {
                    received
                        .metric_names
                        .extend(scope.metrics.into_iter().map(|metric| metric.name));
                }
            }
            200
        };
        let reason = if status == 200 {
            "OK"
        } else {
            "Service Unavailable"
        };
        write!(
            writer,
            "HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\n\r\n"
        )
        .expect("answer");
    }
}

fn keep_logs(body: &[u8], state: &Mutex<Received>) {
    let request = ExportLogsServiceRequest::decode(body).expect("an OTLP logs request");
    let mut received = state.lock().expect("state");
    for resource in request.resource_logs {
        let service = resource
            .resource
            .iter()
            .flat_map(|resource| &resource.attributes)
            .find(|attribute| attribute.key == "service.name")
            .and_then(|attribute| string_value(attribute.value.as_ref()))
            .unwrap_or_default();
        for record in resource.scope_logs.into_iter().flat_map(|s| s.log_records) {
            let uid = record
                .attributes
                .iter()
                .find(|attribute| attribute.key == "log.record.uid")
                .and_then(|attribute| string_value(attribute.value.as_ref()))
                .expect("every record has its uid");
            *received.uids.entry(uid).or_default() += 1;
            received.records.push((record.event_name, service.clone()));
        }
    }
}

fn string_value(
    value: Option<&opentelemetry_proto::tonic::common::v1::AnyValue>,
) -> Option<String> {
    match value?.value.as_ref()? {
        any_value::Value::StringValue(text) => Some(text.clone()),
        _ => None,
    }
}

/// A journal in `data` holding `count` API calls of a made-up app.
fn fill_journal(data: &Path, count: usize) -> Vec<String> {
    let journal =
        Journal::open(&data.join("analytics.sqlite"), Limits::default()).expect("journal");
    let context = Context {
        app_id: "bulk.app".into(),
        app_version: "2.0.0".into(),
        session_id: Event::new_id(),
        user_hash: None,
        device: "pixel-7".into(),
    };
    let recorder = journal.recorder();
    for n in 0..count {
        let failed = n % 10 == 0;
        recorder.record(
            Event::new(Kind::ApiCall, "getStorage", &context)
                .with("code", if failed { 3 } else { 0 })
                .with("duration_ms", 0.5 + n as f64 % 7.0),
        );
    }
    recorder.flush().expect("flushed");
    ids(data)
}

fn ids(data: &Path) -> Vec<String> {
    Journal::open(&data.join("analytics.sqlite"), Limits::default())
        .expect("journal")
        .events(&Filter::default())
        .expect("events")
        .into_iter()
        .map(|event| event.id)
        .collect()
}

fn export(data: &Path, endpoint: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capsule"));
    command
        .args(["--data-dir", data.to_str().expect("utf-8 path")])
        .args([
            "analytics",
            "export",
            "--endpoint",
            endpoint,
            "--batch-size",
            "100",
        ])
        .env("CAPSULE_LOG", "warn")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_HEADERS");
    command
}

#[test]
fn every_event_arrives_once_after_an_outage() {
    let data = tempfile::tempdir().expect("temp dir");
    let ids = fill_journal(data.path(), 250);
    let (endpoint, received) = collector(vec![Answer::Unavailable; 3]);
    let output = export(data.path(), &endpoint).output().expect("runs");
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("delivered 250 events"),
        "{}",
        text(&output)
    );
    {
        let received = received.lock().expect("state");
        // Three refused, then three batches of at most 100.
        assert_eq!(received.logs_requests, 6);
        let expected: BTreeMap<String, usize> = ids.iter().map(|id| (id.clone(), 1)).collect();
        assert_eq!(received.uids, expected);
        assert!(
            received
                .records
                .iter()
                .all(|(kind, service)| kind == "api.call" && service == "bulk.app")
        );
        for name in ["capsule.api.duration", "capsule.api.errors"] {
            assert!(received.metric_names.iter().any(|n| n == name), "{name}");
        }
    }
    // Nothing is left to deliver.
    let again = export(data.path(), &endpoint).output().expect("runs");
    assert!(
        text(&again).contains("delivered 0 events"),
        "{}",
        text(&again)
    );

    // A collector that never comes back: the export fails, saying where, and keeps the events.
    let data = tempfile::tempdir().expect("temp dir");
    fill_journal(data.path(), 5);
    let (down, _) = collector(vec![Answer::Unavailable; 100]);
    let failed = export(data.path(), &down)
        .args(["--attempts", "2"])
        .output()
        .expect("runs");
    assert!(!failed.status.success());
    assert!(text(&failed).contains(&down), "{}", text(&failed));
    let (up, received) = collector(Vec::new());
    let delivered = export(data.path(), &up).output().expect("runs");
    assert!(delivered.status.success(), "{}", text(&delivered));
    assert_eq!(received.lock().expect("state").uids.len(), 5);
}

#[test]
fn an_export_killed_between_batches_loses_nothing() {
    let data = tempfile::tempdir().expect("temp dir");
    let ids = fill_journal(data.path(), 250);
    // The first batch is acknowledged; the second arrives, and the process is killed while
    // it waits for the answer.
    let (stalling, first) = collector(vec![Answer::Accept, Answer::Hang]);
    let mut child = export(data.path(), &stalling).spawn().expect("starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while first.lock().expect("state").logs_requests < 2 {
        assert!(Instant::now() < deadline, "the second batch never came");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("ended");

    let (healthy, second) = collector(Vec::new());
    let output = export(data.path(), &healthy).output().expect("runs");
    assert!(output.status.success(), "{}", text(&output));
    let first = first.lock().expect("state");
    let second = second.lock().expect("state");
    for id in &ids {
        let times = first.uids.get(id).unwrap_or(&0) + second.uids.get(id).unwrap_or(&0);
        assert!(times >= 1, "{id} was lost");
    }
    // The acknowledged batch is not sent again; the unanswered one is.
    let acknowledged: Vec<&String> = ids.iter().take(100).collect();
    assert!(acknowledged.iter().all(|id| !second.uids.contains_key(*id)));
    assert_eq!(second.uids.len(), 150);
}

#[test]
fn capsule_test_exports_what_it_recorded() {
    let data = tempfile::tempdir().expect("temp dir");
    let (endpoint, received) = collector(vec![Answer::Unavailable]);
    let scenario = data.path().join("walk.json");
    let steps = json!({
        "name": "home and detail",
        "app": APP,
        "steps": [
            {"tap": {"selector": ".open"}},
            {"expect": {"selector": ".result", "text": "missing"}}
        ]
    });
    std::fs::write(&scenario, steps.to_string()).expect("scenario");
    let output = Command::new(env!("CARGO_BIN_EXE_capsule"))
        .args([
            "--data-dir",
            data.path().to_str().expect("utf-8 path"),
            "test",
        ])
        .arg(&scenario)
        .env("CAPSULE_LOG", "warn")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
        .env("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret%20key")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", text(&output));
    let received = received.lock().expect("state");
    let recorded = ids(data.path());
    assert!(!recorded.is_empty());
    for id in &recorded {
        assert!(received.uids.contains_key(id), "{id} was not exported");
    }
    let kinds: Vec<&str> = received
        .records
        .iter()
        .map(|(kind, _)| kind.as_str())
        .collect();
    for kind in [
        "app.launch",
        "page.enter",
        "api.call",
        "custom",
        "perf.cold_start",
    ] {
        assert!(kinds.contains(&kind), "{kind}: {kinds:?}");
    }
    assert!(
        received
            .records
            .iter()
            .all(|(_, service)| service == "analytics.wechat")
    );
    assert!(!received.api_keys.is_empty());
    assert!(received.api_keys.iter().all(|key| key == "secret key"));
}
