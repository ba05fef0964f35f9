//! Retention: the documents whose content the rule
//! (`portee_domain::retention`) removes now, and their purge — the content
//! set to NULL with `purged_at`, the facts kept, one `document.purge` audit
//! entry per document in the same transaction, by batches so that a purge
//! of a whole campaign neither holds one long transaction nor loses its
//! work when the database goes away midway (what was committed stays
//! purged; running it again finishes the rest).

use chrono::{DateTime, Utc};
use portee_domain::retention::{HeldDocument, RetentionRules, purge_reason};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, to_json},
    pool::{WritePool, for_update, on_pool},
};

/// How many documents one transaction purges.
pub const PURGE_BATCH: usize = 500;

/// A document whose content goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeCandidate {
    pub id: i64,
    pub family_id: i64,
    pub doc_type: String,
    pub status: String,
    pub size_bytes: i64,
    /// Why, in French.
    pub reason: String,
}

type HeldRow = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

impl Database {
    /// Every document the rule removes at `now` (content still held,
    /// reviewed), by id.
    pub async fn purge_candidates(
        &self,
        rules: &RetentionRules,
        now: DateTime<Utc>,
    ) -> Result<Vec<PurgeCandidate>, StoreError> {
        // A wide SQL filter, then the domain's rule decides each row.
        let sql = "SELECT d.id, d.family_id, d.doc_type, d.status, d.size_bytes, d.reviewed_at, c.closes_at \
                   FROM documents d JOIN campaigns c ON c.id = d.campaign_id \
                   WHERE d.content IS NOT NULL AND d.status IN ('accepted', 'rejected') \
                   AND (c.closes_at <= $1 OR (d.doc_type IN ('avis_imposition', 'attestation_caf') \
                        AND d.status = 'accepted' AND d.reviewed_at <= $2)) \
                   ORDER BY d.id";
        let rows: Vec<HeldRow> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(rules.campaign_cutoff(now))
                .bind(rules.tax_cutoff(now))
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(
                |(id, family_id, doc_type, status, size, reviewed_at, closes_at)| {
                    let reason = purge_reason(
                        rules,
                        &HeldDocument {
                            doc_type: &doc_type,
                            status: &status,
                            reviewed_at,
                            campaign_closes_at: closes_at,
                        },
                        now,
                    )?;
                    Some(PurgeCandidate {
                        id,
                        family_id,
                        doc_type,
                        status,
                        size_bytes: size.unwrap_or(0),
                        reason,
                    })
                },
            )
            .collect())
    }

    /// Removes the content of `candidates` (from [`Self::purge_candidates`]),
    /// [`PURGE_BATCH`] per transaction; `progress` is told after each batch
    /// how many are done. A document changed meanwhile (replaced, back to
    /// review) is left as it is. Returns how many were purged.
    pub async fn purge_documents(
        &self,
        candidates: &[PurgeCandidate],
        now: DateTime<Utc>,
        actor: &Actor,
        mut progress: impl FnMut(usize),
    ) -> Result<usize, StoreError> {
        let mut purged = 0;
        for batch in candidates.chunks(PURGE_BATCH) {
            purged += on_pool!(self, pool => {
                let mut tx = pool.begin_write().await?;
                let mut done = 0;
                for c in batch {
                    let still: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT id FROM documents WHERE id = $1 AND content IS NOT NULL \
                         AND status IN ('accepted', 'rejected'){}",
                        for_update(pool)
                    )))
                    .bind(c.id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if still.is_none() {
                        continue;
                    }
                    sqlx::query(
                        "UPDATE documents SET content = NULL, purged_at = $2, reviewing_staff_id = NULL, \
                         reviewing_since = NULL WHERE id = $1",
                    )
                    .bind(c.id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    append_audit!(&mut *tx, actor, now, AuditEntry {
                        action: "document.purge",
                        entity_type: "document",
                        entity_id: c.id.to_string(),
                        before: None,
                        after: to_json(&serde_json::json!({
                            "doc_type": c.doc_type, "reason": c.reason, "size_bytes": c.size_bytes,
                        })),
                        family_id: Some(c.family_id),
                        ..Default::default()
                    })?;
                    done += 1;
                }
                tx.commit().await?;
                done
            });
            progress(purged);
        }
        Ok(purged)
    }
}
