//! The journal of requests an [`HttpStub`](super::HttpStub) received: owned
//! copies, so tests can assert on them after the client consumed the request.
//!
//! It leans on `http` for the parts of a request and on `serde_json` to read
//! a body as JSON.

use std::borrow::Cow;

use super::{HeaderMap, Method, Request, Uri};

/// A request as the stub received it, kept in its journal
/// ([`HttpStub::requests`](super::HttpStub::requests)).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// The request method.
    pub method: Method,
    /// The whole URI, as the client sent it.
    pub uri: Uri,
    /// The request headers.
    pub headers: HeaderMap,
    /// The request body.
    pub body: Vec<u8>,
    /// The route that answered, numbered from 1 in the order routes were
    /// added (as messages print it), or `None` when no route matched.
    pub route: Option<usize>,
}

impl RecordedRequest {
    pub(crate) fn new(request: &Request) -> Self {
        RecordedRequest {
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: request.headers().clone(),
            body: request.body().clone(),
            route: None,
        }
    }

    /// The URI path, without the query.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The query parameters, percent-decoded, in the order sent.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        parse_query(self.uri.query().unwrap_or(""))
    }

    /// The host the request is for: the URI's, or for a relative URI the
    /// `host` header's, without the port.
    pub fn host(&self) -> Option<&str> {
        if let Some(host) = self.uri.host() {
            return Some(host);
        }
        let header = self.header("host")?;
        // `[::1]:8080` keeps its brackets; `example.com:8080` loses the port.
        Some(match header.rsplit_once(':') {
            Some((host, port))
                if !port.contains(']') && port.bytes().all(|b| b.is_ascii_digit()) =>
            {
                host
            }
            _ => header,
        })
    }

    /// The first value of header `name` (case-insensitive), if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body as text (invalid UTF-8 replaced by `�`).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON.
    pub fn body_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// `GET /path?query`, for messages.
    pub(crate) fn summary(&self) -> String {
        let path_and_query = self
            .uri
            .path_and_query()
            .map_or_else(|| self.uri.path().to_owned(), |pq| pq.as_str().to_owned());
        format!("{} {}", self.method, path_and_query)
    }
}

/// Splits `a=1&b=x%20y` into decoded pairs; a name without `=` has an empty
/// value.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+` (a space in form encoding); a malformed
/// escape is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(index + 1..index + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                if let Some(byte) = hex {
                    decoded.push(byte);
                    index += 2;
                } else {
                    decoded.push(b'%');
                }
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_percent_decoded() {
        let pairs = parse_query("q=a%20b+c&flag&x=%zz");
        assert_eq!(
            pairs,
            vec![
                ("q".to_owned(), "a b c".to_owned()),
                ("flag".to_owned(), String::new()),
                ("x".to_owned(), "%zz".to_owned()),
            ]
        );
    }
}
