//! [`PostgresDatabase`] against a real server: a throwaway cluster that
//! the tests start themselves ([`cluster`](super::cluster)), one database per
//! test. Every test here has `postgres` in its path, so
//! `cargo test -p stubaudit --all-features postgres` selects them.

use std::sync::{Arc, Mutex};

use super::cluster::cluster;
use super::PostgresDatabase;
use crate::db::{AsyncDatabase, AsyncTransactionWork, DbError, Value};

/// Runs `test` against a fresh database, or skips (loudly) without
/// PostgreSQL.
fn with_database<F>(test: impl FnOnce(Arc<PostgresDatabase>) -> F)
where
    F: std::future::Future<Output = ()>,
{
    let Some(cluster) = cluster() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let db = Arc::new(cluster.database().await);
        db.execute_batch(
            "CREATE TABLE links (id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL, clicks INT4, \
             ok BOOLEAN, score FLOAT8, data BYTEA, meta JSONB)",
        )
        .await
        .expect("schema");
        test(db).await;
    });
}

async fn urls(db: &PostgresDatabase) -> Vec<String> {
    let rows = db
        .query("SELECT url FROM links ORDER BY id", &[])
        .await
        .expect("select");
    rows.iter()
        .map(|row| row.get("url").expect("text"))
        .collect()
}

fn insert(url: &'static str) -> AsyncTransactionWork {
    AsyncTransactionWork::new(move |tx| {
        Box::pin(async move {
            tx.execute("INSERT INTO links (url) VALUES ($1)", &[url.into()])
                .await
                .map(drop)
        })
    })
}

#[test]
fn postgres_values_round_trip_in_the_types_the_server_infers() {
    with_database(|db| async move {
        let changed = db
            .execute(
                "INSERT INTO links (url, clicks, ok, score, data, meta) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    "https://a".into(),
                    7.into(),
                    true.into(),
                    0.5.into(),
                    vec![0u8, 255].into(),
                    r#"{"tag": "x"}"#.into(),
                ],
            )
            .await;
        assert_eq!(changed, Ok(1));
        db.execute("INSERT INTO links (url) VALUES ($1)", &["https://b".into()])
            .await
            .expect("insert with NULLs");
        let rows = db
            .query(
                "SELECT id, url, clicks, ok, score, data, meta FROM links ORDER BY id",
                &[],
            )
            .await
            .expect("select");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].columns(),
            ["id", "url", "clicks", "ok", "score", "data", "meta"]
        );
        assert_eq!(rows[0].get::<i64>("id"), Ok(1));
        assert_eq!(rows[0].get::<String>("url").as_deref(), Ok("https://a"));
        assert_eq!(rows[0].get::<i64>("clicks"), Ok(7));
        assert_eq!(rows[0].get::<bool>("ok"), Ok(true));
        assert_eq!(rows[0].get::<f64>("score"), Ok(0.5));
        assert_eq!(rows[0].get::<Vec<u8>>("data"), Ok(vec![0, 255]));
        assert_eq!(
            rows[0].get::<String>("meta").as_deref(),
            Ok(r#"{"tag": "x"}"#)
        );
        assert_eq!(rows[1].get::<Option<i64>>("clicks"), Ok(None));
        assert_eq!(rows[1].get::<Value>("meta"), Ok(Value::Null));
    });
}

#[test]
fn postgres_errors_carry_the_sqlstate() {
    with_database(|db| async move {
        let missing = db.query("SELECT * FROM nowhere", &[]).await;
        assert_eq!(
            missing,
            Err(DbError::Postgres(
                "42P01: relation \"nowhere\" does not exist".to_owned()
            ))
        );
        let unsendable = db
            .query(
                "SELECT $1::uuid AS id",
                &["67e55044-10b1-426f-9247-bb680e5fe0c8".into()],
            )
            .await;
        assert!(
            matches!(&unsendable, Err(DbError::Postgres(reason)) if reason.contains("`$1::text::uuid`")),
            "{unsendable:?}"
        );
        let cast = db
            .query(
                "SELECT $1::text::uuid AS id",
                &["67e55044-10b1-426f-9247-bb680e5fe0c8".into()],
            )
            .await
            .expect("a uuid from text");
        assert_eq!(
            cast[0].get::<String>("id").as_deref(),
            Ok("67e55044-10b1-426f-9247-bb680e5fe0c8")
        );
    });
}

#[test]
fn postgres_transactions_commit_roll_back_and_nest_as_savepoints() {
    with_database(|db| async move {
        assert_eq!(db.transaction(insert("committed")).await, Ok(()));
        let failed = db
            .transaction(AsyncTransactionWork::new(|tx| {
                Box::pin(async move {
                    tx.execute("INSERT INTO links (url) VALUES ('rolled back')", &[])
                        .await?;
                    tx.execute("INSERT INTO links (url) VALUES (NULL)", &[])
                        .await?;
                    Ok(())
                })
            }))
            .await;
        assert!(
            matches!(&failed, Err(DbError::Postgres(reason)) if reason.starts_with("23502:")),
            "{failed:?}"
        );
        let nested = db
            .transaction(AsyncTransactionWork::new(|tx| {
                Box::pin(async move {
                    tx.execute("INSERT INTO links (url) VALUES ('outer')", &[])
                        .await?;
                    let inner = tx
                        .transaction(AsyncTransactionWork::new(|inner| {
                            Box::pin(async move {
                                inner
                                    .execute("INSERT INTO links (url) VALUES ('inner')", &[])
                                    .await?;
                                Err(DbError::Other("inner fails".to_owned()))
                            })
                        }))
                        .await;
                    assert!(inner.is_err());
                    Ok(())
                })
            }))
            .await;
        assert_eq!(nested, Ok(()));
        assert_eq!(urls(&db).await, ["committed", "outer"]);
    });
}

#[test]
fn postgres_a_transaction_whose_work_swallowed_a_failed_statement_is_not_committed() {
    with_database(|db| async move {
        let swallowed = db
            .transaction(AsyncTransactionWork::new(|tx| {
                Box::pin(async move {
                    tx.execute("INSERT INTO links (url) VALUES ('kept?')", &[])
                        .await?;
                    let failed = tx
                        .execute("INSERT INTO links (url) VALUES (NULL)", &[])
                        .await;
                    assert!(failed.is_err());
                    Ok(())
                })
            }))
            .await;
        assert!(
            matches!(&swallowed, Err(DbError::Postgres(reason)) if reason.starts_with("25P02:")),
            "{swallowed:?}"
        );
        assert_eq!(urls(&db).await, Vec::<String>::new());
        assert_eq!(db.transaction(insert("next")).await, Ok(()));
        assert_eq!(urls(&db).await, ["next"]);
    });
}

#[test]
fn postgres_a_dropped_transaction_is_rolled_back_before_the_next_statement() {
    with_database(|db| async move {
        let work = AsyncTransactionWork::new(|tx| {
            Box::pin(async move {
                tx.execute("INSERT INTO links (url) VALUES ('abandoned')", &[])
                    .await?;
                std::future::pending::<()>().await;
                Ok(())
            })
        });
        let abandoned =
            tokio::time::timeout(std::time::Duration::from_millis(200), db.transaction(work)).await;
        assert!(abandoned.is_err(), "the transaction never finishes");
        assert_eq!(urls(&db).await, Vec::<String>::new());
        assert_eq!(db.transaction(insert("next")).await, Ok(()));
        assert_eq!(urls(&db).await, ["next"]);
    });
}

#[test]
fn postgres_the_outer_database_inside_a_transaction_fails_instead_of_hanging() {
    with_database(|db| async move {
        let outer = db.clone();
        let inside = Arc::new(Mutex::new(None));
        let seen = inside.clone();
        let result = db
            .transaction(AsyncTransactionWork::new(move |_tx| {
                Box::pin(async move {
                    let error = outer.execute("DELETE FROM links", &[]).await.err();
                    *seen.lock().expect("not poisoned") = error;
                    Ok(())
                })
            }))
            .await;
        assert_eq!(result, Ok(()));
        let error = inside.lock().expect("not poisoned").clone();
        assert!(
            matches!(&error, Some(DbError::Other(reason)) if reason.contains("inside `transaction`")),
            "{error:?}"
        );
    });
}

#[test]
fn postgres_other_tasks_wait_for_a_transaction_to_end() {
    with_database(|db| async move {
        let (began, mut began_rx) = tokio::sync::mpsc::channel::<()>(1);
        let (finish, finish_rx) = tokio::sync::oneshot::channel::<()>();
        let finish_rx = Arc::new(Mutex::new(Some(finish_rx)));
        let transaction = tokio::spawn({
            let db = db.clone();
            async move {
                db.transaction(AsyncTransactionWork::new(move |tx| {
                    Box::pin(async move {
                        tx.execute("INSERT INTO links (url) VALUES ('first')", &[])
                            .await?;
                        let _ = began.send(()).await;
                        let finish = finish_rx.lock().expect("not poisoned").take();
                        if let Some(finish) = finish {
                            let _ = finish.await;
                        }
                        Ok(())
                    })
                }))
                .await
            }
        });
        began_rx.recv().await.expect("the transaction began");
        let other = tokio::spawn({
            let db = db.clone();
            async move {
                db.execute("INSERT INTO links (url) VALUES ('second')", &[])
                    .await
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!other.is_finished(), "the other task waits for its turn");
        let _ = finish.send(());
        assert_eq!(transaction.await.expect("no panic"), Ok(()));
        assert_eq!(other.await.expect("no panic"), Ok(1));
        assert_eq!(urls(&db).await, ["first", "second"]);
    });
}
