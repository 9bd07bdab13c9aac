//! Diagnostics: trouble with one input (a file that does not parse, a
//! missing module file, a stale coverage record). A diagnostic never stops
//! the audit; it travels with the report.

use serde::Serialize;
use std::path::PathBuf;

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Part of the workspace could not be read: the report may miss stubs.
    Warning,
    /// Worth knowing, shown with `-v`.
    Note,
}

/// One problem with one input, located as precisely as known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Warning or note.
    pub level: Severity,
    /// The file it is about (absolute while the audit runs).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// What went wrong, lowercase, code in backticks.
    pub message: String,
}

impl Diagnostic {
    /// A warning about `file`.
    pub fn warning(
        file: impl Into<PathBuf>,
        line: Option<u32>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            level: Severity::Warning,
            file: file.into(),
            line,
            message: message.into(),
        }
    }

    /// A note about `file`.
    pub fn note(file: impl Into<PathBuf>, line: Option<u32>, message: impl Into<String>) -> Self {
        Self {
            level: Severity::Note,
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}
