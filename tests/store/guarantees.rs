//! The data layer's guarantees, each proved on PostgreSQL and on SQLite.

use std::{sync::Arc, time::Duration};

use portee_store::{
    Actor, Database, DossierChanges, NewDossier, SeatOutcome, SeatRequest, StoreError,
};
use portee_tests::db::{Kind, TestDb};
use uuid::Uuid;

use crate::each_backend;

/// A small deterministic generator (no dependency needed for tests).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

/// Ids of what the fixture created.
pub struct Fixture {
    pub school_year_id: i64,
    pub campaign_id: i64,
    /// (course id, slot ids)
    pub courses: Vec<(i64, Vec<i64>)>,
    pub students: Vec<i64>,
}

macro_rules! exec {
    ($db:expr, $sql:expr $(, $arg:expr)*) => {
        match $db {
            Database::Postgres(p) => sqlx::query($sql)$(.bind($arg))*.execute(p).await.map(|r| r.rows_affected()),
            Database::Sqlite(p) => sqlx::query($sql)$(.bind($arg))*.execute(p).await.map(|r| r.rows_affected()),
        }
    };
}
macro_rules! scalar {
    ($db:expr, $t:ty, $sql:expr $(, $arg:expr)*) => {
        match $db {
            Database::Postgres(p) => sqlx::query_scalar::<_, $t>($sql)$(.bind($arg))*.fetch_one(p).await,
            Database::Sqlite(p) => sqlx::query_scalar::<_, $t>($sql)$(.bind($arg))*.fetch_one(p).await,
        }
    };
}
pub(crate) use scalar;

/// `courses` courses of `slots_per_course` slots with `capacity(i)` seats
/// each, and `students` students in one family.
pub async fn fixture(
    db: &Database,
    courses: usize,
    slots_per_course: usize,
    students: usize,
    capacity: impl Fn(usize) -> i32,
) -> anyhow::Result<Fixture> {
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let now = chrono::Utc::now();
    let school_year_id = scalar!(
        db,
        i64,
        "INSERT INTO school_years (label, start_year, starts_on, ends_on) VALUES ('2027-2028', 2027, $1, $2) RETURNING id",
        d(2027, 9, 1),
        d(2028, 7, 4)
    )?;
    let campaign_id = scalar!(
        db,
        i64,
        "INSERT INTO campaigns (school_year_id, label, opens_at, closes_at, documents_deadline, status) \
         VALUES ($1, 'Réinscriptions 2027-2028', $2, $3, $4, 'open') RETURNING id",
        school_year_id,
        now,
        now + chrono::Duration::days(30),
        d(2027, 7, 13)
    )?;
    let discipline = scalar!(
        db,
        i64,
        "INSERT INTO disciplines (code, name, kind) VALUES ('fm', 'Formation Musicale', 'formation_musicale') RETURNING id"
    )?;
    let mut out = Vec::new();
    let mut slot_index = 0;
    for c in 0..courses {
        let course = scalar!(
            db,
            i64,
            "INSERT INTO courses (discipline_id, site_id, school_year_id, name, cycle, level, seat_mode) \
             VALUES ($1, 5, $2, $3, 1, $4, 'slot') RETURNING id",
            discipline,
            school_year_id,
            format!("Formation Musicale 1C{}", c + 1),
            format!("1C{}", c + 1)
        )?;
        let mut slots = Vec::new();
        for _ in 0..slots_per_course {
            let slot = scalar!(
                db,
                i64,
                "INSERT INTO slots (course_id, day_of_week, starts_at, ends_at, teacher, room, capacity) \
                 VALUES ($1, 3, '14:00', '15:00', 'Mme Lambert', 'Salle 12', $2) RETURNING id",
                course,
                capacity(slot_index)
            )?;
            slot_index += 1;
            slots.push(slot);
        }
        out.push((course, slots));
    }
    let family = scalar!(
        db,
        i64,
        "INSERT INTO families (family_number, address_line, postcode, town, created_at, updated_at) \
         VALUES ('F-000001', '12 rue de la République', '92190', 'Meudon', $1, $1) RETURNING id",
        now
    )?;
    let mut ids = Vec::new();
    for i in 0..students {
        ids.push(scalar!(db, i64,
            "INSERT INTO students (family_id, site_id, last_name, first_name, birth_date, sex, created_at, updated_at) \
             VALUES ($1, 5, 'Lefèvre', $2, $3, 'F', $4, $4) RETURNING id",
            family, format!("Élève {i}"), d(2015, 3, 14), now)?);
    }
    Ok(Fixture {
        school_year_id,
        campaign_id,
        courses: out,
        students: ids,
    })
}

fn actor() -> Actor {
    Actor::system("poste-test")
}

/// Every slot: 0 ≤ taken ≤ capacity and taken = the enrolments counted.
async fn assert_seats_consistent(db: &Database) -> anyhow::Result<i64> {
    let overbooked = scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM slots WHERE seats_taken > capacity"
    )?;
    anyhow::ensure!(overbooked == 0, "{overbooked} créneaux surréservés");
    let mismatched = scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM slots s WHERE s.seats_taken <> \
         (SELECT COUNT(*) FROM enrolments e WHERE e.slot_id = s.id AND e.status = 'active') + \
         (SELECT COUNT(*) FROM waiting_list w WHERE w.slot_id = s.id AND w.offered_at IS NOT NULL)"
    )?;
    anyhow::ensure!(
        mismatched == 0,
        "{mismatched} créneaux dont le compteur diffère des inscriptions"
    );
    Ok(scalar!(db, i64, "SELECT COUNT(*) FROM enrolments")?)
}

#[tokio::test]
async fn a_seat_is_taken_atomically_by_20_concurrent_clients() {
    each_backend(|t: TestDb| async move {
        let setup = Database::connect(&t.url).await?;
        setup.migrate().await?;
        // 10 courses × 3 slots of 1–4 seats: 75 seats for 300 students.
        let fx = Arc::new(fixture(&setup, 10, 3, 300, |i| 1 + (i % 4) as i32).await?);
        let mut clients = Vec::new();
        for client in 0..20u64 {
            // Each client is its own workstation: its own pool.
            let db = Database::connect_sized(&t.url, 2).await?;
            let fx = fx.clone();
            clients.push(tokio::spawn(async move {
                let mut rng = Lcg(client + 1);
                let (mut taken, mut full, mut refused, mut cancelled) = (0u32, 0u32, 0u32, 0u32);
                for attempt in 0..500 {
                    let (course, slots) = &fx.courses[rng.next(fx.courses.len() as u64) as usize];
                    let request = SeatRequest {
                        slot_id: slots[rng.next(slots.len() as u64) as usize],
                        student_id: fx.students[rng.next(fx.students.len() as u64) as usize],
                        course_id: *course,
                        school_year_id: fx.school_year_id,
                    };
                    // One attempt in 25 is abandoned mid-flight (a dropped
                    // connection, a closed window): it must leave nothing.
                    let who = actor();
                    let op = db.take_seat(request, &who);
                    let result = if attempt % 25 == 7 {
                        match tokio::time::timeout(Duration::from_micros(300 + rng.next(700)), op)
                            .await
                        {
                            Ok(r) => r,
                            Err(_) => {
                                cancelled += 1;
                                continue;
                            }
                        }
                    } else {
                        op.await
                    };
                    match result {
                        Ok(SeatOutcome::Taken { .. }) => taken += 1,
                        Ok(SeatOutcome::Full) => full += 1,
                        // Already enrolled in that course: refused, rolled back.
                        Err(StoreError::Duplicate) => refused += 1,
                        Err(e) => panic!("tentative {attempt}: {e:?}"),
                    }
                }
                db.close().await;
                (taken, full, refused, cancelled)
            }));
        }
        let mut taken_total = 0;
        let mut full_total = 0;
        let mut cancelled_total = 0;
        for c in clients {
            let (taken, full, _, cancelled) = c.await?;
            taken_total += taken;
            full_total += full;
            cancelled_total += cancelled;
        }
        // Abandoned attempts really happened (else the run proves nothing
        // about them).
        anyhow::ensure!(
            cancelled_total > 0,
            "aucune tentative abandonnée en cours de route : le test ne prouve rien"
        );
        let enrolments = assert_seats_consistent(&setup).await?;
        // Cancelled attempts may have committed just before being dropped,
        // so count from the database: every enrolment holds one seat.
        let seats_taken = scalar!(&setup, i64, "SELECT SUM(seats_taken) FROM slots")?;
        anyhow::ensure!(seats_taken == enrolments);
        anyhow::ensure!(i64::from(taken_total) <= enrolments);
        anyhow::ensure!(
            full_total > 0,
            "aucun créneau complet : le test ne prouve rien"
        );
        let full_slots = scalar!(
            &setup,
            i64,
            "SELECT COUNT(*) FROM slots WHERE seats_taken = capacity"
        )?;
        anyhow::ensure!(full_slots > 0);
        // Every enrolment was audited in its own transaction.
        let audited = scalar!(
            &setup,
            i64,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'seat.take'"
        )?;
        anyhow::ensure!(
            audited == enrolments,
            "{audited} audits pour {enrolments} inscriptions"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_stale_write_is_refused_and_overwrites_nothing() {
    each_backend(|t: TestDb| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        let fx = fixture(&db, 1, 1, 1, |_| 10).await?;
        let dossier = db
            .create_dossier(
                &NewDossier {
                    client_id: Uuid::new_v4(),
                    student_id: fx.students[0],
                    campaign_id: fx.campaign_id,
                    intent: Some("reinscrire".into()),
                    no_reason: None,
                    courses: vec![],
                },
                &actor(),
            )
            .await?;
        let read_version = dossier.version;
        let first = DossierChanges {
            image_rights: Some(true),
            additional_info: Some("Souhaite le violoncelle".into()),
            ..Default::default()
        };
        let second = DossierChanges {
            image_rights: Some(false),
            ..Default::default()
        };
        let who = actor();
        let (a, b) = tokio::join!(
            db.update_dossier(dossier.id, read_version, &first, &who),
            db.update_dossier(dossier.id, read_version, &second, &who),
        );
        let (winner, loser) = match (a, b) {
            (Ok(w), Err(l)) => (w, l),
            (Err(l), Ok(w)) => (w, l),
            other => anyhow::bail!("exactement une modification doit passer : {other:?}"),
        };
        anyhow::ensure!(matches!(loser, StoreError::Conflict), "{loser:?}");
        anyhow::ensure!(loser.to_string().contains("modifié entre-temps"));
        let now = db.dossier(dossier.id).await?;
        anyhow::ensure!(now == winner, "la valeur gagnante a été écrasée");
        anyhow::ensure!(now.version == read_version + 1);

        // The same on a slot's capacity, and the capacity rules.
        let slot = db.slot(fx.courses[0].1[0]).await?;
        db.set_capacity(slot.id, 12, slot.version, &actor()).await?;
        let stale = db
            .set_capacity(slot.id, 14, slot.version, &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(stale, StoreError::Conflict));
        anyhow::ensure!(db.slot(slot.id).await?.capacity == 12);
        let fresh = db.slot(slot.id).await?;
        let negative = db
            .set_capacity(slot.id, -1, fresh.version, &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(negative.to_string().contains("négative"), "{negative}");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_resubmitted_dossier_creates_nothing_twice() {
    each_backend(|t: TestDb| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        let fx = fixture(&db, 2, 1, 1, |_| 10).await?;
        let new = NewDossier {
            client_id: Uuid::new_v4(),
            student_id: fx.students[0],
            campaign_id: fx.campaign_id,
            intent: Some("reinscrire".into()),
            no_reason: None,
            courses: vec![
                (fx.courses[0].0, Some(fx.courses[0].1[0])),
                (fx.courses[1].0, None),
            ],
        };
        // The same submission sent 8 times at once (double click, retry
        // after a time-out), then once more later.
        let mut handles = Vec::new();
        for _ in 0..8 {
            let (db, new) = (db.clone(), new.clone());
            handles.push(tokio::spawn(async move {
                db.create_dossier(&new, &actor()).await
            }));
        }
        let mut ids = Vec::new();
        for h in handles {
            ids.push(h.await??.id);
        }
        ids.push(db.create_dossier(&new, &actor()).await?.id);
        ids.dedup();
        anyhow::ensure!(ids.len() == 1, "plusieurs dossiers : {ids:?}");
        anyhow::ensure!(scalar!(&db, i64, "SELECT COUNT(*) FROM reinscriptions")? == 1);
        anyhow::ensure!(scalar!(&db, i64, "SELECT COUNT(*) FROM reinscription_courses")? == 2);
        anyhow::ensure!(
            scalar!(
                &db,
                i64,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.create'"
            )? == 1
        );
        // The entry belongs to the student's and their family's history.
        anyhow::ensure!(
            scalar!(
                &db,
                i64,
                "SELECT COUNT(*) FROM audit_log a JOIN students s ON s.id = a.student_id \
                 WHERE a.action = 'dossier.create' AND a.family_id = s.family_id"
            )? == 1
        );
        // The same client id with other contents is not taken for the same
        // submission: refused in French, nothing written, not handed the
        // stored dossier as if it were the one sent.
        let changed_intent = NewDossier {
            intent: Some("ne_pas_reinscrire".into()),
            no_reason: Some("Déménagement".into()),
            ..new.clone()
        };
        let changed_courses = NewDossier {
            courses: vec![(fx.courses[1].0, None)],
            ..new.clone()
        };
        for changed in [changed_intent, changed_courses] {
            let err = db.create_dossier(&changed, &actor()).await.unwrap_err();
            anyhow::ensure!(matches!(err, StoreError::ResubmittedDifferently), "{err:?}");
            anyhow::ensure!(err.to_string().contains("contenu différent"), "{err}");
        }
        anyhow::ensure!(scalar!(&db, i64, "SELECT COUNT(*) FROM reinscriptions")? == 1);
        anyhow::ensure!(scalar!(&db, i64, "SELECT COUNT(*) FROM reinscription_courses")? == 2);
        anyhow::ensure!(
            db.dossier(ids[0]).await?.intent.as_deref() == Some("reinscrire"),
            "le dossier enregistré a changé"
        );
        // The courses in another order are the same submission.
        let reordered = NewDossier {
            courses: new.courses.iter().rev().cloned().collect(),
            ..new.clone()
        };
        anyhow::ensure!(db.create_dossier(&reordered, &actor()).await?.id == ids[0]);
        // Another dossier (new client id) for the same student and campaign.
        let other = NewDossier {
            client_id: Uuid::new_v4(),
            ..new
        };
        let err = db.create_dossier(&other, &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Duplicate), "{err:?}");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_interrupted_transaction_leaves_nothing_half_written() {
    each_backend(|t: TestDb| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        let fx = fixture(&db, 1, 2, 1, |_| 5).await?;
        let (course, slots) = &fx.courses[0];
        let request = SeatRequest {
            slot_id: slots[0],
            student_id: fx.students[0],
            course_id: *course,
            school_year_id: fx.school_year_id,
        };
        assert!(matches!(
            db.take_seat(request, &actor()).await?,
            SeatOutcome::Taken { .. }
        ));
        // Second write fails after the first succeeded (the seat counter was
        // incremented, then the enrolment is refused): all rolled back.
        let again = SeatRequest {
            slot_id: slots[1],
            ..request
        };
        let err = db.take_seat(again, &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Duplicate), "{err:?}");
        anyhow::ensure!(
            db.slot(slots[1]).await?.seats_taken == 0,
            "place prise sans inscription"
        );
        anyhow::ensure!(
            scalar!(
                &db,
                i64,
                "SELECT COUNT(*) FROM audit_log WHERE origin = 'app'"
            )? == 1
        );

        // A dossier whose second write (its courses) fails: no dossier left.
        let bad = NewDossier {
            client_id: Uuid::new_v4(),
            student_id: fx.students[0],
            campaign_id: fx.campaign_id,
            intent: None,
            no_reason: None,
            courses: vec![(*course, None), (999_999, None)],
        };
        let err = db.create_dossier(&bad, &actor()).await.unwrap_err();
        anyhow::ensure!(
            !err.to_string().to_lowercase().contains("foreign"),
            "message brut : {err}"
        );
        anyhow::ensure!(scalar!(&db, i64, "SELECT COUNT(*) FROM reinscriptions")? == 0);
        anyhow::ensure!(scalar!(&db, i64, "SELECT COUNT(*) FROM reinscription_courses")? == 0);
        anyhow::ensure!(
            scalar!(
                &db,
                i64,
                "SELECT COUNT(*) FROM audit_log WHERE origin = 'app'"
            )? == 1
        );
        assert_seats_consistent(&db).await?;
        Ok(())
    })
    .await;
}

/// Until `waiters` backends of this database (other than the watcher's)
/// wait on a lock. PostgreSQL sends no notification of that: this polls
/// `pg_stat_activity`, bounded to 30 s. Returns their pids.
async fn lock_waiters(
    watcher: &mut sqlx::PgConnection,
    waiters: usize,
) -> anyhow::Result<Vec<i32>> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let pids: Vec<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        )
        .fetch_all(&mut *watcher)
        .await?;
        if pids.len() >= waiters {
            return Ok(pids);
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "aucune écriture en attente"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// A seat request whose transaction is cut after its first statements ran
/// (the enrolment and its audit entry written, the seat counter not moved
/// yet) leaves nothing: whether the caller drops it (a closed window) or
/// the server ends its connection (`pg_terminate_backend`). A third
/// connection holds writes to `slots` back (`LOCK TABLE … IN SHARE MODE`),
/// so the call is stopped exactly before its last statement.
#[tokio::test]
async fn a_transaction_cut_after_its_first_statement_leaves_nothing() {
    use sqlx::Connection;
    let t = TestDb::postgres().await.unwrap();
    let db = Database::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    let fx = fixture(&db, 1, 1, 2, |_| 5).await.unwrap();
    let (course, slots) = &fx.courses[0];
    let request = |student| SeatRequest {
        slot_id: slots[0],
        student_id: student,
        course_id: *course,
        school_year_id: fx.school_year_id,
    };
    let mut watcher = sqlx::PgConnection::connect(&t.url).await.unwrap();
    let admin_url = portee_tests::db::pg_admin_url();
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    for (how, student) in [("abandon", fx.students[0]), ("terminate", fx.students[1])] {
        let mut gate = sqlx::PgConnection::connect(&t.url).await.unwrap();
        sqlx::raw_sql("BEGIN; LOCK TABLE slots IN SHARE MODE")
            .execute(&mut gate)
            .await
            .unwrap();
        let call = {
            let db = db.clone();
            let req = request(student);
            tokio::spawn(async move { db.take_seat(req, &actor()).await })
        };
        let pids = lock_waiters(&mut watcher, 1).await.unwrap();
        // The first statement ran: its transaction wrote the enrolment.
        let moved: i32 = sqlx::query_scalar(
            "SELECT COUNT(*)::int FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
             WHERE l.pid = $1 AND c.relname = 'enrolments' AND l.mode = 'RowExclusiveLock' AND l.granted",
        )
        .bind(pids[0])
        .fetch_one(&mut watcher)
        .await
        .unwrap();
        assert_eq!(
            moved, 1,
            "{how}: la première instruction n'a pas été exécutée"
        );
        match how {
            "abandon" => {
                call.abort();
                let ended = call.await;
                assert!(ended.unwrap_err().is_cancelled(), "{how}");
            }
            _ => {
                let ended: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
                    .bind(pids[0])
                    .fetch_one(&mut admin)
                    .await
                    .unwrap();
                assert!(ended);
                let err = call.await.unwrap().unwrap_err();
                assert!(err.is_unavailable(), "{how}: {err:?}");
            }
        }
        sqlx::raw_sql("ROLLBACK").execute(&mut gate).await.unwrap();
        // Wait for the cut transaction to end: its lock on the slot's row
        // (the enrolment's reference to it) is released only then (by the
        // rollback the driver sends, or by the server for a terminated
        // backend).
        let mut check = sqlx::PgConnection::connect(&t.url).await.unwrap();
        let mut tx = check.begin().await.unwrap();
        let locked = sqlx::query_scalar("SELECT seats_taken FROM slots WHERE id = $1 FOR UPDATE")
            .bind(slots[0])
            .fetch_one(&mut *tx);
        let taken: i32 = tokio::time::timeout(Duration::from_secs(30), locked)
            .await
            .expect("la transaction interrompue ne se termine pas")
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(taken, 0, "{how}: place prise sans inscription");
        let enrolled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enrolments")
            .fetch_one(&mut check)
            .await
            .unwrap();
        assert_eq!(enrolled, 0, "{how}");
        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE origin = 'app'")
                .fetch_one(&mut check)
                .await
                .unwrap();
        assert_eq!(audited, 0, "{how}");
    }
    // The pool is still usable, and the same request now goes through.
    assert!(matches!(
        db.take_seat(request(fx.students[0]), &actor())
            .await
            .unwrap(),
        SeatOutcome::Taken { .. }
    ));
    assert_seats_consistent(&db).await.unwrap();
}

#[tokio::test]
async fn the_audit_log_cannot_be_edited_or_deleted() {
    each_backend(|t: TestDb| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        let fx = fixture(&db, 1, 1, 1, |_| 5).await?;
        let (course, slots) = &fx.courses[0];
        db.take_seat(
            SeatRequest {
                slot_id: slots[0],
                student_id: fx.students[0],
                course_id: *course,
                school_year_id: fx.school_year_id,
            },
            &actor(),
        )
        .await?;
        anyhow::ensure!(exec!(&db, "UPDATE audit_log SET action = 'x'").is_err());
        anyhow::ensure!(exec!(&db, "DELETE FROM audit_log").is_err());
        if t.kind == Kind::Postgres {
            anyhow::ensure!(exec!(&db, "TRUNCATE audit_log").is_err());
        }
        anyhow::ensure!(
            scalar!(
                &db,
                i64,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'seat.take'"
            )? == 1
        );
        Ok(())
    })
    .await;
}
