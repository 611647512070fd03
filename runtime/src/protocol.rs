//! The `capsule://<appId>/<path>` protocol: how a webview reads an app's files.

use std::borrow::Cow;
use std::io;

use capsule_packages::csp::{Keyword, Source};
use capsule_packages::{AppKind, ContentSecurityPolicy, RelativePath};
use percent_encoding::percent_decode_str;
use url::Url;
use wry::http::{Response, StatusCode, header};

use crate::App;

pub use capsule_packages::SCHEME;

/// Where a mini-program's window document is served (`capsule://<appId>/__capsule__/page.html`):
/// an empty document the page host script renders pages into. Packages cannot contain it:
/// the path is answered before any file lookup.
pub(crate) const PAGE_HOST_PATH: &str = "__capsule__/page.html";

/// The folder of a mini-program's origin the container keeps for itself: nothing under it is
/// read from the package.
pub(crate) const RESERVED_DIR: &str = "__capsule__/";

/// The page host document: everything in it is drawn by the injected page host script.
const PAGE_HOST_DOCUMENT: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"></head><body></body></html>";

/// Answers one request of a page of `app` for `uri`.
///
/// Only `GET`/`HEAD` for the app's own host are served; everything that is not a plain
/// relative path inside the app (`..` in any spelling, absolute paths, backslashes, control
/// characters) is answered 404, exactly like a missing file, so probing learns nothing.
pub fn serve(app: &App, method: &str, uri: &str) -> Response<Cow<'static, [u8]>> {
    if method != "GET" && method != "HEAD" {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served",
        );
    }
    let Some(path) = request_path(app, uri) else {
        tracing::debug!(app = app.id(), uri, "refused request path");
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    let mini_program = app.manifest().kind == AppKind::MiniProgram;
    let file = if path.as_str() == PAGE_HOST_PATH && mini_program {
        Ok(PAGE_HOST_DOCUMENT.as_bytes().to_vec())
    } else if mini_program && path.as_str().starts_with(RESERVED_DIR) {
        // Reserved for the container: asset paths that leave the package point here
        // (`view`'s unresolved form), and must never name a file.
        Err(io::ErrorKind::NotFound.into())
    } else {
        app.read(&path)
    };
    match file {
        Ok(body) => {
            let body = if method == "HEAD" { Vec::new() } else { body };
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, content_type(&path))
                .header(
                    header::CONTENT_SECURITY_POLICY,
                    content_security_policy(app),
                )
                .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
                .header(header::CACHE_CONTROL, "no-cache")
                .body(Cow::Owned(body))
                .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad response"))
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            plain(StatusCode::NOT_FOUND, "not found")
        }
        Err(error) => {
            tracing::warn!(app = app.id(), %path, %error, "refused to serve file");
            plain(StatusCode::FORBIDDEN, "file refused")
        }
    }
}

/// The package path a URL names, if it names one of `app`'s files. The empty path is the
/// app's entry page.
fn request_path(app: &App, uri: &str) -> Option<RelativePath> {
    let rest = uri.strip_prefix(SCHEME)?.strip_prefix("://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host != app.id() {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() {
        return Some(app.manifest().entry.clone());
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    RelativePath::new(&decoded).ok()
}

/// The `Content-Type` of a file, with a charset for text. Every JavaScript extension gets
/// `text/javascript`, the one type RFC 9239 keeps (module scripts require a JS type).
fn content_type(path: &RelativePath) -> String {
    let mime = match path.extension() {
        Some("js" | "mjs" | "cjs") => mime_guess::mime::TEXT_JAVASCRIPT,
        Some(ext) => mime_guess::from_ext(ext)
            .first()
            .unwrap_or(mime_guess::mime::APPLICATION_OCTET_STREAM),
        None => mime_guess::mime::APPLICATION_OCTET_STREAM,
    };
    let textual = mime.type_() == "text"
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "svg"
        );
    if textual && mime.get_param("charset").is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// The Content-Security-Policy every page of `app` runs under.
///
/// An H5 app whose manifest has a `csp` gets that policy, with the app's origin
/// (`capsule://<appId>`) added next to each `'self'`: WebKit does not reliably match `'self'`
/// for a custom scheme. (Whether the policy goes beyond what the host allows is checked when
/// the app opens: [`HostPolicy::check_csp`](crate::HostPolicy::check_csp).)
///
/// Any other app gets the default: scripts only from the package (no inline scripts, no
/// `eval`), inline styles, images, fonts and media from the package and `data:`/`blob:`, no
/// plugins, no framing, and network reads only to the app's own origin and the domains its
/// manifest declares. A mini-program's pages may also frame (its `<web-view>`) the package
/// and the domains it declares, and its package pages may be framed by its own page.
pub fn content_security_policy(app: &App) -> String {
    let own = app.origin();
    let manifest = app.manifest();
    if let (Some(text), AppKind::H5) = (&manifest.csp, manifest.kind) {
        match ContentSecurityPolicy::parse(text) {
            Ok(policy) => return with_own_origin(&policy, &own),
            // Only a manifest built in code gets here (`from_json` checks the policy).
            Err(error) => tracing::warn!(
                app = app.id(),
                %error,
                "the app's csp does not parse; its pages get the default policy"
            ),
        }
    }
    let mut connect = format!("'self' {own}");
    for domain in &manifest.permissions.domains {
        connect.push(' ');
        connect.push_str(domain);
    }
    let framing = if manifest.kind == AppKind::MiniProgram {
        format!("frame-src {connect}; frame-ancestors 'self' {own}")
    } else {
        "frame-ancestors 'none'".to_owned()
    };
    format!(
        "default-src 'self' {own}; script-src 'self' {own}; \
         style-src 'self' {own} 'unsafe-inline'; img-src 'self' {own} data: blob:; \
         font-src 'self' {own} data:; media-src 'self' {own} blob:; connect-src {connect}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; {framing}"
    )
}

/// `policy` serialized, `own` added after each `'self'` of a source list that does not name
/// it already.
fn with_own_origin(policy: &ContentSecurityPolicy, own: &str) -> String {
    let mut directives = Vec::with_capacity(policy.directives().len());
    for directive in policy.directives() {
        let mut words = vec![directive.name()];
        let sources = directive.sources().unwrap_or_default();
        let names_own = directive
            .values()
            .iter()
            .any(|value| value.eq_ignore_ascii_case(own));
        for (index, value) in directive.values().iter().enumerate() {
            words.push(value);
            if sources.get(index) == Some(&Source::Keyword(Keyword::SelfOrigin)) && !names_own {
                words.push(own);
            }
        }
        directives.push(words.join(" "));
    }
    directives.join("; ")
}

/// The origin of a URL, if it has one, as origins are compared: `scheme://host[:port]` with
/// the scheme and host lowercased (an IDN host in its ASCII form, an IPv6 host in brackets),
/// the scheme's default port left out, no user, path, query or fragment.
///
/// `http`, `https`, `ws`, `wss`, `ftp` and `blob:` URLs get their origin as the URL standard
/// defines it. The standard gives other schemes an opaque origin, equal to nothing; a URL of
/// another scheme with a host (`capsule://<appId>/…`) gets `scheme://host[:port]` here, built
/// the same way, so an app's pages share their app's origin. URLs without a host (`file:`,
/// `data:`, `about:blank`, `javascript:`) and strings that are not URLs have none.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    origin_key(&Url::parse(url).ok()?)
}

/// `origin` in the form [`origin_of`] gives, if it is an origin: a URL with a host and nothing
/// after it but an optional `/` (no user, path, query or fragment).
pub(crate) fn parse_origin(origin: &str) -> Option<String> {
    let url = Url::parse(origin).ok()?;
    let bare = url.username().is_empty()
        && url.password().is_none()
        && matches!(url.path(), "" | "/")
        && url.query().is_none()
        && url.fragment().is_none();
    if bare { origin_key(&url) } else { None }
}

fn origin_key(url: &Url) -> Option<String> {
    match url.origin() {
        tuple @ url::Origin::Tuple(..) => Some(tuple.ascii_serialization()),
        // `file:` is special but its origin is left to implementations: treated as none.
        url::Origin::Opaque(_) if url.scheme() == "file" => None,
        url::Origin::Opaque(_) => {
            let host = url.host_str().filter(|host| !host.is_empty())?;
            let mut key = format!("{}://{}", url.scheme(), host.to_ascii_lowercase());
            if let Some(port) = url.port() {
                key.push(':');
                key.push_str(&port.to_string());
            }
            Some(key)
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Cow<'static, [u8]>> {
    let mut response = Response::new(Cow::Borrowed(text.as_bytes()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DirFiles;
    use capsule_packages::Manifest;
    use std::fs;
    use std::sync::Arc;

    fn demo() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("app");
        fs::create_dir_all(root.join("js")).expect("mkdir");
        let files = [
            ("index.html", "<p>hi</p>"),
            ("js/app.js", "1"),
            ("js/mod.mjs", "1"),
            ("style.css", "p{}"),
            ("data.json", "{}"),
            ("logo.png", "png"),
            ("icon.svg", "<svg/>"),
            ("font.woff2", "f"),
            ("blob.unknownext", "?"),
            ("README", "no extension"),
        ];
        for (name, body) in files {
            fs::write(root.join(name), body).expect("write");
        }
        fs::write(dir.path().join("secret.txt"), "outside").expect("write");
        let manifest = Manifest::from_json(
            br#"{"appId":"demo","name":"Demo","version":"1.0.0","kind":"h5","entry":"index.html",
                "permissions":{"domains":["https://api.example.com"]}}"#,
        )
        .expect("manifest");
        let app = App::new(manifest, Arc::new(DirFiles::new(&root).expect("root")));
        (dir, app)
    }

    fn get(app: &App, uri: &str) -> (u16, String, String) {
        let response = serve(app, "GET", uri);
        let mime = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (
            response.status().as_u16(),
            mime,
            String::from_utf8_lossy(response.body()).into_owned(),
        )
    }

    #[test]
    fn serves_files_with_their_mime_type() {
        let (_dir, app) = demo();
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("js/app.js", "text/javascript; charset=utf-8"),
            ("js/mod.mjs", "text/javascript; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("data.json", "application/json; charset=utf-8"),
            ("logo.png", "image/png"),
            ("icon.svg", "image/svg+xml; charset=utf-8"),
            ("font.woff2", "font/woff2"),
            ("blob.unknownext", "application/octet-stream"),
            ("README", "application/octet-stream"),
        ];
        for (path, mime) in cases {
            let (status, got, _) = get(&app, &format!("capsule://demo/{path}"));
            assert_eq!((status, got.as_str()), (200, mime), "{path}");
        }
    }

    #[test]
    fn empty_path_is_the_entry_and_queries_are_ignored() {
        let (_dir, app) = demo();
        assert_eq!(get(&app, "capsule://demo/").2, "<p>hi</p>");
        assert_eq!(get(&app, "capsule://demo").2, "<p>hi</p>");
        assert_eq!(
            get(&app, "capsule://demo/index.html?x=1#top").2,
            "<p>hi</p>"
        );
        assert_eq!(
            get(&app, "capsule://demo/js%2Fapp.js").0,
            200,
            "encoded slash is a slash"
        );
    }

    #[test]
    fn missing_files_and_other_apps_are_404() {
        let (_dir, app) = demo();
        for uri in [
            "capsule://demo/nope.html",
            "capsule://other/index.html",
            "https://demo/index.html",
        ] {
            assert_eq!(get(&app, uri).0, 404, "{uri}");
        }
    }

    #[test]
    fn every_traversal_form_is_404() {
        let (_dir, app) = demo();
        let attempts = [
            "capsule://demo/../secret.txt",
            "capsule://demo/js/../../secret.txt",
            "capsule://demo/%2e%2e/secret.txt",
            "capsule://demo/%2E%2E/secret.txt",
            "capsule://demo/.%2e/secret.txt",
            "capsule://demo/js/%2e%2e%2f%2e%2e%2fsecret.txt",
            "capsule://demo/%2fetc%2fpasswd",
            "capsule://demo//etc/passwd",
            "capsule://demo/..%5csecret.txt",
            "capsule://demo/js%5c..%5c..%5csecret.txt",
            "capsule://demo/C:/Windows/win.ini",
            "capsule://demo/index.html%00.png",
            "capsule://demo/%ff%fe",
            "capsule://demo/./index.html",
        ];
        for uri in attempts {
            let (status, _, body) = get(&app, uri);
            assert_eq!(status, 404, "{uri}");
            assert!(!body.contains("outside"), "{uri}");
        }
    }

    #[test]
    fn a_mini_program_keeps_its_reserved_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for (name, body) in [
            ("app.json", "{}"),
            ("pages/a.png", "png"),
            ("__capsule__/unresolved/x.png", "never served"),
        ] {
            let path = root.join(name);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, body).expect("write");
        }
        let manifest = Manifest::from_json(
            br#"{"appId":"mp","name":"Mp","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
        )
        .expect("manifest");
        let app = App::new(manifest, Arc::new(DirFiles::new(root).expect("root")));
        assert_eq!(get(&app, "capsule://mp/__capsule__/page.html").0, 200);
        assert_eq!(get(&app, "capsule://mp/pages/a.png").0, 200);
        for uri in [
            "capsule://mp/__capsule__/unresolved/x.png",
            // How `view` writes a path that leaves the package (`../../x.png`).
            "capsule://mp/__capsule__/unresolved/%2E%2E%2F%2E%2E%2Fx%2Epng",
        ] {
            assert_eq!(get(&app, uri).0, 404, "{uri}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_app_are_404() {
        let (dir, app) = demo();
        let link = dir.path().join("app/link.txt");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), link).expect("symlink");
        assert_eq!(get(&app, "capsule://demo/link.txt").0, 404);
    }

    #[test]
    fn responses_carry_a_restrictive_csp() {
        let (_dir, app) = demo();
        let response = serve(&app, "GET", "capsule://demo/index.html");
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii");
        assert!(csp.contains("script-src 'self' capsule://demo;"), "{csp}");
        assert!(!csp.contains("unsafe-eval"), "{csp}");
        assert!(
            csp.contains("connect-src 'self' capsule://demo https://api.example.com;"),
            "{csp}"
        );
        assert!(csp.contains("object-src 'none'"), "{csp}");
        assert_eq!(
            response.headers()[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff"
        );
    }

    /// The header `serve` sends for `path` of `app`.
    fn csp_header(app: &App, path: &str) -> String {
        let response = serve(app, "GET", &format!("capsule://{}/{path}", app.id()));
        assert_eq!(response.status(), 200, "{path}");
        response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii")
            .to_owned()
    }

    /// `demo`'s files under another manifest.
    fn demo_with(manifest: Manifest) -> (tempfile::TempDir, App) {
        let (dir, _) = demo();
        let app = App::new(
            manifest,
            Arc::new(DirFiles::new(&dir.path().join("app")).expect("root")),
        );
        (dir, app)
    }

    #[test]
    fn the_default_policy_is_unchanged() {
        let (_dir, app) = demo();
        let expected = "default-src 'self' capsule://demo; script-src 'self' capsule://demo; \
             style-src 'self' capsule://demo 'unsafe-inline'; \
             img-src 'self' capsule://demo data: blob:; font-src 'self' capsule://demo data:; \
             media-src 'self' capsule://demo blob:; \
             connect-src 'self' capsule://demo https://api.example.com; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        for path in ["index.html", "js/app.js", "style.css", "logo.png"] {
            assert_eq!(csp_header(&app, path), expected, "{path}");
        }
        assert_eq!(content_security_policy(&app), expected);
    }

    /// An app's own policy replaces the default whole, and each `'self'` of a source list
    /// gets the app's origin beside it (unless the list names it already).
    #[test]
    fn an_apps_own_policy_is_served_with_its_origin_beside_self() {
        let manifest = Manifest::from_json(
            br#"{"appId":"demo","name":"Demo","version":"1.0.0","kind":"h5","entry":"index.html",
                "permissions":{"domains":["https://api.example.com"]},
                "csp":"Default-Src 'self';  script-src 'SELF' 'unsafe-eval' ; img-src 'self' data: CAPSULE://demo; connect-src 'self' https://api.example.com; sandbox allow-scripts allow-same-origin; report-uri /csp"}"#,
        )
        .expect("manifest");
        let (_dir, app) = demo_with(manifest);
        let expected = "default-src 'self' capsule://demo; \
             script-src 'SELF' capsule://demo 'unsafe-eval'; img-src 'self' data: CAPSULE://demo; \
             connect-src 'self' capsule://demo https://api.example.com; \
             sandbox allow-scripts allow-same-origin; report-uri /csp";
        for path in ["index.html", "js/app.js", "style.css", "logo.png"] {
            assert_eq!(csp_header(&app, path), expected, "{path}");
        }
        let head = serve(&app, "HEAD", "capsule://demo/index.html");
        assert_eq!(head.headers()[header::CONTENT_SECURITY_POLICY], expected);
        // Nothing of the default is added: what the app leaves out, it leaves out.
        assert!(!expected.contains("frame-ancestors"));
    }

    /// A manifest built in code skips `from_json`'s checks: a policy that does not parse, or
    /// one on a mini-program, leaves the default in place.
    #[test]
    fn a_policy_that_cannot_be_served_leaves_the_default() {
        let (_dir, default_app) = demo();
        let default = content_security_policy(&default_app);
        let mut broken = default_app.manifest().clone();
        broken.csp = Some("scirpt-src 'unsafe-inline'".into());
        let (_dir, app) = demo_with(broken);
        assert_eq!(csp_header(&app, "index.html"), default);

        let mut mini = Manifest::from_json(
            br#"{"appId":"mp","name":"Mp","version":"1.0.0","kind":"miniprogram","dialect":"wechat","entry":"app.json"}"#,
        )
        .expect("manifest");
        mini.csp = Some("default-src *; script-src * 'unsafe-inline'".into());
        let (_dir, app) = demo_with(mini);
        let served = content_security_policy(&app);
        assert!(
            served.starts_with("default-src 'self' capsule://mp; script-src 'self' capsule://mp;"),
            "{served}"
        );
    }

    #[test]
    fn only_get_and_head() {
        let (_dir, app) = demo();
        assert_eq!(
            serve(&app, "POST", "capsule://demo/index.html").status(),
            405
        );
        let head = serve(&app, "HEAD", "capsule://demo/index.html");
        assert_eq!((head.status().as_u16(), head.body().len()), (200, 0));
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("capsule://demo/index.html").as_deref(),
            Some("capsule://demo")
        );
        assert_eq!(
            origin_of("https://a.example:8443?q").as_deref(),
            Some("https://a.example:8443")
        );
        assert_eq!(origin_of("about:blank"), None);
    }

    /// URL standard: an origin is (scheme, host, port); the scheme and a domain are ASCII
    /// lowercase, a scheme's default port is no port, and user, path, query and fragment are
    /// not part of it.
    #[test]
    fn origins_are_normalised_as_the_url_standard_says() {
        let cases = [
            ("HTTPS://Example.COM/a/b?c#d", "https://example.com"),
            ("https://example.com:443/", "https://example.com"),
            ("http://example.com:80", "http://example.com"),
            ("http://example.com:443", "http://example.com:443"),
            ("wss://chat.example:443/socket", "wss://chat.example"),
            ("https://user:secret@example.com/", "https://example.com"),
            ("https://[::1]:8443/x", "https://[::1]:8443"),
            ("http://[0:0:0:0:0:0:0:1]/", "http://[::1]"),
            ("https://bücher.example/", "https://xn--bcher-kva.example"),
            ("blob:https://example.com/4f6a", "https://example.com"),
            ("CAPSULE://Demo/pages/a.html", "capsule://demo"),
            ("capsule://demo:7/x", "capsule://demo:7"),
        ];
        for (url, origin) in cases {
            assert_eq!(origin_of(url).as_deref(), Some(origin), "{url}");
        }
        for no_origin in [
            "file:///etc/passwd",
            "data:text/html,hi",
            "javascript:alert(1)",
            "about:blank",
            "capsule:///no-host",
            "example.com",
            "",
        ] {
            assert_eq!(origin_of(no_origin), None, "{no_origin}");
        }
    }

    #[test]
    fn an_origin_is_a_url_with_nothing_after_the_host() {
        assert_eq!(
            parse_origin("https://Example.com:443").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            parse_origin("https://example.com/").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            parse_origin("capsule://demo").as_deref(),
            Some("capsule://demo")
        );
        for not_an_origin in [
            "https://example.com/app",
            "https://example.com/?q",
            "https://example.com/#top",
            "https://user@example.com",
            "example.com",
            "https://",
            "https://exa mple.com",
            "null",
            "",
        ] {
            assert_eq!(parse_origin(not_an_origin), None, "{not_an_origin}");
        }
    }
}
