//! Times `generate` and prints the shape of the generated network:
//! `cargo run --release -p portee-demo --example timing`.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;
use portee_demo::{DemoOptions, generate};

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date");
    for students in [8_000, 80_000] {
        let options = DemoOptions {
            students,
            seed: 42,
            today,
            taken_at: None,
        };
        let started = Instant::now();
        let n = generate(&options);
        let elapsed = started.elapsed();
        let current = |course: usize| n.courses[course].school_year == n.current_year;
        let current_slots: Vec<_> = n.slots.iter().filter(|s| current(s.course)).collect();
        let full = current_slots
            .iter()
            .filter(|s| s.seats_taken == s.capacity)
            .count();
        let next_full = n
            .slots
            .iter()
            .filter(|s| !current(s.course) && s.seats_taken == s.capacity)
            .count();
        let pdf_bytes: usize = n
            .documents
            .iter()
            .filter_map(|d| d.content.as_ref().map(Vec::len))
            .sum();
        println!(
            "{students} students: {elapsed:.2?} — {} families, {} guardians, {} courses, \
             {} slots ({} this year, {full} full; {next_full} full next year), {} enrolments, \
             {} dossiers, {} dossier courses, {} waiting, {} documents ({} KiB of PDF), {} staff",
            n.families.len(),
            n.guardians.len(),
            n.courses.len(),
            n.slots.len(),
            current_slots.len(),
            n.enrolments.len(),
            n.reinscriptions.len(),
            n.reinscription_courses.len(),
            n.waiting_list.len(),
            n.documents.len(),
            pdf_bytes / 1024,
            n.staff.len(),
        );
        if std::env::args().any(|a| a == "--details") {
            let mut by_kind: BTreeMap<&str, (usize, usize, i32, i32)> = BTreeMap::new();
            for s in &current_slots {
                let kind = n.disciplines[n.courses[s.course].discipline].kind;
                let entry = by_kind.entry(kind).or_default();
                entry.0 += 1;
                entry.1 += usize::from(s.seats_taken == s.capacity);
                entry.2 += s.seats_taken;
                entry.3 += s.capacity;
            }
            println!("  current slots by kind (count, full, taken, capacity): {by_kind:?}");
            let mut statuses: BTreeMap<(&str, Option<&str>), usize> = BTreeMap::new();
            for r in &n.reinscriptions {
                *statuses.entry((r.status, r.intent)).or_default() += 1;
            }
            println!("  dossiers: {statuses:?}");
            let mut docs: BTreeMap<(&str, &str), usize> = BTreeMap::new();
            for d in &n.documents {
                *docs.entry((d.doc_type, d.status)).or_default() += 1;
            }
            println!("  documents: {docs:?}");
        }
    }
}
