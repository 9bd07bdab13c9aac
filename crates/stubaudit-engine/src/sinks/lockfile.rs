//! The I/O catalog derived from the audited workspace's `Cargo.lock`: a
//! dependency counts as I/O when it depends, directly or through other
//! crates, on an I/O foundation (an HTTP engine, a database driver's
//! native library or wire protocol, a socket or TLS library). The chain that
//! makes it count is kept, so the report can say why.
//!
//! What does not count, and why:
//! * async runtimes (`tokio`, `async-std`, …) depend on socket crates for
//!   their `net` modules, but most calls into them spawn, sleep or lock; the
//!   hand catalog names their I/O modules instead. No chain runs through a
//!   runtime.
//! * web frameworks (`axum`, `actix-web`, …) sit on an HTTP engine but their
//!   calls build routes and responses: code they call is code that answers
//!   I/O, not code that makes it. No chain runs through a framework either.
//! * mock servers (`wiremock`, `httpmock`, …) are test doubles.
//! * `-sys` crates other than the foundations: a native library's binding
//!   depends on an HTTP client to download the library at build time
//!   (the lock does not tell build dependencies apart), not to do I/O.
//! * workspace members and other path dependencies: their code is read.
//!
//! Only the workspace members' own dependencies are listed: code can name
//! no other crate. The lock is read with the `toml` crate (the format's
//! reference parser), offline and read-only; a missing or unreadable lock is
//! a diagnostic and leaves the hand catalog alone.

use super::SinkKind;
use crate::diagnostic::Diagnostic;
use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use std::collections::VecDeque;
use std::path::Path;

/// Crates whose use is I/O by itself, and its kind (package names).
const FOUNDATIONS: &[(&str, SinkKind)] = &[
    ("hyper", SinkKind::Http),
    ("h2", SinkKind::Http),
    ("h3", SinkKind::Http),
    ("reqwest", SinkKind::Http),
    ("ureq", SinkKind::Http),
    ("isahc", SinkKind::Http),
    ("curl-sys", SinkKind::Http),
    ("libsqlite3-sys", SinkKind::Db),
    ("pq-sys", SinkKind::Db),
    ("mysqlclient-sys", SinkKind::Db),
    ("postgres-protocol", SinkKind::Db),
    ("tiberius", SinkKind::Db),
    ("mongodb", SinkKind::Db),
    ("redis", SinkKind::Db),
    ("rocksdb", SinkKind::Db),
    ("librocksdb-sys", SinkKind::Db),
    ("socket2", SinkKind::Net),
    ("tungstenite", SinkKind::Net),
    ("tonic", SinkKind::Net),
    ("quinn", SinkKind::Net),
    ("rustls", SinkKind::Net),
    ("native-tls", SinkKind::Net),
    ("libssh2-sys", SinkKind::Net),
    ("rdkafka-sys", SinkKind::Net),
    ("zmq-sys", SinkKind::Net),
];

/// Crates no chain runs through: runtimes, frameworks, mock servers.
const BARRIERS: &[&str] = &[
    "tokio",
    "async-std",
    "async-io",
    "async-net",
    "smol",
    "mio",
    "actix-rt",
    "axum",
    "actix-web",
    "warp",
    "rocket",
    "poem",
    "salvo",
    "tide",
    "wiremock",
    "httpmock",
    "mockito",
    "mocktail",
];

/// A dependency that counts as I/O, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedCrate {
    /// The crate's name as code names it (`-` replaced by `_`).
    pub crate_name: String,
    /// The kind of I/O of the foundation it reaches.
    pub kind: SinkKind,
    /// Package names from it down to the foundation (`lettre`,
    /// `rustls`); one name when it is a foundation itself.
    pub chain: Vec<String>,
    /// The path packages (workspace members) that depend on it directly.
    pub users: Vec<String>,
}

#[derive(Deserialize)]
struct LockFile {
    #[serde(default)]
    package: Vec<LockPackage>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: String,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// Reads `lock` and derives the I/O crates; trouble is a diagnostic.
pub fn read(lock: &Path) -> (Vec<DerivedCrate>, Option<Diagnostic>) {
    let text = match std::fs::read_to_string(lock) {
        Ok(text) => text,
        Err(error) => {
            let message = format!(
                "no I/O crates derived from `Cargo.lock` ({error}): only the built-in catalog applies"
            );
            return (Vec::new(), Some(Diagnostic::note(lock, None, message)));
        }
    };
    match derive(&text) {
        Ok(derived) => (derived, None),
        Err(error) => {
            let message =
                format!("could not read `Cargo.lock`: {error}; only the built-in catalog applies");
            (Vec::new(), Some(Diagnostic::warning(lock, None, message)))
        }
    }
}

/// The I/O crates among the path packages' dependencies in the lock file
/// `text`, sorted by name.
pub fn derive(text: &str) -> Result<Vec<DerivedCrate>, String> {
    let lock: LockFile = toml::from_str(text).map_err(|error| error.message().to_string())?;
    let packages = &lock.package;
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
    for (index, package) in packages.iter().enumerate() {
        by_name
            .entry(package.name.as_str())
            .or_default()
            .push(index);
    }
    let dependencies: Vec<Vec<usize>> = packages
        .iter()
        .map(|package| {
            package
                .dependencies
                .iter()
                .filter_map(|written| find(packages, &by_name, written))
                .collect()
        })
        .collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); packages.len()];
    for (package, deps) in dependencies.iter().enumerate() {
        for &dep in deps {
            dependents[dep].push(package);
        }
    }
    // Shortest chains first: a breadth-first walk up from the foundations.
    let mut reason: Vec<Option<(SinkKind, Option<usize>)>> = vec![None; packages.len()];
    let mut queue = VecDeque::new();
    for (index, package) in packages.iter().enumerate() {
        let foundation = FOUNDATIONS.iter().find(|(name, _)| *name == package.name);
        if let (Some((_, kind)), Some(_)) = (foundation, &package.source) {
            reason[index] = Some((*kind, None));
            queue.push_back(index);
        }
    }
    while let Some(index) = queue.pop_front() {
        let Some((kind, _)) = reason[index] else {
            continue;
        };
        for &dependent in &dependents[index] {
            let package = &packages[dependent];
            if reason[dependent].is_some()
                || package.source.is_none()
                || BARRIERS.contains(&package.name.as_str())
                || package.name.ends_with("-sys")
            {
                continue;
            }
            reason[dependent] = Some((kind, Some(index)));
            queue.push_back(dependent);
        }
    }
    let mut derived: Vec<DerivedCrate> = Vec::new();
    for (member, package) in packages.iter().enumerate() {
        if package.source.is_some() {
            continue;
        }
        for &dep in &dependencies[member] {
            let Some((kind, _)) = reason[dep] else {
                continue;
            };
            let crate_name = packages[dep].name.replace('-', "_");
            if let Some(known) = derived
                .iter_mut()
                .find(|known| known.crate_name == crate_name)
            {
                known.users.push(package.name.clone());
                continue;
            }
            derived.push(DerivedCrate {
                crate_name,
                kind,
                chain: chain(packages, &reason, dep),
                users: vec![package.name.clone()],
            });
        }
    }
    derived.sort_by(|a, b| a.crate_name.cmp(&b.crate_name));
    Ok(derived)
}

/// The package names from `start` down to its foundation.
fn chain(
    packages: &[LockPackage],
    reason: &[Option<(SinkKind, Option<usize>)>],
    start: usize,
) -> Vec<String> {
    let mut names = vec![packages[start].name.clone()];
    let mut current = start;
    while let Some((_, Some(next))) = reason[current] {
        names.push(packages[next].name.clone());
        current = next;
    }
    names
}

/// The package a lock `dependencies` entry names: `name`, `name version`
/// or `name version (source)`.
fn find(
    packages: &[LockPackage],
    by_name: &HashMap<&str, Vec<usize>>,
    written: &str,
) -> Option<usize> {
    let mut words = written.split_whitespace();
    let name = words.next()?;
    let version = words.next();
    by_name
        .get(name)?
        .iter()
        .copied()
        .find(|&index| version.is_none_or(|version| packages[index].version == version))
}

/// What `-v` and the JSON diagnostics say about one derived crate.
pub fn explain(derived: &DerivedCrate) -> String {
    let kind = match derived.kind {
        SinkKind::Http => "http",
        SinkKind::Db => "db",
        SinkKind::Fs => "fs",
        SinkKind::Net => "net",
        SinkKind::Process => "process",
        SinkKind::Clock => "clock",
    };
    if derived.chain.len() == 1 {
        format!(
            "`{}` counts as I/O ({kind}): it is an I/O foundation",
            derived.crate_name
        )
    } else {
        format!(
            "`{}` counts as I/O ({kind}): {}",
            derived.crate_name,
            derived.chain.join(" → ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY: &str = "registry+https://github.com/rust-lang/crates.io-index";

    /// A lock file: (name, is a registry package, dependencies).
    fn lock(packages: &[(&str, bool, &[&str])]) -> String {
        let mut text = String::from("version = 4\n");
        for (name, registry, deps) in packages {
            text.push_str(&format!(
                "\n[[package]]\nname = \"{name}\"\nversion = \"1.0.0\"\n"
            ));
            if *registry {
                text.push_str(&format!("source = \"{REGISTRY}\"\n"));
            }
            let deps: Vec<String> = deps.iter().map(|dep| format!("\"{dep}\"")).collect();
            text.push_str(&format!("dependencies = [{}]\n", deps.join(", ")));
        }
        text
    }

    fn derived(packages: &[(&str, bool, &[&str])]) -> Vec<String> {
        match derive(&lock(packages)) {
            Ok(derived) => derived.iter().map(explain).collect(),
            Err(error) => panic!("derive: {error}"),
        }
    }

    #[test]
    fn a_dependency_reaching_a_foundation_counts_with_its_chain() {
        assert_eq!(
            derived(&[
                ("app", false, &["lettre", "serde"]),
                ("lettre", true, &["rustls", "serde"]),
                ("rustls", true, &[]),
                ("serde", true, &[]),
            ]),
            ["`lettre` counts as I/O (net): lettre → rustls"]
        );
    }

    #[test]
    fn the_shortest_chain_is_the_reason() {
        assert_eq!(
            derived(&[
                ("app", false, &["a2"]),
                ("a2", true, &["hyper-rustls", "hyper"]),
                ("hyper-rustls", true, &["hyper", "rustls"]),
                ("hyper", true, &[]),
                ("rustls", true, &[]),
            ]),
            ["`a2` counts as I/O (http): a2 → hyper"]
        );
    }

    #[test]
    fn no_chain_runs_through_a_runtime_or_a_framework() {
        assert_eq!(
            derived(&[
                ("app", false, &["tokio", "axum", "axum-extra", "tokio-util"]),
                ("tokio", true, &["mio", "socket2"]),
                ("tokio-util", true, &["tokio"]),
                ("mio", true, &[]),
                ("socket2", true, &[]),
                ("axum", true, &["hyper", "tokio"]),
                ("axum-extra", true, &["axum"]),
                ("hyper", true, &["tokio"]),
            ]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn no_chain_runs_through_a_native_binding() {
        assert_eq!(
            derived(&[
                ("app", false, &["wasm-sdk"]),
                ("wasm-sdk", true, &["wasm-sys"]),
                ("wasm-sys", true, &["reqwest"]),
                ("reqwest", true, &[]),
            ]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn foundations_used_directly_count_and_members_do_not() {
        assert_eq!(
            derived(&[
                ("app", false, &["store", "rusqlite 1.0.0"]),
                ("store", false, &["reqwest"]),
                ("rusqlite", true, &["libsqlite3-sys"]),
                ("libsqlite3-sys", true, &[]),
                ("reqwest", true, &[]),
            ]),
            [
                "`reqwest` counts as I/O (http): it is an I/O foundation",
                "`rusqlite` counts as I/O (db): rusqlite → libsqlite3-sys",
            ]
        );
    }

    #[test]
    fn a_malformed_lock_is_an_error_not_a_panic() {
        assert!(derive("[[package]]\nname = 3\n").is_err());
        assert!(derive("not toml at all [").is_err());
    }

    #[test]
    fn a_missing_lock_is_a_note() {
        let (derived, diagnostic) = read(Path::new("/nonexistent/Cargo.lock"));
        assert!(derived.is_empty());
        assert!(diagnostic.is_some_and(|d| d.message.contains("only the built-in catalog")));
    }
}
