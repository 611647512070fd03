//! The analytics journal of the data folder: `capsule run` and `capsule test` record into
//! it, `capsule analytics report` summarises it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result, bail};
use capsule_analytics::{Filter, Journal, Limits, Report};
use capsule_runtime::{OTLP_BATCH_SIZE, OtlpConfig, OtlpExporter};

/// The journal's file in the data folder.
const JOURNAL_FILE: &str = "analytics.sqlite";

/// `capsule analytics` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum AnalyticsCommand {
    /// Summarise what the journal holds: page views, the page flow, where users leave,
    /// API error rates, cold start times, script errors and the apps' own events.
    Report {
        /// Only this app's events.
        app_id: Option<String>,
        /// Only events of the last DURATION (`90s`, `30m`, `12h`, `7d`).
        #[arg(long, value_name = "DURATION")]
        since: Option<String>,
        /// Print the report as JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Write the report as one self-contained HTML page to FILE, with charts of the
        /// events over time, the page flow and the latencies, and print its path.
        #[arg(long, value_name = "FILE", conflicts_with = "json")]
        html: Option<PathBuf>,
    },
    /// Send the events not delivered yet to an OpenTelemetry collector (OTLP/HTTP): as log
    /// records, with API latency and cold start histograms and error counts as metrics.
    Export {
        /// The collector's base URL; default: `OTEL_EXPORTER_OTLP_ENDPOINT`. Headers come
        /// from `OTEL_EXPORTER_OTLP_HEADERS`.
        #[arg(long, value_name = "URL")]
        endpoint: Option<String>,
        /// Events per request.
        #[arg(long, default_value_t = OTLP_BATCH_SIZE)]
        batch_size: usize,
        /// Tries before giving up, with a doubling wait between them.
        #[arg(long, default_value_t = 5)]
        attempts: u32,
    },
}

/// Opens the analytics journal of the data folder `data_dir`, saying so when a damaged one
/// was set aside.
pub(crate) fn open_journal(data_dir: &Path) -> Result<Journal> {
    let path = data_dir.join(JOURNAL_FILE);
    let journal = Journal::open(&path, Limits::default())
        .with_context(|| format!("cannot open the analytics journal {}", path.display()))?;
    if let Some(set_aside) = journal.set_aside() {
        eprintln!("warning: the analytics journal {set_aside}");
    }
    Ok(journal)
}

/// Runs `capsule analytics COMMAND` on the journal of `data_dir`.
pub(crate) fn analytics(command: &AnalyticsCommand, data_dir: &Path) -> Result<()> {
    match command {
        AnalyticsCommand::Report {
            app_id,
            since,
            json,
            html,
        } => {
            let since_ms = since.as_deref().map(since_ms).transpose()?;
            let journal = open_journal(data_dir)?;
            let events = journal.events(&Filter {
                app_id: app_id.clone(),
                since_ms,
                kinds: None,
            })?;
            let report = Report::from_events(&events);
            if let Some(path) = html {
                std::fs::write(path, report.to_html())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!("{}", std::path::absolute(path)?.display());
            } else if *json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{report}");
            }
            Ok(())
        }
        AnalyticsCommand::Export {
            endpoint,
            batch_size,
            attempts,
        } => {
            let mut config = match (endpoint, OtlpConfig::from_env()?) {
                (Some(endpoint), from_env) => OtlpConfig {
                    endpoint: endpoint.clone(),
                    ..from_env.unwrap_or_else(|| OtlpConfig::new(endpoint))
                },
                (None, Some(from_env)) => from_env,
                (None, None) => {
                    bail!("no collector: give --endpoint or set OTEL_EXPORTER_OTLP_ENDPOINT")
                }
            };
            config.batch_size = (*batch_size).max(1);
            let endpoint = config.endpoint.clone();
            let journal = open_journal(data_dir)?;
            let delivered = OtlpExporter::new(config)?.export_with_retries(&journal, *attempts)?;
            println!("delivered {delivered} events to {endpoint}");
            Ok(())
        }
    }
}

/// The Unix time in milliseconds `duration` (`30m`) ago.
fn since_ms(duration: &str) -> Result<i64> {
    let ago = parse_duration(duration)
        .with_context(|| format!("--since {duration}: expected a number and s, m, h or d"))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?;
    let since = now.saturating_sub(ago);
    Ok(i64::try_from(since.as_millis())?)
}

/// `90s`, `30m`, `12h` or `7d` as a duration.
fn parse_duration(text: &str) -> Result<Duration> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse()?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        other => bail!("unknown unit '{other}'"),
    };
    Ok(Duration::from_secs(number.saturating_mul(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_number_and_a_unit() {
        for (text, seconds) in [("90s", 90), ("30m", 1800), ("2h", 7200), ("7d", 604_800)] {
            let duration = parse_duration(text).expect(text);
            assert_eq!(duration, Duration::from_secs(seconds), "{text}");
        }
        for bad in ["", "m", "5", "5w", "-5m", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
