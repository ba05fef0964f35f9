//! The generated rows. Each struct maps 1:1 to a table of
//! `migrations/*/0002_network.sql`, with the same column names, except:
//!
//! - there is no `id`: a row's id is its index in its `Vec` of
//!   [`DemoNetwork`](crate::DemoNetwork);
//! - a reference `xxx_id` to another generated table is a field `xxx` holding
//!   that index (`family: usize` for `family_id`); `site_id` stays the real
//!   `sites.id` (1..=8, see [`SITES`](crate::SITES));
//! - `staff.password_hash` is `password` in clear (`"demo-" + login`): the
//!   caller hashes it; `staff_sites` rows are `Staff::sites`.
//!
//! Closed vocabularies (the values of a `CHECK (… IN (…))`) are
//! `&'static str`; free text is `String`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// `school_years`.
#[derive(Debug, Clone)]
pub struct SchoolYear {
    /// `2026-2027`.
    pub label: String,
    pub start_year: i32,
    /// 1 September of `start_year`.
    pub starts_on: NaiveDate,
    /// 4 July of `start_year + 1`.
    pub ends_on: NaiveDate,
}

/// `campaigns`.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub school_year: usize,
    pub label: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub documents_deadline: NaiveDate,
    /// `draft`, `open` or `closed`.
    pub status: &'static str,
    pub version: i32,
}

/// `families`.
#[derive(Debug, Clone)]
pub struct Family {
    /// `F-026417`, unique.
    pub family_number: String,
    pub address_line: String,
    pub address_extra: Option<String>,
    pub postcode: String,
    pub town: String,
    pub hosted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// `guardians`.
#[derive(Debug, Clone)]
pub struct Guardian {
    pub family: usize,
    /// 1 or 2, unique within the family.
    pub rank: i16,
    pub last_name: String,
    pub first_name: String,
    /// `mere`, `pere`, `tuteur` or `autre`.
    pub relationship: &'static str,
    /// `06 12 34 56 78`.
    pub phone_mobile: Option<String>,
    pub phone_home: Option<String>,
    pub phone_work: Option<String>,
    pub email: Option<String>,
    pub version: i32,
}

/// `students`.
#[derive(Debug, Clone)]
pub struct Student {
    pub family: usize,
    pub site_id: i16,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: NaiveDate,
    /// `F` or `M`.
    pub sex: &'static str,
    /// CP … Terminale, Supérieur, Adulte.
    pub school_level: Option<String>,
    pub school_name: Option<String>,
    pub nationality: Option<String>,
    pub cham: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// `disciplines`.
#[derive(Debug, Clone)]
pub struct Discipline {
    /// `fm`, `piano`, `danse-classique`…
    pub code: String,
    pub name: String,
    /// `formation_musicale`, `instrument`, `ensemble`, `danse`, `theatre`
    /// or `cham`.
    pub kind: &'static str,
}

/// `courses`: one per site, school year and (discipline, cycle or level).
#[derive(Debug, Clone)]
pub struct Course {
    pub discipline: usize,
    pub site_id: i16,
    pub school_year: usize,
    /// `Formation Musicale 1C2`, `Piano — 1er cycle`, `Chœur d'enfants`…
    pub name: String,
    pub cycle: Option<i16>,
    pub level: Option<String>,
    /// `slot` (the family picks a slot), `teacher` (time set with the
    /// teacher in September) or `level` (assigned by level).
    pub seat_mode: &'static str,
}

/// `slots`.
#[derive(Debug, Clone)]
pub struct Slot {
    pub course: usize,
    /// 1 = Monday … 6 = Saturday.
    pub day_of_week: i16,
    /// `HH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    /// `Mme Lambert`.
    pub teacher: String,
    pub room: String,
    pub capacity: i32,
    /// Always the number of active [`Enrolment`]s pointing at this slot.
    pub seats_taken: i32,
    pub version: i32,
}

/// `enrolments`.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub student: usize,
    pub course: usize,
    pub slot: Option<usize>,
    pub school_year: usize,
    /// `active` or `cancelled`.
    pub status: &'static str,
    /// `acquis` or `non_acquis` for earlier years, `en_cours` for the
    /// current and next years.
    pub outcome: Option<&'static str>,
    pub created_at: DateTime<Utc>,
}

/// `waiting_list`.
#[derive(Debug, Clone)]
pub struct WaitingListEntry {
    pub slot: usize,
    pub student: usize,
    /// 1..=n within the slot.
    pub rank: i32,
    pub created_at: DateTime<Utc>,
}

/// `staff` (plus its `staff_sites` rows in `sites`).
#[derive(Debug, Clone)]
pub struct Staff {
    pub login: String,
    pub display_name: String,
    /// `agent`, `responsable` or `admin`.
    pub role: &'static str,
    /// In clear, `"demo-" + login`: the caller stores its hash.
    pub password: String,
    pub active: bool,
    pub must_change_password: bool,
    pub failed_attempts: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub is_demo: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// `staff_sites`: the sites this account works on.
    pub sites: Vec<i16>,
}

/// `reinscriptions` (one dossier per student and campaign).
#[derive(Debug, Clone)]
pub struct Reinscription {
    pub student: usize,
    pub campaign: usize,
    pub client_id: Uuid,
    /// `reinscrire` or `ne_pas_reinscrire`; `None` while undecided (draft).
    pub intent: Option<&'static str>,
    pub no_reason: Option<String>,
    /// `draft`, `submitted`, `validated` or `cancelled`.
    pub status: &'static str,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
    pub additional_info: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// `family` or `staff`.
    pub validated_by_kind: Option<&'static str>,
    pub validated_by_staff: Option<usize>,
    /// `extranet`, `desk` or `phone`.
    pub validation_channel: Option<&'static str>,
    /// `AR-2027-000123`, validated dossiers only.
    pub acknowledgement_number: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `reinscription_courses`: the next-year courses chosen in a dossier.
#[derive(Debug, Clone)]
pub struct ReinscriptionCourse {
    pub reinscription: usize,
    /// A course of the campaign's (next) school year.
    pub course: usize,
    /// A slot of that course, for slot-mode courses (Formation Musicale).
    pub slot: Option<usize>,
}

/// `documents`.
#[derive(Debug, Clone)]
pub struct Document {
    pub family: usize,
    pub campaign: usize,
    /// `justificatif_domicile`, `attestation_hebergement`,
    /// `piece_identite_hebergeant`, `attestation_caf` or `avis_imposition`.
    pub doc_type: &'static str,
    /// `missing`, `received`, `accepted` or `rejected`.
    pub status: &'static str,
    pub rejection_reason: Option<String>,
    pub file_name: Option<String>,
    /// A small valid one-page PDF; `None` when missing.
    pub content: Option<Vec<u8>>,
    /// Lowercase hex SHA-256 of `content`.
    pub sha256: Option<String>,
    pub size_bytes: Option<i64>,
    pub page_count: Option<i32>,
    pub document_date: Option<NaiveDate>,
    /// `family` or `staff`.
    pub uploaded_by_kind: Option<&'static str>,
    pub uploaded_by_staff: Option<usize>,
    pub uploaded_at: Option<DateTime<Utc>>,
    pub reviewed_by_staff: Option<usize>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub version: i32,
}
