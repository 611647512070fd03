use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// What a JSAPI call answers: a JSON object on success, an [`ApiError`] otherwise.
pub type ApiResult = Result<Value, ApiError>;

/// A failed JSAPI call, shaped as Nebula's `{error, errorMessage}` when it crosses to a page.
///
/// The generic codes are shared by every API; platform-specific APIs may use their own codes
/// above 4 (for example Alipay storage's 12 and 14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("JSAPI error {code}: {message}")]
pub struct ApiError {
    /// Numeric code: 1 API not found, 2 invalid parameter, 3 unknown error, 4 no permission.
    #[serde(rename = "error")]
    pub code: i64,
    /// Human-readable reason, naming the API or argument at fault.
    #[serde(rename = "errorMessage")]
    pub message: String,
}

impl ApiError {
    /// Code 1: no API of this name is registered.
    pub const NOT_FOUND: i64 = 1;
    /// Code 2: an argument is missing, of the wrong type or out of range.
    pub const INVALID_PARAM: i64 = 2;
    /// Code 3: the API failed for a reason of its own.
    pub const UNKNOWN: i64 = 3;
    /// Code 4: the app did not declare, or the host did not grant, the API's permission.
    pub const NO_PERMISSION: i64 = 4;

    /// An error with an explicit code.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Code 1 for an unknown API name.
    pub fn not_found(api: &str) -> Self {
        Self::new(Self::NOT_FOUND, format!("API not found: {api}"))
    }

    /// Code 2 for a bad argument.
    pub fn invalid_param(message: impl Into<String>) -> Self {
        Self::new(Self::INVALID_PARAM, message)
    }

    /// Code 3 for any other failure.
    pub fn unknown(message: impl Into<String>) -> Self {
        Self::new(Self::UNKNOWN, message)
    }

    /// Code 4 for a call the permission policy refuses.
    pub fn no_permission(api: &str, permission: &str) -> Self {
        Self::new(
            Self::NO_PERMISSION,
            format!("no permission to call {api}: it needs the '{permission}' permission"),
        )
    }

    /// The Nebula wire form: `{"error": code, "errorMessage": message}`.
    pub fn to_json(&self) -> Value {
        json!({ "error": self.code, "errorMessage": self.message })
    }
}
