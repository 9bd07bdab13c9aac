//! What the join needs from a coverage file, and the collector that keeps
//! only that while the file streams by. A coverage file can be hundreds of
//! megabytes, and a record can name any line number (a JSON segment at
//! line 4,294,967,295): nothing here allocates by line number or by file
//! size. Per distinct path it keeps the hits of the lines some stub hides
//! (the only lines the join looks up) and the first line past the end of
//! the workspace file the path can match (the staleness check).

use super::paths::PathMatcher;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One workspace file as the join sees it.
#[derive(Debug, Clone, Default)]
pub struct WantedFile {
    /// Its number of lines.
    pub line_count: u32,
    /// The line ranges stubs hide in it, sorted and merged.
    pub ranges: Vec<(u32, u32)>,
}

/// The workspace files, by workspace-relative path with `/` separators.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    /// The files.
    pub files: BTreeMap<String, WantedFile>,
}

impl Wanted {
    /// Adds hidden lines `start..=end` of `file`.
    pub fn add_range(&mut self, file: &str, start: u32, end: u32) {
        if let Some(wanted) = self.files.get_mut(file) {
            wanted.ranges.push((start.min(end), end.max(start)));
        }
    }

    /// Sorts and merges the ranges; call once all are added.
    pub fn finish(&mut self) {
        for file in self.files.values_mut() {
            file.ranges.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::with_capacity(file.ranges.len());
            for &(start, end) in &file.ranges {
                match merged.last_mut() {
                    Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
                    _ => merged.push((start, end)),
                }
            }
            file.ranges = merged;
        }
    }
}

/// The line counts a coverage file gives for one distinct source path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCoverage {
    /// The path as the coverage file writes it.
    pub path: String,
    /// The line of the coverage file that starts its first record (0 when
    /// the format has no lines to speak of, as in JSON).
    pub record_line: u32,
    /// The workspace file this path can match, if any.
    pub candidate: Option<String>,
    /// Hits per wanted line of the candidate.
    pub lines: BTreeMap<u32, u64>,
    /// The first line with a record past the candidate's end.
    pub first_past: Option<u32>,
}

/// Keeps what the join wants of the records streaming by.
pub(super) struct Collector<'w> {
    wanted: &'w Wanted,
    matcher: PathMatcher<'w>,
    by_path: HashMap<String, usize>,
    /// One entry per distinct path, in order of first appearance.
    pub(super) files: Vec<FileCoverage>,
}

impl<'w> Collector<'w> {
    pub(super) fn new(wanted: &'w Wanted, root: &'w Path, names: &'w [String]) -> Self {
        Collector {
            wanted,
            matcher: PathMatcher::new(root, names),
            by_path: HashMap::new(),
            files: Vec::new(),
        }
    }

    /// The entry for `path`, made at its first record (`record_line`).
    pub(super) fn file(&mut self, path: &str, record_line: u32) -> usize {
        if let Some(&index) = self.by_path.get(path) {
            return index;
        }
        let index = self.files.len();
        self.files.push(FileCoverage {
            path: path.to_string(),
            record_line,
            candidate: self.matcher.candidate(path).map(str::to_string),
            lines: BTreeMap::new(),
            first_past: None,
        });
        self.by_path.insert(path.to_string(), index);
        index
    }

    /// `count` hits on each line of `start..=end` of entry `index`.
    pub(super) fn run(&mut self, index: usize, start: u32, end: u32, count: u64) {
        let file = &mut self.files[index];
        let Some(wanted) = file
            .candidate
            .as_ref()
            .and_then(|candidate| self.wanted.files.get(candidate))
        else {
            return;
        };
        if end > wanted.line_count {
            let past = start.max(wanted.line_count.saturating_add(1));
            file.first_past = Some(file.first_past.map_or(past, |first| first.min(past)));
        }
        // Only the wanted ranges the run overlaps: work bounded by the
        // hidden lines, whatever line numbers the file names.
        let first = wanted.ranges.partition_point(|&(_, high)| high < start);
        for &(low, high) in wanted.ranges[first..]
            .iter()
            .take_while(|(low, _)| *low <= end)
        {
            for line in low.max(start)..=high.min(end) {
                let hits = file.lines.entry(line).or_insert(0);
                *hits = hits.saturating_add(count);
            }
        }
    }
}
