//! « Cours & capacités »: a site's offer for a school year, and a slot's
//! capacity changed (responsable or administrateur of the site).

use portee_api::{
    ApiError, ErrorCode,
    offer::{
        ClassMemberView, GetOfferRequest, JoinWaitingListRequest, MoveStudentRequest, Offer,
        OfferChange, OfferCourse, OfferDiscipline, OfferSlot, ReorderWaitingListRequest,
        SeatOfferRequest, SetSlotCapacityRequest, SlotDetail, SlotRequest, WaitOfferChangeRequest,
        WaitingView, WithdrawStudentRequest,
    },
};
use portee_domain::{
    auth::Action,
    labels,
    seats::{FillState, fill_rate},
    site::Site,
};
use portee_store::{Database, OfferRow, SlotRow, StoreError};
use tauri::State;

use crate::{
    AppState,
    error::{forbidden, store_error},
    workstation,
};

fn seat_mode_label(code: &str) -> &'static str {
    match code {
        "slot" => "Créneau choisi par la famille",
        "teacher" => "Horaire fixé avec le professeur en septembre",
        _ => "Cours attribué selon le niveau",
    }
}

fn offer_slot(
    id: i64,
    day_of_week: i16,
    (starts_at, ends_at): (&str, &str),
    teacher: String,
    room: String,
    (capacity, seats_taken, version): (i32, i32, i32),
    (waiting, open): (i64, bool),
) -> OfferSlot {
    let fill = FillState::of(i64::from(capacity), i64::from(seats_taken));
    OfferSlot {
        id,
        when: format!("{} {starts_at}–{ends_at}", labels::day(day_of_week)),
        day_of_week,
        teacher,
        room,
        capacity,
        seats_taken,
        version,
        waiting,
        open,
        fill: fill.code().to_owned(),
        fill_label: fill.label().to_owned(),
    }
}

/// A stored slot as the page shows it, with its waiting list's length.
fn offer_slot_of(slot: SlotRow, waiting: i64) -> OfferSlot {
    offer_slot(
        slot.id,
        slot.day_of_week,
        (&slot.starts_at, &slot.ends_at),
        slot.teacher,
        slot.room,
        (slot.capacity, slot.seats_taken, slot.version),
        (waiting, slot.open),
    )
}

/// The first refusal of a domain rule's field checks, named by its field
/// (`fallback` when the rule gave none).
pub(crate) fn first_field_error(
    errors: Vec<portee_domain::family::FieldError>,
    fallback: (&str, &str),
) -> ApiError {
    match errors.into_iter().next() {
        Some(e) => ApiError::validation(e.field, e.message),
        None => ApiError::validation(fallback.0, fallback.1),
    }
}

/// Groups the store's rows (ordered by discipline, course, slot) into the
/// page's tree, with each discipline's fill rate.
fn offer_tree(rows: Vec<OfferRow>) -> Vec<OfferDiscipline> {
    let mut out: Vec<OfferDiscipline> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|d| d.id != r.discipline_id) {
            out.push(OfferDiscipline {
                id: r.discipline_id,
                name: r.discipline.clone(),
                capacity: 0,
                seats_taken: 0,
                fill_rate: 0,
                courses: Vec::new(),
            });
        }
        let Some(discipline) = out.last_mut() else {
            continue;
        };
        if discipline
            .courses
            .last()
            .is_none_or(|c| c.id != r.course_id)
        {
            discipline.courses.push(OfferCourse {
                id: r.course_id,
                name: r.course.clone(),
                level: r.level.clone(),
                cycle: r.cycle,
                seat_mode_label: seat_mode_label(&r.seat_mode).to_owned(),
                slots: Vec::new(),
            });
        }
        if let (Some(id), Some(day), Some(starts), Some(ends), Some(capacity), Some(taken)) = (
            r.slot_id,
            r.day_of_week,
            r.starts_at.as_deref(),
            r.ends_at.as_deref(),
            r.capacity,
            r.seats_taken,
        ) {
            discipline.capacity += i64::from(capacity);
            discipline.seats_taken += i64::from(taken);
            let slot = offer_slot(
                id,
                day,
                (starts, ends),
                r.teacher.unwrap_or_default(),
                r.room.unwrap_or_default(),
                (capacity, taken, r.version.unwrap_or(1)),
                (r.waiting, r.open.unwrap_or(true)),
            );
            if let Some(course) = discipline.courses.last_mut() {
                course.slots.push(slot);
            }
        }
    }
    for d in &mut out {
        d.fill_rate = fill_rate(d.capacity, d.seats_taken);
    }
    out
}

/// The offer of one of the member's sites for a school year (by default
/// the site chosen at sign-in and the newest year with an offer).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn get_offer(
    state: State<'_, AppState>,
    request: GetOfferRequest,
) -> Result<Offer, ApiError> {
    let (member, db) = if request.refresh {
        crate::session::require_passive(&state).await?
    } else {
        crate::session::require(&state).await?
    };
    member
        .scope
        .authorize(Action::ViewFamilies, None)
        .map_err(forbidden)?;
    lapse_due_offers(&db, &member, request.refresh).await;
    let sites: Vec<(i16, String)> = (1..=8i16)
        .filter(|id| member.scope.covers(*id))
        .map(|id| (id, Site::name_of(id).to_owned()))
        .collect();
    let site_id = match request.site_id {
        Some(site) if sites.iter().any(|s| s.0 == site) => site,
        Some(_) => {
            return Err(ApiError::new(
                portee_api::ErrorCode::Forbidden,
                "Ce site n'est pas l'un de vos sites : son offre ne vous est pas ouverte.",
            ));
        }
        // The site chosen at sign-in, else the member's first.
        None if sites.iter().any(|s| s.0 == member.site) => member.site,
        None => sites.first().map(|s| s.0).ok_or_else(|| {
            ApiError::validation("offre-site", "Aucun site n'est rattaché à votre compte.")
        })?,
    };
    let years = db.offer_years().await.map_err(store_error)?;
    let year = match request.school_year_id {
        Some(id) => years.iter().find(|y| y.id == id).ok_or_else(|| {
            ApiError::validation(
                "offre-annee",
                "Cette année scolaire n'a pas d'offre de cours.",
            )
        })?,
        None => years.first().ok_or_else(|| {
            ApiError::validation("offre-annee", "Aucune offre de cours n'est enregistrée.")
        })?,
    };
    let rows = db.offer(site_id, year.id).await.map_err(store_error)?;
    Ok(Offer {
        site_id,
        site_name: Site::name_of(site_id).to_owned(),
        school_year_id: year.id,
        school_year_label: year.label.clone(),
        sites,
        school_years: years.iter().map(|y| (y.id, y.label.clone())).collect(),
        can_change: member
            .scope
            .authorize(Action::ManageCourses, Some(site_id))
            .is_ok(),
        disciplines: offer_tree(rows),
    })
}

/// Changes a slot's capacity: the member must manage courses on the slot's
/// site; the store refuses a capacity below the seats taken (saying how many)
/// and a slot changed since the page read it.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id), err)]
pub async fn set_slot_capacity(
    state: State<'_, AppState>,
    request: SetSlotCapacityRequest,
) -> Result<OfferSlot, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::ManageCourses, None)
        .map_err(forbidden)?;
    let capacity: i64 = request.capacity.trim().parse().map_err(|_| {
        ApiError::validation(
            "capacite",
            "Indiquez la capacité en nombre entier de places (0 à 500).",
        )
    })?;
    let site = db.slot_site(request.slot_id).await.map_err(store_error)?;
    member
        .scope
        .authorize(Action::ManageCourses, Some(site))
        .map_err(forbidden)?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let slot: SlotRow = match db
        .set_capacity(request.slot_id, capacity, request.expected_version, &actor)
        .await
    {
        Ok(slot) => slot,
        Err(portee_store::StoreError::Invalid { message }) => {
            return Err(ApiError::validation("capacite", message));
        }
        Err(portee_store::StoreError::Conflict) => {
            // What changed, read now: the numbers the page no longer shows.
            let now = match db.slot(request.slot_id).await {
                Ok(s) => format!(
                    " : il compte maintenant {} place(s) dont {} prise(s)",
                    s.capacity, s.seats_taken
                ),
                Err(_) => String::new(),
            };
            return Err(ApiError::new(
                portee_api::ErrorCode::Conflict,
                format!(
                    "Ce créneau a changé depuis l'ouverture de la page (une place prise ou une \
                     capacité modifiée sur un autre poste){now}. Rechargez la page, puis recommencez."
                ),
            ));
        }
        Err(other) => return Err(store_error(other)),
    };
    let waiting = db.waiting_count(slot.id).await.map_err(store_error)?;
    Ok(offer_slot_of(slot, waiting))
}

/// The member must manage courses on `site`.
fn authorize_manage(
    member: &portee_services::session::SignedIn,
    site: i16,
) -> Result<(), ApiError> {
    member
        .scope
        .authorize(Action::ManageCourses, None)
        .map_err(forbidden)?;
    member
        .scope
        .authorize(Action::ManageCourses, Some(site))
        .map_err(forbidden)
}

/// The slot's fields checked by the domain rule; the first refusal named
/// by its field.
fn slot_fields(
    input: &portee_domain::seats::SlotInput,
    taken: i64,
) -> Result<portee_domain::seats::SlotFields, ApiError> {
    portee_domain::seats::SlotFields::parse(input, taken)
        .map_err(|errors| first_field_error(errors, ("creneau", "Ce créneau est invalide.")))
}

/// The slot as stored now, in French, for a change refused because the
/// slot moved on (« what changed »).
fn slot_now(slot: &SlotRow) -> String {
    format!(
        "{} {}–{}, {}, {}, {} place(s) dont {} prise(s){}",
        labels::day(slot.day_of_week),
        slot.starts_at,
        slot.ends_at,
        slot.teacher,
        slot.room,
        slot.capacity,
        slot.seats_taken,
        if slot.open { "" } else { ", fermé" }
    )
}

/// Changes a slot's day, hours, teacher, room, capacity and opening
/// (responsable or administrateur of its site), over the version read.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id), err)]
pub async fn update_slot(
    state: State<'_, AppState>,
    request: portee_api::offer::UpdateSlotRequest,
) -> Result<OfferSlot, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::ManageCourses, None)
        .map_err(forbidden)?;
    let site = db.slot_site(request.slot_id).await.map_err(store_error)?;
    authorize_manage(&member, site)?;
    // Checked against the seats taken now; the store checks again in its
    // transaction.
    let current = db.slot(request.slot_id).await.map_err(store_error)?;
    let fields = slot_fields(&request.fields, i64::from(current.seats_taken))?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let slot = match db
        .update_slot(request.slot_id, request.expected_version, &fields, &actor)
        .await
    {
        Ok(slot) => slot,
        Err(StoreError::Invalid { message }) => {
            return Err(ApiError::validation("capacite", message));
        }
        Err(StoreError::Conflict) => {
            let now = db.slot(request.slot_id).await.map_err(store_error)?;
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "Ce créneau a été modifié sur un autre poste depuis l'ouverture de la page : il est \
                     maintenant {}. Rien n'a été enregistré ; vérifiez puis recommencez.",
                    slot_now(&now)
                ),
            ));
        }
        Err(other) => return Err(store_error(other)),
    };
    let waiting = db.waiting_count(slot.id).await.map_err(store_error)?;
    Ok(offer_slot_of(slot, waiting))
}

/// Adds a slot to a course given by slot (responsable or administrateur of
/// its site).
#[tauri::command]
#[tracing::instrument(skip_all, fields(course_id = request.course_id), err)]
pub async fn add_slot(
    state: State<'_, AppState>,
    request: portee_api::offer::AddSlotRequest,
) -> Result<OfferSlot, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::ManageCourses, None)
        .map_err(forbidden)?;
    let site = db
        .course_site(request.course_id)
        .await
        .map_err(store_error)?;
    authorize_manage(&member, site)?;
    let fields = slot_fields(&request.fields, 0)?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let slot = db
        .add_slot(request.course_id, &fields, &actor)
        .await
        .map_err(|e| match e {
            StoreError::Invalid { message } => ApiError::validation("creneau", message),
            other => store_error(other),
        })?;
    Ok(offer_slot_of(slot, 0))
}

/// Copies a site's offer of a school year into the next (responsable or
/// administrateur of the site); twice creates nothing twice.
#[tauri::command]
#[tracing::instrument(skip_all, fields(site_id = request.site_id, school_year_id = request.school_year_id), err)]
pub async fn prepare_next_year(
    state: State<'_, AppState>,
    request: portee_api::offer::PrepareNextYearRequest,
) -> Result<portee_api::offer::NextYearPrepared, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_manage(&member, request.site_id)?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let done = db
        .prepare_next_year(request.site_id, request.school_year_id, &actor)
        .await
        .map_err(|e| match e {
            StoreError::Invalid { message } => ApiError::validation("offre-annee", message),
            StoreError::Forbidden => ApiError::new(
                ErrorCode::Forbidden,
                "L'année scolaire suivante n'existe pas encore : seul un administrateur peut la \
                 créer en préparant l'offre.",
            ),
            other => store_error(other),
        })?;
    let message = if done.courses_created == 0 && done.slots_created == 0 {
        format!(
            "L'offre {} de {} était déjà prête ({} cours) : rien n'a été copié deux fois.",
            done.to_label,
            Site::name_of(request.site_id),
            done.courses_kept
        )
    } else {
        format!(
            "Offre {} de {} préparée : {} cours et {} créneau(x) créés{}{}. Ajustez-la avant l'ouverture de la campagne.",
            done.to_label,
            Site::name_of(request.site_id),
            done.courses_created,
            done.slots_created,
            if done.courses_kept > 0 {
                format!(
                    " ; {} cours y étaient déjà (gardés tels quels)",
                    done.courses_kept
                )
            } else {
                String::new()
            },
            if done.year_created {
                ", l'année scolaire a été créée"
            } else {
                ""
            }
        )
    };
    Ok(portee_api::offer::NextYearPrepared {
        school_year_id: done.to_year_id,
        school_year_label: done.to_label,
        message,
    })
}

/// Adds a course to a discipline of the site's offer of a school year
/// (responsable or administrateur of the site).
#[tauri::command]
#[tracing::instrument(skip_all, fields(site_id = request.site_id, discipline_id = request.discipline_id), err)]
pub async fn add_course(
    state: State<'_, AppState>,
    request: portee_api::offer::AddCourseRequest,
) -> Result<String, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_manage(&member, request.site_id)?;
    let fields = portee_domain::seats::CourseFields::parse(&request.fields)
        .map_err(|errors| first_field_error(errors, ("cours-nom", "Ce cours est invalide.")))?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    db.add_course(
        request.site_id,
        request.school_year_id,
        request.discipline_id,
        &fields,
        &actor,
    )
    .await
    .map_err(|e| match e {
        StoreError::Invalid { message } => ApiError::validation("cours-nom", message),
        other => store_error(other),
    })?;
    Ok(format!(
        "Cours « {} » ajouté à l'offre de {} ({}){}.",
        fields.name,
        Site::name_of(request.site_id),
        seat_mode_label(&fields.seat_mode).to_lowercase(),
        if fields.seat_mode == "slot" {
            " : ajoutez-lui ses créneaux"
        } else {
            ""
        }
    ))
}

/// How long a wait for the offer's change lasts at most before answering
/// (the page then asks again).
const OFFER_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Waits until PostgreSQL notifies a change of the offer past `seen` (or
/// `OFFER_WAIT` elapses); `None` on SQLite, where the page polls. Not
/// counted as activity.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn wait_offer_change(
    state: State<'_, AppState>,
    request: WaitOfferChangeRequest,
) -> Result<Option<OfferChange>, ApiError> {
    let Some(mut rx) = crate::session::offer_changes(&state).await? else {
        return Ok(None);
    };
    let current = *rx.borrow_and_update();
    if request.seen.is_none_or(|seen| seen != current.0) {
        return Ok(Some(OfferChange {
            seen: current.0,
            live: current.1,
        }));
    }
    // The session ending drops the sender: `changed` then fails at once.
    let _ = tokio::time::timeout(OFFER_WAIT, rx.changed()).await;
    let now = *rx.borrow();
    Ok(Some(OfferChange {
        seen: now.0,
        live: now.1,
    }))
}

/// Passes the seats whose offer's deadline is past to the next of their
/// waiting lists (`Database::expire_seat_offers`), before a screen shows
/// seats: nobody has to run anything for a lapsed offer to move on. The
/// member whose screen noticed it is recorded as the author. A failure is
/// logged and the read goes on; the next read tries again. A screen's own
/// refreshes (`passive`, every second or at each notification) look at
/// most every `PASSIVE_LAPSE_EVERY`: deadlines are days long, and the
/// seats' live reads stay one query.
pub(crate) async fn lapse_due_offers(
    db: &Database,
    member: &portee_services::session::SignedIn,
    passive: bool,
) {
    const PASSIVE_LAPSE_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
    static LAST: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);
    {
        let mut last = LAST
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if passive && last.is_some_and(|t| t.elapsed() < PASSIVE_LAPSE_EVERY) {
            return;
        }
        *last = Some(std::time::Instant::now());
    }
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    match db.expire_seat_offers(chrono::Utc::now(), &actor).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(lapsed = n, "seat offers lapsed, passed on"),
        Err(e) => tracing::warn!(error = %e, "lapsed seat offers not passed on yet"),
    }
}

/// The slot's panel: its seats, class list, waiting list and the other
/// slots of its course, read after `notice` (what a change just did).
async fn slot_detail(
    db: &Database,
    member: &portee_services::session::SignedIn,
    slot_id: i64,
    notice: String,
) -> Result<SlotDetail, ApiError> {
    let lists = db.slot_lists(slot_id).await.map_err(store_error)?;
    member
        .scope
        .authorize(Action::ViewFamilies, Some(lists.site_id))
        .map_err(forbidden)?;
    let s = &lists.slot;
    let slot = offer_slot(
        s.id,
        s.day_of_week,
        (&s.starts_at, &s.ends_at),
        s.teacher.clone(),
        s.room.clone(),
        (s.capacity, s.seats_taken, s.version),
        (lists.waiting.len() as i64, s.open),
    );
    Ok(SlotDetail {
        freed_seat: s.open
            && s.seats_taken < s.capacity
            && lists.waiting.iter().any(|w| w.offer_expires_at.is_none()),
        offer_days: lists.offer_days,
        slot,
        course_name: lists.course_name.clone(),
        can_edit: member
            .scope
            .authorize(Action::EditFamilies, Some(lists.site_id))
            .is_ok(),
        can_manage: member
            .scope
            .authorize(Action::ManageCourses, Some(lists.site_id))
            .is_ok(),
        course_id: s.course_id,
        members: lists
            .members
            .iter()
            .map(|m| ClassMemberView {
                enrolment_id: m.enrolment_id,
                student_id: m.student_id,
                name: format!("{} {}", m.last_name.to_uppercase(), m.first_name),
                family_number: m.family_number.clone(),
                dossier_status: labels::dossier_status(
                    m.dossier_status.as_deref(),
                    m.dossier_intent.as_deref(),
                )
                .to_owned(),
            })
            .collect(),
        waiting: lists
            .waiting
            .iter()
            .enumerate()
            .map(|(i, w)| WaitingView {
                student_id: w.student_id,
                name: format!("{} {}", w.last_name.to_uppercase(), w.first_name),
                family_number: w.family_number.clone(),
                position: i + 1,
                since: w.created_at.format("%d/%m/%Y").to_string(),
                offered_until: w.offer_expires_at.map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%d/%m/%Y à %H:%M")
                        .to_string()
                }),
            })
            .collect(),
        other_slots: lists
            .others
            .iter()
            .map(|o| {
                (
                    o.id,
                    format!(
                        "{} {}–{} · {}",
                        labels::day(o.day_of_week),
                        o.starts_at,
                        o.ends_at,
                        o.teacher
                    ),
                    (o.capacity - o.seats_taken).max(0),
                )
            })
            .collect(),
        notice,
    })
}

/// The member may change the lists of the slot's site (agents included).
async fn authorize_slot_edit(
    db: &Database,
    member: &portee_services::session::SignedIn,
    slot_id: i64,
) -> Result<(), ApiError> {
    member
        .scope
        .authorize(Action::EditFamilies, None)
        .map_err(forbidden)?;
    let site = db.slot_site(slot_id).await.map_err(store_error)?;
    member
        .scope
        .authorize(Action::EditFamilies, Some(site))
        .map_err(forbidden)
}

/// A change of a slot's lists refused: the French sentence the panel shows.
fn lists_error(err: StoreError, field: &'static str, conflict: &'static str) -> ApiError {
    match err {
        StoreError::Invalid { message } => ApiError::validation(field, message),
        StoreError::Conflict => ApiError::new(ErrorCode::Conflict, conflict),
        StoreError::SlotFull { .. } => ApiError::new(
            ErrorCode::Conflict,
            "Ce créneau n'a plus de place libre (prise entre-temps sur un autre poste) : rien n'a été enregistré.",
        ),
        other => store_error(other),
    }
}

/// The slot's panel: class list, waiting list, the other slots of its course.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id), err)]
pub async fn get_slot_detail(
    state: State<'_, AppState>,
    request: SlotRequest,
) -> Result<SlotDetail, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    member
        .scope
        .authorize(Action::ViewFamilies, None)
        .map_err(forbidden)?;
    lapse_due_offers(&db, &member, false).await;
    slot_detail(&db, &member, request.slot_id, String::new()).await
}

/// Moves a student of the slot to another slot of the same course.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id, enrolment_id = request.enrolment_id), err)]
pub async fn move_student(
    state: State<'_, AppState>,
    request: MoveStudentRequest,
) -> Result<SlotDetail, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_slot_edit(&db, &member, request.slot_id).await?;
    authorize_slot_edit(&db, &member, request.target_slot_id).await?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    db.move_enrolment(request.enrolment_id, request.target_slot_id, &actor)
        .await
        .map_err(|e| {
            lists_error(
                e,
                "changer-creneau",
                "Cet élève n'est plus dans ce créneau (changé ou retiré sur un autre poste).",
            )
        })?;
    slot_detail(
        &db,
        &member,
        request.slot_id,
        "L'élève a changé de créneau.".into(),
    )
    .await
}

/// Withdraws a student from the slot, with a reason; the seat is freed.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id, enrolment_id = request.enrolment_id), err)]
pub async fn withdraw_student(
    state: State<'_, AppState>,
    request: WithdrawStudentRequest,
) -> Result<SlotDetail, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_slot_edit(&db, &member, request.slot_id).await?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    db.withdraw_enrolment(request.enrolment_id, &request.reason, &actor)
        .await
        .map_err(|e| {
            lists_error(
                e,
                "motif-retrait",
                "Cet élève a déjà été retiré de ce créneau (sur un autre poste).",
            )
        })?;
    slot_detail(
        &db,
        &member,
        request.slot_id,
        "L'élève a été retiré du créneau : sa place est libérée.".into(),
    )
    .await
}

/// « 123 », « élève 123 », « eleve 123 » → 123.
fn student_number(typed: &str) -> Option<i64> {
    let t = typed.trim().to_lowercase();
    let t = t
        .strip_prefix("élève")
        .or_else(|| t.strip_prefix("eleve"))
        .unwrap_or(&t)
        .trim()
        .trim_start_matches(['n', '°', 'º', '#'])
        .trim();
    t.parse().ok().filter(|n: &i64| *n > 0)
}

/// Puts a student on the slot's waiting list, last.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id), err)]
pub async fn join_waiting_list(
    state: State<'_, AppState>,
    request: JoinWaitingListRequest,
) -> Result<SlotDetail, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_slot_edit(&db, &member, request.slot_id).await?;
    let student = student_number(&request.student).ok_or_else(|| {
        ApiError::validation(
            "attente-eleve",
            "Indiquez le numéro de l'élève (par exemple « élève 123 », comme sur sa fiche).",
        )
    })?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let rank = db
        .join_waiting_list(request.slot_id, student, &actor)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::validation(
                "attente-eleve",
                "Aucun élève de vos sites ne porte ce numéro.",
            ),
            other => lists_error(
                other,
                "attente-eleve",
                "La liste d'attente a changé : rechargez.",
            ),
        })?;
    slot_detail(
        &db,
        &member,
        request.slot_id,
        format!("Élève ajouté à la liste d'attente (rang {rank})."),
    )
    .await
}

/// Moves a waiting student to another position, with a reason.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id, student_id = request.student_id), err)]
pub async fn reorder_waiting_list(
    state: State<'_, AppState>,
    request: ReorderWaitingListRequest,
) -> Result<SlotDetail, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_slot_edit(&db, &member, request.slot_id).await?;
    let position: usize = request
        .position
        .trim()
        .parse()
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| {
            ApiError::validation("attente-rang", "Indiquez le nouveau rang (1 = premier).")
        })?;
    if request.reason.trim().is_empty() {
        return Err(ApiError::validation(
            "attente-motif",
            "Indiquez le motif du changement d'ordre (il est gardé au journal).",
        ));
    }
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    db.reorder_waiting_list(
        request.slot_id,
        request.student_id,
        position,
        &request.expected,
        &request.reason,
        &actor,
    )
    .await
    .map_err(|e| match e {
        StoreError::Invalid { message } if message.contains("rang") => {
            ApiError::validation("attente-rang", message)
        }
        other => lists_error(
            other,
            "attente-motif",
            "La liste d'attente a changé sur un autre poste : elle est rechargée, recommencez.",
        ),
    })?;
    slot_detail(
        &db,
        &member,
        request.slot_id,
        "Liste d'attente réordonnée.".into(),
    )
    .await
}

/// Offers the slot's freed seat to the first of its waiting list not
/// offered one yet: the seat is held for them for the campaign's delay.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id, student_id = request.student_id), err)]
pub async fn offer_freed_seat(
    state: State<'_, AppState>,
    request: SeatOfferRequest,
) -> Result<SlotDetail, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_slot_edit(&db, &member, request.slot_id).await?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let offered = db
        .offer_freed_seat(request.slot_id, request.student_id, &actor)
        .await
        .map_err(|e| {
            lists_error(
                e,
                "proposer",
                "Cette place a déjà été proposée (ou la liste d'attente a changé) sur un autre poste : \
                 la liste est rechargée.",
            )
        })?;
    let until = offered
        .expires_at
        .with_timezone(&chrono::Local)
        .format("%d/%m/%Y à %H:%M");
    let notice = if offered.notified {
        format!(
            "Place proposée et réservée jusqu'au {until} : un courriel pour la famille attend dans la file d'envoi."
        )
    } else {
        format!(
            "Place proposée et réservée jusqu'au {until}. La famille n'a pas d'adresse électronique : \
             prévenez-la par téléphone."
        )
    };
    slot_detail(&db, &member, request.slot_id, notice).await
}

/// The family accepted the seat offered: the student takes it.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id, student_id = request.student_id), err)]
pub async fn confirm_seat_offer(
    state: State<'_, AppState>,
    request: SeatOfferRequest,
) -> Result<SlotDetail, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_slot_edit(&db, &member, request.slot_id).await?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let given = db
        .confirm_seat_offer(request.slot_id, request.student_id, &actor)
        .await
        .map_err(|e| {
            lists_error(
                e,
                "confirmer",
                "Cette proposition n'est plus en cours (confirmée, refusée ou son délai passé) : \
                 la liste est rechargée.",
            )
        })?;
    let notice = if given.notified {
        "Place confirmée : l'élève est inscrit dans ce créneau, un courriel de confirmation attend dans la file d'envoi."
    } else {
        "Place confirmée : l'élève est inscrit dans ce créneau."
    };
    slot_detail(&db, &member, request.slot_id, notice.into()).await
}

/// The family declined the seat offered: it goes to the next of the list.
#[tauri::command]
#[tracing::instrument(skip_all, fields(slot_id = request.slot_id, student_id = request.student_id), err)]
pub async fn decline_seat_offer(
    state: State<'_, AppState>,
    request: SeatOfferRequest,
) -> Result<SlotDetail, ApiError> {
    let (member, db) = crate::session::require(&state).await?;
    authorize_slot_edit(&db, &member, request.slot_id).await?;
    let actor = portee_store::Actor::staff(member.staff_id, workstation());
    let passed = db
        .decline_seat_offer(request.slot_id, request.student_id, &actor)
        .await
        .map_err(|e| {
            lists_error(
                e,
                "refuser",
                "Cette proposition n'est plus en cours (confirmée, refusée ou son délai passé) : \
                 la liste est rechargée.",
            )
        })?;
    let notice = match passed.next {
        Some((_, until)) => format!(
            "Proposition refusée : la place est proposée au suivant de la liste, réservée jusqu'au {}.",
            until
                .with_timezone(&chrono::Local)
                .format("%d/%m/%Y à %H:%M")
        ),
        None => "Proposition refusée : personne d'autre n'attend, la place est libre.".to_owned(),
    };
    slot_detail(&db, &member, request.slot_id, notice).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(discipline: i64, course: i64, slot: Option<(i64, i32, i32)>) -> OfferRow {
        OfferRow {
            discipline_id: discipline,
            discipline: format!("D{discipline}"),
            course_id: course,
            course: format!("C{course}"),
            cycle: Some(1),
            level: None,
            seat_mode: if slot.is_some() { "slot" } else { "teacher" }.into(),
            slot_id: slot.map(|s| s.0),
            day_of_week: slot.map(|_| 3),
            starts_at: slot.map(|_| "14:00".into()),
            ends_at: slot.map(|_| "15:00".into()),
            teacher: slot.map(|_| "M. Martin".into()),
            room: slot.map(|_| "Salle 2".into()),
            capacity: slot.map(|s| s.1),
            seats_taken: slot.map(|s| s.2),
            version: slot.map(|_| 1),
            open: slot.map(|_| true),
            waiting: 0,
        }
    }

    #[test]
    fn a_student_is_named_by_their_number() {
        assert_eq!(student_number("123"), Some(123));
        assert_eq!(student_number(" élève 123 "), Some(123));
        assert_eq!(student_number("Eleve n° 7"), Some(7));
        assert_eq!(student_number("Léa"), None);
        assert_eq!(student_number("0"), None);
        assert_eq!(student_number("-4"), None);
    }

    #[test]
    fn rows_group_into_disciplines_courses_and_slots_with_fill() {
        let tree = offer_tree(vec![
            row(1, 10, Some((100, 10, 10))),
            row(1, 10, Some((101, 10, 5))),
            row(1, 11, None),
            row(2, 20, Some((200, 4, 3))),
        ]);
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[0].courses.len(), 2);
        assert_eq!(tree[0].courses[0].slots.len(), 2);
        assert!(tree[0].courses[1].slots.is_empty());
        assert_eq!(tree[0].fill_rate, 75);
        assert_eq!(tree[0].courses[0].slots[0].fill, "complet");
        assert_eq!(tree[0].courses[0].slots[0].when, "Mercredi 14:00–15:00");
        assert_eq!(tree[1].courses[0].slots[0].fill, "presque_complet");
        assert_eq!(
            tree[0].courses[1].seat_mode_label,
            "Horaire fixé avec le professeur en septembre"
        );
    }
}
