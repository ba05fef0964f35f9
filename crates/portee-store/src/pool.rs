//! Running one body of code against either pool, and write transactions
//! that never fail with SQLITE_BUSY on upgrade.

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Expands `$body` once per backend, with `$pool` bound to `&PgPool` or
/// `&SqlitePool`: portable SQL is written once and type-checked twice.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Database::Postgres($pool) => $body,
            $crate::Database::Sqlite($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// How many times a SQLite write transaction tries to take the write lock,
/// each waiting up to busy_timeout.
pub const SQLITE_WRITE_ATTEMPTS: u32 = 3;

/// Opens a transaction meant to write.
pub(crate) trait WritePool {
    type Db: sqlx::Database;
    /// True on PostgreSQL, where concurrent writers are not serialised by
    /// `begin_write` and a read that a write depends on must lock its rows.
    const POSTGRES: bool;
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>, sqlx::Error>;
}

impl WritePool for PgPool {
    type Db = Postgres;
    const POSTGRES: bool = true;
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.begin().await
    }
}

impl WritePool for SqlitePool {
    type Db = Sqlite;
    const POSTGRES: bool = false;
    /// `BEGIN IMMEDIATE` takes the write lock at once (waiting up to
    /// busy_timeout), where a deferred transaction that later upgrades to
    /// write can fail with SQLITE_BUSY without waiting. Still busy after
    /// busy_timeout (another connection kept writing): tried again, up to
    /// [`SQLITE_WRITE_ATTEMPTS`] times in all (safe: nothing was done yet),
    /// then the caller gets `StoreError::Busy`, never `Conflict`.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        let mut attempt = 1;
        loop {
            match self.begin_with("BEGIN IMMEDIATE").await {
                Err(e) if attempt < SQLITE_WRITE_ATTEMPTS && crate::error::is_sqlite_busy(&e) => {
                    tracing::warn!(attempt, "SQLite database busy: trying again");
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// `" FOR UPDATE"` on PostgreSQL (the rows read stay locked until the
/// transaction ends, so a concurrent writer waits and then sees the new
/// values), nothing on SQLite (where `begin_write` already holds the one
/// write lock and no other writer can run meanwhile).
pub(crate) fn for_update<P: WritePool>(_pool: &P) -> &'static str {
    if P::POSTGRES { " FOR UPDATE" } else { "" }
}

/// True for a PostgreSQL pool.
pub(crate) fn is_postgres<P: WritePool>(_pool: &P) -> bool {
    P::POSTGRES
}
