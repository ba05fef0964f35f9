//! Staff accounts: sign-in bookkeeping, first administrator, administration
//! (never removing the last active administrator).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, on_pool},
};

/// A staff account as stored, with its sites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    pub failed_attempts: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub is_demo: bool,
    pub version: i32,
    pub sites: Vec<i16>,
}

type StaffTuple = (
    i64,
    String,
    String,
    String,
    String,
    bool,
    bool,
    i32,
    Option<DateTime<Utc>>,
    bool,
    i32,
);

const SELECT_STAFF: &str = "SELECT id, login, display_name, role, password_hash, active, must_change_password, \
     failed_attempts, locked_until, is_demo, version FROM staff";

fn row(t: StaffTuple, sites: Vec<i16>) -> StaffRow {
    StaffRow {
        id: t.0,
        login: t.1,
        display_name: t.2,
        role: t.3,
        password_hash: t.4,
        active: t.5,
        must_change_password: t.6,
        failed_attempts: t.7,
        locked_until: t.8,
        is_demo: t.9,
        version: t.10,
        sites,
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub sites: Vec<i16>,
}

impl Database {
    pub async fn staff_by_login(&self, login: &str) -> Result<Option<StaffRow>, StoreError> {
        on_pool!(self, pool => {
            let t: Option<StaffTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_STAFF} WHERE login = $1")))
                .bind(login)
                .fetch_optional(pool)
                .await?;
            let Some(t) = t else { return Ok(None) };
            let sites: Vec<i16> = sqlx::query_scalar("SELECT site_id FROM staff_sites WHERE staff_id = $1 ORDER BY site_id")
                .bind(t.0)
                .fetch_all(pool)
                .await?;
            Ok(Some(row(t, sites)))
        })
    }

    pub async fn staff(&self, id: i64) -> Result<StaffRow, StoreError> {
        on_pool!(self, pool => {
            let t: StaffTuple = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_STAFF} WHERE id = $1")))
                .bind(id)
                .fetch_one(pool)
                .await?;
            let sites: Vec<i16> = sqlx::query_scalar("SELECT site_id FROM staff_sites WHERE staff_id = $1 ORDER BY site_id")
                .bind(id)
                .fetch_all(pool)
                .await?;
            Ok(row(t, sites))
        })
    }

    /// Every account, by login (administration, demo list).
    pub async fn all_staff(&self) -> Result<Vec<StaffRow>, StoreError> {
        on_pool!(self, pool => {
            let rows: Vec<StaffTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_STAFF} ORDER BY login")))
                .fetch_all(pool)
                .await?;
            let links: Vec<(i64, i16)> = sqlx::query_as("SELECT staff_id, site_id FROM staff_sites ORDER BY site_id")
                .fetch_all(pool)
                .await?;
            Ok(rows
                .into_iter()
                .map(|t| {
                    let sites = links.iter().filter(|(s, _)| *s == t.0).map(|(_, site)| *site).collect();
                    row(t, sites)
                })
                .collect())
        })
    }

    pub async fn staff_count(&self) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM staff").fetch_one(pool).await?)
        })
    }

    /// Records a failed sign-in: the new failure count and, if the rule
    /// says so, a lock until `locked_until`. Audited.
    pub async fn record_sign_in_failure(
        &self,
        staff_id: i64,
        failures: i32,
        locked_until: Option<DateTime<Utc>>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE staff SET failed_attempts = $1, locked_until = COALESCE($2, locked_until) WHERE id = $3")
                .bind(failures)
                .bind(locked_until)
                .bind(staff_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: if locked_until.is_some() { "auth.lock" } else { "auth.failure" },
                entity_type: "staff",
                entity_id: staff_id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({ "failed_attempts": failures, "locked_until": locked_until })),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records a successful sign-in or unlock (`action`: `auth.sign_in`,
    /// `auth.unlock`); failures reset. Audited.
    pub async fn record_sign_in(
        &self,
        staff_id: i64,
        site: i16,
        action: &'static str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
                .bind(staff_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action,
                entity_type: "staff",
                entity_id: staff_id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({ "site_id": site })),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Creates the first administrator, only while no account exists
    /// (checked inside the write transaction: two workstations cannot both
    /// create one).
    pub async fn create_first_admin(
        &self,
        new: &NewStaff,
        actor_workstation: &str,
    ) -> Result<StaffRow, StoreError> {
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(&mut *tx).await?;
            if existing > 0 {
                return Err(StoreError::Conflict);
            }
            let at = now();
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO staff (login, display_name, role, password_hash, active, must_change_password, \
                 failed_attempts, is_demo, created_at, updated_at, version) \
                 VALUES ($1, $2, 'admin', $3, TRUE, FALSE, 0, FALSE, $4, $4, 1) RETURNING id",
            )
            .bind(&new.login)
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            let actor = Actor::staff(id, actor_workstation);
            append_audit!(&mut *tx, &actor, at, AuditEntry {
                action: "staff.create_first_admin",
                entity_type: "staff",
                entity_id: id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({ "login": new.login, "role": "admin" })),
                ..Default::default()
            })?;
            tx.commit().await?;
            id
        });
        self.staff(id).await
    }
}

/// Changes to an account by an administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffChange {
    /// Active or disabled.
    Active(bool),
    /// A new password hash, to be changed at the next sign-in.
    ResetPassword(String),
    /// Role and sites.
    RoleAndSites { role: String, sites: Vec<i16> },
}

impl Database {
    /// Creates an account (administration). A login already taken is a
    /// `Duplicate`.
    pub async fn create_staff(
        &self,
        new: &NewStaff,
        actor: &Actor,
    ) -> Result<StaffRow, StoreError> {
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO staff (login, display_name, role, password_hash, active, must_change_password, \
                 failed_attempts, is_demo, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, TRUE, $5, 0, FALSE, $6, $6, 1) RETURNING id",
            )
            .bind(&new.login)
            .bind(&new.display_name)
            .bind(&new.role)
            .bind(&new.password_hash)
            .bind(new.must_change_password)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            for site in &new.sites {
                sqlx::query("INSERT INTO staff_sites (staff_id, site_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*site)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "staff.create",
                entity_type: "staff",
                entity_id: id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({
                    "login": new.login, "display_name": new.display_name, "role": new.role, "sites": new.sites,
                })),
                ..Default::default()
            })?;
            tx.commit().await?;
            id
        });
        self.staff(id).await
    }

    /// Applies `change` to account `id` if it is still at
    /// `expected_version`. Refuses (`Invalid`) to disable or demote the
    /// last active administrator: checked inside the transaction, so two
    /// administrators disabling each other at once cannot both succeed.
    pub async fn change_staff(
        &self,
        id: i64,
        expected_version: i32,
        change: &StaffChange,
        actor: &Actor,
    ) -> Result<StaffRow, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // The account as it stands, read inside the transaction.
            let t: Option<StaffTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_STAFF} WHERE id = $1")))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(t) = t else { return Err(StoreError::NotFound) };
            let sites: Vec<i16> = sqlx::query_scalar("SELECT site_id FROM staff_sites WHERE staff_id = $1 ORDER BY site_id")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            let before = row(t, sites);
            if before.version != expected_version {
                return Err(StoreError::Conflict);
            }
            let removes_admin = match change {
                StaffChange::Active(false) => true,
                StaffChange::RoleAndSites { role, .. } => role != "admin",
                _ => false,
            };
            if removes_admin {
                let other_admins: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM staff WHERE role = 'admin' AND active AND id <> $1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                let is_admin = before.role == "admin" && before.active;
                if is_admin && other_admins == 0 {
                    return Err(StoreError::Invalid {
                        message: "C'est le dernier administrateur actif : il ne peut être ni désactivé ni changé de rôle.".into(),
                    });
                }
            }
            let at = now();
            let action = match change {
                StaffChange::Active(active) => {
                    sqlx::query("UPDATE staff SET active = $1, updated_at = $2, version = version + 1 WHERE id = $3")
                        .bind(*active)
                        .bind(at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    if *active { "staff.enable" } else { "staff.disable" }
                }
                StaffChange::ResetPassword(hash) => {
                    sqlx::query(
                        "UPDATE staff SET password_hash = $1, must_change_password = TRUE, failed_attempts = 0, \
                         locked_until = NULL, updated_at = $2, version = version + 1 WHERE id = $3",
                    )
                    .bind(hash)
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    "staff.reset_password"
                }
                StaffChange::RoleAndSites { role, sites } => {
                    sqlx::query("UPDATE staff SET role = $1, updated_at = $2, version = version + 1 WHERE id = $3")
                        .bind(role)
                        .bind(at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("DELETE FROM staff_sites WHERE staff_id = $1").bind(id).execute(&mut *tx).await?;
                    for site in sites {
                        sqlx::query("INSERT INTO staff_sites (staff_id, site_id) VALUES ($1, $2)")
                            .bind(id)
                            .bind(*site)
                            .execute(&mut *tx)
                            .await?;
                    }
                    "staff.role_and_sites"
                }
            };
            let after = sqlx::query_as::<_, (bool, String, bool)>(
                "SELECT active, role, must_change_password FROM staff WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action,
                entity_type: "staff",
                entity_id: id.to_string(),
                before: to_json(&before),
                after: to_json(&serde_json::json!({
                    "active": after.0, "role": after.1, "must_change_password": after.2,
                    "sites": match change { StaffChange::RoleAndSites { sites, .. } => sites.clone(), _ => before.sites.clone() },
                })),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok::<(), StoreError>(())
        })?;
        self.staff(id).await
    }
}

impl Database {
    /// A member's own new password (after checking the current one in the
    /// use case); clears the "change at next sign-in" flag. Audited.
    pub async fn set_own_password(
        &self,
        staff_id: i64,
        password_hash: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let updated = sqlx::query(
                "UPDATE staff SET password_hash = $1, must_change_password = FALSE, updated_at = $2, \
                 version = version + 1 WHERE id = $3",
            )
            .bind(password_hash)
            .bind(at)
            .bind(staff_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "staff.change_password",
                entity_type: "staff",
                entity_id: staff_id.to_string(),
                before: None,
                after: None,
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(())
        })
    }
}
