use serde_json::{Map, Value, json};

use crate::{ApiError, ApiResult};

/// Whose API shapes a caller expects: Alipay (`my.*`, and the Nebula JSBridge of H5 pages) or
/// WeChat (`wx.*`).
///
/// Handlers read it from [`Caller::dialect`](crate::Caller::dialect) to pick field names
/// (`headers` or `header`, `status` or `statusCode`) and behaviour that differs (a missing
/// storage key). The mini-program logic layer turns results into each platform's callback
/// objects with [`Dialect::success`] and [`Dialect::failure`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Alipay and Nebula: errors are `{error, errorMessage}`.
    #[default]
    Alipay,
    /// WeChat: results carry `errMsg: "<api>:ok"`, errors `errMsg: "<api>:fail <reason>"`.
    Wechat,
}

impl Dialect {
    /// The object a `success` callback receives for `result` of API `api`.
    ///
    /// ```
    /// use capsule_jsapi::Dialect;
    /// use serde_json::json;
    /// assert_eq!(Dialect::Wechat.success("setStorage", json!({})), json!({"errMsg": "setStorage:ok"}));
    /// assert_eq!(Dialect::Alipay.success("setStorage", json!({})), json!({}));
    /// ```
    pub fn success(self, api: &str, result: Value) -> Value {
        match (self, result) {
            (Self::Alipay, result) => result,
            (Self::Wechat, Value::Object(mut fields)) => {
                fields.insert("errMsg".into(), Value::String(format!("{api}:ok")));
                Value::Object(fields)
            }
            (Self::Wechat, other) => {
                let mut fields = Map::new();
                fields.insert("data".into(), other);
                fields.insert("errMsg".into(), Value::String(format!("{api}:ok")));
                Value::Object(fields)
            }
        }
    }

    /// The object a `fail` callback receives for `error` of API `api`.
    ///
    /// ```
    /// use capsule_jsapi::{ApiError, Dialect};
    /// use serde_json::json;
    /// let error = ApiError::new(11, "domain not allowed");
    /// assert_eq!(Dialect::Wechat.failure("request", &error)["errMsg"], "request:fail domain not allowed");
    /// assert_eq!(Dialect::Alipay.failure("request", &error), json!({"error": 11, "errorMessage": "domain not allowed"}));
    /// ```
    pub fn failure(self, api: &str, error: &ApiError) -> Value {
        match self {
            Self::Alipay => error.to_json(),
            Self::Wechat => json!({ "errMsg": format!("{api}:fail {}", error.message) }),
        }
    }

    /// Both callback objects at once, for a finished call.
    pub fn settle(self, api: &str, result: ApiResult) -> Result<Value, Value> {
        result
            .map(|value| self.success(api, value))
            .map_err(|error| self.failure(api, &error))
    }
}
