//! Search through the IPC command, as the window calls it: the real
//! `search_students` command of the app (mock runtime: the same command
//! code, serialization and session check, without the webview), on the
//! embedded SQLite demo network, signed in as agent.meudon.
//!
//! `cargo bench -p portee-app --bench ipc_search` (release). Environment:
//! `PORTEE_BENCH_STUDENTS` (default 8000). The query mix is what a
//! secretary types: every prefix of a name as it is typed (2 letters on),
//! « Nom Pré », the family number, the birth date, for 60 Meudon students.
//! Target (issue 10): p95 under 16 ms, one frame.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{app_with, config, invoke};
use serde_json::json;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64)).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let students: usize = std::env::var("PORTEE_BENCH_STUDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8000);
    let dir = tempfile::tempdir().expect("temporary folder");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let started = Instant::now();
    let queries: Vec<String> = rt.block_on(async {
        let url = portee_config::sqlite_url(&dir.path().join("portee.sqlite3"));
        let db = portee_store::Database::connect(&url)
            .await
            .expect("database");
        db.migrate().await.expect("migrations");
        let today = chrono::Utc::now().date_naive();
        portee_services::demo::seed(
            &db,
            students,
            2026,
            today,
            &portee_store::Actor::system("bench"),
        )
        .await
        .expect("demo seed");
        let portee_store::Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let rows: Vec<(String, String, chrono::NaiveDate, String)> = sqlx::query_as(
            "SELECT s.last_name, s.first_name, s.birth_date, f.family_number FROM students s \
             JOIN families f ON f.id = s.family_id WHERE s.site_id = 5 AND s.id % 7 = 3 \
             ORDER BY s.id LIMIT 60",
        )
        .fetch_all(pool)
        .await
        .expect("students");
        db.close().await;
        let mut out = Vec::new();
        for (last, first, birth, family) in rows {
            let full = format!("{last} {first}");
            let chars: Vec<char> = full.chars().collect();
            for n in 2..=chars.len() {
                out.push(chars[..n].iter().collect());
            }
            out.push(family);
            out.push(birth.format("%d/%m/%Y").to_string());
        }
        out
    });
    let seeded = started.elapsed();

    let (_app, webview) = app_with(config(dir.path(), None));
    invoke(
        &webview,
        "sign_in",
        json!({ "site_id": 5, "login": "agent.meudon", "password": "demo-agent.meudon" }),
    )
    .expect("sign-in as agent.meudon");
    // One warm-up round, then three measured rounds.
    let mut times = Vec::new();
    let mut hits = 0usize;
    for round in 0..4 {
        for q in &queries {
            let t = Instant::now();
            let answer = invoke(&webview, "search_students", json!({ "query": q }))
                .unwrap_or_else(|e| panic!("{q}: {e}"));
            let took = t.elapsed();
            if round > 0 {
                times.push(took);
                hits += answer.as_array().map_or(0, Vec::len);
            }
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "ipc search  sqlite {students} students (seeded in {:.1} s), agent.meudon: {} calls, \
         p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} hits/round)",
        seeded.as_secs_f64(),
        times.len(),
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 95.0)),
        ms(times.last().copied().unwrap_or_default()),
        hits / 3
    );
}
