//! What `capsule run` and `capsule test` record into: the analytics journal of the data
//! folder, exported in the background to the OpenTelemetry collector that
//! `OTEL_EXPORTER_OTLP_ENDPOINT` names, if any.

use std::path::Path;
use std::sync::Arc;

use capsule_analytics::Journal;
use capsule_runtime::{BackgroundExport, ContainerBuilder, OtlpConfig, OtlpExporter};

use crate::analytics_commands::open_journal;

/// Tries of the last export when a run ends.
const FINAL_EXPORT_ATTEMPTS: u32 = 3;

/// The journal a run records into, and its exporter.
pub(crate) struct Recording {
    journal: Arc<Journal>,
    export: Option<(OtlpExporter, BackgroundExport)>,
}

impl Recording {
    /// The recording of a run with the data folder `data_dir`. A damaged journal is set
    /// aside and a new one started (see [`open_journal`]). A journal that cannot be opened
    /// even so (another program's database, an unreadable folder) or an unusable collector
    /// setting does not stop the run: it is reported, and the run goes on without that part.
    pub(crate) fn open(data_dir: &Path) -> Option<Self> {
        let journal = match open_journal(data_dir) {
            Ok(journal) => Arc::new(journal),
            Err(error) => {
                eprintln!("warning: this run's analytics are not recorded: {error:#}");
                return None;
            }
        };
        let export = match OtlpConfig::from_env()
            .and_then(|config| config.map(OtlpExporter::new).transpose())
        {
            Ok(exporter) => exporter.map(|exporter| {
                let background = exporter.clone().spawn(Arc::clone(&journal));
                (exporter, background)
            }),
            Err(error) => {
                eprintln!("warning: analytics are not exported: {error}");
                None
            }
        };
        Some(Self { journal, export })
    }

    /// Makes `builder`'s container record into the journal.
    pub(crate) fn attach(&self, builder: ContainerBuilder) -> ContainerBuilder {
        builder.analytics(self.journal.recorder())
    }

    /// Waits until what was recorded is in the journal, then hands what is not delivered
    /// yet to the collector; says so when either cannot be done.
    pub(crate) fn finish(&self) {
        if let Err(error) = self.journal.recorder().flush() {
            eprintln!("warning: analytics events were not saved: {error}");
        }
        if let Some((exporter, _)) = &self.export
            && let Err(error) = exporter.export_with_retries(&self.journal, FINAL_EXPORT_ATTEMPTS)
        {
            eprintln!("warning: analytics events wait in the journal for the next export: {error}");
        }
    }
}

/// `builder` recording into `recording`, when there is one.
pub(crate) fn recording(
    builder: ContainerBuilder,
    recording: Option<&Recording>,
) -> ContainerBuilder {
    match recording {
        Some(recording) => recording.attach(builder),
        None => builder,
    }
}

/// Finishes `recording`, when there is one.
pub(crate) fn finish(recording: Option<&Recording>) {
    if let Some(recording) = recording {
        recording.finish();
    }
}
