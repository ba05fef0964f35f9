//! The connection to a network's PostgreSQL honours `sslmode` in the URL,
//! and the status bar can tell whether the connection is encrypted (read
//! from the server's own `pg_stat_ssl`). The local test server runs with
//! TLS on (Debian's self-signed "snakeoil" certificate; scripts/start-postgres.sh
//! makes sure of it), which is exactly what `verify-full` must refuse.

use portee_store::{Database, StoreError};
use portee_tests::db::{Kind, TestDb};

fn with_sslmode(url: &str, mode: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sslmode={mode}")
}

#[tokio::test]
async fn sslmode_require_encrypts_and_disable_does_not() -> anyhow::Result<()> {
    let t = TestDb::new(Kind::Postgres).await?;
    let db = Database::connect(&with_sslmode(&t.url, "require")).await?;
    assert_eq!(db.connection_encrypted().await?, Some(true));
    db.close().await;

    let db = Database::connect(&with_sslmode(&t.url, "disable")).await?;
    assert_eq!(db.connection_encrypted().await?, Some(false));
    db.close().await;
    Ok(())
}

#[tokio::test]
async fn verify_full_refuses_a_certificate_this_workstation_does_not_trust() -> anyhow::Result<()> {
    let t = TestDb::new(Kind::Postgres).await?;
    let err = Database::connect(&with_sslmode(&t.url, "verify-full"))
        .await
        .expect_err("a self-signed certificate must not pass verify-full");
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("chiffrée (TLS)"), "{message}");
    assert!(!message.contains("postgres:postgres"), "{message}");
    Ok(())
}

#[tokio::test]
async fn an_embedded_database_has_no_connection_to_encrypt() -> anyhow::Result<()> {
    let t = TestDb::new(Kind::Sqlite).await?;
    let db = Database::connect(&t.url).await?;
    assert_eq!(db.connection_encrypted().await?, None);
    Ok(())
}
