//! What the strict stubs ([`HttpStub`](crate::http::HttpStub),
//! [`DbStub`](crate::db::DbStub)) print: one [`Check`] per criterion with ✓/✗,
//! and the verify message listing routes not called as scripted and the
//! journal. Shared so both stubs read alike.
//!
//! Plain string building; diffs come from [`crate::diff`].

use crate::diff::indent;

/// One criterion of a route checked against one call.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    /// `method`, `path`, `query`, `header`, `body`, `sql`, `params`, `calls`.
    pub criterion: &'static str,
    pub ok: bool,
    /// What the route wants, one line.
    pub expected: String,
    /// What the call had, one line; empty when it is the same or when the
    /// diff says it.
    pub actual: String,
    /// A unified diff of expected vs actual, when they differ.
    pub diff: Option<String>,
}

impl Check {
    /// The `calls` criterion of a route that has no calls left.
    pub(crate) fn used_up(times: crate::times::Times, calls: usize) -> Self {
        Check {
            criterion: "calls",
            ok: false,
            expected: times.describe(),
            actual: format!("already called {}", crate::times::count(calls)),
            diff: None,
        }
    }
}

/// `    ✓ method  GET` lines, with diffs indented below.
pub(crate) fn render_checks(checks: &[Check], message: &mut String) {
    for check in checks {
        let mark = if check.ok { '✓' } else { '✗' };
        let mut line = format!("    {mark} {:<7} {}", check.criterion, check.expected);
        if !check.actual.is_empty() {
            line.push_str(&format!("; got {}", check.actual));
        }
        message.push_str(&line);
        message.push('\n');
        if let Some(diff) = &check.diff {
            message.push_str(&indent(diff, 8));
            message.push('\n');
        }
    }
}

/// The heading above the closest routes.
pub(crate) fn closest_heading(shown: usize, total: usize) -> String {
    if shown == total {
        format!("\nclosest routes ({shown} of {total}):\n")
    } else {
        format!("\nclosest routes ({shown} of {total}, the rest differ more):\n")
    }
}

/// The verify message of stub `stub`, or `None` when all is well.
///
/// `unmet` lists routes not called as scripted, `journal` one line per call
/// received.
pub(crate) fn verify_message(
    stub: &str,
    unmet: &[String],
    unmatched: usize,
    journal: &[String],
) -> Option<String> {
    if unmet.is_empty() && unmatched == 0 {
        return None;
    }
    let mut message = format!("stubaudit: {stub} was not used as scripted\n");
    if !unmet.is_empty() {
        message.push_str("\nroutes not called as expected:\n");
        for line in unmet {
            message.push_str(&format!("  {line}\n"));
        }
    }
    match unmatched {
        0 => {}
        1 => message.push_str("\n1 call matched no route\n"),
        count => message.push_str(&format!("\n{count} calls matched no route\n")),
    }
    message.push_str("\ncalls received:\n");
    if journal.is_empty() {
        message.push_str("  (none)\n");
    }
    for line in journal {
        message.push_str(&format!("  {line}\n"));
    }
    Some(message)
}
