//! The command line contract: exit codes, error messages, help.

use stubaudit_tests::{fixtures_manifest, stubaudit, ExitCode};

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
fn unknown_code_exits_2() {
    let manifest = fixtures_manifest();
    let run = stubaudit(&["--manifest-path", &manifest, "--deny", "tall-stub"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(run.stderr, "error: unknown finding code `tall-stub`\n");
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
