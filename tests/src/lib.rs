//! Shared test support: fresh databases (PostgreSQL and SQLite) and the
//! end-to-end harness that drives the real app window.

pub mod db;
pub mod e2e;
