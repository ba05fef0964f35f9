//! Commands about Portée itself: which database, which schema, which folders.

use serde::{Deserialize, Serialize};

use crate::Command;

/// Which kind of database Portée is using.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connects if needed, then reads the schema version live from the database.
pub struct DatabaseStatus;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseStatusRequest {
    /// Drop a failed connection attempt and try again now.
    #[serde(default)]
    pub retry: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseInfo {
    pub backend: Backend,
    /// SQLite: the file's path. PostgreSQL: `host:port`.
    pub location: String,
    /// PostgreSQL: the database name. SQLite: `None`.
    pub database: Option<String>,
    /// PostgreSQL: whether the connection is encrypted (TLS), as the server
    /// sees it. SQLite: `None` (a local file).
    pub encrypted: Option<bool>,
    /// The newest migration applied, read from the database itself.
    pub schema_version: i64,
    /// That migration's description.
    pub schema_description: String,
    /// The newest migration this build of Portée knows.
    pub expected_schema_version: i64,
    /// The database holds the demo network (fictitious families, demo
    /// accounts).
    pub demo: bool,
    /// Students of the demo network written at this start (first start of
    /// a new embedded database), if any.
    pub demo_seeded_now: Option<u32>,
}

impl Command for DatabaseStatus {
    const NAME: &'static str = "database_status";
    type Request = DatabaseStatusRequest;
    type Response = DatabaseInfo;
}

/// The version and folders of this workstation's Portée.
pub struct AppInfo;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfoResponse {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub config_file: String,
    /// The configured database, described without its password.
    pub database_target: String,
}

impl Command for AppInfo {
    const NAME: &'static str = "app_info";
    type Request = ();
    type Response = AppInfoResponse;
}

/// « Quitter » : the app ends as when its window is closed (its exit
/// removes the document copies).
pub struct QuitApp;

impl Command for QuitApp {
    const NAME: &'static str = "quit_app";
    type Request = ();
    type Response = ();
}

/// Sent once by the UI after its first paint (logged, and used by the
/// launch benchmark).
pub struct UiReady;

impl Command for UiReady {
    const NAME: &'static str = "ui_ready";
    type Request = ();
    type Response = ();
}
