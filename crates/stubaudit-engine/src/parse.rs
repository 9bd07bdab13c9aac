//! Stage `parse`: one file's text to a `syn::File`, plus which of its lines
//! hold code. The text is tokenized once (proc-macro2) and the same tokens
//! feed both the line map and syn's parser, so the floor stays syn's own
//! parse. Errors are returned as diagnostics with the file and line.

use crate::diagnostic::Diagnostic;
use proc_macro2::{TokenStream, TokenTree};
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
    let tokens: TokenStream = body.parse().map_err(|error: proc_macro2::LexError| {
        let line = error.span().start().line as u32;
        Diagnostic::warning(path, Some(line), format!("could not parse: {error}"))
    })?;
    let mut code_lines = Vec::new();
    mark_code_lines(tokens.clone(), &mut code_lines);
    code_lines.sort_unstable();
    code_lines.dedup();
    let syntax: syn::File = syn::parse2(tokens).map_err(|error| {
        let line = error.span().start().line as u32;
        Diagnostic::warning(path, Some(line), format!("could not parse: {error}"))
    })?;
    Ok(ParsedFile {
        syntax,
        code_lines,
        line_count: text.lines().count() as u32,
    })
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

/// Adds the lines of every token that is not part of a doc comment.
/// (Indexes into a `Vec`: cloning a token iterator to look ahead would copy
/// the rest of the stream at every `#`.)
fn mark_code_lines(tokens: TokenStream, lines: &mut Vec<u32>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut index = 0;
    while index < trees.len() {
        match &trees[index] {
            TokenTree::Punct(punct) if punct.as_char() == '#' => {
                // `#[doc = "…"]` and `#![doc = "…"]` come from comments.
                let mut next = index + 1;
                if matches!(trees.get(next), Some(TokenTree::Punct(bang)) if bang.as_char() == '!')
                {
                    next += 1;
                }
                if matches!(trees.get(next), Some(TokenTree::Group(group)) if is_doc_attribute(group))
                {
                    index = next + 1;
                    continue;
                }
                push_span_lines(punct.span(), lines);
            }
            TokenTree::Group(group) => {
                push_span_lines(group.span_open(), lines);
                push_span_lines(group.span_close(), lines);
                mark_code_lines(group.stream(), lines);
            }
            other => push_span_lines(other.span(), lines),
        }
        index += 1;
    }
}

fn is_doc_attribute(group: &proc_macro2::Group) -> bool {
    group.delimiter() == proc_macro2::Delimiter::Bracket
        && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(ident)) if ident == "doc")
}

fn push_span_lines(span: proc_macro2::Span, lines: &mut Vec<u32>) {
    let start = span.start().line as u32;
    let end = span.end().line as u32;
    lines.extend(start..=end.max(start));
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
    fn multi_line_string_counts_every_line() {
        assert_eq!(code_lines("const S: &str = \"a\nb\nc\";\n"), vec![1, 2, 3]);
    }

    #[test]
    fn parse_error_names_the_line() {
        let diagnostic = parse_text(Path::new("bad.rs"), "fn ok() {}\nfn broken( {\n")
            .err()
            .map(|d| (d.line, d.message.starts_with("could not parse")));
        assert_eq!(diagnostic, Some((Some(2), true)));
    }
}
