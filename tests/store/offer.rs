//! The « Cours & capacités » offer on both databases: every course and slot
//! of a site and year, the seats as stored, the waiting lists counted; a
//! capacity never goes below the seats taken and a stale page's change is
//! refused.

use portee_store::{Actor, StoreError};
use portee_tests::db::TestDb;

use crate::each_backend_as_member as each_backend;
use crate::{demo_dbs, execute, scalar};

#[tokio::test]
async fn the_offer_lists_a_sites_slots_with_their_seats_and_capacity_rules_hold() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let years = db.offer_years().await?;
        anyhow::ensure!(!years.is_empty(), "no school year with an offer");
        anyhow::ensure!(years.windows(2).all(|w| w[0].start_year > w[1].start_year));
        let year = years[0].id;
        let rows = db.offer(5, year).await?;
        let slots = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM slots sl JOIN courses c ON c.id = sl.course_id \
                 WHERE c.site_id = 5 AND c.school_year_id = {year}"
            ),
        )
        .await?;
        let courses_without = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM courses c WHERE c.site_id = 5 AND c.school_year_id = {year} \
                 AND NOT EXISTS (SELECT 1 FROM slots sl WHERE sl.course_id = c.id)"
            ),
        )
        .await?;
        anyhow::ensure!(slots > 0);
        anyhow::ensure!(rows.iter().filter(|r| r.slot_id.is_some()).count() as i64 == slots);
        anyhow::ensure!(rows.iter().filter(|r| r.slot_id.is_none()).count() as i64 == courses_without);
        // Grouped: disciplines by name, then courses.
        anyhow::ensure!(rows.windows(2).all(|w| (&w[0].discipline, &w[0].course) <= (&w[1].discipline, &w[1].course)));
        // Another site's offer is another's.
        let other = db.offer(1, year).await?;
        anyhow::ensure!(other.iter().all(|o| rows.iter().all(|r| r.course_id != o.course_id)));

        // A slot with a waiting list of two.
        let slot = rows.iter().find(|r| r.slot_id.is_some()).unwrap();
        let slot_id = slot.slot_id.unwrap();
        let students: Vec<i64> = {
            let a = scalar(&setup, "SELECT MIN(id) FROM students WHERE site_id = 5").await?;
            let b = scalar(&setup, &format!("SELECT MIN(id) FROM students WHERE site_id = 5 AND id > {a}")).await?;
            vec![a, b]
        };
        for (rank, student) in students.iter().enumerate() {
            execute(
                &setup,
                &format!(
                    "INSERT INTO waiting_list (slot_id, student_id, rank, created_at) \
                     VALUES ({slot_id}, {student}, {}, CURRENT_TIMESTAMP)",
                    rank + 1
                ),
            )
            .await?;
        }
        let again = db.offer(5, year).await?;
        let seen = again.iter().find(|r| r.slot_id == Some(slot_id)).unwrap();
        anyhow::ensure!(seen.waiting == 2, "{}", seen.waiting);
        anyhow::ensure!(db.waiting_count(slot_id).await? == 2);
        anyhow::ensure!(db.slot_site(slot_id).await? == 5);
        anyhow::ensure!(matches!(db.slot_site(i64::MAX).await, Err(StoreError::NotFound)));

        // Capacity: never below the seats taken (the message says how many),
        // a stale version refused, a raise accepted and audited.
        execute(&setup, &format!("UPDATE slots SET seats_taken = 3, capacity = 10 WHERE id = {slot_id}")).await?;
        let version = scalar(&setup, &format!("SELECT CAST(version AS BIGINT) FROM slots WHERE id = {slot_id}")).await? as i32;
        let actor = Actor::staff(1, "poste-test");
        let err = db.set_capacity(slot_id, 2, version, &actor).await.unwrap_err();
        anyhow::ensure!(err.to_string().contains("places déjà prises (3)"), "{err}");
        let err = db.set_capacity(slot_id, 12, version - 1, &actor).await.unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        let after = db.set_capacity(slot_id, 12, version, &actor).await?;
        anyhow::ensure!(after.capacity == 12 && after.seats_taken == 3 && after.version == version + 1);
        let audited = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'slot.capacity' AND entity_id = '{slot_id}'"),
        )
        .await?;
        anyhow::ensure!(audited == 1, "{audited}");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_slot_is_changed_over_the_version_read_added_to_its_course_and_a_closed_one_takes_no_one()
{
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let c = crate::reinscription::case(&setup).await?;
        let actor = Actor::staff(1, "poste-test");
        let before = db.slot(c.slot).await?;
        let input = |capacity: &str, open: bool| portee_domain::seats::SlotInput {
            day_of_week: "6".into(),
            starts_at: "10h".into(),
            ends_at: "11h30".into(),
            teacher: "Mme Nouvelle".into(),
            room: "Auditorium".into(),
            capacity: capacity.into(),
            open,
        };
        let fields = |capacity: &str, open: bool| {
            portee_domain::seats::SlotFields::parse(&input(capacity, open), 0).unwrap()
        };
        // A stale page: refused, nothing written.
        let err = db
            .update_slot(c.slot, before.version - 1, &fields("20", true), &actor)
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Conflict), "{err:?}");
        // Below the seats taken: refused with the count.
        if before.seats_taken > 0 {
            let err = db
                .update_slot(
                    c.slot,
                    before.version,
                    &fields(&(before.seats_taken - 1).to_string(), true),
                    &actor,
                )
                .await
                .unwrap_err();
            anyhow::ensure!(err.to_string().contains("places déjà prises"), "{err}");
        }
        // Closed, with new hours, teacher and room: saved and audited.
        let capacity = (before.seats_taken + 3).to_string();
        let after = db
            .update_slot(c.slot, before.version, &fields(&capacity, false), &actor)
            .await?;
        anyhow::ensure!(
            (
                after.day_of_week,
                after.starts_at.as_str(),
                after.ends_at.as_str(),
                after.teacher.as_str(),
                after.room.as_str(),
                after.open
            ) == (6, "10:00", "11:30", "Mme Nouvelle", "Auditorium", false),
            "{after:?}"
        );
        anyhow::ensure!(
            after.version == before.version + 1 && after.seats_taken == before.seats_taken
        );
        let audited = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'slot.update' AND entity_id = '{}'",
                c.slot
            ),
        )
        .await?;
        anyhow::ensure!(audited == 1, "{audited}");
        // A closed slot takes no one: the réinscription is refused, nothing
        // written.
        let err = db
            .validate_reinscription(
                &crate::reinscription::validation(&c, c.version, c.slot),
                &actor,
            )
            .await
            .unwrap_err();
        anyhow::ensure!(err.to_string().contains("fermé"), "{err}");
        anyhow::ensure!(db.slot(c.slot).await?.seats_taken == before.seats_taken);
        // Opened again: it takes them.
        let reopened = db
            .update_slot(c.slot, after.version, &fields(&capacity, true), &actor)
            .await?;
        anyhow::ensure!(reopened.open);
        db.validate_reinscription(
            &crate::reinscription::validation(&c, c.version, c.slot),
            &actor,
        )
        .await?;
        anyhow::ensure!(db.slot(c.slot).await?.seats_taken == before.seats_taken + 1);

        // A slot added to the course; none to a course without slots.
        let added = db
            .add_slot(before.course_id, &fields("8", true), &actor)
            .await?;
        anyhow::ensure!(
            added.course_id == before.course_id
                && added.capacity == 8
                && added.seats_taken == 0
                && added.open
        );
        let teacher_course = scalar(
            &setup,
            "SELECT MIN(id) FROM courses WHERE seat_mode = 'teacher'",
        )
        .await?;
        let err = db
            .add_slot(teacher_course, &fields("8", true), &actor)
            .await
            .unwrap_err();
        anyhow::ensure!(
            err.to_string().contains("ne se choisit pas par créneau"),
            "{err}"
        );
        let created = scalar(
            &setup,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'slot.create'",
        )
        .await?;
        anyhow::ensure!(created == 1, "{created}");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn next_years_offer_is_prepared_once_whatever_the_number_of_copies() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let actor = Actor::staff(1, "poste-test");
        let newest = scalar(&setup, "SELECT MAX(school_year_id) FROM courses").await?;
        let site = scalar(
            &setup,
            &format!("SELECT CAST(MIN(site_id) AS BIGINT) FROM courses WHERE school_year_id = {newest}"),
        )
        .await? as i16;
        let source_courses = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM courses WHERE site_id = {site} AND school_year_id = {newest}"),
        )
        .await?;
        let source_slots = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM slots sl JOIN courses c ON c.id = sl.course_id \
                 WHERE c.site_id = {site} AND c.school_year_id = {newest} AND c.seat_mode = 'slot'"
            ),
        )
        .await?;
        let years = scalar(&setup, "SELECT COUNT(*) FROM school_years").await?;
        if t.kind == portee_tests::db::Kind::Postgres {
            // A responsable cannot create the school year on PostgreSQL.
            let resp: String = match &setup {
                portee_store::Database::Postgres(p) => sqlx::query_scalar(
                    "SELECT s.login FROM staff s JOIN staff_sites x ON x.staff_id = s.id \
                     WHERE s.role = 'responsable' AND x.site_id = $1 ORDER BY s.login LIMIT 1",
                )
                .bind(site)
                .fetch_one(p)
                .await?,
                portee_store::Database::Sqlite(_) => unreachable!(),
            };
            let as_resp =
                portee_store::Database::connect_member(&t.url, &resp, &format!("demo-{resp}"), "poste-test").await?;
            let err = as_resp.prepare_next_year(site, newest, &actor).await.unwrap_err();
            anyhow::ensure!(matches!(err, StoreError::Forbidden), "{err:?}");
            as_resp.close().await;
            anyhow::ensure!(scalar(&setup, "SELECT COUNT(*) FROM school_years").await? == years);
        }
        // First copy: next year created, every course and slot copied,
        // seats empty and slots open.
        let first = db.prepare_next_year(site, newest, &actor).await?;
        anyhow::ensure!(first.year_created, "{first:?}");
        anyhow::ensure!(first.courses_created as i64 == source_courses && first.courses_kept == 0, "{first:?}");
        anyhow::ensure!(first.slots_created as i64 == source_slots, "{first:?} vs {source_slots}");
        let to = first.to_year_id;
        let label: String = match &setup {
            portee_store::Database::Postgres(p) => {
                sqlx::query_scalar("SELECT label FROM school_years WHERE id = $1").bind(to).fetch_one(p).await?
            }
            portee_store::Database::Sqlite(p) => {
                sqlx::query_scalar("SELECT label FROM school_years WHERE id = $1").bind(to).fetch_one(p).await?
            }
        };
        anyhow::ensure!(label == first.to_label);
        let busy = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM slots sl JOIN courses c ON c.id = sl.course_id \
                 WHERE c.school_year_id = {to} AND (sl.seats_taken <> 0 OR NOT sl.open)"
            ),
        )
        .await?;
        anyhow::ensure!(busy == 0, "{busy}");
        // Same capacities, teachers and rooms.
        let differ = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM slots s JOIN courses c ON c.id = s.course_id \
                 WHERE c.site_id = {site} AND c.school_year_id = {newest} AND c.seat_mode = 'slot' AND NOT EXISTS \
                 (SELECT 1 FROM slots n JOIN courses nc ON nc.id = n.course_id WHERE nc.school_year_id = {to} \
                  AND nc.site_id = c.site_id AND nc.name = c.name AND nc.discipline_id = c.discipline_id \
                  AND n.day_of_week = s.day_of_week AND n.starts_at = s.starts_at AND n.teacher = s.teacher \
                  AND n.room = s.room AND n.capacity = s.capacity)"
            ),
        )
        .await?;
        anyhow::ensure!(differ == 0, "{differ}");
        // A slot adjusted after the copy survives a second copy, which
        // creates nothing.
        execute(
            &setup,
            &format!(
                "UPDATE slots SET capacity = 33 WHERE id = (SELECT MIN(sl.id) FROM slots sl JOIN courses c \
                 ON c.id = sl.course_id WHERE c.school_year_id = {to})"
            ),
        )
        .await?;
        let again = db.prepare_next_year(site, newest, &actor).await?;
        anyhow::ensure!(
            !again.year_created && again.courses_created == 0 && again.slots_created == 0
                && again.courses_kept as i64 == source_courses && again.to_year_id == to,
            "{again:?}"
        );
        anyhow::ensure!(scalar(&setup, &format!("SELECT COUNT(*) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE c.school_year_id = {to} AND sl.capacity = 33")).await? == 1);
        anyhow::ensure!(scalar(&setup, "SELECT COUNT(*) FROM school_years").await? == years + 1);
        let audited = scalar(&setup, "SELECT COUNT(*) FROM audit_log WHERE action = 'offer.rollover'").await?;
        anyhow::ensure!(audited == 2, "{audited}");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_course_is_added_once_to_a_sites_offer_and_only_by_who_manages_it() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let actor = Actor::staff(1, "poste-test");
        let year = scalar(&setup, "SELECT MAX(school_year_id) FROM courses").await?;
        let discipline = scalar(&setup, "SELECT MIN(id) FROM disciplines").await?;
        let fields =
            portee_domain::seats::CourseFields::parse(&portee_domain::seats::CourseInput {
                name: "Atelier d'improvisation".into(),
                cycle: "2".into(),
                level: "".into(),
                seat_mode: "slot".into(),
            })
            .unwrap();
        let id = db.add_course(5, year, discipline, &fields, &actor).await?;
        let err = db
            .add_course(5, year, discipline, &fields, &actor)
            .await
            .unwrap_err();
        anyhow::ensure!(err.to_string().contains("existe déjà"), "{err}");
        let rows = db.offer(5, year).await?;
        anyhow::ensure!(
            rows.iter()
                .any(|r| r.course_id == id && r.slot_id.is_none() && r.cycle == Some(2))
        );
        let audited = scalar(
            &setup,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'course.create'",
        )
        .await?;
        anyhow::ensure!(audited == 1, "{audited}");
        if t.kind == portee_tests::db::Kind::Postgres {
            // The Meudon responsable cannot add to another site's offer.
            let resp = portee_store::Database::connect_member(
                &t.url,
                "resp.meudon",
                "demo-resp.meudon",
                "poste-test",
            )
            .await?;
            let err = resp
                .add_course(7, year, discipline, &fields, &actor)
                .await
                .unwrap_err();
            anyhow::ensure!(matches!(err, StoreError::Forbidden), "{err:?}");
            resp.close().await;
        }
        Ok(())
    })
    .await;
}
