//! Unified diffs of expected vs actual text, for the mismatch messages of the
//! strict stubs.
//!
//! It leans on `similar`, the diff engine insta uses, so a stub's diff reads
//! like a snapshot diff.

use similar::TextDiff;

/// A unified diff of `expected` vs `actual` by line, headed `expected` /
/// `actual`, with three lines of context.
pub(crate) fn unified_diff(expected: &str, actual: &str) -> String {
    // Ending both with a newline keeps "\ No newline at end of file" out.
    let expected = with_final_newline(expected);
    let actual = with_final_newline(actual);
    TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}

fn with_final_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

/// `text` with every line indented by `indent` spaces.
pub(crate) fn indent(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    text.lines()
        .map(|line| format!("{pad}{line}").trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_removed_and_added_lines() {
        let diff = unified_diff("a\nb\nc", "a\nB\nc");
        assert_eq!(
            diff,
            "--- expected\n+++ actual\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
    }
}
