use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

/// The permission an API needs: a group name shared by related APIs (`clipboard`, `ui`, ...)
/// or a name of a host's own choosing for its custom APIs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Permission(Cow<'static, str>);

impl Permission {
    /// Device and runtime facts: `getSystemInfo`, `getNetworkType`, ...
    pub const SYSTEM: Self = Self(Cow::Borrowed("system"));
    /// Container UI drawn over the page (toast, alert, modal, loading, action sheet) and the
    /// page chrome (navigation bar, tab bar badges, scrolling, pull-down refresh).
    pub const UI: Self = Self(Cow::Borrowed("ui"));
    /// Reading and writing the device clipboard.
    pub const CLIPBOARD: Self = Self(Cow::Borrowed("clipboard"));
    /// The app's key-value storage.
    pub const STORAGE: Self = Self(Cow::Borrowed("storage"));
    /// HTTP requests, uploads and downloads to declared domains.
    pub const NETWORK: Self = Self(Cow::Borrowed("network"));
    /// Scanning QR codes and barcodes.
    pub const SCAN: Self = Self(Cow::Borrowed("scan"));
    /// The app's sandboxed file area.
    pub const FILES: Self = Self(Cow::Borrowed("files"));
    /// The device position.
    pub const LOCATION: Self = Self(Cow::Borrowed("location"));
    /// An H5 app's windows: opening and closing them, their title bar and option menu, the
    /// app's startup parameters and the session data its windows share.
    pub const WINDOW: Self = Self(Cow::Borrowed("window"));
    /// Opening another installed app (`startApp`).
    pub const START_APP: Self = Self(Cow::Borrowed("startApp"));

    /// A permission for a host's own API group.
    pub fn custom(name: impl Into<String>) -> Self {
        Self(Cow::Owned(name.into()))
    }

    /// The permission's name as written in manifests and host policies.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A set of grants, each a permission group name, an API name, or `*` for everything.
///
/// An API is covered when the set holds `*`, the API's own name, or its permission group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet {
    names: BTreeSet<String>,
}

impl PermissionSet {
    /// The set that covers every API.
    pub fn all() -> Self {
        Self::from_names(["*"])
    }

    /// A set from group or API names.
    pub fn from_names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            names: names.into_iter().map(Into::into).collect(),
        }
    }

    /// Adds a group or API name.
    pub fn insert(&mut self, name: impl Into<String>) {
        self.names.insert(name.into());
    }

    /// Whether the set covers API `api`, which needs `permission`.
    pub fn covers(&self, api: &str, permission: &Permission) -> bool {
        self.names.contains("*")
            || self.names.contains(api)
            || self.names.contains(permission.as_str())
    }

    /// Whether the set names `api` or `permission` explicitly (ignoring `*`), as a deny list
    /// is read.
    pub fn names_explicitly(&self, api: &str, permission: &Permission) -> bool {
        self.names.contains(api) || self.names.contains(permission.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_by_group_name_or_wildcard() {
        let set = PermissionSet::from_names(["ui", "getClipboard"]);
        assert!(set.covers("showToast", &Permission::UI));
        assert!(set.covers("getClipboard", &Permission::CLIPBOARD));
        assert!(!set.covers("setClipboard", &Permission::CLIPBOARD));
        assert!(PermissionSet::all().covers("anything", &Permission::custom("pay")));
        assert!(!PermissionSet::all().names_explicitly("anything", &Permission::UI));
    }
}
