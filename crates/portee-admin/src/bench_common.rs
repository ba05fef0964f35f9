//! What `portee-bench` and `portee-bench-rls` share (each binary includes
//! this file as a module).

use std::time::Duration;

/// The value at quantile `p` (0–1) of `sorted`.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// 10 new courses × 5 slots × 20 seats at Meudon on a seeded PostgreSQL
/// database, named after `tag`: the school year and, per course, its slots.
pub async fn seat_courses(
    pool: &sqlx::PgPool,
    tag: &str,
) -> Result<(i64, Vec<(i64, Vec<i64>)>), sqlx::Error> {
    let year: i64 = sqlx::query_scalar("SELECT MAX(id) FROM school_years")
        .fetch_one(pool)
        .await?;
    Ok((year, seat_courses_in(pool, tag, year).await?))
}

/// The same courses in school year `year`.
pub async fn seat_courses_in(
    pool: &sqlx::PgPool,
    tag: &str,
    year: i64,
) -> Result<Vec<(i64, Vec<i64>)>, sqlx::Error> {
    let discipline: i64 = sqlx::query_scalar("SELECT MIN(id) FROM disciplines")
        .fetch_one(pool)
        .await?;
    let mut courses = Vec::new();
    for c in 0..10 {
        let course: i64 = sqlx::query_scalar(
            "INSERT INTO courses (discipline_id, site_id, school_year_id, name, seat_mode) \
             VALUES ($1, 5, $2, $3, 'slot') RETURNING id",
        )
        .bind(discipline)
        .bind(year)
        .bind(format!("{tag} {c}"))
        .fetch_one(pool)
        .await?;
        let mut slots = Vec::new();
        for _ in 0..5 {
            slots.push(
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO slots (course_id, day_of_week, starts_at, ends_at, teacher, room, capacity) \
                     VALUES ($1, 3, '14:00', '15:00', 'Banc', 'Salle', 20) RETURNING id",
                )
                .bind(course)
                .fetch_one(pool)
                .await?,
            );
        }
        courses.push((course, slots));
    }
    Ok(courses)
}
