//! Each app's cookies for its requests. Cookies with an expiry are also kept in
//! `<data dir>/cookies/<appId>.json`, so that a login outlives the process as it does on a
//! phone; session cookies stay in memory.
//!
//! The file is written by a thread of the jar's own, never by the network workers that
//! receive the cookies: a slow or stalled disk delays no transfer. Changes made while a write
//! is under way are written together by the next one. A request that set cookies waits
//! (asynchronously) until they are on disk before it answers, at most [`PERSIST_WAIT`].

use std::io::{BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use cookie_store::{CookieStore, RawCookie};
use reqwest::Url;
use reqwest::header::HeaderValue;

/// Longest a request waits for its cookies to reach the disk before it answers anyway.
pub(crate) const PERSIST_WAIT: Duration = Duration::from_secs(2);

/// One app's cookie jar (a [`reqwest::cookie::CookieStore`]).
pub(crate) struct AppCookies {
    store: Arc<Mutex<CookieStore>>,
    /// Keeps the lasting cookies on disk; `None` keeps them in memory.
    writer: Option<Writer>,
}

impl AppCookies {
    /// The jar of app `app`, with the cookies kept under `dir` (`None`: memory only).
    pub(crate) fn open(dir: Option<&Path>, app: &str) -> Self {
        let file = dir
            .filter(|_| is_file_name(app))
            .map(|dir| dir.join(format!("{app}.json")));
        let store = Arc::new(Mutex::new(
            file.as_deref().map_or_else(CookieStore::default, load),
        ));
        let writer = file.and_then(|file| Writer::start(app, file, Arc::clone(&store)));
        Self { store, writer }
    }

    /// Waits until every change made so far is on disk (or written in vain, logged), at
    /// most [`PERSIST_WAIT`].
    pub(crate) async fn persisted(&self) {
        if let Some(writer) = &self.writer {
            let _ = tokio::time::timeout(PERSIST_WAIT, writer.caught_up()).await;
        }
    }
}

impl reqwest::cookie::CookieStore for AppCookies {
    fn set_cookies(&self, headers: &mut dyn Iterator<Item = &HeaderValue>, url: &Url) {
        let cookies: Vec<RawCookie<'static>> = headers
            .filter_map(|header| header.to_str().ok())
            .filter_map(|text| RawCookie::parse(text.to_owned()).ok())
            .collect();
        if cookies.is_empty() {
            return;
        }
        self.store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .store_response_cookies(cookies.into_iter(), url);
        if let Some(writer) = &self.writer {
            writer.ask();
        }
    }

    fn cookies(&self, url: &Url) -> Option<HeaderValue> {
        let store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let pairs: Vec<String> = store
            .get_request_values(url)
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        if pairs.is_empty() {
            return None;
        }
        HeaderValue::from_str(&pairs.join("; ")).ok()
    }
}

/// The thread writing one jar's file, and how far it got.
struct Writer {
    shared: Arc<Shared>,
    /// The last change written, as counted by [`Asked::changes`].
    written: tokio::sync::watch::Receiver<u64>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    asked: Mutex<Asked>,
    wake: Condvar,
}

#[derive(Default)]
struct Asked {
    /// Changes made to the jar so far.
    changes: u64,
    /// The jar is gone: write what is left and stop.
    closed: bool,
}

impl Writer {
    /// Starts the writer of `file`; `None` (cookies kept in memory only, logged) when no
    /// thread can be started.
    fn start(app: &str, file: PathBuf, store: Arc<Mutex<CookieStore>>) -> Option<Self> {
        let shared = Arc::new(Shared {
            asked: Mutex::default(),
            wake: Condvar::new(),
        });
        let (report, written) = tokio::sync::watch::channel(0);
        let thread = std::thread::Builder::new()
            .name(format!("capsule-cookies-{app}"))
            .spawn({
                let shared = Arc::clone(&shared);
                move || write_changes(&shared, &store, &file, &report)
            });
        match thread {
            Ok(thread) => Some(Self {
                shared,
                written,
                thread: Some(thread),
            }),
            Err(error) => {
                tracing::warn!(target: "capsule::api", app, %error, "cookies kept in memory only: no writer thread");
                None
            }
        }
    }

    fn ask(&self) {
        let mut asked = self
            .shared
            .asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        asked.changes += 1;
        self.shared.wake.notify_one();
    }

    async fn caught_up(&self) {
        let wanted = self
            .shared
            .asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .changes;
        let mut written = self.written.clone();
        // An error means the thread is gone (it panicked): nothing more will be written.
        let _ = written.wait_for(|done| *done >= wanted).await;
    }
}

impl Drop for Writer {
    /// Writes what is left, then lets the thread end.
    fn drop(&mut self) {
        self.shared
            .asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The writer thread: waits for changes and writes the jar as it is then, until closed.
fn write_changes(
    shared: &Shared,
    store: &Mutex<CookieStore>,
    file: &Path,
    report: &tokio::sync::watch::Sender<u64>,
) {
    let mut done = 0;
    loop {
        let wanted = {
            let mut asked = shared.asked.lock().unwrap_or_else(PoisonError::into_inner);
            while asked.changes == done && !asked.closed {
                asked = shared
                    .wake
                    .wait(asked)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if asked.changes == done {
                return;
            }
            asked.changes
        };
        let mut text = Vec::new();
        let saved = cookie_store::serde::json::save(
            &store.lock().unwrap_or_else(PoisonError::into_inner),
            &mut text,
        );
        if let Err(error) = saved
            .map_err(|e| e.to_string())
            .and_then(|()| save(file, &text))
        {
            tracing::warn!(target: "capsule::api", file = %file.display(), %error, "cookies not saved");
        }
        done = wanted;
        report.send_replace(done);
    }
}

/// Writes `text` beside `file` and renames it over, so a crash leaves the old file or the
/// new one.
fn save(file: &Path, text: &[u8]) -> Result<(), String> {
    let partial = file.with_extension("json.partial");
    let dir = file.parent().ok_or("no folder")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut out = std::fs::File::create(&partial).map_err(|e| e.to_string())?;
    out.write_all(text).map_err(|e| e.to_string())?;
    out.sync_all().map_err(|e| e.to_string())?;
    std::fs::rename(&partial, file).map_err(|e| e.to_string())
}

/// The cookies saved in `file`; none when there is no file. A file that cannot be read is
/// set aside (`.unreadable`) rather than overwritten, and the app starts without cookies.
fn load(file: &Path) -> CookieStore {
    let Ok(opened) = std::fs::File::open(file) else {
        return CookieStore::default();
    };
    cookie_store::serde::json::load(BufReader::new(opened)).unwrap_or_else(|error| {
        let aside = file.with_extension("json.unreadable");
        tracing::warn!(target: "capsule::api", file = %file.display(), %error, "cookies unreadable; set aside");
        let _ = std::fs::rename(file, aside);
        CookieStore::default()
    })
}

/// Whether an app id can name a file in the cookie folder as it is.
fn is_file_name(app: &str) -> bool {
    !app.is_empty()
        && !app.starts_with('.')
        && app
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}
