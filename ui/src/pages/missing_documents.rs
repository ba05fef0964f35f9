//! Documents › Pièces manquantes: the families of a site that still owe
//! documents for the campaign (what is missing, refused and why, awaiting
//! review), the days left before the deadline, filtered, sorted and
//! exported as CSV; the families ticked (one, the filter's, the whole
//! list) get a reminder e-mail each, a second one within the campaign's
//! delay only once confirmed.

use std::collections::BTreeSet;

use portee_api::{
    ApiError,
    documents::{
        ExportMissingDocuments, ExportMissingRequest, ListMissingDocuments,
        MissingDocumentsRequest, MissingDocumentsView, MissingLine, SendDocumentReminders,
        SendRemindersRequest,
    },
};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::{
    api,
    components::{Button, ButtonKind, DataTable, SelectField, StatusKind, StatusMessage},
    shared::{SessionEvents, session_error},
};

/// How the list is sorted.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sort {
    Family,
    MostOwed,
    LastReminder,
}

/// The screen's own filters (the list is read whole, at most a site's
/// families: filtering and sorting are instant).
#[derive(Debug, Clone, PartialEq, Default)]
struct Narrow {
    doc_type: Option<String>,
    state: Option<String>,
    never_reminded: bool,
    text: String,
}

fn matches(line: &MissingLine, n: &Narrow) -> bool {
    let typed = n.text.trim().to_lowercase();
    (typed.is_empty()
        || line.family.to_lowercase().contains(&typed)
        || line.children.to_lowercase().contains(&typed))
        && n.doc_type
            .as_ref()
            .is_none_or(|t| line.items.iter().any(|i| &i.doc_type == t))
        && n.state
            .as_ref()
            .is_none_or(|s| line.items.iter().any(|i| &i.state == s))
        && (!n.never_reminded || line.reminders == 0)
}

/// `dd/mm/yyyy hh:mm` read back for sorting (newest first).
fn sort_key(stamp: &Option<String>) -> String {
    stamp
        .as_deref()
        .map(|s| {
            let (d, t) = s.split_once(' ').unwrap_or((s, ""));
            let p: Vec<&str> = d.split('/').collect();
            format!(
                "{}{}{}{t}",
                p.get(2).unwrap_or(&""),
                p.get(1).unwrap_or(&""),
                p.first().unwrap_or(&"")
            )
        })
        .unwrap_or_default()
}

#[component]
pub fn MissingDocuments() -> Html {
    let events = use_context::<SessionEvents>();
    let request = use_state(MissingDocumentsRequest::default);
    let list = use_state(|| None::<Result<MissingDocumentsView, ApiError>>);
    let generation = use_state(|| 0u32);
    let narrow = use_state(Narrow::default);
    let sort = use_state(|| Sort::Family);
    let selected = use_state(BTreeSet::<i64>::new);
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Result<String, String>>);
    // Families reminded less than the delay ago: the question asked.
    let confirming = use_state(|| None::<Vec<String>>);
    {
        let (list, events) = (list.clone(), events.clone());
        use_effect_with((*request, *generation), move |(request, _)| {
            let request = *request;
            spawn_local(async move {
                match api::call::<ListMissingDocuments>(&request).await {
                    Ok(v) => list.set(Some(Ok(v))),
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            list.set(Some(Err(e)));
                        }
                    }
                }
            });
        });
    }
    let send = {
        let (list, selected, busy, outcome, confirming, events, generation) = (
            list.clone(),
            selected.clone(),
            busy.clone(),
            outcome.clone(),
            confirming.clone(),
            events.clone(),
            generation.clone(),
        );
        Callback::from(move |confirmed: bool| {
            let Some(Ok(v)) = &*list else { return };
            if *busy || selected.is_empty() {
                return;
            }
            let request = SendRemindersRequest {
                site_id: v.site_id,
                campaign_id: v.campaign_id,
                family_ids: selected.iter().copied().collect(),
                confirmed,
            };
            busy.set(true);
            confirming.set(None);
            let (selected, busy, outcome, confirming, events, generation) = (
                selected.clone(),
                busy.clone(),
                outcome.clone(),
                confirming.clone(),
                events.clone(),
                generation.clone(),
            );
            spawn_local(async move {
                match api::call::<SendDocumentReminders>(&request).await {
                    Ok(done) if !done.needs_confirmation.is_empty() => {
                        outcome.set(None);
                        confirming.set(Some(done.needs_confirmation));
                    }
                    Ok(done) => {
                        let mut text = done.message;
                        if !done.without_email.is_empty() {
                            text.push_str(&format!(
                                " Sans courriel : {}.",
                                done.without_email.join(", ")
                            ));
                        }
                        outcome.set(Some(Ok(text)));
                        selected.set(BTreeSet::new());
                        generation.set(*generation + 1);
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            outcome.set(Some(Err(e.message)));
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    let body = match &*list {
        None => html! { <p aria-busy="true">{ "Chargement des pièces manquantes…" }</p> },
        Some(Err(e)) => {
            html! { <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage> }
        }
        Some(Ok(v)) => {
            let mut shown: Vec<&MissingLine> =
                v.rows.iter().filter(|l| matches(l, &narrow)).collect();
            match *sort {
                Sort::Family => {}
                Sort::MostOwed => shown.sort_by_key(|l| std::cmp::Reverse(l.items.len())),
                Sort::LastReminder => {
                    shown.sort_by_key(|l| std::cmp::Reverse(sort_key(&l.last_reminder)))
                }
            }
            let shown_ids: Vec<i64> = shown.iter().map(|l| l.family_id).collect();
            let rows: Vec<Vec<Html>> = shown
                .iter()
                .map(|l| {
                    let id = l.family_id;
                    let onchange = {
                        let selected = selected.clone();
                        Callback::from(move |e: Event| {
                            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                            let mut next = (*selected).clone();
                            if on { next.insert(id); } else { next.remove(&id); }
                            selected.set(next);
                        })
                    };
                    vec![
                        html! { <input type="checkbox" id={format!("manquante-{id}")} checked={selected.contains(&id)}
                            aria-label={format!("Relancer {}", l.family)} {onchange} /> },
                        html! { <span>{ &l.family }</span> },
                        html! { <span>{ &l.children }</span> },
                        html! {
                            <ul class="owed">
                                { for l.items.iter().map(|i| html! {
                                    <li class={classes!("owed-item", format!("owed-{}", i.state))}>{ &i.text }</li>
                                }) }
                            </ul>
                        },
                        html! { <span>{ match (&l.last_reminder, l.reminders) {
                            (Some(at), n) => format!("{n} · dernière le {at}"),
                            _ => "jamais".to_owned(),
                        } }</span> },
                        html! { <span class="cell-detail">{ l.email.clone().unwrap_or_else(|| "aucun courriel".into()) }</span> },
                    ]
                })
                .collect();
            let columns = vec![
                AttrValue::from("Relancer"),
                AttrValue::from("Famille"),
                AttrValue::from("Enfants (ce site)"),
                AttrValue::from("Pièces dues"),
                AttrValue::from("Relances"),
                AttrValue::from("Courriel"),
            ];
            let set_narrow = {
                let narrow = narrow.clone();
                move |change: Box<dyn Fn(&mut Narrow)>| {
                    let mut next = (*narrow).clone();
                    change(&mut next);
                    narrow.set(next);
                }
            };
            let export = {
                let (outcome, busy, events) = (outcome.clone(), busy.clone(), events.clone());
                let request = ExportMissingRequest {
                    site_id: v.site_id,
                    campaign_id: v.campaign_id,
                    family_ids: shown_ids.clone(),
                };
                Callback::from(move |()| {
                    if *busy {
                        return;
                    }
                    busy.set(true);
                    let (outcome, busy, events, request) = (
                        outcome.clone(),
                        busy.clone(),
                        events.clone(),
                        request.clone(),
                    );
                    spawn_local(async move {
                        match api::call::<ExportMissingDocuments>(&request).await {
                            Ok(done) => outcome.set(Some(Ok(format!(
                                "{} famille(s) exportée(s) dans {}",
                                done.rows, done.path
                            )))),
                            Err(e) => {
                                if let Some(e) = session_error(&events, e) {
                                    outcome.set(Some(Err(e.message)));
                                }
                            }
                        }
                        busy.set(false);
                    });
                })
            };
            html! {
                <>
                    <p id="manquantes-entete">
                        { format!("{} — pièces attendues avant le {} ({}). ", v.campaign_label, v.documents_deadline, v.days_left_label) }
                        <strong id="manquantes-compte">{ format!("{} famille(s) sur {} doivent encore des pièces.", v.rows.len(), v.families_total) }</strong>
                    </p>
                    <div class="filters">
                        <SelectField id="manquantes-site" label="Site"
                            options={v.sites.iter().map(|(id, n)| (AttrValue::from(id.to_string()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={Some(AttrValue::from(v.site_id.to_string()))}
                            onchange={let (request, selected) = (request.clone(), selected.clone()); Callback::from(move |s: Option<String>| {
                                selected.set(BTreeSet::new());
                                request.set(MissingDocumentsRequest { site_id: s.and_then(|s| s.parse().ok()), ..*request });
                            })} />
                        <SelectField id="manquantes-campagne" label="Campagne"
                            options={v.campaigns.iter().map(|(id, n)| (AttrValue::from(id.to_string()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={Some(AttrValue::from(v.campaign_id.to_string()))}
                            onchange={let (request, selected) = (request.clone(), selected.clone()); Callback::from(move |c: Option<String>| {
                                selected.set(BTreeSet::new());
                                request.set(MissingDocumentsRequest { campaign_id: c.and_then(|c| c.parse().ok()), ..*request });
                            })} />
                        <SelectField id="manquantes-type" label="Pièce" placeholder="Toutes les pièces"
                            options={v.doc_types.iter().map(|(c, n)| (AttrValue::from(c.clone()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={narrow.doc_type.clone().map(AttrValue::from)}
                            onchange={let set = set_narrow.clone(); Callback::from(move |t: Option<String>| set(Box::new(move |n| n.doc_type = t.clone())))} />
                        <SelectField id="manquantes-etat" label="État" placeholder="Tous les états"
                            options={vec![
                                (AttrValue::from("manquant"), AttrValue::from("Manquante")),
                                (AttrValue::from("refuse"), AttrValue::from("Refusée")),
                                (AttrValue::from("a_examiner"), AttrValue::from("Reçue, à examiner")),
                            ]}
                            value={narrow.state.clone().map(AttrValue::from)}
                            onchange={let set = set_narrow.clone(); Callback::from(move |s: Option<String>| set(Box::new(move |n| n.state = s.clone())))} />
                        <SelectField id="manquantes-tri" label="Trier par"
                            options={vec![
                                (AttrValue::from("famille"), AttrValue::from("Famille")),
                                (AttrValue::from("pieces"), AttrValue::from("Pièces dues (le plus d'abord)")),
                                (AttrValue::from("relance"), AttrValue::from("Dernière relance")),
                            ]}
                            value={Some(AttrValue::from(match *sort { Sort::Family => "famille", Sort::MostOwed => "pieces", Sort::LastReminder => "relance" }))}
                            onchange={let sort = sort.clone(); Callback::from(move |s: Option<String>| sort.set(match s.as_deref() { Some("pieces") => Sort::MostOwed, Some("relance") => Sort::LastReminder, _ => Sort::Family }))} />
                        <div class="field">
                            <label for="manquantes-recherche">{ "Famille ou enfant" }</label>
                            <input id="manquantes-recherche" type="search" autocomplete="off" value={narrow.text.clone()}
                                oninput={let set = set_narrow.clone(); Callback::from(move |e: InputEvent| {
                                    let t = e.target_unchecked_into::<HtmlInputElement>().value();
                                    set(Box::new(move |n| n.text = t.clone()))
                                })} />
                        </div>
                        <div class="field field-check">
                            <input id="manquantes-jamais" type="checkbox" checked={narrow.never_reminded}
                                onchange={let set = set_narrow.clone(); Callback::from(move |e: Event| {
                                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                                    set(Box::new(move |n| n.never_reminded = on))
                                })} />
                            <label for="manquantes-jamais">{ "Jamais relancées" }</label>
                        </div>
                    </div>
                    if let Some(o) = &*outcome {
                        <StatusMessage kind={if o.is_ok() { StatusKind::Success } else { StatusKind::Error }} id={Some(AttrValue::from("manquantes-resultat"))}>
                            { o.clone().unwrap_or_else(|e| e) }
                        </StatusMessage>
                    }
                    if let Some(recent) = &*confirming {
                        <div class="confirm" role="alertdialog" aria-labelledby="manquantes-confirmer-titre" id="manquantes-confirmer">
                            <p id="manquantes-confirmer-titre"><strong>{ format!("Relancées il y a moins de {} jours :", v.reminder_days) }</strong></p>
                            <ul>{ for recent.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
                            <p>{ "Envoyer quand même une nouvelle relance à toutes les familles cochées ?" }</p>
                            <div class="form-actions">
                                <Button kind={ButtonKind::Primary} id={Some(AttrValue::from("manquantes-confirmer-oui"))} busy={*busy}
                                    onclick={let send = send.clone(); Callback::from(move |()| send.emit(true))}>{ "Relancer quand même" }</Button>
                                <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("manquantes-confirmer-non"))}
                                    onclick={let confirming = confirming.clone(); Callback::from(move |()| confirming.set(None))}>{ "Annuler" }</Button>
                            </div>
                        </div>
                    }
                    <div class="form-actions">
                        <button type="button" class="btn btn-secondary" id="manquantes-tout"
                            onclick={let (selected, all) = (selected.clone(), shown_ids.clone()); Callback::from(move |_: MouseEvent| selected.set(all.iter().copied().collect()))}>
                            { format!("Cocher les {} familles affichées", shown_ids.len()) }
                        </button>
                        <Button kind={ButtonKind::Primary} id={Some(AttrValue::from("manquantes-relancer"))} busy={*busy}
                            onclick={let send = send.clone(); Callback::from(move |()| send.emit(false))}>
                            { format!("Relancer les familles cochées ({}) par courriel", selected.len()) }
                        </Button>
                        <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("manquantes-exporter"))} busy={*busy}
                            onclick={export}>{ "Exporter la liste (CSV)" }</Button>
                    </div>
                    <DataTable id={Some(AttrValue::from("manquantes"))} caption="Pièces manquantes" caption_hidden=true
                        {columns} {rows} empty="Aucune famille ne doit de pièce avec ces filtres." />
                </>
            }
        }
    };
    html! { <div id="pieces-manquantes">{ body }</div> }
}
