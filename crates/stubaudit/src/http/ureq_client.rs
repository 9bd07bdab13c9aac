//! [`UreqClient`]: the real blocking [`HttpClient`] over ureq 3 (feature
//! `ureq`; HTTPS with feature `rustls`).
//!
//! It leans on ureq because ureq 3 speaks `http::Request` /
//! `http::Response` natively, so the adapter is a thin pass-through: status
//! codes stay data (4xx/5xx are `Ok`), transport failures become
//! [`HttpError`]s: DNS, refused connections and TLS failures
//! [`HttpError::Connect`], time limits [`HttpError::Timeout`].

use std::time::Duration;

use super::{HttpClient, HttpError, Request, Response};

/// A blocking [`HttpClient`] over a [`ureq::Agent`].
///
/// With the `rustls` feature it speaks HTTPS (rustls, the webpki roots);
/// without it an `https` URL fails with [`HttpError::Connect`] saying so.
///
/// ```no_run
/// use stubaudit::http::{HttpClient, Request, UreqClient};
///
/// let http = UreqClient::new();
/// let request = Request::builder().uri("http://127.0.0.1:8080/health").body(Vec::new())?;
/// let response = http.send(request)?;
/// println!("{}", response.status());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct UreqClient {
    agent: ::ureq::Agent,
}

impl UreqClient {
    /// A client with ureq's defaults, except that 4xx and 5xx responses are
    /// returned as responses.
    pub fn new() -> Self {
        Self::configured(None)
    }

    /// Like [`new`](Self::new), with a time limit for each whole call.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self::configured(Some(timeout))
    }

    /// Wraps an agent as configured. Keep ureq's `http_status_as_error` off,
    /// or 4xx/5xx responses arrive as [`HttpError::Other`].
    pub fn from_agent(agent: ::ureq::Agent) -> Self {
        UreqClient { agent }
    }

    fn configured(timeout: Option<Duration>) -> Self {
        let config = ::ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(timeout)
            .build();
        UreqClient {
            agent: ::ureq::Agent::new_with_config(config),
        }
    }
}

impl Default for UreqClient {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpClient for UreqClient {
    fn send(&self, request: Request) -> Result<Response, HttpError> {
        let response = self.agent.run(request).map_err(from_ureq)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body.read_to_vec().map_err(from_ureq)?;
        Ok(Response::from_parts(parts, bytes))
    }
}

fn from_ureq(error: ::ureq::Error) -> HttpError {
    match error {
        ::ureq::Error::Timeout(_) => HttpError::Timeout,
        ::ureq::Error::HostNotFound | ::ureq::Error::ConnectionFailed | ::ureq::Error::Tls(_) => {
            HttpError::Connect(error.to_string())
        }
        #[cfg(feature = "rustls")]
        ::ureq::Error::Rustls(_) | ::ureq::Error::Pem(_) => HttpError::Connect(error.to_string()),
        ::ureq::Error::TlsRequired => {
            HttpError::Connect(format!("{error}: HTTPS needs stubaudit's `rustls` feature"))
        }
        ::ureq::Error::Io(io) if is_tls(&io) => HttpError::Connect(format!("tls: {io}")),
        ::ureq::Error::Io(io) if is_connect(&io) => HttpError::Connect(io.to_string()),
        ::ureq::Error::Io(io) if is_timeout(&io) => HttpError::Timeout,
        other => HttpError::Other(other.to_string()),
    }
}

fn is_connect(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::AddrNotAvailable | ErrorKind::NotFound
    ) || is_dns(error)
}

/// A failed name lookup: ureq passes std's resolver error on as I/O, and
/// std gives it no kind of its own to match (it is `Uncategorized`), only
/// this message, the same on every platform std supports.
fn is_dns(error: &std::io::Error) -> bool {
    error
        .to_string()
        .starts_with("failed to lookup address information")
}

/// An I/O error that carries a TLS failure (rustls reports a handshake
/// with a server that speaks no TLS as invalid data).
fn is_tls(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::InvalidData
}

fn is_timeout(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(error.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::loopback::{refused_base, Loopback};
    use crate::http::Method;

    #[test]
    fn sends_the_request_and_reads_the_whole_response() {
        let server = Loopback::serve(
            1,
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 13\r\nconnection: close\r\n\r\n{\"key\":\"A-1\"}",
        );
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("{}/rest/api/3/issue?notify=false", server.base))
            .header("content-type", "application/json")
            .body(br#"{"a":1}"#.to_vec())
            .expect("valid request");
        let response = UreqClient::new().send(request).expect("a response");
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(response.body(), br#"{"key":"A-1"}"#);
        let received = server.received();
        assert_eq!(
            received.request_line,
            "POST /rest/api/3/issue?notify=false HTTP/1.1"
        );
        assert_eq!(received.body, br#"{"a":1}"#);
    }

    #[test]
    fn error_statuses_are_responses() {
        let server = Loopback::serve(1, "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy");
        let request = Request::builder()
            .uri(&server.base)
            .body(Vec::new())
            .expect("valid request");
        let response = UreqClient::new().send(request).expect("a response");
        assert_eq!(
            (response.status().as_u16(), response.body().as_slice()),
            (503, b"busy".as_slice())
        );
    }

    #[test]
    fn a_refused_connection_is_a_connect_error() {
        let request = Request::builder()
            .uri(refused_base())
            .body(Vec::new())
            .expect("valid request");
        let error = UreqClient::new().send(request).expect_err("nobody listens");
        assert!(matches!(error, HttpError::Connect(_)), "{error:?}");
    }

    #[test]
    fn an_unresolvable_host_is_a_connect_error() {
        let request = Request::builder()
            .uri("http://stubaudit-test.invalid/")
            .body(Vec::new())
            .expect("valid request");
        let error = UreqClient::new().send(request).expect_err("no such host");
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
        let error = UreqClient::new().send(request).expect_err("no TLS there");
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
        // Verification on (the default): the self-signed certificate is
        // nobody's, and that is a failure to connect.
        let error = UreqClient::new().send(get()).expect_err("untrusted");
        assert!(
            matches!(&error, HttpError::Connect(reason) if reason.to_lowercase().contains("certificate")),
            "{error:?}"
        );
        // Verification off: the handshake completes and HTTP runs over it.
        let tls = ::ureq::tls::TlsConfig::builder()
            .disable_verification(true)
            .build();
        let agent = ::ureq::Agent::new_with_config(
            ::ureq::Agent::config_builder()
                .tls_config(tls)
                .http_status_as_error(false)
                .build(),
        );
        let response = UreqClient::from_agent(agent)
            .send(get())
            .expect("an HTTPS response");
        assert_eq!(response.status(), 200);
        assert!(
            String::from_utf8_lossy(response.body()).contains("s_server"),
            "the body is openssl's status page"
        );
    }

    #[test]
    #[cfg(not(feature = "rustls"))]
    fn https_without_the_rustls_feature_says_which_feature() {
        let server = Loopback::answer_at_once("HTTP/1.1 400 Bad Request\r\n\r\n");
        let request = Request::builder()
            .uri(server.base.replacen("http://", "https://", 1))
            .body(Vec::new())
            .expect("valid request");
        let error = UreqClient::new().send(request).expect_err("no TLS");
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
        let error = UreqClient::with_timeout(Duration::from_millis(200))
            .send(request)
            .expect_err("no answer");
        assert_eq!(error, HttpError::Timeout);
    }
}
