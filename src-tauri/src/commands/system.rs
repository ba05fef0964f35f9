//! Commands about the app itself: database status, folders, first paint.

use portee_api::{
    ApiError,
    system::{AppInfoResponse, Backend, DatabaseInfo, DatabaseStatusRequest},
};
use portee_store::{DatabaseKind, expected_schema_version};
use tauri::{Runtime, State};

use crate::{AppState, error::store_error};

#[tauri::command]
#[tracing::instrument(skip_all, fields(retry = request.retry), err)]
pub async fn database_status(
    state: State<'_, AppState>,
    request: DatabaseStatusRequest,
) -> Result<DatabaseInfo, ApiError> {
    let db = state.database(request.retry).await?;
    let schema = db.schema_version().await.map_err(store_error)?;
    let location = db.location();
    Ok(DatabaseInfo {
        backend: match location.kind {
            DatabaseKind::Postgres => Backend::Postgres,
            DatabaseKind::Sqlite => Backend::Sqlite,
        },
        location: location.place,
        database: location.database,
        encrypted: db.connection_encrypted().await.map_err(store_error)?,
        schema_version: schema.version,
        schema_description: schema.description,
        expected_schema_version: expected_schema_version(),
        demo: db.has_demo_accounts().await.map_err(store_error)?,
        demo_seeded_now: state.demo_seeded_now(),
    })
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub fn app_info(state: State<'_, AppState>, request: ()) -> Result<AppInfoResponse, ApiError> {
    let () = request;
    let config = state.config()?;
    let database_target = match portee_store::describe_url(&config.database_url) {
        Ok(l) => match l.database {
            Some(db) => format!("PostgreSQL {} (base {db})", l.place),
            None => format!("SQLite {}", l.place),
        },
        Err(e) => e.to_string(),
    };
    Ok(AppInfoResponse {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: config.data_dir.display().to_string(),
        log_dir: config.log_dir().display().to_string(),
        config_file: config.config_file.display().to_string(),
        database_target,
    })
}

/// The UI calls this once, right after its first paint.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>, request: ()) {
    let () = request;
    let elapsed = state.started().elapsed();
    tracing::info!(elapsed_ms = elapsed.as_millis() as u64, "first paint");
    if std::env::var_os("PORTEE_REPORT_FIRST_PAINT").is_some() {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        println!(
            "portee-first-paint unix_ms={now_ms} since_main_ms={}",
            elapsed.as_millis()
        );
    }
}

/// « Quitter » : ends the app as closing its window does; the exit
/// (`RunEvent::Exit`, in `run()`) removes the document copies.
#[tauri::command]
pub fn quit_app<R: Runtime>(app: tauri::AppHandle<R>, request: ()) {
    let () = request;
    tracing::info!("quit asked from the window");
    app.exit(0);
}
