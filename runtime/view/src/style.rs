//! Styles: ACSS/WXSS compiled to CSS with lightningcss.
//!
//! `rpx` becomes `px` for the window width (750rpx = the width) everywhere a length can be,
//! including `calc()`, transforms and media queries; `@import` is inlined from the package
//! (cycles rejected); component styles are scoped by prefixing their class names (`:host`
//! becomes the host element's class); relative `url()`s resolve against the stylesheet's own
//! folder (an imported file's too) into root-relative package paths; output is
//! minified.
//!
//! Like the platforms' style compilers and the webview itself, compiling is lenient: a
//! declaration or rule the CSS parser cannot read is dropped as a browser drops it, and an
//! `@import` without its `;` ends at the end of its line; each such repair is a [`Warning`]
//! at `file:line:col` in [`CompiledStyle::warnings`]. What leaves nothing usable (a sheet
//! of which no rule survives, a missing or cyclic import) is a [`StyleError`].
//!
//! ```
//! use capsule_view::style::{StyleOptions, compile};
//! use std::collections::HashMap;
//!
//! let files = HashMap::from([("app.wxss".to_owned(), ".a { width: 750rpx; margin: calc(10rpx + 1px) }".to_owned())]);
//! let compiled = compile(&files, "app.wxss", &StyleOptions::default()).unwrap();
//! assert_eq!(compiled.css, ".a{width:375px;margin:6px}");
//! assert!(compiled.warnings.is_empty());
//! ```

use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use lightningcss::error::{Error as CssError, ErrorLocation, ParserError};
use lightningcss::properties::custom::{Token, TokenOrValue};
use lightningcss::selector::{Component, Selector};
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use lightningcss::traits::ToCss;
use lightningcss::values::ident::Ident;
use lightningcss::values::length::LengthValue;
use lightningcss::values::url::Url;
use lightningcss::visit_types;
use lightningcss::visitor::{Visit, VisitTypes, Visitor};

use crate::assets::resolve_path as resolve_asset_path;
use crate::page::resolve;
use crate::source::{Location, SourceFiles, Warning};

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
        /// Where it was imported.
        referrer: Option<Location>,
    },
    /// `@import`s form a cycle.
    #[error("@import cycle: {0}")]
    Cycle(String),
    /// The compiled sheet could not be printed.
    #[error("cannot print CSS: {0}")]
    Print(String),
}

/// A compiled stylesheet: its CSS, and what the compiler repaired to get it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompiledStyle {
    /// The minified CSS.
    pub css: String,
    /// Each repair (a dropped declaration or rule, an `@import` without `;`) with where it
    /// is, imported files first, as they come in the CSS.
    pub warnings: Vec<Warning>,
}

impl CompiledStyle {
    fn append(&mut self, other: CompiledStyle) {
        self.css.push_str(&other.css);
        self.warnings.extend(other.warnings);
    }
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
) -> Result<CompiledStyle, StyleError> {
    let mut sources = Vec::new();
    let mut out = CompiledStyle::default();
    collect(
        files,
        path,
        None,
        &mut Vec::new(),
        &mut sources,
        &mut out.warnings,
    )?;
    for (file, text) in &sources {
        out.append(compile_one(file, text, options)?);
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
) -> Result<CompiledStyle, StyleError> {
    let mut out = CompiledStyle::default();
    for path in [app_path, page_path] {
        if files.read_text(path).is_some() {
            out.append(compile(files, path, options)?);
        }
    }
    Ok(out)
}

/// Appends `(file, source with its @imports blanked)` for `path`, its imports first, and
/// the warnings of reading their `@import`s to `warnings`.
///
/// lightningcss's `bundler` is not used for this: it loads a file imported twice once and
/// silently (so no cycle error), keeps the last of repeated imports where this keeps the
/// first, accepts `@import` only before all rules and only with a quoted path or `url()`
/// (WXSS allows both), and its `SourceProvider` must be `Send + Sync` and lend out `&str`s it
/// owns, which `SourceFiles` cannot give without `unsafe` or an arena.
fn collect(
    files: &dyn SourceFiles,
    path: &str,
    referrer: Option<Location>,
    stack: &mut Vec<String>,
    out: &mut Vec<(String, String)>,
    warnings: &mut Vec<Warning>,
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
    let (text, imports) = extract_imports(path, &text, warnings)?;
    stack.push(path.to_owned());
    for (target, line, column) in imports {
        let resolved = resolve(path, &target).ok_or_else(|| StyleError::Syntax {
            file: path.to_owned(),
            line,
            column,
            message: format!("@import '{target}' leaves the package"),
        })?;
        let at = Location {
            file: path.into(),
            line,
            column,
        };
        if let Err(e) = collect(files, &resolved, Some(at), stack, out, warnings) {
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
/// and the targets with their positions. An `@import` without its `;` ends at the end of its
/// line (or of the file), with a warning, as the platforms' compilers take it. Refuses
/// parentheses nested deeper than [`MAX_PAREN_DEPTH`].
fn extract_imports(
    file: &str,
    text: &str,
    warnings: &mut Vec<Warning>,
) -> Result<(String, Vec<ImportRef>), StyleError> {
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
                let end = text[i..]
                    .find([';', '\n', '{'])
                    .map_or(bytes.len(), |e| i + e);
                if bytes.get(end) == Some(&b'{') {
                    return Err(StyleError::Syntax {
                        file: file.to_owned(),
                        line,
                        column,
                        message: "@import must end with ';'".into(),
                    });
                }
                let target =
                    import_target(text[i + 7..end].trim()).ok_or_else(|| StyleError::Syntax {
                        file: file.to_owned(),
                        line,
                        column,
                        message: "@import needs a quoted path or url()".into(),
                    })?;
                if bytes.get(end) != Some(&b';') {
                    let (line, column) = line_col(text, end);
                    warnings.push(Warning {
                        location: Location {
                            file: file.into(),
                            line,
                            column,
                        },
                        message: format!(
                            "@import '{target}' has no ';'; taken to end at the end of the {}",
                            if end == bytes.len() { "file" } else { "line" }
                        ),
                    });
                }
                imports.push((target, line, column));
                // Blank the rule and its `;`, keeping a newline that ended it.
                let blank_end = if bytes.get(end) == Some(&b';') {
                    end + 1
                } else {
                    end
                };
                for b in &mut out[i..blank_end] {
                    *b = b' ';
                }
                i = blank_end;
                continue;
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

fn compile_one(
    file: &str,
    text: &str,
    options: &StyleOptions,
) -> Result<CompiledStyle, StyleError> {
    let syntax = |loc: Option<ErrorLocation>, message: String| {
        let (line, column) = position(loc.as_ref());
        StyleError::Syntax {
            file: file.to_owned(),
            line,
            column,
            message,
        }
    };
    let px_per_rpx = options.window_width / 750.0;
    let mut text = rewrite_media_rpx(text, px_per_rpx);
    // lightningcss drops a whole rule's declarations for one it cannot read, where a browser
    // drops that one: so each bad declaration is blanked out of the text (positions kept)
    // and the sheet read again, until only what a browser drops with its rule is left.
    let mut warnings = Vec::new();
    let mut rounds = 0;
    let (mut sheet, rest) = loop {
        let (sheet, recovered) = parse_lenient(file, &text)?;
        let (bad, rest): (Vec<_>, Vec<_>) =
            recovered.into_iter().partition(|r| r.declaration.is_some());
        if bad.is_empty() || rounds == MAX_REPAIR_ROUNDS {
            break (sheet, bad.into_iter().chain(rest));
        }
        drop(sheet);
        rounds += 1;
        let mut ranges = Vec::with_capacity(bad.len());
        for r in bad {
            ranges.extend(r.declaration);
            warnings.push(r.warning);
        }
        blank(&mut text, ranges);
    };
    warnings.extend(rest.map(|r| r.warning));
    warnings.sort_by_key(|w| (w.location.line, w.location.column));
    // A sheet of which nothing survives is not a sheet: refuse it at its first problem.
    if sheet.rules.0.is_empty()
        && let Some(first) = warnings.first()
    {
        return Err(StyleError::Syntax {
            file: file.to_owned(),
            line: first.location.line,
            column: first.location.column,
            message: first.message.clone(),
        });
    }
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
    Ok(CompiledStyle {
        css: css.code,
        warnings,
    })
}

/// Replaces each character in `ranges` of `text` by a space, so the characters after them
/// keep their lines and columns.
fn blank(text: &mut String, mut ranges: Vec<std::ops::Range<usize>>) {
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    // From the last, so the ranges before are still where they were.
    for r in merged.into_iter().rev() {
        if let Some(part) = text.get(r.clone()) {
            let spaces = " ".repeat(part.chars().count());
            text.replace_range(r, &spaces);
        }
    }
}

/// What lightningcss found wrong, with a token shown as CSS rather than as its Rust form.
pub(crate) fn describe(kind: &ParserError<'_>) -> String {
    match kind {
        ParserError::UnexpectedToken(token) => match token.to_css_string(PrinterOptions::default())
        {
            Ok(css) => format!("unexpected '{css}'"),
            Err(_) => kind.to_string(),
        },
        ParserError::EndOfInput => "unexpected end of the file".into(),
        other => other.to_string(),
    }
}

/// Line and column from 1 of a lightningcss location (its lines count from 0).
fn position(loc: Option<&ErrorLocation>) -> (u32, u32) {
    loc.map_or((1, 1), |l| (l.line + 1, l.column))
}

/// How many times a sheet is read again without the declarations it could not read; each
/// round removes all it found, so one is usual (a declaration hidden by a dropped one needs
/// another).
const MAX_REPAIR_ROUNDS: usize = 4;

/// One thing lightningcss recovered from.
struct Recovered {
    /// For a declaration: its byte range in the text (from the `{` or `;` before it to the
    /// `;` or `}` after it, both excluded).
    declaration: Option<std::ops::Range<usize>>,
    warning: Warning,
}

/// Parses `text` dropping what cannot be read, as browsers do; returns the sheet and what
/// was dropped, without lightningcss's second try at a bad declaration: it reads
/// `color:var(…)` once more as a nested rule (selector `color:var(…)`), which fails too and
/// reports a selector error just before the declaration's own.
fn parse_lenient<'i>(
    file: &str,
    text: &'i str,
) -> Result<(StyleSheet<'i>, Vec<Recovered>), StyleError> {
    let recovered = Arc::new(RwLock::new(Vec::new()));
    let options = ParserOptions {
        error_recovery: true,
        warnings: Some(Arc::clone(&recovered)),
        ..parser_options(file)
    };
    let sheet = StyleSheet::parse(text, options).map_err(|e| {
        let (line, column) = position(e.loc.as_ref());
        StyleError::Syntax {
            file: file.to_owned(),
            line,
            column,
            message: describe(&e.kind),
        }
    })?;
    let list = recovered.read().map(|l| l.clone()).unwrap_or_default();
    let mut out = Vec::with_capacity(list.len());
    for (n, error) in list.iter().enumerate() {
        // lightningcss places a bad token where the whitespace before it starts.
        let at = error.loc.as_ref().and_then(|l| offset(text, l)).map(|at| {
            text[at..]
                .find(|c: char| c == '\n' || !c.is_whitespace())
                .map_or(at, |n| at + n)
        });
        let retried = matches!(error.kind, ParserError::SelectorError(_))
            && list.get(n + 1).is_some_and(|next| {
                let next_at = next.loc.as_ref().and_then(|l| offset(text, l));
                Dropped::of(&next.kind) == Dropped::Declaration
                    && matches!((at, next_at), (Some(a), Some(b)) if a <= b
                        && text.get(a..b).is_some_and(|t| !t.contains(['{', '}', ';'])))
            });
        if retried {
            continue;
        }
        out.push(Recovered {
            declaration: at
                .filter(|_| Dropped::of(&error.kind) == Dropped::Declaration)
                .and_then(|at| declaration_around(text, at)),
            warning: warning(file, error, at.map(|at| line_col(text, at))),
        });
    }
    Ok((sheet, out))
}

/// The byte offset of a lightningcss location in `text` (lines from 0, columns in UTF-16
/// units from 1).
fn offset(text: &str, loc: &ErrorLocation) -> Option<usize> {
    let mut line_start = 0;
    for _ in 0..loc.line {
        line_start += text[line_start..].find('\n')? + 1;
    }
    let mut units = 1;
    for (i, c) in text[line_start..].char_indices() {
        if units >= loc.column || c == '\n' {
            return Some(line_start + i);
        }
        units += u32::try_from(c.len_utf16()).ok()?;
    }
    Some(text.len())
}

/// The declaration holding byte `at`: back to the `;` or `{` before it, on to the `;` or `}`
/// after it outside parentheses and strings; `None` when that is empty.
fn declaration_around(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let start = text[..at].rfind([';', '{', '}']).map_or(0, |i| i + 1);
    let (mut i, mut parens) = (at, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => parens += 1,
            b')' => parens = parens.saturating_sub(1),
            b';' | b'}' if parens == 0 => break,
            _ => {}
        }
        i += 1;
    }
    let end = i.min(bytes.len());
    (start < end).then_some(start..end)
}

/// What a browser drops for a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dropped {
    Declaration,
    Rule,
    AtRule,
}

impl Dropped {
    fn of(kind: &ParserError<'_>) -> Self {
        match kind {
            ParserError::SelectorError(_)
            | ParserError::QualifiedRuleInvalid
            | ParserError::InvalidPageSelector
            | ParserError::InvalidNesting
            | ParserError::EndOfInput => Self::Rule,
            ParserError::AtRuleBodyInvalid
            | ParserError::AtRulePreludeInvalid
            | ParserError::AtRuleInvalid(_)
            | ParserError::InvalidMediaQuery
            | ParserError::EmptyBracketInCondition
            | ParserError::UnexpectedImportRule
            | ParserError::UnexpectedNamespaceRule
            | ParserError::DeprecatedNestRule
            | ParserError::DeprecatedCssModulesValueRule => Self::AtRule,
            _ => Self::Declaration,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Declaration => "the declaration",
            Self::Rule => "the rule",
            Self::AtRule => "the at-rule",
        }
    }
}

/// A problem lightningcss recovered from, as the author's warning: what it dropped and why,
/// at `position_in_text` (line, column in characters) when that is known.
fn warning(
    file: &str,
    error: &CssError<ParserError<'_>>,
    position_in_text: Option<(u32, u32)>,
) -> Warning {
    let (line, column) = position_in_text.unwrap_or_else(|| position(error.loc.as_ref()));
    let dropped = Dropped::of(&error.kind).name();
    Warning {
        location: Location {
            file: file.into(),
            line,
            column,
        },
        message: format!(
            "{}; {dropped} is ignored, as a browser ignores it",
            describe(&error.kind)
        ),
    }
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
