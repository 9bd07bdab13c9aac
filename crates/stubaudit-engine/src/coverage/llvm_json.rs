//! Reading llvm-cov's JSON export (`llvm-cov export -format=text`,
//! `cargo llvm-cov --json`), version 2 and 3.
//!
//! The export has no per-line counts, only each file's region segments; the
//! line counts are derived here with the rule llvm-cov itself uses for its
//! LCOV export and line reports (`LineCoverageStats` in LLVM's
//! `CoverageMapping.cpp`), so the JSON and LCOV exports of one profile give
//! the same (line, hits) pairs. serde_json reads it (already a dependency);
//! its errors carry the line and column of the tracefile.

use super::FileCoverage;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The `type` an llvm-cov export declares.
const EXPORT_TYPE: &str = "llvm.coverage.json.export";

#[derive(Deserialize)]
struct Export {
    #[serde(rename = "type")]
    kind: Option<String>,
    // Defaulted so that other tools' JSON fails on `type`, the clearer error.
    #[serde(default)]
    data: Vec<Data>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(default)]
    files: Vec<ExportFile>,
}

#[derive(Deserialize)]
struct ExportFile {
    filename: String,
    #[serde(default)]
    segments: Vec<Segment>,
}

/// `[line, col, count, has_count, is_region_entry, is_gap_region]`; the last
/// field arrived in export version 2.0.1. The column only orders segments,
/// which the export already does.
#[derive(Deserialize)]
struct Segment(
    u32,
    #[allow(dead_code)] // read so the tuple lines up; the export is sorted
    u32,
    u64,
    bool,
    bool,
    #[serde(default)] bool,
);

impl Segment {
    fn line(&self) -> u32 {
        self.0
    }
    fn count(&self) -> u64 {
        self.2
    }
    fn has_count(&self) -> bool {
        self.3
    }
    fn is_region_entry(&self) -> bool {
        self.4
    }
    fn is_gap_region(&self) -> bool {
        self.5
    }
    /// A segment that starts a counted, non-gap region.
    fn starts_region(&self) -> bool {
        !self.is_gap_region() && self.has_count() && self.is_region_entry()
    }
}

/// Parses an export into one entry per file, in export order.
pub(super) fn parse(text: &str) -> Result<Vec<FileCoverage>, super::lcov::ParseError> {
    let export: Export = serde_json::from_str(text).map_err(|error| {
        let message = error.to_string();
        // serde_json appends " at line L column C"; the line is reported apart.
        let message = match message.rfind(" at line ") {
            Some(end) => message[..end].to_string(),
            None => message,
        };
        (
            error.line().max(1) as u32,
            format!("invalid llvm-cov JSON export: {message}"),
        )
    })?;
    if export.kind.as_deref() != Some(EXPORT_TYPE) {
        return Err((
            1,
            format!("not an llvm-cov JSON export: its `type` is not `{EXPORT_TYPE}`"),
        ));
    }
    Ok(export
        .data
        .into_iter()
        .flat_map(|data| data.files)
        .map(|file| FileCoverage {
            lines: line_counts(&file.segments),
            path: file.filename,
            record_line: 0,
        })
        .collect())
}

/// Per-line hit counts of one file's sorted segments, for every line
/// llvm-cov calls mapped (the lines its LCOV export writes a `DA:` for).
fn line_counts(segments: &[Segment]) -> BTreeMap<u32, u64> {
    let mut lines = BTreeMap::new();
    let (Some(first), Some(last)) = (segments.first(), segments.last()) else {
        return lines;
    };
    let mut next = 0;
    let mut wrapped: Option<&Segment> = None;
    let mut on_line: Vec<&Segment> = Vec::new();
    for line in first.line()..=last.line() {
        if let Some(&previous) = on_line.last() {
            wrapped = Some(previous);
        }
        on_line.clear();
        while let Some(segment) = segments.get(next).filter(|s| s.line() == line) {
            on_line.push(segment);
            next += 1;
        }
        let starts = on_line.iter().filter(|s| s.starts_region()).count();
        let skipped = on_line
            .first()
            .is_some_and(|s| !s.has_count() && s.is_region_entry());
        let mapped = !skipped && (wrapped.is_some_and(Segment::has_count) || starts > 0);
        if !mapped {
            continue;
        }
        let mut count = wrapped.map_or(0, Segment::count);
        if starts > 0 {
            for segment in on_line.iter().filter(|s| s.starts_region()) {
                count = count.max(segment.count());
            }
        }
        lines.insert(line, count);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(json_segments: &str) -> Vec<(u32, u64)> {
        let text = format!(
            r#"{{"type": "llvm.coverage.json.export", "version": "3.0.1",
                "data": [{{"files": [{{"filename": "/a/src/lib.rs", "segments": {json_segments}}}]}}]}}"#
        );
        match parse(&text) {
            Ok(files) => files[0].lines.iter().map(|(&l, &c)| (l, c)).collect(),
            Err(error) => panic!("{error:?}"),
        }
    }

    #[test]
    fn a_region_spanning_lines_maps_every_line_to_its_count() {
        // fn body from 1:10 to 4:2, run 3 times.
        let lines = counts("[[1,10,3,true,true,false],[4,2,0,false,false,false]]");
        assert_eq!(lines, [(1, 3), (2, 3), (3, 3), (4, 3)]);
    }

    #[test]
    fn a_line_takes_the_highest_region_starting_on_it() {
        let lines = counts(
            "[[1,1,5,true,true,false],[2,5,0,true,true,false],[2,9,5,true,false,false],[3,1,0,false,false,false]]",
        );
        assert_eq!(lines, [(1, 5), (2, 5), (3, 5)]);
    }

    #[test]
    fn skipped_regions_and_gaps_are_not_mapped() {
        // 1..3 counted; a skipped (#[cfg]'d out) region starts on line 5.
        let lines = counts(
            "[[1,1,1,true,true,false],[3,2,0,false,false,false],[5,1,0,false,true,false],[6,1,0,false,false,false]]",
        );
        assert_eq!(lines, [(1, 1), (2, 1), (3, 1)]);
    }

    #[test]
    fn segments_without_the_gap_flag_are_read() {
        assert_eq!(counts("[[1,1,2,true,true],[1,9,0,false,false]]"), [(1, 2)]);
    }

    #[test]
    fn json_of_another_tool_is_an_error() {
        let error = parse(r#"{"data": []}"#).err().map(|(line, _)| line);
        assert_eq!(error, Some(1));
    }

    #[test]
    fn broken_json_names_its_line() {
        let error =
            parse("{\"type\": \"llvm.coverage.json.export\",\n\"data\": [\n{\"files\": [}]}").err();
        assert_eq!(error.as_ref().map(|(line, _)| *line), Some(3), "{error:?}");
    }
}
