//! The renderer against the PDF corpus of `tests/pdf-corpus` (real-world
//! producers, damaged and hostile files): every file accepted by the check
//! draws its first page with ink on it, turned or not; every refused file
//! is refused before drawing; nothing panics; each file's time is printed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use portee_render::{Document, PageRequest, RenderError};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/pdf-corpus")
}

fn manifest() -> Vec<(String, bool)> {
    std::fs::read_to_string(corpus().join("MANIFEST.tsv"))
        .expect("the corpus manifest")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split('\t');
            let path = parts.next().unwrap().to_string();
            let accept = parts.next().unwrap() == "accept";
            (path, accept)
        })
        .collect()
}

/// Whether a PNG holds a pixel that is not (nearly) white.
fn has_ink(png: &[u8]) -> bool {
    let picture = image::load_from_memory(png).expect("a PNG").to_rgb8();
    picture.pixels().any(|p| p.0.iter().any(|&c| c < 200))
}

#[test]
fn every_corpus_file_is_drawn_or_refused_without_a_panic() {
    let files = manifest();
    assert!(files.len() > 50, "{} files", files.len());
    let mut drawn = 0;
    let mut slowest = (String::new(), 0u128);
    for (path, accept) in &files {
        let bytes = Arc::new(std::fs::read(corpus().join(path)).expect(path));
        let started = Instant::now();
        let result = Document::open(bytes).and_then(|d| {
            d.render(PageRequest {
                page: 0,
                width: 800,
                quarter_turns: 0,
            })
        });
        let ms = started.elapsed().as_millis();
        if ms > slowest.1 {
            slowest = (path.clone(), ms);
        }
        match (accept, result) {
            (true, Ok(page)) => {
                assert!(
                    page.width == 800 || page.height <= 4000,
                    "{path}: {}",
                    page.width
                );
                assert!(page.page_count >= 1);
                drawn += 1;
            }
            // A file the check keeps but the rasterizer cannot draw says
            // so; the reviewer can still refuse it.
            (true, Err(RenderError::Unrenderable)) => eprintln!("{path}: non dessinable"),
            (true, Err(e)) => panic!("{path}: accepted by the check, yet {e:?}"),
            (false, Err(RenderError::Refused(_))) => {}
            (false, other) => panic!("{path}: refused by the check, yet {other:?}"),
        }
    }
    eprintln!(
        "{drawn} drawn of {}; slowest {} ms ({})",
        files.len(),
        slowest.1,
        slowest.0
    );
    assert!(
        drawn * 10 >= files.iter().filter(|f| f.1).count() * 9,
        "{drawn} drawn"
    );
}

#[test]
fn the_producers_pages_carry_ink_and_turn_by_quarters() {
    let mut checked = 0;
    for (path, accept) in manifest() {
        if !accept || !path.starts_with("valid/") {
            continue;
        }
        let bytes = Arc::new(std::fs::read(corpus().join(&path)).unwrap());
        let doc = Document::open(bytes).unwrap();
        let upright = doc
            .render(PageRequest {
                page: 0,
                width: 600,
                quarter_turns: 0,
            })
            .unwrap();
        let turned = doc
            .render(PageRequest {
                page: 0,
                width: 600,
                quarter_turns: 1,
            })
            .unwrap();
        assert_eq!(
            (turned.width, turned.height),
            (upright.height, upright.width),
            "{path}"
        );
        let upside = doc
            .render(PageRequest {
                page: 0,
                width: 600,
                quarter_turns: 6,
            })
            .unwrap();
        assert_eq!(
            (upside.width, upside.height),
            (upright.width, upright.height),
            "{path}"
        );
        if has_ink(&upright.png) {
            checked += 1;
        }
        let past = doc.render(PageRequest {
            page: doc.page_count(),
            width: 600,
            quarter_turns: 0,
        });
        assert!(
            matches!(past, Err(RenderError::NoSuchPage { .. })),
            "{path}"
        );
    }
    assert!(checked >= 10, "{checked} producer files with ink");
}
