//! Portée's data layer.
//!
//! [`Database`] is either a PostgreSQL pool (the network's shared database)
//! or a SQLite pool (the embedded database of one workstation). Both use the
//! native sqlx drivers (not `Any`, see STACK.md), their own migration folder
//! (`migrations/postgres`, `migrations/sqlite`, kept in step) and, where the
//! SQL text is portable, the same queries. SQL lives only in this crate, and
//! driver errors become [`StoreError`]s here: a raw SQL message never
//! reaches a user.

mod archive;
mod audit;
mod campaign_list;
mod campaigns;
mod chase;
mod connect;
mod documents;
mod dossiers;
mod drafts;
mod error;
mod journal;
mod notify;
mod offer;
mod pool;
pub use pool::SQLITE_WRITE_ATTEMPTS;
mod records;
mod reinscription;
mod retention;
mod review;
mod rollover;
mod schema;
mod search;
mod seats;
mod seed;
mod staff;
mod stats;
mod waiting;

pub use archive::{
    ArchiveDocument, ArchiveDossier, ArchiveReminder, ArchiveStudent, FamilyArchive,
};
pub use audit::{Actor, ActorKind};
pub use campaign_list::{
    CampaignList, DashboardFigures, ListFilter, ListRow, ListStatus, MAX_REMINDERS, NextCourseRow,
    Reminders,
};
pub use campaigns::{CampaignAdminRow, CampaignValues};
pub use chase::{MAX_DOCUMENT_REMINDERS, MissingList, MissingRow, ReminderOutcome};
pub use connect::{Database, DatabaseKind, GUEST_ROLE, Location, describe_url};
pub use documents::{NewDocument, REPLACED_REASON, ReplacementFile};
pub use dossiers::{DossierChanges, DossierRow, NewDossier};
pub use drafts::{DraftRow, DraftSave, MAX_DRAFT_BYTES};
pub use error::StoreError;
pub use journal::{AuditFilter, AuditRow, OTHER_SITE_CHILD};
pub use notify::{OFFER_CHANNEL, OfferEvent, OfferListener};
pub use offer::{OfferRow, SchoolYearRow};
pub use records::{
    DocumentFile, DocumentRow, EnrolmentRow, FamilyRow, GuardianRow, SiblingRow, StudentRecord,
    StudentRow,
};
pub use reinscription::{
    CampaignRow, Channel, Child, ChildDossier, ChosenCourse, CurrentCourse, DeclineOutcome,
    FamilyReinscription, OfferedCourse, Validated, Validation,
};
pub use retention::{PURGE_BATCH, PurgeCandidate};
pub use review::{
    Queue, QueueFilter, QueueRow, REVIEW_CLAIM_MINUTES, ReviewConflict, ReviewDocument,
};
pub use rollover::Rollover;
pub use schema::{SchemaVersion, expected_schema_version};
pub use search::SearchHit;
pub use seats::{SeatOutcome, SeatRequest, SlotRow};
pub use staff::{DemoAccountRow, NewStaff, PasswordSecret, StaffChange, StaffRow};
pub use stats::{SiteCounts, Stats};
pub use waiting::{
    ClassMember, MAX_REASON_CHARS, OfferPassed, SeatGiven, SeatOffered, SlotLists, WaitingEntry,
};
