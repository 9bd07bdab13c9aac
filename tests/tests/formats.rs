//! Every `--message-format` on jira-link with coverage, as snapshots with
//! the machine's paths replaced; the SARIF validated against the official
//! SARIF 2.1.0 schema (`tests/data/sarif-schema-2.1.0.json`, from OASIS,
//! as shipped in the `serde-sarif` crate) with the `jsonschema` crate;
//! `--output FILE`.

use serde_json::Value;
use std::path::Path;
use stubaudit_tests::{audit_fixture, fixtures_dir, fresh_coverage, read_file, temp_dir, ExitCode};

/// jira-link audited with the committed llvm-cov LCOV file in `format`,
/// with the temporary and fixtures paths made stable.
fn render(format: &str, extra: &[&str]) -> (ExitCode, String, String) {
    let (code, stdout, stderr, _) = render_raw(format, extra);
    (code, stdout, stderr)
}

/// [`render`], also returning stdout as printed.
fn render_raw(format: &str, extra: &[&str]) -> (ExitCode, String, String, String) {
    let (dir, file) = fresh_coverage("jira-link", "llvm-cov.lcov");
    let coverage = file.display().to_string();
    let mut args = vec!["--coverage", coverage.as_str(), "--message-format", format];
    args.extend_from_slice(extra);
    let run = audit_fixture("jira-link", &args);
    let fixtures = fixtures_dir();
    let uri = format!("file://{}", fixtures.display());
    let paths: [(&Path, &str); 2] = [(dir.path(), "coverage-dir"), (&fixtures, "fixtures")];
    let version = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
    let stdout = stubaudit_tests::stable_text(
        &run.stdout
            .replace(&uri, "file://[fixtures]")
            .replace(&version, "\"[version]\""),
        &paths,
    );
    (run.code, stdout, run.stderr, run.stdout)
}

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join("sarif-schema-2.1.0.json");
    // The official schema's `toolComponent.language` pattern has a stray
    // `]`, a literal in ECMA-262 but an error to the Rust regex engines that
    // check `format: regex` in the meta-schema; escaping it keeps its meaning.
    let text = read_file(&path).replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    let schema: Value = match serde_json::from_str(&text) {
        Ok(schema) => schema,
        Err(error) => panic!("the SARIF schema is not JSON: {error}"),
    };
    match jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
    {
        Ok(validator) => validator,
        Err(error) => panic!("the SARIF schema does not compile: {error}"),
    }
}

fn schema_errors(validator: &jsonschema::Validator, sarif: &Value) -> Vec<String> {
    validator
        .iter_errors(sarif)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

#[test]
fn human_shows_the_dark_lines_of_each_finding() {
    let (code, stdout, stderr) = render("human", &[]);
    assert_eq!(code, ExitCode::Findings);
    assert_eq!(stderr, "");
    insta::assert_snapshot!(stdout);
}

#[test]
fn json_fills_the_coverage_fields() {
    let (code, stdout, _) = render("json", &[]);
    assert_eq!(code, ExitCode::Findings);
    let report = stubaudit_tests::stable_json(&stdout);
    insta::assert_json_snapshot!(report);
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let (code, stdout, stderr, raw) = render_raw("sarif", &["-v"]);
    assert_eq!(code, ExitCode::Findings);
    assert_eq!(stderr, "");
    let sarif: Value = match serde_json::from_str(&raw) {
        Ok(sarif) => sarif,
        Err(error) => panic!("not JSON ({error}):\n{stdout}"),
    };
    let errors = schema_errors(&sarif_validator(), &sarif);
    assert!(errors.is_empty(), "{errors:#?}");
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rule| rule["id"].as_str())
        .collect();
    assert_eq!(
        rules,
        [
            "high-stub",
            "pure-stub",
            "phantom-stub",
            "thick-adapter",
            "boundary-stub",
            "unused-double"
        ]
    );
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_schema_check_rejects_broken_sarif() {
    // The validation above can fail: a level SARIF does not know, a
    // location without a line.
    let (_, _, _, raw) = render_raw("sarif", &[]);
    let mut sarif: Value = serde_json::from_str(&raw).unwrap_or_default();
    sarif["runs"][0]["results"][0]["level"] = Value::from("warn");
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    let errors = schema_errors(&sarif_validator(), &sarif);
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[test]
fn markdown_lists_the_stubs_hiding_most_uncovered_lines_first() {
    let (code, stdout, _) = render("markdown", &[]);
    assert_eq!(code, ExitCode::Findings);
    insta::assert_snapshot!(stdout);
}

#[test]
fn github_annotations_are_workflow_commands() {
    let (code, stdout, _) = render("github", &[]);
    assert_eq!(code, ExitCode::Findings);
    for line in stdout.lines() {
        assert!(
            line.starts_with("::warning ")
                || line.starts_with("::error ")
                || line.starts_with("::notice "),
            "{line}"
        );
    }
    insta::assert_snapshot!(stdout);
}

#[test]
fn output_writes_the_report_to_a_file_instead_of_stdout() {
    let dir = temp_dir();
    let target = dir.path().join("report.sarif");
    let target_text = target.display().to_string();
    let (_, _, _, printed) = render_raw("sarif", &[]);
    let (code, stdout, stderr) = render("sarif", &["--output", &target_text]);
    assert_eq!(code, ExitCode::Findings, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(read_file(&target), printed);
    // Written atomically: nothing else is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.sarif"]);
}

#[test]
fn human_without_coverage_has_no_dark_lines() {
    let run = audit_fixture("jira-link", &[]);
    assert!(!run.stdout.contains("run by no test"), "{}", run.stdout);
}
