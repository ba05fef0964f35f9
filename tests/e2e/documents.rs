//! Documents: an agent of Meudon reviews three demo uploads in the real
//! window with the keyboard alone once the queue is shown (accept a proof
//! of address with its date, refuse an out-of-date one by the 3-month
//! rule, accept a CAF attestation with its quotient familial), the fiche
//! then shows the new statuses; a sideways page is turned a quarter.

use std::time::Duration;

use chrono::{DateTime, Utc};
use fantoccini::{Locator, key::Key};
use portee_store::Database;
use portee_tests::e2e::{AppInstance, LaunchOptions, scenario};

const WAIT: Duration = Duration::from_secs(30);

fn demo() -> LaunchOptions {
    LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "400".to_owned())],
        ..Default::default()
    }
}

/// Keys pressed on the focused element.
async fn press(app: &AppInstance, keys: &str) -> anyhow::Result<()> {
    app.client.active_element().await?.send_keys(keys).await?;
    tokio::time::sleep(Duration::from_millis(80)).await;
    Ok(())
}

/// Alt + a letter (the review screen's shortcuts), then Alt released.
fn alt(letter: char) -> String {
    format!("{}{letter}{}", Key::Alt, Key::Null)
}

/// Focuses an element as Tab would reach it (a field's text selected, as
/// Tab does), then leaves the rest to keys.
async fn focus(app: &AppInstance, css: &str) -> anyhow::Result<()> {
    app.wait_for(css, WAIT).await?;
    app.client
        .execute(
            "const e = document.querySelector(arguments[0]); e.focus(); if (e.select) e.select();",
            vec![serde_json::json!(css)],
        )
        .await?;
    Ok(())
}

/// A received document of a Meudon-only family, of `doc_type`, with its
/// upload time: (id, family, uploaded_at).
async fn pick(
    pool: &sqlx::SqlitePool,
    doc_type: &str,
    not: &[i64],
) -> anyhow::Result<(i64, i64, DateTime<Utc>)> {
    let not: Vec<String> = not.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT d.id, d.family_id, d.uploaded_at FROM documents d WHERE d.status = 'received' \
         AND d.content IS NOT NULL AND d.doc_type = $1 AND d.id NOT IN ({}) \
         AND EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id = 5) \
         AND NOT EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id <> 5) \
         ORDER BY d.id LIMIT 1",
        if not.is_empty() {
            "0".to_owned()
        } else {
            not.join(", ")
        }
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(doc_type)
        .fetch_one(pool)
        .await?)
}

fn day(t: DateTime<Utc>, days_before: i64) -> String {
    (t - chrono::Duration::days(days_before))
        .format("%d/%m/%Y")
        .to_string()
}

/// Opens document `id` from the queue with the keyboard, waits for its
/// page to be drawn.
async fn open(app: &AppInstance, id: i64) -> anyhow::Result<()> {
    app.wait_for("#documents", WAIT).await?;
    focus(app, &format!("#document-{id}")).await?;
    press(app, &Key::Enter.to_string()).await?;
    app.wait_for("#examen-decision", WAIT).await?;
    app.wait_for("#document-page", WAIT).await?;
    app.wait_prop("#document-page", "complete", "true", WAIT)
        .await?;
    Ok(())
}

#[tokio::test]
async fn an_agent_reviews_three_uploads_with_the_keyboard_and_the_fiche_shows_them() {
    scenario("documents-examen", demo(), async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (proof, _, proof_at) = pick(pool, "justificatif_domicile", &[]).await?;
        let (old, _, old_at) = pick(pool, "justificatif_domicile", &[proof]).await?;
        let (caf, caf_family, caf_at) = pick(pool, "attestation_caf", &[]).await?;

        app.click("#nav-documents").await?;
        app.wait_text("#documents-compte", "document", WAIT).await?;
        app.screenshot("documents-file").await?;

        // 1. A proof of address dated 10 days before its upload: accepted.
        open(app, proof).await?;
        app.screenshot("documents-examen").await?;
        focus(app, "#examen-date").await?;
        press(app, &day(proof_at, 10)).await?;
        press(app, &alt('a')).await?;
        app.wait_text("#examen-message-resultat", "accepté", WAIT).await?;

        // 2. One dated 5 months before: the rule turns it into a refusal
        //    (reason prefilled « Document périmé »), confirmed with Alt+R.
        focus(app, "#examen-retour").await?;
        press(app, &Key::Enter.to_string()).await?;
        open(app, old).await?;
        focus(app, "#examen-date").await?;
        press(app, &format!("{}{}", day(old_at, 150), Key::Tab)).await?;
        app.wait_text("#examen-date-regle", "plus de 3 mois", WAIT).await?;
        app.wait_prop("#examen-motif", "value", "perime", WAIT).await?;
        press(app, &alt('r')).await?;
        app.wait_text("#examen-message-resultat", "Document périmé", WAIT).await?;

        // 3. A CAF attestation: its date and its quotient familial.
        focus(app, "#examen-retour").await?;
        press(app, &Key::Enter.to_string()).await?;
        open(app, caf).await?;
        focus(app, "#examen-date").await?;
        press(app, &format!("{}{}", day(caf_at, 20), Key::Tab)).await?;
        // Without its quotient, the decision is refused and nothing changes.
        press(app, &alt('a')).await?;
        app.wait_text("#examen-message-resultat", "quotient familial", WAIT).await?;
        focus(app, "#examen-qf").await?;
        press(app, "742").await?;
        press(app, &alt('a')).await?;
        app.wait_text("#examen-message-resultat", "accepté", WAIT).await?;

        let status = |id: i64| {
            sqlx::query_as::<_, (String, Option<String>, Option<i32>, Option<i64>)>(
                "SELECT status, rejection_reason, quotient_familial, reviewed_by_staff_id FROM documents WHERE id = $1",
            )
            .bind(id)
        };
        let agent: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE login = 'agent.meudon'")
            .fetch_one(pool)
            .await?;
        let (s, _, _, by) = status(proof).fetch_one(pool).await?;
        anyhow::ensure!(s == "accepted" && by == Some(agent), "{s} {by:?}");
        let (s, reason, _, _) = status(old).fetch_one(pool).await?;
        anyhow::ensure!(s == "rejected" && reason.as_deref() == Some("Document périmé"), "{s} {reason:?}");
        let (s, _, qf, _) = status(caf).fetch_one(pool).await?;
        anyhow::ensure!(s == "accepted" && qf == Some(742), "{s} {qf:?}");
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('document.accept', 'document.reject') \
             AND staff_id = $1 AND entity_id IN ($2, $3, $4)",
        )
        .bind(agent)
        .bind(proof.to_string())
        .bind(old.to_string())
        .bind(caf.to_string())
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(audited == 3, "{audited} decisions audited");

        // The fiche of a child of the CAF's family shows it accepted.
        let (pupil, first, last): (i64, String, String) = sqlx::query_as(
            "SELECT id, first_name, last_name FROM students WHERE family_id = $1 ORDER BY id LIMIT 1",
        )
        .bind(caf_family)
        .fetch_one(pool)
        .await?;
        db.close().await;
        app.open_student(&format!("{first} {last}"), pupil).await?;
        app.click("#onglet-documents").await?;
        app.wait_for(".doc-status.doc-accepted", WAIT).await?;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_page_is_turned_a_quarter_and_zoomed() {
    scenario("documents-pivoter", demo(), async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (doc, _, _) = pick(pool, "avis_imposition", &[]).await?;
        db.close().await;
        app.click("#nav-documents").await?;
        open(app, doc).await?;
        let w = app
            .prop("#document-page", "naturalWidth")
            .await?
            .unwrap_or_default();
        let h = app
            .prop("#document-page", "naturalHeight")
            .await?
            .unwrap_or_default();
        let (w, h) = (w.parse::<u32>().unwrap_or(0), h.parse::<u32>().unwrap_or(0));
        anyhow::ensure!(w > 0 && h > w, "{w}×{h}: an upright A4 page");
        // Turned a quarter: landscape, still as wide as the viewer.
        app.click("#pivoter").await?;
        let mut turned = (0, 0);
        for _ in 0..100 {
            let tw = app
                .prop("#document-page", "naturalWidth")
                .await?
                .unwrap_or_default();
            let th = app
                .prop("#document-page", "naturalHeight")
                .await?
                .unwrap_or_default();
            turned = (
                tw.parse::<u32>().unwrap_or(0),
                th.parse::<u32>().unwrap_or(0),
            );
            if turned.1 > 0 && turned.0 > turned.1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::ensure!(
            turned.1 > 0 && turned.0 > turned.1,
            "{turned:?}: not turned"
        );
        app.screenshot("documents-pivote").await?;
        // 100 %: an A4 page is about 794 pixels wide at 96 dpi, turned
        // back upright.
        for _ in 0..3 {
            app.click("#pivoter").await?;
        }
        app.click("#zoom-100").await?;
        app.wait_text("#zoom-niveau", "100 %", WAIT).await?;
        let mut width = 0;
        for _ in 0..100 {
            width = app
                .client
                .find(Locator::Css("#document-page"))
                .await?
                .attr("width")
                .await?
                .and_then(|w| w.parse::<u32>().ok())
                .unwrap_or(0);
            if (560..=1000).contains(&width) && width < h {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::ensure!((560..=1000).contains(&width), "100 % : {width} px");
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_file_that_cannot_be_drawn_says_so_and_is_refused_with_its_reason() {
    scenario("documents-illisible", demo(), async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (doc, _, _) = pick(pool, "avis_imposition", &[]).await?;
        // Its bytes damaged in the database: a header and nothing else.
        sqlx::query("UPDATE documents SET content = $2 WHERE id = $1")
            .bind(doc)
            .bind(b"%PDF-1.4\nrien de lisible\n".to_vec())
            .execute(pool)
            .await?;
        app.click("#nav-documents").await?;
        app.wait_for("#documents", WAIT).await?;
        focus(app, &format!("#document-{doc}")).await?;
        press(app, &Key::Enter.to_string()).await?;
        app.wait_text("#document-illisible", "ne peut pas être affiché", WAIT)
            .await?;
        press(app, &alt('r')).await?;
        app.wait_for("#examen-motif", WAIT).await?;
        app.click("#examen-motif option[value='illisible']").await?;
        focus(app, "#examen-message").await?;
        press(app, "Le fichier envoyé est abîmé : déposez-le à nouveau.").await?;
        app.click("#examen-refuser").await?;
        app.wait_text("#examen-message-resultat", "Document illisible", WAIT)
            .await?;
        let (status, note): (String, Option<String>) =
            sqlx::query_as("SELECT status, rejection_note FROM documents WHERE id = $1")
                .bind(doc)
                .fetch_one(pool)
                .await?;
        anyhow::ensure!(
            status == "rejected" && note.is_some_and(|n| n.contains("abîmé")),
            "{status}"
        );
        db.close().await;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn on_postgres_two_reviewers_open_the_same_document_and_only_the_first_decision_counts() {
    use portee_store::Actor;
    use portee_tests::db::TestDb;
    let pg = TestDb::postgres().await.unwrap();
    let db = Database::connect(&pg.url).await.unwrap();
    db.migrate().await.unwrap();
    portee_services::demo::seed(
        &db,
        400,
        5,
        chrono::Utc::now().date_naive(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let Database::Postgres(pool) = &db else {
        unreachable!()
    };
    let doc: i64 = sqlx::query_scalar(
        "SELECT MIN(d.id) FROM documents d WHERE d.status = 'received' AND d.content IS NOT NULL \
         AND d.doc_type = 'avis_imposition' \
         AND EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id = 5) \
         AND NOT EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id <> 5)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let name = pg.url.rsplit('/').next().unwrap_or_default().to_owned();
    let options = LaunchOptions {
        database_url: Some(format!("postgres://127.0.0.1:5432/{name}")),
        ..Default::default()
    };
    let result = scenario("documents-deux-postes", options.clone(), async |a| {
        let b = AppInstance::launch(options.clone()).await?;
        let done = async {
            a.sign_in_demo(5, "agent.meudon").await?;
            b.sign_in_demo(5, "resp.meudon").await?;
            a.click("#nav-documents").await?;
            open(a, doc).await?;
            b.click("#nav-documents").await?;
            b.wait_text("#documents", "en cours d'examen par", WAIT)
                .await?;
            open(&b, doc).await?;
            b.wait_text("#examen-autre", "En cours d'examen par", WAIT)
                .await?;
            b.screenshot("documents-deux-postes-b").await?;
            // A refuses; B, who read the same version, accepts: refused.
            a.click("#examen-refuser").await?;
            a.click("#examen-motif option[value='incomplet']").await?;
            a.click("#examen-refuser").await?;
            a.wait_text("#examen-message-resultat", "refusé", WAIT)
                .await?;
            b.fill("#examen-rfr", "31250").await?;
            b.fill("#examen-parts", "2,5").await?;
            b.click("#examen-accepter").await?;
            b.wait_text("#examen-message-resultat", "déjà été refusé", WAIT)
                .await?;
            Ok(())
        }
        .await;
        b.close().await;
        done
    })
    .await;
    let decisions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('document.accept', 'document.reject') \
         AND entity_id = $1",
    )
    .bind(doc.to_string())
    .fetch_one(pool)
    .await
    .unwrap();
    let status: String = sqlx::query_scalar("SELECT status FROM documents WHERE id = $1")
        .bind(doc)
        .fetch_one(pool)
        .await
        .unwrap();
    db.close().await;
    result.unwrap();
    assert_eq!((decisions, status.as_str()), (1, "rejected"));
}

#[tokio::test]
async fn an_administrator_lists_then_applies_the_retention_rule_from_administration() {
    scenario("documents-conservation", demo(), async |app| {
        app.sign_in_demo(5, "admin.demo").await?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        // A tax notice accepted 40 days ago, with its facts.
        let (tax, _, _) = pick(pool, "avis_imposition", &[]).await?;
        let long_ago = Utc::now() - chrono::Duration::days(40);
        sqlx::query(
            "UPDATE documents SET status = 'accepted', reviewed_at = $2, revenu_fiscal = 31250, \
             tax_parts = 2 WHERE id = $1",
        )
        .bind(tax)
        .bind(long_ago)
        .execute(pool)
        .await?;
        app.click("#nav-administration").await?;
        app.click("#admin-onglet-conservation").await?;
        app.click("#conservation-lister").await?;
        app.wait_text("#conservation-liste", "rien n'a été retiré", WAIT)
            .await?;
        app.wait_text("#conservation-pieces", "Avis d'imposition", WAIT)
            .await?;
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM documents WHERE id = $1 AND content IS NOT NULL",
        )
        .bind(tax)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(held == 1, "the listing removed the content");
        app.click("#conservation-retirer").await?;
        app.wait_text("#conservation-resultat", "retirés", WAIT)
            .await?;
        let (content, fiscal): (Option<Vec<u8>>, Option<i64>) =
            sqlx::query_as("SELECT content, revenu_fiscal FROM documents WHERE id = $1")
                .bind(tax)
                .fetch_one(pool)
                .await?;
        anyhow::ensure!(content.is_none() && fiscal == Some(31250));
        db.close().await;
        Ok(())
    })
    .await
    .unwrap();
}
