//! Wire-level doubles, which stand in for the network itself: mock HTTP
//! servers (a table of crates, data not code), library stub transports
//! (lettre's `StubTransport`), and hand-written test servers (a test-code fn
//! that binds a listener and answers by itself). For a mock server the stub
//! site is each route a test sets up, wherever the server was started
//! (DESIGN "Wire sites are routes").

use super::{Double, DoubleKind, Registry, StandsFor};
use crate::graph::{key, Edge, FnId, Graph};
use crate::index::CallKind;
use std::collections::{HashMap, HashSet};

/// A mock-server crate: its server types and how a test sets one route.
pub(super) struct WireCrate {
    /// The crate's name as code writes it.
    pub(super) krate: &'static str,
    /// Server (or route set) types, by name, in any module of the crate.
    pub(super) servers: &'static [&'static str],
    /// Methods of a server that set up one route (`server.mock(..)`).
    pub(super) route_methods: &'static [&'static str],
    /// Paths, from the crate's types or root, whose call starts one route
    /// (`Mock::given(..)`, the legacy free fn `mockito::mock(..)`).
    pub(super) route_paths: &'static [&'static str],
}

/// Mock-server crates. A crate is added here, never in code.
pub(super) const WIRE_CRATES: &[WireCrate] = &[
    WireCrate {
        krate: "httpmock",
        servers: &["MockServer"],
        route_methods: &["mock", "mock_async"],
        // The 0.5 API: `Mock::new().expect_path(..).create_on(&server)`.
        route_paths: &["Mock::new"],
    },
    WireCrate {
        krate: "wiremock",
        servers: &["MockServer"],
        // `server.register(mock)` takes a route built by `Mock::given`.
        route_methods: &[],
        route_paths: &["Mock::given"],
    },
    WireCrate {
        krate: "mockito",
        servers: &["Server", "ServerGuard"],
        route_methods: &["mock"],
        route_paths: &["mock"],
    },
    WireCrate {
        krate: "mocktail",
        servers: &["MockServer", "MockSet"],
        route_methods: &["mock"],
        route_paths: &["Mock::new"],
    },
    WireCrate {
        krate: "httptest",
        servers: &["Server"],
        // `server.expect(Expectation::matching(..))`: one route, counted once.
        route_methods: &[],
        route_paths: &["Expectation::matching"],
    },
    WireCrate {
        krate: "whyhttp",
        servers: &["Whyhttp"],
        route_methods: &["when", "should"],
        route_paths: &[],
    },
    WireCrate {
        krate: "mocha",
        servers: &[],
        route_methods: &[],
        route_paths: &["mock"],
    },
];

/// Library stub transports: crate and type names. Building one is the site.
pub(super) const STUB_TRANSPORTS: &[(&str, &[&str])] =
    &[("lettre", &["StubTransport", "AsyncStubTransport"])];

/// Calls that bind a listener, by their last path segments.
const LISTENER_BINDS: &[&[&str]] = &[&["TcpListener", "bind"], &["UnixListener", "bind"]];

/// Calls that serve a router or service on a listener, by their last path
/// segments: a web framework answering for the fn that calls it.
const FRAMEWORK_SERVES: &[&[&str]] = &[
    &["axum", "serve"],
    &["warp", "serve"],
    &["Server", "bind"],
    &["Server", "http"],
    &["HttpServer", "new"],
];

/// The double key of a mock-server crate.
pub(super) fn crate_key(wire: &WireCrate) -> String {
    match wire.servers.first() {
        Some(server) => format!("{}::{server}", wire.krate),
        None => wire.krate.to_string(),
    }
}

/// The double key of a stub transport type.
pub(super) fn transport_key(krate: &str, name: &str) -> String {
    format!("{krate}::{name}")
}

/// Whether double `key` is a stub transport (built: a site), not a mock
/// server (its routes are the sites).
pub(super) fn is_transport(key: &str) -> bool {
    STUB_TRANSPORTS
        .iter()
        .any(|(krate, names)| names.iter().any(|name| transport_key(krate, name) == key))
}

/// Registers the mock-server crates, the stub transports and the
/// hand-written test servers.
pub(super) fn add(graph: &Graph, registry: &mut Registry) {
    for wire in WIRE_CRATES {
        let key = crate_key(wire);
        registry.add(Double {
            name: key.rsplit("::").next().unwrap_or(&key).to_string(),
            key,
            kind: DoubleKind::Wire,
            stands_for: vec![StandsFor::Wire],
            defined_at: None,
            methods: Vec::new(),
        });
    }
    for (krate, names) in STUB_TRANSPORTS {
        for name in *names {
            registry.add(Double {
                key: transport_key(krate, name),
                name: name.to_string(),
                kind: DoubleKind::Wire,
                stands_for: vec![StandsFor::Wire],
                defined_at: None,
                methods: Vec::new(),
            });
        }
    }
    for fn_id in hand_written_servers(graph) {
        let fn_item = graph.fn_item(fn_id);
        registry.add(Double {
            name: match graph.owner_name(fn_id) {
                Some(owner) => format!("{owner}::{}", fn_item.name),
                None => fn_item.name.clone(),
            },
            key: server_key(graph, fn_id),
            kind: DoubleKind::Wire,
            stands_for: vec![StandsFor::Wire],
            defined_at: Some((graph.fns[fn_id].file, fn_item.name_at)),
            methods: Vec::new(),
        });
    }
}

/// The double key of a hand-written server: its fn's path, as calls
/// resolve it (`module::serve_once`, `module::S3Mock::start`).
pub(super) fn server_key(graph: &Graph, fn_id: FnId) -> String {
    let fn_item = graph.fn_item(fn_id);
    match graph.owner_keys(fn_id).0 {
        Some(self_key) => format!("{self_key}::{}", fn_item.name),
        None => key(&fn_item.module, &fn_item.name),
    }
}

/// Test-code fns (free or associated) that answer connections by themselves: they bind a
/// listener and accept on it, or (helpers, not tests) hand their own
/// routes to a web framework. A fn handing production code (a router, a
/// handler, the application's `run`) to the listener runs the real
/// server, no double.
fn hand_written_servers(graph: &Graph) -> Vec<FnId> {
    let support = support_packages(graph);
    (0..graph.indexed_fns)
        .filter(|&fn_id| {
            let fn_item = graph.fn_item(fn_id);
            if !own_test_code(graph, &support, fn_id) || fn_item.has_receiver {
                return false;
            }
            // Accepting in a helper of its own (`Self::spawn_server(listener)`)
            // counts too.
            let accepts = accepts(graph, fn_id)
                || graph.edges[fn_id].iter().any(|edge| match edge.edge {
                    Edge::Helper(callee) | Edge::Method(callee) => {
                        own_test_code(graph, &support, callee) && accepts(graph, callee)
                    }
                    _ => false,
                });
            let binds = calls_any(graph, fn_id, LISTENER_BINDS);
            let framework = !fn_item.is_test
                && calls_any(graph, fn_id, FRAMEWORK_SERVES)
                && !calls_production(graph, &support, fn_id);
            (binds && accepts) || framework
        })
        .collect()
}

/// Whether `fn_id` accepts connections itself.
fn accepts(graph: &Graph, fn_id: FnId) -> bool {
    graph.fn_item(fn_id).calls.iter().any(|call| {
        matches!(&call.kind, CallKind::Method { name, .. } if ACCEPTS.contains(&name.as_str()))
    })
}

/// Methods by which code answers connections itself.
const ACCEPTS: &[&str] = &["accept", "incoming", "recv_from", "serve_connection"];

/// Whether `fn_id` calls a path of `tails` outside the workspace.
fn calls_any(graph: &Graph, fn_id: FnId, tails: &[&[&str]]) -> bool {
    let fn_item = graph.fn_item(fn_id);
    fn_item.calls.iter().any(|call| match &call.kind {
        CallKind::Path(path) => {
            let resolved = graph.resolver.resolve(&fn_item.module, path);
            !graph.resolver.is_first_party(&resolved) && ends_with_any(&resolved, tails)
        }
        _ => false,
    })
}

/// Whether a resolved path ends with one of `tails`.
fn ends_with_any(path: &[String], tails: &[&[&str]]) -> bool {
    tails.iter().any(|tail| {
        path.len() >= tail.len()
            && path[path.len() - tail.len()..]
                .iter()
                .zip(tail.iter())
                .all(|(a, b)| a == b)
    })
}

/// Whether a resolved path binds a listener.
pub(super) fn is_listener_bind(path: &[String]) -> bool {
    ends_with_any(path, LISTENER_BINDS)
}

/// Packages whose every production file counts as test code because only
/// other packages' tests depend on them (test-support crates).
fn support_packages(graph: &Graph) -> HashSet<usize> {
    let mut production: HashMap<usize, bool> = HashMap::new();
    for file in &graph.files {
        if !file.role.is_test() {
            let all_test = production.entry(file.package).or_insert(true);
            *all_test &= file.in_test;
        }
    }
    production
        .into_iter()
        .filter(|(_, all_test)| *all_test)
        .map(|(package, _)| package)
        .collect()
}

/// Test code by its own marks (`cfg(test)`, `#[test]`, a test target, a
/// `tests` module), not merely a crate that only other crates' tests
/// depend on: such a crate's library may be an application that tests run
/// for real (an order service started by an indexer's tests), not a double.
fn own_test_code(graph: &Graph, support: &HashSet<usize>, fn_id: FnId) -> bool {
    let fn_item = graph.fn_item(fn_id);
    let file = graph.file_of(fn_id);
    if file.role.is_test() || fn_item.is_test {
        return true;
    }
    if support.contains(&file.package) {
        return fn_item
            .module
            .iter()
            .any(|segment| matches!(segment.as_str(), "tests" | "test"));
    }
    fn_item.in_test || file.in_test
}

/// Whether `fn_id` calls a production fn or trait of the workspace.
fn calls_production(graph: &Graph, support: &HashSet<usize>, fn_id: FnId) -> bool {
    let production_fn = |callee: FnId| !own_test_code(graph, support, callee);
    graph.edges[fn_id].iter().any(|edge| match &edge.edge {
        Edge::Helper(callee) | Edge::Method(callee) => production_fn(*callee),
        Edge::TraitMethod { trait_key, .. } => {
            graph.traits.get(trait_key).is_some_and(|&(file, local)| {
                !graph.files[file].in_test && !graph.files[file].index.traits[local].in_test
            })
        }
        _ => false,
    })
}

/// Which wire crates and external globs test code can name, per module and
/// per crate: how an unexplained `MockServer` is told to be httpmock's.
pub(super) struct WireNames {
    /// Module → the external globs it sees: its own and those of the
    /// first-party modules it glob-imports (`use super::*`), in order.
    globs: HashMap<Vec<String>, Vec<Vec<String>>>,
    /// Crate name → the wire crates any of its `use`s names.
    used: HashMap<String, Vec<usize>>,
    /// Wire crate (index into [`WIRE_CRATES`]) → its double.
    crate_double: Vec<Option<usize>>,
}

impl WireNames {
    /// Tables over every file's `use`s.
    pub(super) fn new(graph: &Graph, doubles: &[Double]) -> WireNames {
        let mut first_party_globs: HashMap<Vec<String>, Vec<Vec<String>>> = HashMap::new();
        let mut used: HashMap<String, Vec<usize>> = HashMap::new();
        for file in &graph.files {
            for use_item in &file.index.uses {
                let head = use_item
                    .target
                    .iter()
                    .find(|segment| *segment != "::")
                    .map_or("", String::as_str);
                if let Some(wire) = WIRE_CRATES.iter().position(|wire| wire.krate == head) {
                    let krate = use_item.module.first().cloned().unwrap_or_default();
                    let entry = used.entry(krate).or_default();
                    if !entry.contains(&wire) {
                        entry.push(wire);
                    }
                }
                if use_item.alias == "*" {
                    let target = graph.resolver.resolve(&use_item.module, &use_item.target);
                    if graph.resolver.is_first_party(&target) && target != *use_item.module {
                        first_party_globs
                            .entry(use_item.module.to_vec())
                            .or_default()
                            .push(target);
                    }
                }
            }
        }
        // A crate that names a wire crate in a path (`mockito::Server::new()`)
        // uses it as much as one that imports it.
        for file in &graph.files {
            for fn_item in &file.index.fns {
                for call in &fn_item.calls {
                    let CallKind::Path(path) = &call.kind else {
                        continue;
                    };
                    let Some(first) = path.first() else {
                        continue;
                    };
                    if let Some(wire) = WIRE_CRATES.iter().position(|wire| wire.krate == first) {
                        let krate = fn_item.module.first().cloned().unwrap_or_default();
                        let entry = used.entry(krate).or_default();
                        if !entry.contains(&wire) {
                            entry.push(wire);
                        }
                    }
                }
            }
        }
        let mut globs = HashMap::new();
        let modules: Vec<&Vec<String>> = graph
            .files
            .iter()
            .flat_map(|file| file.index.uses.iter())
            .filter(|use_item| use_item.alias == "*")
            .map(|use_item| &*use_item.module)
            .collect();
        for module in modules {
            if globs.contains_key(module) {
                continue;
            }
            let seen = reachable_external_globs(graph, &first_party_globs, module);
            globs.insert(module.clone(), seen);
        }
        let crate_double = WIRE_CRATES
            .iter()
            .map(|wire| {
                let key = crate_key(wire);
                doubles.iter().position(|double| double.key == key)
            })
            .collect();
        WireNames {
            globs,
            used,
            crate_double,
        }
    }

    /// The external globs `module` sees (`[httpmock, prelude]`).
    pub(super) fn globs(&self, module: &[String]) -> &[Vec<String>] {
        self.globs.get(module).map_or(&[], Vec::as_slice)
    }

    /// The wire crate a resolved type key names in `module`: its own crate
    /// and a server name, or an unexplained server name that an external
    /// glob of the module brings.
    pub(super) fn server_crate(&self, type_key: &str, module: &[String]) -> Option<usize> {
        let (name, owner) = match type_key.rsplit_once("::") {
            Some((owner, name)) => (name, Some(owner)),
            None => (type_key, None),
        };
        let krate = match owner {
            Some(owner) => owner.split("::").next(),
            None => None,
        };
        self.crates_for(krate, module)
            .find(|&wire| WIRE_CRATES[wire].servers.contains(&name))
    }

    /// The wire crate whose route path `resolved` is, with the path as
    /// written unexplained when it came through a glob.
    pub(super) fn route_path(&self, resolved: &[String], module: &[String]) -> Option<usize> {
        let first = resolved.first().map(String::as_str);
        let krate = first.filter(|first| WIRE_CRATES.iter().any(|wire| wire.krate == *first));
        self.crates_for(krate, module).find(|&wire| {
            WIRE_CRATES[wire].route_paths.iter().any(|route| {
                let tail: Vec<&str> = route.split("::").collect();
                let rest: Vec<&str> = match krate {
                    Some(_) => resolved[1..].iter().map(String::as_str).collect(),
                    None => resolved.iter().map(String::as_str).collect(),
                };
                rest.ends_with(&tail) && (krate.is_some() || rest.len() == tail.len())
            })
        })
    }

    /// Whether a path as written may be a route path: its last segment is
    /// one a route path ends with (cheap, before resolving it).
    pub(super) fn may_be_route_path(&self, path: &[String]) -> bool {
        path.last().is_some_and(|last| {
            WIRE_CRATES.iter().any(|wire| {
                wire.route_paths
                    .iter()
                    .any(|route| route.rsplit("::").next() == Some(last.as_str()))
            })
        })
    }

    /// The one wire crate with route method `method` that the crate of
    /// `module` uses: for a route set on a server whose type is unknown.
    pub(super) fn route_method_fallback(&self, method: &str, module: &[String]) -> Option<usize> {
        let krate = module.first()?;
        let mut candidates = self
            .used
            .get(krate)?
            .iter()
            .copied()
            .filter(|&wire| WIRE_CRATES[wire].route_methods.contains(&method));
        match (candidates.next(), candidates.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// The double of wire crate `wire`.
    pub(super) fn double_of(&self, wire: usize) -> Option<usize> {
        self.crate_double.get(wire).copied().flatten()
    }

    /// The wire crates a path names: its own crate when it has one, else
    /// those the module's external globs lead into.
    fn crates_for<'a>(
        &'a self,
        krate: Option<&'a str>,
        module: &'a [String],
    ) -> Box<dyn Iterator<Item = usize> + 'a> {
        match krate {
            Some(krate) => Box::new(
                WIRE_CRATES
                    .iter()
                    .position(move |wire| wire.krate == krate)
                    .into_iter(),
            ),
            None => Box::new(self.globs(module).iter().filter_map(|glob| {
                let head = glob.first()?;
                WIRE_CRATES.iter().position(|wire| wire.krate == head)
            })),
        }
    }
}

/// The external globs `module` sees: its own, then those of the
/// first-party modules it glob-imports, transitively (each module once).
fn reachable_external_globs(
    graph: &Graph,
    first_party_globs: &HashMap<Vec<String>, Vec<Vec<String>>>,
    module: &[String],
) -> Vec<Vec<String>> {
    let mut found: Vec<Vec<String>> = Vec::new();
    let mut found_set: std::collections::HashSet<Vec<String>> = Default::default();
    let mut visited: std::collections::HashSet<&[String]> = [module].into_iter().collect();
    let mut queue: Vec<&[String]> = vec![module];
    while let Some(current) = queue.pop() {
        for glob in graph.resolver.external_globs(current) {
            if found_set.insert(glob.clone()) {
                found.push(glob);
            }
        }
        for next in first_party_globs.get(current).into_iter().flatten() {
            if visited.insert(next.as_slice()) {
                queue.push(next);
            }
        }
    }
    found
}
