//! `cargo xtask bench`: the audit's speed and memory against its floor,
//! syn's own parse and visit of the same files on the same threads
//! (DESIGN.md, "Speed and memory"). Each measurement runs in a fresh child
//! process (`xtask bench-one …`) so peak memory (`VmHWM`) belongs to it
//! alone, and the four kinds (syn and audit, 1 and 2 threads) are run in
//! turn, round after round, so the machine's noise hits them alike; the
//! fastest round of each counts.
//!
//! `--manifest-path PATH` (repeatable) measures real workspaces, fetched,
//! never vendored; without it, generated ones (`bench/generate.rs`): `flat`
//! at two sizes (linearity in lines) and `prelude` at two module counts and
//! two glob depths (linearity in modules, no growth with depth). The table
//! is Markdown, ready for a note.

mod generate;

use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One measured run.
#[derive(Debug, Clone, Default)]
struct Sample {
    seconds: f64,
    peak_kib: u64,
    /// Per stage, for audits: (stage, seconds).
    stages: Vec<(String, f64)>,
}

/// Entry point of `cargo xtask bench [--manifest-path PATH]... [--lines N]
/// [--runs N]`.
pub fn bench(root: &Path, args: &[String]) -> Result<()> {
    let mut manifests: Vec<PathBuf> = Vec::new();
    let mut lines: usize = 100_000;
    let mut runs: usize = 3;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut number = |name: &str| -> Result<usize> {
            iter.next()
                .and_then(|value| value.parse().ok())
                .with_context(|| format!("`{name}` needs a number"))
        };
        match arg.as_str() {
            "--manifest-path" => manifests.push(
                iter.next()
                    .map(PathBuf::from)
                    .context("`--manifest-path` needs a path")?,
            ),
            "--lines" => lines = number("--lines")?,
            "--runs" => runs = number("--runs")?.max(1),
            other => bail!("unknown bench argument `{other}`"),
        }
    }
    let exe = std::env::current_exe().context("could not find the xtask binary")?;
    let mut rows = Vec::new();
    if manifests.is_empty() {
        manifests = vec![
            generate::flat(root, lines / 4)?,
            generate::flat(root, lines)?,
            generate::prelude(root, 100, 4)?,
            generate::prelude(root, 400, 4)?,
            generate::prelude(root, 400, 32)?,
        ];
    }
    println!("{HEADER}");
    for manifest in &manifests {
        let row = measure_workspace(&exe, manifest, runs)?;
        println!("{}", row.line());
        rows.push(row);
    }
    println!();
    for row in &rows {
        println!("{}: {}", row.name, row.stages);
    }
    Ok(())
}

const HEADER: &str = "| workspace | files | lines | syn -j1 | syn -j2 | audit -j1 | audit -j2 | audit/syn -j2 | ≤ 1.5×syn+0.1 s | -j1/-j2 | peak syn | peak audit | audit/syn |\n\
|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|";

/// One workspace's figures.
struct Row {
    name: String,
    files: usize,
    lines: usize,
    syn: [Sample; 2],
    audit: [Sample; 2],
    stages: String,
}

impl Row {
    fn line(&self) -> String {
        let [syn_1, syn_2] = &self.syn;
        let [audit_1, audit_2] = &self.audit;
        let target = 1.5 * syn_2.seconds + 0.1;
        format!(
            "| {} | {} | {} | {:.3} s | {:.3} s | {:.3} s | {:.3} s | {:.2}× | {} | {:.2}× | {} MB | {} MB | {:.2}× |",
            self.name,
            self.files,
            self.lines,
            syn_1.seconds,
            syn_2.seconds,
            audit_1.seconds,
            audit_2.seconds,
            audit_2.seconds / syn_2.seconds,
            if audit_2.seconds <= target { "met" } else { "MISSED" },
            audit_1.seconds / audit_2.seconds,
            syn_2.peak_kib / 1024,
            audit_2.peak_kib / 1024,
            audit_2.peak_kib as f64 / syn_2.peak_kib.max(1) as f64,
        )
    }
}

/// Syn and audit at 1 and 2 threads, in turn, `runs` rounds.
fn measure_workspace(exe: &Path, manifest: &Path, runs: usize) -> Result<Row> {
    let list = file_list(manifest)?;
    let lines = list
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .map(|text| text.lines().count())
        .sum();
    let list_file =
        std::env::temp_dir().join(format!("stubaudit-bench-{}.txt", std::process::id()));
    std::fs::write(
        &list_file,
        list.iter()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )?;
    let mut syn: [Option<Sample>; 2] = [None, None];
    let mut audit: [Option<Sample>; 2] = [None, None];
    for _ in 0..runs {
        for jobs in [1, 2] {
            let floor = run_child(exe, "floor", jobs, &list_file)?;
            keep_fastest(&mut syn[jobs - 1], floor);
            let run = run_child(exe, "audit", jobs, manifest)?;
            keep_fastest(&mut audit[jobs - 1], run);
        }
    }
    let _ = std::fs::remove_file(&list_file);
    let [Some(syn_1), Some(syn_2)] = syn else {
        bail!("no syn sample");
    };
    let [Some(audit_1), Some(audit_2)] = audit else {
        bail!("no audit sample");
    };
    let stages = audit_2
        .stages
        .iter()
        .map(|(stage, value)| match stage.strip_suffix("-rss-mb") {
            Some(stage) => format!("(resident after {stage}: {value} MB)"),
            None => format!("{stage} {value:.3} s"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Row {
        name: workspace_name(manifest),
        files: list.len(),
        lines,
        syn: [syn_1, syn_2],
        audit: [audit_1, audit_2],
        stages: format!("audit -j2 by stage: {stages}"),
    })
}

fn keep_fastest(best: &mut Option<Sample>, sample: Sample) {
    if best
        .as_ref()
        .is_none_or(|best| sample.seconds < best.seconds)
    {
        *best = Some(sample);
    }
}

/// The directory name above the manifest (`nushell`, `prelude-400x32`).
fn workspace_name(manifest: &Path) -> String {
    manifest
        .parent()
        .and_then(|dir| dir.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| manifest.display().to_string())
}

/// The files the audit reads: its own `files` stage, run once here.
fn file_list(manifest: &Path) -> Result<Vec<PathBuf>> {
    let workspace = stubaudit_engine::load::load(Some(manifest), &Default::default())?;
    let tree = stubaudit_engine::files::collect(&workspace, None);
    let mut files: Vec<PathBuf> = tree
        .files
        .iter()
        .map(|file| file.index.path.clone())
        .collect();
    files.sort();
    files.dedup();
    Ok(files)
}

fn run_child(exe: &Path, mode: &str, jobs: usize, input: &Path) -> Result<Sample> {
    let output = Command::new(exe)
        .args(["bench-one", mode, &jobs.to_string()])
        .arg(input)
        .output()
        .context("could not run a bench child")?;
    if !output.status.success() {
        bail!(
            "bench child failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut parts = text.split_whitespace();
    let seconds: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .context("bad bench child output")?;
    let peak_kib: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let stages = parts
        .filter_map(|part| {
            let (stage, seconds) = part.split_once('=')?;
            Some((stage.to_string(), seconds.parse().ok()?))
        })
        .collect();
    Ok(Sample {
        seconds,
        peak_kib,
        stages,
    })
}

/// `xtask bench-one floor JOBS FILE_LIST` or `xtask bench-one audit JOBS
/// MANIFEST`: one measurement, printed as `SECONDS PEAK_KIB [stage=SECONDS]…`.
pub fn bench_one(args: &[String]) -> Result<()> {
    let [mode, jobs, input] = args else {
        bail!("usage: xtask bench-one floor|audit JOBS FILE_LIST|MANIFEST");
    };
    let jobs: usize = jobs.parse().context("JOBS must be a number")?;
    let input = PathBuf::from(input);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let mut stages = String::new();
    let seconds = match mode.as_str() {
        "floor" => {
            let files: Vec<PathBuf> = std::fs::read_to_string(&input)
                .with_context(|| format!("could not read {}", input.display()))?
                .lines()
                .map(PathBuf::from)
                .collect();
            let start = Instant::now();
            pool.install(|| {
                use rayon::prelude::*;
                files.par_iter().with_max_len(1).for_each(|path| {
                    if let Ok(text) = std::fs::read_to_string(path) {
                        if let Ok(file) = syn::parse_file(&text) {
                            let mut visitor = CountIdents(0);
                            syn::visit::Visit::visit_file(&mut visitor, &file);
                            std::hint::black_box(visitor.0);
                        }
                    }
                });
            });
            start.elapsed().as_secs_f64()
        }
        "audit" => {
            let start = Instant::now();
            let workspace = stubaudit_engine::load::load(Some(&input), &Default::default())?;
            let options = stubaudit_engine::AuditOptions {
                jobs: Some(jobs),
                ..Default::default()
            };
            let load_seconds = start.elapsed().as_secs_f64();
            let mut stamp = Instant::now();
            let report = stubaudit_engine::audit_with_stages(&workspace, &options, &mut |stage| {
                let _ = write!(stages, " {stage}={}", stamp.elapsed().as_secs_f64());
                // Resident memory as each stage ends, to tell where the peak is.
                let _ = write!(stages, " {stage}-rss-mb={}", status_kib("VmRSS:") / 1024);
                stamp = Instant::now();
            })?;
            std::hint::black_box(report.stubs.len());
            // `cargo metadata` is the audit's too, but it is a child
            // process whose time is cargo's: listed, not counted.
            let _ = write!(stages, " metadata={load_seconds}");
            start.elapsed().as_secs_f64() - load_seconds
        }
        other => bail!("unknown mode `{other}`"),
    };
    println!("{seconds} {}{stages}", peak_kib());
    Ok(())
}

/// The floor's visit: touches every identifier, as any syn-based pass must.
struct CountIdents(usize);

impl<'ast> syn::visit::Visit<'ast> for CountIdents {
    fn visit_ident(&mut self, _ident: &'ast syn::Ident) {
        self.0 += 1;
    }
}

/// Peak resident memory of this process, from `/proc/self/status`.
fn peak_kib() -> u64 {
    status_kib("VmHWM:")
}

/// A `/proc/self/status` figure in KiB (`VmHWM:`, `VmRSS:`); 0 if unknown.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|value| value.parse().ok())
        })
        .unwrap_or(0)
}
