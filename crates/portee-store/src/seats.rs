//! Course slots and their seats: taking a seat is one conditional UPDATE,
//! race-free on both databases, in the same transaction as the enrolment
//! and its audit entry.

use portee_domain::{
    Capacity,
    seats::{CourseFields, SlotFields},
};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, for_update, on_pool},
};

/// A slot as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SlotRow {
    pub id: i64,
    pub course_id: i64,
    pub day_of_week: i16,
    pub starts_at: String,
    pub ends_at: String,
    pub teacher: String,
    pub room: String,
    pub capacity: i32,
    pub seats_taken: i32,
    pub version: i32,
    /// A closed slot keeps its pupils but gives no new seat.
    pub open: bool,
}

/// What asking for a seat gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatOutcome {
    /// The seat is the student's; the enrolment's id.
    Taken { enrolment_id: i64 },
    /// No seat left: nothing was written.
    Full,
}

/// Who takes a seat in which slot, for which course and school year.
#[derive(Debug, Clone, Copy)]
pub struct SeatRequest {
    pub slot_id: i64,
    pub student_id: i64,
    pub course_id: i64,
    pub school_year_id: i64,
}

const SELECT_SLOT: &str = "SELECT id, course_id, day_of_week, starts_at, ends_at, teacher, room, \
     capacity, seats_taken, version, open FROM slots WHERE id = $1";

impl Database {
    pub async fn slot(&self, id: i64) -> Result<SlotRow, StoreError> {
        on_pool!(self, pool => {
            sqlx::query_as::<_, SlotRow>(SELECT_SLOT).bind(id).fetch_one(pool).await.map_err(StoreError::from)
        })
    }

    /// Takes one seat and enrols the student, atomically: the seat counter
    /// only moves when a seat is left (`seats_taken < capacity` in the
    /// UPDATE itself), and if the enrolment cannot be written (already
    /// enrolled, unknown student) or no seat is left, the rollback undoes
    /// everything.
    ///
    /// The slot's row is the one every concurrent request for that slot
    /// waits on, so it is taken last: the enrolment and its audit entry are
    /// written first, then the counter moves and the transaction commits at
    /// once. The row lock is held for one statement and the commit, not for
    /// the whole transaction (with row-level security and audit triggers on
    /// PostgreSQL, the earlier statements are the costly ones).
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn take_seat(
        &self,
        request: SeatRequest,
        actor: &Actor,
    ) -> Result<SeatOutcome, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let enrolment_id: i64 = sqlx::query_scalar(
                "INSERT INTO enrolments (student_id, course_id, slot_id, school_year_id, status, outcome, created_at) \
                 VALUES ($1, $2, $3, $4, 'active', 'en_cours', $5) RETURNING id",
            )
            .bind(request.student_id)
            .bind(request.course_id)
            .bind(request.slot_id)
            .bind(request.school_year_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "seat.take",
                entity_type: "enrolment",
                entity_id: enrolment_id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({
                    "slot_id": request.slot_id, "student_id": request.student_id,
                    "course_id": request.course_id, "school_year_id": request.school_year_id,
                })),
                student_id: Some(request.student_id),
                ..Default::default()
            })?;
            let updated = sqlx::query(
                "UPDATE slots SET seats_taken = seats_taken + 1, version = version + 1 \
                 WHERE id = $1 AND course_id = $2 AND seats_taken < capacity AND open",
            )
            .bind(request.slot_id)
            .bind(request.course_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM slots WHERE id = $1 AND course_id = $2")
                    .bind(request.slot_id)
                    .bind(request.course_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                tx.rollback().await?;
                return match exists {
                    Some(_) => Ok(SeatOutcome::Full),
                    None => Err(StoreError::NotFound),
                };
            }
            tx.commit().await?;
            Ok(SeatOutcome::Taken { enrolment_id })
        })
    }

    /// Changes a slot's capacity if nobody changed the slot since
    /// `expected_version` was read, and never below the seats taken.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn set_capacity(
        &self,
        slot_id: i64,
        capacity: i64,
        expected_version: i32,
        actor: &Actor,
    ) -> Result<SlotRow, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before = sqlx::query_as::<_, SlotRow>(SELECT_SLOT)
                .bind(slot_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            if before.version != expected_version {
                return Err(StoreError::Conflict);
            }
            Capacity::new(capacity, i64::from(before.seats_taken))
                .map_err(|e| StoreError::Invalid { message: e.message().to_owned() })?;
            StoreError::expect_one_row(
                sqlx::query(
                    "UPDATE slots SET capacity = $1, version = version + 1 \
                     WHERE id = $2 AND version = $3 AND seats_taken <= $1",
                )
                .bind(capacity as i32)
                .bind(slot_id)
                .bind(expected_version)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            )?;
            let after = sqlx::query_as::<_, SlotRow>(SELECT_SLOT).bind(slot_id).fetch_one(&mut *tx).await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "slot.capacity",
                entity_type: "slot",
                entity_id: slot_id.to_string(),
                before: to_json(&before),
                after: to_json(&after),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(after)
        })
    }

    /// Changes a slot's day, hours, teacher, room, capacity and opening if
    /// nobody changed it since `expected_version` was read (`Conflict`
    /// otherwise, nothing written), never below the seats taken; audited
    /// with its before and after.
    #[tracing::instrument(skip(self, fields, actor), err)]
    pub async fn update_slot(
        &self,
        slot_id: i64,
        expected_version: i32,
        fields: &SlotFields,
        actor: &Actor,
    ) -> Result<SlotRow, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before = sqlx::query_as::<_, SlotRow>(sqlx::AssertSqlSafe(format!("{SELECT_SLOT}{}", for_update(pool))))
                .bind(slot_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            if before.version != expected_version {
                return Err(StoreError::Conflict);
            }
            Capacity::new(fields.capacity, i64::from(before.seats_taken))
                .map_err(|e| StoreError::Invalid { message: e.message().to_owned() })?;
            StoreError::expect_one_row(
                sqlx::query(
                    "UPDATE slots SET day_of_week = $1, starts_at = $2, ends_at = $3, teacher = $4, room = $5, \
                     capacity = $6, open = $7, version = version + 1 \
                     WHERE id = $8 AND version = $9 AND seats_taken <= $6",
                )
                .bind(fields.day_of_week)
                .bind(&fields.starts_at)
                .bind(&fields.ends_at)
                .bind(&fields.teacher)
                .bind(&fields.room)
                .bind(fields.capacity as i32)
                .bind(fields.open)
                .bind(slot_id)
                .bind(expected_version)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            )?;
            let after = sqlx::query_as::<_, SlotRow>(SELECT_SLOT).bind(slot_id).fetch_one(&mut *tx).await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "slot.update",
                entity_type: "slot",
                entity_id: slot_id.to_string(),
                before: to_json(&before),
                after: to_json(&after),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(after)
        })
    }

    /// Adds a slot to a course given by slot (`Invalid` for a course whose
    /// time is set with the teacher or by level); audited.
    #[tracing::instrument(skip(self, fields, actor), err)]
    pub async fn add_slot(
        &self,
        course_id: i64,
        fields: &SlotFields,
        actor: &Actor,
    ) -> Result<SlotRow, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mode: String = sqlx::query_scalar("SELECT seat_mode FROM courses WHERE id = $1")
                .bind(course_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            if mode != "slot" {
                return Err(StoreError::Invalid {
                    message: "Ce cours ne se choisit pas par créneau (horaire fixé avec le professeur \
                              ou selon le niveau) : il n'a pas de créneaux."
                        .into(),
                });
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO slots (course_id, day_of_week, starts_at, ends_at, teacher, room, capacity, seats_taken, version, open) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 1, $8) RETURNING id",
            )
            .bind(course_id)
            .bind(fields.day_of_week)
            .bind(&fields.starts_at)
            .bind(&fields.ends_at)
            .bind(&fields.teacher)
            .bind(&fields.room)
            .bind(fields.capacity as i32)
            .bind(fields.open)
            .fetch_one(&mut *tx)
            .await?;
            let after = sqlx::query_as::<_, SlotRow>(SELECT_SLOT).bind(id).fetch_one(&mut *tx).await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "slot.create",
                entity_type: "slot",
                entity_id: id.to_string(),
                before: None,
                after: to_json(&after),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(after)
        })
    }

    /// The site a course belongs to, if it exists.
    pub async fn course_site(&self, course_id: i64) -> Result<i16, StoreError> {
        on_pool!(self, pool => {
            sqlx::query_scalar("SELECT site_id FROM courses WHERE id = $1")
                .bind(course_id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound)
        })
    }

    /// Adds a course to a site's offer of a school year, in a discipline
    /// (`Invalid` if the site already has a course of that name there);
    /// audited.
    #[tracing::instrument(skip(self, fields, actor), err)]
    pub async fn add_course(
        &self,
        site_id: i16,
        school_year_id: i64,
        discipline_id: i64,
        fields: &CourseFields,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO courses (discipline_id, site_id, school_year_id, name, cycle, level, seat_mode) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(discipline_id)
            .bind(site_id)
            .bind(school_year_id)
            .bind(&fields.name)
            .bind(fields.cycle)
            .bind(fields.level.as_deref())
            .bind(&fields.seat_mode)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Duplicate => StoreError::Invalid {
                    message: format!("Le cours « {} » existe déjà dans cette discipline cette année.", fields.name),
                },
                other => other,
            })?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "course.create",
                entity_type: "course",
                entity_id: id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({
                    "site_id": site_id, "school_year_id": school_year_id, "discipline_id": discipline_id,
                    "name": fields.name, "cycle": fields.cycle, "level": fields.level, "seat_mode": fields.seat_mode,
                })),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(id)
        })
    }
}
