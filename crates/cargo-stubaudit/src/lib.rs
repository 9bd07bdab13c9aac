//! `cargo stubaudit`: the command line around `stubaudit-engine`. It parses
//! flags and the `stubaudit` metadata tables, runs the audit, applies the
//! per-package and inline policy, compares with a baseline, renders the
//! report in one of five formats and turns the policy into an exit code. [`run`] is the whole
//! program, callable in-process by tests.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod exit_code;
pub mod jobs;
pub mod output;
pub mod panic_hook;
pub mod policy;
pub mod render;

pub use exit_code::ExitCode;

use anyhow::{anyhow, Result};
use clap::Parser;
use cli::{Args, Cargo, Color, MessageFormat};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use stubaudit_engine::{AuditCode, AuditOptions, Code, Level, Report, Selection};

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
    let args = cli::normalize(args);
    let Cargo::Stubaudit(args) = match Cargo::try_parse_from(args) {
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
    match audit(&args, stdout, stderr) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(stderr, "error: {error:#}");
            ExitCode::Failed
        }
    }
}

fn audit(args: &Args, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<ExitCode> {
    if let Some(name) = &args.explain {
        let explanation = match (Code::parse(name), AuditCode::parse(name)) {
            (Some(code), _) => code.explanation(),
            (None, Some(code)) => code.explanation(),
            (None, None) => return Err(anyhow!("unknown finding code `{name}`")),
        };
        write!(stdout, "{explanation}")?;
        return Ok(ExitCode::Clean);
    }
    let selection = Selection {
        packages: args.workspace.package.clone(),
        exclude: args.workspace.exclude.clone(),
    };
    let workspace =
        stubaudit_engine::load::load(args.manifest.manifest_path.as_deref(), &selection)?;
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
    let mut flags = policy::Flags {
        max_height: args.max_height,
        max_uncovered_hidden: args.max_uncovered_hidden,
        ..policy::Flags::default()
    };
    // One level for the whole run: the most severe any table sets.
    let mut incomplete_level = std::iter::once(&config)
        .chain(packages.iter().map(|package| &package.config))
        .filter_map(|config| config.audit_level(AuditCode::IncompleteAudit))
        .max();
    for (names, level) in [
        (&args.allow, Level::Allow),
        (&args.warn, Level::Warn),
        (&args.deny, Level::Deny),
    ] {
        for name in names {
            if AuditCode::parse(name) == Some(AuditCode::IncompleteAudit) {
                incomplete_level = Some(level);
                continue;
            }
            let code = Code::parse(name).ok_or_else(|| anyhow!("unknown finding code `{name}`"))?;
            flags.levels.push((code, level));
        }
    }
    if args.max_uncovered_hidden.is_some() && args.coverage.is_none() {
        writeln!(
            stderr,
            "warning: `--max-uncovered-hidden` needs `--coverage`: without it no stub is judged by it"
        )?;
    }
    let options = AuditOptions {
        jobs: args.jobs,
        catalog: config.catalog(),
        policy: policy::policy(&config, &flags),
        coverage: args.coverage.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut report = stubaudit_engine::audit(&workspace, &options)?;
    policy::apply(&mut report, &config, &packages, &flags);
    if let (Some(incomplete), Some(level)) =
        (&mut report.summary.incomplete_audit, incomplete_level)
    {
        incomplete.level = level;
    }
    let comparison = match &args.baseline {
        Some(path) => Some(baseline::compare(&mut report, &baseline::read(path)?, path)),
        None => None,
    };
    if let Some(path) = &args.write_baseline {
        baseline::write(path, &report)?;
    }
    let text = match args.message_format {
        MessageFormat::Json => render::json::render(&report),
        MessageFormat::Sarif => render::sarif::render(&report),
        MessageFormat::Markdown => render::markdown::render(&report),
        MessageFormat::Github => render::github::render(
            &report,
            &render::github::Options {
                path_prefix: github_path_prefix(&report.workspace_root),
                verbose: args.verbose > 0,
            },
        ),
        MessageFormat::Human => render::human::render(
            &report,
            &render::human::Options {
                color: match args.color {
                    Color::Always => true,
                    Color::Never => false,
                    Color::Auto => args.output.is_none() && std::io::stdout().is_terminal(),
                },
                verbose: args.verbose > 0,
                quiet: args.quiet,
                baseline_diff: comparison.as_ref().map(|c| c.diff.clone()),
            },
        ),
    };
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => stdout.write_all(text.as_bytes())?,
    }
    Ok(exit_code(&report))
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
