//! Which events a host lets the runtime capture.

use std::collections::BTreeSet;

use crate::event::Kind;

/// The apps and kinds of events a host turned capture off for; everything else is captured.
/// The default captures everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capture {
    off_apps: BTreeSet<String>,
    off_kinds: BTreeSet<Kind>,
}

impl Capture {
    /// Captures nothing of app `app_id`.
    #[must_use]
    pub fn without_app(mut self, app_id: impl Into<String>) -> Self {
        self.off_apps.insert(app_id.into());
        self
    }

    /// Captures no event of `kind`, of any app.
    #[must_use]
    pub fn without_kind(mut self, kind: Kind) -> Self {
        self.off_kinds.insert(kind);
        self
    }

    /// Whether an event of `kind` of app `app_id` is captured.
    pub fn allows(&self, app_id: &str, kind: Kind) -> bool {
        !self.off_apps.contains(app_id) && !self.off_kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_is_off_for_the_apps_and_kinds_named() {
        let capture = Capture::default()
            .without_app("private.app")
            .without_kind(Kind::Network);
        assert!(capture.allows("shop", Kind::ApiCall));
        assert!(!capture.allows("shop", Kind::Network));
        assert!(!capture.allows("private.app", Kind::ApiCall));
        assert!(Capture::default().allows("private.app", Kind::Network));
    }
}
