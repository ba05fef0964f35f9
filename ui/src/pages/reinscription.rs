//! La réinscription d'une famille, à sa place : une étape par écran, avec
//! le fil des étapes (où l'on est, ce qui est fait, ce qui manque), au
//! clavier. Chaque étape quittée est enregistrée comme brouillon sur le
//! serveur (reprise sur un autre poste, ou après une fenêtre fermée) ;
//! « Valider » envoie les choix de chaque enfant en une fois, et un nouvel
//! essai après une réponse perdue renvoie le même identifiant de requête et
//! n'enregistre rien deux fois.

use portee_api::{
    ApiError,
    offer::{JoinWaitingList, JoinWaitingListRequest},
    reinscription::{
        AttachDocument, AttachDocumentRequest, ChildDecision, ChildDraftData, ChildOutcome,
        ChildView, ChosenCourseInput, CourseDraftData, FamilyDraft, FamilyReinscriptionView,
        GetFamilyReinscription, GetFamilyReinscriptionRequest, OpenAcknowledgement,
        OpenAcknowledgementRequest, SaveAcknowledgement, SaveReinscriptionDraft,
        SaveReinscriptionDraftRequest, SavedDraft, ValidateFamily, ValidateFamilyRequest,
    },
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{
        Button, ButtonKind, SelectField, StatusKind, StatusMessage, TextField, YesNo, field_error,
    },
    shared::{SessionEvents, session_error},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Choice,
    Identity,
    Contact,
    Authorisations,
    Documents,
    Courses,
    Recap,
    Done,
}

impl Step {
    const ALL: [Step; 8] = [
        Step::Choice,
        Step::Identity,
        Step::Contact,
        Step::Authorisations,
        Step::Documents,
        Step::Courses,
        Step::Recap,
        Step::Done,
    ];

    fn label(self) -> &'static str {
        match self {
            Step::Choice => "Choix",
            Step::Identity => "Identité et scolarité",
            Step::Contact => "Coordonnées",
            Step::Authorisations => "Autorisations",
            Step::Documents => "Documents",
            Step::Courses => "Cours",
            Step::Recap => "Récapitulatif",
            Step::Done => "Finalisation",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Step::Choice => "choix",
            Step::Identity => "identite",
            Step::Contact => "coordonnees",
            Step::Authorisations => "autorisations",
            Step::Documents => "documents",
            Step::Courses => "cours",
            Step::Recap => "recapitulatif",
            Step::Done => "finalisation",
        }
    }

    fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.iter().copied().find(|s| s.slug() == slug)
    }
}

/// A next-year course as chosen for a child.
#[derive(Debug, Clone, PartialEq)]
struct CourseDraft {
    course_id: i64,
    keep: bool,
    slot: Option<i64>,
    /// Needs a slot (`seat_mode` = slot).
    by_slot: bool,
    level: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct ChildDraft {
    student_id: i64,
    /// `None` until answered: no answer is preselected.
    reinscrire: Option<bool>,
    reason: Option<String>,
    reason_text: String,
    image_rights: Option<bool>,
    may_leave_alone: Option<bool>,
    courses: Vec<CourseDraft>,
    request_id: String,
}

fn new_request_id() -> String {
    // A version 4 UUID from the webview's random numbers.
    let mut bytes = [0u8; 16];
    for b in &mut bytes {
        *b = (js_sys::Math::random() * 256.0) as u8;
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn draft_of(child: &ChildView) -> ChildDraft {
    // A validated dossier is corrected from what was validated: the
    // choice, the authorisations and the courses held; otherwise nothing
    // is preselected.
    let validated = child.dossier.as_ref().filter(|d| d.status == "validated");
    let reinscrire = validated.and_then(|d| match d.intent.as_deref() {
        Some("reinscrire") => Some(true),
        Some("ne_pas_reinscrire") => Some(false),
        _ => None,
    });
    let (reason, reason_text) = validated
        .and_then(|d| d.no_reason.as_deref())
        .filter(|_| reinscrire == Some(false))
        .and_then(|stored| {
            // Stored as « Libellé » or « Libellé : texte ».
            REASONS.iter().find(|r| stored.starts_with(r.1)).map(|r| {
                let text = stored[r.1.len()..].trim_start_matches([' ', ':']).trim();
                (Some(r.0.to_owned()), text.to_owned())
            })
        })
        .unwrap_or_default();
    ChildDraft {
        student_id: child.student_id,
        reinscrire,
        reason,
        reason_text,
        image_rights: validated.and_then(|d| d.image_rights),
        may_leave_alone: validated.and_then(|d| d.may_leave_alone),
        courses: child
            .courses
            .iter()
            .filter_map(|c| c.next.as_ref())
            .map(|n| CourseDraft {
                course_id: n.course_id,
                keep: reinscrire == Some(true) && n.held,
                slot: n.held_slot,
                by_slot: n.seat_mode == "slot",
                level: n.level.clone(),
            })
            .collect(),
        request_id: new_request_id(),
    }
}

/// What the screens hold, as the draft saved on the server.
struct Screens<'a> {
    step: Step,
    channel: &'a Option<String>,
    accepted: bool,
    info: &'a str,
    correction: &'a str,
    children: &'a [ChildDraft],
}

fn to_saved(s: &Screens<'_>) -> FamilyDraft {
    FamilyDraft {
        step: s.step.slug().to_owned(),
        channel: s.channel.clone(),
        accepted: s.accepted,
        additional_info: s.info.to_owned(),
        correction_reason: s.correction.to_owned(),
        children: s
            .children
            .iter()
            .map(|d| ChildDraftData {
                student_id: d.student_id,
                reinscrire: d.reinscrire,
                reason: d.reason.clone(),
                reason_text: d.reason_text.clone(),
                image_rights: d.image_rights,
                may_leave_alone: d.may_leave_alone,
                courses: d
                    .courses
                    .iter()
                    .map(|c| CourseDraftData {
                        course_id: c.course_id,
                        keep: c.keep,
                        slot_id: c.slot,
                        level: c.level.clone(),
                    })
                    .collect(),
                request_id: d.request_id.clone(),
            })
            .collect(),
    }
}

/// A saved child's draft laid over the fresh one: only the courses still
/// offered, only slots still listed (a slot full since is to be chosen again).
fn restore_child(fresh: &mut ChildDraft, saved: &ChildDraftData, child: &ChildView) {
    fresh.reinscrire = saved.reinscrire;
    fresh.reason = saved.reason.clone();
    fresh.reason_text = saved.reason_text.clone();
    fresh.image_rights = saved.image_rights;
    fresh.may_leave_alone = saved.may_leave_alone;
    fresh.request_id = saved.request_id.clone();
    for c in fresh.courses.iter_mut() {
        let Some(s) = saved.courses.iter().find(|s| s.course_id == c.course_id) else {
            continue;
        };
        c.keep = s.keep;
        let listed = |slot: i64| {
            child
                .courses
                .iter()
                .filter_map(|k| k.next.as_ref())
                .any(|n| n.course_id == c.course_id && n.slots.iter().any(|x| x.slot_id == slot))
        };
        c.slot = s.slot_id.filter(|slot| listed(*slot)).or(c.slot);
        if s.level.is_some() {
            c.level = s.level.clone();
        }
    }
}

/// « Comme l'an dernier »: re-enrol, every course continued at the level
/// proposed, the slot held (else the one at this year's day and time),
/// the authorisations already given.
fn like_last_year(child: &ChildView, draft: &mut ChildDraft) {
    draft.reinscrire = Some(true);
    if let Some(d) = &child.dossier {
        draft.image_rights = draft.image_rights.or(d.image_rights);
        draft.may_leave_alone = draft.may_leave_alone.or(d.may_leave_alone);
    }
    for (choice, course) in child
        .courses
        .iter()
        .filter(|c| c.next.is_some())
        .zip(draft.courses.iter_mut())
    {
        let Some(next) = &choice.next else { continue };
        course.keep = true;
        if course.slot.is_none() && next.seat_mode == "slot" {
            course.slot = next
                .slots
                .iter()
                .find(|s| {
                    let when: String = s.label.split(" · ").next().unwrap_or_default().to_owned();
                    choice.current.contains(&when)
                })
                .map(|s| s.slot_id);
        }
    }
}

const REASONS: [(&str, &str); 5] = [
    ("demenagement", "Déménagement"),
    ("arret", "Arrêt de l'activité"),
    ("horaires", "Horaires"),
    ("tarif", "Tarif"),
    ("autre", "Autre"),
];

/// What is missing before the family can be validated, step by step.
fn missing(view: &FamilyReinscriptionView, drafts: &[ChildDraft], step: Step) -> Vec<String> {
    let mut out = Vec::new();
    for (child, d) in view.children.iter().zip(drafts) {
        match step {
            Step::Choice => match d.reinscrire {
                None => out.push(format!("{} : choix à faire", child.name)),
                Some(false) if d.reason.is_none() => {
                    out.push(format!("{} : motif à choisir", child.name))
                }
                Some(false)
                    if d.reason.as_deref() == Some("autre") && d.reason_text.trim().is_empty() =>
                {
                    out.push(format!("{} : motif « autre » à préciser", child.name));
                }
                _ => {}
            },
            Step::Authorisations
                if d.reinscrire == Some(true)
                    && (d.image_rights.is_none() || d.may_leave_alone.is_none()) =>
            {
                out.push(format!("{} : autorisations à renseigner", child.name));
            }
            Step::Courses if d.reinscrire == Some(true) => {
                for c in d
                    .courses
                    .iter()
                    .filter(|c| c.keep && c.by_slot && c.slot.is_none())
                {
                    let name = child
                        .courses
                        .iter()
                        .filter_map(|x| x.next.as_ref())
                        .find(|n| n.course_id == c.course_id)
                        .map_or(String::new(), |n| n.name.clone());
                    out.push(format!(
                        "{} : créneau à choisir pour « {name} »",
                        child.name
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct ReinscriptionProps {
    pub student_id: i64,
    /// Called after a validation (the fiche reads itself again).
    #[prop_or_default]
    pub on_done: Callback<()>,
    /// The fiche's Identité panel (step 2).
    #[prop_or_default]
    pub identity: Html,
    /// The family's coordonnées form (step 3).
    #[prop_or_default]
    pub contact: Html,
}

#[component]
pub fn ReinscriptionFlow(props: &ReinscriptionProps) -> Html {
    let events = use_context::<SessionEvents>();
    let view = use_state(|| None::<Result<FamilyReinscriptionView, ApiError>>);
    let drafts = use_state(Vec::<ChildDraft>::new);
    let step = use_state(|| Step::Choice);
    let channel = use_state(|| None::<String>);
    let accepted = use_state(|| false);
    let info = use_state(String::new);
    let correction = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Vec<ChildOutcome>>);
    // A child put on a full slot's waiting list from the Cours step: what
    // it did (or why not).
    let waiting_note = use_state(|| None::<Result<String, String>>);
    let generation = use_state(|| 0u32);
    let opened = use_state(|| None::<Result<String, String>>);
    // The server draft's version these screens stand on, what was said when
    // it was taken back, and a save refused because another workstation
    // saved first (its message and draft).
    let draft_version = use_state(|| None::<i32>);
    let draft_notice = use_state(|| None::<String>);
    let draft_conflict = use_state(|| None::<(String, Option<SavedDraft>)>);
    // Attaching documents: the dates typed per type, the type being
    // attached, the last refusal (type, reason) and the last success.
    let doc_dates = use_state(Vec::<(String, String)>::new);
    let attaching = use_state(|| None::<String>);
    let attach_error = use_state(|| None::<(String, String)>);
    let attach_message = use_state(|| None::<String>);
    // A new step: the focus goes to its title, so that a screen reader
    // says where the user is and Tab goes on into the step's content.
    use_effect_with(*step, |_| crate::shared::focus_by_id("titre-etape"));
    let apply_saved = {
        let (drafts, step, channel, accepted, info, correction, draft_version) = (
            drafts.clone(),
            step.clone(),
            channel.clone(),
            accepted.clone(),
            info.clone(),
            correction.clone(),
            draft_version.clone(),
        );
        move |v: &FamilyReinscriptionView, saved: &SavedDraft, base: Vec<ChildDraft>| {
            let mut next = base;
            for (d, child) in next.iter_mut().zip(&v.children) {
                if let Some(s) = saved
                    .draft
                    .children
                    .iter()
                    .find(|s| s.student_id == d.student_id)
                {
                    restore_child(d, s, child);
                }
            }
            drafts.set(next);
            let at = Step::from_slug(&saved.draft.step)
                .filter(|s| *s != Step::Done)
                .unwrap_or(Step::Choice);
            step.set(at);
            channel.set(saved.draft.channel.clone());
            accepted.set(saved.draft.accepted);
            info.set(saved.draft.additional_info.clone());
            correction.set(saved.draft.correction_reason.clone());
            draft_version.set(Some(saved.version));
        }
    };
    {
        let (view, drafts, events) = (view.clone(), drafts.clone(), events.clone());
        let (apply_saved, draft_notice) = (apply_saved.clone(), draft_notice.clone());
        use_effect_with((props.student_id, *generation), move |(id, _)| {
            let request = GetFamilyReinscriptionRequest { student_id: *id };
            spawn_local(async move {
                match api::call::<GetFamilyReinscription>(&request).await {
                    Ok(v) if drafts.is_empty() && v.draft.is_some() => {
                        // First opening: the draft left here or elsewhere.
                        if let Some(saved) = &v.draft {
                            apply_saved(&v, saved, v.children.iter().map(draft_of).collect());
                            draft_notice.set(Some(format!(
                                "Brouillon repris : enregistré par {} le {}.",
                                saved.saved_by, saved.saved_at
                            )));
                        }
                        view.set(Some(Ok(v)));
                    }
                    Ok(v) => {
                        // A reload (a slot full meanwhile) keeps what was typed,
                        // but a slot no longer offered is to be chosen again.
                        let mut next: Vec<ChildDraft> = v.children.iter().map(draft_of).collect();
                        for (d, child) in next.iter_mut().zip(&v.children) {
                            if let Some(old) = drafts.iter().find(|o| o.student_id == d.student_id)
                            {
                                let fresh_courses = d.courses.clone();
                                *d = old.clone();
                                for c in d.courses.iter_mut() {
                                    let still =
                                        fresh_courses.iter().any(|f| f.course_id == c.course_id);
                                    if !still {
                                        c.keep = false;
                                    }
                                    let offered = |slot: i64| {
                                        child.courses.iter().filter_map(|k| k.next.as_ref()).any(
                                            |n| {
                                                n.course_id == c.course_id
                                                    && n.slots.iter().any(|x| x.slot_id == slot)
                                            },
                                        )
                                    };
                                    c.slot = c.slot.filter(|s| offered(*s));
                                }
                            }
                        }
                        drafts.set(next);
                        view.set(Some(Ok(v)));
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            view.set(Some(Err(e)));
                        }
                    }
                }
            });
        });
    }
    let v = match &*view {
        None => return html! { <p aria-busy="true">{ "Chargement de la réinscription…" }</p> },
        Some(Err(e)) => {
            return html! { <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage> };
        }
        Some(Ok(v)) => v.clone(),
    };
    // « Ouvrir » and « Enregistrer sous… » of an accusé: the same request,
    // the same answer shown.
    fn ack_action<C>(
        opened: &UseStateHandle<Option<Result<String, String>>>,
        events: &Option<SessionEvents>,
    ) -> Callback<i64>
    where
        C: portee_api::Command<
                Request = OpenAcknowledgementRequest,
                Response = portee_api::families::OpenDocumentResponse,
            > + 'static,
    {
        let (opened, events) = (opened.clone(), events.clone());
        Callback::from(move |student_id: i64| {
            let (opened, events) = (opened.clone(), events.clone());
            spawn_local(async move {
                match api::call::<C>(&OpenAcknowledgementRequest { student_id }).await {
                    Ok(r) => opened.set(Some(Ok(r.message))),
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            opened.set(Some(Err(e.message)));
                        }
                    }
                }
            });
        })
    }
    let open_ack = ack_action::<OpenAcknowledgement>(&opened, &events);
    let save_ack = ack_action::<SaveAcknowledgement>(&opened, &events);
    let update = {
        let drafts = drafts.clone();
        move |index: usize, change: Box<dyn Fn(&mut ChildDraft)>| {
            let mut next = (*drafts).clone();
            if let Some(d) = next.get_mut(index) {
                change(d);
            }
            drafts.set(next);
        }
    };
    let attach_doc = {
        let (attaching, attach_error, attach_message, generation, events) = (
            attaching.clone(),
            attach_error.clone(),
            attach_message.clone(),
            generation.clone(),
            events.clone(),
        );
        let student_id = props.student_id;
        Callback::from(move |(code, date): (String, String)| {
            if attaching.is_some() {
                return;
            }
            attaching.set(Some(code.clone()));
            attach_error.set(None);
            attach_message.set(None);
            let (attaching, attach_error, attach_message, generation, events) = (
                attaching.clone(),
                attach_error.clone(),
                attach_message.clone(),
                generation.clone(),
                events.clone(),
            );
            let request = AttachDocumentRequest {
                student_id,
                doc_type: code.clone(),
                document_date: date,
            };
            spawn_local(async move {
                match api::call::<AttachDocument>(&request).await {
                    Ok(r) => {
                        attach_message.set(Some(r.message));
                        if r.attached {
                            // The list's states are read again; what was typed stays.
                            generation.set(*generation + 1);
                        }
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            attach_error.set(Some((code, e.message)));
                        }
                    }
                }
                attaching.set(None);
            });
        })
    };
    let current = *step;
    // Saves the screens as the server draft, standing on `expected`.
    let save_draft = {
        let (draft_version, draft_conflict, events) = (
            draft_version.clone(),
            draft_conflict.clone(),
            events.clone(),
        );
        let student_id = props.student_id;
        Callback::from(move |(draft, expected): (FamilyDraft, Option<i32>)| {
            let (draft_version, draft_conflict, events) = (
                draft_version.clone(),
                draft_conflict.clone(),
                events.clone(),
            );
            let request = SaveReinscriptionDraftRequest {
                student_id,
                expected_version: expected,
                draft,
            };
            spawn_local(async move {
                match api::call::<SaveReinscriptionDraft>(&request).await {
                    Ok(r) => match r.message {
                        None => {
                            draft_version.set(r.version);
                            draft_conflict.set(None);
                        }
                        Some(message) => {
                            draft_version.set(r.version);
                            draft_conflict.set(Some((message, r.conflict)));
                        }
                    },
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            draft_conflict.set(Some((
                                format!("Brouillon non enregistré : {}", e.message),
                                None,
                            )));
                        }
                    }
                }
            });
        })
    };
    let go = {
        let (step, error) = (step.clone(), error.clone());
        let (save_draft, draft_version) = (save_draft.clone(), draft_version.clone());
        let screens = to_saved(&Screens {
            step: current,
            channel: &channel,
            accepted: *accepted,
            info: info.as_str(),
            correction: correction.as_str(),
            children: &drafts,
        });
        let finished = outcome.is_some();
        Callback::from(move |s: Step| {
            error.set(None);
            if s != current && !finished && s != Step::Done {
                // The step left is kept as a draft; taking it back opens
                // the step gone to.
                let mut draft = screens.clone();
                draft.step = s.slug().to_owned();
                save_draft.emit((draft, *draft_version));
            }
            step.set(s);
        })
    };
    let stepper = html! {
        <nav aria-label="Étapes de la réinscription">
            <ol class="stepper" id="etapes">
                { for Step::ALL.iter().map(|&s| {
                    let gaps = missing(&v, &drafts, s);
                    let state = if s == current { "en cours" } else if s.index() < current.index() && gaps.is_empty() { "fait" } else if !gaps.is_empty() { "à compléter" } else { "" };
                    let disabled = s == Step::Done && outcome.is_none();
                    html! {
                        <li class={classes!("step", (s == current).then_some("step-current"), (!gaps.is_empty()).then_some("step-missing"))}>
                            <button type="button" id={format!("etape-{}", s.slug())} disabled={disabled}
                                aria-current={(s == current).then_some("step")}
                                onclick={let go = go.clone(); Callback::from(move |_: MouseEvent| go.emit(s))}>
                                { format!("{}. {}", s.index() + 1, s.label()) }
                                if !state.is_empty() { <span class="step-state">{ format!(" ({state})") }</span> }
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    };
    let nav = {
        let i = current.index();
        let prev = (i > 0 && current != Step::Done).then(|| Step::ALL[i - 1]);
        let next = (i + 1 < Step::ALL.len() && current != Step::Recap && current != Step::Done)
            .then(|| Step::ALL[i + 1]);
        html! {
            <div class="form-actions step-nav">
                if let Some(p) = prev {
                    <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("etape-precedente"))}
                        onclick={let go = go.clone(); Callback::from(move |()| go.emit(p))}>{ "← Étape précédente" }</Button>
                }
                if let Some(n) = next {
                    <Button id={Some(AttrValue::from("etape-suivante"))}
                        onclick={let go = go.clone(); Callback::from(move |()| go.emit(n))}>{ "Étape suivante →" }</Button>
                }
            </div>
        }
    };
    let gaps = missing(&v, &drafts, current);
    let body = match current {
        Step::Choice => html! {
            <>
                <p class="hint">{ format!("{} — dates : du {} au {}.", v.campaign_label, v.opens_on, v.closes_on) }</p>
                if v.hidden_children > 0 {
                    <p class="hint">{ format!("{} enfant(s) de la famille suivi(s) sur un autre site : leur réinscription relève de ce site.", v.hidden_children) }</p>
                }
                { for v.children.iter().enumerate().map(|(i, child)| {
                    let d = drafts.get(i).cloned();
                    let Some(d) = d else { return html! {} };
                    let set = update.clone();
                    let status = child.dossier.as_ref().map_or("Pas de réponse".to_owned(), |x| match &x.acknowledgement_number {
                        Some(n) => format!("{} ({n}, version {})", x.status_label, x.acknowledgement_version),
                        None => x.status_label.clone(),
                    });
                    let like = {
                        let set = set.clone();
                        let child = child.clone();
                        Callback::from(move |()| { let child = child.clone(); set(i, Box::new(move |d| like_last_year(&child, d))) })
                    };
                    let choose = |answer: bool| {
                        let set = set.clone();
                        Callback::from(move |_: Event| set(i, Box::new(move |d| d.reinscrire = Some(answer))))
                    };
                    let id = |what: &str| format!("enfant-{}-{what}", child.student_id);
                    html! {
                        <fieldset class="child-choice" id={id("choix")}>
                            <legend>{ format!("{} · {} · né(e) le {}", child.name, child.site_name, child.birth_date) }</legend>
                            <p class="hint">{ format!("Dossier : {status}") }</p>
                            <div class="yes-no-options">
                                <label class="choice" for={id("oui")}>
                                    <input type="radio" id={id("oui")} name={id("intention")} checked={d.reinscrire == Some(true)} onchange={choose(true)} />
                                    { "Je souhaite réinscrire" }
                                </label>
                                <label class="choice" for={id("non")}>
                                    <input type="radio" id={id("non")} name={id("intention")} checked={d.reinscrire == Some(false)} onchange={choose(false)} />
                                    { "Je ne souhaite pas réinscrire" }
                                </label>
                            </div>
                            <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from(id("comme-an-dernier")))} onclick={like}>
                                { "Comme l'an dernier" }
                            </Button>
                            if d.reinscrire == Some(false) {
                                <SelectField id={AttrValue::from(id("motif"))} label="Motif" required=true
                                    options={REASONS.iter().map(|(c, l)| (AttrValue::from(*c), AttrValue::from(*l))).collect::<Vec<_>>()}
                                    value={d.reason.clone().map(AttrValue::from)}
                                    error={field_error(&error, &id("motif"))}
                                    onchange={let set = set.clone(); Callback::from(move |r: Option<String>| set(i, Box::new(move |d| d.reason = r.clone())))} />
                                <TextField id={AttrValue::from(id("precision"))} label="Précision (facultative, obligatoire pour « autre »)"
                                    value={AttrValue::from(d.reason_text.clone())}
                                    oninput={let set = set.clone(); Callback::from(move |t: String| set(i, Box::new(move |d| d.reason_text = t.clone())))} />
                            }
                        </fieldset>
                    }
                }) }
            </>
        },
        Step::Identity => html! {
            <>
                <p class="hint">{ "Vérifiez avec la famille l'identité et la scolarité de l'enfant ; celles d'un frère ou d'une sœur se lisent dans sa fiche." }</p>
                { props.identity.clone() }
                <h4>{ "Enfants de la famille dans cette réinscription" }</h4>
                <ul>{ for v.children.iter().map(|c| html! { <li>{ format!("{} · né(e) le {} · {}", c.name, c.birth_date, c.site_name) }</li> }) }</ul>
            </>
        },
        Step::Contact => html! {
            <>
                <p class="hint">{ "Les coordonnées de la famille : les champs obligatoires sont marqués ; « Enregistrer » les modifie aussitôt, avec leur historique." }</p>
                { props.contact.clone() }
            </>
        },
        Step::Authorisations => html! {
            <>
                { for v.children.iter().enumerate().filter(|(i, _)| drafts.get(*i).is_some_and(|d| d.reinscrire == Some(true))).map(|(i, child)| {
                    let d = drafts[i].clone();
                    let set = update.clone();
                    let id = |what: &str| AttrValue::from(format!("enfant-{}-{what}", child.student_id));
                    html! {
                        <fieldset class="child-choice">
                            <legend>{ child.name.clone() }</legend>
                            <YesNo id={id("image")} legend="Droit à l'image" required=true value={d.image_rights}
                                error={field_error(&error, &format!("enfant-{}-autorisations", child.student_id))}
                                onchange={let set = set.clone(); Callback::from(move |b: bool| set(i, Box::new(move |d| d.image_rights = Some(b))))} />
                            <YesNo id={id("sortie")} legend="Autorisation de sortie seul(e)" required=true value={d.may_leave_alone}
                                onchange={let set = set.clone(); Callback::from(move |b: bool| set(i, Box::new(move |d| d.may_leave_alone = Some(b))))} />
                        </fieldset>
                    }
                }) }
                if !drafts.iter().any(|d| d.reinscrire == Some(true)) {
                    <p>{ "Aucun enfant n'est réinscrit : pas d'autorisation à renseigner." }</p>
                }
            </>
        },
        Step::Documents => html! {
            <>
                <p>{ format!("Les documents peuvent être déposés jusqu'au {} ; ceux qui manquent alors sont listés dans le dossier.", v.documents_deadline) }</p>
                <p class="hint">{ "Chaque PDF est vérifié à l'ajout (PDF lisible, sans mot de passe, 10 Mio et 50 pages au plus, sans contenu actif) et refusé sinon, avec la raison." }</p>
                <table class="data-table" id="documents-dus">
                    <thead><tr><th>{ "Document" }</th><th>{ "Obligatoire" }</th><th>{ "État" }</th><th>{ "Ajouter" }</th></tr></thead>
                    <tbody>
                        { for v.documents.iter().map(|d| {
                            let code = d.code.clone();
                            let date_id = format!("document-{code}-date");
                            let typed = doc_dates.iter().find(|(c, _)| *c == code).map(|(_, t)| t.clone()).unwrap_or_default();
                            let on_date = {
                                let (doc_dates, code) = (doc_dates.clone(), code.clone());
                                Callback::from(move |t: String| {
                                    let mut next: Vec<(String, String)> = doc_dates.iter().filter(|(c, _)| *c != code).cloned().collect();
                                    next.push((code.clone(), t));
                                    doc_dates.set(next);
                                })
                            };
                            let attach = {
                                let (attach_doc, code, typed) = (attach_doc.clone(), code.clone(), typed.clone());
                                Callback::from(move |()| attach_doc.emit((code.clone(), typed.clone())))
                            };
                            html! {
                                <tr>
                                    <td>{ d.description.clone() }</td>
                                    <td>{ if d.mandatory { "Oui" } else { "Non" } }</td>
                                    <td id={format!("document-{code}-etat")}>{ d.status_label.clone() }</td>
                                    <td>
                                        <TextField id={AttrValue::from(date_id.clone())} label="Date du document (JJ/MM/AAAA)"
                                            value={AttrValue::from(typed)} oninput={on_date}
                                            error={(attach_error.as_ref().filter(|(c, _)| *c == code)).map(|(_, m)| AttrValue::from(m.clone()))} />
                                        <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from(format!("document-{code}-joindre")))}
                                            busy={attaching.as_deref() == Some(code.as_str())} onclick={attach}>{ "Joindre un PDF…" }</Button>
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                if let Some(message) = (*attach_message).clone() {
                    <StatusMessage kind={StatusKind::Success} id={Some(AttrValue::from("document-message"))}>{ message }</StatusMessage>
                }
            </>
        },
        Step::Courses => html! {
            <>
                { for v.children.iter().enumerate().filter(|(i, _)| drafts.get(*i).is_some_and(|d| d.reinscrire == Some(true))).map(|(i, child)| {
                    let d = drafts[i].clone();
                    let set = update.clone();
                    html! {
                        <fieldset class="child-choice" id={format!("enfant-{}-cours", child.student_id)}>
                            <legend>{ child.name.clone() }</legend>
                            if child.cham { <p class="hint">{ "Élève CHAM : pas d'horaire à choisir." }</p> }
                            if child.courses.is_empty() { <p>{ "Aucun cours cette année." }</p> }
                            <ul class="course-choices">
                            { for child.courses.iter().map(|choice| {
                                let Some(next) = &choice.next else {
                                    return html! { <li><span>{ choice.current.clone() }</span><p class="hint">{ choice.no_course.clone().unwrap_or_default() }</p></li> };
                                };
                                let Some(ci) = d.courses.iter().position(|c| c.course_id == next.course_id) else { return html! {} };
                                let draft = d.courses[ci].clone();
                                let box_id = format!("enfant-{}-cours-{}", child.student_id, next.course_id);
                                let toggle = { let set = set.clone(); Callback::from(move |_: Event| set(i, Box::new(move |d| d.courses[ci].keep = !d.courses[ci].keep))) };
                                let level = next.level.clone().map(|l| if next.moved_up { format!(" · niveau {l} (passage)") } else { format!(" · niveau {l}") }).unwrap_or_default();
                                html! {
                                    <li>
                                        <label class="choice" for={box_id.clone()}>
                                            <input type="checkbox" id={box_id.clone()} checked={draft.keep} onchange={toggle} />
                                            { format!("Réinscription : {}{level}", next.name) }
                                        </label>
                                        <p class="hint">{ format!("Cette année : {}", choice.current) }</p>
                                        if draft.keep && next.seat_mode == "slot" {
                                            <SelectField id={AttrValue::from(format!("{box_id}-creneau"))} label="Créneau (seuls ceux qui ont des places sont proposés)" required=true
                                                options={next.slots.iter().map(|s| (AttrValue::from(s.slot_id.to_string()), AttrValue::from(format!("{} — {} place(s)", s.label, s.seats_left)))).collect::<Vec<_>>()}
                                                value={draft.slot.map(|s| AttrValue::from(s.to_string()))}
                                                error={draft.slot.and_then(|s| field_error(&error, &format!("creneau-{s}")))}
                                                onchange={let set = set.clone(); Callback::from(move |s: Option<String>| {
                                                    let slot = s.and_then(|s| s.parse().ok());
                                                    set(i, Box::new(move |d| d.courses[ci].slot = slot))
                                                })} />
                                        }
                                        if draft.keep && next.seat_mode == "slot" && !next.full_slots.is_empty() {
                                            <div class="waiting-offer">
                                                <p class="hint">{ "Créneaux complets : l'élève peut y attendre une place (liste d'attente, dans l'ordre d'inscription)." }</p>
                                                { for next.full_slots.iter().map(|fs| {
                                                    let (slot_id, student, label) = (fs.slot_id, child.student_id, fs.label.clone());
                                                    let onclick = {
                                                        let (note, events, label) = (waiting_note.clone(), events.clone(), label.clone());
                                                        Callback::from(move |_: MouseEvent| {
                                                            let (note, events, label) = (note.clone(), events.clone(), label.clone());
                                                            spawn_local(async move {
                                                                let request = JoinWaitingListRequest { slot_id, student: student.to_string() };
                                                                match api::call::<JoinWaitingList>(&request).await {
                                                                    Ok(done) => note.set(Some(Ok(format!("{} — {label}", done.notice)))),
                                                                    Err(e) => {
                                                                        if let Some(e) = session_error(&events, e) {
                                                                            note.set(Some(Err(e.message)));
                                                                        }
                                                                    }
                                                                }
                                                            });
                                                        })
                                                    };
                                                    html! {
                                                        <button type="button" class="btn btn-secondary" id={format!("attente-{student}-{slot_id}")} {onclick}>
                                                            { format!("Liste d'attente : {label}") }
                                                        </button>
                                                    }
                                                }) }
                                            </div>
                                        }
                                        if draft.keep && next.seat_mode != "slot" {
                                            <p class="hint">{ next.note.clone().unwrap_or_default() }</p>
                                        }
                                    </li>
                                }
                            }) }
                            </ul>
                        </fieldset>
                    }
                }) }
                if let Some(result) = &*waiting_note {
                    <StatusMessage kind={if result.is_ok() { StatusKind::Success } else { StatusKind::Error }} id={Some(AttrValue::from("attente-message"))}>
                        { result.clone().unwrap_or_else(|e| e) }
                    </StatusMessage>
                }
            </>
        },
        Step::Recap => {
            let all_gaps: Vec<String> = [Step::Choice, Step::Authorisations, Step::Courses]
                .iter()
                .flat_map(|s| missing(&v, &drafts, *s))
                .collect();
            let validated_before = v
                .children
                .iter()
                .any(|c| c.dossier.as_ref().is_some_and(|d| d.status == "validated"));
            let submit = {
                let (
                    drafts,
                    channel,
                    accepted,
                    info,
                    correction,
                    error,
                    busy,
                    outcome,
                    step,
                    generation,
                ) = (
                    drafts.clone(),
                    channel.clone(),
                    accepted.clone(),
                    info.clone(),
                    correction.clone(),
                    error.clone(),
                    busy.clone(),
                    outcome.clone(),
                    step.clone(),
                    generation.clone(),
                );
                let v = v.clone();
                let events = events.clone();
                let student_id = props.student_id;
                let on_done = props.on_done.clone();
                Callback::from(move |()| {
                    if *busy {
                        return;
                    }
                    let request = ValidateFamilyRequest {
                        student_id,
                        channel: (*channel).clone().unwrap_or_default(),
                        accepted: *accepted,
                        additional_info: (*info).clone(),
                        children: v
                            .children
                            .iter()
                            .zip(drafts.iter())
                            .map(|(c, d)| ChildDecision {
                                student_id: c.student_id,
                                dossier: c.dossier.as_ref().map(|x| (x.id, x.version)),
                                request_id: d.request_id.clone(),
                                reinscrire: d.reinscrire == Some(true),
                                reason_code: d.reason.clone().unwrap_or_default(),
                                reason_text: d.reason_text.clone(),
                                image_rights: d.image_rights,
                                may_leave_alone: d.may_leave_alone,
                                courses: d
                                    .courses
                                    .iter()
                                    .filter(|x| x.keep)
                                    .map(|x| ChosenCourseInput {
                                        course_id: x.course_id,
                                        slot_id: x.slot.filter(|_| x.by_slot),
                                        level: x.level.clone(),
                                        level_changed: false,
                                    })
                                    .collect(),
                                correction_reason: (*correction).clone(),
                            })
                            .collect(),
                    };
                    busy.set(true);
                    let (error, busy, outcome, step, generation, events, on_done) = (
                        error.clone(),
                        busy.clone(),
                        outcome.clone(),
                        step.clone(),
                        generation.clone(),
                        events.clone(),
                        on_done.clone(),
                    );
                    spawn_local(async move {
                        match api::call::<ValidateFamily>(&request).await {
                            Ok(done) => {
                                error.set(None);
                                outcome.set(Some(done));
                                step.set(Step::Done);
                                on_done.emit(());
                            }
                            Err(e) => {
                                if let Some(e) = session_error(&events, e) {
                                    // A slot full meanwhile: the list is read again.
                                    if e.field
                                        .as_deref()
                                        .is_some_and(|f| f.starts_with("creneau-"))
                                    {
                                        generation.set(*generation + 1);
                                    }
                                    error.set(Some(e));
                                }
                            }
                        }
                        busy.set(false);
                    });
                })
            };
            html! {
                <>
                    { for v.children.iter().zip(drafts.iter()).map(|(c, d)| html! {
                        <section class="recap-child">
                            <h2>{ c.name.clone() }</h2>
                            { match d.reinscrire {
                                Some(true) => html! {
                                    <>
                                        <p>{ "Je souhaite réinscrire." }</p>
                                        <ul>
                                            { for d.courses.iter().filter(|x| x.keep).map(|x| {
                                                let next = c.courses.iter().filter_map(|k| k.next.as_ref()).find(|n| n.course_id == x.course_id);
                                                let slot = next.and_then(|n| n.slots.iter().find(|s| Some(s.slot_id) == x.slot)).map(|s| s.label.clone());
                                                let when = slot.or_else(|| next.and_then(|n| n.note.clone())).unwrap_or_else(|| "créneau à choisir".into());
                                                html! { <li>{ format!("{} — {when}", next.map_or(String::new(), |n| n.name.clone())) }</li> }
                                            }) }
                                        </ul>
                                        <p>{ format!("Droit à l'image : {} · Sortie seul(e) : {}",
                                            d.image_rights.map_or("à renseigner", |b| if b { "oui" } else { "non" }),
                                            d.may_leave_alone.map_or("à renseigner", |b| if b { "oui" } else { "non" })) }</p>
                                    </>
                                },
                                Some(false) => html! { <p>{ format!("Je ne souhaite pas réinscrire — {}", REASONS.iter().find(|r| Some(r.0) == d.reason.as_deref()).map_or("motif à choisir", |r| r.1)) }</p> },
                                None => html! { <p class="hint">{ "Choix à faire." }</p> },
                            } }
                        </section>
                    }) }
                    <TextField id="information" label="Information complémentaire (par exemple l'instrument souhaité)"
                        value={AttrValue::from((*info).clone())} error={field_error(&error, "information")}
                        oninput={let info = info.clone(); Callback::from(move |t: String| info.set(t))} />
                    if validated_before {
                        <TextField id="motif-correction" label="Motif de la correction (dossier déjà validé)" required=true
                            value={AttrValue::from((*correction).clone())}
                            oninput={let c = correction.clone(); Callback::from(move |t: String| c.set(t))} />
                    }
                    <SelectField id="canal" label="La famille est" required=true
                        options={vec![(AttrValue::from("desk"), AttrValue::from("au guichet")), (AttrValue::from("phone"), AttrValue::from("au téléphone"))]}
                        value={(*channel).clone().map(AttrValue::from)} error={field_error(&error, "channel")}
                        onchange={let c = channel.clone(); Callback::from(move |x: Option<String>| c.set(x))} />
                    <label class="choice" for="accepte">
                        <input type="checkbox" id="accepte" checked={*accepted}
                            onchange={let a = accepted.clone(); Callback::from(move |_: Event| a.set(!*a))} />
                        { "J'accepte (coché au nom de la famille, qui a donné son accord)" }
                    </label>
                    if let Some(msg) = field_error(&error, "accepte") { <p class="field-error">{ msg }</p> }
                    if !all_gaps.is_empty() {
                        <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("manques"))}>
                            { "Il manque encore : " }{ all_gaps.join(" ; ") }
                        </StatusMessage>
                    }
                    if let Some(msg) = v.refusal.clone() {
                        <StatusMessage kind={StatusKind::Info}>{ msg }</StatusMessage>
                    }
                    <div class="form-actions">
                        <Button id={Some(AttrValue::from("valider"))} busy={*busy}
                            disabled={!all_gaps.is_empty() || v.refusal.is_some()} onclick={submit}>{ "Valider" }</Button>
                    </div>
                </>
            }
        }
        Step::Done => html! {
            <>
                <StatusMessage kind={StatusKind::Success} id={Some(AttrValue::from("finalisation"))}>
                    { "Réinscription enregistrée. L'accusé de réception est placé dans la file d'envoi vers " }
                    { v.recipient.clone().unwrap_or_else(|| "la famille (aucune adresse électronique connue)".into()) }{ "." }
                </StatusMessage>
                <ul id="accuses">
                    { for outcome.iter().flatten().map(|o| {
                        let id = o.student_id;
                        html! {
                        <li>{ match &o.acknowledgement_number {
                            Some(n) => format!("{} : réinscrit(e) — accusé de réception n° {n} (version {})", o.name, o.acknowledgement_version),
                            None => format!("{} : ne se réinscrit pas (enregistré)", o.name),
                        } }
                        if o.acknowledgement_number.is_some() {
                            { " " }
                            <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from(format!("accuse-{id}")))}
                                onclick={let open = open_ack.clone(); Callback::from(move |()| open.emit(id))}>
                                { "Ouvrir l'accusé de réception (PDF)" }
                            </Button>
                            { " " }
                            <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from(format!("accuse-{id}-enregistrer")))}
                                onclick={let save = save_ack.clone(); Callback::from(move |()| save.emit(id))}>
                                { "Enregistrer sous…" }
                            </Button>
                        }
                        </li>
                    }}) }
                </ul>
                if let Some(result) = &*opened {
                    <StatusMessage kind={if result.is_ok() { StatusKind::Success } else { StatusKind::Error }} id={Some(AttrValue::from("accuse-message"))}>
                        { result.clone().unwrap_or_else(|e| e) }
                    </StatusMessage>
                }
            </>
        },
    };
    let general_error = (*error).clone().filter(|e| {
        e.field.is_none()
            || e.field
                .as_deref()
                .is_some_and(|f| f.starts_with("creneau-") || f == "children")
    });
    html! {
        <section class="reinscription" id="reinscription" aria-labelledby="titre-reinscription">
            <h2 id="titre-reinscription">{ format!("Réinscription de la famille — {}", v.school_year_label) }</h2>
            { stepper }
            <h3 id="titre-etape" tabindex="-1">{ format!("Étape {} : {}", current.index() + 1, current.label()) }</h3>
            if let Some(e) = general_error {
                <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("reinscription-erreur"))}>{ e.message.clone() }</StatusMessage>
            }
            if let Some(notice) = (*draft_notice).clone() {
                <p class="hint" id="brouillon-repris">{ notice }</p>
            }
            if let Some((message, theirs)) = (*draft_conflict).clone() {
                <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("brouillon-conflit"))}>
                    { message }
                    <div class="form-actions">
                        if draft_version.is_some() {
                            <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("brouillon-garder"))}
                                onclick={
                                    let (save_draft, draft_version) = (save_draft.clone(), draft_version.clone());
                                    let mine = to_saved(&Screens { step: current, channel: &channel, accepted: *accepted, info: info.as_str(), correction: correction.as_str(), children: &drafts });
                                    Callback::from(move |()| save_draft.emit((mine.clone(), *draft_version)))
                                }>{ "Garder mes saisies" }</Button>
                        }
                        if let Some(theirs) = theirs {
                            <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("brouillon-reprendre"))}
                                onclick={
                                    let (apply_saved, draft_conflict, v, drafts) = (apply_saved.clone(), draft_conflict.clone(), v.clone(), drafts.clone());
                                    Callback::from(move |()| {
                                        let base = v.children.iter().map(draft_of).map(|mut d| {
                                            if let Some(old) = drafts.iter().find(|o| o.student_id == d.student_id) { d.request_id = old.request_id.clone(); }
                                            d
                                        }).collect();
                                        apply_saved(&v, &theirs, base);
                                        draft_conflict.set(None);
                                    })
                                }>{ "Reprendre celles de l'autre poste" }</Button>
                        }
                        if draft_version.is_none() {
                            <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("brouillon-recharger"))}
                                onclick={
                                    let (generation, draft_conflict) = (generation.clone(), draft_conflict.clone());
                                    Callback::from(move |()| { draft_conflict.set(None); generation.set(*generation + 1); })
                                }>{ "Recharger" }</Button>
                        }
                    </div>
                </StatusMessage>
            }
            if !gaps.is_empty() && current != Step::Recap {
                <p class="hint" id="etape-manques">{ format!("À compléter : {}", gaps.join(" ; ")) }</p>
            }
            { body }
            { nav }
        </section>
    }
}
