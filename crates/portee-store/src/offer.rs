//! The course offer of a site for a school year, as the « Cours &
//! capacités » page shows it: every slot of every course with its seats and
//! the length of its waiting list, in one statement.

use crate::{Database, StoreError, pool::on_pool};

/// One slot of the offer (or a course without slots: `slot_id` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OfferRow {
    pub discipline_id: i64,
    pub discipline: String,
    pub course_id: i64,
    pub course: String,
    pub cycle: Option<i16>,
    pub level: Option<String>,
    /// `slot`, `teacher` or `level`.
    pub seat_mode: String,
    pub slot_id: Option<i64>,
    pub day_of_week: Option<i16>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub teacher: Option<String>,
    pub room: Option<String>,
    pub capacity: Option<i32>,
    pub seats_taken: Option<i32>,
    pub version: Option<i32>,
    pub open: Option<bool>,
    /// Students waiting for a seat of this slot (as far as the connection
    /// may see them: on PostgreSQL, those of the member's sites).
    pub waiting: i64,
}

/// A school year: id, label (2027-2028), first year.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SchoolYearRow {
    pub id: i64,
    pub label: String,
    pub start_year: i32,
}

impl Database {
    /// The offer of `site_id` for `school_year_id`: by discipline, course
    /// name, day and hour.
    #[tracing::instrument(skip(self), err)]
    pub async fn offer(
        &self,
        site_id: i16,
        school_year_id: i64,
    ) -> Result<Vec<OfferRow>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT d.id AS discipline_id, d.name AS discipline, c.id AS course_id, c.name AS course, \
                 c.cycle, c.level, c.seat_mode, sl.id AS slot_id, sl.day_of_week, sl.starts_at, sl.ends_at, \
                 sl.teacher, sl.room, sl.capacity, sl.seats_taken, sl.version, sl.open, \
                 (SELECT COUNT(*) FROM waiting_list w WHERE w.slot_id = sl.id) AS waiting \
                 FROM courses c JOIN disciplines d ON d.id = c.discipline_id \
                 LEFT JOIN slots sl ON sl.course_id = c.id \
                 WHERE c.site_id = $1 AND c.school_year_id = $2 \
                 ORDER BY d.name, c.name, c.id, sl.day_of_week, sl.starts_at, sl.id",
            )
            .bind(site_id)
            .bind(school_year_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The school years that have a course offer, newest first.
    pub async fn offer_years(&self) -> Result<Vec<SchoolYearRow>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT y.id, y.label, y.start_year FROM school_years y \
                 WHERE EXISTS (SELECT 1 FROM courses c WHERE c.school_year_id = y.id) \
                 ORDER BY y.start_year DESC",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// How many students wait for a seat of `slot_id` (as far as the
    /// connection may see them).
    pub async fn waiting_count(&self, slot_id: i64) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM waiting_list WHERE slot_id = $1")
                .bind(slot_id)
                .fetch_one(pool)
                .await?)
        })
    }

    /// The site a slot's course belongs to, if the slot exists.
    pub async fn slot_site(&self, slot_id: i64) -> Result<i16, StoreError> {
        on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT c.site_id FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE sl.id = $1",
            )
            .bind(slot_id)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::NotFound)
        })
    }
}
