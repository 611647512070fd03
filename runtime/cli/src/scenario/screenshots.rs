//! `screenshot` steps: the window's picture (headless: the page's HTML) saved, and with
//! `compare` checked against the approved one.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::target::Target;
use crate::visual;
use capsule_scenario::Screenshot;

/// Share of pixels (percent) a `compare` screenshot may differ in unless its step says.
const DEFAULT_TOLERANCE: f64 = 0.5;

/// `{"screenshot": "x.png", "compare"?: bool, "tolerance"?: percent}`: saves a screenshot
/// (headless: the page's HTML), and with `compare` checks it against the approved one.
pub(super) fn take(target: &Target<'_>, step: &Screenshot) -> Result<()> {
    let name = step.screenshot.as_str();
    let tolerance = step.tolerance.unwrap_or(DEFAULT_TOLERANCE);
    let path = save_view(target, &target.out_dir.join(name))?;
    let what = if target.screenshot.is_some() {
        "screenshot"
    } else {
        "page HTML"
    };
    println!("       {what}: {}", path.display());
    if !step.compare {
        return Ok(());
    }
    let file_name = path.file_name().context("a screenshot file name")?;
    let approved = target
        .approved_dir
        .join(Path::new(name).with_file_name(file_name));
    if target.approve {
        if let Some(parent) = approved.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&path, &approved)
            .with_context(|| format!("cannot write {}", approved.display()))?;
        println!("       approved: {}", approved.display());
        return Ok(());
    }
    if !approved.exists() {
        bail!(
            "no approved image {}: look at {} and run with --approve to accept it",
            approved.display(),
            path.display()
        );
    }
    if target.screenshot.is_some() {
        compare_images(&path, &approved, tolerance)
    } else {
        compare_html(&path, &approved)
    }
}

/// Saves what the user sees now at `path`: the window's picture, or headless the page's HTML
/// (with the extension `html`). Returns the file written.
pub(super) fn save_view(target: &Target<'_>, path: &Path) -> Result<PathBuf> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    match target.screenshot {
        Some(take) => {
            take(path)?;
            Ok(path.to_owned())
        }
        None => {
            let path = path.with_extension("html");
            std::fs::write(&path, target.app.snapshot()?.html)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(path)
        }
    }
}

/// Fails when the screenshot at `path` differs from `approved` in more than `tolerance`
/// percent of its pixels; writes `<name>.diff.png` showing where.
fn compare_images(path: &Path, approved: &Path, tolerance: f64) -> Result<()> {
    let actual = visual::Image::read_png(path)?;
    let expected = visual::Image::read_png(approved)?;
    let difference = visual::compare(&actual, &expected)
        .with_context(|| format!("{} against {}", path.display(), approved.display()))?;
    if difference.percent <= tolerance {
        return Ok(());
    }
    let diff = path.with_extension("diff.png");
    difference.picture.write_png(&diff)?;
    bail!(
        "the screenshot differs from {} in {} pixels ({:.2} %, tolerance {tolerance} %): \
         see {} (differences in red); run with --approve if the change is meant",
        approved.display(),
        difference.pixels,
        difference.percent,
        diff.display()
    )
}

/// Fails when the page HTML at `path` is not the approved HTML; names the first line that
/// differs.
fn compare_html(path: &Path, approved: &Path) -> Result<()> {
    let read = |file: &Path| {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
    };
    let (actual, expected) = (read(path)?, read(approved)?);
    if actual == expected {
        return Ok(());
    }
    let line = actual
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
    bail!(
        "the page HTML differs from {} from line {}: {:?} (approved: {:?}); run with \
         --approve if the change is meant",
        approved.display(),
        line + 1,
        actual
            .lines()
            .nth(line)
            .unwrap_or("<end>")
            .chars()
            .take(120)
            .collect::<String>(),
        expected
            .lines()
            .nth(line)
            .unwrap_or("<end>")
            .chars()
            .take(120)
            .collect::<String>()
    )
}
