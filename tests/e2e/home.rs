//! Accueil, the campaign's dashboard: the figures of the member's sites,
//! each opening its list with the same count.

use std::time::Duration;

use fantoccini::Locator;
use portee_tests::e2e::{LaunchOptions, scenario};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn the_dashboard_shows_the_campaign_of_the_site_and_each_figure_opens_its_list() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "400".to_owned())],
        ..Default::default()
    };
    scenario("accueil-tableau-de-bord", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        app.wait_text("#titre-campagne", "Meudon", WAIT).await?;
        app.wait_text("#campagne-etat", "Campagne", WAIT).await?;
        app.wait_text("#campagne-dates", "documents à fournir avant le", WAIT)
            .await?;
        app.screenshot("accueil-tableau-de-bord").await?;
        let figure = |id: &str| {
            let id = id.to_owned();
            async move {
                let text = app
                    .client
                    .find(Locator::Css(&format!("#{id} .figure-value")))
                    .await?
                    .text()
                    .await?;
                anyhow::Ok(text.trim().parse::<i64>()?)
            }
        };
        let validated = figure("chiffre-valide").await?;
        let no_answer = figure("chiffre-pas_de_reponse").await?;
        anyhow::ensure!(validated + no_answer > 0, "aucun dossier compté");
        // « Validés » opens the Réinscriptions list on that state, with
        // the same count.
        app.click("#chiffre-valide").await?;
        app.wait_for("#compteurs", WAIT).await?;
        let chip = app
            .client
            .find(Locator::Css("#etat-valide .count-n"))
            .await?
            .text()
            .await?;
        anyhow::ensure!(chip.trim() == validated.to_string(), "{chip} ≠ {validated}");
        let pressed = app
            .client
            .find(Locator::Css("#etat-valide"))
            .await?
            .attr("aria-pressed")
            .await?;
        anyhow::ensure!(pressed.as_deref() == Some("true"), "{pressed:?}");
        // Back to Accueil: full slots open the offer filtered on them.
        app.click("#nav-accueil").await?;
        app.wait_for("#chiffre-complets", WAIT).await?;
        let full = figure("chiffre-complets").await?;
        app.click("#chiffre-complets").await?;
        app.wait_for("#remplissage-disciplines", WAIT).await?;
        anyhow::ensure!(
            app.prop("#offre-remplissage", "value").await?.as_deref() == Some("complet"),
            "le filtre « Complet » doit être choisi"
        );
        let rows = app
            .client
            .find_all(Locator::Css("tr[data-remplissage]"))
            .await?;
        for row in &rows {
            anyhow::ensure!(
                row.attr("data-remplissage").await?.as_deref() == Some("complet"),
                "un créneau non complet est listé"
            );
        }
        anyhow::ensure!(
            rows.len() as i64 == full,
            "{} créneaux listés, {full} annoncés",
            rows.len()
        );
        // Documents to review open the queue, which counts as many.
        app.click("#nav-accueil").await?;
        app.wait_for("#chiffre-documents", WAIT).await?;
        let to_review = figure("chiffre-documents").await?;
        app.click("#chiffre-documents").await?;
        let said = app.wait_text("#documents-compte", "document", WAIT).await?;
        let queued = if to_review == 0 {
            "Aucun document.".to_owned()
        } else if to_review == 1 {
            "1 document.".to_owned()
        } else {
            format!("{to_review} documents")
        };
        anyhow::ensure!(
            said.starts_with(&queued),
            "« {said} » pour {to_review} annoncés"
        );
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn families_without_an_answer_are_reminded_by_email_from_the_list() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "400".to_owned())],
        ..Default::default()
    };
    scenario("relances", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        app.click("#chiffre-pas_de_reponse").await?;
        app.wait_for("#relances", WAIT).await?;
        let boxes = app
            .client
            .find_all(Locator::Css("#dossiers input[type='checkbox']"))
            .await?;
        anyhow::ensure!(boxes.len() >= 2, "{} élèves sans réponse", boxes.len());
        // Whom to call, beside each pupil without an answer.
        let details = app
            .client
            .find_all(Locator::Css("#dossiers .cell-detail"))
            .await?;
        let mut reachable = 0;
        for d in &details {
            if !d.text().await?.trim().is_empty() {
                reachable += 1;
            }
        }
        anyhow::ensure!(reachable > 0, "aucun téléphone ni courriel affiché");
        for b in boxes.iter().take(2) {
            b.click().await?;
        }
        // Two pupils of one family make one family ticked.
        app.wait_for("#relancer:not([disabled])", WAIT).await?;
        app.click("#relancer").await?;
        let message = app
            .wait_text("#relance-message", "file d'envoi", WAIT)
            .await?;
        app.screenshot("relances").await?;
        let db = app.database().await?;
        let portee_store::Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'reminder'")
            .fetch_one(pool)
            .await?;
        db.close().await;
        anyhow::ensure!((1..=2).contains(&queued), "{queued} : {message}");
        anyhow::ensure!(message.contains(&queued.to_string()), "{message}");
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_administrator_creates_a_campaign_and_cannot_open_two_at_once() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "200".to_owned())],
        ..Default::default()
    };
    scenario("campagnes", options, async |app| {
        app.sign_in_demo(5, "admin.demo").await?;
        app.click("#nav-administration").await?;
        app.click("#admin-onglet-campagnes").await?;
        app.wait_for("#campagnes", WAIT).await?;
        app.click("#campagne-nouvelle").await?;
        let year = app
            .client
            .find(Locator::Css("#campagne-annee option:nth-child(2)"))
            .await?;
        year.click().await?;
        app.fill("#campagne-libelle", "Réinscriptions d'essai")
            .await?;
        app.fill("#campagne-ouverture", "01/03/2028").await?;
        app.fill("#campagne-cloture", "30/03/2028").await?;
        // A deadline before the opening: refused, said by its field.
        let enter = fantoccini::key::Key::Enter.to_string();
        app.fill("#campagne-date-limite", &format!("28/02/2028{enter}"))
            .await?;
        app.wait_text("#campagne-erreur", "précéder l'ouverture", WAIT)
            .await?;
        app.fill("#campagne-date-limite", "15/04/2028").await?;
        // A delay to confirm an offered seat out of bounds: refused too.
        anyhow::ensure!(
            app.prop("#campagne-delai-place", "value").await?.as_deref() == Some("3"),
            "3 jours par défaut"
        );
        app.fill("#campagne-delai-place", &format!("45{enter}"))
            .await?;
        app.wait_text("#campagne-erreur", "entre 1 et 30", WAIT)
            .await?;
        app.fill("#campagne-delai-place", &format!("5{enter}"))
            .await?;
        app.wait_text("#campagne-message", "créée", WAIT).await?;
        let row = app
            .wait_text("#campagnes", "Réinscriptions d'essai", WAIT)
            .await?;
        anyhow::ensure!(row.contains("01/03/2028 → 30/03/2028"), "{row}");
        // Opened while the demo's campaign is open: refused.
        let id: i64 = {
            let db = app.database().await?;
            let portee_store::Database::Sqlite(pool) = &db else {
                unreachable!()
            };
            let (id, days): (i64, i64) = sqlx::query_as(
                "SELECT id, seat_offer_days FROM campaigns WHERE label = 'Réinscriptions d''essai'",
            )
            .fetch_one(pool)
            .await?;
            db.close().await;
            anyhow::ensure!(days == 5, "délai enregistré : {days}");
            id
        };
        app.click(&format!("#campagne-{id}-modifier")).await?;
        app.click("#campagne-etat option[value='open']").await?;
        app.click("#campagne-enregistrer").await?;
        app.wait_text("#campagne-erreur", "déjà ouverte", WAIT)
            .await?;
        app.screenshot("campagnes").await?;
        Ok(())
    })
    .await
    .unwrap();
}
