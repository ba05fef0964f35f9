//! « Documents »: the review queue, the review screen (pages drawn in Rust
//! by `portee-render`, off the async runtime's threads) and the decision
//! (`portee_domain::review::decide`, then the store's versioned write).

use std::sync::Arc;

use base64::Engine;
use chrono::{Local, NaiveDate, Utc};
use portee_api::{
    ApiError, ErrorCode,
    documents::{
        DecideDocumentRequest, DecisionDone, DocumentQueue, ListDocumentsRequest,
        OpenReviewRequest, PageImage, QUEUE_LIMIT, QueueLine, ReleaseReviewRequest,
        RenderPageRequest, ReviewView,
    },
};
use portee_domain::{
    FrenchDate, Site,
    auth::Action,
    labels,
    reinscription::DocumentKind,
    review::{RefusalReason, decide},
};
use portee_store::{Actor, QueueFilter, ReviewDocument};
use tauri::State;

use crate::{
    AppState,
    commands::families::authorize_document,
    error::{forbidden, store_error},
    workstation,
};

/// The statuses of the queue's filter, in its order.
const STATUSES: [&str; 4] = ["received", "accepted", "rejected", "missing"];

fn doc_label(code: &str) -> String {
    DocumentKind::from_code(code).map_or_else(|| code.to_owned(), |k| k.label().to_owned())
}

fn moment(t: chrono::DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%d/%m/%Y %H:%M").to_string()
}

fn family_text(name: Option<&str>, number: &str) -> String {
    match name {
        Some(name) => format!("{} ({number})", name.to_uppercase()),
        None => number.to_owned(),
    }
}

fn uploaded_by(kind: Option<&str>, staff: Option<&str>) -> String {
    match (kind, staff) {
        (Some("staff"), Some(name)) => format!("{name} (secrétariat)"),
        (Some("family"), _) => "la famille (extranet)".to_owned(),
        _ => "—".to_owned(),
    }
}

fn parse_day(raw: Option<&str>, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => FrenchDate::parse(text)
            .map(|d| Some(d.naive()))
            .map_err(|e| ApiError::validation(field, e.message())),
    }
}

/// The queue of the member's sites, oldest upload first.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_documents(
    state: State<'_, AppState>,
    request: ListDocumentsRequest,
) -> Result<DocumentQueue, ApiError> {
    let (member, db) = if request.refresh {
        crate::session::require_passive(&state).await?
    } else {
        crate::session::require(&state).await?
    };
    member
        .scope
        .authorize(Action::ViewFamilies, None)
        .map_err(forbidden)?;
    let visible = member.scope.visible_sites();
    if let Some(site) = request.site_id
        && (Site::from_id(site).is_none() || visible.is_some_and(|v| !v.contains(&site)))
    {
        return Err(ApiError::validation(
            "documents-site",
            "Ce site n'est pas parmi les vôtres.",
        ));
    }
    let status = match request.status.as_deref() {
        None | Some("") => "received",
        Some("tous") => "tous",
        Some(s) if STATUSES.contains(&s) => s,
        Some(_) => {
            return Err(ApiError::validation(
                "documents-statut",
                "Statut de document inconnu.",
            ));
        }
    };
    if let Some(t) = request.doc_type.as_deref()
        && !t.is_empty()
        && DocumentKind::from_code(t).is_none()
    {
        return Err(ApiError::validation(
            "documents-type",
            "Type de document inconnu.",
        ));
    }
    let from = parse_day(request.uploaded_from.as_deref(), "documents-du")?;
    let to = parse_day(request.uploaded_to.as_deref(), "documents-au")?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(ApiError::validation(
            "documents-au",
            "La fin de la période est avant son début.",
        ));
    }
    let campaigns = db.campaigns().await.map_err(store_error)?;
    let campaign_id = match request.campaign_id {
        Some(id) if campaigns.iter().any(|c| c.id == id) => id,
        Some(_) => {
            return Err(ApiError::validation(
                "documents-campagne",
                "Campagne inconnue.",
            ));
        }
        None => db.current_campaign_id().await.map_err(store_error)?,
    };
    let filter = QueueFilter {
        status: (status != "tous").then(|| status.to_owned()),
        site: request.site_id,
        doc_type: request.doc_type.clone().filter(|t| !t.is_empty()),
        campaign_id: Some(campaign_id),
        uploaded_from: from,
        uploaded_to: to,
    };
    let queue = db
        .document_queue(visible, &filter, QUEUE_LIMIT)
        .await
        .map_err(store_error)?;
    let counts = STATUSES
        .iter()
        .map(|s| {
            let n = queue.counts.iter().find(|c| c.0 == *s).map_or(0, |c| c.1);
            ((*s).to_owned(), labels::document_status(s).to_owned(), n)
        })
        .collect();
    let me = member.staff_id;
    let rows = queue
        .rows
        .into_iter()
        .map(|r| QueueLine {
            id: r.id,
            family_id: r.family_id,
            family: family_text(r.family_name.as_deref(), &r.family_number),
            children: r.children.unwrap_or_default(),
            doc_label: doc_label(&r.doc_type),
            doc_type: r.doc_type,
            status_label: labels::document_status(&r.status).to_owned(),
            status: r.status,
            uploaded_at: r.uploaded_at.map(moment).unwrap_or_else(|| "—".into()),
            uploaded_by: uploaded_by(r.uploaded_by_kind.as_deref(), r.uploaded_by.as_deref()),
            reviewing: match (r.reviewing_staff_id, r.reviewing_by) {
                (Some(id), Some(name)) if id != me => Some(format!("en cours d'examen par {name}")),
                _ => None,
            },
        })
        .collect();
    Ok(DocumentQueue {
        counts,
        rows,
        total: queue.total,
        sites: (1..=8i16)
            .filter(|id| visible.is_none_or(|v| v.contains(id)))
            .map(|id| (id, Site::name_of(id).to_owned()))
            .collect(),
        campaigns: campaigns.into_iter().map(|c| (c.id, c.label)).collect(),
        campaign_id,
        doc_types: DocumentKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), k.label().to_owned()))
            .collect(),
        status: status.to_owned(),
    })
}

/// The review screen's view of a stored document, for the member `me`.
fn review_view(d: ReviewDocument, me: i64) -> ReviewView {
    let kind = DocumentKind::from_code(&d.doc_type);
    let today = Local::now().date_naive();
    let decided = d.reviewed_at.map(|at| {
        let who = d.reviewed_by.clone().unwrap_or_else(|| "—".into());
        match d.status.as_str() {
            "accepted" => format!("Accepté par {who} le {}", moment(at)),
            "rejected" => format!(
                "Refusé par {who} le {} : {}{}",
                moment(at),
                d.rejection_reason.clone().unwrap_or_default(),
                d.rejection_note
                    .as_deref()
                    .map(|n| format!(" — « {n} »"))
                    .unwrap_or_default()
            ),
            _ => String::new(),
        }
    });
    let reviewing_by_other = match (d.reviewing_staff_id, &d.reviewing_by, d.reviewing_since) {
        (Some(id), Some(name), Some(since))
            if id != me
                && since
                    > Utc::now()
                        - chrono::Duration::minutes(portee_store::REVIEW_CLAIM_MINUTES) =>
        {
            Some(format!(
                "En cours d'examen par {name} depuis {}",
                since.with_timezone(&Local).format("%H:%M")
            ))
        }
        _ => None,
    };
    ReviewView {
        id: d.id,
        family_id: d.family_id,
        family: family_text(d.family_name.as_deref(), &d.family_number),
        children: d.children.unwrap_or_default(),
        campaign_label: d.campaign_label,
        documents_deadline: d.documents_deadline.format("%d/%m/%Y").to_string(),
        days_left: (d.documents_deadline - today).num_days(),
        doc_label: doc_label(&d.doc_type),
        must_be_recent: kind.is_some_and(DocumentKind::must_be_recent),
        asks_quotient: kind == Some(DocumentKind::CafCertificate),
        asks_tax: kind == Some(DocumentKind::TaxNotice),
        doc_type: d.doc_type,
        status_label: labels::document_status(&d.status).to_owned(),
        can_decide: d.status == "received" && d.has_content && d.replaced_by.is_none(),
        can_replace: d.replaced_by.is_none(),
        replaced: d.replaced_by.map(|n| {
            format!("Remplacé par le document n° {n} : ce fichier reste dans l'historique.")
        }),
        suggested_date: None,
        status: d.status,
        file_name: d.file_name.unwrap_or_default(),
        page_count: d
            .page_count
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(0),
        uploaded_on: d
            .uploaded_at
            .map(|t| t.with_timezone(&Local).format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        uploaded_at: d.uploaded_at.map(moment).unwrap_or_else(|| "—".into()),
        uploaded_by: uploaded_by(d.uploaded_by_kind.as_deref(), d.uploaded_by.as_deref()),
        reviewing_by_other,
        decided,
        document_date: d.document_date.map(|t| t.format("%d/%m/%Y").to_string()),
        quotient_familial: d.quotient_familial,
        revenu_fiscal: d.revenu_fiscal,
        tax_parts: d.tax_parts,
        has_content: d.has_content,
        version: d.version,
        reasons: RefusalReason::ALL
            .iter()
            .map(|r| (r.code().to_owned(), r.label().to_owned()))
            .collect(),
    }
}

/// Opens a document for review (marked and audited); with `prefetch`, only
/// reads it (the next of the queue, prepared while the current is read).
#[tauri::command]
#[tracing::instrument(skip_all, fields(document_id = request.document_id), err)]
pub async fn open_review(
    state: State<'_, AppState>,
    request: OpenReviewRequest,
) -> Result<ReviewView, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_document(
        &db,
        &member.scope,
        Action::ViewFamilies,
        request.document_id,
    )
    .await?;
    let doc = if request.prefetch {
        db.review_document(request.document_id).await
    } else {
        let actor = Actor::staff(member.staff_id, workstation());
        db.open_for_review(request.document_id, &actor).await
    }
    .map_err(store_error)?;
    let mut view = review_view(doc, member.staff_id);
    view.suggested_date = suggested_date(&state, &db, &view).await;
    Ok(view)
}

/// Gives back a document opened without a decision.
#[tauri::command]
#[tracing::instrument(skip_all, fields(document_id = request.document_id), err)]
pub async fn release_review(
    state: State<'_, AppState>,
    request: ReleaseReviewRequest,
) -> Result<(), ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_document(
        &db,
        &member.scope,
        Action::ViewFamilies,
        request.document_id,
    )
    .await?;
    let actor = Actor::staff(member.staff_id, workstation());
    db.release_review(request.document_id, &actor)
        .await
        .map_err(store_error)
}

/// One page, drawn off the runtime's threads; the checked document stays
/// in the state's cache for its other pages and zoom levels.
#[tauri::command]
#[tracing::instrument(skip_all, fields(document_id = request.document_id, page = request.page), err)]
pub async fn render_page(
    state: State<'_, AppState>,
    request: RenderPageRequest,
) -> Result<PageImage, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_document(
        &db,
        &member.scope,
        Action::ViewFamilies,
        request.document_id,
    )
    .await?;
    let document = checked_document(&state, &db, request.document_id).await?;
    let asked = portee_render::PageRequest {
        page: request.page as usize,
        width: request.width,
        quarter_turns: request.quarter_turns,
    };
    let started = std::time::Instant::now();
    let image = tokio::task::spawn_blocking(move || document.render(asked))
        .await
        .map_err(|_| render_failed())?
        .map_err(|e| ApiError::new(ErrorCode::Validation, e.to_string()))?;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "page drawn"
    );
    Ok(PageImage {
        page: request.page,
        page_count: u32::try_from(image.page_count).unwrap_or(u32::MAX),
        width: image.width,
        height: image.height,
        page_width_pt: image.page_width_pt,
        page_height_pt: image.page_height_pt,
        data_url: format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&image.png)
        ),
    })
}

/// The document checked and ready to draw: from the state's cache, or read
/// from the database and checked off the runtime's threads (then cached).
async fn checked_document(
    state: &AppState,
    db: &portee_store::Database,
    document_id: i64,
) -> Result<Arc<portee_render::Document>, ApiError> {
    if let Some(d) = state.rendered().get(document_id) {
        return Ok(d);
    }
    let bytes = db
        .document_content(document_id)
        .await
        .map_err(|e| match e {
            portee_store::StoreError::NotFound => ApiError::new(
                ErrorCode::NotFound,
                "Ce document n'a pas de fichier (manquant, ou retiré après son examen).",
            ),
            other => store_error(other),
        })?;
    let opened =
        tokio::task::spawn_blocking(move || portee_render::Document::open(Arc::new(bytes)))
            .await
            .map_err(|_| render_failed())?
            .map_err(|e| ApiError::new(ErrorCode::Validation, e.to_string()))?;
    let opened = Arc::new(opened);
    state.rendered().put(document_id, opened.clone());
    Ok(opened)
}

/// The date read in the text layer of a document whose type must be
/// recent and which has no date recorded yet; None otherwise (a scan, a
/// file that cannot be read: the reviewer types it).
async fn suggested_date(
    state: &AppState,
    db: &portee_store::Database,
    view: &ReviewView,
) -> Option<String> {
    if !view.must_be_recent || view.document_date.is_some() || !view.has_content {
        return None;
    }
    let uploaded_on = FrenchDate::parse(&view.uploaded_on).ok()?.naive();
    let document = checked_document(state, db, view.id).await.ok()?;
    let text = tokio::task::spawn_blocking(move || document.text(3, 20_000))
        .await
        .ok()?
        .ok()?;
    portee_domain::review::suggest_document_date(&text, uploaded_on)
        .map(|d| d.format("%d/%m/%Y").to_string())
}

fn render_failed() -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        "Le document n'a pas pu être affiché (erreur interne du lecteur intégré).",
    )
}

/// The decision: checked by the domain's rule, recorded once.
#[tauri::command]
#[tracing::instrument(skip_all, fields(document_id = request.document_id), err)]
pub async fn decide_document(
    state: State<'_, AppState>,
    request: DecideDocumentRequest,
) -> Result<DecisionDone, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_document(
        &db,
        &member.scope,
        Action::EditFamilies,
        request.document_id,
    )
    .await?;
    let current = db
        .review_document(request.document_id)
        .await
        .map_err(store_error)?;
    let kind = DocumentKind::from_code(&current.doc_type)
        .ok_or_else(|| ApiError::new(ErrorCode::Validation, "Type de document inconnu."))?;
    let uploaded_on = current.uploaded_at.map_or_else(
        || Local::now().date_naive(),
        |t| t.with_timezone(&Local).date_naive(),
    );
    let decision = decide(kind, uploaded_on, &request.input)
        .map_err(|e| ApiError::validation("decision", e.message()))?;
    let actor = Actor::staff(member.staff_id, workstation());
    let outcome = db
        .decide_document(request.document_id, request.version, &decision, &actor)
        .await
        .map_err(store_error)?;
    match outcome {
        Ok(doc) => {
            let message = match doc.status.as_str() {
                "accepted" => format!("{} accepté.", doc_label(&doc.doc_type)),
                _ => format!(
                    "{} refusé : {}.",
                    doc_label(&doc.doc_type),
                    doc.rejection_reason.clone().unwrap_or_default()
                ),
            };
            state.rendered().forget(request.document_id);
            Ok(DecisionDone {
                message,
                view: review_view(doc, member.staff_id),
            })
        }
        Err(conflict) => Err(ApiError::new(ErrorCode::Conflict, conflict.message)),
    }
}

/// Administration › Conservation: the retention rule applied now (an
/// administrator's act), or only listed.
#[tauri::command]
#[tracing::instrument(skip_all, fields(dry_run = request.dry_run), err)]
pub async fn purge_documents(
    state: State<'_, AppState>,
    request: portee_api::documents::PurgeDocumentsRequest,
) -> Result<portee_api::documents::PurgeOutcome, ApiError> {
    use portee_api::documents::{PURGE_LINES, PurgeOutcome};
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::ManageCampaigns, None)
        .map_err(forbidden)?;
    let rules =
        portee_domain::retention::RetentionRules::new(request.tax_days, request.campaign_days)
            .map_err(|e| ApiError::validation("conservation-delais", e.message()))?;
    let now = Utc::now();
    let candidates = db
        .purge_candidates(&rules, now)
        .await
        .map_err(store_error)?;
    let lines = candidates
        .iter()
        .take(PURGE_LINES)
        .map(|c| {
            format!(
                "{} · famille n° {} · {}",
                doc_label(&c.doc_type),
                c.family_id,
                c.reason
            )
        })
        .collect();
    let mib = candidates.iter().map(|c| c.size_bytes).sum::<i64>() as f64 / 1_048_576.0;
    if request.dry_run {
        return Ok(PurgeOutcome {
            count: candidates.len(),
            message: format!(
                "{} document(s) seraient retirés ({mib:.1} Mio) ; rien n'a été retiré.",
                candidates.len()
            ),
            lines,
        });
    }
    let actor = Actor::staff(member.staff_id, workstation());
    let purged = db
        .purge_documents(&candidates, now, &actor, |_| {})
        .await
        .map_err(store_error)?;
    for c in &candidates {
        state.rendered().forget(c.id);
    }
    Ok(PurgeOutcome {
        count: purged,
        message: format!(
            "{purged} document(s) retirés ({mib:.1} Mio) : leur contenu est effacé, leurs faits et le journal sont conservés."
        ),
        lines,
    })
}

/// Replaces a document on the family's behalf (a file received by e-mail
/// or at the desk) with one chosen in the native dialog and put through
/// the PDF check; the old one stays in the history.
#[tauri::command]
#[tracing::instrument(skip_all, fields(document_id = request.document_id), err)]
pub async fn replace_document<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    request: portee_api::documents::ReplaceDocumentRequest,
) -> Result<portee_api::documents::ReplaceDone, ApiError> {
    use portee_api::documents::ReplaceDone;
    let (member, db) = crate::session::require(&state).await?;
    authorize_document(
        &db,
        &member.scope,
        Action::EditFamilies,
        request.document_id,
    )
    .await?;
    // Changed since the reviewer saw it: said before any file is chosen.
    let current = db
        .review_document(request.document_id)
        .await
        .map_err(store_error)?;
    if current.version != request.version || current.replaced_by.is_some() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "Ce document a changé entre-temps (décidé ou remplacé) : rouvrez-le avant de le remplacer.",
        ));
    }
    let Some(path) = crate::dialogs::pick_pdf(&app).await else {
        return Ok(ReplaceDone {
            message: "Aucun fichier choisi : rien n'a changé.".to_owned(),
            new_document_id: None,
        });
    };
    let checked = portee_services::documents::read_and_check_async(
        path,
        portee_services::documents::Limits::default(),
    )
    .await
    .map_err(|e| ApiError::validation("document-fichier", e.to_string()))?;
    let actor = Actor::staff(member.staff_id, workstation());
    let outcome = db
        .replace_document(
            request.document_id,
            request.version,
            &portee_store::ReplacementFile {
                file_name: &checked.file_name,
                content: &checked.bytes,
                sha256: &checked.sha256,
                page_count: i32::try_from(checked.report.pages).unwrap_or(i32::MAX),
            },
            &actor,
        )
        .await
        .map_err(store_error)?;
    match outcome {
        Ok(new_id) => {
            state.rendered().forget(request.document_id);
            tracing::info!(new_document_id = new_id, "document replaced");
            Ok(ReplaceDone {
                message: format!(
                    "« {} » remplace ce document ({} page{}) : il est à examiner.",
                    checked.file_name,
                    checked.report.pages,
                    if checked.report.pages > 1 { "s" } else { "" }
                ),
                new_document_id: Some(new_id),
            })
        }
        Err(conflict) => Err(ApiError::new(ErrorCode::Conflict, conflict.message)),
    }
}
