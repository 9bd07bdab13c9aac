//! The stubaudit library's own doubles (`HttpStub`, `MockHttpClient`,
//! `DbStub`, …): data, each with the boundary trait it replaces and the
//! method a bare construction stubs.

use super::{Double, DoubleKind, Registry, StandsFor, StubSite};
use crate::graph::{Edge, Graph};
use crate::index::{CallKind, FnItem};
use std::collections::HashSet;

/// Library doubles: type path, the boundary it replaces, the method a bare
/// construction stubs (`None`: expectations name the method).
pub(super) const LIBRARY_DOUBLES: &[(&str, &str, Option<&str>)] = &[
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
    (
        "stubaudit::db::MockAsyncDatabase",
        "stubaudit::db::AsyncDatabase",
        None,
    ),
];

const HTTP_CLIENT: &str = "stubaudit::http::HttpClient";
const ASYNC_HTTP_CLIENT: &str = "stubaudit::http::AsyncHttpClient";

/// Registers the library's doubles.
pub(super) fn add(registry: &mut Registry) {
    for (path, boundary, _) in LIBRARY_DOUBLES {
        registry.add(Double {
            key: path.to_string(),
            name: path.rsplit("::").next().unwrap_or(path).to_string(),
            kind: DoubleKind::Stubaudit,
            stands_for: vec![StandsFor::Boundary(boundary.to_string())],
            defined_at: None,
            methods: Vec::new(),
        });
    }
}

/// Route calls that say which boundary method a library double's route
/// answers: (double, route call, method). `DbStub`'s `.returns(rows)`
/// answers queries, `.affects(n)` statements.
const ROUTE_METHODS: &[(&str, &str, &str)] = &[
    ("stubaudit::db::DbStub", "returns", "query"),
    ("stubaudit::db::DbStub", "affects", "execute"),
];

/// The methods a construction of library double `key` in `fn_item`
/// stubs: those its routes there answer, else the double's default;
/// empty when expectations name the method instead.
pub(super) fn constructed_methods(key: &str, fn_item: &FnItem) -> Vec<String> {
    let mut methods: Vec<String> = ROUTE_METHODS
        .iter()
        .filter(|(double, route, _)| {
            *double == key
                && fn_item.calls.iter().any(
                    |call| matches!(&call.kind, CallKind::Method { name, .. } if name == route),
                )
        })
        .map(|(_, _, method)| method.to_string())
        .collect();
    methods.sort();
    methods.dedup();
    if methods.is_empty() {
        methods.extend(
            LIBRARY_DOUBLES
                .iter()
                .find(|(path, _, _)| *path == key)
                .and_then(|(_, _, method)| method.map(String::from)),
        );
    }
    methods
}

/// `HttpStub` serves both HTTP traits: in a package whose production code
/// calls only `AsyncHttpClient`, its sites stand for that one.
pub(super) struct HttpFlavour {
    async_only: HashSet<usize>,
}

impl HttpFlavour {
    /// Which packages call `AsyncHttpClient` and never `HttpClient`.
    pub(super) fn new(graph: &Graph) -> HttpFlavour {
        let mut sync_users = HashSet::new();
        let mut async_users = HashSet::new();
        for (fn_id, edges) in graph.edges.iter().enumerate() {
            for edge in edges {
                if let Edge::Boundary { trait_key, .. } = &edge.edge {
                    let package = graph.file_of(fn_id).package;
                    if trait_key == HTTP_CLIENT {
                        sync_users.insert(package);
                    } else if trait_key == ASYNC_HTTP_CLIENT {
                        async_users.insert(package);
                    }
                }
            }
        }
        HttpFlavour {
            async_only: async_users.difference(&sync_users).copied().collect(),
        }
    }

    /// Names the HTTP trait `package` uses on `sites`.
    pub(super) fn retarget(&self, package: usize, sites: &mut [StubSite]) {
        if !self.async_only.contains(&package) {
            return;
        }
        for site in sites {
            if site.target == StandsFor::Boundary(HTTP_CLIENT.to_string()) {
                site.target = StandsFor::Boundary(ASYNC_HTTP_CLIENT.to_string());
            }
        }
    }
}
