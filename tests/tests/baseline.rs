//! `--write-baseline` and `--baseline`: the round trip holds, only new or
//! worse denied findings fail the run, matching survives shifted lines,
//! and the human output shows what changed as a diff.

use stubaudit_tests::{
    audit_fixture, audit_workspace, read_file, scratch_workspace, stable_json, temp_dir,
    write_file, ExitCode,
};

#[test]
fn a_baseline_round_trip_passes_and_changes_nothing() {
    let dir = temp_dir();
    let file = dir.path().join("stubaudit-baseline.json");
    let file_text = file.display().to_string();
    // Writing the baseline succeeds and says so, instead of the report…
    let run = audit_fixture("jira-link", &["--write-baseline", &file_text]);
    assert_eq!(run.code, ExitCode::Clean);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!("wrote baseline `{file_text}` (3 findings)\n")
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["stubaudit-baseline.json"], "written atomically");
    let baseline: serde_json::Value = serde_json::from_str(&read_file(&file)).unwrap_or_default();
    assert_eq!(baseline["schema"], "stubaudit-baseline/1");
    assert_eq!(
        baseline["findings"].as_array().map(Vec::len),
        Some(3),
        "warn and deny findings only: {baseline:#}"
    );
    // …jira-link fails on its phantom stub, but not against a baseline
    // that already has it.
    assert_eq!(audit_fixture("jira-link", &[]).code, ExitCode::Findings);
    let run = audit_fixture("jira-link", &["--baseline", &file_text]);
    assert_eq!(run.code, ExitCode::Clean, "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "baseline `{file_text}`: 0 new, 0 worse, 0 fixed\n"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("note: 1 denied finding already in the baseline\n"),
        "{}",
        run.stdout
    );
    let json = audit_fixture(
        "jira-link",
        &["--baseline", &file_text, "--message-format", "json"],
    );
    let report = stable_json(&json.stdout);
    assert_eq!(
        report["baseline"],
        serde_json::json!({"file": file_text, "new": [], "worse": [], "fixed": []})
    );
}

#[test]
fn a_new_denied_finding_fails_and_shows_in_the_diff() {
    let dir = temp_dir();
    let file = dir.path().join("baseline.json");
    let file_text = file.display().to_string();
    // Recorded while phantom stubs were allowed: the baseline lacks it.
    let run = audit_fixture(
        "jira-link",
        &["--allow", "phantom-stub", "--write-baseline", &file_text],
    );
    assert_eq!(run.code, ExitCode::Clean);
    let run = audit_fixture("jira-link", &["--baseline", &file_text]);
    assert_eq!(run.code, ExitCode::Findings);
    assert!(
        run.stdout.contains(&format!(
            "baseline `{file_text}`: 1 new, 0 worse, 0 fixed\n+phantom-stub `JiraSites::site_status` in `service::tests::check_reports_ready_site` (jira-link/src/service/tests.rs): 3 hidden\n"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("error: 1 denied finding new or worse than the baseline\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_worse_denied_finding_fails_and_a_gone_one_is_fixed() {
    let dir = temp_dir();
    let file = dir.path().join("baseline.json");
    let file_text = file.display().to_string();
    audit_fixture("jira-link", &["--write-baseline", &file_text]);
    // Pretend the phantom stub hid fewer lines when the baseline was made,
    // and that a finding has gone since.
    let mut baseline: serde_json::Value =
        serde_json::from_str(&read_file(&file)).unwrap_or_default();
    let findings = baseline["findings"].as_array_mut();
    let findings = findings.unwrap_or_else(|| panic!("no findings"));
    let mut gone = findings[0].clone();
    gone["key"] = "high-stub|jira-link/src/service/tests.rs|service::tests::removed|jira_link::jira::JiraSites::fetch_site|MockJiraSites".into();
    findings.push(gone);
    for finding in findings.iter_mut() {
        if finding["code"] == "phantom-stub" {
            finding["hidden_lines"] = 2.into();
        }
    }
    write_file(&file, &baseline.to_string());
    let run = audit_fixture("jira-link", &["--baseline", &file_text]);
    assert_eq!(run.code, ExitCode::Findings);
    assert!(
        run.stdout.contains(&format!(
            "baseline `{file_text}`: 0 new, 1 worse, 1 fixed\n"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("-phantom-stub `JiraSites::site_status` in `service::tests::check_reports_ready_site` (jira-link/src/service/tests.rs): 2 hidden\n")
            && run.stdout.contains("+phantom-stub `JiraSites::site_status` in `service::tests::check_reports_ready_site` (jira-link/src/service/tests.rs): 3 hidden\n")
            && run.stdout.contains("-high-stub `JiraSites::fetch_site` in `service::tests::removed`"),
        "{}",
        run.stdout
    );
}

#[test]
fn findings_match_across_shifted_lines() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    let dir = temp_dir();
    let file = dir.path().join("baseline.json");
    let file_text = file.display().to_string();
    audit_workspace(root, &["--write-baseline", &file_text]);
    let tests = root.join("jira-link/src/service/tests.rs");
    let text = read_file(&tests);
    write_file(
        &tests,
        &text.replacen(
            "use stubaudit::db::SqliteDatabase;",
            "use stubaudit::db::SqliteDatabase;\n\n// Three lines\n// pushed in.\n",
            1,
        ),
    );
    let run = audit_workspace(
        root,
        &["--baseline", &file_text, "--message-format", "json"],
    );
    assert_eq!(run.code, ExitCode::Clean, "{}", run.stdout);
    let report = stable_json(&run.stdout);
    assert_eq!(report["baseline"]["new"], serde_json::json!([]));
    let lines: Vec<u64> = report["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|stub| stub["site"]["line"].as_u64())
        .collect();
    assert!(lines.contains(&29), "the sites moved by 4 lines: {lines:?}");
}

#[test]
fn a_broken_baseline_exits_2_naming_file_and_line() {
    let dir = temp_dir();
    let file = dir.path().join("baseline.json");
    write_file(
        &file,
        "{\n  \"schema\": \"stubaudit-baseline/1\",\n  \"findings\": 3\n}\n",
    );
    let run = audit_fixture("jira-link", &["--baseline", &file.display().to_string()]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        format!(
            "error: {}:3: invalid baseline: invalid type: integer `3`, expected a sequence\n",
            file.display()
        )
    );
}

#[test]
fn write_baseline_with_output_writes_both_files() {
    let dir = temp_dir();
    let file = dir.path().join("baseline.json");
    let report = dir.path().join("report.json");
    let run = audit_fixture(
        "jira-link",
        &[
            "--write-baseline",
            &file.display().to_string(),
            "--output",
            &report.display().to_string(),
            "--message-format",
            "json",
        ],
    );
    assert_eq!(run.code, ExitCode::Clean);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!("wrote baseline `{}` (3 findings)\n", file.display())
    );
    let written = stable_json(&read_file(&report));
    assert_eq!(written["summary"]["stub_sites"], 5);
}
