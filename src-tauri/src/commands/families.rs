//! Students and families, within the signed-in member's sites: search, the
//! fiche élève, the family's coordonnées, and opening a stored document.

use portee_api::{
    ApiError, ErrorCode,
    families::{
        DocumentView, EnrolmentView, FamilyView, GetStudentRequest, GuardianView,
        OpenDocumentRequest, OpenDocumentResponse, Period, SearchStudentsRequest, SiblingView,
        StudentHit, StudentIdentity, StudentRecordView, UpdateContactRequest,
    },
};
use portee_domain::{
    Site,
    auth::{Action, Scope},
    family::FamilyContact,
    labels,
    search::SearchQuery,
};
use portee_store::{Actor, Database, FamilyRow};
use tauri::State;

use crate::{
    AppState,
    error::{forbidden, store_error},
    workstation,
};

/// A sibling on a site the member does not cover: no name, no identifier.
const OTHER_SITE_SIBLING: &str = "Un frère ou une sœur suivi(e) sur un autre site";

fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn search_students(
    state: State<'_, AppState>,
    request: SearchStudentsRequest,
) -> Result<Vec<StudentHit>, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::ViewFamilies, None)
        .map_err(forbidden)?;
    let query = SearchQuery::parse(&request.query)
        .map_err(|e| ApiError::validation("query", e.message()))?;
    let hits = db
        .search_students_in(&query, 50, member.scope.visible_sites())
        .await
        .map_err(store_error)?;
    Ok(hits
        .into_iter()
        .map(|h| StudentHit {
            student_id: h.student_id,
            last_name: h.last_name,
            first_name: h.first_name,
            birth_date: date(h.birth_date),
            site_name: Site::name_of(h.site_id).to_owned(),
            family_number: h.family_number,
            dossier_status: labels::dossier_status(
                h.dossier_status.as_deref(),
                h.dossier_intent.as_deref(),
            )
            .to_owned(),
        })
        .collect())
}

/// Allows `action` on a family when the member covers one of its sites.
pub(crate) async fn authorize_family(
    db: &Database,
    scope: &Scope,
    action: Action,
    family_id: i64,
) -> Result<(), ApiError> {
    let sites = db.family_sites(family_id).await.map_err(store_error)?;
    match sites.iter().find(|s| scope.covers(**s)) {
        Some(site) => scope.authorize(action, Some(*site)),
        None => scope.authorize(action, sites.first().copied()),
    }
    .map_err(forbidden)
}

/// Allows `action` on a document, through the family it belongs to.
pub(crate) async fn authorize_document(
    db: &Database,
    scope: &Scope,
    action: Action,
    document_id: i64,
) -> Result<(), ApiError> {
    let family = db.document_family(document_id).await.map_err(store_error)?;
    authorize_family(db, scope, action, family).await
}

/// Allows `action` on a student's record; returns their site and family.
pub(crate) async fn authorize_student(
    db: &Database,
    scope: &Scope,
    action: Action,
    student_id: i64,
) -> Result<(i16, i64), ApiError> {
    let (site, family) = db.student_site(student_id).await.map_err(store_error)?;
    scope.authorize(action, Some(site)).map_err(forbidden)?;
    Ok((site, family))
}

fn family_view(f: FamilyRow) -> FamilyView {
    FamilyView {
        id: f.id,
        family_number: f.family_number,
        address_line: f.address_line,
        address_extra: f.address_extra,
        postcode: f.postcode,
        town: f.town,
        hosted: f.hosted,
        version: f.version,
    }
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(student_id = request.student_id), err)]
pub async fn get_student(
    state: State<'_, AppState>,
    request: GetStudentRequest,
) -> Result<StudentRecordView, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    // Read once; nothing of it is returned unless the member covers its site,
    // and siblings on other sites come without their names.
    let r = db
        .student_record_for(request.student_id, member.scope.visible_sites())
        .await
        .map_err(store_error)?;
    let site = r.student.site_id;
    member
        .scope
        .authorize(Action::ViewFamilies, Some(site))
        .map_err(forbidden)?;
    let current_year =
        portee_domain::SchoolYear::containing(chrono::Local::now().date_naive()).start();
    let scope = &member.scope;
    Ok(StudentRecordView {
        can_edit: scope.authorize(Action::EditFamilies, Some(site)).is_ok(),
        student: StudentIdentity {
            id: r.student.id,
            last_name: r.student.last_name,
            first_name: r.student.first_name,
            birth_date: date(r.student.birth_date),
            sex_label: labels::sex(&r.student.sex).to_owned(),
            school_level: r.student.school_level,
            school_name: r.student.school_name,
            nationality: r.student.nationality,
            cham: r.student.cham,
            site_name: Site::name_of(r.student.site_id).to_owned(),
        },
        family: family_view(r.family),
        guardians: r
            .guardians
            .into_iter()
            .map(|g| GuardianView {
                id: g.id,
                rank: g.rank,
                relationship_label: labels::relationship(&g.relationship).to_owned(),
                last_name: g.last_name,
                first_name: g.first_name,
                phone_mobile: g.phone_mobile,
                phone_home: g.phone_home,
                phone_work: g.phone_work,
                email: g.email,
            })
            .collect(),
        siblings: r
            .siblings
            .into_iter()
            .map(|s| match (s.first_name, s.last_name) {
                (Some(first), Some(last)) if scope.covers(s.site_id) => SiblingView {
                    student_id: Some(s.id),
                    name: format!("{first} {last}"),
                    site_name: Site::name_of(s.site_id).to_owned(),
                    visible: true,
                },
                _ => SiblingView {
                    student_id: None,
                    name: OTHER_SITE_SIBLING.to_owned(),
                    site_name: Site::name_of(s.site_id).to_owned(),
                    visible: false,
                },
            })
            .collect(),
        enrolments: r
            .enrolments
            .into_iter()
            .map(|e| EnrolmentView {
                period: match e.start_year.cmp(&current_year) {
                    std::cmp::Ordering::Less => Period::Past,
                    std::cmp::Ordering::Equal => Period::Current,
                    std::cmp::Ordering::Greater => Period::Next,
                },
                schedule: labels::schedule(
                    &e.seat_mode,
                    e.day_of_week,
                    e.starts_at.as_deref(),
                    e.ends_at.as_deref(),
                ),
                status_label: labels::enrolment_status(&e.status).to_owned(),
                outcome_label: e.outcome.as_deref().map(|o| labels::outcome(o).to_owned()),
                school_year: e.school_year,
                course_name: e.course_name,
                teacher: e.teacher,
            })
            .collect(),
        documents: r
            .documents
            .into_iter()
            .map(|d| DocumentView {
                id: d.id,
                doc_type_label: labels::doc_type(&d.doc_type).to_owned(),
                sensitive: labels::is_sensitive_document(&d.doc_type),
                status_label: labels::document_status(&d.status).to_owned(),
                can_open: d.file_name.is_some() && d.status != "missing",
                status: d.status,
                campaign_label: d.campaign_label,
                rejection_reason: d.rejection_reason,
                file_name: d.file_name,
                document_date: d.document_date.map(date),
                uploaded_by: d
                    .uploaded_by_kind
                    .as_deref()
                    .map(|k| portee_domain::journal::actor_kind_label(k).to_owned()),
                uploaded_on: d.uploaded_at.map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%d/%m/%Y")
                        .to_string()
                }),
            })
            .collect(),
    })
}

#[tauri::command]
#[tracing::instrument(skip(state, request), fields(family_id = request.family_id), err)]
pub async fn update_contact(
    state: State<'_, AppState>,
    request: UpdateContactRequest,
) -> Result<FamilyView, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    let contact = FamilyContact::parse(&request.contact)
        .map_err(|e| ApiError::validation(e.field, e.message))?;
    authorize_family(&db, &member.scope, Action::EditFamilies, request.family_id).await?;
    let actor = Actor::staff(member.staff_id, workstation());
    db.update_family_contact(request.family_id, request.version, &contact, &actor)
        .await
        .map(family_view)
        .map_err(|e| match e {
            portee_store::StoreError::Conflict => ApiError::new(
                ErrorCode::Conflict,
                "Ces coordonnées ont été modifiées entre-temps par quelqu'un d'autre. \
                 Vos saisies sont conservées : rechargez la fiche pour voir la nouvelle version, \
                 puis reportez vos changements.",
            ),
            other => store_error(other),
        })
}

/// Largest document handed to the system viewer (uploads are capped lower).
const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

#[tauri::command]
#[tracing::instrument(skip_all, fields(document_id = request.document_id), err)]
pub async fn open_document(
    state: State<'_, AppState>,
    request: OpenDocumentRequest,
) -> Result<OpenDocumentResponse, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_document(
        &db,
        &member.scope,
        Action::ViewFamilies,
        request.document_id,
    )
    .await?;
    let actor = Actor::staff(member.staff_id, workstation());
    let doc = db
        .open_document(request.document_id, &actor)
        .await
        .map_err(store_error)?;
    if doc.content.len() > MAX_DOCUMENT_BYTES || !doc.content.starts_with(b"%PDF-") {
        return Err(ApiError::new(
            ErrorCode::Validation,
            "Ce fichier n'est pas un PDF lisible : il n'a pas été ouvert.",
        ));
    }
    let path = match crate::viewer::write_copy(&state.config()?.cache_dir(), doc.id, &doc.content) {
        Ok(path) => path,
        Err(e) => {
            tracing::error!(error = %e, "document copy could not be written");
            return Err(ApiError::new(
                ErrorCode::Internal,
                "Le document n'a pas pu être copié sur ce poste (dossier de cache inaccessible).",
            ));
        }
    };
    let shown = path.display().to_string();
    Ok(match state.viewer().open(&path) {
        Ok(()) => OpenDocumentResponse {
            message: format!(
                "« {} » est ouvert dans le lecteur PDF du poste.",
                doc.file_name
            ),
            path: shown,
            opened: true,
        },
        Err(reason) => {
            tracing::warn!(%reason, "system viewer not started");
            OpenDocumentResponse {
                message: format!(
                    "Aucun lecteur PDF n'a pu être lancé sur ce poste. Le document est enregistré ici : {shown}"
                ),
                path: shown,
                opened: false,
            }
        }
    })
}

/// A family's right-of-access archive (its data, PDFs still held and
/// history) as one `.zip` in the exports folder, audited.
#[tauri::command]
#[tracing::instrument(skip_all, fields(family_id = request.family_id), err)]
pub async fn export_family_archive(
    state: State<'_, AppState>,
    request: portee_api::documents::FamilyArchiveRequest,
) -> Result<portee_api::documents::FamilyArchiveDone, ApiError> {
    use portee_services::archive::{ArchiveError, write_family_archive};
    let (member, db) = crate::session::require(&state).await?;
    authorize_family(&db, &member.scope, Action::EditFamilies, request.family_id).await?;
    let exports = super::exports::Exports::ready(&state, "family archive")?;
    let path = exports.file(&format!("acces-famille-{}", request.family_id), "zip");
    let actor = Actor::staff(member.staff_id, workstation());
    let visible = member.scope.visible_sites().map(<[i16]>::to_vec);
    let summary = write_family_archive(&db, request.family_id, visible, &path, &actor)
        .await
        .map_err(|e| match e {
            ArchiveError::Store(s) => store_error(s),
            ArchiveError::Write(w) => exports.unwritable(&w),
        })?;
    Ok(portee_api::documents::FamilyArchiveDone {
        path: path.display().to_string(),
        message: format!(
            "Archive enregistrée : {} ({} document(s) PDF, {} entrée(s) d'historique, {:.1} Mio).",
            path.display(),
            summary.documents,
            summary.entries,
            summary.bytes as f64 / 1_048_576.0
        ),
    })
}
