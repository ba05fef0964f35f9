//! The accusé de réception checked with real tools: qpdf finds it sound,
//! pdftotext reads the names and the number back (accents included), it
//! passes Portée's own PDF check, and a long one breaks into numbered pages.

use std::process::Command;

use portee_print::{AckChild, Acknowledgement, Letterhead, acknowledgement_pdf};

fn sample(courses: usize) -> Acknowledgement {
    Acknowledgement {
        letterhead: Letterhead {
            network: "Conservatoires de Grand Paris Seine Ouest".into(),
            site: "Meudon".into(),
        },
        number: "AR-2027-000180".into(),
        version: 2,
        date: "02/12/2026 à 17:40".into(),
        channel: "au guichet, par Benoît Mathieu".into(),
        school_year: "2027-2028".into(),
        family_number: "F-010851".into(),
        guardians: vec!["Sandrine Thibault (mère) · 06 12 34 56 78".into()],
        children: vec![
            AckChild {
                name: "Tom THIBAULT".into(),
                reinscrit: true,
                reason: None,
                courses: (0..courses)
                    .map(|i| {
                        (
                            format!("Formation Musicale 1C{}", i % 4 + 1),
                            "Lundi 18:30–19:30 · Mme Boyer".into(),
                        )
                    })
                    .collect(),
                image_rights: Some(true),
                may_leave_alone: Some(false),
            },
            AckChild {
                name: "Léna THIBAULT".into(),
                reinscrit: false,
                reason: Some("Déménagement".into()),
                courses: vec![],
                image_rights: None,
                may_leave_alone: None,
            },
        ],
        documents: vec![("Justificatif de domicile".into(), "Manquant".into())],
        documents_deadline: "13/07/2027".into(),
        additional_info: Some("Souhaite essayer le violoncelle.".into()),
        changes: vec!["Créneau de Formation Musicale : mercredi 14:00 → lundi 18:30".into()],
    }
}

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} introuvable ({e}) : scripts/setup.sh l'installe"))
}

#[test]
fn the_acknowledgement_is_a_sound_searchable_pdf_with_its_number_and_names() {
    let bytes = acknowledgement_pdf(&sample(3)).unwrap();
    let dir = tempfile_dir();
    let path = dir.join("ar.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let p = path.to_str().unwrap();
    let check = tool("qpdf", &["--check", p]);
    assert!(
        check.status.success(),
        "qpdf: {}",
        String::from_utf8_lossy(&check.stdout)
    );
    let text = tool("pdftotext", &["-layout", p, "-"]);
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        "AR-2027-000180",
        "version 2",
        "Tom THIBAULT",
        "Léna THIBAULT",
        "Déménagement",
        "Benoît Mathieu",
        "Droit à l'image : oui",
        "13/07/2027",
        "violoncelle",
        "page 1 / 1",
        "Meudon",
    ] {
        assert!(text.contains(needle), "« {needle} » absent de :\n{text}");
    }
    assert!(
        portee_pdfcheck::check(&bytes).is_ok(),
        "Portée's own check refuses it"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_long_acknowledgement_breaks_into_numbered_pages() {
    let bytes = acknowledgement_pdf(&sample(120)).unwrap();
    let dir = tempfile_dir();
    let path = dir.join("long.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let p = path.to_str().unwrap();
    let info = String::from_utf8_lossy(&tool("pdfinfo", &[p]).stdout).to_string();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 3, "{pages} pages");
    let text = String::from_utf8_lossy(&tool("pdftotext", &[p, "-"]).stdout).to_string();
    assert!(text.contains(&format!("page {pages} / {pages}")), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_acknowledgement_without_children_is_refused() {
    let mut a = sample(1);
    a.children.clear();
    assert!(acknowledgement_pdf(&a).is_err());
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "portee-print-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
