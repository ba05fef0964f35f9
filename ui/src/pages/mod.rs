//! One module per screen.

pub mod administration;
pub mod audit_log;
pub mod campaigns_admin;
pub mod change_password;
pub mod courses;
pub mod documents;
pub mod families;
pub mod first_admin;
pub mod home;
pub mod missing_documents;
pub mod placeholder;
pub mod reinscription;
pub mod reinscriptions;
pub mod retention_admin;
pub mod sign_in;
pub mod slot_panel;
pub mod staff_admin;
pub mod student;
pub mod unavailable;
