//! Sign-in, sign-out, the inactivity lock and the first administrator.

use portee_api::{
    ApiError, ErrorCode,
    auth::{
        AuthStatusResponse, ChangeOwnPasswordRequest, CreateFirstAdminRequest, DemoAccount,
        SessionInfo, SignInRequest, SiteOption, UnlockRequest,
    },
};
use portee_domain::{Site, auth::Role};
use portee_services::session::{self, SignInError, SignedIn};
use portee_store::DatabaseKind;
use tauri::State;

use crate::{AppState, error::store_error, workstation};

fn site_name(id: i16) -> String {
    Site::ALL
        .get((id - 1) as usize)
        .map_or_else(|| format!("site {id}"), |s| s.name().to_owned())
}

fn info(s: &SignedIn) -> SessionInfo {
    let role = s.scope.role;
    SessionInfo {
        display_name: s.display_name.clone(),
        login: s.login.clone(),
        role: role.code().to_owned(),
        role_label: role.label().to_owned(),
        site_id: s.site,
        site_name: site_name(s.site),
        site_names: match s.scope.visible_sites() {
            None => vec!["tous les sites".to_owned()],
            Some(ids) => ids.iter().map(|id| site_name(*id)).collect(),
        },
        is_admin: role == Role::Admin,
        must_change_password: s.must_change_password,
    }
}

fn sign_in_error(e: SignInError) -> ApiError {
    match e {
        SignInError::Refused => ApiError::new(ErrorCode::Unauthenticated, e.to_string()),
        SignInError::WrongSite => ApiError::validation("site_id", e.to_string()),
        SignInError::Invalid(m) => ApiError::new(ErrorCode::Validation, m),
        SignInError::Locked => ApiError::new(ErrorCode::Unauthenticated, e.to_string()),
        SignInError::Store(s) => store_error(s),
    }
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn auth_status(
    state: State<'_, AppState>,
    request: (),
) -> Result<AuthStatusResponse, ApiError> {
    let () = request;
    // Before sign-in: on PostgreSQL the guest role, which reads no staff
    // row, only what these two functions say.
    let db = state.database(false).await?;
    let first_admin_needed = !db.has_staff().await.map_err(store_error)?;
    let demo_accounts = db
        .demo_accounts()
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|s| DemoAccount {
            password: format!("demo-{}", s.login),
            role_label: Role::from_code(&s.role).map_or("?", Role::label).to_owned(),
            // Administrators see every site: say so rather than list eight.
            sites: if s.role == "admin" {
                Vec::new()
            } else {
                s.sites.iter().map(|id| site_name(*id)).collect()
            },
            login: s.login,
            display_name: s.display_name,
        })
        .collect();
    let (session, locked) = match state.sessions().peek() {
        Some((s, locked)) => (Some(info(&s)), locked),
        None => (None, false),
    };
    Ok(AuthStatusResponse {
        session,
        locked,
        first_admin_needed,
        sites: Site::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| SiteOption {
                id: i as i16 + 1,
                name: s.name().to_owned(),
            })
            .collect(),
        demo_accounts,
        lock_after_seconds: state.sessions().lock_after().as_secs() as u32,
        session_ended: state.sessions().ended_because(),
    })
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn sign_in(
    state: State<'_, AppState>,
    request: SignInRequest,
) -> Result<SessionInfo, ApiError> {
    let Some(site) = request.site_id else {
        return Err(ApiError::validation("site_id", "Choisissez votre site."));
    };
    let db = state.database(false).await?;
    let (signed, member_db) = if db.kind() == DatabaseKind::Postgres {
        // The member connects as their own PostgreSQL role.
        session::sign_in_postgres(
            &db,
            &state.database_url()?,
            site,
            &request.login,
            &request.password,
            &workstation(),
            "auth.sign_in",
        )
        .await
        .map_err(sign_in_error)?
    } else {
        let signed = session::sign_in(&db, site, &request.login, &request.password, &workstation())
            .await
            .map_err(sign_in_error)?;
        (signed, db)
    };
    let out = info(&signed);
    state.sessions().start(signed, member_db);
    Ok(out)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn sign_out(state: State<'_, AppState>, request: ()) -> Result<(), ApiError> {
    let () = request;
    if let Some(s) = state.sessions().end() {
        tracing::info!(staff_id = s.staff_id, "signed out");
    }
    if let Ok(config) = state.config() {
        crate::viewer::purge_copies(&config.cache_dir());
    }
    Ok(())
}

#[tauri::command]
pub async fn activity(state: State<'_, AppState>, request: ()) -> Result<(), ApiError> {
    let () = request;
    crate::session::require(&state).await.map(|_| ())
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn unlock(state: State<'_, AppState>, request: UnlockRequest) -> Result<(), ApiError> {
    let opened = state.sessions().member()?;
    let db = opened.db.clone();
    // The account as it stands now: disabled or locked accounts are refused
    // like at sign-in; changed rights end the session (see session.rs). On
    // PostgreSQL the server checks the password (a new connection as the
    // member, closed at once: the session keeps its own).
    let confirmed = if db.kind() == DatabaseKind::Postgres {
        let guest = state.database(false).await?;
        session::sign_in_postgres(
            &guest,
            &state.database_url()?,
            opened.member.site,
            &opened.member.login,
            &request.password,
            &workstation(),
            "auth.unlock",
        )
        .await
        .map(|(fresh, check)| {
            tauri::async_runtime::spawn(async move { check.close().await });
            fresh
        })
    } else {
        session::confirm_password(&db, &opened.member, &request.password, &workstation()).await
    };
    let fresh = match confirmed {
        Ok(fresh) => fresh,
        // The password was right, but the account no longer covers the site.
        Err(SignInError::WrongSite) => {
            return Err(crate::session::ended(&state, &db, &opened).await);
        }
        Err(e) => return Err(sign_in_error(e)),
    };
    crate::session::unlock(&state, &db, &opened, &fresh).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn create_first_admin(
    state: State<'_, AppState>,
    request: CreateFirstAdminRequest,
) -> Result<(), ApiError> {
    if request.password != request.password_confirmation {
        return Err(ApiError::validation(
            "password_confirmation",
            "Les deux mots de passe diffèrent.",
        ));
    }
    let db = state.database(false).await?;
    if db.kind() == DatabaseKind::Postgres {
        // The guest role creates nothing: on a shared database the first
        // administrator comes from the server's side.
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Sur une base PostgreSQL partagée, le premier administrateur est créé sur le \
             serveur avec « portee-admin create-admin ».",
        ));
    }
    session::create_first_admin(
        &db,
        &request.login,
        &request.display_name,
        &request.password,
        &workstation(),
    )
    .await
    .map_err(sign_in_error)?;
    Ok(())
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn change_own_password(
    state: State<'_, AppState>,
    request: ChangeOwnPasswordRequest,
) -> Result<(), ApiError> {
    // An open, unlocked session only: a locked screen is not a way in.
    let (opened, db) = crate::session::require_for_password(&state).await?;
    if request.new_password != request.confirmation {
        return Err(ApiError::validation(
            "confirmation",
            "Les deux mots de passe diffèrent.",
        ));
    }
    let changed = if db.kind() == DatabaseKind::Postgres {
        let guest = state.database(false).await?;
        session::change_own_password_postgres(
            &db,
            &guest,
            &state.database_url()?,
            &opened.member,
            &request.current_password,
            &request.new_password,
            &workstation(),
        )
        .await
    } else {
        session::change_own_password(
            &db,
            &opened.member,
            &request.current_password,
            &request.new_password,
            &workstation(),
        )
        .await
    };
    match changed {
        Ok(version) => {
            crate::session::password_changed(&state, &opened, version);
            Ok(())
        }
        // Too many wrong passwords: the account is locked, the session ends.
        Err(e @ SignInError::Locked) => {
            Err(crate::session::end_with(&state, &opened, &e.to_string()))
        }
        // An administrator changed the account meanwhile.
        Err(SignInError::Store(portee_store::StoreError::Conflict)) => {
            Err(crate::session::ended(&state, &db, &opened).await)
        }
        Err(e) => Err(sign_in_error(e)),
    }
}
