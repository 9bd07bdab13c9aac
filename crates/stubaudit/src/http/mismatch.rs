//! The message of an unmatched request: the request as received, then the
//! closest routes ranked, each with a ✓/✗ per criterion and a body diff.
//!
//! Plain string building; the ✓/✗ lines come from [`crate::verdict`].

use super::journal::RecordedRequest;
use super::stub::RouteState;
use crate::verdict::{closest_heading, render_checks, Check};

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
                checks.push(Check::used_up(route.times, route.calls));
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
    message.push_str(&closest_heading(shown, routes.len()));
    for (index, route, checks) in ranked.iter().take(CLOSEST) {
        message.push_str(&format!("\n  route {}: {}\n", index + 1, route.describe()));
        render_checks(checks, &mut message);
    }
    message
}
