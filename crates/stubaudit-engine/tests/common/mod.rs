//! Shared by the engine's `check` tests: a one-file crate in a temporary
//! workspace, audited without the CLI or `cargo metadata`, and its stubs
//! rendered one line each (`code hHEIGHT Target.method: hidden fns`).

// Each test file uses the part it needs.
#![allow(dead_code)]

use std::path::PathBuf;
use stubaudit_engine::load::{Package, Target, TargetRole, Workspace};
use stubaudit_engine::{audit, AuditOptions, Report};

/// Audits `source` as the `src/lib.rs` of crate `demo`, a package that can
/// be published when `publishable`.
pub fn audit_report(source: &str, publishable: bool) -> Report {
    let (_dir, workspace) = workspace(source, publishable);
    match audit(&workspace, &AuditOptions::default()) {
        Ok(report) => report,
        Err(error) => panic!("audit: {error}"),
    }
}

/// `source` as the `src/lib.rs` of crate `demo` in a temporary workspace
/// (kept while the directory lives).
pub fn workspace(source: &str, publishable: bool) -> (tempfile::TempDir, Workspace) {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("tempdir: {error}"),
    };
    let root = dir.path().to_path_buf();
    let lib = root.join("src/lib.rs");
    if let Err(error) =
        std::fs::create_dir_all(root.join("src")).and_then(|()| std::fs::write(&lib, source))
    {
        panic!("write: {error}");
    }
    let workspace = Workspace {
        root: root.clone(),
        packages: vec![Package {
            name: "demo".to_string(),
            dir: root.clone(),
            targets: vec![Target {
                crate_name: "demo".to_string(),
                role: TargetRole::Lib,
                root: PathBuf::from(&lib),
            }],
            selected: true,
            config: serde_json::Value::Null,
            test_support: false,
            workspace_deps: Vec::new(),
            publishable,
        }],
        config: serde_json::Value::Null,
    };
    (dir, workspace)
}

/// One line per stub: `code hHEIGHT Target.method: hidden fns`.
pub fn stub_lines(report: &Report) -> Vec<String> {
    report
        .stubs
        .iter()
        .map(|stub| {
            let height = stub.height.map_or("-".to_string(), |h| h.to_string());
            let method = stub.target.method.as_deref().unwrap_or("*");
            let target = stub.target.path.rsplit("::").next().unwrap_or("");
            let hidden: Vec<&str> = stub
                .hidden
                .ranges
                .iter()
                .map(|range| range.fn_name.as_str())
                .collect();
            format!(
                "{} h{height} {target}.{method}: {}",
                stub.code,
                hidden.join(", ")
            )
        })
        .collect()
}
