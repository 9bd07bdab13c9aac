//! Hand-written fakes: `impl Trait for Fake` in test code (or test-support
//! crates and modules), whatever the type's name, standing in for a
//! production seam; a fake stands for each method it writes.

use super::names::{stands_for_trait, PLUMBING};
use super::{Double, DoubleKind, Registry, StandsFor};
use crate::graph::{Edge, Graph};
use crate::index::{CallKind, ImplItem, TypeRef};
use std::collections::HashSet;

/// Registers every hand-written fake, and the traits written by hand for
/// `mock!` types (`impl HttpServerFactory for MockMyFactory`).
pub(super) fn add(graph: &Graph, registry: &mut Registry) {
    let seams = seam_traits(graph);
    let mut hand_written: Vec<(String, StandsFor)> = Vec::new();
    for (file_index, file) in graph.files.iter().enumerate() {
        let index = &file.index;
        for impl_item in index.impls.iter().filter(|impl_item| !impl_item.automock) {
            let test_code = impl_item.in_test || file.in_test;
            let Some(fake) = fake_impl(graph, impl_item, test_code, &seams) else {
                continue;
            };
            match fake {
                Fake::Double(stands) => {
                    let TypeRef::Path(self_path) = &impl_item.self_ty else {
                        continue;
                    };
                    registry.add(Double {
                        name: self_path.last().cloned().unwrap_or_default(),
                        key: graph
                            .resolver
                            .resolve(&impl_item.module, self_path)
                            .join("::"),
                        kind: DoubleKind::Fake,
                        stands_for: vec![stands],
                        defined_at: Some((file_index, impl_item.at)),
                        methods: impl_item
                            .methods
                            .iter()
                            .map(|&local| index.fns[local].name.clone())
                            .collect(),
                    });
                }
                Fake::MockTrait(self_key, stands) => hand_written.push((self_key, stands)),
            }
        }
    }
    for (mock_key, stands) in hand_written {
        if let Some(mock) = registry.get_mut(&mock_key) {
            if !mock.stands_for.contains(&stands) {
                mock.stands_for.insert(0, stands);
            }
        }
    }
}

/// What a hand-written impl block makes.
enum Fake {
    /// A fake standing for this.
    Double(StandsFor),
    /// A trait written by hand for a `mock!` type (by key).
    MockTrait(String, StandsFor),
}

/// Whether `impl_item` makes a fake, and of what.
fn fake_impl(
    graph: &Graph,
    impl_item: &ImplItem,
    test_code: bool,
    seams: &HashSet<String>,
) -> Option<Fake> {
    let TypeRef::Path(self_path) = &impl_item.self_ty else {
        return None;
    };
    let self_name = self_path.last()?;
    let trait_path = impl_item.trait_path.as_ref()?;
    if !test_code && !looks_like_double(self_name) {
        return None;
    }
    let self_key = graph
        .resolver
        .resolve(&impl_item.module, self_path)
        .join("::");
    let stands = stands_for_trait(
        graph,
        &graph.resolver.resolve(&impl_item.module, trait_path),
    );
    if let StandsFor::External(path) = &stands {
        // A fake of another crate's trait (`impl tower::Service<Req> for
        // MockSubgraph`) counts when its name says so; `impl Display for
        // Fake` never does.
        let plumbing = path.starts_with("std::")
            || path.starts_with("core::")
            || path.starts_with("serde::")
            || !path.contains("::")
            || path
                .rsplit("::")
                .next()
                .is_some_and(|name| PLUMBING.contains(&name));
        return (!plumbing && looks_like_double(self_name) && is_test_type(graph, &self_key))
            .then_some(Fake::Double(stands));
    }
    if is_production_seam(graph, &stands)
        && is_test_type(graph, &self_key)
        && seams.contains(stands_key(&stands))
    {
        return Some(Fake::Double(stands));
    }
    if is_production_seam(graph, &stands)
        && seams.contains(stands_key(&stands))
        && production_fake(graph, &self_key, self_name, impl_item)
    {
        return Some(Fake::Double(stands));
    }
    // A trait written by hand for a `mock!` type: that mock stands for the
    // trait too, once every double is known. `impl Display for Fake`, a
    // test-only trait, or a test impl on a production type makes no double.
    (test_code && is_production_seam(graph, &stands) && self_name.starts_with("Mock"))
        .then_some(Fake::MockTrait(self_key, stands))
}

/// A name that announces a double: a hint, used only where nothing else
/// tells (fakes of another crate's traits, fakes compiled into production).
fn looks_like_double(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "Mock",
        "Fake",
        "Stub",
        "Dummy",
        "Spy",
        "InMemory",
        "Memory",
        "Recording",
        "Test",
    ];
    const SUFFIXES: &[&str] = &["Mock", "Fake", "Stub", "Spy", "Double"];
    // A whole word of the CamelCase name: `TestClock`, not `Testnet`.
    PREFIXES.iter().any(|hint| {
        name.strip_prefix(hint)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_uppercase))
    }) || SUFFIXES.iter().any(|hint| name.ends_with(hint))
}

/// A fake compiled outside `cfg(test)` (issue 9, shape 10): its name says
/// so, it is defined outside test code, and no production code builds it
/// (its own impls aside). Only tests construct it, so it stands in for the
/// real implementation wherever they do.
fn production_fake(graph: &Graph, self_key: &str, self_name: &str, impl_item: &ImplItem) -> bool {
    if impl_item.in_test || !graph.types.contains_key(self_key) || is_test_type(graph, self_key) {
        return false;
    }
    !(0..graph.indexed_fns).any(|fn_id| {
        let fn_item = graph.fn_item(fn_id);
        if fn_item.in_test || graph.file_of(fn_id).in_test {
            return false;
        }
        if let (Some(owner), _) = graph.owner_keys(fn_id) {
            if owner == self_key {
                return false;
            }
        }
        fn_item.calls.iter().any(|call| {
            let type_path: &[String] = match &call.kind {
                CallKind::Construct(path) => path,
                CallKind::Path(path) => path.split_last().map_or(&[][..], |(_, owner)| owner),
                _ => return false,
            };
            type_path.last().is_some_and(|name| name == self_name)
                && graph
                    .resolver
                    .resolve(&fn_item.module, type_path)
                    .join("::")
                    == self_key
        })
    })
}

/// Traits that production code calls through (a `dyn`, a generic bound, an
/// `impl Trait`): only those can be faked to any effect. A test type that
/// implements a codec or marker trait is test data, not a double.
fn seam_traits(graph: &Graph) -> HashSet<String> {
    let mut seams = HashSet::new();
    for (fn_id, edges) in graph.edges.iter().enumerate() {
        if graph.fn_item(fn_id).in_test || graph.file_of(fn_id).in_test {
            continue;
        }
        for edge in edges {
            match &edge.edge {
                Edge::TraitMethod { trait_key, .. } | Edge::Boundary { trait_key, .. } => {
                    seams.insert(trait_key.clone());
                }
                _ => {}
            }
        }
    }
    seams
}

/// The trait key of a trait-like target.
fn stands_key(stands: &StandsFor) -> &str {
    match stands {
        StandsFor::Trait(key) | StandsFor::Boundary(key) | StandsFor::External(key) => key,
        StandsFor::Type(key) | StandsFor::Module(key) => key,
        StandsFor::Wire => "",
    }
}

/// A production trait of the workspace, or a boundary.
fn is_production_seam(graph: &Graph, stands: &StandsFor) -> bool {
    match stands {
        StandsFor::Boundary(_) => true,
        StandsFor::Trait(trait_key) => graph.traits.get(trait_key).is_some_and(|&(file, local)| {
            !graph.files[file].in_test && !graph.files[file].index.traits[local].in_test
        }),
        _ => false,
    }
}

/// A first-party type defined in test code (a test module, a test target,
/// a test-support crate).
fn is_test_type(graph: &Graph, type_key: &str) -> bool {
    graph.types.get(type_key).is_some_and(|&(file, local)| {
        graph.files[file].in_test || graph.files[file].index.types[local].in_test
    })
}

#[cfg(test)]
mod tests {
    use super::looks_like_double;

    #[test]
    fn a_double_hint_is_a_whole_word_of_the_name() {
        for name in [
            "MockStore",
            "FakeClock",
            "TestClock",
            "MemoryStorage",
            "StoreStub",
            "Fake",
        ] {
            assert!(looks_like_double(name), "{name}");
        }
        for name in [
            "Testnet",
            "Mockingbird",
            "Stubborn",
            "Spyglass",
            "DiskStore",
        ] {
            assert!(!looks_like_double(name), "{name}");
        }
    }
}
