//! What Capsule logs with `tracing`, captured for tests that check a refusal was logged:
//! [`capture`] installs (once per test binary) a subscriber keeping Capsule's own lines from
//! `debug` up and other crates' warnings, one formatted line each.
//!
//! Tests of one binary run at once and share the capture, so a test looks for a line with
//! something only it logs (its own path, URL, key or API).

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// How long a test waits for a line to be logged.
const LOG_TIMEOUT: Duration = Duration::from_secs(10);

static LINES: OnceLock<Arc<Mutex<String>>> = OnceLock::new();

/// Appends what the subscriber writes to the shared text.
struct Sink(Arc<Mutex<String>>);

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_str(&String::from_utf8_lossy(bytes));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Starts capturing (a no-op after the first call).
pub fn capture() {
    LINES.get_or_init(|| {
        let lines = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&lines);
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter(tracing_subscriber::EnvFilter::new("warn,capsule=debug"))
            .with_writer(move || Sink(Arc::clone(&sink)))
            .try_init()
            .expect("no other global subscriber");
        lines
    });
}

/// Waits for a logged line containing each of `parts` and returns it; fails the test if none
/// comes within 10 s.
pub fn wait_for(parts: &[&str]) -> String {
    let lines = LINES.get().expect("logs::capture() was called");
    let deadline = Instant::now() + LOG_TIMEOUT;
    loop {
        let found = lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .lines()
            .find(|line| parts.iter().all(|part| line.contains(part)))
            .map(str::to_owned);
        if let Some(line) = found {
            return line;
        }
        assert!(Instant::now() < deadline, "nothing logged with {parts:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
