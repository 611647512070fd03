//! An app's own Content-Security-Policy (the manifest's `csp`), parsed and checked against
//! the grammar of [CSP Level 3](https://www.w3.org/TR/CSP3/).
//!
//! The checks are stricter than a browser, which ignores what it does not understand: here a
//! misspelled directive, a directive given twice, an unknown keyword or a malformed source is
//! an error naming it, so that a policy never means less than its author thinks.

use crate::{Error, Result};

/// A parsed policy: its directives in the order written, names in lowercase.
///
/// ```
/// use capsule_packages::ContentSecurityPolicy;
/// use capsule_packages::csp::{Keyword, Source};
///
/// let policy = ContentSecurityPolicy::parse("default-src 'self'; script-src 'self' 'unsafe-eval'")?;
/// let script = policy.directive("script-src").expect("given");
/// assert_eq!(script.values(), ["'self'", "'unsafe-eval'"]);
/// assert_eq!(script.sources().expect("a source list")[1], Source::Keyword(Keyword::UnsafeEval));
/// # Ok::<(), capsule_packages::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentSecurityPolicy {
    directives: Vec<Directive>,
}

/// One directive of a [`ContentSecurityPolicy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    name: String,
    values: Vec<String>,
    sources: Option<Vec<Source>>,
}

/// A source expression of a source list (`script-src`, `img-src`, `base-uri`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A keyword: `'self'`, `'none'`, `'unsafe-inline'`, ...
    Keyword(Keyword),
    /// `'nonce-<base64>'`: the value after `nonce-`.
    Nonce(String),
    /// `'sha256-<base64>'` (or `sha384`, `sha512`).
    Hash {
        /// `sha256`, `sha384` or `sha512`, in lowercase.
        algorithm: String,
        /// The base64 digest, as written.
        digest: String,
    },
    /// A scheme alone, such as `data:` or `https:`: every URL of that scheme. The scheme in
    /// lowercase, without the colon.
    Scheme(String),
    /// A host, with an optional scheme, port and path.
    Host(HostSource),
}

/// A host source such as `https://api.example.com:8443/v1/`, `*.example.com` or `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSource {
    /// The scheme in lowercase, if written. Without one, a source matches URLs of the page's
    /// own scheme.
    pub scheme: Option<String>,
    /// The host in lowercase: a name, `*.` and a name, or `*` for every host.
    pub host: String,
    /// The port, if written: digits, or `*` for every port.
    pub port: Option<String>,
    /// The path, if written (it starts with `/`), else empty.
    pub path: String,
}

/// The keyword sources of CSP Level 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// `'self'`: the page's own origin.
    SelfOrigin,
    /// `'none'`: nothing; stands alone.
    None,
    /// `'unsafe-inline'`: inline scripts or styles, and event handler attributes.
    UnsafeInline,
    /// `'unsafe-eval'`: `eval`, `new Function` and string timers.
    UnsafeEval,
    /// `'wasm-unsafe-eval'`: compiling WebAssembly.
    WasmUnsafeEval,
    /// `'unsafe-hashes'`: hashes also match event handler and style attributes.
    UnsafeHashes,
    /// `'strict-dynamic'`: scripts a nonce or hash allows may load other scripts.
    StrictDynamic,
    /// `'report-sample'`: violation reports carry a sample of the code.
    ReportSample,
}

const KEYWORDS: [(&str, Keyword); 8] = [
    ("self", Keyword::SelfOrigin),
    ("none", Keyword::None),
    ("unsafe-inline", Keyword::UnsafeInline),
    ("unsafe-eval", Keyword::UnsafeEval),
    ("wasm-unsafe-eval", Keyword::WasmUnsafeEval),
    ("unsafe-hashes", Keyword::UnsafeHashes),
    ("strict-dynamic", Keyword::StrictDynamic),
    ("report-sample", Keyword::ReportSample),
];

/// What a directive's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    /// A source list.
    Sources,
    /// `frame-ancestors`: hosts, schemes, `'self'` or `'none'`.
    Ancestors,
    /// `sandbox`: HTML's sandboxing flags.
    Sandbox,
    /// `webrtc`: `'allow'` or `'block'`.
    Webrtc,
    /// `report-uri`: URLs.
    ReportUri,
    /// `report-to`: one endpoint name.
    ReportTo,
}

/// Every directive CSP Level 3 defines (§6), sorted.
const DIRECTIVES: [(&str, Value); 23] = [
    ("base-uri", Value::Sources),
    ("child-src", Value::Sources),
    ("connect-src", Value::Sources),
    ("default-src", Value::Sources),
    ("font-src", Value::Sources),
    ("form-action", Value::Sources),
    ("frame-ancestors", Value::Ancestors),
    ("frame-src", Value::Sources),
    ("img-src", Value::Sources),
    ("manifest-src", Value::Sources),
    ("media-src", Value::Sources),
    ("object-src", Value::Sources),
    ("report-to", Value::ReportTo),
    ("report-uri", Value::ReportUri),
    ("sandbox", Value::Sandbox),
    ("script-src", Value::Sources),
    ("script-src-attr", Value::Sources),
    ("script-src-elem", Value::Sources),
    ("style-src", Value::Sources),
    ("style-src-attr", Value::Sources),
    ("style-src-elem", Value::Sources),
    ("webrtc", Value::Webrtc),
    ("worker-src", Value::Sources),
];

/// HTML's sandboxing flags, the values of `sandbox`.
const SANDBOX_FLAGS: [&str; 13] = [
    "allow-downloads",
    "allow-forms",
    "allow-modals",
    "allow-orientation-lock",
    "allow-pointer-lock",
    "allow-popups",
    "allow-popups-to-escape-sandbox",
    "allow-presentation",
    "allow-same-origin",
    "allow-scripts",
    "allow-top-navigation",
    "allow-top-navigation-by-user-activation",
    "allow-top-navigation-to-custom-protocols",
];

impl ContentSecurityPolicy {
    /// Parses one serialized policy (`directive value…; directive value…`), as the manifest's
    /// `csp` holds it. Directive names and keywords compare without regard to case; ASCII
    /// spaces and tabs separate values.
    ///
    /// Fails with [`Error::Manifest`] naming the problem: an empty policy, a character that
    /// is not printable ASCII (a control character, a non-ASCII letter), a comma (it separates
    /// policies in a header), a name that is not a CSP Level 3 directive, a directive given
    /// twice, an unknown keyword, a malformed source, nonce or hash, `'none'` beside other
    /// sources, or a value the directive does not take.
    pub fn parse(text: &str) -> Result<Self> {
        let fail = |message: String| Error::Manifest(format!("csp: {message}"));
        if let Some(c) = text
            .chars()
            .find(|&c| c != '\t' && (c.is_ascii_control() || !c.is_ascii() || c == ','))
        {
            return Err(fail(match c {
                ',' => "a comma separates policies in a header; give one policy, its \
                        directives separated by ';'"
                    .into(),
                c if c.is_ascii_control() => {
                    format!("control character U+{:04X} in the policy", u32::from(c))
                }
                c => format!("'{c}' is not ASCII (write a host in its punycode form)"),
            }));
        }
        let mut directives: Vec<Directive> = Vec::new();
        for written in text.split(';') {
            let mut words = written.split_ascii_whitespace();
            let Some(name) = words.next() else { continue };
            let name = name.to_ascii_lowercase();
            let Some(kind) = kind_of(&name) else {
                return Err(fail(unknown_directive(&name)));
            };
            if directives.iter().any(|directive| directive.name == name) {
                return Err(fail(format!(
                    "{name} is given twice (a browser would ignore the second); \
                     put all its sources in one"
                )));
            }
            let values: Vec<String> = words.map(str::to_owned).collect();
            let sources = check_values(&name, kind, &values).map_err(fail)?;
            directives.push(Directive {
                name,
                values,
                sources,
            });
        }
        if directives.is_empty() {
            return Err(fail(
                "the policy is empty; leave csp out to get the container's default policy".into(),
            ));
        }
        Ok(Self { directives })
    }

    /// The directives, in the order written.
    pub fn directives(&self) -> &[Directive] {
        &self.directives
    }

    /// The directive named `name` (lowercase), if the policy has it.
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives
            .iter()
            .find(|directive| directive.name == name)
    }
}

impl Directive {
    /// The name, in lowercase.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The values, as written.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// For a directive taking a source list, its sources, one per value (in the same order);
    /// `None` for `sandbox`, `webrtc`, `report-uri` and `report-to`. An empty list matches
    /// nothing, like `'none'`.
    pub fn sources(&self) -> Option<&[Source]> {
        self.sources.as_deref()
    }
}

fn kind_of(name: &str) -> Option<Value> {
    DIRECTIVES
        .binary_search_by(|(known, _)| known.cmp(&name))
        .ok()
        .map(|index| DIRECTIVES[index].1)
}

/// The message for a name that is no directive, with the nearest directive when one is
/// close (a typo).
fn unknown_directive(name: &str) -> String {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return format!("'{name}' is not a directive name");
    }
    let nearest = DIRECTIVES
        .iter()
        .map(|(known, _)| (edit_distance(name, known), *known))
        .min();
    match nearest {
        Some((distance, known)) if distance <= 2 => {
            format!("{name} is not a CSP Level 3 directive (did you mean {known}?)")
        }
        _ => format!("{name} is not a CSP Level 3 directive"),
    }
}

/// Levenshtein distance, with a swap of two neighbours counting as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut rows = vec![(0..=b.len()).collect::<Vec<_>>()];
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (rows[i - 1][j] + 1)
                .min(row[j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(rows[i - 2][j - 2] + 1);
            }
        }
        rows.push(row);
    }
    rows[a.len()][b.len()]
}

/// Checks the values of directive `name`; a source list comes back parsed.
fn check_values(
    name: &str,
    kind: Value,
    values: &[String],
) -> std::result::Result<Option<Vec<Source>>, String> {
    match kind {
        Value::Sources | Value::Ancestors => {
            let mut sources = Vec::with_capacity(values.len());
            for value in values {
                let source = parse_source(value).map_err(|why| format!("{name}: {why}"))?;
                let ancestor = matches!(
                    source,
                    Source::Host(_)
                        | Source::Scheme(_)
                        | Source::Keyword(Keyword::SelfOrigin | Keyword::None)
                );
                if kind == Value::Ancestors && !ancestor {
                    return Err(format!(
                        "{name}: {value} does not apply here ({name} takes hosts, schemes, \
                         'self' or 'none')"
                    ));
                }
                sources.push(source);
            }
            if sources.len() > 1 && sources.contains(&Source::Keyword(Keyword::None)) {
                return Err(format!(
                    "{name}: 'none' must stand alone (beside other sources it is ignored)"
                ));
            }
            Ok(Some(sources))
        }
        Value::Sandbox => {
            match values
                .iter()
                .find(|value| !SANDBOX_FLAGS.contains(&value.to_ascii_lowercase().as_str()))
            {
                Some(value) => Err(format!(
                    "sandbox: {value} is not a sandboxing flag (allow-scripts, allow-forms, ...)"
                )),
                None => Ok(None),
            }
        }
        Value::Webrtc => match values {
            [value] if ["'allow'", "'block'"].contains(&value.to_ascii_lowercase().as_str()) => {
                Ok(None)
            }
            _ => Err("webrtc takes one value: 'allow' or 'block'".into()),
        },
        Value::ReportUri if values.is_empty() => Err("report-uri needs a URL".into()),
        Value::ReportUri => Ok(None),
        Value::ReportTo => match values {
            [value] if value.bytes().all(is_token_byte) => Ok(None),
            _ => Err("report-to takes one endpoint name".into()),
        },
    }
}

/// Parses one source expression (CSP Level 3 §2.3.1).
fn parse_source(value: &str) -> std::result::Result<Source, String> {
    if let Some(quoted) = value.strip_prefix('\'') {
        let Some(inner) = quoted.strip_suffix('\'') else {
            return Err(format!("{value} is not closed by a quote"));
        };
        return parse_quoted(value, inner);
    }
    let lower = value.to_ascii_lowercase();
    if KEYWORDS.iter().any(|(keyword, _)| *keyword == lower) {
        return Err(format!(
            "{value} is a host name here; the keyword is written in quotes: '{lower}'"
        ));
    }
    if let Some(scheme) = lower.strip_suffix(':')
        && is_scheme(scheme)
    {
        return Ok(Source::Scheme(scheme.to_owned()));
    }
    parse_host_source(&lower, value)
        .map(Source::Host)
        .ok_or_else(|| {
            format!(
                "{value} is not a source (a host, a scheme such as https:, or a quoted keyword)"
            )
        })
}

fn parse_quoted(value: &str, inner: &str) -> std::result::Result<Source, String> {
    let lower = inner.to_ascii_lowercase();
    if let Some((_, keyword)) = KEYWORDS.iter().find(|(name, _)| *name == lower) {
        return Ok(Source::Keyword(*keyword));
    }
    if lower.starts_with("nonce-") {
        let nonce = &inner["nonce-".len()..];
        return if is_base64_value(nonce) {
            Ok(Source::Nonce(nonce.to_owned()))
        } else {
            Err(format!("{value} is not a nonce (base64 after nonce-)"))
        };
    }
    for algorithm in ["sha256", "sha384", "sha512"] {
        if lower.starts_with(algorithm) && lower[algorithm.len()..].starts_with('-') {
            let digest = &inner[algorithm.len() + 1..];
            return if is_base64_value(digest) {
                Ok(Source::Hash {
                    algorithm: algorithm.to_owned(),
                    digest: digest.to_owned(),
                })
            } else {
                Err(format!("{value} is not a hash (base64 after {algorithm}-)"))
            };
        }
    }
    Err(format!(
        "{value} is not a CSP keyword ('self', 'none', 'unsafe-inline', 'unsafe-eval', \
         'wasm-unsafe-eval', 'unsafe-hashes', 'strict-dynamic', 'report-sample', \
         'nonce-…', 'sha256-…', 'sha384-…', 'sha512-…')"
    ))
}

/// `[ scheme "://" ] host [ ":" port ] [ path ]`, `lower` being `value` in lowercase (the
/// path keeps its case).
fn parse_host_source(lower: &str, value: &str) -> Option<HostSource> {
    let (scheme, start) = match lower.find("://") {
        Some(end) if is_scheme(&lower[..end]) => (Some(lower[..end].to_owned()), end + 3),
        Some(_) => return None,
        None => (None, 0),
    };
    let rest = &lower[start..];
    let host_end = rest.find([':', '/']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    if !is_host(host) {
        return None;
    }
    let after_host = &rest[host_end..];
    let (port, path_start) = match after_host.strip_prefix(':') {
        Some(port_and_path) => {
            let port_end = port_and_path.find('/').unwrap_or(port_and_path.len());
            let port = &port_and_path[..port_end];
            let valid =
                port == "*" || (!port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
            if !valid {
                return None;
            }
            (Some(port.to_owned()), start + host_end + 1 + port_end)
        }
        None => (None, start + host_end),
    };
    let path = &value[path_start..];
    if !path.is_empty() && !is_path(path) {
        return None;
    }
    Some(HostSource {
        scheme,
        host: host.to_owned(),
        port,
        path: path.to_owned(),
    })
}

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986).
fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// `"*" / [ "*." ] 1*host-char *( "." 1*host-char ) [ "." ]`.
fn is_host(host: &str) -> bool {
    if host == "*" {
        return true;
    }
    let name = host.strip_prefix("*.").unwrap_or(host);
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// An absolute path of RFC 3986: `/`, then path characters and well-formed `%XX` escapes.
fn is_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    if bytes.first() != Some(&b'/') {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let escape = bytes.get(i + 1..i + 3);
                if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                i += 3;
                continue;
            }
            b if b.is_ascii_alphanumeric() => {}
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b'=' | b':' | b'@' | b'/' => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

/// `1*( ALPHA / DIGIT / "+" / "/" / "-" / "_" ) *2( "=" )`.
fn is_base64_value(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    text.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

/// A `tchar` of RFC 9110's `token`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ContentSecurityPolicy {
        ContentSecurityPolicy::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn error(text: &str) -> String {
        match ContentSecurityPolicy::parse(text) {
            Ok(policy) => panic!("{text} parsed: {policy:?}"),
            Err(Error::Manifest(message)) => message,
            Err(other) => panic!("{text}: not a manifest error: {other}"),
        }
    }

    fn host(scheme: Option<&str>, host: &str, port: Option<&str>, path: &str) -> Source {
        Source::Host(HostSource {
            scheme: scheme.map(str::to_owned),
            host: host.to_owned(),
            port: port.map(str::to_owned),
            path: path.to_owned(),
        })
    }

    /// §2.2.1: directives split on ';', empty ones skipped, names lowercased, values split
    /// on ASCII whitespace.
    #[test]
    fn directives_are_split_and_names_lowercased() {
        let policy = parse(" Default-SRC 'self';;  script-src\t'self'  'UNSAFE-EVAL' ; ");
        let names: Vec<_> = policy.directives().iter().map(Directive::name).collect();
        assert_eq!(names, ["default-src", "script-src"]);
        let script = policy.directive("script-src").expect("script-src");
        assert_eq!(script.values(), ["'self'", "'UNSAFE-EVAL'"]);
        assert_eq!(
            script.sources(),
            Some(
                &[
                    Source::Keyword(Keyword::SelfOrigin),
                    Source::Keyword(Keyword::UnsafeEval)
                ][..]
            )
        );
        assert!(policy.directive("img-src").is_none());
    }

    /// §2.3.1: every kind of source expression.
    #[test]
    fn every_source_expression() {
        let policy = parse(
            "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval' \
             'wasm-unsafe-eval' 'unsafe-hashes' 'strict-dynamic' 'report-sample' \
             'nonce-abc+/_-=' 'SHA256-q83vEjRWeJA=' 'sha384-x' 'sha512-y=='; \
             img-src data: BLOB: https://CDN.example.com:8443/Img/%20x/ *.example.com:* * \
             https://* demo example.com. http://x.y/a",
        );
        let script = policy.directive("script-src").expect("script-src");
        let sources = script.sources().expect("sources");
        assert_eq!(sources[7], Source::Nonce("abc+/_-=".into()));
        assert_eq!(
            sources[8],
            Source::Hash {
                algorithm: "sha256".into(),
                digest: "q83vEjRWeJA=".into()
            }
        );
        assert_eq!(sources.len(), 11);
        let img = policy.directive("img-src").expect("img-src").sources();
        assert_eq!(
            img.expect("sources"),
            [
                Source::Scheme("data".into()),
                Source::Scheme("blob".into()),
                host(Some("https"), "cdn.example.com", Some("8443"), "/Img/%20x/"),
                host(None, "*.example.com", Some("*"), ""),
                host(None, "*", None, ""),
                host(Some("https"), "*", None, ""),
                host(None, "demo", None, ""),
                host(None, "example.com.", None, ""),
                host(Some("http"), "x.y", None, "/a"),
            ]
        );
        // `b:c` after the ';' is a directive of its own, and not one of CSP.
        assert!(
            ContentSecurityPolicy::parse("img-src http://x.y/a;b:c").is_err(),
            "b:c"
        );
    }

    #[test]
    fn an_empty_policy_is_refused() {
        for empty in ["", "   ", ";", " ; ;\t"] {
            assert!(error(empty).contains("the policy is empty"), "{empty:?}");
        }
    }

    #[test]
    fn a_name_that_is_not_a_directive_is_refused() {
        assert_eq!(
            error("default-src 'self'; scirpt-src 'self'"),
            "csp: scirpt-src is not a CSP Level 3 directive (did you mean script-src?)"
        );
        assert_eq!(
            error("img-scr 'self'"),
            "csp: img-scr is not a CSP Level 3 directive (did you mean img-src?)"
        );
        // Directives of other documents, or dropped from the drafts, are not CSP Level 3's.
        for other in [
            "plugin-types application/pdf",
            "navigate-to 'self'",
            "prefetch-src 'self'",
            "require-trusted-types-for 'script'",
            "block-all-mixed-content",
        ] {
            assert!(
                error(other).contains("is not a CSP Level 3 directive"),
                "{other}"
            );
        }
        assert!(error("script_src 'self'").contains("'script_src' is not a directive name"));
        assert!(error("'self'").contains("is not a directive name"));
    }

    #[test]
    fn every_csp3_directive_is_known() {
        for (name, _) in DIRECTIVES {
            let value = match name {
                "sandbox" => "allow-scripts",
                "webrtc" => "'block'",
                "report-uri" => "/csp-reports",
                "report-to" => "csp-endpoint",
                _ => "'self'",
            };
            parse(&format!("{name} {value}"));
        }
        assert!(DIRECTIVES.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn a_directive_given_twice_is_refused() {
        assert!(
            error("script-src 'self'; img-src 'self'; Script-Src 'unsafe-eval'")
                .contains("script-src is given twice")
        );
    }

    #[test]
    fn an_unknown_keyword_is_refused() {
        for bad in [
            "'unsafe-allow-redirects'",
            "'unsafe-dynamic'",
            "'sha1-abc'",
            "'md5-abc'",
            "'allow'",
            "'*'",
            "''",
        ] {
            let message = error(&format!("script-src {bad}"));
            assert!(message.contains("is not a CSP keyword"), "{bad}: {message}");
            assert!(message.starts_with("csp: script-src: "), "{bad}: {message}");
        }
        assert!(error("script-src 'self").contains("'self is not closed by a quote"));
        assert!(error("script-src 'nonce-'").contains("is not a nonce"));
        assert!(error("script-src 'nonce-a=b'").contains("is not a nonce"));
        assert!(error("script-src 'sha256-abc==='").contains("is not a hash"));
        // A keyword without its quotes would be a host name.
        assert!(error("script-src self").contains("the keyword is written in quotes: 'self'"));
        assert!(error("script-src unsafe-eval").contains("'unsafe-eval'"));
    }

    #[test]
    fn malformed_sources_are_refused() {
        for bad in [
            "https://",
            "https://exa_mple.com",
            "https://a..b",
            "https://*example.com",
            "https://a.*.com",
            "example.com:80x",
            "1http://example.com",
            "https://example.com/a\"b",
            "https://example.com/%zz",
            "https://example.com?query",
            "example.com#top",
        ] {
            let message = error(&format!("img-src {bad}"));
            assert!(message.contains("is not a source"), "{bad}: {message}");
        }
    }

    #[test]
    fn control_characters_and_non_ascii_are_refused() {
        for bad in [
            "script-src 'self'\n; img-src 'self'",
            "script-src 'self'\r",
            "script-src\u{0}'self'",
            "script-src 'self'\u{7f}",
            "script-src 'self'\u{c}",
        ] {
            assert!(error(bad).contains("control character U+"), "{bad:?}");
        }
        assert!(error("img-src https://bücher.example").contains("'ü' is not ASCII"));
        // A tab is ASCII whitespace, as a header may hold it.
        parse("script-src\t'self'");
    }

    #[test]
    fn a_comma_is_refused() {
        assert!(
            error("script-src 'self', img-src 'self'")
                .contains("a comma separates policies in a header")
        );
    }

    #[test]
    fn none_stands_alone() {
        assert!(error("object-src 'none' 'self'").contains("'none' must stand alone"));
        parse("object-src 'none'");
        // An empty source list is allowed and matches nothing.
        let policy = parse("object-src");
        assert_eq!(
            policy.directive("object-src").and_then(Directive::sources),
            Some(&[][..])
        );
    }

    #[test]
    fn other_values_are_checked_by_directive() {
        parse("frame-ancestors 'self' https://a.example data:");
        parse("frame-ancestors 'none'");
        for bad in ["'unsafe-inline'", "'nonce-abc'", "'sha256-abc'"] {
            assert!(
                error(&format!("frame-ancestors {bad}")).contains("does not apply here"),
                "{bad}"
            );
        }
        parse("sandbox");
        parse("sandbox Allow-Scripts allow-forms");
        assert!(error("sandbox allow-everything").contains("is not a sandboxing flag"));
        parse("webrtc 'ALLOW'");
        for bad in ["webrtc", "webrtc allow", "webrtc 'allow' 'block'"] {
            assert!(error(bad).contains("webrtc takes one value"), "{bad}");
        }
        parse("report-uri /a https://r.example/b");
        assert!(error("report-uri").contains("report-uri needs a URL"));
        assert!(error("report-to a b").contains("report-to takes one endpoint name"));
    }

    #[test]
    fn typos_are_near_their_directive() {
        assert_eq!(edit_distance("scirpt-src", "script-src"), 1);
        assert_eq!(edit_distance("img-scr", "img-src"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
