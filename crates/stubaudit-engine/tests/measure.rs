//! The engine on small single-file crates, without the CLI or `cargo
//! metadata`: each case is a `check(source, expected)` where `expected`
//! lists one line per stub site (code, height, target, hidden fns) or
//! diagnostic-free facts. Cases are the shapes real workspaces showed.

mod common;

use common::{audit_report, stub_lines};

/// Audits `source` as the `src/lib.rs` of crate `demo`, one line per stub.
fn audit_lines(source: &str) -> Vec<String> {
    stub_lines(&audit_report(source, false))
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

/// Each stub as `code status hN Target.method [m=status/hN, …] | help`,
/// then one line per lower stub point: the verdict in full.
fn verdict_lines(source: &str, publishable: bool) -> Vec<String> {
    let report = audit_report(source, publishable);
    let mut lines = Vec::new();
    for stub in &report.stubs {
        let height = |height: Option<u32>| height.map_or("-".to_string(), |h| h.to_string());
        let status = |status| {
            serde_json::to_value(status)
                .ok()
                .and_then(|value| value.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let methods: Vec<String> = stub
            .methods
            .iter()
            .map(|m| format!("{}={}/h{}", m.method, status(m.status), height(m.height)))
            .collect();
        lines.push(format!(
            "{} {} h{} {}.{} [{}] | {}",
            stub.code,
            status(stub.status),
            height(stub.height),
            stub.target.path.rsplit("::").next().unwrap_or(""),
            stub.target.method.as_deref().unwrap_or("*"),
            methods.join(", "),
            stub.help
        ));
    }
    lines
}

fn check_verdict(source: &str, publishable: bool, expected: &[&str]) {
    let lines = verdict_lines(source, publishable);
    assert_eq!(lines, expected, "\nsource:\n{source}");
}

// Issue 9, shape 3: a hand-written fake stands for each method it writes.
#[test]
fn a_fake_writing_a_method_whose_production_body_is_unimplemented_is_a_phantom_of_that_method() {
    check_verdict(
        r#"
pub trait Directory {
    fn lookup(&self, name: &str) -> std::io::Result<String>;
    fn resync(&self) -> std::io::Result<()>;
}
pub struct LdapDirectory { pub addr: String }
impl Directory for LdapDirectory {
    fn lookup(&self, name: &str) -> std::io::Result<String> {
        let _ = std::net::TcpStream::connect(&self.addr)?;
        Ok(name.to_string())
    }
    fn resync(&self) -> std::io::Result<()> { unimplemented!("resync") }
}
pub fn greet(directory: &dyn Directory, name: &str) -> String {
    directory.resync().ok();
    directory.lookup(name).unwrap_or_default()
}
#[cfg(test)]
mod tests {
    use super::*;
    struct FakeDirectory;
    impl Directory for FakeDirectory {
        fn lookup(&self, name: &str) -> std::io::Result<String> { Ok(name.to_string()) }
        fn resync(&self) -> std::io::Result<()> { Ok(()) }
    }
    #[test]
    fn t() { assert_eq!(greet(&FakeDirectory, "ada"), "ada"); }
}
"#,
        false,
        &["phantom-stub phantom h- Directory.* [lookup=io/h0, resync=phantom/h-] | `Directory::resync` is never written: write it, then test it through its boundary"],
    );
}

#[test]
fn a_fake_writing_a_method_that_only_a_todo_default_implements_is_a_phantom_of_that_method() {
    check_verdict(
        r#"
pub trait Cache {
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    fn purge(&self) { todo!("purge the cache") }
}
pub struct DiskCache;
impl Cache for DiskCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> { std::fs::read(key).ok() }
}
pub fn warm(cache: &dyn Cache) -> usize { cache.purge(); cache.get("k").map_or(0, |v| v.len()) }
#[cfg(test)]
mod tests {
    use super::*;
    struct FakeCache;
    impl Cache for FakeCache {
        fn get(&self, _: &str) -> Option<Vec<u8>> { None }
        fn purge(&self) {}
    }
    struct ReadOnlyCache;
    impl Cache for ReadOnlyCache {
        fn get(&self, _: &str) -> Option<Vec<u8>> { Some(vec![1]) }
    }
    #[test]
    fn t() { assert_eq!(warm(&FakeCache), 0); }
    #[test]
    fn u() { let _ = ReadOnlyCache.get("k"); }
}
"#,
        false,
        // `ReadOnlyCache` leaves `purge` alone: the real default runs, and
        // the fake stands for `get` only.
        &[
            "phantom-stub phantom h- Cache.* [get=io/h0, purge=phantom/h-] | `Cache::purge` is never written: write it, then test it through its boundary",
            "boundary-stub io h0 Cache.* [get=io/h0] | stubbed at the I/O boundary: the code above it runs under test",
        ],
    );
}

#[test]
fn a_fake_of_a_trait_no_production_code_implements_names_the_trait() {
    check_verdict(
        r#"
pub trait Notifier { fn notify(&self, who: &str); fn flush(&self); }
pub fn welcome(notifier: &dyn Notifier) { notifier.notify("ada"); notifier.flush(); }
#[cfg(test)]
mod tests {
    use super::*;
    struct FakeNotifier;
    impl Notifier for FakeNotifier { fn notify(&self, _: &str) {} fn flush(&self) {} }
    #[test]
    fn t() { welcome(&FakeNotifier); }
}
"#,
        false,
        &["phantom-stub phantom h- Notifier.* [flush=phantom/h-, notify=phantom/h-] | no production code implements `Notifier`: the double is its only implementation"],
    );
}

// Issue 9, shape 4: every type form implements.
#[test]
fn tuples_arrays_fn_pointers_and_blanket_impls_are_implementations() {
    check_verdict(
        r#"
pub trait Sink { fn put(&self, line: &str) -> std::io::Result<()>; }
impl Sink for (std::path::PathBuf, u8) {
    fn put(&self, line: &str) -> std::io::Result<()> { std::fs::write(&self.0, line) }
}
impl<T: Sink + ?Sized> Sink for &T {
    fn put(&self, line: &str) -> std::io::Result<()> { (**self).put(line) }
}
pub trait Source { fn next_line(&self) -> String; }
impl Source for [String; 2] {
    fn next_line(&self) -> String { self[0].clone() }
}
pub trait Hook { fn call(&self, event: &str) -> bool; }
impl Hook for fn(&str) -> bool {
    fn call(&self, event: &str) -> bool { self(event) }
}
pub trait Label { fn label(&self) -> String; }
impl<T: std::fmt::Display> Label for T {
    fn label(&self) -> String { std::fs::read_to_string(self.to_string()).unwrap_or_default() }
}
pub fn run(sink: &dyn Sink, source: &dyn Source, hook: &dyn Hook, label: &dyn Label) {
    if hook.call("run") { let _ = sink.put(&format!("{}{}", source.next_line(), label.label())); }
}
#[cfg(test)]
mod tests {
    use super::*;
    struct FakeSink;
    impl Sink for FakeSink { fn put(&self, _: &str) -> std::io::Result<()> { Ok(()) } }
    struct FakeSource;
    impl Source for FakeSource { fn next_line(&self) -> String { String::new() } }
    struct FakeHook;
    impl Hook for FakeHook { fn call(&self, _: &str) -> bool { true } }
    struct FakeLabel;
    impl Label for FakeLabel { fn label(&self) -> String { String::new() } }
    #[test]
    fn t() { run(&FakeSink, &FakeSource, &FakeHook, &FakeLabel); }
}
"#,
        false,
        // The forwarding `impl Sink for &T` is no implementation of its own.
        &[
            "boundary-stub io h0 Sink.* [put=io/h0] | stubbed at the I/O boundary: the code above it runs under test",
            "pure-stub pure h- Source.* [next_line=pure/h-] | `Source` reaches no I/O: run the real implementation instead",
            "pure-stub pure h- Hook.* [call=pure/h-] | `Hook` reaches no I/O: run the real implementation instead",
            "boundary-stub io h0 Label.* [label=io/h0] | stubbed at the I/O boundary: the code above it runs under test",
        ],
    );
}

/// A library's public extension trait, with no implementation inside the
/// workspace, next to a trait of a private module and one whose only
/// implementation is `todo!()`.
const EXTENSION_API: &str = r#"
pub trait Exporter { fn export(&self, rows: &[String]) -> String; }
pub trait Importer { fn import(&self) -> Vec<String>; }
pub struct CsvImporter;
impl Importer for CsvImporter { fn import(&self) -> Vec<String> { todo!("csv import") } }
mod internal {
    pub trait Formatter { fn format(&self, row: &str) -> String; }
}
pub use internal::Formatter as RowFormatter;
mod hidden {
    pub trait Audit { fn audit(&self, row: &str); }
}
pub fn report(exporter: &dyn Exporter, importer: &dyn Importer, formatter: &dyn RowFormatter, audit: &dyn hidden::Audit) -> String {
    let rows: Vec<String> = importer.import().iter().map(|row| formatter.format(row)).collect();
    rows.iter().for_each(|row| audit.audit(row));
    exporter.export(&rows)
}
#[cfg(test)]
mod tests {
    use super::*;
    struct FakeExporter;
    impl Exporter for FakeExporter { fn export(&self, rows: &[String]) -> String { rows.join(",") } }
    struct FakeImporter;
    impl Importer for FakeImporter { fn import(&self) -> Vec<String> { vec![] } }
    struct FakeFormatter;
    impl RowFormatter for FakeFormatter { fn format(&self, row: &str) -> String { row.to_string() } }
    struct FakeAudit;
    impl hidden::Audit for FakeAudit { fn audit(&self, _: &str) {} }
    #[test]
    fn t() { report(&FakeExporter, &FakeImporter, &FakeFormatter, &FakeAudit); }
}
"#;

#[test]
fn a_public_trait_of_a_published_library_with_no_implementation_is_external() {
    check_verdict(
        EXTENSION_API,
        true,
        // `Formatter` is re-exported by a `pub use`; `Audit` is reachable
        // from nowhere outside: nobody else can implement it.
        &[
            "boundary-stub external h- Exporter.* [export=external/h-] | `Exporter` is a public trait of a published library, meant for implementations outside the workspace: not measured",
            "phantom-stub phantom h- Importer.* [import=phantom/h-] | `Importer::import` is never written: write it, then test it through its boundary",
            "boundary-stub external h- Formatter.* [format=external/h-] | `Formatter` is a public trait of a published library, meant for implementations outside the workspace: not measured",
            "phantom-stub phantom h- Audit.* [audit=phantom/h-] | no production code implements `Audit`: the double is its only implementation",
        ],
    );
}

#[test]
fn the_same_traits_in_an_unpublished_package_are_phantoms() {
    check_verdict(
        EXTENSION_API,
        false,
        &[
            "phantom-stub phantom h- Exporter.* [export=phantom/h-] | no production code implements `Exporter`: the double is its only implementation",
            "phantom-stub phantom h- Importer.* [import=phantom/h-] | `Importer::import` is never written: write it, then test it through its boundary",
            "phantom-stub phantom h- Formatter.* [format=phantom/h-] | no production code implements `Formatter`: the double is its only implementation",
            "phantom-stub phantom h- Audit.* [audit=phantom/h-] | no production code implements `Audit`: the double is its only implementation",
        ],
    );
}

/// A `Command` trait with `count` implementations, an `eval` calling it
/// through `dyn`, and a test handing it a hand-written fake.
fn plugin_source(count: usize) -> String {
    let mut source = String::from("pub trait Command { fn run(&self, input: &str) -> String; }\n");
    for n in 0..count {
        source.push_str(&format!(
            "pub struct Cmd{n};\nimpl Command for Cmd{n} {{ fn run(&self, input: &str) -> String {{ format!(\"{n}{{input}}\") }} }}\n"
        ));
    }
    source.push_str(
        r#"pub fn eval(command: &dyn Command, input: &str) -> String { command.run(input.trim()) }
#[cfg(test)]
mod tests {
    use super::*;
    struct EchoCommand;
    impl Command for EchoCommand { fn run(&self, input: &str) -> String { input.to_string() } }
    #[test]
    fn t() { assert_eq!(eval(&EchoCommand, "x"), "x"); }
}
"#,
    );
    source
}

// Issue 9, shape 5: a fake of a plugin trait is a test input.
#[test]
fn a_fake_of_a_trait_with_very_many_implementations_is_a_test_input() {
    let source = plugin_source(21);
    check_verdict(
        &source,
        false,
        &["boundary-stub plugin h- Command.* [run=pure/h-] | `Command` has 21 implementations: a plugin interface, so the double is a test input, not one hidden collaborator (their lines are not counted)"],
    );
    let report = audit_report(&source, false);
    let stub = &report.stubs[0];
    assert_eq!(stub.hidden.lines, 0);
    assert_eq!(
        (stub.implementations.len(), stub.implementations_omitted),
        (stubaudit_engine::measure::PLUGIN_SHOWN_IMPLEMENTATIONS, 11)
    );
}

#[test]
fn twenty_implementations_are_still_measured_one_by_one() {
    let report = audit_report(&plugin_source(20), false);
    let stub = &report.stubs[0];
    assert_eq!(
        (
            stub.code.as_str(),
            stub.implementations.len(),
            stub.hidden.ranges.len()
        ),
        ("pure-stub", 20, 20)
    );
}

// Issue 11, item 7: a high stub names every boundary below it.
#[test]
fn a_high_stub_names_every_boundary_below_it() {
    check_verdict(
        r#"
pub trait Notifier { fn notify(&self, who: &str) -> std::io::Result<()>; }
pub struct SmtpNotifier;
impl Notifier for SmtpNotifier {
    fn notify(&self, who: &str) -> std::io::Result<()> { std::net::TcpStream::connect(who).map(|_| ()) }
}
pub trait Store { fn save(&self, who: &str) -> std::io::Result<()>; }
pub struct FileStore;
impl Store for FileStore {
    fn save(&self, who: &str) -> std::io::Result<()> { std::fs::write("users", who) }
}
pub struct Audit;
impl Audit {
    pub fn record(&self, who: &str) -> std::io::Result<()> { std::fs::write("audit", who) }
}
#[cfg_attr(test, mockall::automock)]
pub trait Signup { fn register(&self, who: &str) -> std::io::Result<()>; }
pub struct Service<N: Notifier, S: Store> { notifier: N, store: S, audit: Audit }
impl<N: Notifier, S: Store> Signup for Service<N, S> {
    fn register(&self, who: &str) -> std::io::Result<()> {
        let who = who.trim().to_lowercase();
        self.store.save(&who)?;
        self.audit.record(&who)?;
        self.notifier.notify(&who)
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut signup = MockSignup::new(); signup.expect_register().returning(|_| Ok(())); }
}
"#,
        false,
        &["high-stub io h1 Signup.register [] | stub `Audit::record`, `Notifier::notify` and `Store::save` instead (every boundary below): 6 more lines run under test"],
    );
}

// Truth rule: an unresolved receiver is unknown, never evidence of purity.
#[test]
fn an_implementation_whose_calls_are_not_resolved_is_unknown_not_pure() {
    check_verdict(
        r#"
pub struct Disk;
impl Disk {
    pub fn load(&self) -> String { std::fs::read_to_string("state").unwrap_or_default() }
}
#[cfg_attr(test, mockall::automock)]
pub trait Reader { fn read(&self) -> String; }
pub struct Lazy;
impl Reader for Lazy {
    fn read(&self) -> String { other_crate::disk().load() }
}
#[cfg_attr(test, mockall::automock)]
pub trait Shout { fn shout(&self, text: &str) -> String; }
pub struct Upper;
impl Shout for Upper {
    fn shout(&self, text: &str) -> String { text.to_uppercase() }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() {
        let mut reader = MockReader::new();
        reader.expect_read().returning(String::new);
        let mut shout = MockShout::new();
        shout.expect_shout().returning(|text| text.to_string());
    }
}
"#,
        false,
        &[
            "boundary-stub unknown h- Reader.read [] | `Reader::read` reaches no I/O the audit can follow, but makes calls it could not resolve (listed with -v): not measured",
            "pure-stub pure h- Shout.shout [] | `Shout::shout` reaches no I/O: run the real implementation instead",
        ],
    );
}

#[test]
fn a_mock_of_the_async_database_boundary_is_a_boundary_stub() {
    check(
        r#"
pub struct Users<D: stubaudit::db::AsyncDatabase> { db: D }
impl<D: stubaudit::db::AsyncDatabase> Users<D> {
    pub async fn count(&self) -> usize { self.db.query("SELECT 1", &[]).await.map(|rows| rows.len()).unwrap_or(0) }
}
#[cfg(test)]
mod tests {
    use stubaudit::db::MockAsyncDatabase;
    #[test]
    fn t() { let mut db = MockAsyncDatabase::new(); db.expect_query().returning(|_, _| Box::pin(async { Ok(Vec::new()) })); }
}
"#,
        &["boundary-stub h0 AsyncDatabase.query: "],
    );
}

#[test]
fn a_db_stub_names_the_methods_its_routes_answer() {
    check(
        r#"
pub struct Users<D: stubaudit::db::Database> { db: D }
impl<D: stubaudit::db::Database> Users<D> {
    pub fn count(&self) -> usize { self.db.query("SELECT 1", &[]).map(|rows| rows.len()).unwrap_or(0) }
    pub fn add(&self) -> u64 { self.db.execute("INSERT INTO users DEFAULT VALUES", &[]).unwrap_or(0) }
}
#[cfg(test)]
mod tests {
    use stubaudit::db::{statement, DbStub};
    #[test]
    fn counts() { let db = DbStub::new().on(statement("SELECT 1")).returns(Vec::new()).once(); }
    #[test]
    fn adds() { let db = DbStub::new().on(statement("INSERT INTO users DEFAULT VALUES")).affects(1).once(); }
}
"#,
        &[
            "boundary-stub h0 Database.query: ",
            "boundary-stub h0 Database.execute: ",
        ],
    );
}
