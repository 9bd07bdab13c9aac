//! `--coverage FILE` on jira-link: the committed files in both LCOV
//! dialects and llvm-cov's JSON export, with the awkward cases of
//! ../shared/COVERAGE.md (paths from other machines, missing `DA:` lines,
//! duplicate `FN:` records, lines past a file's end, a file that no longer
//! exists, sources newer than the coverage), broken files, and one run on
//! real coverage made here with the raw LLVM route.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use stubaudit_engine::coverage::{self, FileCoverage};
use stubaudit_tests::{
    audit_fixture, coverage_data, fresh_coverage, stable_json, temp_dir, write_file, ExitCode,
};

/// The report's stub with `code` set up in the test fn ending in `test`.
fn stub<'a>(report: &'a Value, code: &str, test: &str) -> &'a Value {
    report["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|stub| {
            stub["code"] == code
                && stub["site"]["test"]
                    .as_str()
                    .is_some_and(|name| name.ends_with(test))
        })
        .unwrap_or_else(|| panic!("no {code} in {test}: {report:#}"))
}

fn audit_json(coverage: &Path, extra: &[&str]) -> (ExitCode, Value, String) {
    let file = coverage.display().to_string();
    let mut args = vec!["--message-format", "json", "--coverage", file.as_str()];
    args.extend_from_slice(extra);
    let run = audit_fixture("jira-link", &args);
    (run.code, stable_json(&run.stdout), run.stderr)
}

#[test]
fn llvm_cov_lcov_from_another_checkout_counts_uncovered_hidden_lines() {
    let (_dir, file) = fresh_coverage("jira-link", "llvm-cov.lcov");
    let (code, report, stderr) = audit_json(&file, &[]);
    assert_eq!(code, ExitCode::Findings, "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(report["coverage"]["format"], "lcov");
    assert_eq!(report["coverage"]["workspace_files"], 4);
    assert_eq!(report["coverage"]["stale_files"], serde_json::json!([]));
    let high = stub(&report, "high-stub", "creates_link_for_cloud_site");
    assert_eq!(high["hidden"]["lines"], 38);
    assert_eq!(high["hidden"]["uncovered"], 3);
    assert_eq!(high["hidden"]["covered"], 32);
    assert_eq!(high["hidden"]["not_instrumented"], 3);
    assert_eq!(
        high["hidden"]["uncovered_ranges"],
        serde_json::json!([
            {"file": "jira-link/src/jira.rs", "start": 79, "end": 79,
             "fn": "HttpJiraSites::fetch_site", "lines": 1},
            {"file": "jira-link/src/jira.rs", "start": 105, "end": 106,
             "fn": "parse_site_info", "lines": 2}
        ])
    );
    // Both high stubs hide the same lines: the summary counts them once.
    assert_eq!(report["summary"]["uncovered_hidden_lines"], 3);
    assert_eq!(report["summary"]["covered_hidden_lines"], 34);
    assert_eq!(report["summary"]["not_instrumented_hidden_lines"], 4);
}

#[test]
fn tarpaulin_lcov_lines_without_da_are_not_instrumented() {
    let (_dir, file) = fresh_coverage("jira-link", "tarpaulin.lcov");
    let (_, report, _) = audit_json(&file, &[]);
    // `todo!()` and the closing brace have no `DA:` in tarpaulin's dialect.
    let phantom = stub(&report, "phantom-stub", "check_reports_ready_site");
    assert_eq!(phantom["hidden"]["lines"], 3);
    assert_eq!(phantom["hidden"]["covered"], 1);
    assert_eq!(phantom["hidden"]["not_instrumented"], 2);
    assert_eq!(phantom["hidden"]["uncovered"], 0);
    let high = stub(&report, "high-stub", "creates_link_for_cloud_site");
    assert_eq!(high["hidden"]["uncovered"], 3);
}

#[test]
fn lines_past_the_end_and_deleted_files_make_the_coverage_stale() {
    let (_dir, file) = fresh_coverage("jira-link", "tarpaulin.lcov");
    let (code, report, stderr) = audit_json(&file, &[]);
    assert_eq!(code, ExitCode::Findings, "{stderr}");
    assert_eq!(
        report["coverage"]["stale_files"],
        serde_json::json!(["jira-link/src/legacy.rs", "jira-link/src/store.rs"])
    );
    let diagnostics: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(diagnostics.contains(&(
        "jira-link/src/store.rs".to_string(),
        "`tarpaulin.lcov` has coverage for line 240, past the end of this file (78 lines): the coverage is stale".to_string()
    )), "{diagnostics:#?}");
    assert!(diagnostics.contains(&(
        "jira-link/src/legacy.rs".to_string(),
        "`tarpaulin.lcov` has coverage for this file, which no longer exists: the coverage is stale".to_string()
    )), "{diagnostics:#?}");
    let human = audit_fixture("jira-link", &["--coverage", &file.display().to_string()]);
    assert!(
        human
            .stdout
            .contains("warning: `tarpaulin.lcov` has coverage for line 240"),
        "{}",
        human.stdout
    );
}

#[test]
fn sources_newer_than_the_coverage_file_are_stale() {
    let (_dir, file) = fresh_coverage("jira-link", "llvm-cov.lcov");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(946_684_800);
    let set = std::fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|handle| handle.set_modified(old));
    assert!(set.is_ok(), "{set:?}");
    let (_, report, _) = audit_json(&file, &[]);
    let stale = report["coverage"]["stale_files"].clone();
    assert_eq!(
        stale,
        serde_json::json!([
            "jira-link/src/jira.rs",
            "jira-link/src/service.rs",
            "jira-link/src/service/tests.rs",
            "jira-link/src/store.rs"
        ])
    );
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.contains(&"changed after `llvm-cov.lcov` was written: its coverage may be stale"),
        "{messages:#?}"
    );
}

#[test]
fn llvm_cov_json_gives_the_same_lines_as_the_lcov_of_the_same_profile() {
    // Both files come from one `llvm-profdata merge` of jira-link's tests;
    // the JSON export only has region segments, from which the engine
    // derives line counts the way llvm-cov does.
    let files = [
        "jira-link/src/jira.rs",
        "jira-link/src/service.rs",
        "jira-link/src/service/tests.rs",
        "jira-link/src/store.rs",
    ];
    // Every line of these files is wanted: the reader keeps only those.
    let mut wanted = coverage::Wanted::default();
    for file in files {
        let all = coverage::WantedFile {
            line_count: 100_000,
            ranges: vec![(1, 100_000)],
        };
        wanted.files.insert(file.to_string(), all);
    }
    let root = stubaudit_tests::fixtures_dir();
    let read = |name: &str| match coverage::read(&coverage_data("jira-link", name), &wanted, &root)
    {
        Ok(coverage) => coverage,
        Err(error) => panic!("{error}"),
    };
    let by_suffix = |files: &[FileCoverage], suffix: &str| {
        files
            .iter()
            .find(|file| file.path.ends_with(suffix))
            .map(|file| file.lines.clone())
            .unwrap_or_else(|| panic!("no record for {suffix}"))
    };
    let lcov = read("llvm-cov.lcov");
    let json = read("llvm-cov.json");
    assert_eq!(json.format, coverage::Format::LlvmJson);
    for file in files {
        assert!(!by_suffix(&json.files, file).is_empty(), "{file}");
        assert_eq!(
            by_suffix(&json.files, file),
            by_suffix(&lcov.files, file),
            "{file}"
        );
    }
}

#[test]
fn relative_paths_of_an_llvm_cov_json_export_match() {
    let (_dir, file) = fresh_coverage("jira-link", "llvm-cov.json");
    let (_, report, stderr) = audit_json(&file, &[]);
    assert_eq!(stderr, "");
    assert_eq!(report["coverage"]["format"], "llvm-cov-json");
    // Its export kept `tests/boundary.rs`, which cargo-llvm-cov leaves out.
    assert_eq!(report["coverage"]["workspace_files"], 5);
    let high = stub(&report, "high-stub", "creates_link_for_cloud_site");
    assert_eq!(high["hidden"]["uncovered"], 3);
    assert_eq!(high["hidden"]["covered"], 32);
}

#[test]
fn a_malformed_coverage_file_exits_2_naming_file_and_line() {
    let dir = temp_dir();
    let file = dir.path().join("lcov.info");
    write_file(
        &file,
        "TN:\nSF:/x/jira-link/src/jira.rs\nDA:67,two\nend_of_record\n",
    );
    let run = audit_fixture("jira-link", &["--coverage", &file.display().to_string()]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        format!(
            "error: {}:3: invalid `DA` record `DA:67,two`: expected `DA:LINE,COUNT` with LINE ≥ 1\n",
            file.display()
        )
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn json_that_is_not_an_llvm_cov_export_exits_2() {
    let dir = temp_dir();
    let file = dir.path().join("coverage.json");
    write_file(&file, "{\"files\": []}\n");
    let run = audit_fixture("jira-link", &["--coverage", &file.display().to_string()]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        format!(
            "error: {}:1: not an llvm-cov JSON export: its `type` is not `llvm.coverage.json.export`\n",
            file.display()
        )
    );
}

#[test]
fn a_missing_coverage_file_exits_2() {
    let run = audit_fixture("jira-link", &["--coverage", "/nonexistent/lcov.info"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert!(
        run.stderr
            .starts_with("error: /nonexistent/lcov.info: could not read coverage file:"),
        "{}",
        run.stderr
    );
}

#[test]
fn coverage_of_another_workspace_is_a_warning() {
    let dir = temp_dir();
    let file = dir.path().join("lcov.info");
    write_file(
        &file,
        "SF:/elsewhere/app/src/main.rs\nDA:1,1\nend_of_record\n",
    );
    let (code, report, _) = audit_json(&file, &[]);
    assert_eq!(code, ExitCode::Findings);
    assert_eq!(report["coverage"]["workspace_files"], 0);
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.contains(&"`lcov.info` covers none of this workspace's files (1 other files, e.g. `/elsewhere/app/src/main.rs`): was it made for another workspace?"),
        "{messages:#?}"
    );
    let high = stub(&report, "high-stub", "creates_link_for_cloud_site");
    assert_eq!(high["hidden"]["not_instrumented"], 38);
}

/// `llvm-profdata` and `llvm-cov` of rustc's LLVM: `LLVM_PROFDATA` /
/// `LLVM_COV`, else the `-22` tools on `PATH`.
fn llvm_tools() -> Option<(PathBuf, PathBuf)> {
    let find = |variable: &str, name: &str| -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(variable) {
            return Some(PathBuf::from(path));
        }
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    };
    Some((
        find("LLVM_PROFDATA", "llvm-profdata-22")?,
        find("LLVM_COV", "llvm-cov-22")?,
    ))
}

fn run(command: &mut Command) -> String {
    let shown = format!("{command:?}");
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => panic!("cannot run {shown}: {error}"),
    };
    assert!(
        output.status.success(),
        "{shown} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Real coverage of jira-link's tests, made the raw way (COVERAGE.md):
/// instrumented build in `target/fixtures-coverage`, run, merge, export.
fn real_jira_link_coverage(profdata: &Path, llvm_cov: &Path, out: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root
        .parent()
        .unwrap_or(root)
        .join("target")
        .join("fixtures-coverage");
    let manifest = root.join("fixtures").join("Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // Build scripts and proc macros are instrumented too: keep their
    // profiles out of the sources and out of the merge.
    let build_profiles = out.join("build").join("%p-%m.profraw");
    let listing = run(Command::new(cargo)
        .args([
            "test",
            "--no-run",
            "--locked",
            "--message-format=json",
            "-p",
            "jira-link",
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-C instrument-coverage")
        .env("LLVM_PROFILE_FILE", &build_profiles)
        .env_remove("CARGO_ENCODED_RUSTFLAGS"));
    let executables: Vec<String> = listing
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| {
            message["reason"] == "compiler-artifact" && message["profile"]["test"] == true
        })
        .filter_map(|message| message["executable"].as_str().map(String::from))
        .collect();
    assert_eq!(
        executables.len(),
        2,
        "lib and tests/boundary.rs: {executables:?}"
    );
    let profiles = out.join("run");
    for executable in &executables {
        run(Command::new(executable)
            .arg("--quiet")
            .env("LLVM_PROFILE_FILE", profiles.join("%p-%m.profraw")));
    }
    let raw: Vec<PathBuf> = std::fs::read_dir(&profiles)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    let merged = out.join("merged.profdata");
    run(Command::new(profdata)
        .args(["merge", "-sparse"])
        .args(&raw)
        .arg("-o")
        .arg(&merged));
    let mut export = Command::new(llvm_cov);
    export
        .args([
            "export",
            "-format=lcov",
            "--ignore-filename-regex=/.cargo/registry|/rustc/",
        ])
        .arg(format!("-instr-profile={}", merged.display()));
    for executable in &executables {
        export.arg("--object").arg(executable);
    }
    let lcov = out.join("lcov.info");
    write_file(&lcov, &run(&mut export));
    lcov
}

#[test]
fn real_coverage_of_jira_link_says_how_many_hidden_lines_no_test_runs() {
    let Some((profdata, llvm_cov)) = llvm_tools() else {
        let message = "llvm-profdata-22 / llvm-cov-22 not found (set LLVM_PROFDATA and LLVM_COV, or install llvm-22)";
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "{message}: CI installs them, so this must not be skipped"
        );
        println!("skipped: {message}");
        return;
    };
    let dir = temp_dir();
    let lcov = real_jira_link_coverage(&profdata, &llvm_cov, dir.path());
    let (code, report, stderr) = audit_json(&lcov, &[]);
    assert_eq!(code, ExitCode::Findings, "{stderr}");
    assert_eq!(report["coverage"]["stale_files"], serde_json::json!([]));
    let high = stub(&report, "high-stub", "creates_link_for_cloud_site");
    let uncovered = high["hidden"]["uncovered"].as_u64().unwrap_or_default();
    // No test sends a failing status or a server deployment.
    let ranges: Vec<(u64, u64)> = high["hidden"]["uncovered_ranges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["start"].as_u64().unwrap_or(0),
                r["end"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(ranges.contains(&(79, 79)), "{ranges:?}");
    assert!(
        ranges
            .iter()
            .any(|&(start, end)| start <= 105 && 105 <= end),
        "{ranges:?}"
    );
    assert!(uncovered >= 3, "{high:#}");
    // The tests/boundary.rs run covers the rest of `fetch_site`.
    assert!(
        high["hidden"]["covered"].as_u64().unwrap_or(0) > 20,
        "{high:#}"
    );

    // All five formats say it.
    let file = lcov.display().to_string();
    let format = |name: &str| {
        audit_fixture(
            "jira-link",
            &["--coverage", &file, "--message-format", name],
        )
        .stdout
    };
    let human = audit_fixture("jira-link", &["--coverage", &file]).stdout;
    assert!(
        human.contains(&format!("({uncovered} run by no test")),
        "{human}"
    );
    assert!(human.contains("run by no test"), "{human}");
    let markdown = format("markdown");
    assert!(
        markdown.contains(&format!("{uncovered} hidden lines run by no test")),
        "{markdown}"
    );
    let sarif: Value = serde_json::from_str(&format("sarif")).unwrap_or_default();
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        results.iter().any(|result| result["ruleId"] == "high-stub"
            && result["properties"]["uncoveredHiddenLines"] == uncovered),
        "{sarif:#}"
    );
    let github = format("github");
    let hidden = &high["hidden"]["lines"];
    assert!(
        github.contains(&format!("hides {hidden} lines, {uncovered} run by no test")),
        "{github}"
    );
}
