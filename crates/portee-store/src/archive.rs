//! What Portée holds about one family, for a right-of-access request
//! (RGPD art. 15): the family and its guardians, its children (those the
//! reader's connection may see: on PostgreSQL row-level security applies),
//! their dossiers, the documents' facts (the content is read one document
//! at a time by `document_content`), and the reminders sent. The history
//! comes from the audit log (`audit_entries`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{Database, FamilyRow, GuardianRow, StoreError, pool::on_pool};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ArchiveStudent {
    pub id: i64,
    pub site_id: i16,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub school_level: Option<String>,
    pub school_name: Option<String>,
    pub nationality: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ArchiveDossier {
    pub id: i64,
    pub student_id: i64,
    pub campaign: String,
    pub status: String,
    pub intent: Option<String>,
    pub no_reason: Option<String>,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
    pub acknowledgement_number: Option<String>,
    pub validation_channel: Option<String>,
    pub validated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ArchiveDocument {
    pub id: i64,
    pub campaign: String,
    pub doc_type: String,
    pub status: String,
    pub file_name: Option<String>,
    pub size_bytes: Option<i64>,
    pub page_count: Option<i32>,
    pub document_date: Option<NaiveDate>,
    pub uploaded_by_kind: Option<String>,
    pub uploaded_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub rejection_note: Option<String>,
    pub quotient_familial: Option<i32>,
    pub revenu_fiscal: Option<i64>,
    pub tax_parts: Option<f64>,
    pub replaced_by: Option<i64>,
    pub purged_at: Option<DateTime<Utc>>,
    /// The PDF is still held (not missing, not removed by retention).
    pub has_content: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ArchiveReminder {
    pub sent_at: DateTime<Utc>,
    pub campaign: String,
    pub recipient: String,
    pub asked: String,
}

/// Everything but the documents' content and the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyArchive {
    pub family: FamilyRow,
    pub guardians: Vec<GuardianRow>,
    pub students: Vec<ArchiveStudent>,
    pub dossiers: Vec<ArchiveDossier>,
    pub documents: Vec<ArchiveDocument>,
    pub reminders: Vec<ArchiveReminder>,
}

impl Database {
    /// The facts Portée holds about family `family_id`, its children and
    /// their dossiers limited to `visible_sites` (`None`: every site; on
    /// PostgreSQL row-level security applies as well).
    #[tracing::instrument(skip(self), err)]
    pub async fn family_archive(
        &self,
        family_id: i64,
        visible_sites: Option<&[i16]>,
    ) -> Result<FamilyArchive, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let family: FamilyRow = sqlx::query_as(
                "SELECT id, family_number, address_line, address_extra, postcode, town, hosted, \
                 version, updated_at FROM families WHERE id = $1",
            )
            .bind(family_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let guardians: Vec<GuardianRow> = sqlx::query_as(
                "SELECT id, rank, last_name, first_name, relationship, phone_mobile, phone_home, \
                 phone_work, email, version FROM guardians WHERE family_id = $1 ORDER BY rank",
            )
            .bind(family_id)
            .fetch_all(&mut *tx)
            .await?;
            let students: Vec<ArchiveStudent> = sqlx::query_as(
                "SELECT id, site_id, last_name, first_name, birth_date, sex, school_level, school_name, \
                 nationality FROM students WHERE family_id = $1 ORDER BY birth_date, id",
            )
            .bind(family_id)
            .fetch_all(&mut *tx)
            .await?;
            let dossiers: Vec<ArchiveDossier> = sqlx::query_as(
                "SELECT r.id, r.student_id, c.label AS campaign, r.status, r.intent, r.no_reason, \
                 r.image_rights, r.may_leave_alone, r.acknowledgement_number, r.validation_channel, \
                 r.validated_at FROM reinscriptions r JOIN students s ON s.id = r.student_id \
                 JOIN campaigns c ON c.id = r.campaign_id WHERE s.family_id = $1 ORDER BY r.id",
            )
            .bind(family_id)
            .fetch_all(&mut *tx)
            .await?;
            let documents: Vec<ArchiveDocument> = sqlx::query_as(
                "SELECT d.id, c.label AS campaign, d.doc_type, d.status, d.file_name, d.size_bytes, \
                 d.page_count, d.document_date, d.uploaded_by_kind, d.uploaded_at, d.reviewed_at, \
                 d.rejection_reason, d.rejection_note, d.quotient_familial, d.revenu_fiscal, \
                 d.tax_parts, d.replaced_by, d.purged_at, d.content IS NOT NULL AS has_content \
                 FROM documents d JOIN campaigns c ON c.id = d.campaign_id \
                 WHERE d.family_id = $1 ORDER BY d.id",
            )
            .bind(family_id)
            .fetch_all(&mut *tx)
            .await?;
            let reminders: Vec<ArchiveReminder> = sqlx::query_as(
                "SELECT m.sent_at, c.label AS campaign, m.recipient, m.asked \
                 FROM document_reminders m JOIN campaigns c ON c.id = m.campaign_id \
                 WHERE m.family_id = $1 ORDER BY m.sent_at",
            )
            .bind(family_id)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            let students: Vec<ArchiveStudent> = students
                .into_iter()
                .filter(|s| visible_sites.is_none_or(|v| v.contains(&s.site_id)))
                .collect();
            let dossiers = dossiers
                .into_iter()
                .filter(|d| students.iter().any(|s| s.id == d.student_id))
                .collect();
            Ok(FamilyArchive { family, guardians, students, dossiers, documents, reminders })
        })
    }
}

impl Database {
    /// Records that a right-of-access archive of the family was made
    /// (`family.archive`, in the family's history).
    pub async fn record_family_archive(
        &self,
        family_id: i64,
        file_name: &str,
        documents: usize,
        entries: u64,
        actor: &crate::Actor,
    ) -> Result<(), StoreError> {
        use crate::audit::{AuditEntry, append_audit, now, to_json};
        use crate::pool::WritePool;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "family.archive",
                entity_type: "family",
                entity_id: family_id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({
                    "file_name": file_name, "documents": documents, "entries": entries,
                })),
                family_id: Some(family_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(())
        })
    }
}
