//! Portée's use cases. Each one orchestrates the store and the domain rules;
//! none knows Tauri, so the app, `portee-admin` and the tests share them.

pub mod archive;
pub mod auth;
pub mod demo;
pub mod documents;
pub mod export;
pub mod journal;
pub mod session;
