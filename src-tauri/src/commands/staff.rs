//! Staff administration: administrators only, checked here on every call.

use portee_api::{
    ApiError, ErrorCode,
    staff::{ChangeStaffRequest, CreateStaffRequest, StaffAction, StaffSummary},
};
use portee_domain::{
    PersonName, Site,
    auth::{Action, Role, check_new_password},
};
use portee_store::{Actor, Database, NewStaff, StaffChange, StaffRow};
use tauri::State;

use crate::{AppState, error::store_error, workstation};

fn summary(s: StaffRow) -> StaffSummary {
    let role = Role::from_code(&s.role);
    StaffSummary {
        role_label: role.map_or("?", Role::label).to_owned(),
        site_names: s
            .sites
            .iter()
            .map(|id| {
                Site::ALL
                    .get((*id - 1) as usize)
                    .map_or("?", |x| x.name())
                    .to_owned()
            })
            .collect(),
        site_ids: s.sites,
        locked: s.locked_until.is_some_and(|t| t > chrono::Utc::now()),
        id: s.id,
        login: s.login,
        display_name: s.display_name,
        role: s.role,
        active: s.active,
        must_change_password: s.must_change_password,
        is_demo: s.is_demo,
        version: s.version,
    }
}

/// The signed-in administrator and the database, or a refusal.
async fn admin(state: &AppState) -> Result<(Actor, Database), ApiError> {
    let (member, db) = crate::session::require(state).await?;
    member
        .scope
        .authorize(Action::ManageStaff, None)
        .map_err(|e| ApiError::new(ErrorCode::Forbidden, e.message()))?;
    Ok((Actor::staff(member.staff_id, workstation()), db))
}

fn check_role_and_sites(role: Option<&str>, sites: &[i16]) -> Result<(Role, Vec<i16>), ApiError> {
    let role = role
        .and_then(Role::from_code)
        .ok_or_else(|| ApiError::validation("role", "Choisissez un rôle."))?;
    let mut sites: Vec<i16> = sites.to_vec();
    sites.sort_unstable();
    sites.dedup();
    if sites.iter().any(|s| !(1..=8).contains(s)) {
        return Err(ApiError::validation("site_ids", "Site inconnu."));
    }
    if role != Role::Admin && sites.is_empty() {
        return Err(ApiError::validation(
            "site_ids",
            "Choisissez au moins un site pour ce rôle.",
        ));
    }
    Ok((role, sites))
}

async fn hash(password: String) -> Result<portee_store::PasswordSecret, ApiError> {
    check_new_password(&password)
        .map_err(|e| ApiError::validation("temporary_password", e.message()))?;
    tokio::task::spawn_blocking(move || portee_services::auth::password_secret(&password))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|_| ApiError::internal())
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_staff(
    state: State<'_, AppState>,
    request: (),
) -> Result<Vec<StaffSummary>, ApiError> {
    let () = request;
    let (_, db) = admin(&state).await?;
    Ok(db
        .all_staff()
        .await
        .map_err(store_error)?
        .into_iter()
        .map(summary)
        .collect())
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn create_staff(
    state: State<'_, AppState>,
    request: CreateStaffRequest,
) -> Result<StaffSummary, ApiError> {
    let (actor, db) = admin(&state).await?;
    let login = request.login.trim().to_lowercase();
    if login.len() < 3
        || login.len() > 60
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(ApiError::validation(
            "login",
            "L'identifiant compte 3 à 60 caractères : lettres sans accent, chiffres, point, tiret.",
        ));
    }
    let name = PersonName::parse(&request.display_name)
        .map_err(|e| ApiError::validation("display_name", e.message()))?;
    let (role, sites) = check_role_and_sites(request.role.as_deref(), &request.site_ids)?;
    let secret = hash(request.temporary_password).await?;
    let new = NewStaff {
        login,
        display_name: name.to_string(),
        role: role.code().to_owned(),
        password_hash: secret.hash,
        scram_verifier: secret.scram,
        must_change_password: true,
        sites,
    };
    match db.create_staff(&new, &actor).await {
        Err(portee_store::StoreError::Duplicate) => Err(ApiError::validation(
            "login",
            "Cet identifiant est déjà pris.",
        )),
        other => other.map(summary).map_err(store_error),
    }
}

#[tauri::command]
#[tracing::instrument(skip(state, request), fields(id = request.id), err)]
pub async fn change_staff(
    state: State<'_, AppState>,
    request: ChangeStaffRequest,
) -> Result<StaffSummary, ApiError> {
    let (actor, db) = admin(&state).await?;
    let change = match request.action {
        StaffAction::Enable => StaffChange::Active(true),
        StaffAction::Disable => StaffChange::Active(false),
        StaffAction::ResetPassword { temporary_password } => {
            StaffChange::ResetPassword(hash(temporary_password).await?)
        }
        StaffAction::RoleAndSites { role, site_ids } => {
            let (role, sites) = check_role_and_sites(Some(&role), &site_ids)?;
            StaffChange::RoleAndSites {
                role: role.code().to_owned(),
                sites,
            }
        }
    };
    db.change_staff(request.id, request.version, &change, &actor)
        .await
        .map(summary)
        .map_err(store_error)
}
