//! Who still owes what: the « pièces manquantes » of a site's families for
//! a campaign (every family with a child re-enrolling on the site whose
//! compulsory documents are not all accepted — the rule is the domain's,
//! `portee_domain::chase`), and the reminders sent to them: one e-mail per
//! family queued in the outbox, recorded on the family
//! (`document_reminders`) and audited, in one transaction. A second
//! reminder within the campaign's `reminder_days` is sent only once
//! confirmed; the check runs with the families' rows locked (PostgreSQL),
//! so two workstations reminding a family at once cannot both skip it.
//!
//! On PostgreSQL row-level security keeps other sites' families out; the
//! children's birth dates the rule needs (those on other sites too) come
//! from `portee_families_birth_dates` (migration 0018), dates only.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use portee_domain::{
    Site,
    chase::{CurrentDocument, Owed, owed, reminder_mail, second_reminder_within},
    reinscription::{DocumentFacts, required_documents},
};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, is_postgres, on_pool},
};

/// At most this many families reminded in one call (a whole site's list).
pub const MAX_DOCUMENT_REMINDERS: usize = 2_000;

/// A family of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingRow {
    pub family_id: i64,
    pub family_number: String,
    /// The first guardian's last name.
    pub family_name: Option<String>,
    /// The first names of the family's children on the site.
    pub children: Vec<String>,
    /// The first guardian's e-mail with one.
    pub email: Option<String>,
    pub owed: Vec<Owed>,
    /// The reminders sent for this campaign: how many, the last one when.
    pub reminders: u32,
    pub last_reminder: Option<DateTime<Utc>>,
    /// A child of the family on the site (the outbox message belongs to
    /// it, and follows its site's policy).
    student_id: i64,
}

/// The list of a site and campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingList {
    pub campaign_label: String,
    pub documents_deadline: NaiveDate,
    /// Days within which a new reminder needs confirmation.
    pub reminder_days: i32,
    /// Families owing something, by family number.
    pub rows: Vec<MissingRow>,
    /// Families of the site re-enrolling a child, complete or not.
    pub families: usize,
}

/// What sending reminders did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReminderOutcome {
    /// Reminded: (family id, family number).
    pub sent: Vec<(i64, String)>,
    /// No guardian e-mail: to remind by phone or letter.
    pub without_email: Vec<(i64, String)>,
    /// Nothing to ask: complete, awaiting review, or not on the list.
    pub nothing_to_ask: Vec<i64>,
    /// Reminded less than the campaign's delay ago: (id, number, when).
    /// Not empty only when the call was not confirmed; then nothing was
    /// sent at all.
    pub needs_confirmation: Vec<(i64, String, DateTime<Utc>)>,
}

type FamilyHead = (i64, String, bool, Option<String>, Option<String>, i64);
type DocHead = (i64, String, String, Option<String>, Option<String>);

/// The families of the site re-enrolling a child in the campaign (`$1`
/// site, `$2` campaign), with one of those children.
const SCOPE: &str = "SELECT s.family_id, MIN(s.id) AS student_id FROM students s \
     JOIN reinscriptions r ON r.student_id = s.id \
     WHERE s.site_id = $1 AND r.campaign_id = $2 AND r.intent = 'reinscrire' \
     AND r.status <> 'cancelled'";

fn scope_sql(families: Option<&[i64]>) -> String {
    // Only numbers are formatted into the statement.
    let only = families
        .map(|ids| {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            format!(" AND s.family_id IN ({})", list.join(", "))
        })
        .unwrap_or_default();
    format!("{SCOPE}{only} GROUP BY s.family_id")
}

/// Reads the list's raw facts on `$conn` and evaluates to
/// `Result<(Vec<MissingRow>, usize), StoreError>` (rows owing something,
/// families in scope). The scope (a join under row-level security) is
/// evaluated once; the other statements take its families as a list of
/// numbers.
macro_rules! load_missing {
    ($conn:expr, $pool:expr, $site:expr, $campaign:expr, $opens_on:expr, $families:expr) => {{
        let (site, campaign, opens_on): (i16, i64, NaiveDate) = ($site, $campaign, $opens_on);
        let scope = scope_sql($families);
        let conn = &mut *$conn;
        async move {
            let scoped: Vec<(i64, String, bool, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT f.id, f.family_number, f.hosted, x.student_id \
                 FROM ({scope}) x JOIN families f ON f.id = x.family_id ORDER BY f.family_number"
            )))
            .bind(site)
            .bind(campaign)
            .fetch_all(&mut *conn)
            .await?;
            if scoped.is_empty() {
                return Ok::<_, StoreError>((Vec::new(), 0));
            }
            // Only numbers are formatted into the statements.
            let ids = scoped.iter().map(|f| f.0.to_string()).collect::<Vec<_>>().join(", ");
            let guardians: Vec<(i64, String, Option<String>)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT family_id, last_name, email FROM guardians WHERE family_id IN ({ids}) \
                     ORDER BY family_id, rank"
                )))
                .fetch_all(&mut *conn)
                .await?;
            let births_sql = if is_postgres($pool) {
                format!(
                    "SELECT family_id, birth_date FROM portee_families_birth_dates(ARRAY[{ids}]::BIGINT[])"
                )
            } else {
                format!("SELECT family_id, birth_date FROM students WHERE family_id IN ({ids})")
            };
            let births: Vec<(i64, NaiveDate)> = sqlx::query_as(sqlx::AssertSqlSafe(births_sql))
                .fetch_all(&mut *conn)
                .await?;
            let names: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT family_id, first_name FROM students WHERE site_id = $1 \
                 AND family_id IN ({ids}) ORDER BY birth_date, id"
            )))
            .bind(site)
            .fetch_all(&mut *conn)
            .await?;
            let docs: Vec<DocHead> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT family_id, doc_type, status, rejection_reason, rejection_note \
                 FROM documents WHERE campaign_id = $1 AND replaced_by IS NULL \
                 AND family_id IN ({ids}) ORDER BY id"
            )))
            .bind(campaign)
            .fetch_all(&mut *conn)
            .await?;
            let sent: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT family_id, sent_at FROM document_reminders WHERE campaign_id = $1 \
                 AND family_id IN ({ids}) ORDER BY sent_at"
            )))
            .bind(campaign)
            .fetch_all(&mut *conn)
            .await?;
            let heads = heads(scoped, guardians);
            Ok::<_, StoreError>(assemble(heads, births, names, docs, sent, opens_on))
        }
        .await
    }};
}

/// Each family with its first guardian's name and first e-mail.
fn heads(
    scoped: Vec<(i64, String, bool, i64)>,
    guardians: Vec<(i64, String, Option<String>)>,
) -> Vec<FamilyHead> {
    let mut of: HashMap<i64, (Option<String>, Option<String>)> = HashMap::new();
    for (family, name, email) in guardians {
        let e = of.entry(family).or_default();
        if e.0.is_none() {
            e.0 = Some(name);
        }
        if e.1.is_none() {
            e.1 = email.filter(|m| !m.trim().is_empty());
        }
    }
    scoped
        .into_iter()
        .map(|(id, number, hosted, student)| {
            let (name, email) = of.remove(&id).unwrap_or_default();
            (id, number, hosted, name, email, student)
        })
        .collect()
}

/// How a status weighs when a family holds several documents of a type
/// (an upload after a refusal): the best one counts.
fn status_rank(status: &str) -> u8 {
    match status {
        "accepted" => 3,
        "received" => 2,
        "rejected" => 1,
        _ => 0,
    }
}

fn assemble(
    heads: Vec<FamilyHead>,
    births: Vec<(i64, NaiveDate)>,
    names: Vec<(i64, String)>,
    docs: Vec<DocHead>,
    sent: Vec<(i64, DateTime<Utc>)>,
    opens_on: NaiveDate,
) -> (Vec<MissingRow>, usize) {
    let mut birth_of: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for (family, date) in births {
        birth_of.entry(family).or_default().push(date);
    }
    let mut names_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (family, name) in names {
        names_of.entry(family).or_default().push(name);
    }
    // The best document of each type, the newest among equals.
    let mut docs_of: HashMap<i64, Vec<DocHead>> = HashMap::new();
    for doc in docs {
        let list = docs_of.entry(doc.0).or_default();
        match list.iter_mut().find(|d| d.1 == doc.1) {
            Some(held) if status_rank(&held.2) > status_rank(&doc.2) => {}
            Some(held) => *held = doc,
            None => list.push(doc),
        }
    }
    let mut sent_of: HashMap<i64, (u32, DateTime<Utc>)> = HashMap::new();
    for (family, at) in sent {
        let e = sent_of.entry(family).or_insert((0, at));
        e.0 += 1;
        e.1 = e.1.max(at);
    }
    let families = heads.len();
    let rows = heads
        .into_iter()
        .filter_map(|(id, number, hosted, name, email, student_id)| {
            let requirements = required_documents(&DocumentFacts {
                hosted,
                children_birth_dates: birth_of.remove(&id).unwrap_or_default(),
                campaign_opens_on: opens_on,
            });
            let held = docs_of.remove(&id).unwrap_or_default();
            let current: Vec<CurrentDocument<'_>> = held
                .iter()
                .map(|d| CurrentDocument {
                    doc_type: &d.1,
                    status: &d.2,
                    rejection_reason: d.3.as_deref(),
                    rejection_note: d.4.as_deref(),
                })
                .collect();
            let owed = owed(&requirements, &current);
            if owed.is_empty() {
                return None;
            }
            let reminded = sent_of.get(&id).copied();
            Some(MissingRow {
                family_id: id,
                family_number: number,
                family_name: name,
                children: names_of.remove(&id).unwrap_or_default(),
                email,
                owed,
                reminders: reminded.map_or(0, |r| r.0),
                last_reminder: reminded.map(|r| r.1),
                student_id,
            })
        })
        .collect();
    (rows, families)
}

/// A campaign's label, documents deadline, reminder delay and opening.
type CampaignHead = (String, NaiveDate, i32, DateTime<Utc>);

const CAMPAIGN_SQL: &str =
    "SELECT label, documents_deadline, reminder_days, opens_at FROM campaigns WHERE id = $1";

fn opening_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono::Local).date_naive()
}

impl Database {
    /// The families of `site` that still owe documents for `campaign_id`.
    #[tracing::instrument(skip(self), err)]
    pub async fn missing_documents(
        &self,
        site: i16,
        campaign_id: i64,
    ) -> Result<MissingList, StoreError> {
        on_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            let head: Option<CampaignHead> = sqlx::query_as(CAMPAIGN_SQL)
                .bind(campaign_id)
                .fetch_optional(&mut *conn)
                .await?;
            let (label, deadline, reminder_days, opens_at) = head.ok_or(StoreError::NotFound)?;
            let (rows, families) =
                load_missing!(&mut *conn, pool, site, campaign_id, opening_day(opens_at), None)?;
            Ok(MissingList {
                campaign_label: label,
                documents_deadline: deadline,
                reminder_days,
                rows,
                families,
            })
        })
    }

    /// Sends a reminder to each of `family_ids` that owes documents of
    /// `site` for `campaign_id`: its e-mail queued in the outbox, the
    /// reminder recorded on the family and audited, all in one transaction.
    /// A family reminded less than the campaign's delay ago is reminded
    /// again only when `confirmed`; otherwise nothing at all is sent and
    /// the outcome lists those families.
    #[tracing::instrument(skip(self, family_ids, actor), fields(families = family_ids.len()), err)]
    pub async fn send_document_reminders(
        &self,
        site: i16,
        campaign_id: i64,
        family_ids: &[i64],
        confirmed: bool,
        actor: &Actor,
    ) -> Result<ReminderOutcome, StoreError> {
        let me = actor.staff_id.ok_or(StoreError::Forbidden)?;
        let mut families: Vec<i64> = family_ids.to_vec();
        families.sort_unstable();
        families.dedup();
        if families.is_empty() || families.len() > MAX_DOCUMENT_REMINDERS {
            return Err(StoreError::Invalid {
                message: format!("Choisissez de 1 à {MAX_DOCUMENT_REMINDERS} familles à relancer."),
            });
        }
        let site_name = Site::from_id(site).ok_or(StoreError::NotFound)?.name();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            if is_postgres(pool) {
                // The families locked, in one order, while their reminders
                // are read: a concurrent reminder waits, then sees this one.
                let list: Vec<String> = families.iter().map(i64::to_string).collect();
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT id FROM families WHERE id IN ({}) ORDER BY id FOR UPDATE",
                    list.join(", ")
                )))
                .execute(&mut *tx)
                .await?;
            }
            let head: Option<CampaignHead> = sqlx::query_as(CAMPAIGN_SQL)
                .bind(campaign_id)
                .fetch_optional(&mut *tx)
                .await?;
            let (_, deadline, reminder_days, opens_at) = head.ok_or(StoreError::NotFound)?;
            let (rows, _) = load_missing!(
                &mut *tx, pool, site, campaign_id, opening_day(opens_at), Some(families.as_slice())
            )?;
            let mut out = ReminderOutcome {
                nothing_to_ask: families
                    .iter()
                    .copied()
                    .filter(|f| !rows.iter().any(|r| r.family_id == *f))
                    .collect(),
                ..ReminderOutcome::default()
            };
            if !confirmed {
                out.needs_confirmation = rows
                    .iter()
                    .filter_map(|r| {
                        second_reminder_within(r.last_reminder, at, reminder_days)
                            .map(|last| (r.family_id, r.family_number.clone(), last))
                    })
                    .collect();
                if !out.needs_confirmation.is_empty() {
                    out.nothing_to_ask.clear();
                    return Ok(out);
                }
            }
            for row in &rows {
                let Some(mail) = reminder_mail(&row.family_number, site_name, &row.owed, deadline)
                else {
                    out.nothing_to_ask.push(row.family_id);
                    continue;
                };
                let Some(to) = &row.email else {
                    out.without_email.push((row.family_id, row.family_number.clone()));
                    continue;
                };
                let payload = serde_json::json!({
                    "subject": mail.subject, "body": mail.body,
                    "family_number": row.family_number, "campaign_id": campaign_id,
                });
                let outbox_id: i64 = sqlx::query_scalar(
                    "INSERT INTO outbox (kind, student_id, recipient, payload, status, attempts, created_at) \
                     VALUES ('documents_reminder', $1, $2, $3, 'pending', 0, $4) RETURNING id",
                )
                .bind(row.student_id)
                .bind(to)
                .bind(payload.to_string())
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                let asked = mail.asked.join("\n");
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO document_reminders (family_id, campaign_id, site_id, asked, recipient, \
                     outbox_id, sent_by_staff_id, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(row.family_id)
                .bind(campaign_id)
                .bind(site)
                .bind(&asked)
                .bind(to)
                .bind(outbox_id)
                .bind(me)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                append_audit!(&mut *tx, actor, at, AuditEntry {
                    action: "document.reminder",
                    entity_type: "document_reminder",
                    entity_id: id.to_string(),
                    before: None,
                    after: to_json(&serde_json::json!({
                        "asked": mail.asked, "recipient": to, "site_id": site,
                        "campaign_id": campaign_id,
                    })),
                    family_id: Some(row.family_id),
                    ..Default::default()
                })?;
                out.sent.push((row.family_id, row.family_number.clone()));
            }
            tx.commit().await?;
            Ok(out)
        })
    }
}
