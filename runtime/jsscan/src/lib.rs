//! Lexical scanning of JavaScript source, shared by the logic layer's module loader and the
//! view layer's script loader: skipping comments, strings, template text and regular
//! expression literals, telling ES modules from CommonJS, and finding the files a script asks
//! for. Scanning is byte-based and never fails: malformed source scans to its end, and the
//! engine reports the error when it parses. [`resolve`] finds the files those requests (and
//! `usingComponents` paths) lead to.

pub mod resolve;

/// Whether a script uses ES module syntax: an `import` or `export` statement (the keyword,
/// not a property name, followed by `{`, `*`, a quote or a name) anywhere outside comments,
/// strings and regular expressions, as minified files have them mid-line, so it must be
/// loaded as a module rather than wrapped as CommonJS. `import(…)` and `import.meta` do not
/// count.
pub fn is_es_module(source: &str) -> bool {
    let bytes = source.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let mut last = b';';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(next) = skip_trivia(bytes, i) {
            if b != b'/' {
                last = b'"';
            }
            i = next;
            continue;
        }
        if b == b'/' && regex_may_follow(last) {
            i = skip_regex(bytes, i);
            last = b'/';
            continue;
        }
        if !is_word(b) {
            if !b.is_ascii_whitespace() {
                last = b;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word(bytes[i]) {
            i += 1;
        }
        let word = &bytes[start..i];
        if last != b'.' && (word == b"import" || word == b"export") {
            let next = bytes[i..]
                .iter()
                .copied()
                .find(|b| !b.is_ascii_whitespace());
            let statement = match next {
                Some(b'{' | b'*') => true,
                Some(b'"' | b'\'') => word == b"import",
                Some(c) => is_word(c) && !c.is_ascii_digit(),
                None => false,
            };
            if statement {
                return true;
            }
        }
        last = b'a';
    }
    false
}

/// Whether a `/` after the significant byte `last` starts a regular expression literal
/// (rather than being a division): after an operator, an opening bracket or a statement end.
pub fn regex_may_follow(last: u8) -> bool {
    b"(,=:[!&|?{};+-*%<>~^".contains(&last)
}

/// Scans template literal text from `from`: the index after its closing backtick, or after a
/// `${` (then `true`).
pub fn template_text(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut j = from;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 1,
            b'`' => return (j + 1, false),
            b'$' if bytes.get(j + 1) == Some(&b'{') => return (j + 2, true),
            _ => {}
        }
        j += 1;
    }
    (bytes.len(), false)
}

/// The index after the regular expression literal starting at `i` (a `/` in expression
/// position): up to the closing `/` outside a class, and its flags; or the end of the line.
pub fn skip_regex(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    let mut class = false;
    while j < bytes.len() && bytes[j] != b'\n' {
        match bytes[j] {
            b'\\' => j += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_alphabetic() {
                    j += 1;
                }
                return j;
            }
            _ => {}
        }
        j += 1;
    }
    j
}

/// If a comment or string literal starts at `i`, the index after it.
pub fn skip_trivia(bytes: &[u8], i: usize) -> Option<usize> {
    match (bytes[i], bytes.get(i + 1)) {
        (b'/', Some(b'/')) => Some(
            bytes[i..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |n| i + n + 1),
        ),
        (b'/', Some(b'*')) => Some(
            bytes[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(bytes.len(), |n| i + 2 + n + 2),
        ),
        (quote @ (b'"' | b'\'' | b'`'), _) => {
            // A quote string ends at its line too: boa stops there with an error.
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != quote && (quote == b'`' || bytes[j] != b'\n') {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            Some((j + 1).min(bytes.len()))
        }
        _ => None,
    }
}

/// The files a script asks for, as written, with their byte offsets: `require('x')`
/// in CommonJS, `import … from 'x'`, `import 'x'` and `export … from 'x'` in an ES module.
/// Only literal paths count (as in WXS, where `require` must name a file literally).
pub fn requests(source: &str, es: bool) -> Vec<(String, usize)> {
    let bytes = source.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let skip_ws = |mut j: usize| {
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        j
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            continue;
        }
        if !is_word(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word(bytes[i]) {
            i += 1;
        }
        let word = &bytes[start..i];
        if start > 0 && bytes[start - 1] == b'.' {
            continue;
        }
        let mut j = skip_ws(i);
        let wanted = if es {
            word == b"from" || word == b"import"
        } else if word == b"require" && bytes.get(j) == Some(&b'(') {
            j = skip_ws(j + 1);
            true
        } else {
            false
        };
        if !wanted {
            continue;
        }
        let Some(&quote @ (b'"' | b'\'')) = bytes.get(j) else {
            continue;
        };
        let Some(len) = bytes[j + 1..]
            .iter()
            .position(|&b| b == quote || b == b'\n')
        else {
            continue;
        };
        let end = j + 1 + len;
        if bytes[end] == quote {
            // Both ends are ASCII quotes, so these are char boundaries.
            out.push((source[j + 1..end].to_owned(), j));
            i = end + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_found_outside_comments_and_strings() {
        let cjs = "var a = require('./a.wxs');\n// require('./no.wxs')\nvar s = \"require('./no2.wxs')\";\nvar b = require ( \"../b\" ); x.require('./no3'); require(name);";
        let got: Vec<String> = requests(cjs, false).into_iter().map(|(s, _)| s).collect();
        assert_eq!(got, ["./a.wxs", "../b"]);
        let es = "import a from './a.sjs';\nimport { f, g } from \"./u.sjs\";\nimport './side.sjs';\nexport { h } from './h.sjs';\n/* import x from './no.sjs' */ var from = 1;";
        let got: Vec<String> = requests(es, true).into_iter().map(|(s, _)| s).collect();
        assert_eq!(got, ["./a.sjs", "./u.sjs", "./side.sjs", "./h.sjs"]);
        assert_eq!(requests("require('./a", false), []);
        assert_eq!(requests("é require('x')", false)[0].1, 11);
    }

    #[test]
    fn tells_es_modules_from_commonjs() {
        assert!(is_es_module("import a from './a.sjs'\nexport default {}"));
        assert!(is_es_module("import { f } from './u.sjs';"));
        assert!(is_es_module("import './side.sjs';"));
        assert!(is_es_module("import a from './a'\n"));
        assert!(is_es_module("const x = 1;\nexport default x;"));
        assert!(is_es_module("export{ a }"));
        assert!(is_es_module("import * as m from './m'"));
        assert!(!is_es_module("module.exports = { importance: 1 };"));
        assert!(!is_es_module("module.exports = { importData() {} };"));
        assert!(!is_es_module("const exported = require('./x');"));
        assert!(!is_es_module("exports.a = 1;"));
        assert!(is_es_module("const p={a:1};export default p;"));
        assert!(is_es_module("var a=1;import{b}from\"b\";"));
        assert!(!is_es_module(
            "const m = import('./m'); x.import = 1; y.export(2);"
        ));
        assert!(!is_es_module(
            "// export default x\n/* import a from 'a' */ s = 'export {a}';"
        ));
        assert!(!is_es_module("r = /export default/; t = `import {a}`;"));
        assert!(!is_es_module(
            "o = { import: 1, export: 2 }; u = import.meta;"
        ));
    }

    #[test]
    fn trivia_regex_and_template_text_are_skipped_whole() {
        let source = b"// line\nx /* block */ 'a\\'b' `t${1}` /[/]x/g;";
        assert_eq!(skip_trivia(source, 0), Some(8));
        assert_eq!(skip_trivia(source, 10), Some(21));
        assert_eq!(skip_trivia(source, 22), Some(28));
        assert_eq!(template_text(source, 30), (33, true));
        assert_eq!(skip_regex(source, 37), 44);
        assert_eq!(skip_trivia(b"'open", 0), Some(5));
        assert!(regex_may_follow(b'=') && !regex_may_follow(b')'));
    }
}
