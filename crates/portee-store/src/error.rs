//! Store errors: what callers may act on, with French messages.

/// An error from the data layer. Driver messages stay in the log (`source`),
/// never in the French message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "L'adresse de la base de données est invalide ({reason}). \
         Elle doit commencer par sqlite: ou postgres://."
    )]
    InvalidUrl { reason: String },
    #[error("La base de données est injoignable : {reason}")]
    Unavailable {
        reason: String,
        #[source]
        source: Option<sqlx::Error>,
    },
    #[error("La mise à jour du schéma de la base a échoué : {reason}")]
    Migration { reason: String },
    #[error("L'élément demandé n'existe pas (ou plus).")]
    NotFound,
    #[error("Cet élément a été modifié entre-temps par quelqu'un d'autre.")]
    Conflict,
    /// SQLite: another connection held the write lock past busy_timeout
    /// (after `begin_write`'s retries). Nothing was written; trying again
    /// later may work.
    #[error("La base de données est occupée par un autre poste ; réessayez dans un instant.")]
    Busy,
    #[error("Cet élément existe déjà.")]
    Duplicate,
    /// An idempotent creation sent again under the same client id but with
    /// other contents: nothing was written, and the stored element differs
    /// from what was sent.
    #[error(
        "Cet envoi a déjà été enregistré avec un contenu différent : \
         rechargez la fiche pour voir ce qui est enregistré avant de le modifier."
    )]
    ResubmittedDifferently,
    /// PostgreSQL refused the identifier and password of a staff member's
    /// own login role (or the role may not log in: disabled, locked).
    #[error("Identifiant ou mot de passe refusé par la base de données.")]
    PasswordRefused,
    /// PostgreSQL's rights (privileges, row-level security) refused the
    /// operation to the connected member.
    #[error("Vos droits ne permettent pas cette opération.")]
    Forbidden,
    /// A shared database older than this build: the app never migrates it.
    #[error(
        "La base de données est au schéma {found}, cette version de Portée attend le schéma \
         {expected} : un administrateur doit d'abord lancer « portee-admin migrate »."
    )]
    SchemaOutdated { found: i64, expected: i64 },
    /// A slot chosen for next year has no seat left (another workstation
    /// took the last one): nothing was written.
    #[error("Ce créneau est désormais complet : choisissez-en un autre.")]
    SlotFull { slot_id: i64 },
    /// A value refused by a domain rule checked inside the transaction.
    #[error("{message}")]
    Invalid { message: String },
    #[error("Erreur de la base de données.")]
    Internal(#[source] sqlx::Error),
}

impl StoreError {
    /// Maps a driver error to what the caller may act on.
    pub(crate) fn from_sqlx(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match err {
            E::RowNotFound => StoreError::NotFound,
            E::PoolTimedOut => StoreError::Unavailable {
                reason: "aucune connexion n'a pu être obtenue à temps".into(),
                source: Some(err),
            },
            E::Io(ref io) => StoreError::Unavailable {
                reason: io_reason(io),
                source: Some(err),
            },
            E::Tls(_) => StoreError::Unavailable {
                reason:
                    "la connexion chiffrée (TLS) n'a pas pu être établie : le serveur n'accepte \
                         pas le chiffrement, ou son certificat n'est pas reconnu par ce poste \
                         (voir sslmode et sslrootcert dans l'adresse)"
                        .into(),
                source: Some(err),
            },
            E::PoolClosed | E::WorkerCrashed => StoreError::Unavailable {
                reason: "la connexion a été interrompue".into(),
                source: Some(err),
            },
            E::Database(ref db) => {
                if db.is_unique_violation() {
                    return StoreError::Duplicate;
                }
                match db.code().as_deref() {
                    // PostgreSQL: authentication, unknown database, shutdown.
                    Some("28P01" | "28000") => StoreError::Unavailable {
                        reason: "l'identifiant ou le mot de passe de la base est refusé".into(),
                        source: Some(err),
                    },
                    Some("53300") => StoreError::Unavailable {
                        reason: "le serveur a atteint son nombre maximal de connexions".into(),
                        source: Some(err),
                    },
                    Some("3D000") => StoreError::Unavailable {
                        reason: "cette base n'existe pas sur le serveur".into(),
                        source: Some(err),
                    },
                    Some("57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006") => {
                        StoreError::Unavailable {
                            reason: "le serveur a fermé la connexion".into(),
                            source: Some(err),
                        }
                    }
                    // PostgreSQL: the member's rights refuse it.
                    Some("42501") => StoreError::Forbidden,
                    // PostgreSQL serialization failure / deadlock.
                    Some("40001" | "40P01") => StoreError::Conflict,
                    // SQLite busy or locked (see `is_sqlite_busy`).
                    Some(code) if is_sqlite_busy_code(code) => StoreError::Busy,
                    // SQLite: unable to open the database file.
                    Some("14") => StoreError::Unavailable {
                        reason: "le fichier de la base ne peut pas être ouvert".into(),
                        source: Some(err),
                    },
                    _ => StoreError::Internal(err),
                }
            }
            other => StoreError::Internal(other),
        }
    }

    /// A versioned (or conditional) write must have changed exactly one
    /// row; any other count means the record moved on or vanished since it
    /// was read: `Conflict`, and the caller's transaction, dropped, writes
    /// nothing.
    pub(crate) fn expect_one_row(affected: u64) -> Result<(), StoreError> {
        if affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }

    /// True when PostgreSQL refused the connection's login itself: a
    /// member's role disabled (NOLOGIN), locked or given another password
    /// since their pool opened.
    pub fn is_login_refused(&self) -> bool {
        match self {
            StoreError::PasswordRefused => true,
            StoreError::Unavailable {
                source: Some(sqlx::Error::Database(e)),
                ..
            } => matches!(e.code().as_deref(), Some("28P01" | "28000")),
            _ => false,
        }
    }

    /// True when the database could not be reached (the UI then offers to retry).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

/// SQLite's SQLITE_BUSY (5) and SQLITE_LOCKED (6) and their extended codes
/// (BUSY_RECOVERY 261, LOCKED_SHAREDCACHE 262, BUSY_SNAPSHOT 517,
/// BUSY_TIMEOUT 773). PostgreSQL codes have five characters: no overlap.
fn is_sqlite_busy_code(code: &str) -> bool {
    matches!(code, "5" | "6" | "261" | "262" | "517" | "773")
}

/// True when `err` is SQLite saying another connection holds the lock.
pub(crate) fn is_sqlite_busy(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.code().as_deref().is_some_and(is_sqlite_busy_code),
        _ => false,
    }
}

fn io_reason(io: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match io.kind() {
        K::ConnectionRefused => "le serveur refuse la connexion (est-il démarré ?)".into(),
        K::TimedOut => "le serveur ne répond pas".into(),
        K::NotFound => "serveur ou fichier introuvable".into(),
        K::PermissionDenied => "accès refusé".into(),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
            "la connexion a été interrompue".into()
        }
        _ => "erreur de réseau ou de fichier".into(),
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::from_sqlx(err)
    }
}
