//! A mutation fuzz test: valid corpus files, damaged at random (bit flips,
//! bytes overwritten with PDF syntax, slices deleted, duplicated or cut),
//! never make the check panic, hang or run past its deadline.
//! `PORTEE_FUZZ_ITERATIONS` sets the number of mutants (default 10,000).

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"obj",
    b"endobj",
    b"stream",
    b"endstream",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b"/JS",
    b"/OpenAction",
    b"/Type /ObjStm",
    b"/Filter /FlateDecode",
    b"/Length 99999999",
    b"R",
    b"1 0 obj",
    b"9 0 R",
    b"trailer",
    b"xref",
    b"%%EOF",
    b"/Kids [1 0 R]",
    b"#",
    b"\\",
    b"/N 2147483647 /First 1",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        if data.is_empty() {
            data.extend_from_slice(b"%PDF-1.4");
        }
        let at = rng.below(data.len());
        match rng.below(6) {
            0 => data[at] ^= 1 << rng.below(8),
            1 => data[at] = rng.next() as u8,
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            3 => {
                let end = (at + rng.below(512)).min(data.len());
                data.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(2048)).min(data.len());
                let chunk = data[at..end].to_vec();
                let to = rng.below(data.len());
                data.splice(to..to, chunk);
            }
            _ => data.truncate(at),
        }
    }
    data
}

#[test]
fn mutated_files_never_panic_nor_hang() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/pdf-corpus");
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for sub in ["valid", "damaged", "hostile"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("corpus file");
            // Bombs and huge files take their own time: not fuzz seeds.
            if bytes.len() <= 256 * 1024 {
                seeds.push(bytes);
            }
        }
    }
    assert!(seeds.len() >= 20, "too few seeds: {}", seeds.len());
    let iterations: usize = std::env::var("PORTEE_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let limits = portee_pdfcheck::Limits {
        time_limit: Duration::from_secs(2),
        ..Default::default()
    };
    let mut rng = Rng(0x5EED_0F90_2026);
    let (mut accepted, mut refused) = (0usize, 0usize);
    let mut slowest = Duration::ZERO;
    for i in 0..iterations {
        let seed = &seeds[i % seeds.len()];
        let mutant = mutate(&mut rng, seed);
        let started = Instant::now();
        let verdict = std::panic::catch_unwind(|| portee_pdfcheck::check_with(&mutant, &limits));
        let took = started.elapsed();
        let Ok(verdict) = verdict else {
            let path = std::env::temp_dir().join(format!("portee-pdf-panic-{i}.pdf"));
            std::fs::write(&path, &mutant).ok();
            panic!(
                "mutant {i} made the check panic (saved to {})",
                path.display()
            );
        };
        // The deadline bounds every check (generous margin for a loaded CI).
        assert!(
            took < limits.time_limit + Duration::from_secs(3),
            "mutant {i} took {took:?}"
        );
        slowest = slowest.max(took);
        match verdict {
            Ok(_) => accepted += 1,
            Err(_) => refused += 1,
        }
    }
    println!("{iterations} mutants: {accepted} accepted, {refused} refused, slowest {slowest:?}");
    assert!(
        refused > 0 && accepted > 0,
        "mutations should both break and spare files"
    );
}
