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
}

/// The SQL for a query of `alternatives.len()` words with
/// `alternatives[i]` prefixes each, within `sites` sites (0: every site).
/// Only placeholders vary with the input, never its text.
///
/// The ranking is the sum of the weights of every token that matches a
/// word; a student is found when each word matches one of their tokens.
/// Three steps keep the work bounded when a short prefix matches thousands
/// of students, without changing the results:
///
/// 1. `m`: one aggregate over the index ranges, scores only, no join (an
///    index-only scan: PostgreSQL's primary key carries the weight since
///    migration 0006, SQLite's table is its primary key).
/// 2. `best`: without a site filter, only the students whose score reaches
///    the `limit`-th best score are joined to `students` and sorted by
///    name. Any other student ranks after at least `limit` students with a
///    higher score, so it could not be returned. On PostgreSQL the join is
///    a `LATERAL` lookup by id (the planner would otherwise hash all the
///    students, not knowing how few candidates pass the threshold). With a
///    site filter every candidate's site must be read: a plain join.
/// 3. Families are joined for the `limit` rows kept, not for every match.
fn search_sql(alternatives: &[usize], sites: usize, postgres: bool) -> String {
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
    let (join, filter) = if sites == 0 {
        let limit = param();
        let join = if postgres {
            "CROSS JOIN LATERAL (SELECT * FROM students WHERE id = m.student_id LIMIT 1) s"
        } else {
            "JOIN students s ON s.id = m.student_id"
        };
        let filter = format!(
            "m.score >= (SELECT MIN(k.score) FROM \
             (SELECT score FROM m ORDER BY score DESC LIMIT ${limit}) k)"
        );
        (join, filter)
    } else {
        let list: Vec<String> = (0..sites).map(|_| format!("${}", param())).collect();
        (
            "JOIN students s ON s.id = m.student_id",
            format!("s.site_id IN ({})", list.join(", ")),
        )
    };
    let limit = param();
    format!(
        "WITH m AS MATERIALIZED (\
             SELECT student_id, SUM(weight) AS score FROM search_tokens \
             WHERE {any} GROUP BY student_id{having}), \
         best AS MATERIALIZED (\
             SELECT m.student_id, m.score, s.last_name, s.first_name, s.birth_date, \
                    s.site_id, s.family_id \
             FROM m {join} \
             WHERE {filter} \
             ORDER BY m.score DESC, s.last_name, s.first_name, s.id LIMIT ${limit}) \
         SELECT b.student_id, b.last_name, b.first_name, b.birth_date, b.site_id, \
                b.family_id, f.family_number, b.score \
         FROM best b JOIN families f ON f.id = b.family_id \
         ORDER BY b.score DESC, b.last_name, b.first_name, b.student_id"
    )
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
        let alternatives: Vec<usize> = query.words.iter().map(|w| w.prefixes.len()).collect();
        let postgres = matches!(self, Database::Postgres(_));
        let sql = search_sql(&alternatives, sites.map_or(0, <[i16]>::len), postgres);
        on_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, SearchHit>(sqlx::AssertSqlSafe(sql));
            for word in &query.words {
                for prefix in &word.prefixes {
                    q = q.bind(prefix.clone()).bind(prefix_end(prefix));
                }
            }
            match sites {
                None => q = q.bind(limit),
                Some(sites) => {
                    for site in sites {
                        q = q.bind(*site);
                    }
                }
            }
            q.bind(limit).fetch_all(pool).await.map_err(StoreError::from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_numbers_placeholders_in_order() {
        for postgres in [true, false] {
            let sql = search_sql(&[1, 2], 0, postgres);
            assert!(sql.contains("(token >= $1 AND token < $2)"));
            assert!(sql.contains("((token >= $3 AND token < $4) OR (token >= $5 AND token < $6))"));
            assert!(sql.contains(" HAVING SUM(CASE WHEN"));
            assert!(sql.contains("ORDER BY score DESC LIMIT $7)"));
            assert!(sql.contains("s.id LIMIT $8)"));
            assert_eq!(sql.contains("LATERAL"), postgres);
            let sql = search_sql(&[1], 2, postgres);
            assert!(!sql.contains("HAVING"));
            assert!(sql.contains("WHERE s.site_id IN ($3, $4) ORDER BY"));
            assert!(sql.contains("s.id LIMIT $5)"));
            assert!(!sql.contains("LATERAL"));
        }
    }
}
