//! Stage `sinks`: the I/O catalog. A call leaves the process when its
//! resolved path (or its receiver's type or trait) starts with one of these
//! prefixes. The catalog is data: a built-in list of the standard library's
//! I/O and well-known drivers, the crates `lockfile` derives from the
//! audited workspace's `Cargo.lock`, and `[workspace.metadata.stubaudit]
//! io-crates`. The stubaudit library's own traits are boundaries by
//! definition: their adapters are the I/O.

pub mod lockfile;

pub use lockfile::DerivedCrate;

use serde::Serialize;

/// What kind of I/O a sink does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    /// An HTTP client.
    Http,
    /// A database driver or key-value store.
    Db,
    /// The file system.
    Fs,
    /// Sockets.
    Net,
    /// Child processes.
    Process,
    /// The wall clock.
    Clock,
}

/// Path prefixes (segments joined with `::`) and what they reach.
const CATALOG: &[(&str, SinkKind)] = &[
    ("reqwest", SinkKind::Http),
    ("ureq", SinkKind::Http),
    ("hyper", SinkKind::Http),
    ("hyper_util", SinkKind::Http),
    ("isahc", SinkKind::Http),
    ("surf", SinkKind::Http),
    ("attohttpc", SinkKind::Http),
    ("curl", SinkKind::Http),
    ("awc", SinkKind::Http),
    ("sqlx", SinkKind::Db),
    ("diesel", SinkKind::Db),
    ("postgres", SinkKind::Db),
    ("tokio_postgres", SinkKind::Db),
    ("deadpool_postgres", SinkKind::Db),
    ("rusqlite", SinkKind::Db),
    ("redis", SinkKind::Db),
    ("mongodb", SinkKind::Db),
    ("sea_orm", SinkKind::Db),
    ("mysql", SinkKind::Db),
    ("mysql_async", SinkKind::Db),
    ("sled", SinkKind::Db),
    ("rocksdb", SinkKind::Db),
    ("scylla", SinkKind::Db),
    ("sqlite", SinkKind::Db),
    ("fred", SinkKind::Db),
    ("memcache", SinkKind::Db),
    ("tiberius", SinkKind::Db),
    ("surrealdb", SinkKind::Db),
    ("neo4rs", SinkKind::Db),
    ("elasticsearch", SinkKind::Db),
    ("opensearch", SinkKind::Db),
    ("deadpool_redis", SinkKind::Db),
    ("reqwest_middleware", SinkKind::Http),
    ("kube", SinkKind::Http),
    ("bollard", SinkKind::Http),
    ("object_store", SinkKind::Http),
    ("gcloud_*", SinkKind::Http),
    ("libp2p", SinkKind::Net),
    ("walkdir", SinkKind::Fs),
    ("fs2", SinkKind::Fs),
    ("google_cloud_*", SinkKind::Http),
    ("aws_sdk_*", SinkKind::Http),
    ("azure_*", SinkKind::Http),
    ("tonic", SinkKind::Net),
    ("lettre", SinkKind::Net),
    ("rdkafka", SinkKind::Net),
    ("lapin", SinkKind::Net),
    ("async_nats", SinkKind::Net),
    ("nats", SinkKind::Net),
    ("tungstenite", SinkKind::Net),
    ("tokio_tungstenite", SinkKind::Net),
    ("ssh2", SinkKind::Net),
    ("russh", SinkKind::Net),
    ("zmq", SinkKind::Net),
    ("rumqttc", SinkKind::Net),
    ("ldap3", SinkKind::Net),
    ("nix", SinkKind::Process),
    ("std::path::Path::exists", SinkKind::Fs),
    ("std::path::Path::try_exists", SinkKind::Fs),
    ("std::path::Path::metadata", SinkKind::Fs),
    ("std::path::Path::symlink_metadata", SinkKind::Fs),
    ("std::path::Path::read_dir", SinkKind::Fs),
    ("std::path::Path::read_link", SinkKind::Fs),
    ("std::path::Path::canonicalize", SinkKind::Fs),
    ("std::path::Path::is_file", SinkKind::Fs),
    ("std::path::Path::is_dir", SinkKind::Fs),
    ("std::path::PathBuf::exists", SinkKind::Fs),
    ("std::path::PathBuf::try_exists", SinkKind::Fs),
    ("std::path::PathBuf::metadata", SinkKind::Fs),
    ("std::path::PathBuf::read_dir", SinkKind::Fs),
    ("std::path::PathBuf::canonicalize", SinkKind::Fs),
    ("std::path::PathBuf::is_file", SinkKind::Fs),
    ("std::path::PathBuf::is_dir", SinkKind::Fs),
    ("std::fs", SinkKind::Fs),
    ("tokio::fs", SinkKind::Fs),
    ("async_std::fs", SinkKind::Fs),
    ("fs_err", SinkKind::Fs),
    ("std::net", SinkKind::Net),
    ("tokio::net", SinkKind::Net),
    ("async_std::net", SinkKind::Net),
    ("socket2", SinkKind::Net),
    ("std::process", SinkKind::Process),
    ("tokio::process", SinkKind::Process),
    ("std::time::SystemTime::now", SinkKind::Clock),
    ("chrono::Utc::now", SinkKind::Clock),
    ("chrono::Local::now", SinkKind::Clock),
];

/// Traits that are boundaries by definition, with the I/O their adapters do.
const BOUNDARIES: &[(&str, SinkKind)] = &[
    ("stubaudit::http::HttpClient", SinkKind::Http),
    ("stubaudit::http::AsyncHttpClient", SinkKind::Http),
    ("stubaudit::db::Database", SinkKind::Db),
    ("stubaudit::db::AsyncDatabase", SinkKind::Db),
];

/// The I/O catalog in force: the built-in one, configured crates and the
/// crates derived from `Cargo.lock`.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    extra: Vec<(String, SinkKind)>,
    extra_boundaries: Vec<String>,
    /// Derived crates by the name code uses, with why they count.
    derived: rustc_hash::FxHashMap<String, DerivedCrate>,
    /// Crates that never count as derived I/O (by configuration).
    not_io: Vec<String>,
}

impl Catalog {
    /// Adds a path prefix (`my_db_driver`, `my_crate::net`) as a sink.
    pub fn add_sink(&mut self, prefix: &str, kind: SinkKind) {
        self.extra.push((prefix.to_string(), kind));
    }

    /// Adds a trait path that is a boundary by configuration.
    pub fn add_boundary(&mut self, path: &str) {
        self.extra_boundaries.push(path.to_string());
    }

    /// Keeps `crate_name` (as code names it) out of the derived crates: a
    /// configured exception to the `Cargo.lock` rule.
    pub fn exclude_derived(&mut self, crate_name: &str) {
        self.not_io.push(crate_name.replace('-', "_"));
        self.derived.remove(&crate_name.replace('-', "_"));
    }

    /// Adds the crates derived from `Cargo.lock` (see [`lockfile`]), but
    /// those excluded by [`Catalog::exclude_derived`].
    pub fn add_derived(&mut self, derived: Vec<DerivedCrate>) {
        for derived_crate in derived {
            if self.not_io.contains(&derived_crate.crate_name) {
                continue;
            }
            self.derived
                .insert(derived_crate.crate_name.clone(), derived_crate);
        }
    }

    /// The crates derived from `Cargo.lock`, sorted by name, each with the
    /// chain that makes it count.
    pub fn derived(&self) -> Vec<&DerivedCrate> {
        let mut derived: Vec<&DerivedCrate> = self.derived.values().collect();
        derived.sort_by(|a, b| a.crate_name.cmp(&b.crate_name));
        derived
    }

    /// The sink `path` belongs to, if any.
    pub fn sink(&self, path: &[String]) -> Option<SinkKind> {
        // Most calls are into crates no entry names: answer those without
        // joining the path.
        let first = path.first()?;
        let listed = if !self.extra.is_empty() || may_match(first) {
            self.sink_slow(path)
        } else {
            None
        };
        listed.or_else(|| self.derived.get(first).map(|derived| derived.kind))
    }

    /// Whether whole crate `name` is I/O (listed, configured or derived):
    /// a value of one of its types is an I/O handle.
    pub fn is_io_crate(&self, name: &str) -> bool {
        self.derived.contains_key(name) || self.sink(&[name.to_string()]).is_some()
    }

    fn sink_slow(&self, path: &[String]) -> Option<SinkKind> {
        let key = path.join("::");
        CATALOG
            .iter()
            .map(|(prefix, kind)| (*prefix, *kind))
            .chain(
                self.extra
                    .iter()
                    .map(|(prefix, kind)| (prefix.as_str(), *kind)),
            )
            .find(|(prefix, _)| starts_with_segments(&key, prefix))
            .map(|(_, kind)| kind)
    }

    /// Whether the (external or configured) trait at `path` is a boundary.
    pub fn is_boundary(&self, path: &[String]) -> bool {
        let key = path.join("::");
        BOUNDARIES.iter().any(|(boundary, _)| *boundary == key)
            || self.extra_boundaries.contains(&key)
    }
}

/// Whether some catalog entry could match a path starting with `first`.
fn may_match(first: &str) -> bool {
    // Built once: this runs for every call into another crate.
    static HEADS: std::sync::OnceLock<(
        std::collections::HashSet<&'static str>,
        Vec<&'static str>,
    )> = std::sync::OnceLock::new();
    let (exact, stems) = HEADS.get_or_init(|| {
        let mut exact = std::collections::HashSet::new();
        let mut stems = Vec::new();
        for (prefix, _) in CATALOG {
            let head = prefix.split("::").next().unwrap_or(prefix);
            match head.strip_suffix('*') {
                Some(stem) => stems.push(stem),
                None => {
                    exact.insert(head);
                }
            }
        }
        (exact, stems)
    });
    exact.contains(first) || stems.iter().any(|stem| first.starts_with(stem))
}

/// `key` is `prefix` or continues it at a segment boundary; a prefix
/// ending in `*` matches any crate name that starts with it (`aws_sdk_*`).
fn starts_with_segments(key: &str, prefix: &str) -> bool {
    if let Some(stem) = prefix.strip_suffix('*') {
        return key.starts_with(stem);
    }
    key == prefix || (key.starts_with(prefix) && key[prefix.len()..].starts_with("::"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Vec<String> {
        text.split("::").map(String::from).collect()
    }

    #[test]
    fn prefixes_match_whole_segments() {
        let catalog = Catalog::default();
        assert_eq!(catalog.sink(&path("std::fs::read")), Some(SinkKind::Fs));
        assert_eq!(catalog.sink(&path("reqwest::Client")), Some(SinkKind::Http));
        assert_eq!(catalog.sink(&path("reqwestish::Client")), None);
        assert_eq!(catalog.sink(&path("std::fmt::Display")), None);
        assert_eq!(
            catalog.sink(&path("aws_sdk_s3::Client")),
            Some(SinkKind::Http)
        );
        assert_eq!(
            catalog.sink(&path("std::path::Path::exists")),
            Some(SinkKind::Fs)
        );
        assert_eq!(catalog.sink(&path("std::path::Path::join")), None);
    }

    #[test]
    fn derived_crates_count_as_whole_crates() {
        let mut catalog = Catalog::default();
        catalog.add_derived(vec![DerivedCrate {
            crate_name: "acme_mail".to_string(),
            kind: SinkKind::Net,
            chain: vec!["acme_mail".to_string(), "rustls".to_string()],
            users: vec!["app".to_string()],
        }]);
        assert_eq!(
            catalog.sink(&path("acme_mail::Transport::send")),
            Some(SinkKind::Net)
        );
        assert_eq!(catalog.sink(&path("acme_mailer::send")), None);
        assert!(catalog.is_io_crate("acme_mail"));
        assert!(!catalog.is_io_crate("serde"));
        assert_eq!(catalog.derived().len(), 1);
        catalog.exclude_derived("acme_mail");
        assert_eq!(catalog.sink(&path("acme_mail::send")), None);
    }

    #[test]
    fn configured_sinks_and_boundaries_count() {
        let mut catalog = Catalog::default();
        catalog.add_sink("acme_bus", SinkKind::Net);
        catalog.add_boundary("app::Mailer");
        assert_eq!(
            catalog.sink(&path("acme_bus::publish")),
            Some(SinkKind::Net)
        );
        assert!(catalog.is_boundary(&path("app::Mailer")));
        assert!(catalog.is_boundary(&path("stubaudit::http::HttpClient")));
    }
}
