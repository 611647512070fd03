//! Where the logic layer's JSAPI calls go.

use capsule_jsapi::Reply;
use capsule_packages::App;
use serde_json::Value;

/// Runs the JSAPI calls of an app's logic (`my.x` / `wx.x`): the runtime's container
/// implements it with the permission-checked dispatcher H5 pages use.
pub trait ApiDispatch: Send + Sync {
    /// Runs `api` with `params` for `app`; the answer goes to `reply`, now or later.
    fn invoke(&self, app: &App, api: &str, params: Value, reply: Reply);
}
