//! The message of an unmatched request: the request as received, then the
//! closest routes ranked, each with a ✓/✗ per criterion and a body diff.
//!
//! Plain string building; the diff comes from [`crate::diff`] (`similar`).

use super::journal::RecordedRequest;
use super::matcher::Check;
use super::stub::RouteState;
use crate::diff::indent;

/// How many routes the message shows.
const CLOSEST: usize = 3;
/// How much of a body the message shows before cutting it.
const BODY_PREVIEW: usize = 2000;

/// The panic message for `request`, which none of `routes` accepts.
pub(super) fn render(request: &RecordedRequest, routes: &[RouteState]) -> String {
    let mut message =
        String::from("stubaudit: HttpStub received a request that no route matches\n\n");
    message.push_str(&format!("  {}\n", request.summary()));
    for (name, value) in &request.headers {
        message.push_str(&format!(
            "  {name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    if !request.body.is_empty() {
        let body = request.body_text();
        let preview: String = body.chars().take(BODY_PREVIEW).collect();
        let cut = if preview.len() < body.len() {
            " …"
        } else {
            ""
        };
        message.push_str(&format!("  body: {preview}{cut}\n"));
    }
    if routes.is_empty() {
        message.push_str("\nthe stub has no routes: add one with `.on(...)`\n");
        return message;
    }

    let mut ranked: Vec<(usize, &RouteState, Vec<Check>)> = routes
        .iter()
        .enumerate()
        .map(|(index, route)| {
            let mut checks = route.matcher.checks(request);
            if !route.times.allows_another(route.calls) {
                checks.push(Check {
                    criterion: "calls",
                    ok: false,
                    expected: route.times.describe(),
                    actual: format!("already called {}", crate::times::count(route.calls)),
                    diff: None,
                });
            }
            (index, route, checks)
        })
        .collect();
    // Same path first, then same method, then fewest failed criteria; ties
    // keep registration order.
    ranked.sort_by_key(|(_, _, checks)| {
        let failed = |criterion: &str| {
            checks
                .iter()
                .any(|check| check.criterion == criterion && !check.ok)
        };
        (
            failed("path"),
            failed("method"),
            checks.iter().filter(|check| !check.ok).count(),
        )
    });

    let shown = ranked.len().min(CLOSEST);
    let heading = if shown == routes.len() {
        format!("\nclosest routes ({} of {}):\n", shown, routes.len())
    } else {
        format!(
            "\nclosest routes ({} of {}, the rest differ more):\n",
            shown,
            routes.len()
        )
    };
    message.push_str(&heading);
    for (index, route, checks) in ranked.iter().take(CLOSEST) {
        message.push_str(&format!("\n  route {}: {}\n", index + 1, route.describe()));
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
    message
}
