//! `cargo xtask coverage`: real line coverage of this repository's tests
//! and of the fixtures workspace's tests, by the raw LLVM route of
//! `../shared/COVERAGE.md` (no cargo plugin): an instrumented build
//! (`-C instrument-coverage`), a test run writing `.profraw` files,
//! `llvm-profdata merge`, `llvm-cov export -format=lcov`. Then the audit
//! runs in-process (`cargo_stubaudit::run`) with that coverage, on this
//! workspace and on the fixtures workspace, and writes Markdown and SARIF
//! reports under `target/stubaudit/`.
//!
//! The tools are `LLVM_PROFDATA` / `LLVM_COV`, else `llvm-profdata-22` /
//! `llvm-cov-22` on `PATH`, else the unversioned names; their LLVM major
//! version must be rustc's. Std, anyhow, and serde_json for cargo's
//! `--message-format=json` listing of the test binaries.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Where everything goes, under `target/`.
const REPORTS: &str = "stubaudit";
/// The instrumented build of this workspace.
const WORKSPACE_TARGET: &str = "coverage";
/// The instrumented build of the fixtures workspace (shared with the
/// real-coverage test in `tests/tests/coverage.rs`).
const FIXTURES_TARGET: &str = "fixtures-coverage";

/// The two LLVM tools.
struct Tools {
    profdata: PathBuf,
    cov: PathBuf,
}

/// Progress on stderr: the step, its number, the time so far.
struct Progress {
    start: Instant,
    step: usize,
}

impl Progress {
    const STEPS: usize = 7;

    fn step(&mut self, what: &str) {
        self.step += 1;
        eprintln!(
            "\n[{}/{}] {what} ({:.0?} so far)",
            self.step,
            Self::STEPS,
            self.start.elapsed()
        );
    }
}

/// Runs the whole task.
pub fn coverage(root: &Path) -> Result<()> {
    let mut progress = Progress {
        start: Instant::now(),
        step: 0,
    };
    let tools = find_tools()?;
    eprintln!(
        "coverage with {} and {}",
        tools.profdata.display(),
        tools.cov.display()
    );
    let target = root.join("target");
    let reports = target.join(REPORTS);
    std::fs::create_dir_all(&reports)
        .with_context(|| format!("could not create `{}`", reports.display()))?;

    // This workspace. `--config build.rustflags` rather than `RUSTFLAGS`:
    // the flag must not leak into the cargo runs some tests start.
    let workspace_target = target.join(WORKSPACE_TARGET);
    let flags = [
        "--config",
        "build.rustflags=[\"-C\", \"instrument-coverage\"]",
    ];
    let manifest = root.join("Cargo.toml");
    progress.step("building this workspace's tests with `-C instrument-coverage`");
    let objects = build_tests(&manifest, &workspace_target, &flags, None)?;
    progress.step(&format!(
        "running this workspace's tests ({} test binaries)",
        objects.len()
    ));
    let profiles = fresh_dir(&workspace_target.join("profraw"))?;
    let tests_passed = run_tests(&manifest, &workspace_target, &flags, None, &profiles)?;

    // The fixtures workspace.
    let fixtures_target = target.join(FIXTURES_TARGET);
    let fixtures_manifest = root.join("tests").join("fixtures").join("Cargo.toml");
    progress.step("building the fixtures' tests with `-C instrument-coverage`");
    let rustflags = Some("-C instrument-coverage");
    let fixture_objects = build_tests(&fixtures_manifest, &fixtures_target, &[], rustflags)?;
    progress.step(&format!(
        "running the fixtures' tests ({} test binaries)",
        fixture_objects.len()
    ));
    let fixture_profiles = fresh_dir(&fixtures_target.join("profraw"))?;
    let fixtures_passed = run_tests(
        &fixtures_manifest,
        &fixtures_target,
        &[],
        rustflags,
        &fixture_profiles,
    )?;

    progress.step("merging profiles and exporting LCOV");
    let lcov = reports.join("lcov.info");
    export(&tools, &profiles, &objects, &workspace_target, &lcov)?;
    let fixtures_lcov = reports.join("fixtures-lcov.info");
    export(
        &tools,
        &fixture_profiles,
        &fixture_objects,
        &fixtures_target,
        &fixtures_lcov,
    )?;

    progress.step("auditing this workspace with its coverage");
    audit(&manifest, &lcov, &reports, "stubaudit")?;
    progress.step("auditing the fixtures workspace with its coverage");
    audit(&fixtures_manifest, &fixtures_lcov, &reports, "fixtures")?;

    eprintln!(
        "\ncoverage done in {:.0?}: {}",
        progress.start.elapsed(),
        [
            "lcov.info",
            "fixtures-lcov.info",
            "stubaudit.md",
            "stubaudit.sarif",
            "fixtures.md",
            "fixtures.sarif",
        ]
        .iter()
        .map(|name| reports.join(name).display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
    );
    if !tests_passed || !fixtures_passed {
        bail!("tests failed under coverage (see above); the reports were written anyway");
    }
    Ok(())
}

fn find_tools() -> Result<Tools> {
    let find = |variable: &str, names: &[&str]| -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(variable) {
            return Some(PathBuf::from(path));
        }
        let path = std::env::var_os("PATH")?;
        names.iter().find_map(|name| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_file())
        })
    };
    let hint = "install them (`apt-get install llvm-22`) or set LLVM_PROFDATA and LLVM_COV";
    let profdata = find("LLVM_PROFDATA", &["llvm-profdata-22", "llvm-profdata"])
        .with_context(|| format!("`llvm-profdata` not found: {hint}"))?;
    let cov = find("LLVM_COV", &["llvm-cov-22", "llvm-cov"])
        .with_context(|| format!("`llvm-cov` not found: {hint}"))?;
    let rustc = llvm_major(&output(
        Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into())).arg("-vV"),
    )?);
    let tool = llvm_major(&output(Command::new(&cov).arg("--version"))?);
    if rustc.is_some() && tool != rustc {
        bail!(
            "`{}` is LLVM {}, but rustc uses LLVM {}: profiles would not read; {hint}",
            cov.display(),
            tool.map_or("?".to_string(), |major| major.to_string()),
            rustc.map_or("?".to_string(), |major| major.to_string()),
        );
    }
    Ok(Tools { profdata, cov })
}

/// The major version in `LLVM version: 22.1.2` (rustc) or `LLVM version
/// 22.1.2` (llvm-cov).
fn llvm_major(text: &str) -> Option<u32> {
    let rest = &text[text.find("LLVM version")? + "LLVM version".len()..];
    let digits: String = rest
        .trim_start_matches([':', ' '])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn output(command: &mut Command) -> Result<String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .with_context(|| format!("could not run {shown}"))?;
    if !output.status.success() {
        bail!(
            "{shown} failed with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn fresh_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("could not clear `{}`", dir.display()))?;
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("could not create `{}`", dir.display()))?;
    Ok(dir.to_path_buf())
}

/// A cargo command for an instrumented build of `manifest` into `target`.
/// Build scripts and proc macros are instrumented too; their profiles go
/// to a scratch directory, not into the sources or the merge.
fn cargo(manifest: &Path, target: &Path, flags: &[&str], rustflags: Option<&str>) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(flags)
        .arg("test")
        .arg("--manifest-path")
        .arg(manifest)
        .args(["--workspace", "--locked"])
        .env("CARGO_TARGET_DIR", target)
        .env(
            "LLVM_PROFILE_FILE",
            target.join("build-profraw").join("%p-%m.profraw"),
        )
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    match rustflags {
        Some(rustflags) => command.env("RUSTFLAGS", rustflags),
        None => command.env_remove("RUSTFLAGS"),
    };
    command
}

/// Builds the test binaries and returns them (cargo's progress shows on
/// stderr).
fn build_tests(
    manifest: &Path,
    target: &Path,
    flags: &[&str],
    rustflags: Option<&str>,
) -> Result<Vec<PathBuf>> {
    let mut command = cargo(manifest, target, flags, rustflags);
    command
        .args(["--no-run", "--message-format=json-render-diagnostics"])
        .stderr(Stdio::inherit());
    let listing = output(&mut command)?;
    let mut objects: Vec<PathBuf> = listing
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| {
            message["reason"] == "compiler-artifact" && message["profile"]["test"] == true
        })
        .filter_map(|message| message["executable"].as_str().map(PathBuf::from))
        .collect();
    objects.sort();
    objects.dedup();
    if objects.is_empty() {
        bail!(
            "`cargo test --no-run` built no test binary for `{}`",
            manifest.display()
        );
    }
    Ok(objects)
}

/// Runs the tests, profiles into `profiles`; whether they passed.
fn run_tests(
    manifest: &Path,
    target: &Path,
    flags: &[&str],
    rustflags: Option<&str>,
    profiles: &Path,
) -> Result<bool> {
    let mut command = cargo(manifest, target, flags, rustflags);
    command.env("LLVM_PROFILE_FILE", profiles.join("%p-%m.profraw"));
    let status = command
        .status()
        .with_context(|| format!("could not run the tests of `{}`", manifest.display()))?;
    Ok(status.success())
}

/// Merges `profiles` and exports LCOV for `objects` to `lcov`.
fn export(
    tools: &Tools,
    profiles: &Path,
    objects: &[PathBuf],
    target: &Path,
    lcov: &Path,
) -> Result<()> {
    let raw: Vec<PathBuf> = std::fs::read_dir(profiles)
        .with_context(|| format!("could not read `{}`", profiles.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "profraw"))
        .collect();
    if raw.is_empty() {
        bail!(
            "no profiles in `{}`: did the tests run?",
            profiles.display()
        );
    }
    let merged = target.join("merged.profdata");
    output(
        Command::new(&tools.profdata)
            .args(["merge", "-sparse"])
            .args(&raw)
            .arg("-o")
            .arg(&merged),
    )?;
    let mut command = Command::new(&tools.cov);
    command
        .args([
            "export",
            "-format=lcov",
            "--ignore-filename-regex=/\\.cargo/registry/|/rustc/|/target/",
        ])
        .arg(format!("-instr-profile={}", merged.display()));
    for object in objects {
        command.arg("--object").arg(object);
    }
    let text = output(&mut command)?;
    std::fs::write(lcov, text).with_context(|| format!("could not write `{}`", lcov.display()))?;
    eprintln!(
        "{} profiles of {} binaries → {}",
        raw.len(),
        objects.len(),
        lcov.display()
    );
    Ok(())
}

/// The audit of `manifest`'s whole workspace with `lcov`, as Markdown and
/// SARIF: `NAME.md`, `NAME.sarif`. Findings (exit 1) are the point of the
/// report, not a failure; an audit that cannot run (exit 2) is.
fn audit(manifest: &Path, lcov: &Path, reports: &Path, name: &str) -> Result<()> {
    for (format, extension) in [("markdown", "md"), ("sarif", "sarif")] {
        let output = reports.join(format!("{name}.{extension}"));
        let args: Vec<std::ffi::OsString> = vec![
            "cargo-stubaudit".into(),
            "stubaudit".into(),
            "--manifest-path".into(),
            manifest.into(),
            "--workspace".into(),
            "--coverage".into(),
            lcov.into(),
            "--message-format".into(),
            format.into(),
            "--output".into(),
            output.clone().into(),
        ];
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let code = cargo_stubaudit::run(args, &mut stdout, &mut stderr);
        eprint!("{}", String::from_utf8_lossy(&stderr));
        if code == cargo_stubaudit::ExitCode::Failed {
            bail!("the audit of `{}` could not run", manifest.display());
        }
        eprintln!("wrote {}", output.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llvm_major_reads_rustc_and_llvm_cov_versions() {
        assert_eq!(
            llvm_major("rustc 1.95.0\nhost: x\nLLVM version: 22.1.2\n"),
            Some(22)
        );
        assert_eq!(
            llvm_major("Debian LLVM version 22.1.3\n  Optimized build.\n"),
            Some(22)
        );
        assert_eq!(llvm_major("no version here"), None);
    }
}
