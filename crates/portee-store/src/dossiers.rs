//! Réinscription dossiers: created once per client id (a resubmission is
//! harmless), changed only from the version that was read.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, on_pool},
};

/// A dossier as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DossierRow {
    pub id: i64,
    pub student_id: i64,
    pub campaign_id: i64,
    pub client_id: Uuid,
    pub intent: Option<String>,
    pub no_reason: Option<String>,
    pub status: String,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
    pub additional_info: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A new dossier, with the id its client generated.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub client_id: Uuid,
    pub student_id: i64,
    pub campaign_id: i64,
    pub intent: Option<String>,
    pub no_reason: Option<String>,
    /// Courses chosen (course id, slot id when a slot is chosen).
    pub courses: Vec<(i64, Option<i64>)>,
}

/// The editable part of a dossier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DossierChanges {
    pub intent: Option<String>,
    pub no_reason: Option<String>,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
    pub additional_info: Option<String>,
}

const SELECT_DOSSIER: &str = "SELECT id, student_id, campaign_id, client_id, intent, no_reason, status, \
     image_rights, may_leave_alone, additional_info, version, updated_at FROM reinscriptions";

impl Database {
    pub async fn dossier(&self, id: i64) -> Result<DossierRow, StoreError> {
        on_pool!(self, pool => {
            sqlx::query_as::<_, DossierRow>(sqlx::AssertSqlSafe(format!("{SELECT_DOSSIER} WHERE id = $1")))
                .bind(id)
                .fetch_one(pool)
                .await
                .map_err(StoreError::from)
        })
    }

    /// Creates a draft dossier with its chosen courses. Sending the same
    /// `client_id` again with the same contents returns the dossier already
    /// created and writes nothing, even when the two submissions run at the
    /// same time (the later one may then collide on `UNIQUE (student_id,
    /// campaign_id)` rather than on `client_id`: it too gets the dossier).
    /// The same `client_id` with other contents is `ResubmittedDifferently`
    /// (nothing written, the stored dossier is not handed out as if it were
    /// the one sent); a different dossier for the same student and campaign
    /// is a `Duplicate`.
    #[tracing::instrument(skip(self, new, actor), fields(client_id = %new.client_id), err)]
    pub async fn create_dossier(
        &self,
        new: &NewDossier,
        actor: &Actor,
    ) -> Result<DossierRow, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let inserted: Result<Option<i64>, StoreError> = sqlx::query_scalar(
                "INSERT INTO reinscriptions (student_id, campaign_id, client_id, intent, no_reason, status, \
                 version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'draft', 1, $6, $6) \
                 ON CONFLICT (client_id) DO NOTHING RETURNING id",
            )
            .bind(new.student_id)
            .bind(new.campaign_id)
            .bind(new.client_id)
            .bind(&new.intent)
            .bind(&new.no_reason)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from);
            let inserted = match inserted {
                Ok(id) => id,
                // A unique key other than client_id: a concurrent submission
                // of the same dossier that committed first, or another dossier.
                Err(StoreError::Duplicate) => None,
                Err(e) => return Err(e),
            };
            let Some(id) = inserted else {
                // Nothing written here; whoever holds the key has committed
                // (the INSERT waited for it), so a plain read sees it.
                tx.rollback().await?;
                let existing = sqlx::query_as::<_, DossierRow>(sqlx::AssertSqlSafe(format!(
                    "{SELECT_DOSSIER} WHERE client_id = $1"
                )))
                .bind(new.client_id)
                .fetch_optional(pool)
                .await?;
                // Another client's dossier for this student and campaign.
                let Some(existing) = existing else { return Err(StoreError::Duplicate) };
                let mut courses: Vec<(i64, Option<i64>)> = sqlx::query_as(
                    "SELECT course_id, slot_id FROM reinscription_courses WHERE reinscription_id = $1",
                )
                .bind(existing.id)
                .fetch_all(pool)
                .await?;
                courses.sort_unstable();
                let mut sent = new.courses.clone();
                sent.sort_unstable();
                let same = existing.student_id == new.student_id
                    && existing.campaign_id == new.campaign_id
                    && existing.intent == new.intent
                    && existing.no_reason == new.no_reason
                    && courses == sent;
                if !same {
                    return Err(StoreError::ResubmittedDifferently);
                }
                return Ok(existing);
            };
            for (course_id, slot_id) in &new.courses {
                sqlx::query(
                    "INSERT INTO reinscription_courses (reinscription_id, course_id, slot_id) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(course_id)
                .bind(slot_id)
                .execute(&mut *tx)
                .await?;
            }
            let row = sqlx::query_as::<_, DossierRow>(sqlx::AssertSqlSafe(format!("{SELECT_DOSSIER} WHERE id = $1")))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "dossier.create",
                entity_type: "reinscription",
                entity_id: id.to_string(),
                before: None,
                after: to_json(&row),
                student_id: Some(row.student_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(row)
        })
    }

    /// Applies `changes` if the dossier is still at `expected_version`;
    /// otherwise `Conflict` and nothing is written.
    #[tracing::instrument(skip(self, changes, actor), err)]
    pub async fn update_dossier(
        &self,
        id: i64,
        expected_version: i32,
        changes: &DossierChanges,
        actor: &Actor,
    ) -> Result<DossierRow, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before = sqlx::query_as::<_, DossierRow>(sqlx::AssertSqlSafe(format!("{SELECT_DOSSIER} WHERE id = $1")))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let at = now();
            StoreError::expect_one_row(sqlx::query(
                "UPDATE reinscriptions SET intent = $1, no_reason = $2, image_rights = $3, \
                 may_leave_alone = $4, additional_info = $5, version = version + 1, updated_at = $6 \
                 WHERE id = $7 AND version = $8",
            )
            .bind(&changes.intent)
            .bind(&changes.no_reason)
            .bind(changes.image_rights)
            .bind(changes.may_leave_alone)
            .bind(&changes.additional_info)
            .bind(at)
            .bind(id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected())?;
            let after = sqlx::query_as::<_, DossierRow>(sqlx::AssertSqlSafe(format!("{SELECT_DOSSIER} WHERE id = $1")))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "dossier.update",
                entity_type: "reinscription",
                entity_id: id.to_string(),
                before: to_json(&before),
                after: to_json(&after),
                student_id: Some(after.student_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(after)
        })
    }
}
