//! The audit log: a record's history (for whoever may see the record) and
//! the whole log, filtered and exported (administrators).

use portee_api::{
    ApiError, ErrorCode,
    journal::{
        ActionGroup, AuditLogRequest, ExportAuditLogRequest, ExportAuditLogResponse, FieldChange,
        HistoryEntry, HistoryPage, HistoryRequest, HistorySubject,
    },
};
use portee_domain::{
    auth::Action,
    journal::{ACTION_GROUPS, JournalFilter},
};
use portee_services::journal::{self as journal, JournalError};
use portee_store::{AuditFilter, AuditRow};
use tauri::State;

use crate::{
    AppState,
    commands::families::{authorize_family, authorize_student},
    error::{forbidden, store_error},
};

const PAGE: u32 = 100;

fn entry(row: &AuditRow) -> HistoryEntry {
    let told = journal::tell(row);
    HistoryEntry {
        id: row.id,
        when: told.when,
        actor_kind: row.actor_kind.clone(),
        actor_label: told.actor_label,
        workstation: row.workstation.clone(),
        action: row.action.clone(),
        action_label: told.action_label,
        entity_label: told.entity_label,
        changes: told
            .changes
            .into_iter()
            .map(|c| FieldChange {
                field: c.field,
                before: c.before,
                after: c.after,
            })
            .collect(),
    }
}

fn page(rows: &[AuditRow]) -> HistoryPage {
    HistoryPage {
        entries: rows.iter().map(entry).collect(),
        next_before_id: rows
            .last()
            .filter(|_| rows.len() == PAGE as usize)
            .map(|r| r.id),
    }
}

fn journal_error(e: JournalError) -> ApiError {
    match e {
        JournalError::Field(f) => ApiError::validation(f.field, f.message),
        JournalError::Store(s) => store_error(s),
        JournalError::Write(_) => ApiError::new(ErrorCode::Internal, e.to_string()),
    }
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(subject = ?request.subject), err)]
pub async fn history(
    state: State<'_, AppState>,
    request: HistoryRequest,
) -> Result<HistoryPage, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    // Entries about a child on a site the member does not cover come back
    // masked: « Un autre enfant de la famille, suivi sur un autre site ».
    let mut filter = AuditFilter {
        before_id: request.before_id,
        visible_sites: member.scope.visible_sites().map(<[i16]>::to_vec),
        ..Default::default()
    };
    match request.subject {
        HistorySubject::Student(id) => {
            let (_, family) =
                authorize_student(&db, &member.scope, Action::ViewFamilies, id).await?;
            filter.student = Some((id, family));
        }
        HistorySubject::Family(id) => {
            authorize_family(&db, &member.scope, Action::ViewFamilies, id).await?;
            filter.family_id = Some(id);
        }
    }
    let rows = db.audit_entries(&filter, PAGE).await.map_err(store_error)?;
    Ok(page(&rows))
}

/// The signed-in member and the database, if they may read the whole log.
async fn auditor(
    state: &AppState,
) -> Result<(portee_services::session::SignedIn, portee_store::Database), ApiError> {
    let (member, db) = crate::session::require(state).await?;
    member
        .scope
        .authorize(Action::ViewAuditLog, None)
        .map_err(forbidden)?;
    Ok((member, db))
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn audit_log_options(
    state: State<'_, AppState>,
    request: (),
) -> Result<Vec<ActionGroup>, ApiError> {
    let () = request;
    auditor(&state).await?;
    Ok(ACTION_GROUPS
        .iter()
        .map(|(prefix, label)| ActionGroup {
            prefix: (*prefix).to_owned(),
            label: (*label).to_owned(),
        })
        .collect())
}

/// The administrator's filter, parsed and resolved against `db`.
async fn resolved(
    db: &portee_store::Database,
    input: &portee_api::journal::AuditLogFilter,
) -> Result<AuditFilter, ApiError> {
    let filter =
        JournalFilter::parse(input).map_err(|e| ApiError::validation(e.field, e.message))?;
    journal::resolve(db, &filter).await.map_err(journal_error)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn audit_log(
    state: State<'_, AppState>,
    request: AuditLogRequest,
) -> Result<HistoryPage, ApiError> {
    let (_, db) = auditor(&state).await?;
    let mut filter = resolved(&db, &request.filter).await?;
    filter.before_id = request.before_id;
    let rows = db.audit_entries(&filter, PAGE).await.map_err(store_error)?;
    Ok(page(&rows))
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn export_audit_log(
    state: State<'_, AppState>,
    request: ExportAuditLogRequest,
) -> Result<ExportAuditLogResponse, ApiError> {
    let (member, db) = auditor(&state).await?;
    let filter = resolved(&db, &request.filter).await?;
    let path = super::exports::Exports::ready(&state, "journal")?.file("journal", "csv");
    let actor = portee_store::Actor::staff(member.staff_id, crate::workstation());
    let rows = journal::export_csv(&db, &filter, &path, &actor)
        .await
        .map_err(journal_error)?;
    Ok(ExportAuditLogResponse {
        path: path.display().to_string(),
        rows,
    })
}
