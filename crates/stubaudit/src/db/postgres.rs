//! [`PostgresDatabase`]: the real [`AsyncDatabase`](super::AsyncDatabase)
//! adapter over PostgreSQL (feature `postgres`), so tests can run their real
//! SQL against a real server.
//!
//! It leans on `tokio-postgres`: the async driver under `postgres`,
//! `deadpool-postgres` and `bb8-postgres`, one crate per database with no
//! macros and nothing to set up at compile time, where sqlx would bring its
//! query macros, its own runtime layer and every database's driver code
//! into a cold build. Values cross in the binary protocol: [`Value`]
//! converts to the type PostgreSQL inferred for each parameter (an integer
//! to `int2`/`int4`/`int8`/`bool`/`float`, text to `text`/`varchar`/`json`
//! …), and columns of the common built-in types convert back.
//!
//! One connection, one statement at a time: a transaction holds the
//! connection until it ends, and the statements of other tasks wait for it.

mod values;

#[cfg(all(test, unix))]
mod cluster;

use tokio::sync::{Mutex as AsyncMutex, MutexGuard as AsyncMutexGuard};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls};

use super::{AsyncTransactionWork, DbError, Row, Value};
use crate::http::BoxFuture;
use values::PgValue;

/// A PostgreSQL database over one `tokio_postgres` connection; an
/// [`AsyncDatabase`](super::AsyncDatabase) (there is no sync twin: the
/// driver is async). It needs a tokio runtime, as tokio-postgres does.
///
/// ```no_run
/// use stubaudit::db::{AsyncDatabase, PostgresDatabase, Value};
///
/// # async fn example() -> Result<(), stubaudit::db::DbError> {
/// let db = PostgresDatabase::connect("host=127.0.0.1 port=5432 user=postgres dbname=test").await?;
/// db.execute_batch("CREATE TABLE links (id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL)").await?;
/// db.execute("INSERT INTO links (url) VALUES ($1)", &[Value::from("https://a.example")]).await?;
/// let rows = db.query("SELECT id, url FROM links", &[]).await?;
/// assert_eq!(rows[0].get::<String>("url")?, "https://a.example");
/// # Ok(())
/// # }
/// ```
///
/// Statements and transactions take turns on the connection: while one
/// task is inside [`transaction`](super::AsyncDatabase::transaction), other
/// tasks' statements wait for it to end, and a statement of the same task
/// that bypasses the closure's database fails (it would wait forever). A
/// transaction whose future is dropped unfinished is rolled back before the
/// next statement runs.
#[derive(Debug)]
pub struct PostgresDatabase {
    client: Client,
    /// Taken by each statement and held by a transaction to its end.
    turn: AsyncMutex<Turn>,
}

tokio::task_local! {
    /// The database (its address) whose transaction work this future is
    /// running: set while the work is polled, wherever it runs (a spawned
    /// task or `block_on`, which has no task id).
    static IN_TRANSACTION: usize;
}

/// The connection's state between statements.
#[derive(Debug, Default)]
struct Turn {
    /// A transaction began and its future was dropped before it ended.
    abandoned: bool,
}

impl PostgresDatabase {
    /// Connects without TLS (`host=… port=… user=… dbname=…`, or a
    /// `postgresql://` URL) and drives the connection on a task of the
    /// current tokio runtime. For TLS, connect with tokio-postgres and a
    /// TLS connector yourself and use [`from_client`](Self::from_client).
    pub async fn connect(config: &str) -> Result<Self, DbError> {
        let (client, connection) = tokio_postgres::connect(config, NoTls)
            .await
            .map_err(from_postgres)?;
        tokio::spawn(async move {
            // The error, if any, reaches the client as a closed connection.
            let _ = connection.await;
        });
        Ok(Self::from_client(client))
    }

    /// Wraps a connected client; its connection must be driven elsewhere
    /// (spawned), as tokio-postgres requires.
    pub fn from_client(client: Client) -> Self {
        PostgresDatabase {
            client,
            turn: AsyncMutex::new(Turn::default()),
        }
    }

    /// Runs several `;`-separated statements without parameters, such as a
    /// schema, in one round trip.
    pub async fn execute_batch(&self, sql: &str) -> Result<(), DbError> {
        let _turn = self.turn().await?;
        self.client.batch_execute(sql).await.map_err(from_postgres)
    }

    fn address(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// Waits for the connection's turn; rolls back an abandoned transaction
    /// first.
    async fn turn(&self) -> Result<AsyncMutexGuard<'_, Turn>, DbError> {
        if IN_TRANSACTION
            .try_with(|database| *database == self.address())
            .unwrap_or(false)
        {
            return Err(DbError::Other(
                "this task is inside `transaction`: use the database passed to the closure"
                    .to_owned(),
            ));
        }
        let mut turn = self.turn.lock().await;
        if turn.abandoned {
            self.client
                .batch_execute("ROLLBACK")
                .await
                .map_err(from_postgres)?;
            turn.abandoned = false;
        }
        Ok(turn)
    }
}

impl super::AsyncDatabase for PostgresDatabase {
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>> {
        let (sql, params) = (sql.to_owned(), params.to_vec());
        Box::pin(async move {
            let _turn = self.turn().await?;
            execute(&self.client, &sql, &params).await
        })
    }

    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>> {
        let (sql, params) = (sql.to_owned(), params.to_vec());
        Box::pin(async move {
            let _turn = self.turn().await?;
            query(&self.client, &sql, &params).await
        })
    }

    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>> {
        Box::pin(async move {
            let mut turn = self.turn().await?;
            turn.abandoned = true;
            let result = IN_TRANSACTION
                .scope(self.address(), run_in_transaction(&self.client, 0, work))
                .await;
            // Ended, committed or rolled back: nothing left to roll back.
            turn.abandoned = false;
            result
        })
    }
}

/// The database inside a transaction; nested transactions are savepoints.
struct InTransaction<'a> {
    client: &'a Client,
    depth: usize,
}

impl super::AsyncDatabase for InTransaction<'_> {
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>> {
        let (sql, params) = (sql.to_owned(), params.to_vec());
        Box::pin(async move { execute(self.client, &sql, &params).await })
    }

    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>> {
        let (sql, params) = (sql.to_owned(), params.to_vec());
        Box::pin(async move { query(self.client, &sql, &params).await })
    }

    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>> {
        Box::pin(run_in_transaction(self.client, self.depth + 1, work))
    }
}

/// `BEGIN` … `COMMIT` at depth 0, a savepoint deeper; rolled back on `Err`.
async fn run_in_transaction(
    client: &Client,
    depth: usize,
    work: AsyncTransactionWork,
) -> Result<(), DbError> {
    let (begin, commit, rollback) = if depth == 0 {
        (
            "BEGIN".to_owned(),
            "COMMIT".to_owned(),
            "ROLLBACK".to_owned(),
        )
    } else {
        let savepoint = format!("stubaudit_{depth}");
        (
            format!("SAVEPOINT {savepoint}"),
            format!("RELEASE SAVEPOINT {savepoint}"),
            format!("ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}"),
        )
    };
    client.batch_execute(&begin).await.map_err(from_postgres)?;
    match work.run(&InTransaction { client, depth }).await {
        Ok(()) if depth == 0 => {
            // A statement that failed inside the work aborts the whole
            // transaction, and `COMMIT` would then roll back without an
            // error: ask first, so a swallowed failure is not reported as
            // committed (`25P02: current transaction is aborted …`).
            if let Err(aborted) = client.batch_execute("SELECT 1").await {
                let _ = client.batch_execute(&rollback).await;
                return Err(from_postgres(aborted));
            }
            client.batch_execute(&commit).await.map_err(from_postgres)
        }
        Ok(()) => client.batch_execute(&commit).await.map_err(from_postgres),
        Err(error) => {
            // The work's error says more than a failed rollback would.
            let _ = client.batch_execute(&rollback).await;
            Err(error)
        }
    }
}

fn parameters(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|value| value as &(dyn ToSql + Sync))
        .collect()
}

async fn execute(client: &Client, sql: &str, params: &[Value]) -> Result<u64, DbError> {
    client
        .execute(sql, &parameters(params))
        .await
        .map_err(from_postgres)
}

async fn query(client: &Client, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
    let rows = client
        .query(sql, &parameters(params))
        .await
        .map_err(from_postgres)?;
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let columns: std::sync::Arc<[String]> = first
        .columns()
        .iter()
        .map(|column| column.name().to_owned())
        .collect();
    rows.iter()
        .map(|row| {
            let values = (0..columns.len())
                .map(|index| {
                    row.try_get::<_, PgValue>(index)
                        .map(|value| value.0)
                        .map_err(from_postgres)
                })
                .collect::<Result<Vec<Value>, DbError>>()?;
            Ok(Row::from_columns(columns.clone(), values))
        })
        .collect()
}

/// `42P01: relation "links" does not exist` for a server's error; the
/// error and its sources for the rest (a conversion, a closed connection).
fn from_postgres(error: tokio_postgres::Error) -> DbError {
    if let Some(db_error) = error.as_db_error() {
        return DbError::Postgres(format!(
            "{}: {}",
            db_error.code().code(),
            db_error.message()
        ));
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    DbError::Postgres(text)
}

#[cfg(all(test, unix))]
mod tests;
