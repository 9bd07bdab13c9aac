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
    let mut command = MetadataCommand::new();
    command.no_deps();
    // Never reach the network for the audited workspace: `--no-deps` needs
    // only its manifests.
    command.other_options(vec!["--offline".to_string()]);
    if let Some(manifest_path) = manifest_path {
        if !manifest_path.is_file() {
            return Err(AuditError::NoManifest(manifest_path.to_path_buf()));
        }
        command.manifest_path(manifest_path);
    }
    let metadata = command
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
                        root: crate::files::lexically_normal(target.src_path.as_std_path()),
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
