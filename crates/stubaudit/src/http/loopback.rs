//! A one-shot HTTP/1.1 server on 127.0.0.1 for the adapters' own tests: it
//! answers a fixed number of connections with a canned response and hands
//! back what it received.
//!
//! Plain std (`TcpListener` in a thread) so the adapter tests need no server
//! crate; every read has a timeout, so a broken client cannot hang a test.

#[cfg(feature = "rustls")]
pub(crate) mod tls;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

/// What the server received: the request line, the headers (names
/// lower-cased) and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Received {
    pub request_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A running server.
pub(crate) struct Loopback {
    /// `http://127.0.0.1:port`.
    pub base: String,
    received: Receiver<Received>,
}

impl Loopback {
    /// Serves `connections` connections, each with `response` (a whole raw
    /// HTTP response), then stops.
    pub(crate) fn serve(connections: usize, response: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("a local address"));
        let (sender, received) = mpsc::channel();
        thread::spawn(move || {
            for _ in 0..connections {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                if let Some(request) = read_request(&stream) {
                    let _ = sender.send(request);
                }
                let mut stream = stream;
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Loopback { base, received }
    }

    /// Answers one connection with `response` as soon as it is accepted,
    /// without reading: a plain-HTTP server's reply to a TLS handshake (a
    /// `400`), with no wait for a request line that never comes.
    pub(crate) fn answer_at_once(response: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("a local address"));
        let (_sender, received) = mpsc::channel();
        thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let _ = stream.write_all(response.as_bytes());
                // Let the client read it before the connection closes.
                thread::sleep(Duration::from_millis(500));
            }
        });
        Loopback { base, received }
    }

    /// Accepts one connection and never answers (for timeouts).
    pub(crate) fn silent() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("a local address"));
        let (_sender, received) = mpsc::channel();
        thread::spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                // Hold the connection open until the client gives up.
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let _ = (&stream).read(&mut [0; 1024]);
                thread::sleep(Duration::from_secs(2));
            }
        });
        Loopback { base, received }
    }

    /// The next request the server received.
    pub(crate) fn received(&self) -> Received {
        self.received
            .recv_timeout(Duration::from_secs(5))
            .expect("the server received a request")
    }
}

/// A port nobody listened on a moment ago.
#[cfg(feature = "rustls")]
pub(crate) fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("a local address").port()
}

/// A base URL nobody listens on.
pub(crate) fn refused_base() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let address = listener.local_addr().expect("a local address");
    drop(listener);
    format!("http://{address}")
}

fn read_request(stream: &TcpStream) -> Option<Received> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        request_line: request_line.trim_end().to_owned(),
        headers,
        body,
    })
}
