//! Administration › Campagnes : les campagnes de réinscription, créées pour
//! une année scolaire, leurs dates et leur état (en préparation, ouverte,
//! close) modifiés ; une seule campagne ouverte à la fois.

use portee_api::{
    ApiError,
    reinscription::{CampaignsView, ListCampaigns, SaveCampaign, SaveCampaignRequest},
};
use portee_domain::campaign::{CampaignInput, STATUSES};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{StatusKind, StatusMessage},
    shared::{SessionEvents, session_error},
};

/// The form under way: a new campaign or one being changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Editing {
    request: SaveCampaignRequest,
    /// Which opening of the form this is: its fields are filled once per
    /// opening.
    opening: u32,
}

#[component]
pub fn CampaignsAdmin() -> Html {
    let events = use_context::<SessionEvents>();
    let view = use_state(|| None::<Result<CampaignsView, ApiError>>);
    let editing = use_state(|| None::<Editing>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    {
        let (view, events) = (view.clone(), events.clone());
        use_effect_with((), move |()| {
            spawn_local(async move {
                match api::call::<ListCampaigns>(&()).await {
                    Ok(v) => view.set(Some(Ok(v))),
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            view.set(Some(Err(e)));
                        }
                    }
                }
            });
        });
    }
    // The form's fields keep what is typed themselves; they are read when
    // it is sent (a keystroke never overwrites a field typed just before).
    let year_ref = use_node_ref();
    let label_ref = use_node_ref();
    let opens_ref = use_node_ref();
    let closes_ref = use_node_ref();
    let deadline_ref = use_node_ref();
    let days_ref = use_node_ref();
    let reminder_ref = use_node_ref();
    let status_ref = use_node_ref();
    let openings = use_mut_ref(|| 0u32);
    {
        let refs = (
            label_ref.clone(),
            opens_ref.clone(),
            closes_ref.clone(),
            deadline_ref.clone(),
            days_ref.clone(),
            reminder_ref.clone(),
        );
        let opened = (*editing).clone().map(|e| (e.opening, e.request.fields));
        use_effect_with(opened.as_ref().map(|o| o.0), move |_| {
            if let Some((_, f)) = opened {
                for (node, value) in [
                    (&refs.0, f.label),
                    (&refs.1, f.opens_on),
                    (&refs.2, f.closes_on),
                    (&refs.3, f.documents_deadline),
                    (&refs.4, f.seat_offer_days),
                    (&refs.5, f.reminder_days),
                ] {
                    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
                        input.set_value(&value);
                    }
                }
            }
        });
    }
    let save = {
        let (view, editing, error, busy, events) = (
            view.clone(),
            editing.clone(),
            error.clone(),
            busy.clone(),
            events.clone(),
        );
        let refs = (
            year_ref.clone(),
            label_ref.clone(),
            opens_ref.clone(),
            closes_ref.clone(),
            deadline_ref.clone(),
            status_ref.clone(),
            days_ref.clone(),
            reminder_ref.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(current) = (*editing).clone() else {
                return;
            };
            if *busy {
                return;
            }
            let text = |r: &NodeRef| {
                r.cast::<web_sys::HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let select = |r: &NodeRef| r.cast::<web_sys::HtmlSelectElement>().map(|s| s.value());
            let mut request = current.request.clone();
            if request.id.is_none() {
                request.school_year_id = select(&refs.0).and_then(|v| v.parse().ok());
            } else if let Some(status) = select(&refs.5) {
                request.status = status;
            }
            request.fields = CampaignInput {
                label: text(&refs.1),
                opens_on: text(&refs.2),
                closes_on: text(&refs.3),
                documents_deadline: text(&refs.4),
                seat_offer_days: text(&refs.6),
                reminder_days: text(&refs.7),
            };
            // Kept as sent (same opening: the fields keep what is typed).
            editing.set(Some(Editing {
                request: request.clone(),
                opening: current.opening,
            }));
            busy.set(true);
            let (view, editing, error, busy, events) = (
                view.clone(),
                editing.clone(),
                error.clone(),
                busy.clone(),
                events.clone(),
            );
            spawn_local(async move {
                match api::call::<SaveCampaign>(&request).await {
                    Ok(v) => {
                        error.set(None);
                        editing.set(None);
                        view.set(Some(Ok(v)));
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            error.set(Some(e));
                            if let Ok(v) = api::call::<ListCampaigns>(&()).await {
                                view.set(Some(Ok(v)));
                            }
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    let v = match &*view {
        None => return html! { <p aria-busy="true">{ "Chargement des campagnes…" }</p> },
        Some(Err(e)) => {
            return html! { <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage> };
        }
        Some(Ok(v)) => v,
    };
    // Uncontrolled: a render while typing (another state of the page,
    // the session's context) never puts an older value back; the values
    // the form opens with are written once, below.
    let text = |id: &'static str, label: &'static str, node: NodeRef| {
        html! {
            <>
                <label for={id}>{ label }</label>
                <input {id} ref={node} type="text" />
            </>
        }
    };
    let form = (*editing).clone().map(|e| {
        let r = &e.request;
        let creating = r.id.is_none();
        let oncancel = {
            let (editing, error) = (editing.clone(), error.clone());
            Callback::from(move |_: MouseEvent| {
                editing.set(None);
                error.set(None);
            })
        };
        html! {
            <form class="panel-form campaign-form" id="campagne-formulaire" onsubmit={save.clone()}>
                <fieldset>
                    <legend>{ if creating { "Nouvelle campagne" } else { "Modifier la campagne" } }</legend>
                    if creating {
                        <label for="campagne-annee">{ "Année scolaire" }</label>
                        <select id="campagne-annee" ref={year_ref.clone()}>
                            <option value="" selected={r.school_year_id.is_none()}>{ "Choisir…" }</option>
                            { for v.school_years.iter().map(|(id, label)| html! {
                                <option value={id.to_string()} selected={r.school_year_id == Some(*id)}>{ label }</option>
                            }) }
                        </select>
                    }
                    { text("campagne-libelle", "Nom", label_ref.clone()) }
                    { text("campagne-ouverture", "Ouverture (JJ/MM/AAAA)", opens_ref.clone()) }
                    { text("campagne-cloture", "Clôture (JJ/MM/AAAA)", closes_ref.clone()) }
                    { text("campagne-date-limite", "Documents avant le (JJ/MM/AAAA)", deadline_ref.clone()) }
                    { text("campagne-delai-place", "Délai pour confirmer une place proposée (jours)", days_ref.clone()) }
                    { text("campagne-delai-relance", "Délai avant une nouvelle relance des pièces (jours)", reminder_ref.clone()) }
                    if !creating {
                        <label for="campagne-etat">{ "État" }</label>
                        <select id="campagne-etat" ref={status_ref.clone()}>
                            { for STATUSES.iter().map(|(code, label)| html! {
                                <option value={*code} selected={r.status == *code}>{ *label }</option>
                            }) }
                        </select>
                    }
                </fieldset>
                <button type="submit" class="btn btn-primary" id="campagne-enregistrer" disabled={*busy}>{ "Enregistrer" }</button>
                <button type="button" class="btn btn-secondary" onclick={oncancel}>{ "Annuler" }</button>
            </form>
        }
    });
    let rows = v.campaigns.iter().map(|c| {
        let onclick = {
            let (editing, c, openings) = (editing.clone(), c.clone(), openings.clone());
            Callback::from(move |_: MouseEvent| {
                *openings.borrow_mut() += 1;
                editing.set(Some(Editing {
                    opening: *openings.borrow(),
                    request: SaveCampaignRequest {
                        id: Some(c.id),
                        school_year_id: None,
                        expected_version: c.version,
                        fields: CampaignInput {
                            label: c.label.clone(),
                            opens_on: c.opens_on.clone(),
                            closes_on: c.closes_on.clone(),
                            documents_deadline: c.documents_deadline.clone(),
                            seat_offer_days: c.seat_offer_days.to_string(),
                            reminder_days: c.reminder_days.to_string(),
                        },
                        status: c.status.clone(),
                    },
                }))
            })
        };
        html! {
            <tr id={format!("campagne-{}", c.id)}>
                <th scope="row">{ &c.label }</th>
                <td>{ &c.school_year_label }</td>
                <td>{ format!("{} → {}", c.opens_on, c.closes_on) }</td>
                <td>{ &c.documents_deadline }</td>
                <td class={classes!("campaign-status", format!("campagne-{}", c.status))}>{ &c.status_label }</td>
                <td><button type="button" class="btn btn-secondary" id={format!("campagne-{}-modifier", c.id)} {onclick}>{ "Modifier…" }</button></td>
            </tr>
        }
    });
    let on_new = {
        let (editing, openings) = (editing.clone(), openings.clone());
        Callback::from(move |_: MouseEvent| {
            *openings.borrow_mut() += 1;
            editing.set(Some(Editing {
                opening: *openings.borrow(),
                request: SaveCampaignRequest {
                    id: None,
                    school_year_id: None,
                    expected_version: 0,
                    fields: CampaignInput {
                        seat_offer_days: "3".into(),
                        reminder_days: "7".into(),
                        ..CampaignInput::default()
                    },
                    status: "draft".into(),
                },
            }))
        })
    };
    html! {
        <>
            <h2>{ "Campagnes de réinscription" }</h2>
            <p class="hint">{ "Les agents ne réinscrivent qu'entre l'ouverture et la clôture de la campagne ouverte ; responsables et administrateurs peuvent corriger après. Une seule campagne est ouverte à la fois." }</p>
            if !v.notice.is_empty() {
                <StatusMessage kind={StatusKind::Success} id={Some(AttrValue::from("campagne-message"))}>{ v.notice.clone() }</StatusMessage>
            }
            if let Some(e) = &*error {
                <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("campagne-erreur"))}>{ e.message.clone() }</StatusMessage>
            }
            { form.unwrap_or_default() }
            if editing.is_none() {
                <p><button type="button" class="btn btn-secondary" id="campagne-nouvelle" onclick={on_new}>{ "Nouvelle campagne…" }</button></p>
            }
            <table class="data-table" id="campagnes">
                <thead><tr>
                    <th scope="col">{ "Campagne" }</th><th scope="col">{ "Année" }</th><th scope="col">{ "Dates" }</th>
                    <th scope="col">{ "Documents avant le" }</th><th scope="col">{ "État" }</th><th scope="col">{ "" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </>
    }
}
