//! Template IR: one parsed AXML/WXML file, lowered from the token stream.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::ViewError;
use crate::expr::{self, Expr};
use crate::lexer::{Lexer, RawAttr, Token, interpolation_len};
use crate::source::Dialect;
use crate::source::{SourceMap, Warning};

/// Text with `{{ }}` interpolations.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Interp {
    pub(crate) parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Literal(String),
    /// An expression with the byte offset of its source in the file.
    Expr(Expr, usize),
    /// An expression bound in the content of a `<text decode>`: its text has the entities
    /// `decode` documents decoded ([`decode_text`]) while `when` (the `decode` attribute) is
    /// truthy. The text typed around it is decoded already, as all template text is.
    Decoded {
        expr: Expr,
        /// The byte offset of its source in the file.
        at: usize,
        when: Interp,
    },
}

impl Interp {
    fn literal(s: &str) -> Self {
        Self {
            parts: vec![Part::Literal(s.to_owned())],
        }
    }
}

/// How an event handler takes part in propagation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventPhase {
    /// Runs, and the event goes on bubbling (`bindtap`, `bind:tap`, `onTap`).
    Bubble,
    /// Runs and stops propagation (`catchtap`, `catch:tap`, `catchTap`).
    Catch,
    /// Runs in the capture phase (`capture-bind:tap`, `capture-onTap`).
    Capture,
    /// Runs in the capture phase and stops propagation (`capture-catch:tap`).
    CaptureCatch,
    /// Runs unless a `mut-bind` handler below already ran (`mut-bind:tap`).
    Mutated,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EventAttr {
    /// The attribute as written (`onTap`, `bindtap`): an Alipay component takes
    /// `onXxx` as a handler property under this name.
    pub(crate) attr: String,
    pub(crate) event: String,
    pub(crate) phase: EventPhase,
    pub(crate) handler: Interp,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KeySpec {
    /// `*this`: the item itself.
    This,
    /// A field of the item.
    Field(String),
    /// `key="{{…}}"`.
    Expr(Interp),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Element {
    pub(crate) tag: String,
    pub(crate) attrs: Vec<(String, Interp)>,
    /// `data-*` attributes: the name after `data-` as written, and the value.
    pub(crate) dataset: Vec<(String, Interp)>,
    pub(crate) events: Vec<EventAttr>,
    pub(crate) key: Option<KeySpec>,
    pub(crate) children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ForLoop {
    pub(crate) list: Interp,
    pub(crate) item: String,
    pub(crate) index: String,
    pub(crate) key: Option<KeySpec>,
    pub(crate) body: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text(Interp),
    Element(Box<Element>),
    /// `if`/`elif`/`else` chain; the first branch whose condition holds renders.
    If(Vec<(Option<Interp>, Node)>),
    For(Box<ForLoop>),
    Block(Vec<Node>),
    TemplateCall {
        is: Interp,
        /// The `data` expression and its byte offset.
        data: Option<(Expr, usize)>,
    },
    Slot {
        name: Interp,
        /// What renders when the slot gets no content (Alipay; WeChat slots have none).
        fallback: Vec<Node>,
    },
    /// `<include src>`: the path as written, resolved to a package path when linking.
    Include {
        src: String,
        offset: usize,
    },
}

/// A view-script module declared in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptDecl {
    pub(crate) name: String,
    /// `src`/`from` path as written.
    pub(crate) src: Option<String>,
    pub(crate) inline: Option<String>,
    pub(crate) offset: usize,
}

/// One parsed template file.
#[derive(Debug, Clone)]
pub(crate) struct TemplateFile {
    pub(crate) map: SourceMap,
    pub(crate) root: Vec<Node>,
    pub(crate) templates: HashMap<String, Vec<Node>>,
    /// `<import src>` paths (as written until linked) with their offsets.
    pub(crate) imports: Vec<(String, usize)>,
    pub(crate) scripts: Vec<ScriptDecl>,
    pub(crate) warnings: Vec<Warning>,
}

struct RawElement<'s> {
    name: &'s str,
    attrs: Vec<RawAttr<'s>>,
    children: Vec<RawNode<'s>>,
    start: usize,
}

enum RawNode<'s> {
    Text {
        text: &'s str,
        start: usize,
        raw: bool,
    },
    Element(RawElement<'s>),
}

/// Elements nested deeper than this are refused rather than risking the stack.
const MAX_NESTING: usize = 256;

/// Parses `text` (named `file`) into its IR.
pub(crate) fn parse_file(
    file: &str,
    text: &str,
    dialect: Dialect,
) -> Result<TemplateFile, ViewError> {
    let map = SourceMap::new(file, text);
    let (tokens, mut raw_warnings) = Lexer::new(text).tokenize();
    let roots = build_tree(tokens, &mut raw_warnings, &map)?;
    let mut lower = Lower {
        map: &map,
        dialect,
        warnings: Vec::new(),
        templates: HashMap::new(),
        imports: Vec::new(),
        scripts: Vec::new(),
    };
    let root = lower.children(&roots)?;
    let mut warnings: Vec<Warning> = raw_warnings
        .into_iter()
        .map(|(at, message)| Warning {
            location: map.locate(at),
            message,
        })
        .collect();
    warnings.append(&mut lower.warnings);
    warnings.sort_by_key(|w| (w.location.line, w.location.column));
    Ok(TemplateFile {
        root,
        templates: lower.templates,
        imports: lower.imports,
        scripts: lower.scripts,
        warnings,
        map,
    })
}

fn build_tree<'s>(
    tokens: Vec<Token<'s>>,
    warnings: &mut Vec<(usize, String)>,
    map: &SourceMap,
) -> Result<Vec<RawNode<'s>>, ViewError> {
    fn push<'s>(stack: &mut [RawElement<'s>], roots: &mut Vec<RawNode<'s>>, node: RawNode<'s>) {
        match stack.last_mut() {
            Some(parent) => parent.children.push(node),
            None => roots.push(node),
        }
    }
    let mut stack: Vec<RawElement<'s>> = Vec::new();
    let mut roots = Vec::new();
    for token in tokens {
        match token {
            Token::Text { text, start, raw } => {
                push(&mut stack, &mut roots, RawNode::Text { text, start, raw });
            }
            Token::Open {
                name,
                attrs,
                self_closing,
                start,
            } => {
                let el = RawElement {
                    name,
                    attrs,
                    children: Vec::new(),
                    start,
                };
                if self_closing {
                    push(&mut stack, &mut roots, RawNode::Element(el));
                } else if stack.len() >= MAX_NESTING {
                    return Err(ViewError::Syntax {
                        location: map.locate(start),
                        message: format!("elements nested deeper than {MAX_NESTING}"),
                    });
                } else {
                    stack.push(el);
                }
            }
            Token::Close { name, start } => {
                let Some(depth) = stack.iter().rposition(|e| e.name == name) else {
                    warnings.push((start, format!("</{name}> closes nothing and is ignored")));
                    continue;
                };
                while stack.len() > depth + 1 {
                    let el = stack.pop().expect("stack is deeper than the match");
                    warnings.push((
                        el.start,
                        format!("<{}> is not closed; closed by </{name}>", el.name),
                    ));
                    push(&mut stack, &mut roots, RawNode::Element(el));
                }
                let el = stack.pop().expect("the matched element is on the stack");
                push(&mut stack, &mut roots, RawNode::Element(el));
            }
        }
    }
    while let Some(el) = stack.pop() {
        warnings.push((
            el.start,
            format!("<{}> is not closed before the end of the file", el.name),
        ));
        push(&mut stack, &mut roots, RawNode::Element(el));
    }
    Ok(roots)
}

struct Lower<'m> {
    map: &'m SourceMap,
    dialect: Dialect,
    warnings: Vec<Warning>,
    templates: HashMap<String, Vec<Node>>,
    imports: Vec<(String, usize)>,
    scripts: Vec<ScriptDecl>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CondKind {
    If,
    Elif,
    Else,
}

type Cond = Option<(CondKind, Option<Interp>)>;

/// Directive attributes of one element.
#[derive(Default)]
struct Directives {
    cond: Cond,
    for_list: Option<Interp>,
    item: Option<String>,
    index: Option<String>,
    key: Option<KeySpec>,
}

impl Lower<'_> {
    fn warn(&mut self, at: usize, message: impl Into<String>) {
        self.warnings.push(Warning {
            location: self.map.locate(at),
            message: message.into(),
        });
    }

    fn error(&self, at: usize, message: impl Into<String>) -> ViewError {
        ViewError::Syntax {
            location: self.map.locate(at),
            message: message.into(),
        }
    }

    fn children(&mut self, raw: &[RawNode<'_>]) -> Result<Vec<Node>, ViewError> {
        let mut out: Vec<Node> = Vec::new();
        // Whether the last node is an `if` chain that `elif`/`else` may still extend.
        let mut chain_open = false;
        for node in raw {
            let (text, start, raw_text) = match node {
                RawNode::Text { text, start, raw } => (*text, *start, *raw),
                RawNode::Element(el) => {
                    let Some((cond, node)) = self.element(el)? else {
                        continue;
                    };
                    chain_open = self.place(&mut out, cond, node, chain_open, el.start);
                    continue;
                }
            };
            if raw_text || text.trim().is_empty() {
                continue;
            }
            out.push(Node::Text(self.interp(text, start, true)?));
            chain_open = false;
        }
        Ok(out)
    }

    /// Appends `node`, joining `elif`/`else` to the open chain; returns whether a chain is open.
    fn place(
        &mut self,
        out: &mut Vec<Node>,
        cond: Cond,
        node: Node,
        chain_open: bool,
        at: usize,
    ) -> bool {
        let Some((kind, test)) = cond else {
            out.push(node);
            return false;
        };
        if kind != CondKind::If {
            if let (true, Some(Node::If(branches))) = (chain_open, out.last_mut()) {
                branches.push((test, node));
                return kind == CondKind::Elif;
            }
            let which = if kind == CondKind::Elif {
                "elif"
            } else {
                "else"
            };
            self.warn(
                at,
                format!(
                    "{}{which} without a preceding if; treated as if",
                    self.dialect.prefix()
                ),
            );
        }
        out.push(Node::If(vec![(test, node)]));
        true
    }

    /// Lowers an element; `None` for declarations that render nothing (template, import, wxs).
    fn element(&mut self, el: &RawElement<'_>) -> Result<Option<(Cond, Node)>, ViewError> {
        let mut dirs = Directives::default();
        let mut attrs: Vec<(String, Interp)> = Vec::new();
        let mut dataset = Vec::new();
        let mut events = Vec::new();
        let mut plain: HashMap<&str, (&str, usize)> = HashMap::new();
        for attr in &el.attrs {
            let value = attr.value.unwrap_or("");
            if let Some(directive) = Dialect::directive(attr.name) {
                match directive {
                    "if" => {
                        dirs.cond = Some((
                            CondKind::If,
                            Some(self.interp(value, attr.value_start, false)?),
                        ));
                    }
                    "elif" => {
                        dirs.cond = Some((
                            CondKind::Elif,
                            Some(self.interp(value, attr.value_start, false)?),
                        ));
                    }
                    "else" => dirs.cond = Some((CondKind::Else, None)),
                    "for" | "for-items" => {
                        dirs.for_list = Some(self.interp(value, attr.value_start, false)?);
                    }
                    "for-item" => dirs.item = Some(value.trim().to_owned()),
                    "for-index" => dirs.index = Some(value.trim().to_owned()),
                    "key" => dirs.key = Some(self.key(value, attr.value_start)?),
                    _ => self.warn(
                        attr.name_start,
                        format!("unknown directive '{}' ignored", attr.name),
                    ),
                }
                continue;
            }
            if attr.name == "key" {
                dirs.key = Some(self.key(value, attr.value_start)?);
                continue;
            }
            // `<template>` attributes have their own syntax (`data="{{...item}}"`).
            if el.name == "template" {
                plain.insert(attr.name, (value, attr.value_start));
                continue;
            }
            if let Some((event, phase)) = event_attr(attr.name) {
                let handler = self.interp(value, attr.value_start, false)?;
                events.push(EventAttr {
                    attr: attr.name.to_owned(),
                    event,
                    phase,
                    handler,
                });
                continue;
            }
            if let Some(name) = attr.name.strip_prefix("data-") {
                dataset.push((name.to_owned(), self.attr_value(attr)?));
                continue;
            }
            plain.insert(attr.name, (value, attr.value_start));
            attrs.push((attr.name.to_owned(), self.attr_value(attr)?));
        }
        let static_attr = |name: &str| plain.get(name).map(|(v, _)| v.trim().to_owned());
        let node = match el.name {
            "template" if plain.contains_key("name") => {
                let name = static_attr("name").unwrap_or_default();
                let body = self.children(&el.children)?;
                if self.templates.insert(name.clone(), body).is_some() {
                    self.warn(
                        el.start,
                        format!("template '{name}' defined twice; the last one wins"),
                    );
                }
                return Ok(None);
            }
            "template" => {
                let Some(&(is, at)) = plain.get("is") else {
                    self.warn(el.start, "<template> without name or is ignored");
                    return Ok(None);
                };
                let is = self.interp(is, at, false)?;
                let data = match plain.get("data") {
                    Some(&(d, at)) => Some((self.data_body(d, at)?, at)),
                    None => None,
                };
                Node::TemplateCall { is, data }
            }
            "import" => {
                match static_attr("src") {
                    Some(src) => self.imports.push((src, el.start)),
                    None => self.warn(el.start, "<import> without src ignored"),
                }
                return Ok(None);
            }
            "include" => match static_attr("src") {
                Some(src) => Node::Include {
                    src,
                    offset: el.start,
                },
                None => {
                    self.warn(el.start, "<include> without src ignored");
                    return Ok(None);
                }
            },
            "wxs" | "sjs" | "import-sjs" => {
                self.script(el, &static_attr);
                return Ok(None);
            }
            "slot" => Node::Slot {
                name: attrs
                    .iter()
                    .find(|(n, _)| n == "name")
                    .map_or_else(|| Interp::literal(""), |(_, v)| v.clone()),
                fallback: if self.dialect == Dialect::Alipay {
                    self.children(&el.children)?
                } else {
                    Vec::new()
                },
            },
            "block" => Node::Block(self.children(&el.children)?),
            _ => {
                let mut children = self.children(&el.children)?;
                if el.name == "text"
                    && let Some((_, when)) = attrs.iter().find(|(name, _)| name == "decode")
                {
                    decode_bound(&mut children, when);
                }
                Node::Element(Box::new(Element {
                    tag: el.name.to_owned(),
                    attrs,
                    dataset,
                    events,
                    key: if dirs.for_list.is_some() {
                        None
                    } else {
                        dirs.key.take()
                    },
                    children,
                }))
            }
        };
        let Some(list) = dirs.for_list else {
            return Ok(Some((dirs.cond, node)));
        };
        // A condition on a `for` element applies to each item.
        let (outer, body) = match dirs.cond {
            Some((CondKind::If, test)) => (None, Node::If(vec![(test, node)])),
            other => (other, node),
        };
        let for_loop = ForLoop {
            list,
            item: dirs
                .item
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "item".into()),
            index: dirs
                .index
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "index".into()),
            key: dirs.key,
            body,
        };
        Ok(Some((outer, Node::For(Box::new(for_loop)))))
    }

    fn script(&mut self, el: &RawElement<'_>, static_attr: &dyn Fn(&str) -> Option<String>) {
        let name = static_attr("module").or_else(|| static_attr("name"));
        let src = static_attr("src").or_else(|| static_attr("from"));
        let inline = el.children.iter().find_map(|c| match c {
            RawNode::Text { text, .. } if !text.trim().is_empty() => Some((*text).to_owned()),
            _ => None,
        });
        match name {
            Some(name) if src.is_some() || inline.is_some() => self.scripts.push(ScriptDecl {
                name,
                src,
                inline,
                offset: el.start,
            }),
            _ => self.warn(
                el.start,
                format!("<{}> needs a module name and a source; ignored", el.name),
            ),
        }
    }

    fn attr_value(&mut self, attr: &RawAttr<'_>) -> Result<Interp, ViewError> {
        match attr.value {
            // A valueless attribute (`<input disabled>`) means true.
            None => Ok(Interp {
                parts: vec![Part::Expr(
                    Expr::Literal(serde_json::Value::Bool(true)),
                    attr.name_start,
                )],
            }),
            Some(v) => self.interp(v, attr.value_start, false),
        }
    }

    fn key(&mut self, value: &str, at: usize) -> Result<KeySpec, ViewError> {
        let trimmed = value.trim();
        Ok(if trimmed == "*this" {
            KeySpec::This
        } else if trimmed.contains("{{") {
            KeySpec::Expr(self.interp(value, at, false)?)
        } else {
            KeySpec::Field(trimmed.to_owned())
        })
    }

    fn data_body(&mut self, value: &str, at: usize) -> Result<Expr, ViewError> {
        let lead = value.len() - value.trim_start().len();
        let inner = value
            .trim()
            .strip_prefix("{{")
            .and_then(|s| s.strip_suffix("}}"))
            .ok_or_else(|| self.error(at, "template data must be one {{ }} expression"))?;
        expr::parse_object_body(inner).map_err(|e| self.error(at + lead + 2 + e.offset, e.message))
    }

    /// Splits text into literals and `{{ }}` expressions; `decode` decodes entities in literals.
    fn interp(&mut self, text: &str, at: usize, decode: bool) -> Result<Interp, ViewError> {
        let literal = |s: &str| {
            if decode {
                decode_entities(s)
            } else {
                s.to_owned()
            }
        };
        let mut parts = Vec::new();
        let mut rest = text;
        let mut offset = at;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Literal(literal(&rest[..open])));
            }
            let len = interpolation_len(&rest[open..]);
            let body = &rest[open + 2..open + len];
            let Some(inner) = body.strip_suffix("}}") else {
                return Err(self.error(offset + open, "'{{' is not closed by '}}'"));
            };
            let inner_at = offset + open + 2;
            let e = expr::parse(inner).map_err(|e| self.error(inner_at + e.offset, e.message))?;
            parts.push(Part::Expr(e, inner_at));
            offset += open + len;
            rest = &rest[open + len..];
        }
        if !rest.is_empty() || parts.is_empty() {
            parts.push(Part::Literal(literal(rest)));
        }
        Ok(Interp { parts })
    }
}

/// The longest name of an HTML named character reference: `CounterClockwiseContourIntegral`.
const LONGEST_ENTITY_NAME: usize = 31;

/// Decodes character references in template text: every HTML named reference ending in `;`
/// (`&lt;`, `&nbsp;`, `&hellip;`, `&rarr;`, ...; names are case-sensitive) and numeric ones
/// (`&#39;`, `&#x4e2d;`). Anything else stays as written: an unknown name (`&bogus;`), a
/// name without its `;` (HTML's legacy `&copy` form is not decoded), a bare `&`.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // `;` is ASCII, so its byte position is a character boundary.
        let semicolon = rest
            .bytes()
            .take(LONGEST_ENTITY_NAME + 2)
            .position(|b| b == b';');
        let decoded = semicolon.and_then(|end| {
            let name = &rest[1..end];
            if name.starts_with('#') {
                let c = name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32)
                    .filter(|_| end <= 10)?;
                Some((Cow::Owned(c.to_string()), end))
            } else if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                let reference = &rest[..=end];
                let text = html_escape::decode_html_entities(reference);
                (text != reference).then_some((text, end))
            } else {
                None
            }
        });
        match decoded {
            Some((text, end)) => {
                out.push_str(&text);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Makes the `{{ }}` text among `nodes` (the content of a `<text>` with a `decode`
/// attribute, through conditions, loops and blocks but not into other elements) decode the
/// entities `decode` documents while `when` holds.
fn decode_bound(nodes: &mut [Node], when: &Interp) {
    for node in nodes {
        match node {
            Node::Text(interp) => {
                for part in &mut interp.parts {
                    if let Part::Expr(expr, at) = part {
                        *part = Part::Decoded {
                            expr: std::mem::replace(expr, Expr::Literal(serde_json::Value::Null)),
                            at: *at,
                            when: when.clone(),
                        };
                    }
                }
            }
            Node::If(branches) => {
                for (_, body) in branches {
                    decode_bound(std::slice::from_mut(body), when);
                }
            }
            Node::For(for_loop) => decode_bound(std::slice::from_mut(&mut for_loop.body), when),
            Node::Block(children) => decode_bound(children, when),
            Node::Element(_)
            | Node::TemplateCall { .. }
            | Node::Slot { .. }
            | Node::Include { .. } => {}
        }
    }
}

/// The entities `<text decode>` decodes, as both platforms list them: `&nbsp;` `&lt;` `&gt;`
/// `&amp;` `&apos;` `&ensp;` `&emsp;` (in one pass: `&amp;lt;` gives `&lt;`). Anything else
/// stays as written.
pub(crate) fn decode_text(s: &str) -> Cow<'_, str> {
    const DECODED: [(&str, &str); 7] = [
        ("&nbsp;", "\u{a0}"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
        ("&apos;", "'"),
        ("&ensp;", "\u{2002}"),
        ("&emsp;", "\u{2003}"),
    ];
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match DECODED.iter().find(|(entity, _)| rest.starts_with(entity)) {
            Some((entity, text)) => {
                out.push_str(text);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The dataset name of `data-<name>`: lowercased as HTML does, then `foo-bar` → `fooBar`.
pub(crate) fn dash_to_camel(s: &str) -> String {
    prop_name(&s.to_lowercase())
}

/// A component property name: `foo-bar` → `fooBar`; camelCase as written stays.
pub(crate) fn prop_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for c in s.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Recognises event attributes of both dialects: `(event name, phase)`.
fn event_attr(name: &str) -> Option<(String, EventPhase)> {
    const WECHAT: &[(&str, EventPhase)] = &[
        ("capture-bind:", EventPhase::Capture),
        ("capture-catch:", EventPhase::CaptureCatch),
        ("mut-bind:", EventPhase::Mutated),
        ("mut-bind", EventPhase::Mutated),
        ("bind:", EventPhase::Bubble),
        ("catch:", EventPhase::Catch),
        ("bind", EventPhase::Bubble),
        ("catch", EventPhase::Catch),
    ];
    const ALIPAY: &[(&str, EventPhase)] = &[
        ("capture-on", EventPhase::Capture),
        ("capture-catch", EventPhase::CaptureCatch),
        ("on", EventPhase::Bubble),
        ("catch", EventPhase::Catch),
    ];
    // After a colon any custom event name (`bind:my-event`); without one, lowercase letters.
    let valid = |prefix: &str, e: &str| {
        !e.is_empty()
            && e.chars().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || (prefix.ends_with(':') && matches!(c, '-' | '_'))
            })
    };
    for (prefix, phase) in WECHAT {
        if let Some(event) = name.strip_prefix(prefix).filter(|e| valid(prefix, e)) {
            return Some((event.to_owned(), *phase));
        }
    }
    ALIPAY.iter().find_map(|(prefix, phase)| {
        name.strip_prefix(prefix)
            .filter(|e| e.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(|e| (e.to_ascii_lowercase(), *phase))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_of_both_dialects() {
        let cases = [
            ("bindtap", Some(("tap", EventPhase::Bubble))),
            ("bind:tap", Some(("tap", EventPhase::Bubble))),
            ("catchtap", Some(("tap", EventPhase::Catch))),
            ("catch:longpress", Some(("longpress", EventPhase::Catch))),
            (
                "capture-bind:touchstart",
                Some(("touchstart", EventPhase::Capture)),
            ),
            ("capture-catch:tap", Some(("tap", EventPhase::CaptureCatch))),
            ("mut-bind:tap", Some(("tap", EventPhase::Mutated))),
            ("onTap", Some(("tap", EventPhase::Bubble))),
            ("onTouchStart", Some(("touchstart", EventPhase::Bubble))),
            ("catchTap", Some(("tap", EventPhase::Catch))),
            ("capture-onTap", Some(("tap", EventPhase::Capture))),
            ("capture-catchTap", Some(("tap", EventPhase::CaptureCatch))),
            ("one", None),
            ("class", None),
            ("on", None),
            ("bind", None),
            ("binding-x", None),
            ("bind:my-event", Some(("my-event", EventPhase::Bubble))),
        ];
        for (name, want) in cases {
            let got = event_attr(name);
            assert_eq!(got, want.map(|(e, p)| (e.to_owned(), p)), "{name}");
        }
    }

    #[test]
    fn entities_and_names() {
        assert_eq!(
            decode_entities("a &lt;b&gt; &amp;&#65;&#x42;&bogus; &"),
            "a <b> &AB&bogus; &"
        );
        assert_eq!(dash_to_camel("foo-bar-baz"), "fooBarBaz");
        assert_eq!(dash_to_camel("Id"), "id");
        assert_eq!(prop_name("item-title"), "itemTitle");
        assert_eq!(prop_name("itemTitle"), "itemTitle");
    }

    /// Named character references as the WHATWG HTML standard lists them (names are
    /// case-sensitive; some stand for two code points).
    #[test]
    fn every_html_named_reference_decodes() {
        let cases = [
            ("&hellip;", "\u{2026}"),
            ("&mdash;", "\u{2014}"),
            ("&ndash;", "\u{2013}"),
            ("&yen;", "\u{a5}"),
            ("&copy;", "\u{a9}"),
            ("&COPY;", "\u{a9}"),
            ("&times;", "\u{d7}"),
            ("&rarr;", "\u{2192}"),
            ("&euro;", "\u{20ac}"),
            ("&ldquo;&rdquo;", "\u{201c}\u{201d}"),
            ("&nbsp;", "\u{a0}"),
            ("&AMP;", "&"),
            ("&Aacute;&aacute;", "\u{c1}\u{e1}"),
            ("&frac12;", "\u{bd}"),
            ("&NotEqualTilde;", "\u{2242}\u{338}"),
            ("&nvlt;", "<\u{20d2}"),
            ("&CounterClockwiseContourIntegral;", "\u{2233}"),
            (
                "1&nbsp;&yen; &times; 3 &rarr; x&hellip;",
                "1\u{a0}\u{a5} \u{d7} 3 \u{2192} x\u{2026}",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(decode_entities(text), want, "{text}");
        }
    }

    /// `<text decode>` decodes the seven entities the platforms list, once; no others.
    #[test]
    fn text_decode_takes_the_documented_entities() {
        let cases = [
            ("&lt;b&gt; &amp; &apos;quoted&apos;", "<b> & 'quoted'"),
            ("a&nbsp;b&ensp;c&emsp;d", "a\u{a0}b\u{2002}c\u{2003}d"),
            ("&amp;lt; stays &lt;", "&lt; stays <"),
            ("&quot;&hellip;&#65;&LT;", "&quot;&hellip;&#65;&LT;"),
            ("& &amp &; plain", "& &amp &; plain"),
            ("no entities", "no entities"),
        ];
        for (text, want) in cases {
            assert_eq!(decode_text(text), want, "{text}");
        }
    }

    #[test]
    fn what_is_not_a_known_reference_stays_as_written() {
        for text in [
            "&bogus;",
            "&Hellip;",
            "&MDASH;",
            "&;",
            "& ;",
            "a & b",
            "&",
            "&&",
            "&rarr",
            "&hel lip;",
            "&CounterClockwiseContourIntegrals;",
            "&#;",
            "&#x;",
            "&#xD800;",
            "&#x110000;",
        ] {
            assert_eq!(decode_entities(text), text, "{text}");
        }
        // A reference's text is not decoded again.
        assert_eq!(decode_entities("&amp;lt;"), "&lt;");
        assert_eq!(decode_entities("&amp;hellip;"), "&hellip;");
        assert_eq!(decode_entities("&&lt;"), "&<");
        assert_eq!(decode_entities("&#65;&#x4e2d;&#X4E2D;"), "A中中");
    }
}
