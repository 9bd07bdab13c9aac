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
