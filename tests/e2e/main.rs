//! End to end: the real app in a real window under Xvfb, driven through
//! tauri-driver + WebKitWebDriver, as a user would.

use std::time::Duration;

use fantoccini::{Locator, key::Key};
use portee_store::{Database, expected_schema_version};
mod auth;
mod courses;
mod documents;
mod drafts;
mod home;
mod keyboard;
mod paths;
mod postgres;
mod privacy;
mod records;
mod reinscription;

use portee_tests::{
    db::TestDb,
    e2e::{AppInstance, LaunchOptions, scenario},
};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn status_bar_shows_the_sqlite_database_the_app_created() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_path_buf();
    let options = LaunchOptions {
        data_dir: Some(data_dir.clone()),
        ..Default::default()
    };
    scenario("statut-sqlite", options, async |app| {
        {
            let db_file = data_dir.join("portee.sqlite3");
            let text = app
                .wait_text("#statut-base[data-state='ready']", "SQLite", WAIT)
                .await?;
            anyhow::ensure!(
                text.contains(&db_file.display().to_string()),
                "chemin absent : {text}"
            );
            // The version shown is the one the app itself wrote in the file.
            let db = Database::connect(&format!("sqlite://{}", db_file.display())).await?;
            let version = db.schema_version().await?.version;
            anyhow::ensure!(version == expected_schema_version());
            anyhow::ensure!(
                text.contains(&format!("schéma v{version}")),
                "version absente : {text}"
            );
            let attr = app
                .client
                .find(Locator::Css("#statut-base"))
                .await?
                .attr("data-schema-version")
                .await?;
            anyhow::ensure!(attr.as_deref() == Some(version.to_string().as_str()));
            // Logs go to the data folder's logs/.
            let logs: Vec<_> = std::fs::read_dir(data_dir.join("logs"))?.collect();
            anyhow::ensure!(!logs.is_empty(), "aucun journal écrit");
            app.screenshot("accueil").await?;
            db.close().await;
            Ok(())
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn status_bar_shows_the_postgres_database_in_use() {
    let pg = TestDb::postgres().await.unwrap();
    let name = pg.url.rsplit('/').next().unwrap().to_owned();
    // Prepared on the server's side (`portee-admin migrate`); the app's URL
    // holds no user and no password.
    let db = portee_store::Database::connect(&pg.url).await.unwrap();
    db.migrate().await.unwrap();
    db.close().await;
    // The status bar says whether the connection is encrypted, as the
    // URL's `sslmode` made it (the test server has TLS on).
    for (sslmode, encrypted, words) in [
        ("require", "true", "connexion chiffrée (TLS)"),
        ("disable", "false", "connexion non chiffrée"),
    ] {
        let options = LaunchOptions {
            database_url: Some(format!(
                "postgres://127.0.0.1:5432/{name}?sslmode={sslmode}"
            )),
            ..Default::default()
        };
        scenario(
            &format!("statut-postgres-{sslmode}"),
            options,
            async |app| {
                let text = app
                    .wait_text("#statut-base[data-state='ready']", "PostgreSQL", WAIT)
                    .await?;
                anyhow::ensure!(text.contains("127.0.0.1:5432"), "{text}");
                anyhow::ensure!(text.contains(&format!("base {name}")), "{text}");
                anyhow::ensure!(
                    text.contains(&format!("schéma v{}", expected_schema_version())),
                    "{text}"
                );
                let tls = app
                    .wait_text(
                        &format!("#statut-base-chiffrement[data-encrypted='{encrypted}']"),
                        words,
                        WAIT,
                    )
                    .await?;
                anyhow::ensure!(tls.contains(words), "{tls}");
                Ok(())
            },
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn an_unreachable_postgres_gives_a_clear_french_screen_and_retry() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://portee:secret@127.0.0.1:{port}/portee");
    let options = LaunchOptions {
        database_url: Some(url),
        ..Default::default()
    };
    scenario("base-injoignable", options, async |app| {
        let reason = app
            .wait_text("#base-indisponible #raison", "injoignable", WAIT)
            .await?;
        anyhow::ensure!(reason.contains("refuse la connexion"), "{reason}");
        let screen = app
            .wait_text("#base-indisponible", "Que faire", WAIT)
            .await?;
        anyhow::ensure!(screen.contains(&format!("127.0.0.1:{port}")), "{screen}");
        anyhow::ensure!(!screen.contains("secret"), "le mot de passe est affiché");
        app.screenshot("base-injoignable").await?;
        // Retrying keeps the app alive and tells the same reason again.
        app.client
            .find(Locator::Id("reessayer"))
            .await?
            .click()
            .await?;
        app.wait_text("#base-indisponible #raison", "injoignable", WAIT)
            .await?;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn navigation_and_component_kit_behave_for_keyboard_and_screen_readers() {
    scenario(
        "navigation-composants",
        LaunchOptions::default(),
        async |app| {
            app.wait_for("#statut-base[data-state='ready']", WAIT)
                .await?;
            app.create_first_admin_and_sign_in().await?;
            // An area not built yet says so plainly.
            app.client
                .find(Locator::Id("nav-impressions"))
                .await?
                .click()
                .await?;
            app.wait_text("#espace-a-venir", "pas encore disponible", WAIT)
                .await?;
            let current = app
                .client
                .find(Locator::Id("nav-impressions"))
                .await?
                .attr("aria-current")
                .await?;
            anyhow::ensure!(current.as_deref() == Some("page"));

            app.client
                .find(Locator::Id("nav-administration"))
                .await?
                .click()
                .await?;
            app.click("#admin-onglet-poste").await?;
            app.wait_for("#apercu-composants summary", WAIT)
                .await?
                .click()
                .await?;

            // Yes/no: no answer preselected.
            for id in ["apercu-droit-image-oui", "apercu-droit-image-non"] {
                let checked = app
                    .client
                    .find(Locator::Id(id))
                    .await?
                    .prop("checked")
                    .await?;
                anyhow::ensure!(checked.as_deref() == Some("false"), "{id} précoché");
            }

            // An impossible date: the error appears, linked to the field.
            let date = app.client.find(Locator::Id("apercu-date")).await?;
            date.send_keys("31/02/2026").await?;
            date.send_keys(&Key::Tab.to_string()).await?;
            let error = app
                .wait_text(
                    "#apercu-date-erreur",
                    "n'existe pas dans le calendrier",
                    WAIT,
                )
                .await?;
            anyhow::ensure!(error.contains("31/02/2026"), "{error}");
            let date = app.client.find(Locator::Id("apercu-date")).await?;
            let described = date.attr("aria-describedby").await?.unwrap_or_default();
            anyhow::ensure!(
                described.split(' ').any(|id| id == "apercu-date-erreur"),
                "{described}"
            );
            anyhow::ensure!(date.attr("aria-invalid").await?.as_deref() == Some("true"));
            // What was typed is still there.
            anyhow::ensure!(date.prop("value").await?.as_deref() == Some("31/02/2026"));

            // Submitting without the required name: the error is announced.
            app.client
                .find(Locator::Css("#formulaire-apercu button[type='submit']"))
                .await?
                .click()
                .await?;
            app.wait_text("#apercu-nom-erreur", "Indiquez un nom", WAIT)
                .await?;

            // The dialog opens, and Échap closes it.
            app.client
                .find(Locator::Id("apercu-ouvrir-dialogue"))
                .await?
                .click()
                .await?;
            let dialog = app.wait_for("#apercu-dialogue[open]", WAIT).await?;
            dialog.send_keys(&Key::Escape.to_string()).await?;
            let deadline = std::time::Instant::now() + WAIT;
            while app
                .client
                .find(Locator::Css("#apercu-dialogue[open]"))
                .await
                .is_ok()
            {
                anyhow::ensure!(
                    std::time::Instant::now() < deadline,
                    "la boîte ne se ferme pas"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            app.screenshot("composants").await?;
            Ok(())
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn two_instances_run_at_once_on_the_same_database() {
    let shared = tempfile::tempdir().unwrap();
    let db_file = shared.path().join("partagee.sqlite3");
    let url = format!("sqlite://{}?mode=rwc", db_file.display());
    let options = LaunchOptions {
        database_url: Some(url),
        ..Default::default()
    };
    let (a, b) = tokio::join!(
        AppInstance::launch(options.clone()),
        AppInstance::launch(options)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    for app in [&a, &b] {
        let text = app
            .wait_text("#statut-base[data-state='ready']", "SQLite", WAIT)
            .await
            .unwrap();
        assert!(text.contains(&db_file.display().to_string()), "{text}");
    }
    assert_ne!(a.data_dir, b.data_dir);
    a.close().await;
    b.close().await;
}

#[tokio::test]
async fn the_first_start_of_a_new_embedded_database_seeds_the_demo_network_and_says_so() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".into(), "300".into())],
        ..Default::default()
    };
    scenario("demo-premier-demarrage", options, async |app| {
        app.wait_for("#comptes-demo", Duration::from_secs(90))
            .await?;
        app.sign_in(5, "admin.demo", "demo-admin.demo").await?;
        let banner = app
            .wait_text(
                "#bandeau-demo",
                "Base de démonstration",
                Duration::from_secs(60),
            )
            .await?;
        anyhow::ensure!(banner.contains("300 élèves fictifs"), "{banner}");
        let status = app
            .wait_text(
                "#statut-base[data-state='ready']",
                "données de démonstration",
                WAIT,
            )
            .await?;
        anyhow::ensure!(status.contains("SQLite"), "{status}");
        // The data really is there, in the app's own database file.
        let db = app.database().await?;
        let stats = db.stats().await?;
        anyhow::ensure!(stats.tables["students"] == 300, "{:?}", stats.tables);
        db.close().await;
        // The Accueil lists as coming only the areas not built yet.
        let coming = app.wait_text("#a-venir", "Impressions", WAIT).await?;
        anyhow::ensure!(
            !coming.contains("Élèves & familles")
                && !coming.contains("Documents")
                && !coming.contains("Administration")
                && !coming.contains("Réinscriptions"),
            "espaces déjà disponibles annoncés comme à venir : {coming}"
        );
        app.screenshot("accueil-demo").await?;
        Ok(())
    })
    .await
    .unwrap();
}
