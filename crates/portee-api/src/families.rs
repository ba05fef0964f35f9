//! Students and families.

use serde::{Deserialize, Serialize};

use crate::Command;

/// Searches students and families within the member's sites.
pub struct SearchStudents;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchStudentsRequest {
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentHit {
    pub student_id: i64,
    pub last_name: String,
    pub first_name: String,
    /// JJ/MM/AAAA
    pub birth_date: String,
    pub site_name: String,
    pub family_number: String,
    /// The dossier of the current campaign: « Pas de réponse », «
    /// Brouillon », « Validé », « Ne se réinscrit pas »…
    pub dossier_status: String,
}

impl Command for SearchStudents {
    const NAME: &'static str = "search_students";
    type Request = SearchStudentsRequest;
    type Response = Vec<StudentHit>;
}

/// The fiche élève: identity, family and coordonnées, courses, documents.
pub struct GetStudent;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetStudentRequest {
    pub student_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentIdentity {
    pub id: i64,
    pub last_name: String,
    pub first_name: String,
    /// JJ/MM/AAAA
    pub birth_date: String,
    /// « Fille », « Garçon ».
    pub sex_label: String,
    pub school_level: Option<String>,
    pub school_name: Option<String>,
    pub nationality: Option<String>,
    pub cham: bool,
    pub site_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyView {
    pub id: i64,
    pub family_number: String,
    pub address_line: String,
    pub address_extra: Option<String>,
    pub postcode: String,
    pub town: String,
    pub hosted: bool,
    /// The version read: send it back with a change.
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardianView {
    pub id: i64,
    pub rank: i16,
    pub last_name: String,
    pub first_name: String,
    /// « Mère », « Père », « Tuteur ou tutrice », « Autre ».
    pub relationship_label: String,
    pub phone_mobile: Option<String>,
    pub phone_home: Option<String>,
    pub phone_work: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiblingView {
    /// `None` when the sibling is on a site this member does not cover.
    pub student_id: Option<i64>,
    /// « Prénom Nom », or only « Un frère ou une sœur suivi(e) sur un autre
    /// site » when the sibling is on a site this member does not cover.
    pub name: String,
    pub site_name: String,
    /// False when the sibling is on a site this member does not cover.
    pub visible: bool,
}

/// Where a school year stands against today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    /// Earlier years (tab Historique des cours).
    Past,
    /// The school year under way.
    Current,
    /// Next year, from the réinscription.
    Next,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentView {
    pub school_year: String,
    pub period: Period,
    pub course_name: String,
    /// « Mercredi 14:00–15:00 », « Horaire fixé avec le professeur en
    /// septembre », « Affecté selon le niveau ».
    pub schedule: String,
    pub teacher: Option<String>,
    pub status_label: String,
    pub outcome_label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: i64,
    pub campaign_label: String,
    pub doc_type_label: String,
    /// `missing`, `received`, `accepted`, `rejected`.
    pub status: String,
    pub status_label: String,
    pub rejection_reason: Option<String>,
    pub file_name: Option<String>,
    /// JJ/MM/AAAA
    pub document_date: Option<String>,
    /// « Famille (extranet) », « Personnel ».
    pub uploaded_by: Option<String>,
    /// JJ/MM/AAAA
    pub uploaded_on: Option<String>,
    /// A file is stored and can be opened.
    pub can_open: bool,
    /// A tax or CAF document: each opening is recorded.
    pub sensitive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentRecordView {
    pub student: StudentIdentity,
    pub family: FamilyView,
    pub guardians: Vec<GuardianView>,
    pub siblings: Vec<SiblingView>,
    pub enrolments: Vec<EnrolmentView>,
    pub documents: Vec<DocumentView>,
    /// The member may change this family's coordonnées.
    pub can_edit: bool,
}

impl Command for GetStudent {
    const NAME: &'static str = "get_student";
    type Request = GetStudentRequest;
    type Response = StudentRecordView;
}

/// Replaces a family's coordonnées (address, guardians' phones and e-mails).
pub struct UpdateContact;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateContactRequest {
    pub family_id: i64,
    /// The version the member read; a newer one is a conflict.
    pub version: i32,
    pub contact: portee_domain::family::ContactInput,
}

impl Command for UpdateContact {
    const NAME: &'static str = "update_contact";
    type Request = UpdateContactRequest;
    type Response = FamilyView;
}

/// Opens a stored document in the workstation's PDF viewer. Every opening
/// is recorded in the audit log first.
pub struct OpenDocument;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenDocumentRequest {
    pub document_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenDocumentResponse {
    /// The copy written to this workstation's cache folder.
    pub path: String,
    /// The system viewer was started.
    pub opened: bool,
    /// What to tell the user.
    pub message: String,
}

impl Command for OpenDocument {
    const NAME: &'static str = "open_document";
    type Request = OpenDocumentRequest;
    type Response = OpenDocumentResponse;
}
