//! View scripts (WXS, SJS) in the app's worker process: a page that has them renders there,
//! so that what its scripts allocate counts against the app's memory budget and a script
//! that blows it up stops the app, not the host.
//!
//! The session's [`View`](capsule_view::View) keeps the page's data and tree; each render goes
//! to the worker as a request ([`RemoteScripts`]), where [`service`] keeps the page compiled
//! from the app's files with its scripts loaded ([`ScriptHost`]) and renders it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use capsule_logic::{LogicHandle, WorkerService};
use capsule_packages::{App, RelativePath};
use capsule_view::{
    Instances, Location, PageView, RenderJob, Rendered, ScriptHost, ScriptRunner, SourceFiles,
    VNode, ViewError, Warning,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How long opening a page's scripts in the worker may take, beyond which the page is
/// shown with an error.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long past its script budget a render may take to come back (the page is rendered
/// without scripts' help otherwise).
const RENDER_GRACE: Duration = Duration::from_secs(5);

/// Reads package files as text for the template and style compilers.
pub(super) struct AppSource<'a>(pub(super) &'a App);

impl SourceFiles for AppSource<'_> {
    fn read_text(&self, path: &str) -> Option<String> {
        let path = RelativePath::new(path).ok()?;
        String::from_utf8(self.0.read(&path).ok()?).ok()
    }
}

/// What the session asks the worker's view service.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Request {
    /// Compile page template `entry` and load its scripts as view `view`.
    Open {
        view: u64,
        entry: String,
        components: Map<String, Value>,
    },
    /// Render view `view`.
    #[serde(rename_all = "camelCase")]
    Render {
        view: u64,
        /// The component templates the page's styles reach inside now.
        shared: Vec<String>,
        /// The component templates whose host element is virtual now.
        #[serde(default)]
        virtual_hosts: Vec<String>,
        data: Value,
        instances: Instances,
        budget_ms: u64,
    },
    /// Forget view `view`.
    Close { view: u64 },
}

/// [`Request::Render`] as the session sends it, borrowing the page's data.
#[derive(Serialize)]
#[serde(tag = "kind", rename = "render", rename_all = "camelCase")]
struct RenderRequest<'a> {
    view: u64,
    shared: Vec<&'a str>,
    virtual_hosts: Vec<&'a str>,
    data: &'a Value,
    instances: &'a Instances,
    budget_ms: u64,
}

/// A rendered page as the worker sends it back.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Answer {
    tree: Vec<VNode>,
    warnings: Vec<SentWarning>,
}

/// A [`Warning`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
struct SentWarning {
    file: String,
    line: u32,
    column: u32,
    message: String,
}

impl From<&Warning> for SentWarning {
    fn from(warning: &Warning) -> Self {
        Self {
            file: warning.location.file.to_string(),
            line: warning.location.line,
            column: warning.location.column,
            message: warning.message.clone(),
        }
    }
}

impl From<SentWarning> for Warning {
    fn from(sent: SentWarning) -> Self {
        Self {
            location: Location {
                file: Arc::from(sent.file),
                line: sent.line,
                column: sent.column,
            },
            message: sent.message,
        }
    }
}

/// A page's view scripts in the app's worker: each render is a request to it.
pub(super) struct RemoteScripts {
    logic: LogicHandle,
    view: u64,
}

impl RemoteScripts {
    /// Has the worker of `logic` compile page template `entry` (with the app-wide
    /// `components`) and load its scripts.
    pub(super) fn open(
        logic: &LogicHandle,
        entry: &str,
        components: &Map<String, Value>,
    ) -> Result<Self, ViewError> {
        static NEXT_VIEW: AtomicU64 = AtomicU64::new(1);
        let view = NEXT_VIEW.fetch_add(1, Ordering::Relaxed);
        let request = Request::Open {
            view,
            entry: entry.to_owned(),
            components: components.clone(),
        };
        ask(logic, &request, OPEN_TIMEOUT).map_err(|message| ViewError::Script {
            file: entry.to_owned(),
            message,
        })?;
        Ok(Self {
            logic: logic.clone(),
            view,
        })
    }
}

impl ScriptRunner for RemoteScripts {
    fn render(&mut self, job: RenderJob) -> Rendered {
        let request = RenderRequest {
            view: self.view,
            shared: job.page.styles_shared_with(),
            virtual_hosts: job.page.virtual_hosts(),
            data: &job.data,
            instances: &job.instances,
            budget_ms: u64::try_from(job.budget.as_millis()).unwrap_or(u64::MAX),
        };
        let answer = ask(&self.logic, &request, job.budget + RENDER_GRACE)
            .and_then(|value| serde_json::from_value::<Answer>(value).map_err(|e| e.to_string()));
        let data = job.data;
        match answer {
            Ok(answer) => Rendered {
                tree: answer.tree,
                warnings: answer.warnings.into_iter().map(Warning::from).collect(),
                data,
            },
            Err(message) => Rendered {
                tree: Vec::new(),
                warnings: vec![Warning {
                    location: Location {
                        file: Arc::from(job.page.entry()),
                        line: 1,
                        column: 1,
                    },
                    message: format!("the page's view scripts did not render: {message}"),
                }],
                data,
            },
        }
    }
}

impl Drop for RemoteScripts {
    fn drop(&mut self) {
        let close = Request::Close { view: self.view };
        // A worker that is gone has forgotten the view already.
        let _ = ask(&self.logic, &close, RENDER_GRACE);
    }
}

fn ask(logic: &LogicHandle, request: &impl Serialize, timeout: Duration) -> Result<Value, String> {
    let request = serde_json::to_value(request).map_err(|e| e.to_string())?;
    logic
        .ask_worker(request, timeout)
        .map_err(|error| error.to_string())
}

/// The worker's side: the view service it runs for its host (see the runtime's
/// `worker_main`).
pub(crate) fn service() -> WorkerService {
    let mut views: HashMap<u64, (Arc<PageView>, ScriptHost)> = HashMap::new();
    Box::new(move |app: &App, request: Value| {
        let request: Request = serde_json::from_value(request).map_err(|e| e.to_string())?;
        match request {
            Request::Open {
                view,
                entry,
                components,
            } => {
                let page = PageView::compile(&AppSource(app), &entry, &components)
                    .map_err(|e| e.to_string())?;
                let scripts = ScriptHost::load(&page).map_err(|e| e.to_string())?;
                views.insert(view, (Arc::new(page), scripts));
                Ok(Value::Null)
            }
            Request::Render {
                view,
                shared,
                virtual_hosts,
                data,
                instances,
                budget_ms,
            } => {
                let (page, scripts) = views
                    .get_mut(&view)
                    .ok_or_else(|| format!("no view {view} is open"))?;
                for component in &shared {
                    if !page.styles_shared_with().contains(&component.as_str()) {
                        Arc::make_mut(page).share_styles(component);
                    }
                }
                for component in &virtual_hosts {
                    if !page.virtual_hosts().contains(&component.as_str()) {
                        Arc::make_mut(page).set_virtual_host(component);
                    }
                }
                let rendered = scripts.render(RenderJob {
                    page: Arc::clone(page),
                    data,
                    instances: Arc::new(instances),
                    budget: Duration::from_millis(budget_ms),
                });
                let answer = Answer {
                    tree: rendered.tree,
                    warnings: rendered.warnings.iter().map(SentWarning::from).collect(),
                };
                serde_json::to_value(answer).map_err(|e| e.to_string())
            }
            Request::Close { view } => {
                views.remove(&view);
                Ok(Value::Null)
            }
        }
    })
}
