//! The campaigns' administration (administrators): created for a school
//! year, their dates and documents deadline changed, opened and closed.
//! Days are the workstation's: a campaign opens at midnight of its first
//! day and closes at the end of its last, in the secretariat's time zone.

use chrono::{Local, NaiveDate, TimeZone, Utc};
use portee_api::{
    ApiError, ErrorCode,
    reinscription::{CampaignView, CampaignsView, SaveCampaignRequest},
};
use portee_domain::{
    auth::Action,
    campaign::{CampaignFields, status_label},
};
use portee_store::{CampaignValues, Database, StoreError};
use tauri::State;

use crate::{
    AppState,
    error::{forbidden, store_error},
    workstation,
};

fn day(t: chrono::DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%d/%m/%Y").to_string()
}

/// The instant a day starts (or ends) on this workstation.
fn local_instant(d: NaiveDate, end: bool) -> chrono::DateTime<Utc> {
    let time = if end {
        d.and_hms_opt(23, 59, 59)
    } else {
        d.and_hms_opt(0, 0, 0)
    }
    .unwrap_or_default();
    Local
        .from_local_datetime(&time)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&time), |t| t.with_timezone(&Utc))
}

async fn view(db: &Database, notice: String) -> Result<CampaignsView, ApiError> {
    let campaigns = db.campaigns().await.map_err(store_error)?;
    let years = db.school_years().await.map_err(store_error)?;
    Ok(CampaignsView {
        campaigns: campaigns
            .into_iter()
            .map(|c| CampaignView {
                id: c.id,
                label: c.label,
                school_year_label: c.school_year_label,
                opens_on: day(c.opens_at),
                closes_on: day(c.closes_at),
                documents_deadline: c.documents_deadline.format("%d/%m/%Y").to_string(),
                status_label: status_label(&c.status).to_owned(),
                status: c.status,
                version: c.version,
                seat_offer_days: c.seat_offer_days,
                reminder_days: c.reminder_days,
            })
            .collect(),
        school_years: years.into_iter().map(|y| (y.id, y.label)).collect(),
        notice,
    })
}

/// The campaigns (administrators).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_campaigns(
    state: State<'_, AppState>,
    request: (),
) -> Result<CampaignsView, ApiError> {
    let () = request;
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::ManageCampaigns, None)
        .map_err(forbidden)?;
    view(&db, String::new()).await
}

/// Creates or changes a campaign (administrators).
#[tauri::command]
#[tracing::instrument(skip_all, fields(campaign_id = request.id), err)]
pub async fn save_campaign(
    state: State<'_, AppState>,
    request: SaveCampaignRequest,
) -> Result<CampaignsView, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::ManageCampaigns, None)
        .map_err(forbidden)?;
    let fields = CampaignFields::parse(&request.fields).map_err(|errors| {
        crate::commands::offer::first_field_error(
            errors,
            ("campagne", "Cette campagne est invalide."),
        )
    })?;
    let values = CampaignValues {
        label: fields.label.clone(),
        opens_at: local_instant(fields.opens_on, false),
        closes_at: local_instant(fields.closes_on, true),
        documents_deadline: fields.documents_deadline,
        status: request.status.clone(),
        seat_offer_days: fields.seat_offer_days,
        reminder_days: fields.reminder_days,
    };
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let refused = |e: StoreError| match e {
        StoreError::Invalid { message } => ApiError::validation("campagne", message),
        StoreError::Conflict => ApiError::new(
            ErrorCode::Conflict,
            "Cette campagne a été modifiée sur un autre poste depuis l'ouverture de la page : \
             la liste est rechargée, vérifiez puis recommencez.",
        ),
        other => store_error(other),
    };
    let notice = match request.id {
        None => {
            let year = request.school_year_id.ok_or_else(|| {
                ApiError::validation("annee", "Choisissez l'année scolaire de la campagne.")
            })?;
            db.create_campaign(year, &values, &actor)
                .await
                .map_err(refused)?;
            format!("Campagne « {} » créée (en préparation).", fields.label)
        }
        Some(id) => {
            let after = db
                .update_campaign(id, request.expected_version, &values, &actor)
                .await
                .map_err(refused)?;
            format!(
                "Campagne « {} » enregistrée : {}, du {} au {}.",
                after.label,
                status_label(&after.status).to_lowercase(),
                day(after.opens_at),
                day(after.closes_at)
            )
        }
    };
    view(&db, notice).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_covers_its_whole_first_and_last_days_here() {
        let d = NaiveDate::from_ymd_opt(2028, 3, 1).unwrap();
        let start = local_instant(d, false).with_timezone(&Local);
        let end = local_instant(d, true).with_timezone(&Local);
        assert_eq!(start.date_naive(), d);
        assert_eq!(end.date_naive(), d);
        assert!(end > start);
        assert_eq!(day(local_instant(d, true)), "01/03/2028");
    }
}
