//! Réinscriptions (menu) : les dossiers de la campagne sur les sites du
//! membre, comptés par état en tête, filtrables par état, site, discipline
//! et pièces manquantes ; une ligne ouvre la réinscription de la famille.

use portee_api::{
    ApiError,
    reinscription::{
        ExportReinscriptions, ListReinscriptions, ListReinscriptionsRequest, QueueReminders,
        QueueRemindersRequest, ReinscriptionList,
    },
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{Button, ButtonKind, DataTable, SelectField, StatusKind, StatusMessage},
    pages::student::StudentPage,
    shared::{SessionEvents, session_error},
};

#[derive(Properties, PartialEq)]
pub struct ReinscriptionsProps {
    /// The state of dossier shown first (a figure of the Accueil
    /// dashboard), as a list code.
    #[prop_or_default]
    pub initial_status: Option<String>,
}

#[component]
pub fn ReinscriptionsPage(props: &ReinscriptionsProps) -> Html {
    let events = use_context::<SessionEvents>();
    let filter = use_state(|| ListReinscriptionsRequest {
        status: props.initial_status.clone(),
        ..Default::default()
    });
    let list = use_state(|| None::<Result<ReinscriptionList, ApiError>>);
    let open = use_state(|| None::<i64>);
    // Bumped when a réinscription is closed: the counts are read again.
    let generation = use_state(|| 0u32);
    // The CSV export under way, and what became of the last one.
    let exporting = use_state(|| false);
    let exported = use_state(|| None::<Result<String, String>>);
    // « Pas de réponse »: the families ticked for a reminder, the sending
    // under way and what it did.
    let selected = use_state(std::collections::BTreeSet::<i64>::new);
    let reminding = use_state(|| false);
    let reminded = use_state(|| None::<Result<String, String>>);
    {
        let (list, events) = (list.clone(), events.clone());
        use_effect_with(((*filter).clone(), *generation), move |(request, _)| {
            let request = request.clone();
            spawn_local(async move {
                match api::call::<ListReinscriptions>(&request).await {
                    Ok(l) => list.set(Some(Ok(l))),
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            list.set(Some(Err(e)));
                        }
                    }
                }
            });
        });
    }
    if let Some(id) = *open {
        let back = {
            let (open, generation) = (open.clone(), generation.clone());
            Callback::from(move |()| {
                open.set(None);
                generation.set(*generation + 1);
            })
        };
        let on_open = {
            let open = open.clone();
            Callback::from(move |id: i64| open.set(Some(id)))
        };
        return html! { <StudentPage key={id.to_string()} student_id={id} on_back={back} {on_open} reinscription=true /> };
    }
    let set = {
        let filter = filter.clone();
        move |change: Box<dyn Fn(&mut ListReinscriptionsRequest)>| {
            let mut next = (*filter).clone();
            change(&mut next);
            filter.set(next);
        }
    };
    let export = {
        let (filter, exporting, exported, events) = (
            filter.clone(),
            exporting.clone(),
            exported.clone(),
            events.clone(),
        );
        Callback::from(move |()| {
            if *exporting {
                return;
            }
            let (request, exporting, exported, events) = (
                (*filter).clone(),
                exporting.clone(),
                exported.clone(),
                events.clone(),
            );
            exporting.set(true);
            spawn_local(async move {
                match api::call::<ExportReinscriptions>(&request).await {
                    Ok(done) => exported.set(Some(Ok(format!(
                        "{} ligne(s) exportée(s) dans {}",
                        done.rows, done.path
                    )))),
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            exported.set(Some(Err(e.message)));
                        }
                    }
                }
                exporting.set(false);
            });
        })
    };
    let remind = {
        let (selected, reminding, reminded, events, generation) = (
            selected.clone(),
            reminding.clone(),
            reminded.clone(),
            events.clone(),
            generation.clone(),
        );
        Callback::from(move |()| {
            if *reminding || selected.is_empty() {
                return;
            }
            let request = QueueRemindersRequest {
                family_ids: selected.iter().copied().collect(),
            };
            let (selected, reminding, reminded, events, generation) = (
                selected.clone(),
                reminding.clone(),
                reminded.clone(),
                events.clone(),
                generation.clone(),
            );
            reminding.set(true);
            spawn_local(async move {
                match api::call::<QueueReminders>(&request).await {
                    Ok(done) => {
                        reminded.set(Some(Ok(done.message)));
                        selected.set(Default::default());
                        generation.set(*generation + 1);
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            reminded.set(Some(Err(e.message)));
                        }
                    }
                }
                reminding.set(false);
            });
        })
    };
    let body = match &*list {
        None => html! { <p aria-busy="true">{ "Chargement des dossiers…" }</p> },
        Some(Err(e)) => {
            html! { <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage> }
        }
        Some(Ok(l)) => {
            let choosing = filter.status.as_deref() == Some("pas_de_reponse");
            let rows: Vec<Vec<Html>> = l
                .rows
                .iter()
                .map(|r| {
                    let onclick = {
                        let (open, id) = (open.clone(), r.student_id);
                        Callback::from(move |_: MouseEvent| open.set(Some(id)))
                    };
                    let mut cells = Vec::new();
                    if choosing {
                        let family = r.family_id;
                        let onchange = {
                            let selected = selected.clone();
                            Callback::from(move |_: Event| {
                                let mut next = (*selected).clone();
                                if !next.remove(&family) {
                                    next.insert(family);
                                }
                                selected.set(next);
                            })
                        };
                        cells.push(html! {
                            <input type="checkbox" id={format!("relance-{}", r.student_id)} checked={selected.contains(&family)}
                                aria-label={format!("Relancer la famille {} ({})", r.family_number, r.name)} {onchange} />
                        });
                    }
                    cells.extend(vec![
                        html! { <button type="button" class="btn-link" id={format!("dossier-{}", r.student_id)} {onclick}>{ &r.name }</button> },
                        html! { <span class="cell-site">{ &r.site_name }</span> },
                        html! { <code>{ &r.family_number }</code> },
                        html! { <span class={classes!("dossier-status", format!("etat-{}", r.status_code))}>{ &r.status_label }</span> },
                        html! { { r.acknowledgement_number.clone().map(|n| format!("{n} · {}", r.channel_label.clone().unwrap_or_default())).unwrap_or_default() } },
                        html! { { if r.documents_owed > 0 { format!("{} pièce(s) due(s)", r.documents_owed) } else { "—".to_owned() } } },
                        html! { { r.updated_on.clone().unwrap_or_default() } },
                        // What the responsable works from: next year's
                        // courses, the reason given, or whom to call.
                        html! { <span class="cell-detail">{ match r.status_code.as_str() {
                            "ne_se_reinscrit_pas" => r.no_reason.clone().unwrap_or_default(),
                            "pas_de_reponse" | "brouillon" => [r.phone.clone(), r.email.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · "),
                            _ => r.next_courses.clone().unwrap_or_default(),
                        } }</span> },
                    ]);
                    cells
                })
                .collect();
            let mut columns = vec![
                AttrValue::from("Élève"),
                AttrValue::from("Site"),
                AttrValue::from("N° de famille"),
                AttrValue::from("État"),
                AttrValue::from("Accusé"),
                AttrValue::from("Pièces"),
                AttrValue::from("Mis à jour le"),
                AttrValue::from("Cours l'an prochain · motif · contact"),
            ];
            if choosing {
                columns.insert(0, AttrValue::from("Relancer"));
            }
            let families_shown: std::collections::BTreeSet<i64> =
                l.rows.iter().map(|r| r.family_id).collect();
            let count_buttons = {
                let all: i64 = l.counts.iter().map(|c| c.count).sum();
                let mut items = vec![(String::new(), "Tous".to_owned(), all)];
                items.extend(
                    l.counts
                        .iter()
                        .map(|c| (c.code.clone(), c.label.clone(), c.count)),
                );
                items
            };
            let current = filter.status.clone().unwrap_or_default();
            html! {
                <>
                    <p class="hint">{ l.campaign_label.clone() }</p>
                    <div class="status-counts" role="group" aria-label="Dossiers par état" id="compteurs">
                        { for count_buttons.into_iter().map(|(code, label, n)| {
                            let pressed = code == current;
                            let onclick = {
                                let (set, code) = (set.clone(), code.clone());
                                Callback::from(move |_: MouseEvent| {
                                    let code = code.clone();
                                    set(Box::new(move |f| f.status = (!code.is_empty()).then(|| code.clone())))
                                })
                            };
                            html! {
                                <button type="button" class={classes!("count-chip", pressed.then_some("count-chip-on"))}
                                    id={format!("etat-{}", if code.is_empty() { "tous" } else { code.as_str() })}
                                    aria-pressed={if pressed { "true" } else { "false" }} {onclick}>
                                    <span class="count-n">{ n }</span>{ " " }{ label }
                                </button>
                            }
                        }) }
                    </div>
                    <div class="filters">
                        <SelectField id="filtre-site" label="Site" placeholder="Tous les sites"
                            options={l.sites.iter().map(|(id, n)| (AttrValue::from(id.to_string()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={filter.site_id.map(|s| AttrValue::from(s.to_string()))}
                            onchange={let set = set.clone(); Callback::from(move |v: Option<String>| { let site = v.and_then(|v| v.parse().ok()); set(Box::new(move |f| f.site_id = site)) })} />
                        <SelectField id="filtre-discipline" label="Discipline" placeholder="Toutes les disciplines"
                            options={l.disciplines.iter().map(|(id, n)| (AttrValue::from(id.to_string()), AttrValue::from(n.clone()))).collect::<Vec<_>>()}
                            value={filter.discipline_id.map(|s| AttrValue::from(s.to_string()))}
                            onchange={let set = set.clone(); Callback::from(move |v: Option<String>| { let d = v.and_then(|v| v.parse().ok()); set(Box::new(move |f| f.discipline_id = d)) })} />
                        <label class="choice" for="filtre-pieces">
                            <input type="checkbox" id="filtre-pieces" checked={filter.missing_documents}
                                onchange={let set = set.clone(); Callback::from(move |_: Event| set(Box::new(|f| f.missing_documents = !f.missing_documents)))} />
                            { "Pièces manquantes seulement" }
                        </label>
                    </div>
                    <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("dossiers-compte"))}>
                        { match l.total { 0 => "Aucun dossier.".to_owned(), 1 => "1 dossier.".to_owned(), n if n as usize > l.rows.len() => format!("{n} dossiers ; les {} premiers par nom sont affichés : affinez les filtres.", l.rows.len()), n => format!("{n} dossiers.") } }
                    </StatusMessage>
                    <div class="form-actions">
                        <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("exporter-csv"))} busy={*exporting}
                            onclick={export.clone()}>{ "Exporter la liste (CSV)" }</Button>
                    </div>
                    if let Some(result) = &*exported {
                        <StatusMessage kind={if result.is_ok() { StatusKind::Success } else { StatusKind::Error }} id={Some(AttrValue::from("export-message"))}>
                            { result.clone().unwrap_or_else(|e| e) }
                        </StatusMessage>
                    }
                    if choosing {
                        <div class="form-actions" id="relances">
                            <button type="button" class="btn btn-secondary" id="relance-tout"
                                onclick={let (selected, all) = (selected.clone(), families_shown.clone()); Callback::from(move |_: MouseEvent| selected.set(all.clone()))}>
                                { format!("Tout cocher ({} familles)", families_shown.len()) }
                            </button>
                            <Button kind={ButtonKind::Primary} id={Some(AttrValue::from("relancer"))} busy={*reminding}
                                disabled={selected.is_empty()} onclick={remind.clone()}>
                                { format!("Relancer les familles cochées ({}) par courriel", selected.len()) }
                            </Button>
                        </div>
                        if let Some(result) = &*reminded {
                            <StatusMessage kind={if result.is_ok() { StatusKind::Success } else { StatusKind::Error }} id={Some(AttrValue::from("relance-message"))}>
                                { result.clone().unwrap_or_else(|e| e) }
                            </StatusMessage>
                        }
                    }
                    <DataTable id={Some(AttrValue::from("dossiers"))} caption="Dossiers de réinscription" caption_hidden=true
                        {columns}
                        {rows} empty="Aucun dossier ne correspond à ces filtres." />
                </>
            }
        }
    };
    html! {
        <section class="page" aria-labelledby="titre-page">
            <h1 id="titre-page">{ "Réinscriptions" }</h1>
            { body }
        </section>
    }
}
