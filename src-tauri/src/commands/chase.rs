//! « Pièces manquantes »: who still owes what on a site (the store reads,
//! `portee_domain::chase` decides), the reminders (one e-mail per family
//! into the outbox, recorded on the family, a second one within the
//! campaign's delay only once confirmed) and the list's CSV export.

use chrono::{Local, Utc};
use portee_api::{
    ApiError,
    documents::{
        ExportMissingRequest, MissingDocumentsRequest, MissingDocumentsView, MissingLine, OwedItem,
        RemindersDone, SendRemindersRequest,
    },
    journal::ExportAuditLogResponse,
};
use portee_domain::{
    Site,
    auth::Action,
    chase::{OwedState, days_left, days_left_label, second_reminder_within},
    reinscription::DocumentKind,
};
use portee_store::{Actor, MissingList};
use tauri::State;

use crate::{
    AppState,
    error::{forbidden, store_error},
    workstation,
};

fn moment(t: chrono::DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%d/%m/%Y %H:%M").to_string()
}

fn family_text(name: Option<&str>, number: &str) -> String {
    match name {
        Some(name) => format!("{} ({number})", name.to_uppercase()),
        None => number.to_owned(),
    }
}

/// The site and campaign asked, checked against the member's sites and
/// the campaigns that exist; the member and their connection.
async fn scope(
    state: &AppState,
    site: Option<i16>,
    campaign: Option<i64>,
    action: Action,
) -> Result<
    (
        portee_services::session::SignedIn,
        portee_store::Database,
        i16,
        i64,
        Vec<(i64, String)>,
    ),
    ApiError,
> {
    let (member, db) = crate::session::require(state).await?;
    member.scope.authorize(action, None).map_err(forbidden)?;
    let visible = member.scope.visible_sites();
    let site = match site {
        Some(s) => s,
        None => visible.and_then(|v| v.first().copied()).unwrap_or(1),
    };
    if Site::from_id(site).is_none() {
        return Err(ApiError::validation("manquantes-site", "Site inconnu."));
    }
    member
        .scope
        .authorize(action, Some(site))
        .map_err(forbidden)?;
    let campaigns: Vec<(i64, String)> = db
        .campaigns()
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|c| (c.id, c.label))
        .collect();
    let campaign = match campaign {
        Some(id) if campaigns.iter().any(|c| c.0 == id) => id,
        Some(_) => {
            return Err(ApiError::validation(
                "manquantes-campagne",
                "Campagne inconnue.",
            ));
        }
        None => db.current_campaign_id().await.map_err(store_error)?,
    };
    Ok((member, db, site, campaign, campaigns))
}

fn lines(list: &MissingList) -> Vec<MissingLine> {
    let now = Utc::now();
    list.rows
        .iter()
        .map(|r| MissingLine {
            family_id: r.family_id,
            family: family_text(r.family_name.as_deref(), &r.family_number),
            children: r.children.join(", "),
            email: r.email.clone(),
            items: r
                .owed
                .iter()
                .map(|o| OwedItem {
                    doc_type: o.kind.code().to_owned(),
                    doc_label: o.kind.label().to_owned(),
                    state: match o.state {
                        OwedState::Missing => "manquant",
                        OwedState::Received => "a_examiner",
                        OwedState::Refused { .. } => "refuse",
                    }
                    .to_owned(),
                    text: o.summary(),
                })
                .collect(),
            reminders: r.reminders,
            last_reminder: r.last_reminder.map(moment),
            reminded_recently: second_reminder_within(r.last_reminder, now, list.reminder_days)
                .is_some(),
        })
        .collect()
}

/// The families of a site that still owe documents for a campaign.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_missing_documents(
    state: State<'_, AppState>,
    request: MissingDocumentsRequest,
) -> Result<MissingDocumentsView, ApiError> {
    let (member, db, site, campaign, campaigns) = scope(
        &state,
        request.site_id,
        request.campaign_id,
        Action::ViewFamilies,
    )
    .await?;
    let list = db
        .missing_documents(site, campaign)
        .await
        .map_err(store_error)?;
    let days = days_left(list.documents_deadline, Local::now().date_naive());
    let visible = member.scope.visible_sites();
    Ok(MissingDocumentsView {
        site_id: site,
        campaign_id: campaign,
        campaign_label: list.campaign_label.clone(),
        documents_deadline: list.documents_deadline.format("%d/%m/%Y").to_string(),
        days_left: days,
        days_left_label: days_left_label(days),
        reminder_days: list.reminder_days,
        families_total: list.families,
        rows: lines(&list),
        sites: (1..=8i16)
            .filter(|id| visible.is_none_or(|v| v.contains(id)))
            .map(|id| (id, Site::name_of(id).to_owned()))
            .collect(),
        campaigns,
        doc_types: DocumentKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), k.label().to_owned()))
            .collect(),
    })
}

/// Queues one reminder per family; asks for confirmation first when a
/// family was reminded less than the campaign's delay ago.
#[tauri::command]
#[tracing::instrument(skip_all, fields(families = request.family_ids.len()), err)]
pub async fn send_document_reminders(
    state: State<'_, AppState>,
    request: SendRemindersRequest,
) -> Result<RemindersDone, ApiError> {
    let (member, db, site, campaign, _) = scope(
        &state,
        Some(request.site_id),
        Some(request.campaign_id),
        Action::EditFamilies,
    )
    .await?;
    if request.family_ids.is_empty() {
        return Err(ApiError::validation(
            "manquantes-selection",
            "Choisissez au moins une famille à relancer.",
        ));
    }
    let actor = Actor::staff(member.staff_id, workstation());
    let outcome = db
        .send_document_reminders(
            site,
            campaign,
            &request.family_ids,
            request.confirmed,
            &actor,
        )
        .await
        .map_err(store_error)?;
    let needs_confirmation: Vec<String> = outcome
        .needs_confirmation
        .iter()
        .map(|(_, number, at)| format!("famille {number}, relancée le {}", moment(*at)))
        .collect();
    let without_email: Vec<String> = outcome
        .without_email
        .iter()
        .map(|(_, number)| format!("famille {number}"))
        .collect();
    let sent = outcome.sent.len();
    let message = if !needs_confirmation.is_empty() {
        String::new()
    } else {
        let mut m = match sent {
            0 => "Aucune relance envoyée.".to_owned(),
            1 => "1 relance placée dans la boîte d'envoi.".to_owned(),
            n => format!("{n} relances placées dans la boîte d'envoi."),
        };
        if !without_email.is_empty() {
            m.push_str(&format!(
                " {} famille(s) sans adresse e-mail : à relancer par téléphone ou courrier.",
                without_email.len()
            ));
        }
        if !outcome.nothing_to_ask.is_empty() {
            m.push_str(&format!(
                " {} famille(s) sans rien à demander (pièces complètes ou en cours d'examen).",
                outcome.nothing_to_ask.len()
            ));
        }
        m
    };
    Ok(RemindersDone {
        message,
        sent,
        without_email,
        needs_confirmation,
    })
}

/// The list as CSV in the exports folder, the lines shown in their order.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn export_missing_documents(
    state: State<'_, AppState>,
    request: ExportMissingRequest,
) -> Result<ExportAuditLogResponse, ApiError> {
    let (member, db, site, campaign, _) = scope(
        &state,
        Some(request.site_id),
        Some(request.campaign_id),
        Action::ViewFamilies,
    )
    .await?;
    let list = db
        .missing_documents(site, campaign)
        .await
        .map_err(store_error)?;
    let mut shown = lines(&list);
    if !request.family_ids.is_empty() {
        let order = |id: i64| request.family_ids.iter().position(|f| *f == id);
        shown.retain(|l| order(l.family_id).is_some());
        shown.sort_by_key(|l| order(l.family_id));
    }
    let exports = super::exports::Exports::ready(&state, "missing documents")?;
    let path = exports.file(
        &format!(
            "pieces-manquantes-{}",
            Site::from_id(site).map_or("site", |s| s.code())
        ),
        "csv",
    );
    let name = super::exports::file_name(&path);
    let header = [
        "famille",
        "enfants",
        "courriel",
        "pièces dues",
        "manquantes",
        "refusées",
        "à examiner",
        "relances",
        "dernière relance",
        "date limite",
    ];
    let deadline = list.documents_deadline.format("%d/%m/%Y").to_string();
    let count = |l: &MissingLine, state: &str| l.items.iter().filter(|i| i.state == state).count();
    let rows = shown.iter().map(|l| {
        vec![
            l.family.clone(),
            l.children.clone(),
            l.email.clone().unwrap_or_default(),
            l.items
                .iter()
                .map(|i| i.text.as_str())
                .collect::<Vec<_>>()
                .join(" ; "),
            count(l, "manquant").to_string(),
            count(l, "refuse").to_string(),
            count(l, "a_examiner").to_string(),
            l.reminders.to_string(),
            l.last_reminder.clone().unwrap_or_default(),
            deadline.clone(),
        ]
    });
    let written = portee_services::export::write_csv_file(&path, &header, rows)
        .map_err(|e| exports.unwritable(&e))?;
    let actor = Actor::staff(member.staff_id, workstation());
    let recorded = db
        .record_list_export(
            "document.missing_export",
            serde_json::json!({ "site_id": site, "campaign_id": campaign }),
            written,
            &name,
            &actor,
        )
        .await;
    if let Err(e) = recorded {
        // Not audited: the file does not stay.
        let _ = std::fs::remove_file(&path);
        return Err(store_error(e));
    }
    Ok(ExportAuditLogResponse {
        path: path.display().to_string(),
        rows: written,
    })
}
