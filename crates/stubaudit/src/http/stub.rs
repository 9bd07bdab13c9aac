//! [`HttpStub`]: the strict scripted fake of [`HttpClient`]. Routes are
//! scripted up front; a request no route accepts panics with a diff against
//! the closest routes; routes not called as often as scripted fail
//! [`verify`](HttpStub::verify), which also runs when the last clone drops.
//!
//! Plain std (`Arc<Mutex<..>>`) so clones can be handed to the code under
//! test and to other threads while the test keeps one to verify.

use std::fmt;
use std::panic::Location;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::delay::Delay;
use super::journal::RecordedRequest;
use super::matcher::RequestMatcher;
use super::mismatch;
use super::template::{status, ResponseTemplate};
use super::{AsyncHttpClient, BoxFuture, HttpClient, HttpError, Request, Response};
use crate::times::Times;
use crate::verdict;

/// A strict scripted fake [`HttpClient`].
///
/// ```
/// use stubaudit::http::{get, json, HttpClient, HttpStub, Request};
///
/// let http = HttpStub::new()
///     .on(get("/rest/api/3/myself"))
///     .respond(json(200, r#"{"displayName": "Ada"}"#))
///     .once();
///
/// let request = Request::builder()
///     .uri("https://jira.example.com/rest/api/3/myself")
///     .body(Vec::new())
///     .expect("a valid request");
/// let response = http.send(request).expect("the stub answers");
/// assert_eq!(response.status(), 200);
/// http.verify();
/// ```
///
/// * Routes are tried in the order they were added; the first that accepts
///   the request and has calls left answers it.
/// * A request no route accepts makes [`send`](HttpClient::send) panic with
///   the closest routes, a ✓/✗ per criterion and a diff of the body.
/// * [`verify`](Self::verify) panics when a route was called fewer (or more)
///   times than scripted. It runs by itself when the last clone is dropped,
///   unless the thread is already panicking.
/// * Clones share routes and journal, and the stub is `Send + Sync`: give a
///   clone to the code under test and keep one to verify.
#[derive(Clone, Default)]
pub struct HttpStub {
    shared: Arc<Shared>,
}

/// The state all clones share; verifies when the last clone drops it.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) routes: Vec<RouteState>,
    pub(super) journal: Vec<RecordedRequest>,
    pub(super) unmatched: usize,
}

pub(super) struct RouteState {
    pub(super) matcher: RequestMatcher,
    responses: Vec<ResponseTemplate>,
    pub(super) times: Times,
    pub(super) calls: usize,
    pub(super) location: &'static Location<'static>,
}

impl RouteState {
    /// `GET /path, once, called 0 times (defined at file:line:col)`.
    pub(super) fn describe(&self) -> String {
        format!(
            "{}, {}, called {} (defined at {})",
            self.matcher.summary(),
            self.times.describe(),
            crate::times::count(self.calls),
            self.location
        )
    }
}

/// A route being scripted: add responses with [`respond`](Self::respond),
/// then finish it with [`once`](Self::once), [`times`](Self::times),
/// [`at_least`](Self::at_least) or [`any_times`](Self::any_times).
#[must_use = "a route is only added by .once(), .times(n), .at_least(n) or .any_times()"]
pub struct Route {
    stub: HttpStub,
    matcher: RequestMatcher,
    responses: Vec<ResponseTemplate>,
    location: &'static Location<'static>,
}

impl HttpStub {
    /// A stub with no routes: every request panics until routes are added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a route for requests `matcher` accepts.
    #[track_caller]
    pub fn on(self, matcher: RequestMatcher) -> Route {
        Route {
            stub: self,
            matcher,
            responses: Vec::new(),
            location: Location::caller(),
        }
    }

    /// Every request received so far, matched or not, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().journal.clone()
    }

    /// Panics when a route was not called as often as scripted, or when a
    /// request matched no route (in case that panic was caught).
    #[track_caller]
    pub fn verify(&self) {
        if let Some(message) = self.lock().failures() {
            panic!("{message}");
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic never happens while the lock is held, but a poisoned lock
        // still holds consistent state.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    /// The verify message, when something is wrong.
    fn failures(&self) -> Option<String> {
        let unmet: Vec<String> = self
            .routes
            .iter()
            .enumerate()
            .filter(|(_, route)| !route.times.is_satisfied(route.calls))
            .map(|(index, route)| format!("route {}: {}", index + 1, route.describe()))
            .collect();
        let journal: Vec<String> = self
            .journal
            .iter()
            .map(|request| {
                let route = request
                    .route
                    .map_or_else(|| "no route".to_owned(), |route| format!("route {route}"));
                format!("{} -> {route}", request.summary())
            })
            .collect();
        verdict::verify_message("HttpStub", &unmet, self.unmatched, &journal)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // A second panic while unwinding would abort the test binary, and the
        // first panic already says what went wrong.
        if std::thread::panicking() {
            return;
        }
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(message) = state.failures() {
            panic!("{message}");
        }
    }
}

impl HttpStub {
    /// The response template for `request`, or a panic naming the closest
    /// routes; at the caller's location, so the panic points at the call of
    /// `send`, not into this file.
    #[track_caller]
    fn answer(&self, request: &Request) -> ResponseTemplate {
        let mut recorded = RecordedRequest::new(request);
        let mut state = self.lock();
        let chosen = state.routes.iter().position(|route| {
            route.times.allows_another(route.calls) && route.matcher.matches(&recorded)
        });
        let Some(index) = chosen else {
            state.unmatched += 1;
            let message = mismatch::render(&recorded, &state.routes);
            state.journal.push(recorded);
            drop(state);
            panic!("{message}");
        };
        let route = &mut state.routes[index];
        route.calls += 1;
        let template = route
            .responses
            .get(route.calls - 1)
            .or(route.responses.last())
            .cloned()
            .unwrap_or_else(|| status(200));
        recorded.route = Some(index + 1);
        state.journal.push(recorded);
        template
    }
}

impl HttpClient for HttpStub {
    /// Answers from the first route that accepts the request, after the
    /// response's [`delay`](ResponseTemplate::delay) if it has one.
    ///
    /// # Panics
    ///
    /// When no route accepts the request; the panic's location is the call
    /// of `send` (`#[track_caller]`) when the stub is called through its
    /// type or a generic parameter. Through `dyn HttpClient` Rust passes no
    /// caller location on; the routes' `defined at` and the backtrace still
    /// lead to the test.
    #[track_caller]
    fn send(&self, request: Request) -> Result<Response, HttpError> {
        let template = self.answer(&request);
        if let Some(delay) = template.delay_duration() {
            std::thread::sleep(delay);
        }
        template.render()
    }
}

/// Answers at once, or after the response's
/// [`delay`](ResponseTemplate::delay); an unmatched request panics in
/// `send` itself, where the caller is, not when the future is polled.
impl AsyncHttpClient for HttpStub {
    #[track_caller]
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, HttpError>> {
        let template = self.answer(&request);
        match template.delay_duration() {
            None => Box::pin(std::future::ready(template.render())),
            Some(delay) => Box::pin(async move {
                Delay::new(delay).await;
                template.render()
            }),
        }
    }
}

impl fmt::Debug for HttpStub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let routes: Vec<String> = state.routes.iter().map(RouteState::describe).collect();
        f.debug_struct("HttpStub")
            .field("routes", &routes)
            .field("requests", &state.journal.len())
            .finish()
    }
}

impl Route {
    /// Adds a response. Successive calls answer with successive responses;
    /// the last one repeats. A route without a response answers `200` with
    /// an empty body.
    pub fn respond(mut self, response: ResponseTemplate) -> Route {
        self.responses.push(response);
        self
    }

    /// The route must be called exactly once.
    pub fn once(self) -> HttpStub {
        self.finish(Times::exactly(1))
    }

    /// The route must be called exactly `count` times.
    pub fn times(self, count: usize) -> HttpStub {
        self.finish(Times::exactly(count))
    }

    /// The route must be called `count` times or more.
    pub fn at_least(self, count: usize) -> HttpStub {
        self.finish(Times::at_least(count))
    }

    /// The route may be called any number of times, none included.
    pub fn any_times(self) -> HttpStub {
        self.finish(Times::any())
    }

    fn finish(self, times: Times) -> HttpStub {
        self.stub.lock().routes.push(RouteState {
            matcher: self.matcher,
            responses: self.responses,
            times,
            calls: 0,
            location: self.location,
        });
        self.stub
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{get, json, post, text, Method};
    use crate::test_support::{block_on, panic_message};

    fn request(method: Method, uri: &str, body: &str) -> Request {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .expect("valid test request")
    }

    fn send(stub: &HttpStub, method: Method, uri: &str, body: &str) -> Result<Response, HttpError> {
        HttpClient::send(stub, request(method, uri, body))
    }

    #[test]
    fn successive_responses_then_the_last_repeats() {
        let stub = HttpStub::new()
            .on(get("/n"))
            .respond(text(200, "1"))
            .respond(text(200, "2"))
            .times(3);
        let bodies: Vec<Vec<u8>> = (0..3)
            .map(|_| {
                send(&stub, Method::GET, "/n", "")
                    .expect("a response")
                    .into_body()
            })
            .collect();
        assert_eq!(bodies, [b"1".to_vec(), b"2".to_vec(), b"2".to_vec()]);
        stub.verify();
    }

    #[test]
    fn routes_answer_in_registration_order_until_used_up() {
        let stub = HttpStub::new()
            .on(get("/job"))
            .respond(json(202, "{}"))
            .once()
            .on(get("/job"))
            .respond(json(200, "{}"))
            .any_times();
        let first = send(&stub, Method::GET, "/job", "").expect("a response");
        let second = send(&stub, Method::GET, "/job", "").expect("a response");
        assert_eq!(
            (first.status().as_u16(), second.status().as_u16()),
            (202, 200)
        );
        let routes: Vec<Option<usize>> = stub
            .requests()
            .iter()
            .map(|request| request.route)
            .collect();
        assert_eq!(routes, [Some(1), Some(2)]);
    }

    #[test]
    fn faults_are_returned_as_errors() {
        let stub = HttpStub::new()
            .on(get("/slow"))
            .respond(ResponseTemplate::timeout())
            .once();
        assert_eq!(
            send(&stub, Method::GET, "/slow", "").err(),
            Some(HttpError::Timeout)
        );
    }

    #[test]
    fn the_journal_keeps_every_request() {
        let stub = HttpStub::new().on(post("/issues")).any_times();
        send(
            &stub,
            Method::POST,
            "http://jira/issues?notify=false",
            r#"{"a":1}"#,
        )
        .expect("a response");
        let requests = stub.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].path(), "/issues");
        assert_eq!(
            requests[0].query_pairs(),
            [("notify".to_owned(), "false".to_owned())]
        );
        assert_eq!(
            requests[0].body_json().ok(),
            Some(serde_json::json!({"a": 1}))
        );
    }

    #[test]
    fn clones_share_routes_and_calls_across_threads() {
        let stub = HttpStub::new()
            .on(get("/ping"))
            .respond(text(200, "pong"))
            .times(8);
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let clone = stub.clone();
                std::thread::spawn(move || {
                    (0..2)
                        .map(|_| {
                            send(&clone, Method::GET, "/ping", "")
                                .map(|response| response.into_body())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut bodies = Vec::new();
        for handle in handles {
            bodies.extend(handle.join().expect("no thread panics"));
        }
        assert_eq!(bodies.len(), 8);
        assert!(bodies
            .iter()
            .all(|body| body.as_ref().is_ok_and(|body| body == b"pong")));
        assert_eq!(stub.requests().len(), 8);
        stub.verify();
    }

    #[test]
    fn the_async_twin_shares_routes_and_journal() {
        let stub = HttpStub::new()
            .on(get("/a"))
            .respond(text(200, "async"))
            .once();
        let client: &dyn AsyncHttpClient = &stub;
        let response = block_on(client.send(request(Method::GET, "/a", ""))).expect("a response");
        assert_eq!(response.body(), b"async");
        assert_eq!(stub.requests().len(), 1);
        stub.verify();
    }

    #[test]
    fn a_mismatch_panic_points_at_the_call_not_into_stubaudit() {
        use crate::test_support::panic_location;

        let stub = HttpStub::new().on(get("/a")).any_times();
        let sync_line = line!() + 2;
        let sync = panic_location(|| {
            let _ = HttpClient::send(&stub, request(Method::GET, "/b", ""));
        });
        assert_eq!(sync, Some(format!("{}:{sync_line}", file!())));
        let async_line = line!() + 2;
        let asynchronous = panic_location(|| {
            drop(AsyncHttpClient::send(&stub, request(Method::GET, "/b", "")));
        });
        assert_eq!(asynchronous, Some(format!("{}:{async_line}", file!())));
        // Through `dyn`, Rust passes no caller location on: the panic names
        // the impl; the message's `defined at` and the backtrace still lead
        // to the test.
        let client: &dyn AsyncHttpClient = &stub;
        let through_dyn = panic_location(|| {
            drop(client.send(request(Method::GET, "/b", "")));
        });
        assert!(through_dyn
            .is_some_and(|location| location.starts_with("crates/stubaudit/src/http/stub.rs:")),);
        let _ = panic_message(move || drop(stub));
    }

    #[test]
    fn a_delayed_response_keeps_the_future_pending_until_it_is_due() {
        use std::task::{Context, Waker};
        use std::time::{Duration, Instant};

        let stub = HttpStub::new()
            .on(get("/slow"))
            .respond(text(200, "late").delay(Duration::from_millis(40)))
            .times(2);
        let client: &dyn AsyncHttpClient = &stub;
        let started = Instant::now();
        let mut future = client.send(request(Method::GET, "/slow", ""));
        let polled = future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        assert!(
            polled.is_pending(),
            "not due yet: a timeout around it fires first"
        );
        let response = block_on(future).expect("a response");
        assert!(started.elapsed() >= Duration::from_millis(40));
        assert_eq!(response.body(), b"late");
        // A delayed fault: a slow server that then drops the connection.
        let sync_started = Instant::now();
        let body = send(&stub, Method::GET, "/slow", "").map(Response::into_body);
        assert!(sync_started.elapsed() >= Duration::from_millis(40));
        assert_eq!(body, Ok(b"late".to_vec()));
        stub.verify();
    }

    #[test]
    fn http_stub_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<HttpStub>();
    }

    #[test]
    fn a_request_no_route_matches_panics_with_checks_and_a_body_diff() {
        let stub = HttpStub::new()
            .on(post("/rest/api/3/issue").header("content-type", "application/json").body_json(
                r#"{"fields": {"project": {"key": "OPS"}, "summary": "Broken link", "labels": ["links"]}}"#,
            ))
            .respond(json(201, r#"{"key": "OPS-1"}"#))
            .once()
            .on(get("/rest/api/3/issue/*"))
            .respond(json(200, "{}"))
            .any_times();
        let message = panic_message(|| {
            let _ = send(
                &stub,
                Method::POST,
                "https://jira.example.com/rest/api/3/issue",
                r#"{"fields":{"project":{"key":"DEV"},"summary":"Broken link","labels":["links"]}}"#,
            );
        });
        insta::assert_snapshot!(message);
        // The unmatched request is in the journal, and verify reports it.
        let verify = panic_message(|| stub.verify());
        insta::assert_snapshot!(verify);
        let dropped = panic_message(move || drop(stub));
        assert_eq!(dropped, verify);
    }

    #[test]
    fn a_used_up_route_says_so() {
        let stub = HttpStub::new().on(get("/once")).once();
        send(&stub, Method::GET, "/once", "").expect("the first call is answered");
        let message = panic_message(|| {
            let _ = send(&stub, Method::GET, "/once", "");
        });
        assert!(
            message.contains("✗ calls   once; got already called 1 time"),
            "{message}"
        );
        let dropped = panic_message(move || drop(stub));
        assert!(dropped.contains("1 call matched no route"), "{dropped}");
    }

    #[test]
    fn an_empty_stub_says_it_has_no_routes() {
        let message = panic_message(|| {
            let _ = send(&HttpStub::new(), Method::GET, "/", "");
        });
        assert!(message.contains("the stub has no routes"), "{message}");
    }

    #[test]
    #[should_panic(expected = "route 1: GET /never, once, called 0 times")]
    fn dropping_the_last_clone_verifies() {
        let stub = HttpStub::new().on(get("/never")).once();
        let clone = stub.clone();
        drop(stub);
        drop(clone);
    }

    #[test]
    fn dropping_while_panicking_does_not_panic_again() {
        let outcome = std::panic::catch_unwind(|| {
            let _stub = HttpStub::new().on(get("/never")).once();
            panic!("the test failed first");
        });
        let payload = outcome.expect_err("the first panic propagates");
        assert_eq!(
            payload.downcast_ref::<&str>(),
            Some(&"the test failed first")
        );
    }

    #[test]
    fn verify_passes_when_every_route_got_its_calls() {
        let stub = HttpStub::new()
            .on(get("/a"))
            .at_least(1)
            .on(get("/b"))
            .any_times();
        send(&stub, Method::GET, "/a", "").expect("a response");
        send(&stub, Method::GET, "/a", "").expect("a response");
        stub.verify();
        assert_eq!(stub.requests().len(), 2);
    }
}
