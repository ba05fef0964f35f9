//! The fiche élève, its coordonnées and its « Historique des modifications »;
//! two people editing one family; the administrators' journal and account
//! sites — in the real window.

use std::time::Duration;

use fantoccini::Locator;
use portee_store::Database;
use portee_tests::e2e::{AppInstance, LaunchOptions, scenario};

const WAIT: Duration = Duration::from_secs(30);

fn demo() -> LaunchOptions {
    LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "400".to_owned())],
        ..Default::default()
    }
}

/// A Meudon student whose family has all its children in Meudon and whose
/// dossier the family validated on the extranet: (id, "Prénom Nom").
async fn meudon_student(app: &AppInstance) -> anyhow::Result<(i64, String)> {
    let db = app.database().await?;
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    let (id, first, last): (i64, String, String) = sqlx::query_as(
        "SELECT s.id, s.first_name, s.last_name FROM students s \
         JOIN reinscriptions r ON r.student_id = s.id AND r.status = 'validated' AND r.validated_by_kind = 'family' \
         WHERE s.site_id = 5 \
         AND NOT EXISTS (SELECT 1 FROM students o WHERE o.family_id = s.family_id AND o.site_id <> 5) \
         AND EXISTS (SELECT 1 FROM guardians g WHERE g.family_id = s.family_id AND g.rank = 1) \
         ORDER BY s.id LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    db.close().await;
    Ok((id, format!("{first} {last}")))
}

async fn value(app: &AppInstance, id: &str) -> anyhow::Result<String> {
    Ok(app
        .prop(&format!("#{id}"), "value")
        .await?
        .unwrap_or_default())
}

#[tokio::test]
async fn an_agent_corrects_coordonnees_and_the_history_tells_family_from_staff() {
    scenario("historique-fiche", demo(), async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let (id, name) = meudon_student(app).await?;
        app.open_student(&name, id).await?;

        // The family's own validation on the extranet is in the history.
        app.click("#onglet-historique").await?;
        app.wait_for(
            "#historique li[data-actor='family'][data-action='reinscription.validate']",
            WAIT,
        )
        .await?;
        app.wait_text("#historique", "Famille (extranet)", WAIT)
            .await?;

        // A refused value names its field and loses nothing typed.
        app.click("#onglet-coordonnees").await?;
        app.fill("#coord-g0-portable", "07 98 76 54 32").await?;
        app.fill("#coord-code-postal", "9219").await?;
        app.click("#coord-enregistrer").await?;
        app.wait_text("#coord-code-postal-erreur", "5 chiffres", WAIT)
            .await?;
        anyhow::ensure!(value(app, "coord-g0-portable").await? == "07 98 76 54 32");
        app.fill("#coord-code-postal", "92190").await?;
        app.click("#coord-enregistrer").await?;
        app.wait_text("#coord-message", "enregistrées", WAIT)
            .await?;

        // The history now starts with this agent's change, told as staff.
        app.click("#onglet-historique").await?;
        let first = app
            .wait_text(
                "#historique li:first-child",
                "Modification des coordonnées",
                WAIT,
            )
            .await?;
        anyhow::ensure!(
            first.contains("Personnel") && first.contains("agent.meudon"),
            "{first}"
        );
        anyhow::ensure!(first.contains("07 98 76 54 32"), "{first}");
        app.wait_for("#historique li:first-child[data-actor='staff']", WAIT)
            .await?;
        app.wait_for("#historique li[data-actor='family']", WAIT)
            .await?;
        app.screenshot("historique-fiche").await?;
        // The whole family's history holds the same change.
        app.click("#historique-famille").await?;
        app.wait_text(
            "#historique li:first-child",
            "Modification des coordonnées",
            WAIT,
        )
        .await?;
        app.click("#historique-eleve").await?;

        // The store holds the same: one entry by this agent on this family.
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (login, after): (String, String) = sqlx::query_as(
            "SELECT s.login, a.after_json FROM audit_log a JOIN staff s ON s.id = a.staff_id \
             WHERE a.action = 'family.contact' ORDER BY a.id DESC LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!(
            login == "agent.meudon" && after.contains("07 98 76 54 32"),
            "{login} {after}"
        );

        // The new number finds the student; back to the results keeps the search.
        app.click("#fiche-retour").await?;
        anyhow::ensure!(value(app, "recherche").await? == name);
        app.fill("#recherche", "07 98 76 54").await?;
        app.wait_for(&format!("#eleve-{id}"), WAIT).await?;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn two_people_editing_one_family_never_overwrite_each_other_silently() {
    let shared = tempfile::tempdir().unwrap();
    let options = || LaunchOptions {
        data_dir: Some(shared.path().to_path_buf()),
        ..demo()
    };
    let first = AppInstance::launch(options()).await.unwrap();
    let result = async {
        first.sign_in_demo(5, "agent.meudon").await?;
        let second = AppInstance::launch(options()).await?;
        let outcome = async {
            second.sign_in_demo(5, "resp.meudon").await?;
            let (id, name) = meudon_student(&first).await?;
            for app in [&first, &second] {
                app.open_student(&name, id).await?;
                app.click("#onglet-coordonnees").await?;
                app.wait_for("#coord-g0-portable", WAIT).await?;
            }
            first.fill("#coord-g0-portable", "07 11 11 11 11").await?;
            first.click("#coord-enregistrer").await?;
            first
                .wait_text("#coord-message", "enregistrées", WAIT)
                .await?;
            // The second saves from the version they read: refused, typed input kept.
            second.fill("#coord-g0-portable", "07 22 22 22 22").await?;
            second.click("#coord-enregistrer").await?;
            second
                .wait_text("#coord-erreur", "entre-temps", WAIT)
                .await?;
            anyhow::ensure!(value(&second, "coord-g0-portable").await? == "07 22 22 22 22");
            second.screenshot("conflit-coordonnees").await?;
            // Reloading shows the first person's number.
            second.click("#coord-recharger").await?;
            let deadline = std::time::Instant::now() + WAIT;
            while value(&second, "coord-g0-portable")
                .await
                .unwrap_or_default()
                != "07 11 11 11 11"
            {
                anyhow::ensure!(
                    std::time::Instant::now() < deadline,
                    "la fiche n'a pas été rechargée"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(())
        }
        .await;
        if outcome.is_err() {
            let _ = second.screenshot("conflit-echec").await;
        }
        second.close().await;
        outcome
    }
    .await;
    first.close().await;
    result.unwrap();
}

#[tokio::test]
async fn an_administrator_filters_and_exports_the_log_and_changes_an_account_sites() {
    scenario("journal-administrateur", demo(), async |app| {
        app.sign_in_demo(5, "admin.demo").await?;
        app.click("#nav-administration").await?;
        app.click("#admin-onglet-journal").await?;
        app.wait_text("#journal-compte-rendu", "entrée", WAIT)
            .await?;
        // Documents only.
        app.click("#journal-action option[value='document.']")
            .await?;
        app.click("#journal-filtrer").await?;
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let actions: Vec<String> = {
                let mut v = Vec::new();
                for el in app
                    .client
                    .find_all(Locator::Css("#journal-entrees li"))
                    .await?
                {
                    v.push(el.attr("data-action").await?.unwrap_or_default());
                }
                v
            };
            if !actions.is_empty() && actions.iter().all(|a| a.starts_with("document.")) {
                break;
            }
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "filtre non appliqué : {actions:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // A date typed wrong is refused on its field.
        app.fill("#journal-du", "31/02/2026").await?;
        app.click("#journal-filtrer").await?;
        app.wait_for("#journal-du-erreur", WAIT).await?;
        app.fill("#journal-du", "01/01/2000").await?;

        // The export holds exactly the filtered entries.
        app.click("#journal-exporter").await?;
        let text = app
            .wait_text("#journal-message", "exportée(s) dans", WAIT)
            .await?;
        let path = text
            .split(" dans ")
            .nth(1)
            .unwrap_or_default()
            .trim()
            .to_owned();
        let csv = std::fs::read_to_string(&path)?;
        let rows: usize = text.split(' ').next().unwrap_or("0").parse()?;
        anyhow::ensure!(
            rows > 0 && csv.lines().count() == rows + 1,
            "{rows} lignes annoncées, fichier : {}",
            csv.lines().count()
        );
        anyhow::ensure!(
            csv.lines().skip(1).all(|l| l.contains(";document.")),
            "une ligne hors filtre"
        );
        app.screenshot("journal-administrateur").await?;

        // The agent of Meudon gets Sèvres too, and can then sign in there.
        app.click("#admin-onglet-comptes").await?;
        app.click("#compte-agent\\.meudon-role").await?;
        app.click("#role-site-6").await?;
        app.click("#role-valider").await?;
        app.wait_text("#comptes-message", "agent.meudon", WAIT)
            .await?;
        app.wait_text("#table-comptes", "Meudon, Sèvres", WAIT)
            .await?;
        app.click("#deconnexion").await?;
        app.sign_in(6, "agent.meudon", "demo-agent.meudon").await?;
        app.wait_text("#utilisateur", "Sèvres", WAIT).await?;
        Ok(())
    })
    .await
    .unwrap();
}
