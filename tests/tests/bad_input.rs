//! Bad input never stops the audit and never panics: a file that does not
//! parse, one that is not UTF-8, a missing module file, items a macro makes.
//! Each is a diagnostic with the file and line, and the rest is audited.

use std::fs;
use std::path::Path;
use stubaudit_tests::{stable_json, stubaudit, ExitCode};

/// A one-crate workspace in a temporary directory.
fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("tempdir: {error}"),
    };
    let manifest =
        "[package]\nname = \"bad-input\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n";
    write(dir.path(), "Cargo.toml", manifest.as_bytes());
    for (path, content) in files {
        write(dir.path(), path, content);
    }
    dir
}

fn write(root: &Path, path: &str, content: &[u8]) {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        let _ = fs::create_dir_all(parent);
    }
    if let Err(error) = fs::write(&path, content) {
        panic!("write {}: {error}", path.display());
    }
}

const GOOD: &[u8] = b"
#[cfg_attr(test, mockall::automock)]
pub trait Store { fn load(&self) -> String; }
pub struct Fs;
impl Store for Fs { fn load(&self) -> String { std::fs::read_to_string(\"x\").unwrap_or_default() } }
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut s = MockStore::new(); s.expect_load().returning(String::new); }
}
";

fn audit_json(dir: &tempfile::TempDir) -> (ExitCode, serde_json::Value) {
    let manifest = dir.path().join("Cargo.toml").display().to_string();
    let run = stubaudit(&["--manifest-path", &manifest, "--message-format", "json"]);
    assert_eq!(run.stderr, "", "no error expected");
    (run.code, stable_json(&run.stdout))
}

fn diagnostics(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        // These workspaces have no `Cargo.lock`: the note saying so is not
        // what the cases are about.
        .filter(|d| d["file"] != "Cargo.lock")
        .map(|d| {
            format!(
                "{}:{}: {}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn a_file_that_does_not_parse_is_a_diagnostic_and_the_rest_is_audited() {
    let lib = [GOOD, b"\nmod broken;\n"].concat();
    let dir = workspace(&[
        ("src/lib.rs", &lib),
        ("src/broken.rs", b"fn ok() {}\nfn broken( {\n}\n"),
    ]);
    let (code, report) = audit_json(&dir);
    assert_eq!(code, ExitCode::Clean);
    let diagnostics = diagnostics(&report);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0].starts_with("src/broken.rs:"),
        "{diagnostics:?}"
    );
    assert!(
        diagnostics[0].contains("could not parse"),
        "{diagnostics:?}"
    );
    assert_eq!(report["summary"]["stub_sites"], 1);
}

#[test]
fn a_file_that_is_not_utf8_is_a_diagnostic_naming_its_line() {
    let lib = [GOOD, b"\nmod latin1;\n"].concat();
    let dir = workspace(&[
        ("src/lib.rs", &lib),
        ("src/latin1.rs", b"// ok\n// caf\xe9\nfn f() {}\n"),
    ]);
    let (_, report) = audit_json(&dir);
    assert_eq!(
        diagnostics(&report),
        ["src/latin1.rs:2: file is not valid UTF-8"]
    );
    assert_eq!(report["summary"]["stub_sites"], 1);
}

#[test]
fn a_missing_module_file_is_a_diagnostic_at_its_declaration() {
    let lib = [GOOD, b"\nmod gone;\n"].concat();
    let dir = workspace(&[("src/lib.rs", &lib)]);
    let (_, report) = audit_json(&dir);
    let diagnostics = diagnostics(&report);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0].starts_with("src/lib.rs:13: file for module `gone` not found"),
        "{diagnostics:?}"
    );
}

#[test]
fn items_a_macro_generates_are_noted_not_fatal() {
    let lib = [
        GOOD,
        b"\nsome_macro! { struct Generated; }\nmacro_rules! m { () => {} }\n",
    ]
    .concat();
    let dir = workspace(&[("src/lib.rs", &lib)]);
    let (code, report) = audit_json(&dir);
    assert_eq!(code, ExitCode::Clean);
    // Plain items inside an item macro are read; nothing is lost.
    assert_eq!(report["summary"]["stub_sites"], 1);
}

#[test]
fn a_missing_manifest_exits_2() {
    let dir = workspace(&[("src/lib.rs", GOOD)]);
    let manifest = dir.path().join("nope/Cargo.toml").display().to_string();
    let run = stubaudit(&["--manifest-path", &manifest]);
    assert_eq!(run.code, ExitCode::Failed);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
}

#[test]
fn the_audit_writes_nothing_into_the_workspace() {
    let dir = workspace(&[("src/lib.rs", GOOD)]);
    let before = listing(dir.path());
    let _ = audit_json(&dir);
    assert_eq!(listing(dir.path()), before);
}

fn listing(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            out.push(
                path.strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
            );
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every prefix of every fixture file, parsed and indexed: broken input
/// anywhere must give a diagnostic, never a panic.
#[test]
fn truncated_sources_never_panic() {
    let mut files = Vec::new();
    let mut stack = vec![stubaudit_tests::fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && path.file_name().is_some_and(|name| name != "target") {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 20, "fixtures not found");
    for path in files {
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        let cuts: Vec<usize> = (0..text.len())
            .step_by(97)
            .filter(|&cut| text.is_char_boundary(cut))
            .collect();
        for cut in cuts {
            let prefix = &text[..cut];
            if let Ok(parsed) = stubaudit_engine::parse::parse_text(&path, prefix) {
                let context = stubaudit_engine::index::FileContext {
                    path: &path,
                    module: vec!["fixture".to_string()],
                    in_test: false,
                };
                let index = stubaudit_engine::index::extract(
                    &context,
                    &parsed.syntax,
                    parsed.code_lines,
                    parsed.line_count,
                );
                assert!(index.code_lines.len() <= prefix.lines().count() + 1);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The hostile-input table (issue 10, "Never crash, never hang, never
// clobber"): each case runs the real binary in a child process with a
// timeout, so an abort, a hang or a panic fails the case instead of the
// test run. Each checks the exit code, a message naming the file, line or
// key, and that nothing was written into the audited tree.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One hostile input.
struct Case {
    name: &'static str,
    /// Files of the audited workspace (beside `Cargo.toml` and `src/lib.rs`).
    files: Vec<(String, Vec<u8>)>,
    /// Extra `Cargo.toml` text.
    manifest: &'static str,
    /// Arguments; `{ws}` is the workspace, `{out}` a directory outside it.
    args: Vec<String>,
    /// Run from inside the workspace without `--manifest-path`, with no
    /// `CARGO` or `RUSTUP_TOOLCHAIN` inherited (as a person runs it).
    from_inside: bool,
    /// The exit code.
    code: i32,
    /// Text the output (stdout and stderr) must hold.
    says: Vec<String>,
}

fn case(name: &'static str, code: i32, says: &[&str]) -> Case {
    Case {
        name,
        files: Vec::new(),
        manifest: "",
        args: Vec::new(),
        from_inside: false,
        code,
        says: says.iter().map(ToString::to_string).collect(),
    }
}

impl Case {
    fn file(mut self, path: &str, content: impl Into<Vec<u8>>) -> Self {
        self.files.push((path.to_string(), content.into()));
        self
    }
    fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(ToString::to_string));
        self
    }
    fn manifest(mut self, text: &'static str) -> Self {
        self.manifest = text;
        self
    }
    fn run_inside(mut self) -> Self {
        self.from_inside = true;
        self
    }
}

/// `lib.rs`: GOOD plus `mod` lines for the case's modules.
fn lib_with(mods: &[&str]) -> Vec<u8> {
    let mut lib = GOOD.to_vec();
    for name in mods {
        lib.extend_from_slice(format!("\nmod {name};\n").as_bytes());
    }
    lib
}

fn nested(open: &str, middle: &str, close: &str, depth: usize) -> String {
    format!("{}{middle}{}", open.repeat(depth), close.repeat(depth))
}

/// A file with a phantom stub: a trait nobody implements, mocked in a test.
const PHANTOM: &str = "
#[cfg_attr(test, mockall::automock)]
pub trait Ghost { fn haunt(&self) -> u8; }
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut g = MockGhost::new(); g.expect_haunt().returning(|| 1); }
}
";

/// A `cargo` (and `rustc`) that marks the checkout when run.
const EVIL: &str = "#!/bin/sh\ntouch \"$(dirname \"$0\")/../../PWNED\"\nexit 1\n";

fn lcov(lines: &str) -> String {
    format!("SF:src/lib.rs\n{lines}end_of_record\n")
}

fn llvm_json(segments: &str) -> String {
    format!(
        r#"{{"type": "llvm.coverage.json.export", "version": "2.0.1", "data": [{{"files": [{{"filename": "src/lib.rs", "segments": {segments}}}]}}]}}"#
    )
}

fn cases() -> Vec<Case> {
    let deep = |name: &'static str, text: String, code: i32, says: &[&str]| {
        case(name, code, says)
            .file("src/lib.rs", lib_with(&["deep"]))
            .file("src/deep.rs", text)
    };
    let limit = 2_000;
    vec![
        // 1. Stack depth: the shapes that aborted at 2 MB are read.
        deep(
            "blocks 450 deep",
            format!("fn f() {}", nested("{", "", "}", 450)),
            0,
            &["stubaudit: 1 stub site"],
        ),
        deep(
            "generics 300 deep",
            format!("type T = {};", nested("Vec<", "u8", ">", 300)),
            0,
            &["stubaudit: 1 stub site"],
        ),
        deep(
            "parentheses 700 deep",
            format!("fn f() {{ let _ = {}; }}", nested("(", "1", ")", 700)),
            0,
            &["stubaudit: 1 stub site"],
        ),
        deep(
            "calls 1000 deep",
            format!("fn f() {{ {}; }}", nested("g(", "1", ")", 1_000)),
            0,
            &["stubaudit: 1 stub site"],
        ),
        deep(
            "inline modules 500 deep",
            nested("mod m { ", "", "}", 500),
            0,
            &["stubaudit: 1 stub site"],
        ),
        deep(
            "generics at the limit",
            format!("type T = {};", nested("Vec<", "u8", ">", limit - 2)),
            0,
            &["stubaudit: 1 stub site"],
        ),
        // …and what is deeper still is a diagnostic naming file and line.
        deep(
            "blocks past the limit",
            format!("fn ok() {{}}\nfn f() {}", nested("{", "", "}", 3 * limit)),
            0,
            &[
                "src/deep.rs:2",
                "levels deep, more than the 2000",
                "the audit is incomplete: 1 file",
            ],
        ),
        deep(
            "generics past the limit",
            format!("\n\ntype T = {};", nested("Vec<", "u8", ">", 5 * limit)),
            0,
            &["src/deep.rs:3", "levels deep"],
        ),
        deep(
            "prefix operators past the limit",
            format!("fn f() {{ let _ = {}1; }}", "-".repeat(50_000)),
            0,
            &["src/deep.rs:1", "levels deep"],
        ),
        deep(
            "closures past the limit",
            format!("fn f() {{ let _ = {}1; }}", "|| ".repeat(20_000)),
            0,
            &["src/deep.rs:1", "levels deep"],
        ),
        deep(
            "references past the limit",
            format!("type T = {}u8;", "&".repeat(20_000)),
            0,
            &["levels deep"],
        ),
        // 2. Method chains: linear memory, and a chain past the limit is a diagnostic.
        deep(
            "a 50,000-call chain",
            format!("fn f(x: u8) {{ x{}; }}", ".m()".repeat(50_000)),
            0,
            &["stubaudit: 1 stub site"],
        ),
        deep(
            "a chain past the limit",
            format!("fn f(x: u8) {{\n x{}; }}", ".m()".repeat(150_000)),
            0,
            &["src/deep.rs:2", "chains 150000 calls or operators"],
        ),
        // 3. Coverage naming huge line numbers allocates nothing.
        case(
            "llvm-cov JSON segment at line 4294967295",
            0,
            &["has coverage for line 12, past the end of this file (11 lines)"],
        )
        .file(
            "cov.json",
            llvm_json("[[1,1,1,true,true,false],[4294967295,1,0,false,false,false]]"),
        )
        .args(&["--coverage", "{ws}/cov.json"]),
        case(
            "llvm-cov JSON segment at line 10^7",
            0,
            &["has coverage for line 10000000"],
        )
        .file(
            "cov.json",
            llvm_json("[[10000000,1,1,true,true,false],[10000001,1,0,false,false,false]]"),
        )
        .args(&["--coverage", "{ws}/cov.json"]),
        case(
            "LCOV line 4294967295",
            0,
            &["has coverage for line 4294967295"],
        )
        .file("lcov.info", lcov("DA:4294967295,1\n"))
        .args(&["--coverage", "{ws}/lcov.info"]),
        case(
            "LCOV with a broken record",
            2,
            &["lcov.info:3: invalid `DA` record"],
        )
        .file("lcov.info", lcov("DA:1,1\nDA:x,1\n"))
        .args(&["--coverage", "{ws}/lcov.info"]),
        case(
            "LCOV that is not UTF-8",
            2,
            &["lcov.info:2: coverage file is not valid UTF-8"],
        )
        .file(
            "lcov.info",
            b"SF:src/lib.rs\nDA:1,1\xff\nend_of_record\n".to_vec(),
        )
        .args(&["--coverage", "{ws}/lcov.info"]),
        case(
            "an empty coverage file",
            2,
            &["empty.info:1: the file holds no LCOV records"],
        )
        .file("empty.info", "")
        .args(&["--coverage", "{ws}/empty.info"]),
        case(
            "a coverage file that is a directory",
            2,
            &["src: could not read coverage file"],
        )
        .args(&["--coverage", "{ws}/src"]),
        case(
            "JSON of another tool",
            2,
            &["other.json:1: not an llvm-cov JSON export"],
        )
        .file("other.json", r#"{"data": []}"#)
        .args(&["--coverage", "{ws}/other.json"]),
        // 4. Outputs never replace what a path names.
        case("--output through a symlink", 0, &[]).args(&["--output", "{out}/link.txt"]),
        case("--output /dev/null", 0, &[]).args(&["--output", "/dev/null"]),
        case("--write-baseline /dev/null", 0, &[]).args(&["--write-baseline", "/dev/null"]),
        case(
            "--output /proc/version",
            2,
            &["could not write `/proc/version`"],
        )
        .args(&["--output", "/proc/version"]),
        case(
            "--output into a missing directory",
            2,
            &["could not write `/nonexistent-stubaudit/report.txt`"],
        )
        .args(&["--output", "/nonexistent-stubaudit/report.txt"]),
        // 5. Jobs as cargo reads them.
        case("-j 0", 2, &["jobs may not be 0"]).args(&["-j", "0"]),
        case(
            "-j 100000",
            2,
            &["100000 jobs is more than the 256 threads"],
        )
        .args(&["-j", "100000"]),
        case("-j -1", 0, &["stubaudit: 1 stub site"]).args(&["-j", "-1"]),
        case("-j 256", 0, &["stubaudit: 1 stub site"]).args(&["-j", "256"]),
        // 6. A parse error above a module hides nothing under it.
        case(
            "a broken parent module",
            1,
            &[
                "src/app.rs:2",
                "phantom-stub",
                "the audit is incomplete: 1 file",
            ],
        )
        .file("src/lib.rs", lib_with(&["app"]))
        .file("src/app.rs", "fn ok() {}\nfn broken( {\n")
        .file("src/app/ghost.rs", PHANTOM),
        case(
            "a broken file with --deny incomplete-audit",
            1,
            &["error: the audit is incomplete: 1 file"],
        )
        .file("src/lib.rs", lib_with(&["broken"]))
        .file("src/broken.rs", "fn broken( {\n")
        .args(&["--deny", "incomplete-audit"]),
        case(
            "a broken file with incomplete-audit denied in config",
            1,
            &["error: the audit is incomplete"],
        )
        .file("src/lib.rs", lib_with(&["broken"]))
        .file("src/broken.rs", "fn broken( {\n")
        .manifest("\n[package.metadata.stubaudit]\nlevels = { incomplete-audit = \"deny\" }\n"),
        // 8. The audited tree chooses no program and no toolchain.
        case(
            "a checkout pinning a path toolchain",
            0,
            &["stubaudit: 1 stub site"],
        )
        .file(
            "rust-toolchain.toml",
            "[toolchain]\npath = \"{ws}/evil-toolchain\"\n",
        )
        .file("evil-toolchain/bin/cargo", EVIL)
        .file("evil-toolchain/bin/rustc", EVIL)
        .file(
            ".cargo/config.toml",
            "[build]\nrustc = \"evil-toolchain/bin/cargo\"\n",
        )
        .run_inside(),
        case(
            "a checkout pinning a toolchain not installed",
            0,
            &["stubaudit: 1 stub site"],
        )
        .file("rust-toolchain.toml", "[toolchain]\nchannel = \"1.91.0\"\n")
        .run_inside(),
        // Messages that name what is wrong.
        case(
            "a wrong type in the config",
            2,
            &["`[package.metadata.stubaudit]` of `bad-input`: `max-height`: invalid type"],
        )
        .manifest("\n[package.metadata.stubaudit]\nmax-height = \"three\"\n"),
        case(
            "--manifest-path naming a directory",
            2,
            &["is a directory: `--manifest-path` takes the path to a `Cargo.toml`"],
        )
        .args(&["--manifest-path", "{ws}/src"]),
        case("--manifest-path naming nothing", 2, &["does not exist"])
            .args(&["--manifest-path", "{ws}/nope/Cargo.toml"]),
        case(
            "an unknown code",
            2,
            &[
                "invalid value 'hihg-stub' for '--deny <CODE>'",
                "incomplete-audit",
            ],
        )
        .args(&["--deny", "hihg-stub"]),
        case("a broken baseline", 2, &["base.json"])
            .file("base.json", "{\"schema\": \n")
            .args(&["--baseline", "{ws}/base.json"]),
        // Sources that are odd but legal, or broken in other ways.
        case(
            "a source that is not UTF-8",
            0,
            &["file is not valid UTF-8\n --> src/latin1.rs:2"],
        )
        .file("src/lib.rs", lib_with(&["latin1"]))
        .file("src/latin1.rs", b"// ok\n// caf\xe9\n".to_vec())
        .args(&["-v"]),
        case(
            "a byte-order mark and a shebang",
            0,
            &["stubaudit: 1 stub site"],
        )
        .file(
            "src/lib.rs",
            [b"\xef\xbb\xbf#!/usr/bin/env run\n".as_slice(), GOOD].concat(),
        ),
        case(
            "#[path] modules that include each other",
            0,
            &["stubaudit: 1 stub site"],
        )
        .file(
            "src/lib.rs",
            [GOOD, b"\n#[path = \"a.rs\"] mod a;\n".as_slice()].concat(),
        )
        .file("src/a.rs", "#[path = \"b.rs\"] mod b;\n")
        .file("src/b.rs", "#[path = \"a.rs\"] mod a;\n"),
        case("nested macro calls", 0, &["stubaudit: 1 stub site"])
            .file("src/lib.rs", lib_with(&["deep"]))
            .file(
                "src/deep.rs",
                format!("fn f() {{ {}; }}", nested("m!(", "1", ")", 1_500)),
            ),
    ]
}

/// Every file and directory under `root`, with file contents.
fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string();
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            out.push((
                name,
                if is_dir {
                    Vec::new()
                } else {
                    fs::read(&path).unwrap_or_default()
                },
            ));
            if is_dir {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Runs the binary with `args` from `cwd`, killing it after `limit`.
fn run_child(
    args: &[String],
    cwd: &Path,
    clean_env: bool,
    limit: Duration,
) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stubaudit-under-test"));
    command
        .arg("stubaudit")
        .args(args)
        .current_dir(cwd)
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if clean_env {
        command.env_remove("CARGO").env_remove("RUSTUP_TOOLCHAIN");
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => panic!("could not run the binary: {error}"),
    };
    // Drain both pipes while the child runs: a child writing more than a
    // pipe holds would otherwise block and look hung.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|pipe| Box::new(pipe) as _));
    let stderr = drain(child.stderr.take().map(|pipe| Box::new(pipe) as _));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return (None, format!("hung: killed after {limit:?}"));
            }
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    (
        status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        ),
    )
}

fn run_case(case: &Case) -> Result<(), String> {
    let manifest = format!(
        "[package]\nname = \"bad-input\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{}\n[workspace]\n",
        case.manifest
    );
    let mut files: Vec<(String, Vec<u8>)> = vec![("Cargo.toml".to_string(), manifest.into_bytes())];
    if !case.files.iter().any(|(path, _)| path == "src/lib.rs") {
        files.push(("src/lib.rs".to_string(), GOOD.to_vec()));
    }
    let dir = temp_dir_outside();
    let ws = dir.path().display().to_string();
    files.extend(case.files.iter().map(|(path, content)| {
        let content = match std::str::from_utf8(content) {
            Ok(text) => text.replace("{ws}", &ws).into_bytes(),
            Err(_) => content.clone(),
        };
        (path.clone(), content)
    }));
    for (path, content) in &files {
        write(dir.path(), path, content);
    }
    let out = temp_dir_outside();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for tool in ["cargo", "rustc"] {
            let script = dir.path().join("evil-toolchain/bin").join(tool);
            if script.exists() {
                let _ = fs::set_permissions(&script, fs::Permissions::from_mode(0o755));
            }
        }
        let _ = fs::write(out.path().join("target.txt"), "old");
        let _ = std::os::unix::fs::symlink("target.txt", out.path().join("link.txt"));
    }
    let mut args: Vec<String> = case
        .args
        .iter()
        .map(|arg| {
            arg.replace("{ws}", &ws)
                .replace("{out}", &out.path().display().to_string())
        })
        .collect();
    if !case.from_inside && !args.iter().any(|arg| arg == "--manifest-path") {
        args.splice(
            0..0,
            ["--manifest-path".to_string(), format!("{ws}/Cargo.toml")],
        );
    }
    let before = snapshot(dir.path());
    let cwd = if case.from_inside {
        dir.path().join("src")
    } else {
        out.path().to_path_buf()
    };
    let (code, output) = run_child(&args, &cwd, case.from_inside, Duration::from_secs(240));
    let mut problems = Vec::new();
    if code != Some(case.code) {
        problems.push(format!("exit code {code:?}, expected {}", case.code));
    }
    for text in &case.says {
        if !output.contains(text.as_str()) {
            problems.push(format!("output lacks {text:?}"));
        }
    }
    if output.contains("panicked")
        || output.contains("stack overflow")
        || output.contains(".version.tmp")
    {
        problems.push("output shows a panic, an overflow or a temporary file".to_string());
    }
    if snapshot(dir.path()) != before {
        problems.push("the audited tree changed".to_string());
    }
    if case.name == "--output through a symlink" {
        let link =
            fs::symlink_metadata(out.path().join("link.txt")).map(|m| m.file_type().is_symlink());
        let target = fs::read_to_string(out.path().join("target.txt")).unwrap_or_default();
        if link.ok() != Some(true) || !target.contains("stubaudit: 1 stub site") {
            problems.push(format!(
                "the symlink was replaced or its target not written: {target:?}"
            ));
        }
    }
    if case.name.contains("/dev/null")
        && fs::metadata("/dev/null")
            .map(|m| m.is_file())
            .unwrap_or(true)
    {
        problems.push("/dev/null is no longer a device".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}\n--- output ---\n{output}",
            case.name,
            problems.join("; ")
        ))
    }
}

fn temp_dir_outside() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("tempdir: {error}"),
    }
}

/// Regression table for issue 10: every hostile input exits as expected,
/// says where the trouble is, and leaves the audited tree as it was.
#[cfg(unix)]
#[test]
fn hostile_inputs_never_crash_hang_or_clobber() {
    let cases = cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| run_case(case).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The marker a `path` toolchain's cargo would create must not appear: the
/// audit ran its own cargo (issue 10, item 8).
#[cfg(unix)]
#[test]
fn a_path_toolchain_in_the_checkout_is_never_run() {
    let case = cases()
        .into_iter()
        .find(|case| case.name == "a checkout pinning a path toolchain");
    let Some(case) = case else {
        panic!("case missing")
    };
    // The table checks that nothing was written, the marker included; this
    // checks the script is runnable, so that the table's check can fail.
    let dir = workspace(&[("evil-toolchain/bin/cargo", EVIL.as_bytes())]);
    use std::os::unix::fs::PermissionsExt;
    let script = dir.path().join("evil-toolchain/bin/cargo");
    let _ = fs::set_permissions(&script, fs::Permissions::from_mode(0o755));
    let status = Command::new(&script).status().map(|status| status.code());
    assert_eq!(status.ok(), Some(Some(1)));
    assert!(
        dir.path().join("PWNED").exists(),
        "the script makes its marker"
    );
    assert_eq!(run_case(&case), Ok(()));
}

/// A panic anywhere is one line naming the version and asking for a bug
/// report, and exit 101: run in a child process (this test binary itself).
#[test]
fn a_panic_is_one_line_asking_for_a_bug_report_and_exit_101() {
    if std::env::var_os("STUBAUDIT_PANIC_CHILD").is_some() {
        cargo_stubaudit::panic_hook::install();
        let worker = std::thread::spawn(|| panic!("boom"));
        let _ = worker.join();
        // The hook exits; reaching this line is the failure.
        std::process::exit(0);
    }
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(error) => panic!("{error}"),
    };
    let output = Command::new(exe)
        .args([
            "--exact",
            "a_panic_is_one_line_asking_for_a_bug_report_and_exit_101",
            "--nocapture",
        ])
        .env("STUBAUDIT_PANIC_CHILD", "1")
        .output();
    let Ok(output) = output else {
        panic!("could not run the child")
    };
    assert_eq!(output.status.code(), Some(101));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .find(|line| line.starts_with("error: cargo-stubaudit"));
    let expected = format!(
        "error: cargo-stubaudit {} crashed at tests/tests/bad_input.rs:",
        env!("CARGO_PKG_VERSION")
    );
    assert!(line.is_some_and(|line| line.starts_with(&expected) && line.ends_with("boom; this is a bug, please report it at https://github.com/stubaudit/stubaudit/issues with the command you ran")), "{stderr}");
}
