//! What the host app allows: the permissions it grants and the origins it trusts.

use std::collections::HashMap;

use capsule_jsapi::{Permission, PermissionSet};

/// The host's side of every permission decision.
///
/// An app's own pages may call an API when the app declares it *and* the host grants it, and
/// the host has not denied it; deny wins. Pages of other origins, which the app may navigate to
/// only when the host allows the origin, get no APIs unless the host grants some for that
/// origin (and the app declares them too).
#[derive(Debug, Clone)]
pub struct HostPolicy {
    granted: PermissionSet,
    denied: PermissionSet,
    origins: HashMap<String, PermissionSet>,
}

impl Default for HostPolicy {
    /// Grants everything apps declare, denies nothing, trusts no other origin.
    fn default() -> Self {
        Self {
            granted: PermissionSet::all(),
            denied: PermissionSet::default(),
            origins: HashMap::new(),
        }
    }
}

impl HostPolicy {
    /// Grants only `granted` (group or API names; `*` for all).
    #[must_use]
    pub fn granting(mut self, granted: PermissionSet) -> Self {
        self.granted = granted;
        self
    }

    /// Denies an API or group outright, whatever apps declare.
    #[must_use]
    pub fn deny(mut self, name: impl Into<String>) -> Self {
        self.denied.insert(name);
        self
    }

    /// Lets app pages navigate to `origin` (e.g. `https://m.example.com`) and lets pages of
    /// that origin call the APIs in `apis`.
    #[must_use]
    pub fn allow_origin(mut self, origin: impl Into<String>, apis: PermissionSet) -> Self {
        self.origins.insert(origin.into(), apis);
        self
    }

    /// Whether a page may navigate to `origin`, other than its app's own.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins.contains_key(origin)
    }

    /// Whether `origin`, a page of an app declaring `declared` with own origin `app_origin`,
    /// may call `api`.
    pub(crate) fn permits(
        &self,
        declared: &PermissionSet,
        app_origin: &str,
        origin: &str,
        api: &str,
        permission: &Permission,
    ) -> bool {
        if self.denied.names_explicitly(api, permission) || !declared.covers(api, permission) {
            return false;
        }
        if origin == app_origin {
            self.granted.covers(api, permission)
        } else {
            self.origins
                .get(origin)
                .is_some_and(|set| set.covers(api, permission))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "capsule://demo";

    #[test]
    fn declared_and_granted_and_not_denied() {
        let declared = PermissionSet::from_names(["ui", "clipboard"]);
        let policy = HostPolicy::default().deny("setClipboard");
        let permits =
            |origin, api, permission| policy.permits(&declared, APP, origin, api, permission);
        assert!(permits(APP, "showToast", &Permission::UI));
        assert!(permits(APP, "getClipboard", &Permission::CLIPBOARD));
        assert!(
            !permits(APP, "setClipboard", &Permission::CLIPBOARD),
            "host denies"
        );
        assert!(
            !permits(APP, "getSystemInfo", &Permission::SYSTEM),
            "app did not declare"
        );
        assert!(
            !permits("https://evil.test", "showToast", &Permission::UI),
            "foreign origin"
        );
    }

    #[test]
    fn host_grants_bound_what_apps_get() {
        let declared = PermissionSet::all();
        let policy = HostPolicy::default()
            .granting(PermissionSet::from_names(["ui"]))
            .allow_origin(
                "https://m.example.com",
                PermissionSet::from_names(["getSystemInfo"]),
            );
        assert!(policy.permits(&declared, APP, APP, "alert", &Permission::UI));
        assert!(!policy.permits(&declared, APP, APP, "getClipboard", &Permission::CLIPBOARD));
        let foreign = "https://m.example.com";
        assert!(policy.permits(
            &declared,
            APP,
            foreign,
            "getSystemInfo",
            &Permission::SYSTEM
        ));
        assert!(!policy.permits(&declared, APP, foreign, "alert", &Permission::UI));
        assert!(policy.allows_origin(foreign));
        assert!(!policy.allows_origin("https://other.example.com"));
    }
}
