//! Generic bounds wherever Rust writes them (DESIGN "Truth rules"): a
//! struct's generic field read through the impl block's bounds or argument
//! (`impl<H: Http> Sites for HttpSites<H>`, `where S: Sites`), a path call
//! through a parameter's bounds (`H::get(..)`, `T::Client::new(..)`), and an
//! associated type through the impl that sets it or the trait that bounds
//! it (`Self::Client`, `B::Client`).

use super::receivers::ImplAt;
use super::{Graph, ReceiverType};
use crate::index::{FnItem, TypeRef};

impl Graph {
    /// What the `position`th type parameter of `type_key` is: in the impl
    /// block `impl_at` (of that type), its argument there; elsewhere the
    /// seams every impl block bounds it by, with the struct's own bounds
    /// (`declared`).
    pub(crate) fn parameter_type(
        &self,
        type_key: &str,
        position: usize,
        declared: ReceiverType,
        impl_at: ImplAt,
    ) -> ReceiverType {
        let argument_in = |file: usize, impl_index: usize| {
            let impl_item = &self.files[file].index.impls[impl_index];
            let argument = impl_item.self_args.get(position)?;
            Some(self.resolve_type(&impl_item.module, argument, Some(type_key)))
        };
        let own_impl = impl_at.filter(|at| {
            self.impls_of_type
                .get(type_key)
                .is_some_and(|impls| impls.contains(at))
        });
        let mut traits: Vec<String> = match declared {
            ReceiverType::Traits(traits) => traits,
            _ => Vec::new(),
        };
        let arguments: Vec<ReceiverType> = match own_impl {
            Some((file, impl_index)) => argument_in(file, impl_index).into_iter().collect(),
            None => self
                .impls_of_type
                .get(type_key)
                .into_iter()
                .flatten()
                .filter_map(|&(file, impl_index)| argument_in(file, impl_index))
                .collect(),
        };
        for argument in arguments {
            match argument {
                // `impl Sites for HttpSites<Reqwest>`: in that block, the type.
                ReceiverType::Type(argument) if own_impl.is_some() => {
                    return ReceiverType::Type(argument)
                }
                ReceiverType::Traits(bounds) => {
                    for bound in bounds {
                        if !traits.contains(&bound) {
                            traits.push(bound);
                        }
                    }
                }
                _ => {}
            }
        }
        if traits.is_empty() {
            ReceiverType::Unknown
        } else {
            ReceiverType::Traits(traits)
        }
    }

    /// `owner` of a path call read through the fn's generic parameters:
    /// `H` with `H: Http` is the seam `Http`, `T::Client` with `T:
    /// Provider` the bounds of `Provider::Client`.
    pub(crate) fn generic_owner(&self, fn_item: &FnItem, owner: &[String]) -> Option<ReceiverType> {
        let (head, rest) = owner.split_first()?;
        let bounds = &fn_item
            .generics
            .iter()
            .rev()
            .find(|(param, _)| param == head)?
            .1;
        match rest {
            [] => Some(self.resolve_type(&fn_item.module, &TypeRef::Bounds(bounds.clone()), None)),
            [assoc] => bounds.iter().find_map(|bound| {
                let mut path = bound.clone();
                path.push(assoc.clone());
                match self.resolve_type(&fn_item.module, &TypeRef::Path(path), None) {
                    ReceiverType::Traits(traits) => Some(ReceiverType::Traits(traits)),
                    _ => None,
                }
            }),
            _ => None,
        }
    }

    /// `Self::name` for the first-party type `type_key`: the associated type
    /// one of its impl blocks sets.
    pub(crate) fn assoc_of_type(&self, type_key: &str, name: &str) -> Option<ReceiverType> {
        self.impls_of_type
            .get(type_key)?
            .iter()
            .find_map(|&(file, impl_index)| {
                let impl_item = &self.files[file].index.impls[impl_index];
                let (_, ty) = impl_item
                    .assoc_types
                    .iter()
                    .find(|(assoc, _)| assoc == name)?;
                match self.resolve_type(&impl_item.module, ty, Some(type_key)) {
                    ReceiverType::Unknown => None,
                    found => Some(found),
                }
            })
    }

    /// `Trait::Assoc` (an absolute path): the bounds the first-party trait
    /// puts on its associated type, as a seam.
    pub(crate) fn assoc_bounds(&self, path: &[String]) -> Option<ReceiverType> {
        let (assoc, trait_path) = path.split_last()?;
        self.assoc_bounds_in(&trait_path.join("::"), assoc, 0)
    }

    /// The bounds of `assoc` declared by `trait_key` or one of its
    /// supertraits (`trait Store: Backend` and `S::Client`).
    fn assoc_bounds_in(&self, trait_key: &str, assoc: &str, depth: u8) -> Option<ReceiverType> {
        let &(file, local) = self.traits.get(trait_key)?;
        let trait_item = &self.files[file].index.traits[local];
        if let Some((_, bounds)) = trait_item
            .assoc_types
            .iter()
            .find(|(name, _)| name == assoc)
        {
            let bounds = TypeRef::Bounds(bounds.clone());
            return Some(self.resolve_type(&trait_item.module, &bounds, None));
        }
        if depth > 8 {
            return None;
        }
        trait_item.supertraits.iter().find_map(|supertrait| {
            let key = self
                .resolver
                .resolve(&trait_item.module, supertrait)
                .join("::");
            self.assoc_bounds_in(&key, assoc, depth + 1)
        })
    }
}
