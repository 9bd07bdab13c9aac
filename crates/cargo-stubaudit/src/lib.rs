//! `cargo stubaudit`: the command line around `stubaudit-engine`. It parses
//! flags and the `stubaudit` metadata tables, runs the audit, applies the
//! per-package and inline policy, compares with a baseline (a file, or the
//! same workspace at a git revision: `--diff-base`), renders the report in
//! one of five formats and turns the policy into an exit code. [`run`] is
//! the whole program, callable in-process by tests ([`run_in`] with the
//! working directory as an argument).

pub mod baseline;
pub mod cli;
pub mod config;
pub mod diff_base;
pub mod exit_code;
pub mod jobs;
pub mod output;
pub mod panic_hook;
pub mod policy;
pub mod render;

pub use exit_code::ExitCode;

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use cli::{Args, Cargo, Color, MessageFormat};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use stubaudit_engine::load::Workspace;
use stubaudit_engine::{AuditOptions, Level, Report, Selection};

/// The program: [`run`] on the process's arguments and standard streams,
/// with the [`panic_hook`] installed (`main.rs`, and the test suite's
/// copy of the binary).
pub fn main() -> ExitCode {
    panic_hook::install();
    let args: Vec<OsString> = std::env::args_os().collect();
    run(args, &mut std::io::stdout(), &mut std::io::stderr())
}

/// Runs `cargo stubaudit` with `args` (program name first), writing the
/// report to `stdout` (or `--output`) and messages to `stderr`.
pub fn run(args: Vec<OsString>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitCode {
    match std::env::current_dir() {
        Ok(dir) => run_in(&dir, args, stdout, stderr),
        Err(error) => {
            let _ = writeln!(stderr, "error: cannot read the current directory: {error}");
            ExitCode::Failed
        }
    }
}

/// [`run`] as if started in `dir`: without `--manifest-path` the workspace
/// is the one around `dir`, and without `-p` or `--workspace` the audit
/// takes the package there, as `cargo test` does.
pub fn run_in(
    dir: &Path,
    args: Vec<OsString>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitCode {
    let args = cli::normalize(args);
    let parsed = Cargo::try_parse_from(args).and_then(|Cargo::Stubaudit(args)| {
        args.validate()?;
        Ok(Cargo::Stubaudit(args))
    });
    let Cargo::Stubaudit(args) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let text = error.render().to_string();
            return if error.use_stderr() {
                let _ = write!(stderr, "{text}");
                ExitCode::Failed
            } else {
                let _ = write!(stdout, "{text}");
                ExitCode::Clean
            };
        }
    };
    match audit(&args, dir, stdout, stderr) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(stderr, "error: {error:#}");
            ExitCode::Failed
        }
    }
}

fn audit(
    args: &Args,
    dir: &Path,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<ExitCode> {
    if let Some(code) = args.explain {
        write!(stdout, "{}", code.explanation())?;
        return Ok(ExitCode::Clean);
    }
    let flags = flags(args);
    if args.max_uncovered_hidden.is_some() && args.coverage.is_none() {
        writeln!(
            stderr,
            "warning: `--max-uncovered-hidden` needs `--coverage`: without it no stub is judged by it"
        )?;
    }
    let workspace = load_selected(args, dir)?;
    let mut report = audit_workspace(&workspace, &flags, args.coverage.clone(), args.jobs)?;
    let comparison = match (&args.baseline, &args.diff_base) {
        (Some(path), _) => Some(baseline::compare(
            &mut report,
            &baseline::read(path)?,
            &path.display().to_string(),
        )),
        (None, Some(rev)) => {
            let base = audit_base(&workspace, rev, &flags, args.jobs, stderr)?;
            Some(diff_base::compare(&mut report, &base, rev))
        }
        (None, None) => None,
    };
    if let Some(path) = &args.write_baseline {
        let entries = baseline::write(path, &report)?;
        writeln!(
            stderr,
            "wrote baseline `{}` ({entries} finding{})",
            path.display(),
            if entries == 1 { "" } else { "s" }
        )?;
        if let Some(output) = &args.output {
            write_atomically(
                output,
                render(args, &report, comparison.as_ref()).as_bytes(),
            )?;
        }
        return Ok(ExitCode::Clean);
    }
    let text = render(args, &report, comparison.as_ref());
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => stdout.write_all(text.as_bytes())?,
    }
    Ok(exit_code(&report))
}

/// The policy flags: `--allow`, `--warn`, `--deny` in that order (the last
/// one wins), `--max-height`, `--max-uncovered-hidden`.
fn flags(args: &Args) -> policy::Flags {
    let mut flags = policy::Flags {
        max_height: args.max_height,
        max_uncovered_hidden: args.max_uncovered_hidden,
        ..policy::Flags::default()
    };
    for (codes, level) in [
        (&args.allow, Level::Allow),
        (&args.warn, Level::Warn),
        (&args.deny, Level::Deny),
    ] {
        for &code in codes {
            match code {
                cli::CodeName::Finding(code) => flags.levels.push((code, level)),
                cli::CodeName::Audit(_) => flags.incomplete_audit = Some(level),
            }
        }
    }
    flags
}

/// The workspace to audit, with its members selected as cargo selects
/// them: `-p`, `--workspace`/`--exclude`; otherwise the package of
/// `--manifest-path` or of the manifest nearest above `dir` (the whole
/// workspace when that is a virtual manifest). `workspace.default-members`
/// is not read: the engine's `load` does not carry it.
fn load_selected(args: &Args, dir: &Path) -> Result<Workspace> {
    let selection = Selection {
        packages: args.workspace.package.clone(),
        exclude: args.workspace.exclude.clone(),
    };
    let manifest = match &args.manifest.manifest_path {
        // Relative to the directory the audit runs in, which `run_in` is
        // given (the process's own may differ when embedded or tested).
        Some(manifest) => dir.join(manifest),
        None => cli::nearest_manifest(dir).ok_or_else(|| {
            anyhow!(
                "could not find `Cargo.toml` in `{}` or any parent directory",
                dir.display()
            )
        })?,
    };
    let mut workspace = stubaudit_engine::load::load(Some(&manifest), &selection)?;
    let everything = args.workspace.workspace || args.workspace.all;
    if selection.packages.is_empty() && !everything {
        select_package_at(&mut workspace, &manifest);
    }
    Ok(workspace)
}

/// Selects only the member whose manifest is `manifest`; selects all when
/// none is (a virtual manifest at the workspace root).
fn select_package_at(workspace: &mut Workspace, manifest: &Path) {
    let canonical =
        |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let Some(dir) = manifest.parent().map(canonical) else {
        return;
    };
    let found = workspace
        .packages
        .iter()
        .any(|package| canonical(&package.dir) == dir);
    if found {
        for package in &mut workspace.packages {
            package.selected = canonical(&package.dir) == dir;
        }
    }
}

/// Audits a loaded workspace under its own configuration and `flags`.
fn audit_workspace(
    workspace: &Workspace,
    flags: &policy::Flags,
    coverage: Option<PathBuf>,
    jobs: Option<usize>,
) -> Result<Report> {
    let mut config = config::Config::from_json(&workspace.config)?;
    let mut packages = Vec::new();
    for package in &workspace.packages {
        let table = format!("`[package.metadata.stubaudit]` of `{}`", package.name);
        let package_config = config::Config::from_table(&package.config, &table)?;
        if !package.config.is_null() {
            packages.push(policy::PackageConfig {
                dir: package.dir.clone(),
                config: package_config,
            });
        }
    }
    for package in &packages {
        config.add_catalog(&package.config);
    }
    // `incomplete-audit`: the most severe level any table sets, unless a
    // flag sets it.
    let incomplete_level = flags.incomplete_audit.or_else(|| {
        std::iter::once(&config)
            .chain(packages.iter().map(|package| &package.config))
            .filter_map(|config| config.audit_level(stubaudit_engine::AuditCode::IncompleteAudit))
            .max()
    });
    let options = AuditOptions {
        jobs,
        catalog: config.catalog(),
        policy: policy::policy(&config, flags),
        coverage,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut report = stubaudit_engine::audit(workspace, &options)?;
    policy::apply(&mut report, &config, &packages, flags);
    if let (Some(incomplete), Some(level)) =
        (&mut report.summary.incomplete_audit, incomplete_level)
    {
        incomplete.level = level;
    }
    Ok(report)
}

/// The baseline of the same members at git revision `rev`, audited in a
/// temporary copy of that revision's tree (see [`diff_base`]).
fn audit_base(
    workspace: &Workspace,
    rev: &str,
    flags: &policy::Flags,
    jobs: Option<usize>,
    stderr: &mut dyn Write,
) -> Result<baseline::Baseline> {
    let tree = diff_base::BaseTree::read(&workspace.root, rev)?;
    let Some(manifest) = tree.manifest() else {
        writeln!(
            stderr,
            "note: `{rev}` has no `{}`: every finding is new",
            tree.workspace_dir().join("Cargo.toml").display()
        )?;
        return Ok(baseline::Baseline::empty());
    };
    let selected: Vec<&str> = workspace
        .packages
        .iter()
        .filter(|package| package.selected)
        .map(|package| package.name.as_str())
        .collect();
    let mut base = stubaudit_engine::load::load(Some(&manifest), &Selection::default())
        .with_context(|| format!("could not read the workspace at `{rev}`"))?;
    for package in &mut base.packages {
        package.selected = selected.contains(&package.name.as_str());
    }
    let report = audit_workspace(&base, flags, None, jobs)
        .with_context(|| format!("could not audit the workspace at `{rev}`"))?;
    Ok(baseline::from_report(&report))
}

/// The report in `--message-format`.
fn render(args: &Args, report: &Report, comparison: Option<&baseline::Comparison>) -> String {
    match args.message_format {
        MessageFormat::Json => render::json::render(report),
        MessageFormat::Sarif => render::sarif::render(report),
        MessageFormat::Markdown => render::markdown::render(report, args.diff_base.as_deref()),
        MessageFormat::Github => render::github::render(
            report,
            &render::github::Options {
                path_prefix: github_path_prefix(&report.workspace_root),
                verbose: args.verbose > 0,
            },
        ),
        MessageFormat::Human => render::human::render(
            report,
            &render::human::Options {
                color: match args.color {
                    Color::Always => true,
                    Color::Never => false,
                    Color::Auto => args.output.is_none() && std::io::stdout().is_terminal(),
                },
                verbose: args.verbose > 0,
                quiet: args.quiet,
                baseline_diff: comparison.map(|c| c.diff.clone()),
                diff_base: args.diff_base.clone(),
            },
        ),
    }
}

/// 1 when a denied finding fails the run: any, or with a baseline only
/// those that are new or worse.
fn exit_code(report: &Report) -> ExitCode {
    let failing = report.stubs.iter().filter(|stub| stub.level == Level::Deny);
    let fails = match &report.baseline {
        Some(baseline) => failing
            .filter(|stub| baseline.new.contains(&stub.id) || baseline.worse.contains(&stub.id))
            .count(),
        None => failing.count(),
    };
    let incomplete_denied = report
        .summary
        .incomplete_audit
        .as_ref()
        .is_some_and(|incomplete| incomplete.level == Level::Deny);
    if fails > 0 || incomplete_denied {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}

/// The workspace root relative to `GITHUB_WORKSPACE`, with a trailing `/`,
/// so annotation paths are relative to the repository; empty otherwise.
fn github_path_prefix(root: &std::path::Path) -> String {
    let Some(repository) = std::env::var_os("GITHUB_WORKSPACE") else {
        return String::new();
    };
    match root.strip_prefix(&repository) {
        Ok(relative) if !relative.as_os_str().is_empty() => {
            format!("{}/", relative.to_string_lossy().replace('\\', "/"))
        }
        _ => String::new(),
    }
}

/// Writes `bytes` to `path` without clobbering what it names (see
/// [`output`]): atomically for a regular file, through a symlink, in place
/// for a device.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    output::write(path, bytes)
}
