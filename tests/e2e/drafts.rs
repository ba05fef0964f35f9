//! The réinscription's draft and documents, in the real window: choices
//! made on one workstation are saved when a step is left and taken back on
//! a second instance of the app on the same database (another workstation);
//! a hostile PDF chosen in the file dialog is refused with its reason, a
//! valid one (its name with spaces and accents) is kept for review; the
//! Réinscriptions menu counts the dossiers and opens a family's
//! réinscription from its row; the search results say each dossier's state.

use std::time::Duration;

use portee_store::Database;
use portee_tests::e2e::{AppInstance, LaunchOptions, repo_root, scenario};

const WAIT: Duration = Duration::from_secs(30);

/// A Meudon family of two children, both at Meudon, no dossier validated:
/// (first child's id, "Prénom Nom", second child's id).
async fn family(app: &AppInstance) -> anyhow::Result<(i64, String, i64)> {
    let db = app.database().await?;
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    let found: (i64, String, String, i64) = sqlx::query_as(
        "SELECT a.id, a.first_name, a.last_name, b.id FROM students a \
         JOIN students b ON b.family_id = a.family_id AND b.id > a.id \
         WHERE a.site_id = 5 AND b.site_id = 5 \
         AND (SELECT COUNT(*) FROM students x WHERE x.family_id = a.family_id) = 2 \
         AND NOT EXISTS (SELECT 1 FROM reinscriptions r WHERE r.student_id IN (a.id, b.id) \
                         AND r.status IN ('validated', 'cancelled')) \
         ORDER BY a.id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    db.close().await;
    Ok((found.0, format!("{} {}", found.1, found.2), found.3))
}

#[tokio::test]
async fn a_draft_left_on_one_workstation_is_continued_on_another_and_pdfs_are_checked() {
    let work = tempfile::tempdir().unwrap();
    let answer = work.path().join("dialogue.txt");
    std::fs::write(&answer, "").unwrap();
    let env = vec![
        ("PORTEE_DEMO_STUDENTS".to_owned(), "600".to_owned()),
        ("PORTEE_E2E_DIALOG".to_owned(), answer.display().to_string()),
    ];
    let options = LaunchOptions {
        env: env.clone(),
        ..Default::default()
    };
    scenario("reinscription-brouillon", options, async |first| {
        first.sign_in_demo(5, "agent.meudon").await?;
        let (a, name, b) = family(first).await?;
        // The search says each result's dossier state.
        first.click("#nav-familles").await?;
        first.fill("#recherche", &name).await?;
        // (Read again until it holds: the results re-render as the search
        // catches up with the typing.)
        let state = first.wait_text("#resultats .dossier-status", "", WAIT).await?;
        anyhow::ensure!(
            ["Pas de réponse", "Brouillon", "À corriger"].contains(&state.trim()),
            "état affiché : {state}"
        );
        first.open_student(&name, a).await?;
        first.click("#onglet-reinscription").await?;
        first.wait_for("#etapes", WAIT).await?;
        first.click(&format!("#enfant-{a}-oui")).await?;
        first.click(&format!("#enfant-{b}-non")).await?;
        first.click(&format!("#enfant-{b}-motif option[value='tarif']")).await?;
        // Leaving the step saves the draft.
        first.click("#etape-documents").await?;
        first.wait_for("#documents-dus", WAIT).await?;

        // A PDF that runs JavaScript: refused, with the reason, nothing kept.
        let hostile = repo_root().join("tests/pdf-corpus/hostile/openaction-javascript.pdf");
        std::fs::write(&answer, hostile.display().to_string())?;
        let date = (chrono::Local::now().date_naive() - chrono::Duration::days(10))
            .format("%d/%m/%Y")
            .to_string();
        first.fill("#document-justificatif_domicile-date", &date).await?;
        first.click("#document-justificatif_domicile-joindre").await?;
        first
            .wait_text("#reinscription", "JavaScript", WAIT)
            .await?;
        first.screenshot("document-refuse").await?;
        // A valid PDF whose name has spaces and accents: kept for review.
        let valid = work.path().join("Quittance EDF — Hélène Dupré.pdf");
        std::fs::copy(repo_root().join("tests/pdf-corpus/valid/ghostscript-multipage-12.pdf"), &valid)?;
        std::fs::write(&answer, valid.display().to_string())?;
        first.click("#document-justificatif_domicile-joindre").await?;
        first.wait_text("#document-message", "Hélène Dupré.pdf", WAIT).await?;
        first.wait_text("#document-justificatif_domicile-etat", "À examiner", WAIT).await?;
        // The dialog closed without a file: nothing happens but a word.
        std::fs::write(&answer, "")?;
        first.click("#document-avis_imposition-joindre").await?;
        first.wait_text("#document-message", "Aucun fichier choisi", WAIT).await?;

        let db = first.database().await?;
        let Database::Sqlite(pool) = &db else { unreachable!() };
        let kept: (String, i64, String) = sqlx::query_as(
            "SELECT d.file_name, d.page_count, d.status FROM documents d JOIN students s ON s.family_id = d.family_id \
             WHERE s.id = $1 AND d.doc_type = 'justificatif_domicile' AND d.uploaded_by_kind = 'staff' \
             ORDER BY d.uploaded_at DESC LIMIT 1",
        )
        .bind(a)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(kept.0 == "Quittance EDF — Hélène Dupré.pdf" && kept.1 == 12 && kept.2 == "received", "{kept:?}");
        let drafts: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM reinscription_drafts d JOIN students s ON s.family_id = d.family_id WHERE s.id = $1",
        )
        .bind(a)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(drafts == 1, "{drafts} brouillons");
        db.close().await;

        // A second workstation opens the same family: the choices are there.
        let second = AppInstance::launch(LaunchOptions {
            data_dir: Some(first.data_dir.clone()),
            env: env.clone(),
            ..Default::default()
        })
        .await?;
        let outcome = async {
            second.sign_in_demo(5, "resp.meudon").await?;
            second.open_student(&name, a).await?;
            second.click("#onglet-reinscription").await?;
            second.wait_text("#brouillon-repris", "Brouillon repris", WAIT).await?;
            second.wait_text("#titre-etape", "Documents", WAIT).await?;
            second.click("#etape-choix").await?;
            second.wait_prop(&format!("#enfant-{a}-oui"), "checked", "true", WAIT).await?;
            second.wait_prop(&format!("#enfant-{b}-non"), "checked", "true", WAIT).await?;
            second.wait_prop(&format!("#enfant-{b}-motif"), "value", "tarif", WAIT).await?;
            second.screenshot("brouillon-repris").await?;
            // The second workstation saves (choix → autorisations) ...
            second.click("#etape-autorisations").await?;
            second.wait_for(&format!("#enfant-{a}-image-oui"), WAIT).await?;
            anyhow::Ok(())
        }
        .await;
        second.close().await;
        outcome?;
        // ... so the first one, still on its old version, is told who did.
        first.click("#etape-cours").await?;
        first.wait_text("#brouillon-conflit", "a enregistré cette réinscription", WAIT).await?;
        first.click("#brouillon-garder").await?;
        first.wait_for("#etape-cours", WAIT).await?;

        // The Réinscriptions menu: counts at the top, a row opens the family.
        first.click("#nav-reinscriptions").await?;
        first.wait_for("#compteurs", WAIT).await?;
        first.click("#etat-pas_de_reponse").await?;
        first.wait_text("#dossiers-compte", "dossier", WAIT).await?;
        // The family's dossier state filter, then its row.
        first.click("#etat-tous").await?;
        first.click("#filtre-site option[value='5']").await?;
        first.wait_for(&format!("#dossier-{a}"), WAIT).await?;
        first.screenshot("reinscriptions-liste").await?;
        // The list, as filtered, exported as CSV into the exports folder.
        first.click("#exporter-csv").await?;
        let said = first.wait_text("#export-message", "exportée(s) dans", WAIT).await?;
        let exports = first.data_dir.join("exports");
        let csv = std::fs::read_dir(&exports)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("reinscriptions-")))
            .ok_or_else(|| anyhow::anyhow!("aucun export dans {} ({said})", exports.display()))?;
        let text = std::fs::read_to_string(&csv)?;
        anyhow::ensure!(text.starts_with('\u{feff}') && text.contains(";Meudon;"), "{text}");
        first.click(&format!("#dossier-{a}")).await?;
        first.wait_for("#etapes", WAIT).await?;
        Ok(())
    })
    .await
    .unwrap();
}
