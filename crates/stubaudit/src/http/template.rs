//! [`ResponseTemplate`]: what a route of an [`HttpStub`](super::HttpStub)
//! answers — a status, headers and a body, or a fault (timeout, refused
//! connection) returned as an [`HttpError`] — and after how long.
//!
//! It leans on `http` to build the [`Response`], and on `serde_json` for
//! [`json_value`].

use std::time::Duration;

use super::{HeaderName, HeaderValue, HttpError, Response, StatusCode};

/// What a route answers. Build one with [`json`], [`text`], [`status`] or
/// [`ResponseTemplate::new`]; faults with [`ResponseTemplate::timeout`] and
/// [`ResponseTemplate::connection_refused`].
#[derive(Debug, Clone)]
pub struct ResponseTemplate {
    answer: Answer,
    delay: Option<Duration>,
}

#[derive(Debug, Clone)]
enum Answer {
    Response {
        status: StatusCode,
        headers: Vec<(HeaderName, HeaderValue)>,
        body: Vec<u8>,
    },
    Fault(HttpError),
}

/// A response with this status, `content-type: application/json` and `body`.
/// The body is sent as written, so a test can also feed malformed JSON.
///
/// # Panics
///
/// When `status` is not in `100..=999`.
#[track_caller]
pub fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .header("content-type", "application/json")
        .body(body)
}

/// A response with this status and a JSON body serialised from `body`.
///
/// # Panics
///
/// When `status` is not in `100..=999`.
#[track_caller]
pub fn json_value(status: u16, body: &serde_json::Value) -> ResponseTemplate {
    json(status, &body.to_string())
}

/// A response with this status, `content-type: text/plain; charset=utf-8` and
/// `body`.
///
/// # Panics
///
/// When `status` is not in `100..=999`.
#[track_caller]
pub fn text(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(body)
}

/// A response with this status and an empty body.
///
/// # Panics
///
/// When `status` is not in `100..=999`.
#[track_caller]
pub fn status(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
}

impl ResponseTemplate {
    /// A response with this status, no headers and an empty body.
    ///
    /// # Panics
    ///
    /// When `status` is not in `100..=999`.
    #[track_caller]
    pub fn new(status: u16) -> Self {
        let status = match StatusCode::from_u16(status) {
            Ok(status) => status,
            Err(_) => panic!("stubaudit: {status} is not an HTTP status code"),
        };
        ResponseTemplate {
            answer: Answer::Response {
                status,
                headers: Vec::new(),
                body: Vec::new(),
            },
            delay: None,
        }
    }

    /// Instead of a response, `send` returns `Err(HttpError::Timeout)`.
    pub fn timeout() -> Self {
        Self::fault(HttpError::Timeout)
    }

    /// Instead of a response, `send` returns `Err(HttpError::Connect(..))`.
    pub fn connection_refused() -> Self {
        Self::fault(HttpError::Connect("connection refused".to_owned()))
    }

    /// Instead of a response, `send` returns `Err(error)`.
    pub fn fault(error: HttpError) -> Self {
        ResponseTemplate {
            answer: Answer::Fault(error),
            delay: None,
        }
    }

    /// Answers only after `delay`, for tests of timeouts and slow servers.
    ///
    /// Through [`HttpClient`](super::HttpClient) the calling thread sleeps;
    /// through [`AsyncHttpClient`](super::AsyncHttpClient) the future stays
    /// pending until then (a timer thread wakes it, so any executor works),
    /// and a `tokio::time::timeout` around the call fires first when it is
    /// shorter:
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use stubaudit::http::{get, text, HttpClient, HttpStub, Request};
    ///
    /// let http = HttpStub::new()
    ///     .on(get("/slow"))
    ///     .respond(text(200, "late").delay(Duration::from_millis(50)))
    ///     .once();
    /// let started = Instant::now();
    /// let response = http.send(Request::builder().uri("/slow").body(Vec::new())?);
    /// assert!(started.elapsed() >= Duration::from_millis(50));
    /// assert_eq!(response.map(|response| response.into_body()), Ok(b"late".to_vec()));
    /// # Ok::<(), stubaudit::http::http_crate::Error>(())
    /// ```
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// How long to wait before answering.
    pub(crate) fn delay_duration(&self) -> Option<Duration> {
        self.delay
    }

    /// Adds a header (several values for one name are all sent).
    ///
    /// # Panics
    ///
    /// When `name` or `value` is not valid in a header, or on a fault.
    #[track_caller]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            panic!("stubaudit: `{name}` is not a valid header name");
        };
        let Ok(header_value) = HeaderValue::from_str(value) else {
            panic!("stubaudit: `{value}` is not a valid value for header `{name}`");
        };
        match &mut self.answer {
            Answer::Response { headers, .. } => headers.push((header_name, header_value)),
            Answer::Fault(_) => panic!("stubaudit: a fault has no headers"),
        }
        self
    }

    /// Sets the body.
    ///
    /// # Panics
    ///
    /// On a fault.
    #[track_caller]
    pub fn body(mut self, bytes: impl AsRef<[u8]>) -> Self {
        match &mut self.answer {
            Answer::Response { body, .. } => *body = bytes.as_ref().to_vec(),
            Answer::Fault(_) => panic!("stubaudit: a fault has no body"),
        }
        self
    }

    /// The answer for one request.
    pub(crate) fn render(&self) -> Result<Response, HttpError> {
        match &self.answer {
            Answer::Response {
                status,
                headers,
                body,
            } => {
                let mut response = Response::new(body.clone());
                *response.status_mut() = *status;
                for (name, value) in headers {
                    response.headers_mut().append(name.clone(), value.clone());
                }
                Ok(response)
            }
            Answer::Fault(error) => Err(error.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_sets_status_content_type_and_body() {
        let response = json(201, r#"{"id": "1"}"#).render().expect("a response");
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(response.body(), br#"{"id": "1"}"#);
    }

    #[test]
    fn faults_render_as_errors() {
        assert_eq!(
            ResponseTemplate::timeout().render().err(),
            Some(HttpError::Timeout)
        );
        assert!(matches!(
            ResponseTemplate::connection_refused().render(),
            Err(HttpError::Connect(_))
        ));
    }

    #[test]
    #[should_panic(expected = "1000 is not an HTTP status code")]
    fn an_invalid_status_panics_at_setup() {
        let _ = status(1000);
    }
}
