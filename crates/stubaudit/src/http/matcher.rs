//! [`RequestMatcher`]: what a route of an [`HttpStub`](super::HttpStub)
//! accepts — method, path, query parameters, headers and body — and the
//! per-criterion verdicts that the mismatch message prints.
//!
//! It leans on `serde_json` for JSON equality and JSON subsets, because
//! comparing parsed values ignores key order and whitespace, which a client is
//! free to choose; and on `regex` for the regex matchers: the Rust project's
//! own engine, maintained with the compiler, and linear in time on every
//! input, so a pattern in a test can never hang it.

use std::fmt;
use std::sync::Arc;

use regex::Regex;
use serde_json::Value;

use super::journal::{parse_query, RecordedRequest};
use super::{HeaderName, Method};
use crate::diff::unified_diff;
use crate::verdict::Check;

/// What a route accepts. Build one with [`get`], [`post`], [`put`],
/// [`delete`], [`patch`], [`head`] or [`method`], then narrow it:
///
/// ```
/// use stubaudit::http::post;
///
/// let matcher = post("/rest/api/3/issue")
///     .header("content-type", "application/json")
///     .body_json_subset(r#"{"fields": {"project": {"key": "OPS"}}}"#);
/// # let _ = matcher;
/// ```
///
/// The path is matched against the request URI's path: exactly, or as a
/// pattern when it contains `*` (any run of characters except `/`) or `**`
/// (any run of characters), or as a prefix with
/// [`path_prefix`](Self::path_prefix). A `?query` in the path adds
/// [`query`](Self::query) criteria. Query parameters and headers are subsets:
/// the request may carry more.
///
/// Beyond those: the URI's [`scheme`](Self::scheme) and
/// [`host`](Self::host), regexes on the path and on header values
/// ([`path_regex`](Self::path_regex), [`header_regex`](Self::header_regex)),
/// and any check of your own ([`matching`](Self::matching)):
///
/// ```
/// use stubaudit::http::{get, HttpClient, HttpStub, Request};
///
/// let http = HttpStub::new()
///     .on(get("/")
///         .scheme("https")
///         .host("api.example.com")
///         .path_regex(r"^/v[12]/users/\d+$")
///         .header_regex("authorization", r"^Bearer \S+$")
///         .matching("a trace id", |request| request.header("x-trace").is_some_and(|id| id.len() == 8)))
///     .any_times();
/// let request = Request::builder()
///     .uri("https://api.example.com/v2/users/42")
///     .header("authorization", "Bearer t0k3n")
///     .header("x-trace", "a1b2c3d4")
///     .body(Vec::new())?;
/// assert_eq!(http.send(request).map(|response| response.status().as_u16()), Ok(200));
/// # Ok::<(), stubaudit::http::http_crate::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestMatcher {
    method: Option<Method>,
    scheme: Option<String>,
    host: Option<String>,
    path: PathPattern,
    query: Vec<(String, String)>,
    headers: Vec<(HeaderName, ValuePattern)>,
    body: Option<BodyMatcher>,
    custom: Vec<Custom>,
}

#[derive(Debug, Clone)]
enum PathPattern {
    Any,
    Exact(String),
    Prefix(String),
    Glob(String),
    Regex(Regex),
}

/// A header value: exactly this text, or text a regex finds a match in.
#[derive(Debug, Clone)]
enum ValuePattern {
    Exact(String),
    Regex(Regex),
}

impl ValuePattern {
    fn matches(&self, value: &str) -> bool {
        match self {
            ValuePattern::Exact(exact) => exact == value,
            ValuePattern::Regex(regex) => regex.is_match(value),
        }
    }
}

impl fmt::Display for ValuePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValuePattern::Exact(exact) => f.write_str(exact),
            ValuePattern::Regex(regex) => write!(f, "/{regex}/"),
        }
    }
}

/// A check of the test's own: a description for messages and a predicate.
#[derive(Clone)]
struct Custom {
    description: String,
    predicate: Arc<dyn Fn(&RecordedRequest) -> bool + Send + Sync>,
}

impl fmt::Debug for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Custom")
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

#[track_caller]
fn compile(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(regex) => regex,
        Err(error) => panic!("stubaudit: `{pattern}` is not a valid regex: {error}"),
    }
}

#[derive(Debug, Clone)]
enum BodyMatcher {
    Bytes(Vec<u8>),
    Text(String),
    Json(Value),
    JsonSubset(Value),
}

/// A matcher for `GET path`.
pub fn get(path: &str) -> RequestMatcher {
    method(Method::GET, path)
}

/// A matcher for `POST path`.
pub fn post(path: &str) -> RequestMatcher {
    method(Method::POST, path)
}

/// A matcher for `PUT path`.
pub fn put(path: &str) -> RequestMatcher {
    method(Method::PUT, path)
}

/// A matcher for `DELETE path`.
pub fn delete(path: &str) -> RequestMatcher {
    method(Method::DELETE, path)
}

/// A matcher for `PATCH path`.
pub fn patch(path: &str) -> RequestMatcher {
    method(Method::PATCH, path)
}

/// A matcher for `HEAD path`.
pub fn head(path: &str) -> RequestMatcher {
    method(Method::HEAD, path)
}

/// A matcher for any method and path `path`: `method(Method::OPTIONS, "/")`.
pub fn method(method: Method, path: &str) -> RequestMatcher {
    RequestMatcher::any().method(method).path(path)
}

impl RequestMatcher {
    /// A matcher that accepts every request.
    pub fn any() -> Self {
        RequestMatcher {
            method: None,
            scheme: None,
            host: None,
            path: PathPattern::Any,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            custom: Vec::new(),
        }
    }

    /// Requires this URI scheme (`https`, `http`; case-insensitive). A
    /// request with a relative URI (`/path`) has no scheme and fails it.
    pub fn scheme(mut self, scheme: &str) -> Self {
        self.scheme = Some(scheme.to_ascii_lowercase());
        self
    }

    /// Requires this host (case-insensitive): the URI's, or for a relative
    /// URI the `host` header's, without the port.
    pub fn host(mut self, host: &str) -> Self {
        self.host = Some(host.to_ascii_lowercase());
        self
    }

    /// Requires the path to contain a match of regex `pattern` (anchor it
    /// with `^…$` for the whole path).
    ///
    /// # Panics
    ///
    /// When `pattern` is not a valid regex.
    #[track_caller]
    pub fn path_regex(mut self, pattern: &str) -> Self {
        self.path = PathPattern::Regex(compile(pattern));
        self
    }

    /// Requires header `name` with a value that regex `pattern` finds a
    /// match in.
    ///
    /// # Panics
    ///
    /// When `name` is not a valid header name or `pattern` not a valid regex.
    #[track_caller]
    pub fn header_regex(mut self, name: &str, pattern: &str) -> Self {
        let header_name = header_name(name);
        self.headers
            .push((header_name, ValuePattern::Regex(compile(pattern))));
        self
    }

    /// Requires `predicate` to accept the request; `description` names the
    /// check in mismatch messages (`✗ custom  a trace id`).
    pub fn matching(
        mut self,
        description: &str,
        predicate: impl Fn(&RecordedRequest) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.custom.push(Custom {
            description: description.to_owned(),
            predicate: Arc::new(predicate),
        });
        self
    }

    /// Requires this method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Requires this path: exact, or a pattern with `*` / `**`; a `?query`
    /// part adds query criteria.
    pub fn path(mut self, path: &str) -> Self {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        self.path = if path.contains('*') {
            PathPattern::Glob(path.to_owned())
        } else {
            PathPattern::Exact(path.to_owned())
        };
        self.query.extend(parse_query(query));
        self
    }

    /// Requires the path to start with `prefix`.
    pub fn path_prefix(mut self, prefix: &str) -> Self {
        self.path = PathPattern::Prefix(prefix.to_owned());
        self
    }

    /// Requires query parameter `name` with (decoded) value `value`.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Requires header `name` (case-insensitive) with value `value`.
    ///
    /// # Panics
    ///
    /// When `name` is not a valid header name.
    #[track_caller]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let header_name = header_name(name);
        self.headers
            .push((header_name, ValuePattern::Exact(value.to_owned())));
        self
    }

    /// Requires exactly these body bytes.
    pub fn body_bytes(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(BodyMatcher::Bytes(body.into()));
        self
    }

    /// Requires exactly this body text.
    pub fn body_text(mut self, body: &str) -> Self {
        self.body = Some(BodyMatcher::Text(body.to_owned()));
        self
    }

    /// Requires a JSON body equal to `json` (key order and whitespace aside).
    ///
    /// # Panics
    ///
    /// When `json` is not valid JSON.
    #[track_caller]
    pub fn body_json(mut self, json: &str) -> Self {
        self.body = Some(BodyMatcher::Json(parse_expected_json(json)));
        self
    }

    /// Requires a JSON body that contains `json`: every object key of `json`
    /// is present with a matching value (recursively); arrays match element
    /// by element and must have the same length; other values are equal.
    ///
    /// # Panics
    ///
    /// When `json` is not valid JSON.
    #[track_caller]
    pub fn body_json_subset(mut self, json: &str) -> Self {
        self.body = Some(BodyMatcher::JsonSubset(parse_expected_json(json)));
        self
    }

    /// Requires a JSON body equal to `json`, given as a value.
    pub fn body_json_value(mut self, json: Value) -> Self {
        self.body = Some(BodyMatcher::Json(json));
        self
    }

    /// `GET /path`, `GET https://host/path`, for messages.
    pub(crate) fn summary(&self) -> String {
        let method = self.method.as_ref().map_or("*", Method::as_str);
        let origin = match (&self.scheme, &self.host) {
            (None, None) => String::new(),
            (scheme, host) => format!(
                "{}://{}",
                scheme.as_deref().unwrap_or("*"),
                host.as_deref().unwrap_or("*")
            ),
        };
        format!("{method} {origin}{}", self.path_description())
    }

    fn path_description(&self) -> String {
        match &self.path {
            PathPattern::Any => "*".to_owned(),
            PathPattern::Exact(path) | PathPattern::Glob(path) => path.clone(),
            PathPattern::Prefix(prefix) => format!("{prefix}…"),
            PathPattern::Regex(regex) => format!("/{regex}/"),
        }
    }

    /// Whether `request` passes every criterion.
    pub(crate) fn matches(&self, request: &RecordedRequest) -> bool {
        self.checks(request).iter().all(|check| check.ok)
    }

    /// Every criterion checked against `request`, in a fixed order: method,
    /// path, query, headers, body.
    pub(crate) fn checks(&self, request: &RecordedRequest) -> Vec<Check> {
        let mut checks = vec![self.check_method(request)];
        if let Some(scheme) = &self.scheme {
            let found = request.uri.scheme_str().map(str::to_ascii_lowercase);
            checks.push(simple_check(
                "scheme",
                scheme,
                found.as_deref() == Some(scheme.as_str()),
                found.as_deref().unwrap_or("none (a relative URI)"),
            ));
        }
        if let Some(host) = &self.host {
            let found = request.host().map(|found| found.to_ascii_lowercase());
            checks.push(simple_check(
                "host",
                host,
                found.as_deref() == Some(host.as_str()),
                found.as_deref().unwrap_or("none"),
            ));
        }
        checks.push(self.check_path(request));
        let query_pairs = request.query_pairs();
        for (name, value) in &self.query {
            let found: Vec<&str> = query_pairs
                .iter()
                .filter(|(found_name, _)| found_name == name)
                .map(|(_, found_value)| found_value.as_str())
                .collect();
            let ok = found.contains(&value.as_str());
            checks.push(Check {
                criterion: "query",
                ok,
                expected: format!("{name}={value}"),
                actual: if ok {
                    String::new()
                } else {
                    found_list(name, &found, "=", "parameter")
                },
                diff: None,
            });
        }
        for (name, value) in &self.headers {
            let found: Vec<String> = request
                .headers
                .get_all(name)
                .iter()
                .map(|found| String::from_utf8_lossy(found.as_bytes()).into_owned())
                .collect();
            let ok = found.iter().any(|found| value.matches(found));
            let found: Vec<&str> = found.iter().map(String::as_str).collect();
            checks.push(Check {
                criterion: "header",
                ok,
                expected: format!("{name}: {value}"),
                actual: if ok {
                    String::new()
                } else {
                    found_list(name.as_str(), &found, ": ", "header")
                },
                diff: None,
            });
        }
        if let Some(body) = &self.body {
            checks.push(check_body(body, &request.body));
        }
        for custom in &self.custom {
            checks.push(Check {
                criterion: "custom",
                ok: (custom.predicate)(request),
                expected: custom.description.clone(),
                actual: String::new(),
                diff: None,
            });
        }
        checks
    }

    fn check_method(&self, request: &RecordedRequest) -> Check {
        let ok = self
            .method
            .as_ref()
            .is_none_or(|method| *method == request.method);
        Check {
            criterion: "method",
            ok,
            expected: self
                .method
                .as_ref()
                .map_or("any", Method::as_str)
                .to_owned(),
            actual: if ok {
                String::new()
            } else {
                request.method.to_string()
            },
            diff: None,
        }
    }

    fn check_path(&self, request: &RecordedRequest) -> Check {
        let path = request.path();
        let (ok, expected) = match &self.path {
            PathPattern::Any => (true, "any".to_owned()),
            PathPattern::Exact(exact) => (exact == path, exact.clone()),
            PathPattern::Prefix(prefix) => {
                (path.starts_with(prefix.as_str()), format!("{prefix}…"))
            }
            PathPattern::Glob(glob) => {
                (glob_matches(glob.as_bytes(), path.as_bytes()), glob.clone())
            }
            PathPattern::Regex(regex) => (regex.is_match(path), self.path_description()),
        };
        Check {
            criterion: "path",
            ok,
            expected,
            actual: if ok { String::new() } else { path.to_owned() },
            diff: None,
        }
    }
}

/// What a request had instead: `x=1, x=2`, or `no x parameter` / `no
/// accept header` (`kind`) when it had none.
fn found_list(name: &str, found: &[&str], separator: &str, kind: &str) -> String {
    if found.is_empty() {
        format!("no {name} {kind}")
    } else {
        let found: Vec<String> = found
            .iter()
            .map(|value| format!("{name}{separator}{value}"))
            .collect();
        found.join(", ")
    }
}

/// A one-value criterion: `expected`, and `found` when it fails.
fn simple_check(criterion: &'static str, expected: &str, ok: bool, found: &str) -> Check {
    Check {
        criterion,
        ok,
        expected: expected.to_owned(),
        actual: if ok { String::new() } else { found.to_owned() },
        diff: None,
    }
}

#[track_caller]
fn header_name(name: &str) -> HeaderName {
    match HeaderName::from_bytes(name.as_bytes()) {
        Ok(header_name) => header_name,
        Err(_) => panic!("stubaudit: `{name}` is not a valid header name"),
    }
}

#[track_caller]
fn parse_expected_json(json: &str) -> Value {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(error) => panic!("stubaudit: the expected body is not valid JSON: {error}\n{json}"),
    }
}

fn check_body(body: &BodyMatcher, actual: &[u8]) -> Check {
    let actual_text = String::from_utf8_lossy(actual);
    let (ok, expected, expected_text, shown_actual) = match body {
        BodyMatcher::Bytes(bytes) => (
            bytes.as_slice() == actual,
            format!("{} bytes", bytes.len()),
            String::from_utf8_lossy(bytes).into_owned(),
            actual_text.into_owned(),
        ),
        BodyMatcher::Text(text) => (
            text.as_bytes() == actual,
            "text".to_owned(),
            text.clone(),
            actual_text.into_owned(),
        ),
        BodyMatcher::Json(expected) | BodyMatcher::JsonSubset(expected) => {
            let subset = matches!(body, BodyMatcher::JsonSubset(_));
            let label = if subset {
                "JSON containing"
            } else {
                "JSON equal to"
            };
            let expected_pretty = pretty(expected);
            match serde_json::from_slice::<Value>(actual) {
                Ok(found) => {
                    let ok = if subset {
                        json_contains(&found, expected)
                    } else {
                        found == *expected
                    };
                    // For a subset, show only the parts of the body the route
                    // looks at, so the diff is about what differs.
                    let shown = if subset {
                        project(&found, expected)
                    } else {
                        found
                    };
                    (
                        ok,
                        format!("{label} the route's body"),
                        expected_pretty,
                        pretty(&shown),
                    )
                }
                Err(error) => {
                    let check = Check {
                        criterion: "body",
                        ok: false,
                        expected: format!("{label} the route's body"),
                        actual: format!("not JSON ({error})"),
                        diff: Some(unified_diff(&expected_pretty, &actual_text)),
                    };
                    return check;
                }
            }
        }
    };
    Check {
        criterion: "body",
        ok,
        expected,
        // The diff shows what differs.
        actual: String::new(),
        diff: (!ok).then(|| unified_diff(&expected_text, &shown_actual)),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// Whether `actual` contains `expected` (see
/// [`RequestMatcher::body_json_subset`]).
pub(crate) fn json_contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            expected.iter().all(|(key, expected)| {
                actual
                    .get(key)
                    .is_some_and(|actual| json_contains(actual, expected))
            })
        }
        (Value::Array(actual), Value::Array(expected)) => {
            actual.len() == expected.len()
                && actual
                    .iter()
                    .zip(expected)
                    .all(|(actual, expected)| json_contains(actual, expected))
        }
        (actual, expected) => actual == expected,
    }
}

/// `actual` cut down to the object keys that `shape` has, recursively.
fn project(actual: &Value, shape: &Value) -> Value {
    match (actual, shape) {
        (Value::Object(actual), Value::Object(shape)) => Value::Object(
            actual
                .iter()
                .filter_map(|(key, value)| {
                    shape
                        .get(key)
                        .map(|shape| (key.clone(), project(value, shape)))
                })
                .collect(),
        ),
        (Value::Array(actual), Value::Array(shape)) if actual.len() == shape.len() => Value::Array(
            actual
                .iter()
                .zip(shape)
                .map(|(actual, shape)| project(actual, shape))
                .collect(),
        ),
        (actual, _) => actual.clone(),
    }
}

/// Glob match: `*` is any run without `/`, `**` any run at all.
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|skip| glob_matches(rest, &text[skip..])),
        [b'*', rest @ ..] => {
            let segment = text
                .iter()
                .position(|&byte| byte == b'/')
                .unwrap_or(text.len());
            (0..=segment).any(|skip| glob_matches(rest, &text[skip..]))
        }
        [first, rest @ ..] => text.first() == Some(first) && glob_matches(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Request;

    fn recorded(request: Request) -> RecordedRequest {
        RecordedRequest::new(&request)
    }

    fn request(method: Method, uri: &str, body: &str) -> RecordedRequest {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .expect("valid test request");
        recorded(request)
    }

    #[test]
    fn glob_star_stays_within_one_segment() {
        assert!(glob_matches(b"/issues/*", b"/issues/OPS-1"));
        assert!(!glob_matches(b"/issues/*", b"/issues/OPS-1/comments"));
        assert!(glob_matches(b"/issues/**", b"/issues/OPS-1/comments"));
        assert!(glob_matches(
            b"/issues/*/comments",
            b"/issues/OPS-1/comments"
        ));
        assert!(!glob_matches(b"/issues/*/comments", b"/issues/OPS-1/links"));
    }

    #[test]
    fn path_query_and_header_criteria_all_apply() {
        let matcher = get("/search?jql=project%3DOPS").header("Content-Type", "application/json");
        assert!(matcher.matches(&request(
            Method::GET,
            "http://h/search?jql=project%3DOPS&max=5",
            ""
        )));
        assert!(!matcher.matches(&request(
            Method::GET,
            "http://h/search?jql=project%3DDEV",
            ""
        )));
        assert!(!matcher.matches(&request(
            Method::POST,
            "http://h/search?jql=project%3DOPS",
            ""
        )));
    }

    #[test]
    fn path_prefix_matches_the_start_of_the_path() {
        let matcher = RequestMatcher::any().path_prefix("/rest/");
        assert!(matcher.matches(&request(Method::DELETE, "/rest/api/3/issue/1", "")));
        assert!(!matcher.matches(&request(Method::DELETE, "/api/rest/", "")));
    }

    #[test]
    fn json_equality_ignores_key_order_and_whitespace() {
        let matcher = post("/x").body_json(r#"{"a": 1, "b": [1, 2]}"#);
        assert!(matcher.matches(&request(Method::POST, "/x", r#"{"b":[1,2],"a":1}"#)));
        assert!(!matcher.matches(&request(Method::POST, "/x", r#"{"b":[1,2],"a":1,"c":0}"#)));
    }

    #[test]
    fn json_subset_allows_extra_keys_but_not_different_values() {
        let matcher = post("/x").body_json_subset(r#"{"fields": {"key": "OPS"}}"#);
        let extra = r#"{"fields": {"key": "OPS", "summary": "s"}, "update": {}}"#;
        assert!(matcher.matches(&request(Method::POST, "/x", extra)));
        assert!(!matcher.matches(&request(
            Method::POST,
            "/x",
            r#"{"fields": {"key": "DEV"}}"#
        )));
        assert!(!matcher.matches(&request(Method::POST, "/x", "not json")));
    }

    #[test]
    fn a_subset_diff_shows_only_the_keys_the_route_looks_at() {
        let matcher = post("/x").body_json_subset(r#"{"fields": {"key": "OPS", "labels": ["a"]}}"#);
        let body = r#"{"fields": {"key": "DEV", "labels": ["a"], "summary": "s"}, "update": {}}"#;
        let checks = matcher.checks(&request(Method::POST, "/x", body));
        let body_check = checks.last().expect("a body check");
        assert!(!body_check.ok);
        insta::assert_snapshot!(body_check.diff.clone().unwrap_or_default(), @r#"
        --- expected
        +++ actual
        @@ -1,6 +1,6 @@
         {
           "fields": {
        -    "key": "OPS",
        +    "key": "DEV",
             "labels": [
               "a"
             ]
        "#);
    }

    #[test]
    fn a_body_that_is_not_json_says_so() {
        let checks = post("/x")
            .body_json("{}")
            .checks(&request(Method::POST, "/x", "a=1"));
        let body_check = checks.last().expect("a body check");
        assert!(!body_check.ok);
        assert!(
            body_check
                .actual
                .starts_with("not JSON (expected value at line 1 column 1)"),
            "{}",
            body_check.actual
        );
    }

    #[test]
    fn body_bytes_and_text_are_exact() {
        assert!(post("/x")
            .body_text("a=1")
            .matches(&request(Method::POST, "/x", "a=1")));
        assert!(!post("/x").body_bytes(b"a=1".to_vec()).matches(&request(
            Method::POST,
            "/x",
            "a=2"
        )));
    }

    fn failures(matcher: &RequestMatcher, request: &RecordedRequest) -> Vec<String> {
        let mut message = String::new();
        let failed: Vec<Check> = matcher
            .checks(request)
            .into_iter()
            .filter(|check| !check.ok)
            .collect();
        crate::verdict::render_checks(&failed, &mut message);
        message.lines().map(|line| line.trim().to_owned()).collect()
    }

    #[test]
    fn a_missing_or_different_header_reads_plainly() {
        let matcher = get("/x").header("accept", "text/html").query("page", "2");
        let different = recorded(
            Request::builder()
                .uri("/x?page=3")
                .header("accept", "application/json")
                .body(Vec::new())
                .expect("valid request"),
        );
        assert_eq!(
            failures(&matcher, &different),
            [
                "✗ query   page=2; got page=3",
                "✗ header  accept: text/html; got accept: application/json",
            ]
        );
        assert_eq!(
            failures(&matcher, &request(Method::GET, "/x", "")),
            [
                "✗ query   page=2; got no page parameter",
                "✗ header  accept: text/html; got no accept header",
            ]
        );
    }

    #[test]
    fn scheme_and_host_come_from_the_uri_or_the_host_header() {
        let matcher = get("/x").scheme("HTTPS").host("Api.Example.com");
        assert!(matcher.matches(&request(Method::GET, "https://api.example.com/x", "")));
        assert_eq!(
            failures(
                &matcher,
                &request(Method::GET, "http://other.example.com:8080/x", "")
            ),
            [
                "✗ scheme  https; got http",
                "✗ host    api.example.com; got other.example.com",
            ]
        );
        let relative = recorded(
            Request::builder()
                .uri("/x")
                .header("host", "api.example.com:443")
                .body(Vec::new())
                .expect("valid request"),
        );
        assert!(get("/x").host("api.example.com").matches(&relative));
        assert_eq!(
            failures(&matcher, &relative),
            ["✗ scheme  https; got none (a relative URI)"]
        );
    }

    #[test]
    fn regexes_match_paths_and_header_values() {
        let matcher = RequestMatcher::any()
            .path_regex(r"^/users/\d+$")
            .header_regex("authorization", "^Bearer ");
        let authorized = |uri: &str, token: &str| {
            recorded(
                Request::builder()
                    .uri(uri)
                    .header("authorization", token)
                    .body(Vec::new())
                    .expect("valid request"),
            )
        };
        assert!(matcher.matches(&authorized("/users/42", "Bearer abc")));
        assert_eq!(
            failures(&matcher, &authorized("/users/me", "Basic abc")),
            [
                r"✗ path    /^/users/\d+$/; got /users/me",
                "✗ header  authorization: /^Bearer /; got authorization: Basic abc",
            ]
        );
        assert_eq!(matcher.summary(), r"* /^/users/\d+$/");
    }

    #[test]
    fn a_custom_check_is_named_in_messages() {
        let matcher = post("/events").matching("an even number of events", |request| {
            request
                .body_json()
                .ok()
                .and_then(|body| body.as_array().map(Vec::len))
                .is_some_and(|count| count % 2 == 0)
        });
        assert!(matcher.matches(&request(Method::POST, "/events", "[1, 2]")));
        assert_eq!(
            failures(&matcher, &request(Method::POST, "/events", "[1]")),
            ["✗ custom  an even number of events"]
        );
    }

    #[test]
    #[should_panic(expected = "`(` is not a valid regex")]
    fn an_invalid_regex_panics_at_setup() {
        let _ = get("/").path_regex("(");
    }

    #[test]
    #[should_panic(expected = "the expected body is not valid JSON")]
    fn invalid_expected_json_panics_at_setup() {
        let _ = post("/x").body_json("{oops");
    }
}
