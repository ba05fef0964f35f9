//! A busy SQLite database (another connection holding the write lock past
//! busy_timeout) is reported as busy, after bounded retries, never as a
//! record « modifié entre-temps par quelqu'un d'autre ».

use std::{str::FromStr, time::Duration};

use portee_store::{Database, NewStaff, SQLITE_WRITE_ATTEMPTS, StoreError};
use portee_tests::db::TestDb;
use sqlx::{
    ConnectOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions},
};

const BUSY_TIMEOUT: Duration = Duration::from_millis(100);

fn admin(login: &str) -> NewStaff {
    NewStaff {
        login: login.into(),
        display_name: "Zoé Hervé".into(),
        role: "admin".into(),
        password_hash: "pas-un-vrai-hachage".into(),
        scram_verifier: None,
        must_change_password: false,
        sites: vec![],
    }
}

#[tokio::test]
async fn a_sqlite_write_lock_held_past_busy_timeout_is_busy_not_a_conflict() {
    let t = TestDb::sqlite().unwrap();
    let db = Database::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    db.close().await;
    // The app's store on a pool with a short busy_timeout, and another
    // workstation's connection to the same file.
    let options = SqliteConnectOptions::from_str(&t.url)
        .unwrap()
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options.clone())
        .await
        .unwrap();
    let db = Database::Sqlite(pool);
    let mut other = options.connect().await.unwrap();

    // Held for longer than every attempt together: Busy, with its sentence.
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let refused = db.create_first_admin(&admin("premier"), "poste").await;
    let waited = started.elapsed();
    let e = refused.expect_err("busy");
    assert!(matches!(e, StoreError::Busy), "{e:?}");
    assert_eq!(
        e.to_string(),
        "La base de données est occupée par un autre poste ; réessayez dans un instant."
    );
    // Every attempt waited its busy_timeout.
    assert!(waited >= BUSY_TIMEOUT * SQLITE_WRITE_ATTEMPTS, "{waited:?}");
    sqlx::query("COMMIT").execute(&mut other).await.unwrap();
    assert_eq!(db.staff_count().await.unwrap(), 0, "nothing written");

    // Held for longer than one busy_timeout, released before the retries
    // run out: the write goes through.
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let write = {
        let db = db.clone();
        tokio::spawn(async move { db.create_first_admin(&admin("premier"), "poste").await })
    };
    // How long the other workstation keeps its lock is what is tested.
    tokio::time::sleep(BUSY_TIMEOUT * 3 / 2).await;
    sqlx::query("COMMIT").execute(&mut other).await.unwrap();
    let created = write.await.unwrap().expect("written after a retry");
    assert_eq!(created.login, "premier");
    assert_eq!(db.staff_count().await.unwrap(), 1);
    db.close().await;
}
