//! One app cannot take its host down: apps (both dialects) that blow up memory, run too long
//! or are killed, each in a logic worker process (the `capsule` executable), are stopped with
//! their reason while the host process and a second app keep going, the host's memory stays
//! where it was, and the stopped app opens again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

#[path = "../../tests/mp_support/mod.rs"]
mod mp_support;

use capsule_runtime::view::Selector;
use capsule_runtime::{
    App, AppLimits, Container, ContainerEvent, HeadlessHost, Isolation, MiniProgram,
    MiniProgramOptions, PageId, StopReason, UserAction, WORKER_ARG, WorkerCommand,
};
use mp_support::wait;

/// A budget small enough to reach quickly and far above what the apps need to start.
const BUDGET: u64 = 96 << 20;

fn app_folder(dialect: &str) -> PathBuf {
    Path::new("../../tests/apps").join(format!("limits-{dialect}"))
}

/// The other dialect's app, which keeps running beside the one that misbehaves.
fn bystander_of(dialect: &str) -> &'static str {
    if dialect == "wechat" {
        "alipay"
    } else {
        "wechat"
    }
}

fn worker() -> Isolation {
    Isolation::Process(WorkerCommand {
        program: env!("CARGO_BIN_EXE_capsule").into(),
        args: vec![WORKER_ARG.to_owned()],
    })
}

fn limits(time_budget: Duration) -> AppLimits {
    AppLimits {
        isolation: Some(worker()),
        memory_budget: Some(BUDGET),
        time_budget: Some(time_budget),
    }
}

/// A headless container with its own data folder, and its event stream.
fn container(data: &Path) -> (Container, Receiver<ContainerEvent>) {
    let container = Container::builder()
        .data_dir(data)
        .build(Arc::new(HeadlessHost::new()));
    let events = container.subscribe();
    (container, events)
}

fn launch(container: &Container, dialect: &str, limits: &AppLimits) -> MiniProgram {
    let app = App::open_dir(&app_folder(dialect)).expect("the test app opens");
    let options = MiniProgramOptions {
        limits: limits.clone(),
        ..MiniProgramOptions::default()
    };
    let program = MiniProgram::launch(container, app, &options).expect("launches");
    wait(&program, |s| s.cold_start.is_some());
    program
}

fn tap(program: &MiniProgram, selector: &str) {
    let snapshot = program.snapshot().expect("snapshot");
    let path = Selector::parse(selector)
        .expect("selector")
        .find(&snapshot.tree)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {selector} in {}", snapshot.html));
    program.act(path, UserAction::Tap).expect("tap");
}

fn text_of(program: &MiniProgram, class: &str) -> String {
    let snapshot = program.snapshot().expect("snapshot");
    let tree = &snapshot.tree;
    let path = Selector::parse(&format!(".{class}"))
        .expect("selector")
        .find(tree)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no .{class} in {}", snapshot.html));
    let element = capsule_runtime::view::element_at(tree, &path).expect("the element");
    capsule_runtime::view::text_of(element).trim().to_owned()
}

/// The reason the app in window `page` was stopped, waiting up to `within`.
fn stop_of(events: &Receiver<ContainerEvent>, page: PageId, within: Duration) -> StopReason {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(ContainerEvent::AppStopped {
                page: stopped,
                reason,
                ..
            }) if stopped == page => return reason,
            Ok(_) => {}
            Err(_) => panic!("the app was not stopped within {within:?}"),
        }
    }
}

/// The host's resident memory, in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib * 1024
}

/// The bystander still answers taps.
fn still_answers(bystander: &MiniProgram, taps: &mut u32) {
    tap(bystander, ".bump");
    *taps += 1;
    let expected = taps.to_string();
    wait(bystander, |_| text_of(bystander, "count") == expected);
}

/// Each memory bomb stops its own app with its reason; the host and the bystander keep
/// going, the host's memory stays put, and the app opens again afterwards.
fn memory_bombs_stop_only_their_app(dialect: &str) {
    let data = tempfile::tempdir().expect("tempdir");
    let (container, events) = container(data.path());
    let limits = limits(LONG);
    let bystander = launch(&container, bystander_of(dialect), &limits);
    let mut taps = 0;
    still_answers(&bystander, &mut taps);
    let before = resident_bytes();
    for bomb in [".double", ".arrays", ".graph"] {
        let program = launch(&container, dialect, &limits);
        tap(&program, bomb);
        let reason = stop_of(&events, program.page(), Duration::from_secs(60));
        match &reason {
            StopReason::MemoryBudget { budget, .. } => assert_eq!(*budget, BUDGET),
            other => panic!("{bomb}: stopped for another reason: {other}"),
        }
        let snapshot = wait(&program, |s| s.crashed);
        assert!(
            snapshot.html.contains("This mini-program was stopped")
                && snapshot.html.contains("memory budget of 96.0 MiB"),
            "{bomb}: the page says why: {}",
            snapshot.html
        );
        assert!(
            snapshot.errors.iter().any(|e| e.contains("memory budget")),
            "{:?}",
            snapshot.errors
        );
        still_answers(&bystander, &mut taps);
        program.close();
    }
    let after = resident_bytes();
    assert!(
        after < before + (32 << 20),
        "the host's memory went from {before} to {after} bytes"
    );
    // The app opens again and works.
    let again = launch(&container, dialect, &limits);
    tap(&again, ".bump");
    wait(&again, |_| text_of(&again, "count") == "1");
}

/// A time budget the bombs never get near.
const LONG: Duration = Duration::from_secs(120);

#[test]
fn wechat_memory_bombs_stop_only_their_app() {
    memory_bombs_stop_only_their_app("wechat");
}

#[test]
fn alipay_memory_bombs_stop_only_their_app() {
    memory_bombs_stop_only_their_app("alipay");
}

/// A page's view script (WXS, SJS) renders in the app's worker: it works there, and when it
/// allocates without end during a render, the app is stopped and the host goes on.
fn a_view_script_bomb_stops_only_its_app(dialect: &str) {
    let data = tempfile::tempdir().expect("tempdir");
    let (container, events) = container(data.path());
    let limits = limits(LONG);
    let bystander = launch(&container, bystander_of(dialect), &limits);
    let program = launch(&container, dialect, &limits);
    assert_eq!(text_of(&program, "label"), "tapped 0 times");
    tap(&program, ".bump");
    wait(&program, |_| text_of(&program, "label") == "tapped 1 time");
    let before = resident_bytes();
    tap(&program, ".render-bomb");
    let reason = stop_of(&events, program.page(), Duration::from_secs(60));
    assert!(
        matches!(reason, StopReason::MemoryBudget { budget, .. } if budget == BUDGET),
        "stopped for another reason: {reason}"
    );
    let snapshot = wait(&program, |s| s.crashed);
    assert!(
        snapshot.html.contains("This mini-program was stopped"),
        "{}",
        snapshot.html
    );
    let mut taps = 0;
    still_answers(&bystander, &mut taps);
    let after = resident_bytes();
    assert!(
        after < before + (32 << 20),
        "the host's memory went from {before} to {after} bytes"
    );
}

#[test]
fn wechat_wxs_bomb_stops_only_its_app() {
    a_view_script_bomb_stops_only_its_app("wechat");
}

#[test]
fn alipay_sjs_bomb_stops_only_its_app() {
    a_view_script_bomb_stops_only_its_app("alipay");
}

/// Memory past the warning levels reaches the app's `onMemoryWarning` and the host before
/// the budget stops anything.
fn memory_warnings_come_first(dialect: &str) {
    let data = tempfile::tempdir().expect("tempdir");
    let (container, events) = container(data.path());
    let program = launch(&container, dialect, &limits(LONG));
    let mut level = 0;
    for _ in 0..12 {
        tap(&program, ".hold");
        program.settle().expect("settles");
        while let Ok(event) = events.try_recv() {
            if let ContainerEvent::MemoryWarning {
                level: warned,
                budget,
                used,
                ..
            } = event
            {
                assert_eq!(budget, BUDGET);
                assert!(used * 100 >= budget * 60, "{used} of {budget}");
                level = level.max(warned);
            }
            if let ContainerEvent::AppStopped { reason, .. } = event {
                panic!("stopped before any warning: {reason}");
            }
        }
        if level >= 10 {
            break;
        }
    }
    assert!(level >= 10, "no warning of level 10 or more: {level}");
    // The app heard it too, and keeps running.
    wait(&program, |_| {
        text_of(&program, "warning").parse::<u8>().unwrap_or(0) >= 10
    });
    tap(&program, ".bump");
    wait(&program, |_| text_of(&program, "count") == "1");
}

#[test]
fn wechat_memory_warnings_come_before_the_budget() {
    memory_warnings_come_first("wechat");
}

#[test]
fn alipay_memory_warnings_come_before_the_budget() {
    memory_warnings_come_first("alipay");
}

/// A handler that stays under every loop limit but runs on and on is stopped at the time
/// budget, with what was running.
fn a_slow_handler_is_stopped_at_the_time_budget(dialect: &str) {
    let data = tempfile::tempdir().expect("tempdir");
    let (container, events) = container(data.path());
    let limits = limits(Duration::from_secs(1));
    let bystander = launch(&container, bystander_of(dialect), &limits);
    let program = launch(&container, dialect, &limits);
    let tapped = Instant::now();
    tap(&program, ".slow");
    let reason = stop_of(&events, program.page(), Duration::from_secs(30));
    let StopReason::TimeBudget { budget_ms, task } = &reason else {
        panic!("stopped for another reason: {reason}");
    };
    assert_eq!(*budget_ms, 1000);
    assert!(task.contains("slow"), "{task}");
    assert!(tapped.elapsed() >= Duration::from_secs(1));
    let snapshot = wait(&program, |s| s.crashed);
    assert!(
        snapshot
            .html
            .contains("ran longer than the time budget of 1 s"),
        "{}",
        snapshot.html
    );
    let mut taps = 0;
    still_answers(&bystander, &mut taps);
}

#[test]
fn wechat_slow_handler_is_stopped_at_the_time_budget() {
    a_slow_handler_is_stopped_at_the_time_budget("wechat");
}

#[test]
fn alipay_slow_handler_is_stopped_at_the_time_budget() {
    a_slow_handler_is_stopped_at_the_time_budget("alipay");
}

/// The logic worker processes this test process started for app `app_id`.
fn workers_of(app_id: &str) -> Vec<u32> {
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // The parent pid is the 2nd field after the parenthesised command name.
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        if parent == Some(me)
            && args.contains(&WORKER_ARG.as_bytes())
            && args.contains(&app_id.as_bytes())
        {
            found.push(pid);
        }
    }
    found
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A worker that dies (here: killed) stops its app with the signal as the reason; the app
/// opens again.
#[test]
fn a_killed_worker_stops_only_its_app() {
    let data = tempfile::tempdir().expect("tempdir");
    let (container, events) = container(data.path());
    // An app of its own, so that only its worker is found.
    let folder = data.path().join("app");
    copy_folder(&app_folder("wechat"), &folder);
    let manifest = std::fs::read_to_string(folder.join("manifest.json")).expect("manifest");
    let manifest = manifest.replace("limits.wechat", "limits.killed");
    std::fs::write(folder.join("manifest.json"), manifest).expect("manifest");
    let app = App::open_dir(&folder).expect("the copy opens");
    let options = MiniProgramOptions {
        limits: limits(LONG),
        ..MiniProgramOptions::default()
    };
    let program = MiniProgram::launch(&container, app, &options).expect("launches");
    wait(&program, |s| s.cold_start.is_some());
    let running = workers_of("limits.killed");
    assert_eq!(running.len(), 1, "one worker for one app: {running:?}");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &running[0].to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let reason = stop_of(&events, program.page(), Duration::from_secs(10));
    assert_eq!(
        reason,
        StopReason::Crashed {
            message: "its worker was killed by signal 9".into()
        }
    );
    program.reload().expect("reloads");
    wait(&program, |s| {
        !s.crashed && s.route.as_deref() == Some("pages/index/index")
    });
    tap(&program, ".bump");
    wait(&program, |_| text_of(&program, "count") == "1");
}
