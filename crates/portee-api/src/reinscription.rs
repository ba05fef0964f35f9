//! The réinscription of a family, on its behalf (issue 10).

use serde::{Deserialize, Serialize};

use crate::Command;

/// Everything the réinscription screens of a family show.
pub struct GetFamilyReinscription;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetFamilyReinscriptionRequest {
    /// Any child of the family.
    pub student_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyReinscriptionView {
    pub family_id: i64,
    pub family_number: String,
    /// « Réinscriptions 2027-2028 ».
    pub campaign_label: String,
    /// The school year enrolled for (« 2027-2028 »).
    pub school_year_label: String,
    /// JJ/MM/AAAA.
    pub opens_on: String,
    pub closes_on: String,
    pub documents_deadline: String,
    /// Why the member may not validate now (outside the campaign for an
    /// agent), else none.
    pub refusal: Option<String>,
    /// The acknowledgement's recipient (first guardian's e-mail).
    pub recipient: Option<String>,
    /// Children on sites the member does not cover.
    pub hidden_children: usize,
    pub children: Vec<ChildView>,
    /// The documents this family owes (the document rule).
    pub documents: Vec<RequiredDocumentView>,
    /// The draft saved when a step was last left (on any workstation).
    pub draft: Option<SavedDraft>,
}

/// What the réinscription screens hold before « Valider »: saved each time
/// a step is left, read back on any workstation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FamilyDraft {
    /// The step's slug (`choix`, `identite`, …).
    pub step: String,
    /// `desk` or `phone`.
    pub channel: Option<String>,
    pub accepted: bool,
    pub additional_info: String,
    pub correction_reason: String,
    pub children: Vec<ChildDraftData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChildDraftData {
    pub student_id: i64,
    /// `None` until answered.
    pub reinscrire: Option<bool>,
    pub reason: Option<String>,
    pub reason_text: String,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
    pub courses: Vec<CourseDraftData>,
    /// The « Valider » request id (kept, so a retry from another
    /// workstation after a lost answer still writes nothing twice).
    pub request_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CourseDraftData {
    pub course_id: i64,
    pub keep: bool,
    pub slot_id: Option<i64>,
    pub level: Option<String>,
}

/// A draft as stored: who saved it, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedDraft {
    pub version: i32,
    /// « Claire Martin ».
    pub saved_by: String,
    /// « 02/12/2026 à 14:32 ».
    pub saved_at: String,
    pub draft: FamilyDraft,
}

/// Saves the draft of a family's réinscription (a step was left).
pub struct SaveReinscriptionDraft;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveReinscriptionDraftRequest {
    /// Any child of the family.
    pub student_id: i64,
    /// The version of the draft this one replaces (`None`: there was none).
    pub expected_version: Option<i32>,
    pub draft: FamilyDraft,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveReinscriptionDraftResponse {
    /// The draft's version now (when saved).
    pub version: Option<i32>,
    /// Another workstation saved first: its draft (nothing was written).
    /// `None` with no version: the réinscription was validated meanwhile.
    pub conflict: Option<SavedDraft>,
    /// The French sentence to show on a conflict.
    pub message: Option<String>,
}

impl Command for SaveReinscriptionDraft {
    const NAME: &'static str = "save_reinscription_draft";
    type Request = SaveReinscriptionDraftRequest;
    type Response = SaveReinscriptionDraftResponse;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildView {
    pub student_id: i64,
    /// « Prénom NOM ».
    pub name: String,
    pub birth_date: String,
    pub site_name: String,
    pub cham: bool,
    pub dossier: Option<DossierSummary>,
    /// This year's courses and what each becomes next year.
    pub courses: Vec<CourseChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierSummary {
    pub id: i64,
    pub version: i32,
    /// `draft`, `submitted`, `validated`, `cancelled`.
    pub status: String,
    /// « Pas de réponse », « Brouillon », « Validé », « Ne se réinscrit pas »…
    pub status_label: String,
    /// `reinscrire`, `ne_pas_reinscrire`.
    pub intent: Option<String>,
    pub no_reason: Option<String>,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
    pub additional_info: Option<String>,
    pub acknowledgement_number: Option<String>,
    pub acknowledgement_version: i32,
    /// « Guichet », « Téléphone », « Extranet ».
    pub channel_label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseChoice {
    /// This year's course: name, level, schedule.
    pub current: String,
    /// Next year's course, or none: « plus de cours disponible ».
    pub next: Option<NextCourse>,
    /// Why there is no course next year.
    pub no_course: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextCourse {
    pub course_id: i64,
    pub name: String,
    pub level: Option<String>,
    /// The level moves up (this year's outcome is « acquis »).
    pub moved_up: bool,
    /// `slot` (a slot to choose), `teacher`, `level`.
    pub seat_mode: String,
    /// For a course without slot choice: « Horaire défini avec le
    /// professeur en septembre », « Cours attribué selon le niveau ».
    pub note: Option<String>,
    /// The slots with seats left (and the one the child holds).
    pub slots: Vec<SlotChoice>,
    /// The open slots with no seat left, where the child may be put on
    /// the waiting list.
    #[serde(default)]
    pub full_slots: Vec<SlotChoice>,
    /// The slot the child holds for next year, if any.
    pub held_slot: Option<i64>,
    /// The course is held for next year already.
    pub held: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotChoice {
    pub slot_id: i64,
    /// « Mercredi 14:00–15:00 · Mme Roux · salle 3 ».
    pub label: String,
    pub seats_left: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredDocumentView {
    pub code: String,
    pub label: String,
    pub description: String,
    pub mandatory: bool,
    /// « Manquant », « À examiner », « Accepté », « Refusé ».
    pub status_label: String,
}

/// « Valider »: the family's decisions for each child, in one go.
pub struct ValidateFamily;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidateFamilyRequest {
    pub student_id: i64,
    /// `desk` (guichet) or `phone` (téléphone).
    pub channel: String,
    /// « J'accepte », ticked on the family's behalf.
    pub accepted: bool,
    pub additional_info: String,
    pub children: Vec<ChildDecision>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildDecision {
    pub student_id: i64,
    /// The dossier and the version read (none: no dossier yet).
    pub dossier: Option<(i64, i32)>,
    /// Generated once per click on « Valider » (a UUID): a retry sends it
    /// again and nothing is written twice.
    pub request_id: String,
    pub reinscrire: bool,
    /// A non-réinscription's reason code and text.
    pub reason_code: String,
    pub reason_text: String,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
    pub courses: Vec<ChosenCourseInput>,
    /// Required to correct a validated dossier.
    pub correction_reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenCourseInput {
    pub course_id: i64,
    pub slot_id: Option<i64>,
    pub level: Option<String>,
    pub level_changed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildOutcome {
    pub student_id: i64,
    pub name: String,
    pub reinscrit: bool,
    pub acknowledgement_number: Option<String>,
    pub acknowledgement_version: i32,
}

/// The accusé de réception of a child's validated dossier, made as a PDF
/// and opened in the workstation's PDF reader.
pub struct OpenAcknowledgement;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAcknowledgementRequest {
    pub student_id: i64,
}

impl Command for OpenAcknowledgement {
    const NAME: &'static str = "open_acknowledgement";
    type Request = OpenAcknowledgementRequest;
    type Response = crate::families::OpenDocumentResponse;
}

impl Command for GetFamilyReinscription {
    const NAME: &'static str = "get_family_reinscription";
    type Request = GetFamilyReinscriptionRequest;
    type Response = FamilyReinscriptionView;
}

impl Command for ValidateFamily {
    const NAME: &'static str = "validate_family";
    type Request = ValidateFamilyRequest;
    type Response = Vec<ChildOutcome>;
}

/// The steps' slugs a draft may name.
pub const DRAFT_STEPS: [&str; 8] = [
    "choix",
    "identite",
    "coordonnees",
    "autorisations",
    "documents",
    "cours",
    "recapitulatif",
    "finalisation",
];

/// The non-réinscription reasons' codes a draft may hold.
const DRAFT_REASONS: [&str; 5] = ["demenagement", "arret", "horaires", "tarif", "autre"];

impl FamilyDraft {
    /// Checks a draft before it is stored: a known step and channel, the
    /// family's own children (`children`) once each, known reason codes,
    /// texts and lists within bounds, request ids shaped as UUIDs. The
    /// French sentence says what is wrong.
    pub fn check(&self, children: &[i64]) -> Result<(), &'static str> {
        if !DRAFT_STEPS.contains(&self.step.as_str()) {
            return Err("Étape du brouillon inconnue.");
        }
        if self
            .channel
            .as_deref()
            .is_some_and(|c| c != "desk" && c != "phone")
        {
            return Err("Canal inconnu : guichet ou téléphone.");
        }
        if self.additional_info.chars().count() > 2000 {
            return Err("L'information complémentaire dépasse 2000 caractères.");
        }
        if self.correction_reason.chars().count() > 500 {
            return Err("Le motif de correction dépasse 500 caractères.");
        }
        let mut seen = Vec::new();
        for c in &self.children {
            if !children.contains(&c.student_id) {
                return Err("Le brouillon nomme un enfant qui n'est pas de cette famille.");
            }
            if seen.contains(&c.student_id) {
                return Err("Un même enfant figure deux fois dans le brouillon.");
            }
            seen.push(c.student_id);
            if c.reason
                .as_deref()
                .is_some_and(|r| !DRAFT_REASONS.contains(&r))
            {
                return Err("Motif de non-réinscription inconnu.");
            }
            if c.reason_text.chars().count() > 500 {
                return Err("La précision du motif dépasse 500 caractères.");
            }
            if !is_uuid(&c.request_id) {
                return Err("Identifiant de requête invalide.");
            }
            if c.courses.len() > 50 {
                return Err("Trop de cours dans le brouillon.");
            }
            if c.courses
                .iter()
                .any(|k| k.level.as_ref().is_some_and(|l| l.chars().count() > 40))
            {
                return Err("Niveau de cours invalide.");
            }
        }
        Ok(())
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> FamilyDraft {
        FamilyDraft {
            step: "cours".into(),
            channel: Some("desk".into()),
            children: vec![ChildDraftData {
                student_id: 7,
                reinscrire: Some(false),
                reason: Some("tarif".into()),
                request_id: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_well_formed_draft_of_the_familys_children_passes() {
        assert_eq!(draft().check(&[7, 8]), Ok(()));
    }

    #[test]
    fn every_malformed_part_is_refused_with_its_reason() {
        let mut d = draft();
        d.step = "paiement".into();
        assert_eq!(d.check(&[7]), Err("Étape du brouillon inconnue."));
        let mut d = draft();
        d.channel = Some("courrier".into());
        assert!(d.check(&[7]).is_err());
        let d = draft();
        assert_eq!(
            d.check(&[8]),
            Err("Le brouillon nomme un enfant qui n'est pas de cette famille.")
        );
        let mut d = draft();
        d.children.push(d.children[0].clone());
        assert!(d.check(&[7]).is_err());
        let mut d = draft();
        d.children[0].reason = Some("vacances".into());
        assert!(d.check(&[7]).is_err());
        let mut d = draft();
        d.children[0].request_id = "pas-un-uuid".into();
        assert!(d.check(&[7]).is_err());
        let mut d = draft();
        d.additional_info = "é".repeat(2001);
        assert!(d.check(&[7]).is_err());
        let mut d = draft();
        d.children[0].courses = vec![CourseDraftData::default(); 51];
        assert!(d.check(&[7]).is_err());
    }
}

/// Attaches a PDF to the family's documents: the workstation's file dialog
/// opens, the file is checked on the spot, and kept for review.
pub struct AttachDocument;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachDocumentRequest {
    /// Any child of the family.
    pub student_id: i64,
    /// The document's type code (`justificatif_domicile`, …).
    pub doc_type: String,
    /// JJ/MM/AAAA: the date the document bears (required for a document
    /// that must be less than 3 months old, else may be empty).
    pub document_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachDocumentResponse {
    /// False when the dialog was closed without a file.
    pub attached: bool,
    /// « « quittance.pdf » ajouté (2 pages) : à examiner. »
    pub message: String,
}

impl Command for AttachDocument {
    const NAME: &'static str = "attach_document";
    type Request = AttachDocumentRequest;
    type Response = AttachDocumentResponse;
}

/// Saves a child's accusé de réception where the user chooses (the
/// workstation's save dialog).
pub struct SaveAcknowledgement;

impl Command for SaveAcknowledgement {
    const NAME: &'static str = "save_acknowledgement";
    type Request = OpenAcknowledgementRequest;
    type Response = crate::families::OpenDocumentResponse;
}

/// The Réinscriptions menu: the campaign's dossiers of the member's sites.
pub struct ListReinscriptions;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListReinscriptionsRequest {
    /// `pas_de_reponse`, `brouillon`, `a_corriger`, `valide`,
    /// `ne_se_reinscrit_pas`; none: every state.
    pub status: Option<String>,
    pub site_id: Option<i16>,
    pub discipline_id: Option<i64>,
    /// Only families that still owe a document.
    pub missing_documents: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReinscriptionList {
    pub campaign_label: String,
    /// Each state with its label and count, in the list's order.
    pub counts: Vec<StatusCount>,
    /// Rows matching in all (at most 500 are sent).
    pub total: i64,
    pub rows: Vec<DossierLine>,
    /// The filters' choices: the member's sites, the disciplines.
    pub sites: Vec<(i16, String)>,
    pub disciplines: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    pub code: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierLine {
    pub student_id: i64,
    pub family_id: i64,
    /// « NOM Prénom ».
    pub name: String,
    pub site_name: String,
    pub family_number: String,
    pub status_code: String,
    pub status_label: String,
    pub acknowledgement_number: Option<String>,
    /// « Guichet », « Téléphone », « Extranet ».
    pub channel_label: Option<String>,
    /// JJ/MM/AAAA.
    pub updated_on: Option<String>,
    pub documents_owed: i64,
    /// « Tarif : … » for a child who does not re-enrol.
    pub no_reason: Option<String>,
    /// The family's first phone and e-mail.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Next year's courses held: « Formation Musicale 1C2 (Mercredi
    /// 14:00–15:00, M. Martin) ; Violon — 2e cycle ».
    pub next_courses: Option<String>,
}

impl Command for ListReinscriptions {
    const NAME: &'static str = "list_reinscriptions";
    type Request = ListReinscriptionsRequest;
    type Response = ReinscriptionList;
}

/// The Réinscriptions list, with the same filters, written as a CSV file in
/// the exports folder (every matching row, not only the first 500).
pub struct ExportReinscriptions;

/// The CSV file written: the same answer as the journal's export.
pub use crate::journal::ExportAuditLogResponse as ExportedList;

impl Command for ExportReinscriptions {
    const NAME: &'static str = "export_reinscriptions";
    type Request = ListReinscriptionsRequest;
    type Response = ExportedList;
}

/// The Accueil dashboard: the campaign's dates and progress on the
/// member's sites.
pub struct GetDashboard;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// « Meudon », « Meudon et Vanves », « tout le réseau ».
    pub sites_label: String,
    pub campaign_label: String,
    /// JJ/MM/AAAA.
    pub opens_on: String,
    pub closes_on: String,
    pub documents_deadline: String,
    /// « Campagne ouverte : 23 jours restants », « ouvre dans 5 jours »,
    /// « close depuis le … ».
    pub campaign_state: String,
    pub days_left: Option<i64>,
    /// Dossiers by state, in the Réinscriptions list's order and codes.
    pub counts: Vec<StatusCount>,
    pub total: i64,
    pub documents_to_review: i64,
    pub slots_total: i64,
    pub slots_full: i64,
    pub slots_nearly_full: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DashboardRequest {
    /// Read again by the open Accueil itself (not counted as activity).
    #[serde(default)]
    pub refresh: bool,
}

impl Command for GetDashboard {
    const NAME: &'static str = "get_dashboard";
    type Request = DashboardRequest;
    type Response = Dashboard;
}

/// A reminder e-mail queued in the outbox for each chosen family (from the
/// « Pas de réponse » list).
pub struct QueueReminders;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRemindersRequest {
    pub family_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindersQueued {
    pub queued: usize,
    /// « 3 relances placées dans la file d'envoi ; 1 famille sans adresse
    /// électronique (F-000123) ; 2 avaient déjà une relance en attente. »
    pub message: String,
}

impl Command for QueueReminders {
    const NAME: &'static str = "queue_reminders";
    type Request = QueueRemindersRequest;
    type Response = RemindersQueued;
}

/// The campaigns, for administrators.
pub struct ListCampaigns;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignView {
    pub id: i64,
    pub label: String,
    pub school_year_label: String,
    /// JJ/MM/AAAA, in the workstation's time zone.
    pub opens_on: String,
    pub closes_on: String,
    pub documents_deadline: String,
    /// `draft`, `open`, `closed`.
    pub status: String,
    pub status_label: String,
    pub version: i32,
    /// The days a family has to confirm a seat offered.
    pub seat_offer_days: i32,
    /// The days within which a new documents reminder asks confirmation.
    #[serde(default)]
    pub reminder_days: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignsView {
    pub campaigns: Vec<CampaignView>,
    /// The school years a campaign may be created for (id, 2028-2029).
    pub school_years: Vec<(i64, String)>,
    /// What the last change did (empty on a plain read).
    pub notice: String,
}

impl Command for ListCampaigns {
    const NAME: &'static str = "list_campaigns";
    type Request = ();
    type Response = CampaignsView;
}

/// A campaign created (`id` none: for `school_year_id`, in preparation) or
/// changed over the version read (its dates, name and state).
pub struct SaveCampaign;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveCampaignRequest {
    pub id: Option<i64>,
    pub school_year_id: Option<i64>,
    pub expected_version: i32,
    pub fields: portee_domain::campaign::CampaignInput,
    /// `draft`, `open`, `closed` (ignored at creation).
    pub status: String,
}

impl Command for SaveCampaign {
    const NAME: &'static str = "save_campaign";
    type Request = SaveCampaignRequest;
    type Response = CampaignsView;
}
