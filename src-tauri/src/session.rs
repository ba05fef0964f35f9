//! The signed-in staff member of this window, and the inactivity lock.
//! Every command that touches data goes through [`Sessions::require`].

use std::time::{Duration, Instant};

use portee_api::{ApiError, ErrorCode};
use portee_services::session::SignedIn;
use std::sync::Mutex;

struct Current {
    signed_in: SignedIn,
    last_activity: Instant,
    locked: bool,
}

/// At most one signed-in member per window.
pub struct Sessions {
    current: Mutex<Option<Current>>,
    lock_after: Duration,
}

impl Sessions {
    pub fn new(lock_after: Duration) -> Self {
        Self {
            current: Mutex::new(None),
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

    pub fn start(&self, signed_in: SignedIn) {
        *self.guard() = Some(Current {
            signed_in,
            last_activity: Instant::now(),
            locked: false,
        });
    }

    pub fn end(&self) -> Option<SignedIn> {
        self.guard().take().map(|c| c.signed_in)
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

    /// The signed-in member, if the session is open and not locked; counts
    /// as activity.
    pub fn require(&self) -> Result<SignedIn, ApiError> {
        let mut guard = self.guard();
        let Some(current) = guard.as_mut() else {
            return Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "Veuillez vous connecter.",
            ));
        };
        if current.locked || current.last_activity.elapsed() >= self.lock_after {
            current.locked = true;
            return Err(ApiError::new(
                ErrorCode::SessionLocked,
                "La session est verrouillée après une période d'inactivité : saisissez votre mot de passe.",
            ));
        }
        current.last_activity = Instant::now();
        if current.signed_in.must_change_password {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Changez d'abord votre mot de passe provisoire.",
            ));
        }
        Ok(current.signed_in.clone())
    }

    /// The temporary password was replaced.
    pub fn password_changed(&self) {
        if let Some(current) = self.guard().as_mut() {
            current.signed_in.must_change_password = false;
            current.last_activity = Instant::now();
        }
    }

    /// The member of a locked (or open) session, for unlocking.
    pub fn member(&self) -> Result<SignedIn, ApiError> {
        self.guard()
            .as_ref()
            .map(|c| c.signed_in.clone())
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Veuillez vous connecter."))
    }

    pub fn unlock(&self) {
        if let Some(current) = self.guard().as_mut() {
            current.locked = false;
            current.last_activity = Instant::now();
        }
    }
}
