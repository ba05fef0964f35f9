//! A minimal hand-written PDF 1.4: one A4 page of text in Helvetica
//! (a standard Type 1 font, not embedded) with `/WinAnsiEncoding`, and a
//! cross-reference table with exact byte offsets.

use std::fmt::Write as _;

/// One line of text on the page.
#[derive(Debug, Clone)]
pub struct PdfLine {
    pub text: String,
    /// Font size in points.
    pub size: u8,
}

impl PdfLine {
    pub fn new(text: impl Into<String>, size: u8) -> Self {
        Self {
            text: text.into(),
            size,
        }
    }
}

/// Encodes `text` in WinAnsiEncoding (Windows-1252): Latin-1 as is, the
/// typographic characters of 0x80–0x9F (`€ ’ “ ” – — œ …`) mapped, any
/// other character replaced by `?`.
pub fn encode_win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7E}' => c as u8,
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            '\u{202F}' | '\u{2009}' => 0xA0,
            _ => b'?',
        })
        .collect()
}

/// A PDF string literal `( … )` with `\`, `(` and `)` escaped.
fn push_string_literal(out: &mut Vec<u8>, text: &str) {
    out.push(b'(');
    for byte in encode_win_ansi(text) {
        if matches!(byte, b'\\' | b'(' | b')') {
            out.push(b'\\');
        }
        out.push(byte);
    }
    out.push(b')');
}

/// A one-page A4 PDF showing `lines` from the top left, each below the
/// previous one (a blank `text` leaves a gap).
pub fn one_page_pdf(lines: &[PdfLine]) -> Vec<u8> {
    const LEFT: u32 = 56;
    const TOP: u32 = 780;

    // The page's content stream.
    let mut content = Vec::with_capacity(64 * lines.len() + 32);
    content.extend_from_slice(format!("BT\n{LEFT} {TOP} Td\n").as_bytes());
    let mut previous_size: Option<u8> = None;
    for line in lines {
        if let Some(prev) = previous_size {
            let lead = (u32::from(prev.max(line.size)) * 3).div_ceil(2);
            content.extend_from_slice(format!("0 -{lead} Td\n").as_bytes());
        }
        if previous_size != Some(line.size) {
            content.extend_from_slice(format!("/F1 {} Tf\n", line.size).as_bytes());
        }
        push_string_literal(&mut content, &line.text);
        content.extend_from_slice(b" Tj\n");
        previous_size = Some(line.size);
    }
    content.extend_from_slice(b"ET\n");

    let mut out: Vec<u8> = Vec::with_capacity(content.len() + 700);
    // The second line's high bytes mark the file as binary for transfer tools.
    out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let mut offsets = Vec::with_capacity(5);
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        let number = offsets.len();
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(&mut out, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(
        &mut out,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    );
    object(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    );
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"endstream");
    object(&mut out, &stream);

    let xref_at = out.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in &offsets {
        // Each entry is exactly 20 bytes, ending with space + newline.
        let _ = writeln!(xref, "{offset:010} 00000 n ");
    }
    let _ = write!(
        xref,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
        offsets.len() + 1
    );
    out.extend_from_slice(xref.as_bytes());
    out
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::process::Command;

    fn sample() -> Vec<u8> {
        one_page_pdf(&[
            PdfLine::new("Facture d'électricité — Famille Lefèvre — 12/10/2026", 14),
            PdfLine::new("", 11),
            PdfLine::new("Chœur d’enfants : 42,50 € (réglé) \\ (test)", 11),
            PdfLine::new("Maëlle, Héloïse, Benoît, Noël, Gonçalves", 11),
        ])
    }

    #[test]
    fn structure_and_xref_offsets_are_exact() {
        let pdf = sample();
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[startxref..].starts_with(b"xref\n0 6\n"));
        // Every in-use entry points at "<n> 0 obj".
        let table = &pdf[startxref + "xref\n0 6\n".len()..];
        for n in 1..=5 {
            let entry = &table[n * 20..n * 20 + 20];
            let offset: usize = std::str::from_utf8(&entry[..10]).unwrap().parse().unwrap();
            assert!(pdf[offset..].starts_with(format!("{n} 0 obj\n").as_bytes()));
            assert_eq!(&entry[10..], b" 00000 n \n");
        }
    }

    #[test]
    fn win_ansi_encoding() {
        assert_eq!(encode_win_ansi("é"), vec![0xE9]);
        assert_eq!(encode_win_ansi("œ’€—"), vec![0x9C, 0x92, 0x80, 0x97]);
        assert_eq!(encode_win_ansi("ś"), b"?".to_vec());
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    fn on_path(program: &str) -> Option<PathBuf> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    }

    /// Checks a generated PDF with qpdf and pdftotext when they are
    /// installed (Debian: `qpdf`, `poppler-utils`); skipped otherwise.
    #[test]
    fn qpdf_accepts_and_pdftotext_reads_accents() {
        let (Some(qpdf), Some(pdftotext)) = (on_path("qpdf"), on_path("pdftotext")) else {
            eprintln!("qpdf or pdftotext missing: test skipped");
            return;
        };
        let dir = std::env::temp_dir().join(format!("portee-demo-pdf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut files = vec![("sample.pdf".to_owned(), sample())];
        // And one real generated document.
        let network = crate::generate(&crate::DemoOptions {
            students: 60,
            seed: 3,
            today: crate::util::ymd(2026, 11, 28),
            taken_at: None,
        });
        let doc = network
            .documents
            .iter()
            .find(|d| d.content.is_some())
            .expect("a document with content");
        files.push(("generated.pdf".to_owned(), doc.content.clone().unwrap()));

        for (name, bytes) in &files {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let check = Command::new(&qpdf)
                .arg("--check")
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                check.status.success(),
                "qpdf --check {name}: {}{}",
                String::from_utf8_lossy(&check.stdout),
                String::from_utf8_lossy(&check.stderr)
            );
            let out = Command::new(&pdftotext)
                .args(["-enc", "UTF-8"])
                .arg(&path)
                .arg("-")
                .output()
                .unwrap();
            assert!(out.status.success(), "pdftotext {name}");
            let text = String::from_utf8(out.stdout).unwrap();
            if name == "sample.pdf" {
                for expected in [
                    "Facture d'électricité — Famille Lefèvre — 12/10/2026",
                    "Chœur d’enfants : 42,50 € (réglé) \\ (test)",
                    "Maëlle, Héloïse, Benoît, Noël, Gonçalves",
                ] {
                    assert!(text.contains(expected), "{expected:?} not in {text:?}");
                }
            } else {
                let family = &network.families[doc.family];
                assert!(text.contains("Document fictif"), "{text:?}");
                assert!(text.contains(&family.town), "{text:?}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
