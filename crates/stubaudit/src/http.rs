//! The HTTP boundary: the [`HttpClient`] trait over `http::Request<Vec<u8>>` /
//! `http::Response<Vec<u8>>` and its async twin [`AsyncHttpClient`], their
//! mockall mocks `MockHttpClient` and `MockAsyncHttpClient` (feature
//! `mock`), the real adapters `UreqClient` (feature `ureq`) and
//! `ReqwestClient` (feature `reqwest`), HTTPS with feature `rustls`, and
//! [`HttpStub`], a strict scripted fake of both traits.
//!
//! It leans on the `http` crate for the request and response types, because
//! every Rust HTTP client converts to and from them, so an adapter is a few
//! lines. The most used `http` items are re-exported here, so
//! `stubaudit::http` reads like the `http` crate itself (`Request::builder()`,
//! `Method`, `StatusCode`, `header`).

mod delay;
mod journal;
#[cfg(all(test, any(feature = "ureq", feature = "reqwest")))]
mod loopback;
mod matcher;
mod mismatch;
#[cfg(feature = "reqwest")]
mod reqwest_client;
mod stub;
mod template;
#[cfg(feature = "ureq")]
mod ureq_client;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The `http` crate itself, for what is not re-exported here (its `Error`,
/// `Extensions`, …).
pub use ::http as http_crate;
#[doc(no_inline)]
pub use ::http::{
    header, request, response, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, Version,
};

pub use journal::RecordedRequest;
pub use matcher::{delete, get, head, method, patch, post, put, RequestMatcher};
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use reqwest_client::ReqwestClient;
pub use stub::{HttpStub, Route};
pub use template::{json, json_value, status, text, ResponseTemplate};
#[cfg(feature = "ureq")]
#[cfg_attr(docsrs, doc(cfg(feature = "ureq")))]
pub use ureq_client::UreqClient;

/// An HTTP request with its body read into memory.
///
/// The body parameter defaults to `Vec<u8>`, so `Request` is the type the
/// boundary speaks, and `Request::builder()` still reaches the `http` builder:
///
/// ```
/// use stubaudit::http::{Method, Request};
///
/// let request: Request = Request::builder()
///     .method(Method::POST)
///     .uri("https://example.com/issues")
///     .body(b"{}".to_vec())
///     .expect("a valid request");
/// assert_eq!(request.uri().path(), "/issues");
/// ```
pub type Request<B = Vec<u8>> = ::http::Request<B>;

/// An HTTP response with its body read into memory (see [`Request`]).
pub type Response<B = Vec<u8>> = ::http::Response<B>;

/// The HTTP boundary: send one request, get one response.
///
/// Production code takes an `H: HttpClient` (or a `&dyn HttpClient`) and does
/// its own request building and response parsing, so that all of it runs
/// under test when a test passes an [`HttpStub`] or a `MockHttpClient`
/// (feature `mock`).
/// A response with status 4xx or 5xx is still `Ok`: the status is data for the
/// caller to interpret; `Err` means no response arrived.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait HttpClient {
    /// Sends `request` and waits for the whole response.
    fn send(&self, request: Request) -> Result<Response, HttpError>;
}

impl<T: HttpClient + ?Sized> HttpClient for &T {
    fn send(&self, request: Request) -> Result<Response, HttpError> {
        (**self).send(request)
    }
}

impl<T: HttpClient + ?Sized> HttpClient for Box<T> {
    fn send(&self, request: Request) -> Result<Response, HttpError> {
        (**self).send(request)
    }
}

impl<T: HttpClient + ?Sized> HttpClient for Arc<T> {
    fn send(&self, request: Request) -> Result<Response, HttpError> {
        (**self).send(request)
    }
}

/// The future an [`AsyncHttpClient`] returns: boxed, so the trait stays
/// object safe (`&dyn AsyncHttpClient`) and mockall can mock it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The async twin of [`HttpClient`]: the same request and response types,
/// for production code that runs on an async runtime.
///
/// `send` returns a boxed future rather than being an `async fn`, so that
/// `dyn AsyncHttpClient` works and `MockAsyncHttpClient` (feature `mock`)
/// can be generated;
/// an implementation is `Box::pin(async move { … })`. [`HttpStub`]
/// implements both traits; its future is ready at once, so any executor
/// runs it.
///
/// ```
/// use stubaudit::http::{AsyncHttpClient, MockAsyncHttpClient, Request, Response};
///
/// let mut http = MockAsyncHttpClient::new();
/// http.expect_send()
///     .returning(|_| Box::pin(async { Ok(Response::new(b"pong".to_vec())) }));
/// let future = http.send(Request::builder().uri("/ping").body(Vec::new())?);
/// let response = block_on(future).expect("the mock answers");
/// assert_eq!(response.body(), b"pong");
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     let mut future = std::pin::pin!(future);
/// #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop {
/// #         if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
/// #             return output;
/// #         }
/// #     }
/// # }
/// # Ok::<(), stubaudit::http::http_crate::Error>(())
/// ```
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait AsyncHttpClient {
    /// Sends `request`; the future resolves to the whole response.
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, HttpError>>;
}

impl<T: AsyncHttpClient + ?Sized> AsyncHttpClient for &T {
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, HttpError>> {
        (**self).send(request)
    }
}

impl<T: AsyncHttpClient + ?Sized> AsyncHttpClient for Box<T> {
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, HttpError>> {
        (**self).send(request)
    }
}

impl<T: AsyncHttpClient + ?Sized> AsyncHttpClient for Arc<T> {
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, HttpError>> {
        (**self).send(request)
    }
}

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// The request or the response took too long.
    Timeout,
    /// The connection could not be made (refused, DNS, TLS); the text says why.
    Connect(String),
    /// Anything else, for example an invalid request or a broken stream.
    Other(String),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Timeout => f.write_str("http request timed out"),
            HttpError::Connect(reason) => write!(f, "http connection failed: {reason}"),
            HttpError::Other(reason) => write!(f, "http request failed: {reason}"),
        }
    }
}

impl std::error::Error for HttpError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_http_client_works_through_box_and_arc() {
        let mut mock = MockHttpClient::new();
        mock.expect_send()
            .withf(|request| request.uri().path() == "/ping")
            .times(2)
            .returning(|_| Ok(Response::new(b"pong".to_vec())));
        let shared: Arc<dyn HttpClient> = Arc::new(mock);
        let boxed: Box<dyn HttpClient> = Box::new(shared.clone());
        let ping = || {
            Request::builder()
                .uri("/ping")
                .body(Vec::new())
                .expect("valid request")
        };
        let bodies = [boxed.send(ping()), HttpClient::send(&&*shared, ping())]
            .map(|response| response.map(Response::into_body));
        assert_eq!(bodies, [Ok(b"pong".to_vec()), Ok(b"pong".to_vec())]);
    }
}
