//! `--message-format markdown`: a summary for a pull-request comment or
//! `$GITHUB_STEP_SUMMARY`. Totals first; then a table of the findings,
//! those hiding the most lines no test runs first; then each finding's
//! details folded in `<details>`, with its dark lines as code. Plain
//! string building (GitHub-flavoured Markdown needs no crate); sizes are
//! capped to stay well under GitHub's 65,536-character comment limit.

use super::{short, title, SourceCache};
use crate::render::human::{DARK_LINES, DARK_RANGES};
use std::cmp::Reverse;
use stubaudit_engine::report::{Stub, MAX_SHOWN_RANGES};
use stubaudit_engine::{Code, Level, Report};

/// Rows in the findings table.
pub const MAX_ROWS: usize = 50;
/// Findings with folded details.
pub const MAX_DETAILS: usize = 25;

/// The report as Markdown, ending in a newline; with `diff_base`
/// (`--diff-base REV`) it says that it lists what changed since REV.
pub fn render(report: &Report, diff_base: Option<&str>) -> String {
    let mut sources = SourceCache::new(&report.workspace_root);
    let mut out = match diff_base {
        Some(rev) => format!("## stubaudit: changes since `{}`\n\n", cell(rev)),
        None => String::from("## stubaudit\n\n"),
    };
    out.push_str(&totals(report, diff_base));
    let mut findings: Vec<&Stub> = report
        .stubs
        .iter()
        .filter(|stub| stub.level >= Level::Warn)
        .collect();
    findings.sort_by_key(|stub| {
        (
            Reverse(stub.hidden.uncovered_lines().unwrap_or(0)),
            Reverse(stub.level),
            Reverse(stub.hidden.lines),
            &stub.site,
        )
    });
    if findings.is_empty() {
        out.push_str("No findings at level warn or deny.\n");
        return out;
    }
    let coverage = report.coverage.is_some();
    out.push_str(if coverage {
        "| level | finding | stub | test | height | hidden lines | run by no test |\n| --- | --- | --- | --- | ---: | ---: | ---: |\n"
    } else {
        "| level | finding | stub | test | height | hidden lines |\n| --- | --- | --- | --- | ---: | ---: |\n"
    });
    for stub in findings.iter().take(MAX_ROWS) {
        let height = stub
            .height
            .map_or_else(|| "–".to_string(), |height| height.to_string());
        let test = match &stub.site.test {
            Some(test) => format!(
                "`{}` ({}:{})",
                cell(test),
                cell(&stub.site.file),
                stub.site.line
            ),
            None => format!("{}:{}", cell(&stub.site.file), stub.site.line),
        };
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {test} | {height} | {} |",
            stub.level.as_str(),
            stub.code,
            cell(&target(stub)),
            stub.hidden.lines
        ));
        if let Some(uncovered) = stub.hidden.uncovered_lines() {
            out.push_str(&format!(" {uncovered} |"));
        } else if coverage {
            out.push_str(" – |");
        }
        out.push('\n');
    }
    if findings.len() > MAX_ROWS {
        out.push_str(&format!(
            "\n… and {} more findings: see `cargo stubaudit` or its JSON report.\n",
            findings.len() - MAX_ROWS
        ));
    }
    out.push('\n');
    for stub in findings.iter().take(MAX_DETAILS) {
        out.push_str(&details(stub, &mut sources));
    }
    out
}

/// The totals paragraph and the verdict.
fn totals(report: &Report, diff_base: Option<&str>) -> String {
    let summary = &report.summary;
    let counts: Vec<String> = Code::ALL
        .iter()
        .filter_map(|code| {
            let count = summary.by_code.get(code.as_str()).copied().unwrap_or(0);
            (count > 0).then(|| format!("{count} `{code}`"))
        })
        .collect();
    let mut out = format!(
        "**{} stub site{}**",
        summary.stub_sites,
        if summary.stub_sites == 1 { "" } else { "s" }
    );
    if !counts.is_empty() {
        out.push_str(&format!(" ({})", counts.join(", ")));
    }
    out.push_str(&format!(
        ". **{}** production lines hidden from tests",
        summary.hidden_lines
    ));
    match summary.uncovered_hidden_lines {
        Some(uncovered) => {
            out.push_str(&format!(", **{uncovered} of them run by no test**"));
            let mut parts = Vec::new();
            if let Some(covered) = summary.covered_hidden_lines {
                parts.push(format!("{covered} run by other tests"));
            }
            if let Some(not_instrumented) = summary.not_instrumented_hidden_lines {
                parts.push(format!("{not_instrumented} not instrumented"));
            }
            if !parts.is_empty() {
                out.push_str(&format!(" ({})", parts.join(", ")));
            }
            out.push('.');
        }
        None => {
            out.push_str(" (no coverage given: run with `--coverage` to see which run by no test).")
        }
    }
    out.push('\n');
    if let Some(coverage) = &report.coverage {
        let name = coverage
            .file
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&coverage.file);
        out.push_str(&format!(
            "\nCoverage: `{}` ({}",
            cell(name),
            coverage.format
        ));
        if coverage.stale_files.is_empty() {
            out.push_str(").\n");
        } else {
            let files: Vec<String> = coverage
                .stale_files
                .iter()
                .map(|file| format!("`{}`", cell(file)))
                .collect();
            out.push_str(&format!("), **stale** for {}.\n", files.join(", ")));
        }
    }
    let denied = report
        .stubs
        .iter()
        .filter(|stub| stub.level == Level::Deny)
        .count();
    let allowed = report
        .stubs
        .iter()
        .filter(|stub| stub.level == Level::Allow)
        .count();
    out.push('\n');
    out.push_str(&match denied {
        0 => "The policy holds.".to_string(),
        1 => "**1 finding is denied by policy.**".to_string(),
        n => format!("**{n} findings are denied by policy.**"),
    });
    if allowed > 0 {
        out.push_str(&format!(" {allowed} allowed."));
    }
    if let Some(baseline) = &report.baseline {
        let against = match diff_base {
            Some(rev) => format!("Since `{}`", cell(rev)),
            None => "Against the baseline".to_string(),
        };
        out.push_str(&format!(
            " {against}: {} new, {} worse, {} fixed.",
            baseline.new.len(),
            baseline.worse.len(),
            baseline.fixed.len()
        ));
    }
    out.push_str("\n\n");
    out
}

fn target(stub: &Stub) -> String {
    short(&stub.target.path, stub.target.method.as_deref())
}

/// One finding, folded.
fn details(stub: &Stub, sources: &mut SourceCache) -> String {
    let mut summary = format!(
        "<b>{}</b> <code>{}</code>: {}",
        stub.level.as_str(),
        stub.code,
        html(&title(stub))
    );
    if let Some(uncovered) = stub.hidden.uncovered_lines() {
        if uncovered > 0 {
            summary.push_str(&format!(" — {uncovered} hidden lines run by no test"));
        }
    }
    let mut out = format!("<details>\n<summary>{summary}</summary>\n\n");
    let test = stub
        .site
        .test
        .as_ref()
        .map(|test| format!(" in `{test}`"))
        .unwrap_or_default();
    out.push_str(&format!(
        "- stub site: `{}:{}:{}`{test}, `{}` ({})\n",
        stub.site.file, stub.site.line, stub.site.column, stub.double.type_name, stub.double.kind
    ));
    if !stub.hidden.ranges.is_empty() {
        let ranges: Vec<String> = stub
            .hidden
            .ranges
            .iter()
            .take(MAX_SHOWN_RANGES)
            .map(|range| {
                format!(
                    "`{}` ({}:{}-{})",
                    range.fn_name, range.file, range.start, range.end
                )
            })
            .collect();
        let coverage = match &stub.hidden.uncovered {
            Some(coverage) => format!(
                " ({} run by no test, {} run by other tests, {} not instrumented)",
                coverage.uncovered, coverage.covered, coverage.not_instrumented
            ),
            None => String::new(),
        };
        out.push_str(&format!(
            "- hides {} lines{coverage}: {}\n",
            stub.hidden.lines,
            ranges.join(", ")
        ));
    }
    if let Some(point) = &stub.lower_stub_point {
        out.push_str(&format!(
            "- lower stub point: `{}::{}`\n",
            point.path, point.method
        ));
    }
    if let Some(reason) = &stub.allowed {
        out.push_str(&format!("- allowed: {reason}\n"));
    }
    out.push_str(&format!("- help: {}\n", stub.help));
    if let Some(coverage) = &stub.hidden.uncovered {
        if !coverage.uncovered_ranges.is_empty() {
            out.push_str("\nHidden lines no test runs:\n");
        }
        for range in coverage.uncovered_ranges.iter().take(DARK_RANGES) {
            let end = range.end.min(range.start + DARK_LINES - 1);
            let lines = match range.start == range.end {
                true => range.start.to_string(),
                false => format!("{}-{}", range.start, range.end),
            };
            let mut block = format!(
                "\n```rust\n// {}:{lines} in `{}`\n",
                range.file, range.fn_name
            );
            for line in range.start..=end {
                block.push_str(sources.line(&range.file, line).unwrap_or(""));
                block.push('\n');
            }
            if end < range.end {
                block.push_str(&format!("// … {} more lines\n", range.end - end));
            }
            block.push_str("```\n");
            out.push_str(&block);
        }
        let more = coverage.uncovered_ranges.len().saturating_sub(DARK_RANGES);
        if more > 0 {
            out.push_str(&format!("\n… and {more} more uncovered ranges.\n"));
        }
    }
    out.push_str("\n</details>\n\n");
    out
}

/// Text safe in a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Text safe in HTML (the `<summary>` line), with backticks as `<code>`.
fn html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut out = String::new();
    for (index, part) in escaped.split('`').enumerate() {
        if index > 0 {
            out.push_str(if index % 2 == 1 { "<code>" } else { "</code>" });
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_html_escapes_and_turns_backticks_into_code() {
        assert_eq!(
            html("`Vec<u8>::len` & more"),
            "<code>Vec&lt;u8&gt;::len</code> &amp; more"
        );
    }

    #[test]
    fn cells_escape_pipes() {
        assert_eq!(cell("a|b"), "a\\|b");
    }
}
