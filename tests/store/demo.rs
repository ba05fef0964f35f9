//! The demo network on both databases: only in a database marked as a demo
//! (never next to real staff accounts), with a past that ends before it is
//! written, and told in French in the journal.

use portee_services::session::{SignInError, create_first_admin, sign_in};
use portee_store::{Actor, AuditFilter, Database, NewStaff, StoreError};
use portee_tests::db::TestDb;

use crate::each_backend;

async fn migrated(t: &TestDb) -> anyhow::Result<Database> {
    let db = Database::connect(&t.url).await?;
    db.migrate().await?;
    Ok(db)
}

async fn seed(
    db: &Database,
) -> Result<portee_services::demo::SeedReport, portee_services::demo::SeedError> {
    portee_services::demo::seed(
        db,
        40,
        11,
        chrono::Utc::now().date_naive(),
        &Actor::system("test"),
    )
    .await
}

#[tokio::test]
async fn only_a_database_marked_as_a_demo_shows_demo_accounts() {
    each_backend(|t: TestDb| async move {
        let db = migrated(&t).await?;
        anyhow::ensure!(!db.is_demo_database().await?);
        anyhow::ensure!(!db.has_demo_accounts().await?);
        seed(&db).await?;
        anyhow::ensure!(db.is_demo_database().await?);
        anyhow::ensure!(db.has_demo_accounts().await?);
        // A demo account signs in with its public password on a demo base.
        sign_in(&db, 5, "agent.meudon", "demo-agent.meudon", "poste").await?;
        db.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_database_with_real_staff_is_never_seeded() {
    each_backend(|t: TestDb| async move {
        let db = migrated(&t).await?;
        create_first_admin(
            &db,
            "c.martin",
            "Claire Martin",
            "Conservatoire-2026",
            "poste",
        )
        .await?;
        let refused = seed(&db).await.unwrap_err();
        anyhow::ensure!(
            matches!(
                &refused,
                portee_services::demo::SeedError::Store(StoreError::Invalid { message })
                    if message.contains("comptes du personnel réels")
            ),
            "{refused}"
        );
        anyhow::ensure!(!db.is_demo_database().await?);
        anyhow::ensure!(!db.has_demo_accounts().await?);
        anyhow::ensure!(db.is_empty().await?, "nothing of the demo was written");
        db.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn demo_accounts_of_a_database_not_marked_as_a_demo_are_hidden_and_refused() {
    each_backend(|t: TestDb| async move {
        // A base seeded before the marker existed, then put in service: the
        // migration marks it a demo only when it holds demo accounts alone.
        let db = migrated(&t).await?;
        seed(&db).await?;
        let hash = portee_services::auth::hash_password("Provisoire-2026")?;
        db.create_staff(
            &NewStaff {
                login: "vraie.personne".into(),
                display_name: "Vraie Personne".into(),
                role: "agent".into(),
                password_hash: hash,
                scram_verifier: None,
                must_change_password: false,
                sites: vec![5],
            },
            &Actor::system("test"),
        )
        .await?;
        let unmark = "UPDATE database_settings SET demo = FALSE";
        match &db {
            Database::Postgres(p) => sqlx::query(unmark).execute(p).await.map(|_| ())?,
            Database::Sqlite(p) => sqlx::query(unmark).execute(p).await.map(|_| ())?,
        }
        anyhow::ensure!(!db.has_demo_accounts().await?, "no hint on a real base");
        let refused = sign_in(&db, 5, "agent.meudon", "demo-agent.meudon", "poste")
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(refused, SignInError::Refused), "{refused}");
        db.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_demo_past_ends_before_the_moment_it_is_written() {
    each_backend(|t: TestDb| async move {
        let db = migrated(&t).await?;
        let before_seeding = chrono::Utc::now();
        seed(&db).await?;
        let rows = db.audit_entries(&AuditFilter::default(), 5000).await?;
        let past: Vec<_> = rows.iter().filter(|r| r.action != "demo.seed").collect();
        anyhow::ensure!(past.len() > 10, "{} entries", past.len());
        let latest = past.iter().map(|r| r.occurred_at).max().unwrap_or_default();
        anyhow::ensure!(
            latest < before_seeding,
            "the demo's past reaches {latest}, seeding started at {before_seeding}"
        );
        // Newest first by id is newest first by date: the seeding entry
        // comes first and is the latest.
        anyhow::ensure!(rows[0].action == "demo.seed");
        anyhow::ensure!(rows[0].occurred_at >= before_seeding);
        db.close().await;
        Ok(())
    })
    .await;
}

/// A word with an underscore between letters: a raw key (`site_id`).
fn raw_key(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| w.contains('_') && w.chars().any(|c| c.is_ascii_lowercase()))
}

#[tokio::test]
async fn every_entry_the_store_writes_reads_in_french_with_declared_keys() {
    each_backend(|t: TestDb| async move {
        let db = migrated(&t).await?;
        seed(&db).await?;
        // A sign-in (site_id), a failure, an export (its filter), a new account.
        sign_in(&db, 5, "agent.meudon", "demo-agent.meudon", "poste").await?;
        let _ = sign_in(&db, 5, "agent.meudon", "faux", "poste").await;
        let admin = db
            .all_staff()
            .await?
            .into_iter()
            .find(|s| s.role == "admin")
            .expect("a demo administrator");
        let dir = tempfile::tempdir()?;
        portee_services::journal::export_csv(
            &db,
            &AuditFilter {
                action_prefix: Some("auth.".into()),
                family_id: Some(1),
                from: Some(chrono::Utc::now() - chrono::Duration::days(3)),
                ..Default::default()
            },
            &dir.path().join("j.csv"),
            &Actor::staff(admin.id, "poste"),
        )
        .await?;
        let rows = db.audit_entries(&AuditFilter::default(), 5000).await?;
        let mut seen = std::collections::BTreeSet::new();
        for row in &rows {
            seen.insert(row.action.clone());
            let kind = portee_domain::journal::ACTIONS
                .iter()
                .find(|a| a.code == row.action)
                .ok_or_else(|| anyhow::anyhow!("{} missing from ACTIONS", row.action))?;
            for json in [&row.before_json, &row.after_json].into_iter().flatten() {
                let v: serde_json::Value = serde_json::from_str(json)?;
                for key in v.as_object().into_iter().flat_map(|m| m.keys()) {
                    anyhow::ensure!(
                        kind.fields.contains(&key.as_str()),
                        "{}: key {key} not declared",
                        row.action
                    );
                }
            }
            // Labels never show a raw key; values (file names, typed text)
            // are the people's own and may hold anything.
            let told = portee_services::journal::tell(row);
            let labels = told
                .changes
                .iter()
                .map(|c| c.field.clone())
                .chain([told.action_label.clone(), told.entity_label.clone()])
                .collect::<Vec<_>>()
                .join(" | ");
            anyhow::ensure!(raw_key(&labels).is_none(), "{}: {labels}", row.action);
            anyhow::ensure!(told.action_label != row.action, "{}", row.action);
            if row.action == "auth.sign_in" {
                let site = told.changes.iter().find(|c| c.field == "Site");
                anyhow::ensure!(
                    site.is_some_and(|c| c.after == "Meudon"),
                    "{:?}",
                    told.changes
                );
            }
        }
        for action in [
            "auth.sign_in",
            "auth.failure",
            "journal.export",
            "document.upload",
        ] {
            anyhow::ensure!(seen.contains(action), "{action} not exercised: {seen:?}");
        }
        db.close().await;
        Ok(())
    })
    .await;
}

/// Every action code written anywhere in the store, the services or the app
/// (`"staff.create"`-like literals) is in `ACTIONS`, so a new action cannot
/// reach the journal without its French words (the store test above then
/// checks the keys of the ones it writes).
#[test]
fn every_action_code_in_the_sources_is_listed_with_french_words() {
    let root = portee_tests::e2e::repo_root();
    let groups = [
        "auth.",
        "staff.",
        "family.",
        "dossier.",
        "reinscription.",
        "document.",
        "seat.",
        "slot.",
        "journal.",
        "demo.",
    ];
    let mut found = std::collections::BTreeSet::new();
    for dir in [
        "crates/portee-store/src",
        "crates/portee-services/src",
        "src-tauri/src",
    ] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for literal in text.split('"').skip(1).step_by(2) {
                    let is_code = groups.iter().any(|g| {
                        literal.len() > g.len()
                            && literal.starts_with(g)
                            && literal[g.len()..]
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c == '_')
                    });
                    if is_code {
                        found.insert(literal.to_owned());
                    }
                }
            }
        }
    }
    // The masked view of another site's child is a label chosen when the log
    // is read, never an action written.
    found.remove("family.other_site_child");
    assert!(found.len() >= 20, "{found:?}");
    for code in &found {
        assert!(
            portee_domain::journal::ACTIONS
                .iter()
                .any(|a| a.code == code),
            "{code} is written but missing from portee_domain::journal::ACTIONS"
        );
    }
}
