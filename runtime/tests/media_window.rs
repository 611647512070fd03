//! Video and audio played for real in the WebKitGTK window, from files of the package
//! (`runtime/tests/media/`: a two-second 160×90 VP8 WebM, a one-second WAV tone):
//! - a `<video>` driven by `wx.createVideoContext` reports `loadedmetadata` with the
//!   picture's size, `play`, `timeupdate` with the position, `ended`; `pause` from the
//!   context stops it and reports `pause`;
//! - a `createInnerAudioContext` player with a package `src` reports `onCanplay`, `onPlay`,
//!   `onTimeUpdate` and `onEnded` with its state (`duration` about one second, `paused`);
//!   `stop()` reports `onStop`; a file that is not in the package reports `onError` with
//!   one of the platforms' codes;
//! - the background audio manager (one per app) plays as soon as its `src` is set.
//!
//! A window test (see `window_support`); a screenshot of the page, the video at its last
//! frame, is kept as `media_window.png` in Cargo's test scratch folder.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod mp_support;
mod window_support;

use capsule_runtime::{Container, MiniProgram};
use mp_support::write_files;
use serde_json::json;
use window_support::{TIMEOUT, launch};

const PAGE: &str = r#"<video id="player" src="/media/clip.webm" muted style="width: 320px; height: 180px;"
  bindplay="video" bindpause="video" bindended="video" bindtimeupdate="tick"
  bindloadedmetadata="meta"/>"#;

/// Each event as a line of `events`, in the order they came; a first timeupdate only.
const PAGE_JS: &str = r#"Page({
  data: { events: [] },
  log(line) { this.data.events.push(line); },
  video(e) { this.log('video ' + e.type); },
  tick(e) {
    if (this.ticked) return;
    this.ticked = true;
    this.log('video timeupdate ' + (e.detail.currentTime > 0) + ' ' + e.detail.duration.toFixed(1));
  },
  meta(e) { this.log('video loadedmetadata ' + e.detail.width + 'x' + e.detail.height + ' ' + e.detail.duration.toFixed(1)); },
  playVideo() { wx.createVideoContext('player').play(); },
  pauseVideo() { wx.createVideoContext('player', this).pause(); },
  playAudio(src) {
    const player = wx.createInnerAudioContext();
    let ticked = false;
    player.onCanplay(() => this.log('audio canplay'));
    player.onPlay(() => this.log('audio play paused ' + player.paused));
    player.onTimeUpdate(() => {
      if (!ticked) this.log('audio timeupdate ' + (player.currentTime > 0));
      ticked = true;
    });
    player.onEnded(() => this.log('audio ended ' + player.duration.toFixed(1) + ' paused ' + player.paused));
    player.onStop(() => this.log('audio stop ' + player.currentTime));
    player.onError((e) => this.log('audio error ' + ([10001, 10002, 10003, 10004, -1].includes(e.errCode))));
    player.src = src;
    player.play();
    return player;
  },
  playBackground(src) {
    const manager = wx.getBackgroundAudioManager();
    manager.title = 'Tone';
    manager.onPlay(() => this.log('background play ' + (manager === wx.getBackgroundAudioManager())));
    manager.onEnded(() => this.log('background ended ' + manager.title));
    manager.src = src;
  },
});"#;

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("app");
    let manifest = json!({
        "appId": "media.wechat", "name": "Media", "version": "1.0.0",
        "kind": "miniprogram", "dialect": "wechat", "entry": "app.json",
    })
    .to_string();
    write_files(
        &app,
        &[
            ("manifest.json", &manifest),
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            ("app.js", "App({})"),
            ("pages/index/index.js", PAGE_JS),
            ("pages/index/index.wxml", PAGE),
        ],
    );
    let media = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/media");
    std::fs::create_dir_all(app.join("media")).expect("media folder");
    for file in ["clip.webm", "tone.wav"] {
        std::fs::copy(media.join(file), app.join("media").join(file)).expect("media file");
    }
    let root = dir.path().to_owned();
    window_support::run("media_window", (480, 900), move |handle| {
        let container = Container::builder()
            .data_dir(root.join("data"))
            .build(Arc::new(handle.clone()));
        let handle = handle.clone();
        let driving = container.clone();
        let drive = move || {
            let program = launch(&driving, &root.join("app"));
            window_support::wait(&program, "the video", |snapshot| {
                snapshot.html.contains("id=\"player\"")
            })?;
            handle
                .run_script(
                    program.page(),
                    r#"
                    for (let waited = 0; !document.getElementById("player"); waited += 20) {
                      if (waited > 30000) throw new Error("the page was never drawn");
                      await new Promise((resolve) => setTimeout(resolve, 20));
                    }
                    return true;
                    "#,
                    TIMEOUT,
                )
                .map_err(|error| error.to_string())?;
            play_media(&program)?;
            let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("media_window.png");
            handle
                .screenshot(program.page(), &shot)
                .map_err(|error| error.to_string())
        };
        (container, Box::new(drive))
    })
}

/// The page's events once `done` says they are complete (or the time is up).
fn events_until(
    program: &MiniProgram,
    done: impl Fn(&[String]) -> bool,
) -> Result<Vec<String>, String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        program.settle().map_err(|error| error.to_string())?;
        let events = program
            .evaluate("getCurrentPages()[0].data.events")
            .map_err(|error| error.to_string())?;
        let events: Vec<String> = serde_json::from_value(events).map_err(|e| e.to_string())?;
        if done(&events) || Instant::now() > deadline {
            return Ok(events);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn page_call(program: &MiniProgram, source: &str) -> Result<(), String> {
    program
        .evaluate(&format!("getCurrentPages()[0].{source}, true"))
        .map(drop)
        .map_err(|error| error.to_string())
}

fn play_media(program: &MiniProgram) -> Result<(), String> {
    let has = |events: &[String], line: &str| events.iter().any(|e| e == line);
    // The video plays to its end: its size and length, the position moving, then ended.
    page_call(program, "playVideo()")?;
    let got = events_until(program, |e| has(e, "video ended"))?;
    let position = |line: &str| got.iter().position(|e| e == line);
    for line in [
        "video loadedmetadata 160x90 2.0",
        "video play",
        "video timeupdate true 2.0",
        "video ended",
    ] {
        if position(line).is_none() {
            return Err(format!("the video did not report {line:?}: {got:?}"));
        }
    }
    if position("video play") > position("video ended") {
        return Err(format!("the video ended before it played: {got:?}"));
    }
    // Played again and paused from the context: pause.
    let seen = got.len();
    page_call(program, "playVideo()")?;
    events_until(program, |e| {
        e.len() > seen && e[seen..].contains(&"video play".into())
    })?;
    page_call(program, "pauseVideo()")?;
    let got = events_until(program, |e| has(&e[seen..], "video pause"))?;
    if !has(&got[seen..], "video pause") {
        return Err(format!("pause from the context was not reported: {got:?}"));
    }

    // An audio player plays the tone to its end.
    let seen = got.len();
    page_call(program, "playAudio('/media/tone.wav')")?;
    let got = events_until(program, |e| {
        e[seen..].iter().any(|l| l.starts_with("audio ended"))
    })?;
    let audio: Vec<&str> = got[seen..].iter().map(String::as_str).collect();
    let want = [
        "audio canplay",
        "audio play paused false",
        "audio timeupdate true",
        "audio ended 1.0 paused true",
    ];
    if audio.iter().filter(|l| want.contains(l)).count() != want.len() {
        return Err(format!(
            "the audio player reported {audio:?}, want {want:?}"
        ));
    }
    // stop() rewinds and reports stop; a file the package does not have reports an error.
    let seen = got.len();
    page_call(
        program,
        "stopping = getCurrentPages()[0].playAudio('/media/tone.wav')",
    )?;
    events_until(program, |e| has(&e[seen..], "audio play paused false"))?;
    page_call(program, "stopping.stop()")?;
    page_call(program, "playAudio('/media/missing.wav')")?;
    let got = events_until(program, |e| {
        has(&e[seen..], "audio stop 0") && has(&e[seen..], "audio error true")
    })?;
    for line in ["audio stop 0", "audio error true"] {
        if !has(&got[seen..], line) {
            return Err(format!(
                "the audio players did not report {line:?}: {got:?}"
            ));
        }
    }
    // The background audio manager plays as soon as it has a src.
    let seen = got.len();
    page_call(program, "playBackground('/media/tone.wav')")?;
    let got = events_until(program, |e| has(&e[seen..], "background ended Tone"))?;
    for line in ["background play true", "background ended Tone"] {
        if !has(&got[seen..], line) {
            return Err(format!(
                "the background audio did not report {line:?}: {got:?}"
            ));
        }
    }
    Ok(())
}
