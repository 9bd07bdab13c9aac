//! `--message-format human`: rustc-style diagnostics drawn by
//! annotate-snippets, the renderer rustc and cargo use, so findings look
//! like the compiler's own. Only this file knows the renderer; it reads the
//! source lines it shows from the workspace. `-v` adds boundary stubs,
//! notes and allowed stubs (with why they are allowed), so every stub the
//! summary counts is listed.
//!
//! With coverage, each finding also shows its *dark lines*: the hidden
//! lines no test runs, as code (at most [`DARK_RANGES`] ranges of at most
//! [`DARK_LINES`] lines per finding).

use super::title;
use annotate_snippets::{AnnotationKind, Group, Level as Severity, Renderer, Snippet};
use std::collections::HashMap;
use std::path::Path;
use stubaudit_engine::report::{ReportDiagnostic, Stub, UncoveredRange, MAX_SHOWN_RANGES};
use stubaudit_engine::{Code, Level, Report};

/// Uncovered ranges shown as code per finding.
pub const DARK_RANGES: usize = 3;
/// Lines shown per uncovered range.
pub const DARK_LINES: u32 = 8;

/// Rendering options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// ANSI colours.
    pub color: bool,
    /// Show boundary stubs and notes.
    pub verbose: bool,
    /// Only denied findings, no summary.
    pub quiet: bool,
    /// What changed against `--baseline`, as `-`/`+` lines.
    pub baseline_diff: Option<String>,
    /// `--diff-base REV`: the report holds only what changed since REV.
    pub diff_base: Option<String>,
}

/// The whole human report.
pub fn render(report: &Report, options: &Options) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut sources = Sources::new(&report.workspace_root);
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        if options.quiet
            || (!options.verbose
                && diagnostic.level != stubaudit_engine::diagnostic::Severity::Warning)
        {
            continue;
        }
        out.push_str(&render_diagnostic(&renderer, &mut sources, diagnostic));
        out.push_str("\n\n");
    }
    for stub in &report.stubs {
        let shown = match stub.level {
            Level::Allow | Level::Info => options.verbose,
            Level::Warn => !options.quiet,
            Level::Deny => true,
        };
        if shown {
            out.push_str(&render_stub(&renderer, &mut sources, stub, options.verbose));
            out.push_str("\n\n");
        }
    }
    if let (Some(diff), Some(baseline)) = (&options.baseline_diff, &report.baseline) {
        if !options.quiet {
            let against = match &options.diff_base {
                Some(rev) => format!("changes since `{rev}`"),
                None => format!("baseline `{}`", baseline.file),
            };
            out.push_str(&format!(
                "{against}: {} new, {} worse, {} fixed\n",
                baseline.new.len(),
                baseline.worse.len(),
                baseline.fixed.len()
            ));
            out.push_str(diff);
            out.push('\n');
        }
    }
    if !options.quiet {
        out.push_str(&summary_since(report, options.diff_base.as_deref()));
    }
    out
}

/// The closing summary line(s).
pub fn summary(report: &Report) -> String {
    summary_since(report, None)
}

/// The closing summary line(s); with `diff_base`, the failing findings are
/// those new or worse since that revision.
pub fn summary_since(report: &Report, diff_base: Option<&str>) -> String {
    let summary = &report.summary;
    let counts: Vec<String> = Code::ALL
        .iter()
        .filter_map(|code| {
            let count = summary.by_code.get(code.as_str()).copied().unwrap_or(0);
            (count > 0).then(|| format!("{count} {code}"))
        })
        .collect();
    let mut line = format!(
        "stubaudit: {} stub site{}",
        summary.stub_sites,
        if summary.stub_sites == 1 { "" } else { "s" }
    );
    if !counts.is_empty() {
        line.push_str(&format!(" ({})", counts.join(", ")));
    }
    line.push_str(&format!(
        "; {} production lines hidden from tests",
        summary.hidden_lines
    ));
    if let Some(uncovered) = summary.uncovered_hidden_lines {
        line.push_str(&format!(", {uncovered} of them run by no test"));
    }
    let denied: Vec<&Stub> = report
        .stubs
        .iter()
        .filter(|stub| stub.level == Level::Deny)
        .collect();
    let plural = |count: usize| if count == 1 { "" } else { "s" };
    match &report.baseline {
        Some(baseline) => {
            let failing = denied
                .iter()
                .filter(|stub| baseline.new.contains(&stub.id) || baseline.worse.contains(&stub.id))
                .count();
            let forgiven = denied.len() - failing;
            let against = match diff_base {
                Some(rev) => format!("since `{rev}`"),
                None => "than the baseline".to_string(),
            };
            if failing > 0 {
                line.push_str(&format!(
                    "\nerror: {failing} denied finding{} new or worse {against}",
                    plural(failing)
                ));
            }
            if forgiven > 0 {
                line.push_str(&format!(
                    "\nnote: {forgiven} denied finding{} already in the baseline",
                    plural(forgiven)
                ));
            }
        }
        None if !denied.is_empty() => {
            line.push_str(&format!(
                "\nerror: {} finding{} denied by policy",
                denied.len(),
                plural(denied.len())
            ));
        }
        None => {}
    }
    if let Some(incomplete) = &summary.incomplete_audit {
        if incomplete.level != Level::Allow {
            let kind = if incomplete.level == Level::Deny {
                "error"
            } else {
                "warning"
            };
            line.push_str(&format!(
                "\n{kind}: the audit is incomplete: {} file{} could not be read or parsed, and stubs in {} are not reported (`incomplete-audit`)",
                incomplete.files,
                plural(incomplete.files),
                if incomplete.files == 1 { "it" } else { "them" }
            ));
        }
    }
    line.push('\n');
    line
}

fn severity(level: Level) -> Severity<'static> {
    match level {
        Level::Deny => Severity::ERROR,
        Level::Warn => Severity::WARNING,
        Level::Info | Level::Allow => Severity::INFO,
    }
}

fn render_stub(renderer: &Renderer, sources: &mut Sources, stub: &Stub, verbose: bool) -> String {
    let site_label = match &stub.site.test {
        Some(test) => format!("{} in `{test}`", stub.double.type_name),
        None => format!("`{}` defined here", stub.double.type_name),
    };
    let mut group = Group::with_title(
        severity(stub.level)
            .primary_title(title(stub))
            .id(stub.code.as_str()),
    );
    let primary = sources.snippet(
        &stub.site.file,
        stub.site.line,
        stub.site.column,
        stub.site_len.max(1),
        &site_label,
        true,
    );
    if let Some(snippet) = primary {
        group = group.element(snippet);
    }
    for note in &stub.notes {
        if let Some(snippet) = sources.snippet(
            &note.file,
            note.line,
            note.column,
            note.len.max(1),
            &note.label,
            false,
        ) {
            group = group.element(snippet);
        }
    }
    if let Some(coverage) = &stub.hidden.uncovered {
        for range in coverage.uncovered_ranges.iter().take(DARK_RANGES) {
            if let Some(snippet) = sources.dark_snippet(range) {
                group = group.element(snippet);
            }
        }
    }
    if !stub.hidden.ranges.is_empty() {
        group = group.element(Severity::NOTE.message(hidden_note(stub)));
    }
    if stub.level == Level::Allow {
        let why = match &stub.allowed {
            Some(reason) => format!("allowed: {reason}"),
            None => format!("allowed: `{}` is at level `allow`", stub.code),
        };
        group = group.element(Severity::NOTE.message(why));
    }
    if verbose && !stub.approximate.is_empty() {
        group = group.element(Severity::NOTE.message(format!(
            "calls under the hidden code matched by method name only, not followed: {}",
            stub.approximate.join(", ")
        )));
    }
    if let Some(coverage) = &stub.hidden.uncovered {
        let more = coverage.uncovered_ranges.len().saturating_sub(DARK_RANGES);
        if more > 0 {
            group = group.element(Severity::NOTE.message(format!(
                "{more} more range{} run by no test, not shown: see `--message-format json`",
                if more == 1 { "" } else { "s" }
            )));
        }
    }
    group = group.element(Severity::HELP.message(stub.help.clone()));
    renderer.render(&[group]).to_string()
}

fn hidden_note(stub: &Stub) -> String {
    let mut by_file: Vec<(String, Vec<String>)> = Vec::new();
    // Bounded like the JSON: a finding never lists thousands of ranges.
    for range in stub.hidden.ranges.iter().take(MAX_SHOWN_RANGES) {
        let entry = format!("{}-{} `{}`", range.start, range.end, range.fn_name);
        match by_file.iter_mut().find(|(file, _)| *file == range.file) {
            Some((_, entries)) => entries.push(entry),
            None => by_file.push((range.file.clone(), vec![entry])),
        }
    }
    let files: Vec<String> = by_file
        .into_iter()
        .map(|(file, entries)| format!("{file}:{}", entries.join(", ")))
        .collect();
    let uncovered = match &stub.hidden.uncovered {
        Some(coverage) => {
            let mut parts = vec![format!("{} run by no test", coverage.uncovered)];
            if coverage.covered > 0 {
                parts.push(format!("{} run by other tests", coverage.covered));
            }
            if coverage.not_instrumented > 0 {
                parts.push(format!("{} not instrumented", coverage.not_instrumented));
            }
            format!(" ({})", parts.join(", "))
        }
        None => String::new(),
    };
    let omitted = stub.hidden.ranges.len().saturating_sub(MAX_SHOWN_RANGES);
    let more = if omitted > 0 {
        format!("; and {omitted} more fns")
    } else {
        String::new()
    };
    format!(
        "hides {} lines{uncovered}: {}{more}",
        stub.hidden.lines,
        files.join("; ")
    )
}

fn render_diagnostic(
    renderer: &Renderer,
    sources: &mut Sources,
    diagnostic: &ReportDiagnostic,
) -> String {
    let severity = match diagnostic.level {
        stubaudit_engine::diagnostic::Severity::Warning => Severity::WARNING,
        stubaudit_engine::diagnostic::Severity::Note => Severity::NOTE,
    };
    let mut group = Group::with_title(severity.primary_title(diagnostic.message.clone()));
    let snippet = diagnostic
        .line
        .and_then(|line| sources.snippet(&diagnostic.file, line, 1, 0, "", true));
    group = match snippet {
        Some(snippet) => group.element(snippet),
        None => group.element(Severity::NOTE.message(format!("in `{}`", diagnostic.file))),
    };
    renderer.render(&[group]).to_string()
}

/// Source lines, read once per file.
struct Sources<'a> {
    root: &'a Path,
    files: HashMap<String, Option<Vec<String>>>,
}

impl<'a> Sources<'a> {
    fn new(root: &'a Path) -> Self {
        Sources {
            root,
            files: HashMap::new(),
        }
    }

    fn line(&mut self, file: &str, line: u32) -> Option<String> {
        let root = self.root;
        let lines = self.files.entry(file.to_string()).or_insert_with(|| {
            let text = std::fs::read(root.join(file)).ok()?;
            Some(
                String::from_utf8_lossy(&text)
                    .lines()
                    .map(String::from)
                    .collect(),
            )
        });
        lines.as_ref()?.get(line.checked_sub(1)? as usize).cloned()
    }

    /// The lines of an uncovered range as code, marked "run by no test";
    /// a long range is cut to its first [`DARK_LINES`] lines.
    fn dark_snippet(
        &mut self,
        range: &UncoveredRange,
    ) -> Option<Snippet<'static, annotate_snippets::Annotation<'static>>> {
        let shown_end = range.end.min(range.start + DARK_LINES - 1);
        let mut text = String::new();
        for line in range.start..=shown_end {
            if line > range.start {
                text.push('\n');
            }
            text.push_str(&self.line(&range.file, line)?);
        }
        let start = text.len() - text.trim_start().len();
        let end = text.trim_end().len().max(start);
        let mut label = match range.lines {
            1 => "run by no test".to_string(),
            lines => format!("{lines} lines run by no test"),
        };
        if shown_end < range.end {
            label.push_str(&format!(
                " (lines {}-{}, first {DARK_LINES} shown)",
                range.start, range.end
            ));
        }
        Some(
            Snippet::source(text)
                .line_start(range.start as usize)
                .path(range.file.clone())
                .fold(false)
                .annotation(AnnotationKind::Context.span(start..end).label(label)),
        )
    }

    /// A one-line snippet underlining `len` characters from `column`.
    fn snippet(
        &mut self,
        file: &str,
        line: u32,
        column: u32,
        len: u32,
        label: &str,
        primary: bool,
    ) -> Option<Snippet<'static, annotate_snippets::Annotation<'static>>> {
        let text = self.line(file, line)?;
        let start = byte_offset(&text, column.saturating_sub(1) as usize);
        let end = byte_offset(&text, (column.saturating_sub(1) + len) as usize);
        let kind = if primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        let mut annotation = kind.span(start..end.max(start));
        if !label.is_empty() {
            annotation = annotation.label(label.to_string());
        }
        Some(
            Snippet::source(text)
                .line_start(line as usize)
                .path(file.to_string())
                .annotation(annotation),
        )
    }
}

fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(offset, _)| offset)
}
