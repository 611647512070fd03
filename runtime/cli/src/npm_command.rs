//! `capsule build-npm`: what WeChat's developer tools do under "build npm" for a project
//! folder. Every package the folder's `package.json` depends on, and every package those
//! depend on, is copied from `node_modules/` into `miniprogram_npm/`, where mini-program
//! templates and scripts find them: a mini-program package's own folder (its `miniprogram`
//! field, else `miniprogram_dist/`), any other package whole, without its `node_modules/`.

use std::collections::{BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Builds `<project>/miniprogram_npm/` from `<project>/node_modules/`; prints one line per
/// package.
pub(crate) fn build_npm(project: &Path) -> Result<()> {
    let project = &project
        .canonicalize()
        .with_context(|| format!("cannot open the project folder {}", project.display()))?;
    let manifest = read_manifest(&project.join("package.json"))?;
    let mut queue: VecDeque<String> = dependencies(&manifest, &project.join("package.json"))?
        .into_iter()
        .collect();
    if queue.is_empty() {
        println!("nothing to build: package.json has no dependencies");
        return Ok(());
    }
    let output = project.join("miniprogram_npm");
    let mut built = BTreeSet::new();
    while let Some(name) = queue.pop_front() {
        if !built.insert(name.clone()) {
            continue;
        }
        let package = project.join("node_modules").join(&name);
        let package_json = package.join("package.json");
        if !package_json.is_file() {
            bail!(
                "{name} is not installed in {}: run `npm install` in the project first",
                project.join("node_modules").display()
            );
        }
        let manifest = read_manifest(&package_json)?;
        let source = mini_program_folder(&package, &manifest).unwrap_or_else(|| package.clone());
        let target = output.join(&name);
        if target.exists() {
            fs::remove_dir_all(&target)
                .with_context(|| format!("cannot replace {}", target.display()))?;
        }
        let files = copy_tree(&source, &target)?;
        let from = source.strip_prefix(project).unwrap_or(&source);
        println!(
            "miniprogram_npm/{name}: {files} files from {}",
            from.display()
        );
        queue.extend(dependencies(&manifest, &package_json)?);
    }
    Ok(())
}

fn read_manifest(path: &Path) -> Result<Value> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

/// The names under `dependencies`; a name that is not a package name is an error.
fn dependencies(manifest: &Value, path: &Path) -> Result<Vec<String>> {
    let Some(list) = manifest.get("dependencies") else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_object() else {
        bail!("{}: \"dependencies\" must be an object", path.display());
    };
    list.keys()
        .map(|name| {
            if is_package_name(name) {
                Ok(name.clone())
            } else {
                bail!("{}: '{name}' is not a package name", path.display())
            }
        })
        .collect()
}

/// `name` or `@scope/name`, without path tricks.
fn is_package_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    let shape = match parts.as_slice() {
        [name] => !name.starts_with('@'),
        [scope, _] => scope.starts_with('@'),
        _ => false,
    };
    shape
        && parts.iter().all(|part| {
            !part.is_empty() && *part != "." && *part != ".." && !part.contains(['\\', '\0', ':'])
        })
}

/// The folder of a mini-program package: its `miniprogram` field, else `miniprogram_dist/`,
/// when that is a folder inside the package.
fn mini_program_folder(package: &Path, manifest: &Value) -> Option<PathBuf> {
    let named = manifest
        .get("miniprogram")
        .and_then(Value::as_str)
        .unwrap_or("miniprogram_dist");
    let folder = package.join(named).canonicalize().ok()?;
    (folder.is_dir() && folder.starts_with(package.canonicalize().ok()?)).then_some(folder)
}

/// Copies the regular files and folders under `from` to `to` (which must not exist),
/// leaving out `node_modules/` folders and symbolic links; the number of files copied.
fn copy_tree(from: &Path, to: &Path) -> Result<usize> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let mut files = 0;
    let entries = fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() && entry.file_name() != "node_modules" {
            files += copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            fs::copy(entry.path(), &target).with_context(|| {
                format!(
                    "cannot copy {} to {}",
                    entry.path().display(),
                    target.display()
                )
            })?;
            files += 1;
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::is_package_name;

    #[test]
    fn package_names_cannot_leave_the_folder() {
        for good in ["tslib", "@vant/weapp", "lodash.get", "a-b_c"] {
            assert!(is_package_name(good), "{good}");
        }
        for bad in [
            "", "..", "../x", "@vant", "a/b", "@s/../x", "@s/x/y", "a\\b", "c:",
        ] {
            assert!(!is_package_name(bad), "{bad}");
        }
    }
}
