//! Fresh databases for tests: a uniquely named PostgreSQL database on the
//! real server (dropped afterwards), or a SQLite file in a temporary folder.

use std::path::PathBuf;

use sqlx::{Connection, PgConnection};

/// The server tests create their databases on. Trust auth on this machine;
/// `scripts/test.sh` sets the password `postgres` where a fresh install asks
/// for one.
pub fn pg_admin_url() -> String {
    std::env::var("PORTEE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test.
pub struct TestDb {
    /// The URL to set the database up with (a superuser on PostgreSQL).
    pub url: String,
    pub kind: Kind,
    /// PostgreSQL: the staff member (identifiant, password) the test acts
    /// as once set up (see [`TestDb::acting`]); `None`: the superuser.
    pub member: Option<(String, String)>,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
    pub sqlite_path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    Sqlite,
}

impl TestDb {
    pub async fn new(kind: Kind) -> anyhow::Result<TestDb> {
        match kind {
            Kind::Postgres => Self::postgres().await,
            Kind::Sqlite => Self::sqlite(),
        }
    }

    /// A new, empty PostgreSQL database on the real server.
    pub async fn postgres() -> anyhow::Result<TestDb> {
        let admin = pg_admin_url();
        let name = format!("portee_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(&admin).await.map_err(|e| {
            anyhow::anyhow!(
                "PostgreSQL de test injoignable ({admin}): {e}. scripts/test.sh le démarre."
            )
        })?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Ok(TestDb {
            url: format!("{base}/{name}"),
            kind: Kind::Postgres,
            member: None,
            pg_name: Some(name),
            _dir: None,
            sqlite_path: None,
        })
    }

    /// A SQLite file (not created yet) in a new temporary folder.
    pub fn sqlite() -> anyhow::Result<TestDb> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("portee.sqlite3");
        Ok(TestDb {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            kind: Kind::Sqlite,
            member: None,
            pg_name: None,
            _dir: Some(dir),
            sqlite_path: Some(path),
        })
    }
}

impl TestDb {
    /// The same database, for the test to act on once `setup` (connected
    /// with [`TestDb::url`]) has prepared it: on PostgreSQL with a
    /// `member`, a pool connected as that staff member's own role (so the
    /// server's privileges, row-level security and audit triggers apply,
    /// issue 9); otherwise `setup` itself.
    pub async fn acting(
        &self,
        setup: &portee_store::Database,
    ) -> anyhow::Result<portee_store::Database> {
        match (&self.member, self.kind) {
            (Some((login, password)), Kind::Postgres) => Ok(
                portee_store::Database::connect_member(&self.url, login, password, "poste-test")
                    .await?,
            ),
            _ => Ok(setup.clone()),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        let admin = pg_admin_url();
        // Drop may run inside a runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&admin).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await?;
                Ok::<_, anyhow::Error>(())
            })
        })
        .join();
    }
}
