//! Each app's cookies for its requests. Cookies with an expiry are also kept in
//! `<data dir>/cookies/<appId>.json`, so that a login outlives the process as it does on a
//! phone; session cookies stay in memory.

use std::io::{BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use cookie_store::{CookieStore, RawCookie};
use reqwest::Url;
use reqwest::header::HeaderValue;

/// One app's cookie jar (a [`reqwest::cookie::CookieStore`]).
pub(crate) struct AppCookies {
    store: Mutex<CookieStore>,
    /// Where the lasting cookies are written; `None` keeps them in memory.
    file: Option<PathBuf>,
}

impl AppCookies {
    /// The jar of app `app`, with the cookies kept under `dir` (`None`: memory only).
    pub(crate) fn open(dir: Option<&Path>, app: &str) -> Self {
        let file = dir
            .filter(|_| is_file_name(app))
            .map(|dir| dir.join(format!("{app}.json")));
        let store = file.as_deref().map_or_else(CookieStore::default, load);
        Self {
            store: Mutex::new(store),
            file,
        }
    }

    fn save(&self, store: &CookieStore) {
        let Some(file) = &self.file else { return };
        // Written beside and renamed over, so a crash leaves the old file or the new one.
        // (Saves happen under the store's lock, one at a time.)
        let partial = file.with_extension("json.partial");
        let written = (|| -> Result<(), String> {
            let dir = file.parent().ok_or("no folder")?;
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            let mut out = std::fs::File::create(&partial).map_err(|e| e.to_string())?;
            cookie_store::serde::json::save(store, &mut out).map_err(|e| e.to_string())?;
            out.flush().map_err(|e| e.to_string())?;
            out.sync_all().map_err(|e| e.to_string())?;
            std::fs::rename(&partial, file).map_err(|e| e.to_string())
        })();
        if let Err(error) = written {
            tracing::warn!(target: "capsule::api", file = %file.display(), %error, "cookies not saved");
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
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        store.store_response_cookies(cookies.into_iter(), url);
        self.save(&store);
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
