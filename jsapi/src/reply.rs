//! How a call is answered.

use std::fmt;

use crate::error::{ApiError, ApiResult};

/// The one-shot answer channel of a call. Answer it now or from any thread later.
///
/// A reply dropped without an answer answers with an unknown error, so a caller never waits
/// forever on a handler that forgot it.
pub struct Reply {
    answer: Option<Box<dyn FnOnce(ApiResult) + Send>>,
}

impl Reply {
    /// A reply that passes the result to `answer`.
    pub fn new(answer: impl FnOnce(ApiResult) + Send + 'static) -> Self {
        Self {
            answer: Some(Box::new(answer)),
        }
    }

    /// Answers the call.
    pub fn send(mut self, result: ApiResult) {
        if let Some(answer) = self.answer.take() {
            answer(result);
        }
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        if let Some(answer) = self.answer.take() {
            answer(Err(ApiError::unknown("the API ended without answering")));
        }
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("answered", &self.answer.is_none())
            .finish()
    }
}
