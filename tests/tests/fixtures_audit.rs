//! Every fixture audited on its own (`-p MEMBER`), with JSON and human
//! snapshots, and the rule that every finding code and every double kind
//! is shown by at least one fixture. Each snapshot was checked by reading
//! the fixture's code against its README's "Expected" section.

use std::collections::BTreeSet;
use stubaudit_engine::doubles::DoubleKind;
use stubaudit_engine::Code;
use stubaudit_tests::{audit_fixture, fixtures_dir, stable_json};

/// The fixtures workspace's members, in manifest order.
fn members() -> Vec<String> {
    let manifest = fixtures_dir().join("Cargo.toml");
    let selection = stubaudit_engine::Selection::default();
    match stubaudit_engine::load::load(Some(&manifest), &selection) {
        Ok(workspace) => workspace
            .packages
            .into_iter()
            .map(|package| package.name)
            .collect(),
        Err(error) => panic!("cannot load the fixtures workspace: {error}"),
    }
}

#[test]
fn every_fixture_matches_its_snapshots() {
    for member in members() {
        let json = audit_fixture(&member, &["--message-format", "json"]);
        assert!(json.stderr.is_empty(), "{member}: {}", json.stderr);
        insta::assert_json_snapshot!(format!("fixture_{member}_json"), stable_json(&json.stdout));
        let human = audit_fixture(&member, &["-v"]);
        let shown = format!("exit code: {:?}\n\n{}", human.code, human.stdout);
        insta::assert_snapshot!(format!("fixture_{member}_human"), shown);
    }
}

#[test]
fn every_finding_code_and_double_kind_has_a_fixture() {
    let mut codes = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for member in members() {
        let run = audit_fixture(&member, &["--message-format", "json"]);
        let report = stable_json(&run.stdout);
        for stub in report["stubs"].as_array().into_iter().flatten() {
            codes.insert(stub["code"].as_str().unwrap_or_default().to_string());
            kinds.insert(
                stub["double"]["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    let missing_codes: Vec<&str> = Code::ALL
        .iter()
        .map(|code| code.as_str())
        .filter(|code| !codes.contains(*code))
        .collect();
    let missing_kinds: Vec<&str> = DoubleKind::ALL
        .iter()
        .map(|kind| kind.as_str())
        .filter(|kind| !kinds.contains(*kind))
        .collect();
    assert!(
        missing_codes.is_empty(),
        "finding codes without a fixture: {missing_codes:?}"
    );
    assert!(
        missing_kinds.is_empty(),
        "double kinds without a fixture: {missing_kinds:?}"
    );
}
