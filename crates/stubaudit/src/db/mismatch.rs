//! The message of an unmatched statement: the statement as received, then
//! the closest routes ranked, each with a ✓/✗ per criterion and a diff of
//! the normalised SQL, one clause per line.
//!
//! Plain string building; the ✓/✗ lines come from [`crate::verdict`].

use super::journal::RecordedStatement;
use super::stub::RouteState;
use crate::verdict::{closest_heading, render_checks, Check};

/// How many routes the message shows.
const CLOSEST: usize = 3;

/// The panic message for `statement`, which none of `routes` accepts.
pub(super) fn render(statement: &RecordedStatement, routes: &[RouteState]) -> String {
    let mut message =
        String::from("stubaudit: DbStub received a statement that no route matches\n\n");
    message.push_str(&format!("  {}\n", statement.summary()));
    if routes.is_empty() {
        message.push_str("\nthe stub has no routes: add one with `.on(sql(...))`\n");
        return message;
    }
    let mut ranked: Vec<(usize, &RouteState, Vec<Check>, f32)> = routes
        .iter()
        .enumerate()
        .map(|(index, route)| {
            let mut checks = route.matcher.checks(statement);
            if !route.times.allows_another(route.calls) {
                checks.push(Check::used_up(route.times, route.calls));
            }
            (index, route, checks, route.matcher.similarity(statement))
        })
        .collect();
    // Same SQL first, then the most similar SQL, then fewest failed
    // criteria; ties keep registration order.
    ranked.sort_by(
        |(_, _, left, left_similarity), (_, _, right, right_similarity)| {
            let sql_failed = |checks: &[Check]| {
                checks
                    .iter()
                    .any(|check| check.criterion == "sql" && !check.ok)
            };
            let failed = |checks: &[Check]| checks.iter().filter(|check| !check.ok).count();
            sql_failed(left)
                .cmp(&sql_failed(right))
                .then(right_similarity.total_cmp(left_similarity))
                .then(failed(left).cmp(&failed(right)))
        },
    );
    let shown = ranked.len().min(CLOSEST);
    message.push_str(&closest_heading(shown, routes.len()));
    for (index, route, checks, _) in ranked.iter().take(CLOSEST) {
        message.push_str(&format!("\n  route {}: {}\n", index + 1, route.describe()));
        render_checks(checks, &mut message);
    }
    message
}
