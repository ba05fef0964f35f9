//! Showing a document copy to the user: the workstation's own PDF reader
//! (which also gives the native print dialog), or, in tests, a record of
//! what would have been opened.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

pub enum Viewer {
    /// The system's default application for PDFs.
    System,
    /// Remembers the paths instead of opening them.
    Recorder(Arc<Mutex<Vec<PathBuf>>>),
}

impl Viewer {
    pub fn open(&self, path: &Path) -> Result<(), String> {
        match self {
            Viewer::System => {
                tauri_plugin_opener::open_path(path, None::<&str>).map_err(|e| e.to_string())
            }
            Viewer::Recorder(paths) => {
                paths
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(path.to_path_buf());
                Ok(())
            }
        }
    }
}

/// The folder of document copies under the cache folder.
pub fn copies_dir(cache_dir: &Path) -> PathBuf {
    cache_dir.join("documents")
}

/// Removes the document copies (personal data of minors does not stay on
/// the workstation): at sign-out and at start.
pub fn purge_copies(cache_dir: &Path) {
    let dir = copies_dir(cache_dir);
    if dir.exists()
        && let Err(e) = std::fs::remove_dir_all(&dir)
    {
        tracing::warn!(error = %e, "document copies could not be removed");
    }
}
