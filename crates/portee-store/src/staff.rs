//! Staff accounts: sign-in bookkeeping, first administrator, administration
//! (never removing the last active administrator).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now, to_json},
    pool::{WritePool, for_update, is_postgres, on_pool},
};

/// On PostgreSQL, gives the login role of account `$id` the verifier
/// `$scram` (`portee_staff_password`, migration 0007), inside `$tx`.
macro_rules! set_role_password {
    ($pool:expr, $tx:expr, $id:expr, $scram:expr) => {
        if is_postgres($pool)
            && let Some(scram) = $scram
        {
            sqlx::query("SELECT portee_staff_password($1, $2, FALSE, NULL)")
                .bind($id)
                .bind(scram)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

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

/// The key of the PostgreSQL advisory lock taken while creating the first
/// administrator ("portée" + 1; advisory locks are per database).
const FIRST_ADMIN_LOCK: i64 = 0x706f_7274_c3a9_0001;

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
    /// The Argon2id hash SQLite's accounts are checked against.
    pub password_hash: String,
    /// The SCRAM-SHA-256 verifier of the same password, PostgreSQL's (the
    /// account's login role gets it). `None`: the role has no password yet.
    pub scram_verifier: Option<String>,
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

    /// Counts one failed sign-in of account `staff_id` atomically
    /// (`failed_attempts = failed_attempts + 1 … RETURNING`, so parallel
    /// attempts each add one and each get their own count) and, when
    /// `lock_until(count)` says so, locks the account until then. Audited
    /// (`auth.failure` or `auth.lock`) in the same transaction. Returns the
    /// count and the lock set.
    pub async fn count_sign_in_failure(
        &self,
        staff_id: i64,
        lock_until: &(dyn Fn(u32) -> Option<DateTime<Utc>> + Sync),
        actor: &Actor,
    ) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let failures: Option<i32> = sqlx::query_scalar(
                "UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts",
            )
            .bind(staff_id)
            .fetch_optional(&mut *tx)
            .await?;
            let failures = failures.ok_or(StoreError::NotFound)?;
            let locked_until = lock_until(u32::try_from(failures).unwrap_or(0));
            if let Some(until) = locked_until {
                sqlx::query("UPDATE staff SET locked_until = $1 WHERE id = $2")
                    .bind(until)
                    .bind(staff_id)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: if locked_until.is_some() { "auth.lock" } else { "auth.failure" },
                entity_type: "staff",
                entity_id: staff_id.to_string(),
                before: None,
                after: to_json(&serde_json::json!({ "failed_attempts": failures, "locked_until": locked_until })),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok((u32::try_from(failures).unwrap_or(0), locked_until))
        })
    }

    /// Until when sign-ins under `bucket` (a truncated hash of an
    /// identifier that matches no account) are locked, if they are.
    pub async fn unknown_sign_in_lock(
        &self,
        bucket: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        on_pool!(self, pool => {
            let until: Option<Option<DateTime<Utc>>> =
                sqlx::query_scalar("SELECT locked_until FROM sign_in_throttle WHERE bucket = $1")
                    .bind(bucket)
                    .fetch_optional(pool)
                    .await?;
            Ok(until.flatten())
        })
    }

    /// [`Database::count_sign_in_failure`] for an identifier that matches
    /// no account: the same atomic count, kept under `bucket`, so unknown
    /// identifiers are slowed down and locked exactly like accounts.
    /// Audited as `auth.failure` / `auth.lock` on entity `sign_in` (the
    /// bucket, never the identifier typed).
    pub async fn count_unknown_sign_in_failure(
        &self,
        bucket: &str,
        lock_until: &(dyn Fn(u32) -> Option<DateTime<Utc>> + Sync),
        actor: &Actor,
    ) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let failures: i32 = sqlx::query_scalar(
                "INSERT INTO sign_in_throttle (bucket, failed_attempts, updated_at) VALUES ($1, 1, $2) \
                 ON CONFLICT (bucket) DO UPDATE SET failed_attempts = sign_in_throttle.failed_attempts + 1, \
                 updated_at = $2 RETURNING failed_attempts",
            )
            .bind(bucket)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            let locked_until = lock_until(u32::try_from(failures).unwrap_or(0));
            if let Some(until) = locked_until {
                sqlx::query("UPDATE sign_in_throttle SET locked_until = $1 WHERE bucket = $2")
                    .bind(until)
                    .bind(bucket)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: if locked_until.is_some() { "auth.lock" } else { "auth.failure" },
                entity_type: "sign_in",
                entity_id: bucket.to_owned(),
                before: None,
                after: to_json(&serde_json::json!({ "failed_attempts": failures, "locked_until": locked_until })),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok((u32::try_from(failures).unwrap_or(0), locked_until))
        })
    }

    /// Records a successful sign-in or unlock (`action`: `auth.sign_in`,
    /// `auth.unlock`); failures reset. Audited. `Conflict` (nothing
    /// written) when the account was disabled or locked since it was read,
    /// for instance by parallel failed attempts: the caller refuses.
    pub async fn record_sign_in(
        &self,
        staff_id: i64,
        site: i16,
        action: &'static str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            StoreError::expect_one_row(sqlx::query(
                "UPDATE staff SET failed_attempts = 0, locked_until = NULL \
                 WHERE id = $1 AND active AND (locked_until IS NULL OR locked_until <= $2)",
            )
            .bind(staff_id)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected())?;
            append_audit!(&mut *tx, actor, at, AuditEntry {
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

    /// Creates the first administrator, only while no account exists.
    /// The check runs inside the write transaction after taking a lock that
    /// every creator of a first administrator takes (a transaction-level
    /// advisory lock on PostgreSQL, the one write lock of `BEGIN IMMEDIATE`
    /// on SQLite): a second workstation waits, then finds the account and
    /// gets `Conflict`, so two cannot both create one.
    pub async fn create_first_admin(
        &self,
        new: &NewStaff,
        actor_workstation: &str,
    ) -> Result<StaffRow, StoreError> {
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if is_postgres(pool) {
                // Released at COMMIT or ROLLBACK; READ COMMITTED then lets the
                // COUNT below see an account committed by the holder.
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(FIRST_ADMIN_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
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
            set_role_password!(pool, tx, id, new.scram_verifier.as_deref());
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

/// A password as each backend keeps it: the Argon2id hash (SQLite) and
/// the SCRAM-SHA-256 verifier (PostgreSQL's login role; `None`: left as
/// it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordSecret {
    pub hash: String,
    pub scram: Option<String>,
}

impl From<String> for PasswordSecret {
    fn from(hash: String) -> Self {
        Self { hash, scram: None }
    }
}

/// Changes to an account by an administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffChange {
    /// Active or disabled.
    Active(bool),
    /// A new password, to be changed at the next sign-in.
    ResetPassword(PasswordSecret),
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
            // PostgreSQL: the INSERT's trigger created the login role.
            set_role_password!(pool, tx, id, new.scram_verifier.as_deref());
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
    /// `expected_version` (else `Conflict`, nothing written). Refuses
    /// (`Invalid`) to disable or demote the last active administrator.
    ///
    /// Race-free on both databases: on PostgreSQL a change that may remove
    /// an administrator first locks every active administrator's row
    /// (`FOR UPDATE`, in id order), then the account itself; a concurrent
    /// change waits, then re-reads the rows and so counts the administrator
    /// the other one just disabled. On SQLite `BEGIN IMMEDIATE` serialises
    /// the writers. The UPDATE also names the version and must match one
    /// row.
    pub async fn change_staff(
        &self,
        id: i64,
        expected_version: i32,
        change: &StaffChange,
        actor: &Actor,
    ) -> Result<StaffRow, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let lock = for_update(pool);
            let removes_admin = match change {
                StaffChange::Active(false) => true,
                StaffChange::RoleAndSites { role, .. } => role != "admin",
                _ => false,
            };
            // The rows the last-administrator rule reads, locked before the
            // account and in id order, so two changes never wait for each
            // other crosswise on these locks. (On PostgreSQL the audit log
            // holds no foreign key to its author's row since migration
            // 0007, so appending the entry takes no lock on `staff`; a
            // deadlock through any other lock would be detected by
            // PostgreSQL and end one change with `Conflict`.)
            let active_admins: Vec<i64> = if removes_admin {
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT id FROM staff WHERE role = 'admin' AND active ORDER BY id{lock}"
                )))
                .fetch_all(&mut *tx)
                .await?
            } else {
                Vec::new()
            };
            // The account as it stands, read (and locked) inside the transaction.
            let t: Option<StaffTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_STAFF} WHERE id = $1{lock}")))
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
            if removes_admin {
                let other_admins = active_admins.iter().filter(|a| **a != id).count();
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
                    StoreError::expect_one_row(sqlx::query(
                        "UPDATE staff SET active = $1, updated_at = $2, version = version + 1 \
                         WHERE id = $3 AND version = $4",
                    )
                    .bind(*active)
                    .bind(at)
                    .bind(id)
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected())?;
                    if *active { "staff.enable" } else { "staff.disable" }
                }
                StaffChange::ResetPassword(secret) => {
                    StoreError::expect_one_row(sqlx::query(
                        "UPDATE staff SET password_hash = $1, must_change_password = TRUE, failed_attempts = 0, \
                         locked_until = NULL, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4",
                    )
                    .bind(&secret.hash)
                    .bind(at)
                    .bind(id)
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected())?;
                    set_role_password!(pool, tx, id, secret.scram.as_deref());
                    "staff.reset_password"
                }
                StaffChange::RoleAndSites { role, sites } => {
                    StoreError::expect_one_row(sqlx::query(
                        "UPDATE staff SET role = $1, updated_at = $2, version = version + 1 \
                         WHERE id = $3 AND version = $4",
                    )
                    .bind(role)
                    .bind(at)
                    .bind(id)
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected())?;
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
    /// use case), if the account is still at `expected_version` (else
    /// `Conflict`: an administrator reset or changed it meanwhile, nothing
    /// written); clears the "change at next sign-in" flag and the failure
    /// count. Audited. Returns the account's new version.
    ///
    /// On PostgreSQL a member may not write staff rows: the function
    /// `portee_staff_password` sets the login role's verifier and updates
    /// the row the same way, for the member's own account only.
    pub async fn set_own_password(
        &self,
        staff_id: i64,
        secret: &PasswordSecret,
        expected_version: i32,
        actor: &Actor,
    ) -> Result<i32, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = now();
            let version: Option<i32> = match (is_postgres(pool), secret.scram.as_deref()) {
                (true, Some(scram)) => sqlx::query_scalar("SELECT portee_staff_password($1, $2, FALSE, $3)")
                    .bind(staff_id)
                    .bind(scram)
                    .bind(expected_version)
                    .fetch_one(&mut *tx)
                    .await?,
                _ => sqlx::query_scalar(
                    "UPDATE staff SET password_hash = $1, must_change_password = FALSE, failed_attempts = 0, \
                     updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4 RETURNING version",
                )
                .bind(&secret.hash)
                .bind(at)
                .bind(staff_id)
                .bind(expected_version)
                .fetch_optional(&mut *tx)
                .await?,
            };
            let Some(version) = version else {
                return Err(StoreError::Conflict);
            };
            append_audit!(&mut *tx, actor, at, AuditEntry {
                action: "staff.change_password",
                entity_type: "staff",
                entity_id: staff_id.to_string(),
                before: None,
                after: None,
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(version)
        })
    }

    /// The version of account `id`, `None` when it no longer exists. Every
    /// data command compares it with the version its session's rights were
    /// read at (one primary-key read).
    pub async fn staff_version(&self, id: i64) -> Result<Option<i32>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar::<_, i32>("SELECT version FROM staff WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?)
        })
    }
}

/// A demo account, as the sign-in screen of a demo database lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DemoAccountRow {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub sites: Vec<i16>,
}

/// Sign-in on PostgreSQL, where the password is the server's (migration
/// 0007): what the sign-in screen may know before anyone is signed in
/// (connected as `portee_connexion`), the count of refused passwords, and
/// the member's own successful sign-in.
impl Database {
    /// True when at least one staff account exists.
    pub async fn has_staff(&self) -> Result<bool, StoreError> {
        Ok(match self {
            Database::Postgres(p) => {
                sqlx::query_scalar("SELECT portee_has_staff()")
                    .fetch_one(p)
                    .await?
            }
            Database::Sqlite(p) => {
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM staff)")
                    .fetch_one(p)
                    .await?
            }
        })
    }

    /// The active demo accounts of a database marked as a demo (their
    /// passwords are public); none elsewhere.
    pub async fn demo_accounts(&self) -> Result<Vec<DemoAccountRow>, StoreError> {
        match self {
            Database::Postgres(p) => Ok(sqlx::query_as(
                "SELECT login, display_name, role, sites FROM portee_demo_accounts()",
            )
            .fetch_all(p)
            .await?),
            Database::Sqlite(p) => {
                let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
                    "SELECT id, login, display_name, role FROM staff WHERE is_demo AND active \
                     AND EXISTS (SELECT 1 FROM database_settings WHERE id = 1 AND demo) ORDER BY id",
                )
                .fetch_all(p)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for (id, login, display_name, role) in rows {
                    let sites = sqlx::query_scalar(
                        "SELECT site_id FROM staff_sites WHERE staff_id = $1 ORDER BY site_id",
                    )
                    .bind(id)
                    .fetch_all(p)
                    .await?;
                    out.push(DemoAccountRow {
                        login,
                        display_name,
                        role,
                        sites,
                    });
                }
                Ok(out)
            }
        }
    }

    /// PostgreSQL (as `portee_connexion`): whether `login` may try to sign
    /// in now (not locked; an expired lock is lifted). `bucket` stands for
    /// an identifier that matches no account.
    pub async fn sign_in_allowed(&self, login: &str, bucket: &str) -> Result<bool, StoreError> {
        let Database::Postgres(p) = self else {
            return Err(postgres_only());
        };
        Ok(sqlx::query_scalar("SELECT portee_sign_in_allowed($1, $2)")
            .bind(login)
            .bind(bucket)
            .fetch_one(p)
            .await?)
    }

    /// PostgreSQL (as `portee_connexion`): counts one password the server
    /// refused for `login` (or its `bucket`), locking the account (its
    /// role's password expires) at the `lock_at`-th for `lock_minutes`.
    /// Audited by the database. Returns the count.
    pub async fn count_refused_password(
        &self,
        login: &str,
        bucket: &str,
        workstation: &str,
        lock_at: u32,
        lock_minutes: u32,
    ) -> Result<u32, StoreError> {
        let Database::Postgres(p) = self else {
            return Err(postgres_only());
        };
        let n: i32 = sqlx::query_scalar("SELECT portee_sign_in_failed($1, $2, $3, $4, $5)")
            .bind(login)
            .bind(bucket)
            .bind(workstation)
            .bind(i32::try_from(lock_at).unwrap_or(i32::MAX))
            .bind(i32::try_from(lock_minutes).unwrap_or(i32::MAX))
            .fetch_one(p)
            .await?;
        Ok(u32::try_from(n).unwrap_or(0))
    }

    /// PostgreSQL (as the member): records the member's own sign-in or
    /// unlock (`action`) on `site`, failures reset, audited. `None` when the
    /// account may not sign in there now (not one of its sites, locked, a
    /// demo account outside a demo database); else the account's version.
    pub async fn record_member_sign_in(
        &self,
        site: i16,
        action: &'static str,
        workstation: &str,
    ) -> Result<Option<i32>, StoreError> {
        let Database::Postgres(p) = self else {
            return Err(postgres_only());
        };
        Ok(
            sqlx::query_scalar("SELECT portee_record_sign_in($1, $2, $3)")
                .bind(site)
                .bind(action)
                .bind(workstation)
                .fetch_one(p)
                .await?,
        )
    }
}

fn postgres_only() -> StoreError {
    StoreError::Invalid {
        message: "Cette opération n'existe que sur une base PostgreSQL.".into(),
    }
}
