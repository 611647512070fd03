//! View layer benchmark: a 1000-row list (rows with 3 bindings and an event).
//!
//! `cargo bench -p capsule-runtime --bench view` prints time per operation for a full render,
//! a single-row update (re-render + diff), and, as a baseline measured in the same run,
//! serialising the page data to JSON — what sending the whole data on every change would cost
//! before any rendering at all.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use capsule_view::{PageView, View};
use serde_json::{Value, json};

const TEMPLATE: &str = r#"<view class="list">
  <view wx:for="{{rows}}" wx:key="id" class="row {{item.done ? 'done' : ''}}" data-id="{{item.id}}" bindtap="toggle">
    <text>{{item.title}}</text>
  </view>
</view>"#;

fn data() -> Value {
    let rows: Vec<Value> = (0..1000)
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

fn main() {
    let files = HashMap::from([("pages/list/list.wxml".to_owned(), TEMPLATE.to_owned())]);
    let page =
        PageView::compile(&files, "pages/list/list.wxml", &Default::default()).expect("compiles");
    let data = data();
    let budget = Duration::from_secs(2);

    let (baseline, n0) = time_per_op(budget, || {
        black_box(serde_json::to_string(black_box(&data)).expect("serialises"));
    });
    let (full, n1) = time_per_op(budget, || {
        black_box(View::new(page.clone(), data.clone()).expect("renders"));
    });
    let mut view = View::new(page.clone(), data.clone()).expect("renders");
    let mut i = 0u64;
    let mut op_counts = Vec::new();
    let (update, n2) = time_per_op(budget, || {
        i += 1;
        let row = i % 1000;
        let ops = view.set_data(&[(format!("rows[{row}].title"), json!(format!("changed {i}")))]);
        op_counts.push(ops.len());
    });
    let max_ops = op_counts.iter().max().copied().unwrap_or(0);
    let html_len = view.html().len();

    println!("1000-row list, 3 bindings + 1 event per row ({html_len} bytes of HTML)");
    println!(
        "baseline: JSON-serialise page data   {:>10.1?} per op ({n0} runs)",
        baseline
    );
    println!(
        "full render (compile excluded)       {:>10.1?} per op ({n1} runs)",
        full
    );
    println!(
        "single-row update (render + diff)    {:>10.1?} per op ({n2} runs), at most {max_ops} patch op(s)",
        update
    );
    println!(
        "update / full render = {:.2}, update / baseline = {:.2}",
        update.as_secs_f64() / full.as_secs_f64(),
        update.as_secs_f64() / baseline.as_secs_f64()
    );
}
