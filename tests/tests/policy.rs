//! Policy and exit codes: `[package.metadata.stubaudit]` over
//! `[workspace.metadata.stubaudit]`, flags over both, inline
//! `// stubaudit: allow(CODE): reason` comments, `max-uncovered-hidden`.
//! Each test edits a copy of jira-link in a scratch workspace.

use serde_json::Value;
use std::path::Path;
use stubaudit_tests::{
    audit_workspace, fresh_coverage, read_file, scratch_workspace, stable_json, write_file,
    ExitCode,
};

/// Appends `table` to jira-link's manifest in the scratch workspace.
fn add_to_manifest(root: &Path, member: &str, table: &str) {
    let manifest = root.join(member).join("Cargo.toml");
    let text = read_file(&manifest);
    write_file(&manifest, &format!("{text}\n{table}\n"));
}

/// Replaces `from` by `to` in a file of the scratch workspace.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = read_file(&path);
    assert!(text.contains(from), "`{from}` not in {file}");
    write_file(&path, &text.replacen(from, to, 1));
}

fn levels(report: &Value) -> Vec<(String, String)> {
    report["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|stub| {
            (
                stub["code"].as_str().unwrap_or_default().to_string(),
                stub["level"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_package_table_overrides_the_workspace_table() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    add_to_manifest(
        root,
        ".",
        "[workspace.metadata.stubaudit]\nlevels = { high-stub = \"deny\" }",
    );
    let run = audit_workspace(root, &["--message-format", "json"]);
    assert_eq!(run.code, ExitCode::Findings, "{}", run.stderr);
    assert!(levels(&stable_json(&run.stdout)).contains(&("high-stub".into(), "deny".into())));

    add_to_manifest(
        root,
        "jira-link",
        "[package.metadata.stubaudit]\nlevels = { high-stub = \"warn\", phantom-stub = \"warn\" }",
    );
    let run = audit_workspace(root, &["--message-format", "json"]);
    assert_eq!(run.code, ExitCode::Clean, "{}", run.stderr);
    let levels = levels(&stable_json(&run.stdout));
    assert!(
        levels.contains(&("high-stub".into(), "warn".into())),
        "{levels:?}"
    );
    assert!(
        levels.contains(&("phantom-stub".into(), "warn".into())),
        "{levels:?}"
    );
}

#[test]
fn flags_override_the_package_table() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    add_to_manifest(
        root,
        "jira-link",
        "[package.metadata.stubaudit]\nlevels = { phantom-stub = \"warn\" }",
    );
    assert_eq!(audit_workspace(root, &[]).code, ExitCode::Clean);
    assert_eq!(
        audit_workspace(root, &["--deny", "phantom-stub"]).code,
        ExitCode::Findings
    );
}

#[test]
fn a_package_allow_entry_silences_that_target_with_its_reason() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    add_to_manifest(
        root,
        "jira-link",
        "[package.metadata.stubaudit]\nallow = [{ path = \"jira_link::jira::JiraSites::site_status\", reason = \"written in the next release\" }]",
    );
    let run = audit_workspace(root, &["--message-format", "json"]);
    assert_eq!(run.code, ExitCode::Clean, "{}", run.stdout);
    let report = stable_json(&run.stdout);
    let phantom = report["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|stub| stub["code"] == "phantom-stub")
        .cloned()
        .unwrap_or_default();
    assert_eq!(phantom["level"], "allow");
    assert_eq!(phantom["allowed"], "written in the next release");
}

#[test]
fn an_unknown_key_in_a_package_table_exits_2_naming_key_and_package() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    add_to_manifest(
        root,
        "jira-link",
        "[package.metadata.stubaudit]\nmax-hieght = 1",
    );
    let run = audit_workspace(root, &[]);
    assert_eq!(run.code, ExitCode::Failed);
    assert!(
        run.stderr.starts_with(
            "error: invalid `[package.metadata.stubaudit]` of `jira-link`: unknown field `max-hieght`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn an_inline_allow_on_the_line_above_silences_one_site() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    edit(
        root,
        "jira-link/src/service/tests.rs",
        "        .expect_site_status()",
        "        // stubaudit: allow(phantom-stub): site_status lands with JIRA-231\n        .expect_site_status()",
    );
    let run = audit_workspace(root, &["--message-format", "json"]);
    assert_eq!(run.code, ExitCode::Clean, "{}", run.stdout);
    let report = stable_json(&run.stdout);
    let allowed: Vec<&Value> = report["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|stub| stub["level"] == "allow")
        .collect();
    assert_eq!(allowed.len(), 1, "{report:#}");
    assert_eq!(allowed[0]["code"], "phantom-stub");
    assert_eq!(allowed[0]["allowed"], "site_status lands with JIRA-231");
    // Allowed stubs leave the totals.
    assert_eq!(report["summary"]["hidden_lines"], 38);
}

#[test]
fn an_inline_allow_on_the_site_line_silences_only_its_code() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    edit(
        root,
        "jira-link/src/service/tests.rs",
        "    sites.expect_fetch_site().returning(|_| Ok(cloud_site()));\n    let service = LinkService::new(sites, store());\n\n    let link",
        "    sites.expect_fetch_site().returning(|_| Ok(cloud_site())); // stubaudit: allow(high-stub): a unit test of the service alone\n    let service = LinkService::new(sites, store());\n\n    let link",
    );
    let run = audit_workspace(root, &["--message-format", "json"]);
    let report = stable_json(&run.stdout);
    let levels = levels(&report);
    assert_eq!(
        levels,
        [
            ("high-stub".to_string(), "allow".to_string()),
            ("high-stub".to_string(), "warn".to_string()),
            ("phantom-stub".to_string(), "deny".to_string()),
            ("boundary-stub".to_string(), "info".to_string()),
            ("boundary-stub".to_string(), "info".to_string()),
        ]
    );
}

#[test]
fn an_inline_allow_without_a_reason_is_a_warning_and_silences_nothing() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    edit(
        root,
        "jira-link/src/service/tests.rs",
        "        .expect_site_status()",
        "        // stubaudit: allow(phantom-stub)\n        .expect_site_status()",
    );
    let run = audit_workspace(root, &[]);
    assert_eq!(run.code, ExitCode::Findings);
    assert!(
        run.stdout.contains(
            "warning: `stubaudit: allow(phantom-stub)` needs a reason: `// stubaudit: allow(phantom-stub): why`"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn max_uncovered_hidden_denies_stubs_hiding_more_dark_lines() {
    let (_dir, coverage) = fresh_coverage("jira-link", "llvm-cov.lcov");
    let coverage = coverage.display().to_string();
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    let base = ["--coverage", coverage.as_str(), "--allow", "phantom-stub"];
    // Each high stub hides 3 lines no test runs.
    assert_eq!(audit_workspace(root, &base).code, ExitCode::Clean);
    let run = audit_workspace(
        root,
        &[&base[..], &["--max-uncovered-hidden", "3"]].concat(),
    );
    assert_eq!(run.code, ExitCode::Clean);
    let run = audit_workspace(
        root,
        &[&base[..], &["--max-uncovered-hidden", "2"]].concat(),
    );
    assert_eq!(run.code, ExitCode::Findings);
    assert!(
        run.stdout.contains(
            "3 of its hidden lines run by no test (more than `max-uncovered-hidden` = 2)"
        ),
        "{}",
        run.stdout
    );
    // The same from the package's table.
    add_to_manifest(
        root,
        "jira-link",
        "[package.metadata.stubaudit]\nmax-uncovered-hidden = 2",
    );
    assert_eq!(audit_workspace(root, &base).code, ExitCode::Findings);
}

#[test]
fn max_uncovered_hidden_without_coverage_warns_on_stderr() {
    let workspace = scratch_workspace(&["jira-link"]);
    let run = audit_workspace(
        workspace.path(),
        &["--max-uncovered-hidden", "0", "--allow", "phantom-stub"],
    );
    assert_eq!(run.code, ExitCode::Clean);
    assert_eq!(
        run.stderr,
        "warning: `--max-uncovered-hidden` needs `--coverage`: without it no stub is judged by it\n"
    );
}
