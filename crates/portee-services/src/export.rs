//! What every CSV export shares: cells a spreadsheet cannot mistake for a
//! formula, semicolons and a UTF-8 byte-order mark (as French spreadsheets
//! expect), and files only their owner can read.

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

/// A CSV writer for exports: `;` separated, after a UTF-8 byte-order mark,
/// every cell passed through [`safe_cell`].
pub struct CsvExport<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvExport<W> {
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all("\u{feff}".as_bytes())?;
        Ok(Self {
            inner: csv::WriterBuilder::new().delimiter(b';').from_writer(out),
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
        assert_eq!(text, "\u{feff}n°;valeur\n1;'=1+1\n2;\"'-2; x\"\n");
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
}
