//! What the workstation keeps: no identifier typed, name, phone, e-mail or
//! searched text ends up in the log files, whatever the user types.

use std::time::Duration;

use portee_store::Database;
use portee_tests::e2e::{AppInstance, LaunchOptions};

const WAIT: Duration = Duration::from_secs(30);

/// A Meudon student whose whole family is in Meudon: (id, first, last).
async fn meudon_student(app: &AppInstance) -> anyhow::Result<(i64, String, String)> {
    let db = app.database().await?;
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    let row: (i64, String, String) = sqlx::query_as(
        "SELECT s.id, s.first_name, s.last_name FROM students s \
         WHERE s.site_id = 5 \
         AND NOT EXISTS (SELECT 1 FROM students o WHERE o.family_id = s.family_id AND o.site_id <> 5) \
         AND EXISTS (SELECT 1 FROM guardians g WHERE g.family_id = s.family_id AND g.rank = 1) \
         ORDER BY s.id LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    db.close().await;
    Ok(row)
}

/// Every line of every file in `logs/` of the data folder.
fn read_logs(data_dir: &std::path::Path) -> anyhow::Result<String> {
    let mut all = String::new();
    for entry in std::fs::read_dir(data_dir.join("logs"))? {
        let path = entry?.path();
        if path.is_file() {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(&path)?));
        }
    }
    Ok(all)
}

#[tokio::test]
async fn nothing_typed_by_the_user_reaches_the_log_files() {
    let data = tempfile::tempdir().unwrap();
    let options = LaunchOptions {
        data_dir: Some(data.path().to_path_buf()),
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "200".to_owned())],
        ..Default::default()
    };
    // Values a user might type, each easy to find in a file.
    const WRONG_LOGIN: &str = "marqueur.identifiant.zq7x";
    const WRONG_PASSWORD: &str = "MotDePasse-Zq7x-tape";
    const PHONE: &str = "07 91 83 75 64";
    const EMAIL: &str = "zq7x.marqueur@exemple.fr";
    const SEARCH: &str = "Zq7xrecherche";
    let app = AppInstance::launch(options).await.unwrap();
    let typed = async {
        app.wait_for("#comptes-demo", Duration::from_secs(90))
            .await?;
        // An identifier typed wrong (often a password typed in the wrong field).
        app.sign_in(5, WRONG_LOGIN, WRONG_PASSWORD).await?;
        app.wait_text("#connexion-erreur", "incorrect", WAIT)
            .await?;
        app.sign_in_demo(5, "agent.meudon").await?;
        // A free search, then a student found by name, whose coordonnées change.
        app.click("#nav-familles").await?;
        app.fill("#recherche", SEARCH).await?;
        app.wait_text("#recherche-compte", "Aucun résultat", WAIT)
            .await?;
        let (id, first, last) = meudon_student(&app).await?;
        app.open_student(&format!("{first} {last}"), id).await?;
        app.click("#onglet-coordonnees").await?;
        app.fill("#coord-g0-portable", PHONE).await?;
        app.fill("#coord-g0-courriel", EMAIL).await?;
        app.click("#coord-enregistrer").await?;
        app.wait_text("#coord-message", "enregistrées", WAIT)
            .await?;
        // The new phone number, typed as a search.
        app.click("#fiche-retour").await?;
        app.fill("#recherche", PHONE).await?;
        app.wait_for(&format!("#eleve-{id}"), WAIT).await?;
        app.click("#deconnexion").await?;
        app.wait_for("#connexion-formulaire", WAIT).await?;
        Ok::<_, anyhow::Error>((first, last))
    }
    .await;
    if typed.is_err() {
        let _ = app.screenshot("confidentialite-echec").await;
    }
    // Closing the window ends the app, which flushes its log.
    app.close().await;
    let (first, last) = typed.unwrap();

    let logs = read_logs(data.path()).unwrap();
    assert!(
        logs.contains("signed in") && logs.contains("Portée starting"),
        "the log holds the app's events: {logs}"
    );
    for marker in [
        WRONG_LOGIN,
        "zq7x",
        "Zq7x",
        WRONG_PASSWORD,
        PHONE,
        "0791837564",
        EMAIL,
        SEARCH,
        "agent.meudon",
        "demo-agent.meudon",
        first.as_str(),
        last.as_str(),
    ] {
        assert!(
            !logs.contains(marker),
            "« {marker} » is in the log files:\n{logs}"
        );
    }
}
