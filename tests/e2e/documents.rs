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

/// The number of rows `sql` counts in the app's SQLite database.
async fn count(app: &AppInstance, sql: &str) -> anyhow::Result<i64> {
    let db = app.database().await?;
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await?;
    db.close().await;
    Ok(n)
}

#[tokio::test]
async fn the_missing_documents_list_reminds_a_family_asks_before_a_second_reminder_and_exports() {
    scenario("documents-manquantes", demo(), async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        app.click("#nav-documents").await?;
        app.click("#documents-onglet-manquantes").await?;
        app.wait_text("#manquantes-compte", "doivent encore des pièces", WAIT)
            .await?;
        app.wait_for("#manquantes tbody input[type=checkbox]", WAIT)
            .await?;
        app.screenshot("documents-manquantes").await?;
        // The first family shown with an e-mail address and something to
        // send (a missing or refused piece).
        let family: i64 = app
            .client
            .execute(
                "for (const tr of document.querySelectorAll('#manquantes tbody tr')) { \
                   const cells = tr.querySelectorAll('td'); \
                   const mail = cells[cells.length - 1].textContent; \
                   const asked = tr.querySelector('.owed-manquant, .owed-refuse'); \
                   if (mail.includes('@') && asked) { \
                     return Number(tr.querySelector('input').id.replace('manquante-', '')); } } \
                 return 0;",
                vec![],
            )
            .await?
            .as_i64()
            .unwrap_or(0);
        anyhow::ensure!(family > 0, "a family to remind");
        let tick = format!("#manquante-{family}");
        app.click(&tick).await?;
        app.wait_text("#manquantes-relancer", "(1)", WAIT).await?;
        app.click("#manquantes-relancer").await?;
        app.wait_text("#manquantes-resultat", "1 relance placée", WAIT)
            .await?;
        let recorded =
            format!("SELECT COUNT(*) FROM document_reminders WHERE family_id = {family}");
        anyhow::ensure!(count(app, &recorded).await? == 1);
        anyhow::ensure!(
            count(
                app,
                &format!(
                    "SELECT COUNT(*) FROM outbox o JOIN students s ON s.id = o.student_id \
                     WHERE o.kind = 'documents_reminder' AND s.family_id = {family}"
                )
            )
            .await?
                == 1
        );
        // The list says it; a second reminder asks first.
        app.wait_text(&format!("#manquantes tr:has({tick})"), "dernière le", WAIT)
            .await?;
        app.click(&tick).await?;
        app.click("#manquantes-relancer").await?;
        app.wait_text(
            "#manquantes-confirmer",
            "Relancées il y a moins de 7 jours",
            WAIT,
        )
        .await?;
        app.screenshot("documents-manquantes-confirmer").await?;
        anyhow::ensure!(
            count(app, &recorded).await? == 1,
            "nothing sent before the answer"
        );
        app.click("#manquantes-confirmer-oui").await?;
        app.wait_text("#manquantes-resultat", "1 relance placée", WAIT)
            .await?;
        anyhow::ensure!(count(app, &recorded).await? == 2);
        // The list as CSV in the exports folder.
        app.click("#manquantes-exporter").await?;
        let said = app
            .wait_text("#manquantes-resultat", "exportée(s) dans", WAIT)
            .await?;
        let path = said
            .split("dans ")
            .nth(1)
            .map(str::trim)
            .ok_or_else(|| anyhow::anyhow!("{said}"))?;
        let csv = std::fs::read(path)?;
        anyhow::ensure!(csv.starts_with("\u{feff}".as_bytes()), "UTF-8 with BOM");
        let text = String::from_utf8(csv)?;
        anyhow::ensure!(
            text.lines()
                .next()
                .unwrap_or_default()
                .contains("pièces dues;")
        );
        anyhow::ensure!(text.lines().count() >= 2);
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_document_is_replaced_from_the_review_screen_and_its_date_is_read_from_its_text() {
    let work = tempfile::tempdir().unwrap();
    let answer = work.path().join("dialogue.txt");
    let replacement =
        portee_tests::e2e::repo_root().join("tests/pdf-corpus/valid/minimal-handwritten-1.4.pdf");
    std::fs::write(&answer, replacement.display().to_string()).unwrap();
    let mut options = demo();
    options
        .env
        .push(("PORTEE_E2E_DIALOG".to_owned(), answer.display().to_string()));
    scenario("documents-remplacer", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        // A proof of address with a text layer (not a demo « scan ») whose
        // date nobody typed: the date it bears is suggested.
        let (proof, dated): (i64, chrono::NaiveDate) = sqlx::query_as(
            "SELECT d.id, d.document_date FROM documents d WHERE d.status = 'received' \
             AND d.content IS NOT NULL AND d.doc_type = 'justificatif_domicile' \
             AND d.document_date IS NOT NULL AND d.file_name NOT LIKE 'scan%' \
             AND EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id = 5) \
             ORDER BY d.id LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        sqlx::query("UPDATE documents SET document_date = NULL WHERE id = $1")
            .bind(proof)
            .execute(pool)
            .await?;
        db.close().await;
        app.click("#nav-documents").await?;
        open(app, proof).await?;
        app.wait_for("#examen-date-lue", WAIT).await?;
        let shown = app.prop("#examen-date", "value").await?.unwrap_or_default();
        anyhow::ensure!(shown == dated.format("%d/%m/%Y").to_string(), "{shown} / {dated}");
        app.screenshot("documents-date-lue").await?;
        // Replaced by a file « received at the desk ».
        app.click("#examen-remplacer").await?;
        app.wait_text("#examen-message-resultat", "remplace ce document", WAIT)
            .await?;
        app.wait_text("#examen-statut", "", WAIT).await?;
        app.screenshot("documents-remplace").await?;
        let replaced_by = count(
            app,
            &format!("SELECT COALESCE(replaced_by, 0) FROM documents WHERE id = {proof}"),
        )
        .await?;
        anyhow::ensure!(replaced_by > proof, "the old one points to the new one");
        anyhow::ensure!(
            count(
                app,
                &format!(
                    "SELECT COUNT(*) FROM documents WHERE id = {replaced_by} AND status = 'received' \
                     AND file_name = 'minimal-handwritten-1.4.pdf' AND uploaded_by_kind = 'staff'"
                )
            )
            .await?
                == 1
        );
        // The screen now shows the new document, ready to be decided.
        app.wait_for("#examen-decision", WAIT).await?;
        Ok(())
    })
    .await
    .unwrap();
}

/// The proportional set size (PSS, KiB) of a process, from smaps_rollup.
fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The app's process (the `portee` binary whose environment names the
/// test's data folder) and its children (WebKit's web and network
/// processes).
fn app_processes(data_dir: &std::path::Path) -> Vec<(u32, String)> {
    let marker = format!("PORTEE_DATA_DIR={}", data_dir.display());
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let name = stat
            .split_once('(')
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(n, _)| n.to_owned())
            .unwrap_or_default();
        let ppid: u32 = stat
            .rsplit_once(')')
            .and_then(|(_, r)| r.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        all.push((pid, ppid, name));
    }
    let app = all.iter().find(|(pid, _, name)| {
        name == "portee"
            && std::fs::read(format!("/proc/{pid}/environ"))
                .map(|e| e.split(|b| *b == 0).any(|v| v == marker.as_bytes()))
                .unwrap_or(false)
    });
    let Some(&(app, _, _)) = app else {
        return Vec::new();
    };
    let mut out = vec![(app, "portee".to_owned())];
    out.extend(
        all.iter()
            .filter(|(_, ppid, _)| *ppid == app)
            .map(|(pid, _, name)| (*pid, name.clone())),
    );
    out
}

/// The benchmark of issue 11 (run by hand, it prints figures and asserts
/// none): an administrator reviews 200 documents in a row in the real
/// window (Suivant with Alt+S, each first page drawn), and the PSS of the
/// app and of WebKit's processes is read every 10 documents.
/// `cargo test --test e2e review_memory -- --ignored --nocapture`
#[tokio::test]
#[ignore = "benchmark: run by hand"]
async fn review_memory_over_200_documents() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "4000".to_owned())],
        ..Default::default()
    };
    scenario("documents-memoire", options, async |app| {
        app.sign_in_demo(5, "admin.demo").await?;
        app.click("#nav-documents").await?;
        app.wait_text("#documents-compte", "document", WAIT).await?;
        app.click("#examiner-premier").await?;
        app.wait_for("#document-page", WAIT).await?;
        let total = app.wait_text("#examen-position", " sur ", WAIT).await?;
        println!("review screen: {total}");
        let mut figures = Vec::new();
        for n in 1..=200u32 {
            let before = app.prop("#document-page", "src").await?.unwrap_or_default();
            focus(app, "#examen-suivant").await?;
            press(app, &alt('s')).await?;
            // The next page drawn (or a document without a picture).
            for _ in 0..300 {
                let now = app.prop("#document-page", "src").await?.unwrap_or_default();
                if now != before && !now.is_empty() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            if n % 10 == 0 {
                let procs = app_processes(&app.data_dir);
                let each: Vec<(String, u64)> = procs
                    .iter()
                    .map(|(pid, name)| (name.clone(), pss_kib(*pid)))
                    .collect();
                let sum: u64 = each.iter().map(|e| e.1).sum();
                println!(
                    "after {n:>3} documents: PSS {:.1} MiB ({})",
                    sum as f64 / 1024.0,
                    each.iter()
                        .map(|(name, k)| format!("{name} {:.1}", *k as f64 / 1024.0))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                figures.push(sum);
            }
        }
        let first = figures.get(1).copied().unwrap_or_default() as f64 / 1024.0;
        let last = figures.last().copied().unwrap_or_default() as f64 / 1024.0;
        let max = figures.iter().copied().max().unwrap_or_default() as f64 / 1024.0;
        println!(
            "PSS after 20 documents {first:.1} MiB, after 200 {last:.1} MiB, highest {max:.1} MiB"
        );
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_agent_clears_the_meudon_queue_with_the_keyboard_alone() {
    scenario("documents-file-videe", demo(), async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let db = app.database().await?;
        let campaign = db.current_campaign_id().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        // The queue as the agent sees it: what awaits review on Meudon,
        // oldest upload first.
        let queue: Vec<(i64, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT d.id, d.doc_type, d.uploaded_at FROM documents d WHERE d.status = 'received' \
             AND d.replaced_by IS NULL AND d.campaign_id = $1 \
             AND d.family_id IN (SELECT family_id FROM students WHERE site_id = 5) \
             ORDER BY d.uploaded_at IS NULL, d.uploaded_at, d.id",
        )
        .bind(campaign)
        .fetch_all(pool)
        .await?;
        anyhow::ensure!(queue.len() >= 5, "{} documents in the demo queue", queue.len());
        app.click("#nav-documents").await?;
        app.wait_text("#documents-compte", &format!("{} documents", queue.len()), WAIT)
            .await?;
        focus(app, "#examiner-premier").await?;
        press(app, &Key::Enter.to_string()).await?;
        for (i, (id, doc_type, uploaded)) in queue.iter().enumerate() {
            app.wait_text(
                "#examen-position",
                &format!("Document {} sur {}", i + 1, queue.len()),
                WAIT,
            )
            .await?;
            // The decision form of this very document (the previous one's
            // fields are replaced when its view arrives).
            app.wait_for(&format!("#examen-decision[data-document='{id}']"), WAIT)
                .await?;
            if matches!(
                doc_type.as_str(),
                "justificatif_domicile" | "attestation_caf" | "justificatif_domicile_hebergeant"
            ) {
                focus(app, "#examen-date").await?;
                press(app, &format!("{}{}", day(*uploaded, 10), Key::Tab)).await?;
            }
            if doc_type == "attestation_caf" {
                focus(app, "#examen-qf").await?;
                press(app, "655").await?;
            }
            if doc_type == "avis_imposition" {
                focus(app, "#examen-rfr").await?;
                press(app, "24310").await?;
                focus(app, "#examen-parts").await?;
                press(app, "2,5").await?;
            }
            press(app, &alt('a')).await?;
            // Accepted, the screen moves on to the next by itself; the
            // last one stays, accepted.
            let moved = if i + 1 < queue.len() {
                app.wait_text(
                    "#examen-position",
                    &format!("Document {} sur", i + 2),
                    WAIT,
                )
                .await
            } else {
                app.wait_text("#examen-statut", "ccepté", WAIT).await
            };
            moved.map_err(|e| anyhow::anyhow!("document {id} ({doc_type}): {e}"))?;
        }
        focus(app, "#examen-retour").await?;
        press(app, &Key::Enter.to_string()).await?;
        app.wait_text("#documents-compte", "Aucun document", WAIT)
            .await?;
        app.screenshot("documents-file-videe").await?;
        let agent: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE login = 'agent.meudon'")
            .fetch_one(pool)
            .await?;
        let ids: Vec<String> = queue.iter().map(|q| q.0.to_string()).collect();
        let accepted: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM documents d WHERE d.status = 'accepted' AND d.reviewed_by_staff_id = $1 \
             AND d.id IN ({})",
            ids.join(", ")
        )))
        .bind(agent)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(accepted as usize == queue.len(), "{accepted} / {}", queue.len());
        db.close().await;
        Ok(())
    })
    .await
    .unwrap();
}
