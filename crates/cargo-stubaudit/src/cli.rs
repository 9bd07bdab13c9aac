//! The command line, parsed by clap the way cargo subcommands do:
//! `enum Cargo { Stubaudit(Args) }` with `bin_name = "cargo"`, and
//! clap-cargo's flattened `--manifest-path`, `-p`, `--workspace`,
//! `--exclude` so the flags mean what they mean to cargo. Finding codes are
//! parsed by clap from the engine's `Code` enum ([`CodeParser`]), so a typo
//! is an argument error that lists the valid codes; which package a run
//! without `-p` audits follows cargo ([`nearest_manifest`]).

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Parser, ValueEnum};
use std::path::{Path, PathBuf};
use stubaudit_engine::{AuditCode, Code};

/// `cargo` with its `stubaudit` subcommand.
#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap_cargo::style::CLAP_STYLING)]
pub enum Cargo {
    /// Find test doubles that stub too high above the I/O boundary.
    Stubaudit(Args),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-style diagnostics.
    Human,
    /// The `stubaudit-report/1` JSON schema.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// A summary for a pull-request comment or `GITHUB_STEP_SUMMARY`.
    Markdown,
    /// GitHub Actions workflow-command annotations.
    Github,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour on a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `cargo stubaudit` arguments.
#[derive(Debug, clap::Args)]
#[command(
    version,
    about = "Find test doubles that stub too high above the I/O boundary, and the production lines they hide",
    long_about = "Finds every test double in the workspace (mockall, hand-written fakes, faux, HTTP server doubles, \
stubaudit doubles), measures how many layers above the I/O boundary each stub sits, and reports the production \
lines it keeps out of the tests. Never builds or runs the workspace.",
    after_help = "Exit codes: 0 the policy holds, 1 findings fail the policy, 2 the audit could not run."
)]
pub struct Args {
    #[command(flatten)]
    #[allow(missing_docs)] // clap-cargo documents its flags
    pub manifest: clap_cargo::Manifest,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub workspace: clap_cargo::Workspace,

    /// Threads for parsing [default: all cores]
    #[arg(short = 'j', long, value_name = "N", value_parser = crate::jobs::parse, allow_negative_numbers = true)]
    pub jobs: Option<usize>,

    /// Output format
    #[arg(long, value_enum, default_value_t = MessageFormat::Human, help_heading = "Output")]
    pub message_format: MessageFormat,

    /// Write the report to FILE instead of stdout
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Coloring
    #[arg(long, value_enum, value_name = "WHEN", env = "CARGO_TERM_COLOR", hide_env_values = true, default_value_t = Color::Auto, help_heading = "Output")]
    pub color: Color,

    /// List boundary stubs and notes too
    #[arg(short, long, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,

    /// Print only findings that fail the policy, and no summary
    #[arg(short, long, conflicts_with = "verbose", help_heading = "Output")]
    pub quiet: bool,

    /// Fail on CODE (e.g. `high-stub`)
    #[arg(long, value_name = "CODE", value_parser = CodeParser, help_heading = "Policy")]
    pub deny: Vec<CodeName>,

    /// Report CODE without failing
    #[arg(long, value_name = "CODE", value_parser = CodeParser, help_heading = "Policy")]
    pub warn: Vec<CodeName>,

    /// Silence CODE
    #[arg(long, value_name = "CODE", value_parser = CodeParser, help_heading = "Policy")]
    pub allow: Vec<CodeName>,

    /// Fail on stubs more than N layers above the boundary
    #[arg(long, value_name = "N", help_heading = "Policy")]
    pub max_height: Option<u32>,

    /// Fail on stubs hiding more than N lines that no test runs (needs --coverage)
    #[arg(long, value_name = "N", help_heading = "Policy")]
    pub max_uncovered_hidden: Option<u32>,

    /// Join line coverage: LCOV (cargo llvm-cov --lcov, cargo tarpaulin --out Lcov) or llvm-cov JSON
    #[arg(long, value_name = "FILE", help_heading = "Coverage and baseline")]
    pub coverage: Option<PathBuf>,

    /// Fail only on findings that are new or worse than in FILE
    #[arg(long, value_name = "FILE", help_heading = "Coverage and baseline")]
    pub baseline: Option<PathBuf>,

    /// Write this run's findings to FILE, as a baseline for later runs, instead of the report
    #[arg(long, value_name = "FILE", help_heading = "Coverage and baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Report only the findings that the change since git revision REV adds or makes worse
    #[arg(long, value_name = "REV", conflicts_with_all = ["baseline", "write_baseline"], help_heading = "Coverage and baseline")]
    pub diff_base: Option<String>,

    /// Print what CODE means, why it matters, and an example
    #[arg(long, value_name = "CODE", value_parser = CodeParser)]
    pub explain: Option<CodeName>,
}

impl Args {
    /// Rules between flags that clap's attributes cannot say: `--exclude`
    /// only narrows `--workspace` (or its hidden old name `--all`), as in
    /// cargo.
    pub fn validate(&self) -> Result<(), clap::Error> {
        if !self.workspace.exclude.is_empty() && !self.workspace.workspace && !self.workspace.all {
            let mut cargo = <Cargo as clap::CommandFactory>::command();
            cargo.build();
            let command = match cargo.find_subcommand_mut("stubaudit") {
                Some(command) => command,
                None => &mut cargo,
            };
            return Err(command.error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--exclude can only be used together with --workspace",
            ));
        }
        Ok(())
    }
}

/// A code a policy flag or `--explain` names: a finding's, or the audit's
/// own (`incomplete-audit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeName {
    /// A finding code.
    Finding(Code),
    /// A code about the audit itself.
    Audit(AuditCode),
}

impl CodeName {
    /// Every name, findings first.
    fn all() -> impl Iterator<Item = &'static str> {
        Code::ALL
            .into_iter()
            .map(Code::as_str)
            .chain(AuditCode::ALL.into_iter().map(AuditCode::as_str))
    }

    fn parse(name: &str) -> Option<CodeName> {
        Code::parse(name)
            .map(CodeName::Finding)
            .or_else(|| AuditCode::parse(name).map(CodeName::Audit))
    }

    /// The code's `--explain` text.
    pub fn explanation(self) -> &'static str {
        match self {
            CodeName::Finding(code) => code.explanation(),
            CodeName::Audit(code) => code.explanation(),
        }
    }
}

/// Parses a code, listing the valid ones when it is not one (cargo-deny's
/// `CodeOrLevelParser` does the same for its codes).
#[derive(Debug, Clone, Copy)]
pub struct CodeParser;

impl TypedValueParser for CodeParser {
    type Value = CodeName;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<CodeName, clap::Error> {
        let name = value.to_string_lossy();
        if let Some(code) = CodeName::parse(&name) {
            return Ok(code);
        }
        let mut error = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
        let arg = arg.map_or_else(|| "CODE".to_string(), ToString::to_string);
        error.insert(
            clap::error::ContextKind::InvalidArg,
            clap::error::ContextValue::String(arg),
        );
        error.insert(
            clap::error::ContextKind::InvalidValue,
            clap::error::ContextValue::String(name.into_owned()),
        );
        error.insert(
            clap::error::ContextKind::ValidValue,
            clap::error::ContextValue::Strings(CodeName::all().map(String::from).collect()),
        );
        Err(error)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(CodeName::all().map(PossibleValue::new)))
    }
}

/// The manifest a run without `--manifest-path` reads: the nearest
/// `Cargo.toml` in `dir` or its ancestors, as cargo finds it
/// (`find_root_manifest_for_wd`).
pub fn nearest_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|dir| dir.join("Cargo.toml"))
        .find(|manifest| manifest.is_file())
}

/// Arguments as cargo passes them (`cargo-stubaudit stubaudit …`), or as a
/// person types them running the binary directly (`cargo-stubaudit …`).
pub fn normalize(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if args.get(1).is_none_or(|arg| arg != "stubaudit") {
        args.insert(1.min(args.len()), "stubaudit".into());
    }
    if args.is_empty() {
        args.insert(0, "cargo".into());
    }
    args
}
