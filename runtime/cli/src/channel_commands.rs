//! The `capsule` commands of the update channel: `publish`, `channel promote|pause|revoke|
//! refresh|show` for publishers and `update` for clients (part of the binary).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use capsule_packages::channel::{
    Audience, BASIS_POINTS, ChannelIndex, Plan, Publisher, Release, RolloutChange, Stage,
};
use capsule_packages::{AppId, PublicKey, SecretKey, TrustedKeys};
use capsule_runtime::{Activation, Check, UpdateOutcome, Updater, fetch_index};

use crate::args::TrustArgs;
use crate::package_commands::{data_dir, utc_time, verifier};

/// Who gets a release: exactly one stage.
#[derive(clap::Args)]
#[group(required = true, multiple = false)]
pub(crate) struct StageArgs {
    /// Only the user ids listed in this file (one per line; `#` starts a comment). Added to
    /// the release's whitelist; they are stored hashed.
    #[arg(long, value_name = "IDS.txt")]
    whitelist: Option<PathBuf>,
    /// Users the host tags as internal (and the whitelist).
    #[arg(long)]
    internal: bool,
    /// This percentage of users (0.01 to 100; and the internal users and the whitelist).
    #[arg(long, value_name = "N", value_parser = basis_points)]
    percent: Option<u32>,
    /// Everyone.
    #[arg(long)]
    full: bool,
}

/// How channel indexes are signed.
#[derive(clap::Args)]
pub(crate) struct SigningArgs {
    /// The publisher's secret key: it signs the index (and must have signed the packages).
    #[arg(long)]
    key: PathBuf,
    /// Days until the index written expires; clients refuse an expired index, so refresh
    /// the channel (`capsule channel refresh`) well before.
    #[arg(long, default_value_t = 30)]
    valid_days: u64,
    /// A public key the existing index may be signed with instead of --key (rotating keys:
    /// the index is signed with --key from now on). Repeatable.
    #[arg(long, value_name = "KEY.pub")]
    previous_key: Vec<PathBuf>,
}

#[derive(clap::Subcommand)]
pub(crate) enum ChannelCommand {
    /// Widen a release's rollout (the newest release unless --version); also resumes a
    /// paused rollout.
    Promote {
        /// The channel folder.
        channel: PathBuf,
        /// The app.
        app_id: String,
        /// The release (default: the newest).
        #[arg(long)]
        version: Option<semver::Version>,
        #[command(flatten)]
        stage: StageArgs,
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// Stop a rollout: no user who does not have the release yet gets it.
    Pause {
        /// The channel folder.
        channel: PathBuf,
        /// The app.
        app_id: String,
        /// The release (default: the newest).
        #[arg(long)]
        version: Option<semver::Version>,
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// Withdraw a release: users on it go back to the newest release meant for them, or to
    /// the version they had before.
    Revoke {
        /// The channel folder.
        channel: PathBuf,
        /// The app.
        app_id: String,
        /// The release to withdraw.
        #[arg(long)]
        version: semver::Version,
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// Sign the index again with a new expiry (run it on a schedule), or with a new key.
    Refresh {
        /// The channel folder.
        channel: PathBuf,
        /// The app.
        app_id: String,
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// Show an app's releases and rollouts: from a channel folder or its URL.
    Show {
        /// The channel folder or base URL.
        channel: String,
        /// The app.
        app_id: String,
        #[command(flatten)]
        trust: TrustArgs,
    },
}

/// `capsule publish`.
pub(crate) fn publish(
    package: &Path,
    channel: &Path,
    stage: &StageArgs,
    signing: &SigningArgs,
) -> Result<()> {
    let key = SecretKey::read(&signing.key)?;
    let release = publisher(channel, &key, signing)?
        .publish(package, stage.change()?)
        .with_context(|| format!("cannot publish {}", package.display()))?;
    println!(
        "published {} ({} bytes, {}) as {}",
        release.version,
        release.size,
        release.package,
        describe_rollout(&release)
    );
    Ok(())
}

/// `capsule channel ...`.
pub(crate) fn channel(command: &ChannelCommand, data_dir_flag: Option<&Path>) -> Result<()> {
    let (channel, app_id, version, change, signing) = match command {
        ChannelCommand::Show {
            channel,
            app_id,
            trust,
        } => return show(channel, &AppId::new(app_id)?, trust, data_dir_flag),
        ChannelCommand::Refresh {
            channel,
            app_id,
            signing,
        } => {
            let key = SecretKey::read(&signing.key)?;
            let index = publisher(channel, &key, signing)?.refresh(&AppId::new(app_id)?)?;
            println!(
                "{app_id}: index {} signed by key {}, expires {}",
                index.sequence,
                key.public_key().key_id(),
                utc_time(index.expires)
            );
            return Ok(());
        }
        ChannelCommand::Promote {
            channel,
            app_id,
            version,
            stage,
            signing,
        } => (channel, app_id, version.as_ref(), stage.change()?, signing),
        ChannelCommand::Pause {
            channel,
            app_id,
            version,
            signing,
        } => (
            channel,
            app_id,
            version.as_ref(),
            RolloutChange::Pause,
            signing,
        ),
        ChannelCommand::Revoke {
            channel,
            app_id,
            version,
            signing,
        } => (
            channel,
            app_id,
            Some(version),
            RolloutChange::Revoke,
            signing,
        ),
    };
    let key = SecretKey::read(&signing.key)?;
    let release = publisher(channel, &key, signing)?
        .change(&AppId::new(app_id)?, version, change)
        .with_context(|| format!("cannot change the rollout of {app_id}"))?;
    println!(
        "{app_id} {}: {}",
        release.version,
        describe_rollout(&release)
    );
    Ok(())
}

/// `capsule update`: checks the channel and installs (and activates) the release meant for
/// the user. Succeeds when the app ends up on it.
pub(crate) fn update(
    app_id: &str,
    channel: &str,
    audience: Audience,
    trust: &TrustArgs,
    data_dir_flag: Option<&Path>,
) -> Result<()> {
    let app_id = AppId::new(app_id)?;
    let updater = updater(channel, audience, trust, data_dir_flag)?;
    let started = Instant::now();
    let check = updater
        .check(&app_id)
        .with_context(|| format!("the update check of {app_id} failed; nothing was changed"))?;
    print_check(&check, started.elapsed());
    let started = Instant::now();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let show_bar = std::io::stderr().is_terminal();
    let outcome = updater
        .apply(&check, Activation::Now, &mut |done, total| {
            if show_bar {
                bar.get_or_insert_with(|| download_bar(total))
                    .set_position(done);
            }
        })
        .with_context(|| format!("the update of {app_id} failed; the installed version is kept"));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match outcome? {
        UpdateOutcome::UpToDate(Some(version)) => {
            println!("{app_id} {version} is up to date");
        }
        UpdateOutcome::UpToDate(None) => bail!("{app_id} has no release for this user"),
        UpdateOutcome::Installed {
            version,
            active,
            downloaded,
        } => println!(
            "installed {app_id} {version}{} (downloaded {downloaded} bytes in {:.1} ms)",
            if active {
                " (active)"
            } else {
                " (active at next launch)"
            },
            started.elapsed().as_secs_f64() * 1000.0
        ),
        UpdateOutcome::RolledBack(version) => {
            println!("{app_id}: the installed version was revoked; {version} is active again");
        }
    }
    Ok(())
}

/// An updater of the data folder's store, trusting its keys and `trust`.
pub(crate) fn updater(
    channel: &str,
    audience: Audience,
    trust: &TrustArgs,
    data_dir_flag: Option<&Path>,
) -> Result<Updater> {
    let data = data_dir(data_dir_flag)?;
    let verifier = verifier(&data, &trust.keys)?;
    Ok(Updater::new(channel, audience, &data, verifier)?)
}

fn print_check(check: &Check, took: Duration) {
    let index = if check.not_modified {
        "index not modified".to_owned()
    } else {
        format!("index {} bytes", check.transferred)
    };
    let plan = match &check.plan {
        Plan::NoRelease => "no release for this user".to_owned(),
        Plan::UpToDate => "up to date".to_owned(),
        Plan::Install(release) => format!("update to {}", release.version),
        Plan::Revert(release) => format!("installed version revoked; back to {}", release.version),
        Plan::RollBack => "installed version revoked; back to the previous one".to_owned(),
    };
    println!(
        "checked {} in {:.1} ms ({index}, sequence {}): {plan}",
        check.app_id,
        took.as_secs_f64() * 1000.0,
        check.index.sequence
    );
}

fn download_bar(total: u64) -> indicatif::ProgressBar {
    let style = indicatif::ProgressStyle::with_template(
        "downloading {bar:40} {bytes}/{total_bytes} {bytes_per_sec}",
    )
    .expect("the template is valid");
    indicatif::ProgressBar::new(total).with_style(style)
}

fn publisher<'a>(
    channel: &Path,
    key: &'a SecretKey,
    signing: &SigningArgs,
) -> Result<Publisher<'a>> {
    let mut previous = TrustedKeys::new();
    for path in &signing.previous_key {
        previous.add(PublicKey::read(path)?);
    }
    Ok(Publisher::new(channel, key)
        .trusting(&previous)
        .valid_for(Duration::from_secs(signing.valid_days * 86_400)))
}

impl StageArgs {
    fn change(&self) -> Result<RolloutChange> {
        Ok(if let Some(file) = &self.whitelist {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let ids: Vec<String> = text
                .lines()
                .map(|line| line.split('#').next().unwrap_or_default().trim())
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect();
            if ids.is_empty() {
                bail!("{} lists no user id", file.display());
            }
            RolloutChange::Whitelist(ids)
        } else if self.internal {
            RolloutChange::Internal
        } else if let Some(points) = self.percent {
            RolloutChange::Percentage(points)
        } else {
            RolloutChange::Full
        })
    }
}

/// `--percent` in basis points.
fn basis_points(text: &str) -> Result<u32, String> {
    let percent: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    let points = (percent * 100.0).round();
    if !(1.0..=f64::from(BASIS_POINTS)).contains(&points) {
        return Err(format!("{text} is not between 0.01 and 100"));
    }
    // Checked above: 1 to 10 000.
    Ok(points as u32)
}

/// `capsule channel show`.
fn show(
    channel: &str,
    app_id: &AppId,
    trust: &TrustArgs,
    data_dir_flag: Option<&Path>,
) -> Result<()> {
    let bytes = if channel.starts_with("http://") || channel.starts_with("https://") {
        fetch_index(channel, app_id)?
    } else {
        let path = Path::new(channel).join(capsule_packages::channel::index_path(app_id));
        std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?
    };
    let trusted = verifier(&data_dir(data_dir_flag)?, &trust.keys)?;
    let verified = ChannelIndex::verify(&bytes, trusted.trusted())
        .with_context(|| format!("the index of {app_id} in {channel} is refused"))?;
    let index = &verified.index;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let expiry = if index.expires <= now {
        "EXPIRED".to_owned()
    } else {
        format!("in {} h", (index.expires - now) / 3_600)
    };
    println!(
        "{app_id}: index {} signed by key {}, expires {} ({expiry})",
        index.sequence,
        verified.key_id,
        utc_time(index.expires)
    );
    for release in &index.releases {
        println!(
            "  {:<12} {:<36} {:>10} bytes  published {}  {}",
            release.version.to_string(),
            describe_rollout(release),
            release.size,
            utc_time(release.published_at),
            release.package
        );
    }
    Ok(())
}

/// `percentage 10 % (paused), 3 whitelisted`.
fn describe_rollout(release: &Release) -> String {
    let rollout = &release.rollout;
    let mut text = match rollout.stage {
        Stage::Whitelist => "whitelist".to_owned(),
        Stage::Internal => "internal".to_owned(),
        Stage::Percentage => format!(
            "percentage {} %",
            f64::from(rollout.basis_points) / f64::from(BASIS_POINTS) * 100.0
        ),
        Stage::Full => "full".to_owned(),
    };
    if !rollout.whitelist.is_empty() && rollout.stage != Stage::Full {
        text.push_str(&format!(", {} whitelisted", rollout.whitelist.len()));
    }
    if rollout.revoked {
        text.push_str(" (revoked)");
    } else if rollout.paused {
        text.push_str(" (paused)");
    }
    text
}
