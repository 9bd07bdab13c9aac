//! Test doubles at the I/O boundary: HTTP and database traits, mockall mocks,
//! real adapters and strict scripted fakes.
//!
//! # Contents
//!
//! 1. [Stub the boundary, not your service](#stub-the-boundary-not-your-service):
//!    why, with a before and an after.
//! 2. [HTTP](#http): [`HttpClient`](http::HttpClient) and
//!    [`AsyncHttpClient`](http::AsyncHttpClient), their mocks, the adapters,
//!    and [`HttpStub`](http::HttpStub).
//! 3. [Databases](#databases): [`Database`](db::Database),
//!    [`MockDatabase`](db::MockDatabase), `SqliteDatabase` and
//!    [`DbStub`](db::DbStub).
//! 4. [When a call matches no route](#when-a-call-matches-no-route): what the
//!    strict stubs print.
//! 5. [Your own boundaries](#your-own-boundaries): [`#[boundary]`](boundary).
//! 6. [Features](#features).
//!
//! # Stub the boundary, not your service
//!
//! A test double that stands in for a *high* method — one with its own
//! logic above the real I/O — takes that logic out of the test. The suite
//! stays green while the hidden code is broken.
//!
//! **Before**: the service depends on a high-level `JiraSites` trait, and the
//! test mocks it. The real implementation reads the wrong JSON field
//! (`baseURL` instead of `baseUrl`), and no test notices, because no test
//! runs it:
//!
//! ```
//! use stubaudit::http::{HttpClient, Request};
//!
//! #[mockall::automock]
//! pub trait JiraSites {
//!     fn base_url(&self, site: &str) -> Result<String, String>;
//! }
//!
//! /// The real implementation: builds the request, parses the JSON …
//! pub struct HttpJiraSites<H>(pub H);
//! impl<H: HttpClient> JiraSites for HttpJiraSites<H> {
//!     fn base_url(&self, site: &str) -> Result<String, String> {
//!         let request = Request::builder()
//!             .uri(format!("https://{site}/rest/api/3/serverInfo"))
//!             .body(Vec::new())
//!             .map_err(|error| error.to_string())?;
//!         let response = self.0.send(request).map_err(|error| error.to_string())?;
//!         let info: serde_json::Value =
//!             serde_json::from_slice(response.body()).map_err(|error| error.to_string())?;
//!         // The bug: Jira sends `baseUrl`.
//!         info["baseURL"].as_str().map(str::to_owned).ok_or_else(|| "no baseURL".to_owned())
//!     }
//! }
//!
//! /// … and the service above it.
//! pub fn issue_link(sites: &impl JiraSites, site: &str, key: &str) -> Result<String, String> {
//!     Ok(format!("{}/browse/{key}", sites.base_url(site)?))
//! }
//!
//! // The test mocks `JiraSites`: green, and `HttpJiraSites` never ran.
//! let mut sites = MockJiraSites::new();
//! sites.expect_base_url().returning(|_| Ok("https://acme.atlassian.net".to_owned()));
//! assert_eq!(
//!     issue_link(&sites, "acme.atlassian.net", "OPS-1")?,
//!     "https://acme.atlassian.net/browse/OPS-1"
//! );
//! # Ok::<(), String>(())
//! ```
//!
//! **After**: the service is a `JiraClient<H: HttpClient>` that owns its
//! request building and parsing, and the test doubles only the HTTP call
//! with an [`HttpStub`](http::HttpStub) that answers what Jira answers. The
//! parsing now runs under test; with the `baseURL` bug this test fails.
//!
//! ```
//! use stubaudit::http::{get, json, HttpClient, HttpStub, Request};
//!
//! pub struct JiraClient<H> {
//!     http: H,
//!     base: String,
//! }
//!
//! impl<H: HttpClient> JiraClient<H> {
//!     pub fn new(http: H, base: &str) -> Self {
//!         JiraClient { http, base: base.trim_end_matches('/').to_owned() }
//!     }
//!
//!     pub fn base_url(&self) -> Result<String, String> {
//!         let request = Request::builder()
//!             .uri(format!("{}/rest/api/3/serverInfo", self.base))
//!             .header("accept", "application/json")
//!             .body(Vec::new())
//!             .map_err(|error| error.to_string())?;
//!         let response = self.http.send(request).map_err(|error| error.to_string())?;
//!         if !response.status().is_success() {
//!             return Err(format!("jira answered {}", response.status()));
//!         }
//!         let info: serde_json::Value =
//!             serde_json::from_slice(response.body()).map_err(|error| error.to_string())?;
//!         info["baseUrl"].as_str().map(str::to_owned).ok_or_else(|| "no baseUrl".to_owned())
//!     }
//!
//!     pub fn issue_link(&self, key: &str) -> Result<String, String> {
//!         Ok(format!("{}/browse/{key}", self.base_url()?))
//!     }
//! }
//!
//! let http = HttpStub::new()
//!     .on(get("/rest/api/3/serverInfo").header("accept", "application/json"))
//!     .respond(json(200, r#"{"baseUrl": "https://acme.atlassian.net", "version": "1001.0.0"}"#))
//!     .once();
//! let jira = JiraClient::new(http.clone(), "https://acme.atlassian.net/");
//! assert_eq!(jira.issue_link("OPS-1")?, "https://acme.atlassian.net/browse/OPS-1");
//! http.verify(); // the route was called exactly once
//! # Ok::<(), String>(())
//! ```
//!
//! `cargo stubaudit` finds the first kind of test and names the lines it
//! hides; this crate makes the second kind the easy one.
//!
//! # HTTP
//!
//! [`http::HttpClient`] sends an `http::Request<Vec<u8>>` and returns an
//! `http::Response<Vec<u8>>` (aliased [`http::Request`], [`http::Response`]);
//! [`http::AsyncHttpClient`] is its async twin. Each comes with a mockall
//! mock ([`http::MockHttpClient`], [`http::MockAsyncHttpClient`]) and a real
//! adapter behind a feature (`UreqClient` with `ureq`, `ReqwestClient` with
//! `reqwest`).
//!
//! [`http::HttpStub`] implements both traits. Routes match on method, path
//! (exact, `*` / `**` patterns, prefix), query parameters, headers and body
//! (bytes, text, JSON equality, JSON subset); they answer with a status,
//! headers and a body, successive responses, or a fault:
//!
//! ```
//! use stubaudit::http::{post, status, HttpClient, HttpError, HttpStub, Request, ResponseTemplate};
//!
//! let http = HttpStub::new()
//!     .on(post("/rest/api/3/issue").body_json_subset(r#"{"fields": {"project": {"key": "OPS"}}}"#))
//!     .respond(ResponseTemplate::timeout())
//!     .respond(status(201))
//!     .times(2);
//! let create = || {
//!     let body = br#"{"fields": {"project": {"key": "OPS"}, "summary": "Broken link"}}"#;
//!     let request = Request::builder().method("POST").uri("https://jira/rest/api/3/issue").body(body.to_vec());
//!     http.send(request.expect("a valid request"))
//! };
//! assert_eq!(create().err(), Some(HttpError::Timeout)); // first call: a fault
//! assert_eq!(create().map(|response| response.status().as_u16()), Ok(201)); // then a retry succeeds
//! assert_eq!(http.requests().len(), 2);
//! ```
//!
//! # Databases
//!
//! [`db::Database`] runs statements with positional [`db::Value`]
//! parameters and returns [`db::Row`]s; it has transactions. Test against a
//! real engine with `SqliteDatabase` (feature `sqlite`, on by default), or
//! script the statements with [`db::DbStub`], which compares SQL after
//! normalising layout and case:
//!
//! ```
//! use stubaudit::db::{sql, Database, DbError, DbStub};
//!
//! /// Production code: owns its SQL.
//! fn save_link(db: &impl Database, url: &str) -> Result<(), DbError> {
//!     db.transaction(&mut |tx| {
//!         tx.execute("INSERT INTO links (url) VALUES (?1)", &[url.into()])?;
//!         tx.execute("UPDATE stats SET links = links + 1", &[])?;
//!         Ok(())
//!     })
//! }
//!
//! let db = DbStub::new()
//!     .on(sql("insert into links (url) values (?1)").params(["https://a.example"]))
//!     .affects(1)
//!     .once()
//!     .on(sql("UPDATE stats SET links = links + 1"))
//!     .fails(DbError::Sqlite("no such table: stats".to_owned()))
//!     .once();
//! assert_eq!(save_link(&db, "https://a.example"), Err(DbError::Sqlite("no such table: stats".to_owned())));
//! ```
//!
//! # When a call matches no route
//!
//! The strict stubs panic on a call no route accepts, listing the closest
//! routes with a ✓/✗ per criterion and a unified diff where the body (or the
//! normalised SQL) differs:
//!
//! ```text
//! stubaudit: HttpStub received a request that no route matches
//!
//!   POST /rest/api/3/issue
//!   content-type: application/json
//!   body: {"fields":{"project":{"key":"DEV"},"summary":"Broken link"}}
//!
//! closest routes (1 of 1):
//!
//!   route 1: POST /rest/api/3/issue, once, called 0 times (defined at tests/jira.rs:12:10)
//!     ✓ method  POST
//!     ✓ path    /rest/api/3/issue
//!     ✗ body    JSON equal to the route's body
//!         --- expected
//!         +++ actual
//!         @@ -1,8 +1,8 @@
//!          {
//!            "fields": {
//!              "project": {
//!         -      "key": "OPS"
//!         +      "key": "DEV"
//!              },
//!              "summary": "Broken link"
//!            }
//!          }
//! ```
//!
//! Routes not called as often as scripted (`once`, `times(n)`,
//! `at_least(n)`) fail `verify()`, which also runs when the last clone of
//! the stub is dropped — but never while the thread is already panicking,
//! so the first failure is the one reported.
//!
//! # Your own boundaries
//!
//! When production code has its own thin trait over an I/O client, mark it
//! with [`#[stubaudit::boundary]`](boundary) so that `cargo stubaudit`
//! treats it as a boundary; `#[boundary(mock)]` also derives a mockall mock
//! for the crate's tests (the crate then needs `mockall` as a dependency).
//!
//! # Features
//!
//! | feature | default | adds |
//! | --- | --- | --- |
//! | `sqlite` | yes | `SqliteDatabase`, over rusqlite with bundled SQLite |
//! | `ureq` | no | `UreqClient`, a blocking `HttpClient` over ureq 3 (plain HTTP) |
//! | `reqwest` | no | `ReqwestClient`, an `AsyncHttpClient` over reqwest (plain HTTP) |

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod db;
mod diff;
pub mod http;
#[cfg(test)]
mod test_support;
mod times;
mod verdict;

/// Marks a trait as an I/O boundary for `cargo stubaudit` (no run-time
/// effect); `#[boundary(mock)]` also adds `#[cfg_attr(test, mockall::automock)]`.
pub use stubaudit_macros::boundary;

/// The mockall version the mocks are generated with, for its predicates
/// (`stubaudit::mockall::predicate::eq`).
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use mockall;
