//! The application shell: header, navigation between areas, the page, and
//! the status bar with the database in use, read live from the backend.

use portee_api::{
    ApiError,
    system::{
        AppInfo, AppInfoResponse, Backend, DatabaseInfo, DatabaseStatus, DatabaseStatusRequest,
        UiReady,
    },
};
use wasm_bindgen::{JsCast, closure::Closure};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    pages::{
        administration::AdministrationPage, home::HomePage, placeholder::PlaceholderPage,
        unavailable::UnavailablePage,
    },
    text::Area,
};

/// Where the connection to the database stands.
#[derive(Debug, Clone, PartialEq)]
pub enum DbState {
    Connecting,
    Ready(DatabaseInfo),
    Failed(ApiError),
}

#[component]
pub fn App() -> Html {
    let db = use_state(|| DbState::Connecting);
    let info = use_state(|| None::<AppInfoResponse>);
    let area = use_state(|| Area::Home);

    let load = {
        let db = db.clone();
        let info = info.clone();
        Callback::from(move |retry: bool| {
            let db = db.clone();
            let info = info.clone();
            db.set(DbState::Connecting);
            spawn_local(async move {
                if info.is_none()
                    && let Ok(i) = api::call::<AppInfo>(&()).await
                {
                    info.set(Some(i));
                }
                match api::call::<DatabaseStatus>(&DatabaseStatusRequest { retry }).await {
                    Ok(status) => db.set(DbState::Ready(status)),
                    Err(e) => db.set(DbState::Failed(e)),
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| {
            load.emit(false);
            report_first_paint();
        });
    }

    if let DbState::Failed(error) = &*db {
        return html! {
            <UnavailablePage
                error={error.clone()}
                info={(*info).clone()}
                on_retry={load.reform(|()| true)}
            />
        };
    }

    let nav = Area::ALL.iter().map(|&a| {
        let current = *area == a;
        let onclick = {
            let area = area.clone();
            Callback::from(move |_: MouseEvent| area.set(a))
        };
        html! {
            <li>
                <button
                    type="button"
                    id={format!("nav-{}", a.slug())}
                    class={classes!("nav-item", current.then_some("nav-current"))}
                    aria-current={current.then_some("page")}
                    {onclick}
                >{ a.label() }</button>
            </li>
        }
    });

    let page = match *area {
        Area::Home => html! { <HomePage db={(*db).clone()} info={(*info).clone()} /> },
        Area::Administration => html! { <AdministrationPage info={(*info).clone()} /> },
        other => html! { <PlaceholderPage area={other} /> },
    };

    html! {
        <div class="app">
            <a class="skip-link" href="#contenu">{ "Aller au contenu" }</a>
            <header class="topbar">
                <Logo />
                <div class="brand">
                    <span class="brand-name">{ "Portée" }</span>
                    <span class="brand-sub">{ "Secrétariat des conservatoires" }</span>
                </div>
            </header>
            <nav class="sidebar" aria-label="Navigation principale">
                <ul>{ for nav }</ul>
            </nav>
            <main id="contenu" class="content" tabindex="-1" data-area={area.slug()}>
                { page }
            </main>
            <StatusBar db={(*db).clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct StatusBarProps {
    db: DbState,
}

#[component]
fn StatusBar(props: &StatusBarProps) -> Html {
    let content = match &props.db {
        DbState::Connecting => html! {
            <span id="statut-base" data-state="connecting">
                <span class="dot dot-busy" aria-hidden="true"></span>
                { "Connexion à la base de données… (au premier démarrage, préparation des données de démonstration)" }
            </span>
        },
        DbState::Ready(i) => {
            let (kind, place) = match i.backend {
                Backend::Sqlite => ("sqlite", format!("SQLite · {}", i.location)),
                Backend::Postgres => (
                    "postgres",
                    format!(
                        "PostgreSQL · {} · base {}",
                        i.location,
                        i.database.as_deref().unwrap_or("?")
                    ),
                ),
            };
            html! {
                <span id="statut-base" data-state="ready" data-backend={kind}
                      data-schema-version={i.schema_version.to_string()}>
                    <span class="dot dot-ok" aria-hidden="true"></span>
                    <span id="statut-base-lieu">{ place }</span>
                    <span class="sep" aria-hidden="true">{ " · " }</span>
                    <span id="statut-base-schema">{ format!("schéma v{}", i.schema_version) }</span>
                    if i.demo {
                        <span class="sep" aria-hidden="true">{ " · " }</span>
                        <span class="tag-demo">{ "données de démonstration" }</span>
                    }
                </span>
            }
        }
        DbState::Failed(_) => html! {
            <span id="statut-base" data-state="failed">{ "Base de données indisponible" }</span>
        },
    };
    html! {
        <footer class="statusbar" aria-label="Barre d'état">
            <span class="statusbar-label">{ "Base de données :" }</span>
            { content }
        </footer>
    }
}

/// The Portée mark: a five-line staff with a note (icons/portee.svg).
#[component]
pub fn Logo() -> Html {
    html! {
        <svg class="logo" viewBox="0 0 64 64" width="40" height="40" aria-hidden="true" focusable="false">
            <rect width="64" height="64" rx="14" fill="#1b2a4a"/>
            <g stroke="#e8edf7" stroke-width="2.4" stroke-linecap="round">
                <line x1="10" y1="18" x2="54" y2="18"/>
                <line x1="10" y1="25" x2="54" y2="25"/>
                <line x1="10" y1="32" x2="54" y2="32"/>
                <line x1="10" y1="39" x2="54" y2="39"/>
                <line x1="10" y1="46" x2="54" y2="46"/>
            </g>
            <ellipse cx="30" cy="42.5" rx="7" ry="5.2" transform="rotate(-22 30 42.5)" fill="#f2b134"/>
            <rect x="35.2" y="12" width="3" height="30" rx="1.2" fill="#f2b134"/>
        </svg>
    }
}

/// Tells the backend once the first frame is on screen (logged; used by the
/// launch benchmark).
fn report_first_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let cb = Closure::once_into_js(move || {
        spawn_local(async {
            let _ = api::call::<UiReady>(&()).await;
        });
    });
    let _ = window.request_animation_frame(cb.unchecked_ref());
}
