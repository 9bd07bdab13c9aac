//! The process exit codes, one variant each; a panic (101) is a bug.

use std::process::Termination;

/// How a run of `cargo stubaudit` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: the policy holds (findings may still be reported as warnings).
    Clean = 0,
    /// 1: findings fail the policy: one at level `deny` (by default
    /// `phantom-stub`; `--deny`, `--max-height`, `--max-uncovered-hidden`,
    /// configuration); with `--baseline`, only new or worse ones.
    Findings = 1,
    /// 2: the audit could not run: bad arguments, no manifest, `cargo
    /// metadata` failed, invalid configuration, an unreadable or malformed
    /// coverage or baseline file, a report that could not be written.
    Failed = 2,
}

impl Termination for ExitCode {
    fn report(self) -> std::process::ExitCode {
        std::process::ExitCode::from(self as u8)
    }
}
