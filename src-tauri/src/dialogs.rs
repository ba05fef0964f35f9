//! The workstation's native file dialogs: choose a PDF to attach, choose
//! where to save a document Portée made. Tauri's dialog plugin (built on
//! rfd) shows them on the main thread, as GTK, Windows and macOS require;
//! the command waits for the answer off the async threads.
//!
//! End-to-end tests cannot click in a native dialog: when
//! `PORTEE_E2E_DIALOG` names a file, each dialog instead answers the path
//! written in that file (empty: the user closed the dialog), which the test
//! writes before it clicks. Without that variable the real dialog opens.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

/// The variable that replaces the dialogs in end-to-end tests.
pub const E2E_DIALOG: &str = "PORTEE_E2E_DIALOG";

/// The test's answer, when the variable is set.
fn scripted() -> Option<Option<PathBuf>> {
    let file = std::env::var_os(E2E_DIALOG)?;
    let answer = std::fs::read_to_string(file).unwrap_or_default();
    let answer = answer.trim();
    Some((!answer.is_empty()).then(|| PathBuf::from(answer)))
}

/// The user's documents folder, where dialogs start.
fn start_dir() -> Option<PathBuf> {
    std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" }).map(PathBuf::from)
}

/// Asks for a PDF to open; `None` when the dialog is closed.
pub async fn pick_pdf<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    if let Some(answer) = scripted() {
        return answer;
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Choisir le document (PDF)")
        .add_filter("Documents PDF", &["pdf", "PDF"]);
    if let Some(dir) = start_dir() {
        dialog = dialog.set_directory(dir);
    }
    let picked = tokio::task::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .ok()
        .flatten()?;
    picked.into_path().ok()
}

/// Asks where to save a PDF, proposing `file_name`; `None` when the dialog
/// is closed.
pub async fn save_pdf<R: Runtime>(app: &AppHandle<R>, file_name: &str) -> Option<PathBuf> {
    if let Some(answer) = scripted() {
        return answer;
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Enregistrer l'accusé de réception")
        .set_file_name(file_name)
        .add_filter("Documents PDF", &["pdf"]);
    if let Some(dir) = start_dir() {
        dialog = dialog.set_directory(dir);
    }
    let chosen = tokio::task::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .ok()
        .flatten()?;
    let mut path = chosen.into_path().ok()?;
    if path.extension().is_none() {
        path.set_extension("pdf");
    }
    Some(path)
}

/// A French reason for a failed write where the user chose.
pub fn io_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "accès refusé",
        std::io::ErrorKind::NotFound => "dossier introuvable",
        std::io::ErrorKind::StorageFull => "disque plein",
        _ => "erreur d'écriture",
    }
}
