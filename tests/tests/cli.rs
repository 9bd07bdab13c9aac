//! The command line contract: exit codes, error messages, help, and
//! cargo's conventions (the package in the working directory, `--exclude`
//! only with `--workspace`, `-q` against `-v`).

use stubaudit_tests::{
    audit_workspace, fixtures_dir, fixtures_manifest, read_file, scratch_workspace, stable_json,
    stubaudit, stubaudit_in, temp_dir, write_file, ExitCode,
};

#[test]
fn missing_manifest_exits_2_naming_it() {
    let run = stubaudit(&["--manifest-path", "/nonexistent/Cargo.toml"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        "error: manifest `/nonexistent/Cargo.toml` does not exist\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn unknown_flag_exits_2() {
    let run = stubaudit(&["--frobnicate"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert!(
        run.stderr.contains("unexpected argument '--frobnicate'"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_package_exits_2() {
    let manifest = fixtures_manifest();
    let run = stubaudit(&["--manifest-path", &manifest, "-p", "no-such-crate"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        "error: package `no-such-crate` is not a member of the workspace\n"
    );
}

#[test]
fn an_unknown_code_is_an_argument_error_listing_the_codes() {
    let manifest = fixtures_manifest();
    for flag in ["--deny", "--warn", "--allow", "--explain"] {
        let run = stubaudit(&["--manifest-path", &manifest, flag, "tall-stub"]);
        assert_eq!(run.code, ExitCode::Failed);
        assert_eq!(
            run.stderr,
            format!(
                "error: invalid value 'tall-stub' for '{flag} <CODE>'\n  [possible values: high-stub, pure-stub, phantom-stub, thick-adapter, boundary-stub, unused-double, incomplete-audit]\n\nFor more information, try '--help'.\n"
            )
        );
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn exclude_without_workspace_is_rejected_as_cargo_does() {
    let run = stubaudit(&["--exclude", "jira-link"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        "error: --exclude can only be used together with --workspace\n\nUsage: cargo stubaudit [OPTIONS]\n\nFor more information, try '--help'.\n"
    );
    let run = stubaudit(&[
        "--workspace",
        "--exclude",
        "jira-link",
        "--message-format",
        "json",
    ]);
    assert_eq!(run.code, ExitCode::Findings, "{}", run.stderr);
    let report = stable_json(&run.stdout);
    let files: Vec<&str> = report["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|stub| stub["site"]["file"].as_str())
        .collect();
    assert!(!files.is_empty());
    assert!(
        files.iter().all(|file| !file.starts_with("jira-link/")),
        "{files:?}"
    );
}

#[test]
fn quiet_and_verbose_conflict() {
    let run = stubaudit(&["-q", "-v"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert!(
        run.stderr
            .starts_with("error: the argument '--quiet' cannot be used with '--verbose...'"),
        "{}",
        run.stderr
    );
}

/// The site files of a JSON report.
fn site_files(stdout: &str) -> Vec<String> {
    let report = stable_json(stdout);
    report["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|stub| stub["site"]["file"].as_str().map(String::from))
        .collect()
}

#[test]
fn in_a_member_directory_the_audit_takes_that_member() {
    let json = ["--color", "never", "--message-format", "json"];
    let run = stubaudit_in(&fixtures_dir().join("jira-link").join("src"), &json);
    assert_eq!(run.code, ExitCode::Findings, "{}", run.stderr);
    let files = site_files(&run.stdout);
    assert_eq!(files.len(), 5, "{files:?}");
    assert!(
        files.iter().all(|file| file.starts_with("jira-link/")),
        "{files:?}"
    );
    let by_flag = stubaudit(&[&json[..], &["-p", "jira-link"]].concat());
    assert_eq!(run.stdout, by_flag.stdout);
    // The member's own manifest given by path means the same, as in cargo.
    let manifest = fixtures_dir().join("jira-link").join("Cargo.toml");
    let by_path = stubaudit_in(
        temp_dir().path(),
        &[
            &json[..],
            &["--manifest-path", &manifest.display().to_string()],
        ]
        .concat(),
    );
    assert_eq!(run.stdout, by_path.stdout);
    // `--workspace` still takes every member from there.
    let run = stubaudit_in(
        &fixtures_dir().join("jira-link"),
        &[&json[..], &["--workspace"]].concat(),
    );
    let everything = site_files(&run.stdout);
    assert!(
        everything.iter().any(|file| file.starts_with("pure-stub/")),
        "{everything:?}"
    );
}

#[test]
fn at_a_virtual_workspace_root_the_audit_takes_every_member() {
    let json = ["--color", "never", "--message-format", "json"];
    let here = stubaudit_in(&fixtures_dir(), &json);
    let everything = stubaudit(&[&json[..], &["--workspace"]].concat());
    assert_eq!(here.stdout, everything.stdout);
    let files = site_files(&here.stdout);
    assert!(
        files.iter().any(|file| file.starts_with("jira-link/"))
            && files.iter().any(|file| file.starts_with("wire-server/")),
        "{files:?}"
    );
}

#[test]
fn outside_any_workspace_the_audit_exits_2_like_cargo() {
    let dir = temp_dir();
    let run = stubaudit_in(dir.path(), &[]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        format!(
            "error: could not find `Cargo.toml` in `{}` or any parent directory\n",
            dir.path().display()
        )
    );
}

#[test]
fn verbose_lists_inline_allowed_stubs_with_their_reason() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    let tests = root.join("jira-link/src/service/tests.rs");
    let text = read_file(&tests);
    write_file(
        &tests,
        &text.replacen(
            "        .expect_site_status()",
            "        // stubaudit: allow(phantom-stub): site_status lands with JIRA-231\n        .expect_site_status()",
            1,
        ),
    );
    let quiet = audit_workspace(root, &[]);
    assert_eq!(quiet.code, ExitCode::Clean, "{}", quiet.stderr);
    assert!(!quiet.stdout.contains("phantom-stub]"), "{}", quiet.stdout);
    let verbose = audit_workspace(root, &["-v"]);
    assert_eq!(verbose.code, ExitCode::Clean);
    let allowed = verbose
        .stdout
        .split("\n\n")
        .find(|block| block.starts_with("info[phantom-stub]"))
        .unwrap_or_else(|| panic!("no allowed stub listed:\n{}", verbose.stdout));
    assert!(
        allowed.contains("= note: allowed: site_status lands with JIRA-231"),
        "{allowed}"
    );
    // Every stub the summary counts is listed with -v.
    let listed = verbose.stdout.matches("\n  --> ").count();
    assert!(
        verbose.stdout.contains(&format!(
            "stubaudit: {listed} stub sites (2 high-stub, 1 phantom-stub, 2 boundary-stub)"
        )),
        "{listed} listed:\n{}",
        verbose.stdout
    );
}

#[test]
fn help_reads_as_a_cargo_subcommand() {
    let run = stubaudit(&["--help"]);
    assert_eq!(run.code, ExitCode::Clean);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn runs_directly_without_the_subcommand_word() {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let argv = vec![
        "cargo-stubaudit".into(),
        "--explain".into(),
        "high-stub".into(),
    ];
    let code = cargo_stubaudit::run(argv, &mut stdout, &mut stderr);
    assert_eq!(code, ExitCode::Clean);
    assert!(String::from_utf8_lossy(&stdout).starts_with("# high-stub"));
}

#[test]
fn explain_prints_every_code() {
    for code in stubaudit_engine::Code::ALL {
        let run = stubaudit(&["--explain", code.as_str()]);
        assert_eq!(run.code, ExitCode::Clean);
        assert!(
            run.stdout.starts_with(&format!("# {code}\n")),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("**Why it matters.**"),
            "{code} lacks a why"
        );
    }
}

/// A relative `--manifest-path` is read from the directory the audit runs
/// in, not from wherever the process happens to be.
#[test]
fn a_relative_manifest_path_is_relative_to_the_audit_directory() {
    // The test process runs in `tests/`, where `Cargo.toml` is another
    // workspace's manifest.
    let run = stubaudit_in(
        &fixtures_dir(),
        &["--manifest-path", "Cargo.toml", "-p", "jira-link", "-q"],
    );
    assert_eq!(run.code, ExitCode::Findings, "{}", run.stderr);
    assert!(run.stdout.contains("phantom-stub"), "{}", run.stdout);
}
