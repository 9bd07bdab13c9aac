//! The status of a stub site: per method it stands for (a fake stands for
//! each method it writes), whether production code implements it for real
//! (`io` at some height, `pure`), only as `todo!()`/`unimplemented!()` or
//! not at all (`phantom`), or where the audit cannot see (`external`, and
//! `unknown` when no I/O is found but some calls were not resolved); then
//! the site's own status. `phantom` needs positive evidence: an
//! implementation of any type form (a tuple, a reference, a blanket impl
//! for every `T: Bound`), an item macro that may write one, or an extension
//! API meant for implementors outside the workspace each rule it out. A
//! trait with very many implementations is a plugin interface: its double
//! is a test input (`plugin`), not one hidden collaborator.

use super::target::{is_extension_api, short_name};
use crate::doubles::StandsFor;
use crate::graph::{FnId, Graph};
use crate::report::Status;

/// More workspace impls of another crate's trait than this, and a double of
/// it is not measured against them.
pub(super) const MAX_EXTERNAL_IMPLS: usize = 3;

/// More implementing types than this, and a first-party trait is a plugin
/// interface (a shell's commands, a server's handlers): a double of it is a
/// test input for the code that runs plugins.
pub const PLUGIN_IMPLEMENTATIONS: usize = 20;

/// One production implementation of a method the site stands for.
pub(super) struct Measured {
    /// The fn that runs.
    pub fn_id: FnId,
    /// The method it implements.
    pub method: String,
    /// The implementing type, as the report names it.
    pub type_name: String,
    /// Its height; `None` when it reaches no I/O.
    pub height: Option<u32>,
    /// Its body is `todo!()`, `unimplemented!()` or `panic!`.
    pub phantom: bool,
    /// Its unit makes calls the graph matched by name only: reaching no
    /// I/O is then no evidence of purity.
    pub unresolved: bool,
}

/// Why a method is not measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unmeasured {
    /// Another crate's trait that no workspace type implements.
    Outside,
    /// Another crate's trait that many workspace types implement.
    ManyOutside,
    /// An item macro the audit cannot read may implement it.
    Macro,
    /// A public trait of a published library, for implementors outside.
    ExtensionApi,
}

/// The verdict on one method.
pub(super) struct MethodStatus {
    /// The method (empty for a target without methods: a wire server).
    pub method: String,
    /// Its status.
    pub status: Status,
    /// Its height (`io` and `wire`).
    pub height: Option<u32>,
    /// Why it is `external`.
    pub unmeasured: Option<Unmeasured>,
}

/// The verdict on a site.
pub(super) struct SiteStatus {
    /// The site's status.
    pub status: Status,
    /// Its height (`io` and `wire`).
    pub height: Option<u32>,
    /// Per method, sorted by method.
    pub methods: Vec<MethodStatus>,
    /// Distinct implementing types over all methods.
    pub types: usize,
}

impl SiteStatus {
    /// The methods with no real implementation.
    pub fn phantom_methods(&self) -> Vec<&str> {
        self.methods
            .iter()
            .filter(|method| method.status == Status::Phantom)
            .map(|method| method.method.as_str())
            .collect()
    }

    /// Why the site is `external`, when it is.
    pub fn unmeasured(&self) -> Option<Unmeasured> {
        self.methods.iter().find_map(|method| method.unmeasured)
    }
}

/// The status of every method and of the site.
pub(super) fn site_status(
    graph: &Graph,
    target: &StandsFor,
    target_path: &str,
    methods: &[String],
    implementations: &[Measured],
    publishable: &[bool],
) -> SiteStatus {
    let mut per_method: Vec<MethodStatus> = if methods.is_empty() {
        vec![method_status(
            graph,
            target,
            target_path,
            "",
            &[],
            publishable,
        )]
    } else {
        methods
            .iter()
            .map(|method| {
                let own: Vec<&Measured> = implementations
                    .iter()
                    .filter(|measured| measured.method == *method)
                    .collect();
                method_status(graph, target, target_path, method, &own, publishable)
            })
            .collect()
    };
    per_method.sort_by(|a, b| a.method.cmp(&b.method));
    let types = distinct_types(implementations.iter());
    let any = |status: Status| per_method.iter().any(|method| method.status == status);
    let (status, height) = if any(Status::Phantom) {
        (Status::Phantom, None)
    } else if matches!(target, StandsFor::Trait(_)) && types > PLUGIN_IMPLEMENTATIONS {
        (Status::Plugin, None)
    } else if any(Status::Wire) {
        (Status::Wire, Some(0))
    } else if let Some(height) = per_method
        .iter()
        .filter(|method| method.status == Status::Io)
        .filter_map(|method| method.height)
        .min()
    {
        (Status::Io, Some(height))
    } else if any(Status::Unknown) {
        (Status::Unknown, None)
    } else if any(Status::Pure) {
        (Status::Pure, None)
    } else {
        (Status::External, None)
    };
    SiteStatus {
        status,
        height,
        methods: if methods.is_empty() {
            Vec::new()
        } else {
            per_method
        },
        types,
    }
}

/// The status of one method from its implementations.
fn method_status(
    graph: &Graph,
    target: &StandsFor,
    target_path: &str,
    method: &str,
    implementations: &[&Measured],
    publishable: &[bool],
) -> MethodStatus {
    let real: Vec<&&Measured> = implementations.iter().filter(|m| !m.phantom).collect();
    let unmeasured = |why| (Status::External, None, Some(why));
    let (status, height, why) = match target {
        StandsFor::Wire => (Status::Wire, Some(0), None),
        // Another crate's trait: measured through the workspace's own impls
        // of it (`impl tower::Service<Req> for SubgraphService`), if any.
        StandsFor::External(_) if real.is_empty() => unmeasured(Unmeasured::Outside),
        // Many workspace types implement it (`tower::Service`): which one the
        // double replaces cannot be told.
        StandsFor::External(_)
            if distinct_types(implementations.iter().copied()) > MAX_EXTERNAL_IMPLS =>
        {
            unmeasured(Unmeasured::ManyOutside)
        }
        StandsFor::Boundary(_) => (Status::Io, Some(0), None),
        _ if !real.is_empty() => match real.iter().filter_map(|m| m.height).min() {
            Some(height) => (Status::Io, Some(height), None),
            // An unresolved receiver is unknown, never evidence of purity.
            None if real.iter().any(|m| m.unresolved) => (Status::Unknown, None, None),
            None => (Status::Pure, None, None),
        },
        // An item macro the audit cannot read may implement it.
        _ if implementations.is_empty() && graph.macro_idents.contains(short_name(target_path)) => {
            unmeasured(Unmeasured::Macro)
        }
        StandsFor::Trait(key)
            if implementations.is_empty() && is_extension_api(graph, key, publishable) =>
        {
            unmeasured(Unmeasured::ExtensionApi)
        }
        _ => (Status::Phantom, None, None),
    };
    MethodStatus {
        method: method.to_string(),
        status,
        height,
        unmeasured: why,
    }
}

/// How many distinct types implement among `implementations`.
fn distinct_types<'a>(implementations: impl Iterator<Item = &'a Measured>) -> usize {
    let mut types: Vec<&str> = implementations
        .map(|measured| measured.type_name.as_str())
        .collect();
    types.sort_unstable();
    types.dedup();
    types.len()
}
