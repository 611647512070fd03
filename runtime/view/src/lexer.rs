//! A case-preserving lexer for AXML/WXML with byte offsets.
//!
//! HTML tokenizers lowercase names and read `{{a<b}}` as a tag; mini-program templates need
//! neither. `{{ … }}` is read as one unit wherever it appears, the body of `<wxs>` is raw text,
//! and the quirks found in real files (valueless or unquoted attributes, control characters,
//! stray `<`) are accepted with a warning instead of failing.

/// One lexical item of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'s> {
    /// Character data (entities not yet decoded); `raw` for the body of `<wxs>`.
    Text {
        text: &'s str,
        start: usize,
        raw: bool,
    },
    /// `<name attrs…>` or `<name …/>`.
    Open {
        name: &'s str,
        attrs: Vec<RawAttr<'s>>,
        self_closing: bool,
        start: usize,
    },
    /// `</name>`.
    Close { name: &'s str, start: usize },
}

/// An attribute as written; `value` is `None` for a valueless attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawAttr<'s> {
    pub(crate) name: &'s str,
    pub(crate) value: Option<&'s str>,
    pub(crate) name_start: usize,
    pub(crate) value_start: usize,
}

/// Tags whose content is script source, not markup.
const RAW_TEXT_TAGS: &[&str] = &["wxs", "sjs"];

pub(crate) struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    warnings: Vec<(usize, String)>,
}

impl<'s> Lexer<'s> {
    pub(crate) fn new(src: &'s str) -> Self {
        Self {
            src,
            pos: 0,
            warnings: Vec::new(),
        }
    }

    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn warn(&mut self, at: usize, message: impl Into<String>) {
        self.warnings.push((at, message.into()));
    }

    /// Lexes the whole input; returns the tokens and the warnings (byte offset, message).
    pub(crate) fn tokenize(mut self) -> (Vec<Token<'s>>, Vec<(usize, String)>) {
        let mut tokens = Vec::new();
        while self.pos < self.src.len() {
            let rest = self.rest();
            if let Some(comment) = rest.strip_prefix("<!--") {
                match comment.find("-->") {
                    Some(end) => self.pos += 4 + end + 3,
                    None => {
                        self.warn(self.pos, "unterminated comment runs to the end of the file");
                        self.pos = self.src.len();
                    }
                }
            } else if rest.starts_with("</") && rest[2..].starts_with(is_name_start) {
                tokens.push(self.close_tag());
            } else if rest.starts_with('<') && rest[1..].starts_with(is_name_start) {
                let token = self.open_tag();
                let raw_tag = match &token {
                    Token::Open {
                        name,
                        self_closing: false,
                        ..
                    } if RAW_TEXT_TAGS.contains(name) => Some(*name),
                    _ => None,
                };
                tokens.push(token);
                if let Some(raw) = raw_tag.and_then(|name| self.raw_text(name)) {
                    tokens.push(raw);
                }
            } else {
                let start = self.pos;
                self.text();
                tokens.push(Token::Text {
                    text: &self.src[start..self.pos],
                    start,
                    raw: false,
                });
            }
        }
        (tokens, self.warnings)
    }

    fn raw_text(&mut self, tag: &str) -> Option<Token<'s>> {
        let start = self.pos;
        let closing = format!("</{tag}");
        let end = match self.rest().find(&closing) {
            Some(end) => start + end,
            None => {
                self.warn(start, format!("<{tag}> is not closed"));
                self.src.len()
            }
        };
        self.pos = end;
        (end > start).then(|| Token::Text {
            text: &self.src[start..end],
            start,
            raw: true,
        })
    }

    /// Character data up to the next tag; `{{ … }}` is skipped as a unit.
    fn text(&mut self) {
        // Always consume at least one character so a stray `<` makes progress.
        if self.rest().starts_with('<') {
            self.warn(self.pos, "stray '<' read as text");
            self.pos += 1;
        }
        while self.pos < self.src.len() {
            let rest = self.rest();
            if rest.starts_with("{{") {
                self.pos += interpolation_len(rest);
            } else if rest.starts_with('<')
                && (rest[1..].starts_with(is_name_start)
                    || rest.starts_with("</")
                    || rest.starts_with("<!--"))
            {
                return;
            } else {
                self.bump();
            }
        }
    }

    fn name(&mut self) -> &'s str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c.is_control() || matches!(c, '>' | '/' | '=' | '<') {
                break;
            }
            self.bump();
        }
        &self.src[start..self.pos]
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.bump();
            } else if c.is_control() {
                self.warn(
                    self.pos,
                    format!("control character U+{:04X} ignored", c as u32),
                );
                self.bump();
            } else {
                break;
            }
        }
    }

    fn close_tag(&mut self) -> Token<'s> {
        let start = self.pos;
        self.pos += 2;
        let name = self.name();
        self.skip_space();
        match self.rest().find('>') {
            Some(0) => self.pos += 1,
            Some(n) => {
                self.warn(self.pos, format!("unexpected text in </{name}>"));
                self.pos += n + 1;
            }
            None => {
                self.warn(start, format!("</{name} is not terminated by '>'"));
                self.pos = self.src.len();
            }
        }
        Token::Close { name, start }
    }

    fn open_tag(&mut self) -> Token<'s> {
        let start = self.pos;
        self.pos += 1;
        let name = self.name();
        let mut attrs = Vec::new();
        let mut self_closing = false;
        loop {
            self.skip_space();
            let rest = self.rest();
            if rest.is_empty() {
                self.warn(start, format!("<{name}> is not terminated by '>'"));
                break;
            }
            if rest.starts_with('>') {
                self.pos += 1;
                break;
            }
            if rest.starts_with("/>") {
                self.pos += 2;
                self_closing = true;
                break;
            }
            if rest.starts_with('<') {
                self.warn(self.pos, format!("<{name}> is not terminated by '>'"));
                break;
            }
            if rest.starts_with('/') || rest.starts_with('=') {
                self.warn(
                    self.pos,
                    format!("unexpected '{}' in <{name}> ignored", &rest[..1]),
                );
                self.pos += 1;
                continue;
            }
            attrs.push(self.attribute());
        }
        Token::Open {
            name,
            attrs,
            self_closing,
            start,
        }
    }

    fn attribute(&mut self) -> RawAttr<'s> {
        let name_start = self.pos;
        let name = self.name();
        let before_eq = self.pos;
        self.skip_space();
        if !self.rest().starts_with('=') {
            self.pos = before_eq;
            return RawAttr {
                name,
                value: None,
                name_start,
                value_start: before_eq,
            };
        }
        self.pos += 1;
        self.skip_space();
        let quote = self.peek().filter(|c| matches!(c, '"' | '\''));
        if quote.is_some() {
            self.pos += 1;
        }
        let value_start = self.pos;
        while self.pos < self.src.len() {
            let rest = self.rest();
            if rest.starts_with("{{") {
                self.pos += interpolation_len(rest);
                continue;
            }
            let end = match quote {
                Some(q) => rest.starts_with(q),
                None => {
                    rest.starts_with('>')
                        || rest.starts_with("/>")
                        || rest.starts_with(|c: char| c.is_whitespace() || c.is_control())
                }
            };
            if end {
                break;
            }
            self.bump();
        }
        let value = &self.src[value_start..self.pos];
        match quote {
            Some(_) if self.pos < self.src.len() => self.pos += 1,
            Some(_) => self.warn(
                value_start,
                format!("value of '{name}' has no closing quote"),
            ),
            None => self.warn(value_start, format!("value of '{name}' is not quoted")),
        }
        RawAttr {
            name,
            value: Some(value),
            name_start,
            value_start,
        }
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Length of the `{{ … }}` at the start of `s`: to the first `}}` outside string literals and
/// object-literal braces, or, when those never balance, to the first `}}` at all; the whole
/// rest when there is none.
pub(crate) fn interpolation_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut quote: Option<u8> = None;
    let mut depth = 0usize;
    let mut i = 2;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if b == b'{' => depth += 1,
            None if b == b'}' && depth > 0 => depth -= 1,
            None if b == b'}' && bytes.get(i + 1) == Some(&b'}') => return i + 2,
            None => {}
        }
        i += 1;
    }
    s[2..].find("}}").map_or(s.len(), |n| n + 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_names(src: &str) -> Vec<&str> {
        let (tokens, _) = Lexer::new(src).tokenize();
        tokens
            .into_iter()
            .filter_map(|t| match t {
                Token::Open { name, .. } => Some(name),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn keeps_case_and_interpolations_with_angle_brackets() {
        let src = r#"<View onTap="go">{{a<b && c > 1 ? '<x>' : "}"}}</View>"#;
        let (tokens, warnings) = Lexer::new(src).tokenize();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(tokens.len(), 3);
        match &tokens[1] {
            Token::Text { text, .. } => assert_eq!(*text, r#"{{a<b && c > 1 ? '<x>' : "}"}}"#),
            other => panic!("{other:?}"),
        }
        assert_eq!(open_names("<myCard/><image src='a'/>"), ["myCard", "image"]);
    }

    #[test]
    fn quirks_are_warnings() {
        let (tokens, warnings) = Lexer::new("<input disabled value=abc\u{1}>").tokenize();
        let Token::Open { attrs, .. } = &tokens[0] else {
            panic!("{tokens:?}")
        };
        assert_eq!(attrs[0].value, None);
        assert_eq!(attrs[1].value, Some("abc"));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn wxs_body_is_raw() {
        let src = "<wxs module=\"m\">var a = 1 < 2; module.exports = {a: a};</wxs>";
        let (tokens, _) = Lexer::new(src).tokenize();
        assert!(matches!(tokens[1], Token::Text { raw: true, text, .. } if text.contains("1 < 2")));
        assert!(matches!(tokens[2], Token::Close { name: "wxs", .. }));
    }

    #[test]
    fn interpolation_ends_respect_strings_and_braces() {
        assert_eq!(interpolation_len("{{ {a: 1}}} x"), 11);
        assert_eq!(interpolation_len("{{ '}}' }}"), 10);
        assert_eq!(interpolation_len("{{ unterminated"), 15);
        assert_eq!(interpolation_len("{{ 'open }} x"), 11);
    }
}
