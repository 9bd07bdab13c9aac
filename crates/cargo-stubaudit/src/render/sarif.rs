//! `--message-format sarif`: SARIF 2.1.0 for code scanning (GitHub, Azure
//! DevOps, IDE viewers). One rule per finding code, with its explanation as
//! help; one result per finding, located at the stub site, with the hidden
//! and uncovered ranges as related locations; allowed stubs are results
//! with a suppression carrying the reason.
//!
//! Hand-written serde structs for the dozen SARIF objects used, rather than
//! `serde-sarif`: that crate generates its types from the full schema in a
//! build script (schemafy, syn 1, prettyplease) and adds typed-builder and
//! strum, several times the compile cost of this file. The output is
//! validated against the official SARIF 2.1.0 schema in
//! `tests/tests/formats.rs`.

use crate::baseline;
use serde::Serialize;
use std::collections::BTreeMap;
use stubaudit_engine::report::{Stub, MAX_SHOWN_RANGES};
use stubaudit_engine::{Code, Level, Report};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/stubaudit/stubaudit";
/// The uri base id of workspace-relative paths.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    version: String,
    semantic_version: String,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: Properties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

/// Facts a viewer can filter on (SARIF's property bag).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Properties {
    stub_id: String,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    hidden_lines: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    uncovered_hidden_lines: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    test: Option<String>,
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Info => "note",
        Level::Allow => "none",
    }
}

/// `high-stub` → `HighStub`.
fn rule_name(code: Code) -> String {
    code.as_str()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn rules() -> Vec<Rule> {
    Code::ALL
        .iter()
        .map(|&code| {
            let description = code.description();
            let explanation = code.explanation().to_string();
            Rule {
                id: code.as_str(),
                name: rule_name(code),
                short_description: Message {
                    text: description.to_string(),
                },
                full_description: Message {
                    text: description.to_string(),
                },
                help: MultiformatMessage {
                    text: explanation.clone(),
                    markdown: explanation,
                },
                default_configuration: Configuration {
                    level: sarif_level(code.default_level()),
                },
            }
        })
        .collect()
}

/// A workspace-relative path as a relative URI reference: `/`-separated,
/// with every byte outside RFC 3986's unreserved set and `/` escaped.
pub fn uri_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn location(file: &str, region: Region, id: Option<usize>, message: Option<String>) -> Location {
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri_path(file),
                uri_base_id: Some(SRCROOT),
            },
            region,
        },
        message: message.map(|text| Message { text }),
    }
}

fn result(stub: &Stub, key: String) -> SarifResult {
    let mut related = Vec::new();
    for range in stub.hidden.ranges.iter().take(MAX_SHOWN_RANGES) {
        related.push(location(
            &range.file,
            Region {
                start_line: range.start,
                start_column: None,
                end_line: Some(range.end),
                end_column: None,
            },
            Some(related.len() + 1),
            Some(format!(
                "hidden by this stub: `{}` ({} lines)",
                range.fn_name, range.lines
            )),
        ));
    }
    if let Some(coverage) = &stub.hidden.uncovered {
        for range in &coverage.uncovered_ranges {
            related.push(location(
                &range.file,
                Region {
                    start_line: range.start,
                    start_column: None,
                    end_line: Some(range.end),
                    end_column: None,
                },
                Some(related.len() + 1),
                Some(format!(
                    "hidden and run by no test: `{}` ({} line{})",
                    range.fn_name,
                    range.lines,
                    if range.lines == 1 { "" } else { "s" }
                )),
            ));
        }
    }
    if let Some(point) = &stub.lower_stub_point {
        if let (Some(file), Some(line)) = (&point.file, point.line) {
            related.push(location(
                file,
                Region {
                    start_line: line,
                    start_column: None,
                    end_line: None,
                    end_column: None,
                },
                Some(related.len() + 1),
                Some(format!(
                    "lower stub point: `{}::{}`",
                    point.path, point.method
                )),
            ));
        }
    }
    // A boundary stub's title already says where it is stubbed.
    let help = stub
        .help
        .strip_prefix("stubbed at the I/O boundary: ")
        .unwrap_or(&stub.help);
    let mut message = format!("{}: {help}", super::title(stub));
    if !stub.hidden.ranges.is_empty() {
        message.push_str(&format!(". It hides {} lines", stub.hidden.lines));
        if let Some(uncovered) = stub.hidden.uncovered_lines() {
            message.push_str(&format!(", {uncovered} of them run by no test"));
        }
        message.push('.');
    }
    let rule_index = Code::ALL
        .iter()
        .position(|code| *code == stub.code)
        .unwrap_or_default();
    SarifResult {
        rule_id: stub.code.as_str(),
        rule_index,
        level: sarif_level(stub.level),
        message: Message { text: message },
        locations: vec![location(
            &stub.site.file,
            Region {
                start_line: stub.site.line,
                start_column: Some(stub.site.column),
                end_line: None,
                end_column: Some(stub.site.column + stub.site_len.max(1)),
            },
            None,
            None,
        )],
        related_locations: related,
        partial_fingerprints: BTreeMap::from([("stubaudit/v1", fingerprint(&key))]),
        suppressions: match (&stub.allowed, stub.level) {
            (Some(reason), Level::Allow) => vec![Suppression {
                kind: "inSource",
                justification: reason.clone(),
            }],
            (None, Level::Allow) => vec![Suppression {
                kind: "external",
                justification: format!("`{}` is allowed by policy", stub.code),
            }],
            _ => Vec::new(),
        },
        properties: Properties {
            stub_id: stub.id.clone(),
            status: format!("{:?}", stub.status).to_lowercase(),
            height: stub.height,
            hidden_lines: stub.hidden.lines,
            uncovered_hidden_lines: stub.hidden.uncovered_lines(),
            test: stub.site.test.clone(),
        },
    }
}

/// FNV-1a of the baseline key, hex: stable across line shifts, like the key.
fn fingerprint(key: &str) -> String {
    stubaudit_engine::report::stable_hash(key)
}

/// The report as a SARIF 2.1.0 log, ending in a newline.
pub fn render(report: &Report) -> String {
    let mut root = report.workspace_root.to_string_lossy().replace('\\', "/");
    if !root.ends_with('/') {
        root.push('/');
    }
    if !root.starts_with('/') {
        root.insert(0, '/');
    }
    let results = report
        .stubs
        .iter()
        .zip(baseline::keys(&report.stubs))
        .map(|(stub, key)| result(stub, key))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool.name.clone(),
                    version: report.tool.version.clone(),
                    semantic_version: report.tool.version.clone(),
                    information_uri: INFORMATION_URI,
                    rules: rules(),
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: format!("file://{}", uri_path(&root)),
                    uri_base_id: None,
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_escape_what_uris_cannot_hold() {
        assert_eq!(uri_path("my crate/src/ä.rs"), "my%20crate/src/%C3%A4.rs");
        assert_eq!(uri_path("a\\b.rs"), "a/b.rs");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(rule_name(Code::HighStub), "HighStub");
        assert_eq!(rule_name(Code::UnusedDouble), "UnusedDouble");
    }
}
