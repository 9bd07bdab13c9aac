//! The fixtures are real Rust: the fixtures workspace compiles and its own
//! tests pass. It builds into `target/fixtures` so it never waits on the
//! lock of the build running this test.

use std::process::Command;

#[test]
fn fixtures_workspace_tests_pass() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = root
        .parent()
        .unwrap_or(root)
        .join("target")
        .join("fixtures");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["test", "--locked", "--manifest-path"])
        .arg(root.join("fixtures").join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) => panic!("could not run cargo: {error}"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "fixture tests failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("test result: ok"), "no test ran:\n{stdout}");
}
