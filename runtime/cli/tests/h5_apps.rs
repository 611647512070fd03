//! Real H5 apps in the window, each run a fresh `capsule run` process on one data folder: a
//! plain notes app, a to-do list on Vue's full build (its in-page template compiled at run
//! time) and a catalog rendered from a Handlebars template compiled in the page. The last
//! two declare `'unsafe-eval'` in their manifest's `csp`. Driven through their real inputs;
//! what they keep in `localStorage` is there at the next run and invisible to the others.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// The test apps, relative to the package root (where cargo runs tests).
const APPS: &str = "../../tests/apps";

/// Waits until `ready()` is truthy (checked every 25 ms for at most 5 s) and returns it.
const UNTIL: &str = r#"
const until = async (ready, what) => {
    for (let i = 0; i < 200; i++) {
        const value = ready();
        if (value) return value;
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error("timed out waiting for " + what);
};
const texts = (selector) => [...document.querySelectorAll(selector)].map((node) => node.textContent.trim());
const type = (selector, text) => {
    const field = document.querySelector(selector);
    field.value = text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
};
"#;

fn app(name: &str) -> PathBuf {
    Path::new(APPS).join(name)
}

/// Runs `app` once with `script` (after [`UNTIL`]) in its page, keeping data in `data`;
/// returns the script's value and the run's log.
fn run(app: &Path, data: &Path, script: &str) -> (Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("script.js");
    std::fs::write(&file, format!("{UNTIL}\n{script}")).expect("script");
    let output = Command::new(env!("CARGO_BIN_EXE_capsule"))
        .arg("run")
        .arg(app)
        .arg("--exec")
        .arg(&file)
        .arg("--screenshot")
        .arg(dir.path().join("shot.png"))
        .arg("--data-dir")
        .arg(data)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("CAPSULE_DATA_DIR")
        .env("CAPSULE_LOG", "info")
        .output()
        .expect("capsule runs");
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}: {stdout}\n{log}",
        app.display()
    );
    let value = serde_json::Deserializer::from_str(&stdout)
        .into_iter()
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("no JSON from the script: {stdout}\n{log}"));
    (value, log)
}

/// The npm packages of the test apps are installed (the README's test command does it).
fn assert_installed(app: &Path, file: &str) {
    assert!(
        app.join(file).is_file(),
        "{} is missing: run `npm ci` in {} (scripts/test.sh does)",
        file,
        app.display()
    );
}

#[test]
fn a_plain_notes_app_keeps_its_notes_across_runs() {
    let data = tempfile::tempdir().expect("tempdir");
    let notes = app("h5-notes");
    let (first, _) = run(
        &notes,
        data.path(),
        r##"
        await until(() => document.readyState === "complete", "the page");
        const before = texts("#notes li");
        type("#draft", "Buy milk");
        document.querySelector("#add").click();
        type("#draft", "Call mum");
        document.querySelector("#add").click();
        await until(() => texts("#notes li").length === 2, "two notes");
        return { before, after: texts("#notes li"), draft: document.querySelector("#draft").value };
        "##,
    );
    assert_eq!(
        first,
        json!({"before": [], "after": ["Buy milk", "Call mum"], "draft": ""})
    );
    let (second, _) = run(
        &notes,
        data.path(),
        r##"
        return await until(() => texts("#notes li").length && texts("#notes li"), "the notes");
        "##,
    );
    assert_eq!(second, json!(["Buy milk", "Call mum"]));
}

#[test]
fn a_vue_full_build_compiles_its_template_under_the_declared_csp() {
    let vue = app("h5-vue-todo");
    assert_installed(&vue, "node_modules/vue/dist/vue.global.prod.js");
    let data = tempfile::tempdir().expect("tempdir");
    let (first, _) = run(
        &vue,
        data.path(),
        r##"
        await until(() => document.querySelector("#left").textContent.includes("0 left"), "Vue to mount");
        for (const todo of ["Water plants", "Pay rent"]) {
            type("#draft", todo);
            document.querySelector("#add").click();
            await until(() => texts("li").includes(todo), todo);
        }
        document.querySelector("li").click();
        await until(() => document.querySelector("li.done"), "a done item");
        return { items: texts("li"), done: texts("li.done"), left: texts("#left")[0] };
        "##,
    );
    assert_eq!(
        first,
        json!({"items": ["Water plants", "Pay rent"], "done": ["Water plants"], "left": "1 left"})
    );
    let (second, _) = run(
        &vue,
        data.path(),
        r##"
        await until(() => texts("li").length === 2, "the saved to-dos");
        return { done: texts("li.done"), left: texts("#left")[0], favourites: localStorage.getItem("favourites") };
        "##,
    );
    assert_eq!(
        second,
        json!({"done": ["Water plants"], "left": "1 left", "favourites": null})
    );
}

#[test]
fn without_its_csp_the_vue_app_is_refused_eval() {
    let vue = app("h5-vue-todo");
    assert_installed(&vue, "node_modules/vue/dist/vue.global.prod.js");
    // The same app, its manifest without `csp`: the default policy forbids eval.
    let copy = tempfile::tempdir().expect("tempdir");
    for file in [
        "index.html",
        "app.js",
        "style.css",
        "node_modules/vue/dist/vue.global.prod.js",
    ] {
        let to = copy.path().join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("folder");
        std::fs::copy(vue.join(file), &to).expect("copy");
    }
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(vue.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    manifest.as_object_mut().expect("object").remove("csp");
    std::fs::write(copy.path().join("manifest.json"), manifest.to_string()).expect("manifest");
    let data = tempfile::tempdir().expect("tempdir");
    let (shown, log) = run(
        copy.path(),
        data.path(),
        r##"
        await until(() => document.readyState === "complete", "the page");
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { rendered: document.querySelector("#app").innerHTML.trim(), left: texts("#left") };
        "##,
    );
    // Vue takes the template out of #app, then cannot compile it: nothing is rendered.
    assert_eq!(shown, json!({"rendered": "", "left": []}));
    assert!(
        log.contains("unsafe-eval") || log.contains("EvalError"),
        "the page's console says why: {log}"
    );
}

#[test]
fn a_handlebars_catalog_keeps_favourites_that_other_apps_cannot_see() {
    let catalog = app("h5-catalog");
    assert_installed(&catalog, "node_modules/handlebars/dist/handlebars.min.js");
    let data = tempfile::tempdir().expect("tempdir");
    let (first, _) = run(
        &catalog,
        data.path(),
        r##"
        await until(() => texts(".product h2").length === 3, "the compiled template");
        document.querySelector('.favourite-toggle[data-id="cup"]').click();
        document.querySelector('.favourite-toggle[data-id="pot"]').click();
        document.querySelector('.favourite-toggle[data-id="pot"]').click();
        return { names: texts(".product h2"), prices: texts(".price"), favourites: texts("#favourites")[0] };
        "##,
    );
    assert_eq!(
        first,
        json!({"names": ["Green tea", "Tea cup", "Clay teapot"], "prices": ["¥28", "¥45", "¥168"], "favourites": "cup"})
    );
    let (second, _) = run(
        &catalog,
        data.path(),
        r##"
        await until(() => texts(".product h2").length === 3, "the compiled template");
        return { favourites: texts("#favourites")[0], marked: [...document.querySelectorAll(".product.favourite")].map((node) => node.dataset.id) };
        "##,
    );
    assert_eq!(second, json!({"favourites": "cup", "marked": ["cup"]}));
    // Another app on the same data folder sees none of it.
    let (other, _) = run(
        &app("h5-notes"),
        data.path(),
        r##"return { favourites: localStorage.getItem("favourites"), keys: localStorage.length };"##,
    );
    assert_eq!(other, json!({"favourites": null, "keys": 0}));
    assert!(
        data.path().join("webdata/h5-catalog").is_dir(),
        "each app's web storage is in its own folder of the data folder"
    );
}
