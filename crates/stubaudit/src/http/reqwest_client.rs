//! [`ReqwestClient`]: the real [`AsyncHttpClient`] over reqwest (feature
//! `reqwest`; HTTPS with feature `rustls`).
//!
//! It leans on reqwest because it is the async client most Rust services
//! already use; reqwest converts from `http::Request`, so the adapter only
//! reads the body and maps errors: DNS, refused connections and TLS
//! failures [`HttpError::Connect`], time limits [`HttpError::Timeout`]. It
//! needs a tokio runtime, as reqwest does.

use std::time::Duration;

use super::{AsyncHttpClient, BoxFuture, HttpError, Request, Response};

/// An [`AsyncHttpClient`] over a [`reqwest::Client`]. Status codes stay
/// data: 4xx and 5xx responses are `Ok`.
///
/// With the `rustls` feature it speaks HTTPS (rustls, the webpki roots);
/// without it an `https` URL fails with [`HttpError::Connect`] saying so.
///
/// ```no_run
/// use stubaudit::http::{AsyncHttpClient, Request, ReqwestClient};
///
/// # async fn health() -> Result<(), Box<dyn std::error::Error>> {
/// let http = ReqwestClient::new();
/// let request = Request::builder().uri("http://127.0.0.1:8080/health").body(Vec::new())?;
/// let response = http.send(request).await?;
/// println!("{}", response.status());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReqwestClient {
    client: ::reqwest::Client,
}

impl ReqwestClient {
    /// A client with reqwest's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// A client with a time limit for each whole call.
    ///
    /// # Errors
    ///
    /// When reqwest cannot build the client.
    pub fn with_timeout(timeout: Duration) -> Result<Self, HttpError> {
        let client = ::reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(from_reqwest)?;
        Ok(ReqwestClient { client })
    }

    /// Wraps a client as configured.
    pub fn from_client(client: ::reqwest::Client) -> Self {
        ReqwestClient { client }
    }
}

impl AsyncHttpClient for ReqwestClient {
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, HttpError>> {
        Box::pin(async move {
            let request = ::reqwest::Request::try_from(request).map_err(from_reqwest)?;
            let response = self.client.execute(request).await.map_err(from_reqwest)?;
            let mut builder = ::http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                headers.extend(response.headers().clone());
            }
            let body = response.bytes().await.map_err(from_reqwest)?;
            builder
                .body(body.to_vec())
                .map_err(|error| HttpError::Other(error.to_string()))
        })
    }
}

/// The error with its sources, since reqwest's own message is terse.
fn from_reqwest(error: ::reqwest::Error) -> HttpError {
    if error.is_timeout() {
        return HttpError::Timeout;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    let https_without_tls =
        cfg!(not(feature = "rustls")) && error.url().is_some_and(|url| url.scheme() == "https");
    if https_without_tls {
        HttpError::Connect(format!("{text}: HTTPS needs stubaudit's `rustls` feature"))
    } else if error.is_connect() {
        HttpError::Connect(text)
    } else {
        HttpError::Other(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::loopback::{refused_base, Loopback};
    use crate::http::Method;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
            .block_on(future)
    }

    #[test]
    fn sends_the_request_and_reads_the_whole_response() {
        let server = Loopback::serve(
            1,
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
        );
        let request = Request::builder()
            .method(Method::PUT)
            .uri(format!("{}/links/1", server.base))
            .header("x-trace", "t1")
            .body(b"payload".to_vec())
            .expect("valid request");
        let response = block_on(ReqwestClient::new().send(request)).expect("a response");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/plain");
        assert_eq!(response.body(), b"ok");
        let received = server.received();
        assert_eq!(received.request_line, "PUT /links/1 HTTP/1.1");
        assert!(received
            .headers
            .contains(&("x-trace".to_owned(), "t1".to_owned())));
        assert_eq!(received.body, b"payload");
    }

    #[test]
    fn a_refused_connection_is_a_connect_error() {
        let request = Request::builder()
            .uri(refused_base())
            .body(Vec::new())
            .expect("valid request");
        let error = block_on(ReqwestClient::new().send(request)).expect_err("nobody listens");
        assert!(matches!(error, HttpError::Connect(_)), "{error:?}");
    }

    #[test]
    fn an_unresolvable_host_is_a_connect_error() {
        let request = Request::builder()
            .uri("http://stubaudit-test.invalid/")
            .body(Vec::new())
            .expect("valid request");
        let error = block_on(ReqwestClient::new().send(request)).expect_err("no such host");
        assert!(matches!(error, HttpError::Connect(_)), "{error:?}");
    }

    #[test]
    #[cfg(feature = "rustls")]
    fn tls_to_a_plain_http_port_is_a_connect_error() {
        let server = Loopback::answer_at_once(
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        );
        let request = Request::builder()
            .uri(server.base.replacen("http://", "https://", 1))
            .body(Vec::new())
            .expect("valid request");
        let error = block_on(ReqwestClient::new().send(request)).expect_err("no TLS there");
        assert!(matches!(error, HttpError::Connect(_)), "{error:?}");
    }

    #[test]
    #[cfg(feature = "rustls")]
    fn https_works_and_an_untrusted_certificate_is_a_connect_error() {
        use crate::http::loopback::tls::TlsServer;

        let Some(server) = TlsServer::start() else {
            return;
        };
        let get = || {
            Request::builder()
                .uri(format!("{}/", server.base))
                .body(Vec::new())
                .expect("valid request")
        };
        let error = block_on(ReqwestClient::new().send(get())).expect_err("untrusted");
        assert!(
            matches!(&error, HttpError::Connect(reason) if reason.to_lowercase().contains("certificate")),
            "{error:?}"
        );
        let client = ::reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .build()
            .expect("a client");
        let response =
            block_on(ReqwestClient::from_client(client).send(get())).expect("an HTTPS response");
        assert_eq!(response.status(), 200);
        assert!(
            String::from_utf8_lossy(response.body()).contains("s_server"),
            "the body is openssl's status page"
        );
    }

    #[test]
    #[cfg(not(feature = "rustls"))]
    fn https_without_the_rustls_feature_says_which_feature() {
        let request = Request::builder()
            .uri("https://127.0.0.1:9/")
            .body(Vec::new())
            .expect("valid request");
        let error = block_on(ReqwestClient::new().send(request)).expect_err("no TLS");
        assert!(
            matches!(&error, HttpError::Connect(reason) if reason.contains("`rustls` feature")),
            "{error:?}"
        );
    }

    #[test]
    fn a_silent_server_times_out() {
        let server = Loopback::silent();
        let request = Request::builder()
            .uri(&server.base)
            .body(Vec::new())
            .expect("valid request");
        let client = ReqwestClient::with_timeout(Duration::from_millis(200)).expect("a client");
        let error = block_on(client.send(request)).expect_err("no answer");
        assert_eq!(error, HttpError::Timeout);
    }
}
