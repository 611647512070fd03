//! Who gets a release: the rollout stages, user buckets and the plan a client follows.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Release;
use crate::AppId;

/// A percentage in basis points: 10 000 is everyone.
pub const BASIS_POINTS: u32 = 10_000;

/// How far a release has been rolled out. Each stage includes the ones before it: a
/// percentage rollout also reaches the whitelist and internal users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Only the listed users.
    Whitelist,
    /// The listed users and the users the host tags as internal (employees, testers).
    Internal,
    /// Also the users whose bucket is below the rollout's basis points.
    Percentage,
    /// Everyone.
    Full,
}

/// The rollout of one release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rollout {
    /// The stage reached.
    pub stage: Stage,
    /// Users who get it at every stage, as [`user_hash`]es (never the ids themselves).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub whitelist: Vec<String>,
    /// At [`Stage::Percentage`], the share of users (by [`bucket`]) who get it.
    #[serde(default)]
    pub basis_points: u32,
    /// No user who does not have it yet gets it.
    #[serde(default)]
    pub paused: bool,
    /// Withdrawn: users on it go back to an earlier release.
    #[serde(default)]
    pub revoked: bool,
}

impl Rollout {
    /// A rollout to everyone.
    pub fn full() -> Self {
        Self {
            stage: Stage::Full,
            whitelist: Vec::new(),
            basis_points: BASIS_POINTS,
            paused: false,
            revoked: false,
        }
    }

    /// Whether a user of `audience` gets the release (pause and revocation aside).
    pub fn admits(&self, app_id: &AppId, audience: &Audience) -> bool {
        let listed = || {
            let hash = user_hash(app_id, &audience.user_id);
            self.whitelist.contains(&hash)
        };
        match self.stage {
            Stage::Full => true,
            Stage::Percentage if bucket(app_id, &audience.user_id) < self.basis_points => true,
            Stage::Percentage | Stage::Internal if audience.internal => true,
            _ => listed(),
        }
    }

    pub(super) fn check(&self) -> Result<(), String> {
        if self.basis_points > BASIS_POINTS {
            return Err(format!(
                "{} basis points is more than {BASIS_POINTS}",
                self.basis_points
            ));
        }
        if let Some(bad) = self.whitelist.iter().find(|h| !super::is_sha256_hex(h)) {
            return Err(format!("whitelist entry '{bad}' is not a user hash"));
        }
        Ok(())
    }
}

/// The user a client runs for, as the host identifies them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// A stable id of the user (or of the device, for hosts without accounts).
    pub user_id: String,
    /// Whether the host tags the user as internal (employees, testers).
    pub internal: bool,
}

/// The user's bucket for `app_id`, in `0..BASIS_POINTS`: a stable hash of both, so that a
/// user is in or out of a percentage the same way on every check, widening a percentage
/// keeps the users it had, and each app splits its users differently.
pub fn bucket(app_id: &AppId, user_id: &str) -> u32 {
    let digest = user_digest("capsule-bucket", app_id, user_id);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // The remainder is below BASIS_POINTS, so it fits.
    (u64::from_be_bytes(first) % u64::from(BASIS_POINTS)) as u32
}

/// How a whitelisted user id is written in an index: the hex SHA-256 of the app id and the
/// user id, so an index does not publish who is on the list.
pub fn user_hash(app_id: &AppId, user_id: &str) -> String {
    crate::key::hex(&user_digest("capsule-user", app_id, user_id))
}

/// SHA-256 of `<label>\0<app id>\0<user id>`.
fn user_digest(label: &str, app_id: &AppId, user_id: &str) -> [u8; 32] {
    Sha256::new()
        .chain_update(label)
        .chain_update(b"\0")
        .chain_update(app_id.as_str())
        .chain_update(b"\0")
        .chain_update(user_id)
        .finalize()
        .into()
}

/// What a client should do after reading an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing is published for this user and nothing is installed.
    NoRelease,
    /// The installed version is the one meant for this user (or newer than any).
    UpToDate,
    /// Install this newer release.
    Install(Release),
    /// The installed version was revoked: install this earlier release.
    Revert(Release),
    /// The installed version was revoked and no release is meant for this user: go back to
    /// the version installed before it.
    RollBack,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::ChannelIndex;
    use crate::channel::tests::test_release;

    fn app() -> AppId {
        AppId::new("demo.app").expect("id")
    }

    fn user(id: &str, internal: bool) -> Audience {
        Audience {
            user_id: id.to_owned(),
            internal,
        }
    }

    fn rollout(stage: Stage, basis_points: u32, whitelist: &[&str]) -> Rollout {
        Rollout {
            stage,
            whitelist: whitelist.iter().map(|id| user_hash(&app(), id)).collect(),
            basis_points,
            paused: false,
            revoked: false,
        }
    }

    /// Users `user-0` .. `user-99999` in `basis_points`.
    fn admitted(basis_points: u32) -> Vec<usize> {
        let rollout = rollout(Stage::Percentage, basis_points, &[]);
        (0..100_000)
            .filter(|i| rollout.admits(&app(), &user(&format!("user-{i}"), false)))
            .collect()
    }

    #[test]
    fn ten_percent_of_100000_users_is_ten_percent_and_always_the_same_users() {
        let first = admitted(1_000);
        assert!(
            (9_500..=10_500).contains(&first.len()),
            "{} users of 100 000 at 10 %",
            first.len()
        );
        assert_eq!(first, admitted(1_000), "the same users on every check");
        // Buckets are part of the channel format (docs/DEPLOYMENT.md): a change would move
        // users between versions. Values computed independently from the documented formula.
        assert_eq!(bucket(&app(), "user-0"), 4_379);
        assert_eq!(bucket(&app(), "alice"), 8_242);
        assert_eq!(first.len(), 10_025);
    }

    #[test]
    fn widening_keeps_the_users_already_in() {
        let five = admitted(500);
        let twenty = admitted(2_000);
        assert!(five.iter().all(|user| twenty.binary_search(user).is_ok()));
        assert!((1_800..=2_200).contains(&(twenty.len() / 10)));
    }

    #[test]
    fn buckets_differ_between_apps() {
        let other = AppId::new("other.app").expect("id");
        let same = (0..1000)
            .filter(|i| {
                let id = format!("user-{i}");
                bucket(&app(), &id) == bucket(&other, &id)
            })
            .count();
        assert!(same < 10, "{same} of 1000 users share a bucket across apps");
    }

    #[test]
    fn each_stage_admits_the_stages_before_it() {
        let whitelisted = user("alice", false);
        let internal = user("bob", true);
        let outside = user("carol", false);
        let whitelist = rollout(Stage::Whitelist, 0, &["alice"]);
        assert!(whitelist.admits(&app(), &whitelisted));
        assert!(!whitelist.admits(&app(), &internal));
        assert!(!whitelist.admits(&app(), &outside));
        let staff = rollout(Stage::Internal, 0, &["alice"]);
        assert!(staff.admits(&app(), &whitelisted));
        assert!(staff.admits(&app(), &internal));
        assert!(!staff.admits(&app(), &outside));
        let none_by_percentage = rollout(Stage::Percentage, 0, &["alice"]);
        assert!(none_by_percentage.admits(&app(), &whitelisted));
        assert!(none_by_percentage.admits(&app(), &internal));
        assert!(!none_by_percentage.admits(&app(), &outside));
        assert!(rollout(Stage::Full, 0, &[]).admits(&app(), &outside));
    }

    fn index(releases: Vec<(&str, Rollout)>) -> ChannelIndex {
        ChannelIndex {
            releases: releases
                .into_iter()
                .map(|(version, rollout)| test_release(version, rollout))
                .collect(),
            ..ChannelIndex::new(app())
        }
    }

    fn plan(index: &ChannelIndex, who: &Audience, installed: Option<&str>) -> String {
        let installed = installed.map(|v| v.parse().expect("version"));
        match index.plan(who, &"0.1.0".parse().expect("v"), installed.as_ref()) {
            Plan::Install(r) => format!("install {}", r.version),
            Plan::Revert(r) => format!("revert {}", r.version),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn plans_follow_rollout_pause_and_revocation() {
        let alice = user("alice", false);
        let carol = user("carol", false);
        let gray = rollout(Stage::Whitelist, 0, &["alice"]);
        let two = index(vec![("1.0.0", Rollout::full()), ("1.1.0", gray.clone())]);
        assert_eq!(plan(&two, &alice, Some("1.0.0")), "install 1.1.0");
        assert_eq!(plan(&two, &carol, Some("1.0.0")), "UpToDate");
        assert_eq!(plan(&two, &carol, None), "install 1.0.0");
        assert_eq!(plan(&two, &alice, Some("1.1.0")), "UpToDate");

        let mut paused = gray.clone();
        paused.paused = true;
        let held = index(vec![("1.0.0", Rollout::full()), ("1.1.0", paused)]);
        assert_eq!(
            plan(&held, &alice, Some("1.0.0")),
            "UpToDate",
            "no new user"
        );
        assert_eq!(plan(&held, &alice, Some("1.1.0")), "UpToDate", "keeps it");

        let mut revoked = Rollout::full();
        revoked.revoked = true;
        let pulled = index(vec![("1.0.0", Rollout::full()), ("1.1.0", revoked.clone())]);
        assert_eq!(plan(&pulled, &carol, Some("1.1.0")), "revert 1.0.0");
        assert_eq!(plan(&pulled, &carol, Some("1.0.0")), "UpToDate");
        let only = index(vec![("1.1.0", revoked)]);
        assert_eq!(plan(&only, &carol, Some("1.1.0")), "RollBack");
        assert_eq!(plan(&only, &carol, None), "NoRelease");
    }

    #[test]
    fn releases_for_a_newer_runtime_are_left_out() {
        let mut needs_newer = index(vec![("1.0.0", Rollout::full()), ("2.0.0", Rollout::full())]);
        needs_newer.releases[1].min_runtime_version = Some("9.0.0".parse().expect("v"));
        assert_eq!(
            plan(&needs_newer, &user("x", false), Some("1.0.0")),
            "UpToDate"
        );
    }
}
