//! `portee-bench`: the data layer's benchmark, on both databases. Build and
//! run it with `cargo run --release -p portee-admin --bin portee-bench`.
//!
//! It prints, for PostgreSQL and SQLite, at 8,000 and 80,000 students:
//! the time to seed the demo network, and search latency (p50/p95 over a
//! realistic mix of queries, over every site and within one site as an
//! agent searches, and over the 2- and 3-letter prefixes sent while a name
//! is typed); and on PostgreSQL, seat taking by 20 concurrent clients
//! (throughput and p95), and the validation of families' réinscriptions
//! (two children, three slots, one transaction) by 20 concurrent clients
//! connected as the Meudon agent's own role (issue 10), twice: at
//! saturation (each client validates again as soon as it has an answer)
//! and paced (each client starts one every 250 ms). Targets: search
//! p95 under 5 ms at 8,000 (issue 3) and under 10 ms at 80,000 (issue 8);
//! seat p95 under 15 ms; validation p95 under 30 ms, nothing overbooked.
//! It also reads the audit log as the screens do (issue 4, no target set):
//! a student's « Historique des modifications » (first page), a family's,
//! the administrators' journal (first page, unfiltered and by one staff
//! member), and the CSV export of the whole log.
//!
//! Options: `--scales 8000,80000`, `--pg-admin-url URL` (default
//! postgres://postgres:postgres@127.0.0.1:5432/postgres), `--skip-sqlite`,
//! `--skip-postgres`, `--search-only` (seed and search, nothing else),
//! `--validation-only` (PostgreSQL: seed and the validation, nothing else),
//! `--purge-only` (seed, the documents queue and the purge of every
//! reviewed document: time and database size), `--offer-only` (seed, the offer page and the rollover of next year's
//! offer for the whole network, both databases), `--missing-only` (seed,
//! the pièces manquantes list of Meudon as the owner and, on PostgreSQL,
//! as Meudon's agent).

#[path = "bench_common.rs"]
mod bench_common;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use portee_domain::search::SearchQuery;
use portee_store::{
    Actor, Channel, ChosenCourse, Database, SeatOutcome, SeatRequest, StoreError, Validation,
};
use sqlx::{Connection, PgConnection};

struct Args {
    scales: Vec<usize>,
    pg_admin: String,
    sqlite: bool,
    postgres: bool,
    search_only: bool,
    validation_only: bool,
    offer_only: bool,
    purge_only: bool,
    missing_only: bool,
}

fn args() -> Args {
    let mut a = Args {
        scales: vec![8000, 80000],
        pg_admin: std::env::var("PORTEE_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into()),
        sqlite: true,
        postgres: true,
        search_only: false,
        validation_only: false,
        offer_only: false,
        purge_only: false,
        missing_only: false,
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
            "--skip-sqlite" => a.sqlite = false,
            "--skip-postgres" => a.postgres = false,
            "--search-only" => a.search_only = true,
            "--offer-only" => a.offer_only = true,
            "--purge-only" => a.purge_only = true,
            "--missing-only" => a.missing_only = true,
            "--validation-only" => {
                a.validation_only = true;
                a.sqlite = false;
            }
            other => eprintln!("option inconnue ignorée : {other}"),
        }
    }
    a
}

use bench_common::percentile;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A fresh database of each kind, dropped (PostgreSQL) at the end.
struct Fresh {
    url: String,
    pg: Option<(String, String)>,
    _dir: Option<std::path::PathBuf>,
}

impl Fresh {
    async fn postgres(admin: &str) -> anyhow_lite::Result<Fresh> {
        let name = format!("portee_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(admin).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        Ok(Fresh {
            url: format!("{base}/{name}"),
            pg: Some((admin.to_owned(), name)),
            _dir: None,
        })
    }

    fn sqlite(scale: usize) -> Fresh {
        let dir = std::env::temp_dir().join(format!("portee-bench-{}-{scale}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        Fresh {
            url: format!("sqlite://{}/portee.sqlite3?mode=rwc", dir.display()),
            pg: None,
            _dir: Some(dir),
        }
    }

    async fn drop_now(self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = PgConnection::connect(admin).await
        {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await;
        }
        if let Some(dir) = &self._dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Minimal error plumbing for a benchmark binary.
mod anyhow_lite {
    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;
}

/// Realistic queries built from the seeded data: surname prefixes, surname
/// and first-name prefixes, full names, family numbers, birth dates, phone
/// numbers (whole and partial) and e-mail prefixes. Second, what is sent
/// while a name is typed: the first 2 and 3 letters of surnames and first
/// names.
async fn queries(db: &Database, n: i64) -> anyhow_lite::Result<(Vec<String>, Vec<String>)> {
    let sql = "SELECT s.last_name, s.first_name, s.birth_date, f.family_number, \
               COALESCE(g.phone_mobile, ''), COALESCE(g.email, '') \
               FROM students s JOIN families f ON f.id = s.family_id \
               LEFT JOIN guardians g ON g.family_id = f.id AND g.rank = 1 \
               WHERE s.id % $1 = 0 ORDER BY s.id LIMIT 60";
    type Row = (String, String, chrono::NaiveDate, String, String, String);
    let rows: Vec<Row> = match db {
        Database::Postgres(p) => sqlx::query_as(sql).bind(n).fetch_all(p).await?,
        Database::Sqlite(p) => sqlx::query_as(sql).bind(n).fetch_all(p).await?,
    };
    let mut out = Vec::new();
    let mut typed = Vec::new();
    for (last, first, birth, family, phone, email) in rows {
        let prefix = |s: &str, k: usize| s.chars().take(k).collect::<String>();
        for k in [2, 3] {
            typed.push(prefix(&last, k));
            typed.push(prefix(&first, k));
        }
        out.push(prefix(&last, 4));
        out.push(format!("{} {}", prefix(&last, 5), prefix(&first, 3)));
        out.push(format!("{first} {last}"));
        out.push(family.clone());
        out.push(birth.format("%d/%m/%Y").to_string());
        if !phone.is_empty() {
            out.push(phone.clone());
            out.push(prefix(&phone, 8));
        }
        if let Some((local, _)) = email.split_once('@') {
            out.push(prefix(local, 6));
            out.push(email.clone());
        }
    }
    Ok((out, typed))
}

async fn bench_search(db: &Database, label: &str, scale: usize) -> anyhow_lite::Result<()> {
    let (mix, typed) = queries(db, (scale / 60).max(1) as i64).await?;
    let parse = |queries: &[String]| -> Vec<SearchQuery> {
        queries
            .iter()
            .filter_map(|q| SearchQuery::parse(q).ok())
            .collect()
    };
    let (mix, typed) = (parse(&mix), parse(&typed));
    // Every site (administrators, limit 20 as before), one site as an agent
    // of Meudon sees it (the app's limit, 50), and the prefixes typed first.
    let meudon: &[i16] = &[5];
    /// What is measured, the queries, the sites searched, the limit.
    type Run<'a> = (&'a str, &'a [SearchQuery], Option<&'a [i16]>, u32);
    let runs: [Run<'_>; 3] = [
        ("search", &mix, None, 20),
        ("search, one site", &mix, Some(meudon), 50),
        ("search, 2-3 letters", &typed, None, 20),
    ];
    for (what, parsed, sites, limit) in runs {
        // Warm-up (caches, prepared statements), then 3 measured rounds.
        let mut hits = 0usize;
        for q in parsed {
            hits += db.search_students_in(q, limit, sites).await?.len();
        }
        let mut times = Vec::new();
        let mut slowest: Vec<(Duration, usize)> = Vec::new();
        for _ in 0..3 {
            for (i, q) in parsed.iter().enumerate() {
                let t = Instant::now();
                let r = db.search_students_in(q, limit, sites).await?;
                let took = t.elapsed();
                times.push(took);
                slowest.push((took, i));
                std::hint::black_box(r);
            }
        }
        // `PORTEE_BENCH_SLOWEST=n`: the n slowest queries, to see which
        // shapes make the tail.
        if let Some(n) = std::env::var("PORTEE_BENCH_SLOWEST")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
        {
            slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
            for (took, i) in slowest.iter().take(n) {
                let words: Vec<String> = parsed[*i]
                    .words
                    .iter()
                    .map(|w| w.prefixes.join("|"))
                    .collect();
                println!("    {} {:?}", ms(*took), words);
            }
        }
        times.sort();
        println!(
            "{label:<10} {scale:>6} students  {what}: {} queries, p50 {}, p95 {}, max {} ({} hits/round)",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            hits
        );
    }
    Ok(())
}

/// « Cours & capacités » (issue 12): the offer page of the site with the
/// most slots, for the newest year with an offer, as its agent reads it (on
/// PostgreSQL connected as that agent's own role, under row-level
/// security). Target: p95 under 50 ms.
/// « Préparer l'année suivante » for the whole network: every site's offer
/// of the newest year copied into the following one (created), then the
/// same again (nothing to copy: idempotent), as an administrator does.
async fn bench_rollover(db: &Database, label: &str, scale: usize) -> anyhow_lite::Result<()> {
    let sql = "SELECT MAX(school_year_id) FROM courses";
    let year: i64 = match db {
        Database::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
        Database::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
    };
    let actor = Actor::system("portee-bench");
    for pass in ["copy", "again"] {
        let t = Instant::now();
        let (mut courses, mut slots) = (0, 0);
        for site in 1..=8i16 {
            let done = db.prepare_next_year(site, year, &actor).await?;
            courses += done.courses_created;
            slots += done.slots_created;
        }
        println!(
            "{label:<10} {scale:>6} students  rollover of the network's offer ({pass}): {:.0} ms, {courses} courses and {slots} slots created",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

async fn bench_offer(
    url: &str,
    db: &Database,
    label: &str,
    scale: usize,
) -> anyhow_lite::Result<()> {
    let sql = "SELECT c.site_id, c.school_year_id, COUNT(*) AS n FROM slots sl \
               JOIN courses c ON c.id = sl.course_id \
               WHERE c.school_year_id = (SELECT MAX(school_year_id) FROM courses) \
               GROUP BY c.site_id, c.school_year_id ORDER BY n DESC LIMIT 1";
    let (site, year, slots): (i16, i64, i64) = match db {
        Database::Postgres(p) => sqlx::query_as(sql).fetch_one(p).await?,
        Database::Sqlite(p) => sqlx::query_as(sql).fetch_one(p).await?,
    };
    let member = match db {
        Database::Postgres(p) => {
            let login: String = sqlx::query_scalar(
                "SELECT s.login FROM staff s JOIN staff_sites ss ON ss.staff_id = s.id \
                 WHERE ss.site_id = $1 AND s.role = 'agent' ORDER BY s.login LIMIT 1",
            )
            .bind(site)
            .fetch_one(p)
            .await?;
            Some(Database::connect_member(url, &login, &format!("demo-{login}"), "banc").await?)
        }
        Database::Sqlite(_) => None,
    };
    let reader = member.as_ref().unwrap_or(db);
    let mut times = Vec::new();
    let mut rows = 0;
    let actor = portee_store::Actor::system("banc");
    for round in 0..201 {
        // What the page's read does: the lapsed offers passed on (none
        // due here), then the offer.
        let t = Instant::now();
        reader
            .expire_seat_offers(chrono::Utc::now(), &actor)
            .await?;
        rows = reader.offer(site, year).await?.len();
        if round > 0 {
            times.push(t.elapsed());
        }
    }
    times.sort();
    println!(
        "{label:<10} {scale:>6} students  offer page of the largest site, lapsed offers checked first ({slots} slots, {rows} rows): p50 {}, p95 {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
    );
    if let Some(m) = member {
        m.close().await;
    }
    Ok(())
}

async fn bench_history(db: &Database, label: &str, scale: usize) -> anyhow_lite::Result<()> {
    use portee_store::AuditFilter;
    let sql =
        "SELECT s.id, s.family_id FROM students s WHERE s.id % $1 = 0 ORDER BY s.id LIMIT 200";
    let step = (scale / 200).max(1) as i64;
    let subjects: Vec<(i64, i64)> = match db {
        Database::Postgres(p) => sqlx::query_as(sql).bind(step).fetch_all(p).await?,
        Database::Sqlite(p) => sqlx::query_as(sql).bind(step).fetch_all(p).await?,
    };
    let report = |what: &str, mut times: Vec<Duration>, rows: usize| {
        times.sort();
        println!(
            "{label:<10} {scale:>6} students  {what}: {} reads, p50 {}, p95 {}, max {} ({rows} entries read)",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
        );
    };
    for (what, by_family) in [("student history", false), ("family history", true)] {
        let (mut times, mut rows) = (Vec::new(), 0);
        for round in 0..3 {
            for &(student, family) in &subjects {
                let filter = if by_family {
                    AuditFilter {
                        family_id: Some(family),
                        ..Default::default()
                    }
                } else {
                    AuditFilter {
                        student: Some((student, family)),
                        ..Default::default()
                    }
                };
                let t = Instant::now();
                let r = db.audit_entries(&filter, 100).await?;
                if round > 0 {
                    times.push(t.elapsed());
                    rows += r.len();
                }
            }
        }
        report(what, times, rows);
    }
    let staff: Vec<i64> = match db {
        Database::Postgres(p) => {
            sqlx::query_scalar("SELECT id FROM staff ORDER BY id")
                .fetch_all(p)
                .await?
        }
        Database::Sqlite(p) => {
            sqlx::query_scalar("SELECT id FROM staff ORDER BY id")
                .fetch_all(p)
                .await?
        }
    };
    let (mut times, mut rows) = (Vec::new(), 0);
    for _ in 0..20 {
        let t = Instant::now();
        rows += db.audit_entries(&AuditFilter::default(), 100).await?.len();
        times.push(t.elapsed());
        for &id in &staff {
            let t = Instant::now();
            rows += db
                .audit_entries(
                    &AuditFilter {
                        staff_id: Some(id),
                        ..Default::default()
                    },
                    100,
                )
                .await?
                .len();
            times.push(t.elapsed());
        }
    }
    report("journal page", times, rows);
    let dir = std::env::temp_dir().join(format!("portee-bench-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("journal.csv");
    let t = Instant::now();
    let exported = portee_services::journal::export_csv(
        db,
        &AuditFilter::default(),
        &path,
        &portee_store::Actor::system("portee-bench"),
    )
    .await?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{label:<10} {scale:>6} students  journal CSV export: {exported} entries, {:.1} MB in {:.2} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

async fn bench_seats(url: &str, db: &Database) -> anyhow_lite::Result<()> {
    // 10 new courses × 5 slots × 20 seats on the seeded database.
    let Database::Postgres(pool) = db else {
        return Ok(());
    };
    let (year, courses) = bench_common::seat_courses(pool, "Banc d'essai").await?;
    let students: Vec<i64> = sqlx::query_scalar("SELECT id FROM students ORDER BY id LIMIT 2000")
        .fetch_all(pool)
        .await?;
    let courses = Arc::new(courses);
    let students = Arc::new(students);
    let start = Instant::now();
    let mut handles = Vec::new();
    for client in 0..20u64 {
        let db = Database::connect_sized(url, 2).await?;
        let (courses, students) = (courses.clone(), students.clone());
        handles.push(tokio::spawn(async move {
            let mut state = client.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = |bound: usize| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % bound as u64) as usize
            };
            let actor = Actor::system("portee-bench");
            let mut times = Vec::new();
            let (mut taken, mut full, mut refused) = (0u32, 0u32, 0u32);
            for _ in 0..250 {
                let (course, slots) = &courses[next(courses.len())];
                let req = SeatRequest {
                    slot_id: slots[next(slots.len())],
                    student_id: students[next(students.len())],
                    course_id: *course,
                    school_year_id: year,
                };
                let t = Instant::now();
                let r = db.take_seat(req, &actor).await;
                times.push(t.elapsed());
                match r {
                    Ok(SeatOutcome::Taken { .. }) => taken += 1,
                    Ok(SeatOutcome::Full) => full += 1,
                    Err(StoreError::Duplicate) => refused += 1,
                    Err(e) => eprintln!("erreur : {e}"),
                }
            }
            db.close().await;
            (times, taken, full, refused)
        }));
    }
    let mut times = Vec::new();
    let (mut taken, mut full, mut refused) = (0, 0, 0);
    for h in handles {
        let (t, a, b, c) = h.await?;
        times.extend(t);
        taken += a;
        full += b;
        refused += c;
    }
    let wall = start.elapsed();
    times.sort();
    let overbooked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM slots WHERE seats_taken > capacity")
            .fetch_one(pool)
            .await?;
    println!(
        "postgres   seats: 20 clients × 250 attempts in {:.2} s = {:.0} attempts/s; p50 {}, p95 {}, max {}; \
         {taken} taken, {full} full, {refused} already enrolled; {overbooked} overbooked slots",
        wall.as_secs_f64(),
        times.len() as f64 / wall.as_secs_f64(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
    );
    Ok(())
}

/// Timed corrections of each family, after its untimed first validation.
const ROUNDS: usize = 10;

/// 20 clients, connected as the Meudon agent, each validating Meudon
/// families of two children (three slots: two for the elder, one for the
/// younger) in one transaction, on 10 new courses × 5 slots × 20 seats of
/// next year: the slots fill up, the last validations find them full.
///
/// `pace`: none, every client validates again as soon as its last
/// validation returns (saturation: the machine's throughput sets the
/// latency); some, every client starts a validation every `pace` (an
/// offered load of clients / pace validations per second).
async fn bench_validation(
    url: &str,
    db: &Database,
    pace: Option<Duration>,
) -> anyhow_lite::Result<()> {
    let Database::Postgres(pool) = db else {
        return Ok(());
    };
    let (year, campaign): (i64, i64) =
        sqlx::query_as("SELECT school_year_id, id FROM campaigns ORDER BY opens_at DESC LIMIT 1")
            .fetch_one(pool)
            .await?;
    let slots: Vec<(i64, i64)> = bench_common::seat_courses_in(
        pool,
        if pace.is_some() {
            "Banc validation cadencée"
        } else {
            "Banc validation"
        },
        year,
    )
    .await?
    .into_iter()
    .flat_map(|(course, slots)| slots.into_iter().map(move |slot| (course, slot)))
    .collect();
    // Families of Meudon with exactly two children, both with a dossier of
    // the campaign (validated or not): (dossier, version) of each.
    let pairs: Vec<(i64, i32, i64, i32)> = sqlx::query_as(
        "SELECT a.id, a.version, b.id, b.version FROM reinscriptions a \
         JOIN students sa ON sa.id = a.student_id \
         JOIN students sb ON sb.family_id = sa.family_id AND sb.id > sa.id \
         JOIN reinscriptions b ON b.student_id = sb.id AND b.campaign_id = a.campaign_id \
         WHERE a.campaign_id = $1 AND sa.site_id = 5 AND sb.site_id = 5 \
           AND a.status <> 'cancelled' AND b.status <> 'cancelled' \
           AND (SELECT COUNT(*) FROM students x WHERE x.family_id = sa.family_id) = 2 \
         ORDER BY a.id",
    )
    .bind(campaign)
    .fetch_all(pool)
    .await?;
    if pairs.len() < 20 {
        println!(
            "postgres   validation: only {} families of two children, skipped",
            pairs.len()
        );
        return Ok(());
    }
    let slots = Arc::new(slots);
    let pairs = Arc::new(pairs);
    let mut handles = Vec::new();
    // PORTEE_BENCH_VALIDATION_CLIENTS: 20 by default; 1 gives the latency
    // of one validation without contention.
    let clients: usize = std::env::var("PORTEE_BENCH_VALIDATION_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(20);
    // Every client connects and validates its families once (round 0, not
    // timed: a new server process plans its statements and fills its
    // caches then, as a workstation does once a day), then all start the
    // timed rounds together: the figures are the steady state under
    // contention, not the connections' start.
    let barrier = Arc::new(tokio::sync::Barrier::new(clients + 1));
    for client in 0..clients {
        let db = Database::connect_member(url, "agent.meudon", "demo-agent.meudon", "banc").await?;
        let barrier = barrier.clone();
        let agent: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE login = 'agent.meudon'")
            .fetch_one(pool)
            .await?;
        let (slots, pairs) = (slots.clone(), pairs.clone());
        handles.push(tokio::spawn(async move {
            let mut state = (client as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = |bound: usize| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % bound as u64) as usize
            };
            let actor = Actor::staff(agent, "banc");
            let mut times = Vec::new();
            let (mut ok, mut full, mut other) = (0u32, 0u32, 0u32);
            // Round 0 validates each family (not timed); rounds 1 to
            // ROUNDS correct them with new slots (seats released and taken).
            let mut mine: Vec<(i64, i32, i64, i32)> = pairs
                .iter()
                .skip(client)
                .step_by(clients)
                .copied()
                .collect();
            let mut next_start = None;
            for round in 0..=ROUNDS {
                if round == 1 {
                    barrier.wait().await;
                    // Paced clients start spread over one period.
                    next_start = pace.map(|p| {
                        tokio::time::Instant::now() + p.mul_f64(client as f64 / clients as f64)
                    });
                }
                for family in mine.iter_mut() {
                    if let (Some(at), Some(p)) = (next_start, pace) {
                        tokio::time::sleep_until(at).await;
                        next_start = Some(at + p);
                    }
                    let (a, va, b, vb) = *family;
                    // Three slots of three different courses.
                    let mut picked: Vec<(i64, i64)> = Vec::new();
                    while picked.len() < 3 {
                        let s = slots[next(slots.len())];
                        if picked.iter().all(|p| p.0 != s.0) {
                            picked.push(s);
                        }
                    }
                    let course = |(course_id, slot): (i64, i64)| ChosenCourse {
                        course_id,
                        slot_id: Some(slot),
                        level: None,
                        level_changed: false,
                    };
                    let v = |dossier, version, courses| Validation {
                        dossier_id: dossier,
                        expected_version: version,
                        request_id: uuid::Uuid::new_v4(),
                        channel: Channel::Phone,
                        courses,
                        image_rights: true,
                        may_leave_alone: false,
                        additional_info: None,
                        // Some dossiers are validated already (the demo's
                        // families answer as the days go): a reason for all.
                        correction_reason: Some("Banc d'essai".to_owned()),
                        recipient: Some("famille@example.org".into()),
                    };
                    let request = [
                        v(a, va, vec![course(picked[0]), course(picked[1])]),
                        v(b, vb, vec![course(picked[2])]),
                    ];
                    let t = Instant::now();
                    let r = db.validate_reinscriptions(&request, &actor).await;
                    if round > 0 {
                        times.push(t.elapsed());
                    }
                    match r {
                        Ok(done) => {
                            ok += 1;
                            family.1 = done[0].version;
                            family.3 = done[1].version;
                        }
                        Err(StoreError::SlotFull { .. }) => full += 1,
                        Err(e) => {
                            other += 1;
                            eprintln!("erreur : {e}");
                        }
                    }
                }
            }
            db.close().await;
            (times, ok, full, other)
        }));
    }
    barrier.wait().await;
    let cpu_before = machine_cpu();
    let start = Instant::now();
    let mut times = Vec::new();
    let (mut ok, mut full, mut other) = (0, 0, 0);
    for h in handles {
        let (t, a, b, c) = h.await?;
        times.extend(t);
        ok += a;
        full += b;
        other += c;
    }
    let wall = start.elapsed();
    let busy = match (cpu_before, machine_cpu()) {
        (Some((b0, t0)), Some((b1, t1))) if t1 > t0 => {
            format!("{:.0} %", (b1 - b0) as f64 * 100.0 / (t1 - t0) as f64)
        }
        _ => "inconnue".into(),
    };
    times.sort();
    let overbooked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM slots sl WHERE sl.seats_taken > sl.capacity OR sl.seats_taken <> \
         (SELECT COUNT(*) FROM enrolments e WHERE e.slot_id = sl.id AND e.status = 'active') + \
         (SELECT COUNT(*) FROM waiting_list w WHERE w.slot_id = sl.id AND w.offered_at IS NOT NULL)",
    )
    .fetch_one(pool)
    .await?;
    let load = match pace {
        None => "each at once again (saturation)".to_owned(),
        Some(p) => format!(
            "each every {} ms, {:.0} validations/s offered",
            p.as_millis(),
            clients as f64 / p.as_secs_f64()
        ),
    };
    println!(
        "postgres   validation: {clients} client(s) (agent.meudon's role) {load}: {} timed validations of families of 2 children × 3 slots (after one untimed validation each, {ROUNDS} corrections each, all clients at once) in {:.2} s; \
         p50 {}, p95 {}, max {}; {ok} validated, {full} refused (slot full), {other} other errors; \
         {overbooked} slots overbooked or miscounted; machine CPU busy {busy} (bench and server)",
        times.len(),
        wall.as_secs_f64(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
    );
    Ok(())
}

/// The machine's CPU time (busy, total) in clock ticks, from /proc/stat
/// (Linux; `None` elsewhere): tells a run bound by the processors from one
/// that waits on locks.
/// The database's size on disk: PostgreSQL's, or the SQLite file's.
async fn database_bytes(db: &Database) -> anyhow_lite::Result<i64> {
    Ok(match db {
        Database::Postgres(p) => {
            sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(p)
                .await?
        }
        Database::Sqlite(p) => {
            sqlx::query_scalar(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .fetch_one(p)
            .await?
        }
    })
}

/// Documents (issue 11): the review queue of the busiest site (p95 of 20
/// reads), then the purge of every reviewed document (delays of 0 days):
/// how many, how long, and the database's size before, after, and after
/// VACUUM (which gives the space back to the system).
async fn bench_documents(db: &Database, label: &str, scale: usize) -> anyhow_lite::Result<()> {
    let campaign = db.current_campaign_id().await?;
    let filter = portee_store::QueueFilter {
        status: Some("received".into()),
        campaign_id: Some(campaign),
        ..Default::default()
    };
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let q = db.document_queue(Some(&[5]), &filter, 500).await?;
        times.push(t.elapsed());
        rows = q.total;
    }
    times.sort();
    println!(
        "{label:<10} {scale:>6} students  documents queue (Meudon, {rows} à examiner): median {} p95 {}",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100])
    );
    // The end of a campaign: every document uploaded has been reviewed.
    let reviewed = "UPDATE documents SET status = 'accepted', reviewed_at = uploaded_at \
                    WHERE status = 'received'";
    match db {
        Database::Postgres(p) => {
            sqlx::query(reviewed).execute(p).await?;
        }
        Database::Sqlite(p) => {
            sqlx::query(reviewed).execute(p).await?;
        }
    }
    let rules =
        portee_domain::retention::RetentionRules::new(0, 0).map_err(|e| e.message().to_owned())?;
    let now = chrono::Utc::now();
    let before = database_bytes(db).await?;
    let t = Instant::now();
    let candidates = db.purge_candidates(&rules, now).await?;
    let listed = t.elapsed();
    let t = Instant::now();
    let purged = db
        .purge_documents(&candidates, now, &Actor::system("portee-bench"), |_| {})
        .await?;
    let took = t.elapsed();
    let after = database_bytes(db).await?;
    match db {
        Database::Postgres(p) => {
            sqlx::query("VACUUM FULL documents").execute(p).await?;
        }
        Database::Sqlite(p) => {
            sqlx::query("VACUUM").execute(p).await?;
        }
    }
    let vacuumed = database_bytes(db).await?;
    let mib = |b: i64| b as f64 / 1_048_576.0;
    println!(
        "{label:<10} {scale:>6} students  purge: {purged} documents ({} listed in {}), {} ({:.2} ms per document); \
         database {:.1} MiB before, {:.1} MiB after, {:.1} MiB after VACUUM",
        candidates.len(),
        ms(listed),
        ms(took),
        took.as_secs_f64() * 1000.0 / purged.max(1) as f64,
        mib(before),
        mib(after),
        mib(vacuumed)
    );
    Ok(())
}

/// The pièces manquantes list of Meudon (site 5): as the owner and, on
/// PostgreSQL, as Meudon's agent through their own role (row-level
/// security on every table read): the first read of the connection, then
/// 50 reads: median, p95 and the worst.
async fn bench_missing(
    url: &str,
    db: &Database,
    label: &str,
    scale: usize,
) -> anyhow_lite::Result<()> {
    let campaign = db.current_campaign_id().await?;
    let mut connections = vec![("propriétaire", None)];
    if label == "postgres" {
        let agent =
            Database::connect_member(url, "agent.meudon", "demo-agent.meudon", "portee-bench")
                .await?;
        connections.push(("agent.meudon", Some(agent)));
    }
    for (who, member) in &connections {
        let on = member.as_ref().unwrap_or(db);
        // The first read of a new connection (plans of the policies'
        // functions made for the session), told apart.
        let t = Instant::now();
        on.missing_documents(5, campaign).await?;
        let first = t.elapsed();
        let mut times = Vec::new();
        let mut shape = (0, 0, 0);
        for _ in 0..50 {
            let t = Instant::now();
            let list = on.missing_documents(5, campaign).await?;
            times.push(t.elapsed());
            shape = (
                list.families,
                list.rows.len(),
                list.rows.iter().map(|r| r.owed.len()).sum::<usize>(),
            );
        }
        times.sort();
        println!(
            "{label:<10} {scale:>6} students  pièces manquantes (Meudon, {who}): {} families re-enrolling, \
             {} owing {} documents: first read {}, then median {} p95 {} worst {}",
            shape.0,
            shape.1,
            shape.2,
            ms(first),
            ms(times[times.len() / 2]),
            ms(times[times.len() * 95 / 100]),
            ms(times[times.len() - 1])
        );
    }
    for (_, member) in connections {
        if let Some(m) = member {
            m.close().await;
        }
    }
    Ok(())
}

fn machine_cpu() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let total: u64 = fields.iter().sum();
    // idle and iowait are the 4th and 5th fields.
    let idle = fields.get(3)? + fields.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

#[tokio::main]
async fn main() -> anyhow_lite::Result<()> {
    let args = args();
    let today = chrono::Local::now().date_naive();
    println!(
        "portee-bench ({} build)",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    for &scale in &args.scales {
        let mut kinds = Vec::new();
        if args.postgres {
            kinds.push("postgres");
        }
        if args.sqlite {
            kinds.push("sqlite");
        }
        for kind in kinds {
            let fresh = if kind == "postgres" {
                Fresh::postgres(&args.pg_admin).await?
            } else {
                Fresh::sqlite(scale)
            };
            let db = Database::connect(&fresh.url).await?;
            db.migrate().await?;
            let t = Instant::now();
            let report = portee_services::demo::seed(
                &db,
                scale,
                2026,
                today,
                &Actor::system("portee-bench"),
            )
            .await?;
            println!(
                "{kind:<10} {scale:>6} students  seed: {:.2} s (generate {:.2} s, hash {} accounts {:.2} s, insert {:.2} s; {} families, {} slots)",
                t.elapsed().as_secs_f64(),
                report.generate.as_secs_f64(),
                report.staff,
                report.hash.as_secs_f64(),
                report.insert.as_secs_f64(),
                report.families,
                report.slots,
            );
            if kind == "postgres"
                && let Database::Postgres(p) = &db
            {
                // Steady state, as autovacuum leaves a live database: visibility map set
                // (index-only scans) and statistics fresh.
                sqlx::query("VACUUM ANALYZE").execute(p).await?;
            }
            if args.missing_only {
                bench_missing(&fresh.url, &db, kind, scale).await?;
                db.close().await;
                fresh.drop_now().await;
                continue;
            }
            if args.purge_only {
                bench_documents(&db, kind, scale).await?;
                db.close().await;
                fresh.drop_now().await;
                continue;
            }
            if args.offer_only {
                bench_offer(&fresh.url, &db, kind, scale).await?;
                bench_rollover(&db, kind, scale).await?;
                db.close().await;
                fresh.drop_now().await;
                continue;
            }
            if !args.validation_only {
                bench_search(&db, kind, scale).await?;
            }
            if !args.search_only && !args.validation_only {
                bench_history(&db, kind, scale).await?;
                bench_offer(&fresh.url, &db, kind, scale).await?;
            }
            if kind == "postgres" && scale == args.scales[0] && !args.search_only {
                if !args.validation_only {
                    bench_seats(&fresh.url, &db).await?;
                }
                bench_validation(&fresh.url, &db, None).await?;
                // PORTEE_BENCH_VALIDATION_PACE_MS: every client's period
                // in the paced run (250 ms by default: 80 validations a
                // second for 20 clients, where 60 workstations validating
                // a family a minute each make one).
                let pace = std::env::var("PORTEE_BENCH_VALIDATION_PACE_MS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .filter(|&ms| ms >= 1)
                    .unwrap_or(250);
                bench_validation(&fresh.url, &db, Some(Duration::from_millis(pace))).await?;
            }
            if !args.search_only && !args.validation_only {
                // Last: it adds a school year with an offer to the database.
                bench_rollover(&db, kind, scale).await?;
            }
            db.close().await;
            fresh.drop_now().await;
        }
    }
    Ok(())
}
