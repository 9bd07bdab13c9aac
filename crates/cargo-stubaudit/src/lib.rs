//! `cargo stubaudit`: the command line around `stubaudit-engine`. It parses
//! flags and `[workspace.metadata.stubaudit]`, runs the audit, renders the
//! report and turns the policy into an exit code. [`run`] is the whole
//! program, callable in-process by tests.

pub mod cli;
pub mod config;
pub mod exit_code;
pub mod render;

pub use exit_code::ExitCode;

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use cli::{Args, Cargo, Color, MessageFormat};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use stubaudit_engine::{AuditOptions, Code, Level, Selection};

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
    match audit(&args, stdout) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(stderr, "error: {error:#}");
            ExitCode::Failed
        }
    }
}

fn audit(args: &Args, stdout: &mut dyn Write) -> Result<ExitCode> {
    if let Some(name) = &args.explain {
        let code = Code::parse(name).ok_or_else(|| anyhow!("unknown finding code `{name}`"))?;
        write!(stdout, "{}", code.explanation())?;
        return Ok(ExitCode::Clean);
    }
    let selection = Selection {
        packages: args.workspace.package.clone(),
        exclude: args.workspace.exclude.clone(),
    };
    let workspace =
        stubaudit_engine::load::load(args.manifest.manifest_path.as_deref(), &selection)?;
    let config = config::Config::from_json(&workspace.config)?;
    let mut policy = config.policy();
    for (names, level) in [
        (&args.allow, Level::Allow),
        (&args.warn, Level::Warn),
        (&args.deny, Level::Deny),
    ] {
        for name in names {
            let code = Code::parse(name).ok_or_else(|| anyhow!("unknown finding code `{name}`"))?;
            policy.levels.insert(code, level);
        }
    }
    if args.max_height.is_some() {
        policy.max_height = args.max_height;
    }
    let options = AuditOptions {
        jobs: args.jobs,
        catalog: config.catalog(),
        policy,
        coverage: args.coverage.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let report = stubaudit_engine::audit(&workspace, &options)?;
    let text = match args.message_format {
        MessageFormat::Json => render::json::render(&report),
        MessageFormat::Human => render::human::render(
            &report,
            render::human::Options {
                color: match args.color {
                    Color::Always => true,
                    Color::Never => false,
                    Color::Auto => args.output.is_none() && std::io::stdout().is_terminal(),
                },
                verbose: args.verbose > 0,
                quiet: args.quiet,
            },
        ),
        _ => String::new(),
    };
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => stdout.write_all(text.as_bytes())?,
    }
    Ok(if report.worst_level() == Some(Level::Deny) {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    })
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("`{}` is not a file path", path.display()))?;
    let temporary = dir.join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&temporary, bytes)
        .with_context(|| format!("could not write `{}`", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("could not write `{}`", path.display()))?;
    Ok(())
}
