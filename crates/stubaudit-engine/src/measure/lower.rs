//! Lower stub points: every boundary below a high stub. Moving the stub
//! down to one of them runs more lines under test only if every other
//! boundary the hidden code reaches is doubled too, so all of them are
//! named (sorted, bounded), and the "more lines" count is what runs with
//! all of them doubled.

use super::height::Heights;
use super::hidden::lines_of;
use super::status::{Measured, SiteStatus};
use super::LowerPoint;
use crate::graph::{Edge, FnId, Graph};
use crate::report::Status;
use std::collections::BTreeSet;

/// At most this many lower stub points are listed per finding.
pub const MAX_LOWER_POINTS: usize = 20;

/// The boundaries below a high stub.
pub(super) struct Lower {
    /// The one on the cheapest path to I/O (`lower_stub_point`).
    pub primary: Option<LowerPoint>,
    /// Every one, sorted by path and method, bounded.
    pub all: Vec<LowerPoint>,
    /// How many there are in all.
    pub total: usize,
    /// Hidden lines that run under test once every one of them is doubled.
    pub more_lines: u32,
}

/// The boundaries below a site at height 1 or more; `None` otherwise.
pub(super) fn lower_of(
    graph: &Graph,
    heights: &mut Heights<'_>,
    status: &SiteStatus,
    implementations: &[Measured],
    hidden: &BTreeSet<FnId>,
    from_package: usize,
) -> Option<Lower> {
    let height = match (status.status, status.height) {
        (Status::Io, Some(height)) if height > 0 => height,
        _ => return None,
    };
    let primary = implementations
        .iter()
        .filter(|m| !m.phantom && m.height == Some(height))
        .find_map(|m| heights.lower_point(m.fn_id));
    let starts: Vec<FnId> = implementations
        .iter()
        .filter(|m| !m.phantom)
        .map(|m| m.fn_id)
        .collect();
    Some(lower_points(
        graph,
        heights,
        &starts,
        hidden,
        primary,
        from_package,
    ))
}

/// The height-0 seams below `starts` (the stubbed implementations above
/// height 0): a walk down the I/O-reaching layers that stops at each
/// height-0 layer, so nothing below a boundary is named. `primary` is the
/// cheapest path's point, when known.
fn lower_points(
    graph: &Graph,
    heights: &mut Heights<'_>,
    starts: &[FnId],
    hidden: &BTreeSet<FnId>,
    primary: Option<LowerPoint>,
    from_package: usize,
) -> Lower {
    let mut edges: Vec<Edge> = Vec::new();
    let mut seen: BTreeSet<FnId> = BTreeSet::new();
    let mut stack: Vec<FnId> = starts.to_vec();
    while let Some(current) = stack.pop() {
        if !seen.insert(current) || heights.height(current).unwrap_or(0) == 0 {
            continue;
        }
        for member in heights.unit(current) {
            let from = graph.file_of(member).package;
            for edge_at in &graph.edges[member] {
                match heights.layer_height(&edge_at.edge, from) {
                    Some(0) if !edges.contains(&edge_at.edge) => edges.push(edge_at.edge.clone()),
                    Some(0) | None => {}
                    Some(_) => stack.extend(heights.edge_targets(&edge_at.edge, from)),
                }
            }
        }
    }
    if let Some(primary) = &primary {
        if !edges.contains(&primary.edge) {
            edges.push(primary.edge.clone());
        }
    }
    let mut still_hidden: BTreeSet<FnId> = BTreeSet::new();
    for edge in &edges {
        let descend = !matches!(edge, Edge::Boundary { .. } | Edge::TraitMethod { .. });
        for fn_id in heights.edge_targets(edge, from_package) {
            heights.hide_from(fn_id, descend, &mut still_hidden);
        }
    }
    let hidden_lines: u32 = distinct_lines(graph, hidden.iter().copied());
    let below: u32 = distinct_lines(graph, hidden.intersection(&still_hidden).copied());
    let mut all: Vec<LowerPoint> = edges.into_iter().map(|edge| heights.point(edge)).collect();
    all.sort_by(|a, b| (&a.info.path, &a.info.method).cmp(&(&b.info.path, &b.info.method)));
    all.dedup_by(|a, b| (&a.info.path, &a.info.method) == (&b.info.path, &b.info.method));
    let total = all.len();
    all.truncate(MAX_LOWER_POINTS);
    Lower {
        primary,
        all,
        total,
        more_lines: hidden_lines.saturating_sub(below),
    }
}

/// Code lines of `fns`, counting once the copies of one default method.
pub(super) fn distinct_lines(graph: &Graph, fns: impl Iterator<Item = FnId>) -> u32 {
    let mut seen: BTreeSet<(usize, u32, u32)> = BTreeSet::new();
    fns.filter(|&fn_id| {
        let span = graph.fn_item(fn_id).span;
        seen.insert((graph.fns[fn_id].file, span.start, span.end))
    })
    .map(|fn_id| lines_of(graph, fn_id))
    .sum()
}
