//! The template expression language: parsed once into [`Expr`], evaluated in Rust over
//! `serde_json` values with JavaScript semantics for the operators templates use.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::deps::DataPath;

/// A parsed template expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Literal(Value),
    Ident(String),
    /// `a.b` and `a[expr]`.
    Member(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Array(Vec<Element>),
    Object(Vec<Property>),
}

/// An array literal element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Element {
    Item(Expr),
    Spread(Expr),
}

/// An object literal property.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Property {
    KeyValue(String, Expr),
    Spread(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryOp {
    Not,
    Neg,
    Plus,
    TypeOf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
}

/// A syntax error at a byte offset of the expression source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExprError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

type PResult<T> = Result<T, ExprError>;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    /// A template literal: its text and `${…}` parts in order.
    Template(Vec<TemplatePart>),
    Ident(String),
    Punct(&'static str),
    End,
}

/// A piece of a template literal.
#[derive(Debug, Clone, PartialEq)]
enum TemplatePart {
    Text(String),
    /// The source of a `${…}` expression and its byte offset in the whole expression.
    Expr(String, usize),
}

const PUNCTS: &[&str] = &[
    "...", "===", "!==", "==", "!=", "<=", ">=", "&&", "||", "?.", ".", "[", "]", "(", ")", "{",
    "}", ",", ":", "?", "!", "+", "-", "*", "/", "%", "<", ">",
];

fn lex(src: &str) -> PResult<Vec<(Tok, usize)>> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'.'
                    || (matches!(bytes[i], b'+' | b'-') && matches!(bytes[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            let text = &src[start..i];
            let value = match text.strip_prefix("0x").or(text.strip_prefix("0X")) {
                Some(hex) => i64::from_str_radix(hex, 16).ok().map(|v| v as f64),
                None => text.parse::<f64>().ok(),
            };
            let value = value.ok_or_else(|| ExprError {
                offset: start,
                message: format!("bad number '{text}'"),
            })?;
            out.push((Tok::Num(value), start));
        } else if c == b'"' || c == b'\'' {
            i += 1;
            let mut s = String::new();
            loop {
                let Some(ch) = src[i..].chars().next() else {
                    return Err(ExprError {
                        offset: start,
                        message: "unterminated string".into(),
                    });
                };
                i += ch.len_utf8();
                if ch as u32 == u32::from(c) {
                    break;
                }
                if ch != '\\' {
                    s.push(ch);
                    continue;
                }
                let Some(esc) = src[i..].chars().next() else {
                    continue;
                };
                i += esc.len_utf8();
                s.push(unescape(esc));
            }
            out.push((Tok::Str(s), start));
        } else if c == b'`' {
            let (parts, end) = template_literal(src, start)?;
            i = end;
            out.push((Tok::Template(parts), start));
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 {
            let len = src[i..]
                .char_indices()
                .find(|&(_, ch)| !(ch.is_alphanumeric() || ch == '_' || ch == '$'))
                .map_or(src.len() - i, |(n, _)| n);
            if len == 0 {
                return Err(ExprError {
                    offset: start,
                    message: "unexpected character".into(),
                });
            }
            i += len;
            out.push((Tok::Ident(src[start..i].to_owned()), start));
        } else if let Some(p) = PUNCTS.iter().find(|p| src[i..].starts_with(**p)) {
            i += p.len();
            out.push((Tok::Punct(p), start));
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(ExprError {
                offset: start,
                message: format!("unexpected character '{ch}'"),
            });
        }
    }
    out.push((Tok::End, src.len()));
    Ok(out)
}

/// The character an escape `\\c` in a string stands for.
fn unescape(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        other => other,
    }
}

/// Splits the template literal starting at the backtick at `start` into its parts; returns
/// them and the offset after the closing backtick.
fn template_literal(src: &str, start: usize) -> PResult<(Vec<TemplatePart>, usize)> {
    let unterminated = |offset| ExprError {
        offset,
        message: "unterminated template literal".into(),
    };
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        let ch = src[i..].chars().next().ok_or_else(|| unterminated(start))?;
        i += ch.len_utf8();
        match ch {
            '`' => break,
            '\\' => {
                let esc = src[i..].chars().next().ok_or_else(|| unterminated(start))?;
                i += esc.len_utf8();
                text.push(unescape(esc));
            }
            '$' if src[i..].starts_with('{') => {
                let from = i + 1;
                let end = closing_brace(src, from).ok_or_else(|| unterminated(i - 1))?;
                parts.push(TemplatePart::Text(std::mem::take(&mut text)));
                parts.push(TemplatePart::Expr(src[from..end].to_owned(), from));
                i = end + 1;
            }
            other => text.push(other),
        }
    }
    parts.push(TemplatePart::Text(text));
    Ok((parts, i))
}

/// The offset of the `}` that closes a `${` whose expression starts at `from`, skipping
/// nested braces, strings and template literals.
fn closing_brace(src: &str, from: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            quote @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 100;

impl Parser {
    fn new(src: &str) -> PResult<Self> {
        Ok(Self {
            tokens: lex(src)?,
            pos: 0,
            depth: 0,
        })
    }

    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].0
    }

    fn offset(&self) -> usize {
        self.tokens[self.pos].1
    }

    fn next(&mut self) -> Tok {
        let t = self.tokens[self.pos].0.clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn error<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(ExprError {
            offset: self.offset(),
            message: message.into(),
        })
    }

    fn eat(&mut self, p: &str) -> bool {
        if matches!(self.peek(), Tok::Punct(q) if *q == p) {
            self.next();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &str) -> PResult<()> {
        if self.eat(p) {
            Ok(())
        } else {
            self.error(format!("expected '{p}', found {}", describe(self.peek())))
        }
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error("expression nested too deeply");
        }
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn expression(&mut self) -> PResult<Expr> {
        self.nested(Self::conditional)
    }

    fn conditional(&mut self) -> PResult<Expr> {
        let test = self.or()?;
        if !self.eat("?") {
            return Ok(test);
        }
        let yes = self.expression()?;
        self.expect(":")?;
        let no = self.expression()?;
        Ok(Expr::Conditional(
            Box::new(test),
            Box::new(yes),
            Box::new(no),
        ))
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut left = self.and()?;
        while self.eat("||") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut left = self.binary(0)?;
        while self.eat("&&") {
            left = Expr::And(Box::new(left), Box::new(self.binary(0)?));
        }
        Ok(left)
    }

    /// Binary operators by precedence level: equality, relational, additive, multiplicative.
    fn binary(&mut self, level: usize) -> PResult<Expr> {
        const LEVELS: &[&[(&str, BinaryOp)]] = &[
            &[
                ("===", BinaryOp::StrictEq),
                ("!==", BinaryOp::StrictNe),
                ("==", BinaryOp::Eq),
                ("!=", BinaryOp::Ne),
            ],
            &[
                ("<=", BinaryOp::Le),
                (">=", BinaryOp::Ge),
                ("<", BinaryOp::Lt),
                (">", BinaryOp::Gt),
            ],
            &[("+", BinaryOp::Add), ("-", BinaryOp::Sub)],
            &[
                ("*", BinaryOp::Mul),
                ("/", BinaryOp::Div),
                ("%", BinaryOp::Rem),
            ],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary(level + 1)?;
        'outer: loop {
            for (text, op) in *ops {
                if self.eat(text) {
                    let right = self.binary(level + 1)?;
                    left = Expr::Binary(*op, Box::new(left), Box::new(right));
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn unary(&mut self) -> PResult<Expr> {
        let op = if self.eat("!") {
            UnaryOp::Not
        } else if self.eat("-") {
            UnaryOp::Neg
        } else if self.eat("+") {
            UnaryOp::Plus
        } else if matches!(self.peek(), Tok::Ident(i) if i == "typeof") {
            self.next();
            UnaryOp::TypeOf
        } else {
            return self.postfix();
        };
        let operand = self.nested(Self::unary)?;
        Ok(Expr::Unary(op, Box::new(operand)))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut expr = self.primary()?;
        loop {
            if self.eat(".") || self.eat("?.") {
                match self.next() {
                    Tok::Ident(name) => {
                        expr = Expr::Member(Box::new(expr), Box::new(Expr::Literal(name.into())));
                    }
                    other => {
                        self.pos -= 1;
                        return self.error(format!("expected a name, found {}", describe(&other)));
                    }
                }
            } else if self.eat("[") {
                let index = self.expression()?;
                self.expect("]")?;
                expr = Expr::Member(Box::new(expr), Box::new(index));
            } else if self.eat("(") {
                let mut args = Vec::new();
                while !self.eat(")") {
                    args.push(self.expression()?);
                    if !self.eat(",") {
                        self.expect(")")?;
                        break;
                    }
                }
                expr = Expr::Call(Box::new(expr), args);
            } else {
                return Ok(expr);
            }
        }
    }

    /// A template literal as the string concatenation it means: `` `a${b}` `` is `'a' + b`
    /// with the text first, so every part is joined as a string.
    fn template(&mut self, parts: Vec<TemplatePart>) -> PResult<Expr> {
        let mut joined = Expr::Literal(Value::String(String::new()));
        for part in parts {
            let next = match part {
                TemplatePart::Text(text) => Expr::Literal(Value::String(text)),
                TemplatePart::Expr(source, offset) => {
                    let shift = |error: ExprError| ExprError {
                        offset: error.offset + offset,
                        message: error.message,
                    };
                    let mut inner = Parser::new(&source).map_err(shift)?;
                    inner.depth = self.depth;
                    if *inner.peek() == Tok::End {
                        return Err(shift(ExprError {
                            offset: 0,
                            message: "empty ${} in a template literal".into(),
                        }));
                    }
                    let expr = inner.expression().map_err(shift)?;
                    if *inner.peek() != Tok::End {
                        let found = describe(inner.peek());
                        return Err(shift(ExprError {
                            offset: inner.offset(),
                            message: format!("unexpected {found} in a template literal"),
                        }));
                    }
                    expr
                }
            };
            joined = Expr::Binary(BinaryOp::Add, Box::new(joined), Box::new(next));
        }
        Ok(joined)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let at = self.pos;
        match self.next() {
            Tok::Num(n) => Ok(Expr::Literal(number(n))),
            Tok::Str(s) => Ok(Expr::Literal(Value::String(s))),
            Tok::Template(parts) => self.nested(|p| p.template(parts)),
            Tok::Ident(name) => Ok(match name.as_str() {
                "true" => Expr::Literal(Value::Bool(true)),
                "false" => Expr::Literal(Value::Bool(false)),
                "null" | "undefined" => Expr::Literal(Value::Null),
                _ => Expr::Ident(name),
            }),
            Tok::Punct("(") => {
                let e = self.expression()?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Punct("[") => self.nested(|p| {
                let mut items = Vec::new();
                while !p.eat("]") {
                    if p.eat("...") {
                        items.push(Element::Spread(p.expression()?));
                    } else {
                        items.push(Element::Item(p.expression()?));
                    }
                    if !p.eat(",") {
                        p.expect("]")?;
                        break;
                    }
                }
                Ok(Expr::Array(items))
            }),
            Tok::Punct("{") => self.nested(|p| Ok(Expr::Object(p.properties(Some("}"))?))),
            other => {
                self.pos = at;
                self.error(format!("expected a value, found {}", describe(&other)))
            }
        }
    }

    /// Object properties up to `close` (or the end of input when `None`).
    fn properties(&mut self, close: Option<&str>) -> PResult<Vec<Property>> {
        let mut props = Vec::new();
        loop {
            match close {
                Some(c) if self.eat(c) => return Ok(props),
                None if *self.peek() == Tok::End => return Ok(props),
                _ => {}
            }
            if self.eat("...") {
                props.push(Property::Spread(self.expression()?));
            } else {
                let key_at = self.offset();
                let (key, shorthand) = match self.next() {
                    Tok::Ident(k) => (k, true),
                    Tok::Str(k) => (k, false),
                    Tok::Num(n) => (to_js_string(&number(n)), false),
                    other => {
                        self.pos -= 1;
                        return self.error(format!(
                            "expected a property name, found {}",
                            describe(&other)
                        ));
                    }
                };
                let value = if self.eat(":") {
                    self.expression()?
                } else if shorthand {
                    Expr::Ident(key.clone())
                } else {
                    // Only a name stands for itself (`{a}`); `{'a'}` and `{1}` need a value.
                    return Err(ExprError {
                        offset: key_at,
                        message: format!("property '{key}' needs ':' and a value"),
                    });
                };
                props.push(Property::KeyValue(key, value));
            }
            if !self.eat(",") {
                match close {
                    Some(c) => self.expect(c)?,
                    None if *self.peek() == Tok::End => {}
                    None => {
                        return self
                            .error(format!("expected ',', found {}", describe(self.peek())));
                    }
                }
                return Ok(props);
            }
        }
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(_) => "a string".into(),
        Tok::Template(_) => "a template literal".into(),
        Tok::Ident(i) => format!("'{i}'"),
        Tok::Punct(p) => format!("'{p}'"),
        Tok::End => "the end of the expression".into(),
    }
}

/// Parses one expression. As WeChat's and Alipay's compilers do, a body that starts like an
/// object's properties (`a: 1, b`, `a, b`, `...o`) is an object without its braces:
/// `style="{{ width: w + 'px' }}"`.
pub(crate) fn parse(src: &str) -> PResult<Expr> {
    let mut p = Parser::new(src)?;
    if *p.peek() == Tok::End {
        return p.error("empty expression");
    }
    let braceless = matches!(
        p.tokens.as_slice(),
        [(Tok::Punct("..."), _), ..] | [(Tok::Ident(_), _), (Tok::Punct(":" | ","), _), ..]
    );
    if braceless {
        return Ok(Expr::Object(p.properties(None)?));
    }
    let e = p.expression()?;
    if *p.peek() != Tok::End {
        return p.error(format!("unexpected {}", describe(p.peek())));
    }
    Ok(e)
}

/// Parses the body of a template `data` attribute: `a: 1, b, ...obj` (braces optional).
pub(crate) fn parse_object_body(src: &str) -> PResult<Expr> {
    let mut p = Parser::new(src)?;
    if p.eat("{") {
        let braced = p.properties(Some("}"));
        if braced.is_ok() && *p.peek() == Tok::End {
            return braced.map(Expr::Object);
        }
        p.pos = 0;
    }
    Ok(Expr::Object(p.properties(None)?))
}

/// Calls functions of view-script modules (`m.fn(args)` in an expression, or `m(args)` for a
/// module that is a function). Modules belong to the template file that declares them.
pub(crate) trait ScriptCalls {
    /// Calls `module.function(args)`, or the module itself when `function` is `None`, for
    /// module `module` of template `file`; `None` when `file` declares no such module.
    fn call(
        &self,
        file: &str,
        module: &str,
        function: Option<&str>,
        args: &[Value],
    ) -> Option<Result<Value, String>>;

    /// Whether the running render has spent its script budget (calls now give `undefined`).
    fn budget_spent(&self) -> bool {
        false
    }

    /// Module `module` of template `file` as a value (`{{m.title}}`), without its functions;
    /// `None` when `file` declares no such module.
    fn value(&self, _file: &str, _module: &str) -> Option<Value> {
        None
    }
}

/// The view-script modules an expression sees: those of the template file it is written in.
#[derive(Clone, Copy)]
pub(crate) struct Modules<'a> {
    pub(crate) scripts: &'a dyn ScriptCalls,
    /// The template file.
    pub(crate) file: &'a str,
}

/// The names visible to an expression: `for` bindings over a data root, and the modules of
/// the template file it is written in.
pub(crate) enum Scope<'a> {
    Root {
        data: &'a Value,
        modules: Option<Modules<'a>>,
        /// Whether `data` is the page's data, whose reads [`Expr::reads`] reports (a
        /// template's or a component's data is not).
        page: bool,
    },
    Bind {
        parent: &'a Scope<'a>,
        item_name: &'a str,
        item: &'a Value,
        /// Where `item` is in the page's data, when it is there.
        item_path: Option<&'a DataPath>,
        index_name: &'a str,
        index: &'a Value,
    },
    /// An included file's nodes: the includer's names, the included file's modules.
    File {
        parent: &'a Scope<'a>,
        modules: Option<Modules<'a>>,
    },
}

impl<'a> Scope<'a> {
    fn lookup(&self, name: &str) -> Option<&'a Value> {
        match self {
            Scope::Root { data, .. } => data.get(name),
            Scope::Bind {
                parent,
                item_name,
                item,
                index_name,
                index,
                ..
            } => {
                if *item_name == name {
                    Some(item)
                } else if *index_name == name {
                    Some(index)
                } else {
                    parent.lookup(name)
                }
            }
            Scope::File { parent, .. } => parent.lookup(name),
        }
    }

    /// Where the value `name` stands for is in the page's data, when it is there.
    fn path_of(&self, name: &str) -> Option<Cow<'a, DataPath>> {
        match self {
            Scope::Root { page, .. } => {
                page.then(|| DataPath::root(name)).flatten().map(Cow::Owned)
            }
            Scope::Bind {
                parent,
                item_name,
                item_path,
                index_name,
                ..
            } => {
                if *item_name == name {
                    item_path.map(Cow::Borrowed)
                } else if *index_name == name {
                    None
                } else {
                    parent.path_of(name)
                }
            }
            Scope::File { parent, .. } => parent.path_of(name),
        }
    }

    fn modules(&self) -> Option<Modules<'a>> {
        match self {
            Scope::Root { modules, .. } | Scope::File { modules, .. } => *modules,
            Scope::Bind { parent, .. } => parent.modules(),
        }
    }
}

/// A failure while evaluating (only calls can fail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EvalError(pub(crate) String);

static NULL: Value = Value::Null;

impl Expr {
    /// Evaluates against `scope`; member access borrows from the data where it can.
    pub(crate) fn eval<'a>(&self, scope: &Scope<'a>) -> Result<Cow<'a, Value>, EvalError> {
        Ok(match self {
            Expr::Literal(v) => Cow::Owned(v.clone()),
            // Data first; a name the data lacks may be a view-script module.
            Expr::Ident(name) => match scope.lookup(name) {
                Some(value) => Cow::Borrowed(value),
                None => scope
                    .modules()
                    .and_then(|m| m.scripts.value(m.file, name))
                    .map_or(Cow::Borrowed(&NULL), Cow::Owned),
            },
            Expr::Member(object, key) => {
                let object = object.eval(scope)?;
                let key = key.eval(scope)?;
                match object {
                    Cow::Borrowed(o) => match member_ref(o, &key) {
                        Some(v) => Cow::Borrowed(v),
                        None => Cow::Owned(member_computed(o, &key)),
                    },
                    Cow::Owned(o) => Cow::Owned(
                        member_ref(&o, &key)
                            .cloned()
                            .unwrap_or_else(|| member_computed(&o, &key)),
                    ),
                }
            }
            Expr::Call(callee, args) => Cow::Owned(call(callee, args, scope)?),
            Expr::Unary(op, operand) => {
                let v = operand.eval(scope)?;
                Cow::Owned(match op {
                    UnaryOp::Not => Value::Bool(!truthy(&v)),
                    UnaryOp::Neg => number(-to_number(&v)),
                    UnaryOp::Plus => number(to_number(&v)),
                    UnaryOp::TypeOf => Value::String(type_of(&v).into()),
                })
            }
            Expr::Binary(op, l, r) => {
                let l = l.eval(scope)?;
                let r = r.eval(scope)?;
                Cow::Owned(binary(*op, &l, &r))
            }
            Expr::And(l, r) => {
                let l = l.eval(scope)?;
                if truthy(&l) { r.eval(scope)? } else { l }
            }
            Expr::Or(l, r) => {
                let l = l.eval(scope)?;
                if truthy(&l) { l } else { r.eval(scope)? }
            }
            Expr::Conditional(t, y, n) => {
                if truthy(t.eval(scope)?.as_ref()) {
                    y.eval(scope)?
                } else {
                    n.eval(scope)?
                }
            }
            Expr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Element::Item(e) => out.push(e.eval(scope)?.into_owned()),
                        Element::Spread(e) => match e.eval(scope)?.into_owned() {
                            Value::Array(a) => out.extend(a),
                            Value::String(s) => {
                                out.extend(s.chars().map(|c| Value::String(c.into())));
                            }
                            _ => {}
                        },
                    }
                }
                Cow::Owned(Value::Array(out))
            }
            Expr::Object(props) => {
                let mut out = Map::new();
                for prop in props {
                    match prop {
                        Property::KeyValue(k, e) => {
                            out.insert(k.clone(), e.eval(scope)?.into_owned());
                        }
                        Property::Spread(e) => match e.eval(scope)?.into_owned() {
                            Value::Object(o) => out.extend(o),
                            Value::Array(a) => {
                                for (i, v) in a.into_iter().enumerate() {
                                    out.insert(i.to_string(), v);
                                }
                            }
                            _ => {}
                        },
                    }
                }
                Cow::Owned(Value::Object(out))
            }
        })
    }
}

impl Expr {
    /// Adds the page data paths the value depends on to `out`: a value read at a path
    /// depends on everything under it (`item.title` inside `wx:for="{{list}}"` is
    /// `list.5.title`; `list[i]` is `list` and `i`); both branches of `?:`, `&&` and `||`
    /// count.
    pub(crate) fn reads(&self, scope: &Scope<'_>, out: &mut Vec<DataPath>) {
        if let Some(path) = self.path(scope, out) {
            out.push(path.into_owned());
        }
    }

    /// When the value is the page data at one path: that path; else adds what it reads to
    /// `out`.
    pub(crate) fn path<'s>(
        &self,
        scope: &Scope<'s>,
        out: &mut Vec<DataPath>,
    ) -> Option<Cow<'s, DataPath>> {
        match self {
            Expr::Literal(_) => None,
            Expr::Ident(name) => scope.path_of(name),
            Expr::Member(object, key) => {
                let base = object.path(scope, out);
                let segment = match &**key {
                    Expr::Literal(Value::String(k)) => Some(Cow::Borrowed(k.as_str())),
                    Expr::Literal(k @ Value::Number(_)) => Some(Cow::Owned(to_js_string(k))),
                    other => {
                        other.reads(scope, out);
                        None
                    }
                };
                let base = base?;
                match segment.and_then(|s| base.child(&s)) {
                    Some(path) => Some(Cow::Owned(path)),
                    None => {
                        out.push(base.into_owned());
                        None
                    }
                }
            }
            Expr::Call(_, args) => {
                for a in args {
                    a.reads(scope, out);
                }
                None
            }
            Expr::Unary(_, e) => {
                e.reads(scope, out);
                None
            }
            Expr::Binary(_, l, r) | Expr::And(l, r) | Expr::Or(l, r) => {
                l.reads(scope, out);
                r.reads(scope, out);
                None
            }
            Expr::Conditional(t, y, n) => {
                t.reads(scope, out);
                y.reads(scope, out);
                n.reads(scope, out);
                None
            }
            Expr::Array(items) => {
                for item in items {
                    let (Element::Item(e) | Element::Spread(e)) = item;
                    e.reads(scope, out);
                }
                None
            }
            Expr::Object(props) => {
                for prop in props {
                    let (Property::KeyValue(_, e) | Property::Spread(e)) = prop;
                    e.reads(scope, out);
                }
                None
            }
        }
    }
}

fn call(callee: &Expr, args: &[Expr], scope: &Scope<'_>) -> Result<Value, EvalError> {
    let not_callable =
        || EvalError("only view-script modules and their functions can be called".into());
    let (module, function) = match callee {
        Expr::Ident(module) => (module, None),
        Expr::Member(object, key) => match (&**object, &**key) {
            (Expr::Ident(module), Expr::Literal(Value::String(function))) => {
                (module, Some(function.as_str()))
            }
            _ => return Err(not_callable()),
        },
        _ => return Err(not_callable()),
    };
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        values.push(a.eval(scope)?.into_owned());
    }
    match scope
        .modules()
        .and_then(|m| m.scripts.call(m.file, module, function, &values))
    {
        Some(result) => result.map_err(EvalError),
        None => Err(EvalError(format!("'{module}' is not a view-script module"))),
    }
}

fn member_ref<'v>(object: &'v Value, key: &Value) -> Option<&'v Value> {
    match (object, key) {
        (Value::Object(o), Value::String(k)) => o.get(k),
        (Value::Object(o), k @ Value::Number(_)) => o.get(&to_js_string(k)),
        (Value::Array(a), Value::Number(n)) => {
            n.as_u64().and_then(|i| a.get(usize::try_from(i).ok()?))
        }
        (Value::Array(a), Value::String(k)) => k.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    }
}

fn member_computed(object: &Value, key: &Value) -> Value {
    match (object, key) {
        (Value::Array(a), Value::String(k)) if k == "length" => Value::from(a.len()),
        (Value::String(s), Value::String(k)) if k == "length" => {
            Value::from(s.encode_utf16().count())
        }
        (Value::String(s), Value::Number(n)) => n
            .as_u64()
            .and_then(|i| s.chars().nth(usize::try_from(i).ok()?))
            .map_or(Value::Null, |c| Value::String(c.into())),
        _ => Value::Null,
    }
}

fn binary(op: BinaryOp, l: &Value, r: &Value) -> Value {
    use BinaryOp::*;
    match op {
        Add => {
            if l.is_string() || r.is_string() || is_compound(l) || is_compound(r) {
                let mut s = to_concat_string(l);
                s.push_str(&to_concat_string(r));
                Value::String(s)
            } else {
                number(to_number(l) + to_number(r))
            }
        }
        Sub => number(to_number(l) - to_number(r)),
        Mul => number(to_number(l) * to_number(r)),
        Div => number(to_number(l) / to_number(r)),
        Rem => number(to_number(l) % to_number(r)),
        Lt | Gt | Le | Ge => {
            let ord = if let (Value::String(a), Value::String(b)) = (l, r) {
                Some(a.cmp(b))
            } else {
                to_number(l).partial_cmp(&to_number(r))
            };
            Value::Bool(ord.is_some_and(|o| match op {
                Lt => o.is_lt(),
                Gt => o.is_gt(),
                Le => o.is_le(),
                _ => o.is_ge(),
            }))
        }
        Eq => Value::Bool(loose_eq(l, r)),
        Ne => Value::Bool(!loose_eq(l, r)),
        StrictEq => Value::Bool(strict_eq(l, r)),
        StrictNe => Value::Bool(!strict_eq(l, r)),
    }
}

fn is_compound(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

fn strict_eq(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(_), Value::Number(_)) => to_number(l) == to_number(r),
        // Compound values compare by identity in JS; two evaluations are never identical.
        (a, b) if is_compound(a) || is_compound(b) => false,
        _ => l == r,
    }
}

fn loose_eq(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::String(a), Value::String(b)) => a == b,
        (a, b) if is_compound(a) && is_compound(b) => false,
        (a, b) if is_compound(a) || is_compound(b) => to_js_string(a) == to_js_string(b),
        _ => to_number(l) == to_number(r),
    }
}

/// JavaScript truthiness.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "undefined",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) | Value::Object(_) => "object",
    }
}

/// JavaScript's `Number(v)` (`undefined` for null, as the view layer reads a missing value).
pub fn to_number(v: &Value) -> f64 {
    match v {
        Value::Null => f64::NAN,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                0.0
            } else {
                t.parse().unwrap_or(f64::NAN)
            }
        }
        Value::Array(a) if a.is_empty() => 0.0,
        Value::Array(a) if a.len() == 1 => to_number(&Value::String(to_js_string(&a[0]))),
        _ => f64::NAN,
    }
}

/// A number as JSON; integral values become integers, NaN and infinities `null`.
pub fn number(f: f64) -> Value {
    // Below 2^53 an integral f64 converts to i64 exactly.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)]
        return Value::from(f as i64);
    }
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// JavaScript `String(v)`, except that `null`/`undefined` give `""` as templates render them.
pub(crate) fn to_js_string(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            (None, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(to_js_string).collect::<Vec<_>>().join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// `String(v)` inside `+`: here JS shows a missing value as `undefined`.
fn to_concat_string(v: &Value) -> String {
    match v {
        Value::Null => "undefined".into(),
        other => to_js_string(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(src: &str, data: &Value) -> Value {
        let e = parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        e.eval(&Scope::Root {
            data,
            modules: None,
            page: false,
        })
        .unwrap_or_else(|e| panic!("{src}: {e:?}"))
        .into_owned()
    }

    #[test]
    fn operators_follow_javascript() {
        let d = json!({"a": 2, "s": "x", "list": [1, 2, 3], "o": {"k": {"z": true}}, "f": 0.5});
        let cases = [
            ("a + 1", json!(3)),
            ("s + a", json!("x2")),
            ("'n' + f", json!("n0.5")),
            ("'n' + missing", json!("nundefined")),
            ("a * 3 - 1 / 2", json!(5.5)),
            ("7 % 4", json!(3)),
            ("1e3 + 2.5e-1", json!(1000.25)),
            ("a > 1 && a < 3", json!(true)),
            ("a == '2'", json!(true)),
            ("a === '2'", json!(false)),
            ("a !== 2", json!(false)),
            ("missing == null", json!(true)),
            ("missing || 'dflt'", json!("dflt")),
            ("missing && missing.x", json!(null)),
            ("missing.x.y", json!(null)),
            ("list.length", json!(3)),
            ("list[1]", json!(2)),
            ("list[a]", json!(3)),
            ("o['k'].z ? 'y' : 'n'", json!("y")),
            ("s.length", json!(1)),
            ("!a", json!(false)),
            ("!!s", json!(true)),
            ("-a", json!(-2)),
            ("[a, ...list]", json!([2, 1, 2, 3])),
            (
                "{x: a, ...o, s}",
                json!({"x": 2, "k": {"z": true}, "s": "x"}),
            ),
            ("1 + 2 * 3", json!(7)),
            ("(1 + 2) * 3", json!(9)),
            ("10 - 4 - 3", json!(3)),
            ("a > 1 ? a > 5 ? 'big' : 'mid' : 'small'", json!("mid")),
            ("typeof s", json!("string")),
            ("0.1 + 0.2", json!(0.30000000000000004)),
            ("1 / 0", json!(null)),
            ("'a' < 'b'", json!(true)),
            ("'10' < 9", json!(false)),
            ("[1, 2] + ''", json!("1,2")),
        ];
        for (src, want) in cases {
            assert_eq!(eval(src, &d), want, "{src}");
        }
    }

    #[test]
    fn template_data_bodies() {
        let d = json!({"item": {"a": 1, "b": 2}, "c": 3});
        for body in ["...item, c, d: 4", "{...item, c, d: 4}"] {
            let e = parse_object_body(body).expect("parses");
            let v = e
                .eval(&Scope::Root {
                    data: &d,
                    modules: None,
                    page: false,
                })
                .expect("evaluates");
            assert_eq!(*v, json!({"a": 1, "b": 2, "c": 3, "d": 4}), "{body}");
        }
        assert!(parse_object_body("a b").is_err());
    }

    #[test]
    fn objects_without_braces() {
        let d = json!({"a": true, "w": 30, "item": {"x": 1, "y": 2}, "index": 4});
        let cases = [
            (
                "visibility: a ? 'shown' : 'gone'",
                json!({"visibility": "shown"}),
            ),
            ("width: w / 3 + '%', b", json!({"width": "10%", "b": null})),
            ("...item, index", json!({"x": 1, "y": 2, "index": 4})),
            ("a, w,", json!({"a": true, "w": 30})),
            (
                "o: {p: [1, {q: 'r'}], 's-t': w}",
                json!({"o": {"p": [1, {"q": "r"}], "s-t": 30}}),
            ),
            // Not objects: a lone name, a conditional, an object with its braces.
            ("a", json!(true)),
            ("a ? w : 0", json!(30)),
            ("{a: 1}", json!({"a": 1})),
        ];
        for (src, want) in cases {
            assert_eq!(eval(src, &d), want, "{src}");
        }
        for (src, offset) in [
            ("a: ", 3),
            ("a: 1 b", 5),
            ("a, 1", 3),
            ("...", 3),
            ("a: 1,, b", 5),
        ] {
            let err = parse(src).expect_err(src);
            assert_eq!(err.offset, offset, "{src}: {err:?}");
        }
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let cases = [
            ("a +", 3),
            ("a ? b", 5),
            ("'abc", 0),
            ("a # b", 2),
            ("", 0),
            ("a b", 2),
            ("a.1", 1),
        ];
        for (src, offset) in cases {
            let err = parse(src).expect_err(src);
            assert_eq!(err.offset, offset, "{src}: {err:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for src in [
            format!("{}1{}", "(".repeat(5000), ")".repeat(5000)),
            "!".repeat(5000) + "a",
            "[".repeat(5000),
            "{a:".repeat(5000),
            "a?".repeat(5000),
        ] {
            assert!(parse(&src).is_err());
        }
    }

    #[test]
    fn calls_need_a_module() {
        let e = parse("m.f(1)").expect("parses");
        let scope = Scope::Root {
            data: &Value::Null,
            modules: None,
            page: false,
        };
        assert!(e.eval(&scope).is_err());
        assert!(parse("f(1)").expect("parses").eval(&scope).is_err());
    }

    /// The paths `src` reads, as strings, inside `wx:for="{{list}}"` at item 5 (`item`,
    /// `index`) over the page data.
    fn reads(src: &str) -> Vec<String> {
        let data = json!({});
        let root = Scope::Root {
            data: &data,
            modules: None,
            page: true,
        };
        let item_path = DataPath::from_joined("list.5".to_owned());
        let scope = Scope::Bind {
            parent: &root,
            item_name: "item",
            item: &Value::Null,
            item_path: Some(&item_path),
            index_name: "index",
            index: &Value::Null,
        };
        let mut out = Vec::new();
        parse(src)
            .unwrap_or_else(|e| panic!("{src}: {e:?}"))
            .reads(&scope, &mut out);
        out.iter().map(|p| format!("{p:?}")).collect()
    }

    #[test]
    fn reads_are_data_paths() {
        let p = |s: &str| format!("{:?}", DataPath::from_joined(s.to_owned()));
        assert_eq!(reads("item.title"), [p("list.5.title")]);
        assert_eq!(reads("item['title'].x"), [p("list.5.title.x")]);
        assert_eq!(reads("a.b[2]"), [p("a.b.2")]);
        assert_eq!(reads("index + 1"), Vec::<String>::new());
        assert_eq!(reads("list[index]"), [p("list")]);
        assert_eq!(reads("a[b.c]"), [p("b.c"), p("a")]);
        assert_eq!(reads("a['x.y']"), [p("a")]);
        assert_eq!(reads("a['01']"), [p("a")]);
        assert_eq!(reads("f ? a : b.c"), [p("f"), p("a"), p("b.c")]);
        assert_eq!(reads("{...o, k: item}"), [p("o"), p("list.5")]);
        assert_eq!(reads("[1, ...l]"), [p("l")]);
        assert_eq!(reads("'x' + 2"), Vec::<String>::new());
        assert_eq!(reads("m.f(a)"), [p("a")]);
    }
}
