//! Documents a family provides, attached by staff on its behalf: the file
//! (already checked by the PDF check) fills the family's « missing »
//! placeholder of that type for the campaign when there is one, else a new
//! row; either way the document waits for review (`received`), and the
//! audit entry (`document.upload`) is appended in the same transaction.

use chrono::NaiveDate;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, for_update, on_pool},
};

/// A checked file to keep.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub family_id: i64,
    pub campaign_id: i64,
    /// `documents.doc_type` (`portee_domain::reinscription::DocumentKind`).
    pub doc_type: &'a str,
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub sha256: &'a str,
    pub page_count: i32,
    /// The date the document bears, when its type must be recent.
    pub document_date: Option<NaiveDate>,
}

impl Database {
    /// Keeps a document for review; returns its id.
    #[tracing::instrument(skip(self, doc, actor), fields(family_id = doc.family_id), err)]
    pub async fn attach_document(
        &self,
        doc: &NewDocument<'_>,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        if doc.content.is_empty() || doc.file_name.is_empty() || doc.file_name.chars().count() > 200
        {
            return Err(StoreError::Invalid {
                message: "Document invalide : fichier vide ou nom de fichier trop long.".into(),
            });
        }
        let size = i64::try_from(doc.content.len()).unwrap_or(i64::MAX);
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let placeholder: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM documents WHERE family_id = $1 AND campaign_id = $2 AND doc_type = $3 \
                 AND status = 'missing' ORDER BY id LIMIT 1{}",
                for_update(pool)
            )))
            .bind(doc.family_id)
            .bind(doc.campaign_id)
            .bind(doc.doc_type)
            .fetch_optional(&mut *tx)
            .await?;
            let id: i64 = match placeholder {
                Some(id) => {
                    let updated = sqlx::query(
                        "UPDATE documents SET status = 'received', file_name = $2, content = $3, sha256 = $4, \
                         size_bytes = $5, page_count = $6, document_date = $7, uploaded_by_kind = 'staff', \
                         uploaded_by_staff_id = $8, uploaded_at = $9, rejection_reason = NULL, \
                         reviewed_by_staff_id = NULL, reviewed_at = NULL, version = version + 1 \
                         WHERE id = $1 AND status = 'missing'",
                    )
                    .bind(id)
                    .bind(doc.file_name)
                    .bind(doc.content)
                    .bind(doc.sha256)
                    .bind(size)
                    .bind(doc.page_count)
                    .bind(doc.document_date)
                    .bind(actor.staff_id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    StoreError::expect_one_row(updated)?;
                    id
                }
                None => sqlx::query_scalar(
                    "INSERT INTO documents (family_id, campaign_id, doc_type, status, file_name, content, \
                     sha256, size_bytes, page_count, document_date, uploaded_by_kind, uploaded_by_staff_id, \
                     uploaded_at, version) \
                     VALUES ($1, $2, $3, 'received', $4, $5, $6, $7, $8, $9, 'staff', $10, $11, 1) RETURNING id",
                )
                .bind(doc.family_id)
                .bind(doc.campaign_id)
                .bind(doc.doc_type)
                .bind(doc.file_name)
                .bind(doc.content)
                .bind(doc.sha256)
                .bind(size)
                .bind(doc.page_count)
                .bind(doc.document_date)
                .bind(actor.staff_id)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?,
            };
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "document.upload",
                entity_type: "document",
                entity_id: id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({
                    "doc_type": doc.doc_type, "file_name": doc.file_name,
                    "status": "received",
                })),
                family_id: Some(doc.family_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(id)
        })
    }
}

/// The file that replaces a document (already checked by the PDF check).
#[derive(Debug, Clone)]
pub struct ReplacementFile<'a> {
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub sha256: &'a str,
    pub page_count: i32,
}

/// The reason recorded on a document awaiting review that staff replaced.
pub const REPLACED_REASON: &str = "Remplacé par un nouveau document";

impl Database {
    /// Replaces document `old_id` (at `expected_version`) by a new file on
    /// the family's behalf: the new document waits for review; the old one
    /// stays in the history, marked replaced (and, if it was awaiting
    /// review, closed as « remplacé »), until retention removes it. One
    /// transaction with its audit entry (`document.replace`). The old one
    /// changed meanwhile: `Ok(Err(conflict))`, nothing written.
    #[tracing::instrument(skip(self, file, actor), err)]
    pub async fn replace_document(
        &self,
        old_id: i64,
        expected_version: i32,
        file: &ReplacementFile<'_>,
        actor: &Actor,
    ) -> Result<Result<i64, crate::ReviewConflict>, StoreError> {
        let me = actor.staff_id.ok_or(StoreError::Forbidden)?;
        if file.content.is_empty()
            || file.file_name.is_empty()
            || file.file_name.chars().count() > 200
        {
            return Err(StoreError::Invalid {
                message: "Document invalide : fichier vide ou nom de fichier trop long.".into(),
            });
        }
        let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let old: Option<(i64, i64, String, String, i32, Option<i64>)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT family_id, campaign_id, doc_type, status, version, replaced_by \
                     FROM documents WHERE id = $1{}",
                    for_update(pool)
                )))
                .bind(old_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((family_id, campaign_id, doc_type, status, version, replaced)) = old else {
                return Err(StoreError::NotFound);
            };
            if let Some(new) = replaced {
                return Ok(Err(crate::ReviewConflict {
                    message: format!(
                        "Ce document a déjà été remplacé (nouveau document n° {new}) : rien n'a été changé."
                    ),
                }));
            }
            if version != expected_version {
                return Ok(Err(crate::ReviewConflict {
                    message: "Ce document a changé entre-temps (décidé ou remplacé) : \
                              rouvrez-le avant de le remplacer. Rien n'a été changé."
                        .into(),
                }));
            }
            let new_id: i64 = sqlx::query_scalar(
                "INSERT INTO documents (family_id, campaign_id, doc_type, status, file_name, content, \
                 sha256, size_bytes, page_count, uploaded_by_kind, uploaded_by_staff_id, uploaded_at, version) \
                 VALUES ($1, $2, $3, 'received', $4, $5, $6, $7, $8, 'staff', $9, $10, 1) RETURNING id",
            )
            .bind(family_id)
            .bind(campaign_id)
            .bind(&doc_type)
            .bind(file.file_name)
            .bind(file.content)
            .bind(file.sha256)
            .bind(size)
            .bind(file.page_count)
            .bind(me)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            // Awaiting review: closed as « remplacé ». Accepted or refused:
            // its decision (and the facts it recorded) stays.
            let updated = sqlx::query(
                "UPDATE documents SET replaced_by = $3, replaced_at = $4, \
                 status = CASE WHEN $5 THEN 'rejected' ELSE status END, \
                 rejection_reason = CASE WHEN $5 THEN $6 ELSE rejection_reason END, \
                 reviewed_by_staff_id = CASE WHEN $5 THEN $7 ELSE reviewed_by_staff_id END, \
                 reviewed_at = CASE WHEN $5 THEN $4 ELSE reviewed_at END, \
                 reviewing_staff_id = NULL, reviewing_since = NULL, version = version + 1 \
                 WHERE id = $1 AND version = $2 AND replaced_by IS NULL",
            )
            .bind(old_id)
            .bind(expected_version)
            .bind(new_id)
            .bind(at)
            .bind(status == "received")
            .bind(REPLACED_REASON)
            .bind(me)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            StoreError::expect_one_row(updated)?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "document.replace",
                entity_type: "document",
                entity_id: old_id.to_string(),
                before: to_json(&serde_json::json!({ "status": status })),
                after: to_json(&serde_json::json!({
                    "replaced_by": new_id, "doc_type": doc_type, "file_name": file.file_name,
                })),
                family_id: Some(family_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(Ok(new_id))
        })
    }
}
