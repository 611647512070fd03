//! View layer benchmark: a list of rows (3 bindings and an event each).
//!
//! `cargo bench -p capsule-view --bench view` prints time per operation for a full render of
//! 1000 rows, a single-row update (`setData` of one row's title: re-render + patch ops) of a
//! 1000-row and of a 10,000-row list, and, as a baseline measured in the same run, serialising
//! the 1000-row page data to JSON — what sending the whole data on every change would cost
//! before any rendering at all. An update should cost what changed: the 10,000-row update
//! about what the 1000-row one costs.
//!
//! The render and the update are also set against j-component 1.4.10's published figures for
//! the same list (render 260–380 ms, one-row `setData` 15–17 ms; the faster end is taken),
//! the one baseline not measured here. `-- --quick` measures each for 0.1 s instead of 2 s.

#[path = "../../benches/support/figure.rs"]
mod figure;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use capsule_view::{PageView, View};
use figure::{Figure, Goal};
use serde_json::{Value, json};

const TEMPLATE: &str = r#"<view class="list">
  <view wx:for="{{rows}}" wx:key="id" class="row {{item.done ? 'done' : ''}}" data-id="{{item.id}}" bindtap="toggle">
    <text>{{item.title}}</text>
  </view>
</view>"#;

fn data(rows: usize) -> Value {
    let rows: Vec<Value> = (0..rows)
        .map(|i| json!({"id": i, "title": format!("Row number {i}"), "done": i % 3 == 0}))
        .collect();
    json!({ "rows": rows })
}

/// Runs `f` repeatedly for about `budget` and returns the mean time per call.
fn time_per_op(budget: Duration, mut f: impl FnMut()) -> (Duration, u32) {
    for _ in 0..3 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < budget {
        f();
        n += 1;
    }
    (start.elapsed() / n.max(1), n)
}

/// A `rows`-row list's view and how many one-row updates it has had.
struct Updating {
    view: View,
    done: u64,
    max_ops: usize,
}

impl Updating {
    fn new(page: &PageView, rows: usize) -> Self {
        let view = View::new(page.clone(), data(rows)).expect("renders");
        Self {
            view,
            done: 0,
            max_ops: 0,
        }
    }

    /// Mean time of one-row title updates over about `budget`.
    fn slice(&mut self, budget: Duration) -> (Duration, u32) {
        time_per_op(budget, || {
            self.done += 1;
            // Rows spread over the list (a prime step), the same sequence for every size.
            let row = (self.done * 7919) % 1000;
            let change = (
                format!("rows[{row}].title"),
                json!(format!("changed {}", self.done)),
            );
            let ops = self.view.set_data(&[change]);
            self.max_ops = self.max_ops.max(ops.len());
        })
    }
}

/// The best mean time of one-row updates of a 1000-row and a 10,000-row list, over ten
/// slices of `budget` / 10 each, taken in turn so that a slow moment of the machine does not
/// fall on one size only; with the runs and the most patch ops one update gave.
fn one_row_updates(page: &PageView, budget: Duration) -> [(Duration, u32, usize); 2] {
    let mut lists = [Updating::new(page, 1000), Updating::new(page, 10_000)];
    let mut best = [(Duration::MAX, 0); 2];
    for _ in 0..10 {
        for (list, best) in lists.iter_mut().zip(best.iter_mut()) {
            let (time, runs) = list.slice(budget / 10);
            best.0 = best.0.min(time);
            best.1 += runs;
        }
    }
    [0, 1].map(|i| (best[i].0, best[i].1, lists[i].max_ops))
}

fn main() {
    let files = HashMap::from([("pages/list/list.wxml".to_owned(), TEMPLATE.to_owned())]);
    let page =
        PageView::compile(&files, "pages/list/list.wxml", &Default::default()).expect("compiles");
    let data = data(1000);
    let quick = std::env::args().any(|arg| arg == "--quick");
    let budget = Duration::from_millis(if quick { 100 } else { 2_000 });

    let (baseline, n0) = time_per_op(budget, || {
        black_box(serde_json::to_string(black_box(&data)).expect("serialises"));
    });
    let (full, n1) = time_per_op(budget, || {
        black_box(View::new(page.clone(), data.clone()).expect("renders"));
    });
    let [(update, n2, ops), (update_10k, n3, ops_10k)] = one_row_updates(&page, budget * 2);
    let html_len = View::new(page.clone(), data.clone())
        .expect("renders")
        .html()
        .len();

    println!("1000-row list, 3 bindings + 1 event per row ({html_len} bytes of HTML)");
    println!(
        "baseline: JSON-serialise page data      {:>10.1?} per op ({n0} runs)",
        baseline
    );
    println!(
        "full render, 1000 rows (compile excluded) {:>8.1?} per op ({n1} runs)",
        full
    );
    println!(
        "one-row update, 1000 rows               {:>10.1?} per op ({n2} runs), at most {ops} patch op(s)",
        update
    );
    println!(
        "one-row update, 10,000 rows             {:>10.1?} per op ({n3} runs), at most {ops_10k} patch op(s)",
        update_10k
    );
    println!(
        "update / full render = {:.3}, update / baseline = {:.3}, 10,000-row update / 1000-row update = {:.2}",
        update.as_secs_f64() / full.as_secs_f64(),
        update.as_secs_f64() / baseline.as_secs_f64(),
        update_10k.as_secs_f64() / update.as_secs_f64()
    );
    let per_second = |time: Duration| 1.0 / time.as_secs_f64();
    let figures = [
        Figure {
            name: "full render of a 1000-row list".into(),
            value: per_second(full),
            baseline: "j-component 1.4.10 (published, 260 ms)".into(),
            baseline_value: per_second(Duration::from_millis(260)),
            unit: "renders/s".into(),
            goal: Goal::AtLeast(10.0),
        },
        Figure {
            name: "one-row update of a 1000-row list (logic excluded)".into(),
            value: per_second(update),
            baseline: "j-component 1.4.10 (published, 15 ms)".into(),
            baseline_value: per_second(Duration::from_millis(15)),
            unit: "updates/s".into(),
            goal: Goal::AtLeast(50.0),
        },
        Figure {
            name: "one-row update of a 10,000-row list".into(),
            value: update_10k.as_secs_f64() * 1e3,
            baseline: "the same update of a 1000-row list".into(),
            baseline_value: update.as_secs_f64() * 1e3,
            unit: "ms".into(),
            goal: Goal::AtMost(1.5),
        },
    ];
    for figure in figures {
        figure.print();
    }
}
