//! The sign-in screen's demo accounts (mock runtime, real SQLite file): on a
//! database marked as a demo only, never on a real one.

mod common;

use common::{app_with, config, invoke};
use portee_api::auth::AuthStatusResponse;
use serde_json::Value;

/// A demo database in `dir`; `in_service`: then put in service (a real
/// account created, the demo mark taken off, as on a base seeded before
/// the mark existed and used since).
fn seeded(dir: &std::path::Path, in_service: bool) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = portee_config::sqlite_url(&dir.join("portee.sqlite3"));
        let db = portee_store::Database::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        let today = chrono::Utc::now().date_naive();
        portee_services::demo::seed(&db, 40, 3, today, &portee_store::Actor::system("test"))
            .await
            .unwrap();
        if in_service {
            let portee_store::Database::Sqlite(pool) = &db else {
                unreachable!()
            };
            sqlx::query(
                "INSERT INTO staff (login, display_name, role, password_hash, active, must_change_password, \
                 failed_attempts, is_demo, created_at, updated_at, version) \
                 VALUES ('vraie.personne', 'Vraie Personne', 'agent', 'x', TRUE, FALSE, 0, FALSE, \
                 '2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z', 1)",
            )
            .execute(pool)
            .await
            .unwrap();
            sqlx::query("UPDATE database_settings SET demo = FALSE")
                .execute(pool)
                .await
                .unwrap();
        }
        db.close().await;
    });
}

fn status(dir: &std::path::Path) -> AuthStatusResponse {
    let (_app, webview) = app_with(config(dir, None));
    let response = invoke(&webview, "auth_status", Value::Null).expect("auth_status");
    serde_json::from_value(response).unwrap()
}

#[test]
fn the_sign_in_screen_shows_demo_accounts_on_a_demo_database_only() {
    let demo = tempfile::tempdir().unwrap();
    seeded(demo.path(), false);
    let shown = status(demo.path()).demo_accounts;
    assert!(
        shown
            .iter()
            .any(|a| a.login == "agent.meudon" && a.password == "demo-agent.meudon"),
        "{shown:?}"
    );

    let real = tempfile::tempdir().unwrap();
    seeded(real.path(), true);
    let shown = status(real.path()).demo_accounts;
    assert!(
        shown.is_empty(),
        "demo passwords on a real database: {shown:?}"
    );
}
