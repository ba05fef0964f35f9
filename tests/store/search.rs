//! Search: the bounded query returns exactly what the original ranking
//! returned (every matching token row aggregated, every candidate joined and
//! sorted), on a seeded demo network, for short and common prefixes, family
//! numbers, phone prefixes, birth dates and e-mails, at several limits and
//! with and without a site filter.

use portee_domain::search::{SearchQuery, prefix_end};
use portee_store::{Database, SearchHit};
use portee_tests::db::TestDb;

use crate::each_backend_as_member;

/// The search as first written (until 2026-12-02), kept as the reference:
/// aggregate every token row that matches any word, keep the students that
/// match every word, join students and families, sort, limit.
fn reference_sql(alternatives: &[usize], sites: usize) -> String {
    let mut n = 0;
    let mut param = || {
        n += 1;
        n
    };
    let mut word_conditions = Vec::new();
    for &count in alternatives {
        let ranges: Vec<String> = (0..count)
            .map(|_| {
                let (lo, hi) = (param(), param());
                format!("(token >= ${lo} AND token < ${hi})")
            })
            .collect();
        word_conditions.push(format!("({})", ranges.join(" OR ")));
    }
    let any = word_conditions.join(" OR ");
    let all = word_conditions
        .iter()
        .map(|c| format!("SUM(CASE WHEN {c} THEN 1 ELSE 0 END) > 0"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let site_filter = if sites == 0 {
        String::new()
    } else {
        let list: Vec<String> = (0..sites).map(|_| format!("${}", param())).collect();
        format!("WHERE s.site_id IN ({}) ", list.join(", "))
    };
    let limit = param();
    format!(
        "SELECT s.id AS student_id, s.last_name, s.first_name, s.birth_date, s.site_id, \
         s.family_id, f.family_number, m.score, \
         r.status AS dossier_status, r.intent AS dossier_intent \
         FROM (SELECT student_id, SUM(weight) AS score FROM search_tokens \
               WHERE {any} GROUP BY student_id HAVING {all}) m \
         JOIN students s ON s.id = m.student_id \
         JOIN families f ON f.id = s.family_id \
         LEFT JOIN reinscriptions r ON r.student_id = s.id AND r.campaign_id = \
             (SELECT id FROM campaigns ORDER BY (status = 'open') DESC, opens_at DESC LIMIT 1) \
         {site_filter}ORDER BY m.score DESC, s.last_name, s.first_name, s.id LIMIT ${limit}"
    )
}

async fn reference(
    db: &Database,
    query: &SearchQuery,
    limit: u32,
    sites: Option<&[i16]>,
) -> anyhow::Result<Vec<SearchHit>> {
    if sites.is_some_and(<[i16]>::is_empty) {
        return Ok(Vec::new());
    }
    let alternatives: Vec<usize> = query.words.iter().map(|w| w.prefixes.len()).collect();
    let sql = reference_sql(&alternatives, sites.map_or(0, <[i16]>::len));
    let limit = i64::from(limit.clamp(1, 200));
    macro_rules! run {
        ($pool:expr) => {{
            let mut q = sqlx::query_as::<_, SearchHit>(sqlx::AssertSqlSafe(sql));
            for word in &query.words {
                for prefix in &word.prefixes {
                    q = q.bind(prefix.clone()).bind(prefix_end(prefix));
                }
            }
            for site in sites.unwrap_or(&[]) {
                q = q.bind(*site);
            }
            q.bind(limit).fetch_all($pool).await?
        }};
    }
    Ok(match db {
        Database::Postgres(p) => run!(p),
        Database::Sqlite(p) => run!(p),
    })
}

/// Demo-like queries: the short prefixes typed first (`ma`, `le`, `du`, a
/// lone `d` next to a name, which also matches every birth-date token, two
/// words that one token can both match),
/// surname and first-name prefixes, full names, family numbers (whole and
/// partial), phone prefixes, birth dates and e-mails of seeded students.
async fn demo_queries(db: &Database) -> anyhow::Result<Vec<String>> {
    let sql = "SELECT s.last_name, s.first_name, s.birth_date, f.family_number, \
               COALESCE(g.phone_mobile, ''), COALESCE(g.email, '') \
               FROM students s JOIN families f ON f.id = s.family_id \
               LEFT JOIN guardians g ON g.family_id = f.id AND g.rank = 1 \
               WHERE s.id % 97 = 1 ORDER BY s.id LIMIT 12";
    type Row = (String, String, chrono::NaiveDate, String, String, String);
    let rows: Vec<Row> = match db {
        Database::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await?,
        Database::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await?,
    };
    anyhow::ensure!(rows.len() >= 10, "trop peu d'élèves semés");
    let mut out: Vec<String> = [
        "ma", "le", "du", "mar", "lef", "ma d", "le d", "d ma", "ma le", "06", "07", "F-00",
        "zzqxw", // a token matching two words counts once:
        "ma mar", "lef le", "du dub",
    ]
    .map(str::to_owned)
    .to_vec();
    let prefix = |s: &str, k: usize| s.chars().take(k).collect::<String>();
    for (last, first, birth, family, phone, email) in rows {
        out.push(prefix(&last, 2));
        out.push(prefix(&last, 4));
        out.push(format!("{} {}", prefix(&last, 5), prefix(&first, 3)));
        out.push(format!("{last} d"));
        out.push(format!("{first} {last}"));
        out.push(family.clone());
        out.push(prefix(&family, 4));
        out.push(birth.format("%d/%m/%Y").to_string());
        if !phone.is_empty() {
            out.push(phone.clone());
            out.push(prefix(&phone, 5));
            out.push(prefix(&phone, 8));
        }
        if let Some((local, _)) = email.split_once('@') {
            out.push(prefix(local, 2));
            out.push(prefix(local, 6));
            out.push(email.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[tokio::test]
async fn bounded_search_returns_the_same_results_as_the_original_ranking() {
    // On PostgreSQL as admin.demo's own role: the policies are on.
    each_backend_as_member(|t: TestDb| async move {
        let setup = Database::connect(&t.url).await?;
        setup.migrate().await?;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        portee_services::demo::seed(&setup, 1500, 7, today, &portee_store::Actor::system("test"))
            .await?;
        let db = t.acting(&setup).await?;
        let queries = demo_queries(&db).await?;
        let site_filters: [Option<&[i16]>; 4] = [None, Some(&[5]), Some(&[1, 3, 8]), Some(&[])];
        let (mut compared, mut ties_at_the_cut, mut more_than_the_limit) = (0, 0, 0);
        for raw in &queries {
            let query = SearchQuery::parse(raw).map_err(|e| anyhow::anyhow!("{raw}: {e}"))?;
            for limit in [1, 7, 20, 50, 200] {
                for sites in site_filters {
                    let expected = reference(&db, &query, limit, sites).await?;
                    let got = db.search_students_in(&query, limit, sites).await?;
                    anyhow::ensure!(
                        got == expected,
                        "« {raw} », limite {limit}, sites {sites:?} :\n obtenu {:?}\n attendu {:?}",
                        got.iter()
                            .map(|h| (h.student_id, h.score))
                            .collect::<Vec<_>>(),
                        expected
                            .iter()
                            .map(|h| (h.student_id, h.score))
                            .collect::<Vec<_>>(),
                    );
                    compared += 1;
                    // The cases that a bounded candidate set could get wrong:
                    // more matches than the limit, and equal scores across the cut.
                    let next = reference(&db, &query, limit + 1, sites).await?;
                    if next.len() > expected.len() {
                        more_than_the_limit += 1;
                        if next[next.len() - 1].score == next[next.len() - 2].score {
                            ties_at_the_cut += 1;
                        }
                    }
                }
            }
            // search_students is search_students_in with every site.
            anyhow::ensure!(
                db.search_students(&query, 20).await? == reference(&db, &query, 20, None).await?,
                "« {raw} » sans filtre de site"
            );
        }
        anyhow::ensure!(compared >= 100 * 20, "{compared} comparaisons seulement");
        anyhow::ensure!(
            more_than_the_limit >= 200,
            "trop peu de recherches dépassent la limite ({more_than_the_limit})"
        );
        anyhow::ensure!(
            ties_at_the_cut >= 100,
            "trop peu d'ex æquo à la coupure ({ties_at_the_cut})"
        );
        db.close().await;
        Ok(())
    })
    .await;
}
