use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::bridge::{FromPage, ToPage};
use crate::{Container, PageId, PageSpec, RenderHost, TitleBar};

/// What a [`HeadlessHost`] was asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum HostRecord {
    /// A page was opened at this URL.
    Opened {
        /// The page.
        page: PageId,
        /// Its URL.
        url: String,
    },
    /// A message was delivered to a page.
    Posted {
        /// The page.
        page: PageId,
        /// The message.
        message: ToPage,
    },
    /// A page was closed.
    Closed {
        /// The page.
        page: PageId,
    },
    /// A page was loaded again.
    Reloaded {
        /// The page.
        page: PageId,
    },
    /// An H5 page was pushed over another in the same window (`pushWindow`).
    Stacked {
        /// The new page.
        page: PageId,
        /// The page under it.
        below: PageId,
    },
    /// An H5 page's title bar is drawn like this from now on (also when it opens).
    TitleBar {
        /// The page.
        page: PageId,
        /// The bar.
        bar: TitleBar,
    },
    /// An H5 page shows this notice in its place.
    Notice {
        /// The page.
        page: PageId,
        /// The notice.
        notice: String,
    },
}

/// A render host with no window: it records the last [`HeadlessHost::KEPT_RECORDS`] requests,
/// and tests play the page's part by injecting the messages a page's bridge would send.
#[derive(Debug, Default)]
pub struct HeadlessHost {
    records: Mutex<VecDeque<HostRecord>>,
    /// Signalled on every new record.
    recorded: Condvar,
    /// Who hears of every record as it is made.
    listeners: Mutex<Vec<Sender<HostRecord>>>,
}

impl HeadlessHost {
    /// How many records a host keeps: a long headless run (`capsule test`) keeps its last
    /// requests, not every one.
    pub const KEPT_RECORDS: usize = 1000;

    /// A host with nothing recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// What was recorded so far (the last [`HeadlessHost::KEPT_RECORDS`]), oldest first.
    pub fn records(&self) -> Vec<HostRecord> {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// The messages delivered to `page` so far, oldest first.
    pub fn posted(&self, page: PageId) -> Vec<ToPage> {
        self.records()
            .into_iter()
            .filter_map(|record| match record {
                HostRecord::Posted { page: to, message } if to == page => Some(message),
                _ => None,
            })
            .collect()
    }

    /// Waits up to `timeout` for the reply to bridge call `call_id` of `page` (replies to
    /// calls that can wait come from another thread) and returns whether it succeeded and
    /// its result. A reply older than the kept records is not found: use
    /// [`HeadlessHost::subscribe`] to hear of every one.
    pub fn wait_reply(
        &self,
        page: PageId,
        call_id: u64,
        timeout: Duration,
    ) -> Option<(bool, Value)> {
        let deadline = Instant::now() + timeout;
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let found = records.iter().rev().find_map(|record| match record {
                HostRecord::Posted {
                    page: to,
                    message:
                        ToPage::Reply {
                            call_id: answered,
                            ok,
                            result,
                        },
                } if *to == page && *answered == call_id => Some((*ok, result.clone())),
                _ => None,
            });
            let left = deadline.saturating_duration_since(Instant::now());
            if found.is_some() || left.is_zero() {
                return found;
            }
            records = self
                .recorded
                .wait_timeout(records, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Every record from now on, as it is made (the host itself keeps only its last
    /// [`HeadlessHost::KEPT_RECORDS`]).
    pub fn subscribe(&self) -> Receiver<HostRecord> {
        let (sender, receiver) = std::sync::mpsc::channel();
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(sender);
        receiver
    }

    /// The title bar drawn last on `page`, if it has one.
    pub fn title_bar(&self, page: PageId) -> Option<TitleBar> {
        self.records()
            .into_iter()
            .rev()
            .find_map(|record| match record {
                HostRecord::TitleBar { page: on, bar } if on == page => Some(bar),
                _ => None,
            })
    }

    /// Plays page `page` sending the bridge message `json` from a document of `origin`, as
    /// the webview's IPC channel would. Malformed messages are dropped with a warning, as in
    /// a real webview.
    pub fn inject(&self, container: &Container, page: PageId, origin: &str, json: &str) {
        if let Some(message) = FromPage::parse(json) {
            container.receive(page, origin, message);
        }
    }

    fn record(&self, record: HostRecord) {
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|listener| listener.send(record.clone()).is_ok());
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        if records.len() == Self::KEPT_RECORDS {
            records.pop_front();
        }
        records.push_back(record);
        self.recorded.notify_all();
    }
}

impl RenderHost for HeadlessHost {
    fn open_page(&self, page: PageSpec) {
        self.record(HostRecord::Opened {
            page: page.id,
            url: page.url,
        });
        if let Some(below) = page.stacked_on {
            self.record(HostRecord::Stacked {
                page: page.id,
                below,
            });
        }
        if let Some(bar) = page.title_bar {
            self.record(HostRecord::TitleBar { page: page.id, bar });
        }
    }

    fn set_title_bar(&self, page: PageId, bar: &TitleBar) {
        self.record(HostRecord::TitleBar {
            page,
            bar: bar.clone(),
        });
    }

    fn post(&self, page: PageId, message: ToPage) {
        self.record(HostRecord::Posted { page, message });
    }

    fn reload_page(&self, page: PageId) {
        self.record(HostRecord::Reloaded { page });
    }

    fn show_notice(&self, page: PageId, notice: &str) {
        self.record(HostRecord::Notice {
            page,
            notice: notice.to_owned(),
        });
    }

    fn close_page(&self, page: PageId) {
        self.record(HostRecord::Closed { page });
    }
}

#[cfg(test)]
mod tests {
    use super::{HeadlessHost, HostRecord};
    use crate::{PageId, RenderHost};

    #[test]
    fn keeps_its_last_records() {
        let host = HeadlessHost::new();
        let extra = 500;
        for n in 0..HeadlessHost::KEPT_RECORDS + extra {
            host.reload_page(PageId(n as u64));
        }
        let records = host.records();
        assert_eq!(records.len(), HeadlessHost::KEPT_RECORDS);
        assert_eq!(
            records[0],
            HostRecord::Reloaded {
                page: PageId(extra as u64)
            }
        );
    }
}
