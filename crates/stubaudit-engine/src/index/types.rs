//! Reading type expressions and generics into [`TypeRef`]s: smart pointers
//! and references are peeled off, generic parameters become their bounds,
//! and an associated type of a parameter (`T::Client`, or `Self::Client`
//! inside a trait) becomes a path into the bounding trait (`Provider::Client`),
//! which the graph reads through the trait's declaration.

use super::{PathSegments, TypeRef};
use syn::ext::IdentExt;

/// Generic parameters in scope and their trait bounds.
#[derive(Debug, Clone, Default)]
pub struct GenericScope {
    params: Vec<(String, Vec<PathSegments>)>,
    /// Inside a trait: the trait, so that `Self::Assoc` reads as `Trait::Assoc`.
    self_trait: Option<PathSegments>,
}

impl GenericScope {
    /// This scope extended with `generics` (params and where-clause).
    pub fn with(&self, generics: &syn::Generics) -> GenericScope {
        let mut scope = self.clone();
        for param in generics.type_params() {
            let bounds = trait_bounds(param.bounds.iter());
            scope.params.push((param.ident.to_string(), bounds));
        }
        if let Some(where_clause) = &generics.where_clause {
            for predicate in &where_clause.predicates {
                let syn::WherePredicate::Type(predicate) = predicate else {
                    continue;
                };
                let syn::Type::Path(bounded) = &predicate.bounded_ty else {
                    continue;
                };
                let Some(name) = bounded.path.get_ident().map(ToString::to_string) else {
                    continue;
                };
                let bounds = trait_bounds(predicate.bounds.iter());
                if let Some(entry) = scope
                    .params
                    .iter_mut()
                    .rev()
                    .find(|(param, _)| *param == name)
                {
                    entry.1.extend(bounds);
                }
            }
        }
        scope
    }

    /// This scope inside the trait `name`: `Self::Assoc` names the trait's
    /// associated type.
    pub fn in_trait(&self, name: &str) -> GenericScope {
        let mut scope = self.clone();
        scope.self_trait = Some(vec![name.to_string()]);
        scope
    }

    /// The generic parameters in scope and their bounds, outermost first.
    pub fn params(&self) -> &[(String, Vec<PathSegments>)] {
        &self.params
    }

    fn bounds_of(&self, name: &str) -> Option<&Vec<PathSegments>> {
        self.params
            .iter()
            .rev()
            .find(|(param, _)| param == name)
            .map(|(_, bounds)| bounds)
    }
}

/// The trait paths among `bounds` (lifetimes dropped).
pub fn trait_bounds<'a>(
    bounds: impl Iterator<Item = &'a syn::TypeParamBound>,
) -> Vec<PathSegments> {
    bounds
        .filter_map(|bound| match bound {
            syn::TypeParamBound::Trait(trait_bound) => Some(segments(&trait_bound.path)),
            _ => None,
        })
        .collect()
}

/// The segment names of `path`, generic arguments dropped.
pub fn segments(path: &syn::Path) -> PathSegments {
    path.segments
        .iter()
        .map(|segment| segment.ident.unraw().to_string())
        .collect()
}

/// Wrappers that a method call sees through.
const TRANSPARENT: &[&str] = &[
    "Box",
    "Arc",
    "Rc",
    "Weak",
    "Pin",
    "Mutex",
    "RwLock",
    "RefCell",
    "Cell",
    "Option",
    "OnceLock",
    "OnceCell",
    "LazyLock",
    "Lazy",
    "ManuallyDrop",
];

/// What `ty` means for method resolution.
pub fn type_ref(ty: &syn::Type, scope: &GenericScope) -> TypeRef {
    match ty {
        syn::Type::Reference(reference) => type_ref(&reference.elem, scope),
        syn::Type::Paren(paren) => type_ref(&paren.elem, scope),
        syn::Type::Group(group) => type_ref(&group.elem, scope),
        syn::Type::TraitObject(object) => TypeRef::Bounds(trait_bounds(object.bounds.iter())),
        syn::Type::ImplTrait(impl_trait) => TypeRef::Bounds(trait_bounds(impl_trait.bounds.iter())),
        syn::Type::Path(type_path) if type_path.qself.is_none() => {
            let path = &type_path.path;
            if let Some(last) = path.segments.last() {
                if TRANSPARENT.contains(&last.ident.to_string().as_str()) {
                    if let Some(inner) = first_type_argument(last) {
                        return type_ref(inner, scope);
                    }
                }
            }
            if let Some(ident) = path.get_ident() {
                if let Some(bounds) = scope.bounds_of(&ident.to_string()) {
                    return TypeRef::Bounds(bounds.clone());
                }
            }
            let written = segments(path);
            if let [head, assoc] = written.as_slice() {
                // `T::Client` with `T: Provider`: `Provider::Client`.
                let bound = match scope.bounds_of(head) {
                    Some(bounds) => bounds.first(),
                    None if head == "Self" => scope.self_trait.as_ref(),
                    None => None,
                };
                if let Some(bound) = bound {
                    let mut path = bound.clone();
                    path.push(assoc.clone());
                    return TypeRef::Path(path);
                }
            }
            TypeRef::Path(written)
        }
        _ => TypeRef::Unknown,
    }
}

/// Maps: their element is their last type argument (the value).
const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap", "DashMap", "LruCache"];

/// Like [`type_ref`], for the type of a value (a field, parameter,
/// binding or return): a generic path keeps its first type argument (a
/// map its value type).
pub fn value_type_ref(ty: &syn::Type, scope: &GenericScope) -> TypeRef {
    match type_ref(ty, scope) {
        TypeRef::Path(path) => {
            let argument = innermost_path(ty)
                .and_then(|type_path| type_path.path.segments.last())
                .and_then(|segment| {
                    if MAPS.contains(&segment.ident.to_string().as_str()) {
                        last_type_argument(segment)
                    } else {
                        first_type_argument(segment)
                    }
                });
            match argument {
                Some(argument) => TypeRef::Generic(path, Box::new(value_type_ref(argument, scope))),
                None => TypeRef::Path(path),
            }
        }
        other => other,
    }
}

/// The path type under references, parentheses and transparent wrappers.
fn innermost_path(ty: &syn::Type) -> Option<&syn::TypePath> {
    match ty {
        syn::Type::Reference(reference) => innermost_path(&reference.elem),
        syn::Type::Paren(paren) => innermost_path(&paren.elem),
        syn::Type::Group(group) => innermost_path(&group.elem),
        syn::Type::Path(type_path) => {
            let last = type_path.path.segments.last()?;
            if TRANSPARENT.contains(&last.ident.to_string().as_str()) {
                if let Some(inner) = first_type_argument(last) {
                    return innermost_path(inner);
                }
            }
            Some(type_path)
        }
        _ => None,
    }
}

fn last_type_argument(segment: &syn::PathSegment) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    arguments
        .args
        .iter()
        .filter_map(|argument| match argument {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .last()
}

fn first_type_argument(segment: &syn::PathSegment) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// The position among `generics`' type parameters of the parameter that
/// `ty` holds, under references and transparent wrappers (`Arc<H>`).
pub fn param_position(ty: &syn::Type, generics: &syn::Generics) -> Option<usize> {
    let type_path = innermost_path(ty)?;
    let ident = type_path.path.get_ident()?;
    generics
        .type_params()
        .position(|param| param.ident == *ident)
}

/// The generic type arguments of the last segment of `ty` (`HttpSites<H>`:
/// `H`), each read in `scope`.
pub fn type_arguments(ty: &syn::Type, scope: &GenericScope) -> Vec<TypeRef> {
    let syn::Type::Path(type_path) = ty else {
        return Vec::new();
    };
    let Some(last) = type_path.path.segments.last() else {
        return Vec::new();
    };
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return Vec::new();
    };
    arguments
        .args
        .iter()
        .filter_map(|argument| match argument {
            syn::GenericArgument::Type(ty) => Some(type_ref(ty, scope)),
            _ => None,
        })
        .collect()
}

/// `ty` as a short name for messages: paths by their last segment, the
/// type forms that have no path spelt out (`(R, E)`, `&mut R`, `[u8; _]`,
/// `fn(..)`, `dyn Read`).
pub fn type_text(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(type_path) => type_path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.unraw().to_string())
            .unwrap_or_default(),
        syn::Type::Reference(reference) => format!(
            "&{}{}",
            if reference.mutability.is_some() {
                "mut "
            } else {
                ""
            },
            type_text(&reference.elem)
        ),
        syn::Type::Tuple(tuple) => format!(
            "({})",
            tuple
                .elems
                .iter()
                .map(type_text)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        syn::Type::Array(array) => format!("[{}; _]", type_text(&array.elem)),
        syn::Type::Slice(slice) => format!("[{}]", type_text(&slice.elem)),
        syn::Type::BareFn(_) => "fn(..)".to_string(),
        syn::Type::Paren(paren) => type_text(&paren.elem),
        syn::Type::Group(group) => type_text(&group.elem),
        syn::Type::Ptr(pointer) => format!("*{}", type_text(&pointer.elem)),
        syn::Type::TraitObject(object) => format!(
            "dyn {}",
            trait_bounds(object.bounds.iter())
                .iter()
                .filter_map(|bound| bound.last().cloned())
                .collect::<Vec<_>>()
                .join(" + ")
        ),
        syn::Type::Never(_) => "!".to_string(),
        _ => "_".to_string(),
    }
}

/// Whether a blanket impl only forwards: its self type is (a reference or
/// wrapper of) a type parameter bounded by the very trait it implements,
/// `impl<R: Read + ?Sized> Read for &mut R`, `impl<T: Store> Store for Arc<T>`.
pub fn forwards_to_itself(item_impl: &syn::ItemImpl) -> bool {
    let Some((_, trait_path, _)) = &item_impl.trait_ else {
        return false;
    };
    let Some(trait_name) = trait_path.segments.last().map(|segment| &segment.ident) else {
        return false;
    };
    let scope = GenericScope::default().with(&item_impl.generics);
    let TypeRef::Path(path) = type_ref(&item_impl.self_ty, &GenericScope::default()) else {
        return false;
    };
    let [param] = path.as_slice() else {
        return false;
    };
    scope.bounds_of(param).is_some_and(|bounds| {
        bounds
            .iter()
            .any(|bound| bound.last().is_some_and(|name| trait_name == name))
    })
}
