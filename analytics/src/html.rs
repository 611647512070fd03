//! The report as one self-contained HTML page: a header with the apps, the time range and
//! the counts; the events over time, the page flow, API and cold start latency histograms
//! as inline SVG charts; and tables of pages, moves, APIs, script errors and custom events.
//! The page has no scripts and loads nothing; every string from the events is escaped.

use std::collections::BTreeMap;
use std::fmt::{self, Display, Write as _};

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::report::{Bucket, Report, TimeBucket};

/// Pages: page boxes in the flow, page events over time.
const PAGE_BLUE: &str = "#3f6fd1";
/// Where sessions start: the `(launch)` box.
const LAUNCH_GREEN: &str = "#2e9d5b";
/// Exits, script errors and failed calls.
const ERROR_RED: &str = "#d9485f";
/// API calls and network requests over time.
const API_ORANGE: &str = "#f08c2e";
/// The apps' own events over time.
const CUSTOM_PURPLE: &str = "#8a5cd1";
/// Other events over time.
const OTHER_GREY: &str = "#a7b0bb";
/// Successful calls in the latency histograms.
const LATENCY_TEAL: &str = "#1fa3a3";
/// Cold starts in their histogram.
const COLD_START_MAGENTA: &str = "#b5569b";

/// Where the flow starts (a page entered from no page).
const LAUNCH: &str = "(launch)";
/// Where sessions end.
const EXIT: &str = "(exit)";

/// How many pages the page flow shows, the most viewed; the others are one box.
const FLOW_PAGES: usize = 10;
/// How wide a page's name may be in its box of the flow, in ems.
const LABEL_EMS: f64 = 10.8;
/// The box of the pages the flow does not show one by one.
const OTHER_PAGES: &str = "(other pages)";

/// How many moves the moves table lists.
const TOP_MOVES: usize = 20;

/// How many APIs get a latency histogram.
const TOP_APIS: usize = 8;

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#f2f4f8;color:#1f2933;\
font:14px/1.45 -apple-system,'Segoe UI',Roboto,'Noto Sans',Helvetica,Arial,sans-serif}\
main{max-width:820px;margin:0 auto;padding:12px}\
h1{font-size:21px;margin:4px 0 2px}\
h2{font-size:16px;margin:0 0 2px}\
h3{font-size:13px;margin:0;word-break:break-all}\
.app{font-weight:600;color:#3f6fd1;margin:0;word-break:break-all}\
.sub{color:#616e7c;font-size:12px;margin:0 0 8px}\
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(96px,1fr));gap:8px;margin:12px 0}\
.tile{background:#fff;border-radius:10px;padding:8px 10px;box-shadow:0 1px 3px rgba(31,41,51,.1)}\
.tile b{display:block;font-size:22px;line-height:1.2}\
.tile span{font-size:12px;color:#616e7c}\
section{background:#fff;border-radius:12px;padding:12px;margin:12px 0;\
box-shadow:0 1px 3px rgba(31,41,51,.1)}\
svg{display:block;width:100%;height:auto}\
svg text{font-family:inherit}\
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:14px}\
.legend{margin:6px 0 0;font-size:12px;color:#52606d}\
.legend span{display:inline-block;margin-right:12px;white-space:nowrap}\
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}\
.scroll{overflow-x:auto}\
table{width:100%;border-collapse:collapse;font-size:13px}\
th{font-size:12px;color:#616e7c;font-weight:600}\
th,td{padding:5px 4px;text-align:left;border-bottom:1px solid #e4e7eb;vertical-align:top}\
.n{text-align:right;font-variant-numeric:tabular-nums}td.n{white-space:nowrap}\
td.name{overflow-wrap:anywhere;min-width:6.5em}\
.none{color:#7b8794;font-style:italic;margin:4px 0}\
.label{font-size:10.5px;font-weight:600;fill:#fff}\
.count{font-size:11px;font-weight:700;fill:#1f2933;paint-order:stroke;stroke:#fff;\
stroke-width:3px;stroke-linejoin:round}\
.axis{font-size:9px;fill:#616e7c}\
.grid{stroke:#e4e7eb;stroke-width:1}";

impl Report {
    /// The report as one self-contained HTML page, for people rather than programs: a header
    /// with the apps, the time range and the counts; charts (inline SVG, scaling to the
    /// page's width) of the events over time, the page flow with its exits, API latencies
    /// and cold starts; and tables of the pages, moves, APIs, script errors and custom
    /// events. The page runs no script and loads nothing; every string from the events is
    /// escaped.
    pub fn to_html(&self) -> String {
        Page(self).to_string()
    }
}

/// The page of a report.
struct Page<'a>(&'a Report);

impl Display for Page<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = self.0;
        f.write_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")?;
        f.write_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
        write!(
            f,
            "<title>Analytics: {}</title><style>{STYLE}</style></head>\n<body><main>\n",
            Esc(&apps_label(report))
        )?;
        header(f, report)?;
        timeline(f, report)?;
        page_flow(f, report)?;
        api_latency(f, report)?;
        cold_start(f, report)?;
        tables(f, report)?;
        f.write_str("</main></body></html>\n")
    }
}

/// Text escaped for HTML and SVG, in content and in quoted attributes.
struct Esc<'a>(&'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// The apps the events are of.
fn apps_label(report: &Report) -> String {
    match report.apps.as_slice() {
        [] => "no events".to_owned(),
        [(app, _)] => app.clone(),
        apps => {
            let names: Vec<&str> = apps.iter().map(|(app, _)| app.as_str()).collect();
            format!("{} apps: {}", apps.len(), names.join(", "))
        }
    }
}

fn header(f: &mut fmt::Formatter<'_>, report: &Report) -> fmt::Result {
    write!(
        f,
        "<header><h1>App analytics</h1><p class=\"app\">{}</p>",
        Esc(&apps_label(report))
    )?;
    if let Some((first, last)) = report.time_range_ms {
        let (start, end) = (Utc::of(first), Utc::of(last));
        let end = if start.date() == end.date() {
            end.time()
        } else {
            end.to_string()
        };
        write!(
            f,
            "<p class=\"sub\">{start} – {end} UTC ({})</p>",
            Span(last.saturating_sub(first))
        )?;
    }
    let page_views: usize = report.page_views.iter().map(|(_, views)| views).sum();
    let calls: usize = report.apis.iter().map(|api| api.calls).sum();
    let failed: usize = report.apis.iter().map(|api| api.errors).sum();
    let errors: usize = report.script_errors.iter().map(|(_, count)| count).sum();
    f.write_str("<div class=\"tiles\">")?;
    for (count, what) in [
        (report.events, "events"),
        (report.sessions, "sessions"),
        (page_views, "page views"),
        (calls, "API calls"),
        (failed, "failed calls"),
        (errors, "script errors"),
    ] {
        write!(
            f,
            "<div class=\"tile\"><b>{count}</b><span>{what}</span></div>"
        )?;
    }
    f.write_str("</div></header>\n")
}

/// A section's start: its title and a line saying what it shows.
fn section(f: &mut fmt::Formatter<'_>, title: &str, about: impl Display) -> fmt::Result {
    write!(f, "<section><h2>{title}</h2><p class=\"sub\">{about}</p>")
}

/// A kind group's count in a time bucket.
type GroupCount = fn(&TimeBucket) -> usize;

/// The kind groups of the timeline, as (name, colour, count).
const GROUPS: [(&str, &str, GroupCount); 5] = [
    ("Pages", PAGE_BLUE, |bucket| bucket.pages),
    ("APIs", API_ORANGE, |bucket| bucket.apis),
    ("Errors", ERROR_RED, |bucket| bucket.errors),
    ("Custom", CUSTOM_PURPLE, |bucket| bucket.custom),
    ("Other", OTHER_GREY, |bucket| bucket.other),
];

fn timeline(f: &mut fmt::Formatter<'_>, report: &Report) -> fmt::Result {
    let timeline = &report.timeline;
    section(
        f,
        "Events over time",
        format_args!("Events per {}, by kind.", Span(timeline.bucket_ms)),
    )?;
    let buckets = &timeline.buckets;
    if buckets.is_empty() {
        return f.write_str("<p class=\"none\">No events.</p></section>\n");
    }
    let (width, height, left, top, bottom) = (360.0, 150.0, 30.0, 8.0, 20.0);
    let plot_width = width - left - 4.0;
    let plot_height = height - top - bottom;
    let base = top + plot_height;
    let highest = buckets
        .iter()
        .map(TimeBucket::total)
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = plot_height / highest as f64;
    write!(
        f,
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Events over time\">"
    )?;
    for value in [highest, highest / 2, 0] {
        if value == highest / 2 && (value == 0 || value == highest) {
            continue;
        }
        let y = base - value as f64 * scale;
        write!(
            f,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{value}</text>",
            left - 4.0,
            y + 3.0
        )?;
    }
    let slot = plot_width / buckets.len() as f64;
    let bar = (slot * 0.8).min(28.0);
    for (index, bucket) in buckets.iter().enumerate() {
        let x = left + index as f64 * slot + (slot - bar) / 2.0;
        let mut y = base;
        write!(f, "<g><title>{}", Utc::of(bucket.start_ms))?;
        for (name, _, count) in GROUPS {
            write!(f, "\n{name}: {}", count(bucket))?;
        }
        f.write_str("</title>")?;
        for (_, colour, count) in GROUPS {
            let h = count(bucket) as f64 * scale;
            if h > 0.0 {
                y -= h;
                write!(
                    f,
                    "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{bar:.2}\" height=\"{h:.2}\" fill=\"{colour}\"/>"
                )?;
            }
        }
        f.write_str("</g>")?;
    }
    let last = buckets.len() - 1;
    let mut labelled = vec![0, last / 2, last];
    labelled.dedup();
    for index in labelled {
        let (x, anchor) = match index {
            0 => (left, "start"),
            i if i == last => (width - 4.0, "end"),
            i => (left + (i as f64 + 0.5) * slot, "middle"),
        };
        let time = Utc::of(buckets[index].start_ms);
        let text = if timeline.bucket_ms >= DAY_MS {
            time.date()
        } else if timeline.bucket_ms >= 60_000 {
            time.time()[..5].to_owned()
        } else {
            time.time()
        };
        write!(
            f,
            "<text class=\"axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{text}</text>",
            height - 6.0
        )?;
    }
    f.write_str("</svg><p class=\"legend\">")?;
    for (name, colour, _) in GROUPS {
        write!(
            f,
            "<span><i style=\"background:{colour}\"></i>{name}</span>"
        )?;
    }
    f.write_str("</p></section>\n")
}

/// One box of the page flow: a page, `(launch)` or `(exit)`, and the count through it.
struct Node<'a> {
    name: &'a str,
    count: usize,
    y: f64,
    height: f64,
}

/// The page boxes of one side of the flow, stacked from the top: each as high as its count
/// at `unit` pixels a count, but at least high enough for its label.
fn stack<'a>(counts: Vec<(&'a str, usize)>, unit: f64) -> Vec<Node<'a>> {
    let mut y = 2.0;
    counts
        .into_iter()
        .map(|(name, count)| {
            let height = (count as f64 * unit).max(22.0);
            let node = Node {
                name,
                count,
                y,
                height,
            };
            y += height + 12.0;
            node
        })
        .collect()
}

/// The page flow as a two-column diagram: where moves come from on the left, where they go
/// on the right, `(exit)` for where sessions end; bands as thick as their counts.
fn page_flow<'a>(f: &mut fmt::Formatter<'_>, report: &'a Report) -> fmt::Result {
    section(
        f,
        "Page flow",
        "Moves from the page on the left to the page on the right, and where sessions end \
         (exit); bands are as thick as their counts.",
    )?;
    if report.page_flow.is_empty() && report.exits.is_empty() {
        return f.write_str("<p class=\"none\">No page views.</p></section>\n");
    }
    // Pages in the order of their views; (launch) first on the left, (exit) last on the right,
    // the pages after the most viewed together before it.
    let rank = |name: &str| {
        let views = report.page_views.iter().position(|(page, _)| page == name);
        (
            name != LAUNCH,
            name == EXIT,
            name == OTHER_PAGES,
            views.unwrap_or(usize::MAX),
            name.to_owned(),
        )
    };
    let shown = |name: &'a str| -> &'a str {
        let views = report.page_views.iter().position(|(page, _)| page == name);
        match (name, views) {
            (LAUNCH | EXIT, _) => name,
            (_, Some(views)) if views < FLOW_PAGES => name,
            _ => OTHER_PAGES,
        }
    };
    let mut merged = BTreeMap::new();
    let moves = report
        .page_flow
        .iter()
        .map(|flow| (flow.from.as_str(), flow.to.as_str(), flow.count));
    let exits = report
        .exits
        .iter()
        .map(|(page, count)| (page.as_str(), EXIT, *count));
    for (from, to, count) in moves.chain(exits) {
        let (from, to) = (shown(from), shown(to));
        merged
            .entry((rank(from), rank(to)))
            .or_insert((from, to, 0))
            .2 += count;
    }
    let bands: Vec<(&str, &str, usize)> = merged.into_values().collect();
    let mut sources = BTreeMap::new();
    let mut targets = BTreeMap::new();
    for &(from, to, count) in &bands {
        sources.entry(rank(from)).or_insert((from, 0)).1 += count;
        targets.entry(rank(to)).or_insert((to, 0)).1 += count;
    }
    let total: usize = bands.iter().map(|&(_, _, count)| count).sum();
    let unit = (240.0 / total as f64).clamp(1.0, 30.0);
    let left = stack(sources.into_values().collect(), unit);
    let right = stack(targets.into_values().collect(), unit);
    let bottom = |nodes: &[Node<'_>]| nodes.last().map_or(0.0, |node| node.y + node.height);
    let height = bottom(&left).max(bottom(&right)) + 2.0;
    let (width, box_width) = (360.0, 128.0);
    let (x0, x1) = (box_width, width - box_width);
    let middle = (x0 + x1) / 2.0;

    // Where each band meets its boxes: stacked in the order of the other ends, centred.
    let find = |nodes: &[Node<'_>], name: &str| nodes.iter().position(|node| node.name == name);
    let mut ends = Vec::new();
    for (nodes, side) in [(&left, 0), (&right, 1)] {
        let mut order: Vec<usize> = (0..bands.len()).collect();
        order.sort_by_key(|&band| {
            let (from, to, _) = bands[band];
            let (mine, other) = if side == 0 { (from, to) } else { (to, from) };
            (rank(mine), rank(other))
        });
        let mut offsets: Vec<f64> = nodes
            .iter()
            .map(|node| node.y + (node.height - node.count as f64 * unit) / 2.0)
            .collect();
        let mut at = vec![0.0; bands.len()];
        for band in order {
            let (from, to, count) = bands[band];
            let node = find(nodes, if side == 0 { from } else { to }).unwrap_or(0);
            at[band] = offsets[node];
            offsets[node] += count as f64 * unit;
        }
        ends.push(at);
    }
    // The counts at the bands' left ends, each at least a line below the one above.
    // A band too thin for its count next to its neighbours' goes without (its count is in
    // its tooltip and the moves table).
    let mut ends_at: Vec<(f64, f64, usize)> = bands
        .iter()
        .zip(&ends[0])
        .map(|(&(_, _, count), &y0)| (y0, count as f64 * unit, count))
        .collect();
    ends_at.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut labels = Vec::new();
    let mut lowest = f64::MIN;
    for (y0, thick, count) in ends_at {
        let y = (y0 + thick / 2.0 + 4.0).max(lowest + 12.0);
        if y <= y0 + thick + 6.0 {
            labels.push((y, count));
            lowest = y;
        }
    }

    write!(
        f,
        "<svg viewBox=\"0 0 {width} {height:.0}\" role=\"img\" aria-label=\"Page flow\">"
    )?;
    for (band, &(from, to, count)) in bands.iter().enumerate() {
        let (y0, y1, thick) = (ends[0][band], ends[1][band], count as f64 * unit);
        let colour = match (from, to) {
            (_, EXIT) => ERROR_RED,
            (LAUNCH, _) => LAUNCH_GREEN,
            _ => PAGE_BLUE,
        };
        write!(
            f,
            "<path d=\"M{x0},{y0:.2} C{middle},{y0:.2} {middle},{y1:.2} {x1},{y1:.2} \
             L{x1},{:.2} C{middle},{:.2} {middle},{:.2} {x0},{:.2} Z\" fill=\"{colour}\" \
             fill-opacity=\"0.3\"><title>{} → {}: {count}</title></path>",
            y1 + thick,
            y1 + thick,
            y0 + thick,
            y0 + thick,
            Esc(from),
            Esc(to)
        )?;
    }
    for (y, count) in labels {
        write!(
            f,
            "<text class=\"count\" x=\"{:.1}\" y=\"{y:.2}\">{count}</text>",
            x0 + 5.0
        )?;
    }
    let boxes = left.iter().map(|node| (0.0, node));
    for (x, node) in boxes.chain(right.iter().map(|node| (x1, node))) {
        let colour = match node.name {
            LAUNCH => LAUNCH_GREEN,
            EXIT => ERROR_RED,
            OTHER_PAGES => OTHER_GREY,
            _ => PAGE_BLUE,
        };
        write!(
            f,
            "<g><title>{}: {}</title><rect x=\"{x}\" y=\"{:.2}\" width=\"{box_width}\" \
             height=\"{:.2}\" rx=\"4\" fill=\"{colour}\"/><text class=\"label\" x=\"{:.1}\" \
             y=\"{:.2}\">{}</text></g>",
            Esc(node.name),
            node.count,
            node.y,
            node.height,
            x + 6.0,
            node.y + node.height / 2.0 + 3.8,
            Esc(&shortened(node.name, LABEL_EMS))
        )?;
    }
    f.write_str("</svg></section>\n")
}

/// Roughly how wide `c` is in a sans-serif font, in ems.
fn char_width(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | 'r' | 't' | 'f' | '.' | ',' | ':' | ';' | '/' | '(' | ')' | '|' | '!'
        | '\'' | ' ' => 0.38,
        'm' | 'w' | 'M' | 'W' | '@' => 0.95,
        c if c.is_ascii_uppercase() => 0.72,
        c if c.is_ascii() => 0.62,
        // CJK and other wide scripts.
        _ => 1.0,
    }
}

/// `name` if it is at most `ems` wide, else as much of its end as fits after an ellipsis.
fn shortened(name: &str, ems: f64) -> String {
    if name.chars().map(char_width).sum::<f64>() <= ems {
        return name.to_owned();
    }
    let mut width = 1.0; // the ellipsis
    let mut tail: Vec<char> = name
        .chars()
        .rev()
        .take_while(|&c| {
            width += char_width(c);
            width <= ems
        })
        .collect();
    tail.push('…');
    tail.into_iter().rev().collect()
}

/// Histograms of the durations of the most called APIs' calls.
fn api_latency(f: &mut fmt::Formatter<'_>, report: &Report) -> fmt::Result {
    section(
        f,
        "API latency",
        format_args!(
            "Calls by duration (ms, log scale) of the {TOP_APIS} most called APIs; \
             failed calls in red."
        ),
    )?;
    let charts: Vec<_> = report
        .apis
        .iter()
        .zip(&report.api_latency)
        .filter(|(_, (_, buckets))| !buckets.is_empty())
        .take(TOP_APIS)
        .collect();
    if charts.is_empty() {
        return f.write_str("<p class=\"none\">No API call durations.</p></section>\n");
    }
    f.write_str("<div class=\"charts\">")?;
    for (api, (name, buckets)) in charts {
        write!(
            f,
            "<div><h3>{}</h3><p class=\"sub\">{} calls, {} failed, mean {}, p95 {}</p>",
            Esc(name),
            api.calls,
            api.errors,
            Millis(api.mean_ms),
            Millis(api.p95_ms)
        )?;
        histogram(f, name, buckets, LATENCY_TEAL)?;
        f.write_str("</div>")?;
    }
    f.write_str("</div></section>\n")
}

fn cold_start(f: &mut fmt::Formatter<'_>, report: &Report) -> fmt::Result {
    let Some(cold) = &report.cold_start_ms else {
        section(f, "Cold start", "From launch to the first page ready.")?;
        return f.write_str("<p class=\"none\">No cold starts.</p></section>\n");
    };
    section(
        f,
        "Cold start",
        format_args!(
            "From launch to the first page ready, in ms: {} starts, median {}, p95 {}.",
            cold.count,
            Millis(cold.p50),
            Millis(cold.p95)
        ),
    )?;
    histogram(
        f,
        "Cold start",
        &report.cold_start_latency,
        COLD_START_MAGENTA,
    )?;
    f.write_str("</section>\n")
}

/// A bar chart of `buckets`: the successful part in `colour`, the failed part in red above
/// it, the count over each bar and the bucket's lower bound under it.
fn histogram(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    buckets: &[Bucket],
    colour: &str,
) -> fmt::Result {
    let (width, height, top, bottom) = (240.0, 84.0, 14.0, 16.0);
    let plot_height = height - top - bottom;
    let base = top + plot_height;
    let highest = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let scale = plot_height / highest as f64;
    let slot = (width - 4.0) / buckets.len().max(1) as f64;
    let bar = (slot * 0.8).min(40.0);
    let every = buckets.len().div_ceil(8).max(1);
    write!(
        f,
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}: durations\">\
         <line class=\"grid\" x1=\"0\" x2=\"{width}\" y1=\"{base}\" y2=\"{base}\"/>",
        Esc(name)
    )?;
    for (index, bucket) in buckets.iter().enumerate() {
        let x = 2.0 + index as f64 * slot + (slot - bar) / 2.0;
        let centre = x + bar / 2.0;
        let range = match bucket.to_ms {
            Some(to) => format!("{}–{} ms", Bound(bucket.from_ms), Bound(to)),
            None => format!("{} ms and more", Bound(bucket.from_ms)),
        };
        write!(
            f,
            "<g><title>{range}: {} ({} failed)</title>",
            bucket.count, bucket.errors
        )?;
        let failed = bucket.errors as f64 * scale;
        let succeeded = bucket.count.saturating_sub(bucket.errors) as f64 * scale;
        for (h, y, fill) in [
            (succeeded, base - succeeded, colour),
            (failed, base - succeeded - failed, ERROR_RED),
        ] {
            if h > 0.0 {
                write!(
                    f,
                    "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{bar:.2}\" height=\"{h:.2}\" fill=\"{fill}\"/>"
                )?;
            }
        }
        if bucket.count > 0 {
            write!(
                f,
                "<text class=\"axis\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                base - succeeded - failed - 3.0,
                bucket.count
            )?;
        }
        f.write_str("</g>")?;
        if index % every == 0 {
            write!(
                f,
                "<text class=\"axis\" x=\"{x:.1}\" y=\"{:.1}\">{}</text>",
                height - 4.0,
                Bound(bucket.from_ms)
            )?;
        }
    }
    f.write_str("</svg>")
}

/// A number with at most one decimal, none if it rounds to a whole: `25`, `12.5`.
struct Number(f64);

impl Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!("{:.1}", self.0);
        f.write_str(text.strip_suffix(".0").unwrap_or(&text))
    }
}

/// A duration in ms, short: `0.3 ms`, `817 ms`, `2.1 s`, `1.5 min`.
struct Millis(f64);

impl Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms < 10.0 {
            write!(f, "{} ms", Number(ms))
        } else if ms < 1000.0 {
            write!(f, "{ms:.0} ms")
        } else if ms < 60_000.0 {
            write!(f, "{} s", Number(ms / 1000.0))
        } else {
            write!(f, "{} min", Number(ms / 60_000.0))
        }
    }
}

/// A bucket bound in ms: `0.5`, `20`, `1k`.
struct Bound(f64);

impl Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 >= 1000.0 {
            write!(f, "{}k", self.0 / 1000.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn tables(f: &mut fmt::Formatter<'_>, report: &Report) -> fmt::Result {
    section(
        f,
        "Pages",
        "Views, exits (the last page of a session) and mean dwell.",
    )?;
    let exits: BTreeMap<&str, usize> = report
        .exits
        .iter()
        .map(|(page, count)| (page.as_str(), *count))
        .collect();
    let dwell: BTreeMap<&str, f64> = report
        .mean_dwell_ms
        .iter()
        .map(|(page, ms)| (page.as_str(), *ms))
        .collect();
    let rows: Vec<Vec<String>> = report
        .page_views
        .iter()
        .map(|(page, views)| {
            let exits = exits.get(page.as_str()).copied().unwrap_or(0);
            let dwell = dwell
                .get(page.as_str())
                .map_or_else(|| "–".to_owned(), |&ms| Millis(ms).to_string());
            vec![page.clone(), views.to_string(), exits.to_string(), dwell]
        })
        .collect();
    table(
        f,
        &["Page", "Views", "Exits", "Mean dwell"],
        &rows,
        "No page views.",
    )?;
    f.write_str("</section>\n")?;

    section(
        f,
        "Moves",
        format_args!("The {TOP_MOVES} most frequent moves from page to page."),
    )?;
    let rows: Vec<Vec<String>> = report
        .page_flow
        .iter()
        .take(TOP_MOVES)
        .map(|flow| {
            vec![
                format!("{} → {}", flow.from, flow.to),
                flow.count.to_string(),
            ]
        })
        .collect();
    table(f, &["From → to", "Count"], &rows, "No page views.")?;
    f.write_str("</section>\n")?;

    section(f, "APIs", "Every JSAPI call, most called first.")?;
    let rows: Vec<Vec<String>> = report
        .apis
        .iter()
        .map(|api| {
            let failed = match api.errors {
                0 => "0".to_owned(),
                errors => format!("{errors} ({:.0}%)", api.error_rate * 100.0),
            };
            vec![
                api.name.clone(),
                api.calls.to_string(),
                failed,
                Millis(api.mean_ms).to_string(),
                Millis(api.p95_ms).to_string(),
            ]
        })
        .collect();
    table(
        f,
        &["API", "Calls", "Failed (rate)", "Mean", "p95"],
        &rows,
        "No API calls.",
    )?;
    f.write_str("</section>\n")?;

    for (title, about, list, column, none) in [
        (
            "Script errors",
            "Uncaught script errors, with where they were thrown.",
            &report.script_errors,
            "Error",
            "No script errors.",
        ),
        (
            "Custom events",
            "The apps' own events (reportAnalytics, reportEvent).",
            &report.custom_events,
            "Event",
            "No custom events.",
        ),
    ] {
        section(f, title, about)?;
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|(name, count)| vec![name.clone(), count.to_string()])
            .collect();
        table(f, &[column, "Count"], &rows, none)?;
        f.write_str("</section>\n")?;
    }
    Ok(())
}

/// A table with a name column first and numbers after it; `none` when there are no rows.
fn table(
    f: &mut fmt::Formatter<'_>,
    heads: &[&str],
    rows: &[Vec<String>],
    none: &str,
) -> fmt::Result {
    if rows.is_empty() {
        return write!(f, "<p class=\"none\">{none}</p>");
    }
    f.write_str("<div class=\"scroll\"><table><tr>")?;
    for (index, head) in heads.iter().enumerate() {
        let class = if index == 0 { "" } else { " class=\"n\"" };
        write!(f, "<th{class}>{head}</th>")?;
    }
    f.write_str("</tr>")?;
    for row in rows {
        f.write_str("<tr>")?;
        for (index, cell) in row.iter().enumerate() {
            let class = if index == 0 { "name" } else { "n" };
            write!(f, "<td class=\"{class}\">{}</td>", Esc(cell))?;
        }
        f.write_str("</tr>")?;
    }
    f.write_str("</table></div>")
}

/// Milliseconds in a day.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A time span, in the largest unit that fits: `850 ms`, `12 s`, `5 min`, `3 h`, `2 days`.
struct Span(i64);

impl Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        let units = [
            (DAY_MS, " days"),
            (3_600_000, " h"),
            (60_000, " min"),
            (1000, " s"),
        ];
        for (size, unit) in units {
            if ms >= size {
                let count = ms as f64 / size as f64;
                return match (count.fract() == 0.0, unit) {
                    (true, " days") if count == 1.0 => f.write_str("1 day"),
                    (true, unit) => write!(f, "{count:.0}{unit}"),
                    (false, unit) => write!(f, "{count:.1}{unit}"),
                };
            }
        }
        write!(f, "{ms} ms")
    }
}

/// A Unix time in UTC, to the second.
#[derive(PartialEq, Eq)]
struct Utc {
    year: i64,
    month: i64,
    day: i64,
    seconds: i64,
}

impl Utc {
    /// The UTC date and time of `time_ms` (Unix ms); times beyond what a calendar date can
    /// show (years past ±9999) show as their nearest limit.
    fn of(time_ms: i64) -> Utc {
        let seconds = time_ms.div_euclid(1000);
        let at = OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(if seconds < 0 {
            PrimitiveDateTime::MIN.assume_utc()
        } else {
            PrimitiveDateTime::MAX.assume_utc()
        });
        Utc {
            year: i64::from(at.year()),
            month: i64::from(u8::from(at.month())),
            day: i64::from(at.day()),
            seconds: i64::from(at.hour()) * 3600
                + i64::from(at.minute()) * 60
                + i64::from(at.second()),
        }
    }

    /// `2025-12-05`.
    fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `21:45:09`.
    fn time(&self) -> String {
        let (hours, minutes) = (self.seconds / 3600, self.seconds / 60 % 60);
        format!("{hours:02}:{minutes:02}:{:02}", self.seconds % 60)
    }
}

impl Display for Utc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.date(), self.time())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Context, Event, Kind};
    use serde_json::{Value, json};
    use std::sync::Arc;

    fn event(kind: Kind, name: &str, time_ms: i64, attributes: Value) -> Event {
        let context = Context {
            app_id: "shop.app".to_owned(),
            session_id: "s1".to_owned(),
            ..Context::default()
        };
        let mut event = Event::new(kind, name, &context);
        event.time_ms = time_ms;
        if let Value::Object(attributes) = attributes {
            event.attributes = attributes;
        }
        event
    }

    const HOSTILE: &str = "<script>alert(1)</script>";

    fn hostile_events() -> Vec<Event> {
        let t = 1_764_971_151_000; // 2025-12-05 21:45:51 UTC
        vec![
            event(Kind::AppLaunch, "shop.app", t, json!({})),
            event(
                Kind::ColdStart,
                "cold_start",
                t + 5,
                json!({"duration_ms": 180}),
            ),
            event(Kind::PageEnter, "pages/index", t + 10, json!({})),
            event(
                Kind::ApiCall,
                HOSTILE,
                t + 20,
                json!({"code": 0, "duration_ms": 3}),
            ),
            event(
                Kind::ApiCall,
                HOSTILE,
                t + 30,
                json!({"code": 5, "duration_ms": 40}),
            ),
            event(
                Kind::PageEnter,
                "pages/\"a\"&'b'",
                t + 65_000,
                json!({"from": "pages/index"}),
            ),
            event(
                Kind::ScriptError,
                HOSTILE,
                t + 66_000,
                json!({"file": "<x>.js", "line": 1}),
            ),
            event(Kind::Custom, HOSTILE, t + 67_000, json!({})),
        ]
    }

    #[test]
    fn strings_from_events_are_escaped() {
        let html = Report::from_events(&hostile_events()).to_html();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("alert(1)</"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("pages/&quot;a&quot;&amp;&#39;b&#39;"),
            "{html}"
        );
        assert!(html.contains("&lt;x&gt;.js:1"), "{html}");
        assert_eq!(Esc("a<b>&\"c'").to_string(), "a&lt;b&gt;&amp;&quot;c&#39;");
    }

    #[test]
    fn the_page_is_self_contained_with_its_charts() {
        let html = Report::from_events(&hostile_events()).to_html();
        assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
        assert!(html.ends_with("</html>\n"), "{html}");
        for outside in ["http:", "https:", "src=", "href=", "url(", "@import"] {
            assert!(!html.contains(outside), "{outside}");
        }
        // The header: the app, the time range, the counts.
        assert!(html.contains("shop.app"));
        assert!(
            html.contains("2025-12-05 21:45:51 – 21:46:58 UTC (1.1 min)"),
            "{html}"
        );
        assert!(html.contains("<b>8</b><span>events</span>"), "{html}");
        // Events over time (per 5 s over 67 s), the page flow, two latency histograms.
        assert_eq!(html.matches("<svg ").count(), 4, "{html}");
        assert_eq!(html.matches("</svg>").count(), 4, "{html}");
        assert!(html.contains("Events per 5 s"), "{html}");
        assert!(html.contains(&format!("fill=\"{PAGE_BLUE}\"")));
        assert!(html.contains(&format!("fill=\"{LAUNCH_GREEN}\"")));
        assert!(html.contains(&format!("fill=\"{ERROR_RED}\"")));
        assert!(html.contains(&format!("fill=\"{LATENCY_TEAL}\"")));
        assert!(html.contains(&format!("fill=\"{COLD_START_MAGENTA}\"")));
        for flow in [
            "(launch) → pages/index: 1",
            "pages/index → pages/&quot;a&quot;&amp;&#39;b&#39;: 1",
            "pages/&quot;a&quot;&amp;&#39;b&#39; → (exit): 1",
        ] {
            assert!(html.contains(flow), "{flow}: {html}");
        }
        assert!(
            html.contains("<title>2–5 ms: 1 (0 failed)</title>"),
            "{html}"
        );
        assert!(
            html.contains("<title>20–50 ms: 1 (1 failed)</title>"),
            "{html}"
        );
        assert!(html.contains("1 (50%)"), "{html}");
    }

    #[test]
    fn an_empty_report_says_so() {
        let html = Report::from_events(&[]).to_html();
        for none in [
            "No events.",
            "No page views.",
            "No API call durations.",
            "No cold starts.",
            "No API calls.",
            "No script errors.",
            "No custom events.",
        ] {
            assert!(html.contains(none), "{none}: {html}");
        }
        assert!(!html.contains("<svg"), "{html}");
    }

    #[test]
    fn flow_boxes_are_as_high_as_their_counts() {
        let t = 1_764_971_151_000;
        let mut events = Vec::new();
        for session in 0..10 {
            let mut enter = event(Kind::PageEnter, "pages/a", t, json!({}));
            Arc::make_mut(&mut enter.context).session_id = format!("s{session}");
            events.push(enter.clone());
            if session < 4 {
                let mut next = event(
                    Kind::PageEnter,
                    "pages/b",
                    t + 1,
                    json!({"from": "pages/a"}),
                );
                next.context = enter.context;
                events.push(next);
            }
        }
        let html = Report::from_events(&events).to_html();
        // 10 launches into pages/a, which 4 leave for pages/b and 6 exit from, and 4 exits
        // from pages/b: 240 px for 24 moves, 10 px a move.
        for (name, count, height) in [
            ("(launch)", 10, "100.00"),
            ("pages/a", 10, "100.00"),
            ("pages/b", 4, "40.00"),
            ("(exit)", 10, "100.00"),
        ] {
            let node = format!("<title>{name}: {count}</title>");
            let at = html.find(&node).unwrap_or_else(|| panic!("{node}: {html}"));
            let rect = &html[at..];
            assert!(
                rect.contains(&format!("height=\"{height}\"")),
                "{name}: {rect}"
            );
        }
    }

    #[test]
    fn the_flow_shows_the_most_viewed_pages_and_the_others_together() {
        let t = 1_764_971_151_000;
        let events: Vec<Event> = (0..12)
            .map(|session| {
                let page = format!("pages/p{session:02}");
                let mut enter = event(Kind::PageEnter, &page, t, json!({}));
                Arc::make_mut(&mut enter.context).session_id = format!("s{session}");
                enter
            })
            .collect();
        let html = Report::from_events(&events).to_html();
        for shown in [
            "<title>(launch) → pages/p00: 1</title>",
            "<title>pages/p09 → (exit): 1</title>",
            "<title>(launch) → (other pages): 2</title>",
            "<title>(other pages) → (exit): 2</title>",
            "<title>(other pages): 2</title>",
        ] {
            assert!(html.contains(shown), "{shown}: {html}");
        }
        assert!(!html.contains("<title>pages/p10"), "{html}");
        assert!(!html.contains("<title>(launch) → pages/p11"), "{html}");
        // The tables still list every page.
        assert!(html.contains("<td class=\"name\">pages/p11</td>"), "{html}");
    }

    #[test]
    fn times_are_shown_in_utc() {
        let shown = |ms| Utc::of(ms).to_string();
        assert_eq!(shown(0), "1970-01-01 00:00:00");
        assert_eq!(shown(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(shown(1_764_971_151_999), "2025-12-05 21:45:51");
        assert_eq!(shown(-1), "1969-12-31 23:59:59");
        assert_eq!(shown(4_107_542_400_000), "2100-03-01 00:00:00");
        let spans: Vec<String> = [0, 850, 1000, 1500, 90_000, 3_600_000, DAY_MS, 3 * DAY_MS]
            .map(|ms| Span(ms).to_string())
            .into();
        assert_eq!(
            spans,
            [
                "0 ms", "850 ms", "1 s", "1.5 s", "1.5 min", "1 h", "1 day", "3 days"
            ]
        );
    }

    #[test]
    fn long_names_keep_their_end() {
        assert_eq!(
            shortened("pages/detail/detail", 10.8),
            "pages/detail/detail"
        );
        let short = shortened("pages/checkout/checkout", 10.8);
        assert_eq!(short, "…heckout/checkout");
        assert!(short.chars().map(char_width).sum::<f64>() <= 10.8);
        assert_eq!(shortened("页面/设置/通知中心", 5.0), "…通知中心");
    }
}
