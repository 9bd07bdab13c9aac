//! Resolver tests: one `check` per shape of `use` (renames, globs, nested
//! and cyclic globs, visibility, cfg(test), chains of any length) and the
//! complexity test, which counts lookups instead of timing them. The old
//! resolver and this one were compared side by side on the fixtures
//! workspace and on generated glob workspaces before the old one was
//! deleted (issue 8): the same answers, except where the old one was wrong.

use super::Resolver;
use crate::files::SourceFile;
use crate::index::{Defined, FileIndex, UseItem};
use crate::load::TargetRole;
use std::collections::HashSet;

/// One module of a generated workspace: its path (`w::a::b`), the names it
/// defines, and its `use`s as `(alias, target, public, in_test)`, alias
/// `*` for a glob.
struct Module<'a> {
    path: &'a str,
    defs: Vec<String>,
    uses: Vec<(String, String, bool, bool)>,
}

fn module<'a>(path: &'a str, defs: &[&str], uses: &[(&str, &str, bool, bool)]) -> Module<'a> {
    Module {
        path,
        defs: defs.iter().map(|d| d.to_string()).collect(),
        uses: uses
            .iter()
            .map(|(a, t, p, i)| (a.to_string(), t.to_string(), *p, *i))
            .collect(),
    }
}

/// A path's segments; a leading `::` is a segment of its own, and a glob's
/// trailing `*` is dropped, as the index writes them.
fn segments(path: &str) -> Vec<String> {
    let (colons, rest) = match path.strip_prefix("::") {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    let rest = rest.strip_suffix("::*").unwrap_or(rest);
    let mut segments: Vec<String> = colons.then(|| "::".to_string()).into_iter().collect();
    segments.extend(rest.split("::").map(String::from));
    segments
}

/// One file per module: its definitions (and its child modules, defined in
/// the parent as `mod` items are) and its `use`s.
fn files(modules: &[Module]) -> Vec<SourceFile> {
    modules
        .iter()
        .map(|m| {
            let module = segments(m.path);
            let mut index = FileIndex {
                module: module.clone().into(),
                ..FileIndex::default()
            };
            for def in &m.defs {
                index.defined.push(Defined {
                    module: module.clone().into(),
                    name: def.clone(),
                });
            }
            for other in modules {
                let other_path = segments(other.path);
                if other_path.len() == module.len() + 1 && other_path.starts_with(&module) {
                    index.defined.push(Defined {
                        module: module.clone().into(),
                        name: other_path[module.len()].clone(),
                    });
                }
            }
            for (alias, target, public, in_test) in &m.uses {
                index.uses.push(UseItem {
                    module: module.clone().into(),
                    alias: alias.clone(),
                    target: segments(target),
                    double: false,
                    public: *public,
                    in_test: *in_test,
                });
            }
            SourceFile {
                index,
                package: 0,
                role: TargetRole::Lib,
                in_test: false,
            }
        })
        .collect()
}

fn crates(names: &[&str]) -> HashSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// Resolves `path` written in `module` and compares with `expected`.
fn check(modules: &[Module], module: &str, path: &str, expected: &str) {
    let resolver = Resolver::new(&files(modules), crates(&["w", "v"]));
    let found = resolver
        .resolve(&segments(module), &segments(path))
        .join("::");
    assert_eq!(found, expected, "`{path}` in `{module}`");
}

#[test]
fn items_imports_and_renames_resolve() {
    let modules = [
        module(
            "w",
            &["Root"],
            &[("Other", "crate::a::Thing", false, false)],
        ),
        module(
            "w::a",
            &["Thing"],
            &[("Thing2", "self::Thing", true, false)],
        ),
    ];
    check(&modules, "w", "Other::new", "w::a::Thing::new");
    check(&modules, "w", "a::Thing2", "w::a::Thing");
    check(&modules, "w::a", "super::Root", "w::Root");
    check(&modules, "w::a", "crate::Root", "w::Root");
    check(&modules, "w::a", "String::new", "String::new");
    check(&modules, "w::a", "::std::fs::read", "std::fs::read");
}

#[test]
fn an_item_named_like_its_crate_does_not_hide_the_crate() {
    let modules = [module(
        "w",
        &[],
        &[("async_trait", "async_trait::async_trait", false, false)],
    )];
    check(&modules, "w", "async_trait", "async_trait::async_trait");
    check(
        &modules,
        "w",
        "async_trait::async_trait",
        "async_trait::async_trait",
    );
}

#[test]
fn globs_nested_globs_and_first_glob_in_source_order_win() {
    let modules = [
        module("w", &[], &[]),
        module("w::base", &["Conn", "Shared"], &[]),
        module(
            "w::prelude",
            &["Shared"],
            &[("*", "crate::base::*", true, false)],
        ),
        module("w::other", &["Shared"], &[]),
        module(
            "w::user",
            &[],
            &[
                ("*", "crate::prelude::*", false, false),
                ("*", "crate::other::*", false, false),
            ],
        ),
    ];
    check(&modules, "w::user", "Conn::open", "w::base::Conn::open");
    check(&modules, "w::user", "Shared", "w::prelude::Shared");
}

#[test]
fn private_imports_are_seen_only_from_below() {
    let modules = [
        module("w", &[], &[]),
        module(
            "w::parent",
            &[],
            &[("Client", "reqwest::Client", false, false)],
        ),
        module("w::parent::tests", &[], &[("*", "super::*", false, false)]),
        module(
            "w::outsider",
            &[],
            &[("*", "crate::parent::*", false, false)],
        ),
    ];
    check(
        &modules,
        "w::parent::tests",
        "Client::new",
        "reqwest::Client::new",
    );
    check(&modules, "w::outsider", "Client::new", "Client::new");
}

#[test]
fn production_imports_beat_test_ones() {
    let modules = [module(
        "w",
        &[],
        &[
            ("read", "fake::read", false, true),
            ("read", "std::fs::read", false, false),
        ],
    )];
    check(&modules, "w", "read", "std::fs::read");
}

#[test]
fn reexport_chains_of_any_length_resolve() {
    let mut modules = vec![module("w", &[], &[])];
    let depth = 40;
    let paths: Vec<String> = (0..=depth).map(|i| format!("w::r{i}")).collect();
    for (i, path) in paths.iter().enumerate().take(depth) {
        let target = format!("crate::r{}::Thing", i + 1);
        modules.push(Module {
            path,
            defs: Vec::new(),
            uses: vec![("Thing".to_string(), target, true, false)],
        });
    }
    modules.push(module(&paths[depth], &["Thing"], &[]));
    check(&modules, "w", "r0::Thing::new", "w::r40::Thing::new");
}

#[test]
fn glob_cycles_end_and_share_their_names() {
    let modules = [
        module("w", &[], &[]),
        module("w::c0", &["A"], &[("*", "crate::c1::*", true, false)]),
        module("w::c1", &["B"], &[("*", "crate::c0::*", true, false)]),
        module("w::user", &[], &[("*", "crate::c0::*", false, false)]),
    ];
    check(&modules, "w::user", "A", "w::c0::A");
    check(&modules, "w::user", "B", "w::c1::B");
    check(&modules, "w::user", "C", "C");
}

#[test]
fn imports_across_crates_and_external_globs() {
    let modules = [
        module("v", &["Api"], &[]),
        module(
            "w",
            &[],
            &[
                ("*", "v::*", false, false),
                ("*", "httpmock::prelude::*", false, false),
            ],
        ),
    ];
    check(&modules, "w", "Api", "v::Api");
    check(&modules, "w", "MockServer::start", "MockServer::start");
    let resolver = Resolver::new(&files(&modules), crates(&["w", "v"]));
    assert_eq!(
        resolver.external_globs(&segments("w")),
        vec![segments("httpmock::prelude")]
    );
}

/// Generated workspace: a `depth`-deep prelude chain (each level defines an
/// item and globs the next), a glob cycle, and `users` modules that glob
/// the prelude's top and the cycle.
fn prelude_workspace(
    users: usize,
    depth: usize,
) -> (Vec<Module<'static>>, Vec<(String, String, String)>) {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut modules = vec![module("w", &[], &[])];
    for level in 0..depth {
        let mut uses = Vec::new();
        if level + 1 < depth {
            uses.push((
                "*".to_string(),
                format!("crate::p{}::*", level + 1),
                true,
                false,
            ));
        }
        modules.push(Module {
            path: leak(format!("w::p{level}")),
            defs: vec![format!("Item{level}")],
            uses,
        });
    }
    modules.push(module(
        "w::c0",
        &["A"],
        &[("*", "crate::c1::*", true, false)],
    ));
    modules.push(module(
        "w::c1",
        &["B"],
        &[("*", "crate::c0::*", true, false)],
    ));
    let mut queries = Vec::new();
    for user in 0..users {
        let path = leak(format!("w::u{user}"));
        modules.push(module(
            path,
            &[],
            &[
                ("*", "crate::p0::*", false, false),
                ("*", "crate::c0::*", false, false),
            ],
        ));
        let deepest = depth - 1;
        queries.push((
            path.to_string(),
            format!("Item{deepest}"),
            format!("w::p{deepest}::Item{deepest}"),
        ));
        queries.push((path.to_string(), "B".to_string(), "w::c1::B".to_string()));
        queries.push((
            path.to_string(),
            "Missing".to_string(),
            "Missing".to_string(),
        ));
    }
    (modules, queries)
}

#[test]
fn lookups_grow_linearly_in_modules_and_prelude_depth() {
    let count = |users: usize, depth: usize| -> u64 {
        let (modules, queries) = prelude_workspace(users, depth);
        let resolver = Resolver::new(&files(&modules), crates(&["w"]));
        let mut lookups = resolver.build_lookups();
        for (module, path, expected) in &queries {
            let found = resolver.resolve_counting(&segments(module), &segments(path), &mut lookups);
            assert_eq!(found.join("::"), *expected);
        }
        lookups
    };
    let base = count(200, 8);
    for (users, depth) in [(400, 8), (800, 8), (200, 16), (200, 64)] {
        let lookups = count(users, depth);
        let growth = (users as f64 / 200.0) * (depth as f64 / 8.0);
        let ratio = lookups as f64 / base as f64;
        assert!(
            ratio <= growth * 1.1,
            "{users} modules, prelude {depth} deep: {lookups} lookups, {ratio:.2}x of {base} for {growth}x the input"
        );
    }
}

#[test]
fn a_prelude_twenty_globs_deep_resolves() {
    let (modules, queries) = prelude_workspace(2, 20);
    let inputs = files(&modules);
    let new = Resolver::new(&inputs, crates(&["w"]));
    let (module, path, expected) = &queries[0];
    let module = segments(module);
    let path = segments(path);
    assert_eq!(new.resolve(&module, &path).join("::"), *expected);
    // (The old resolver, cut off at depth 12, answered `Item19`.)
}
