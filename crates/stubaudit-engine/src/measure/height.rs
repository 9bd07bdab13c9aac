//! Heights: 0 for a fn whose own code (with its own helpers) makes an I/O
//! call, otherwise 1 + the lowest I/O-reaching layer it calls. Memoised per
//! fn; a fn met again while its own height is being computed counts as not
//! reaching I/O through that path, which keeps recursion finite.

use super::{is_production, LowerPoint};
use crate::graph::{Edge, FnId, Graph};
use crate::index::Body;
use crate::report::LowerStubPoint;
use crate::sinks::SinkKind;
use std::collections::{BTreeSet, HashSet};

#[derive(Clone, Copy)]
enum State {
    Unknown,
    Busy,
    Done(Option<u32>),
}

/// Memoised heights over one graph.
pub struct Heights<'g> {
    graph: &'g Graph,
    memo: Vec<State>,
}

impl<'g> Heights<'g> {
    /// No height known yet.
    pub fn new(graph: &'g Graph) -> Self {
        Heights {
            graph,
            memo: vec![State::Unknown; graph.fns.len()],
        }
    }

    /// `fn_id` and its own helpers, transitively.
    pub fn unit(&self, fn_id: FnId) -> Vec<FnId> {
        let mut seen: HashSet<FnId> = HashSet::from([fn_id]);
        let mut unit = vec![fn_id];
        let mut next = 0;
        while next < unit.len() {
            let current = unit[next];
            next += 1;
            for edge in &self.graph.edges[current] {
                if let Edge::Helper(helper) = edge.edge {
                    if seen.insert(helper) {
                        unit.push(helper);
                    }
                }
            }
        }
        unit
    }

    /// The height of `fn_id`; `None` when it reaches no I/O.
    pub fn height(&mut self, fn_id: FnId) -> Option<u32> {
        match self.memo[fn_id] {
            State::Done(height) => return height,
            State::Busy => return None,
            State::Unknown => {}
        }
        if matches!(self.graph.fn_item(fn_id).body, Body::Phantom { .. }) {
            self.memo[fn_id] = State::Done(None);
            return None;
        }
        self.memo[fn_id] = State::Busy;
        let unit = self.unit(fn_id);
        let edges: Vec<Edge> = unit
            .iter()
            .flat_map(|&member| {
                self.graph.edges[member]
                    .iter()
                    .map(|edge| edge.edge.clone())
            })
            .collect();
        // The clock is the weakest I/O: a fn that reads it and calls an
        // I/O-reaching layer is measured by that layer; one that only
        // reads the clock is an adapter over it (`SystemClock::now`).
        let io = edges
            .iter()
            .any(|edge| matches!(edge, Edge::Sink(kind) if *kind != SinkKind::Clock));
        let clock = edges
            .iter()
            .any(|edge| matches!(edge, Edge::Sink(SinkKind::Clock)));
        let height = if io {
            Some(0)
        } else {
            let from = self.graph.file_of(fn_id).package;
            edges
                .iter()
                .filter_map(|edge| self.layer_height(edge, from))
                .min()
                .map(|lowest| lowest + 1)
                .or(clock.then_some(0))
        };
        self.memo[fn_id] = State::Done(height);
        height
    }

    /// The height of the layer an edge reaches (`None`: helpers, sinks, pure).
    /// `from`: the package of the calling fn.
    pub fn layer_height(&mut self, edge: &Edge, from: usize) -> Option<u32> {
        match edge {
            Edge::Helper(_) | Edge::Sink(_) => None,
            Edge::Boundary { .. } => Some(0),
            Edge::Method(callee) => self.height(*callee),
            Edge::TraitMethod { trait_key, .. } if self.is_boundary(trait_key) => Some(0),
            Edge::TraitMethod { .. } => self
                .edge_targets(edge, from)
                .into_iter()
                .filter_map(|fn_id| self.height(fn_id))
                .min(),
        }
    }

    fn is_boundary(&self, trait_key: &str) -> bool {
        self.graph
            .traits
            .get(trait_key)
            .is_some_and(|&(file, local)| self.graph.files[file].index.traits[local].boundary)
    }

    /// The production fns a layer edge from package `from` can land in:
    /// through a trait, the impls in packages `from` can reach, when there
    /// are any (else all: a trait implemented only downstream).
    pub fn edge_targets(&self, edge: &Edge, from: usize) -> Vec<FnId> {
        match edge {
            Edge::Method(callee) => vec![*callee],
            Edge::TraitMethod { trait_key, method } | Edge::Boundary { trait_key, method } => {
                let all: Vec<FnId> = self
                    .graph
                    .implementations(trait_key, method)
                    .iter()
                    .map(|implementation| implementation.fn_id)
                    .filter(|&fn_id| is_production(self.graph, fn_id))
                    .collect();
                let Some(reach) = self.graph.reach.get(from) else {
                    return all;
                };
                let reachable: Vec<FnId> = all
                    .iter()
                    .copied()
                    .filter(|&fn_id| reach.contains(&self.graph.file_of(fn_id).package))
                    .collect();
                if reachable.is_empty() {
                    all
                } else {
                    reachable
                }
            }
            Edge::Helper(_) | Edge::Sink(_) => Vec::new(),
        }
    }

    /// Adds to `hidden` the unit of `fn_id` and, above height 0, every
    /// I/O-reaching layer below it down to the fns that make the I/O calls.
    /// With `descend` false, only the unit: an adapter of a boundary is
    /// height 0 by definition and hides its own lines only.
    pub fn hide_from(&mut self, fn_id: FnId, descend: bool, hidden: &mut BTreeSet<FnId>) {
        let mut stack = vec![(fn_id, descend)];
        while let Some((current, descend)) = stack.pop() {
            if hidden.contains(&current) {
                continue;
            }
            let unit = self.unit(current);
            hidden.extend(unit.iter().copied());
            if !descend || self.height(current).unwrap_or(0) == 0 {
                continue;
            }
            for member in unit {
                let edges: Vec<Edge> = self.graph.edges[member]
                    .iter()
                    .map(|edge| edge.edge.clone())
                    .collect();
                let from = self.graph.file_of(member).package;
                for edge in edges {
                    if self.layer_height(&edge, from).is_none() {
                        continue;
                    }
                    let below_boundary = self.is_boundary_edge(&edge);
                    for target in self.edge_targets(&edge, from) {
                        if self.height(target).is_some() && !hidden.contains(&target) {
                            stack.push((target, !below_boundary));
                        }
                    }
                }
            }
        }
    }

    /// An edge into a trait marked `#[stubaudit::boundary]` (or configured).
    fn is_boundary_edge(&self, edge: &Edge) -> bool {
        match edge {
            Edge::Boundary { .. } => true,
            Edge::TraitMethod { trait_key, .. } => self.is_boundary(trait_key),
            _ => false,
        }
    }

    /// The height-0 seam at the bottom of `fn_id`'s cheapest path to I/O.
    pub fn lower_point(&mut self, fn_id: FnId) -> Option<LowerPoint> {
        let mut current = fn_id;
        for _ in 0..64 {
            let height = self.height(current)?;
            if height == 0 {
                return None;
            }
            let unit = self.unit(current);
            let edges: Vec<Edge> = unit
                .iter()
                .flat_map(|&member| {
                    self.graph.edges[member]
                        .iter()
                        .map(|edge| edge.edge.clone())
                })
                .collect();
            let from = self.graph.file_of(current).package;
            let edge = edges
                .into_iter()
                .find(|edge| self.layer_height(edge, from) == Some(height - 1))?;
            if height == 1 {
                return Some(self.point(edge));
            }
            current = self
                .edge_targets(&edge, from)
                .into_iter()
                .find(|&target| self.height(target) == Some(height - 1))?;
        }
        None
    }

    pub(super) fn point(&self, edge: Edge) -> LowerPoint {
        let graph = self.graph;
        let (path, method, location) = match &edge {
            Edge::Method(callee) => {
                let (self_key, _) = graph.owner_keys(*callee);
                let fn_item = graph.fn_item(*callee);
                (
                    // A free fn (of an automocked module): its module.
                    self_key.unwrap_or_else(|| fn_item.module.join("::")),
                    fn_item.name.clone(),
                    Some((graph.fns[*callee].file, fn_item.name_at.line)),
                )
            }
            Edge::TraitMethod { trait_key, method } | Edge::Boundary { trait_key, method } => {
                let location = graph
                    .trait_method(trait_key, method)
                    .map(|fn_id| (graph.fns[fn_id].file, graph.fn_item(fn_id).name_at.line));
                (trait_key.clone(), method.clone(), location)
            }
            Edge::Helper(_) | Edge::Sink(_) => (String::new(), String::new(), None),
        };
        LowerPoint {
            info: LowerStubPoint {
                path,
                method,
                file: None,
                line: location.map(|(_, line)| line),
            },
            file: location.map(|(file, _)| file),
            edge,
        }
    }
}
