use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::reply::Reply;
use crate::{ApiResult, Device, Dialect, Permission};

/// Who made a call: the app, the page within it, the origin of the calling document, the API
/// shapes it expects and the network domains its manifest declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The calling app's id.
    pub app_id: String,
    /// The page (webview) the call came from, as numbered by the runtime.
    pub page: u64,
    /// The origin of the calling document, e.g. `capsule://demo`.
    pub origin: String,
    /// The argument and result shapes the caller expects.
    pub dialect: Dialect,
    /// Origins the app may reach over the network (`https://api.example.com`), from its
    /// manifest.
    pub domains: Arc<[String]>,
    /// Default timeouts of network calls that name none (app.json `networkTimeout`).
    pub network_timeout: NetworkTimeout,
}

/// Default timeouts of network calls, in milliseconds: app.json `networkTimeout`
/// (`request`, `uploadFile`, `downloadFile`); a call's own `timeout` wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkTimeout {
    /// For `request` (platform default 30 s).
    pub request_ms: u64,
    /// For `uploadFile` (platform default 60 s).
    pub upload_ms: u64,
    /// For `downloadFile` (platform default 60 s).
    pub download_ms: u64,
}

impl Default for NetworkTimeout {
    fn default() -> Self {
        Self {
            request_ms: 30_000,
            upload_ms: 60_000,
            download_ms: 60_000,
        }
    }
}

impl Caller {
    /// A caller in the Alipay dialect with no network domains.
    pub fn new(app_id: impl Into<String>, page: u64, origin: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            page,
            origin: origin.into(),
            dialect: Dialect::default(),
            domains: Arc::from([]),
            network_timeout: NetworkTimeout::default(),
        }
    }
}

/// One call of an API, as handed to its handler after the permission check.
pub struct ApiCall {
    /// Canonical API name.
    pub api: String,
    /// Who called.
    pub caller: Caller,
    /// The parameter object (`null` when the caller gave none).
    pub args: Value,
    /// The device to act on.
    pub device: Arc<dyn Device>,
}

impl fmt::Debug for ApiCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiCall")
            .field("api", &self.api)
            .field("caller", &self.caller)
            .field("args", &self.args)
            .finish_non_exhaustive()
    }
}

/// A native API: the permission it needs and its handler.
pub trait JsApi: Send + Sync {
    /// The permission a caller must hold.
    fn permission(&self) -> Permission;

    /// Runs the call and answers `reply`, synchronously or later from another thread.
    fn call(&self, call: ApiCall, reply: Reply);
}

/// A synchronous API written as a closure.
struct FnApi<F> {
    permission: Permission,
    handler: F,
}

impl<F> JsApi for FnApi<F>
where
    F: Fn(&ApiCall) -> ApiResult + Send + Sync,
{
    fn permission(&self) -> Permission {
        self.permission.clone()
    }

    fn call(&self, call: ApiCall, reply: Reply) {
        reply.send((self.handler)(&call));
    }
}

/// The APIs an app can call, by canonical name.
#[derive(Default, Clone)]
pub struct Registry {
    apis: HashMap<String, Arc<dyn JsApi>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) API `name`.
    pub fn register(&mut self, name: impl Into<String>, api: impl JsApi + 'static) {
        self.apis.insert(name.into(), Arc::new(api));
    }

    /// Registers (or replaces) a synchronous API written as a closure.
    pub fn register_fn<F>(&mut self, name: impl Into<String>, permission: Permission, handler: F)
    where
        F: Fn(&ApiCall) -> ApiResult + Send + Sync + 'static,
    {
        self.register(
            name,
            FnApi {
                permission,
                handler,
            },
        );
    }

    /// The API called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<dyn JsApi>> {
        self.apis.get(name).cloned()
    }

    /// Every registered API name, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.apis.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("apis", &self.names())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiError;
    use std::sync::mpsc;

    #[test]
    fn a_dropped_reply_answers_with_an_unknown_error() {
        let (sender, receiver) = mpsc::channel();
        drop(Reply::new(move |result| {
            sender.send(result).expect("receiver alive");
        }));
        let result = receiver.recv().expect("answered");
        assert_eq!(result.map_err(|e| e.code), Err(ApiError::UNKNOWN));
    }
}
