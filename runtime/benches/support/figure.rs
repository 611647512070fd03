//! One figure of a benchmark beside the baseline it is judged against, measured in the same
//! run. [`Figure::print`] writes it for a reader and, on two tagged lines, for
//! `scripts/bench.sh`, which gathers the `bench-json:` lines into
//! `docs/benchmarks/figures.json` and the `bench-row:` lines into the table of
//! `docs/BENCHMARKS.md`. Benches of every crate include this file with `#[path]`.
#![allow(dead_code, unreachable_pub)]

use serde_json::json;

/// What the ratio of a figure to its baseline should be.
#[derive(Debug, Clone, Copy)]
pub enum Goal {
    /// At most this many times the baseline (times, memory).
    AtMost(f64),
    /// At least this many times the baseline (throughputs, speed-ups).
    AtLeast(f64),
}

/// A measured figure and its baseline, in the same unit.
#[derive(Debug, Clone)]
pub struct Figure {
    /// What was measured.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// What it is judged against.
    pub baseline: String,
    /// The baseline's value.
    pub baseline_value: f64,
    /// The unit of both values (`ms`, `MB/s`, `calls/s`, `MiB`).
    pub unit: String,
    /// What the ratio value / baseline should be.
    pub goal: Goal,
}

impl Figure {
    /// `value / baseline_value`.
    pub fn ratio(&self) -> f64 {
        self.value / self.baseline_value
    }

    /// Whether the ratio meets the goal.
    pub fn met(&self) -> bool {
        match self.goal {
            Goal::AtMost(most) => self.ratio() <= most,
            Goal::AtLeast(least) => self.ratio() >= least,
        }
    }

    /// The goal as the table shows it.
    pub fn goal_text(&self) -> String {
        match self.goal {
            Goal::AtMost(most) => format!("≤ {most}×"),
            Goal::AtLeast(least) => format!("≥ {least}×"),
        }
    }

    /// Prints the figure: a line for a reader, then the tagged lines `scripts/bench.sh`
    /// gathers.
    pub fn print(&self) {
        let verdict = if self.met() { "met" } else { "missed" };
        println!(
            "{}: {} {} against {} {} = {:.2}× (goal {}: {verdict})",
            self.name,
            shown(self.value),
            self.unit,
            self.baseline,
            shown(self.baseline_value),
            self.ratio(),
            self.goal_text()
        );
        let machine = json!({
            "figure": self.name,
            "value": self.value,
            "baseline": self.baseline,
            "baseline_value": self.baseline_value,
            "unit": self.unit,
            "ratio": self.ratio(),
            "goal": self.goal_text(),
            "met": self.met(),
        });
        println!("bench-json: {machine}");
        println!(
            "bench-row: | {} | {} {} | {}: {} {} | {:.2}× | {} | {verdict} |",
            self.name,
            shown(self.value),
            self.unit,
            self.baseline,
            shown(self.baseline_value),
            self.unit,
            self.ratio(),
            self.goal_text()
        );
    }
}

/// A value with three significant digits or so.
fn shown(value: f64) -> String {
    if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.4}")
    }
}
