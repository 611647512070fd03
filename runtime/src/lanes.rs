//! Per-app worker threads for JSAPI handlers that can wait (storage, files, network, scan).
//!
//! A page's bridge calls arrive on the UI thread and a mini-program's on the thread relaying
//! its logic; a handler that writes SQLite, copies a file or reads an upload body would stall
//! either. [`Lanes`] runs such handlers on a thread of the calling app's own: one app's
//! 100 MB copy never delays another app, calls of one app run in the order they were made
//! (a `setStorage` is seen by the `getStorageSync` after it), and a lane with nothing to do
//! for [`Lanes::IDLE`] ends its thread, so an app that closed holds none.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Work for a lane: one handler call, panics already contained by the caller.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

/// The lanes of every app with work queued or in progress, by app id.
#[derive(Clone, Default)]
pub(crate) struct Lanes {
    open: Arc<Mutex<HashMap<String, Lane>>>,
    next_lane: Arc<std::sync::atomic::AtomicU64>,
}

/// An app's lane: where its jobs are sent, and its number (a lane that ends removes itself
/// only if a newer lane has not taken its place).
struct Lane {
    jobs: Sender<Job>,
    number: u64,
}

impl Lanes {
    /// How long a lane's thread waits for work before it ends.
    pub(crate) const IDLE: Duration = Duration::from_secs(2);

    /// Runs `job` on `app_id`'s lane, after the jobs queued there before it; starts the lane
    /// when the app has none. On the lane itself (a job of the app's asking for another) the
    /// job runs at once, in its place in the order. When no thread can be started, the job
    /// runs here instead (it still runs, only not off this thread).
    pub(crate) fn run(&self, app_id: &str, job: Job) {
        if LANE_OF_THIS_THREAD.with_borrow(|lane| lane.as_deref() == Some(app_id)) {
            return job();
        }
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        // Sent under the lock: a lane ending for want of work checks its queue under it too,
        // so a job is never sent to a lane that has stopped listening.
        let job = match open.get(app_id) {
            Some(lane) => match lane.jobs.send(job) {
                Ok(()) => return,
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        let (jobs, queue) = mpsc::channel();
        let number = self
            .next_lane
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let worker = Worker {
            lanes: self.clone(),
            app_id: app_id.to_owned(),
            number,
            queue,
        };
        match std::thread::Builder::new()
            .name("capsule-api".to_owned())
            .spawn(move || worker.work())
        {
            Ok(_) => {
                // A new channel's receiver is alive until the thread ends.
                let _ = jobs.send(job);
                open.insert(app_id.to_owned(), Lane { jobs, number });
            }
            Err(error) => {
                drop(open);
                tracing::warn!(app = app_id, %error, "cannot start an API thread; the call runs here");
                job();
            }
        }
    }

    /// How many apps have a lane (a thread) now.
    #[cfg(test)]
    fn count(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// The thread of one lane.
struct Worker {
    lanes: Lanes,
    app_id: String,
    number: u64,
    queue: Receiver<Job>,
}

thread_local! {
    /// The app whose lane this thread is, if it is one.
    static LANE_OF_THIS_THREAD: RefCell<Option<String>> = const { RefCell::new(None) };
}

impl Worker {
    fn work(self) {
        LANE_OF_THIS_THREAD.set(Some(self.app_id.clone()));
        loop {
            match self.queue.recv_timeout(Lanes::IDLE) {
                Ok(job) => job(),
                Err(RecvTimeoutError::Timeout) => {
                    let mut open = self
                        .lanes
                        .open
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    // Sent before the lock was taken: still this lane's to run.
                    if let Ok(job) = self.queue.try_recv() {
                        drop(open);
                        job();
                        continue;
                    }
                    if open
                        .get(&self.app_id)
                        .is_some_and(|lane| lane.number == self.number)
                    {
                        open.remove(&self.app_id);
                    }
                    return;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    #[test]
    fn an_apps_jobs_run_in_order_off_the_calling_thread() {
        let lanes = Lanes::default();
        let (done, finished) = mpsc::channel();
        let caller = std::thread::current().id();
        for n in 0..100 {
            let done = done.clone();
            lanes.run(
                "a",
                Box::new(move || {
                    done.send((n, std::thread::current().id()))
                        .expect("listening");
                }),
            );
        }
        let ran: Vec<_> = finished.iter().take(100).collect();
        assert_eq!(
            ran.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            (0..100).collect::<Vec<_>>()
        );
        assert!(ran.iter().all(|(_, thread)| *thread != caller));
    }

    #[test]
    fn a_job_asking_for_its_own_lane_runs_in_its_place() {
        let lanes = Lanes::default();
        let (done, finished) = mpsc::channel();
        let inner = lanes.clone();
        let first = done.clone();
        lanes.run(
            "a",
            Box::new(move || {
                let nested = first.clone();
                inner.run("a", Box::new(move || nested.send(1).expect("listening")));
                first.send(2).expect("listening");
            }),
        );
        lanes.run("a", Box::new(move || done.send(3).expect("listening")));
        let order: Vec<_> = finished.iter().take(3).collect();
        assert_eq!(order, [1, 2, 3]);
    }

    #[test]
    fn a_busy_app_does_not_hold_up_another() {
        let lanes = Lanes::default();
        let (release, held) = mpsc::channel::<()>();
        lanes.run(
            "slow",
            Box::new(move || {
                held.recv_timeout(Duration::from_secs(30)).ok();
            }),
        );
        let (done, finished) = mpsc::channel();
        lanes.run("quick", Box::new(move || done.send(()).expect("listening")));
        let answered = finished.recv_timeout(Duration::from_secs(10));
        release.send(()).ok();
        assert!(answered.is_ok(), "the quick app waited for the slow one");
    }

    #[test]
    fn an_idle_lane_ends_its_thread_and_a_later_call_starts_a_new_one() {
        let lanes = Lanes::default();
        let ran = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&ran);
        lanes.run(
            "a",
            Box::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }),
        );
        assert_eq!(lanes.count(), 1);
        let deadline = Instant::now() + Lanes::IDLE * 5;
        while lanes.count() > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(lanes.count(), 0, "the idle lane kept its thread");
        let counter = Arc::clone(&ran);
        let (done, finished) = mpsc::channel();
        lanes.run(
            "a",
            Box::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                done.send(()).expect("listening");
            }),
        );
        finished
            .recv_timeout(Duration::from_secs(10))
            .expect("the call after the lane ended ran");
        assert_eq!(ran.load(Ordering::SeqCst), 2);
    }
}
