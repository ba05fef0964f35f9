//! A PostgreSQL restart during use costs at most the operation in flight:
//! the next one succeeds on the same `Database`, without restarting the app.
//!
//! This test restarts the server that the test URL names (the
//! `pg_lsclusters` cluster with the data directory and port that server
//! reports), so it lives alone in its own test binary (cargo runs test
//! binaries one after another). An operation is in flight during the
//! restart: it must fail cleanly, and nothing of it may remain. It needs the right
//! to restart the cluster (root, as in CI, or passwordless sudo); without
//! it the test fails and says why.

use std::{process::Command, time::Duration};

use portee_store::{Database, SeatOutcome, SeatRequest, StoreError};
use portee_tests::db::TestDb;
use sqlx::Connection;

/// The `pg_lsclusters` cluster (version, name) of the server a pool is
/// connected to: the one whose data directory and port the server itself
/// reports, never a guess such as the newest cluster installed.
async fn cluster_of(pool: &sqlx::PgPool) -> anyhow::Result<(String, String)> {
    let data_directory: String = sqlx::query_scalar("SHOW data_directory")
        .fetch_one(pool)
        .await?;
    let port: String = sqlx::query_scalar("SHOW port").fetch_one(pool).await?;
    let out = Command::new("pg_lsclusters").arg("--no-header").output()?;
    anyhow::ensure!(out.status.success(), "pg_lsclusters a échoué");
    let listing = String::from_utf8_lossy(&out.stdout);
    // Ver Cluster Port Status Owner Data-directory Log-file
    listing
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|c| c.len() >= 6 && c[2] == port && c[5] == data_directory)
        .map(|c| (c[0].to_owned(), c[1].to_owned()))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "aucun cluster de pg_lsclusters n'a le répertoire {data_directory} et le port {port}"
            )
        })
}

fn restart_postgres((version, name): &(String, String)) -> anyhow::Result<()> {
    let mut cmd = if nix_is_root() {
        Command::new("pg_ctlcluster")
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", "pg_ctlcluster"]);
        c
    };
    let status = cmd
        .args([
            "--skip-systemctl-redirect",
            version,
            name,
            "restart",
            "--mode",
            "fast",
        ])
        .status()?;
    anyhow::ensure!(
        status.success(),
        "pg_ctlcluster restart a échoué ({status})"
    );
    Ok(())
}

/// Until a backend of this database (other than the watcher's) waits on a
/// lock. PostgreSQL sends no notification of that: this polls
/// `pg_stat_activity`, bounded to 30 s.
async fn wait_for_a_lock_waiter(watcher: &mut sqlx::PgConnection) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut *watcher)
        .await?;
        if waiting > 0 {
            return Ok(());
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "aucune opération en cours"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

fn nix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false)
}

#[tokio::test]
async fn a_server_restart_costs_at_most_the_operation_in_flight() {
    let t = TestDb::postgres().await.unwrap();
    let db = Database::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    let Database::Postgres(pool) = &db else {
        unreachable!()
    };
    let year: i64 = sqlx::query_scalar(
        "INSERT INTO school_years (label, start_year, starts_on, ends_on) \
         VALUES ('2027-2028', 2027, DATE '2027-09-01', DATE '2028-07-04') RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let discipline: i64 = sqlx::query_scalar(
        "INSERT INTO disciplines (code, name, kind) VALUES ('fm', 'Formation Musicale', 'formation_musicale') RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let course: i64 = sqlx::query_scalar(
        "INSERT INTO courses (discipline_id, site_id, school_year_id, name, seat_mode) \
         VALUES ($1, 5, $2, 'FM 1C1', 'slot') RETURNING id",
    )
    .bind(discipline)
    .bind(year)
    .fetch_one(pool)
    .await
    .unwrap();
    let slot: i64 = sqlx::query_scalar(
        "INSERT INTO slots (course_id, day_of_week, starts_at, ends_at, teacher, room, capacity) \
         VALUES ($1, 3, '14:00', '15:00', 'Mme Lambert', 'Salle 12', 100) RETURNING id",
    )
    .bind(course)
    .fetch_one(pool)
    .await
    .unwrap();
    let family: i64 = sqlx::query_scalar(
        "INSERT INTO families (family_number, address_line, postcode, town, created_at, updated_at) \
         VALUES ('F-1', '1 rue Basse', '92190', 'Meudon', now(), now()) RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let mut students = Vec::new();
    for i in 0..10 {
        students.push(
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO students (family_id, site_id, last_name, first_name, birth_date, sex, created_at, updated_at) \
                 VALUES ($1, 5, 'Hervé', $2, DATE '2015-01-01', 'M', now(), now()) RETURNING id",
            )
            .bind(family)
            .bind(format!("Élève {i}"))
            .fetch_one(pool)
            .await
            .unwrap(),
        );
    }
    let actor = portee_store::Actor::system("poste-test");
    let seat = |student| SeatRequest {
        slot_id: slot,
        student_id: student,
        course_id: course,
        school_year_id: year,
    };

    // In use before the restart.
    assert!(matches!(
        db.take_seat(seat(students[0]), &actor).await.unwrap(),
        SeatOutcome::Taken { .. }
    ));
    let cluster = cluster_of(pool).await.unwrap();
    let started_before: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT pg_postmaster_start_time()")
            .fetch_one(pool)
            .await
            .unwrap();

    // An operation in flight during the restart: held between its first
    // statement (the seat counter) and its second (the enrolment) by a
    // connection that holds writes to `enrolments` back.
    let mut gate = sqlx::PgConnection::connect(&t.url).await.unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE enrolments IN SHARE MODE")
        .execute(&mut gate)
        .await
        .unwrap();
    let in_flight = {
        let (db, actor, request) = (db.clone(), actor.clone(), seat(students[1]));
        tokio::spawn(async move { db.take_seat(request, &actor).await })
    };
    let mut watcher = sqlx::PgConnection::connect(&t.url).await.unwrap();
    wait_for_a_lock_waiter(&mut watcher).await.unwrap();

    tokio::task::spawn_blocking(move || restart_postgres(&cluster))
        .await
        .unwrap()
        .unwrap();
    drop((gate, watcher));

    // The operation in flight failed cleanly, in French; retried, it
    // succeeds.
    let cut = in_flight.await.unwrap();
    match cut {
        Err(e) => {
            assert!(e.is_unavailable(), "{e:?}");
            assert!(
                e.to_string()
                    .starts_with("La base de données est injoignable"),
                "{e}"
            );
        }
        Ok(outcome) => panic!("l'opération en cours a abouti malgré le redémarrage : {outcome:?}"),
    }
    let retried = db.take_seat(seat(students[1]), &actor).await;
    assert!(
        matches!(retried, Ok(SeatOutcome::Taken { .. })),
        "{retried:?}"
    );

    // The server really restarted.
    let started_after: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT pg_postmaster_start_time()")
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(
        started_after > started_before,
        "le serveur n'a pas redémarré ({started_before} → {started_after})"
    );

    // The first operation after the restart may fail (its connection was
    // cut); it must say so in French, and the next one must succeed.
    let mut failures = 0;
    let mut succeeded = false;
    for student in &students[2..] {
        match db.take_seat(seat(*student), &actor).await {
            Ok(SeatOutcome::Taken { .. }) => {
                succeeded = true;
                break;
            }
            Ok(SeatOutcome::Full) => panic!("créneau plein ?"),
            Err(e) => {
                assert!(matches!(e, StoreError::Unavailable { .. }), "{e:?}");
                failures += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    assert!(
        succeeded,
        "aucune opération n'a réussi après le redémarrage"
    );
    assert!(
        failures <= 1,
        "{failures} opérations perdues (au plus celle en cours)"
    );
    let taken: i32 = sqlx::query_scalar("SELECT seats_taken FROM slots WHERE id = $1")
        .bind(slot)
        .fetch_one(pool)
        .await
        .unwrap();
    let enrolled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enrolments")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(i64::from(taken), enrolled);
    // Nothing half-written: the students enrolled are exactly those whose
    // operation succeeded, each audited once.
    assert_eq!(enrolled, 3);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'seat.take'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(audited, enrolled);
}
