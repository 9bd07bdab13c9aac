//! # stubaudit-engine
//!
//! Finds every test double in a Rust workspace, measures how high above the
//! I/O boundary each stub sits, and lists the production lines it hides.
//!
//! The pipeline runs in one direction, one module per stage, plain data
//! between stages:
//!
//! | stage | module | in → out |
//! | --- | --- | --- |
//! | load | [`load`] | manifest → packages, targets (`cargo metadata --no-deps`) |
//! | files | [`files`] | target roots → every module file, parsed and indexed in parallel |
//! | parse | [`parse`] | one file → `syn::File` + its code lines |
//! | index | [`index`] | `syn::File` → compact [`index::FileIndex`]; the tree is dropped |
//! | graph | [`graph`] | indexes → symbol tables, resolved call edges |
//! | sinks | [`sinks`] | the I/O catalog the graph classifies external calls with |
//! | doubles | [`doubles`] | graph → double types and stub sites |
//! | measure | [`measure`] | stub sites → height, status, hidden lines, finding |
//! | coverage | [`coverage`] | LCOV / llvm-cov JSON → uncovered hidden lines |
//! | report | [`report`] | the `stubaudit-report/1` data model |
//!
//! **Architecture invariants.** The engine never prints, never exits, never
//! builds or runs the audited code and never writes into the audited
//! workspace (`cargo metadata` runs `--no-deps --offline`). Its output is
//! deterministic: the same workspace gives the same report whatever the
//! thread count. A file that cannot be read or parsed is a [`Diagnostic`] and
//! the audit goes on; only a missing manifest, a failing `cargo metadata`
//! or an unreadable coverage file stop it, as an [`AuditError`].

pub mod code;
pub mod coverage;
pub mod diagnostic;
pub mod doubles;
pub mod error;
pub mod files;
pub mod graph;
pub mod index;
pub mod load;
pub mod measure;
pub mod parse;
pub mod report;
pub mod sinks;

pub use code::{AuditCode, Code, Level};
pub use diagnostic::Diagnostic;
pub use error::AuditError;
pub use load::{Selection, Workspace};
pub use measure::Policy;
pub use report::Report;
pub use sinks::Catalog;

use std::collections::HashSet;
use std::path::PathBuf;

/// What to audit and how.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Threads for parsing; `None` uses every core.
    pub jobs: Option<usize>,
    /// The I/O catalog, with configured additions.
    pub catalog: Catalog,
    /// How findings are judged.
    pub policy: Policy,
    /// A coverage file to join.
    pub coverage: Option<PathBuf>,
    /// The version written into the report.
    pub tool_version: String,
}

/// Per package, itself and the workspace members it depends on,
/// transitively: the only places a production implementation its tests
/// replace can live in.
fn reachable_packages(workspace: &Workspace) -> Vec<rustc_hash::FxHashSet<usize>> {
    let index_of = |name: &str| {
        workspace
            .packages
            .iter()
            .position(|package| package.name == name)
    };
    (0..workspace.packages.len())
        .map(|start| {
            let mut reach = rustc_hash::FxHashSet::default();
            let mut stack = vec![start];
            while let Some(package) = stack.pop() {
                if reach.insert(package) {
                    stack.extend(
                        workspace.packages[package]
                            .workspace_deps
                            .iter()
                            .filter_map(|dep| index_of(dep)),
                    );
                }
            }
            reach
        })
        .collect()
}

/// Audits a loaded workspace.
pub fn audit(workspace: &Workspace, options: &AuditOptions) -> Result<Report, AuditError> {
    audit_with_stages(workspace, options, &mut |_| {})
}

/// [`audit`], calling `stage_done` with each stage's name as it ends
/// (`files`, `graph`, `doubles`, `measure`, `report`): what `cargo xtask
/// bench` times, on the very pipeline the CLI runs.
pub fn audit_with_stages(
    workspace: &Workspace,
    options: &AuditOptions,
    stage_done: &mut dyn FnMut(&'static str),
) -> Result<Report, AuditError> {
    let tree = files::collect(workspace, options.jobs);
    stage_done("files");
    let crate_names: HashSet<String> = workspace
        .packages
        .iter()
        .flat_map(|package| {
            package
                .targets
                .iter()
                .map(|target| target.crate_name.clone())
        })
        .collect();
    let selected: HashSet<usize> = workspace
        .packages
        .iter()
        .enumerate()
        .filter(|(_, package)| package.selected)
        .map(|(index, _)| index)
        .collect();
    let mut diagnostics = tree.diagnostics;
    let lock = workspace.root.join("Cargo.lock");
    let (derived, lock_diagnostic) = sinks::lockfile::read(&lock);
    diagnostics.extend(lock_diagnostic);
    let mut catalog = options.catalog.clone();
    catalog.add_derived(derived);
    // Why each derived crate the selected packages use counts, for `-v`
    // and the JSON diagnostics.
    let selected_names: HashSet<&str> = workspace
        .packages
        .iter()
        .filter(|package| package.selected)
        .map(|package| package.name.as_str())
        .collect();
    diagnostics.extend(
        catalog
            .derived()
            .into_iter()
            .filter(|derived| {
                derived
                    .users
                    .iter()
                    .any(|user| selected_names.contains(user.as_str()))
            })
            .map(|derived| Diagnostic::note(&lock, None, sinks::lockfile::explain(derived))),
    );
    let mut graph = graph::Graph::build(tree.files, crate_names, catalog);
    graph.reach = reachable_packages(workspace);
    stage_done("graph");
    let doubles = doubles::find(&graph);
    stage_done("doubles");
    let stubs = measure::measure(&graph, &doubles, &options.policy, workspace);
    stage_done("measure");
    diagnostics.retain(|diagnostic| {
        diagnostic.file == lock
            || workspace
                .packages
                .iter()
                .filter(|package| package.selected)
                .any(|package| diagnostic.file.starts_with(&package.dir))
    });
    let mut report = Report::new(&workspace.root, &options.tool_version, stubs, &diagnostics);
    if let Some(coverage_file) = &options.coverage {
        let wanted = coverage::wanted(&report, &graph, &workspace.root);
        let coverage = coverage::read(coverage_file, &wanted, &workspace.root)?;
        coverage::join(&mut report, &coverage, &graph, &workspace.root, &selected);
        report.summarize();
    }
    stage_done("report");
    // Freeing the graph's many small allocations takes a noticeable share of
    // a large audit: do it on another thread (rust-analyzer's trick), so
    // the report is back as soon as it is made.
    drop(doubles);
    let _ = std::thread::Builder::new()
        .name("stubaudit-drop".to_string())
        .spawn(move || drop(graph));
    Ok(report)
}
