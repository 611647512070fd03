//! What the runtime records about the apps it runs: app and page lifecycle, JSAPI calls,
//! performance, errors and the apps' own events, kept in an SQLite journal per data folder
//! and summarised in reports.

mod error;
mod event;
mod html;
mod journal;
mod report;

pub use error::Error;
pub use event::{Context, Event, Kind};
pub use journal::{Filter, Journal, Limits, Recorder};
pub use report::{ApiStats, Bucket, Flow, Percentiles, Report, TimeBucket, Timeline};
