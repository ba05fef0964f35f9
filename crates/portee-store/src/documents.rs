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
