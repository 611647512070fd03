//! What the session waits on the page host for: selector queries that need its layout, and
//! the intersection observers it runs.

use serde_json::Value;

use crate::view::NodePath;
use capsule_logic::LogicPageId;

/// What one request of a query matched.
pub(super) enum Target {
    Viewport,
    One(Option<NodePath>),
    All(Vec<NodePath>),
}

impl Target {
    pub(super) fn paths(&self) -> Vec<NodePath> {
        match self {
            Target::Viewport | Target::One(None) => Vec::new(),
            Target::One(Some(path)) => vec![path.clone()],
            Target::All(paths) => paths.clone(),
        }
    }
}

/// An intersection observer of the logic layer, sent to the page host each time its page is
/// drawn.
pub(super) struct Observer {
    pub(super) page: LogicPageId,
    pub(super) component: Option<u64>,
    pub(super) request: Value,
    /// The elements watched, as last sent.
    pub(super) paths: Vec<NodePath>,
}

/// A query waiting for the page host's measurements, with its results so far.
pub(super) struct PendingQuery {
    pub(super) targets: Vec<Target>,
    pub(super) results: Vec<Value>,
}

impl Observer {
    pub(super) fn page(&self) -> LogicPageId {
        self.page
    }
}
