//! [`SqliteDatabase`]: the real [`Database`] and [`AsyncDatabase`](super::AsyncDatabase) adapter
//! over an embedded SQLite (feature `sqlite`, on by default), so tests can
//! run their real SQL against a real engine in memory.
//!
//! It leans on `rusqlite` with bundled SQLite: no system library to install,
//! and the same SQLite on every machine. The async side runs each statement
//! on the thread that polls the future rather than through an async SQLite
//! driver (sqlx, tokio-rusqlite): SQLite is a library in this process, not
//! a server, and those drivers hand the same blocking call to a worker
//! thread, which would add a runtime dependency and a thread hop per
//! statement for what, in a test, is microseconds of work.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, ToSql};

use super::{AsyncTransactionWork, Database, DbError, Row, TransactionWork, Value};
use crate::http::BoxFuture;

/// A SQLite database, in memory or in a file.
///
/// One connection behind a mutex, so the database is `Send + Sync` and can
/// be shared (`Arc<SqliteDatabase>`) by the threads of a test.
///
/// It is also an [`AsyncDatabase`](super::AsyncDatabase), for code written against async drivers:
/// each statement runs when its future is first polled, on any executor.
/// While an async transaction is open, statements must go through the
/// database passed to its closure: the connection is one, so a statement
/// from elsewhere would land inside the transaction, and fails instead.
///
/// ```
/// use stubaudit::db::{Database, SqliteDatabase, Value};
///
/// let db = SqliteDatabase::open_in_memory()?;
/// db.execute_batch("CREATE TABLE links (id INTEGER PRIMARY KEY, url TEXT NOT NULL);")?;
/// db.execute("INSERT INTO links (url) VALUES (?1)", &[Value::from("https://a.example")])?;
/// let rows = db.query("SELECT id, url FROM links", &[])?;
/// assert_eq!(rows[0].get::<String>("url")?, "https://a.example");
/// # Ok::<(), stubaudit::db::DbError>(())
/// ```
#[derive(Debug)]
pub struct SqliteDatabase {
    connection: Mutex<Connection>,
    /// The thread inside [`Database::transaction`], if any: its calls on
    /// `self` would wait for the connection forever, so they fail instead.
    transaction_thread: Mutex<Option<ThreadId>>,
    /// Whether an [`AsyncDatabase::transaction`](super::AsyncDatabase::transaction) is open: calls on `self`
    /// would join it, so they fail instead.
    async_transaction: AtomicBool,
}

impl SqliteDatabase {
    /// A new empty database in memory.
    pub fn open_in_memory() -> Result<Self, DbError> {
        Ok(Self::from_connection(Connection::open_in_memory()?))
    }

    /// The database in file `path`, created if missing.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, DbError> {
        Ok(Self::from_connection(Connection::open(path)?))
    }

    /// Wraps an open rusqlite connection.
    pub fn from_connection(connection: Connection) -> Self {
        SqliteDatabase {
            connection: Mutex::new(connection),
            transaction_thread: Mutex::new(None),
            async_transaction: AtomicBool::new(false),
        }
    }

    /// Runs several `;`-separated statements without parameters, such as a
    /// schema.
    pub fn execute_batch(&self, sql: &str) -> Result<(), DbError> {
        Ok(self.connection()?.execute_batch(sql)?)
    }

    fn connection(&self) -> Result<MutexGuard<'_, Connection>, DbError> {
        let transaction_thread = *self
            .transaction_thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if transaction_thread == Some(thread::current().id()) {
            return Err(DbError::Other(
                "this thread is inside `transaction`: use the database passed to the closure"
                    .to_owned(),
            ));
        }
        if self.async_transaction.load(Ordering::SeqCst) {
            return Err(DbError::Other(
                "an async transaction is open on this connection: use the database passed to its closure"
                    .to_owned(),
            ));
        }
        Ok(self.raw_connection())
    }

    /// The connection, without the checks: for the database handed to an
    /// async transaction's closure.
    fn raw_connection(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a transaction poisons the lock; the guard below has
        // rolled the transaction back by then, so the connection is sound.
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl super::AsyncDatabase for SqliteDatabase {
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>> {
        let (sql, params) = (sql.to_owned(), params.to_vec());
        Box::pin(async move { execute(&*self.connection()?, &sql, &params) })
    }

    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>> {
        let (sql, params) = (sql.to_owned(), params.to_vec());
        Box::pin(async move { query(&*self.connection()?, &sql, &params) })
    }

    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>> {
        Box::pin(async move {
            // The sync checks apply first.
            drop(self.connection()?);
            if self.async_transaction.swap(true, Ordering::SeqCst) {
                return Err(DbError::Other(
                    "an async transaction is already open on this connection".to_owned(),
                ));
            }
            let _claim = AsyncClaim(&self.async_transaction);
            run_in_async_transaction(self, 0, work).await
        })
    }
}

/// Releases the async transaction claim when dropped, finished or not.
struct AsyncClaim<'a>(&'a AtomicBool);

impl Drop for AsyncClaim<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// The database inside an async transaction; nested transactions are
/// savepoints.
struct InAsyncTransaction<'a> {
    db: &'a SqliteDatabase,
    depth: usize,
}

impl super::AsyncDatabase for InAsyncTransaction<'_> {
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>> {
        let (sql, params) = (sql.to_owned(), params.to_vec());
        Box::pin(async move { execute(&self.db.raw_connection(), &sql, &params) })
    }

    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>> {
        let (sql, params) = (sql.to_owned(), params.to_vec());
        Box::pin(async move { query(&self.db.raw_connection(), &sql, &params) })
    }

    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>> {
        Box::pin(run_in_async_transaction(self.db, self.depth + 1, work))
    }
}

/// The async [`run_in_transaction`]: the connection is locked per statement,
/// never across an `.await`; rolled back on `Err` and when the future is
/// dropped unfinished.
async fn run_in_async_transaction(
    db: &SqliteDatabase,
    depth: usize,
    work: AsyncTransactionWork,
) -> Result<(), DbError> {
    let (begin, commit, rollback) = transaction_statements(depth);
    db.raw_connection().execute_batch(&begin)?;
    let mut rollback_guard = AsyncRollbackOnDrop {
        db,
        rollback: Some(rollback),
    };
    let result = work.run(&InAsyncTransaction { db, depth }).await;
    match result {
        Ok(()) => {
            rollback_guard.rollback = None;
            db.raw_connection()
                .execute_batch(&commit)
                .map_err(DbError::from)
        }
        // The guard rolls back.
        Err(error) => Err(error),
    }
}

/// Rolls an unfinished async transaction back: on `Err`, on a panic, and
/// when its future is dropped before it finished.
struct AsyncRollbackOnDrop<'a> {
    db: &'a SqliteDatabase,
    rollback: Option<String>,
}

impl Drop for AsyncRollbackOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(rollback) = &self.rollback {
            // As in `RollbackOnDrop`: the caller already has the reason.
            let _ = self.db.raw_connection().execute_batch(rollback);
        }
    }
}

impl Database for SqliteDatabase {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        execute(&*self.connection()?, sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        query(&*self.connection()?, sql, params)
    }

    fn transaction(&self, work: &mut dyn TransactionWork) -> Result<(), DbError> {
        let connection = self.connection()?;
        let _marker = TransactionThread::enter(&self.transaction_thread);
        run_in_transaction(&connection, 0, work)
    }
}

/// Marks the current thread as inside a transaction until dropped.
struct TransactionThread<'a> {
    slot: &'a Mutex<Option<ThreadId>>,
}

impl<'a> TransactionThread<'a> {
    fn enter(slot: &'a Mutex<Option<ThreadId>>) -> Self {
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(thread::current().id());
        TransactionThread { slot }
    }
}

impl Drop for TransactionThread<'_> {
    fn drop(&mut self) {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// The database inside a transaction; nested transactions are savepoints.
struct InTransaction<'a> {
    connection: &'a Connection,
    depth: usize,
}

impl Database for InTransaction<'_> {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        execute(self.connection, sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        query(self.connection, sql, params)
    }

    fn transaction(&self, work: &mut dyn TransactionWork) -> Result<(), DbError> {
        run_in_transaction(self.connection, self.depth + 1, work)
    }
}

/// `BEGIN` … `COMMIT` at depth 0, a savepoint deeper; rolled back on `Err`
/// and on panic.
fn run_in_transaction(
    connection: &Connection,
    depth: usize,
    work: &mut dyn TransactionWork,
) -> Result<(), DbError> {
    let (begin, commit, rollback) = transaction_statements(depth);
    connection.execute_batch(&begin)?;
    let mut rollback_guard = RollbackOnDrop {
        connection,
        rollback: Some(rollback),
    };
    let result = work(&InTransaction { connection, depth });
    match result {
        Ok(()) => {
            rollback_guard.rollback = None;
            connection.execute_batch(&commit).map_err(DbError::from)
        }
        // The guard rolls back.
        Err(error) => Err(error),
    }
}

/// Begin, commit and rollback at `depth`: `BEGIN` … `COMMIT` at 0, a
/// savepoint deeper.
fn transaction_statements(depth: usize) -> (String, String, String) {
    if depth == 0 {
        (
            "BEGIN".to_owned(),
            "COMMIT".to_owned(),
            "ROLLBACK".to_owned(),
        )
    } else {
        let savepoint = format!("stubaudit_{depth}");
        (
            format!("SAVEPOINT {savepoint}"),
            format!("RELEASE {savepoint}"),
            format!("ROLLBACK TO {savepoint}; RELEASE {savepoint}"),
        )
    }
}

/// Rolls an unfinished transaction back, also when the closure panicked.
struct RollbackOnDrop<'a> {
    connection: &'a Connection,
    rollback: Option<String>,
}

impl Drop for RollbackOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(rollback) = &self.rollback {
            // Nothing to report to: the caller already gets the closure's
            // error or panic, which says more than a failed rollback.
            let _ = self.connection.execute_batch(rollback);
        }
    }
}

fn execute(connection: &Connection, sql: &str, params: &[Value]) -> Result<u64, DbError> {
    let changed = connection.execute(sql, params_from_iter(params))?;
    Ok(u64::try_from(changed).unwrap_or(u64::MAX))
}

fn query(connection: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
    let mut statement = connection.prepare(sql)?;
    let columns: std::sync::Arc<[String]> = statement.column_names().map(str::to_owned).collect();
    let mut rows = statement.query(params_from_iter(params))?;
    let mut result = Vec::new();
    while let Some(row) = rows.next()? {
        let values = (0..columns.len())
            .map(|index| row.get_ref(index).map(from_sqlite))
            .collect::<Result<Vec<Value>, _>>()?;
        result.push(Row::from_columns(columns.clone(), values));
    }
    Ok(result)
}

fn from_sqlite(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(integer) => Value::Integer(integer),
        ValueRef::Real(real) => Value::Real(real),
        ValueRef::Text(text) => Value::Text(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob(bytes) => Value::Blob(bytes.to_vec()),
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Integer(integer) => ValueRef::Integer(*integer),
            Value::Real(real) => ValueRef::Real(*real),
            Value::Text(text) => ValueRef::Text(text.as_bytes()),
            Value::Blob(bytes) => ValueRef::Blob(bytes),
        }))
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(error: rusqlite::Error) -> Self {
        DbError::Sqlite(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> SqliteDatabase {
        let db = SqliteDatabase::open_in_memory().expect("in-memory database");
        db.execute_batch("CREATE TABLE links (id INTEGER PRIMARY KEY, url TEXT NOT NULL, score REAL, data BLOB);")
            .expect("schema");
        db
    }

    fn count(db: &dyn Database) -> i64 {
        let rows = db
            .query("SELECT count(*) AS n FROM links", &[])
            .expect("count");
        rows[0].get("n").expect("an integer")
    }

    #[test]
    fn values_round_trip_through_sqlite() {
        let db = links();
        let changed = db
            .execute(
                "INSERT INTO links (url, score, data) VALUES (?1, ?2, ?3)",
                &["https://a".into(), 0.5.into(), vec![1u8, 2].into()],
            )
            .expect("insert");
        assert_eq!(changed, 1);
        let rows = db
            .query(
                "SELECT id, url, score, data FROM links WHERE url = ?",
                &["https://a".into()],
            )
            .expect("select");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].columns(), ["id", "url", "score", "data"]);
        assert_eq!(rows[0].get::<i64>("id"), Ok(1));
        assert_eq!(rows[0].get::<f64>("score"), Ok(0.5));
        assert_eq!(rows[0].get::<Vec<u8>>("data"), Ok(vec![1, 2]));
    }

    #[test]
    fn sql_errors_become_db_errors() {
        let error = links()
            .query("SELECT nope FROM links", &[])
            .expect_err("a bad column");
        assert!(
            matches!(&error, DbError::Sqlite(reason) if reason.contains("no such column: nope")),
            "{error}"
        );
    }

    #[test]
    fn a_failed_transaction_rolls_back() {
        let db = links();
        let result = db.transaction(&mut |tx| {
            tx.execute("INSERT INTO links (url) VALUES ('a')", &[])?;
            Err(DbError::Other("changed my mind".to_owned()))
        });
        assert_eq!(result, Err(DbError::Other("changed my mind".to_owned())));
        assert_eq!(count(&db), 0);
    }

    #[test]
    fn a_nested_transaction_is_a_savepoint() {
        let db = links();
        db.transaction(&mut |tx| {
            tx.execute("INSERT INTO links (url) VALUES ('kept')", &[])?;
            let inner = tx.transaction(&mut |inner| {
                inner.execute("INSERT INTO links (url) VALUES ('dropped')", &[])?;
                Err(DbError::Other("inner fails".to_owned()))
            });
            assert!(inner.is_err());
            Ok(())
        })
        .expect("outer commits");
        let rows = db.query("SELECT url FROM links", &[]).expect("select");
        let urls: Vec<String> = rows
            .iter()
            .map(|row| row.get("url").expect("text"))
            .collect();
        assert_eq!(urls, ["kept"]);
    }

    #[test]
    fn using_the_outer_database_inside_a_transaction_fails_instead_of_hanging() {
        let db = links();
        let mut inner_error = None;
        db.transaction(&mut |_tx| {
            inner_error = db
                .execute("INSERT INTO links (url) VALUES ('a')", &[])
                .err();
            Ok(())
        })
        .expect("commits");
        assert!(
            matches!(inner_error, Some(DbError::Other(reason)) if reason.contains("inside `transaction`"))
        );
    }

    #[test]
    fn a_panic_inside_a_transaction_rolls_back() {
        let db = links();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = db.transaction(&mut |tx| {
                tx.execute("INSERT INTO links (url) VALUES ('a')", &[])?;
                panic!("boom");
            });
        }));
        assert!(outcome.is_err());
        assert_eq!(count(&db), 0);
    }

    mod asynchronous {
        use super::*;
        use crate::db::{AsyncDatabase, AsyncTransactionWork};
        use crate::test_support::block_on;

        fn urls(db: &SqliteDatabase) -> Vec<String> {
            let rows =
                Database::query(db, "SELECT url FROM links ORDER BY id", &[]).expect("select");
            rows.iter()
                .map(|row| row.get("url").expect("text"))
                .collect()
        }

        #[test]
        fn statements_run_when_the_future_is_polled() {
            let db = links();
            let insert =
                AsyncDatabase::execute(&db, "INSERT INTO links (url) VALUES (?1)", &["a".into()]);
            assert_eq!(count(&db), 0, "nothing runs before the future is polled");
            assert_eq!(block_on(insert), Ok(1));
            let rows = block_on(AsyncDatabase::query(&db, "SELECT url FROM links", &[]));
            assert_eq!(rows.map(|rows| rows.len()), Ok(1));
        }

        #[test]
        fn an_async_transaction_commits_and_nests_as_savepoints() {
            let db = links();
            let work = AsyncTransactionWork::new(|tx| {
                Box::pin(async move {
                    tx.execute("INSERT INTO links (url) VALUES ('kept')", &[])
                        .await?;
                    let inner = tx
                        .transaction(AsyncTransactionWork::new(|inner| {
                            Box::pin(async move {
                                inner
                                    .execute("INSERT INTO links (url) VALUES ('dropped')", &[])
                                    .await?;
                                Err(DbError::Other("inner fails".to_owned()))
                            })
                        }))
                        .await;
                    assert!(inner.is_err());
                    Ok(())
                })
            });
            assert_eq!(block_on(AsyncDatabase::transaction(&db, work)), Ok(()));
            assert_eq!(urls(&db), ["kept"]);
        }

        #[test]
        fn a_failed_async_transaction_rolls_back() {
            let db = links();
            let work = AsyncTransactionWork::new(|tx| {
                Box::pin(async move {
                    tx.execute("INSERT INTO links (url) VALUES ('a')", &[])
                        .await?;
                    tx.execute("INSERT INTO nowhere VALUES (1)", &[]).await?;
                    Ok(())
                })
            });
            let result = block_on(AsyncDatabase::transaction(&db, work));
            assert!(
                matches!(&result, Err(DbError::Sqlite(reason)) if reason.contains("no such table: nowhere")),
                "{result:?}"
            );
            assert_eq!(count(&db), 0);
        }

        #[test]
        fn a_dropped_async_transaction_rolls_back_and_frees_the_connection() {
            let db = links();
            let (sender, receiver) = std::sync::mpsc::channel::<()>();
            let receiver = std::sync::Mutex::new(receiver);
            let work = AsyncTransactionWork::new(move |tx| {
                Box::pin(async move {
                    tx.execute("INSERT INTO links (url) VALUES ('a')", &[])
                        .await?;
                    // Never resolves: the test drops the future here.
                    std::future::pending::<()>().await;
                    drop(receiver);
                    Ok(())
                })
            });
            let mut transaction = AsyncDatabase::transaction(&db, work);
            let waker = std::task::Waker::noop();
            let poll = transaction
                .as_mut()
                .poll(&mut std::task::Context::from_waker(waker));
            assert!(poll.is_pending());
            // Meanwhile the outer database refuses statements that would join it.
            let outer = block_on(AsyncDatabase::execute(&db, "DELETE FROM links", &[]));
            assert!(
                matches!(&outer, Err(DbError::Other(reason)) if reason.contains("async transaction is open")),
                "{outer:?}"
            );
            drop(transaction);
            drop(sender);
            assert_eq!(count(&db), 0);
            assert_eq!(
                block_on(AsyncDatabase::execute(&db, "DELETE FROM links", &[])),
                Ok(0)
            );
        }
    }

    #[test]
    fn sqlite_database_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SqliteDatabase>();
    }
}
