//! Stub sites: where test code sets a double up. Constructions
//! (`MockX::new()`, `Fake { … }`, `X::faux()`, a wire server started),
//! expectations (`x.expect_m()`, `when!`, `mock_m`, `m_context()`), each tied
//! to the double and the method it replaces; the receiver of an
//! expectation is typed through the graph, with a method-name fallback.

use super::library::{constructed_methods, HttpFlavour};
use super::names::Lookup;
use super::wire::{self, WireNames, STUB_TRANSPORTS, WIRE_CRATES};
use super::{Double, DoubleKind, StandsFor, StubSite};
use crate::graph::{Graph, ReceiverType};
use crate::index::{CallKind, FnItem, Position, Receiver, TypeRef};
use std::collections::{BTreeMap, HashSet};

/// What finding sites reads: the graph, the doubles and how code names them.
struct Finder<'a> {
    graph: &'a Graph,
    doubles: &'a [Double],
    lookup: Lookup,
    wire: WireNames,
}

/// Every stub site, in fn order.
pub(super) fn find(graph: &Graph, doubles: &[Double]) -> Vec<StubSite> {
    use rayon::prelude::*;
    let finder = Finder {
        graph,
        doubles,
        lookup: Lookup::new(graph, doubles),
        wire: WireNames::new(graph, doubles),
    };
    let http_flavour = HttpFlavour::new(graph);
    // Test fns are independent of one another: find their sites in
    // parallel, then keep them in fn order. Indexed fns only: inherited
    // defaults are copies, not test code of their own.
    let per_fn: Vec<Vec<StubSite>> = (0..graph.indexed_fns)
        .into_par_iter()
        .map(|fn_id| {
            let fn_item = graph.fn_item(fn_id);
            let mut sites = Vec::new();
            let file = graph.fns[fn_id].file;
            if !fn_item.in_test && !graph.file_of(fn_id).in_test {
                // Mock servers exist only for tests: a route set in code
                // compiled for production (a test-utils crate that a tool
                // depends on) is a site too. Nothing else there is.
                finder.routes_in(file, fn_item, &mut sites);
                return sites;
            }
            finder.sites_in(file, fn_item, &mut sites);
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

/// The sites one test-code fn collects: constructions (kept until the fn's
/// expectations are known), expectations and routes.
struct FnSites<'a> {
    file: usize,
    test: String,
    fn_item: &'a FnItem,
    constructions: BTreeMap<usize, Vec<(Position, u32)>>,
    expected: HashSet<usize>,
    swapped: HashSet<usize>,
    sites: Vec<StubSite>,
}

impl FnSites<'_> {
    fn push(
        &mut self,
        double: usize,
        target: StandsFor,
        method: Option<String>,
        at: Position,
        len: u32,
    ) {
        self.sites.push(StubSite {
            file: self.file,
            at,
            len,
            test: self.test.clone(),
            double,
            target,
            method,
            via_double: false,
        });
    }

    fn construct(&mut self, double: usize, at: Position, len: u32) {
        self.constructions
            .entry(double)
            .or_default()
            .push((at, len));
    }
}

impl Finder<'_> {
    /// The stub sites in one test-code fn.
    fn sites_in(&self, file: usize, fn_item: &FnItem, sites: &mut Vec<StubSite>) {
        let mut found = FnSites {
            file,
            test: test_name(fn_item, self.graph.files[file].role.is_test()),
            fn_item,
            constructions: BTreeMap::new(),
            expected: HashSet::new(),
            swapped: HashSet::new(),
            sites: Vec::new(),
        };
        for (index, call) in fn_item.calls.iter().enumerate() {
            match &call.kind {
                CallKind::Path(path) => self.path_call(&mut found, path, call.at, call.len),
                CallKind::SelfPath(_) => {}
                CallKind::Construct(_) if self.mentioned_only(fn_item, index) => {}
                CallKind::Construct(path) => {
                    let resolved = self
                        .graph
                        .resolver
                        .resolve(&fn_item.module, path)
                        .join("::");
                    if let Some((double, _)) = self.lookup.double(&resolved, &fn_item.module) {
                        // A faux double is built with `X::faux()`; `X { … }`
                        // is the real one. A wire double is set up by routes.
                        if !matches!(
                            self.doubles[double].kind,
                            DoubleKind::Faux | DoubleKind::Wire
                        ) {
                            found.construct(double, call.at, call.len);
                        }
                    }
                }
                CallKind::Method { receiver, name } => {
                    if let Some(double) = self.route_method(fn_item, receiver, name, call.at, true)
                    {
                        found.push(double, StandsFor::Wire, None, call.at, call.len);
                        continue;
                    }
                    self.expectation_call(&mut found, receiver, name, call.at, call.len);
                }
            }
        }
        self.typed_bindings(&mut found);
        self.constructions_to_sites(&mut found);
        for stub_site in &mut found.sites {
            stub_site.via_double = found.swapped.contains(&stub_site.double);
        }
        sites.append(&mut found.sites);
    }

    /// Whether the type named by construct call `index` is only a type
    /// argument of a fn that is no production code
    /// (`assert_send_sync::<HttpStub>()`, `size_of::<Fake>()`): a mention,
    /// not a double handed over. The index lists a call's type arguments
    /// right before the call; a fn's own arguments come after its name, a
    /// type's (`Watcher::<_, Fake>::new()`) before the method's name.
    fn mentioned_only(&self, fn_item: &FnItem, index: usize) -> bool {
        let at = fn_item.calls[index].at;
        let callee = fn_item.calls[index + 1..]
            .iter()
            .find(|call| !matches!(call.kind, CallKind::Construct(_)));
        let Some(callee) = callee else {
            return false;
        };
        let CallKind::Path(path) = &callee.kind else {
            return false;
        };
        if callee.at.line != at.line || callee.at.column >= at.column {
            return false;
        }
        let resolved = self
            .graph
            .resolver
            .resolve(&fn_item.module, path)
            .join("::");
        !self.graph.free_fns.get(&resolved).is_some_and(|&fn_id| {
            !self.graph.fn_item(fn_id).in_test && !self.graph.file_of(fn_id).in_test
        })
    }

    /// `let clock: FakeClock = 7.into();`: a binding typed as a fake builds
    /// one, unless a construction inside the same `let` already says so (a
    /// binding counts from the end of its statement, so the statement is
    /// what lies between the previous binding and this one).
    fn typed_bindings(&self, found: &mut FnSites) {
        let mut previous = Position { line: 0, column: 0 };
        for binding in &found.fn_item.lets {
            let statement_start = previous;
            previous = previous.max(binding.at);
            let TypeRef::Path(path) = &binding.ty else {
                continue;
            };
            let resolved = self
                .graph
                .resolver
                .resolve(&found.fn_item.module, path)
                .join("::");
            let Some((double, _)) = self.lookup.double(&resolved, &found.fn_item.module) else {
                continue;
            };
            if self.doubles[double].kind != DoubleKind::Fake {
                continue;
            }
            let built_here = found.constructions.get(&double).is_some_and(|places| {
                places
                    .iter()
                    .any(|(at, _)| *at > statement_start && *at <= binding.at)
            });
            if !built_here {
                let len = binding.name.len() as u32;
                found.construct(double, binding.at, len);
            }
        }
    }

    /// Only the routes set on mock servers in one fn.
    fn routes_in(&self, file: usize, fn_item: &FnItem, sites: &mut Vec<StubSite>) {
        let routes = fn_item.calls.iter().filter_map(|call| {
            let double = match &call.kind {
                CallKind::Path(path) if self.wire.may_be_route_path(path) => {
                    let resolved = self.graph.resolver.resolve(&fn_item.module, path);
                    self.wire
                        .route_path(&resolved, &fn_item.module)
                        .and_then(|wire| self.wire.double_of(wire))
                }
                // Typed servers only: no guess by method name here.
                CallKind::Method { receiver, name } => {
                    self.route_method(fn_item, receiver, name, call.at, false)
                }
                _ => None,
            }?;
            Some((double, call))
        });
        let mut routes = routes.peekable();
        if routes.peek().is_none() {
            return;
        }
        let test = test_name(fn_item, self.graph.files[file].role.is_test());
        for (double, call) in routes {
            sites.push(StubSite {
                file,
                at: call.at,
                len: call.len,
                test: test.clone(),
                double,
                target: StandsFor::Wire,
                method: None,
                via_double: false,
            });
        }
    }

    /// `Type::ctor(..)`, `Mock::m_context()`, a route path, a stub
    /// transport's constructor, a call of a hand-written test server.
    fn path_call(&self, found: &mut FnSites, path: &[String], at: Position, len: u32) {
        let module = &found.fn_item.module;
        let resolved = self.graph.resolver.resolve(module, path);
        let Some((last, owner)) = resolved.split_last() else {
            return;
        };
        if let Some(double) = self
            .wire
            .route_path(&resolved, module)
            .and_then(|wire| self.wire.double_of(wire))
        {
            found.push(double, StandsFor::Wire, None, at, len);
            return;
        }
        if let Some((double, _)) = self.lookup.double(&resolved.join("::"), module) {
            match self.doubles[double].kind {
                // A hand-written test server started (not by itself).
                DoubleKind::Wire => {
                    let first_party = self.graph.resolver.is_first_party(&resolved);
                    if first_party && self.doubles[double].key != super::graph_key(found.fn_item) {
                        found.push(double, StandsFor::Wire, None, at, len);
                    }
                }
                DoubleKind::Faux => {}
                // `FakeClock(5)`: a tuple struct built.
                _ => found.construct(double, at, len),
            }
            return;
        }
        if found.fn_item.is_test && wire::is_listener_bind(&resolved) {
            // A test that binds and answers by itself: itself the server.
            let own = super::graph_key(found.fn_item);
            if let Some((double, _)) = self.lookup.double(&own, module) {
                found.push(double, StandsFor::Wire, None, at, len);
            }
            return;
        }
        let Some((double, via_double)) = self.owner_double(owner, module) else {
            return;
        };
        if via_double {
            found.swapped.insert(double);
        }
        let kind = self.doubles[double].kind;
        if let Some(method) = last.strip_suffix("_context") {
            found
                .sites
                .extend(self.expectation(found, double, method, at, len));
        } else if kind == DoubleKind::Wire {
            if is_constructor(last, kind) && wire::is_transport(&self.doubles[double].key) {
                // A stub transport built: the site (a mock server's are its routes).
                found.push(double, StandsFor::Wire, None, at, len);
            }
        } else if is_constructor(last, kind) || self.fake_constructor(double, last) {
            found.construct(double, at, len);
        }
    }

    /// Whether `name` is an associated fn of fake `double` that returns the
    /// fake (`FakeClock::at(5)`), or a conversion into it (`from`).
    fn fake_constructor(&self, double: usize, name: &str) -> bool {
        let fake = &self.doubles[double];
        if fake.kind != DoubleKind::Fake {
            return false;
        }
        if matches!(name, "from" | "try_from") {
            return true;
        }
        let Some(fn_id) = self.graph.method_of(&fake.key, name) else {
            return false;
        };
        let callee = self.graph.fn_item(fn_id);
        !callee.has_receiver
            && match &callee.ret {
                TypeRef::Path(path) => path
                    .last()
                    .is_some_and(|last| last == "Self" || *last == fake.name),
                _ => false,
            }
    }

    /// The double an associated fn's owner path names: by key, through a
    /// stub transport's name, or through the module's external globs.
    fn owner_double(&self, owner: &[String], module: &[String]) -> Option<(usize, bool)> {
        if let Some(found) = self.lookup.double(&owner.join("::"), module) {
            return Some(found);
        }
        let name = owner.last()?;
        let krate = owner.first()?;
        let explained = owner.len() > 1 || self.graph.resolver.is_first_party(owner);
        for (transport_crate, names) in STUB_TRANSPORTS {
            if !names.contains(&name.as_str()) {
                continue;
            }
            let through_glob = !explained
                && self
                    .wire
                    .globs(module)
                    .iter()
                    .any(|glob| glob.first().map(String::as_str) == Some(*transport_crate));
            if krate == transport_crate || through_glob {
                let key = wire::transport_key(transport_crate, name);
                return self.lookup.double(&key, module);
            }
        }
        if explained {
            return None;
        }
        // `use stubaudit::http::*; HttpStub::new()`: the glob's path.
        self.wire.globs(module).iter().find_map(|glob| {
            let mut candidate = glob.clone();
            candidate.extend(owner.iter().cloned());
            self.lookup.double(&candidate.join("::"), module)
        })
    }

    /// `server.mock(..)` on a mock server: the wire double it sets a route
    /// of. With `guess`, a server of unknown type counts when the crate uses
    /// one mock-server crate with that route method.
    fn route_method(
        &self,
        fn_item: &FnItem,
        receiver: &Receiver,
        name: &str,
        at: Position,
        guess: bool,
    ) -> Option<usize> {
        if !WIRE_CRATES
            .iter()
            .any(|wire| wire.route_methods.contains(&name))
        {
            return None;
        }
        let wire = match self.graph.receiver_type(fn_item, receiver, at, None, None) {
            ReceiverType::Type(type_key) => {
                let wire = self.wire.server_crate(&type_key, &fn_item.module)?;
                WIRE_CRATES[wire]
                    .route_methods
                    .contains(&name)
                    .then_some(wire)?
            }
            ReceiverType::Traits(_) => return None,
            ReceiverType::Unknown if guess => {
                self.wire.route_method_fallback(name, &fn_item.module)?
            }
            ReceiverType::Unknown => return None,
        };
        self.wire.double_of(wire)
    }

    /// mockall's `expect_m`, faux's `when!` (read as `expect_m`), mry's `mock_m`.
    fn expectation_call(
        &self,
        found: &mut FnSites,
        receiver: &Receiver,
        name: &str,
        at: Position,
        len: u32,
    ) {
        let (method, mry) = match (name.strip_prefix("expect_"), name.strip_prefix("mock_")) {
            (Some(method), _) => (method, false),
            (None, Some(method)) => (method, true),
            (None, None) => return,
        };
        let Some((double, via_double)) = receiver_double(
            self.graph,
            &self.lookup,
            self.graph.files[found.file].package,
            found.fn_item,
            receiver,
            at,
            method,
        ) else {
            return;
        };
        if mry != (self.doubles[double].kind == DoubleKind::Mry) {
            return;
        }
        if via_double {
            found.swapped.insert(double);
        }
        found.expected.insert(double);
        found
            .sites
            .extend(self.expectation(found, double, method, at, len));
    }

    /// An expectation on `method` of `double`: none when no target of the
    /// double declares it (`expect_eq` on a side trait).
    fn expectation(
        &self,
        found: &FnSites,
        double: usize,
        method: &str,
        at: Position,
        len: u32,
    ) -> Option<StubSite> {
        let target = target_for(&self.doubles[double], method, self.graph)?;
        Some(StubSite {
            file: found.file,
            at,
            len,
            test: found.test.clone(),
            double,
            target,
            method: Some(method.to_string()),
            via_double: false,
        })
    }

    /// Constructions of doubles this fn sets no expectation on: each a
    /// site standing for everything the double replaces.
    fn constructions_to_sites(&self, found: &mut FnSites) {
        let constructions = std::mem::take(&mut found.constructions);
        for (double, places) in constructions {
            if found.expected.contains(&double) {
                continue;
            }
            let known = &self.doubles[double];
            if known.kind == DoubleKind::Fake
                && builds_itself(self.graph, found.file, found.fn_item, known)
            {
                // A fake made by its own code or its own tests stubs nothing.
                continue;
            }
            let methods: Vec<Option<String>> = if known.kind == DoubleKind::Stubaudit {
                let methods = constructed_methods(&known.key, found.fn_item);
                if methods.is_empty() {
                    // A library mock with no expectation set here: configured elsewhere.
                    continue;
                }
                methods.into_iter().map(Some).collect()
            } else {
                vec![None]
            };
            for (at, len) in places {
                for target in &known.stands_for {
                    for method in &methods {
                        found.push(double, target.clone(), method.clone(), at, len);
                    }
                }
            }
        }
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
    package: usize,
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
    // Unknown receiver: the one mock whose target has this method, among
    // those this package can reach.
    let reachable = |double: &usize| match lookup.package_of(*double) {
        Some(of) => graph
            .reach
            .get(package)
            .is_none_or(|reach| reach.is_empty() || reach.contains(&of)),
        None => true,
    };
    let mut candidates = lookup
        .by_method
        .get(method)
        .into_iter()
        .flatten()
        .filter(|double| reachable(double));
    match (candidates.next(), candidates.next()) {
        (Some(only), None) => Some((*only, false)),
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
