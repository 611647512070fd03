//! Reports from hand-built event lists.

use capsule_analytics::{ApiStats, Context, Event, Flow, Kind, Percentiles, Report};
use serde_json::json;

/// Builds events one after another, one millisecond apart.
struct Script {
    events: Vec<Event>,
}

impl Script {
    fn add(&mut self, session: &str, kind: Kind, name: &str, attributes: serde_json::Value) {
        let context = Context {
            app_id: "app".to_owned(),
            session_id: session.to_owned(),
            ..Context::default()
        };
        let mut event = Event::new(kind, name, &context);
        event.time_ms = 1_700_000_000_000 + self.events.len() as i64;
        if let serde_json::Value::Object(attributes) = attributes {
            event.attributes = attributes;
        }
        self.events.push(event);
    }
}

fn two_sessions() -> Vec<Event> {
    let mut s = Script { events: Vec::new() };
    let none = || json!({});
    s.add("s1", Kind::AppLaunch, "app", none());
    s.add(
        "s1",
        Kind::ColdStart,
        "cold_start",
        json!({"duration_ms": 300, "phases": {"load": 120}}),
    );
    s.add("s1", Kind::PageEnter, "pages/a", none());
    s.add("s2", Kind::AppLaunch, "app", none());
    s.add(
        "s2",
        Kind::ColdStart,
        "cold_start",
        json!({"duration_ms": 100}),
    );
    s.add("s2", Kind::PageEnter, "pages/a", none());
    s.add(
        "s1",
        Kind::ApiCall,
        "wx.request",
        json!({"code": 0, "duration_ms": 10}),
    );
    s.add("s1", Kind::PageLeave, "pages/a", json!({"dwell_ms": 1000}));
    s.add("s1", Kind::PageEnter, "pages/b", json!({"from": "pages/a"}));
    s.add(
        "s2",
        Kind::ApiCall,
        "wx.request",
        json!({"code": 1001, "duration_ms": 40}),
    );
    s.add("s2", Kind::PageLeave, "pages/a", json!({"dwell_ms": 2000}));
    s.add("s2", Kind::PageEnter, "pages/b", json!({"from": "pages/a"}));
    s.add(
        "s1",
        Kind::ApiCall,
        "wx.request",
        json!({"code": 0, "duration_ms": 30}),
    );
    s.add("s1", Kind::ApiCall, "wx.getStorage", json!({"code": 0}));
    s.add(
        "s1",
        Kind::PageLeave,
        "pages/b",
        json!({"dwell_ms": 3000.5}),
    );
    s.add("s1", Kind::PageEnter, "pages/c", json!({"from": "pages/b"}));
    s.add(
        "s2",
        Kind::ApiCall,
        "wx.request",
        json!({"code": 0, "duration_ms": 20}),
    );
    s.add(
        "s1",
        Kind::ScriptError,
        "x is not defined",
        json!({"file": "app.js", "line": 3, "column": 7}),
    );
    s.add(
        "s2",
        Kind::ScriptError,
        "x is not defined",
        json!({"file": "app.js", "line": 3, "column": 7}),
    );
    s.add("s2", Kind::ScriptError, "boom", json!({}));
    s.add("s1", Kind::Custom, "share", json!({"data": {}}));
    s.add("s2", Kind::Custom, "buy", json!({"data": {"sku": 1}}));
    s.add("s1", Kind::Custom, "buy", json!({"data": {"sku": 2}}));
    s.add(
        "s1",
        Kind::ColdStart,
        "cold_start",
        json!({"duration_ms": 400}),
    );
    s.add(
        "s2",
        Kind::ColdStart,
        "cold_start",
        json!({"duration_ms": 200}),
    );
    s.add("s2", Kind::Log, "info", json!({"message": "hello"}));
    s.events
}

fn pairs(list: &[(&str, usize)]) -> Vec<(String, usize)> {
    list.iter()
        .map(|&(name, count)| (name.to_owned(), count))
        .collect()
}

fn flow(from: &str, to: &str, count: usize) -> Flow {
    Flow {
        from: from.to_owned(),
        to: to.to_owned(),
        count,
    }
}

#[test]
fn a_report_counts_pages_flows_exits_apis_and_start_up() {
    let events = two_sessions();
    let report = Report::from_events(&events);
    assert_eq!(report.events, events.len());
    assert_eq!(report.sessions, 2);
    assert_eq!(
        report.page_views,
        pairs(&[("pages/a", 2), ("pages/b", 2), ("pages/c", 1)])
    );
    assert_eq!(
        report.page_flow,
        [
            flow("(launch)", "pages/a", 2),
            flow("pages/a", "pages/b", 2),
            flow("pages/b", "pages/c", 1),
        ]
    );
    assert_eq!(report.exits, pairs(&[("pages/b", 1), ("pages/c", 1)]));
    assert_eq!(
        report.mean_dwell_ms,
        [
            ("pages/a".to_owned(), 1500.0),
            ("pages/b".to_owned(), 3000.5)
        ]
    );
    assert_eq!(
        report.apis,
        [
            ApiStats {
                name: "wx.request".to_owned(),
                calls: 4,
                errors: 1,
                error_rate: 0.25,
                mean_ms: 25.0,
                p95_ms: 40.0,
            },
            ApiStats {
                name: "wx.getStorage".to_owned(),
                calls: 1,
                errors: 0,
                error_rate: 0.0,
                mean_ms: 0.0,
                p95_ms: 0.0,
            },
        ]
    );
    assert_eq!(
        report.cold_start_ms,
        Some(Percentiles {
            count: 4,
            p50: 200.0,
            p95: 400.0,
        })
    );
    assert_eq!(
        report.script_errors,
        pairs(&[("x is not defined (app.js:3)", 2), ("boom", 1)])
    );
    assert_eq!(report.custom_events, pairs(&[("buy", 2), ("share", 1)]));

    let json = serde_json::to_value(&report).expect("serialise");
    assert_eq!(json["apis"][0]["error_rate"], 0.25);
    assert_eq!(json["page_views"][0], json!(["pages/a", 2]));
}

#[test]
fn the_report_reads_well_in_a_terminal() {
    let text = Report::from_events(&two_sessions()).to_string();
    for expected in [
        "26 events in 2 sessions",
        "Pages\n",
        "     2  pages/a  (mean dwell 1500 ms)",
        "     2  pages/b  (mean dwell 3000.5 ms)",
        "     1  pages/c\n",
        "Page flow\n",
        "     2  (launch) -> pages/a",
        "     1  pages/b -> pages/c",
        "Drop-off\n",
        "     1  pages/b",
        "APIs\n",
        "     4  wx.request  1 failed (25.0%), mean 25 ms, p95 40 ms",
        "Cold start\n",
        "  4 starts, p50 200 ms, p95 400 ms",
        "Errors\n",
        "     2  x is not defined (app.js:3)",
        "Custom events\n",
        "     2  buy",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    assert!(!text.contains("none"), "{text}");
}

#[test]
fn an_empty_report_says_none_in_every_section() {
    let report = Report::from_events(&[]);
    assert_eq!(report.events, 0);
    assert_eq!(report.sessions, 0);
    assert_eq!(report.cold_start_ms, None);
    let text = report.to_string();
    assert_eq!(text.matches("  none\n").count(), 7, "{text}");
    for section in [
        "Pages",
        "Page flow",
        "Drop-off",
        "APIs",
        "Cold start",
        "Errors",
        "Custom events",
    ] {
        assert!(text.contains(&format!("\n{section}\n  none\n")), "{text}");
    }
}

#[test]
fn percentiles_use_the_nearest_rank() {
    let cold_starts = |durations: &[u32]| {
        let mut script = Script { events: Vec::new() };
        // Recorded out of order: percentiles sort first.
        for &duration in durations.iter().rev() {
            script.add(
                "s",
                Kind::ColdStart,
                "cold_start",
                json!({ "duration_ms": duration }),
            );
        }
        Report::from_events(&script.events).cold_start_ms
    };
    let twenty: Vec<u32> = (1..=20).collect();
    assert_eq!(
        cold_starts(&twenty),
        Some(Percentiles {
            count: 20,
            p50: 10.0,
            p95: 19.0,
        })
    );
    assert_eq!(
        cold_starts(&[7]),
        Some(Percentiles {
            count: 1,
            p50: 7.0,
            p95: 7.0,
        })
    );
    assert_eq!(
        cold_starts(&[5, 1, 3]),
        Some(Percentiles {
            count: 3,
            p50: 3.0,
            p95: 5.0,
        })
    );
}

#[test]
fn a_session_exits_from_its_latest_page_even_if_listed_earlier() {
    let mut script = Script { events: Vec::new() };
    script.add("s", Kind::PageEnter, "pages/a", json!({}));
    script.add("s", Kind::PageEnter, "pages/b", json!({"from": "pages/a"}));
    let mut events = script.events;
    events.swap(0, 1);
    let report = Report::from_events(&events);
    assert_eq!(report.exits, pairs(&[("pages/b", 1)]));
}
