//! The scan benchmark: generates the distortion set (`distortions.rs`) as PNG files, decodes
//! every file with Capsule's decoder and, in the same run, with `zbarimg` (Debian
//! `zbar-tools`, required) and ZXing's C++ port `ZXingReader` (Debian `zxing-cpp-tools`,
//! optional), and reports per category and format how many each decoder read and how long
//! Capsule took. Writes the `## Scanning` section of `docs/BENCHMARKS.md` and
//! `docs/benchmarks/scan.json`.
//!
//! ```text
//! cargo bench -p capsule-jsapi --bench scan            # writes the docs
//! cargo bench -p capsule-jsapi --bench scan -- --dry   # prints only
//! cargo bench -p capsule-jsapi --bench scan -- --dry small-qr   # only files named so
//! ```

mod distortions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use capsule_jsapi::{DecodeOptions, ScanImage};
use distortions::{Category, FORMATS, format_name};
use serde_json::{Value, json};

/// The command that produces the report.
const COMMAND: &str = "cargo bench -p capsule-jsapi --bench scan";

/// What each decoder made of one file.
struct Outcome {
    file: String,
    category: Category,
    format: &'static str,
    strength: u8,
    capsule: bool,
    capsule_ms: f64,
    zbar: bool,
    zxing: Option<bool>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("scan bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let dry = std::env::args().any(|arg| arg == "--dry");
    let only = std::env::args().skip(1).find(|arg| !arg.starts_with("--"));
    if !tool_runs("zbarimg", &["--version"]) {
        return Err(
            "zbarimg is not installed; the benchmark compares against it. \
             Install it with `apt-get install -y zbar-tools` (Debian/Ubuntu)."
                .to_owned(),
        );
    }
    let zxing = tool_runs("ZXingReader", &[]);
    if !zxing {
        eprintln!(
            "scan bench: ZXingReader not found (Debian package zxing-cpp-tools); its column is left empty"
        );
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scan-set");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let options = DecodeOptions::default();
    let mut outcomes = Vec::new();
    for sample in distortions::all() {
        if only
            .as_ref()
            .is_some_and(|only| !sample.file_name().contains(only.as_str()))
        {
            continue;
        }
        let path = dir.join(sample.file_name());
        sample
            .image
            .save(&path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let image = ScanImage::from_file(&path).map_err(|e| e.to_string())?;
        let started = Instant::now();
        let found = image.decode(&options);
        let capsule_ms = started.elapsed().as_secs_f64() * 1000.0;
        if let Some(code) = found.as_ref().filter(|code| code.text != sample.text) {
            eprintln!(
                "{}: read {:?} {:?} instead",
                sample.file_name(),
                code.format,
                code.text
            );
        }
        let capsule = found.is_some_and(|code| code.text == sample.text);
        let zbar = zbar_reads(&path, &sample.text)?;
        let zxing = zxing
            .then(|| zxing_reads(&path, &sample.text))
            .transpose()?;
        let outcome = Outcome {
            file: sample.file_name(),
            category: sample.category,
            format: format_name(sample.format),
            strength: sample.strength,
            capsule,
            capsule_ms,
            zbar,
            zxing,
        };
        eprintln!(
            "{:<28} capsule {:<5} {:>7.1} ms  zbar {:<5}  zxing {}",
            outcome.file,
            outcome.capsule,
            outcome.capsule_ms,
            outcome.zbar,
            outcome.zxing.map_or("-".to_owned(), |z| z.to_string())
        );
        outcomes.push(outcome);
    }
    let markdown = report(&outcomes);
    println!("{markdown}");
    if dry {
        return Ok(());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    write_section(&root.join("docs/BENCHMARKS.md"), &markdown)?;
    let json_path = root.join("docs/benchmarks/scan.json");
    std::fs::create_dir_all(json_path.parent().unwrap_or(&root))
        .map_err(|e| format!("cannot create docs/benchmarks: {e}"))?;
    let json = serde_json::to_string_pretty(&to_json(&outcomes)).map_err(|e| e.to_string())?;
    std::fs::write(&json_path, json + "\n")
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    println!(
        "written docs/BENCHMARKS.md (## Scanning) and docs/benchmarks/scan.json by `{COMMAND}`"
    );
    Ok(())
}

/// Whether `program` can be started.
fn tool_runs(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().is_ok()
}

/// Whether `zbarimg` reads `text` from the file.
fn zbar_reads(path: &Path, text: &str) -> Result<bool, String> {
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run zbarimg: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|line| line == text))
}

/// Whether `ZXingReader` reads `text` from the file.
fn zxing_reads(path: &Path, text: &str) -> Result<bool, String> {
    let output = Command::new("ZXingReader")
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run ZXingReader: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("Text:"))
        .any(|found| found.trim().trim_matches('"') == text))
}

/// Counts of one group of outcomes.
#[derive(Default)]
struct Tally {
    images: usize,
    capsule: usize,
    zbar: usize,
    zxing: Option<usize>,
    total_ms: f64,
    max_ms: f64,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        self.images += 1;
        self.capsule += usize::from(outcome.capsule);
        self.zbar += usize::from(outcome.zbar);
        if let Some(read) = outcome.zxing {
            self.zxing = Some(self.zxing.unwrap_or(0) + usize::from(read));
        }
        self.total_ms += outcome.capsule_ms;
        self.max_ms = self.max_ms.max(outcome.capsule_ms);
    }

    fn mean_ms(&self) -> f64 {
        self.total_ms / self.images.max(1) as f64
    }

    fn zxing_cell(&self) -> String {
        self.zxing.map_or("–".to_owned(), |n| n.to_string())
    }
}

fn by_category(outcomes: &[Outcome]) -> BTreeMap<Category, Tally> {
    let mut tallies: BTreeMap<Category, Tally> = BTreeMap::new();
    for outcome in outcomes {
        tallies.entry(outcome.category).or_default().add(outcome);
    }
    tallies
}

fn by_category_and_format(outcomes: &[Outcome]) -> BTreeMap<(Category, &'static str), Tally> {
    let mut tallies: BTreeMap<(Category, &'static str), Tally> = BTreeMap::new();
    for outcome in outcomes {
        tallies
            .entry((outcome.category, outcome.format))
            .or_default()
            .add(outcome);
    }
    tallies
}

/// The `## Scanning` section.
fn report(outcomes: &[Outcome]) -> String {
    let mut total = Tally::default();
    outcomes.iter().for_each(|outcome| total.add(outcome));
    let mut out = String::from("## Scanning\n\n");
    out.push_str(&format!(
        "Produced by `{COMMAND}` (release build; needs `zbarimg` from zbar-tools, and \
         `ZXingReader` from zxing-cpp-tools for the ZXing column). The set is generated \
         deterministically by `jsapi/benches/scan/distortions.rs`: {} PNG pictures of QR, \
         EAN-13, Code 128, DataMatrix and PDF417 codes, each distortion at four strengths \
         (mildest first). Counts are pictures whose code was read with the right text. \
         Capsule's time is the decode of one picture (all formats enabled, the whole \
         attempt chain up to the first code, budget {} ms); zbar and ZXing run as separate \
         processes on the same files. zbar reads neither DataMatrix nor PDF417.\n\n",
        outcomes.len(),
        DecodeOptions::default().budget.as_millis()
    ));
    out.push_str(
        "| Category | Pictures | Capsule | zbar | ZXing C++ | Capsule mean ms | Capsule max ms |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (category, tally) in by_category(outcomes) {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.1} | {:.1} |\n",
            category.name(),
            tally.images,
            tally.capsule,
            tally.zbar,
            tally.zxing_cell(),
            tally.mean_ms(),
            tally.max_ms
        ));
    }
    out.push_str(&format!(
        "| **all** | {} | {} | {} | {} | {:.1} | {:.1} |\n\n",
        total.images,
        total.capsule,
        total.zbar,
        total.zxing_cell(),
        total.mean_ms(),
        total.max_ms
    ));
    out.push_str("Per format, read by Capsule / zbar / ZXing C++ of the pictures in each cell:\n\n| Category |");
    for format in FORMATS {
        out.push_str(&format!(" {} |", format_name(format)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(FORMATS.len()));
    out.push('\n');
    let cells = by_category_and_format(outcomes);
    for category in Category::ALL {
        out.push_str(&format!("| {} |", category.name()));
        for format in FORMATS {
            let cell = cells
                .get(&(category, format_name(format)))
                .map_or("–".to_owned(), |t| {
                    format!(
                        "{} / {} / {} of {}",
                        t.capsule,
                        t.zbar,
                        t.zxing_cell(),
                        t.images
                    )
                });
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

fn to_json(outcomes: &[Outcome]) -> Value {
    let categories: serde_json::Map<String, Value> = by_category(outcomes)
        .into_iter()
        .map(|(category, t)| {
            (
                category.name().to_owned(),
                json!({
                    "pictures": t.images, "capsule": t.capsule, "zbar": t.zbar,
                    "zxing": t.zxing, "capsuleMeanMs": round(t.mean_ms()),
                    "capsuleMaxMs": round(t.max_ms),
                }),
            )
        })
        .collect();
    let files: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            json!({
                "file": o.file, "category": o.category.name(), "format": o.format,
                "strength": o.strength, "capsule": o.capsule,
                "capsuleMs": round(o.capsule_ms), "zbar": o.zbar, "zxing": o.zxing,
            })
        })
        .collect();
    json!({
        "command": COMMAND,
        "budgetMs": DecodeOptions::default().budget.as_millis() as u64,
        "categories": categories,
        "files": files,
    })
}

fn round(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

/// Replaces (or appends) the `## Scanning` section of the benchmarks file, creating the file
/// with a short introduction when it does not exist.
fn write_section(path: &Path, section: &str) -> Result<(), String> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# Benchmarks\n\nMeasured results of Capsule's benchmarks, each section written by \
             the command it names. Numbers depend on the machine; the comparisons within a \
             section come from one run.\n"
                .to_owned()
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let updated = match current.find("\n## Scanning\n") {
        Some(start) => {
            let rest = &current[start + 1..];
            let end = rest[3..]
                .find("\n## ")
                .map_or(current.len(), |i| start + 1 + 3 + i + 1);
            format!("{}{}{}", &current[..start + 1], section, &current[end..])
        }
        None => format!(
            "{}\n{}",
            current.trim_end_matches('\n').to_owned() + "\n",
            section
        ),
    };
    std::fs::write(path, updated).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
