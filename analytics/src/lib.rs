//! What the runtime records about the apps it runs: app and page lifecycle, JSAPI calls,
//! performance, errors and the apps' own events, kept in an SQLite journal per data folder
//! and summarised in reports or exported to an OpenTelemetry collector ([`otlp`]).

mod capture;
mod error;
mod event;
mod html;
mod journal;
pub mod otlp;
mod report;

/// A damaged journal moved out of the way ([`Journal::set_aside`]).
pub use capsule_sqlite::SetAside;
pub use capture::Capture;
pub use error::Error;
pub use event::{Context, Event, Kind, Measurement};
pub use journal::{Filter, Journal, Limits, Recorder};
pub use report::{ApiStats, Bucket, Flow, Percentiles, Report, TimeBucket, Timeline};
