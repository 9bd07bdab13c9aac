//! `--diff-base REV`: the findings that the change since git revision REV
//! adds or makes worse. The same members are audited twice, as they are
//! now and as they were at REV, and matched with the baseline's rules
//! ([`baseline::compare`]: same key, new or higher or hiding more lines);
//! the report keeps only the new and worse ones, so a pull request's
//! summary shows what this change did. The base is audited under its own
//! `stubaudit` tables and the same flags, without coverage (so uncovered
//! counts never make a finding worse).
//!
//! **How the base is read.** With git's plumbing, never its porcelain, and
//! never through the user's worktree or index: `git rev-parse` finds the
//! workspace's place in the repository and REV's commit, `git ls-tree -r
//! -z` lists REV's tree, and `git cat-file --batch` streams the blobs the
//! audit reads (every `Cargo.toml` and `*.rs` file; nothing else is read by
//! `cargo metadata --no-deps` or the audit) into a temporary directory
//! outside the workspace, which is dropped after the run. Nothing is
//! checked out, stashed or locked; `GIT_OPTIONAL_LOCKS=0` keeps even the
//! index's stat refresh away.
//!
//! **Why plumbing and not `git archive` or `git worktree add`.** The
//! repository under audit may be an untrusted checkout (a pull request
//! from a fork), and its `.git/config` and `.gitattributes` can make git
//! run programs: `filter.*.smudge` and `textconv` drivers (which `git
//! archive` and a checkout apply), `core.fsmonitor` (started by commands
//! that read the index), hooks (run by porcelain such as `worktree add`),
//! and `core.sshCommand` or remote helpers (run when a partial clone
//! lazily fetches a missing blob). `cat-file --batch` without `--filters`
//! or `--textconv` gives the committed bytes and runs no driver, and every
//! git call here also passes `-c core.fsmonitor=false -c
//! core.hooksPath=/dev/null -c protocol.allow=never` and
//! `GIT_NO_LAZY_FETCH=1`, so no program that the repository configures
//! runs and nothing reaches the network. Only `Cargo.toml` and `*.rs` files
//! are extracted, so REV's `.cargo/config.toml` or `rust-toolchain.toml`
//! cannot steer the `cargo metadata` run on the base either. The tree's paths are checked
//! (plain relative components only, no `.git`) and files are created with
//! `create_new`, so a crafted tree cannot write outside the directory;
//! symlinks are not created but copied from the file they name inside the
//! tree. Std only: the batch protocol is a header line per object, so
//! neither a tar crate nor a git library is needed; `tempfile` makes the
//! directory.
//!
//! Limits: submodules and directories reached through symlinks are not
//! in the base (their findings count as new); a path dependency outside
//! the repository must resolve from the temporary directory too.

mod git;

pub use git::Git;

use crate::baseline::{self, Baseline, Comparison};
use anyhow::{bail, Context, Result};
use git::Entry;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use stubaudit_engine::Report;

/// Symlinks followed from one tree entry before giving up.
const MAX_LINKS: usize = 8;

/// REV's files, copied into a temporary directory.
#[derive(Debug)]
pub struct BaseTree {
    dir: tempfile::TempDir,
    /// The workspace root's path inside the repository.
    workspace_dir: PathBuf,
    /// REV's full commit id.
    pub commit: String,
    /// Files written.
    pub files: usize,
}

impl BaseTree {
    /// Reads REV of the repository holding `workspace_root` with the `git`
    /// on `PATH`.
    pub fn read(workspace_root: &Path, rev: &str) -> Result<BaseTree> {
        BaseTree::read_with(&Git::new("git".into(), workspace_root), rev)
    }

    /// Reads REV through `git`.
    pub fn read_with(git: &Git, rev: &str) -> Result<BaseTree> {
        let prefix = git.workspace_prefix()?;
        let commit = git.commit(rev)?;
        let entries = git.tree(&commit)?;
        let dir = tempfile::Builder::new()
            .prefix("stubaudit-base-")
            .tempdir()
            .context("could not create a temporary directory for `--diff-base`")?;
        let files = write_tree(git, &entries, dir.path())?;
        Ok(BaseTree {
            dir,
            workspace_dir: prefix,
            commit,
            files,
        })
    }

    /// The workspace manifest at REV, when REV has one.
    pub fn manifest(&self) -> Option<PathBuf> {
        let manifest = self.dir.path().join(&self.workspace_dir).join("Cargo.toml");
        manifest.is_file().then_some(manifest)
    }

    /// The workspace root's path inside the repository (empty at the top).
    pub fn workspace_dir(&self) -> &Path {
        &self.workspace_dir
    }
}

/// Compares `report` with the `base` audited at REV: fills
/// `report.baseline` (its `file` is `git:REV`), keeps only the new and
/// worse findings, and recounts the summary over them.
pub fn compare(report: &mut Report, base: &Baseline, rev: &str) -> Comparison {
    let comparison = baseline::compare(report, base, &format!("git:{rev}"));
    let info = &comparison.info;
    report
        .stubs
        .retain(|stub| info.new.contains(&stub.id) || info.worse.contains(&stub.id));
    report.summarize();
    comparison
}

/// Whether the audit reads a file of this name.
fn read_by_audit(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "Cargo.toml")
        || path.extension().is_some_and(|extension| extension == "rs")
}

/// `path` if it is plain and relative (no `..`, no root, no `.git`), so
/// writing it under the temporary directory stays there.
fn checked(path: &Path) -> Result<&Path> {
    let plain = path.components().all(|component| match component {
        Component::Normal(name) => !name.eq_ignore_ascii_case(".git"),
        _ => false,
    });
    if !plain {
        bail!("unexpected path `{}` in the git tree", path.display());
    }
    Ok(path)
}

/// Where a symlink entry leads inside the tree, following up to
/// [`MAX_LINKS`] links; `None` when it leaves the tree or names no file.
fn resolve_link<'a>(
    entries: &'a BTreeMap<PathBuf, Entry>,
    targets: &HashMap<String, Vec<u8>>,
    path: &Path,
) -> Option<&'a Entry> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let entry = entries.get(&path)?;
        if entry.mode != "120000" {
            return Some(entry);
        }
        let target = String::from_utf8_lossy(targets.get(&entry.oid)?).into_owned();
        let mut next = path.parent()?.to_path_buf();
        for component in Path::new(&target).components() {
            match component {
                Component::Normal(name) => next.push(name),
                Component::ParentDir => {
                    if !next.pop() {
                        return None;
                    }
                }
                Component::CurDir => {}
                Component::RootDir | Component::Prefix(_) => return None,
            }
        }
        path = next;
    }
    None
}

/// Writes the files the audit reads from `entries` under `dir`; returns
/// how many.
fn write_tree(git: &Git, entries: &BTreeMap<PathBuf, Entry>, dir: &Path) -> Result<usize> {
    let wanted: Vec<&PathBuf> = entries.keys().filter(|path| read_by_audit(path)).collect();
    // Symlinks first: their blobs are the paths they name.
    let mut links: HashMap<String, Vec<u8>> = HashMap::new();
    let link_oids: Vec<String> = entries
        .values()
        .filter(|entry| entry.mode == "120000")
        .map(|entry| entry.oid.clone())
        .collect();
    if wanted.iter().any(|path| entries[*path].mode == "120000") {
        git.cat_blobs(link_oids, |oid, contents| {
            links.insert(oid.to_string(), contents);
            Ok(())
        })?;
    }
    let mut destinations: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for path in wanted {
        let Some(entry) = resolve_link(entries, &links, path) else {
            continue;
        };
        destinations
            .entry(entry.oid.clone())
            .or_default()
            .push(dir.join(checked(path)?));
    }
    let mut oids: Vec<String> = destinations.keys().cloned().collect();
    oids.sort();
    let mut files = 0;
    git.cat_blobs(oids, |oid, contents| {
        for path in destinations.get(oid).into_iter().flatten() {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("could not create `{}`", parent.display()))?;
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| format!("could not create `{}`", path.display()))?;
            file.write_all(&contents)
                .with_context(|| format!("could not write `{}`", path.display()))?;
            files += 1;
        }
        Ok(())
    })?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_git_is_named() {
        let git = Git::new("no-such-git-program".into(), Path::new("."));
        let error = BaseTree::read_with(&git, "HEAD").map(|tree| tree.commit);
        assert_eq!(
            error.map_err(|error| error.to_string()),
            Err("`--diff-base` needs git, and `no-such-git-program` was not found".to_string())
        );
    }

    #[test]
    fn tree_paths_stay_inside() {
        assert!(checked(Path::new("crates/a/src/lib.rs")).is_ok());
        assert!(checked(Path::new("")).is_ok());
        for bad in [
            "../x.rs",
            "/etc/x.rs",
            "a/../../x.rs",
            "a/.git/config",
            "a/.GIT/x.rs",
        ] {
            assert!(checked(Path::new(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn symlinks_resolve_inside_the_tree_only() {
        let entry = |mode: &str, oid: &str| Entry {
            mode: mode.to_string(),
            oid: oid.to_string(),
        };
        let entries: BTreeMap<PathBuf, Entry> = [
            ("a/src/lib.rs", entry("100644", "real")),
            ("b/src/lib.rs", entry("120000", "link1")),
            ("c/src/lib.rs", entry("120000", "link2")),
            ("d/src/lib.rs", entry("120000", "link3")),
        ]
        .into_iter()
        .map(|(path, entry)| (PathBuf::from(path), entry))
        .collect();
        let targets: HashMap<String, Vec<u8>> = [
            ("link1", "../../a/src/lib.rs"),
            ("link2", "../../../outside.rs"),
            ("link3", "../../b/src/lib.rs"),
        ]
        .into_iter()
        .map(|(oid, target)| (oid.to_string(), target.as_bytes().to_vec()))
        .collect();
        let oid = |path: &str| {
            resolve_link(&entries, &targets, Path::new(path)).map(|entry| entry.oid.clone())
        };
        assert_eq!(oid("b/src/lib.rs"), Some("real".to_string()));
        assert_eq!(oid("c/src/lib.rs"), None);
        assert_eq!(oid("d/src/lib.rs"), Some("real".to_string()), "a chain");
    }
}
