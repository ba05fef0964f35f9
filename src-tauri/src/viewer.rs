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

/// Writes the copy of document `id` handed to the PDF reader: the folder
/// is the user's only (0700 on Unix) and the file 0600.
pub fn write_copy(cache_dir: &Path, id: i64, content: &[u8]) -> std::io::Result<PathBuf> {
    use std::io::Write;
    let dir = copies_dir(cache_dir);
    portee_config::create_private_dir(cache_dir)?;
    portee_config::create_private_dir(&dir)?;
    let path = dir.join(format!("document-{id}.pdf"));
    portee_config::create_private_file(&path)?.write_all(content)?;
    Ok(path)
}

/// Writes a document Portée made (an accusé de réception) beside the
/// copies, under `name`, with the same privacy.
pub fn write_made(cache_dir: &Path, name: &str, content: &[u8]) -> std::io::Result<PathBuf> {
    use std::io::Write;
    let dir = copies_dir(cache_dir);
    portee_config::create_private_dir(cache_dir)?;
    portee_config::create_private_dir(&dir)?;
    let path = dir.join(name);
    portee_config::create_private_file(&path)?.write_all(content)?;
    Ok(path)
}

/// Removes the document copies (personal data of minors does not stay on
/// the workstation): at sign-out, when the session locks, when the app
/// exits, and at start.
pub fn purge_copies(cache_dir: &Path) {
    let dir = copies_dir(cache_dir);
    if dir.exists()
        && let Err(e) = std::fs::remove_dir_all(&dir)
    {
        tracing::warn!(error = %e, "document copies could not be removed");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn copies_are_private_and_purged() {
        let cache = tempfile::tempdir().unwrap();
        let path = super::write_copy(cache.path(), 7, b"%PDF-1.4").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&super::copies_dir(cache.path())), 0o700);
        }
        super::purge_copies(cache.path());
        assert!(!path.exists());
    }
}
