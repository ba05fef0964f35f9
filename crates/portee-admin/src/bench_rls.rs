//! `portee-bench-rls`: what PostgreSQL's row-level security costs (issue
//! 9). Build and run it with
//! `cargo run --release -p portee-admin --bin portee-bench-rls`.
//!
//! For each scale (8,000 and 80,000 students by default) it seeds a fresh
//! database as a superuser, then measures side by side, interleaved in one
//! run, the same calls made by the app:
//!
//! - as the **owner without policies**: a superuser connection that
//!   `SET ROLE portee_owner` (the schema's owner: row-level security does
//!   not apply to it), and
//! - as the **Meudon agent with the policies on**: the demo role
//!   `agent.meudon` with its own password, as the app connects.
//!
//! Figures: search p50/p95 (a realistic mix, within the agent's site, the
//! app's limit of 50), the fiche élève read, a student's history page, and
//! seat taking by one client, then by 20 concurrent clients. Target: each within 15 % of the
//! owner's figure. Options: `--scales 8000,80000`, `--pg-admin-url URL`.

#[path = "bench_common.rs"]
mod bench_common;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use portee_domain::search::SearchQuery;
use portee_store::{Actor, AuditFilter, Database, SeatOutcome, SeatRequest};
use sqlx::{Connection, PgConnection, postgres::PgPoolOptions};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const MEUDON: i16 = 5;

use bench_common::percentile;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Two series of timings, owner and agent, printed side by side.
fn report(scale: usize, what: &str, mut owner: Vec<Duration>, mut agent: Vec<Duration>) {
    owner.sort();
    agent.sort();
    let (o50, o95) = (ms(percentile(&owner, 0.5)), ms(percentile(&owner, 0.95)));
    let (a50, a95) = (ms(percentile(&agent, 0.5)), ms(percentile(&agent, 0.95)));
    let ratio = if o95 > 0.0 { a95 / o95 } else { 0.0 };
    println!(
        "{scale:>6} students  {what:<22} owner p50 {o50:>6.2} ms p95 {o95:>6.2} ms | \
         agent (policies) p50 {a50:>6.2} ms p95 {a95:>6.2} ms | p95 ratio {:+.1} % ({} calls each)",
        (ratio - 1.0) * 100.0,
        owner.len()
    );
}

struct Args {
    scales: Vec<usize>,
    pg_admin: String,
}

fn args() -> Args {
    let mut a = Args {
        scales: vec![8000, 80000],
        pg_admin: std::env::var("PORTEE_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into()),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--scales" => {
                a.scales = it
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|s| s.trim().parse().ok())
                    .collect()
            }
            "--pg-admin-url" => a.pg_admin = it.next().unwrap_or_default(),
            other => eprintln!("option inconnue ignorée : {other}"),
        }
    }
    a
}

#[tokio::main]
async fn main() -> Res<()> {
    let args = args();
    for scale in args.scales {
        let name = format!("portee_bench_rls_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&args.pg_admin).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        let base = args
            .pg_admin
            .rsplit_once('/')
            .map_or(args.pg_admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        let result = run(scale, &url, &name).await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await?;
        result?;
    }
    Ok(())
}

/// A pool of `size` connections as the schema's owner (a superuser that
/// took the role portee_owner: row-level security does not apply).
async fn owner(url: &str, size: u32) -> Res<Database> {
    let pool = PgPoolOptions::new()
        .max_connections(size)
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("SET ROLE portee_owner").execute(conn).await?;
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(Database::Postgres(pool))
}

async fn run(scale: usize, url: &str, name: &str) -> Res<()> {
    let db = Database::connect(url).await?;
    db.migrate().await?;
    let t = Instant::now();
    portee_services::demo::seed(
        &db,
        scale,
        2026,
        chrono::Local::now().date_naive(),
        &Actor::system("portee-bench-rls"),
    )
    .await?;
    println!(
        "{scale:>6} students  seeded in {:.1} s (database {name})",
        t.elapsed().as_secs_f64()
    );
    let Database::Postgres(pool) = &db else {
        unreachable!()
    };
    sqlx::query("ANALYZE").execute(pool).await?;
    let own = owner(url, 4).await?;
    let agent = Database::connect_member(url, "agent.meudon", "demo-agent.meudon", "bench").await?;
    let sites: &[i16] = &[MEUDON];

    // Search: the bench's realistic mix, built from Meudon's students.
    let rows: Vec<(String, String, chrono::NaiveDate, String, String)> = sqlx::query_as(
        "SELECT s.last_name, s.first_name, s.birth_date, f.family_number, \
         COALESCE(g.phone_mobile, '') FROM students s JOIN families f ON f.id = s.family_id \
         LEFT JOIN guardians g ON g.family_id = f.id AND g.rank = 1 \
         WHERE s.site_id = 5 AND s.id % $1 = 0 ORDER BY s.id LIMIT 60",
    )
    .bind((scale / 800).max(1) as i64)
    .fetch_all(pool)
    .await?;
    let mut texts = Vec::new();
    for (last, first, birth, family, phone) in &rows {
        let p = |s: &str, k: usize| s.chars().take(k).collect::<String>();
        texts.extend([
            p(last, 2),
            p(first, 3),
            p(last, 4),
            format!("{} {}", p(last, 5), p(first, 3)),
            format!("{first} {last}"),
            format!("{} {}", p(last, 6), p(first, 1)),
            family.clone(),
            birth.format("%d/%m/%Y").to_string(),
        ]);
        if !phone.is_empty() {
            texts.push(p(phone, 8));
        }
    }
    let queries: Vec<SearchQuery> = texts
        .iter()
        .filter_map(|q| SearchQuery::parse(q).ok())
        .collect();
    // Warm-up, then 3 interleaved rounds.
    for q in &queries {
        let a = own.search_students_in(q, 50, Some(sites)).await?;
        let b = agent.search_students_in(q, 50, Some(sites)).await?;
        if a != b {
            return Err(format!("résultats différents pour {q:?}").into());
        }
    }
    let (mut o, mut a) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(own.search_students_in(q, 50, Some(sites)).await?);
            o.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(agent.search_students_in(q, 50, Some(sites)).await?);
            a.push(t.elapsed());
        }
    }
    report(scale, "search (one site)", o, a);

    // The fiche élève and a student's history page, Meudon students.
    let subjects: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, family_id FROM students WHERE site_id = 5 ORDER BY id LIMIT 200",
    )
    .fetch_all(pool)
    .await?;
    let (mut o, mut a) = (Vec::new(), Vec::new());
    for round in 0..4 {
        for &(student, _) in &subjects {
            let t = Instant::now();
            std::hint::black_box(own.student_record_for(student, Some(sites)).await?);
            let to = t.elapsed();
            let t = Instant::now();
            std::hint::black_box(agent.student_record_for(student, Some(sites)).await?);
            if round > 0 {
                o.push(to);
                a.push(t.elapsed());
            }
        }
    }
    report(scale, "fiche élève", o, a);
    let (mut o, mut a) = (Vec::new(), Vec::new());
    for round in 0..4 {
        for &(student, family) in &subjects {
            let filter = AuditFilter {
                student: Some((student, family)),
                visible_sites: Some(sites.to_vec()),
                ..Default::default()
            };
            let t = Instant::now();
            std::hint::black_box(own.audit_entries(&filter, 100).await?);
            let to = t.elapsed();
            let t = Instant::now();
            std::hint::black_box(agent.audit_entries(&filter, 100).await?);
            if round > 0 {
                o.push(to);
                a.push(t.elapsed());
            }
        }
    }
    report(scale, "history page", o, a);

    // Seats: 20 clients at once, first as the owner, then as the agent,
    // each on its own fresh slots of Meudon (20 seats each).
    let students: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM students WHERE site_id = 5 ORDER BY id LIMIT 2000")
            .fetch_all(pool)
            .await?;
    for clients in [1u64, 20] {
        let mut seat_times = Vec::new();
        for who in ["owner", "agent"] {
            let (year, courses) =
                bench_common::seat_courses(pool, &format!("Banc {who} {clients}")).await?;
            let slots: Vec<(i64, i64)> = courses
                .iter()
                .flat_map(|(course, slots)| slots.iter().map(|slot| (*course, *slot)))
                .collect();
            let slots = Arc::new(slots);
            let students = Arc::new(students.clone());
            let mut handles = Vec::new();
            for client in 0..clients {
                let db = if who == "owner" {
                    owner(url, 1).await?
                } else {
                    Database::connect_member(url, "agent.meudon", "demo-agent.meudon", "bench")
                        .await?
                };
                let (slots, students) = (slots.clone(), students.clone());
                handles.push(tokio::spawn(async move {
                    let mut state = client.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                    let mut next = |bound: usize| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        (state % bound as u64) as usize
                    };
                    let actor = Actor::system("portee-bench-rls");
                    let mut times = Vec::new();
                    let mut errors = 0;
                    for _ in 0..100 {
                        let (course, slot) = slots[next(slots.len())];
                        let req = SeatRequest {
                            slot_id: slot,
                            student_id: students[next(students.len())],
                            course_id: course,
                            school_year_id: year,
                        };
                        let t = Instant::now();
                        match db.take_seat(req, &actor).await {
                            Ok(SeatOutcome::Taken { .. } | SeatOutcome::Full)
                            | Err(portee_store::StoreError::Duplicate) => {}
                            Err(_) => errors += 1,
                        }
                        times.push(t.elapsed());
                    }
                    db.close().await;
                    (times, errors)
                }));
            }
            let mut times = Vec::new();
            let mut errors = 0;
            for h in handles {
                let (t, e) = h.await?;
                times.extend(t);
                errors += e;
            }
            if errors > 0 {
                return Err(format!("{who}: {errors} prises de place en erreur").into());
            }
            seat_times.push(times);
        }
        let agent_seats = seat_times.pop().unwrap_or_default();
        let owner_seats = seat_times.pop().unwrap_or_default();
        report(
            scale,
            &format!(
                "seat, {clients} client{}",
                if clients > 1 { "s" } else { "" }
            ),
            owner_seats,
            agent_seats,
        );
    }
    let overbooked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM slots WHERE seats_taken > capacity")
            .fetch_one(pool)
            .await?;
    println!("{scale:>6} students  overbooked slots after both runs: {overbooked}");
    own.close().await;
    agent.close().await;
    db.close().await;
    Ok(())
}
