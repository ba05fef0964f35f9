//! One module per screen.

pub mod administration;
pub mod home;
pub mod placeholder;
pub mod unavailable;
