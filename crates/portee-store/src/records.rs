//! The fiche élève and the family behind it: reading a record, changing a
//! family's coordonnées (versioned, audited, search keys rewritten in the
//! same transaction), and opening a stored document (the access is audited
//! before a byte is handed out).

use chrono::{DateTime, NaiveDate, Utc};
use portee_domain::{
    family::FamilyContact,
    search::{GuardianKeys, contact_tokens},
};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, for_update, is_postgres, on_pool},
};

/// The contact tokens of `guardians` (`contact_tokens`), as the token and
/// weight lists the SQL takes.
fn contact_token_lists(guardians: &[GuardianRow]) -> (Vec<String>, Vec<i16>) {
    let keys: Vec<GuardianKeys<'_>> = guardians
        .iter()
        .map(|g| GuardianKeys {
            last_name: &g.last_name,
            first_name: &g.first_name,
            phones: [
                g.phone_mobile.as_deref(),
                g.phone_home.as_deref(),
                g.phone_work.as_deref(),
            ],
            email: g.email.as_deref(),
        })
        .collect();
    contact_tokens(&keys).into_iter().unzip()
}

/// Replacing a family's contact tokens for every child of the family, on
/// each backend.
pub(crate) trait ContactTokenSql: sqlx::Database {
    async fn replace_contact_tokens(
        tx: &mut sqlx::Transaction<'static, Self>,
        family_id: i64,
        old: &[String],
        new: &[String],
        weights: &[i16],
    ) -> Result<(), StoreError>;
}

impl ContactTokenSql for sqlx::Postgres {
    /// `portee_replace_contact_tokens` (migration 0007), a SECURITY
    /// DEFINER function: row-level security hides the tokens of a child on
    /// another site from the writer.
    async fn replace_contact_tokens(
        tx: &mut sqlx::Transaction<'static, Self>,
        family_id: i64,
        old: &[String],
        new: &[String],
        weights: &[i16],
    ) -> Result<(), StoreError> {
        sqlx::query("SELECT portee_replace_contact_tokens($1, $2, $3, $4)")
            .bind(family_id)
            .bind(old)
            .bind(new)
            .bind(weights)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

impl ContactTokenSql for sqlx::Sqlite {
    /// The same as PostgreSQL's function: the old contact tokens of every
    /// child of the family go, the new ones come, a token already there
    /// keeping the higher weight.
    async fn replace_contact_tokens(
        tx: &mut sqlx::Transaction<'static, Self>,
        family_id: i64,
        old: &[String],
        new: &[String],
        weights: &[i16],
    ) -> Result<(), StoreError> {
        for token in old {
            sqlx::query(
                "DELETE FROM search_tokens WHERE token = $1 \
                 AND student_id IN (SELECT id FROM students WHERE family_id = $2)",
            )
            .bind(token)
            .bind(family_id)
            .execute(&mut **tx)
            .await?;
        }
        for (token, weight) in new.iter().zip(weights) {
            sqlx::query(
                "INSERT INTO search_tokens (token, student_id, weight, site_id) \
                 SELECT $1, id, $2, site_id FROM students WHERE family_id = $3 \
                 ON CONFLICT (token, student_id) DO UPDATE SET weight = MAX(weight, excluded.weight)",
            )
            .bind(token)
            .bind(weight)
            .bind(family_id)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StudentRow {
    pub id: i64,
    pub family_id: i64,
    pub site_id: i16,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub school_level: Option<String>,
    pub school_name: Option<String>,
    pub nationality: Option<String>,
    pub cham: bool,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FamilyRow {
    pub id: i64,
    pub family_number: String,
    pub address_line: String,
    pub address_extra: Option<String>,
    pub postcode: String,
    pub town: String,
    pub hosted: bool,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GuardianRow {
    pub id: i64,
    pub rank: i16,
    pub last_name: String,
    pub first_name: String,
    pub relationship: String,
    pub phone_mobile: Option<String>,
    pub phone_home: Option<String>,
    pub phone_work: Option<String>,
    pub email: Option<String>,
}

/// A course followed, this year or an earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub school_year: String,
    pub start_year: i32,
    pub course_name: String,
    pub seat_mode: String,
    pub day_of_week: Option<i16>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub teacher: Option<String>,
    pub status: String,
    pub outcome: Option<String>,
}

/// A document's description (never its content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub campaign_label: String,
    pub doc_type: String,
    pub status: String,
    pub rejection_reason: Option<String>,
    pub file_name: Option<String>,
    pub size_bytes: Option<i64>,
    pub document_date: Option<NaiveDate>,
    pub uploaded_by_kind: Option<String>,
    pub uploaded_at: Option<DateTime<Utc>>,
}

/// Another child of the same family. The names are `None` for a child on
/// a site the reader does not cover ([`Database::student_record_for`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SiblingRow {
    pub id: i64,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub site_id: i16,
}

/// Everything the fiche élève shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentRecord {
    pub student: StudentRow,
    pub family: FamilyRow,
    pub guardians: Vec<GuardianRow>,
    pub siblings: Vec<SiblingRow>,
    pub enrolments: Vec<EnrolmentRow>,
    pub documents: Vec<DocumentRow>,
}

/// family_id, doc_type, file_name, content.
type StoredDocument = (i64, String, Option<String>, Option<Vec<u8>>);

/// A stored document handed out to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFile {
    pub id: i64,
    pub family_id: i64,
    pub doc_type: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

const SELECT_STUDENT: &str = "SELECT id, family_id, site_id, last_name, first_name, birth_date, sex, \
     school_level, school_name, nationality, cham, version FROM students WHERE id = $1";
const SELECT_FAMILY: &str = "SELECT id, family_number, address_line, address_extra, postcode, town, hosted, \
     version, updated_at FROM families WHERE id = $1";
const SELECT_GUARDIANS: &str = "SELECT id, rank, last_name, first_name, relationship, phone_mobile, phone_home, \
     phone_work, email FROM guardians WHERE family_id = $1 ORDER BY rank";

impl Database {
    /// The site of a student (for the permission check), `NotFound` if none.
    pub async fn student_site(&self, student_id: i64) -> Result<(i16, i64), StoreError> {
        on_pool!(self, pool => {
            sqlx::query_as::<_, (i16, i64)>("SELECT site_id, family_id FROM students WHERE id = $1")
                .bind(student_id)
                .fetch_one(pool)
                .await
                .map_err(StoreError::from)
        })
    }

    /// The sites of a family's students (a family may span several sites).
    pub async fn family_sites(&self, family_id: i64) -> Result<Vec<i16>, StoreError> {
        let sites: Vec<i16> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT DISTINCT site_id FROM students WHERE family_id = $1 ORDER BY site_id")
                .bind(family_id)
                .fetch_all(pool)
                .await?
        });
        if sites.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(sites)
    }

    /// The fiche élève of `student_id`, every sibling named (administrators).
    pub async fn student_record(&self, student_id: i64) -> Result<StudentRecord, StoreError> {
        self.student_record_for(student_id, None).await
    }

    /// The fiche élève of `student_id` for a reader of `visible_sites`
    /// (`None`: every site): siblings on other sites come without their
    /// names (only their site).
    #[tracing::instrument(skip(self), err)]
    pub async fn student_record_for(
        &self,
        student_id: i64,
        visible_sites: Option<&[i16]>,
    ) -> Result<StudentRecord, StoreError> {
        on_pool!(self, pool => {
            let student: StudentRow = sqlx::query_as(SELECT_STUDENT).bind(student_id).fetch_one(pool).await?;
            let family: FamilyRow = sqlx::query_as(SELECT_FAMILY).bind(student.family_id).fetch_one(pool).await?;
            let guardians: Vec<GuardianRow> =
                sqlx::query_as(SELECT_GUARDIANS).bind(student.family_id).fetch_all(pool).await?;
            // PostgreSQL: the policy hides a child on another site, whom the
            // fiche still mentions (site only): a SECURITY DEFINER function.
            let siblings: Vec<SiblingRow> = if is_postgres(pool) {
                sqlx::query_as("SELECT id, last_name, first_name, site_id FROM portee_family_siblings($1)")
                    .bind(student_id)
                    .fetch_all(pool)
                    .await?
            } else {
                sqlx::query_as(
                    "SELECT id, last_name, first_name, site_id FROM students WHERE family_id = $1 AND id <> $2 \
                     ORDER BY birth_date, id",
                )
                .bind(student.family_id)
                .bind(student_id)
                .fetch_all(pool)
                .await?
            };
            let siblings = siblings
                .into_iter()
                .map(|s| match visible_sites {
                    Some(sites) if !sites.contains(&s.site_id) => SiblingRow {
                        last_name: None,
                        first_name: None,
                        ..s
                    },
                    _ => s,
                })
                .collect();
            let enrolments: Vec<EnrolmentRow> = sqlx::query_as(
                "SELECT y.label AS school_year, y.start_year, c.name AS course_name, c.seat_mode, \
                 sl.day_of_week, sl.starts_at, sl.ends_at, sl.teacher, e.status, e.outcome \
                 FROM enrolments e JOIN courses c ON c.id = e.course_id \
                 JOIN school_years y ON y.id = e.school_year_id \
                 LEFT JOIN slots sl ON sl.id = e.slot_id \
                 WHERE e.student_id = $1 ORDER BY y.start_year DESC, c.name",
            )
            .bind(student_id)
            .fetch_all(pool)
            .await?;
            let documents: Vec<DocumentRow> = sqlx::query_as(
                "SELECT d.id, c.label AS campaign_label, d.doc_type, d.status, d.rejection_reason, d.file_name, \
                 d.size_bytes, d.document_date, d.uploaded_by_kind, d.uploaded_at \
                 FROM documents d JOIN campaigns c ON c.id = d.campaign_id \
                 WHERE d.family_id = $1 ORDER BY c.opens_at DESC, d.doc_type, d.id",
            )
            .bind(student.family_id)
            .fetch_all(pool)
            .await?;
            Ok(StudentRecord { student, family, guardians, siblings, enrolments, documents })
        })
    }

    /// Replaces a family's coordonnées if the family is still at
    /// `expected_version` (else `Conflict`, nothing written). Every guardian
    /// named must belong to the family. The students' search keys are
    /// rewritten and the change audited (before and after) in the same
    /// transaction.
    ///
    /// The family and its guardians are read under a row lock on PostgreSQL
    /// (`FOR UPDATE`; SQLite's `BEGIN IMMEDIATE` already serialises
    /// writers), so a concurrent save waits, then sees the new version and
    /// gets `Conflict`. The versioned UPDATE must also match exactly one row,
    /// and the guardians are written only after it did.
    #[tracing::instrument(skip(self, contact, actor), err)]
    pub async fn update_family_contact(
        &self,
        family_id: i64,
        expected_version: i32,
        contact: &FamilyContact,
        actor: &Actor,
    ) -> Result<FamilyRow, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let lock = for_update(pool);
            let before_family: Option<FamilyRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_FAMILY}{lock}")))
                    .bind(family_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(before_family) = before_family else {
                return Err(StoreError::NotFound);
            };
            if before_family.version != expected_version {
                return Err(StoreError::Conflict);
            }
            let before_guardians: Vec<GuardianRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_GUARDIANS}{lock}")))
                    .bind(family_id)
                    .fetch_all(&mut *tx)
                    .await?;
            for g in &contact.guardians {
                if !before_guardians.iter().any(|b| b.id == g.guardian_id) {
                    return Err(StoreError::Invalid {
                        message: "Un responsable légal indiqué n'appartient pas à cette famille.".into(),
                    });
                }
            }
            let at = now();
            StoreError::expect_one_row(sqlx::query(
                "UPDATE families SET address_line = $1, address_extra = $2, postcode = $3, town = $4, \
                 updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7",
            )
            .bind(&contact.address_line)
            .bind(&contact.address_extra)
            .bind(contact.postcode.as_str())
            .bind(&contact.town)
            .bind(at)
            .bind(family_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected())?;
            for g in &contact.guardians {
                StoreError::expect_one_row(sqlx::query(
                    "UPDATE guardians SET phone_mobile = $1, phone_home = $2, phone_work = $3, email = $4, \
                     version = version + 1 WHERE id = $5 AND family_id = $6",
                )
                .bind(g.phone_mobile.as_ref().map(|p| p.as_str()))
                .bind(g.phone_home.as_ref().map(|p| p.as_str()))
                .bind(g.phone_work.as_ref().map(|p| p.as_str()))
                .bind(g.email.as_ref().map(|e| e.as_str()))
                .bind(g.guardian_id)
                .bind(family_id)
                .execute(&mut *tx)
                .await?
                .rows_affected())?;
            }
            // The students' search keys follow the new phones and e-mails:
            // the contact tokens of every child of the family (on sites the
            // writer may not see too) are replaced, nothing else
            // (`contact_tokens`).
            let guardians: Vec<GuardianRow> =
                sqlx::query_as(SELECT_GUARDIANS).bind(family_id).fetch_all(&mut *tx).await?;
            let (old_tokens, _) = contact_token_lists(&before_guardians);
            let (new_tokens, new_weights) = contact_token_lists(&guardians);
            ContactTokenSql::replace_contact_tokens(&mut tx, family_id, &old_tokens, &new_tokens, &new_weights).await?;
            let after_family: FamilyRow =
                sqlx::query_as(SELECT_FAMILY).bind(family_id).fetch_one(&mut *tx).await?;
            let contact_json = |f: &FamilyRow, g: &[GuardianRow]| to_json(&serde_json::json!({
                "address_line": f.address_line, "address_extra": f.address_extra,
                "postcode": f.postcode, "town": f.town,
                "guardians": g.iter().map(|g| serde_json::json!({
                    "id": g.id, "name": format!("{} {}", g.first_name, g.last_name),
                    "phone_mobile": g.phone_mobile, "phone_home": g.phone_home,
                    "phone_work": g.phone_work, "email": g.email,
                })).collect::<Vec<_>>(),
            }));
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "family.contact",
                entity_type: "family",
                entity_id: family_id.to_string(),
                before: contact_json(&before_family, &before_guardians),
                after: contact_json(&after_family, &guardians),
                family_id: Some(family_id),
                student_id: None,
            })?;
            tx.commit().await?;
            Ok(after_family)
        })
    }

    /// Hands out a stored document's content after appending its
    /// `document.open` audit entry; if the entry cannot be written, nothing
    /// is handed out. A document without content is `NotFound`.
    #[tracing::instrument(skip(self, actor), err)]
    pub async fn open_document(
        &self,
        document_id: i64,
        actor: &Actor,
    ) -> Result<DocumentFile, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let row: Option<StoredDocument> = sqlx::query_as(
                "SELECT family_id, doc_type, file_name, content FROM documents WHERE id = $1",
            )
            .bind(document_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((family_id, doc_type, file_name, Some(content))) = row else {
                return Err(StoreError::NotFound);
            };
            let file_name = file_name.unwrap_or_else(|| format!("document-{document_id}.pdf"));
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "document.open",
                entity_type: "document",
                entity_id: document_id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({ "doc_type": doc_type, "file_name": file_name })),
                family_id: Some(family_id),
                student_id: None,
            })?;
            tx.commit().await?;
            Ok(DocumentFile { id: document_id, family_id, doc_type, file_name, content })
        })
    }

    /// The family a document belongs to (for the permission check).
    pub async fn document_family(&self, document_id: i64) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>("SELECT family_id FROM documents WHERE id = $1")
                .bind(document_id)
                .fetch_one(pool)
                .await
                .map_err(StoreError::from)
        })
    }
}

impl Database {
    /// The family with this number (`F-000012`), if any.
    pub async fn family_by_number(&self, number: &str) -> Result<Option<i64>, StoreError> {
        on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>("SELECT id FROM families WHERE family_number = $1")
                .bind(number)
                .fetch_optional(pool)
                .await
                .map_err(StoreError::from)
        })
    }
}
