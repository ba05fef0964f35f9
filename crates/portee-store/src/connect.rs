//! Opening a database from its URL.

use std::{str::FromStr, time::Duration};

use sqlx::{
    Connection, PgConnection, PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::StoreError;

/// PostgreSQL's role for the sign-in screen (migration 0007).
pub const GUEST_ROLE: &str = "portee_connexion";

/// How long a connection attempt may take before the user is told.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a SQLite writer waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An open database: the shared PostgreSQL or the embedded SQLite.
#[derive(Debug, Clone)]
pub enum Database {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Postgres,
    Sqlite,
}

/// Where a database is, for people: never contains a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub kind: DatabaseKind,
    /// SQLite: the file path. PostgreSQL: `host:port`.
    pub place: String,
    /// PostgreSQL: the database name.
    pub database: Option<String>,
}

enum Options {
    Postgres(PgConnectOptions),
    Sqlite(SqliteConnectOptions),
}

fn parse_url(url: &str) -> Result<Options, StoreError> {
    let invalid = |reason: &str| StoreError::InvalidUrl {
        reason: reason.to_owned(),
    };
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        PgConnectOptions::from_str(url)
            .map(Options::Postgres)
            .map_err(|_| invalid("adresse PostgreSQL mal formée"))
    } else if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url)
            .map(Options::Sqlite)
            .map_err(|_| invalid("adresse SQLite mal formée"))
    } else if url.is_empty() {
        Err(invalid("adresse vide"))
    } else {
        Err(invalid("type de base non pris en charge"))
    }
}

/// Describes a URL without connecting (and without its password).
pub fn describe_url(url: &str) -> Result<Location, StoreError> {
    Ok(match parse_url(url)? {
        Options::Postgres(o) => pg_location(&o),
        Options::Sqlite(o) => sqlite_location(&o),
    })
}

fn pg_location(o: &PgConnectOptions) -> Location {
    Location {
        kind: DatabaseKind::Postgres,
        place: format!("{}:{}", o.get_host(), o.get_port()),
        database: o.get_database().map(str::to_owned),
    }
}

fn sqlite_location(o: &SqliteConnectOptions) -> Location {
    Location {
        kind: DatabaseKind::Sqlite,
        place: o.get_filename().display().to_string(),
        database: None,
    }
}

/// On Unix, the SQLite file is created readable by the user only (0600)
/// before SQLite opens it, and an existing one (with its `-wal` and `-shm`)
/// is set to 0600: SQLite gives the `-wal` and `-shm` files it creates the
/// main file's permissions, so none of them is world-readable.
fn private_sqlite_files(path: &std::path::Path) -> std::io::Result<()> {
    if path.as_os_str().is_empty()
        || path.as_os_str() == ":memory:"
        || path.to_string_lossy().starts_with("file:")
    {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = std::path::PathBuf::from(name);
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}

impl Database {
    /// Connects (SQLite: creates the file and its folder if missing).
    /// Does not migrate: call [`Database::migrate`].
    #[tracing::instrument(skip_all, err)]
    pub async fn connect(url: &str) -> Result<Database, StoreError> {
        Self::connect_sized(url, 16).await
    }

    /// [`Database::connect`] with at most `max_connections` connections in
    /// the pool (tests and benchmarks simulating many workstations).
    pub async fn connect_sized(url: &str, max_connections: u32) -> Result<Database, StoreError> {
        let max_connections = max_connections.max(1);
        match parse_url(url)? {
            // One direct attempt first (in `connect_pg`): the pool would
            // retry until its timeout and report only "timed out", while the
            // user needs the precise reason (refused, unknown database,
            // password).
            Options::Postgres(options) => Self::connect_pg(options, max_connections).await,
            Options::Sqlite(options) => {
                let path = options.get_filename().to_path_buf();
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| StoreError::Unavailable {
                        reason: format!(
                            "le dossier {} ne peut pas être créé ({e})",
                            parent.display()
                        ),
                        source: None,
                    })?;
                }
                // An in-memory database has no file to protect (nor to create).
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                if !in_memory {
                    private_sqlite_files(&path).map_err(|e| StoreError::Unavailable {
                        reason: format!(
                            "le fichier {} ne peut pas être créé ({e})",
                            path.display()
                        ),
                        source: None,
                    })?;
                }
                let options = options
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .max_connections(max_connections.min(8))
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(Database::Sqlite(pool))
            }
        }
    }

    /// [`Database::connect`], on PostgreSQL as `user` (else the URL's)
    /// with `password` (else the URL's): `portee-admin` as a superuser, the
    /// password given for this run only.
    pub async fn connect_as_user(
        url: &str,
        user: Option<&str>,
        password: Option<&str>,
    ) -> Result<Database, StoreError> {
        match parse_url(url)? {
            Options::Postgres(mut options) => {
                if let Some(user) = user {
                    options = options.username(user);
                }
                if let Some(password) = password {
                    options = options.password(password);
                }
                Self::connect_pg(options, 4).await
            }
            Options::Sqlite(_) => Self::connect(url).await,
        }
    }

    /// On PostgreSQL, whether this connection's role is a superuser (who
    /// alone may run the migrations that create Portée's roles).
    pub async fn is_superuser(&self) -> Result<bool, StoreError> {
        match self {
            Database::Postgres(p) => Ok(sqlx::query_scalar(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
            )
            .fetch_one(p)
            .await?),
            Database::Sqlite(_) => Ok(true),
        }
    }

    /// On PostgreSQL, the connection used before anyone signs in: the
    /// role `portee_connexion` (no password, no data: it may only read the
    /// schema version and the sites, and call the sign-in functions),
    /// whatever user and password the URL holds. On SQLite, [`Database::connect`].
    pub async fn connect_guest(url: &str) -> Result<Database, StoreError> {
        match parse_url(url)? {
            Options::Postgres(options) => {
                let options = options
                    .username(GUEST_ROLE)
                    .password("")
                    .application_name("portee (connexion)");
                Self::connect_pg(options, 2).await
            }
            Options::Sqlite(_) => Self::connect(url).await,
        }
    }

    /// PostgreSQL: a pool connected as the staff member's own login role
    /// `login` with `password` (the server checks it), tagged with the
    /// `workstation` for the audit triggers. A refused password, a disabled
    /// or locked account: [`StoreError::PasswordRefused`]. The URL's own
    /// user and password, if any, are not used.
    pub async fn connect_member(
        url: &str,
        login: &str,
        password: &str,
        workstation: &str,
    ) -> Result<Database, StoreError> {
        let Options::Postgres(options) = parse_url(url)? else {
            return Err(StoreError::InvalidUrl {
                reason: "une connexion nominative n'existe que sur PostgreSQL".into(),
            });
        };
        let workstation: String = workstation
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .take(60)
            .collect();
        let options = options
            .username(login)
            .password(password)
            .application_name("portee")
            .options([("portee.workstation", workstation.as_str())]);
        match Self::connect_pg(options, 4).await {
            Err(StoreError::Unavailable {
                source: Some(sqlx::Error::Database(e)),
                ..
            }) if matches!(e.code().as_deref(), Some("28P01" | "28000")) => {
                Err(StoreError::PasswordRefused)
            }
            other => other,
        }
    }

    async fn connect_pg(
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<Database, StoreError> {
        match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options)).await {
            Err(_) => {
                return Err(StoreError::Unavailable {
                    reason: format!(
                        "le serveur ne répond pas (aucune réponse en {} s)",
                        CONNECT_TIMEOUT.as_secs()
                    ),
                    source: None,
                });
            }
            Ok(Err(e)) => return Err(StoreError::from_sqlx(e)),
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
        }
        Ok(Database::Postgres(
            PgPoolOptions::new()
                .max_connections(max_connections)
                .min_connections(0)
                .acquire_timeout(CONNECT_TIMEOUT)
                .test_before_acquire(true)
                .connect_lazy_with(options),
        ))
    }

    pub fn kind(&self) -> DatabaseKind {
        match self {
            Database::Postgres(_) => DatabaseKind::Postgres,
            Database::Sqlite(_) => DatabaseKind::Sqlite,
        }
    }

    /// Where this database is, for the status bar.
    pub fn location(&self) -> Location {
        match self {
            Database::Postgres(pool) => pg_location(&pool.connect_options()),
            Database::Sqlite(pool) => sqlite_location(&pool.connect_options()),
        }
    }

    /// True once [`Database::close`] was called on any clone of this pool.
    pub fn is_closed(&self) -> bool {
        match self {
            Database::Postgres(pool) => pool.is_closed(),
            Database::Sqlite(pool) => pool.is_closed(),
        }
    }

    pub async fn close(&self) {
        match self {
            Database::Postgres(pool) => pool.close().await,
            Database::Sqlite(pool) => pool.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_urls_without_passwords() {
        let l = describe_url("postgres://portee:secret@db.reseau.local:5433/portee").unwrap();
        assert_eq!(l.kind, DatabaseKind::Postgres);
        assert_eq!(l.place, "db.reseau.local:5433");
        assert_eq!(l.database.as_deref(), Some("portee"));
        let l = describe_url("sqlite:///var/lib/portee/portee.sqlite3?mode=rwc").unwrap();
        assert_eq!(l.kind, DatabaseKind::Sqlite);
        assert_eq!(l.place, "/var/lib/portee/portee.sqlite3");
    }

    #[test]
    fn refuses_other_urls_in_french() {
        for url in ["", "mysql://x/y", "http://example.org"] {
            let err = describe_url(url).unwrap_err().to_string();
            assert!(
                err.starts_with("L'adresse de la base de données est invalide"),
                "{err}"
            );
        }
    }
}
