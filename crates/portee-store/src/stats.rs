//! Counts per table and per site (for `portee-admin stats`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Database, StoreError, pool::on_pool};

/// The tables counted, in schema order.
pub const TABLES: [&str; 19] = [
    "sites",
    "school_years",
    "campaigns",
    "families",
    "guardians",
    "students",
    "disciplines",
    "courses",
    "slots",
    "enrolments",
    "waiting_list",
    "staff",
    "staff_sites",
    "reinscriptions",
    "reinscription_courses",
    "documents",
    "audit_log",
    "outbox",
    "search_tokens",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteCounts {
    pub site: String,
    pub students: i64,
    pub courses: i64,
    pub slots: i64,
    pub full_slots: i64,
    pub seats: i64,
    pub seats_taken: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub tables: BTreeMap<String, i64>,
    pub sites: Vec<SiteCounts>,
}

const PER_SITE: &str = "SELECT si.code, \
    (SELECT COUNT(*) FROM students st WHERE st.site_id = si.id), \
    (SELECT COUNT(*) FROM courses c WHERE c.site_id = si.id), \
    (SELECT COUNT(*) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE c.site_id = si.id), \
    (SELECT COUNT(*) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE c.site_id = si.id AND sl.seats_taken >= sl.capacity), \
    (SELECT COALESCE(SUM(sl.capacity), 0) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE c.site_id = si.id), \
    (SELECT COALESCE(SUM(sl.seats_taken), 0) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE c.site_id = si.id) \
    FROM sites si ORDER BY si.id";

impl Database {
    pub async fn stats(&self) -> Result<Stats, StoreError> {
        let mut tables = BTreeMap::new();
        on_pool!(self, pool => {
            for table in TABLES {
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(pool)
                    .await?;
                tables.insert(table.to_owned(), n);
            }
            let rows: Vec<(String, i64, i64, i64, i64, i64, i64)> =
                sqlx::query_as(PER_SITE).fetch_all(pool).await?;
            let sites = rows
                .into_iter()
                .map(|(site, students, courses, slots, full_slots, seats, seats_taken)| SiteCounts {
                    site, students, courses, slots, full_slots, seats, seats_taken,
                })
                .collect();
            Ok(Stats { tables, sites })
        })
    }
}
