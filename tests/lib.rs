//! Helpers for the end-to-end tests: run `cargo stubaudit` in-process (cargo
//! sets `CARGO_BIN_EXE_*` only for the CLI package's own tests), find the
//! fixtures workspace, and make output stable for snapshots.

use std::path::PathBuf;

pub use cargo_stubaudit::ExitCode;

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: ExitCode,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The `tests/fixtures` workspace.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The fixtures workspace manifest.
pub fn fixtures_manifest() -> String {
    fixtures_dir().join("Cargo.toml").display().to_string()
}

/// Runs `cargo stubaudit ARGS` as cargo would call it.
pub fn stubaudit(args: &[&str]) -> Run {
    let mut argv: Vec<std::ffi::OsString> = vec!["cargo-stubaudit".into(), "stubaudit".into()];
    argv.extend(args.iter().map(Into::into));
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let code = cargo_stubaudit::run(argv, &mut stdout, &mut stderr);
    Run {
        code,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Audits one fixture member with extra `args`.
pub fn audit_fixture(member: &str, args: &[&str]) -> Run {
    let manifest = fixtures_manifest();
    let mut all = vec![
        "--manifest-path",
        manifest.as_str(),
        "-p",
        member,
        "--color",
        "never",
    ];
    all.extend_from_slice(args);
    stubaudit(&all)
}

/// JSON output with the machine-specific `workspace_root` replaced.
pub fn stable_json(stdout: &str) -> serde_json::Value {
    let mut value: serde_json::Value = match serde_json::from_str(stdout) {
        Ok(value) => value,
        Err(error) => panic!("output is not JSON ({error}):\n{stdout}"),
    };
    value["workspace_root"] = serde_json::Value::String("[fixtures]".to_string());
    value
}
