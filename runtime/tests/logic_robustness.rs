//! Runaway scripts, thrown errors and stopping: the app keeps running, the host is told.

mod logic_support;

use capsule_runtime::{LogicCommand, LogicError, LogicOptions, LogicToView};
use logic_support::{Harness, Setup};
use serde_json::json;

const FILES: &[(&str, &str)] = &[
    ("app.json", r#"{"pages":["pages/index/index"]}"#),
    (
        "app.js",
        "App({ onError(msg) { console.log('onError ' + msg.split('\\n')[0]); } })",
    ),
    (
        "pages/index/index.js",
        "Page({
           data: { n: 0 },
           spin() { while (true) {} },
           deep() { const f = (n) => f(n + 1) + 1; return f(0); },
           caught() { try { while (true) {} } catch (e) { console.log('caught it'); } },
           later() { setTimeout(() => { throw new TypeError('late'); }, 1); },
           bump() { this.setData({ n: this.data.n + 1 }); },
         })",
    ),
];

fn start() -> Harness {
    let mut setup = Setup::new("wechat", FILES);
    setup.options = LogicOptions {
        loop_iteration_limit: 100_000,
        recursion_limit: 200,
        ..LogicOptions::default()
    };
    let mut app = Harness::start_with(setup);
    app.launch();
    app
}

fn handle(app: &Harness, handler: &str) {
    app.send(LogicCommand::Event(Box::new(capsule_runtime::ViewEvent {
        page: 1,
        component: None,
        handler: handler.into(),
        event: capsule_runtime::EventObject::default(),
        reply_id: None,
    })));
}

fn script_errors(app: &Harness) -> Vec<String> {
    app.seen
        .iter()
        .filter_map(|m| match m {
            LogicToView::ScriptError { message } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn runaway_loops_and_recursion_are_cut_and_the_app_keeps_running() {
    let mut app = start();
    handle(&app, "spin");
    handle(&app, "caught");
    handle(&app, "deep");
    handle(&app, "bump");
    assert_eq!(app.eval("getCurrentPages()[0].data.n"), Ok(json!(1)));
    let errors = script_errors(&app);
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].contains("maximum number of iteration loops"),
        "{errors:?}"
    );
    assert!(
        errors[0].contains("at spin (pages/index/index.js:3:"),
        "{errors:?}"
    );
    assert!(
        errors[1].contains("maximum number of iteration loops"),
        "try/catch cannot swallow the cut"
    );
    assert!(
        errors[2].contains("maximum number of recursive calls"),
        "{errors:?}"
    );
    assert!(
        errors[2].lines().count() < 20,
        "repeated frames are cut: {errors:?}"
    );
    assert!(!app.logs().contains(&"caught it".to_owned()));
    assert_eq!(
        app.logs()
            .iter()
            .filter(|l| l.starts_with("onError RuntimeLimitError"))
            .count(),
        3,
        "{:?}",
        app.logs()
    );
}

#[test]
fn errors_in_timers_reach_on_error() {
    let mut app = start();
    handle(&app, "later");
    app.wait_for(|m| matches!(m, LogicToView::ScriptError { .. }));
    let errors = script_errors(&app);
    assert!(errors[0].starts_with("TypeError: late"), "{errors:?}");
    assert!(errors[0].contains("pages/index/index.js:6:"), "{errors:?}");
    assert!(
        app.new_logs()
            .contains(&"onError TypeError: late".to_owned())
    );
}

#[test]
fn a_stopped_thread_refuses_commands() {
    let app = start();
    app.send(LogicCommand::Shutdown);
    let mut stopped = false;
    for _ in 0..200 {
        if matches!(
            app.logic.send(LogicCommand::EnterForeground),
            Err(LogicError::Stopped)
        ) {
            stopped = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(stopped, "the handle reports a stopped thread");
}

#[test]
fn deeply_nested_source_is_an_error_not_a_host_crash() {
    let mut app = start();
    let nested = format!("{}1{}", "[".repeat(20_000), "]".repeat(20_000));
    let result = app.eval(&format!("JSON.stringify({nested}).length"));
    assert!(
        result
            .as_ref()
            .is_err_and(|e| e.contains("nest deeper than 1000")),
        "{result:?}"
    );
    assert_eq!(app.eval("1 + 1"), Ok(json!(2)));
}
