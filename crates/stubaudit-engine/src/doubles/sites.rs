//! Stub sites: where test code sets a double up. Constructions
//! (`MockX::new()`, `Fake { … }`, `X::faux()`, a wire server started),
//! expectations (`x.expect_m()`, `when!`, `mock_m`, `m_context()`), each tied
//! to the double and the method it replaces; the receiver of an
//! expectation is typed through the graph, with a method-name fallback.

use super::library::{constructed_method, HttpFlavour};
use super::names::Lookup;
use super::wire::WIRE_CONSTRUCTORS;
use super::{Double, DoubleKind, StandsFor, StubSite};
use crate::graph::{Graph, ReceiverType};
use crate::index::{CallKind, FnItem, Position, Receiver};
use std::collections::{BTreeMap, HashSet};

/// Every stub site, in fn order.
pub(super) fn find(graph: &Graph, doubles: &[Double]) -> Vec<StubSite> {
    use rayon::prelude::*;
    let lookup = Lookup::new(graph, doubles);
    let http_flavour = HttpFlavour::new(graph);
    // Test fns are independent of one another: find their sites in
    // parallel, then keep them in fn order. Indexed fns only: inherited
    // defaults are copies, not test code of their own.
    let per_fn: Vec<Vec<StubSite>> = (0..graph.indexed_fns)
        .into_par_iter()
        .map(|fn_id| {
            let fn_item = graph.fn_item(fn_id);
            let mut sites = Vec::new();
            if !fn_item.in_test && !graph.file_of(fn_id).in_test {
                return sites;
            }
            let file = graph.fns[fn_id].file;
            sites_in(graph, doubles, &lookup, file, fn_item, &mut sites);
            http_flavour.retarget(graph.files[file].package, &mut sites);
            sites
        })
        .collect();
    per_fn.into_iter().flatten().collect()
}

/// Whether `fn_item` (in file `file`) belongs to the fake itself: one of
/// its own methods, or a test in a module below the one that defines it.
fn builds_itself(graph: &Graph, file: usize, fn_item: &FnItem, fake: &Double) -> bool {
    let fake_path: Vec<&str> = fake.key.split("::").collect();
    let Some((_, fake_module)) = fake_path.split_last() else {
        return false;
    };
    let module: Vec<&str> = fn_item.module.iter().map(String::as_str).collect();
    // Below a test-support module (`test::double::store::tests`): the
    // fake's own tests. Below a test module (`tests::nested`): its users.
    let fake_in_test_module = fake_module
        .last()
        .is_some_and(|name| matches!(*name, "tests" | "test") || name.ends_with("_tests"));
    if module.len() > fake_module.len() && module.starts_with(fake_module) && !fake_in_test_module {
        return true;
    }
    match fn_item.owner {
        crate::index::Owner::Impl(impl_index) => {
            let impl_item = &graph.files[file].index.impls[impl_index];
            matches!(
                graph.resolve_type(&impl_item.module, &impl_item.self_ty, None),
                ReceiverType::Type(type_key) if type_key == fake.key
            )
        }
        _ => false,
    }
}

/// The stub sites in one test-code fn.
fn sites_in(
    graph: &Graph,
    doubles: &[Double],
    lookup: &Lookup,
    file: usize,
    fn_item: &FnItem,
    sites: &mut Vec<StubSite>,
) {
    let test = test_name(fn_item, graph.files[file].role.is_test());
    let mut constructions: BTreeMap<usize, Vec<(Position, u32)>> = BTreeMap::new();
    let mut expected: HashSet<usize> = HashSet::new();
    let first_site = sites.len();
    let mut swapped: HashSet<usize> = HashSet::new();
    let site =
        |double: usize, target: StandsFor, method: Option<String>, at: Position, len: u32| {
            StubSite {
                file,
                at,
                len,
                test: test.clone(),
                double,
                target,
                method,
                via_double: false,
            }
        };
    // An expectation on `method` of `double`: none when no target of the
    // double declares it (`expect_eq` on a side trait).
    let expectation = |double: usize, method: &str, at: Position, len: u32| {
        target_for(&doubles[double], method, graph)
            .map(|target| site(double, target, Some(method.to_string()), at, len))
    };
    for call in &fn_item.calls {
        match &call.kind {
            CallKind::Path(path) => {
                let resolved = graph.resolver.resolve(&fn_item.module, path);
                let Some((last, owner)) = resolved.split_last() else {
                    continue;
                };
                let resolved_key = resolved.join("::");
                if WIRE_CONSTRUCTORS.contains(&resolved_key.as_str()) {
                    if let Some((double, _)) = lookup.double(&owner.join("::"), &fn_item.module) {
                        sites.push(site(double, StandsFor::Wire, None, call.at, call.len));
                    }
                    continue;
                }
                let Some((double, via_double)) = lookup.double(&owner.join("::"), &fn_item.module)
                else {
                    continue;
                };
                if via_double {
                    swapped.insert(double);
                }
                if let Some(method) = last.strip_suffix("_context") {
                    sites.extend(expectation(double, method, call.at, call.len));
                } else if is_constructor(last, doubles[double].kind) {
                    constructions
                        .entry(double)
                        .or_default()
                        .push((call.at, call.len));
                }
            }
            CallKind::SelfPath(_) => {}
            CallKind::Construct(path) => {
                let resolved = graph.resolver.resolve(&fn_item.module, path).join("::");
                if let Some((double, _)) = lookup.double(&resolved, &fn_item.module) {
                    // A faux double is built with `X::faux()`; `X { … }` is the real one.
                    if doubles[double].kind != DoubleKind::Faux {
                        constructions
                            .entry(double)
                            .or_default()
                            .push((call.at, call.len));
                    }
                }
            }
            CallKind::Method { receiver, name } => {
                // mockall's `expect_m`, faux's `when!` (read as `expect_m`),
                // mry's `mock_m`.
                let (method, mry) = match (name.strip_prefix("expect_"), name.strip_prefix("mock_"))
                {
                    (Some(method), _) => (method, false),
                    (None, Some(method)) => (method, true),
                    (None, None) => continue,
                };
                let Some((double, via_double)) =
                    receiver_double(graph, lookup, fn_item, receiver, call.at, method)
                else {
                    continue;
                };
                if mry != (doubles[double].kind == DoubleKind::Mry) {
                    continue;
                }
                if via_double {
                    swapped.insert(double);
                }
                expected.insert(double);
                sites.extend(expectation(double, method, call.at, call.len));
            }
        }
    }
    for (double, places) in constructions {
        if expected.contains(&double) {
            continue;
        }
        let known = &doubles[double];
        if known.kind == DoubleKind::Fake && builds_itself(graph, file, fn_item, known) {
            // A fake made by its own code or its own tests stubs nothing.
            continue;
        }
        let method = constructed_method(&known.key);
        if known.kind == DoubleKind::Stubaudit && method.is_none() {
            // A library mock with no expectation set here: configured elsewhere.
            continue;
        }
        for (at, len) in places {
            for target in &known.stands_for {
                sites.push(site(double, target.clone(), method.clone(), at, len));
            }
        }
    }
    for stub_site in &mut sites[first_site..] {
        stub_site.via_double = swapped.contains(&stub_site.double);
    }
}

fn is_constructor(name: &str, kind: DoubleKind) -> bool {
    match kind {
        DoubleKind::Faux => name == "faux",
        _ => {
            matches!(name, "new" | "default" | "builder")
                || name.starts_with("new_")
                || name.starts_with("with_")
        }
    }
}

/// The double a `receiver.expect_method()` call sets up.
fn receiver_double(
    graph: &Graph,
    lookup: &Lookup,
    fn_item: &FnItem,
    receiver: &Receiver,
    at: Position,
    method: &str,
) -> Option<(usize, bool)> {
    match graph.receiver_type(fn_item, receiver, at, None, None) {
        ReceiverType::Type(type_key) => {
            if let Some(found) = lookup.expecting(&type_key, &fn_item.module) {
                return Some(found);
            }
            if graph.types.contains_key(&type_key) {
                // A known type that is no double: not this mock's expectation.
                return None;
            }
        }
        ReceiverType::Traits(_) => return None,
        ReceiverType::Unknown => {}
    }
    // Unknown receiver: the one mock whose target has this method.
    match lookup.by_method.get(method).map(Vec::as_slice) {
        Some([only]) => Some((*only, false)),
        _ => None,
    }
}

/// Which of a double's targets declares `method`.
/// `None` when no target declares it: `expect_eq`, `expect_clone`,
/// `expect_fmt` on a mock's side traits stub no production seam.
fn target_for(double: &Double, method: &str, graph: &Graph) -> Option<StandsFor> {
    double
        .stands_for
        .iter()
        .find(|stands| match stands {
            StandsFor::Trait(trait_key) => graph.trait_method(trait_key, method).is_some(),
            StandsFor::Type(type_key) => graph.method_of(type_key, method).is_some(),
            StandsFor::Module(module) => {
                graph.free_fns.contains_key(&format!("{module}::{method}"))
            }
            _ => false,
        })
        .or_else(|| {
            // A target whose methods cannot be listed here takes any method.
            double.stands_for.iter().find(|stands| {
                matches!(
                    stands,
                    StandsFor::External(_) | StandsFor::Boundary(_) | StandsFor::Wire
                )
            })
        })
        .cloned()
}

/// `module::fn`: without the crate name for library and binary code, with
/// the target name for an integration test (`link::creates_link` for
/// `tests/link.rs`), as `cargo test` prints them.
pub fn test_name(fn_item: &FnItem, test_target: bool) -> String {
    let skip = usize::from(!test_target);
    let mut parts: Vec<&str> = fn_item
        .module
        .iter()
        .skip(skip)
        .map(String::as_str)
        .collect();
    parts.push(&fn_item.name);
    parts.join("::")
}
