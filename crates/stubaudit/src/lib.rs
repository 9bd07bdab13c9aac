//! Test doubles at the I/O boundary: HTTP and database traits, mockall mocks,
//! real adapters and strict scripted fakes.
//!
//! # Contents
//!
//! 1. [Stub the boundary, not your service](#stub-the-boundary-not-your-service):
//!    why, with a before and an after.
//! 2. [Where the trait bounds go](#where-the-trait-bounds-go).
//! 3. [HTTP](#http): [`HttpClient`](http::HttpClient) and
//!    [`AsyncHttpClient`](http::AsyncHttpClient), their mocks, the adapters,
//!    TLS, and [`HttpStub`](http::HttpStub).
//! 4. [Databases](#databases): [`Database`](db::Database) and
//!    [`AsyncDatabase`](db::AsyncDatabase), their mocks, `SqliteDatabase`,
//!    `PostgresDatabase`, [`DbStub`](db::DbStub), and the schema in tests.
//! 5. [Async tests](#async-tests).
//! 6. [When a call matches no route](#when-a-call-matches-no-route): what the
//!    strict stubs print.
//! 7. [Your own boundaries](#your-own-boundaries): [`#[boundary]`](boundary).
//! 8. [Features](#features).
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
//! # Where the trait bounds go
//!
//! On the type that builds requests and parses answers (or owns the SQL),
//! as a generic parameter or on its `impl` block, and nowhere above it:
//! `JiraClient<H: HttpClient>`, `LinkStore<D: Database>`, and a service
//! over both that stays generic in them. Tests then build the same types
//! with [`HttpStub`](http::HttpStub) and an in-memory `SqliteDatabase` or a
//! [`DbStub`](db::DbStub); production builds them with `UreqClient` and a
//! real database. Where a type must not be generic (application state
//! shared across tasks), hold an `Arc<dyn HttpClient>` or an
//! `Arc<dyn AsyncDatabase>`: every trait here is object safe, and `&T`,
//! `Box<T>` and `Arc<T>` implement it.
//!
//! ```
//! use std::sync::Arc;
//! use stubaudit::db::{sql, Database, DbError, DbStub, Row};
//!
//! pub struct LinkStore<D> {
//!     db: D,
//! }
//!
//! impl<D: Database> LinkStore<D> {
//!     pub fn count(&self) -> Result<i64, DbError> {
//!         self.db.query("SELECT count(*) AS n FROM links", &[])?[0].get("n")
//!     }
//! }
//!
//! /// Shared state: the boundary as a trait object.
//! pub struct AppState {
//!     pub links: LinkStore<Arc<dyn Database + Send + Sync>>,
//! }
//!
//! let db = DbStub::new()
//!     .on(sql("SELECT count(*) AS n FROM links"))
//!     .returns([Row::new().with("n", 3)])
//!     .once();
//! let state = AppState { links: LinkStore { db: Arc::new(db.clone()) } };
//! assert_eq!(state.links.count()?, 3);
//! # Ok::<(), DbError>(())
//! ```
//!
//! # HTTP
//!
//! [`http::HttpClient`] sends an `http::Request<Vec<u8>>` and returns an
//! `http::Response<Vec<u8>>` (aliased [`http::Request`], [`http::Response`]);
//! [`http::AsyncHttpClient`] is its async twin. Each comes with a mockall
//! mock (`MockHttpClient`, `MockAsyncHttpClient`, feature `mock`) and a
//! real adapter behind a feature (`UreqClient` with `ureq`,
//! `ReqwestClient` with `reqwest`).
//!
//! **TLS**: with the `rustls` feature both adapters speak HTTPS (rustls
//! with the ring provider and the webpki roots, no OpenSSL). Without it an
//! `https` URL fails with [`HttpError::Connect`](http::HttpError::Connect)
//! naming the feature. DNS, refused connections and TLS failures are all
//! `HttpError::Connect`, time limits `HttpError::Timeout`, and a 4xx/5xx is
//! an `Ok` response.
//!
//! [`http::HttpStub`] implements both traits. Routes match on method,
//! scheme, host, path (exact, `*` / `**` patterns, prefix, regex), query
//! parameters, headers (exact or regex), body (bytes, text, JSON equality,
//! JSON subset) and checks of your own
//! ([`matching`](http::RequestMatcher::matching)); they answer with a
//! status, headers and a body, successive responses, or a fault, each
//! optionally after a [`delay`](http::ResponseTemplate::delay):
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
//! parameters and returns [`db::Row`]s; it has transactions.
//! [`db::AsyncDatabase`] is its async twin, for code on async drivers. Test
//! against a real engine with `SqliteDatabase` (feature `sqlite`, on by
//! default; both traits) or `PostgresDatabase` (feature `postgres`; async),
//! or script the statements with [`db::DbStub`] (both traits), which
//! compares SQL after normalising layout, case and placeholder style (`?`,
//! `?1` and `$1` are one style):
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
//! **The schema in tests**: give each test a new database and run the
//! production schema on it, so the SQL under test meets the tables it
//! will meet in production. With SQLite that is an in-memory database per
//! test:
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use stubaudit::db::{Database, SqliteDatabase};
//!
//! const SCHEMA: &str = "CREATE TABLE links (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE);";
//! // in a real crate: include_str!("../migrations/001_links.sql")
//!
//! fn test_database() -> SqliteDatabase {
//!     let db = SqliteDatabase::open_in_memory().expect("in-memory SQLite");
//!     db.execute_batch(SCHEMA).expect("the schema applies");
//!     db
//! }
//!
//! let db = test_database();
//! db.execute("INSERT INTO links (url) VALUES (?1)", &["https://a".into()])?;
//! // The real constraint runs: a duplicate fails as it would in production.
//! assert!(db.execute("INSERT INTO links (url) VALUES (?1)", &["https://a".into()]).is_err());
//! # }
//! # Ok::<(), stubaudit::db::DbError>(())
//! ```
//!
//! With PostgreSQL, create a fresh database per test on a server the tests
//! can reach, and run the schema there:
//!
//! ```no_run
//! # #[cfg(feature = "postgres")]
//! # async fn example() -> Result<(), stubaudit::db::DbError> {
//! use stubaudit::db::PostgresDatabase;
//!
//! let admin = PostgresDatabase::connect("host=127.0.0.1 user=postgres dbname=postgres").await?;
//! admin.execute_batch("CREATE DATABASE links_test_1").await?;
//! let db = PostgresDatabase::connect("host=127.0.0.1 user=postgres dbname=links_test_1").await?;
//! db.execute_batch("CREATE TABLE links (id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL UNIQUE)").await?;
//! # Ok(())
//! # }
//! ```
//!
//! This crate's own PostgreSQL tests start a throwaway cluster (`initdb`
//! and `pg_ctl` on a temporary directory and a free port) when PostgreSQL
//! is installed, and print `SKIPPED` when it is not.
//!
//! # Async tests
//!
//! The async traits return boxed futures, so they work behind `dyn` and on
//! any executor. [`HttpStub`](http::HttpStub) and [`DbStub`](db::DbStub)
//! answer the async traits from the same routes; their futures are ready
//! at once (unless a response has a delay), so a `#[tokio::test]` or any
//! `block_on` runs them, and an unmatched call panics in the call itself.
//! A transaction's work is an
//! [`AsyncTransactionWork`](db::AsyncTransactionWork):
//!
//! ```
//! use stubaudit::db::{sql, AsyncDatabase, AsyncTransactionWork, DbError, DbStub, StatementKind};
//!
//! /// Production code on an async driver.
//! async fn rename(db: &dyn AsyncDatabase, id: i64, title: String) -> Result<(), DbError> {
//!     db.transaction(AsyncTransactionWork::new(move |tx| {
//!         Box::pin(async move {
//!             tx.execute("UPDATE links SET title = $1 WHERE id = $2", &[title.into(), id.into()]).await?;
//!             tx.execute("INSERT INTO audit (link_id) VALUES ($1)", &[id.into()]).await?;
//!             Ok(())
//!         })
//!     }))
//!     .await
//! }
//!
//! let db = DbStub::new()
//!     .on(sql("UPDATE links SET title = ?1 WHERE id = ?2").params([Value::from("New"), Value::from(7)]))
//!     .affects(1)
//!     .once()
//!     .on(sql("INSERT INTO audit (link_id) VALUES (?1)").params([7]))
//!     .affects(1)
//!     .once();
//! # use stubaudit::db::Value;
//! # fn block_on<F: std::future::Future>(future: F) -> F::Output {
//! #     let mut future = std::pin::pin!(future);
//! #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop {
//! #         if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
//! #             return output;
//! #         }
//! #     }
//! # }
//! block_on(rename(&db, 7, "New".to_owned()))?; // `.await` in a #[tokio::test]
//! let kinds: Vec<StatementKind> = db.statements().iter().map(|statement| statement.kind).collect();
//! assert_eq!(kinds.first(), Some(&StatementKind::Begin));
//! assert_eq!(kinds.last(), Some(&StatementKind::Commit));
//! assert_eq!(db.executed().len(), 2);
//! # Ok::<(), DbError>(())
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
//! The panic's location is the call of `send` / `execute` / `query` (the
//! stubs' methods are `#[track_caller]`), not a line inside this crate,
//! when the stub is called through its type or a generic parameter.
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
//! | `sqlite` | yes | `SqliteDatabase` (`Database` and `AsyncDatabase`), over rusqlite with bundled SQLite |
//! | `postgres` | no | `PostgresDatabase` (`AsyncDatabase`), over tokio-postgres |
//! | `ureq` | no | `UreqClient`, a blocking `HttpClient` over ureq 3 |
//! | `reqwest` | no | `ReqwestClient`, an `AsyncHttpClient` over reqwest 0.12 |
//! | `rustls` | no | HTTPS for the HTTP adapters enabled beside it (rustls, ring, webpki roots) |
//! | `mock` | no | the mockall mocks (`MockHttpClient`, `MockAsyncHttpClient`, `MockDatabase`, `MockAsyncDatabase`) and `stubaudit::mockall` |
//!
//! The mocks are for tests: enable `mock` in `[dev-dependencies]`, and a
//! production build compiles no mockall.
//!
//! ```toml
//! [dependencies]
//! stubaudit = { version = "0.1", features = ["ureq", "rustls"] }
//! [dev-dependencies]
//! stubaudit = { version = "0.1", features = ["mock"] }
//! ```

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
