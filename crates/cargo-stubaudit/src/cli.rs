//! The command line, parsed by clap the way cargo subcommands do:
//! `enum Cargo { Stubaudit(Args) }` with `bin_name = "cargo"`, and
//! clap-cargo's flattened `--manifest-path`, `-p`, `--workspace`,
//! `--exclude` so the flags mean what they mean to cargo.

use clap::{Parser, ValueEnum};
use std::path::PathBuf;

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
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// Fail on CODE (e.g. `high-stub`)
    #[arg(long, value_name = "CODE", help_heading = "Policy")]
    pub deny: Vec<String>,

    /// Report CODE without failing
    #[arg(long, value_name = "CODE", help_heading = "Policy")]
    pub warn: Vec<String>,

    /// Silence CODE
    #[arg(long, value_name = "CODE", help_heading = "Policy")]
    pub allow: Vec<String>,

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

    /// Write this run's findings to FILE, as a baseline for later runs
    #[arg(long, value_name = "FILE", help_heading = "Coverage and baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Print what CODE means, why it matters, and an example
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
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
