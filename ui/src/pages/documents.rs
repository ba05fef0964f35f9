//! Documents (menu): the review queue of the member's sites, oldest upload
//! first, counted by status and filtered; a line opens the review screen
//! (`ReviewScreen`): the document drawn in Rust on the left, the decision
//! on the right, with keyboard shortcuts (Alt+A accepter, Alt+R refuser,
//! Alt+S suivant, Page précédente / suivante).

use std::collections::HashMap;

use portee_api::{
    ApiError,
    documents::{
        DecideDocument, DecideDocumentRequest, DocumentQueue, ListDocuments, ListDocumentsRequest,
        OpenReview, OpenReviewRequest, PageImage, ReleaseReview, ReleaseReviewRequest, RenderPage,
        RenderPageRequest, ReplaceDocument, ReplaceDocumentRequest, ReviewView,
    },
};
use portee_domain::{
    FrenchDate,
    reinscription::DocumentKind,
    review::{DecisionInput, date_rule},
};
use wasm_bindgen::{JsCast, closure::Closure};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::{
    api,
    components::{Button, ButtonKind, DataTable, SelectField, StatusKind, StatusMessage},
    shared::{SessionEvents, session_error},
};

#[component]
pub fn DocumentsPage() -> Html {
    let events = use_context::<SessionEvents>();
    let filter = use_state(ListDocumentsRequest::default);
    let queue = use_state(|| None::<Result<DocumentQueue, ApiError>>);
    // The review screen: the queue's ids when it was opened, and where.
    let reviewing = use_state(|| None::<(Vec<i64>, usize)>);
    let generation = use_state(|| 0u32);
    // « Pièces manquantes » shown instead of the queue.
    let missing = use_state(|| false);
    let from = use_node_ref();
    let to = use_node_ref();
    {
        let (queue, events) = (queue.clone(), events.clone());
        use_effect_with(((*filter).clone(), *generation), move |(request, _)| {
            let request = request.clone();
            spawn_local(async move {
                match api::call::<ListDocuments>(&request).await {
                    Ok(q) => queue.set(Some(Ok(q))),
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            queue.set(Some(Err(e)));
                        }
                    }
                }
            });
        });
    }
    if let Some((ids, at)) = &*reviewing {
        let back = {
            let (reviewing, generation) = (reviewing.clone(), generation.clone());
            Callback::from(move |()| {
                reviewing.set(None);
                generation.set(*generation + 1);
            })
        };
        return html! { <ReviewScreen ids={ids.clone()} start={*at} on_back={back} /> };
    }
    let set = {
        let filter = filter.clone();
        move |change: Box<dyn Fn(&mut ListDocumentsRequest)>| {
            let mut next = (*filter).clone();
            change(&mut next);
            next.refresh = false;
            filter.set(next);
        }
    };
    let body = match &*queue {
        None => html! { <p aria-busy="true">{ "Chargement des documents…" }</p> },
        Some(Err(e)) => {
            html! { <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage> }
        }
        Some(Ok(q)) => {
            let ids: Vec<i64> = q.rows.iter().map(|r| r.id).collect();
            let rows: Vec<Vec<Html>> = q
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let onclick = {
                        let (reviewing, ids) = (reviewing.clone(), ids.clone());
                        Callback::from(move |_: MouseEvent| reviewing.set(Some((ids.clone(), i))))
                    };
                    vec![
                        html! { <button type="button" class="btn-link" id={format!("document-{}", r.id)} {onclick}>{ &r.doc_label }</button> },
                        html! { <span>{ &r.family }</span> },
                        html! { <span>{ &r.children }</span> },
                        html! { <span class={classes!("dossier-status", format!("document-{}", r.status))}>{ &r.status_label }</span> },
                        html! { { &r.uploaded_at } },
                        html! { { &r.uploaded_by } },
                        html! { <span class="cell-detail">{ r.reviewing.clone().unwrap_or_default() }</span> },
                    ]
                })
                .collect();
            let columns = vec![
                AttrValue::from("Document"),
                AttrValue::from("Famille"),
                AttrValue::from("Enfants"),
                AttrValue::from("Statut"),
                AttrValue::from("Déposé le"),
                AttrValue::from("Déposé par"),
                AttrValue::from("Examen"),
            ];
            let mut chips = vec![(
                "tous".to_owned(),
                "Tous".to_owned(),
                q.counts.iter().map(|c| c.2).sum::<i64>(),
            )];
            chips.extend(q.counts.iter().cloned());
            let date_filter = {
                let (set, from, to) = (set.clone(), from.clone(), to.clone());
                Callback::from(move |_: Event| {
                    let read = |r: &NodeRef| {
                        r.cast::<HtmlInputElement>()
                            .map(|i| i.value())
                            .filter(|v| !v.trim().is_empty())
                    };
                    let (f, t) = (read(&from), read(&to));
                    set(Box::new(move |r| {
                        r.uploaded_from = f.clone();
                        r.uploaded_to = t.clone();
                    }))
                })
            };
            html! {
                <>
                    <div class="status-counts" role="group" aria-label="Documents par statut" id="documents-compteurs">
                        { for chips.into_iter().map(|(code, label, n)| {
                            let pressed = code == q.status;
                            let onclick = {
                                let (set, code) = (set.clone(), code.clone());
                                Callback::from(move |_: MouseEvent| {
                                    let code = code.clone();
                                    set(Box::new(move |f| f.status = Some(code.clone())))
                                })
                            };
                            html! {
                                <button type="button" class={classes!("count-chip", pressed.then_some("count-chip-on"))}
                                    id={format!("documents-statut-{code}")}
                                    aria-pressed={if pressed { "true" } else { "false" }} {onclick}>
                                    <span class="count-n">{ n }</span>{ " " }{ label }
                                </button>
                            }
                        }) }
                    </div>
                    <div class="filters">
                        <SelectField id="documents-site" label="Site" placeholder="Tous les sites"
                            options={q.sites.iter().map(|(id, n)| (AttrValue::from(id.to_string()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={filter.site_id.map(|s| AttrValue::from(s.to_string()))}
                            onchange={let set = set.clone(); Callback::from(move |v: Option<String>| { let site = v.and_then(|v| v.parse().ok()); set(Box::new(move |f| f.site_id = site)) })} />
                        <SelectField id="documents-type" label="Type" placeholder="Tous les types"
                            options={q.doc_types.iter().map(|(c, n)| (AttrValue::from(c.clone()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={filter.doc_type.clone().map(AttrValue::from)}
                            onchange={let set = set.clone(); Callback::from(move |v: Option<String>| set(Box::new(move |f| f.doc_type = v.clone())))} />
                        <SelectField id="documents-campagne" label="Campagne" placeholder="Campagne en cours"
                            options={q.campaigns.iter().map(|(id, n)| (AttrValue::from(id.to_string()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={Some(AttrValue::from(q.campaign_id.to_string()))}
                            onchange={let set = set.clone(); Callback::from(move |v: Option<String>| { let c = v.and_then(|v| v.parse().ok()); set(Box::new(move |f| f.campaign_id = c)) })} />
                        <div class="field">
                            <label for="documents-du">{ "Déposés du (JJ/MM/AAAA)" }</label>
                            <input id="documents-du" type="text" inputmode="numeric" ref={from.clone()}
                                value={filter.uploaded_from.clone().unwrap_or_default()} onchange={date_filter.clone()} />
                        </div>
                        <div class="field">
                            <label for="documents-au">{ "au" }</label>
                            <input id="documents-au" type="text" inputmode="numeric" ref={to.clone()}
                                value={filter.uploaded_to.clone().unwrap_or_default()} onchange={date_filter} />
                        </div>
                    </div>
                    <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("documents-compte"))}>
                        { match q.total { 0 => "Aucun document.".to_owned(), 1 => "1 document.".to_owned(), n if n as usize > q.rows.len() => format!("{n} documents ; les {} plus anciens sont affichés : affinez les filtres.", q.rows.len()), n => format!("{n} documents, du plus ancien dépôt au plus récent.") } }
                    </StatusMessage>
                    if !q.rows.is_empty() {
                        <div class="form-actions">
                            <button type="button" class="btn btn-primary" id="examiner-premier"
                                onclick={let (reviewing, ids) = (reviewing.clone(), ids.clone()); Callback::from(move |_: MouseEvent| reviewing.set(Some((ids.clone(), 0))))}>
                                { "Examiner dans l'ordre (du plus ancien)" }
                            </button>
                        </div>
                    }
                    <DataTable id={Some(AttrValue::from("documents"))} caption="Documents" caption_hidden=true
                        {columns} {rows} empty="Aucun document ne correspond à ces filtres." />
                </>
            }
        }
    };
    let tab = |on_missing: bool, slug: &str, label: &str| {
        let selected = *missing == on_missing;
        let onclick = {
            let missing = missing.clone();
            Callback::from(move |_: MouseEvent| missing.set(on_missing))
        };
        html! {
            <button type="button" role="tab" id={format!("documents-onglet-{slug}")}
                aria-selected={if selected { "true" } else { "false" }}
                class={classes!("tab", selected.then_some("tab-current"))} {onclick}>{ label.to_owned() }</button>
        }
    };
    html! {
        <section class="page" aria-labelledby="titre-page">
            <h1 id="titre-page">{ "Documents" }</h1>
            <div class="tabs" role="tablist" aria-label="Documents">
                { tab(false, "examen", "À examiner") }
                { tab(true, "manquantes", "Pièces manquantes") }
            </div>
            <div class="tab-panel" role="tabpanel">
                if *missing {
                    <crate::pages::missing_documents::MissingDocuments />
                } else {
                    { body }
                }
            </div>
        </section>
    }
}

/// How the page is fitted in the viewer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Zoom {
    FitWidth,
    FitPage,
    /// Percent of the page's real size (100 %: 96 pixels per inch).
    Percent(u32),
}

/// The decision being prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Undecided,
    Refusing,
}

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    /// The queue's documents, in order.
    pub ids: Vec<i64>,
    pub start: usize,
    pub on_back: Callback<()>,
}

/// The width asked of the renderer for the viewer's size and the zoom.
fn asked_width(zoom: Zoom, turns: u8, points: (u32, u32), viewer: (f64, f64)) -> u32 {
    let (pw, ph) = (f64::from(points.0.max(1)), f64::from(points.1.max(1)));
    // Turned a quarter, the page's width is shown as its height.
    let (shown_w, shown_h) = if turns % 2 == 1 { (ph, pw) } else { (pw, ph) };
    let (vw, vh) = (viewer.0.max(200.0) - 24.0, viewer.1.max(200.0) - 24.0);
    let scale = match zoom {
        Zoom::FitWidth => vw / shown_w,
        Zoom::FitPage => (vw / shown_w).min(vh / shown_h),
        Zoom::Percent(p) => f64::from(p) / 100.0 * 96.0 / 72.0,
    };
    (pw * scale).round().clamp(100.0, 3000.0) as u32
}

/// The effective percent of a zoom, for +/−.
fn percent_of(zoom: Zoom, width: u32, points: (u32, u32)) -> u32 {
    match zoom {
        Zoom::Percent(p) => p,
        _ => (f64::from(width) / (f64::from(points.0.max(1)) * 96.0 / 72.0) * 100.0).round() as u32,
    }
}

/// Puts `value` in the field `id`, if it is on the page.
fn set_input(id: &str, value: &str) {
    if let Some(i) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    {
        i.set_value(value);
    }
}

fn input_value(id: &str) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .map(|e| {
            if let Some(i) = e.dyn_ref::<HtmlInputElement>() {
                i.value()
            } else if let Some(t) = e.dyn_ref::<HtmlTextAreaElement>() {
                t.value()
            } else if let Some(s) = e.dyn_ref::<HtmlSelectElement>() {
                s.value()
            } else {
                String::new()
            }
        })
        .unwrap_or_default()
}

fn focus(id: &str) {
    if let Some(e) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = e.focus();
    }
}

/// What the reviewer typed, read from the form, as the domain's input.
fn read_input(accept: bool) -> Result<DecisionInput, String> {
    let date = input_value("examen-date");
    let document_date = match date.trim() {
        "" => None,
        text => Some(
            FrenchDate::parse(text)
                .map_err(|e| e.message().to_owned())?
                .naive(),
        ),
    };
    let number = |id: &str, what: &str| -> Result<Option<f64>, String> {
        let raw = input_value(id)
            .trim()
            .replace([' ', '\u{a0}', '\u{202f}'], "")
            .replace(',', ".");
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse::<f64>()
            .map(Some)
            .map_err(|_| format!("{what} : un nombre est attendu."))
    };
    let qf = number("examen-qf", "Quotient familial")?;
    let rfr = number("examen-rfr", "Revenu fiscal de référence")?;
    let parts = number("examen-parts", "Nombre de parts")?;
    let reason = input_value("examen-motif");
    Ok(DecisionInput {
        accept,
        reason: (!reason.is_empty()).then_some(reason),
        note_for_family: input_value("examen-message"),
        document_date,
        quotient_familial: qf.map(|v| v.round() as i32),
        revenu_fiscal: rfr.map(|v| v.round() as i64),
        tax_parts: parts,
        review_note: input_value("examen-note"),
    })
}

/// What the 3-month rule says of the date `typed` for the document shown.
fn rule_warning(v: &ReviewView, typed: &str) -> Option<String> {
    let kind = DocumentKind::from_code(&v.doc_type)?;
    let uploaded = FrenchDate::parse(&v.uploaded_on).ok()?.naive();
    let date = FrenchDate::parse(typed.trim()).ok()?.naive();
    date_rule(kind, date, uploaded)
}

/// Chooses « Document périmé » in the refusal's reasons once drawn.
fn prefill_out_of_date() {
    gloo_timers::callback::Timeout::new(0, || {
        if let Some(s) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("examen-motif"))
            .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
        {
            s.set_value("perime");
        }
    })
    .forget();
}

#[component]
pub fn ReviewScreen(props: &ReviewProps) -> Html {
    let events = use_context::<SessionEvents>();
    let index = use_state(|| props.start.min(props.ids.len().saturating_sub(1)));
    let view = use_state(|| None::<Result<ReviewView, String>>);
    let page = use_state(|| 0u32);
    let zoom = use_state(|| Zoom::FitWidth);
    let turns = use_state(|| 0u8);
    let image = use_state(|| None::<Result<PageImage, String>>);
    let mode = use_state(|| Mode::Undecided);
    let deciding = use_state(|| false);
    let message = use_state(|| None::<Result<String, String>>);
    // The date typed breaks the 3-month rule: its reason.
    let date_warning = use_state(|| None::<String>);
    // Read ahead: the next document's view and first page.
    let prepared = use_mut_ref(HashMap::<i64, (ReviewView, PageImage)>::new);
    let viewer = use_node_ref();
    // The last page's size in points (for the zoom), known once drawn.
    let points = use_state(|| (595u32, 842u32));
    // Documents replaced from this screen: the new one is shown instead.
    let replaced = use_state(HashMap::<i64, i64>::new);
    let id = props
        .ids
        .get(*index)
        .copied()
        .map(|id| replaced.get(&id).copied().unwrap_or(id));

    // Open the document (marked and audited), or use what was prepared.
    {
        let (view, image, page, turns, mode, message, date_warning, events, prepared) = (
            view.clone(),
            image.clone(),
            page.clone(),
            turns.clone(),
            mode.clone(),
            message.clone(),
            date_warning.clone(),
            events.clone(),
            prepared.clone(),
        );
        use_effect_with(id, move |id| {
            let id = *id;
            page.set(0);
            turns.set(0);
            mode.set(Mode::Undecided);
            date_warning.set(None);
            if let Some(id) = id {
                if let Some((v, first)) = prepared.borrow_mut().remove(&id) {
                    view.set(Some(Ok(v)));
                    image.set(Some(Ok(first)));
                } else {
                    view.set(None);
                    image.set(None);
                }
                spawn_local(async move {
                    match api::call::<OpenReview>(&OpenReviewRequest {
                        document_id: id,
                        prefetch: false,
                    })
                    .await
                    {
                        Ok(v) => {
                            // A date read in the document, prefilled: the
                            // rule is checked at once, as when typed.
                            if v.document_date.is_none()
                                && let Some(broken) = v
                                    .suggested_date
                                    .as_deref()
                                    .and_then(|d| rule_warning(&v, d))
                            {
                                mode.set(Mode::Refusing);
                                prefill_out_of_date();
                                date_warning.set(Some(broken));
                            }
                            view.set(Some(Ok(v)));
                        }
                        Err(e) => {
                            if let Some(e) = session_error(&events, e) {
                                view.set(Some(Err(e.message)));
                            }
                        }
                    }
                });
            }
            let _ = &message;
            move || {
                // Left without a decision: given back to the others.
                if let Some(id) = id {
                    spawn_local(async move {
                        let _ =
                            api::call::<ReleaseReview>(&ReleaseReviewRequest { document_id: id })
                                .await;
                    });
                }
            }
        });
    }

    // The decision's fields take the document's recorded values once, when
    // its view is first shown: not at every drawing, nor when the opened
    // view replaces the prepared one — what the reviewer already typed
    // stays.
    {
        let shown = match &*view {
            Some(Ok(v)) => Some((v.id, v.can_decide)),
            _ => None,
        };
        let view = view.clone();
        use_effect_with(shown, move |_| {
            if let Some(Ok(v)) = &*view {
                set_input(
                    "examen-date",
                    &v.document_date
                        .clone()
                        .or_else(|| v.suggested_date.clone())
                        .unwrap_or_default(),
                );
                set_input(
                    "examen-qf",
                    &v.quotient_familial
                        .map(|q| q.to_string())
                        .unwrap_or_default(),
                );
                set_input(
                    "examen-rfr",
                    &v.revenu_fiscal.map(|q| q.to_string()).unwrap_or_default(),
                );
                set_input(
                    "examen-parts",
                    &v.tax_parts
                        .map(|q| q.to_string().replace('.', ","))
                        .unwrap_or_default(),
                );
            }
        });
    }

    // Draw the page shown (again when the page, zoom or turn changes).
    {
        let (image, events, viewer, points) = (
            image.clone(),
            events.clone(),
            viewer.clone(),
            points.clone(),
        );
        let has_content = matches!(&*view, Some(Ok(v)) if v.has_content);
        use_effect_with(
            (id, *page, *zoom, *turns, has_content),
            move |(id, page, zoom, turns, has_content)| {
                let alive = std::rc::Rc::new(std::cell::Cell::new(true));
                if let (Some(id), true) = (*id, *has_content) {
                    let size = viewer
                        .cast::<HtmlElement>()
                        .map(|e| (f64::from(e.client_width()), f64::from(e.client_height())))
                        .unwrap_or((800.0, 900.0));
                    let request = RenderPageRequest {
                        document_id: id,
                        page: *page,
                        width: asked_width(*zoom, *turns, *points, size),
                        quarter_turns: *turns,
                    };
                    let alive = alive.clone();
                    spawn_local(async move {
                        let answer = api::call::<RenderPage>(&request).await;
                        if !alive.get() {
                            return;
                        }
                        match answer {
                            Ok(p) => {
                                points.set((p.page_width_pt, p.page_height_pt));
                                image.set(Some(Ok(p)));
                            }
                            Err(e) => {
                                if let Some(e) = session_error(&events, e) {
                                    image.set(Some(Err(e.message)));
                                }
                            }
                        }
                    });
                }
                move || alive.set(false)
            },
        );
    }

    // Prepare the next document while this one is read.
    {
        let (prepared, viewer, points) = (prepared.clone(), viewer.clone(), *points);
        let next = props.ids.get(*index + 1).copied();
        use_effect_with(next, move |next| {
            if let Some(next) = *next
                && !prepared.borrow().contains_key(&next)
            {
                let size = viewer
                    .cast::<HtmlElement>()
                    .map(|e| (f64::from(e.client_width()), f64::from(e.client_height())))
                    .unwrap_or((800.0, 900.0));
                spawn_local(async move {
                    let Ok(v) = api::call::<OpenReview>(&OpenReviewRequest {
                        document_id: next,
                        prefetch: true,
                    })
                    .await
                    else {
                        return;
                    };
                    if !v.has_content {
                        return;
                    }
                    let request = RenderPageRequest {
                        document_id: next,
                        page: 0,
                        width: asked_width(Zoom::FitWidth, 0, points, size),
                        quarter_turns: 0,
                    };
                    if let Ok(p) = api::call::<RenderPage>(&request).await {
                        let mut map = prepared.borrow_mut();
                        map.retain(|k, _| *k == next);
                        map.insert(next, (v, p));
                    }
                });
            }
        });
    }

    let go = {
        let (index, message, count) = (index.clone(), message.clone(), props.ids.len());
        Callback::from(move |delta: isize| {
            let next =
                (*index as isize + delta).clamp(0, count.saturating_sub(1) as isize) as usize;
            if next != *index {
                message.set(None);
                index.set(next);
            }
        })
    };
    let decide = {
        let (view, deciding, message, events, go, mode, count, index) = (
            view.clone(),
            deciding.clone(),
            message.clone(),
            events.clone(),
            go.clone(),
            mode.clone(),
            props.ids.len(),
            index.clone(),
        );
        Callback::from(move |accept: bool| {
            let Some(Ok(v)) = &*view else { return };
            if *deciding || !v.can_decide {
                return;
            }
            let input = match read_input(accept) {
                Ok(i) => i,
                Err(e) => {
                    message.set(Some(Err(e)));
                    return;
                }
            };
            let request = DecideDocumentRequest {
                document_id: v.id,
                version: v.version,
                input,
            };
            let (view, deciding, message, events, go, mode, index) = (
                view.clone(),
                deciding.clone(),
                message.clone(),
                events.clone(),
                go.clone(),
                mode.clone(),
                index.clone(),
            );
            deciding.set(true);
            spawn_local(async move {
                match api::call::<DecideDocument>(&request).await {
                    Ok(done) => {
                        mode.set(Mode::Undecided);
                        view.set(Some(Ok(done.view)));
                        // On to the next document, prepared meanwhile (the
                        // move clears the message: said after it).
                        if *index + 1 < count {
                            go.emit(1);
                        }
                        message.set(Some(Ok(done.message)));
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            message.set(Some(Err(e.message)));
                        }
                    }
                }
                deciding.set(false);
            });
        })
    };
    let refuse = {
        let (mode, decide) = (mode.clone(), decide.clone());
        Callback::from(move |()| {
            if *mode == Mode::Refusing {
                decide.emit(false);
            } else {
                mode.set(Mode::Refusing);
                // Drawn at the next render: focus the reason then.
                gloo_timers::callback::Timeout::new(0, || focus("examen-motif")).forget();
            }
        })
    };
    let onkeydown = {
        let (decide, refuse, go, page, image) = (
            decide.clone(),
            refuse.clone(),
            go.clone(),
            page.clone(),
            image.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let count = match &*image {
                Some(Ok(p)) => p.page_count,
                _ => 1,
            };
            if e.alt_key() {
                // The physical key: Alt+letter may type another character
                // (macOS's Option) in `key`.
                match e.code().as_str() {
                    "KeyA" => decide.emit(true),
                    "KeyR" => refuse.emit(()),
                    "KeyS" => go.emit(1),
                    "KeyP" => go.emit(-1),
                    _ => return,
                }
                e.prevent_default();
            } else if e.key() == "PageDown" && *page + 1 < count {
                page.set(*page + 1);
                e.prevent_default();
            } else if e.key() == "PageUp" && *page > 0 {
                page.set(*page - 1);
                e.prevent_default();
            }
        })
    };
    // The shortcuts work wherever the focus is (a field, the page, or
    // nothing yet after the screen opened): one listener on the window,
    // calling this render's handler.
    {
        let keys = use_mut_ref(Callback::<KeyboardEvent>::noop);
        *keys.borrow_mut() = onkeydown.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                let handler = keys.borrow().clone();
                handler.emit(e);
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    let on_date = {
        let (view, date_warning, mode) = (view.clone(), date_warning.clone(), mode.clone());
        Callback::from(move |_: Event| {
            let Some(Ok(v)) = &*view else { return };
            let broken = rule_warning(v, &input_value("examen-date"));
            if broken.is_some() {
                // The rule turns the decision into a refusal, reason
                // prefilled; the reviewer may still accept with a note.
                mode.set(Mode::Refusing);
                prefill_out_of_date();
            } else if date_warning.is_some() {
                // A date corrected within the rule: the refusal the rule
                // had opened closes again.
                mode.set(Mode::Undecided);
            }
            date_warning.set(broken);
        })
    };

    let total = props.ids.len();
    let position = format!("Document {} sur {total}", *index + 1);
    let toolbar = {
        let (page_count, shown) = match &*image {
            Some(Ok(p)) => (p.page_count, Some(p)),
            _ => (1, None),
        };
        let percent = shown.map_or(100, |p| percent_of(*zoom, p.width, *points));
        let set_zoom = |z: Zoom| {
            let zoom = zoom.clone();
            Callback::from(move |_: MouseEvent| zoom.set(z))
        };
        html! {
            <div class="viewer-toolbar" role="toolbar" aria-label="Affichage du document">
                <button type="button" class="btn btn-secondary" id="page-precedente" disabled={*page == 0}
                    onclick={let page = page.clone(); Callback::from(move |_: MouseEvent| if *page > 0 { page.set(*page - 1) })}>{ "‹ Page" }</button>
                <span id="page-numero" aria-live="polite">{ format!("page {} / {page_count}", *page + 1) }</span>
                <button type="button" class="btn btn-secondary" id="page-suivante" disabled={*page + 1 >= page_count}
                    onclick={let page = page.clone(); Callback::from(move |_: MouseEvent| if *page + 1 < page_count { page.set(*page + 1) })}>{ "Page ›" }</button>
                <span class="toolbar-gap"></span>
                <button type="button" class="btn btn-secondary" id="zoom-largeur" aria-pressed={(*zoom == Zoom::FitWidth).to_string()} onclick={set_zoom(Zoom::FitWidth)}>{ "Largeur" }</button>
                <button type="button" class="btn btn-secondary" id="zoom-page" aria-pressed={(*zoom == Zoom::FitPage).to_string()} onclick={set_zoom(Zoom::FitPage)}>{ "Page entière" }</button>
                <button type="button" class="btn btn-secondary" id="zoom-100" aria-pressed={(*zoom == Zoom::Percent(100)).to_string()} onclick={set_zoom(Zoom::Percent(100))}>{ "100 %" }</button>
                <button type="button" class="btn btn-secondary" id="zoom-moins" aria-label="Réduire" onclick={set_zoom(Zoom::Percent(percent.saturating_sub(25).max(25)))}>{ "−" }</button>
                <span id="zoom-niveau">{ format!("{percent} %") }</span>
                <button type="button" class="btn btn-secondary" id="zoom-plus" aria-label="Agrandir" onclick={set_zoom(Zoom::Percent((percent + 25).min(400)))}>{ "+" }</button>
                <button type="button" class="btn btn-secondary" id="pivoter" aria-label="Pivoter d'un quart de tour"
                    onclick={let turns = turns.clone(); Callback::from(move |_: MouseEvent| turns.set((*turns + 1) % 4))}>{ "Pivoter ↻" }</button>
            </div>
        }
    };
    let replace = {
        let (view, message, deciding, events, replaced) = (
            view.clone(),
            message.clone(),
            deciding.clone(),
            events.clone(),
            replaced.clone(),
        );
        let shown = props.ids.get(*index).copied();
        Callback::from(move |()| {
            let (Some(Ok(v)), Some(shown)) = (&*view, shown) else {
                return;
            };
            if *deciding {
                return;
            }
            deciding.set(true);
            let request = ReplaceDocumentRequest {
                document_id: v.id,
                version: v.version,
            };
            let (message, deciding, events, replaced) = (
                message.clone(),
                deciding.clone(),
                events.clone(),
                replaced.clone(),
            );
            spawn_local(async move {
                match api::call::<ReplaceDocument>(&request).await {
                    Ok(done) => {
                        if let Some(new) = done.new_document_id {
                            let mut map = (*replaced).clone();
                            map.insert(shown, new);
                            replaced.set(map);
                            message.set(Some(Ok(done.message)));
                        } else {
                            message.set(Some(Err(done.message)));
                        }
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            message.set(Some(Err(e.message)));
                        }
                    }
                }
                deciding.set(false);
            });
        })
    };
    let alt = crate::text::alt_modifier();
    let picture = match (&*view, &*image) {
        (Some(Ok(v)), _) if !v.has_content => html! {
            <StatusMessage kind={StatusKind::Info}>{ "Ce document n'a pas de fichier (manquant, ou retiré après son examen)." }</StatusMessage>
        },
        (_, Some(Ok(p))) => html! {
            <img id="document-page" src={p.data_url.clone()} width={p.width.to_string()} height={p.height.to_string()}
                alt={format!("Page {} du document", p.page + 1)} data-turns={turns.to_string()} />
        },
        (_, Some(Err(e))) => html! {
            <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("document-illisible"))}>
                { format!("{}{} Vous pouvez le refuser (motif « illisible »).", e, if e.ends_with('.') { "" } else { "." }) }
            </StatusMessage>
        },
        _ => html! { <p aria-busy="true">{ "Affichage du document…" }</p> },
    };
    let panel = match &*view {
        None => html! { <p aria-busy="true">{ "Ouverture…" }</p> },
        Some(Err(e)) => {
            html! { <StatusMessage kind={StatusKind::Error}>{ e.clone() }</StatusMessage> }
        }
        Some(Ok(v)) => {
            let refusing = *mode == Mode::Refusing;
            html! {
                <>
                    <h2 id="examen-titre">{ &v.doc_label }</h2>
                    <dl class="facts">
                        <dt>{ "Famille" }</dt><dd id="examen-famille">{ &v.family }</dd>
                        <dt>{ "Enfants" }</dt><dd>{ &v.children }</dd>
                        <dt>{ "Déposé" }</dt><dd>{ format!("le {} par {}", v.uploaded_at, v.uploaded_by) }</dd>
                        <dt>{ "Statut" }</dt><dd id="examen-statut">{ &v.status_label }</dd>
                        <dt>{ "Date limite" }</dt><dd>{ format!("{} ({})", v.documents_deadline, match v.days_left { d if d < 0 => "dépassée".to_owned(), 0 => "aujourd'hui".to_owned(), 1 => "demain".to_owned(), d => format!("dans {d} jours") }) }</dd>
                    </dl>
                    if let Some(other) = &v.reviewing_by_other {
                        <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("examen-autre"))}>{ other.clone() }</StatusMessage>
                    }
                    if let Some(done) = &v.decided {
                        <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("examen-decide"))}>{ done.clone() }</StatusMessage>
                    }
                    <p class="hint" id="examen-raccourcis">{ format!("{alt}+A accepter · {alt}+R refuser · {alt}+S suivant · {alt}+P précédent · Page↑ Page↓ pages") }</p>
                    if v.can_decide {
                        <form class="decision" id="examen-decision" data-document={v.id.to_string()} onsubmit={let (decide, refusing) = (decide.clone(), refusing); Callback::from(move |e: SubmitEvent| { e.prevent_default(); decide.emit(!refusing) })}>
                            <div class="field">
                                <label for="examen-date">{ if v.must_be_recent { "Date du document (JJ/MM/AAAA) *" } else { "Date du document (JJ/MM/AAAA)" } }</label>
                                <input id="examen-date" type="text" inputmode="numeric" autocomplete="off"
                                    onchange={on_date.clone()} />
                                if v.document_date.is_none() && v.suggested_date.is_some() {
                                    <p class="hint" id="examen-date-lue">{ "Date lue dans le document : vérifiez-la." }</p>
                                }
                                if v.must_be_recent {
                                    <p class="hint">{ format!("Moins de 3 mois au dépôt (déposé le {}).", v.uploaded_on) }</p>
                                }
                                if let Some(w) = &*date_warning {
                                    <p class="field-error" id="examen-date-regle" role="alert">{ w.clone() }</p>
                                }
                            </div>
                            if v.asks_quotient {
                                <div class="field">
                                    <label for="examen-qf">{ "Quotient familial *" }</label>
                                    <input id="examen-qf" type="text" inputmode="numeric" autocomplete="off"
                                        />
                                </div>
                            }
                            if v.asks_tax {
                                <div class="field">
                                    <label for="examen-rfr">{ "Revenu fiscal de référence (€) *" }</label>
                                    <input id="examen-rfr" type="text" inputmode="numeric" autocomplete="off"
                                        />
                                </div>
                                <div class="field">
                                    <label for="examen-parts">{ "Nombre de parts *" }</label>
                                    <input id="examen-parts" type="text" inputmode="decimal" autocomplete="off"
                                        />
                                </div>
                            }
                            if refusing {
                                <div class="field">
                                    <label for="examen-motif">{ "Motif du refus *" }</label>
                                    <select id="examen-motif">
                                        <option value="">{ "— Choisir —" }</option>
                                        { for v.reasons.iter().map(|(code, label)| html! {
                                            <option value={code.clone()} selected={date_warning.is_some() && code == "perime"}>{ label.clone() }</option>
                                        }) }
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="examen-message">{ "Message à la famille" }</label>
                                    <textarea id="examen-message" rows="3" maxlength="2000" />
                                </div>
                            }
                            <div class="field">
                                <label for="examen-note">{ "Note de l'examen (non envoyée à la famille)" }</label>
                                <textarea id="examen-note" rows="2" maxlength="2000" />
                                if date_warning.is_some() {
                                    <p class="hint">{ "Pour accepter malgré la règle des 3 mois, écrivez ici pourquoi." }</p>
                                }
                            </div>
                            <div class="form-actions">
                                <Button kind={ButtonKind::Primary} id={Some(AttrValue::from("examen-accepter"))} busy={*deciding}
                                    onclick={let decide = decide.clone(); Callback::from(move |()| decide.emit(true))}>{ format!("Accepter ({alt}+A)") }</Button>
                                <Button kind={ButtonKind::Danger} id={Some(AttrValue::from("examen-refuser"))} busy={*deciding}
                                    onclick={refuse.clone()}>{ if refusing { format!("Confirmer le refus ({alt}+R)") } else { format!("Refuser… ({alt}+R)") } }</Button>
                            </div>
                        </form>
                    }
                    if let Some(r) = &v.replaced {
                        <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("examen-remplace"))}>{ r.clone() }</StatusMessage>
                    }
                    if v.can_replace {
                        <div class="form-actions">
                            <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("examen-remplacer"))} busy={*deciding}
                                onclick={replace.clone()}>{ "Remplacer par un autre fichier…" }</Button>
                        </div>
                        <p class="hint">{ "Un document reçu par courriel ou au guichet : choisissez le fichier PDF ; l'ancien reste dans l'historique." }</p>
                    }
                </>
            }
        }
    };
    html! {
        <section class="page review" aria-labelledby="titre-page" id="examen">
            <div class="review-head">
                <button type="button" class="btn btn-secondary" id="examen-retour"
                    onclick={let back = props.on_back.clone(); Callback::from(move |_: MouseEvent| back.emit(()))}>{ "← File des documents" }</button>
                <h1 id="titre-page">{ "Examen des documents" }</h1>
                <span id="examen-position">{ position }</span>
                <button type="button" class="btn btn-secondary" id="examen-precedent" disabled={*index == 0}
                    title={format!("{alt}+P")} onclick={let go = go.clone(); Callback::from(move |_: MouseEvent| go.emit(-1))}>{ "‹ Précédent" }</button>
                <button type="button" class="btn btn-secondary" id="examen-suivant" disabled={*index + 1 >= total}
                    title={format!("{alt}+S")} onclick={let go = go.clone(); Callback::from(move |_: MouseEvent| go.emit(1))}>{ "Suivant ›" }</button>
            </div>
            if let Some(m) = &*message {
                <StatusMessage kind={if m.is_ok() { StatusKind::Success } else { StatusKind::Error }} id={Some(AttrValue::from("examen-message-resultat"))}>
                    { m.clone().unwrap_or_else(|e| e) }
                </StatusMessage>
            }
            <div class="review-body">
                <div class="review-doc">
                    { toolbar }
                    <div class="viewer" ref={viewer} tabindex="0" aria-label="Page du document">
                        { picture }
                    </div>
                </div>
                <aside class="review-panel" aria-labelledby="examen-titre">
                    { panel }
                </aside>
            </div>
        </section>
    }
}
