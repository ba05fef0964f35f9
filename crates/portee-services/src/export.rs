//! What every CSV export shares: cells a spreadsheet cannot mistake for a
//! formula, semicolons and a UTF-8 byte-order mark (as French spreadsheets
//! expect), CRLF line ends (RFC 4180: what Excel on Windows expects, and
//! what Excel and Numbers on macOS and LibreOffice everywhere read), and
//! files only their owner can read.

use std::{borrow::Cow, fs::File, io::Write, path::Path};

/// A cell as a spreadsheet will read it: one starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would be run as a formula (« CSV
/// injection »: a family could type `=HYPERLINK(…)` in a free-text field),
/// so it gets a leading apostrophe, which spreadsheets show as text.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Creates `path` for writing, readable by its owner only on Unix (0600):
/// exports hold personal data.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// A CSV writer for exports: `;` separated, CRLF line ends, after a UTF-8
/// byte-order mark, every cell passed through [`safe_cell`].
pub struct CsvExport<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvExport<W> {
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all("\u{feff}".as_bytes())?;
        Ok(Self {
            inner: csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .from_writer(out),
        })
    }

    pub fn write_record<I, S>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let safe: Vec<String> = cells
            .into_iter()
            .map(|c| safe_cell(c.as_ref()).into_owned())
            .collect();
        self.inner.write_record(&safe)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `header` then `rows` as a CSV export at `path`, whole or not at
/// all: written beside it as `….csv.partiel` (private), renamed at the end,
/// removed on any error. Returns the number of rows.
pub fn write_csv_file<I, R>(path: &Path, header: &[&str], rows: I) -> std::io::Result<u64>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let partial = path.with_extension("csv.partiel");
    let written = (|| {
        let file = create_private(&partial)?;
        let mut csv = CsvExport::new(std::io::BufWriter::new(file))?;
        csv.write_record(header.iter().copied())
            .map_err(std::io::Error::other)?;
        let mut count = 0u64;
        for row in rows {
            csv.write_record(row).map_err(std::io::Error::other)?;
            count += 1;
        }
        csv.flush()?;
        Ok::<u64, std::io::Error>(count)
    })();
    match written.and_then(|n| std::fs::rename(&partial, path).map(|()| n)) {
        Ok(n) => Ok(n),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_get_an_apostrophe() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+33 6 12",
            "-1+1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(safe_cell(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["", "Meudon", "06 12 34 56 78", "a=b", " =1", "'déjà"] {
            assert_eq!(safe_cell(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn an_export_writes_every_cell_safely_after_a_byte_order_mark() {
        let mut csv = CsvExport::new(Vec::new()).unwrap();
        csv.write_record(["n°", "valeur"]).unwrap();
        csv.write_record(["1", "=1+1"]).unwrap();
        csv.write_record(["2", "-2; x"]).unwrap();
        csv.flush().unwrap();
        let bytes = csv.inner.into_inner().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{feff}n°;valeur\r\n1;'=1+1\r\n2;\"'-2; x\"\r\n");
    }

    #[cfg(unix)]
    #[test]
    fn export_files_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("portee-export-{}.csv", std::process::id()));
        create_private(&path).unwrap().write_all(b"x").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        let _ = std::fs::remove_file(&path);
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_csv_file_is_written_whole_under_its_name_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("liste.csv");
        let rows = vec![
            vec!["DUPRÉ".to_owned(), "=1+1".to_owned()],
            vec!["MARTIN".to_owned(), "a;b".to_owned()],
        ];
        let n = write_csv_file(&path, &["nom", "note"], rows).unwrap();
        assert_eq!(n, 2);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "\u{feff}nom;note\r\nDUPRÉ;'=1+1\r\nMARTIN;\"a;b\"\r\n"
        );
        assert!(!dir.path().join("liste.csv.partiel").exists());
        // A folder that does not exist: an error, and nothing left behind.
        let nowhere = dir.path().join("absent").join("liste.csv");
        assert!(write_csv_file(&nowhere, &["nom"], Vec::<Vec<String>>::new()).is_err());
        assert!(!nowhere.exists());
    }
}
