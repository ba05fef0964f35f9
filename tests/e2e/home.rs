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
        Ok(())
    })
    .await
    .unwrap();
}
