//! Project automation, `cargo xtask <task>`: plain Rust instead of shell
//! scripts, so it runs wherever cargo does (the rust-analyzer convention).
//!
//! * `ci`: the checks of `.ci/run` that need nothing installed: the test
//!   suite, rustfmt, clippy (`.ci/run` also installs llvm-22 and runs
//!   `coverage`).
//! * `demo`: the audit on the bundled jira-link example.
//! * `bench`: speed and memory against syn's own parse (see `bench.rs`).
//! * `coverage`: real coverage of the tests, then the audit with it
//!   (see `coverage.rs`).
//! * `fuzz [--minutes N]`: mutation fuzzing of the readers and the audit,
//!   on stable Rust (see `fuzz.rs`).

mod bench;
mod coverage;
mod fuzz;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().cloned().unwrap_or_default();
    let rest = args.get(1..).unwrap_or_default();
    let root = project_root();
    match task.as_str() {
        "ci" => ci(&root),
        "bench" => bench::bench(&root, rest),
        "bench-one" => bench::bench_one(rest),
        "demo" => demo(&root),
        "coverage" => coverage::coverage(&root),
        "fuzz" => fuzz::fuzz(&root, rest),
        "fuzz-worker" => fuzz::worker(&root, rest),
        "" | "help" | "--help" => {
            println!("usage: cargo xtask <ci|coverage|demo|bench|fuzz>");
            Ok(())
        }
        other => bail!("unknown task `{other}`; tasks: ci, coverage, demo, bench, fuzz"),
    }
}

/// The repository root (xtask's parent).
fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(root)
        .status()
        .with_context(|| format!("could not run `cargo {}`", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed with {status}", args.join(" "));
    }
    Ok(())
}

fn ci(root: &Path) -> Result<()> {
    cargo(root, &["test", "--workspace", "--locked"])?;
    cargo(root, &["fmt", "--all", "--check"])?;
    cargo(
        root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )
}

fn demo(root: &Path) -> Result<()> {
    let manifest = root.join("tests/fixtures/Cargo.toml");
    let manifest = manifest.to_string_lossy();
    // The demo exits 1 by design: jira-link has a phantom stub, denied by default.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "run",
            "--quiet",
            "-p",
            "cargo-stubaudit",
            "--",
            "--manifest-path",
            &manifest,
            "-p",
            "jira-link",
            "-v",
        ])
        .current_dir(root)
        .status()
        .context("could not run the audit")?;
    match status.code() {
        Some(0 | 1) => Ok(()),
        _ => bail!("the audit failed with {status}"),
    }
}
