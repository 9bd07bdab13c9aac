//! The journal of statements a [`DbStub`](super::DbStub) received, with the
//! transaction boundaries between them, so a test can assert what ran and in
//! which transaction.
//!
//! Plain std.

use super::sql::normalize;
use super::Value;

/// How a statement reached the stub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// Through [`Database::execute`](super::Database::execute) or
    /// [`AsyncDatabase::execute`](super::AsyncDatabase::execute).
    Execute,
    /// Through [`Database::query`](super::Database::query) or
    /// [`AsyncDatabase::query`](super::AsyncDatabase::query).
    Query,
    /// A [`Database::transaction`](super::Database::transaction) began.
    Begin,
    /// The transaction's work returned `Ok`.
    Commit,
    /// The transaction's work returned `Err`.
    Rollback,
}

/// A statement as the stub received it, kept in its journal
/// ([`DbStub::statements`](super::DbStub::statements)).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedStatement {
    /// How it reached the stub.
    pub kind: StatementKind,
    /// The SQL as sent (`BEGIN`, `COMMIT`, `ROLLBACK` for the boundaries).
    pub sql: String,
    /// The parameters.
    pub params: Vec<Value>,
    /// The route that answered, numbered from 1 in the order routes were
    /// added (as messages print it); `None` when no route matched, and for
    /// transaction boundaries.
    pub route: Option<usize>,
}

impl RecordedStatement {
    /// Whether this entry is a transaction boundary (`BEGIN`, `COMMIT`,
    /// `ROLLBACK`) rather than a statement.
    pub fn is_transaction_boundary(&self) -> bool {
        matches!(
            self.kind,
            StatementKind::Begin | StatementKind::Commit | StatementKind::Rollback
        )
    }

    /// The SQL after normalisation, as routes compare it.
    pub fn normalized_sql(&self) -> String {
        normalize(&self.sql)
    }

    /// `execute: INSERT … ['a']`, for messages.
    pub(crate) fn summary(&self) -> String {
        let kind = match self.kind {
            StatementKind::Execute => "execute",
            StatementKind::Query => "query",
            StatementKind::Begin | StatementKind::Commit | StatementKind::Rollback => {
                return self.sql.clone();
            }
        };
        format!(
            "{kind}: {} {}",
            self.normalized_sql(),
            super::matcher::list(&self.params)
        )
    }
}
