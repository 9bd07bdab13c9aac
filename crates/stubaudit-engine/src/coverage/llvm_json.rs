//! Reading llvm-cov's JSON export (`llvm-cov export -format=text`,
//! `cargo llvm-cov --json`), version 2 and 3.
//!
//! The export has no per-line counts, only each file's region segments; the
//! line counts are derived here with the rule llvm-cov itself uses for its
//! LCOV export and line reports (`LineCoverageStats` in LLVM's
//! `CoverageMapping.cpp`), so the JSON and LCOV exports of one profile give
//! the same (line, hits) pairs. serde_json reads it (already a dependency);
//! its errors carry the line and column of the tracefile.

//!
//! It streams: serde_json reads the export from the file through
//! `DeserializeSeed`s, so each file's segments live only until its line
//! runs are handed to the [`Collector`]; `functions` and totals are skipped
//! unread. Line counts are derived as runs (`start..=end` with one count),
//! never line by line, so a segment at line 4,294,967,295 costs nothing.

use super::lcov::ParseError;
use super::wanted::Collector;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// The `type` an llvm-cov export declares.
const EXPORT_TYPE: &str = "llvm.coverage.json.export";

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

/// Reads an export from `reader`, handing each file's line runs to
/// `collector` as it goes.
pub(super) fn read(
    reader: impl std::io::Read,
    collector: &mut Collector<'_>,
) -> Result<(), ParseError> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let kind = ExportSeed { collector }
        .deserialize(&mut deserializer)
        .and_then(|kind| deserializer.end().map(|()| kind))
        .map_err(|error| {
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
    if kind.as_deref() != Some(EXPORT_TYPE) {
        return Err((
            1,
            format!("not an llvm-cov JSON export: its `type` is not `{EXPORT_TYPE}`"),
        ));
    }
    Ok(())
}

/// The export object; yields its `type`.
struct ExportSeed<'c, 'w> {
    collector: &'c mut Collector<'w>,
}

impl<'de> DeserializeSeed<'de> for ExportSeed<'_, '_> {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ExportSeed<'_, '_> {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an llvm-cov export object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => kind = map.next_value::<Option<String>>()?,
                "data" => map.next_value_seed(ListSeed {
                    collector: &mut *self.collector,
                    item: Item::Data,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(kind)
    }
}

/// What a [`ListSeed`] holds.
#[derive(Clone, Copy)]
enum Item {
    /// `data[]`: objects with `files`.
    Data,
    /// `files[]`: objects with `filename` and `segments`.
    File,
}

/// A JSON array of [`Item`]s.
struct ListSeed<'c, 'w> {
    collector: &'c mut Collector<'w>,
    item: Item,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ObjectSeed {
                collector: &mut *self.collector,
                item: self.item,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// One element of a [`ListSeed`].
struct ObjectSeed<'c, 'w> {
    collector: &'c mut Collector<'w>,
    item: Item,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut filename: Option<String> = None;
        let mut segments: Vec<Segment> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match (self.item, key.as_str()) {
                (Item::Data, "files") => map.next_value_seed(ListSeed {
                    collector: &mut *self.collector,
                    item: Item::File,
                })?,
                (Item::File, "filename") => filename = Some(map.next_value()?),
                (Item::File, "segments") => segments = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Item::File = self.item {
            let Some(filename) = filename else {
                return Err(serde::de::Error::missing_field("filename"));
            };
            let file = self.collector.file(&filename, 0);
            for (start, end, count) in line_runs(segments) {
                self.collector.run(file, start, end, count);
            }
        }
        Ok(())
    }
}

/// Per-line hit counts of one file's segments, as runs `(start, end,
/// count)` over the lines llvm-cov calls mapped (the lines its LCOV export
/// writes a `DA:` for). A line takes the count of the region wrapping it
/// from an earlier line, or the highest count of a region starting on it;
/// lines without segments between two lines with segments take the
/// wrapping region's count. The work is per segment, never per line.
fn line_runs(mut segments: Vec<Segment>) -> Vec<(u32, u32, u64)> {
    // Sorted by line (stably, so columns keep their order): an export is,
    // but a hand-made file need not be.
    segments.sort_by_key(Segment::line);
    let mut runs = Vec::new();
    let mut wrapped: Option<&Segment> = None;
    let mut index = 0;
    while index < segments.len() {
        let line = segments[index].line();
        let end = segments[index..]
            .iter()
            .position(|segment| segment.line() != line)
            .map_or(segments.len(), |len| index + len);
        let on_line = &segments[index..end];
        let starts = on_line.iter().filter(|s| s.starts_region()).count();
        let skipped = !on_line[0].has_count() && on_line[0].is_region_entry();
        let mapped = !skipped && (wrapped.is_some_and(Segment::has_count) || starts > 0);
        if mapped && line > 0 {
            let mut count = wrapped.map_or(0, Segment::count);
            for segment in on_line.iter().filter(|s| s.starts_region()) {
                count = count.max(segment.count());
            }
            runs.push((line, line, count));
        }
        let last = &on_line[on_line.len() - 1];
        // The lines up to the next segment's line, wrapped by `last`.
        if let Some(next) = segments.get(end) {
            if next.line() > line.saturating_add(1) && last.has_count() {
                runs.push((line.saturating_add(1).max(1), next.line() - 1, last.count()));
            }
        }
        wrapped = Some(last);
        index = end;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::super::wanted::{FileCoverage, Wanted, WantedFile};
    use super::*;
    use std::path::Path;

    fn parse(text: &str) -> Result<Vec<FileCoverage>, ParseError> {
        let mut wanted = Wanted::default();
        let file = WantedFile {
            line_count: 1_000,
            ranges: vec![(1, 1_000)],
        };
        wanted.files.insert("a/src/lib.rs".to_string(), file);
        let names: Vec<String> = wanted.files.keys().cloned().collect();
        let mut collector = Collector::new(&wanted, Path::new("/"), &names);
        read(text.as_bytes(), &mut collector)?;
        Ok(collector.files)
    }

    fn export(json_segments: &str) -> String {
        format!(
            r#"{{"type": "llvm.coverage.json.export", "version": "3.0.1",
                "data": [{{"files": [{{"filename": "/a/src/lib.rs", "segments": {json_segments}}}]}}]}}"#
        )
    }

    fn counts(json_segments: &str) -> Vec<(u32, u64)> {
        match parse(&export(json_segments)) {
            Ok(files) => files[0].lines.iter().map(|(&l, &c)| (l, c)).collect(),
            Err(error) => panic!("{error:?}"),
        }
    }

    /// Regression (issue 10): a segment at the last line number once made
    /// the reader fill every line up to it.
    #[test]
    fn a_segment_at_a_huge_line_costs_nothing() {
        let files = parse(&export(
            "[[1,1,1,true,true,false],[4294967295,1,0,false,false,false]]",
        ));
        let files = files.unwrap_or_default();
        assert_eq!(files[0].lines.len(), 1_000);
        assert_eq!(files[0].first_past, Some(1_001));
    }

    #[test]
    fn the_type_may_come_last_and_other_fields_are_skipped() {
        let text = r#"{"data": [{"files": [{"segments": [[2,1,7,true,true,false],[2,9,0,false,false,false]], "summary": {}, "filename": "/a/src/lib.rs"}], "functions": [{"name": "f"}]}], "type": "llvm.coverage.json.export"}"#;
        let files = parse(text).unwrap_or_default();
        assert_eq!(
            files[0]
                .lines
                .iter()
                .map(|(&l, &c)| (l, c))
                .collect::<Vec<_>>(),
            [(2, 7)]
        );
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
