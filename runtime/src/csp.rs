//! The check of an app's own Content-Security-Policy (the manifest's `csp`) against the
//! host's cap ([`CspCap`]), before its pages open.
//!
//! It adds [`HostPolicy::check_csp`] to the policy, which does not import this file (the
//! error type imports the render hosts, which import the policy).

use capsule_packages::csp::{Directive, HostSource, Keyword, Source};
use capsule_packages::{AppKind, ContentSecurityPolicy, SCHEME};

use crate::protocol::{origin_of, parse_origin};
use crate::{App, CspCap, Error, HostPolicy, Result};

impl HostPolicy {
    /// Checks `app`'s own Content-Security-Policy against the cap
    /// ([`csp_cap`](Self::csp_cap)): fails with [`Error::Csp`], naming the app, the directive
    /// and the source, when the policy relaxes more than the cap allows, names a host the app
    /// does not declare, leaves a kind of load unrestricted, or belongs to a mini-program. An
    /// app without `csp` passes. [`Container::open`](crate::Container::open) checks this
    /// before a page opens; a host may check earlier (before it opens a window).
    pub fn check_csp(&self, app: &App) -> Result<()> {
        check(&self.csp, app)
    }
}

/// Schemes whose URLs the page makes itself or reads from the device, never the network.
const LOCAL_SCHEMES: [&str; 4] = ["data", "blob", "filesystem", "mediastream"];

/// Schemes a declared `*` opens (`permissions.domains: ["*"]`: HTTP and HTTPS anywhere).
const NETWORK_SCHEMES: [&str; 4] = ["http", "https", "ws", "wss"];

/// Each kind of load CSP Level 3 restricts (its effective directives), the directives that
/// decide it in order (§6.8.3 "Get the fallback list"), and what it loads.
const FETCHES: [(&[&str], &str); 12] = [
    (&["script-src-elem", "script-src", "default-src"], "scripts"),
    (
        &["script-src-attr", "script-src", "default-src"],
        "event handler attributes",
    ),
    (
        &["worker-src", "child-src", "script-src", "default-src"],
        "workers",
    ),
    (&["style-src-elem", "style-src", "default-src"], "styles"),
    (
        &["style-src-attr", "style-src", "default-src"],
        "style attributes",
    ),
    (
        &["connect-src", "default-src"],
        "connections (fetch, XMLHttpRequest, WebSocket)",
    ),
    (&["img-src", "default-src"], "images"),
    (&["font-src", "default-src"], "fonts"),
    (&["media-src", "default-src"], "audio and video"),
    (
        &["object-src", "default-src"],
        "plugins and embedded objects",
    ),
    (&["frame-src", "child-src", "default-src"], "frames"),
    (&["manifest-src", "default-src"], "web app manifests"),
];

/// Checks `app`'s own policy against `cap`; an app without `csp` passes.
pub(crate) fn check(cap: &CspCap, app: &App) -> Result<()> {
    let manifest = app.manifest();
    let Some(text) = &manifest.csp else {
        return Ok(());
    };
    let refuse = |message: String| Error::Csp(format!("app {}: {message}", app.id()));
    if manifest.kind != AppKind::H5 {
        return Err(refuse(
            "csp is for H5 apps: a mini-program's pages are the container's page host, under \
             the container's own policy"
                .into(),
        ));
    }
    let policy = ContentSecurityPolicy::parse(text).map_err(|error| refuse(error.to_string()))?;
    let reach = Reach::of(app);
    let roles = Roles::of(&policy);
    for directive in policy.directives() {
        let name = directive.name();
        match directive.sources() {
            Some(sources) => {
                for (source, written) in sources.iter().zip(directive.values()) {
                    let refusal = refusal(cap, &reach, &roles, directive, source);
                    if let Some(why) = refusal {
                        return Err(refuse(format!("its csp allows {written} in {name}: {why}")));
                    }
                }
            }
            None if name == "report-uri" => {
                for uri in directive.values() {
                    // A relative URL is the app's own origin.
                    let foreign = origin_of(uri).filter(|origin| !reach.allows_origin(origin));
                    if let Some(origin) = foreign {
                        return Err(refuse(format!(
                            "its csp sends reports to {uri} in report-uri: {origin} {}",
                            reach.not_declared()
                        )));
                    }
                }
            }
            None => {}
        }
    }
    for (fallbacks, what) in FETCHES {
        if fallbacks
            .iter()
            .all(|name| policy.directive(name).is_none())
        {
            let (last, others) = fallbacks.split_last().unwrap_or((&"default-src", &[]));
            return Err(refuse(format!(
                "its csp has none of {} or {last}, so {what} are not restricted at all; add \
                 default-src 'self'",
                others.join(", ")
            )));
        }
    }
    Ok(())
}

/// Why `source` of `directive` goes beyond `cap`, if it does.
fn refusal(
    cap: &CspCap,
    reach: &Reach,
    roles: &Roles,
    directive: &Directive,
    source: &Source,
) -> Option<String> {
    let name = directive.name();
    let script = roles.scripts.contains(&name);
    let inline_script = script && !matches!(name, "worker-src" | "child-src");
    let style = roles.styles.contains(&name);
    let sources = directive.sources().unwrap_or_default();
    let how = |field: &str| {
        format!(
            "a host that trusts the app allows it with \
             HostPolicy::csp_cap(CspCap {{ {field}: true, ..CspCap::default() }})"
        )
    };
    match source {
        Source::Keyword(Keyword::UnsafeEval | Keyword::WasmUnsafeEval) if script && !cap.eval => {
            Some(format!(
                "the page could run strings as code (eval, new Function); {}",
                how("eval")
            ))
        }
        Source::Keyword(Keyword::UnsafeInline)
            if inline_script && !cap.inline_scripts && allows_all_inline(sources, true) =>
        {
            Some(format!(
                "inline scripts and event handler attributes would run, so markup injected into \
                 a page could run code; {}",
                how("inline_scripts")
            ))
        }
        Source::Keyword(Keyword::UnsafeInline)
            if style && !cap.inline_styles && allows_all_inline(sources, false) =>
        {
            Some(format!(
                "inline styles would apply; {}",
                how("inline_styles")
            ))
        }
        Source::Nonce(_) | Source::Hash { .. } | Source::Keyword(Keyword::UnsafeHashes)
            if (script || style) && !cap.hashes_and_nonces =>
        {
            Some(format!(
                "the inline code it names would run; {}",
                how("hashes_and_nonces")
            ))
        }
        Source::Keyword(Keyword::StrictDynamic) if script => Some(
            "scripts it trusts could load scripts from any host, and an app's scripts come \
             from its package ('self') or the domains its manifest declares"
                .into(),
        ),
        Source::Scheme(scheme) if script && LOCAL_SCHEMES.contains(&scheme.as_str()) => {
            (!cap.inline_scripts).then(|| {
                format!(
                    "the page could run scripts it builds itself, as with inline scripts; {}",
                    how("inline_scripts")
                )
            })
        }
        Source::Scheme(scheme) if script => Some(format!(
            "every {scheme}: URL would be a script source, and an app's scripts come from its \
             package ('self') or the domains its manifest declares"
        )),
        Source::Scheme(scheme)
            if LOCAL_SCHEMES.contains(&scheme.as_str())
                || (reach.anywhere && NETWORK_SCHEMES.contains(&scheme.as_str())) =>
        {
            None
        }
        Source::Scheme(scheme) => Some(format!(
            "it matches every {scheme}: host, and {}",
            reach.reads_only()
        )),
        Source::Host(host) if script && host.host == "*" => Some(
            "every host would be a script source, and an app's scripts come from its package \
             ('self') or the domains its manifest declares"
                .into(),
        ),
        Source::Host(host) => reach.allows_host(host).err(),
        _ => None,
    }
}

/// CSP Level 3 §6.7.3.3 "Does a source list allow all inline behavior for type?": a list
/// with `'unsafe-inline'` does, unless it also has a nonce or a hash, or (for scripts)
/// `'strict-dynamic'`: then `'unsafe-inline'` is ignored.
fn allows_all_inline(sources: &[Source], scripts: bool) -> bool {
    let ignored = sources.iter().any(|source| match source {
        Source::Nonce(_) | Source::Hash { .. } => true,
        Source::Keyword(Keyword::StrictDynamic) => scripts,
        _ => false,
    });
    !ignored && sources.contains(&Source::Keyword(Keyword::UnsafeInline))
}

/// Which directives of a policy decide scripts and styles.
struct Roles {
    /// Directives that decide scripts: `script-src`, `script-src-elem`, `script-src-attr`,
    /// `worker-src`; `child-src` when `worker-src` is missing (it comes first in a worker's
    /// fallbacks); `default-src` when `script-src` is missing (the fallback of the others,
    /// and of every script in an engine without `-elem`/`-attr`).
    scripts: Vec<&'static str>,
    /// `style-src`, `style-src-elem`, `style-src-attr`, and `default-src` when `style-src`
    /// is missing.
    styles: Vec<&'static str>,
}

impl Roles {
    fn of(policy: &ContentSecurityPolicy) -> Self {
        let has = |name| policy.directive(name).is_some();
        let mut scripts = vec![
            "script-src",
            "script-src-elem",
            "script-src-attr",
            "worker-src",
        ];
        if !has("worker-src") {
            scripts.push("child-src");
        }
        if !has("script-src") {
            scripts.push("default-src");
        }
        let mut styles = vec!["style-src", "style-src-elem", "style-src-attr"];
        if !has("style-src") {
            styles.push("default-src");
        }
        Self { scripts, styles }
    }
}

/// Where an app may read from: its own origin and the domains its manifest declares.
struct Reach {
    /// `capsule://<appId>`.
    own: String,
    /// The declared domains as origins (a domain without a scheme is HTTPS, as the network
    /// APIs read it).
    declared: Vec<String>,
    /// Whether the app declares `*`: HTTP and HTTPS anywhere.
    anywhere: bool,
}

impl Reach {
    fn of(app: &App) -> Self {
        let domains = &app.manifest().permissions.domains;
        let declared = domains
            .iter()
            .filter_map(|domain| {
                if domain.contains("://") {
                    parse_origin(domain)
                } else {
                    parse_origin(&format!("https://{domain}"))
                }
            })
            .collect();
        Self {
            own: parse_origin(&app.origin()).unwrap_or_else(|| app.origin()),
            declared,
            anywhere: domains.iter().any(|domain| domain == "*"),
        }
    }

    /// Whether `origin` (normalised) is the app's own or declared.
    fn allows_origin(&self, origin: &str) -> bool {
        origin == self.own || self.declared.iter().any(|declared| declared == origin)
    }

    /// Whether a host source stays within the app's reach; else why not.
    fn allows_host(&self, source: &HostSource) -> std::result::Result<(), String> {
        let network = source
            .scheme
            .as_deref()
            .is_none_or(|scheme| NETWORK_SCHEMES.contains(&scheme));
        if self.anywhere && network {
            return Ok(());
        }
        let written = |source: &HostSource| {
            let port = source
                .port
                .as_deref()
                .map(|port| format!(":{port}"))
                .unwrap_or_default();
            format!("{}{port}", source.host)
        };
        if source.host == "*"
            || source.host.starts_with("*.")
            || source.port.as_deref() == Some("*")
        {
            return Err(format!(
                "{} matches many hosts, and {}",
                written(source),
                self.reads_only()
            ));
        }
        // Without a scheme a host source means the page's own scheme: capsule://host.
        let scheme = source.scheme.as_deref().unwrap_or(SCHEME);
        let origin = parse_origin(&format!("{scheme}://{}", written(source)));
        match origin {
            Some(origin) if self.allows_origin(&origin) => Ok(()),
            Some(origin) if source.scheme.is_none() => Err(format!(
                "without a scheme it means {origin} (another app's origin), not an https:// \
                 host; write the scheme, and {}",
                self.reads_only()
            )),
            Some(origin) => Err(format!("{origin} {}", self.not_declared())),
            None => Err(format!("it is not a host, and {}", self.reads_only())),
        }
    }

    fn not_declared(&self) -> String {
        format!(
            "is neither the app's own origin ({}) nor a domain its manifest declares; an app \
             reaches a host by declaring it in permissions.domains",
            self.own
        )
    }

    fn reads_only(&self) -> String {
        format!(
            "an app reads only from its own origin ({}) and the domains its manifest declares \
             (permissions.domains)",
            self.own
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use capsule_packages::Manifest;

    use super::*;
    use crate::DirFiles;

    /// An H5 app `demo` declaring `https://api.example.com` (and `domains` more), with `csp`.
    fn app_with(csp: &str, domains: &[&str]) -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut declared = vec!["https://api.example.com"];
        declared.extend_from_slice(domains);
        let manifest = serde_json::json!({
            "appId": "demo", "name": "Demo", "version": "1.0.0", "kind": "h5",
            "entry": "index.html", "permissions": {"domains": declared}, "csp": csp,
        });
        let manifest = Manifest::from_json(manifest.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{csp}: {e}"));
        let app = App::new(manifest, Arc::new(DirFiles::new(dir.path()).expect("dir")));
        (dir, app)
    }

    fn check_with(cap: CspCap, csp: &str, domains: &[&str]) -> std::result::Result<(), String> {
        let (_dir, app) = app_with(csp, domains);
        check(&cap, &app).map_err(|error| match error {
            Error::Csp(message) => message,
            other => panic!("{csp}: not a csp error: {other}"),
        })
    }

    fn allowed(csp: &str) {
        if let Err(message) = check_with(CspCap::default(), csp, &[]) {
            panic!("{csp}: refused: {message}");
        }
    }

    fn refused(csp: &str) -> String {
        match check_with(CspCap::default(), csp, &[]) {
            Ok(()) => panic!("{csp}: allowed"),
            Err(message) => message,
        }
    }

    #[test]
    fn the_default_cap_allows_eval_inline_styles_hashes_and_nonces() {
        for csp in [
            "default-src 'self'; script-src 'self' 'unsafe-eval'",
            "default-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
            "default-src 'self'; style-src 'self' 'unsafe-inline'",
            "default-src 'self'; script-src 'self' 'sha256-q83vEjRWeJA=' 'unsafe-hashes'",
            "default-src 'self'; script-src 'nonce-r4nd0m'; style-src 'nonce-r4nd0m'",
            "default-src 'none'",
            "default-src 'self'; img-src 'self' data: blob:; media-src mediastream: blob:",
            "default-src capsule://demo https://api.example.com/v1/ https://API.example.com:443",
            "default-src 'self'; script-src-elem 'self'; script-src-attr 'none'; worker-src 'self'",
            "default-src 'self'; report-uri /csp https://api.example.com/reports",
            "default-src 'self'; sandbox allow-scripts; webrtc 'block'; frame-ancestors 'none'",
            // The app's own origin without a scheme: a host source takes the page's scheme.
            "default-src demo",
        ] {
            allowed(csp);
        }
    }

    /// §6.7.3.3: with a nonce, a hash or (for scripts) 'strict-dynamic' in the list,
    /// 'unsafe-inline' is ignored; so it relaxes nothing there.
    #[test]
    fn unsafe_inline_beside_a_nonce_or_hash_is_ignored() {
        allowed("default-src 'self'; script-src 'self' 'unsafe-inline' 'nonce-abc'");
        allowed("default-src 'self'; script-src 'self' 'unsafe-inline' 'sha384-abc'");
        // The style rule on its own: a hash ignores it there too.
        let no_styles = CspCap {
            inline_styles: false,
            ..CspCap::default()
        };
        assert!(
            check_with(
                no_styles,
                "default-src 'self'; style-src 'unsafe-inline' 'sha256-abc'",
                &[]
            )
            .is_ok()
        );
    }

    #[test]
    fn inline_scripts_are_refused_in_every_script_directive() {
        for (csp, directive) in [
            (
                "default-src 'self'; script-src 'self' 'unsafe-inline'",
                "script-src",
            ),
            (
                "default-src 'self'; script-src-elem 'unsafe-inline'",
                "script-src-elem",
            ),
            (
                "default-src 'self'; script-src-attr 'unsafe-inline'",
                "script-src-attr",
            ),
            // default-src decides scripts when script-src is missing.
            ("default-src 'self' 'unsafe-inline'", "default-src"),
            (
                "default-src 'self' 'unsafe-inline'; script-src-elem 'self'; script-src-attr 'self'",
                "default-src",
            ),
        ] {
            let message = refused(csp);
            assert!(
                message.starts_with(&format!(
                    "app demo: its csp allows 'unsafe-inline' in {directive}: inline scripts"
                )),
                "{csp}: {message}"
            );
            assert!(
                message.contains(
                    "HostPolicy::csp_cap(CspCap { inline_scripts: true, ..CspCap::default() })"
                ),
                "{message}"
            );
            assert!(check_with(inline_scripts(), csp, &[]).is_ok(), "{csp}");
        }
        // With script-src given, default-src decides no script: its 'unsafe-inline' is for
        // styles and the rest.
        allowed("default-src 'self' 'unsafe-inline'; script-src 'self'");
    }

    fn inline_scripts() -> CspCap {
        CspCap {
            inline_scripts: true,
            ..CspCap::default()
        }
    }

    #[test]
    fn scripts_from_page_made_urls_need_inline_scripts() {
        for (csp, source, directive) in [
            (
                "default-src 'self'; script-src 'self' data:",
                "data:",
                "script-src",
            ),
            ("default-src 'self' blob:", "blob:", "default-src"),
            (
                "default-src 'self'; worker-src blob:",
                "blob:",
                "worker-src",
            ),
            ("default-src 'self'; child-src blob:", "blob:", "child-src"),
            (
                "default-src 'self'; script-src-elem filesystem:",
                "filesystem:",
                "script-src-elem",
            ),
        ] {
            let message = refused(csp);
            assert!(
                message.starts_with(&format!(
                    "app demo: its csp allows {source} in {directive}: the page could run \
                     scripts it builds itself"
                )),
                "{csp}: {message}"
            );
            assert!(check_with(inline_scripts(), csp, &[]).is_ok(), "{csp}");
        }
        // child-src decides no script when worker-src is given; default-src none when
        // script-src is.
        allowed("default-src 'self'; worker-src 'self'; child-src blob:");
        allowed("default-src 'self' blob: data:; script-src 'self'");
    }

    #[test]
    fn any_host_or_whole_scheme_is_never_a_script_source() {
        for (csp, source) in [
            ("default-src 'self'; script-src *", "*"),
            ("default-src 'self'; script-src https:", "https:"),
            ("default-src 'self'; script-src-elem http:", "http:"),
            ("default-src * 'self'", "*"),
            (
                "default-src 'self'; script-src 'nonce-abc' 'strict-dynamic'",
                "'strict-dynamic'",
            ),
        ] {
            for (cap, domains) in [(CspCap::default(), &[][..]), (inline_scripts(), &["*"][..])] {
                let message = check_with(cap, csp, domains).expect_err(csp);
                assert!(
                    message.starts_with(&format!("app demo: its csp allows {source} in ")),
                    "{csp}: {message}"
                );
            }
        }
    }

    #[test]
    fn hosts_are_the_apps_own_origin_or_declared_domains() {
        for (csp, source, directive) in [
            (
                "default-src 'self'; img-src https://cdn.example.com",
                "https://cdn.example.com",
                "img-src",
            ),
            (
                "default-src 'self' https://evil.example",
                "https://evil.example",
                "default-src",
            ),
            (
                "default-src 'self'; connect-src http://api.example.com",
                "http://api.example.com",
                "connect-src",
            ),
            (
                "default-src 'self'; connect-src https://api.example.com:8443",
                "https://api.example.com:8443",
                "connect-src",
            ),
            (
                "default-src 'self'; connect-src wss://api.example.com",
                "wss://api.example.com",
                "connect-src",
            ),
            (
                "default-src 'self'; form-action https://forms.example",
                "https://forms.example",
                "form-action",
            ),
            (
                "default-src 'self'; frame-ancestors https://host.example",
                "https://host.example",
                "frame-ancestors",
            ),
            (
                "default-src 'self'; script-src 'self' https://cdn.example.com",
                "https://cdn.example.com",
                "script-src",
            ),
            (
                "default-src 'self'; frame-src capsule://other",
                "capsule://other",
                "frame-src",
            ),
        ] {
            let message = refused(csp);
            let origin = source;
            assert_eq!(
                message,
                format!(
                    "app demo: its csp allows {source} in {directive}: {origin} is neither the \
                     app's own origin (capsule://demo) nor a domain its manifest declares; an \
                     app reaches a host by declaring it in permissions.domains"
                ),
                "{csp}"
            );
        }
        // Declared, the same sources pass (and a declared domain without a scheme is HTTPS).
        assert!(
            check_with(
                CspCap::default(),
                "default-src 'self'; img-src https://cdn.example.com; script-src 'self' https://cdn.example.com",
                &["cdn.example.com"]
            )
            .is_ok()
        );
        let message = refused("default-src 'self'; connect-src api.example.com");
        assert!(
            message.contains("without a scheme it means capsule://api.example.com"),
            "{message}"
        );
        let message = refused("default-src 'self'; report-uri https://reports.example/csp");
        assert!(
            message.starts_with(
                "app demo: its csp sends reports to https://reports.example/csp in report-uri: \
                 https://reports.example is neither"
            ),
            "{message}"
        );
    }

    #[test]
    fn wildcards_and_whole_schemes_reach_every_host() {
        for (csp, source) in [
            ("default-src 'self'; img-src *", "*"),
            ("default-src 'self'; img-src https:", "https:"),
            ("default-src 'self'; connect-src wss:", "wss:"),
            ("default-src 'self'; img-src capsule:", "capsule:"),
            ("default-src 'self'; img-src *.example.com", "*.example.com"),
            (
                "default-src 'self'; connect-src https://api.example.com:*",
                "https://api.example.com:*",
            ),
        ] {
            let message = refused(csp);
            assert!(
                message.starts_with(&format!("app demo: its csp allows {source} in ")),
                "{csp}: {message}"
            );
            assert!(
                message.contains("an app reads only from its own origin (capsule://demo) and the domains its manifest declares"),
                "{csp}: {message}"
            );
        }
        // An app declaring `*` reaches every HTTP(S) host already; outside scripts its policy
        // may say so.
        for csp in [
            "default-src 'self'; img-src *",
            "default-src 'self'; connect-src https: wss:",
            "default-src 'self'; img-src https://*.example.com",
        ] {
            assert!(check_with(CspCap::default(), csp, &["*"]).is_ok(), "{csp}");
        }
    }

    #[test]
    fn the_host_may_refuse_eval_inline_styles_and_hashes() {
        let none = CspCap {
            eval: false,
            inline_styles: false,
            hashes_and_nonces: false,
            inline_scripts: false,
        };
        for (csp, source, directive, field) in [
            (
                "default-src 'self'; script-src 'self' 'unsafe-eval'",
                "'unsafe-eval'",
                "script-src",
                "eval",
            ),
            (
                "default-src 'self' 'wasm-unsafe-eval'",
                "'wasm-unsafe-eval'",
                "default-src",
                "eval",
            ),
            (
                "default-src 'self'; style-src 'unsafe-inline'",
                "'unsafe-inline'",
                "style-src",
                "inline_styles",
            ),
            (
                "default-src 'self' 'unsafe-inline'; script-src 'self'",
                "'unsafe-inline'",
                "default-src",
                "inline_styles",
            ),
            (
                "default-src 'self'; script-src 'nonce-abc'",
                "'nonce-abc'",
                "script-src",
                "hashes_and_nonces",
            ),
            (
                "default-src 'self'; style-src-attr 'unsafe-hashes' 'sha256-abc'",
                "'unsafe-hashes'",
                "style-src-attr",
                "hashes_and_nonces",
            ),
        ] {
            let message = check_with(none, csp, &[]).expect_err(csp);
            assert!(
                message.starts_with(&format!(
                    "app demo: its csp allows {source} in {directive}: "
                )),
                "{csp}: {message}"
            );
            assert!(
                message.ends_with(&format!(
                    "HostPolicy::csp_cap(CspCap {{ {field}: true, ..CspCap::default() }})"
                )),
                "{csp}: {message}"
            );
            allowed(csp);
        }
        // Where they decide neither scripts nor styles they relax nothing.
        assert!(check_with(none, "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' 'unsafe-eval'", &[]).is_ok());
    }

    /// A kind of load no directive decides is not restricted at all (§6.8.3: its fallback
    /// list ends in default-src).
    #[test]
    fn every_kind_of_load_must_be_restricted() {
        let message = refused("script-src 'self'");
        assert_eq!(
            message,
            "app demo: its csp has none of style-src-elem, style-src or default-src, so styles \
             are not restricted at all; add default-src 'self'"
        );
        let message = refused("img-src 'self'");
        assert!(
            message.starts_with(
                "app demo: its csp has none of script-src-elem, script-src or default-src, so \
                 scripts are not restricted at all"
            ),
            "{message}"
        );
        let message = refused(
            "script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self'; \
             font-src 'self'; media-src 'self'; object-src 'none'; frame-src 'none'; \
             manifest-src 'self'",
        );
        assert!(
            message.contains("none of connect-src or default-src, so connections"),
            "{message}"
        );
        allowed(
            "script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self'; \
             font-src 'self'; media-src 'self'; object-src 'none'; frame-src 'none'; \
             manifest-src 'self'; connect-src 'self'",
        );
        // child-src covers workers and frames.
        allowed(
            "script-src 'self'; child-src 'self'; style-src 'self'; img-src 'self'; \
             font-src 'self'; media-src 'self'; object-src 'none'; manifest-src 'self'; \
             connect-src 'self'",
        );
    }

    #[test]
    fn an_app_without_csp_passes_and_a_mini_program_with_one_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let h5 = Manifest::from_json(
            br#"{"appId":"plain","name":"P","version":"1.0.0","kind":"h5","entry":"index.html"}"#,
        )
        .expect("manifest");
        let files = Arc::new(DirFiles::new(dir.path()).expect("dir"));
        assert!(check(&CspCap::default(), &App::new(h5, files.clone())).is_ok());
        // Built in code, a manifest skips `from_json`'s checks.
        let mut mini = Manifest::from_json(
            br#"{"appId":"mp","name":"M","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
        )
        .expect("manifest");
        mini.csp = Some("default-src 'self'".into());
        let error = check(&CspCap::default(), &App::new(mini, files.clone())).expect_err("refused");
        assert!(
            error.to_string().starts_with("app mp: csp is for H5 apps"),
            "{error}"
        );
        let mut broken = Manifest::from_json(
            br#"{"appId":"broken","name":"B","version":"1.0.0","kind":"h5","entry":"index.html"}"#,
        )
        .expect("manifest");
        broken.csp = Some("scirpt-src 'self'".into());
        let error = check(&CspCap::default(), &App::new(broken, files)).expect_err("refused");
        assert!(
            error
                .to_string()
                .starts_with("app broken: invalid manifest.json: csp: scirpt-src"),
            "{error}"
        );
    }
}
