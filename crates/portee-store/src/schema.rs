//! Migrations (embedded at build time) and the schema version read live.

use sqlx::migrate::Migrator;

use crate::{Database, StoreError};

pub(crate) static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");
pub(crate) static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");

/// The newest migration applied to a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaVersion {
    pub version: i64,
    pub description: String,
}

/// The newest migration this build knows (the same for both databases).
pub fn expected_schema_version() -> i64 {
    let pg = POSTGRES_MIGRATIONS.iter().map(|m| m.version).max();
    let lite = SQLITE_MIGRATIONS.iter().map(|m| m.version).max();
    debug_assert_eq!(
        pg, lite,
        "migrations/postgres and migrations/sqlite must stay in step"
    );
    pg.unwrap_or(0)
}

const SCHEMA_VERSION_SQL: &str = "SELECT version, description FROM _sqlx_migrations \
     WHERE success ORDER BY version DESC LIMIT 1";

impl Database {
    /// Applies the pending migrations. On PostgreSQL sqlx holds an advisory
    /// lock meanwhile, so two workstations starting together are safe.
    #[tracing::instrument(skip(self), err)]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let result = match self {
            Database::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
            Database::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
        };
        result.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(err) => StoreError::from_sqlx(err),
            other => StoreError::Migration {
                reason: other.to_string(),
            },
        })
    }

    /// Refuses a database whose schema is older than this build expects
    /// (`SchemaOutdated`, saying which command to run): the app never
    /// migrates a shared database itself.
    pub async fn check_schema(&self) -> Result<SchemaVersion, StoreError> {
        let found = match self.schema_version().await {
            Ok(found) => found,
            // Never migrated: no migrations table yet.
            Err(StoreError::Internal(sqlx::Error::Database(e)))
                if e.code().as_deref() == Some("42P01") =>
            {
                SchemaVersion {
                    version: 0,
                    description: String::new(),
                }
            }
            Err(e) => return Err(e),
        };
        let expected = expected_schema_version();
        if found.version < expected {
            return Err(StoreError::SchemaOutdated {
                found: found.version,
                expected,
            });
        }
        Ok(found)
    }

    /// Reads the newest applied migration from the database itself.
    pub async fn schema_version(&self) -> Result<SchemaVersion, StoreError> {
        let row: Option<(i64, String)> = match self {
            Database::Postgres(pool) => {
                sqlx::query_as(SCHEMA_VERSION_SQL)
                    .fetch_optional(pool)
                    .await?
            }
            Database::Sqlite(pool) => {
                sqlx::query_as(SCHEMA_VERSION_SQL)
                    .fetch_optional(pool)
                    .await?
            }
        };
        let (version, description) = row.unwrap_or((0, String::new()));
        Ok(SchemaVersion {
            version,
            description,
        })
    }
}

impl Database {
    /// Whether the connection to the server is encrypted (TLS), read from
    /// the server's own view of this connection (`pg_stat_ssl`). `None` for
    /// the embedded SQLite file, which has no connection to protect.
    pub async fn connection_encrypted(&self) -> Result<Option<bool>, StoreError> {
        match self {
            Database::Postgres(pool) => {
                let ssl: Option<bool> =
                    sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                        .fetch_optional(pool)
                        .await?;
                Ok(Some(ssl.unwrap_or(false)))
            }
            Database::Sqlite(_) => Ok(None),
        }
    }
}
