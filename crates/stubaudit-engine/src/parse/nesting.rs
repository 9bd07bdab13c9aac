//! How deep a file nests, told by the byte scan of `lines` before syn
//! sees the file: syn's parser, its `Drop` and the index's visitors recurse
//! once per level, so a file nested deeper than [`LIMIT`] would overflow
//! even the parse threads' big stack ([`STACK_SIZE`]) and abort the
//! process. Such a file becomes a diagnostic instead.
//!
//! The count is an upper bound of syn's recursion, not a grammar:
//! brackets, plus per bracket level the open `<` of generics, a run of
//! prefix operators (`- - -x`, `&&&T`, `|| || ||`), and the `=` and `->`
//! of one statement (`a = b = c`, `fn() -> fn() -> T`). Flat sequences
//! that syn reads in a loop (method chains, binary operators, `else if`)
//! recurse only in the visitors and `Drop`, at a few hundred bytes a
//! level: they are counted apart, against [`CHAIN_LIMIT`].

/// The stack of the threads that parse and index files. rustc and
/// rust-analyzer run on big stacks for the same reason; the memory is only
/// reserved, and a thread touches what its deepest file needs.
pub const STACK_SIZE: usize = 256 << 20;

/// The deepest nesting the audit reads. Measured with [`STACK_SIZE`] on
/// the costliest shapes (nested generics, `impl Trait<A = impl …>`): a
/// debug build handles about 5,000 levels, a release build 35,000; the
/// limit leaves room for both and is far beyond hand-written code.
pub const LIMIT: u32 = 2_000;

/// The longest chain of calls, fields or operators in one expression the
/// audit reads (`b.x().y()…`, `a + b + …`, `if … else if …`). Measured on
/// [`STACK_SIZE`]: a debug build reads 100,000 links of each of these.
pub const CHAIN_LIMIT: u32 = 100_000;

/// Where a file nests deepest, and where its longest chain is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deepest {
    /// The nesting count.
    pub depth: u32,
    /// The 1-based line where it is first reached.
    pub line: u32,
    /// The longest chain's length.
    pub chain: u32,
    /// The 1-based line where it is first reached.
    pub chain_line: u32,
}

/// The running count, fed one code byte at a time.
#[derive(Debug, Default)]
pub(super) struct Nesting {
    /// Per open bracket, what the enclosing level had counted, and its chain.
    saved: Vec<(u32, u32)>,
    /// The sum of `saved`.
    saved_sum: u32,
    /// Open `<` of this level.
    angles: u32,
    /// Prefix operators in a row.
    run: u32,
    /// `=` and `->` of this statement.
    flat: u32,
    /// Links of this level's chain: `.`, `?`, binary operators, `else`, `as`.
    chain: u32,
    /// The deepest point so far.
    pub(super) deepest: Deepest,
}

/// Keywords that keep a run of prefix operators going (`&mut &mut T`,
/// `*const *const T`, `move || move ||`).
const RUN_KEYWORDS: &[&[u8]] = &[
    b"mut", b"const", b"move", b"return", b"async", b"static", b"dyn", b"impl", b"unsafe", b"fn",
];

impl Nesting {
    /// Counts the code byte at `i` (never inside a comment or literal).
    pub(super) fn byte(&mut self, bytes: &[u8], i: usize, line: u32) {
        let before = if i > 0 { bytes[i - 1] } else { b' ' };
        let after = bytes.get(i + 1).copied().unwrap_or(b' ');
        match bytes[i] {
            b'(' | b'[' | b'{' => {
                let level = self.angles + self.run + self.flat;
                self.saved.push((level, self.chain));
                self.saved_sum = self.saved_sum.saturating_add(level);
                self.angles = 0;
                self.run = 0;
                self.flat = 0;
                self.chain = 0;
            }
            close @ (b')' | b']' | b'}') => {
                let (level, chain) = self.saved.pop().unwrap_or((0, 0));
                self.chain = chain;
                self.saved_sum = self.saved_sum.saturating_sub(level);
                // The level's own counts are not kept apart: restore them
                // as one, which over-counts by at most what was open.
                self.angles = level;
                self.run = 0;
                self.flat = 0;
                if close == b'}' {
                    // A block ends a statement.
                    self.angles = 0;
                }
            }
            b';' => {
                self.angles = 0;
                self.run = 0;
                self.flat = 0;
                self.chain = 0;
            }
            b'.' | b'?' | b'+' | b'/' | b'%' | b'^' if before != b'.' && after != b'.' => {
                self.chain += 1;
                self.run = 0;
            }
            b'<' if after != b'=' => {
                self.angles += 1;
                self.run = 0;
            }
            b'>' if before == b'-' => {
                self.flat += 1;
                self.run = 0;
            }
            b'>' if before != b'=' => {
                self.angles = self.angles.saturating_sub(1);
                self.run = 0;
            }
            b'=' if !matches!(after, b'=' | b'>') && !b"=!<>+-*/%^&|.".contains(&before) => {
                self.flat += 1;
                self.run = 0;
            }
            b'-' | b'!' | b'*' | b'&' | b'|' => {
                self.run += 1;
                self.chain += 1;
            }
            byte if (byte.is_ascii_alphanumeric() || byte == b'_') => {
                let starts_word = !(before.is_ascii_alphanumeric() || before == b'_');
                if starts_word {
                    let end = bytes[i..]
                        .iter()
                        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                        .map_or(bytes.len(), |len| i + len);
                    let word = &bytes[i..end];
                    if !RUN_KEYWORDS.contains(&word) {
                        self.run = 0;
                    }
                    if word == b"else" || word == b"as" {
                        self.chain += 1;
                    }
                }
            }
            _ => self.run = 0,
        }
        let depth = (self.saved.len() as u32)
            .saturating_add(self.saved_sum)
            .saturating_add(self.angles + self.run + self.flat);
        if depth > self.deepest.depth {
            self.deepest.depth = depth;
            self.deepest.line = line;
        }
        if self.chain > self.deepest.chain {
            self.deepest.chain = self.chain;
            self.deepest.chain_line = line;
        }
    }
}
