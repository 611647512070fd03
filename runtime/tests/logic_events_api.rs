//! Event dispatch and `my.*` / `wx.*` API calls of the logic layer.

mod logic_support;
mod mp_support;

use std::time::Duration;

use capsule_jsapi::{ApiError, Permission, Registry};
use capsule_runtime::{EventObject, EventTarget, LogicCommand, LogicToView, ViewEvent};
use logic_support::{Harness, Setup};
use serde_json::{Map, Value, json};

fn dataset(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields,
        other => panic!("not an object: {other}"),
    }
}

fn event(page: u64, handler: &str, reply_id: Option<u64>, event: EventObject) -> LogicCommand {
    LogicCommand::Event(Box::new(ViewEvent {
        page,
        component: None,
        handler: handler.into(),
        event,
        reply_id,
    }))
}

#[test]
fn handlers_get_the_spec_event_object_and_inputs_return_values() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        (
            "pages/index/index.js",
            "Page({
               tap(e) { console.log(JSON.stringify([e.type, e.timeStamp, e.target.id, e.target.dataset, e.currentTarget.tagName, e.detail, e.touches[0].pageX, e.mark || null])); },
               onInput(e) { return e.detail.value.toUpperCase(); },
               quiet() {},
               events: { onBack() { console.log('back event'); } },
             })",
        ),
    ];
    let mut app = Harness::start("wechat", &files);
    app.launch();
    let tap = EventObject {
        kind: "tap".into(),
        time_stamp: 1234.0,
        target: EventTarget {
            id: "save".into(),
            tag_name: "button".into(),
            dataset: dataset(json!({"id": 7, "flag": true, "item": {"name": "x"}, "text": "7"})),
        },
        current_target: EventTarget {
            id: "row".into(),
            tag_name: "view".into(),
            dataset: Map::new(),
        },
        detail: json!({"x": 10, "y": 20}),
        touches: vec![capsule_runtime::Touch {
            identifier: 0,
            page_x: 10.5,
            page_y: 20.0,
            client_x: 10.5,
            client_y: 20.0,
        }],
        changed_touches: vec![],
        mark: Some(dataset(json!({"row": 1}))),
    };
    app.send(event(1, "tap", None, tap));
    assert_eq!(
        app.new_logs(),
        [
            r#"["tap",1234,"save",{"flag":true,"id":7,"item":{"name":"x"},"text":"7"},"view",{"x":10,"y":20},10.5,{"row":1}]"#
        ]
    );

    let input = EventObject {
        kind: "input".into(),
        detail: json!({"value": "abc"}),
        ..EventObject::default()
    };
    app.send(event(1, "onInput", Some(5), input));
    assert_eq!(
        app.wait_for(|m| matches!(m, LogicToView::EventReturn { .. })),
        LogicToView::EventReturn {
            reply_id: 5,
            value: json!("ABC")
        }
    );
    app.send(event(1, "quiet", Some(6), EventObject::default()));
    assert_eq!(
        app.wait_for(|m| matches!(m, LogicToView::EventReturn { .. })),
        LogicToView::EventReturn {
            reply_id: 6,
            value: Value::Null
        }
    );

    // A missing handler warns and does not throw; an unknown page warns.
    app.send(event(1, "nope", None, EventObject::default()));
    app.send(event(99, "tap", None, EventObject::default()));
    app.send(LogicCommand::PageHook {
        page: 1,
        hook: "onBack".into(),
        arg: Value::Null,
        reply_id: None,
    });
    assert_eq!(app.new_logs(), ["back event"]);
    let warnings: Vec<String> = app
        .console()
        .into_iter()
        .filter(|l| l.starts_with("warn:"))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("no handler \"nope\" on page pages/index/index")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("page 99, which is not open")),
        "{warnings:?}"
    );
    assert!(
        !app.seen
            .iter()
            .any(|m| matches!(m, LogicToView::ScriptError { .. }))
    );
}

fn registry() -> Registry {
    let mut registry = Registry::with_builtins();
    registry.register_fn("echo", Permission::custom("custom"), |call| {
        Ok(json!({"echo": call.args.clone()}))
    });
    registry.register_fn("slowDouble", Permission::custom("custom"), |call| {
        std::thread::sleep(Duration::from_millis(20));
        let n = call
            .args
            .get("n")
            .and_then(Value::as_i64)
            .ok_or_else(|| ApiError::invalid_param("n is required"))?;
        Ok(json!({"value": n * 2}))
    });
    // A host replacing storage replaces both forms (the logic layer calls `xSync` first).
    for name in ["getStorage", "getStorageSync"] {
        registry.register_fn(name, Permission::STORAGE, |call| {
            match call.args.get("key").and_then(Value::as_str) {
                Some("known") => Ok(json!({"data": {"saved": 1}})),
                Some(_) => Ok(json!({})),
                None => Err(ApiError::invalid_param("key is required")),
            }
        });
    }
    registry
}

fn api_app(dialect: &str, permissions: &'static [&'static str]) -> Harness {
    let files: &'static [(&'static str, &'static str)] = &[
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({})"),
    ];
    let mut setup = Setup::new(dialect, files);
    setup.registry = registry();
    setup.permissions = permissions;
    let mut app = Harness::start_with(setup);
    app.launch();
    app
}

const ALL: &[&str] = &["custom", "storage", "ui", "system"];

#[test]
fn alipay_callbacks_promises_and_sync_calls() {
    let mut app = api_app("alipay", ALL);
    app.eval(
        "my.echo({ a: 1, success(res) { console.log('success ' + JSON.stringify(res)) }, complete() { console.log('complete') } });
         my.slowDouble({ n: 4 }).then(res => console.log('promise ' + res.value));
         my.slowDouble({}).catch(err => console.log('rejected ' + err.error + ' ' + err.errorMessage));
         my.getBluetoothAdapterState({ fail(err) { console.log('fail ' + JSON.stringify(err)) } });",
    )
    .expect("calls start");
    app.wait_for(
        |m| matches!(m, LogicToView::Console { message, .. } if message.starts_with("rejected")),
    );
    std::thread::sleep(Duration::from_millis(60));
    let mut logs = app.new_logs();
    logs.sort();
    assert_eq!(
        logs,
        [
            "complete",
            // Real platform APIs the container has no hardware for answer through the registry.
            r#"fail {"error":3,"errorMessage":"not supported: getBluetoothAdapterState needs hardware or a service this container does not have"}"#,
            "promise 8",
            "rejected 2 n is required",
            r#"success {"echo":{"a":1}}"#,
        ]
    );
    assert_eq!(
        app.eval("my.getStorageSync({ key: 'known' })"),
        Ok(json!({"data": {"saved": 1}}))
    );
    let unknown = app.eval("my.teleportSync({})");
    assert!(unknown.is_err_and(|e| e.contains("my.teleportSync is not supported")));
}

#[test]
fn wechat_shapes_and_positional_sync_forms() {
    let mut app = api_app("wechat", ALL);
    assert_eq!(
        app.eval("wx.getStorageSync('known')"),
        Ok(json!({"saved": 1}))
    );
    assert_eq!(app.eval("wx.getStorageSync('absent')"), Ok(json!("")));
    app.eval(
        "wx.slowDouble({ n: 5 }).then(res => console.log(JSON.stringify(res)));
         wx.startWifi({ fail(err) { console.log(err.errMsg) } });
         (async () => { try { await wx.slowDouble({ n: 'x' }); } catch (e) { console.log('caught ' + e.errMsg); } })();",
    )
    .expect("calls start");
    app.wait_for(
        |m| matches!(m, LogicToView::Console { message, .. } if message.starts_with("caught")),
    );
    std::thread::sleep(Duration::from_millis(60));
    let mut logs = app.new_logs();
    logs.sort();
    assert_eq!(
        logs,
        [
            "caught slowDouble:fail n is required",
            "startWifi:fail not supported: startWifi needs hardware or a service this container does not have",
            r#"{"value":10,"errMsg":"slowDouble:ok"}"#,
        ]
    );
}

#[test]
fn undeclared_permissions_are_refused_by_the_dispatcher() {
    let mut app = api_app("alipay", &["ui"]);
    app.eval("my.echo({ fail(err) { console.log('denied ' + err.error) } })")
        .expect("call starts");
    app.wait_for(
        |m| matches!(m, LogicToView::Console { message, .. } if message.starts_with("denied")),
    );
    assert_eq!(app.new_logs(), ["denied 4"]);
}

/// Answers from another thread after `delay`, like the network and UI APIs do.
struct Later {
    delay: Duration,
}

impl capsule_jsapi::JsApi for Later {
    fn permission(&self) -> Permission {
        Permission::custom("custom")
    }

    fn call(&self, call: capsule_jsapi::ApiCall, reply: capsule_jsapi::Reply) {
        let delay = self.delay;
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            reply.send(Ok(json!({"late": call.args})));
        });
    }
}

#[test]
fn answers_from_other_threads_and_sync_timeouts() {
    let files: &[(&str, &str)] = &[
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({})"),
    ];
    let mut setup = Setup::new("alipay", files);
    setup.registry.register(
        "soon",
        Later {
            delay: Duration::from_millis(10),
        },
    );
    setup.registry.register(
        "never",
        Later {
            delay: Duration::from_secs(3),
        },
    );
    setup.options.sync_api_timeout = Duration::from_millis(200);
    let mut app = Harness::start_with(setup);
    app.launch();
    assert_eq!(
        app.eval("my.soonSync({ k: 1 })"),
        Ok(json!({"late": {"k": 1}}))
    );
    let timed_out = app.eval("my.neverSync({})");
    assert!(
        timed_out
            .as_ref()
            .is_err_and(|e| e.contains("never did not answer within 200 ms")),
        "{timed_out:?}"
    );
    app.eval("my.soon({ k: 2 }).then(r => console.log('async ' + r.late.k))")
        .expect("starts");
    app.wait_for(|m| matches!(m, LogicToView::Console { message, .. } if message == "async 2"));
}

#[test]
fn storage_from_logic_is_real_sqlite_in_both_dialects() {
    let data = tempfile::tempdir().expect("data dir");
    let files: &[(&str, &str)] = &[
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({})"),
    ];
    let start = |dialect| {
        let mut setup = Setup::new(dialect, files);
        setup.registry = Registry::with_config(&capsule_jsapi::ApiConfig {
            data_dir: Some(data.path().to_owned()),
            ..capsule_jsapi::ApiConfig::default()
        });
        setup.permissions = &["storage", "files"];
        let mut app = Harness::start_with(setup);
        app.launch();
        app
    };

    let mut wechat = start("wechat");
    assert_eq!(
        wechat.eval("wx.setStorageSync('cart', { items: [1, 2] }); wx.getStorageSync('cart')"),
        Ok(json!({"items": [1, 2]}))
    );
    // A Date comes back as a Date (SPEC.md storage), alone or inside what is stored, from
    // the sync and the async forms; what was stored is left as it was.
    assert_eq!(
        wechat.eval(
            "const kept = { at: new Date(Date.UTC(2024, 0, 31, 8)), list: [new Date(5)], bad: new Date(NaN) };
             wx.setStorageSync('dates', kept);
             wx.setStorageSync('when', new Date(7));
             const back = wx.getStorageSync('dates'), when = wx.getStorageSync('when');
             [when instanceof Date, when.getTime(), back.at instanceof Date, back.at.toISOString(),
              back.list[0].getTime(), back.bad instanceof Date && isNaN(back.bad), kept.at instanceof Date]"
        ),
        Ok(json!([true, 7, true, "2024-01-31T08:00:00.000Z", 5, true, true]))
    );
    wechat
        .eval(
            "wx.setStorage({ key: 'async', data: { d: new Date(9) }, success() {
               wx.getStorage({ key: 'async', success: (r) => console.log('async date ' + (r.data.d instanceof Date) + ' ' + r.data.d.getTime()) });
             } })",
        )
        .expect("runs");
    wechat.wait_for(
        |m| matches!(m, LogicToView::Console { message, .. } if message == "async date true 9"),
    );
    // The file system manager: binary data crosses as ArrayBuffers both ways (a typed
    // array's view of its buffer), WeChat's sync forms take positional arguments and return
    // one field, stats have isFile()/isDirectory(), and what the host lacks fails.
    assert_eq!(
        wechat.eval(
            "const fsm = wx.getFileSystemManager();
             fsm.writeFileSync('wxfile://usr/a.bin', new Uint8Array([0, 1, 2, 255, 7]).subarray(1, 4));
             const binary = fsm.readFileSync('wxfile://usr/a.bin');
             fsm.mkdirSync('wxfile://usr/d/e', true);
             fsm.writeFileSync('wxfile://usr/d/e/t.txt', '你好', 'utf8');
             const fileStat = fsm.statSync('wxfile://usr/d/e/t.txt');
             let missingError = '';
             try { fsm.readFileSync('wxfile://usr/none', 'utf8'); } catch (e) { missingError = e.message; }
             [binary instanceof ArrayBuffer, new Uint8Array(binary).join(','),
              fsm.readFileSync('wxfile://usr/d/e/t.txt', 'utf8'), fsm.readdirSync('wxfile://usr/d/e'),
              fileStat.isFile(), fileStat.isDirectory(), fileStat.size, missingError.startsWith('readFileSync:fail'),
              wx.getFileSystemManager() === fsm, wx.canIUse('getFileSystemManager')]"
        ),
        Ok(json!([true, "1,2,255", "你好", ["t.txt"], true, false, 6, true, true, true]))
    );
    wechat
        .eval(
            "const files = wx.getFileSystemManager();
             files.stat({ path: 'wxfile://usr/d', success: (r) => console.log('async stat ' + r.stats.isDirectory()) });
             files.copyFile({ srcPath: 'wxfile://usr/a.bin', destPath: 'wxfile://usr/b.bin',
               success: () => console.log('copied ' + files.statSync('wxfile://usr/b.bin').size) });
             files.rename({ oldPath: 'wxfile://usr/a.bin', newPath: 'wxfile://usr/c.bin', fail: (e) => console.log('rename ' + e.errMsg) });",
        )
        .expect("runs");
    for started in ["rename", "copied"] {
        if !wechat.logs().iter().any(|line| line.starts_with(started)) {
            wechat.wait_for(
                |m| matches!(m, LogicToView::Console { message, .. } if message.starts_with(started)),
            );
        }
    }
    let logs = wechat.logs();
    assert!(logs.contains(&"async stat true".to_owned()), "{logs:?}");
    assert!(logs.contains(&"copied 3".to_owned()), "{logs:?}");
    assert!(
        logs.contains(&"rename rename:fail wx.rename is not supported".to_owned()),
        "{logs:?}"
    );
    // A key that is not there: '' from the sync form, a failure from the async one.
    assert_eq!(wechat.eval("wx.getStorageSync('nothing')"), Ok(json!("")));
    wechat
        .eval("wx.getStorage({ key: 'nothing', fail: (e) => console.log('async ' + e.errMsg) })")
        .expect("runs");
    wechat.wait_for(|m| {
        matches!(m, LogicToView::Console { message, .. } if message == "async getStorage:fail data not found")
    });
    drop(wechat);

    // A new logic thread (another launch) reads what the first one stored.
    let mut alipay = start("alipay");
    assert_eq!(
        alipay.eval("my.getStorageSync({ key: 'cart' })"),
        Ok(json!({"data": {"items": [1, 2]}}))
    );
    assert_eq!(
        alipay
            .eval("my.setStorageSync({ key: 'n', data: 7 }); my.getStorageSync({ key: 'n' }).data"),
        Ok(json!(7))
    );
    // Alipay's file system manager takes and returns objects, sync forms too.
    assert_eq!(
        alipay.eval(
            "const fs = my.getFileSystemManager();
             fs.writeFileSync({ filePath: 'https://usr/b.txt', data: 'ali', encoding: 'utf8' });
             [fs.readFileSync({ filePath: 'https://usr/b.txt', encoding: 'utf8' }).data,
              fs.statSync({ path: 'https://usr/b.txt' }).stats.isFile()]"
        ),
        Ok(json!(["ali", true]))
    );
    // The Date the other dialect stored.
    assert_eq!(
        alipay.eval(
            "const w = my.getStorageSync({ key: 'when' }).data; [w instanceof Date, w.getTime()]"
        ),
        Ok(json!([true, 7]))
    );
    assert!(
        std::fs::read_dir(data.path())
            .expect("data dir readable")
            .filter_map(Result::ok)
            .any(|entry| entry.file_name().to_string_lossy().ends_with(".sqlite3")),
        "the storage database is a file in the data folder"
    );
}

#[test]
fn app_wide_apis_answer_in_the_logic_layer() {
    let mut app = api_app("wechat", ALL);
    app.new_logs();
    // nextTick runs after the current work and before any timer.
    app.eval(
        "setTimeout(() => console.log('timer'), 0);
         wx.nextTick(() => console.log('tick'));
         console.log('now ' + wx.getLaunchOptionsSync().path + ' ' + wx.getEnterOptionsSync().scene);",
    )
    .expect("runs");
    app.wait_for(|m| matches!(m, LogicToView::Console { message, .. } if message == "timer"));
    assert_eq!(
        app.new_logs(),
        ["now pages/index/index 1001", "tick", "timer"]
    );
    // App-wide listeners, beside App's own hooks; off removes one.
    app.eval(
        "globalThis.hidden = () => console.log('hidden');
         wx.onAppHide(globalThis.hidden);
         wx.onAppShow((o) => console.log('shown ' + o.path));
         wx.onError((message) => console.log('error seen: ' + message.split('\\n')[0]));
         wx.getUpdateManager().onCheckForUpdate((res) => console.log('update ' + res.hasUpdate));",
    )
    .expect("listens");
    app.send(LogicCommand::EnterBackground);
    app.send(LogicCommand::EnterForeground);
    app.eval("wx.offAppHide(globalThis.hidden)").expect("off");
    app.send(LogicCommand::EnterBackground);
    app.send(event(
        1,
        "missingHandlerThrows",
        None,
        EventObject::default(),
    ));
    app.eval("getCurrentPages()[0].boom = () => { throw new Error('boom'); }")
        .expect("defines");
    app.send(event(1, "boom", None, EventObject::default()));
    let logs = app.new_logs();
    // No updater has reported a check, so onCheckForUpdate has not been called (WeChat's
    // development builds have no versions either); the host's report reaches it.
    assert_eq!(
        logs,
        [
            "hidden",
            "shown pages/index/index",
            "error seen: Error: boom"
        ],
        "{logs:?}"
    );
    app.send(LogicCommand::NativeEvent {
        name: "updateCheck".into(),
        data: json!({"hasUpdate": false}),
    });
    app.wait_for(
        |m| matches!(m, LogicToView::Console { message, .. } if message == "update false"),
    );
    assert_eq!(app.eval("wx.canIUse('nextTick')"), Ok(json!(true)));
}

/// A factory API the container lacks hands back an object whose calls fail through `fail`,
/// `complete` and `onError` once the calling code has run; the calling code goes on.
#[test]
fn factory_apis_that_are_not_built_fail_through_callbacks() {
    let mut wechat = api_app("wechat", ALL);
    wechat.new_logs();
    wechat
        .eval(
            "const audio = wx.createCameraContext();
             audio.onError((e) => console.log('onError ' + e.errMsg + ' ' + e.errno));
             audio.onCameraFrame(() => console.log('never'));
             audio.src = 'song.mp3';
             audio.takePhoto();
             wx.createLivePusherContext('player').start();
             wx.createMapContext('map').moveToLocation(() => console.log('never moved'));
             wx.getRecorderManager().start({ fail: (e) => console.log('fail ' + e.errMsg), complete: () => console.log('complete') });
             console.log('went on');",
        )
        .expect("no throw");
    let logs = wechat.new_logs();
    let unsupported = "wx.createCameraContext is not supported";
    assert_eq!(
        logs[logs.len() - 4..],
        [
            "went on".to_owned(),
            format!("onError createCameraContext:fail {unsupported} 1"),
            "fail getRecorderManager:fail wx.getRecorderManager is not supported".to_owned(),
            "complete".to_owned(),
        ],
        "{logs:?}"
    );
    assert!(
        wechat.seen.iter().any(|m| matches!(m, LogicToView::Console { level, message, .. }
            if level == "warn" && message.starts_with("wx.createLivePusherContext is not supported here"))),
        "a warning names each factory"
    );
    assert!(!logs.iter().any(|l| l.contains("never")), "{logs:?}");
    assert_eq!(
        wechat.eval("wx.canIUse('createCameraContext')"),
        Ok(json!(false))
    );

    let mut alipay = api_app("alipay", ALL);
    alipay
        .eval(
            "my.createLivePlayerContext('live').play({ fail: (e) => console.log('alipay ' + e.error + ' ' + e.errorMessage) });",
        )
        .expect("no throw");
    assert!(
        alipay
            .new_logs()
            .contains(&"alipay 1 my.createLivePlayerContext is not supported".to_owned())
    );
}

#[test]
fn layout_questions_need_an_open_page() {
    let files = [
        ("app.json", r#"{"pages":["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.js", "Page({})"),
    ];
    let mut app = Harness::start("wechat", &files);
    for api in ["createSelectorQuery", "createIntersectionObserver"] {
        let error = app.eval(&format!("wx.{api}()")).expect_err("no page yet");
        assert!(
            error.contains(&format!("wx.{api} needs an open page")),
            "{error}"
        );
    }
}

/// A video context calls its `<video>` (by id, on the page or in the component given) where
/// the view draws it, and its answer settles the call; an audio player sends its settings
/// and calls, and what the view reports about it reaches its listeners and its state.
#[test]
fn media_contexts_call_the_view_and_hear_back() {
    let mut wechat = api_app("wechat", ALL);
    wechat.new_logs();
    wechat
        .eval("wx.createVideoContext('player').seek(12.5);")
        .expect("no throw");
    let call = wechat
        .seen
        .iter()
        .find(|m| matches!(m, LogicToView::ElementCall { .. }))
        .cloned()
        .expect("the video context called its element");
    let LogicToView::ElementCall {
        call_id,
        selector,
        method,
        args,
        component,
        ..
    } = call
    else {
        unreachable!("matched above")
    };
    assert_eq!(
        (selector.as_str(), method.as_str(), &args, component),
        (r#"video[id="player"]"#, "seek", &json!(12.5), None)
    );
    // A failed call is a console warning, not an exception in the app.
    wechat.send(LogicCommand::ElementCallResult {
        call_id,
        ok: false,
        value: Value::Null,
        error: "no element matches".into(),
    });
    wechat.eval("1").expect("settled");
    assert!(
        wechat
            .console()
            .iter()
            .any(|l| l.contains("VideoContext.seek: no element matches")),
        "{:?}",
        wechat.console()
    );

    wechat
        .eval(
            "globalThis.player = wx.createInnerAudioContext();
             player.onPlay(() => console.log('play at ' + player.currentTime + ' paused ' + player.paused));
             player.onError((e) => console.log('error ' + e.errCode + ' ' + e.errMsg));
             player.src = 'media/tone.wav';
             player.loop = true;
             player.play();",
        )
        .expect("no throw");
    let calls: Vec<(u64, String, Value)> = wechat
        .seen
        .iter()
        .filter_map(|m| match m {
            LogicToView::AudioCall {
                audio_id,
                method,
                args,
            } => Some((*audio_id, method.clone(), args.clone())),
            _ => None,
        })
        .collect();
    let id = calls[0].0;
    assert_eq!(
        calls,
        [
            (id, "set".to_owned(), json!({"src": "/media/tone.wav"})),
            (id, "set".to_owned(), json!({"loop": true})),
            (id, "play".to_owned(), Value::Null),
        ]
    );
    for (kind, detail) in [
        (
            "play",
            json!({"currentTime": 0.25, "paused": false, "duration": 1.0}),
        ),
        ("error", json!({"errCode": 10003, "errMsg": "MEDIA_ERR 4"})),
    ] {
        wechat.send(LogicCommand::NativeEvent {
            name: "audio".into(),
            data: json!({"audioId": id, "type": kind, "detail": detail}),
        });
    }
    assert_eq!(
        wechat.eval("[player.src, player.loop, player.duration]"),
        Ok(json!(["media/tone.wav", true, 1]))
    );
    let logs = wechat.new_logs();
    assert_eq!(
        logs[logs.len() - 2..],
        ["play at 0.25 paused false", "error 10003 MEDIA_ERR 4"],
        "{logs:?}"
    );
    assert_eq!(
        wechat.eval("wx.canIUse('createInnerAudioContext') && wx.canIUse('createVideoContext')"),
        Ok(json!(true))
    );
    // One background audio manager per app; setting its src plays it.
    wechat
        .eval("const m = wx.getBackgroundAudioManager(); m.title = 'T'; m.src = '/bg.wav';")
        .expect("no throw");
    let last: Vec<(String, Value)> = wechat
        .seen
        .iter()
        .filter_map(|m| match m {
            LogicToView::AudioCall { method, args, .. } => Some((method.clone(), args.clone())),
            _ => None,
        })
        .rev()
        .take(2)
        .collect();
    assert_eq!(
        last,
        [
            ("play".to_owned(), Value::Null),
            ("set".to_owned(), json!({"src": "/bg.wav"})),
        ]
    );
    assert_eq!(
        wechat.eval(
            "wx.getBackgroundAudioManager() === wx.getBackgroundAudioManager() && wx.getBackgroundAudioManager().title"
        ),
        Ok(json!("T"))
    );
}

/// The element calls sent so far with `method`: (call id, selector, args).
fn element_calls(app: &Harness, method: &str) -> Vec<(u64, String, Value)> {
    app.seen
        .iter()
        .filter_map(|m| match m {
            LogicToView::ElementCall {
                call_id,
                selector,
                method: called,
                args,
                ..
            } if called == method => Some((*call_id, selector.clone(), args.clone())),
            _ => None,
        })
        .collect()
}

fn answer(app: &Harness, call_id: u64, result: Result<Value, &str>) {
    let (ok, value, error) = match result {
        Ok(value) => (true, value, String::new()),
        Err(error) => (false, Value::Null, error.to_owned()),
    };
    app.send(LogicCommand::ElementCallResult {
        call_id,
        ok,
        value,
        error,
    });
}

/// The old CanvasContext records its calls (the old setters as the standard properties,
/// gradients with their stops, package paths from the page's folder, nothing for a
/// non-finite number) and draw() sends them in one element call, calling back once the view
/// drew them; canvasToTempFilePath asks the canvas for its pixels and fails clearly without
/// them, for bad arguments, and for a canvas that is not there. A 2D node comes from a
/// selector query, its context's calls of one task go in one `flush`, its Image loads
/// through the canvas, getImageData answers a promise of the pixels, and frames follow the
/// view's drawing. Alipay finds the canvas by id and exports through the context.
#[test]
fn canvas_contexts_record_draw_and_export_through_element_calls() {
    let mut wechat = api_app("wechat", ALL);
    wechat.new_logs();
    wechat
        .eval(
            "const ctx = wx.createCanvasContext('pic');
             ctx.setFillStyle('#ff0000');
             ctx.fillRect(0, 0, 10, 10);
             ctx.fillRect(NaN, 0, 1, 1);
             const grad = ctx.createCircularGradient(5, 5, 5);
             grad.addColorStop(0, 'red');
             ctx.fillStyle = grad;
             grad.addColorStop(1, 'blue');
             ctx.beginPath();
             ctx.arc(5, 5, 3, 0, Math.PI, true);
             ctx.fill();
             ctx.drawImage('img/a.png', 0, 0, 4, 4);
             ctx.drawImage('https://example.com/a.png', 0, 0);
             ctx.setFontSize(20);
             ctx.setTextBaseline('normal');
             ctx.setShadow(1, 2, 3);
             ctx.save(); ctx.translate(10, 20); ctx.scale(2, 2);
             console.log(JSON.stringify(ctx.getTransform()));
             ctx.restore();
             console.log([ctx.measureText('ab').width.toFixed(2), ctx.font, ctx.fillStyle === grad, JSON.stringify(ctx.getTransform())].join(' '));
             ctx.draw(true, () => console.log('drawn'));",
        )
        .expect("no throw");
    let draws = element_calls(&wechat, "draw");
    let (call_id, selector, args) = draws.first().cloned().expect("draw() called the canvas");
    assert_eq!(selector, r#"canvas[canvas-id="pic"]"#);
    assert_eq!(args["reserve"], json!(true));
    assert_eq!(
        args["actions"],
        json!([
            ["s", "fillStyle", "#ff0000"],
            ["m", "fillRect", [0, 0, 10, 10]],
            ["s", "fillStyle", {"g": {"kind": "radial", "args": [5, 5, 0, 5, 5, 5], "stops": [[0, "red"], [1, "blue"]]}}],
            ["m", "beginPath", []],
            ["m", "arc", [5, 5, 3, 0, std::f64::consts::PI, true]],
            ["m", "fill", []],
            ["m", "drawImage", [{"i": "/pages/index/img/a.png"}, 0, 0, 4, 4]],
            ["s", "font", "20px sans-serif"],
            ["s", "textBaseline", "alphabetic"],
            ["s", "shadowOffsetX", 1],
            ["s", "shadowOffsetY", 2],
            ["s", "shadowBlur", 3],
            ["s", "shadowColor", "black"],
            ["m", "save", []],
            ["m", "translate", [10, 20]],
            ["m", "scale", [2, 2]],
            ["m", "restore", []],
        ])
    );
    answer(&wechat, call_id, Ok(json!({"errors": []})));
    let logs = wechat.new_logs();
    assert_eq!(
        logs,
        [
            r#"{"a":2,"b":0,"c":0,"d":2,"e":10,"f":20,"is2D":true,"isIdentity":false}"#,
            r#"22.24 20px sans-serif true {"a":1,"b":0,"c":0,"d":1,"e":0,"f":0,"is2D":true,"isIdentity":true}"#,
            "drawn",
        ]
    );
    assert!(
        wechat.console().iter().any(|l| l
            .contains("CanvasContext.drawImage: https://example.com/a.png is not in the package")),
        "{:?}",
        wechat.console()
    );

    // canvasToTempFilePath: bad arguments fail at once; then the canvas is asked.
    wechat
        .eval(
            "const said = (e) => console.log(e.errMsg + ' ' + e.errno);
             wx.canvasToTempFilePath({ canvasId: 'pic', fileType: 'gif', fail: said });
             wx.canvasToTempFilePath({ fail: said });
             wx.canvasToTempFilePath({ canvasId: 'pic', width: -1, fail: said });
             wx.canvasToTempFilePath({ canvasId: 'pic', x: 2, width: 20, destWidth: 40, fail: said, complete: () => console.log('complete') });
             wx.canvasToTempFilePath({ canvasId: 'nope' }).catch(said);",
        )
        .expect("no throw");
    let exports = element_calls(&wechat, "export");
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert_eq!(
        exports[0].2,
        json!({"x": 2, "width": 20, "destWidth": 40, "fileType": "png", "quality": 1})
    );
    // Headless (or a page not drawn): no pixels.
    answer(&wechat, exports[0].0, Ok(Value::Null));
    answer(
        &wechat,
        exports[1].0,
        Err(r#"no element matches canvas[canvas-id="nope"]"#),
    );
    let logs = wechat.new_logs();
    assert_eq!(
        logs,
        [
            "canvasToTempFilePath:fail 'fileType' must be png or jpg, got gif 2",
            "canvasToTempFilePath:fail 'canvasId' must be the canvas-id of a <canvas> (or give a 2D canvas node as 'canvas') 2",
            "canvasToTempFilePath:fail 'width' must be above 0 2",
            "canvasToTempFilePath:fail there are no pixels to export: no webview draws this page (a headless session, or a page not shown) 3",
            "complete",
            r#"canvasToTempFilePath:fail no <canvas canvas-id="nope"> on the page 3"#,
        ]
    );
    // The pixels that came back are written by the files module, which this app may not use.
    wechat
        .eval("wx.canvasToTempFilePath({ canvasId: 'pic', fail: (e) => console.log(e.errMsg) });")
        .expect("no throw");
    let exports = element_calls(&wechat, "export");
    answer(
        &wechat,
        exports[2].0,
        Ok(
            json!({"fileType": "png", "data": {"__capsuleType": "ArrayBuffer", "base64": "iVBORw0KGgo="}}),
        ),
    );
    wechat.wait_for(|m| {
        matches!(m, LogicToView::Console { message, .. } if message.starts_with("canvasToTempFilePath:fail"))
    });
    assert_eq!(
        wechat.new_logs(),
        [
            "canvasToTempFilePath:fail no permission to call writeTempImage: it needs the 'files' permission"
        ]
    );

    // A 2D node from a selector query.
    wechat
        .eval(
            "wx.createSelectorQuery().select('#c').fields({ node: true, size: true }).exec((res) => {
               const canvas = globalThis.canvas = res[0].node;
               const ctx = canvas.getContext('2d');
               console.log('same ' + (ctx === canvas.getContext('2d')) + ' ' + canvas.width + 'x' + canvas.height + ' webgl ' + canvas.getContext('webgl'));
               canvas.width = 200;
               canvas.height = 100;
               ctx.fillStyle = '#00ff00';
               ctx.fillRect(0, 0, 50, 50);
               ctx.lineWidth = -1;
               const img = canvas.createImage();
               img.onload = () => console.log('loaded ' + img.width + 'x' + img.height);
               img.src = '/img/b.png';
               ctx.drawImage(img, 1, 2);
               canvas.requestAnimationFrame(() => console.log('frame ' + ctx.fillStyle));
             });",
        )
        .expect("no throw");
    let query_id = wechat
        .seen
        .iter()
        .find_map(|m| match m {
            LogicToView::SelectorQuery { query_id, .. } => Some(*query_id),
            _ => None,
        })
        .expect("the query was sent");
    wechat.send(LogicCommand::SelectorResult {
        query_id,
        results: vec![json!({
            "width": 0, "height": 0,
            "node": {"__capsuleNode": "canvas", "type": "2d", "id": "c", "canvasId": "", "width": null, "height": null},
        })],
    });
    wechat.eval("0").expect("settled");
    let images = element_calls(&wechat, "image");
    let flushes = element_calls(&wechat, "flush");
    assert_eq!(
        (images.len(), flushes.len()),
        (1, 1),
        "{images:?} {flushes:?}"
    );
    assert_eq!(images[0].1, r#"canvas[id="c"]"#);
    assert_eq!(
        images[0].2,
        json!({"key": "/img/b.png", "url": "/img/b.png"})
    );
    assert_eq!(
        flushes[0].2,
        json!({"width": 200, "height": 150, "actions": [
            ["r", 200, 150],
            ["r", 200, 100],
            ["s", "fillStyle", "#00ff00"],
            ["m", "fillRect", [0, 0, 50, 50]],
            ["m", "drawImage", [{"i": "/img/b.png"}, 1, 2]],
        ]})
    );
    answer(&wechat, images[0].0, Ok(json!({"width": 16, "height": 8})));
    answer(
        &wechat,
        flushes[0].0,
        Ok(json!({"errors": ["drawImage: the picture /img/b.png cannot be loaded"]})),
    );
    wechat.wait_for(
        |m| matches!(m, LogicToView::Console { message, .. } if message.starts_with("frame")),
    );
    assert_eq!(
        wechat.new_logs(),
        [
            "same true 300x150 webgl null",
            "loaded 16x8",
            "frame #00ff00"
        ]
    );
    assert!(
        wechat.console().iter().any(|l| l.contains(
            "CanvasRenderingContext2D: drawImage: the picture /img/b.png cannot be loaded"
        )),
        "{:?}",
        wechat.console()
    );
    // getImageData: a promise of the pixels the view read.
    wechat
        .eval(
            "canvas.getContext('2d').getImageData(0, 0, 1, 1).then((image) =>
               console.log(image.width + ' ' + Array.from(image.data).join(',')));",
        )
        .expect("no throw");
    wechat.eval("0").expect("settled");
    let reads = element_calls(&wechat, "getImageData");
    assert_eq!(reads[0].2, json!({"x": 0, "y": 0, "width": 1, "height": 1}));
    answer(
        &wechat,
        reads[0].0,
        Ok(
            json!({"width": 1, "height": 1, "data": {"__capsuleType": "ArrayBuffer", "base64": "/wAA/w=="}}),
        ),
    );
    assert_eq!(wechat.new_logs(), ["1 255,0,0,255"]);
    assert_eq!(
        wechat.eval(
            "wx.canIUse('createCanvasContext') && wx.canIUse('canvasToTempFilePath') && wx.canIUse('canvasGetImageData')"
        ),
        Ok(json!(true))
    );

    // Alipay: by id, exported through the context.
    let mut alipay = api_app("alipay", ALL);
    alipay.new_logs();
    alipay
        .eval(
            "const ctx = my.createCanvasContext('board');
             ctx.setStrokeStyle('blue');
             ctx.strokeRect(1, 1, 8, 8);
             ctx.draw();
             ctx.toTempFilePath({ fail: (e) => console.log('alipay ' + e.error + ' ' + e.errorMessage) });",
        )
        .expect("no throw");
    let draws = element_calls(&alipay, "draw");
    assert_eq!(draws[0].1, r#"canvas[id="board"]"#);
    assert_eq!(
        draws[0].2,
        json!({"reserve": false, "actions": [["s", "strokeStyle", "blue"], ["m", "strokeRect", [1, 1, 8, 8]]]})
    );
    let exports = element_calls(&alipay, "export");
    answer(&alipay, draws[0].0, Ok(json!({"errors": []})));
    answer(&alipay, exports[0].0, Ok(Value::Null));
    assert_eq!(
        alipay.new_logs(),
        [
            "alipay 3 there are no pixels to export: no webview draws this page (a headless session, or a page not shown)"
        ]
    );
}

/// A headless session: the canvases are found on the page (by canvas-id, and a 2D node by
/// id through a selector query's node()), draw() succeeds with nothing drawn, and exports fail saying
/// there are no pixels; a canvas-id that is not on the page fails saying so.
#[test]
fn headless_canvases_draw_nothing_and_have_no_pixels_to_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = json!({
        "appId": "canvas.headless", "name": "Canvas", "version": "1.0.0",
        "kind": "miniprogram", "dialect": "wechat", "entry": "app.json",
    })
    .to_string();
    mp_support::write_files(
        dir.path(),
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            (
                "pages/index/index.wxml",
                r#"<canvas canvas-id="pic"/><canvas type="2d" id="c"/>"#,
            ),
            (
                "pages/index/index.js",
                "Page({
                   lines: [],
                   run() {
                     const said = (prefix) => (e) => this.lines.push(prefix + e.errMsg);
                     const ctx = wx.createCanvasContext('pic', this);
                     ctx.fillRect(0, 0, 1, 1);
                     ctx.draw(false, () => this.lines.push('drawn'));
                     wx.canvasToTempFilePath({ canvasId: 'pic', fail: said('') }, this);
                     wx.canvasToTempFilePath({ canvasId: 'none', fail: said('') }, this);
                     this.createSelectorQuery().select('#c').node().exec((res) => {
                       const canvas = res[0].node;
                       canvas.getContext('2d').fillRect(0, 0, 1, 1);
                       wx.canvasToTempFilePath({ canvas, fail: said('2d ') });
                     });
                   },
                 })",
            ),
        ],
    );
    let launched = mp_support::launch(dir.path());
    let program = &launched.program;
    program
        .evaluate("getCurrentPages()[0].run(), true")
        .expect("runs");
    let lines = || {
        program
            .evaluate("getCurrentPages()[0].lines")
            .expect("lines")
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while lines().as_array().map_or(0, Vec::len) < 4 && std::time::Instant::now() < deadline {
        program.settle().expect("settles");
        std::thread::sleep(Duration::from_millis(20));
    }
    let none = "there are no pixels to export: no webview draws this page (a headless session, or a page not shown)";
    assert_eq!(
        lines(),
        json!([
            "drawn",
            format!("canvasToTempFilePath:fail {none}"),
            r#"canvasToTempFilePath:fail no <canvas canvas-id="none"> on the page"#,
            format!("2d canvasToTempFilePath:fail {none}"),
        ])
    );
}
