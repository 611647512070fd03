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
    /// App id -> how many events it has.
    pub apps: Vec<(String, usize)>,
    /// The earliest and the latest event time (Unix ms), if there are events.
    pub time_range_ms: Option<(i64, i64)>,
    /// Per API, in the order of [`Report::apis`]: its calls' `duration_ms` in
    /// [latency buckets](Bucket). All APIs share the same buckets: from the lowest to the
    /// highest that any call falls in (none if no call has a duration).
    pub api_latency: Vec<(String, Vec<Bucket>)>,
    /// Cold start `duration_ms` in [latency buckets](Bucket), from the lowest to the highest
    /// that any cold start falls in.
    pub cold_start_latency: Vec<Bucket>,
    /// Event counts over time.
    pub timeline: Timeline,
}

/// Upper bounds of the latency buckets, in ms; the first bucket starts at 0 and the last,
/// from 10 s, has no upper bound. Roughly logarithmic: 1, 2, 5 per power of ten.
const BUCKET_BOUNDS_MS: [f64; 16] = [
    0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
    10_000.0,
];

/// How many durations fell in a range of a latency histogram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// The lower bound (inclusive), in ms.
    pub from_ms: f64,
    /// The upper bound (exclusive), in ms; `None` for the last bucket, which has none.
    pub to_ms: Option<f64>,
    /// How many durations fell in the range.
    pub count: usize,
    /// How many of them were of failed calls (a `code` other than 0).
    pub errors: usize,
}

impl Bucket {
    /// The `index`-th latency bucket, empty.
    fn empty(index: usize) -> Bucket {
        Bucket {
            from_ms: index
                .checked_sub(1)
                .map_or(0.0, |below| BUCKET_BOUNDS_MS[below]),
            to_ms: BUCKET_BOUNDS_MS.get(index).copied(),
            count: 0,
            errors: 0,
        }
    }

    /// The index of the latency bucket `ms` falls in (the first for negative numbers).
    fn index_of(ms: f64) -> usize {
        BUCKET_BOUNDS_MS
            .iter()
            .take_while(|&&bound| ms >= bound)
            .count()
    }
}

/// Histograms of each list of (duration in ms, failed), over the same buckets: from the
/// lowest to the highest that any of the durations falls in.
fn histograms(lists: &[Vec<(f64, bool)>]) -> Vec<Vec<Bucket>> {
    let indices = || lists.iter().flatten().map(|&(ms, _)| Bucket::index_of(ms));
    let (Some(lowest), Some(highest)) = (indices().min(), indices().max()) else {
        return vec![Vec::new(); lists.len()];
    };
    lists
        .iter()
        .map(|list| {
            let mut buckets: Vec<Bucket> = (lowest..=highest).map(Bucket::empty).collect();
            for &(ms, failed) in list {
                let bucket = &mut buckets[Bucket::index_of(ms) - lowest];
                bucket.count += 1;
                bucket.errors += usize::from(failed);
            }
            buckets
        })
        .collect()
}

/// Bucket widths the timeline chooses from, in ms: the smallest that needs at most
/// [`MAX_TIME_BUCKETS`] buckets is taken.
const TIME_BUCKETS_MS: [i64; 12] = [
    1000,
    5 * 1000,
    15 * 1000,
    60 * 1000,
    5 * 60 * 1000,
    15 * 60 * 1000,
    60 * 60 * 1000,
    3 * 60 * 60 * 1000,
    12 * 60 * 60 * 1000,
    24 * 60 * 60 * 1000,
    7 * 24 * 60 * 60 * 1000,
    30 * 24 * 60 * 60 * 1000,
];

/// The most buckets a timeline has.
const MAX_TIME_BUCKETS: u64 = 48;

/// Event counts per time bucket, by kind group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// The width of a bucket in ms: 1 s, 5 s, 15 s, 1 min, 5 min, 15 min, 1 h, 3 h, 12 h,
    /// 1 day, 7 days or 30 days, the smallest that needs at most 48 buckets to cover the
    /// events' time range (wider still if even 30 days would need more).
    pub bucket_ms: i64,
    /// The buckets from the one of the earliest event to the one of the latest, in time
    /// order, empty ones included. Buckets start at multiples of `bucket_ms` since the epoch.
    pub buckets: Vec<TimeBucket>,
}

/// The events of one time bucket, counted by kind group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeBucket {
    /// When the bucket starts (Unix ms).
    pub start_ms: i64,
    /// Page enters and leaves.
    pub pages: usize,
    /// API calls and network requests.
    pub apis: usize,
    /// Script errors.
    pub errors: usize,
    /// The apps' own events.
    pub custom: usize,
    /// Everything else: app lifecycle, performance, logs.
    pub other: usize,
}

impl TimeBucket {
    /// The total of the bucket's counts.
    pub fn total(&self) -> usize {
        self.pages + self.apis + self.errors + self.custom + self.other
    }
}

impl Timeline {
    /// The timeline of `events`, which lie in `range` (the earliest and latest time).
    fn of(events: &[Event], range: Option<(i64, i64)>) -> Timeline {
        let Some((first, last)) = range else {
            return Timeline {
                bucket_ms: TIME_BUCKETS_MS[0],
                buckets: Vec::new(),
            };
        };
        let buckets_of = |width: i64| last.div_euclid(width).abs_diff(first.div_euclid(width)) + 1;
        let bucket_ms = TIME_BUCKETS_MS
            .into_iter()
            .find(|&width| buckets_of(width) <= MAX_TIME_BUCKETS)
            // Beyond 48 months: as wide as it takes.
            .unwrap_or_else(|| {
                let width = last.abs_diff(first) / (MAX_TIME_BUCKETS - 1) + 1;
                i64::try_from(width).unwrap_or(i64::MAX)
            });
        let first_bucket = first.div_euclid(bucket_ms);
        let mut buckets: Vec<TimeBucket> = (0..buckets_of(bucket_ms))
            .map(|index| TimeBucket {
                start_ms: (first_bucket + index as i64).saturating_mul(bucket_ms),
                pages: 0,
                apis: 0,
                errors: 0,
                custom: 0,
                other: 0,
            })
            .collect();
        for event in events {
            let index = event.time_ms.div_euclid(bucket_ms).abs_diff(first_bucket) as usize;
            let bucket = &mut buckets[index];
            let count = match event.kind {
                Kind::PageEnter | Kind::PageLeave => &mut bucket.pages,
                Kind::ApiCall | Kind::Network => &mut bucket.apis,
                Kind::ScriptError => &mut bucket.errors,
                Kind::Custom => &mut bucket.custom,
                _ => &mut bucket.other,
            };
            *count += 1;
        }
        Timeline { bucket_ms, buckets }
    }
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
        let mut apps = Counter::default();
        let mut time_range_ms: Option<(i64, i64)> = None;

        for event in events {
            sessions.insert(event.context.session_id.as_str());
            apps.add(event.context.app_id.clone());
            let (first, last) = time_range_ms.unwrap_or((event.time_ms, event.time_ms));
            time_range_ms = Some((first.min(event.time_ms), last.max(event.time_ms)));
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
                    let failed = number(event, "code").is_some_and(|code| code != 0.0);
                    calls.errors += usize::from(failed);
                    calls
                        .durations
                        .extend(number(event, "duration_ms").map(|ms| (ms, failed)));
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

        let mut apis: Vec<(ApiStats, Vec<(f64, bool)>)> = apis
            .into_iter()
            .map(|(name, calls)| calls.stats(name))
            .collect();
        apis.sort_by_key(|(api, _)| Reverse(api.calls));
        let (apis, durations): (Vec<ApiStats>, Vec<_>) = apis.into_iter().unzip();
        let api_latency = apis
            .iter()
            .map(|api| api.name.clone())
            .zip(histograms(&durations))
            .collect();
        let cold_start_latency = histograms(&[cold_starts.iter().map(|&ms| (ms, false)).collect()])
            .into_iter()
            .flatten()
            .collect();

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
            apps: apps.ranked(),
            time_range_ms,
            api_latency,
            cold_start_latency,
            timeline: Timeline::of(events, time_range_ms),
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
    /// The calls' durations, with whether the call failed.
    durations: Vec<(f64, bool)>,
}

impl ApiCalls {
    /// The API's stats, and its calls' durations.
    fn stats(self, name: &str) -> (ApiStats, Vec<(f64, bool)>) {
        let durations: Vec<f64> = self.durations.iter().map(|&(ms, _)| ms).collect();
        let stats = ApiStats {
            name: name.to_owned(),
            calls: self.calls,
            errors: self.errors,
            error_rate: self.errors as f64 / self.calls as f64,
            mean_ms: mean(&durations),
            p95_ms: Percentiles::of(durations).map_or(0.0, |percentiles| percentiles.p95),
        };
        (stats, self.durations)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Context;
    use serde_json::json;

    fn event(kind: Kind, name: &str, time_ms: i64, attributes: Value) -> Event {
        let mut event = Event::new(kind, name, &Context::default());
        event.time_ms = time_ms;
        if let Value::Object(attributes) = attributes {
            event.attributes = attributes;
        }
        event
    }

    fn call(name: &str, code: i64, duration_ms: f64) -> Event {
        let attributes = json!({"code": code, "duration_ms": duration_ms});
        event(Kind::ApiCall, name, 0, attributes)
    }

    /// A histogram as (from, to, count, errors).
    fn rows(buckets: &[Bucket]) -> Vec<(f64, Option<f64>, usize, usize)> {
        buckets
            .iter()
            .map(|b| (b.from_ms, b.to_ms, b.count, b.errors))
            .collect()
    }

    #[test]
    fn durations_fall_in_log_scale_buckets_with_inclusive_lower_bounds() {
        assert_eq!(Bucket::index_of(-3.0), 0);
        assert_eq!(Bucket::index_of(0.0), 0);
        assert_eq!(Bucket::index_of(0.099), 0);
        assert_eq!(Bucket::index_of(0.1), 1);
        assert_eq!(Bucket::index_of(1.0), 4);
        assert_eq!(Bucket::index_of(4.9), 5);
        assert_eq!(Bucket::index_of(5.0), 6);
        assert_eq!(Bucket::index_of(9_999.0), 15);
        assert_eq!(Bucket::index_of(10_000.0), 16);
        assert_eq!(Bucket::index_of(1e9), 16);
        assert_eq!(Bucket::index_of(f64::NAN), 0);
        assert_eq!(rows(&[Bucket::empty(0)]), [(0.0, Some(0.1), 0, 0)]);
        assert_eq!(rows(&[Bucket::empty(6)]), [(5.0, Some(10.0), 0, 0)]);
        assert_eq!(rows(&[Bucket::empty(16)]), [(10_000.0, None, 0, 0)]);
    }

    #[test]
    fn apis_share_histogram_buckets_from_the_lowest_to_the_highest_used() {
        let report = Report::from_events(&[
            call("a", 0, 1.5),
            call("a", 0, 1.0),
            call("a", 7, 1.9),
            call("a", 0, 3.0),
            call("b", 9, 12.0),
            // No duration: counted as a call, in no bucket.
            event(Kind::ApiCall, "c", 0, json!({"code": 0})),
        ]);
        let names: Vec<&str> = report.api_latency.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        let empty = |from, to| (from, Some(to), 0, 0);
        assert_eq!(
            rows(&report.api_latency[0].1),
            [
                (1.0, Some(2.0), 3, 1),
                (2.0, Some(5.0), 1, 0),
                empty(5.0, 10.0),
                empty(10.0, 20.0)
            ]
        );
        assert_eq!(
            rows(&report.api_latency[1].1),
            [
                empty(1.0, 2.0),
                empty(2.0, 5.0),
                empty(5.0, 10.0),
                (10.0, Some(20.0), 1, 1)
            ]
        );
        assert_eq!(
            rows(&report.api_latency[2].1),
            [
                empty(1.0, 2.0),
                empty(2.0, 5.0),
                empty(5.0, 10.0),
                empty(10.0, 20.0)
            ]
        );
    }

    #[test]
    fn cold_starts_have_their_own_histogram() {
        let start = |ms: f64| event(Kind::ColdStart, "cold_start", 0, json!({"duration_ms": ms}));
        let report =
            Report::from_events(&[start(120.0), start(480.0), start(150.0), call("a", 0, 0.05)]);
        assert_eq!(
            rows(&report.cold_start_latency),
            [(100.0, Some(200.0), 2, 0), (200.0, Some(500.0), 1, 0)]
        );
        assert_eq!(rows(&report.api_latency[0].1), [(0.0, Some(0.1), 1, 0)]);
        let none = Report::from_events(&[call("a", 0, 1.0)]);
        assert!(none.cold_start_latency.is_empty());
    }

    #[test]
    fn the_timeline_takes_the_smallest_bucket_that_needs_at_most_48() {
        let at = |kind: Kind, time_ms: i64| event(kind, "x", time_ms, json!({}));
        let base = 1_700_000_000_000; // a multiple of 5 s
        let report = Report::from_events(&[
            at(Kind::AppLaunch, base + 200),
            at(Kind::PageEnter, base + 900),
            at(Kind::ApiCall, base + 1_000),
            at(Kind::Network, base + 1_999),
            at(Kind::ScriptError, base + 3_500),
            at(Kind::Custom, base + 3_000),
            at(Kind::PageLeave, base + 3_999),
        ]);
        assert_eq!(report.time_range_ms, Some((base + 200, base + 3_999)));
        let timeline = &report.timeline;
        assert_eq!(timeline.bucket_ms, 1_000);
        let counts: Vec<(i64, [usize; 5])> = timeline
            .buckets
            .iter()
            .map(|b| {
                (
                    b.start_ms - base,
                    [b.pages, b.apis, b.errors, b.custom, b.other],
                )
            })
            .collect();
        assert_eq!(
            counts,
            [
                (0, [1, 0, 0, 0, 1]),
                (1_000, [0, 2, 0, 0, 0]),
                (2_000, [0, 0, 0, 0, 0]),
                (3_000, [1, 0, 1, 1, 0]),
            ]
        );
        assert_eq!(timeline.buckets[3].total(), 3);

        let width = |span_ms: i64| {
            let events = [at(Kind::Log, base), at(Kind::Log, base + span_ms)];
            let timeline = Report::from_events(&events).timeline;
            (timeline.bucket_ms, timeline.buckets.len())
        };
        assert_eq!(width(0), (1_000, 1));
        assert_eq!(width(47_999), (1_000, 48));
        assert_eq!(width(48_000), (5_000, 10));
        assert_eq!(width(60 * 60 * 1000), (5 * 60 * 1000, 13));
        assert_eq!(width(3 * 24 * 60 * 60 * 1000), (3 * 60 * 60 * 1000, 25));
        // Beyond 48 months, the buckets widen to fit 48.
        let (bucket_ms, buckets) = width(10 * 365 * 24 * 60 * 60 * 1000);
        assert!(bucket_ms > 30 * 24 * 60 * 60 * 1000, "{bucket_ms}");
        assert!(buckets <= 48, "{buckets}");
        // Times far apart do not make a huge timeline.
        let events = [at(Kind::Log, i64::MIN), at(Kind::Log, i64::MAX)];
        assert!(Report::from_events(&events).timeline.buckets.len() <= 48);
    }

    #[test]
    fn no_events_no_range_no_buckets() {
        let report = Report::from_events(&[]);
        assert_eq!(report.time_range_ms, None);
        assert!(report.timeline.buckets.is_empty());
        assert!(report.api_latency.is_empty());
        assert!(report.cold_start_latency.is_empty());
        assert!(report.apps.is_empty());
    }
}
