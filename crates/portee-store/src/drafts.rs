//! The draft of a family's réinscription: the screens' state, saved each
//! time a step is left so that it survives a closed window and continues on
//! another workstation. One per family and campaign, versioned: a save
//! names the version it replaces and, when another workstation saved
//! first, writes nothing and returns that workstation's draft (who, when,
//! what). The store keeps the payload as the app gives it (JSON the app
//! has checked); the validation that uses the draft deletes it in its own
//! transaction.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, is_postgres, on_pool},
};

/// The largest payload kept (the schema checks it too).
pub const MAX_DRAFT_BYTES: usize = 65_536;

/// A stored draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DraftRow {
    pub payload: String,
    pub step: String,
    pub version: i32,
    /// The display name of who saved it.
    pub saved_by: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftSave {
    /// Written; the draft's version now.
    Saved(i32),
    /// Another workstation saved first (its draft), or the draft is gone
    /// (`None`: the réinscription was validated meanwhile). Nothing written.
    Conflict(Option<DraftRow>),
}

pub(crate) fn select_draft<P: WritePool>(pool: &P) -> &'static str {
    // On PostgreSQL a member reads only their own staff row: names come
    // from the directory function (migration 0007).
    if is_postgres(pool) {
        "SELECT d.payload, d.step, d.version, s.display_name AS saved_by, d.updated_at \
         FROM reinscription_drafts d LEFT JOIN portee_staff_directory() s ON s.id = d.updated_by_staff_id \
         WHERE d.family_id = $1 AND d.campaign_id = $2"
    } else {
        "SELECT d.payload, d.step, d.version, s.display_name AS saved_by, d.updated_at \
         FROM reinscription_drafts d LEFT JOIN staff s ON s.id = d.updated_by_staff_id \
         WHERE d.family_id = $1 AND d.campaign_id = $2"
    }
}

impl Database {
    /// The campaign réinscriptions work on now: the open one, else the
    /// latest.
    pub async fn current_campaign_id(&self) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar(
                "SELECT id FROM campaigns ORDER BY (status = 'open') DESC, opens_at DESC LIMIT 1",
            )
            .fetch_one(pool)
            .await?)
        })
    }

    /// A family's students as (id, site), as far as the connection may see.
    pub async fn family_students(&self, family_id: i64) -> Result<Vec<(i64, i16)>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as("SELECT id, site_id FROM students WHERE family_id = $1 ORDER BY id")
                .bind(family_id)
                .fetch_all(pool)
                .await?)
        })
    }

    /// The draft of a family for a campaign, if any.
    pub async fn family_draft(
        &self,
        family_id: i64,
        campaign_id: i64,
    ) -> Result<Option<DraftRow>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as::<_, DraftRow>(select_draft(pool))
                .bind(family_id)
                .bind(campaign_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Saves a family's draft over version `expected` (`None`: creates it).
    /// The audit entry names the step, never the payload's contents.
    #[tracing::instrument(skip(self, payload, actor), err)]
    pub async fn save_family_draft(
        &self,
        family_id: i64,
        campaign_id: i64,
        expected: Option<i32>,
        step: &str,
        payload: &str,
        actor: &Actor,
    ) -> Result<DraftSave, StoreError> {
        if payload.len() > MAX_DRAFT_BYTES {
            return Err(StoreError::Invalid {
                message: "Le brouillon est trop volumineux pour être enregistré.".into(),
            });
        }
        if step.is_empty() || step.chars().count() > 40 {
            return Err(StoreError::Invalid {
                message: "Étape du brouillon invalide.".into(),
            });
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let written = match expected {
                None => sqlx::query(
                    "INSERT INTO reinscription_drafts \
                     (family_id, campaign_id, payload, step, version, updated_by_staff_id, updated_at) \
                     VALUES ($1, $2, $3, $4, 1, $5, $6) ON CONFLICT (family_id, campaign_id) DO NOTHING",
                )
                .bind(family_id)
                .bind(campaign_id)
                .bind(payload)
                .bind(step)
                .bind(actor.staff_id)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                Some(v) => sqlx::query(
                    "UPDATE reinscription_drafts SET payload = $3, step = $4, version = version + 1, \
                     updated_by_staff_id = $5, updated_at = $6 \
                     WHERE family_id = $1 AND campaign_id = $2 AND version = $7",
                )
                .bind(family_id)
                .bind(campaign_id)
                .bind(payload)
                .bind(step)
                .bind(actor.staff_id)
                .bind(at)
                .bind(v)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            };
            if written != 1 {
                // Someone else saved first (or validated): their draft, as
                // it is now, and nothing written.
                let current = sqlx::query_as::<_, DraftRow>(select_draft(pool))
                    .bind(family_id)
                    .bind(campaign_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                tx.rollback().await?;
                return Ok(DraftSave::Conflict(current));
            }
            let version = expected.map_or(1, |v| v + 1);
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "reinscription.draft",
                entity_type: "family",
                entity_id: family_id.to_string(),
                before: expected.and_then(|v| to_json(&serde_json::json!({ "version": v }))),
                after: to_json(&serde_json::json!({ "step": step, "version": version })),
                family_id: Some(family_id),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(DraftSave::Saved(version))
        })
    }
}
