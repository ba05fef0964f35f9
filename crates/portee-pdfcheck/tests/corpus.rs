//! The check against the corpus of `tests/pdf-corpus` (valid files from
//! several producers, damaged ones, hostile ones): every file gets the
//! verdict its MANIFEST line expects, for the reason it names.

use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/pdf-corpus")
}

/// (path, accept, reason key, description) for each MANIFEST line.
pub fn manifest() -> Vec<(PathBuf, bool, String, String)> {
    let text = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert!(cols.len() >= 3, "bad MANIFEST line: {line}");
            let accept = match cols[1] {
                "accept" => true,
                "refuse" => false,
                other => panic!("bad verdict {other} in: {line}"),
            };
            (
                corpus_dir().join(cols[0]),
                accept,
                cols[2].to_owned(),
                cols.get(3).copied().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_corpus_file_gets_its_expected_verdict() {
    let entries = manifest();
    assert!(
        entries.len() >= 30,
        "the corpus is too small: {}",
        entries.len()
    );
    let mut wrong = Vec::new();
    for (path, accept, reason, description) in &entries {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let verdict = portee_pdfcheck::check(&bytes);
        let ok = match (&verdict, accept) {
            (Ok(report), true) => report.pages >= 1,
            (Err(refusal), false) => refusal.key() == reason,
            _ => false,
        };
        if !ok {
            wrong.push(format!(
                "{} ({description}): expected {} {reason}, got {verdict:?}",
                path.display(),
                if *accept { "accept" } else { "refuse" }
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong verdicts:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn refusals_speak_french() {
    let refusal = portee_pdfcheck::check(
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (x) >> >> endobj",
    )
    .unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "le PDF contient du JavaScript, interdit par sécurité"
    );
    assert_eq!(
        portee_pdfcheck::check(b"GIF89a").unwrap_err().to_string(),
        "ce fichier n'est pas un PDF"
    );
}
