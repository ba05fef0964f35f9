//! The IPC contract between `portee-ui` (wasm) and `portee-app` (Tauri).
//!
//! Each command is a zero-sized type implementing [`Command`]: its `NAME` is
//! the Tauri command name, its `Request` the single argument (always passed
//! under the key `request`), its `Response` the value returned. Errors always
//! cross as [`ApiError`]: a closed [`ErrorCode`], a French message for the
//! user and, where there is one, the field concerned.
//!
//! This crate builds for wasm32 and knows nothing of Tauri.

pub mod auth;
pub mod documents;
pub mod error;
pub mod families;
pub mod journal;
pub mod offer;
pub mod reinscription;
pub mod staff;
pub mod system;

pub use error::{ApiError, ErrorCode};

use serde::{Serialize, de::DeserializeOwned};

/// One IPC command: its name and its typed request and response.
pub trait Command {
    /// The Tauri command name (the function name in `src-tauri/src/commands`).
    const NAME: &'static str;
    type Request: Serialize + DeserializeOwned;
    type Response: Serialize + DeserializeOwned;
}

/// The key under which every command receives its request.
pub const REQUEST_KEY: &str = "request";
