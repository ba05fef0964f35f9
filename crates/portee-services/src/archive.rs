//! A family's right-of-access archive (RGPD art. 15): one `.zip` holding
//! what Portée keeps about the family — `donnees.json` (the family, its
//! guardians, its children, their dossiers, the facts of every document
//! and the reminders sent), `historique.csv` (its audit history, as the
//! journal exports it), the PDFs still held under `documents/`, and a
//! `LISEZMOI.txt` in French. Written beside its destination and renamed
//! once complete and audited (`family.archive`): an interrupted or
//! unaudited archive leaves no file.

use std::io::Write;
use std::path::Path;

use chrono::{Datelike, Local, Timelike};
use portee_store::{Actor, AuditFilter, Database, StoreError};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use crate::journal::{JournalError, write_entries};

/// Why an archive was not written. Messages for the user.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("L'archive n'a pas pu être écrite ({0}).")]
    Write(String),
}

impl From<JournalError> for ArchiveError {
    fn from(e: JournalError) -> Self {
        match e {
            JournalError::Store(s) => ArchiveError::Store(s),
            other => ArchiveError::Write(other.to_string()),
        }
    }
}

/// What the archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveSummary {
    /// PDFs included.
    pub documents: usize,
    /// Entries of the history.
    pub entries: u64,
    pub bytes: u64,
}

/// A file name safe on every desktop: letters, digits, `-`, `_` and `.`.
fn safe_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    cleaned.trim_matches('.').to_owned()
}

/// Writes the archive of family `family_id` at `path` (`visible_sites`:
/// the reader's, for the history's masking of other sites' children).
pub async fn write_family_archive(
    db: &Database,
    family_id: i64,
    visible_sites: Option<Vec<i16>>,
    path: &Path,
    actor: &Actor,
) -> Result<ArchiveSummary, ArchiveError> {
    let write_err = |e: &dyn std::fmt::Display| ArchiveError::Write(e.to_string());
    let facts = db
        .family_archive(family_id, visible_sites.as_deref())
        .await?;
    let mut history = Vec::new();
    let entries = write_entries(
        db,
        &AuditFilter {
            family_id: Some(family_id),
            visible_sites,
            ..AuditFilter::default()
        },
        &mut history,
    )
    .await?;
    let now = Local::now();
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(now.year()).unwrap_or(1980),
        now.month() as u8,
        now.day() as u8,
        now.hour() as u8,
        now.minute() as u8,
        now.second().min(59) as u8,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(stamp)
        .large_file(false);
    let partial = path.with_extension("zip.partiel");
    let file = crate::export::create_private(&partial).map_err(|e| write_err(&e))?;
    let written = async {
        let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
        let held: Vec<_> = facts.documents.iter().filter(|d| d.has_content).collect();
        let readme = format!(
            "Archive des données de la famille {} (droit d'accès, RGPD article 15)\r\n\
             Établie par Portée le {}.\r\n\r\n\
             donnees.json     la famille, ses responsables, ses enfants, leurs dossiers de\r\n\
             \x20                réinscription, les faits de chaque document (type, statut,\r\n\
             \x20                dates, quotient familial, revenu fiscal) et les relances\r\n\
             historique.csv   l'historique des modifications (séparateur « ; », UTF-8)\r\n\
             documents/       les {} document(s) PDF encore conservés ; les autres ont été\r\n\
             \x20                retirés selon la règle de conservation, leurs faits restent\r\n",
            facts.family.family_number,
            now.format("%d/%m/%Y à %H:%M"),
            held.len(),
        );
        zip.start_file("LISEZMOI.txt", options)
            .map_err(|e| write_err(&e))?;
        zip.write_all(readme.as_bytes())
            .map_err(|e| write_err(&e))?;
        let json = serde_json::to_vec_pretty(&facts).map_err(|e| write_err(&e))?;
        zip.start_file("donnees.json", options)
            .map_err(|e| write_err(&e))?;
        zip.write_all(&json).map_err(|e| write_err(&e))?;
        zip.start_file("historique.csv", options)
            .map_err(|e| write_err(&e))?;
        zip.write_all(&history).map_err(|e| write_err(&e))?;
        let mut documents = 0;
        for doc in held {
            let bytes = match db.document_content(doc.id).await {
                Ok(b) => b,
                // Removed by retention meanwhile: its facts are in the JSON.
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            };
            let stem = doc
                .file_name
                .as_deref()
                .map(|n| n.trim_end_matches(".pdf").trim_end_matches(".PDF"))
                .map(safe_name)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| doc.doc_type.clone());
            let name = format!(
                "documents/{}-{}-{stem}.pdf",
                doc.id,
                safe_name(&doc.doc_type)
            );
            zip.start_file(name, options).map_err(|e| write_err(&e))?;
            zip.write_all(&bytes).map_err(|e| write_err(&e))?;
            documents += 1;
        }
        let mut out = zip.finish().map_err(|e| write_err(&e))?;
        out.flush().map_err(|e| write_err(&e))?;
        let bytes = out
            .get_ref()
            .metadata()
            .map(|m| m.len())
            .unwrap_or_default();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        db.record_family_archive(family_id, &file_name, documents, entries, actor)
            .await?;
        Ok::<_, ArchiveError>(ArchiveSummary {
            documents,
            entries,
            bytes,
        })
    }
    .await;
    match written {
        Ok(summary) => {
            std::fs::rename(&partial, path).map_err(|e| write_err(&e))?;
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_in_the_archive_are_safe_everywhere() {
        // No separator survives: « .. » is then only part of a name.
        assert_eq!(safe_name("facture été/../x"), "facture__t__.._x");
        assert_eq!(safe_name("..\\..\\boot.ini"), "_.._boot.ini");
        assert_eq!(safe_name(&"a".repeat(200)).len(), 80);
    }
}
