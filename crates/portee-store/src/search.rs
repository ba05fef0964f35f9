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

/// The SQL for a query of `words` words with `alternatives[i]` prefixes
/// each. Only placeholders vary with the input, never its text.
fn search_sql(alternatives: &[usize], sites: usize) -> String {
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
         s.family_id, f.family_number, m.score \
         FROM (SELECT student_id, SUM(weight) AS score FROM search_tokens \
               WHERE {any} GROUP BY student_id HAVING {all}) m \
         JOIN students s ON s.id = m.student_id \
         JOIN families f ON f.id = s.family_id \
         {site_filter}ORDER BY m.score DESC, s.last_name, s.first_name, s.id LIMIT ${limit}"
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
        let sql = search_sql(&alternatives, sites.map_or(0, <[i16]>::len));
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
            q.bind(limit).fetch_all(pool).await.map_err(StoreError::from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_numbers_placeholders_in_order() {
        let sql = search_sql(&[1, 2], 0);
        assert!(sql.contains("(token >= $1 AND token < $2)"));
        assert!(sql.contains("((token >= $3 AND token < $4) OR (token >= $5 AND token < $6))"));
        assert!(sql.ends_with("LIMIT $7"));
        let sql = search_sql(&[1], 2);
        assert!(sql.contains("WHERE s.site_id IN ($3, $4) ORDER BY"));
        assert!(sql.ends_with("LIMIT $5"));
    }
}
