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

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

/// The form under way: a new campaign or one being changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Editing {
    request: SaveCampaignRequest,
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
    let save = {
        let (view, editing, error, busy, events) = (
            view.clone(),
            editing.clone(),
            error.clone(),
            busy.clone(),
            events.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(current) = (*editing).clone() else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            let (view, editing, error, busy, events) = (
                view.clone(),
                editing.clone(),
                error.clone(),
                busy.clone(),
                events.clone(),
            );
            spawn_local(async move {
                match api::call::<SaveCampaign>(&current.request).await {
                    Ok(v) => {
                        error.set(None);
                        editing.set(None);
                        view.set(Some(Ok(v)));
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            // What was typed stays; the list is read again.
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
    let edit = |change: fn(&mut SaveCampaignRequest, String)| {
        let editing = editing.clone();
        move |value: String| {
            if let Some(mut e) = (*editing).clone() {
                change(&mut e.request, value);
                editing.set(Some(e));
            }
        }
    };
    let text = |id: &'static str,
                label: &'static str,
                value: String,
                change: fn(&mut SaveCampaignRequest, String)| {
        let set = edit(change);
        html! {
            <>
                <label for={id}>{ label }</label>
                <input {id} type="text" value={value} oninput={Callback::from(move |e: InputEvent| set(input_value(&e)))} />
            </>
        }
    };
    let form = (*editing).clone().map(|e| {
        let r = &e.request;
        let creating = r.id.is_none();
        let on_year = {
            let set = edit(|r, v| r.school_year_id = v.parse().ok());
            Callback::from(move |e: Event| set(select_value(&e)))
        };
        let on_status = {
            let set = edit(|r, v| r.status = v);
            Callback::from(move |e: Event| set(select_value(&e)))
        };
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
                        <select id="campagne-annee" onchange={on_year}>
                            <option value="" selected={r.school_year_id.is_none()}>{ "Choisir…" }</option>
                            { for v.school_years.iter().map(|(id, label)| html! {
                                <option value={id.to_string()} selected={r.school_year_id == Some(*id)}>{ label }</option>
                            }) }
                        </select>
                    }
                    { text("campagne-libelle", "Nom", r.fields.label.clone(), |r, v| r.fields.label = v) }
                    { text("campagne-ouverture", "Ouverture (JJ/MM/AAAA)", r.fields.opens_on.clone(), |r, v| r.fields.opens_on = v) }
                    { text("campagne-cloture", "Clôture (JJ/MM/AAAA)", r.fields.closes_on.clone(), |r, v| r.fields.closes_on = v) }
                    { text("campagne-date-limite", "Documents avant le (JJ/MM/AAAA)", r.fields.documents_deadline.clone(), |r, v| r.fields.documents_deadline = v) }
                    if !creating {
                        <label for="campagne-etat">{ "État" }</label>
                        <select id="campagne-etat" onchange={on_status}>
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
            let (editing, c) = (editing.clone(), c.clone());
            Callback::from(move |_: MouseEvent| {
                editing.set(Some(Editing {
                    request: SaveCampaignRequest {
                        id: Some(c.id),
                        school_year_id: None,
                        expected_version: c.version,
                        fields: CampaignInput {
                            label: c.label.clone(),
                            opens_on: c.opens_on.clone(),
                            closes_on: c.closes_on.clone(),
                            documents_deadline: c.documents_deadline.clone(),
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
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| {
            editing.set(Some(Editing {
                request: SaveCampaignRequest {
                    id: None,
                    school_year_id: None,
                    expected_version: 0,
                    fields: CampaignInput::default(),
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
