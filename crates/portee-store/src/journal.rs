//! Reading the audit log: a record's « Historique des modifications » and
//! the administrators' filtered view of the whole log (newest first, paged
//! by id so that entries appended meanwhile never shift a page).

use chrono::{DateTime, Utc};
use portee_domain::search::prefix_end;
use serde::Serialize;

use crate::{ActorKind, Database, StoreError, pool::on_pool};

/// One audit entry as read back, with the staff member's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub staff_id: Option<i64>,
    pub staff_login: Option<String>,
    pub staff_name: Option<String>,
    pub workstation: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub family_id: Option<i64>,
    pub student_id: Option<i64>,
    /// True when the entry is about a student on a site the reader does not
    /// cover ([`AuditFilter::visible_sites`]): it then says only that, with
    /// no student, values, author or workstation (see [`OTHER_SITE_CHILD`]).
    #[sqlx(default)]
    pub masked: bool,
}

/// The action of a masked entry: a change about another child of the
/// family, followed on a site the reader does not cover.
pub const OTHER_SITE_CHILD: &str = "family.other_site_child";

impl AuditRow {
    /// The same entry with everything about the student removed.
    fn without_student(self) -> AuditRow {
        AuditRow {
            id: self.id,
            occurred_at: self.occurred_at,
            actor_kind: self.actor_kind,
            staff_id: None,
            staff_login: None,
            staff_name: None,
            workstation: String::new(),
            action: OTHER_SITE_CHILD.to_owned(),
            entity_type: "student".to_owned(),
            entity_id: String::new(),
            before_json: None,
            after_json: None,
            family_id: self.family_id,
            student_id: None,
            masked: true,
        }
    }
}

/// What to read from the log. Every condition is optional; all given ones
/// must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Entries strictly before this instant.
    pub until: Option<DateTime<Utc>>,
    pub staff_id: Option<i64>,
    pub actor_kind: Option<ActorKind>,
    /// `staff.` matches every staff action; `staff.create` only that one.
    pub action_prefix: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// The whole history of a family (its guardians, students, dossiers
    /// and documents).
    pub family_id: Option<i64>,
    /// Entries about this student only.
    pub student_id: Option<i64>,
    /// A student's history: entries about them, and the family-wide ones
    /// (contact details, documents) of their family.
    pub student: Option<(i64, i64)>,
    /// Paging: entries with a smaller id than this (the last one shown).
    pub before_id: Option<i64>,
    /// The reader's sites (`None`: every site, administrators). Entries
    /// about a student of another site are returned masked
    /// (see [`OTHER_SITE_CHILD`]); entries about no student are returned whole.
    pub visible_sites: Option<Vec<i16>>,
}

enum Bind {
    Time(DateTime<Utc>),
    Int(i64),
    Text(String),
}

/// Hides the row entries whose transaction has an entry of the app.
const ONLY_TOLD_ONCE: &str = "NOT (a.origin = 'row' AND EXISTS (SELECT 1 FROM audit_log p \
     WHERE p.xact_id = a.xact_id AND p.origin = 'app'))";

/// The SQL and its bound values for `filter`, newest first, `limit` rows.
fn journal_sql(filter: &AuditFilter, limit: i64, postgres: bool) -> (String, Vec<Bind>) {
    // A row entry written by a trigger (PostgreSQL, migration 0007) in a
    // transaction that also holds the app's own entry says again what that
    // entry says: only the app's is shown. A row entry alone (a change
    // made with psql, say) is shown as it is.
    let mut conditions: Vec<String> = vec![ONLY_TOLD_ONCE.to_owned()];
    let mut binds: Vec<Bind> = Vec::new();
    let mut push = |sql: &dyn Fn(usize) -> String, values: Vec<Bind>| {
        let first = binds.len() + 1;
        conditions.push(sql(first));
        binds.extend(values);
    };
    if let Some(t) = filter.from {
        push(&|n| format!("a.occurred_at >= ${n}"), vec![Bind::Time(t)]);
    }
    if let Some(t) = filter.until {
        push(&|n| format!("a.occurred_at < ${n}"), vec![Bind::Time(t)]);
    }
    if let Some(id) = filter.staff_id {
        push(&|n| format!("a.staff_id = ${n}"), vec![Bind::Int(id)]);
    }
    if let Some(kind) = filter.actor_kind {
        push(
            &|n| format!("a.actor_kind = ${n}"),
            vec![Bind::Text(kind.as_str().to_owned())],
        );
    }
    if let Some(prefix) = filter.action_prefix.as_deref().filter(|p| !p.is_empty()) {
        push(
            &|n| format!("(a.action >= ${n} AND a.action < ${})", n + 1),
            vec![
                Bind::Text(prefix.to_owned()),
                Bind::Text(prefix_end(prefix)),
            ],
        );
    }
    if let Some(t) = &filter.entity_type {
        push(
            &|n| format!("a.entity_type = ${n}"),
            vec![Bind::Text(t.clone())],
        );
    }
    if let Some(id) = &filter.entity_id {
        push(
            &|n| format!("a.entity_id = ${n}"),
            vec![Bind::Text(id.clone())],
        );
    }
    if let Some(id) = filter.family_id {
        push(&|n| format!("a.family_id = ${n}"), vec![Bind::Int(id)]);
    }
    if let Some(id) = filter.student_id {
        push(&|n| format!("a.student_id = ${n}"), vec![Bind::Int(id)]);
    }
    if let Some((student, family)) = filter.student {
        push(
            &|n| {
                format!(
                    "(a.student_id = ${n} OR (a.family_id = ${} AND a.student_id IS NULL))",
                    n + 1
                )
            },
            vec![Bind::Int(student), Bind::Int(family)],
        );
    }
    if let Some(id) = filter.before_id {
        push(&|n| format!("a.id < ${n}"), vec![Bind::Int(id)]);
    }
    let filter_sql = format!("WHERE {} ", conditions.join(" AND "));
    let limit_param = binds.len() + 1;
    binds.push(Bind::Int(limit));
    // Masked: about a student who is not on one of the reader's sites. The
    // site ids are numbers, written into the text (no user input).
    let masked = match &filter.visible_sites {
        None => String::new(),
        Some(sites) => {
            let list = if sites.is_empty() {
                "NULL".to_owned()
            } else {
                sites
                    .iter()
                    .map(i16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                ", (a.student_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM students st \
                 WHERE st.id = a.student_id AND st.site_id IN ({list}))) AS masked"
            )
        }
    };
    // Authors' names: on PostgreSQL a member reads only their own staff
    // row; the directory function gives every account's identifier and
    // name (nothing else) to whoever reads the log (migration 0007).
    let staff = if postgres {
        "portee_staff_directory()"
    } else {
        "staff"
    };
    (
        format!(
            "SELECT a.id, a.occurred_at, a.actor_kind, a.staff_id, s.login AS staff_login, \
             s.display_name AS staff_name, a.workstation, a.action, a.entity_type, a.entity_id, \
             a.before_json, a.after_json, a.family_id, a.student_id{masked} \
             FROM audit_log a LEFT JOIN {staff} s ON s.id = a.staff_id \
             {filter_sql}ORDER BY a.id DESC LIMIT ${limit_param}"
        ),
        binds,
    )
}

impl Database {
    /// At most `limit` (1–5,000) entries matching `filter`, newest first.
    #[tracing::instrument(skip_all, fields(limit), err)]
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: u32,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let postgres = matches!(self, Database::Postgres(_));
        let (sql, binds) = journal_sql(filter, i64::from(limit.clamp(1, 5000)), postgres);
        on_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(sql));
            for b in binds {
                q = match b {
                    Bind::Time(t) => q.bind(t),
                    Bind::Int(i) => q.bind(i),
                    Bind::Text(s) => q.bind(s),
                };
            }
            let rows = q.fetch_all(pool).await.map_err(StoreError::from)?;
            Ok(rows
                .into_iter()
                .map(|r| if r.masked { r.without_student() } else { r })
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_numbered_in_order_and_the_limit_comes_last() {
        let (sql, binds) = journal_sql(
            &AuditFilter {
                staff_id: Some(3),
                action_prefix: Some("staff.".into()),
                student: Some((7, 2)),
                before_id: Some(100),
                ..Default::default()
            },
            50,
            false,
        );
        assert!(sql.contains(&format!(
            "WHERE {ONLY_TOLD_ONCE} AND a.staff_id = $1 AND (a.action >= $2 AND a.action < $3) AND \
             (a.student_id = $4 OR (a.family_id = $5 AND a.student_id IS NULL)) AND a.id < $6 "
        )));
        assert!(sql.ends_with("ORDER BY a.id DESC LIMIT $7"));
        assert_eq!(binds.len(), 7);
        let (sql, binds) = journal_sql(&AuditFilter::default(), 10, false);
        assert!(sql.contains("LEFT JOIN staff s"));
        assert!(
            journal_sql(&AuditFilter::default(), 10, true)
                .0
                .contains("LEFT JOIN portee_staff_directory() s")
        );
        assert!(sql.contains(&format!("WHERE {ONLY_TOLD_ONCE} ORDER BY")));
        assert_eq!(binds.len(), 1);
    }
}
