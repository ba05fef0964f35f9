//! Accueil: the campaign's dashboard of the member's sites (dates and days
//! left, dossiers by state as a chart and as numbers, documents awaiting
//! review, slots full and nearly full — each figure opens its list), then
//! where this workstation stands (database, schema, folders).

use std::{cell::Cell, rc::Rc};

use portee_api::{
    reinscription::{Dashboard, DashboardRequest, GetDashboard},
    system::{AppInfoResponse, Backend},
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    shared::{DbState, SessionEvents, session_error},
    text::Area,
};

#[derive(Properties, PartialEq)]
pub struct HomeProps {
    pub db: DbState,
    pub info: Option<AppInfoResponse>,
    /// Opens a list from a figure: the area and the filter it starts with
    /// (a state of dossier, a fill state).
    #[prop_or_default]
    pub on_open_list: Callback<(Area, Option<String>)>,
}

#[derive(Properties, PartialEq)]
struct DashboardProps {
    on_open_list: Callback<(Area, Option<String>)>,
}

/// How often an open Accueil reads the campaign's figures again when the
/// database sends no notifications (SQLite), and the safety read when it
/// does (PostgreSQL).
const REFRESH_MS: u32 = 1_000;
const SAFETY_MS: u32 = 15_000;

/// The campaign's progress on the member's sites.
#[component]
fn CampaignDashboard(props: &DashboardProps) -> Html {
    let events = use_context::<SessionEvents>();
    // Equal figures read again draw nothing.
    let dashboard = use_state_eq(|| None::<Result<Dashboard, String>>);
    let stale = use_state_eq(|| false);
    {
        let (dashboard, stale, events) = (dashboard.clone(), stale.clone(), events.clone());
        // Read at once, then again whenever another workstation changes a
        // dossier, a document or a seat of the member's sites (`live::Live`:
        // the database's notifications on PostgreSQL, a read every
        // REFRESH_MS on SQLite); one read at a time. A failed refresh keeps
        // the figures and says they may be stale.
        use_effect_with((), move |()| {
            let in_flight = Rc::new(Cell::new(false));
            let load = move |refresh: bool| {
                if in_flight.get() {
                    return;
                }
                in_flight.set(true);
                let (dashboard, stale, events, in_flight) = (
                    dashboard.clone(),
                    stale.clone(),
                    events.clone(),
                    in_flight.clone(),
                );
                spawn_local(async move {
                    match api::call::<GetDashboard>(&DashboardRequest { refresh }).await {
                        Ok(d) => {
                            stale.set(false);
                            dashboard.set(Some(Ok(d)));
                        }
                        Err(e) => {
                            if let Some(e) = session_error(&events, e) {
                                if refresh {
                                    stale.set(true);
                                } else {
                                    dashboard.set(Some(Err(e.message)));
                                }
                            }
                        }
                    }
                    in_flight.set(false);
                });
            };
            load(false);
            let live = crate::live::Live::start(Rc::new(move || load(true)), REFRESH_MS, SAFETY_MS);
            move || drop(live)
        });
    }
    let d = match &*dashboard {
        None => return html! { <p aria-busy="true">{ "Lecture de la campagne…" }</p> },
        Some(Err(e)) => return html! { <p class="status status-error">{ e.clone() }</p> },
        Some(Ok(d)) => d,
    };
    let open = |area: Area, filter: Option<&str>| {
        let (on, filter) = (props.on_open_list.clone(), filter.map(str::to_owned));
        Callback::from(move |_: MouseEvent| on.emit((area, filter.clone())))
    };
    let total = d.total.max(1);
    html! {
        <section class="dashboard" aria-labelledby="titre-campagne" id="tableau-de-bord">
            <h2 id="titre-campagne">{ format!("{} — {}", d.campaign_label, d.sites_label) }</h2>
            <p class="campaign-dates" id="campagne-dates">
                { format!("Du {} au {} · documents à fournir avant le {}", d.opens_on, d.closes_on, d.documents_deadline) }
            </p>
            <p class="campaign-state" id="campagne-etat"><strong>{ &d.campaign_state }</strong></p>
            if *stale {
                <p class="status status-error" id="tableau-perime" role="alert">
                    { "Ces chiffres ne sont plus mis à jour (base de données injoignable) : ils peuvent avoir changé sur d'autres postes." }
                </p>
            }
            <figure class="status-chart" id="dossiers-par-etat">
                <figcaption>{ format!("Dossiers par état ({} élèves concernés)", d.total) }</figcaption>
                <div class="stacked-bar" role="img"
                    aria-label={d.counts.iter().map(|c| format!("{} : {}", c.label, c.count)).collect::<Vec<_>>().join(", ")}>
                    { for d.counts.iter().filter(|c| c.count > 0).map(|c| html! {
                        <span class={classes!("stacked-part", format!("etat-{}", c.code))}
                            style={format!("width: {:.2}%", c.count as f64 * 100.0 / total as f64)}></span>
                    }) }
                </div>
                <ul class="figures">
                    { for d.counts.iter().map(|c| html! {
                        <li>
                            <button type="button" class="figure" id={format!("chiffre-{}", c.code)}
                                onclick={open(Area::Reinscriptions, Some(c.code.as_str()))}>
                                <span class={classes!("figure-swatch", format!("etat-{}", c.code))} aria-hidden="true"></span>
                                <span class="figure-value">{ c.count }</span>
                                <span class="figure-label">{ &c.label }</span>
                            </button>
                        </li>
                    }) }
                </ul>
            </figure>
            <ul class="figures">
                <li>
                    <button type="button" class="figure" id="chiffre-documents" onclick={open(Area::Documents, None)}>
                        <span class="figure-value">{ d.documents_to_review }</span>
                        <span class="figure-label">{ "document(s) à examiner" }</span>
                    </button>
                </li>
                <li>
                    <button type="button" class="figure" id="chiffre-complets" onclick={open(Area::Courses, Some("complet"))}>
                        <span class="figure-value">{ d.slots_full }</span>
                        <span class="figure-label">{ format!("créneau(x) complet(s) sur {}", d.slots_total) }</span>
                    </button>
                </li>
                <li>
                    <button type="button" class="figure" id="chiffre-presque-complets" onclick={open(Area::Courses, Some("presque_complet"))}>
                        <span class="figure-value">{ d.slots_nearly_full }</span>
                        <span class="figure-label">{ "créneau(x) presque complet(s)" }</span>
                    </button>
                </li>
            </ul>
        </section>
    }
}

#[component]
pub fn HomePage(props: &HomeProps) -> Html {
    let db = match &props.db {
        DbState::Connecting => {
            html! { <p aria-busy="true">{ "Connexion à la base de données…" }</p> }
        }
        DbState::Ready(i) => {
            let kind = match i.backend {
                Backend::Sqlite => "SQLite intégrée (ce poste uniquement)",
                Backend::Postgres => "PostgreSQL partagée (tout le réseau)",
            };
            let schema = if i.schema_version == i.expected_schema_version {
                format!(
                    "version {} ({}), à jour",
                    i.schema_version, i.schema_description
                )
            } else {
                format!(
                    "version {} ; cette version de Portée attend la version {}",
                    i.schema_version, i.expected_schema_version
                )
            };
            html! {
                <dl class="facts">
                    <dt>{ "Type" }</dt><dd>{ kind }</dd>
                    <dt>{ if i.backend == Backend::Sqlite { "Fichier" } else { "Serveur" } }</dt>
                    <dd><code>{ &i.location }</code></dd>
                    if let Some(name) = &i.database { <dt>{ "Base" }</dt><dd><code>{ name }</code></dd> }
                    <dt>{ "Schéma" }</dt><dd>{ schema }</dd>
                </dl>
            }
        }
        DbState::Failed(e) => html! { <p>{ &e.message }</p> },
    };
    let coming = Area::ALL
        .iter()
        .filter(|a| !a.is_built())
        .map(|a| html! { <li>{ a.label() }</li> });
    html! {
        <section class="page" aria-labelledby="titre-page">
            <h1 id="titre-page">{ "Accueil" }</h1>
            <p class="lead">
                { "Portée est le poste du secrétariat pour les réinscriptions : effectuer ou corriger une réinscription pour le compte d'une famille, examiner les documents déposés, gérer les capacités des cours et imprimer accusés de réception et récapitulatifs." }
            </p>
            if let DbState::Ready(_) = &props.db {
                <CampaignDashboard on_open_list={props.on_open_list.clone()} />
            }
            if let DbState::Ready(i) = &props.db {
                if i.demo {
                    <div class="notice notice-demo" id="bandeau-demo" role="note">
                        <p><strong>{ "Base de démonstration" }</strong>{ " : les familles, élèves et comptes qu'elle contient sont fictifs." }</p>
                        if let Some(n) = i.demo_seeded_now {
                            <p>{ format!("Elle a été créée au premier démarrage de ce poste : {} élèves fictifs répartis sur les 8 sites.", format_count(n)) }</p>
                        }
                    </div>
                }
            }
            <div class="cards">
                <article class="card" aria-labelledby="titre-base">
                    <h2 id="titre-base">{ "Base de données" }</h2>
                    { db }
                </article>
                <article class="card" aria-labelledby="titre-poste">
                    <h2 id="titre-poste">{ "Ce poste" }</h2>
                    if let Some(info) = &props.info {
                        <dl class="facts">
                            <dt>{ "Version de Portée" }</dt><dd>{ &info.version }</dd>
                            <dt>{ "Dossier des données" }</dt><dd><code>{ &info.data_dir }</code></dd>
                            <dt>{ "Journaux" }</dt><dd><code>{ &info.log_dir }</code></dd>
                        </dl>
                    } else {
                        <p aria-busy="true">{ "Lecture…" }</p>
                    }
                </article>
                <article class="card" aria-labelledby="titre-a-venir">
                    <h2 id="titre-a-venir">{ "Dans les prochaines versions" }</h2>
                    <p>{ "Ces espaces sont visibles dans le menu mais pas encore disponibles :" }</p>
                    <ul id="a-venir">{ for coming }</ul>
                </article>
            </div>
        </section>
    }
}

/// 8000 → « 8 000 » (French thousands separator, non-breaking).
fn format_count(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}
