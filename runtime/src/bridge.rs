//! The JSBridge wire format between a page and the container.
//!
//! A page posts JSON [`FromPage`] messages through the webview's IPC channel; the container
//! answers with [`ToPage`] messages, which a host delivers to the page's bridge script
//! (`assets/bridge.js`) as `window.__capsuleBridgeReceive(message)`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use capsule_jsapi::{
    ApiCall, ApiError, ApiResult, Caller, Device, Permission, PermissionSet, Registry, Reply,
    UiRequest,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::HostPolicy;
use crate::lanes::Lanes;

/// The script every page of an app gets before its own scripts (its top frame only): the
/// JSBridge (`CapsuleJSBridge`, `AlipayJSBridge`, whose `startupParams` are
/// `startup_params`), the container UI drawn over the page and the mini-program page host
/// (idle until the first `mp*` message). They post to the container through
/// `window.__capsuleIpc.post(json)`, which puts `token` before each message: the host takes
/// only messages that start with it, so a frame of another origin inside the page (a
/// mini-program's `<web-view>`), which can reach the webview's message channel but not the
/// page's objects, cannot speak for the page.
pub(crate) fn page_script(startup_params: &Value, token: &str) -> String {
    let startup = match startup_params {
        Value::Object(_) => startup_params.clone(),
        _ => Value::Object(serde_json::Map::new()),
    };
    let token = Value::from(token);
    format!(
        "(() => {{ const token = {token}; const channel = window.ipc; \
         Object.defineProperty(window, \"__capsuleIpc\", {{ value: Object.freeze({{ \
         post: (json) => channel.postMessage(token + json) }}) }}); }})();\n\
         window.__capsuleStartupParams = {startup};\n{}\n{}\n{}",
        include_str!("../assets/bridge.js"),
        capsule_components::CONTAINER_UI_SCRIPT,
        capsule_components::PAGE_HOST_SCRIPT
    )
}

/// A new page's IPC token (see [`page_script`]): 32 random hex digits.
pub(crate) fn ipc_token() -> String {
    let mut bytes = [0_u8; 16];
    // Without the system's randomness the page still works, with a guessable token.
    if let Err(error) = getrandom::fill(&mut bytes) {
        tracing::warn!(%error, "no random IPC token");
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A message from a page's bridge script.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FromPage {
    /// `CapsuleJSBridge.call(api, params, ...)`.
    #[serde(rename_all = "camelCase")]
    Invoke {
        /// The page's number for the call, echoed in the reply.
        call_id: u64,
        /// API name.
        api: String,
        /// Parameter object, or `null`.
        #[serde(default)]
        params: Value,
    },
    /// The user dismissed (or the page showed) a UI request.
    #[serde(rename_all = "camelCase")]
    UiResult {
        /// The container's number for the request.
        ui_id: u64,
        /// What the user chose.
        #[serde(default)]
        result: Value,
    },
    /// The page's document finished loading and has painted.
    Loaded {
        /// The document's URL (absent from bridges older than this field).
        #[serde(default)]
        url: Option<String>,
    },
    /// The user pressed the simulator's home key (leaving the app) or came back to it.
    Lifecycle {
        /// Whether the app is now in the background.
        background: bool,
    },
    /// The user pressed the back key (Alt+Left in the simulator) in the page.
    BackKey,
    /// The page's `back` event was not prevented: the container goes back as the window's
    /// back behaviour says.
    #[serde(rename_all = "camelCase")]
    BackUnhandled {
        /// Whether the page has history to go back to.
        can_go_back: bool,
    },
    /// A `console.*` call or an uncaught error in the page.
    Console {
        /// `log`, `info`, `warn`, `error` or `debug`.
        level: String,
        /// The message, already formatted.
        message: String,
    },
    /// A message of the mini-program page host (`kind` starting with `mp`: user events, tab
    /// and back taps, scrolling, render acknowledgements), handled by the app's
    /// [`MiniProgram`](crate::MiniProgram).
    #[serde(skip)]
    MiniProgram(Value),
    /// The outcome of a script a host ran in the page.
    #[serde(rename_all = "camelCase")]
    ScriptResult {
        /// The host's number for the script.
        script_id: u64,
        /// Whether the script completed without throwing.
        ok: bool,
        /// The script's (awaited) value, or the error message.
        #[serde(default)]
        value: Value,
    },
}

impl FromPage {
    /// Parses a raw IPC message; malformed ones are logged and dropped (pages are untrusted).
    pub fn parse(json: &str) -> Option<Self> {
        let parsed = serde_json::from_str::<Value>(json).and_then(|value| {
            let page_host = value
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|kind| kind.starts_with("mp"));
            if page_host {
                Ok(Self::MiniProgram(value))
            } else {
                serde_json::from_value(value)
            }
        });
        match parsed {
            Ok(message) => Some(message),
            Err(error) => {
                let start: String = json.chars().take(120).collect();
                tracing::warn!(%error, message = start, "dropped a malformed bridge message");
                None
            }
        }
    }
}

/// A message to a page's bridge script.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ToPage {
    /// The answer of an `Invoke`.
    #[serde(rename_all = "camelCase")]
    Reply {
        /// The call's number.
        call_id: u64,
        /// Whether the call succeeded.
        ok: bool,
        /// The result object, or `{error, errorMessage}`.
        result: Value,
    },
    /// A native event (`resume`, `pause`, `back`) dispatched on `document`.
    Event {
        /// The event name.
        name: String,
        /// Event data, readable as `event.data` and `event.detail`.
        data: Value,
    },
    /// The app went to the background (the window shows the home screen over it) or came
    /// back.
    Lifecycle {
        /// Whether the app is now in the background.
        background: bool,
    },
    /// Goes back one entry in the page's history.
    HistoryBack,
    /// Container UI to draw over the page; answered with `FromPage::UiResult`.
    #[serde(rename_all = "camelCase")]
    Ui {
        /// The container's number for the request.
        ui_id: u64,
        /// What to draw.
        request: UiRequest,
    },
    /// A message for the mini-program page host (`{"kind": "mpRender", ...}`): renders,
    /// patches, chrome, scripted user actions. Sent as it is.
    #[serde(skip)]
    MiniProgram(Value),
}

impl ToPage {
    /// The reply to call `call_id`.
    pub fn reply(call_id: u64, result: ApiResult) -> Self {
        match result {
            Ok(value) => Self::Reply {
                call_id,
                ok: true,
                result: value,
            },
            Err(error) => Self::Reply {
                call_id,
                ok: false,
                result: error.to_json(),
            },
        }
    }

    /// The JavaScript that delivers this message to the page's bridge.
    pub fn to_script(&self) -> String {
        let encoded = match self {
            Self::MiniProgram(message) => serde_json::to_string(message),
            other => serde_json::to_string(other),
        };
        let json = encoded.unwrap_or_else(|error| {
            let failure = ApiError::unknown(format!("cannot encode message: {error}"));
            serde_json::json!({"kind": "event", "name": "error", "data": failure.to_json()})
                .to_string()
        });
        format!("window.__capsuleBridgeReceive && window.__capsuleBridgeReceive({json});")
    }
}

/// The one path every JSAPI call takes, from H5 pages and mini-program logic alike: look the
/// API up, check the permission, run the handler with panics contained.
pub(crate) struct Dispatcher {
    pub(crate) registry: Registry,
    pub(crate) policy: HostPolicy,
    pub(crate) device: Arc<dyn Device>,
    /// Where handlers that can wait run: a thread of the calling app's own.
    pub(crate) lanes: Lanes,
}

/// Whether handlers of APIs needing `permission` can wait (on disk, the network, decoding),
/// and so run on the app's lane rather than on the thread the call arrived on.
fn can_wait(permission: &Permission) -> bool {
    [
        Permission::STORAGE,
        Permission::FILES,
        Permission::NETWORK,
        Permission::SCAN,
    ]
    .contains(permission)
}

/// The app a call is made on behalf of.
pub(crate) struct CallingApp<'a> {
    /// The permissions its manifest declares.
    pub(crate) declared: &'a PermissionSet,
    /// Its own origin, `capsule://<appId>`.
    pub(crate) origin: &'a str,
}

impl Dispatcher {
    /// Runs API `api` for `caller` and answers `reply` with its result or with error 1 (no
    /// such API), 2 (bad parameters), 3 (the handler failed or panicked) or 4 (not permitted).
    /// A handler that can wait runs on the app's lane ([`Lanes`]), after the app's earlier
    /// calls; the others run here.
    pub(crate) fn invoke(
        &self,
        app: &CallingApp<'_>,
        caller: Caller,
        api: &str,
        params: Value,
        reply: Reply,
    ) {
        let Some(handler) = self.registry.get(api) else {
            return reply.send(Err(ApiError::not_found(api)));
        };
        let permission = handler.permission();
        if !self
            .policy
            .permits(app.declared, app.origin, &caller.origin, api, &permission)
        {
            return reply.send(Err(ApiError::no_permission(api, permission.as_str())));
        }
        if !(params.is_object() || params.is_null()) {
            return reply.send(Err(ApiError::invalid_param(format!(
                "{api}: parameters must be an object"
            ))));
        }
        let lane = can_wait(&permission).then(|| caller.app_id.clone());
        let call = ApiCall {
            api: api.to_owned(),
            caller,
            args: params,
            device: Arc::clone(&self.device),
        };
        let run = move || {
            let api = call.api.clone();
            // A panicking handler drops its reply while unwinding, which answers error 3.
            if catch_unwind(AssertUnwindSafe(|| handler.call(call, reply))).is_err() {
                tracing::error!(api, "JSAPI handler panicked");
            }
        };
        match lane {
            Some(app_id) => self.lanes.run(&app_id, Box::new(run)),
            None => run(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_page_messages() {
        let invoke: FromPage =
            serde_json::from_str(r#"{"kind":"invoke","callId":7,"api":"alert"}"#).expect("valid");
        assert_eq!(
            invoke,
            FromPage::Invoke {
                call_id: 7,
                api: "alert".into(),
                params: Value::Null
            }
        );
        for bad in [
            r#"{"kind":"nope"}"#,
            r#"{"callId":1}"#,
            "[]",
            r#"{"kind":"invoke","callId":-1,"api":"x"}"#,
        ] {
            assert!(serde_json::from_str::<FromPage>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replies_carry_nebula_errors() {
        let reply = ToPage::reply(3, Err(ApiError::not_found("x")));
        let json = serde_json::to_value(&reply).expect("serializable");
        assert_eq!(
            json,
            json!({"kind":"reply","callId":3,"ok":false,"result":{"error":1,"errorMessage":"API not found: x"}})
        );
        assert!(
            reply
                .to_script()
                .starts_with("window.__capsuleBridgeReceive")
        );
    }
}
