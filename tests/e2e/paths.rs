//! A data folder as a Windows or macOS user's can be (« Hélène Dupré »,
//! a OneDrive folder with spaces and a dash, a folder named with « # » and
//! « % »): the first start creates the
//! database, the logs and the cache there, and a family's document opens
//! from a copy written there.

use std::time::Duration;

use portee_store::Database;
use portee_tests::e2e::{LaunchOptions, scenario};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_data_folder_with_accents_and_spaces_works_from_first_start_to_an_opened_document() {
    let parent = tempfile::tempdir().unwrap();
    let data = parent
        .path()
        .join("Hélène Dupré")
        .join("OneDrive - Conservatoire de Meudon")
        .join("Portée données #2 (100 %)");
    let options = LaunchOptions {
        data_dir: Some(data.clone()),
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "300".to_owned())],
        ..Default::default()
    };
    scenario("dossier-accents", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        anyhow::ensure!(
            data.join("portee.sqlite3").is_file(),
            "base absente de {}",
            data.display()
        );
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (student, first, last, document): (i64, String, String, i64) = sqlx::query_as(
            "SELECT s.id, s.first_name, s.last_name, d.id FROM students s \
             JOIN documents d ON d.family_id = s.family_id \
             WHERE s.site_id = 5 AND d.content IS NOT NULL AND d.status <> 'missing' \
             ORDER BY d.id LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        db.close().await;
        app.open_student(&format!("{first} {last}"), student)
            .await?;
        app.click("#onglet-documents").await?;
        app.click(&format!("#document-{document}-ouvrir")).await?;
        // « Ouverture du document… », then what became of it.
        let deadline = std::time::Instant::now() + WAIT;
        let said = loop {
            app.wait_for("#document-message", WAIT).await?;
            let text = app
                .prop("#document-message", "innerText")
                .await?
                .unwrap_or_default();
            if !text.contains("Ouverture du document") {
                break text;
            }
            anyhow::ensure!(std::time::Instant::now() < deadline, "{text}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        anyhow::ensure!(
            said.contains("document") || said.contains("Document"),
            "{said}"
        );
        // The copy handed to the reader is in the accented folder, whole.
        let copies = data.join("cache").join("documents");
        let copy = std::fs::read_dir(&copies)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "pdf"))
            .ok_or_else(|| anyhow::anyhow!("aucune copie dans {} ({said})", copies.display()))?;
        let check = std::process::Command::new("qpdf")
            .arg("--check")
            .arg(&copy)
            .output()?;
        anyhow::ensure!(check.status.success(), "qpdf refuse {}", copy.display());
        // The logs are there too.
        let logs = std::fs::read_dir(data.join("logs"))?.count();
        anyhow::ensure!(logs >= 1, "aucun journal dans {}", data.display());
        app.screenshot("dossier-accents").await?;
        // « Quitter » ends the app, session still open (so the lock's
        // watcher leaves the copy alone): its exit removes the copy.
        // (The app is gone before WebDriver answers the click.)
        app.wait_for("#quitter", WAIT).await?;
        let _ = app
            .client
            .execute("document.getElementById('quitter').click();", vec![])
            .await;
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while copy.exists() {
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "la copie {} survit à la fermeture de Portée",
                copy.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    })
    .await
    .unwrap();
}
