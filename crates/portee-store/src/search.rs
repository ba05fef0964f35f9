//! Search over students (and, through their tokens, their guardians and
//! family): every query word must match a token by prefix; results are
//! ranked by the weight of what matched and limited.

use chrono::NaiveDate;
use portee_domain::search::{SearchQuery, prefix_end};
use serde::Serialize;

use crate::{Database, StoreError, pool::on_pool};

/// One result line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SearchHit {
    pub student_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: NaiveDate,
    pub site_id: i16,
    pub family_id: i64,
    pub family_number: String,
    pub score: i64,
    /// The student's dossier of the current campaign (status, intent).
    pub dossier_status: Option<String>,
    pub dossier_intent: Option<String>,
}

/// The SQL for a query of `words.len()` words, `words[i]` holding the
/// length of each prefix of word `i`, within `sites` sites (0: every site).
/// Only placeholders vary with the input, never its text.
///
/// The ranking is the sum of the weights of every token that matches a
/// word; a student is found when each word matches one of their tokens.
/// Three steps keep the work bounded when a short prefix matches thousands
/// of students, without changing the results:
///
/// 1. `m`: one aggregate over the index ranges, scores only, no join (an
///    index-only scan: PostgreSQL's indexes carry the weight). Within
///    sites, the ranges are read per site (`search_tokens_site`, migration
///    0007: each token row carries its student's site). When one word is
///    a lone letter or two (« dupont j ») and another is longer, the
///    longer word drives: its students are the candidates, and only their
///    own tokens are read for the other words (`search_tokens_student`),
///    instead of the lone letter's tens of thousands of rows. A student
///    must match every word, so the driving word's students are the only
///    ones who can, and their scores are the same sums.
/// 2. `best`: only the students whose score reaches the `limit`-th best
///    score are joined to `students` and sorted by name. Any other student
///    ranks after at least `limit` students with a higher score, so it
///    could not be returned. On PostgreSQL the join is a `LATERAL` lookup
///    by id (the planner would otherwise hash all the students, not
///    knowing how few candidates pass the threshold).
/// 3. Families are joined for the `limit` rows kept, not for every match.
fn search_sql(words: &[Vec<usize>], sites: usize, postgres: bool) -> String {
    let mut n = 0;
    let mut param = || {
        n += 1;
        n
    };
    let mut word_conditions = Vec::new();
    // Every prefix's range: (word, its condition).
    let mut all_ranges: Vec<(usize, String)> = Vec::new();
    for (w, prefixes) in words.iter().enumerate() {
        let ranges: Vec<String> = prefixes
            .iter()
            .map(|_| {
                let (lo, hi) = (param(), param());
                format!("(token >= ${lo} AND token < ${hi})")
            })
            .collect();
        all_ranges.extend(ranges.iter().map(|r| (w, r.clone())));
        word_conditions.push(format!("({})", ranges.join(" OR ")));
    }
    // Within sites: PostgreSQL reads each site's token range
    // (`search_tokens_site`); SQLite, whose planner would rather scan a
    // site's whole part of that index when a word has several prefixes,
    // filters the students it joins instead (step 2, without the threshold,
    // which only holds when every candidate can be returned).
    let site_list = if sites == 0 {
        String::new()
    } else {
        let list: Vec<String> = (0..sites).map(|_| format!("${}", param())).collect();
        list.join(", ")
    };
    let site_filter = if sites > 0 && postgres {
        format!(" AND site_id IN ({site_list})")
    } else {
        String::new()
    };
    let any = word_conditions.join(" OR ");
    // With one word every row read matches it: nothing more to check.
    let having = if word_conditions.len() > 1 {
        let all = word_conditions
            .iter()
            .map(|c| format!("SUM(CASE WHEN {c} THEN 1 ELSE 0 END) > 0"))
            .collect::<Vec<_>>()
            .join(" AND ");
        format!(" HAVING {all}")
    } else {
        String::new()
    };
    let m = match driving_word(words, postgres) {
        // PostgreSQL: each candidate's own tokens looked up by student
        // (left to itself, the planner would rather hash every row of
        // the other words' ranges).
        Some(d) if postgres => format!(
            "WITH c AS MATERIALIZED (\
                 SELECT DISTINCT student_id FROM search_tokens WHERE {}{site_filter}), \
             m AS MATERIALIZED (\
                 SELECT c.student_id, SUM(t.weight) AS score FROM c \
                 CROSS JOIN LATERAL (SELECT token, weight FROM search_tokens x \
                     WHERE x.student_id = c.student_id AND ({any})) t \
                 GROUP BY c.student_id{having})",
            word_conditions[d]
        ),
        Some(d) => format!(
            "WITH c AS MATERIALIZED (\
                 SELECT DISTINCT student_id FROM search_tokens WHERE {}{site_filter}), \
             m AS MATERIALIZED (\
                 SELECT t.student_id, SUM(t.weight) AS score FROM c \
                 JOIN search_tokens t ON t.student_id = c.student_id \
                 WHERE {any} GROUP BY t.student_id{having})",
            word_conditions[d]
        ),
        // PostgreSQL: one index-only scan per prefix's range, appended
        // (an OR of ranges would be a bitmap scan reading the table, and
        // each row tested against every word again). A row in several
        // ranges counts its weight once, in the first, as the OR did.
        None if postgres => {
            let branches: Vec<String> = all_ranges
                .iter()
                .enumerate()
                .map(|(j, (w, range))| {
                    let earlier: Vec<&str> =
                        all_ranges[..j].iter().map(|(_, r)| r.as_str()).collect();
                    let weight = if earlier.is_empty() {
                        "weight".to_owned()
                    } else {
                        format!("CASE WHEN {} THEN 0 ELSE weight END", earlier.join(" OR "))
                    };
                    let flags: Vec<String> = (0..words.len())
                        .map(|i| format!("{} AS f{i}", i32::from(i == *w)))
                        .collect();
                    format!(
                        "SELECT student_id, {weight} AS w, {} FROM search_tokens \
                         WHERE {range}{site_filter}",
                        flags.join(", ")
                    )
                })
                .collect();
            let having = if words.len() > 1 {
                let all: Vec<String> = (0..words.len()).map(|i| format!("SUM(f{i}) > 0")).collect();
                format!(" HAVING {}", all.join(" AND "))
            } else {
                String::new()
            };
            format!(
                "WITH m AS MATERIALIZED (\
                     SELECT student_id, SUM(w) AS score FROM ({}) t \
                     GROUP BY student_id{having})",
                branches.join(" UNION ALL ")
            )
        }
        None => format!(
            "WITH m AS MATERIALIZED (\
                 SELECT student_id, SUM(weight) AS score FROM search_tokens \
                 WHERE ({any}){site_filter} GROUP BY student_id{having})"
        ),
    };
    let threshold = param();
    let join = if postgres {
        "CROSS JOIN LATERAL (SELECT * FROM students WHERE id = m.student_id LIMIT 1) s"
    } else {
        "JOIN students s ON s.id = m.student_id"
    };
    let limit = param();
    let keep = if sites > 0 && !postgres {
        // (The threshold's placeholder is still bound: `$n > 0` keeps the
        // numbering the same for every shape.)
        format!("s.site_id IN ({site_list}) AND ${threshold} > 0")
    } else {
        format!(
            "m.score >= (SELECT MIN(k.score) FROM \
             (SELECT score FROM m ORDER BY score DESC LIMIT ${threshold}) k)"
        )
    };
    format!(
        "{m}, \
         best AS MATERIALIZED (\
             SELECT m.student_id, m.score, s.last_name, s.first_name, s.birth_date, \
                    s.site_id, s.family_id \
             FROM m {join} \
             WHERE {keep} \
             ORDER BY m.score DESC, s.last_name, s.first_name, s.id LIMIT ${limit}) \
         SELECT b.student_id, b.last_name, b.first_name, b.birth_date, b.site_id, \
                b.family_id, f.family_number, b.score, \
                r.status AS dossier_status, r.intent AS dossier_intent \
         FROM best b JOIN families f ON f.id = b.family_id \
         LEFT JOIN reinscriptions r ON r.student_id = b.student_id AND r.campaign_id = \
             (SELECT id FROM campaigns ORDER BY (status = 'open') DESC, opens_at DESC LIMIT 1) \
         ORDER BY b.score DESC, b.last_name, b.first_name, b.student_id"
    )
}

/// The word that drives a query (see [`search_sql`]): the one with the
/// longest shortest prefix, when it has at least 3 characters (on
/// PostgreSQL, whose appended index-only range scans read a few thousand
/// rows faster than as many students' own tokens: 5, or 4 beside a lone
/// letter) and another word has a prefix of 2 or fewer. `None`: every
/// word is read by range.
fn driving_word(words: &[Vec<usize>], postgres: bool) -> Option<usize> {
    if words.len() < 2 {
        return None;
    }
    let shortest = |w: &Vec<usize>| w.iter().copied().min().unwrap_or(0);
    let (d, longest) = words
        .iter()
        .enumerate()
        .map(|(i, w)| (i, shortest(w)))
        .max_by_key(|&(i, len)| (len, std::cmp::Reverse(i)))?;
    let unselective = words
        .iter()
        .enumerate()
        .any(|(i, w)| i != d && shortest(w) <= 2);
    // On PostgreSQL a lone letter's range is tens of thousands of rows
    // (« f » and « t » also hold every family number and phone): a word
    // of 4 characters drives it.
    let lone_letter = words
        .iter()
        .enumerate()
        .any(|(i, w)| i != d && shortest(w) <= 1);
    let selective = match (postgres, lone_letter) {
        (false, _) => 3,
        (true, true) => 4,
        (true, false) => 5,
    };
    (longest >= selective && unselective).then_some(d)
}

impl Database {
    /// Students matching `query`, best first, at most `limit` (1–200).
    pub async fn search_students(
        &self,
        query: &SearchQuery,
        limit: u32,
    ) -> Result<Vec<SearchHit>, StoreError> {
        self.search_students_in(query, limit, None).await
    }

    /// [`Database::search_students`] within `sites` (`None`: every site;
    /// an empty list finds nothing).
    #[tracing::instrument(skip(self, query), err)]
    pub async fn search_students_in(
        &self,
        query: &SearchQuery,
        limit: u32,
        sites: Option<&[i16]>,
    ) -> Result<Vec<SearchHit>, StoreError> {
        if sites.is_some_and(<[i16]>::is_empty) {
            return Ok(Vec::new());
        }
        let limit = i64::from(limit.clamp(1, 200));
        let words: Vec<Vec<usize>> = query
            .words
            .iter()
            .map(|w| w.prefixes.iter().map(String::len).collect())
            .collect();
        let postgres = matches!(self, Database::Postgres(_));
        let sql = search_sql(&words, sites.map_or(0, <[i16]>::len), postgres);
        on_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, SearchHit>(sqlx::AssertSqlSafe(sql));
            for word in &query.words {
                for prefix in &word.prefixes {
                    q = q.bind(prefix.clone()).bind(prefix_end(prefix));
                }
            }
            for site in sites.unwrap_or(&[]) {
                q = q.bind(*site);
            }
            q.bind(limit).bind(limit).fetch_all(pool).await.map_err(StoreError::from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_numbers_placeholders_in_order() {
        for postgres in [true, false] {
            let sql = search_sql(&[vec![3], vec![4, 5]], 0, postgres);
            assert!(sql.contains("(token >= $1 AND token < $2)"));
            if postgres {
                // One scan per range; a row counted once, in its first range.
                assert_eq!(sql.matches(" UNION ALL ").count(), 2, "{sql}");
                assert!(sql.contains(
                    "CASE WHEN (token >= $1 AND token < $2) OR (token >= $3 AND token < $4) THEN 0 ELSE weight END"
                ), "{sql}");
                assert!(sql.contains(" HAVING SUM(f0) > 0 AND SUM(f1) > 0"), "{sql}");
            } else {
                assert!(
                    sql.contains("((token >= $3 AND token < $4) OR (token >= $5 AND token < $6))")
                );
                assert!(sql.contains(" HAVING SUM(CASE WHEN"));
            }
            assert!(sql.contains("ORDER BY score DESC LIMIT $7)"));
            assert!(sql.contains("s.id LIMIT $8)"));
            assert!(!sql.contains("WITH c AS"));
            assert_eq!(sql.contains("LATERAL"), postgres);
            let sql = search_sql(&[vec![2]], 2, postgres);
            assert!(!sql.contains("HAVING"));
            if postgres {
                assert!(
                    sql.contains(
                        "WHERE (token >= $1 AND token < $2) AND site_id IN ($3, $4)) t GROUP BY"
                    ),
                    "{sql}"
                );
                assert!(sql.contains("ORDER BY score DESC LIMIT $5)"));
            } else {
                assert!(
                    sql.contains("WHERE s.site_id IN ($3, $4) AND $5 > 0 ORDER BY"),
                    "{sql}"
                );
            }
            assert!(sql.contains("s.id LIMIT $6)"));
        }
    }

    #[test]
    fn a_long_word_drives_a_lone_letter() {
        for postgres in [false, true] {
            assert_eq!(driving_word(&[vec![6], vec![1]], postgres), Some(0));
            assert_eq!(driving_word(&[vec![1], vec![6]], postgres), Some(1));
            // Nothing unselective, or nothing selective enough: ranges.
            assert_eq!(driving_word(&[vec![4], vec![6]], postgres), None);
            assert_eq!(driving_word(&[vec![2], vec![2]], postgres), None);
            assert_eq!(driving_word(&[vec![6]], postgres), None);
        }
        // A word of 3 or 4 characters drives on SQLite only.
        assert_eq!(driving_word(&[vec![2], vec![3, 4]], false), Some(1));
        assert_eq!(driving_word(&[vec![2], vec![3, 4]], true), None);
        assert_eq!(driving_word(&[vec![4], vec![2]], true), None);
        assert_eq!(driving_word(&[vec![4], vec![1]], true), Some(0));
        let sql = search_sql(&[vec![6], vec![1]], 1, true);
        assert!(sql.starts_with(
            "WITH c AS MATERIALIZED (SELECT DISTINCT student_id FROM search_tokens \
             WHERE ((token >= $1 AND token < $2)) AND site_id IN ($5)), m AS"
        ));
        assert!(sql.contains("CROSS JOIN LATERAL (SELECT token, weight FROM search_tokens x"));
        assert!(sql.contains("ORDER BY score DESC LIMIT $6)"));
    }
}
