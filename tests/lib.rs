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
    stubaudit_in(&fixtures_dir(), args)
}

/// Runs `cargo stubaudit ARGS` as cargo would call it in directory `dir`.
pub fn stubaudit_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let mut argv: Vec<std::ffi::OsString> = vec!["cargo-stubaudit".into(), "stubaudit".into()];
    argv.extend(args.iter().map(Into::into));
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let code = cargo_stubaudit::run_in(dir, argv, &mut stdout, &mut stderr);
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

/// The committed coverage files of a fixture member
/// (`tests/fixtures/MEMBER/coverage/`).
pub fn coverage_data(member: &str, name: &str) -> PathBuf {
    fixtures_dir().join(member).join("coverage").join(name)
}

/// A committed coverage file copied into a fresh temporary directory, so
/// it is newer than the sources (a clone gives every file the same age)
/// and a test may change it. Returns the directory and the copy.
pub fn fresh_coverage(member: &str, name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = temp_dir();
    let copy = dir.path().join(name);
    if let Err(error) = std::fs::copy(coverage_data(member, name), &copy) {
        panic!("cannot copy coverage file `{name}`: {error}");
    }
    (dir, copy)
}

/// A temporary directory, or a panic saying why not.
pub fn temp_dir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("cannot create a temporary directory: {error}"),
    }
}

/// Text with machine-specific paths replaced: each `(path, name)` pair's
/// path (as given, and as a `file://` URI) becomes `[name]`.
pub fn stable_text(text: &str, paths: &[(&std::path::Path, &str)]) -> String {
    let mut text = text.to_string();
    for (path, name) in paths {
        let shown = path.display().to_string();
        text = text.replace(&shown, &format!("[{name}]"));
    }
    text
}

/// A workspace in a temporary directory holding copies of the fixture
/// `members` (so a test may edit them), with the fixtures workspace's
/// shared package settings and dependencies.
pub fn scratch_workspace(members: &[&str]) -> tempfile::TempDir {
    let dir = temp_dir();
    let library = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("crates")
        .join("stubaudit");
    let names: Vec<String> = members.iter().map(|member| format!("{member:?}")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[workspace.package]\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace.dependencies]\nstubaudit = {{ path = {:?} }}\nmockall = \"0.13\"\nserde_json = \"1\"\n",
        names.join(", "),
        library.display().to_string()
    );
    write_file(&dir.path().join("Cargo.toml"), &manifest);
    for member in members {
        copy_dir(&fixtures_dir().join(member), &dir.path().join(member));
    }
    dir
}

/// Writes `text` to `path`, creating its directory, or panics.
pub fn write_file(path: &std::path::Path, text: &str) {
    if let Some(parent) = path.parent() {
        if let Err(error) = std::fs::create_dir_all(parent) {
            panic!("cannot create `{}`: {error}", parent.display());
        }
    }
    if let Err(error) = std::fs::write(path, text) {
        panic!("cannot write `{}`: {error}", path.display());
    }
}

/// Reads `path` to a string, or panics.
pub fn read_file(path: &std::path::Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => panic!("cannot read `{}`: {error}", path.display()),
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    let entries = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(error) => panic!("cannot read `{}`: {error}", from.display()),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            write_file(&target, &read_file(&path));
        }
    }
}

/// Runs `cargo stubaudit` on the workspace at `root` with `args`.
pub fn audit_workspace(root: &std::path::Path, args: &[&str]) -> Run {
    let manifest = root.join("Cargo.toml").display().to_string();
    let mut all = vec!["--manifest-path", manifest.as_str(), "--color", "never"];
    all.extend_from_slice(args);
    stubaudit(&all)
}
