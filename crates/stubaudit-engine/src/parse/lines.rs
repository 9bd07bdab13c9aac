//! Which lines hold code: a byte scan that skips whitespace, line and
//! block comments (doc comments included, block comments nested) and counts
//! every line a string, raw string or char literal spans. It knows just
//! enough of Rust's lexical grammar for that, and nothing else. The same
//! pass feeds every code byte to `nesting`.

use super::nesting::{Deepest, Nesting};

/// Sorted, distinct 1-based numbers of the lines with code on them.
#[cfg(test)]
pub fn code_lines(text: &str) -> Vec<u32> {
    scan(text).0
}

/// The lines with code on them, and how deep the code nests
/// (see `nesting`), in one pass.
pub fn scan(text: &str) -> (Vec<u32>, Deepest) {
    let mut nesting = Nesting::default();
    let bytes = text.as_bytes();
    let mut lines: Vec<u32> = Vec::new();
    let mut line: u32 = 1;
    let mark = |lines: &mut Vec<u32>, line: u32| {
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 1;
                i += 2;
                while i < bytes.len() && depth > 0 {
                    if bytes[i] == b'\n' {
                        line += 1;
                        i += 1;
                    } else if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                mark(&mut lines, line);
                i = string_end(bytes, i + 1, &mut line, &mut lines, None);
            }
            b'r' | b'b' if !ident_before(bytes, i) && raw_or_byte_string(bytes, i).is_some() => {
                mark(&mut lines, line);
                let (raw_hashes, quote) = raw_or_byte_string(bytes, i).unwrap_or((None, i));
                i = string_end(bytes, quote + 1, &mut line, &mut lines, raw_hashes);
            }
            b'\'' => {
                mark(&mut lines, line);
                i = char_or_lifetime_end(bytes, i);
            }
            _ => {
                mark(&mut lines, line);
                nesting.byte(bytes, i, line);
                i += 1;
            }
        }
    }
    (lines, nesting.deepest)
}

/// Whether the byte before `i` continues an identifier (`for"` is no raw string).
fn ident_before(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

/// At `r"`, `r#"`, `br"`, `br#"`, `b"`: the number of `#` of a raw
/// string (`None` for a byte string, which has escapes) and the index of
/// the opening quote.
fn raw_or_byte_string(bytes: &[u8], i: usize) -> Option<(Option<usize>, usize)> {
    let mut j = i;
    if bytes.get(j) == Some(&b'b') {
        j += 1;
        if bytes.get(j) == Some(&b'"') {
            return Some((None, j));
        }
    }
    if bytes.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while bytes.get(j) == Some(&b'#') {
        hashes += 1;
        j += 1;
    }
    (bytes.get(j) == Some(&b'"')).then_some((Some(hashes), j))
}

/// The index after the string whose opening quote is just before `start`:
/// an escaped string when `raw_hashes` is `None`, else a raw string closed
/// by a quote and that many `#`. Marks every line it spans.
fn string_end(
    bytes: &[u8],
    start: usize,
    line: &mut u32,
    lines: &mut Vec<u32>,
    raw_hashes: Option<usize>,
) -> usize {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                *line += 1;
                if lines.last() != Some(line) {
                    lines.push(*line);
                }
                i += 1;
            }
            // An escape; `\` at a line's end continues the string there.
            b'\\' if raw_hashes.is_none() => {
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    1
                } else {
                    2
                };
            }
            b'"' => match raw_hashes {
                None => return i + 1,
                Some(hashes) if (1..=hashes).all(|k| bytes.get(i + k) == Some(&b'#')) => {
                    return i + 1 + hashes;
                }
                Some(_) => i += 1,
            },
            _ => i += 1,
        }
    }
    i
}

/// The index after a char literal (`'x'`, `'\n'`, `'é'`) or a lifetime
/// (`'a`) starting at `i`.
fn char_or_lifetime_end(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i + 1) {
        Some(b'\\') => {
            // An escape: up to the closing quote on this line.
            let mut j = i + 2;
            while j < bytes.len() && bytes[j] != b'\'' && bytes[j] != b'\n' {
                j += 1;
            }
            j + 1
        }
        Some(&first) => {
            // One character (1-4 bytes), then a quote: a char literal.
            let width = match first {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            if bytes.get(i + 1 + width) == Some(&b'\'') {
                i + 2 + width
            } else {
                i + 1
            }
        }
        None => i + 1,
    }
}
