//! Receiver types: what `self`, a field, a binding, a `static`, a chain of
//! calls or a type expression names, so that a method call can be tied to
//! the fn it runs. Type aliases, `Deref` targets and supertraits are
//! followed; a field typed by the struct's own parameter is read through
//! the bounds the impl block puts on it (`impl<H: Http> Sites for
//! HttpSites<H>`), an associated type through the impl that sets it or the
//! trait that bounds it. What cannot be told is [`ReceiverType::Unknown`]:
//! a parameter with no bound in sight is unknown, never a type without
//! methods.

use super::{FnId, Graph, ReceiverType};
use crate::index::{ChainBase, FnItem, Position, Receiver, Step, Steps, TypeRef};

/// The types along the last chain resolved on this thread (see
/// `Graph::chain_type`).
#[derive(Default)]
struct ChainTypes {
    /// The chain's shared list (held, so its address is not reused).
    list: Option<Steps>,
    /// The graph it was resolved in.
    graph: usize,
    /// The impl block whose bounds typed its fields (they differ between
    /// stages that ask with and without one).
    impl_at: ImplAt,
    /// The type after each prefix: `types[k]` after `k` steps.
    types: Vec<ReceiverType>,
}

thread_local! {
    static CHAIN_TYPES: std::cell::RefCell<ChainTypes> = std::cell::RefCell::default();
}

/// Methods that hand back (a view of) the value they are called on.
const SAME_VALUE: &[&str] = &[
    "get",
    "get_or_init",
    "unwrap",
    "expect",
    "clone",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "lock",
    "read",
    "write",
    "get_ref",
    "get_mut",
    "deref",
    "deref_mut",
    "to_owned",
    "unwrap_or_default",
    "cloned",
    "as_deref",
    "into_inner",
    "blocking_lock",
    "try_lock",
    "take",
    "as_deref_mut",
    "try_borrow",
    "try_borrow_mut",
    "upgrade",
    "try_read",
    "try_write",
    "blocking_read",
    "blocking_write",
    "get_or_insert_with",
    "pin",
];

/// Collections whose element a method like `get` hands out.
const COLLECTIONS: &[&str] = &[
    "Vec",
    "VecDeque",
    "LinkedList",
    "BinaryHeap",
    "HashMap",
    "BTreeMap",
    "IndexMap",
    "DashMap",
    "LruCache",
    "SmallVec",
    "Slab",
];

/// Methods of a collection that hand out one element (or a guard of it).
const ELEMENT_ACCESS: &[&str] = &[
    "get",
    "get_mut",
    "first",
    "first_mut",
    "last",
    "last_mut",
    "front",
    "front_mut",
    "back",
    "back_mut",
    "pop",
    "pop_front",
    "pop_back",
    "peek",
    "remove",
    "swap_remove",
    "get_refresh",
];

/// The key of "a collection of `element`": `[]` and the element's key, or
/// `[]dyn ` and its traits joined by `+`. Such a key names no type, so no
/// method is found on it; [`Graph::method_return`] hands out the element.
const COLLECTION_OF: &str = "[]";

/// The impl block a fn belongs to, (file, impl index): what its `self`'s
/// generic parameters are bound to.
pub(crate) type ImplAt = Option<(usize, usize)>;

impl Graph {
    /// The type of a method call's receiver, as far as it can be told.
    pub fn receiver_type(
        &self,
        fn_item: &FnItem,
        receiver: &Receiver,
        at: Position,
        self_key: Option<&str>,
        self_trait: Option<&str>,
    ) -> ReceiverType {
        self.receiver_type_in(fn_item, receiver, at, self_key, self_trait, None)
    }

    /// [`Graph::receiver_type`] inside the impl block `impl_at`, whose
    /// bounds say what `self`'s generic fields are.
    pub(crate) fn receiver_type_in(
        &self,
        fn_item: &FnItem,
        receiver: &Receiver,
        at: Position,
        self_key: Option<&str>,
        self_trait: Option<&str>,
        impl_at: ImplAt,
    ) -> ReceiverType {
        match receiver {
            Receiver::SelfValue => self.self_type(self_key, self_trait),
            Receiver::SelfField(field) => {
                let base = self.self_type(self_key, self_trait);
                self.field_type(&base, field, impl_at)
            }
            Receiver::Var(name) => {
                self.var_type(fn_item, name, at, (self_key, self_trait, impl_at), 0)
            }
            Receiver::Chain(chain) => {
                let current = match &chain.base {
                    ChainBase::SelfValue => self.self_type(self_key, self_trait),
                    ChainBase::Var(name) => {
                        self.var_type(fn_item, name, at, (self_key, self_trait, impl_at), 0)
                    }
                    ChainBase::Call(path) => self.call_type(fn_item, path, self_key),
                };
                self.chain_type(current, &chain.steps, impl_at)
            }
            Receiver::Unknown => ReceiverType::Unknown,
        }
    }

    /// The type after `steps`, starting from `base`. The calls of one chain
    /// share its list of steps (`Steps::prefix`), and are resolved one
    /// after another: the types along the list are kept (per thread, for
    /// the last list), so a chain of n calls costs O(n), not O(n²).
    fn chain_type(&self, base: ReceiverType, steps: &Steps, impl_at: ImplAt) -> ReceiverType {
        CHAIN_TYPES.with(|cache| {
            let mut cache = cache.borrow_mut();
            let graph = std::ptr::from_ref(self) as usize;
            let fresh = match &cache.list {
                Some(list) => {
                    !list.same_list(steps)
                        || cache.graph != graph
                        || cache.impl_at != impl_at
                        || cache.types[0] != base
                }
                None => true,
            };
            if fresh {
                cache.list = Some(steps.clone());
                cache.graph = graph;
                cache.impl_at = impl_at;
                cache.types = vec![base];
            }
            while cache.types.len() <= steps.len() {
                let done = cache.types.len() - 1;
                let current = &cache.types[done];
                let next = match (current, &steps[done]) {
                    (ReceiverType::Unknown, _) => ReceiverType::Unknown,
                    (_, Step::Field(field)) => self.field_type(current, field, impl_at),
                    (_, Step::Method(method)) => self.method_return(current, method),
                };
                cache.types.push(next);
            }
            cache.types[steps.len()].clone()
        })
    }

    /// The type of the binding `name` at `at`: a `let`, a parameter, or a
    /// `static` of the module.
    pub(crate) fn var_type(
        &self,
        fn_item: &FnItem,
        name: &str,
        at: Position,
        (self_key, self_trait, impl_at): (Option<&str>, Option<&str>, ImplAt),
        depth: u8,
    ) -> ReceiverType {
        match fn_item.binding_type(name, at) {
            Some((TypeRef::Expr(chain), bound_at)) if depth < 8 => {
                // `let s = self.clone();`: the chain, as of its binding.
                let receiver = Receiver::Chain(chain.clone());
                match &receiver {
                    Receiver::Chain(chain) => match (&chain.base, chain.steps.as_slice()) {
                        (ChainBase::Var(base), []) => self.var_type(
                            fn_item,
                            base,
                            bound_at,
                            (self_key, self_trait, impl_at),
                            depth + 1,
                        ),
                        _ => self.receiver_type_in(
                            fn_item, &receiver, bound_at, self_key, self_trait, impl_at,
                        ),
                    },
                    _ => ReceiverType::Unknown,
                }
            }
            Some((ty, _)) => self.resolve_type(&fn_item.module, ty, self_key),
            None => {
                let static_key = self
                    .resolver
                    .resolve(&fn_item.module, &[name.to_string()])
                    .join("::");
                match self.statics.get(&static_key) {
                    Some((module, ty)) => self.resolve_type(module, ty, None),
                    None => ReceiverType::Unknown,
                }
            }
        }
    }

    pub(crate) fn self_type(
        &self,
        self_key: Option<&str>,
        self_trait: Option<&str>,
    ) -> ReceiverType {
        match (self_key, self_trait) {
            (Some(self_key), _) => ReceiverType::Type(self_key.to_string()),
            (None, Some(trait_key)) => ReceiverType::Traits(vec![trait_key.to_string()]),
            _ => ReceiverType::Unknown,
        }
    }

    /// The type of `field` of a first-party struct, inside the impl block
    /// `impl_at` when known.
    pub(crate) fn field_type(
        &self,
        base: &ReceiverType,
        field: &str,
        impl_at: ImplAt,
    ) -> ReceiverType {
        let ReceiverType::Type(type_key) = base else {
            return ReceiverType::Unknown;
        };
        let Some(&(file, local)) = self.types.get(type_key) else {
            return ReceiverType::Unknown;
        };
        let type_item = &self.files[file].index.types[local];
        let declared = match type_item.fields.iter().find(|(name, _)| name == field) {
            Some((_, ty)) => self.resolve_type(&type_item.module, ty, Some(type_key)),
            None => return ReceiverType::Unknown,
        };
        match type_item
            .generic_fields
            .iter()
            .find(|(name, _)| name == field)
        {
            Some(&(_, position)) => self.parameter_type(type_key, position, declared, impl_at),
            None => declared,
        }
    }

    /// What a call of `path` yields: `Type::new(..)` a `Type`, `helper(..)`
    /// what `helper` returns, `H::connect(..)` or `Self::Client::new(..)`
    /// (a constructor of a seam) the seam.
    pub(crate) fn call_type(
        &self,
        fn_item: &FnItem,
        path: &[String],
        self_key: Option<&str>,
    ) -> ReceiverType {
        let module = &fn_item.module;
        let Some((last, owner)) = path.split_last() else {
            return ReceiverType::Unknown;
        };
        if let Some(owner_name) = owner.last() {
            let resolved = match self.generic_owner(fn_item, owner) {
                Some(seam) => seam,
                None => self.resolve_type(module, &TypeRef::Path(owner.to_vec()), self_key),
            };
            match &resolved {
                ReceiverType::Type(type_key) => {
                    if let Some(fn_id) = self.method_of(type_key, last) {
                        return self.returned(fn_id, type_key);
                    }
                    if owner_name.starts_with(char::is_uppercase) {
                        // An external constructor or builder: assume it yields its type.
                        return resolved;
                    }
                }
                ReceiverType::Traits(_) => {
                    return match self.method_return(&resolved, last) {
                        // `fn new() -> Self`: the seam itself.
                        ReceiverType::Unknown => resolved,
                        returned => returned,
                    };
                }
                ReceiverType::Unknown => {}
            }
        }
        self.resolve_type(module, &TypeRef::ReturnOf(path.to_vec()), self_key)
    }

    /// What `method` called on `receiver` returns.
    pub(crate) fn method_return(&self, receiver: &ReceiverType, method: &str) -> ReceiverType {
        if let ReceiverType::Type(type_key) = receiver {
            if let Some(element) = type_key.strip_prefix(COLLECTION_OF) {
                return if ELEMENT_ACCESS.contains(&method) {
                    match element.strip_prefix("dyn ") {
                        Some(traits) => {
                            ReceiverType::Traits(traits.split('+').map(String::from).collect())
                        }
                        None => ReceiverType::Type(element.to_string()),
                    }
                } else if SAME_VALUE.contains(&method) {
                    receiver.clone()
                } else {
                    ReceiverType::Unknown
                };
            }
        }
        match receiver {
            ReceiverType::Type(type_key) if self.types.contains_key(type_key) => {
                match self.method_of(type_key, method) {
                    Some(fn_id) => self.returned(fn_id, type_key),
                    None if SAME_VALUE.contains(&method) => receiver.clone(),
                    None => match self.deref_target(type_key) {
                        Some(target) => self.method_return(&target, method),
                        None => ReceiverType::Unknown,
                    },
                }
            }
            // Another crate's type: a first-party extension method says what
            // it returns; otherwise builder chains keep the type
            // (`Command::new(..).args(..)`).
            ReceiverType::Type(type_key) => match self.method_of(type_key, method) {
                Some(fn_id) => self.returned(fn_id, type_key),
                None => receiver.clone(),
            },
            ReceiverType::Traits(trait_keys) => trait_keys
                .iter()
                .find_map(|trait_key| self.trait_method(trait_key, method))
                .map(|fn_id| {
                    let callee = self.fn_item(fn_id);
                    match &callee.ret {
                        TypeRef::Path(path) if path.len() == 1 && path[0] == "Self" => {
                            ReceiverType::Unknown
                        }
                        ret => self.resolve_type(&callee.module, ret, None),
                    }
                })
                .or_else(|| SAME_VALUE.contains(&method).then(|| receiver.clone()))
                .unwrap_or(ReceiverType::Unknown),
            ReceiverType::Unknown => ReceiverType::Unknown,
        }
    }

    /// The trait among `trait_key` and its supertraits that declares `name`.
    pub(crate) fn declaring_trait(&self, trait_key: &str, name: &str, depth: u8) -> Option<String> {
        if self.trait_method(trait_key, name).is_some() {
            return Some(trait_key.to_string());
        }
        if depth > 8 {
            return None;
        }
        let &(file, local) = self.traits.get(trait_key)?;
        let trait_item = &self.files[file].index.traits[local];
        trait_item.supertraits.iter().find_map(|supertrait| {
            let key = self
                .resolver
                .resolve(&trait_item.module, supertrait)
                .join("::");
            self.declaring_trait(&key, name, depth + 1)
        })
    }

    /// What a first-party type derefs to.
    pub(crate) fn deref_target(&self, type_key: &str) -> Option<ReceiverType> {
        let (module, target) = self.deref_targets.get(type_key)?;
        match self.resolve_type(module, target, Some(type_key)) {
            ReceiverType::Unknown => None,
            target => Some(target),
        }
    }

    /// What `fn_id` returns, `Self` being `self_type`.
    pub(crate) fn returned(&self, fn_id: FnId, self_type: &str) -> ReceiverType {
        let callee = self.fn_item(fn_id);
        if matches!(callee.ret, TypeRef::ReturnOf(_)) {
            return ReceiverType::Unknown;
        }
        self.resolve_type(&callee.module, &callee.ret, Some(self_type))
    }

    /// What `ty`, written in `module`, names.
    pub fn resolve_type(
        &self,
        module: &[String],
        ty: &TypeRef,
        self_key: Option<&str>,
    ) -> ReceiverType {
        match ty {
            TypeRef::Path(path) if path.len() == 1 && path[0] == "Self" => match self_key {
                Some(self_key) => ReceiverType::Type(self_key.to_string()),
                None => ReceiverType::Unknown,
            },
            TypeRef::Path(path) if path.len() == 2 && path[0] == "Self" => {
                match self_key.and_then(|self_key| self.assoc_of_type(self_key, &path[1])) {
                    Some(found) => found,
                    None => ReceiverType::Unknown,
                }
            }
            TypeRef::Path(path) => {
                let mut resolved = self.resolver.resolve(module, path);
                if let Some(globbed) = self.through_external_glob(module, path, &resolved) {
                    resolved = globbed;
                }
                if let Some(bounds) = self.assoc_bounds(&resolved) {
                    return bounds;
                }
                let type_key = resolved.join("::");
                match self.type_aliases.get(&type_key) {
                    // `type Conn = sqlite::ConnectionThreadSafe;`: the target,
                    // unless it is itself an alias (no chains, no cycles).
                    Some((alias_module, target)) => match target {
                        TypeRef::Path(target_path) => ReceiverType::Type(
                            self.resolver.resolve(alias_module, target_path).join("::"),
                        ),
                        TypeRef::Bounds(bounds) => ReceiverType::Traits(
                            bounds
                                .iter()
                                .map(|bound| self.resolver.resolve(alias_module, bound).join("::"))
                                .collect(),
                        ),
                        _ => ReceiverType::Unknown,
                    },
                    None => ReceiverType::Type(type_key),
                }
            }
            // A parameter with no bound in sight: unknown, not a seam.
            TypeRef::Bounds(bounds) if bounds.is_empty() => ReceiverType::Unknown,
            TypeRef::Bounds(bounds) => ReceiverType::Traits(
                bounds
                    .iter()
                    .map(|bound| self.resolver.resolve(module, bound).join("::"))
                    .collect(),
            ),
            TypeRef::Expr(_) => ReceiverType::Unknown,
            TypeRef::Generic(path, argument) => {
                let outer = self.resolve_type(module, &TypeRef::Path(path.clone()), self_key);
                match &outer {
                    // `Pooled<'_, Conn>` derefs to `Conn`: a call on it is a call on `Conn`.
                    ReceiverType::Type(type_key) if self.generic_deref.contains(type_key) => {
                        self.resolve_type(module, argument, self_key)
                    }
                    // `HashMap<String, Arc<RwLock<Entry>>>`: a collection of `Entry`.
                    ReceiverType::Type(type_key)
                        if !self.types.contains_key(type_key)
                            && COLLECTIONS
                                .contains(&type_key.rsplit("::").next().unwrap_or(type_key)) =>
                    {
                        match self.resolve_type(module, argument, self_key) {
                            ReceiverType::Type(element) => {
                                ReceiverType::Type(format!("{COLLECTION_OF}{element}"))
                            }
                            ReceiverType::Traits(traits) => ReceiverType::Type(format!(
                                "{COLLECTION_OF}dyn {}",
                                traits.join("+")
                            )),
                            ReceiverType::Unknown => outer,
                        }
                    }
                    _ => outer,
                }
            }
            TypeRef::ReturnOf(path) => {
                let resolved = self.resolver.resolve(module, path).join("::");
                match self
                    .free_fns
                    .get(&resolved)
                    .map(|&fn_id| self.fn_item(fn_id))
                {
                    Some(callee) if !matches!(callee.ret, TypeRef::ReturnOf(_)) => {
                        self.resolve_type(&callee.module, &callee.ret, None)
                    }
                    _ => ReceiverType::Unknown,
                }
            }
            TypeRef::Unknown => ReceiverType::Unknown,
        }
    }
}
