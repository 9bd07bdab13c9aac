//! Test doubles at the I/O boundary: HTTP and database traits, mockall mocks,
//! real adapters and strict scripted fakes.
//!
//! Stub the boundary, not your service: production code takes an
//! [`http::HttpClient`] or a [`db::Database`] and keeps its own request
//! building, parsing and SQL, so that a test which doubles the boundary runs
//! all of that code.
//!
//! # Contents
//!
//! * [`http`]: [`HttpClient`](http::HttpClient), [`MockHttpClient`](http::MockHttpClient),
//!   [`HttpStub`](http::HttpStub) with [`get`](http::get) / [`json`](http::json) & co.
//! * [`db`]: [`Database`](db::Database), [`MockDatabase`](db::MockDatabase),
//!   `SqliteDatabase` (feature `sqlite`), [`Value`](db::Value), [`Row`](db::Row).
//! * [`boundary`]: marks your own trait as a boundary for `cargo stubaudit`.
//!
//! ```
//! use stubaudit::http::{get, json, HttpClient, HttpError, HttpStub, Request};
//!
//! /// Production code: owns the URL and the parsing.
//! fn display_name(http: &impl HttpClient) -> Result<String, HttpError> {
//!     let request = Request::builder()
//!         .uri("https://jira.example.com/rest/api/3/myself")
//!         .body(Vec::new())
//!         .map_err(|error| HttpError::Other(error.to_string()))?;
//!     let response = http.send(request)?;
//!     let body: serde_json::Value = serde_json::from_slice(response.body())
//!         .map_err(|error| HttpError::Other(error.to_string()))?;
//!     Ok(body["displayName"].as_str().unwrap_or_default().to_owned())
//! }
//!
//! let http = HttpStub::new()
//!     .on(get("/rest/api/3/myself"))
//!     .respond(json(200, r#"{"displayName": "Ada"}"#))
//!     .once();
//! assert_eq!(display_name(&http)?, "Ada");
//! # Ok::<(), HttpError>(())
//! ```

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
pub use mockall;
