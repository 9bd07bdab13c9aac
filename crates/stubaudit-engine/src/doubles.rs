//! Stage `doubles`: the test doubles a workspace defines (mockall
//! `#[automock]` on traits, impls and modules, `mock!`, hand-written fakes in
//! test code, faux, the stubaudit library's own doubles, wire-level HTTP
//! servers) and the stub sites where tests set them up, each tied to the
//! trait, type or module it stands in for.

use crate::graph::{key, Graph};
use crate::index::{Position, TypeRef};
use serde::Serialize;
use sites::{sites_in, Lookup};

pub use sites::test_name;

mod sites;
use std::collections::{HashMap, HashSet};

/// How a double is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DoubleKind {
    /// `#[automock]` (also under `cfg_attr`).
    MockallAutomock,
    /// A `mock!` block.
    MockallMock,
    /// A mock swapped in with mockall_double's `#[double]`.
    MockallDouble,
    /// A hand-written `impl Trait for X` in test code.
    Fake,
    /// faux.
    Faux,
    /// mry.
    Mry,
    /// A wire-level HTTP server double (wiremock, httpmock, mockito).
    Wire,
    /// A double from the stubaudit library (`HttpStub`, `MockHttpClient`, …).
    Stubaudit,
}

impl DoubleKind {
    /// Every kind, in report order.
    pub const ALL: [DoubleKind; 8] = [
        DoubleKind::MockallAutomock,
        DoubleKind::MockallMock,
        DoubleKind::MockallDouble,
        DoubleKind::Fake,
        DoubleKind::Faux,
        DoubleKind::Mry,
        DoubleKind::Wire,
        DoubleKind::Stubaudit,
    ];

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DoubleKind::MockallAutomock => "mockall-automock",
            DoubleKind::MockallMock => "mockall-mock",
            DoubleKind::MockallDouble => "mockall-double",
            DoubleKind::Fake => "fake",
            DoubleKind::Faux => "faux",
            DoubleKind::Mry => "mry",
            DoubleKind::Wire => "wire",
            DoubleKind::Stubaudit => "stubaudit",
        }
    }
}

/// What a double stands in for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StandsFor {
    /// A first-party trait, by key.
    Trait(String),
    /// A first-party type's inherent methods, by key.
    Type(String),
    /// A first-party module of free fns, by key.
    Module(String),
    /// A boundary trait (library or configured), by key.
    Boundary(String),
    /// A trait outside the workspace, by path.
    External(String),
    /// An HTTP server: the network itself.
    Wire,
}

/// A double type.
#[derive(Debug, Clone)]
pub struct Double {
    /// Its absolute key (`crate::module::MockX`).
    pub key: String,
    /// Its name as tests write it.
    pub name: String,
    /// How it is made.
    pub kind: DoubleKind,
    /// What it replaces.
    pub stands_for: Vec<StandsFor>,
    /// Where it is defined (file index, position), when in the workspace.
    pub defined_at: Option<(usize, Position)>,
    /// For a fake: the methods it writes itself (trait defaults it leaves
    /// alone run for real in the test). Empty for generated mocks.
    pub methods: Vec<String>,
}

/// One place where a test sets a double up.
#[derive(Debug, Clone)]
pub struct StubSite {
    /// File index in the graph.
    pub file: usize,
    /// Where.
    pub at: Position,
    /// Length of the underlined name.
    pub len: u32,
    /// The fn that sets it up, `module::fn` without the crate name.
    pub test: String,
    /// Index into [`Doubles::doubles`].
    pub double: usize,
    /// What this site replaces.
    pub target: StandsFor,
    /// The method it stubs; `None` when a whole object is installed.
    pub method: Option<String>,
    /// The test names the real type, swapped for the mock by `#[double]`.
    pub via_double: bool,
}

/// The doubles of a workspace and their stub sites.
#[derive(Debug, Clone, Default)]
pub struct Doubles {
    /// Every double type.
    pub doubles: Vec<Double>,
    /// Every stub site, in file order.
    pub sites: Vec<StubSite>,
}

/// Library doubles: type path, the boundary it replaces, the method a bare
/// construction stubs (`None`: expectations name the method).
const LIBRARY_DOUBLES: &[(&str, &str, Option<&str>)] = &[
    (
        "stubaudit::http::HttpStub",
        "stubaudit::http::HttpClient",
        Some("send"),
    ),
    (
        "stubaudit::http::MockHttpClient",
        "stubaudit::http::HttpClient",
        None,
    ),
    (
        "stubaudit::http::MockAsyncHttpClient",
        "stubaudit::http::AsyncHttpClient",
        None,
    ),
    (
        "stubaudit::db::DbStub",
        "stubaudit::db::Database",
        Some("execute"),
    ),
    (
        "stubaudit::db::MockDatabase",
        "stubaudit::db::Database",
        None,
    ),
];

const HTTP_CLIENT: &str = "stubaudit::http::HttpClient";
const ASYNC_HTTP_CLIENT: &str = "stubaudit::http::AsyncHttpClient";

/// Packages whose production code calls `AsyncHttpClient` and never
/// `HttpClient`.
fn async_http_packages(graph: &Graph) -> HashSet<usize> {
    let mut sync_users = HashSet::new();
    let mut async_users = HashSet::new();
    for (fn_id, edges) in graph.edges.iter().enumerate() {
        for edge in edges {
            if let crate::graph::Edge::Boundary { trait_key, .. } = &edge.edge {
                let package = graph.file_of(fn_id).package;
                if trait_key == HTTP_CLIENT {
                    sync_users.insert(package);
                } else if trait_key == ASYNC_HTTP_CLIENT {
                    async_users.insert(package);
                }
            }
        }
    }
    async_users.difference(&sync_users).copied().collect()
}

/// Traits every mock implements on the side; never what it stands for.
const PLUMBING: &[&str] = &[
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

/// Wire-level server types (and `mockito` itself, for `mockito::mock`).
const WIRE_SERVERS: &[&str] = &[
    "wiremock::MockServer",
    "httpmock::MockServer",
    "mockito::Server",
    "mockito",
];

/// Finds every double and stub site.
pub fn find(graph: &Graph) -> Doubles {
    let mut doubles = Doubles::default();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut add = |doubles: &mut Doubles, double: Double| {
        if let Some(&existing) = by_key.get(&double.key) {
            let known: &mut Double = &mut doubles.doubles[existing];
            known.methods.extend(double.methods);
            for stands in double.stands_for {
                if !known.stands_for.contains(&stands) {
                    known.stands_for.push(stands);
                }
            }
        } else {
            by_key.insert(double.key.clone(), doubles.doubles.len());
            doubles.doubles.push(double);
        }
    };
    for (path, boundary, _) in LIBRARY_DOUBLES {
        add(
            &mut doubles,
            Double {
                key: path.to_string(),
                name: path.rsplit("::").next().unwrap_or(path).to_string(),
                kind: DoubleKind::Stubaudit,
                stands_for: vec![StandsFor::Boundary(boundary.to_string())],
                defined_at: None,
                methods: Vec::new(),
            },
        );
    }
    for server in WIRE_SERVERS {
        add(
            &mut doubles,
            Double {
                key: server.to_string(),
                name: server.rsplit("::").next().unwrap_or(server).to_string(),
                kind: DoubleKind::Wire,
                stands_for: vec![StandsFor::Wire],
                defined_at: None,
                methods: Vec::new(),
            },
        );
    }
    let seams = seam_traits(graph);
    let mut hand_written: Vec<(String, StandsFor)> = Vec::new();
    for (file_index, file) in graph.files.iter().enumerate() {
        let index = &file.index;
        // A mock of a test-only trait stands in for no production code.
        for trait_item in index
            .traits
            .iter()
            .filter(|t| t.automock && !t.in_test && !file.in_test)
        {
            let name = format!("Mock{}", trait_item.name);
            add(
                &mut doubles,
                Double {
                    key: key(&trait_item.module, &name),
                    name,
                    kind: DoubleKind::MockallAutomock,
                    stands_for: vec![stands_for_trait(
                        graph,
                        &trait_item
                            .module
                            .iter()
                            .cloned()
                            .chain([trait_item.name.clone()])
                            .collect::<Vec<_>>(),
                    )],
                    defined_at: Some((file_index, trait_item.name_at)),
                    methods: Vec::new(),
                },
            );
        }
        for (impl_index, impl_item) in index.impls.iter().enumerate() {
            let TypeRef::Path(self_path) = &impl_item.self_ty else {
                continue;
            };
            let Some(self_name) = self_path.last() else {
                continue;
            };
            let self_key = graph
                .resolver
                .resolve(&impl_item.module, self_path)
                .join("::");
            let trait_key = impl_item
                .trait_path
                .as_ref()
                .map(|path| graph.resolver.resolve(&impl_item.module, path));
            if impl_item.automock {
                let faux = index.types.iter().any(|t| t.faux && &t.name == self_name);
                let (name, kind) = if impl_item.mry {
                    (self_name.clone(), DoubleKind::Mry)
                } else if faux {
                    (self_name.clone(), DoubleKind::Faux)
                } else {
                    (format!("Mock{self_name}"), DoubleKind::MockallAutomock)
                };
                let stands = match &trait_key {
                    Some(trait_key) => stands_for_trait(graph, trait_key),
                    None => StandsFor::Type(self_key.clone()),
                };
                add(
                    &mut doubles,
                    Double {
                        key: key(&impl_item.module, &name),
                        name,
                        kind,
                        stands_for: vec![stands],
                        defined_at: Some((file_index, impl_item.at)),
                        methods: Vec::new(),
                    },
                );
                continue;
            }
            let test_code = impl_item.in_test || file.in_test;
            let Some(trait_key) = trait_key.filter(|_| test_code) else {
                continue;
            };
            let mut stands = stands_for_trait(graph, &trait_key);
            if let StandsFor::External(path) = &stands {
                // A fake of another crate's trait (`impl tower::Service<Req>
                // for MockSubgraph`) counts when its name says so; `impl
                // Display for Fake` never does.
                let plumbing = path.starts_with("std::")
                    || path.starts_with("core::")
                    || path.starts_with("serde::")
                    || !path.contains("::")
                    || path
                        .rsplit("::")
                        .next()
                        .is_some_and(|name| PLUMBING.contains(&name));
                if !plumbing && looks_like_double(self_name) && is_test_type(graph, &self_key) {
                    stands = StandsFor::External(path.clone());
                } else {
                    continue;
                }
            } else if !is_production_seam(graph, &stands)
                || !is_test_type(graph, &self_key)
                || !seams.contains(stands_key(&stands))
            {
                // A trait written by hand for a `mock!` type (`impl
                // HttpServerFactory for MockMyFactory`): that mock stands
                // for the trait too, once every double is known.
                if is_production_seam(graph, &stands) && self_name.starts_with("Mock") {
                    hand_written.push((self_key, stands));
                }
                // `impl Display for Fake`, a test-only trait, or a test
                // impl on a production type makes no double.
                continue;
            }
            let methods = impl_item
                .methods
                .iter()
                .map(|&local| index.fns[local].name.clone())
                .collect();
            let _ = impl_index;
            add(
                &mut doubles,
                Double {
                    name: self_name.clone(),
                    key: self_key,
                    kind: DoubleKind::Fake,
                    stands_for: vec![stands],
                    defined_at: Some((file_index, impl_item.at)),
                    methods,
                },
            );
        }
        for module in &index.automock_mods {
            let Some((name, parent)) = module.split_last() else {
                continue;
            };
            let mock_name = format!("mock_{name}");
            add(
                &mut doubles,
                Double {
                    key: key(parent, &mock_name),
                    name: mock_name,
                    kind: DoubleKind::MockallAutomock,
                    stands_for: vec![StandsFor::Module(module.join("::"))],
                    defined_at: None,
                    methods: Vec::new(),
                },
            );
        }
        for mock in &index.mocks {
            let name = format!("Mock{}", mock.name);
            let mut stands_for: Vec<StandsFor> = Vec::new();
            if !mock.inherent.is_empty() || mock.traits.is_empty() {
                let type_key = graph
                    .resolver
                    .resolve(&mock.module, std::slice::from_ref(&mock.name))
                    .join("::");
                // `mock! { pub Authorizer { … } }` in a test module that does
                // not import `Authorizer`: the crate's one type of that name.
                let type_key = if graph.types.contains_key(&type_key) {
                    type_key
                } else {
                    let krate = mock.module.first().map_or("", String::as_str);
                    let suffix = format!("::{}", mock.name);
                    // A production type: a test helper of the same name is no
                    // stand-in (`tests::JoinHandle` beside tokio's).
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
                };
                if graph.types.contains_key(&type_key) {
                    stands_for.push(StandsFor::Type(type_key));
                } else if mock.traits.is_empty() {
                    // A mock of a struct outside the workspace.
                    stands_for.push(StandsFor::External(type_key));
                }
            }
            stands_for.extend(
                mock.traits
                    .iter()
                    .filter(|path| {
                        path.last()
                            .is_none_or(|name| !PLUMBING.contains(&name.as_str()))
                    })
                    .map(|path| {
                        stands_for_trait(graph, &graph.resolver.resolve(&mock.module, path))
                    }),
            );
            if stands_for.is_empty() {
                // Only side traits (`Clone`, `PartialEq`): a mock of a name
                // the workspace does not define.
                stands_for.push(StandsFor::External(key(&mock.module, &mock.name)));
            }
            add(
                &mut doubles,
                Double {
                    key: key(&mock.module, &name),
                    name,
                    kind: DoubleKind::MockallMock,
                    stands_for,
                    defined_at: Some((file_index, mock.at)),
                    methods: Vec::new(),
                },
            );
        }
    }
    for (mock_key, stands) in hand_written {
        if let Some(mock) = doubles
            .doubles
            .iter_mut()
            .find(|double| double.key == mock_key)
        {
            if !mock.stands_for.contains(&stands) {
                mock.stands_for.insert(0, stands);
            }
        }
    }
    let lookup = Lookup::new(graph, &doubles.doubles);
    let async_only = async_http_packages(graph);
    // Test fns are independent of one another: find their sites in
    // parallel, then keep them in fn order.
    let per_fn: Vec<Vec<StubSite>> = {
        use rayon::prelude::*;
        let known = &doubles.doubles;
        // Indexed fns only: inherited defaults are copies, not test code of their own.
        (0..graph.indexed_fns)
            .into_par_iter()
            .map(|fn_id| {
                let fn_item = graph.fn_item(fn_id);
                let mut sites = Vec::new();
                if !fn_item.in_test && !graph.file_of(fn_id).in_test {
                    return sites;
                }
                let file = graph.fns[fn_id].file;
                sites_in(graph, known, &lookup, file, fn_item, &mut sites);
                // `HttpStub` serves both HTTP traits: name the one the package uses.
                if async_only.contains(&graph.files[file].package) {
                    for site in &mut sites {
                        if site.target == StandsFor::Boundary(HTTP_CLIENT.to_string()) {
                            site.target = StandsFor::Boundary(ASYNC_HTTP_CLIENT.to_string());
                        }
                    }
                }
                sites
            })
            .collect()
    };
    doubles.sites = per_fn.into_iter().flatten().collect();
    doubles
}

/// A name that announces a double: a hint, used only where nothing else
/// tells (fakes of another crate's traits).
fn looks_like_double(name: &str) -> bool {
    [
        "Mock",
        "Fake",
        "Stub",
        "Dummy",
        "Spy",
        "InMemory",
        "Recording",
    ]
    .iter()
    .any(|hint| name.starts_with(hint))
}

/// Traits that production code calls through (a `dyn`, a generic bound, an
/// `impl Trait`): only those can be faked to any effect. A test type that
/// implements a codec or marker trait is test data, not a double.
fn seam_traits(graph: &Graph) -> HashSet<String> {
    let mut seams = HashSet::new();
    for (fn_id, edges) in graph.edges.iter().enumerate() {
        if graph.fn_item(fn_id).in_test || graph.file_of(fn_id).in_test {
            continue;
        }
        for edge in edges {
            match &edge.edge {
                crate::graph::Edge::TraitMethod { trait_key, .. }
                | crate::graph::Edge::Boundary { trait_key, .. } => {
                    seams.insert(trait_key.clone());
                }
                _ => {}
            }
        }
    }
    seams
}

/// The trait key of a trait-like target.
fn stands_key(stands: &StandsFor) -> &str {
    match stands {
        StandsFor::Trait(key) | StandsFor::Boundary(key) | StandsFor::External(key) => key,
        StandsFor::Type(key) | StandsFor::Module(key) => key,
        StandsFor::Wire => "",
    }
}

/// A production trait of the workspace, or a boundary.
fn is_production_seam(graph: &Graph, stands: &StandsFor) -> bool {
    match stands {
        StandsFor::Boundary(_) => true,
        StandsFor::Trait(trait_key) => graph.traits.get(trait_key).is_some_and(|&(file, local)| {
            !graph.files[file].in_test && !graph.files[file].index.traits[local].in_test
        }),
        _ => false,
    }
}

/// A first-party type defined in test code (a test module, a test target,
/// a test-support crate).
fn is_test_type(graph: &Graph, type_key: &str) -> bool {
    graph.types.get(type_key).is_some_and(|&(file, local)| {
        graph.files[file].in_test || graph.files[file].index.types[local].in_test
    })
}

/// A trait key (resolved path) as what a double stands for.
fn stands_for_trait(graph: &Graph, trait_path: &[String]) -> StandsFor {
    let trait_key = trait_path.join("::");
    if graph.catalog.is_boundary(trait_path) {
        StandsFor::Boundary(trait_key)
    } else if graph.traits.contains_key(&trait_key) {
        let (file, local) = graph.traits[&trait_key];
        if graph.files[file].index.traits[local].boundary {
            StandsFor::Boundary(trait_key)
        } else {
            StandsFor::Trait(trait_key)
        }
    } else {
        StandsFor::External(trait_key)
    }
}
