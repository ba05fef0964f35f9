//! Accueil: where this workstation stands (database, schema, folders).

use portee_api::system::{AppInfoResponse, Backend};
use yew::prelude::*;

use crate::{shared::DbState, text::Area};

#[derive(Properties, PartialEq)]
pub struct HomeProps {
    pub db: DbState,
    pub info: Option<AppInfoResponse>,
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
