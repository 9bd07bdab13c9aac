//! The hidden set of a stub site: every implementation's unit and, above
//! height 0, the layers below it down to the fns that make the I/O calls;
//! as per-fn line ranges, and the name-only calls inside them.

use super::height::Heights;
use super::status::Measured;
use crate::graph::{Edge, FnId, Graph};
use crate::report::{relative, HiddenRange};
use std::collections::BTreeSet;
use std::path::Path;

/// The fns a stub keeps out of its test. A boundary's adapters are height 0
/// by definition: their own lines only (`descend` false).
pub(super) fn hidden_fns(
    heights: &mut Heights<'_>,
    implementations: &[Measured],
    descend: bool,
) -> BTreeSet<FnId> {
    let mut hidden = BTreeSet::new();
    for measured in implementations {
        heights.hide_from(measured.fn_id, descend, &mut hidden);
    }
    hidden
}

/// The code lines of one fn.
pub(super) fn lines_of(graph: &Graph, fn_id: FnId) -> u32 {
    graph
        .file_of(fn_id)
        .index
        .code_lines_in(graph.fn_item(fn_id).span)
}

/// One range per hidden fn, sorted; copies of one default method
/// (inherited by several types) are one range.
pub(super) fn ranges(graph: &Graph, hidden: &BTreeSet<FnId>, root: &Path) -> Vec<HiddenRange> {
    let mut ranges: Vec<HiddenRange> = hidden
        .iter()
        .map(|&fn_id| {
            let fn_item = graph.fn_item(fn_id);
            HiddenRange {
                file: relative(root, &graph.file_of(fn_id).index.path),
                start: fn_item.span.start,
                end: fn_item.span.end,
                fn_name: graph.display_name(fn_id),
                lines: lines_of(graph, fn_id),
            }
        })
        .collect();
    ranges.sort();
    ranges.dedup_by(|a, b| (&a.file, a.start, a.end) == (&b.file, b.start, b.end));
    ranges
}

/// The name-only call edges inside the hidden fns.
pub(super) fn approximate_calls(
    graph: &Graph,
    hidden: &BTreeSet<FnId>,
    root: &Path,
) -> Vec<String> {
    let mut calls: Vec<String> = hidden
        .iter()
        .flat_map(|&fn_id| {
            graph.approximate[fn_id].iter().map(move |edge| {
                let target = match &edge.edge {
                    Edge::Method(callee) => graph.display_name(*callee),
                    Edge::TraitMethod { trait_key, method } => {
                        format!(
                            "{}::{method}",
                            trait_key.rsplit("::").next().unwrap_or(trait_key)
                        )
                    }
                    _ => String::new(),
                };
                format!(
                    "{}:{} `{target}`",
                    relative(root, &graph.file_of(fn_id).index.path),
                    edge.at.line
                )
            })
        })
        .collect();
    calls.sort();
    calls.dedup();
    calls
}
