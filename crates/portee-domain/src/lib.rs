//! Portée's business vocabulary: value types that can only hold valid data
//! ("parse, don't validate") and the rules that need no I/O.
//!
//! This crate knows nothing of databases, Tauri or the UI, and builds for
//! `wasm32-unknown-unknown` so that the UI can use the same parsers (a date
//! typed as JJ/MM/AAAA is checked by the same code on both sides).

pub mod auth;
pub mod campaign;
pub mod chase;
pub mod contact;
pub mod date;
pub mod error;
pub mod family;
pub mod journal;
pub mod labels;
pub mod name;
pub mod reinscription;
pub mod retention;
pub mod review;
pub mod school_year;
pub mod search;
pub mod seats;
pub mod site;

pub use contact::{Email, FrenchPhone, Postcode};
pub use date::FrenchDate;
pub use error::DomainError;
pub use name::PersonName;
pub use school_year::SchoolYear;
pub use seats::Capacity;
pub use site::Site;
