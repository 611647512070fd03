//! What the host app allows: the permissions it grants, the origins it trusts, and what an
//! app's own Content-Security-Policy may relax.

use std::collections::HashMap;

use capsule_jsapi::{Permission, PermissionSet};

use crate::protocol::parse_origin;

/// The host's side of every permission decision.
///
/// An app's own pages may call an API when the app declares it *and* the host grants it, and
/// the host has not denied it; deny wins. Pages of other origins, which the app may navigate to
/// only when the host allows the origin, get no APIs unless the host grants some for that
/// origin (and the app declares them too).
///
/// An H5 app may bring its own Content-Security-Policy (the manifest's `csp`); the host caps
/// what it may relax with [`csp_cap`](Self::csp_cap), and apps beyond the cap do not open
/// ([`check_csp`](Self::check_csp)).
#[derive(Debug, Clone)]
pub struct HostPolicy {
    granted: PermissionSet,
    denied: PermissionSet,
    /// By origin in [`parse_origin`]'s form.
    origins: HashMap<String, PermissionSet>,
    /// Checked by [`HostPolicy::check_csp`] (in `csp.rs`).
    pub(crate) csp: CspCap,
}

impl Default for HostPolicy {
    /// Grants everything apps declare, denies nothing, trusts no other origin, and lets apps'
    /// own policies relax what [`CspCap::default`] allows.
    fn default() -> Self {
        Self {
            granted: PermissionSet::all(),
            denied: PermissionSet::default(),
            origins: HashMap::new(),
            csp: CspCap::default(),
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
    ///
    /// Origins compare as the URL standard serialises them: scheme and host are
    /// case-insensitive and a default port is the same as none, so `https://M.Example.com:443`
    /// is `https://m.example.com`; a trailing `/` is allowed. A string that is not an origin
    /// (`scheme://host[:port]`: a path, query, fragment or user, or not a URL at all) allows
    /// nothing: it is logged as a warning and left out, rather than widened to the origin of
    /// the URL it names.
    #[must_use]
    pub fn allow_origin(mut self, origin: impl Into<String>, apis: PermissionSet) -> Self {
        let origin = origin.into();
        match parse_origin(&origin) {
            Some(key) => {
                self.origins.insert(key, apis);
            }
            None => tracing::warn!(
                origin,
                "not an origin (scheme://host[:port]): it allows nothing"
            ),
        }
        self
    }

    /// Caps what an app's own Content-Security-Policy may relax (by default
    /// [`CspCap::default`]: `eval`, inline styles, hashes and nonces, not inline scripts).
    #[must_use]
    pub fn csp_cap(mut self, cap: CspCap) -> Self {
        self.csp = cap;
        self
    }

    /// Whether a page may navigate to `origin`, other than its app's own. `origin` compares
    /// as in [`allow_origin`](Self::allow_origin); a string that is not an origin is never
    /// allowed.
    pub fn allows_origin(&self, origin: &str) -> bool {
        parse_origin(origin).is_some_and(|key| self.origins.contains_key(&key))
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
        match (parse_origin(origin), parse_origin(app_origin)) {
            (Some(origin), Some(own)) if origin == own => self.granted.covers(api, permission),
            (Some(origin), _) => self
                .origins
                .get(&origin)
                .is_some_and(|set| set.covers(api, permission)),
            (None, _) => false,
        }
    }
}

/// What an app's own `csp` may relax, set with
/// [`HostPolicy::csp_cap`].
///
/// Whatever the cap, an app's policy may name no host but the app's own origin
/// (`capsule://<appId>`) and the domains its manifest declares (`permissions.domains`), no
/// `*` or whole scheme (`https:`) where that would reach other hosts, and no `'strict-dynamic'`
/// for scripts; and it must restrict every kind of load (a `default-src`, or a directive for
/// each), since a kind it leaves out is not restricted at all. So an app cannot widen where
/// its pages read from through its policy: that is what its declared domains say.
///
/// ```
/// use capsule_runtime::{CspCap, HostPolicy};
///
/// // A host that also lets apps it trusts run inline scripts.
/// let policy = HostPolicy::default().csp_cap(CspCap { inline_scripts: true, ..CspCap::default() });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CspCap {
    /// `'unsafe-eval'` and `'wasm-unsafe-eval'` for scripts: `eval`, `new Function`, string
    /// timers and compiling WebAssembly, which template engines compiling at run time need.
    /// Allowed by default.
    pub eval: bool,
    /// `'unsafe-inline'` for styles (`<style>` and `style` attributes). Allowed by default,
    /// as in the default policy.
    pub inline_styles: bool,
    /// Nonces, hashes and `'unsafe-hashes'`: the inline scripts and styles they name. Allowed
    /// by default. (A nonce in a manifest is the same for every load, so it is no secret: it
    /// only marks which inline scripts the author meant.)
    pub hashes_and_nonces: bool,
    /// `'unsafe-inline'` for scripts (in `script-src`, `script-src-elem`, `script-src-attr`,
    /// or `default-src` when it is their fallback) and scripts from URLs the page makes
    /// itself (`data:`, `blob:`, `filesystem:`): markup injected into a page could then run
    /// code. Refused by default.
    pub inline_scripts: bool,
}

impl Default for CspCap {
    /// `eval`, `inline_styles` and `hashes_and_nonces`; not `inline_scripts`.
    fn default() -> Self {
        Self {
            eval: true,
            inline_styles: true,
            hashes_and_nonces: true,
            inline_scripts: false,
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

    /// URL standard: scheme and host compare case-insensitively, a default port is no port;
    /// a different scheme or port is another origin.
    #[test]
    fn origins_compare_normalised() {
        let policy = HostPolicy::default()
            .allow_origin(
                "HTTPS://M.Example.com:443/",
                PermissionSet::from_names(["ui"]),
            )
            .allow_origin("http://[0:0::1]:8080", PermissionSet::default());
        for same in [
            "https://m.example.com",
            "https://M.EXAMPLE.COM",
            "https://m.example.com:443",
            "https://m.example.com/",
            "hTTps://m.example.com",
        ] {
            assert!(policy.allows_origin(same), "{same}");
        }
        for other in [
            "http://m.example.com",
            "https://m.example.com:8443",
            "https://example.com",
            "wss://m.example.com",
        ] {
            assert!(!policy.allows_origin(other), "{other}");
        }
        assert!(policy.allows_origin("http://[::1]:8080"));
        assert!(!policy.allows_origin("http://[::1]"));
        // A page's origin as the webview reports it may be spelled differently.
        let declared = PermissionSet::all();
        assert!(policy.permits(
            &declared,
            APP,
            "https://M.example.com:443",
            "alert",
            &Permission::UI
        ));
        assert!(policy.permits(
            &declared,
            "capsule://demo",
            "CAPSULE://Demo",
            "getClipboard",
            &Permission::CLIPBOARD
        ));
    }

    #[test]
    fn what_is_not_an_origin_allows_nothing() {
        let policy = HostPolicy::default()
            .allow_origin("https://m.example.com/app", PermissionSet::all())
            .allow_origin("https://user@n.example.com", PermissionSet::all())
            .allow_origin("m.example.com", PermissionSet::all())
            .allow_origin("not a url", PermissionSet::all())
            .allow_origin("", PermissionSet::all());
        for origin in [
            "https://m.example.com",
            "https://m.example.com/app",
            "https://n.example.com",
            "m.example.com",
            "not a url",
            "",
        ] {
            assert!(!policy.allows_origin(origin), "{origin}");
            assert!(
                !policy.permits(&PermissionSet::all(), APP, origin, "alert", &Permission::UI),
                "{origin}"
            );
        }
        // An app whose own origin is not one grants its pages nothing by matching it.
        assert!(!policy.permits(&PermissionSet::all(), "", "", "alert", &Permission::UI));
    }
}
