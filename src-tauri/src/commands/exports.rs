//! The exports folder, shared by every command that writes a file for the
//! user there (lists as CSV, the journal, a family's archive): created
//! private on first use, a file named with the moment it is made, and one
//! French message when the folder or the file cannot be written.

use std::path::{Path, PathBuf};

use portee_api::{ApiError, ErrorCode};
use tauri::State;

use crate::state::AppState;

pub(crate) struct Exports {
    dir: PathBuf,
    /// What is written, for the log only (`"journal export"`).
    what: &'static str,
}

impl Exports {
    /// The exports folder, created (0700 on Unix) if missing.
    pub(crate) fn ready(
        state: &State<'_, AppState>,
        what: &'static str,
    ) -> Result<Exports, ApiError> {
        let exports = Exports {
            dir: state.config()?.exports_dir(),
            what,
        };
        portee_config::create_private_dir(&exports.dir).map_err(|e| exports.unwritable(&e))?;
        Ok(exports)
    }

    /// `{stem}-AAAAMMJJ-HHMMSS.{extension}` in the folder.
    pub(crate) fn file(&self, stem: &str, extension: &str) -> PathBuf {
        self.dir.join(format!(
            "{stem}-{}.{extension}",
            chrono::Local::now().format("%Y%m%d-%H%M%S")
        ))
    }

    /// The error for a folder or file that could not be written.
    pub(crate) fn unwritable(&self, e: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, what = self.what, "export not written");
        ApiError::new(
            ErrorCode::Internal,
            format!(
                "L'export n'a pas pu être écrit dans {} (dossier inaccessible ou disque plein).",
                self.dir.display()
            ),
        )
    }
}

/// The file's name, as the audit entry of an export records it.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
