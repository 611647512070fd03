//! Styles: ACSS/WXSS compiled to CSS with lightningcss.
//!
//! `rpx` becomes `px` for the window width (750rpx = the width) everywhere a length can be,
//! including `calc()`, transforms and media queries; `@import` is inlined from the package
//! (cycles rejected); component styles are scoped by prefixing their class names (`:host`
//! becomes the host element's class); relative `url()`s resolve against the stylesheet's own
//! folder (an imported file's too) into root-relative package paths; output is
//! minified; syntax errors point at `file:line:col`.
//!
//! ```
//! use capsule_view::style::{StyleOptions, compile};
//! use std::collections::HashMap;
//!
//! let files = HashMap::from([("app.wxss".to_owned(), ".a { width: 750rpx; margin: calc(10rpx + 1px) }".to_owned())]);
//! let css = compile(&files, "app.wxss", &StyleOptions::default()).unwrap();
//! assert_eq!(css, ".a{width:375px;margin:6px}");
//! ```

use std::convert::Infallible;

use lightningcss::properties::custom::{Token, TokenOrValue};
use lightningcss::selector::{Component, Selector};
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use lightningcss::values::ident::Ident;
use lightningcss::values::length::LengthValue;
use lightningcss::values::url::Url;
use lightningcss::visit_types;
use lightningcss::visitor::{Visit, VisitTypes, Visitor};

use crate::assets::resolve_path as resolve_asset_path;
use crate::page::resolve;
use crate::source::SourceFiles;

/// How a stylesheet is compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct StyleOptions {
    /// Window width in CSS px; `750rpx` equals it.
    pub window_width: f32,
    /// For a component stylesheet: the scope its class names get (see [`component_scope`]).
    pub scope: Option<String>,
    /// Height in CSS px of the page's viewport on a phone: the window without the navigation
    /// bar and tab bar, which the platforms draw outside the page. `100vh` becomes it (a page
    /// sized `100vh` then fits between the bars); `None` leaves `vh` to the webview.
    pub viewport_height: Option<f32>,
}

impl Default for StyleOptions {
    fn default() -> Self {
        Self {
            window_width: 375.0,
            scope: None,
            viewport_height: None,
        }
    }
}

/// What can go wrong compiling a stylesheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StyleError {
    /// The CSS does not parse.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// Line, from 1.
        line: u32,
        /// Column, from 1.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// An imported file is not in the package.
    #[error("{path}: no such stylesheet{}", referrer.as_ref().map(|r| format!(" (imported at {r})")).unwrap_or_default())]
    Missing {
        /// The package path looked for.
        path: String,
        /// Where it was imported, as `file:line:col`.
        referrer: Option<String>,
    },
    /// `@import`s form a cycle.
    #[error("@import cycle: {0}")]
    Cycle(String),
    /// The compiled sheet could not be printed.
    #[error("cannot print CSS: {0}")]
    Print(String),
}

/// The class prefix of a component's styles and elements: its path without extension, with
/// `/` and `.` as `-` (`components/card/card.wxml` → `components-card-card`). The scope itself
/// is the class of each instance's host element, which `:host` compiles to.
pub fn component_scope(component_path: &str) -> String {
    let stem = component_path
        .rsplit_once('.')
        .filter(|(_, ext)| !ext.contains('/'))
        .map_or(component_path, |(stem, _)| stem);
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Compiles the stylesheet at package path `path` and everything it imports into minified CSS.
pub fn compile(
    files: &dyn SourceFiles,
    path: &str,
    options: &StyleOptions,
) -> Result<String, StyleError> {
    let mut sources = Vec::new();
    collect(files, path, None, &mut Vec::new(), &mut sources)?;
    let mut out = String::new();
    for (file, text) in &sources {
        out.push_str(&compile_one(file, text, options)?);
    }
    Ok(out)
}

/// A page's CSS: the app stylesheet first, then the page's, so page rules win at equal
/// specificity. Either may be absent from the package.
pub fn page_styles(
    files: &dyn SourceFiles,
    app_path: &str,
    page_path: &str,
    options: &StyleOptions,
) -> Result<String, StyleError> {
    let mut out = String::new();
    for path in [app_path, page_path] {
        if files.read_text(path).is_some() {
            out.push_str(&compile(files, path, options)?);
        }
    }
    Ok(out)
}

/// Appends `(file, source with its @imports blanked)` for `path`, its imports first.
///
/// lightningcss's `bundler` is not used for this: it loads a file imported twice once and
/// silently (so no cycle error), keeps the last of repeated imports where this keeps the
/// first, accepts `@import` only before all rules and only with a quoted path or `url()`
/// (WXSS allows both), and its `SourceProvider` must be `Send + Sync` and lend out `&str`s it
/// owns, which `SourceFiles` cannot give without `unsafe` or an arena.
fn collect(
    files: &dyn SourceFiles,
    path: &str,
    referrer: Option<String>,
    stack: &mut Vec<String>,
    out: &mut Vec<(String, String)>,
) -> Result<(), StyleError> {
    if stack.iter().any(|p| p == path) {
        return Err(StyleError::Cycle(format!("{} → {path}", stack.join(" → "))));
    }
    if out.iter().any(|(p, _)| p == path) {
        return Ok(());
    }
    let text = files.read_text(path).ok_or_else(|| StyleError::Missing {
        path: path.to_owned(),
        referrer,
    })?;
    let (text, imports) = extract_imports(path, &text)?;
    stack.push(path.to_owned());
    for (target, line, column) in imports {
        let resolved = resolve(path, &target).ok_or_else(|| StyleError::Syntax {
            file: path.to_owned(),
            line,
            column,
            message: format!("@import '{target}' leaves the package"),
        })?;
        let at = format!("{path}:{line}:{column}");
        if let Err(e) = collect(files, &resolved, Some(at), stack, out) {
            stack.pop();
            return Err(e);
        }
    }
    stack.pop();
    out.push((path.to_owned(), text.replace("constant(", "env(")));
    Ok(())
}

/// An `@import` target as written, with its position (line, column from 1).
type ImportRef = (String, u32, u32);

/// How deeply parentheses (functions such as `calc(`) may nest. lightningcss takes time
/// exponential in the nesting of math functions (about 2.2× per level), so deeper source is
/// refused before it is parsed; real stylesheets stay far below this.
const MAX_PAREN_DEPTH: usize = 8;

/// Finds top-level `@import`s; returns the text with them blanked (lines and columns kept)
/// and the targets with their positions. Refuses parentheses nested deeper than
/// [`MAX_PAREN_DEPTH`].
fn extract_imports(file: &str, text: &str) -> Result<(String, Vec<ImportRef>), StyleError> {
    let bytes = text.as_bytes();
    let mut out = text.to_owned().into_bytes();
    let mut imports = Vec::new();
    let (mut i, mut depth, mut parens) = (0, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
                continue;
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'(' => {
                parens += 1;
                if parens > MAX_PAREN_DEPTH {
                    let (line, column) = line_col(text, i);
                    return Err(StyleError::Syntax {
                        file: file.to_owned(),
                        line,
                        column,
                        message: format!(
                            "parentheses nested more than {MAX_PAREN_DEPTH} deep are not supported"
                        ),
                    });
                }
            }
            b')' => parens = parens.saturating_sub(1),
            b'@' if depth == 0
                && text[i..]
                    .get(..7)
                    .is_some_and(|s| s.eq_ignore_ascii_case("@import")) =>
            {
                let (line, column) = line_col(text, i);
                let end = text[i..].find([';', '\n', '{']).map(|e| i + e);
                let Some(end) = end.filter(|&e| bytes[e] == b';') else {
                    return Err(StyleError::Syntax {
                        file: file.to_owned(),
                        line,
                        column,
                        message: "@import must end with ';'".into(),
                    });
                };
                let target =
                    import_target(text[i + 7..end].trim()).ok_or_else(|| StyleError::Syntax {
                        file: file.to_owned(),
                        line,
                        column,
                        message: "@import needs a quoted path or url()".into(),
                    })?;
                imports.push((target, line, column));
                for b in &mut out[i..=end] {
                    *b = b' ';
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    // Only ASCII bytes were replaced by spaces, so the text is still UTF-8.
    let text = String::from_utf8(out).map_err(|e| StyleError::Print(e.to_string()))?;
    Ok((text, imports))
}

fn import_target(spec: &str) -> Option<String> {
    let spec = spec
        .strip_prefix("url(")
        .and_then(|s| s.strip_suffix(')'))
        .map_or(spec, str::trim);
    let unquoted = spec
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| spec.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(spec);
    (!unquoted.is_empty() && !unquoted.contains(char::is_whitespace)).then(|| unquoted.to_owned())
}

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// lightningcss rejects `rpx` in media queries: convert them in the `@media` preludes of
/// the text before parsing.
fn rewrite_media_rpx(text: &str, px_per_rpx: f32) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find_ci(rest, "@media") {
        let prelude_end = rest[at..].find('{').map_or(rest.len(), |e| at + e);
        out.push_str(&rest[..at]);
        out.push_str(&rpx_to_px(&rest[at..prelude_end], px_per_rpx));
        rest = &rest[prelude_end..];
    }
    out.push_str(rest);
    out
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// `600rpx` → `300px` (at 0.5 px per rpx) in a media query prelude.
fn rpx_to_px(prelude: &str, px_per_rpx: f32) -> String {
    let mut out = String::with_capacity(prelude.len());
    let mut rest = prelude;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit() || c == '.') {
        out.push_str(&rest[..start]);
        let len = rest[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len() - start);
        let number = &rest[start..start + len];
        let after = &rest[start + len..];
        match (number.parse::<f32>(), after.get(..3)) {
            (Ok(n), Some(unit)) if unit.eq_ignore_ascii_case("rpx") => {
                out.push_str(&format!("{}px", n * px_per_rpx));
                rest = &after[3..];
            }
            _ => {
                out.push_str(number);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn compile_one(file: &str, text: &str, options: &StyleOptions) -> Result<String, StyleError> {
    let syntax = |loc: Option<lightningcss::error::ErrorLocation>, message: String| {
        let (line, column) = loc.map_or((1, 1), |l| (l.line + 1, l.column));
        StyleError::Syntax {
            file: file.to_owned(),
            line,
            column,
            message,
        }
    };
    let px_per_rpx = options.window_width / 750.0;
    let text = rewrite_media_rpx(text, px_per_rpx);
    let mut sheet = StyleSheet::parse(&text, parser_options(file))
        .map_err(|e| syntax(e.loc, e.kind.to_string()))?;
    let mut visitor = RpxVisitor {
        px_per_rpx,
        px_per_vh: options.viewport_height.map(|h| h / 100.0),
        scope: options.scope.as_deref(),
        file,
    };
    let Ok(()) = sheet.visit(&mut visitor);
    // Print and parse once more so shorthands holding converted values collapse when minified.
    let printed = sheet
        .to_css(PrinterOptions::default())
        .map_err(|e| StyleError::Print(e.to_string()))?
        .code;
    let mut sheet = StyleSheet::parse(&printed, parser_options(file))
        .map_err(|e| syntax(e.loc, e.kind.to_string()))?;
    sheet
        .minify(MinifyOptions::default())
        .map_err(|e| StyleError::Print(e.to_string()))?;
    let css = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .map_err(|e| StyleError::Print(e.to_string()))?;
    Ok(css.code)
}

/// Turns an `rpx` dimension (and, with `px_per_vh`, a `vh` length) into px and resolves a
/// `url()` against stylesheet `file`, descending into functions (`calc()`, transforms) and
/// `var()` fallbacks, which the visitor does not enter by itself.
fn convert_units(
    token: &mut TokenOrValue<'_>,
    px_per_rpx: f32,
    px_per_vh: Option<f32>,
    file: &str,
) {
    match token {
        TokenOrValue::Token(Token::Dimension { value, unit, .. })
            if unit.eq_ignore_ascii_case("rpx") =>
        {
            *token = TokenOrValue::Length(LengthValue::Px(*value * px_per_rpx));
        }
        TokenOrValue::Length(length) => {
            if let Some(px_per_vh) = px_per_vh {
                convert_vh(length, px_per_vh);
            }
        }
        TokenOrValue::Url(url) => resolve_url(url, file),
        TokenOrValue::Function(f) => {
            for t in &mut f.arguments.0 {
                convert_units(t, px_per_rpx, px_per_vh, file);
            }
        }
        TokenOrValue::Var(v) => {
            for t in v.fallback.iter_mut().flat_map(|f| f.0.iter_mut()) {
                convert_units(t, px_per_rpx, px_per_vh, file);
            }
        }
        _ => {}
    }
}

/// `50vh` (also `svh`, `lvh`, `dvh`) → px of the page's viewport.
fn convert_vh(length: &mut LengthValue, px_per_vh: f32) {
    if let LengthValue::Vh(n) | LengthValue::Svh(n) | LengthValue::Lvh(n) | LengthValue::Dvh(n) =
        length
    {
        *length = LengthValue::Px(*n * px_per_vh);
    }
}

fn parser_options<'i>(file: &str) -> ParserOptions<'i> {
    ParserOptions {
        filename: file.to_owned(),
        ..ParserOptions::default()
    }
}

/// A package path in `url()` resolved against the folder of stylesheet `file`, as CSS
/// resolves it against the stylesheet's URL (the window's document is elsewhere): see
/// [`crate::view`]'s asset paths for the form.
fn resolve_url(url: &mut Url<'_>, file: &str) {
    if let std::borrow::Cow::Owned(resolved) = resolve_asset_path(file, &url.url) {
        url.url = resolved.into();
    }
}

struct RpxVisitor<'s> {
    px_per_rpx: f32,
    /// Set when `vh` lengths become px (see [`StyleOptions::viewport_height`]).
    px_per_vh: Option<f32>,
    scope: Option<&'s str>,
    /// The stylesheet's package path, for relative `url()`s.
    file: &'s str,
}

impl<'i> Visitor<'i> for RpxVisitor<'_> {
    type Error = Infallible;

    fn visit_types(&self) -> VisitTypes {
        visit_types!(TOKENS | SELECTORS | LENGTHS | URLS)
    }

    fn visit_token(&mut self, token: &mut TokenOrValue<'i>) -> Result<(), Self::Error> {
        convert_units(token, self.px_per_rpx, self.px_per_vh, self.file);
        Ok(())
    }

    fn visit_url(&mut self, url: &mut Url<'i>) -> Result<(), Self::Error> {
        resolve_url(url, self.file);
        Ok(())
    }

    fn visit_length(&mut self, length: &mut LengthValue) -> Result<(), Self::Error> {
        if let Some(px_per_vh) = self.px_per_vh {
            convert_vh(length, px_per_vh);
        }
        Ok(())
    }

    fn visit_selector(&mut self, selector: &mut Selector<'i>) -> Result<(), Self::Error> {
        if let Some(scope) = self.scope {
            scope_selector(selector, scope);
        }
        Ok(())
    }
}

/// Scopes a component's selector: `.a` → `.scope--a` (also inside `:not()`, `:is()`,
/// `:where()`, `:has()`), `:host` → `.scope` (the class of the component's host element) and
/// `:host(.x)` → `.scope.x`, where `.x` is a class the parent gave the host.
fn scope_selector(selector: &mut Selector<'_>, scope: &str) {
    for component in selector.iter_mut_raw_match_order() {
        match component {
            Component::Class(Ident(name)) => *name = format!("{scope}--{name}").into(),
            Component::Host(None) => *component = Component::Class(Ident(scope.to_owned().into())),
            Component::Host(Some(inner)) => {
                let mut parts = vec![Component::Class(Ident(scope.to_owned().into()))];
                parts.extend(inner.iter_raw_parse_order_from(0).cloned());
                *component = Component::Is(vec![Selector::from(parts)].into_boxed_slice());
            }
            Component::Negation(list)
            | Component::Is(list)
            | Component::Where(list)
            | Component::Has(list)
            | Component::Any(_, list) => {
                for inner in list.iter_mut() {
                    scope_selector(inner, scope);
                }
            }
            _ => {}
        }
    }
}
