//! SQL normalisation, so a [`DbStub`](super::DbStub) route matches the
//! statement however it is laid out: comments dropped, whitespace collapsed,
//! unquoted words upper-cased, one space between tokens, no trailing `;`,
//! and positional parameters in one style: SQLite's `?` and `?1` and
//! PostgreSQL's `$1` all read `?N`, numbered as each engine numbers them.
//! Also the clause-per-line layout the mismatch diff uses.
//!
//! A small hand-written tokenizer (plain std): a full SQL parser would know
//! one dialect, while this only needs to find quotes, comments and words.

/// One token of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A word, number or parameter (`select`, `42`, `?1`, `:name`), as written.
    Word(String),
    /// A quoted string or identifier, quotes included, as written.
    Quoted(String),
    /// Any other character: `(`, `,`, `=`, `;`.
    Punct(char),
}

/// The normalised form of `sql`: `select  *\nfrom t;` → `SELECT * FROM T`.
/// Quoted strings and identifiers keep their case and spacing.
pub(crate) fn normalize(sql: &str) -> String {
    render(&tokens(sql), " ")
}

/// The normalised form with each clause and each list item on its own
/// line, for diffs.
pub(crate) fn layout(sql: &str) -> String {
    render(&tokens(sql), "\n")
}

/// Keywords that start a line in [`layout`].
const CLAUSES: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "JOIN",
    "LEFT",
    "INNER",
    "GROUP",
    "ORDER",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "VALUES",
    "SET",
    "RETURNING",
    "ON",
    "UNION",
    "INSERT",
    "UPDATE",
    "DELETE",
];

fn render(tokens: &[Token], clause_break: &str) -> String {
    let mut text = String::new();
    let mut previous: Option<&Token> = None;
    for token in tokens {
        let glue = match (previous, token) {
            (None, _) => "",
            (Some(Token::Punct('(' | '.')), _) => "",
            (Some(_), Token::Punct(',' | ')' | '.' | ';')) => "",
            (Some(_), Token::Word(word)) if CLAUSES.contains(&word.as_str()) => clause_break,
            (Some(Token::Punct(',')), _) if clause_break == "\n" => "\n  ",
            (Some(_), _) => " ",
        };
        text.push_str(glue);
        match token {
            Token::Word(word) | Token::Quoted(word) => text.push_str(word),
            Token::Punct(punct) => text.push(*punct),
        }
        previous = Some(token);
    }
    text
}

fn tokens(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while let Some(&current) = chars.get(index) {
        let next = chars.get(index + 1).copied();
        if current.is_whitespace() {
            index += 1;
        } else if current == '-' && next == Some('-') {
            while chars.get(index).is_some_and(|&c| c != '\n') {
                index += 1;
            }
        } else if current == '/' && next == Some('*') {
            index += 2;
            while index < chars.len()
                && !(chars[index] == '*' && chars.get(index + 1) == Some(&'/'))
            {
                index += 1;
            }
            index += 2;
        } else if let Some(close) = closing_quote(current) {
            let start = index;
            index += 1;
            // A doubled quote inside is an escaped quote.
            while index < chars.len() {
                if chars[index] == close {
                    if chars.get(index + 1) == Some(&close) && close != ']' {
                        index += 2;
                        continue;
                    }
                    break;
                }
                index += 1;
            }
            index = (index + 1).min(chars.len());
            tokens.push(Token::Quoted(chars[start..index].iter().collect()));
        } else if is_word_char(current) || matches!(current, '?' | ':' | '@' | '$') {
            let start = index;
            index += 1;
            while chars.get(index).is_some_and(|&c| is_word_char(c)) {
                index += 1;
            }
            let word: String = chars[start..index].iter().collect();
            tokens.push(Token::Word(word.to_uppercase()));
        } else {
            tokens.push(Token::Punct(current));
            index += 1;
        }
    }
    while tokens.last() == Some(&Token::Punct(';')) {
        tokens.pop();
    }
    number_placeholders(&mut tokens);
    tokens
}

/// `?`, `?N` and `$N` as `?N`. A bare `?` takes the number after the
/// largest one so far, as SQLite numbers it, so `? , ?` and `$1, $2` and
/// `?1, ?2` are one statement.
fn number_placeholders(tokens: &mut [Token]) {
    let mut largest: u64 = 0;
    for token in tokens {
        let Token::Word(word) = token else {
            continue;
        };
        let number = match word.strip_prefix(['?', '$']) {
            Some("") if word == "?" => largest + 1,
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                match digits.parse::<u64>() {
                    Ok(number) => number,
                    Err(_) => continue,
                }
            }
            _ => continue,
        };
        largest = largest.max(number);
        *word = format!("?{number}");
    }
}

fn closing_quote(open: char) -> Option<char> {
    match open {
        '\'' => Some('\''),
        '"' => Some('"'),
        '`' => Some('`'),
        '[' => Some(']'),
        _ => None,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_case_comments_and_semicolon_do_not_matter() {
        let written = "insert into links(url,  title)\n  values (?1 , ?2); -- new link\n";
        assert_eq!(
            normalize(written),
            "INSERT INTO LINKS (URL, TITLE) VALUES (?1, ?2)"
        );
        assert_eq!(
            normalize(written),
            normalize("INSERT INTO links (url, title) VALUES (?1, ?2)")
        );
    }

    #[test]
    fn quoted_text_keeps_its_case_and_spaces() {
        assert_eq!(
            normalize("select * from \"Links\" where title = 'It''s  Here' /* c */"),
            "SELECT * FROM \"Links\" WHERE TITLE = 'It''s  Here'"
        );
    }

    #[test]
    fn layout_puts_clauses_on_their_own_lines() {
        assert_eq!(
            layout("select id, url from links where url = ?1 and id > 3 order by id"),
            "SELECT ID,\n  URL\nFROM LINKS\nWHERE URL = ?1\nAND ID > 3\nORDER BY ID"
        );
    }

    #[test]
    fn layout_keeps_commas_in_quotes_on_one_line() {
        assert_eq!(layout("select 'a, b', c"), "SELECT 'a, b',\n  C");
    }

    #[test]
    fn placeholder_styles_normalise_alike() {
        let sqlite_numbered = normalize("select * from t where a = ?1 and b = ?2");
        assert_eq!(sqlite_numbered, "SELECT * FROM T WHERE A = ?1 AND B = ?2");
        assert_eq!(
            normalize("select * from t where a = ? and b = ?"),
            sqlite_numbered
        );
        assert_eq!(
            normalize("select * from t where a = $1 and b = $2"),
            sqlite_numbered
        );
        // A bare `?` after `?5` is `?6`, as SQLite numbers it.
        assert_eq!(normalize("values (?5, ?)"), "VALUES (?5, ?6)");
        // Not placeholders: named parameters, `$` words, quoted text.
        assert_eq!(
            normalize("select :name, $tag, '$1 ?' from t"),
            "SELECT :NAME, $TAG, '$1 ?' FROM T"
        );
    }

    #[test]
    fn an_unclosed_quote_does_not_panic() {
        assert_eq!(normalize("select 'abc"), "SELECT 'abc");
        assert_eq!(normalize("select /* abc"), "SELECT");
    }
}
