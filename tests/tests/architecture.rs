//! The layering `docs/ARCHITECTURE.md` draws, checked: which crates each layer may build on
//! (from `Cargo.lock`, so indirect dependencies count too), and no import circle among the
//! files of any crate.
//!
//! A file imports another when a path in its non-test code (`use`, a type, a call) names an
//! item the other defines; re-exports (`pub use`) are followed to the defining file and are
//! not imports themselves, and declaring a module (`mod x;`) is not an import of it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The workspace root, from this crate's folder. Cargo runs tests in the
/// crate's folder, so the path is read then rather than baked in at build time:
/// a test binary built from another checkout must not read that checkout.
fn workspace() -> PathBuf {
    std::env::current_dir()
        .expect("the test's working folder")
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// Every package the crate `name` builds on, directly or not, from `Cargo.lock`.
fn dependencies_of(name: &str) -> BTreeSet<String> {
    let lock = fs::read_to_string(workspace().join("Cargo.lock")).expect("Cargo.lock");
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            package
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .map(|value| value.trim_matches(|c| c == '"' || c == ' ').to_owned())
        };
        let Some(package_name) = field("name = ") else {
            continue;
        };
        let dependencies = package
            .split("dependencies = [")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.trim().trim_end_matches(',').strip_prefix('"'))
            .map(|dep| dep.split([' ', '"']).next().unwrap_or_default().to_owned())
            .collect();
        graph.insert(package_name, dependencies);
    }
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_owned()];
    while let Some(next) = todo.pop() {
        for dep in graph.get(&next).into_iter().flatten() {
            if seen.insert(dep.clone()) {
                todo.push(dep.clone());
            }
        }
    }
    seen
}

#[test]
fn each_layer_builds_only_on_the_layers_below_it() {
    let forbidden: &[(&str, &[&str])] = &[
        (
            "capsule-jsscan",
            &["boa_engine", "capsule-view", "capsule-logic"],
        ),
        (
            "capsule-view",
            &[
                "wry",
                "tao",
                "tokio",
                "capsule-logic",
                "capsule-runtime",
                "capsule-jsapi",
            ],
        ),
        (
            "capsule-logic",
            &[
                "wry",
                "tao",
                "lightningcss",
                "capsule-view",
                "capsule-runtime",
            ],
        ),
        ("capsule-runtime", &["clap", "indicatif", "capsule-cli"]),
        (
            "capsule-packages",
            &["boa_engine", "wry", "capsule-runtime"],
        ),
        (
            "capsule-analytics",
            &["boa_engine", "wry", "tokio", "capsule-runtime"],
        ),
        (
            "capsule-sqlite",
            &[
                "boa_engine",
                "wry",
                "tokio",
                "capsule-packages",
                "capsule-jsapi",
                "capsule-analytics",
                "capsule-runtime",
            ],
        ),
        // Scenario steps are data checked as they load: no webview, engine or runtime.
        (
            "capsule-scenario",
            &[
                "wry",
                "tokio",
                "capsule-logic",
                "capsule-jsapi",
                "capsule-runtime",
            ],
        ),
    ];
    for (layer, below) in forbidden {
        let dependencies = dependencies_of(layer);
        assert!(
            !dependencies.is_empty() || *layer == "capsule-jsscan",
            "{layer} is in Cargo.lock"
        );
        for name in *below {
            assert!(
                !dependencies.contains(*name),
                "{layer} must not build on {name}"
            );
        }
    }
    let runtime = dependencies_of("capsule-runtime");
    assert!(runtime.contains("capsule-view") && runtime.contains("capsule-logic"));
    assert!(dependencies_of("capsule-cli").contains("capsule-runtime"));
}

/// One crate's files: module path (`a::b`) → file, and what each file imports.
struct Crate {
    files: BTreeMap<Vec<String>, PathBuf>,
    children: BTreeMap<Vec<String>, BTreeSet<String>>,
    /// Per module, the names it re-exports (`pub use x::Y as Z`) and the absolute path each
    /// stands for.
    reexports: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
    /// Per module, the absolute paths its non-test code names.
    uses: BTreeMap<Vec<String>, Vec<Vec<String>>>,
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

/// Expands a `use` tree into (name it binds, path) pairs.
fn expand(tree: &syn::UseTree, prefix: &[String], out: &mut Vec<(String, Vec<String>)>) {
    let joined = |name: String| [prefix, &[name]].concat();
    match tree {
        syn::UseTree::Path(path) => expand(&path.tree, &joined(path.ident.to_string()), out),
        syn::UseTree::Name(name) => {
            let name = name.ident.to_string();
            if name == "self" {
                let bound = prefix.last().cloned().unwrap_or_default();
                out.push((bound, prefix.to_vec()));
            } else {
                out.push((name.clone(), joined(name)));
            }
        }
        syn::UseTree::Rename(rename) => {
            out.push((rename.rename.to_string(), joined(rename.ident.to_string())));
        }
        syn::UseTree::Glob(_) => out.push(("*".to_owned(), prefix.to_vec())),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                expand(tree, prefix, out);
            }
        }
    }
}

/// Collects the paths a file's non-test items name.
#[derive(Default)]
struct Paths {
    paths: Vec<Vec<String>>,
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Const(c) => &c.attrs,
            _ => &[],
        };
        if !is_test_only(attrs) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut names = Vec::new();
        expand(&item.tree, &[], &mut names);
        // A re-export is not an import; `Crate::load` records it.
        if matches!(item.vis, syn::Visibility::Inherited) {
            self.paths.extend(names.into_iter().map(|(_, path)| path));
        }
    }

    /// `pub(crate)` names no item.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.paths
            .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }
}

impl Crate {
    fn load(root: &Path) -> Self {
        let mut krate = Crate {
            files: BTreeMap::new(),
            children: BTreeMap::new(),
            reexports: BTreeMap::new(),
            uses: BTreeMap::new(),
        };
        krate.add(Vec::new(), root);
        krate
    }

    fn add(&mut self, module: Vec<String>, file: &Path) {
        let text = fs::read_to_string(file).expect("source file");
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let is_root = matches!(
            file.file_name().and_then(|n| n.to_str()),
            Some("lib.rs" | "main.rs" | "mod.rs")
        );
        let folder = if is_root {
            file.parent().expect("folder").to_path_buf()
        } else {
            file.with_extension("")
        };
        let mut children = BTreeSet::new();
        let mut reexports = BTreeMap::new();
        for item in &syntax.items {
            match item {
                syn::Item::Mod(m) if m.content.is_none() && !is_test_only(&m.attrs) => {
                    let name = m.ident.to_string();
                    let child = [
                        folder.join(format!("{name}.rs")),
                        folder.join(&name).join("mod.rs"),
                    ]
                    .into_iter()
                    .find(|p| p.is_file())
                    .unwrap_or_else(|| panic!("no file for mod {name} in {}", folder.display()));
                    children.insert(name.clone());
                    self.add([module.clone(), vec![name]].concat(), &child);
                }
                syn::Item::Use(u) if !matches!(u.vis, syn::Visibility::Inherited) => {
                    let mut names = Vec::new();
                    expand(&u.tree, &[], &mut names);
                    for (name, path) in names {
                        reexports.insert(name, path);
                    }
                }
                _ => {}
            }
        }
        let mut paths = Paths::default();
        paths.visit_file(&syntax);
        self.files.insert(module.clone(), file.to_path_buf());
        self.children.insert(module.clone(), children);
        self.reexports.insert(module.clone(), reexports);
        self.uses.insert(module, paths.paths);
    }

    /// The absolute form of `path` as written in `module`, if it names something of this crate.
    fn absolute(&self, module: &[String], path: &[String]) -> Option<Vec<String>> {
        let (first, rest) = path.split_first()?;
        match first.as_str() {
            "crate" => Some(rest.to_vec()),
            "self" => Some([module, rest].concat()),
            "super" => {
                let parent = &module[..module.len().checked_sub(1)?];
                self.absolute(parent, &[&["self".to_owned()], rest].concat())
            }
            // One segment alone is a local name (a variable may share a module's name).
            name if !rest.is_empty() && self.children[module].contains(name) => {
                Some([module, path].concat())
            }
            _ => None,
        }
    }

    /// The module that defines what absolute `path` names, following re-exports.
    fn defining_module(&self, path: &[String], hops: usize) -> Vec<String> {
        let mut module: Vec<String> = Vec::new();
        for (i, segment) in path.iter().enumerate() {
            if self.children[&module].contains(segment) {
                module.push(segment.clone());
                continue;
            }
            if let Some(target) = self.reexports[&module].get(segment)
                && hops < 8
                && let Some(target) = self.absolute(&module, target)
            {
                let rest = &path[i + 1..];
                return self.defining_module(&[target, rest.to_vec()].concat(), hops + 1);
            }
            break;
        }
        module
    }

    /// File → the files it imports, each with the first path that names it.
    fn imports(&self) -> BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> {
        self.uses
            .iter()
            .map(|(module, paths)| {
                let mut targets = BTreeMap::new();
                for path in paths {
                    let Some(absolute) = self.absolute(module, path) else {
                        continue;
                    };
                    let target = self.defining_module(&absolute, 0);
                    if &target != module {
                        targets.entry(target).or_insert_with(|| path.join("::"));
                    }
                }
                (module.clone(), targets)
            })
            .collect()
    }
}

type Imports = BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>;

/// A circle of imports, if there is one.
fn find_circle(graph: &Imports) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        graph: &Imports,
        done: &mut BTreeSet<Vec<String>>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            return Some([&stack[at..], std::slice::from_ref(node)].concat());
        }
        if !done.insert(node.clone()) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flat_map(BTreeMap::keys) {
            if let Some(circle) = visit(next, graph, done, stack) {
                return Some(circle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn no_crate_has_an_import_circle_among_its_files() {
    let roots = [
        "packages/src/lib.rs",
        "jsapi/src/lib.rs",
        "components/src/lib.rs",
        "runtime/jsscan/src/lib.rs",
        "runtime/view/src/lib.rs",
        "runtime/logic/src/lib.rs",
        "runtime/src/lib.rs",
        "runtime/cli/src/main.rs",
    ];
    let mut circles = Vec::new();
    for root in roots {
        let krate = Crate::load(&workspace().join(root));
        assert!(!krate.files.is_empty());
        let imports = krate.imports();
        if let Some(circle) = find_circle(&imports) {
            let mut text = krate.files[&circle[0]].display().to_string();
            for pair in circle.windows(2) {
                let via = &imports[&pair[0]][&pair[1]];
                text += &format!(" -({via})-> {}", krate.files[&pair[1]].display());
            }
            circles.push(text);
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_circle_check_sees_a_circle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| fs::write(dir.path().join(name), text).expect("write");
    write("lib.rs", "mod a;\nmod b;\nmod c;\npub use a::A;\n");
    write("a.rs", "pub struct A;\nfn f() -> crate::b::B { todo!() }\n");
    write("b.rs", "use super::c::C;\npub struct B(C);\n");
    write("c.rs", "pub struct C;\nfn g() -> crate::A { todo!() }\n");
    let krate = Crate::load(&dir.path().join("lib.rs"));
    let circle = find_circle(&krate.imports()).expect("a circle");
    assert_eq!(circle.first(), circle.last());
    assert_eq!(circle.len(), 4, "{circle:?}");
    write(
        "c.rs",
        "pub struct C;\n#[cfg(test)]\nmod tests { fn g() -> crate::A { todo!() } }\n",
    );
    let krate = Crate::load(&dir.path().join("lib.rs"));
    assert_eq!(
        find_circle(&krate.imports()),
        None,
        "test code is not an import"
    );
}
