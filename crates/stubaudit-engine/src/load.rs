//! Stage `load`: the workspace's packages and targets, from `cargo metadata
//! --no-deps` through `cargo_metadata` (the maintained typed view of cargo's
//! JSON). Nothing is built, no dependency is resolved, nothing is written.

use crate::error::AuditError;
use cargo_metadata::{MetadataCommand, TargetKind};
use std::path::{Path, PathBuf};

/// What kind of target a root file starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRole {
    /// A library: production code.
    Lib,
    /// A binary: production code.
    Bin,
    /// An integration test under `tests/`: test code.
    Test,
    /// A bench: test code.
    Bench,
    /// An example: test code (it is not shipped).
    Example,
}

impl TargetRole {
    /// Whether every file of the target is test code.
    pub fn is_test(self) -> bool {
        matches!(
            self,
            TargetRole::Test | TargetRole::Bench | TargetRole::Example
        )
    }
}

/// One compilation target of a package.
#[derive(Debug, Clone)]
pub struct Target {
    /// The crate name as code names it (`-` replaced by `_`).
    pub crate_name: String,
    /// Its role.
    pub role: TargetRole,
    /// The root source file.
    pub root: PathBuf,
}

/// One workspace member.
#[derive(Debug, Clone)]
pub struct Package {
    /// The package name.
    pub name: String,
    /// The directory holding its `Cargo.toml`.
    pub dir: PathBuf,
    /// Its targets, lib first.
    pub targets: Vec<Target>,
    /// Whether the audit reports this package's stub sites (`-p`, `--exclude`).
    pub selected: bool,
    /// `[package.metadata.stubaudit]`, if present.
    pub config: serde_json::Value,
    /// Only other members' dev-dependencies use it: all its code is test code.
    pub test_support: bool,
    /// The workspace members it depends on (normal, dev or build).
    pub workspace_deps: Vec<String>,
    /// It may be published (no `publish = false`): code outside the
    /// workspace can depend on its library and implement its public traits.
    pub publishable: bool,
}

/// The workspace as `cargo metadata` describes it.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root directory.
    pub root: PathBuf,
    /// Members, sorted by name.
    pub packages: Vec<Package>,
    /// `[workspace.metadata.stubaudit]`, if present.
    pub config: serde_json::Value,
}

/// Which members to report on.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `-p NAME`, repeated; empty means all members.
    pub packages: Vec<String>,
    /// `--exclude NAME`, repeated.
    pub exclude: Vec<String>,
}

/// Reads the workspace at `manifest_path` (or the one around the current
/// directory when `None`).
pub fn load(manifest_path: Option<&Path>, selection: &Selection) -> Result<Workspace, AuditError> {
    let cwd = std::env::current_dir().map_err(|error| {
        AuditError::Metadata(format!("could not read the current directory: {error}"))
    })?;
    load_from(&cwd, manifest_path, selection)
}

/// [`load`] as if run from `cwd`: the directory a relative `manifest_path`
/// is read against, and where the search for a `Cargo.toml` starts.
pub fn load_from(
    cwd: &Path,
    manifest_path: Option<&Path>,
    selection: &Selection,
) -> Result<Workspace, AuditError> {
    let manifest_path = manifest(cwd, manifest_path)?;
    let metadata = metadata_command(&manifest_path)
        .exec()
        .map_err(|error| AuditError::Metadata(metadata_message(&error)))?;
    for name in &selection.packages {
        if !metadata
            .workspace_packages()
            .iter()
            .any(|package| package.name.as_str() == name)
        {
            return Err(AuditError::NoSuchPackage(name.clone()));
        }
    }
    let member_names: std::collections::HashSet<String> = metadata
        .workspace_packages()
        .iter()
        .map(|package| package.name.to_string())
        .collect();
    let mut packages: Vec<Package> = metadata
        .workspace_packages()
        .into_iter()
        .map(|package| {
            let name = package.name.to_string();
            let selected = (selection.packages.is_empty() || selection.packages.contains(&name))
                && !selection.exclude.contains(&name);
            let mut targets: Vec<Target> = package
                .targets
                .iter()
                .filter_map(|target| {
                    let role = role_of(&target.kind)?;
                    Some(Target {
                        crate_name: target.name.replace('-', "_"),
                        role,
                        root: lexically_normal(target.src_path.as_std_path()),
                    })
                })
                .collect();
            targets.sort_by_key(|target| (target.role != TargetRole::Lib, target.root.clone()));
            Package {
                dir: package
                    .manifest_path
                    .parent()
                    .map(|dir| dir.as_std_path().to_path_buf())
                    .unwrap_or_default(),
                config: package
                    .metadata
                    .get("stubaudit")
                    .cloned()
                    .unwrap_or_default(),
                name,
                targets,
                selected,
                test_support: false,
                publishable: package
                    .publish
                    .as_ref()
                    .is_none_or(|registries| !registries.is_empty()),
                workspace_deps: package
                    .dependencies
                    .iter()
                    .map(|dependency| dependency.name.clone())
                    .filter(|name| member_names.contains(name))
                    .collect(),
            }
        })
        .collect();
    mark_test_support(&mut packages, &metadata);
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Workspace {
        root: metadata.workspace_root.into_std_path_buf(),
        config: metadata
            .workspace_metadata
            .get("stubaudit")
            .cloned()
            .unwrap_or_default(),
        packages,
    })
}

/// A member is test support when some members depend on it and every such
/// dependency is a dev-dependency (cargo-nextest's `nextest-filtering`
/// pattern; also `*-test-utils` crates).
fn mark_test_support(packages: &mut [Package], metadata: &cargo_metadata::Metadata) {
    for package in packages.iter_mut() {
        let mut dev_only = None;
        for user in metadata.workspace_packages() {
            for dependency in user
                .dependencies
                .iter()
                .filter(|dependency| dependency.name == package.name)
            {
                let dev = dependency.kind == cargo_metadata::DependencyKind::Development;
                dev_only = Some(dev_only.unwrap_or(true) && dev);
            }
        }
        package.test_support = dev_only == Some(true);
    }
}

/// The role of a target, `None` for build scripts and the like.
fn role_of(kinds: &[TargetKind]) -> Option<TargetRole> {
    kinds.iter().find_map(|kind| match kind {
        TargetKind::Lib
        | TargetKind::RLib
        | TargetKind::DyLib
        | TargetKind::CDyLib
        | TargetKind::StaticLib
        | TargetKind::ProcMacro => Some(TargetRole::Lib),
        TargetKind::Bin => Some(TargetRole::Bin),
        TargetKind::Test => Some(TargetRole::Test),
        TargetKind::Bench => Some(TargetRole::Bench),
        TargetKind::Example => Some(TargetRole::Example),
        _ => None,
    })
}

/// The manifest to read: `given` (relative to `cwd`), or the nearest
/// `Cargo.toml` at or above `cwd`, as cargo finds it. Always absolute, since
/// `cargo metadata` runs elsewhere (see [`metadata_command`]).
fn manifest(cwd: &Path, given: Option<&Path>) -> Result<PathBuf, AuditError> {
    match given {
        Some(given) => {
            let path = cwd.join(given);
            if path.is_dir() {
                Err(AuditError::ManifestIsDir(given.to_path_buf()))
            } else if path.is_file() {
                Ok(path)
            } else {
                Err(AuditError::NoManifest(given.to_path_buf()))
            }
        }
        None => cwd
            .ancestors()
            .map(|dir| dir.join("Cargo.toml"))
            .find(|candidate| candidate.is_file())
            .ok_or_else(|| AuditError::NoManifestAbove(cwd.to_path_buf())),
    }
}

/// `cargo metadata --no-deps --offline` for `manifest_path`, run so that the
/// audited tree chooses no program: the cargo that runs the audit (`CARGO`,
/// set when cargo started it), its toolchain pinned for the rustup proxy
/// (`RUSTUP_TOOLCHAIN`, set by rustup when it started us), and a working
/// directory outside the tree, so that neither its `rust-toolchain.toml`
/// (a `path` toolchain is a program of its choosing) nor its
/// `.cargo/config.toml` is read. `--no-deps` needs no particular toolchain.
fn metadata_command(manifest_path: &Path) -> MetadataCommand {
    let mut command = MetadataCommand::new();
    command.no_deps();
    // Never reach the network for the audited workspace: `--no-deps` needs
    // only its manifests.
    command.other_options(vec!["--offline".to_string()]);
    command.manifest_path(manifest_path);
    command.current_dir(neutral_dir());
    match std::env::var_os("CARGO").filter(|cargo| Path::new(cargo).is_absolute()) {
        Some(cargo) => command.cargo_path(cargo),
        // Run directly: the `cargo` on PATH, which rustup resolves from the
        // neutral directory, never from the audited tree.
        None => command.cargo_path("cargo"),
    };
    if let Some(toolchain) = std::env::var_os("RUSTUP_TOOLCHAIN") {
        command.env("RUSTUP_TOOLCHAIN", toolchain);
    }
    command
}

/// A directory no audited tree can be in or plant files above: the file
/// system root (rustup and cargo look for their files upwards).
fn neutral_dir() -> PathBuf {
    if cfg!(windows) {
        std::env::var_os("SystemRoot")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir)
    } else {
        PathBuf::from("/")
    }
}

/// cargo's own message, without the command line noise around it.
fn metadata_message(error: &cargo_metadata::Error) -> String {
    match error {
        cargo_metadata::Error::CargoMetadata { stderr } => stderr
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// `path` with `.` and `..` segments folded away, without touching the file
/// system (`#[path = "sub/../other.rs"]` names the same file as
/// `other.rs`, and must be read once).
pub fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !normal.pop() {
                    normal.push("..");
                }
            }
            other => normal.push(other),
        }
    }
    normal
}
