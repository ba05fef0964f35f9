//! A PostgreSQL restart during use costs at most the operation in flight:
//! the next one succeeds on the same `Database`, without restarting the app.
//!
//! This test restarts the local server, so it lives alone in its own test
//! binary (cargo runs test binaries one after another). It needs the right
//! to restart the cluster (root, as in CI, or passwordless sudo); without
//! it the test fails and says why.

use std::{process::Command, time::Duration};

use portee_store::{Database, SeatOutcome, SeatRequest, StoreError};
use portee_tests::db::TestDb;

fn restart_postgres() -> anyhow::Result<()> {
    let version = std::fs::read_dir("/etc/postgresql")?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .max_by_key(|v| v.parse::<u32>().unwrap_or(0))
        .ok_or_else(|| anyhow::anyhow!("aucun cluster PostgreSQL dans /etc/postgresql"))?;
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
            &version,
            "main",
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

    restart_postgres().unwrap();

    // The first operation after the restart may fail (its connection was
    // cut); it must say so in French, and the next one must succeed.
    let mut failures = 0;
    let mut succeeded = false;
    for student in &students[1..] {
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
}
