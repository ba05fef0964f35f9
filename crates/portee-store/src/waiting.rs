//! A slot's class list and its waiting list, and the moves between them:
//! a student moved to another slot of the same course, withdrawn, put on
//! the waiting list, the list reordered, a freed seat given to the first
//! of the list. Each is one transaction with its audit entry.
//!
//! Every change to a slot's lists first locks the slot's row
//! (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already
//! serialises writers): two workstations changing one slot's lists run one
//! after the other, so ranks never collide and a freed seat is given once.
//! Seat counters move last, by the same conditional UPDATE as every seat
//! taken (`seats_taken < capacity`): no overbooking whatever the timing.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, for_update, on_pool},
};

/// Longest reason kept for a withdrawal or a reordering.
pub const MAX_REASON_CHARS: usize = 300;

/// A student holding a seat of the slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ClassMember {
    pub enrolment_id: i64,
    pub student_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub family_id: i64,
    pub family_number: String,
    /// The student's dossier of the newest campaign (`draft`, `submitted`,
    /// `validated`, `cancelled`), if any.
    pub dossier_status: Option<String>,
    /// That dossier's intent (`reinscrire`, `ne_pas_reinscrire`).
    pub dossier_intent: Option<String>,
}

/// A student waiting for a seat of the slot, in the list's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct WaitingEntry {
    pub id: i64,
    pub student_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub family_number: String,
    pub rank: i32,
    pub created_at: DateTime<Utc>,
}

/// The lists of a slot, with the slot's seats as read with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotLists {
    pub slot: crate::SlotRow,
    pub course_name: String,
    pub site_id: i16,
    pub members: Vec<ClassMember>,
    pub waiting: Vec<WaitingEntry>,
    /// The other slots of the course, by day and hour.
    pub others: Vec<crate::SlotRow>,
}

/// What giving a freed seat did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatGiven {
    pub enrolment_id: i64,
    /// The slot of the same course the student left for this one.
    pub released_slot: Option<i64>,
    /// An e-mail for the family was placed in the outbox (false: the
    /// family has no e-mail address).
    pub notified: bool,
}

/// The slot row locked for a change of its lists.
#[derive(sqlx::FromRow)]
struct LockedSlot {
    course_id: i64,
    school_year_id: i64,
    site_id: i16,
    capacity: i32,
    seats_taken: i32,
    course_name: String,
    day_of_week: i16,
    starts_at: String,
    ends_at: String,
}

fn checked_reason(reason: &str) -> Result<&str, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid {
            message: "Indiquez le motif.".into(),
        });
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(StoreError::Invalid {
            message: format!("Le motif dépasse {MAX_REASON_CHARS} caractères."),
        });
    }
    Ok(reason)
}

const LOCK_SLOT: &str = "SELECT sl.course_id, c.school_year_id, c.site_id, sl.capacity, sl.seats_taken, \
     c.name AS course_name, sl.day_of_week, sl.starts_at, sl.ends_at \
     FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE sl.id = $1";

/// `LOCK_SLOT` with the row lock of the backend (the slot row only).
fn lock_slot_sql<P: WritePool>(pool: &P) -> String {
    if for_update(pool).is_empty() {
        LOCK_SLOT.to_owned()
    } else {
        format!("{LOCK_SLOT} FOR UPDATE OF sl")
    }
}

const RELEASE_SEAT: &str = "UPDATE slots SET seats_taken = CASE WHEN seats_taken > 0 THEN seats_taken - 1 ELSE 0 END, \
     version = version + 1 WHERE id = $1";

const TAKE_SEAT: &str = "UPDATE slots SET seats_taken = seats_taken + 1, version = version + 1 \
     WHERE id = $1 AND seats_taken < capacity AND open";

/// Moves a student's seat in the transaction `$tx` (inside `on_pool!`, so
/// once per backend): frees one of `$from: Option<i64>` and takes one of
/// `$to` by the conditional UPDATE (open, a seat left), the two slot rows
/// in id order (two moves never wait on each other crosswise). Evaluates
/// to `Ok(true)` when the seat was taken, `Ok(false)` when `$to` had none
/// (the caller rolls back).
macro_rules! move_seat {
    ($tx:expr, $from:expr, $to:expr) => {{
        let (from, to): (Option<i64>, i64) = ($from, $to);
        let tx = &mut *$tx;
        async move {
            let release_first = from.is_some_and(|f| f < to);
            if let Some(f) = from.filter(|_| release_first) {
                sqlx::query(RELEASE_SEAT).bind(f).execute(&mut *tx).await?;
            }
            let taken = sqlx::query(TAKE_SEAT)
                .bind(to)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if taken && let Some(f) = from.filter(|_| !release_first) {
                sqlx::query(RELEASE_SEAT).bind(f).execute(&mut *tx).await?;
            }
            Ok::<bool, StoreError>(taken)
        }
        .await
    }};
}

impl Database {
    /// The class list and the waiting list of a slot.
    #[tracing::instrument(skip(self), err)]
    pub async fn slot_lists(&self, slot_id: i64) -> Result<SlotLists, StoreError> {
        on_pool!(self, pool => {
            let slot = self.slot(slot_id).await?;
            let (course_name, site_id): (String, i16) =
                sqlx::query_as("SELECT name, site_id FROM courses WHERE id = $1")
                    .bind(slot.course_id)
                    .fetch_one(pool)
                    .await?;
            let members: Vec<ClassMember> = sqlx::query_as(
                "SELECT e.id AS enrolment_id, st.id AS student_id, st.first_name, st.last_name, \
                 st.family_id, f.family_number, \
                 (SELECT r.status FROM reinscriptions r JOIN campaigns ca ON ca.id = r.campaign_id \
                   WHERE r.student_id = st.id ORDER BY ca.school_year_id DESC, r.id DESC LIMIT 1) \
                   AS dossier_status, \
                 (SELECT r.intent FROM reinscriptions r JOIN campaigns ca ON ca.id = r.campaign_id \
                   WHERE r.student_id = st.id ORDER BY ca.school_year_id DESC, r.id DESC LIMIT 1) \
                   AS dossier_intent \
                 FROM enrolments e JOIN students st ON st.id = e.student_id \
                 JOIN families f ON f.id = st.family_id \
                 WHERE e.slot_id = $1 AND e.status = 'active' \
                 ORDER BY st.last_name, st.first_name, st.id",
            )
            .bind(slot_id)
            .fetch_all(pool)
            .await?;
            let waiting: Vec<WaitingEntry> = sqlx::query_as(
                "SELECT w.id, st.id AS student_id, st.first_name, st.last_name, f.family_number, \
                 w.rank, w.created_at \
                 FROM waiting_list w JOIN students st ON st.id = w.student_id \
                 JOIN families f ON f.id = st.family_id \
                 WHERE w.slot_id = $1 ORDER BY w.rank",
            )
            .bind(slot_id)
            .fetch_all(pool)
            .await?;
            let others: Vec<crate::SlotRow> = sqlx::query_as(
                "SELECT id, course_id, day_of_week, starts_at, ends_at, teacher, room, capacity, seats_taken, version, \
                 open FROM slots WHERE course_id = $1 AND id <> $2 ORDER BY day_of_week, starts_at, id",
            )
            .bind(slot.course_id)
            .bind(slot_id)
            .fetch_all(pool)
            .await?;
            Ok(SlotLists { slot, course_name, site_id, members, waiting, others })
        })
    }

    /// Puts a student of the course's site on the slot's waiting list, last.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn join_waiting_list(
        &self,
        slot_id: i64,
        student_id: i64,
        actor: &Actor,
    ) -> Result<i32, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let slot: LockedSlot = sqlx::query_as(sqlx::AssertSqlSafe(lock_slot_sql(pool)))
                .bind(slot_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let site: i16 = sqlx::query_scalar("SELECT site_id FROM students WHERE id = $1")
                .bind(student_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            if site != slot.site_id {
                return Err(StoreError::Invalid {
                    message: "Cet élève n'est pas inscrit sur le site de ce cours.".into(),
                });
            }
            let seated: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM enrolments WHERE student_id = $1 AND slot_id = $2 AND status = 'active'",
            )
            .bind(student_id)
            .bind(slot_id)
            .fetch_optional(&mut *tx)
            .await?;
            if seated.is_some() {
                return Err(StoreError::Invalid {
                    message: "Cet élève a déjà une place dans ce créneau.".into(),
                });
            }
            let listed: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM waiting_list WHERE slot_id = $1 AND student_id = $2",
            )
            .bind(slot_id)
            .bind(student_id)
            .fetch_optional(&mut *tx)
            .await?;
            if listed.is_some() {
                return Err(StoreError::Invalid {
                    message: "Cet élève est déjà sur la liste d'attente de ce créneau.".into(),
                });
            }
            let rank: i32 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(rank), 0) + 1 AS INTEGER) FROM waiting_list WHERE slot_id = $1",
            )
            .bind(slot_id)
            .fetch_one(&mut *tx)
            .await?;
            let at = now();
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO waiting_list (slot_id, student_id, rank, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(slot_id)
            .bind(student_id)
            .bind(rank)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "waiting.join",
                entity_type: "waiting_list",
                entity_id: id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({
                    "slot_id": slot_id, "student_id": student_id, "rank": rank,
                    "course": slot.course_name,
                })),
                student_id: Some(student_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(rank)
        })
    }

    /// Moves a student to `position` (1 = first) of the slot's waiting
    /// list, with a reason; the ranks are written again 1, 2, 3….
    /// `expected` is the list's order as the member saw it (student ids):
    /// if it changed meanwhile, nothing is written (`Conflict`).
    #[tracing::instrument(skip(self, expected, reason, actor), err)]
    pub async fn reorder_waiting_list(
        &self,
        slot_id: i64,
        student_id: i64,
        position: usize,
        expected: &[i64],
        reason: &str,
        actor: &Actor,
    ) -> Result<Vec<i64>, StoreError> {
        let reason = checked_reason(reason)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let _slot: LockedSlot = sqlx::query_as(sqlx::AssertSqlSafe(lock_slot_sql(pool)))
                .bind(slot_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let rows: Vec<(i64, i64, DateTime<Utc>)> = sqlx::query_as(
                "SELECT id, student_id, created_at FROM waiting_list WHERE slot_id = $1 ORDER BY rank",
            )
            .bind(slot_id)
            .fetch_all(&mut *tx)
            .await?;
            let before: Vec<i64> = rows.iter().map(|r| r.1).collect();
            if before != expected {
                return Err(StoreError::Conflict);
            }
            let Some(from) = before.iter().position(|s| *s == student_id) else {
                return Err(StoreError::NotFound);
            };
            if position == 0 || position > rows.len() {
                return Err(StoreError::Invalid {
                    message: format!("Choisissez un rang entre 1 et {}.", rows.len()),
                });
            }
            let mut order = rows.clone();
            let moved = order.remove(from);
            order.insert(position - 1, moved);
            // Ranks are unique per slot: the list is written again whole.
            sqlx::query("DELETE FROM waiting_list WHERE slot_id = $1")
                .bind(slot_id)
                .execute(&mut *tx)
                .await?;
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO waiting_list (id, slot_id, student_id, rank, created_at) ",
            );
            qb.push_values(order.iter().enumerate(), |mut b, (i, (id, student, created))| {
                b.push_bind(*id)
                    .push_bind(slot_id)
                    .push_bind(*student)
                    .push_bind(i as i32 + 1)
                    .push_bind(*created);
            });
            qb.build().execute(&mut *tx).await?;
            let after: Vec<i64> = order.iter().map(|r| r.1).collect();
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "waiting.reorder",
                entity_type: "slot",
                entity_id: slot_id.to_string(),
                before: to_json(&serde_json::json!({ "order": before, "rank": from + 1 })),
                after: to_json(&serde_json::json!({
                    "order": after, "rank": position, "reason": reason,
                })),
                student_id: Some(student_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(after)
        })
    }

    /// Gives a free seat of the slot to `student_id`, who must be the first
    /// of its waiting list (as the member was shown): the entry leaves the
    /// list, the student's enrolment in the course takes the seat (moved
    /// from another slot of the course, reactivated or created), their
    /// dossier's slot follows, an e-mail for the family goes to the outbox
    /// and the audit entry is written, in one transaction. The list changed
    /// meanwhile (the seat given on another workstation): `Conflict`; no
    /// seat free: `SlotFull`. Nothing is written in either case.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn give_freed_seat(
        &self,
        slot_id: i64,
        student_id: i64,
        actor: &Actor,
    ) -> Result<SeatGiven, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let slot: LockedSlot = sqlx::query_as(sqlx::AssertSqlSafe(lock_slot_sql(pool)))
                .bind(slot_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let first: Option<(i64, i64, i32)> = sqlx::query_as(
                "SELECT id, student_id, rank FROM waiting_list WHERE slot_id = $1 ORDER BY rank LIMIT 1",
            )
            .bind(slot_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((entry, first_student, rank)) = first else {
                return Err(StoreError::Conflict);
            };
            if first_student != student_id {
                return Err(StoreError::Conflict);
            }
            if slot.seats_taken >= slot.capacity {
                return Err(StoreError::SlotFull { slot_id });
            }
            sqlx::query("DELETE FROM waiting_list WHERE id = $1")
                .bind(entry)
                .execute(&mut *tx)
                .await?;
            let held: Option<(i64, Option<i64>, String)> = sqlx::query_as(
                "SELECT id, slot_id, status FROM enrolments WHERE student_id = $1 AND course_id = $2 \
                 AND school_year_id = $3 ORDER BY (status = 'active') DESC, id DESC LIMIT 1",
            )
            .bind(student_id)
            .bind(slot.course_id)
            .bind(slot.school_year_id)
            .fetch_optional(&mut *tx)
            .await?;
            let at = now();
            let (enrolment_id, released_slot) = match held {
                Some((_, Some(current), status)) if status == "active" && current == slot_id => {
                    return Err(StoreError::Invalid {
                        message: "Cet élève a déjà une place dans ce créneau.".into(),
                    });
                }
                Some((id, current, status)) => {
                    sqlx::query("UPDATE enrolments SET status = 'active', slot_id = $1 WHERE id = $2")
                        .bind(slot_id)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    (id, current.filter(|_| status == "active"))
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO enrolments (student_id, course_id, slot_id, school_year_id, status, outcome, created_at) \
                         VALUES ($1, $2, $3, $4, 'active', 'en_cours', $5) RETURNING id",
                    )
                    .bind(student_id)
                    .bind(slot.course_id)
                    .bind(slot_id)
                    .bind(slot.school_year_id)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    (id, None)
                }
            };
            // The dossier of that school year follows (its recap and its
            // acknowledgement name the slot).
            let dossier: Option<i64> = sqlx::query_scalar(
                "SELECT r.id FROM reinscriptions r JOIN campaigns ca ON ca.id = r.campaign_id \
                 WHERE r.student_id = $1 AND ca.school_year_id = $2 ORDER BY r.id DESC LIMIT 1",
            )
            .bind(student_id)
            .bind(slot.school_year_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(dossier) = dossier {
                sqlx::query(
                    "UPDATE reinscription_courses SET slot_id = $1 WHERE reinscription_id = $2 AND course_id = $3",
                )
                .bind(slot_id)
                .bind(dossier)
                .bind(slot.course_id)
                .execute(&mut *tx)
                .await?;
            }
            let email: Option<String> = sqlx::query_scalar(
                "SELECT g.email FROM guardians g JOIN students st ON st.family_id = g.family_id \
                 WHERE st.id = $1 AND g.email IS NOT NULL AND g.email <> '' ORDER BY g.rank LIMIT 1",
            )
            .bind(student_id)
            .fetch_optional(&mut *tx)
            .await?;
            let when = format!(
                "{} {}–{}",
                portee_domain::labels::day(slot.day_of_week),
                slot.starts_at,
                slot.ends_at
            );
            if let Some(to) = &email {
                sqlx::query(
                    "INSERT INTO outbox (kind, reinscription_id, student_id, recipient, payload, status, attempts, created_at) \
                     VALUES ('seat_given', $1, $2, $3, $4, 'pending', 0, $5)",
                )
                .bind(dossier)
                .bind(student_id)
                .bind(to)
                .bind(
                    serde_json::json!({
                        "slot_id": slot_id, "course": slot.course_name, "when": when,
                    })
                    .to_string(),
                )
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "waiting.give",
                entity_type: "enrolment",
                entity_id: enrolment_id.to_string(),
                before: to_json(&serde_json::json!({
                    "waiting_rank": rank, "slot_id": released_slot,
                })),
                after: to_json(&serde_json::json!({
                    "slot_id": slot_id, "course": slot.course_name, "when": when,
                    "notified": email.is_some(),
                })),
                student_id: Some(student_id),
                ..Default::default()
            })?;
            // Seats last, in slot id order: the seat left, then the seat
            // taken, or the other way round.
            if !move_seat!(tx, released_slot, slot_id)? {
                tx.rollback().await?;
                return Err(StoreError::SlotFull { slot_id });
            }
            tx.commit().await?;
            Ok(SeatGiven { enrolment_id, released_slot, notified: email.is_some() })
        })
    }

    /// Moves an active enrolment to another slot of the same course: the
    /// old seat is freed and the new one taken in one transaction, refused
    /// (`SlotFull`, nothing written) when the target has no seat left.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn move_enrolment(
        &self,
        enrolment_id: i64,
        target_slot_id: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let lock = if for_update(pool).is_empty() { "" } else { " FOR UPDATE" };
            let held: Option<(i64, i64, Option<i64>, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT student_id, course_id, slot_id, status, school_year_id FROM enrolments WHERE id = $1{lock}"
            )))
            .bind(enrolment_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((student_id, course_id, Some(from), status, school_year_id)) = held else {
                return Err(StoreError::NotFound);
            };
            if status != "active" {
                return Err(StoreError::Conflict);
            }
            if from == target_slot_id {
                return Err(StoreError::Invalid {
                    message: "L'élève est déjà dans ce créneau.".into(),
                });
            }
            let target_course: Option<i64> = sqlx::query_scalar("SELECT course_id FROM slots WHERE id = $1")
                .bind(target_slot_id)
                .fetch_optional(&mut *tx)
                .await?;
            if target_course != Some(course_id) {
                return Err(StoreError::Invalid {
                    message: "Un élève ne change que pour un autre créneau du même cours.".into(),
                });
            }
            sqlx::query("UPDATE enrolments SET slot_id = $1 WHERE id = $2")
                .bind(target_slot_id)
                .bind(enrolment_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE reinscription_courses SET slot_id = $1 WHERE course_id = $2 AND slot_id = $3 \
                 AND reinscription_id IN (SELECT r.id FROM reinscriptions r JOIN campaigns ca ON ca.id = r.campaign_id \
                 WHERE r.student_id = $4 AND ca.school_year_id = $5)",
            )
            .bind(target_slot_id)
            .bind(course_id)
            .bind(from)
            .bind(student_id)
            .bind(school_year_id)
            .execute(&mut *tx)
            .await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "enrolment.move",
                entity_type: "enrolment",
                entity_id: enrolment_id.to_string(),
                before: to_json(&serde_json::json!({ "slot_id": from })),
                after: to_json(&serde_json::json!({ "slot_id": target_slot_id })),
                student_id: Some(student_id),
                ..Default::default()
            })?;
            if !move_seat!(tx, Some(from), target_slot_id)? {
                tx.rollback().await?;
                return Err(StoreError::SlotFull { slot_id: target_slot_id });
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Withdraws a student from their slot, with a reason: the enrolment is
    /// cancelled and its seat freed (the slot then proposes the first of its
    /// waiting list). Already withdrawn: `Conflict`, nothing written.
    #[tracing::instrument(skip(self, reason, actor), err)]
    pub async fn withdraw_enrolment(
        &self,
        enrolment_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<Option<i64>, StoreError> {
        let reason = checked_reason(reason)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let lock = if for_update(pool).is_empty() { "" } else { " FOR UPDATE" };
            let held: Option<(i64, Option<i64>, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT student_id, slot_id, status FROM enrolments WHERE id = $1{lock}"
            )))
            .bind(enrolment_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((student_id, slot, status)) = held else {
                return Err(StoreError::NotFound);
            };
            if status != "active" {
                return Err(StoreError::Conflict);
            }
            sqlx::query("UPDATE enrolments SET status = 'cancelled' WHERE id = $1")
                .bind(enrolment_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "enrolment.withdraw",
                entity_type: "enrolment",
                entity_id: enrolment_id.to_string(),
                before: to_json(&serde_json::json!({ "status": "active", "slot_id": slot })),
                after: to_json(&serde_json::json!({ "status": "cancelled", "reason": reason })),
                student_id: Some(student_id),
                ..Default::default()
            })?;
            if let Some(slot) = slot {
                sqlx::query(RELEASE_SEAT).bind(slot).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(slot)
        })
    }
}
