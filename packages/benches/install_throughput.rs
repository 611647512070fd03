//! Install throughput of one package (MB/s of unpacked bytes) beside the baseline of
//! `unzip` + `sha256sum` on the same file, measured in the same run.
//!
//! `cargo bench -p capsule-packages --bench install_throughput` (`-- --quick`: an app of an
//! eighth of the size, one run each)

#[path = "../../runtime/benches/support/figure.rs"]
mod figure;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use capsule_packages::{InstallOptions, SecretKey, Store, TrustedKeys, Verifier, pack};
use figure::{Figure, Goal};

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let (runs, scale) = if quick { (1, 8) } else { (5, 1) };
    let median = |measure: &mut dyn FnMut() -> Duration| median(runs, measure);
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("app");
    let bytes = write_app(&source, scale);
    let key = SecretKey::generate().expect("key");
    let package = dir.path().join("bench.capsule");
    pack(&source, &key, &package, &mut |_, _| {}).expect("pack");
    let package_bytes = std::fs::metadata(&package).expect("package").len();
    let mut trusted = TrustedKeys::new();
    trusted.add(key.public_key());
    let verifier = Verifier::new(trusted);
    println!(
        "package: {:.1} MB unpacked, {:.1} MB on disk, {runs} runs each, median shown",
        mb(bytes),
        mb(package_bytes)
    );

    let mut run = 0;
    let install = median(&mut || {
        run += 1;
        let store_dir = dir.path().join(format!("store-{run}"));
        let mut store = Store::open(&store_dir).expect("store");
        let started = Instant::now();
        store
            .install(&verifier, &package, &InstallOptions::default())
            .expect("install");
        let elapsed = started.elapsed();
        drop(store);
        std::fs::remove_dir_all(&store_dir).expect("clean up");
        elapsed
    });
    let verify = median(&mut || {
        let started = Instant::now();
        verifier.verify(&package).expect("verify");
        started.elapsed()
    });
    let baseline = |sync: bool| {
        median(&mut || {
            let out = dir.path().join("unzipped");
            let script = format!(
                "unzip -q -o '{}' -d '{}' && find '{}' -type f -print0 | xargs -0 sha256sum >/dev/null{}",
                package.display(),
                out.display(),
                out.display(),
                if sync { " && sync" } else { "" }
            );
            let started = Instant::now();
            let status = Command::new("sh").arg("-c").arg(&script).status();
            let elapsed = started.elapsed();
            assert!(
                status.is_ok_and(|s| s.success()),
                "baseline failed: {script}"
            );
            std::fs::remove_dir_all(&out).expect("clean up");
            elapsed
        })
    };
    let unzip_sha = baseline(false);
    let unzip_sha_sync = baseline(true);

    for (name, time) in [
        ("capsule install (verify, unpack, fsync, index)", install),
        ("capsule verify (decompress + SHA-256, no writes)", verify),
        ("baseline: unzip + sha256sum", unzip_sha),
        ("baseline: unzip + sha256sum + sync", unzip_sha_sync),
    ] {
        println!(
            "{name:50} {:8.1} ms {:8.1} MB/s",
            time.as_secs_f64() * 1e3,
            mb(bytes) / time.as_secs_f64()
        );
    }
    Figure {
        name: "package install".into(),
        value: mb(bytes) / install.as_secs_f64(),
        baseline: "unzip + sha256sum".into(),
        baseline_value: mb(bytes) / unzip_sha.as_secs_f64(),
        unit: "MB/s".into(),
        goal: Goal::AtLeast(2.0),
    }
    .print();
}

fn median(runs: usize, measure: &mut dyn FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| measure()).collect();
    times.sort();
    times[runs / 2]
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// An app of 64 MiB / `scale`: half script-like text (compresses well), half noise (like
/// images).
fn write_app(dir: &Path, scale: usize) -> u64 {
    std::fs::create_dir_all(dir.join("js")).expect("mkdir");
    std::fs::create_dir_all(dir.join("img")).expect("mkdir");
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"appId":"bench.app","name":"Bench","version":"1.0.0","kind":"h5","entry":"index.html"}"#,
    )
    .expect("manifest");
    std::fs::write(dir.join("index.html"), "<h1>bench</h1>").expect("index");
    let mut total = 0;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..128 / scale {
        let text: String = (0..)
            .map(|n| format!("function f{i}_{n}(a, b) {{ return a * {n} + b - {i}; }}\n"))
            .take_while({
                let mut len = 0;
                move |line: &String| {
                    len += line.len();
                    len <= 256 << 10
                }
            })
            .collect();
        total += text.len() as u64;
        std::fs::write(dir.join(format!("js/module{i}.js")), text).expect("js");
    }
    for i in 0..64 / scale {
        let noise: Vec<u8> = (0..512 << 10)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        total += noise.len() as u64;
        std::fs::write(dir.join(format!("img/photo{i}.bin")), noise).expect("img");
    }
    total
}
