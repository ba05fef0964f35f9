//! Portée's business vocabulary: value types that can only hold valid data
//! ("parse, don't validate") and the rules that need no I/O.
//!
//! This crate knows nothing of databases, Tauri or the UI, and builds for
//! `wasm32-unknown-unknown` so that the UI can use the same parsers (a date
//! typed as JJ/MM/AAAA is checked by the same code on both sides).

pub mod date;
pub mod error;
pub mod school_year;
pub mod site;

pub use date::FrenchDate;
pub use error::DomainError;
pub use school_year::SchoolYear;
pub use site::Site;
