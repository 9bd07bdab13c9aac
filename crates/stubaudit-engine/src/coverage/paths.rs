//! Which workspace file a coverage record (`SF:` path, llvm-cov
//! `filename`) is about. Producers write absolute paths of the machine that
//! ran the tests, relative paths (`--remap-path-prefix`), or paths under
//! another checkout; all are matched to workspace-relative paths here, by
//! plain string work on `/`-separated components (std only).

use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What a coverage path turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Resolved {
    /// A file the audit indexed, by its workspace-relative path.
    Workspace(String),
    /// A path inside the workspace (or the checkout the coverage was made
    /// in) whose file no longer exists: stale coverage.
    Gone(String),
    /// Anything else: dependencies, the standard library, generated files.
    Outside,
}

/// Matches coverage paths against the workspace's indexed files.
pub(super) struct PathMatcher<'a> {
    root: &'a Path,
    root_text: String,
    known: HashSet<&'a str>,
    by_name: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> PathMatcher<'a> {
    /// A matcher for `files`, workspace-relative with `/` separators.
    pub(super) fn new(root: &'a Path, files: &'a [String]) -> Self {
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        for file in files {
            let name = file.rsplit('/').next().unwrap_or(file);
            by_name.entry(name).or_default().push(file);
        }
        PathMatcher {
            root,
            root_text: normalize(&root.to_string_lossy()),
            known: files.iter().map(String::as_str).collect(),
            by_name,
        }
    }

    /// Resolves every path at once: a path from another checkout is
    /// matched by the longest workspace-relative suffix, and only under the
    /// checkout prefix most files agree on, so a dependency's `src/lib.rs`
    /// is not taken for the workspace's.
    pub(super) fn resolve_all(&self, paths: &[&str]) -> Vec<Resolved> {
        let normalized: Vec<String> = paths.iter().map(|path| normalize(path)).collect();
        let mut resolved: Vec<Option<Resolved>> = Vec::with_capacity(paths.len());
        let mut suffix_matches: Vec<Option<(String, &str)>> = Vec::with_capacity(paths.len());
        for path in &normalized {
            let direct = self.direct(path);
            suffix_matches.push(match direct {
                Some(_) => None,
                None => self.longest_suffix(path),
            });
            resolved.push(direct);
        }
        // The checkout prefix most suffix matches share.
        let mut votes: HashMap<&str, usize> = HashMap::new();
        for (prefix, _) in suffix_matches.iter().flatten() {
            *votes.entry(prefix.as_str()).or_default() += 1;
        }
        // When paths name workspace files as they stand, the coverage comes
        // from this checkout: a suffix match is then a dependency's file
        // (`…/registry/…/dep-1.0/src/lib.rs`), never one of ours.
        let any_direct = resolved
            .iter()
            .any(|direct| matches!(direct, Some(Resolved::Workspace(_))));
        let prefix = votes
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.len().cmp(&a.0.len())))
            .map(|(prefix, _)| prefix.to_string())
            .filter(|_| !any_direct);
        normalized
            .iter()
            .zip(resolved)
            .zip(&suffix_matches)
            .map(|((path, direct), suffix)| {
                if let Some(direct) = direct {
                    return direct;
                }
                let Some(prefix) = &prefix else {
                    return Resolved::Outside;
                };
                match suffix {
                    Some((own, file)) if own == prefix => Resolved::Workspace(file.to_string()),
                    _ => match path.strip_prefix(prefix.as_str()) {
                        Some(rest) if !rest.is_empty() && !self.root.join(rest).exists() => {
                            Resolved::Gone(rest.to_string())
                        }
                        _ => Resolved::Outside,
                    },
                }
            })
            .collect()
    }

    /// The one workspace file `path` can turn out to be, known as soon as
    /// the path is read: the file it names directly, else the longest
    /// workspace file it ends with. [`PathMatcher::resolve_all`] decides
    /// later, over every path, whether a suffix match stands.
    pub(super) fn candidate(&self, path: &str) -> Option<&'a str> {
        let path = normalize(path);
        let direct = if is_absolute(&path) {
            path.strip_prefix(self.root_text.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|rest| self.known.get(rest).copied())
        } else {
            self.known.get(path.as_str()).copied()
        };
        direct.or_else(|| self.longest_suffix(&path).map(|(_, file)| file))
    }

    /// A path that names a workspace file as it stands: relative to the
    /// root, or absolute under it.
    fn direct(&self, path: &str) -> Option<Resolved> {
        if !is_absolute(path) {
            return self
                .known
                .contains(path)
                .then(|| Resolved::Workspace(path.to_string()));
        }
        let rest = path
            .strip_prefix(self.root_text.as_str())?
            .strip_prefix('/')?;
        if self.known.contains(rest) {
            Some(Resolved::Workspace(rest.to_string()))
        } else if self.root.join(rest).exists() {
            Some(Resolved::Outside)
        } else {
            Some(Resolved::Gone(rest.to_string()))
        }
    }

    /// The longest workspace file that `path` ends with, and the prefix
    /// before it (ending in `/`, or empty).
    fn longest_suffix(&self, path: &str) -> Option<(String, &'a str)> {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.by_name
            .get(name)?
            .iter()
            .filter(|file| {
                path.strip_suffix(**file)
                    .is_some_and(|prefix| prefix.is_empty() || prefix.ends_with('/'))
            })
            .max_by_key(|file| file.len())
            .map(|file| (path[..path.len() - file.len()].to_string(), *file))
    }
}

/// `/` separators, no `./` segments, no `file://` scheme, no doubled `/`.
fn normalize(path: &str) -> String {
    let path = path.strip_prefix("file://").unwrap_or(path);
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// `/…` or a Windows drive (`C:/…`).
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (bytes.len() > 2
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && bytes[2] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(paths: &[&str]) -> Vec<Resolved> {
        let files = vec![
            "app/src/lib.rs".to_string(),
            "app/src/jira.rs".to_string(),
            "src/lib.rs".to_string(),
        ];
        PathMatcher::new(Path::new("/nonexistent/ws"), &files).resolve_all(paths)
    }

    fn workspace(path: &str) -> Resolved {
        Resolved::Workspace(path.to_string())
    }

    #[test]
    fn absolute_under_the_root_and_relative_paths_match_directly() {
        assert_eq!(
            resolve(&["/nonexistent/ws/app/src/lib.rs", "./app/src/jira.rs"]),
            [workspace("app/src/lib.rs"), workspace("app/src/jira.rs")]
        );
    }

    #[test]
    fn another_checkout_matches_by_longest_suffix() {
        assert_eq!(
            resolve(&[
                "/home/ci/work/repo/app/src/lib.rs",
                "/home/ci/work/repo/app/src/jira.rs",
                "/home/ci/work/repo/src/lib.rs",
            ]),
            [
                workspace("app/src/lib.rs"),
                workspace("app/src/jira.rs"),
                workspace("src/lib.rs")
            ]
        );
    }

    #[test]
    fn windows_paths_match_too() {
        assert_eq!(
            resolve(&["C:\\ci\\repo\\app\\src\\jira.rs"]),
            [workspace("app/src/jira.rs")]
        );
    }

    #[test]
    fn a_dependency_with_a_look_alike_path_is_outside() {
        assert_eq!(
            resolve(&[
                "/home/ci/repo/app/src/lib.rs",
                "/home/ci/repo/app/src/jira.rs",
                "/home/ci/.cargo/registry/src/index/serde-1.0.0/src/lib.rs",
            ]),
            [
                workspace("app/src/lib.rs"),
                workspace("app/src/jira.rs"),
                Resolved::Outside
            ]
        );
    }

    /// Regression (code review): raw `llvm-cov export` of a one-crate
    /// workspace names its own files as they stand and its dependencies'
    /// `src/lib.rs` under the registry; the latter must not be merged in.
    #[test]
    fn with_direct_paths_a_dependency_suffix_match_is_outside() {
        assert_eq!(
            resolve(&[
                "/nonexistent/ws/src/lib.rs",
                "/home/me/.cargo/registry/src/index/dep-1.0.0/src/lib.rs",
                "/home/me/.cargo/registry/src/index/dep-1.0.0/src/de.rs",
            ]),
            [
                workspace("src/lib.rs"),
                Resolved::Outside,
                Resolved::Outside
            ]
        );
    }

    #[test]
    fn a_deleted_file_under_the_checkout_is_gone() {
        assert_eq!(
            resolve(&[
                "/home/ci/repo/app/src/lib.rs",
                "/home/ci/repo/app/src/legacy.rs",
                "/nonexistent/ws/app/src/old.rs",
            ]),
            [
                workspace("app/src/lib.rs"),
                Resolved::Gone("app/src/legacy.rs".to_string()),
                Resolved::Gone("app/src/old.rs".to_string()),
            ]
        );
    }
}
