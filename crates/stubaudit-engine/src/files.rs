//! Stage `files`: the module tree of every target, from its root file
//! through `mod name;` declarations (`name.rs`, `name/mod.rs`, `#[path]`,
//! declarations inside inline modules). Files are parsed and indexed on a
//! rayon pool as they are found, one file per task, so a few large files do
//! not hold up the rest; each `syn` tree is dropped as soon as its index is
//! out. A file under a package's `src/` that no module reaches is reported
//! as a note.

use crate::diagnostic::Diagnostic;
use crate::index::{extract, FileContext, FileIndex, ModDecl, PathSegments};
use crate::load::{TargetRole, Workspace};
use crate::parse::parse_file;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One indexed file and where it belongs.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Its index.
    pub index: FileIndex,
    /// The package it belongs to (index into `Workspace::packages`).
    pub package: usize,
    /// The role of the target that reached it first.
    pub role: TargetRole,
    /// Whether the whole file is test code.
    pub in_test: bool,
}

/// Every file the workspace's module trees reach, and the trouble met.
#[derive(Debug, Default)]
pub struct SourceTree {
    /// Files, sorted by path.
    pub files: Vec<SourceFile>,
    /// Files that could not be read or parsed, missing module files,
    /// unreached files.
    pub diagnostics: Vec<Diagnostic>,
}

struct Job {
    /// The target's place in manifest order: of two targets reaching one
    /// file, the first claims it.
    order: usize,
    /// The job whose module declared this file: (path, order).
    parent: Option<(PathBuf, usize)>,
    path: PathBuf,
    module: PathSegments,
    in_test: bool,
    mod_root: bool,
    package: usize,
    role: TargetRole,
}

struct Shared {
    /// Path → the first target (in manifest order) that reached it so far.
    seen: Mutex<HashMap<PathBuf, usize>>,
    out: Mutex<Vec<Claimed>>,
}

/// What one job found, kept only if its claim holds at the end.
struct Claimed {
    path: PathBuf,
    order: usize,
    parent: Option<(PathBuf, usize)>,
    file: Option<SourceFile>,
    diagnostics: Vec<Diagnostic>,
}

/// Finds, parses and indexes every file of every target, using `jobs`
/// threads (`None`: all cores).
pub fn collect(workspace: &Workspace, jobs: Option<usize>) -> SourceTree {
    let mut roots = Vec::new();
    for (package_index, package) in workspace.packages.iter().enumerate() {
        for target in &package.targets {
            roots.push(Job {
                order: roots.len(),
                parent: None,
                path: target.root.clone(),
                module: vec![target.crate_name.clone()],
                in_test: target.role.is_test() || package.test_support,
                mod_root: true,
                package: package_index,
                role: target.role,
            });
        }
    }
    let shared = Shared {
        seen: Mutex::new(HashMap::new()),
        out: Mutex::new(Vec::new()),
    };
    // Every target at once, so both threads stay busy to the end. A file
    // two targets reach (a `tests/common/mod.rs`) belongs to the first in
    // manifest order: a later target's claim gives way to an earlier one's,
    // and what the later one found there is dropped at the end, whatever
    // the threads did first. So the report is deterministic.
    let run = |shared: &Shared| {
        rayon::scope(|scope| {
            for job in roots {
                spawn(scope, shared, job);
            }
        });
    };
    // Parse threads get a big stack: syn recurses once per nesting level
    // (see `parse::STACK_SIZE`). Should the system refuse that many
    // threads, one will do.
    let pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(crate::parse::STACK_SIZE)
            .thread_name(|index| format!("stubaudit-parse-{index}"))
            .build()
    };
    match pool(jobs.unwrap_or(0)).or_else(|_| pool(1)) {
        Ok(pool) => pool.install(|| run(&shared)),
        Err(_) => run(&shared),
    }
    let claimed = shared
        .out
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let seen = shared
        .seen
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut tree = kept(claimed, &seen);
    let seen: HashSet<PathBuf> = seen.into_keys().collect();
    tree.diagnostics.extend(unreached_files(workspace, &seen));
    tree.files.sort_by(|a, b| a.index.path.cmp(&b.index.path));
    tree.diagnostics.sort();
    tree
}

fn spawn<'s>(scope: &rayon::Scope<'s>, shared: &'s Shared, job: Job) {
    {
        let mut seen = shared
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match seen.get(&job.path) {
            Some(&first) if first <= job.order => return,
            _ => {
                seen.insert(job.path.clone(), job.order);
            }
        }
    }
    scope.spawn(move |scope| {
        let parsed = match parse_file(&job.path) {
            Ok(parsed) => parsed,
            Err(diagnostic) => {
                push(shared, &job, None, vec![diagnostic]);
                // Its `mod` declarations are lost with it: audit the
                // module files that sit where they would be.
                for child in child_modules_on_disk(&job) {
                    spawn(scope, shared, child);
                }
                return;
            }
        };
        let context = FileContext {
            path: &job.path,
            module: job.module.clone(),
            in_test: job.in_test,
        };
        let index = extract(
            &context,
            &parsed.syntax,
            parsed.code_lines,
            parsed.line_count,
        );
        drop(parsed.syntax);
        let mut diagnostics: Vec<Diagnostic> = index
            .notes
            .iter()
            .map(|(line, message)| Diagnostic::note(&job.path, Some(*line), message.clone()))
            .collect();
        for decl in &index.mod_decls {
            match module_file(&job.path, job.mod_root, decl) {
                Ok((path, mod_root)) => spawn(
                    scope,
                    shared,
                    Job {
                        order: job.order,
                        parent: Some((job.path.clone(), job.order)),
                        path,
                        module: decl.module.to_vec(),
                        in_test: job.in_test || decl.in_test,
                        mod_root: if decl.include { job.mod_root } else { mod_root },
                        package: job.package,
                        role: job.role,
                    },
                ),
                Err(tried) => diagnostics.push(Diagnostic::warning(
                    &job.path,
                    Some(decl.line),
                    if decl.include {
                        format!("file of `include!` not found (looked for {tried})")
                    } else {
                        format!(
                            "file for module `{}` not found (looked for {tried})",
                            decl.name
                        )
                    },
                )),
            }
        }
        let file = SourceFile {
            index,
            package: job.package,
            role: job.role,
            in_test: job.in_test,
        };
        push(shared, &job, Some(file), diagnostics);
    });
}

/// The files of `job`'s child modules as they would be declared
/// (`name.rs`, `name/mod.rs` in its module directory), for a file that
/// could not be read: its declarations, `#[path]` and `cfg` are unknown,
/// so a child named `tests` or `test` is taken for test code, as it
/// nearly always is.
fn child_modules_on_disk(job: &Job) -> Vec<Job> {
    let parent = job.path.parent().unwrap_or(Path::new(""));
    let dir = match (job.mod_root, job.path.file_stem()) {
        (true, _) => parent.to_path_buf(),
        (false, Some(stem)) => parent.join(stem),
        (false, None) => return Vec::new(),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut children: Vec<(String, PathBuf, bool)> = entries
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let file_type = entry.file_type().ok()?;
            if file_type.is_dir() {
                let name = entry.file_name().to_str()?.to_string();
                let file = path.join("mod.rs");
                file.is_file().then_some((name, file, true))
            } else {
                let name = path.file_stem()?.to_str()?.to_string();
                let is_rs = path.extension().is_some_and(|ext| ext == "rs");
                let is_root = job.mod_root && matches!(name.as_str(), "lib" | "main" | "mod");
                (is_rs && !is_root && path != job.path).then_some((name, path, false))
            }
        })
        .filter(|(name, _, _)| syn::parse_str::<syn::Ident>(name).is_ok())
        .collect();
    children.sort();
    children
        .into_iter()
        .map(|(name, path, mod_root)| {
            let mut module = job.module.clone();
            module.push(name.clone());
            Job {
                order: job.order,
                parent: Some((job.path.clone(), job.order)),
                path,
                module,
                in_test: job.in_test || name == "tests" || name == "test",
                mod_root,
                package: job.package,
                role: job.role,
            }
        })
        .collect()
}

/// Records what `job` found.
fn push(shared: &Shared, job: &Job, file: Option<SourceFile>, diagnostics: Vec<Diagnostic>) {
    let mut out = shared
        .out
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    out.push(Claimed {
        path: job.path.clone(),
        order: job.order,
        parent: job.parent.clone(),
        file,
        diagnostics,
    });
}

/// What the final claims keep: a job's findings when its file is still
/// its target's and so is every file on the way down from the root (a
/// later target's subtree under a file an earlier one took over goes).
fn kept(claimed: Vec<Claimed>, seen: &HashMap<PathBuf, usize>) -> SourceTree {
    let parents: HashMap<(PathBuf, usize), Option<(PathBuf, usize)>> = claimed
        .iter()
        .map(|claim| ((claim.path.clone(), claim.order), claim.parent.clone()))
        .collect();
    let holds = |path: &PathBuf, order: usize| -> bool {
        let mut current = Some((path.clone(), order));
        while let Some((path, order)) = current {
            if seen.get(&path) != Some(&order) {
                return false;
            }
            current = parents.get(&(path, order)).cloned().flatten();
        }
        true
    };
    let mut tree = SourceTree::default();
    for claim in claimed {
        if holds(&claim.path, claim.order) {
            tree.files.extend(claim.file);
            tree.diagnostics.extend(claim.diagnostics);
        }
    }
    tree
}

/// The file of `decl`, declared in `parent` (a `mod.rs`-like file when
/// `parent_mod_root`), and whether that file is itself `mod.rs`-like; or the
/// paths tried.
pub fn module_file(
    parent: &Path,
    parent_mod_root: bool,
    decl: &ModDecl,
) -> Result<(PathBuf, bool), String> {
    let parent_dir = parent.parent().unwrap_or(Path::new(""));
    let mut dir = parent_dir.to_path_buf();
    if !parent_mod_root {
        if let Some(stem) = parent.file_stem() {
            dir.push(stem);
        }
    }
    if let Some(path_attr) = &decl.path_attr {
        let base = if decl.inline_parents.is_empty() || decl.include {
            parent_dir.to_path_buf()
        } else {
            decl.inline_parents
                .iter()
                .fold(dir, |dir, name| dir.join(name))
        };
        let path = crate::load::lexically_normal(&base.join(path_attr));
        return if path.is_file() {
            Ok((path, true))
        } else {
            Err(format!("`{}`", path.display()))
        };
    }
    for name in &decl.inline_parents {
        dir.push(name);
    }
    let flat = dir.join(format!("{}.rs", decl.name));
    if flat.is_file() {
        return Ok((flat, false));
    }
    let nested = dir.join(&decl.name).join("mod.rs");
    if nested.is_file() {
        return Ok((nested, true));
    }
    Err(format!("`{}` or `{}`", flat.display(), nested.display()))
}

/// `.rs` files under each package's `src/` that no module tree reached.
fn unreached_files(workspace: &Workspace, seen: &HashSet<PathBuf>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for package in &workspace.packages {
        let mut stack = vec![package.dir.join("src")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                // Not `path.is_dir()`: a symlink to `..` would loop.
                if entry.file_type().is_ok_and(|file_type| file_type.is_dir()) {
                    stack.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") && !seen.contains(&path) {
                    diagnostics.push(Diagnostic::note(
                        &path,
                        None,
                        "no module reaches this file; it is not audited",
                    ));
                }
            }
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two integration tests share `tests/common/mod.rs` (whose own child
    /// module hangs below it); the first test target in manifest order
    /// owns both files, on every run and thread count, as when targets
    /// were read one after another.
    #[test]
    fn a_shared_file_belongs_to_the_first_target_that_reaches_it() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("tempdir: {error}"),
        };
        let root = dir.path().to_path_buf();
        let files = [
            ("src/lib.rs", "pub fn f() {}\n"),
            ("tests/a.rs", "mod common;\n#[test]\nfn a() {}\n"),
            ("tests/b.rs", "mod common;\n#[test]\nfn b() {}\n"),
            ("tests/common/mod.rs", "pub mod helper;\n"),
            ("tests/common/helper.rs", "pub fn help() {}\n"),
        ];
        for (path, text) in files {
            let path = root.join(path);
            if let Err(error) = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, text))
            {
                panic!("write {}: {error}", path.display());
            }
        }
        let target = |name: &str, role: TargetRole, file: &str| crate::load::Target {
            crate_name: name.to_string(),
            role,
            root: root.join(file),
        };
        let workspace = Workspace {
            root: root.clone(),
            packages: vec![crate::load::Package {
                name: "demo".to_string(),
                dir: root.clone(),
                targets: vec![
                    target("demo", TargetRole::Lib, "src/lib.rs"),
                    target("a", TargetRole::Test, "tests/a.rs"),
                    target("b", TargetRole::Test, "tests/b.rs"),
                ],
                selected: true,
                config: serde_json::Value::Null,
                test_support: false,
                workspace_deps: Vec::new(),
                publishable: false,
            }],
            config: serde_json::Value::Null,
        };
        for jobs in [1, 2, 2, 2, 4] {
            let tree = collect(&workspace, Some(jobs));
            let modules: Vec<(String, String)> = tree
                .files
                .iter()
                .map(|file| {
                    let path = file
                        .index
                        .path
                        .strip_prefix(&root)
                        .unwrap_or(&file.index.path);
                    (path.display().to_string(), file.index.module.join("::"))
                })
                .collect();
            assert_eq!(
                modules,
                [
                    ("src/lib.rs", "demo"),
                    ("tests/a.rs", "a"),
                    ("tests/b.rs", "b"),
                    ("tests/common/helper.rs", "a::common::helper"),
                    ("tests/common/mod.rs", "a::common"),
                ]
                .map(|(path, module)| (path.to_string(), module.to_string())),
                "with {jobs} threads"
            );
        }
    }

    #[test]
    fn dot_segments_fold_away() {
        assert_eq!(
            crate::load::lexically_normal(Path::new("/w/src/sub/../other.rs")),
            PathBuf::from("/w/src/other.rs")
        );
        assert_eq!(
            crate::load::lexically_normal(Path::new("/w/src/./a.rs")),
            PathBuf::from("/w/src/a.rs")
        );
    }

    #[test]
    fn a_path_attribute_through_a_parent_dir_names_one_file() {
        let decl = ModDecl {
            name: "other".to_string(),
            module: vec!["demo".to_string(), "other".to_string()].into(),
            path_attr: Some("sub/../files.rs".to_string()),
            inline_parents: Vec::new(),
            in_test: false,
            line: 1,
            include: false,
        };
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
        let found = module_file(&here, true, &decl).map(|(path, _)| path);
        assert_eq!(
            found,
            Ok(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/files.rs"))
        );
    }
}
