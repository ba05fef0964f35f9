//! The Portée desktop app: the only crate that knows Tauri.
//!
//! `run()` loads the configuration, starts logging, registers [`AppState`]
//! and opens the window; the database connection is made in the background
//! so the window paints at once, and a connection failure becomes a French
//! screen rather than a crash. [`builder`] is shared by `run()` and the
//! tests that drive commands through Tauri's mock runtime.

mod commands;
mod dialogs;
mod error;
mod logging;
mod render_cache;
mod session;
mod state;
mod viewer;

use std::time::Instant;

pub use state::AppState;
use tauri::Runtime;
pub use viewer::Viewer;

/// Declares the app's commands once: [`COMMANDS`] (their names, which the
/// permission test walks) and the invoke handler are generated from the same
/// list, so neither can have a command the other lacks.
macro_rules! commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// The name of every command the app registers, in registration order.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(commands::$module::$name),*]
        }
    };
}

commands![
    system::database_status,
    system::app_info,
    system::ui_ready,
    system::quit_app,
    auth::auth_status,
    auth::sign_in,
    auth::sign_out,
    auth::activity,
    auth::unlock,
    auth::create_first_admin,
    auth::change_own_password,
    families::search_students,
    families::get_student,
    families::update_contact,
    families::open_document,
    documents::list_documents,
    documents::open_review,
    documents::release_review,
    documents::render_page,
    documents::decide_document,
    documents::purge_documents,
    documents::replace_document,
    chase::list_missing_documents,
    chase::send_document_reminders,
    chase::export_missing_documents,
    families::export_family_archive,
    reinscription::list_reinscriptions,
    reinscription::export_reinscriptions,
    reinscription::get_family_reinscription,
    reinscription::validate_family,
    reinscription::save_reinscription_draft,
    reinscription::open_acknowledgement,
    reinscription::save_acknowledgement,
    reinscription::attach_document,
    reinscription::get_dashboard,
    reinscription::queue_reminders,
    campaigns::list_campaigns,
    campaigns::save_campaign,
    offer::get_offer,
    offer::set_slot_capacity,
    offer::get_slot_detail,
    offer::move_student,
    offer::withdraw_student,
    offer::join_waiting_list,
    offer::reorder_waiting_list,
    offer::offer_freed_seat,
    offer::confirm_seat_offer,
    offer::decline_seat_offer,
    offer::wait_offer_change,
    offer::update_slot,
    offer::add_slot,
    offer::add_course,
    offer::prepare_next_year,
    journal::history,
    journal::audit_log,
    journal::audit_log_options,
    journal::export_audit_log,
    staff::list_staff,
    staff::create_staff,
    staff::change_staff,
];

/// Registers the state and every command of [`COMMANDS`] on `base` (the
/// real runtime's builder in `run()`, the mock runtime's in tests).
pub fn builder<R: Runtime>(base: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    base.manage(state)
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(handler())
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
