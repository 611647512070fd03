//! Where a request written in one of an app's files leads: `require` / `import` specifiers
//! and `usingComponents` paths, resolved inside the app package as the platforms' tools do.
//!
//! A request is relative (`./x`, `../x`), package-absolute (`/x`) or bare (`x`, `@scope/x/y`).
//! A bare request is tried next to the requesting file first (mini-programs write
//! `require('util.js')` for a sibling), then as a package: in `miniprogram_npm/` (what
//! WeChat's "build npm" writes, packages shipping their own dependencies in nested
//! `miniprogram_npm/` folders) and `node_modules/` (Alipay), in the requesting file's folder
//! and each folder above it up to the package root, nearest first, as Node walks.
//!
//! In a package folder, `package.json` says where things are: a request for the package
//! itself loads its `main` (else `module`, else `index.js`); a `miniprogram` field names the
//! folder the package's mini-program files are in, which paths inside the package are tried
//! in first.

use serde_json::Value;

/// Folders that hold packages named by bare requests, in the order they are searched at each
/// level.
pub const PACKAGE_FOLDERS: [&str; 2] = ["miniprogram_npm", "node_modules"];

/// The files of an app package, by package path (no leading `/`).
pub trait PackageTree {
    /// Whether `path` is a file of the package.
    fn is_file(&self, path: &str) -> bool;
    /// The text of file `path`, when there is such a file and it is text.
    fn read_text(&self, path: &str) -> Option<String>;
}

/// Joins `specifier` onto the folder of `referrer` (or the package root for `/x`), folding
/// `.` and `..`; `None` when it climbs out of the package.
pub fn join(referrer: &str, specifier: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    if !specifier.starts_with('/') {
        parts.extend(referrer.split('/').filter(|p| !p.is_empty()));
        parts.pop();
    }
    for part in specifier.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The script file `require(specifier)` or `import … from specifier` in `referrer` loads:
/// the path itself, with `.js`, with `.json`, a folder's `package.json` entry or its
/// `index.js`.
pub fn resolve_script(tree: &dyn PackageTree, referrer: &str, specifier: &str) -> Option<String> {
    find(tree, referrer, specifier, &|base| {
        let candidates = [
            base.to_owned(),
            format!("{base}.js"),
            format!("{base}.json"),
        ];
        candidates
            .into_iter()
            .find(|candidate| !candidate.is_empty() && tree.is_file(candidate))
            .or_else(|| package_entry(tree, base))
            .or_else(|| Some(format!("{base}/index.js")).filter(|index| tree.is_file(index)))
    })
}

/// The template of the custom component that `target` (a `usingComponents` value) names in
/// the page or component file `referrer`: `target` with the template extension `ext`
/// (`wxml`, `axml`), or the folder's `index` template.
pub fn resolve_component(
    tree: &dyn PackageTree,
    referrer: &str,
    target: &str,
    ext: &str,
) -> Option<String> {
    find(tree, referrer, target, &|base| {
        let candidates = [format!("{base}.{ext}"), format!("{base}/index.{ext}")];
        candidates
            .into_iter()
            .find(|candidate| tree.is_file(candidate))
    })
}

/// Tries `probe` on every place `request` in `referrer` may mean, in order; the first hit.
fn find(
    tree: &dyn PackageTree,
    referrer: &str,
    request: &str,
    probe: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let direct = join(referrer, request).and_then(|base| probe(&base));
    if direct.is_some() || request.starts_with('.') || request.starts_with('/') {
        return direct;
    }
    let (name, inner) = split_package(request)?;
    let mut folder = join(referrer, ".")?;
    loop {
        for packages in PACKAGE_FOLDERS {
            let root = [folder.as_str(), packages, name]
                .iter()
                .filter(|part| !part.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("/");
            if let Some(found) = in_package(tree, &root, inner, probe) {
                return Some(found);
            }
        }
        if folder.is_empty() {
            return None;
        }
        folder = folder
            .rfind('/')
            .map_or_else(String::new, |at| folder[..at].to_owned());
    }
}

/// Looks for `inner` (a path inside the package, maybe empty) in the package at `root`: in
/// its `miniprogram` folder first, then as written.
fn in_package(
    tree: &dyn PackageTree,
    root: &str,
    inner: &str,
    probe: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let within = |folder: &str| {
        [root, folder, inner]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/")
    };
    if !inner.is_empty()
        && let Some(folder) = manifest_field(tree, root, "miniprogram")
        && let Some(found) = probe(&within(&folder))
    {
        return Some(found);
    }
    probe(&within(""))
}

/// The file a folder's `package.json` names as its entry (`main`, else `module`), or its
/// `miniprogram` folder's `index.js`.
fn package_entry(tree: &dyn PackageTree, folder: &str) -> Option<String> {
    let named = |field: &str| {
        let entry = manifest_field(tree, folder, field)?;
        let base = join(&format!("{folder}/package.json"), &entry)?;
        [
            base.clone(),
            format!("{base}.js"),
            format!("{base}/index.js"),
        ]
        .into_iter()
        .find(|candidate| tree.is_file(candidate))
    };
    named("main").or_else(|| named("module")).or_else(|| {
        let folder = join(
            &format!("{folder}/package.json"),
            &manifest_field(tree, folder, "miniprogram")?,
        )?;
        Some(format!("{folder}/index.js")).filter(|index| tree.is_file(index))
    })
}

/// A string field of the `package.json` in `folder`, when there is one.
fn manifest_field(tree: &dyn PackageTree, folder: &str, field: &str) -> Option<String> {
    let text = tree.read_text(&format!("{folder}/package.json"))?;
    let manifest: Value = serde_json::from_str(&text).ok()?;
    manifest
        .get(field)?
        .as_str()
        .map(|value| value.trim_end_matches('/').to_owned())
        .filter(|value| !value.is_empty())
}

/// Splits a bare request into its package name (`x` or `@scope/x`) and the path inside it.
fn split_package(request: &str) -> Option<(&str, &str)> {
    let name_end = if request.starts_with('@') {
        let scope = request.find('/')?;
        request[scope + 1..]
            .find('/')
            .map_or(request.len(), |at| scope + 1 + at)
    } else {
        request.find('/').unwrap_or(request.len())
    };
    let (name, rest) = request.split_at(name_end);
    let valid = |part: &str| !part.is_empty() && part != "." && part != "..";
    name.split('/')
        .all(valid)
        .then_some((name, rest.trim_start_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Files(HashMap<&'static str, &'static str>);

    impl PackageTree for Files {
        fn is_file(&self, path: &str) -> bool {
            self.0.contains_key(path)
        }
        fn read_text(&self, path: &str) -> Option<String> {
            self.0.get(path).map(|text| (*text).to_owned())
        }
    }

    fn files(list: &[(&'static str, &'static str)]) -> Files {
        Files(list.iter().copied().collect())
    }

    #[test]
    fn joins_paths_inside_the_package() {
        let cases = [
            ("pages/a/a.js", "./b", Some("pages/a/b")),
            ("pages/a/a.js", "../../util/x", Some("util/x")),
            ("pages/a/a.js", "/util/x.js", Some("util/x.js")),
            ("app.js", "./util", Some("util")),
            ("app.js", "../x", None),
            ("pages/a/a.js", "x", Some("pages/a/x")),
        ];
        for (referrer, specifier, expected) in cases {
            assert_eq!(
                join(referrer, specifier).as_deref(),
                expected,
                "{referrer} + {specifier}"
            );
        }
    }

    #[test]
    fn bare_requests_walk_up_through_package_folders_nearest_first() {
        let tree = files(&[
            ("miniprogram_npm/tslib/index.js", ""),
            ("miniprogram_npm/lib/miniprogram_npm/tslib/index.js", ""),
            ("miniprogram_npm/lib/button/index.js", ""),
            (
                "node_modules/dayjs/package.json",
                r#"{"main": "dayjs.min.js"}"#,
            ),
            ("node_modules/dayjs/dayjs.min.js", ""),
            ("pages/a/util.js", ""),
        ]);
        let cases = [
            (
                "miniprogram_npm/lib/button/index.js",
                "tslib",
                "miniprogram_npm/lib/miniprogram_npm/tslib/index.js",
            ),
            ("pages/a/a.js", "tslib", "miniprogram_npm/tslib/index.js"),
            ("pages/a/a.js", "dayjs", "node_modules/dayjs/dayjs.min.js"),
            (
                "miniprogram_npm/lib/button/index.js",
                "dayjs",
                "node_modules/dayjs/dayjs.min.js",
            ),
            ("pages/a/a.js", "util", "pages/a/util.js"),
            (
                "pages/a/a.js",
                "lib/button/index",
                "miniprogram_npm/lib/button/index.js",
            ),
        ];
        for (referrer, request, expected) in cases {
            assert_eq!(
                resolve_script(&tree, referrer, request).as_deref(),
                Some(expected),
                "{referrer} requires {request}"
            );
        }
        assert_eq!(resolve_script(&tree, "pages/a/a.js", "missing"), None);
        assert_eq!(resolve_script(&tree, "pages/a/a.js", "./tslib"), None);
        assert_eq!(resolve_script(&tree, "pages/a/a.js", "@scope"), None);
        assert_eq!(resolve_script(&tree, "pages/a/a.js", "../../../x"), None);
    }

    #[test]
    fn package_json_names_the_entry_and_the_mini_program_folder() {
        let tree = files(&[
            (
                "node_modules/a/package.json",
                r#"{"main": "./lib/a", "module": "es/a.js"}"#,
            ),
            ("node_modules/a/lib/a.js", ""),
            (
                "node_modules/b/package.json",
                r#"{"module": "es/index.js"}"#,
            ),
            ("node_modules/b/es/index.js", ""),
            ("node_modules/c/package.json", r#"{"miniprogram": "dist/"}"#),
            ("node_modules/c/dist/index.js", ""),
            ("node_modules/c/dist/button/button.js", ""),
            ("node_modules/c/dist/button/button.wxml", ""),
            ("node_modules/c/readme.js", ""),
            ("node_modules/@s/d/package.json", "not json"),
            ("node_modules/@s/d/index.js", ""),
            ("vendor/package.json", r#"{"main": "v.js"}"#),
            ("vendor/v.js", ""),
        ]);
        let cases = [
            ("a", "node_modules/a/lib/a.js"),
            ("b", "node_modules/b/es/index.js"),
            ("c", "node_modules/c/dist/index.js"),
            ("c/button/button", "node_modules/c/dist/button/button.js"),
            ("c/readme", "node_modules/c/readme.js"),
            ("@s/d", "node_modules/@s/d/index.js"),
            ("/vendor", "vendor/v.js"),
        ];
        for (request, expected) in cases {
            assert_eq!(
                resolve_script(&tree, "app.js", request).as_deref(),
                Some(expected),
                "{request}"
            );
        }
        assert_eq!(
            resolve_component(&tree, "pages/a/a.json", "c/button/button", "wxml").as_deref(),
            Some("node_modules/c/dist/button/button.wxml")
        );
    }

    #[test]
    fn components_resolve_relative_absolute_and_from_packages() {
        let tree = files(&[
            ("components/card/card.axml", ""),
            ("pages/a/item.axml", ""),
            ("pages/a/list/index.axml", ""),
            ("node_modules/antd-mini/es/Button/index.axml", ""),
            ("miniprogram_npm/@vant/weapp/button/index.wxml", ""),
        ]);
        let cases = [
            (
                "/components/card/card",
                "axml",
                Some("components/card/card.axml"),
            ),
            (
                "../../components/card/card",
                "axml",
                Some("components/card/card.axml"),
            ),
            ("./item", "axml", Some("pages/a/item.axml")),
            ("item", "axml", Some("pages/a/item.axml")),
            ("./list", "axml", Some("pages/a/list/index.axml")),
            (
                "antd-mini/es/Button/index",
                "axml",
                Some("node_modules/antd-mini/es/Button/index.axml"),
            ),
            (
                "@vant/weapp/button/index",
                "wxml",
                Some("miniprogram_npm/@vant/weapp/button/index.wxml"),
            ),
            ("@vant/weapp/button/index", "axml", None),
            ("./card", "axml", None),
        ];
        for (target, ext, expected) in cases {
            assert_eq!(
                resolve_component(&tree, "pages/a/a.json", target, ext).as_deref(),
                expected,
                "{target}"
            );
        }
    }
}
