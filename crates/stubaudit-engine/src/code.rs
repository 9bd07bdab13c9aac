//! The finding codes: one enum, each code with its default level, a
//! one-line description and the long explanation `--explain` prints, the
//! way clippy documents a lint.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How much a finding matters; `deny` fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Silenced.
    Allow,
    /// Good news, counted: listed with `-v` and in JSON.
    Info,
    /// Reported, does not fail the run.
    Warn,
    /// Reported and fails the run.
    Deny,
}

impl Level {
    /// The name used in reports and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// What a finding says about a stub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A stub at height 1 or more.
    HighStub,
    /// A stub of code that reaches no I/O.
    PureStub,
    /// A stub of a method with no real implementation.
    PhantomStub,
    /// A stub at height 0 whose adapter hides many lines.
    ThickAdapter,
    /// A stub at the boundary: good.
    BoundaryStub,
    /// A double never set up.
    UnusedDouble,
}

impl Code {
    /// Every code, in report order.
    pub const ALL: [Code; 6] = [
        Code::HighStub,
        Code::PureStub,
        Code::PhantomStub,
        Code::ThickAdapter,
        Code::BoundaryStub,
        Code::UnusedDouble,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::HighStub => "high-stub",
            Code::PureStub => "pure-stub",
            Code::PhantomStub => "phantom-stub",
            Code::ThickAdapter => "thick-adapter",
            Code::BoundaryStub => "boundary-stub",
            Code::UnusedDouble => "unused-double",
        }
    }

    /// The code named `name`.
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == name)
    }

    /// The level it has unless configured otherwise.
    pub fn default_level(self) -> Level {
        match self {
            Code::HighStub | Code::PureStub | Code::ThickAdapter | Code::UnusedDouble => {
                Level::Warn
            }
            Code::PhantomStub => Level::Deny,
            Code::BoundaryStub => Level::Info,
        }
    }

    /// One line on what it flags.
    pub fn description(self) -> &'static str {
        match self {
            Code::HighStub => "a stub above the I/O boundary hides production logic from the test",
            Code::PureStub => "a stub of code that reaches no I/O: the test mocks its own logic",
            Code::PhantomStub => "a stub of a method that has no real implementation",
            Code::ThickAdapter => "a stub at the boundary whose adapter still hides much logic",
            Code::BoundaryStub => {
                "a stub at the I/O boundary: the production logic runs under test"
            }
            Code::UnusedDouble => "a double that no test sets up",
        }
    }

    /// What `--explain CODE` prints.
    pub fn explanation(self) -> &'static str {
        match self {
            Code::HighStub => include_str!("code/high-stub.md"),
            Code::PureStub => include_str!("code/pure-stub.md"),
            Code::PhantomStub => include_str!("code/phantom-stub.md"),
            Code::ThickAdapter => include_str!("code/thick-adapter.md"),
            Code::BoundaryStub => include_str!("code/boundary-stub.md"),
            Code::UnusedDouble => include_str!("code/unused-double.md"),
        }
    }
}

/// What a run says about the audit itself rather than about one stub:
/// levelled like a [`Code`] (`--deny incomplete-audit`), reported in the
/// summary, never as a stub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditCode {
    /// Some files could not be read or parsed: stubs in them are missed.
    IncompleteAudit,
}

impl AuditCode {
    /// Every audit code.
    pub const ALL: [AuditCode; 1] = [AuditCode::IncompleteAudit];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditCode::IncompleteAudit => "incomplete-audit",
        }
    }

    /// The code named `name`.
    pub fn parse(name: &str) -> Option<AuditCode> {
        AuditCode::ALL
            .into_iter()
            .find(|code| code.as_str() == name)
    }

    /// The level it has unless configured otherwise.
    pub fn default_level(self) -> Level {
        match self {
            AuditCode::IncompleteAudit => Level::Warn,
        }
    }

    /// One line on what it flags.
    pub fn description(self) -> &'static str {
        match self {
            AuditCode::IncompleteAudit => {
                "some files could not be read or parsed: stubs in them are not audited"
            }
        }
    }

    /// What `--explain CODE` prints.
    pub fn explanation(self) -> &'static str {
        match self {
            AuditCode::IncompleteAudit => include_str!("code/incomplete-audit.md"),
        }
    }
}

impl fmt::Display for AuditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
