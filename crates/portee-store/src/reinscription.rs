//! Validating a réinscription on a family's behalf, correcting it, and
//! recording a non-réinscription: each in one transaction that writes the
//! dossier, its courses, next year's enrolments and seats, the outbox
//! message and the audit entries — all of it or nothing.
//!
//! Seats for next year are taken at validation: an enrolment per chosen
//! course of next year (status `active`), and for a slot one seat, by the
//! same conditional UPDATE as `take_seat`. If another workstation took the
//! last seat meanwhile, nothing is written and the caller learns which slot
//! is full. A correction releases the seats it no longer needs and takes
//! the new ones in the same transaction. The slot rows (which every
//! concurrent validation of the slot waits on) are written last, so their
//! locks are held only until the commit; on PostgreSQL the acknowledgement
//! number comes from a sequence per year (migration 0010), which no
//! validation waits on. A family's validation reads its dossiers, courses,
//! slots and enrolments in one statement each and writes rows of a kind in
//! one statement where it can: under load, round trips and the row audit
//! trigger they fire are what a validation costs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, for_update, is_postgres, on_pool},
};
use sqlx::QueryBuilder;

/// How the family asked: at the desk or on the phone (staff), or on the
/// extranet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Channel {
    Desk,
    Phone,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Desk => "desk",
            Channel::Phone => "phone",
        }
    }
}

/// A course chosen for next year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChosenCourse {
    pub course_id: i64,
    /// The slot, for a course whose seats are slots; none otherwise.
    pub slot_id: Option<i64>,
    pub level: Option<String>,
    /// Staff changed the level Portée proposed.
    pub level_changed: bool,
}

/// « Valider » on a dossier (first validation or correction).
#[derive(Debug, Clone)]
pub struct Validation {
    pub dossier_id: i64,
    pub expected_version: i32,
    /// Generated once per click on « Valider »: a retry sends it again.
    pub request_id: Uuid,
    pub channel: Channel,
    pub courses: Vec<ChosenCourse>,
    pub image_rights: bool,
    pub may_leave_alone: bool,
    pub additional_info: Option<String>,
    /// Required to correct a validated dossier.
    pub correction_reason: Option<String>,
    /// The family's e-mail for the acknowledgement (none: nothing queued).
    pub recipient: Option<String>,
}

/// A validated dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Validated {
    pub dossier_id: i64,
    pub acknowledgement_number: String,
    /// 1 at the first validation, 2 after a correction…
    pub acknowledgement_version: i32,
    pub version: i32,
    /// Slots whose seat this validation released, and took.
    pub released: Vec<i64>,
    pub taken: Vec<i64>,
    /// True when this was a retry of a validation already written.
    pub replayed: bool,
}

/// What a dossier's validation reads of it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct DossierState {
    id: i64,
    student_id: i64,
    campaign_id: i64,
    status: String,
    intent: Option<String>,
    version: i32,
    acknowledgement_number: Option<String>,
    acknowledgement_version: i32,
    validation_request: Option<Uuid>,
    image_rights: Option<bool>,
    may_leave_alone: Option<bool>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Context {
    site_id: i16,
    family_id: i64,
    school_year_id: i64,
    start_year: i32,
}

const SELECT_STATE: &str = "SELECT id, student_id, campaign_id, status, intent, version, \
     acknowledgement_number, acknowledgement_version, validation_request, image_rights, may_leave_alone \
     FROM reinscriptions WHERE id = $1";

/// The dossiers of a validation with their student's site and family and
/// their campaign's school year, `IN (` the ids, closed by the caller.
const SELECT_LOCKED: &str = "SELECT r.id, r.student_id, r.campaign_id, r.status, r.intent, r.version, \
     r.acknowledgement_number, r.acknowledgement_version, r.validation_request, r.image_rights, \
     r.may_leave_alone, s.site_id, s.family_id, c.school_year_id, y.start_year \
     FROM reinscriptions r JOIN students s ON s.id = r.student_id \
     JOIN campaigns c ON c.id = r.campaign_id JOIN school_years y ON y.id = c.school_year_id \
     WHERE r.id IN (";

/// Deletes the draft of the family of student `$2` for campaign `$1` (the
/// validation or non-réinscription that used it).
const DELETE_DRAFT: &str = "DELETE FROM reinscription_drafts WHERE campaign_id = $1 \
     AND family_id = (SELECT family_id FROM students WHERE id = $2)";

/// Closes an `IN (` list of `qb` with `ids`, bound.
pub(crate) fn push_ids<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    ids: impl IntoIterator<Item = i64>,
) where
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    list.push_unseparated(")");
}

/// A refusal of one chosen course.
fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        message: message.into(),
    }
}

fn next_acknowledgement_sql<P: WritePool>(_pool: &P) -> &'static str {
    if P::POSTGRES {
        "SELECT portee_next_acknowledgement($1)"
    } else {
        "INSERT INTO acknowledgement_counters (year, last_number) VALUES ($1, \
         (SELECT COALESCE(MAX(CAST(substr(acknowledgement_number, 9) AS INTEGER)), 0) \
          FROM reinscriptions WHERE acknowledgement_number LIKE 'AR-' || $1 || '-%') + 1) \
         ON CONFLICT (year) DO UPDATE SET last_number = last_number + 1 RETURNING last_number"
    }
}

/// What one dossier's validation has decided before it is written.
struct Planned<'a> {
    validation: &'a Validation,
    /// The chosen courses, by course id.
    chosen: Vec<ChosenCourse>,
    state: DossierState,
    ctx: Context,
    correcting: bool,
    reason: Option<String>,
    held: Vec<Held>,
    release: Vec<i64>,
    take: Vec<i64>,
}

/// A dossier as the validation locks it, with what it belongs to.
#[derive(Debug, sqlx::FromRow)]
struct Locked {
    #[sqlx(flatten)]
    state: DossierState,
    #[sqlx(flatten)]
    ctx: Context,
}

/// A child's enrolment the validation finds (any school year).
#[derive(Debug, Clone, sqlx::FromRow)]
struct Held {
    id: i64,
    student_id: i64,
    school_year_id: i64,
    course_id: i64,
    slot_id: Option<i64>,
    status: String,
}

impl Database {
    /// Validates (or, with a reason, corrects) one dossier: see
    /// [`Database::validate_reinscriptions`].
    pub async fn validate_reinscription(
        &self,
        v: &Validation,
        actor: &Actor,
    ) -> Result<Validated, StoreError> {
        let mut done = self
            .validate_reinscriptions(std::slice::from_ref(v), actor)
            .await?;
        done.pop().ok_or(StoreError::NotFound)
    }

    /// Validates (or, with a reason, corrects) the dossiers of a family's
    /// children, in one transaction: see the module. `Conflict` when a
    /// dossier changed since its `expected_version`; `SlotFull` when a
    /// chosen slot has no seat left; `Invalid` for a course or slot that is
    /// not next year's offer of the student's site. Any refusal writes
    /// nothing for any child.
    #[tracing::instrument(skip(self, validations, actor), fields(dossiers = validations.len()), err)]
    pub async fn validate_reinscriptions(
        &self,
        validations: &[Validation],
        actor: &Actor,
    ) -> Result<Vec<Validated>, StoreError> {
        if validations.is_empty() {
            return Ok(Vec::new());
        }
        // Dossiers are locked in id order: two families' validations never
        // wait on each other crosswise.
        let mut order: Vec<&Validation> = validations.iter().collect();
        order.sort_by_key(|v| v.dossier_id);
        if order.windows(2).any(|w| w[0].dossier_id == w[1].dossier_id) {
            return Err(invalid("Un même dossier est validé deux fois."));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            // 1. The dossiers, locked in id order, with what they belong to:
            // one statement for the family.
            let mut qb = QueryBuilder::new(SELECT_LOCKED);
            push_ids(&mut qb, order.iter().map(|v| v.dossier_id));
            qb.push(" ORDER BY r.id");
            if is_postgres(pool) {
                qb.push(" FOR UPDATE OF r");
            }
            let locked: Vec<Locked> = qb.build_query_as().fetch_all(&mut *tx).await?;
            if locked.len() != order.len() {
                return Err(StoreError::NotFound);
            }

            // 2. What the family's dossiers ask, checked against next
            // year's offer: the courses and slots of the whole family read
            // in one statement each.
            let mut results: Vec<Validated> = Vec::new();
            let mut asked: Vec<(&Validation, Locked)> = Vec::new();
            for (v, l) in order.iter().zip(locked) {
                // A retry of the validation already written: its result, again.
                if l.state.validation_request == Some(v.request_id) {
                    results.push(Validated {
                        dossier_id: l.state.id,
                        acknowledgement_number: l.state.acknowledgement_number.clone().unwrap_or_default(),
                        acknowledgement_version: l.state.acknowledgement_version,
                        version: l.state.version,
                        released: Vec::new(),
                        taken: Vec::new(),
                        replayed: true,
                    });
                    continue;
                }
                asked.push((v, l));
            }
            let course_ids: BTreeSet<i64> = asked
                .iter()
                .flat_map(|(v, _)| v.courses.iter().map(|c| c.course_id))
                .collect();
            let slot_ids: BTreeSet<i64> = asked
                .iter()
                .flat_map(|(v, _)| v.courses.iter().filter_map(|c| c.slot_id))
                .collect();
            let mut courses: HashMap<i64, (i16, i64, String, String)> = HashMap::new();
            if !course_ids.is_empty() {
                let mut qb = QueryBuilder::new(
                    "SELECT id, site_id, school_year_id, seat_mode, name FROM courses WHERE id IN (",
                );
                push_ids(&mut qb, course_ids.iter().copied());
                let rows: Vec<(i64, i16, i64, String, String)> =
                    qb.build_query_as().fetch_all(&mut *tx).await?;
                courses.extend(rows.into_iter().map(|(id, site, year, mode, name)| (id, (site, year, mode, name))));
            }
            let mut slot_course: HashMap<i64, i64> = HashMap::new();
            let mut closed: BTreeSet<i64> = BTreeSet::new();
            if !slot_ids.is_empty() {
                let mut qb = QueryBuilder::new("SELECT id, course_id, open FROM slots WHERE id IN (");
                push_ids(&mut qb, slot_ids.iter().copied());
                let rows: Vec<(i64, i64, bool)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                closed.extend(rows.iter().filter(|r| !r.2).map(|r| r.0));
                slot_course.extend(rows.into_iter().map(|(id, course, _)| (id, course)));
            }
            // Next year's enrolments the children hold now: what changes.
            let mut held_all: Vec<Held> = Vec::new();
            if !asked.is_empty() {
                let mut qb = QueryBuilder::new(
                    "SELECT id, student_id, school_year_id, course_id, slot_id, status FROM enrolments \
                     WHERE student_id IN (",
                );
                push_ids(&mut qb, asked.iter().map(|(_, l)| l.state.student_id));
                qb.push(" ORDER BY id");
                held_all = qb.build_query_as().fetch_all(&mut *tx).await?;
            }

            let mut plans: Vec<Planned> = Vec::new();
            // Enrolments no longer chosen; enrolments (re)activated on a slot.
            let mut cancelled: Vec<i64> = Vec::new();
            let mut activated: Vec<(i64, Option<i64>)> = Vec::new();
            let mut new_enrolments: Vec<(i64, i64, Option<i64>, i64)> = Vec::new();
            for (v, l) in asked {
                let Locked { state, ctx } = l;
                if state.version != v.expected_version {
                    return Err(StoreError::Conflict);
                }
                let correcting = state.status == "validated";
                let reason = v.correction_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
                if correcting && reason.is_none() {
                    return Err(invalid("Indiquez le motif de la correction du dossier déjà validé."));
                }
                if reason.is_some_and(|r| r.chars().count() > 500) {
                    return Err(invalid("Le motif de correction dépasse 500 caractères."));
                }
                if state.status == "cancelled" {
                    return Err(invalid("Ce dossier est annulé : il ne peut plus être validé."));
                }
                if v.additional_info.as_ref().is_some_and(|t| t.chars().count() > 2000) {
                    return Err(invalid("L'information complémentaire dépasse 2000 caractères."));
                }
                // The chosen courses: next year's, on the student's site; a
                // slot for a course given by slot, of that course; none
                // otherwise.
                let mut chosen: BTreeMap<i64, &ChosenCourse> = BTreeMap::new();
                for c in &v.courses {
                    if chosen.insert(c.course_id, c).is_some() {
                        return Err(invalid("Un même cours est choisi deux fois."));
                    }
                    if c.level.as_ref().is_some_and(|l| l.trim().is_empty() || l.chars().count() > 40) {
                        return Err(invalid("Niveau de cours invalide."));
                    }
                    let Some((site, year, seat_mode, name)) = courses.get(&c.course_id) else {
                        return Err(invalid("Un cours choisi n'existe plus : rechargez le dossier."));
                    };
                    if *site != ctx.site_id || *year != ctx.school_year_id {
                        return Err(invalid(format!(
                            "Le cours « {name} » n'est pas un cours de l'an prochain du site de l'élève."
                        )));
                    }
                    match (seat_mode.as_str(), c.slot_id) {
                        ("slot", None) => {
                            return Err(invalid(format!("Choisissez un créneau pour « {name} ».")));
                        }
                        ("slot", Some(slot)) => {
                            if slot_course.get(&slot) != Some(&c.course_id) {
                                return Err(invalid(format!("Ce créneau n'est pas un créneau de « {name} ».")));
                            }
                        }
                        (_, Some(_)) => {
                            return Err(invalid(format!(
                                "« {name} » ne se choisit pas par créneau (horaire fixé avec le professeur ou selon le niveau)."
                            )));
                        }
                        (_, None) => {}
                    }
                }
                let held: Vec<Held> = held_all
                    .iter()
                    .filter(|h| h.student_id == state.student_id && h.school_year_id == ctx.school_year_id)
                    .cloned()
                    .collect();
                let mut release: Vec<i64> = Vec::new();
                let mut take: Vec<i64> = Vec::new();
                for h in &held {
                    let active = h.status == "active";
                    match chosen.get(&h.course_id) {
                        None if active => {
                            cancelled.push(h.id);
                            release.extend(h.slot_id);
                        }
                        Some(c) if !active || c.slot_id != h.slot_id => {
                            activated.push((h.id, c.slot_id));
                            if active {
                                release.extend(h.slot_id);
                            }
                            take.extend(c.slot_id);
                        }
                        _ => {}
                    }
                }
                for c in chosen.values() {
                    if !held.iter().any(|h| h.course_id == c.course_id) {
                        new_enrolments.push((state.student_id, c.course_id, c.slot_id, ctx.school_year_id));
                        take.extend(c.slot_id);
                    }
                }
                // A closed slot keeps its pupils but takes no one new.
                if let Some(slot) = take.iter().find(|s| closed.contains(s)) {
                    let name = slot_course
                        .get(slot)
                        .and_then(|c| courses.get(c))
                        .map(|c| c.3.clone())
                        .unwrap_or_default();
                    return Err(invalid(format!(
                        "Le créneau choisi pour « {name} » est fermé : choisissez-en un autre."
                    )));
                }
                plans.push(Planned {
                    validation: v,
                    chosen: chosen.into_values().cloned().collect(),
                    state,
                    ctx,
                    correcting,
                    reason: reason.map(str::to_owned),
                    held,
                    release,
                    take,
                });
            }

            // 3. Next year's enrolments and the dossiers' courses.
            if !cancelled.is_empty() {
                let mut qb = QueryBuilder::new("UPDATE enrolments SET status = 'cancelled' WHERE id IN (");
                push_ids(&mut qb, cancelled.iter().copied());
                qb.build().execute(&mut *tx).await?;
            }
            for (id, slot) in &activated {
                sqlx::query("UPDATE enrolments SET status = 'active', slot_id = $1 WHERE id = $2")
                    .bind(slot)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            if !new_enrolments.is_empty() {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO enrolments (student_id, course_id, slot_id, school_year_id, status, outcome, created_at) ",
                );
                qb.push_values(&new_enrolments, |mut b, (student, course, slot, year)| {
                    b.push_bind(*student)
                        .push_bind(*course)
                        .push_bind(*slot)
                        .push_bind(*year)
                        .push_bind("active")
                        .push_bind("en_cours")
                        .push_bind(at);
                });
                qb.build().execute(&mut *tx).await?;
            }
            if !plans.is_empty() {
                let mut qb = QueryBuilder::new(
                    "DELETE FROM reinscription_courses WHERE reinscription_id IN (",
                );
                push_ids(&mut qb, plans.iter().map(|p| p.state.id));
                qb.build().execute(&mut *tx).await?;
            }
            let course_rows: Vec<(i64, &ChosenCourse)> = plans
                .iter()
                .flat_map(|p| p.chosen.iter().map(move |c| (p.state.id, c)))
                .collect();
            if !course_rows.is_empty() {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO reinscription_courses (reinscription_id, course_id, slot_id, level, level_changed) ",
                );
                qb.push_values(&course_rows, |mut b, (dossier, c)| {
                    b.push_bind(*dossier)
                        .push_bind(c.course_id)
                        .push_bind(c.slot_id)
                        .push_bind(c.level.as_deref().map(str::trim).map(str::to_owned))
                        .push_bind(c.level_changed);
                });
                qb.build().execute(&mut *tx).await?;
            }

            // 4. The dossiers, their acknowledgement (a number at the first
            // validation, kept by corrections; a new version each time),
            // the outbox message and the audit entry.
            let mut messages: Vec<(i64, String, String)> = Vec::new();
            for plan in &plans {
                let v = plan.validation;
                let number = match &plan.state.acknowledgement_number {
                    Some(n) => n.clone(),
                    None => {
                        let n: i32 = sqlx::query_scalar(next_acknowledgement_sql(pool))
                            .bind(plan.ctx.start_year)
                            .fetch_one(&mut *tx)
                            .await?;
                        portee_domain::reinscription::acknowledgement_number(plan.ctx.start_year, n.max(1) as u32)
                            .map_err(|e| invalid(e.message()))?
                    }
                };
                let ack_version = plan.state.acknowledgement_version + 1;
                let updated = sqlx::query(
                    "UPDATE reinscriptions SET intent = 'reinscrire', no_reason = NULL, status = 'validated', \
                     image_rights = $1, may_leave_alone = $2, additional_info = $3, accepted_at = $4, \
                     validated_by_kind = 'staff', validated_by_staff_id = $5, validation_channel = $6, \
                     acknowledgement_number = $7, acknowledgement_version = $8, correction_reason = $9, \
                     validated_at = $4, validation_request = $10, version = version + 1, updated_at = $4 \
                     WHERE id = $11 AND version = $12",
                )
                .bind(v.image_rights)
                .bind(v.may_leave_alone)
                .bind(v.additional_info.as_deref().map(str::trim).filter(|t| !t.is_empty()))
                .bind(at)
                .bind(actor.staff_id)
                .bind(v.channel.code())
                .bind(&number)
                .bind(ack_version)
                .bind(plan.reason.as_deref())
                .bind(v.request_id)
                .bind(v.dossier_id)
                .bind(v.expected_version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                StoreError::expect_one_row(updated)?;
                if let Some(to) = v.recipient.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                    messages.push((
                        v.dossier_id,
                        to.to_owned(),
                        serde_json::json!({
                            "acknowledgement_number": number, "version": ack_version,
                        })
                        .to_string(),
                    ));
                }
                append_audit!(&mut *tx, actor, at, AuditEntry {
                    action: if plan.correcting { "reinscription.correct" } else { "reinscription.validate" },
                    entity_type: "reinscription",
                    entity_id: v.dossier_id.to_string(),
                    before: to_json(&serde_json::json!({
                        "status": plan.state.status, "intent": plan.state.intent,
                        "image_rights": plan.state.image_rights,
                        "may_leave_alone": plan.state.may_leave_alone,
                        "courses": plan.held.iter().filter(|h| h.status == "active")
                            .map(|h| serde_json::json!({"course_id": h.course_id, "slot_id": h.slot_id}))
                            .collect::<Vec<_>>(),
                    })),
                    after: to_json(&serde_json::json!({
                        "status": "validated", "intent": "reinscrire", "acknowledgement_number": number,
                        "acknowledgement_version": ack_version, "channel": v.channel.code(),
                        "correction_reason": plan.reason, "courses": v.courses,
                        "image_rights": v.image_rights, "may_leave_alone": v.may_leave_alone,
                        "seats_released": plan.release, "seats_taken": plan.take,
                    })),
                    student_id: Some(plan.state.student_id),
                    ..Default::default()
                })?;
                results.push(Validated {
                    dossier_id: v.dossier_id,
                    acknowledgement_number: number,
                    acknowledgement_version: ack_version,
                    version: plan.state.version + 1,
                    released: plan.release.clone(),
                    taken: plan.take.clone(),
                    replayed: false,
                });
            }
            if !messages.is_empty() {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO outbox (kind, reinscription_id, recipient, payload, status, attempts, created_at) ",
                );
                qb.push_values(&messages, |mut b, (dossier, to, payload)| {
                    b.push_bind("acknowledgement")
                        .push_bind(*dossier)
                        .push_bind(to.as_str())
                        .push_bind(payload.as_str())
                        .push_bind("pending")
                        .push_bind(0i32)
                        .push_bind(at);
                });
                qb.build().execute(&mut *tx).await?;
            }
            // The family's draft has served.
            let drafts: BTreeSet<(i64, i64)> =
                plans.iter().map(|p| (p.state.campaign_id, p.ctx.family_id)).collect();
            for (campaign, family) in drafts {
                sqlx::query("DELETE FROM reinscription_drafts WHERE campaign_id = $1 AND family_id = $2")
                    .bind(campaign)
                    .bind(family)
                    .execute(&mut *tx)
                    .await?;
            }

            // 5. Seats, last: the slot rows are the locks every concurrent
            // validation of a slot waits on, held from here to the commit
            // only. Every slot this validation touches, once, in slot id
            // order, its releases and takes netted (two validations never
            // wait on each other's slots crosswise: releases sorted apart
            // from takes could deadlock two families swapping slots).
            let mut delta: BTreeMap<i64, i32> = BTreeMap::new();
            for plan in &plans {
                for slot in &plan.release {
                    *delta.entry(*slot).or_default() -= 1;
                }
                for slot in &plan.take {
                    *delta.entry(*slot).or_default() += 1;
                }
            }
            for (slot, change) in &delta {
                match change.cmp(&0) {
                    std::cmp::Ordering::Less => {
                        sqlx::query(
                            "UPDATE slots SET seats_taken = CASE WHEN seats_taken + $1 < 0 THEN 0 \
                             ELSE seats_taken + $1 END, version = version + 1 WHERE id = $2",
                        )
                        .bind(change)
                        .bind(slot)
                        .execute(&mut *tx)
                        .await?;
                    }
                    std::cmp::Ordering::Greater => {
                        let updated = sqlx::query(
                            "UPDATE slots SET seats_taken = seats_taken + $1, version = version + 1 \
                             WHERE id = $2 AND seats_taken + $1 <= capacity",
                        )
                        .bind(change)
                        .bind(slot)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if updated == 0 {
                            tx.rollback().await?;
                            return Err(StoreError::SlotFull { slot_id: *slot });
                        }
                    }
                    std::cmp::Ordering::Equal => {}
                }
            }
            tx.commit().await?;
            // In the caller's order.
            Ok(validations
                .iter()
                .filter_map(|v| results.iter().find(|r| r.dossier_id == v.dossier_id).cloned())
                .collect())
        })
    }

    /// Records that a child does not re-enrol, with the reason (a code of
    /// the list and a free text): next year's enrolments are cancelled and
    /// their seats freed, in the same transaction.
    #[tracing::instrument(skip(self, reason_text, actor), err)]
    pub async fn decline_reinscription(
        &self,
        dossier_id: i64,
        expected_version: i32,
        reason_code: &str,
        reason_text: Option<&str>,
        actor: &Actor,
    ) -> Result<DeclineOutcome, StoreError> {
        let (reason, text) =
            portee_domain::reinscription::parse_no_reason(reason_code, reason_text.unwrap_or(""))
                .map_err(|e| invalid(e.message()))?;
        let stored_reason = portee_domain::reinscription::stored_no_reason(reason, text.as_deref());
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let state: DossierState = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_STATE}{}", for_update(pool))))
                .bind(dossier_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            if state.version != expected_version {
                return Err(StoreError::Conflict);
            }
            let year: i64 = sqlx::query_scalar("SELECT school_year_id FROM campaigns WHERE id = $1")
                .bind(state.campaign_id)
                .fetch_one(&mut *tx)
                .await?;
            let held: Vec<(i64, Option<i64>)> = sqlx::query_as(
                "SELECT id, slot_id FROM enrolments WHERE student_id = $1 AND school_year_id = $2 \
                 AND status = 'active' ORDER BY id",
            )
            .bind(state.student_id)
            .bind(year)
            .fetch_all(&mut *tx)
            .await?;
            let at = now();
            for (id, _) in &held {
                sqlx::query("UPDATE enrolments SET status = 'cancelled' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM reinscription_courses WHERE reinscription_id = $1")
                .bind(dossier_id)
                .execute(&mut *tx)
                .await?;
            let mut released: Vec<i64> = held.iter().filter_map(|h| h.1).collect();
            released.sort_unstable();
            for slot in &released {
                sqlx::query("UPDATE slots SET seats_taken = seats_taken - 1, version = version + 1 \
                             WHERE id = $1 AND seats_taken > 0")
                    .bind(slot)
                    .execute(&mut *tx)
                    .await?;
            }
            let updated = sqlx::query(
                "UPDATE reinscriptions SET intent = 'ne_pas_reinscrire', no_reason = $1, status = 'validated', \
                 validated_by_kind = 'staff', validated_by_staff_id = $2, validated_at = $3, \
                 version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5",
            )
            .bind(&stored_reason)
            .bind(actor.staff_id)
            .bind(at)
            .bind(dossier_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            StoreError::expect_one_row(updated)?;
            sqlx::query(DELETE_DRAFT)
                .bind(state.campaign_id)
                .bind(state.student_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "reinscription.decline",
                entity_type: "reinscription",
                entity_id: dossier_id.to_string(),
                before: to_json(&serde_json::json!({"status": state.status, "intent": state.intent})),
                after: to_json(&serde_json::json!({
                    "intent": "ne_pas_reinscrire", "reason": reason.code(), "text": text,
                    "seats_released": released,
                })),
                student_id: Some(state.student_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(DeclineOutcome { version: state.version + 1, released, updated_at: at })
        })
    }
}

/// A recorded non-réinscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclineOutcome {
    pub version: i32,
    /// Slots whose seat was freed.
    pub released: Vec<i64>,
    pub updated_at: DateTime<Utc>,
}

/// The campaign a réinscription belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub label: String,
    pub school_year_id: i64,
    pub school_year_label: String,
    pub start_year: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub documents_deadline: chrono::NaiveDate,
    pub status: String,
}

/// A child's dossier of the campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChildDossier {
    pub id: i64,
    pub status: String,
    pub intent: Option<String>,
    pub no_reason: Option<String>,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
    pub additional_info: Option<String>,
    pub acknowledgement_number: Option<String>,
    pub acknowledgement_version: i32,
    pub validation_channel: Option<String>,
    pub validated_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// A course with what the réinscription shows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OfferedCourse {
    pub id: i64,
    pub site_id: i16,
    pub school_year_id: i64,
    pub discipline_id: i64,
    pub discipline_kind: String,
    pub name: String,
    pub level: Option<String>,
    pub cycle: Option<i16>,
    pub seat_mode: String,
}

/// This year's course of a child, with its outcome and slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CurrentCourse {
    pub course_id: i64,
    pub outcome: Option<String>,
    pub day_of_week: Option<i16>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub teacher: Option<String>,
    /// School years followed in this discipline and cycle, this one
    /// included (0 for a course not taught by cycle).
    pub years_in_cycle: i64,
}

/// A child of the family on a site the member covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Child {
    pub student_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: chrono::NaiveDate,
    pub site_id: i16,
    pub cham: bool,
    pub dossier: Option<ChildDossier>,
    pub current: Vec<CurrentCourse>,
    /// Next year's courses held now (course, slot).
    pub held: Vec<(i64, Option<i64>)>,
}

/// Everything the réinscription of a family shows, read at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyReinscription {
    pub family_id: i64,
    pub family_number: String,
    pub hosted: bool,
    pub campaign: CampaignRow,
    /// The first guardian's e-mail (the acknowledgement's recipient).
    pub recipient: Option<String>,
    pub children: Vec<Child>,
    /// Children on sites the member does not cover (not shown).
    pub hidden_children: usize,
    /// This year's and next year's courses of the children's sites.
    pub courses: Vec<OfferedCourse>,
    /// Next year's slots of those courses: (slot, course, day, start, end,
    /// teacher, room, capacity, seats taken).
    pub slots: Vec<crate::SlotRow>,
    /// The family's documents of the campaign: (type, status), the latest
    /// of each type first.
    pub documents: Vec<(String, String)>,
    /// The draft saved when a step was last left, if any.
    pub draft: Option<crate::DraftRow>,
}

type ChildTuple = (i64, String, String, chrono::NaiveDate, i16, bool);

impl Database {
    /// The before and after of the correction that made version
    /// `acknowledgement_version` of dossier `dossier_id`'s accusé de
    /// réception, as its audit entry recorded them (`None`: no such
    /// correction, e.g. version 1).
    pub async fn dossier_correction(
        &self,
        dossier_id: i64,
        acknowledgement_version: i32,
    ) -> Result<Option<(String, String)>, StoreError> {
        on_pool!(self, pool => {
            let entries: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT before_json, after_json FROM audit_log \
                 WHERE entity_type = 'reinscription' AND entity_id = $1 \
                 AND action = 'reinscription.correct' ORDER BY id DESC LIMIT 20",
            )
            .bind(dossier_id.to_string())
            .fetch_all(pool)
            .await?;
            Ok(entries.into_iter().find_map(|(before, after)| {
                let (before, after) = (before?, after?);
                let version = serde_json::from_str::<serde_json::Value>(&after)
                    .ok()?
                    .get("acknowledgement_version")?
                    .as_i64()?;
                (version == i64::from(acknowledgement_version)).then_some((before, after))
            }))
        })
    }

    /// The réinscription of the family of `student_id` for the open
    /// campaign (else the latest), limited to the children on `sites`
    /// (`None`: every site).
    pub async fn family_reinscription(
        &self,
        student_id: i64,
        sites: Option<&[i16]>,
    ) -> Result<FamilyReinscription, StoreError> {
        on_pool!(self, pool => {
            let (family_id, family_number, hosted): (i64, String, bool) = sqlx::query_as(
                "SELECT f.id, f.family_number, f.hosted FROM students s JOIN families f ON f.id = s.family_id \
                 WHERE s.id = $1",
            )
            .bind(student_id)
            .fetch_one(pool)
            .await?;
            let campaign: CampaignRow = sqlx::query_as(
                "SELECT c.id, c.label, c.school_year_id, y.label AS school_year_label, y.start_year, \
                 c.opens_at, c.closes_at, c.documents_deadline, c.status \
                 FROM campaigns c JOIN school_years y ON y.id = c.school_year_id \
                 ORDER BY (c.status = 'open') DESC, c.opens_at DESC LIMIT 1",
            )
            .fetch_one(pool)
            .await?;
            let recipient: Option<String> = sqlx::query_scalar(
                "SELECT email FROM guardians WHERE family_id = $1 AND email IS NOT NULL ORDER BY rank LIMIT 1",
            )
            .bind(family_id)
            .fetch_optional(pool)
            .await?
            .flatten();
            let all: Vec<ChildTuple> = sqlx::query_as(
                "SELECT id, last_name, first_name, birth_date, site_id, cham FROM students \
                 WHERE family_id = $1 ORDER BY birth_date, id",
            )
            .bind(family_id)
            .fetch_all(pool)
            .await?;
            let visible = |site: i16| sites.is_none_or(|s| s.contains(&site));
            let hidden_children = all.iter().filter(|c| !visible(c.4)).count();
            let mut children = Vec::new();
            for (id, last_name, first_name, birth_date, site_id, cham) in all.into_iter().filter(|c| visible(c.4)) {
                let dossier: Option<ChildDossier> = sqlx::query_as(
                    "SELECT id, status, intent, no_reason, image_rights, may_leave_alone, additional_info, \
                     acknowledgement_number, acknowledgement_version, validation_channel, validated_at, version \
                     FROM reinscriptions WHERE student_id = $1 AND campaign_id = $2",
                )
                .bind(id)
                .bind(campaign.id)
                .fetch_optional(pool)
                .await?;
                let current: Vec<CurrentCourse> = sqlx::query_as(
                    "SELECT e.course_id, e.outcome, sl.day_of_week, sl.starts_at, sl.ends_at, sl.teacher, \
                     (SELECT COUNT(DISTINCT e2.school_year_id) FROM enrolments e2 \
                      JOIN courses c2 ON c2.id = e2.course_id JOIN school_years y2 ON y2.id = e2.school_year_id \
                      WHERE e2.student_id = e.student_id AND e2.status = 'active' AND c2.discipline_id = c.discipline_id \
                      AND c2.cycle = c.cycle AND y2.start_year <= y.start_year) AS years_in_cycle \
                     FROM enrolments e JOIN school_years y ON y.id = e.school_year_id \
                     JOIN courses c ON c.id = e.course_id \
                     LEFT JOIN slots sl ON sl.id = e.slot_id \
                     WHERE e.student_id = $1 AND e.status = 'active' AND y.start_year = $2 ORDER BY e.course_id",
                )
                .bind(id)
                .bind(campaign.start_year - 1)
                .fetch_all(pool)
                .await?;
                let held: Vec<(i64, Option<i64>)> = sqlx::query_as(
                    "SELECT course_id, slot_id FROM enrolments WHERE student_id = $1 AND school_year_id = $2 \
                     AND status = 'active' ORDER BY course_id",
                )
                .bind(id)
                .bind(campaign.school_year_id)
                .fetch_all(pool)
                .await?;
                children.push(Child { student_id: id, last_name, first_name, birth_date, site_id, cham, dossier, current, held });
            }
            let mut site_ids: Vec<i16> = children.iter().map(|c| c.site_id).collect();
            site_ids.sort_unstable();
            site_ids.dedup();
            let mut courses = Vec::new();
            let mut slots = Vec::new();
            for site in site_ids {
                let mut c: Vec<OfferedCourse> = sqlx::query_as(
                    "SELECT co.id, co.site_id, co.school_year_id, co.discipline_id, d.kind AS discipline_kind, \
                     co.name, co.level, co.cycle, co.seat_mode FROM courses co JOIN disciplines d ON d.id = co.discipline_id \
                     JOIN school_years y ON y.id = co.school_year_id \
                     WHERE co.site_id = $1 AND y.start_year IN ($2, $3) ORDER BY co.name, co.id",
                )
                .bind(site)
                .bind(campaign.start_year - 1)
                .bind(campaign.start_year)
                .fetch_all(pool)
                .await?;
                let mut s: Vec<crate::SlotRow> = sqlx::query_as(
                    "SELECT sl.id, sl.course_id, sl.day_of_week, sl.starts_at, sl.ends_at, sl.teacher, sl.room, \
                     sl.capacity, sl.seats_taken, sl.version, sl.open FROM slots sl JOIN courses co ON co.id = sl.course_id \
                     WHERE co.site_id = $1 AND co.school_year_id = $2 ORDER BY sl.day_of_week, sl.starts_at, sl.id",
                )
                .bind(site)
                .bind(campaign.school_year_id)
                .fetch_all(pool)
                .await?;
                courses.append(&mut c);
                slots.append(&mut s);
            }
            let documents: Vec<(String, String)> = sqlx::query_as(
                "SELECT doc_type, status FROM documents WHERE family_id = $1 AND campaign_id = $2 \
                 ORDER BY doc_type, id DESC",
            )
            .bind(family_id)
            .bind(campaign.id)
            .fetch_all(pool)
            .await?;
            let draft = sqlx::query_as::<_, crate::DraftRow>(crate::drafts::select_draft(pool))
                .bind(family_id)
                .bind(campaign.id)
                .fetch_optional(pool)
                .await?;
            Ok(FamilyReinscription {
                draft,
                documents,
                family_id,
                family_number,
                hosted,
                campaign,
                recipient,
                children,
                hidden_children,
                courses,
                slots,
            })
        })
    }
}
