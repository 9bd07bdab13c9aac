//! Building the resolver: imports resolved to a fixed point and export sets
//! built once per glob target (DESIGN.md, "Name resolution").
//!
//! Each round first builds the export sets whose inputs are final, then
//! tries every unresolved import in source order, strictly: an answer is
//! accepted only if nothing it read is still open. A round that settles
//! nothing means the rest wait on each other (a cycle, or globs that each
//! need the other to name their first segment); those are resolved
//! leniently, skipping what is open, and the rounds go on. There is no depth
//! limit: a re-export chain of any length settles one link per round at
//! worst, and each round only revisits what is still open.
//!
//! Export sets are built over the strongly connected components of the
//! public-glob graph (Tarjan's algorithm, iterative: chains may be long), so
//! a glob cycle shares one set and a prelude is flattened once, however
//! many modules glob it.

use super::intern::{PathId, Symbol};
use super::scopes::{ImportId, Mode, Tables};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Resolves every import and builds every needed export set; returns the
/// number of lookups it made.
pub fn fixed_point(tables: &mut Tables) -> u64 {
    let mut lookups = 0;
    let mut open: Vec<ImportId> = (0..tables.imports.len() as ImportId).collect();
    loop {
        let built = build_export_sets(tables, false);
        let before = open.len();
        open = settle(tables, open, Mode::Strict, &mut lookups);
        if open.is_empty() {
            build_export_sets(tables, true);
            return lookups;
        }
        if open.len() == before && !built {
            open = settle(tables, open, Mode::Lenient, &mut lookups);
        }
    }
}

/// Tries each open import; returns those still open.
fn settle(
    tables: &mut Tables,
    open: Vec<ImportId>,
    mode: Mode,
    lookups: &mut u64,
) -> Vec<ImportId> {
    let mut still_open = Vec::new();
    for id in open {
        let import = &tables.imports[id as usize];
        let (module, path) = (import.module, import.path.clone());
        match tables.resolve_written(module, &path, mode, Some(id), lookups) {
            Ok(target) => tables.imports[id as usize].target = Some(target),
            Err(()) => still_open.push(id),
        }
    }
    still_open
}

/// Builds the export sets that are needed and whose inputs are final (or
/// all needed ones, when `force`); returns whether it built any.
fn build_export_sets(tables: &mut Tables, force: bool) -> bool {
    let needed = needed_sets(tables);
    if needed.is_empty() {
        return false;
    }
    let mut built = false;
    for component in components(tables, &needed) {
        let ready = force || component_ready(tables, &component);
        if ready {
            let set = component_set(tables, &component);
            let index = tables.export_sets.len() as u32;
            tables.export_sets.push(set);
            for module in component {
                tables.export_of.insert(module, index);
            }
            built = true;
        }
    }
    built
}

/// Modules without a set that a resolved glob reads through its export
/// set (a glob from a module that is not below its target), and, through
/// public globs, what those sets are made of.
fn needed_sets(tables: &Tables) -> Vec<PathId> {
    let mut needed: Vec<PathId> = Vec::new();
    let mut seen: HashSet<PathId> = HashSet::default();
    for import in &tables.imports {
        if import.name.is_some() {
            continue;
        }
        let Some(target) = import.target else {
            continue;
        };
        if target == import.module
            || !tables.is_first_party(target)
            || tables.paths.starts_with(import.module, target)
            || tables.export_of.contains_key(&target)
        {
            continue;
        }
        if seen.insert(target) {
            needed.push(target);
        }
    }
    let mut next = 0;
    while next < needed.len() {
        let module = needed[next];
        next += 1;
        for target in public_glob_targets(tables, module) {
            if !tables.export_of.contains_key(&target) && seen.insert(target) {
                needed.push(target);
            }
        }
    }
    needed
}

/// Resolved first-party targets of `module`'s public globs.
fn public_glob_targets(tables: &Tables, module: PathId) -> impl Iterator<Item = PathId> + '_ {
    tables
        .globs
        .get(&module)
        .into_iter()
        .flatten()
        .filter_map(move |glob| {
            let import = &tables.imports[*glob as usize];
            let target = import.target?;
            (import.public && target != module && tables.is_first_party(target)).then_some(target)
        })
}

/// The strongly connected components of the public-glob graph among
/// `modules` (sets already built are leaves), dependencies first.
fn components(tables: &Tables, modules: &[PathId]) -> Vec<Vec<PathId>> {
    let inside: HashSet<PathId> = modules.iter().copied().collect();
    let successors = |module: PathId| -> Vec<PathId> {
        public_glob_targets(tables, module)
            .filter(|target| inside.contains(target))
            .collect()
    };
    // Iterative Tarjan.
    let mut index_of: HashMap<PathId, (u32, u32)> = HashMap::default(); // (index, lowlink)
    let mut on_stack: HashSet<PathId> = HashSet::default();
    let mut stack: Vec<PathId> = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0u32;
    for &start in modules {
        if index_of.contains_key(&start) {
            continue;
        }
        let mut work: Vec<(PathId, Vec<PathId>, usize)> = Vec::new();
        index_of.insert(start, (counter, counter));
        counter += 1;
        stack.push(start);
        on_stack.insert(start);
        work.push((start, successors(start), 0));
        while let Some((module, next, position)) = work.last_mut() {
            let module = *module;
            if let Some(&successor) = next.get(*position) {
                *position += 1;
                match index_of.get(&successor) {
                    None => {
                        index_of.insert(successor, (counter, counter));
                        counter += 1;
                        stack.push(successor);
                        on_stack.insert(successor);
                        let successors = successors(successor);
                        work.push((successor, successors, 0));
                    }
                    Some(&(index, _)) if on_stack.contains(&successor) => {
                        if let Some(entry) = index_of.get_mut(&module) {
                            entry.1 = entry.1.min(index);
                        }
                    }
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            let (index, low) = index_of[&module];
            if let Some((parent, _, _)) = work.last() {
                if let Some(entry) = index_of.get_mut(parent) {
                    entry.1 = entry.1.min(low);
                }
            }
            if index == low {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack.remove(&member);
                    component.push(member);
                    if member == module {
                        break;
                    }
                }
                component.sort();
                components.push(component);
            }
        }
    }
    components
}

/// Whether every input of a component's set is final: its members' public
/// imports resolved, and every public glob resolved and, outside the
/// component, already built.
fn component_ready(tables: &Tables, component: &[PathId]) -> bool {
    component.iter().all(|module| {
        tables
            .module_imports
            .get(module)
            .into_iter()
            .flatten()
            .map(|id| &tables.imports[*id as usize])
            .filter(|import| import.public)
            .all(|import| match import.target {
                None => false,
                Some(target) => {
                    import.name.is_some()
                        || target == *module
                        || !tables.is_first_party(target)
                        || component.contains(&target)
                        || tables.export_of.contains_key(&target)
                }
            })
    })
}

/// The export set of a component: each member's items and public imports
/// (members in path order, first binding of a name wins), then what their
/// public globs bring, in source order.
fn component_set(tables: &Tables, component: &[PathId]) -> HashMap<Symbol, PathId> {
    let mut set: HashMap<Symbol, PathId> = HashMap::default();
    for &module in component {
        for &name in tables.module_defs.get(&module).into_iter().flatten() {
            if let Some(item) = tables.paths.child(module, name) {
                set.entry(name).or_insert(item);
            }
        }
        for id in tables.module_imports.get(&module).into_iter().flatten() {
            let import = &tables.imports[*id as usize];
            let Some(name) = import.name else {
                continue;
            };
            if set.contains_key(&name) {
                continue;
            }
            // The binding `use` picks, among public ones.
            if let Some(chosen) = tables.binding(module, name, true, None) {
                if let Some(target) = tables.imports[chosen as usize].target {
                    set.insert(name, target);
                }
            }
        }
    }
    for &module in component {
        for target in public_glob_targets(tables, module) {
            if component.contains(&target) {
                continue;
            }
            let Some(index) = tables.export_of.get(&target) else {
                continue;
            };
            for (name, item) in &tables.export_sets[*index as usize] {
                set.entry(*name).or_insert(*item);
            }
        }
    }
    set
}
