//! Reports: what the journal's events say about pages, APIs, start-up and errors.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::event::{Event, Kind};

/// What a `PageEnter` without a `from` attribute counts as coming from.
const LAUNCH: &str = "(launch)";

/// A summary of journal events, as `capsule analytics report` prints it. Lists are ordered
/// by count (largest first), ties by name, unless said otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// How many events were summarised.
    pub events: usize,
    /// Distinct session ids.
    pub sessions: usize,
    /// Page path -> how many times it was entered.
    pub page_views: Vec<(String, usize)>,
    /// Page-to-page moves, from `PageEnter`'s `from` (`(launch)` when absent).
    pub page_flow: Vec<Flow>,
    /// Where users drop off: the last page entered in each session, counted.
    pub exits: Vec<(String, usize)>,
    /// Page path -> mean `dwell_ms` of its `PageLeave` events, ordered by page path.
    pub mean_dwell_ms: Vec<(String, f64)>,
    /// Per API: calls, errors and durations; most called first, ties by name.
    pub apis: Vec<ApiStats>,
    /// Cold start `duration_ms` percentiles, if any cold start was recorded.
    pub cold_start_ms: Option<Percentiles>,
    /// Script errors as `message (file:line)` -> count.
    pub script_errors: Vec<(String, usize)>,
    /// The apps' own event names -> count.
    pub custom_events: Vec<(String, usize)>,
}

/// How many times users went from one page to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    /// The page left, or `(launch)`.
    pub from: String,
    /// The page entered.
    pub to: String,
    /// How many times.
    pub count: usize,
}

/// One API's calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiStats {
    /// The API name.
    pub name: String,
    /// How many calls finished.
    pub calls: usize,
    /// How many of them had a `code` other than 0.
    pub errors: usize,
    /// `errors / calls`.
    pub error_rate: f64,
    /// Mean `duration_ms` over the calls that have one (0 if none do).
    pub mean_ms: f64,
    /// 95th percentile of `duration_ms` (nearest rank; 0 if no call has one).
    pub p95_ms: f64,
}

/// Percentiles of some durations by the nearest-rank method: the p-th percentile is the
/// value at rank `ceil(p / 100 * count)` (1-based) in the sorted values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Percentiles {
    /// How many values.
    pub count: usize,
    /// The median.
    pub p50: f64,
    /// The 95th percentile.
    pub p95: f64,
}

impl Percentiles {
    /// The percentiles of `values`, or `None` if there are none.
    fn of(mut values: Vec<f64>) -> Option<Percentiles> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        Some(Percentiles {
            count: values.len(),
            p50: nearest_rank(&values, 50),
            p95: nearest_rank(&values, 95),
        })
    }
}

/// The `percent`-th percentile of non-empty sorted `values` by nearest rank, in integers so
/// that no rounding moves the rank.
fn nearest_rank(sorted: &[f64], percent: usize) -> f64 {
    let rank = (percent * sorted.len())
        .div_ceil(100)
        .clamp(1, sorted.len());
    sorted[rank - 1]
}

impl Report {
    /// Summarises `events`, which are taken to be in time order (as
    /// [`Journal::events`](crate::Journal::events) returns them); a session's exit
    /// page is its `PageEnter` with the latest time, the later one in the list on a tie.
    pub fn from_events(events: &[Event]) -> Report {
        let mut sessions = BTreeSet::new();
        let mut page_views = Counter::default();
        let mut page_flow = BTreeMap::<(&str, &str), usize>::new();
        let mut last_page = BTreeMap::<&str, (i64, &str)>::new();
        let mut dwell = BTreeMap::<&str, Vec<f64>>::new();
        let mut apis = BTreeMap::<&str, ApiCalls>::new();
        let mut cold_starts = Vec::new();
        let mut script_errors = Counter::default();
        let mut custom_events = Counter::default();

        for event in events {
            sessions.insert(event.context.session_id.as_str());
            let name = event.name.as_str();
            match event.kind {
                Kind::PageEnter => {
                    page_views.add(name.to_owned());
                    let from = event
                        .attributes
                        .get("from")
                        .and_then(Value::as_str)
                        .unwrap_or(LAUNCH);
                    *page_flow.entry((from, name)).or_default() += 1;
                    let session = event.context.session_id.as_str();
                    match last_page.get(session) {
                        Some(&(time_ms, _)) if time_ms > event.time_ms => {}
                        _ => {
                            last_page.insert(session, (event.time_ms, name));
                        }
                    }
                }
                Kind::PageLeave => {
                    if let Some(dwell_ms) = number(event, "dwell_ms") {
                        dwell.entry(name).or_default().push(dwell_ms);
                    }
                }
                Kind::ApiCall => {
                    let calls = apis.entry(name).or_default();
                    calls.calls += 1;
                    if number(event, "code").is_some_and(|code| code != 0.0) {
                        calls.errors += 1;
                    }
                    calls.durations.extend(number(event, "duration_ms"));
                }
                Kind::ColdStart => cold_starts.extend(number(event, "duration_ms")),
                Kind::ScriptError => script_errors.add(script_error_label(event)),
                Kind::Custom => custom_events.add(name.to_owned()),
                _ => {}
            }
        }

        let mut page_flow: Vec<Flow> = page_flow
            .into_iter()
            .map(|((from, to), count)| Flow {
                from: from.to_owned(),
                to: to.to_owned(),
                count,
            })
            .collect();
        // Stable: ties stay in (from, to) order.
        page_flow.sort_by_key(|flow| Reverse(flow.count));

        let mut exits = Counter::default();
        for (_, page) in last_page.into_values() {
            exits.add(page.to_owned());
        }

        let mut apis: Vec<ApiStats> = apis
            .into_iter()
            .map(|(name, calls)| calls.stats(name))
            .collect();
        apis.sort_by_key(|api| Reverse(api.calls));

        Report {
            events: events.len(),
            sessions: sessions.len(),
            page_views: page_views.ranked(),
            page_flow,
            exits: exits.ranked(),
            mean_dwell_ms: dwell
                .into_iter()
                .map(|(page, values)| (page.to_owned(), mean(&values)))
                .collect(),
            apis,
            cold_start_ms: Percentiles::of(cold_starts),
            script_errors: script_errors.ranked(),
            custom_events: custom_events.ranked(),
        }
    }
}

/// Counts by name.
#[derive(Default)]
struct Counter(BTreeMap<String, usize>);

impl Counter {
    fn add(&mut self, name: String) {
        *self.0.entry(name).or_default() += 1;
    }

    /// Largest count first, ties by name.
    fn ranked(self) -> Vec<(String, usize)> {
        let mut counts: Vec<_> = self.0.into_iter().collect();
        counts.sort_by_key(|&(_, count)| Reverse(count));
        counts
    }
}

/// One API's calls while they are being counted.
#[derive(Default)]
struct ApiCalls {
    calls: usize,
    errors: usize,
    durations: Vec<f64>,
}

impl ApiCalls {
    fn stats(self, name: &str) -> ApiStats {
        let mean_ms = mean(&self.durations);
        ApiStats {
            name: name.to_owned(),
            calls: self.calls,
            errors: self.errors,
            error_rate: self.errors as f64 / self.calls as f64,
            mean_ms,
            p95_ms: Percentiles::of(self.durations).map_or(0.0, |percentiles| percentiles.p95),
        }
    }
}

/// The mean of `values`, 0 for none.
fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// A numeric attribute.
fn number(event: &Event, key: &str) -> Option<f64> {
    event.attributes.get(key).and_then(Value::as_f64)
}

/// `message (file:line)`, or less where the attributes are missing.
fn script_error_label(event: &Event) -> String {
    let file = event.attributes.get("file").and_then(Value::as_str);
    let line = event.attributes.get("line").and_then(Value::as_i64);
    match (file, line) {
        (Some(file), Some(line)) => format!("{} ({file}:{line})", event.name),
        (Some(file), None) => format!("{} ({file})", event.name),
        (None, _) => event.name.clone(),
    }
}

/// Milliseconds without a trailing `.0`.
struct Ms(f64);

impl fmt::Display for Ms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.fract() == 0.0 {
            write!(f, "{:.0} ms", self.0)
        } else {
            write!(f, "{:.1} ms", self.0)
        }
    }
}

fn section(f: &mut fmt::Formatter<'_>, title: &str, lines: &[String]) -> fmt::Result {
    writeln!(f)?;
    writeln!(f, "{title}")?;
    if lines.is_empty() {
        writeln!(f, "  none")?;
    }
    for line in lines {
        writeln!(f, "  {line}")?;
    }
    Ok(())
}

fn counts(list: &[(String, usize)]) -> Vec<String> {
    list.iter()
        .map(|(name, count)| format!("{count:>6}  {name}"))
        .collect()
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} events in {} sessions", self.events, self.sessions)?;

        let dwell: BTreeMap<&str, f64> = self
            .mean_dwell_ms
            .iter()
            .map(|(page, dwell_ms)| (page.as_str(), *dwell_ms))
            .collect();
        let viewed: BTreeSet<&str> = self
            .page_views
            .iter()
            .map(|(page, _)| page.as_str())
            .collect();
        let with_views = self
            .page_views
            .iter()
            .map(|(page, views)| (page.as_str(), *views));
        let without_views = dwell
            .keys()
            .filter(|page| !viewed.contains(*page))
            .map(|page| (*page, 0));
        let pages: Vec<String> = with_views
            .chain(without_views)
            .map(|(page, views)| match dwell.get(page) {
                Some(&dwell_ms) => {
                    format!("{views:>6}  {page}  (mean dwell {})", Ms(dwell_ms))
                }
                None => format!("{views:>6}  {page}"),
            })
            .collect();
        section(f, "Pages", &pages)?;

        let flow: Vec<String> = self
            .page_flow
            .iter()
            .map(|flow| format!("{:>6}  {} -> {}", flow.count, flow.from, flow.to))
            .collect();
        section(f, "Page flow", &flow)?;
        section(f, "Drop-off", &counts(&self.exits))?;

        let apis: Vec<String> = self
            .apis
            .iter()
            .map(|api| {
                format!(
                    "{:>6}  {}  {} failed ({:.1}%), mean {}, p95 {}",
                    api.calls,
                    api.name,
                    api.errors,
                    api.error_rate * 100.0,
                    Ms(api.mean_ms),
                    Ms(api.p95_ms)
                )
            })
            .collect();
        section(f, "APIs", &apis)?;

        let cold_start: Vec<String> = self
            .cold_start_ms
            .iter()
            .map(|cold| {
                format!(
                    "{} starts, p50 {}, p95 {}",
                    cold.count,
                    Ms(cold.p50),
                    Ms(cold.p95)
                )
            })
            .collect();
        section(f, "Cold start", &cold_start)?;
        section(f, "Errors", &counts(&self.script_errors))?;
        section(f, "Custom events", &counts(&self.custom_events))
    }
}
