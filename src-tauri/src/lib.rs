//! The Portée desktop app: the only crate that knows Tauri.
//!
//! `run()` loads the configuration, starts logging, registers [`AppState`]
//! and opens the window; the database connection is made in the background
//! so the window paints at once, and a connection failure becomes a French
//! screen rather than a crash. [`builder`] is shared by `run()` and the
//! tests that drive commands through Tauri's mock runtime.

mod commands;
mod error;
mod logging;
mod session;
mod state;
mod viewer;

use std::time::Instant;

pub use state::AppState;
use tauri::Runtime;
pub use viewer::Viewer;

/// Registers the state and every command on `base` (the real runtime's
/// builder in `run()`, the mock runtime's in tests).
pub fn builder<R: Runtime>(base: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    base.manage(state).invoke_handler(tauri::generate_handler![
        commands::system::database_status,
        commands::system::app_info,
        commands::system::ui_ready,
        commands::auth::auth_status,
        commands::auth::sign_in,
        commands::auth::sign_out,
        commands::auth::activity,
        commands::auth::unlock,
        commands::auth::create_first_admin,
        commands::auth::change_own_password,
        commands::families::search_students,
        commands::families::get_student,
        commands::families::update_contact,
        commands::families::open_document,
        commands::journal::history,
        commands::journal::audit_log,
        commands::journal::audit_log_options,
        commands::journal::export_audit_log,
        commands::staff::list_staff,
        commands::staff::create_staff,
        commands::staff::change_staff,
    ])
}

/// The app's context, generated from the root `tauri.conf.json`: config,
/// embedded interface (with `custom-protocol`), icons and the command ACL.
/// Tests on the mock runtime use it too, so commands are allowed there
/// exactly as in the app.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!("../tauri.conf.json")
}

/// This workstation's name, for the audit log.
pub(crate) fn workstation() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "poste-inconnu".to_owned())
}

/// Entry point of the `portee` binary.
pub fn run() {
    let started = Instant::now();
    let config = portee_config::Config::load();
    let _log_guard = logging::init(config.as_ref().ok());
    match &config {
        Ok(c) => tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            data_dir = %c.data_dir.display(),
            "Portée starting"
        ),
        Err(e) => tracing::error!(error = %e, "configuration could not be read"),
    }
    if let Ok(c) = &config {
        viewer::purge_copies(&c.cache_dir());
    }
    let state = AppState::new(config, started);
    let result = builder(tauri::Builder::default(), state)
        .setup(|app| {
            use tauri::Manager;
            let handle = app.handle().clone();
            // Connect in the background: the window paints meanwhile, and the
            // UI's first database_status call waits for this attempt.
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<AppState>();
                if let Err(e) = state.database(false).await {
                    tracing::warn!(code = ?e.code, "database not available at start");
                }
            });
            // Document copies go as soon as the session locks (the lock is
            // noticed here within seconds, with no command needed).
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
                loop {
                    tick.tick().await;
                    handle.state::<AppState>().purge_copies_unless_open();
                }
            });
            Ok(())
        })
        .build(context())
        .map(|app| {
            app.run(|handle, event| {
                if let tauri::RunEvent::Exit = event {
                    use tauri::Manager;
                    // No copy of a document outlives the app.
                    handle.state::<AppState>().purge_copies();
                }
            });
        });
    if let Err(e) = result {
        tracing::error!(error = %e, "the window could not be opened");
        eprintln!("Portée n'a pas pu ouvrir sa fenêtre : {e}");
        std::process::exit(1);
    }
}
