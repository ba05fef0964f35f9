//! A PDF chosen on the workstation, read and checked before Portée keeps
//! it: the size first (a huge file is refused without being read), then
//! the PDF check (`portee-pdfcheck`), on a blocking thread; the file's name
//! and SHA-256 for the record.

use std::path::Path;

use sha2::{Digest, Sha256};

pub use portee_pdfcheck::{Limits, Refusal, Report};

/// A file accepted by the check.
#[derive(Debug, Clone)]
pub struct CheckedPdf {
    /// The file's own name (no folder), at most 200 characters.
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub report: Report,
}

/// Why a chosen file is not kept; French, for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("« {name} » est illisible ({why})")]
    Unreadable { name: String, why: String },
    #[error("« {name} » est refusé : {refusal}")]
    Refused { name: String, refusal: Refusal },
}

/// The name shown for `path`: its last component, shortened to 200
/// characters (on a character boundary).
pub fn display_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "piece-jointe.pdf".to_owned());
    name.chars().take(200).collect()
}

fn unreadable(name: &str, e: &std::io::Error) -> FileError {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable".to_owned(),
        std::io::ErrorKind::PermissionDenied => "accès refusé".to_owned(),
        std::io::ErrorKind::IsADirectory => "c'est un dossier".to_owned(),
        _ => "erreur de lecture".to_owned(),
    };
    FileError::Unreadable {
        name: name.to_owned(),
        why,
    }
}

/// Reads and checks the file at `path` within `limits`.
pub fn read_and_check(path: &Path, limits: &Limits) -> Result<CheckedPdf, FileError> {
    let name = display_name(path);
    let meta = std::fs::metadata(path).map_err(|e| unreadable(&name, &e))?;
    if meta.is_dir() {
        return Err(FileError::Unreadable {
            name,
            why: "c'est un dossier".into(),
        });
    }
    if meta.len() > limits.max_bytes as u64 {
        return Err(FileError::Refused {
            name,
            refusal: Refusal::TooLarge {
                size_kib: usize::try_from(meta.len().div_ceil(1024)).unwrap_or(usize::MAX),
                max_kib: limits.max_bytes / 1024,
            },
        });
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(&name, &e))?;
    let report =
        portee_pdfcheck::check_with(&bytes, limits).map_err(|refusal| FileError::Refused {
            name: name.clone(),
            refusal,
        })?;
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(CheckedPdf {
        file_name: name,
        bytes,
        sha256,
        report,
    })
}

/// [`read_and_check`] off the async runtime's threads.
pub async fn read_and_check_async(
    path: std::path::PathBuf,
    limits: Limits,
) -> Result<CheckedPdf, FileError> {
    let name = display_name(&path);
    tokio::task::spawn_blocking(move || read_and_check(&path, &limits))
        .await
        .unwrap_or_else(|_| {
            Err(FileError::Unreadable {
                name,
                why: "la vérification s'est interrompue".into(),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/pdf-corpus")
            .join(name)
    }

    #[test]
    fn a_valid_pdf_is_read_hashed_and_counted() {
        let dir = corpus("valid");
        let first = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .min()
            .unwrap();
        let ok = read_and_check(&first, &Limits::default()).unwrap();
        assert_eq!(ok.sha256.len(), 64);
        assert!(ok.report.pages >= 1);
        assert_eq!(ok.file_name, display_name(&first));
    }

    #[test]
    fn missing_oversized_and_hostile_files_say_why_in_french() {
        let err = read_and_check(Path::new("/nonexistent/x.pdf"), &Limits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "« x.pdf » est illisible (fichier introuvable)"
        );
        let dir = tempfile_dir();
        let big = dir.join("gros.pdf");
        std::fs::write(&big, vec![b'%'; 2048]).unwrap();
        let small = Limits {
            max_bytes: 1024,
            ..Limits::default()
        };
        let err = read_and_check(&big, &small).unwrap_err();
        assert!(matches!(
            err,
            FileError::Refused {
                refusal: Refusal::TooLarge { .. },
                ..
            }
        ));
        let text = dir.join("lettre.pdf");
        std::fs::write(&text, "Bonjour").unwrap();
        let err = read_and_check(&text, &Limits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "« lettre.pdf » est refusé : ce fichier n'est pas un PDF"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("portee-docs-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
