//! Validating, correcting and declining a réinscription on both databases
//! (on PostgreSQL as the demo administrator's own role): seats taken at
//! validation in one transaction, a full slot refusing everything, a
//! correction swapping seats, a retry writing nothing twice, a
//! non-réinscription freeing next year's seats, and on PostgreSQL a member
//! of another site who can neither see nor validate the dossier.

use portee_store::{Actor, Channel, ChosenCourse, Database, StoreError, Validation};
use portee_tests::db::{Kind, TestDb};
use uuid::Uuid;

use crate::each_backend_as_member as each_backend;
use crate::{demo_dbs, execute, scalar};

/// A Meudon dossier not validated yet, with what the test chooses for it:
/// a slot course the student does not follow yet (a slot with seats left)
/// and a course without slot choice, both of next year on Meudon.
pub(crate) struct Case {
    pub(crate) dossier: i64,
    pub(crate) version: i64,
    pub(crate) student: i64,
    pub(crate) year: i64,
    pub(crate) slot_course: i64,
    pub(crate) slot: i64,
    pub(crate) other_slot: i64,
    pub(crate) plain_course: i64,
}

pub(crate) async fn case(db: &Database) -> anyhow::Result<Case> {
    let dossier = scalar(
        db,
        "SELECT MIN(r.id) FROM reinscriptions r JOIN students s ON s.id = r.student_id \
         WHERE s.site_id = 5 AND r.status IN ('draft', 'submitted') AND r.acknowledgement_number IS NULL",
    )
    .await?;
    let version = scalar(
        db,
        &format!("SELECT CAST(version AS BIGINT) FROM reinscriptions WHERE id = {dossier}"),
    )
    .await?;
    let student = scalar(
        db,
        &format!("SELECT student_id FROM reinscriptions WHERE id = {dossier}"),
    )
    .await?;
    let year = scalar(
        db,
        &format!("SELECT c.school_year_id FROM reinscriptions r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = {dossier}"),
    )
    .await?;
    let not_held = format!(
        "co.id NOT IN (SELECT course_id FROM enrolments WHERE student_id = {student} AND school_year_id = {year})"
    );
    let slot_course = scalar(
        db,
        &format!(
            "SELECT MIN(co.id) FROM courses co WHERE co.site_id = 5 AND co.school_year_id = {year} \
             AND co.seat_mode = 'slot' AND {not_held} \
             AND EXISTS (SELECT 1 FROM slots sl WHERE sl.course_id = co.id AND sl.seats_taken < sl.capacity - 1)"
        ),
    )
    .await?;
    let slot = scalar(
        db,
        &format!("SELECT MIN(id) FROM slots WHERE course_id = {slot_course} AND seats_taken < capacity - 1"),
    )
    .await?;
    // A second time for the same course (the small demo has one per course).
    execute(
        db,
        &format!(
            "INSERT INTO slots (course_id, day_of_week, starts_at, ends_at, teacher, room, capacity) \
             VALUES ({slot_course}, 6, '10:00', '11:00', 'Mme Test', 'Salle 2', 12)"
        ),
    )
    .await?;
    let other_slot = scalar(
        db,
        &format!("SELECT MAX(id) FROM slots WHERE course_id = {slot_course}"),
    )
    .await?;
    let plain_course = scalar(
        db,
        &format!(
            "SELECT MIN(co.id) FROM courses co WHERE co.site_id = 5 AND co.school_year_id = {year} \
             AND co.seat_mode <> 'slot' AND {not_held}"
        ),
    )
    .await?;
    Ok(Case {
        dossier,
        version,
        student,
        year,
        slot_course,
        slot,
        other_slot,
        plain_course,
    })
}

pub(crate) fn validation(c: &Case, version: i64, slot: i64) -> Validation {
    Validation {
        dossier_id: c.dossier,
        expected_version: version as i32,
        request_id: Uuid::new_v4(),
        channel: Channel::Desk,
        courses: vec![
            ChosenCourse {
                course_id: c.slot_course,
                slot_id: Some(slot),
                level: Some("1C2".into()),
                level_changed: false,
            },
            ChosenCourse {
                course_id: c.plain_course,
                slot_id: None,
                level: None,
                level_changed: false,
            },
        ],
        image_rights: true,
        may_leave_alone: false,
        additional_info: Some("Souhaite essayer le violoncelle".into()),
        correction_reason: None,
        recipient: Some("famille@example.org".into()),
    }
}

/// A change made to a valid request, for a refusal test.
type Change = Box<dyn Fn(&mut Validation)>;

async fn seats(db: &Database, slot: i64) -> anyhow::Result<i64> {
    scalar(
        db,
        &format!("SELECT CAST(seats_taken AS BIGINT) FROM slots WHERE id = {slot}"),
    )
    .await
}

/// The seats each slot has lost or gained must match its active
/// enrolments and the seats held for an offer to its waiting list.
pub(crate) async fn seats_match_enrolments(db: &Database) -> anyhow::Result<()> {
    let wrong = scalar(
        db,
        "SELECT COUNT(*) FROM slots sl WHERE sl.seats_taken <> \
         (SELECT COUNT(*) FROM enrolments e WHERE e.slot_id = sl.id AND e.status = 'active') + \
         (SELECT COUNT(*) FROM waiting_list w WHERE w.slot_id = sl.id AND w.offered_at IS NOT NULL)",
    )
    .await?;
    anyhow::ensure!(
        wrong == 0,
        "{wrong} créneaux dont le compte de places ne suit pas les inscriptions"
    );
    Ok(())
}

fn staff_actor() -> Actor {
    Actor::staff(1, "poste-test")
}

#[tokio::test]
async fn validation_takes_the_seats_numbers_the_dossier_and_queues_the_acknowledgement() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let c = case(&setup).await?;
        let held_slots = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM enrolments WHERE student_id = {} AND school_year_id = {} \
                 AND status = 'active' AND slot_id IS NOT NULL",
                c.student, c.year
            ),
        )
        .await?;
        let before = seats(&setup, c.slot).await?;
        let max_before = scalar(
            &setup,
            "SELECT CAST(COALESCE(MAX(CAST(substr(acknowledgement_number, 9) AS INTEGER)), 0) AS BIGINT) FROM reinscriptions",
        )
        .await?;
        let v = validation(&c, c.version, c.slot);
        let done = db.validate_reinscription(&v, &staff_actor()).await?;
        anyhow::ensure!(
            portee_domain::reinscription::is_acknowledgement_number(&done.acknowledgement_number),
            "{}",
            done.acknowledgement_number
        );
        let number: i64 = done.acknowledgement_number[8..].parse()?;
        anyhow::ensure!(number == max_before + 1, "numéro {number} après {max_before}");
        anyhow::ensure!(done.acknowledgement_version == 1 && !done.replayed);
        anyhow::ensure!(done.taken == vec![c.slot], "{:?}", done.taken);
        anyhow::ensure!(done.released.len() as i64 == held_slots, "{:?}", done.released);
        anyhow::ensure!(seats(&setup, c.slot).await? == before + 1);
        seats_match_enrolments(&setup).await?;
        let d = c.dossier;
        anyhow::ensure!(
            scalar(&setup, &format!("SELECT COUNT(*) FROM reinscriptions WHERE id = {d} AND status = 'validated' \
                 AND intent = 'reinscrire' AND validation_channel = 'desk' AND image_rights AND NOT may_leave_alone"))
            .await? == 1
        );
        anyhow::ensure!(
            scalar(&setup, &format!("SELECT COUNT(*) FROM reinscription_courses WHERE reinscription_id = {d}")).await? == 2
        );
        anyhow::ensure!(
            scalar(&setup, &format!(
                "SELECT COUNT(*) FROM enrolments WHERE student_id = {} AND school_year_id = {} AND status = 'active'",
                c.student, c.year
            ))
            .await? == 2
        );
        anyhow::ensure!(
            scalar(&setup, &format!("SELECT COUNT(*) FROM outbox WHERE reinscription_id = {d} AND status = 'pending'")).await? == 1
        );
        anyhow::ensure!(
            scalar(&setup, &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'reinscription.validate' AND entity_id = '{d}' AND staff_id = 1"
            ))
            .await? == 1
        );

        // A retry (double click, lost answer): the same result, nothing more.
        let again = db.validate_reinscription(&v, &staff_actor()).await?;
        anyhow::ensure!(again.replayed && again.acknowledgement_number == done.acknowledgement_number);
        anyhow::ensure!(seats(&setup, c.slot).await? == before + 1);
        anyhow::ensure!(
            scalar(&setup, &format!("SELECT COUNT(*) FROM outbox WHERE reinscription_id = {d}")).await? == 1
        );
        // A new click from the stale version: refused, not applied twice.
        let stale = validation(&c, c.version, c.slot);
        anyhow::ensure!(matches!(
            db.validate_reinscription(&stale, &staff_actor()).await,
            Err(StoreError::Conflict)
        ));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_slot_filled_meanwhile_refuses_the_validation_and_writes_nothing() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let c = case(&setup).await?;
        // Another workstation takes the last seat.
        execute(
            &setup,
            &format!(
                "UPDATE slots SET capacity = seats_taken WHERE id = {}",
                c.slot
            ),
        )
        .await?;
        let audit = scalar(&setup, "SELECT COUNT(*) FROM audit_log").await?;
        let enrolments = scalar(
            &setup,
            "SELECT COUNT(*) FROM enrolments WHERE status = 'active'",
        )
        .await?;
        let err = db
            .validate_reinscription(&validation(&c, c.version, c.slot), &staff_actor())
            .await
            .unwrap_err();
        anyhow::ensure!(
            matches!(err, StoreError::SlotFull { slot_id } if slot_id == c.slot),
            "{err:?}"
        );
        anyhow::ensure!(err.to_string().contains("complet"), "{err}");
        anyhow::ensure!(
            scalar(
                &setup,
                &format!(
                    "SELECT CAST(version AS BIGINT) FROM reinscriptions WHERE id = {}",
                    c.dossier
                )
            )
            .await?
                == c.version
        );
        anyhow::ensure!(scalar(&setup, "SELECT COUNT(*) FROM audit_log").await? == audit);
        anyhow::ensure!(
            scalar(
                &setup,
                "SELECT COUNT(*) FROM enrolments WHERE status = 'active'"
            )
            .await?
                == enrolments
        );
        anyhow::ensure!(
            scalar(&setup, "SELECT COUNT(*) FROM acknowledgement_counters").await? == 0
        );
        seats_match_enrolments(&setup).await?;
        // The other slot of the course still has seats: validation works.
        let done = db
            .validate_reinscription(&validation(&c, c.version, c.other_slot), &staff_actor())
            .await?;
        anyhow::ensure!(done.taken == vec![c.other_slot]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_correction_needs_a_reason_and_swaps_the_seat_keeping_the_number() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let c = case(&setup).await?;
        let first = db.validate_reinscription(&validation(&c, c.version, c.slot), &staff_actor()).await?;
        let (a, b) = (seats(&setup, c.slot).await?, seats(&setup, c.other_slot).await?);
        let mut fix = validation(&c, i64::from(first.version), c.other_slot);
        let err = db.validate_reinscription(&fix, &staff_actor()).await.unwrap_err();
        anyhow::ensure!(err.to_string().contains("motif de la correction"), "{err}");
        fix.correction_reason = Some("Horaire du mercredi impossible".into());
        let second = db.validate_reinscription(&fix, &staff_actor()).await?;
        anyhow::ensure!(second.acknowledgement_number == first.acknowledgement_number);
        anyhow::ensure!(second.acknowledgement_version == 2);
        anyhow::ensure!(second.released == vec![c.slot] && second.taken == vec![c.other_slot]);
        anyhow::ensure!(seats(&setup, c.slot).await? == a - 1 && seats(&setup, c.other_slot).await? == b + 1);
        seats_match_enrolments(&setup).await?;
        let d = c.dossier;
        anyhow::ensure!(
            scalar(&setup, &format!(
                "SELECT COUNT(*) FROM audit_log WHERE entity_id = '{d}' AND action IN ('reinscription.validate', 'reinscription.correct')"
            ))
            .await? == 2
        );
        // Dropping the slot course altogether frees its seat.
        let mut fewer = validation(&c, i64::from(second.version), c.other_slot);
        fewer.courses.remove(0);
        fewer.correction_reason = Some("Arrête la formation musicale".into());
        let third = db.validate_reinscription(&fewer, &staff_actor()).await?;
        anyhow::ensure!(third.released == vec![c.other_slot] && third.taken.is_empty());
        anyhow::ensure!(seats(&setup, c.other_slot).await? == b);
        seats_match_enrolments(&setup).await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn bad_choices_are_refused_with_a_french_message_and_nothing_written() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let c = case(&setup).await?;
        let audit = scalar(&setup, "SELECT COUNT(*) FROM audit_log").await?;
        let this_year_course = scalar(
            &setup,
            &format!(
                "SELECT MIN(id) FROM courses WHERE site_id = 5 AND school_year_id <> {}",
                c.year
            ),
        )
        .await?;
        let other_site_course = scalar(
            &setup,
            &format!(
                "SELECT MIN(id) FROM courses WHERE site_id <> 5 AND school_year_id = {}",
                c.year
            ),
        )
        .await?;
        let cases: Vec<(Change, &str)> = vec![
            (
                Box::new(|v| v.courses[0].slot_id = None),
                "Choisissez un créneau",
            ),
            (
                Box::new(|v| v.courses[1].slot_id = Some(1)),
                "ne se choisit pas par créneau",
            ),
            (
                Box::new(move |v| v.courses[0].course_id = this_year_course),
                "n'est pas un cours de l'an prochain",
            ),
            (
                Box::new(move |v| v.courses[1].course_id = other_site_course),
                "n'est pas un cours de l'an prochain",
            ),
            (
                Box::new(|v| v.courses[1].course_id = v.courses[0].course_id),
                "choisi deux fois",
            ),
            (
                Box::new(|v| v.courses[0].level = Some(" ".into())),
                "Niveau",
            ),
            (
                Box::new(|v| v.additional_info = Some("x".repeat(2001))),
                "2000 caractères",
            ),
            (
                Box::new(|v| v.courses[1].course_id = 999_999),
                "n'existe plus",
            ),
        ];
        for (change, expected) in cases {
            let mut v = validation(&c, c.version, c.slot);
            change(&mut v);
            let err = db
                .validate_reinscription(&v, &staff_actor())
                .await
                .unwrap_err();
            anyhow::ensure!(
                err.to_string().contains(expected),
                "« {err} » ne dit pas « {expected} »"
            );
        }
        anyhow::ensure!(scalar(&setup, "SELECT COUNT(*) FROM audit_log").await? == audit);
        seats_match_enrolments(&setup).await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_non_reinscription_frees_next_years_seats_with_its_reason() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let c = case(&setup).await?;
        let done = db.validate_reinscription(&validation(&c, c.version, c.slot), &staff_actor()).await?;
        let taken = seats(&setup, c.slot).await?;
        let err = db
            .decline_reinscription(c.dossier, done.version, "autre", Some("  "), &staff_actor())
            .await
            .unwrap_err();
        anyhow::ensure!(err.to_string().contains("Précisez"), "{err}");
        let out = db
            .decline_reinscription(c.dossier, done.version, "demenagement", Some("Départ à Lyon"), &staff_actor())
            .await?;
        anyhow::ensure!(out.released == vec![c.slot], "{:?}", out.released);
        anyhow::ensure!(seats(&setup, c.slot).await? == taken - 1);
        seats_match_enrolments(&setup).await?;
        anyhow::ensure!(
            scalar(&setup, &format!(
                "SELECT COUNT(*) FROM reinscriptions WHERE id = {} AND intent = 'ne_pas_reinscrire' \
                 AND no_reason = 'Déménagement : Départ à Lyon'",
                c.dossier
            ))
            .await? == 1
        );
        anyhow::ensure!(
            scalar(&setup, &format!(
                "SELECT COUNT(*) FROM enrolments WHERE student_id = {} AND school_year_id = {} AND status = 'active'",
                c.student, c.year
            ))
            .await? == 0
        );
        anyhow::ensure!(matches!(
            db.decline_reinscription(c.dossier, done.version, "tarif", None, &staff_actor()).await,
            Err(StoreError::Conflict)
        ));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn on_postgres_a_member_of_another_site_can_neither_see_nor_validate_the_dossier() {
    let t = TestDb::new(Kind::Postgres).await.unwrap();
    let (setup, _) = demo_dbs(&t).await.unwrap();
    let c = case(&setup).await.unwrap();
    let other = Database::connect_member(&t.url, "agent.sevres", "demo-agent.sevres", "poste-test")
        .await
        .unwrap();
    let err = other
        .validate_reinscription(
            &validation(&c, c.version, c.slot),
            &Actor::staff(2, "poste-test"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let err = other
        .decline_reinscription(
            c.dossier,
            c.version as i32,
            "tarif",
            None,
            &Actor::staff(2, "poste-test"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    // The counter holds no family data, and nobody but its function writes it.
    let Database::Postgres(pool) = &other else {
        unreachable!()
    };
    let denied = sqlx::query("UPDATE acknowledgement_counters SET last_number = 0")
        .execute(pool)
        .await;
    assert!(denied.is_err(), "a member wrote the counter directly");
    assert_eq!(
        scalar(
            &setup,
            &format!(
                "SELECT CAST(version AS BIGINT) FROM reinscriptions WHERE id = {}",
                c.dossier
            )
        )
        .await
        .unwrap(),
        c.version
    );
    other.close().await;
}

/// The dossiers of site 1 not validated yet, and for the first, a slot
/// course of next year no one of them follows yet, with one of its slots.
async fn site_one(db: &Database) -> anyhow::Result<(Vec<(i64, i64)>, i64, i64)> {
    let n = scalar(
        db,
        "SELECT COUNT(*) FROM reinscriptions r JOIN students s ON s.id = r.student_id \
         WHERE s.site_id = 1 AND r.status IN ('draft', 'submitted')",
    )
    .await?;
    let mut dossiers = Vec::new();
    for i in 0..n {
        let id = scalar(
            db,
            &format!(
                "SELECT r.id FROM reinscriptions r JOIN students s ON s.id = r.student_id \
                 WHERE s.site_id = 1 AND r.status IN ('draft', 'submitted') ORDER BY r.id LIMIT 1 OFFSET {i}"
            ),
        )
        .await?;
        let version = scalar(
            db,
            &format!("SELECT CAST(version AS BIGINT) FROM reinscriptions WHERE id = {id}"),
        )
        .await?;
        dossiers.push((id, version));
    }
    let ids: Vec<String> = dossiers.iter().map(|d| d.0.to_string()).collect();
    let course = scalar(
        db,
        &format!(
            "SELECT MIN(co.id) FROM courses co JOIN campaigns c ON c.school_year_id = co.school_year_id \
             WHERE co.site_id = 1 AND co.seat_mode = 'slot' AND co.id NOT IN \
             (SELECT e.course_id FROM enrolments e JOIN reinscriptions r ON r.student_id = e.student_id \
              WHERE r.id IN ({}) AND e.school_year_id = co.school_year_id)",
            ids.join(", ")
        ),
    )
    .await?;
    let slot = scalar(
        db,
        &format!("SELECT MIN(id) FROM slots WHERE course_id = {course}"),
    )
    .await?;
    Ok((dossiers, course, slot))
}

fn one_slot(dossier: (i64, i64), course: i64, slot: i64) -> Validation {
    Validation {
        dossier_id: dossier.0,
        expected_version: dossier.1 as i32,
        request_id: Uuid::new_v4(),
        channel: Channel::Phone,
        courses: vec![ChosenCourse {
            course_id: course,
            slot_id: Some(slot),
            level: None,
            level_changed: false,
        }],
        image_rights: false,
        may_leave_alone: true,
        additional_info: None,
        correction_reason: None,
        recipient: None,
    }
}

#[tokio::test]
async fn a_family_is_validated_in_one_transaction_or_not_at_all() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let (dossiers, course, slot) = site_one(&setup).await?;
        anyhow::ensure!(dossiers.len() >= 2, "{dossiers:?}");
        // One seat left: the second child's is refused, the first's too.
        execute(
            &setup,
            &format!("UPDATE slots SET capacity = seats_taken + 1 WHERE id = {slot}"),
        )
        .await?;
        let family = [
            one_slot(dossiers[0], course, slot),
            one_slot(dossiers[1], course, slot),
        ];
        let err = db
            .validate_reinscriptions(&family, &staff_actor())
            .await
            .unwrap_err();
        anyhow::ensure!(
            matches!(err, StoreError::SlotFull { slot_id } if slot_id == slot),
            "{err:?}"
        );
        anyhow::ensure!(
            scalar(&setup, &format!(
                "SELECT COUNT(*) FROM reinscriptions WHERE id IN ({}, {}) AND status = 'validated'",
                dossiers[0].0, dossiers[1].0
            ))
            .await? == 0
        );
        seats_match_enrolments(&setup).await?;
        // Two seats: both children, consecutive numbers, one transaction.
        execute(
            &setup,
            &format!("UPDATE slots SET capacity = seats_taken + 2 WHERE id = {slot}"),
        )
        .await?;
        let done = db.validate_reinscriptions(&family, &staff_actor()).await?;
        anyhow::ensure!(done.len() == 2 && done[0].dossier_id == dossiers[0].0);
        let n0: i64 = done[0].acknowledgement_number[8..].parse()?;
        let n1: i64 = done[1].acknowledgement_number[8..].parse()?;
        anyhow::ensure!(n1 == n0 + 1, "{n0} {n1}");
        anyhow::ensure!(
            scalar(
                &setup,
                &format!(
                    "SELECT CAST(capacity - seats_taken AS BIGINT) FROM slots WHERE id = {slot}"
                )
            )
            .await?
                == 0
        );
        seats_match_enrolments(&setup).await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn on_postgres_concurrent_validations_never_overbook_a_slot() {
    let t = TestDb::new(Kind::Postgres).await.unwrap();
    let (setup, _) = demo_dbs(&t).await.unwrap();
    let (dossiers, course, slot) = site_one(&setup).await.unwrap();
    assert!(dossiers.len() >= 5, "{dossiers:?}");
    let seats_left = 2;
    execute(
        &setup,
        &format!("UPDATE slots SET capacity = seats_taken + {seats_left} WHERE id = {slot}"),
    )
    .await
    .unwrap();
    let mut handles = Vec::new();
    for &dossier in &dossiers {
        let db = Database::connect_member(&t.url, "admin.demo", "demo-admin.demo", "poste-test")
            .await
            .unwrap();
        handles.push(tokio::spawn(async move {
            let r = db
                .validate_reinscription(&one_slot(dossier, course, slot), &staff_actor())
                .await;
            db.close().await;
            r
        }));
    }
    let (mut ok, mut full) = (0, 0);
    for h in handles {
        match h.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::SlotFull { .. }) => full += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((ok, full), (seats_left, dossiers.len() as i64 - seats_left));
    assert_eq!(
        scalar(
            &setup,
            &format!("SELECT CAST(capacity - seats_taken AS BIGINT) FROM slots WHERE id = {slot}")
        )
        .await
        .unwrap(),
        0
    );
    seats_match_enrolments(&setup).await.unwrap();
    // Every number given once.
    assert_eq!(
        scalar(&setup, "SELECT COUNT(*) - COUNT(DISTINCT acknowledgement_number) FROM reinscriptions WHERE acknowledgement_number IS NOT NULL")
            .await
            .unwrap(),
        0
    );
}

/// The years a pupil has followed a discipline in a cycle (what the
/// continuation rule moves an instrument on by) count the school years of
/// that discipline and cycle up to this one, withdrawn ones not.
#[tokio::test]
async fn a_pupils_years_in_a_cycle_count_the_school_years_followed_in_it() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        // A pupil of this year in a course taught by cycle (not FM), whose
        // site offered the same discipline and cycle the two years before.
        let this_year = "(SELECT MAX(y.start_year) - 1 FROM campaigns c JOIN school_years y ON y.id = c.school_year_id)";
        let pick = |what: &str| {
            format!(
                "SELECT {what} FROM enrolments e JOIN courses c ON c.id = e.course_id \
                 JOIN school_years y ON y.id = e.school_year_id JOIN disciplines d ON d.id = c.discipline_id \
                 WHERE e.status = 'active' AND c.cycle IS NOT NULL AND d.kind <> 'formation_musicale' \
                 AND y.start_year = {this_year} AND EXISTS (SELECT 1 FROM courses p JOIN school_years py \
                 ON py.id = p.school_year_id WHERE p.site_id = c.site_id AND p.discipline_id = c.discipline_id \
                 AND p.cycle = c.cycle AND py.start_year = y.start_year - 1) AND EXISTS (SELECT 1 FROM courses p \
                 JOIN school_years py ON py.id = p.school_year_id WHERE p.site_id = c.site_id \
                 AND p.discipline_id = c.discipline_id AND p.cycle = c.cycle AND py.start_year = y.start_year - 2) \
                 ORDER BY e.id LIMIT 1"
            )
        };
        let student = scalar(&setup, &pick("e.student_id")).await?;
        let course = scalar(&setup, &pick("e.course_id")).await?;
        let course_in = |back: i64| {
            format!(
                "SELECT p.id FROM courses p JOIN school_years py ON py.id = p.school_year_id \
                 JOIN courses c ON c.site_id = p.site_id AND c.discipline_id = p.discipline_id AND c.cycle = p.cycle \
                 WHERE c.id = {course} AND py.start_year = {this_year} - {back}"
            )
        };
        let years = |db: Database| async move {
            let f = db.family_reinscription(student, None).await?;
            let child = f
                .children
                .iter()
                .find(|c| c.student_id == student)
                .ok_or_else(|| anyhow::anyhow!("élève absent"))?;
            let current = child
                .current
                .iter()
                .find(|c| c.course_id == course)
                .ok_or_else(|| anyhow::anyhow!("cours de l'année absent"))?;
            anyhow::Ok(current.years_in_cycle)
        };
        // Only this year in that discipline.
        execute(
            &setup,
            &format!(
                "DELETE FROM enrolments WHERE student_id = {student} AND id NOT IN \
                 (SELECT e.id FROM enrolments e JOIN school_years y ON y.id = e.school_year_id \
                  WHERE e.student_id = {student} AND y.start_year >= {this_year}) AND course_id IN \
                 (SELECT p.id FROM courses p JOIN courses c ON c.discipline_id = p.discipline_id WHERE c.id = {course})"
            ),
        )
        .await?;
        anyhow::ensure!(years(db.clone()).await? == 1);
        // The year before, in the same cycle: two.
        let add = |back: i64, status: &'static str| {
            let course_in = course_in(back);
            let setup = setup.clone();
            async move {
                let past = scalar(&setup, &course_in).await?;
                execute(
                    &setup,
                    &format!(
                        "INSERT INTO enrolments (student_id, course_id, school_year_id, status, outcome, created_at) \
                         SELECT {student}, id, school_year_id, '{status}', 'acquis', '2024-09-01T10:00:00+00:00' \
                         FROM courses WHERE id = {past}"
                    ),
                )
                .await
            }
        };
        add(1, "active").await?;
        anyhow::ensure!(years(db.clone()).await? == 2);
        // A year withdrawn does not count.
        add(2, "cancelled").await?;
        anyhow::ensure!(years(db.clone()).await? == 2);
        Ok(())
    })
    .await;
}
