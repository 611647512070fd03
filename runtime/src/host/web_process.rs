//! The memory cap on the WebKit web processes behind [`WryHost`](super::WryHost) pages.
//!
//! WebKitGTK (≥ 2.34) can cap a web process itself through `WebKitMemoryPressureSettings`,
//! but only as the construct-only `memory-pressure-settings` property of a
//! `WebKitWebContext`, and wry 0.57 builds every page's context itself without a way to pass
//! it (its `WebContext` cannot wrap a context of ours). So the host enforces the cap from
//! outside: a watchdog thread reads the resident memory of the host's `WebKitWebProcess`
//! descendants from `/proc` a few times a second and kills (`SIGKILL`) any above the limit.
//! WebKit then reports the page's web process as crashed, and the host reports it as
//! [`WebProcessGoneReason::ExceededMemoryLimit`](crate::WebProcessGoneReason).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// The most resident memory (1 GiB) one page's web process may use. A page that goes over
/// it (an H5 page allocating without end) has its web process killed, so that it cannot eat
/// the machine; the container then reloads or closes the page.
pub const WEB_PROCESS_MEMORY_LIMIT: u64 = 1 << 30;

/// How often the watchdog reads the web processes' memory.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// The web process's name as `/proc/<pid>/stat` gives it (cut to 15 bytes by the kernel).
const WEB_PROCESS_NAME: &str = "WebKitWebProces";

/// Watches the host's web processes until dropped.
pub(super) struct MemoryWatchdog {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MemoryWatchdog {
    /// Starts watching. `on_kill(pid, resident_bytes)` runs just before a web process above
    /// `limit` bytes is killed.
    pub(super) fn start(limit: u64, on_kill: impl Fn(u32, u64) + Send + 'static) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("capsule-memory-watchdog".into())
            .spawn(move || {
                while !stopping.load(Ordering::Relaxed) {
                    for (pid, resident) in web_processes_over(limit) {
                        on_kill(pid, resident);
                        kill(pid);
                    }
                    std::thread::sleep(POLL_INTERVAL);
                }
            });
        let thread = match thread {
            Ok(thread) => Some(thread),
            Err(error) => {
                tracing::error!(%error, "cannot start the web process memory watchdog");
                None
            }
        };
        Self { stop, thread }
    }
}

impl Drop for MemoryWatchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

fn kill(pid: u32) {
    let Some(target) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return;
    };
    if let Err(error) = rustix::process::kill_process(target, rustix::process::Signal::KILL) {
        tracing::warn!(pid, %error, "cannot kill the web process");
    }
}

/// The web processes descending from this process whose resident memory is above `limit`
/// bytes, with that memory.
fn web_processes_over(limit: u64) -> Vec<(u32, u64)> {
    let own = std::process::id();
    let processes = processes();
    let descends_from_us = |mut pid: u32| {
        // A parent chain is short; the bound only guards against a table read mid-change.
        for _ in 0..64 {
            match processes.get(&pid) {
                Some((parent, _)) if *parent == own => return true,
                Some((parent, _)) if *parent > 1 => pid = *parent,
                _ => return false,
            }
        }
        false
    };
    processes
        .iter()
        .filter(|(pid, (_, name))| name == WEB_PROCESS_NAME && descends_from_us(**pid))
        .filter_map(|(pid, _)| Some((*pid, resident_bytes(*pid)?)))
        .filter(|(_, resident)| *resident > limit)
        .collect()
}

/// Every process's parent and name, from `/proc/<pid>/stat`. Processes that end while the
/// table is read are left out.
fn processes() -> HashMap<u32, (u32, String)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return HashMap::new();
    };
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let (parent, name) = parse_stat(&stat)?;
            Some((pid, (parent, name)))
        })
        .collect()
}

/// The parent pid and name in a `/proc/<pid>/stat` line: `pid (name) state ppid ...`, where
/// the name may itself contain spaces and parentheses.
fn parse_stat(stat: &str) -> Option<(u32, String)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?.to_owned();
    let mut rest = stat.get(close + 1..)?.split_whitespace();
    let _state = rest.next()?;
    let parent = rest.next()?.parse().ok()?;
    Some((parent, name))
}

/// The resident memory of `pid` in bytes, from `/proc/<pid>/statm` (second field, pages).
fn resident_bytes(pid: u32) -> Option<u64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    let page_size = u64::try_from(rustix::param::page_size()).ok()?;
    Some(pages.saturating_mul(page_size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_odd_names_parse() {
        assert_eq!(
            parse_stat("4242 (WebKitWebProces) S 4100 4242 4100 0 -1"),
            Some((4100, WEB_PROCESS_NAME.to_owned()))
        );
        assert_eq!(
            parse_stat("7 (a) b (c) R 1 7 7 0"),
            Some((1, "a) b (c".to_owned()))
        );
        assert_eq!(parse_stat("7 (unclosed S 1"), None);
        assert_eq!(parse_stat(""), None);
    }

    #[test]
    fn this_process_is_measured_and_is_no_web_process() {
        assert!(resident_bytes(std::process::id()).is_some_and(|bytes| bytes > 0));
        assert!(web_processes_over(0).is_empty());
    }
}
