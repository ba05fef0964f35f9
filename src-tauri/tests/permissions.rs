//! The permission matrix: every data command × every role × own site /
//! other site, through the real IPC handling (mock runtime) on a real demo
//! database. The backend decides; the UI hiding a button is never the guard.

mod common;

use common::{app_recording, app_with, config, invoke};
use portee_api::{
    ApiError, ErrorCode,
    families::{FamilyView, StudentHit, StudentRecordView},
    journal::{ExportAuditLogResponse, HistoryPage},
    staff::StaffSummary,
};
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

/// Ids in the demo database: (student, family, a stored tax document of
/// that family) for Meudon (site 5) and for Vanves (site 7), each family
/// having all its children on that one site.
/// (student, family, document) of a site: a student whose family is on
/// that site only, with a first guardian and a tax or CAF document.
const RECORD_IDS_SQL: &str = "SELECT s.id, s.family_id, d.id FROM students s JOIN documents d ON d.family_id = s.family_id \
     WHERE s.site_id = $1 AND d.content IS NOT NULL AND d.doc_type IN ('avis_imposition', 'attestation_caf') \
     AND NOT EXISTS (SELECT 1 FROM students o WHERE o.family_id = s.family_id AND o.site_id <> $1) \
     AND EXISTS (SELECT 1 FROM guardians g WHERE g.family_id = s.family_id AND g.rank = 1) \
     ORDER BY s.id, d.id LIMIT 1";

fn record_ids(dir: &std::path::Path) -> [(i64, i64, i64); 2] {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = portee_config::sqlite_url(&dir.join("portee.sqlite3"));
        let db = portee_store::Database::connect(&url).await.unwrap();
        let portee_store::Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let mut out = [(0, 0, 0); 2];
        for (i, site) in [5i16, 7].into_iter().enumerate() {
            out[i] = sqlx::query_as(RECORD_IDS_SQL)
                .bind(site)
                .fetch_one(pool)
                .await
                .unwrap();
        }
        db.close().await;
        out
    })
}

/// The coordonnées of a record as read, ready to be sent back changed.
fn contact_of(record: &StudentRecordView, mobile: &str) -> serde_json::Value {
    let f = &record.family;
    json!({
        "family_id": f.id, "version": f.version,
        "contact": {
            "address_line": f.address_line, "address_extra": f.address_extra.clone().unwrap_or_default(),
            "postcode": f.postcode, "town": f.town,
            "guardians": record.guardians.iter().enumerate().map(|(i, g)| json!({
                "guardian_id": g.id,
                "phone_mobile": if i == 0 { mobile.to_owned() } else { g.phone_mobile.clone().unwrap_or_default() },
                "phone_home": g.phone_home.clone().unwrap_or_default(),
                "phone_work": g.phone_work.clone().unwrap_or_default(),
                "email": g.email.clone().unwrap_or_default(),
            })).collect::<Vec<_>>(),
        }
    })
}

#[test]
fn records_history_documents_and_the_audit_log_for_every_role_and_site() {
    let dir = tempfile::tempdir().unwrap();
    demo_db(dir.path());
    let [(m_student, m_family, m_doc), (v_student, v_family, v_doc)] = record_ids(dir.path());
    let (_app, webview, opened) = app_recording(config(dir.path(), None));

    let commands = |student: i64, family: i64, doc: i64| {
        [
            ("get_student", json!({ "student_id": student })),
            (
                "history",
                json!({ "subject": { "Student": student }, "before_id": null }),
            ),
            (
                "history",
                json!({ "subject": { "Family": family }, "before_id": null }),
            ),
            ("open_document", json!({ "document_id": doc })),
        ]
    };
    // Signed out: refused, nothing opened.
    for (cmd, req) in commands(m_student, m_family, m_doc).into_iter().chain([
        ("audit_log", json!({ "filter": {}, "before_id": null })),
        ("export_audit_log", json!({ "filter": {} })),
        ("audit_log_options", json!(null)),
    ]) {
        let e = error(invoke(&webview, cmd, req).expect_err(cmd));
        assert_eq!(e.code, ErrorCode::Unauthenticated, "{cmd}");
    }
    assert!(opened.lock().unwrap().is_empty());

    for (n, (login, is_admin)) in [
        ("agent.meudon", false),
        ("resp.meudon", false),
        ("admin.demo", true),
    ]
    .into_iter()
    .enumerate()
    {
        invoke(
            &webview,
            "sign_in",
            json!({ "site_id": 5, "login": login, "password": format!("demo-{login}") }),
        )
        .unwrap();
        // Own site: every read works.
        for (cmd, req) in commands(m_student, m_family, m_doc) {
            invoke(&webview, cmd, req).unwrap_or_else(|e| panic!("{login} {cmd}: {e}"));
        }
        // Other site: administrators only.
        for (cmd, req) in commands(v_student, v_family, v_doc) {
            let result = invoke(&webview, cmd, req);
            if is_admin {
                result.unwrap_or_else(|e| panic!("{login} {cmd}: {e}"));
            } else {
                let e = error(result.expect_err(cmd));
                assert_eq!(e.code, ErrorCode::Forbidden, "{login} {cmd}");
                assert!(e.message.contains("site"), "{}", e.message);
            }
        }
        // Each opening was written to the cache folder and handed to the viewer.
        let shown = opened.lock().unwrap().clone();
        assert_eq!(shown.len(), n + 1 + usize::from(is_admin), "{login}");
        let last = shown.last().unwrap();
        assert!(
            last.starts_with(dir.path().join("cache")),
            "{}",
            last.display()
        );
        assert!(std::fs::read(last).unwrap().starts_with(b"%PDF-"));

        // Coordonnées: own site for everyone, from the version read.
        let record: StudentRecordView = serde_json::from_value(
            invoke(&webview, "get_student", json!({ "student_id": m_student })).unwrap(),
        )
        .unwrap();
        assert!(record.can_edit);
        assert!(
            record
                .documents
                .iter()
                .any(|d| d.id == m_doc && d.sensitive && d.can_open)
        );
        let mobile = format!("07 00 00 00 0{n}");
        let saved: FamilyView = serde_json::from_value(
            invoke(&webview, "update_contact", contact_of(&record, &mobile)).unwrap(),
        )
        .unwrap();
        assert_eq!(saved.version, record.family.version + 1);
        // The same request again is stale: refused, the other edit kept.
        let e = error(
            invoke(
                &webview,
                "update_contact",
                contact_of(&record, "06 99 99 99 99"),
            )
            .unwrap_err(),
        );
        assert_eq!(e.code, ErrorCode::Conflict);
        // Bad input names its field.
        let mut bad = contact_of(&record, &mobile);
        bad["version"] = json!(saved.version);
        bad["contact"]["postcode"] = json!("9219");
        let e = error(invoke(&webview, "update_contact", bad).unwrap_err());
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::Validation, Some("postcode"))
        );
        // The history now starts with this member's change, told as staff.
        let page: HistoryPage = serde_json::from_value(
            invoke(
                &webview,
                "history",
                json!({ "subject": { "Student": m_student }, "before_id": null }),
            )
            .unwrap(),
        )
        .unwrap();
        let newest = &page.entries[0];
        assert_eq!(
            (newest.action.as_str(), newest.actor_kind.as_str()),
            ("family.contact", "staff")
        );
        assert!(newest.actor_label.contains(login), "{}", newest.actor_label);
        assert!(
            newest.changes.iter().any(|c| c.after == mobile),
            "{:?}",
            newest.changes
        );
        // The opening of the tax document is in it too.
        assert!(page.entries.iter().any(|e| e.action == "document.open"));

        let v_record = invoke(&webview, "get_student", json!({ "student_id": v_student }));
        if let Ok(v) = v_record {
            let v: StudentRecordView = serde_json::from_value(v).unwrap();
            invoke(&webview, "update_contact", contact_of(&v, "07 11 22 33 44")).unwrap();
        } else {
            // An agent cannot even try: the other site's family is refused.
            let fake = json!({ "family_id": v_family, "version": 1, "contact": contact_of(&record, "07 11 22 33 44")["contact"] });
            let e = error(invoke(&webview, "update_contact", fake).unwrap_err());
            assert_eq!(e.code, ErrorCode::Forbidden, "{login}");
        }

        // The whole log: administrators only.
        let log = invoke(
            &webview,
            "audit_log",
            json!({ "filter": { "staff_login": login }, "before_id": null }),
        );
        let export = invoke(
            &webview,
            "export_audit_log",
            json!({ "filter": { "action_group": "family." } }),
        );
        if is_admin {
            let log: HistoryPage = serde_json::from_value(log.unwrap()).unwrap();
            assert!(
                log.entries
                    .iter()
                    .all(|e| e.actor_label.contains("admin.demo"))
            );
            assert!(log.entries.iter().any(|e| e.action == "document.open"));
            let export: ExportAuditLogResponse = serde_json::from_value(export.unwrap()).unwrap();
            // Three members each changed Meudon's coordonnées; the admin Vanves' too.
            assert_eq!(export.rows, 4);
            let text = std::fs::read_to_string(&export.path).unwrap();
            assert_eq!(text.lines().count(), 5, "{text}");
            assert!(text.contains("Modification des coordonnées"));
            let e = error(
                invoke(
                    &webview,
                    "audit_log",
                    json!({ "filter": { "from": "31/02/2026" }, "before_id": null }),
                )
                .unwrap_err(),
            );
            assert_eq!(e.field.as_deref(), Some("from"));
            let e = error(
                invoke(
                    &webview,
                    "audit_log",
                    json!({ "filter": { "staff_login": "personne" }, "before_id": null }),
                )
                .unwrap_err(),
            );
            assert_eq!(e.field.as_deref(), Some("staff_login"));
        } else {
            for refused in [log, export] {
                assert_eq!(
                    error(refused.unwrap_err()).code,
                    ErrorCode::Forbidden,
                    "{login}"
                );
            }
        }
        invoke(&webview, "sign_out", json!(null)).unwrap();
        // Signing out removes the document copies from the workstation.
        assert!(!dir.path().join("cache").join("documents").exists());
    }
}

/// Who may call a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Before signing in (status, sign-in itself, first administrator).
    Public,
    /// Unlocking a locked session.
    Unlock,
    /// Any signed-in member, whatever their sites.
    Member,
    /// Any role, on the member's own sites; another site: administrators.
    Site,
    /// Responsables and administrators on the member's own sites (agents
    /// refused); another site: administrators.
    Manage,
    /// Administrators only.
    Admin,
}

/// How one command is called in the matrix: requests on the member's own
/// site (Meudon) and, for per-site commands, on another one (Vanves).
struct Case {
    access: Access,
    own: Vec<serde_json::Value>,
    other: Vec<serde_json::Value>,
}

/// Ids of the demo database the matrix uses.
struct Ids {
    meudon: (i64, i64, i64),
    vanves: (i64, i64, i64),
    guardian: i64,
    agent: i64,
    meudon_student: String,
    /// A slot of Meudon and one of Vanves.
    slots: (i64, i64),
    /// Their courses.
    courses: (i64, i64),
}

/// The course of slot `$slot` in `$pool` (either database).
macro_rules! course_of {
    ($pool:expr, $slot:expr) => {
        sqlx::query_scalar::<_, i64>("SELECT course_id FROM slots WHERE id = $1")
            .bind($slot)
            .fetch_one($pool)
            .await
            .unwrap()
    };
}

/// The first slot of site `$site` in `$pool` (either database).
macro_rules! slot_of {
    ($pool:expr, $site:expr) => {
        sqlx::query_scalar::<_, i64>(
            "SELECT MIN(sl.id) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE c.site_id = $1",
        )
        .bind($site as i16)
        .fetch_one($pool)
        .await
        .unwrap()
    };
}

fn ids(dir: &std::path::Path, meudon_student: String) -> Ids {
    let [meudon, vanves] = record_ids(dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (guardian, agent, slots, courses) = rt.block_on(async {
        let url = portee_config::sqlite_url(&dir.join("portee.sqlite3"));
        let db = portee_store::Database::connect(&url).await.unwrap();
        let portee_store::Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let guardian: i64 =
            sqlx::query_scalar("SELECT id FROM guardians WHERE family_id = $1 AND rank = 1")
                .bind(meudon.1)
                .fetch_one(pool)
                .await
                .unwrap();
        let agent: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE login = 'agent.meudon'")
            .fetch_one(pool)
            .await
            .unwrap();
        let slots = (slot_of!(pool, 5), slot_of!(pool, 7));
        let courses = (course_of!(pool, slots.0), course_of!(pool, slots.1));
        db.close().await;
        (guardian, agent, slots, courses)
    });
    Ids {
        meudon,
        vanves,
        guardian,
        agent,
        meudon_student,
        slots,
        courses,
    }
}

/// The permission case of `cmd`. A command registered without a case here
/// makes `every_registered_command_has_a_permission_case` fail: add one.
fn case(cmd: &str, ids: &Ids) -> Option<Case> {
    use Access::*;
    let c = |access, own: Vec<serde_json::Value>, other: Vec<serde_json::Value>| {
        Some(Case { access, own, other })
    };
    let contact = |family: i64| {
        json!({
            "family_id": family, "version": 0,
            "contact": {
                "address_line": "3 allée des Tilleuls", "address_extra": "", "postcode": "92190",
                "town": "Meudon",
                "guardians": [{ "guardian_id": ids.guardian, "phone_mobile": "06 12 34 56 78",
                    "phone_home": "", "phone_work": "", "email": "" }],
            }
        })
    };
    let (m, v) = (ids.meudon, ids.vanves);
    let validate = |student: i64| {
        json!({ "student_id": student, "channel": "desk", "accepted": false,
            "additional_info": "", "children": [] })
    };
    let history = |(student, family, _): (i64, i64, i64)| {
        vec![
            json!({ "subject": { "Student": student }, "before_id": null }),
            json!({ "subject": { "Family": family }, "before_id": null }),
        ]
    };
    match cmd {
        "database_status" => c(Public, vec![json!({ "retry": false })], vec![]),
        "app_info" | "ui_ready" | "auth_status" | "sign_out" | "quit_app" => {
            c(Public, vec![json!(null)], vec![])
        }
        "sign_in" => c(
            Public,
            vec![json!({ "site_id": 5, "login": "personne", "password": "faux" })],
            vec![],
        ),
        "create_first_admin" => c(
            Public,
            vec![json!({ "login": "premier", "display_name": "Zoé Hervé",
                "password": "Premier-2026-ok", "password_confirmation": "Premier-2026-ok" })],
            vec![],
        ),
        "unlock" => c(Unlock, vec![json!({ "password": "faux" })], vec![]),
        "activity" => c(Member, vec![json!(null)], vec![]),
        "change_own_password" => c(
            Member,
            vec![
                json!({ "current_password": "pas-le-bon", "new_password": "Meudon-2027-ok",
                "confirmation": "Meudon-2027-ok" }),
            ],
            vec![],
        ),
        "search_students" => c(Member, vec![json!({ "query": ids.meudon_student })], vec![]),
        "get_student" => c(
            Site,
            vec![json!({ "student_id": m.0 })],
            vec![json!({ "student_id": v.0 })],
        ),
        "history" => c(Site, history(m), history(v)),
        "open_document" => c(
            Site,
            vec![json!({ "document_id": m.2 })],
            vec![json!({ "document_id": v.2 })],
        ),
        "list_documents" => c(
            Member,
            vec![
                json!({ "status": null, "site_id": null, "doc_type": null, "campaign_id": null,
                "uploaded_from": null, "uploaded_to": null }),
            ],
            vec![],
        ),
        // A read ahead: nothing marked, nothing written.
        "open_review" => c(
            Site,
            vec![json!({ "document_id": m.2, "prefetch": true })],
            vec![json!({ "document_id": v.2, "prefetch": true })],
        ),
        // Not opened by the caller: nothing to give back.
        "release_review" => c(
            Site,
            vec![json!({ "document_id": m.2 })],
            vec![json!({ "document_id": v.2 })],
        ),
        "render_page" => {
            let page = |doc: i64| json!({ "document_id": doc, "page": 0, "width": 300, "quarter_turns": 0 });
            c(Site, vec![page(m.2)], vec![page(v.2)])
        }
        // A refusal without its reason: allowed callers get `Validation`,
        // nothing written.
        "decide_document" => {
            let decision = |doc: i64| {
                json!({ "document_id": doc, "version": 0, "input": { "accept": false, "reason": null,
                    "note_for_family": "", "document_date": null, "quotient_familial": null,
                    "revenu_fiscal": null, "tax_parts": null, "review_note": "" } })
            };
            c(Site, vec![decision(m.2)], vec![decision(v.2)])
        }
        // Version 0 is stale: allowed callers get `Conflict` before any
        // dialog, nothing written.
        "replace_document" => c(
            Site,
            vec![json!({ "document_id": m.2, "version": 0 })],
            vec![json!({ "document_id": v.2, "version": 0 })],
        ),
        "list_missing_documents" => c(
            Site,
            vec![json!({ "site_id": 5, "campaign_id": null })],
            vec![json!({ "site_id": 7, "campaign_id": null })],
        ),
        // No family ticked: allowed callers get `Validation`, nothing sent.
        "send_document_reminders" => c(
            Site,
            vec![json!({ "site_id": 5, "campaign_id": 1, "family_ids": [] })],
            vec![json!({ "site_id": 7, "campaign_id": 1, "family_ids": [] })],
        ),
        // An unknown campaign: allowed callers get `Validation`, no file.
        "export_missing_documents" => c(
            Site,
            vec![json!({ "site_id": 5, "campaign_id": -1 })],
            vec![json!({ "site_id": 7, "campaign_id": -1 })],
        ),
        "export_family_archive" => c(
            Site,
            vec![json!({ "family_id": m.1 })],
            vec![json!({ "family_id": v.1 })],
        ),
        // A dry run: administrators get the list, nothing is removed.
        "purge_documents" => c(
            Admin,
            vec![json!({ "dry_run": true, "tax_days": 30, "campaign_days": 365 })],
            vec![],
        ),
        "list_reinscriptions" => c(
            Member,
            vec![
                json!({ "status": null, "site_id": null, "discipline_id": null,
                "missing_documents": false }),
            ],
            vec![],
        ),
        "export_reinscriptions" => c(
            Member,
            vec![
                json!({ "status": null, "site_id": null, "discipline_id": null,
                "missing_documents": false }),
            ],
            vec![],
        ),
        "get_family_reinscription" => c(
            Site,
            vec![json!({ "student_id": m.0 })],
            vec![json!({ "student_id": v.0 })],
        ),
        // No validated dossier: allowed callers get `NotFound`.
        "open_acknowledgement" => c(
            Site,
            vec![json!({ "student_id": m.0 })],
            vec![json!({ "student_id": v.0 })],
        ),
        // No validated dossier: allowed callers get `NotFound` (no dialog).
        "save_acknowledgement" => c(
            Site,
            vec![json!({ "student_id": m.0 })],
            vec![json!({ "student_id": v.0 })],
        ),
        // An unknown type: allowed callers get `Validation` (no dialog).
        "attach_document" => {
            let doc = |student: i64| json!({ "student_id": student, "doc_type": "inconnu", "document_date": "" });
            c(Site, vec![doc(m.0)], vec![doc(v.0)])
        }
        // « J'accepte » not ticked: allowed callers get `Validation`.
        "validate_family" => c(Site, vec![validate(m.0)], vec![validate(v.0)]),
        // An unknown step: allowed callers get `Validation`, nothing written.
        "save_reinscription_draft" => {
            let draft = |student: i64| {
                json!({ "student_id": student, "expected_version": null,
                    "draft": { "step": "inconnue", "channel": null, "accepted": false,
                        "additional_info": "", "correction_reason": "", "children": [] } })
            };
            c(Site, vec![draft(m.0)], vec![draft(v.0)])
        }
        // Version 0 is stale: allowed callers get `Conflict`, nothing written.
        "update_contact" => c(Site, vec![contact(m.1)], vec![contact(v.1)]),
        "get_offer" => c(
            Site,
            vec![json!({ "site_id": 5, "school_year_id": null })],
            vec![json!({ "site_id": 7, "school_year_id": null })],
        ),
        // Version 0 is stale: allowed callers get `Conflict`, nothing written.
        "set_slot_capacity" => {
            let change =
                |slot: i64| json!({ "slot_id": slot, "expected_version": 0, "capacity": "12" });
            c(Manage, vec![change(ids.slots.0)], vec![change(ids.slots.1)])
        }
        // The slot's panel and its lists: every role on its own sites.
        // Requests that change nothing (unknown enrolment, no number typed,
        // a student who is not first of the list) once allowed.
        // Stale version (0) / a slot refused by the domain rule: nothing
        // written once allowed.
        "update_slot" => {
            let r = |slot: i64| {
                json!({ "slot_id": slot, "expected_version": 0, "fields": { "day_of_week": "3",
                    "starts_at": "14:00", "ends_at": "15:00", "teacher": "Mme Durand", "room": "Salle 2",
                    "capacity": "500", "open": true } })
            };
            c(Manage, vec![r(ids.slots.0)], vec![r(ids.slots.1)])
        }
        // An empty name: refused by the domain rule once allowed.
        "add_course" => {
            let r = |site: i16| {
                json!({ "site_id": site, "school_year_id": 1, "discipline_id": 1,
                    "fields": { "name": "", "cycle": "", "level": "", "seat_mode": "slot" } })
            };
            c(Manage, vec![r(5)], vec![r(7)])
        }
        "add_slot" => {
            let r = |course: i64| {
                json!({ "course_id": course, "fields": { "day_of_week": "9",
                    "starts_at": "", "ends_at": "", "teacher": "", "room": "", "capacity": "", "open": true } })
            };
            c(Manage, vec![r(ids.courses.0)], vec![r(ids.courses.1)])
        }
        // An unknown school year: nothing copied once allowed.
        "prepare_next_year" => c(
            Manage,
            vec![json!({ "site_id": 5, "school_year_id": 0 })],
            vec![json!({ "site_id": 7, "school_year_id": 0 })],
        ),
        // The Meudon family / the Vanves family: allowed callers queue a
        // reminder (an outbox row, no mail sent).
        "queue_reminders" => c(
            Site,
            vec![json!({ "family_ids": [ids.meudon.1] })],
            vec![json!({ "family_ids": [ids.vanves.1] })],
        ),
        "list_campaigns" => c(Admin, vec![json!(null)], vec![]),
        // Fields refused by the domain rule: nothing written once allowed.
        "save_campaign" => c(
            Admin,
            vec![
                json!({ "id": null, "school_year_id": null, "expected_version": 0, "status": "draft",
                "fields": { "label": "", "opens_on": "", "closes_on": "", "documents_deadline": "" } }),
            ],
            vec![],
        ),
        "get_dashboard" => c(Member, vec![json!({ "refresh": false })], vec![]),
        "wait_offer_change" => c(Member, vec![json!({ "seen": null })], vec![]),
        "get_slot_detail" => {
            let r = |slot: i64| json!({ "slot_id": slot });
            c(Site, vec![r(ids.slots.0)], vec![r(ids.slots.1)])
        }
        "move_student" => {
            let r =
                |slot: i64| json!({ "slot_id": slot, "enrolment_id": 0, "target_slot_id": slot });
            c(Site, vec![r(ids.slots.0)], vec![r(ids.slots.1)])
        }
        "withdraw_student" => {
            let r =
                |slot: i64| json!({ "slot_id": slot, "enrolment_id": 0, "reason": "déménagement" });
            c(Site, vec![r(ids.slots.0)], vec![r(ids.slots.1)])
        }
        "join_waiting_list" => {
            let r = |slot: i64| json!({ "slot_id": slot, "student": "" });
            c(Site, vec![r(ids.slots.0)], vec![r(ids.slots.1)])
        }
        "reorder_waiting_list" => {
            let r = |slot: i64| json!({ "slot_id": slot, "student_id": 0, "position": "", "expected": [], "reason": "" });
            c(Site, vec![r(ids.slots.0)], vec![r(ids.slots.1)])
        }
        "offer_freed_seat" | "confirm_seat_offer" | "decline_seat_offer" => {
            let r = |slot: i64| json!({ "slot_id": slot, "student_id": 0 });
            c(Site, vec![r(ids.slots.0)], vec![r(ids.slots.1)])
        }
        "audit_log" => c(
            Admin,
            vec![json!({ "filter": {}, "before_id": null })],
            vec![],
        ),
        "audit_log_options" => c(Admin, vec![json!(null)], vec![]),
        "export_audit_log" => c(Admin, vec![json!({ "filter": {} })], vec![]),
        "list_staff" => c(Admin, vec![json!(null)], vec![]),
        "create_staff" => c(
            Admin,
            vec![
                json!({ "login": "matrice.nouveau", "display_name": "Zoé Hervé", "role": "agent",
                "site_ids": [5], "temporary_password": "Provisoire-2026" }),
            ],
            vec![],
        ),
        "change_staff" => c(
            Admin,
            vec![json!({ "id": ids.agent, "version": 0, "action": "Disable" })],
            vec![],
        ),
        _ => None,
    }
}

/// Allowed: a success, or a refusal that is not about permissions.
fn allowed(cmd: &str, who: &str, result: Result<serde_json::Value, serde_json::Value>) {
    if let Err(e) = result {
        let e = error(e);
        assert!(
            !matches!(
                e.code,
                ErrorCode::Unauthenticated | ErrorCode::SessionLocked | ErrorCode::Forbidden
            ),
            "{who} {cmd}: refused ({:?}: {})",
            e.code,
            e.message
        );
    }
}

fn refused(
    cmd: &str,
    who: &str,
    result: Result<serde_json::Value, serde_json::Value>,
    code: ErrorCode,
) {
    let e = error(result.expect_err(&format!("{who} {cmd}: should be refused")));
    assert_eq!(e.code, code, "{who} {cmd}: {}", e.message);
}

fn sign_in(webview: &tauri::WebviewWindow<tauri::test::MockRuntime>, site: i16, login: &str) {
    invoke(
        webview,
        "sign_in",
        json!({ "site_id": site, "login": login, "password": format!("demo-{login}") }),
    )
    .unwrap_or_else(|e| panic!("{login}: {e}"));
}

#[test]
fn every_registered_command_is_invocable_and_has_a_permission_case() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = app_with(config(dir.path(), None));
    let ids = Ids {
        meudon: (1, 1, 1),
        vanves: (2, 2, 2),
        guardian: 1,
        agent: 1,
        meudon_student: String::new(),
        slots: (1, 2),
        courses: (1, 2),
    };
    let missing: Vec<&str> = portee_app::COMMANDS
        .iter()
        .copied()
        .filter(|cmd| case(cmd, &ids).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "commands without a permission case: {missing:?}"
    );
    // Every name is registered with the handler: a request it cannot read is
    // refused by that command, not as an unknown command (nothing runs).
    let unknown = invoke(&webview, "commande_inconnue", json!("?")).unwrap_err();
    assert!(unknown.to_string().contains("not found"), "{unknown}");
    for cmd in portee_app::COMMANDS {
        let e = invoke(&webview, cmd, json!("pas une requête")).unwrap_err();
        assert!(!e.to_string().contains("not found"), "{cmd}: {e}");
    }
}

/// Walks the matrix in `webview`: every data command signed out, then for
/// each role on the member's own site and on another one. A refusal of
/// another site's request goes to `other_refused`.
fn walk_matrix(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    ids: &Ids,
    other_refused: impl Fn(&str, &str, Result<serde_json::Value, serde_json::Value>),
) {
    let cases: Vec<(&str, Case)> = portee_app::COMMANDS
        .iter()
        .map(|cmd| (*cmd, case(cmd, ids).expect("a permission case")))
        .collect();
    for (cmd, c) in &cases {
        if c.access == Access::Public {
            continue;
        }
        for req in c.own.iter().chain(&c.other) {
            refused(
                cmd,
                "signed out",
                invoke(webview, cmd, req.clone()),
                ErrorCode::Unauthenticated,
            );
        }
    }
    for (login, is_admin) in [
        ("agent.meudon", false),
        ("resp.meudon", false),
        ("admin.demo", true),
    ] {
        sign_in(webview, 5, login);
        for (cmd, c) in &cases {
            // Not data commands (signing out would end the walk).
            if matches!(c.access, Access::Public | Access::Unlock) {
                continue;
            }
            for req in &c.own {
                let result = invoke(webview, cmd, req.clone());
                match c.access {
                    Access::Public | Access::Unlock => unreachable!(),
                    Access::Member | Access::Site => allowed(cmd, login, result),
                    Access::Manage if login.starts_with("agent.") => {
                        refused(cmd, login, result, ErrorCode::Forbidden)
                    }
                    Access::Manage => allowed(cmd, login, result),
                    Access::Admin if is_admin => allowed(cmd, login, result),
                    Access::Admin => refused(cmd, login, result, ErrorCode::Forbidden),
                }
            }
            for req in &c.other {
                let result = invoke(webview, cmd, req.clone());
                if is_admin {
                    allowed(cmd, login, result);
                } else {
                    other_refused(cmd, login, result);
                }
            }
        }
        invoke(webview, "sign_out", json!(null)).unwrap();
    }
}

#[test]
fn every_command_for_every_role_signed_out_and_on_own_and_other_site() {
    let dir = tempfile::tempdir().unwrap();
    let (meudon_student, _) = demo_db(dir.path());
    let ids = ids(dir.path(), meudon_student);
    let (_app, webview, _opened) = app_recording(config(dir.path(), None));
    walk_matrix(&webview, &ids, |cmd, login, result| {
        refused(cmd, login, result, ErrorCode::Forbidden)
    });
}

#[test]
fn a_locked_session_refuses_every_command_and_unlocking_uses_the_current_rights() {
    let dir = tempfile::tempdir().unwrap();
    let (meudon_student, vanves_student) = demo_db(dir.path());
    let ids = ids(dir.path(), meudon_student);
    let mut cfg = config(dir.path(), None);
    cfg.lock_after_seconds = 1;
    let (_app, webview, opened) = app_recording(cfg);
    let (_admin_app, admin) = app_with(config(dir.path(), None));
    sign_in(&webview, 5, "agent.meudon");
    sign_in(&admin, 5, "admin.demo");
    // The inactivity delay is the rule under test: wait past it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    for cmd in portee_app::COMMANDS {
        let c = case(cmd, &ids).expect("a permission case");
        if matches!(c.access, Access::Public | Access::Unlock) {
            continue;
        }
        for req in c.own.iter().chain(&c.other) {
            refused(
                cmd,
                "locked",
                invoke(&webview, cmd, req.clone()),
                ErrorCode::SessionLocked,
            );
        }
    }
    assert!(opened.lock().unwrap().is_empty());
    // Meanwhile an administrator gives the agent Vanves too.
    let staff: Vec<StaffSummary> =
        serde_json::from_value(invoke(&admin, "list_staff", json!(null)).unwrap()).unwrap();
    let agent = staff.iter().find(|s| s.login == "agent.meudon").unwrap();
    invoke(
        &admin,
        "change_staff",
        json!({ "id": agent.id, "version": agent.version,
            "action": { "RoleAndSites": { "role": "agent", "site_ids": [5, 7] } } }),
    )
    .unwrap();
    // The right password unlocks nothing held with the old rights: the
    // session ends, saying why, and the next sign-in has the new ones.
    let e = error(
        invoke(
            &webview,
            "unlock",
            json!({ "password": "demo-agent.meudon" }),
        )
        .unwrap_err(),
    );
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert!(e.message.contains("droits"), "{}", e.message);
    let e = error(
        invoke(
            &webview,
            "search_students",
            json!({ "query": vanves_student }),
        )
        .unwrap_err(),
    );
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    let session = invoke(
        &webview,
        "sign_in",
        json!({ "site_id": 7, "login": "agent.meudon", "password": "demo-agent.meudon" }),
    )
    .unwrap();
    assert_eq!(session["site_names"], json!(["Meudon", "Vanves"]));
    let hits: Vec<StudentHit> = serde_json::from_value(
        invoke(
            &webview,
            "search_students",
            json!({ "query": vanves_student }),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(hits.iter().any(|h| h.site_name == "Vanves"));
}

#[test]
fn an_account_changed_by_an_administrator_ends_its_open_session() {
    let dir = tempfile::tempdir().unwrap();
    let (meudon_student, vanves_student) = demo_db(dir.path());
    // Two workstations on one database: the agent's and the administrator's.
    let (_app, webview) = app_with(config(dir.path(), None));
    let (_admin_app, admin) = app_with(config(dir.path(), None));
    sign_in(&admin, 5, "admin.demo");
    let account = |login: &str| -> StaffSummary {
        let staff: Vec<StaffSummary> =
            serde_json::from_value(invoke(&admin, "list_staff", json!(null)).unwrap()).unwrap();
        staff.into_iter().find(|s| s.login == login).unwrap()
    };
    let change = |login: &str, action: serde_json::Value| {
        let a = account(login);
        invoke(
            &admin,
            "change_staff",
            json!({ "id": a.id, "version": a.version, "action": action }),
        )
        .unwrap();
    };
    let search = |query: &str| invoke(&webview, "search_students", json!({ "query": query }));
    let ended = |result: Result<serde_json::Value, serde_json::Value>, why: &str| {
        let e = error(result.unwrap_err());
        assert_eq!(e.code, ErrorCode::Unauthenticated, "{}", e.message);
        assert!(e.message.contains(why), "{}", e.message);
        let e_first = e.message;
        // The session is gone, not merely refused once, and the sign-in
        // screen says why.
        let e = error(invoke(&webview, "activity", json!(null)).unwrap_err());
        assert_eq!(e.message, "Veuillez vous connecter.");
        let status = invoke(&webview, "auth_status", json!(null)).unwrap();
        assert!(status["session"].is_null());
        assert_eq!(status["session_ended"].as_str(), Some(e_first.as_str()));
    };

    // Sites changed (Meudon → Vanves): the next command ends the session.
    sign_in(&webview, 5, "agent.meudon");
    search(&meudon_student).unwrap();
    change(
        "agent.meudon",
        json!({ "RoleAndSites": { "role": "agent", "site_ids": [7] } }),
    );
    ended(search(&meudon_student), "droits");
    // Signed in again, the new rights apply: Vanves, and no longer Meudon.
    sign_in(&webview, 7, "agent.meudon");
    let status = invoke(&webview, "auth_status", json!(null)).unwrap();
    assert!(status["session_ended"].is_null());
    let hits: Vec<StudentHit> = serde_json::from_value(search(&vanves_student).unwrap()).unwrap();
    assert!(hits.iter().any(|h| h.site_name == "Vanves"));
    let hits: Vec<StudentHit> = serde_json::from_value(search(&meudon_student).unwrap()).unwrap();
    assert!(hits.iter().all(|h| h.site_name != "Meudon"));

    // Disabled: ended, and signing in is refused.
    change("agent.meudon", json!("Disable"));
    ended(search(&vanves_student), "désactivé");
    assert!(
        invoke(
            &webview,
            "sign_in",
            json!({ "site_id": 7, "login": "agent.meudon", "password": "demo-agent.meudon" }),
        )
        .is_err()
    );

    // Demoted (responsable → agent), even on the same site.
    sign_in(&webview, 5, "resp.meudon");
    invoke(&webview, "list_staff", json!(null)).unwrap_err();
    change(
        "resp.meudon",
        json!({ "RoleAndSites": { "role": "agent", "site_ids": [5] } }),
    );
    ended(invoke(&webview, "activity", json!(null)), "droits");

    // Password reset by an administrator.
    sign_in(&webview, 5, "resp.meudon");
    search(&meudon_student).unwrap();
    change(
        "resp.meudon",
        json!({ "ResetPassword": { "temporary_password": "Provisoire-2026" } }),
    );
    ended(search(&meudon_student), "réinitialisé");
}

/// (A locked session cannot change its password: see
/// `a_locked_session_refuses_every_command_and_unlocking_uses_the_current_rights`.)
#[test]
fn wrong_current_passwords_count_like_sign_in_and_lock_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let (meudon_student, _) = demo_db(dir.path());
    let (_app, webview) = app_with(config(dir.path(), None));
    let change = |current: &str| {
        invoke(
            &webview,
            "change_own_password",
            json!({ "current_password": current, "new_password": "Meudon-2027-ok",
                "confirmation": "Meudon-2027-ok" }),
        )
    };
    sign_in(&webview, 5, "agent.meudon");
    for attempt in 1..=4 {
        let e = error(change(&format!("mauvais-{attempt}")).unwrap_err());
        assert_eq!(e.code, ErrorCode::Validation, "{attempt}: {}", e.message);
        assert!(e.message.contains("actuel est incorrect"), "{}", e.message);
    }
    // The fifth locks the account, as at sign-in, and ends the session.
    let e = error(change("mauvais-5").unwrap_err());
    assert_eq!(e.code, ErrorCode::Unauthenticated, "{}", e.message);
    assert!(e.message.contains("verrouillé"), "{}", e.message);
    let e = error(
        invoke(
            &webview,
            "search_students",
            json!({ "query": meudon_student }),
        )
        .unwrap_err(),
    );
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    // Locked: the right password no longer opens a session.
    let e = error(
        invoke(
            &webview,
            "sign_in",
            json!({ "site_id": 5, "login": "agent.meudon", "password": "demo-agent.meudon" }),
        )
        .unwrap_err(),
    );
    assert_eq!(e.code, ErrorCode::Unauthenticated);
}

#[test]
fn a_sibling_on_another_site_is_neither_named_nor_detailed_in_the_fiche_and_history() {
    let dir = tempfile::tempdir().unwrap();
    demo_db(dir.path());
    // A family of Meudon whose second child is moved to Vanves, with an
    // entry about that child as the dossier code writes it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (child, family, sibling_name) = rt.block_on(async {
        let url = portee_config::sqlite_url(&dir.path().join("portee.sqlite3"));
        let db = portee_store::Database::connect(&url).await.unwrap();
        let portee_store::Database::Sqlite(pool) = &db else { unreachable!() };
        let (family, child, sibling): (i64, i64, i64) = sqlx::query_as(
            "SELECT family_id, MIN(id), MAX(id) FROM students WHERE site_id = 5 \
             GROUP BY family_id HAVING COUNT(*) >= 2 ORDER BY family_id LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query("UPDATE students SET site_id = 7 WHERE id = $1")
            .bind(sibling)
            .execute(pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (occurred_at, actor_kind, workstation, action, entity_type, entity_id, \
             after_json, family_id, student_id) VALUES ($1, 'family', 'extranet', 'dossier.update', \
             'reinscription', '4242', '{\"extra_information\":\"Secret de la sœur\"}', $2, $3)",
        )
        .bind(chrono::Utc::now())
        .bind(family)
        .bind(sibling)
        .execute(pool)
        .await
        .unwrap();
        let name: (String, String) =
            sqlx::query_as("SELECT first_name, last_name FROM students WHERE id = $1")
                .bind(sibling)
                .fetch_one(pool)
                .await
                .unwrap();
        db.close().await;
        (child, family, name)
    });
    let (_app, webview) = app_with(config(dir.path(), None));
    for (login, is_admin) in [("agent.meudon", false), ("admin.demo", true)] {
        sign_in(&webview, 5, login);
        let record = invoke(&webview, "get_student", json!({ "student_id": child })).unwrap();
        let history = invoke(
            &webview,
            "history",
            json!({ "subject": { "Family": family }, "before_id": null }),
        )
        .unwrap();
        let text = format!("{record}{history}");
        let named = text.contains(&sibling_name.0) && text.contains(&sibling_name.1);
        let record: StudentRecordView = serde_json::from_value(record).unwrap();
        let history: HistoryPage = serde_json::from_value(history).unwrap();
        let sibling = record
            .siblings
            .iter()
            .find(|s| s.site_name == "Vanves")
            .unwrap();
        let newest = &history.entries[0];
        if is_admin {
            assert!(named && text.contains("Secret"), "{login}");
            assert!(sibling.visible && sibling.student_id.is_some());
            assert_eq!(newest.action, "dossier.update");
        } else {
            assert!(!named && !text.contains("Secret"), "{login}: {text}");
            assert!(!sibling.visible && sibling.student_id.is_none());
            assert_eq!(
                sibling.name,
                "Un frère ou une sœur suivi(e) sur un autre site"
            );
            assert_eq!(
                newest.action_label,
                "Un autre enfant de la famille, suivi sur un autre site"
            );
            assert!(newest.changes.is_empty() && newest.entity_label.is_empty());
        }
        invoke(&webview, "sign_out", json!(null)).unwrap();
    }
}

/// A demo network of 300 students in a new PostgreSQL database (dropped
/// with the returned `TestDb`), written as `portee-admin seed` does (a
/// superuser); with the workstation's URL (no user, no password) and the
/// matrix's ids.
fn demo_pg() -> (portee_tests::db::TestDb, String, Ids) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let t = portee_tests::db::TestDb::postgres().await.unwrap();
        let db = portee_store::Database::connect(&t.url).await.unwrap();
        db.migrate().await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        portee_services::demo::seed(&db, 300, 5, today, &portee_store::Actor::system("test"))
            .await
            .unwrap();
        let portee_store::Database::Postgres(pool) = &db else { unreachable!() };
        let mut rec = [(0, 0, 0); 2];
        for (i, site) in [5i16, 7].into_iter().enumerate() {
            rec[i] = sqlx::query_as(RECORD_IDS_SQL).bind(site).fetch_one(pool).await.unwrap();
        }
        let (l, f): (String, String) = sqlx::query_as(
            "SELECT last_name, first_name FROM students s WHERE site_id = 5 AND NOT EXISTS \
             (SELECT 1 FROM students o WHERE o.last_name = s.last_name AND o.site_id <> 5) ORDER BY id LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        let guardian: i64 =
            sqlx::query_scalar("SELECT id FROM guardians WHERE family_id = $1 AND rank = 1")
                .bind(rec[0].1)
                .fetch_one(pool)
                .await
                .unwrap();
        let agent: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE login = 'agent.meudon'")
            .fetch_one(pool)
            .await
            .unwrap();
        let slots = (slot_of!(pool, 5), slot_of!(pool, 7));
        let courses = (course_of!(pool, slots.0), course_of!(pool, slots.1));
        db.close().await;
        let name = t.url.rsplit('/').next().unwrap_or_default().to_owned();
        let workstation = format!("postgres://127.0.0.1:5432/{name}");
        let ids = Ids {
            meudon: rec[0],
            vanves: rec[1],
            guardian,
            agent,
            meudon_student: format!("{f} {l}"),
            slots,
            courses,
        };
        (t, workstation, ids)
    })
}

/// The same matrix on the shared PostgreSQL database, the app connected as
/// each member's own role (issue 9): the server's policies now stand behind
/// the app's checks. Another site's record is refused by the app
/// (`Forbidden`) or, when the database hides it from the member first,
/// does not exist for them (`NotFound`): never handed out.
#[test]
fn every_command_for_every_role_on_postgres_connected_as_their_own_role() {
    let (t, workstation, ids) = demo_pg();
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview, _opened) = app_recording(config(dir.path(), Some(&workstation)));
    walk_matrix(&webview, &ids, |cmd, login, result| {
        let e = error(result.expect_err(&format!("{login} {cmd}: should be refused")));
        assert!(
            matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound),
            "{login} {cmd}: {:?} {}",
            e.code,
            e.message
        );
    });
    // The agent's opening of a Meudon document was written by the
    // database in the agent's name (portee_audit_append), not as whoever
    // the app might claim.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let opened: i64 = rt.block_on(async {
        let db = portee_store::Database::connect(&t.url).await.unwrap();
        let portee_store::Database::Postgres(pool) = &db else {
            unreachable!()
        };
        let n = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'document.open' AND staff_id = $1 \
             AND entity_id = $2",
        )
        .bind(ids.agent)
        .bind(ids.meudon.2.to_string())
        .fetch_one(pool)
        .await
        .unwrap();
        db.close().await;
        n
    });
    assert_eq!(opened, 1);
}

/// `an_account_changed_by_an_administrator_ends_its_open_session` on
/// PostgreSQL, each window connected as its member's own role. The
/// accounts changed are created for the test (a demo role is shared by
/// every demo database of the server: disabling one here would disable it
/// everywhere). Disabling ends the member's connections on the server;
/// the window then says so.
#[test]
fn on_postgres_an_account_changed_by_an_administrator_ends_its_open_session() {
    let (t, workstation, ids) = demo_pg();
    let dir = tempfile::tempdir().unwrap();
    let admin_dir = tempfile::tempdir().unwrap();
    // Roles are the server's: names no other test (nor run) uses.
    let suffix = &t.url[t.url.len() - 12..];
    let (agent_login, resp_login) = (format!("chg-a.{suffix}"), format!("chg-r.{suffix}"));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let (_app, webview) = app_with(config(dir.path(), Some(&workstation)));
        let (_admin_app, admin) = app_with(config(admin_dir.path(), Some(&workstation)));
        sign_in(&admin, 5, "admin.demo");
        let account = |login: &str| -> StaffSummary {
            let staff: Vec<StaffSummary> =
                serde_json::from_value(invoke(&admin, "list_staff", json!(null)).unwrap()).unwrap();
            staff.into_iter().find(|s| s.login == login).unwrap()
        };
        let change = |login: &str, action: serde_json::Value| {
            let a = account(login);
            invoke(
                &admin,
                "change_staff",
                json!({ "id": a.id, "version": a.version, "action": action }),
            )
            .unwrap();
        };
        // New accounts, then their own passwords (the temporary one first).
        for (login, role) in [(&agent_login, "agent"), (&resp_login, "responsable")] {
            invoke(
                &admin,
                "create_staff",
                json!({ "login": login, "display_name": "Zoé Hervé", "role": role,
                    "site_ids": [5], "temporary_password": "Provisoire-2026" }),
            )
            .unwrap();
            invoke(
                &webview,
                "sign_in",
                json!({ "site_id": 5, "login": login, "password": "Provisoire-2026" }),
            )
            .unwrap();
            let e = error(
                invoke(
                    &webview,
                    "search_students",
                    json!({ "query": ids.meudon_student }),
                )
                .unwrap_err(),
            );
            assert_eq!(e.code, ErrorCode::Forbidden, "{}", e.message);
            invoke(
                &webview,
                "change_own_password",
                json!({ "current_password": "Provisoire-2026", "new_password": "Meudon-2027-ok",
                    "confirmation": "Meudon-2027-ok" }),
            )
            .unwrap();
            invoke(&webview, "sign_out", json!(null)).unwrap();
        }
        let sign = |site: i16, login: &str| {
            invoke(
                &webview,
                "sign_in",
                json!({ "site_id": site, "login": login, "password": "Meudon-2027-ok" }),
            )
        };
        let search = |query: &str| invoke(&webview, "search_students", json!({ "query": query }));
        // `why`: the reason read from the account; when the change also
        // ended the member's connections before the app could read it, the
        // server's refusal of the reconnection is the reason given.
        let ended = |result: Result<serde_json::Value, serde_json::Value>, why: &str| {
            let e = error(result.unwrap_err());
            assert_eq!(e.code, ErrorCode::Unauthenticated, "{}", e.message);
            assert!(
                e.message.contains(why) || e.message.contains("n'accepte plus votre connexion"),
                "{}",
                e.message
            );
            let status = invoke(&webview, "auth_status", json!(null)).unwrap();
            assert!(status["session"].is_null());
            assert_eq!(status["session_ended"].as_str(), Some(e.message.as_str()));
        };

        // Sites changed (Meudon → Vanves): the next command ends the session.
        sign(5, &agent_login).unwrap();
        search(&ids.meudon_student).unwrap();
        change(
            &agent_login,
            json!({ "RoleAndSites": { "role": "agent", "site_ids": [7] } }),
        );
        ended(search(&ids.meudon_student), "droits");
        sign(7, &agent_login).unwrap();
        let hits: Vec<StudentHit> =
            serde_json::from_value(search(&ids.meudon_student).unwrap()).unwrap();
        assert!(hits.iter().all(|h| h.site_name != "Meudon"));

        // Disabled: the server ends the member's connections; the window
        // says so, and signing in is refused.
        change(&agent_login, json!("Disable"));
        ended(search(&ids.meudon_student), "désactivé");
        assert!(sign(7, &agent_login).is_err());

        // Demoted (responsable → agent), even on the same site.
        sign(5, &resp_login).unwrap();
        invoke(&webview, "list_staff", json!(null)).unwrap_err();
        change(
            &resp_login,
            json!({ "RoleAndSites": { "role": "agent", "site_ids": [5] } }),
        );
        ended(invoke(&webview, "activity", json!(null)), "droits");

        // Password reset by an administrator: the old one no longer signs in.
        sign(5, &resp_login).unwrap();
        search(&ids.meudon_student).unwrap();
        change(
            &resp_login,
            json!({ "ResetPassword": { "temporary_password": "Provisoire-2027" } }),
        );
        ended(search(&ids.meudon_student), "réinitialisé");
        assert!(sign(5, &resp_login).is_err());
        invoke(
            &webview,
            "sign_in",
            json!({ "site_id": 5, "login": resp_login, "password": "Provisoire-2027" }),
        )
        .unwrap();
    }));
    drop(t);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&portee_tests::db::pg_admin_url()).await {
            for login in [&agent_login, &resp_login] {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP ROLE IF EXISTS \"{login}\""
                )))
                .execute(&mut conn)
                .await;
            }
        }
    });
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn an_agent_exports_the_reinscriptions_list_of_their_sites_only_and_the_export_is_audited() {
    use portee_api::reinscription::ExportedList;
    let dir = tempfile::tempdir().unwrap();
    demo_db(dir.path());
    let (_app, webview) = app_with(config(dir.path(), None));
    invoke(
        &webview,
        "sign_in",
        json!({ "site_id": 5, "login": "agent.meudon", "password": "demo-agent.meudon" }),
    )
    .unwrap();
    let every = json!({ "status": null, "site_id": null, "discipline_id": null,
        "missing_documents": false });
    let done: ExportedList =
        serde_json::from_value(invoke(&webview, "export_reinscriptions", every).unwrap()).unwrap();
    assert!(done.rows > 0, "{done:?}");
    let path = std::path::PathBuf::from(&done.path);
    assert_eq!(path.parent(), Some(dir.path().join("exports").as_path()));
    let bytes = std::fs::read(&path).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 byte-order mark");
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines.len() as u64, done.rows + 1, "one line per row, CRLF");
    assert!(
        lines[0].starts_with("élève;site;famille;état"),
        "{}",
        lines[0]
    );
    // Meudon's rows only: the agent covers Meudon.
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.split(';').nth(1) == Some("Meudon")),
        "{text}"
    );
    assert!(!text.contains('\n') || text.matches('\n').count() == text.matches("\r\n").count());

    // Another site's list: refused, with the field named; nothing written.
    let before = std::fs::read_dir(dir.path().join("exports"))
        .unwrap()
        .count();
    let refused = error(
        invoke(
            &webview,
            "export_reinscriptions",
            json!({ "status": null, "site_id": 7, "discipline_id": null, "missing_documents": false }),
        )
        .unwrap_err(),
    );
    assert_eq!(refused.code, ErrorCode::Validation);
    assert_eq!(refused.field.as_deref(), Some("filtre-site"));
    assert_eq!(
        std::fs::read_dir(dir.path().join("exports"))
            .unwrap()
            .count(),
        before
    );

    // The export is in the audit log, with its row count and file name.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (rows, file): (String, String) = rt.block_on(async {
        let url = portee_config::sqlite_url(&dir.path().join("portee.sqlite3"));
        let db = portee_store::Database::connect(&url).await.unwrap();
        let portee_store::Database::Sqlite(pool) = &db else { unreachable!() };
        let after: String = sqlx::query_scalar(
            "SELECT after_json FROM audit_log WHERE action = 'reinscription.export' ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        db.close().await;
        let v: serde_json::Value = serde_json::from_str(&after).unwrap();
        (v["rows"].to_string(), v["file_name"].as_str().unwrap_or_default().to_owned())
    });
    assert_eq!(rows, done.rows.to_string());
    assert_eq!(
        Some(file.as_str()),
        path.file_name().and_then(|n| n.to_str())
    );
}
