//! `--message-format github`: GitHub Actions workflow commands
//! (`::warning file=…,line=…,col=…,title=…::message`), which the runner
//! turns into annotations on the pull request's diff. Plain strings; the
//! escaping follows the runner's rules (`%`, `\r`, `\n` in the message,
//! and also `:` and `,` in properties).

use super::title;
use stubaudit_engine::report::Stub;
use stubaudit_engine::{Level, Report};

/// Rendering options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Prefix for workspace-relative paths, so they are relative to the
    /// repository root (`GITHUB_WORKSPACE`); empty when they already are.
    pub path_prefix: String,
    /// Also annotate boundary stubs (as notices).
    pub verbose: bool,
}

/// Escapes a message (the part after `::`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One command per finding, then a notice with the totals.
pub fn render(report: &Report, options: &Options) -> String {
    let mut out = String::new();
    for stub in &report.stubs {
        let command = match stub.level {
            Level::Deny => "error",
            Level::Warn => "warning",
            Level::Info if options.verbose => "notice",
            Level::Info | Level::Allow => continue,
        };
        out.push_str(&annotation(command, stub, options));
    }
    for diagnostic in &report.diagnostics {
        if diagnostic.level != stubaudit_engine::diagnostic::Severity::Warning {
            continue;
        }
        let mut properties = format!(
            "file={}",
            escape_property(&format!("{}{}", options.path_prefix, diagnostic.file))
        );
        if let Some(line) = diagnostic.line {
            properties.push_str(&format!(",line={line}"));
        }
        out.push_str(&format!(
            "::warning {properties},title=stubaudit::{}\n",
            escape_data(&diagnostic.message)
        ));
    }
    let summary = super::human::summary(report);
    let summary = summary.trim_end();
    out.push_str(&format!(
        "::notice title=stubaudit::{}\n",
        escape_data(summary.strip_prefix("stubaudit: ").unwrap_or(summary))
    ));
    out
}

fn annotation(command: &str, stub: &Stub, options: &Options) -> String {
    let mut message = stub.help.clone();
    if !stub.hidden.ranges.is_empty() {
        message.push_str(&format!("\nhides {} lines", stub.hidden.lines));
        if let Some(coverage) = &stub.hidden.uncovered {
            message.push_str(&format!(", {} run by no test", coverage.uncovered));
            let ranges: Vec<String> = coverage
                .uncovered_ranges
                .iter()
                .map(|range| match range.start == range.end {
                    true => format!("{}:{}", range.file, range.start),
                    false => format!("{}:{}-{}", range.file, range.start, range.end),
                })
                .collect();
            if !ranges.is_empty() {
                message.push_str(&format!(": {}", ranges.join(", ")));
            }
        }
    }
    if let Some(test) = &stub.site.test {
        message.push_str(&format!("\nin `{test}`"));
    }
    format!(
        "::{command} file={},line={},col={},endColumn={},title={}::{}\n",
        escape_property(&format!("{}{}", options.path_prefix, stub.site.file)),
        stub.site.line,
        stub.site.column,
        stub.site.column + stub.site_len.max(1),
        escape_property(&format!("{}: {}", stub.code, title(stub))),
        escape_data(&message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_escape_percent_and_newlines() {
        assert_eq!(escape_data("100%\r\ndone"), "100%25%0D%0Adone");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("high-stub: `A::b`, c%"),
            "high-stub%3A `A%3A%3Ab`%2C c%25"
        );
    }
}
