//! Stage `parse`: one file's text to a `syn::File` (syn's own
//! `parse_file`, the floor DESIGN.md measures against), plus which of its
//! lines hold code, found by one byte scan of the text (`lines`) rather
//! than a second walk over tokens. Errors are returned as diagnostics with
//! the file and line. The same scan measures how deep the file nests
//! (`nesting`): a file too deep for the parse threads' stack is a
//! diagnostic, never a stack overflow.

mod lines;
mod nesting;

pub use nesting::{Deepest, CHAIN_LIMIT, LIMIT as NESTING_LIMIT, STACK_SIZE};

use crate::diagnostic::Diagnostic;
use std::path::Path;

/// A parsed file, alive only until its index is extracted.
pub struct ParsedFile {
    /// The syntax tree.
    pub syntax: syn::File,
    /// Sorted 1-based numbers of the lines holding at least one token that
    /// is not a doc comment: the lines a hidden-line count counts.
    pub code_lines: Vec<u32>,
    /// Number of lines in the file.
    pub line_count: u32,
}

/// Reads and parses `path`; a problem is a diagnostic naming the file.
pub fn parse_file(path: &Path) -> Result<ParsedFile, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|error| {
        Diagnostic::warning(path, None, format!("could not read file: {error}"))
    })?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let line = line_of_byte(error.as_bytes(), error.utf8_error().valid_up_to());
        Diagnostic::warning(path, Some(line), "file is not valid UTF-8")
    })?;
    parse_text(path, &text)
}

/// Parses source text that claims to come from `path`.
pub fn parse_text(path: &Path, text: &str) -> Result<ParsedFile, Diagnostic> {
    let body = strip_shebang(text.strip_prefix('\u{feff}').unwrap_or(text));
    let (code_lines, deepest) = lines::scan(&body);
    if deepest.depth > NESTING_LIMIT {
        return Err(Diagnostic::warning(
            path,
            Some(deepest.line),
            format!(
                "not audited: code nested {} levels deep, more than the {NESTING_LIMIT} the audit reads",
                deepest.depth
            ),
        ));
    }
    if deepest.chain > CHAIN_LIMIT {
        return Err(Diagnostic::warning(
            path,
            Some(deepest.chain_line),
            format!(
                "not audited: an expression chains {} calls or operators, more than the {CHAIN_LIMIT} the audit reads",
                deepest.chain
            ),
        ));
    }
    let syntax: syn::File = syn::parse_file(&body).map_err(|error| {
        let line = error.span().start().line as u32;
        Diagnostic::warning(path, Some(line), format!("could not parse: {error}"))
    })?;
    Ok(ParsedFile {
        syntax,
        code_lines,
        line_count: text.lines().count() as u32,
    })
}

/// How deep `text` nests (see [`NESTING_LIMIT`]), for tests and the fuzzer.
pub fn deepest(text: &str) -> Deepest {
    lines::scan(text).1
}

/// A shebang line (`#!/usr/bin/env …`, not `#![attr]`) becomes blank so
/// line numbers stay put.
fn strip_shebang(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with("#!") && !text.starts_with("#![") {
        let end = text.find('\n').unwrap_or(text.len());
        std::borrow::Cow::Owned(format!("{}{}", " ".repeat(end), &text[end..]))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The 1-based line holding byte `offset`.
fn line_of_byte(bytes: &[u8], offset: usize) -> u32 {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_lines(text: &str) -> Vec<u32> {
        match parse_text(Path::new("x.rs"), text) {
            Ok(parsed) => parsed.code_lines,
            Err(diagnostic) => panic!("{}", diagnostic.message),
        }
    }

    #[test]
    fn comments_blank_lines_and_docs_are_not_code() {
        let text = "/// doc\nfn f() {\n\n    // comment\n    let x = 1;\n    /* block\n    */\n}\n";
        assert_eq!(code_lines(text), vec![2, 5, 8]);
    }

    #[test]
    fn raw_strings_chars_and_lifetimes_are_code() {
        let text = "fn f<'a>(x: &'a str) -> char {\n    let _ = r#\"// not\n/* a comment\"#;\n    // comment\n    '\"'\n}\n";
        assert_eq!(code_lines(text), vec![1, 2, 3, 5, 6]);
    }

    /// The scan agrees with the tokens: on every file of this workspace and
    /// the fixtures, the lines holding a token that is not a doc comment are
    /// exactly the lines the byte scan finds.
    #[test]
    fn the_scan_agrees_with_the_tokenizer_on_real_files() {
        use proc_macro2::{TokenStream, TokenTree};
        fn oracle(tokens: TokenStream, lines: &mut Vec<u32>) {
            let trees: Vec<TokenTree> = tokens.into_iter().collect();
            let mut index = 0;
            while index < trees.len() {
                if let TokenTree::Punct(punct) = &trees[index] {
                    if punct.as_char() == '#' {
                        let mut next = index + 1;
                        if matches!(trees.get(next), Some(TokenTree::Punct(p)) if p.as_char() == '!')
                        {
                            next += 1;
                        }
                        if let Some(TokenTree::Group(group)) = trees.get(next) {
                            if group.stream().to_string().starts_with("doc =") {
                                index = next + 1;
                                continue;
                            }
                        }
                    }
                }
                let spans = match &trees[index] {
                    TokenTree::Group(group) => {
                        oracle(group.stream(), lines);
                        vec![group.span_open(), group.span_close()]
                    }
                    other => vec![other.span()],
                };
                for span in spans {
                    lines.extend(span.start().line as u32..=span.end().line as u32);
                }
                index += 1;
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut stack = vec![root.join("crates"), root.join("tests/fixtures")];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() && !path.ends_with("target") {
                    stack.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    let Ok(tokens) = text.parse::<TokenStream>() else {
                        continue;
                    };
                    let mut expected = Vec::new();
                    oracle(tokens, &mut expected);
                    expected.sort_unstable();
                    expected.dedup();
                    assert_eq!(lines::code_lines(&text), expected, "{}", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} files checked");
    }

    #[test]
    fn nested_block_comments_end_where_they_end() {
        let text = "/* a /* b */\n c */ fn f() {}\n/*\n*/\n";
        assert_eq!(code_lines(text), vec![2]);
    }

    #[test]
    fn multi_line_string_counts_every_line() {
        assert_eq!(code_lines("const S: &str = \"a\nb\nc\";\n"), vec![1, 2, 3]);
    }

    #[test]
    fn a_file_nested_past_the_limit_is_a_diagnostic_naming_its_line() {
        let depth = NESTING_LIMIT as usize + 10;
        let text = format!(
            "fn ok() {{}}\ntype T = {}u8{};\n",
            "Vec<".repeat(depth),
            ">".repeat(depth)
        );
        let diagnostic = parse_text(Path::new("deep.rs"), &text).err();
        let (line, message) = diagnostic.map(|d| (d.line, d.message)).unwrap_or_default();
        assert_eq!(line, Some(2));
        assert!(
            message.contains("levels deep, more than the 2000"),
            "{message}"
        );
    }

    #[test]
    fn prefix_operators_assignments_and_fn_pointers_count_as_nesting() {
        for (shape, per_level) in [
            ("let x = {}1;", "- "),
            ("type T = {}u8;", "&"),
            ("let x = {}1;", "|| "),
            ("fn f() {{ {}1; }}", "a = "),
            ("type T = {}u8;", "fn() -> "),
            ("type T = {}u8;", "&mut "),
        ] {
            let text = shape.replace("{}", &per_level.repeat(500));
            let deepest = deepest(&text);
            assert!(deepest.depth >= 500, "{per_level:?}: {deepest:?}");
        }
    }

    /// On a parse thread's stack, as `files` runs it.
    fn on_big_stack<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> T {
        let thread = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn(job);
        match thread.map(std::thread::JoinHandle::join) {
            Ok(Ok(value)) => value,
            _ => panic!("the parse thread failed"),
        }
    }

    #[test]
    fn chains_count_apart_and_a_50000_call_chain_is_read() {
        on_big_stack(chains_count_apart);
    }

    fn chains_count_apart() {
        let text = format!("fn f() {{ x{}; }}", ".m()".repeat(50_000));
        let found = deepest(&text);
        assert!(found.depth < 10, "{found:?}");
        assert_eq!(found.chain, 50_000);
        assert!(parse_text(Path::new("chain.rs"), &text).is_ok());
        let text = format!("fn f() {{ x{}; }}", ".m()".repeat(CHAIN_LIMIT as usize + 1));
        let message = parse_text(Path::new("chain.rs"), &text)
            .err()
            .map(|d| d.message);
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains("chains 100001 calls")),
            "{message:?}"
        );
    }

    #[test]
    fn ordinary_code_nests_shallowly() {
        let text = "fn f(a: u8, b: u8) -> Vec<Option<u8>> {\n    if a < b { g(); }\n    if a < b { g(); }\n    let v: Vec<u8> = x.iter().map(|y| y + 1).collect();\n    v\n}\n";
        let found = deepest(text);
        assert!(found.depth <= 8, "{found:?}");
    }

    #[test]
    fn parse_error_names_the_line() {
        let diagnostic = parse_text(Path::new("bad.rs"), "fn ok() {}\nfn broken( {\n")
            .err()
            .map(|d| (d.line, d.message.starts_with("could not parse")));
        assert_eq!(diagnostic, Some((Some(2), true)));
    }
}
