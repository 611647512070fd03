//! The camera stand-in of a test run: a scan takes the picture an `answer` step queued, in
//! either order (a scan opened before its answer waits for it, as a modal does). What one
//! scenario queued never reaches the next.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use capsule_jsapi::{ApiError, SCAN_FAILED, ScanImage, ScanRequest, ScanSource};

use capsule_scenario::Answer;

/// The longest a scan waits for its answer; the scenario's end stops it sooner.
const SCAN_WAIT: Duration = Duration::from_secs(120);

/// Scan answers queued by `answer` steps; scans wait for them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScriptedScans(Arc<(Mutex<Queue>, Condvar)>);

#[derive(Debug, Default)]
struct Queue {
    /// Answers not yet taken, with the numbers of their steps.
    answers: VecDeque<(usize, Answer)>,
    /// Counts scenarios: a scan waiting from an earlier one gives up.
    scenario: u64,
    /// Scans waiting for their answer now.
    waiting: usize,
}

impl ScriptedScans {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.0.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new scenario starts: nothing queued before it remains.
    pub(super) fn start_scenario(&self) {
        self.end_scenario();
    }

    /// Queues the answer of step `number` for the scan that waits or the next one.
    pub(super) fn push(&self, number: usize, answer: &Answer) {
        self.queue().answers.push_back((number, answer.clone()));
        self.0.1.notify_all();
    }

    /// How many scans wait for their answer now.
    pub(super) fn waiting(&self) -> usize {
        self.queue().waiting
    }

    /// Ends the scenario: returns the answers no scan took, and a scan still waiting fails.
    pub(super) fn end_scenario(&self) -> Vec<(usize, Answer)> {
        let mut queue = self.queue();
        queue.scenario += 1;
        let unused = queue.answers.drain(..).collect();
        drop(queue);
        self.0.1.notify_all();
        unused
    }
}

impl ScanSource for ScriptedScans {
    fn image(&self, _request: &ScanRequest) -> Result<Option<ScanImage>, ApiError> {
        let deadline = Instant::now() + SCAN_WAIT;
        let mut queue = self.queue();
        let scenario = queue.scenario;
        loop {
            if queue.scenario != scenario {
                return Err(ApiError::new(
                    SCAN_FAILED,
                    "the scenario ended before an {\"answer\": {\"scanImage\": ...}} step \
                     answered the scan",
                ));
            }
            if let Some((_, answer)) = queue.answers.pop_front() {
                drop(queue);
                return match answer {
                    Answer::ScanImage(path) => ScanImage::from_file(&path).map(Some),
                    _ => Ok(None),
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(ApiError::new(
                    SCAN_FAILED,
                    format!(
                        "no {{\"answer\": {{\"scanImage\": ...}}}} step answered the scan within \
                         {} s",
                        SCAN_WAIT.as_secs()
                    ),
                ));
            }
            queue.waiting += 1;
            queue = self
                .0
                .1
                .wait_timeout(queue, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            queue.waiting -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn request() -> ScanRequest {
        ScanRequest {
            app_id: "a".into(),
            album_allowed: true,
        }
    }

    #[test]
    fn a_scan_opened_first_waits_for_its_answer() {
        let scans = ScriptedScans::default();
        scans.start_scenario();
        let waiting = {
            let scans = scans.clone();
            std::thread::spawn(move || scans.image(&request()))
        };
        // The scan is open before the answer exists; the cancel answers it.
        while scans.waiting() == 0 {
            std::thread::yield_now();
        }
        scans.push(3, &Answer::ScanCancel);
        assert_eq!(
            waiting.join().expect("no panic").map(|i| i.is_none()),
            Ok(true)
        );
        assert!(scans.end_scenario().is_empty());
    }

    #[test]
    fn answers_never_leak_into_the_next_scenario() {
        let scans = ScriptedScans::default();
        scans.start_scenario();
        scans.push(2, &Answer::ScanImage(PathBuf::from("qr.png")));
        let unused = scans.end_scenario();
        assert_eq!(unused, [(2, Answer::ScanImage(PathBuf::from("qr.png")))]);
        scans.start_scenario();
        let waiting = {
            let scans = scans.clone();
            std::thread::spawn(move || scans.image(&request()))
        };
        while scans.waiting() == 0 {
            std::thread::yield_now();
        }
        scans.end_scenario();
        let error = waiting
            .join()
            .expect("no panic")
            .expect_err("the scenario ended");
        assert!(
            error.message.contains("scenario ended"),
            "{}",
            error.message
        );
    }
}
