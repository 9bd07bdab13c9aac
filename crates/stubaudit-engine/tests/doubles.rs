//! The `doubles` stage on small crates, without the CLI or `cargo
//! metadata`: each case is a `check(files, expected)` where `files` are a
//! library (`src/lib.rs`, with its modules) and optional integration tests
//! (`tests/*.rs`), and `expected` lists one line per stub site: line, test
//! fn, code, double kind and type, and what it stubs. Cases are the shapes
//! of issue 9 ("Truth on code nobody here has read").

use std::path::{Path, PathBuf};
use stubaudit_engine::load::{Package, Target, TargetRole, Workspace};
use stubaudit_engine::{audit, AuditOptions};

/// Writes `files` (path, source) into a temporary crate `demo`, audits it
/// and renders each stub as
/// `file:line test code kind:type target.method status`.
fn audit_lines(files: &[(&str, &str)]) -> Vec<String> {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("tempdir: {error}"),
    };
    let root = dir.path().to_path_buf();
    let mut targets = Vec::new();
    for (path, source) in files {
        let file = root.join(path);
        let written = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&file, source));
        if let Err(error) = written {
            panic!("write {path}: {error}");
        }
        let (crate_name, role) = if *path == "src/lib.rs" {
            ("demo".to_string(), TargetRole::Lib)
        } else if let Some(test) = path.strip_prefix("tests/") {
            (test.trim_end_matches(".rs").to_string(), TargetRole::Test)
        } else {
            continue;
        };
        targets.push(Target {
            crate_name,
            role,
            root: PathBuf::from(&file),
        });
    }
    let workspace = Workspace {
        root: root.clone(),
        packages: vec![Package {
            name: "demo".to_string(),
            dir: root.clone(),
            targets,
            selected: true,
            config: serde_json::Value::Null,
            test_support: false,
            workspace_deps: Vec::new(),
        }],
        config: serde_json::Value::Null,
    };
    let report = match audit(&workspace, &AuditOptions::default()) {
        Ok(report) => report,
        Err(error) => panic!("audit: {error}"),
    };
    report
        .stubs
        .iter()
        .map(|stub| {
            let file = Path::new(&stub.site.file)
                .strip_prefix(&root)
                .unwrap_or(Path::new(&stub.site.file))
                .display()
                .to_string();
            let target = stub.target.path.rsplit("::").next().unwrap_or("");
            let method = stub.target.method.as_deref().unwrap_or("*");
            format!(
                "{file}:{} {} {} {}:{} {target}.{method} {}",
                stub.site.line,
                stub.site.test.as_deref().unwrap_or("-"),
                stub.code,
                stub.double.kind.as_str(),
                stub.double.type_name,
                format!("{:?}", stub.status).to_lowercase(),
            )
        })
        .collect()
}

fn check(files: &[(&str, &str)], expected: &[&str]) {
    let lines = audit_lines(files);
    assert_eq!(lines, expected, "\nfiles:\n{files:#?}");
}

const CLIENT: &str = r#"
pub struct Client { pub base: String }
impl Client {
    pub fn get(&self, path: &str) -> std::io::Result<String> {
        let stream = std::net::TcpStream::connect(&self.base)?;
        let _ = (stream, path);
        Ok(String::new())
    }
}
"#;

#[test]
fn each_httpmock_route_is_a_site_and_the_server_start_is_not() {
    check(
        &[
            ("src/lib.rs", CLIENT),
            (
                "tests/api.rs",
                r#"
use httpmock::MockServer;
#[test]
fn two_routes() {
    let server = MockServer::start();
    let a = server.mock(|when, then| { when.path("/a"); then.status(200); });
    let b = server.mock(|when, then| { when.path("/b"); then.status(404); });
    let _ = (a, b);
}
"#,
            ),
        ],
        &[
            "tests/api.rs:6 api::two_routes boundary-stub wire:MockServer http.* wire",
            "tests/api.rs:7 api::two_routes boundary-stub wire:MockServer http.* wire",
        ],
    );
}

#[test]
fn routes_on_a_server_from_a_shared_helper_are_sites() {
    check(
        &[
            ("src/lib.rs", CLIENT),
            (
                "tests/api.rs",
                r#"
mod support {
    pub fn server() -> wiremock::MockServer { todo!() }
    pub struct Ctx { pub server: mockito::ServerGuard }
    pub fn ctx() -> Ctx { todo!() }
}
#[tokio::test]
async fn wiremock_route() {
    let server = support::server();
    wiremock::Mock::given(wiremock::matchers::path("/a"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&server)
        .await;
}
#[test]
fn mockito_route_on_a_field() {
    let mut ctx = support::ctx();
    let route = ctx.server.mock("GET", "/health").with_status(200).create();
    route.assert();
}
"#,
            ),
        ],
        &[
            "tests/api.rs:10 api::wiremock_route boundary-stub wire:MockServer http.* wire",
            "tests/api.rs:18 api::mockito_route_on_a_field boundary-stub wire:Server http.* wire",
        ],
    );
}

#[test]
fn names_from_an_external_glob_are_doubles_of_that_crate() {
    // Issue 9, shape 11: `use httpmock::prelude::*` then `MockServer::start()`.
    check(
        &[
            ("src/lib.rs", CLIENT),
            (
                "tests/api.rs",
                r#"
use httpmock::prelude::*;
fn start() -> MockServer { MockServer::start() }
#[test]
fn through_a_glob() {
    let server = MockServer::start();
    server.mock(|when, then| { when.method(GET).path("/a"); then.status(200); });
}
#[test]
fn through_a_glob_and_a_helper() {
    let server = start();
    server.mock(|when, then| { when.path("/b"); then.status(200); });
}
mod nested {
    use super::*;
    #[test]
    fn through_a_parent_glob() {
        let server = MockServer::start();
        server.mock(|when, then| { when.path("/c"); then.status(200); });
    }
}
"#,
            ),
        ],
        &[
            "tests/api.rs:7 api::through_a_glob boundary-stub wire:MockServer http.* wire",
            "tests/api.rs:12 api::through_a_glob_and_a_helper boundary-stub wire:MockServer http.* wire",
            "tests/api.rs:19 api::nested::through_a_parent_glob boundary-stub wire:MockServer http.* wire",
        ],
    );
}

#[test]
fn a_name_that_no_glob_explains_is_no_double() {
    // `MockServer` with no import at all: nothing says which crate it is.
    check(
        &[
            ("src/lib.rs", CLIENT),
            (
                "tests/api.rs",
                r#"
use std::collections::*;
pub struct MockServer;
impl MockServer { pub fn mock(&self, _: u8) {} }
#[test]
fn own_type() { let server = MockServer; server.mock(1); let _: HashMap<u8, u8> = HashMap::new(); }
"#,
            ),
        ],
        &[],
    );
}

#[test]
fn a_route_on_a_server_of_unknown_type_counts_when_the_crate_uses_one_mock_server_crate() {
    check(
        &[
            ("src/lib.rs", CLIENT),
            (
                "tests/api.rs",
                r#"
use httpmock::MockServer;
fn setup() -> (MockServer, u8) { (MockServer::start(), 1) }
#[test]
fn from_a_tuple() {
    let (server, _) = setup();
    server.mock(|when, then| { when.path("/a"); then.status(200); });
}
"#,
            ),
        ],
        &["tests/api.rs:7 api::from_a_tuple boundary-stub wire:MockServer http.* wire"],
    );
}

#[test]
fn legacy_and_data_listed_route_paths_are_sites() {
    check(
        &[
            ("src/lib.rs", CLIENT),
            (
                "tests/api.rs",
                r#"
use mocktail::prelude::*;
#[test]
fn legacy_mockito() { let _m = mockito::mock("GET", "/").create(); }
#[test]
fn httptest_expectation() {
    let server = httptest::Server::run();
    server.expect(httptest::Expectation::matching(httptest::matchers::request::method_path("GET", "/")).respond_with(httptest::responders::status_code(200)));
}
#[test]
fn mocktail_set() {
    let mut mocks = MockSet::new();
    mocks.mock(|when, then| { when.get(); then.text("ok"); });
}
"#,
            ),
        ],
        &[
            "tests/api.rs:4 api::legacy_mockito boundary-stub wire:Server http.* wire",
            "tests/api.rs:8 api::httptest_expectation boundary-stub wire:Server http.* wire",
            "tests/api.rs:13 api::mocktail_set boundary-stub wire:MockServer http.* wire",
        ],
    );
}

#[test]
fn a_library_stub_transport_is_a_boundary_double() {
    check(
        &[
            ("src/lib.rs", CLIENT),
            (
                "tests/mail.rs",
                r#"
use lettre::transport::stub::AsyncStubTransport;
#[tokio::test]
async fn sends() {
    let transport = AsyncStubTransport::new_ok();
    let _ = transport;
}
"#,
            ),
        ],
        &["tests/mail.rs:5 mail::sends boundary-stub wire:AsyncStubTransport http.* wire"],
    );
}

#[test]
fn a_hand_written_test_server_is_a_boundary_double() {
    check(
        &[
            ("src/lib.rs", CLIENT),
            (
                "tests/api.rs",
                r#"
use std::io::Write;
use std::net::TcpListener;
fn serve_once(body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = write!(stream, "HTTP/1.1 200 OK\r\n\r\n{body}");
    });
    addr
}
#[test]
fn against_a_hand_written_server() {
    let client = demo::Client { base: serve_once("ok") };
    let _ = client.get("/");
}
#[test]
fn binds_and_answers_itself() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = demo::Client { base: listener.local_addr().unwrap().to_string() };
    std::thread::spawn(move || { let _ = listener.accept(); });
    let _ = client.get("/");
}
"#,
            ),
        ],
        &[
            "tests/api.rs:15 api::against_a_hand_written_server boundary-stub wire:serve_once http.* wire",
            "tests/api.rs:20 api::binds_and_answers_itself boundary-stub wire:binds_and_answers_itself http.* wire",
        ],
    );
}

#[test]
fn a_test_that_hands_its_listener_to_the_application_runs_the_real_server() {
    check(
        &[
            (
                "src/lib.rs",
                r#"
pub fn serve(listener: std::net::TcpListener) { for stream in listener.incoming() { let _ = stream; } }
"#,
            ),
            (
                "tests/app.rs",
                r#"
fn spawn_app() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || demo::serve(listener));
    addr
}
#[test]
fn app_answers() { let _ = spawn_app(); }
"#,
            ),
        ],
        &[],
    );
}
