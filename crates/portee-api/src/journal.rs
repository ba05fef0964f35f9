//! The audit log as people read it: a record's « Historique des
//! modifications » (agents, for the families of their sites) and the whole
//! log, filtered and exported as CSV (administrators).

use serde::{Deserialize, Serialize};

use crate::Command;

/// Whose history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistorySubject {
    /// A student, with the family-wide entries (coordonnées, documents).
    Student(i64),
    /// A whole family: its guardians, students, dossiers and documents.
    Family(i64),
}

/// One value that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// One audit entry, in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    /// JJ/MM/AAAA HH:MM, local time.
    pub when: String,
    /// `family`, `staff` or `system`.
    pub actor_kind: String,
    /// « Famille (extranet) », « Personnel : Claire Dubois (agent.meudon) »…
    pub actor_label: String,
    pub workstation: String,
    pub action: String,
    pub action_label: String,
    /// « Famille 12 », « Document 345 »…
    pub entity_label: String,
    pub changes: Vec<FieldChange>,
}

/// A page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    /// Pass as `before_id` to read the next (older) page; `None` at the end.
    pub next_before_id: Option<i64>,
}

pub struct History;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRequest {
    pub subject: HistorySubject,
    pub before_id: Option<i64>,
}

impl Command for History {
    const NAME: &'static str = "history";
    type Request = HistoryRequest;
    type Response = HistoryPage;
}

/// The administrators' filter, as typed (parsed in the backend).
pub use portee_domain::journal::JournalFilterInput as AuditLogFilter;

/// A family of actions to filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionGroup {
    pub prefix: String,
    pub label: String,
}

pub struct AuditLog;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogRequest {
    pub filter: AuditLogFilter,
    pub before_id: Option<i64>,
}

impl Command for AuditLog {
    const NAME: &'static str = "audit_log";
    type Request = AuditLogRequest;
    type Response = HistoryPage;
}

/// The action groups offered by the filter.
pub struct AuditLogOptions;

impl Command for AuditLogOptions {
    const NAME: &'static str = "audit_log_options";
    type Request = ();
    type Response = Vec<ActionGroup>;
}

pub struct ExportAuditLog;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportAuditLogRequest {
    pub filter: AuditLogFilter,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportAuditLogResponse {
    /// Where the CSV file was written.
    pub path: String,
    pub rows: u64,
}

impl Command for ExportAuditLog {
    const NAME: &'static str = "export_audit_log";
    type Request = ExportAuditLogRequest;
    type Response = ExportAuditLogResponse;
}
