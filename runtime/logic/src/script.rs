//! Checks on script source before boa parses it, and readable messages for what it throws.

use boa_engine::{Context, JsError, JsNativeError, JsResult, JsString, JsValue, js_string};
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
