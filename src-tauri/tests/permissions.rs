//! The permission matrix: every data command × every role × own site /
//! other site, through the real IPC handling (mock runtime) on a real demo
//! database. The backend decides; the UI hiding a button is never the guard.

mod common;

use common::{app_with, config, invoke};
use portee_api::{ApiError, ErrorCode, families::StudentHit, staff::StaffSummary};
use serde_json::json;

/// A demo database of 300 students, and the name of one student of Meudon
/// (site 5) and one of Vanves (site 7) whose surnames differ.
fn demo_db(dir: &std::path::Path) -> (String, String) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = portee_config::sqlite_url(&dir.join("portee.sqlite3"));
        let db = portee_store::Database::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        portee_services::demo::seed(&db, 300, 5, today, &portee_store::Actor::system("test"))
            .await
            .unwrap();
        let portee_store::Database::Sqlite(pool) = &db else { unreachable!() };
        let name = |site: i16| {
            let pool = pool.clone();
            async move {
                let (l, f): (String, String) = sqlx::query_as(
                    "SELECT last_name, first_name FROM students s WHERE site_id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM students o WHERE o.last_name = s.last_name AND o.site_id <> $1) ORDER BY id LIMIT 1",
                )
                .bind(site)
                .fetch_one(&pool)
                .await
                .unwrap();
                format!("{f} {l}")
            }
        };
        let out = (name(5).await, name(7).await);
        db.close().await;
        out
    })
}

fn error(v: serde_json::Value) -> ApiError {
    serde_json::from_value(v).expect("an ApiError")
}

#[test]
fn every_command_for_every_role_on_own_and_other_site() {
    let dir = tempfile::tempdir().unwrap();
    let (meudon_student, vanves_student) = demo_db(dir.path());
    let (_app, webview) = app_with(config(dir.path(), None));

    // Signed out: every data command is refused.
    for (cmd, req) in [
        ("search_students", json!({ "query": meudon_student })),
        ("list_staff", json!(null)),
        (
            "change_staff",
            json!({ "id": 1, "version": 1, "action": "Disable" }),
        ),
    ] {
        let e = error(invoke(&webview, cmd, req).expect_err(cmd));
        assert_eq!(e.code, ErrorCode::Unauthenticated, "{cmd}");
    }

    for (login, role_is_admin) in [
        ("agent.meudon", false),
        ("resp.meudon", false),
        ("admin.demo", true),
    ] {
        let session = invoke(
            &webview,
            "sign_in",
            json!({ "site_id": 5, "login": login, "password": format!("demo-{login}") }),
        )
        .unwrap_or_else(|e| panic!("{login}: {e}"));
        assert_eq!(session["site_name"], "Meudon");

        // Families of the own site: found.
        let hits: Vec<StudentHit> = serde_json::from_value(
            invoke(
                &webview,
                "search_students",
                json!({ "query": meudon_student }),
            )
            .unwrap(),
        )
        .unwrap();
        assert!(
            hits.iter().any(|h| h.site_name == "Meudon"),
            "{login}: own site"
        );
        // Families of another site: only an administrator finds them.
        let hits: Vec<StudentHit> = serde_json::from_value(
            invoke(
                &webview,
                "search_students",
                json!({ "query": vanves_student }),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            hits.iter().any(|h| h.site_name == "Vanves"),
            role_is_admin,
            "{login}: other site"
        );
        if !role_is_admin {
            assert!(
                hits.iter().all(|h| h.site_name == "Meudon"),
                "{login}: nothing outside Meudon"
            );
        }

        // Staff administration: administrators only.
        let listed = invoke(&webview, "list_staff", json!(null));
        let created = invoke(
            &webview,
            "create_staff",
            json!({
                "login": format!("nouveau.{login}"), "display_name": "Zoé Hervé", "role": "agent",
                "site_ids": [5], "temporary_password": "Provisoire-2026",
            }),
        );
        if role_is_admin {
            let staff: Vec<StaffSummary> = serde_json::from_value(listed.unwrap()).unwrap();
            assert!(staff.iter().any(|s| s.login == "agent.meudon"));
            let created: StaffSummary = serde_json::from_value(created.unwrap()).unwrap();
            assert!(created.must_change_password);
            // The last-administrator rule holds through the command too.
            let me = staff.iter().find(|s| s.login == "admin.demo").unwrap();
            let e = error(
                invoke(
                    &webview,
                    "change_staff",
                    json!({ "id": me.id, "version": me.version, "action": "Disable" }),
                )
                .unwrap_err(),
            );
            assert_eq!(e.code, ErrorCode::Validation);
            assert!(
                e.message.contains("dernier administrateur"),
                "{}",
                e.message
            );
        } else {
            for refused in [listed, created] {
                let e = error(refused.unwrap_err());
                assert_eq!(e.code, ErrorCode::Forbidden, "{login}");
                assert!(e.message.contains("ne permet pas"), "{}", e.message);
            }
        }
        invoke(&webview, "sign_out", json!(null)).unwrap();
    }

    // An agent of Meudon cannot sign in at Vanves.
    let e = error(
        invoke(
            &webview,
            "sign_in",
            json!({ "site_id": 7, "login": "agent.meudon", "password": "demo-agent.meudon" }),
        )
        .unwrap_err(),
    );
    assert_eq!(e.field.as_deref(), Some("site_id"));
}

#[test]
fn a_session_past_its_inactivity_delay_is_refused_until_unlocked() {
    let dir = tempfile::tempdir().unwrap();
    let (meudon_student, _) = demo_db(dir.path());
    let mut cfg = config(dir.path(), None);
    cfg.lock_after_seconds = 1;
    let (_app, webview) = app_with(cfg);
    invoke(
        &webview,
        "sign_in",
        json!({ "site_id": 5, "login": "agent.meudon", "password": "demo-agent.meudon" }),
    )
    .unwrap();
    invoke(
        &webview,
        "search_students",
        json!({ "query": meudon_student }),
    )
    .unwrap();
    // The inactivity delay is the rule under test: wait past it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let e = error(
        invoke(
            &webview,
            "search_students",
            json!({ "query": meudon_student }),
        )
        .unwrap_err(),
    );
    assert_eq!(e.code, ErrorCode::SessionLocked);
    let e = error(invoke(&webview, "unlock", json!({ "password": "mauvais" })).unwrap_err());
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    invoke(
        &webview,
        "unlock",
        json!({ "password": "demo-agent.meudon" }),
    )
    .unwrap();
    invoke(
        &webview,
        "search_students",
        json!({ "query": meudon_student }),
    )
    .unwrap();
}

#[test]
fn a_reset_password_must_be_changed_before_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    let (meudon_student, _) = demo_db(dir.path());
    let (_app, webview) = app_with(config(dir.path(), None));
    invoke(
        &webview,
        "sign_in",
        json!({ "site_id": 5, "login": "admin.demo", "password": "demo-admin.demo" }),
    )
    .unwrap();
    let staff: Vec<StaffSummary> =
        serde_json::from_value(invoke(&webview, "list_staff", json!(null)).unwrap()).unwrap();
    let agent = staff.iter().find(|s| s.login == "agent.meudon").unwrap();
    let reset: StaffSummary = serde_json::from_value(
        invoke(
            &webview,
            "change_staff",
            json!({ "id": agent.id, "version": agent.version,
            "action": { "ResetPassword": { "temporary_password": "Provisoire-2026" } } }),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(reset.must_change_password);
    invoke(&webview, "sign_out", json!(null)).unwrap();

    // The old password no longer works; the temporary one opens a session
    // that can do nothing but change it.
    assert!(
        invoke(
            &webview,
            "sign_in",
            json!({ "site_id": 5, "login": "agent.meudon", "password": "demo-agent.meudon" })
        )
        .is_err()
    );
    let session = invoke(
        &webview,
        "sign_in",
        json!({ "site_id": 5, "login": "agent.meudon", "password": "Provisoire-2026" }),
    )
    .unwrap();
    assert_eq!(session["must_change_password"], true);
    let e = error(
        invoke(
            &webview,
            "search_students",
            json!({ "query": meudon_student }),
        )
        .unwrap_err(),
    );
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("provisoire"), "{}", e.message);
    // Wrong current password, weak or mismatched new one: refused.
    let e = error(invoke(&webview, "change_own_password", json!({ "current_password": "faux", "new_password": "Meudon-2027-ok", "confirmation": "Meudon-2027-ok" })).unwrap_err());
    assert!(e.message.contains("actuel est incorrect"), "{}", e.message);
    let e = error(invoke(&webview, "change_own_password", json!({ "current_password": "Provisoire-2026", "new_password": "court", "confirmation": "court" })).unwrap_err());
    assert!(e.message.contains("12"), "{}", e.message);
    let e = error(invoke(&webview, "change_own_password", json!({ "current_password": "Provisoire-2026", "new_password": "Meudon-2027-ok", "confirmation": "autre" })).unwrap_err());
    assert_eq!(e.field.as_deref(), Some("confirmation"));
    invoke(&webview, "change_own_password", json!({ "current_password": "Provisoire-2026", "new_password": "Meudon-2027-ok", "confirmation": "Meudon-2027-ok" })).unwrap();
    invoke(
        &webview,
        "search_students",
        json!({ "query": meudon_student }),
    )
    .unwrap();
}
