//! The `mock` feature keeps mockall out of a production build: cargo's own
//! dependency tree of this crate, normal edges only, with and without it.
//!
//! Runs `cargo tree` (offline, from the lock file): the question is what
//! cargo would compile, and cargo is the one to answer it.

use std::process::Command;

fn normal_tree(features: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "-p",
            "stubaudit",
            "--prefix",
            "none",
        ])
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    if !features.is_empty() {
        command.arg("--features").arg(features.join(","));
    }
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn has(tree: &str, name: &str) -> bool {
    tree.lines()
        .any(|line| line.split_whitespace().next() == Some(name))
}

#[test]
fn a_production_build_compiles_no_mockall() {
    let tree = normal_tree(&[]);
    assert!(has(&tree, "stubaudit"), "{tree}");
    assert!(!has(&tree, "mockall"), "{tree}");
}

#[test]
fn the_mock_feature_brings_mockall() {
    assert!(has(&normal_tree(&["mock"]), "mockall"));
}
