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

/// One scanned page: its image stream's data and how it is encoded.
struct Page {
    data: Vec<u8>,
    filter: &'static str,
    width: usize,
    height: usize,
}

/// A scan of A4 pages at 150 dpi, grey, each page's pixels noisy enough
/// that Flate keeps them big, until the file nears 10 MiB.
fn flate_pages() -> Vec<Page> {
    let (width, height) = (1240usize, 1754usize);
    let mut seed = 0x1234_5678u32;
    let mut pages = Vec::new();
    let mut total = 0;
    while total < 9_800_000 {
        let mut pixels = Vec::with_capacity(width * height);
        for y in 0..height {
            for x in 0..width {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let ink = if (y / 40) % 3 == 0 && (x / 9) % 7 != 0 {
                    60
                } else {
                    235
                };
                pixels.push(ink + (seed % 24) as u8);
            }
        }
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&pixels).unwrap();
        let data = e.finish().unwrap();
        total += data.len();
        pages.push(Page {
            data,
            filter: "FlateDecode",
            width,
            height,
        });
    }
    pages
}

/// JPEG pages by ImageMagick (A4 at 200 dpi of noisy grey "paper", as a
/// scanner makes them), until the file nears 10 MiB; None without
/// ImageMagick. (Debian's ImageMagick policy forbids writing PDF: the
/// JPEGs are wrapped here, as a scanner's firmware does.)
fn jpeg_pages(dir: &Path) -> Option<Vec<Page>> {
    let (width, height) = (1654usize, 2339usize);
    let mut pages = Vec::new();
    let mut total = 0;
    let mut n = 0;
    while total < 9_800_000 && n < 50 {
        let out = dir.join(format!("page-{n}.jpg"));
        let status = std::process::Command::new("convert")
            .args([
                "-seed",
                &n.to_string(),
                "-size",
                &format!("{width}x{height}"),
                "xc:white",
            ])
            .args([
                "+noise",
                "Gaussian",
                "-colorspace",
                "Gray",
                "-quality",
                "85",
            ])
            .arg(&out)
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
        let data = std::fs::read(out).ok()?;
        total += data.len();
        pages.push(Page {
            data,
            filter: "DCTDecode",
            width,
            height,
        });
        n += 1;
    }
    Some(pages)
}

/// A PDF of one full-page image per page.
fn scan_pdf(pages: &[Page]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let n = pages.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".as_bytes().to_vec(),
        format!("<< /Type /Pages /Count {n} /Kids [{}] >>", kids.join(" ")).into_bytes(),
    ];
    for (i, page) in pages.iter().enumerate() {
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
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /{} /Length {} >>\nstream\n",
            page.width,
            page.height,
            page.filter,
            page.data.len()
        )
        .into_bytes();
        im.extend_from_slice(&page.data);
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
    let flate = scan_pdf(&flate_pages());
    let (median, verdict) = time_check(&flate, 9);
    println!(
        "flate scan: {:.1} MiB, median {:.1} ms ({verdict})",
        flate.len() as f64 / 1048576.0,
        median.as_secs_f64() * 1e3
    );
    match jpeg_pages(&tmp).map(|p| scan_pdf(&p)) {
        Some(jpeg) => {
            std::fs::write(tmp.join("scan-jpeg.pdf"), &jpeg).ok();
            let (median, verdict) = time_check(&jpeg, 9);
            println!(
                "jpeg scan (ImageMagick): {:.1} MiB, median {:.1} ms ({verdict})",
                jpeg.len() as f64 / 1048576.0,
                median.as_secs_f64() * 1e3
            );
        }
        None => println!("jpeg scan: ImageMagick's convert failed or is missing, skipped"),
    }
}
