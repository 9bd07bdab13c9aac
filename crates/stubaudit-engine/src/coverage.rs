//! Stage `coverage`: reads a line-coverage file and joins it with the hidden
//! lines, so a report can say which hidden lines no test runs.
//!
//! * Formats, told apart by content: LCOV (`lcov`, cargo-llvm-cov and
//!   cargo-tarpaulin dialects) and llvm-cov's JSON export (`llvm_json`).
//! * The join is on (file, line) only, never on function names: names are
//!   mangled and repeated per crate build in one dialect, bare in the other.
//! * Paths are matched to workspace files by `paths`: absolute, relative,
//!   or from another checkout.
//! * Which lines count is the engine's own knowledge (`FileIndex::code_lines`);
//!   a hidden code line is *covered* (hits > 0), *uncovered* (a record with 0
//!   hits) or *not instrumented* (no record at all: tarpaulin leaves closing
//!   braces and `todo!()` lines out, both tools leave out code no test
//!   binary contains).
//! * Stale coverage is a warning naming the file: lines past a file's end,
//!   a file newer than the coverage file, a file that no longer exists.
//!
//! * It streams (`wanted`): the file is read once, a line or a JSON value
//!   at a time, and only what the join needs is kept: the hits of hidden
//!   lines and, per path, the first line past its file's end. Memory does
//!   not grow with the coverage file's size or the line numbers it names.
//!
//! Only std and serde_json: the formats are small (see the submodules).

mod lcov;
mod llvm_json;
mod paths;
mod wanted;

pub use wanted::{FileCoverage, Wanted, WantedFile};

use crate::error::AuditError;
use crate::graph::Graph;
use crate::report::{
    relative, CoverageInfo, LineCoverage, LineState, Report, ReportDiagnostic, UncoveredRange,
};
use paths::{PathMatcher, Resolved};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The two kinds of coverage file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An LCOV tracefile.
    Lcov,
    /// llvm-cov's JSON export.
    LlvmJson,
}

impl Format {
    /// The name used in reports: `lcov` or `llvm-cov-json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Lcov => "lcov",
            Format::LlvmJson => "llvm-cov-json",
        }
    }
}

/// A whole coverage file, parsed.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The file as given.
    pub file: PathBuf,
    /// Its format.
    pub format: Format,
    /// When it was last written, to tell stale sources.
    pub modified: Option<SystemTime>,
    /// One entry per distinct path, in order of first appearance.
    pub files: Vec<FileCoverage>,
}

/// What the join of `report` needs: every indexed file with its length,
/// and the lines its stubs hide.
pub fn wanted(report: &Report, graph: &Graph, root: &Path) -> Wanted {
    let mut wanted = Wanted::default();
    for file in &graph.files {
        wanted.files.insert(
            relative(root, &file.index.path),
            WantedFile {
                line_count: file.index.line_count,
                ranges: Vec::new(),
            },
        );
    }
    for stub in &report.stubs {
        for range in &stub.hidden.ranges {
            wanted.add_range(&range.file, range.start, range.end);
        }
    }
    wanted.finish();
    wanted
}

/// Reads a coverage file, keeping what `wanted` asks for (paths are
/// matched against its files under `root`). An unreadable or malformed file
/// is an [`AuditError::Coverage`] naming the file and the line it choked on.
pub fn read(file: &Path, wanted: &Wanted, root: &Path) -> Result<Coverage, AuditError> {
    let error = |line: Option<u32>, message: String| AuditError::Coverage {
        file: file.to_path_buf(),
        line,
        message,
    };
    let opened = std::fs::File::open(file)
        .and_then(|opened| opened.metadata().map(|metadata| (opened, metadata)));
    let (opened, metadata) =
        opened.map_err(|io| error(None, format!("could not read coverage file: {io}")))?;
    if metadata.is_dir() {
        return Err(error(
            None,
            "could not read coverage file: it is a directory".to_string(),
        ));
    }
    let reader = std::io::BufReader::with_capacity(1 << 16, opened);
    let mut coverage = parse_reader(file, reader, wanted, root)?;
    coverage.modified = metadata.modified().ok();
    Ok(coverage)
}

/// Parses coverage text that claims to come from `file`.
pub fn parse(
    file: &Path,
    text: &str,
    wanted: &Wanted,
    root: &Path,
) -> Result<Coverage, AuditError> {
    parse_reader(file, text.as_bytes(), wanted, root)
}

fn parse_reader(
    file: &Path,
    mut reader: impl std::io::BufRead,
    wanted: &Wanted,
    root: &Path,
) -> Result<Coverage, AuditError> {
    let error = |line: u32, message: String| AuditError::Coverage {
        file: file.to_path_buf(),
        line: Some(line),
        message,
    };
    // The format, from the first bytes: JSON starts with `{`.
    let head = reader
        .fill_buf()
        .map_err(|io| error(1, format!("could not read coverage file: {io}")))?;
    let bom = head.starts_with("\u{feff}".as_bytes());
    let first = head
        .iter()
        .skip(if bom { 3 } else { 0 })
        .find(|byte| !byte.is_ascii_whitespace());
    let format = if first == Some(&b'{') {
        Format::LlvmJson
    } else {
        Format::Lcov
    };
    let names: Vec<String> = wanted.files.keys().cloned().collect();
    let mut collector = wanted::Collector::new(wanted, root, &names);
    match format {
        Format::Lcov => lcov::read(reader, &mut collector),
        Format::LlvmJson => {
            if bom {
                reader.consume(3);
            }
            llvm_json::read(reader, &mut collector)
        }
    }
    .map_err(|(line, message)| error(line, message))?;
    Ok(Coverage {
        file: file.to_path_buf(),
        format,
        modified: None,
        files: collector.files,
    })
}

/// Line counts per workspace file, after path matching and merging.
struct Matched {
    /// Hits per wanted line, per workspace-relative path.
    files: HashMap<String, BTreeMap<u32, u64>>,
    /// The first line past the end that the coverage names, per path.
    past: HashMap<String, u32>,
    /// Files the coverage names that no longer exist.
    gone: BTreeSet<String>,
    /// Paths the coverage names, for the "covers nothing" warning.
    outside: Vec<String>,
}

fn match_files(coverage: &Coverage, graph: &Graph, root: &Path) -> Matched {
    let workspace_files: Vec<String> = graph
        .files
        .iter()
        .map(|file| relative(root, &file.index.path))
        .collect();
    let matcher = PathMatcher::new(root, &workspace_files);
    let paths: Vec<&str> = coverage.files.iter().map(|f| f.path.as_str()).collect();
    let mut matched = Matched {
        files: HashMap::new(),
        past: HashMap::new(),
        gone: BTreeSet::new(),
        outside: Vec::new(),
    };
    for (record, resolved) in coverage.files.iter().zip(matcher.resolve_all(&paths)) {
        match resolved {
            Resolved::Workspace(file) => {
                if let Some(first) = record.first_past {
                    let past = matched.past.entry(file.clone()).or_insert(first);
                    *past = (*past).min(first);
                }
                let lines = matched.files.entry(file).or_default();
                for (&line, &hits) in &record.lines {
                    let total = lines.entry(line).or_insert(0);
                    *total = total.saturating_add(hits);
                }
            }
            Resolved::Gone(file) => {
                matched.gone.insert(file);
            }
            Resolved::Outside => matched.outside.push(record.path.clone()),
        }
    }
    matched
}

/// Fills `report` from `coverage`: per stub the covered, uncovered and
/// not instrumented hidden lines and the uncovered ranges; the report's
/// [`CoverageInfo`] with the stale files; a warning per stale file. Only
/// files of the `selected` packages and files holding hidden lines are
/// checked for staleness. Call [`Report::summarize`] afterwards.
pub fn join(
    report: &mut Report,
    coverage: &Coverage,
    graph: &Graph,
    root: &Path,
    selected: &HashSet<usize>,
) {
    let matched = match_files(coverage, graph, root);
    let index_of: HashMap<String, usize> = graph
        .files
        .iter()
        .enumerate()
        .map(|(index, file)| (relative(root, &file.index.path), index))
        .collect();
    let coverage_name = coverage.file.file_name().map_or_else(
        || coverage.file.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let no_lines = BTreeMap::new();
    for stub in &mut report.stubs {
        if stub.hidden.ranges.is_empty() && stub.hidden.lines == 0 {
            stub.hidden.uncovered = Some(LineCoverage::default());
            continue;
        }
        let mut line_coverage = LineCoverage::default();
        for range in &stub.hidden.ranges {
            let Some(&file_index) = index_of.get(&range.file) else {
                continue;
            };
            let index = &graph.files[file_index].index;
            let hits = matched.files.get(&range.file).unwrap_or(&no_lines);
            let first = index.code_lines.partition_point(|&line| line < range.start);
            let last = index.code_lines.partition_point(|&line| line <= range.end);
            let mut run: Option<UncoveredRange> = None;
            for &line in &index.code_lines[first..last] {
                let state = match hits.get(&line) {
                    Some(0) => LineState::Uncovered,
                    Some(_) => LineState::Covered,
                    None => LineState::NotInstrumented,
                };
                line_coverage.lines.push((range.file.clone(), line, state));
                match state {
                    LineState::Covered => {
                        line_coverage.covered += 1;
                        line_coverage.uncovered_ranges.extend(run.take());
                    }
                    LineState::NotInstrumented => line_coverage.not_instrumented += 1,
                    LineState::Uncovered => {
                        line_coverage.uncovered += 1;
                        match &mut run {
                            Some(open) => {
                                open.end = line;
                                open.lines += 1;
                            }
                            None => {
                                run = Some(UncoveredRange {
                                    file: range.file.clone(),
                                    start: line,
                                    end: line,
                                    fn_name: range.fn_name.clone(),
                                    lines: 1,
                                })
                            }
                        }
                    }
                }
            }
            line_coverage.uncovered_ranges.extend(run.take());
        }
        stub.hidden.uncovered = Some(line_coverage);
    }

    // Staleness, on the files that matter to this report.
    let hidden_files: HashSet<&str> = report
        .stubs
        .iter()
        .flat_map(|stub| stub.hidden.ranges.iter().map(|range| range.file.as_str()))
        .collect();
    let mut stale: BTreeMap<String, ReportDiagnostic> = BTreeMap::new();
    let mut checked: Vec<&String> = matched.files.keys().collect();
    checked.sort();
    for file in checked {
        let Some(&file_index) = index_of.get(file) else {
            continue;
        };
        let source = &graph.files[file_index];
        if !selected.contains(&source.package) && !hidden_files.contains(file.as_str()) {
            continue;
        }
        let line_count = source.index.line_count;
        if let Some(&past) = matched.past.get(file) {
            stale.insert(
                file.clone(),
                ReportDiagnostic {
                    level: crate::diagnostic::Severity::Warning,
                    file: file.clone(),
                    line: Some(past),
                    message: format!(
                        "`{coverage_name}` has coverage for line {past}, past the end of this file ({line_count} lines): the coverage is stale"
                    ),
                },
            );
            continue;
        }
        let changed = std::fs::metadata(&source.index.path)
            .and_then(|metadata| metadata.modified())
            .ok();
        if let (Some(changed), Some(made)) = (changed, coverage.modified) {
            if changed > made {
                stale.insert(
                    file.clone(),
                    ReportDiagnostic {
                        level: crate::diagnostic::Severity::Warning,
                        file: file.clone(),
                        line: None,
                        message: format!(
                            "changed after `{coverage_name}` was written: its coverage may be stale"
                        ),
                    },
                );
            }
        }
    }
    for file in &matched.gone {
        stale.insert(
            file.clone(),
            ReportDiagnostic {
                level: crate::diagnostic::Severity::Warning,
                file: file.clone(),
                line: None,
                message: format!(
                    "`{coverage_name}` has coverage for this file, which no longer exists: the coverage is stale"
                ),
            },
        );
    }
    if matched.files.is_empty() {
        let example = matched
            .outside
            .first()
            .map(|path| format!(", e.g. `{path}`"))
            .unwrap_or_default();
        report.diagnostics.push(ReportDiagnostic {
            level: crate::diagnostic::Severity::Warning,
            file: coverage.file.display().to_string(),
            line: None,
            message: format!(
                "`{coverage_name}` covers none of this workspace's files ({} other files{example}): was it made for another workspace?",
                matched.outside.len()
            ),
        });
    }
    report.coverage = Some(CoverageInfo {
        file: coverage.file.display().to_string(),
        format: coverage.format.as_str().to_string(),
        stale_files: stale.keys().cloned().collect(),
        workspace_files: matched.files.len(),
    });
    report.diagnostics.extend(stale.into_values());
    report.diagnostics.sort();
    report.diagnostics.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Coverage, AuditError> {
        parse(
            Path::new("cov/lcov.info"),
            text,
            &Wanted::default(),
            Path::new("/"),
        )
    }

    #[test]
    fn content_decides_the_format() {
        let lcov = parse_text("SF:a.rs\nDA:1,1\nend_of_record\n");
        assert_eq!(lcov.map(|c| c.format).ok(), Some(Format::Lcov));
        let json = parse_text("\u{feff}  {\"type\": \"llvm.coverage.json.export\", \"data\": []}");
        assert_eq!(json.map(|c| c.format).ok(), Some(Format::LlvmJson));
    }

    #[test]
    fn a_parse_error_names_file_and_line() {
        let error = parse_text("SF:a.rs\nDA:1\n")
            .err()
            .map(|error| error.to_string());
        assert_eq!(
            error.as_deref(),
            Some("cov/lcov.info:2: invalid `DA` record `DA:1`: expected `DA:LINE,COUNT` with LINE ≥ 1")
        );
    }

    #[test]
    fn an_unreadable_file_is_an_error_without_a_line() {
        let error = read(
            Path::new("/nonexistent/lcov.info"),
            &Wanted::default(),
            Path::new("/"),
        )
        .err();
        assert!(
            matches!(error, Some(AuditError::Coverage { line: None, .. })),
            "{error:?}"
        );
    }
}
