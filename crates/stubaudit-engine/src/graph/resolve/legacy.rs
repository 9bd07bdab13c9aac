//! The resolver this project used before interned scopes (issue 8): a
//! recursive search with a depth limit and two memo tables. It is kept, for
//! tests only, so that `side_by_side` can show the new resolver gives the
//! same answers; it goes once that comparison has been recorded.

use crate::files::SourceFile;
use crate::index::PathSegments;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::RwLock;

/// Resolves paths against every module's items and `use` bindings.
#[derive(Debug, Default)]
pub struct LegacyResolver {
    /// Module path → names of the items and modules it defines.
    defined: HashMap<PathSegments, HashSet<String>>,
    /// Module path → its `use` bindings; alias `*` for globs.
    aliases: HashMap<PathSegments, Vec<Alias>>,
    /// Crate names of the workspace's targets.
    crate_names: HashSet<String>,
    /// Memo of glob lookups, `(module, name) → found`: without it every
    /// unknown name (`Ok`, `String`) walks every glob chain again.
    glob_memo: RwLock<HashMap<PathSegments, HashMap<String, Option<PathSegments>>>>,
    /// Memo of whole resolutions, `(module, path) → absolute path`.
    resolve_memo: RwLock<HashMap<PathSegments, HashMap<PathSegments, PathSegments>>>,
}

/// One `use` binding.
#[derive(Debug, Clone)]
struct Alias {
    name: String,
    target: PathSegments,
    public: bool,
    in_test: bool,
}

/// Deep enough for any real re-export chain, shallow enough to stop cycles.
const MAX_DEPTH: u8 = 12;

impl LegacyResolver {
    /// Tables from every file's index.
    pub fn new(
        files: &[SourceFile],
        crate_names: std::collections::HashSet<String>,
    ) -> LegacyResolver {
        let mut resolver = LegacyResolver {
            crate_names: crate_names.into_iter().collect(),
            ..LegacyResolver::default()
        };
        for file in files {
            for defined in &file.index.defined {
                match resolver.defined.get_mut(&defined.module) {
                    Some(names) => {
                        names.insert(defined.name.clone());
                    }
                    None => {
                        let names = HashSet::from_iter([defined.name.clone()]);
                        resolver.defined.insert(defined.module.clone(), names);
                    }
                }
            }
            for use_item in &file.index.uses {
                resolver
                    .aliases
                    .entry(use_item.module.clone())
                    .or_default()
                    .push(Alias {
                        name: use_item.alias.clone(),
                        target: use_item.target.clone(),
                        public: use_item.public,
                        in_test: use_item.in_test,
                    });
            }
        }
        resolver
    }

    /// Whether `path` starts with a workspace crate.
    pub fn is_first_party(&self, path: &[String]) -> bool {
        path.first()
            .is_some_and(|first| self.crate_names.contains(first))
    }

    fn defines(&self, module: &[String], name: &str) -> bool {
        self.defined
            .get(module)
            .is_some_and(|names| names.contains(name))
    }

    /// The absolute path `path`, written in `module`, names.
    pub fn resolve(&self, module: &[String], path: &[String]) -> PathSegments {
        // The same paths (`Ok`, `String::from`, a type) recur in every fn
        // of a module: answer them once.
        if let Ok(memo) = self.resolve_memo.read() {
            if let Some(found) = memo.get(module).and_then(|paths| paths.get(path)) {
                return found.clone();
            }
        }
        let found = self.resolve_depth(module, path, 0);
        if let Ok(mut memo) = self.resolve_memo.write() {
            memo.entry(module.to_vec())
                .or_default()
                .insert(path.to_vec(), found.clone());
        }
        found
    }

    fn resolve_depth(&self, module: &[String], path: &[String], depth: u8) -> PathSegments {
        let Some(first) = path.first() else {
            return Vec::new();
        };
        if depth > MAX_DEPTH || module.is_empty() {
            return path.to_vec();
        }
        let (base, rest): (PathSegments, &[String]) = match first.as_str() {
            "::" => return path[1..].to_vec(),
            "crate" => (vec![module[0].clone()], &path[1..]),
            "self" => (module.to_vec(), &path[1..]),
            "super" => {
                let mut base = module.to_vec();
                let supers = path
                    .iter()
                    .take_while(|segment| *segment == "super")
                    .count();
                for _ in 0..supers {
                    if base.len() > 1 {
                        base.pop();
                    }
                }
                (base, &path[supers..])
            }
            _ => {
                if self.defines(module, first) {
                    let mut base = module.to_vec();
                    base.push(first.clone());
                    (base, &path[1..])
                } else if let Some(target) = self.alias(module, first) {
                    if target.len() == 1 && target[0] == *first {
                        // `use serde_json;` names the extern crate itself.
                        (vec![first.clone()], &path[1..])
                    } else {
                        (self.resolve_depth(module, target, depth + 1), &path[1..])
                    }
                } else if let Some(found) = self.glob(module, first, depth) {
                    (found, &path[1..])
                } else {
                    (vec![first.clone()], &path[1..])
                }
            }
        };
        self.walk(base, rest, depth)
    }

    /// Follows `rest` from `base`, through re-exports where the workspace
    /// defines them.
    fn walk(&self, mut base: PathSegments, rest: &[String], depth: u8) -> PathSegments {
        let walkable = self.is_first_party(&base);
        for segment in rest {
            if walkable && !self.defines(&base, segment) {
                if let Some(target) = self.alias(&base, segment) {
                    let target = target.clone();
                    base = self.resolve_depth(&base, &target, depth + 1);
                    continue;
                }
                if let Some(found) = self.glob(&base, segment, depth) {
                    base = found;
                    continue;
                }
            }
            base.push(segment.clone());
        }
        base
    }

    /// The target `name` is bound to by a `use` in `module`. Production
    /// bindings win over `#[cfg(test)]` ones of the same name (`#[cfg(not(test))]
    /// use std::fs::read` beside `#[cfg(test)] use fake::read`).
    fn alias(&self, module: &[String], name: &str) -> Option<&PathSegments> {
        self.binding(module, name, false).map(|alias| &alias.target)
    }

    fn binding(&self, module: &[String], name: &str, public_only: bool) -> Option<&Alias> {
        let aliases = self.aliases.get(module)?;
        let mut candidates = aliases
            .iter()
            .filter(|alias| alias.name == name && (alias.public || !public_only));
        let first = candidates.next()?;
        if !first.in_test {
            return Some(first);
        }
        Some(candidates.find(|alias| !alias.in_test).unwrap_or(first))
    }

    /// `name` brought into `module` by one of its glob imports: what the
    /// glob's module defines or re-exports publicly, through nested globs.
    fn glob(&self, module: &[String], name: &str, depth: u8) -> Option<PathSegments> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Ok(memo) = self.glob_memo.read() {
            if let Some(found) = memo.get(module).and_then(|names| names.get(name)) {
                return found.clone();
            }
        }
        let found = self.glob_uncached(module, name, depth);
        // Only answers reached from the top are final: deeper ones were cut
        // short by the depth limit and may differ.
        if depth == 0 {
            if let Ok(mut memo) = self.glob_memo.write() {
                memo.entry(module.to_vec())
                    .or_default()
                    .insert(name.to_string(), found.clone());
            }
        }
        found
    }

    fn glob_uncached(&self, module: &[String], name: &str, depth: u8) -> Option<PathSegments> {
        let aliases = self.aliases.get(module)?;
        for glob in aliases.iter().filter(|alias| alias.name == "*") {
            let glob_module = self.resolve_depth(module, &glob.target, depth + 1);
            if glob_module.as_slice() == module {
                continue;
            }
            // A module sees its ancestors' private items and imports too.
            let private_too = module.starts_with(&glob_module);
            if let Some(found) = self.exported(&glob_module, name, private_too, depth + 1) {
                return Some(found);
            }
        }
        None
    }

    /// What `module` exports under `name`: an item, a `pub use`, or a
    /// public glob's export.
    fn exported(
        &self,
        module: &[String],
        name: &str,
        private_too: bool,
        depth: u8,
    ) -> Option<PathSegments> {
        if depth > MAX_DEPTH {
            return None;
        }
        if self.defines(module, name) {
            let mut found = module.to_vec();
            found.push(name.to_string());
            return Some(found);
        }
        if let Some(alias) = self.binding(module, name, !private_too) {
            let target = alias.target.clone();
            return Some(self.resolve_depth(module, &target, depth + 1));
        }
        let aliases = self.aliases.get(module)?;
        for glob in aliases
            .iter()
            .filter(|alias| alias.name == "*" && (alias.public || private_too))
        {
            let glob_module = self.resolve_depth(module, &glob.target, depth + 1);
            if glob_module.as_slice() == module {
                continue;
            }
            if let Some(found) = self.exported(&glob_module, name, false, depth + 1) {
                return Some(found);
            }
        }
        None
    }
}
