//! The application shell: header, navigation between areas, the page, and
//! the status bar with the database in use, read live from the backend.

use std::{cell::Cell, rc::Rc};

use portee_api::{
    ApiError, ErrorCode,
    auth::{Activity, AuthStatus, AuthStatusResponse, SessionInfo, SignOut, Unlock, UnlockRequest},
    system::{
        AppInfo, AppInfoResponse, Backend, DatabaseStatus, DatabaseStatusRequest, QuitApp, UiReady,
    },
};
use wasm_bindgen::{JsCast, closure::Closure};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{Button, ButtonKind, Logo, StatusKind, StatusMessage, TextField},
    pages::{
        administration::AdministrationPage, families::FamiliesPage, first_admin::FirstAdminPage,
        home::HomePage, placeholder::PlaceholderPage, sign_in::SignInPage,
        unavailable::UnavailablePage,
    },
    shared::{DbState, SessionEvents},
    text::Area,
};

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[component]
pub fn App() -> Html {
    let db = use_state(|| DbState::Connecting);
    let info = use_state(|| None::<AppInfoResponse>);
    let area = use_state(|| Area::Home);
    let auth = use_state(|| None::<AuthStatusResponse>);
    let locked = use_state(|| false);
    let last_activity = use_mut_ref(|| Rc::new(Cell::new(now_ms())));
    let last_ping = use_mut_ref(|| 0f64);
    // Bumped by Ctrl+K (Cmd+K on macOS): a fresh search page, focused.
    let search_key = use_state(|| 0u32);
    // Bumped by a click on the menu entry of the area shown: the area
    // starts again from its first screen (the search, the list).
    let nav_key = use_state(|| 0u32);
    // A list opened from a figure of the Accueil dashboard: the state of
    // dossier or the fill state it shows first.
    let list_filter = use_state(|| None::<String>);
    // The keyboard listener below is registered once: it reads these
    // mirrors, never a state handle captured at its first render.
    let search_count = use_mut_ref(|| 0u32);
    let locked_now = use_mut_ref(|| false);
    *locked_now.borrow_mut() = *locked;

    let load_auth = {
        let auth = auth.clone();
        let locked = locked.clone();
        Callback::from(move |()| {
            let (auth, locked) = (auth.clone(), locked.clone());
            spawn_local(async move {
                if let Ok(status) = api::call::<AuthStatus>(&()).await {
                    locked.set(status.locked);
                    auth.set(Some(status));
                }
            });
        })
    };

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

    // Once the database is ready, ask where sign-in stands.
    {
        let load_auth = load_auth.clone();
        let ready = matches!(*db, DbState::Ready(_));
        use_effect_with(ready, move |ready| {
            if *ready {
                load_auth.emit(());
            }
        });
    }
    // The inactivity lock: checked every second against the last key or
    // click; the page underneath stays mounted, so nothing typed is lost.
    {
        let locked = locked.clone();
        let last_activity = last_activity.borrow().clone();
        let signed_in = auth.as_ref().is_some_and(|a| a.session.is_some());
        let lock_after = auth.as_ref().map_or(600, |a| a.lock_after_seconds);
        use_effect_with((signed_in, lock_after), move |(signed_in, lock_after)| {
            let interval = signed_in.then(|| {
                let limit = f64::from(*lock_after) * 1000.0;
                gloo_timers::callback::Interval::new(1000, move || {
                    if now_ms() - last_activity.get() >= limit && !*locked {
                        locked.set(true);
                    }
                })
            });
            move || drop(interval)
        });
    }
    let on_activity = {
        let last_activity = last_activity.borrow().clone();
        let last_ping = last_ping.clone();
        let locked = locked.clone();
        let lock_after = auth.as_ref().map_or(600, |a| a.lock_after_seconds);
        Callback::from(move |()| {
            if *locked {
                return;
            }
            let now = now_ms();
            last_activity.set(now);
            // Tell the backend now and then, so its own lock agrees.
            let every = (f64::from(lock_after) * 1000.0 / 3.0).max(1000.0);
            if now - *last_ping.borrow() > every {
                *last_ping.borrow_mut() = now;
                spawn_local(async {
                    let _ = api::call::<Activity>(&()).await;
                });
            }
        })
    };
    // Ctrl+K (Cmd+K) from any screen: Élèves & familles, the search focused.
    {
        let (area, search_key, search_count, locked_now) = (
            area.clone(),
            search_key.clone(),
            search_count.clone(),
            locked_now.clone(),
        );
        use_effect_with((), move |_| {
            let listener =
                Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                    if (e.ctrl_key() || e.meta_key())
                        && e.key().eq_ignore_ascii_case("k")
                        && !*locked_now.borrow()
                    {
                        e.prevent_default();
                        *search_count.borrow_mut() += 1;
                        area.set(Area::Families);
                        // A new key mounts a fresh page, which focuses its
                        // search field once it is in the document.
                        search_key.set(*search_count.borrow());
                    }
                });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = document {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let events = {
        let locked = locked.clone();
        let load_auth = load_auth.clone();
        SessionEvents {
            report: Callback::from(move |e: ApiError| match e.code {
                ErrorCode::SessionLocked => locked.set(true),
                ErrorCode::Unauthenticated => load_auth.emit(()),
                _ => {}
            }),
        }
    };

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
            let (area, nav_key, list_filter) = (area.clone(), nav_key.clone(), list_filter.clone());
            Callback::from(move |_: MouseEvent| {
                if *area == a {
                    nav_key.set(*nav_key + 1);
                } else {
                    area.set(a);
                }
                list_filter.set(None);
            })
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

    let Some(status) = (*auth).clone() else {
        return html! {
            <>
                <main class="fullscreen" aria-busy="true">
                    <div class="fullscreen-card"><Logo /><p>{ "Ouverture de Portée…" }</p></div>
                </main>
                <StatusBar db={(*db).clone()} />
            </>
        };
    };
    if status.first_admin_needed {
        return html! { <><FirstAdminPage on_created={load_auth.clone()} /><StatusBar db={(*db).clone()} /></> };
    }
    let Some(session) = status.session.clone() else {
        let on_signed_in = {
            let (load_auth, area, last_activity) = (
                load_auth.clone(),
                area.clone(),
                last_activity.borrow().clone(),
            );
            Callback::from(move |_: SessionInfo| {
                last_activity.set(now_ms());
                area.set(Area::Home);
                load_auth.emit(());
            })
        };
        return html! { <><SignInPage status={status.clone()} {on_signed_in} /><StatusBar db={(*db).clone()} /></> };
    };
    let sign_out = {
        let load_auth = load_auth.clone();
        let locked = locked.clone();
        Callback::from(move |()| {
            let (load_auth, locked) = (load_auth.clone(), locked.clone());
            spawn_local(async move {
                let _ = api::call::<SignOut>(&()).await;
                locked.set(false);
                load_auth.emit(());
            });
        })
    };

    if session.must_change_password {
        return html! {
            <>
                <crate::pages::change_password::ChangePasswordPage session={session.clone()}
                    on_changed={load_auth.clone()} on_sign_out={sign_out.clone()} />
                <StatusBar db={(*db).clone()} />
            </>
        };
    }

    let page = match *area {
        Area::Home => {
            let on_open_list = {
                let (area, nav_key, list_filter) =
                    (area.clone(), nav_key.clone(), list_filter.clone());
                Callback::from(move |(to, filter): (Area, Option<String>)| {
                    list_filter.set(filter);
                    nav_key.set(*nav_key + 1);
                    area.set(to);
                })
            };
            html! { <HomePage db={(*db).clone()} info={(*info).clone()} {on_open_list} /> }
        }
        Area::Families => {
            html! { <FamiliesPage key={format!("{}-{}", *search_key, *nav_key)} focus_search={*search_key > 0} /> }
        }
        Area::Reinscriptions => {
            html! { <crate::pages::reinscriptions::ReinscriptionsPage key={nav_key.to_string()} initial_status={(*list_filter).clone()} /> }
        }
        Area::Documents => {
            html! { <crate::pages::documents::DocumentsPage key={nav_key.to_string()} /> }
        }
        Area::Courses => {
            html! { <crate::pages::courses::CoursesPage key={nav_key.to_string()} initial_fill={(*list_filter).clone()} /> }
        }
        Area::Administration => html! {
            <AdministrationPage info={(*info).clone()} is_admin={session.is_admin} sites={status.sites.clone()} />
        },
        other => html! { <PlaceholderPage area={other} /> },
    };

    html! {
        <ContextProvider<SessionEvents> context={events}>
        <div class="app"
            onkeydown={on_activity.reform(|_: KeyboardEvent| ())}
            onmousedown={on_activity.reform(|_: MouseEvent| ())}
            inert={*locked}
            aria-hidden={locked.then_some("true")}>
            <a class="skip-link" href="#contenu">{ "Aller au contenu" }</a>
            <header class="topbar">
                <Logo />
                <div class="brand">
                    <span class="brand-name">{ "Portée" }</span>
                    <span class="brand-sub">{ "Secrétariat des conservatoires" }</span>
                </div>
                <div class="user" id="utilisateur">
                    <span class="user-name">{ &session.display_name }</span>
                    <span class="user-detail">{ format!("{} · {}", session.role_label, session.site_name) }</span>
                </div>
                <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("deconnexion"))} onclick={sign_out.clone()}>{ "Déconnexion" }</Button>
                <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("quitter"))}
                    onclick={Callback::from(|()| spawn_local(async { let _ = api::call::<QuitApp>(&()).await; }))}>{ "Quitter" }</Button>
            </header>
            <nav class="sidebar" aria-label="Navigation principale">
                <ul>{ for nav }</ul>
            </nav>
            <main id="contenu" class="content" tabindex="-1" data-area={area.slug()}>
                { page }
            </main>
            <StatusBar db={(*db).clone()} />
        </div>
        if *locked {
            <LockScreen session={session.clone()} on_unlocked={{
                let (locked, last_activity) = (locked.clone(), last_activity.borrow().clone());
                Callback::from(move |()| { last_activity.set(now_ms()); locked.set(false); })
            }} on_sign_out={sign_out.clone()} />
        }
        </ContextProvider<SessionEvents>>
    }
}

#[derive(Properties, PartialEq)]
struct LockProps {
    session: SessionInfo,
    on_unlocked: Callback<()>,
    on_sign_out: Callback<()>,
}

/// Shown over the page after inactivity: the password is asked again; the
/// page underneath keeps what was typed.
#[component]
fn LockScreen(props: &LockProps) -> Html {
    let password = use_state(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (password, error, busy, on_unlocked) = (
            password.clone(),
            error.clone(),
            busy.clone(),
            props.on_unlocked.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = UnlockRequest {
                password: (*password).clone(),
            };
            let (password, error, busy, on_unlocked) = (
                password.clone(),
                error.clone(),
                busy.clone(),
                on_unlocked.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match api::call::<Unlock>(&request).await {
                    Ok(()) => on_unlocked.emit(()),
                    Err(e) => {
                        password.set(String::new());
                        error.set(Some(e.message));
                    }
                }
                busy.set(false);
            });
        })
    };
    html! {
        <div class="lock-overlay" id="verrou" role="dialog" aria-modal="true" aria-labelledby="verrou-titre">
            <form class="lock-card" {onsubmit} novalidate=true>
                <Logo />
                <h2 id="verrou-titre">{ "Session verrouillée" }</h2>
                <p>{ format!("Après une période d'inactivité, saisissez à nouveau le mot de passe de {}. Ce qui était saisi à l'écran est conservé.", props.session.display_name) }</p>
                <TextField id="verrou-mot-de-passe" label="Mot de passe" required=true input_type="password"
                    value={AttrValue::from((*password).clone())}
                    oninput={let p = password.clone(); Callback::from(move |v| p.set(v))}
                    autocomplete={Some(AttrValue::from("current-password"))} />
                if let Some(message) = &*error {
                    <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("verrou-erreur"))}>{ message.clone() }</StatusMessage>
                }
                <div class="actions">
                    <Button submit=true busy={*busy} id={Some(AttrValue::from("verrou-valider"))}>{ "Déverrouiller" }</Button>
                    <Button kind={ButtonKind::Secondary} onclick={props.on_sign_out.clone()}>{ "Se déconnecter" }</Button>
                </div>
            </form>
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
                    {
                        match i.encrypted {
                            Some(true) => html! {
                                <>
                                    <span class="sep" aria-hidden="true">{ " · " }</span>
                                    <span id="statut-base-chiffrement" data-encrypted="true">{ "connexion chiffrée (TLS)" }</span>
                                </>
                            },
                            Some(false) => html! {
                                <>
                                    <span class="sep" aria-hidden="true">{ " · " }</span>
                                    <span id="statut-base-chiffrement" data-encrypted="false" class="tag-warning"
                                        title="Les données circulent en clair sur le réseau : demandez sslmode=verify-full dans l'adresse de la base.">
                                        { "connexion non chiffrée" }
                                    </span>
                                </>
                            },
                            None => html! {},
                        }
                    }
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
