//! Cours & capacités : l'offre d'un site pour une année scolaire —
//! disciplines, cours, créneaux avec leurs places (barre de remplissage),
//! le taux de remplissage par discipline ; le responsable du site change la
//! capacité d'un créneau (jamais sous les places prises). Filtres :
//! discipline, jour, professeur, remplissage, nom du cours.

use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
    rc::Rc,
};

use portee_api::{
    ApiError,
    offer::{
        AddCourse, AddCourseRequest, GetOffer, GetOfferRequest, Offer, OfferSlot, PrepareNextYear,
        PrepareNextYearRequest, SetSlotCapacity, SetSlotCapacityRequest,
    },
};
use portee_domain::seats::{CourseInput, SEAT_MODES, fill_rate};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{SelectField, StatusKind, StatusMessage},
    pages::slot_panel::SlotPanel,
    shared::{SessionEvents, session_error},
};

/// How often an open offer page reads the seats again when the database
/// does not notify changes (SQLite), in milliseconds.
const REFRESH_MS: u32 = 500;
/// How often it reads them all the same when it does (PostgreSQL).
const SAFETY_MS: u32 = 10_000;

const FILLS: [(&str, &str); 3] = [
    ("complet", "Complet"),
    ("presque_complet", "Presque complet"),
    ("places", "Places disponibles"),
];

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

#[derive(Properties, PartialEq)]
pub struct CoursesProps {
    /// The fill state shown first (a figure of the Accueil dashboard).
    #[prop_or_default]
    pub initial_fill: Option<String>,
}

#[component]
pub fn CoursesPage(props: &CoursesProps) -> Html {
    let events = use_context::<SessionEvents>();
    let request = use_state(GetOfferRequest::default);
    let offer = use_state(|| None::<Result<Offer, ApiError>>);
    let fill_filter = use_state(|| props.initial_fill.clone());
    let search = use_state(String::new);
    let discipline_filter = use_state(|| None::<i64>);
    let day_filter = use_state(|| None::<i16>);
    let teacher_filter = use_state(|| None::<String>);
    // Capacities being typed, by slot; the save under way; its outcome.
    let edits = use_state(HashMap::<i64, String>::new);
    let saving = use_state(|| None::<i64>);
    let message = use_state(|| None::<Result<String, String>>);
    // Whether the last refresh failed: the numbers shown may be stale.
    let stale = use_state_eq(|| false);
    // The slot whose class list and waiting list are shown.
    let open_slot = use_state(|| None::<i64>);
    // Bumped to read the offer again at once (a course added).
    let reload = use_state(|| 0u32);
    // The discipline a course is being added to, and its form's fields
    // (uncontrolled: the page's refresh never touches what is typed).
    let adding_course = use_state(|| None::<i64>);
    let course_name = use_node_ref();
    let course_cycle = use_node_ref();
    let course_level = use_node_ref();
    let course_mode = use_node_ref();
    // « Préparer l'année suivante »: asked, then under way.
    let confirm_prepare = use_state(|| false);
    let preparing = use_state(|| false);
    // The site and year asked for last, read by the live refresh: its
    // answer for the year left (a prepared year just asked for, another
    // chosen) is dropped, even when it lands before the page is drawn
    // again and its reader stopped.
    let wanted = use_mut_ref(|| (None::<i16>, None::<i64>));
    *wanted.borrow_mut() = (request.site_id, request.school_year_id);
    {
        let (offer, events) = (offer.clone(), events.clone());
        // An answer for a site or year left meanwhile (another chosen, or
        // a prepared year shown) is dropped: it never shows over the new.
        use_effect_with(((*request).clone(), *reload), move |(request, _)| {
            let request = request.clone();
            let current = Rc::new(Cell::new(true));
            {
                let current = current.clone();
                spawn_local(async move {
                    let answer = api::call::<GetOffer>(&request).await;
                    if !current.get() {
                        return;
                    }
                    match answer {
                        Ok(o) => offer.set(Some(Ok(o))),
                        Err(e) => {
                            if let Some(e) = session_error(&events, e) {
                                offer.set(Some(Err(e)));
                            }
                        }
                    }
                });
            }
            move || current.set(false)
        });
    }
    // Seats taken on other workstations show within about a second,
    // without a reload (`live::Live`: the database's notifications on
    // PostgreSQL, a read every REFRESH_MS on SQLite). One read at a time;
    // what is being typed is kept apart (`edits`) and not touched.
    {
        let (offer, stale, events, wanted) =
            (offer.clone(), stale.clone(), events.clone(), wanted.clone());
        let shown = match &*offer {
            Some(Ok(o)) => Some((o.site_id, o.school_year_id)),
            _ => None,
        };
        use_effect_with(shown, move |shown| {
            let alive = Rc::new(Cell::new(true));
            let parts = shown.map(|(site, year)| {
                let in_flight = Rc::new(Cell::new(false));
                // The last offer read here: the page is drawn again only
                // when the seats changed.
                let previous = Rc::new(RefCell::new(None::<Offer>));
                let current = alive.clone();
                let refresh: Rc<dyn Fn()> = Rc::new(move || {
                    if in_flight.get() {
                        return;
                    }
                    in_flight.set(true);
                    let (offer, stale, events, in_flight, previous, current, wanted) = (
                        offer.clone(),
                        stale.clone(),
                        events.clone(),
                        in_flight.clone(),
                        previous.clone(),
                        current.clone(),
                        wanted.clone(),
                    );
                    spawn_local(async move {
                        let request = GetOfferRequest {
                            site_id: Some(site),
                            school_year_id: Some(year),
                            refresh: true,
                        };
                        let answer = api::call::<GetOffer>(&request).await;
                        // Another site or year chosen meanwhile: this answer
                        // is of the page left, never shown over the new one.
                        let (want_site, want_year) = *wanted.borrow();
                        let left = want_site.is_some_and(|s| s != site)
                            || want_year.is_some_and(|y| y != year);
                        if !current.get() || left {
                            in_flight.set(false);
                            return;
                        }
                        match answer {
                            Ok(o) => {
                                stale.set(false);
                                let changed = previous.borrow().as_ref() != Some(&o);
                                if changed {
                                    *previous.borrow_mut() = Some(o.clone());
                                    offer.set(Some(Ok(o)));
                                }
                            }
                            Err(e) => {
                                if session_error(&events, e).is_some() {
                                    stale.set(true);
                                }
                            }
                        }
                        in_flight.set(false);
                    });
                });
                crate::live::Live::start(refresh, REFRESH_MS, SAFETY_MS)
            });
            move || {
                alive.set(false);
                drop(parts);
            }
        });
    }
    let save = {
        let (offer, edits, saving, message, events) = (
            offer.clone(),
            edits.clone(),
            saving.clone(),
            message.clone(),
            events.clone(),
        );
        Callback::from(move |slot: OfferSlot| {
            if saving.is_some() {
                return;
            }
            let typed = edits
                .get(&slot.id)
                .cloned()
                .unwrap_or_else(|| slot.capacity.to_string());
            let (offer, edits, saving, message, events) = (
                offer.clone(),
                edits.clone(),
                saving.clone(),
                message.clone(),
                events.clone(),
            );
            saving.set(Some(slot.id));
            spawn_local(async move {
                let request = SetSlotCapacityRequest {
                    slot_id: slot.id,
                    expected_version: slot.version,
                    capacity: typed,
                };
                match api::call::<SetSlotCapacity>(&request).await {
                    Ok(updated) => {
                        message.set(Some(Ok(format!(
                            "Créneau du {} : {} place(s), {} prise(s).",
                            updated.when, updated.capacity, updated.seats_taken
                        ))));
                        if let Some(Ok(current)) = &*offer {
                            let mut next = current.clone();
                            for d in &mut next.disciplines {
                                for c in &mut d.courses {
                                    for s in &mut c.slots {
                                        if s.id == updated.id {
                                            d.capacity +=
                                                i64::from(updated.capacity) - i64::from(s.capacity);
                                            *s = updated.clone();
                                        }
                                    }
                                }
                                d.fill_rate = fill_rate(d.capacity, d.seats_taken);
                            }
                            offer.set(Some(Ok(next)));
                        }
                        let mut e = (*edits).clone();
                        e.remove(&updated.id);
                        edits.set(e);
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            message.set(Some(Err(e.message)));
                        }
                    }
                }
                saving.set(None);
            });
        })
    };

    let body = match &*offer {
        None => html! { <p aria-busy="true">{ "Chargement de l'offre de cours…" }</p> },
        Some(Err(e)) => {
            html! { <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage> }
        }
        Some(Ok(o)) => {
            let needle = search.trim().to_lowercase();
            let chart = html! {
                <figure class="fill-chart" id="remplissage-disciplines">
                    <figcaption>{ format!("Taux de remplissage par discipline — {}, {}", o.site_name, o.school_year_label) }</figcaption>
                    <ul>
                        { for o.disciplines.iter().filter(|d| d.capacity > 0).map(|d| html! {
                            <li>
                                <span class="fill-chart-label">{ &d.name }</span>
                                <span class="fill-bar" role="img" aria-label={format!("{} : {} %", d.name, d.fill_rate)}>
                                    <span class="fill-bar-in" style={format!("width: {}%", d.fill_rate)}></span>
                                </span>
                                <span class="fill-chart-value">{ format!("{} % ({} / {})", d.fill_rate, d.seats_taken, d.capacity) }</span>
                            </li>
                        }) }
                    </ul>
                </figure>
            };
            let mut shown = 0usize;
            // Filters on the slots themselves: a course shows only its
            // slots that pass them, and no course without one.
            let slot_filtered =
                fill_filter.is_some() || day_filter.is_some() || teacher_filter.is_some();
            let slot_shown = |s: &OfferSlot| {
                (*fill_filter).as_ref().is_none_or(|f| *f == s.fill)
                    && (*day_filter).is_none_or(|d| d == s.day_of_week)
                    && (*teacher_filter).as_ref().is_none_or(|t| *t == s.teacher)
            };
            let mut teachers: Vec<&str> = o
                .disciplines
                .iter()
                .flat_map(|d| d.courses.iter())
                .flat_map(|c| c.slots.iter())
                .map(|s| s.teacher.as_str())
                .filter(|t| !t.is_empty())
                .collect();
            teachers.sort_unstable();
            teachers.dedup();
            let tables: Vec<Html> = o
                .disciplines
                .iter()
                .filter(|d| (*discipline_filter).is_none_or(|id| id == d.id))
                .filter_map(|d| {
                    let rows: Vec<Html> = d
                        .courses
                        .iter()
                        .filter(|c| needle.is_empty() || c.name.to_lowercase().contains(&needle))
                        .flat_map(|c| {
                            let course = c.clone();
                            let slots: Vec<&OfferSlot> = c
                                .slots
                                .iter()
                                .filter(|s| slot_shown(s))
                                .collect();
                            let meta = {
                                let mut parts = Vec::new();
                                if let Some(cycle) = course.cycle {
                                    parts.push(portee_domain::reinscription::cycle_label(u8::try_from(cycle).unwrap_or(0)));
                                }
                                if let Some(level) = &course.level
                                    && !course.name.contains(level.as_str())
                                {
                                    parts.push(format!("niveau {level}"));
                                }
                                parts.push(course.seat_mode_label.clone());
                                parts.join(" · ")
                            };
                            let heading = html! {
                                <th scope="row">{ &course.name }<br /><span class="hint course-meta">{ meta }</span></th>
                            };
                            if slots.is_empty() {
                                if slot_filtered {
                                    return Vec::new();
                                }
                                return vec![html! {
                                    <tr>
                                        { heading }
                                        <td colspan="5" class="hint">{ "Aucun créneau" }</td>
                                    </tr>
                                }];
                            }
                            slots
                                .into_iter()
                                .map(|s| {
                                    let id = s.id;
                                    let pct = if s.capacity > 0 { (s.seats_taken * 100 / s.capacity).min(100) } else { 100 };
                                    let value = edits.get(&id).cloned().unwrap_or_else(|| s.capacity.to_string());
                                    let oninput = {
                                        let edits = edits.clone();
                                        Callback::from(move |e: InputEvent| {
                                            let mut next = (*edits).clone();
                                            next.insert(id, input_value(&e));
                                            edits.set(next);
                                        })
                                    };
                                    let onsubmit = {
                                        let (save, slot) = (save.clone(), s.clone());
                                        Callback::from(move |e: SubmitEvent| {
                                            e.prevent_default();
                                            save.emit(slot.clone());
                                        })
                                    };
                                    html! {
                                        <tr id={format!("creneau-{id}")} data-remplissage={s.fill.clone()}>
                                            { heading.clone() }
                                            <td>{ &s.when }</td>
                                            <td>{ &s.teacher }{ " · " }{ &s.room }</td>
                                            <td class="cell-places">
                                                <span class={classes!("fill-bar", format!("fill-{}", s.fill))} role="img"
                                                    aria-label={format!("{} : {} place(s) prise(s) sur {}", s.fill_label, s.seats_taken, s.capacity)}>
                                                    <span class="fill-bar-in" style={format!("width: {pct}%")}></span>
                                                </span>
                                                <span class="places-text" id={format!("creneau-{id}-places")}>{ format!("{} / {}", s.seats_taken, s.capacity) }</span>
                                                <span class="places-state">{ &s.fill_label }</span>
                                                if !s.open {
                                                    <span class="badge badge-closed" id={format!("creneau-{id}-ferme")}>{ "Fermé" }</span>
                                                }
                                            </td>
                                            <td>
                                                { if s.waiting > 0 { format!("{} en attente", s.waiting) } else { "—".to_owned() } }
                                                if s.waiting > 0 && s.seats_taken < s.capacity {
                                                    <span class="badge badge-info" id={format!("creneau-{id}-liberee")}>{ " Place libérée" }</span>
                                                }
                                                <button type="button" class="btn btn-link" id={format!("creneau-{id}-listes")}
                                                    aria-label={format!("Listes du créneau {} de {}", s.when, course.name)}
                                                    onclick={let open = open_slot.clone(); Callback::from(move |_: MouseEvent| open.set(Some(id)))}>
                                                    { "Élèves et attente" }
                                                </button>
                                            </td>
                                            <td>
                                                if o.can_change {
                                                    <form class="inline-form" {onsubmit}>
                                                        <label class="visually-hidden" for={format!("capacite-{id}")}>{ format!("Capacité du créneau {} de {}", s.when, course.name) }</label>
                                                        <input type="number" min="0" max="500" inputmode="numeric" id={format!("capacite-{id}")}
                                                            value={value} {oninput} />
                                                        <button type="submit" class="btn btn-secondary" id={format!("capacite-{id}-enregistrer")}
                                                            disabled={saving.is_some()}>{ "Enregistrer" }</button>
                                                    </form>
                                                } else {
                                                    { s.capacity }
                                                }
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect::<Vec<_>>()
                        })
                        .collect();
                    if rows.is_empty() {
                        return None;
                    }
                    shown += rows.len();
                    Some(html! {
                        <section class="offer-discipline" aria-labelledby={format!("discipline-{}", d.id)}>
                            <h2 id={format!("discipline-{}", d.id)}>{ if d.capacity > 0 { format!("{} — {} % des places prises", d.name, d.fill_rate) } else { d.name.clone() } }</h2>
                            if o.can_change {
                                if *adding_course == Some(d.id) {
                                    <form class="panel-form" id={format!("cours-ajout-{}", d.id)}
                                        onsubmit={
                                            let (message, reload, adding, events) = (message.clone(), reload.clone(), adding_course.clone(), events.clone());
                                            let (name, cycle, level, mode) = (course_name.clone(), course_cycle.clone(), course_level.clone(), course_mode.clone());
                                            let (site, year, discipline) = (o.site_id, o.school_year_id, d.id);
                                            Callback::from(move |e: SubmitEvent| {
                                                e.prevent_default();
                                                let text = |r: &NodeRef| r.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
                                                let select = |r: &NodeRef| r.cast::<web_sys::HtmlSelectElement>().map(|i| i.value()).unwrap_or_default();
                                                let request = AddCourseRequest {
                                                    site_id: site, school_year_id: year, discipline_id: discipline,
                                                    fields: CourseInput { name: text(&name), cycle: select(&cycle), level: text(&level), seat_mode: select(&mode) },
                                                };
                                                let (message, reload, adding, events) = (message.clone(), reload.clone(), adding.clone(), events.clone());
                                                spawn_local(async move {
                                                    match api::call::<AddCourse>(&request).await {
                                                        Ok(done) => {
                                                            message.set(Some(Ok(done)));
                                                            adding.set(None);
                                                            reload.set(*reload + 1);
                                                        }
                                                        Err(e) => {
                                                            if let Some(e) = session_error(&events, e) {
                                                                message.set(Some(Err(e.message)));
                                                            }
                                                        }
                                                    }
                                                });
                                            })
                                        }>
                                        <label for="cours-nom">{ format!("Nouveau cours de {}", d.name) }</label>
                                        <input id="cours-nom" ref={course_name.clone()} type="text" maxlength="80" />
                                        <label for="cours-cycle">{ "Cycle" }</label>
                                        <select id="cours-cycle" ref={course_cycle.clone()}>
                                            <option value="">{ "—" }</option>
                                            <option value="1">{ "1er cycle" }</option>
                                            <option value="2">{ "2e cycle" }</option>
                                            <option value="3">{ "3e cycle" }</option>
                                        </select>
                                        <label for="cours-niveau">{ "Niveau" }</label>
                                        <input id="cours-niveau" ref={course_level.clone()} type="text" maxlength="40" size="8" />
                                        <label for="cours-mode">{ "Place donnée" }</label>
                                        <select id="cours-mode" ref={course_mode.clone()}>
                                            { for SEAT_MODES.iter().map(|(code, label)| html! { <option value={*code}>{ *label }</option> }) }
                                        </select>
                                        <button type="submit" class="btn btn-primary" id="cours-ajouter">{ "Ajouter le cours" }</button>
                                        <button type="button" class="btn btn-secondary"
                                            onclick={let a = adding_course.clone(); Callback::from(move |_: MouseEvent| a.set(None))}>{ "Annuler" }</button>
                                    </form>
                                } else {
                                    <p><button type="button" class="btn btn-link" id={format!("discipline-{}-ajouter", d.id)}
                                        onclick={let (a, id) = (adding_course.clone(), d.id); Callback::from(move |_: MouseEvent| a.set(Some(id)))}>
                                        { format!("Ajouter un cours de {}…", d.name) }
                                    </button></p>
                                }
                            }
                            <table class="data-table">
                                <thead><tr>
                                    <th scope="col">{ "Cours" }</th><th scope="col">{ "Horaire" }</th>
                                    <th scope="col">{ "Professeur · salle" }</th><th scope="col">{ "Places" }</th>
                                    <th scope="col">{ "Liste d'attente" }</th><th scope="col">{ "Capacité" }</th>
                                </tr></thead>
                                <tbody>{ for rows }</tbody>
                            </table>
                        </section>
                    })
                })
                .collect();
            let set_request = {
                let request = request.clone();
                move |change: Box<dyn Fn(&mut GetOfferRequest)>| {
                    let mut next = (*request).clone();
                    change(&mut next);
                    request.set(next);
                }
            };
            html! {
                <>
                    <div class="filters">
                        <SelectField id="offre-site" label="Site" placeholder="—"
                            options={o.sites.iter().map(|(id, n)| (AttrValue::from(id.to_string()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={Some(AttrValue::from(o.site_id.to_string()))}
                            onchange={let (set, teacher) = (set_request.clone(), teacher_filter.clone()); Callback::from(move |v: Option<String>| {
                                // Another site's teachers are others.
                                teacher.set(None);
                                let site = v.and_then(|v| v.parse().ok());
                                set(Box::new(move |r| r.site_id = site))
                            })} />
                        <SelectField id="offre-annee" label="Année scolaire" placeholder="—"
                            options={o.school_years.iter().map(|(id, n)| (AttrValue::from(id.to_string()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={Some(AttrValue::from(o.school_year_id.to_string()))}
                            onchange={let set = set_request.clone(); Callback::from(move |v: Option<String>| { let year = v.and_then(|v| v.parse().ok()); set(Box::new(move |r| r.school_year_id = year)) })} />
                        <SelectField id="offre-remplissage" label="Remplissage" placeholder="Tous les créneaux"
                            options={FILLS.iter().map(|(c, l)| (AttrValue::from(*c), AttrValue::from(*l))).collect::<Vec<_>>()}
                            value={(*fill_filter).clone().map(AttrValue::from)}
                            onchange={let f = fill_filter.clone(); Callback::from(move |v: Option<String>| f.set(v))} />
                        <SelectField id="offre-discipline" label="Discipline" placeholder="Toutes"
                            options={o.disciplines.iter().map(|d| (AttrValue::from(d.id.to_string()), AttrValue::from(d.name.clone()))).collect::<Vec<_>>()}
                            value={(*discipline_filter).map(|d| AttrValue::from(d.to_string()))}
                            onchange={let f = discipline_filter.clone(); Callback::from(move |v: Option<String>| f.set(v.and_then(|v| v.parse().ok())))} />
                        <SelectField id="offre-jour" label="Jour" placeholder="Tous"
                            options={(1..=7i16).map(|d| (AttrValue::from(d.to_string()), AttrValue::from(portee_domain::labels::day(d)))).collect::<Vec<_>>()}
                            value={(*day_filter).map(|d| AttrValue::from(d.to_string()))}
                            onchange={let f = day_filter.clone(); Callback::from(move |v: Option<String>| f.set(v.and_then(|v| v.parse().ok())))} />
                        <SelectField id="offre-professeur" label="Professeur" placeholder="Tous"
                            options={teachers.iter().map(|t| (AttrValue::from(t.to_string()), AttrValue::from(t.to_string()))).collect::<Vec<_>>()}
                            value={(*teacher_filter).clone().map(AttrValue::from)}
                            onchange={let f = teacher_filter.clone(); Callback::from(move |v: Option<String>| f.set(v))} />
                        <label class="field-inline" for="offre-recherche">{ "Cours" }
                            <input type="search" id="offre-recherche" placeholder="Nom du cours" value={(*search).clone()}
                                oninput={let s = search.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} />
                        </label>
                    </div>
                    if o.can_change {
                        if *confirm_prepare {
                            <div class="panel-form" id="preparer-confirmation" role="group" aria-label="Préparer l'année suivante">
                                <p>{ format!("Copier les cours et créneaux de {} {} dans l'année suivante (capacités, professeurs, salles ; aucune place prise) ? Les cours déjà présents l'an prochain restent tels quels.", o.site_name, o.school_year_label) }</p>
                                <button type="button" class="btn btn-primary" id="preparer-confirmer" disabled={*preparing}
                                    onclick={
                                        let (request, message, preparing, confirm, events, site, year) = (request.clone(), message.clone(), preparing.clone(), confirm_prepare.clone(), events.clone(), o.site_id, o.school_year_id);
                                        Callback::from(move |_: MouseEvent| {
                                            let (request, message, preparing, confirm, events) = (request.clone(), message.clone(), preparing.clone(), confirm.clone(), events.clone());
                                            preparing.set(true);
                                            spawn_local(async move {
                                                match api::call::<PrepareNextYear>(&PrepareNextYearRequest { site_id: site, school_year_id: year }).await {
                                                    Ok(done) => {
                                                        message.set(Some(Ok(done.message)));
                                                        request.set(GetOfferRequest { site_id: Some(site), school_year_id: Some(done.school_year_id), refresh: false });
                                                    }
                                                    Err(e) => {
                                                        if let Some(e) = session_error(&events, e) {
                                                            message.set(Some(Err(e.message)));
                                                        }
                                                    }
                                                }
                                                preparing.set(false);
                                                confirm.set(false);
                                            });
                                        })
                                    }>{ if *preparing { "Copie en cours…" } else { "Copier dans l'année suivante" } }</button>
                                <button type="button" class="btn btn-secondary" id="preparer-annuler"
                                    onclick={let c = confirm_prepare.clone(); Callback::from(move |_: MouseEvent| c.set(false))}>{ "Annuler" }</button>
                            </div>
                        } else {
                            <p><button type="button" class="btn btn-secondary" id="preparer-annee"
                                onclick={let c = confirm_prepare.clone(); Callback::from(move |_: MouseEvent| c.set(true))}>{ "Préparer l'année suivante…" }</button></p>
                        }
                    }
                    if !o.can_change {
                        <p class="hint" id="offre-lecture-seule">{ "Lecture seule : seuls le responsable du site et les administrateurs changent les capacités." }</p>
                    }
                    if *stale {
                        <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("offre-perimee"))}>
                            { "Les places affichées ne sont plus mises à jour (base de données injoignable) : elles peuvent avoir changé sur d'autres postes." }
                        </StatusMessage>
                    }
                    <div aria-live="polite">
                        if let Some(result) = &*message {
                            <StatusMessage kind={if result.is_ok() { StatusKind::Success } else { StatusKind::Error }} id={Some(AttrValue::from("capacite-message"))}>
                                { result.clone().unwrap_or_else(|e| e) }
                            </StatusMessage>
                        }
                    </div>
                    if let Some(slot_id) = *open_slot {
                        <SlotPanel slot_id={slot_id}
                            seats={o.disciplines.iter().flat_map(|d| d.courses.iter()).flat_map(|c| c.slots.iter())
                                .find(|s| s.id == slot_id).map_or((0, 0, 0), |s| (s.capacity, s.seats_taken, s.waiting))}
                            onclose={let open = open_slot.clone(); Callback::from(move |()| open.set(None))} />
                    }
                    { chart }
                    if shown == 0 {
                        <p class="hint" id="offre-vide">{ "Aucun cours ne correspond à ces filtres." }</p>
                    }
                    { for tables }
                </>
            }
        }
    };
    html! {
        <section class="page" aria-labelledby="titre-page">
            <h1 id="titre-page">{ "Cours & capacités" }</h1>
            { body }
        </section>
    }
}
