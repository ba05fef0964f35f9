//! The campaign's dossiers as the Réinscriptions menu lists them: every
//! student of the member's sites who follows a course this year or has a
//! dossier for the campaign, with their dossier's state, counted by state,
//! filtered by state, site, discipline and missing documents.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    Database, StoreError,
    pool::{WritePool, for_update, on_pool},
};

/// A dossier's state in the lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ListStatus {
    /// No dossier yet.
    NoAnswer,
    Draft,
    /// Sent by the family, to be checked and corrected.
    ToCorrect,
    Validated,
    Declined,
}

impl ListStatus {
    pub const ALL: [ListStatus; 5] = [
        ListStatus::NoAnswer,
        ListStatus::Draft,
        ListStatus::ToCorrect,
        ListStatus::Validated,
        ListStatus::Declined,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ListStatus::NoAnswer => "pas_de_reponse",
            ListStatus::Draft => "brouillon",
            ListStatus::ToCorrect => "a_corriger",
            ListStatus::Validated => "valide",
            ListStatus::Declined => "ne_se_reinscrit_pas",
        }
    }

    pub fn from_code(code: &str) -> Option<ListStatus> {
        ListStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The French words of the fiche and the search for the same state
    /// (`portee_domain::labels::dossier_status`).
    pub fn label(self) -> &'static str {
        let (status, intent) = match self {
            ListStatus::NoAnswer => (None, None),
            ListStatus::Draft => (Some("draft"), None),
            ListStatus::ToCorrect => (Some("submitted"), None),
            ListStatus::Validated => (Some("validated"), Some("reinscrire")),
            ListStatus::Declined => (Some("validated"), Some("ne_pas_reinscrire")),
        };
        portee_domain::labels::dossier_status(status, intent)
    }
}

/// The SQL expression giving a row's [`ListStatus`] code (`r`: the dossier).
const STATUS_SQL: &str = "CASE WHEN r.id IS NULL THEN 'pas_de_reponse' \
     WHEN r.status = 'validated' AND r.intent = 'ne_pas_reinscrire' THEN 'ne_se_reinscrit_pas' \
     WHEN r.status = 'validated' THEN 'valide' \
     WHEN r.status = 'submitted' THEN 'a_corriger' \
     WHEN r.status = 'cancelled' THEN 'annule' ELSE 'brouillon' END";

/// What the list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub status: Option<ListStatus>,
    pub site: Option<i16>,
    pub discipline_id: Option<i64>,
    /// Only families owing a document (missing or refused).
    pub missing_documents: bool,
}

/// One student's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ListRow {
    pub student_id: i64,
    pub family_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub site_id: i16,
    pub family_number: String,
    /// A [`ListStatus`] code (or `annule`).
    pub status: String,
    pub acknowledgement_number: Option<String>,
    pub validation_channel: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The family's documents of the campaign still owed (missing or
    /// refused).
    pub documents_owed: i64,
    /// Why the child does not re-enrol (« Tarif : … »), for a dossier
    /// that says so.
    pub no_reason: Option<String>,
    /// The family's first guardian's phone (mobile, else home, else work)
    /// and first e-mail, to call or write to a family without an answer.
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The list and its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignList {
    /// Per state code, over the filter without its state (the counts at
    /// the top say how the other filters split).
    pub counts: Vec<(String, i64)>,
    /// At most `limit` rows, by name.
    pub rows: Vec<ListRow>,
    /// Rows matching in all.
    pub total: i64,
}

impl Database {
    /// The dossiers of `campaign_id` on `sites` (`None`: every site).
    #[tracing::instrument(skip(self, sites), err)]
    pub async fn campaign_list(
        &self,
        campaign_id: i64,
        sites: Option<&[i16]>,
        filter: &ListFilter,
        limit: u32,
    ) -> Result<CampaignList, StoreError> {
        // Only placeholders vary with the input: site ids are numbers
        // formatted here, never text.
        let mut wh = String::from(
            "(r.id IS NOT NULL OR EXISTS (SELECT 1 FROM enrolments e JOIN school_years y ON y.id = e.school_year_id \
             WHERE e.student_id = s.id AND e.status = 'active' AND y.start_year = \
             (SELECT y2.start_year - 1 FROM campaigns c2 JOIN school_years y2 ON y2.id = c2.school_year_id WHERE c2.id = $1)))",
        );
        if let Some(sites) = sites {
            let list: Vec<String> = sites.iter().map(i16::to_string).collect();
            if list.is_empty() {
                wh.push_str(" AND 1 = 0");
            } else {
                wh.push_str(&format!(" AND s.site_id IN ({})", list.join(", ")));
            }
        }
        wh.push_str(" AND ($2 < 0 OR s.site_id = $2)");
        wh.push_str(
            " AND ($3 < 0 OR EXISTS (SELECT 1 FROM enrolments e2 JOIN courses co ON co.id = e2.course_id \
             WHERE e2.student_id = s.id AND e2.status = 'active' AND co.discipline_id = $3))",
        );
        let owed = "(SELECT COUNT(*) FROM documents d WHERE d.family_id = s.family_id AND d.campaign_id = $1 \
                    AND d.status IN ('missing', 'rejected'))";
        wh.push_str(&format!(" AND ($4 = 0 OR {owed} > 0)"));
        let from = "FROM students s JOIN families f ON f.id = s.family_id \
                    LEFT JOIN reinscriptions r ON r.student_id = s.id AND r.campaign_id = $1";
        let counts_sql = format!(
            "SELECT {STATUS_SQL} AS st, COUNT(*) AS n {from} WHERE {wh} GROUP BY 1 ORDER BY 1"
        );
        let rows_sql = format!(
            "SELECT * FROM (SELECT s.id AS student_id, s.family_id, s.last_name, s.first_name, s.site_id, f.family_number, \
             {STATUS_SQL} AS status, r.acknowledgement_number, r.validation_channel, r.updated_at, \
             {owed} AS documents_owed, r.no_reason, \
             (SELECT COALESCE(g.phone_mobile, g.phone_home, g.phone_work) FROM guardians g \
              WHERE g.family_id = s.family_id ORDER BY g.rank LIMIT 1) AS phone, \
             (SELECT g.email FROM guardians g WHERE g.family_id = s.family_id AND g.email IS NOT NULL \
              AND g.email <> '' ORDER BY g.rank LIMIT 1) AS email \
             {from} WHERE {wh}) x \
             WHERE ($5 = '' OR x.status = $5) ORDER BY x.last_name, x.first_name, x.student_id LIMIT $6"
        );
        let site = filter.site.map_or(-1, i64::from);
        let discipline = filter.discipline_id.unwrap_or(-1);
        let missing = i64::from(filter.missing_documents);
        let status = filter.status.map_or("", ListStatus::code);
        on_pool!(self, pool => {
            let counts: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(counts_sql))
                .bind(campaign_id)
                .bind(site)
                .bind(discipline)
                .bind(missing)
                .fetch_all(pool)
                .await?;
            let rows: Vec<ListRow> = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
                .bind(campaign_id)
                .bind(site)
                .bind(discipline)
                .bind(missing)
                .bind(status)
                .bind(i64::from(limit.clamp(1, 100_000)))
                .fetch_all(pool)
                .await?;
            let total = match filter.status {
                None => counts.iter().map(|c| c.1).sum(),
                Some(s) => counts.iter().filter(|c| c.0 == s.code()).map(|c| c.1).sum(),
            };
            Ok(CampaignList { counts, rows, total })
        })
    }

    /// A campaign's label (« Réinscriptions 2027-2028 »).
    pub async fn campaign_label(&self, campaign_id: i64) -> Result<String, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT label FROM campaigns WHERE id = $1")
                .bind(campaign_id)
                .fetch_one(pool)
                .await?)
        })
    }

    /// The disciplines (id, name), for the lists' filter.
    pub async fn disciplines(&self) -> Result<Vec<(i64, String)>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as("SELECT id, name FROM disciplines ORDER BY name")
                .fetch_all(pool)
                .await?)
        })
    }
}

/// What the Accueil dashboard shows beside the dossiers' counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DashboardFigures {
    pub campaign: crate::CampaignRow,
    /// Documents received and not reviewed yet, on the sites.
    pub documents_to_review: i64,
    /// The campaign year's slots on the sites: (capacity, seats taken,
    /// open), classified by the domain's fill rule.
    pub slots: Vec<(i32, i32, bool)>,
}

impl Database {
    /// The current campaign and the figures of `sites` (`None`: every
    /// site) for the Accueil dashboard, in three statements.
    #[tracing::instrument(skip(self, sites), err)]
    pub async fn dashboard_figures(
        &self,
        sites: Option<&[i16]>,
    ) -> Result<DashboardFigures, StoreError> {
        // Site ids are numbers formatted here, never text.
        let in_sites = |column: &str| match sites {
            None => String::from("TRUE"),
            Some([]) => String::from("FALSE"),
            Some(list) => format!(
                "{column} IN ({})",
                list.iter()
                    .map(i16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let documents_sql = format!(
            "SELECT COUNT(*) FROM documents d WHERE d.campaign_id = $1 AND d.status = 'received' \
             AND EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND {})",
            in_sites("s.site_id")
        );
        let slots_sql = format!(
            "SELECT sl.capacity, sl.seats_taken, sl.open FROM slots sl JOIN courses c ON c.id = sl.course_id \
             WHERE c.school_year_id = $1 AND {}",
            in_sites("c.site_id")
        );
        on_pool!(self, pool => {
            let campaign: crate::CampaignRow = sqlx::query_as(
                "SELECT c.id, c.label, c.school_year_id, y.label AS school_year_label, y.start_year, \
                 c.opens_at, c.closes_at, c.documents_deadline, c.status \
                 FROM campaigns c JOIN school_years y ON y.id = c.school_year_id \
                 ORDER BY (c.status = 'open') DESC, c.opens_at DESC LIMIT 1",
            )
            .fetch_one(pool)
            .await?;
            let documents_to_review: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(documents_sql))
                .bind(campaign.id)
                .fetch_one(pool)
                .await?;
            let slots: Vec<(i32, i32, bool)> = sqlx::query_as(sqlx::AssertSqlSafe(slots_sql))
                .bind(campaign.school_year_id)
                .fetch_all(pool)
                .await?;
            Ok(DashboardFigures { campaign, documents_to_review, slots })
        })
    }
}

/// What queuing reminders did, family by family.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reminders {
    pub queued: Vec<i64>,
    /// Families with no guardian e-mail: (id, family number).
    pub without_email: Vec<(i64, String)>,
    /// Families that already had a reminder waiting to be sent.
    pub already_pending: Vec<i64>,
}

/// At most this many families per call.
pub const MAX_REMINDERS: usize = 500;

impl Database {
    /// Queues one reminder e-mail per family (to its first guardian with an
    /// e-mail) for `campaign_id`, in one transaction with its audit entry;
    /// a family already holding a pending reminder gets no second one. A
    /// family the connection cannot see: `NotFound`, nothing queued.
    #[tracing::instrument(skip(self, family_ids, actor), fields(families = family_ids.len()), err)]
    pub async fn queue_reminders(
        &self,
        campaign_id: i64,
        family_ids: &[i64],
        actor: &crate::Actor,
    ) -> Result<Reminders, StoreError> {
        let mut families: Vec<i64> = family_ids.to_vec();
        families.sort_unstable();
        families.dedup();
        if families.is_empty() || families.len() > MAX_REMINDERS {
            return Err(StoreError::Invalid {
                message: format!("Choisissez de 1 à {MAX_REMINDERS} familles à relancer."),
            });
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let at = crate::audit::now();
            let mut out = Reminders::default();
            for family in &families {
                // The family's row locked (PostgreSQL) while its pending
                // reminders are counted: two workstations reminding it at
                // once queue one reminder, not two.
                if !for_update(pool).is_empty() {
                    sqlx::query("SELECT id FROM families WHERE id = $1 FOR UPDATE")
                        .bind(family)
                        .execute(&mut *tx)
                        .await?;
                }
                let found: Option<(i64, String)> = sqlx::query_as(
                    "SELECT s.id, f.family_number FROM students s JOIN families f ON f.id = s.family_id \
                     WHERE s.family_id = $1 ORDER BY s.id LIMIT 1",
                )
                .bind(family)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((student, number)) = found else {
                    return Err(StoreError::NotFound);
                };
                let pending: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM outbox o JOIN students s ON s.id = o.student_id \
                     WHERE o.kind = 'reminder' AND o.status = 'pending' AND s.family_id = $1",
                )
                .bind(family)
                .fetch_one(&mut *tx)
                .await?;
                if pending > 0 {
                    out.already_pending.push(*family);
                    continue;
                }
                let email: Option<String> = sqlx::query_scalar(
                    "SELECT email FROM guardians WHERE family_id = $1 AND email IS NOT NULL AND email <> '' \
                     ORDER BY rank LIMIT 1",
                )
                .bind(family)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(email) = email else {
                    out.without_email.push((*family, number));
                    continue;
                };
                sqlx::query(
                    "INSERT INTO outbox (kind, reinscription_id, student_id, recipient, payload, status, attempts, created_at) \
                     VALUES ('reminder', NULL, $1, $2, $3, 'pending', 0, $4)",
                )
                .bind(student)
                .bind(&email)
                .bind(serde_json::json!({ "campaign_id": campaign_id, "family_number": number }).to_string())
                .bind(at)
                .execute(&mut *tx)
                .await?;
                out.queued.push(*family);
            }
            crate::audit::append_audit!(&mut *tx, actor, at, crate::audit::AuditEntry {
                action: "reminder.queue",
                entity_type: "campaign",
                entity_id: campaign_id.to_string(),
                before: None,
                after: crate::audit::to_json(&serde_json::json!({
                    "families": out.queued, "without_email": out.without_email.iter().map(|f| f.0).collect::<Vec<_>>(),
                    "already_pending": out.already_pending,
                })),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(out)
        })
    }
}

/// One of next year's courses a student holds (for the lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct NextCourseRow {
    pub student_id: i64,
    pub course: String,
    pub day_of_week: Option<i16>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub teacher: Option<String>,
}

impl Database {
    /// The courses (and slots) the students hold for the campaign's school
    /// year, by student and course name, in one statement.
    pub async fn next_year_courses(
        &self,
        campaign_id: i64,
        student_ids: &[i64],
    ) -> Result<Vec<NextCourseRow>, StoreError> {
        if student_ids.is_empty() {
            return Ok(Vec::new());
        }
        on_pool!(self, pool => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT e.student_id, c.name AS course, sl.day_of_week, sl.starts_at, sl.ends_at, sl.teacher \
                 FROM enrolments e JOIN courses c ON c.id = e.course_id LEFT JOIN slots sl ON sl.id = e.slot_id \
                 WHERE e.status = 'active' AND e.school_year_id = (SELECT school_year_id FROM campaigns WHERE id = ",
            );
            qb.push_bind(campaign_id);
            qb.push(") AND e.student_id IN (");
            crate::reinscription::push_ids(&mut qb, student_ids.iter().copied());
            qb.push(" ORDER BY e.student_id, c.name");
            Ok(qb.build_query_as().fetch_all(pool).await?)
        })
    }
}
