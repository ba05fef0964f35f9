//! The review screen's drawing speed and memory (issue 11), in release:
//! `cargo bench -p portee-render`.
//!
//! 1. « Suivant » on a document not prepared: check + read + first page at
//!    1,000 px + PNG, over every demo document with content (400 students)
//!    and over a 10 MiB, 150 dpi, 5-page JPEG scan: median, p95, worst.
//! 2. A page turned or zoomed on a document already read (the cache of the
//!    app): first page again at another width.
//! 3. 200 documents reviewed in a row, as the app does (a cache of 4):
//!    the process's resident memory after each 20 (Linux `VmRSS`).

use std::io::Cursor;
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::{GrayImage, Luma, codecs::jpeg::JpegEncoder};
use portee_render::{Document, PageRequest};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label}: n={} median {} p95 {} worst {}",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap())
    );
}

/// One « Suivant »: the file checked and read, its first page drawn.
fn next(bytes: &Arc<Vec<u8>>, width: u32) -> (Duration, Arc<Document>) {
    let started = Instant::now();
    let doc = Arc::new(Document::open(bytes.clone()).expect("a drawable document"));
    let page = doc
        .render(PageRequest {
            page: 0,
            width,
            quarter_turns: 0,
        })
        .expect("a page");
    assert!(!page.png.is_empty());
    (started.elapsed(), doc)
}

/// A scan of 5 A4 pages at 150 dpi, grey JPEG (as a scanner's firmware
/// makes them), noisy enough to weigh about 10 MiB.
fn jpeg_scan() -> Vec<u8> {
    let (w, h) = (1240u32, 1754u32);
    let mut seed = 0x2545_f491u32;
    let mut pages = Vec::new();
    for p in 0..5u32 {
        let img = GrayImage::from_fn(w, h, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let ink = if ((y + p * 7) / 40) % 3 == 0 && (x / 9) % 7 != 0 {
                60
            } else {
                225
            };
            Luma([(ink as u32 + seed % 120).min(255) as u8])
        });
        let mut data = Vec::new();
        JpegEncoder::new_with_quality(&mut Cursor::new(&mut data), 100)
            .encode_image(&img)
            .unwrap();
        pages.push(data);
    }
    // The PDF: one image per page, drawn over the whole A4 page.
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let n = pages.len();
    let obj = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: Vec<u8>| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(b"\nendobj\n");
    };
    obj(
        &mut out,
        &mut offsets,
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
    );
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + i * 3)).collect();
    obj(
        &mut out,
        &mut offsets,
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
    );
    for (i, data) in pages.iter().enumerate() {
        let (page, content, image) = (3 + i * 3, 4 + i * 3, 5 + i * 3);
        obj(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R \
                 /Resources << /XObject << /Im0 {image} 0 R >> >> >>"
            )
            .into_bytes(),
        );
        let _ = page;
        let draw = b"q 595 0 0 842 0 0 cm /Im0 Do Q";
        let mut body = format!("<< /Length {} >>\nstream\n", draw.len()).into_bytes();
        body.extend_from_slice(draw);
        body.extend_from_slice(b"\nendstream");
        obj(&mut out, &mut offsets, body);
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        obj(&mut out, &mut offsets, body);
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let network = portee_demo::generate(&portee_demo::DemoOptions {
        students: 400,
        seed: 7,
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        taken_at: None,
    });
    let docs: Vec<Arc<Vec<u8>>> = network
        .documents
        .iter()
        .filter_map(|d| d.content.clone())
        .map(Arc::new)
        .collect();
    println!("{} demo documents with content", docs.len());

    // 1. « Suivant » on documents not prepared.
    let times: Vec<Duration> = docs.iter().map(|d| next(d, 1000).0).collect();
    report("suivant, document non préparé (démo)", times);
    let scan = Arc::new(jpeg_scan());
    println!(
        "scan: {:.1} MiB, 5 pages, 150 dpi",
        scan.len() as f64 / 1_048_576.0
    );
    let mut scan_times = Vec::new();
    let mut scan_doc = None;
    for _ in 0..10 {
        let (t, d) = next(&scan, 1000);
        scan_times.push(t);
        scan_doc = Some(d);
    }
    report("suivant, scan 10 Mio non préparé", scan_times);

    // 2. On a document already read: another page, another zoom.
    let doc = scan_doc.unwrap();
    let turns: Vec<Duration> = (0..10u32)
        .map(|i| {
            let started = Instant::now();
            doc.render(PageRequest {
                page: (i % 5) as usize,
                width: 800 + i * 40,
                quarter_turns: (i % 4) as u8,
            })
            .unwrap();
            started.elapsed()
        })
        .collect();
    report("page ou zoom, scan déjà lu", turns);

    // 3. 200 documents in a row with a cache of 4: resident memory.
    let mut cache: std::collections::VecDeque<Arc<Document>> = Default::default();
    let mut line = Vec::new();
    for i in 0..200 {
        let bytes = if i % 10 == 9 {
            &scan
        } else {
            &docs[i % docs.len()]
        };
        let (_, d) = next(bytes, 1000);
        cache.push_front(d);
        cache.truncate(4);
        if (i + 1) % 20 == 0 {
            line.push(format!("{}: {} Mio", i + 1, rss_kib().unwrap_or(0) / 1024));
        }
    }
    println!(
        "mémoire résidente (200 documents, 1 scan sur 10) : {}",
        line.join(" · ")
    );
}
