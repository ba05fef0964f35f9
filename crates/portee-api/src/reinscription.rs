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
