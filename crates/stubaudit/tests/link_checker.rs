//! The library as a test suite uses it: production code generic over both
//! boundaries, tested with `HttpStub` and a real `SqliteDatabase`.
#![cfg(feature = "sqlite")]

use stubaudit::db::{Database, DbError, SqliteDatabase, Value};
use stubaudit::http::{head, status, HttpClient, HttpStub, Request};

/// Production code: checks each stored link and records its status.
struct LinkChecker<H, D> {
    http: H,
    db: D,
}

impl<H: HttpClient, D: Database> LinkChecker<H, D> {
    fn check_all(&self) -> Result<usize, DbError> {
        let rows = self
            .db
            .query("SELECT id, url FROM links ORDER BY id", &[])?;
        let mut broken = 0;
        for row in rows {
            let url: String = row.get("url")?;
            let request = Request::builder()
                .method("HEAD")
                .uri(url.as_str())
                .body(Vec::new())
                .map_err(|error| DbError::Other(error.to_string()))?;
            let code = match self.http.send(request) {
                Ok(response) => i64::from(response.status().as_u16()),
                Err(_) => 0,
            };
            if !(200..400).contains(&code) {
                broken += 1;
            }
            self.db.execute(
                "UPDATE links SET status = ?1 WHERE id = ?2",
                &[code.into(), Value::Integer(row.get("id")?)],
            )?;
        }
        Ok(broken)
    }
}

#[test]
fn broken_links_are_counted_and_every_status_is_stored() -> Result<(), DbError> {
    let db = SqliteDatabase::open_in_memory()?;
    db.execute_batch(
        "CREATE TABLE links (id INTEGER PRIMARY KEY, url TEXT NOT NULL, status INTEGER);
         INSERT INTO links (url) VALUES ('https://ok.example/'), ('https://gone.example/a');",
    )?;
    let http = HttpStub::new()
        .on(head("/"))
        .respond(status(200))
        .once()
        .on(head("/a"))
        .respond(status(404))
        .once();
    let checker = LinkChecker {
        http: http.clone(),
        db: &db,
    };
    assert_eq!(checker.check_all()?, 1);
    let statuses: Vec<Option<i64>> = db
        .query("SELECT status FROM links ORDER BY id", &[])?
        .iter()
        .map(|row| row.get("status"))
        .collect::<Result<_, _>>()?;
    assert_eq!(statuses, [Some(200), Some(404)]);
    http.verify();
    Ok(())
}
