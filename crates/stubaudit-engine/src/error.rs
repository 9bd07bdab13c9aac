//! The one error type of the engine: the audit could not start at all.
//! Trouble with a single file is a [`Diagnostic`](crate::Diagnostic) instead.

use std::fmt;
use std::path::PathBuf;

/// Why the audit could not run.
#[derive(Debug)]
pub enum AuditError {
    /// The manifest does not exist.
    NoManifest(PathBuf),
    /// `--manifest-path` names a directory, not a `Cargo.toml`.
    ManifestIsDir(PathBuf),
    /// No `--manifest-path`, and no `Cargo.toml` in the directory or above.
    NoManifestAbove(PathBuf),
    /// `cargo metadata` failed; its message is kept.
    Metadata(String),
    /// `-p NAME` names no workspace member.
    NoSuchPackage(String),
    /// The coverage file could not be read or parsed.
    Coverage {
        /// The coverage file.
        file: PathBuf,
        /// The line it choked on, when known.
        line: Option<u32>,
        /// What was wrong.
        message: String,
    },
    /// The workspace configuration is invalid.
    Config(String),
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditError::NoManifest(path) => {
                write!(f, "manifest `{}` does not exist", path.display())
            }
            AuditError::ManifestIsDir(path) => write!(
                f,
                "`{}` is a directory: `--manifest-path` takes the path to a `Cargo.toml`",
                path.display()
            ),
            AuditError::NoManifestAbove(dir) => write!(
                f,
                "could not find `Cargo.toml` in `{}` or any parent directory",
                dir.display()
            ),
            AuditError::Metadata(message) => write!(f, "`cargo metadata` failed: {message}"),
            AuditError::NoSuchPackage(name) => {
                write!(f, "package `{name}` is not a member of the workspace")
            }
            AuditError::Coverage {
                file,
                line: Some(line),
                message,
            } => write!(f, "{}:{line}: {message}", file.display()),
            AuditError::Coverage {
                file,
                line: None,
                message,
            } => write!(f, "{}: {message}", file.display()),
            AuditError::Config(message) => write!(f, "invalid configuration: {message}"),
        }
    }
}

impl std::error::Error for AuditError {}
