//! Stage `graph`: symbol tables over every indexed file and the call edges
//! of every fn. Paths resolve through `use` trees (renames, globs,
//! `self`/`super`/`crate`, re-exports across workspace crates); method
//! receivers resolve through `self`, fields, parameters, generic bounds,
//! `dyn Trait` and typed `let` bindings. All lookups are hash lookups, so
//! building the graph is linear in the number of call sites.

mod resolve;

use crate::files::SourceFile;
use crate::index::{
    Body, CallKind, ChainBase, FnItem, Owner, PathSegments, Position, Receiver, Step, TypeRef,
};
use crate::sinks::{Catalog, SinkKind};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub use resolve::Resolver;

/// A fn anywhere in the workspace: an index into [`Graph::fns`].
pub type FnId = usize;

/// Where a fn lives: file index and index within that file's `fns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FnRef {
    /// Index into [`Graph::files`].
    pub file: usize,
    /// Index into that file's `fns`.
    pub local: usize,
}

/// What a call reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edge {
    /// An own helper: a method of the same type, or a free fn.
    Helper(FnId),
    /// A layer: a method of another first-party type, or a fn of an
    /// automocked module.
    Method(FnId),
    /// A layer: a method called through a first-party trait seam (`dyn`,
    /// generic bound, `impl Trait`).
    TraitMethod {
        /// The trait's absolute path.
        trait_key: String,
        /// The method.
        method: String,
    },
    /// A boundary outside the workspace (the stubaudit library's traits,
    /// configured boundaries): height 0.
    Boundary {
        /// The trait's absolute path.
        trait_key: String,
        /// The method.
        method: String,
    },
    /// A call that leaves the process.
    Sink(SinkKind),
}

/// One edge and where its call is.
#[derive(Debug, Clone)]
pub struct EdgeAt {
    /// What is reached.
    pub edge: Edge,
    /// Where the call is written.
    pub at: Position,
    /// Found by method name alone: the receiver's type was not known.
    pub approximate: bool,
}

/// One production (or test) implementation of a trait method.
#[derive(Debug, Clone)]
pub struct Implementation {
    /// The fn that runs.
    pub fn_id: FnId,
    /// The implementing type's name, as written in the impl.
    pub type_name: String,
}

/// The resolved workspace.
pub struct Graph {
    /// Every indexed file.
    pub files: Vec<SourceFile>,
    /// Every fn.
    pub fns: Vec<FnRef>,
    /// Call edges per fn (resolved by type).
    pub edges: Vec<Vec<EdgeAt>>,
    /// Call edges per fn found by method name alone: listed, not followed.
    pub approximate: Vec<Vec<EdgeAt>>,
    /// Name resolution.
    pub resolver: Resolver,
    /// The I/O catalog.
    pub catalog: Catalog,
    /// Trait key → (file, trait index).
    pub traits: HashMap<String, (usize, usize)>,
    /// Type key → (file, type index).
    pub types: HashMap<String, (usize, usize)>,
    /// Free fn key → fn.
    pub free_fns: HashMap<String, FnId>,
    /// (type key, method) → methods of impls on that type.
    methods: HashMap<String, HashMap<String, Vec<FnId>>>,
    /// Trait key → method → the trait's own declaration.
    trait_methods: HashMap<String, HashMap<String, FnId>>,
    /// Trait key → impls of it: (file, impl index, self type key).
    pub trait_impls: HashMap<String, Vec<(usize, usize, String)>>,
    /// (file, impl index) → resolved self type key and trait key.
    impl_keys: HashMap<(usize, usize), (Option<String>, Option<String>)>,
    /// Module keys carrying `#[automock]`.
    automock_mods: HashSet<String>,
    /// Static or const key → (module, type).
    statics: HashMap<String, (PathSegments, TypeRef)>,
    /// Type key → (module, target) of its `impl Deref`.
    deref_targets: HashMap<String, (PathSegments, TypeRef)>,
    /// Identifiers inside item macros the index could not read.
    pub macro_idents: HashSet<String>,
    /// Alias key → (module, target) of `type Alias = Target;`.
    type_aliases: HashMap<String, (PathSegments, TypeRef)>,
    /// Type key → its inherent methods.
    pub inherent: HashMap<String, Vec<FnId>>,
    /// Type key → keys of the traits it implements.
    traits_of_type: HashMap<String, Vec<String>>,
    /// Method name → what declares it: an inherent method, or a trait.
    by_name: HashMap<String, Vec<Edge>>,
}

/// Calls that are not followed: constructors and conversions.
const NOT_FOLLOWED: &[&str] = &[
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

/// Methods that hand back (a view of) the value they are called on.
const SAME_VALUE: &[&str] = &[
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
];

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
    /// Builds the symbol tables and the call edges of every fn.
    pub fn build(
        files: Vec<SourceFile>,
        crate_names: std::collections::HashSet<String>,
        catalog: Catalog,
    ) -> Graph {
        let resolver = Resolver::new(&files, crate_names);
        let mut graph = Graph {
            fns: Vec::new(),
            edges: Vec::new(),
            approximate: Vec::new(),
            resolver,
            catalog,
            traits: HashMap::default(),
            types: HashMap::default(),
            free_fns: HashMap::default(),
            methods: HashMap::default(),
            trait_methods: HashMap::default(),
            trait_impls: HashMap::default(),
            impl_keys: HashMap::default(),
            automock_mods: HashSet::default(),
            by_name: HashMap::default(),
            traits_of_type: HashMap::default(),
            inherent: HashMap::default(),
            type_aliases: HashMap::default(),
            macro_idents: HashSet::default(),
            deref_targets: HashMap::default(),
            statics: HashMap::default(),
            files,
        };
        graph.tables();
        // Name-only edges are kept apart: they are listed, never trusted to
        // decide whether or how a fn reaches I/O.
        let all: Vec<Vec<EdgeAt>> = {
            use rayon::prelude::*;
            let graph = &graph;
            (0..graph.fns.len())
                .into_par_iter()
                .map(|fn_id| graph.edges_of(fn_id))
                .collect()
        };
        let (edges, approximate): (Vec<Vec<EdgeAt>>, Vec<Vec<EdgeAt>>) = all
            .into_iter()
            .map(|edges| edges.into_iter().partition(|edge| !edge.approximate))
            .unzip();
        graph.edges = edges;
        graph.approximate = approximate;
        graph
    }

    fn tables(&mut self) {
        for file in &self.files {
            self.macro_idents
                .extend(file.index.macro_idents.iter().cloned());
            for (module, name, target) in &file.index.aliases {
                self.type_aliases
                    .insert(key(module, name), (module.clone(), target.clone()));
            }
        }
        for (file_index, file) in self.files.iter().enumerate() {
            let index = &file.index;
            for module in &index.automock_mods {
                self.automock_mods.insert(module.join("::"));
            }
            for (local, trait_item) in index.traits.iter().enumerate() {
                let key = key(&trait_item.module, &trait_item.name);
                self.traits.entry(key).or_insert((file_index, local));
            }
            for (local, type_item) in index.types.iter().enumerate() {
                let key = key(&type_item.module, &type_item.name);
                self.types.entry(key).or_insert((file_index, local));
            }
            for (impl_index, impl_item) in index.impls.iter().enumerate() {
                let self_key = match self.resolve_type(&impl_item.module, &impl_item.self_ty, None)
                {
                    ReceiverType::Type(type_key) => Some(type_key),
                    _ => None,
                };
                let trait_key = impl_item
                    .trait_path
                    .as_ref()
                    .map(|path| self.resolver.resolve(&impl_item.module, path).join("::"));
                if let (Some(trait_key), Some(self_key)) = (&trait_key, &self_key) {
                    self.traits_of_type
                        .entry(self_key.clone())
                        .or_default()
                        .push(trait_key.clone());
                    self.trait_impls
                        .entry(trait_key.clone())
                        .or_default()
                        .push((file_index, impl_index, self_key.clone()));
                }
                if let (Some(self_key), Some(target)) = (&self_key, &impl_item.deref_target) {
                    self.deref_targets
                        .insert(self_key.clone(), (impl_item.module.clone(), target.clone()));
                }
                self.impl_keys
                    .insert((file_index, impl_index), (self_key, trait_key));
            }
        }
        for (file_index, file) in self.files.iter().enumerate() {
            for (local, fn_item) in file.index.fns.iter().enumerate() {
                let fn_id = self.fns.len();
                self.fns.push(FnRef {
                    file: file_index,
                    local,
                });
                match fn_item.owner {
                    Owner::Module => {
                        self.free_fns
                            .entry(key(&fn_item.module, &fn_item.name))
                            .or_insert(fn_id);
                    }
                    Owner::Impl(impl_index) => {
                        if let Some((Some(self_key), trait_key)) =
                            self.impl_keys.get(&(file_index, impl_index))
                        {
                            if trait_key.is_none() {
                                self.inherent
                                    .entry(self_key.clone())
                                    .or_default()
                                    .push(fn_id);
                            }
                            if trait_key.is_none() && !fn_item.in_test && !file.in_test {
                                self.by_name
                                    .entry(fn_item.name.clone())
                                    .or_default()
                                    .push(Edge::Method(fn_id));
                            }
                            let entry = self
                                .methods
                                .entry(self_key.clone())
                                .or_default()
                                .entry(fn_item.name.clone())
                                .or_default();
                            // Inherent methods first: they win over trait methods of the same name.
                            if trait_key.is_none() {
                                entry.insert(0, fn_id);
                            } else {
                                entry.push(fn_id);
                            }
                        }
                    }
                    Owner::Trait(trait_index) => {
                        let trait_item = &file.index.traits[trait_index];
                        let trait_key = key(&trait_item.module, &trait_item.name);
                        self.by_name.entry(fn_item.name.clone()).or_default().push(
                            Edge::TraitMethod {
                                trait_key: trait_key.clone(),
                                method: fn_item.name.clone(),
                            },
                        );
                        self.trait_methods
                            .entry(trait_key)
                            .or_default()
                            .insert(fn_item.name.clone(), fn_id);
                    }
                }
            }
        }
    }

    /// The declaration of `method` in trait `trait_key`.
    pub fn trait_method(&self, trait_key: &str, method: &str) -> Option<FnId> {
        self.trait_methods.get(trait_key)?.get(method).copied()
    }

    /// The indexed fn behind `fn_id`.
    pub fn fn_item(&self, fn_id: FnId) -> &FnItem {
        let fn_ref = self.fns[fn_id];
        &self.files[fn_ref.file].index.fns[fn_ref.local]
    }

    /// The file a fn is in.
    pub fn file_of(&self, fn_id: FnId) -> &SourceFile {
        &self.files[self.fns[fn_id].file]
    }

    /// The resolved self type and trait of the impl that owns `fn_id`.
    pub fn owner_keys(&self, fn_id: FnId) -> (Option<String>, Option<String>) {
        let fn_ref = self.fns[fn_id];
        match self.fn_item(fn_id).owner {
            Owner::Impl(impl_index) => self
                .impl_keys
                .get(&(fn_ref.file, impl_index))
                .cloned()
                .unwrap_or((None, None)),
            Owner::Trait(trait_index) => {
                let trait_item = &self.files[fn_ref.file].index.traits[trait_index];
                (None, Some(key(&trait_item.module, &trait_item.name)))
            }
            Owner::Module => (None, None),
        }
    }

    /// The name of the type (or trait) that owns `fn_id`, as written.
    pub fn owner_name(&self, fn_id: FnId) -> Option<String> {
        let fn_ref = self.fns[fn_id];
        let index = &self.files[fn_ref.file].index;
        match self.fn_item(fn_id).owner {
            Owner::Impl(impl_index) => match &index.impls[impl_index].self_ty {
                TypeRef::Path(path) => path.last().cloned(),
                _ => None,
            },
            Owner::Trait(trait_index) => Some(index.traits[trait_index].name.clone()),
            Owner::Module => None,
        }
    }

    /// `Type::method`, `Trait::method` or `fn`, for messages.
    pub fn display_name(&self, fn_id: FnId) -> String {
        let name = &self.fn_item(fn_id).name;
        match self.owner_name(fn_id) {
            Some(owner) => format!("{owner}::{name}"),
            None => name.clone(),
        }
    }

    /// Production implementations of `method` of trait `trait_key`: the
    /// impl's own method, or the trait's default when the impl has none.
    pub fn implementations(
        &self,
        trait_key: &str,
        method: &str,
        production_only: bool,
    ) -> Vec<Implementation> {
        let mut found = Vec::new();
        for (file_index, impl_index, self_key) in
            self.trait_impls.get(trait_key).into_iter().flatten()
        {
            let file = &self.files[*file_index];
            let impl_item = &file.index.impls[*impl_index];
            if production_only && (impl_item.in_test || file.in_test) {
                continue;
            }
            if impl_item.blanket {
                continue;
            }
            let own = impl_item
                .methods
                .iter()
                .map(|&local| (local, &file.index.fns[local]))
                .find(|(_, fn_item)| fn_item.name == method);
            let fn_id = match own {
                Some((local, _)) => self.fn_id(*file_index, local),
                None => match self.trait_method(trait_key, method) {
                    Some(default) if self.fn_item(default).body != Body::Absent => Some(default),
                    _ => None,
                },
            };
            if let Some(fn_id) = fn_id {
                found.push(Implementation {
                    fn_id,
                    type_name: self_key.rsplit("::").next().unwrap_or(self_key).to_string(),
                });
            }
        }
        found
    }

    fn fn_id(&self, file: usize, local: usize) -> Option<FnId> {
        // Fns are numbered file by file, in order.
        let first = self.fns.partition_point(|fn_ref| fn_ref.file < file);
        let fn_id = first + local;
        (self.fns.get(fn_id) == Some(&FnRef { file, local })).then_some(fn_id)
    }

    /// The method `name` on first-party type `type_key`: inherent, from a
    /// trait impl, or a trait default.
    pub fn method_of(&self, type_key: &str, name: &str) -> Option<FnId> {
        if let Some(fn_ids) = self
            .methods
            .get(type_key)
            .and_then(|methods| methods.get(name))
        {
            return fn_ids.first().copied();
        }
        self.traits_of_type
            .get(type_key)?
            .iter()
            .find_map(|trait_key| {
                let fn_id = self.trait_method(trait_key, name)?;
                (self.fn_item(fn_id).body != Body::Absent).then_some(fn_id)
            })
    }

    fn edges_of(&self, fn_id: FnId) -> Vec<EdgeAt> {
        let fn_item = self.fn_item(fn_id);
        let (self_key, self_trait) = self.owner_keys(fn_id);
        if self_trait
            .as_ref()
            .and_then(|trait_key| trait_key.rsplit("::").next())
            .is_some_and(|name| PLUMBING_TRAITS.contains(&name))
        {
            return Vec::new();
        }
        let mut edges = Vec::new();
        for call in &fn_item.calls {
            let edge = match &call.kind {
                CallKind::Path(path) => {
                    self.path_edge(fn_item, path, self_key.as_deref(), self_trait.as_deref())
                }
                CallKind::Method { receiver, name } => {
                    if NOT_FOLLOWED.contains(&name.as_str()) {
                        None
                    } else {
                        let receiver_ty = self.receiver_type(
                            fn_item,
                            receiver,
                            call.at,
                            self_key.as_deref(),
                            self_trait.as_deref(),
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
                            }
                            continue;
                        }
                        self.method_edge(receiver_ty, name, self_key.as_deref())
                    }
                }
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
        edges
    }

    /// The one first-party method named `name`, when the workspace declares
    /// exactly one and the name is not one std types share.
    /// Only methods of the caller's own crate are candidates: a name match
    /// across crates is a guess too far.
    fn by_name_only(&self, name: &str, caller_crate: &str) -> Option<Edge> {
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

    fn path_edge(
        &self,
        fn_item: &FnItem,
        path: &PathSegments,
        self_key: Option<&str>,
        self_trait: Option<&str>,
    ) -> Option<Edge> {
        let last = path.last()?;
        let resolved = self.resolver.resolve(&fn_item.module, path);
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
                return Some(if Some(owner_key.as_str()) == self_key {
                    Edge::Helper(callee)
                } else {
                    Edge::Method(callee)
                });
            }
            if self.traits.contains_key(&owner_key) {
                // `Trait::m(self)` inside an impl of `Trait`: this type's `m`.
                if let Some(self_key) = self_key {
                    let implements = self
                        .traits_of_type
                        .get(self_key)
                        .is_some_and(|traits| traits.contains(&owner_key));
                    if implements {
                        if let Some(callee) = self.method_of(self_key, last) {
                            return Some(Edge::Helper(callee));
                        }
                    }
                }
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

    /// The type of a method call's receiver, as far as it can be told.
    pub fn receiver_type(
        &self,
        fn_item: &FnItem,
        receiver: &Receiver,
        at: Position,
        self_key: Option<&str>,
        self_trait: Option<&str>,
    ) -> ReceiverType {
        match receiver {
            Receiver::SelfValue => self.self_type(self_key, self_trait),
            Receiver::SelfField(field) => {
                let base = self.self_type(self_key, self_trait);
                self.field_type(&base, field)
            }
            Receiver::Var(name) => self.var_type(fn_item, name, at, self_key, self_trait, 0),
            Receiver::Chain(chain) => {
                let mut current = match &chain.base {
                    ChainBase::SelfValue => self.self_type(self_key, self_trait),
                    ChainBase::Var(name) => {
                        self.var_type(fn_item, name, at, self_key, self_trait, 0)
                    }
                    ChainBase::Call(path) => self.call_type(&fn_item.module, path, self_key),
                };
                for step in &chain.steps {
                    current = match step {
                        Step::Field(field) => self.field_type(&current, field),
                        Step::Method(method) => self.method_return(&current, method),
                    };
                    if current == ReceiverType::Unknown {
                        break;
                    }
                }
                current
            }
            Receiver::Unknown => ReceiverType::Unknown,
        }
    }

    /// The type of the binding `name` at `at`: a `let`, a parameter, or a
    /// `static` of the module.
    fn var_type(
        &self,
        fn_item: &FnItem,
        name: &str,
        at: Position,
        self_key: Option<&str>,
        self_trait: Option<&str>,
        depth: u8,
    ) -> ReceiverType {
        match fn_item.binding_type(name, at) {
            Some((TypeRef::Expr(chain), bound_at)) if depth < 8 => {
                // `let s = self.clone();`: the chain, as of its binding.
                let receiver = Receiver::Chain(chain.clone());
                match &receiver {
                    Receiver::Chain(chain) => match (&chain.base, chain.steps.as_slice()) {
                        (ChainBase::Var(base), []) => {
                            self.var_type(fn_item, base, bound_at, self_key, self_trait, depth + 1)
                        }
                        _ => self.receiver_type(fn_item, &receiver, bound_at, self_key, self_trait),
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

    fn self_type(&self, self_key: Option<&str>, self_trait: Option<&str>) -> ReceiverType {
        match (self_key, self_trait) {
            (Some(self_key), _) => ReceiverType::Type(self_key.to_string()),
            (None, Some(trait_key)) => ReceiverType::Traits(vec![trait_key.to_string()]),
            _ => ReceiverType::Unknown,
        }
    }

    /// The type of `field` of a first-party struct.
    fn field_type(&self, base: &ReceiverType, field: &str) -> ReceiverType {
        let ReceiverType::Type(type_key) = base else {
            return ReceiverType::Unknown;
        };
        let Some(&(file, local)) = self.types.get(type_key) else {
            return ReceiverType::Unknown;
        };
        let type_item = &self.files[file].index.types[local];
        match type_item.fields.iter().find(|(name, _)| name == field) {
            Some((_, ty)) => self.resolve_type(&type_item.module, ty, Some(type_key)),
            None => ReceiverType::Unknown,
        }
    }

    /// What a call of `path` yields: `Type::new(..)` a `Type`, `helper(..)`
    /// what `helper` returns.
    fn call_type(
        &self,
        module: &[String],
        path: &[String],
        self_key: Option<&str>,
    ) -> ReceiverType {
        let Some((last, owner)) = path.split_last() else {
            return ReceiverType::Unknown;
        };
        if let Some(owner_name) = owner.last() {
            let owner_type = TypeRef::Path(owner.to_vec());
            let resolved = self.resolve_type(module, &owner_type, self_key);
            if let ReceiverType::Type(type_key) = &resolved {
                if let Some(fn_id) = self.method_of(type_key, last) {
                    return self.returned(fn_id, type_key);
                }
                if owner_name.starts_with(char::is_uppercase) {
                    // An external constructor or builder: assume it yields its type.
                    return resolved;
                }
            }
        }
        self.resolve_type(module, &TypeRef::ReturnOf(path.to_vec()), self_key)
    }

    /// What `method` called on `receiver` returns.
    fn method_return(&self, receiver: &ReceiverType, method: &str) -> ReceiverType {
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
            // Another crate's type: builder chains keep it (`Command::new(..).args(..)`).
            ReceiverType::Type(_) => receiver.clone(),
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
    fn declaring_trait(&self, trait_key: &str, name: &str, depth: u8) -> Option<String> {
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
    fn deref_target(&self, type_key: &str) -> Option<ReceiverType> {
        let (module, target) = self.deref_targets.get(type_key)?;
        match self.resolve_type(module, target, Some(type_key)) {
            ReceiverType::Unknown => None,
            target => Some(target),
        }
    }

    /// What `fn_id` returns, `Self` being `self_type`.
    fn returned(&self, fn_id: FnId, self_type: &str) -> ReceiverType {
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
            TypeRef::Path(path) => {
                let type_key = self.resolver.resolve(module, path).join("::");
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
            TypeRef::Bounds(bounds) => ReceiverType::Traits(
                bounds
                    .iter()
                    .map(|bound| self.resolver.resolve(module, bound).join("::"))
                    .collect(),
            ),
            TypeRef::Expr(_) => ReceiverType::Unknown,
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

    fn method_edge(
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

/// What a receiver's type resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiverType {
    /// A type, by absolute key (first-party or not).
    Type(String),
    /// A seam: traits by absolute key.
    Traits(Vec<String>),
    /// Not known.
    Unknown,
}

/// `module::name` as a key.
pub fn key(module: &[String], name: &str) -> String {
    let mut key = module.join("::");
    key.push_str("::");
    key.push_str(name);
    key
}
