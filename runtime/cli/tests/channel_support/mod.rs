//! A real update channel for the channel tests: nginx (Debian's package, installed by
//! `scripts/test.sh`) serving a channel folder on 127.0.0.1 with its own config and port, the
//! `capsule` binary as publisher and clients, and a proxy that breaks downloads off.

#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use capsule_packages::{Store, TrustedKeys, Verifier};

/// The app the H5 demo is.
pub const APP: &str = "h5-demo";

/// nginx serving a folder on a port of its own; stopped when dropped.
pub struct Nginx {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// Serves `root` as a static channel: ETags on (nginx's default), range requests,
    /// `/fail500/` answering 500. Fails the test when nginx is missing.
    pub fn serve(root: &Path) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let prefix = dir.path();
        let config = format!(
            "daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    log_format channel '$request $status $body_bytes_sent range=$http_range';
    access_log {prefix}/access.log channel;
    client_body_temp_path {prefix}/tmp;
    proxy_temp_path {prefix}/tmp;
    fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp;
    scgi_temp_path {prefix}/tmp;
    types {{ application/json json; application/octet-stream capsule; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location /fail500/ {{ return 500; }}
    }}
}}
",
            prefix = prefix.display(),
            root = root.display(),
        );
        std::fs::write(prefix.join("nginx.conf"), config).expect("config");
        let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|path| Path::new(path).exists())
            .unwrap_or("nginx");
        let child = Command::new(binary)
            .arg("-c")
            .arg(prefix.join("nginx.conf"))
            .arg("-p")
            .arg(prefix)
            .arg("-e")
            .arg("stderr")
            .stdout(Stdio::null())
            .spawn()
            .expect("nginx runs (apt-get install nginx; scripts/test.sh does)");
        let nginx = Self { child, port, dir };
        wait_for_port(port);
        nginx
    }

    /// The channel's base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The access log: `<request> <status> <bytes> range=<Range header>` per line.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the `capsule` binary.
pub fn capsule(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capsule"))
        .args(args)
        .env_remove("CAPSULE_DATA_DIR")
        // Windows (`run`) go to a virtual display of their own.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CAPSULE_LOG", "info")
        .output()
        .expect("capsule runs")
}

/// Stdout of a run that must succeed.
pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "capsule failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Stderr of a run that must fail.
pub fn failed(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "capsule succeeded but should not have:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A publisher: a key pair, packages of the H5 demo at any version, and a channel folder.
pub struct Publisher {
    pub dir: tempfile::TempDir,
    pub key: PathBuf,
    pub public_key: PathBuf,
    pub channel: PathBuf,
}

impl Publisher {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("publisher.key");
        ok(&capsule(&["keygen", "-o", path(&key)]));
        let public_key = dir.path().join("publisher.key.pub");
        let channel = dir.path().join("channel");
        Self {
            dir,
            key,
            public_key,
            channel,
        }
    }

    /// A signed package of the H5 demo at `version`, with `extra` files added.
    pub fn package(&self, version: &str, extra: &[(&str, &[u8])]) -> PathBuf {
        let app = self.dir.path().join(format!("app-{version}"));
        copy_dir(Path::new("../../examples/h5-demo"), &app);
        let manifest = app.join("manifest.json");
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&manifest).expect("manifest")).expect("json");
        json["version"] = version.into();
        std::fs::write(&manifest, json.to_string()).expect("manifest");
        std::fs::write(app.join("version.txt"), version).expect("version file");
        for (name, bytes) in extra {
            std::fs::write(app.join(name), bytes).expect("extra file");
        }
        self.pack(&app, version)
    }

    /// The app folder `folder` packed and signed.
    pub fn pack(&self, folder: &Path, name: &str) -> PathBuf {
        let package = self.dir.path().join(format!("{name}.capsule"));
        ok(&capsule(&[
            "pack",
            path(folder),
            "--key",
            path(&self.key),
            "-o",
            path(&package),
        ]));
        package
    }

    /// `capsule publish <package> --channel <channel> --key <key> <stage...>`.
    pub fn publish(&self, package: &Path, stage: &[&str]) -> Output {
        let mut args = vec![
            "publish",
            path(package),
            "--channel",
            path(&self.channel),
            "--key",
            path(&self.key),
        ];
        args.extend_from_slice(stage);
        capsule(&args)
    }

    /// `capsule channel <command> <channel> h5-demo --key <key> <args...>`.
    pub fn channel(&self, command: &str, args: &[&str]) -> Output {
        let mut all = vec![
            "channel",
            command,
            path(&self.channel),
            APP,
            "--key",
            path(&self.key),
        ];
        all.extend_from_slice(args);
        capsule(&all)
    }

    /// A file listing `ids`, for `--whitelist`.
    pub fn id_file(&self, name: &str, ids: &[&str]) -> PathBuf {
        let file = self.dir.path().join(name);
        std::fs::write(&file, ids.join("\n")).expect("id file");
        file
    }

    /// The app's index file in the channel.
    pub fn index(&self) -> PathBuf {
        self.channel.join("apps").join(APP).join("index.json")
    }
}

/// A client device: its own data folder, one user.
pub struct Client {
    pub data: tempfile::TempDir,
    pub user: String,
    pub internal: bool,
    pub trust: PathBuf,
}

impl Client {
    pub fn new(user: &str, internal: bool, publisher: &Publisher) -> Self {
        Self {
            data: tempfile::tempdir().expect("tempdir"),
            user: user.to_owned(),
            internal,
            trust: publisher.public_key.clone(),
        }
    }

    /// `capsule update h5-demo --channel <url> --user <user> [--internal]`.
    pub fn update(&self, url: &str) -> Output {
        let mut args = vec![
            "update",
            APP,
            "--channel",
            url,
            "--user",
            &self.user,
            "--trust",
            path(&self.trust),
            "--data-dir",
            path(self.data.path()),
        ];
        if self.internal {
            args.push("--internal");
        }
        capsule(&args)
    }

    /// The active version, after checking that the store is consistent and the version's
    /// files are intact.
    pub fn active(&self) -> Option<String> {
        let store = Store::open(self.data.path()).expect("store opens");
        store.check().expect("store consistent");
        let active = store.active_version(APP).expect("index readable")?;
        let mut trusted = TrustedKeys::new();
        trusted.add(capsule_packages::PublicKey::read(&self.trust).expect("key"));
        let app = store.open_app(&Verifier::new(trusted), APP).expect("opens");
        let path = capsule_packages::RelativePath::new("version.txt").expect("path");
        let shown = String::from_utf8(app.files.read(&path).expect("version file")).expect("utf8");
        assert_eq!(
            shown,
            active.version.to_string(),
            "the files are the version's"
        );
        Some(active.version.to_string())
    }
}

/// How a [`Proxy`] breaks a package download off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// Closes the connection cleanly after this many bytes of the response.
    Close(usize),
    /// Resets the connection (TCP RST) after this many bytes of the response.
    Reset(usize),
}

/// A TCP proxy in front of nginx that breaks off the first response to a package request;
/// everything else passes. Stops with the test process.
pub struct Proxy {
    port: u16,
    pub broke: Arc<AtomicBool>,
}

impl Proxy {
    pub fn start(upstream: u16, how: Break) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let broke = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&broke);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let flag = Arc::clone(&flag);
                std::thread::spawn(move || relay(client, upstream, how, &flag));
            }
        });
        Self { port, broke }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Relays one connection (one request: the client's HTTP client may keep it open).
fn relay(mut client: TcpStream, upstream: u16, how: Break, broke: &AtomicBool) {
    let mut request = vec![0u8; 16 << 10];
    let Ok(read) = client.read(&mut request) else {
        return;
    };
    // One request per connection: nginx closes after answering, and so does the proxy.
    let request =
        String::from_utf8_lossy(&request[..read]).replacen("\r\n", "\r\nConnection: close\r\n", 1);
    let is_package = request.contains("/packages/");
    let mut server = TcpStream::connect(("127.0.0.1", upstream)).expect("nginx");
    server
        .write_all(request.as_bytes())
        .expect("forward request");
    let cut = (is_package && !broke.swap(true, Ordering::SeqCst)).then_some(how);
    let mut sent = 0usize;
    let mut buffer = [0u8; 4096];
    while let Ok(n) = server.read(&mut buffer) {
        if n == 0 {
            break;
        }
        let limit = match cut {
            Some(Break::Close(after) | Break::Reset(after)) => after.saturating_sub(sent).min(n),
            None => n,
        };
        if client.write_all(&buffer[..limit]).is_err() {
            break;
        }
        sent += limit;
        if limit < n {
            match cut {
                Some(Break::Reset(_)) => {
                    let _ = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
                }
                _ => {
                    let _ = client.shutdown(Shutdown::Both);
                }
            }
            return;
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

pub fn path(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}
