//! End-to-end: an update channel served by nginx on 127.0.0.1, written with `capsule publish`
//! and `capsule channel`, read by `capsule update` clients. Staged rollouts reach the users
//! they name and no others; pause and revoke work; every fault leaves the installed version
//! active and intact, with the reason on stderr.

mod channel_support;

use capsule_packages::AppId;
use capsule_packages::channel::bucket;
use channel_support::{APP, Break, Client, Nginx, Proxy, Publisher, failed, ok, path};

/// The first `user-N` ids whose bucket for the demo app `keep` accepts.
fn users_where(count: usize, keep: impl Fn(u32) -> bool) -> Vec<String> {
    let app = AppId::new(APP).expect("app id");
    (0..)
        .map(|i| format!("user-{i}"))
        .filter(|id| keep(bucket(&app, id)))
        .take(count)
        .collect()
}

/// Updates each client and returns the versions they end up on.
fn update_all(clients: &[&Client], url: &str) -> Vec<String> {
    clients
        .iter()
        .map(|client| {
            ok(&client.update(url));
            client.active().expect("installed")
        })
        .collect()
}

#[test]
fn a_staged_rollout_reaches_whitelist_then_internal_then_a_percentage_then_everyone() {
    let publisher = Publisher::new();
    let nginx = Nginx::serve(&publisher.channel);
    let url = nginx.url();
    ok(&publisher.publish(&publisher.package("1.0.0", &[]), &["--full"]));

    let listed = Client::new("alice@example.com", false, &publisher);
    let staff = Client::new("bob", true, &publisher);
    let in_ten = Client::new(&users_where(1, |b| b < 1_000)[0], false, &publisher);
    let out_of_ten = Client::new(&users_where(1, |b| b >= 1_000)[0], false, &publisher);
    let everyone = [&listed, &staff, &in_ten, &out_of_ten];
    assert_eq!(update_all(&everyone, &url), ["1.0.0"; 4]);

    let ids = publisher.id_file("ids.txt", &["# testers", "alice@example.com", ""]);
    let published = ok(&publisher.publish(
        &publisher.package("1.1.0", &[]),
        &["--whitelist", path(&ids)],
    ));
    assert!(published.contains("whitelist"), "{published}");
    let index = std::fs::read_to_string(publisher.index()).expect("index");
    assert!(
        !index.contains("alice"),
        "user ids are stored hashed: {index}"
    );
    assert_eq!(
        update_all(&everyone, &url),
        ["1.1.0", "1.0.0", "1.0.0", "1.0.0"]
    );

    ok(&publisher.channel("promote", &["--internal"]));
    assert_eq!(
        update_all(&everyone, &url),
        ["1.1.0", "1.1.0", "1.0.0", "1.0.0"]
    );

    ok(&publisher.channel("promote", &["--percent", "10"]));
    assert_eq!(
        update_all(&everyone, &url),
        ["1.1.0", "1.1.0", "1.1.0", "1.0.0"]
    );

    ok(&publisher.channel("promote", &["--full"]));
    assert_eq!(update_all(&everyone, &url), ["1.1.0"; 4]);
    let shown = ok(&channel_support::capsule(&[
        "channel",
        "show",
        &url,
        APP,
        "--trust",
        path(&publisher.public_key),
        "--data-dir",
        path(publisher.dir.path()),
    ]));
    assert!(shown.contains("1.1.0") && shown.contains("full"), "{shown}");

    // A bad release goes out to everyone, then is revoked: users go back to 1.1.0.
    ok(&publisher.publish(&publisher.package("1.2.0", &[]), &["--full"]));
    assert_eq!(update_all(&[&listed, &staff], &url), ["1.2.0"; 2]);
    ok(&publisher.channel("revoke", &["--version", "1.2.0"]));
    let reverted = ok(&listed.update(&url));
    assert!(reverted.contains("revoked"), "{reverted}");
    assert_eq!(update_all(&everyone, &url), ["1.1.0"; 4]);
    // A revoked release cannot be promoted again.
    let refused = failed(&publisher.channel("promote", &["--version", "1.2.0", "--full"]));
    assert!(refused.contains("revoked"), "{refused}");
}

#[test]
fn a_paused_rollout_reaches_no_new_user_and_keeps_those_who_have_it() {
    let publisher = Publisher::new();
    let nginx = Nginx::serve(&publisher.channel);
    let url = nginx.url();
    ok(&publisher.publish(&publisher.package("1.0.0", &[]), &["--full"]));
    let half = users_where(2, |b| b < 5_000);
    let early = Client::new(&half[0], false, &publisher);
    let late = Client::new(&half[1], false, &publisher);
    assert_eq!(update_all(&[&early, &late], &url), ["1.0.0"; 2]);

    ok(&publisher.publish(&publisher.package("1.1.0", &[]), &["--percent", "50"]));
    assert_eq!(update_all(&[&early], &url), ["1.1.0"]);
    let paused = ok(&publisher.channel("pause", &[]));
    assert!(paused.contains("paused"), "{paused}");
    assert_eq!(update_all(&[&early, &late], &url), ["1.1.0", "1.0.0"]);

    // Promoting again resumes the rollout.
    ok(&publisher.channel("promote", &["--percent", "50"]));
    assert_eq!(update_all(&[&early, &late], &url), ["1.1.0"; 2]);
}

#[test]
fn a_check_without_changes_is_a_conditional_request_answered_not_modified() {
    let publisher = Publisher::new();
    let nginx = Nginx::serve(&publisher.channel);
    ok(&publisher.publish(&publisher.package("1.0.0", &[]), &["--full"]));
    let client = Client::new("carol", false, &publisher);
    ok(&client.update(&nginx.url()));
    let second = ok(&client.update(&nginx.url()));
    assert!(second.contains("not modified"), "{second}");
    let log = nginx.access_log();
    assert!(
        log.lines()
            .any(|line| line.contains("index.json") && line.contains(" 304 0 ")),
        "{log}"
    );
}

/// A channel with 1.0.0 installed by a client and 1.1.0 published for everyone.
fn installed_then_newer() -> (Publisher, Nginx, Client) {
    let publisher = Publisher::new();
    let nginx = Nginx::serve(&publisher.channel);
    ok(&publisher.publish(&publisher.package("1.0.0", &[]), &["--full"]));
    let client = Client::new("dave", false, &publisher);
    ok(&client.update(&nginx.url()));
    ok(&publisher.publish(&publisher.package("1.1.0", &[]), &["--full"]));
    (publisher, nginx, client)
}

/// The update fails with `reason` on stderr and 1.0.0 stays active and intact.
fn refused_keeping_the_installed_version(client: &Client, url: &str, reason: &str) {
    let stderr = failed(&client.update(url));
    assert!(stderr.contains(reason), "expected '{reason}' in: {stderr}");
    assert_eq!(client.active().as_deref(), Some("1.0.0"));
}

#[test]
fn a_tampered_index_is_refused() {
    let (publisher, nginx, client) = installed_then_newer();
    let index = std::fs::read_to_string(publisher.index()).expect("index");
    let tampered = index.replacen("\"basisPoints\": 10000", "\"basisPoints\": 9999", 1);
    assert_ne!(index, tampered);
    std::fs::write(publisher.index(), tampered).expect("tamper");
    refused_keeping_the_installed_version(&client, &nginx.url(), "does not match");
}

#[test]
fn a_tampered_package_is_refused() {
    let (publisher, nginx, client) = installed_then_newer();
    let packages = publisher.channel.join("apps").join(APP).join("packages");
    let newest = std::fs::read_dir(&packages)
        .expect("packages")
        .map(|entry| entry.expect("entry").path())
        .max_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok())
        .expect("a package");
    let mut bytes = std::fs::read(&newest).expect("package");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&newest, bytes).expect("tamper");
    refused_keeping_the_installed_version(&client, &nginx.url(), "SHA-256");
    assert!(
        std::fs::read_dir(client.data.path().join("downloads"))
            .expect("downloads")
            .next()
            .is_none(),
        "a package that does not match is not kept"
    );
}

#[test]
fn an_expired_index_is_refused() {
    let (publisher, nginx, client) = installed_then_newer();
    ok(&publisher.channel("refresh", &["--valid-days", "0"]));
    refused_keeping_the_installed_version(&client, &nginx.url(), "expired");
}

#[test]
fn a_replayed_older_index_is_refused() {
    let (publisher, nginx, client) = installed_then_newer();
    let old = std::fs::read(publisher.index()).expect("index");
    let old_time = std::fs::metadata(publisher.index())
        .and_then(|meta| meta.modified())
        .expect("mtime");
    ok(&publisher.channel("refresh", &[]));
    ok(&client.update(&nginx.url()));
    assert_eq!(client.active().as_deref(), Some("1.1.0"));
    ok(&publisher.channel("revoke", &["--version", "1.1.0"]));
    // An attacker (or a stale cache) serves the index from before the revocation, as it was.
    std::fs::write(publisher.index(), old).expect("replay");
    std::fs::File::options()
        .write(true)
        .open(publisher.index())
        .and_then(|file| file.set_modified(old_time - std::time::Duration::from_secs(60)))
        .expect("old mtime");
    let stderr = failed(&client.update(&nginx.url()));
    assert!(stderr.contains("already seen"), "{stderr}");
    assert_eq!(client.active().as_deref(), Some("1.1.0"));
}

#[test]
fn a_channel_signed_with_an_untrusted_key_is_refused() {
    let (_publisher, nginx, client) = installed_then_newer();
    let stranger = Publisher::new();
    // The stranger's channel, served where the client looks.
    let stranger_package = stranger.package("2.0.0", &[]);
    ok(&stranger.publish(&stranger_package, &["--full"]));
    let served = Nginx::serve(&stranger.channel);
    refused_keeping_the_installed_version(&client, &served.url(), "not trusted");
    drop(nginx);
}

#[test]
fn a_server_error_is_reported_and_changes_nothing() {
    let (_publisher, nginx, client) = installed_then_newer();
    let url = format!("{}/fail500", nginx.url());
    refused_keeping_the_installed_version(&client, &url, "HTTP 500");
}

#[test]
fn a_download_cut_short_or_reset_is_resumed_with_a_range_request() {
    for how in [Break::Close(1_000), Break::Reset(1_500)] {
        let (_publisher, nginx, client) = installed_then_newer();
        let proxy = Proxy::start(nginx.port(), how);
        refused_keeping_the_installed_version(&client, &proxy.url(), "the download");
        assert!(proxy.broke.load(std::sync::atomic::Ordering::SeqCst));
        let parts: Vec<_> = std::fs::read_dir(client.data.path().join("downloads"))
            .expect("downloads")
            .map(|entry| entry.expect("entry").path())
            .collect();
        assert_eq!(parts.len(), 1, "{how:?}: the part is kept: {parts:?}");
        let kept = std::fs::metadata(&parts[0]).expect("part").len();
        assert!(kept > 0, "{how:?}: some bytes arrived");

        let resumed = ok(&client.update(&proxy.url()));
        assert!(resumed.contains("installed h5-demo 1.1.0"), "{resumed}");
        assert_eq!(client.active().as_deref(), Some("1.1.0"));
        let log = nginx.access_log();
        let range = format!("range=bytes={kept}-");
        assert!(
            log.lines().any(|line| line.contains("/packages/")
                && line.contains(" 206 ")
                && line.contains(&range)),
            "{how:?}: a 206 answer to '{range}' in:\n{log}"
        );
    }
}

/// Runs `script` (sh) with `$DATA` on a 512 KiB filesystem of its own: a tmpfs in a user and
/// mount namespace, or, where namespaces are not allowed, a 512 KiB file size limit.
fn on_a_small_disk(script: &str, data: &std::path::Path) -> std::process::Output {
    let namespaces = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "true"])
        .status()
        .is_ok_and(|status| status.success());
    let mut command = std::process::Command::new("unshare");
    if namespaces {
        let mounted = format!("mount -t tmpfs -o size=512k tmpfs \"$DATA\" && {script}");
        command.args(["--user", "--map-root-user", "--mount", "sh", "-c", &mounted]);
    } else {
        eprintln!("no user namespaces here: a file size limit stands in for a full disk");
        let limited = format!("trap '' XFSZ; ulimit -f 512; {script}");
        command = std::process::Command::new("sh");
        command.args(["-c", &limited]);
    }
    command
        .env("DATA", data)
        .env("CAPSULE", env!("CARGO_BIN_EXE_capsule"))
        .env_remove("CAPSULE_DATA_DIR")
        .output()
        .expect("the script runs")
}

#[test]
fn a_full_disk_while_unpacking_leaves_the_installed_version() {
    let publisher = Publisher::new();
    let nginx = Nginx::serve(&publisher.channel);
    ok(&publisher.publish(&publisher.package("1.0.0", &[]), &["--full"]));
    // Compresses to a few KiB, unpacks to 900 KiB: the download fits, the unpacking does not.
    let padding = vec![b'x'; 900 << 10];
    let big = publisher.package("1.1.0", &[("padding.txt", &padding)]);
    let client = Client::new("erin", false, &publisher);
    let data = client.data.path().join("small-disk");
    std::fs::create_dir(&data).expect("mount point");
    let saved = client.data.path().join("saved");
    let update = format!(
        "\"$CAPSULE\" update {APP} --channel {url} --user erin --trust {key} --data-dir \"$DATA/store\"",
        url = nginx.url(),
        key = path(&publisher.public_key),
    );
    let script = format!(
        "{update} >&2 || exit 10
         \"$CAPSULE\" publish {big} --channel {channel} --key {secret} --full >&2 || exit 11
         {update} >&2 && exit 12
         cp -a \"$DATA/store\" {saved}",
        big = path(&big),
        channel = path(&publisher.channel),
        secret = path(&publisher.key),
        saved = path(&saved),
    );
    let output = on_a_small_disk(&script, &data);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(
        stderr.contains("No space left on device") || stderr.contains("File too large"),
        "{stderr}"
    );
    assert!(stderr.contains("the installed version is kept"), "{stderr}");
    let survivor = Client {
        data: tempfile::tempdir().expect("tempdir"),
        user: "erin".into(),
        internal: false,
        trust: publisher.public_key.clone(),
    };
    let _ = std::fs::remove_dir(survivor.data.path());
    std::fs::rename(&saved, survivor.data.path()).expect("move the saved store");
    assert_eq!(survivor.active().as_deref(), Some("1.0.0"));
}

/// `capsule run h5-demo` in the window (a virtual display), with `extra` arguments; returns
/// the app's `version.txt` as the page reads it.
fn version_in_the_window(client: &Client, extra: &[&str]) -> String {
    let script = client.data.path().join("version.js");
    std::fs::write(
        &script,
        "return await (await fetch(location.origin + '/version.txt')).text();",
    )
    .expect("script");
    let shot = client.data.path().join("shot.png");
    let mut args = vec![
        "run",
        APP,
        "--trust",
        path(&client.trust),
        "--data-dir",
        path(client.data.path()),
        "--exec",
        path(&script),
        "--screenshot",
        path(&shot),
    ];
    args.extend_from_slice(extra);
    let stdout = ok(&channel_support::capsule(&args));
    assert!(shot.exists(), "a screenshot: {stdout}");
    // The script's value (a JSON string, one line) comes right before the screenshot line.
    let lines: Vec<&str> = stdout.lines().collect();
    let shot_line = lines
        .iter()
        .position(|line| line.starts_with("screenshot: "))
        .expect("screenshot line");
    serde_json::from_str(lines[shot_line - 1]).expect("the script's JSON")
}

#[test]
fn run_with_a_channel_installs_the_app_and_a_staged_update_starts_at_the_next_launch() {
    let publisher = Publisher::new();
    let nginx = Nginx::serve(&publisher.channel);
    ok(&publisher.publish(&publisher.package("1.0.0", &[]), &["--full"]));
    let client = Client::new("gina", false, &publisher);
    let channel = ["--channel", &nginx.url(), "--user", "gina"];
    assert_eq!(version_in_the_window(&client, &channel), "1.0.0");

    // The background check of a running app installs 1.1.0 for the next launch.
    ok(&publisher.publish(&publisher.package("1.1.0", &[]), &["--full"]));
    let mut trusted = capsule_packages::TrustedKeys::new();
    trusted.add(capsule_packages::PublicKey::read(&client.trust).expect("key"));
    let updater = capsule_runtime::Updater::new(
        &nginx.url(),
        capsule_packages::channel::Audience {
            user_id: "gina".into(),
            internal: false,
        },
        client.data.path(),
        capsule_packages::Verifier::new(trusted),
    )
    .expect("updater");
    let check = updater.check(&AppId::new(APP).expect("id")).expect("check");
    let outcome = updater
        .apply(
            &check,
            capsule_runtime::Activation::NextLaunch,
            &mut |_, _| {},
        )
        .expect("staged");
    assert!(
        matches!(
            &outcome,
            capsule_runtime::UpdateOutcome::Installed { active: false, .. }
        ),
        "{outcome:?}"
    );
    assert_eq!(
        client.active().as_deref(),
        Some("1.0.0"),
        "still running 1.0.0"
    );
    assert_eq!(version_in_the_window(&client, &[]), "1.1.0");
    assert_eq!(client.active().as_deref(), Some("1.1.0"));
}

#[test]
fn publishing_refuses_what_does_not_fit_the_channel_and_changes_nothing() {
    let publisher = Publisher::new();
    ok(&publisher.publish(&publisher.package("1.1.0", &[]), &["--full"]));
    let before = std::fs::read(publisher.index()).expect("index");
    let stranger = Publisher::new();
    let empty = publisher.id_file("empty.txt", &["# nobody yet", ""]);
    let cases: Vec<(std::process::Output, &str)> = vec![
        (
            publisher.publish(&publisher.package("1.0.0", &[]), &["--full"]),
            "not newer",
        ),
        (
            publisher.publish(&stranger.package("2.0.0", &[]), &["--full"]),
            "not trusted",
        ),
        (
            publisher.publish(&publisher.package("1.2.0", &[]), &["--percent", "0"]),
            "between 0.01 and 100",
        ),
        (
            publisher.publish(&publisher.package("1.2.0", &[]), &["--percent", "150"]),
            "between 0.01 and 100",
        ),
        (
            publisher.publish(&publisher.package("1.2.0", &[]), &[]),
            "--whitelist",
        ),
        (
            publisher.publish(&publisher.package("1.2.0", &[]), &["--full", "--internal"]),
            "cannot be used with",
        ),
        (
            publisher.publish(
                &publisher.package("1.2.0", &[]),
                &["--whitelist", path(&empty)],
            ),
            "lists no user id",
        ),
        (
            publisher.channel("promote", &["--version", "9.9.9", "--full"]),
            "no release 9.9.9",
        ),
        (
            publisher.channel("promote", &["--percent", "10"]),
            "out to everyone already",
        ),
        (publisher.channel("revoke", &[]), "--version"),
    ];
    for (output, reason) in cases {
        let stderr = failed(&output);
        assert!(stderr.contains(reason), "expected '{reason}' in: {stderr}");
    }
    assert_eq!(
        std::fs::read(publisher.index()).expect("index"),
        before,
        "the index is as it was"
    );
    // An index signed by another key is not rewritten with this one.
    let foreign = channel_support::capsule(&[
        "channel",
        "refresh",
        path(&publisher.channel),
        APP,
        "--key",
        path(&stranger.key),
    ]);
    assert!(failed(&foreign).contains("not trusted"));
}
