//! Signing in, the session, and the first administrator.

use serde::{Deserialize, Serialize};

use crate::Command;

/// A site to choose at sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteOption {
    pub id: i16,
    pub name: String,
}

/// A demo account shown on the sign-in screen of a demo database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub login: String,
    pub display_name: String,
    pub role_label: String,
    pub sites: Vec<String>,
    /// Demo passwords are public: `demo-` + login.
    pub password: String,
}

/// The signed-in staff member, as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub display_name: String,
    pub login: String,
    pub role: String,
    pub role_label: String,
    pub site_id: i16,
    pub site_name: String,
    /// Sites whose families this member sees (all for administrators).
    pub site_names: Vec<String>,
    pub is_admin: bool,
    /// The password is temporary: it must be changed before anything else.
    pub must_change_password: bool,
}

/// Where sign-in stands for this window.
pub struct AuthStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthStatusResponse {
    pub session: Option<SessionInfo>,
    /// True while the session is locked after inactivity.
    pub locked: bool,
    /// No account exists yet: the first administrator must be created.
    pub first_admin_needed: bool,
    pub sites: Vec<SiteOption>,
    pub demo_accounts: Vec<DemoAccount>,
    /// Inactivity before the screen locks.
    pub lock_after_seconds: u32,
    /// Why this window's last session was ended by the backend (the account
    /// was disabled or its rights changed meanwhile), until the next sign-in.
    #[serde(default)]
    pub session_ended: Option<String>,
}

impl Command for AuthStatus {
    const NAME: &'static str = "auth_status";
    type Request = ();
    type Response = AuthStatusResponse;
}

pub struct SignIn;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    pub site_id: Option<i16>,
    pub login: String,
    pub password: String,
}

impl Command for SignIn {
    const NAME: &'static str = "sign_in";
    type Request = SignInRequest;
    type Response = SessionInfo;
}

pub struct SignOut;

impl Command for SignOut {
    const NAME: &'static str = "sign_out";
    type Request = ();
    type Response = ();
}

/// Unlocks the session after inactivity with the member's password.
pub struct Unlock;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockRequest {
    pub password: String,
}

impl Command for Unlock {
    const NAME: &'static str = "unlock";
    type Request = UnlockRequest;
    type Response = ();
}

/// Tells the backend the user is active (keys, clicks) so the session does
/// not lock while they type.
pub struct Activity;

impl Command for Activity {
    const NAME: &'static str = "activity";
    type Request = ();
    type Response = ();
}

pub struct CreateFirstAdmin;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateFirstAdminRequest {
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub password_confirmation: String,
}

impl Command for CreateFirstAdmin {
    const NAME: &'static str = "create_first_admin";
    type Request = CreateFirstAdminRequest;
    type Response = ();
}

/// Replaces the signed-in member's password.
pub struct ChangeOwnPassword;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeOwnPasswordRequest {
    pub current_password: String,
    pub new_password: String,
    pub confirmation: String,
}

impl Command for ChangeOwnPassword {
    const NAME: &'static str = "change_own_password";
    type Request = ChangeOwnPasswordRequest;
    type Response = ();
}
