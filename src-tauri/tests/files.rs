//! Files on the workstation: document copies do not outlive the session's
//! lock (mock runtime, real SQLite file).

mod common;

use common::{app_with, config, invoke};
use portee_app::AppState;
use serde_json::json;
use tauri::Manager;

#[test]
fn document_copies_are_removed_once_the_session_locks() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), None);
    c.lock_after_seconds = 1;
    let (app, webview) = app_with(c);
    invoke(&webview, "database_status", json!({ "retry": false })).unwrap();
    invoke(
        &webview,
        "create_first_admin",
        json!({ "login": "c.martin", "display_name": "Claire Martin",
                "password": "Conservatoire-2026", "password_confirmation": "Conservatoire-2026" }),
    )
    .unwrap();
    invoke(
        &webview,
        "sign_in",
        json!({ "site_id": 5, "login": "c.martin", "password": "Conservatoire-2026" }),
    )
    .unwrap();
    let copies = dir.path().join("cache").join("documents");
    std::fs::create_dir_all(&copies).unwrap();
    let copy = copies.join("document-1.pdf");
    std::fs::write(&copy, b"%PDF-1.4").unwrap();

    let state = app.state::<AppState>();
    // An open session keeps the copy its member is reading.
    assert!(!state.purge_copies_unless_open());
    assert!(copy.exists());
    // The inactivity lock (1 s here) is the event under test: let it come.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(state.purge_copies_unless_open());
    assert!(!copy.exists(), "the copy outlived the lock");
    // And what the app does at exit.
    std::fs::create_dir_all(&copies).unwrap();
    std::fs::write(&copy, b"%PDF-1.4").unwrap();
    state.purge_copies();
    assert!(!copy.exists(), "the copy outlived the app");
}
