//! The `capsule` commands about signed packages and the package store (part of the binary,
//! not of the library).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use capsule_packages::{
    AppId, InstallOptions, PublicKey, SecretKey, Store, TrustedKeys, Verifier, inspect, pack,
};

/// Packages smaller than this pack without a progress bar.
const PROGRESS_BAR_BYTES: u64 = 16 << 20;
/// Folder of the data dir holding trusted `*.pub` files.
const TRUSTED_KEYS_DIR: &str = "trusted-keys";

/// The data folder: `--data-dir`, else [`capsule_runtime::default_data_dir`].
pub(crate) fn data_dir(flag: Option<&Path>) -> Result<PathBuf> {
    match flag {
        Some(dir) => Ok(dir.to_owned()),
        None => capsule_runtime::default_data_dir()
            .context("cannot find a data folder: set --data-dir, CAPSULE_DATA_DIR or HOME"),
    }
}

/// Opens the package store of the data folder `dir`, saying so when a damaged index was set
/// aside (its apps must be installed again).
pub(crate) fn open_store(dir: &Path) -> Result<Store> {
    let store = Store::open(dir)
        .with_context(|| format!("cannot open the package store {}", dir.display()))?;
    if let Some(set_aside) = store.set_aside() {
        eprintln!(
            "warning: the package index {set_aside}; the versions it named are kept beside it \
             (the same name with .apps): install the apps again"
        );
    }
    Ok(store)
}

/// A verifier trusting the keys in `<data dir>/trusted-keys/` and the `--trust` files.
pub(crate) fn verifier(data_dir: &Path, trust: &[PathBuf]) -> Result<Verifier> {
    let mut trusted = TrustedKeys::new();
    trusted.add_dir(&data_dir.join(TRUSTED_KEYS_DIR))?;
    for path in trust {
        trusted.add(PublicKey::read(path)?);
    }
    if trusted.is_empty() {
        bail!(
            "no trusted publisher keys: pass --trust <key.pub> or add one with `capsule trust <key.pub>`"
        );
    }
    Ok(Verifier::new(trusted))
}

pub(crate) fn keygen(out: &Path) -> Result<()> {
    let key = SecretKey::generate()?;
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    if public_path.exists() {
        bail!("{} exists already; not overwriting", public_path.display());
    }
    key.write_new(out)?;
    let public = key.public_key();
    std::fs::write(&public_path, format!("{}\n", public.to_line()))
        .with_context(|| format!("cannot write {}", public_path.display()))?;
    println!("secret key: {} (keep it private)", out.display());
    println!(
        "public key: {} (key id {})",
        public_path.display(),
        public.key_id()
    );
    println!("{}", public.to_line());
    Ok(())
}

pub(crate) fn pack_dir(dir: &Path, key: &Path, out: &Path) -> Result<()> {
    let key = SecretKey::read(key)?;
    let mut bar: Option<indicatif::ProgressBar> = None;
    let show_bar = std::io::stderr().is_terminal();
    let mut progress = |done: u64, total: u64| {
        if show_bar && total >= PROGRESS_BAR_BYTES {
            bar.get_or_insert_with(|| new_bar(total)).set_position(done);
        }
    };
    let summary = pack(dir, &key, out, &mut progress)
        .with_context(|| format!("cannot pack {}", dir.display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    println!(
        "packed {} {} ({} files, {} bytes) into {}, signed by key {}",
        summary.manifest.app_id,
        summary.manifest.version,
        summary.files,
        summary.bytes,
        out.display(),
        summary.key_id
    );
    if let Some(inference) = &summary.inferred {
        println!("manifest.json written into the package: {inference}");
    }
    Ok(())
}

fn new_bar(total: u64) -> indicatif::ProgressBar {
    let style = indicatif::ProgressStyle::with_template(
        "packing {bar:40} {bytes}/{total_bytes} {bytes_per_sec}",
    )
    .expect("the template is valid");
    indicatif::ProgressBar::new(total).with_style(style)
}

pub(crate) fn verify(verifier: &Verifier, package: &Path) -> Result<()> {
    let verified = verifier
        .verify(package)
        .with_context(|| format!("{} is refused", package.display()))?;
    println!(
        "ok: {} {} signed by key {}, {} files, {} bytes, digest {}",
        verified.manifest.app_id,
        verified.manifest.version,
        verified.key_id,
        verified.files.len(),
        verified.bytes,
        verified.package_digest
    );
    Ok(())
}

pub(crate) fn inspect_package(package: &Path) -> Result<()> {
    let info = inspect(package).with_context(|| format!("cannot read {}", package.display()))?;
    let m = &info.manifest;
    println!("appId:     {}", m.app_id);
    println!("name:      {}", m.name);
    println!("version:   {}", m.version);
    println!("kind:      {}", format!("{:?}", m.kind).to_lowercase());
    if let Some(dialect) = m.dialect {
        println!("dialect:   {}", format!("{dialect:?}").to_lowercase());
    }
    println!("entry:     {}", m.entry);
    println!("apis:      {}", m.permissions.apis.join(", "));
    println!("domains:   {}", m.permissions.domains.join(", "));
    if let Some(min) = &m.min_runtime_version {
        println!("runtime:   >= {min}");
    }
    println!("keyId:     {}", m.key_id.as_deref().unwrap_or("(none)"));
    println!("entries (not verified; use `capsule verify`):");
    for (name, size, compressed) in &info.entries {
        println!("  {size:>10} {compressed:>10}  {name}");
    }
    Ok(())
}

/// The store options for `capsule install`.
pub(crate) fn install_options(
    package: &Path,
    force: bool,
    allow_key_change: bool,
    app_id: Option<&str>,
) -> Result<InstallOptions> {
    Ok(InstallOptions {
        expected_app_id: app_id.map(AppId::new).transpose()?,
        allow_downgrade: force,
        allow_key_change,
        defer_activation: false,
        source: std::path::absolute(package)
            .unwrap_or_else(|_| package.to_owned())
            .display()
            .to_string(),
    })
}

pub(crate) fn install(
    store: &mut Store,
    verifier: &Verifier,
    package: &Path,
    options: &InstallOptions,
) -> Result<()> {
    let installed = store
        .install(verifier, package, options)
        .with_context(|| format!("cannot install {}", package.display()))?;
    println!(
        "installed {} {} (active)",
        installed.app_id, installed.version
    );
    Ok(())
}

pub(crate) fn list(store: &Store) -> Result<()> {
    let versions = store.list()?;
    if versions.is_empty() {
        println!("no apps installed in {}", store.root().display());
    }
    for v in versions {
        println!(
            "{:<24} {:<12} {:<7} installed {} key {} from {}",
            v.app_id,
            v.version.to_string(),
            if v.active { "active" } else { "" },
            utc_time(v.installed_at),
            v.key_id,
            v.source
        );
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM UTC` for seconds since the Unix epoch (times past the year 9999 show
/// as its end).
pub(crate) fn utc_time(seconds: u64) -> String {
    let at = i64::try_from(seconds)
        .ok()
        .and_then(|seconds| time::OffsetDateTime::from_unix_timestamp(seconds).ok())
        .unwrap_or(time::PrimitiveDateTime::MAX.assume_utc());
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

pub(crate) fn rollback(store: &mut Store, app_id: &str) -> Result<()> {
    let active = store.rollback(app_id)?;
    println!("{} {} is active again", active.app_id, active.version);
    Ok(())
}

pub(crate) fn remove(store: &mut Store, app_id: &str) -> Result<()> {
    store.remove(app_id)?;
    println!("removed {app_id}");
    Ok(())
}

/// Copies a public key file into the data dir's trusted keys, named by its key id.
pub(crate) fn trust(data_dir: &Path, public_key: &Path) -> Result<()> {
    let key = PublicKey::read(public_key)?;
    let dir = data_dir.join(TRUSTED_KEYS_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let target = dir.join(format!("{}.pub", key.key_id()));
    std::fs::write(&target, format!("{}\n", key.to_line()))
        .with_context(|| format!("cannot write {}", target.display()))?;
    println!("trusting key {} ({})", key.key_id(), target.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_time_formats_known_instants() {
        let cases = [
            (0, "1970-01-01 00:00 UTC"),
            (951_782_400, "2000-02-29 00:00 UTC"),
            (1_709_251_199, "2024-02-29 23:59 UTC"),
            (4_102_444_800, "2100-01-01 00:00 UTC"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(super::utc_time(seconds), expected, "{seconds}");
        }
    }
}
