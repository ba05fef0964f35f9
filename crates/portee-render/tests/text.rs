//! The text layer read by the interpreter: the date a demo document bears
//! is found in it (what the review screen suggests), a scan without text
//! gives nothing, and every file of the corpus accepted by the check is
//! read without a panic, with text wherever `pdftotext` finds some.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use portee_domain::review::suggest_document_date;
use portee_render::Document;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/pdf-corpus")
}

#[test]
fn the_date_a_demo_document_bears_is_suggested() {
    let network = portee_demo::generate(&portee_demo::DemoOptions {
        students: 120,
        seed: 11,
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        taken_at: None,
    });
    let mut checked = 0;
    for doc in &network.documents {
        let (Some(content), Some(date), Some(uploaded)) =
            (&doc.content, doc.document_date, doc.uploaded_at)
        else {
            continue;
        };
        let opened = Document::open(Arc::new(content.clone())).unwrap();
        let text = opened.text(3, 20_000).unwrap();
        let day = uploaded.date_naive();
        if date > day || day - date > chrono::Duration::days(700) {
            continue;
        }
        if text.trim().is_empty() {
            // A demo « scan »: pictures only.
            continue;
        }
        assert_eq!(
            suggest_document_date(&text, day),
            Some(date),
            "{:?}: {text}",
            doc.file_name
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} dated documents read");
}

#[test]
fn corpus_files_give_their_text_without_a_panic() {
    let manifest = std::fs::read_to_string(corpus().join("MANIFEST.tsv")).unwrap();
    let mut with_text = 0;
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        let mut cols = line.split('\t');
        let (Some(path), Some("accept")) = (cols.next(), cols.next()) else {
            continue;
        };
        let file = corpus().join(path);
        let Ok(opened) = Document::open(Arc::new(std::fs::read(&file).unwrap())) else {
            continue;
        };
        let ours = opened.text(50, 20_000).expect(path);
        assert!(ours.chars().count() <= 20_000 + 50 + 4 * 20_000, "{path}");
        let theirs = Command::new("pdftotext")
            .arg("-l")
            .arg("3")
            .arg(&file)
            .arg("-")
            .output();
        let Ok(theirs) = theirs else {
            continue;
        };
        let theirs = String::from_utf8_lossy(&theirs.stdout);
        let letters = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).count();
        if letters(&theirs) > 20 {
            assert!(
                letters(&ours) > 0,
                "{path}: pdftotext reads {} letters, Portée none",
                letters(&theirs)
            );
            with_text += 1;
        }
    }
    assert!(with_text >= 5, "only {with_text} corpus files with text");
}
