use serde_json::{Map, Value};

use crate::ApiError;

/// Typed access to a call's parameter object, turning every bad argument into an
/// [`ApiError::invalid_param`] that names the API and the field.
///
/// Parameters may be an object or absent (`null`); anything else is an error.
#[derive(Debug)]
pub struct Args<'a> {
    api: &'a str,
    fields: Option<&'a Map<String, Value>>,
}

impl<'a> Args<'a> {
    /// Reads the parameters of a call to `api`.
    pub fn new(api: &'a str, params: &'a Value) -> Result<Self, ApiError> {
        match params {
            Value::Null => Ok(Self { api, fields: None }),
            Value::Object(map) => Ok(Self {
                api,
                fields: Some(map),
            }),
            other => Err(ApiError::invalid_param(format!(
                "{api}: parameters must be an object, got {}",
                type_name(other)
            ))),
        }
    }

    fn field(&self, name: &str) -> Option<&'a Value> {
        self.fields
            .and_then(|map| map.get(name))
            .filter(|value| !value.is_null())
    }

    /// The API the arguments are for, as error messages name it.
    pub fn api(&self) -> &'a str {
        self.api
    }

    /// A field of any type, `None` when absent or `null`.
    pub fn value(&self, name: &str) -> Option<&'a Value> {
        self.field(name)
    }

    /// The whole parameter object (`None` when the call passed none).
    pub fn fields(&self) -> Option<&'a Map<String, Value>> {
        self.fields
    }

    /// An optional string field, at most `max_len` bytes long.
    pub fn opt_str(&self, name: &str, max_len: usize) -> Result<Option<&'a str>, ApiError> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::String(text)) if text.len() <= max_len => Ok(Some(text)),
            Some(Value::String(text)) => Err(ApiError::invalid_param(format!(
                "{}: '{name}' is {} bytes long, the limit is {max_len}",
                self.api,
                text.len()
            ))),
            Some(other) => Err(self.wrong_type(name, "a string", other)),
        }
    }

    /// A required string field, at most `max_len` bytes long.
    pub fn str(&self, name: &str, max_len: usize) -> Result<&'a str, ApiError> {
        self.opt_str(name, max_len)?.ok_or_else(|| {
            ApiError::invalid_param(format!("{}: missing required string '{name}'", self.api))
        })
    }

    /// An optional whole number field within `range`.
    pub fn opt_u64(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<u64>, ApiError> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::Number(number)) => match number.as_f64() {
                Some(n) if n.fract() == 0.0 && n >= 0.0 && range.contains(&(n as u64)) => {
                    Ok(Some(n as u64))
                }
                _ => Err(ApiError::invalid_param(format!(
                    "{}: '{name}' must be a whole number from {} to {}, got {number}",
                    self.api,
                    range.start(),
                    range.end()
                ))),
            },
            Some(other) => Err(self.wrong_type(name, "a number", other)),
        }
    }

    /// A required whole number field within `range`.
    pub fn u64(&self, name: &str, range: std::ops::RangeInclusive<u64>) -> Result<u64, ApiError> {
        self.opt_u64(name, range)?.ok_or_else(|| {
            ApiError::invalid_param(format!("{}: missing required number '{name}'", self.api))
        })
    }

    /// An optional finite number field within `range`.
    pub fn opt_f64(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<f64>,
    ) -> Result<Option<f64>, ApiError> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::Number(number)) => match number.as_f64() {
                Some(n) if range.contains(&n) => Ok(Some(n)),
                _ => Err(ApiError::invalid_param(format!(
                    "{}: '{name}' must be a number from {} to {}, got {number}",
                    self.api,
                    range.start(),
                    range.end()
                ))),
            },
            Some(other) => Err(self.wrong_type(name, "a number", other)),
        }
    }

    /// An optional boolean field.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(self.wrong_type(name, "a boolean", other)),
        }
    }

    /// A required array of `count` strings, each at most `max_len` bytes long.
    pub fn str_list(
        &self,
        name: &str,
        count: std::ops::RangeInclusive<usize>,
        max_len: usize,
    ) -> Result<Vec<&'a str>, ApiError> {
        let items = match self.field(name) {
            None => {
                return Err(ApiError::invalid_param(format!(
                    "{}: missing required array '{name}'",
                    self.api
                )));
            }
            Some(Value::Array(items)) => items,
            Some(other) => return Err(self.wrong_type(name, "an array of strings", other)),
        };
        if !count.contains(&items.len()) {
            return Err(ApiError::invalid_param(format!(
                "{}: '{name}' has {} items, it must have {} to {}",
                self.api,
                items.len(),
                count.start(),
                count.end()
            )));
        }
        items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(text) if text.len() <= max_len => Ok(text.as_str()),
                Value::String(text) => Err(ApiError::invalid_param(format!(
                    "{}: '{name}[{index}]' is {} bytes long, the limit is {max_len}",
                    self.api,
                    text.len()
                ))),
                other => Err(self.wrong_type(&format!("{name}[{index}]"), "a string", other)),
            })
            .collect()
    }

    fn wrong_type(&self, name: &str, expected: &str, got: &Value) -> ApiError {
        ApiError::invalid_param(format!(
            "{}: '{name}' must be {expected}, got {}",
            self.api,
            type_name(got)
        ))
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_arguments_name_the_api_and_field() {
        let cases = [
            (
                json!("text"),
                "x: parameters must be an object, got a string",
            ),
            (json!({}), "x: missing required string 'text'"),
            (
                json!({"text": 5}),
                "x: 'text' must be a string, got a number",
            ),
            (
                json!({"text": "toolong"}),
                "x: 'text' is 7 bytes long, the limit is 4",
            ),
        ];
        for (params, message) in cases {
            let result = Args::new("x", &params).and_then(|args| args.str("text", 4).map(drop));
            assert_eq!(result, Err(ApiError::invalid_param(message)), "{params}");
        }
    }

    #[test]
    fn booleans_fractions_and_string_lists() {
        let params =
            json!({"yes": true, "n": "1", "top": 12.5, "list": ["a", "bb"], "mixed": ["a", 1]});
        let args = Args::new("x", &params).expect("object");
        assert_eq!(args.opt_bool("yes"), Ok(Some(true)));
        assert_eq!(args.opt_bool("missing"), Ok(None));
        assert_eq!(args.opt_bool("n").map_err(|e| e.code), Err(2));
        assert_eq!(args.opt_f64("top", 0.0..=100.0), Ok(Some(12.5)));
        assert_eq!(args.opt_f64("top", 0.0..=10.0).map_err(|e| e.code), Err(2));
        assert_eq!(args.str_list("list", 1..=2, 2), Ok(vec!["a", "bb"]));
        assert_eq!(
            args.str_list("list", 1..=1, 2),
            Err(ApiError::invalid_param(
                "x: 'list' has 2 items, it must have 1 to 1"
            ))
        );
        assert_eq!(
            args.str_list("mixed", 1..=5, 9),
            Err(ApiError::invalid_param(
                "x: 'mixed[1]' must be a string, got a number"
            ))
        );
        assert_eq!(
            args.str_list("list", 1..=5, 1),
            Err(ApiError::invalid_param(
                "x: 'list[1]' is 2 bytes long, the limit is 1"
            ))
        );
        assert_eq!(args.u64("missing", 0..=1).map_err(|e| e.code), Err(2));
    }

    #[test]
    fn numbers_are_range_checked() {
        let params = json!({"a": 10, "b": -1, "c": 1.5, "d": 1e30});
        let args = Args::new("x", &params).expect("object");
        assert_eq!(args.opt_u64("a", 0..=100), Ok(Some(10)));
        assert_eq!(args.opt_u64("missing", 0..=100), Ok(None));
        for name in ["b", "c", "d"] {
            assert_eq!(
                args.opt_u64(name, 0..=100).map_err(|e| e.code),
                Err(2),
                "{name}"
            );
        }
    }
}
