//! `request`, `downloadFile`, `uploadFile` and `abortTask` on a shared tokio runtime, each
//! checked against the app's declared domains, every redirect too; outside developer mode no
//! request reaches a loopback, private or link-local address, named or resolved.
//!
//! A call may name itself with `taskId` (a string the caller picks); `abortTask({taskId})`
//! then cancels it and the call fails with code 9. Transfers report progress as native
//! `taskProgress` events to the calling page: `{taskId, api, progress, totalBytesWritten,
//! totalBytesExpectedToWrite}` for downloads, `…Sent` / `…ExpectedToSend` for uploads.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs as _};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use futures_util::future::{AbortHandle, Abortable};
use reqwest::{Method, Url};
use serde_json::{Map, Value, json};
use tokio::io::AsyncWriteExt as _;

use crate::cookies::AppCookies;
use crate::files::FileAreas;
use crate::{ApiCall, ApiError, Args, Dialect, JsApi, Permission, Registry, Reply, value};

/// Alipay's code for a request to a domain the app did not declare.
pub const DOMAIN_NOT_ALLOWED: i64 = 11;
/// Alipay's code for a network failure.
pub const NETWORK_ERROR: i64 = 12;
/// Alipay's code for a request that timed out.
pub const TIMEOUT: i64 = 13;
/// Alipay's code for a response that could not be decoded as asked (`dataType: "json"`).
pub const DECODE_ERROR: i64 = 14;
/// Alipay's code for an HTTP error status (400 and above).
pub const HTTP_ERROR: i64 = 19;
/// Alipay's code for a call cancelled with `abortTask`.
pub const ABORTED: i64 = 9;

/// Most redirects one call follows.
const MAX_REDIRECTS: usize = 10;
/// Longest URL accepted, in bytes.
const MAX_URL_BYTES: usize = 8 << 10;
/// Largest response body `request` keeps in memory, in bytes.
const MAX_RESPONSE_BYTES: usize = 50 << 20;
/// Largest file `downloadFile` writes, in bytes (WeChat's documented limit: 200 MB).
const MAX_DOWNLOAD_BYTES: u64 = 200 << 20;
/// Largest file `uploadFile` sends, in bytes.
const MAX_UPLOAD_BYTES: u64 = 200 << 20;
/// Longest timeout a call may ask for, in milliseconds.
const MAX_TIMEOUT_MS: u64 = 10 * 60 * 1000;
/// Upload chunk size, which is also how often upload progress is reported.
const UPLOAD_CHUNK: usize = 64 << 10;

/// The runtime all network (and other blocking) work runs on, shared by every container in
/// the process.
pub(crate) fn shared_runtime() -> Result<&'static tokio::runtime::Runtime, ApiError> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("capsule-network")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| ApiError::unknown(format!("network runtime unavailable: {e}")))
}

/// Network state of one registry: TLS trust, per-app clients (each with its cookie jar) and
/// the running tasks that may be aborted.
pub(crate) struct Network {
    developer_mode: bool,
    trusted_certificates: Vec<Vec<u8>>,
    tls: OnceLock<Result<rustls::ClientConfig, String>>,
    clients: Mutex<HashMap<String, AppClient>>,
    /// Running named tasks by (app, taskId), each with a serial number so a finished task
    /// never removes a newer one that reused its id.
    tasks: Arc<Mutex<RunningTasks>>,
    next_serial: std::sync::atomic::AtomicU64,
    files: Arc<FileAreas>,
    /// Where apps' lasting cookies are kept (`None`: in memory only).
    cookies_dir: Option<std::path::PathBuf>,
}

/// Abort handles of running named tasks by (app id, task id), with their serial numbers.
type RunningTasks = HashMap<(String, String), (u64, AbortHandle)>;

struct AppClient {
    domains: Arc<[String]>,
    client: reqwest::Client,
    jar: Arc<AppCookies>,
}

impl Network {
    pub(crate) fn new(
        developer_mode: bool,
        trusted_certificates: Vec<Vec<u8>>,
        files: Arc<FileAreas>,
        data_dir: Option<&std::path::Path>,
    ) -> Self {
        Self {
            cookies_dir: data_dir.map(|dir| dir.join("cookies")),
            developer_mode,
            trusted_certificates,
            tls: OnceLock::new(),
            clients: Mutex::default(),
            tasks: Arc::default(),
            next_serial: std::sync::atomic::AtomicU64::new(1),
            files,
        }
    }

    fn tls(&self) -> Result<rustls::ClientConfig, ApiError> {
        self.tls
            .get_or_init(|| tls_config(&self.trusted_certificates))
            .clone()
            .map_err(|e| ApiError::unknown(format!("TLS setup failed: {e}")))
    }

    /// The app's client (its cookies, and redirects limited to its domains) and its jar.
    fn client(
        &self,
        app: &str,
        domains: &Arc<[String]>,
    ) -> Result<(reqwest::Client, Arc<AppCookies>), ApiError> {
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = clients.get(app).filter(|c| c.domains == *domains) {
            return Ok((existing.client.clone(), Arc::clone(&existing.jar)));
        }
        let jar = clients.get(app).map_or_else(
            || Arc::new(AppCookies::open(self.cookies_dir.as_deref(), app)),
            |existing| Arc::clone(&existing.jar),
        );
        let (allowed, developer_mode) = (Arc::clone(domains), self.developer_mode);
        let app_name = app.to_owned();
        // Every hop is checked as the first request was; its address is checked when it is
        // resolved (`PublicResolver`).
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("too many redirects (more than {MAX_REDIRECTS})"));
            }
            match check_domain(attempt.url(), &allowed, developer_mode) {
                Ok(()) => attempt.follow(),
                Err(refused) => {
                    tracing::warn!(app = %app_name, url = %attempt.url(), "redirect refused");
                    attempt.error(UndeclaredRedirect(refused.message))
                }
            }
        });
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(self.tls()?)
            .cookie_provider(Arc::clone(&jar))
            .redirect(redirects)
            .dns_resolver(PublicResolver { developer_mode })
            .build()
            .map_err(|e| ApiError::unknown(format!("network client setup failed: {e}")))?;
        clients.insert(
            app.to_owned(),
            AppClient {
                domains: Arc::clone(domains),
                client: client.clone(),
                jar: Arc::clone(&jar),
            },
        );
        Ok((client, jar))
    }

    fn abort(&self, app: &str, task: &str) -> bool {
        let handle = self
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(app.to_owned(), task.to_owned()));
        handle.map(|(_, h)| h.abort()).is_some()
    }
}

/// The TLS set-up of every HTTPS client Capsule makes: the system's root certificates plus
/// `extra` (DER certificates a host trusts too), on rustls' ring provider.
pub fn tls_config(extra: &[Vec<u8>]) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for error in &native.errors {
        tracing::warn!(%error, "could not load a system root certificate");
    }
    roots.add_parsable_certificates(native.certs);
    for der in extra {
        roots
            .add(rustls::pki_types::CertificateDer::from(der.clone()))
            .map_err(|e| format!("a trusted certificate from the host is invalid: {e}"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Whether `url` may be reached by an app declaring `domains`: HTTPS to a declared origin
/// (scheme, host and port), or in developer mode plain HTTP to a declared loopback origin.
/// `*` among the domains leaves them unchecked (HTTP and HTTPS anywhere), as the platforms'
/// tools do for a project under development. Outside developer mode an address that is not
/// public ([`is_public`]: this machine, its network, a link) is refused whatever the domains
/// say, as the platforms refuse IP addresses and `localhost` as request domains.
pub(crate) fn check_domain(
    url: &Url,
    domains: &[String],
    developer_mode: bool,
) -> Result<(), ApiError> {
    let refuse = |why: String| ApiError::new(DOMAIN_NOT_ALLOWED, why);
    // An address in the URL is checked here (the URL parser has put it in its canonical
    // form, `[...]` for IPv6); a name, when it is resolved (`PublicResolver`).
    if !developer_mode
        && let Some(host) = url.host_str()
        && let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        && !is_public(ip)
    {
        return Err(refuse(format!(
            "url not in domain list: {host} is a loopback, private or link-local address, reachable only in developer mode"
        )));
    }
    if domains.iter().any(|domain| domain == "*") {
        return match url.scheme() {
            "http" | "https" => Ok(()),
            _ => Err(refuse(format!(
                "url not in domain list: {url} is not HTTP or HTTPS"
            ))),
        };
    }
    let host = url.host_str().unwrap_or_default();
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if developer_mode && loopback => {}
        "http" if loopback => {
            return Err(refuse(format!(
                "url not in domain list: {url} uses plain HTTP, allowed only for declared loopback domains in developer mode"
            )));
        }
        _ => {
            return Err(refuse(format!(
                "url not in domain list: {url} is not HTTPS"
            )));
        }
    }
    let declared = domains.iter().any(|domain| {
        let with_scheme = if domain.contains("://") {
            domain.clone()
        } else {
            format!("https://{domain}")
        };
        Url::parse(&with_scheme).is_ok_and(|d| {
            d.scheme() == url.scheme()
                && d.host_str().is_some_and(|h| h.eq_ignore_ascii_case(host))
                && d.port_or_known_default() == url.port_or_known_default()
        })
    });
    if declared {
        Ok(())
    } else {
        Err(refuse(format!(
            "url not in domain list: {} is not among the app's declared domains",
            url.origin().ascii_serialization()
        )))
    }
}

/// Whether `ip` is an address on the internet rather than this machine, its local network
/// or a link: loopback, unspecified (`0.0.0.0`, `::`), private (RFC 1918), shared (RFC 6598),
/// link-local, unique local (`fc00::/7`), broadcast and multicast addresses are not, nor an
/// IPv4 address mapped into IPv6 that is not.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => {
            let [a, b, ..] = ip.octets();
            !(ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_broadcast()
                || ip.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = ip.segments()[0];
                !(ip.is_loopback()
                    || ip.is_unspecified()
                    || ip.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80)
            }
        },
    }
}

/// A name that resolved to an address apps may not reach outside developer mode.
#[derive(Debug)]
struct AddressRefused {
    host: String,
    address: IpAddr,
}

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "url not in domain list: {} resolves to {}, a loopback, private or link-local address, reachable only in developer mode",
            self.host, self.address
        )
    }
}

impl std::error::Error for AddressRefused {}

/// The system's resolver, refusing (outside developer mode) names that resolve to any
/// address that is not public ([`is_public`]): a declared domain cannot lead to this
/// machine or its network through DNS, on the first request or a redirect.
struct PublicResolver {
    developer_mode: bool,
}

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let developer_mode = self.developer_mode;
        Box::pin(async move {
            let lookup = host.clone();
            let addresses: Vec<SocketAddr> =
                tokio::task::spawn_blocking(move || (lookup.as_str(), 0).to_socket_addrs())
                    .await??
                    .collect();
            if !developer_mode && let Some(refused) = addresses.iter().find(|a| !is_public(a.ip()))
            {
                let refused = AddressRefused {
                    host,
                    address: refused.ip(),
                };
                tracing::warn!(%refused, "address refused");
                return Err(refused.into());
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Which transfer an API performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Request,
    Download,
    Upload,
}

/// One network API.
struct NetworkApi {
    network: Arc<Network>,
    kind: Kind,
}

impl JsApi for NetworkApi {
    fn permission(&self) -> Permission {
        Permission::NETWORK
    }

    fn call(&self, call: ApiCall, reply: Reply) {
        match self.start(&call) {
            Ok(work) => {
                let runtime = match shared_runtime() {
                    Ok(runtime) => runtime,
                    Err(error) => return reply.send(Err(error)),
                };
                let (handle, registration) = AbortHandle::new_pair();
                let key = work.task.clone().map(|id| (call.caller.app_id.clone(), id));
                let tasks = Arc::clone(&self.network.tasks);
                let serial = self
                    .network
                    .next_serial
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if let Some(key) = &key {
                    tasks
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(key.clone(), (serial, handle));
                }
                let cookies = Arc::clone(&work.cookies);
                runtime.spawn(async move {
                    let result = Abortable::new(work.run(), registration).await;
                    // The cookies it set are on disk when it answers (see `cookies.rs`).
                    cookies.persisted().await;
                    if let Some(key) = key {
                        let mut running = tasks.lock().unwrap_or_else(PoisonError::into_inner);
                        if running.get(&key).is_some_and(|(s, _)| *s == serial) {
                            running.remove(&key);
                        }
                    }
                    reply.send(result.unwrap_or_else(|_| {
                        Err(ApiError::new(ABORTED, "abort: the task was aborted"))
                    }));
                });
            }
            Err(error) => reply.send(Err(error)),
        }
    }
}

impl NetworkApi {
    /// Checks the arguments and the domain; the returned work does the transfer.
    fn start(&self, call: &ApiCall) -> Result<Work, ApiError> {
        let args = Args::new(&call.api, &call.args)?;
        let dialect = call.caller.dialect;
        let mut url = parse_url(args.str("url", MAX_URL_BYTES)?)?;
        check_domain(&url, &call.caller.domains, self.network.developer_mode)?;
        let task = args.opt_str("taskId", 64)?.map(str::to_owned);
        let defaults = call.caller.network_timeout;
        let default_timeout = match self.kind {
            Kind::Request => defaults.request_ms,
            Kind::Download => defaults.download_ms,
            Kind::Upload => defaults.upload_ms,
        };
        let timeout = match args.opt_u64("timeout", 0..=MAX_TIMEOUT_MS)? {
            None | Some(0) => default_timeout,
            Some(ms) => ms,
        };
        let headers = headers(&call.args, dialect)?;
        let method = match self.kind {
            Kind::Request => method(args.opt_str("method", 16)?)?,
            Kind::Download => Method::GET,
            Kind::Upload => Method::POST,
        };
        let body = match self.kind {
            Kind::Request => request_body(&method, &mut url, call.args.get("data"), &headers)?,
            Kind::Download => Body::None,
            Kind::Upload => upload_body(&self.network.files, call, &args)?,
        };
        let target = match self.kind {
            Kind::Download => Some(download_target(&self.network.files, call, &args, &url)?),
            Kind::Request | Kind::Upload => None,
        };
        let (client, cookies) = self
            .network
            .client(&call.caller.app_id, &call.caller.domains)?;
        let response_format = response_format(&args, dialect)?;
        Ok(Work {
            client,
            cookies,
            kind: self.kind,
            method,
            url,
            headers,
            body,
            timeout: Duration::from_millis(timeout),
            dialect,
            response_format,
            target,
            task,
            progress: Progress {
                device: Arc::clone(&call.device),
                page: call.caller.page,
                api: call.api.clone(),
            },
        })
    }
}

fn parse_url(text: &str) -> Result<Url, ApiError> {
    Url::parse(text)
        .map_err(|e| ApiError::invalid_param(format!("'url' is not a valid URL ({e}): {text}")))
}

fn method(name: Option<&str>) -> Result<Method, ApiError> {
    let name = name.unwrap_or("GET").to_ascii_uppercase();
    match name.as_str() {
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH" | "TRACE" => {
            Method::from_bytes(name.as_bytes()).map_err(|e| ApiError::invalid_param(e.to_string()))
        }
        _ => Err(ApiError::invalid_param(format!(
            "'method' must be GET, POST, PUT, DELETE, HEAD, OPTIONS, PATCH or TRACE, got '{name}'"
        ))),
    }
}

/// Request headers from `headers` (Alipay) or `header` (WeChat); either is accepted.
fn headers(params: &Value, dialect: Dialect) -> Result<Vec<(String, String)>, ApiError> {
    let (first, second) = match dialect {
        Dialect::Alipay => ("headers", "header"),
        Dialect::Wechat => ("header", "headers"),
    };
    let Some(given) = params.get(first).or_else(|| params.get(second)) else {
        return Ok(Vec::new());
    };
    let fields = match given {
        Value::Null => return Ok(Vec::new()),
        Value::Object(fields) => fields,
        _ => {
            return Err(ApiError::invalid_param(format!(
                "'{first}' must be an object"
            )));
        }
    };
    if fields.len() > 100 {
        return Err(ApiError::invalid_param(format!(
            "'{first}' has more than 100 headers"
        )));
    }
    fields
        .iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Number(_) | Value::Bool(_) => value.to_string(),
                _ => {
                    return Err(ApiError::invalid_param(format!(
                        "header '{name}' must be a string"
                    )));
                }
            };
            let valid = reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok()
                && reqwest::header::HeaderValue::from_str(&text).is_ok();
            if valid {
                Ok((name.clone(), text))
            } else {
                Err(ApiError::invalid_param(format!(
                    "header '{name}' is not a valid HTTP header"
                )))
            }
        })
        .collect()
}

/// What a transfer sends.
enum Body {
    None,
    Bytes(Vec<u8>, Option<&'static str>),
    Multipart {
        fields: Vec<(String, String)>,
        field_name: String,
        file_name: String,
        bytes: Vec<u8>,
    },
}

/// A form value: strings as they are, anything else as JSON.
fn form_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `data` for GET becomes the query string; for other methods the body: strings and
/// ArrayBuffers as they are, objects as JSON or form-encoded when the content type says so.
fn request_body(
    method: &Method,
    url: &mut Url,
    data: Option<&Value>,
    headers: &[(String, String)],
) -> Result<Body, ApiError> {
    let data = match data {
        None | Some(Value::Null) => return Ok(Body::None),
        Some(data) => data,
    };
    if method == Method::GET {
        match data {
            Value::Object(fields) => {
                let mut query = url.query_pairs_mut();
                for (name, value) in fields {
                    query.append_pair(name, &form_text(value));
                }
            }
            Value::String(text) if !text.is_empty() => {
                let joined = match url.query() {
                    Some(existing) if !existing.is_empty() => format!("{existing}&{text}"),
                    _ => text.clone(),
                };
                url.set_query(Some(&joined));
            }
            Value::String(_) => {}
            _ => {
                return Err(ApiError::invalid_param(
                    "GET 'data' must be an object or a string",
                ));
            }
        }
        return Ok(Body::None);
    }
    if let Some(bytes) = value::array_buffer_bytes(data) {
        return Ok(Body::Bytes(bytes?, Some("application/octet-stream")));
    }
    let content_type = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.to_ascii_lowercase());
    let form = content_type
        .as_deref()
        .is_some_and(|t| t.contains("application/x-www-form-urlencoded"));
    Ok(match data {
        Value::String(text) => Body::Bytes(text.clone().into_bytes(), Some("application/json")),
        Value::Object(fields) if form => {
            // A URL's query serializer is the form encoder reqwest brings along.
            let mut encoded = reqwest::Url::parse("http://form.invalid/")
                .map_err(|e| ApiError::unknown(e.to_string()))?;
            {
                let mut pairs = encoded.query_pairs_mut();
                for (name, value) in fields {
                    pairs.append_pair(name, &form_text(value));
                }
            }
            Body::Bytes(
                encoded.query().unwrap_or_default().as_bytes().to_vec(),
                None,
            )
        }
        other => Body::Bytes(other.to_string().into_bytes(), Some("application/json")),
    })
}

fn upload_body(files: &FileAreas, call: &ApiCall, args: &Args<'_>) -> Result<Body, ApiError> {
    let path = args.str("filePath", 1024)?;
    let (first, second) = match call.caller.dialect {
        Dialect::Wechat => ("name", "fileName"),
        Dialect::Alipay => ("fileName", "name"),
    };
    let field_name = match args.opt_str(first, 256)? {
        Some(name) => name,
        None => args.str(second, 256).map_err(|_| {
            ApiError::invalid_param(format!("{}: missing required string '{first}'", call.api))
        })?,
    };
    let mut fields = Vec::new();
    match call.args.get("formData") {
        None | Some(Value::Null) => {}
        Some(Value::Object(form)) => {
            fields.extend(
                form.iter()
                    .map(|(name, value)| (name.clone(), form_text(value))),
            );
        }
        Some(_) => return Err(ApiError::invalid_param("'formData' must be an object")),
    }
    let resolved = files.resolve(&call.caller.app_id, path)?;
    let size = std::fs::metadata(&resolved.real)
        .map_err(|e| ApiError::unknown(format!("cannot read '{path}': {e}")))?
        .len();
    if size > MAX_UPLOAD_BYTES {
        return Err(ApiError::invalid_param(format!(
            "'{path}' is {size} bytes; uploadFile sends at most {MAX_UPLOAD_BYTES}"
        )));
    }
    let bytes = std::fs::read(&resolved.real)
        .map_err(|e| ApiError::unknown(format!("cannot read '{path}': {e}")))?;
    let file_name = resolved
        .real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    Ok(Body::Multipart {
        fields,
        field_name: field_name.to_owned(),
        file_name,
        bytes,
    })
}

/// Where a download goes: a new temporary file, or `filePath` under the app's user folder.
fn download_target(
    files: &FileAreas,
    call: &ApiCall,
    args: &Args<'_>,
    url: &Url,
) -> Result<(std::path::PathBuf, String, bool), ApiError> {
    if let Some(path) = args.opt_str("filePath", 1024)? {
        let resolved = files.resolve(&call.caller.app_id, path)?;
        if resolved.folder != crate::files::Folder::User {
            return Err(ApiError::invalid_param(format!(
                "permission denied: '{path}' is read-only; download under USER_DATA_PATH"
            )));
        }
        return Ok((resolved.real, path.to_owned(), true));
    }
    let extension = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext)
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 10 && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .map(|ext| format!(".{ext}"))
        .unwrap_or_default();
    let (real, virtual_path) =
        files.new_temp_file(&call.caller.app_id, call.caller.dialect, &extension)?;
    Ok((real, virtual_path, false))
}

/// How a response body is handed back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Text,
    Base64,
    ArrayBuffer,
}

fn response_format(args: &Args<'_>, dialect: Dialect) -> Result<Format, ApiError> {
    if args.opt_str("responseType", 16)? == Some("arraybuffer") {
        return Ok(Format::ArrayBuffer);
    }
    match args.opt_str("dataType", 16)? {
        None | Some("json") => Ok(Format::Json),
        Some("text") => Ok(Format::Text),
        Some("base64") => Ok(Format::Base64),
        Some("arraybuffer") => Ok(Format::ArrayBuffer),
        // WeChat: any other dataType means "do not parse".
        Some(_) if dialect == Dialect::Wechat => Ok(Format::Text),
        Some(other) => Err(ApiError::invalid_param(format!(
            "'dataType' must be json, text, base64 or arraybuffer, got '{other}'"
        ))),
    }
}

/// Sends `taskProgress` events to the calling page.
struct Progress {
    device: Arc<dyn crate::Device>,
    page: u64,
    api: String,
}

impl Progress {
    fn report(&self, task: Option<&str>, done: u64, total: Option<u64>, sent: bool) {
        let Some(task) = task else { return };
        let percent = total
            .filter(|t| *t > 0)
            .map_or(0, |t| (done * 100 / t).min(100));
        let (done_name, total_name) = if sent {
            ("totalBytesSent", "totalBytesExpectedToSend")
        } else {
            ("totalBytesWritten", "totalBytesExpectedToWrite")
        };
        let mut data = Map::new();
        data.insert("taskId".into(), json!(task));
        data.insert("api".into(), json!(self.api));
        data.insert("progress".into(), json!(percent));
        data.insert(done_name.into(), json!(done));
        data.insert(total_name.into(), json!(total.unwrap_or(0)));
        self.device
            .send_event(self.page, "taskProgress", Value::Object(data));
    }
}

/// A checked transfer, ready to run on the runtime.
struct Work {
    client: reqwest::Client,
    /// The client's jar, whose changes the call waits to see on disk.
    cookies: Arc<AppCookies>,
    kind: Kind,
    method: Method,
    url: Url,
    headers: Vec<(String, String)>,
    body: Body,
    timeout: Duration,
    dialect: Dialect,
    response_format: Format,
    /// For downloads: real path, the path reported back, whether the caller chose it.
    target: Option<(std::path::PathBuf, String, bool)>,
    task: Option<String>,
    progress: Progress,
}

/// A redirect not followed because the domain check refused where it leads (the check's
/// message). Only these are code 11: a redirect loop is a network error like any other.
#[derive(Debug)]
struct UndeclaredRedirect(String);

impl std::fmt::Display for UndeclaredRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redirect refused: {}", self.0)
    }
}

impl std::error::Error for UndeclaredRedirect {}

fn transfer_error(error: &reqwest::Error) -> ApiError {
    // The chain holds the useful part (connection refused, certificate unknown, the
    // redirect or address refused, ...).
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<AddressRefused>() {
            return ApiError::new(DOMAIN_NOT_ALLOWED, refused.to_string());
        }
        if let Some(refused) = cause.downcast_ref::<UndeclaredRedirect>() {
            return ApiError::new(DOMAIN_NOT_ALLOWED, refused.0.clone());
        }
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    if error.is_timeout() {
        ApiError::new(TIMEOUT, "timeout")
    } else {
        ApiError::new(NETWORK_ERROR, format!("network error: {message}"))
    }
}

impl Work {
    async fn run(self) -> Result<Value, ApiError> {
        let mut builder = self
            .client
            .request(self.method.clone(), self.url.clone())
            .timeout(self.timeout);
        let has_content_type = self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let task = self.task.as_deref();
        builder = match self.body {
            Body::None => builder,
            Body::Bytes(bytes, default_type) => match default_type.filter(|_| !has_content_type) {
                Some(content_type) => builder.header("content-type", content_type).body(bytes),
                None => builder.body(bytes),
            },
            Body::Multipart {
                fields,
                field_name,
                file_name,
                bytes,
            } => {
                let total = bytes.len() as u64;
                let progress = self.progress;
                let task_id = self.task.clone();
                let chunks: Vec<Vec<u8>> = bytes.chunks(UPLOAD_CHUNK).map(<[u8]>::to_vec).collect();
                let mut sent = 0_u64;
                let stream = futures_util::stream::iter(chunks.into_iter().map(move |chunk| {
                    sent += chunk.len() as u64;
                    progress.report(task_id.as_deref(), sent, Some(total), true);
                    Ok::<_, std::io::Error>(chunk)
                }));
                let part = reqwest::multipart::Part::stream_with_length(
                    reqwest::Body::wrap_stream(stream),
                    total,
                )
                .file_name(file_name);
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in fields {
                    form = form.text(name, value);
                }
                let form = form.part(field_name, part);
                let response = builder
                    .multipart(form)
                    .send()
                    .await
                    .map_err(|e| transfer_error(&e))?;
                let (status, header, _) = response_head(&response);
                let bytes = read_body(response).await?;
                // Both platforms answer uploads as `{data: text, statusCode, header}`.
                return Ok(json!({
                    "data": String::from_utf8_lossy(&bytes),
                    "statusCode": status,
                    "header": header,
                }));
            }
        };
        let mut response = builder.send().await.map_err(|e| transfer_error(&e))?;
        let (status, header, cookies) = response_head(&response);
        if self.kind == Kind::Download {
            let (real, reported, chosen) = self
                .target
                .ok_or_else(|| ApiError::unknown("download without a target"))?;
            let total = response.content_length();
            if let Some(total) = total.filter(|total| *total > MAX_DOWNLOAD_BYTES) {
                return Err(too_large_download(total));
            }
            let mut partial = PartialFile {
                path: real.clone(),
                complete: false,
            };
            let mut file = tokio::fs::File::create(&real)
                .await
                .map_err(|e| ApiError::unknown(format!("cannot write '{reported}': {e}")))?;
            let mut written = 0_u64;
            while let Some(chunk) = response.chunk().await.map_err(|e| transfer_error(&e))? {
                file.write_all(&chunk)
                    .await
                    .map_err(|e| ApiError::unknown(format!("cannot write '{reported}': {e}")))?;
                written += chunk.len() as u64;
                if written > MAX_DOWNLOAD_BYTES {
                    return Err(too_large_download(written));
                }
                self.progress.report(task, written, total, false);
            }
            file.flush()
                .await
                .map_err(|e| ApiError::unknown(format!("cannot write '{reported}': {e}")))?;
            partial.complete = true;
            let path_field = match (self.dialect, chosen) {
                (_, true) => "filePath",
                (Dialect::Wechat, false) => "tempFilePath",
                (Dialect::Alipay, false) => "apFilePath",
            };
            let mut result = Map::new();
            result.insert(path_field.into(), json!(reported));
            result.insert("statusCode".into(), json!(status));
            result.insert("totalBytes".into(), json!(written));
            return Ok(Value::Object(result));
        }
        let bytes = read_body(response).await?;
        if self.dialect == Dialect::Alipay && status >= 400 {
            return Err(ApiError::new(
                HTTP_ERROR,
                format!("http status error: the server answered {status}"),
            ));
        }
        let data = match self.response_format {
            Format::ArrayBuffer => value::array_buffer(&bytes),
            Format::Base64 => json!(base64::engine::general_purpose::STANDARD.encode(&bytes)),
            Format::Text => json!(String::from_utf8_lossy(&bytes)),
            Format::Json if bytes.iter().all(u8::is_ascii_whitespace) => json!(""),
            Format::Json => match serde_json::from_slice::<Value>(&bytes) {
                Ok(parsed) => parsed,
                Err(_) if self.dialect == Dialect::Wechat => json!(String::from_utf8_lossy(&bytes)),
                Err(error) => {
                    return Err(ApiError::new(
                        DECODE_ERROR,
                        format!(
                            "JSON parse error: the response is not JSON ({error}); use dataType 'text'"
                        ),
                    ));
                }
            },
        };
        Ok(shaped(self.dialect, status, header, cookies, data))
    }
}

/// The error of a download over [`MAX_DOWNLOAD_BYTES`] (WeChat's text for it).
fn too_large_download(bytes: u64) -> ApiError {
    ApiError::new(
        NETWORK_ERROR,
        format!(
            "exceed max file size: the file has {bytes} bytes or more, the limit is {MAX_DOWNLOAD_BYTES}"
        ),
    )
}

/// A download being written, removed again unless it completes — also when the task is
/// aborted, which drops the transfer mid-write.
struct PartialFile {
    path: std::path::PathBuf,
    complete: bool,
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.complete {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn response_head(response: &reqwest::Response) -> (u16, Map<String, Value>, Vec<Value>) {
    let mut header = Map::new();
    let mut cookies = Vec::new();
    for (name, value) in response.headers() {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == reqwest::header::SET_COOKIE {
            cookies.push(json!(text));
        }
        match header.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&text);
            }
            _ => {
                header.insert(name.as_str().to_owned(), json!(text));
            }
        }
    }
    (response.status().as_u16(), header, cookies)
}

async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transfer_error(&e))? {
        if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ApiError::new(
                NETWORK_ERROR,
                format!("the response is larger than {MAX_RESPONSE_BYTES} bytes; use downloadFile"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// `{data, status, headers}` (Alipay) or `{data, statusCode, header, cookies}` (WeChat).
fn shaped(
    dialect: Dialect,
    status: u16,
    header: Map<String, Value>,
    cookies: Vec<Value>,
    data: Value,
) -> Value {
    let mut result = Map::new();
    result.insert("data".into(), data);
    match dialect {
        Dialect::Alipay => {
            result.insert("status".into(), json!(status));
            result.insert("headers".into(), Value::Object(header));
        }
        Dialect::Wechat => {
            result.insert("statusCode".into(), json!(status));
            result.insert("header".into(), Value::Object(header));
            result.insert("cookies".into(), Value::Array(cookies));
        }
    }
    Value::Object(result)
}

pub(crate) fn register(registry: &mut Registry, network: &Arc<Network>) {
    for (name, kind) in [
        ("request", Kind::Request),
        // The older Alipay name, and Nebula's for H5 pages: the same call and shapes.
        ("httpRequest", Kind::Request),
        ("downloadFile", Kind::Download),
        ("uploadFile", Kind::Upload),
    ] {
        registry.register(
            name,
            NetworkApi {
                network: Arc::clone(network),
                kind,
            },
        );
    }
    let network = Arc::clone(network);
    registry.register_fn("abortTask", Permission::NETWORK, move |call| {
        let args = Args::new(&call.api, &call.args)?;
        let task = args.str("taskId", 64)?;
        Ok(json!({ "aborted": network.abort(&call.caller.app_id, task) }))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_matched_by_scheme_host_and_port() {
        let domains = [
            "https://api.example.com".to_owned(),
            "img.example.com".to_owned(),
            "https://alt.example.com:8443".to_owned(),
            "http://localhost:8080".to_owned(),
        ];
        let allowed = |url: &str, developer_mode| {
            check_domain(&Url::parse(url).expect("url"), &domains, developer_mode)
                .map_err(|e| e.code)
        };
        assert_eq!(allowed("https://api.example.com/v1?q=1", false), Ok(()));
        assert_eq!(allowed("https://API.example.com:443/", false), Ok(()));
        assert_eq!(allowed("https://img.example.com/a.png", false), Ok(()));
        assert_eq!(allowed("https://alt.example.com:8443/", false), Ok(()));
        assert_eq!(allowed("http://localhost:8080/", true), Ok(()));
        for (url, developer_mode) in [
            ("http://api.example.com/", true),
            ("https://alt.example.com/", false),
            ("https://api.example.com:444/", false),
            ("https://evil.example.com/", false),
            ("https://api.example.com.evil.test/", false),
            ("http://localhost:8080/", false),
            ("http://localhost:9090/", true),
            ("ftp://api.example.com/", false),
            ("file:///etc/passwd", false),
        ] {
            assert_eq!(
                allowed(url, developer_mode),
                Err(DOMAIN_NOT_ALLOWED),
                "{url}"
            );
        }
    }

    #[test]
    fn addresses_of_this_machine_and_its_network_need_developer_mode() {
        let domains = ["*".to_owned()];
        let allowed = |url: &str, developer_mode| {
            check_domain(&Url::parse(url).expect("url"), &domains, developer_mode)
                .map_err(|e| e.code)
        };
        for url in [
            "https://127.0.0.1/",
            "https://127.1.2.3/",
            "https://0x7f.0.0.1/",
            "https://2130706433/",
            "https://0.0.0.0/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/",
            "https://100.64.0.1/",
            "https://[::1]/",
            "https://[::]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
        ] {
            assert_eq!(allowed(url, false), Err(DOMAIN_NOT_ALLOWED), "{url}");
            assert_eq!(allowed(url, true), Ok(()), "{url} in developer mode");
        }
        for url in ["https://93.184.215.14/", "https://[2606:4700::1]/"] {
            assert_eq!(allowed(url, false), Ok(()), "{url}");
        }
    }

    #[test]
    fn a_star_leaves_http_and_https_unchecked() {
        let domains = ["*".to_owned()];
        let allowed = |url: &str| {
            check_domain(&Url::parse(url).expect("url"), &domains, false).map_err(|e| e.code)
        };
        assert_eq!(allowed("https://anything.example.com/a"), Ok(()));
        assert_eq!(allowed("http://192.0.2.7:8080/"), Ok(()));
        assert_eq!(allowed("ftp://files.example.com/"), Err(DOMAIN_NOT_ALLOWED));
        assert_eq!(allowed("file:///etc/passwd"), Err(DOMAIN_NOT_ALLOWED));
    }
}
