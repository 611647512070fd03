//! Package paths in rendered attributes and inline styles, resolved as the platforms resolve
//! them.
//!
//! A relative path (`logo.png`, `./logo.png`, `../img/a.png`) is relative to the folder of the
//! file that wrote it: the template an element comes from (a component's own template, an
//! included or imported file) or the stylesheet a `url()` is in. `/x` is from the package root.
//! Paths come out root-relative (`/pages/index/logo.png`): the window's document is served
//! from `capsule://<appId>/__capsule__/page.html`, so the webview loads them from the package.
//! URLs with a scheme (`https:`, `data:`, `blob:`, `wxfile://`, `cloud://`, the Alipay file
//! paths `https://usr/…`) and `//host/…` stay as written, and so do empty values and `#id`
//! references. `.` and `..` segments (also percent-encoded) are normalised; a path that would
//! leave the package becomes [`UNRESOLVED`] followed by the value as written (encoded as one
//! segment), which the protocol answers 404 to, so it never names a file outside.

use std::borrow::Cow;
use std::collections::BTreeMap;

use capsule_components::PropertyKind;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::Value;

/// Where a path that leaves the package points instead: a reserved folder of the window's
/// origin that the protocol never serves (see [`crate::protocol`]).
pub(crate) const UNRESOLVED: &str = "/__capsule__/unresolved/";

/// What the value as written is encoded with in an [`UNRESOLVED`] path: everything that could
/// end the segment or make the URL parser see a dot segment, and what `url()` needs quoted.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'\'')
    .add(b'#')
    .add(b'%')
    .add(b'(')
    .add(b')')
    .add(b'.')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Attributes that take a package path of built-in components the library does not describe
/// (yet), by tag: `live-pusher` `waiting-image`, Alipay `lottie` `path` / `placeholder`. The library's own say so in their descriptors.
const UNDESCRIBED_PATH_ATTRS: &[(&str, &[&str])] = &[
    ("live-pusher", &["waiting-image"]),
    ("lottie", &["path", "placeholder"]),
];

/// Whether attribute `attr` of built-in component `tag` takes a package path.
pub(crate) fn is_asset_attr(tag: &str, attr: &str) -> bool {
    match capsule_components::component(tag) {
        Some(component) => component
            .property(attr)
            .is_some_and(|property| property.kind == PropertyKind::Path),
        None => UNDESCRIBED_PATH_ATTRS
            .iter()
            .any(|(t, attrs)| t.eq_ignore_ascii_case(tag) && attrs.contains(&attr)),
    }
}

/// Resolves the package paths among the attributes of an element written in template `file`:
/// the path attributes of a built-in component (`builtin`: not a custom component, whose
/// attributes are properties its own template resolves where it uses them) and `url()`s in
/// the `style` of any element.
pub(crate) fn resolve_attrs(
    file: &str,
    tag: &str,
    attrs: &mut BTreeMap<String, Value>,
    builtin: bool,
) {
    for (name, value) in attrs.iter_mut() {
        let Value::String(text) = value else { continue };
        let resolved = if name.as_str() == "style" {
            resolve_style_urls(file, text)
        } else if builtin && is_asset_attr(tag, name) {
            resolve_path(file, text)
        } else {
            continue;
        };
        if let Cow::Owned(resolved) = resolved {
            *text = resolved;
        }
    }
}

/// Resolves `value`, a path or URL written in package file `file` (`pages/a/a.wxml`).
pub(crate) fn resolve_path<'v>(file: &str, value: &'v str) -> Cow<'v, str> {
    let trimmed = value.trim_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
        return Cow::Borrowed(value);
    }
    if has_scheme(trimmed) {
        return Cow::Borrowed(value);
    }
    let split = trimmed.find(['?', '#']).unwrap_or(trimmed.len());
    let (path, suffix) = trimmed.split_at(split);
    let mut parts: Vec<&str> = Vec::new();
    if !path.starts_with('/') {
        // The folder of `file`: every segment but the file name.
        parts.extend(file.split('/').filter(|s| !s.is_empty()));
        parts.pop();
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    let mut folder = false;
    for (i, segment) in segments.iter().enumerate() {
        folder = i == last;
        match dots(segment) {
            Some(1) => {}
            Some(_) => {
                if parts.pop().is_none() {
                    return Cow::Owned(unresolved(trimmed));
                }
            }
            None if segment.is_empty() => {}
            None => {
                parts.push(segment);
                folder = false;
            }
        }
    }
    let mut out = String::with_capacity(path.len() + file.len() + suffix.len() + 2);
    for part in &parts {
        out.push('/');
        out.push_str(part);
    }
    if folder || out.is_empty() {
        out.push('/');
    }
    out.push_str(suffix);
    if out == value {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(out)
    }
}

/// Resolves every `url(…)` in inline CSS `style` written in `file` (quoted or not; the
/// quoting is kept). Strings elsewhere are left alone.
pub(crate) fn resolve_style_urls<'s>(file: &str, style: &'s str) -> Cow<'s, str> {
    if !style
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"url("))
    {
        return Cow::Borrowed(style);
    }
    let bytes = style.as_bytes();
    let mut out = String::with_capacity(style.len() + 32);
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'') => i = skip_string(bytes, i + 1, q),
            b'u' | b'U'
                if bytes
                    .get(i..i + 4)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"url("))
                    && (i == 0 || !is_ident(bytes[i - 1])) =>
            {
                let Some((start, end, close)) = url_value(bytes, i + 4) else {
                    break;
                };
                let resolved = resolve_path(file, &style[start..end]);
                out.push_str(&style[copied..start]);
                out.push_str(&resolved);
                copied = end;
                i = close;
            }
            _ => i += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(style);
    }
    out.push_str(&style[copied..]);
    Cow::Owned(out)
}

/// The value of a `url(` whose argument starts at `i`: (start, end) of the path inside the
/// quotes if any, and the index after the closing `)`; `None` when it is not closed.
fn url_value(bytes: &[u8], mut i: usize) -> Option<(usize, usize, usize)> {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    let (start, end, mut after) = match *bytes.get(i)? {
        q @ (b'"' | b'\'') => {
            let close = skip_string(bytes, i + 1, q);
            if bytes.get(close - 1) != Some(&q) || close == i + 1 {
                return None;
            }
            (i + 1, close - 1, close)
        }
        _ => {
            let mut j = i;
            while j < bytes.len() && bytes[j] != b')' && !bytes[j].is_ascii_whitespace() {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            (i, j.min(bytes.len()), j.min(bytes.len()))
        }
    };
    while bytes.get(after).is_some_and(u8::is_ascii_whitespace) {
        after += 1;
    }
    (bytes.get(after) == Some(&b')')).then_some((start, end, after + 1))
}

/// The index after the string closed by `quote` whose text starts at `i` (backslash escapes
/// skipped); the end of `bytes` when it is not closed.
fn skip_string(bytes: &[u8], mut i: usize, quote: u8) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b >= 0x80
}

/// Whether `value` starts with a URL scheme (`https:`, `data:`, `wxfile:`).
fn has_scheme(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `Some(1)` for a `.` segment, `Some(2)` for `..`, also percent-encoded (`%2e`, `.%2E`), as
/// the URL parser reads them.
fn dots(segment: &str) -> Option<u8> {
    let lower = segment.to_ascii_lowercase();
    match lower.as_str() {
        "." | "%2e" => Some(1),
        ".." | ".%2e" | "%2e." | "%2e%2e" => Some(2),
        _ => None,
    }
}

/// The unservable stand-in for `value`, a path that leaves the package.
fn unresolved(value: &str) -> String {
    format!("{UNRESOLVED}{}", utf8_percent_encode(value, SEGMENT))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "pages/component/index.wxml";

    fn path(value: &str) -> String {
        resolve_path(PAGE, value).into_owned()
    }

    #[test]
    fn relative_paths_resolve_against_the_writing_file() {
        assert_eq!(
            path("resources/kind/logo.png"),
            "/pages/component/resources/kind/logo.png"
        );
        assert_eq!(path("./logo.png"), "/pages/component/logo.png");
        assert_eq!(path("../../images/a.png"), "/images/a.png");
        assert_eq!(path("a/./b/../c.png"), "/pages/component/a/c.png");
        assert_eq!(path(".//a.png"), "/pages/component/a.png");
        assert_eq!(
            resolve_path("components/card/card.wxml", "icon.png"),
            "/components/card/icon.png"
        );
        assert_eq!(resolve_path("app.wxss", "img/bg.png"), "/img/bg.png");
        assert_eq!(resolve_path("index.axml", "./a.png"), "/a.png");
        // A folder stays a folder.
        assert_eq!(path("./"), "/pages/component/");
        assert_eq!(path(".."), "/pages/");
        assert_eq!(resolve_path("index.wxml", "."), "/");
    }

    #[test]
    fn absolute_paths_start_at_the_package_root() {
        assert_eq!(path("/images/a.png"), "/images/a.png");
        assert_eq!(path("/a/../images/./a.png"), "/images/a.png");
        assert!(matches!(
            resolve_path(PAGE, "/images/a.png"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn paths_leaving_the_package_stay_unresolvable() {
        for escaping in [
            "../../../x.png",
            "../../../../etc/passwd",
            "/../x.png",
            "a/../../../../x.png",
            "%2e%2e/%2E%2e/.%2e/x.png",
        ] {
            let resolved = path(escaping);
            assert!(resolved.starts_with(UNRESOLVED), "{escaping} → {resolved}");
            let rest = &resolved[UNRESOLVED.len()..];
            assert!(
                !rest.contains(['/', '.', '?', '#']),
                "{escaping} → {resolved}: one segment without dots"
            );
        }
        assert_eq!(
            path("../../../x.png"),
            "/__capsule__/unresolved/%2E%2E%2F%2E%2E%2F%2E%2E%2Fx%2Epng"
        );
        // Percent-encoded dot segments count as the URL parser counts them.
        assert_eq!(path("%2e%2e/%2E%2e/a.png"), "/a.png");
    }

    #[test]
    fn urls_with_a_scheme_stay_as_written() {
        for remote in [
            "http://example.com/a.png",
            "https://example.com/a.png?x=1#y",
            "data:image/png;base64,iVBORw0KGgo=",
            "blob:capsule://app/1234",
            "wxfile://usr/a.png",
            "wxfile://tmp/1-2.png",
            "https://usr/a.png",
            "https://resource/1-2.png",
            "cloud://env.id/a.png",
            "ttfile://user/a.png",
            "capsule://app/a.png",
            "//cdn.example.com/a.png",
            "#svg-gradient",
        ] {
            assert!(
                matches!(resolve_path(PAGE, remote), Cow::Borrowed(v) if v == remote),
                "{remote}"
            );
        }
    }

    #[test]
    fn queries_fragments_and_empty_values() {
        assert_eq!(path("a.png?v=2"), "/pages/component/a.png?v=2");
        assert_eq!(path("a.png#frag"), "/pages/component/a.png#frag");
        assert_eq!(path("../a.png?x=../../..#y"), "/pages/a.png?x=../../..#y");
        assert_eq!(path("?v=1"), "/pages/component/?v=1");
        assert_eq!(path(""), "");
        assert_eq!(path("   "), "   ");
        assert_eq!(path("  a.png "), "/pages/component/a.png");
    }

    #[test]
    fn style_urls_resolve_quoted_or_not() {
        let style = |s: &str| resolve_style_urls(PAGE, s).into_owned();
        assert_eq!(
            style("background-image: url(bg.png); color: red"),
            "background-image: url(/pages/component/bg.png); color: red"
        );
        assert_eq!(
            style("background: URL( '../bg.png' ) no-repeat, url(\"/x.png\")"),
            "background: URL( '/pages/bg.png' ) no-repeat, url(\"/x.png\")"
        );
        assert_eq!(
            style("background:url(https://a.example/b.png)"),
            "background:url(https://a.example/b.png)"
        );
        assert_eq!(
            style("background:url(../../../../x.png)"),
            "background:url(/__capsule__/unresolved/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fx%2Epng)"
        );
        // Not urls: other functions, strings, unclosed.
        assert_eq!(style("mask: myurl(a.png)"), "mask: myurl(a.png)");
        assert_eq!(style("content: 'url(a.png)'"), "content: 'url(a.png)'");
        assert_eq!(style("background: url(a.png"), "background: url(a.png");
        assert_eq!(style("background: url()"), "background: url()");
        assert!(matches!(
            resolve_style_urls(PAGE, "color: red"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn only_path_attributes_of_built_in_components_resolve() {
        let mut attrs = BTreeMap::from([
            ("src".to_owned(), Value::from("a.png")),
            ("mode".to_owned(), Value::from("a.png")),
            ("style".to_owned(), Value::from("background:url(b.png)")),
            ("poster".to_owned(), Value::from("p.png")),
        ]);
        let mut image = attrs.clone();
        resolve_attrs(PAGE, "image", &mut image, true);
        assert_eq!(image["src"], "/pages/component/a.png");
        assert_eq!(image["mode"], "a.png");
        assert_eq!(image["poster"], "p.png");
        assert_eq!(image["style"], "background:url(/pages/component/b.png)");
        let mut video = attrs.clone();
        resolve_attrs(PAGE, "video", &mut video, true);
        assert_eq!(video["poster"], "/pages/component/p.png");
        // A custom component's properties are its own business; its host's style is not.
        resolve_attrs(PAGE, "image", &mut attrs, false);
        assert_eq!(attrs["src"], "a.png");
        assert_eq!(attrs["style"], "background:url(/pages/component/b.png)");
        let mut typed = BTreeMap::from([("src".to_owned(), Value::from(3))]);
        resolve_attrs(PAGE, "image", &mut typed, true);
        assert_eq!(typed["src"], 3);
    }
}
