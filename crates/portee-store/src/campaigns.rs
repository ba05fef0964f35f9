//! The campaigns as administrators manage them: created for a school year
//! in preparation, their dates and documents deadline changed over the
//! version read, opened and closed — one open campaign at a time (the
//! screens work on the open one). Each change audited in its transaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, for_update, on_pool},
};

/// A campaign as the administration lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CampaignAdminRow {
    pub id: i64,
    pub label: String,
    pub school_year_id: i64,
    pub school_year_label: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub documents_deadline: NaiveDate,
    /// `draft`, `open`, `closed`.
    pub status: String,
    pub version: i32,
    /// The days a family has to confirm a seat offered.
    pub seat_offer_days: i32,
    /// The days within which a new documents reminder asks confirmation.
    pub reminder_days: i32,
}

/// A campaign's values to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignValues {
    pub label: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub documents_deadline: NaiveDate,
    pub status: String,
    pub seat_offer_days: i32,
    pub reminder_days: i32,
}

const SELECT_CAMPAIGNS: &str = "SELECT c.id, c.label, c.school_year_id, y.label AS school_year_label, \
     c.opens_at, c.closes_at, c.documents_deadline, c.status, c.version, c.seat_offer_days, c.reminder_days \
     FROM campaigns c JOIN school_years y ON y.id = c.school_year_id";

fn invalid(message: &str) -> StoreError {
    StoreError::Invalid {
        message: message.to_owned(),
    }
}

impl Database {
    /// Every school year, newest first.
    pub async fn school_years(&self) -> Result<Vec<crate::SchoolYearRow>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as("SELECT id, label, start_year FROM school_years ORDER BY start_year DESC")
                .fetch_all(pool)
                .await?)
        })
    }

    /// Every campaign, newest school year first.
    pub async fn campaigns(&self) -> Result<Vec<CampaignAdminRow>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT_CAMPAIGNS} ORDER BY y.start_year DESC, c.opens_at DESC, c.id DESC"
            )))
            .fetch_all(pool)
            .await?)
        })
    }

    /// Creates a campaign for `school_year_id`, in preparation.
    #[tracing::instrument(skip(self, values, actor), err)]
    pub async fn create_campaign(
        &self,
        school_year_id: i64,
        values: &CampaignValues,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        if values.closes_at <= values.opens_at {
            return Err(invalid("La campagne doit se clore après son ouverture."));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO campaigns (school_year_id, label, opens_at, closes_at, documents_deadline, status, version, \
                 seat_offer_days, reminder_days) VALUES ($1, $2, $3, $4, $5, 'draft', 1, $6, $7) RETURNING id",
            )
            .bind(school_year_id)
            .bind(&values.label)
            .bind(values.opens_at)
            .bind(values.closes_at)
            .bind(values.documents_deadline)
            .bind(values.seat_offer_days)
            .bind(values.reminder_days)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Duplicate => invalid("Une campagne de ce nom existe déjà pour cette année scolaire."),
                other => other,
            })?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "campaign.create",
                entity_type: "campaign",
                entity_id: id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({
                    "school_year_id": school_year_id, "label": values.label, "opens_at": values.opens_at,
                    "closes_at": values.closes_at, "documents_deadline": values.documents_deadline,
                    "seat_offer_days": values.seat_offer_days, "reminder_days": values.reminder_days,
                    "status": "draft",
                })),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Changes a campaign over the version read (`Conflict` otherwise):
    /// its name, dates, documents deadline and state. Opening it while
    /// another campaign is open is refused.
    #[tracing::instrument(skip(self, values, actor), err)]
    pub async fn update_campaign(
        &self,
        id: i64,
        expected_version: i32,
        values: &CampaignValues,
        actor: &Actor,
    ) -> Result<CampaignAdminRow, StoreError> {
        if values.closes_at <= values.opens_at {
            return Err(invalid("La campagne doit se clore après son ouverture."));
        }
        if !["draft", "open", "closed"].contains(&values.status.as_str()) {
            return Err(invalid("État de campagne inconnu."));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: CampaignAdminRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT_CAMPAIGNS} WHERE c.id = $1{}", for_update(pool).replace("UPDATE", "UPDATE OF c")
            )))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            if before.version != expected_version {
                return Err(StoreError::Conflict);
            }
            if values.status == "open" {
                let others: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM campaigns WHERE status = 'open' AND id <> $1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                if others > 0 {
                    return Err(invalid("Une autre campagne est déjà ouverte : closez-la d'abord."));
                }
            }
            StoreError::expect_one_row(
                sqlx::query(
                    "UPDATE campaigns SET label = $1, opens_at = $2, closes_at = $3, documents_deadline = $4, \
                     status = $5, seat_offer_days = $8, reminder_days = $9, version = version + 1 \
                     WHERE id = $6 AND version = $7",
                )
                .bind(&values.label)
                .bind(values.opens_at)
                .bind(values.closes_at)
                .bind(values.documents_deadline)
                .bind(&values.status)
                .bind(id)
                .bind(expected_version)
                .bind(values.seat_offer_days)
                .bind(values.reminder_days)
                .execute(&mut *tx)
                .await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Duplicate => invalid("Une campagne de ce nom existe déjà pour cette année scolaire."),
                    other => other,
                })?
                .rows_affected(),
            )?;
            let after: CampaignAdminRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_CAMPAIGNS} WHERE c.id = $1")))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "campaign.update",
                entity_type: "campaign",
                entity_id: id.to_string(),
                before: to_json(&before),
                after: to_json(&after),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(after)
        })
    }
}
