//! The documents' review queue: what awaits review on a member's sites
//! (oldest upload first, filtered, counted by status), opening a document
//! for review (which marks it « en cours d'examen » for the others and is
//! audited), and the decision — accepted with the facts read off the
//! document, or refused with its reason — written once: a decision on a
//! document someone else decided meanwhile is refused with who decided
//! what (`ReviewConflict`), nothing is decided twice.
//!
//! On PostgreSQL the row is read `FOR UPDATE` before the decision and the
//! versioned UPDATE must match exactly one row; on SQLite `begin_write`
//! serialises writers. Row-level security (migration 0007) keeps the
//! documents of other sites out of every query here.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use portee_domain::review::Decision;
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, for_update, is_postgres, on_pool},
};

/// Reads one document as the review screen shows it, on `$conn` (a
/// transaction or a connection of `$pool`).
macro_rules! read_review {
    ($conn:expr, $pool:expr, $id:expr) => {{
        let doc: Option<ReviewDocument> =
            sqlx::query_as(sqlx::AssertSqlSafe(review_sql(is_postgres($pool))))
                .bind($id)
                .fetch_optional($conn)
                .await?;
        doc.ok_or(StoreError::NotFound)?
    }};
}

/// A document's family, status, who has it open since when, and type.
type ClaimRow = (
    i64,
    String,
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// How long an opened document stays « en cours d'examen » for the others
/// without a decision (a reviewer gone home leaves no lock behind).
pub const REVIEW_CLAIM_MINUTES: i64 = 15;

/// What the queue is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// `documents.status`; None: every status.
    pub status: Option<String>,
    pub site: Option<i16>,
    pub doc_type: Option<String>,
    pub campaign_id: Option<i64>,
    /// Uploaded on or after this day, and on or before that one.
    pub uploaded_from: Option<NaiveDate>,
    pub uploaded_to: Option<NaiveDate>,
}

/// One document's line.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct QueueRow {
    pub id: i64,
    pub family_id: i64,
    pub family_number: String,
    /// The first guardian's last name.
    pub family_name: Option<String>,
    /// The family's children's first names, « Léa, Tom ».
    pub children: Option<String>,
    pub campaign_label: String,
    pub doc_type: String,
    pub status: String,
    pub uploaded_at: Option<DateTime<Utc>>,
    /// `family` (extranet) or `staff`.
    pub uploaded_by_kind: Option<String>,
    /// The staff member who attached it, for `staff`.
    pub uploaded_by: Option<String>,
    /// Who has it open for review, and since when (a claim older than
    /// [`REVIEW_CLAIM_MINUTES`] is left out).
    pub reviewing_by: Option<String>,
    pub reviewing_staff_id: Option<i64>,
    pub version: i32,
}

/// The queue and its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Queue {
    /// Per status, over the filter without its status.
    pub counts: Vec<(String, i64)>,
    /// At most `limit` rows, oldest upload first.
    pub rows: Vec<QueueRow>,
    pub total: i64,
}

/// A document as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ReviewDocument {
    pub id: i64,
    pub family_id: i64,
    pub family_number: String,
    pub family_name: Option<String>,
    pub children: Option<String>,
    pub campaign_label: String,
    pub documents_deadline: NaiveDate,
    pub doc_type: String,
    pub status: String,
    pub file_name: Option<String>,
    pub size_bytes: Option<i64>,
    pub page_count: Option<i32>,
    pub document_date: Option<NaiveDate>,
    pub uploaded_at: Option<DateTime<Utc>>,
    pub uploaded_by_kind: Option<String>,
    pub uploaded_by: Option<String>,
    pub reviewing_staff_id: Option<i64>,
    pub reviewing_by: Option<String>,
    pub reviewing_since: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub rejection_note: Option<String>,
    pub review_note: Option<String>,
    pub quotient_familial: Option<i32>,
    pub revenu_fiscal: Option<i64>,
    pub tax_parts: Option<f64>,
    pub has_content: bool,
    /// The document that replaced this one (staff attached a new file).
    pub replaced_by: Option<i64>,
    pub version: i32,
}

/// Why a decision was not recorded: the document was decided meanwhile
/// (by whom, what, when), or changed (replaced) since it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewConflict {
    pub message: String,
}

fn family_name_sql() -> &'static str {
    "(SELECT g.last_name FROM guardians g WHERE g.family_id = d.family_id ORDER BY g.rank LIMIT 1)"
}

fn children_sql(postgres: bool) -> &'static str {
    if postgres {
        "(SELECT string_agg(s.first_name, ', ' ORDER BY s.first_name) FROM students s \
         WHERE s.family_id = d.family_id)"
    } else {
        "(SELECT group_concat(first_name, ', ') FROM (SELECT s.first_name FROM students s \
         WHERE s.family_id = d.family_id ORDER BY s.first_name))"
    }
}

/// The start of a day, and the start of the next one, in UTC.
fn day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (start, start + Duration::days(1))
}

const REVIEW_COLUMNS: &str = "d.id, d.family_id, f.family_number, c.label AS campaign_label, \
     c.documents_deadline, d.doc_type, d.status, d.file_name, d.size_bytes, d.page_count, \
     d.document_date, d.uploaded_at, d.uploaded_by_kind, up.display_name AS uploaded_by, \
     d.reviewing_staff_id, rv.display_name AS reviewing_by, d.reviewing_since, \
     rb.display_name AS reviewed_by, d.reviewed_at, d.rejection_reason, d.rejection_note, \
     d.review_note, d.quotient_familial, d.revenu_fiscal, d.tax_parts, \
     d.content IS NOT NULL AS has_content, d.replaced_by, d.version";

/// Where staff names are read: on PostgreSQL a member reads only their
/// own `staff` row, and the directory function (migration 0007) gives
/// every colleague's name.
fn staff_names(postgres: bool) -> &'static str {
    if postgres {
        "portee_staff_directory()"
    } else {
        "staff"
    }
}

fn review_from(postgres: bool) -> String {
    let staff = staff_names(postgres);
    format!(
        "FROM documents d JOIN families f ON f.id = d.family_id \
         JOIN campaigns c ON c.id = d.campaign_id \
         LEFT JOIN {staff} up ON up.id = d.uploaded_by_staff_id \
         LEFT JOIN {staff} rv ON rv.id = d.reviewing_staff_id \
         LEFT JOIN {staff} rb ON rb.id = d.reviewed_by_staff_id"
    )
}

impl Database {
    /// The documents of `sites` (`None`: every site) matching `filter`.
    #[tracing::instrument(skip(self, sites), err)]
    pub async fn document_queue(
        &self,
        sites: Option<&[i16]>,
        filter: &QueueFilter,
        limit: u32,
    ) -> Result<Queue, StoreError> {
        // Only placeholders vary with the input: site ids are numbers
        // formatted here, never text.
        // A replaced document is history, not work.
        let mut wh = String::from("d.replaced_by IS NULL");
        // A family of the sites: one set of families read once (SQLite
        // would otherwise walk a site's students for every document).
        let on_site = |list: &str| {
            format!(
                " AND d.family_id IN (SELECT s.family_id FROM students s WHERE s.site_id IN ({list}))"
            )
        };
        if let Some(sites) = sites {
            let list: Vec<String> = sites.iter().map(i16::to_string).collect();
            if list.is_empty() {
                wh.push_str(" AND 1 = 0");
            } else {
                wh.push_str(&on_site(&list.join(", ")));
            }
        }
        if let Some(site) = filter.site {
            wh.push_str(&on_site(&site.to_string()));
        }
        wh.push_str(" AND ($1 = '' OR d.doc_type = $1) AND ($2 < 0 OR d.campaign_id = $2)");
        wh.push_str(
            " AND ($3 IS NULL OR d.uploaded_at >= $3) AND ($4 IS NULL OR d.uploaded_at < $4)",
        );
        let from = filter.uploaded_from.map(|d| day_bounds(d).0);
        let to = filter.uploaded_to.map(|d| day_bounds(d).1);
        let doc_type = filter.doc_type.clone().unwrap_or_default();
        let campaign = filter.campaign_id.unwrap_or(-1);
        let status = filter.status.clone().unwrap_or_default();
        let stale = now() - Duration::minutes(REVIEW_CLAIM_MINUTES);
        on_pool!(self, pool => {
            let counts_sql = format!(
                "SELECT d.status, COUNT(*) FROM documents d WHERE {wh} GROUP BY d.status ORDER BY d.status"
            );
            let rows_sql = format!(
                "SELECT d.id, d.family_id, f.family_number, {} AS family_name, {} AS children, \
                 c.label AS campaign_label, d.doc_type, d.status, d.uploaded_at, d.uploaded_by_kind, \
                 up.display_name AS uploaded_by, \
                 CASE WHEN d.reviewing_since > $6 THEN rv.display_name END AS reviewing_by, \
                 CASE WHEN d.reviewing_since > $6 THEN d.reviewing_staff_id END AS reviewing_staff_id, \
                 d.version \
                 {} \
                 WHERE {wh} AND ($5 = '' OR d.status = $5) \
                 ORDER BY d.uploaded_at IS NULL, d.uploaded_at, d.id LIMIT $7",
                family_name_sql(),
                children_sql(is_postgres(pool)),
                review_from(is_postgres(pool)),
            );
            let counts: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(counts_sql))
                .bind(&doc_type)
                .bind(campaign)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?;
            let rows: Vec<QueueRow> = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
                .bind(&doc_type)
                .bind(campaign)
                .bind(from)
                .bind(to)
                .bind(&status)
                .bind(stale)
                .bind(i64::from(limit.clamp(1, 10_000)))
                .fetch_all(pool)
                .await?;
            let total = counts
                .iter()
                .filter(|c| status.is_empty() || c.0 == status)
                .map(|c| c.1)
                .sum();
            Ok(Queue { counts, rows, total })
        })
    }

    /// Opens a document for review: marks it as being reviewed by the
    /// actor (unless someone else opened it less than
    /// [`REVIEW_CLAIM_MINUTES`] ago; then `reviewing_by` says who) and
    /// appends the `document.open` audit entry, in one transaction.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn open_for_review(
        &self,
        document_id: i64,
        actor: &Actor,
    ) -> Result<ReviewDocument, StoreError> {
        let me = actor.staff_id.ok_or(StoreError::Forbidden)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let head: Option<ClaimRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT family_id, status, reviewing_staff_id, reviewing_since, doc_type \
                     FROM documents WHERE id = $1{}",
                    for_update(pool)
                )))
                .bind(document_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((family_id, status, by, since, doc_type)) = head else {
                return Err(StoreError::NotFound);
            };
            let free = by.is_none_or(|b| b == me)
                || since.is_none_or(|s| s <= at - Duration::minutes(REVIEW_CLAIM_MINUTES));
            if status == "received" && free {
                let claimed = sqlx::query(
                    "UPDATE documents SET reviewing_staff_id = $2, reviewing_since = $3 WHERE id = $1",
                )
                .bind(document_id)
                .bind(me)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                StoreError::expect_one_row(claimed)?;
            }
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "document.open",
                entity_type: "document",
                entity_id: document_id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({ "doc_type": doc_type })),
                family_id: Some(family_id),
                ..Default::default()
            })?;
            let doc = read_review!(&mut *tx, pool, document_id);
            tx.commit().await?;
            Ok(doc)
        })
    }

    /// The document as the review screen shows it, without opening it.
    pub async fn review_document(&self, document_id: i64) -> Result<ReviewDocument, StoreError> {
        on_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            Ok(read_review!(&mut *conn, pool, document_id))
        })
    }

    /// Gives back a document opened for review without a decision.
    pub async fn release_review(&self, document_id: i64, actor: &Actor) -> Result<(), StoreError> {
        let me = actor.staff_id.ok_or(StoreError::Forbidden)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "UPDATE documents SET reviewing_staff_id = NULL, reviewing_since = NULL \
                 WHERE id = $1 AND reviewing_staff_id = $2",
            )
            .bind(document_id)
            .bind(me)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The content of a document, for drawing its pages (the opening was
    /// audited by [`Database::open_for_review`]). `NotFound` when it has
    /// none (missing, or removed by retention).
    pub async fn document_content(&self, document_id: i64) -> Result<Vec<u8>, StoreError> {
        on_pool!(self, pool => {
            let content: Option<Option<Vec<u8>>> =
                sqlx::query_scalar("SELECT content FROM documents WHERE id = $1")
                    .bind(document_id)
                    .fetch_optional(pool)
                    .await?;
            content.flatten().ok_or(StoreError::NotFound)
        })
    }

    /// Records a decision on a document still awaiting review at
    /// `expected_version`, with its audit entry (`document.accept` or
    /// `document.reject`, before and after), in one transaction. A
    /// document decided or replaced meanwhile gives `Ok(Err(conflict))`
    /// saying who decided what; nothing is written then.
    #[tracing::instrument(skip(self, decision, actor), err)]
    pub async fn decide_document(
        &self,
        document_id: i64,
        expected_version: i32,
        decision: &Decision,
        actor: &Actor,
    ) -> Result<Result<ReviewDocument, ReviewConflict>, StoreError> {
        let me = actor.staff_id.ok_or(StoreError::Forbidden)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let locked: Option<(i32,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT version FROM documents WHERE id = $1{}",
                for_update(pool)
            )))
            .bind(document_id)
            .fetch_optional(&mut *tx)
            .await?;
            if locked.is_none() {
                return Err(StoreError::NotFound);
            }
            let before = read_review!(&mut *tx, pool, document_id);
            if before.status != "received" || before.version != expected_version {
                return Ok(Err(conflict(&before)));
            }
            let (status, reason, note, date, qf, rfr, parts, review_note) = match decision {
                Decision::Accept { document_date, quotient_familial, revenu_fiscal, tax_parts, review_note } => (
                    "accepted", None, None, *document_date, *quotient_familial, *revenu_fiscal, *tax_parts,
                    review_note.clone(),
                ),
                Decision::Refuse { reason, note_for_family, document_date, review_note } => (
                    "rejected", Some(reason.label()), note_for_family.clone(), *document_date,
                    None, None, None, review_note.clone(),
                ),
            };
            let updated = sqlx::query(
                "UPDATE documents SET status = $3, rejection_reason = $4, rejection_note = $5, \
                 document_date = COALESCE($6, document_date), quotient_familial = $7, revenu_fiscal = $8, \
                 tax_parts = $9, review_note = $10, reviewed_by_staff_id = $11, reviewed_at = $12, \
                 reviewing_staff_id = NULL, reviewing_since = NULL, version = version + 1 \
                 WHERE id = $1 AND version = $2 AND status = 'received'",
            )
            .bind(document_id)
            .bind(expected_version)
            .bind(status)
            .bind(reason)
            .bind(&note)
            .bind(date)
            .bind(qf)
            .bind(rfr)
            .bind(parts)
            .bind(&review_note)
            .bind(me)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            StoreError::expect_one_row(updated)?;
            let accepted = status == "accepted";
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: if accepted { "document.accept" } else { "document.reject" },
                entity_type: "document",
                entity_id: document_id.to_string(),
                before: to_json(&serde_json::json!({ "status": before.status })),
                after: to_json(&serde_json::json!({
                    "status": status, "rejection_reason": reason, "rejection_note": note,
                    "document_date": date, "quotient_familial": qf, "revenu_fiscal": rfr,
                    "tax_parts": parts, "review_note": review_note,
                })),
                family_id: Some(before.family_id),
                ..Default::default()
            })?;
            let after = read_review!(&mut *tx, pool, document_id);
            tx.commit().await?;
            Ok(Ok(after))
        })
    }
}

/// Who decided what, in French, for a decision refused.
fn conflict(doc: &ReviewDocument) -> ReviewConflict {
    let who = doc.reviewed_by.as_deref().unwrap_or("quelqu'un d'autre");
    let when = doc
        .reviewed_at
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format(" le %d/%m/%Y à %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    if let Some(new) = doc.replaced_by {
        return ReviewConflict {
            message: format!(
                "Ce document a été remplacé entre-temps (nouveau document n° {new}) : \
                 rien n'a été changé."
            ),
        };
    }
    let message = match doc.status.as_str() {
        "accepted" => {
            format!("Ce document a déjà été accepté par {who}{when} : rien n'a été changé.")
        }
        "rejected" => format!(
            "Ce document a déjà été refusé par {who}{when} ({}) : rien n'a été changé.",
            doc.rejection_reason
                .as_deref()
                .unwrap_or("motif non précisé")
        ),
        "missing" => "Ce document n'est plus là (remplacé ou retiré) : rien n'a été changé.".into(),
        _ => "Ce document a été remplacé entre-temps : rouvrez-le pour voir la nouvelle version. \
              Rien n'a été changé."
            .into(),
    };
    ReviewConflict { message }
}

/// The review screen's SQL for one document (`$1`).
fn review_sql(postgres: bool) -> String {
    format!(
        "SELECT {REVIEW_COLUMNS}, {} AS family_name, {} AS children {} WHERE d.id = $1",
        family_name_sql(),
        children_sql(postgres),
        review_from(postgres),
    )
}
