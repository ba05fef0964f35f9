//! Sign-in, sites, sign-out and the inactivity lock, in the real window.

use std::time::Duration;

use fantoccini::Locator;
use portee_store::Database;
use portee_tests::e2e::{LaunchOptions, scenario};

const WAIT: Duration = Duration::from_secs(30);

fn demo(extra: &[(&str, &str)]) -> LaunchOptions {
    let mut env = vec![("PORTEE_DEMO_STUDENTS".to_owned(), "400".to_owned())];
    env.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    LaunchOptions {
        env,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_message_that_reveals_nothing() {
    scenario("connexion-refusee", demo(&[]), async |app| {
        app.wait_for("#comptes-demo", Duration::from_secs(90))
            .await?;
        app.sign_in(5, "agent.meudon", "pas-le-bon").await?;
        let wrong_password = app
            .wait_text("#connexion-erreur", "incorrect", WAIT)
            .await?;
        // An identifier that does not exist gets exactly the same words.
        app.sign_in(5, "personne.inconnue", "pas-le-bon").await?;
        app.wait_for("#connexion-valider:not([disabled])", WAIT)
            .await?;
        let unknown = app
            .wait_text("#connexion-erreur", "incorrect", WAIT)
            .await?;
        anyhow::ensure!(
            wrong_password == unknown,
            "« {wrong_password} » ≠ « {unknown} »"
        );
        // The password field was emptied, the identifier kept.
        let pw = app
            .client
            .find(Locator::Id("connexion-mot-de-passe"))
            .await?
            .prop("value")
            .await?;
        anyhow::ensure!(pw.as_deref() == Some(""));
        app.screenshot("connexion-refusee").await?;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_agent_of_meudon_sees_only_meudon_families_then_signs_out() {
    scenario("agent-meudon", demo(&[]), async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let who = app.wait_text("#utilisateur", "Meudon", WAIT).await?;
        anyhow::ensure!(who.contains("Agent de secrétariat"), "{who}");

        // A student of Vanves and one of Meudon, read from the app's database.
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (vl, vf): (String, String) = sqlx::query_as(
            "SELECT last_name, first_name FROM students WHERE site_id = 7 AND last_name NOT IN \
             (SELECT last_name FROM students WHERE site_id = 5) ORDER BY id LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        let (ml, mf): (String, String) = sqlx::query_as(
            "SELECT last_name, first_name FROM students WHERE site_id = 5 ORDER BY id LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        db.close().await;

        app.click("#nav-familles").await?;
        app.fill("#recherche", &format!("{mf} {ml}")).await?;
        app.wait_text("#resultats", &ml, WAIT).await?;
        let sites = app
            .client
            .find_all(Locator::Css("#resultats .cell-site"))
            .await?;
        anyhow::ensure!(!sites.is_empty());
        for cell in sites {
            anyhow::ensure!(cell.text().await? == "Meudon");
        }
        // A common prefix: every result is in Meudon.
        app.fill("#recherche", "ma").await?;
        app.wait_text("#recherche-compte", "résultat", WAIT).await?;
        for cell in app
            .client
            .find_all(Locator::Css("#resultats .cell-site"))
            .await?
        {
            anyhow::ensure!(cell.text().await? == "Meudon", "un résultat hors de Meudon");
        }
        // The Vanves student is not found at all.
        app.fill("#recherche", &format!("{vf} {vl}")).await?;
        app.wait_text("#recherche-compte", "Aucun résultat", WAIT)
            .await?;
        app.screenshot("agent-meudon").await?;

        app.click("#deconnexion").await?;
        app.wait_for("#connexion-formulaire", WAIT).await?;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_session_locks_after_inactivity_and_keeps_what_was_typed() {
    scenario(
        "verrou",
        demo(&[("PORTEE_LOCK_AFTER_SECONDS", "3")]),
        async |app| {
            app.sign_in_demo(5, "resp.meudon").await?;
            app.click("#nav-familles").await?;
            app.fill("#recherche", "Saisie en cours").await?;
            // No key for 3 s: the lock screen comes over the page.
            app.wait_for("#verrou", Duration::from_secs(20)).await?;
            app.screenshot("verrou").await?;
            // Nothing of the page can be read under the lock: the overlay is
            // opaque and the page is not drawn (but stays mounted).
            let looks = app
                .client
                .execute(
                    "const o = getComputedStyle(document.getElementById('verrou'));\
                     const p = getComputedStyle(document.querySelector('.app'));\
                     return [o.backgroundColor, p.visibility, document.querySelector('.app').getAttribute('aria-hidden')];",
                    vec![],
                )
                .await?;
            anyhow::ensure!(
                looks == serde_json::json!(["rgb(23, 32, 47)", "hidden", "true"]),
                "page lisible sous le verrou : {looks}"
            );
            anyhow::ensure!(
                !app.client.find(Locator::Id("recherche")).await?.is_displayed().await?,
                "le champ de recherche reste affiché sous le verrou"
            );
            // The backend refuses data while locked, whatever the UI does.
            app.fill("#verrou-mot-de-passe", "mauvais").await?;
            app.click("#verrou-valider").await?;
            app.wait_text("#verrou-erreur", "incorrect", WAIT).await?;
            app.fill("#verrou-mot-de-passe", "demo-resp.meudon").await?;
            app.click("#verrou-valider").await?;
            let deadline = std::time::Instant::now() + WAIT;
            while app.client.find(Locator::Id("verrou")).await.is_ok() {
                anyhow::ensure!(std::time::Instant::now() < deadline, "toujours verrouillé");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let kept = app
                .client
                .find(Locator::Id("recherche"))
                .await?
                .prop("value")
                .await?;
            anyhow::ensure!(
                kept.as_deref() == Some("Saisie en cours"),
                "saisie perdue : {kept:?}"
            );
            Ok(())
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn an_administrator_creates_and_disables_accounts() {
    scenario("administration-comptes", demo(&[]), async |app| {
        app.sign_in_demo(5, "admin.demo").await?;
        app.click("#nav-administration").await?;
        app.wait_text("#table-comptes", "agent.meudon", WAIT)
            .await?;
        // Create an account for Sèvres.
        app.click("#comptes details summary").await?;
        app.fill("#compte-identifiant", "z.herve").await?;
        app.fill("#compte-nom", "Zoé Hervé").await?;
        app.click("#compte-role option[value='agent']").await?;
        app.click("#compte-site-6").await?;
        app.fill("#compte-mot-de-passe", "Provisoire-2026").await?;
        // Submitted from the keyboard, as at the desk (a click on the
        // button at the very bottom of the page was seen lost once by
        // WebKitWebDriver after its scroll).
        app.client
            .find(Locator::Id("compte-mot-de-passe"))
            .await?
            .send_keys(&fantoccini::key::Key::Enter.to_string())
            .await?;
        app.wait_text("#comptes-message", "z.herve", WAIT).await?;
        let table = app.wait_text("#table-comptes", "z.herve", WAIT).await?;
        anyhow::ensure!(table.contains("Sèvres"), "{table}");
        // Disable the agent of Meudon: they can no longer sign in.
        app.click("#compte-agent\\.meudon-activer").await?;
        app.wait_text("#comptes-message", "agent.meudon", WAIT)
            .await?;
        app.screenshot("administration-comptes").await?;
        app.click("#deconnexion").await?;
        app.sign_in(5, "agent.meudon", "demo-agent.meudon").await?;
        app.wait_text("#connexion-erreur", "incorrect", WAIT)
            .await?;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_reset_password_is_replaced_at_the_next_sign_in() {
    scenario("mot-de-passe-provisoire", demo(&[]), async |app| {
        app.sign_in_demo(5, "admin.demo").await?;
        app.click("#nav-administration").await?;
        app.wait_text("#table-comptes", "agent.meudon", WAIT)
            .await?;
        app.click("#compte-agent\\.meudon-reinitialiser").await?;
        app.fill("#reinit-mot-de-passe", "Provisoire-2026").await?;
        app.click("#reinit-valider").await?;
        app.wait_text("#comptes-message", "agent.meudon", WAIT)
            .await?;
        app.click("#deconnexion").await?;

        app.sign_in(5, "agent.meudon", "Provisoire-2026").await?;
        app.wait_for("#changer-mot-de-passe", WAIT).await?;
        app.fill("#mdp-actuel", "Provisoire-2026").await?;
        app.fill("#mdp-nouveau", "Meudon-2027-ok").await?;
        app.fill("#mdp-confirmation", "Meudon-2027-ok").await?;
        app.click("#changer-mot-de-passe button[type='submit']")
            .await?;
        app.wait_text("#utilisateur", "Meudon", WAIT).await?;
        app.click("#deconnexion").await?;
        app.sign_in(5, "agent.meudon", "Meudon-2027-ok").await?;
        app.wait_text("#utilisateur", "Agent de secrétariat", WAIT)
            .await?;
        Ok(())
    })
    .await
    .unwrap();
}
