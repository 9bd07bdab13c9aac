//! What a call reaches, on small single-file crates audited without the
//! CLI or `cargo metadata`: generic bounds wherever Rust writes them,
//! handles of I/O crates, receivers through wrappers, names from external
//! globs. Each case is `check(source, expected)`, one line per stub site:
//! `code hHEIGHT Target.method: hidden fns`.

mod common;

use common::{audit_report, stub_lines, workspace};

/// Audits `source` as the `src/lib.rs` of crate `demo`, one line per stub.
fn audit_lines(source: &str) -> Vec<String> {
    stub_lines(&audit_report(source, false))
}

fn check(source: &str, expected: &[&str]) {
    let lines = audit_lines(source);
    assert_eq!(lines, expected, "\nsource:\n{source}");
}

/// The I/O layer every generic case below reaches: a trait over a socket.
const HTTP: &str = r#"
pub trait Http { fn get(&self, url: &str) -> String; }
pub struct TcpHttp;
impl Http for TcpHttp {
    fn get(&self, url: &str) -> String {
        let _ = std::net::TcpStream::connect(url);
        String::new()
    }
}
"#;

/// A mock of `Sites` in a test module.
const MOCK_SITES: &str = r#"
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut sites = MockSites::new(); sites.expect_site().returning(|_| String::new()); }
}
"#;

#[test]
fn a_field_typed_by_the_structs_parameter_takes_the_impl_blocks_bound() {
    let source = format!(
        "{HTTP}{}{MOCK_SITES}",
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct HttpSites<H>(pub H);
impl<H: Http> Sites for HttpSites<H> {
    fn site(&self, key: &str) -> String { self.0.get(key).trim().to_string() }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Sites.site: TcpHttp::get, HttpSites::site"],
    );
}

#[test]
fn a_where_clause_on_the_impl_block_bounds_a_named_field() {
    let source = format!(
        "{HTTP}{}{MOCK_SITES}",
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct Api<C> { client: std::sync::Arc<C> }
impl<C> Sites for Api<C>
where
    C: Http + Send,
{
    fn site(&self, key: &str) -> String { self.client.get(key) }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Sites.site: TcpHttp::get, Api::site"],
    );
}

#[test]
fn a_bound_on_the_struct_itself_counts() {
    let source = format!(
        "{HTTP}{}{MOCK_SITES}",
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct Api<C: Http> { client: C }
impl<C: Http> Sites for Api<C> {
    fn site(&self, key: &str) -> String { self.client.get(key) }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Sites.site: TcpHttp::get, Api::site"],
    );
}

#[test]
fn a_generic_field_seen_from_another_type_takes_every_impl_blocks_bound() {
    let source = format!(
        "{HTTP}{}",
        r#"
pub struct HttpSites<H>(pub H);
impl<H: Http> HttpSites<H> {
    pub fn raw(&self) -> &H { &self.0 }
}
#[cfg_attr(test, mockall::automock)]
pub trait Links { fn link(&self, key: &str) -> String; }
pub struct Linker<S> { sites: S }
impl<S> Links for Linker<HttpSites<S>> where S: Http {
    fn link(&self, key: &str) -> String { self.sites.0.get(key) }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut links = MockLinks::new(); links.expect_link().returning(|_| String::new()); }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Links.link: TcpHttp::get, Linker::link"],
    );
}

#[test]
fn an_impl_block_where_clause_bounds_a_layer_above_a_layer() {
    let source = format!(
        "{HTTP}{}",
        r#"
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct HttpSites<H>(pub H);
impl<H: Http> Sites for HttpSites<H> {
    fn site(&self, key: &str) -> String { self.0.get(key) }
}
#[cfg_attr(test, mockall::automock)]
pub trait Links { fn link(&self, key: &str) -> String; }
pub struct Linker<S> { sites: S }
impl<S> Links for Linker<S> where S: Sites {
    fn link(&self, key: &str) -> String { format!("<{}>", self.sites.site(key)) }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut links = MockLinks::new(); links.expect_link().returning(|_| String::new()); }
}
"#
    );
    check(
        &source,
        &["high-stub h2 Links.link: TcpHttp::get, HttpSites::site, Linker::link"],
    );
}

#[test]
fn a_generic_parameters_static_method_is_a_seam() {
    let source = format!(
        "{}{MOCK_SITES}",
        r#"
pub trait Connect { fn connect(addr: &str) -> bool; }
pub struct Tcp;
impl Connect for Tcp {
    fn connect(addr: &str) -> bool { std::net::TcpStream::connect(addr).is_ok() }
}
#[cfg_attr(test, mockall::automock)]
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct Probe<C>(std::marker::PhantomData<C>);
impl<C: Connect> Sites for Probe<C> {
    fn site(&self, key: &str) -> String { if C::connect(key) { "up".into() } else { "down".into() } }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Sites.site: Tcp::connect, Probe::site"],
    );
}

#[test]
fn an_associated_type_set_by_the_impl_is_its_type() {
    let source = format!(
        "{HTTP}{}{MOCK_SITES}",
        r#"
pub trait Backend { type Client: Http; fn client(&self) -> Self::Client; }
#[cfg_attr(test, mockall::automock)]
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct Live;
impl Backend for Live {
    type Client = TcpHttp;
    fn client(&self) -> Self::Client { TcpHttp }
}
impl Sites for Live {
    fn site(&self, key: &str) -> String { Self::Client::get(&TcpHttp, key) }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Sites.site: TcpHttp::get, Live::site"],
    );
}

#[test]
fn an_associated_type_of_a_bounded_parameter_is_its_traits_bound() {
    let source = format!(
        "{HTTP}{}{MOCK_SITES}",
        r#"
pub trait Backend { type Client: Http; fn client(&self) -> Self::Client; }
#[cfg_attr(test, mockall::automock)]
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct Service<B>(pub B);
impl<B: Backend> Sites for Service<B> {
    fn site(&self, key: &str) -> String {
        let client: B::Client = self.0.client();
        client.get(key)
    }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Sites.site: TcpHttp::get, Service::site"],
    );
}

#[test]
fn self_assoc_inside_a_trait_default_is_the_traits_bound() {
    let source = format!(
        "{HTTP}{}",
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Backend {
    type Client: Http;
    fn client(&self) -> Self::Client;
    fn fetch(&self, client: &Self::Client, url: &str) -> String { client.get(url) }
}
pub struct Live;
impl Backend for Live {
    type Client = TcpHttp;
    fn client(&self) -> TcpHttp { TcpHttp }
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut backend = MockBackend::new(); backend.expect_fetch().returning(|_, _| String::new()); }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Backend.fetch: TcpHttp::get, Backend::fetch"],
    );
}

/// A mock of `Users` in a test module.
const MOCK_USERS: &str = r#"
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut users = MockUsers::new(); users.expect_delete().returning(|_| ()); }
}
"#;

#[test]
fn a_handle_handed_to_a_method_a_derive_made_is_io() {
    let source = format!(
        "{}{MOCK_USERS}",
        r#"
pub mod model {
    #[derive(Clone, Debug, DeriveEntityModel)]
    pub struct User { pub id: i64 }
}
#[cfg_attr(test, mockall::automock)]
pub trait Users { fn delete(&self, id: i64); }
pub struct Repo { sql_pool: sea_orm::DatabaseConnection }
impl Users for Repo {
    fn delete(&self, id: i64) {
        let _ = model::User::delete_by_id(id).exec(&self.sql_pool);
    }
}
"#
    );
    check(&source, &["boundary-stub h0 Users.delete: Repo::delete"]);
}

#[test]
fn a_connection_handed_to_a_query_of_unknown_type_is_io() {
    let source = format!(
        "{}{MOCK_USERS}",
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Users { fn delete(&mut self, id: i64); }
pub struct Repo { conn: diesel::PgConnection }
impl Users for Repo {
    fn delete(&mut self, id: i64) {
        let _ = users.filter(user_id.eq(id)).first(&mut self.conn);
    }
}
"#
    );
    check(&source, &["boundary-stub h0 Users.delete: Repo::delete"]);
}

#[test]
fn a_handle_put_in_a_collection_or_given_to_own_code_is_no_io() {
    let source = format!(
        "{}{MOCK_USERS}",
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Users { fn delete(&self, id: i64); }
pub struct Pools { all: Vec<sqlx::PgPool> }
impl Pools {
    pub fn with(pool: sqlx::PgPool) -> Self { Pools { all: vec![pool] } }
}
impl Users for Pools {
    fn delete(&self, id: i64) {
        let mut all = Vec::new();
        all.push(self.all[0].clone());
        let _ = Pools::with(all.remove(0));
        let _ = serde_json::to_string(&id);
    }
}
"#
    );
    check(&source, &["pure-stub h- Users.delete: Pools::delete"]);
}

/// Per fn of `source`, by name, the graph's count of calls that landed
/// nowhere it can tell.
fn unresolved(source: &str) -> Vec<(String, u32)> {
    let (_dir, workspace) = workspace(source, false);
    let tree = stubaudit_engine::files::collect(&workspace, Some(1));
    let crate_names = std::collections::HashSet::from(["demo".to_string()]);
    let graph = stubaudit_engine::graph::Graph::build(
        tree.files,
        crate_names,
        stubaudit_engine::Catalog::default(),
    );
    (0..graph.indexed_fns)
        .map(|fn_id| (graph.fn_item(fn_id).name.clone(), graph.unresolved[fn_id]))
        .collect()
}

#[test]
fn the_graph_counts_calls_on_receivers_it_cannot_type() {
    let source = r#"
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct Opaque<H>(pub H);
impl<H> Opaque<H> {
    pub fn unknown(&self, key: &str) -> String { self.0.lookup_site(key) }
    pub fn known(&self, key: &str) -> String { key.trim().to_string() }
}
"#;
    assert_eq!(
        unresolved(source),
        [
            ("site".to_string(), 0),
            ("unknown".to_string(), 1),
            ("known".to_string(), 0)
        ]
    );
}

/// The bottom layer of the wrapper cases: a store that writes files.
const STORE: &str = r#"
pub trait Store { fn save(&self, bytes: &[u8]); }
pub struct FileStore;
impl Store for FileStore {
    fn save(&self, bytes: &[u8]) { let _ = std::fs::write("block", bytes); }
}
#[cfg_attr(test, mockall::automock)]
pub trait Saver { fn run(&mut self); }
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut saver = MockSaver::new(); saver.expect_run().returning(|| ()); }
}
"#;

#[test]
fn an_optional_boxed_trait_object_is_seen_through_take_unwrap_as_ref_and_as_mut() {
    for call in [
        "self.store.take().unwrap().save(b\"x\")",
        "self.store.as_ref().unwrap().save(b\"x\")",
        "self.store.as_mut().expect(\"store\").save(b\"x\")",
        "{ let store = self.store.as_deref().unwrap(); store.save(b\"x\") }",
    ] {
        let source = format!(
            "{STORE}
pub struct Job {{ store: Option<Box<dyn Store>> }}
impl Saver for Job {{ fn run(&mut self) {{ {call}; }} }}
"
        );
        check(
            &source,
            &["high-stub h1 Saver.run: FileStore::save, Job::run"],
        );
    }
}

#[test]
fn a_shared_locked_trait_object_is_seen_through_its_guard() {
    for (field, call) in [
        (
            "std::sync::Arc<std::sync::Mutex<dyn Store>>",
            "self.store.lock().unwrap().save(b\"x\")",
        ),
        (
            "std::sync::Arc<std::sync::RwLock<Box<dyn Store>>>",
            "{ let guard = self.store.write().unwrap(); guard.save(b\"x\") }",
        ),
        (
            "std::rc::Rc<std::cell::RefCell<FileStore>>",
            "self.store.borrow_mut().save(b\"x\")",
        ),
        (
            "std::sync::Weak<FileStore>",
            "self.store.upgrade().unwrap().save(b\"x\")",
        ),
    ] {
        let source = format!(
            "{STORE}
pub struct Job {{ store: {field} }}
impl Saver for Job {{ fn run(&mut self) {{ {call}; }} }}
"
        );
        check(
            &source,
            &["high-stub h1 Saver.run: FileStore::save, Job::run"],
        );
    }
}

#[test]
fn every_first_party_type_on_the_way_down_through_wrappers_and_maps_is_a_layer() {
    let source = format!(
        "{STORE}{}",
        r#"
pub struct Entry { store: std::sync::Arc<dyn Store> }
impl Entry {
    pub fn write(&self, bytes: &[u8]) { self.store.save(bytes) }
}
pub struct Bucket { entries: std::collections::HashMap<String, std::sync::Arc<std::sync::RwLock<Entry>>> }
impl Bucket {
    pub fn put(&self, key: &str, bytes: &[u8]) {
        if let Some(entry) = self.entries.get(key) {
            entry.read().unwrap().write(bytes);
        }
        self.entries.get(key).unwrap().read().unwrap().write(bytes);
    }
}
pub struct Action { bucket: std::sync::Arc<tokio::sync::RwLock<Bucket>> }
impl Saver for Action {
    fn run(&mut self) { self.bucket.blocking_read().put("k", b"x") }
}
"#
    );
    check(
        &source,
        &["high-stub h3 Saver.run: FileStore::save, Entry::write, Bucket::put, Action::run"],
    );
}

#[test]
fn a_name_nothing_explains_is_io_through_an_external_glob() {
    let source = format!(
        "{STORE}{}",
        r#"
pub mod disk {
    use std::fs::*;
    pub struct Disk;
    impl super::Saver for Disk {
        fn run(&mut self) { let _ = write("block", b"x"); }
    }
}
"#
    );
    check(&source, &["boundary-stub h0 Saver.run: Disk::run"]);
}

#[test]
fn a_type_nothing_explains_is_an_io_handle_through_an_external_glob() {
    let source = format!(
        "{}{MOCK_USERS}",
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Users { fn delete(&self, id: i64); }
pub mod pool {
    use sqlx::postgres::*;
    pub struct Repo { pub pool: PgPool }
    impl super::Users for Repo {
        fn delete(&self, _: i64) { self.pool.close(); }
    }
}
"#
    );
    check(&source, &["boundary-stub h0 Users.delete: Repo::delete"]);
}

#[test]
fn prelude_names_never_come_from_an_external_glob() {
    let source = format!(
        "{STORE}{}",
        r#"
pub mod pure {
    use sqlx::postgres::*;
    pub struct Formatter { pub parts: Vec<String> }
    impl super::Saver for Formatter {
        fn run(&mut self) {
            let mut line = String::new();
            line.push_str("x");
            self.parts.push(line.to_uppercase());
            let _: Option<u8> = Some(1).map(|n| n + 1);
        }
    }
}
"#
    );
    check(&source, &["pure-stub h- Saver.run: Formatter::run"]);
}

#[test]
fn a_handle_handed_to_insert_on_a_model_a_derive_made_is_io() {
    let source = format!(
        "{}{MOCK_USERS}",
        r#"
pub mod entity {
    #[derive(Clone, Debug, DeriveEntityModel)]
    pub struct Model { pub id: i64 }
}
#[cfg_attr(test, mockall::automock)]
pub trait Users { fn delete(&self, id: i64); }
pub struct Repo { db: sea_orm::DatabaseConnection }
impl Users for Repo {
    fn delete(&self, id: i64) {
        let model = entity::ActiveModel { id: Set(id) };
        let _ = model.insert(&self.db);
    }
}
"#
    );
    check(&source, &["boundary-stub h0 Users.delete: Repo::delete"]);
}

#[test]
fn an_associated_type_declared_by_a_supertrait_is_its_bound() {
    let source = format!(
        "{HTTP}{}{MOCK_SITES}",
        r#"
pub trait Backend { type Client: Http; fn client(&self) -> &Self::Client; }
pub trait Store: Backend { fn name(&self) -> String; }
#[cfg_attr(test, mockall::automock)]
pub trait Sites { fn site(&self, key: &str) -> String; }
pub struct Service<S>(pub S);
impl<S: Store> Sites for Service<S> {
    fn site(&self, key: &str) -> String {
        let client: &S::Client = self.0.client();
        client.get(key)
    }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Sites.site: TcpHttp::get, Service::site"],
    );
}

#[test]
fn fn_generics_and_impl_trait_arguments_are_seams() {
    let source = format!(
        "{HTTP}{}{MOCK_SITES}",
        r#"
#[cfg_attr(test, mockall::automock)]
pub trait Sites { fn site(&self, key: &str) -> String; }
pub fn fetch_with<H>(http: &H, key: &str) -> String where H: Http { http.get(key) }
pub fn fetch_impl(http: impl Http, key: &str) -> String { http.get(key) }
pub struct Both;
impl Sites for Both {
    fn site(&self, key: &str) -> String { fetch_with(&TcpHttp, key) + &fetch_impl(TcpHttp, key) }
}
"#
    );
    check(
        &source,
        &["high-stub h1 Sites.site: TcpHttp::get, fetch_with, fetch_impl, Both::site"],
    );
}
