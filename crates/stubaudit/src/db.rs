//! The database boundary: the [`Database`] trait (statements with typed
//! [`Value`] parameters, [`Row`] results, transactions) and its async twin
//! [`AsyncDatabase`], their mockall mocks `MockDatabase` and
//! `MockAsyncDatabase` (feature `mock`), the real adapters `SqliteDatabase`
//! (feature `sqlite`, on by default; both traits) and `PostgresDatabase`
//! (feature `postgres`; async), and [`DbStub`], a strict scripted fake of
//! both traits.
//!
//! It owns its own small value and row types instead of a driver's, so that
//! the trait (and every double of it) stays independent of any one driver;
//! an adapter converts in a few lines.

mod async_database;
mod journal;
mod matcher;
mod mismatch;
#[cfg(feature = "postgres")]
mod postgres;
mod row;
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;
mod stub;
mod value;

use std::fmt;
use std::sync::Arc;

#[cfg(feature = "mock")]
pub use async_database::MockAsyncDatabase;
pub use async_database::{AsyncDatabase, AsyncTransactionWork};
pub use journal::{RecordedStatement, StatementKind};
pub use matcher::{sql, StatementMatcher};
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::PostgresDatabase;
pub use row::Row;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use sqlite::SqliteDatabase;
pub use stub::{DbStub, StatementRoute};
pub use value::{FromValue, Value};

/// The database boundary: run one SQL statement.
///
/// Production code takes a `D: Database` (or a `&dyn Database`) and keeps its
/// own SQL and row mapping, so that all of it runs under test against a
/// `SqliteDatabase`, a [`DbStub`] or a `MockDatabase` (feature `mock`).
/// Parameters are positional (`?1`, `?2`, … or `?`). For async drivers, see
/// [`AsyncDatabase`].
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Database {
    /// Runs a statement that returns no rows (`INSERT`, `UPDATE`, `DELETE`,
    /// DDL) and returns the number of rows it changed.
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, DbError>;

    /// Runs a query and returns all its rows.
    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError>;

    /// Runs `work` inside a transaction: committed when `work` returns `Ok`,
    /// rolled back when it returns `Err` (which is then returned).
    ///
    /// `work` gets the database to use inside the transaction. The closure
    /// form (rather than `begin` / `commit` / `rollback` calls) keeps the
    /// trait object safe and mockable while making it impossible to forget
    /// the commit or to interleave another thread's statements; results
    /// leave the closure through captured variables:
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use stubaudit::db::{Database, SqliteDatabase, Value};
    ///
    /// let db = SqliteDatabase::open_in_memory()?;
    /// db.execute("CREATE TABLE links (url TEXT)", &[])?;
    /// let mut inserted = 0;
    /// db.transaction(&mut |tx| {
    ///     inserted += tx.execute("INSERT INTO links VALUES (?1)", &[Value::from("a")])?;
    ///     inserted += tx.execute("INSERT INTO links VALUES (?1)", &[Value::from("b")])?;
    ///     Ok(())
    /// })?;
    /// assert_eq!(inserted, 2);
    /// # }
    /// # Ok::<(), stubaudit::db::DbError>(())
    /// ```
    fn transaction(&self, work: &mut dyn TransactionWork) -> Result<(), DbError>;
}

impl<T: Database + ?Sized> Database for &T {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        (**self).execute(sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        (**self).query(sql, params)
    }

    fn transaction(&self, work: &mut dyn TransactionWork) -> Result<(), DbError> {
        (**self).transaction(work)
    }
}

impl<T: Database + ?Sized> Database for Box<T> {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        (**self).execute(sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        (**self).query(sql, params)
    }

    fn transaction(&self, work: &mut dyn TransactionWork) -> Result<(), DbError> {
        (**self).transaction(work)
    }
}

impl<T: Database + ?Sized> Database for Arc<T> {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        (**self).execute(sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        (**self).query(sql, params)
    }

    fn transaction(&self, work: &mut dyn TransactionWork) -> Result<(), DbError> {
        (**self).transaction(work)
    }
}

/// The work of one [`Database::transaction`]: any
/// `FnMut(&dyn Database) -> Result<(), DbError>` closure.
///
/// A named trait rather than `dyn FnMut` in the signature, because mockall
/// cannot mock a method that takes an `Fn` object, and `MockDatabase` must
/// exist.
pub trait TransactionWork: FnMut(&dyn Database) -> Result<(), DbError> {}

impl<F: FnMut(&dyn Database) -> Result<(), DbError>> TransactionWork for F {}

/// Why a statement failed.
#[derive(Debug, Clone, PartialEq)]
pub enum DbError {
    /// SQLite rejected the statement or failed; the text says why.
    Sqlite(String),
    /// PostgreSQL rejected the statement (the text starts with its SQLSTATE
    /// code, `42P01: relation "links" does not exist`), or the connection
    /// failed; the text says why.
    Postgres(String),
    /// [`Row::get`] asked for a column the row does not have.
    NoSuchColumn(String),
    /// [`Row::get`] asked for a type the column's value cannot convert to.
    Type {
        /// The column asked for.
        column: String,
        /// The type asked for (`integer`, `text`, …).
        expected: String,
        /// The value found, as SQL (`'abc'`, `NULL`, …).
        found: String,
    },
    /// Anything else.
    Other(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Sqlite(reason) | DbError::Postgres(reason) => {
                write!(f, "database error: {reason}")
            }
            DbError::NoSuchColumn(column) => write!(f, "no column `{column}` in the row"),
            DbError::Type {
                column,
                expected,
                found,
            } => write!(f, "column `{column}`: expected {expected}, found {found}"),
            DbError::Other(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for DbError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_database_can_run_the_transaction_work() {
        let mut inner = MockDatabase::new();
        inner
            .expect_execute()
            .withf(|sql, params| sql.starts_with("INSERT") && params == [Value::from("a")])
            .times(1)
            .returning(|_, _| Ok(1));
        let mut db = MockDatabase::new();
        db.expect_transaction()
            .times(1)
            .returning(move |work| work(&inner));
        let mut changed = 0;
        let result = db.transaction(&mut |tx| {
            changed = tx.execute("INSERT INTO links VALUES (?1)", &["a".into()])?;
            Ok(())
        });
        assert_eq!((result, changed), (Ok(()), 1));
    }

    #[test]
    fn boxed_and_shared_databases_are_databases() {
        fn rows(db: impl Database) -> usize {
            db.query("SELECT 1", &[]).map_or(0, |rows| rows.len())
        }
        let mut mock = MockDatabase::new();
        mock.expect_query()
            .times(2)
            .returning(|_, _| Ok(vec![Row::new().with("1", 1)]));
        let shared: Arc<dyn Database> = Arc::new(mock);
        assert_eq!(rows(Box::new(shared.clone())) + rows(&shared), 2);
    }
}
