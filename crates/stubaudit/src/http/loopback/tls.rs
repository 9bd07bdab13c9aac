//! An HTTPS server on 127.0.0.1 for the adapters' TLS tests: `openssl
//! s_server -www` with a self-signed certificate made for the test, so the
//! tests see a real TLS handshake both succeed (verification off) and fail
//! (verification on: the certificate is nobody's).
//!
//! The `openssl` command line (Debian's `openssl` package, on every Debian
//! machine) rather than a TLS server crate: a dev-dependency would compile
//! rustls and ring into every test build, features on or not. Without the
//! command the tests say so on stderr and pass.

use std::io::Write;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A running `openssl s_server`, stopped when dropped.
pub(crate) struct TlsServer {
    /// `https://127.0.0.1:port`.
    pub base: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl TlsServer {
    /// Starts the server, or `None` (after saying why on stderr) when the
    /// `openssl` command is missing or fails.
    pub(crate) fn start() -> Option<Self> {
        match Self::try_start() {
            Ok(server) => Some(server),
            Err(reason) => {
                // Past libtest's capture, which hides `eprintln!` of passing
                // tests: a skip must be seen.
                let _ = writeln!(
                    std::io::stderr(),
                    "\n*** SKIPPED: a TLS test did not run: {reason}\n"
                );
                None
            }
        }
    }

    fn try_start() -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
        let made = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ])
            .args(["-nodes", "-days", "1", "-subj", "/CN=localhost"])
            .args(["-keyout", "key.pem", "-out", "cert.pem"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("no `openssl` command: {error}"))?;
        if !made.status.success() {
            return Err(format!(
                "openssl req failed: {}",
                String::from_utf8_lossy(&made.stderr).trim()
            ));
        }
        let port = super::free_port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-cert", "cert.pem", "-key", "key.pem"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("openssl s_server: {error}"))?;
        let mut server = TlsServer {
            base: format!("https://127.0.0.1:{port}"),
            child,
            _dir: dir,
        };
        server.wait_until_listening(port)?;
        Ok(server)
    }

    fn wait_until_listening(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("openssl s_server exited: {status}"));
            }
            thread::sleep(Duration::from_millis(20));
        }
        Err("openssl s_server did not listen within 10 s".to_owned())
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
