//! The motivating story end to end: `cargo stubaudit -p jira-link` finds the
//! high stub, the phantom stub and the boundary stubs.

use stubaudit_tests::{audit_fixture, stable_json, ExitCode};

#[test]
fn human_report_shows_high_phantom_and_boundary_stubs() {
    let run = audit_fixture("jira-link", &["-v"]);
    assert_eq!(run.code, ExitCode::Findings, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn human_report_without_verbose_hides_boundary_stubs() {
    let run = audit_fixture("jira-link", &[]);
    assert_eq!(run.code, ExitCode::Findings);
    assert!(!run.stdout.contains("boundary-stub]"), "{}", run.stdout);
    assert!(run.stdout.contains("2 boundary-stub"), "{}", run.stdout);
}

#[test]
fn json_report_follows_schema_v1() {
    let run = audit_fixture("jira-link", &["--message-format", "json"]);
    assert_eq!(run.code, ExitCode::Findings, "stderr: {}", run.stderr);
    let report = stable_json(&run.stdout);
    assert_eq!(report["schema"], "stubaudit-report/1");
    insta::assert_json_snapshot!(report);
}

#[test]
fn high_stub_is_height_one_with_lower_stub_point_at_http_client() {
    let run = audit_fixture("jira-link", &["--message-format", "json"]);
    let report = stable_json(&run.stdout);
    let stubs = report["stubs"].as_array().cloned().unwrap_or_default();
    let high = stubs.iter().find(|stub| stub["code"] == "high-stub");
    let high = high.unwrap_or_else(|| panic!("no high-stub in {report:#}"));
    assert_eq!(high["height"], 1);
    assert_eq!(high["target"]["path"], "jira_link::jira::JiraSites");
    assert_eq!(
        high["lower_stub_point"]["path"],
        "stubaudit::http::HttpClient"
    );
    assert_eq!(high["lower_stub_point"]["method"], "send");
    let fns: Vec<&str> = high["hidden"]["ranges"]
        .as_array()
        .map(|ranges| {
            ranges
                .iter()
                .filter_map(|range| range["fn"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        fns,
        [
            "HttpJiraSites::fetch_site",
            "server_info_url",
            "parse_site_info"
        ]
    );
}

#[test]
fn allowing_phantom_stubs_makes_the_run_pass() {
    let run = audit_fixture("jira-link", &["--allow", "phantom-stub"]);
    assert_eq!(run.code, ExitCode::Clean, "{}", run.stdout);
}

#[test]
fn denying_high_stubs_and_max_height_fail_the_run() {
    let run = audit_fixture(
        "jira-link",
        &["--allow", "phantom-stub", "--deny", "high-stub"],
    );
    assert_eq!(run.code, ExitCode::Findings);
    let run = audit_fixture(
        "jira-link",
        &["--allow", "phantom-stub", "--max-height", "0"],
    );
    assert_eq!(run.code, ExitCode::Findings);
    let run = audit_fixture(
        "jira-link",
        &["--allow", "phantom-stub", "--max-height", "1"],
    );
    assert_eq!(run.code, ExitCode::Clean);
}
