//! The policy applied after the audit: what the engine cannot know from the
//! workspace table alone. A package's `[package.metadata.stubaudit]`
//! re-levels the stubs whose site is in that package; an inline
//! `// stubaudit: allow(CODE): reason` on a stub site (or the line above)
//! silences that one site; `max-uncovered-hidden` denies stubs hiding more
//! lines that no test runs than it allows. Flags beat both tables. Std
//! only: the comment syntax is a fixed prefix, read with `str` methods.

use crate::config::Config;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use stubaudit_engine::diagnostic::Severity;
use stubaudit_engine::report::{ReportDiagnostic, Stub};
use stubaudit_engine::{Code, Level, Policy, Report};

/// What the command line says about policy; it wins over configuration.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--allow`, `--warn`, `--deny`, in that order.
    pub levels: Vec<(Code, Level)>,
    /// `--max-height`.
    pub max_height: Option<u32>,
    /// `--max-uncovered-hidden`.
    pub max_uncovered_hidden: Option<u32>,
    /// The level `--allow`/`--warn`/`--deny incomplete-audit` set last.
    pub incomplete_audit: Option<Level>,
}

/// The engine's policy from a configuration with the flags on top.
pub fn policy(config: &Config, flags: &Flags) -> Policy {
    let mut policy = config.policy();
    for &(code, level) in &flags.levels {
        policy.levels.insert(code, level);
    }
    if flags.max_height.is_some() {
        policy.max_height = flags.max_height;
    }
    policy
}

/// A package's directory and its own table.
pub struct PackageConfig {
    /// The package's directory, absolute.
    pub dir: PathBuf,
    /// Its `[package.metadata.stubaudit]`.
    pub config: Config,
}

/// Applies package tables, inline allows and `max-uncovered-hidden` to
/// `report`, then recomputes its summary.
pub fn apply(report: &mut Report, workspace: &Config, packages: &[PackageConfig], flags: &Flags) {
    let root = report.workspace_root.clone();
    let mut sources = SiteSources::new(&root);
    let mut diagnostics = Vec::new();
    for stub in &mut report.stubs {
        let site = root.join(&stub.site.file);
        let package = packages
            .iter()
            .filter(|package| site.starts_with(&package.dir))
            .max_by_key(|package| package.dir.as_os_str().len());
        let config = match package {
            Some(package) => {
                let config = workspace.overridden_by(&package.config);
                relevel(stub, &policy(&config, flags));
                config
            }
            None => workspace.overridden_by(&Config::default()),
        };
        if let Some(found) = sources.inline_allow(&stub.site.file, stub.site.line) {
            for name in &found.codes {
                if Code::parse(name).is_none() {
                    diagnostics.push(warning(
                        &stub.site.file,
                        found.line,
                        format!("unknown finding code `{name}` in `stubaudit: allow(…)`"),
                    ));
                }
            }
            if found.codes.iter().any(|name| name == stub.code.as_str()) {
                if found.reason.is_empty() {
                    diagnostics.push(warning(
                        &stub.site.file,
                        found.line,
                        format!(
                            "`stubaudit: allow({})` needs a reason: `// stubaudit: allow({}): why`",
                            stub.code, stub.code
                        ),
                    ));
                } else {
                    stub.level = Level::Allow;
                    stub.allowed = Some(found.reason);
                }
            }
        }
        let threshold = flags.max_uncovered_hidden.or(config.max_uncovered_hidden);
        if let (Some(max), Some(uncovered)) = (threshold, stub.hidden.uncovered_lines()) {
            let judged = matches!(
                stub.code,
                Code::HighStub | Code::PureStub | Code::PhantomStub | Code::ThickAdapter
            );
            if judged && stub.level != Level::Allow && uncovered > max {
                stub.level = Level::Deny;
                stub.help.push_str(&format!(
                    "; {uncovered} of its hidden lines run by no test (more than `max-uncovered-hidden` = {max})"
                ));
            }
        }
    }
    report.diagnostics.extend(diagnostics);
    report.diagnostics.sort();
    report.diagnostics.dedup();
    report.summarize();
}

/// Re-judges one stub under a package's policy, as the engine judged it
/// under the workspace's: the rule lives in the engine.
fn relevel(stub: &mut Stub, policy: &Policy) {
    policy.rejudge(stub);
}

fn warning(file: &str, line: u32, message: String) -> ReportDiagnostic {
    ReportDiagnostic {
        level: Severity::Warning,
        file: file.to_string(),
        line: Some(line),
        message,
    }
}

/// An inline allow comment found at a stub site:
/// `// stubaudit: allow(a, b): reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineAllow {
    /// The line it is on.
    pub line: u32,
    /// The codes it names.
    pub codes: Vec<String>,
    /// Its reason, trimmed; empty when missing.
    pub reason: String,
}

/// The codes and reason of a `// stubaudit: allow(…)` comment in `text`.
pub fn parse_inline_allow(text: &str) -> Option<(Vec<String>, String)> {
    let comment = &text[text.find("//")? + 2..];
    let rest = comment.trim_start_matches('/').trim_start();
    let rest = rest.strip_prefix("stubaudit:")?.trim_start();
    let rest = rest.strip_prefix("allow(")?;
    let (codes, after) = rest.split_once(')')?;
    let codes = codes
        .split(',')
        .map(|code| code.trim().to_string())
        .filter(|code| !code.is_empty())
        .collect();
    let reason = after.trim_start().strip_prefix(':').unwrap_or("").trim();
    Some((codes, reason.to_string()))
}

/// Site files, read once each, for inline allow comments.
struct SiteSources {
    root: PathBuf,
    files: HashMap<String, Vec<String>>,
}

impl SiteSources {
    fn new(root: &Path) -> Self {
        SiteSources {
            root: root.to_path_buf(),
            files: HashMap::new(),
        }
    }

    /// The allow comment on `line` of `file`, or else on the line above.
    fn inline_allow(&mut self, file: &str, line: u32) -> Option<InlineAllow> {
        let root = &self.root;
        let lines = self.files.entry(file.to_string()).or_insert_with(|| {
            std::fs::read(root.join(file))
                .map(|bytes| {
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
        });
        [line, line.saturating_sub(1)]
            .into_iter()
            .filter(|&number| number > 0)
            .find_map(|number| {
                let text = lines.get(number as usize - 1)?;
                let (codes, reason) = parse_inline_allow(text)?;
                Some(InlineAllow {
                    line: number,
                    codes,
                    reason,
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_allows_read_codes_and_reason() {
        assert_eq!(
            parse_inline_allow(
                "    // stubaudit: allow(high-stub, pure-stub): the client is generated"
            ),
            Some((
                vec!["high-stub".to_string(), "pure-stub".to_string()],
                "the client is generated".to_string()
            ))
        );
        assert_eq!(
            parse_inline_allow("mock.expect_x(); // stubaudit: allow(high-stub)"),
            Some((vec!["high-stub".to_string()], String::new()))
        );
        assert_eq!(parse_inline_allow("// allow(high-stub): no prefix"), None);
        assert_eq!(parse_inline_allow("let s = \"stubaudit: allow(x)\";"), None);
    }
}
