//! How test code names a double: by its key, a `type` alias of it, the real
//! type swapped by mockall_double's `#[double]`, or (for an expectation on
//! an untyped receiver) the one generated mock whose target declares the
//! method. Also what a resolved trait path stands for.

use super::{Double, DoubleKind, StandsFor};
use crate::graph::{key, Graph};
use crate::index::{PathSegments, TypeRef};
use std::collections::HashMap;

/// Traits every mock implements on the side; never what it stands for.
pub(super) const PLUMBING: &[&str] = &[
    "Clone",
    "Debug",
    "Default",
    "PartialEq",
    "Eq",
    "Hash",
    "Display",
    "Send",
    "Sync",
    "Drop",
];

/// A trait key (resolved path) as what a double stands for.
pub(super) fn stands_for_trait(graph: &Graph, trait_path: &[String]) -> StandsFor {
    let trait_key = trait_path.join("::");
    if graph.catalog.is_boundary(trait_path) {
        StandsFor::Boundary(trait_key)
    } else if let Some(&(file, local)) = graph.traits.get(&trait_key) {
        if graph.files[file].index.traits[local].boundary {
            StandsFor::Boundary(trait_key)
        } else {
            StandsFor::Trait(trait_key)
        }
    } else {
        StandsFor::External(trait_key)
    }
}

/// How test code names doubles.
pub(super) struct Lookup {
    /// Double key → double.
    by_key: HashMap<String, usize>,
    /// Real type key → (module of the `#[double] use`, the automock of its
    /// inherent impl): in test code under that module, the real name means
    /// the mock. (In the defining module's own tests it is the real type.)
    doubled: HashMap<String, Vec<(PathSegments, usize)>>,
    /// Method name → the generated mocks whose target declares it: the
    /// fallback for `x.expect_m()` when `x`'s type is unknown.
    pub(super) by_method: HashMap<String, Vec<usize>>,
    /// Double → the package that defines it (none for library doubles).
    package: Vec<Option<usize>>,
}

impl Lookup {
    pub(super) fn new(graph: &Graph, doubles: &[Double]) -> Lookup {
        let by_key: HashMap<String, usize> = doubles
            .iter()
            .enumerate()
            .map(|(index, double)| (double.key.clone(), index))
            .collect();
        let mut doubled = HashMap::new();
        for file in &graph.files {
            for use_item in file.index.uses.iter().filter(|use_item| use_item.double) {
                let real = graph
                    .resolver
                    .resolve(&use_item.module, &use_item.target)
                    .join("::");
                let mock = doubles.iter().position(|double| {
                    matches!(
                        double.kind,
                        DoubleKind::MockallAutomock | DoubleKind::MockallMock
                    ) && double.stands_for.contains(&StandsFor::Type(real.clone()))
                });
                if let Some(mock) = mock {
                    doubled
                        .entry(real)
                        .or_insert_with(Vec::new)
                        .push((use_item.module.to_vec(), mock));
                }
            }
        }
        // `type MockRuntime = MockBase<RuntimeCall>;` names a double too.
        let mut aliased = HashMap::new();
        for file in &graph.files {
            for (module, name, target) in &file.index.aliases {
                if let TypeRef::Path(path) = target {
                    let target_key = graph.resolver.resolve(module, path).join("::");
                    if let Some(&double) = by_key.get(&target_key) {
                        aliased.insert(key(module, name), double);
                    }
                }
            }
        }
        let mut by_key = by_key;
        for (alias, double) in aliased {
            by_key.entry(alias).or_insert(double);
        }
        let mut by_method: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, double) in doubles.iter().enumerate() {
            let generated = matches!(
                double.kind,
                DoubleKind::MockallAutomock
                    | DoubleKind::MockallMock
                    | DoubleKind::Faux
                    | DoubleKind::Mry
            );
            if !generated {
                continue;
            }
            let mut names: Vec<String> = Vec::new();
            for stands in &double.stands_for {
                match stands {
                    StandsFor::Trait(trait_key) => {
                        if let Some(&(file, local)) = graph.traits.get(trait_key) {
                            let index = &graph.files[file].index;
                            names.extend(
                                index.traits[local]
                                    .methods
                                    .iter()
                                    .map(|&m| index.fns[m].name.clone()),
                            );
                        }
                    }
                    StandsFor::Type(type_key) => {
                        names.extend(
                            graph
                                .inherent
                                .get(type_key)
                                .into_iter()
                                .flatten()
                                .map(|&fn_id| graph.fn_item(fn_id).name.clone()),
                        );
                    }
                    _ => {}
                }
            }
            names.sort();
            names.dedup();
            for name in names {
                by_method.entry(name).or_default().push(index);
            }
        }
        let package = doubles
            .iter()
            .map(|double| double.defined_at.map(|(file, _)| graph.files[file].package))
            .collect();
        Lookup {
            by_key,
            doubled,
            by_method,
            package,
        }
    }

    /// The package that defines `double`.
    pub(super) fn package_of(&self, double: usize) -> Option<usize> {
        self.package.get(double).copied().flatten()
    }

    /// Like [`Lookup::double`], but a `#[double]` swap counts in any scope:
    /// for `x.expect_m()`, whose receiver can only be a mock.
    pub(super) fn expecting(&self, key: &str, module: &[String]) -> Option<(usize, bool)> {
        if let Some((_, mock)) = self.doubled.get(key).and_then(|swaps| swaps.first()) {
            return Some((*mock, true));
        }
        self.double(key, module)
    }

    /// The double a resolved type key names in test code in `module`, and
    /// whether it came through `#[double]`.
    pub(super) fn double(&self, key: &str, module: &[String]) -> Option<(usize, bool)> {
        // Where the real type is defined (and below), its name is the real
        // type, whatever a parent module swaps.
        let real_module: Vec<&str> = key.split("::").collect();
        let defining = real_module
            .split_last()
            .map_or(&[][..], |(_, module)| module);
        let at_home =
            module.len() >= defining.len() && module.iter().zip(defining).all(|(a, b)| a == b);
        if let Some(swaps) = self.doubled.get(key).filter(|_| !at_home) {
            if let Some((_, mock)) = swaps.iter().find(|(scope, _)| module.starts_with(scope)) {
                return Some((*mock, true));
            }
        }
        self.by_key.get(key).map(|&double| (double, false))
    }
}
