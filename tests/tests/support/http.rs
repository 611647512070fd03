//! Real HTTP and HTTPS servers on 127.0.0.1 for the network tests, and a test certificate
//! authority whose root the client is told to trust.
//!
//! Routes: `/echo` (the request as JSON), `/text`, `/status/<n>`, `/slow` (answers after
//! 5 s), `/stall` (promises 1000 bytes, sends 10, then waits 5 s), `/cookie/set` (a session
//! cookie), `/cookie/login` (a session cookie and one that lasts an hour),
//! `/redirect?to=<url>`, `/bytes/<n>`, `/not-json`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
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
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                let tls = tls.clone();
                std::thread::spawn(move || {
                    let _ = connection.set_read_timeout(Some(Duration::from_secs(30)));
                    let stream: Box<dyn Stream> = match tls {
                        Some(config) => match rustls::ServerConnection::new(config) {
                            Ok(session) => Box::new(rustls::StreamOwned::new(session, connection)),
                            Err(_) => return,
                        },
                        None => Box::new(connection),
                    };
                    serve(stream);
                });
            }
        });
        Self {
            origin: format!("{scheme}://localhost:{port}"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
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
    if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
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

fn serve(stream: Box<dyn Stream>) {
    let mut reader = BufReader::new(stream);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
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
        "/echo" | "/upload" => {
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
