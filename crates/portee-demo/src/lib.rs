//! A realistic, deterministic demo network for Portée, generated from a
//! seed as plain Rust data: school years, the open réinscription campaign,
//! families, guardians and students, the course offer of the eight sites
//! with its slots, enrolments (current year, history, and next year's as
//! filled by the campaign), waiting lists, staff accounts, réinscription
//! dossiers in every status and the families' documents (small valid PDFs).
//!
//! No database, no I/O, no clock: the same [`DemoOptions`] always give the
//! same [`DemoNetwork`]. Inserting it is the caller's job; every reference
//! between rows is an index into the referenced `Vec` (see [`model`]).
//!
//! ```
//! let network = portee_demo::generate(&portee_demo::DemoOptions {
//!     students: 200,
//!     seed: 42,
//!     today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
//!     taken_at: None,
//! });
//! assert_eq!(network.students.len(), 200);
//! let year = &network.school_years[network.current_year];
//! assert_eq!(year.label, "2026-2027");
//! ```
//!
//! Seats: `Slot::seats_taken` is always the number of `active` enrolments
//! pointing at the slot, never above `capacity`; about a tenth of the
//! current year's slots are exactly full.
//!
//! - Current year: every Formation Musicale, ensemble, dance, drama and
//!   CHAM enrolment has a slot; instrument lessons mostly have none (their
//!   time was set with the teacher), except the first-cycle small-group
//!   lessons (1–4 pupils) that have a fixed slot. About 1 % of current
//!   enrolments are `cancelled` (dropped in the autumn; seat freed).
//! - Next year: slots exist for Formation Musicale and for the courses
//!   assigned by level, sized on this year's pupils moving up; instrument
//!   slots come in September. Seats are held by the next-year enrolments
//!   created for `submitted` and `validated` dossiers that re-enrol: only
//!   Formation Musicale is chosen by slot (`ReinscriptionCourse::slot`),
//!   other courses carry no slot. A `draft` holds no seat; a `cancelled`
//!   dossier's next-year enrolments are `cancelled`. Families who missed
//!   the full slot they wanted are on its waiting list.
//! - Earlier years: enrolments (the Historique) have no slot.
//!
//! Scale: families ≈ 0.75 × students; slots grow with the pupils (about
//! 1,000 current-year slots for 8,000 students, 9,000 for 80,000), as a
//! Formation Musicale class holds at most 20.

mod campaign;
mod documents;
mod enrolments;
pub mod model;
mod names;
mod offer;
pub mod pdf;
mod people;
mod places;
mod staff;
mod util;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

pub use model::{
    Campaign, Course, Discipline, Document, Enrolment, Family, Guardian, Reinscription,
    ReinscriptionCourse, SchoolYear, Slot, Staff, Student, WaitingListEntry,
};
pub use places::SITES;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Number of students (families: about three quarters of it).
    pub students: usize,
    /// The same seed gives the same network.
    pub seed: u64,
    /// The day the demo pretends to be: the current school year contains
    /// it and the réinscription campaign for the next one is open.
    pub today: NaiveDate,
    /// The instant the network is written: every generated event happens
    /// strictly before it (the demo's past never lies ahead of a change a
    /// user makes right after). `None`: `today` at 16:00 UTC, for
    /// reproducible runs.
    pub taken_at: Option<DateTime<Utc>>,
}

/// The generated network. References between rows are indexes into these
/// vectors; `site_id` fields are real `sites.id` values (see [`SITES`]).
#[derive(Debug, Clone)]
pub struct DemoNetwork {
    /// Three earlier years, the current one and the next one, in order.
    pub school_years: Vec<SchoolYear>,
    /// Index of the school year containing `today`.
    pub current_year: usize,
    /// Index of the school year the campaign re-enrols for.
    pub next_year: usize,
    /// One campaign, open, for the next school year.
    pub campaigns: Vec<Campaign>,
    pub families: Vec<Family>,
    pub guardians: Vec<Guardian>,
    pub students: Vec<Student>,
    pub disciplines: Vec<Discipline>,
    pub courses: Vec<Course>,
    pub slots: Vec<Slot>,
    pub enrolments: Vec<Enrolment>,
    pub waiting_list: Vec<WaitingListEntry>,
    pub staff: Vec<Staff>,
    pub reinscriptions: Vec<Reinscription>,
    pub reinscription_courses: Vec<ReinscriptionCourse>,
    pub documents: Vec<Document>,
    /// The instant the data pretends to be taken at (`today`, 16:00 UTC,
    /// or a minute before `taken_at` when that is earlier): every generated
    /// timestamp is at or before it.
    pub generated_at: DateTime<Utc>,
}

/// Index of the current school year in `school_years` (three earlier ones
/// come first).
pub(crate) const CURRENT: usize = 3;
pub(crate) const NEXT: usize = 4;

/// Streams of the seeded generator, one per phase.
mod stream {
    pub const PEOPLE: u64 = 1;
    pub const ENROLMENTS: u64 = 2;
    pub const STAFF: u64 = 3;
    pub const CAMPAIGN: u64 = 4;
    pub const DOCUMENTS: u64 = 5;
}

/// Shared facts of one generation.
pub(crate) struct Context<'a> {
    pub options: &'a DemoOptions,
    pub years: Vec<SchoolYear>,
    pub now: DateTime<Utc>,
    pub opens_at: DateTime<Utc>,
}

impl Context<'_> {
    /// Age in whole years on `today`.
    pub fn age_on_today(&self, birth: NaiveDate) -> i32 {
        let today = self.options.today;
        let mut age = today.year() - birth.year();
        if (today.month(), today.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age
    }
}

fn school_year(start_year: i32) -> SchoolYear {
    SchoolYear {
        label: format!("{}-{}", start_year, start_year + 1),
        start_year,
        starts_on: util::ymd(start_year, 9, 1),
        ends_on: util::ymd(start_year + 1, 7, 4),
    }
}

/// Generates the demo network described by `options`.
pub fn generate(options: &DemoOptions) -> DemoNetwork {
    let today = options.today;
    // The school year containing today; July and August belong to the
    // year that just ended.
    let current_start = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let years: Vec<SchoolYear> = (current_start - 3..=current_start + 1)
        .map(school_year)
        .collect();
    let now = match options.taken_at {
        // A whole second, a minute before the writing: strictly before it.
        Some(t) => util::at(today, 16, 0).min(
            t - Duration::minutes(1) - Duration::nanoseconds(i64::from(t.timestamp_subsec_nanos())),
        ),
        None => util::at(today, 16, 0),
    };
    let opens_at = util::at(today - Duration::days(14), 7, 0);
    let closes_at = util::at(today + Duration::days(30), 21, 59);
    let closes_on = closes_at.date_naive();
    let mut documents_deadline = util::ymd(closes_on.year(), 7, 13);
    if documents_deadline <= closes_on {
        documents_deadline = util::ymd(closes_on.year() + 1, 7, 13);
    }
    let campaign = Campaign {
        school_year: NEXT,
        label: format!("Réinscriptions {}", years[NEXT].label),
        opens_at,
        closes_at,
        documents_deadline,
        status: "open",
        version: 1,
    };
    let ctx = Context {
        options,
        years,
        now,
        opens_at,
    };
    let seed = options.seed;

    let people = people::generate(&ctx, &mut util::rng_for(seed, stream::PEOPLE));
    let catalogue = offer::Catalogue::build(ctx.years.len());
    let mut schedulers: Vec<offer::Scheduler> =
        (0..SITES.len()).map(|_| offer::Scheduler::new()).collect();
    let mut enrolled = enrolments::generate(
        &ctx,
        &mut util::rng_for(seed, stream::ENROLMENTS),
        &catalogue,
        &people,
        &mut schedulers,
    );
    let staff = staff::generate(&ctx, &mut util::rng_for(seed, stream::STAFF));
    let dossiers = campaign::generate(
        &ctx,
        &mut util::rng_for(seed, stream::CAMPAIGN),
        &catalogue,
        &people,
        &staff,
        &schedulers,
        &mut enrolled,
    );
    let documents = documents::generate(
        &ctx,
        &mut util::rng_for(seed, stream::DOCUMENTS),
        &people,
        &staff,
        &dossiers.reinscriptions,
    );

    DemoNetwork {
        school_years: ctx.years,
        current_year: CURRENT,
        next_year: NEXT,
        campaigns: vec![campaign],
        families: people.families,
        guardians: people.guardians,
        students: people.students,
        disciplines: offer::disciplines(),
        courses: catalogue.courses,
        slots: enrolled.slots,
        enrolments: enrolled.enrolments,
        waiting_list: dossiers.waiting_list,
        staff,
        reinscriptions: dossiers.reinscriptions,
        reinscription_courses: dossiers.courses,
        documents,
        generated_at: now,
    }
}

#[cfg(test)]
mod tests;
