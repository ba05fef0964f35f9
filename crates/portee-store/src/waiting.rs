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
    /// A freed seat is held for them until then (the family has to
    /// confirm); `None` while they only wait.
    pub offer_expires_at: Option<DateTime<Utc>>,
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
    /// The days a family has to confirm a seat offered here.
    pub offer_days: i32,
}

/// What offering a freed seat did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatOffered {
    /// The seat is held for the student until then.
    pub expires_at: DateTime<Utc>,
    /// An e-mail for the family was placed in the outbox (false: the
    /// family has no e-mail address).
    pub notified: bool,
}

/// Where a seat declined or lapsed went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferPassed {
    /// The next of the list, now offered the seat until the date given;
    /// `None`: nobody else waits (or the slot is closed), the seat is free.
    pub next: Option<(i64, DateTime<Utc>)>,
}

/// What confirming an offered seat did.
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
    open: bool,
}

impl LockedSlot {
    /// « Mercredi 14:00–15:00 ».
    fn when(&self) -> String {
        format!(
            "{} {}–{}",
            portee_domain::labels::day(self.day_of_week),
            self.starts_at,
            self.ends_at
        )
    }
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
     c.name AS course_name, sl.day_of_week, sl.starts_at, sl.ends_at, sl.open \
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

/// A waiting list entry as rewritten by a reorder: id, student, created,
/// offered, offer's deadline.
type ListedEntry = (
    i64,
    i64,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// The first of a slot's waiting list not offered a seat yet: (entry,
/// student, rank).
const FIRST_NOT_OFFERED: &str = "SELECT id, student_id, rank FROM waiting_list \
     WHERE slot_id = $1 AND offered_at IS NULL ORDER BY rank LIMIT 1";

/// The days a family has to confirm a seat offered in a slot of school
/// year `$1`: its campaign's setting, 3 when it has none.
const OFFER_DAYS: &str = "SELECT COALESCE((SELECT seat_offer_days FROM campaigns \
     WHERE school_year_id = $1 ORDER BY id DESC LIMIT 1), 3)";

/// Places an e-mail of `$kind` for the family of `$student` in the outbox
/// of the transaction `$tx`, if the family has an address. Evaluates to
/// `Ok(true)` when one was placed.
macro_rules! queue_mail {
    ($tx:expr, $kind:expr, $student:expr, $at:expr, $payload:expr) => {{
        let (kind, student, at): (&str, i64, DateTime<Utc>) = ($kind, $student, $at);
        let payload: serde_json::Value = $payload;
        let tx = &mut *$tx;
        async move {
            let email: Option<String> = sqlx::query_scalar(
                "SELECT g.email FROM guardians g JOIN students st ON st.family_id = g.family_id \
                 WHERE st.id = $1 AND g.email IS NOT NULL AND g.email <> '' ORDER BY g.rank LIMIT 1",
            )
            .bind(student)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(to) = &email {
                sqlx::query(
                    "INSERT INTO outbox (kind, student_id, recipient, payload, status, attempts, created_at) \
                     VALUES ($1, $2, $3, $4, 'pending', 0, $5)",
                )
                .bind(kind)
                .bind(student)
                .bind(to)
                .bind(payload.to_string())
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            Ok::<bool, StoreError>(email.is_some())
        }
        .await
    }};
}

/// Marks the waiting list entry `($entry, $student)` of `$slot_id` offered
/// from `$at` until `$expires`, and queues the family's e-mail (in the
/// transaction `$tx`; the seat itself is the caller's). Evaluates to
/// `Ok(notified)`; the entry offered meanwhile: `Err(Conflict)`.
macro_rules! offer_entry {
    ($tx:expr, $slot:expr, $slot_id:expr, $entry:expr, $when:expr) => {{
        let slot: &LockedSlot = $slot;
        let (slot_id, (entry, student)): (i64, (i64, i64)) = ($slot_id, $entry);
        let (at, expires): (DateTime<Utc>, DateTime<Utc>) = $when;
        let tx = &mut *$tx;
        async move {
            let marked = sqlx::query(
                "UPDATE waiting_list SET offered_at = $1, offer_expires_at = $2 \
                 WHERE id = $3 AND offered_at IS NULL",
            )
            .bind(at)
            .bind(expires)
            .bind(entry)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            StoreError::expect_one_row(marked)?;
            queue_mail!(tx, "seat_offered", student, at, serde_json::json!({
                "slot_id": slot_id, "course": slot.course_name, "when": slot.when(),
                "offer_expires_at": expires,
            }))
        }
        .await
    }};
}

/// Takes the offered entry `($entry, $student)` off the list of `$slot_id`
/// (declined, or `$lapsed`: the family is told) and offers its held seat to
/// the next of the list, or frees it when nobody else waits or the slot is
/// closed; audited, in the transaction `$tx`. Evaluates to
/// `Ok(OfferPassed)`.
macro_rules! pass_offer_on {
    ($tx:expr, $slot:expr, $slot_id:expr, $entry:expr, $at:expr, $actor:expr, $lapsed:expr) => {{
        let slot: &LockedSlot = $slot;
        let (slot_id, (entry, student)): (i64, (i64, i64)) = ($slot_id, $entry);
        let (at, actor, lapsed): (DateTime<Utc>, &Actor, bool) = ($at, $actor, $lapsed);
        let tx = &mut *$tx;
        async move {
            let until: Option<DateTime<Utc>> =
                sqlx::query_scalar("DELETE FROM waiting_list WHERE id = $1 RETURNING offer_expires_at")
                    .bind(entry)
                    .fetch_one(&mut *tx)
                    .await?;
            let notified = if lapsed {
                queue_mail!(tx, "seat_offer_expired", student, at, serde_json::json!({
                    "slot_id": slot_id, "course": slot.course_name, "when": slot.when(),
                }))?
            } else {
                false
            };
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: if lapsed { "waiting.offer_lapsed" } else { "waiting.offer_declined" },
                entity_type: "waiting_list",
                entity_id: entry.to_string(),
                before: to_json(&serde_json::json!({ "offer_expires_at": until })),
                after: to_json(&serde_json::json!({
                    "slot_id": slot_id, "course": slot.course_name, "notified": notified,
                })),
                student_id: Some(student),
                ..Default::default()
            })?;
            let next: Option<(i64, i64, i32)> = if slot.open {
                sqlx::query_as(FIRST_NOT_OFFERED)
                    .bind(slot_id)
                    .fetch_optional(&mut *tx)
                    .await?
            } else {
                None
            };
            let Some((next_entry, next_student, rank)) = next else {
                sqlx::query(RELEASE_SEAT).bind(slot_id).execute(&mut *tx).await?;
                return Ok::<OfferPassed, StoreError>(OfferPassed { next: None });
            };
            let days: i32 = sqlx::query_scalar(OFFER_DAYS)
                .bind(slot.school_year_id)
                .fetch_one(&mut *tx)
                .await?;
            let expires = at + chrono::Duration::days(i64::from(days));
            let told = offer_entry!(tx, slot, slot_id, (next_entry, next_student), (at, expires))?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "waiting.offer",
                entity_type: "waiting_list",
                entity_id: next_entry.to_string(),
                before: to_json(&serde_json::json!({ "rank": rank })),
                after: to_json(&serde_json::json!({
                    "slot_id": slot_id, "course": slot.course_name, "offer_expires_at": expires,
                    "notified": told, "passed_from": student,
                })),
                student_id: Some(next_student),
                ..Default::default()
            })?;
            Ok(OfferPassed { next: Some((next_student, expires)) })
        }
        .await
    }};
}

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
            let (course_name, site_id, school_year_id): (String, i16, i64) =
                sqlx::query_as("SELECT name, site_id, school_year_id FROM courses WHERE id = $1")
                    .bind(slot.course_id)
                    .fetch_one(pool)
                    .await?;
            let offer_days: i32 = sqlx::query_scalar(OFFER_DAYS)
                .bind(school_year_id)
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
                 w.rank, w.created_at, w.offer_expires_at \
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
            Ok(SlotLists { slot, course_name, site_id, members, waiting, others, offer_days })
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
            // An entry offered a seat keeps its offer (and the seat it
            // holds) whatever its new rank.
            let rows: Vec<ListedEntry> = sqlx::query_as(
                "SELECT id, student_id, created_at, offered_at, offer_expires_at FROM waiting_list \
                 WHERE slot_id = $1 ORDER BY rank",
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
                "INSERT INTO waiting_list (id, slot_id, student_id, rank, created_at, offered_at, \
                 offer_expires_at) ",
            );
            qb.push_values(
                order.iter().enumerate(),
                |mut b, (i, (id, student, created, offered, expires))| {
                    b.push_bind(*id)
                        .push_bind(slot_id)
                        .push_bind(*student)
                        .push_bind(i as i32 + 1)
                        .push_bind(*created)
                        .push_bind(*offered)
                        .push_bind(*expires);
                },
            );
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

    /// Offers a freed seat of the slot to `student_id`, who must be the
    /// first of its waiting list not yet offered one (as the member was
    /// shown): the seat is held for them (`seats_taken` counts it) until
    /// the campaign's delay has passed, their entry says until when, an
    /// e-mail for the family goes to the outbox and the audit entry is
    /// written, in one transaction. The list changed meanwhile (the seat
    /// offered on another workstation): `Conflict`; no seat free:
    /// `SlotFull`. Nothing is written in either case.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn offer_freed_seat(
        &self,
        slot_id: i64,
        student_id: i64,
        actor: &Actor,
    ) -> Result<SeatOffered, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let slot: LockedSlot = sqlx::query_as(sqlx::AssertSqlSafe(lock_slot_sql(pool)))
                .bind(slot_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let first: Option<(i64, i64, i32)> = sqlx::query_as(FIRST_NOT_OFFERED)
                .bind(slot_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((entry, first_student, rank)) = first else {
                return Err(StoreError::Conflict);
            };
            if first_student != student_id {
                return Err(StoreError::Conflict);
            }
            if !slot.open || slot.seats_taken >= slot.capacity {
                return Err(StoreError::SlotFull { slot_id });
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
            let at = now();
            let days: i32 = sqlx::query_scalar(OFFER_DAYS)
                .bind(slot.school_year_id)
                .fetch_one(&mut *tx)
                .await?;
            let expires_at = at + chrono::Duration::days(i64::from(days));
            let notified = offer_entry!(tx, &slot, slot_id, (entry, student_id), (at, expires_at))?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "waiting.offer",
                entity_type: "waiting_list",
                entity_id: entry.to_string(),
                before: to_json(&serde_json::json!({ "rank": rank })),
                after: to_json(&serde_json::json!({
                    "slot_id": slot_id, "course": slot.course_name, "offer_expires_at": expires_at,
                    "notified": notified,
                })),
                student_id: Some(student_id),
                ..Default::default()
            })?;
            if sqlx::query(TAKE_SEAT).bind(slot_id).execute(&mut *tx).await?.rows_affected() != 1 {
                tx.rollback().await?;
                return Err(StoreError::SlotFull { slot_id });
            }
            tx.commit().await?;
            Ok(SeatOffered { expires_at, notified })
        })
    }

    /// The family accepted the seat offered to `student_id`: the held seat
    /// becomes theirs — the entry leaves the list, the student's enrolment
    /// in the course takes it (moved from another slot of the course, whose
    /// seat is freed, reactivated or created), their dossier's slot
    /// follows, a confirmation e-mail goes to the outbox and the audit
    /// entry is written, in one transaction. No offer of the slot for them
    /// any more (lapsed, or confirmed on another workstation): `Conflict`,
    /// nothing written.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn confirm_seat_offer(
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
            let offered: Option<(i64, i32)> = sqlx::query_as(
                "SELECT id, rank FROM waiting_list WHERE slot_id = $1 AND student_id = $2 \
                 AND offered_at IS NOT NULL",
            )
            .bind(slot_id)
            .bind(student_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((entry, rank)) = offered else {
                return Err(StoreError::Conflict);
            };
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
                        message: "Cet élève a déjà une place dans ce créneau : déclinez la proposition."
                            .into(),
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
            let when = slot.when();
            let notified = queue_mail!(tx, "seat_given", student_id, at, serde_json::json!({
                "slot_id": slot_id, "course": slot.course_name, "when": when,
            }))?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "waiting.give",
                entity_type: "enrolment",
                entity_id: enrolment_id.to_string(),
                before: to_json(&serde_json::json!({
                    "waiting_rank": rank, "slot_id": released_slot,
                })),
                after: to_json(&serde_json::json!({
                    "slot_id": slot_id, "course": slot.course_name, "when": when,
                    "notified": notified,
                })),
                student_id: Some(student_id),
                ..Default::default()
            })?;
            // The seat of this slot was held since the offer: only the one
            // left (another slot of the course) is freed.
            if let Some(left) = released_slot {
                sqlx::query(RELEASE_SEAT).bind(left).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(SeatGiven { enrolment_id, released_slot, notified })
        })
    }

    /// The family declined the seat offered to `student_id`: their entry
    /// leaves the list and the held seat is offered to the next of the list
    /// (or freed when nobody else waits), in one transaction. No offer of
    /// the slot for them any more: `Conflict`, nothing written.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn decline_seat_offer(
        &self,
        slot_id: i64,
        student_id: i64,
        actor: &Actor,
    ) -> Result<OfferPassed, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let slot: LockedSlot = sqlx::query_as(sqlx::AssertSqlSafe(lock_slot_sql(pool)))
                .bind(slot_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let offered: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM waiting_list WHERE slot_id = $1 AND student_id = $2 AND offered_at IS NOT NULL",
            )
            .bind(slot_id)
            .bind(student_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(entry) = offered else {
                return Err(StoreError::Conflict);
            };
            let passed = pass_offer_on!(tx, &slot, slot_id, (entry, student_id), now(), actor, false)?;
            tx.commit().await?;
            Ok(passed)
        })
    }

    /// Every offer whose deadline is past `at`, on the slots this
    /// connection sees: the entry leaves the list, the family is told the
    /// offer lapsed, and the held seat is offered to the next of the list
    /// (or freed), one transaction per slot. Returns how many offers
    /// lapsed. Run by the screens that show seats before they read them
    /// (so an open offer page is never late by more than its refresh), and
    /// safe to run from several workstations at once: the slot's row lock
    /// and the deadline read again under it make each offer lapse once.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn expire_seat_offers(
        &self,
        at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<usize, StoreError> {
        on_pool!(self, pool => {
            let slots: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT slot_id FROM waiting_list WHERE offer_expires_at <= $1 ORDER BY slot_id",
            )
            .bind(at)
            .fetch_all(pool)
            .await?;
            let mut lapsed = 0;
            for slot_id in slots {
                let mut tx = pool.begin_write().await?;
                let Some(slot): Option<LockedSlot> = sqlx::query_as(sqlx::AssertSqlSafe(lock_slot_sql(pool)))
                    .bind(slot_id)
                    .fetch_optional(&mut *tx)
                    .await?
                else {
                    continue;
                };
                let due: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT id, student_id FROM waiting_list WHERE slot_id = $1 AND offer_expires_at <= $2 \
                     ORDER BY rank",
                )
                .bind(slot_id)
                .bind(at)
                .fetch_all(&mut *tx)
                .await?;
                for entry in &due {
                    pass_offer_on!(tx, &slot, slot_id, *entry, at, actor, true)?;
                }
                tx.commit().await?;
                lapsed += due.len();
            }
            Ok(lapsed)
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
