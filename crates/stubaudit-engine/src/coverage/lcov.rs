//! Reading LCOV tracefiles, as cargo-llvm-cov (`--lcov`) and
//! cargo-tarpaulin (`--out Lcov`) write them.
//!
//! A small hand-written reader rather than the `lcov` crate: the join needs
//! only `SF:`, `DA:` and `end_of_record`, and must pass over every other
//! record, including ones newer than that crate knows (lcov 2's `FNL:` /
//! `FNA:`), while reporting a broken record with its line number in the
//! engine's own error. The crate would reject unknown records and bring
//! `thiserror` and its proc-macro stack for a 100-line format.
//!
//! It streams: one line of the tracefile at a time, handing each `DA:` to
//! the [`Collector`], which keeps only what the join needs.

use super::wanted::Collector;
use std::io::BufRead;

/// A parse error: the 1-based line of the tracefile and what is wrong.
pub(super) type ParseError = (u32, String);

/// Reads a tracefile, one `SF:` record after another. Function records
/// (`FN:`, `FNDA:`, duplicated per crate build by cargo-llvm-cov), branch
/// records and totals are skipped: the join matches on (file, line) only.
/// An I/O error is reported at the line it happened on.
pub(super) fn read(
    mut reader: impl BufRead,
    collector: &mut Collector<'_>,
) -> Result<(), ParseError> {
    let mut current: Option<usize> = None;
    let mut records = 0usize;
    let mut buffer = Vec::new();
    let mut line_no: u32 = 0;
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).map_err(|error| {
            (
                line_no.saturating_add(1),
                format!("could not read: {error}"),
            )
        })?;
        if read == 0 {
            break;
        }
        line_no = line_no.saturating_add(1);
        let raw = std::str::from_utf8(&buffer)
            .map_err(|_| (line_no, "coverage file is not valid UTF-8".to_string()))?;
        let raw = if line_no == 1 {
            raw.strip_prefix('\u{feff}').unwrap_or(raw)
        } else {
            raw
        };
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line == "end_of_record" {
            current = None;
            records += 1;
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err((
                line_no,
                format!(
                    "expected an LCOV record (`KEY:VALUE` or `end_of_record`), found `{}`",
                    excerpt(line)
                ),
            ));
        };
        match key {
            "SF" => {
                // A missing `end_of_record` closes the previous file.
                let path = value.trim();
                if path.is_empty() {
                    return Err((line_no, "`SF` record names no file".to_string()));
                }
                current = Some(collector.file(path, line_no));
            }
            "DA" => {
                let Some(file) = current else {
                    return Err((
                        line_no,
                        "`DA` record outside a file: no `SF` record before it".to_string(),
                    ));
                };
                let (line, count) = parse_da(value).ok_or_else(|| {
                    (
                        line_no,
                        format!(
                            "invalid `DA` record `{}`: expected `DA:LINE,COUNT` with LINE ≥ 1",
                            excerpt(line)
                        ),
                    )
                })?;
                collector.run(file, line, line, count);
            }
            _ if is_record_key(key) => {}
            _ => return Err((line_no, format!("unknown LCOV record `{}`", excerpt(key)))),
        }
        records += 1;
    }
    if records == 0 {
        return Err((1, "the file holds no LCOV records".to_string()));
    }
    Ok(())
}

/// `LINE,COUNT[,CHECKSUM]`. A negative count (gcov's "unexecutable") is 0.
fn parse_da(value: &str) -> Option<(u32, u64)> {
    let mut parts = value.split(',');
    let line: u32 = parts.next()?.trim().parse().ok()?;
    let count = parts.next()?.trim();
    if line == 0 {
        return None;
    }
    let count = match count.parse::<u64>() {
        Ok(count) => count,
        Err(_) => {
            let signed: i64 = count.parse().ok()?;
            u64::try_from(signed).unwrap_or(0)
        }
    };
    Some((line, count))
}

/// LCOV keys are upper-case words (`TN`, `FNDA`, `BRDA`, `LF`, …).
fn is_record_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|byte| byte.is_ascii_uppercase())
}

/// At most 60 characters of `text`, for an error message.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::wanted::{FileCoverage, Wanted, WantedFile};
    use super::*;
    use std::path::Path;

    /// Reads `text` wanting lines 1..=100 of `a.rs` and `b.rs` (100 lines each).
    fn parse(text: &str) -> Result<Vec<FileCoverage>, ParseError> {
        let mut wanted = Wanted::default();
        for name in ["a.rs", "b.rs", "/a/src/lib.rs"] {
            let file = WantedFile {
                line_count: 100,
                ranges: vec![(1, 100)],
            };
            wanted
                .files
                .insert(name.trim_start_matches('/').to_string(), file);
        }
        let names: Vec<String> = wanted.files.keys().cloned().collect();
        let mut collector = Collector::new(&wanted, Path::new("/"), &names);
        read(text.as_bytes(), &mut collector)?;
        Ok(collector.files)
    }

    fn lines(file: &FileCoverage) -> Vec<(u32, u64)> {
        file.lines
            .iter()
            .map(|(&line, &hits)| (line, hits))
            .collect()
    }

    #[test]
    fn reads_sf_and_da_and_skips_function_and_branch_records() {
        let text = "TN:\nSF:/a/src/lib.rs\nFN:3,_RNvCs1_3lib1f\nFN:3,_RNvCs2_3lib1f\nFNDA:0,_RNvCs1_3lib1f\nDA:3,4\nDA:4,0\nBRDA:4,0,0,-\nLF:2\nLH:1\nend_of_record\n";
        let files = parse(text).unwrap_or_default();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "/a/src/lib.rs");
        assert_eq!(files[0].record_line, 2);
        assert_eq!(lines(&files[0]), [(3, 4), (4, 0)]);
    }

    #[test]
    fn a_missing_end_of_record_closes_the_file_at_the_next_sf() {
        let files = parse("SF:a.rs\nDA:1,1\nSF:b.rs\nDA:2,0\n").unwrap_or_default();
        let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
        assert_eq!(paths, ["a.rs", "b.rs"]);
    }

    #[test]
    fn repeated_da_lines_and_records_add_up() {
        let files =
            parse("SF:a.rs\nDA:1,1\nDA:1,2\nend_of_record\nSF:a.rs\nDA:1,4\nend_of_record\n")
                .unwrap_or_default();
        assert_eq!(files.len(), 1);
        assert_eq!(lines(&files[0]), [(1, 7)]);
    }

    #[test]
    fn lines_past_the_end_are_kept_as_one_number() {
        let files = parse("SF:a.rs\nDA:4294967295,1\nDA:240,0\nDA:7,1\n").unwrap_or_default();
        assert_eq!(lines(&files[0]), [(7, 1)]);
        assert_eq!(files[0].first_past, Some(240));
    }

    #[test]
    fn a_broken_da_record_names_its_line() {
        let error = parse("SF:a.rs\nDA:1,1\nDA:x,1\n").err();
        assert_eq!(
            error,
            Some((
                3,
                "invalid `DA` record `DA:x,1`: expected `DA:LINE,COUNT` with LINE ≥ 1".to_string()
            ))
        );
    }

    #[test]
    fn da_before_any_sf_is_an_error() {
        assert_eq!(parse("TN:\nDA:1,1\n").err().map(|(line, _)| line), Some(2));
    }

    #[test]
    fn text_that_is_not_lcov_is_an_error_at_its_first_line() {
        assert_eq!(parse("hello world\n").err().map(|(line, _)| line), Some(1));
        assert_eq!(parse("").err().map(|(line, _)| line), Some(1));
        assert_eq!(parse("sf:a.rs\n").err().map(|(line, _)| line), Some(1));
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let mut collector_input = b"SF:a.rs\nDA:1,1\n".to_vec();
        collector_input.extend_from_slice(b"SF:caf\xe9.rs\n");
        let wanted = Wanted::default();
        let names = Vec::new();
        let mut collector = Collector::new(&wanted, Path::new("/"), &names);
        let error = read(collector_input.as_slice(), &mut collector).err();
        assert_eq!(error.map(|(line, _)| line), Some(3));
    }
}
