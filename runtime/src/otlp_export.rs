//! Delivers the analytics journal's events to an OpenTelemetry collector over OTLP/HTTP
//! (protobuf), at least once: an event is marked delivered only after the collector
//! acknowledged the request that carried it, and a failed request is retried with backoff.
//! The journal keeps delivered events for local reports until its limits drop them.

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use capsule_analytics::{Journal, otlp};

/// How many events one export request carries at most.
pub const OTLP_BATCH_SIZE: usize = 512;
/// The first wait before a failed export is retried; each further failure doubles it.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between retries.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long the background exporter waits between looks at the journal.
const EXPORT_INTERVAL: Duration = Duration::from_secs(5);
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Why an export did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The configuration (an endpoint, a header) is not usable.
    #[error("OTLP export: {0}")]
    Config(String),
    /// The collector could not be reached, or answered with an error.
    #[error("OTLP export to {url}: {reason}")]
    Send {
        /// The request's URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The journal could not be read or updated.
    #[error(transparent)]
    Journal(#[from] capsule_analytics::Error),
}

/// Where the events go: an OTLP/HTTP collector, as the OpenTelemetry environment variables
/// name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtlpConfig {
    /// The collector's base URL (`http://localhost:4318`); logs go to `/v1/logs`, metrics
    /// to `/v1/metrics`.
    pub endpoint: String,
    /// Headers sent with every request (an API key).
    pub headers: Vec<(String, String)>,
    /// Events per request.
    pub batch_size: usize,
}

impl OtlpConfig {
    /// A configuration for the collector at `endpoint`, without headers.
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            headers: Vec::new(),
            batch_size: OTLP_BATCH_SIZE,
        }
    }

    /// The configuration `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_EXPORTER_OTLP_HEADERS`
    /// (`key=value,key2=value2`, values percent-encoded) give; `None` without an endpoint.
    pub fn from_env() -> Result<Option<Self>, ExportError> {
        let Some(endpoint) = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
            .ok()
            .filter(|endpoint| !endpoint.trim().is_empty())
        else {
            return Ok(None);
        };
        let mut config = Self::new(endpoint.trim());
        if let Ok(headers) = std::env::var("OTEL_EXPORTER_OTLP_HEADERS") {
            config.headers = parse_headers(&headers)?;
        }
        Ok(Some(config))
    }

    fn url(&self, signal: &str) -> String {
        format!("{}/v1/{signal}", self.endpoint.trim_end_matches('/'))
    }
}

/// `key=value,key2=value2` with percent-encoded values, as `OTEL_EXPORTER_OTLP_HEADERS`
/// holds them.
fn parse_headers(text: &str) -> Result<Vec<(String, String)>, ExportError> {
    text.split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').ok_or_else(|| {
                ExportError::Config(format!(
                    "OTEL_EXPORTER_OTLP_HEADERS: '{pair}' is not key=value"
                ))
            })?;
            let value = percent_encoding::percent_decode_str(value.trim())
                .decode_utf8()
                .map_err(|e| {
                    ExportError::Config(format!("OTEL_EXPORTER_OTLP_HEADERS: '{key}': {e}"))
                })?;
            Ok((key.trim().to_owned(), value.into_owned()))
        })
        .collect()
}

/// Sends a journal's events to a collector.
#[derive(Debug, Clone)]
pub struct OtlpExporter {
    config: OtlpConfig,
    client: reqwest::blocking::Client,
}

impl OtlpExporter {
    /// An exporter to the collector `config` names.
    pub fn new(config: OtlpConfig) -> Result<Self, ExportError> {
        reqwest::Url::parse(&config.url("logs"))
            .map_err(|e| ExportError::Config(format!("endpoint '{}': {e}", config.endpoint)))?;
        let mut headers = reqwest::header::HeaderMap::new();
        for (key, value) in &config.headers {
            let name = reqwest::header::HeaderName::from_bytes(key.as_bytes())
                .map_err(|e| ExportError::Config(format!("header '{key}': {e}")))?;
            let value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|e| ExportError::Config(format!("header '{key}': {e}")))?;
            headers.insert(name, value);
        }
        let tls = capsule_jsapi::tls_config(&[]).map_err(ExportError::Config)?;
        let client = reqwest::blocking::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(REQUEST_TIMEOUT)
            .default_headers(headers)
            .user_agent(concat!("capsule/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ExportError::Config(e.to_string()))?;
        Ok(Self { config, client })
    }

    /// Sends every event of `journal` not delivered yet, a batch per request pair, and marks
    /// each batch delivered once the collector acknowledged it. Stops at the first failure;
    /// returns how many events were delivered.
    pub fn export_pending(&self, journal: &Journal) -> Result<usize, ExportError> {
        let mut delivered = 0;
        self.export_batches(journal, &mut delivered)?;
        Ok(delivered)
    }

    /// Like [`export_pending`](Self::export_pending), retrying after a failure with a
    /// doubling wait, `attempts` times at most. Returns the last error if it never got
    /// through.
    pub fn export_with_retries(
        &self,
        journal: &Journal,
        attempts: u32,
    ) -> Result<usize, ExportError> {
        let mut backoff = FIRST_BACKOFF;
        let mut delivered = 0;
        let mut attempt = 1;
        loop {
            match self.export_batches(journal, &mut delivered) {
                Ok(()) => return Ok(delivered),
                Err(error) if attempt >= attempts => return Err(error),
                Err(error) => {
                    tracing::warn!(attempt, "{error}; retrying in {backoff:?}");
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    attempt += 1;
                }
            }
        }
    }

    /// Sends batches until none is pending, counting the events delivered.
    fn export_batches(&self, journal: &Journal, delivered: &mut usize) -> Result<(), ExportError> {
        loop {
            let events = journal.unexported(self.config.batch_size)?;
            if events.is_empty() {
                return Ok(());
            }
            let batch = otlp::encode(&events);
            self.post("logs", batch.logs)?;
            if let Some(metrics) = batch.metrics {
                self.post("metrics", metrics)?;
            }
            let ids: Vec<&str> = events.iter().map(|event| event.id.as_str()).collect();
            journal.mark_exported(&ids)?;
            *delivered += events.len();
        }
    }

    /// Exports `journal`'s events in the background from now on: every few seconds, and
    /// after a failure again with a doubling wait. Stops when the returned handle is
    /// dropped.
    pub fn spawn(self, journal: Arc<Journal>) -> BackgroundExport {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("capsule-otlp-export".into())
            .spawn(move || {
                let mut wait = EXPORT_INTERVAL;
                loop {
                    match self.export_pending(&journal) {
                        Ok(_) => wait = EXPORT_INTERVAL,
                        Err(error) => {
                            tracing::warn!("{error}; retrying in {wait:?}");
                            wait = if wait == EXPORT_INTERVAL {
                                FIRST_BACKOFF
                            } else {
                                (wait * 2).min(MAX_BACKOFF)
                            };
                        }
                    }
                    match stopped.recv_timeout(wait) {
                        Err(RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            });
        match thread {
            Ok(thread) => BackgroundExport {
                stop: Some(stop),
                thread: Some(thread),
            },
            Err(error) => {
                tracing::error!("cannot start the OTLP exporter: {error}");
                BackgroundExport {
                    stop: None,
                    thread: None,
                }
            }
        }
    }

    fn post(&self, signal: &str, body: Vec<u8>) -> Result<(), ExportError> {
        let url = self.config.url(signal);
        let failed = |reason: String| ExportError::Send {
            url: url.clone(),
            reason,
        };
        let response = self
            .client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-protobuf")
            .body(body)
            .send()
            .map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(failed(format!("the collector answered {status}")))
        }
    }
}

/// The background exporter [`OtlpExporter::spawn`] started; dropping it stops it (after the
/// request under way, if any).
#[derive(Debug)]
pub struct BackgroundExport {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for BackgroundExport {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_comma_separated_pairs_with_percent_encoded_values() {
        assert_eq!(
            parse_headers("api-key=abc%20def, x-tenant = 7 ,").expect("parsed"),
            [
                ("api-key".to_owned(), "abc def".to_owned()),
                ("x-tenant".to_owned(), "7".to_owned())
            ]
        );
        assert!(parse_headers("no-value").is_err());
        assert!(parse_headers("k=%ff").is_err());
    }

    #[test]
    fn requests_go_to_the_signal_paths_under_the_endpoint() {
        let config = OtlpConfig::new("http://localhost:4318/");
        assert_eq!(config.url("logs"), "http://localhost:4318/v1/logs");
        assert_eq!(config.url("metrics"), "http://localhost:4318/v1/metrics");
        assert!(OtlpExporter::new(OtlpConfig::new("not a url")).is_err());
    }
}
