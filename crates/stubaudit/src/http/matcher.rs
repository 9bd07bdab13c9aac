//! [`RequestMatcher`]: what a route of an [`HttpStub`](super::HttpStub)
//! accepts — method, path, query parameters, headers and body — and the
//! per-criterion verdicts that the mismatch message prints.
//!
//! It leans on `serde_json` for JSON equality and JSON subsets, because
//! comparing parsed values ignores key order and whitespace, which a client is
//! free to choose.

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
#[derive(Debug, Clone)]
pub struct RequestMatcher {
    method: Option<Method>,
    path: PathPattern,
    query: Vec<(String, String)>,
    headers: Vec<(HeaderName, String)>,
    body: Option<BodyMatcher>,
}

#[derive(Debug, Clone)]
enum PathPattern {
    Any,
    Exact(String),
    Prefix(String),
    Glob(String),
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
            path: PathPattern::Any,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
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
        let header_name = match HeaderName::from_bytes(name.as_bytes()) {
            Ok(header_name) => header_name,
            Err(_) => panic!("stubaudit: `{name}` is not a valid header name"),
        };
        self.headers.push((header_name, value.to_owned()));
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

    /// `GET /path?query`, for messages.
    pub(crate) fn summary(&self) -> String {
        let method = self.method.as_ref().map_or("*", Method::as_str);
        let path = match &self.path {
            PathPattern::Any => "*".to_owned(),
            PathPattern::Exact(path) | PathPattern::Glob(path) => path.clone(),
            PathPattern::Prefix(prefix) => format!("{prefix}…"),
        };
        format!("{method} {path}")
    }

    /// Whether `request` passes every criterion.
    pub(crate) fn matches(&self, request: &RecordedRequest) -> bool {
        self.checks(request).iter().all(|check| check.ok)
    }

    /// Every criterion checked against `request`, in a fixed order: method,
    /// path, query, headers, body.
    pub(crate) fn checks(&self, request: &RecordedRequest) -> Vec<Check> {
        let mut checks = vec![self.check_method(request), self.check_path(request)];
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
                    found_list(name, &found, "=")
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
            let ok = found.iter().any(|found| found == value);
            let found: Vec<&str> = found.iter().map(String::as_str).collect();
            checks.push(Check {
                criterion: "header",
                ok,
                expected: format!("{name}: {value}"),
                actual: if ok {
                    String::new()
                } else {
                    found_list(name.as_str(), &found, ": ")
                },
                diff: None,
            });
        }
        if let Some(body) = &self.body {
            checks.push(check_body(body, &request.body));
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

/// `found x=1, x=2` or `no x`.
fn found_list(name: &str, found: &[&str], separator: &str) -> String {
    if found.is_empty() {
        format!("no {name}")
    } else {
        let found: Vec<String> = found
            .iter()
            .map(|value| format!("{name}{separator}{value}"))
            .collect();
        format!("found {}", found.join(", "))
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

    #[test]
    #[should_panic(expected = "the expected body is not valid JSON")]
    fn invalid_expected_json_panics_at_setup() {
        let _ = post("/x").body_json("{oops");
    }
}
