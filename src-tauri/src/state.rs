//! What the app keeps between commands: its configuration and its database.

use std::time::Instant;

use portee_api::{ApiError, ErrorCode};
use portee_config::Config;
use portee_store::Database;
use tokio::sync::Mutex;

use crate::error::store_error;

/// The app's state, registered once with Tauri.
pub struct AppState {
    config: Result<Config, String>,
    db: Mutex<Slot>,
    started: Instant,
    /// Students of the demo network written at this start, if any.
    demo_seeded_now: std::sync::OnceLock<u32>,
    sessions: crate::session::Sessions,
    viewer: crate::Viewer,
    rendered: crate::render_cache::RenderCache,
}

enum Slot {
    NotTried,
    Ready(Database),
    Failed(ApiError),
}

/// The guest role refused: the database was not prepared for Portée's
/// roles yet, or the server asks a password of `portee_connexion`.
fn guest_refused(e: portee_store::StoreError) -> portee_store::StoreError {
    if e.is_login_refused() {
        portee_store::StoreError::Unavailable {
            reason: format!(
                "le serveur refuse le rôle {} : la base n'a pas encore été préparée \
                 (« portee-admin migrate »), ou le serveur lui demande un mot de passe \
                 (voir « Serveur PostgreSQL d'un réseau » dans le README)",
                portee_store::GUEST_ROLE
            ),
            source: None,
        }
    } else {
        e
    }
}

impl AppState {
    /// The configured database URL (PostgreSQL: host, port, base and TLS;
    /// members connect with their own identifier and password).
    pub fn database_url(&self) -> Result<String, ApiError> {
        Ok(self.config()?.database_url.clone())
    }

    pub fn new(config: Result<Config, portee_config::ConfigError>, started: Instant) -> Self {
        let lock_after = std::time::Duration::from_secs(u64::from(
            config
                .as_ref()
                .map_or(portee_config::DEFAULT_LOCK_AFTER_MINUTES * 60, |c| {
                    c.lock_after_seconds
                })
                .max(1),
        ));
        Self {
            sessions: crate::session::Sessions::new(lock_after),
            config: config.map_err(|e| e.to_string()),
            db: Mutex::new(Slot::NotTried),
            started,
            demo_seeded_now: std::sync::OnceLock::new(),
            viewer: crate::Viewer::System,
            rendered: crate::render_cache::RenderCache::default(),
        }
    }

    /// The same state, opening documents with `viewer` (tests record the
    /// paths instead of starting the workstation's PDF reader).
    pub fn with_viewer(mut self, viewer: crate::Viewer) -> Self {
        self.viewer = viewer;
        self
    }

    /// The documents kept ready for the review screen.
    pub fn rendered(&self) -> &crate::render_cache::RenderCache {
        &self.rendered
    }

    pub fn viewer(&self) -> &crate::Viewer {
        &self.viewer
    }

    pub fn config(&self) -> Result<&Config, ApiError> {
        self.config
            .as_ref()
            .map_err(|message| ApiError::new(ErrorCode::Configuration, message.clone()))
    }

    pub fn started(&self) -> Instant {
        self.started
    }

    pub fn sessions(&self) -> &crate::session::Sessions {
        &self.sessions
    }

    /// Removes the document copies unless a member is signed in with the
    /// session unlocked (so: once the inactivity lock has come, or after
    /// sign-out). Returns whether copies were purged. `run()` calls this
    /// every few seconds, so a copy does not outlive the lock for long.
    pub fn purge_copies_unless_open(&self) -> bool {
        let open = matches!(self.sessions.peek(), Some((_, false)));
        if !open && let Ok(config) = self.config() {
            crate::viewer::purge_copies(&config.cache_dir());
        }
        !open
    }

    /// Removes the document copies (the app is exiting).
    pub fn purge_copies(&self) {
        if let Ok(config) = self.config() {
            crate::viewer::purge_copies(&config.cache_dir());
        }
    }

    pub fn demo_seeded_now(&self) -> Option<u32> {
        self.demo_seeded_now.get().copied()
    }

    /// The open database, connecting (and migrating) on first use. A failed
    /// attempt is remembered until `retry` asks for a new one, so every
    /// screen shows the same reason without hammering the server.
    pub async fn database(&self, retry: bool) -> Result<Database, ApiError> {
        let mut slot = self.db.lock().await;
        match &*slot {
            Slot::Ready(db) => return Ok(db.clone()),
            Slot::Failed(e) if !retry => return Err(e.clone()),
            _ => {}
        }
        let config = self.config()?;
        let opened = async {
            config
                .ensure_dirs()
                .map_err(|e| ApiError::new(ErrorCode::Configuration, e.to_string()))?;
            // A shared PostgreSQL database is never migrated by the app
            // (`portee-admin migrate` does it, as the owner) and is reached
            // before sign-in as `portee_connexion` only: the members then
            // connect as themselves (session.rs). The embedded SQLite file
            // is the app's own: migrated here.
            let db = if portee_store::describe_url(&config.database_url)
                .map_err(store_error)?
                .kind
                == portee_store::DatabaseKind::Postgres
            {
                let db = Database::connect_guest(&config.database_url)
                    .await
                    .map_err(|e| store_error(guest_refused(e)))?;
                db.check_schema().await.map_err(store_error)?;
                db
            } else {
                let db = Database::connect(&config.database_url)
                    .await
                    .map_err(store_error)?;
                db.migrate().await.map_err(store_error)?;
                db
            };
            // First start of a new embedded database: write the demo network
            // so the app can be tried at once (PORTEE_DEMO_STUDENTS=0: off).
            if db.kind() == portee_store::DatabaseKind::Sqlite
                && config.demo_students > 0
                && db.is_empty().await.map_err(store_error)?
                && !db.has_real_staff().await.map_err(store_error)?
            {
                tracing::info!(students = config.demo_students, "seeding the demo network");
                let today = chrono::Local::now().date_naive();
                let actor = portee_store::Actor::system(crate::workstation());
                let report = portee_services::demo::seed(
                    &db,
                    config.demo_students as usize,
                    2026,
                    today,
                    &actor,
                )
                .await
                .map_err(|e| match e {
                    portee_services::demo::SeedError::Store(s) => store_error(s),
                    other => {
                        tracing::error!(error = %other, "demo seeding failed");
                        ApiError::internal()
                    }
                })?;
                tracing::info!(
                    students = report.students,
                    insert_ms = report.insert.as_millis() as u64,
                    "demo network written"
                );
                let _ = self.demo_seeded_now.set(report.students as u32);
            }
            Ok::<_, ApiError>(db)
        }
        .await;
        match opened {
            Ok(db) => {
                tracing::info!(kind = ?db.kind(), "database ready");
                *slot = Slot::Ready(db.clone());
                Ok(db)
            }
            Err(e) => {
                *slot = Slot::Failed(e.clone());
                Err(e)
            }
        }
    }
}
