//! [`AsyncDatabase`]: the async twin of [`Database`](super::Database), for
//! production code that reaches PostgreSQL or SQLite through an async driver,
//! with its mock `MockAsyncDatabase` (feature `mock`) and
//! [`AsyncTransactionWork`], the work of one transaction.
//!
//! Methods return boxed futures ([`BoxFuture`], the one
//! [`AsyncHttpClient`](crate::http::AsyncHttpClient) uses) rather than being
//! `async fn`s, so that `dyn AsyncDatabase` works and mockall can mock the
//! trait. Plain std otherwise: no executor is assumed.

use std::fmt;
use std::sync::Arc;

use super::{DbError, Row, Value};
use crate::http::BoxFuture;

/// The async database boundary: run one SQL statement.
///
/// The same statements, parameters, rows and errors as
/// [`Database`](super::Database), as futures. Production code takes a
/// `D: AsyncDatabase` (or an `Arc<dyn AsyncDatabase>`); tests pass a
/// [`DbStub`](super::DbStub), a real `SqliteDatabase` (feature `sqlite`), a
/// real `PostgresDatabase` (feature `postgres`) or a `MockAsyncDatabase`
/// (feature `mock`). Parameters are positional: `?1`, `?` or `$1`, as the
/// engine behind wants; [`DbStub`](super::DbStub) treats the three alike.
///
/// `Send + Sync`, so the futures of code holding a `&dyn AsyncDatabase` are
/// `Send` and run on a multi-threaded runtime.
///
/// ```
/// use stubaudit::db::{sql, AsyncDatabase, DbError, DbStub, Row};
///
/// /// Production code: owns its SQL and its row mapping.
/// async fn titles(db: &dyn AsyncDatabase) -> Result<Vec<String>, DbError> {
///     let rows = db.query("SELECT title FROM links WHERE ok = $1", &[true.into()]).await?;
///     rows.iter().map(|row| row.get("title")).collect()
/// }
///
/// let db = DbStub::new()
///     .on(sql("select title from links where ok = ?1").params([true]))
///     .returns([Row::new().with("title", "A"), Row::new().with("title", "B")])
///     .once();
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     let mut future = std::pin::pin!(future);
/// #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop {
/// #         if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
/// #             return output;
/// #         }
/// #     }
/// # }
/// assert_eq!(block_on(titles(&db))?, ["A", "B"]);
/// # Ok::<(), DbError>(())
/// ```
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait AsyncDatabase: Send + Sync {
    /// Runs a statement that returns no rows (`INSERT`, `UPDATE`, `DELETE`,
    /// DDL); the future resolves to the number of rows it changed.
    ///
    /// The future borrows only `self`: an implementation copies the
    /// statement and its parameters, so a caller may pass temporaries.
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>>;

    /// Runs a query; the future resolves to all its rows.
    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>>;

    /// Runs `work` inside a transaction: committed when its future resolves
    /// to `Ok`, rolled back when it resolves to `Err` (which is then
    /// returned) or is dropped unfinished.
    ///
    /// The work is an [`AsyncTransactionWork`]: a closure that gets the
    /// database to use inside the transaction and returns a boxed future,
    /// `AsyncTransactionWork::new(move |tx| Box::pin(async move { … }))`.
    /// It runs once, so it may move what it captured into its future;
    /// results leave through an `Arc<Mutex<_>>` or a channel:
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use stubaudit::db::{sql, AsyncDatabase, AsyncTransactionWork, DbStub, Value};
    ///
    /// let db = DbStub::new().on(sql("INSERT INTO links (url) VALUES ($1)")).affects(1).times(2);
    /// let inserted = Arc::new(Mutex::new(0));
    /// let urls = vec!["a".to_owned(), "b".to_owned()];
    /// let counter = inserted.clone();
    /// let transaction = db.transaction(AsyncTransactionWork::new(move |tx| {
    ///     Box::pin(async move {
    ///         for url in urls {
    ///             let changed = tx.execute("INSERT INTO links (url) VALUES ($1)", &[Value::from(url)]).await?;
    ///             *counter.lock().expect("not poisoned") += changed;
    ///         }
    ///         Ok(())
    ///     })
    /// }));
    /// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
    /// #     let mut future = std::pin::pin!(future);
    /// #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop {
    /// #         if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
    /// #             return output;
    /// #         }
    /// #     }
    /// # }
    /// block_on(transaction)?;
    /// assert_eq!(*inserted.lock().expect("not poisoned"), 2);
    /// # Ok::<(), stubaudit::db::DbError>(())
    /// ```
    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>>;
}

/// The work of one [`AsyncDatabase::transaction`]: a closure that runs once
/// with the database to use inside the transaction and returns a boxed
/// future.
///
/// A type rather than a closure parameter, so that the trait stays object
/// safe and mockable; [`new`](Self::new) gives the closure its signature
/// (the future may borrow the `&dyn AsyncDatabase` it is given).
pub struct AsyncTransactionWork {
    work: Box<WorkFn>,
}

/// The closure inside an [`AsyncTransactionWork`].
type WorkFn =
    dyn for<'t> FnOnce(&'t dyn AsyncDatabase) -> BoxFuture<'t, Result<(), DbError>> + Send;

impl AsyncTransactionWork {
    /// Wraps the work: `AsyncTransactionWork::new(move |tx| Box::pin(async move { … }))`.
    pub fn new<F>(work: F) -> Self
    where
        F: for<'t> FnOnce(&'t dyn AsyncDatabase) -> BoxFuture<'t, Result<(), DbError>>
            + Send
            + 'static,
    {
        AsyncTransactionWork {
            work: Box::new(work),
        }
    }

    /// Runs the work against `db`, the database inside the transaction.
    pub fn run(self, db: &dyn AsyncDatabase) -> BoxFuture<'_, Result<(), DbError>> {
        (self.work)(db)
    }
}

impl fmt::Debug for AsyncTransactionWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AsyncTransactionWork")
    }
}

impl<T: AsyncDatabase + ?Sized> AsyncDatabase for &T {
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>> {
        (**self).execute(sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>> {
        (**self).query(sql, params)
    }

    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>> {
        (**self).transaction(work)
    }
}

impl<T: AsyncDatabase + ?Sized> AsyncDatabase for Box<T> {
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>> {
        (**self).execute(sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>> {
        (**self).query(sql, params)
    }

    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>> {
        (**self).transaction(work)
    }
}

impl<T: AsyncDatabase + ?Sized> AsyncDatabase for Arc<T> {
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>> {
        (**self).execute(sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>> {
        (**self).query(sql, params)
    }

    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>> {
        (**self).transaction(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::block_on;

    #[test]
    fn mock_async_database_answers_through_box_and_arc() {
        let mut mock = MockAsyncDatabase::new();
        mock.expect_query()
            .withf(|sql, params| sql == "SELECT 1" && params.is_empty())
            .times(2)
            .returning(|_, _| Box::pin(async { Ok(vec![Row::new().with("one", 1)]) }));
        let shared: Arc<dyn AsyncDatabase> = Arc::new(mock);
        let boxed: Box<dyn AsyncDatabase> = Box::new(shared.clone());
        let rows = block_on(async {
            let mut rows = boxed.query("SELECT 1", &[]).await?;
            rows.extend(AsyncDatabase::query(&&*shared, "SELECT 1", &[]).await?);
            Ok::<_, DbError>(rows)
        });
        assert_eq!(rows.map(|rows| rows.len()), Ok(2));
    }

    #[test]
    fn mock_async_database_can_run_the_transaction_work() {
        let mut inner = MockAsyncDatabase::new();
        inner
            .expect_execute()
            .withf(|sql, params| sql.starts_with("DELETE") && params.is_empty())
            .times(1)
            .returning(|_, _| Box::pin(async { Ok(3) }));
        let inner = Arc::new(inner);
        let mut db = MockAsyncDatabase::new();
        db.expect_transaction().times(1).returning(move |work| {
            let inner = inner.clone();
            Box::pin(async move { work.run(&*inner).await })
        });
        let deleted = Arc::new(std::sync::Mutex::new(0));
        let counter = deleted.clone();
        let result = block_on(db.transaction(AsyncTransactionWork::new(move |tx| {
            Box::pin(async move {
                let changed = tx.execute("DELETE FROM links", &[]).await?;
                *counter.lock().expect("not poisoned") = changed;
                Ok(())
            })
        })));
        assert_eq!(result, Ok(()));
        assert_eq!(*deleted.lock().expect("not poisoned"), 3);
    }

    #[test]
    fn mock_async_database_scripts_a_failed_transaction() {
        let mut mock = MockAsyncDatabase::new();
        mock.expect_transaction().times(1).returning(|_| {
            Box::pin(async { Err(DbError::Other("serialization failure".to_owned())) })
        });
        let work = AsyncTransactionWork::new(|tx| {
            Box::pin(async move { tx.execute("DELETE FROM links", &[]).await.map(drop) })
        });
        assert_eq!(
            block_on(mock.transaction(work)),
            Err(DbError::Other("serialization failure".to_owned()))
        );
    }
}
