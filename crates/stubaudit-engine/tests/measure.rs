//! The engine on small single-file crates, without the CLI or `cargo
//! metadata`: each case is a `check(source, expected)` where `expected`
//! lists one line per stub site (code, height, target, hidden fns) or
//! diagnostic-free facts. Cases are the shapes real workspaces showed.

use std::path::PathBuf;
use stubaudit_engine::load::{Package, Target, TargetRole, Workspace};
use stubaudit_engine::{audit, AuditOptions};

/// Audits `source` as the `src/lib.rs` of crate `demo` and renders each stub
/// as `code height target.method <- test: hidden fns`.
fn audit_lines(source: &str) -> Vec<String> {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("tempdir: {error}"),
    };
    let root = dir.path().to_path_buf();
    let lib = root.join("src/lib.rs");
    if let Err(error) =
        std::fs::create_dir_all(root.join("src")).and_then(|()| std::fs::write(&lib, source))
    {
        panic!("write: {error}");
    }
    let workspace = Workspace {
        root: root.clone(),
        packages: vec![Package {
            name: "demo".to_string(),
            dir: root.clone(),
            targets: vec![Target {
                crate_name: "demo".to_string(),
                role: TargetRole::Lib,
                root: PathBuf::from(&lib),
            }],
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
            let height = stub.height.map_or("-".to_string(), |h| h.to_string());
            let method = stub.target.method.as_deref().unwrap_or("*");
            let target = stub.target.path.rsplit("::").next().unwrap_or("");
            let hidden: Vec<&str> = stub
                .hidden
                .ranges
                .iter()
                .map(|range| range.fn_name.as_str())
                .collect();
            format!(
                "{} h{height} {target}.{method}: {}",
                stub.code,
                hidden.join(", ")
            )
        })
        .collect()
}

fn check(source: &str, expected: &[&str]) {
    let lines = audit_lines(source);
    assert_eq!(lines, expected, "\nsource:\n{source}");
}

#[test]
fn builder_chain_on_a_first_party_type_reaches_its_io() {
    check(
        r#"
pub struct Cli { args: Vec<String> }
impl Cli {
    pub fn new(program: &str) -> Self { Cli { args: vec![program.to_string()] } }
    pub fn arg(&mut self, arg: &str) -> &mut Self { self.args.push(arg.to_string()); self }
    pub fn exec(&self) -> String {
        let out = std::process::Command::new(&self.args[0]).output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
    }
}
#[cfg_attr(test, mockall::automock)]
pub trait Runtime { fn version(&self) -> String; }
pub struct Podman;
impl Runtime for Podman {
    fn version(&self) -> String { Cli::new("podman").arg("--version").exec() }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut runtime = MockRuntime::new(); runtime.expect_version().returning(String::new); }
}
"#,
        &["high-stub h1 Runtime.version: Cli::exec, Podman::version"],
    );
}

#[test]
fn fields_of_fields_and_type_aliases_resolve() {
    check(
        r#"
pub type Conn = std::fs::File;
pub struct Deps { pub store: Store }
pub struct Store { pub conn: Conn }
impl Store {
    pub fn load(&self) -> u64 { self.conn.metadata().map(|m| m.len()).unwrap_or(0) }
}
#[cfg_attr(test, mockall::automock)]
pub trait Sizes { fn size(&self) -> u64; }
pub struct Service { deps: Deps }
impl Sizes for Service {
    fn size(&self) -> u64 { self.deps.store.load() * 2 }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut sizes = MockSizes::new(); sizes.expect_size().returning(|| 1); }
}
"#,
        &["high-stub h1 Sizes.size: Store::load, Service::size"],
    );
}

#[test]
fn a_closure_parameter_shadows_an_earlier_binding() {
    check(
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Clock { fn now(&self) -> u64; }
#[cfg_attr(test, mockall::automock)]
pub trait Mailer { fn send(&self, to: &str); }
pub struct SystemClock;
impl Clock for SystemClock {
    fn now(&self) -> u64 { std::time::SystemTime::now().elapsed().map(|d| d.as_secs()).unwrap_or(0) }
}
#[cfg(test)]
mod tests {
    use super::*;
    fn configure(mock: &mut MockMailer, f: impl FnOnce(&mut MockMailer)) { f(mock) }
    #[test]
    fn t() {
        let mock = MockClock::new();
        let mut mailer = MockMailer::new();
        configure(&mut mailer, |mock| { mock.expect_send().return_const(()); });
        let _ = mock;
    }
}
"#,
        // The clock counts as I/O: `SystemClock::now` is an adapter.
        &[
            "boundary-stub h0 Clock.*: SystemClock::now",
            "phantom-stub h- Mailer.send: ",
        ],
    );
}

#[test]
fn expectations_on_side_traits_are_no_stub_sites() {
    check(
        r#"
pub struct Authorizer;
impl Authorizer {
    pub fn authorize(&self, who: &str) -> bool { std::fs::metadata(who).is_ok() }
}
#[cfg(test)]
mod tests {
    mockall::mock! {
        pub Authorizer {
            pub fn authorize(&self, who: &str) -> bool;
        }
        impl PartialEq for Authorizer {
            fn eq(&self, other: &Self) -> bool;
        }
    }
    #[test]
    fn t() {
        let mut auth = MockAuthorizer::new();
        auth.expect_authorize().return_const(true);
        auth.expect_eq().return_const(true);
    }
}
"#,
        &["boundary-stub h0 Authorizer.authorize: Authorizer::authorize"],
    );
}

#[test]
fn a_trait_only_a_macro_implements_is_not_phantom() {
    check(
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Exporter { fn export(&self) -> String; }
build_exporter!(Exporter, "prometheus");
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut e = MockExporter::new(); e.expect_export().returning(String::new); }
}
"#,
        &["boundary-stub h- Exporter.export: "],
    );
}

#[test]
fn test_types_implementing_non_seam_traits_are_no_fakes() {
    check(
        r#"
pub trait Codec { fn encode(&self) -> Vec<u8>; }
pub trait Marker {}
pub trait Store { fn save(&self, bytes: &[u8]); }
pub struct FileStore;
impl Store for FileStore { fn save(&self, bytes: &[u8]) { let _ = std::fs::write("x", bytes); } }
pub fn persist(store: &dyn Store, value: &dyn Codec) { store.save(&value.encode()) }
#[cfg(test)]
mod tests {
    use super::*;
    struct Payload;
    impl Codec for Payload { fn encode(&self) -> Vec<u8> { vec![1] } }
    impl Marker for Payload {}
    struct MemoryStore;
    impl Store for MemoryStore { fn save(&self, _: &[u8]) {} }
    #[test]
    fn t() { persist(&MemoryStore, &Payload); }
}
"#,
        // `Marker` is no seam: no site. `Codec` is one (`&dyn Codec`) with
        // no production impl: the test's `Payload` is its only implementation.
        &[
            "boundary-stub h0 Store.*: FileStore::save",
            "phantom-stub h- Codec.*: ",
        ],
    );
}

#[test]
fn values_of_io_crates_are_no_io() {
    check(
        r#"
pub fn query_value() -> rusqlite::types::Value { rusqlite::types::Value::Integer(1) }
#[cfg_attr(test, mockall::automock)]
pub trait Query { fn value(&self) -> i64; }
pub struct Builder;
impl Query for Builder {
    fn value(&self) -> i64 { let _ = query_value(); 1 }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut q = MockQuery::new(); q.expect_value().return_const(1); }
}
"#,
        &["pure-stub h- Query.value: query_value, Builder::value"],
    );
}

#[test]
fn extension_traits_deref_supertraits_and_clones_resolve() {
    check(
        r#"
pub trait ConnExt { fn count(&self) -> usize; }
impl ConnExt for std::fs::File {
    fn count(&self) -> usize { self.metadata().map(|m| m.len() as usize).unwrap_or(0) }
}
pub struct Pooled { file: std::fs::File }
impl std::ops::Deref for Pooled {
    type Target = std::fs::File;
    fn deref(&self) -> &std::fs::File { &self.file }
}
pub trait Named { fn name(&self) -> String; }
pub trait Runtime: Named { fn run(&self); }
pub struct Docker;
impl Named for Docker { fn name(&self) -> String { std::fs::read_to_string("name").unwrap_or_default() } }
impl Runtime for Docker { fn run(&self) {} }
#[cfg_attr(test, mockall::automock)]
pub trait Repo { fn size(&self) -> usize; fn label(&self) -> String; }
#[derive(Clone)]
pub struct Sql { pool: std::sync::Arc<Pooled>, runtime: Box<dyn Runtime> }
impl Repo for Sql {
    fn size(&self) -> usize { let this = self.clone(); this.pool.count() }
    fn label(&self) -> String { self.runtime.name() }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() {
        let mut repo = MockRepo::new();
        repo.expect_size().return_const(1usize);
        repo.expect_label().returning(String::new);
    }
}
"#,
        &[
            "boundary-stub h0 Repo.size: File::count, Sql::size",
            "high-stub h1 Repo.label: Docker::name, Sql::label",
        ],
    );
}

#[test]
fn the_clock_alone_is_an_adapter_but_does_not_shorten_a_layer() {
    check(
        r#"
pub trait Store { fn save(&self, at: u64); }
pub struct FileStore;
impl Store for FileStore { fn save(&self, at: u64) { let _ = std::fs::write("t", at.to_string()); } }
#[cfg_attr(test, mockall::automock)]
pub trait Certifier { fn certify(&self); }
pub struct Service<S: Store> { store: S }
impl<S: Store> Certifier for Service<S> {
    fn certify(&self) {
        let now = std::time::SystemTime::now();
        self.store.save(now.elapsed().map(|d| d.as_secs()).unwrap_or(0));
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut c = MockCertifier::new(); c.expect_certify().return_const(()); }
}
"#,
        &["high-stub h1 Certifier.certify: FileStore::save, Service::certify"],
    );
}

#[test]
fn a_qualified_call_on_self_runs_this_types_impl_of_that_trait() {
    check(
        r#"
pub trait Uploader {
    fn upload_once(&self, p: &str) -> bool;
    fn upload(&self, p: &str) -> bool { (0..3).any(|_| self.upload_once(p)) }
}
#[cfg_attr(test, mockall::automock)]
pub trait Archive { fn upload(&self, p: &str) -> bool; }
pub struct Local;
impl Uploader for Local {
    fn upload_once(&self, p: &str) -> bool { std::fs::copy(p, "/tmp/x").is_ok() }
}
impl Archive for Local {
    fn upload(&self, p: &str) -> bool { Uploader::upload(self, p) }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut a = MockArchive::new(); a.expect_upload().return_const(true); }
}
"#,
        &["boundary-stub h0 Archive.upload: Uploader::upload, Local::upload_once, Local::upload"],
    );
}

#[test]
fn a_generic_guard_that_derefs_to_its_parameter_is_seen_through() {
    check(
        r#"
pub struct Pooled<'a, T> { item: &'a T }
impl<T> std::ops::Deref for Pooled<'_, T> {
    type Target = T;
    fn deref(&self) -> &T { self.item }
}
pub struct Conn { file: std::fs::File }
impl Conn {
    pub fn size(&self) -> u64 { self.file.metadata().map(|m| m.len()).unwrap_or(0) }
}
pub struct Pool { conn: Conn }
impl Pool {
    pub fn connection(&self) -> std::io::Result<Pooled<'_, Conn>> { Ok(Pooled { item: &self.conn }) }
}
#[cfg_attr(test, mockall::automock)]
pub trait Repo { fn size(&self) -> u64; }
pub struct SqlRepo { pool: Pool }
impl Repo for SqlRepo {
    fn size(&self) -> u64 { self.pool.connection().map(|c| c.size()).unwrap_or(0) + self.pool.connection().unwrap().size() }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut r = MockRepo::new(); r.expect_size().return_const(1u64); }
}
"#,
        &["high-stub h1 Repo.size: Conn::size, SqlRepo::size"],
    );
}
