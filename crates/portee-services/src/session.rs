//! Signing in and out, and the first administrator.

use std::time::Duration;

use chrono::Utc;
use portee_domain::{
    DomainError,
    auth::{Role, SIGN_IN_FAILED, Scope, check_new_password, throttle, unknown_identifier_bucket},
};
use portee_store::{Actor, Database, NewStaff, StaffRow, StoreError};

use crate::auth::{hash_password, password_secret, verify_password};

/// A signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub staff_id: i64,
    pub login: String,
    pub display_name: String,
    pub scope: Scope,
    /// The site chosen at sign-in.
    pub site: i16,
    pub must_change_password: bool,
    pub is_demo: bool,
    /// The account's version when these rights were read: any later change
    /// to the account (role, sites, disabling, password) moves it on.
    pub version: i32,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong identifier, wrong password, disabled or locked account: one
    /// message for all, so it never tells whether an identifier exists.
    #[error("{}", SIGN_IN_FAILED)]
    Refused,
    #[error("Votre compte n'est pas rattaché au site choisi.")]
    WrongSite,
    #[error("{0}")]
    Invalid(String),
    /// Too many wrong passwords typed by a signed-in member (changing their
    /// own password): the account is locked like after failed sign-ins.
    #[error(
        "Trop de mots de passe erronés : votre compte est verrouillé pour {} minutes.",
        portee_domain::auth::LOCK_DURATION.as_secs() / 60
    )]
    Locked,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A hash to verify against when the identifier does not exist, so that a
/// wrong identifier takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("portee-dummy-password").unwrap_or_default())
}

/// Checks the identifier and password for `site`, applying the slow-down
/// and lock rules, and records the outcome in the audit log.
#[tracing::instrument(skip_all, fields(site), err)]
pub async fn sign_in(
    db: &Database,
    site: i16,
    login: &str,
    password: &str,
    workstation: &str,
) -> Result<SignedIn, SignInError> {
    check_credentials(db, site, login, password, workstation, "auth.sign_in").await
}

/// The identifier as stored (trimmed, lower case), once the typed values
/// pass the checks every sign-in starts with.
fn checked_login(site: i16, login: &str, password: &str) -> Result<String, SignInError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() || password.is_empty() {
        return Err(SignInError::Invalid(
            "Saisissez votre identifiant et votre mot de passe.".into(),
        ));
    }
    if login.chars().count() > 100 || password.chars().count() > 256 {
        return Err(SignInError::Refused);
    }
    if !(1..=8).contains(&site) {
        return Err(SignInError::Invalid("Choisissez votre site.".into()));
    }
    Ok(login)
}

/// The failure count at which [`throttle`] locks an account.
fn lock_at() -> u32 {
    (1..=100).find(|n| throttle(*n).1.is_some()).unwrap_or(5)
}

/// PostgreSQL: counts a password the server refused for `login` (as
/// `portee_connexion`, in the database, locking at the [`throttle`] rule's
/// count), then slows the answer down as that rule says. Returns the count.
async fn count_refused(
    guest: &Database,
    login: &str,
    workstation: &str,
) -> Result<u32, StoreError> {
    let minutes = u32::try_from(portee_domain::auth::LOCK_DURATION.as_secs() / 60).unwrap_or(15);
    let failures = guest
        .count_refused_password(
            login,
            &unknown_identifier_bucket(login),
            workstation,
            lock_at(),
            minutes,
        )
        .await?;
    slow_down(failures).await;
    Ok(failures)
}

/// On PostgreSQL (issue 9) the password is the server's: signing in is
/// connecting as the member's own login role. `guest` is the connection
/// as `portee_connexion`; `url` the shared database (host, port, base,
/// TLS; any user or password in it is ignored). A refused password is
/// counted by the database (the same slow-down and lock as on SQLite, the
/// lock making the role's password expire so that it holds against psql
/// too); an identifier that matches no account is counted under its
/// bucket and answered the same way. On success, returns the member and
/// the database connected as them; the sign-in (or unlock, `action`) is
/// audited by the database in the member's name.
#[tracing::instrument(skip_all, fields(site), err)]
pub async fn sign_in_postgres(
    guest: &Database,
    url: &str,
    site: i16,
    login: &str,
    password: &str,
    workstation: &str,
    action: &'static str,
) -> Result<(SignedIn, Database), SignInError> {
    let login = checked_login(site, login, password)?;
    let bucket = unknown_identifier_bucket(&login);
    if !guest.sign_in_allowed(&login, &bucket).await? {
        tracing::warn!("sign-in refused: locked");
        return Err(SignInError::Refused);
    }
    let member = match Database::connect_member(url, &login, password, workstation).await {
        Ok(db) => db,
        Err(StoreError::PasswordRefused) => {
            let failures = count_refused(guest, &login, workstation).await?;
            tracing::warn!(failures, "sign-in refused by the database");
            return Err(if action == "auth.unlock" && failures >= lock_at() {
                SignInError::Locked
            } else {
                SignInError::Refused
            });
        }
        Err(e) => return Err(e.into()),
    };
    let outcome = async {
        let staff = member
            .staff_by_login(&login)
            .await?
            .ok_or(SignInError::Refused)?;
        let role = Role::from_code(&staff.role).ok_or(SignInError::Refused)?;
        let scope = Scope {
            role,
            sites: staff.sites.clone(),
        };
        if !scope.covers(site) {
            return Err(SignInError::WrongSite);
        }
        match member
            .record_member_sign_in(site, action, workstation)
            .await?
        {
            Some(_) => Ok(signed_in(staff, scope, site)),
            None => Err(SignInError::Refused),
        }
    }
    .await;
    match outcome {
        Ok(signed) => {
            tracing::info!(
                staff_id = signed.staff_id,
                site,
                "signed in (PostgreSQL role)"
            );
            Ok((signed, member))
        }
        Err(e) => {
            member.close().await;
            Err(e)
        }
    }
}

/// [`change_own_password`] on PostgreSQL: the current password is checked
/// by the server (a connection opened with it), a refused one counts like
/// a refused sign-in; the new one becomes the role's (a SCRAM verifier).
pub async fn change_own_password_postgres(
    db: &Database,
    guest: &Database,
    url: &str,
    member: &SignedIn,
    current: &str,
    new: &str,
    workstation: &str,
) -> Result<i32, SignInError> {
    let staff_id = member.staff_id;
    match Database::connect_member(url, &member.login, current, workstation).await {
        Ok(check) => check.close().await,
        Err(StoreError::PasswordRefused) => {
            let failures = count_refused(guest, &member.login, workstation).await?;
            tracing::warn!(
                staff_id,
                failures,
                "own password change: current password refused"
            );
            if failures >= lock_at() {
                return Err(SignInError::Locked);
            }
            return Err(SignInError::Invalid(
                "Le mot de passe actuel est incorrect.".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    check_new_password(new).map_err(|e| SignInError::Invalid(e.message().to_owned()))?;
    if new == current {
        return Err(SignInError::Invalid(
            "Le nouveau mot de passe doit différer de l'actuel.".into(),
        ));
    }
    let new = new.to_owned();
    let secret = tokio::task::spawn_blocking(move || password_secret(&new))
        .await
        .map_err(|_| SignInError::Invalid("Le mot de passe n'a pas pu être chiffré.".into()))?
        .map_err(|e| SignInError::Invalid(e.to_string()))?;
    Ok(db
        .set_own_password(
            staff_id,
            &secret,
            member.version,
            &Actor::staff(staff_id, workstation),
        )
        .await?)
}

/// The sign-in rules; a success is audited as `success_action`.
async fn check_credentials(
    db: &Database,
    site: i16,
    login: &str,
    password: &str,
    workstation: &str,
    success_action: &'static str,
) -> Result<SignedIn, SignInError> {
    let login = checked_login(site, login, password)?;
    let staff = match db.staff_by_login(&login).await? {
        // Demo accounts (public passwords) sign in only on a demo database.
        Some(s) if s.is_demo && !db.is_demo_database().await? => None,
        other => other,
    };
    // An identifier that matches no account goes through the same steps as
    // a wrong password: one Argon2 check (against a dummy hash), a failure
    // counted atomically in the database (under a bucket of the identifier,
    // see `unknown_identifier_bucket`), the same slow-down and lock from
    // `throttle`. So neither the answer nor its delay, the first time or
    // the fifth, tells whether an identifier exists.
    let bucket = unknown_identifier_bucket(&login);
    let unknown_locked_until = match &staff {
        Some(_) => None,
        None => db.unknown_sign_in_lock(&bucket).await?,
    };
    let hash = staff
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |s| s.password_hash.clone());
    let password = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let Some(staff) = staff else {
        if unknown_locked_until.is_some_and(|until| until > Utc::now()) {
            tracing::warn!("sign-in refused: unknown identifier, locked");
            return Err(SignInError::Refused);
        }
        let (failures, locked_until) = db
            .count_unknown_sign_in_failure(&bucket, &lock_until, &Actor::system(workstation))
            .await?;
        tracing::warn!(
            failures,
            locked = locked_until.is_some(),
            "sign-in refused: unknown identifier"
        );
        slow_down(failures).await;
        return Err(SignInError::Refused);
    };
    let actor = Actor::staff(staff.id, workstation);
    let locked = staff.locked_until.is_some_and(|until| until > Utc::now());
    if !staff.active || locked {
        tracing::warn!(
            staff_id = staff.id,
            locked,
            active = staff.active,
            "sign-in refused: account unavailable"
        );
        return Err(SignInError::Refused);
    }
    if !matches {
        // Counted by the database (`failed_attempts + 1 … RETURNING`): the
        // slow-down and the lock follow the count returned, so parallel
        // attempts each add one instead of all writing the same value.
        let (failures, locked_until) = db
            .count_sign_in_failure(staff.id, &lock_until, &actor)
            .await?;
        tracing::warn!(
            staff_id = staff.id,
            failures,
            locked = locked_until.is_some(),
            "sign-in failed"
        );
        slow_down(failures).await;
        return Err(SignInError::Refused);
    }
    let role = Role::from_code(&staff.role).ok_or(SignInError::Refused)?;
    let scope = Scope {
        role,
        sites: staff.sites.clone(),
    };
    if !scope.covers(site) {
        return Err(SignInError::WrongSite);
    }
    match db
        .record_sign_in(staff.id, site, success_action, &actor)
        .await
    {
        // Locked (by parallel failed attempts) or disabled since it was read.
        Err(StoreError::Conflict) => return Err(SignInError::Refused),
        other => other?,
    }
    tracing::info!(staff_id = staff.id, site, "signed in");
    Ok(signed_in(staff, scope, site))
}

/// When the lock rule of [`throttle`] locks after `failures` failures.
fn lock_until(failures: u32) -> Option<chrono::DateTime<Utc>> {
    throttle(failures)
        .1
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .map(|d| Utc::now() + d)
}

/// The slow-down of [`throttle`] after `failures` failures.
async fn slow_down(failures: u32) {
    let (delay, _) = throttle(failures);
    if delay > Duration::ZERO {
        tokio::time::sleep(delay).await;
    }
}

fn signed_in(staff: StaffRow, scope: Scope, site: i16) -> SignedIn {
    SignedIn {
        staff_id: staff.id,
        login: staff.login,
        display_name: staff.display_name,
        scope,
        site,
        must_change_password: staff.must_change_password,
        is_demo: staff.is_demo,
        version: staff.version,
    }
}

/// Checks the password of an already signed-in member (unlocking the
/// screen after inactivity). Same slow-down rules as signing in. Returns
/// the account as it stands now (its current rights and version).
pub async fn confirm_password(
    db: &Database,
    session: &SignedIn,
    password: &str,
    workstation: &str,
) -> Result<SignedIn, SignInError> {
    let site = session.site;
    check_credentials(
        db,
        site,
        &session.login,
        password,
        workstation,
        "auth.unlock",
    )
    .await
}

/// Creates the first administrator of an empty database.
pub async fn create_first_admin(
    db: &Database,
    login: &str,
    display_name: &str,
    password: &str,
    workstation: &str,
) -> Result<StaffRow, SignInError> {
    let login = login.trim().to_lowercase();
    if login.len() < 3
        || login.len() > 60
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(SignInError::Invalid(
            "L'identifiant compte 3 à 60 caractères : lettres sans accent, chiffres, point, tiret."
                .into(),
        ));
    }
    let name = portee_domain::PersonName::parse(display_name)
        .map_err(|e: DomainError| SignInError::Invalid(e.message().to_owned()))?;
    check_new_password(password).map_err(|e| SignInError::Invalid(e.message().to_owned()))?;
    let password = password.to_owned();
    let secret = tokio::task::spawn_blocking(move || password_secret(&password))
        .await
        .map_err(|_| SignInError::Invalid("Le mot de passe n'a pas pu être chiffré.".into()))?
        .map_err(|e| SignInError::Invalid(e.to_string()))?;
    let new = NewStaff {
        login,
        display_name: name.to_string(),
        role: "admin".into(),
        password_hash: secret.hash,
        scram_verifier: secret.scram,
        must_change_password: false,
        sites: vec![],
    };
    match db.create_first_admin(&new, workstation).await {
        Err(StoreError::Conflict) => Err(SignInError::Invalid(
            "Un premier administrateur existe déjà.".into(),
        )),
        other => other.map_err(SignInError::from),
    }
}

/// Replaces the member's password after checking the current one (the
/// temporary password after a reset, for instance). A wrong current
/// password counts as a failed sign-in (same slow-down, same lock: a
/// session cannot be used to guess its own password); a locked account
/// changes nothing. Only if the account is still at the version the
/// session read (else `Store(Conflict)`). Returns the new version.
pub async fn change_own_password(
    db: &Database,
    member: &SignedIn,
    current: &str,
    new: &str,
    workstation: &str,
) -> Result<i32, SignInError> {
    let staff_id = member.staff_id;
    let actor = Actor::staff(staff_id, workstation);
    let staff = db.staff(staff_id).await?;
    if staff.locked_until.is_some_and(|until| until > Utc::now()) {
        return Err(SignInError::Locked);
    }
    let (current, stored) = (current.to_owned(), staff.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || verify_password(&current, &stored))
        .await
        .unwrap_or(false);
    if !matches {
        let (failures, locked_until) = db
            .count_sign_in_failure(staff_id, &lock_until, &actor)
            .await?;
        tracing::warn!(
            staff_id,
            failures,
            locked = locked_until.is_some(),
            "own password change: wrong current password"
        );
        slow_down(failures).await;
        if locked_until.is_some() {
            return Err(SignInError::Locked);
        }
        return Err(SignInError::Invalid(
            "Le mot de passe actuel est incorrect.".into(),
        ));
    }
    check_new_password(new).map_err(|e| SignInError::Invalid(e.message().to_owned()))?;
    let new_for_check = new.to_owned();
    let old_hash = staff.password_hash.clone();
    if tokio::task::spawn_blocking(move || verify_password(&new_for_check, &old_hash))
        .await
        .unwrap_or(false)
    {
        return Err(SignInError::Invalid(
            "Le nouveau mot de passe doit différer de l'actuel.".into(),
        ));
    }
    let new = new.to_owned();
    let secret = tokio::task::spawn_blocking(move || password_secret(&new))
        .await
        .map_err(|_| SignInError::Invalid("Le mot de passe n'a pas pu être chiffré.".into()))?
        .map_err(|e| SignInError::Invalid(e.to_string()))?;
    Ok(db
        .set_own_password(staff_id, &secret, member.version, &actor)
        .await?)
}
