//! `--message-format json`: the report as the `stubaudit-report/1` schema,
//! pretty-printed by serde_json.

use stubaudit_engine::Report;

/// The report as JSON, ending in a newline.
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}
