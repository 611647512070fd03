//! Golden cases for the view layer: template + data → HTML, and updates → patch ops.
//!
//! Each `runtime/tests/view/*.golden` file holds cases separated by `### name` lines. A case is
//! a list of sections `key: value` (one line) or `key:` followed by lines up to the next key:
//!
//! - `wx` / `ax`: the page template (`pages/index/index.wxml` / `.axml`); `file <path>`: any
//!   other package file (templates, `.json`, scripts);
//! - `app-components`: app-wide `usingComponents` (JSON);
//! - `data`: the first page data (JSON); `html`: the expected HTML;
//! - `update`: `[[path, value], …]` given to `set_data`, then any of `opcount`, `ops` (JSON),
//!   `html` for the state after it;
//! - `error`: text the compile or load error must contain; `warning`: text one warning must
//!   contain (parser warnings, and the warnings of the latest render);
//! - `script-budget-ms`: the view-script budget per render (default: `View::SCRIPT_BUDGET`);
//! - `virtual-hosts`: component templates whose logic asks for `options.virtualHost` (JSON).
//!
//! Every update is also checked against the two invariants of the diff: applying its ops to
//! the previous tree gives the new tree, and the new tree equals a fresh render of the data.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use capsule_view::{PageView, PatchOp, View, apply};
use serde_json::{Map, Value};

const KEYS: &[&str] = &[
    "wx",
    "ax",
    "app-components",
    "data",
    "html",
    "update",
    "opcount",
    "ops",
    "error",
    "warning",
    "script-budget-ms",
    "virtual-hosts",
];

struct Case {
    name: String,
    sections: Vec<(String, String)>,
}

fn section_key(line: &str) -> Option<(String, Option<String>)> {
    let (key, rest) = line.split_once(':')?;
    let known = KEYS.contains(&key) || key.starts_with("file ");
    if !known || key.contains(' ') && !key.starts_with("file ") {
        return None;
    }
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    Some((key.to_owned(), (!rest.is_empty()).then(|| rest.to_owned())))
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("### ") {
            cases.push(Case {
                name: name.trim().to_owned(),
                sections: Vec::new(),
            });
            continue;
        }
        let Some(case) = cases.last_mut() else {
            continue;
        };
        match section_key(line) {
            Some((key, Some(value))) => case.sections.push((key, value)),
            Some((key, None)) => case.sections.push((key, String::new())),
            None => {
                if let Some((_, body)) = case.sections.last_mut() {
                    if !body.is_empty() {
                        body.push('\n');
                    }
                    body.push_str(line);
                }
            }
        }
    }
    for case in &mut cases {
        for (_, body) in &mut case.sections {
            *body = body.trim_end().to_owned();
        }
    }
    cases
}

fn json(text: &str, what: &str) -> Result<Value> {
    serde_json::from_str(text).with_context(|| format!("{what} is not JSON: {text}"))
}

fn run_case(case: &Case) -> Result<()> {
    let mut files = HashMap::new();
    let mut entry = None;
    let mut app_components = Map::new();
    for (key, body) in &case.sections {
        match key.as_str() {
            "wx" | "ax" => {
                let path = format!("pages/index/index.{key}ml");
                files.insert(path.clone(), body.clone());
                entry = Some(path);
            }
            "app-components" => {
                app_components = json(body, "app-components")?
                    .as_object()
                    .cloned()
                    .context("app-components is not an object")?;
            }
            k if k.starts_with("file ") => {
                files.insert(k["file ".len()..].trim().to_owned(), body.clone());
            }
            _ => {}
        }
    }
    let entry = entry.context("no wx/ax section")?;
    let expected_error = case.sections.iter().find(|(k, _)| k == "error");
    let data = match case.sections.iter().find(|(k, _)| k == "data") {
        Some((_, d)) => json(d, "data")?,
        None => Value::Object(Map::new()),
    };
    let budget = match case.sections.iter().find(|(k, _)| k == "script-budget-ms") {
        Some((_, ms)) => Duration::from_millis(ms.parse().context("script-budget-ms")?),
        None => View::SCRIPT_BUDGET,
    };
    let virtual_hosts: Vec<String> = match case.sections.iter().find(|(k, _)| k == "virtual-hosts")
    {
        Some((_, hosts)) => serde_json::from_value(json(hosts, "virtual-hosts")?)
            .context("virtual-hosts must be a list of paths")?,
        None => Vec::new(),
    };
    let loaded = PageView::compile(&files, &entry, &app_components).and_then(|mut page| {
        for host in &virtual_hosts {
            page.set_virtual_host(host);
        }
        Ok((
            page.clone(),
            View::with_script_budget(page, data.clone(), budget)?,
        ))
    });
    let (page, mut view) = match (loaded, expected_error) {
        (Err(e), Some((_, want))) => {
            ensure!(
                e.to_string().contains(want.as_str()),
                "error {e:?} does not contain {want:?}"
            );
            return Ok(());
        }
        (Err(e), None) => bail!("unexpected error: {e}"),
        (Ok(_), Some((_, want))) => bail!("expected an error containing {want:?}"),
        (Ok(v), None) => v,
    };
    let parser_warnings: Vec<String> = page.warnings().iter().map(ToString::to_string).collect();
    let mut last_ops: Option<Vec<PatchOp>> = None;
    for (key, body) in &case.sections {
        match key.as_str() {
            "html" => ensure!(
                view.html() == *body,
                "html differs\n  want: {body}\n  got:  {}",
                view.html()
            ),
            "warning" => {
                let mut warnings = parser_warnings.clone();
                warnings.extend(view.warnings().iter().map(ToString::to_string));
                ensure!(
                    warnings.iter().any(|w| w.contains(body.as_str())),
                    "no warning contains {body:?}; warnings: {warnings:#?}"
                );
            }
            "update" => {
                let changes: Vec<(String, Value)> =
                    serde_json::from_value(json(body, "update")?)
                        .context("update must be [[path, value], ...]")?;
                let before = view.tree().to_vec();
                let ops = view.set_data(&changes);
                let mut patched = before;
                apply(&mut patched, &ops).context("ops do not apply")?;
                ensure!(
                    patched == view.tree(),
                    "patched tree differs from the new render; ops: {ops:#?}"
                );
                let fresh = View::with_script_budget(page.clone(), view.data().clone(), budget)?;
                ensure!(
                    fresh.tree() == view.tree(),
                    "update differs from a fresh render"
                );
                last_ops = Some(ops);
            }
            "opcount" => {
                let ops = last_ops.as_ref().context("opcount before update")?;
                let want: usize = body.parse().context("opcount is a number")?;
                ensure!(
                    ops.len() == want,
                    "{} ops, want {want}: {ops:#?}",
                    ops.len()
                );
            }
            "ops" => {
                let ops = last_ops.as_ref().context("ops before update")?;
                let got = serde_json::to_value(ops)?;
                let want = json(body, "ops")?;
                ensure!(got == want, "ops differ\n  want: {want}\n  got:  {got}");
            }
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn golden_cases() -> Result<()> {
    let dir = Path::new("tests/view");
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "golden"))
        .collect();
    paths.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path)?;
        for case in parse_cases(&text) {
            total += 1;
            if let Err(e) = run_case(&case) {
                failures.push(format!(
                    "{} / {}: {e:#}",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    case.name
                ));
            }
        }
    }
    ensure!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    ensure!(total >= 150, "only {total} golden cases");
    println!("{total} golden cases passed");
    Ok(())
}
