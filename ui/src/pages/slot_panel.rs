//! Le panneau d'un créneau : sa liste de classe (changer un élève de
//! créneau, le retirer avec un motif), sa liste d'attente (ajouter un
//! élève, changer un rang avec un motif) et, quand une place se libère, la
//! proposition au premier de la liste : « Proposer la place » la lui
//! réserve pendant le délai de la campagne, puis « Confirmer » (la famille
//! accepte) ou « Refus de la famille » (elle passe au suivant) ; sans
//! réponse dans le délai, elle passe d'elle-même au suivant.

use portee_api::{
    ApiError,
    offer::{
        AddSlot, AddSlotRequest, ConfirmSeatOffer, DeclineSeatOffer, GetSlotDetail,
        JoinWaitingList, JoinWaitingListRequest, MoveStudent, MoveStudentRequest, OfferFreedSeat,
        ReorderWaitingList, ReorderWaitingListRequest, SeatOfferRequest, SlotDetail, SlotRequest,
        UpdateSlot, UpdateSlotRequest, WithdrawStudent, WithdrawStudentRequest,
    },
};
use portee_domain::seats::SlotInput;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{StatusKind, StatusMessage},
    shared::{SessionEvents, session_error},
};

#[derive(Properties, PartialEq)]
pub struct SlotPanelProps {
    pub slot_id: i64,
    /// The slot's seats as the offer page last read them: when they change
    /// (a seat taken or freed on another workstation), the panel reads its
    /// lists again.
    pub seats: (i32, i32, i64),
    pub onclose: Callback<()>,
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

/// A change of the panel's lists: sent, then the panel shows what it did
/// (or why not) and the lists as they now are.
enum Change {
    Move(MoveStudentRequest),
    Withdraw(WithdrawStudentRequest),
    Join(JoinWaitingListRequest),
    Reorder(ReorderWaitingListRequest),
    Offer(SeatOfferRequest),
    Confirm(SeatOfferRequest),
    Decline(SeatOfferRequest),
    Update(UpdateSlotRequest),
    /// A slot added to the course of the panel's slot (the second).
    Add(AddSlotRequest, i64),
}

async fn send(change: Change) -> Result<SlotDetail, ApiError> {
    match change {
        Change::Move(r) => api::call::<MoveStudent>(&r).await,
        Change::Withdraw(r) => api::call::<WithdrawStudent>(&r).await,
        Change::Join(r) => api::call::<JoinWaitingList>(&r).await,
        Change::Reorder(r) => api::call::<ReorderWaitingList>(&r).await,
        Change::Offer(r) => api::call::<OfferFreedSeat>(&r).await,
        Change::Confirm(r) => api::call::<ConfirmSeatOffer>(&r).await,
        Change::Decline(r) => api::call::<DeclineSeatOffer>(&r).await,
        Change::Update(r) => {
            let slot_id = r.slot_id;
            let s = api::call::<UpdateSlot>(&r).await?;
            let d = api::call::<GetSlotDetail>(&SlotRequest { slot_id }).await?;
            Ok(SlotDetail {
                notice: format!(
                    "Créneau enregistré : {}, {} · {}.",
                    s.when, s.teacher, s.room
                ),
                ..d
            })
        }
        Change::Add(r, shown) => {
            let s = api::call::<AddSlot>(&r).await?;
            let d = api::call::<GetSlotDetail>(&SlotRequest { slot_id: shown }).await?;
            Ok(SlotDetail {
                notice: format!(
                    "Créneau ajouté : {}, {} · {}, {} place(s).",
                    s.when, s.teacher, s.room, s.capacity
                ),
                ..d
            })
        }
    }
}

#[component]
pub fn SlotPanel(props: &SlotPanelProps) -> Html {
    let events = use_context::<SessionEvents>();
    let detail = use_state(|| None::<Result<SlotDetail, ApiError>>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    // Forms: the target slot chosen per enrolment, the withdrawal and the
    // reordering under way, the student typed for the waiting list.
    let targets = use_state(std::collections::HashMap::<i64, String>::new);
    let withdrawing = use_state(|| None::<i64>);
    let withdraw_reason = use_state(String::new);
    let reordering = use_state(|| None::<i64>);
    let new_rank = use_state(String::new);
    let reorder_reason = use_state(String::new);
    let joining = use_state(String::new);
    // The slot's form open: changing this slot, or adding one to its course.
    let editing = use_state(|| None::<SlotInput>);
    let adding = use_state(|| None::<SlotInput>);

    {
        let (detail, events) = (detail.clone(), events.clone());
        use_effect_with((props.slot_id, props.seats), move |(slot_id, _)| {
            let slot_id = *slot_id;
            spawn_local(async move {
                match api::call::<GetSlotDetail>(&SlotRequest { slot_id }).await {
                    Ok(d) => {
                        // A plain read keeps the notice of the last change.
                        let notice = match &*detail {
                            Some(Ok(old)) if old.slot.id == d.slot.id => old.notice.clone(),
                            _ => String::new(),
                        };
                        detail.set(Some(Ok(SlotDetail { notice, ..d })));
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            detail.set(Some(Err(e)));
                        }
                    }
                }
            });
        });
    }

    let apply = {
        let (detail, error, busy, events) =
            (detail.clone(), error.clone(), busy.clone(), events.clone());
        let (withdrawing, withdraw_reason, reordering, new_rank, reorder_reason, joining) = (
            withdrawing.clone(),
            withdraw_reason.clone(),
            reordering.clone(),
            new_rank.clone(),
            reorder_reason.clone(),
            joining.clone(),
        );
        let (editing, adding) = (editing.clone(), adding.clone());
        let slot_id = props.slot_id;
        Callback::from(move |change: Change| {
            if *busy {
                return;
            }
            busy.set(true);
            let (detail, error, busy, events) =
                (detail.clone(), error.clone(), busy.clone(), events.clone());
            let (withdrawing, withdraw_reason, reordering, new_rank, reorder_reason, joining) = (
                withdrawing.clone(),
                withdraw_reason.clone(),
                reordering.clone(),
                new_rank.clone(),
                reorder_reason.clone(),
                joining.clone(),
            );
            let (editing, adding) = (editing.clone(), adding.clone());
            spawn_local(async move {
                match send(change).await {
                    Ok(d) => {
                        error.set(None);
                        withdrawing.set(None);
                        withdraw_reason.set(String::new());
                        reordering.set(None);
                        new_rank.set(String::new());
                        reorder_reason.set(String::new());
                        joining.set(String::new());
                        editing.set(None);
                        adding.set(None);
                        detail.set(Some(Ok(d)));
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            // What was typed stays; the lists are read again
                            // (another workstation changed them).
                            error.set(Some(e));
                            if let Ok(d) =
                                api::call::<GetSlotDetail>(&SlotRequest { slot_id }).await
                            {
                                detail.set(Some(Ok(SlotDetail {
                                    notice: String::new(),
                                    ..d
                                })));
                            }
                        }
                    }
                }
                busy.set(false);
            });
        })
    };

    let onclose = {
        let onclose = props.onclose.clone();
        Callback::from(move |_: MouseEvent| onclose.emit(()))
    };
    let onkeydown = {
        let onclose = props.onclose.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                onclose.emit(());
            }
        })
    };

    let body = match &*detail {
        None => html! { <p aria-busy="true">{ "Chargement des listes du créneau…" }</p> },
        Some(Err(e)) => {
            html! { <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage> }
        }
        Some(Ok(d)) => {
            let slot_id = d.slot.id;
            // The first of the list not offered a seat yet.
            let first = d
                .waiting
                .iter()
                .find(|w| w.offered_until.is_none())
                .cloned();
            let expected: Vec<i64> = d.waiting.iter().map(|w| w.student_id).collect();
            let members = d.members.iter().map(|m| {
                let enrolment = m.enrolment_id;
                let target = targets.get(&enrolment).cloned().unwrap_or_default();
                let on_target = {
                    let targets = targets.clone();
                    Callback::from(move |e: Event| {
                        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                        let mut next = (*targets).clone();
                        next.insert(enrolment, v);
                        targets.set(next);
                    })
                };
                let on_move = {
                    let (apply, target) = (apply.clone(), target.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        if let Ok(target_slot_id) = target.parse() {
                            apply.emit(Change::Move(MoveStudentRequest { slot_id, enrolment_id: enrolment, target_slot_id }));
                        }
                    })
                };
                let on_withdraw_open = {
                    let withdrawing = withdrawing.clone();
                    Callback::from(move |_: MouseEvent| withdrawing.set(Some(enrolment)))
                };
                html! {
                    <tr id={format!("eleve-{}", m.student_id)}>
                        <th scope="row">{ &m.name }</th>
                        <td class="nowrap">{ &m.family_number }</td>
                        <td>{ &m.dossier_status }</td>
                        if d.can_edit {
                            <td><div class="panel-actions">
                                <form class="inline-form" onsubmit={on_move}>
                                    <label class="visually-hidden" for={format!("changer-{enrolment}")}>{ format!("Nouveau créneau de {}", m.name) }</label>
                                    <select id={format!("changer-{enrolment}")} onchange={on_target}>
                                        <option value="" selected={target.is_empty()}>{ "Autre créneau…" }</option>
                                        { for d.other_slots.iter().map(|(id, label, left)| html! {
                                            <option value={id.to_string()} selected={target == id.to_string()} disabled={*left <= 0}>
                                                { format!("{label} — {}", if *left > 0 { format!("{left} place(s)") } else { "complet".to_owned() }) }
                                            </option>
                                        }) }
                                    </select>
                                    <button type="submit" class="btn btn-secondary" id={format!("changer-{enrolment}-valider")}
                                        disabled={target.is_empty() || *busy}>{ "Changer" }</button>
                                </form>
                                <button type="button" class="btn btn-secondary" id={format!("retirer-{enrolment}")}
                                    onclick={on_withdraw_open}>{ "Retirer…" }</button>
                            </div></td>
                        }
                    </tr>
                }
            });
            let waiting = d.waiting.iter().map(|w| {
                let student = w.student_id;
                let on_reorder_open = {
                    let (reordering, new_rank) = (reordering.clone(), new_rank.clone());
                    Callback::from(move |_: MouseEvent| {
                        reordering.set(Some(student));
                        new_rank.set(String::new());
                    })
                };
                let request = SeatOfferRequest { slot_id, student_id: student };
                let on_confirm = {
                    let (apply, request) = (apply.clone(), request.clone());
                    Callback::from(move |_: MouseEvent| apply.emit(Change::Confirm(request.clone())))
                };
                let on_decline = {
                    let (apply, request) = (apply.clone(), request.clone());
                    Callback::from(move |_: MouseEvent| apply.emit(Change::Decline(request.clone())))
                };
                html! {
                    <tr id={format!("attente-{student}")} class={classes!(w.offered_until.is_some().then_some("place-proposee"))}>
                        <td>{ w.position }</td>
                        <th scope="row">{ &w.name }</th>
                        <td class="nowrap">{ &w.family_number }</td>
                        <td>
                            { format!("depuis le {}", w.since) }
                            if let Some(until) = &w.offered_until {
                                <br /><strong id={format!("attente-{student}-proposee")}>{ format!("Place proposée, réservée jusqu'au {until}") }</strong>
                            }
                        </td>
                        if d.can_edit {
                            <td><div class="panel-actions">
                                if w.offered_until.is_some() {
                                    <button type="button" class="btn btn-primary" id={format!("attente-{student}-confirmer")}
                                        disabled={*busy} onclick={on_confirm}
                                        title="La famille accepte : l'élève prend la place">{ "Confirmer" }</button>
                                    <button type="button" class="btn btn-secondary" id={format!("attente-{student}-refuser")}
                                        disabled={*busy} onclick={on_decline}
                                        title="La famille refuse : la place est proposée au suivant">{ "Refus de la famille" }</button>
                                } else {
                                    <button type="button" class="btn btn-secondary" id={format!("attente-{student}-rang")}
                                        onclick={on_reorder_open}>{ "Changer le rang…" }</button>
                                }
                            </div></td>
                        }
                    </tr>
                }
            });
            let withdraw_form = (*withdrawing).and_then(|enrolment| {
                let who = d.members.iter().find(|m| m.enrolment_id == enrolment)?.name.clone();
                let onsubmit = {
                    let (apply, reason) = (apply.clone(), withdraw_reason.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        apply.emit(Change::Withdraw(WithdrawStudentRequest { slot_id, enrolment_id: enrolment, reason: (*reason).clone() }));
                    })
                };
                let oncancel = {
                    let withdrawing = withdrawing.clone();
                    Callback::from(move |_: MouseEvent| withdrawing.set(None))
                };
                Some(html! {
                    <form class="panel-form" id="retrait" {onsubmit}>
                        <label for="motif-retrait">{ format!("Motif du retrait de {who} (gardé au journal) *") }</label>
                        <input id="motif-retrait" type="text" maxlength="300" required=true value={(*withdraw_reason).clone()}
                            oninput={let r = withdraw_reason.clone(); Callback::from(move |e: InputEvent| r.set(input_value(&e)))} />
                        <button type="submit" class="btn btn-primary" id="retrait-confirmer" disabled={*busy}>{ "Confirmer le retrait" }</button>
                        <button type="button" class="btn btn-secondary" onclick={oncancel}>{ "Annuler" }</button>
                    </form>
                })
            });
            let reorder_form = (*reordering).and_then(|student| {
                let who = d.waiting.iter().find(|w| w.student_id == student)?.name.clone();
                let onsubmit = {
                    let (apply, rank, reason, expected) = (apply.clone(), new_rank.clone(), reorder_reason.clone(), expected.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        apply.emit(Change::Reorder(ReorderWaitingListRequest {
                            slot_id, student_id: student, position: (*rank).clone(),
                            expected: expected.clone(), reason: (*reason).clone(),
                        }));
                    })
                };
                let oncancel = {
                    let reordering = reordering.clone();
                    Callback::from(move |_: MouseEvent| reordering.set(None))
                };
                Some(html! {
                    <form class="panel-form" id="reordonner" {onsubmit}>
                        <label for="attente-rang">{ format!("Nouveau rang de {who} (1 = premier) *") }</label>
                        <input id="attente-rang" type="number" min="1" max={d.waiting.len().to_string()} required=true value={(*new_rank).clone()}
                            oninput={let r = new_rank.clone(); Callback::from(move |e: InputEvent| r.set(input_value(&e)))} />
                        <label for="attente-motif">{ "Motif (gardé au journal) *" }</label>
                        <input id="attente-motif" type="text" maxlength="300" required=true value={(*reorder_reason).clone()}
                            oninput={let r = reorder_reason.clone(); Callback::from(move |e: InputEvent| r.set(input_value(&e)))} />
                        <button type="submit" class="btn btn-primary" id="reordonner-confirmer" disabled={*busy}>{ "Changer le rang" }</button>
                        <button type="button" class="btn btn-secondary" onclick={oncancel}>{ "Annuler" }</button>
                    </form>
                })
            });
            let on_join = {
                let (apply, joining) = (apply.clone(), joining.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    apply.emit(Change::Join(JoinWaitingListRequest {
                        slot_id,
                        student: (*joining).clone(),
                    }));
                })
            };
            html! {
                <>
                    <h2 id="panneau-titre">{ format!("{} — {}", d.course_name, d.slot.when) }</h2>
                    <p>{ format!("{} · {} · ", d.slot.teacher, d.slot.room) }
                        <span id="panneau-places">{ match d.waiting.iter().filter(|w| w.offered_until.is_some()).count() {
                            0 => format!("{} / {} places prises", d.slot.seats_taken, d.slot.capacity),
                            held => format!("{} / {} places prises, dont {held} réservée(s) pour une place proposée", d.slot.seats_taken, d.slot.capacity),
                        } }</span>
                    </p>
                    if d.can_manage && editing.is_none() && adding.is_none() {
                        <p class="panel-buttons">
                            <button type="button" class="btn btn-secondary" id="creneau-modifier"
                                onclick={let (editing, s) = (editing.clone(), d.slot.clone()); Callback::from(move |_: MouseEvent| editing.set(Some(SlotInput {
                                    day_of_week: s.day_of_week.to_string(),
                                    starts_at: s.when.rsplit(' ').next().and_then(|h| h.split_once('–')).map(|h| h.0.to_owned()).unwrap_or_default(),
                                    ends_at: s.when.rsplit(' ').next().and_then(|h| h.split_once('–')).map(|h| h.1.to_owned()).unwrap_or_default(),
                                    teacher: s.teacher.clone(), room: s.room.clone(), capacity: s.capacity.to_string(), open: s.open,
                                })))}>{ "Modifier le créneau…" }</button>
                            <button type="button" class="btn btn-secondary" id="creneau-ajouter"
                                onclick={let (adding, s) = (adding.clone(), d.slot.clone()); Callback::from(move |_: MouseEvent| adding.set(Some(SlotInput {
                                    day_of_week: s.day_of_week.to_string(), starts_at: String::new(), ends_at: String::new(),
                                    teacher: s.teacher.clone(), room: s.room.clone(), capacity: s.capacity.to_string(), open: true,
                                })))}>{ "Ajouter un créneau à ce cours…" }</button>
                        </p>
                    }
                    if let Some(value) = (*editing).clone() {
                        <SlotForm prefix="modifier" legend={format!("Modifier le créneau ({} place(s) prise(s) : la capacité ne peut pas descendre en dessous)", d.slot.seats_taken)}
                            value={value} busy={*busy} submit_label="Enregistrer le créneau"
                            oncancel={let e = editing.clone(); Callback::from(move |()| e.set(None))}
                            onsubmit={let (apply, e, version) = (apply.clone(), editing.clone(), d.slot.version); Callback::from(move |fields: SlotInput| {
                                // Kept as sent: a refusal shows them again.
                                e.set(Some(fields.clone()));
                                apply.emit(Change::Update(UpdateSlotRequest { slot_id, expected_version: version, fields }));
                            })} />
                    }
                    if let Some(value) = (*adding).clone() {
                        <SlotForm prefix="ajouter" legend={format!("Nouveau créneau de « {} »", d.course_name)}
                            value={value} busy={*busy} submit_label="Ajouter le créneau"
                            oncancel={let a = adding.clone(); Callback::from(move |()| a.set(None))}
                            onsubmit={let (apply, a, course_id) = (apply.clone(), adding.clone(), d.course_id); Callback::from(move |fields: SlotInput| {
                                a.set(Some(fields.clone()));
                                apply.emit(Change::Add(AddSlotRequest { course_id, fields }, slot_id));
                            })} />
                    }
                    if !d.slot.open {
                        <p class="status status-info" id="creneau-ferme">{ "Créneau fermé : il garde ses élèves mais ne donne plus de nouvelle place." }</p>
                    }
                    if !d.notice.is_empty() {
                        <StatusMessage kind={StatusKind::Success} id={Some(AttrValue::from("panneau-message"))}>{ d.notice.clone() }</StatusMessage>
                    }
                    if let Some(e) = &*error {
                        <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("panneau-erreur"))}>{ e.message.clone() }</StatusMessage>
                    }
                    if let (true, Some(first)) = (d.freed_seat, first.as_ref()) {
                        <div class="status status-info" id="place-liberee" role="status">
                            <p>{ format!(
                                "Place libérée : elle revient à {} ({}), premier(ère) de la liste d'attente. Proposée, elle lui est réservée {} jour(s) : sans confirmation de la famille dans ce délai, elle passe au suivant.",
                                first.name, first.family_number, d.offer_days
                            ) }</p>
                            if d.can_edit {
                                <button type="button" class="btn btn-primary" id="attribuer" disabled={*busy}
                                    onclick={let (apply, student_id) = (apply.clone(), first.student_id); Callback::from(move |_: MouseEvent| apply.emit(Change::Offer(SeatOfferRequest { slot_id, student_id })))}>
                                    { format!("Proposer la place à {}", first.name) }
                                </button>
                            }
                        </div>
                    }
                    <h3>{ format!("Liste de classe ({})", d.members.len()) }</h3>
                    if d.members.is_empty() {
                        <p class="hint">{ "Aucun élève dans ce créneau." }</p>
                    } else {
                        <table class="data-table" id="liste-classe">
                            <thead><tr>
                                <th scope="col">{ "Élève" }</th><th scope="col">{ "Famille" }</th><th scope="col">{ "Dossier" }</th>
                                if d.can_edit { <th scope="col">{ "Actions" }</th> }
                            </tr></thead>
                            <tbody>{ for members }</tbody>
                        </table>
                    }
                    { withdraw_form.unwrap_or_default() }
                    <h3>{ format!("Liste d'attente ({})", d.waiting.len()) }</h3>
                    if d.waiting.is_empty() {
                        <p class="hint">{ "Personne n'attend une place dans ce créneau." }</p>
                    } else {
                        <table class="data-table" id="liste-attente">
                            <thead><tr>
                                <th scope="col">{ "Rang" }</th><th scope="col">{ "Élève" }</th><th scope="col">{ "Famille" }</th><th scope="col">{ "Inscrit(e)" }</th>
                                if d.can_edit { <th scope="col">{ "Actions" }</th> }
                            </tr></thead>
                            <tbody>{ for waiting }</tbody>
                        </table>
                    }
                    { reorder_form.unwrap_or_default() }
                    if d.can_edit {
                        <form class="inline-form" id="ajout-attente" onsubmit={on_join}>
                            <label for="attente-eleve">{ "Ajouter un élève à la liste d'attente (n° de l'élève, comme sur sa fiche)" }</label>
                            <input id="attente-eleve" type="text" placeholder="élève 123" value={(*joining).clone()}
                                oninput={let j = joining.clone(); Callback::from(move |e: InputEvent| j.set(input_value(&e)))} />
                            <button type="submit" class="btn btn-secondary" id="attente-ajouter" disabled={*busy}>{ "Ajouter" }</button>
                        </form>
                    }
                </>
            }
        }
    };
    html! {
        <section class="slot-panel" id="panneau-creneau" aria-labelledby="panneau-titre" {onkeydown}>
            <button type="button" class="btn btn-secondary panel-close" id="panneau-fermer" onclick={onclose}>{ "Fermer ✕" }</button>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SlotFormProps {
    /// Prefix of the fields' ids (`modifier`, `ajouter`).
    prefix: AttrValue,
    legend: AttrValue,
    /// The values the form opens with (or last sent).
    value: SlotInput,
    onsubmit: Callback<SlotInput>,
    oncancel: Callback<()>,
    busy: bool,
    submit_label: AttrValue,
}

/// The form's values, changed field by field: each keystroke applies to
/// the values as they are now (never to a copy taken at an earlier
/// render, which would undo a field typed just before), and the inputs
/// always show them (a render of the page meanwhile changes nothing).
#[derive(Debug, Clone, PartialEq)]
struct FormState(SlotInput);

enum FormAction {
    Set(fn(&mut SlotInput, String), String),
    Open(bool),
    Reset(SlotInput),
}

impl Reducible for FormState {
    type Action = FormAction;

    fn reduce(self: std::rc::Rc<Self>, action: FormAction) -> std::rc::Rc<Self> {
        let mut v = self.0.clone();
        match action {
            FormAction::Set(apply, value) => apply(&mut v, value),
            FormAction::Open(open) => v.open = open,
            FormAction::Reset(value) => v = value,
        }
        std::rc::Rc::new(FormState(v))
    }
}

/// A slot's day, hours, teacher, room, capacity and opening.
#[component]
fn SlotForm(props: &SlotFormProps) -> Html {
    let p = props.prefix.clone();
    let field = |name: &str| format!("{p}-{name}");
    let state = use_reducer(|| FormState(props.value.clone()));
    {
        let state = state.clone();
        use_effect_with(props.value.clone(), move |value| {
            state.dispatch(FormAction::Reset(value.clone()));
        });
    }
    let set = |apply: fn(&mut SlotInput, String)| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(FormAction::Set(apply, input_value(&e))))
    };
    let on_day = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let day = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            state.dispatch(FormAction::Set(|v, d| v.day_of_week = d, day));
        })
    };
    let on_open = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let open = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            state.dispatch(FormAction::Open(open));
        })
    };
    let onsubmit = {
        let (onsubmit, state) = (props.onsubmit.clone(), state.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            onsubmit.emit(state.0.clone());
        })
    };
    let oncancel = {
        let oncancel = props.oncancel.clone();
        Callback::from(move |_: MouseEvent| oncancel.emit(()))
    };
    let v = &state.0;
    html! {
        <form class="panel-form slot-form" id={field("formulaire")} {onsubmit}>
            <fieldset>
                <legend>{ props.legend.clone() }</legend>
                <label for={field("jour")}>{ "Jour" }</label>
                <select id={field("jour")} onchange={on_day}>
                    { for (1..=7i16).map(|d| html! {
                        <option value={d.to_string()} selected={v.day_of_week == d.to_string()}>{ portee_domain::labels::day(d) }</option>
                    }) }
                </select>
                <label for={field("debut")}>{ "Début" }</label>
                <input id={field("debut")} type="text" inputmode="numeric" placeholder="14:00" size="5" value={v.starts_at.clone()}
                    oninput={set(|s, v| s.starts_at = v)} />
                <label for={field("fin")}>{ "Fin" }</label>
                <input id={field("fin")} type="text" inputmode="numeric" placeholder="15:00" size="5" value={v.ends_at.clone()}
                    oninput={set(|s, v| s.ends_at = v)} />
                <label for={field("professeur")}>{ "Professeur" }</label>
                <input id={field("professeur")} type="text" maxlength="80" value={v.teacher.clone()}
                    oninput={set(|s, v| s.teacher = v)} />
                <label for={field("salle")}>{ "Salle" }</label>
                <input id={field("salle")} type="text" maxlength="80" value={v.room.clone()}
                    oninput={set(|s, v| s.room = v)} />
                <label for={field("capacite")}>{ "Capacité" }</label>
                <input id={field("capacite")} type="number" min="0" max="500" value={v.capacity.clone()}
                    oninput={set(|s, v| s.capacity = v)} />
                <label class="field-inline" for={field("ouvert")}>
                    <input id={field("ouvert")} type="checkbox" checked={v.open} onchange={on_open} />
                    { " Ouvert aux inscriptions" }
                </label>
            </fieldset>
            <button type="submit" class="btn btn-primary" id={field("enregistrer")} disabled={props.busy}>{ props.submit_label.clone() }</button>
            <button type="button" class="btn btn-secondary" onclick={oncancel}>{ "Annuler" }</button>
        </form>
    }
}
