//! Assembles the page host from its core (`host/page-host.js`) and the component library
//! (`library/<tag>/`), and declares each library module's Rust descriptor.
//!
//! A component folder holds `mod.rs` (its descriptor: `pub(crate) const COMPONENTS`), and,
//! when it draws or behaves, its scripts (`*.js`, which call `define`) and default styles
//! (`*.css`), each joined in file name order, and any data its scripts read (`<name>.json`,
//! given to them as the text constant `<NAME>_JSON`). Adding a component is its folder and
//! its name in [`LIBRARY`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

/// The component library, one folder each, in the order their scripts and styles are joined.
const LIBRARY: &[&str] = &[
    "view",
    "text",
    "rich-text",
    "icon",
    "progress",
    "button",
    "checkbox",
    "radio",
    "switch",
    "slider",
    "input",
    "editor",
    "label",
    "form",
    "navigator",
    "picker",
    "picker-view",
    "image",
    "cover",
    "scroll-view",
    "swiper",
    "movable",
    "page-container",
    "root-portal",
    "page-meta",
    "video",
    "audio",
    "web-view",
    "canvas",
];

/// The line of the core script the library goes in place of.
const LIBRARY_MARKER: &str = "  //@library\n";

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it"));
    let core_path = manifest.join("host/page-host.js");
    println!("cargo:rerun-if-changed={}", core_path.display());
    let core = read(&core_path);
    let (before, after) = core
        .split_once(LIBRARY_MARKER)
        .unwrap_or_else(|| panic!("{} has no {LIBRARY_MARKER:?} line", core_path.display()));

    let mut scripts = String::new();
    let mut styles = String::new();
    let mut modules = String::new();
    let mut list = String::from("/// Every library module's components, in library order.\n");
    list.push_str("pub(crate) const MODULES: &[&[crate::Component]] = &[\n");
    for name in LIBRARY {
        let folder = manifest.join("library").join(name);
        println!("cargo:rerun-if-changed={}", folder.display());
        let module = name.replace('-', "_");
        let descriptor = folder.join("mod.rs");
        assert!(descriptor.is_file(), "{} is missing", descriptor.display());
        writeln!(
            modules,
            "#[path = {:?}]\nmod {module};",
            descriptor.display().to_string()
        )
        .expect("in memory");
        writeln!(list, "    {module}::COMPONENTS,").expect("in memory");
        for (file, script) in files_of(&folder, "js") {
            writeln!(scripts, "// ---- library/{name}/{file}\n{script}").expect("in memory");
        }
        for (file, style) in files_of(&folder, "css") {
            writeln!(styles, "/* library/{name}/{file} */\n{style}").expect("in memory");
        }
        for (file, data) in files_of(&folder, "json") {
            let constant = file
                .trim_end_matches(".json")
                .replace('-', "_")
                .to_uppercase();
            writeln!(
                scripts,
                "// ---- library/{name}/{file}\nconst {constant}_JSON = {};",
                js_string(data.trim())
            )
            .expect("in memory");
        }
    }
    list.push_str("];\n");

    let page_host = format!(
        "{before}{scripts}\nconst LIBRARY_CSS = {};\n{after}",
        js_string(&styles)
    );
    write(&out.join("page-host.js"), &page_host);
    write(&out.join("library.rs"), &format!("{modules}\n{list}"));
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The files of `folder` named `*.<extension>`, by name, with their text.
fn files_of(folder: &Path, extension: &str) -> Vec<(String, String)> {
    let entries =
        fs::read_dir(folder).unwrap_or_else(|error| panic!("{}: {error}", folder.display()));
    let mut names: Vec<String> = entries
        .map(|entry| {
            entry
                .expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| Path::new(name).extension().is_some_and(|e| e == extension))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = read(&folder.join(&name));
            (name, text)
        })
        .collect()
}

fn write(path: &Path, text: &str) {
    fs::write(path, text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

/// `text` as a JavaScript string literal.
fn js_string(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in text.chars() {
        match c {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                write!(literal, "\\u{:04x}", c as u32).expect("in memory");
            }
            c => literal.push(c),
        }
    }
    literal.push('"');
    literal
}
