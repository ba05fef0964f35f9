//! The real window on the shared PostgreSQL database (issue 9): the app's
//! URL holds no user and no password; a member signs in as their own
//! PostgreSQL role, and the server decides what they see.

use std::{path::Path, time::Duration};

use fantoccini::Locator;
use portee_store::{Actor, Database};
use portee_tests::{
    db::TestDb,
    e2e::{LaunchOptions, delays_summary, scenario},
};

const WAIT: Duration = Duration::from_secs(30);

/// The URL the workstation is given: host, port and base only.
fn workstation_url(t: &TestDb) -> String {
    let name = t.url.rsplit('/').next().unwrap_or_default();
    format!("postgres://127.0.0.1:5432/{name}")
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[tokio::test]
async fn a_shared_database_not_prepared_yet_says_which_command_to_run() {
    let pg = TestDb::postgres().await.unwrap();
    let options = LaunchOptions {
        database_url: Some(workstation_url(&pg)),
        ..Default::default()
    };
    scenario("postgres-non-preparee", options, async |app| {
        let reason = app
            .wait_text("#base-indisponible", "portee-admin migrate", WAIT)
            .await?;
        anyhow::ensure!(!reason.contains("password"), "{reason}");
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_meudon_agent_signs_in_as_their_own_role_and_leaves_no_password_behind() {
    let pg = TestDb::postgres().await.unwrap();
    let db = Database::connect(&pg.url).await.unwrap();
    db.migrate().await.unwrap();
    portee_services::demo::seed(
        &db,
        400,
        5,
        chrono::Utc::now().date_naive(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let Database::Postgres(pool) = &db else {
        unreachable!()
    };
    let (other_last, other_first): (String, String) = sqlx::query_as(
        "SELECT last_name, first_name FROM students WHERE site_id = 7 AND last_name NOT IN \
         (SELECT last_name FROM students WHERE site_id = 5) ORDER BY id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let options = LaunchOptions {
        database_url: Some(workstation_url(&pg)),
        ..Default::default()
    };
    let result = scenario("postgres-agent-meudon", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        app.wait_text("#utilisateur", "Meudon", WAIT).await?;
        // The window's connections are the agent's own role.
        let Database::Postgres(pool) = &db else {
            unreachable!()
        };
        let name = pg.url.rsplit('/').next().unwrap_or_default().to_owned();
        let roles: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT usename::text FROM pg_stat_activity WHERE datname = $1 \
             AND application_name LIKE 'portee%' ORDER BY 1",
        )
        .bind(&name)
        .fetch_all(pool)
        .await?;
        anyhow::ensure!(
            roles.iter().any(|r| r == "agent.meudon"),
            "connexions de la fenêtre : {roles:?}"
        );
        anyhow::ensure!(
            roles
                .iter()
                .all(|r| r == "agent.meudon" || r == "portee_connexion"),
            "{roles:?}"
        );

        app.click("#nav-familles").await?;
        app.fill("#recherche", "ma").await?;
        app.wait_text("#recherche-compte", "résultat", WAIT).await?;
        let sites = app
            .client
            .find_all(Locator::Css("#resultats .cell-site"))
            .await?;
        anyhow::ensure!(!sites.is_empty());
        for cell in sites {
            anyhow::ensure!(cell.text().await? == "Meudon", "un résultat hors de Meudon");
        }
        app.fill("#recherche", &format!("{other_first} {other_last}"))
            .await?;
        app.wait_text("#recherche-compte", "Aucun résultat", WAIT)
            .await?;
        app.screenshot("postgres-agent-meudon").await?;
        app.click("#deconnexion").await?;
        app.wait_for("#connexion-formulaire", WAIT).await?;

        // Signed out: the member's connections are closed.
        let mut left = Vec::new();
        for _ in 0..50 {
            left = sqlx::query_scalar::<_, String>(
                "SELECT usename::text FROM pg_stat_activity WHERE datname = $1 \
                 AND usename = 'agent.meudon'",
            )
            .bind(&name)
            .fetch_all(pool)
            .await?;
            if left.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::ensure!(left.is_empty(), "connexions restées ouvertes : {left:?}");
        // Nothing of the password on the workstation.
        let found = files_containing(&app.data_dir, "demo-agent.meudon");
        anyhow::ensure!(found.is_empty(), "mot de passe trouvé dans {found:?}");
        Ok(())
    })
    .await;
    db.close().await;
    result.unwrap();
}

#[tokio::test]
async fn on_postgres_a_seat_taken_elsewhere_shows_on_the_open_offer_page_within_a_second() {
    let pg = TestDb::postgres().await.unwrap();
    let db = Database::connect(&pg.url).await.unwrap();
    db.migrate().await.unwrap();
    portee_services::demo::seed(
        &db,
        400,
        5,
        chrono::Utc::now().date_naive(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let Database::Postgres(pool) = &db else {
        unreachable!()
    };
    let slot: i64 = sqlx::query_scalar(
        "SELECT MIN(sl.id) FROM slots sl JOIN courses c ON c.id = sl.course_id \
         WHERE c.site_id = 5 AND c.school_year_id = (SELECT MAX(school_year_id) FROM courses)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("UPDATE slots SET capacity = 12, seats_taken = 5 WHERE id = $1")
        .bind(slot)
        .execute(pool)
        .await
        .unwrap();
    let options = LaunchOptions {
        database_url: Some(workstation_url(&pg)),
        ..Default::default()
    };
    let result = scenario("postgres-cours-notifications", options, async |app| {
        app.sign_in_demo(5, "resp.meudon").await?;
        app.wait_text("#utilisateur", "Meudon", WAIT).await?;
        app.click("#nav-cours").await?;
        let places = format!("#creneau-{slot}-places");
        app.wait_text(&places, "5 / 12", WAIT).await?;
        // Give the page's notifications time to be listened to.
        tokio::time::sleep(Duration::from_secs(2)).await;
        // Another workstation (here a direct connection) changes the seats
        // 20 times: the page follows through PostgreSQL's notifications
        // (its own reads come every 10 s only). Each delay is printed, not
        // asserted.
        let mut seen_after = Vec::new();
        for round in 0..20u64 {
            let taken = if round % 2 == 0 { 7 } else { 6 };
            tokio::time::sleep(Duration::from_millis((round * 173) % 500)).await;
            let t = std::time::Instant::now();
            sqlx::query("UPDATE slots SET seats_taken = $1, version = version + 1 WHERE id = $2")
                .bind(taken)
                .bind(slot)
                .execute(pool)
                .await?;
            let expected = format!("{taken} / 12");
            seen_after.push(
                app.text_seen_after(&places, &expected, t, Duration::from_secs(15))
                    .await?,
            );
        }
        eprintln!(
            "postgres-cours-notifications: place prise sur un autre poste visible après {}, PostgreSQL LISTEN/NOTIFY",
            delays_summary(seen_after)
        );
        app.screenshot("postgres-cours-notifications").await?;
        Ok(())
    })
    .await;
    db.close().await;
    result.unwrap();
}

/// Two workstations on the shared database, each its own app: a seat given
/// on one shows in the other's fill bar, and a dossier changed elsewhere in
/// the other's Accueil figures, without a reload (PostgreSQL's
/// notifications; the screens' own safety reads come every 10 to 15 s
/// only, later than what is waited for here).
#[tokio::test]
async fn on_postgres_two_workstations_see_each_others_seats_and_dossiers_without_a_reload() {
    use portee_tests::e2e::AppInstance;
    let pg = TestDb::postgres().await.unwrap();
    let db = Database::connect(&pg.url).await.unwrap();
    db.migrate().await.unwrap();
    portee_services::demo::seed(
        &db,
        400,
        5,
        chrono::Utc::now().date_naive(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let Database::Postgres(pool) = &db else {
        unreachable!()
    };
    // A Meudon slot of next year with one seat free, and a Meudon student
    // first on its waiting list.
    let (slot, taken, capacity): (i64, i32, i32) = sqlx::query_as(
        "UPDATE slots SET capacity = seats_taken + 1, version = version + 1 WHERE id = \
         (SELECT MIN(sl.id) FROM slots sl JOIN courses c ON c.id = sl.course_id \
          WHERE c.site_id = 5 AND c.seat_mode = 'slot' \
          AND c.school_year_id = (SELECT MAX(school_year_id) FROM courses)) \
         RETURNING id, seats_taken, capacity",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let student: i64 = sqlx::query_scalar(
        "SELECT MIN(s.id) FROM students s WHERE s.site_id = 5 AND NOT EXISTS \
         (SELECT 1 FROM enrolments e WHERE e.student_id = s.id AND e.slot_id = $1)",
    )
    .bind(slot)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM waiting_list WHERE slot_id = $1")
        .bind(slot)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO waiting_list (slot_id, student_id, rank, created_at) VALUES ($1, $2, 1, now())",
    )
    .bind(slot)
    .bind(student)
    .execute(pool)
    .await
    .unwrap();
    let options = LaunchOptions {
        database_url: Some(workstation_url(&pg)),
        ..Default::default()
    };
    let result = scenario("postgres-deux-postes", options.clone(), async |a| {
        let b = AppInstance::launch(options.clone()).await?;
        let seen = async {
            a.sign_in_demo(5, "resp.meudon").await?;
            b.sign_in_demo(5, "agent.meudon").await?;
            b.click("#nav-cours").await?;
            let places = format!("#creneau-{slot}-places");
            b.wait_text(&places, &format!("{taken} / {capacity}"), WAIT)
                .await?;
            // Workstation A offers the freed seat: held, it is taken.
            a.click("#nav-cours").await?;
            a.click(&format!("#creneau-{slot}-listes")).await?;
            a.click("#attribuer").await?;
            let t = std::time::Instant::now();
            a.wait_text("#panneau-message", "Place proposée", WAIT)
                .await?;
            b.wait_text(&places, &format!("{} / {capacity}", taken + 1), Duration::from_secs(8))
                .await?;
            let first = t.elapsed();
            eprintln!(
                "postgres-deux-postes: place prise sur le poste A visible sur le poste B après {} ms (depuis la réponse de A)",
                first.as_millis()
            );
            b.screenshot("postgres-deux-postes-cours").await?;
            // More samples: A's responsable types ten capacities in turn;
            // each shows in B's fill bar. From A's Enter to B's screen,
            // printed, not asserted.
            a.click("#panneau-fermer").await?;
            let field = format!("#capacite-{slot}");
            let enter = fantoccini::key::Key::Enter.to_string();
            let now_taken = taken + 1;
            let mut seen_after = vec![first];
            for round in 0..10 {
                let cap = now_taken + 1 + (round % 2);
                let started = std::time::Instant::now();
                a.type_over(&field, &format!("{cap}{enter}")).await?;
                let expected = format!("{now_taken} / {cap}");
                seen_after.push(
                    b.text_seen_after(&places, &expected, started, Duration::from_secs(8))
                        .await?,
                );
                a.wait_text("#capacite-message", &format!("{cap} place(s)"), WAIT)
                    .await?;
            }
            eprintln!(
                "postgres-deux-postes: changement fait dans la fenêtre A visible dans la fenêtre B après {}",
                delays_summary(seen_after)
            );
            // B on Accueil; a dossier of Meudon changes elsewhere.
            b.click("#nav-accueil").await?;
            let before = b
                .wait_text("#dossiers-par-etat", "Dossiers par état", WAIT)
                .await?;
            tokio::time::sleep(Duration::from_secs(1)).await;
            sqlx::query(
                "UPDATE reinscriptions SET status = 'submitted', version = version + 1 WHERE id = \
                 (SELECT MIN(r.id) FROM reinscriptions r JOIN students s ON s.id = r.student_id \
                  WHERE s.site_id = 5 AND r.status = 'draft')",
            )
            .execute(pool)
            .await?;
            let deadline = std::time::Instant::now() + Duration::from_secs(8);
            loop {
                let now = b
                    .prop("#dossiers-par-etat", "textContent")
                    .await?
                    .unwrap_or_default();
                if !now.is_empty() && now != before {
                    break;
                }
                anyhow::ensure!(
                    std::time::Instant::now() < deadline,
                    "l'Accueil du poste B ne suit pas le dossier changé ailleurs"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Ok(())
        }
        .await;
        b.close().await;
        seen
    })
    .await;
    db.close().await;
    result.unwrap();
}
