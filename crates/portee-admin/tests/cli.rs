//! `portee-admin` as an administrator runs it, on both databases.

use std::process::Command;

use portee_tests::db::{Kind, TestDb};

fn admin(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_portee-admin"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("PORTEE_DATABASE_URL")
        .output()
        .expect("portee-admin runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn migrate_seed_and_stats_on_both_databases() {
    for kind in [Kind::Postgres, Kind::Sqlite] {
        let t = TestDb::new(kind).await.unwrap();
        let (ok, out, err) = admin(&t.url, &["migrate"]);
        assert!(ok, "{kind:?}: {err}");
        assert!(out.contains("Schéma à jour"), "{out}");

        let (ok, out, err) = admin(&t.url, &["seed", "--students", "400", "--seed", "7"]);
        assert!(ok, "{kind:?}: {err}");
        assert!(out.contains("400 élèves"), "{out}");

        let (ok, out, err) = admin(&t.url, &["stats"]);
        assert!(ok, "{kind:?}: {err}");
        let stats: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(stats["tables"]["students"], 400, "{kind:?}");
        assert_eq!(stats["tables"]["sites"], 8);
        let per_site: i64 = stats["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["students"].as_i64().unwrap())
            .sum();
        assert_eq!(per_site, 400);
        assert!(stats["tables"]["documents"].as_i64().unwrap() > 0);

        // Seeding twice is refused, in French, with a non-zero exit.
        let (ok, _, err) = admin(&t.url, &["seed", "--students", "10"]);
        assert!(!ok);
        assert!(err.contains("déjà des familles"), "{err}");
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_network() {
    let a = TestDb::sqlite().unwrap();
    let b = TestDb::sqlite().unwrap();
    for t in [&a, &b] {
        let (ok, _, err) = admin(&t.url, &["seed", "--students", "200", "--seed", "99"]);
        assert!(ok, "{err}");
    }
    let (_, sa, _) = admin(&a.url, &["stats"]);
    let (_, sb, _) = admin(&b.url, &["stats"]);
    assert_eq!(sa, sb);
}

#[test]
fn errors_are_french_sentences_with_a_non_zero_exit() {
    let (ok, _, err) = admin("mysql://localhost/portee", &["stats"]);
    assert!(!ok);
    assert!(
        err.starts_with("portee-admin : L'adresse de la base de données est invalide"),
        "{err}"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (ok, _, err) = admin(
        &format!("postgres://postgres@127.0.0.1:{port}/x"),
        &["migrate"],
    );
    assert!(!ok);
    assert!(err.contains("injoignable"), "{err}");
    let (ok, _, err) = admin("sqlite::memory:", &["seed", "--students", "0"]);
    assert!(!ok);
    assert!(err.contains("entre 1 et 1 000 000"), "{err}");
}

#[tokio::test]
async fn seed_refuses_a_database_that_holds_real_staff_accounts() {
    for kind in [Kind::Postgres, Kind::Sqlite] {
        let t = TestDb::new(kind).await.unwrap();
        let (ok, _, err) = admin(&t.url, &["migrate"]);
        assert!(ok, "{kind:?}: {err}");
        let db = portee_store::Database::connect(&t.url).await.unwrap();
        portee_services::session::create_first_admin(
            &db,
            "c.martin",
            "Claire Martin",
            "Conservatoire-2026",
            "poste",
        )
        .await
        .unwrap();
        let (ok, out, err) = admin(&t.url, &["seed", "--students", "50"]);
        assert!(!ok, "{kind:?}: seeded anyway: {out}");
        assert!(
            err.starts_with(
                "portee-admin : refusé : la base contient des comptes du personnel réels"
            ),
            "{kind:?}: {err}"
        );
        assert!(db.is_empty().await.unwrap(), "{kind:?}");
        assert!(!db.is_demo_database().await.unwrap(), "{kind:?}");
        db.close().await;
    }
}
