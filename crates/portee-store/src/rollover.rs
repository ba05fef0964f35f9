//! « Préparer l'année suivante »: a site's courses and slots of one school
//! year copied into the next as its starting offer (capacities, teachers,
//! rooms; seats empty, slots open). A course already in next year's offer
//! (same discipline and name) is kept as it is, and slots are copied only
//! into courses that have none: copying twice creates nothing twice, and
//! what staff adjusted after a first copy is never overwritten. The level
//! progression from one year's course to the next (FM 1C1 → 1C2…) is the
//! domain's `reinscription::continuation`, which reads both offers.

use chrono::{Datelike, NaiveDate};

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, on_pool},
};

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rollover {
    pub to_year_id: i64,
    pub to_label: String,
    /// The school year row was created by this copy.
    pub year_created: bool,
    pub courses_created: u64,
    pub courses_kept: u64,
    pub slots_created: u64,
}

impl Database {
    /// Copies `site_id`'s offer of `from_year_id` into the following school
    /// year (created if missing: 1 September to 30 June), in one
    /// transaction with its audit entry.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn prepare_next_year(
        &self,
        site_id: i16,
        from_year_id: i64,
        actor: &Actor,
    ) -> Result<Rollover, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let from: Option<i32> = sqlx::query_scalar("SELECT start_year FROM school_years WHERE id = $1")
                .bind(from_year_id)
                .fetch_optional(&mut *tx)
                .await?;
            let from = from.ok_or(StoreError::NotFound)?;
            let to_start = from + 1;
            let label = format!("{to_start}-{}", to_start + 1);
            let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM school_years WHERE start_year = $1")
                .bind(to_start)
                .fetch_optional(&mut *tx)
                .await?;
            let (to_year_id, year_created) = match existing {
                Some(id) => (id, false),
                None => {
                    let starts = NaiveDate::from_ymd_opt(to_start, 9, 1).ok_or_else(|| StoreError::Invalid {
                        message: "Année scolaire hors limites.".into(),
                    })?;
                    let ends = NaiveDate::from_ymd_opt(starts.year() + 1, 6, 30).ok_or_else(|| StoreError::Invalid {
                        message: "Année scolaire hors limites.".into(),
                    })?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO school_years (label, start_year, starts_on, ends_on) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(&label)
                    .bind(to_start)
                    .bind(starts)
                    .bind(ends)
                    .fetch_one(&mut *tx)
                    .await?;
                    (id, true)
                }
            };
            let source_courses: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM courses WHERE site_id = $1 AND school_year_id = $2",
            )
            .bind(site_id)
            .bind(from_year_id)
            .fetch_one(&mut *tx)
            .await?;
            if source_courses == 0 {
                return Err(StoreError::Invalid {
                    message: "Ce site n'a pas de cours cette année-là : rien à copier.".into(),
                });
            }
            let courses_created = sqlx::query(
                "INSERT INTO courses (discipline_id, site_id, school_year_id, name, cycle, level, seat_mode) \
                 SELECT c.discipline_id, c.site_id, $3, c.name, c.cycle, c.level, c.seat_mode FROM courses c \
                 WHERE c.site_id = $1 AND c.school_year_id = $2 AND NOT EXISTS \
                 (SELECT 1 FROM courses n WHERE n.site_id = c.site_id AND n.school_year_id = $3 \
                  AND n.discipline_id = c.discipline_id AND n.name = c.name) \
                 ORDER BY c.id",
            )
            .bind(site_id)
            .bind(from_year_id)
            .bind(to_year_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let slots_created = sqlx::query(
                "INSERT INTO slots (course_id, day_of_week, starts_at, ends_at, teacher, room, capacity, seats_taken, version, open) \
                 SELECT n.id, s.day_of_week, s.starts_at, s.ends_at, s.teacher, s.room, s.capacity, 0, 1, TRUE \
                 FROM slots s JOIN courses c ON c.id = s.course_id \
                 JOIN courses n ON n.site_id = c.site_id AND n.school_year_id = $3 \
                  AND n.discipline_id = c.discipline_id AND n.name = c.name \
                 WHERE c.site_id = $1 AND c.school_year_id = $2 AND n.seat_mode = 'slot' \
                 AND NOT EXISTS (SELECT 1 FROM slots x WHERE x.course_id = n.id) \
                 ORDER BY s.id",
            )
            .bind(site_id)
            .bind(from_year_id)
            .bind(to_year_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let outcome = Rollover {
                to_year_id,
                to_label: label,
                year_created,
                courses_created,
                courses_kept: (source_courses as u64).saturating_sub(courses_created),
                slots_created,
            };
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "offer.rollover",
                entity_type: "site",
                entity_id: site_id.to_string(),
                before: to_json(&serde_json::json!({ "school_year_id": from_year_id })),
                after: to_json(&outcome),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(outcome)
        })
    }
}
