//! Wire-level doubles: mock HTTP servers (wiremock, httpmock, mockito),
//! which stand in for the network itself.

use super::{Double, DoubleKind, Registry, StandsFor};
use crate::graph::Graph;

/// Wire-level server types (and `mockito` itself, for `mockito::mock`).
const WIRE_SERVERS: &[&str] = &[
    "wiremock::MockServer",
    "httpmock::MockServer",
    "mockito::Server",
    "mockito",
];

/// Wire-level server constructors.
pub(super) const WIRE_CONSTRUCTORS: &[&str] = &[
    "wiremock::MockServer::start",
    "wiremock::MockServer::builder",
    "httpmock::MockServer::start",
    "httpmock::MockServer::start_async",
    "httpmock::MockServer::connect",
    "mockito::Server::new",
    "mockito::Server::new_async",
    "mockito::Server::new_with_opts",
    "mockito::Server::new_with_opts_async",
    "mockito::mock",
];

/// Registers the mock-server doubles.
pub(super) fn add(_graph: &Graph, registry: &mut Registry) {
    for server in WIRE_SERVERS {
        registry.add(Double {
            key: server.to_string(),
            name: server.rsplit("::").next().unwrap_or(server).to_string(),
            kind: DoubleKind::Wire,
            stands_for: vec![StandsFor::Wire],
            defined_at: None,
            methods: Vec::new(),
        });
    }
}
