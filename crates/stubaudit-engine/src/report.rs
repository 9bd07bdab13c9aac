//! Stage `report`: the one data model every renderer reads, serialised as
//! the `stubaudit-report/1` JSON schema (DESIGN.md). It only grows: fields
//! are added, never renamed. Paths are relative to the workspace root with
//! `/` separators; lists are sorted so output is deterministic.
//!
//! Fields added since the first version of the schema (all optional, so
//! older readers are unaffected): `coverage.workspace_files`,
//! `summary.covered_hidden_lines`, `summary.not_instrumented_hidden_lines`,
//! `hidden.covered`, `hidden.not_instrumented`, `hidden.uncovered_ranges`
//! (present when a coverage file was joined), and `baseline` (present when
//! the run compared against a baseline); `stubs[].methods` (per-method
//! status and height of a whole double), `stubs[].implementations_omitted`,
//! `stubs[].lower_stub_points` (every boundary below), `hidden.ranges_omitted`
//! and the statuses `plugin` (a double of a trait with very many
//! implementations) and `unknown` (no I/O found, but unresolved calls). serde derives the serialisation, except for
//! [`Hidden`], whose coverage counts sit beside `uncovered` and whose
//! ranges are bounded to [`MAX_SHOWN_RANGES`] in JSON.

use crate::code::{AuditCode, Code, Level};
use crate::diagnostic::{Diagnostic, Severity};
use serde::ser::SerializeStruct;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The schema name and version.
pub const SCHEMA: &str = "stubaudit-report/1";

/// At most this many hidden ranges (and uncovered ranges) of one finding
/// are written to JSON; `hidden.ranges_omitted` counts the rest. The
/// counts (`lines`, `uncovered`, …) always cover every range.
pub const MAX_SHOWN_RANGES: usize = 100;

/// The whole audit.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Who made it.
    pub tool: Tool,
    /// The audited workspace's root, absolute.
    pub workspace_root: PathBuf,
    /// The coverage file joined, if any.
    pub coverage: Option<CoverageInfo>,
    /// Totals.
    pub summary: Summary,
    /// One entry per stub site, sorted by file, line, column.
    pub stubs: Vec<Stub>,
    /// Trouble with individual inputs.
    pub diagnostics: Vec<ReportDiagnostic>,
    /// The comparison with a baseline, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
}

/// How a run compares with a baseline (`--baseline FILE`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct BaselineInfo {
    /// The baseline file as given.
    pub file: String,
    /// Ids of findings the baseline does not have.
    pub new: Vec<String>,
    /// Ids of findings that got worse: higher, or hiding more lines, or
    /// more uncovered lines.
    pub worse: Vec<String>,
    /// Keys of baseline findings that are gone.
    pub fixed: Vec<String>,
}

/// The tool that made a report.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `cargo-stubaudit`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The coverage file a report was joined with.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageInfo {
    /// The file as given.
    pub file: String,
    /// `lcov` or `llvm-cov-json`.
    pub format: String,
    /// Workspace files that changed after the coverage was made, that it
    /// names past their end, or that no longer exist.
    pub stale_files: Vec<String>,
    /// How many workspace files the coverage file has records for.
    pub workspace_files: usize,
}

/// Totals over all stubs.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Number of stub sites.
    pub stub_sites: usize,
    /// Findings per code (every code listed).
    pub by_code: BTreeMap<String, usize>,
    /// Distinct production lines hidden by stubs.
    pub hidden_lines: usize,
    /// Of those, lines no test runs (`null` without coverage).
    pub uncovered_hidden_lines: Option<usize>,
    /// Of those, lines some test runs (absent without coverage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered_hidden_lines: Option<usize>,
    /// Of those, lines the coverage file has no record for (absent
    /// without coverage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_instrumented_hidden_lines: Option<usize>,
    /// Files the audit could not read or parse (absent when it read every
    /// file): the `incomplete-audit` code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete_audit: Option<IncompleteAudit>,
}

/// The audit missed files: `summary.incomplete_audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncompleteAudit {
    /// Files that could not be read or parsed, or were declared but are
    /// missing (each a warning in `diagnostics`).
    pub files: usize,
    /// The level of `incomplete-audit` after policy; `deny` fails the run.
    pub level: Level,
}

/// One stub site and what it hides.
#[derive(Debug, Clone, Serialize)]
pub struct Stub {
    /// Stable hash of the site and target.
    pub id: String,
    /// The finding code.
    pub code: Code,
    /// Its level after policy.
    pub level: Level,
    /// Where the test sets the double up.
    pub site: Site,
    /// The double.
    pub double: DoubleInfo,
    /// What it replaces.
    pub target: TargetInfo,
    /// Production implementations of the target (bounded: see
    /// `implementations_omitted`).
    pub implementations: Vec<ImplementationInfo>,
    /// Implementations not listed: a plugin trait's are summarised.
    #[serde(skip_serializing_if = "is_zero")]
    pub implementations_omitted: usize,
    /// A whole double (`method` null): every method it stands for, with
    /// its own status and height.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<MethodInfo>,
    /// Height above the I/O boundary (`io` and `wire` only).
    pub height: Option<u32>,
    /// `io`, `pure`, `phantom`, `external` or `wire`.
    pub status: Status,
    /// The production lines this stub keeps out of the test.
    pub hidden: Hidden,
    /// The boundary the stub could move down to: the one on the cheapest
    /// path to I/O.
    pub lower_stub_point: Option<LowerStubPoint>,
    /// Every boundary below the stubbed code, sorted: moving the stub down
    /// runs more lines only if all of them are doubled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lower_stub_points: Vec<LowerStubPoint>,
    /// One line of advice.
    pub help: String,
    /// Extra locations for the human renderer (not part of the schema).
    #[serde(skip)]
    pub notes: Vec<NoteAt>,
    /// Length of the site's underlined name.
    #[serde(skip)]
    pub site_len: u32,
    /// Calls under the hidden code resolved by method name alone (the
    /// receiver's type was unknown): `file:line \`name\``, listed with `-v`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approximate: Vec<String>,
    /// The reason of an inline allow comment or an allowed-stub entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
}

/// A secondary location shown under a finding.
#[derive(Debug, Clone)]
pub struct NoteAt {
    /// Relative path.
    pub file: String,
    /// Line.
    pub line: u32,
    /// Column, 1-based.
    pub column: u32,
    /// Length to underline.
    pub len: u32,
    /// What is there.
    pub label: String,
}

/// What a stubbed method amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Reaches I/O.
    Io,
    /// Reaches no I/O.
    Pure,
    /// No real implementation.
    Phantom,
    /// Replaces something outside the workspace.
    External,
    /// A wire-level server.
    Wire,
    /// A trait with very many implementations (a plugin interface): the
    /// double is a test input, not one hidden collaborator.
    Plugin,
    /// The implementations reach no I/O the audit can follow, but make
    /// calls it could not resolve: not evidence of purity, not measured.
    Unknown,
}

/// One method a whole double stands for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MethodInfo {
    /// The method.
    pub method: String,
    /// `io`, `pure`, `phantom`, `external`, …
    pub status: Status,
    /// Its height (`io` only).
    pub height: Option<u32>,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// Where a stub is set up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Site {
    /// Relative path.
    pub file: String,
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
    /// `module::fn` of the test or helper that sets it up.
    pub test: Option<String>,
}

/// The double at a site.
#[derive(Debug, Clone, Serialize)]
pub struct DoubleInfo {
    /// How it is made (`mockall-automock`, `fake`, …).
    pub kind: String,
    /// Its type name.
    #[serde(rename = "type")]
    pub type_name: String,
}

/// What a stub replaces.
#[derive(Debug, Clone, Serialize)]
pub struct TargetInfo {
    /// Absolute path of the trait, type or module.
    pub path: String,
    /// The method; `null` for a whole fake object.
    pub method: Option<String>,
    /// Where it is declared, when in the workspace.
    pub file: Option<String>,
    /// Its line.
    pub line: Option<u32>,
}

/// One production implementation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ImplementationInfo {
    /// The implementing type (or the trait, for a default method).
    #[serde(rename = "type")]
    pub type_name: String,
    /// Relative path.
    pub file: String,
    /// First line of the fn.
    pub line_start: u32,
    /// Last line.
    pub line_end: u32,
    /// Its height; `null` when it reaches no I/O.
    pub height: Option<u32>,
}

/// The lines a stub hides.
///
/// Serialised as `lines`, `uncovered` (the count no test runs, `null`
/// without coverage), with coverage also `covered`, `not_instrumented` and
/// `uncovered_ranges`, then `ranges`; at most [`MAX_SHOWN_RANGES`] of each
/// list, with `ranges_omitted` counting the hidden ranges left out.
#[derive(Debug, Clone)]
pub struct Hidden {
    /// Non-blank, non-comment lines.
    pub lines: u32,
    /// How the coverage file classes those lines (`None` without coverage).
    /// Named for the JSON key it fills.
    pub uncovered: Option<LineCoverage>,
    /// Per fn.
    pub ranges: Vec<HiddenRange>,
}

impl Hidden {
    /// Hidden lines no test runs, when coverage was joined.
    pub fn uncovered_lines(&self) -> Option<u32> {
        self.uncovered.as_ref().map(|coverage| coverage.uncovered)
    }
}

impl Serialize for Hidden {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let omitted = self.ranges.len().saturating_sub(MAX_SHOWN_RANGES);
        let fields = if self.uncovered.is_some() { 6 } else { 3 } + usize::from(omitted > 0);
        let mut state = serializer.serialize_struct("Hidden", fields)?;
        state.serialize_field("lines", &self.lines)?;
        state.serialize_field("uncovered", &self.uncovered_lines())?;
        if let Some(coverage) = &self.uncovered {
            state.serialize_field("covered", &coverage.covered)?;
            state.serialize_field("not_instrumented", &coverage.not_instrumented)?;
            let shown = coverage.uncovered_ranges.len().min(MAX_SHOWN_RANGES);
            state.serialize_field("uncovered_ranges", &coverage.uncovered_ranges[..shown])?;
        }
        state.serialize_field("ranges", &self.ranges[..self.ranges.len() - omitted])?;
        if omitted > 0 {
            state.serialize_field("ranges_omitted", &omitted)?;
        }
        state.end()
    }
}

/// What a coverage file says about one stub's hidden lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineCoverage {
    /// Hidden lines with a record of 0 hits: no test runs them.
    pub uncovered: u32,
    /// Hidden lines some test runs.
    pub covered: u32,
    /// Hidden lines the coverage file has no record for.
    pub not_instrumented: u32,
    /// Runs of uncovered lines (covered lines break a run; lines without a
    /// record do not), sorted.
    pub uncovered_ranges: Vec<UncoveredRange>,
    /// Every hidden code line with its state, for distinct totals.
    pub lines: Vec<(String, u32, LineState)>,
}

/// What the coverage file says about one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LineState {
    /// Some test runs it.
    Covered,
    /// A record of 0 hits.
    Uncovered,
    /// No record.
    NotInstrumented,
}

/// Consecutive hidden lines that no test runs, within one fn.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct UncoveredRange {
    /// Relative path.
    pub file: String,
    /// First uncovered line.
    pub start: u32,
    /// Last uncovered line.
    pub end: u32,
    /// The fn the lines belong to.
    #[serde(rename = "fn")]
    pub fn_name: String,
    /// Uncovered code lines in the range.
    pub lines: u32,
}

/// The hidden lines of one fn.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HiddenRange {
    /// Relative path.
    pub file: String,
    /// First line.
    pub start: u32,
    /// Last line.
    pub end: u32,
    /// `Type::method` or `fn`.
    #[serde(rename = "fn")]
    pub fn_name: String,
    /// Code lines in the range (not part of the schema).
    #[serde(skip)]
    pub lines: u32,
}

/// The boundary a stub could move down to.
#[derive(Debug, Clone, Serialize)]
pub struct LowerStubPoint {
    /// The trait (or type) path.
    pub path: String,
    /// The method.
    pub method: String,
    /// Where it is declared, when in the workspace.
    pub file: Option<String>,
    /// Its line.
    pub line: Option<u32>,
}

/// A diagnostic with a relative path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ReportDiagnostic {
    /// `warning` or `note`.
    pub level: Severity,
    /// Relative path.
    pub file: String,
    /// Line, when known.
    pub line: Option<u32>,
    /// What went wrong.
    pub message: String,
}

/// FNV-1a of `text` as 16 hex digits: ids and fingerprints that stay the
/// same across Rust versions and machines (std's hasher does not promise
/// that), which baselines and SARIF need.
pub fn stable_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl Report {
    /// Assembles and sorts a report.
    pub fn new(
        root: &Path,
        version: &str,
        mut stubs: Vec<Stub>,
        diagnostics: &[Diagnostic],
    ) -> Report {
        stubs.sort_by(|a, b| {
            (&a.site, &a.target.method, &a.target.path).cmp(&(
                &b.site,
                &b.target.method,
                &b.target.path,
            ))
        });
        let mut diagnostics: Vec<ReportDiagnostic> = diagnostics
            .iter()
            .map(|diagnostic| ReportDiagnostic {
                level: diagnostic.level,
                file: relative(root, &diagnostic.file),
                line: diagnostic.line,
                message: diagnostic.message.clone(),
            })
            .collect();
        diagnostics.sort();
        diagnostics.dedup();
        let mut report = Report {
            schema: SCHEMA,
            tool: Tool {
                name: "cargo-stubaudit".to_string(),
                version: version.to_string(),
            },
            workspace_root: root.to_path_buf(),
            coverage: None,
            summary: Summary {
                stub_sites: 0,
                by_code: BTreeMap::new(),
                hidden_lines: 0,
                uncovered_hidden_lines: None,
                covered_hidden_lines: None,
                not_instrumented_hidden_lines: None,
                incomplete_audit: None,
            },
            stubs,
            diagnostics,
            baseline: None,
        };
        // Every warning of the file stage stands for a file not audited.
        let unread = report
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.level == Severity::Warning)
            .count();
        report.summary.incomplete_audit = (unread > 0).then(|| IncompleteAudit {
            files: unread,
            level: AuditCode::IncompleteAudit.default_level(),
        });
        report.summarize();
        report
    }

    /// Recomputes the summary from the stubs (after policy or coverage change).
    pub fn summarize(&mut self) {
        let mut by_code: BTreeMap<String, usize> = Code::ALL
            .iter()
            .map(|code| (code.as_str().to_string(), 0))
            .collect();
        let mut hidden: BTreeMap<(String, u32, u32), u32> = BTreeMap::new();
        // Distinct hidden lines per coverage state, over the shown stubs.
        let mut states: BTreeSet<(&str, u32, LineState)> = BTreeSet::new();
        for stub in &self.stubs {
            *by_code.entry(stub.code.as_str().to_string()).or_default() += 1;
            if stub.level == Level::Allow {
                continue;
            }
            for range in &stub.hidden.ranges {
                hidden.insert((range.file.clone(), range.start, range.end), range.lines);
            }
            if let Some(coverage) = &stub.hidden.uncovered {
                for (file, line, state) in &coverage.lines {
                    states.insert((file.as_str(), *line, *state));
                }
            }
        }
        let hidden_lines = hidden.values().map(|&lines| lines as usize).sum();
        let count = |wanted: LineState| {
            self.coverage.as_ref().map(|_| {
                states
                    .iter()
                    .filter(|(_, _, state)| *state == wanted)
                    .count()
            })
        };
        let summary = Summary {
            stub_sites: self
                .stubs
                .iter()
                .filter(|stub| stub.code != Code::UnusedDouble)
                .count(),
            by_code,
            hidden_lines,
            uncovered_hidden_lines: count(LineState::Uncovered),
            covered_hidden_lines: count(LineState::Covered),
            not_instrumented_hidden_lines: count(LineState::NotInstrumented),
            incomplete_audit: self.summary.incomplete_audit.take(),
        };
        self.summary = summary;
    }

    /// The highest level among the findings.
    pub fn worst_level(&self) -> Option<Level> {
        self.stubs.iter().map(|stub| stub.level).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(ranges: u32) -> Hidden {
        Hidden {
            lines: ranges * 2,
            uncovered: None,
            ranges: (0..ranges)
                .map(|index| HiddenRange {
                    file: "src/lib.rs".to_string(),
                    start: index * 3 + 1,
                    end: index * 3 + 2,
                    fn_name: format!("f{index}"),
                    lines: 2,
                })
                .collect(),
        }
    }

    #[test]
    fn json_lists_at_most_a_hundred_ranges_and_counts_the_rest() {
        let json = serde_json::to_value(hidden(150)).expect("serialises");
        assert_eq!(json["lines"], 300);
        assert_eq!(
            json["ranges"].as_array().map(Vec::len),
            Some(MAX_SHOWN_RANGES)
        );
        assert_eq!(json["ranges_omitted"], 50);
        let json = serde_json::to_value(hidden(3)).expect("serialises");
        assert_eq!(json["ranges"].as_array().map(Vec::len), Some(3));
        assert!(json.get("ranges_omitted").is_none());
    }
}
