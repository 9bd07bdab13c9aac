//! [`DbStub`]: the strict scripted fake of [`Database`] and
//! [`AsyncDatabase`](super::AsyncDatabase). Statements are
//! scripted up front and matched after SQL normalisation; a statement no
//! route accepts panics with a diff of the normalised SQL against the
//! closest routes; routes not called as scripted fail
//! [`verify`](DbStub::verify), which also runs when the last clone drops.
//!
//! Plain std (`Arc<Mutex<..>>`), like [`HttpStub`](crate::http::HttpStub),
//! whose rules it follows.

use std::fmt;
use std::panic::Location;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::journal::{RecordedStatement, StatementKind};
use super::matcher::StatementMatcher;
use super::mismatch;
use super::{AsyncTransactionWork, Database, DbError, Row, TransactionWork, Value};
use crate::http::BoxFuture;
use crate::times::{self, Times};
use crate::verdict;

/// A strict scripted fake [`Database`] and [`AsyncDatabase`](super::AsyncDatabase).
///
/// ```
/// use stubaudit::db::{sql, Database, DbStub, Row};
///
/// let db = DbStub::new()
///     .on(sql("INSERT INTO links (url) VALUES (?1)").params(["https://a.example"]))
///     .affects(1)
///     .once()
///     .on(sql("SELECT id, url FROM links"))
///     .returns([Row::new().with("id", 1).with("url", "https://a.example")])
///     .any_times();
///
/// // Layout and case do not matter: the SQL is compared normalised.
/// let changed = db.execute("insert into links(url) values (?1);", &["https://a.example".into()])?;
/// assert_eq!(changed, 1);
/// let rows = db.query("SELECT id, url\n  FROM links", &[])?;
/// assert_eq!(rows[0].get::<i64>("id")?, 1);
/// db.verify();
/// # Ok::<(), stubaudit::db::DbError>(())
/// ```
///
/// * Routes are tried in the order they were added; the first that accepts
///   the statement and has calls left answers it.
/// * A route answers `execute` and `query` alike: [`affects`](StatementRoute::affects)
///   gives `execute` its count (and `query` no rows),
///   [`returns`](StatementRoute::returns) gives `query` its rows (and
///   `execute` their number), [`fails`](StatementRoute::fails) an error to
///   both. Several outcomes answer successive calls; the last one repeats.
/// * The SQL is compared normalised: layout, comments, case of unquoted words
///   and a trailing `;` do not matter, and the placeholder styles `?`, `?1`
///   and `$1` are one style, so a route written for SQLite matches the
///   PostgreSQL spelling of the statement.
/// * [`transaction`](Database::transaction) runs the work against the stub
///   itself and journals `BEGIN` and `COMMIT` / `ROLLBACK` around it; nothing
///   is undone.
/// * The [`AsyncDatabase`](super::AsyncDatabase) methods answer from the same routes and journal;
///   their futures are ready at once, so any executor runs them, and an
///   unmatched statement panics in the call itself.
/// * A statement no route accepts makes the call panic with the closest
///   routes, a ✓/✗ per criterion and a diff of the normalised SQL.
/// * [`verify`](Self::verify) panics when a route was not called as scripted;
///   it runs by itself when the last clone drops, unless already panicking.
#[derive(Clone, Default)]
pub struct DbStub {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    routes: Vec<RouteState>,
    journal: Vec<RecordedStatement>,
    unmatched: usize,
}

pub(super) struct RouteState {
    pub(super) matcher: StatementMatcher,
    outcomes: Vec<Outcome>,
    pub(super) times: Times,
    pub(super) calls: usize,
    location: &'static Location<'static>,
}

#[derive(Debug, Clone)]
enum Outcome {
    Affects(u64),
    Rows(Vec<Row>),
    Fails(DbError),
}

impl RouteState {
    /// `execute INSERT …, once, called 0 times (defined at file:line:col)`:
    /// the statement kind its outcomes answer (`query` for rows, `execute`
    /// for a count), when they say.
    pub(super) fn describe(&self) -> String {
        let rows = self
            .outcomes
            .iter()
            .any(|outcome| matches!(outcome, Outcome::Rows(_)));
        let count = self
            .outcomes
            .iter()
            .any(|outcome| matches!(outcome, Outcome::Affects(_)));
        let kind = match (rows, count) {
            (true, false) => "query ",
            (false, true) => "execute ",
            _ => "",
        };
        format!(
            "{kind}{}, {}, called {} (defined at {})",
            self.matcher.normalized(),
            self.times.describe(),
            times::count(self.calls),
            self.location
        )
    }
}

/// A route being scripted: add outcomes with [`affects`](Self::affects),
/// [`returns`](Self::returns) or [`fails`](Self::fails), then finish it with
/// [`once`](Self::once), [`times`](Self::times), [`at_least`](Self::at_least)
/// or [`any_times`](Self::any_times).
#[must_use = "a route is only added by .once(), .times(n), .at_least(n) or .any_times()"]
pub struct StatementRoute {
    stub: DbStub,
    matcher: StatementMatcher,
    outcomes: Vec<Outcome>,
    location: &'static Location<'static>,
}

impl DbStub {
    /// A stub with no routes: every statement panics until routes are added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a route for statements `matcher` accepts.
    #[track_caller]
    pub fn on(self, matcher: StatementMatcher) -> StatementRoute {
        StatementRoute {
            stub: self,
            matcher,
            outcomes: Vec::new(),
            location: Location::caller(),
        }
    }

    /// Every statement received so far, matched or not, in order, with the
    /// transaction boundaries: a transaction appears as a `BEGIN` entry, its
    /// statements, then `COMMIT` or `ROLLBACK` ([`StatementKind::Begin`],
    /// …), so a test can assert what ran inside it. For the statements
    /// alone, use [`executed`](Self::executed).
    ///
    /// ```
    /// use stubaudit::db::{sql, Database, DbStub, StatementKind};
    ///
    /// let db = DbStub::new().on(sql("DELETE FROM links")).affects(2).once();
    /// db.transaction(&mut |tx| tx.execute("DELETE FROM links", &[]).map(drop))?;
    /// let kinds: Vec<StatementKind> = db.statements().iter().map(|statement| statement.kind).collect();
    /// assert_eq!(kinds, [StatementKind::Begin, StatementKind::Execute, StatementKind::Commit]);
    /// assert_eq!(db.executed().len(), 1);
    /// # Ok::<(), stubaudit::db::DbError>(())
    /// ```
    pub fn statements(&self) -> Vec<RecordedStatement> {
        self.lock().journal.clone()
    }

    /// The statements received so far (`execute` and `query` calls, matched
    /// or not), in order, without the transaction boundaries that
    /// [`statements`](Self::statements) lists.
    pub fn executed(&self) -> Vec<RecordedStatement> {
        self.lock()
            .journal
            .iter()
            .filter(|statement| !statement.is_transaction_boundary())
            .cloned()
            .collect()
    }

    /// Panics when a route was not called as often as scripted, or when a
    /// statement matched no route (in case that panic was caught).
    #[track_caller]
    pub fn verify(&self) {
        if let Some(message) = self.lock().failures() {
            panic!("{message}");
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // No panic happens while the lock is held; a poisoned lock still
        // holds consistent state.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The outcome for one statement, or a panic naming the closest routes.
    #[track_caller]
    fn answer(&self, kind: StatementKind, sql: &str, params: &[Value]) -> Option<Outcome> {
        let mut statement = RecordedStatement {
            kind,
            sql: sql.to_owned(),
            params: params.to_vec(),
            route: None,
        };
        let mut state = self.lock();
        let chosen = state.routes.iter().position(|route| {
            route.times.allows_another(route.calls) && route.matcher.matches(&statement)
        });
        let Some(index) = chosen else {
            state.unmatched += 1;
            let message = mismatch::render(&statement, &state.routes);
            state.journal.push(statement);
            drop(state);
            panic!("{message}");
        };
        let route = &mut state.routes[index];
        route.calls += 1;
        let outcome = route
            .outcomes
            .get(route.calls - 1)
            .or(route.outcomes.last())
            .cloned();
        statement.route = Some(index + 1);
        state.journal.push(statement);
        outcome
    }

    fn record_boundary(&self, kind: StatementKind, sql: &str) {
        self.lock().journal.push(RecordedStatement {
            kind,
            sql: sql.to_owned(),
            params: Vec::new(),
            route: None,
        });
    }
}

impl State {
    fn failures(&self) -> Option<String> {
        let unmet: Vec<String> = self
            .routes
            .iter()
            .enumerate()
            .filter(|(_, route)| !route.times.is_satisfied(route.calls))
            .map(|(index, route)| format!("route {}: {}", index + 1, route.describe()))
            .collect();
        let journal: Vec<String> = self
            .journal
            .iter()
            .map(|statement| match statement.route {
                _ if statement.is_transaction_boundary() => statement.summary(),
                Some(route) => format!("{} -> route {route}", statement.summary()),
                None => format!("{} -> no route", statement.summary()),
            })
            .collect();
        verdict::verify_message("DbStub", &unmet, self.unmatched, &journal)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // A second panic while unwinding would abort the test binary.
        if std::thread::panicking() {
            return;
        }
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(message) = state.failures() {
            panic!("{message}");
        }
    }
}

impl Database for DbStub {
    #[track_caller]
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        match self.answer(StatementKind::Execute, sql, params) {
            None => Ok(0),
            Some(Outcome::Affects(count)) => Ok(count),
            Some(Outcome::Rows(rows)) => Ok(u64::try_from(rows.len()).unwrap_or(u64::MAX)),
            Some(Outcome::Fails(error)) => Err(error),
        }
    }

    #[track_caller]
    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        match self.answer(StatementKind::Query, sql, params) {
            None | Some(Outcome::Affects(_)) => Ok(Vec::new()),
            Some(Outcome::Rows(rows)) => Ok(rows),
            Some(Outcome::Fails(error)) => Err(error),
        }
    }

    fn transaction(&self, work: &mut dyn TransactionWork) -> Result<(), DbError> {
        self.record_boundary(StatementKind::Begin, "BEGIN");
        let result = work(self);
        match &result {
            Ok(()) => self.record_boundary(StatementKind::Commit, "COMMIT"),
            Err(_) => self.record_boundary(StatementKind::Rollback, "ROLLBACK"),
        }
        result
    }
}

/// The same routes and journal as the [`Database`] methods; each future is
/// ready when returned.
impl super::AsyncDatabase for DbStub {
    #[track_caller]
    fn execute(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<u64, DbError>> {
        Box::pin(std::future::ready(Database::execute(self, sql, params)))
    }

    #[track_caller]
    fn query(&self, sql: &str, params: &[Value]) -> BoxFuture<'_, Result<Vec<Row>, DbError>> {
        Box::pin(std::future::ready(Database::query(self, sql, params)))
    }

    fn transaction(&self, work: AsyncTransactionWork) -> BoxFuture<'_, Result<(), DbError>> {
        Box::pin(async move {
            self.record_boundary(StatementKind::Begin, "BEGIN");
            let result = work.run(self).await;
            match &result {
                Ok(()) => self.record_boundary(StatementKind::Commit, "COMMIT"),
                Err(_) => self.record_boundary(StatementKind::Rollback, "ROLLBACK"),
            }
            result
        })
    }
}

impl fmt::Debug for DbStub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let routes: Vec<String> = state.routes.iter().map(RouteState::describe).collect();
        f.debug_struct("DbStub")
            .field("routes", &routes)
            .field("statements", &state.journal.len())
            .finish()
    }
}

impl StatementRoute {
    /// `execute` answers that `count` rows changed.
    pub fn affects(mut self, count: u64) -> Self {
        self.outcomes.push(Outcome::Affects(count));
        self
    }

    /// `query` answers these rows.
    pub fn returns(mut self, rows: impl IntoIterator<Item = Row>) -> Self {
        self.outcomes
            .push(Outcome::Rows(rows.into_iter().collect()));
        self
    }

    /// The call fails with `error`.
    pub fn fails(mut self, error: DbError) -> Self {
        self.outcomes.push(Outcome::Fails(error));
        self
    }

    /// The route must be called exactly once.
    pub fn once(self) -> DbStub {
        self.finish(Times::exactly(1))
    }

    /// The route must be called exactly `count` times.
    pub fn times(self, count: usize) -> DbStub {
        self.finish(Times::exactly(count))
    }

    /// The route must be called `count` times or more.
    pub fn at_least(self, count: usize) -> DbStub {
        self.finish(Times::at_least(count))
    }

    /// The route may be called any number of times, none included.
    pub fn any_times(self) -> DbStub {
        self.finish(Times::any())
    }

    fn finish(self, times: Times) -> DbStub {
        self.stub.lock().routes.push(RouteState {
            matcher: self.matcher,
            outcomes: self.outcomes,
            times,
            calls: 0,
            location: self.location,
        });
        self.stub
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sql;
    use crate::test_support::panic_message;

    fn links_stub() -> DbStub {
        DbStub::new()
            .on(sql("INSERT INTO links (url, title) VALUES (?1, ?2)").params(["https://a", "A"]))
            .affects(1)
            .once()
            .on(sql("SELECT id, url FROM links WHERE url = ?1"))
            .returns([Row::new().with("id", 7).with("url", "https://a")])
            .any_times()
    }

    #[test]
    fn statements_match_after_normalisation() {
        let db = links_stub();
        let changed = db
            .execute(
                "insert into links (url,title)\n values (?1, ?2);",
                &["https://a".into(), "A".into()],
            )
            .expect("scripted");
        let rows = db
            .query(
                "select id, url from links where url = ?1",
                &["https://a".into()],
            )
            .expect("scripted");
        assert_eq!((changed, rows[0].get::<i64>("id")), (1, Ok(7)));
        db.verify();
    }

    #[test]
    fn successive_outcomes_then_the_last_repeats() {
        let db = DbStub::new()
            .on(sql("DELETE FROM links"))
            .fails(DbError::Sqlite("database is locked".to_owned()))
            .affects(3)
            .times(3);
        let results: Vec<Result<u64, DbError>> = (0..3)
            .map(|_| db.execute("DELETE FROM links", &[]))
            .collect();
        assert_eq!(
            results,
            [
                Err(DbError::Sqlite("database is locked".to_owned())),
                Ok(3),
                Ok(3)
            ]
        );
    }

    #[test]
    fn transactions_are_journaled_around_their_statements() {
        let db = DbStub::new()
            .on(sql("UPDATE links SET title = ?1"))
            .affects(2)
            .any_times();
        db.transaction(&mut |tx| {
            tx.execute("UPDATE links SET title = ?1", &["x".into()])
                .map(drop)
        })
        .expect("commits");
        let failed = db.transaction(&mut |_| Err(DbError::Other("no".to_owned())));
        assert!(failed.is_err());
        let kinds: Vec<StatementKind> = db
            .statements()
            .iter()
            .map(|statement| statement.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                StatementKind::Begin,
                StatementKind::Execute,
                StatementKind::Commit,
                StatementKind::Begin,
                StatementKind::Rollback,
            ]
        );
    }

    #[test]
    fn an_unmatched_statement_panics_with_a_diff_of_the_normalised_sql() {
        let db = links_stub();
        let message = panic_message(|| {
            let _ = db.execute(
                "INSERT INTO links (url, title, created) VALUES (?1, ?2, ?3)",
                &["https://a".into(), "A".into(), 1_700_000_000.into()],
            );
        });
        insta::assert_snapshot!(message);
        let dropped = panic_message(move || drop(db));
        insta::assert_snapshot!(dropped);
    }

    #[test]
    fn different_params_are_reported_without_a_sql_diff() {
        let db = links_stub();
        let message = panic_message(|| {
            let _ = db.execute(
                "INSERT INTO links (url, title) VALUES (?1, ?2)",
                &["https://b".into(), "A".into()],
            );
        });
        assert!(
            message.contains("✓ sql     INSERT INTO LINKS (URL, TITLE) VALUES (?1, ?2)"),
            "{message}"
        );
        assert!(
            message.contains("✗ params  ['https://a', 'A']; got ['https://b', 'A']"),
            "{message}"
        );
        let dropped = panic_message(move || drop(db));
        assert!(dropped.contains("1 call matched no route"), "{dropped}");
    }

    #[test]
    #[should_panic(expected = "route 1: DELETE FROM LINKS, at least 1 time, called 0 times")]
    fn dropping_the_last_clone_verifies() {
        let _db = DbStub::new().on(sql("DELETE FROM links")).at_least(1);
    }

    #[test]
    fn the_async_twin_shares_routes_and_journal() {
        use crate::db::{AsyncDatabase, AsyncTransactionWork};
        use crate::test_support::block_on;

        let db = links_stub();
        let async_db: &dyn AsyncDatabase = &db;
        // PostgreSQL's `$1` matches the route written with SQLite's `?1`.
        let rows = block_on(async_db.query(
            "SELECT id, url FROM links WHERE url = $1",
            &["https://a".into()],
        ))
        .expect("scripted");
        assert_eq!(rows[0].get::<i64>("id"), Ok(7));
        let work = AsyncTransactionWork::new(|tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO links (url, title) VALUES (?, ?)",
                    &["https://a".into(), "A".into()],
                )
                .await
                .map(drop)
            })
        });
        assert_eq!(block_on(async_db.transaction(work)), Ok(()));
        let kinds: Vec<StatementKind> = db
            .statements()
            .iter()
            .map(|statement| statement.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                StatementKind::Query,
                StatementKind::Begin,
                StatementKind::Execute,
                StatementKind::Commit
            ]
        );
        let executed: Vec<StatementKind> = db
            .executed()
            .iter()
            .map(|statement| statement.kind)
            .collect();
        assert_eq!(executed, [StatementKind::Query, StatementKind::Execute]);
        db.verify();
    }

    #[test]
    fn a_mismatch_panic_points_at_the_call_not_into_stubaudit() {
        use crate::db::AsyncDatabase;
        use crate::test_support::panic_location;

        let db = DbStub::new();
        let sync_line = line!() + 2;
        let sync = panic_location(|| {
            let _ = Database::query(&db, "SELECT 1", &[]);
        });
        assert_eq!(sync, Some(format!("{}:{sync_line}", file!())));
        let async_line = line!() + 2;
        let asynchronous = panic_location(|| {
            drop(AsyncDatabase::execute(&db, "DELETE FROM links", &[]));
        });
        assert_eq!(asynchronous, Some(format!("{}:{async_line}", file!())));
        let _ = panic_message(move || drop(db));
    }

    #[test]
    fn db_stub_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<DbStub>();
    }
}
