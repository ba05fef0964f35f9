//! The réinscription of a family on its behalf: the screens' data (each
//! child's dossier, this year's courses and what they become next year
//! with the slots that still have seats, the documents owed) and
//! « Valider » (every child's decision; the re-enrolling children in one
//! transaction).

use std::collections::BTreeMap;

use chrono::Utc;
use portee_api::{
    ApiError, ErrorCode,
    reinscription::{
        ChildDecision, ChildOutcome, ChildView, CourseChoice, DossierSummary, FamilyDraft,
        FamilyReinscriptionView, GetFamilyReinscriptionRequest, NextCourse, RequiredDocumentView,
        SaveReinscriptionDraftRequest, SaveReinscriptionDraftResponse, SavedDraft, SlotChoice,
        ValidateFamilyRequest,
    },
};
use portee_domain::{
    Site,
    auth::Action,
    labels,
    reinscription::{
        CampaignWindow, Continuation, CourseFacts, DocumentFacts, Outcome, continuation,
        may_reinscribe, required_documents,
    },
};
use portee_store::{
    Actor, Channel, ChosenCourse, DraftRow, DraftSave, FamilyReinscription, NewDossier, StoreError,
    Validation,
};
use tauri::State;
use uuid::Uuid;

use crate::{
    AppState,
    commands::families::authorize_student,
    error::{forbidden, store_error},
    workstation,
};

fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn status_label(d: &portee_store::ChildDossier) -> &'static str {
    labels::dossier_status(Some(&d.status), d.intent.as_deref())
}

fn channel_label(code: &str) -> &'static str {
    match code {
        "desk" => "Guichet",
        "phone" => "Téléphone",
        "extranet" => "Extranet",
        _ => "?",
    }
}

/// The workstation's day of an instant (the secretariat's own time zone,
/// summer time included).
fn local_day(t: chrono::DateTime<Utc>) -> chrono::NaiveDate {
    t.with_timezone(&chrono::Local).date_naive()
}

/// The campaign's dates as the window rule sees them.
fn window(f: &FamilyReinscription) -> CampaignWindow {
    CampaignWindow {
        opens_on: local_day(f.campaign.opens_at),
        closes_on: local_day(f.campaign.closes_at),
        open: f.campaign.status == "open",
    }
}

fn view(f: &FamilyReinscription, refusal: Option<String>) -> FamilyReinscriptionView {
    let course_of: BTreeMap<i64, &portee_store::OfferedCourse> =
        f.courses.iter().map(|c| (c.id, c)).collect();
    let facts = |c: &portee_store::OfferedCourse| CourseFacts {
        id: c.id,
        discipline_id: c.discipline_id,
        by_level: c.discipline_kind == "formation_musicale",
        name: c.name.clone(),
        level: c.level.clone(),
        cycle: c.cycle.and_then(|c| u8::try_from(c).ok()),
    };
    let children = f
        .children
        .iter()
        .map(|child| {
            let next_year: Vec<CourseFacts> = f
                .courses
                .iter()
                .filter(|c| {
                    c.site_id == child.site_id && c.school_year_id == f.campaign.school_year_id
                })
                .map(facts)
                .collect();
            let courses = child
                .current
                .iter()
                .filter_map(|cur| {
                    let course = course_of.get(&cur.course_id)?;
                    let schedule = labels::schedule(
                        &course.seat_mode,
                        cur.day_of_week,
                        cur.starts_at.as_deref(),
                        cur.ends_at.as_deref(),
                    );
                    let current = match &course.level {
                        Some(l) if !course.name.contains(l.as_str()) => {
                            format!("{} ({l}) · {schedule}", course.name)
                        }
                        _ => format!("{} · {schedule}", course.name),
                    };
                    let outcome = cur.outcome.as_deref().and_then(Outcome::from_code);
                    let years = u8::try_from(cur.years_in_cycle).unwrap_or(u8::MAX);
                    let continued = continuation(&facts(course), outcome, years, &next_year);
                    Some(match continued {
                        Continuation::Course {
                            id,
                            level,
                            moved_up,
                        } => {
                            let next = course_of.get(&id)?;
                            let held = child.held.iter().find(|h| h.0 == id);
                            let held_slot = held.and_then(|h| h.1);
                            let choice = |s: &portee_store::SlotRow| SlotChoice {
                                slot_id: s.id,
                                label: format!(
                                    "{} {}–{} · {} · {}",
                                    labels::day(s.day_of_week),
                                    s.starts_at,
                                    s.ends_at,
                                    s.teacher,
                                    s.room
                                ),
                                seats_left: s.capacity - s.seats_taken,
                            };
                            let slots = f
                                .slots
                                .iter()
                                .filter(|s| {
                                    s.course_id == id
                                        && ((s.open && s.seats_taken < s.capacity)
                                            || Some(s.id) == held_slot)
                                })
                                .map(choice)
                                .collect();
                            // Open slots with no seat left: the child may
                            // wait for one.
                            let full_slots = f
                                .slots
                                .iter()
                                .filter(|s| {
                                    s.course_id == id
                                        && s.open
                                        && s.seats_taken >= s.capacity
                                        && Some(s.id) != held_slot
                                })
                                .map(choice)
                                .collect();
                            CourseChoice {
                                current,
                                next: Some(NextCourse {
                                    course_id: id,
                                    name: next.name.clone(),
                                    level,
                                    moved_up,
                                    seat_mode: next.seat_mode.clone(),
                                    note: match next.seat_mode.as_str() {
                                        "teacher" => Some(
                                            "Horaire défini avec le professeur en septembre".into(),
                                        ),
                                        "level" => Some("Cours attribué selon le niveau".into()),
                                        _ => None,
                                    },
                                    slots,
                                    full_slots,
                                    held_slot,
                                    held: held.is_some(),
                                }),
                                no_course: None,
                            }
                        }
                        Continuation::NoCourse { reason } => CourseChoice {
                            current,
                            next: None,
                            no_course: Some(format!("Plus de cours disponible : {reason}.")),
                        },
                    })
                })
                .collect();
            ChildView {
                student_id: child.student_id,
                name: format!("{} {}", child.first_name, child.last_name.to_uppercase()),
                birth_date: date(child.birth_date),
                site_name: Site::name_of(child.site_id).to_owned(),
                cham: child.cham,
                dossier: child.dossier.as_ref().map(|d| DossierSummary {
                    id: d.id,
                    version: d.version,
                    status: d.status.clone(),
                    status_label: status_label(d).to_owned(),
                    intent: d.intent.clone(),
                    no_reason: d.no_reason.clone(),
                    image_rights: d.image_rights,
                    may_leave_alone: d.may_leave_alone,
                    additional_info: d.additional_info.clone(),
                    acknowledgement_number: d.acknowledgement_number.clone(),
                    acknowledgement_version: d.acknowledgement_version,
                    channel_label: d
                        .validation_channel
                        .as_deref()
                        .map(|c| channel_label(c).to_owned()),
                }),
                courses,
            }
        })
        .collect();
    let documents = required_documents(&DocumentFacts {
        hosted: f.hosted,
        children_birth_dates: f.children.iter().map(|c| c.birth_date).collect(),
        campaign_opens_on: local_day(f.campaign.opens_at),
    })
    .into_iter()
    .map(|r| {
        let status = f
            .documents
            .iter()
            .find(|d| d.0 == r.kind.code())
            .map(|d| d.1.as_str());
        RequiredDocumentView {
            code: r.kind.code().to_owned(),
            label: r.kind.label().to_owned(),
            description: r.description,
            mandatory: r.mandatory,
            status_label: labels::document_status(status.unwrap_or("missing")).to_owned(),
        }
    })
    .collect();
    let w = window(f);
    FamilyReinscriptionView {
        family_id: f.family_id,
        family_number: f.family_number.clone(),
        campaign_label: f.campaign.label.clone(),
        school_year_label: f.campaign.school_year_label.clone(),
        opens_on: date(w.opens_on),
        closes_on: date(w.closes_on),
        documents_deadline: date(f.campaign.documents_deadline),
        refusal,
        recipient: f.recipient.clone(),
        hidden_children: f.hidden_children,
        children,
        documents,
        draft: f.draft.as_ref().and_then(saved_draft),
    }
}

/// A stored draft as the screens take it back (a payload that no longer
/// reads — an older build's — is dropped: the screens start afresh).
fn saved_draft(row: &DraftRow) -> Option<SavedDraft> {
    let draft: FamilyDraft = serde_json::from_str(&row.payload).ok()?;
    let at = row.updated_at.with_timezone(&chrono::Local);
    Some(SavedDraft {
        version: row.version,
        saved_by: row.saved_by.clone().unwrap_or_else(|| "?".into()),
        saved_at: format!("{} à {}", at.format("%d/%m/%Y"), at.format("%H:%M")),
        draft,
    })
}

/// Saves the réinscription screens' state when a step is left. Another
/// workstation that saved first wins: nothing is written and its draft comes
/// back with who saved it and when, so the screen can offer to keep either.
#[tauri::command]
#[tracing::instrument(skip_all, fields(student_id = request.student_id), err)]
pub async fn save_reinscription_draft(
    state: State<'_, AppState>,
    request: SaveReinscriptionDraftRequest,
) -> Result<SaveReinscriptionDraftResponse, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    let (_, family_id) =
        authorize_student(&db, &member.scope, Action::EditFamilies, request.student_id).await?;
    let children: Vec<i64> = db
        .family_students(family_id)
        .await
        .map_err(store_error)?
        .into_iter()
        .filter(|(_, site)| {
            member
                .scope
                .visible_sites()
                .is_none_or(|s| s.contains(site))
        })
        .map(|(id, _)| id)
        .collect();
    request
        .draft
        .check(&children)
        .map_err(|m| validation_error("brouillon", m))?;
    let payload = serde_json::to_string(&request.draft)
        .map_err(|_| validation_error("brouillon", "Brouillon illisible."))?;
    let campaign = db.current_campaign_id().await.map_err(store_error)?;
    let actor = Actor::staff(member.staff_id, workstation());
    let saved = db
        .save_family_draft(
            family_id,
            campaign,
            request.expected_version,
            &request.draft.step,
            &payload,
            &actor,
        )
        .await
        .map_err(store_error)?;
    Ok(match saved {
        DraftSave::Saved(version) => SaveReinscriptionDraftResponse {
            version: Some(version),
            conflict: None,
            message: None,
        },
        DraftSave::Conflict(Some(row)) => {
            let other = saved_draft(&row);
            let message = other.as_ref().map_or_else(
                || "Un autre poste a enregistré cette réinscription entre-temps.".to_owned(),
                |o| {
                    format!(
                        "{} a enregistré cette réinscription le {} sur un autre poste, après votre \
                         ouverture. Vos saisies sont gardées à l'écran : gardez-les ou reprenez \
                         celles de l'autre poste.",
                        o.saved_by, o.saved_at
                    )
                },
            );
            SaveReinscriptionDraftResponse {
                version: Some(row.version),
                conflict: other,
                message: Some(message),
            }
        }
        DraftSave::Conflict(None) => SaveReinscriptionDraftResponse {
            version: None,
            conflict: None,
            message: Some(
                "Cette réinscription a été validée entre-temps sur un autre poste : rechargez-la \
                 pour voir ce qui a été enregistré."
                    .to_owned(),
            ),
        },
    })
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(student_id = request.student_id), err)]
pub async fn get_family_reinscription(
    state: State<'_, AppState>,
    request: GetFamilyReinscriptionRequest,
) -> Result<FamilyReinscriptionView, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_student(&db, &member.scope, Action::ViewFamilies, request.student_id).await?;
    let f = db
        .family_reinscription(request.student_id, member.scope.visible_sites())
        .await
        .map_err(store_error)?;
    let today = chrono::Local::now().date_naive();
    let refusal = may_reinscribe(member.scope.role, window(&f), today)
        .err()
        .map(|e| e.message().to_owned());
    Ok(view(&f, refusal))
}

fn validation_error(field: impl Into<String>, message: impl Into<String>) -> ApiError {
    ApiError::validation(field, message)
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(student_id = request.student_id), err)]
pub async fn validate_family(
    state: State<'_, AppState>,
    request: ValidateFamilyRequest,
) -> Result<Vec<ChildOutcome>, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_student(&db, &member.scope, Action::EditFamilies, request.student_id).await?;
    let channel = match request.channel.as_str() {
        "desk" => Channel::Desk,
        "phone" => Channel::Phone,
        _ => {
            return Err(validation_error(
                "channel",
                "Indiquez si la famille est au guichet ou au téléphone.",
            ));
        }
    };
    if !request.accepted {
        return Err(validation_error(
            "accepte",
            "Cochez « J'accepte » au nom de la famille pour valider.",
        ));
    }
    if request.children.is_empty() {
        return Err(validation_error("children", "Aucun enfant à valider."));
    }
    let info = request.additional_info.trim();
    if info.chars().count() > 2000 {
        return Err(validation_error(
            "information",
            "L'information complémentaire dépasse 2000 caractères.",
        ));
    }
    let f = db
        .family_reinscription(request.student_id, member.scope.visible_sites())
        .await
        .map_err(store_error)?;
    let today = chrono::Local::now().date_naive();
    may_reinscribe(member.scope.role, window(&f), today).map_err(forbidden)?;
    let actor = Actor::staff(member.staff_id, workstation());
    let mut validations = Vec::new();
    let mut validated_students = Vec::new();
    let mut declines: Vec<(&ChildDecision, i64, i32)> = Vec::new();
    for decision in &request.children {
        let child = f
            .children
            .iter()
            .find(|c| c.student_id == decision.student_id)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    "Cet enfant n'est pas de cette famille.",
                )
            })?;
        authorize_student(&db, &member.scope, Action::EditFamilies, child.student_id).await?;
        let request_id = Uuid::parse_str(&decision.request_id)
            .map_err(|_| validation_error("request_id", "Identifiant de requête invalide."))?;
        // No dossier yet (« pas de réponse »): a draft first, once.
        let (dossier_id, version) = match decision.dossier {
            Some(d) => d,
            None => {
                let row = db
                    .create_dossier(
                        &NewDossier {
                            client_id: request_id,
                            student_id: child.student_id,
                            campaign_id: f.campaign.id,
                            intent: None,
                            no_reason: None,
                            courses: Vec::new(),
                        },
                        &actor,
                    )
                    .await
                    .map_err(store_error)?;
                (row.id, row.version)
            }
        };
        if !decision.reinscrire {
            // Checked before anything is written.
            portee_domain::reinscription::parse_no_reason(
                &decision.reason_code,
                &decision.reason_text,
            )
            .map_err(|e| {
                validation_error(format!("enfant-{}-motif", child.student_id), e.message())
            })?;
            declines.push((decision, dossier_id, version));
            continue;
        }
        validated_students.push(child.student_id);
        let field = format!("enfant-{}", child.student_id);
        let (Some(image_rights), Some(may_leave_alone)) =
            (decision.image_rights, decision.may_leave_alone)
        else {
            return Err(validation_error(
                format!("{field}-autorisations"),
                format!(
                    "Répondez aux deux autorisations de {} {}.",
                    child.first_name, child.last_name
                ),
            ));
        };
        validations.push(Validation {
            dossier_id,
            expected_version: version,
            request_id,
            channel,
            courses: decision
                .courses
                .iter()
                .map(|c| ChosenCourse {
                    course_id: c.course_id,
                    slot_id: c.slot_id,
                    level: c.level.clone(),
                    level_changed: c.level_changed,
                })
                .collect(),
            image_rights,
            may_leave_alone,
            additional_info: (!info.is_empty()).then(|| info.to_owned()),
            correction_reason: Some(decision.correction_reason.clone())
                .filter(|r| !r.trim().is_empty()),
            recipient: f.recipient.clone(),
        });
    }
    let done = db.validate_reinscriptions(&validations, &actor).await.map_err(|e| match e {
        StoreError::SlotFull { slot_id } => {
            let what = f
                .slots
                .iter()
                .find(|s| s.id == slot_id)
                .map(|s| {
                    let course = f.courses.iter().find(|c| c.id == s.course_id).map_or("?", |c| c.name.as_str());
                    format!("« {course} », {} {}–{}", labels::day(s.day_of_week), s.starts_at, s.ends_at)
                })
                .unwrap_or_else(|| "choisi".to_owned());
            let mut err = ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "Le créneau {what} vient d'être complété depuis un autre poste : rien n'a été enregistré. \
                     Choisissez un autre créneau (la liste est à jour)."
                ),
            );
            err.field = Some(format!("creneau-{slot_id}"));
            err
        }
        other => store_error(other),
    })?;
    let name_of = |student_id: i64| {
        f.children
            .iter()
            .find(|c| c.student_id == student_id)
            .map(|c| format!("{} {}", c.first_name, c.last_name.to_uppercase()))
            .unwrap_or_default()
    };
    let mut outcomes: Vec<ChildOutcome> = validated_students
        .iter()
        .zip(&done)
        .map(|(&student_id, result)| ChildOutcome {
            student_id,
            name: name_of(student_id),
            reinscrit: true,
            acknowledgement_number: Some(result.acknowledgement_number.clone()),
            acknowledgement_version: result.acknowledgement_version,
        })
        .collect();
    for (decision, dossier_id, version) in declines {
        db.decline_reinscription(
            dossier_id,
            version,
            &decision.reason_code,
            Some(decision.reason_text.as_str()),
            &actor,
        )
        .await
        .map_err(|e| match e {
            StoreError::Invalid { message } => {
                validation_error(format!("enfant-{}-motif", decision.student_id), message)
            }
            other => store_error(other),
        })?;
        outcomes.push(ChildOutcome {
            student_id: decision.student_id,
            name: name_of(decision.student_id),
            reinscrit: false,
            acknowledgement_number: None,
            acknowledgement_version: 0,
        });
    }
    Ok(outcomes)
}

/// The accusé de réception of a child's validated dossier: its number and
/// the PDF made by portee-print.
async fn make_acknowledgement(
    state: &AppState,
    request: &portee_api::reinscription::OpenAcknowledgementRequest,
) -> Result<(String, Vec<u8>), ApiError> {
    let (member, db) = crate::session::require(state).await?;
    authorize_student(&db, &member.scope, Action::ViewFamilies, request.student_id).await?;
    let f = db
        .family_reinscription(request.student_id, member.scope.visible_sites())
        .await
        .map_err(store_error)?;
    let record = db
        .student_record_for(request.student_id, member.scope.visible_sites())
        .await
        .map_err(store_error)?;
    let not_yet = || {
        ApiError::new(
            ErrorCode::NotFound,
            "Ce dossier n'est pas encore validé : pas d'accusé de réception.",
        )
    };
    let child = f
        .children
        .iter()
        .find(|c| c.student_id == request.student_id)
        .ok_or_else(not_yet)?;
    let dossier = child
        .dossier
        .as_ref()
        .filter(|d| d.status == "validated")
        .ok_or_else(not_yet)?;
    let number = dossier.acknowledgement_number.clone().ok_or_else(not_yet)?;
    let reinscrit = dossier.intent.as_deref() == Some("reinscrire");
    let slot_label = |id: i64| {
        f.slots.iter().find(|x| x.id == id).map_or_else(
            || format!("créneau n° {id}"),
            |s| {
                format!(
                    "{} {}–{} · {}",
                    labels::day(s.day_of_week),
                    s.starts_at,
                    s.ends_at,
                    s.teacher
                )
            },
        )
    };
    let course_name = |id: i64| {
        f.courses
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("cours n° {id}"), |c| c.name.clone())
    };
    let courses = child
        .held
        .iter()
        .filter_map(|(course_id, slot_id)| {
            let course = f.courses.iter().find(|c| c.id == *course_id)?;
            let when = match slot_id {
                Some(s) => slot_label(*s),
                None => match course.seat_mode.as_str() {
                    "teacher" => "horaire défini avec le professeur en septembre".to_owned(),
                    "level" => "cours attribué selon le niveau".to_owned(),
                    _ => "créneau à choisir".to_owned(),
                },
            };
            Some((course.name.clone(), when))
        })
        .collect();
    // A corrected dossier's accusé says what the correction changed, as
    // the correction's audit entry recorded it.
    let changes = if dossier.acknowledgement_version > 1 {
        match db
            .dossier_correction(dossier.id, dossier.acknowledgement_version)
            .await
            .map_err(store_error)?
        {
            Some((before, after)) => {
                let parse = |raw: &str| {
                    serde_json::from_str::<portee_domain::reinscription::DossierSnapshot>(raw)
                        .unwrap_or_default()
                };
                portee_domain::reinscription::correction_changes(
                    &parse(&before),
                    &parse(&after),
                    course_name,
                    slot_label,
                )
            }
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let view = view(&f, None);
    let when = dossier
        .validated_at
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%d/%m/%Y à %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let ack = portee_print::Acknowledgement {
        letterhead: portee_print::Letterhead {
            network: "Réseau des conservatoires".to_owned(),
            site: Site::name_of(child.site_id).to_owned(),
        },
        number: number.clone(),
        version: dossier.acknowledgement_version,
        date: when,
        channel: dossier
            .validation_channel
            .as_deref()
            .map_or_else(String::new, |c| channel_label(c).to_lowercase()),
        school_year: f.campaign.school_year_label.clone(),
        family_number: f.family_number.clone(),
        guardians: record
            .guardians
            .iter()
            .map(|g| {
                format!(
                    "{} {} ({})",
                    g.first_name,
                    g.last_name,
                    labels::relationship(&g.relationship)
                )
            })
            .collect(),
        children: vec![portee_print::AckChild {
            name: format!("{} {}", child.first_name, child.last_name.to_uppercase()),
            reinscrit,
            reason: dossier.no_reason.clone(),
            courses,
            image_rights: dossier.image_rights,
            may_leave_alone: dossier.may_leave_alone,
        }],
        documents: view
            .documents
            .iter()
            .map(|d| (d.label.clone(), d.status_label.clone()))
            .collect(),
        documents_deadline: view.documents_deadline.clone(),
        additional_info: dossier.additional_info.clone(),
        changes,
    };
    let bytes = portee_print::acknowledgement_pdf(&ack).map_err(|e| {
        tracing::error!(error = %e, "acknowledgement not made");
        ApiError::internal()
    })?;
    Ok((number, bytes))
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(student_id = request.student_id), err)]
pub async fn open_acknowledgement(
    state: State<'_, AppState>,
    request: portee_api::reinscription::OpenAcknowledgementRequest,
) -> Result<portee_api::families::OpenDocumentResponse, ApiError> {
    let (number, bytes) = make_acknowledgement(&state, &request).await?;
    let path = crate::viewer::write_made(&state.config()?.cache_dir(), &format!("{number}.pdf"), &bytes)
        .map_err(|e| {
            tracing::error!(error = %e, "acknowledgement copy could not be written");
            ApiError::new(ErrorCode::Internal, "L'accusé de réception n'a pas pu être écrit sur ce poste (dossier de cache inaccessible).")
        })?;
    let shown = path.display().to_string();
    Ok(match state.viewer().open(&path) {
        Ok(()) => portee_api::families::OpenDocumentResponse {
            message: format!(
                "L'accusé de réception {number} est ouvert dans le lecteur PDF du poste."
            ),
            path: shown,
            opened: true,
        },
        Err(reason) => {
            tracing::warn!(%reason, "system viewer not started");
            portee_api::families::OpenDocumentResponse {
                message: format!(
                    "Aucun lecteur PDF n'a pu être lancé. L'accusé de réception est enregistré ici : {shown}"
                ),
                path: shown,
                opened: false,
            }
        }
    })
}

/// Saves a child's accusé de réception where the user chooses, through the
/// workstation's save dialog (`AR-2027-000123.pdf` proposed).
#[tauri::command]
#[tracing::instrument(skip_all, fields(student_id = request.student_id), err)]
pub async fn save_acknowledgement<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    request: portee_api::reinscription::OpenAcknowledgementRequest,
) -> Result<portee_api::families::OpenDocumentResponse, ApiError> {
    let (number, bytes) = make_acknowledgement(&state, &request).await?;
    let name = format!("{number}.pdf");
    let Some(path) = crate::dialogs::save_pdf(&app, &name).await else {
        return Ok(portee_api::families::OpenDocumentResponse {
            path: String::new(),
            opened: false,
            message: "Enregistrement annulé : aucun emplacement choisi.".to_owned(),
        });
    };
    let shown = path.display().to_string();
    let written = tokio::task::spawn_blocking({
        let path = path.clone();
        move || portee_config::write_file_atomically(&path, &bytes)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    match written {
        Ok(()) => Ok(portee_api::families::OpenDocumentResponse {
            message: format!("L'accusé de réception {number} est enregistré : {shown}"),
            path: shown,
            opened: false,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "acknowledgement not saved where chosen");
            Err(ApiError::new(
                ErrorCode::Internal,
                format!(
                    "L'accusé de réception n'a pas pu être enregistré à cet endroit ({}) : choisissez un autre dossier.",
                    crate::dialogs::io_reason(&e)
                ),
            ))
        }
    }
}

/// Attaches a PDF to the family's documents of the campaign: the date the
/// document bears is checked first (3 months for the types that need it),
/// then the file dialog opens, the file is checked by the PDF check off the
/// async threads and kept for review, audited.
#[tauri::command]
#[tracing::instrument(skip_all, fields(student_id = request.student_id), err)]
pub async fn attach_document<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    request: portee_api::reinscription::AttachDocumentRequest,
) -> Result<portee_api::reinscription::AttachDocumentResponse, ApiError> {
    use portee_domain::reinscription::{DocumentKind, is_recent_enough};
    let (member, db) = crate::session::require(&state).await?;
    let (_, family_id) =
        authorize_student(&db, &member.scope, Action::EditFamilies, request.student_id).await?;
    let kind = DocumentKind::from_code(&request.doc_type)
        .ok_or_else(|| validation_error("document-type", "Type de document inconnu."))?;
    let today = chrono::Local::now().date_naive();
    let typed = request.document_date.trim();
    let document_date = if typed.is_empty() {
        if kind.must_be_recent() {
            return Err(validation_error(
                "document-date",
                "Indiquez la date du document (JJ/MM/AAAA) : il doit dater de moins de 3 mois.",
            ));
        }
        None
    } else {
        let d = portee_domain::FrenchDate::parse(typed)
            .map_err(|e| validation_error("document-date", e.message()))?
            .naive();
        if kind.must_be_recent() {
            is_recent_enough(d, today)
                .map_err(|e| validation_error("document-date", e.message()))?;
        } else if d > today {
            return Err(validation_error(
                "document-date",
                "La date du document est postérieure à aujourd'hui : vérifiez-la.",
            ));
        }
        Some(d)
    };
    let Some(path) = crate::dialogs::pick_pdf(&app).await else {
        return Ok(portee_api::reinscription::AttachDocumentResponse {
            attached: false,
            message: "Aucun fichier choisi.".to_owned(),
        });
    };
    let checked = portee_services::documents::read_and_check_async(
        path,
        portee_services::documents::Limits::default(),
    )
    .await
    .map_err(|e| {
        tracing::info!(family_id, "attached file refused");
        validation_error("document-fichier", e.to_string())
    })?;
    let campaign = db.current_campaign_id().await.map_err(store_error)?;
    let pages = checked.report.pages;
    let id = db
        .attach_document(
            &portee_store::NewDocument {
                family_id,
                campaign_id: campaign,
                doc_type: kind.code(),
                file_name: &checked.file_name,
                content: &checked.bytes,
                sha256: &checked.sha256,
                page_count: i32::try_from(pages).unwrap_or(i32::MAX),
                document_date,
            },
            &Actor::staff(member.staff_id, workstation()),
        )
        .await
        .map_err(store_error)?;
    tracing::info!(family_id, document_id = id, "document attached");
    Ok(portee_api::reinscription::AttachDocumentResponse {
        attached: true,
        message: format!(
            "« {} » ajouté comme {} ({} page{}) : à examiner.",
            checked.file_name,
            kind.label().to_lowercase(),
            pages,
            if pages > 1 { "s" } else { "" }
        ),
    })
}

/// The Réinscriptions list's query as the member may run it: the filters
/// checked (a state known, a site of theirs), the campaign, the sites seen.
async fn list_query(
    state: &AppState,
    request: &portee_api::reinscription::ListReinscriptionsRequest,
) -> Result<
    (
        portee_services::session::SignedIn,
        portee_store::Database,
        i64,
        portee_store::ListFilter,
    ),
    ApiError,
> {
    use portee_store::{ListFilter, ListStatus};
    let (member, db) = crate::session::require(state).await?;
    member
        .scope
        .authorize(Action::ViewFamilies, None)
        .map_err(forbidden)?;
    let status = match request.status.as_deref() {
        None | Some("") => None,
        Some(code) => Some(
            ListStatus::from_code(code)
                .ok_or_else(|| validation_error("filtre-statut", "État de dossier inconnu."))?,
        ),
    };
    let visible = member.scope.visible_sites();
    if let Some(site) = request.site_id
        && (Site::from_id(site).is_none() || visible.is_some_and(|v| !v.contains(&site)))
    {
        return Err(validation_error(
            "filtre-site",
            "Ce site n'est pas parmi les vôtres.",
        ));
    }
    let campaign = db.current_campaign_id().await.map_err(store_error)?;
    let filter = ListFilter {
        status,
        site: request.site_id,
        discipline_id: request.discipline_id,
        missing_documents: request.missing_documents,
    };
    Ok((member, db, campaign, filter))
}

/// One row of the list as the screen and the CSV show it.
fn dossier_line(r: portee_store::ListRow) -> portee_api::reinscription::DossierLine {
    let label = portee_store::ListStatus::from_code(&r.status)
        .map_or("Annulé", portee_store::ListStatus::label);
    portee_api::reinscription::DossierLine {
        student_id: r.student_id,
        family_id: r.family_id,
        name: format!("{} {}", r.last_name.to_uppercase(), r.first_name),
        site_name: Site::name_of(r.site_id).to_owned(),
        family_number: r.family_number,
        status_label: label.to_owned(),
        status_code: r.status,
        acknowledgement_number: r.acknowledgement_number,
        channel_label: r
            .validation_channel
            .as_deref()
            .map(|c| channel_label(c).to_owned()),
        updated_on: r.updated_at.map(|t| date(local_day(t))),
        documents_owed: r.documents_owed,
        no_reason: r.no_reason,
        phone: r.phone,
        email: r.email,
        next_courses: None,
    }
}

/// The lines of `rows`, each with next year's courses its student holds
/// (read in one statement).
async fn dossier_lines(
    db: &portee_store::Database,
    campaign: i64,
    rows: Vec<portee_store::ListRow>,
) -> Result<Vec<portee_api::reinscription::DossierLine>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.student_id).collect();
    let courses = db
        .next_year_courses(campaign, &ids)
        .await
        .map_err(store_error)?;
    let mut by_student: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for c in courses {
        let text = match (c.day_of_week, c.starts_at, c.ends_at) {
            (Some(day), Some(starts), Some(ends)) => format!(
                "{} ({} {starts}–{ends}{})",
                c.course,
                labels::day(day),
                c.teacher.map(|t| format!(", {t}")).unwrap_or_default()
            ),
            _ => c.course,
        };
        by_student.entry(c.student_id).or_default().push(text);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let courses = by_student.remove(&r.student_id);
            let mut line = dossier_line(r);
            line.next_courses = courses.map(|c| c.join(" ; "));
            line
        })
        .collect())
}

/// Every state of dossier with its count in `list` (0 when absent), in the
/// lists' order.
fn status_counts(list: &portee_store::CampaignList) -> Vec<portee_api::reinscription::StatusCount> {
    portee_store::ListStatus::ALL
        .iter()
        .map(|s| portee_api::reinscription::StatusCount {
            code: s.code().to_owned(),
            label: s.label().to_owned(),
            count: list
                .counts
                .iter()
                .find(|c| c.0 == s.code())
                .map_or(0, |c| c.1),
        })
        .collect()
}

/// The Réinscriptions menu: the campaign's dossiers of the member's sites,
/// counted by state, filtered (state, site, discipline, documents owed),
/// at most 500 rows by name.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_reinscriptions(
    state: State<'_, AppState>,
    request: portee_api::reinscription::ListReinscriptionsRequest,
) -> Result<portee_api::reinscription::ReinscriptionList, ApiError> {
    use portee_api::reinscription::ReinscriptionList;
    let (member, db, campaign, filter) = list_query(&state, &request).await?;
    let visible = member.scope.visible_sites();
    let list = db
        .campaign_list(campaign, visible, &filter, 500)
        .await
        .map_err(store_error)?;
    let counts = status_counts(&list);
    let rows = dossier_lines(&db, campaign, list.rows).await?;
    let campaign_label = db.campaign_label(campaign).await.map_err(store_error)?;
    Ok(ReinscriptionList {
        campaign_label,
        counts,
        total: list.total,
        rows,
        sites: (1..=8i16)
            .filter(|id| visible.is_none_or(|v| v.contains(id)))
            .map(|id| (id, Site::name_of(id).to_owned()))
            .collect(),
        disciplines: db.disciplines().await.map_err(store_error)?,
    })
}

/// The Réinscriptions list, with the screen's filters, as a CSV file in the
/// exports folder (UTF-8 with BOM, `;`, CRLF), written whole or not at all;
/// the export is audited (which filter, how many rows, the file's name).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn export_reinscriptions(
    state: State<'_, AppState>,
    request: portee_api::reinscription::ListReinscriptionsRequest,
) -> Result<portee_api::reinscription::ExportedList, ApiError> {
    let (member, db, campaign, filter) = list_query(&state, &request).await?;
    let list = db
        .campaign_list(campaign, member.scope.visible_sites(), &filter, 100_000)
        .await
        .map_err(store_error)?;
    let exports = super::exports::Exports::ready(&state, "reinscriptions")?;
    let path = exports.file("reinscriptions", "csv");
    let name = super::exports::file_name(&path);
    let header = [
        "élève",
        "site",
        "famille",
        "état",
        "accusé de réception",
        "canal",
        "mis à jour le",
        "documents dus",
        "cours l'an prochain",
        "motif de non-réinscription",
        "téléphone",
        "courriel",
    ];
    let lines = dossier_lines(&db, campaign, list.rows).await?;
    let rows = lines.into_iter().map(|l| {
        vec![
            l.name,
            l.site_name,
            l.family_number,
            l.status_label,
            l.acknowledgement_number.unwrap_or_default(),
            l.channel_label.unwrap_or_default(),
            l.updated_on.unwrap_or_default(),
            l.documents_owed.to_string(),
            l.next_courses.unwrap_or_default(),
            l.no_reason.unwrap_or_default(),
            l.phone.unwrap_or_default(),
            l.email.unwrap_or_default(),
        ]
    });
    let written = portee_services::export::write_csv_file(&path, &header, rows)
        .map_err(|e| exports.unwritable(&e))?;
    let actor = portee_store::Actor::staff(member.staff_id, crate::workstation());
    let recorded = db
        .record_list_export(
            "reinscription.export",
            serde_json::json!({
                "status": request.status, "site_id": request.site_id,
                "discipline_id": request.discipline_id,
                "missing_documents": request.missing_documents,
            }),
            written,
            &name,
            &actor,
        )
        .await;
    if let Err(e) = recorded {
        // Not audited: the file does not stay.
        let _ = std::fs::remove_file(&path);
        return Err(store_error(e));
    }
    Ok(portee_api::reinscription::ExportedList {
        path: path.display().to_string(),
        rows: written,
    })
}

/// « Meudon », « Meudon et Vanves », « Meudon, Vanves et Sèvres », « tout
/// le réseau ».
fn sites_label(visible: Option<&[i16]>) -> String {
    let Some(sites) = visible else {
        return "tout le réseau".to_owned();
    };
    let names: Vec<&str> = sites.iter().map(|s| Site::name_of(*s)).collect();
    match names.as_slice() {
        [] => "aucun site".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}

/// Where a campaign stands on `today`: its state in French and the days
/// left before it closes (while open or to come).
fn campaign_state(
    opens: chrono::NaiveDate,
    closes: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> (String, Option<i64>) {
    let fr = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    if today < opens {
        let days = (opens - today).num_days();
        (
            format!(
                "Campagne pas encore ouverte : elle ouvre dans {days} jour{}",
                if days > 1 { "s" } else { "" }
            ),
            Some((closes - today).num_days()),
        )
    } else if today <= closes {
        let days = (closes - today).num_days();
        let state = match days {
            0 => "Campagne ouverte : dernier jour".to_owned(),
            1 => "Campagne ouverte : 1 jour restant".to_owned(),
            n => format!("Campagne ouverte : {n} jours restants"),
        };
        (state, Some(days))
    } else {
        (format!("Campagne close depuis le {}", fr(closes)), None)
    }
}

/// The Accueil dashboard of the member's sites: the campaign's dates and
/// days left, dossiers by state, documents awaiting review, slots full
/// and nearly full.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn get_dashboard(
    state: State<'_, AppState>,
    request: portee_api::reinscription::DashboardRequest,
) -> Result<portee_api::reinscription::Dashboard, ApiError> {
    use portee_api::reinscription::Dashboard;
    use portee_domain::seats::FillState;
    use portee_store::ListFilter;
    let (member, db) = if request.refresh {
        crate::session::require_passive(&state).await?
    } else {
        crate::session::require(&state).await?
    };
    member
        .scope
        .authorize(Action::ViewFamilies, None)
        .map_err(forbidden)?;
    super::offer::lapse_due_offers(&db, &member, request.refresh).await;
    let visible = member.scope.visible_sites();
    let figures = db.dashboard_figures(visible).await.map_err(store_error)?;
    let list = db
        .campaign_list(figures.campaign.id, visible, &ListFilter::default(), 1)
        .await
        .map_err(store_error)?;
    let counts = status_counts(&list);
    let c = &figures.campaign;
    let (opens, closes) = (local_day(c.opens_at), local_day(c.closes_at));
    let (campaign_state, days_left) =
        campaign_state(opens, closes, chrono::Local::now().date_naive());
    let fill = |want: FillState| {
        figures
            .slots
            .iter()
            .filter(|(capacity, taken, _)| {
                FillState::of(i64::from(*capacity), i64::from(*taken)) == want
            })
            .count() as i64
    };
    Ok(Dashboard {
        sites_label: sites_label(visible),
        campaign_label: c.label.clone(),
        opens_on: opens.format("%d/%m/%Y").to_string(),
        closes_on: closes.format("%d/%m/%Y").to_string(),
        documents_deadline: c.documents_deadline.format("%d/%m/%Y").to_string(),
        campaign_state,
        days_left,
        total: counts.iter().map(|c| c.count).sum(),
        counts,
        documents_to_review: figures.documents_to_review,
        slots_total: figures.slots.len() as i64,
        slots_full: fill(FillState::Full),
        slots_nearly_full: fill(FillState::NearlyFull),
    })
}

#[cfg(test)]
mod dashboard_tests {
    use super::*;

    #[test]
    fn the_campaigns_state_counts_the_days_in_french() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2027, m, day).unwrap();
        assert_eq!(
            campaign_state(d(3, 1), d(4, 30), d(2, 26)),
            (
                "Campagne pas encore ouverte : elle ouvre dans 3 jours".to_owned(),
                Some(63)
            )
        );
        assert_eq!(
            campaign_state(d(3, 1), d(4, 30), d(4, 7)).0,
            "Campagne ouverte : 23 jours restants"
        );
        assert_eq!(campaign_state(d(3, 1), d(4, 30), d(4, 29)).1, Some(1));
        assert_eq!(
            campaign_state(d(3, 1), d(4, 30), d(4, 30)).0,
            "Campagne ouverte : dernier jour"
        );
        assert_eq!(
            campaign_state(d(3, 1), d(4, 30), d(5, 2)),
            ("Campagne close depuis le 30/04/2027".to_owned(), None)
        );
        assert_eq!(sites_label(None), "tout le réseau");
        assert_eq!(sites_label(Some(&[5])), "Meudon");
        assert_eq!(sites_label(Some(&[5, 7])), "Meudon et Vanves");
    }
}

/// Queues a reminder e-mail for each chosen family (the « Pas de réponse »
/// list): each family must have a student on the member's sites.
#[tauri::command]
#[tracing::instrument(skip_all, fields(families = request.family_ids.len()), err)]
pub async fn queue_reminders(
    state: State<'_, AppState>,
    request: portee_api::reinscription::QueueRemindersRequest,
) -> Result<portee_api::reinscription::RemindersQueued, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::EditFamilies, None)
        .map_err(forbidden)?;
    if request.family_ids.is_empty() || request.family_ids.len() > portee_store::MAX_REMINDERS {
        return Err(validation_error(
            "relance",
            format!(
                "Cochez de 1 à {} familles à relancer.",
                portee_store::MAX_REMINDERS
            ),
        ));
    }
    for family in &request.family_ids {
        let students = db.family_students(*family).await.map_err(store_error)?;
        if !students.iter().any(|(_, site)| {
            member
                .scope
                .authorize(Action::EditFamilies, Some(*site))
                .is_ok()
        }) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Une des familles choisies n'a pas d'élève sur vos sites : rien n'a été envoyé.",
            ));
        }
    }
    let campaign = db.current_campaign_id().await.map_err(store_error)?;
    let actor = Actor::staff(member.staff_id, workstation());
    let done = db
        .queue_reminders(campaign, &request.family_ids, &actor)
        .await
        .map_err(|e| match e {
            StoreError::Invalid { message } => validation_error("relance", message),
            StoreError::NotFound => ApiError::new(
                ErrorCode::Forbidden,
                "Une des familles choisies n'a pas d'élève sur vos sites : rien n'a été envoyé.",
            ),
            other => store_error(other),
        })?;
    let mut message = match done.queued.len() {
        0 => "Aucune relance placée dans la file d'envoi".to_owned(),
        1 => "1 relance placée dans la file d'envoi".to_owned(),
        n => format!("{n} relances placées dans la file d'envoi"),
    };
    if !done.without_email.is_empty() {
        let numbers: Vec<&str> = done.without_email.iter().map(|f| f.1.as_str()).collect();
        message.push_str(&format!(
            " ; {} famille(s) sans adresse électronique, à appeler : {}",
            numbers.len(),
            numbers.join(", ")
        ));
    }
    if !done.already_pending.is_empty() {
        message.push_str(&format!(
            " ; {} famille(s) avaient déjà une relance en attente d'envoi",
            done.already_pending.len()
        ));
    }
    message.push('.');
    Ok(portee_api::reinscription::RemindersQueued {
        queued: done.queued.len(),
        message,
    })
}
