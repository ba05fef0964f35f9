//! The PDF check's speed: every corpus file (median and worst of the
//! per-file medians), then 10 MiB scans: a JPEG scan made by ImageMagick
//! when `convert` is present (the usual upload), and a Flate-compressed
//! scan built here (the check's slowest path: every byte inflated).
//! Extra files may be given as arguments.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn time_check(bytes: &[u8], runs: usize) -> (Duration, String) {
    let mut times = Vec::with_capacity(runs);
    let mut verdict = String::new();
    for _ in 0..runs {
        let started = Instant::now();
        let v = portee_pdfcheck::check(bytes);
        times.push(started.elapsed());
        verdict = match v {
            Ok(r) => format!("accepté, {} pages", r.pages),
            Err(e) => format!("refusé ({})", e.key()),
        };
    }
    times.sort();
    (times[times.len() / 2], verdict)
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["valid", "damaged", "hostile"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
    }
    files.sort();
    files
}

/// A scan of `pages` A4 pages at 150 dpi, grey, each page's pixels noisy
/// enough that Flate keeps them big, until the file nears 10 MiB.
fn flate_scan() -> Vec<u8> {
    let (w, h) = (1240usize, 1754usize);
    let mut seed = 0x1234_5678u32;
    let mut pages = Vec::new();
    let mut total = 0;
    while total < 9_800_000 {
        let mut pixels = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let text = if (y / 40) % 3 == 0 && (x / 9) % 7 != 0 {
                    60
                } else {
                    235
                };
                pixels.push((text + (seed % 24) as u8).min(255));
            }
        }
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&pixels).unwrap();
        let data = e.finish().unwrap();
        total += data.len();
        pages.push(data);
    }
    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let n = pages.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".as_bytes().to_vec(),
        format!("<< /Type /Pages /Count {n} /Kids [{}] >>", kids.join(" ")).into_bytes(),
    ];
    for (i, data) in pages.iter().enumerate() {
        let content = b"q 595 0 0 842 0 0 cm /Im0 Do Q";
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R \
                 /Resources << /XObject << /Im0 {} 0 R >> >> >>",
                4 + 3 * i,
                5 + 3 * i
            )
            .into_bytes(),
        );
        let mut c = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        c.extend_from_slice(content);
        c.extend_from_slice(b"\nendstream");
        objects.push(c);
        let mut im = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /FlateDecode /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        im.extend_from_slice(data);
        im.extend_from_slice(b"\nendstream");
        objects.push(im);
    }
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(o);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A JPEG scan by ImageMagick: A4 pages at 200 dpi of noisy "paper",
/// until the file nears 10 MiB; None when `convert` is missing.
fn jpeg_scan(dir: &Path) -> Option<Vec<u8>> {
    let out = dir.join("scan-jpeg.pdf");
    let status = std::process::Command::new("convert")
        .args([
            "-size",
            "1654x2339",
            "xc:white",
            "+noise",
            "Gaussian",
            "-colorspace",
            "Gray",
        ])
        .args(["-quality", "85", "-density", "200"])
        .args(["-duplicate", "5"])
        .arg(&out)
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    std::fs::read(out).ok()
}

fn main() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/pdf-corpus");
    let mut files = corpus_files(&corpus);
    files.extend(
        std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with("--"))
            .map(PathBuf::from),
    );
    let mut medians = Vec::new();
    let mut worst = (Duration::ZERO, String::new());
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let (median, _) = time_check(&bytes, 9);
        medians.push(median);
        if median > worst.0 {
            worst = (
                median,
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    medians.sort();
    if !medians.is_empty() {
        println!(
            "corpus: {} files, median {:.3} ms per file, worst {:.3} ms ({})",
            medians.len(),
            medians[medians.len() / 2].as_secs_f64() * 1e3,
            worst.0.as_secs_f64() * 1e3,
            worst.1
        );
    }
    let tmp = std::env::temp_dir().join("portee-bench-pdf");
    std::fs::create_dir_all(&tmp).ok();
    let flate = flate_scan();
    let (median, verdict) = time_check(&flate, 9);
    println!(
        "flate scan: {:.1} MiB, median {:.1} ms ({verdict})",
        flate.len() as f64 / 1048576.0,
        median.as_secs_f64() * 1e3
    );
    match jpeg_scan(&tmp) {
        Some(jpeg) => {
            let (median, verdict) = time_check(&jpeg, 9);
            println!(
                "jpeg scan (ImageMagick): {:.1} MiB, median {:.1} ms ({verdict})",
                jpeg.len() as f64 / 1048576.0,
                median.as_secs_f64() * 1e3
            );
        }
        None => println!("jpeg scan: ImageMagick's convert is missing, skipped"),
    }
}
