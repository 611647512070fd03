//! Checks on script source before boa parses it, and readable messages for what it throws.

use boa_engine::{
    Context, JsError, JsNativeError, JsNativeErrorKind, JsResult, JsString, JsValue, js_string,
};
use capsule_jsscan::skip_trivia;

/// The name the prelude runs under; its frames are left out of error messages.
pub(crate) const PRELUDE_PATH: &str = "<capsule prelude>";

/// Stack lines kept in an error message (deep recursion repeats one line thousands of times).
const MAX_STACK_LINES: usize = 12;

/// A readable message for a script error: the error text plus where it was thrown, without
/// the prelude's own frames.
pub(crate) fn describe(error: &JsError, context: &mut Context) -> String {
    let text = if let Some(object) = error.as_opaque().and_then(JsValue::as_object) {
        let text = |key: JsString, context: &mut Context| {
            object
                .get(key, context)
                .ok()
                .filter(|value| !value.is_undefined())
                .and_then(|value| value.to_string(context).ok())
                .map(|value| value.to_std_string_escaped())
        };
        let stack = text(js_string!("stack"), context).unwrap_or_default();
        let head = match (
            text(js_string!("name"), context),
            text(js_string!("message"), context),
        ) {
            (Some(name), Some(message)) => format!("{name}: {message}"),
            _ => error.to_string(),
        };
        format!("{head}\n{stack}")
    } else {
        match error.try_native(context) {
            Ok(native) => native.to_string(),
            Err(_) => error.to_string(),
        }
    };
    let mut lines = text
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.contains(PRELUDE_PATH));
    let head = lines.next().unwrap_or_default().to_owned();
    let frames: Vec<&str> = lines
        .filter(|line| line.trim_start().starts_with("at ") && !line.contains("(native)"))
        .take(MAX_STACK_LINES)
        .collect();
    if frames.is_empty() {
        head
    } else {
        format!("{head}\n{}", frames.join("\n"))
    }
}

/// A syntax error in the file at `path` as `path:line:col: what` (boa's text ends with
/// `at line L, col C` and names no file); `prefix` is the characters the loader put before
/// the file's first line, taken off columns of that line. Other errors pass unchanged.
pub(crate) fn syntax_error(
    path: &str,
    prefix: usize,
    error: JsError,
    context: &mut Context,
) -> JsError {
    let is_syntax = error
        .as_native()
        .is_some_and(|native| matches!(native.kind(), JsNativeErrorKind::Syntax));
    if !is_syntax {
        return error;
    }
    let text = describe(&error, context);
    let text = text.strip_prefix("SyntaxError: ").unwrap_or(&text);
    let located = text.rsplit_once(" at line ").and_then(|(what, place)| {
        let (line, column) = place.split_once(", col ")?;
        let line: u32 = line.parse().ok()?;
        let digits = column
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(column.len());
        let mut column: usize = column[..digits].parse().ok()?;
        if line == 1 {
            column = column.saturating_sub(prefix).max(1);
        }
        Some(format!("{path}:{line}:{column}: {what}"))
    });
    JsNativeError::syntax()
        .with_message(located.unwrap_or_else(|| format!("{path}: {text}")))
        .into()
}

/// Source nested deeper than this is refused before parsing: boa's parser recurses per level
/// and would overflow even a large native stack, which aborts the process.
const MAX_SOURCE_NESTING: usize = 1_000;

/// Refuses source whose brackets nest deeper than [`MAX_SOURCE_NESTING`] (strings and
/// comments are skipped; the count is an upper bound good enough to keep the parser safe).
pub(crate) fn check_nesting(source: &str, path: &str) -> JsResult<()> {
    let bytes = source.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if deepest > MAX_SOURCE_NESTING {
            return Err(JsNativeError::syntax()
                .with_message(format!(
                    "{path}: brackets nest deeper than {MAX_SOURCE_NESTING} levels"
                ))
                .into());
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_file_line_and_column() {
        let mut context = Context::default();
        let parse = |source: &str, context: &mut Context| {
            context
                .eval(boa_engine::Source::from_bytes(source))
                .expect_err("a syntax error")
        };
        let error = parse("var a = 1;\nvar b = ;", &mut context);
        let error = syntax_error("pages/a/a.js", 0, error, &mut context);
        assert!(
            error.to_string().starts_with(
                "SyntaxError: pages/a/a.js:2:9: unexpected token ';', primary expression"
            ),
            "{error}"
        );
        // What the loader put before line 1 is not counted.
        let error = parse("(function () {var b = ;})", &mut context);
        let error = syntax_error("b.js", "(function () {".len(), error, &mut context);
        assert!(error.to_string().contains("b.js:1:9: "), "{error}");
        let thrown = JsNativeError::typ().with_message("x").into();
        let error = syntax_error("c.js", 0, thrown, &mut context);
        assert!(error.to_string().starts_with("TypeError: x"), "{error}");
    }

    #[test]
    fn refuses_source_nested_too_deeply() {
        let deep = format!("{}1{}", "[".repeat(1_001), "]".repeat(1_001));
        let fine = format!("{}1{}", "[".repeat(900), "]".repeat(900));
        let quoted = format!(
            "'{}' // {}\n/* {} */",
            "[".repeat(5_000),
            "(".repeat(5_000),
            "{".repeat(5_000)
        );
        assert!(check_nesting(&deep, "a.js").is_err());
        assert!(check_nesting(&fine, "a.js").is_ok());
        assert!(check_nesting(&quoted, "a.js").is_ok());
        assert!(check_nesting("'unterminated \\", "a.js").is_ok());
    }
}
