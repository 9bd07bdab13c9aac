//! Path resolution: what a path written in a module names, as an absolute
//! path whose first segment is a crate. `use` bindings (renames, globs,
//! nested globs, re-exports of any length, cycles) are followed; paths into
//! other crates come back as written.
//!
//! Built once, read many times (DESIGN.md, "Name resolution"): names and
//! paths are interned ([`intern`]), each module's scope is a table
//! ([`scopes`]), imports are resolved to a fixed point and each glob
//! target's export set is built once ([`build`]). After [`Resolver::new`]
//! the resolver is frozen: threads read it without locks, and a lookup costs
//! one hash probe per path segment and glob.

mod build;
mod intern;
mod scopes;
#[cfg(test)]
mod tests;

use crate::files::SourceFile;
use crate::index::PathSegments;
use intern::{Names, Paths};
pub use intern::{PathId, Symbol};
use rustc_hash::FxHashMap as HashMap;
use scopes::{Import, Keywords, Lookup, Mode, Tables};

/// Resolves paths against every module's items and `use` bindings.
#[derive(Debug)]
pub struct Resolver {
    tables: Tables,
    /// Lookups the build made (the complexity test reads it).
    build_lookups: u64,
}

impl Default for Resolver {
    fn default() -> Resolver {
        Resolver::new(&[], Default::default())
    }
}

impl Resolver {
    /// Tables from every file's index, with every import resolved.
    pub fn new(files: &[SourceFile], crate_names: std::collections::HashSet<String>) -> Resolver {
        let mut names = Names::default();
        let keywords = Keywords {
            crate_: names.intern("crate"),
            self_: names.intern("self"),
            super_: names.intern("super"),
            colons: names.intern("::"),
        };
        let mut tables = Tables {
            crates: crate_names.iter().map(|name| names.intern(name)).collect(),
            names,
            paths: Paths::default(),
            keywords,
            defs: Default::default(),
            module_defs: HashMap::default(),
            imports: Vec::new(),
            explicit: HashMap::default(),
            module_imports: HashMap::default(),
            globs: HashMap::default(),
            export_of: HashMap::default(),
            export_sets: Vec::new(),
        };
        for file in files {
            add_file(&mut tables, file);
        }
        let build_lookups = build::fixed_point(&mut tables);
        Resolver {
            tables,
            build_lookups,
        }
    }

    /// Lookups the build made: linear in the workspace, whatever its globs.
    pub fn build_lookups(&self) -> u64 {
        self.build_lookups
    }

    /// Whether `path` starts with a workspace crate.
    pub fn is_first_party(&self, path: &[String]) -> bool {
        path.first().is_some_and(|first| {
            self.tables
                .names
                .get(first)
                .is_some_and(|symbol| self.tables.crates.contains(&symbol))
        })
    }

    /// Whether `module::name` is an item or module of the workspace.
    pub fn is_defined(&self, path: &[String]) -> bool {
        self.path_id(path)
            .is_some_and(|id| self.tables.defs.contains(&id))
    }

    /// The glob imports of `module` that lead outside the workspace
    /// (`use httpmock::prelude::*`), resolved, in source order. A name that
    /// nothing else explains may come from one of them: callers that
    /// recognise doubles or I/O by crate check these (DESIGN "External
    /// globs bring names"); [`Resolver::resolve`] itself leaves such a name
    /// as written, since `Ok` or `String` come from the prelude, not the glob.
    pub fn external_globs(&self, module: &[String]) -> Vec<PathSegments> {
        let Some(module) = self.path_id(module) else {
            return Vec::new();
        };
        self.tables
            .globs
            .get(&module)
            .into_iter()
            .flatten()
            .filter_map(|glob| self.tables.imports[*glob as usize].target)
            .filter(|target| !self.tables.is_first_party(*target))
            .map(|target| self.text(target))
            .collect()
    }

    /// The absolute path `path`, written in `module`, names.
    pub fn resolve(&self, module: &[String], path: &[String]) -> PathSegments {
        let mut lookups = 0;
        self.resolve_counting(module, path, &mut lookups)
    }

    /// [`Resolver::resolve`], counting the scope lookups it makes.
    pub fn resolve_counting(
        &self,
        module: &[String],
        path: &[String],
        lookups: &mut u64,
    ) -> PathSegments {
        let Some((first, rest)) = path.split_first() else {
            return Vec::new();
        };
        if module.is_empty() {
            return path.to_vec();
        }
        let tables = &self.tables;
        let module_id = self.path_id(module);
        let (base, rest): (Cursor, &[String]) = match first.as_str() {
            "::" => return rest.to_vec(),
            "crate" => (self.cursor(&module[..1]), rest),
            "self" => (self.cursor(module), rest),
            "super" => {
                let supers = path.iter().take_while(|s| *s == "super").count();
                let depth = module.len().saturating_sub(supers).max(1);
                (self.cursor(&module[..depth]), &path[supers..])
            }
            _ => {
                let found = match (module_id, tables.names.get(first)) {
                    (Some(module), Some(name)) => {
                        tables.lookup(module, name, Mode::Frozen, None, lookups)
                    }
                    _ => Lookup::NotFound,
                };
                match (found, tables.names.get(first)) {
                    (Lookup::Found(found), Some(name)) => (
                        Cursor::Id(tables.crate_over_item(found, name, rest.len())),
                        rest,
                    ),
                    _ => (self.cursor(std::slice::from_ref(first)), rest),
                }
            }
        };
        let mut cursor = base;
        for segment in rest {
            cursor = match cursor {
                Cursor::Id(base) => match tables.names.get(segment) {
                    Some(name) => {
                        let found = if tables.is_first_party(base) {
                            tables.lookup(base, name, Mode::Frozen, None, lookups)
                        } else {
                            Lookup::NotFound
                        };
                        match found {
                            Lookup::Found(found) => Cursor::Id(found),
                            _ => match tables.paths.child(base, name) {
                                Some(child) => Cursor::Id(child),
                                None => Cursor::Text(self.text(base), vec![segment]),
                            },
                        }
                    }
                    None => Cursor::Text(self.text(base), vec![segment]),
                },
                Cursor::Text(base, mut tail) => {
                    tail.push(segment);
                    Cursor::Text(base, tail)
                }
            };
        }
        match cursor {
            Cursor::Id(id) => self.text(id),
            Cursor::Text(mut base, tail) => {
                base.extend(tail.into_iter().cloned());
                base
            }
        }
    }

    /// The id of an absolute path, if the trie has it.
    fn path_id(&self, path: &[String]) -> Option<PathId> {
        path.iter().try_fold(PathId::ROOT, |parent, segment| {
            let name = self.tables.names.get(segment)?;
            self.tables.paths.child(parent, name)
        })
    }

    fn cursor<'a>(&self, path: &'a [String]) -> Cursor<'a> {
        match self.path_id(path) {
            Some(id) => Cursor::Id(id),
            None => Cursor::Text(path.to_vec(), Vec::new()),
        }
    }

    /// The segments of `path` as text.
    fn text(&self, path: PathId) -> PathSegments {
        self.tables
            .paths
            .segments(path)
            .into_iter()
            .map(|symbol| self.tables.names.text(symbol).to_string())
            .collect()
    }
}

/// Where a frozen resolution stands: on a known path, or past it in text.
enum Cursor<'a> {
    Id(PathId),
    Text(PathSegments, Vec<&'a String>),
}

/// Interns one file's modules, items and imports.
fn add_file(tables: &mut Tables, file: &SourceFile) {
    let module_id = |tables: &mut Tables, module: &[String]| -> PathId {
        let segments: Vec<_> = module.iter().map(|s| tables.names.intern(s)).collect();
        tables.paths.insert(segments)
    };
    for defined in &file.index.defined {
        let module = module_id(tables, &defined.module);
        let name = tables.names.intern(&defined.name);
        let item = tables.paths.child_or_insert(module, name);
        if tables.defs.insert(item) {
            tables.module_defs.entry(module).or_default().push(name);
        }
    }
    for use_item in &file.index.uses {
        let module = module_id(tables, &use_item.module);
        let name = (use_item.alias != "*").then(|| tables.names.intern(&use_item.alias));
        let path = use_item
            .target
            .iter()
            .map(|segment| tables.names.intern(segment))
            .collect();
        let id = tables.imports.len() as scopes::ImportId;
        tables.imports.push(Import {
            module,
            name,
            path,
            public: use_item.public,
            in_test: use_item.in_test,
            target: None,
        });
        tables.module_imports.entry(module).or_default().push(id);
        match name {
            Some(name) => tables.explicit.entry((module, name)).or_default().push(id),
            None => tables.globs.entry(module).or_default().push(id),
        }
    }
}
