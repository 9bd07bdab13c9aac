//! Baselines: `--write-baseline FILE` records this run's findings,
//! `--baseline FILE` compares against them so that only findings that are
//! new, or got worse (higher, more hidden lines, more uncovered lines), can
//! fail the run. A baseline never makes a run stricter: it forgives denied
//! findings it already lists, unless they got worse.
//!
//! Findings are matched by [`key`]: code, site file, test fn, stubbed target
//! and method, double type — no line numbers, so a finding survives edits
//! that shift it. The file is JSON (`stubaudit-baseline/1`) read and written
//! by serde_json; the human diff of what changed is drawn by `similar`, the
//! diff crate the rest of the workspace already uses.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use stubaudit_engine::report::{BaselineInfo, Stub};
use stubaudit_engine::{Code, Level, Report};

/// The baseline schema name and version.
pub const SCHEMA: &str = "stubaudit-baseline/1";

/// A baseline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The findings at level `warn` or `deny`, sorted by key.
    pub findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The matching key (see [`key`]).
    pub key: String,
    /// The finding code.
    pub code: Code,
    /// Its level when recorded.
    pub level: Level,
    /// The stub site's file, relative to the workspace root.
    pub file: String,
    /// The site's line when recorded (informational: not matched on).
    pub line: u32,
    /// `Trait::method` or the type that is stubbed.
    pub target: String,
    /// Height above the boundary.
    pub height: Option<u32>,
    /// Hidden lines.
    pub hidden_lines: u32,
    /// Hidden lines no test ran, when the run had coverage.
    pub uncovered: Option<u32>,
}

/// The line-shift-proof identity of a finding. Two findings of one test
/// with the same identity are told apart by their order (`#2`, `#3`, …),
/// see [`keys`].
pub fn key(stub: &Stub) -> String {
    format!(
        "{}|{}|{}|{}::{}|{}",
        stub.code,
        stub.site.file,
        stub.site.test.as_deref().unwrap_or(""),
        stub.target.path,
        stub.target.method.as_deref().unwrap_or("*"),
        stub.double.type_name
    )
}

/// The keys of all stubs, in report order, numbered when repeated.
pub fn keys(stubs: &[Stub]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    stubs
        .iter()
        .map(|stub| {
            let key = key(stub);
            let count = seen.entry(key.clone()).or_insert(0);
            *count += 1;
            match *count {
                1 => key,
                n => format!("{key}#{n}"),
            }
        })
        .collect()
}

/// Whether a finding belongs in a baseline.
fn recorded(stub: &Stub) -> bool {
    stub.level >= Level::Warn
}

impl Baseline {
    /// A baseline with no findings: everything is new against it.
    pub fn empty() -> Baseline {
        Baseline {
            schema: SCHEMA.to_string(),
            findings: Vec::new(),
        }
    }
}

/// The baseline of `report`.
pub fn from_report(report: &Report) -> Baseline {
    let mut findings: Vec<Entry> = report
        .stubs
        .iter()
        .zip(keys(&report.stubs))
        .filter(|(stub, _)| recorded(stub))
        .map(|(stub, key)| Entry {
            key,
            code: stub.code,
            level: stub.level,
            file: stub.site.file.clone(),
            line: stub.site.line,
            target: target(stub),
            height: stub.height,
            hidden_lines: stub.hidden.lines,
            uncovered: stub.hidden.uncovered_lines(),
        })
        .collect();
    findings.sort_by(|a, b| a.key.cmp(&b.key));
    Baseline {
        schema: SCHEMA.to_string(),
        findings,
    }
}

fn target(stub: &Stub) -> String {
    let name = stub
        .target
        .path
        .rsplit("::")
        .next()
        .unwrap_or(&stub.target.path);
    match &stub.target.method {
        Some(method) => format!("{name}::{method}"),
        None => name.to_string(),
    }
}

/// Writes `report`'s baseline to `path`, atomically; returns how many
/// findings it holds.
pub fn write(path: &Path, report: &Report) -> Result<usize> {
    let baseline = from_report(report);
    let mut text =
        serde_json::to_string_pretty(&baseline).context("could not serialise the baseline")?;
    text.push('\n');
    crate::write_atomically(path, text.as_bytes())?;
    Ok(baseline.findings.len())
}

/// Reads a baseline file.
pub fn read(path: &Path) -> Result<Baseline> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read baseline `{}`", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "{}:{}: invalid baseline: {}",
            path.display(),
            error.line(),
            strip_position(&error.to_string())
        )
    })?;
    if baseline.schema != SCHEMA {
        bail!(
            "{}: unsupported baseline schema `{}` (expected `{SCHEMA}`)",
            path.display(),
            baseline.schema
        );
    }
    Ok(baseline)
}

fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(end) => &message[..end],
        None => message,
    }
}

/// How a run compares with its baseline.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// What goes into the report.
    pub info: BaselineInfo,
    /// The human diff of what changed (empty when nothing did).
    pub diff: String,
}

/// Compares `report` with `baseline` (named `source` in the report: the
/// file as given), fills `report.baseline`, and returns the diff for the
/// human output.
pub fn compare(report: &mut Report, baseline: &Baseline, source: &str) -> Comparison {
    let current = from_report(report);
    let old: BTreeMap<&str, &Entry> = baseline
        .findings
        .iter()
        .map(|entry| (entry.key.as_str(), entry))
        .collect();
    let ids: HashMap<String, &str> = keys(&report.stubs)
        .into_iter()
        .zip(report.stubs.iter().map(|stub| stub.id.as_str()))
        .collect();
    let mut info = BaselineInfo {
        file: source.to_string(),
        ..BaselineInfo::default()
    };
    for entry in &current.findings {
        let id = ids.get(&entry.key).copied().unwrap_or_default().to_string();
        match old.get(entry.key.as_str()) {
            None => info.new.push(id),
            Some(before) if worse(before, entry) => info.worse.push(id),
            Some(_) => {}
        }
    }
    let now: HashMap<&str, &Entry> = current
        .findings
        .iter()
        .map(|entry| (entry.key.as_str(), entry))
        .collect();
    info.fixed = baseline
        .findings
        .iter()
        .filter(|entry| !now.contains_key(entry.key.as_str()))
        .map(|entry| entry.key.clone())
        .collect();
    info.new.sort();
    info.worse.sort();
    let diff = diff_text(baseline, &current);
    report.baseline = Some(info.clone());
    Comparison { info, diff }
}

/// Higher, or hiding more lines, or more lines no test runs.
fn worse(before: &Entry, now: &Entry) -> bool {
    let higher = matches!((before.height, now.height), (Some(b), Some(n)) if n > b);
    let uncovered = matches!((before.uncovered, now.uncovered), (Some(b), Some(n)) if n > b);
    higher || now.hidden_lines > before.hidden_lines || uncovered
}

/// One line per finding, for the diff.
fn line(entry: &Entry) -> String {
    let mut facts = Vec::new();
    if let Some(height) = entry.height {
        facts.push(format!("height {height}"));
    }
    facts.push(format!("{} hidden", entry.hidden_lines));
    if let Some(uncovered) = entry.uncovered {
        facts.push(format!("{uncovered} uncovered"));
    }
    let test = entry
        .key
        .split('|')
        .nth(2)
        .filter(|test| !test.is_empty())
        .map(|test| format!(" in `{test}`"))
        .unwrap_or_default();
    format!(
        "{} `{}`{test} ({}): {}\n",
        entry.code,
        entry.target,
        entry.file,
        facts.join(", ")
    )
}

/// The changed lines between two baselines, `-` before and `+` after.
fn diff_text(before: &Baseline, after: &Baseline) -> String {
    let old: String = before.findings.iter().map(line).collect();
    let new: String = after.findings.iter().map(line).collect();
    let diff = TextDiff::from_lines(&old, &new);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
            ChangeTag::Equal => continue,
        };
        out.push(sign);
        out.push_str(change.value());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, height: Option<u32>, hidden: u32, uncovered: Option<u32>) -> Entry {
        Entry {
            key: key.to_string(),
            code: Code::HighStub,
            level: Level::Warn,
            file: "a/src/x.rs".to_string(),
            line: 3,
            target: "T::m".to_string(),
            height,
            hidden_lines: hidden,
            uncovered,
        }
    }

    #[test]
    fn worse_means_higher_or_more_hidden_or_more_uncovered() {
        let before = entry("k", Some(1), 10, Some(2));
        assert!(!worse(&before, &entry("k", Some(1), 10, Some(2))));
        assert!(!worse(&before, &entry("k", Some(1), 8, Some(1))));
        assert!(worse(&before, &entry("k", Some(2), 10, Some(2))));
        assert!(worse(&before, &entry("k", Some(1), 11, Some(2))));
        assert!(worse(&before, &entry("k", Some(1), 10, Some(3))));
        // No coverage now or then: uncovered lines are not compared.
        assert!(!worse(&before, &entry("k", Some(1), 10, None)));
    }

    #[test]
    fn the_diff_lists_only_changed_findings() {
        let before = Baseline {
            schema: SCHEMA.to_string(),
            findings: vec![
                entry("high-stub|a|t1|T::m|M", Some(1), 10, None),
                entry("high-stub|a|t2|T::m|M", Some(1), 10, None),
            ],
        };
        let after = Baseline {
            schema: SCHEMA.to_string(),
            findings: vec![
                entry("high-stub|a|t1|T::m|M", Some(1), 10, None),
                entry("high-stub|a|t2|T::m|M", Some(2), 12, None),
            ],
        };
        assert_eq!(
            diff_text(&before, &after),
            "-high-stub `T::m` in `t2` (a/src/x.rs): height 1, 10 hidden\n\
             +high-stub `T::m` in `t2` (a/src/x.rs): height 2, 12 hidden\n"
        );
    }
}
