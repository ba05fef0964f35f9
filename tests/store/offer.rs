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
