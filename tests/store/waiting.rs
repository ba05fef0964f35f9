//! A slot's class list and waiting list on both databases: joining the
//! list, reordering it with a reason over the order seen, a withdrawal that
//! frees a seat, the freed seat given to the first of the list only (with
//! the family's e-mail queued), a move between slots of one course refused
//! when the target is full; on PostgreSQL, 20 workstations giving the same
//! freed seats at once, and a member of another site who can neither read
//! nor change the lists.

use portee_store::{Actor, Database, StoreError};
use portee_tests::db::{Kind, TestDb};

use crate::each_backend_as_member as each_backend;
use crate::reinscription::seats_match_enrolments;
use crate::{demo_dbs, execute, scalar};

/// A slot of next year's offer on the site with the most students, and
/// `n` students of that site holding no seat in it.
pub(crate) async fn slot_and_students(
    setup: &Database,
    n: usize,
) -> anyhow::Result<(i64, i64, i16, Vec<i64>)> {
    // A slot of next year on the site with the most students, holding
    // pupils if one does; its course gets a second slot if it has one only
    // (a small demo sizes its offer on demand).
    let slot = scalar(
        setup,
        "SELECT sl.id FROM slots sl JOIN courses c ON c.id = sl.course_id \
         WHERE c.seat_mode = 'slot' AND c.school_year_id = (SELECT MAX(school_year_id) FROM courses) \
         ORDER BY (SELECT COUNT(*) FROM students s WHERE s.site_id = c.site_id) DESC, \
         (SELECT COUNT(*) FROM enrolments e WHERE e.slot_id = sl.id AND e.status = 'active') DESC, sl.id LIMIT 1",
    )
    .await?;
    let site = scalar(
        setup,
        &format!("SELECT CAST(c.site_id AS BIGINT) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE sl.id = {slot}"),
    )
    .await?;
    execute(
        setup,
        &format!(
            "INSERT INTO slots (course_id, day_of_week, starts_at, ends_at, teacher, room, capacity, seats_taken, version) \
             SELECT course_id, 6, '09:00', '10:00', 'Mme Essai', 'Salle 9', 10, 0, 1 FROM slots WHERE id = {slot} \
             AND (SELECT COUNT(*) FROM slots o WHERE o.course_id = slots.course_id) = 1"
        ),
    )
    .await?;
    let course = scalar(
        setup,
        &format!("SELECT course_id FROM slots WHERE id = {slot}"),
    )
    .await?;
    let mut students = Vec::new();
    let mut after = 0;
    while students.len() < n {
        let next = scalar(
            setup,
            &format!(
                "SELECT COALESCE(MIN(s.id), 0) FROM students s WHERE s.site_id = {site} AND s.id > {after} \
                 AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = s.id AND e.slot_id = {slot} \
                 AND e.status = 'active') \
                 AND NOT EXISTS (SELECT 1 FROM waiting_list w WHERE w.student_id = s.id AND w.slot_id = {slot})"
            ),
        )
        .await?;
        anyhow::ensure!(next > 0, "only {} students on site {site}", students.len());
        students.push(next);
        after = next;
    }
    Ok((slot, course, site as i16, students))
}

fn actor() -> Actor {
    Actor::staff(1, "poste-test")
}

#[tokio::test]
async fn a_freed_seat_goes_to_the_first_of_the_waiting_list_once_with_an_email_for_the_family() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let (slot, _course, _site, students) = slot_and_students(&setup, 3).await?;
        execute(&setup, &format!("DELETE FROM waiting_list WHERE slot_id = {slot}")).await?;
        // The slot is full; three students join its list, in order.
        execute(&setup, &format!("UPDATE slots SET capacity = seats_taken WHERE id = {slot}")).await?;
        for (i, s) in students.iter().enumerate() {
            anyhow::ensure!(db.join_waiting_list(slot, *s, &actor()).await? == i as i32 + 1);
        }
        let err = db.join_waiting_list(slot, students[0], &actor()).await.unwrap_err();
        anyhow::ensure!(err.to_string().contains("déjà sur la liste d'attente"), "{err}");
        let lists = db.slot_lists(slot).await?;
        let order: Vec<i64> = lists.waiting.iter().map(|w| w.student_id).collect();
        anyhow::ensure!(order == students, "{order:?}");
        anyhow::ensure!(lists.members.len() as i32 == lists.slot.seats_taken);
        anyhow::ensure!(!lists.others.is_empty() && lists.others.iter().all(|o| o.id != slot));

        // Reordering: a reason is required; the order seen must be current.
        let err = db
            .reorder_waiting_list(slot, students[2], 1, &order, "  ", &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(err.to_string().contains("motif"), "{err}");
        let stale: Vec<i64> = order.iter().rev().copied().collect();
        let err = db
            .reorder_waiting_list(slot, students[2], 1, &stale, "fratrie", &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        let err = db
            .reorder_waiting_list(slot, students[2], 9, &order, "fratrie", &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(err.to_string().contains("entre 1 et 3"), "{err}");
        let reordered = db
            .reorder_waiting_list(slot, students[2], 1, &order, "fratrie déjà dans ce cours", &actor())
            .await?;
        anyhow::ensure!(reordered == vec![students[2], students[0], students[1]], "{reordered:?}");
        let ranks = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM waiting_list WHERE slot_id = {slot} AND rank BETWEEN 1 AND 3"),
        )
        .await?;
        anyhow::ensure!(ranks == 3, "{ranks}");

        // No seat free: nobody can be offered one.
        let err = db.offer_freed_seat(slot, students[2], &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::SlotFull { .. }), "{err:?}");

        // A member withdrawn (with a reason) frees a seat.
        let member = match lists.members.first() {
            Some(m) => m.clone(),
            None => {
                // A pupil of the site given a seat, then the one withdrawn.
                let pupil = slot_and_students(&setup, 4).await?.3[3];
                execute(&setup, &format!("UPDATE slots SET capacity = capacity + 1 WHERE id = {slot}")).await?;
                let (course, year) = (
                    scalar(&setup, &format!("SELECT course_id FROM slots WHERE id = {slot}")).await?,
                    scalar(&setup, &format!("SELECT c.school_year_id FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE sl.id = {slot}")).await?,
                );
                execute(&setup, &format!("DELETE FROM enrolments WHERE student_id = {pupil} AND course_id = {course}")).await?;
                db.take_seat(
                    portee_store::SeatRequest { slot_id: slot, student_id: pupil, course_id: course, school_year_id: year },
                    &actor(),
                )
                .await?;
                db.slot_lists(slot).await?.members[0].clone()
            }
        };
        let err = db.withdraw_enrolment(member.enrolment_id, "", &actor()).await.unwrap_err();
        anyhow::ensure!(err.to_string().contains("motif"), "{err}");
        let freed = db.withdraw_enrolment(member.enrolment_id, "déménagement", &actor()).await?;
        anyhow::ensure!(freed == Some(slot));
        let err = db.withdraw_enrolment(member.enrolment_id, "déménagement", &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        seats_match_enrolments(&setup).await?;

        // The seat is offered to the first of the list only, and held.
        let err = db.offer_freed_seat(slot, students[0], &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        let outbox = |kind: &'static str| {
            let setup = &setup;
            async move { scalar(setup, &format!("SELECT COUNT(*) FROM outbox WHERE kind = '{kind}'")).await }
        };
        let (offers_before, given_before) = (outbox("seat_offered").await?, outbox("seat_given").await?);
        let before = chrono::Utc::now();
        let offered = db.offer_freed_seat(slot, students[2], &actor()).await?;
        let days = (offered.expires_at - before).num_hours();
        anyhow::ensure!((71..=72).contains(&days), "{days} h (3 jours attendus)");
        let email = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM guardians g JOIN students s ON s.family_id = g.family_id \
                 WHERE s.id = {} AND g.email IS NOT NULL AND g.email <> ''",
                students[2]
            ),
        )
        .await?;
        anyhow::ensure!(offered.notified == (email > 0));
        anyhow::ensure!(outbox("seat_offered").await? == offers_before + i64::from(offered.notified));
        let held = db.slot_lists(slot).await?;
        anyhow::ensure!(held.slot.seats_taken == held.slot.capacity, "the seat is held");
        anyhow::ensure!(!held.members.iter().any(|m| m.student_id == students[2]), "not enrolled yet");
        anyhow::ensure!(held.waiting[0].student_id == students[2] && held.waiting[0].offer_expires_at == Some(offered.expires_at));
        seats_match_enrolments(&setup).await?;
        // Offered once: again, nothing.
        let err = db.offer_freed_seat(slot, students[2], &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        // Only the student offered can confirm.
        let err = db.confirm_seat_offer(slot, students[0], &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");

        // The family confirms: the held seat becomes theirs.
        let given = db.confirm_seat_offer(slot, students[2], &actor()).await?;
        let enrolled = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM enrolments WHERE id = {} AND student_id = {} AND slot_id = {slot} AND status = 'active'",
                given.enrolment_id, students[2]
            ),
        )
        .await?;
        anyhow::ensure!(enrolled == 1);
        anyhow::ensure!(outbox("seat_given").await? == given_before + i64::from(given.notified));
        if given.notified {
            let linked = scalar(
                &setup,
                &format!("SELECT COUNT(*) FROM outbox WHERE kind = 'seat_given' AND student_id = {}", students[2]),
            )
            .await?;
            anyhow::ensure!(linked == 1);
        }
        let after = db.slot_lists(slot).await?;
        anyhow::ensure!(after.slot.seats_taken == after.slot.capacity);
        anyhow::ensure!(after.waiting.iter().map(|w| w.student_id).collect::<Vec<_>>() == vec![students[0], students[1]]);
        anyhow::ensure!(after.members.iter().any(|m| m.student_id == students[2]));
        // Confirmed once: again, nothing; no seat left to offer.
        let err = db.confirm_seat_offer(slot, students[2], &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        let err = db.offer_freed_seat(slot, students[0], &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::SlotFull { .. }), "{err:?}");
        seats_match_enrolments(&setup).await?;
        for action in ["waiting.join", "waiting.reorder", "enrolment.withdraw", "waiting.offer", "waiting.give"] {
            let n = scalar(&setup, &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'")).await?;
            anyhow::ensure!(n >= 1, "{action} not audited");
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_seat_declined_or_not_confirmed_in_the_campaigns_delay_goes_to_the_next_then_frees() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let (slot, _course, _site, students) = slot_and_students(&setup, 3).await?;
        execute(&setup, &format!("DELETE FROM waiting_list WHERE slot_id = {slot}")).await?;
        // The campaign of the slot's school year gives families 2 days.
        execute(
            &setup,
            &format!(
                "UPDATE campaigns SET seat_offer_days = 2 WHERE school_year_id = \
                 (SELECT c.school_year_id FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE sl.id = {slot})"
            ),
        )
        .await?;
        // Everyone on the list has an address: each message can be counted.
        for s in &students {
            execute(
                &setup,
                &format!(
                    "UPDATE guardians SET email = 'famille{s}@exemple.fr' WHERE rank = 1 AND family_id = \
                     (SELECT family_id FROM students WHERE id = {s})"
                ),
            )
            .await?;
            db.join_waiting_list(slot, *s, &actor()).await?;
        }
        execute(&setup, &format!("UPDATE slots SET capacity = seats_taken + 1 WHERE id = {slot}")).await?;
        let taken = db.slot(slot).await?.seats_taken;
        let mails = |kind: &'static str, student: i64| {
            let setup = &setup;
            async move {
                scalar(
                    setup,
                    &format!("SELECT COUNT(*) FROM outbox WHERE kind = '{kind}' AND student_id = {student}"),
                )
                .await
            }
        };

        let first = db.offer_freed_seat(slot, students[0], &actor()).await?;
        anyhow::ensure!((first.expires_at - chrono::Utc::now()).num_hours() >= 47);
        anyhow::ensure!(db.slot(slot).await?.seats_taken == taken + 1);
        // The family says no: the second is offered the same held seat.
        let passed = db.decline_seat_offer(slot, students[0], &actor()).await?;
        let (next, until) = passed.next.expect("offered to the next");
        anyhow::ensure!(next == students[1], "{next}");
        anyhow::ensure!(db.slot(slot).await?.seats_taken == taken + 1);
        anyhow::ensure!(mails("seat_offered", students[1]).await? == 1);
        let err = db.decline_seat_offer(slot, students[0], &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        seats_match_enrolments(&setup).await?;

        // Before the deadline nothing lapses; after it, the offer goes to
        // the third, the second's family is told.
        let lapsed = db.expire_seat_offers(until - chrono::Duration::minutes(1), &actor()).await?;
        anyhow::ensure!(lapsed == 0, "{lapsed}");
        let lapsed = db.expire_seat_offers(until + chrono::Duration::minutes(1), &actor()).await?;
        anyhow::ensure!(lapsed == 1, "{lapsed}");
        anyhow::ensure!(mails("seat_offer_expired", students[1]).await? == 1);
        anyhow::ensure!(mails("seat_offered", students[2]).await? == 1);
        let lists = db.slot_lists(slot).await?;
        let order: Vec<(i64, bool)> =
            lists.waiting.iter().map(|w| (w.student_id, w.offer_expires_at.is_some())).collect();
        anyhow::ensure!(order == vec![(students[2], true)], "{order:?}");
        anyhow::ensure!(lists.slot.seats_taken == taken + 1);
        // Confirming a lapsed offer: refused, nothing written.
        let err = db.confirm_seat_offer(slot, students[1], &actor()).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        seats_match_enrolments(&setup).await?;

        // The third lets it lapse too: nobody else waits, the seat is free.
        let far = chrono::Utc::now() + chrono::Duration::days(10);
        anyhow::ensure!(db.expire_seat_offers(far, &actor()).await? == 1);
        anyhow::ensure!(db.expire_seat_offers(far, &actor()).await? == 0, "each offer lapses once");
        let lists = db.slot_lists(slot).await?;
        anyhow::ensure!(lists.waiting.is_empty() && lists.slot.seats_taken == taken);
        seats_match_enrolments(&setup).await?;
        for (action, n) in [
            ("waiting.offer", 3),
            ("waiting.offer_declined", 1),
            ("waiting.offer_lapsed", 2),
        ] {
            let found = scalar(&setup, &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND origin = 'app'")).await?;
            anyhow::ensure!(found == n, "{action}: {found}");
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_student_moves_to_another_slot_of_the_course_never_into_a_full_one() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let (slot, course, _site, students) = slot_and_students(&setup, 1).await?;
        let other = scalar(
            &setup,
            &format!("SELECT MIN(id) FROM slots WHERE course_id = {course} AND id <> {slot}"),
        )
        .await?;
        execute(
            &setup,
            &format!("UPDATE slots SET capacity = seats_taken + 1 WHERE id IN ({slot}, {other})"),
        )
        .await?;
        // A student holding a seat of `slot`.
        let year = scalar(
            &setup,
            &format!("SELECT school_year_id FROM courses WHERE id = {course}"),
        )
        .await?;
        execute(
            &setup,
            &format!(
                "DELETE FROM enrolments WHERE student_id = {s} AND course_id = {course}",
                s = students[0]
            ),
        )
        .await?;
        let taken = db
            .take_seat(
                portee_store::SeatRequest {
                    slot_id: slot,
                    student_id: students[0],
                    course_id: course,
                    school_year_id: year,
                },
                &actor(),
            )
            .await?;
        let portee_store::SeatOutcome::Taken { enrolment_id } = taken else {
            anyhow::bail!("no seat");
        };
        // Moved: the old seat freed, the new one taken.
        db.move_enrolment(enrolment_id, other, &actor()).await?;
        let (a, b) = (
            scalar(
                &setup,
                &format!(
                    "SELECT CAST(capacity - seats_taken AS BIGINT) FROM slots WHERE id = {slot}"
                ),
            )
            .await?,
            scalar(
                &setup,
                &format!(
                    "SELECT CAST(capacity - seats_taken AS BIGINT) FROM slots WHERE id = {other}"
                ),
            )
            .await?,
        );
        anyhow::ensure!((a, b) == (1, 0), "{a} {b}");
        seats_match_enrolments(&setup).await?;
        // Back into `slot` once it is full: refused, nothing written.
        execute(
            &setup,
            &format!("UPDATE slots SET capacity = seats_taken WHERE id = {slot}"),
        )
        .await?;
        let err = db
            .move_enrolment(enrolment_id, slot, &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::SlotFull { .. }), "{err:?}");
        let still = scalar(
            &setup,
            &format!("SELECT slot_id FROM enrolments WHERE id = {enrolment_id}"),
        )
        .await?;
        anyhow::ensure!(still == other);
        seats_match_enrolments(&setup).await?;
        // Another course's slot: refused.
        let foreign = scalar(
            &setup,
            &format!("SELECT MIN(id) FROM slots WHERE course_id <> {course}"),
        )
        .await?;
        let err = db
            .move_enrolment(enrolment_id, foreign, &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(err.to_string().contains("même cours"), "{err}");
        let moves = scalar(
            &setup,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'enrolment.move'",
        )
        .await?;
        anyhow::ensure!(moves == 1, "{moves}");
        Ok(())
    })
    .await;
}

/// Twenty workstations on one database — PostgreSQL with each its own
/// connection as the member, or one embedded SQLite file opened twenty
/// times — each shown the waiting list's first and giving them a freed
/// seat, five times over: each seat is given once, in the list's order.
#[tokio::test]
async fn twenty_workstations_giving_freed_seats_give_each_once() {
    for kind in [Kind::Postgres, Kind::Sqlite] {
        twenty_workstations_on(kind).await;
    }
}

async fn twenty_workstations_on(kind: Kind) {
    let t = TestDb::new(kind).await.unwrap();
    let (setup, _) = demo_dbs(&t).await.unwrap();
    let (slot, _, _, students) = slot_and_students(&setup, 6).await.unwrap();
    execute(
        &setup,
        &format!("DELETE FROM waiting_list WHERE slot_id = {slot}"),
    )
    .await
    .unwrap();
    for (i, s) in students.iter().enumerate() {
        execute(
            &setup,
            &format!(
                "INSERT INTO waiting_list (slot_id, student_id, rank, created_at) VALUES ({slot}, {s}, {}, '2026-11-20T10:00:00+00:00')",
                i + 1
            ),
        )
        .await
        .unwrap();
    }
    let free = 3;
    execute(
        &setup,
        &format!("UPDATE slots SET capacity = seats_taken + {free} WHERE id = {slot}"),
    )
    .await
    .unwrap();
    // 20 workstations, each shown the list's first and giving them the
    // seat, five times over.
    let mut handles = Vec::new();
    for _ in 0..20 {
        let db = match kind {
            Kind::Postgres => {
                Database::connect_member(&t.url, "admin.demo", "demo-admin.demo", "poste-test")
                    .await
                    .unwrap()
            }
            Kind::Sqlite => Database::connect(&t.url).await.unwrap(),
        };
        handles.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for _ in 0..5 {
                let first = db
                    .slot_lists(slot)
                    .await
                    .unwrap()
                    .waiting
                    .iter()
                    .find(|w| w.offer_expires_at.is_none())
                    .map(|w| w.student_id);
                let Some(first) = first else { break };
                let outcome = match db.offer_freed_seat(slot, first, &actor()).await {
                    // The family says yes at once.
                    Ok(_) => db
                        .confirm_seat_offer(slot, first, &actor())
                        .await
                        .map(|_| first),
                    Err(e) => Err(e),
                };
                outcomes.push(outcome);
            }
            db.close().await;
            outcomes
        }));
    }
    let mut given = Vec::new();
    for h in handles {
        for outcome in h.await.unwrap() {
            match outcome {
                Ok(student) => given.push(student),
                Err(StoreError::Conflict | StoreError::SlotFull { .. }) => {}
                Err(e) => panic!("{kind:?}: {e:?}"),
            }
        }
    }
    given.sort_unstable();
    let mut expected = students[..free].to_vec();
    expected.sort_unstable();
    assert_eq!(
        given, expected,
        "{kind:?}: each seat given once, to the first three in order"
    );
    assert_eq!(
        scalar(
            &setup,
            &format!("SELECT CAST(capacity - seats_taken AS BIGINT) FROM slots WHERE id = {slot}")
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(
        scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM waiting_list WHERE slot_id = {slot}")
        )
        .await
        .unwrap(),
        (students.len() - free) as i64
    );
    seats_match_enrolments(&setup).await.unwrap();
}

#[tokio::test]
async fn on_postgres_a_member_of_another_site_can_neither_read_nor_change_a_waiting_list() {
    let t = TestDb::new(Kind::Postgres).await.unwrap();
    let (setup, db) = demo_dbs(&t).await.unwrap();
    let (slot, _, site, students) = slot_and_students(&setup, 2).await.unwrap();
    // A demo agent of another site (demo passwords are « demo- » + login).
    let outsider: String = match &setup {
        Database::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT s.login FROM staff s WHERE s.role = 'agent' AND s.login LIKE 'agent.%' \
             AND NOT EXISTS (SELECT 1 FROM staff_sites x WHERE x.staff_id = s.id AND x.site_id = {site}) \
             ORDER BY s.login LIMIT 1"
        )))
        .fetch_one(p)
        .await
        .unwrap(),
        Database::Sqlite(_) => unreachable!(),
    };
    let password = format!("demo-{outsider}");
    execute(
        &setup,
        &format!("DELETE FROM waiting_list WHERE slot_id = {slot}"),
    )
    .await
    .unwrap();
    db.join_waiting_list(slot, students[0], &actor())
        .await
        .unwrap();
    execute(
        &setup,
        &format!("UPDATE slots SET capacity = seats_taken + 1 WHERE id = {slot}"),
    )
    .await
    .unwrap();
    let other = Database::connect_member(&t.url, &outsider, &password, "poste-test")
        .await
        .unwrap();
    // Reading: the slot is public, its students are not.
    let seen = other.slot_lists(slot).await.unwrap();
    assert!(
        seen.waiting.is_empty() && seen.members.is_empty(),
        "{seen:?}"
    );
    // Changing: nothing they can touch.
    let err = other
        .offer_freed_seat(slot, students[0], &Actor::staff(2, "poste-test"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict | StoreError::Forbidden | StoreError::NotFound
        ),
        "{err:?}"
    );
    // A seat offered on the right site: the outsider can neither confirm
    // nor decline it, nor make it lapse.
    db.offer_freed_seat(slot, students[0], &actor())
        .await
        .unwrap();
    for err in [
        other
            .confirm_seat_offer(slot, students[0], &Actor::staff(2, "poste-test"))
            .await
            .unwrap_err(),
        other
            .decline_seat_offer(slot, students[0], &Actor::staff(2, "poste-test"))
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                StoreError::Conflict | StoreError::Forbidden | StoreError::NotFound
            ),
            "{err:?}"
        );
    }
    let lapsed = other
        .expire_seat_offers(
            chrono::Utc::now() + chrono::Duration::days(60),
            &Actor::staff(2, "poste-test"),
        )
        .await
        .unwrap();
    assert_eq!(lapsed, 0);
    assert_eq!(
        scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM waiting_list WHERE slot_id = {slot} AND offered_at IS NOT NULL")
        )
        .await
        .unwrap(),
        1
    );
    let err = other
        .join_waiting_list(slot, students[1], &Actor::staff(2, "poste-test"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Forbidden | StoreError::NotFound),
        "{err:?}"
    );
    let hidden = scalar(
        &setup,
        &format!("SELECT id FROM enrolments WHERE slot_id = {slot} AND status = 'active' LIMIT 1"),
    )
    .await
    .unwrap();
    let err = other
        .withdraw_enrolment(hidden, "pirate", &Actor::staff(2, "poste-test"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Forbidden | StoreError::NotFound),
        "{err:?}"
    );
    // Nothing changed.
    assert_eq!(
        scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM waiting_list WHERE slot_id = {slot}")
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM enrolments WHERE id = {hidden} AND status = 'active'")
        )
        .await
        .unwrap(),
        1
    );
    // And directly in SQL, as the database sees them.
    let rows = match &other {
        Database::Postgres(p) => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM waiting_list")
            .fetch_one(p)
            .await
            .unwrap(),
        Database::Sqlite(_) => unreachable!(),
    };
    let site_rows = scalar(
        &setup,
        &format!("SELECT COUNT(*) FROM waiting_list w JOIN students s ON s.id = w.student_id WHERE s.site_id = {site}"),
    )
    .await
    .unwrap();
    let all = scalar(&setup, "SELECT COUNT(*) FROM waiting_list")
        .await
        .unwrap();
    assert!(
        rows <= all - site_rows,
        "{rows} rows seen of {all}, {site_rows} of the site"
    );
    other.close().await;
}

#[tokio::test]
async fn reordering_a_waiting_list_keeps_the_seat_offered_to_one_of_its_entries() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let (slot, _course, _site, students) = slot_and_students(&setup, 3).await?;
        execute(
            &setup,
            &format!("DELETE FROM waiting_list WHERE slot_id = {slot}"),
        )
        .await?;
        for s in &students {
            db.join_waiting_list(slot, *s, &actor()).await?;
        }
        execute(
            &setup,
            &format!("UPDATE slots SET capacity = seats_taken + 1 WHERE id = {slot}"),
        )
        .await?;
        let taken = db.slot(slot).await?.seats_taken;
        let offered = db.offer_freed_seat(slot, students[0], &actor()).await?;
        // The third moved to the top, with a reason: the first keeps the
        // seat held for them, until the same deadline.
        db.reorder_waiting_list(slot, students[2], 1, &students, "fratrie", &actor())
            .await?;
        let lists = db.slot_lists(slot).await?;
        let entries: Vec<(i64, i32, bool)> = lists
            .waiting
            .iter()
            .map(|w| {
                let same = w
                    .offer_expires_at
                    .is_some_and(|e| (e - offered.expires_at).num_milliseconds().abs() < 1);
                (w.student_id, w.rank, same)
            })
            .collect();
        anyhow::ensure!(
            entries
                == vec![
                    (students[2], 1, false),
                    (students[0], 2, true),
                    (students[1], 3, false)
                ],
            "{entries:?}"
        );
        anyhow::ensure!(
            lists.slot.seats_taken == taken + 1,
            "the held seat still counted"
        );
        // The offer still lapses at its deadline, and the seat goes on.
        let lapsed = db
            .expire_seat_offers(offered.expires_at + chrono::Duration::minutes(1), &actor())
            .await?;
        anyhow::ensure!(lapsed == 1, "{lapsed}");
        seats_match_enrolments(&setup).await?;
        Ok(())
    })
    .await;
}
