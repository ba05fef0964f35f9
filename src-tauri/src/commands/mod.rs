//! Tauri commands: each parses its request, calls the layer below and maps
//! the error. No business rule and no SQL here. Commands live in modules
//! (a `pub` command at the crate root clashes with its generated macro).

pub mod auth;
pub mod campaigns;
pub mod chase;
pub mod documents;
mod exports;
pub mod families;
pub mod journal;
pub mod offer;
pub mod reinscription;
pub mod staff;
pub mod system;
