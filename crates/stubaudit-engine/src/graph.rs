//! Stage `graph`: symbol tables over every indexed file and the call edges
//! of every fn. Paths resolve through `use` trees (renames, globs,
//! `self`/`super`/`crate`, re-exports across workspace crates); method
//! receivers resolve through `self`, fields, parameters, generic bounds,
//! `dyn Trait` and typed `let` bindings. All lookups are hash lookups, so
//! building the graph is linear in the number of call sites. This file holds
//! the tables; `resolve` resolves paths, `receivers` receiver types,
//! `bounds` generic bounds and associated types, `edges` turns each call
//! site into an edge, `handles` finds I/O handed to unread code, `globs`
//! reads unexplained names through external globs.

mod bounds;
mod edges;
mod globs;
mod handles;
mod receivers;
mod resolve;

use crate::files::SourceFile;
use crate::index::{Body, FnItem, Owner, PathSegments, Position, TypeRef};
use crate::sinks::{Catalog, SinkKind};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub use resolve::{PathId, Resolver, Symbol};

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
    /// Per package, the packages its code can reach (itself and its
    /// workspace dependencies, transitively); empty: no limit.
    pub reach: Vec<HashSet<usize>>,
    /// Every fn: the indexed ones first (file by file, in order), then one
    /// copy of each trait default method per type that inherits it.
    pub fns: Vec<FnRef>,
    /// How many of `fns` are indexed fns (the rest are inherited defaults).
    pub indexed_fns: usize,
    /// Inherited default → the type it runs for (its `Self`).
    inherited: HashMap<FnId, String>,
    /// Type key → method → its inherited default.
    defaults_of_type: HashMap<String, HashMap<String, FnId>>,
    /// Call edges per fn (resolved by type).
    pub edges: Vec<Vec<EdgeAt>>,
    /// Call edges per fn found by method name alone: listed, not followed.
    pub approximate: Vec<Vec<EdgeAt>>,
    /// Per fn, the method calls whose receiver's type stayed unknown and
    /// that no name match, handle or common method explains: calls that
    /// may reach anything. A fn with none that reaches no I/O is pure on
    /// the evidence; one with some is unknown, not pure.
    pub unresolved: Vec<u32>,
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
    /// Generic types that deref to their type parameter (pools, guards).
    generic_deref: HashSet<String>,
    /// Type key → (module, target) of its `impl Deref`.
    deref_targets: HashMap<String, (PathSegments, TypeRef)>,
    /// Identifiers inside item macros the index could not read.
    pub macro_idents: HashSet<String>,
    /// Alias key → (module, target) of `type Alias = Target;`.
    type_aliases: HashMap<String, (PathSegments, TypeRef)>,
    /// Type key → its inherent methods.
    pub inherent: HashMap<String, Vec<FnId>>,
    /// Type key → every impl block for it: (file, impl index).
    impls_of_type: HashMap<String, Vec<(usize, usize)>>,
    /// Type key → keys of the traits it implements.
    traits_of_type: HashMap<String, Vec<String>>,
    /// Method name → what declares it: an inherent method, or a trait.
    by_name: HashMap<String, Vec<Edge>>,
    /// Trait key → method → its implementations (production only, all).
    implementation_table: HashMap<String, HashMap<String, Vec<Implementation>>>,
}

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
            unresolved: Vec::new(),
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
            reach: Vec::new(),
            indexed_fns: 0,
            inherited: HashMap::default(),
            defaults_of_type: HashMap::default(),
            traits_of_type: HashMap::default(),
            inherent: HashMap::default(),
            impls_of_type: HashMap::default(),
            type_aliases: HashMap::default(),
            macro_idents: HashSet::default(),
            deref_targets: HashMap::default(),
            generic_deref: HashSet::default(),
            statics: HashMap::default(),
            implementation_table: HashMap::default(),
            files,
        };
        graph.tables();
        graph.inherit_defaults();
        graph.tabulate_implementations();
        // Name-only edges are kept apart: they are listed, never trusted to
        // decide whether or how a fn reaches I/O.
        let all: Vec<(Vec<EdgeAt>, u32)> = {
            use rayon::prelude::*;
            let graph = &graph;
            (0..graph.fns.len())
                .into_par_iter()
                .map(|fn_id| graph.edges_of(fn_id))
                .collect()
        };
        let mut unresolved = Vec::with_capacity(all.len());
        let (edges, approximate): (Vec<Vec<EdgeAt>>, Vec<Vec<EdgeAt>>) = all
            .into_iter()
            .map(|(edges, count)| {
                unresolved.push(count);
                edges.into_iter().partition(|edge| !edge.approximate)
            })
            .unzip();
        graph.unresolved = unresolved;
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
                    .insert(key(module, name), (module.to_vec(), target.clone()));
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
                let trait_key = impl_item
                    .trait_path
                    .as_ref()
                    .map(|path| self.resolver.resolve(&impl_item.module, path).join("::"));
                let self_key = match self.resolve_type(&impl_item.module, &impl_item.self_ty, None)
                {
                    ReceiverType::Type(type_key) => Some(type_key),
                    // Every type form implements: a trait impl for a tuple,
                    // an array, a fn pointer or `Box<dyn …>` is keyed by
                    // the type as written (`(R, E)`).
                    _ if trait_key.is_some() => Some(impl_item.self_text.clone()),
                    _ => None,
                };
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
                if let Some(self_key) = &self_key {
                    self.impls_of_type
                        .entry(self_key.clone())
                        .or_default()
                        .push((file_index, impl_index));
                }
                if let (Some(self_key), true) = (&self_key, impl_item.deref_to_param) {
                    self.generic_deref.insert(self_key.clone());
                }
                if let (Some(self_key), Some(target)) = (&self_key, &impl_item.deref_target) {
                    self.deref_targets.insert(
                        self_key.clone(),
                        (impl_item.module.to_vec(), target.clone()),
                    );
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
        if let Some(self_key) = self.inherited.get(&fn_id) {
            let (_, trait_key) = self.owner_keys_indexed(fn_ref);
            return (Some(self_key.clone()), trait_key);
        }
        self.owner_keys_indexed(fn_ref)
    }

    fn owner_keys_indexed(&self, fn_ref: FnRef) -> (Option<String>, Option<String>) {
        let fn_item = &self.files[fn_ref.file].index.fns[fn_ref.local];
        match fn_item.owner {
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
                // A tuple, array, fn pointer, `Box<dyn …>`: as written.
                _ => Some(index.impls[impl_index].self_text.clone()),
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
    /// Asked once per call edge through a trait, so answered from a table
    /// built with the graph: a plugin trait with a thousand impls would
    /// otherwise be scanned at every call.
    pub fn implementations(&self, trait_key: &str, method: &str) -> &[Implementation] {
        self.implementation_table
            .get(trait_key)
            .and_then(|methods| methods.get(method))
            .map_or(&[], Vec::as_slice)
    }

    /// Fills [`Graph::implementation_table`] for every trait method an impl
    /// or the trait declares.
    fn tabulate_implementations(&mut self) {
        let mut table: HashMap<String, HashMap<String, Vec<Implementation>>> = HashMap::default();
        for (trait_key, impls) in &self.trait_impls {
            let mut methods: Vec<&str> = self
                .trait_methods
                .get(trait_key)
                .into_iter()
                .flat_map(|declared| declared.keys().map(String::as_str))
                .collect();
            for (file, impl_index, _) in impls {
                let index = &self.files[*file].index;
                methods.extend(
                    index.impls[*impl_index]
                        .methods
                        .iter()
                        .map(|&local| index.fns[local].name.as_str()),
                );
            }
            methods.sort_unstable();
            methods.dedup();
            let by_method = table.entry(trait_key.clone()).or_default();
            for method in methods {
                by_method.insert(
                    method.to_string(),
                    self.production_implementations(trait_key, method),
                );
            }
        }
        self.implementation_table = table;
    }

    fn production_implementations(&self, trait_key: &str, method: &str) -> Vec<Implementation> {
        let mut found = Vec::new();
        for (file_index, impl_index, self_key) in
            self.trait_impls.get(trait_key).into_iter().flatten()
        {
            let file = &self.files[*file_index];
            let impl_item = &file.index.impls[*impl_index];
            if impl_item.in_test || file.in_test {
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
                // The default, as run for this type.
                None => self.inherited_default(self_key, method),
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

    /// Production implementations of `method` by blanket impls that
    /// implement `trait_key` for every type with some other bound (`impl<T:
    /// Display> Greet for T`): the impl's own method, else the trait's
    /// default. Forwarding impls (`impl<R: Read> Read for &mut R`) are not
    /// among them; [`Graph::implementations`] leaves all blanket impls out.
    pub fn generic_implementations(&self, trait_key: &str, method: &str) -> Vec<Implementation> {
        let mut found = Vec::new();
        for (file_index, impl_index, _) in self.trait_impls.get(trait_key).into_iter().flatten() {
            let file = &self.files[*file_index];
            let impl_item = &file.index.impls[*impl_index];
            if !impl_item.blanket || impl_item.forwarding || impl_item.in_test || file.in_test {
                continue;
            }
            let own = impl_item
                .methods
                .iter()
                .copied()
                .find(|&local| file.index.fns[local].name == method);
            let fn_id = match own {
                Some(local) => self.fn_id(*file_index, local),
                None => self
                    .trait_method(trait_key, method)
                    .filter(|&declared| !matches!(self.fn_item(declared).body, Body::Absent)),
            };
            if let Some(fn_id) = fn_id {
                found.push(Implementation {
                    fn_id,
                    type_name: impl_item.self_text.clone(),
                });
            }
        }
        found
    }

    /// The copy of a trait's default `method` that runs for `type_key`.
    pub(crate) fn inherited_default(&self, type_key: &str, method: &str) -> Option<FnId> {
        self.defaults_of_type.get(type_key)?.get(method).copied()
    }

    /// One copy of every default method per type that inherits it, so that
    /// `self.m()` inside a default resolves to that type's `m`.
    fn inherit_defaults(&mut self) {
        self.indexed_fns = self.fns.len();
        let mut copies: Vec<(FnRef, String, String)> = Vec::new();
        for (trait_key, impls) in &self.trait_impls {
            let Some(declared) = self.trait_methods.get(trait_key) else {
                continue;
            };
            for (file, impl_index, self_key) in impls {
                let index = &self.files[*file].index;
                let impl_item = &index.impls[*impl_index];
                if impl_item.blanket {
                    continue;
                }
                for (method, &default) in declared {
                    let overridden = impl_item
                        .methods
                        .iter()
                        .any(|&local| index.fns[local].name == *method);
                    if overridden || self.fn_item(default).body == Body::Absent {
                        continue;
                    }
                    copies.push((self.fns[default], self_key.clone(), method.clone()));
                }
            }
        }
        copies.sort_by(|a, b| (&a.1, &a.2).cmp(&(&b.1, &b.2)));
        for (fn_ref, self_key, method) in copies {
            let fn_id = self.fns.len();
            self.fns.push(fn_ref);
            self.inherited.insert(fn_id, self_key.clone());
            self.defaults_of_type
                .entry(self_key)
                .or_default()
                .entry(method)
                .or_insert(fn_id);
        }
    }

    fn fn_id(&self, file: usize, local: usize) -> Option<FnId> {
        // Indexed fns are numbered file by file, in order.
        let indexed = if self.indexed_fns == 0 {
            self.fns.len()
        } else {
            self.indexed_fns
        };
        let first = self.fns[..indexed].partition_point(|fn_ref| fn_ref.file < file);
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
        self.inherited_default(type_key, name)
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
