//! What a stub site replaces: the target's path, the methods it stands for
//! (the one stubbed, or every method a whole double writes), their
//! production implementations, where the target is declared, and whether a
//! trait is an extension API meant for implementors outside the workspace.

use super::is_production;
use crate::doubles::{Double, StandsFor, StubSite};
use crate::graph::{FnId, Graph};
use crate::load::TargetRole;
use std::collections::HashSet;

/// The target's path and the methods the site replaces: the one stubbed,
/// or for a whole object every method (a fake: the ones it writes itself).
pub(super) fn target_methods(
    graph: &Graph,
    site: &StubSite,
    double: &Double,
) -> (String, Vec<String>) {
    let path = match &site.target {
        StandsFor::Trait(key)
        | StandsFor::Type(key)
        | StandsFor::Module(key)
        | StandsFor::Boundary(key)
        | StandsFor::External(key) => key.clone(),
        StandsFor::Wire => "http".to_string(),
    };
    let methods = match (&site.method, &site.target) {
        (Some(method), _) => vec![method.clone()],
        (None, StandsFor::Trait(key) | StandsFor::Boundary(key) | StandsFor::External(key))
            if !double.methods.is_empty() =>
        {
            // A fake implementing several traits writes the methods of
            // each: only this trait's stand for it.
            let declared = declared_methods(graph, key);
            let mut methods: Vec<String> = double
                .methods
                .iter()
                .filter(|method| declared.is_empty() || declared.contains(method))
                .cloned()
                .collect();
            methods.sort();
            methods.dedup();
            methods
        }
        (None, StandsFor::Type(key)) => {
            let mut methods: Vec<String> = graph
                .inherent
                .get(key)
                .into_iter()
                .flatten()
                .map(|&fn_id| graph.fn_item(fn_id).name.clone())
                .filter(|name| !matches!(name.as_str(), "new" | "default"))
                .collect();
            methods.sort();
            methods.dedup();
            methods
        }
        (None, StandsFor::Trait(key)) | (None, StandsFor::Boundary(key)) => {
            declared_methods(graph, key)
        }
        _ => Vec::new(),
    };
    (path, methods)
}

/// The methods first-party trait `key` declares (empty when unknown).
fn declared_methods(graph: &Graph, key: &str) -> Vec<String> {
    match graph.traits.get(key) {
        Some(&(file, local)) => graph.files[file].index.traits[local]
            .methods
            .iter()
            .map(|&method| graph.files[file].index.fns[method].name.clone())
            .collect(),
        None => Vec::new(),
    }
}

/// Production implementations of `method` of the target: (fn, type name).
pub(super) fn implementations_of(
    graph: &Graph,
    target: &StandsFor,
    method: &str,
) -> Vec<(FnId, String)> {
    let production = |fn_id: &FnId| is_production(graph, *fn_id);
    match target {
        // Every type form implements: named types, tuples, arrays, fn
        // pointers, and blanket impls for every `T: Bound`.
        StandsFor::Trait(key) | StandsFor::Boundary(key) | StandsFor::External(key) => graph
            .implementations(key, method)
            .iter()
            .cloned()
            .chain(graph.generic_implementations(key, method))
            .map(|implementation| (implementation.fn_id, implementation.type_name))
            .collect(),
        StandsFor::Type(key) => graph
            .method_of(key, method)
            .filter(production)
            .map(|fn_id| (fn_id, short_name(key).to_string()))
            .into_iter()
            .collect(),
        StandsFor::Module(key) => graph
            .free_fns
            .get(&format!("{key}::{method}"))
            .copied()
            .filter(production)
            .map(|fn_id| (fn_id, short_name(key).to_string()))
            .into_iter()
            .collect(),
        StandsFor::Wire => Vec::new(),
    }
}

/// Where the stubbed trait method (or type) is declared.
pub(super) fn target_location(graph: &Graph, site: &StubSite) -> (Option<usize>, Option<u32>) {
    if let (StandsFor::Trait(key) | StandsFor::Boundary(key), Some(method)) =
        (&site.target, &site.method)
    {
        if let Some(fn_id) = graph.trait_method(key, method) {
            return (
                Some(graph.fns[fn_id].file),
                Some(graph.fn_item(fn_id).name_at.line),
            );
        }
    }
    match &site.target {
        StandsFor::Trait(key) | StandsFor::Boundary(key) => graph
            .traits
            .get(key)
            .map(|&(file, local)| {
                (
                    Some(file),
                    Some(graph.files[file].index.traits[local].name_at.line),
                )
            })
            .unwrap_or((None, None)),
        StandsFor::Type(key) => graph
            .types
            .get(key)
            .map(|&(file, local)| {
                (
                    Some(file),
                    Some(graph.files[file].index.types[local].name_at.line),
                )
            })
            .unwrap_or((None, None)),
        // An automocked module: the stubbed free fn.
        StandsFor::Module(module) => site
            .method
            .as_ref()
            .and_then(|method| graph.free_fns.get(&format!("{module}::{method}")))
            .map(|&fn_id| {
                (
                    Some(graph.fns[fn_id].file),
                    Some(graph.fn_item(fn_id).name_at.line),
                )
            })
            .unwrap_or((None, None)),
        _ => (None, None),
    }
}

/// Whether `fn_id` is a method of one of the stubaudit library's doubles.
pub(super) fn is_library_double(graph: &Graph, fn_id: FnId) -> bool {
    let (self_key, _) = graph.owner_keys(fn_id);
    self_key.is_some_and(|key| {
        key.starts_with("stubaudit::")
            && matches!(
                short_name(&key),
                "HttpStub"
                    | "DbStub"
                    | "MockHttpClient"
                    | "MockAsyncHttpClient"
                    | "MockDatabase"
                    | "MockAsyncDatabase"
            )
    })
}

/// Whether trait `trait_key` is an extension API: meant for implementors
/// outside the workspace, so that having no implementation inside it is no
/// evidence of a phantom. All of these must hold:
///
/// * it is production code of a library target (a binary's traits cannot
///   be implemented by anyone else);
/// * its package can be published (no `publish = false`: an unpublished
///   library has no users outside the workspace);
/// * it is declared plain `pub`, and reachable from the crate root: every
///   module on its path is `pub`, or a `pub use` outside test code names it.
pub(super) fn is_extension_api(graph: &Graph, trait_key: &str, publishable: &[bool]) -> bool {
    let Some(&(file, local)) = graph.traits.get(trait_key) else {
        return false;
    };
    let source = &graph.files[file];
    let trait_item = &source.index.traits[local];
    if !trait_item.public
        || trait_item.in_test
        || source.in_test
        || source.role != TargetRole::Lib
        || !publishable.get(source.package).copied().unwrap_or(false)
    {
        return false;
    }
    let krate = trait_item.module.first();
    let private: HashSet<&[String]> = graph
        .files
        .iter()
        .filter(|other| other.index.module.first() == krate)
        .flat_map(|other| other.index.private_modules.iter().map(Vec::as_slice))
        .collect();
    let module = &trait_item.module;
    let by_path = (2..=module.len()).all(|depth| !private.contains(&module[..depth]));
    by_path
        || graph
            .files
            .iter()
            .filter(|other| other.index.module.first() == krate && !other.in_test)
            .flat_map(|other| &other.index.uses)
            .filter(|use_item| use_item.public && !use_item.in_test && use_item.alias != "*")
            .any(|use_item| {
                graph
                    .resolver
                    .resolve(&use_item.module, &use_item.target)
                    .join("::")
                    == trait_key
            })
}

/// The last segment of a path.
pub(super) fn short_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// `Trait::method` from a full path.
pub(super) fn short(path: &str, method: Option<&str>) -> String {
    let name = short_name(path);
    match method {
        Some(method) => format!("{name}::{method}"),
        None => name.to_string(),
    }
}
