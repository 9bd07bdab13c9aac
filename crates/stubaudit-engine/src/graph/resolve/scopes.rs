//! The resolver's tables and its one lookup. Per first-party module: the
//! items it defines, its explicit imports (source order, production before
//! `#[cfg(test)]`) and its glob imports (source order, with visibility); per
//! module that a glob from outside targets, one export set. A lookup is
//! `defs`, then explicit imports, then the globs' export sets, first match
//! wins, as in Rust.

use super::intern::{Names, PathId, Paths, Symbol};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// An index into [`Tables::imports`].
pub type ImportId = u32;

/// One `use` binding, or a glob (`name` is `None`).
#[derive(Debug, Clone)]
pub struct Import {
    /// The module the `use` is in.
    pub module: PathId,
    /// The name it binds; `None` for a glob.
    pub name: Option<Symbol>,
    /// The path as written.
    pub path: Box<[Symbol]>,
    /// `pub use` (any visibility).
    pub public: bool,
    /// Only compiled for tests.
    pub in_test: bool,
    /// What the path names, once resolved.
    pub target: Option<PathId>,
}

/// Identifiers with a meaning of their own at the start of a path.
#[derive(Debug, Clone, Copy)]
pub struct Keywords {
    pub crate_: Symbol,
    pub self_: Symbol,
    pub super_: Symbol,
    pub colons: Symbol,
}

/// The answer of one lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The name is bound to this path.
    Found(PathId),
    /// The module binds no such name (as far as the lookup could see).
    NotFound,
    /// Strict mode only: the answer depends on an import or an export set
    /// that is not final yet.
    Blocked,
}

/// How a lookup treats what is not final yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Answer only from final facts; otherwise [`Lookup::Blocked`].
    Strict,
    /// Skip what is not final (for cycles the fixed point cannot break).
    Lenient,
    /// After the build: everything is final.
    Frozen,
}

/// Every table the resolver reads.
#[derive(Debug)]
pub struct Tables {
    pub names: Names,
    pub paths: Paths,
    pub keywords: Keywords,
    /// Crate names of the workspace's targets.
    pub crates: HashSet<Symbol>,
    /// Paths of the workspace's items and modules.
    pub defs: HashSet<PathId>,
    /// Module → the names it defines, in order.
    pub module_defs: HashMap<PathId, Vec<Symbol>>,
    /// Every `use`, file by file in source order.
    pub imports: Vec<Import>,
    /// (module, name) → its explicit imports of that name, in source order.
    pub explicit: HashMap<(PathId, Symbol), Vec<ImportId>>,
    /// Module → its imports (explicit and globs), in source order.
    pub module_imports: HashMap<PathId, Vec<ImportId>>,
    /// Module → its globs, in source order.
    pub globs: HashMap<PathId, Vec<ImportId>>,
    /// Module → its export set, an index into `export_sets`.
    pub export_of: HashMap<PathId, u32>,
    /// What each export set binds: everything its module (or glob cycle)
    /// defines, imports publicly and re-exports through public globs.
    pub export_sets: Vec<HashMap<Symbol, PathId>>,
}

impl Tables {
    /// Whether `path` lies in a workspace crate.
    pub fn is_first_party(&self, path: PathId) -> bool {
        self.paths
            .first(path)
            .is_some_and(|first| self.crates.contains(&first))
    }

    /// The import `use` picks for `name` in `module`: the first in source
    /// order, except that a production import beats a `#[cfg(test)]` one
    /// that comes first (`#[cfg(not(test))] use std::fs::read` beside
    /// `#[cfg(test)] use fake::read`). `skip` is the import being resolved,
    /// which cannot explain itself.
    pub fn binding(
        &self,
        module: PathId,
        name: Symbol,
        public_only: bool,
        skip: Option<ImportId>,
    ) -> Option<ImportId> {
        let candidates = self.explicit.get(&(module, name))?;
        let mut candidates = candidates
            .iter()
            .copied()
            .filter(|id| Some(*id) != skip && (self.imports[*id as usize].public || !public_only));
        let first = candidates.next()?;
        if !self.imports[first as usize].in_test {
            return Some(first);
        }
        Some(
            candidates
                .find(|id| !self.imports[*id as usize].in_test)
                .unwrap_or(first),
        )
    }

    /// What `name` means inside `module`: an item it defines, an explicit
    /// import, or a name one of its globs brings. A glob of an ancestor
    /// (`use super::*`) sees the ancestor's private names too; any other
    /// glob sees its module's export set. `lookups` counts calls, for the
    /// complexity test.
    pub fn lookup(
        &self,
        module: PathId,
        name: Symbol,
        mode: Mode,
        skip: Option<ImportId>,
        lookups: &mut u64,
    ) -> Lookup {
        *lookups += 1;
        if let Some(item) = self.paths.child(module, name) {
            if self.defs.contains(&item) {
                return Lookup::Found(item);
            }
        }
        if let Some(id) = self.binding(module, name, false, skip) {
            match self.imports[id as usize].target {
                Some(target) => return Lookup::Found(target),
                None if mode == Mode::Strict => return Lookup::Blocked,
                None => {}
            }
        }
        let Some(globs) = self.globs.get(&module) else {
            return Lookup::NotFound;
        };
        for &glob in globs {
            if Some(glob) == skip {
                continue;
            }
            let Some(target) = self.imports[glob as usize].target else {
                if mode == Mode::Strict {
                    return Lookup::Blocked;
                }
                continue;
            };
            if target == module || !self.is_first_party(target) {
                continue;
            }
            let found = if self.paths.starts_with(module, target) {
                self.lookup(target, name, mode, None, lookups)
            } else {
                self.exported(target, name, mode)
            };
            match found {
                Lookup::NotFound => {}
                Lookup::Blocked if mode != Mode::Strict => {}
                found => return found,
            }
        }
        Lookup::NotFound
    }

    /// `name` in the export set of `module`.
    fn exported(&self, module: PathId, name: Symbol, mode: Mode) -> Lookup {
        match self.export_of.get(&module) {
            Some(set) => match self.export_sets[*set as usize].get(&name) {
                Some(found) => Lookup::Found(*found),
                None => Lookup::NotFound,
            },
            None if mode == Mode::Strict => Lookup::Blocked,
            None => Lookup::NotFound,
        }
    }

    /// `use async_trait::async_trait;` binds a macro, yet
    /// `async_trait::async_trait` still names the crate's item: a path that
    /// goes on after its first segment needs a module or type there, and an
    /// external item named like its own crate is neither (one namespace
    /// here, two in Rust). Returns the crate in that case, else `found`.
    pub fn crate_over_item(&self, found: PathId, name: Symbol, rest: usize) -> PathId {
        if rest > 0
            && self.paths.depth(found) > 1
            && self.paths.first(found) == Some(name)
            && self.paths.last(found) == Some(name)
            && !self.is_first_party(found)
        {
            if let Some(krate) = self.paths.child(PathId::ROOT, name) {
                return krate;
            }
        }
        found
    }

    /// Resolves a path written in `module` to an absolute path, adding trie
    /// nodes for the segments it walks; `Err(())` when strict and blocked.
    pub fn resolve_written(
        &mut self,
        module: PathId,
        path: &[Symbol],
        mode: Mode,
        skip: Option<ImportId>,
        lookups: &mut u64,
    ) -> Result<PathId, ()> {
        let Some((&first, rest)) = path.split_first() else {
            return Ok(PathId::ROOT);
        };
        let keywords = self.keywords;
        let (mut base, rest) = if first == keywords.colons {
            return Ok(self.paths.insert(rest.iter().copied()));
        } else if first == keywords.crate_ {
            (self.paths.ancestor(module, 1), rest)
        } else if first == keywords.self_ {
            (module, rest)
        } else if first == keywords.super_ {
            let supers = path.iter().take_while(|s| **s == keywords.super_).count();
            let depth = self
                .paths
                .depth(module)
                .saturating_sub(supers as u32)
                .max(1);
            (self.paths.ancestor(module, depth), &path[supers..])
        } else {
            match self.lookup(module, first, mode, skip, lookups) {
                Lookup::Found(found) => (self.crate_over_item(found, first, rest.len()), rest),
                Lookup::NotFound => (self.paths.child_or_insert(PathId::ROOT, first), rest),
                Lookup::Blocked => return Err(()),
            }
        };
        for &segment in rest {
            let found = if self.is_first_party(base) {
                let skip = skip.filter(|_| base == module);
                self.lookup(base, segment, mode, skip, lookups)
            } else {
                Lookup::NotFound
            };
            base = match found {
                Lookup::Found(found) => found,
                Lookup::NotFound => self.paths.child_or_insert(base, segment),
                Lookup::Blocked => return Err(()),
            };
        }
        Ok(base)
    }
}
