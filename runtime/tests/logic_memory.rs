//! The logic thread gives back the garbage of a burst of work once the app goes quiet. boa
//! collects only when its heap passes a threshold, and a large heap raises that threshold,
//! so without this a handler that made 10,000 calls would leave their promises and answers
//! in memory until the app allocated as much again. This binary's global allocator counts the bytes
//! the process holds, so the test sees the live heap (one test: another would share it).

use std::time::{Duration, Instant};

mod mp_support;

use capsule_logic::BudgetAllocator;
use mp_support::{launch, write_files};

#[global_allocator]
static ALLOCATOR: BudgetAllocator = BudgetAllocator;

const MIB: u64 = 1 << 20;

#[test]
fn the_garbage_of_a_burst_of_work_is_collected_once_the_app_is_quiet() {
    let root = tempfile::tempdir().expect("temp dir");
    write_files(
        root.path(),
        &[
            (
                "manifest.json",
                r#"{"appId":"test.memory","name":"Memory","version":"1.0.0","kind":"miniprogram",
                   "dialect":"wechat","entry":"app.json","permissions":{"apis":["ui"]}}"#,
            ),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({});"),
            ("pages/index/index.wxml", "<text>{{count}}</text>"),
            (
                "pages/index/index.js",
                r#"Page({
  data: { count: 0 },
  toasts(n) {
    for (let i = 0; i < n; i++) wx.showToast({ title: 'toast ' + i });
    this.setData({ count: n });
  },
});"#,
            ),
        ],
    );
    let launched = launch(root.path());
    let program = &launched.program;
    std::thread::sleep(Duration::from_millis(500));
    let before = BudgetAllocator::held_bytes();

    program
        .evaluate("getCurrentPages()[0].toasts(30000)")
        .expect("evaluates");
    program.settle().expect("settles");
    let after_work = BudgetAllocator::held_bytes();
    assert!(
        after_work > before + 6 * MIB,
        "the calls took no memory ({} MiB before, {} MiB after): the test proves nothing",
        before / MIB,
        after_work / MIB
    );

    let deadline = Instant::now() + Duration::from_secs(5);
    let mut held = after_work;
    while held > before + 4 * MIB && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        held = BudgetAllocator::held_bytes();
    }
    assert!(
        held <= before + 4 * MIB,
        "the heap held {} MiB before the work, {} MiB after it and still {} MiB 5 s later",
        before / MIB,
        after_work / MIB,
        held / MIB
    );
}
