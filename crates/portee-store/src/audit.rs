//! The append-only audit log: every write appends who, when, which
//! workstation, the action, the entity, and the values before and after,
//! inside the same transaction as the write.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Who performs a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// The staff member, when `kind` is `Staff`.
    pub staff_id: Option<i64>,
    /// The workstation's name (host name), for the log.
    pub workstation: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Staff,
    Family,
    System,
}

impl ActorKind {
    pub fn from_code(code: &str) -> Option<ActorKind> {
        match code {
            "staff" => Some(ActorKind::Staff),
            "family" => Some(ActorKind::Family),
            "system" => Some(ActorKind::System),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Staff => "staff",
            ActorKind::Family => "family",
            ActorKind::System => "system",
        }
    }
}

impl Actor {
    pub fn system(workstation: impl Into<String>) -> Self {
        Self {
            kind: ActorKind::System,
            staff_id: None,
            workstation: workstation.into(),
        }
    }

    /// A family acting through the extranet.
    pub fn family(workstation: impl Into<String>) -> Self {
        Self {
            kind: ActorKind::Family,
            staff_id: None,
            workstation: workstation.into(),
        }
    }

    pub fn staff(staff_id: i64, workstation: impl Into<String>) -> Self {
        Self {
            kind: ActorKind::Staff,
            staff_id: Some(staff_id),
            workstation: workstation.into(),
        }
    }
}

/// One audit entry to append. `family_id` and `student_id` name the record
/// the entry belongs to (for its « Historique des modifications »), whatever
/// the entity changed; given a student only, the entry takes their family.
#[derive(Default)]
pub(crate) struct AuditEntry<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub family_id: Option<i64>,
    pub student_id: Option<i64>,
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// How each backend appends an entry. SQLite: a plain INSERT. PostgreSQL:
/// `portee_audit_append` (migration 0007), which in a staff member's
/// session stamps the session's own account and time whatever is passed,
/// and which is the only way a staff role can write to the log.
pub(crate) trait AuditSql {
    const INSERT_AUDIT: &'static str;
}

impl AuditSql for sqlx::Sqlite {
    const INSERT_AUDIT: &'static str = "INSERT INTO audit_log \
        (occurred_at, actor_kind, staff_id, workstation, action, entity_type, entity_id, before_json, after_json, \
        family_id, student_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
        COALESCE($10, (SELECT family_id FROM students WHERE id = $11)), $11)";
}

impl AuditSql for sqlx::Postgres {
    const INSERT_AUDIT: &'static str =
        "SELECT portee_audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
}

/// The append statement of the backend `_conn` belongs to.
pub(crate) fn insert_audit_sql<'c, E>(_conn: &E) -> &'static str
where
    E: sqlx::Executor<'c>,
    E::Database: AuditSql,
{
    <E::Database as AuditSql>::INSERT_AUDIT
}

/// Appends `entry` on `$conn` (a transaction of either backend).
macro_rules! append_audit {
    ($conn:expr, $actor:expr, $now:expr, $entry:expr) => {{
        let entry: $crate::audit::AuditEntry<'_> = $entry;
        let conn = $conn;
        sqlx::query($crate::audit::insert_audit_sql(&conn))
            .bind($now)
            .bind($actor.kind.as_str())
            .bind($actor.staff_id)
            .bind(&$actor.workstation)
            .bind(entry.action)
            .bind(entry.entity_type)
            .bind(entry.entity_id)
            .bind(entry.before)
            .bind(entry.after)
            .bind(entry.family_id)
            .bind(entry.student_id)
            .execute(conn)
            .await
    }};
}
pub(crate) use append_audit;

/// The current time, truncated to microseconds so both databases store it
/// identically.
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t - chrono::Duration::nanoseconds(i64::from(t.timestamp_subsec_nanos() % 1000))
}

/// The values of a journal export's audit entry: the filter, by ids and
/// codes (never a typed text), the number of lines and the file's name.
fn export_json(filter: &crate::AuditFilter, rows: u64, file_name: &str) -> serde_json::Value {
    let mut v = serde_json::Map::new();
    let mut put = |k: &str, x: serde_json::Value| {
        if !x.is_null() {
            v.insert(k.to_owned(), x);
        }
    };
    put("from", serde_json::json!(filter.from));
    put("until", serde_json::json!(filter.until));
    put("staff_id", serde_json::json!(filter.staff_id));
    put(
        "actor_kind",
        serde_json::json!(filter.actor_kind.map(ActorKind::as_str)),
    );
    put("action_prefix", serde_json::json!(filter.action_prefix));
    put("entity_type", serde_json::json!(filter.entity_type));
    put("entity_id", serde_json::json!(filter.entity_id));
    put("family_id", serde_json::json!(filter.family_id));
    put("student_id", serde_json::json!(filter.student_id));
    put("rows", serde_json::json!(rows));
    put("file_name", serde_json::json!(file_name));
    serde_json::Value::Object(v)
}

impl crate::Database {
    /// Appends `journal.export` (who exported which filter, how many lines,
    /// to which file) in its own write transaction. The export is handed
    /// out only once this returned `Ok`: no export goes unaudited.
    pub async fn record_journal_export(
        &self,
        filter: &crate::AuditFilter,
        rows: u64,
        file_name: &str,
        actor: &Actor,
    ) -> Result<(), crate::StoreError> {
        let after = export_json(filter, rows, file_name).to_string();
        self.record_export("journal.export", "journal", after, file_name, actor)
            .await
    }

    /// Records that a list left Portée as a CSV file: which list, with
    /// which filter, how many rows, under which file name (never the rows).
    pub async fn record_list_export(
        &self,
        action: &'static str,
        filter: serde_json::Value,
        rows: u64,
        file_name: &str,
        actor: &Actor,
    ) -> Result<(), crate::StoreError> {
        let after = serde_json::json!({ "filter": filter, "rows": rows, "file_name": file_name })
            .to_string();
        self.record_export(action, "export", after, file_name, actor)
            .await
    }

    /// One export's audit entry, in its own write transaction.
    async fn record_export(
        &self,
        action: &'static str,
        entity_type: &'static str,
        after: String,
        file_name: &str,
        actor: &Actor,
    ) -> Result<(), crate::StoreError> {
        use crate::pool::WritePool;
        crate::pool::on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action,
                entity_type,
                entity_id: file_name.to_owned(),
                before: None,
                after: Some(after),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(())
        })
    }
}
