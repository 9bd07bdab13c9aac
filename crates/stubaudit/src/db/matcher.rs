//! [`StatementMatcher`]: what a route of a [`DbStub`](super::DbStub) accepts
//! — the statement, compared after normalisation, and optionally its
//! parameters — and the per-criterion verdicts the mismatch message prints.
//!
//! It leans on the `sql` module for normalisation and on `similar` (through
//! [`crate::diff`]) for the diff of the normalised statements.

use super::journal::RecordedStatement;
use super::sql::{layout, normalize};
use super::Value;
use crate::diff::unified_diff;
use crate::verdict::Check;

/// What a route accepts: a statement, matched after normalisation
/// (whitespace, comments, case of unquoted words and a trailing `;` do not
/// matter), and, when given, exactly these parameters.
///
/// ```
/// use stubaudit::db::sql;
///
/// let matcher = sql("INSERT INTO links (url) VALUES (?1)").params(["https://a.example"]);
/// # let _ = matcher;
/// ```
#[derive(Debug, Clone)]
pub struct StatementMatcher {
    sql: String,
    normalized: String,
    params: Option<Vec<Value>>,
}

/// A matcher for statement `sql`, with any parameters.
pub fn sql(sql: &str) -> StatementMatcher {
    StatementMatcher {
        sql: sql.to_owned(),
        normalized: normalize(sql),
        params: None,
    }
}

impl StatementMatcher {
    /// Requires exactly these parameters, in order.
    pub fn params<V: Into<Value>>(mut self, params: impl IntoIterator<Item = V>) -> Self {
        self.params = Some(params.into_iter().map(Into::into).collect());
        self
    }

    /// Requires no parameters.
    pub fn no_params(mut self) -> Self {
        self.params = Some(Vec::new());
        self
    }

    /// The normalised statement, for messages.
    pub(crate) fn normalized(&self) -> &str {
        &self.normalized
    }

    /// Whether `statement` passes every criterion.
    pub(crate) fn matches(&self, statement: &RecordedStatement) -> bool {
        self.normalized == statement.normalized_sql()
            && self
                .params
                .as_ref()
                .is_none_or(|params| *params == statement.params)
    }

    /// Every criterion checked against `statement`: sql, then params.
    pub(crate) fn checks(&self, statement: &RecordedStatement) -> Vec<Check> {
        let actual = statement.normalized_sql();
        let sql_ok = self.normalized == actual;
        let mut checks = vec![Check {
            criterion: "sql",
            ok: sql_ok,
            expected: if sql_ok {
                self.normalized.clone()
            } else {
                "the route's statement (normalised)".to_owned()
            },
            actual: String::new(),
            diff: (!sql_ok).then(|| unified_diff(&layout(&self.sql), &layout(&statement.sql))),
        }];
        let params_ok = self
            .params
            .as_ref()
            .is_none_or(|params| *params == statement.params);
        checks.push(Check {
            criterion: "params",
            ok: params_ok,
            expected: self
                .params
                .as_deref()
                .map_or_else(|| "any".to_owned(), list),
            actual: if params_ok {
                String::new()
            } else {
                list(&statement.params)
            },
            diff: None,
        });
        checks
    }

    /// How alike the two normalised statements are, from 0 to 1, to rank
    /// the closest routes.
    pub(crate) fn similarity(&self, statement: &RecordedStatement) -> f32 {
        similar::TextDiff::from_chars(
            self.normalized.as_str(),
            statement.normalized_sql().as_str(),
        )
        .ratio()
    }
}

/// `['a', 1, NULL]`.
pub(crate) fn list(values: &[Value]) -> String {
    let values: Vec<String> = values.iter().map(Value::to_string).collect();
    format!("[{}]", values.join(", "))
}
