//! Real HTTP and HTTPS servers on 127.0.0.1 for the network tests, and a test certificate
//! authority whose root the client is told to trust.
//!
//! Routes: `/echo` (the request as JSON), `/text`, `/status/<n>`, `/slow` (answers after
//! 5 s), `/stall` (promises 1000 bytes, sends 10, then waits 5 s), `/cookie/set` (a session
//! cookie), `/cookie/login` (a session cookie and one that lasts an hour),
//! `/cookie/lasting/<name>` (a cookie `<name>=1` that lasts an hour),
//! `/redirect?to=<url>`, `/bytes/<n>`, `/not-json`.
//!
//! And the faults: `/held` (the echo, once [`TestServer::release`] opens the gate),
//! `/hang` (reads the request and never answers, until the client goes), `/reset` (answers
//! part of a body, then resets the connection; the request's body is left unread, which
//! makes the close a reset), `/endless` (headers, then a body that never ends), `/trickle`
//! (a byte of body every 50 ms, for ever), `/big/<n>` (a body of `n` bytes, streamed),
//! `/loop` (redirects to itself).

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Map, Value, json};

/// A certificate authority and a server certificate it issued for `localhost` and
/// `127.0.0.1`.
pub struct TestCa {
    /// The authority's root certificate (DER), for the client to trust.
    pub root_der: Vec<u8>,
    /// The same certificate as PEM (for `SSL_CERT_FILE`).
    pub root_pem: String,
    server: Arc<rustls::ServerConfig>,
}

impl TestCa {
    pub fn new() -> Self {
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Capsule Test CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
        let leaf_key = rcgen::KeyPair::generate().expect("leaf key");
        let leaf_params =
            rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .expect("params");
        let leaf = leaf_params.signed_by(&leaf_key, &ca).expect("leaf");
        let key =
            rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).expect("key der");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
            .expect("server config");
        Self {
            root_der: ca.der().to_vec(),
            root_pem: ca.pem(),
            server: Arc::new(server),
        }
    }
}

/// A server answering the test routes until the process ends.
pub struct TestServer {
    /// `http://localhost:<port>` or `https://localhost:<port>`.
    pub origin: String,
    state: Arc<ServerState>,
}

/// What a test can see of a server: its open connections and the `/held` gate.
#[derive(Default)]
struct ServerState {
    open: AtomicUsize,
    /// Requests waiting at the gate, and whether it is open.
    gate: Mutex<(usize, bool)>,
    gate_changed: Condvar,
}

/// Counts a connection as open while it lives.
struct OpenConnection(Arc<ServerState>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

impl TestServer {
    pub fn http() -> Self {
        Self::start(None)
    }

    pub fn https(ca: &TestCa) -> Self {
        Self::start(Some(Arc::clone(&ca.server)))
    }

    fn start(tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let state = Arc::new(ServerState::default());
        let serving = Arc::clone(&state);
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                let tls = tls.clone();
                serving.open.fetch_add(1, Ordering::SeqCst);
                let open = OpenConnection(Arc::clone(&serving));
                std::thread::spawn(move || {
                    let _ = connection.set_read_timeout(Some(Duration::from_secs(30)));
                    let stream: Box<dyn Stream> = match tls {
                        Some(config) => match rustls::ServerConnection::new(config) {
                            Ok(session) => Box::new(rustls::StreamOwned::new(session, connection)),
                            Err(_) => return,
                        },
                        None => Box::new(connection),
                    };
                    serve(stream, &open.0);
                });
            }
        });
        Self {
            origin: format!("{scheme}://localhost:{port}"),
            state,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Connections accepted and not yet ended.
    pub fn open_connections(&self) -> usize {
        self.state.open.load(Ordering::SeqCst)
    }

    /// Requests to `/held` waiting for [`TestServer::release`].
    pub fn held(&self) -> usize {
        self.state
            .gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
    }

    /// Holds the `/held` requests to come, until [`TestServer::release`].
    pub fn hold(&self) {
        self.state
            .gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1 = false;
    }

    /// Answers the `/held` requests waiting, and those to come (until
    /// [`TestServer::hold`]). The gate starts closed.
    pub fn release(&self) {
        self.state
            .gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1 = true;
        self.state.gate_changed.notify_all();
    }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_request(reader: &mut BufReader<Box<dyn Stream>>) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if target.starts_with("/reset") {
        // Left unread, so that closing the connection resets it.
    } else if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

/// Writes `block` until the client stops reading, every `pause`.
fn write_for_ever(stream: &mut dyn Stream, head: &str, block: &[u8], pause: Duration) {
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    while stream
        .write_all(block)
        .and_then(|()| stream.flush())
        .is_ok()
    {
        std::thread::sleep(pause);
    }
}

fn serve(stream: Box<dyn Stream>, state: &ServerState) {
    let mut reader = BufReader::new(stream);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let endless =
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
    match path {
        "/hang" => {
            // Never answers; reads until the client closes the connection (or five minutes).
            let mut byte = [0; 1];
            for _ in 0..10 {
                match reader.read(&mut byte) {
                    Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                    _ => return,
                }
            }
            return;
        }
        "/reset" => {
            let stream = reader.get_mut();
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&[b'x'; 1000]);
            let _ = stream.flush();
            // Dropped with the request body unread: the kernel resets the connection.
            return;
        }
        "/endless" => {
            return write_for_ever(reader.get_mut(), endless, &[7; 64 << 10], Duration::ZERO);
        }
        "/trickle" => {
            return write_for_ever(reader.get_mut(), endless, &[7], Duration::from_millis(50));
        }
        _ if path.starts_with("/big/") => {
            let n: usize = path["/big/".len()..].parse().unwrap_or(0);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {n}\r\nConnection: close\r\n\r\n"
            );
            let stream = reader.get_mut();
            let block = [7; 64 << 10];
            let mut left = n;
            let _ = stream.write_all(head.as_bytes());
            while left > 0 && stream.write_all(&block[..left.min(block.len())]).is_ok() {
                left -= left.min(block.len());
            }
            let _ = stream.flush();
            return;
        }
        "/held" => {
            let mut gate = state.gate.lock().unwrap_or_else(PoisonError::into_inner);
            gate.0 += 1;
            while !gate.1 {
                gate = state
                    .gate_changed
                    .wait(gate)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            gate.0 -= 1;
        }
        _ => {}
    }
    if path == "/stall" {
        let stream = reader.get_mut();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n";
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&[7; 10]);
        let _ = stream.flush();
        std::thread::sleep(Duration::from_secs(5));
        return;
    }
    let mut extra_headers: Vec<(String, String)> = Vec::new();
    let (status, content_type, body): (u16, &str, Vec<u8>) = match path {
        "/echo" | "/upload" | "/held" => {
            let headers: Map<String, Value> = request
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), json!(v)))
                .collect();
            let echo = json!({
                "method": request.method, "path": path, "query": query, "headers": headers,
                "body": String::from_utf8_lossy(&request.body),
            });
            (200, "application/json", echo.to_string().into_bytes())
        }
        "/text" => (200, "text/plain", b"hello, text".to_vec()),
        "/not-json" => (200, "application/json", b"{not json".to_vec()),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(5));
            (200, "application/json", b"{}".to_vec())
        }
        "/cookie/set" => {
            extra_headers.push(("Set-Cookie".into(), "session=s3cret; Path=/".into()));
            (200, "application/json", b"{}".to_vec())
        }
        "/cookie/login" => {
            extra_headers.push(("Set-Cookie".into(), "session=s3cret; Path=/".into()));
            extra_headers.push((
                "Set-Cookie".into(),
                "login=kept; Path=/; Max-Age=3600".into(),
            ));
            (200, "application/json", b"{}".to_vec())
        }
        "/loop" => {
            extra_headers.push(("Location".into(), "/loop".into()));
            (302, "text/plain", Vec::new())
        }
        _ if path.starts_with("/cookie/lasting/") => {
            let name = &path["/cookie/lasting/".len()..];
            extra_headers.push((
                "Set-Cookie".into(),
                format!("{name}=1; Path=/; Max-Age=3600"),
            ));
            (200, "application/json", b"{}".to_vec())
        }
        "/redirect" => {
            let to = query.strip_prefix("to=").unwrap_or_default();
            let to = percent_decode(to);
            extra_headers.push(("Location".into(), to));
            (302, "text/plain", Vec::new())
        }
        _ if path.starts_with("/status/") => {
            let status = path["/status/".len()..].parse().unwrap_or(500);
            (status, "application/json", br#"{"failed":true}"#.to_vec())
        }
        _ if path.starts_with("/bytes/") => {
            let n: usize = path["/bytes/".len()..].parse().unwrap_or(0);
            (
                200,
                "application/octet-stream",
                (0..n).map(|i| (i % 251) as u8).collect(),
            )
        }
        _ => (404, "text/plain", b"not found".to_vec()),
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\nX-Test-Server: capsule\r\n",
        body.len()
    );
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let stream = reader.get_mut();
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
