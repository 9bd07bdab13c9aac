//! The verdict on a measured stub, in one place: the finding code (the
//! thick-adapter / boundary decision included), its one-line help, the
//! allowed-stub matching and the level under a [`Policy`]. The CLI re-judges
//! stubs under a package's own policy with [`Policy::rejudge`], so that no
//! rule or help text is written twice.

use super::status::{SiteStatus, Unmeasured};
use super::target::short;
use crate::code::{Code, Level};
use crate::report::{Status, Stub};
use std::collections::HashMap;

/// The rules findings are judged by.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Level per code; codes not listed keep their default.
    pub levels: HashMap<Code, Level>,
    /// A height-0 stub hiding more lines than this is a thick adapter.
    pub thick_adapter_lines: u32,
    /// High stubs above this height are denied.
    pub max_height: Option<u32>,
    /// Stubs allowed by configuration: target path or `path::method`, and why.
    pub allowed: Vec<(String, String)>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            levels: HashMap::new(),
            thick_adapter_lines: 20,
            max_height: None,
            allowed: Vec::new(),
        }
    }
}

impl Policy {
    /// The level of `code` for a stub at `height`.
    pub fn level(&self, code: Code, height: Option<u32>) -> Level {
        let level = self
            .levels
            .get(&code)
            .copied()
            .unwrap_or(code.default_level());
        match (code, self.max_height, height) {
            (Code::HighStub, Some(max), Some(height)) if height > max && level != Level::Allow => {
                Level::Deny
            }
            _ => level,
        }
    }

    /// The reason of the allowed-stub entry naming `path` or `path::method`.
    pub fn allowed_reason(&self, path: &str, method: Option<&str>) -> Option<String> {
        let with_method = method.map(|method| format!("{path}::{method}"));
        self.allowed
            .iter()
            .find(|(allowed, _)| allowed == path || Some(allowed) == with_method.as_ref())
            .map(|(_, reason)| reason.clone())
    }

    /// A stub at height 0: a thick adapter when it hides more lines than
    /// the policy allows, else a boundary stub.
    pub fn adapter_code(&self, hidden_lines: u32) -> Code {
        if hidden_lines > self.thick_adapter_lines {
            Code::ThickAdapter
        } else {
            Code::BoundaryStub
        }
    }

    /// The help of a height-0 stub with code `code`.
    pub fn adapter_help(&self, code: Code, hidden_lines: u32) -> String {
        match code {
            Code::ThickAdapter => format!(
                "the adapter hides {hidden_lines} lines (more than {}): move its logic above the boundary, or test it against a real engine",
                self.thick_adapter_lines
            ),
            _ => "stubbed at the I/O boundary: the code above it runs under test".to_string(),
        }
    }

    /// Judges `stub` again under this policy (a package's own table): the
    /// thick-adapter decision and its help, the allowed stubs, the level.
    pub fn rejudge(&self, stub: &mut Stub) {
        if stub.status == Status::Io
            && stub.height == Some(0)
            && matches!(stub.code, Code::ThickAdapter | Code::BoundaryStub)
        {
            let code = self.adapter_code(stub.hidden.lines);
            if code != stub.code {
                stub.code = code;
                stub.help = self.adapter_help(code, stub.hidden.lines);
            }
        }
        if stub.code == Code::UnusedDouble {
            stub.level = self.level(stub.code, None);
            return;
        }
        let allowed = self.allowed_reason(&stub.target.path, stub.target.method.as_deref());
        stub.level = match &allowed {
            Some(_) => Level::Allow,
            None => self.level(stub.code, stub.height),
        };
        stub.allowed = allowed;
    }
}

/// The finding code of a site.
pub(super) fn code_of(status: &SiteStatus, hidden_lines: u32, policy: &Policy) -> Code {
    match (status.status, status.height) {
        (Status::Phantom, _) => Code::PhantomStub,
        (Status::Pure, _) => Code::PureStub,
        (Status::Io, Some(height)) if height > 0 => Code::HighStub,
        (Status::Io, _) => policy.adapter_code(hidden_lines),
        _ => Code::BoundaryStub,
    }
}

/// What the help needs beyond the status.
pub(super) struct HelpFacts<'a> {
    /// The target's path.
    pub target_path: &'a str,
    /// The stubbed method, `None` for a whole double.
    pub method: Option<&'a str>,
    /// The phantom methods that have no implementation at all.
    pub unimplemented: Vec<&'a str>,
    /// Lower stub points, `Trait::method`, sorted, bounded.
    pub lower: Vec<String>,
    /// How many lower stub points there are in all.
    pub lower_total: usize,
    /// Lines that would run with every lower point doubled.
    pub more_lines: u32,
    /// Hidden lines.
    pub hidden_lines: u32,
}

/// Lower stub points named in a help line before it says "…".
const NAMED_IN_HELP: usize = 3;

/// The one-line help of a finding.
pub(super) fn help(
    code: Code,
    status: &SiteStatus,
    facts: &HelpFacts<'_>,
    policy: &Policy,
) -> String {
    let short_target = short(facts.target_path, facts.method);
    match code {
        Code::HighStub => lower_help(facts),
        Code::PhantomStub => phantom_help(status, facts),
        Code::PureStub => {
            format!("`{short_target}` reaches no I/O: run the real implementation instead")
        }
        Code::ThickAdapter | Code::BoundaryStub if status.status == Status::Io => {
            policy.adapter_help(code, facts.hidden_lines)
        }
        _ => match (status.status, status.unmeasured()) {
            (Status::Plugin, _) => format!(
                "`{short_target}` has {} implementations: a plugin interface, so the double is a test input, not one hidden collaborator (their lines are not counted)",
                status.types
            ),
            (Status::Unknown, _) => format!(
                "`{short_target}` reaches no I/O the audit can follow, but makes calls it could not resolve (listed with -v): not measured"
            ),
            (Status::External, Some(Unmeasured::ExtensionApi)) => format!(
                "`{short_target}` is a public trait of a published library, meant for implementations outside the workspace: not measured"
            ),
            (Status::External, _) => format!(
                "`{short_target}` is implemented outside the workspace, or by a macro the audit cannot read: not measured"
            ),
            _ => "stubbed at the I/O boundary: the code above it runs under test".to_string(),
        },
    }
}

fn lower_help(facts: &HelpFacts<'_>) -> String {
    let more = facts.more_lines;
    match facts.lower.as_slice() {
        [] => "stub the I/O boundary below instead".to_string(),
        [only] => format!("stub `{only}` instead: {more} more lines run under test"),
        points if facts.lower_total <= NAMED_IN_HELP => {
            let named: Vec<String> = points.iter().map(|point| format!("`{point}`")).collect();
            let (last, rest) = named
                .split_last()
                .map_or((String::new(), &[][..]), |(l, r)| (l.clone(), r));
            format!(
                "stub {} and {last} instead (every boundary below): {more} more lines run under test",
                rest.join(", ")
            )
        }
        points => {
            let named: Vec<String> = points
                .iter()
                .take(NAMED_IN_HELP)
                .map(|point| format!("`{point}`"))
                .collect();
            format!(
                "stub the {} boundaries below instead ({}, …): {more} more lines run under test",
                facts.lower_total,
                named.join(", ")
            )
        }
    }
}

fn phantom_help(status: &SiteStatus, facts: &HelpFacts<'_>) -> String {
    let phantom = status.phantom_methods();
    let whole = facts.method.is_none();
    let all_phantom = phantom.len() == status.methods.len().max(1);
    let names = |methods: &[&str]| -> String {
        let named: Vec<String> = methods
            .iter()
            .map(|method| format!("`{}`", short(facts.target_path, Some(method))))
            .collect();
        named.join(", ")
    };
    if facts.unimplemented.len() == phantom.len() || phantom.is_empty() {
        let what = if whole && all_phantom {
            format!("`{}`", short(facts.target_path, facts.method))
        } else if whole {
            names(&phantom)
        } else {
            format!("`{}`", short(facts.target_path, facts.method))
        };
        format!("no production code implements {what}: the double is its only implementation")
    } else if whole {
        let verb = if phantom.len() == 1 { "is" } else { "are" };
        format!(
            "{} {verb} never written: write it, then test it through its boundary",
            names(&phantom)
        )
    } else {
        format!(
            "`{}` is never written: write it, then test it through its boundary",
            short(facts.target_path, facts.method)
        )
    }
}
