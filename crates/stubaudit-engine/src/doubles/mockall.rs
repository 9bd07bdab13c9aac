//! Generated mocks: mockall's `#[automock]` on traits, inherent and trait
//! impls and modules, `mock!` blocks, and faux's and mry's impl attributes.
//! Each is named the way its macro names it (`MockX`, `mock_module`, the
//! type itself for faux and mry).

use super::names::{stands_for_trait, PLUMBING};
use super::{Double, DoubleKind, Registry, StandsFor};
use crate::graph::{key, Graph};
use crate::index::{FileIndex, MockMacro, TypeRef};

/// Registers every generated mock of the workspace.
pub(super) fn add(graph: &Graph, registry: &mut Registry) {
    for (file_index, file) in graph.files.iter().enumerate() {
        let index = &file.index;
        // A mock of a test-only trait stands in for no production code.
        if !file.in_test {
            automocked_traits(graph, file_index, index, registry);
        }
        automocked_impls(graph, file_index, index, registry);
        for module in &index.automock_mods {
            let Some((name, parent)) = module.split_last() else {
                continue;
            };
            let mock_name = format!("mock_{name}");
            registry.add(Double {
                key: key(parent, &mock_name),
                name: mock_name,
                kind: DoubleKind::MockallAutomock,
                stands_for: vec![StandsFor::Module(module.join("::"))],
                defined_at: None,
                methods: Vec::new(),
            });
        }
        for mock in &index.mocks {
            registry.add(Double {
                key: key(&mock.module, &format!("Mock{}", mock.name)),
                name: format!("Mock{}", mock.name),
                kind: DoubleKind::MockallMock,
                stands_for: mock_stands_for(graph, mock),
                defined_at: Some((file_index, mock.at)),
                methods: Vec::new(),
            });
        }
    }
}

/// `#[automock] trait X`: `MockX`.
fn automocked_traits(graph: &Graph, file_index: usize, index: &FileIndex, registry: &mut Registry) {
    for trait_item in index.traits.iter().filter(|t| t.automock && !t.in_test) {
        let name = format!("Mock{}", trait_item.name);
        let mut trait_path = trait_item.module.to_vec();
        trait_path.push(trait_item.name.clone());
        registry.add(Double {
            key: key(&trait_item.module, &name),
            name,
            kind: DoubleKind::MockallAutomock,
            stands_for: vec![stands_for_trait(graph, &trait_path)],
            defined_at: Some((file_index, trait_item.name_at)),
            methods: Vec::new(),
        });
    }
}

/// `#[automock] impl (Trait for) X`, `#[faux::methods]`, `#[mry::mry]`.
fn automocked_impls(graph: &Graph, file_index: usize, index: &FileIndex, registry: &mut Registry) {
    for impl_item in index.impls.iter().filter(|impl_item| impl_item.automock) {
        let TypeRef::Path(self_path) = &impl_item.self_ty else {
            continue;
        };
        let Some(self_name) = self_path.last() else {
            continue;
        };
        let faux = index.types.iter().any(|t| t.faux && &t.name == self_name);
        let (name, kind) = if impl_item.mry {
            (self_name.clone(), DoubleKind::Mry)
        } else if faux {
            (self_name.clone(), DoubleKind::Faux)
        } else {
            (format!("Mock{self_name}"), DoubleKind::MockallAutomock)
        };
        let stands = match &impl_item.trait_path {
            Some(path) => stands_for_trait(graph, &graph.resolver.resolve(&impl_item.module, path)),
            None => StandsFor::Type(
                graph
                    .resolver
                    .resolve(&impl_item.module, self_path)
                    .join("::"),
            ),
        };
        registry.add(Double {
            key: key(&impl_item.module, &name),
            name,
            kind,
            stands_for: vec![stands],
            defined_at: Some((file_index, impl_item.at)),
            methods: Vec::new(),
        });
    }
}

/// What a `mock!` block stands for: the traits it implements (side traits
/// such as `Clone` left out) and, for its own methods or when it names only
/// side traits, the struct of its name.
fn mock_stands_for(graph: &Graph, mock: &MockMacro) -> Vec<StandsFor> {
    let mut stands_for: Vec<StandsFor> = Vec::new();
    let seam_traits: Vec<&Vec<String>> = mock
        .traits
        .iter()
        .filter(|path| {
            path.last()
                .is_none_or(|name| !PLUMBING.contains(&name.as_str()))
        })
        .collect();
    // `mock! { Conn {} impl Drop for Conn { … } }` mocks the struct's
    // own `drop`: it stands for the struct, whose side traits it writes.
    if !mock.inherent.is_empty() || seam_traits.is_empty() {
        let type_key = mocked_struct(graph, mock);
        if graph.types.contains_key(&type_key) {
            stands_for.push(StandsFor::Type(type_key));
        } else if mock.traits.is_empty() {
            // A mock of a struct outside the workspace.
            stands_for.push(StandsFor::External(type_key));
        }
    }
    stands_for.extend(
        seam_traits
            .into_iter()
            .map(|path| stands_for_trait(graph, &graph.resolver.resolve(&mock.module, path))),
    );
    if stands_for.is_empty() {
        // Only side traits (`Clone`, `PartialEq`): a mock of a name
        // the workspace does not define.
        stands_for.push(StandsFor::External(key(&mock.module, &mock.name)));
    }
    stands_for
}

/// The struct a `mock!` block's name stands for.
fn mocked_struct(graph: &Graph, mock: &MockMacro) -> String {
    let type_key = graph
        .resolver
        .resolve(&mock.module, std::slice::from_ref(&mock.name))
        .join("::");
    if graph.types.contains_key(&type_key) {
        return type_key;
    }
    // `mock! { pub Authorizer { … } }` in a test module that does not
    // import `Authorizer`: the crate's one type of that name.
    let krate = mock.module.first().map_or("", String::as_str);
    let suffix = format!("::{}", mock.name);
    // A production type: a test helper of the same name is no stand-in
    // (`tests::JoinHandle` beside tokio's).
    let mut same_name = graph
        .types
        .iter()
        .filter(|(key, &(file, local))| {
            key.ends_with(&suffix)
                && key.split("::").next() == Some(krate)
                && !graph.files[file].in_test
                && !graph.files[file].index.types[local].in_test
        })
        .map(|(key, _)| key);
    match (same_name.next(), same_name.next()) {
        (Some(only), None) => only.clone(),
        _ => type_key,
    }
}
