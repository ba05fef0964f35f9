//! « Documents »: the review queue of the member's sites, the review
//! screen (the document drawn in Rust, page by page), and the decision.

use portee_domain::review::DecisionInput;
use serde::{Deserialize, Serialize};

use crate::Command;

/// The queue.
pub struct ListDocuments;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListDocumentsRequest {
    /// `received` (the default: what awaits review), `accepted`,
    /// `rejected`, `missing`; `tous` for every status.
    pub status: Option<String>,
    pub site_id: Option<i16>,
    /// `documents.doc_type`.
    pub doc_type: Option<String>,
    /// None: the current campaign.
    pub campaign_id: Option<i64>,
    /// Uploaded from / to, `JJ/MM/AAAA`.
    pub uploaded_from: Option<String>,
    pub uploaded_to: Option<String>,
    /// Read again by the open page itself (not the member's action).
    #[serde(default)]
    pub refresh: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentQueue {
    /// (status code, French label, count) over the filter without its
    /// status.
    pub counts: Vec<(String, String, i64)>,
    pub rows: Vec<QueueLine>,
    /// Rows matching in all (the list shows the first [`QUEUE_LIMIT`]).
    pub total: i64,
    /// The selectors' choices.
    pub sites: Vec<(i16, String)>,
    pub campaigns: Vec<(i64, String)>,
    pub campaign_id: i64,
    pub doc_types: Vec<(String, String)>,
    /// The status shown (`received`, … or `tous`).
    pub status: String,
}

/// The most lines the queue shows at once.
pub const QUEUE_LIMIT: u32 = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueLine {
    pub id: i64,
    pub family_id: i64,
    /// « DURAND (F-000123) ».
    pub family: String,
    pub children: String,
    pub doc_type: String,
    pub doc_label: String,
    pub status: String,
    pub status_label: String,
    /// « 12/03/2027 14:05 ».
    pub uploaded_at: String,
    /// « la famille (extranet) » or the staff member's name.
    pub uploaded_by: String,
    /// « en cours d'examen par Marie Dupont » when someone else has it open.
    pub reviewing: Option<String>,
}

impl Command for ListDocuments {
    const NAME: &'static str = "list_documents";
    type Request = ListDocumentsRequest;
    type Response = DocumentQueue;
}

/// Opens a document for review (marks it « en cours d'examen » for the
/// others; audited).
pub struct OpenReview;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenReviewRequest {
    pub document_id: i64,
    /// Read ahead for the next document: not marked, not audited, no page
    /// drawn beyond the first.
    #[serde(default)]
    pub prefetch: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: i64,
    pub family_id: i64,
    pub family: String,
    pub children: String,
    pub campaign_label: String,
    /// `JJ/MM/AAAA`, and the days left (negative: passed).
    pub documents_deadline: String,
    pub days_left: i64,
    pub doc_type: String,
    pub doc_label: String,
    /// The 3-month rule applies: the date is asked for.
    pub must_be_recent: bool,
    pub asks_quotient: bool,
    pub asks_tax: bool,
    pub status: String,
    pub status_label: String,
    pub file_name: String,
    pub page_count: u32,
    /// `JJ/MM/AAAA`.
    pub uploaded_on: String,
    pub uploaded_at: String,
    pub uploaded_by: String,
    /// Someone else has it open: « en cours d'examen par … depuis 14:05 ».
    pub reviewing_by_other: Option<String>,
    /// The decision taken, for a document already decided: « Accepté par
    /// … le … », « Refusé par … le … : motif ».
    pub decided: Option<String>,
    /// What the reviewer entered or the document says (JJ/MM/AAAA).
    pub document_date: Option<String>,
    pub quotient_familial: Option<i32>,
    pub revenu_fiscal: Option<i64>,
    pub tax_parts: Option<f64>,
    /// The document has content to draw (not missing, not purged).
    pub has_content: bool,
    /// The document can be decided (awaiting review).
    pub can_decide: bool,
    /// The date read in the document's text layer (JJ/MM/AAAA), offered
    /// to the reviewer when no date is recorded yet.
    #[serde(default)]
    pub suggested_date: Option<String>,
    /// « Remplacé par le document n° … » for a document replaced.
    #[serde(default)]
    pub replaced: Option<String>,
    /// Staff may replace it (it is the family's current document).
    #[serde(default)]
    pub can_replace: bool,
    pub version: i32,
    /// The refusal reasons: (code, French label).
    pub reasons: Vec<(String, String)>,
}

impl Command for OpenReview {
    const NAME: &'static str = "open_review";
    type Request = OpenReviewRequest;
    type Response = ReviewView;
}

/// Gives a document back without a decision (the reviewer moved on).
pub struct ReleaseReview;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseReviewRequest {
    pub document_id: i64,
}

impl Command for ReleaseReview {
    const NAME: &'static str = "release_review";
    type Request = ReleaseReviewRequest;
    type Response = ();
}

/// One page of a document, drawn in Rust.
pub struct RenderPage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderPageRequest {
    pub document_id: i64,
    /// From 0.
    pub page: u32,
    /// The picture's width in pixels before turning (bounded by the
    /// backend).
    pub width: u32,
    /// Quarter turns clockwise.
    pub quarter_turns: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageImage {
    pub page: u32,
    pub page_count: u32,
    pub width: u32,
    pub height: u32,
    /// The page's size in points, before turning.
    pub page_width_pt: u32,
    pub page_height_pt: u32,
    /// `data:image/png;base64,…`
    pub data_url: String,
}

impl Command for RenderPage {
    const NAME: &'static str = "render_page";
    type Request = RenderPageRequest;
    type Response = PageImage;
}

/// The decision on a document.
pub struct DecideDocument;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecideDocumentRequest {
    pub document_id: i64,
    /// The version the screen read.
    pub version: i32,
    pub input: DecisionInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionDone {
    pub message: String,
    pub view: ReviewView,
}

impl Command for DecideDocument {
    const NAME: &'static str = "decide_document";
    type Request = DecideDocumentRequest;
    type Response = DecisionDone;
}

/// Retention (Administration › Conservation): what the rule removes now,
/// listed, or removed.
pub struct PurgeDocuments;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeDocumentsRequest {
    /// List only.
    pub dry_run: bool,
    /// Days after the acceptance of a tax notice or CAF attestation.
    pub tax_days: u32,
    /// Days after a campaign closed, for every reviewed document.
    pub campaign_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurgeOutcome {
    /// Documents listed (dry run) or removed.
    pub count: usize,
    pub message: String,
    /// The first documents concerned: « Avis d'imposition · F-000123 ·
    /// pièce fiscale ou CAF acceptée depuis plus de 30 jours ».
    pub lines: Vec<String>,
}

/// The most lines [`PurgeOutcome::lines`] holds.
pub const PURGE_LINES: usize = 100;

impl Command for PurgeDocuments {
    const NAME: &'static str = "purge_documents";
    type Request = PurgeDocumentsRequest;
    type Response = PurgeOutcome;
}

/// Replaces a document on the family's behalf with a file chosen in the
/// native dialog (checked by the PDF check).
pub struct ReplaceDocument;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplaceDocumentRequest {
    pub document_id: i64,
    /// The version the reviewer saw.
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplaceDone {
    pub message: String,
    /// The new document (awaiting review); None when the dialog was
    /// cancelled (nothing changed).
    pub new_document_id: Option<i64>,
}

impl Command for ReplaceDocument {
    const NAME: &'static str = "replace_document";
    type Request = ReplaceDocumentRequest;
    type Response = ReplaceDone;
}

/// « Pièces manquantes »: the families of a site that still owe documents.
pub struct ListMissingDocuments;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MissingDocumentsRequest {
    /// None: the member's first site.
    pub site_id: Option<i16>,
    /// None: the current campaign.
    pub campaign_id: Option<i64>,
}

/// One document a family owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwedItem {
    /// `DocumentKind::code`.
    pub doc_type: String,
    pub doc_label: String,
    /// `manquant`, `refuse` or `a_examiner`.
    pub state: String,
    /// « Avis d'imposition : refusé (Document périmé) ».
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingLine {
    pub family_id: i64,
    /// « DUPONT (F-00042) ».
    pub family: String,
    pub children: String,
    pub email: Option<String>,
    pub items: Vec<OwedItem>,
    pub reminders: u32,
    /// « 03/06/2026 14:12 ».
    pub last_reminder: Option<String>,
    /// Reminded less than the campaign's delay ago (a new reminder asks
    /// for confirmation).
    pub reminded_recently: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingDocumentsView {
    pub site_id: i16,
    pub campaign_id: i64,
    pub campaign_label: String,
    pub documents_deadline: String,
    pub days_left: i64,
    /// « 12 jours », « dernier jour », « dépassée de 3 jours ».
    pub days_left_label: String,
    pub reminder_days: i32,
    /// Families of the site re-enrolling a child.
    pub families_total: usize,
    pub rows: Vec<MissingLine>,
    pub sites: Vec<(i16, String)>,
    pub campaigns: Vec<(i64, String)>,
    pub doc_types: Vec<(String, String)>,
}

impl Command for ListMissingDocuments {
    const NAME: &'static str = "list_missing_documents";
    type Request = MissingDocumentsRequest;
    type Response = MissingDocumentsView;
}

/// Queues a reminder e-mail per family.
pub struct SendDocumentReminders;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRemindersRequest {
    pub site_id: i16,
    pub campaign_id: i64,
    pub family_ids: Vec<i64>,
    /// The staff member confirmed a second reminder within the delay.
    #[serde(default)]
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindersDone {
    /// What was done, in French; empty when confirmation is asked.
    pub message: String,
    pub sent: usize,
    /// Families without an e-mail address (to call or write to).
    pub without_email: Vec<String>,
    /// Not empty: nothing was sent; these families were reminded less
    /// than the delay ago (« DUPONT (F-00042), relancée le 03/06/2026 »):
    /// send again with `confirmed`.
    pub needs_confirmation: Vec<String>,
}

impl Command for SendDocumentReminders {
    const NAME: &'static str = "send_document_reminders";
    type Request = SendRemindersRequest;
    type Response = RemindersDone;
}

/// Writes the list (the lines shown, in their order) as CSV in the exports
/// folder (UTF-8 with BOM, `;`), audited, as the other lists.
pub struct ExportMissingDocuments;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportMissingRequest {
    pub site_id: i16,
    pub campaign_id: i64,
    /// The families shown, in the order shown; empty: the whole list.
    #[serde(default)]
    pub family_ids: Vec<i64>,
}

impl Command for ExportMissingDocuments {
    const NAME: &'static str = "export_missing_documents";
    type Request = ExportMissingRequest;
    /// The file written in the exports folder, and its rows.
    type Response = crate::journal::ExportAuditLogResponse;
}

/// A family's data as one archive, for a right-of-access request.
pub struct ExportFamilyArchive;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyArchiveRequest {
    pub family_id: i64,
}

/// The archive written in the exports folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyArchiveDone {
    pub path: String,
    pub message: String,
}

impl Command for ExportFamilyArchive {
    const NAME: &'static str = "export_family_archive";
    type Request = FamilyArchiveRequest;
    type Response = FamilyArchiveDone;
}
