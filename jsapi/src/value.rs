//! JavaScript values that JSON cannot carry, as tagged objects on the bridge.
//!
//! `{"__capsuleType": "ArrayBuffer", "base64": "…"}` stands for an `ArrayBuffer` and
//! `{"__capsuleType": "Date", "value": "2024-01-31T08:00:00.000Z"}` for a `Date`. Callers
//! (the mini-program logic layer, the H5 bridge script) turn them into real objects and back;
//! native modules pass them through unchanged (storage keeps them verbatim).

use base64::Engine as _;
use serde_json::{Value, json};

use crate::ApiError;

/// The field that marks a tagged value.
pub const TYPE_TAG: &str = "__capsuleType";

/// `bytes` as a tagged `ArrayBuffer`.
pub fn array_buffer(bytes: &[u8]) -> Value {
    json!({ TYPE_TAG: "ArrayBuffer", "base64": base64::engine::general_purpose::STANDARD.encode(bytes) })
}

/// The bytes of a tagged `ArrayBuffer`; `None` when `value` is not one.
pub fn array_buffer_bytes(value: &Value) -> Option<Result<Vec<u8>, ApiError>> {
    if value.get(TYPE_TAG)? != "ArrayBuffer" {
        return None;
    }
    Some(match value.get("base64") {
        Some(Value::String(text)) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| {
                ApiError::invalid_param(format!("an ArrayBuffer's base64 is invalid: {e}"))
            }),
        _ => Err(ApiError::invalid_param(
            "an ArrayBuffer value needs a 'base64' string",
        )),
    })
}

/// Whether `value` holds a tagged value anywhere, so that a caller turning answers back into
/// JavaScript values need not walk the ones that hold none.
pub fn has_tagged(value: &Value) -> bool {
    match value {
        Value::Object(object) => object.contains_key(TYPE_TAG) || object.values().any(has_tagged),
        Value::Array(items) => items.iter().any(has_tagged),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_buffers_round_trip() {
        let tagged = array_buffer(&[0, 1, 255]);
        assert_eq!(
            tagged,
            json!({"__capsuleType": "ArrayBuffer", "base64": "AAH/"})
        );
        assert_eq!(
            array_buffer_bytes(&tagged).map(Result::ok),
            Some(Some(vec![0, 1, 255]))
        );
        assert!(array_buffer_bytes(&json!("text")).is_none());
        assert!(
            array_buffer_bytes(&json!({"__capsuleType": "ArrayBuffer"}))
                .is_some_and(|r| r.is_err())
        );
    }

    #[test]
    fn tagged_values_are_found_at_any_depth() {
        let date = json!({"__capsuleType": "Date", "value": null});
        assert!(has_tagged(&date));
        assert!(has_tagged(&json!({"a": [1, {"b": date}]})));
        assert!(!has_tagged(
            &json!({"a": [1, {"b": "Date"}], "type": "__capsuleType"})
        ));
    }
}
