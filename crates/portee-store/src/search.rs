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

/// A value bound to a placeholder of [`search_sql`], in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bind {
    /// Start of the range of word `.0`'s prefix `.1`.
    Low(usize, usize),
    /// Exclusive end of that range.
    High(usize, usize),
    /// The `.0`-th site of the filter.
    Site(usize),
    Limit,
}

/// The SQL for a query whose word `i` has prefixes of lengths
/// `prefix_lengths[i]`, within `sites` sites (0: every site), and the
/// values its placeholders take, in order. Only placeholders vary with the
/// input, never its text.
///
/// The ranking is the sum of the weights of every token that matches a
/// word (a token matching two words counts once); a student is found when
/// each word matches one of their tokens. The steps keep the work bounded
/// when a short prefix matches thousands of students, without changing the
/// results:
///
/// 1. `m`: each prefix range is read from the index alone (PostgreSQL's
///    primary key carries the weight since migration 0006, SQLite's table
///    is its primary key), one range per `UNION` branch so that PostgreSQL
///    keeps index-only scans (`UNION` drops a row read twice). With several
///    words, the rows of every word but the most selective one (the one
///    whose broadest prefix is the longest) are kept only for students that
///    the most selective word matches: no other student can be found. Then
///    one aggregate, scores only, no join.
/// 2. `best`: without a site filter, only the students whose score reaches
///    the `limit`-th best score are joined to `students` and sorted by
///    name. Any other student ranks after at least `limit` students with a
///    higher score, so it could not be returned. On PostgreSQL the join is
///    a `LATERAL` lookup by id (the planner would otherwise hash all the
///    students, not knowing how few candidates pass the threshold). With a
///    site filter every candidate's site must be read: a plain join.
/// 3. Families are joined for the `limit` rows kept, not for every match.
fn search_sql(prefix_lengths: &[Vec<usize>], sites: usize, postgres: bool) -> (String, Vec<Bind>) {
    let mut binds = Vec::new();
    let mut range = |word: usize, prefix: usize| {
        binds.push(Bind::Low(word, prefix));
        binds.push(Bind::High(word, prefix));
        let n = binds.len();
        format!("(token >= ${} AND token < ${n})", n - 1)
    };
    let several = prefix_lengths.len() > 1;
    let driving = prefix_lengths
        .iter()
        .enumerate()
        .max_by_key(|(i, lengths)| {
            (
                lengths.iter().copied().min().unwrap_or(0),
                std::cmp::Reverse(*i),
            )
        })
        .map_or(0, |(i, _)| i);
    let mut branches = Vec::new();
    for (word, lengths) in prefix_lengths.iter().enumerate() {
        for prefix in 0..lengths.len() {
            let mut branch = format!(
                "SELECT token, student_id, weight FROM search_tokens WHERE {}",
                range(word, prefix)
            );
            if several && word != driving {
                let driving_ranges: Vec<String> = (0..prefix_lengths[driving].len())
                    .map(|p| range(driving, p))
                    .collect();
                branch.push_str(&format!(
                    " AND student_id IN (SELECT student_id FROM search_tokens WHERE {})",
                    driving_ranges.join(" OR ")
                ));
            }
            branches.push(branch);
        }
    }
    // With one word every row read matches it: nothing more to check.
    let having = if several {
        let all: Vec<String> = prefix_lengths
            .iter()
            .enumerate()
            .map(|(word, lengths)| {
                let ranges: Vec<String> = (0..lengths.len()).map(|p| range(word, p)).collect();
                format!(
                    "SUM(CASE WHEN {} THEN 1 ELSE 0 END) > 0",
                    ranges.join(" OR ")
                )
            })
            .collect();
        format!(" HAVING {}", all.join(" AND "))
    } else {
        String::new()
    };
    let mut param = |bind: Bind| {
        binds.push(bind);
        format!("${}", binds.len())
    };
    let (join, filter) = if sites == 0 {
        let join = if postgres {
            "CROSS JOIN LATERAL (SELECT * FROM students WHERE id = t.student_id LIMIT 1) s"
        } else {
            "JOIN students s ON s.id = t.student_id"
        };
        let filter = format!(
            "t.score >= (SELECT MIN(k.score) FROM \
             (SELECT score FROM m ORDER BY score DESC LIMIT {}) k)",
            param(Bind::Limit)
        );
        (join, filter)
    } else {
        let list: Vec<String> = (0..sites).map(|i| param(Bind::Site(i))).collect();
        (
            "JOIN students s ON s.id = t.student_id",
            format!("s.site_id IN ({})", list.join(", ")),
        )
    };
    let limit = param(Bind::Limit);
    let rows = if branches.len() == 1 {
        branches.remove(0)
    } else {
        branches.join(" UNION ")
    };
    let sql = format!(
        "WITH m AS MATERIALIZED (\
             SELECT student_id, SUM(weight) AS score FROM ({rows}) r \
             GROUP BY student_id{having}), \
         best AS MATERIALIZED (\
             SELECT t.student_id, t.score, s.last_name, s.first_name, s.birth_date, \
                    s.site_id, s.family_id \
             FROM m t {join} \
             WHERE {filter} \
             ORDER BY t.score DESC, s.last_name, s.first_name, s.id LIMIT {limit}) \
         SELECT b.student_id, b.last_name, b.first_name, b.birth_date, b.site_id, \
                b.family_id, f.family_number, b.score \
         FROM best b JOIN families f ON f.id = b.family_id \
         ORDER BY b.score DESC, b.last_name, b.first_name, b.student_id"
    );
    (sql, binds)
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
        let prefix_lengths: Vec<Vec<usize>> = query
            .words
            .iter()
            .map(|w| w.prefixes.iter().map(String::len).collect())
            .collect();
        let postgres = matches!(self, Database::Postgres(_));
        let (sql, binds) = search_sql(&prefix_lengths, sites.map_or(0, <[i16]>::len), postgres);
        let sites = sites.unwrap_or(&[]);
        on_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, SearchHit>(sqlx::AssertSqlSafe(sql));
            for bind in binds {
                q = match bind {
                    Bind::Low(w, p) => q.bind(query.words[w].prefixes[p].clone()),
                    Bind::High(w, p) => q.bind(prefix_end(&query.words[w].prefixes[p])),
                    Bind::Site(i) => q.bind(sites[i]),
                    Bind::Limit => q.bind(limit),
                };
            }
            q.fetch_all(pool).await.map_err(StoreError::from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_numbers_placeholders_in_order() {
        for postgres in [true, false] {
            // Two words, the second with two prefixes; every site.
            let (sql, binds) = search_sql(&[vec![3], vec![4, 4]], 0, postgres);
            // The first word's rows are kept for students the second (longer) matches.
            assert!(sql.contains(
                "WHERE (token >= $1 AND token < $2) AND student_id IN (SELECT student_id \
                 FROM search_tokens WHERE (token >= $3 AND token < $4) OR (token >= $5 AND token < $6))"
            ));
            assert!(sql.contains(" UNION SELECT token, student_id, weight FROM search_tokens WHERE (token >= $7 AND token < $8) UNION "));
            assert!(sql.contains(" HAVING SUM(CASE WHEN"));
            assert_eq!(sql.contains("LATERAL"), postgres);
            assert_eq!(binds.len(), 18);
            assert_eq!(
                &binds[..4],
                &[
                    Bind::Low(0, 0),
                    Bind::High(0, 0),
                    Bind::Low(1, 0),
                    Bind::High(1, 0)
                ]
            );
            assert_eq!(&binds[16..], &[Bind::Limit, Bind::Limit]);
            assert!(sql.contains(&format!("ORDER BY score DESC LIMIT ${})", binds.len() - 1)));
            assert!(sql.contains(&format!("s.id LIMIT ${})", binds.len())));
            // One word, two sites.
            let (sql, binds) = search_sql(&[vec![2]], 2, postgres);
            assert!(
                !sql.contains("HAVING") && !sql.contains("UNION") && !sql.contains(" IN (SELECT")
            );
            assert!(sql.contains("WHERE s.site_id IN ($3, $4) ORDER BY"));
            assert!(sql.contains("s.id LIMIT $5)"));
            assert!(!sql.contains("LATERAL"));
            assert_eq!(
                binds,
                [
                    Bind::Low(0, 0),
                    Bind::High(0, 0),
                    Bind::Site(0),
                    Bind::Site(1),
                    Bind::Limit
                ]
            );
        }
    }
}
