//! `--diff-base REV`: only the findings that the change since REV adds or
//! makes worse, read from a git repository built here from jira-link's
//! sources in two commits; the repository's own configuration runs
//! nothing; clear errors when git cannot answer.

use std::path::Path;
use std::process::Command;
use stubaudit_tests::{
    audit_workspace, read_file, scratch_workspace, stable_json, write_file, ExitCode,
};

/// Runs git in `dir`, isolated from the machine's configuration, or panics.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=stubaudit tests",
            "-c",
            "user.email=tests@stubaudit.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output();
    match output {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
        Ok(output) => panic!(
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) => panic!("cannot run git: {error}"),
    }
}

/// Replaces `from` by `to` in a file under `root`.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = read_file(&path);
    assert!(text.contains(from), "`{from}` not in {file}");
    write_file(&path, &text.replacen(from, to, 1));
}

/// The one test of the base that stubs `site_status`.
const CHECK_TEST: &str = r#"
#[test]
fn check_reports_ready_site() {
    let mut sites = MockJiraSites::new();
    sites.expect_fetch_site().returning(|_| Ok(cloud_site()));
    sites
        .expect_site_status()
        .returning(|_| Ok(SiteStatus::Ready));
    let service = LinkService::new(sites, store());
    let link = service
        .create_link("OPS-18", "https://acme.atlassian.net")
        .expect("link");

    assert_eq!(service.check_link(link.id), Ok(SiteStatus::Ready));
}
"#;

/// The test the change adds: it stubs the unwritten `site_status`.
const ADDED_TEST: &str = r#"
#[test]
fn check_reports_ready_site() {
    let mut sites = MockJiraSites::new();
    sites
        .expect_site_status()
        .returning(|_| Ok(SiteStatus::Ready));
    let store = store();
    let id = store.insert("OPS-18", &cloud_site()).expect("insert");
    let service = LinkService::new(sites, store);

    assert_eq!(service.check_link(id), Ok(SiteStatus::Ready));
}
"#;

/// `fetch_site`'s request and response handling, moved into a layer of
/// its own by the change.
const FETCH_BODY: &str = r#"        let request = Request::builder()
            .method("GET")
            .uri(server_info_url(site))
            .header("accept", "application/json")
            .body(Vec::new())
            .map_err(|error| JiraError::Http(error.to_string()))?;
        let response = self
            .http
            .send(request)
            .map_err(|error| JiraError::Http(error.to_string()))?;
        if !response.status().is_success() {
            return Err(JiraError::Status(response.status().as_u16()));
        }
        let body: serde_json::Value = serde_json::from_slice(response.body())
            .map_err(|error| JiraError::Parse(error.to_string()))?;
        parse_site_info(&body)"#;

const JIRA_HTTP: &str = r#"
/// GETs JSON documents from Jira.
pub struct JiraHttp<H: HttpClient> {
    http: H,
}

impl<H: HttpClient> JiraHttp<H> {
    /// The JSON document at `url`.
    pub fn get_json(&self, url: &str) -> Result<serde_json::Value, JiraError> {
        let request = Request::builder()
            .method("GET")
            .uri(url)
            .header("accept", "application/json")
            .body(Vec::new())
            .map_err(|error| JiraError::Http(error.to_string()))?;
        let response = self
            .http
            .send(request)
            .map_err(|error| JiraError::Http(error.to_string()))?;
        if !response.status().is_success() {
            return Err(JiraError::Status(response.status().as_u16()));
        }
        serde_json::from_slice(response.body()).map_err(|error| JiraError::Parse(error.to_string()))
    }
}
"#;

/// A git repository holding jira-link in two commits. The base has one
/// high stub (`fetch_site` in `creates_link_for_cloud_site`, height 1);
/// the change adds a test stubbing the never-written `site_status` (a
/// phantom stub) and moves `fetch_site`'s HTTP handling into a `JiraHttp`
/// layer, so the same stub now sits 2 layers high.
fn two_commit_repository() -> tempfile::TempDir {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    let tests = "jira-link/src/service/tests.rs";
    edit(root, tests, CHECK_TEST, "");
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base: one high stub"]);

    let text = read_file(&root.join(tests));
    write_file(&root.join(tests), &format!("{text}{ADDED_TEST}"));
    let jira = "jira-link/src/jira.rs";
    edit(
        root,
        jira,
        "pub struct HttpJiraSites<H: HttpClient> {\n    http: H,\n}",
        "pub struct HttpJiraSites<H: HttpClient> {\n    api: JiraHttp<H>,\n}",
    );
    edit(
        root,
        jira,
        "        Self { http }",
        "        Self {\n            api: JiraHttp { http },\n        }",
    );
    edit(
        root,
        jira,
        FETCH_BODY,
        "        let body = self.api.get_json(&server_info_url(site))?;\n        parse_site_info(&body)",
    );
    let text = read_file(&root.join(jira));
    write_file(&root.join(jira), &format!("{text}{JIRA_HTTP}"));
    git(
        root,
        &[
            "commit",
            "-q",
            "-a",
            "-m",
            "change: a phantom stub, a higher stub",
        ],
    );
    workspace
}

#[test]
fn diff_base_reports_only_the_new_and_the_worse_findings() {
    let repository = two_commit_repository();
    let root = repository.path();
    // Against itself, the change has nothing to report.
    let run = audit_workspace(root, &["--diff-base", "HEAD", "--message-format", "json"]);
    assert_eq!(run.code, ExitCode::Clean, "{}", run.stderr);
    assert_eq!(stable_json(&run.stdout)["stubs"], serde_json::json!([]));

    let run = audit_workspace(root, &["--diff-base", "HEAD~1", "--message-format", "json"]);
    assert_eq!(run.code, ExitCode::Findings, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let report = stable_json(&run.stdout);
    let shown: Vec<(String, u64)> = report["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|stub| {
            (
                stub["code"].as_str().unwrap_or_default().to_string(),
                stub["site"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("high-stub".to_string(), 25),
            ("phantom-stub".to_string(), 40)
        ],
        "the worse high stub and the new phantom stub, nothing else"
    );
    insta::assert_json_snapshot!(report);
}

#[test]
fn diff_base_human_output_shows_what_changed() {
    let repository = two_commit_repository();
    let run = audit_workspace(repository.path(), &["--diff-base", "HEAD~1"]);
    assert_eq!(run.code, ExitCode::Findings);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn diff_base_markdown_is_a_pull_request_summary() {
    let repository = two_commit_repository();
    let run = audit_workspace(
        repository.path(),
        &["--diff-base", "HEAD~1", "--message-format", "markdown"],
    );
    assert_eq!(run.code, ExitCode::Findings);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn diff_base_leaves_the_worktree_and_index_alone() {
    let repository = two_commit_repository();
    let root = repository.path();
    // An uncommitted edit, staged, and one not staged.
    edit(
        root,
        "jira-link/src/lib.rs",
        "pub mod store;",
        "pub mod store;\n// staged",
    );
    git(root, &["add", "jira-link/src/lib.rs"]);
    edit(
        root,
        "jira-link/src/lib.rs",
        "// staged",
        "// staged\n// unstaged",
    );
    let status = git(root, &["status", "--porcelain=v2"]);
    let index = std::fs::read(root.join(".git/index")).unwrap_or_default();
    let run = audit_workspace(root, &["--diff-base", "HEAD~1"]);
    assert_eq!(run.code, ExitCode::Findings, "{}", run.stderr);
    assert_eq!(git(root, &["status", "--porcelain=v2"]), status);
    assert_eq!(
        std::fs::read(root.join(".git/index")).unwrap_or_default(),
        index
    );
    assert!(read_file(&root.join("jira-link/src/lib.rs")).ends_with("// staged\n// unstaged\n"));
}

/// The repository's configuration asks git to run a script (a smudge
/// filter for `*.rs`, an fsmonitor hook); reading the base runs neither,
/// while `git archive` and `git status` on the same repository do.
#[cfg(unix)]
#[test]
fn diff_base_runs_nothing_the_repository_configures() {
    use std::os::unix::fs::PermissionsExt;
    let repository = two_commit_repository();
    let root = repository.path();
    let outside = stubaudit_tests::temp_dir();
    let ran = outside.path().join("ran");
    let script = outside.path().join("script.sh");
    write_file(
        &script,
        &format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\ncat\n", ran.display()),
    );
    let made_executable = std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755));
    assert!(made_executable.is_ok(), "{made_executable:?}");
    let script = script.display().to_string();
    git(root, &["config", "filter.trap.smudge", &script]);
    git(root, &["config", "core.fsmonitor", &script]);
    write_file(&root.join(".git/info/attributes"), "*.rs filter=trap\n");

    let run = audit_workspace(root, &["--diff-base", "HEAD~1"]);
    assert_eq!(run.code, ExitCode::Findings, "{}", run.stderr);
    assert!(!ran.exists(), "git ran the repository's script");

    // The trap is real: the porcelain springs it.
    git(root, &["archive", "-o", "/dev/null", "HEAD~1"]);
    assert!(ran.exists(), "`git archive` should run the smudge filter");
}

#[test]
fn diff_base_outside_a_git_repository_exits_2() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    let run = audit_workspace(root, &["--diff-base", "HEAD"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        format!(
            "error: `--diff-base` needs a git repository: `{}` is not in one\n",
            root.display()
        )
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn diff_base_with_an_unknown_revision_exits_2() {
    let repository = two_commit_repository();
    let root = repository.path();
    let run = audit_workspace(root, &["--diff-base", "no-such-branch"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        format!(
            "error: unknown git revision `no-such-branch` in `{}` (in a shallow clone, fetch it first: `git fetch origin <branch>`)\n",
            root.display()
        )
    );
    let run = audit_workspace(root, &["--diff-base=--output=x"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(run.stderr, "error: `--output=x` is not a git revision\n");
}

#[test]
fn diff_base_conflicts_with_a_baseline_file() {
    let repository = two_commit_repository();
    let run = audit_workspace(
        repository.path(),
        &["--diff-base", "HEAD~1", "--baseline", "b.json"],
    );
    assert_eq!(run.code, ExitCode::Failed);
    assert!(
        run.stderr.starts_with(
            "error: the argument '--diff-base <REV>' cannot be used with '--baseline <FILE>'"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn diff_base_before_the_workspace_existed_counts_every_finding_as_new() {
    let workspace = scratch_workspace(&["jira-link"]);
    let root = workspace.path();
    write_file(&root.join("NOTES.md"), "the workspace comes next\n");
    git(root, &["init", "-q"]);
    git(root, &["add", "NOTES.md"]);
    git(root, &["commit", "-q", "-m", "notes only"]);
    let run = audit_workspace(root, &["--diff-base", "HEAD", "--message-format", "json"]);
    assert_eq!(run.code, ExitCode::Findings);
    assert_eq!(
        run.stderr,
        "note: `HEAD` has no `Cargo.toml`: every finding is new\n"
    );
    let report = stable_json(&run.stdout);
    assert_eq!(
        report["summary"]["stub_sites"], 3,
        "the warn and deny findings"
    );
    assert_eq!(report["baseline"]["new"].as_array().map(Vec::len), Some(3));
}

#[test]
fn diff_base_with_a_missing_object_exits_2_naming_it() {
    let repository = two_commit_repository();
    let root = repository.path();
    let oid = git(root, &["rev-parse", "HEAD~1:jira-link/src/store.rs"]);
    let oid = oid.trim();
    let object = root.join(".git/objects").join(&oid[..2]).join(&oid[2..]);
    assert!(
        std::fs::remove_file(&object).is_ok(),
        "{}",
        object.display()
    );
    let run = audit_workspace(root, &["--diff-base", "HEAD~1"]);
    assert_eq!(run.code, ExitCode::Failed);
    assert_eq!(
        run.stderr,
        format!("error: object `{oid}` of the base is missing from the repository (a partial clone? fetch the base first)\n")
    );
}
