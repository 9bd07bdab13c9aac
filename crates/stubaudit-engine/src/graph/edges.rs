//! Call edges of one fn: what each call site reaches (an own helper, a
//! layer, a seam, a boundary, an I/O sink), through path resolution and
//! receiver types (`receivers`). Constructors and conversions are not
//! followed; a call whose receiver stays unknown may be matched by its
//! method name within its crate, and is then marked approximate. A call
//! into code the audit cannot read (another crate, a method a derive or
//! macro wrote) is I/O when it is handed an I/O handle; a name nothing
//! explains is read through the module's external globs when that makes it
//! I/O. Calls that land nowhere the graph can tell are counted per fn.

use super::handles::HANDLE_NEUTRAL;
use super::{Edge, EdgeAt, FnId, Graph, ReceiverType};
use crate::index::{CallKind, FnItem, Owner, PathSegments, TypeRef};

/// Calls that are not followed: constructors and conversions.
pub(crate) const NOT_FOLLOWED: &[&str] = &[
    "new",
    "default",
    "from",
    "into",
    "try_from",
    "try_into",
    "fmt",
    "clone",
    "to_string",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "hash",
    "drop",
    "as_ref",
    "as_mut",
    "deref",
    "deref_mut",
    "borrow",
];

/// Method names std and common crates use everywhere: a name-only match on
/// these would be a guess, so the fallback never makes one.
const COMMON_METHODS: &[&str] = &[
    "get",
    "get_mut",
    "set",
    "insert",
    "remove",
    "contains",
    "len",
    "is_empty",
    "push",
    "pop",
    "iter",
    "iter_mut",
    "into_iter",
    "map",
    "map_err",
    "and_then",
    "or_else",
    "ok",
    "err",
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "ok_or",
    "ok_or_else",
    "send",
    "recv",
    "run",
    "call",
    "build",
    "parse",
    "read",
    "write",
    "flush",
    "close",
    "lock",
    "borrow_mut",
    "join",
    "split",
    "trim",
    "as_str",
    "as_bytes",
    "to_vec",
    "to_owned",
    "collect",
    "filter",
    "find",
    "next",
    "first",
    "last",
    "extend",
    "clear",
    "entry",
    "keys",
    "values",
    "start",
    "stop",
    "open",
    "await",
    "with",
    "name",
    "id",
    "value",
    "status",
    "body",
    "headers",
    "json",
    "text",
    "execute",
    "query",
    "fetch",
];

/// A call that only builds a value of an I/O crate: an enum variant or
/// tuple struct (`sqlite::Value::Integer(1)`), or a constructor
/// (`reqwest::Client::new()`): no I/O yet. The standard library's process,
/// file and socket constructors (`Command::new`, `OpenOptions::new`) do
/// count: what they build is only ever used to do I/O.
fn is_data_constructor(path: &[String]) -> bool {
    let Some(last) = path.last() else {
        return false;
    };
    if last.starts_with(char::is_uppercase) {
        return true;
    }
    let std_io = matches!(
        path.first().map(String::as_str),
        Some("std" | "tokio" | "async_std")
    );
    NOT_FOLLOWED.contains(&last.as_str()) && !std_io
}

/// Traits whose impls are conversions or plumbing, never followed.
const PLUMBING_TRAITS: &[&str] = &[
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Display",
    "Debug",
    "Clone",
    "Default",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Drop",
    "Deref",
    "DerefMut",
    "AsRef",
    "AsMut",
    "Borrow",
    "FromStr",
    "Error",
];

impl Graph {
    /// The edges of `fn_id`, and how many of its calls landed nowhere the
    /// graph can tell (see [`Graph::unresolved`]).
    pub(crate) fn edges_of(&self, fn_id: FnId) -> (Vec<EdgeAt>, u32) {
        let fn_item = self.fn_item(fn_id);
        let (self_key, self_trait) = self.owner_keys(fn_id);
        if self_trait
            .as_ref()
            .and_then(|trait_key| trait_key.rsplit("::").next())
            .is_some_and(|name| PLUMBING_TRAITS.contains(&name))
        {
            return (Vec::new(), 0);
        }
        let impl_at = match fn_item.owner {
            Owner::Impl(impl_index) => Some((self.fns[fn_id].file, impl_index)),
            _ => None,
        };
        let mut edges = Vec::new();
        let mut unresolved = 0;
        let within = (self_key.as_deref(), self_trait.as_deref(), impl_at);
        for call in &fn_item.calls {
            let edge = match &call.kind {
                CallKind::Path(path) => {
                    let edge =
                        self.path_edge(fn_item, path, self_key.as_deref(), self_trait.as_deref());
                    match edge {
                        None if self.path_unread(fn_item, path) => {
                            self.handle_sink(fn_item, call.at, within).map(Edge::Sink)
                        }
                        edge => edge,
                    }
                }
                CallKind::Method { receiver, name } => {
                    if NOT_FOLLOWED.contains(&name.as_str()) {
                        None
                    } else {
                        let receiver_ty = self.receiver_type_in(
                            fn_item,
                            receiver,
                            call.at,
                            self_key.as_deref(),
                            self_trait.as_deref(),
                            impl_at,
                        );
                        if receiver_ty == ReceiverType::Unknown {
                            if let Some(edge) = self.by_name_only(
                                name,
                                fn_item.module.first().map_or("", String::as_str),
                            ) {
                                edges.push(EdgeAt {
                                    edge,
                                    at: call.at,
                                    approximate: true,
                                });
                                continue;
                            }
                        }
                        let unread = self.method_unread(&receiver_ty, name);
                        // `vec.push(conn)` moves a handle; `model.insert(&conn)` on
                        // a type a macro made uses it.
                        let neutral = HANDLE_NEUTRAL.contains(&name.as_str())
                            && !self.is_macro_made(&receiver_ty);
                        match self.method_edge(receiver_ty.clone(), name, self_key.as_deref()) {
                            None if unread && !neutral => {
                                let sink = self.handle_sink(fn_item, call.at, within);
                                if sink.is_none()
                                    && receiver_ty == ReceiverType::Unknown
                                    && !COMMON_METHODS.contains(&name.as_str())
                                {
                                    unresolved += 1;
                                }
                                sink.map(Edge::Sink)
                            }
                            edge => edge,
                        }
                    }
                }
                CallKind::SelfPath(path) => self.self_path_edge(fn_item, path, self_key.as_deref()),
                CallKind::Construct(_) => None,
            };
            if let Some(edge) = edge {
                edges.push(EdgeAt {
                    edge,
                    at: call.at,
                    approximate: false,
                });
            }
        }
        (edges, unresolved)
    }

    /// The one first-party method named `name`, when the workspace declares
    /// exactly one and the name is not one std types share.
    /// Only methods of the caller's own crate are candidates: a name match
    /// across crates is a guess too far.
    /// `Trait::m(self, …)` inside an impl: the implementing type's `m` of
    /// that trait (its own, or the trait's default); `Type::m(self, …)`:
    /// that type's `m`.
    pub(crate) fn self_path_edge(
        &self,
        fn_item: &FnItem,
        path: &PathSegments,
        self_key: Option<&str>,
    ) -> Option<Edge> {
        let (method, owner) = path.split_last()?;
        let owner_key = self.resolver.resolve(&fn_item.module, owner).join("::");
        let self_key = self_key?;
        if self.traits.contains_key(&owner_key) {
            let &(file, impl_index, _) = self
                .trait_impls
                .get(&owner_key)?
                .iter()
                .find(|(_, _, impl_self)| impl_self == self_key)?;
            let index = &self.files[file].index;
            let own = index.impls[impl_index]
                .methods
                .iter()
                .find(|&&local| index.fns[local].name == *method)
                .and_then(|&local| self.fn_id(file, local));
            let callee = own.or_else(|| self.inherited_default(self_key, method))?;
            return Some(Edge::Helper(callee));
        }
        self.method_of(&owner_key, method).map(Edge::Helper)
    }

    /// An associated fn (no `self`) that returns `Self` or its own type,
    /// possibly in a `Result` or `Option`.
    fn is_constructor(&self, fn_id: FnId) -> bool {
        let fn_item = self.fn_item(fn_id);
        if fn_item.has_receiver {
            return false;
        }
        let (owner_key, _) = self.owner_keys(fn_id);
        match &fn_item.ret {
            TypeRef::Path(path) if path.len() == 1 && path[0] == "Self" => true,
            TypeRef::Path(path) | TypeRef::Generic(path, _) => owner_key.is_some_and(|owner_key| {
                self.resolver.resolve(&fn_item.module, path).join("::") == owner_key
            }),
            _ => false,
        }
    }

    pub(crate) fn by_name_only(&self, name: &str, caller_crate: &str) -> Option<Edge> {
        if COMMON_METHODS.contains(&name) {
            return None;
        }
        let mut candidates = self.by_name.get(name)?.iter().filter(|edge| {
            let krate = match edge {
                Edge::Method(fn_id) => self.fn_item(*fn_id).module.first().map(String::as_str),
                Edge::TraitMethod { trait_key, .. } => trait_key.split("::").next(),
                _ => None,
            };
            krate == Some(caller_crate)
        });
        let only = candidates.next()?;
        candidates.next().is_none().then(|| only.clone())
    }

    pub(crate) fn path_edge(
        &self,
        fn_item: &FnItem,
        path: &PathSegments,
        self_key: Option<&str>,
        self_trait: Option<&str>,
    ) -> Option<Edge> {
        let last = path.last()?;
        // `H::get(..)` with `H: Http`, `T::Client::connect(..)`: through the
        // parameter's bounds.
        if let Some((method, owner)) = path.split_last() {
            if let Some(seam) = self.generic_owner(fn_item, owner) {
                if NOT_FOLLOWED.contains(&method.as_str()) {
                    return None;
                }
                return self.method_edge(seam, method, self_key);
            }
        }
        if path.len() == 3 && path[0] == "Self" {
            // `Self::Client::connect(..)`: the associated type's method.
            let owner = TypeRef::Path(path[..2].to_vec());
            let seam = self.resolve_type(&fn_item.module, &owner, self_key);
            if NOT_FOLLOWED.contains(&last.as_str()) || seam == ReceiverType::Unknown {
                return None;
            }
            return self.method_edge(seam, last, self_key);
        }
        let mut resolved = self.resolver.resolve(&fn_item.module, path);
        if let Some(globbed) = self.through_external_glob(&fn_item.module, path, &resolved) {
            resolved = globbed;
        }
        let external = !self.resolver.is_first_party(path)
            && path.first().is_some_and(|first| first != "Self")
            && !self.resolver.is_first_party(&resolved);
        if external && !is_data_constructor(&resolved) {
            if let Some(kind) = self.catalog.sink(&resolved) {
                return Some(Edge::Sink(kind));
            }
        }
        if NOT_FOLLOWED.contains(&last.as_str()) {
            return None;
        }
        if path.len() == 2 && path[0] == "Self" {
            if let Some(self_key) = self_key {
                return self.method_of(self_key, last).map(Edge::Helper);
            }
            if let Some(trait_key) = self_trait {
                return Some(Edge::TraitMethod {
                    trait_key: trait_key.to_string(),
                    method: last.clone(),
                });
            }
            return None;
        }
        // `resolved` from above.
        let resolved_key = resolved.join("::");
        if let Some(&callee) = self.free_fns.get(&resolved_key) {
            let module_key = resolved[..resolved.len() - 1].join("::");
            return Some(if self.automock_mods.contains(&module_key) {
                Edge::Method(callee)
            } else {
                Edge::Helper(callee)
            });
        }
        if resolved.len() >= 2 {
            let owner_key = resolved[..resolved.len() - 1].join("::");
            if self.types.contains_key(&owner_key) {
                let callee = self.method_of(&owner_key, last)?;
                if self.is_constructor(callee) {
                    // `Record::try_from_signature(..)`: builds a value, not
                    // followed (DESIGN: constructors are not followed).
                    return None;
                }
                return Some(if Some(owner_key.as_str()) == self_key {
                    Edge::Helper(callee)
                } else {
                    Edge::Method(callee)
                });
            }
            if self.traits.contains_key(&owner_key) {
                return Some(Edge::TraitMethod {
                    trait_key: owner_key,
                    method: last.clone(),
                });
            }
            if self.catalog.is_boundary(&resolved[..resolved.len() - 1]) {
                return Some(Edge::Boundary {
                    trait_key: owner_key,
                    method: last.clone(),
                });
            }
        }
        if self.resolver.is_first_party(&resolved) {
            return None;
        }
        if is_data_constructor(&resolved) {
            return None;
        }
        self.catalog.sink(&resolved).map(Edge::Sink)
    }

    pub(crate) fn method_edge(
        &self,
        receiver: ReceiverType,
        name: &str,
        self_key: Option<&str>,
    ) -> Option<Edge> {
        match receiver {
            ReceiverType::Type(type_key) => {
                if self.types.contains_key(&type_key) {
                    let callee = match self.method_of(&type_key, name) {
                        Some(callee) => callee,
                        // `impl Deref for Pooled { type Target = Conn; }`
                        None => {
                            let target = self.deref_target(&type_key)?;
                            return self.method_edge(target, name, self_key);
                        }
                    };
                    Some(if Some(type_key.as_str()) == self_key {
                        Edge::Helper(callee)
                    } else {
                        Edge::Method(callee)
                    })
                } else if let Some(extension) = self.method_of(&type_key, name) {
                    // A first-party extension trait over another crate's
                    // handle (`impl ConnExt for sqlite::Connection`): its
                    // code is part of the caller's unit, its I/O the caller's.
                    Some(Edge::Helper(extension))
                } else {
                    let mut path: PathSegments = type_key.split("::").map(String::from).collect();
                    if self.resolver.is_first_party(&path) {
                        return None;
                    }
                    // A sink type (`rusqlite::Connection`), or a sink method
                    // of a plain type (`std::path::Path::exists`).
                    self.catalog
                        .sink(&path)
                        .or_else(|| {
                            path.push(name.to_string());
                            self.catalog.sink(&path)
                        })
                        .map(Edge::Sink)
                }
            }
            ReceiverType::Traits(trait_keys) => trait_keys.into_iter().find_map(|trait_key| {
                // The trait itself or a supertrait declares it.
                let declaring = self.declaring_trait(&trait_key, name, 0);
                if let Some(declaring) = declaring {
                    return Some(Edge::TraitMethod {
                        trait_key: declaring,
                        method: name.to_string(),
                    });
                }
                // Another crate's trait the workspace implements
                // (`S: tower::Service<Req>`): a seam through its impls.
                if !self
                    .resolver
                    .is_first_party(&trait_key.split("::").map(String::from).collect::<Vec<_>>())
                    && self.trait_impls.contains_key(&trait_key)
                    && !PLUMBING_TRAITS.contains(&trait_key.rsplit("::").next().unwrap_or(""))
                {
                    return Some(Edge::TraitMethod {
                        trait_key,
                        method: name.to_string(),
                    });
                }
                let path: PathSegments = trait_key.split("::").map(String::from).collect();
                if self.catalog.is_boundary(&path) {
                    return Some(Edge::Boundary {
                        trait_key,
                        method: name.to_string(),
                    });
                }
                if self.resolver.is_first_party(&path) {
                    return None;
                }
                self.catalog.sink(&path).map(Edge::Sink)
            }),
            ReceiverType::Unknown => None,
        }
    }
}
