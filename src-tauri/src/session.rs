//! The signed-in staff member of this window, and the inactivity lock.
//! Every command that touches data goes through [`require`], which also
//! checks that the account has not changed since its rights were read.
//!
//! The rule for an account changed while a session is open: the session
//! keeps the account's version from the moment its rights were read (at
//! sign-in or unlock). Every data command reads the account's current
//! version (one primary-key read); if it moved on — disabled, role or sites
//! changed, password reset by an administrator or changed on another
//! workstation — the session is ended and the command refused with
//! `Unauthenticated` and a French sentence saying why. Rights are never
//! refreshed in place: the member signs in again, so the window shows
//! exactly what the new rights allow. The member's own password change in
//! this window moves the version on by one and the session adopts it.

use std::time::{Duration, Instant};

use portee_api::{ApiError, ErrorCode};
use portee_services::session::SignedIn;
use portee_store::{Database, StaffRow};
use std::sync::Mutex;

use crate::{AppState, error::store_error};

struct Current {
    signed_in: SignedIn,
    /// The database as this member: on PostgreSQL a pool connected as
    /// their own login role (the server decides what they see); on SQLite
    /// the app's one pool.
    db: Database,
    /// Tells this session from a later one in the same window.
    serial: u64,
    last_activity: Instant,
    locked: bool,
    /// The offer's change notifications, started by the first offer page
    /// opened in this session (PostgreSQL only); ends with the session.
    offer_watch: Option<OfferWatch>,
}

/// What an open offer page waits on: a counter bumped at every change of
/// the offer PostgreSQL notifies, and whether the listening connection is
/// up (`false`: changes may be missed, the page must poll).
pub type OfferChanges = tokio::sync::watch::Receiver<(u64, bool)>;

/// The task listening to the offer's changes as the session's member.
struct OfferWatch {
    rx: OfferChanges,
    task: tauri::async_runtime::JoinHandle<()>,
}

impl Drop for OfferWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts listening on `db` (the member's pool): the counter moves at each
/// notification and at each reconnection (changes may have been missed).
fn spawn_offer_watch(db: Database) -> OfferWatch {
    let (tx, rx) = tokio::sync::watch::channel((0u64, false));
    let task = tauri::async_runtime::spawn(async move {
        loop {
            match db.listen_offer().await {
                Ok(Some(mut listener)) => {
                    tx.send_modify(|(n, live)| {
                        *n += 1;
                        *live = true;
                    });
                    loop {
                        match listener.next().await {
                            Ok(portee_store::OfferEvent::Changed { .. }) => {
                                tx.send_modify(|(n, _)| *n += 1);
                            }
                            Ok(portee_store::OfferEvent::Reconnected) => {
                                tx.send_modify(|(n, live)| {
                                    *n += 1;
                                    *live = true;
                                });
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "offer notifications lost");
                                break;
                            }
                        }
                    }
                }
                Ok(None) => return,
                Err(e) => tracing::warn!(error = %e, "offer notifications unavailable"),
            }
            tx.send_modify(|(n, live)| {
                *n += 1;
                *live = false;
            });
            if db.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
    OfferWatch { rx, task }
}

/// At most one signed-in member per window.
pub struct Sessions {
    current: Mutex<Option<Current>>,
    /// Why the backend last ended this window's session, until the next
    /// sign-in or sign-out (shown on the sign-in screen).
    ended: Mutex<Option<String>>,
    next_serial: std::sync::atomic::AtomicU64,
    lock_after: Duration,
}

/// One open session, as seen by a command: the member with the rights
/// read when the session started, and which session it is.
#[derive(Debug, Clone)]
pub struct Opened {
    pub member: SignedIn,
    /// The database as this member (see `Current::db`).
    pub db: Database,
    serial: u64,
}

fn unauthenticated(message: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, message)
}

fn locked() -> ApiError {
    ApiError::new(
        ErrorCode::SessionLocked,
        "La session est verrouillée après une période d'inactivité : saisissez votre mot de passe.",
    )
}

impl Sessions {
    pub fn new(lock_after: Duration) -> Self {
        Self {
            current: Mutex::new(None),
            ended: Mutex::new(None),
            next_serial: std::sync::atomic::AtomicU64::new(1),
            lock_after,
        }
    }

    pub fn lock_after(&self) -> Duration {
        self.lock_after
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, Option<Current>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn ended_guard(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.ended
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Why the backend last ended this window's session, if it did.
    pub fn ended_because(&self) -> Option<String> {
        self.ended_guard().clone()
    }

    pub fn start(&self, signed_in: SignedIn, db: Database) {
        *self.ended_guard() = None;
        let serial = self
            .next_serial
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let previous = self.guard().replace(Current {
            signed_in,
            db,
            serial,
            last_activity: Instant::now(),
            locked: false,
            offer_watch: None,
        });
        if let Some(previous) = previous {
            close_member_pool(previous.db);
        }
    }

    pub fn end(&self) -> Option<SignedIn> {
        *self.ended_guard() = None;
        let current = self.guard().take()?;
        close_member_pool(current.db);
        Some(current.signed_in)
    }

    /// Ends `session` because of `why`, if it is still the current one (not
    /// a later sign-in).
    fn end_if(&self, session: &Opened, why: &str) {
        let mut guard = self.guard();
        if guard.as_ref().is_some_and(|c| c.serial == session.serial) {
            if let Some(current) = guard.take() {
                close_member_pool(current.db);
            }
            *self.ended_guard() = Some(why.to_owned());
        }
    }

    /// The member and whether the session is locked, without touching it.
    pub fn peek(&self) -> Option<(SignedIn, bool)> {
        let mut guard = self.guard();
        let current = guard.as_mut()?;
        if current.last_activity.elapsed() >= self.lock_after {
            current.locked = true;
        }
        Some((current.signed_in.clone(), current.locked))
    }

    /// The session if it is open and not locked; counts as activity. A
    /// temporary password must be changed first unless `temporary_ok`.
    /// Does not look at the database: see [`require`].
    fn open(&self, temporary_ok: bool) -> Result<Opened, ApiError> {
        let mut guard = self.guard();
        let Some(current) = guard.as_mut() else {
            return Err(unauthenticated("Veuillez vous connecter."));
        };
        if current.locked || current.last_activity.elapsed() >= self.lock_after {
            current.locked = true;
            return Err(locked());
        }
        current.last_activity = Instant::now();
        if current.signed_in.must_change_password && !temporary_ok {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Changez d'abord votre mot de passe provisoire.",
            ));
        }
        Ok(Opened {
            member: current.signed_in.clone(),
            db: current.db.clone(),
            serial: current.serial,
        })
    }

    /// The session if it is open and not locked, for a screen that reads
    /// again by itself (an open offer page): does not count as activity, so
    /// an unattended screen still locks.
    fn open_passive(&self) -> Result<Opened, ApiError> {
        let mut guard = self.guard();
        let Some(current) = guard.as_mut() else {
            return Err(unauthenticated("Veuillez vous connecter."));
        };
        if current.locked || current.last_activity.elapsed() >= self.lock_after {
            current.locked = true;
            return Err(locked());
        }
        if current.signed_in.must_change_password {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Changez d'abord votre mot de passe provisoire.",
            ));
        }
        Ok(Opened {
            member: current.signed_in.clone(),
            db: current.db.clone(),
            serial: current.serial,
        })
    }

    /// The offer's change notifications of `session` (started on first
    /// use); `None` on SQLite or for a session that has ended.
    fn offer_changes(&self, session: &Opened) -> Option<OfferChanges> {
        if session.db.kind() != portee_store::DatabaseKind::Postgres {
            return None;
        }
        let mut guard = self.guard();
        let current = guard.as_mut().filter(|c| c.serial == session.serial)?;
        let watch = current
            .offer_watch
            .get_or_insert_with(|| spawn_offer_watch(current.db.clone()));
        Some(watch.rx.clone())
    }

    /// The member's own password was changed in this window: the account is
    /// now at `version`.
    fn password_changed(&self, session: &Opened, version: i32) {
        if let Some(current) = self.guard().as_mut()
            && current.serial == session.serial
        {
            current.signed_in.must_change_password = false;
            current.signed_in.version = version;
            current.last_activity = Instant::now();
        }
    }

    /// The session, locked or not, for unlocking.
    pub fn member(&self) -> Result<Opened, ApiError> {
        self.guard()
            .as_ref()
            .map(|c| Opened {
                member: c.signed_in.clone(),
                db: c.db.clone(),
                serial: c.serial,
            })
            .ok_or_else(|| unauthenticated("Veuillez vous connecter."))
    }

    /// Unlocks `session`, now at the account's `version`.
    fn unlock(&self, session: &Opened, version: i32) {
        if let Some(current) = self.guard().as_mut()
            && current.serial == session.serial
        {
            current.locked = false;
            current.signed_in.version = version;
            current.last_activity = Instant::now();
        }
    }
}

/// [`require`] for a screen reading again by itself: not counted as
/// activity (the inactivity lock still comes).
pub async fn require_passive(state: &AppState) -> Result<(SignedIn, Database), ApiError> {
    let session = state.sessions().open_passive()?;
    let db = session.db.clone();
    check_current(state, &db, &session).await?;
    Ok((session.member, db))
}

/// The offer's change notifications of the open session (PostgreSQL), not
/// counted as activity; `None` on SQLite.
pub async fn offer_changes(state: &AppState) -> Result<Option<OfferChanges>, ApiError> {
    let session = state.sessions().open_passive()?;
    let db = session.db.clone();
    check_current(state, &db, &session).await?;
    Ok(state.sessions().offer_changes(&session))
}

/// Why a session whose account moved on from `session`'s version can no
/// longer be used, given the account `now` (`None`: deleted).
pub fn why_ended(session: &SignedIn, now: Option<&StaffRow>) -> &'static str {
    let Some(now) = now else {
        return "Votre compte n'existe plus : la session est fermée.";
    };
    if !now.active {
        return "Votre compte a été désactivé par un administrateur : la session est fermée.";
    }
    if now.role != session.scope.role.code() || now.sites != session.scope.sites {
        return "Vos droits (rôle ou sites) ont été modifiés par un administrateur : \
                reconnectez-vous pour travailler avec vos droits actuels.";
    }
    if now.must_change_password && !session.must_change_password {
        return "Votre mot de passe a été réinitialisé par un administrateur : \
                reconnectez-vous avec le mot de passe provisoire qu'il vous a donné.";
    }
    "Votre compte a été modifié depuis votre connexion (son mot de passe, par exemple, \
     sur un autre poste) : reconnectez-vous."
}

/// Why a session ends when PostgreSQL no longer lets its member's role in.
const LOGIN_REFUSED: &str = "La base de données n'accepte plus votre connexion (compte désactivé, \
     verrouillé ou mot de passe changé) : la session est fermée.";

/// Ends `session` (its account moved on) and says why.
pub(crate) async fn ended(state: &AppState, db: &Database, session: &Opened) -> ApiError {
    let now = match db.staff(session.member.staff_id).await {
        Ok(row) => Some(row),
        Err(portee_store::StoreError::NotFound) => None,
        // The account's change also ended its connections (disabled, new
        // password): the server refuses the reconnection that would read
        // why. The session ends all the same.
        Err(e) if e.is_login_refused() => return end_with(state, session, LOGIN_REFUSED),
        Err(e) => return store_error(e),
    };
    let why = why_ended(&session.member, now.as_ref());
    state.sessions().end_if(session, why);
    tracing::info!(
        staff_id = session.member.staff_id,
        "session ended: the account changed"
    );
    unauthenticated(why)
}

/// Checks that `session`'s account is still at the version its rights were
/// read at; ends the session otherwise.
async fn check_current(state: &AppState, db: &Database, session: &Opened) -> Result<(), ApiError> {
    let version = match db.staff_version(session.member.staff_id).await {
        Ok(version) => version,
        // PostgreSQL no longer lets this member's role in (disabled: its
        // connections were ended; locked; password changed elsewhere).
        Err(e) if e.is_login_refused() => return Err(end_with(state, session, LOGIN_REFUSED)),
        Err(e) => return Err(store_error(e)),
    };
    if version == Some(session.member.version) {
        Ok(())
    } else {
        Err(ended(state, db, session).await)
    }
}

/// The member of an open, unlocked session whose account has not changed
/// since its rights were read, and the database. Every data command starts
/// here; the session counts it as activity.
pub async fn require(state: &AppState) -> Result<(SignedIn, Database), ApiError> {
    let session = state.sessions().open(false)?;
    let db = session.db.clone();
    check_current(state, &db, &session).await?;
    Ok((session.member, db))
}

/// As [`require`], for changing one's own (possibly temporary) password.
pub async fn require_for_password(state: &AppState) -> Result<(Opened, Database), ApiError> {
    let session = state.sessions().open(true)?;
    let db = session.db.clone();
    check_current(state, &db, &session).await?;
    Ok((session, db))
}

/// The password was changed in `session`: adopt the new version.
pub fn password_changed(state: &AppState, session: &Opened, version: i32) {
    state.sessions().password_changed(session, version);
}

/// Ends `session` with `message` (account locked by wrong passwords,
/// changed meanwhile).
pub fn end_with(state: &AppState, session: &Opened, message: &str) -> ApiError {
    state.sessions().end_if(session, message);
    unauthenticated(message)
}

/// Unlocks `session` after its password was confirmed, given the account
/// as it stands now (`fresh`). If anything but the version differs from the
/// rights the session holds (role, sites, a password to change), the
/// session is ended instead: the member signs in again with the current
/// rights. A version moved on with the same rights (the password changed
/// on another workstation, and just typed) is adopted.
pub async fn unlock(
    state: &AppState,
    db: &Database,
    session: &Opened,
    fresh: &SignedIn,
) -> Result<(), ApiError> {
    let held = &session.member;
    if fresh.scope != held.scope || fresh.must_change_password != held.must_change_password {
        return Err(ended(state, db, session).await);
    }
    state.sessions().unlock(session, fresh.version);
    Ok(())
}

/// Closes a member's own PostgreSQL pool (its connections end at once);
/// the app's shared SQLite pool stays open. Called when a session ends.
fn close_member_pool(db: Database) {
    if db.kind() == portee_store::DatabaseKind::Postgres
        && let Ok(handle) = tokio::runtime::Handle::try_current()
    {
        handle.spawn(async move { db.close().await });
    } else if db.kind() == portee_store::DatabaseKind::Postgres {
        tauri::async_runtime::spawn(async move { db.close().await });
    }
}
